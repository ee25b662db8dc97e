/* Name normalisation: see normalize.h for the contract and
 * docs/normalisation.md for the rules.
 *
 * DESIGN: every path ends in the same two steps. A tokeniser turns text
 * into raw tokens (lower case; apostrophes dropped without a break; dots
 * between single letters joined, so "S.A." is "sa"; "&" a token "and";
 * anything else that is not a letter or digit a break). Then process()
 * walks the raw tokens, replaces table entries (legal forms, abbreviations,
 * variants; legal_forms.c) and copies the results, with their flags, into
 * the caller's emb__normname.
 *
 *  - ASCII input: tok_ascii() then process(). No ICU, no malloc, no lock.
 *  - Other input, only Latin letters (accents, ligatures, symbols): NFKC
 *    case fold, NFD, marks dropped and a few letters spelt out
 *    (ascii_fold()), then exactly the ASCII steps. No transliterator and no
 *    lock. For ASCII input this gives the same text as the fast path (the
 *    fold of ASCII is its lower case), which is how emb__normalize_icu()
 *    can promise the same tokens.
 *  - Letters of another script: NFKC case fold, traditional Chinese to
 *    simplified, then tok_script() (Han and kana one character per token).
 *    process() over those tokens is the script form. For the Latin form,
 *    legal forms written in the other script are replaced first by their
 *    canonical ASCII tokens; every Han character becomes its pinyin
 *    syllable (ICU Han-Latin, cached per character); every other non-ASCII
 *    word, or run of kana, is transliterated (Cyrillic by BGN, the rest by
 *    ICU Any-Latin); ascii_fold() and tok_ascii() finish. Tokens that come
 *    from Han or kana are "protected": they skip the tables, so a pinyin
 *    syllable such as "ao" or "de" is never read as a legal form or a stop
 *    word.
 *
 * ICU transliterators are costly to build and not safe to share between
 * threads: each is built once, under g_lock, as a prototype, and every
 * thread that needs one uses its own clone (utrans_clone), kept in
 * thread-specific storage and closed when the thread exits, so that
 * threads transliterating at once never wait for each other. Only the
 * shared pinyin cache takes a lock, for a few instructions. Case folding
 * (unorm2) and character properties need no lock.
 */
#include "normalize.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

#include "../../common/utf8.h"
#include "legal_forms.h"

/* Raw tokens kept before table replacement. A legal form can shrink many
 * raw tokens into one (有限责任公司 is six), so this is larger than
 * EMB__NORM_MAX_TOKENS; tokens past it are dropped (truncated). */
#define RAW_MAX 256
/* Longest table key, in tokens, worth looking ahead for. */
#define LOOKAHEAD 8

/* ICU-path buffer sizes, in UTF-16 units or bytes. NFKC case folding
 * expands at most about 6 units per input byte (U+FDFA), so FOLD_CAP
 * covers any input up to EMB__NORM_MAX_INPUT; a name that still overflows
 * is rejected with EMB_ETOOBIG. */
#define FOLD_CAP 8192
#define PIECE_CAP (2 * FOLD_CAP)
#define SCRATCH_CAP (3 * FOLD_CAP + 4 * RAW_MAX)

/* Kinds of raw token. RK_CANON is a canonical token that replaced a legal
 * form written in another script: its flags are already known. */
enum { RK_WORD = 0, RK_HAN = 1, RK_KANA = 2, RK_CANON = 3 };

typedef struct rawlist {
  emb__lf_tok t[RAW_MAX];
  uint8_t kind[RAW_MAX];  /* RK_* */
  uint8_t flags[RAW_MAX]; /* EMB__TOKF_* of RK_CANON tokens */
  size_t n;
  int alnum;     /* a letter or digit was seen */
  int truncated; /* tokens were dropped */
} rawlist;

/* Where process() writes: one form of the caller's emb__normname. */
typedef struct sink {
  emb__normname *nn;
  size_t *bufpos; /* shared by both forms */
  emb__token *tok;
  size_t *n;
} sink;

static void raw_init(rawlist *rl) {
  rl->n = 0;
  rl->alnum = 0;
  rl->truncated = 0;
}

