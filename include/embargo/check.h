/* embargo: licence determination for a transaction.
 *
 * A transaction (emb_txn) is parsed from JSON (docs/check.md gives the
 * format). emb_check() applies every rule of a rule set in force on the
 * determination date, screening the parties against the lists of an index,
 * and returns a determination per regime with the reasons behind it.
 * docs/check.md describes how a determination is made.
 *
 * Thread safety: a rule set and an index are read-only, so any number of
 * threads may call emb_check() at once. An emb_check_cache belongs to one
 * thread at a time.
 */
#ifndef EMBARGO_CHECK_H
#define EMBARGO_CHECK_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/rules.h"
#include "embargo/screen.h"
#include "embargo/status.h"

/* Limits on a transaction (docs/check.md). */
#define EMB_TXN_MAX_JSON ((size_t)1024 * 1024)
#define EMB_TXN_MAX_ITEMS 256
#define EMB_TXN_MAX_PARTIES 64
#define EMB_TXN_MAX_END_USES 32
/* Owners: at most 32 per party or owner, 8 levels deep, 256 in all. */
#define EMB_TXN_MAX_OWNERS 32
#define EMB_TXN_MAX_OWNER_DEPTH 8
#define EMB_TXN_MAX_OWNERS_TOTAL 256
/* Classifications per item (one per national control list), flags per
 * party, licences per transaction. */
#define EMB_TXN_MAX_CLASSIFICATIONS 16
#define EMB_TXN_MAX_FLAGS 16
#define EMB_TXN_MAX_LICENCES 32

typedef struct emb_txn emb_txn;

/* Parses one transaction from json[0..len) (UTF-8). Unknown fields, a bad
 * role, date or country code, a us_content_pct outside 0..100, missing or
 * empty items, and sizes past the limits are errors: the status is
 * EMB_EPARSE for malformed JSON, EMB_ETOOBIG past a limit, EMB_ETXN for
 * anything else, and err (errlen bytes, may be NULL) receives a message
 * naming the field, e.g. "items[0].us_content_pct: 120 is outside 0..100".
 * json is borrowed. On success *out is set; caller frees with
 * emb_txn_free(). */
EMB_API EMB_NODISCARD emb_status emb_txn_parse(const char *json, size_t len,
                                               char *err, size_t errlen,
                                               emb_txn **out);
EMB_API void emb_txn_free(emb_txn *t);

/* Outcomes, ordered from the least to the most strict: the overall
 * outcome is the maximum over the regimes. */
typedef enum emb_outcome {
  EMB_NO_LICENSE_REQUIRED = 0,
  EMB_CANNOT_DETERMINE = 1,
  EMB_LICENSE_REQUIRED = 2,
  EMB_PROHIBITED = 3
} emb_outcome;

/* "no_license_required", "cannot_determine", "license_required",
 * "prohibited". Static storage. */
EMB_API const char *emb_outcome_name(emb_outcome o);

/* One screening hit of a transaction party. */
typedef struct emb_party_hit {
  size_t party;             /* index of the party in the transaction */
  const emb_entity *entity; /* borrowed from the index's list set */
  const char *matched_name; /* the entity's name that matched */
  double score;
  int match;                /* the score reached the default threshold */
  int in_force;             /* listed on the determination date */
  const char *listed_from;  /* YYYY-MM-DD, or NULL when unknown */
  const char *listed_basis; /* "start_date", "federal_register" (the
                               earliest FR citation found in
                               ref/fr-dates.json) or "unknown" */
  const char *removed_on;   /* the entry's end date, or NULL */
} emb_party_hit;

/* The screening of one transaction party. */
typedef struct emb_party_screening {
  const char *role;          /* "purchaser", "intermediate_consignee", ... */
  const char *name;          /* as given */
  const char *country;       /* ISO alpha-2, or NULL */
  const emb_party_hit *hits; /* best first */
  size_t n_hits;
} emb_party_screening;

/* Whether an item is subject to a regime's rules (for the US EAR: US
 * origin, in the United States, de minimis US content, foreign direct
 * product). */
