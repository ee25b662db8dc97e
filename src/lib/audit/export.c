/* Reading the audit log back: emb_audit_query and the examiners' export.
 *
 * Each call opens its own read connection, so a long export neither waits
 * for nor holds up the writer (WAL readers see a snapshot) or the decision
 * lookups on the handle's shared reader.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit_internal.h"

/* YYYY-MM-DD, optionally THH:MM[:SS[.fff]] and a final Z. */
int emb__audit_valid_time(const char *s) {
  static const char pat[] = "dddd-dd-ddTdd:dd:dd.ddd";
  size_t n = strlen(s);
  if (n && s[n - 1] == 'Z') n--;
  if (n != 10 && n != 16 && n != 19 && (n < 21 || n > 23)) return 0;
  for (size_t i = 0; i < n; i++) {
    if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
      return 0;
  }
  int mo = (s[5] - '0') * 10 + (s[6] - '0');
  int d = (s[8] - '0') * 10 + (s[9] - '0');
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
}

emb_status emb_audit_query(emb_audit *a, const emb_audit_filter *f,
                           emb_audit_row_fn fn, void *ud) {
  if (a == NULL || fn == NULL) return EMB_EINVAL;
  emb_audit_filter none = {0};
  if (f == NULL) f = &none;
  if ((f->since && !emb__audit_valid_time(f->since)) ||
      (f->until && !emb__audit_valid_time(f->until)))
    return EMB_EINVAL;
  char sql[512];
  int n = snprintf(sql, sizeof(sql),
                   "SELECT seq, time, kind, caller, request, result, lists, "
                   "rules, prev_hash, hash FROM events WHERE seq > ?4%s%s%s "
                   "ORDER BY seq LIMIT ?5",
                   f->since ? " AND time >= ?1" : "",
                   f->until ? " AND time < ?2" : "",
                   f->kind ? " AND kind = ?3" : "");
  if (n < 0 || (size_t)n >= sizeof(sql)) return EMB_EINVAL;
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(a->path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return EMB_EDB;
  }
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt *q = NULL;
  emb_status st = EMB_EDB;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) goto done;
  /* Stored times all end in ".mmmZ"; a bound without its final Z
   * compares as text the way the times compare in time. */
  if (f->since)
    sqlite3_bind_text(q, 1, f->since, (int)strcspn(f->since, "Z"),
                      SQLITE_STATIC);
  if (f->until)
    sqlite3_bind_text(q, 2, f->until, (int)strcspn(f->until, "Z"),
                      SQLITE_STATIC);
  if (f->kind) sqlite3_bind_text(q, 3, f->kind, -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, 4, f->after_seq);
  sqlite3_bind_int64(q, 5, f->limit ? (sqlite3_int64)f->limit : -1);
  int rc;
  st = EMB_OK;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    emb_audit_row r;
    r.seq = sqlite3_column_int64(q, 0);
    const char **v[9] = {&r.time,    &r.kind,      &r.caller,
                         &r.request, &r.result,    &r.lists,
                         &r.rules,   &r.prev_hash, &r.hash};
    for (int i = 0; i < 9; i++)
      *v[i] = (const char *)sqlite3_column_text(q, i + 1);
    if (fn(ud, &r)) {
      st = EMB_EINTR;
      break;
    }
  }
  if (st == EMB_OK && rc != SQLITE_DONE) st = EMB_EDB;
done:
  sqlite3_finalize(q);
  sqlite3_close(db);
  return st;
}

typedef struct export_ctx {
  FILE *out;
  int csv;
} export_ctx;

static void csv_field(FILE *o, const char *s) {
  if (s == NULL) return;
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, o);
    return;
  }
  putc('"', o);
  for (; *s; s++) {
    if (*s == '"') putc('"', o);
    putc(*s, o);
  }
  putc('"', o);
}

/* A JSON column embedded as JSON when it parses, else as a string (the
 * list version ids "lists:…" are plain strings). */
static json_t *embed(const char *s) {
  if (s == NULL) return json_null();
  if (s[0] == '{' || s[0] == '[') {
    json_t *j = json_loads(s, JSON_DECODE_ANY, NULL);
    if (j) return j;
  }
  json_t *j = json_string(s);
  return j ? j : json_null();
}

static json_t *str_or_null(const char *s) {
  json_t *j = s ? json_string(s) : NULL;
  return j ? j : json_null();
}

static int export_row(void *ud, const emb_audit_row *r) {
  export_ctx *c = ud;
  if (c->csv) {
    fprintf(c->out, "%lld,", (long long)r->seq);
    const char *v[9] = {r->time,  r->kind,  r->caller,    r->request, r->result,
                        r->lists, r->rules, r->prev_hash, r->hash};
    for (int i = 0; i < 9; i++) {
      csv_field(c->out, v[i]);
      fputs(i < 8 ? "," : "\r\n", c->out);
    }
    return ferror(c->out) ? 1 : 0;
  }
  json_t *j = json_object();
  json_object_set_new(j, "seq", json_integer(r->seq));
  json_object_set_new(j, "time", str_or_null(r->time));
  json_object_set_new(j, "kind", str_or_null(r->kind));
  json_object_set_new(j, "caller", str_or_null(r->caller));
  json_object_set_new(j, "request", embed(r->request));
  json_object_set_new(j, "result", embed(r->result));
  json_object_set_new(j, "lists", embed(r->lists));
  json_object_set_new(j, "rules", embed(r->rules));
  json_object_set_new(j, "prev_hash", str_or_null(r->prev_hash));
  json_object_set_new(j, "hash", str_or_null(r->hash));
  int rc = json_dumpf(j, c->out, EMB__AUDIT_JSON);
  json_decref(j);
  putc('\n', c->out);
  return rc != 0 || ferror(c->out);
}

emb_status emb_audit_export(emb_audit *a, const emb_audit_filter *f,
                            const char *format, FILE *out) {
  if (a == NULL || out == NULL) return EMB_EINVAL;
  export_ctx c = {out, 0};
  if (format == NULL || strcmp(format, "jsonl") == 0)
    c.csv = 0;
  else if (strcmp(format, "csv") == 0)
    c.csv = 1;
  else
    return EMB_EINVAL;
  if (c.csv)
    fputs("seq,time,kind,caller,request,result,lists,rules,prev_hash,hash\r\n",
          out);
  emb_status st = emb_audit_query(a, f, export_row, &c);
  if (st == EMB_EINTR) st = EMB_EIO; /* only a write error stops the walk */
  if (st == EMB_OK && fflush(out) != 0) st = EMB_EIO;
  return st;
}
