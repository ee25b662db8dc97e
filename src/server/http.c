/* libmicrohttpd glue: the daemon, bounded request bodies, routing,
 * authentication, responses and graceful shutdown.
 *
 * DESIGN: libmicrohttpd calls on_access several times per request: first
 * with the headers (a request struct is made, the declared length is
 * checked against --max-body and a 413 sent at once when it is too big),
 * then once per chunk of body (appended to a buffer that never grows past
 * --max-body), then with no data (the request is routed and answered). A
 * suspended request (reload) is called once more after it is resumed.
 * on_completed frees the request and counts it out of "in flight", which
 * is what shutdown waits for.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/json/shapes.h"
#include "server.h"

/* A body past the limit sent without a Content-Length (chunked) is read
 * and dropped up to this much more, so the client can read its 413; past
 * it the connection is closed. */
#define DRAIN_MAX ((size_t)16 * 1024 * 1024)

typedef struct srv_req {
  uint64_t t0;
  int ep;
  char *body;
  size_t len, cap;
  size_t dropped; /* bytes dropped past the limit */
  int too_big;
  int late; /* arrived after the shutdown began: refused with 503 */
  void *state;
  void (*state_free)(void *);
} srv_req;

uint64_t srv_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---- Replies ---- */

void srv_reply_raw(srv_call *c, int status, char *body, size_t len,
                   const char *ctype) {
  free(c->out);
  c->status = status;
  c->out = body;
  c->out_len = len;
  c->ctype = ctype;
}

void srv_reply_json(srv_call *c, int status, json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
  json_decref(j);
  if (s == NULL) {
    /* A fixed body: nothing could be allocated. */
    static const char oom[] =
        "{\"error\":{\"code\":\"ENOMEM\",\"message\":\"out of memory\"}}";
    s = strdup(oom);
    status = 500;
  }
  srv_reply_raw(c, status, s, s ? strlen(s) : 0, "application/json");
}

void srv_reply_error(srv_call *c, int status, emb_status st, const char *fmt,
                     ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  srv_reply_json(c, status, emb__error_json(st, msg));
}

void srv_reply_bad_request(srv_call *c, emb_status st, const char *err) {
  if (st == EMB_ENOMEM)
    srv_reply_error(c, 500, st, "out of memory");
  else
    srv_reply_error(c, 400, st, "%s", err);
}

const char *srv_arg(srv_call *c, const char *key) {
  return MHD_lookup_connection_value(c->conn, MHD_GET_ARGUMENT_KIND, key);
}

typedef struct args_check {
  const char *const *names;
  const char *bad;
} args_check;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value) {
  (void)kind;
  (void)value;
  args_check *a = cls;
  for (size_t i = 0; a->names[i]; i++)
    if (strcmp(a->names[i], key) == 0) return MHD_YES;
  a->bad = key;
  return MHD_NO;
}

int srv_args_only(srv_call *c, const char *const *names) {
  args_check a = {.names = names};
  MHD_get_connection_values(c->conn, MHD_GET_ARGUMENT_KIND, check_arg, &a);
  if (a.bad == NULL) return 0;
  char list[256] = "";
  size_t k = 0;
  for (size_t i = 0; names[i] && k < sizeof(list); i++)
    k += (size_t)snprintf(list + k, sizeof(list) - k, "%s%s", i ? ", " : "",
                          names[i]);
  srv_reply_error(c, 400, EMB_EINVAL,
                  "unknown query parameter '%.64s' (expected: %s)", a.bad,
                  names[0] ? list : "none");
  return -1;
}

void srv_suspend(srv_call *c) {
  c->suspended = 1;
  MHD_suspend_connection(c->conn);
}

void srv_resume(struct MHD_Connection *conn) {
  MHD_resume_connection(conn);
}

/* ---- Routing ---- */

typedef struct route {
  const char *path; /* exact, or a prefix when it ends with '/' */
  const char *method;
  int ep;
  srv_role role; /* SRV_ROLE_NONE: no key needed */
  void (*fn)(srv_call *);
} route;

