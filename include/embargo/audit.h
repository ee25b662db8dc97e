/* embargo: the tamper-evident audit log.
 *
 * Every screening and determination (and every reviewer's decision on a
 * hit) is appended to one SQLite database in WAL mode. Appends are queued
 * and written by one writer thread in batches (one transaction per batch),
 * so callers on the request path never wait for the disk unless they ask
 * to (emb_audit_flush). Each row stores the SHA-256 of its own content
 * chained to the previous row's hash, so that emb_audit_verify() detects a
 * row that was edited, deleted, inserted or reordered, and names it.
 * docs/audit.md describes the schema, the hash and the guarantees.
 *
 * Thread safety: an emb_audit handle may be used from any number of
 * threads at once.
 *
 * Durability: a crash (even kill -9) loses at most the batch being
 * written; the log is never left corrupt, and verify passes after it.
 */
#ifndef EMBARGO_AUDIT_H
#define EMBARGO_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "embargo/export.h"
#include "embargo/status.h"

typedef struct emb_audit emb_audit;

typedef struct emb_audit_opts {
  size_t batch_max;  /* rows per transaction; 0: 512 */
  unsigned flush_ms; /* longest a queued row waits; 0: 50 ms */
  size_t queue_max;  /* rows queued before appends block; 0: 65536 */
  int read_only;     /* non-zero: query, export and find decisions only;
                        the file must exist and is never written (appends
                        and decisions return EMB_EDB) */
} emb_audit_opts;

/* Opens (creating when absent) the log at path, checks its schema and
 * starts the writer thread. opts may be NULL (defaults). path is copied.
 * Returns EMB_EDB when the file is not an embargo audit log or cannot be
 * opened. Caller frees with emb_audit_close(). */
EMB_API EMB_NODISCARD emb_status emb_audit_open(const char *path,
                                                const emb_audit_opts *opts,
                                                emb_audit **out);

/* Writes every queued row, stops the writer thread and closes the file.
 * NULL is a no-op. */
EMB_API void emb_audit_close(emb_audit *a);

/* One event to record. Every string is copied before the call returns;
 * NULL means absent. */
typedef struct emb_audit_record {
  const char *kind;    /* "screen", "compare", "check", "batch"... */
  const char *caller;  /* key id of the API caller, or "cli:USER" */
  const char *request; /* the request as JSON text */
  const char *result;  /* the result as JSON text */
  const char *lists;   /* list versions used: JSON text (emb__lists_json
                          "sources", or a digest of them) */
  const char *rules;   /* rule versions used: JSON text, or NULL */
} emb_audit_record;

/* Queues r for the writer thread. Blocks only while the queue is full.
 * Returns EMB_EINVAL when kind is NULL, EMB_EDB when the writer has failed
 * (the failure's message is in emb_audit_last_error). */
EMB_API EMB_NODISCARD emb_status emb_audit_append(emb_audit *a,
                                                  const emb_audit_record *r);

/* Waits until every row queued before the call is committed. */
EMB_API EMB_NODISCARD emb_status emb_audit_flush(emb_audit *a);

/* The last writer error, or "" when none. Static per handle; valid until
 * the next call on a. With a NULL a: why the calling thread's last
 * emb_audit_open failed (thread-local storage). */
EMB_API const char *emb_audit_last_error(const emb_audit *a);

/* A reviewer's decision on one hit. */
typedef enum emb_decision_kind {
  EMB_DECISION_TRUE_MATCH = 1,
  EMB_DECISION_FALSE_POSITIVE = 2
} emb_decision_kind;

/* "true_match", "false_positive"; NULL for another value. Static. */
EMB_API const char *emb_decision_name(emb_decision_kind k);
/* Parses the names above; EMB_EINVAL otherwise. */
EMB_API EMB_NODISCARD emb_status emb_decision_parse(const char *s,
                                                    emb_decision_kind *out);

typedef struct emb_decision {
  const char *query;        /* the screened name as the caller wrote it */
  const char *entity_id;    /* the hit's entity id, "EL:…" */
  const char *list_version; /* SHA-256 of the entity's source file */
  emb_decision_kind kind;
  const char *reviewer; /* who decided; required */
  const char *note;     /* free text, or NULL */
  const char *caller;   /* key id or "cli:USER" */
} emb_decision;

