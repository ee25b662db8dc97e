/* embargo check: does a transaction need a licence, under which rule, and
 * why. */
#include <stdlib.h>
#include <string.h>

#include "../lib/audit/annotate.h"
#include "cli.h"
#include "embargo/ownership.h"

/* cannot_determine: a fact is missing (docs/cli.md). */
#define CLI_UNDECIDED 4

enum {
  O_AS_OF,
  O_AUDIT,
  O_DATA,
  O_FORMAT,
  O_HELP,
  O_JSONL,
  O_OWNERSHIP,
  O_REGIME,
  O_RULES,
  O_VERBOSE
};

/* At most this many regimes after --regime. */
#define MAX_REGIMES 32

static const cli_opt opts[] = {
    {"as-of", 1, O_AS_OF},         {"audit", 1, O_AUDIT},
    {"data", 1, O_DATA},           {"format", 1, O_FORMAT},
    {"help", 0, O_HELP},           {"jsonl", 0, O_JSONL},
    {"ownership", 1, O_OWNERSHIP}, {"regime", 1, O_REGIME},
    {"rules", 1, O_RULES},         {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo check [options] FILE|-\n"
      "       embargo check [options] --jsonl FILE|-\n\n"
      "Determines whether a transaction needs a licence under each regime "
      "of the\n"
      "rule packs (US EAR, US OFAC, the Netherlands, Japan, China), on a "
      "date,\n"
      "with the rules that fired, their citations,\n"
      "licensing policies and the screening hits behind them. The input is "
      "one\n"
      "JSON transaction (docs/check.md); with --jsonl, one per line, "
      "giving one\n"
      "JSON result per line.\n\n"
      "options:\n"
      "  --data DIR|FILE     lists to screen the parties against "
      "(repeatable);\n"
      "                      default: the built-in data (%s)\n"
      "  --rules DIR         rule packs and reference data; default: %s\n"
      "  --regime LIST       only these regimes, comma-separated (e.g.\n"
      "                      US-EAR,NL,JP,CN), applied even where the\n"
      "                      transaction does not touch them; default: "
      "every\n"
      "                      regime whose jurisdiction it touches\n"
      "  --ownership FILE    known owners of companies, for the 50%% "
      "rules\n"
      "                      (docs/regimes.md)\n"
      "  --as-of YYYY-MM-DD  the date of the determination (default: the\n"
      "                      transaction's date, else today)\n"
      "  --format F          table (default) or json; --jsonl always "
      "writes JSON\n"
      "  --jsonl             one transaction per input line\n"
      "  --verbose           print every problem found while loading\n"
      "  --audit PATH        record each determination in this audit log\n"
      "                      (docs/audit.md)\n\n"
      "exit codes: 0 no licence required, 1 licence required or "
      "prohibited,\n"
      "2 usage error, 3 data error (rules or lists not loaded, a bad\n"
      "transaction), 4 cannot be determined (a fact is missing)\n",
      emb_default_lists_dir(), emb_default_rules_dir());
}

typedef struct check_cfg {
  const char *as_of;
  char *regime_buf; /* --regime, split in place */
  const char *regimes[MAX_REGIMES];
  size_t n_regimes;
  emb_ownership *ownership;
  int table;
  int verbose;
  size_t rule_errors;
  /* With --audit: the log, the caller and the data versions recorded
   * with each determination. */
  emb_audit *audit;
  char caller[80];
  char lists_ver[80];
  char rules_ver[80];
} check_cfg;

/* Records one determination: the transaction as given, the date asked
 * for, and the whole result (rules fired, citations, hits). Returns 0, or
 * -1 when the log failed (the message is printed). */
