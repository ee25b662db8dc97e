/* Walking directory trees of data files (list files, rule packs): sorted,
 * so loads are deterministic; hidden entries skipped; each directory and
 * file visited once by identity (device and inode), because symbolic links
 * can reach one directory by endless paths (a link to "." or "..") and one
 * file by several. */
#ifndef EMB_COMMON_WALK_H
#define EMB_COMMON_WALK_H

#include <stddef.h>
#include <sys/stat.h>

#include "embargo/status.h"

#define EMB__WALK_MAX_DEPTH 32

typedef struct emb__walk_id {
  dev_t dev;
  ino_t ino;
} emb__walk_id;

/* The identities visited so far; zero-initialise, free with
 * emb__walk_free. One walk state may span several roots, so a path given
 * twice, or inside a directory given too, is visited once. */
typedef struct emb__walk {
  emb__walk_id *seen;
  size_t n_seen;
} emb__walk;

/* Called for each regular file, in sorted order within each directory;
 * any status other than EMB_OK ends the walk with it. path is borrowed
 * for the call. */
typedef emb_status (*emb__walk_file_fn)(void *ud, const char *path);
/* Called for a directory that cannot be read (err is errno); the walk
 * goes on. */
typedef void (*emb__walk_error_fn)(void *ud, const char *path, int err);

/* Records sb's identity: 1 if new, 0 if visited before, -1 on out of
 * memory. */
int emb__walk_first_visit(emb__walk *w, const struct stat *sb);

/* Walks dir recursively (at most EMB__WALK_MAX_DEPTH levels), skipping
 * names that start with '.' and the path skip (may be NULL). Returns
 * EMB_OK, EMB_ENOMEM, or the first non-OK status of on_file. */
emb_status emb__walk_dir(emb__walk *w, const char *dir, const char *skip,
                         emb__walk_file_fn on_file, emb__walk_error_fn on_error,
                         void *ud);

void emb__walk_free(emb__walk *w);

#endif
