/* The batch pipeline: reader thread, worker threads, ordered writer.
 *
 * DESIGN: rows travel in chunks of up to EMB__BATCH_CHUNK rows. The reader
 * copies each row into a chunk and queues it; a worker screens the whole
 * chunk into the chunk's own output and error buffers and counts; the
 * writer (the calling thread) takes chunks strictly in sequence from a
 * ring indexed by sequence number and appends their buffers to the files.
 * A chunk is taken from a free list before the reader fills it, and goes
 * back only once written, so the chunks in flight, and with them memory,
 * are bounded by the ring's size; the reader waits when it is full.
 *
 * Crash safety: the output goes to OUTPUT.tmp. After a chunk is written
 * and at most every checkpoint_every seconds, the writer flushes and
 * fsyncs the output and the error file, then writes OUTPUT.checkpoint
 * (through a temporary file, fsync and rename): the input's identity, a
 * hash of the options and data, the rows done, the input offset and line
 * of the next row, the lengths of the output and error files, and the
 * counts so far. --resume truncates both files to those lengths and seeks
 * the input to that offset, so no row is lost or written twice. Nothing
 * in a row's output depends on time or on the thread that made it.
 */
#include "batch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "../../common/sha256.h"
#include "../json/shapes.h"
#include "../../common/hash.h"
#include "cache.h"

#define CHUNK_BYTES ((size_t)1024 * 1024)
#define CACHE_BYTES ((size_t)48 * 1024 * 1024)

/* ---- Growable buffers. ---- */

typedef struct buf {
  char *p;
  size_t len, cap;
} buf;

