/* The precise score of a query against one candidate name form.
 *
 * DESIGN: tokens are aligned greedily, best gain first: each query token
 * pairs with at most one candidate token, except that two adjacent tokens
 * on one side may pair with one token on the other when written together
 * ("hua wei" / "huawei"). A pair's gain is its similarity times the weight
 * of the tokens it covers on both sides. The score is the total gain over
 * the weight of all tokens, where a candidate's unmatched tokens count in
 * full for persons and at half weight for organisations:
 *
 *   score = sum(sim * (wq + wc)) / (Wq + Wc - lambda * Wc_unmatched)
 *
 * with lambda 0 for persons and 0.5 otherwise. Weights are IDF-based (rare
 * tokens near 1, common ones low), legal forms 0.08, generic words at most
 * 0.3, so "CORP" or "INTERNATIONAL" alone cannot carry a match. A query
 * whose distinctive tokens all go unmatched scores 0. An organisation
 * written as its initials scores 0.88 (0.80 for three letters).
 */
#include <string.h>

#include "index_internal.h"
#include "similarity.h"

const char *const emb__how_names[] = {"exact", "typo",    "joined",
                                      "split", "acronym", "abbreviation"};

#define MAX_CAND_PAIRS 256
#define ACRONYM_SCORE 0.88
#define ACRONYM3_SCORE 0.80
#define NO_ANCHOR_FACTOR 0.93
#define GENDER_VARIANT_SIM 0.5

uint32_t emb__letter_mask(const char *s, size_t n) {
  uint32_t m = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'a' && c <= 'z')
      m |= 1u << (c - 'a');
    else if (c >= '0' && c <= '5')
      m |= 1u << (26 + (c - '0'));
    else
      m |= 1u << 31;
  }
  return m;
}

size_t emb__prepare(const emb_index *ix, const emb__token *t, size_t n,
                    emb__stok *out) {
  for (size_t i = 0; i < n; i++) {
    out[i].text = t[i].text;
    out[i].len = t[i].len;
    out[i].flags = t[i].flags;
    out[i].mask = emb__letter_mask(t[i].text, t[i].len);
    int64_t id = emb__tok_find(ix, t[i].text, t[i].len);
    out[i].id = (int32_t)id;
    if (id >= 0 && ix->toks[id].keykind == EMB__KEY_TOKEN)
      out[i].weight = ix->toks[id].weight;
    else
      out[i].weight = emb__weight(ix, 0, t[i].flags);
  }
  return n;
}

int emb__mode_for(emb_entity_type t, const emb__token *tok, size_t n,
                  int transliterated) {
  int mode = transliterated ? EMB__MODE_EXACT : 0;
  if (t == EMB_TYPE_PERSON) return mode | EMB__MODE_PERSON;
  if (t != EMB_TYPE_UNKNOWN) return mode;
  for (size_t i = 0; i < n; i++)
    if (tok[i].flags & (EMB__TOKF_LEGAL | EMB__TOKF_GENERIC)) return mode;
  return mode | EMB__MODE_PERSON;
}

/* Similarity of two scoring tokens, with cheap rejections first: vocabulary
 * ids, lengths and letter masks rule out most pairs before any edit
 * distance is computed. */
static int is_vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Names that differ only in a final vowel are, for persons, usually the
 * masculine and feminine of one name (Antonio/Antonia, Mario/Maria):
 * different people, not a typo. */
static int gender_variant(const emb__stok *a, const emb__stok *b) {
  size_t n = a->len;
  return n >= 4 && n == b->len && memcmp(a->text, b->text, n - 1) == 0 &&
         is_vowel(a->text[n - 1]) && is_vowel(b->text[n - 1]);
}

static double pair_similarity(const emb__stok *a, const emb__stok *b,
                              int exact_only, int person) {
  /* Tokens prepared against the same index are equal exactly when their
   * vocabulary ids are: a token the index lacks (id -1) equals no indexed
   * token, so text is compared only when neither side is indexed. */
  if (a->id >= 0 || b->id >= 0) {
    if (a->id == b->id) return 1.0;
  } else if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0) {
    return 1.0;
  }
  if (exact_only) return 0.0;
  size_t shorter = a->len < b->len ? a->len : b->len;
  size_t longer = a->len < b->len ? b->len : a->len;
  int budget = emb__typo_budget(shorter, longer);
  if (budget == 0 || longer - shorter > (size_t)budget) return 0.0;
  if (emb__popcount32(a->mask ^ b->mask) > 2 * budget) return 0.0;
  if (person && gender_variant(a, b)) return GENDER_VARIANT_SIM;
  return emb__token_similarity(a->text, a->len, b->text, b->len);
}

static inline int joined_equals(const emb__stok *a, const emb__stok *b,
                                const emb__stok *whole) {
  return (size_t)a->len + b->len == whole->len &&
         memcmp(a->text, whole->text, a->len) == 0 &&
         memcmp(b->text, whole->text + a->len, b->len) == 0;
}

/* Single distinctive (non-legal) token of t, or -1. */
static int single_token(const emb__stok *t, size_t n) {
  int found = -1;
  for (size_t i = 0; i < n; i++) {
    if (t[i].flags & EMB__TOKF_LEGAL) continue;
    if (found >= 0) return -1;
    found = (int)i;
  }
  return found;
}

static double acronym_score(const emb__stok *one, size_t n1,
                            const emb__stok *many, size_t n2) {
  int s = single_token(one, n1);
  if (s < 0 || one[s].len < 3) return 0;
  char acr[64];
  for (int legal = 0; legal < 2; legal++) {
    size_t len = emb__acronym(many, n2, legal, acr, sizeof(acr));
    if (len == one[s].len && memcmp(acr, one[s].text, len) == 0)
      return len == 3 ? ACRONYM3_SCORE : ACRONYM_SCORE;
  }
  return 0;
}

