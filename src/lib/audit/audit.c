/* The audit log's handle: the queue and the one writer thread.
 *
 * DESIGN: callers copy an event into a queue item and return; one writer
 * thread takes up to batch_max items at a time (or whatever is queued once
 * the oldest has waited flush_ms, or at once when someone flushes) and
 * writes them in one IMMEDIATE transaction: it reads the head (last seq
 * and hash) from the meta table, chains each row to it, inserts the rows
 * and stores the new head, then commits. The head is read inside the
 * transaction, so several processes may append to one log (SQLite's lock
 * orders them), and it is read from meta rather than from the last row so
 * that a tail cut off by hand still shows as a gap after the next append.
 * A crash loses only the transaction being written: WAL keeps every
 * committed one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_internal.h"

_Thread_local char emb__audit_open_error[512];

void emb__audit_item_free(emb__audit_item *it) {
  if (it == NULL) return;
  free(it->time);
  free(it->kind);
  free(it->caller);
  free(it->request);
  free(it->result);
  free(it->lists);
  free(it->rules);
  free(it->dkey);
  free(it->dentity);
  free(it->dversion);
  free(it->dreviewer);
  free(it->dnote);
  free(it);
}

/* The writer's prepared statements, made once per thread. */
typedef struct wstmts {
  sqlite3_stmt *head, *ins, *dec, *set;
} wstmts;

static void wstmts_free(wstmts *s) {
  sqlite3_finalize(s->head);
  sqlite3_finalize(s->ins);
  sqlite3_finalize(s->dec);
  sqlite3_finalize(s->set);
}

static int wstmts_prepare(sqlite3 *db, wstmts *s) {
  static const char *const sql[4] = {
      "SELECT (SELECT value FROM meta WHERE key='head_seq'),"
      " (SELECT value FROM meta WHERE key='head_hash')",
      "INSERT INTO events(seq,time,kind,caller,request,result,lists,rules,"
      "prev_hash,hash) VALUES(?,?,?,?,?,?,?,?,?,?)",
      "INSERT INTO decisions(seq,query_key,entity_id,list_version,decision,"
      "reviewer,note,time) VALUES(?,?,?,?,?,?,?,?)",
      "INSERT OR REPLACE INTO meta(key,value) VALUES('head_seq',?1),"
      "('head_hash',?2)"};
  sqlite3_stmt **out[4] = {&s->head, &s->ins, &s->dec, &s->set};
  for (int i = 0; i < 4; i++)
    if (sqlite3_prepare_v2(db, sql[i], -1, out[i], NULL) != SQLITE_OK)
      return -1;
  return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, i);
}

/* Writes items (a chain of n) in one transaction. On failure the message
 * goes to err and nothing of the batch is kept. */
static int write_batch(sqlite3 *db, wstmts *s, emb__audit_item *items,
                       char *err, size_t errlen) {
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    goto fail;
  int64_t seq = 0;
  char prev[65];
  sqlite3_reset(s->head);
  if (sqlite3_step(s->head) != SQLITE_ROW) goto fail;
  const unsigned char *hs = sqlite3_column_text(s->head, 0);
  const unsigned char *hh = sqlite3_column_text(s->head, 1);
  if (hs) seq = strtoll((const char *)hs, NULL, 10);
  snprintf(prev, sizeof(prev), "%s",
           hh && strlen((const char *)hh) == 64 ? (const char *)hh
                                                : EMB__AUDIT_GENESIS);
  sqlite3_reset(s->head);
  for (emb__audit_item *it = items; it; it = it->next) {
    emb__audit_fields f = {seq + 1,    it->time,    it->kind,
                           it->caller, it->request, it->result,
                           it->lists,  it->rules,   prev};
    char hash[65];
    emb__audit_hash(&f, hash);
    sqlite3_reset(s->ins);
    sqlite3_bind_int64(s->ins, 1, f.seq);
    bind_text(s->ins, 2, it->time);
    bind_text(s->ins, 3, it->kind);
    bind_text(s->ins, 4, it->caller);
    bind_text(s->ins, 5, it->request);
    bind_text(s->ins, 6, it->result);
    bind_text(s->ins, 7, it->lists);
    bind_text(s->ins, 8, it->rules);
    bind_text(s->ins, 9, prev);
    bind_text(s->ins, 10, hash);
    if (sqlite3_step(s->ins) != SQLITE_DONE) goto fail;
    if (it->dkind) {
      sqlite3_reset(s->dec);
      sqlite3_bind_int64(s->dec, 1, f.seq);
      bind_text(s->dec, 2, it->dkey);
      bind_text(s->dec, 3, it->dentity);
      bind_text(s->dec, 4, it->dversion);
      bind_text(s->dec, 5, emb_decision_name((emb_decision_kind)it->dkind));
      bind_text(s->dec, 6, it->dreviewer);
      bind_text(s->dec, 7, it->dnote);
      bind_text(s->dec, 8, it->time);
      if (sqlite3_step(s->dec) != SQLITE_DONE) goto fail;
    }
    seq = f.seq;
    memcpy(prev, hash, sizeof(prev));
  }
  sqlite3_reset(s->set);
  sqlite3_bind_int64(s->set, 1, seq);
  sqlite3_bind_text(s->set, 2, prev, 64, SQLITE_TRANSIENT);
  if (sqlite3_step(s->set) != SQLITE_DONE) goto fail;
  sqlite3_reset(s->set);
  if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) goto fail;
  return 0;
