/* The audit log's hash chain: the row hash and emb_audit_verify.
 *
 * DESIGN: a row's hash is SHA-256 over an unambiguous encoding of its
 * fields and the previous row's hash (docs/audit.md "Hash"): a version tag,
 * the seq as 8 bytes big-endian, then each text field as one byte 0
 * (absent) or 1 followed by its length as 8 bytes big-endian and its bytes.
 * No two different rows encode alike, whatever bytes the fields hold.
 * verify reads the chain in one read transaction (a consistent snapshot,
 * while another process appends) and stops at the first row that fails.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../common/sha256.h"
#include "audit_internal.h"

static void put_u64(emb__sha256 *c, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; i++) b[i] = (unsigned char)(v >> (56 - 8 * i));
  emb__sha256_update(c, b, 8);
}

static void put_field(emb__sha256 *c, const char *s) {
  unsigned char tag = s ? 1 : 0;
  emb__sha256_update(c, &tag, 1);
  if (s == NULL) return;
  size_t n = strlen(s);
  put_u64(c, n);
  emb__sha256_update(c, s, n);
}

void emb__audit_hash(const emb__audit_fields *f, char hex[65]) {
  static const char tag[] = "embargo-audit-1\n";
  emb__sha256 c;
  emb__sha256_init(&c);
  emb__sha256_update(&c, tag, sizeof(tag) - 1);
  put_u64(&c, (uint64_t)f->seq);
  const char *fields[] = {f->time,   f->kind,  f->caller, f->request,
                          f->result, f->lists, f->rules,  f->prev_hash};
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    put_field(&c, fields[i]);
  unsigned char d[32];
  emb__sha256_final(&c, d);
  static const char hx[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) {
    hex[2 * i] = hx[d[i] >> 4];
    hex[2 * i + 1] = hx[d[i] & 15];
  }
  hex[64] = '\0';
}

void emb__audit_now(char out[32]) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

static emb_status tamper(emb_audit_verify_report *rep, int64_t seq,
                         const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rep->reason, sizeof(rep->reason), fmt, ap);
  va_end(ap);
  rep->bad_seq = seq;
  return EMB_ETAMPER;
}

static const char *const col_names[] = {"time",    "kind",      "caller",
                                        "request", "result",    "lists",
                                        "rules",   "prev_hash", "hash"};

/* Checks one row's own hash and its link to the previous row. */
static emb_status check_row(sqlite3_stmt *q, int64_t seq, const char *prev,
                            emb_audit_verify_report *rep) {
  const char *v[9];
  for (int i = 0; i < 9; i++) {
    int type = sqlite3_column_type(q, i + 1);
    v[i] = (const char *)sqlite3_column_text(q, i + 1);
    if (type != SQLITE_TEXT && type != SQLITE_NULL)
      return tamper(rep, seq, "row %lld: field %s is not text (edited)",
                    (long long)seq, col_names[i]);
    if (v[i] && strlen(v[i]) != (size_t)sqlite3_column_bytes(q, i + 1))
      return tamper(rep, seq, "row %lld: field %s holds a NUL byte (edited)",
                    (long long)seq, col_names[i]);
  }
  if (v[7] == NULL || v[8] == NULL)
    return tamper(rep, seq, "row %lld: hash missing (edited)", (long long)seq);
  emb__audit_fields f = {seq, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
  char h[65];
  emb__audit_hash(&f, h);
  if (strcmp(h, v[8]) != 0)
    return tamper(rep, seq,
                  "row %lld: content hash mismatch (edited, or moved from "
                  "another position)",
                  (long long)seq);
  if (strcmp(v[7], prev) != 0) {
    if (seq == 1)
      return tamper(rep, 1,
                    "row 1: prev_hash is not the genesis value "
                    "(rows inserted or removed before it)");
    return tamper(rep, seq - 1,
                  "row %lld: its hash is not the prev_hash row %lld records "
                  "(row %lld rewritten, or row %lld re-chained)",
                  (long long)(seq - 1), (long long)seq, (long long)(seq - 1),
                  (long long)seq);
  }
  return EMB_OK;
}

/* Walks the chain in an open read transaction. */
/* A head published earlier: row seq must still have hash. */
typedef struct anchor {
  int64_t seq;
  const char *hash;
} anchor;

static emb_status walk(sqlite3 *db, const anchor *an,
                       emb_audit_verify_report *rep, char *err, size_t errlen) {
  sqlite3_stmt *q = NULL;
  int64_t head_seq = -1;
  char head_hash[65] = "";
  if (sqlite3_prepare_v2(db,
                         "SELECT (SELECT value FROM meta WHERE key="
                         "'head_seq'), (SELECT value FROM meta WHERE key="
                         "'head_hash')",
                         -1, &q, NULL) != SQLITE_OK ||
      sqlite3_step(q) != SQLITE_ROW) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return EMB_EDB;
  }
  if (sqlite3_column_text(q, 0))
    head_seq = strtoll((const char *)sqlite3_column_text(q, 0), NULL, 10);
  if (sqlite3_column_text(q, 1))
    snprintf(head_hash, sizeof(head_hash), "%s",
             (const char *)sqlite3_column_text(q, 1));
  sqlite3_finalize(q);
  if (sqlite3_prepare_v2(db,
                         "SELECT seq, time, kind, caller, request, result, "
                         "lists, rules, prev_hash, hash FROM events ORDER "
                         "BY seq",
                         -1, &q, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    return EMB_EDB;
  }
  char prev[65] = EMB__AUDIT_GENESIS;
  int64_t expect = 1;
  emb_status st = EMB_OK;
  int rc;
  while (st == EMB_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(q, 0);
    rep->rows++;
    if (seq != expect) {
      if (expect + 1 == seq)
        st = tamper(rep, expect,
                    "row %lld missing (deleted); the chain goes on at row "
                    "%lld",
                    (long long)expect, (long long)seq);
      else
        st = tamper(rep, expect,
                    "rows %lld to %lld missing (deleted); the chain goes on "
                    "at row %lld",
                    (long long)expect, (long long)(seq - 1), (long long)seq);
      break;
    }
    st = check_row(q, seq, prev, rep);
    if (st != EMB_OK) break;
    snprintf(prev, sizeof(prev), "%s", (const char *)sqlite3_column_text(q, 9));
    if (an && seq == an->seq && strcmp(prev, an->hash) != 0) {
      st = tamper(rep, seq,
                  "row %lld: hash differs from the published head (the "
                  "chain was rewritten up to here)",
                  (long long)seq);
      break;
    }
    expect++;
  }
  if (st == EMB_OK && rc != SQLITE_DONE) {
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    st = EMB_EDB;
  }
  sqlite3_finalize(q);
  if (st != EMB_OK) return st;
  int64_t last = expect - 1;
  if (an && an->seq == last + 1)
    return tamper(rep, last + 1,
                  "row %lld missing: the log ends before the published "
                  "head (row %lld)",
                  (long long)(last + 1), (long long)an->seq);
  if (an && an->seq > last)
    return tamper(rep, last + 1,
                  "rows %lld to %lld missing: the log ends before the "
                  "published head (row %lld)",
                  (long long)(last + 1), (long long)an->seq,
                  (long long)an->seq);
  if (head_seq > last)
    return tamper(rep, last + 1,
                  "rows %lld to %lld missing: the log ends at row %lld but "
                  "its head records row %lld (truncated)",
                  (long long)(last + 1), (long long)head_seq, (long long)last,
                  (long long)head_seq);
  if (head_seq < last)
    return tamper(rep, head_seq + 1,
                  "row %lld: after the recorded head (row %lld): appended "
                  "outside embargo, or the head was rewritten",
                  (long long)(head_seq + 1), (long long)head_seq);
  if (strcmp(head_hash, prev) != 0)
    return tamper(rep, last,
                  "row %lld: its hash is not the one the head records "
                  "(rewritten)",
                  (long long)last);
  return EMB_OK;
}

/* The first seq that sql (one integer column) gives, 0 when none, -1 on
 * error. */
static int64_t first_seq(sqlite3 *db, const char *sql) {
  sqlite3_stmt *q = NULL;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
    int rc = sqlite3_step(q);
    v = rc == SQLITE_ROW    ? sqlite3_column_int64(q, 0)
        : rc == SQLITE_DONE ? 0
                            : -1;
  }
  sqlite3_finalize(q);
  return v;
}

