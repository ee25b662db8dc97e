/* The served snapshot (lists + index + rules) and its reload thread.
 *
 * DESIGN: a snapshot is immutable and reference-counted. The current one
 * is a pointer guarded by a mutex held only to copy the pointer and bump
 * its count (a few nanoseconds), so a request never sees a half-loaded
 * state and never waits for a load. Reloads run on one dedicated thread:
 * it builds a complete new snapshot from the same --data and --rules
 * paths, checks it, and swaps the pointer; the old snapshot is freed by
 * whichever request releases it last. Reload requests that arrive while a
 * load runs are answered by the next load (files may have changed after
 * the running one read them), so concurrent reloads coalesce.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/audit/annotate.h"
#include "../lib/json/shapes.h"
#include "server.h"

/* Diagnostics kept for a reload's answer; the rest are counted. */
#define MAX_DIAGS 100

typedef struct load_log {
  int print;     /* also print to stderr (start-up) */
  json_t *diags; /* [{"severity","file","line","message"}] */
  size_t errors; /* rejected files and rule errors */
  size_t warnings;
  char **rejected;
  size_t n_rejected;
} load_log;

static void log_add(load_log *l, const char *sev, const char *file, long line,
                    const char *msg) {
  int err = strcmp(sev, "error") == 0;
  if (err)
    l->errors++;
  else
    l->warnings++;
  if (l->print && (err || l->warnings <= 20))
    fprintf(stderr, "embargo serve: %s: %s%s%.0ld: %s\n", sev, file ? file : "",
            line > 0 ? ":" : "", line > 0 ? line : 0L, msg);
  if (json_array_size(l->diags) < MAX_DIAGS && (err || l->warnings <= 20)) {
    json_t *d = json_object();
    json_object_set_new(d, "severity", json_string(sev));
    json_object_set_new(d, "file", file ? json_string(file) : json_null());
    json_object_set_new(d, "line", json_integer(line));
    json_object_set_new(d, "message", json_string(msg));
    json_array_append_new(l->diags, d);
  }
}

static void on_list_diag(void *ud, const char *sev, const char *file, long line,
                         const char *msg) {
  load_log *l = ud;
  log_add(l, sev, file, line, msg);
  /* A rejected file is an error reported for the whole file. */
  if (strcmp(sev, "error") == 0 && line == 0 && file) {
    char **r = realloc(l->rejected, (l->n_rejected + 1) * sizeof(*r));
    if (r == NULL) return;
    l->rejected = r;
    r[l->n_rejected] = strdup(file);
    if (r[l->n_rejected]) l->n_rejected++;
  }
}

static void on_rules_diag(void *ud, const char *sev, const char *file,
                          long line, const char *msg) {
  log_add(ud, sev, file, line, msg);
}

static void log_free(load_log *l) {
  for (size_t i = 0; i < l->n_rejected; i++) free(l->rejected[i]);
  free(l->rejected);
  json_decref(l->diags);
  memset(l, 0, sizeof(*l));
}

static void snap_free(srv_snap *sn) {
  if (sn == NULL) return;
  emb_index_free(sn->ix);
  emb_listset_free(sn->ls);
  emb_ruleset_free(sn->rs);
  free(sn->lists_json);
  for (size_t i = 0; i < sn->n_rejected; i++) free(sn->rejected[i]);
  free(sn->rejected);
  free(sn);
}

void srv_snap_release(srv_snap *sn) {
  if (sn && atomic_fetch_sub_explicit(&sn->refs, 1, memory_order_acq_rel) == 1)
    snap_free(sn);
}

srv_snap *srv_snap_acquire(srv *s) {
  pthread_mutex_lock(&s->snap_lock);
  srv_snap *sn = s->snap;
  if (sn) atomic_fetch_add_explicit(&sn->refs, 1, memory_order_relaxed);
  pthread_mutex_unlock(&s->snap_lock);
  return sn;
}