static int audit_check(const check_cfg *cfg, const char *json, size_t len,
                       long line, const emb_determination *d) {
  if (cfg->audit == NULL) return 0;
  char *res = NULL;
  json_t *req = json_object();
  json_t *txn = json_loadb(json, len, 0, NULL);
  json_object_set_new(req, "transaction", txn ? txn : json_null());
  json_object_set_new(req, "as_of",
                      cfg->as_of ? json_string(cfg->as_of) : json_null());
  if (cfg->n_regimes) {
    json_t *rg = json_array();
    for (size_t i = 0; i < cfg->n_regimes; i++)
      json_array_append_new(rg, json_string(cfg->regimes[i]));
    json_object_set_new(req, "regimes", rg);
  }
  if (cfg->ownership) {
    json_t *ow = json_object();
    json_object_set_new(ow, "path",
                        json_string(emb_ownership_path(cfg->ownership)));
    json_object_set_new(ow, "sha256",
                        json_string(emb_ownership_sha256(cfg->ownership)));
    json_object_set_new(req, "ownership", ow);
  }
  if (line > 0) json_object_set_new(req, "line", json_integer(line));
  emb_status st = emb_determination_json(d, 0, &res);
  if (st == EMB_OK)
    st = emb__audit_event(cfg->audit, "check", cfg->caller, req, res,
                          cfg->lists_ver, cfg->rules_ver);
  free(res);
  json_decref(req);
  if (st != EMB_OK) {
    const char *why = emb_audit_last_error(cfg->audit);
    fprintf(stderr, "embargo check: audit log: %s\n",
            why[0] ? why : emb_strerror(st));
    return -1;
  }
  return 0;
}

static void on_rules_diag(void *ud, const char *sev, const char *file,
                          long line, const char *msg) {
  check_cfg *c = ud;
  c->rule_errors++;
  cli_print_diag(NULL, sev, file, line, msg);
}

static int exit_code(emb_outcome o) {
  switch (o) {
    case EMB_NO_LICENSE_REQUIRED:
      return CLI_OK;
    case EMB_CANNOT_DETERMINE:
      return CLI_UNDECIDED;
    default:
      return CLI_HIT;
  }
}

/* ---- The table. ---- */

/* Prints text wrapped at 78 columns, the first line after `lead`, the
 * others indented by `indent` spaces. */
static void wrap(const char *lead, int indent, const char *text) {
  fputs(lead, stdout);
  int col = (int)strlen(lead), first = 1;
  for (const char *p = text; *p;) {
    while (*p == ' ') p++;
    if (*p == '\0') break;
    const char *e = p;
    while (*e && *e != ' ') e++;
    int w = (int)(e - p);
    if (!first && col + 1 + w > 78) {
      printf("\n%*s", indent, "");
      col = indent;
    } else if (!first) {
      putchar(' ');
      col++;
    }
    printf("%.*s", w, p);
    col += w;
    first = 0;
    p = e;
  }
  putchar('\n');
}

static const char *outcome_text(emb_outcome o) {
  switch (o) {
    case EMB_NO_LICENSE_REQUIRED:
      return "NO LICENCE REQUIRED";
    case EMB_CANNOT_DETERMINE:
      return "CANNOT BE DETERMINED";
    case EMB_LICENSE_REQUIRED:
      return "LICENCE REQUIRED";
    case EMB_PROHIBITED:
      return "PROHIBITED";
  }
  return "?";
}

/* Whether hit h is behind a reason of d, and which rule. */
static const char *hit_rule(const emb_determination *d,
                            const emb_party_hit *h) {
  for (size_t g = 0; g < emb_determination_regime_count(d); g++) {
    const emb_regime_result *r = emb_determination_regime(d, g);
    for (size_t i = 0; i < r->n_reasons; i++)
      for (size_t k = 0; k < r->reasons[i].n_parties; k++)
        if (r->reasons[i].parties[k] == h) return r->reasons[i].rule;
  }
  return NULL;
}

