/* GET /v1/lists, POST /v1/lists/reload and GET /healthz. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static const char *const no_args[] = {NULL};

void srv_h_lists(srv_call *c) {
  if (srv_args_only(c, no_args)) return;
  srv_snap *sn = srv_snap_acquire(c->s);
  char *body = strdup(sn->lists_json);
  srv_snap_release(sn);
  if (body == NULL) {
    srv_reply_error(c, 500, EMB_ENOMEM, "out of memory");
    return;
  }
  srv_reply_raw(c, 200, body, strlen(body), "application/json");
}

void srv_h_healthz(srv_call *c) {
  srv_snap *sn = srv_snap_acquire(c->s);
  /* A log that can no longer be written stops the data endpoints (503):
   * the server is then not healthy. */
  const char *audit_err = c->s->audit ? emb_audit_last_error(c->s->audit) : "";
  int ok = audit_err[0] == '\0';
  json_t *j =
      json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:b}", "status",
                ok ? "ok" : "audit_failed", "lists", sn->lists_version, "rules",
                sn->rules_version, "snapshot", (json_int_t)sn->seq, "entities",
                (json_int_t)emb_listset_count(sn->ls), "in_flight",
                (json_int_t)atomic_load(&c->s->inflight), "loaded_at",
                sn->loaded_at, "audit", c->s->audit != NULL);
  if (!ok) json_object_set_new(j, "audit_error", json_string(audit_err));
  srv_snap_release(sn);
  srv_reply_json(c, ok ? 200 : 503, j);
}

/* A reload request parked while the reload thread works. */
typedef struct reload_wait {
  srv_reload_waiter w;
  struct MHD_Connection *conn;
  atomic_int done;
} reload_wait;

static void reload_done(srv_reload_waiter *w) {
  reload_wait *rw = (reload_wait *)w;
  atomic_store(&rw->done, 1);
  srv_resume(rw->conn);
}

static void reload_wait_free(void *p) {
  reload_wait *rw = p;
  if (rw) free(rw->w.res.body);
  free(rw);
}

/* The caller waits for the reload (its connection is suspended, so no
 * worker thread is held) and gets the outcome: 200 with the new version,
 * or 422 with the diagnostics while the old snapshot keeps serving. */
void srv_h_reload(srv_call *c) {
  reload_wait *rw = *c->state;
  if (rw && atomic_load(&rw->done)) {
    char *body = rw->w.res.body;
    rw->w.res.body = NULL;
    if (body == NULL) {
      srv_reply_error(c, 500, EMB_ENOMEM, "out of memory");
      return;
    }
    srv_reply_raw(c, rw->w.res.http_status, body, strlen(body),
                  "application/json");
    return;
  }
  if (rw) {
    /* Resumed before the answer was set: cannot happen, but never hang. */
    srv_reply_error(c, 500, EMB_EINVAL, "the reload was interrupted");
    return;
  }
  if (srv_args_only(c, no_args)) return;
  if (c->len > 0) {
    json_t *j = NULL;
    char err[256];
    emb_status st = srv_parse_json(c->body, c->len, &j, err, sizeof(err));
    if (st == EMB_OK && json_object_size(j) > 0) {
      st = EMB_EINVAL;
      snprintf(err, sizeof(err), "unknown field '%.64s' (expected none)",
               json_object_iter_key(json_object_iter(j)));
    }
    json_decref(j);
    if (st != EMB_OK) {
      srv_reply_bad_request(c, st, err);
      return;
    }
  }
  rw = calloc(1, sizeof(*rw));
  if (rw == NULL) {
    srv_reply_error(c, 500, EMB_ENOMEM, "out of memory");
    return;
  }
  rw->conn = c->conn;
  rw->w.done = reload_done;
  atomic_init(&rw->done, 0);
  *c->state = rw;
  *c->state_free = reload_wait_free;
  /* Suspended before the request is queued, so that the reload thread's
   * resume can never come first. */
  srv_suspend(c);
  if (srv_reload_request(c->s, &rw->w) != 0) {
    rw->w.res.http_status = 503;
    rw->w.res.body = strdup(
        "{\"error\":{\"code\":\"EINTR\",\"message\":\"the server is shutting "
        "down\"}}");
    atomic_store(&rw->done, 1);
    srv_resume(c->conn);
  }
}