typedef struct emb_item_status {
  const char *eccn;     /* as given, or NULL */
  int subject;          /* 1 yes, 0 no, -1 cannot be determined */
  const char *basis;    /* why, a short phrase (static storage) */
  const char *rule;     /* id of the rule that decided it, or NULL */
  const char *citation; /* of that rule or of the provision, or NULL */
  double pct;           /* de minimis: the US content share, else -1 */
  double limit_pct;     /* de minimis: the level applied, else -1 */
  const char *missing;  /* subject == -1: the missing fact */
} emb_item_status;

/* One rule that fired, or that could not be decided for want of a fact. */
typedef struct emb_reason {
  const char *rule; /* rule id; NULL for the engine's own steps */
  const char *kind; /* rule kind, or "subject" for the engine's step */
  const char *title;
  const char *citation;
  const char *policy;      /* licensing policy, or NULL; for a listed-party
                              rule with entry terms, the entry's own */
  const char *requirement; /* the entry's licence requirement, or NULL */
  const char *const *exceptions; /* licence exceptions that may apply */
  size_t n_exceptions;
  emb_outcome outcome;
  const size_t *items; /* the items concerned (indexes), ascending */
  size_t n_items;      /* 0: the transaction as a whole */
  const char *missing; /* CANNOT_DETERMINE: the missing fact, e.g.
                          "us_content_pct", "eccn"; else NULL */
  const char *detail;  /* a short phrase qualifying it, or NULL */
  const emb_party_hit *const *parties; /* the screening hits behind it */
  size_t n_parties;
  const size_t *party_indexes; /* the transaction parties concerned */
  size_t n_party_indexes;
  const char *matched;      /* what matched: informed_party, the name in the
                               letter; end_use, the end use; us_person, the
                               activity; else NULL */
  const char *control;      /* country_chart: the reason for control and the
                               column or scope, e.g. "RS1"; else NULL */
  const char *paragraph;    /* the ECCN paragraphs that control covers */
  const char *rule_summary; /* the rule's plain-language sentence */
  const char *note;         /* a note of the rule (e.g. a duty), or NULL */
  int verified;             /* 0 when the rule is marked unverified */
  const char *remarks;      /* the rule's remarks, or NULL */
  /* A listed-party rule with entry terms: which terms of the entry it
   * applied. "current" (the entry's top-level terms), or "history
   * FROM..UNTIL" (UNTIL "open" when the record has none) when a dated
   * record of the entry (terms, below) was in force on the date; then
   * policy and requirement are the record's and the citation ends with
   * the record's. NULL for other rules. */
  const char *terms_basis;
  const emb_terms *terms; /* the record applied, or NULL */
  /* An ownership rule: the chain from the party to the listed owners,
   * and the share they hold in the party (directly or through owners
   * that are themselves caught), else NULL and -1. */
  const struct emb_owner_link *chain;
  size_t n_chain;
  double owned_pct;
  /* A licence_revocation rule: the licence of the transaction it
   * revoked (its number, or NULL). */
  const char *licence;
} emb_reason;

/* One link of an ownership chain: `owner` holds share_pct of `owned`.
 * depth 1 is a direct owner of the party. When the owner is listed,
 * entity is its list entry (borrowed from the index); caught is 1 when
 * the owner is listed or is itself caught by the rule through its own
 * owners. source is "transaction" or "ownership file". */
typedef struct emb_owner_link {
  const char *owned;
  const char *owner;
  double share_pct;
  int depth;
  int caught;
  const emb_entity *entity;
  const char *source;
} emb_owner_link;

/* The outcome of one regime. */
typedef struct emb_regime_result {
  const char *regime; /* "US-EAR" */
  emb_outcome outcome;
  const emb_reason *reasons;
  size_t n_reasons;
  const emb_item_status *items; /* one per transaction item */
  size_t n_items;
} emb_regime_result;

typedef struct emb_determination emb_determination;

/* A cache of party screening results, reused across emb_check_ex() calls
 * on one thread: transactions repeat parties, and screening is the costly
 * part of a determination. Holds at most `capacity` names (0: 4096). It
 * is tied to one rule set and index and flushes itself when used with
 * others. Caller frees with emb_check_cache_free(). */
typedef struct emb_check_cache emb_check_cache;
EMB_API EMB_NODISCARD emb_status emb_check_cache_new(size_t capacity,
                                                     emb_check_cache **out);