static void print_reason(const emb_determination *d, const emb_reason *r,
                         size_t n) {
  char lead[64], buf[2048];
  snprintf(lead, sizeof(lead), "  %2zu. ", n);
  char head[600];
  snprintf(head, sizeof(head), "%s: %s%s%s%s", outcome_text(r->outcome),
           r->title ? r->title : r->kind, r->rule ? " [" : "",
           r->rule ? r->rule : "", r->rule ? "]" : "");
  wrap(lead, 6, head);
  if (r->citation) wrap("      Citation:   ", 18, r->citation);
  if (r->requirement) wrap("      Requirement: ", 18, r->requirement);
  if (r->policy) wrap("      Policy:     ", 18, r->policy);
  if (r->terms) {
    /* The entry's terms of the date differ from today's: say which
     * period they are from, so that nobody takes them for current. */
    char terms[300];
    snprintf(terms, sizeof(terms),
             "as in force %s to %s (a dated record of the entry's "
             "history; its current terms differ)",
             r->terms->from, r->terms->until ? r->terms->until : "today");
    wrap("      Terms:      ", 18, terms);
    if (!r->terms->verified)
      wrap("      Caution:    ", 18,
           r->terms->remarks ? r->terms->remarks
                             : "these terms are not verified against the "
                               "primary text");
  } else if (r->terms_basis) {
    wrap("      Terms:      ", 18, "the entry's current terms");
  }
  if (r->outcome != EMB_CANNOT_DETERMINE &&
      r->outcome != EMB_NO_LICENSE_REQUIRED) {
    char ex[300] = "";
    size_t k = 0;
    for (size_t i = 0; i < r->n_exceptions; i++)
      k += (size_t)snprintf(ex + k, k < sizeof(ex) ? sizeof(ex) - k : 0, "%s%s",
                            i ? ", " : "", r->exceptions[i]);
    wrap("      Exceptions: ", 18,
         r->n_exceptions ? ex : "none (no licence exception listed)");
  }
  emb_reason_summary(d, r, buf, sizeof(buf));
  wrap("      Why:        ", 18, buf);
  if (r->note) wrap("      Note:       ", 18, r->note);
  if (r->licence) wrap("      Licence:    ", 18, r->licence);
  for (size_t i = 0; i < r->n_chain; i++) {
    const emb_owner_link *k = &r->chain[i];
    char own[900];
    snprintf(own, sizeof(own), "%*s\"%s\" holds %.4g%% of \"%s\"%s%s%s (%s)",
             (k->depth - 1) * 2, "", k->owner, k->share_pct, k->owned,
             k->entity ? ": listed as " : "", k->entity ? k->entity->id : "",
             k->entity ? "" : ": caught through its own owners", k->source);
    wrap(i ? "                  " : "      Owners:     ", 18, own);
  }
  if (!r->verified)
    wrap("      Caution:    ", 18,
         "this rule is marked as not verified against the primary text");
}