/* Appends a token; returns 0 (and marks the list truncated) if full. */
static int raw_push(rawlist *rl, const char *s, size_t len, uint8_t kind) {
  if (rl->n == RAW_MAX) {
    rl->truncated = 1;
    return 0;
  }
  rl->t[rl->n].s = s;
  rl->t[rl->n].len = len;
  rl->kind[rl->n] = kind;
  rl->flags[rl->n] = 0;
  rl->n++;
  return 1;
}

/* Length of the longest prefix of s[0..len) of at most max bytes that
 * ends on a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max) {
  if (len <= max) return len;
  size_t n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

static void emit(const sink *k, const char *s, size_t len, uint8_t flags) {
  emb__normname *nn = k->nn;
  if (*k->n >= EMB__NORM_MAX_TOKENS) {
    nn->truncated = 1;
    return;
  }
  if (len > EMB__NORM_MAX_TOKEN - 1) {
    /* Tokens keep room for their NUL within EMB__NORM_MAX_TOKEN bytes. */
    len = utf8_cut(s, len, EMB__NORM_MAX_TOKEN - 1);
    nn->truncated = 1;
  }
  if (*k->bufpos + len + 1 > EMB__NORM_BUF) {
    nn->truncated = 1;
    return;
  }
  char *d = nn->buf + *k->bufpos;
  memcpy(d, s, len);
  d[len] = '\0';
  k->tok[*k->n].text = d;
  k->tok[*k->n].len = (uint16_t)len;
  k->tok[*k->n].flags = flags;
  (*k->n)++;
  *k->bufpos += len + 1;
}

/* Whether table lookups must skip token i. */
static int is_prot(const rawlist *rl, int prot, size_t i) {
  return rl->kind[i] == RK_CANON || (prot && rl->kind[i] != RK_WORD);
}

/* Number of tokens from i on that table lookups may consider. */
static size_t avail_from(const rawlist *rl, int prot, size_t i) {
  size_t a = 0;
  while (i + a < rl->n && a < LOOKAHEAD && !is_prot(rl, prot, i + a)) a++;
  return a;
}

/* An edge-only legal form at rl[i..i+n_in) counts when it ends the name
 * (or, for EMB__LF_EDGE_ANY, starts it), follows a legal form just
 * emitted, or precedes one. */
static int edge_ok(const rawlist *rl, int prot, size_t i, size_t n_in, int mode,
                   const sink *k) {
  if (i + n_in >= rl->n) return 1;
  if (i == 0 && mode == EMB__LF_EDGE_ANY) return 1;
  if (*k->n > 0 && (k->tok[*k->n - 1].flags & EMB__TOKF_LEGAL)) return 1;
  size_t j = i + n_in;
  if (rl->kind[j] == RK_CANON) return (rl->flags[j] & EMB__TOKF_LEGAL) != 0;
  emb__lf_result r;
  return emb__lf_match(&rl->t[j], avail_from(rl, prot, j), &r) &&
         !r.edge_only && (r.out_flags[0] & EMB__TOKF_LEGAL);
}

/* Applies the tables to rl and emits the result. With prot set, tokens
 * from Han or kana are copied as they are. RK_CANON tokens keep their
 * flags. */
static void process(const rawlist *rl, int prot, const sink *k) {
  if (!rl->alnum) return; /* punctuation only: no tokens at all */
  if (rl->truncated) k->nn->truncated = 1;
  for (size_t i = 0; i < rl->n;) {
    if (rl->kind[i] == RK_CANON) {
      emit(k, rl->t[i].s, rl->t[i].len, rl->flags[i]);
      i++;
      continue;
    }
    size_t a = avail_from(rl, prot, i);
    emb__lf_result r;
    if (a > 0 && emb__lf_match(&rl->t[i], a, &r) &&
        (!r.edge_only || edge_ok(rl, prot, i, r.n_in, r.edge_only, k))) {
      for (size_t j = 0; j < r.n_out; j++)
        emit(k, r.out[j], r.out_len[j], r.out_flags[j]);
      i += r.n_in;
    } else {
      emit(k, rl->t[i].s, rl->t[i].len, 0);
      i++;
    }
  }
}

/* ---------------------------------------------------------------------
 * ASCII tokeniser, shared by the fast path and the ICU paths.
 * ------------------------------------------------------------------- */

static int a_alpha(unsigned c) {
  return (unsigned)((c | 0x20) - 'a') < 26;
}

static int a_alnum(unsigned c) {
  return a_alpha(c) || (unsigned)(c - '0') < 10;
}