fail:
  snprintf(err, errlen, "audit log write failed: %s", sqlite3_errmsg(db));
  sqlite3_reset(s->ins);
  sqlite3_reset(s->dec);
  sqlite3_reset(s->set);
  sqlite3_reset(s->head);
  if (!sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return -1;
}

static void deadline_in(struct timespec *ts, unsigned ms) {
  clock_gettime(CLOCK_REALTIME, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static void *writer_main(void *arg) {
  emb_audit *a = arg;
  wstmts s = {0};
  int prepared = wstmts_prepare(a->wdb, &s) == 0;
  pthread_mutex_lock(&a->lock);
  if (!prepared) {
    snprintf(a->error, sizeof(a->error), "%s: cannot prepare: %s", a->path,
             sqlite3_errmsg(a->wdb));
    __atomic_store_n(&a->failed, 1, __ATOMIC_RELEASE);
  }
  for (;;) {
    while (a->head == NULL && !a->closing)
      pthread_cond_wait(&a->more, &a->lock);
    if (a->head == NULL) break;
    /* Gather a batch: wait for batch_max rows, but no longer than
     * flush_ms, and not at all when closing or someone flushes. */
    if (a->queued < a->opts.batch_max && !a->closing &&
        a->flush_to <= a->committed) {
      struct timespec dl;
      deadline_in(&dl, a->opts.flush_ms);
      while (a->queued < a->opts.batch_max && !a->closing &&
             a->flush_to <= a->committed)
        if (pthread_cond_timedwait(&a->more, &a->lock, &dl) == ETIMEDOUT) break;
    }
    emb__audit_item *batch = a->head, *last = a->head;
    size_t n = 1;
    while (n < a->opts.batch_max && last->next) {
      last = last->next;
      n++;
    }
    a->head = last->next;
    if (a->head == NULL) a->tail = NULL;
    last->next = NULL;
    a->queued -= n;
    pthread_cond_broadcast(&a->done); /* room for blocked appenders */
    int failed = a->failed;
    pthread_mutex_unlock(&a->lock);

    char err[256] = "";
    int rc = failed ? -1 : write_batch(a->wdb, &s, batch, err, sizeof(err));
    /* A busy database (another process holding the write lock past the
     * busy timeout) or a passing I/O error: a few more tries, 0.2 to 1.6
     * s apart, before the log is declared failed. */
    for (unsigned t = 0; rc != 0 && !failed && t < 4; t++) {
      struct timespec pause = {0, 200000000L << t};
      if (pause.tv_nsec >= 1000000000L) {
        pause.tv_sec = pause.tv_nsec / 1000000000L;
        pause.tv_nsec %= 1000000000L;
      }
      nanosleep(&pause, NULL);
      rc = write_batch(a->wdb, &s, batch, err, sizeof(err));
    }
    uint64_t upto = last->ticket;
    while (batch) {
      emb__audit_item *next = batch->next;
      emb__audit_item_free(batch);
      batch = next;
    }

    pthread_mutex_lock(&a->lock);
    if (rc != 0 && !a->failed) {
      snprintf(a->error, sizeof(a->error), "%s: %s", a->path, err);
      __atomic_store_n(&a->failed, 1, __ATOMIC_RELEASE);
    }
    a->committed = upto;
    pthread_cond_broadcast(&a->done);
  }
  pthread_mutex_unlock(&a->lock);
  wstmts_free(&s);
  return NULL;
}

static emb_status open_db(const char *path, int flags, sqlite3 **out, char *err,
                          size_t errlen) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, flags, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot open: %s", path,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return EMB_EDB;
  }
  sqlite3_busy_timeout(db, 10000);
  *out = db;
  return EMB_OK;
}

