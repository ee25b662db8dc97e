/* Internal: per-token string similarity. */
#ifndef EMB_MATCH_SIMILARITY_H
#define EMB_MATCH_SIMILARITY_H

#include <stddef.h>

/* Optimal string alignment (restricted Damerau-Levenshtein) distance between
 * a[0..na) and b[0..nb) on UTF-8 code points, or max + 1 as soon as it is
 * known to exceed max. Lengths above 64 code points compare exactly. */
int emb__osa_distance(const char *a, size_t na, const char *b, size_t nb,
                      int max);

/* The edit distance a token of n bytes may have and still match: 0 up to 4
 * bytes, 1 from 5, 2 from 9. Short tokens must match exactly so that
 * "SMIC" cannot reach "SMIT" and initials stay distinct. */
int emb__typo_budget(size_t n);

/* Similarity of two tokens in [0, 1]: 1 when equal, 1 - 0.5 d / max(len)
 * (less 0.05 when the first letters differ) when their distance d is within
 * the typo budget, else 0. */
double emb__token_similarity(const char *a, size_t na, const char *b,
                             size_t nb);

#endif
