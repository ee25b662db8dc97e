/* Request parsing for the HTTP server: JSON bodies and query arguments to
 * the engine's option structs, with every check the API promises (unknown
 * fields, wrong types, sizes). Pure functions with no socket or server
 * state, so that unit tests and the fuzzer (tests/fuzz/fuzz_request.c)
 * call them directly.
 *
 * Each srv_parse_* returns EMB_OK, or EMB_EPARSE (malformed JSON: err
 * names line, column and byte offset), EMB_EUTF8 (invalid UTF-8),
 * EMB_ETOOBIG (a size limit) or EMB_EINVAL (a field: err names it); err
 * (errlen bytes) always receives a NUL-terminated message on error. The
 * parsed structs borrow their strings from the JSON tree they hold (root);
 * free them with the matching *_free, which is a no-op on a zeroed struct.
 */
#ifndef EMB_SERVER_PARSE_H
#define EMB_SERVER_PARSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "embargo/audit.h"
#include "embargo/screen.h"
#include "embargo/status.h"

/* Names per batch of POST /v1/screen. */
#define SRV_MAX_BATCH 1000
/* List codes per query. */
#define SRV_MAX_LISTS 32
/* Longest reviewer, entity id and note of a decision. */
#define SRV_MAX_SHORT 256
#define SRV_MAX_NOTE 4096

/* Parses a JSON document (an object) from body[0..len). *out is a new
 * reference the caller releases with json_decref. */
emb_status srv_parse_json(const char *body, size_t len, json_t **out, char *err,
                          size_t errlen);

typedef struct srv_screen_q {
  const char *name; /* borrowed from the request's tree */
  size_t len;
  emb_screen_opts so; /* so.lists points into lists */
  const char *lists[SRV_MAX_LISTS];
  double threshold; /* the match threshold used for "match" */
  json_t *request;  /* this query as JSON, for the audit row (owned) */
} srv_screen_q;

typedef struct srv_screen_req {
  json_t *root;
  int batch; /* 0: {"name"} gives one screen object; 1: {"results"} */
  size_t n;
  srv_screen_q *q; /* n queries, in request order */
} srv_screen_req;

emb_status srv_parse_screen(const char *body, size_t len, srv_screen_req *out,
                            char *err, size_t errlen);
void srv_screen_req_free(srv_screen_req *r);

typedef struct srv_compare_req {
  json_t *root;
  const char *name1, *name2;
  size_t len1, len2;
  emb_entity_type type;
  double threshold;
} srv_compare_req;

emb_status srv_parse_compare(const char *body, size_t len, srv_compare_req *out,
                             char *err, size_t errlen);
void srv_compare_req_free(srv_compare_req *r);

typedef struct srv_decision_req {
  json_t *root;
  const char *query, *entity_id, *reviewer, *note; /* note may be NULL */
  emb_decision_kind kind;
} srv_decision_req;

emb_status srv_parse_decision(const char *body, size_t len,
                              srv_decision_req *out, char *err, size_t errlen);
void srv_decision_req_free(srv_decision_req *r);

/* GET /v1/audit's query arguments, each NULL when absent. */
typedef struct srv_audit_args {
  const char *since, *until, *kind, *after, *limit, *format;
} srv_audit_args;

typedef struct srv_audit_q {
  emb_audit_filter f; /* strings point into the buffers below */
  char since[40], until[40], kind[40];
  const char *format; /* "json", "jsonl" or "csv" (static) */
} srv_audit_q;

/* Default and largest page of GET /v1/audit. */
#define SRV_AUDIT_LIMIT 100
#define SRV_AUDIT_MAX 10000

emb_status srv_parse_audit_args(const srv_audit_args *a, srv_audit_q *out,
                                char *err, size_t errlen);

/* A calendar date YYYY-MM-DD (1 when valid). */
int srv_valid_date(const char *s);

#endif