static void print_table(const emb_determination *d) {
  printf("Licence determination as of %s (%s)\n\n", emb_determination_date(d),
         strcmp(emb_determination_date_source(d), "as_of") == 0 ? "--as-of"
         : strcmp(emb_determination_date_source(d), "today") == 0
             ? "today"
             : "transaction date");
  printf("OVERALL: %s\n", outcome_text(emb_determination_outcome(d)));
  printf("\nRegimes considered:\n");
  for (size_t i = 0; i < emb_determination_scope_count(d); i++) {
    const emb_regime_scope *s = emb_determination_scope(d, i);
    char lead[64];
    snprintf(lead, sizeof(lead), "  %-8s %s ", s->regime,
             s->applies ? "applies:" : "not applied:");
    wrap(lead, 11, s->why ? s->why : "");
  }
  for (size_t g = 0; g < emb_determination_regime_count(d); g++) {
    const emb_regime_result *r = emb_determination_regime(d, g);
    printf("\n%s: %s\n", r->regime, outcome_text(r->outcome));
    printf("  Items:\n");
    for (size_t i = 0; i < r->n_items; i++) {
      const emb_item_status *s = &r->items[i];
      char line[700], lead[64];
      snprintf(lead, sizeof(lead), "    [%zu] %-10s ", i,
               s->eccn ? s->eccn : "(no ECCN)");
      snprintf(line, sizeof(line), "subject: %s - %s%s%s%s",
               s->subject > 0    ? "yes"
               : s->subject == 0 ? "no"
                                 : "unknown",
               s->basis ? s->basis : "", s->citation ? " (" : "",
               s->citation ? s->citation : "", s->citation ? ")" : "");
      if (s->pct >= 0) {
        size_t k = strlen(line);
        snprintf(line + k, sizeof(line) - k,
                 "; US content %.4g%%, de minimis level %.4g%%", s->pct,
                 s->limit_pct);
      }
      wrap(lead, 20, line);
    }
    if (r->n_reasons == 0) {
      printf(
          "  No rule in force requires a licence for these items, "
          "destination and parties.\n");
      continue;
    }
    printf("  Reasons:\n");
    for (size_t i = 0; i < r->n_reasons; i++)
      print_reason(d, &r->reasons[i], i + 1);
  }
  printf("\nScreening of the parties:\n");
  if (emb_determination_party_count(d) == 0) printf("  (no parties)\n");
  for (size_t p = 0; p < emb_determination_party_count(d); p++) {
    const emb_party_screening *s = emb_determination_party(d, p);
    printf("  [%zu] %s \"%s\"%s%s%s\n", p, s->role, s->name,
           s->country ? " (" : "", s->country ? s->country : "",
           s->country ? ")" : "");
    int any = 0;
    double best = -1; /* the engine counts only a party's best match */
    for (size_t k = 0; k < s->n_hits; k++)
      if (s->hits[k].match && s->hits[k].in_force && s->hits[k].score > best)
        best = s->hits[k].score;
    for (size_t k = 0; k < s->n_hits; k++) {
      const emb_party_hit *h = &s->hits[k];
      if (!h->match) continue;
      any = 1;
      const char *rule = hit_rule(d, h);
      char line[900];
      snprintf(line, sizeof(line), "%s \"%s\" (%s, score %.3f)%s%s%s; %s%s",
               h->entity->id, h->entity->names[0].text,
               h->entity->list ? h->entity->list : "?", h->score,
               h->listed_from ? ", listed from " : ", listing date unknown",
               h->listed_from ? h->listed_from : "",
               h->in_force ? "" : " (not listed on that date)",
               rule           ? "used by rule "
               : !h->in_force ? "not counted"
               : h->score < best - 1e-9
                   ? "not used: the party matches another entry better"
                   : "no rule in force acts on this list",
               rule ? rule : "");
      wrap("      match: ", 13, line);
    }
    if (!any) printf("      no match\n");
  }
}

static void print_versions(const emb_ruleset *rs, const cli_loaded *l) {
  char line[2048];
  size_t k = (size_t)snprintf(
      line, sizeof(line),
      "%zu rules in %zu packs (%s); reference data as of %s; lists:",
      emb_ruleset_rule_count(rs), emb_ruleset_pack_count(rs),
      emb_ruleset_dir(rs),
      emb_ruleset_ref_as_of(rs) ? emb_ruleset_ref_as_of(rs) : "?");
  const emb_listset *ls = l->ls;
  for (size_t i = 0; i < emb_listset_source_count(ls) && k < sizeof(line);
       i++) {
    const emb_source_info *s = emb_listset_source(ls, i);
    k +=
        (size_t)snprintf(line + k, sizeof(line) - k, "%s %s (%s)", i ? "," : "",
                         s->path, s->list_date ? s->list_date : "?");
  }
  printf("\n");
  wrap("Data: ", 6, line);
}

/* ---- Running. ---- */

static json_t *error_json(emb_status st, long line, const char *msg) {
  json_t *j = json_object();
  json_t *e = json_object();
  json_object_set_new(e, "code", json_string(emb_status_name(st)));
  char m[600];
  if (line > 0)
    snprintf(m, sizeof(m), "line %ld: %s", line, msg);
  else
    snprintf(m, sizeof(m), "%s", msg);
  json_t *js = json_string(m);
  json_object_set_new(e, "message", js ? js : json_string(emb_strerror(st)));
  json_object_set_new(j, "error", e);
  return j;
}

