/* Unit tests: the audit log (src/lib/audit): the row hash against an
 * independent computation, appends from several threads, verify on a
 * table of tamperings, decisions and the marks they put on hits, export
 * filters, limits, and files that are not audit logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* cmocka.h needs the standard headers above before it. */
/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include <pthread.h>
#include <sqlite3.h>

#include "../../src/lib/audit/annotate.h"
#include "../../src/lib/audit/audit_internal.h"
#include "embargo/embargo.h"

/* A fresh log path in a temporary directory; removed by rm_log. */
typedef struct tmplog {
  char dir[64];
  char path[128];
} tmplog;

static void mk_log(tmplog *t) {
  snprintf(t->dir, sizeof(t->dir), "/tmp/test_audit.XXXXXX");
  assert_non_null(mkdtemp(t->dir));
  snprintf(t->path, sizeof(t->path), "%s/audit.db", t->dir);
}

static void rm_log(tmplog *t) {
  const char *sfx[] = {"", "-wal", "-shm", ".copy", ".copy-wal", ".copy-shm"};
  char p[160];
  for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
    snprintf(p, sizeof(p), "%s%s", t->path, sfx[i]);
    unlink(p);
  }
  rmdir(t->dir);
}

static void exec_sql(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK) fprintf(stderr, "sql: %s: %s\n", sql, err);
  sqlite3_free(err);
  assert_int_equal(rc, SQLITE_OK);
  sqlite3_close(db);
}

