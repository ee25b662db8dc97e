/* Legal forms, abbreviations and generic words for name normalisation.
 *
 * DESIGN: one static table, written for people to read and grouped by
 * kind. At first use (pthread_once) the entries are sorted by key, so that
 * all keys starting with the same first token are adjacent ("joint",
 * "joint stock", "joint stock company": a space sorts before any letter),
 * and a hash table maps each distinct first token to its group. Each
 * entry's output tokens and flags are worked out then too. Nothing changes
 * after that, so lookups need no lock and allocate nothing. A lookup
 * hashes the first token (most tokens miss here), then tries the few keys
 * of its group against the following tokens; the longest match wins.
 *
 * Kinds of entry:
 *   LEGAL    a legal form; its output tokens are canonical legal forms
 *            ("co", "ltd", "llc", "jsc", ...) flagged EMB__TOKF_LEGAL.
 *            Ambiguous short forms are marked edge-only: "sa", "as", "ag"
 *            and the like count only at the end of a name, "ao", "ab" and
 *            "pt" (which lead: "AO Kosmos", "AB Volvo", "PT Bank X") at
 *            either end, and both next to another legal form; elsewhere
 *            the token stays as it is, so "Sa Ding" keeps its "sa".
 *   GENERIC  a generic business word or a stop word, kept as it is and
 *            flagged EMB__TOKF_GENERIC.
 *   VARIANT  another spelling of a generic word ("technologies",
 *            "holdings"): replaced by the canonical spelling, which takes
 *            that word's flags.
 *   ABBREV   an unambiguous abbreviation ("intl", "mfg"): expanded and
 *            flagged EMB__TOKF_EXPANDED plus the expansion's own flags.
 *
 * Only unambiguous abbreviations are expanded: "ind" (India? industry?),
 * "elec" (electric? electronics?), "res", "eng" (also a name), "dev" and
 * "gen" are left alone.
 */
#include "legal_forms.h"

#include <pthread.h>
#include <string.h>

#include "normalize.h"

enum { K_LEGAL, K_GENERIC, K_VARIANT, K_ABBREV };

typedef struct lf_entry {
  const char *key; /* tokens separated by one space */
  const char *out; /* canonical tokens separated by one space; NULL: key */
  uint8_t kind;
  uint8_t edge; /* EMB__LF_EDGE_* */
} lf_entry;

#define L(k, o) \
  { k, o, K_LEGAL, 0 }
#define LE(k, o) \
  { k, o, K_LEGAL, EMB__LF_EDGE_END }
#define LA(k, o) \
  { k, o, K_LEGAL, EMB__LF_EDGE_ANY }
#define G(k) \
  { k, NULL, K_GENERIC, 0 }
#define GO(k, o) \
  { k, o, K_GENERIC, 0 }
#define V(k, o) \
  { k, o, K_VARIANT, 0 }
#define A(k, o) \
  { k, o, K_ABBREV, 0 }

