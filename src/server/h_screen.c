/* POST /v1/screen and POST /v1/compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/audit/annotate.h"
#include "../lib/json/shapes.h"
#include "server.h"

/* Screens one query; returns its screen object or NULL with st set. */
static json_t *screen_one(srv_call *c, const srv_snap *sn,
                          const srv_screen_q *q, emb_status *st) {
  emb_result *r = NULL;
  *st = emb_screen(sn->ix, q->name, q->len, &q->so, &r);
  if (*st != EMB_OK) return NULL;
  json_t *j = emb__screen_json(q->name, q->len, r, q->threshold);
  emb_result_free(r);
  if (j == NULL) {
    *st = EMB_ENOMEM;
    return NULL;
  }
  if (c->s->audit) {
    /* The name is NUL-free (JSON strings with \u0000 are refused), so it
     * can be passed as a C string. */
    emb__audit_annotate(c->s->audit, sn->ls, q->name, j);
    char *res = emb__audit_compact_result(j);
    srv_audit_event(c->s, "screen", c->caller, q->request, res, sn, 0);
    free(res);
  }
  return j;
}

static void set_version_header(srv_call *c, const srv_snap *sn) {
  c->extra_hdr = "X-Embargo-Lists-Version";
  snprintf(c->extra_val, sizeof(c->extra_val), "%s", sn->lists_version);
}

void srv_h_screen(srv_call *c) {
  char err[512];
  srv_screen_req rq;
  emb_status st = srv_parse_screen(c->body, c->len, &rq, err, sizeof(err));
  if (st != EMB_OK) {
    srv_reply_bad_request(c, st, err);
    return;
  }
  srv_snap *sn = srv_snap_acquire(c->s);
  json_t *results = rq.batch ? json_array() : NULL;
  json_t *single = NULL;
  for (size_t i = 0; i < rq.n; i++) {
    json_t *j = screen_one(c, sn, &rq.q[i], &st);
    if (j == NULL) {
      json_decref(results);
      if (st == EMB_ENOMEM)
        srv_reply_error(c, 500, st, "out of memory");
      else if (rq.batch)
        srv_reply_error(c, 400, st, "%s[%zu]: the name cannot be screened: %s",
                        json_object_get(rq.root, "names") ? "names" : "queries",
                        i, emb_strerror(st));
      else
        srv_reply_error(c, 400, st, "name: the name cannot be screened: %s",
                        emb_strerror(st));
      goto done;
    }
    if (results)
      json_array_append_new(results, j);
    else
      single = j;
  }
  set_version_header(c, sn);
  if (results) {
    json_t *o = json_object();
    json_object_set_new(o, "results", results);
    srv_reply_json(c, 200, o);
  } else {
    srv_reply_json(c, 200, single);
  }
done:
  srv_snap_release(sn);
  srv_screen_req_free(&rq);
}

void srv_h_compare(srv_call *c) {
  char err[512];
  srv_compare_req rq;
  emb_status st = srv_parse_compare(c->body, c->len, &rq, err, sizeof(err));
  if (st != EMB_OK) {
    srv_reply_bad_request(c, st, err);
    return;
  }
  srv_snap *sn = srv_snap_acquire(c->s);
  emb_result *r = NULL;
  st = emb_compare(sn->ix, rq.name1, rq.len1, rq.name2, rq.len2, rq.type,
                   rq.threshold, &r);
  if (st != EMB_OK) {
    srv_reply_error(c, st == EMB_ENOMEM ? 500 : 400, st,
                    "the names cannot be compared: %s", emb_strerror(st));
  } else {
    json_t *j = emb__compare_json(rq.name1, rq.len1, rq.name2, rq.len2, r,
                                  rq.threshold);
    emb_result_free(r);
    if (c->s->audit && j) {
      json_t *res = json_object();
      json_object_set(res, "score", json_object_get(j, "score"));
      json_object_set(res, "match", json_object_get(j, "match"));
      char *rs = json_dumps(res, JSON_COMPACT);
      json_decref(res);
      srv_audit_event(c->s, "compare", c->caller, rq.root, rs, sn, 0);
      free(rs);
    }
    set_version_header(c, sn);
    srv_reply_json(c, 200, j);
  }
  srv_snap_release(sn);
  srv_compare_req_free(&rq);
}
