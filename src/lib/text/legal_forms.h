/* Internal to src/lib/text: the tables of legal forms, abbreviations and
 * generic words that name normalisation applies to token sequences.
 *
 * A table key is a sequence of tokens exactly as the tokeniser produces them
 * (lower case, apostrophes and dots between single letters already removed:
 * "l.l.c." arrives as "llc", "int'l" as "intl"), written with one space
 * between tokens. CJK keys are written one character per token because the
 * script-form tokeniser makes each Han or kana character a token
 * ("有 限 公 司"). A match replaces the tokens with up to
 * EMB__LF_MAX_OUT canonical tokens, each with its EMB__TOKF_* flags.
 */
#ifndef EMB_TEXT_LEGAL_FORMS_H
#define EMB_TEXT_LEGAL_FORMS_H

#include <stddef.h>
#include <stdint.h>

#define EMB__LF_MAX_OUT 3

enum {
  EMB__LF_EDGE_NONE = 0, /* anywhere */
  EMB__LF_EDGE_END = 1,  /* last in the name, or next to a legal form */
  EMB__LF_EDGE_ANY = 2   /* first or last, or next to a legal form */
};

/* A borrowed view of one token: s[0..len), not NUL-terminated. */
typedef struct emb__lf_tok {
  const char *s;
  size_t len;
} emb__lf_tok;

typedef struct emb__lf_result {
  size_t n_in;  /* tokens consumed */
  size_t n_out; /* canonical tokens produced (1..EMB__LF_MAX_OUT) */
  /* Static storage; out[j][0..out_len[j]) is a token, not NUL-terminated. */
  const char *out[EMB__LF_MAX_OUT];
  uint8_t out_len[EMB__LF_MAX_OUT];
  uint8_t out_flags[EMB__LF_MAX_OUT]; /* EMB__TOKF_* */
  /* EMB__LF_EDGE_*: for an ambiguous short legal form ("sa", "as", "ao"),
   * where in a name the caller may apply it; elsewhere it keeps the
   * token as it is. */
  uint8_t edge_only;
} emb__lf_result;

/* Finds the longest table entry whose key equals the token sequence
 * t[0..k) for some k <= n. Returns 1 and fills *r, or 0 if no entry starts
 * with t[0]. Thread-safe (the tables are built once and never change);
 * allocates nothing. */
int emb__lf_match(const emb__lf_tok *t, size_t n, emb__lf_result *r);

/* For unit tests: 0 if the tables are sound (no duplicate keys, keys and
 * outputs well formed, every canonical legal token maps to itself), else
 * the 1-based index of the first bad entry. */
int emb__lf_selfcheck(void);

/* Number of entries (for the documentation and tests). */
size_t emb__lf_count(void);

#endif
