/* Files of a rules directory: reading them whole with their hash, cutting
 * them into lines, and finding the rule packs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../common/sha256.h"
#include "../../common/vec.h"
#include "../../common/walk.h"
#include "rules_internal.h"

/* At most this many packs (the tree's depth is bounded by the walk). */
#define MAX_PACKS 4096

emb_status emb__read_file(const char *path, size_t max, char **data,
                          size_t *len, char hex[65]) {
  *data = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return errno == ENOENT ? EMB_ENOTFOUND : EMB_EIO;
  size_t cap = 64 * 1024, n = 0;
  char *buf = malloc(cap + 1);
  emb_status st = buf ? EMB_OK : EMB_ENOMEM;
  while (st == EMB_OK) {
    if (n == cap) {
      if (cap > max) {
        st = EMB_ETOOBIG;
        break;
      }
      cap *= 2;
      char *nb = realloc(buf, cap + 1);
      if (nb == NULL) {
        st = EMB_ENOMEM;
        break;
      }
      buf = nb;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    n += k;
    if (k == 0) {
      if (ferror(f)) st = EMB_EIO;
      break;
    }
  }
  fclose(f);
  if (st == EMB_OK && n > max) st = EMB_ETOOBIG;
  if (st != EMB_OK) {
    free(buf);
    return st;
  }
  buf[n] = '\0';
  emb__sha256_hex(buf, n, hex);
  *data = buf;
  *len = n;
  return EMB_OK;
}

long emb__line_of_key(const char *text, const char *needle) {
  size_t nl = strlen(needle);
  for (const char *p = strchr(text, '"'); p; p = strchr(p + 1, '"')) {
    if (strncmp(p + 1, needle, nl) == 0 && p[nl + 1] == '"') {
      long line = 1;
      for (const char *q = text; q < p; q++) line += *q == '\n';
      return line;
    }
  }
  return 0;
}

typedef struct packs {
  char **paths;
  size_t n;
  emb_status dir_error; /* a directory that could not be read */
} packs;

/* Collects the rule packs: regular files named *.jsonl. */
static emb_status on_file(void *ud, const char *path) {
  packs *w = ud;
  size_t len = strlen(path);
  if (len <= 6 || strcmp(path + len - 6, ".jsonl") != 0) return EMB_OK;
  if (w->n == MAX_PACKS) return EMB_ETOOBIG;
  void *v = w->paths;
  char **slot = emb__vec_push(&v, &w->n, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  w->paths = v;
  if ((*slot = strdup(path)) == NULL) {
    w->n--;
    return EMB_ENOMEM;
  }
  return EMB_OK;
}

static void on_error(void *ud, const char *path, int err) {
  (void)path;
  packs *w = ud;
  if (w->dir_error == EMB_OK)
    w->dir_error = err == ENOENT ? EMB_ENOTFOUND : EMB_EIO;
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

emb_status emb__find_packs(const char *dir, const char *skip, char ***paths,
                           size_t *n) {
  packs w = {NULL, 0, EMB_OK};
  emb__walk walk = {0};
  struct stat sb;
  if (stat(dir, &sb) == 0 && emb__walk_first_visit(&walk, &sb) < 0) {
    emb__walk_free(&walk);
    return EMB_ENOMEM;
  }
  emb_status st = emb__walk_dir(&walk, dir, skip, on_file, on_error, &w);
  emb__walk_free(&walk);
  if (st == EMB_OK) st = w.dir_error;
  if (st != EMB_OK) {
    for (size_t i = 0; i < w.n; i++) free(w.paths[i]);
    free(w.paths);
    return st;
  }
  if (w.n) qsort(w.paths, w.n, sizeof(*w.paths), cmp_path);
  *paths = w.paths;
  *n = w.n;
  return EMB_OK;
}
