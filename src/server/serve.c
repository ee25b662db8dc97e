/* embargo serve: the HTTP JSON API, the analysts' web page and the audit
 * log behind them. This file is the command: options, start-up, signals
 * and an orderly shutdown. docs/server.md is the guide.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "embargo/ownership.h"
#include "server.h"

#ifndef EMB_WEB_DIR
#define EMB_WEB_DIR "web"
#endif

/* How long a shutdown waits for requests in flight. */
#define SHUTDOWN_WAIT_MS 10000

enum {
  O_AUDIT,
  O_DATA,
  O_HELP,
  O_INSECURE,
  O_KEYS,
  O_LISTEN,
  O_MAX_BODY,
  O_OWNERSHIP,
  O_RULES,
  O_THREADS,
  O_WEB
};

static const cli_opt opts[] = {
    {"audit", 1, O_AUDIT},       {"data", 1, O_DATA},
    {"help", 0, O_HELP},         {"insecure-no-auth", 0, O_INSECURE},
    {"keys", 1, O_KEYS},         {"listen", 1, O_LISTEN},
    {"max-body", 1, O_MAX_BODY}, {"ownership", 1, O_OWNERSHIP},
    {"rules", 1, O_RULES},       {"threads", 1, O_THREADS},
    {"web", 1, O_WEB},
};

static void help(void) {
  printf(
      "usage: embargo serve [options]\n\n"
      "Serves the HTTP JSON API (POST /v1/screen, /v1/compare, /v1/check,\n"
      "/v1/decisions, /v1/lists/reload; GET /v1/lists, /v1/audit,\n"
      "/v1/audit/verify, /healthz, /metrics) and the analysts' web page\n"
      "(GET /). docs/server.md and docs/openapi.yaml describe it.\n\n"
      "options:\n"
      "  --data DIR|FILE     lists to serve (repeatable); default: %s\n"
      "  --rules DIR         rule packs and reference data; default: %s\n"
      "  --listen ADDR:PORT  address to listen on (default 127.0.0.1:8080;\n"
      "                      [::1]:8080 for IPv6; port 0 picks a free port)\n"
      "  --keys FILE         API keys, one 'ID ROLE SECRET' per line (ROLE\n"
      "                      screen or admin); required unless\n"
      "  --insecure-no-auth  serve without keys: every caller is "
      "\"anonymous\",\n"
      "                      admin; loopback listen addresses only\n"
      "  --audit PATH        append every screening, determination and\n"
      "                      decision to this audit log (SQLite)\n"
      "  --ownership FILE    known owners of companies for the 50%% rules\n"
      "                      of /v1/check (docs/regimes.md; read at start)\n"
      "  --threads N         worker threads (default: one per core)\n"
      "  --max-body BYTES    largest request body (default 1048576)\n"
      "  --web DIR           the web page's files (default: $EMBARGO_WEB_DIR\n"
      "                      or %s)\n\n"
      "SIGTERM or SIGINT: stop accepting, finish the requests in flight,\n"
      "close the audit log. SIGHUP: reload the lists and rules.\n\n"
      "exit codes: 0 stopped by a signal, 2 usage error, 3 data error (lists,\n"
      "rules, keys or audit log could not be opened)\n",
      emb_default_lists_dir(), emb_default_rules_dir(), EMB_WEB_DIR);
}

/* A listen address on loopback only: 127.0.0.0/8, [::1] or localhost. */
static int loopback_listen(const char *l) {
  return strncmp(l, "127.", 4) == 0 || strncmp(l, "[::1]:", 6) == 0 ||
         strncmp(l, "localhost:", 10) == 0;
}