static const char V1[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
static const char V2[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

/* Opens path, appends n rows of kind "screen" with result "r<i>". */
static void fill(const char *path, int n) {
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(path, NULL, &a), EMB_OK);
  for (int i = 1; i <= n; i++) {
    char req[64], res[64];
    snprintf(req, sizeof(req), "{\"name\":\"n%d\"}", i);
    snprintf(res, sizeof(res), "{\"r\":%d}", i);
    emb_audit_record r = {"screen", "cli:test", req, res, "lists:x", NULL};
    assert_int_equal(emb_audit_append(a, &r), EMB_OK);
  }
  assert_int_equal(emb_audit_flush(a), EMB_OK);
  emb_audit_close(a);
}

/* ---- The row hash. ---- */

static void test_hash_vector(void **state) {
  (void)state;
  /* The digest below was computed by an independent Python script
   * (hashlib) from the encoding docs/audit.md describes. */
  emb__audit_fields f = {7,
                         "2026-01-02T03:04:05.678Z",
                         "screen",
                         "cli:alice",
                         "{\"name\":\"SMIC\"}",
                         NULL,
                         "lists:0123456789abcdef",
                         "",
                         EMB__AUDIT_GENESIS};
  char h[65];
  emb__audit_hash(&f, h);
  assert_string_equal(
      h, "caa74586624c0ba928a65d5a6aedb7bfa2d7723a083d3ae31dbf64ec882e3118");
}

static void test_hash_unambiguous(void **state) {
  (void)state;
  /* Pairs of field sets that a naive concatenation would confuse. */
  static const struct {
    const char *a1, *a2, *b1, *b2;
  } cases[] = {
      {"ab", "c", "a", "bc"},
      {NULL, "x", "", "x"},
      {"", NULL, NULL, ""},
      {"a\x01", "b", "a",
       "\x01"
       "b"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    emb__audit_fields f = {1,    "t",         "k",
                           NULL, cases[i].a1, cases[i].a2,
                           NULL, NULL,        EMB__AUDIT_GENESIS};
    emb__audit_fields g = f;
    g.request = cases[i].b1;
    g.result = cases[i].b2;
    char h1[65], h2[65];
    emb__audit_hash(&f, h1);
    emb__audit_hash(&g, h2);
    if (strcmp(h1, h2) == 0) fail_msg("case %zu: same hash", i);
  }
  /* The seq is part of the hash. */
  emb__audit_fields f = {1, "t", "k", NULL, NULL, NULL, NULL, NULL, "p"};
  emb__audit_fields g = f;
  g.seq = 2;
  char h1[65], h2[65];
  emb__audit_hash(&f, h1);
  emb__audit_hash(&g, h2);
  assert_string_not_equal(h1, h2);
}

/* ---- Appending. ---- */

typedef struct worker {
  emb_audit *a;
  int id, n;
} worker;

static void *append_many(void *p) {
  worker *w = p;
  for (int i = 0; i < w->n; i++) {
    char req[64];
    snprintf(req, sizeof(req), "{\"t\":%d,\"i\":%d}", w->id, i);
    emb_audit_record r = {"screen", "k1", req, "{}", "lists:x", NULL};
    if (emb_audit_append(w->a, &r) != EMB_OK) return p;
  }
  return NULL;
}

typedef struct counter {
  int64_t rows, next_seq;
  int in_order;
} counter;

static int count_row(void *ud, const emb_audit_row *r) {
  counter *c = ud;
  c->rows++;
  if (r->seq != c->next_seq) c->in_order = 0;
  c->next_seq = r->seq + 1;
  return 0;
}

static void test_threads_and_batches(void **state) {
  (void)state;
  /* Small batches, a short flush and a small queue, so that appenders
   * block and many transactions are written. */
  static const emb_audit_opts cfgs[] = {
      {0, 0, 0, 0}, {1, 1, 4, 0}, {7, 5, 16, 0}, {512, 1000, 100000, 0}};
  for (size_t k = 0; k < sizeof(cfgs) / sizeof(cfgs[0]); k++) {
    tmplog t;
    mk_log(&t);
    emb_audit *a = NULL;
    assert_int_equal(emb_audit_open(t.path, &cfgs[k], &a), EMB_OK);
    enum { NT = 4, PER = 300 };
    pthread_t th[NT];
    worker w[NT];
    for (int i = 0; i < NT; i++) {
      w[i] = (worker){a, i, PER};
      assert_int_equal(pthread_create(&th[i], NULL, append_many, &w[i]), 0);
    }
    for (int i = 0; i < NT; i++) {
      void *ret;
      pthread_join(th[i], &ret);
      assert_null(ret);
    }
    assert_int_equal(emb_audit_flush(a), EMB_OK);
    assert_string_equal(emb_audit_last_error(a), "");
    counter c = {0, 1, 1};
    assert_int_equal(emb_audit_query(a, NULL, count_row, &c), EMB_OK);
    assert_int_equal(c.rows, NT * PER);
    assert_true(c.in_order);
    emb_audit_close(a);
    emb_audit_verify_report rep;
    assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
    assert_int_equal(rep.rows, NT * PER);
    int64_t seq;
    char hash[65];
    assert_int_equal(emb_audit_head(t.path, &seq, hash), EMB_OK);
    assert_int_equal(seq, NT * PER);
    rm_log(&t);
  }
}

/* A row is written within flush_ms without anyone flushing. */
static void test_flush_ms(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  emb_audit_opts o = {.batch_max = 1000, .flush_ms = 20};
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, &o, &a), EMB_OK);
  emb_audit_record r = {"screen", NULL, "{}", "{}", NULL, NULL};
  assert_int_equal(emb_audit_append(a, &r), EMB_OK);
  counter c = {0, 1, 1};
  for (int i = 0; i < 200 && c.rows == 0; i++) {
    nanosleep(&(struct timespec){0, 10000000L}, NULL);
    assert_int_equal(emb_audit_query(a, NULL, count_row, &c), EMB_OK);
  }
  assert_int_equal(c.rows, 1);
  emb_audit_close(a);
  rm_log(&t);
}

static void test_reopen_continues_chain(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  fill(t.path, 5);
  fill(t.path, 3); /* a second process/session on the same log */
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
  assert_int_equal(rep.rows, 8);
  rm_log(&t);
}

static void test_limits_and_args(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_OK);
  size_t n = EMB__AUDIT_MAX_FIELD + 1;
  char *big = malloc(n + 1);
  assert_non_null(big);
  memset(big, 'x', n);
  big[n] = '\0';
  emb_audit_record r = {"screen", NULL, big, NULL, NULL, NULL};
  assert_int_equal(emb_audit_append(a, &r), EMB_ETOOBIG);
  big[n - 1] = '\0'; /* exactly the limit is accepted */
  assert_int_equal(emb_audit_append(a, &r), EMB_OK);
  emb_audit_record nokind = {NULL, NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(emb_audit_append(a, &nokind), EMB_EINVAL);
  assert_int_equal(emb_audit_flush(a), EMB_OK);
  emb_audit_close(a);
  free(big);
  emb_audit_close(NULL);
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
  assert_int_equal(rep.rows, 1);
  rm_log(&t);
}