static const route routes[] = {
    {"/v1/screen", "POST", SRV_EP_SCREEN, SRV_ROLE_SCREEN, srv_h_screen},
    {"/v1/compare", "POST", SRV_EP_COMPARE, SRV_ROLE_SCREEN, srv_h_compare},
    {"/v1/check", "POST", SRV_EP_CHECK, SRV_ROLE_SCREEN, srv_h_check},
    {"/v1/lists", "GET", SRV_EP_LISTS, SRV_ROLE_SCREEN, srv_h_lists},
    {"/v1/lists/reload", "POST", SRV_EP_RELOAD, SRV_ROLE_ADMIN, srv_h_reload},
    {"/v1/decisions", "POST", SRV_EP_DECISIONS, SRV_ROLE_SCREEN,
     srv_h_decisions},
    {"/v1/audit", "GET", SRV_EP_AUDIT, SRV_ROLE_ADMIN, srv_h_audit},
    {"/v1/audit/verify", "GET", SRV_EP_AUDIT_VERIFY, SRV_ROLE_ADMIN,
     srv_h_audit_verify},
    {"/healthz", "GET", SRV_EP_HEALTHZ, SRV_ROLE_NONE, srv_h_healthz},
    {"/metrics", "GET", SRV_EP_METRICS, SRV_ROLE_SCREEN, srv_h_metrics},
    {"/", "GET", SRV_EP_STATIC, SRV_ROLE_NONE, srv_h_static},
    {"/index.html", "GET", SRV_EP_STATIC, SRV_ROLE_NONE, srv_h_static},
    {"/ui/", "GET", SRV_EP_STATIC, SRV_ROLE_NONE, srv_h_static},
};
#define N_ROUTES (sizeof(routes) / sizeof(routes[0]))

static int path_matches(const route *r, const char *url) {
  size_t n = strlen(r->path);
  if (n > 1 && r->path[n - 1] == '/') return strncmp(url, r->path, n) == 0;
  return strcmp(url, r->path) == 0;
}

/* The endpoint a URL names, whatever the method (for metrics). */
static int url_endpoint(const char *url) {
  for (size_t i = 0; i < N_ROUTES; i++)
    if (path_matches(&routes[i], url)) return routes[i].ep;
  return SRV_EP_OTHER;
}

/* ---- Authentication ---- */

static int is_loopback(struct MHD_Connection *conn) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci == NULL || ci->client_addr == NULL) return 0;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 =
        (const struct sockaddr_in6 *)(const void *)sa;
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return 1;
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) &&
           in6->sin6_addr.s6_addr[12] == 127;
  }
  return 0;
}

/* The secret of the request: "Authorization: Bearer S" or "X-API-Key:
 * S"; NULL when neither is given. */
static const char *presented_secret(struct MHD_Connection *conn) {
  const char *h =
      MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
  if (h) {
    if (strncasecmp(h, "Bearer ", 7) != 0) return "";
    h += 7;
    while (*h == ' ') h++;
    return h;
  }
  return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-API-Key");
}

/* Sets c->caller and c->role; returns the HTTP status to refuse with, or
 * 0. */
static int authenticate(srv_call *c, srv_role need) {
  if (c->s->keys == NULL) {
    c->caller = "anonymous";
    c->role = is_loopback(c->conn) ? SRV_ROLE_ADMIN : SRV_ROLE_SCREEN;
  } else {
    const char *secret = presented_secret(c->conn);
    c->caller = NULL;
    c->role = SRV_ROLE_NONE;
    if (secret)
      c->role = srv_keys_find(c->s->keys, secret, strlen(secret), &c->caller);
    if (need == SRV_ROLE_NONE) {
      if (c->caller == NULL) c->caller = "anonymous";
      return 0;
    }
    if (c->role == SRV_ROLE_NONE) {
      c->extra_hdr = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
      snprintf(c->extra_val, sizeof(c->extra_val), "Bearer realm=\"embargo\"");
      srv_reply_error(c, 401, EMB_EINVAL,
                      secret ? "the API key is not valid"
                             : "an API key is required: send 'Authorization: "
                               "Bearer KEY' or 'X-API-Key: KEY'");
      return 401;
    }
  }
  if (c->role < need) {
    srv_reply_error(c, 403, EMB_EINVAL,
                    "key '%s' has the screen role; this endpoint needs the "
                    "admin role",
                    c->caller);
    return 403;
  }
  return 0;
}

static int is_json_type(const char *ct) {
  if (ct == NULL) return 0;
  while (*ct == ' ') ct++;
  if (strncasecmp(ct, "application/json", 16) != 0) return 0;
  char e = ct[16];
  return e == '\0' || e == ';' || e == ' ';
}

/* ---- The access handler ---- */