/* The decisions index against the chain: every entry must agree with its
 * chained row, and every chained decision must have its entry. */
static emb_status check_decisions(sqlite3 *db, emb_audit_verify_report *rep,
                                  char *err, size_t errlen) {
  int64_t bad =
      first_seq(db,
                "SELECT seq FROM decisions WHERE id NOT IN (SELECT "
                "d.id" EMB__AUDIT_TRUSTED_DECISIONS ") ORDER BY seq LIMIT 1");
  if (bad > 0)
    return tamper(rep, bad,
                  "row %lld: its entry in the decisions index does not "
                  "match the chained decision (edited or inserted)",
                  (long long)bad);
  int64_t gone = bad < 0 ? -1
                         : first_seq(db,
                                     "SELECT seq FROM events WHERE kind = "
                                     "'decision' AND seq NOT IN (SELECT "
                                     "d.seq" EMB__AUDIT_TRUSTED_DECISIONS
                                     ") ORDER BY seq LIMIT 1");
  if (gone > 0)
    return tamper(rep, gone,
                  "row %lld: the decision has no entry in the decisions "
                  "index (deleted)",
                  (long long)gone);
  if (bad < 0 || gone < 0) {
    snprintf(err, errlen, "cannot read the decisions: %s", sqlite3_errmsg(db));
    return EMB_EDB;
  }
  return EMB_OK;
}

