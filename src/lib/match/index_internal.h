/* Internal: the name index and the scorer shared by index.c, score.c and
 * screen.c.
 *
 * DESIGN: every name of every entity is normalised once (ICU only here, at
 * build time) into a Latin form and, for names in other scripts, a script
 * form; each form is a "variant": a short array of token ids. The token
 * vocabulary keeps each distinct token's text, document frequency, weight
 * and postings (the variants holding it). Two kinds of extra keys share the
 * vocabulary but are never part of a variant's tokens: join keys (two
 * adjacent tokens written together, so "huawei" finds "hua wei") and
 * acronym keys (initials of a multi-word name, so "smic" finds
 * "semiconductor manufacturing international corporation"). A deletion
 * map (every token and its one-character deletions) finds tokens one typo
 * away. A query never scans the names: it collects candidate variants from
 * postings, keeps the best few by matched weight, and scores only those.
 */
#ifndef EMB_MATCH_INDEX_INTERNAL_H
#define EMB_MATCH_INDEX_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "../text/normalize.h"
#include "embargo/screen.h"

enum { EMB__FORM_LATIN = 0, EMB__FORM_SCRIPT = 1 };

enum {
  EMB__KEY_TOKEN = 0, /* a real token of some variant */
  EMB__KEY_JOIN = 1,  /* two adjacent tokens written together */
  EMB__KEY_ACRONYM = 2
};

typedef struct emb__tok {
  uint32_t text_off; /* into chars, NUL-terminated */
  uint16_t len;
  uint8_t flags;   /* EMB__TOKF_* */
  uint8_t keykind; /* EMB__KEY_*; a key can be a token and a join key: the
                      lowest kind wins, the postings serve both */
  uint32_t df;     /* variants holding it */
  uint32_t mask;   /* letters and digits it contains (emb__letter_mask) */
  float weight;
  uint32_t post_off, post_n; /* into postings */
} emb__tok;

/* How a variant is scored (emb__score's mode bits). */
enum {
  EMB__MODE_PERSON = 1, /* all unmatched tokens count fully, no initials */
  EMB__MODE_EXACT = 2   /* transliterated: no typo tolerance */
};

typedef struct emb__variant {
  uint32_t entity;   /* index in the list set */
  uint16_t name_idx; /* index in entity->names */
  uint8_t form;      /* EMB__FORM_* */
  uint8_t ntok;
  uint32_t tok_off; /* into vtoks */
  uint8_t mode;     /* EMB__MODE_* */
} emb__variant;

typedef struct emb__scratch emb__scratch;

struct emb_index {
  const emb_listset *ls;
  char *chars;
  size_t chars_len, chars_cap;
  emb__tok *toks;
  size_t ntoks;
  uint32_t *tok_table; /* open addressing: token id + 1, 0 empty */
  size_t tok_cap;
  emb__variant *vars;
  size_t nvars;
  uint32_t *vtoks;
  size_t nvtoks;
  float *vweight; /* per variant, the sum of its tokens' weights */
  uint32_t *postings;
  size_t npostings;
  /* Deletion map: open addressing on 64-bit key hashes; a key may map to
   * several tokens (consecutive slots). */
  uint64_t *del_keys;
  uint32_t *del_toks; /* token id + 1, 0 empty */
  size_t del_cap;
  double log_norm; /* log((N + 1) / 0.5), for weights */
  size_t n_docs;
  /* Per-thread scratch for candidate collection. */
  uint64_t id; /* unique over the process's life, for per-thread caches */
  pthread_mutex_t lock;
  emb__scratch *scratches;
};

/* A token prepared for scoring, from a query or a variant. */
typedef struct emb__stok {
  const char *text;
  uint16_t len;
  uint8_t flags;
  float weight;
  uint32_t mask; /* emb__letter_mask of the text */
  int32_t id;    /* vocabulary id, or -1 when the index lacks the token */
} emb__stok;

/* Bit i set for each letter 'a' + i (and bits 26..31 for digits 0-5,
 * bit 31 for any other byte) in s[0..n). An edit changes at most two bits,
 * so popcount(mask_a ^ mask_b) / 2 bounds the edit distance from below. */
uint32_t emb__letter_mask(const char *s, size_t n);

/* Population count without relying on a CPU instruction the build may not
 * target (the generic builtin calls into libgcc). */
static inline int emb__popcount32(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (int)((x * 0x01010101u) >> 24);
}

/* The pair list an explanation is built from. */
#define EMB__MAX_PAIRS 48
typedef struct emb__align_pair {
  uint64_t qmask, cmask; /* tokens covered on each side */
  float sim;
  uint8_t how; /* index into emb__how_names */
} emb__align_pair;

typedef struct emb__alignment {
  emb__align_pair pairs[EMB__MAX_PAIRS];
  size_t n;
  uint64_t qused, cused;
  int acronym; /* matched as initials */
} emb__alignment;

enum {
  EMB__HOW_EXACT = 0,
  EMB__HOW_TYPO,
  EMB__HOW_JOINED,
  EMB__HOW_SPLIT,
  EMB__HOW_ACRONYM,
  EMB__HOW_ABBREV
};
extern const char *const emb__how_names[];

/* Weight for a token with document frequency df and flags. */
float emb__weight(const emb_index *ix, uint32_t df, uint8_t flags);
/* Token id of text, or -1. */
int64_t emb__tok_find(const emb_index *ix, const char *text, size_t len);
/* Calls fn for every token within one edit of text (by the deletion map;
 * may include the token itself and a few at distance two). */
void emb__tok_neighbours(const emb_index *ix, const char *text, size_t len,
                         void (*fn)(void *ud, uint32_t tok), void *ud);
/* Acronym of a token sequence: the initials of its words, stop words left
 * out, legal forms included when with_legal ("SMIC" for Semiconductor
 * Manufacturing International Corporation) and left out otherwise.
 * Written to out (cap bytes); returns its length, or 0 when the sequence
 * does not make one (fewer than 3 words, or a word not starting with a
 * letter or digit). */
size_t emb__acronym(const emb__stok *t, size_t n, int with_legal, char *out,
                    size_t cap);

/* Scores query tokens q against candidate tokens c in [0, 1]. With
 * EMB__MODE_PERSON in mode the candidate's unmatched tokens count in full
 * (a person's extra given name matters) and initials never match;
 * otherwise they count at half weight (an organisation's extra words such
 * as "Technologies Co Ltd" matter less). With EMB__MODE_EXACT tokens must
 * be equal (names transliterated from another script have no typos). al
 * may be NULL; when set it receives the alignment for explanations. */
double emb__score(const emb__stok *q, size_t nq, const emb__stok *c, size_t nc,
                  int mode, emb__alignment *al);

/* The scoring mode of a name form of an entity of type t. A name of an
 * entity whose type the list does not give is scored as a person's when
 * it holds no legal form and no generic business word. */
int emb__mode_for(emb_entity_type t, const emb__token *tok, size_t n,
                  int transliterated);

/* Fills out with the scoring tokens of a normalised form, weights from ix
 * (ix may be NULL: flat weights). */
size_t emb__prepare(const emb_index *ix, const emb__token *t, size_t n,
                    emb__stok *out);

/* An index of only the entities of full's list set whose index i has
 * keep[i] non-zero, sharing full's vocabulary and token weights, so that a
 * name scores against a kept entity exactly as against full. full
 * (borrowed) must outlive *out; caller frees with emb_index_free(). */
emb_status emb__index_subset(const emb_index *full, const unsigned char *keep,
                             emb_index **out);

#endif