/* Records a decision: appended to the chained log like any event (kind
 * "decision") and indexed for emb_audit_decision_find. Strings copied.
 * The decision is visible to emb_audit_decision_find when this returns. */
EMB_API EMB_NODISCARD emb_status emb_audit_decide(emb_audit *a,
                                                  const emb_decision *d);

/* The latest decision on (query, entity_id, list_version). The query is
 * matched after the engine's normalisation, so "smic" finds a decision on
 * "SMIC". On EMB_OK the kind, reviewer (rbuf, rlen bytes), note (nbuf,
 * nlen bytes) and time (tbuf, tlen: ISO 8601 UTC) are filled; buffers may
 * be NULL. EMB_ENOTFOUND when none. */
EMB_API EMB_NODISCARD emb_status emb_audit_decision_find(
    emb_audit *a, const char *query, const char *entity_id,
    const char *list_version, emb_decision_kind *kind, char *rbuf, size_t rlen,
    char *nbuf, size_t nlen, char *tbuf, size_t tlen);

/* One stored row, as read back. Strings borrowed for the duration of the
 * callback. */
typedef struct emb_audit_row {
  int64_t seq;      /* 1, 2, 3...: position in the chain */
  const char *time; /* ISO 8601 UTC with milliseconds */
  const char *kind;
  const char *caller;
  const char *request;
  const char *result;
  const char *lists;
  const char *rules;
  const char *prev_hash; /* hex SHA-256 */
  const char *hash;      /* hex SHA-256 */
} emb_audit_row;

typedef struct emb_audit_filter {
  const char *since; /* ISO 8601 date or time, inclusive; NULL: all */
  const char *until; /* exclusive; NULL: open */
  const char *kind;  /* NULL: all kinds */
  int64_t after_seq; /* rows with seq > after_seq (paging); 0: all */
  size_t limit;      /* 0: no limit */
} emb_audit_filter;

/* Calls fn for each committed row matching f (NULL: all), in seq order.
 * A non-zero return from fn stops the walk (the function then returns
 * EMB_EINTR). */
typedef int (*emb_audit_row_fn)(void *ud, const emb_audit_row *row);
EMB_API EMB_NODISCARD emb_status emb_audit_query(emb_audit *a,
                                                 const emb_audit_filter *f,
                                                 emb_audit_row_fn fn, void *ud);

/* Writes the rows matching f to out as "jsonl" (one object per row with
 * the fields of emb_audit_row, request/result/lists/rules embedded as
 * JSON) or "csv" (RFC 4180, a header row, the JSON columns as text). */
EMB_API EMB_NODISCARD emb_status emb_audit_export(emb_audit *a,
                                                  const emb_audit_filter *f,
                                                  const char *format,
                                                  FILE *out);

typedef struct emb_audit_verify_report {
  int64_t rows;     /* rows checked */
  int64_t bad_seq;  /* first row that fails, or 0 when the chain holds */
  char reason[256]; /* e.g. "row 17: content hash mismatch (edited)",
                       "row 18 missing (deleted or reordered)" */
} emb_audit_verify_report;

/* Recomputes the chain of the log at path (opened read-only; works while
 * another process appends). EMB_OK when intact, EMB_ETAMPER when a row
 * fails (rep names it), EMB_EDB when the file is not an audit log. */
EMB_API EMB_NODISCARD emb_status emb_audit_verify(const char *path,
                                                  emb_audit_verify_report *rep);

/* The head the log at path records (opened read-only): the last seq and
 * its hash (seq 0 and 64 zeros for an empty log), to publish outside the
 * log so that a rewrite of the whole chain can be detected later
 * (docs/audit.md). EMB_EDB when the file is not an audit log. */
EMB_API EMB_NODISCARD emb_status emb_audit_head(const char *path, int64_t *seq,
                                                char hash[65]);

/* emb_audit_verify, and also checks that row seq still has hash (a head
 * printed by emb_audit_head and kept outside the log): this detects a
 * rewrite of the whole chain from any row up to seq. EMB_EINVAL when seq
 * < 1 or hash is not 64 lower-case hex digits. */
EMB_API EMB_NODISCARD emb_status
emb_audit_verify_head(const char *path, int64_t seq, const char *hash,
                      emb_audit_verify_report *rep);

#endif
