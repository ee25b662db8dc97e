/* Internal: the rule set, its reference data, rule kinds and the state of
 * one determination, shared by the files of src/lib/rules/.
 *
 * DESIGN: everything the hot path looks at is precompiled on load.
 * Countries are indexes 0..675 of their two letters, so a destination
 * scope (countries, groups, exceptions) is a 676-bit set tested in one
 * instruction; ECCNs are indexes of a direct table (category, group,
 * number); dates are yyyymmdd integers. A rule is a record with its kind's
 * compiled params; each kind has a parser (on load) and an evaluator (per
 * determination) in its own file.
 */
#ifndef EMB_RULES_INTERNAL_H
#define EMB_RULES_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/arena.h"
#include "../../common/lines.h"
#include "embargo/check.h"
#include "embargo/rules.h"

/* ---- Dates: yyyymmdd integers, 0 for none. ---- */
typedef int32_t emb__day;

/* Parses exactly YYYY-MM-DD naming a calendar date; returns 1 on success. */
int emb__day_parse(const char *s, size_t n, emb__day *out);
/* Formats d as YYYY-MM-DD into out. */
void emb__day_format(emb__day d, char out[11]);
/* Today's local date. */
emb__day emb__day_today(void);

/* ---- Countries: the index of a two-letter code, 0..675. ---- */
#define EMB__NCC 676
/* The index of s[0..n) when it is an upper-case ISO 3166-1 alpha-2 code
 * that embargo knows, else -1. */
int emb__cc(const char *s, size_t n);
/* The index of a code known at compile time. */
#define EMB__CC(a, b) (((a) - 'A') * 26 + ((b) - 'A'))
#define EMB__CC_US EMB__CC('U', 'S')
/* The code of index i into out (NUL-terminated). */
void emb__cc_str(int i, char out[3]);

typedef struct emb__cset {
  uint64_t w[11];
} emb__cset;

static inline int emb__cset_has(const emb__cset *s, int i) {
  return i >= 0 && (s->w[i >> 6] >> (i & 63)) & 1u;
}
static inline void emb__cset_add(emb__cset *s, int i) {
  s->w[i >> 6] |= (uint64_t)1 << (i & 63);
}
static inline void emb__cset_or(emb__cset *a, const emb__cset *b) {
  for (int i = 0; i < 11; i++) a->w[i] |= b->w[i];
}

/* ---- ECCNs. ---- */
/* Codes 0..59999: category (0-9) x group (A-E, Y) x number (000-999). */
#define EMB__NECCN 60000
#define EMB__EAR99 EMB__NECCN
/* Parses "3A090", "3a090.c.1" or "EAR99" (case-insensitive): *code and
 * the offset of the paragraph after the first dot (*para_off == n when
 * there is none). Returns 1 on success. */
int emb__eccn_parse(const char *s, size_t n, int *code, size_t *para_off);
/* The ECCN of a code, e.g. "3A090" or "EAR99". */
void emb__eccn_name(int code, char out[6]);
/* Paragraphs without their leading dot ("c", "a.4"): they match when
 * either is empty or one is the other or starts it at a dot (the less
 * precise one may be the more precise one). Case-insensitive. */
int emb__para_match(const char *a, size_t an, const char *b, size_t bn);

/* ---- Common param types (params.c). ---- */
typedef struct emb__dest {
  emb__cset inc, exc;
  const char *text; /* for summaries: "CN, MO, D:5 except A:5, A:6" */
} emb__dest;

enum { EMB__ITEMS_ALL = 0, EMB__ITEMS_SUPP2, EMB__ITEMS_LIST };

typedef struct emb__eccn_ref {
  int code;
  const char *para; /* lower case, without the dot; "" for none */
  size_t para_len;
} emb__eccn_ref;

typedef struct emb__items {
  int mode;
  emb__eccn_ref *eccns;
  size_t n_eccns;
  const char **prefixes;
  size_t n_prefixes;
  const char *text; /* for summaries */
} emb__items;

/* Roles as bits 1 << role. */
enum {
  EMB__ROLE_PURCHASER = 0,
  EMB__ROLE_INTERMEDIATE,
  EMB__ROLE_ULTIMATE,
  EMB__ROLE_END_USER,
  EMB__ROLE_SUPPLIER, /* the seller, for buyer-side rules (purchase_ban) */
  EMB__N_ROLES
};
/* The four parties to an export (the default of a rule's roles); the
 * supplier only when a rule names it. */
