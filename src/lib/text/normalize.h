/* Internal: name normalisation, shared by index building and queries.
 *
 * DESIGN: a name becomes a Latin form (always) and, when the name is written
 * in another script, a script form. Both are sequences of tokens.
 *
 * Latin form: NFKC case fold, traditional Chinese folded to simplified,
 * legal forms in any script replaced by canonical tokens (有限公司 ->
 * "co" "ltd"), other scripts transliterated to Latin (ICU Any-Latin), accents
 * removed (a lock-free fold: decompose, drop marks, a small table for
 * letters such as ø, ł, đ), punctuation to spaces, lower-case ASCII tokens.
 * Abbreviations are expanded ("intl" -> "international", "mfg" ->
 * "manufacturing"); legal forms get canonical spellings ("company" -> "co",
 * "limited" -> "ltd", "gmbh"/"ooo" -> "llc", ...) and the LEGAL flag.
 *
 * Script form (only for names with letters outside Latin): the folded,
 * simplified original text, tokenised on spaces and punctuation, with each
 * Han (CJK ideograph), Hiragana or Katakana character a token of its own;
 * legal forms replaced by the same canonical Latin tokens.
 *
 * Pure-ASCII input takes a fast path that never calls ICU and gives exactly
 * the same tokens as the ICU path would.
 *
 * Thread-safe: ICU objects are created once and used under a lock.
 */
#ifndef EMB_TEXT_NORMALIZE_H
#define EMB_TEXT_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "embargo/status.h"

#define EMB__NORM_MAX_INPUT 1024 /* bytes of input name; more: ETOOBIG */
#define EMB__NORM_MAX_TOKENS 48  /* per form; extra tokens are dropped */
#define EMB__NORM_MAX_TOKEN 48   /* bytes per token; longer are cut */
#define EMB__NORM_BUF 4096       /* storage for both forms' tokens */

enum {
  EMB__TOKF_LEGAL = 1,   /* a canonical legal form: low weight */
  EMB__TOKF_GENERIC = 2, /* a generic business word (international,
                            technology, group, trading, ...) or a stop word
                            (of, the, and): capped weight */
  EMB__TOKF_EXPANDED = 4 /* expanded from an abbreviation ("intl") */
};

typedef struct emb__token {
  const char *text; /* NUL-terminated, inside the emb__normname buffer */
  uint16_t len;     /* bytes */
  uint8_t flags;    /* EMB__TOKF_* */
} emb__token;

typedef struct emb__normname {
  emb__token latin[EMB__NORM_MAX_TOKENS];
  size_t n_latin;
  emb__token script[EMB__NORM_MAX_TOKENS];
  size_t n_script; /* 0 when the name has no non-Latin letters */
  int truncated;   /* tokens were dropped or cut */
  char buf[EMB__NORM_BUF];
} emb__normname;

/* Normalises utf8[0..len). Returns EMB_EUTF8 on malformed UTF-8,
 * EMB_ETOOBIG past EMB__NORM_MAX_INPUT, EMB_EICU if ICU fails. A name with
 * no letters or digits gives zero tokens and EMB_OK. */
emb_status emb__normalize(const char *utf8, size_t len, emb__normname *out);

/* The same, forcing the ICU path even for ASCII input (for tests). */
emb_status emb__normalize_icu(const char *utf8, size_t len, emb__normname *out);

/* Releases ICU objects (call at exit, before u_cleanup). */
void emb__normalize_cleanup(void);

#endif