/* A read-only handle reads and exports, never writes or creates. */
static void test_read_only(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  emb_audit_opts ro = {.read_only = 1};
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, &ro, &a), EMB_EDB);
  assert_int_equal(access(t.path, F_OK), -1);
  fill(t.path, 3);
  assert_int_equal(emb_audit_open(t.path, &ro, &a), EMB_OK);
  counter c = {0, 1, 1};
  assert_int_equal(emb_audit_query(a, NULL, count_row, &c), EMB_OK);
  assert_int_equal(c.rows, 3);
  emb_audit_record r = {"screen", NULL, NULL, NULL, NULL, NULL};
  assert_int_equal(emb_audit_append(a, &r), EMB_EDB);
  assert_non_null(strstr(emb_audit_last_error(a), "read-only"));
  emb_decision d = {"SMIC", "EL:smic", V1,  EMB_DECISION_TRUE_MATCH,
                    "a",    NULL,      NULL};
  assert_int_equal(emb_audit_decide(a, &d), EMB_EDB);
  assert_int_equal(emb_audit_decision_find(a, "SMIC", "EL:smic", V1, NULL, NULL,
                                           0, NULL, 0, NULL, 0),
                   EMB_ENOTFOUND);
  emb_audit_close(a);
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
  assert_int_equal(rep.rows, 3);
  rm_log(&t);
}

/* ---- Files that are not audit logs. ---- */

static void test_not_a_log(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  FILE *f = fopen(t.path, "w");
  assert_non_null(f);
  fputs("this is not a database, just some text\n", f);
  fclose(f);
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_EDB);
  assert_null(a);
  assert_non_null(strstr(emb_audit_last_error(NULL), t.path));
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_EDB);
  unlink(t.path);
  exec_sql(t.path, "CREATE TABLE other(x)");
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_EDB);
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_EDB);
  unlink(t.path);
  /* verify never creates a file. */
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_EDB);
  assert_int_equal(access(t.path, F_OK), -1);
  rm_log(&t);
}

/* ---- Tampering. ---- */

static const struct tamper_case {
  const char *sql;
  int64_t bad_seq;
  const char *reason; /* a part of the reason */
} tamper_cases[] = {
    {"UPDATE events SET result='{\"r\":99}' WHERE seq=4", 4, "row 4: content"},
    {"UPDATE events SET time='2020-01-01T00:00:00.000Z' WHERE seq=1", 1,
     "row 1: content"},
    {"UPDATE events SET caller=NULL WHERE seq=9", 9, "row 9: content"},
    {"DELETE FROM events WHERE seq=5", 5, "row 5 missing"},
    {"DELETE FROM events WHERE seq IN (5,6)", 5, "rows 5 to 6 missing"},
    {"DELETE FROM events WHERE seq=1", 1, "row 1 missing"},
    /* Swap two rows' content (seq kept). */
    {"UPDATE events SET (time,kind,caller,request,result,lists,rules,"
     "prev_hash,hash)=(SELECT time,kind,caller,request,result,lists,rules,"
     "prev_hash,hash FROM events e WHERE e.seq=IIF(events.seq=3,6,3)) "
     "WHERE seq IN (3,6)",
     3, "row 3: content"},
    /* Renumber after a deletion, so that no gap shows. */
    {"DELETE FROM events WHERE seq=7; UPDATE events SET seq=seq-1 WHERE "
     "seq>7",
     7, "row 7: content"},
    /* Cut off the tail. */
    {"DELETE FROM events WHERE seq>=8", 8, "truncated"},
    /* Append a row the writer did not write. */
    {"INSERT INTO events SELECT seq+1,time,kind,caller,request,result,lists,"
     "rules,hash,hash FROM events WHERE seq=10",
     11, "row 11: content"},
    /* A row whose content and own hash were both rewritten. */
    {"UPDATE meta SET value='x' WHERE key='head_hash'", 10, "head"},
    {"UPDATE events SET request=CAST(request AS BLOB) WHERE seq=2", 2,
     "not text"},
    {"UPDATE events SET result=result||char(0)||'hidden' WHERE seq=2", 2,
     "NUL"},
};