#define EMB__ROLES_ALL 0x0f
extern const char *const emb__role_names[EMB__N_ROLES];
/* The role of s, or -1. */
int emb__role_parse(const char *s);

/* ---- Reference data (ref.c). ---- */
typedef struct emb__control {
  const char *reason; /* "NS", "RS", ... */
  int column;         /* Country Chart column, or -1 */
  emb__dest *dest;    /* explicit scope when column < 0 */
  const char **paras; /* paragraphs, lower case without dots */
  size_t *para_lens;
  size_t n_paras;         /* 0: the whole entry */
  const char *paragraphs; /* as written, or NULL */
  const char *note;
  const char *refer;   /* the provision the requirement refers to, when
                          the data cannot say whether a licence is needed
                          (then column < 0, dest optional) */
  const char *display; /* "RS1", or "RS (to Macau, D:5)" */
} emb__control;

typedef struct emb__eccn_rec {
  int code;
  const char *eccn; /* "3A090" */
  const char *title;
  emb__control *controls;
  size_t n_controls;
  int supp2;
  emb__day from, until;
  const char *citation;
} emb__eccn_rec;

typedef struct emb__group {
  const char *name; /* "D:5" */
  emb__cset set;
} emb__group;

typedef struct emb__frdoc {
  int volume;
  long first, last;
  emb__day effective; /* else the publication date */
  char date[11];
} emb__frdoc;

typedef struct emb__ref {
  emb__group *groups;
  size_t n_groups;
  const char **columns; /* "CB1", ... without spaces */
  size_t n_columns;
  uint32_t chart[EMB__NCC];      /* column bits marked X per country */
  emb__cset chart_rows;          /* countries with a row */
  const char *part746[EMB__NCC]; /* the pointer text of embargoed rows */
  int16_t same_as[EMB__NCC];     /* the country a territory counts as */
  emb__eccn_rec *eccns;
  size_t n_eccns;
  int32_t *eccn_ix; /* EMB__NECCN entries: index into eccns or -1 */
  emb__frdoc *fr;   /* sorted by volume, first page */
  size_t n_fr;
} emb__ref;

const emb__group *emb__ref_group(const emb__ref *r, const char *name);
const emb__eccn_rec *emb__ref_eccn(const emb__ref *r, int code);
/* The FR document a list entry counts from by its citation text ("85 FR
 * 83420; ..."): of the cited documents found in ref/fr-dates.json, the one
 * with the earliest effective date; NULL when none is found. */
const emb__frdoc *emb__ref_fr_first(const emb__ref *r, const char *citation);

/* Destination match, with a territory counted as the country it is the
 * same as (ref/country-chart.json "same_as"). */
static inline int emb__dest_match(const emb__ref *r, const emb__dest *d,
                                  int cc) {
  int alt = cc >= 0 ? r->same_as[cc] : -1;
  return (emb__cset_has(&d->inc, cc) || emb__cset_has(&d->inc, alt)) &&
         !emb__cset_has(&d->exc, cc) && !emb__cset_has(&d->exc, alt);
}

/* ---- Rules. ---- */
enum {
  EMB__K_LISTED_PARTY = 0,
  EMB__K_COUNTRY_CHART,
  EMB__K_END_USE,
  EMB__K_INFORMED_PARTY,
  EMB__K_FDP,
  EMB__K_DE_MINIMIS,
  EMB__K_EMBARGO,
  EMB__K_US_PERSON,
  EMB__K_CONTROL_LIST,
  EMB__K_LICENCE_REVOCATION,
  EMB__K_PURCHASE_BAN,
  EMB__K_OWNERSHIP,
  EMB__N_KINDS
};

typedef struct emb__rule {
  const char *id, *kind_name, *title, *summary, *citation, *policy;
  const char *remarks;
  const char **exceptions;
  size_t n_exceptions;
  char from_s[11], until_s[11]; /* until_s is "" when open-ended */
  emb__day from, until;         /* until 0: open-ended */
  int verified;
  int kind;
  size_t pack, regime;
  long line;
  void *params; /* the kind's compiled params */
} emb__rule;

/* When a regime applies to a transaction (ref/regimes.json): every
 * condition given must hold. */