static enum MHD_Result send_reply(srv *s, struct MHD_Connection *conn,
                                  srv_req *r, srv_call *c) {
  if (c->out == NULL) srv_reply_error(c, 500, EMB_ENOMEM, "no answer");
  struct MHD_Response *resp = MHD_create_response_from_buffer(
      c->out_len, c->out, MHD_RESPMEM_MUST_FREE);
  if (resp == NULL) {
    free(c->out);
    return MHD_NO;
  }
  c->out = NULL;
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, c->ctype);
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  if (r->ep != SRV_EP_STATIC)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  if (c->extra_hdr) MHD_add_response_header(resp, c->extra_hdr, c->extra_val);
  if (atomic_load(&s->closing))
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)c->status, resp);
  MHD_destroy_response(resp);
  srv_metrics_observe(r->ep, c->status, srv_now_us() - r->t0);
  return ret;
}

static void dispatch(srv_req *r, srv_call *c) {
  const char *method = c->method;
  int head = strcmp(method, "HEAD") == 0;
  const route *hit = NULL;
  char allow[64] = "";
  size_t k = 0;
  for (size_t i = 0; i < N_ROUTES; i++) {
    if (!path_matches(&routes[i], c->url)) continue;
    const char *m = routes[i].method;
    if (strcmp(m, method) == 0 || (head && strcmp(m, "GET") == 0))
      hit = &routes[i];
    else if (k < sizeof(allow))
      k += (size_t)snprintf(allow + k, sizeof(allow) - k, "%s%s%s",
                            k ? ", " : "", m,
                            strcmp(m, "GET") == 0 ? ", HEAD" : "");
  }
  if (hit == NULL && k) {
    c->extra_hdr = MHD_HTTP_HEADER_ALLOW;
    snprintf(c->extra_val, sizeof(c->extra_val), "%s", allow);
    srv_reply_error(c, 405, EMB_EINVAL, "%s is not allowed on %s (allowed: %s)",
                    method, c->url, allow);
    return;
  }
  if (hit == NULL) {
    srv_reply_error(c, 404, EMB_ENOTFOUND, "no such endpoint: %.200s", c->url);
    return;
  }
  r->ep = hit->ep;
  /* Requests that arrived before the shutdown are finished; later ones
   * (on connections kept alive) are turned away. */
  if (r->late) {
    srv_reply_error(c, 503, EMB_EINTR, "the server is shutting down");
    return;
  }
  if (authenticate(c, hit->role)) return;
  if (strcmp(hit->method, "POST") == 0 && c->len > 0 &&
      !is_json_type(MHD_lookup_connection_value(
          c->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE))) {
    srv_reply_error(c, 415, EMB_EINVAL,
                    "the request body must be sent as Content-Type: "
                    "application/json");
    return;
  }
  /* Every screening, comparison, determination and decision is recorded:
   * while the log cannot be written, none is answered. */
  if (c->s->audit && emb_audit_last_error(c->s->audit)[0] != '\0' &&
      (hit->ep == SRV_EP_SCREEN || hit->ep == SRV_EP_COMPARE ||
       hit->ep == SRV_EP_CHECK || hit->ep == SRV_EP_DECISIONS)) {
    srv_reply_error(c, 503, EMB_EDB,
                    "the audit log cannot be written, so nothing is "
                    "answered: %.300s",
                    emb_audit_last_error(c->s->audit));
    return;
  }
  hit->fn(c);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls) {
  (void)version;
  srv *s = cls;
  srv_req *r = *con_cls;
  srv_call c = {.s = s, .conn = conn, .method = method, .url = url};
  if (r == NULL) {
    r = calloc(1, sizeof(*r));
    if (r == NULL) return MHD_NO;
    r->t0 = srv_now_us();
    r->ep = url_endpoint(url);
    r->late = atomic_load(&s->closing);
    *con_cls = r;
    atomic_fetch_add(&s->inflight, 1);
    const char *cl = MHD_lookup_connection_value(
        conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
      char *end = NULL;
      unsigned long long n = strtoull(cl, &end, 10);
      if (end != cl && n > s->max_body) {
        /* Refused before a byte of the body is read. */
        r->too_big = 1;
        srv_reply_error(&c, 413, EMB_ETOOBIG,
                        "the request body (%llu bytes) is larger than the "
                        "limit of %zu bytes",
                        n, s->max_body);
        return send_reply(s, conn, r, &c);
      }
    }
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (r->too_big) {
      r->dropped += n;
      return r->dropped > DRAIN_MAX ? MHD_NO : MHD_YES;
    }
    if (n > s->max_body - r->len) {
      r->too_big = 1;
      free(r->body);
      r->body = NULL;
      r->dropped = r->len + n;
      r->len = 0;
      return MHD_YES;
    }
    if (r->len + n + 1 > r->cap) {
      size_t cap = r->cap ? r->cap : 4096;
      while (cap < r->len + n + 1) cap *= 2;
      if (cap > s->max_body + 1) cap = s->max_body + 1;
      char *nb = realloc(r->body, cap);
      if (nb == NULL) return MHD_NO;
      r->body = nb;
      r->cap = cap;
    }
    memcpy(r->body + r->len, upload, n);
    r->len += n;
    r->body[r->len] = '\0';
    return MHD_YES;
  }
  if (r->too_big) {
    srv_reply_error(&c, 413, EMB_ETOOBIG,
                    "the request body is larger than the limit of %zu bytes",
                    s->max_body);
    return send_reply(s, conn, r, &c);
  }
  c.body = r->body ? r->body : "";
  c.len = r->len;
  c.state = &r->state;
  c.state_free = &r->state_free;
  dispatch(r, &c);
  if (c.suspended) return MHD_YES;
  return send_reply(s, conn, r, &c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)conn;
  (void)toe;
  srv *s = cls;
  srv_req *r = *con_cls;
  if (r == NULL) return;
  if (r->state_free) r->state_free(r->state);
  free(r->body);
  free(r);
  *con_cls = NULL;
  atomic_fetch_sub(&s->inflight, 1);
}

