/* The JSON shapes of embargo's results, shared by the CLI, batch and the
 * HTTP server so that every face prints the same objects (docs/cli.md).
 *
 * Each function returns a new jansson reference; the caller owns it and
 * releases it with json_decref(). Pointer arguments are borrowed for the
 * duration of the call; the returned objects copy what they need.
 */
#ifndef EMB_JSON_SHAPES_H
#define EMB_JSON_SHAPES_H

#include <jansson.h>
#include <stddef.h>

#include "embargo/lists.h"
#include "embargo/screen.h"
#include "embargo/status.h"

/* A number rounded to four decimals, as every score is printed. */
json_t *emb__json_num(double v);

/* The "explain" object of a hit. */
json_t *emb__explain_json(const emb_explain *ex, double threshold);

/* One hit of a screening: entity_id, name, matched_name, list, score,
 * match, the entity's terms and "explain". */
json_t *emb__hit_json(const emb_hit *h, double threshold);

/* {"query": …, "hits": [...]} for the query q[0..len), which must be
 * valid UTF-8 (emb_screen accepted it; it may hold NUL bytes). */
json_t *emb__screen_json(const char *q, size_t len, const emb_result *r,
                         double threshold);

/* {"name1", "name2", "score", "match", "explain"} of an emb_compare. */
json_t *emb__compare_json(const char *n1, size_t l1, const char *n2, size_t l2,
                          const emb_result *r, double threshold);

/* {"sources": [...], "lists": {code: n}, "entities": n,
 *  "rejected_files": n}: what `embargo lists --format json` prints. */
json_t *emb__lists_json(const emb_listset *ls, size_t rejected_files);

/* {"error": {"code": emb_status_name(st), "message": message}}. */
json_t *emb__error_json(emb_status st, const char *message);

#endif