static void test_tamper_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(tamper_cases) / sizeof(tamper_cases[0]); i++) {
    tmplog t;
    mk_log(&t);
    fill(t.path, 10);
    emb_audit_verify_report rep;
    assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
    exec_sql(t.path, tamper_cases[i].sql);
    emb_status st = emb_audit_verify(t.path, &rep);
    if (st != EMB_ETAMPER || rep.bad_seq != tamper_cases[i].bad_seq ||
        strstr(rep.reason, tamper_cases[i].reason) == NULL)
      fail_msg("case %zu (%s): status %d, bad_seq %lld, reason '%s'", i,
               tamper_cases[i].sql, (int)st, (long long)rep.bad_seq,
               rep.reason);
    rm_log(&t);
  }
}

/* A row rewritten with its own hash recomputed breaks the link of the
 * next row, and verify names the rewritten row. */
static void test_rewrite_with_rehash(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  fill(t.path, 6);
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
  sqlite3_stmt *q = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(db,
                         "SELECT time,kind,caller,request,lists,rules,"
                         "prev_hash FROM events WHERE seq=3",
                         -1, &q, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  const char *v[7];
  char *copy[7];
  for (int i = 0; i < 7; i++) {
    v[i] = (const char *)sqlite3_column_text(q, i);
    copy[i] = v[i] ? strdup(v[i]) : NULL;
  }
  sqlite3_finalize(q);
  emb__audit_fields f = {3,           copy[0], copy[1], copy[2], copy[3],
                         "{\"r\":0}", copy[4], copy[5], copy[6]};
  char h[65];
  emb__audit_hash(&f, h);
  char sql[256];
  snprintf(sql, sizeof(sql),
           "UPDATE events SET result='{\"r\":0}', hash='%s' WHERE seq=3", h);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  for (int i = 0; i < 7; i++) free(copy[i]);
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_ETAMPER);
  assert_int_equal(rep.bad_seq, 3);
  assert_non_null(strstr(rep.reason, "row 3 rewritten"));
  rm_log(&t);
}

/* After the tail is cut, the next append continues from the recorded
 * head, so the gap still shows. */
static void test_truncate_then_append(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  fill(t.path, 6);
  exec_sql(t.path, "DELETE FROM events WHERE seq>4");
  fill(t.path, 2);
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_ETAMPER);
  assert_int_equal(rep.bad_seq, 5);
  assert_non_null(strstr(rep.reason, "rows 5 to 6 missing"));
  rm_log(&t);
}

/* A head kept outside the log detects a rewrite of the whole chain,
 * which verify alone cannot. */
static void test_published_head(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  fill(t.path, 4);
  int64_t seq;
  char hash[65];
  assert_int_equal(emb_audit_head(t.path, &seq, hash), EMB_OK);
  assert_int_equal(seq, 4);
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify_head(t.path, seq, hash, &rep), EMB_OK);
  fill(t.path, 2); /* later rows do not matter */
  assert_int_equal(emb_audit_verify_head(t.path, seq, hash, &rep), EMB_OK);
  /* Rewrite the whole log: a fresh chain of different rows. */
  rm_log(&t);
  mk_log(&t);
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_OK);
  for (int i = 0; i < 6; i++) {
    emb_audit_record r = {"screen", "forger", "{}", "{}", NULL, NULL};
    assert_int_equal(emb_audit_append(a, &r), EMB_OK);
  }
  emb_audit_close(a);
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
  assert_int_equal(emb_audit_verify_head(t.path, seq, hash, &rep), EMB_ETAMPER);
  assert_int_equal(rep.bad_seq, 4);
  assert_non_null(strstr(rep.reason, "published head"));
  /* A log shorter than the published head. */
  assert_int_equal(emb_audit_verify_head(t.path, 9, hash, &rep), EMB_ETAMPER);
  assert_int_equal(rep.bad_seq, 7);
  assert_int_equal(emb_audit_verify_head(t.path, 0, hash, &rep), EMB_EINVAL);
  assert_int_equal(emb_audit_verify_head(t.path, 1, "abc", &rep), EMB_EINVAL);
  rm_log(&t);
}