static int buf_reserve(buf *b, size_t n) {
  if (b->len + n + 1 <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap < b->len + n + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (p == NULL) return -1;
  b->p = p;
  b->cap = cap;
  return 0;
}

static int buf_add(buf *b, const char *s, size_t n) {
  if (buf_reserve(b, n)) return -1;
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static int buf_str(buf *b, const char *s) {
  return buf_add(b, s, strlen(s));
}

static int buf_printf(buf *b, const char *fmt, ...) {
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n < 0) return -1;
  return buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

int emb__json_quote(char **p, size_t *len, size_t *cap, const char *s,
                    size_t n) {
  buf b = {*p, *len, *cap};
  int rc = buf_reserve(&b, n + 2);
  if (rc == 0) {
    b.p[b.len++] = '"';
    size_t i = 0;
    while (i < n && rc == 0) {
      size_t j = i;
      while (j < n && (unsigned char)s[j] >= 0x20 && s[j] != '"' &&
             s[j] != '\\')
        j++;
      rc = buf_add(&b, s + i, j - i);
      if (j >= n || rc) break;
      unsigned char c = (unsigned char)s[j];
      char esc[8];
      switch (c) {
        case '"':
          memcpy(esc, "\\\"", 3);
          break;
        case '\\':
          memcpy(esc, "\\\\", 3);
          break;
        case '\b':
          memcpy(esc, "\\b", 3);
          break;
        case '\f':
          memcpy(esc, "\\f", 3);
          break;
        case '\n':
          memcpy(esc, "\\n", 3);
          break;
        case '\r':
          memcpy(esc, "\\r", 3);
          break;
        case '\t':
          memcpy(esc, "\\t", 3);
          break;
        default:
          snprintf(esc, sizeof(esc), "\\u%04X", c);
      }
      rc = buf_str(&b, esc);
      i = j + 1;
    }
    if (rc == 0) rc = buf_add(&b, "\"", 1);
  }
  *p = b.p;
  *len = b.len;
  *cap = b.cap;
  return rc;
}

static int buf_json(buf *b, const char *s, size_t n) {
  return emb__json_quote(&b->p, &b->len, &b->cap, s, n);
}

/* A CSV field, quoted when it holds a separator, quote or line break. */
static int buf_csv(buf *b, const char *s, size_t n) {
  int q = 0;
  for (size_t i = 0; i < n && !q; i++)
    q = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!q) return buf_add(b, s, n);
  int rc = buf_add(b, "\"", 1);
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = s[i] == '"' ? buf_add(b, "\"\"", 2) : buf_add(b, s + i, 1);
  return rc ? rc : buf_add(b, "\"", 1);
}

/* ---- Counting. ---- */

static void count_list(emb__batch_stats *s, const char *code, long long hits,
                       long long matches) {
  if (code == NULL || *code == '\0') code = "-";
  size_t i = 0;
  for (; i < s->n_lists; i++)
    if (strcmp(s->lists[i].code, code) == 0) break;
  if (i == s->n_lists) {
    if (s->n_lists == EMB__BATCH_LISTS) {
      i = EMB__BATCH_LISTS; /* the "other" slot */
      if (s->lists[i].code[0] == '\0')
        snprintf(s->lists[i].code, sizeof(s->lists[i].code), "other");
    } else {
      snprintf(s->lists[i].code, sizeof(s->lists[i].code), "%s", code);
      s->n_lists++;
    }
  }
  s->lists[i].hits += hits;
  s->lists[i].matches += matches;
}

static int hist_bin(double score) {
  int b = (int)(score * EMB__BATCH_HIST);
  return b < 0 ? 0 : b >= EMB__BATCH_HIST ? EMB__BATCH_HIST - 1 : b;
}

/* Adds the counts of chunk stats a to s. */
static void merge(emb__batch_stats *s, const emb__batch_stats *a) {
  s->rows += a->rows;
  s->screened += a->screened;
  s->errors += a->errors;
  s->rows_with_hits += a->rows_with_hits;
  s->rows_with_matches += a->rows_with_matches;
  s->hits += a->hits;
  s->matches += a->matches;
  for (int i = 0; i < EMB__BATCH_HIST; i++) {
    s->hist[i] += a->hist[i];
    s->hist_match[i] += a->hist_match[i];
  }
  for (int i = 0; i < 4; i++) s->outcomes[i] += a->outcomes[i];
  for (size_t i = 0; i <= EMB__BATCH_LISTS; i++)
    if (a->lists[i].code[0])
      count_list(s, a->lists[i].code, a->lists[i].hits, a->lists[i].matches);
  s->cache_hits += a->cache_hits;
  s->cache_misses += a->cache_misses;
}

/* ---- Chunks and the shared state. ---- */

typedef struct rowrec {
  long long row, line;
  size_t id, id_len, name, name_len, raw, raw_len, msg; /* offsets in data */
  char country[3];
  emb_status err;
} rowrec;

typedef struct chunk {
  long long seq;
  size_t n;
  rowrec rows[EMB__BATCH_CHUNK];
  buf data;      /* the rows' strings */
  buf out, errs; /* what the worker made of them */
  emb__batch_stats st;
  long long end_offset, end_line, end_row; /* where the next row starts */
  int done;
  struct chunk *next;
} chunk;

typedef struct run {
  const emb__batch_cfg *c;
  emb__rows *rows;
  const char *where; /* the input's name in messages */
  pthread_mutex_t mu;
  pthread_cond_t cv_work, cv_done, cv_space;
  chunk *q_head, *q_tail; /* waiting for a worker */
  chunk **ring;           /* by seq % ring_n, until written */
  size_t ring_n, inflight;
  chunk *free_list;
  long long next_seq, write_seq;
  int reader_done, read_error, stop, oom;
} run;

/* read_error and oom are set by any thread without the lock and read by
 * others: atomically. */
static void set_flag(int *f) {
  __atomic_store_n(f, 1, __ATOMIC_RELEASE);
}
static int get_flag(int *f) {
  return __atomic_load_n(f, __ATOMIC_ACQUIRE);
}

static void chunk_free(chunk *ch) {
  if (ch == NULL) return;
  free(ch->data.p);
  free(ch->out.p);
  free(ch->errs.p);
  free(ch);
}

/* Copies s[0..n) into the chunk's data; returns its offset. */
static size_t keep(chunk *ch, const char *s, size_t n, int *oom) {
  size_t off = ch->data.len;
  if (buf_add(&ch->data, s ? s : "", s ? n : 0) || buf_add(&ch->data, "", 1))
    *oom = 1;
  return off;
}

static void *reader_main(void *arg) {
  run *R = arg;
  const emb__batch_cfg *c = R->c;
  int eof = 0;
  while (!eof) {
    pthread_mutex_lock(&R->mu);
    while (R->inflight >= R->ring_n && !R->stop)
      pthread_cond_wait(&R->cv_space, &R->mu);
    if (R->stop) {
      pthread_mutex_unlock(&R->mu);
      break;
    }
    R->inflight++;
    chunk *ch = R->free_list;
    if (ch) R->free_list = ch->next;
    pthread_mutex_unlock(&R->mu);
    if (ch == NULL) ch = calloc(1, sizeof(*ch));
    int oom = ch == NULL;
    if (ch) {
      ch->n = 0;
      ch->data.len = ch->out.len = ch->errs.len = 0;
      memset(&ch->st, 0, sizeof(ch->st));
      ch->done = 0;
      ch->next = NULL;
    }
    while (!oom && ch->n < EMB__BATCH_CHUNK && ch->data.len < CHUNK_BYTES) {
      emb__row row;
      int rc = emb__rows_next(R->rows, &row);
      if (rc <= 0) {
        if (rc < 0) set_flag(&R->read_error);
        eof = 1;
        break;
      }
      rowrec *rr = &ch->rows[ch->n++];
      rr->row = row.row;
      rr->line = row.line;
      rr->err = row.err;
      rr->id = keep(ch, row.id, row.id_len, &oom);
      rr->id_len = row.id_len;
      rr->name = keep(ch, row.name, row.name_len, &oom);
      rr->name_len = row.name ? row.name_len : 0;
      int want_raw = c->check && row.err == EMB_OK;
      rr->raw = keep(ch, want_raw ? row.raw : NULL, row.raw_len, &oom);
      rr->raw_len = want_raw ? row.raw_len : 0;
      rr->msg =
          keep(ch, row.err_msg, row.err_msg ? strlen(row.err_msg) : 0, &oom);
      memset(rr->country, 0, sizeof(rr->country));
      if (row.country) memcpy(rr->country, row.country, 2);
      ch->end_offset = row.next_offset;
      ch->end_line = row.next_line;
      ch->end_row = row.row;
    }
    pthread_mutex_lock(&R->mu);
    if (oom) {
      set_flag(&R->oom);
      R->stop = 1;
      chunk_free(ch);
      R->inflight--;
      pthread_mutex_unlock(&R->mu);
      break;
    }
    if (ch->n == 0) {
      ch->next = R->free_list;
      R->free_list = ch;
      R->inflight--;
    } else {
      ch->seq = R->next_seq++;
      R->ring[ch->seq % (long long)R->ring_n] = ch;
      if (R->q_tail)
        R->q_tail->next = ch;
      else
        R->q_head = ch;
      R->q_tail = ch;
      pthread_cond_signal(&R->cv_work);
    }
    pthread_mutex_unlock(&R->mu);
  }
  pthread_mutex_lock(&R->mu);
  R->reader_done = 1;
  pthread_cond_broadcast(&R->cv_work);
  pthread_cond_broadcast(&R->cv_done);
  pthread_mutex_unlock(&R->mu);
  return NULL;
}

/* ---- Screening a chunk. ---- */

/* The screening results of names seen, shared by the workers: shards,
 * each an LRU under its own mutex, picked by the key's hash, so that two
 * threads rarely wait for each other and a name screened by one is found
 * by the others. */
#define SHARDS 64
typedef struct shared_cache {
  emb__lru *shard[SHARDS];
  pthread_mutex_t mu[SHARDS];
} shared_cache;

static void cache_free(shared_cache *sc) {
  if (sc == NULL) return;
  for (int i = 0; i < SHARDS; i++) {
    emb__lru_free(sc->shard[i]);
    pthread_mutex_destroy(&sc->mu[i]);
  }
  free(sc);
}

static shared_cache *cache_new(size_t entries) {
  shared_cache *sc = calloc(1, sizeof(*sc));
  if (sc == NULL) return NULL;
  size_t per = entries / SHARDS + 1;
  int ok = 1;
  for (int i = 0; i < SHARDS; i++) {
    sc->shard[i] = emb__lru_new(per, CACHE_BYTES / SHARDS);
    pthread_mutex_init(&sc->mu[i], NULL);
    ok &= sc->shard[i] != NULL;
  }
  if (!ok) {
    cache_free(sc);
    return NULL;
  }
  return sc;
}

typedef struct worker {
  run *R;
  pthread_t tid;
  shared_cache *cache; /* borrowed; or NULL */
  emb_check_cache *check_cache;
  buf key, val;
} worker;

/* A cached result: the hits' counts and the formatted hits. */
typedef struct hitrec {
  double score;
  const char *list; /* borrowed from the list set */
  int match;
} hitrec;

static void error_line(run *R, chunk *ch, const rowrec *rr, emb_status st,
                       const char *msg) {
  buf *e = &ch->errs;
  const char *id = ch->data.p + rr->id;
  char m[400];
  snprintf(m, sizeof(m), "%s line %lld: %s", R->where, rr->line, msg);
  int rc =
      buf_printf(e, "{\"line\":%lld,\"row\":%lld,\"id\":", rr->line, rr->row);
  rc |= buf_json(e, id, rr->id_len);
  rc |= buf_printf(
      e, ",\"error\":{\"code\":\"%s\",\"message\":", emb_status_name(st));
  rc |= buf_json(e, m, strlen(m));
  rc |= buf_str(e, "}}\n");
  if (rc) set_flag(&R->oom);
  ch->st.errors++;
}

/* Makes the cache value for a screening result: n, the hitrecs, then the
 * text (JSONL: the "hits" array; CSV: one line tail per hit). */
static int make_value(const emb__batch_cfg *c, const char *name, size_t nlen,
                      const emb_result *res, buf *v) {
  v->len = 0;
  size_t n = emb_result_count(res);
  if (buf_add(v, (const char *)&n, sizeof(n))) return -1;
  for (size_t i = 0; i < n; i++) {
    const emb_hit *h = emb_result_hit(res, i);
    hitrec hr = {h->score, h->entity ? h->entity->list : NULL, h->match};
    if (buf_add(v, (const char *)&hr, sizeof(hr))) return -1;
  }
  if (c->format == EMB__BATCH_JSONL) {
    json_t *j = emb__screen_json(name, nlen, res, c->threshold);
    char *s = j ? json_dumps(json_object_get(j, "hits"),
                             JSON_COMPACT | JSON_REAL_PRECISION(6) |
                                 JSON_PRESERVE_ORDER)
                : NULL;
    json_decref(j);
    if (s == NULL) return -1;
    int rc = buf_str(v, s);
    free(s);
    return rc;
  }
  for (size_t i = 0; i < n; i++) {
    const emb_hit *h = emb_result_hit(res, i);
    const char *eid = h->entity && h->entity->id ? h->entity->id : "";
    const char *list = h->entity && h->entity->list ? h->entity->list : "";
    const char *mn = h->matched_name ? h->matched_name : "";
    int rc = buf_csv(v, eid, strlen(eid));
    rc |= buf_add(v, ",", 1);
    rc |= buf_csv(v, list, strlen(list));
    rc |= buf_add(v, ",", 1);
    rc |= buf_csv(v, mn, strlen(mn));
    rc |= buf_printf(v, ",%.4f,%s\n", h->score, h->match ? "true" : "false");
    if (rc) return -1;
  }
  return 0;
}

/* Writes the output of one screened row from a cache value. */
static int emit_screen(const emb__batch_cfg *c, chunk *ch, const rowrec *rr,
                       const char *v, size_t vlen) {
  size_t n;
  memcpy(&n, v, sizeof(n));
  const char *text = v + sizeof(n) + n * sizeof(hitrec);
  size_t tlen = vlen - sizeof(n) - n * sizeof(hitrec);
  int any_match = 0;
  for (size_t i = 0; i < n; i++) {
    hitrec hr;
    memcpy(&hr, v + sizeof(n) + i * sizeof(hitrec), sizeof(hr));
    ch->st.hits++;
    ch->st.matches += hr.match != 0;
    any_match |= hr.match;
    ch->st.hist[hist_bin(hr.score)]++;
    if (hr.match) ch->st.hist_match[hist_bin(hr.score)]++;
    count_list(&ch->st, hr.list, 1, hr.match != 0);
  }
  ch->st.rows_with_hits += n > 0;
  ch->st.rows_with_matches += any_match != 0;
  const char *id = ch->data.p + rr->id, *name = ch->data.p + rr->name;
  buf *o = &ch->out;
  int rc = 0;
  if (c->format == EMB__BATCH_JSONL) {
    rc |= buf_str(o, "{\"id\":");
    rc |= buf_json(o, id, rr->id_len);
    rc |= buf_printf(o, ",\"row\":%lld,\"query\":", rr->row);
    rc |= buf_json(o, name, rr->name_len);
    rc |= buf_str(o, ",\"hits\":");
    rc |= buf_add(o, text, tlen);
    rc |= buf_str(o, "}\n");
    return rc;
  }
  /* CSV: one line per hit, or one with empty hit fields. */
  size_t start = o->len;
  rc |= buf_csv(o, id, rr->id_len);
  rc |= buf_printf(o, ",%lld,", rr->row);
  rc |= buf_csv(o, name, rr->name_len);
  rc |= buf_add(o, ",", 1);
  size_t plen = o->len - start;
  if (n == 0) return rc | buf_str(o, ",,,,\n");
  for (size_t i = 0; i < tlen && rc == 0;) {
    const char *nl = memchr(text + i, '\n', tlen - i);
    size_t e = nl ? (size_t)(nl - text) + 1 : tlen;
    /* The prefix is copied from o itself: make room first, so that it
     * does not move under the copy. */
    if (i > 0) {
      rc |= buf_reserve(o, plen);
      if (rc == 0) rc |= buf_add(o, o->p + start, plen);
    }
    rc |= buf_add(o, text + i, e - i);
    i = e;
  }
  return rc;
}

static void screen_row(worker *w, chunk *ch, const rowrec *rr) {
  run *R = w->R;
  const emb__batch_cfg *c = R->c;
  const char *name = ch->data.p + rr->name;
  /* The cache key: the name and the row's country (the other options are
   * the same for the whole run). */
  w->key.len = 0;
  if (buf_add(&w->key, name, rr->name_len) || buf_add(&w->key, "\x1f", 1) ||
      buf_add(&w->key, rr->country, strlen(rr->country))) {
    set_flag(&R->oom);
    return;
  }
  size_t vlen = 0;
  const char *v = NULL;
  size_t shard = 0;
  if (w->cache) {
    shard = emb__hash_bytes(w->key.p, w->key.len) % SHARDS;
    pthread_mutex_lock(&w->cache->mu[shard]);
    const char *cv =
        emb__lru_get(w->cache->shard[shard], w->key.p, w->key.len, &vlen);
    /* A copy: the entry may go as soon as the lock is released. */
    if (cv) {
      w->val.len = 0;
      if (buf_add(&w->val, cv, vlen) == 0) v = w->val.p;
    }
    pthread_mutex_unlock(&w->cache->mu[shard]);
  }
  if (v) {
    ch->st.cache_hits++;
  } else {
    ch->st.cache_misses++;
    emb_screen_opts so = c->so;
    so.country = rr->country[0] ? rr->country : NULL;
    emb_result *res = NULL;
    emb_status st = emb_screen(c->ix, name, rr->name_len, &so, &res);
    if (st != EMB_OK) {
      char m[120];
      snprintf(m, sizeof(m), "field 'name': %s%s", emb_strerror(st),
               st == EMB_ETOOBIG ? " (at most 1024 bytes)" : "");
      error_line(R, ch, rr, st, m);
      return;
    }
    int rc = make_value(c, name, rr->name_len, res, &w->val);
    emb_result_free(res);
    if (rc) {
      set_flag(&R->oom);
      return;
    }
    v = w->val.p;
    vlen = w->val.len;
    if (w->cache) {
      pthread_mutex_lock(&w->cache->mu[shard]);
      int rc2 =
          emb__lru_put(w->cache->shard[shard], w->key.p, w->key.len, v, vlen);
      pthread_mutex_unlock(&w->cache->mu[shard]);
      if (rc2) {
        set_flag(&R->oom);
        return;
      }
    }
  }
  ch->st.screened++;
  if (emit_screen(c, ch, rr, v, vlen)) set_flag(&R->oom);
}

static void check_row(worker *w, chunk *ch, const rowrec *rr) {
  run *R = w->R;
  const emb__batch_cfg *c = R->c;
  const char *raw = ch->data.p + rr->raw;
  size_t rlen = rr->raw_len;
  char *stripped = NULL;
  if (c->rows.id_column) {
    /* The id is not a transaction field: take it out before parsing. */
    json_t *j = json_loadb(raw, rlen, 0, NULL);
    if (j && json_is_object(j)) {
      json_object_del(j, c->rows.id_column);
      stripped = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    }
    json_decref(j);
    if (stripped) {
      raw = stripped;
      rlen = strlen(stripped);
    }
  }
  char err[300];
  emb_txn *t = NULL;
  emb_status st = emb_txn_parse(raw, rlen, err, sizeof(err), &t);
  free(stripped);
  if (st != EMB_OK) {
    error_line(R, ch, rr, st, err);
    return;
  }
  emb_check_opts o = {.as_of = c->as_of,
                      .cache = w->check_cache,
                      .regimes = c->regimes,
                      .n_regimes = c->n_regimes,
                      .ownership = c->ownership};
  emb_determination *d = NULL;
  st = emb_check_ex(c->rs, c->ix, t, &o, &d);
  emb_txn_free(t);
  char *s = NULL;
  if (st == EMB_OK) st = emb_determination_json(d, 0, &s);
  if (st != EMB_OK) {
    error_line(R, ch, rr, st, emb_strerror(st));
    emb_determination_free(d);
    return;
  }
  ch->st.screened++;
  emb_outcome oc = emb_determination_outcome(d);
  if (oc >= 0 && oc < 4) ch->st.outcomes[oc]++;
  int any_hit = 0, any_match = 0;
  for (size_t p = 0; p < emb_determination_party_count(d); p++) {
    const emb_party_screening *ps = emb_determination_party(d, p);
    for (size_t k = 0; k < ps->n_hits; k++) {
      const emb_party_hit *h = &ps->hits[k];
      any_hit = 1;
      any_match |= h->match;
      ch->st.hits++;
      ch->st.matches += h->match != 0;
      ch->st.hist[hist_bin(h->score)]++;
      if (h->match) ch->st.hist_match[hist_bin(h->score)]++;
      count_list(&ch->st, h->entity ? h->entity->list : NULL, 1, h->match != 0);
    }
  }
  ch->st.rows_with_hits += any_hit;
  ch->st.rows_with_matches += any_match;
  emb_determination_free(d);
  buf *out = &ch->out;
  int rc = buf_str(out, "{\"id\":");
  rc |= buf_json(out, ch->data.p + rr->id, rr->id_len);
  rc |= buf_printf(out, ",\"row\":%lld%s", rr->row, s[1] == '}' ? "" : ",");
  rc |= buf_str(out, s + 1);
  rc |= buf_add(out, "\n", 1);
  free(s);
  if (rc) set_flag(&R->oom);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  run *R = w->R;
  for (;;) {
    pthread_mutex_lock(&R->mu);
    while (R->q_head == NULL && !R->reader_done && !R->stop)
      pthread_cond_wait(&R->cv_work, &R->mu);
    chunk *ch = R->stop ? NULL : R->q_head;
    if (ch) {
      R->q_head = ch->next;
      if (R->q_head == NULL) R->q_tail = NULL;
    }
    pthread_mutex_unlock(&R->mu);
    if (ch == NULL) break;
    for (size_t i = 0; i < ch->n && !get_flag(&R->oom); i++) {
      const rowrec *rr = &ch->rows[i];
      ch->st.rows++;
      if (rr->err != EMB_OK)
        error_line(R, ch, rr, rr->err, ch->data.p + rr->msg);
      else if (R->c->check)
        check_row(w, ch, rr);
      else
        screen_row(w, ch, rr);
    }
    pthread_mutex_lock(&R->mu);
    ch->done = 1;
    if (get_flag(&R->oom)) R->stop = 1;
    pthread_cond_broadcast(&R->cv_done);
    pthread_mutex_unlock(&R->mu);
  }
  return NULL;
}

/* ---- Files: checkpoint, temporary output. ---- */

typedef struct files {
  FILE *out, *errs;
  char *tmp_path, *ckpt_path, *errs_path;
  int own_errs;
  char input_real[PATH_MAX];
  long long input_size;
  long long input_mtime_ns;
  long long input_ino;
  char hash[65];
} files;

static char *concat(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s%s", a, b);
  return s;
}

static int fsync_file(FILE *f) {
  if (fflush(f) != 0) return -1;
  return fsync(fileno(f));
}

/* fsyncs the directory holding path, so a rename in it is durable. */
static void fsync_dir(const char *path) {
  char dir[PATH_MAX];
  snprintf(dir, sizeof(dir), "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash == NULL)
    snprintf(dir, sizeof(dir), ".");
  else if (slash == dir)
    dir[1] = '\0';
  else
    *slash = '\0';
  int fd = open(dir, O_RDONLY);
  if (fd >= 0) {
    (void)fsync(fd);
    close(fd);
  }
}

static json_t *stats_json(const emb__batch_stats *s) {
  json_t *j = json_object();
  json_object_set_new(j, "rows", json_integer(s->rows));
  json_object_set_new(j, "screened", json_integer(s->screened));
  json_object_set_new(j, "errors", json_integer(s->errors));
  json_object_set_new(j, "rows_with_hits", json_integer(s->rows_with_hits));
  json_object_set_new(j, "rows_with_matches",
                      json_integer(s->rows_with_matches));
  json_object_set_new(j, "hits", json_integer(s->hits));
  json_object_set_new(j, "matches", json_integer(s->matches));
  json_t *h = json_array();
  for (int i = 0; i < EMB__BATCH_HIST; i++)
    json_array_append_new(h, json_integer(s->hist[i]));
  json_object_set_new(j, "hist", h);
  json_t *hm = json_array();
  for (int i = 0; i < EMB__BATCH_HIST; i++)
    json_array_append_new(hm, json_integer(s->hist_match[i]));
  json_object_set_new(j, "hist_match", hm);
  json_t *o = json_array();
  for (int i = 0; i < 4; i++)
    json_array_append_new(o, json_integer(s->outcomes[i]));
  json_object_set_new(j, "outcomes", o);
  json_t *l = json_object();
  for (size_t i = 0; i <= EMB__BATCH_LISTS; i++)
    if (s->lists[i].code[0])
      json_object_set_new(l, s->lists[i].code,
                          json_pack("[II]", (json_int_t)s->lists[i].hits,
                                    (json_int_t)s->lists[i].matches));
  json_object_set_new(j, "lists", l);
  return j;
}

static int stats_from_json(json_t *j, emb__batch_stats *s) {
  if (!json_is_object(j)) return -1;
  memset(s, 0, sizeof(*s));
  s->rows = json_integer_value(json_object_get(j, "rows"));
  s->screened = json_integer_value(json_object_get(j, "screened"));
  s->errors = json_integer_value(json_object_get(j, "errors"));
  s->rows_with_hits = json_integer_value(json_object_get(j, "rows_with_hits"));
  s->rows_with_matches =
      json_integer_value(json_object_get(j, "rows_with_matches"));
  s->hits = json_integer_value(json_object_get(j, "hits"));
  s->matches = json_integer_value(json_object_get(j, "matches"));
  json_t *h = json_object_get(j, "hist"), *o = json_object_get(j, "outcomes");
  json_t *hm = json_object_get(j, "hist_match");
  for (int i = 0; i < EMB__BATCH_HIST; i++) {
    s->hist[i] = json_integer_value(json_array_get(h, (size_t)i));
    s->hist_match[i] = json_integer_value(json_array_get(hm, (size_t)i));
  }
  for (int i = 0; i < 4; i++)
    s->outcomes[i] = json_integer_value(json_array_get(o, (size_t)i));
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(j, "lists"), k, v) {
    count_list(s, k, json_integer_value(json_array_get(v, 0)),
               json_integer_value(json_array_get(v, 1)));
  }
  return 0;
}

/* The progress a checkpoint records. */
typedef struct ckpt {
  long long rows, offset, line, out_len, errs_len;
} ckpt;

static int write_checkpoint(const files *F, const ckpt *k,
                            const emb__batch_stats *s) {
  if (fsync_file(F->out) || (F->own_errs && fsync_file(F->errs))) return -1;
  json_t *j = json_object();
  json_object_set_new(j, "version", json_integer(1));
  json_object_set_new(j, "input", json_string(F->input_real));
  json_object_set_new(j, "input_size", json_integer(F->input_size));
  json_object_set_new(j, "input_mtime_ns", json_integer(F->input_mtime_ns));
  json_object_set_new(j, "input_inode", json_integer(F->input_ino));
  json_object_set_new(j, "options_sha256", json_string(F->hash));
  json_object_set_new(j, "rows_done", json_integer(k->rows));
  json_object_set_new(j, "input_offset", json_integer(k->offset));
  json_object_set_new(j, "input_line", json_integer(k->line));
  json_object_set_new(j, "output_length", json_integer(k->out_len));
  json_object_set_new(j, "errors_length", json_integer(k->errs_len));
  json_object_set_new(j, "stats", stats_json(s));
  char *tmp = concat(F->ckpt_path, ".tmp");
  int rc = -1;
  FILE *f = tmp ? fopen(tmp, "wb") : NULL;
  if (f) {
    rc = json_dumpf(j, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (rc == 0) rc = fsync_file(f);
    if (fclose(f) != 0) rc = -1;
    if (rc == 0) rc = rename(tmp, F->ckpt_path);
    if (rc == 0) fsync_dir(F->ckpt_path);
  }
  free(tmp);
  json_decref(j);
  return rc;
}

/* The hash of everything that shapes the output: the options, the list
 * files' digests and, with check, the rule packs' and reference files'
 * digests (a rule edited between a kill and --resume must not mix two
 * rule versions in one output). */
static void options_hash(const emb__batch_cfg *c, char hex[65]) {
  emb__sha256 h;
  emb__sha256_init(&h);
  const char *k = c->options_key ? c->options_key : "";
  emb__sha256_update(&h, k, strlen(k) + 1);
  const emb_listset *ls = emb_index_listset(c->ix);
  for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
    const emb_source_info *s = emb_listset_source(ls, i);
    if (s->sha256) emb__sha256_update(&h, s->sha256, strlen(s->sha256) + 1);
  }
  for (size_t i = 0; c->check && c->rs && i < emb_ruleset_pack_count(c->rs);
       i++) {
    const char *s = emb_ruleset_pack(c->rs, i)->sha256;
    if (s) emb__sha256_update(&h, s, strlen(s) + 1);
  }
  for (size_t i = 0; c->check && c->rs && i < emb_ruleset_ref_count(c->rs);
       i++) {
    const char *s = emb_ruleset_ref(c->rs, i)->sha256;
    if (s) emb__sha256_update(&h, s, strlen(s) + 1);
  }
  unsigned char d[32];
  emb__sha256_final(&h, d);
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static int set_err(char *err, size_t errlen, const char *fmt, const char *a,
                   const char *b) {
  snprintf(err, errlen, fmt, a, b ? b : "");
  return 0;
}

/* Reads and checks OUTPUT.checkpoint for --resume. */
static emb_status load_checkpoint(const files *F, ckpt *k, emb__batch_stats *s,
                                  char *err, size_t errlen) {
  json_error_t je;
  json_t *j = json_load_file(F->ckpt_path, 0, &je);
  if (j == NULL) {
    set_err(err, errlen,
            "cannot resume: no readable checkpoint %s (%s); run without "
            "--resume to start over",
            F->ckpt_path, je.text);
    return EMB_ENOTFOUND;
  }
  emb_status st = EMB_OK;
  const char *in = json_string_value(json_object_get(j, "input"));
  const char *hash = json_string_value(json_object_get(j, "options_sha256"));
  if (in == NULL || strcmp(in, F->input_real) != 0 ||
      json_integer_value(json_object_get(j, "input_size")) != F->input_size ||
      json_integer_value(json_object_get(j, "input_mtime_ns")) !=
          F->input_mtime_ns ||
      json_integer_value(json_object_get(j, "input_inode")) != F->input_ino) {
    set_err(err, errlen,
            "cannot resume: the input is not the one of the interrupted run "
            "(%s: path, file, size or modification time changed)",
            F->ckpt_path, NULL);
    st = EMB_EINVAL;
  } else if (hash == NULL || strcmp(hash, F->hash) != 0) {
    set_err(err, errlen,
            "cannot resume: the options or the list data differ from the "
            "interrupted run's (%s)",
            F->ckpt_path, NULL);
    st = EMB_EINVAL;
  } else {
    k->rows = json_integer_value(json_object_get(j, "rows_done"));
    k->offset = json_integer_value(json_object_get(j, "input_offset"));
    k->line = json_integer_value(json_object_get(j, "input_line"));
    k->out_len = json_integer_value(json_object_get(j, "output_length"));
    k->errs_len = json_integer_value(json_object_get(j, "errors_length"));
    if (stats_from_json(json_object_get(j, "stats"), s) || k->rows < 0 ||
        k->offset < 0 || k->out_len < 0 || k->errs_len < 0 || k->line < 1) {
      set_err(err, errlen, "cannot resume: checkpoint %s is damaged",
              F->ckpt_path, NULL);
      st = EMB_EPARSE;
    }
  }
  json_decref(j);
  return st;
}

/* Opens f at path for update and cuts it to len bytes. */
static FILE *open_truncated(const char *path, long long len) {
  FILE *f = fopen(path, "r+b");
  if (f == NULL) return NULL;
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || sb.st_size < len ||
      ftruncate(fileno(f), (off_t)len) != 0 ||
      fseeko(f, (off_t)len, SEEK_SET) != 0) {
    fclose(f);
    return NULL;
  }
  return f;
}

static void files_close(files *F) {
  if (F->out && F->out != stdout) fclose(F->out);
  if (F->errs && F->own_errs) fclose(F->errs);
  free(F->tmp_path);
  free(F->ckpt_path);
  free(F->errs_path);
}

/* ---- Progress. ---- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(const run *R, long long rows, long long done_rows,
                     long long offset, long long size, double t0, int last) {
  double el = now() - t0;
  double rate = el > 0 ? (double)done_rows / el : 0;
  long long start = emb__rows_data_offset(R->rows);
  char eta[32] = "";
  if (size > start && offset >= start && !last) {
    double frac = (double)(offset - start) / (double)(size - start);
    double left = frac > 0.001 ? el / frac * (1 - frac) : -1;
    int bar = (int)(frac * 30);
    char b[31];
    for (int i = 0; i < 30; i++) b[i] = i < bar ? '#' : '.';
    b[30] = '\0';
    if (left >= 0)
      snprintf(eta, sizeof(eta), " ETA %d:%02d", (int)left / 60,
               (int)left % 60);
    fprintf(stderr, "\r[%s] %3d%% %lld rows %.0f rows/s%s   ", b,
            (int)(frac * 100), rows, rate, eta);
  } else {
    fprintf(stderr, "\r%lld rows %.0f rows/s   ", rows, rate);
  }
  if (last) fputc('\n', stderr);
  fflush(stderr);
}

/* ---- The run. ---- */

static emb_status open_files(const emb__batch_cfg *c, files *F, FILE *in,
                             ckpt *k, emb__batch_stats *s, char *err,
                             size_t errlen) {
  int to_stdout = strcmp(c->output, "-") == 0;
  if (to_stdout) {
    F->out = stdout;
  } else {
    F->tmp_path = concat(c->output, ".tmp");
    F->ckpt_path = concat(c->output, ".checkpoint");
    if (F->tmp_path == NULL || F->ckpt_path == NULL) return EMB_ENOMEM;
  }
  if (c->errors) {
    F->errs_path = strdup(c->errors);
  } else if (!to_stdout) {
    F->errs_path = concat(c->output, ".errors.jsonl");
  }
  if (F->errs_path == NULL && (c->errors || !to_stdout)) return EMB_ENOMEM;
  F->own_errs = F->errs_path != NULL;
  if (!to_stdout) {
    struct stat sb;
    if (fstat(fileno(in), &sb) != 0) return EMB_EIO;
    F->input_size = (long long)sb.st_size;
    F->input_mtime_ns =
        (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    /* The path as given, and the file's inode: a file replaced under the
     * same name is another input. */
    snprintf(F->input_real, sizeof(F->input_real), "%s", c->input);
    F->input_ino = (long long)sb.st_ino;
    options_hash(c, F->hash);
  }
  int resume = c->resume;
  if (resume && access(F->ckpt_path, F_OK) != 0 && errno == ENOENT) {
    /* Killed before its first checkpoint, or already complete: nothing
     * was committed, so start over. */
    resume = 0;
    s->started_over = 1;
  }
  if (resume) {
    emb_status st = load_checkpoint(F, k, s, err, errlen);
    if (st != EMB_OK) return st;
    F->out = open_truncated(F->tmp_path, k->out_len);
    F->errs = F->own_errs ? open_truncated(F->errs_path, k->errs_len) : stderr;
    if (F->out == NULL || F->errs == NULL) {
      set_err(err, errlen,
              "cannot resume: %s or the error file is missing or shorter "
              "than the checkpoint says (if OUTPUT exists, the interrupted "
              "run had finished: delete the checkpoint)",
              F->tmp_path, NULL);
      return EMB_EIO;
    }
    return EMB_OK;
  }
  if (!to_stdout) {
    F->out = fopen(F->tmp_path, "wb");
    if (F->out == NULL) {
      set_err(err, errlen, "cannot create %s: %s", F->tmp_path,
              strerror(errno));
      return EMB_EIO;
    }
    /* A checkpoint of an earlier run is no longer true. */
    unlink(F->ckpt_path);
  }
  F->errs = F->own_errs ? fopen(F->errs_path, "wb") : stderr;
  if (F->errs == NULL) {
    set_err(err, errlen, "cannot create %s: %s", F->errs_path, strerror(errno));
    return EMB_EIO;
  }
  return EMB_OK;
}

emb_status emb__batch_run(const emb__batch_cfg *c, emb__batch_stats *stats,
                          char *err, size_t errlen) {
  memset(stats, 0, sizeof(*stats));
  err[0] = '\0';
  double t0 = now();
  int from_stdin = strcmp(c->input, "-") == 0;
  FILE *in = from_stdin ? stdin : fopen(c->input, "rb");
  if (in == NULL) {
    set_err(err, errlen, "cannot open %s: %s", c->input, strerror(errno));
    return EMB_EIO;
  }
  files F = {0};
  ckpt k = {0};
  run R = {0};
  R.c = c;
  R.where = from_stdin ? "stdin" : c->input;
  emb_status st = EMB_OK;
  char rerr[400] = "";
  st = emb__rows_open(in, &c->rows, rerr, sizeof(rerr), &R.rows);
  if (st != EMB_OK) {
    set_err(err, errlen, "%s: %s", R.where, rerr);
    if (!from_stdin) fclose(in);
    return st;
  }
  st = open_files(c, &F, in, &k, stats, err, errlen);
  int resumed = st == EMB_OK && c->resume && !stats->started_over;
  if (resumed) {
    stats->resumed_at = k.rows;
    if (emb__rows_seek(R.rows, k.offset, k.rows, k.line) != EMB_OK) {
      set_err(err, errlen, "cannot resume: cannot seek in %s", c->input, NULL);
      st = EMB_EIO;
    }
  }
  if (st == EMB_OK && !resumed) {
    k.offset = emb__rows_data_offset(R.rows);
    k.line = 1;
    if (c->format == EMB__BATCH_CSV && !c->check)
      fputs("id,row,name,entity_id,list,matched_name,score,match\n", F.out);
  }
  if (st != EMB_OK) {
    files_close(&F);
    emb__rows_free(R.rows);
    if (!from_stdin) fclose(in);
    return st;
  }
  /* No setvbuf: the stream has been used already (setvbuf would be
   * undefined), and the output goes out in whole chunks, which stdio
   * writes through without copying. */

  size_t nthreads = c->threads;
  if (nthreads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    nthreads = n > 0 ? (size_t)n : 1;
  }
  if (nthreads > 256) nthreads = 256;
  stats->threads = nthreads;
  R.ring_n = 4 * nthreads + 4;
  R.ring = calloc(R.ring_n, sizeof(*R.ring));
  worker *W = calloc(nthreads, sizeof(*W));
  pthread_mutex_init(&R.mu, NULL);
  pthread_cond_init(&R.cv_work, NULL);
  pthread_cond_init(&R.cv_done, NULL);
  pthread_cond_init(&R.cv_space, NULL);
  size_t started = 0;
  shared_cache *cache = NULL;
  pthread_t reader;
  int reader_started = 0;
  if (R.ring && W) {
    size_t ce = c->cache_entries ? c->cache_entries : 131072;
    if (ce > 1 && !c->check) cache = cache_new(ce);
    for (size_t i = 0; i < nthreads; i++) {
      W[i].R = &R;
      W[i].cache = cache;
      if (c->check && emb_check_cache_new(16384, &W[i].check_cache) != EMB_OK)
        break;
      if (pthread_create(&W[i].tid, NULL, worker_main, &W[i]) != 0) break;
      started++;
    }
    reader_started =
        started > 0 && pthread_create(&reader, NULL, reader_main, &R) == 0;
  }
  if (!reader_started) {
    pthread_mutex_lock(&R.mu);
    R.stop = R.reader_done = 1;
    set_flag(&R.oom);
    pthread_cond_broadcast(&R.cv_work);
    pthread_mutex_unlock(&R.mu);
  }

  /* The writer. */
  emb__batch_stats *run_st = calloc(1, sizeof(*run_st));
  double last_ckpt = now(), last_prog = 0;
  double every = c->checkpoint_every > 0 ? c->checkpoint_every : 0.5;
  int write_failed = 0;
  long long out_len = k.out_len, errs_len = k.errs_len;
  if (!resumed) out_len = ftello(F.out) > 0 ? ftello(F.out) : 0;
  int to_stdout = F.out == stdout;
  int interrupted = 0;
  for (int written_since = 0;;) {
    pthread_mutex_lock(&R.mu);
    chunk *ch;
    for (;;) {
      ch = R.ring ? R.ring[R.write_seq % (long long)R.ring_n] : NULL;
      if (c->interrupted && *c->interrupted) {
        ch = NULL; /* stop before the next chunk */
        break;
      }
      if (ch && ch->seq == R.write_seq && ch->done) break;
      if ((R.reader_done && R.write_seq == R.next_seq) || R.stop) {
        ch = NULL;
        break;
      }
      /* A signal handler cannot wake a condition variable: look at the
       * interrupt flag a few times a second. */
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 200000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&R.cv_done, &R.mu, &until);
    }
    pthread_mutex_unlock(&R.mu);
    if (ch == NULL) {
      interrupted = c->interrupted && *c->interrupted &&
                    !(R.reader_done && R.write_seq == R.next_seq);
      break;
    }
    if (fwrite(ch->out.p ? ch->out.p : "", 1, ch->out.len, F.out) !=
            ch->out.len ||
        fwrite(ch->errs.p ? ch->errs.p : "", 1, ch->errs.len, F.errs) !=
            ch->errs.len)
      write_failed = 1;
    out_len += (long long)ch->out.len;
    errs_len += (long long)ch->errs.len;
    merge(stats, &ch->st);
    merge(run_st, &ch->st);
    k.rows = ch->end_row;
    k.offset = ch->end_offset;
    k.line = ch->end_line;
    written_since = 1;
    pthread_mutex_lock(&R.mu);
    R.ring[R.write_seq % (long long)R.ring_n] = NULL;
    ch->next = R.free_list;
    R.free_list = ch;
    R.inflight--;
    R.write_seq++;
    if (write_failed) R.stop = 1;
    pthread_cond_signal(&R.cv_space);
    pthread_mutex_unlock(&R.mu);
    if (write_failed) break;
    double t = now();
    if (!to_stdout && written_since && t - last_ckpt >= every) {
      k.out_len = out_len;
      k.errs_len = errs_len;
      if (write_checkpoint(&F, &k, stats)) {
        write_failed = 1;
        break;
      }
      last_ckpt = t;
      written_since = 0;
    }
    if (c->progress && t - last_prog >= 0.2) {
      progress(&R, stats->rows, run_st ? run_st->rows : 0, k.offset,
               F.input_size, t0, 0);
      last_prog = t;
    }
  }
  /* Interrupted: commit what was written, so that --resume goes on from
   * here. */
  if (interrupted && !to_stdout && !write_failed) {
    k.out_len = out_len;
    k.errs_len = errs_len;
    if (write_checkpoint(&F, &k, stats)) write_failed = 1;
  }
  /* On a failure, wake the reader (it may wait for room) and the workers
   * (they may wait for work) so that they see stop and end. */
  pthread_mutex_lock(&R.mu);
  if (write_failed || get_flag(&R.oom) || interrupted) R.stop = 1;
  pthread_cond_broadcast(&R.cv_space);
  pthread_cond_broadcast(&R.cv_work);
  pthread_mutex_unlock(&R.mu);
  if (reader_started) pthread_join(reader, NULL);
  for (size_t i = 0; i < started; i++) pthread_join(W[i].tid, NULL);
  if (c->progress && !write_failed)
    progress(&R, stats->rows, run_st ? run_st->rows : 0, k.offset, F.input_size,
             t0, 1);

  if (get_flag(&R.oom) || !run_st) {
    set_err(err, errlen, "out of memory", NULL, NULL);
    st = EMB_ENOMEM;
  } else if (get_flag(&R.read_error)) {
    snprintf(err, errlen, "%s: read error after line %lld", R.where, k.line);
    st = EMB_EIO;
  } else if (interrupted) {
    snprintf(err, errlen, "interrupted after row %lld%s", k.rows,
             to_stdout ? "" : "; run again with --resume to continue");
    st = EMB_EINTR;
  } else if (write_failed) {
    set_err(err, errlen, "cannot write %s: %s",
            to_stdout ? "the output" : F.tmp_path, strerror(errno));
    st = EMB_EIO;
  }
  /* Finish: flush, and make the output appear whole or not at all. */
  if (st == EMB_OK && to_stdout) {
    if (fflush(stdout) != 0) {
      set_err(err, errlen, "cannot write the output: %s", strerror(errno),
              NULL);
      st = EMB_EIO;
    }
    if (F.own_errs && fflush(F.errs) != 0) st = EMB_EIO;
  } else if (st == EMB_OK) {
    if (fsync_file(F.out) || (F.own_errs && fsync_file(F.errs))) {
      set_err(err, errlen, "cannot write %s: %s", F.tmp_path, strerror(errno));
      st = EMB_EIO;
    } else {
      fclose(F.out);
      F.out = NULL;
      if (rename(F.tmp_path, c->output) != 0) {
        set_err(err, errlen, "cannot rename %s to its final name: %s",
                F.tmp_path, strerror(errno));
        st = EMB_EIO;
      } else {
        fsync_dir(c->output);
        unlink(F.ckpt_path);
      }
    }
  }
  for (size_t i = 0; i < nthreads && W; i++) {
    emb_check_cache_free(W[i].check_cache);
    free(W[i].key.p);
    free(W[i].val.p);
  }
  while (R.free_list) {
    chunk *n = R.free_list->next;
    chunk_free(R.free_list);
    R.free_list = n;
  }
  for (size_t i = 0; R.ring && i < R.ring_n; i++) chunk_free(R.ring[i]);
  free(R.ring);
  free(W);
  cache_free(cache);
  free(run_st);
  pthread_mutex_destroy(&R.mu);
  pthread_cond_destroy(&R.cv_work);
  pthread_cond_destroy(&R.cv_done);
  pthread_cond_destroy(&R.cv_space);
  files_close(&F);
  emb__rows_free(R.rows);
  if (!from_stdin) fclose(in);
  stats->seconds = now() - t0;
  return st;
}
