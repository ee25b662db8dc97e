/* Test helpers shared by the loader tests: the loader's diagnostics kept
 * as text, one per line "<severity>:<line>: <message>", and loading one
 * file from a directory named by an environment variable. Include after
 * cmocka.h. */
#ifndef EMB_TESTS_DIAG_TEXT_H
#define EMB_TESTS_DIAG_TEXT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/lists.h"

typedef struct diags {
  char text[16384];
  size_t len;
  size_t errors, warnings;
} diags;

static inline void on_diag(void *userdata, const char *severity,
                           const char *file, long line, const char *msg) {
  (void)file;
  diags *d = userdata;
  if (strcmp(severity, "error") == 0)
    d->errors++;
  else
    d->warnings++;
  int w = snprintf(d->text + d->len, sizeof(d->text) - d->len, "%s:%ld: %s\n",
                   severity, line, msg);
  if (w > 0 && (size_t)w < sizeof(d->text) - d->len) d->len += (size_t)w;
}

static inline void expect_diag(const diags *d, const char *needle) {
  if (strstr(d->text, needle) == NULL)
    fail_msg("no diagnostic \"%s\" in:\n%s", needle, d->text);
}

/* Loads $env/name alone. Skips the test when env is not set. */
static inline emb_status load(const char *env, const char *name, diags *d,
                              emb_listset **ls) {
  const char *dir = getenv(env);
  if (dir == NULL || *dir == '\0') {
    print_message("%s is not set; skipping\n", env);
    skip();
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  memset(d, 0, sizeof(*d));
  emb_load_opts opts = {.diag = on_diag, .userdata = d, .strict = 0};
  const char *paths[] = {path};
  *ls = NULL;
  return emb_listset_load(paths, 1, &opts, ls);
}

/* The entity whose primary name is name; fails the test if none. */
static inline const emb_entity *by_name(const emb_listset *ls,
                                        const char *name) {
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    if (strcmp(e->names[0].text, name) == 0) return e;
  }
  fail_msg("no entity named \"%s\"", name);
  return NULL;
}

#endif
