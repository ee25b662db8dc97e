/* Fuzz target: the HTTP server's request parsing (src/server/parse.c), as
 * the handlers call it, without a socket. The first byte picks the parser:
 * POST /v1/screen (and, for small batches, the screening itself on the
 * built-in lists and its JSON), /v1/compare, /v1/decisions, or the query
 * arguments of GET /v1/audit (the rest split on newlines). No crash, no
 * leak, bounded work. parse.c is compiled into this file because the fuzz
 * targets link the library only, and the parser is the server's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/json/shapes.h"
#include "../../src/server/parse.c"
#include "embargo/embargo.h"

static emb_listset *ls;
static emb_index *ix;

static void free_index(void) {
  emb_index_free(ix);
  emb_listset_free(ls);
  ix = NULL;
  ls = NULL;
}

static void load_index(void) {
  if (ix) return;
  const char *dir = emb_default_lists_dir();
  emb_load_opts lo = {0};
  if (emb_listset_load(&dir, 1, &lo, &ls) != EMB_OK ||
      emb_index_build(ls, &ix) != EMB_OK)
    abort(); /* the built-in lists must load */
  atexit(free_index);
}

static void fuzz_screen(const char *s, size_t n) {
  char err[512];
  srv_screen_req rq;
  if (srv_parse_screen(s, n, &rq, err, sizeof(err)) != EMB_OK) return;
  if (rq.n <= 8) {
    load_index();
    for (size_t i = 0; i < rq.n; i++) {
      emb_result *r = NULL;
      if (emb_screen(ix, rq.q[i].name, rq.q[i].len, &rq.q[i].so, &r) != EMB_OK)
        continue;
      json_t *j =
          emb__screen_json(rq.q[i].name, rq.q[i].len, r, rq.q[i].threshold);
      char *out = json_dumps(j, JSON_COMPACT);
      free(out);
      json_decref(j);
      emb_result_free(r);
    }
  }
  srv_screen_req_free(&rq);
}

static void fuzz_audit_args(const char *s, size_t n) {
  /* Six fields separated by newlines; a missing one is absent. */
  char buf[512];
  if (n >= sizeof(buf)) n = sizeof(buf) - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  const char *f[6] = {NULL};
  char *p = buf;
  for (int i = 0; i < 6 && p; i++) {
    f[i] = p;
    p = strchr(p, '\n');
    if (p) *p++ = '\0';
  }
  srv_audit_args a = {f[0], f[1], f[2], f[3], f[4], f[5]};
  srv_audit_q q;
  char err[256];
  (void)srv_parse_audit_args(&a, &q, err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *s = (const char *)data + 1;
  size_t n = size - 1;
  char err[512];
  switch (data[0] % 4) {
    case 0:
      fuzz_screen(s, n);
      break;
    case 1: {
      srv_compare_req rq;
      if (srv_parse_compare(s, n, &rq, err, sizeof(err)) == EMB_OK)
        srv_compare_req_free(&rq);
      break;
    }
    case 2: {
      srv_decision_req rq;
      if (srv_parse_decision(s, n, &rq, err, sizeof(err)) == EMB_OK)
        srv_decision_req_free(&rq);
      break;
    }
    default:
      fuzz_audit_args(s, n);
      break;
  }
  return 0;
}