static const lf_entry k_entries[] = {
    /* --- Canonical legal forms (each maps to itself). --- */
    L("co", NULL),
    L("ltd", NULL),
    L("corp", NULL),
    L("inc", NULL),
    L("llc", NULL),
    L("plc", NULL),
    L("jsc", NULL),
    L("llp", NULL),
    L("pte", NULL),
    L("pvt", NULL),
    L("sdn", NULL),
    L("bhd", NULL),
    L("fze", NULL),
    L("fzco", NULL),
    L("fzc", NULL),
    L("tbk", NULL),
    L("wll", NULL),
    L("aps", NULL),
    LE("sa", NULL),
    LE("sas", NULL),
    LE("spa", NULL),
    LE("ag", NULL),
    LE("nv", NULL),
    LE("bv", NULL),
    LA("ab", NULL),
    LE("as", NULL),
    LE("oy", NULL),
    LE("kk", NULL),
    LE("kg", NULL),
    LE("lp", NULL),
    LA("pt", NULL),
    LE("cv", NULL),

    /* Company. */
    L("company", "co"),
    L("compania", "co"),
    L("companhia", "co"),
    L("compagnie", "co"),
    L("compagnia", "co"),
    L("cia", "co"),
    L("cie", "co"),
    L("kompaniya", "co"),
    L("kompaniia", "co"),
    L("sirketi", "co"),
    L("sti", "co"),
    L("sherkat", "co"),
    L("sharikat", "co"),
    L("shirkat", "co"),
    L("gongsi", "co"),
    L("kaisha", "co"),
    L("cong ty", "co"),
    L("limited company", "ltd co"),

    /* Limited. */
    L("limited", "ltd"),
    L("ltda", "ltd"),
    L("lda", "ltd"),
    L("limitada", "ltd"),
    L("ltee", "ltd"),
    L("youxian gongsi", "co ltd"),
    L("gufen youxian gongsi", "co ltd"),
    L("private limited", "pvt ltd"),
    L("private ltd", "pvt ltd"),

    /* Corporation, incorporated. */
    L("corporation", "corp"),
    L("corporacion", "corp"),
    L("corporacao", "corp"),
    L("korporatsiya", "corp"),
    L("korporatsiia", "corp"),
    L("incorporated", "inc"),

    /* Limited liability companies and their equivalents. */
    L("gmbh", "llc"),
    L("mbh", "llc"),
    L("ggmbh", "llc"),
    L("ooo", "llc"),
    L("tov", "llc"),
    L("sarl", "llc"),
    L("srl", "llc"),
    L("sro", "llc"),
    L("spol s ro", "llc"),
    L("spzoo", "llc"),
    L("sp z o o", "llc"),
    L("sp z oo", "llc"),
    L("sp zoo", "llc"),
    L("kft", "llc"),
    L("doo", "llc"),
    L("dooel", "llc"),
    L("ood", "llc"),
    L("eood", "llc"),
    L("pllc", "llc"),
    L("eurl", "llc"),
    L("slu", "llc"),
    LE("sl", "llc"),
    L("tnhh", "llc"),
    L("cong ty tnhh", "co llc"),
    L("limited liability company", "llc"),
    L("limited liability co", "llc"),
    L("l l c", "llc"),
    L("obshchestvo s ogranichennoy otvetstvennostyu", "llc"),
    L("obshchestvo s ogranichennoi otvetstvennostiu", "llc"),
    L("obshestvo s ogranichennoy otvetstvennostyu", "llc"),
    L("tovarystvo z obmezhenoyu vidpovidalnistyu", "llc"),
    L("gesellschaft mit beschrankter haftung", "llc"),
    L("sociedad de responsabilidad limitada", "llc"),
    L("societe a responsabilite limitee", "llc"),
    L("societa a responsabilita limitata", "llc"),
    L("spolka z ograniczona odpowiedzialnoscia", "llc"),
    L("s de rl", "llc"),
    L("s de rl de cv", "llc cv"),
    L("youxian zeren gongsi", "llc"),
    L("yugen kaisha", "llc"),
    L("godo kaisha", "llc"),

    /* Public limited companies. */
    L("public limited company", "plc"),
    L("public company limited", "plc"),
    L("pcl", "plc"),

    /* Joint-stock companies (Russian, Ukrainian, Hungarian, ...). */
    L("ojsc", "jsc"),
    L("pjsc", "jsc"),
    L("cjsc", "jsc"),
    L("oao", "jsc"),
    L("zao", "jsc"),
    L("pao", "jsc"),
    LA("ao", "jsc"),
    L("prat", "jsc"),
    L("zrt", "jsc"),
    L("nyrt", "jsc"),
    L("joint stock", "jsc"),
    L("joint stock company", "jsc"),
    L("joint stock co", "jsc"),
    L("open joint stock company", "jsc"),
    L("closed joint stock company", "jsc"),
    L("public joint stock company", "jsc"),
    L("private joint stock company", "jsc"),
    L("aktsionernoe obshchestvo", "jsc"),
    L("otkrytoe aktsionernoe obshchestvo", "jsc"),
    L("zakrytoe aktsionernoe obshchestvo", "jsc"),
    L("publichnoe aktsionernoe obshchestvo", "jsc"),
    L("aktsionerne tovarystvo", "jsc"),
    L("gufen gongsi", "jsc"),
    L("cong ty co phan", "co jsc"),

    /* Societes anonymes and other European forms. */
    LE("s a", "sa"),
    L("sociedad anonima", "sa"),
    L("societe anonyme", "sa"),
    L("sociedade anonima", "sa"),
    L("sae", "sa"),
    L("saog", "sa"),
    L("saoc", "sa"),
    LE("sal", "sa"),
    LE("sau", "sa"),
    L("sa de cv", "sa cv"),
    L("sab de cv", "sa cv"),
    L("sapi de cv", "sa cv"),
    L("sasu", "sas"),
    L("societa per azioni", "spa"),
    L("aktiengesellschaft", "ag"),
    L("naamloze vennootschap", "nv"),
    L("besloten vennootschap", "bv"),
    L("bvba", "bv"),
    L("aktiebolag", "ab"),
    L("aktiebolaget", "ab"),
    LE("asa", "as"),
    L("aksjeselskap", "as"),
    L("anonim sirketi", "as"),
    L("oyj", "oy"),
    L("kommanditgesellschaft", "kg"),
    L("kabushiki kaisha", "kk"),
    L("kabushiki gaisha", "kk"),

    /* Asian and Gulf forms. */
    L("sendirian", "sdn"),
    L("berhad", "bhd"),
    L("limited liability partnership", "llp"),
    L("limited partnership", "lp"),

    /* Cyrillic (case-folded), for the script form; the Latin form gets the
     * same canonical tokens because these are replaced before
     * transliteration. */
    L("\u043e\u043e\u043e", "llc"),       /* ооо */
    L("\u0442\u043e\u0432", "llc"),       /* тов */
    L("\u0442\u043e\u043e", "llc"),       /* тоо */
    L("\u043e\u0430\u043e", "jsc"),       /* оао */
    L("\u0437\u0430\u043e", "jsc"),       /* зао */
    L("\u043f\u0430\u043e", "jsc"),       /* пао */
    L("\u043d\u0430\u043e", "jsc"),       /* нао */
    L("\u0430\u043e", "jsc"),             /* ао */
    L("\u043f\u0430\u0442", "jsc"),       /* пат */
    L("\u043f\u0440\u0430\u0442", "jsc"), /* прат */
    /* общество с ограниченной ответственностью */
    L("\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e \u0441 "
      "\u043e\u0433\u0440\u0430\u043d\u0438\u0447\u0435\u043d\u043d\u043e"
      "\u0439 \u043e\u0442\u0432\u0435\u0442\u0441\u0442\u0432\u0435\u043d"
      "\u043d\u043e\u0441\u0442\u044c\u044e",
      "llc"),
    /* акционерное общество, with открытое / закрытое / публичное /
     * непубличное in front */
    L("\u0430\u043a\u0446\u0438\u043e\u043d\u0435\u0440\u043d\u043e\u0435 "
      "\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043e\u0442\u043a\u0440\u044b\u0442\u043e\u0435 "
      "\u0430\u043a\u0446\u0438\u043e\u043d\u0435\u0440\u043d\u043e\u0435 "
      "\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u0437\u0430\u043a\u0440\u044b\u0442\u043e\u0435 "
      "\u0430\u043a\u0446\u0438\u043e\u043d\u0435\u0440\u043d\u043e\u0435 "
      "\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043f\u0443\u0431\u043b\u0438\u0447\u043d\u043e\u0435 "
      "\u0430\u043a\u0446\u0438\u043e\u043d\u0435\u0440\u043d\u043e\u0435 "
      "\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043d\u0435\u043f\u0443\u0431\u043b\u0438\u0447\u043d\u043e\u0435 "
      "\u0430\u043a\u0446\u0438\u043e\u043d\u0435\u0440\u043d\u043e\u0435 "
      "\u043e\u0431\u0449\u0435\u0441\u0442\u0432\u043e",
      "jsc"),
    /* товариство з обмеженою відповідальністю (Ukrainian) */
    L("\u0442\u043e\u0432\u0430\u0440\u0438\u0441\u0442\u0432\u043e \u0437 "
      "\u043e\u0431\u043c\u0435\u0436\u0435\u043d\u043e\u044e "
      "\u0432\u0456\u0434\u043f\u043e\u0432\u0456\u0434\u0430\u043b\u044c"
      "\u043d\u0456\u0441\u0442\u044e",
      "llc"),
    /* акціонерне товариство, with публічне / приватне in front */
    L("\u0430\u043a\u0446\u0456\u043e\u043d\u0435\u0440\u043d\u0435 "
      "\u0442\u043e\u0432\u0430\u0440\u0438\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043f\u0443\u0431\u043b\u0456\u0447\u043d\u0435 "
      "\u0430\u043a\u0446\u0456\u043e\u043d\u0435\u0440\u043d\u0435 "
      "\u0442\u043e\u0432\u0430\u0440\u0438\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043f\u0440\u0438\u0432\u0430\u0442\u043d\u0435 "
      "\u0430\u043a\u0446\u0456\u043e\u043d\u0435\u0440\u043d\u0435 "
      "\u0442\u043e\u0432\u0430\u0440\u0438\u0441\u0442\u0432\u043e",
      "jsc"),
    L("\u043a\u043e\u043c\u043f\u0430\u043d\u0438\u044f", "co"), /* компания */
    L("\u043a\u043e\u0440\u043f\u043e\u0440\u0430\u0446\u0438\u044f",
      "corp"), /* корпорация */

    /* Greek (folded): Α.Ε. and Ε.Π.Ε. */
    L("\u03b1\u03b5", "sa"),
    L("\u03b5\u03c0\u03b5", "llc"),

    /* Arabic and Persian: شركة / شرکت (company), ذ.م.م (LLC). */
    L("\u0634\u0631\u0643\u0629", "co"),
    L("\u0634\u0631\u06a9\u062a", "co"),
    L("\u0630\u0645\u0645", "llc"),

    /* Chinese (simplified; traditional is folded to it first) and
     * Japanese, one character per token. 股份有限公司 (company limited by
     * shares) is rendered "Co., Ltd." in English almost always, so it gives
     * the same tokens as 有限公司. */
    L("\u6709 \u9650 \u516c \u53f8", "co ltd"),               /* 有限公司 */
    L("\u80a1 \u4efd \u6709 \u9650 \u516c \u53f8", "co ltd"), /* 股份有限公司 */
    L("\u6709 \u9650 \u8d23 \u4efb \u516c \u53f8", "llc"), /* 有限责任公司 */
    L("\u80a1 \u4efd \u516c \u53f8", "jsc"),               /* 股份公司 */
    L("\u516c \u53f8", "co"),                              /* 公司 */
    GO("\u96c6 \u56e2", "group"),                          /* 集团 */
    L("\u682a \u5f0f \u4f1a \u793e", "kk"),                /* 株式会社 */
    L("\u6709 \u9650 \u4f1a \u793e", "llc"),               /* 有限会社 */
    L("\u5408 \u540c \u4f1a \u793e", "llc"),               /* 合同会社 */
    L("\u4f1a \u793e", "co"),                              /* 会社 */

    /* Korean: 주식회사 (usually "Co., Ltd." in English), 유한회사,
     * 유한책임회사. */
    L("\uc8fc\uc2dd\ud68c\uc0ac", "co ltd"),
    L("\uc720\ud55c\ud68c\uc0ac", "llc"),
    L("\uc720\ud55c\ucc45\uc784\ud68c\uc0ac", "llc"),

    /* --- Generic business words. --- */
    G("international"),
    G("technology"),
    G("group"),
    G("holding"),
    G("trading"),
    G("trade"),
    G("industry"),
    G("science"),
    G("research"),
    G("institute"),
    G("development"),
    G("investment"),
    G("services"),
    G("systems"),
    G("electronics"),
    G("engineering"),
    G("manufacturing"),
    G("import"),
    G("export"),
    G("enterprise"),
    G("global"),
    G("national"),
    G("china"),
    G("general"),
    G("commercial"),
    G("center"),
    G("university"),
    G("academy"),
    G("laboratory"),
    G("equipment"),
    G("department"),
    G("association"),
    G("management"),
    G("marketing"),
    G("construction"),
    G("logistics"),
    G("solutions"),
    G("brothers"),
    G("communications"),

    /* Stop words and name particles. */
    G("the"),
    G("of"),
    G("and"),
    G("for"),
    G("de"),
    G("la"),
    G("le"),
    G("les"),
    G("del"),
    G("des"),
    G("du"),
    G("di"),
    G("da"),
    G("dos"),
    G("das"),
    G("el"),
    G("al"),
    G("et"),
    G("und"),
    G("van"),
    G("von"),
    G("der"),
    G("den"),
    G("bin"),
    G("ibn"),
    G("bint"),
    G("binti"),

    /* Other spellings of generic words. */
    V("technologies", "technology"),
    V("industries", "industry"),
    V("industrial", "industry"),
    V("holdings", "holding"),
    V("service", "services"),
    V("system", "systems"),
    V("enterprises", "enterprise"),
    V("investments", "investment"),
    V("electronic", "electronics"),
    V("centre", "center"),
    V("laboratories", "laboratory"),
    V("imports", "import"),
    V("exports", "export"),
    V("sciences", "science"),

    /* --- Abbreviations. --- */
    A("intl", "international"),
    A("mfg", "manufacturing"),
    A("manuf", "manufacturing"),
    A("tech", "technology"),
    A("techs", "technology"),
    A("technol", "technology"),
    A("engg", "engineering"),
    A("equip", "equipment"),
    A("eqpt", "equipment"),
    A("dept", "department"),
    A("natl", "national"),
    A("assn", "association"),
    A("assoc", "association"),
    A("bros", "brothers"),
    A("svc", "services"),
    A("svcs", "services"),
    A("grp", "group"),
    A("hldg", "holding"),
    A("hldgs", "holding"),
    A("univ", "university"),
    A("inst", "institute"),
    A("acad", "academy"),
    A("sci", "science"),
    A("trdg", "trading"),
    A("mgmt", "management"),
    A("mktg", "marketing"),
    A("devt", "development"),
    A("chem", "chemical"),
    A("pharm", "pharmaceutical"),
    A("bldg", "building"),
    A("constr", "construction"),
    A("sys", "systems"),
    A("comms", "communications"),
    A("ctr", "center"),
    A("cntr", "center"),
    A("imp exp", "import export"),
    A("imp and exp", "import and export"),
};