typedef struct emb__cond {
  emb__dest from, to, origin, party;
  unsigned has; /* EMB__COND_* bits of the conditions given */
  const char **activities;
  size_t n_activities;
  int always;
  const char *why; /* "exported from the Netherlands" */
} emb__cond;
enum {
  EMB__COND_FROM = 1,
  EMB__COND_TO = 2,
  EMB__COND_ORIGIN = 4,
  EMB__COND_PARTY = 8,
  EMB__COND_ACTIVITY = 16
};

typedef struct emb__regime {
  const char *name;
  int us_ear; /* the US EAR: origin "US" or goods in the US are subject */
  /* From ref/regimes.json; without a definition the regime is always
   * considered (n_conds 0, defined 0). */
  int defined;
  const char *title, *jurisdiction, *citation, *otherwise;
  emb__cond *conds;
  size_t n_conds;
} emb__regime;

struct emb_ruleset {
  emb__arena arena;
  const char *dir;
  emb__ref ref;
  emb_ref_info refs[5];
  size_t n_refs;
  const char *ref_as_of;
  emb_rule_pack_info *packs;
  size_t n_packs;
  emb__rule *rules;
  size_t n_rules;
  emb__regime *regimes;
  size_t n_regimes;
  /* The order regimes are shown in: those of ref/regimes.json in its
   * order, then the others in the order of their packs. */
  size_t *regime_order;
  size_t n_informed_names; /* over every informed_party rule */
};

/* ---- Loading context shared by the parsers. ---- */
typedef struct emb__pctx {
  emb_ruleset *rs;
  const emb_load_opts *opts;
  const char *file;
  long line;
  const char *field_prefix; /* "params." while parsing params */
  int errors;               /* errors reported in this file */
} emb__pctx;

/* snprintf for field paths and short messages, where cutting a long
 * value is acceptable. */
