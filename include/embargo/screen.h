/* embargo: name screening.
 *
 * An index (emb_index) is built once from a list set and is read-only
 * afterwards: any number of threads may screen against it at once. It
 * borrows the list set, which must outlive it.
 *
 * Scores are in [0, 1] and comparable across queries: 1 means every
 * distinctive token matched exactly; a hit whose score reaches the
 * threshold (EMB_DEFAULT_THRESHOLD unless the caller sets one) is reported
 * as a match. See docs/matching.md for the scoring model.
 */
#ifndef EMBARGO_SCREEN_H
#define EMBARGO_SCREEN_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/status.h"

/* The one documented default match threshold (docs/matching.md). */
#define EMB_DEFAULT_THRESHOLD 0.84
/* Hits below this score are not reported unless min_score says so. */
#define EMB_DEFAULT_MIN_SCORE 0.70
#define EMB_DEFAULT_LIMIT 10
/* Longest query name accepted, in bytes. */
#define EMB_MAX_QUERY 1024

typedef struct emb_index emb_index;

/* Builds the name index of ls (borrowed; must outlive the index). Caller
 * frees with emb_index_free(). */
EMB_API EMB_NODISCARD emb_status emb_index_build(const emb_listset *ls,
                                                 emb_index **out);
EMB_API void emb_index_free(emb_index *ix);
EMB_API const emb_listset *emb_index_listset(const emb_index *ix);
/* Number of indexed name forms and distinct tokens, for reports. */
EMB_API size_t emb_index_variant_count(const emb_index *ix);
EMB_API size_t emb_index_token_count(const emb_index *ix);

typedef struct emb_screen_opts {
  const char *country;      /* ISO alpha-2: only entities linked to it */
  emb_entity_type type;     /* EMB_TYPE_UNKNOWN: any type */
  const char *const *lists; /* list codes to keep (borrowed), or NULL */
  size_t n_lists;
  const char *as_of; /* YYYY-MM-DD: only entries in force then */
  size_t limit;      /* 0: EMB_DEFAULT_LIMIT */
  double min_score;  /* < 0: EMB_DEFAULT_MIN_SCORE */
  double threshold;  /* <= 0: EMB_DEFAULT_THRESHOLD */
} emb_screen_opts;

/* Fills opts with the defaults (no filters). */
EMB_API void emb_screen_opts_init(emb_screen_opts *opts);

/* One aligned token pair of an explanation. */
typedef struct emb_pair {
  const char *query;     /* query token(s), space-joined if several */
  const char *candidate; /* candidate token(s) */
  double similarity;     /* 0..1 */
  double weight;         /* the pair's share of the score's weight */
  const char *how;       /* "exact", "typo", "joined", "split",
                            "acronym", "abbreviation" */
} emb_pair;

typedef struct emb_explain {
  const char *form;       /* "latin", "script" (original script) or "acronym" */
  const char *query_norm; /* the query's tokens, space-joined */
  const char *candidate_norm; /* the matched name's tokens */
  const emb_pair *pairs;
  size_t n_pairs;
  const char *const *unmatched_query; /* tokens with their weights below */
  const double *unmatched_query_weight;
  size_t n_unmatched_query;
  const char *const *unmatched_candidate;
  const double *unmatched_candidate_weight;
  size_t n_unmatched_candidate;
} emb_explain;

typedef struct emb_hit {
  const emb_entity *entity; /* NULL for emb_compare results */
  size_t name_index;        /* which of entity->names matched */
  const char *matched_name; /* that name, as written in the source */
  double score;
  int match; /* score >= threshold */
  emb_explain explain;
} emb_hit;

typedef struct emb_result emb_result;

/* Screens name[0..len) (UTF-8) against the index. Hits are sorted best
 * first, one per entity. Returns EMB_EUTF8, EMB_ETOOBIG (past
 * EMB_MAX_QUERY) or EMB_ENOMEM. Caller frees *out with emb_result_free(). */
EMB_API EMB_NODISCARD emb_status emb_screen(const emb_index *ix,
                                            const char *name, size_t len,
                                            const emb_screen_opts *opts,
                                            emb_result **out);

/* Compares two names. Token weights come from ix (its list set's token
 * frequencies); ix may be NULL, then every token weighs the same except
 * legal forms and generic words. type selects the scoring of persons or
 * organisations (EMB_TYPE_UNKNOWN: organisation rules). threshold <= 0
 * means EMB_DEFAULT_THRESHOLD. The result holds exactly one hit with
 * entity NULL. Caller frees *out with emb_result_free(). */
EMB_API EMB_NODISCARD emb_status emb_compare(const emb_index *ix, const char *a,
                                             size_t alen, const char *b,
                                             size_t blen, emb_entity_type type,
                                             double threshold,
                                             emb_result **out);

EMB_API size_t emb_result_count(const emb_result *r);
/* Borrowed; valid until emb_result_free(r). */
EMB_API const emb_hit *emb_result_hit(const emb_result *r, size_t i);
/* Number of candidates scored precisely (for explanations and tuning). */
EMB_API size_t emb_result_candidates(const emb_result *r);
EMB_API void emb_result_free(emb_result *r);

#endif
