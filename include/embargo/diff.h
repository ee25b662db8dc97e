/* embargo: differences between two versions of the lists, and re-screening
 * of customers against only what changed.
 *
 * A diff (emb_diff) pairs each entity of an OLD list set with its
 * counterpart in a NEW one and records which entities were added, removed
 * or changed, and in which fields. It borrows both list sets, which must
 * outlive it; it is immutable once computed, so any number of threads may
 * read it. See docs/lists-diff.md for the pairing rule and its limits.
 *
 * A re-screen (emb_rescreen) screens names against only the entities a diff
 * touched, with each version's full token weights, and reports the names
 * whose results change.
 */
#ifndef EMBARGO_DIFF_H
#define EMBARGO_DIFF_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/screen.h"
#include "embargo/status.h"

typedef enum emb_change_kind {
  EMB_CHANGE_ADDED = 0, /* only in NEW */
  EMB_CHANGE_REMOVED,   /* only in OLD */
  EMB_CHANGE_CHANGED    /* in both, with different field values */
} emb_change_kind;

/* The compared fields, as bit numbers of emb_entity_change.fields. */
typedef enum emb_diff_field {
  EMB_DIFF_NAME = 0, /* the primary name */
  EMB_DIFF_NAMES,    /* every name, primary and aliases, as a set */
  EMB_DIFF_TYPE,
  EMB_DIFF_COUNTRIES,
  EMB_DIFF_ADDRESSES,
  EMB_DIFF_PROGRAMS,
  EMB_DIFF_IDS,
  EMB_DIFF_FOOTNOTES,
  EMB_DIFF_TITLE,
  EMB_DIFF_START_DATE,
  EMB_DIFF_END_DATE,
  EMB_DIFF_LICENSE_REQUIREMENT,
  EMB_DIFF_LICENSE_POLICY,
  EMB_DIFF_CITATION,
  EMB_DIFF_REMARKS,
  EMB_DIFF_NFIELDS
} emb_diff_field;

/* The JSON name of a field ("names", "license_policy", ...); static
 * storage; "?" past EMB_DIFF_NFIELDS. */
EMB_API const char *emb_diff_field_name(emb_diff_field f);
/* Non-zero when the field holds a set of values (names, countries, ...),
 * zero when it holds one value. */
EMB_API int emb_diff_field_is_set(emb_diff_field f);

typedef struct emb_entity_change {
  emb_change_kind kind;
  const emb_entity *old_entity; /* NULL when added; borrowed from OLD */
  const emb_entity *new_entity; /* NULL when removed; borrowed from NEW */
  unsigned fields;              /* changed: bit (1u << emb_diff_field) */
  int by_id; /* 1: paired by the source's own number, 0: by name */
} emb_entity_change;

/* A field that no entity of a list carries in one version while the other
 * version has it: it is not compared for that list, and reported once. */
typedef struct emb_diff_absent {
  const char *list; /* list code; borrowed */
  emb_diff_field field;
  int in_new;  /* 1: absent (or reduced) in NEW, 0: in OLD */
  int reduced; /* 1: addresses that are only country codes, not absent */
} emb_diff_absent;

/* Per-list counts. */
typedef struct emb_diff_count {
  const char *list; /* borrowed */
  size_t added, removed, changed, unchanged;
} emb_diff_count;

typedef struct emb_diff_opts {
  const char *const *lists; /* list codes to compare (borrowed), or NULL */
  size_t n_lists;
} emb_diff_opts;

typedef struct emb_diff emb_diff;

/* Compares old_ls with new_ls (both borrowed; they must outlive the diff).
 * opts may be NULL (every list). Changes are ordered by list code, then
 * kind (added, removed, changed), then primary name. On success *out is
 * set; caller frees with emb_diff_free(). */
EMB_API EMB_NODISCARD emb_status emb_diff_compute(const emb_listset *old_ls,
                                                  const emb_listset *new_ls,
                                                  const emb_diff_opts *opts,
                                                  emb_diff **out);
EMB_API void emb_diff_free(emb_diff *d);

EMB_API size_t emb_diff_change_count(const emb_diff *d);
/* Borrowed; valid until emb_diff_free(d). */
EMB_API const emb_entity_change *emb_diff_change(const emb_diff *d, size_t i);
/* The change of an entity of either list set, or NULL when it is
 * unchanged (or not an entity of either). Borrowed. */
EMB_API const emb_entity_change *emb_diff_find(const emb_diff *d,
                                               const emb_entity *e);

EMB_API size_t emb_diff_absent_count(const emb_diff *d);
EMB_API const emb_diff_absent *emb_diff_absent_at(const emb_diff *d, size_t i);
/* Per-list counts in list code order. */
EMB_API size_t emb_diff_list_count(const emb_diff *d);
EMB_API const emb_diff_count *emb_diff_list_at(const emb_diff *d, size_t i);

/* ---- Re-screening ---------------------------------------------------- */

typedef enum emb_rescreen_kind {
  EMB_RESCREEN_NEW_HIT = 0,   /* a match in NEW that OLD did not have */
  EMB_RESCREEN_HIT_GONE,      /* a match in OLD that NEW no longer has */
  EMB_RESCREEN_SCORE_CHANGED, /* a match in both, with another score */
  EMB_RESCREEN_HIT_CHANGED    /* a match in both, same score, and the
                                 entry itself changed */
} emb_rescreen_kind;

EMB_API const char *emb_rescreen_kind_name(emb_rescreen_kind k);

typedef struct emb_rescreen_change {
  emb_rescreen_kind kind;
  const emb_entity_change *entity_change; /* borrowed from the diff */
  const emb_hit *old_hit; /* NULL when OLD had no hit over min_score */
  const emb_hit *new_hit; /* NULL when NEW has none */
} emb_rescreen_change;

typedef struct emb_rescreen emb_rescreen;
typedef struct emb_rescreen_result emb_rescreen_result;

/* Prepares re-screening for diff d, whose OLD and NEW list sets old_ix and
 * new_ix index (all borrowed; they must outlive the result). Builds two
 * small indexes of only the entities d touched, which score with the full
 * indexes' token weights. Caller frees *out with emb_rescreen_free(). */
EMB_API EMB_NODISCARD emb_status emb_rescreen_new(const emb_diff *d,
                                                  const emb_index *old_ix,
                                                  const emb_index *new_ix,
                                                  emb_rescreen **out);
EMB_API void emb_rescreen_free(emb_rescreen *r);
/* Variants indexed in the OLD and NEW delta indexes (for reports). */
EMB_API size_t emb_rescreen_old_variants(const emb_rescreen *r);
EMB_API size_t emb_rescreen_new_variants(const emb_rescreen *r);

/* Screens name[0..len) against the entities that changed and returns how
 * its results change (none when they do not). opts as for emb_screen;
 * its limit applies to each version's changed entities. Thread-safe.
 * Caller frees *out with emb_rescreen_result_free(). */
EMB_API EMB_NODISCARD emb_status emb_rescreen_name(const emb_rescreen *r,
                                                   const char *name, size_t len,
                                                   const emb_screen_opts *opts,
                                                   emb_rescreen_result **out);
EMB_API size_t emb_rescreen_result_count(const emb_rescreen_result *res);
/* Borrowed; valid until emb_rescreen_result_free(res). */
EMB_API const emb_rescreen_change *emb_rescreen_result_change(
    const emb_rescreen_result *res, size_t i);
EMB_API void emb_rescreen_result_free(emb_rescreen_result *res);

#endif
