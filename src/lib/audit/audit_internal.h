/* Internal: the audit log's shared pieces (schema, row hash, handle).
 *
 * DESIGN: one SQLite database in WAL mode holds three tables: "events" (the
 * hash chain, one row per event), "decisions" (an index of the reviewers'
 * decisions, each also an event row) and "meta" (the format tag and the
 * running head: the last seq and hash, updated in the same transaction as
 * the rows, so that a truncated tail is detected). docs/audit.md is the
 * contract.
 */
#ifndef EMB_AUDIT_INTERNAL_H
#define EMB_AUDIT_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "embargo/audit.h"

/* The value of meta "format": what emb_audit_open checks. */
#define EMB__AUDIT_FORMAT "embargo-audit-1"
/* The first row's prev_hash: 64 zeros. */
#define EMB__AUDIT_GENESIS \
  "0000000000000000000000000000000000000000000000000000000000000000"
/* Longest request, result, lists or rules text, and longest other field. */
/* The decisions table is an index of the chained "decision" rows, and is
 * not chained itself: a decision is trusted only when its index entry
 * agrees field by field with the chained row of the same seq, so that
 * editing or inserting an index entry changes no result (and verify names
 * it). The FROM clause of every read of decisions, with d the entry. */
#define EMB__AUDIT_TRUSTED_DECISIONS                                 \
  " FROM decisions d JOIN events e ON e.seq = d.seq"                 \
  " AND e.kind = 'decision' AND json_valid(e.request)"               \
  " AND json_valid(e.result)"                                        \
  " AND json_extract(e.request, '$.query_key') IS d.query_key"       \
  " AND json_extract(e.request, '$.entity_id') IS d.entity_id"       \
  " AND json_extract(e.request, '$.list_version') IS d.list_version" \
  " AND json_extract(e.result, '$.decision') IS d.decision"          \
  " AND json_extract(e.result, '$.reviewer') IS d.reviewer"          \
  " AND json_extract(e.result, '$.note') IS d.note AND e.time IS d.time "
#define EMB__AUDIT_MAX_FIELD ((size_t)1 << 20)
#define EMB__AUDIT_MAX_SHORT ((size_t)4096)

/* How the log writes JSON text: compact, in insertion order, and with
 * numbers as the CLI prints them. */
#define EMB__AUDIT_JSON \
  (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/* The fields of an event as hashed; NULL means absent (hashed differently
 * from ""). */
typedef struct emb__audit_fields {
  int64_t seq;
  const char *time, *kind, *caller, *request, *result, *lists, *rules;
  const char *prev_hash;
} emb__audit_fields;

/* hex (65 bytes) = SHA-256 of the canonical encoding of f (docs/audit.md
 * "Hash"). */
void emb__audit_hash(const emb__audit_fields *f, char hex[65]);

/* Creates the schema in an empty database or checks an existing one's
 * format. Returns EMB_EDB with a message in err (errlen bytes) when db is
 * not an embargo audit log. create: 0 to only check (read-only use). */
emb_status emb__audit_schema(sqlite3 *db, int create, char *err, size_t errlen);

/* The current time as ISO 8601 UTC with milliseconds, 25 bytes. */
void emb__audit_now(char out[32]);

/* The decision lookup key of a query: the engine's Latin tokens, lower
 * case, joined by one space. Returns EMB_EINVAL when the name has no
 * tokens, else the normaliser's status. */
emb_status emb__audit_query_key(const char *query, char *out, size_t cap);

/* One queued event: every string owned (malloc'd) by the queue item. */
typedef struct emb__audit_item {
  struct emb__audit_item *next;
  char *time, *kind, *caller, *request, *result, *lists, *rules;
  /* A decision to index with the row, or kind 0. */
  int dkind;
  char *dkey, *dentity, *dversion, *dreviewer, *dnote;
  uint64_t ticket; /* position in the queue since open */
} emb__audit_item;

struct emb_audit {
  char *path;
  emb_audit_opts opts;
  sqlite3 *wdb;          /* the writer thread's connection */
  sqlite3 *rdb;          /* readers' connection (query, export, decisions) */
  pthread_mutex_t rlock; /* guards rdb and its statements */
  /* Every decision on a query key, oldest first (annotate); prepared once
   * because it runs on every screening. */
  sqlite3_stmt *by_key;

  pthread_mutex_t lock; /* guards everything below */
  pthread_cond_t more;  /* the writer waits for rows or close */
  pthread_cond_t done;  /* flushers and blocked appenders wait here */
  emb__audit_item *head, *tail;
  size_t queued;
  uint64_t enqueued;  /* tickets handed out */
  uint64_t committed; /* tickets written (or dropped after a failure) */
  uint64_t flush_to;  /* a flusher wants tickets up to here written now */
  int closing;
  int failed;
  char error[512];
  pthread_t writer;
  /* Version ids whose "lists"/"rules" row this handle has queued. */
  char noted[16][80];
  size_t n_noted; /* ids ever noted; the last 16 are in noted */
};

/* Queues an item (takes ownership; frees it on failure). */
emb_status emb__audit_enqueue(emb_audit *a, emb__audit_item *it,
                              uint64_t *ticket);
/* Waits until ticket is committed; EMB_EDB if the writer failed. */
emb_status emb__audit_wait(emb_audit *a, uint64_t ticket);
void emb__audit_item_free(emb__audit_item *it);
/* A new item holding copies of r's strings and the current time. On
 * EMB_ETOOBIG *bad names the field past its limit. */
emb_status emb__audit_item_new(const emb_audit_record *r, emb__audit_item **out,
                               const char **bad);

/* Why the calling thread's last emb_audit_open failed. */
extern _Thread_local char emb__audit_open_error[512];

#endif
