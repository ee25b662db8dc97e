/* The audit log over HTTP: POST /v1/decisions, GET /v1/audit, GET
 * /v1/audit/verify, and the append used by the other handlers. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/audit/annotate.h"
#include "server.h"

static atomic_uint_fast64_t append_errors;

void srv_audit_event(srv *s, const char *kind, const char *caller,
                     const json_t *request, const char *result,
                     const srv_snap *sn, int with_rules) {
  if (s->audit == NULL) return;
  emb_status st =
      emb__audit_event(s->audit, kind, caller ? caller : "anonymous", request,
                       result, sn ? sn->lists_version : NULL,
                       with_rules && sn ? sn->rules_version : NULL);
  /* A failing log is reported once per thousand failures, not per
   * request, so that a full disk does not also flood stderr. */
  if (st != EMB_OK && atomic_fetch_add(&append_errors, 1) % 1000 == 0)
    fprintf(stderr, "embargo serve: error: the audit log refused a row: %s\n",
            emb_audit_last_error(s->audit)[0] ? emb_audit_last_error(s->audit)
                                              : emb_strerror(st));
}

static int need_audit(srv_call *c) {
  if (c->s->audit) return 0;
  srv_reply_error(c, 503, EMB_EINVAL,
                  "no audit log is configured (start the server with --audit "
                  "PATH)");
  return -1;
}

void srv_h_decisions(srv_call *c) {
  static const char *const no_args[] = {NULL};
  if (srv_args_only(c, no_args)) return;
  if (need_audit(c)) return;
  char err[512];
  srv_decision_req rq;
  emb_status st = srv_parse_decision(c->body, c->len, &rq, err, sizeof(err));
  if (st != EMB_OK) {
    srv_reply_bad_request(c, st, err);
    return;
  }
  srv_snap *sn = srv_snap_acquire(c->s);
  const emb_entity *e = emb_listset_find(sn->ls, rq.entity_id);
  if (e == NULL || e->source_index >= emb_listset_source_count(sn->ls)) {
    srv_reply_error(c, 404, EMB_ENOTFOUND,
                    "entity_id: no entity '%.200s' in the served lists (%s)",
                    rq.entity_id, sn->lists_version);
    goto done;
  }
  /* The decision holds for this version of the entity's source file: a
   * later version of the list must be reviewed again. */
  const char *version = emb_listset_source(sn->ls, e->source_index)->sha256;
  emb_decision d = {.query = rq.query,
                    .entity_id = rq.entity_id,
                    .list_version = version,
                    .kind = rq.kind,
                    .reviewer = rq.reviewer,
                    .note = rq.note,
                    .caller = c->caller};
  st = emb_audit_decide(c->s->audit, &d);
  if (st == EMB_EINVAL) {
    srv_reply_error(c, 400, st,
                    "query: the name has no words to record a decision on");
    goto done;
  }
  if (st != EMB_OK) {
    fprintf(stderr, "embargo serve: error: audit log: decision: %s\n",
            emb_audit_last_error(c->s->audit));
    srv_reply_error(c, 500, EMB_EDB, "the decision could not be recorded");
    goto done;
  }
  char when[40] = "";
  emb_decision_kind k;
  if (emb_audit_decision_find(c->s->audit, rq.query, rq.entity_id, version, &k,
                              NULL, 0, NULL, 0, when, sizeof(when)) != EMB_OK)
    when[0] = '\0';
  json_t *j =
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "query", rq.query,
                "entity_id", rq.entity_id, "list", e->list ? e->list : "",
                "list_version", version, "decision", emb_decision_name(rq.kind),
                "reviewer", rq.reviewer, "caller", c->caller, "time", when);
  json_object_set_new(j, "note", rq.note ? json_string(rq.note) : json_null());
  srv_reply_json(c, 201, j);
done:
  srv_snap_release(sn);
  srv_decision_req_free(&rq);
}

/* A stored JSON column: embedded as JSON when it is JSON text, else as a
 * string (version ids), or null. */
static json_t *column(const char *text) {
  if (text == NULL) return json_null();
  json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);
  return j ? j : json_string(text);
}

typedef struct page {
  json_t *rows;
  int64_t last;
} page;