#define N_ENTRIES (sizeof(k_entries) / sizeof(k_entries[0]))

typedef struct lf_out {
  uint16_t off[EMB__LF_MAX_OUT]; /* into the entry's output string */
  uint8_t len[EMB__LF_MAX_OUT];
  uint8_t flags[EMB__LF_MAX_OUT];
  uint8_t n;
} lf_out;

#define HASH_SLOTS 1024 /* power of two, well above the first tokens */

typedef struct slot {
  uint16_t start; /* 1 + index into g_sorted of the group; 0: empty */
  uint16_t len;   /* bytes of the first token */
} slot;

static uint16_t g_sorted[N_ENTRIES]; /* entry indices by key */
static lf_out g_out[N_ENTRIES];      /* by entry index */
static slot g_hash[HASH_SLOTS];      /* first token -> group */
static int g_bad;                    /* first unsound entry, 1-based */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* FNV-1a: short keys, good enough spread, no setup. */
static uint32_t hash_tok(const char *s, size_t len) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  return h;
}

static size_t first_len(const char *key) {
  const char *sp = strchr(key, ' ');
  return sp != NULL ? (size_t)(sp - key) : strlen(key);
}

/* The group of keys whose first token is t[0..tl), as an index into
 * g_sorted, or -1. */
static long find_group(const char *t, size_t tl) {
  uint32_t h = hash_tok(t, tl) & (HASH_SLOTS - 1);
  while (g_hash[h].start != 0) {
    const char *key = k_entries[g_sorted[g_hash[h].start - 1]].key;
    if (g_hash[h].len == tl && memcmp(key, t, tl) == 0)
      return g_hash[h].start - 1;
    h = (h + 1) & (HASH_SLOTS - 1);
  }
  return -1;
}