/* Tokenises s[0..n) into rl. Token bytes (lower case) go to sb from *sbpos
 * on, at most sbcap in all; the tokens point there. Bytes >= 0x80 (left
 * over by transliteration) are breaks. */
static void tok_ascii(const char *s, size_t n, char *sb, size_t sbcap,
                      size_t *sbpos, rawlist *rl, uint8_t kind) {
  size_t w = *sbpos, start = w, seg = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    if (a_alnum(c)) {
      if (w == sbcap) {
        rl->truncated = 1;
        continue;
      }
      /* OR 0x20 lower-cases letters and leaves digits as they are. */
      sb[w++] = (char)(c | 0x20);
      seg++;
      rl->alnum = 1;
      continue;
    }
    if (c == '\'' || c == '`') continue;
    /* "S.A.", "U.S.A", "L.L.C.": a dot after a single letter and before
     * another single letter joins them. */
    if (c == '.' && seg == 1 && a_alpha((unsigned char)sb[w - 1]) &&
        i + 1 < n && a_alpha((unsigned char)s[i + 1]) &&
        (i + 2 == n || !a_alnum((unsigned char)s[i + 2]))) {
      seg = 0;
      continue;
    }
    if (w > start) raw_push(rl, sb + start, w - start, kind);
    start = w;
    seg = 0;
    if (c == '&') raw_push(rl, "and", 3, kind);
  }
  if (w > start) raw_push(rl, sb + start, w - start, kind);
  *sbpos = w;
}

static emb_status norm_ascii(const char *s, size_t len, emb__normname *out) {
  char sb[EMB__NORM_MAX_INPUT];
  rawlist rl;
  raw_init(&rl);
  size_t sp = 0, bp = 0;
  tok_ascii(s, len, sb, sizeof(sb), &sp, &rl, RK_WORD);
  sink k = {out, &bp, out->latin, &out->n_latin};
  process(&rl, 0, &k);
  return EMB_OK;
}

/* ---------------------------------------------------------------------
 * UTF-8 validation.
 * ------------------------------------------------------------------- */

/* Validation is emb__utf8_valid() (common/utf8.h), shared with the list
 * loaders. */

/* ---------------------------------------------------------------------
 * Folding Latin text to ASCII, without a lock.
 * ------------------------------------------------------------------- */

/* ASCII for Latin letters that have no canonical decomposition (given
 * case-folded). The rest of Latin loses its accents by NFD. */
static const char *special_latin(UChar32 c) {
  switch (c) {
    case 0x00E6:
      return "ae"; /* æ */
    case 0x0153:
      return "oe"; /* œ */
    case 0x00F8:
      return "o"; /* ø */
    case 0x0142:
      return "l"; /* ł */
    case 0x0111:
      return "d"; /* đ */
    case 0x00F0:
      return "d"; /* ð */
    case 0x00FE:
      return "th"; /* þ */
    case 0x0131:
      return "i"; /* dotless i */
    case 0x0127:
      return "h"; /* ħ */
    case 0x014B:
      return "ng"; /* ŋ */
    case 0x0167:
      return "t"; /* ŧ */
    case 0x0138:
      return "q"; /* ĸ */
    case 0x0192:
      return "f"; /* ƒ */
    case 0x0259:
      return "a"; /* ə: Azerbaijani, "Əliyev" is "Aliyev" */
    case 0x01DD:
      return "e"; /* ǝ */
    case 0x025B:
      return "e"; /* ɛ */
    case 0x0254:
      return "o"; /* ɔ */
    case 0x0253:
      return "b"; /* ɓ */
    case 0x0257:
      return "d"; /* ɗ */
    case 0x0199:
      return "k"; /* ƙ */
    case 0x01B4:
      return "y"; /* ƴ */
    case 0x0268:
      return "i"; /* ɨ */
    case 0x0289:
      return "u"; /* ʉ */
    default:
      return NULL;
  }
}

static int is_apostrophe(UChar32 c) {
  return c == 0x2018 || c == 0x2019 || c == 0x02BC || c == 0x02BB ||
         c == 0x02B9 || c == 0x02BA || c == 0x2032;
}

/* Writes an ASCII rendering of the NFD text d[0..n) to out (capacity
 * cap), returning its length: ASCII as it is, combining marks dropped
 * (accents, tone marks), the letters above spelt out, digits of any script
 * as ASCII digits, apostrophes as "'", anything else a space (a break). */
