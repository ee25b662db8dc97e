/* Internal: shared by the diff (diff.c), its JSON (diff_json.c) and
 * re-screening (rescreen.c, delta_index.c). */
#ifndef EMB_DIFF_DIFF_INTERNAL_H
#define EMB_DIFF_DIFF_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "../../common/arena.h"
#include "embargo/diff.h"

/* One value of a field: its comparison form and the text as written. */
typedef struct emb__diff_value {
  const char *norm; /* trimmed, white space collapsed, ASCII lower case */
  const char *raw;  /* borrowed from the entity (or static storage) */
} emb__diff_value;

/* The values of field f of e, sorted by norm without duplicate norms.
 * Norm strings are allocated in ar (caller owns ar). Writes at most cap
 * values and returns how many; EMB__MAX_VALUES bounds every field. */
size_t emb__diff_values(emb__arena *ar, const emb_entity *e, emb_diff_field f,
                        emb__diff_value *out, size_t cap);

/* The JSONL object of one entity change (docs/lists-diff.md). New
 * reference; caller owns it. NULL on out of memory. */
json_t *emb__diff_change_json(const emb_diff *d, const emb_entity_change *c);
/* Why a field is not compared: "not present in NEW", ... Static. */
const char *emb__diff_absent_reason(const emb_diff_absent *a);
/* {"summary": {LIST: {"added", "removed", "changed", "unchanged"}},
 *  "not_compared": [...]}. New reference. */
json_t *emb__diff_summary_json(const emb_diff *d);

#endif
