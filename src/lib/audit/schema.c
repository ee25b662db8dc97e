/* The audit log's schema: created in an empty database, checked in an
 * existing one (docs/audit.md "Schema"). */
#include <stdio.h>
#include <string.h>

#include "audit_internal.h"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE events(seq INTEGER PRIMARY KEY, time TEXT NOT NULL,"
    " kind TEXT NOT NULL, caller TEXT, request TEXT, result TEXT,"
    " lists TEXT, rules TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
    "CREATE INDEX events_time ON events(time);"
    "CREATE INDEX events_version ON events(kind, lists, rules)"
    " WHERE kind IN ('lists', 'rules');"
    "CREATE TABLE decisions(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL,"
    " query_key TEXT NOT NULL, entity_id TEXT NOT NULL,"
    " list_version TEXT NOT NULL, decision TEXT NOT NULL,"
    " reviewer TEXT NOT NULL, note TEXT, time TEXT NOT NULL);"
    "CREATE INDEX decisions_key ON decisions(query_key, entity_id,"
    " list_version);"
    "INSERT INTO meta(key, value) VALUES('format', '" EMB__AUDIT_FORMAT
    "'),"
    " ('head_seq', '0'), ('head_hash', '" EMB__AUDIT_GENESIS "');";

/* Runs a query that gives one integer; -1 on error. */
static long long scalar(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static emb_status check_format(sqlite3 *db, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  emb_status rc = EMB_EDB;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='format'", -1,
                         &st, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "not an embargo audit log: %s", sqlite3_errmsg(db));
  } else if (sqlite3_step(st) != SQLITE_ROW ||
             sqlite3_column_text(st, 0) == NULL) {
    snprintf(err, errlen, "not an embargo audit log: meta has no format");
  } else if (strcmp((const char *)sqlite3_column_text(st, 0),
                    EMB__AUDIT_FORMAT) != 0) {
    snprintf(err, errlen, "unsupported audit log format '%.64s' (want %s)",
             (const char *)sqlite3_column_text(st, 0), EMB__AUDIT_FORMAT);
  } else if (scalar(db,
                    "SELECT count(*) FROM sqlite_master WHERE type="
                    "'table' AND name IN ('events','decisions')") != 2) {
    snprintf(err, errlen, "not an embargo audit log: tables missing");
  } else {
    rc = EMB_OK;
  }
  sqlite3_finalize(st);
  return rc;
}

emb_status emb__audit_schema(sqlite3 *db, int create, char *err,
                             size_t errlen) {
  /* IMMEDIATE, so two processes creating one log do not both create. */
  if (sqlite3_exec(db, create ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL,
                   NULL) != SQLITE_OK) {
    snprintf(err, errlen, "not an embargo audit log: %s", sqlite3_errmsg(db));
    return EMB_EDB;
  }
  emb_status rc = EMB_EDB;
  long long has_meta =
      scalar(db,
             "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
             "name='meta'");
  long long any = scalar(db, "SELECT count(*) FROM sqlite_master");
  if (has_meta < 0 || any < 0) {
    snprintf(err, errlen, "not an embargo audit log: %s", sqlite3_errmsg(db));
  } else if (has_meta == 1) {
    rc = check_format(db, err, errlen);
  } else if (any > 0) {
    snprintf(err, errlen,
             "not an embargo audit log: a database with other tables");
  } else if (!create) {
    snprintf(err, errlen, "not an embargo audit log: empty database");
  } else if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot create the audit log: %s",
             sqlite3_errmsg(db));
  } else {
    rc = EMB_OK;
  }
  if (rc == EMB_OK && create) {
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      snprintf(err, errlen, "cannot create the audit log: %s",
               sqlite3_errmsg(db));
      rc = EMB_EDB;
    }
  } else if (rc == EMB_OK) {
    /* A read-only check keeps its read transaction open: the caller
     * reads a consistent snapshot and ends it. */
  }
  if (rc != EMB_OK) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}