static emb_status setup_writer_db(emb_audit *a, char *err, size_t errlen) {
  emb_status st = open_db(a->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                          &a->wdb, err, errlen);
  if (st != EMB_OK) return st;
  /* WAL keeps every committed transaction through a crash of the
   * process; synchronous=NORMAL syncs at checkpoints only, so a power
   * loss (not a crash) may lose the last transactions but never
   * corrupts the file. */
  sqlite3_stmt *q = NULL;
  int ok = sqlite3_prepare_v2(a->wdb, "PRAGMA journal_mode=WAL", -1, &q,
                              NULL) == SQLITE_OK &&
           sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) &&
           strcmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
  sqlite3_finalize(q);
  if (!ok) {
    snprintf(err, errlen, "%s: not an embargo audit log (%s)", a->path,
             sqlite3_errmsg(a->wdb));
    return EMB_EDB;
  }
  if (sqlite3_exec(a->wdb, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) !=
      SQLITE_OK) {
    snprintf(err, errlen, "%s: %s", a->path, sqlite3_errmsg(a->wdb));
    return EMB_EDB;
  }
  char why[400];
  emb_status st2 = emb__audit_schema(a->wdb, 1, why, sizeof(why));
  if (st2 != EMB_OK) snprintf(err, errlen, "%s: %s", a->path, why);
  return st2;
}

/* Releases what emb_audit_open made, once the writer has stopped. */
static void handle_free(emb_audit *a) {
  sqlite3_finalize(a->by_key);
  sqlite3_close(a->rdb);
  sqlite3_close(a->wdb);
  pthread_cond_destroy(&a->more);
  pthread_cond_destroy(&a->done);
  pthread_mutex_destroy(&a->lock);
  pthread_mutex_destroy(&a->rlock);
  free(a->path);
  free(a);
}

emb_status emb_audit_open(const char *path, const emb_audit_opts *opts,
                          emb_audit **out) {
  if (path == NULL || out == NULL) return EMB_EINVAL;
  *out = NULL;
  emb_audit *a = calloc(1, sizeof(*a));
  if (a == NULL) return EMB_ENOMEM;
  a->path = strdup(path);
  if (a->path == NULL) {
    free(a);
    return EMB_ENOMEM;
  }
  if (opts) a->opts = *opts;
  if (a->opts.batch_max == 0) a->opts.batch_max = 512;
  if (a->opts.flush_ms == 0) a->opts.flush_ms = 50;
  if (a->opts.queue_max == 0) a->opts.queue_max = 65536;
  pthread_mutex_init(&a->lock, NULL);
  pthread_mutex_init(&a->rlock, NULL);
  pthread_cond_init(&a->more, NULL);
  pthread_cond_init(&a->done, NULL);
  char err[512] = "";
  emb_status st = EMB_OK;
  if (a->opts.read_only) {
    /* Only the reader: the file must already be a log, and may be one
     * the process cannot write (an examiner's copy). */
    st = open_db(path, SQLITE_OPEN_READONLY, &a->rdb, err, sizeof(err));
    char why[400];
    if (st == EMB_OK &&
        (st = emb__audit_schema(a->rdb, 0, why, sizeof(why))) != EMB_OK)
      snprintf(err, sizeof(err), "%s: %s", path, why);
    else if (st == EMB_OK)
      sqlite3_exec(a->rdb, "COMMIT", NULL, NULL, NULL);
  } else {
    st = setup_writer_db(a, err, sizeof(err));
    if (st == EMB_OK)
      st = open_db(path, SQLITE_OPEN_READWRITE, &a->rdb, err, sizeof(err));
  }
  if (st == EMB_OK && sqlite3_exec(a->rdb, "PRAGMA query_only=1", NULL, NULL,
                                   NULL) != SQLITE_OK) {
    snprintf(err, sizeof(err), "%s: %s", path, sqlite3_errmsg(a->rdb));
    st = EMB_EDB;
  }
  if (st == EMB_OK &&
      sqlite3_prepare_v3(
          a->rdb,
          "SELECT d.entity_id, d.list_version, d.decision, "
          "d.reviewer, d.note, d.time" EMB__AUDIT_TRUSTED_DECISIONS
          "WHERE d.query_key=? ORDER BY d.id",
          -1, SQLITE_PREPARE_PERSISTENT, &a->by_key, NULL) != SQLITE_OK) {
    snprintf(err, sizeof(err), "%s: %s", path, sqlite3_errmsg(a->rdb));
    st = EMB_EDB;
  }
  if (st == EMB_OK && a->opts.read_only) {
    /* Appends fail at once with this message. */
    snprintf(a->error, sizeof(a->error), "%s: opened read-only", path);
    a->failed = 1;
  } else if (st == EMB_OK &&
             pthread_create(&a->writer, NULL, writer_main, a) != 0) {
    snprintf(err, sizeof(err), "%s: cannot start the writer thread", path);
    st = EMB_ENOMEM;
  }
  if (st != EMB_OK) {
    /* The message is kept for the caller: emb_audit_open_error(). */
    snprintf(emb__audit_open_error, sizeof(emb__audit_open_error), "%s", err);
    handle_free(a);
    return st;
  }
  *out = a;
  return EMB_OK;
}