static void now_iso(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static char *dump(json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
  json_decref(j);
  return s;
}

/* Builds a complete snapshot; on failure returns the status and a reason
 * in why. */
static emb_status build(srv *s, uint64_t seq, load_log *log, srv_snap **out,
                        char *why, size_t whylen) {
  *out = NULL;
  srv_snap *sn = calloc(1, sizeof(*sn));
  if (sn == NULL) return EMB_ENOMEM;
  atomic_init(&sn->refs, 1);
  sn->seq = seq;
  const char *def = emb_default_lists_dir();
  const char *const *paths = s->n_data ? s->data_paths : &def;
  size_t n = s->n_data ? s->n_data : 1;
  emb_load_opts lo = {.diag = on_list_diag, .userdata = log, .strict = 0};
  emb_status st = emb_listset_load(paths, n, &lo, &sn->ls);
  if (st != EMB_OK) {
    snprintf(why, whylen, "the lists could not be loaded: %s",
             emb_strerror(st));
    goto bad;
  }
  st = emb_index_build(sn->ls, &sn->ix);
  if (st != EMB_OK) {
    snprintf(why, whylen, "the index could not be built: %s", emb_strerror(st));
    goto bad;
  }
  emb_load_opts ro = {.diag = on_rules_diag, .userdata = log};
  st = emb_ruleset_load(s->rules_dir, &ro, &sn->rs);
  if (st != EMB_OK) {
    snprintf(why, whylen, "the rules in %s could not be loaded: %s",
             s->rules_dir, emb_strerror(st));
    goto bad;
  }
  /* The same ids as the CLI's audit rows, so that rows from both faces
   * name the same data the same way. */
  emb__audit_lists_version(sn->ls, sn->lists_version);
  emb__audit_rules_version(sn->rs, sn->rules_version);
  now_iso(sn->loaded_at);
  sn->warnings = log->warnings;
  sn->rejected = log->rejected;
  sn->n_rejected = log->n_rejected;
  log->rejected = NULL;
  log->n_rejected = 0;

  json_t *lj = emb__lists_json(sn->ls, sn->n_rejected);
  json_object_set_new(lj, "version", json_string(sn->lists_version));
  json_object_set_new(lj, "rules_version", json_string(sn->rules_version));
  json_object_set_new(lj, "rules",
                      json_integer((json_int_t)emb_ruleset_rule_count(sn->rs)));
  json_object_set_new(lj, "snapshot", json_integer((json_int_t)seq));
  json_object_set_new(lj, "loaded_at", json_string(sn->loaded_at));
  sn->lists_json = dump(lj);
  if (sn->lists_json == NULL) {
    st = EMB_ENOMEM;
    snprintf(why, whylen, "out of memory");
    goto bad;
  }
  *out = sn;
  return EMB_OK;
bad:
  snap_free(sn);
  return st;
}

/* Records the snapshot's lists and rules in the audit log (once per
 * version: the log skips ids it already holds). */
static void audit_versions(srv *s, const srv_snap *sn) {
  if (s->audit == NULL) return;
  char id[80];
  if (emb__audit_note_lists(s->audit, sn->ls, "server", id) != EMB_OK ||
      emb__audit_note_rules(s->audit, sn->rs, "server", id) != EMB_OK)
    fprintf(stderr, "embargo serve: warning: audit log: %s\n",
            emb_audit_last_error(s->audit));
}

int srv_snap_init(srv *s) {
  load_log log = {.print = 1, .diags = json_array()};
  char why[512];
  srv_snap *sn = NULL;
  emb_status st = build(s, 1, &log, &sn, why, sizeof(why));
  if (st != EMB_OK) {
    fprintf(stderr, "embargo serve: error: %s\n", why);
    log_free(&log);
    return -1;
  }
  if (log.warnings > 20)
    fprintf(stderr,
            "embargo serve: warning: %zu bad rows or other problems were "
            "skipped while loading\n",
            log.warnings);
  log_free(&log);
  s->snap = sn;
  audit_versions(s, sn);
  return 0;
}

/* Whether path was rejected by the previous snapshot too: a file that was
 * already refused does not block a reload (the served data lacks it
 * either way); a newly refused one does. */
static int was_rejected(const srv_snap *old, const char *path) {
  for (size_t i = 0; old && i < old->n_rejected; i++)
    if (strcmp(old->rejected[i], path) == 0) return 1;
  return 0;
}

static void reload_once(srv *s, srv_reload_result *res) {
  srv_snap *old = srv_snap_acquire(s);
  load_log log = {.diags = json_array()};
  char why[512] = "";
  srv_snap *sn = NULL;
  emb_status st = build(s, old ? old->seq + 1 : 1, &log, &sn, why, sizeof(why));
  if (st == EMB_OK) {
    /* A list file the served snapshot loaded that is now rejected (or a
     * new file that is rejected) means a bad update: keep serving the old
     * lists rather than silently dropping a source. */
    size_t newly = 0;
    const char *first = NULL;
    for (size_t i = 0; i < sn->n_rejected; i++)
      if (!was_rejected(old, sn->rejected[i])) {
        if (!first) first = sn->rejected[i];
        newly++;
      }
    if (newly) {
      snprintf(why, sizeof(why),
               "%zu list file%s rejected (first: %s); see diagnostics", newly,
               newly == 1 ? " was" : "s were", first);
      st = EMB_EFORMAT;
      snap_free(sn);
      sn = NULL;
    }
  }
  json_t *j;
  if (st == EMB_OK) {
    j = json_object();
    json_object_set_new(j, "status", json_string("reloaded"));
    json_object_set_new(j, "version", json_string(sn->lists_version));
    json_object_set_new(j, "previous_version",
                        json_string(old ? old->lists_version : ""));
    json_object_set_new(j, "rules_version", json_string(sn->rules_version));
    json_object_set_new(j, "snapshot", json_integer((json_int_t)sn->seq));
    json_object_set_new(j, "entities",
                        json_integer((json_int_t)emb_listset_count(sn->ls)));
    json_object_set_new(j, "rejected_files",
                        json_integer((json_int_t)sn->n_rejected));
    json_object_set_new(j, "warnings", json_integer((json_int_t)log.warnings));
    json_object_set(j, "diagnostics", log.diags);
    res->http_status = 200;
    pthread_mutex_lock(&s->snap_lock);
    srv_snap *prev = s->snap;
    s->snap = sn;
    pthread_mutex_unlock(&s->snap_lock);
    srv_snap_release(prev);
    audit_versions(s, sn);
    fprintf(stderr, "embargo serve: reloaded: %s (%zu entities)\n",
            sn->lists_version, emb_listset_count(sn->ls));
  } else {
    char msg[700];
    snprintf(msg, sizeof(msg),
             "the reload was refused and the previous lists are still "
             "serving: %s",
             why);
    j = emb__error_json(st, msg);
    json_object_set_new(j, "version",
                        json_string(old ? old->lists_version : ""));
    json_object_set(j, "diagnostics", log.diags);
    res->http_status = st == EMB_ENOMEM ? 500 : 422;
    fprintf(stderr, "embargo serve: %s\n", msg);
  }
  srv_metrics_reload(st == EMB_OK);
  res->body = dump(j);
  log_free(&log);
  srv_snap_release(old);
}

static char *unavailable_body(void) {
  return dump(emb__error_json(EMB_EINTR, "the server is shutting down"));
}

static void *reload_main(void *arg) {
  srv *s = arg;
  pthread_mutex_lock(&s->reload_lock);
  for (;;) {
    while (!s->reload_stop && !s->waiting && !s->reload_wanted)
      pthread_cond_wait(&s->reload_cond, &s->reload_lock);
    if (s->reload_stop) break;
    srv_reload_waiter *w = s->waiting;
    s->waiting = NULL;
    s->reload_wanted = 0;
    pthread_mutex_unlock(&s->reload_lock);
    srv_reload_result r = {0};
    reload_once(s, &r);
    while (w) {
      srv_reload_waiter *next = w->next;
      w->res.http_status = r.http_status;
      w->res.body = r.body ? strdup(r.body) : NULL;
      w->done(w); /* w belongs to its caller from here on */
      w = next;
    }
    free(r.body);
    pthread_mutex_lock(&s->reload_lock);
  }
  srv_reload_waiter *w = s->waiting;
  s->waiting = NULL;
  pthread_mutex_unlock(&s->reload_lock);
  while (w) {
    srv_reload_waiter *next = w->next;
    w->res.http_status = 503;
    w->res.body = unavailable_body();
    w->done(w);
    w = next;
  }
  return NULL;
}

int srv_reload_start(srv *s) {
  s->reload_stop = 0;
  if (pthread_create(&s->reload_thread, NULL, reload_main, s) != 0) return -1;
  s->reload_running = 1;
  return 0;
}

int srv_reload_request(srv *s, srv_reload_waiter *w) {
  pthread_mutex_lock(&s->reload_lock);
  if (s->reload_stop || !s->reload_running) {
    pthread_mutex_unlock(&s->reload_lock);
    return -1;
  }
  if (w) {
    /* Appended, so waiters are answered in the order they asked. */
    w->next = NULL;
    srv_reload_waiter **p = &s->waiting;
    while (*p) p = &(*p)->next;
    *p = w;
  } else {
    s->reload_wanted = 1;
  }
  pthread_cond_signal(&s->reload_cond);
  pthread_mutex_unlock(&s->reload_lock);
  return 0;
}

void srv_reload_stop(srv *s) {
  if (!s->reload_running) return;
  pthread_mutex_lock(&s->reload_lock);
  s->reload_stop = 1;
  pthread_cond_signal(&s->reload_cond);
  pthread_mutex_unlock(&s->reload_lock);
  pthread_join(s->reload_thread, NULL);
  s->reload_running = 0;
}

void srv_snap_fini(srv *s) {
  pthread_mutex_lock(&s->snap_lock);
  srv_snap *sn = s->snap;
  s->snap = NULL;
  pthread_mutex_unlock(&s->snap_lock);
  srv_snap_release(sn);
}
