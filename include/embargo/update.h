/* embargo: downloading the official lists (`embargo lists update`).
 *
 * An update fetches every file named in a sources file (data/sources.json)
 * into a hidden incoming directory under the destination, validates each
 * group of files (OFAC's SDN files form one group, its consolidated files
 * another), and only then moves the validated files into the destination,
 * keeping the replaced copies in DEST/.previous/. A manifest,
 * DEST/.embargo-manifest.json, records each file's source, URL, SHA-256,
 * size, counts, fetch time, ETag and Last-Modified. A lock on DEST/.lock
 * keeps two updates from running at once, and a journal lets the next run
 * finish a replacement that a crash interrupted (docs/lists-update.md).
 *
 * The report (emb_update_report) is an opaque handle; the file results it
 * hands out are borrowed from it and valid until emb_update_report_free().
 */
#ifndef EMBARGO_UPDATE_H
#define EMBARGO_UPDATE_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/status.h"

/* Defaults of emb_update_opts, also shown by `lists update --help`. */
#define EMB_UPDATE_DEFAULT_TIMEOUT 300L                 /* seconds per file */
#define EMB_UPDATE_DEFAULT_MAX_SIZE ((size_t)512 << 20) /* bytes per file */
#define EMB_UPDATE_DEFAULT_MIN_RATIO 0.5

/* Called with one line of progress ("fetching sdn.csv from ..."); the
 * string is borrowed for the duration of the call. */
typedef void (*emb_update_log_fn)(void *userdata, const char *msg);

typedef struct emb_update_opts {
  const char *dest;    /* destination directory; borrowed; created if absent */
  const char *sources; /* sources file; borrowed; NULL: the built-in one */
  const char *const *only; /* source or group ids to fetch; borrowed */
  size_t n_only;           /* 0: every source not marked optional */
  long timeout;            /* whole transfer of one file, seconds */
  size_t max_size;         /* largest accepted file, bytes */
  double min_ratio;      /* refuse a group whose count falls below this share */
  int dry_run;           /* download and validate, replace nothing */
  emb_update_log_fn log; /* may be NULL */
  void *userdata;
} emb_update_opts;

/* Fills o with the defaults (dest "lists", built-in sources, no filter). */
EMB_API void emb_update_opts_init(emb_update_opts *o);

/* What became of one file. */
typedef enum emb_update_state {
  EMB_UPDATE_UPDATED = 0, /* new version validated and moved in */
  EMB_UPDATE_UNCHANGED,   /* 304 Not Modified, or the same bytes again */
  EMB_UPDATE_VALIDATED,   /* --dry-run: new version valid, not moved in */
  EMB_UPDATE_FAILED       /* refused: the current copy is kept */
} emb_update_state;

typedef struct emb_update_file {
  const char *id;     /* source id from the sources file */
  const char *group;  /* the group validated and replaced together */
  const char *file;   /* file name inside the destination */
  const char *url;    /* the URL fetched (before redirects) */
  const char *format; /* expected loader format ("csl-csv", ...) */
  emb_update_state state;
  emb_status status;  /* EMB_OK unless FAILED */
  const char *check;  /* FAILED: the check that refused it, else NULL */
  const char *reason; /* FAILED: why, naming the file; else NULL */
  const char *sha256; /* of the new bytes (or the kept copy), or NULL */
  const char *previous_sha256; /* of the copy it replaced, or NULL */
  size_t size;                 /* bytes */
  size_t lines;                /* newline count of the file */
  size_t rows;                 /* rows the group's loader read */
  size_t entities;             /* entities the group's loader kept */
  int http_status;             /* last HTTP status, 0 when none */
} emb_update_file;

typedef struct emb_update_report emb_update_report;

/* Runs one update. Returns EMB_OK when the run could be carried out, even
 * if some files failed (see their state; emb_update_report_failed()).
 * Returns an error, with *out possibly set to a report naming it in
 * emb_update_report_error(), when the run could not start: bad options
 * (EMB_EINVAL), a sources file that does not parse (EMB_EPARSE), the
 * destination locked by another update (EMB_EIO), and the like. On return
 * *out is NULL or a report the caller frees with emb_update_report_free(). */
EMB_API EMB_NODISCARD emb_status emb_update_run(const emb_update_opts *opts,
                                                emb_update_report **out);

EMB_API void emb_update_report_free(emb_update_report *r);
EMB_API size_t emb_update_report_count(const emb_update_report *r);
/* Borrowed; valid until emb_update_report_free. i < count. */
EMB_API const emb_update_file *emb_update_report_file(
    const emb_update_report *r, size_t i);
/* Number of files in state FAILED. */
EMB_API size_t emb_update_report_failed(const emb_update_report *r);
/* Why the run as a whole failed, or NULL. Borrowed. */
EMB_API const char *emb_update_report_error(const emb_update_report *r);
/* Set when this run first finished a replacement that an earlier,
 * interrupted run had left half done: what it did. Borrowed; or NULL. */
EMB_API const char *emb_update_report_recovered(const emb_update_report *r);

EMB_API const char *emb_update_state_name(emb_update_state s);

/* The built-in sources file (data/sources.json of the install or source
 * tree, or $EMBARGO_DATA_DIR/sources.json). Static storage. */
EMB_API const char *emb_update_default_sources(void);

#endif