double emb__score(const emb__stok *q, size_t nq, const emb__stok *c, size_t nc,
                  int mode, emb__alignment *al) {
  int person = (mode & EMB__MODE_PERSON) != 0;
  int exact_only = (mode & EMB__MODE_EXACT) != 0;
  if (al) memset(al, 0, sizeof(*al));
  if (nq == 0 || nc == 0) return 0.0;
  if (nq > 64) nq = 64;
  if (nc > 64) nc = 64;
  emb__align_pair cand[MAX_CAND_PAIRS];
  float gain[MAX_CAND_PAIRS];
  size_t np = 0;
  for (size_t i = 0; i < nq; i++) {
    for (size_t j = 0; j < nc && np < MAX_CAND_PAIRS; j++) {
      double s = pair_similarity(&q[i], &c[j], exact_only, person);
      if (s <= 0) continue;
      uint8_t how = s >= 1.0 ? EMB__HOW_EXACT : EMB__HOW_TYPO;
      if (how == EMB__HOW_EXACT &&
          ((q[i].flags | c[j].flags) & EMB__TOKF_EXPANDED))
        how = EMB__HOW_ABBREV;
      cand[np] = (emb__align_pair){1ull << i, 1ull << j, (float)s, how};
      gain[np] = (float)s * (q[i].weight + c[j].weight);
      np++;
    }
  }
  for (size_t i = 0; i + 1 < nq; i++) {
    if ((q[i].flags | q[i + 1].flags) & EMB__TOKF_LEGAL) continue;
    for (size_t j = 0; j < nc && np < MAX_CAND_PAIRS; j++) {
      if (!joined_equals(&q[i], &q[i + 1], &c[j])) continue;
      cand[np] = (emb__align_pair){3ull << i, 1ull << j, 1.0f, EMB__HOW_JOINED};
      gain[np++] = q[i].weight + q[i + 1].weight + c[j].weight;
    }
  }
  for (size_t j = 0; j + 1 < nc; j++) {
    if ((c[j].flags | c[j + 1].flags) & EMB__TOKF_LEGAL) continue;
    for (size_t i = 0; i < nq && np < MAX_CAND_PAIRS; i++) {
      if (!joined_equals(&c[j], &c[j + 1], &q[i])) continue;
      cand[np] = (emb__align_pair){1ull << i, 3ull << j, 1.0f, EMB__HOW_SPLIT};
      gain[np++] = q[i].weight + c[j].weight + c[j + 1].weight;
    }
  }
  /* Greedy alignment, best gain first (insertion sort: np is small). */
  for (size_t i = 1; i < np; i++) {
    emb__align_pair p = cand[i];
    float g = gain[i];
    size_t k = i;
    for (; k > 0 && gain[k - 1] < g; k--) {
      cand[k] = cand[k - 1];
      gain[k] = gain[k - 1];
    }
    cand[k] = p;
    gain[k] = g;
  }
  uint64_t distinctive_mask = 0;
  for (size_t i = 0; i < nq; i++)
    if (!(q[i].flags & EMB__TOKF_LEGAL)) distinctive_mask |= 1ull << i;
  uint64_t qused = 0, cused = 0;
  double num = 0;
  size_t npicked = 0;
  int anchor = 0; /* a distinctive query token paired other than by typo */
  for (size_t i = 0; i < np; i++) {
    if ((cand[i].qmask & qused) || (cand[i].cmask & cused)) continue;
    qused |= cand[i].qmask;
    cused |= cand[i].cmask;
    num += gain[i];
    if (cand[i].how != EMB__HOW_TYPO && (cand[i].qmask & distinctive_mask))
      anchor = 1;
    if (al && npicked < EMB__MAX_PAIRS) al->pairs[npicked] = cand[i];
    npicked++;
  }
  double wq = 0, wc = 0, uc = 0;
  int distinctive = 0, distinctive_matched = 0;
  for (size_t i = 0; i < nq; i++) {
    wq += q[i].weight;
    if (!(q[i].flags & EMB__TOKF_LEGAL)) {
      distinctive = 1;
      if (qused & (1ull << i)) distinctive_matched = 1;
    }
  }
  for (size_t j = 0; j < nc; j++) {
    wc += c[j].weight;
    if (!(cused & (1ull << j))) uc += c[j].weight;
  }
  double lambda = person ? 0.0 : 0.5;
  double den = wq + wc - lambda * uc;
  double score = den > 0 ? num / den : 0;
  if (distinctive && !distinctive_matched) score = 0;
  /* Several distinctive words all only nearly equal ("Xavier Gonzales"
   * for "Javier Gonzalez") are weaker evidence than the same score with
   * one word exact: a different name, not a typo, is the likelier story. */
  if (!anchor &&
      emb__popcount32((uint32_t)(qused & distinctive_mask)) +
              emb__popcount32((uint32_t)((qused & distinctive_mask) >> 32)) >=
          2)
    score *= NO_ANCHOR_FACTOR;
  if (score > 1) score = 1;
  if (al) {
    al->n = npicked < EMB__MAX_PAIRS ? npicked : EMB__MAX_PAIRS;
    al->qused = qused;
    al->cused = cused;
  }
  if (!person && score < ACRONYM_SCORE) {
    double a = acronym_score(q, nq, c, nc);
    if (a == 0) a = acronym_score(c, nc, q, nq);
    if (a > score) {
      score = a;
      if (al) {
        memset(al, 0, sizeof(*al));
        al->acronym = 1;
      }
    }
  }
  return score;
}