static size_t ascii_fold(const UChar *d, int32_t n, char *out, size_t cap) {
  size_t w = 0;
  for (int32_t i = 0; i < n && w + 3 <= cap;) {
    UChar32 c;
    U16_NEXT(d, i, n, c);
    if (c < 0x80) {
      out[w++] = (char)c;
      continue;
    }
    int8_t gc = u_charType(c);
    if (gc == U_NON_SPACING_MARK || gc == U_COMBINING_SPACING_MARK ||
        gc == U_ENCLOSING_MARK)
      continue;
    if (is_apostrophe(c)) {
      out[w++] = '\'';
      continue;
    }
    if (gc == U_DECIMAL_DIGIT_NUMBER) {
      int32_t v = u_charDigitValue(c);
      out[w++] = (char)(v >= 0 && v <= 9 ? '0' + v : ' ');
      continue;
    }
    const char *sp = special_latin(u_foldCase(c, U_FOLD_CASE_DEFAULT));
    if (sp != NULL) {
      while (*sp != '\0') out[w++] = *sp++;
      continue;
    }
    out[w++] = ' ';
  }
  return w;
}

/* NFD of t[0..n) into buf (capacity cap), then ascii_fold() into out.
 * Returns the ASCII length, or -1 if a buffer is too small. */
static long nfd_ascii(const UChar *t, int32_t n, UChar *buf, int32_t cap,
                      char *out, size_t outcap) {
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
  int32_t m = 0;
  if (U_SUCCESS(st)) m = unorm2_normalize(nfd, t, n, buf, cap, &st);
  if (U_FAILURE(st)) return -1;
  size_t len = ascii_fold(buf, m, out, outcap);
  /* ascii_fold() stops when out is nearly full: treat that as too big. */
  if (len + 3 > outcap) return -1;
  return (long)len;
}

/* ---------------------------------------------------------------------
 * ICU transliterators.
 * ------------------------------------------------------------------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static UTransliterator *g_t2s;   /* traditional to simplified Chinese */
static UTransliterator *g_han;   /* Han to pinyin */
static UTransliterator *g_latin; /* other scripts to Latin */

/* Russian BGN/PCGN for Cyrillic gives the spellings OFAC and most Western
 * lists use ("kosmicheskiy", "yevgeniy"); its marks for hard and soft
 * signs and its disambiguating middle dot are removed so that words stay
 * whole. Other scripts (and Cyrillic letters Russian lacks) go through
 * Any-Latin: kana to romaji, Hangul, Arabic, Greek, ... Accents are
 * dropped afterwards by ascii_fold(). */
static const char k_latin_id[] =
    "Russian-Latin/BGN; [\\u02B9\\u02BA\\u00B7] Remove; Any-Latin";

/* Pinyin of each Han character of the main CJK block, filled on first use
 * under g_lock (ICU's Han-Latin takes 3 to 30 us a character). An empty
 * slot is unknown; "\x01" means no reading. Han-Latin reads one character
 * at a time anyway (银行 gives "yin xing" in a phrase or not), so the
 * cache changes no result. */
#define HAN_FIRST 0x4E00
#define HAN_LAST 0x9FFF
static char g_pinyin[HAN_LAST - HAN_FIRST + 1][8];

static UTransliterator *open_trans(const char *id, UErrorCode *st) {
  UChar uid[128];
  u_uastrncpy(uid, id, (int32_t)(sizeof(uid) / sizeof(uid[0])));
  return utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, st);
}

/* Builds the prototypes on first use. Call with g_lock held. */
static int ensure_trans(void) {
  if (g_t2s != NULL && g_han != NULL && g_latin != NULL) return 1;
  UErrorCode st = U_ZERO_ERROR;
  if (g_t2s == NULL) g_t2s = open_trans("Traditional-Simplified", &st);
  if (U_SUCCESS(st) && g_han == NULL) g_han = open_trans("Han-Latin", &st);
  if (U_SUCCESS(st) && g_latin == NULL) g_latin = open_trans(k_latin_id, &st);
  return U_SUCCESS(st) && g_t2s != NULL && g_han != NULL && g_latin != NULL;
}

/* One thread's clones of the prototypes. */
typedef struct trans_set {
  UTransliterator *t2s, *han, *latin;
} trans_set;

static pthread_key_t g_key;
static int g_key_ok; /* g_key exists; guarded by g_lock */

