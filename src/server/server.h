/* The embargo HTTP server: declarations shared by the files of src/server.
 *
 * DESIGN: libmicrohttpd runs a pool of worker threads (one per core), each
 * calling srv_access (http.c) for its connections. A request body is
 * gathered into a bounded buffer, the route table picks a handler, and the
 * handler answers from the current snapshot (snapshot.c): an immutable,
 * reference-counted list set + index + rule set that a reload thread
 * replaces atomically. Handlers never block on disk: audit rows go to the
 * audit log's writer thread, and a reload request suspends its connection
 * until the reload thread resumes it. Metrics are atomic counters.
 *
 * Everything here is internal to the server (srv_ prefix, not exported).
 */
#ifndef EMB_SERVER_SERVER_H
#define EMB_SERVER_SERVER_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "embargo/audit.h"
#include "embargo/embargo.h"
#include "parse.h"

struct MHD_Connection;
struct MHD_Daemon;

/* ---- Snapshot (snapshot.c) ---- */

/* One immutable list set + index + rule set. Readers hold a reference
 * (srv_snap_acquire/srv_snap_release); the last release frees it. */
typedef struct srv_snap {
  atomic_long refs;
  uint64_t seq; /* 1 for the first load, +1 per successful reload */
  emb_listset *ls;
  emb_index *ix;
  emb_ruleset *rs;
  char lists_version[80]; /* the audit log's list version id */
  char rules_version[80]; /* and its rule version id */
  char loaded_at[32];     /* ISO 8601 UTC */
  char *lists_json;       /* GET /v1/lists body, compact, owned */
  char **rejected;        /* paths of files rejected at load, owned */
  size_t n_rejected;
  size_t warnings;
} srv_snap;

/* A reload's outcome, as sent to the caller of POST /v1/lists/reload. */
typedef struct srv_reload_result {
  int http_status; /* 200, 422, 500 or 503 */
  char *body;      /* JSON, owned by the receiver */
} srv_reload_result;

/* A caller waiting for a reload. The reload thread fills res and calls
 * done(ud) (from its own thread) once, then never touches the waiter. */
typedef struct srv_reload_waiter {
  struct srv_reload_waiter *next;
  srv_reload_result res;
  void (*done)(struct srv_reload_waiter *w);
  void *ud;
} srv_reload_waiter;

typedef struct srv srv;

/* Loads the first snapshot from s->data_paths and s->rules_dir, printing
 * problems to stderr. Returns 0 or -1. */
int srv_snap_init(srv *s);
/* The current snapshot, with a reference the caller must release. Never
 * NULL after srv_snap_init succeeded. */
srv_snap *srv_snap_acquire(srv *s);
void srv_snap_release(srv_snap *sn);
/* Drops the server's reference to the current snapshot (at exit). */
void srv_snap_fini(srv *s);
/* Starts and stops the reload thread. Stopping lets a running reload
 * finish and answers the waiters still queued with 503. */
int srv_reload_start(srv *s);
void srv_reload_stop(srv *s);
/* Queues a reload; w may be NULL (SIGHUP: nobody waits). w is borrowed
 * until w->done is called. Returns 0, or -1 when shutting down (then
 * done is never called). */
int srv_reload_request(srv *s, srv_reload_waiter *w);

/* ---- Keys and roles (auth.c) ---- */

typedef enum srv_role {
  SRV_ROLE_NONE = 0,
  SRV_ROLE_SCREEN = 1,
  SRV_ROLE_ADMIN = 2
} srv_role;

typedef struct srv_keys srv_keys;

/* Reads a keys file ("ID ROLE SECRET" per line). On error returns -1 and
 * writes "FILE:LINE: reason" into err. Warns on stderr when the file is
 * readable by others. Caller frees with srv_keys_free. */
int srv_keys_load(const char *path, srv_keys **out, char *err, size_t errlen);
void srv_keys_free(srv_keys *k);
size_t srv_keys_count(const srv_keys *k);
/* Looks the secret up in constant time over every key (the time depends
 * on the number of keys only). Returns the key's role and its id
 * (borrowed from k) or SRV_ROLE_NONE. */
srv_role srv_keys_find(const srv_keys *k, const char *secret, size_t len,
                       const char **id);

/* ---- Metrics (metrics.c) ---- */

enum {
  SRV_EP_SCREEN,
  SRV_EP_COMPARE,
  SRV_EP_CHECK,
  SRV_EP_LISTS,
  SRV_EP_RELOAD,
  SRV_EP_DECISIONS,
  SRV_EP_AUDIT,
  SRV_EP_AUDIT_VERIFY,
  SRV_EP_HEALTHZ,
  SRV_EP_METRICS,
  SRV_EP_STATIC,
  SRV_EP_OTHER,
  SRV_EP_COUNT
};