void emb_audit_close(emb_audit *a) {
  if (a == NULL) return;
  pthread_mutex_lock(&a->lock);
  a->closing = 1;
  pthread_cond_signal(&a->more);
  pthread_mutex_unlock(&a->lock);
  if (!a->opts.read_only) pthread_join(a->writer, NULL);
  handle_free(a);
}

emb_status emb__audit_enqueue(emb_audit *a, emb__audit_item *it,
                              uint64_t *ticket) {
  pthread_mutex_lock(&a->lock);
  while (a->queued >= a->opts.queue_max && !a->failed && !a->closing)
    pthread_cond_wait(&a->done, &a->lock);
  if (a->failed || a->closing) {
    pthread_mutex_unlock(&a->lock);
    emb__audit_item_free(it);
    return EMB_EDB;
  }
  it->next = NULL;
  it->ticket = ++a->enqueued;
  if (a->tail)
    a->tail->next = it;
  else
    a->head = it;
  a->tail = it;
  a->queued++;
  if (a->queued == 1 || a->queued >= a->opts.batch_max)
    pthread_cond_signal(&a->more);
  if (ticket) *ticket = it->ticket;
  pthread_mutex_unlock(&a->lock);
  return EMB_OK;
}

emb_status emb__audit_wait(emb_audit *a, uint64_t ticket) {
  pthread_mutex_lock(&a->lock);
  if (a->committed < ticket) {
    if (a->flush_to < ticket) a->flush_to = ticket;
    pthread_cond_signal(&a->more);
    while (a->committed < ticket) pthread_cond_wait(&a->done, &a->lock);
  }
  emb_status st = a->failed ? EMB_EDB : EMB_OK;
  pthread_mutex_unlock(&a->lock);
  return st;
}

/* Copies s (NULL stays NULL) into *dst, checking its length. */
static int copy_field(char **dst, const char *s, size_t max) {
  *dst = NULL;
  if (s == NULL) return 0;
  size_t n = strnlen(s, max + 1);
  if (n > max) return 1;
  *dst = malloc(n + 1);
  if (*dst == NULL) return 2;
  memcpy(*dst, s, n + 1);
  return 0;
}

emb_status emb__audit_item_new(const emb_audit_record *r, emb__audit_item **out,
                               const char **bad) {
  *out = NULL;
  *bad = NULL;
  emb__audit_item *it = calloc(1, sizeof(*it));
  if (it == NULL) return EMB_ENOMEM;
  struct {
    char **dst;
    const char *src;
    size_t max;
    const char *name;
  } f[] = {
      {&it->kind, r->kind, EMB__AUDIT_MAX_SHORT, "kind"},
      {&it->caller, r->caller, EMB__AUDIT_MAX_SHORT, "caller"},
      {&it->request, r->request, EMB__AUDIT_MAX_FIELD, "request"},
      {&it->result, r->result, EMB__AUDIT_MAX_FIELD, "result"},
      {&it->lists, r->lists, EMB__AUDIT_MAX_FIELD, "lists"},
      {&it->rules, r->rules, EMB__AUDIT_MAX_FIELD, "rules"},
  };
  for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
    int rc = copy_field(f[i].dst, f[i].src, f[i].max);
    if (rc) {
      *bad = f[i].name;
      emb__audit_item_free(it);
      return rc == 1 ? EMB_ETOOBIG : EMB_ENOMEM;
    }
  }
  char now[32];
  emb__audit_now(now);
  it->time = strdup(now);
  if (it->time == NULL) {
    emb__audit_item_free(it);
    return EMB_ENOMEM;
  }
  *out = it;
  return EMB_OK;
}

emb_status emb_audit_append(emb_audit *a, const emb_audit_record *r) {
  if (a == NULL || r == NULL || r->kind == NULL) return EMB_EINVAL;
  emb__audit_item *it;
  const char *bad;
  emb_status st = emb__audit_item_new(r, &it, &bad);
  if (st != EMB_OK) return st;
  return emb__audit_enqueue(a, it, NULL);
}

emb_status emb_audit_flush(emb_audit *a) {
  if (a == NULL) return EMB_EINVAL;
  pthread_mutex_lock(&a->lock);
  uint64_t t = a->enqueued;
  pthread_mutex_unlock(&a->lock);
  return emb__audit_wait(a, t);
}

const char *emb_audit_last_error(const emb_audit *a) {
  if (a == NULL) return emb__audit_open_error;
  /* The message only ever changes once (on the first failure), so it is
   * read without the lock after the flag is seen set. */
  return __atomic_load_n(&a->failed, __ATOMIC_ACQUIRE) ? a->error : "";
}