static void trans_set_free(void *p) {
  trans_set *ts = p;
  if (ts == NULL) return;
  if (ts->t2s != NULL) utrans_close(ts->t2s);
  if (ts->han != NULL) utrans_close(ts->han);
  if (ts->latin != NULL) utrans_close(ts->latin);
  free(ts);
}

/* The calling thread's transliterators, cloned from the prototypes on the
 * thread's first use; NULL when ICU fails or memory runs out. */
static trans_set *thread_trans(void) {
  if (__atomic_load_n(&g_key_ok, __ATOMIC_ACQUIRE)) {
    trans_set *ts = pthread_getspecific(g_key);
    if (ts != NULL) return ts;
  }
  trans_set *ts = calloc(1, sizeof(*ts));
  if (ts == NULL) return NULL;
  UErrorCode st = U_ZERO_ERROR;
  pthread_mutex_lock(&g_lock);
  int ok = g_key_ok || pthread_key_create(&g_key, trans_set_free) == 0;
  if (ok && !g_key_ok) __atomic_store_n(&g_key_ok, 1, __ATOMIC_RELEASE);
  ok = ok && ensure_trans();
  if (ok) {
    ts->t2s = utrans_clone(g_t2s, &st);
    ts->han = utrans_clone(g_han, &st);
    ts->latin = utrans_clone(g_latin, &st);
  }
  pthread_mutex_unlock(&g_lock);
  if (!ok || U_FAILURE(st) || ts->t2s == NULL || ts->han == NULL ||
      ts->latin == NULL || pthread_setspecific(g_key, ts) != 0) {
    trans_set_free(ts);
    return NULL;
  }
  return ts;
}

void emb__normalize_cleanup(void) {
  pthread_mutex_lock(&g_lock);
  if (g_key_ok) {
    /* Threads that have exited closed their own clones; this thread's
     * go now. */
    trans_set_free(pthread_getspecific(g_key));
    pthread_setspecific(g_key, NULL);
    pthread_key_delete(g_key);
    __atomic_store_n(&g_key_ok, 0, __ATOMIC_RELEASE);
  }
  if (g_t2s != NULL) utrans_close(g_t2s);
  if (g_han != NULL) utrans_close(g_han);
  if (g_latin != NULL) utrans_close(g_latin);
  g_t2s = g_han = g_latin = NULL;
  pthread_mutex_unlock(&g_lock);
}

/* Runs t (the calling thread's own) over buf[0..*len) in place (capacity
 * cap). Returns 0 if the result would not fit. */
static int translit(UTransliterator *t, UChar *buf, int32_t *len, int32_t cap) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t limit = *len;
  utrans_transUChars(t, buf, len, cap, 0, &limit, &st);
  return U_SUCCESS(st) && *len <= cap;
}

/* ---------------------------------------------------------------------
 * The ICU path.
 * ------------------------------------------------------------------- */

typedef struct icu_ws {
  UChar u[EMB__NORM_MAX_INPUT + 1];
  UChar f[FOLD_CAP];      /* folded text */
  UChar piece[PIECE_CAP]; /* a piece being transliterated */
  UChar nfd[PIECE_CAP];   /* its NFD */
  char s8[SCRATCH_CAP];   /* ASCII text or script-token bytes */
  char p8[PIECE_CAP];     /* a transliterated piece, ASCII */
  char lat[SCRATCH_CAP];  /* Latin-token bytes */
  rawlist rs;             /* script raw tokens */
  rawlist rl;             /* Latin raw tokens */
  trans_set *ts;          /* this thread's transliterators */
} icu_ws;

enum { C_SEP, C_LETTER, C_DIGIT, C_MARK, C_HAN, C_KANA, C_SKIP, C_AND, C_DOT };

/* Characters the script form drops without a break. */
static int is_skipped(UChar32 c) {
  /* Apostrophes; Arabic tatweel (a stretching stroke) and superscript
   * alef. */
  if (c == 0x27 || c == 0x60 || is_apostrophe(c) || c == 0x0640 || c == 0x0670)
    return 1;
  /* Arabic short vowels and Hebrew points are often missing from list
   * entries, so they are left out of the script form. */
  if (c >= 0x064B && c <= 0x065F) return 1;
  if (c >= 0x0591 && c <= 0x05BD) return 1;
  return c == 0x05BF || c == 0x05C1 || c == 0x05C2 || c == 0x05C4 ||
         c == 0x05C5 || c == 0x05C7;
}