EMB_API void emb_check_cache_free(emb_check_cache *c);

typedef struct emb_ownership emb_ownership; /* embargo/ownership.h */

typedef struct emb_check_opts {
  const char *as_of;      /* YYYY-MM-DD or NULL: see emb_check() */
  emb_check_cache *cache; /* or NULL; borrowed, one thread at a time */
  /* The regimes to consider (borrowed), e.g. {"US-EAR", "NL"}; NULL or
   * n_regimes 0: every regime of the rule set. Of those, the regimes whose
   * jurisdiction the transaction touches are applied (docs/regimes.md);
   * emb_check_ex() returns EMB_ENOTFOUND for a name the rule set does not
   * have (emb_ruleset_regime_find() tells beforehand). */
  const char *const *regimes;
  size_t n_regimes;
  /* Known owners of companies (ownership rules), or NULL; borrowed. */
  const emb_ownership *ownership;
} emb_check_opts;

/* A regime the determination considered: whether it applies and why. */
typedef struct emb_regime_scope {
  const char *regime;       /* "US-EAR", "NL", ... */
  const char *title;        /* or NULL when the rule set defines none */
  const char *jurisdiction; /* e.g. "NL", or NULL */
  int selected;             /* the caller asked for it (or for every one) */
  int applies;              /* selected and touched: it was applied */
  const char *why;          /* why it applies or not, one phrase */
} emb_regime_scope;

/* Determines the licence requirements of t under rs on a date: as_of when
 * given, else the transaction's date, else today (local time). Parties are
 * screened against ix (may be NULL: then no party is screened and rules
 * that need screening say they could not be applied). rs, ix and t are
 * borrowed; the determination borrows rs and ix (not t) until it is freed.
 * Returns EMB_EDATE for a bad as_of, EMB_ENOMEM. On success *out is set;
 * caller frees with emb_determination_free(). */
EMB_API EMB_NODISCARD emb_status emb_check(const emb_ruleset *rs,
                                           const emb_index *ix,
                                           const emb_txn *t, const char *as_of,
                                           emb_determination **out);
/* emb_check() with options (a screening cache). opts may be NULL. */
EMB_API EMB_NODISCARD emb_status emb_check_ex(const emb_ruleset *rs,
                                              const emb_index *ix,
                                              const emb_txn *t,
                                              const emb_check_opts *opts,
                                              emb_determination **out);
EMB_API void emb_determination_free(emb_determination *d);

/* Accessors; pointers are borrowed from d. */
EMB_API emb_outcome emb_determination_outcome(const emb_determination *d);
/* The determination date, YYYY-MM-DD, and where it came from: "as_of",
 * "transaction" or "today". */
EMB_API const char *emb_determination_date(const emb_determination *d);
EMB_API const char *emb_determination_date_source(const emb_determination *d);
EMB_API size_t emb_determination_regime_count(const emb_determination *d);
EMB_API const emb_regime_result *emb_determination_regime(
    const emb_determination *d, size_t i);
/* Every regime of the rule set, in the order of ref/regimes.json (then the
 * regimes it does not define), whether applied or not
 * (emb_determination_regime() gives only the applied ones). */
EMB_API size_t emb_determination_scope_count(const emb_determination *d);
EMB_API const emb_regime_scope *emb_determination_scope(
    const emb_determination *d, size_t i);
EMB_API size_t emb_determination_party_count(const emb_determination *d);
EMB_API const emb_party_screening *emb_determination_party(
    const emb_determination *d, size_t i);

/* Writes the plain-language one-line summary of reason r of d into
 * buf[0..n) (NUL-terminated, truncated to fit) and returns the length it
 * needed, as snprintf does. */
EMB_API size_t emb_reason_summary(const emb_determination *d,
                                  const emb_reason *r, char *buf, size_t n);

/* The determination as JSON (docs/check.md), indented when pretty, else
 * on one line without a trailing newline. Caller frees *out with free().
 * Returns EMB_ENOMEM. */
EMB_API EMB_NODISCARD emb_status
emb_determination_json(const emb_determination *d, int pretty, char **out);

#endif