/* Checks one transaction; prints the result. Returns the exit code of
 * this transaction. */
static int check_one(const emb_ruleset *rs, const cli_loaded *l,
                     emb_check_cache *cache, const check_cfg *cfg,
                     const char *json, size_t len, long line, int jsonl) {
  char err[400];
  emb_txn *t = NULL;
  emb_status st = emb_txn_parse(json, len, err, sizeof(err), &t);
  if (st != EMB_OK) {
    if (jsonl) {
      cli_emit_json(stdout, error_json(st, line, err), 0);
      fprintf(stderr, "embargo check: line %ld: %s\n", line, err);
    } else {
      fprintf(stderr, "embargo check: bad transaction: %s\n", err);
    }
    return CLI_DATA;
  }
  emb_check_opts o = {.as_of = cfg->as_of,
                      .cache = cache,
                      .regimes = cfg->n_regimes ? cfg->regimes : NULL,
                      .n_regimes = cfg->n_regimes,
                      .ownership = cfg->ownership};
  emb_determination *d = NULL;
  st = emb_check_ex(rs, l->ix, t, &o, &d);
  emb_txn_free(t);
  if (st != EMB_OK) {
    fprintf(stderr, "embargo check: %s\n", emb_strerror(st));
    if (jsonl) cli_emit_json(stdout, error_json(st, line, emb_strerror(st)), 0);
    return CLI_DATA;
  }
  int rc = exit_code(emb_determination_outcome(d));
  if (audit_check(cfg, json, len, line, d) != 0) {
    rc = CLI_DATA;
  } else if (cfg->table && !jsonl) {
    print_table(d);
    print_versions(rs, l);
  } else {
    char *s = NULL;
    if (emb_determination_json(d, !jsonl, &s) == EMB_OK) {
      fputs(s, stdout);
      fputc('\n', stdout);
      free(s);
    } else {
      rc = CLI_DATA;
    }
  }
  emb_determination_free(d);
  return rc;
}

static int run_jsonl(const emb_ruleset *rs, const cli_loaded *l,
                     const check_cfg *cfg, FILE *in) {
  emb_check_cache *cache = NULL;
  if (emb_check_cache_new(16384, &cache) != EMB_OK) return CLI_DATA;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  long lineno = 0;
  int any_error = 0, any_licence = 0, any_undecided = 0;
  while ((len = getline(&line, &cap, in)) >= 0) {
    lineno++;
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    int rc;
    if ((size_t)len > EMB_TXN_MAX_JSON) {
      cli_emit_json(stdout,
                    error_json(EMB_ETOOBIG, lineno,
                               "the transaction is longer than 1 MiB"),
                    0);
      rc = CLI_DATA;
    } else {
      rc = check_one(rs, l, cache, cfg, line, (size_t)len, lineno, 1);
    }
    any_error |= rc == CLI_DATA;
    any_licence |= rc == CLI_HIT;
    any_undecided |= rc == CLI_UNDECIDED;
  }
  free(line);
  emb_check_cache_free(cache);
  if (ferror(in)) {
    fprintf(stderr, "embargo check: error reading the input\n");
    return CLI_DATA;
  }
  fflush(stdout);
  if (any_error) return CLI_DATA;
  if (any_licence) return CLI_HIT;
  return any_undecided ? CLI_UNDECIDED : CLI_OK;
}

static int configure(const cli_args *a, check_cfg *c) {
  const char *fmt = a->values[O_FORMAT] ? a->values[O_FORMAT] : "table";
  if (strcmp(fmt, "table") && strcmp(fmt, "json")) {
    fprintf(stderr, "embargo check: --format must be table or json\n");
    return CLI_USAGE;
  }
  c->table = strcmp(fmt, "table") == 0;
  if (a->values[O_AS_OF]) {
    if (!cli_valid_date(a->values[O_AS_OF])) {
      fprintf(stderr,
              "embargo check: --as-of needs a date YYYY-MM-DD, not "
              "'%s'\n",
              a->values[O_AS_OF]);
      return CLI_USAGE;
    }
    c->as_of = a->values[O_AS_OF];
  }
  c->verbose = a->values[O_VERBOSE] != NULL;
  if (a->values[O_REGIME]) {
    int n = cli_split_names(a->values[O_REGIME], &c->regime_buf, c->regimes,
                            MAX_REGIMES);
    if (n <= 0) {
      fprintf(stderr,
              "embargo check: --regime needs 1 to %d regime names, e.g. "
              "US-EAR,NL\n",
              MAX_REGIMES);
      return CLI_USAGE;
    }
    c->n_regimes = (size_t)n;
  }
  return CLI_OK;
}