/* ---- The daemon ---- */

/* Parses "HOST:PORT" or "[V6]:PORT" into ss. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss,
                        socklen_t *sslen, int *v6) {
  char host[256];
  const char *port;
  if (listen[0] == '[') {
    const char *e = strchr(listen, ']');
    if (e == NULL || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof(host))
      return -1;
    memcpy(host, listen + 1, (size_t)(e - listen - 1));
    host[e - listen - 1] = '\0';
    port = e + 2;
  } else {
    const char *e = strrchr(listen, ':');
    if (e == NULL || (size_t)(e - listen) >= sizeof(host)) return -1;
    memcpy(host, listen, (size_t)(e - listen));
    host[e - listen] = '\0';
    port = e + 1;
  }
  if (*port == '\0' || strspn(port, "0123456789") != strlen(port) ||
      strlen(port) > 5 || strtol(port, NULL, 10) > 65535)
    return -1;
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
  struct addrinfo *ai = NULL;
  if (getaddrinfo(host[0] ? host : NULL, port, &hints, &ai) != 0 || !ai)
    return -1;
  memcpy(ss, ai->ai_addr, ai->ai_addrlen);
  *sslen = ai->ai_addrlen;
  *v6 = ai->ai_family == AF_INET6;
  freeaddrinfo(ai);
  return 0;
}

struct MHD_Daemon *srv_http_start(srv *s, const char *listen) {
  struct sockaddr_storage ss;
  socklen_t sslen = 0;
  int v6 = 0;
  if (parse_listen(listen, &ss, &sslen, &v6)) {
    fprintf(stderr,
            "embargo serve: --listen needs ADDR:PORT or [V6ADDR]:PORT, not "
            "'%s'\n",
            listen);
    return NULL;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
                   MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
    flags |= MHD_USE_EPOLL | MHD_USE_TURBO;
  if (v6) flags |= MHD_USE_IPv6;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned)8192, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
  if (d == NULL) {
    fprintf(stderr,
            "embargo serve: cannot listen on %s (address in use, or not "
            "an address of this machine)\n",
            listen);
    return NULL;
  }
  const union MHD_DaemonInfo *di =
      MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  unsigned port = di ? di->port : 0;
  char host[INET6_ADDRSTRLEN] = "?";
  if (v6)
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr, host,
              sizeof(host));
  else
    inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&ss)->sin_addr, host,
              sizeof(host));
  fprintf(stderr,
          "embargo serve: listening on http://%s%s%s:%u/ (%u threads)\n",
          v6 ? "[" : "", host, v6 ? "]" : "", port, s->threads);
  return d;
}

void srv_http_stop(srv *s, struct MHD_Daemon *d, unsigned wait_ms) {
  atomic_store(&s->closing, 1);
  MHD_socket fd = MHD_quiesce_daemon(d);
  if (fd != MHD_INVALID_SOCKET) close(fd);
  unsigned waited = 0;
  while (atomic_load(&s->inflight) > 0 && waited < wait_ms) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    waited += 10;
  }
  /* Reload waiters still queued are answered (503) and resumed before the
   * daemon goes: a suspended connection must not outlive it. */
  srv_reload_stop(s);
  for (unsigned k = 0; atomic_load(&s->inflight) > 0 && k < 100; k++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (atomic_load(&s->inflight) > 0)
    fprintf(stderr,
            "embargo serve: %ld requests still in flight after %u ms; "
            "closing them\n",
            atomic_load(&s->inflight), wait_ms);
  MHD_stop_daemon(d);
}