/* ---- Decisions. ---- */

static void test_decision_names(void **state) {
  (void)state;
  emb_decision_kind k;
  assert_int_equal(emb_decision_parse("true_match", &k), EMB_OK);
  assert_int_equal(k, EMB_DECISION_TRUE_MATCH);
  assert_int_equal(emb_decision_parse("false_positive", &k), EMB_OK);
  assert_int_equal(k, EMB_DECISION_FALSE_POSITIVE);
  assert_int_equal(emb_decision_parse("FALSE_POSITIVE", &k), EMB_EINVAL);
  assert_int_equal(emb_decision_parse(NULL, &k), EMB_EINVAL);
  assert_string_equal(emb_decision_name(EMB_DECISION_TRUE_MATCH), "true_match");
  assert_null(emb_decision_name((emb_decision_kind)7));
}

static void test_query_key(void **state) {
  (void)state;
  static const struct {
    const char *in, *key;
  } cases[] = {
      {"SMIC", "smic"},
      {"  smic ", "smic"},
      {"Huawei Technologies Co., Ltd.", "huawei technology co ltd"},
      {"HUAWEI TECHNOLOGIES COMPANY LIMITED", "huawei technology co ltd"},
      {"Semiconductor Manufacturing Intl Corp",
       "semiconductor manufacturing international corp"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char key[512];
    assert_int_equal(emb__audit_query_key(cases[i].in, key, sizeof(key)),
                     EMB_OK);
    if (strcmp(key, cases[i].key) != 0)
      fail_msg("'%s' gave '%s', want '%s'", cases[i].in, key, cases[i].key);
  }
  char key[16];
  assert_int_equal(emb__audit_query_key("!!!", key, sizeof(key)), EMB_EINVAL);
  assert_int_equal(
      emb__audit_query_key("a very long name indeed", key, sizeof(key)),
      EMB_ETOOBIG);
}

static void test_decide_and_find(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_OK);
  emb_decision d = {
      "SMIC",  "EL:smic",  V1,         EMB_DECISION_FALSE_POSITIVE,
      "alice", "not them", "cli:alice"};
  assert_int_equal(emb_audit_decide(a, &d), EMB_OK);
  emb_decision_kind k = 0;
  char rb[32], nb[32], tb[32];
  /* Visible at once, under the engine's normalisation of the query. */
  assert_int_equal(
      emb_audit_decision_find(a, " smic", "EL:smic", V1, &k, rb, sizeof(rb), nb,
                              sizeof(nb), tb, sizeof(tb)),
      EMB_OK);
  assert_int_equal(k, EMB_DECISION_FALSE_POSITIVE);
  assert_string_equal(rb, "alice");
  assert_string_equal(nb, "not them");
  assert_int_equal(strlen(tb), 24);
  /* Another list version, entity or name: no decision. */
  static const struct {
    const char *q, *e, *v;
  } miss[] = {{"SMIC", "EL:smic", V2},
              {"SMIC", "EL:other", V1},
              {"SMIC Beijing", "EL:smic", V1}};
  for (size_t i = 0; i < sizeof(miss) / sizeof(miss[0]); i++)
    assert_int_equal(emb_audit_decision_find(a, miss[i].q, miss[i].e, miss[i].v,
                                             &k, NULL, 0, NULL, 0, NULL, 0),
                     EMB_ENOTFOUND);
  /* The latest decision wins. */
  d.kind = EMB_DECISION_TRUE_MATCH;
  d.reviewer = "bob";
  d.note = NULL;
  assert_int_equal(emb_audit_decide(a, &d), EMB_OK);
  assert_int_equal(emb_audit_decision_find(a, "smic", "EL:smic", V1, &k, rb,
                                           sizeof(rb), nb, sizeof(nb), NULL, 0),
                   EMB_OK);
  assert_int_equal(k, EMB_DECISION_TRUE_MATCH);
  assert_string_equal(rb, "bob");
  assert_string_equal(nb, "");
  /* Bad decisions. */
  emb_decision bad = d;
  bad.reviewer = "";
  assert_int_equal(emb_audit_decide(a, &bad), EMB_EINVAL);
  bad = d;
  bad.kind = (emb_decision_kind)9;
  assert_int_equal(emb_audit_decide(a, &bad), EMB_EINVAL);
  bad = d;
  bad.query = "...";
  assert_int_equal(emb_audit_decide(a, &bad), EMB_EINVAL);
  emb_audit_close(a);
  /* Decisions are chained rows too. */
  emb_audit_verify_report rep;
  assert_int_equal(emb_audit_verify(t.path, &rep), EMB_OK);
  assert_int_equal(rep.rows, 2);
  rm_log(&t);
}