int cmd_check(int argc, char **argv) {
  cli_args a;
  int rc =
      cli_parse("check", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos != 1) {
    fprintf(stderr,
            "embargo check: give one FILE, or '-' to read the "
            "transaction from stdin (see --help)\n");
    return CLI_USAGE;
  }
  check_cfg cfg = {0};
  if ((rc = configure(&a, &cfg)) != CLI_OK) {
    free(cfg.regime_buf);
    return rc;
  }
  FILE *in = stdin;
  if (strcmp(a.pos[0], "-") != 0 && (in = fopen(a.pos[0], "rb")) == NULL) {
    fprintf(stderr, "embargo check: cannot open '%s'\n", a.pos[0]);
    free(cfg.regime_buf);
    return CLI_DATA;
  }
  const char *dir =
      a.values[O_RULES] ? a.values[O_RULES] : emb_default_rules_dir();
  emb_load_opts lo = {.diag = on_rules_diag, .userdata = &cfg};
  emb_ruleset *rs = NULL;
  emb_status st = emb_ruleset_load(dir, &lo, &rs);
  if (st != EMB_OK) {
    fprintf(stderr, "embargo: error: could not load the rules from %s: %s\n",
            dir, emb_strerror(st));
    if (in != stdin) fclose(in);
    free(cfg.regime_buf);
    return CLI_DATA;
  }
  rc = cli_check_regimes("check", rs, cfg.regimes, cfg.n_regimes);
  if (rc == CLI_OK && a.values[O_OWNERSHIP]) {
    emb_load_opts oo = {.diag = cli_print_diag};
    st = emb_ownership_load(a.values[O_OWNERSHIP], &oo, &cfg.ownership);
    if (st != EMB_OK) {
      fprintf(stderr,
              "embargo: error: could not load the ownership file %s: %s\n",
              a.values[O_OWNERSHIP], emb_strerror(st));
      rc = CLI_DATA;
    }
  }
  if (rc != CLI_OK) {
    emb_ruleset_free(rs);
    free(cfg.regime_buf);
    if (in != stdin) fclose(in);
    return rc;
  }
  cli_loaded l;
  rc = cli_load(&a, 0, cfg.verbose, 1, &l);
  if (rc == CLI_OK && a.values[O_AUDIT]) {
    rc = cli_audit_open("check", a.values[O_AUDIT], l.ls, rs, &cfg.audit,
                        cfg.caller, cfg.lists_ver, cfg.rules_ver);
    if (rc != CLI_OK) cli_unload(&l);
  }
  if (rc == CLI_OK) {
    if (a.values[O_JSONL]) {
      rc = run_jsonl(rs, &l, &cfg, in);
    } else {
      size_t len = 0;
      char *json = cli_read_all(in, EMB_TXN_MAX_JSON, &len);
      if (json == NULL) {
        fprintf(stderr,
                "embargo check: cannot read the transaction (at "
                "most 1 MiB)\n");
        rc = CLI_DATA;
      } else {
        rc = check_one(rs, &l, NULL, &cfg, json, len, 0, 0);
        free(json);
      }
    }
    cli_unload(&l);
  }
  rc = cli_audit_close("check", &cfg.audit, rc);
  emb_ownership_free(cfg.ownership);
  free(cfg.regime_buf);
  emb_ruleset_free(rs);
  if (in != stdin) fclose(in);
  return rc;
}