static const char *out_str(const lf_entry *e) {
  return e->out != NULL ? e->out : e->key;
}

/* Flags a single canonical token gets from its own entry, if any. */
static uint8_t self_flags(const char *t, size_t tl) {
  long g = find_group(t, tl);
  if (g < 0) return 0;
  const lf_entry *e = &k_entries[g_sorted[g]];
  if (e->key[tl] != '\0') return 0; /* only longer keys start with t */
  if (e->kind == K_LEGAL) return EMB__TOKF_LEGAL;
  if (e->kind == K_GENERIC) return EMB__TOKF_GENERIC;
  return 0;
}

static int entry_cmp(size_t a, size_t b) {
  return strcmp(k_entries[a].key, k_entries[b].key);
}

static void build(void) {
  /* Insertion sort: a few hundred entries, once. */
  for (size_t i = 0; i < N_ENTRIES; i++) {
    size_t j = i;
    while (j > 0 && entry_cmp(g_sorted[j - 1], i) > 0) {
      g_sorted[j] = g_sorted[j - 1];
      j--;
    }
    g_sorted[j] = (uint16_t)i;
  }
  for (size_t i = 1; i < N_ENTRIES && !g_bad; i++)
    if (entry_cmp(g_sorted[i - 1], g_sorted[i]) == 0) g_bad = g_sorted[i] + 1;
  /* One hash slot per distinct first token, pointing at its group. */
  for (size_t i = 0; i < N_ENTRIES; i++) {
    const char *key = k_entries[g_sorted[i]].key;
    size_t fl = first_len(key);
    if (find_group(key, fl) >= 0) continue;
    uint32_t h = hash_tok(key, fl) & (HASH_SLOTS - 1);
    while (g_hash[h].start != 0) h = (h + 1) & (HASH_SLOTS - 1);
    g_hash[h].start = (uint16_t)(i + 1);
    g_hash[h].len = (uint16_t)fl;
  }
  for (size_t i = 0; i < N_ENTRIES; i++) {
    const lf_entry *e = &k_entries[i];
    const char *o = out_str(e);
    lf_out *lo = &g_out[i];
    size_t p = 0;
    while (o[p] != '\0') {
      size_t q = p;
      while (o[q] != '\0' && o[q] != ' ') q++;
      if (lo->n == EMB__LF_MAX_OUT || q == p || q - p > 255) {
        if (!g_bad) g_bad = (int)i + 1;
        break;
      }
      uint8_t f;
      switch (e->kind) {
        case K_LEGAL:
          f = EMB__TOKF_LEGAL;
          break;
        case K_GENERIC:
          f = EMB__TOKF_GENERIC;
          break;
        case K_VARIANT:
          f = self_flags(o + p, q - p);
          break;
        default:
          f = (uint8_t)(EMB__TOKF_EXPANDED | self_flags(o + p, q - p));
      }
      lo->off[lo->n] = (uint16_t)p;
      lo->len[lo->n] = (uint8_t)(q - p);
      lo->flags[lo->n] = f;
      lo->n++;
      p = o[q] == ' ' ? q + 1 : q;
    }
    if (lo->n == 0 && !g_bad) g_bad = (int)i + 1;
    /* Every output of a legal form must itself be a legal form, so that
     * normalising canonical tokens again changes nothing. */
    if (e->kind == K_LEGAL && !g_bad)
      for (size_t j = 0; j < lo->n; j++)
        if (self_flags(o + lo->off[j], lo->len[j]) != EMB__TOKF_LEGAL)
          g_bad = (int)i + 1;
  }
}

