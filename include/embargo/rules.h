/* embargo: rule sets for licence determination.
 *
 * A rule set (emb_ruleset) holds the rule packs and the reference data of
 * a rules directory (docs/rules.md is the format's contract): Country
 * Groups, the Commerce Country Chart, the ECCNs with their reasons for
 * control, the Federal Register documents that list entries cite, and
 * every dated, cited rule of every pack. It is validated whole on load and
 * immutable afterwards: any number of threads may run emb_check() on it at
 * once without locks. A reload builds a new set.
 *
 * Strings returned by the accessors are borrowed from the rule set and
 * valid until emb_ruleset_free().
 */
#ifndef EMBARGO_RULES_H
#define EMBARGO_RULES_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/status.h"

typedef struct emb_ruleset emb_ruleset;

/* One loaded rule pack (a *.jsonl file under the rules directory). */
typedef struct emb_rule_pack_info {
  const char *path;   /* as found under the directory given to the loader */
  const char *sha256; /* hex digest of the file bytes */
  const char *regime; /* the header's regime, e.g. "US-EAR" */
  const char *pack;   /* the header's pack name */
  const char *title;  /* the header's title, or NULL */
  size_t rules;       /* rules in the pack */
} emb_rule_pack_info;

/* One reference data file (ref/country-groups.json, ref/country-chart.json,
 * ref/eccn.jsonl, ref/fr-dates.json). */
typedef struct emb_ref_info {
  const char *name;     /* "country-groups", "country-chart", "eccn",
                           "fr-dates" */
  const char *path;     /* as found */
  const char *sha256;   /* hex digest of the file bytes */
  const char *as_of;    /* YYYY-MM-DD the data is current to, or NULL */
  const char *citation; /* what it reproduces, or NULL */
  size_t records;       /* groups, countries, ECCNs or FR documents */
} emb_ref_info;

/* One rule, for listings and audits. */
typedef struct emb_rule_info {
  const char *id;
  const char *kind; /* "listed_party", "country_chart", ... */
  const char *regime;
  const char *title;
  const char *summary;
  const char *citation;
  const char *policy;          /* NULL if the rule gives none */
  const char *effective_from;  /* YYYY-MM-DD */
  const char *effective_until; /* YYYY-MM-DD or NULL (open-ended) */
  int verified;                /* 0 when the pack says "verified": false */
  const char *remarks;         /* or NULL */
  size_t pack;                 /* index for emb_ruleset_pack() */
  long line;                   /* line of the rule in its pack */
} emb_rule_info;

/* Loads the reference data under dir/ref and every *.jsonl rule pack under
 * dir (recursively, except ref/; dot files skipped; in path order), and
 * validates everything as docs/rules.md says. Every problem is reported
 * through opts->diag (severity "error", the file, the line (0 when the
 * file is JSON and the line is not known), and a message naming the
 * field); opts may be NULL and opts->strict is ignored: a rule set is
 * never half-loaded, so any invalid rule or reference record fails the
 * whole load. Returns EMB_ENOTFOUND when dir or a reference file is
 * missing, EMB_EIO when a file cannot be read, EMB_EPARSE when anything is
 * invalid, EMB_ETOOBIG past a size limit, EMB_EEMPTY when there is no
 * rule at all. dir is borrowed. On success *out is set; caller frees with
 * emb_ruleset_free(). */
EMB_API EMB_NODISCARD emb_status emb_ruleset_load(const char *dir,
                                                  const emb_load_opts *opts,
                                                  emb_ruleset **out);

/* The directory of the built-in rules (data/rules of the install or the
 * source tree, or $EMBARGO_DATA_DIR/rules). Static storage. */
EMB_API const char *emb_default_rules_dir(void);

EMB_API void emb_ruleset_free(emb_ruleset *rs);

/* The directory the set was loaded from (a copy, borrowed). */
EMB_API const char *emb_ruleset_dir(const emb_ruleset *rs);

EMB_API size_t emb_ruleset_rule_count(const emb_ruleset *rs);
/* i < emb_ruleset_rule_count(); fills *out with borrowed strings. */
EMB_API void emb_ruleset_rule(const emb_ruleset *rs, size_t i,
                              emb_rule_info *out);

EMB_API size_t emb_ruleset_pack_count(const emb_ruleset *rs);
/* Borrowed; i < emb_ruleset_pack_count(). */
EMB_API const emb_rule_pack_info *emb_ruleset_pack(const emb_ruleset *rs,
                                                   size_t i);

EMB_API size_t emb_ruleset_ref_count(const emb_ruleset *rs);
/* Borrowed; i < emb_ruleset_ref_count(). */
EMB_API const emb_ref_info *emb_ruleset_ref(const emb_ruleset *rs, size_t i);

/* The earliest as_of date over the reference files (the vintage of the
 * reference data), or NULL if none gives one. Borrowed. */
EMB_API const char *emb_ruleset_ref_as_of(const emb_ruleset *rs);

/* The regimes of the rule set's packs ("US-EAR", "NL", ...): their number,
 * the name of regime i (borrowed from rs), and the index of a name, or -1
 * when rs has no pack of that regime. */
EMB_API size_t emb_ruleset_regime_count(const emb_ruleset *rs);
EMB_API const char *emb_ruleset_regime_name(const emb_ruleset *rs, size_t i);
EMB_API long emb_ruleset_regime_find(const emb_ruleset *rs, const char *name);

#endif
