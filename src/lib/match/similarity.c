/* Per-token similarity: bounded optimal-string-alignment distance. */
#include "similarity.h"

#include <string.h>

#define MAX_CP 64
#define SHORT_TYPO_SIM 0.8

/* Decodes UTF-8 (already validated by the normaliser) into code points;
 * returns the count or -1 past MAX_CP. */
static int decode(const char *s, size_t n, unsigned out[MAX_CP]) {
  int k = 0;
  for (size_t i = 0; i < n;) {
    if (k == MAX_CP) return -1;
    unsigned char c = (unsigned char)s[i];
    unsigned cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xF0) {
      cp = c & 0x07u;
      len = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0Fu;
      len = 3;
    } else {
      cp = c & 0x1Fu;
      len = 2;
    }
    for (size_t j = 1; j < len && i + j < n; j++)
      cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3Fu);
    out[k++] = cp;
    i += len;
  }
  return k;
}

static int ascii_decode(const char *s, size_t n, unsigned out[MAX_CP]) {
  if (n > MAX_CP) return -1;
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)s[i] >= 0x80) return -2;
    out[i] = (unsigned char)s[i];
  }
  return (int)n;
}

int emb__osa_distance(const char *a, size_t na, const char *b, size_t nb,
                      int max) {
  unsigned A[MAX_CP], B[MAX_CP];
  /* Most tokens are ASCII: copy bytes, and decode UTF-8 only when needed. */
  int la = ascii_decode(a, na, A), lb = ascii_decode(b, nb, B);
  if (la == -2) la = decode(a, na, A);
  if (lb == -2) lb = decode(b, nb, B);
  if (la < 0 || lb < 0)
    return (na == nb && memcmp(a, b, na) == 0) ? 0 : max + 1;
  int diff = la > lb ? la - lb : lb - la;
  if (diff > max) return max + 1;
  /* Three rolling rows: two back for transpositions. */
  int r0[MAX_CP + 1], r1[MAX_CP + 1], r2[MAX_CP + 1];
  int *pp = r0, *prev = r1, *cur = r2;
  for (int j = 0; j <= lb; j++) prev[j] = j;
  for (int i = 1; i <= la; i++) {
    cur[0] = i;
    int rowmin = cur[0];
    for (int j = 1; j <= lb; j++) {
      int cost = A[i - 1] == B[j - 1] ? 0 : 1;
      int v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (prev[j - 1] + cost < v) v = prev[j - 1] + cost;
      if (i > 1 && j > 1 && A[i - 1] == B[j - 2] && A[i - 2] == B[j - 1] &&
          pp[j - 2] + 1 < v)
        v = pp[j - 2] + 1;
      cur[j] = v;
      if (v < rowmin) rowmin = v;
    }
    if (rowmin > max) return max + 1;
    int *t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb] > max ? max + 1 : prev[lb];
}

double emb__token_similarity(const char *a, size_t na, const char *b,
                             size_t nb) {
  if (na == nb && memcmp(a, b, na) == 0) return 1.0;
  size_t shorter = na < nb ? na : nb, longer = na < nb ? nb : na;
  int budget = emb__typo_budget(shorter, longer);
  if (budget == 0) return 0.0;
  int d = emb__osa_distance(a, na, b, nb, budget);
  if (d > budget) return 0.0;
  double s = 1.0 - 0.5 * (double)d / (double)longer;
  if (a[0] != b[0]) s -= 0.05;
  if (shorter == 4 && s > SHORT_TYPO_SIM) s = SHORT_TYPO_SIM;
  return s;
}