void emb__fmt(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports "field \"<prefix><field>\": <message>" at c's file and line and
 * returns EMB_EPARSE. */
emb_status emb__perr(emb__pctx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports a message at c's file and line (no field). */
void emb__pdiag(emb__pctx *c, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks that every key of obj (field names it) is one of allowed (a
 * NULL-terminated list). */
emb_status emb__p_keys(emb__pctx *c, const char *field, json_t *obj,
                       const char *const *allowed);
/* A string (copied to the arena); max bytes; empty strings refused. */
emb_status emb__p_string(emb__pctx *c, const char *field, json_t *v, size_t max,
                         const char **out);
/* An array of non-empty strings of at most max bytes each; each checked by
 * ok (may be NULL) whose message names what is wrong. */
emb_status emb__p_strings(emb__pctx *c, const char *field, json_t *v,
                          size_t max, int (*ok)(const char *s, size_t n),
                          const char *what, const char ***out, size_t *n);
emb_status emb__p_dest(emb__pctx *c, const char *field, json_t *v,
                       emb__dest *out);
emb_status emb__p_items(emb__pctx *c, const char *field, json_t *v,
                        emb__items *out);
emb_status emb__p_roles(emb__pctx *c, const char *field, json_t *v,
                        uint8_t *out);
emb_status emb__p_outcome(emb__pctx *c, const char *field, json_t *v,
                          emb_outcome *out);
emb_status emb__p_date(emb__pctx *c, const char *field, json_t *v,
                       emb__day *out);
emb_status emb__p_bool(emb__pctx *c, const char *field, json_t *v, int *out);
emb_status emb__p_pct(emb__pctx *c, const char *field, json_t *v, double *out);
/* An ECCN known to the reference data (or EAR99 when allow_ear99). */
emb_status emb__p_eccn(emb__pctx *c, const char *field, json_t *v,
                       int allow_ear99, emb__eccn_ref *out);
/* The params every kind may share: "determination" (required), "note"
 * (optional, 2,000 bytes), "activities" (words; required or not), "lists"
 * (list codes, required, not empty). */
emb_status emb__p_determination(emb__pctx *c, json_t *params, emb_outcome *out);
emb_status emb__p_note(emb__pctx *c, json_t *params, const char **out);
emb_status emb__p_activities(emb__pctx *c, json_t *params, int required,
                             const char ***out, size_t *n);
emb_status emb__p_lists(emb__pctx *c, json_t *params, const char ***out,
                        size_t *n);
/* Optional "roles" (default the four parties to an export), "items"
 * (default all, text untouched) and a boolean (out untouched when absent). */
emb_status emb__p_opt_roles(emb__pctx *c, json_t *params, uint8_t *out);
emb_status emb__p_opt_items(emb__pctx *c, json_t *params, emb__items *out);
emb_status emb__p_opt_bool(emb__pctx *c, json_t *params, const char *field,
                           int *out);
/* A control-list code: printable ASCII without spaces, 1 to 40 bytes
 * ("3B001.f.4", "7(18)", "CN-GA.5"). */
int emb__is_list_code(const char *s, size_t n);
/* A lower-case identifier [a-z0-9_]+ (end uses, activities). */
int emb__is_ident(const char *s, size_t n);
/* A list code or symbol [A-Z0-9-]+ (lists, exceptions). */
int emb__is_code(const char *s, size_t n);

/* Reference data loading (ref.c): reads dir/ref/ into rs->ref; reports
 * problems and returns EMB_EPARSE (or EMB_ENOTFOUND, EMB_EIO, ...). */
emb_status emb__ref_load(emb_ruleset *rs, const char *dir,
                         const emb_load_opts *opts);

/* Reads dir/ref/regimes.json when it exists (regimes.c) and attaches
 * each definition to the regime of the packs of that name; a definition
 * of a regime without packs is checked and kept out. */
emb_status emb__regimes_load(emb_ruleset *rs, const char *dir,
                             const emb_load_opts *opts);
/* Whether regime g applies to transaction t; *why is set to the reason
 * (static or rule-set storage). */
int emb__regime_applies(const emb_ruleset *rs, size_t g,
                        const struct emb_txn *t, const char **why);

/* ---- Files (files.c). ---- */
/* Reads a whole file (at most max bytes) into *data (NUL-terminated;
 * caller frees), with its SHA-256 in hex. EMB_ENOTFOUND, EMB_EIO,
 * EMB_ETOOBIG, EMB_ENOMEM. */
emb_status emb__read_file(const char *path, size_t max, char **data,
                          size_t *len, char hex[65]);

/* The 1-based line of the first occurrence of "needle" (with quotes) in
 * text, or 0. For messages about JSON files, whose values have no line. */
long emb__line_of_key(const char *text, const char *needle);

/* Finds every *.jsonl file under dir, recursively, skipping dot files and
 * the directory dir/skip; sorted paths (caller frees each and the array). */
emb_status emb__find_packs(const char *dir, const char *skip, char ***paths,
                           size_t *n);

/* ---- One determination. ---- */
enum {
  EMB__CLS_KNOWN = 0, /* in ref/eccn.jsonl and in force */
  EMB__CLS_EAR99,
  EMB__CLS_MISSING, /* no ECCN given */
  EMB__CLS_UNKNOWN, /* not in ref/eccn.jsonl */
  EMB__CLS_NOT_YET  /* not in force on the date */
};

/* Subject states while the subject phase runs; 1, 0 and -1 are final. */
#define EMB__SUBJ_OPEN 2

typedef struct emb__item_st {
  int code;         /* or -1 */
  const char *para; /* the item's paragraph, lower case */
  size_t para_len;
  const emb__eccn_rec *rec; /* when KNOWN or NOT_YET */
  int cls;
  int foreign;        /* origin given and not US */
  emb_item_status st; /* the public status being built */
} emb__item_st;

/* A screened party name: the hits reported (copied from emb_screen's
 * result) and the informed-party names it matches. */
typedef struct emb__scr_hit {
  const emb_entity *entity;
  const char *matched_name;
  double score;
  int match;
} emb__scr_hit;

typedef struct emb__scr {
  char *name; /* owned */
  size_t len;
  uint64_t hash;
  uint64_t gen; /* the cache generation (call) that last used it */
  int cached;   /* owned by the cache, else by the call */
  emb__scr_hit *hits;
  size_t n_hits;
  uint8_t *informed; /* per informed name: 0 not yet compared, 1 no, 2
                        yes; n_informed entries */
  size_t n_informed;
} emb__scr;

/* The screening of a name: from the cache (may be NULL) when it has it,
 * else screened now (ix may be NULL: no hits). *out is owned by the cache
 * when (*out)->cached, else by the caller (emb__scr_free). */
emb_status emb__scr_get(emb_check_cache *cache, const emb_ruleset *rs,
                        const emb_index *ix, const char *name, size_t len,
                        emb__scr **out);
void emb__scr_free(emb__scr *s);
/* Starts a call: entries used in it are not evicted until the next. */
void emb__cache_begin(emb_check_cache *cache, const emb_ruleset *rs,
                      const emb_index *ix);
/* Whether the name matches informed name k (emb_compare at the default
 * threshold), computed once per name. */
int emb__scr_informed(emb__scr *s, const emb_index *ix, size_t k,
                      const char *informed_name);

typedef struct emb__party_st {
  int role;
  emb__scr *scr;
  emb_party_hit *hits; /* d's public hits of this party */
  size_t n_hits;
} emb__party_st;

struct emb_determination {
  emb__arena arena;
  const emb_ruleset *rs;
  const emb_index *ix;
  char date[11];
  const char *date_source;
  emb_outcome outcome;
  emb_regime_result *regimes; /* the applied ones */
  size_t n_regimes;
  emb_regime_scope *scope; /* every regime of the rule set */
  size_t n_scope;
  emb_party_screening *parties;
  size_t n_parties;
  /* Transaction facts kept for the output. */
  char to[3], from[3];
  const char *activity;
  const char **item_eccns;        /* as given */
  const char **item_descriptions; /* as given */
  size_t n_items;
  int screened; /* an index was given */
};

/* The state of emb_check while it runs. */
typedef struct emb__ectx {
  const emb_ruleset *rs;
  const emb__ref *ref;
  const emb_index *ix;
  const struct emb_txn *t;
  emb_determination *d;
  emb__day date;
  int to, from;
  emb__item_st *items;
  size_t n_items;
  emb__party_st *parties;
  size_t n_parties;
  size_t regime; /* the rule set's index of the current regime */
  const emb_ownership *ownership; /* or NULL */
  emb_check_cache *cache;         /* or NULL */
  emb_reason *reasons;            /* of the current regime */
  size_t n_reasons;
  emb_status st; /* first allocation failure */
} emb__ectx;

/* Adds a reason for rule r (NULL: the engine's own step) with outcome o;
 * items and parties are copied. Returns the reason (to fill the kind's
 * fields) or NULL on out of memory (then c->st is set). */
emb_reason *emb__add_reason(emb__ectx *c, const emb__rule *r, emb_outcome o,
                            const size_t *items, size_t n_items,
                            const emb_party_hit *const *parties,
                            size_t n_parties);
/* Adds the reasons of a rule that covers the subject items in p: one with
 * outcome o for the items it covers, one CANNOT_DETERMINE (missing "eccn")
 * for those whose classification is needed to tell. Returns how many
 * reasons it added (at c->reasons[c->n_reasons - n...]); pointers to
 * reasons are invalidated by the next addition. */
size_t emb__add_item_reasons(emb__ectx *c, const emb__rule *r, emb_outcome o,
                             const emb__items *p,
                             const emb_party_hit *const *parties,
                             size_t n_parties);

/* Whether item i is in the items param: 1, 0, or -1 when it cannot be told
 * (its classification is unknown). */
int emb__items_match(const emb__ectx *c, const emb__items *p, size_t i);
/* Sets h's listing fields (in_force, listed_from, ...) for the date. */
void emb__hit_listing(const emb__ectx *c, emb_party_hit *h);
/* Whether a hit counts: matched and listed on the date. */
static inline int emb__hit_counts(const emb_party_hit *h) {
  return h->match && h->in_force;
}
/* Collects the hits that count of the parties in roles (bits) that
 * satisfy keep (may be NULL), at most cap, into out; returns the number. */
size_t emb__party_hits(const emb__ectx *c, uint8_t roles,
                       int (*keep)(const emb_party_hit *h, const void *arg),
                       const void *arg, const emb_party_hit **out, size_t cap);
/* Sets the transaction parties reason q concerns (copied into the
 * determination); on out of memory sets c->st and returns -1. */
int emb__reason_set_parties(emb__ectx *c, emb_reason *q, const size_t *parties,
                            size_t n);
/* At most this many hits behind one reason. */
#define EMB__MAX_REASON_HITS 1024

/* ---- Transactions (txn.c). ---- */
typedef struct emb__txn_item {
  const char *eccn; /* as given, or NULL */
  int code;         /* parsed, or -1 */
  const char *para; /* lower case, "" when none */
  size_t para_len;
  const char *description;
  int origin;            /* country index or -1 */
  double us_content_pct; /* -1 when not given */
  int direct_product;    /* 1, 0, -1 not given */
  /* The item's entries on national control lists, by scheme ("NL": "3B001.l"):
   * codes lower-cased apart in codes_lc for matching. */
  const char **cls_schemes;
  const char **cls_codes;
  size_t n_cls;
  const char *manufacturer; /* or NULL */
  size_t manufacturer_len;
} emb__txn_item;

/* The code of scheme s of item it ("none" when it is on no entry of that
 * list), or NULL when not given. */
const char *emb__txn_item_class(const emb__txn_item *it, const char *scheme);

/* An owner of a party, with its own owners when the transaction gives
 * them. */
typedef struct emb__txn_owner {
  const char *name;
  size_t name_len;
  double share_pct; /* 0..100 */
  int country;      /* or -1 */
  struct emb__txn_owner *owners;
  size_t n_owners;
} emb__txn_owner;

/* A company of an ownership file (ownership.c) and its owners. */
typedef struct emb__own {
  const char *name, *key, *citation;
  emb__txn_owner *owners;
  size_t n_owners;
  long line;
} emb__own;
/* The lookup key of a name (ownership.c): lower case, punctuation and
 * spaces as one space; returns its length. */
size_t emb__own_key(const char *s, size_t n, char *out, size_t cap);
/* The company of that name in o (may be NULL), or NULL. */
const emb__own *emb__own_find(const emb_ownership *o, const char *name,
                              size_t len);

/* A licence the exporter holds (licence_revocation rules read them). */
typedef struct emb__txn_licence {
  const char *regime;
  const char *number;
  emb__day granted; /* 0 when not given */
} emb__txn_licence;

typedef struct emb__txn_party {
  int role;
  const char *name;
  size_t name_len;
  int country;        /* or -1 */
  const char **flags; /* words, e.g. "ciio" */
  size_t n_flags;
  emb__txn_owner *owners;
  size_t n_owners;
} emb__txn_party;

struct emb_txn {
  emb__arena arena;
  emb__day date; /* 0 when not given */
  int from, to;
  const char *activity;
  emb__txn_item *items;
  size_t n_items;
  emb__txn_party *parties;
  size_t n_parties;
  const char **end_uses;
  size_t n_end_uses;
  emb__txn_licence *licences;
  size_t n_licences;
};

/* Whether the transaction names end use s. */
int emb__txn_has_end_use(const struct emb_txn *t, const char *s);

/* ---- Rule kinds: one parser and one evaluator each. ---- */
typedef struct emb__kind {
  const char *name;
  emb_status (*parse)(emb__pctx *c, json_t *params, void **out);
  /* Adds the rule's reasons for the current regime to c. */
  void (*eval)(emb__ectx *c, const emb__rule *r);
  /* Non-zero for de_minimis and foreign_direct_product, which run first
   * and decide whether each item is subject; the other (licence) rules
   * then run on the subject items. */
  int subject_phase;
} emb__kind;

extern const emb__kind emb__kinds[EMB__N_KINDS];

emb_status emb__parse_listed_party(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_informed_party(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_fdp(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_country_chart(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_end_use(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_embargo(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_us_person(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_de_minimis(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_control_list(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_licence_revocation(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_purchase_ban(emb__pctx *c, json_t *p, void **out);
emb_status emb__parse_ownership(emb__pctx *c, json_t *p, void **out);

void emb__eval_listed_party(emb__ectx *c, const emb__rule *r);
void emb__eval_informed_party(emb__ectx *c, const emb__rule *r);
void emb__eval_fdp(emb__ectx *c, const emb__rule *r);
void emb__eval_country_chart(emb__ectx *c, const emb__rule *r);
void emb__eval_end_use(emb__ectx *c, const emb__rule *r);
void emb__eval_embargo(emb__ectx *c, const emb__rule *r);
void emb__eval_us_person(emb__ectx *c, const emb__rule *r);
void emb__eval_de_minimis(emb__ectx *c, const emb__rule *r);
void emb__eval_control_list(emb__ectx *c, const emb__rule *r);
void emb__eval_licence_revocation(emb__ectx *c, const emb__rule *r);
void emb__eval_purchase_ban(emb__ectx *c, const emb__rule *r);
void emb__eval_ownership(emb__ectx *c, const emb__rule *r);

#endif