/* Does the rest of key (after its first token) equal t[1..k) exactly?
 * Returns k (tokens matched) or 0. */
static size_t match_rest(const char *rest, const emb__lf_tok *t, size_t n) {
  size_t k = 1;
  while (*rest == ' ') {
    rest++;
    if (k >= n) return 0;
    size_t l = 0;
    while (rest[l] != '\0' && rest[l] != ' ') l++;
    if (l != t[k].len || memcmp(rest, t[k].s, l) != 0) return 0;
    rest += l;
    k++;
  }
  return k;
}

int emb__lf_match(const emb__lf_tok *t, size_t n, emb__lf_result *r) {
  if (n == 0 || t[0].len == 0) return 0;
  pthread_once(&g_once, build);
  long g = find_group(t[0].s, t[0].len);
  if (g < 0) return 0;
  size_t tl = t[0].len;
  size_t best = N_ENTRIES, best_k = 0;
  for (size_t i = (size_t)g; i < N_ENTRIES; i++) {
    const char *key = k_entries[g_sorted[i]].key;
    if (strncmp(key, t[0].s, tl) != 0 || (key[tl] != '\0' && key[tl] != ' '))
      break;
    size_t k = key[tl] == '\0' ? 1 : match_rest(key + tl, t, n);
    if (k > best_k) {
      best_k = k;
      best = g_sorted[i];
    }
  }
  if (best_k == 0) return 0;
  const lf_entry *e = &k_entries[best];
  const lf_out *o = &g_out[best];
  const char *os = out_str(e);
  r->n_in = best_k;
  r->n_out = o->n;
  for (size_t j = 0; j < o->n; j++) {
    r->out[j] = os + o->off[j];
    r->out_len[j] = o->len[j];
    r->out_flags[j] = o->flags[j];
  }
  r->edge_only = e->edge;
  return 1;
}

int emb__lf_selfcheck(void) {
  pthread_once(&g_once, build);
  return g_bad;
}

size_t emb__lf_count(void) {
  return N_ENTRIES;
}
