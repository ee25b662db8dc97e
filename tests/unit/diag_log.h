/* Test helpers shared by the loader tests: the loader's diagnostics kept
 * as records, and loading one path. Include after cmocka.h. Functions are
 * static inline so a test that uses some of them builds cleanly. */
#ifndef EMB_TESTS_DIAG_LOG_H
#define EMB_TESTS_DIAG_LOG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/lists.h"

/* Problems the loader reported, kept for the assertions. */
typedef struct diag_rec {
  char sev[16];
  char file[512];
  long line;
  char msg[512];
} diag_rec;

typedef struct diags {
  diag_rec d[64];
  size_t n;
} diags;

static inline void on_diag(void *ud, const char *sev, const char *file,
                           long line, const char *msg) {
  diags *D = ud;
  if (D->n >= sizeof(D->d) / sizeof(D->d[0])) return;
  diag_rec *r = &D->d[D->n++];
  snprintf(r->sev, sizeof(r->sev), "%s", sev);
  snprintf(r->file, sizeof(r->file), "%s", file ? file : "");
  r->line = line;
  snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

/* out = $env/rel, or dflt/rel when env is not set. */
static inline void env_path(char *out, size_t n, const char *env,
                            const char *dflt, const char *rel) {
  const char *dir = getenv(env);
  snprintf(out, n, "%s/%s", dir ? dir : dflt, rel);
}

/* Loads path alone, diagnostics into D. */
static inline emb_status load_one(const char *path, int strict, diags *D,
                                  emb_listset **out) {
  emb_load_opts o = {on_diag, D, strict};
  const char *paths[1] = {path};
  return emb_listset_load(paths, 1, &o, out);
}

/* The entity with this id; fails the test if there is none. */
static inline const emb_entity *find(const emb_listset *ls, const char *id) {
  const emb_entity *e = emb_listset_find(ls, id);
  if (e == NULL) fail_msg("entity %s not loaded", id);
  return e;
}

/* Whether e has the name text, of the given kind. */
static inline int has_name(const emb_entity *e, const char *text,
                           emb_name_kind kind) {
  for (size_t i = 0; i < e->n_names; i++)
    if (strcmp(e->names[i].text, text) == 0) return e->names[i].kind == kind;
  return 0;
}

#endif