const char *srv_endpoint_name(int ep);
/* Counts one answered request; atomic, no lock. */
void srv_metrics_observe(int ep, int http_status, uint64_t micros);
void srv_metrics_reload(int ok);
/* The Prometheus text exposition; caller frees. */
char *srv_metrics_render(srv *s, size_t *len);

/* ---- The server ---- */

struct srv {
  /* Configuration, fixed after start. */
  const char *data_paths[16];
  size_t n_data;
  const char *rules_dir;
  const char *web_dir;
  const char *audit_path;
  size_t max_body;
  unsigned threads;
  srv_keys *keys;           /* NULL with --insecure-no-auth */
  emb_audit *audit;         /* NULL without --audit */
  emb_ownership *ownership; /* --ownership, or NULL; read-only */
  atomic_int closing;       /* set on SIGTERM: new requests get 503 */
  atomic_long inflight;

  /* The current snapshot, swapped under snap_lock. */
  pthread_mutex_t snap_lock;
  srv_snap *snap;

  /* The reload thread and its queue. */
  pthread_t reload_thread;
  int reload_running;
  pthread_mutex_t reload_lock;
  pthread_cond_t reload_cond;
  srv_reload_waiter *waiting;
  int reload_wanted; /* a waiter-less reload (SIGHUP) is pending */
  int reload_stop;
};

/* ---- One request (http.c) ---- */

typedef struct srv_call {
  srv *s;
  struct MHD_Connection *conn;
  const char *method;
  const char *url;
  const char *body; /* NUL-terminated; len bytes */
  size_t len;
  const char *caller; /* the key id, or "anonymous" */
  srv_role role;
  void **state; /* per-request handler state, kept across resumes */
  void (**state_free)(void *);

  /* The answer, set by a handler through srv_reply_*. */
  int status;
  char *out; /* owned (malloc) */
  size_t out_len;
  const char *ctype;     /* static */
  const char *extra_hdr; /* a static header name, or NULL */
  char extra_val[128];
  int suspended; /* the handler suspended the connection: no answer yet */
} srv_call;

/* Answers with j (consumed), compact, as application/json. */
void srv_reply_json(srv_call *c, int status, json_t *j);
/* Answers {"error": {"code", "message"}} with the printf-style message. */
void srv_reply_error(srv_call *c, int status, emb_status st, const char *fmt,
                     ...) __attribute__((format(printf, 4, 5)));
/* Answers with a body taken over (malloc'd) and a static content type. */
void srv_reply_raw(srv_call *c, int status, char *body, size_t len,
                   const char *ctype);
/* Maps a parse status to 400 and replies with err. */
void srv_reply_bad_request(srv_call *c, emb_status st, const char *err);
/* A GET/query argument, or NULL. */
const char *srv_arg(srv_call *c, const char *key);
/* Checks that every query argument is one of names (NULL-terminated);
 * replies 400 and returns -1 otherwise. */
int srv_args_only(srv_call *c, const char *const *names);
/* Suspends the connection until srv_resume (for the reload). */
void srv_suspend(srv_call *c);
void srv_resume(struct MHD_Connection *conn);

/* Starts the daemon on addr (host:port); returns NULL on failure after
 * printing why. */
struct MHD_Daemon *srv_http_start(srv *s, const char *listen);
/* Stops accepting, waits for requests in flight (at most wait_ms), stops
 * the reload thread (answering its waiters), then stops the daemon. */
void srv_http_stop(srv *s, struct MHD_Daemon *d, unsigned wait_ms);

/* Handlers (h_*.c, static.c, metrics.c). */
void srv_h_screen(srv_call *c);
void srv_h_compare(srv_call *c);
void srv_h_check(srv_call *c);
void srv_h_lists(srv_call *c);
void srv_h_reload(srv_call *c);
void srv_h_healthz(srv_call *c);
void srv_h_decisions(srv_call *c);
void srv_h_audit(srv_call *c);
void srv_h_audit_verify(srv_call *c);
void srv_h_metrics(srv_call *c);
void srv_h_static(srv_call *c);

/* ---- Audit glue (h_audit.c) ---- */

/* Appends one event (non-blocking unless the audit queue is full); a
 * no-op without an audit log. request and result are borrowed; result
 * is JSON text or NULL. */
void srv_audit_event(srv *s, const char *kind, const char *caller,
                     const json_t *request, const char *result,
                     const srv_snap *sn, int with_rules);

/* Microseconds on a monotonic clock. */
uint64_t srv_now_us(void);

#endif
