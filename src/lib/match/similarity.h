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
 * match: 0 when the longer has at most 4 bytes or the shorter fewer than 4;
 * 1 when the shorter has 4 to 8; 2 from 9. Tokens of equal short length
 * must match exactly, so "SMIC" never reaches "SMIT" and initials stay
 * distinct, while a letter dropped from a five-letter word ("GREN" for
 * "GREEN") is found; such a pair is weak (emb__token_similarity). */
static inline int emb__typo_budget(size_t shorter, size_t longer) {
  if (shorter < 4 || longer <= 4) return 0;
  if (shorter <= 8) return 1;
  return 2;
}

/* Similarity of two tokens in [0, 1]: 1 when equal, 1 - 0.5 d / max(len)
 * (less 0.05 when the first letters differ) when their distance d is within
 * the typo budget, else 0; a four-letter token one letter short of a
 * five-letter one pairs at 0.8 at most, so "SMIC" alone stays below the
 * threshold for "SOMIC" while "TOBY GREN" still finds "TOBY GREEN". */
double emb__token_similarity(const char *a, size_t na, const char *b,
                             size_t nb);

#endif