/* ---- Annotating results. ---- */

static emb_listset *load_default(void) {
  const char *dir = emb_default_lists_dir();
  emb_listset *ls = NULL;
  assert_int_equal(emb_listset_load(&dir, 1, NULL, &ls), EMB_OK);
  return ls;
}

static void test_annotate(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  emb_listset *ls = load_default();
  const emb_entity *e = emb_listset_find(ls, "EL:smic");
  assert_non_null(e);
  const char *ver = emb_listset_source(ls, e->source_index)->sha256;
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_OK);
  emb_decision d = {"SMIC",  "EL:smic", ver, EMB_DECISION_FALSE_POSITIVE,
                    "alice", NULL,      NULL};
  assert_int_equal(emb_audit_decide(a, &d), EMB_OK);
  /* A decision on the same entity under another list version does not
   * mark the hit. */
  emb_decision old = {
      "SMIC", "EL:smic-beijing", V1, EMB_DECISION_FALSE_POSITIVE, "alice", NULL,
      NULL};
  assert_int_equal(emb_audit_decide(a, &old), EMB_OK);
  json_t *j = json_loads(
      "{\"query\":\"smic\",\"hits\":[{\"entity_id\":\"EL:smic\",\"list\":"
      "\"EL\",\"score\":1.0,\"match\":true,\"explain\":{}},{\"entity_id\":"
      "\"EL:smic-beijing\",\"list\":\"EL\",\"score\":0.9,\"match\":true}]}",
      0, NULL);
  assert_non_null(j);
  assert_ptr_equal(emb__audit_annotate(a, ls, "smic", j), j);
  json_t *h0 = json_array_get(json_object_get(j, "hits"), 0);
  json_t *h1 = json_array_get(json_object_get(j, "hits"), 1);
  assert_true(json_is_true(json_object_get(h0, "cleared")));
  assert_string_equal(json_string_value(json_object_get(
                          json_object_get(h0, "decision"), "reviewer")),
                      "alice");
  assert_null(json_object_get(h1, "decision"));
  assert_null(json_object_get(h1, "cleared"));
  /* The compact result keeps four fields per hit. */
  char *c = emb__audit_compact_result(j);
  assert_string_equal(c,
                      "{\"query\":\"smic\",\"hits\":[{\"entity_id\":\"EL:"
                      "smic\",\"list\":\"EL\",\"score\":1.0,\"match\":true},"
                      "{\"entity_id\":\"EL:smic-beijing\",\"list\":\"EL\","
                      "\"score\":0.9,\"match\":true}]}");
  free(c);
  json_decref(j);
  /* List versions: noted once per version. */
  char v1[80], v2[80];
  assert_int_equal(emb__audit_note_lists(a, ls, "cli", v1), EMB_OK);
  assert_int_equal(emb__audit_note_lists(a, ls, "cli", v2), EMB_OK);
  assert_string_equal(v1, v2);
  assert_int_equal(strlen(v1), 6 + 16);
  assert_memory_equal(v1, "lists:", 6);
  assert_int_equal(emb_audit_flush(a), EMB_OK);
  emb_audit_filter f = {.kind = "lists"};
  counter n = {0, 1, 1};
  assert_int_equal(emb_audit_query(a, &f, count_row, &n), EMB_OK);
  assert_int_equal(n.rows, 1);
  emb_audit_close(a);
  emb_listset_free(ls);
  rm_log(&t);
}

