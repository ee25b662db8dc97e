/* Sorted, loop-safe directory walks. See walk.h. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec.h"

int emb__walk_first_visit(emb__walk *w, const struct stat *sb) {
  for (size_t i = 0; i < w->n_seen; i++)
    if (w->seen[i].dev == sb->st_dev && w->seen[i].ino == sb->st_ino) return 0;
  void *v = w->seen;
  emb__walk_id *slot = emb__vec_push(&v, &w->n_seen, sizeof(*slot));
  if (slot == NULL) return -1;
  w->seen = v;
  slot->dev = sb->st_dev;
  slot->ino = sb->st_ino;
  return 1;
}

void emb__walk_free(emb__walk *w) {
  free(w->seen);
  w->seen = NULL;
  w->n_seen = 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The visible entry names of dir, sorted; NULL with *n == 0 when empty.
 * Returns EMB_ENOMEM, EMB_EIO (errno set) or EMB_OK. */
static emb_status read_names(const char *dir, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  DIR *d = opendir(dir);
  if (d == NULL) return EMB_EIO;
  char **names = NULL;
  emb_status st = EMB_OK;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue; /* hidden files, . and .. */
    void *v = names;
    char **slot = emb__vec_push(&v, n, sizeof(*slot));
    names = v;
    if (slot == NULL || (*slot = strdup(de->d_name)) == NULL) {
      if (slot) (*n)--;
      st = EMB_ENOMEM;
      break;
    }
  }
  closedir(d);
  if (*n) qsort(names, *n, sizeof(*names), cmp_str);
  *out = names;
  return st;
}

static emb_status walk(emb__walk *w, const char *dir, const char *skip,
                       emb__walk_file_fn on_file, emb__walk_error_fn on_error,
                       void *ud, int depth) {
  if (depth > EMB__WALK_MAX_DEPTH) return EMB_OK;
  char **names;
  size_t n;
  emb_status st = read_names(dir, &names, &n);
  if (st == EMB_EIO) {
    if (on_error) on_error(ud, dir, errno);
    return EMB_OK;
  }
  for (size_t i = 0; i < n && st == EMB_OK; i++) {
    size_t plen = strlen(dir) + strlen(names[i]) + 2;
    char *p = malloc(plen);
    if (p == NULL) {
      st = EMB_ENOMEM;
      break;
    }
    snprintf(p, plen, "%s/%s", dir, names[i]);
    struct stat sb;
    if ((skip == NULL || strcmp(p, skip) != 0) && stat(p, &sb) == 0 &&
        (S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode))) {
      int fresh = emb__walk_first_visit(w, &sb);
      if (fresh < 0)
        st = EMB_ENOMEM;
      else if (fresh && S_ISDIR(sb.st_mode))
        st = walk(w, p, skip, on_file, on_error, ud, depth + 1);
      else if (fresh)
        st = on_file(ud, p);
    }
    free(p);
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  return st;
}

emb_status emb__walk_dir(emb__walk *w, const char *dir, const char *skip,
                         emb__walk_file_fn on_file, emb__walk_error_fn on_error,
                         void *ud) {
  return walk(w, dir, skip, on_file, on_error, ud, 0);
}