static int classify(UChar32 c) {
  if (c < 0x80) {
    if (a_alpha((unsigned)c)) return C_LETTER;
    if (a_alnum((unsigned)c)) return C_DIGIT;
    if (c == '&') return C_AND;
    if (c == '.') return C_DOT;
    return is_skipped(c) ? C_SKIP : C_SEP;
  }
  if (is_skipped(c)) return C_SKIP;
  if (c == 0x30FC) return C_KANA; /* katakana long vowel mark */
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) {
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &st);
    if (sc == USCRIPT_HAN) return C_HAN;
    if (sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA) return C_KANA;
    return C_LETTER;
  }
  if (u_isdigit(c)) return C_DIGIT;
  int8_t gc = u_charType(c);
  if (gc == U_NON_SPACING_MARK || gc == U_COMBINING_SPACING_MARK ||
      gc == U_ENCLOSING_MARK)
    return C_MARK;
  return C_SEP;
}

/* A letter of a script other than Latin (Common and Inherited letters,
 * such as the kana long vowel mark, do not count). */
static int non_latin_letter(UChar32 c) {
  if (c < 0x80 || !u_hasBinaryProperty(c, UCHAR_ALPHABETIC)) return 0;
  UErrorCode st = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &st);
  return sc != USCRIPT_LATIN && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED;
}

/* Appends code point c as UTF-8 to sb; 0 if it does not fit. */
static int put8(char *sb, size_t cap, size_t *w, UChar32 c) {
  if (cap - *w < 4) return 0;
  int32_t i = 0;
  UBool err = 0;
  U8_APPEND((uint8_t *)(sb + *w), i, 4, c, err);
  if (err) return 0;
  *w += (size_t)i;
  return 1;
}

/* The script-form tokeniser: like tok_ascii() but over folded UTF-16
 * text, with each Han or kana character a token of its own. */
static void tok_script(const UChar *f, int32_t n, char *sb, size_t cap,
                       rawlist *rl) {
  size_t w = 0, start = 0, seg = 0;
  int last_letter = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(f, i, n, c);
    int cls = classify(c);
    switch (cls) {
      case C_LETTER:
      case C_DIGIT:
      case C_MARK:
        if (!put8(sb, cap, &w, c)) {
          rl->truncated = 1;
          break;
        }
        if (cls != C_MARK) {
          seg++;
          last_letter = cls == C_LETTER;
          rl->alnum = 1;
        }
        continue;
      case C_SKIP:
        continue;
      case C_DOT: {
        /* Joins single letters as tok_ascii() does ("А.О." is "ао"). */
        if (seg != 1 || !last_letter || i >= n) break;
        int32_t j = i;
        UChar32 c1, c2;
        U16_NEXT(f, j, n, c1);
        int after = C_SEP;
        if (j < n) {
          U16_NEXT(f, j, n, c2);
          after = classify(c2);
        }
        if (classify(c1) == C_LETTER && after != C_LETTER && after != C_DIGIT &&
            after != C_MARK) {
          seg = 0;
          continue;
        }
        break;
      }
      default:
        break;
    }
    /* A break (or a Han or kana character, which is a token alone). */
    if (w > start) raw_push(rl, sb + start, w - start, RK_WORD);
    start = w;
    seg = 0;
    if (cls == C_AND) {
      raw_push(rl, "and", 3, RK_WORD);
    } else if (cls == C_HAN || cls == C_KANA) {
      if (put8(sb, cap, &w, c)) {
        raw_push(rl, sb + start, w - start, cls == C_HAN ? RK_HAN : RK_KANA);
        rl->alnum = 1;
      } else {
        rl->truncated = 1;
      }
      start = w;
    }
  }
  if (w > start) raw_push(rl, sb + start, w - start, RK_WORD);
}

static int is_ascii_tok(const emb__lf_tok *t) {
  for (size_t i = 0; i < t->len; i++)
    if ((unsigned char)t->s[i] >= 0x80) return 0;
  return 1;
}

/* Transliterates piece[0..ulen) with t, folds it to ASCII and tokenises it
 * into the Latin raw tokens with the given kind. */