static emb_status verify(const char *path, const anchor *an,
                         emb_audit_verify_report *rep) {
  if (path == NULL || rep == NULL) return EMB_EINVAL;
  memset(rep, 0, sizeof(*rep));
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK) {
    snprintf(rep->reason, sizeof(rep->reason), "%s: cannot open: %s", path,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return EMB_EDB;
  }
  sqlite3_busy_timeout(db, 10000);
  char err[200] = "";
  emb_status st = emb__audit_schema(db, 0, err, sizeof(err));
  if (st == EMB_OK) {
    st = walk(db, an, rep, err, sizeof(err));
    if (st == EMB_OK) st = check_decisions(db, rep, err, sizeof(err));
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  }
  if (st == EMB_EDB)
    snprintf(rep->reason, sizeof(rep->reason), "%s: %s", path, err);
  sqlite3_close(db);
  return st;
}

emb_status emb_audit_verify(const char *path, emb_audit_verify_report *rep) {
  return verify(path, NULL, rep);
}

emb_status emb_audit_verify_head(const char *path, int64_t seq,
                                 const char *hash,
                                 emb_audit_verify_report *rep) {
  if (seq < 1 || hash == NULL || strlen(hash) != 64 ||
      strspn(hash, "0123456789abcdef") != 64)
    return EMB_EINVAL;
  anchor an = {seq, hash};
  return verify(path, &an, rep);
}

emb_status emb_audit_head(const char *path, int64_t *seq, char hash[65]) {
  if (path == NULL || seq == NULL || hash == NULL) return EMB_EINVAL;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return EMB_EDB;
  }
  sqlite3_busy_timeout(db, 10000);
  char err[200];
  emb_status st = emb__audit_schema(db, 0, err, sizeof(err));
  sqlite3_stmt *q = NULL;
  if (st == EMB_OK) {
    st = EMB_EDB;
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT value FROM meta WHERE key="
                           "'head_seq'), (SELECT value FROM meta WHERE "
                           "key='head_hash')",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0) &&
        sqlite3_column_bytes(q, 1) == 64) {
      *seq = strtoll((const char *)sqlite3_column_text(q, 0), NULL, 10);
      memcpy(hash, sqlite3_column_text(q, 1), 64);
      hash[64] = '\0';
      st = EMB_OK;
    }
    sqlite3_finalize(q);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  }
  sqlite3_close(db);
  return st;
}
