/* Internal: per-token string similarity. */
#ifndef EMB_MATCH_SIMILARITY_H
#define EMB_MATCH_SIMILARITY_H

#include <stddef.h>

/* Optimal string alignment (restricted Damerau-Levenshtein) distance between
 * a[0..na) and b[0..nb) on UTF-8 code points, or max + 1 as soon as it is
 * known to exceed max. Lengths above 64 code points compare exactly. */
int emb__osa_distance(const char *a, size_t na, const char *b, size_t nb,
                      int max);

/* The edit distance two tokens of these lengths (bytes) may have and still
 * match: 0 when the shorter has at most 4 bytes, 1 when it has 5 to 8, 2
 * from 9. Short tokens must match exactly so that "SMIC" reaches neither
 * "SMIT" nor "SOMIC" and initials stay distinct (measured: no loss of typo
 * recall on the benchmark, docs/performance.md). */
static inline int emb__typo_budget(size_t shorter, size_t longer) {
  (void)longer;
  if (shorter <= 4) return 0;
  if (shorter <= 8) return 1;
  return 2;
}

/* Similarity of two tokens in [0, 1]: 1 when equal, 1 - 0.5 d / max(len)
 * (less 0.05 when the first letters differ) when their distance d is within
 * the typo budget, else 0. */
double emb__token_similarity(const char *a, size_t na, const char *b,
                             size_t nb);

#endif