static void latin_tokens(icu_ws *ws, UTransliterator *t, int32_t ulen,
                         uint8_t kind, size_t *latpos) {
  long blen = -1;
  if (translit(t, ws->piece, &ulen, PIECE_CAP))
    blen =
        nfd_ascii(ws->piece, ulen, ws->nfd, PIECE_CAP, ws->p8, sizeof(ws->p8));
  if (blen < 0) {
    ws->rl.truncated = 1;
    return;
  }
  tok_ascii(ws->p8, (size_t)blen, ws->lat, sizeof(ws->lat), latpos, &ws->rl,
            kind);
}

/* The pinyin of one Han character (a token of tok_script()), from the
 * shared cache (read and filled under g_lock, a copy of 8 bytes) or from
 * this thread's Han-Latin. */
static void han_tokens(icu_ws *ws, const emb__lf_tok *t, size_t *latpos) {
  UChar32 c;
  int32_t i = 0;
  U8_NEXT((const uint8_t *)t->s, i, (int32_t)t->len, c);
  char *slot = NULL;
  char got[sizeof(g_pinyin[0])] = "";
  if (c >= HAN_FIRST && c <= HAN_LAST) {
    slot = g_pinyin[c - HAN_FIRST];
    pthread_mutex_lock(&g_lock);
    memcpy(got, slot, sizeof(got));
    pthread_mutex_unlock(&g_lock);
  }
  if (got[0] == '\0') {
    int32_t ulen = 0;
    U16_APPEND_UNSAFE(ws->piece, ulen, c);
    size_t before = ws->rl.n, pos = *latpos;
    int was_truncated = ws->rl.truncated;
    latin_tokens(ws, ws->ts->han, ulen, RK_HAN, latpos);
    if (slot == NULL || ws->rl.truncated != was_truncated) return;
    /* Cache a single syllable; anything else is looked up each time. */
    if (ws->rl.n == before) {
      got[0] = '\x01';
    } else if (ws->rl.n == before + 1 && *latpos - pos < sizeof(got)) {
      memcpy(got, ws->lat + pos, *latpos - pos);
      got[*latpos - pos] = '\0';
    } else {
      return;
    }
    pthread_mutex_lock(&g_lock);
    memcpy(slot, got, sizeof(got));
    pthread_mutex_unlock(&g_lock);
    return;
  }
  if (got[0] == '\x01') return;
  tok_ascii(got, strlen(got), ws->lat, sizeof(ws->lat), latpos, &ws->rl,
            RK_HAN);
}

/* Builds the Latin raw tokens from the script raw tokens. */
static void latin_from_script(icu_ws *ws) {
  const rawlist *rs = &ws->rs;
  rawlist *rl = &ws->rl;
  size_t latpos = 0;
  rl->alnum = rs->alnum;
  if (rs->truncated) rl->truncated = 1;
  for (size_t i = 0; i < rs->n;) {
    const emb__lf_tok *t = &rs->t[i];
    if (is_ascii_tok(t)) {
      /* Already lower-case letters and digits, as tok_ascii() makes. */
      raw_push(rl, t->s, t->len, RK_WORD);
      i++;
      continue;
    }
    /* A legal form in another script (ООО, 有限公司): its canonical tokens
     * replace it before transliteration. Such keys start with a
     * non-ASCII token, so a match here is always one of them. */
    size_t a = rs->n - i < LOOKAHEAD ? rs->n - i : LOOKAHEAD;
    emb__lf_result r;
    if (emb__lf_match(t, a, &r)) {
      for (size_t j = 0; j < r.n_out; j++) {
        if (raw_push(rl, r.out[j], r.out_len[j], RK_CANON))
          rl->flags[rl->n - 1] = r.out_flags[j];
      }
      i += r.n_in;
      continue;
    }
    if (rs->kind[i] == RK_HAN) {
      han_tokens(ws, t, &latpos);
      i++;
      continue;
    }
    /* A run of kana is one word ("トヨタ" is "toyota"); any other word is
     * transliterated whole. */
    size_t j = i + 1;
    if (rs->kind[i] == RK_KANA)
      while (j < rs->n && rs->kind[j] == RK_KANA) j++;
    int32_t ulen = 0;
    for (size_t k = i; k < j; k++) {
      UErrorCode st = U_ZERO_ERROR;
      int32_t got = 0;
      u_strFromUTF8(ws->piece + ulen, PIECE_CAP / 2 - ulen, &got, rs->t[k].s,
                    (int32_t)rs->t[k].len, &st);
      if (U_FAILURE(st)) {
        rl->truncated = 1;
        break;
      }
      ulen += got;
    }
    latin_tokens(ws, ws->ts->latin, ulen, rs->kind[i], &latpos);
    i = j;
  }
}