static int configure(const cli_args *a, srv *s, const char **listen) {
  for (size_t i = 0; i < a->n_data; i++) s->data_paths[i] = a->multi_data[i];
  s->n_data = a->n_data;
  s->rules_dir =
      a->values[O_RULES] ? a->values[O_RULES] : emb_default_rules_dir();
  const char *env = getenv("EMBARGO_WEB_DIR");
  s->web_dir = a->values[O_WEB]        ? a->values[O_WEB]
               : env && env[0] != '\0' ? env
                                       : EMB_WEB_DIR;
  s->audit_path = a->values[O_AUDIT];
  *listen = a->values[O_LISTEN] ? a->values[O_LISTEN] : "127.0.0.1:8080";
  s->max_body = (size_t)1024 * 1024;
  if (a->values[O_MAX_BODY] && cli_parse_size(a->values[O_MAX_BODY], 1024,
                                              (size_t)1 << 30, &s->max_body)) {
    fprintf(stderr, "embargo serve: --max-body must be 1024 to 1073741824\n");
    return CLI_USAGE;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t threads = cores > 0 ? (size_t)cores : 1;
  if (a->values[O_THREADS] &&
      cli_parse_size(a->values[O_THREADS], 1, 256, &threads)) {
    fprintf(stderr, "embargo serve: --threads must be 1 to 256\n");
    return CLI_USAGE;
  }
  s->threads = (unsigned)threads;
  if (a->values[O_KEYS] && a->values[O_INSECURE]) {
    fprintf(stderr,
            "embargo serve: --keys and --insecure-no-auth exclude each "
            "other\n");
    return CLI_USAGE;
  }
  if (!a->values[O_KEYS] && !a->values[O_INSECURE]) {
    fprintf(stderr,
            "embargo serve: refusing to serve without API keys: give --keys "
            "FILE (see docs/server.md), or --insecure-no-auth for a trial "
            "on this machine\n");
    return CLI_USAGE;
  }
  /* Without keys every loopback caller is an admin: such a server must
   * not be reachable from elsewhere, even by mistake. */
  if (a->values[O_INSECURE] && !loopback_listen(*listen)) {
    fprintf(stderr,
            "embargo serve: --insecure-no-auth listens on loopback only "
            "(127.0.0.1, [::1]); give --keys FILE to listen on %s\n",
            *listen);
    return CLI_USAGE;
  }
  return CLI_OK;
}

/* Blocks the signals the main thread waits for, before any thread starts,
 * so that every thread inherits the mask and only sigwait sees them. */
static void block_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, set, NULL);
  signal(SIGPIPE, SIG_IGN);
}

static int run(srv *s, const char *listen, sigset_t *set) {
  if (srv_snap_init(s) != 0) return CLI_DATA;
  if (srv_reload_start(s) != 0) {
    fprintf(stderr, "embargo serve: cannot start the reload thread\n");
    return CLI_DATA;
  }
  struct MHD_Daemon *d = srv_http_start(s, listen);
  if (d == NULL) {
    srv_reload_stop(s);
    return CLI_USAGE;
  }
  for (;;) {
    int sig = 0;
    if (sigwait(set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      fprintf(stderr, "embargo serve: SIGHUP: reloading the lists\n");
      (void)srv_reload_request(s, NULL);
      continue;
    }
    fprintf(stderr,
            "embargo serve: %s: finishing %ld requests in flight, then "
            "stopping\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT", atomic_load(&s->inflight));
    break;
  }
  srv_http_stop(s, d, SHUTDOWN_WAIT_MS);
  return CLI_OK;
}

int cmd_serve(int argc, char **argv) {
  cli_args a;
  int rc =
      cli_parse("serve", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos) {
    fprintf(stderr, "embargo serve: takes no arguments (see --help)\n");
    return CLI_USAGE;
  }
  static srv s; /* one server per process; signals are process-wide */
  memset(&s, 0, sizeof(s));
  const char *listen = NULL;
  rc = configure(&a, &s, &listen);
  if (rc != CLI_OK) return rc;
  pthread_mutex_init(&s.snap_lock, NULL);
  pthread_mutex_init(&s.reload_lock, NULL);
  pthread_cond_init(&s.reload_cond, NULL);
  atomic_init(&s.closing, 0);
  atomic_init(&s.inflight, 0);
  if (a.values[O_KEYS]) {
    char err[512];
    if (srv_keys_load(a.values[O_KEYS], &s.keys, err, sizeof(err)) != 0) {
      fprintf(stderr, "embargo serve: error: %s\n", err);
      return CLI_DATA;
    }
  } else {
    fprintf(stderr,
            "embargo serve: warning: --insecure-no-auth: no API keys; "
            "callers on loopback are admins\n");
  }
  if (a.values[O_OWNERSHIP]) {
    emb_status st =
        emb_ownership_load(a.values[O_OWNERSHIP], NULL, &s.ownership);
    if (st != EMB_OK) {
      fprintf(stderr,
              "embargo serve: error: the ownership file %s: %s (embargo check "
              "--ownership names the bad line)\n",
              a.values[O_OWNERSHIP], emb_strerror(st));
      srv_keys_free(s.keys);
      return CLI_DATA;
    }
  }
  sigset_t set;
  block_signals(&set);
  if (s.audit_path) {
    emb_status st = emb_audit_open(s.audit_path, NULL, &s.audit);
    if (st != EMB_OK) {
      fprintf(stderr, "embargo serve: error: the audit log %s: %s\n",
              s.audit_path, emb_strerror(st));
      srv_keys_free(s.keys);
      emb_ownership_free(s.ownership);
      return CLI_DATA;
    }
  }
  rc = run(&s, listen, &set);
  srv_snap_fini(&s);
  /* Closing flushes every queued row to disk before the process exits. */
  emb_audit_close(s.audit);
  srv_keys_free(s.keys);
  emb_ownership_free(s.ownership);
  pthread_cond_destroy(&s.reload_cond);
  pthread_mutex_destroy(&s.reload_lock);
  pthread_mutex_destroy(&s.snap_lock);
  if (rc == CLI_OK) fprintf(stderr, "embargo serve: stopped\n");
  return rc;
}