static int add_row(void *ud, const emb_audit_row *r) {
  page *p = ud;
  json_t *o = json_object();
  json_object_set_new(o, "seq", json_integer(r->seq));
  json_object_set_new(o, "time", json_string(r->time));
  json_object_set_new(o, "kind", json_string(r->kind));
  json_object_set_new(o, "caller",
                      r->caller ? json_string(r->caller) : json_null());
  json_object_set_new(o, "request", column(r->request));
  json_object_set_new(o, "result", column(r->result));
  json_object_set_new(o, "lists", column(r->lists));
  json_object_set_new(o, "rules", column(r->rules));
  json_object_set_new(o, "prev_hash", json_string(r->prev_hash));
  json_object_set_new(o, "hash", json_string(r->hash));
  json_array_append_new(p->rows, o);
  p->last = r->seq;
  return 0;
}

void srv_h_audit(srv_call *c) {
  static const char *const names[] = {"after", "format", "kind", "limit",
                                      "since", "until",  NULL};
  if (srv_args_only(c, names)) return;
  if (need_audit(c)) return;
  srv_audit_args a = {.since = srv_arg(c, "since"),
                      .until = srv_arg(c, "until"),
                      .kind = srv_arg(c, "kind"),
                      .after = srv_arg(c, "after"),
                      .limit = srv_arg(c, "limit"),
                      .format = srv_arg(c, "format")};
  srv_audit_q q;
  char err[256];
  emb_status st = srv_parse_audit_args(&a, &q, err, sizeof(err));
  if (st != EMB_OK) {
    srv_reply_bad_request(c, st, err);
    return;
  }
  /* Rows appended before this request are committed first, so a caller
   * reads its own screenings back. */
  if (emb_audit_flush(c->s->audit) != EMB_OK)
    fprintf(stderr, "embargo serve: warning: audit log: %s\n",
            emb_audit_last_error(c->s->audit));
  if (strcmp(q.format, "json") == 0) {
    page p = {.rows = json_array(), .last = q.f.after_seq};
    st = emb_audit_query(c->s->audit, &q.f, add_row, &p);
    if (st != EMB_OK) {
      json_decref(p.rows);
      fprintf(stderr, "embargo serve: error: audit query: %s\n",
              emb_audit_last_error(c->s->audit));
      srv_reply_error(c, 500, EMB_EDB, "the audit log could not be read");
      return;
    }
    json_t *j = json_object();
    int more = json_array_size(p.rows) == q.f.limit;
    json_object_set_new(j, "rows", p.rows);
    json_object_set_new(j, "next_after", json_integer(p.last));
    json_object_set_new(j, "more", json_boolean(more));
    srv_reply_json(c, 200, j);
    return;
  }
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (f == NULL) {
    srv_reply_error(c, 500, EMB_ENOMEM, "out of memory");
    return;
  }
  st = emb_audit_export(c->s->audit, &q.f, q.format, f);
  if (fclose(f) != 0 && st == EMB_OK) st = EMB_ENOMEM;
  if (st != EMB_OK) {
    free(buf);
    fprintf(stderr, "embargo serve: error: audit export: %s\n",
            emb_audit_last_error(c->s->audit));
    srv_reply_error(c, 500, EMB_EDB, "the audit log could not be exported");
    return;
  }
  srv_reply_raw(c, 200, buf, n,
                strcmp(q.format, "csv") == 0 ? "text/csv; charset=utf-8"
                                             : "application/x-ndjson");
}

void srv_h_audit_verify(srv_call *c) {
  static const char *const no_args[] = {NULL};
  if (srv_args_only(c, no_args)) return;
  if (need_audit(c)) return;
  if (emb_audit_flush(c->s->audit) != EMB_OK)
    fprintf(stderr, "embargo serve: warning: audit log: %s\n",
            emb_audit_last_error(c->s->audit));
  emb_audit_verify_report rep;
  memset(&rep, 0, sizeof(rep));
  emb_status st = emb_audit_verify(c->s->audit_path, &rep);
  if (st != EMB_OK && st != EMB_ETAMPER) {
    fprintf(stderr, "embargo serve: error: audit verify: %s: %s\n",
            emb_strerror(st), rep.reason);
    srv_reply_error(c, 500, EMB_EDB, "the audit log could not be verified");
    return;
  }
  json_t *j = json_pack("{s:b, s:I, s:I, s:s}", "ok", st == EMB_OK, "rows",
                        (json_int_t)rep.rows, "bad_seq",
                        (json_int_t)rep.bad_seq, "reason", rep.reason);
  srv_reply_json(c, 200, j);
}