static emb_status norm_icu(const char *s, size_t len, emb__normname *out) {
  icu_ws *ws = malloc(sizeof(*ws));
  if (ws == NULL) return EMB_ENOMEM;
  emb_status ret = EMB_OK;
  UErrorCode st = U_ZERO_ERROR;
  int32_t ulen = 0, flen = 0;
  u_strFromUTF8(ws->u, EMB__NORM_MAX_INPUT + 1, &ulen, s, (int32_t)len, &st);
  const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&st);
  if (U_SUCCESS(st))
    flen = unorm2_normalize(nfkc, ws->u, ulen, ws->f, FOLD_CAP, &st);
  if (U_FAILURE(st)) {
    free(ws);
    return st == U_BUFFER_OVERFLOW_ERROR ? EMB_ETOOBIG : EMB_EICU;
  }
  int has_han = 0, non_latin = 0;
  for (int32_t i = 0; i < flen && !has_han;) {
    UChar32 c;
    U16_NEXT(ws->f, i, flen, c);
    if (non_latin_letter(c)) {
      UErrorCode se = U_ZERO_ERROR;
      non_latin = 1;
      has_han = uscript_getScript(c, &se) == USCRIPT_HAN;
    }
  }
  size_t bp = 0;
  sink lk = {out, &bp, out->latin, &out->n_latin};
  raw_init(&ws->rs);
  raw_init(&ws->rl);
  if (!non_latin) {
    /* Latin letters only: fold to ASCII, then the ASCII steps. No lock. */
    long blen =
        nfd_ascii(ws->f, flen, ws->piece, PIECE_CAP, ws->s8, sizeof(ws->s8));
    if (blen < 0) {
      ret = EMB_ETOOBIG;
    } else {
      size_t sp = 0;
      tok_ascii(ws->s8, (size_t)blen, ws->lat, sizeof(ws->lat), &sp, &ws->rl,
                RK_WORD);
      process(&ws->rl, 0, &lk);
    }
    free(ws);
    return ret;
  }
  ws->ts = thread_trans();
  if (ws->ts == NULL) {
    ret = EMB_EICU;
  } else if (has_han && !translit(ws->ts->t2s, ws->f, &flen, FOLD_CAP)) {
    ret = EMB_ETOOBIG;
  } else {
    tok_script(ws->f, flen, ws->s8, sizeof(ws->s8), &ws->rs);
    latin_from_script(ws);
  }
  if (ret == EMB_OK) {
    /* The Latin form first: if the buffer runs short, the script form is
     * the one that loses tokens. */
    process(&ws->rl, 1, &lk);
    sink sk = {out, &bp, out->script, &out->n_script};
    process(&ws->rs, 0, &sk);
  }
  free(ws);
  return ret;
}

/* ---------------------------------------------------------------------
 * Entry points.
 * ------------------------------------------------------------------- */

static emb_status start(const char *utf8, size_t len, emb__normname *out) {
  if (out == NULL) return EMB_EINVAL;
  out->n_latin = 0;
  out->n_script = 0;
  out->truncated = 0;
  if (utf8 == NULL && len > 0) return EMB_EINVAL;
  if (len > EMB__NORM_MAX_INPUT) return EMB_ETOOBIG;
  return EMB_OK;
}

emb_status emb__normalize(const char *utf8, size_t len, emb__normname *out) {
  emb_status st = start(utf8, len, out);
  if (st != EMB_OK) return st;
  size_t i = 0;
  while (i < len && (unsigned char)utf8[i] < 0x80) i++;
  if (i == len) return norm_ascii(utf8, len, out);
  if (!emb__utf8_valid((const unsigned char *)utf8 + i, len - i))
    return EMB_EUTF8;
  return norm_icu(utf8, len, out);
}

emb_status emb__normalize_icu(const char *utf8, size_t len,
                              emb__normname *out) {
  emb_status st = start(utf8, len, out);
  if (st != EMB_OK) return st;
  if (len > 0 && !emb__utf8_valid((const unsigned char *)utf8, len))
    return EMB_EUTF8;
  return norm_icu(len > 0 ? utf8 : "", len, out);
}