/* ---- Export. ---- */

static size_t count_lines(FILE *f) {
  rewind(f);
  size_t n = 0;
  int c;
  while ((c = getc(f)) != EOF) n += c == '\n';
  return n;
}

static void test_export(void **state) {
  (void)state;
  tmplog t;
  mk_log(&t);
  fill(t.path, 5);
  /* Rows of another day and kind, written by hand with a valid chain so
   * the filters have something to tell apart. */
  emb_audit *a = NULL;
  assert_int_equal(emb_audit_open(t.path, NULL, &a), EMB_OK);
  emb_audit_record r = {"check", "k", "{\"a\":\"x,y\\\"z\"}", "{}", NULL, NULL};
  assert_int_equal(emb_audit_append(a, &r), EMB_OK);
  assert_int_equal(emb_audit_flush(a), EMB_OK);
  exec_sql(t.path,
           "UPDATE events SET time='2001-01-01T00:00:00.000Z' WHERE seq=1");
  static const struct {
    emb_audit_filter f;
    const char *format;
    size_t lines;
    emb_status st;
  } cases[] = {
      {{0}, "jsonl", 6, EMB_OK},
      {{0}, "csv", 7, EMB_OK},
      {{.kind = "check"}, "jsonl", 1, EMB_OK},
      {{.since = "2001-01-02"}, "jsonl", 5, EMB_OK},
      {{.until = "2001-01-02"}, "csv", 2, EMB_OK},
      {{.until = "2001-01-01T00:00:00.000Z"}, "jsonl", 0, EMB_OK},
      {{.since = "2001-01-01T00:00Z", .until = "2001-01-01T00:01Z"},
       "jsonl",
       1,
       EMB_OK},
      {{.after_seq = 2, .limit = 2}, "jsonl", 2, EMB_OK},
      {{.since = "yesterday"}, "jsonl", 0, EMB_EINVAL},
      {{.until = "2001-13-01"}, "jsonl", 0, EMB_EINVAL},
      {{0}, "xml", 0, EMB_EINVAL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    FILE *out = tmpfile();
    assert_non_null(out);
    emb_status st = emb_audit_export(a, &cases[i].f, cases[i].format, out);
    size_t n = count_lines(out);
    fclose(out);
    if (st != cases[i].st || (st == EMB_OK && n != cases[i].lines))
      fail_msg("case %zu: status %d, %zu lines", i, (int)st, n);
  }
  /* The CSV quotes the JSON columns. */
  FILE *out = tmpfile();
  emb_audit_filter fk = {.kind = "check"};
  assert_int_equal(emb_audit_export(a, &fk, "csv", out), EMB_OK);
  rewind(out);
  char buf[512];
  size_t n = fread(buf, 1, sizeof(buf) - 1, out);
  buf[n] = '\0';
  fclose(out);
  assert_non_null(strstr(buf, ",\"{\"\"a\"\":\"\"x,y\\\"\"z\"\"}\","));
  emb_audit_close(a);
  rm_log(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hash_vector),
      cmocka_unit_test(test_hash_unambiguous),
      cmocka_unit_test(test_threads_and_batches),
      cmocka_unit_test(test_flush_ms),
      cmocka_unit_test(test_reopen_continues_chain),
      cmocka_unit_test(test_limits_and_args),
      cmocka_unit_test(test_read_only),
      cmocka_unit_test(test_not_a_log),
      cmocka_unit_test(test_tamper_table),
      cmocka_unit_test(test_rewrite_with_rehash),
      cmocka_unit_test(test_truncate_then_append),
      cmocka_unit_test(test_published_head),
      cmocka_unit_test(test_decision_names),
      cmocka_unit_test(test_query_key),
      cmocka_unit_test(test_decide_and_find),
      cmocka_unit_test(test_annotate),
      cmocka_unit_test(test_export),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  emb_cleanup();
  return rc;
}
