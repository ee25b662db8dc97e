/* Files of a rules directory: reading them whole with their hash, cutting
 * them into lines, and finding the rule packs. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../common/sha256.h"
#include "rules_internal.h"

/* At most this many packs and this deep a directory tree. */
#define MAX_PACKS 4096
#define MAX_DEPTH 8

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

/* A directory or file by identity: symbolic links can reach one directory
 * by endless paths (a link to ".."), and one pack by several. */
typedef struct file_id {
  dev_t dev;
  ino_t ino;
} file_id;

typedef struct walk {
  char **paths;
  size_t n;
  const char *skip;
  file_id *seen;
  size_t n_seen, cap_seen;
  emb_status st;
} walk;

/* 1 when sb was not seen before (and is now), 0 when it was. */
static int first_visit(walk *w, const struct stat *sb) {
  for (size_t i = 0; i < w->n_seen; i++)
    if (w->seen[i].dev == sb->st_dev && w->seen[i].ino == sb->st_ino) return 0;
  if (w->n_seen == w->cap_seen) {
    size_t cap = w->cap_seen ? w->cap_seen * 2 : 32;
    file_id *ns = realloc(w->seen, cap * sizeof(*ns));
    if (ns == NULL) {
      w->st = EMB_ENOMEM;
      return 0;
    }
    w->seen = ns;
    w->cap_seen = cap;
  }
  w->seen[w->n_seen++] = (file_id){sb->st_dev, sb->st_ino};
  return 1;
}

static void add_path(walk *w, const char *path) {
  if (w->n == MAX_PACKS) {
    w->st = EMB_ETOOBIG;
    return;
  }
  if ((w->n & (w->n - 1)) == 0) {
    size_t cap = w->n ? w->n * 2 : 16;
    char **np = realloc(w->paths, cap * sizeof(*np));
    if (np == NULL) {
      w->st = EMB_ENOMEM;
      return;
    }
    w->paths = np;
  }
  w->paths[w->n] = strdup(path);
  if (w->paths[w->n] == NULL)
    w->st = EMB_ENOMEM;
  else
    w->n++;
}

static void walk_dir(walk *w, const char *dir, int depth) {
  if (depth > MAX_DEPTH) return;
  DIR *d = opendir(dir);
  if (d == NULL) {
    w->st = errno == ENOENT ? EMB_ENOTFOUND : EMB_EIO;
    return;
  }
  struct dirent *de;
  while (w->st == EMB_OK && (de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char path[4096];
    int k = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    if (k < 0 || (size_t)k >= sizeof(path)) continue;
    if (strcmp(path, w->skip) == 0) continue;
    struct stat sb;
    if (stat(path, &sb) != 0 || !first_visit(w, &sb)) continue;
    size_t len = strlen(de->d_name);
    if (S_ISDIR(sb.st_mode))
      walk_dir(w, path, depth + 1);
    else if (S_ISREG(sb.st_mode) && len > 6 &&
             strcmp(de->d_name + len - 6, ".jsonl") == 0)
      add_path(w, path);
  }
  closedir(d);
}

static int cmp_path(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

emb_status emb__find_packs(const char *dir, const char *skip, char ***paths,
                           size_t *n) {
  walk w = {NULL, 0, skip, NULL, 0, 0, EMB_OK};
  struct stat sb;
  if (stat(dir, &sb) == 0) first_visit(&w, &sb);
  walk_dir(&w, dir, 0);
  free(w.seen);
  if (w.st != EMB_OK) {
    for (size_t i = 0; i < w.n; i++) free(w.paths[i]);
    free(w.paths);
    return w.st;
  }
  if (w.n) qsort(w.paths, w.n, sizeof(*w.paths), cmp_path);
  *paths = w.paths;
  *n = w.n;
  return EMB_OK;
}
