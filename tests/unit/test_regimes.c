/* Unit tests: regimes beyond the US EAR (issue #6) on the fixture rules of
 * tests/data/rules/regimes and the parties of tests/data/rules/regimes-lists.
 * Table-driven: each case is a transaction, the regimes asked for, the
 * regimes considered ("T-US=1 T-NL=0 ...") and the reasons of every regime
 * applied ("T-NL[t-nl-list:license_required]"). Then the ownership chain,
 * the ownership file, and load errors of the new kinds, regimes.json and
 * ownership files, each naming its line and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs the standard headers above. */
#include <cmocka.h>

#include "diag_log.h"
#include "embargo/embargo.h"
#include "embargo/ownership.h"

typedef struct fixture {
  emb_ruleset *rs;
  emb_listset *ls;
  emb_index *ix;
} fixture;

static fixture F;

static void data_path(char *out, size_t n, const char *rel) {
  env_path(out, n, "EMBARGO_TEST_DATA", "tests/data", rel);
}

static int setup(void **state) {
  (void)state;
  char rules[512], lists[512];
  data_path(rules, sizeof(rules), "rules/regimes");
  data_path(lists, sizeof(lists), "rules/regimes-lists");
  if (emb_ruleset_load(rules, NULL, &F.rs) != EMB_OK) return -1;
  const char *paths[1] = {lists};
  if (emb_listset_load(paths, 1, NULL, &F.ls) != EMB_OK) return -1;
  return emb_index_build(F.ls, &F.ix) == EMB_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  emb_index_free(F.ix);
  emb_listset_free(F.ls);
  emb_ruleset_free(F.rs);
  return 0;
}

static void describe(const emb_determination *d, char *cons, size_t cn,
                     char *reasons, size_t rn) {
  size_t k = 0;
  cons[0] = reasons[0] = '\0';
  for (size_t i = 0; i < emb_determination_scope_count(d); i++) {
    const emb_regime_scope *s = emb_determination_scope(d, i);
    k += (size_t)snprintf(cons + k, k < cn ? cn - k : 0, "%s%s=%d",
                          i ? " " : "", s->regime, s->applies);
  }
  k = 0;
  for (size_t g = 0; g < emb_determination_regime_count(d); g++) {
    const emb_regime_result *r = emb_determination_regime(d, g);
    k += (size_t)snprintf(reasons + k, k < rn ? rn - k : 0, "%s%s[",
                          g ? " " : "", r->regime);
    for (size_t i = 0; i < r->n_reasons; i++) {
      const emb_reason *x = &r->reasons[i];
      k += (size_t)snprintf(reasons + k, k < rn ? rn - k : 0, "%s%s:%s%s%s",
                            i ? " " : "", x->rule ? x->rule : "subject",
                            emb_outcome_name(x->outcome), x->missing ? ":" : "",
                            x->missing ? x->missing : "");
    }
    k += (size_t)snprintf(reasons + k, k < rn ? rn - k : 0, "]");
  }
}

typedef struct rcase {
  const char *name;
  const char *json;
  const char *regimes; /* comma-separated, or NULL */
  emb_outcome overall;
  const char *considered;
  const char *reasons;
} rcase;

#define NL_ITEM(code)                                                          \
  "\"items\":[{\"description\":\"scanner\",\"classification\":{\"NL\":\"" code \
  "\"}}]"
#define NL_CN(date, rest) \
  "{\"date\":\"" date "\",\"from\":\"NL\",\"to\":\"CN\"," rest "}"
#define ALPHA "Alphanumeric Quasar Listed Corporation"

static const rcase cases[] = {
    /* Regime applicability: T-US always, T-NL from NL, T-CN not touched by
     * an export from NL to CN without a party in CN. */
    {"nl-before", NL_CN("2023-08-31", NL_ITEM("3B001.f.4")), NULL,
     EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=1 T-CN=0", "T-US[] T-NL[]"},
    {"nl-after", NL_CN("2023-09-01", NL_ITEM("3B001.f.4")), NULL,
     EMB_LICENSE_REQUIRED, "T-US=1 T-NL=1 T-CN=0",
     "T-US[] T-NL[t-nl-list:license_required]"},
    /* A sub-entry of a listed code, and codes with parentheses. */
    {"nl-subentry", NL_CN("2024-01-10", NL_ITEM("3B001.f.4.a")), "T-NL",
     EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required]"},
    {"nl-paren", NL_CN("2024-01-10", NL_ITEM("7(18)(a)")), "T-NL",
     EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required]"},
    /* "3B001.f.40" is not under "3B001.f.4"; "3B001.f" is broader: it may
     * be the listed entry, so the answer needs the precise code. */
    {"nl-not-prefix", NL_CN("2024-01-10", NL_ITEM("3B001.f.40")), "T-NL",
     EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0", "T-NL[]"},
    {"nl-broader", NL_CN("2024-01-10", NL_ITEM("3B001.f")), "T-NL",
     EMB_CANNOT_DETERMINE, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:cannot_determine:classification.NL]"},
    {"nl-none", NL_CN("2024-01-10", NL_ITEM("none")), "T-NL",
     EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0", "T-NL[]"},
    {"nl-missing",
     NL_CN("2024-01-10", "\"items\":[{\"description\":\"scanner\"}]"), "T-NL",
     EMB_CANNOT_DETERMINE, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:cannot_determine:classification.NL]"},
    {"nl-excepted-destination",
     "{\"date\":\"2024-01-10\",\"from\":\"NL\",\"to\":\"DE\"," NL_ITEM(
         "3B001.f.4") "}",
     "T-NL", EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0", "T-NL[]"},
    /* Activities: the export rule does not cover a service; the service
     * rule has no "from" (the regime's own scope decides). */
    {"nl-service",
     NL_CN("2024-01-10", "\"activity\":\"service\"," NL_ITEM("3B001.f.4")),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-service:license_required]"},
    /* Selected explicitly though not touched: applied. */
    {"nl-forced",
     "{\"date\":\"2024-01-10\",\"from\":\"US\",\"to\":\"CN\","
     "\"activity\":\"service\"," NL_ITEM("3B001.f.4") "}",
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-service:license_required]"},
    /* ... whose export rules still need an export from NL. */
    {"nl-forced-export",
     "{\"date\":\"2024-01-10\",\"from\":\"US\",\"to\":\"CN\"," NL_ITEM(
         "3B001.f.4") "}",
     "T-NL", EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0", "T-NL[]"},
    /* Revocation: a licence granted in 2023, before and after the event;
     * one granted after the cut-off; one without a date. */
    {"revoke-before",
     NL_CN("2023-12-20", NL_ITEM("3B001.f.4") ",\"licences\":[{\"regime\":"
                                              "\"T-NL\",\"number\":\"L1\","
                                              "\"granted\":\"2023-10-01\"}]"),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required]"},
    {"revoke-after",
     NL_CN("2024-01-02", NL_ITEM("3B001.f.4") ",\"licences\":[{\"regime\":"
                                              "\"T-NL\",\"number\":\"L1\","
                                              "\"granted\":\"2023-10-01\"}]"),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required t-nl-revoke:license_required]"},
    {"revoke-later-licence",
     NL_CN("2024-03-02", NL_ITEM("3B001.f.4") ",\"licences\":[{\"regime\":"
                                              "\"T-NL\",\"number\":\"L2\","
                                              "\"granted\":\"2024-02-01\"}]"),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required]"},
    {"revoke-other-regime",
     NL_CN("2024-03-02", NL_ITEM("3B001.f.4") ",\"licences\":[{\"regime\":"
                                              "\"T-CN\",\"number\":\"L3\","
                                              "\"granted\":\"2023-02-01\"}]"),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required]"},
    {"revoke-undated",
     NL_CN("2024-03-02", NL_ITEM("3B001.f.4") ",\"licences\":[{\"regime\":"
                                              "\"T-NL\",\"number\":\"L4\"}]"),
     "T-NL", EMB_LICENSE_REQUIRED, "T-US=0 T-NL=1 T-CN=0",
     "T-NL[t-nl-list:license_required "
     "t-nl-revoke:cannot_determine:licences.granted]"},
    /* The procurement ban: by the supplier party, by the maker only, not a
     * CIIO, before the decision, the maker unknown. */
    {"ban-supplier",
     "{\"date\":\"2023-06-01\",\"activity\":\"purchase\",\"from\":\"US\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\"}],\"parties\":[{"
     "\"role\":\"purchaser\",\"name\":\"Grid Co\",\"country\":\"CN\","
     "\"flags\":[\"ciio\"]},{\"role\":\"supplier\",\"name\":\"MICRON "
     "TECHNOLOGY INC\"}]}",
     "T-CN", EMB_PROHIBITED, "T-US=0 T-NL=0 T-CN=1",
     "T-CN[t-cn-micron:prohibited]"},
    {"ban-maker",
     "{\"date\":\"2023-06-01\",\"activity\":\"purchase\",\"from\":\"CN\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\",\"manufacturer\":"
     "\"Micron Technology, Inc.\"},{\"description\":\"NAND\","
     "\"manufacturer\":\"Other Memory Co\"}],\"parties\":[{\"role\":"
     "\"purchaser\",\"name\":\"Grid Co\",\"flags\":[\"ciio\"]}]}",
     "T-CN", EMB_PROHIBITED, "T-US=0 T-NL=0 T-CN=1",
     "T-CN[t-cn-micron:prohibited]"},
    /* One item by the named maker, one whose maker is not given (and no
     * supplier): the second still needs its maker. */
    {"ban-maker-partial",
     "{\"date\":\"2023-06-01\",\"activity\":\"purchase\",\"from\":\"CN\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\",\"manufacturer\":"
     "\"Micron Technology, Inc.\"},{\"description\":\"SSD\"}],\"parties\":[{"
     "\"role\":\"purchaser\",\"name\":\"Grid Co\",\"flags\":[\"ciio\"]}]}",
     "T-CN", EMB_PROHIBITED, "T-US=0 T-NL=0 T-CN=1",
     "T-CN[t-cn-micron:prohibited t-cn-micron:cannot_determine:manufacturer]"},
    {"ban-not-ciio",
     "{\"date\":\"2023-06-01\",\"activity\":\"purchase\",\"from\":\"CN\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\",\"manufacturer\":"
     "\"Micron Technology, Inc.\"}],\"parties\":[{\"role\":\"purchaser\","
     "\"name\":\"Shop\"}]}",
     "T-CN", EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=0 T-CN=1", "T-CN[]"},
    {"ban-before",
     "{\"date\":\"2023-05-20\",\"activity\":\"purchase\",\"from\":\"CN\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\",\"manufacturer\":"
     "\"Micron Technology, Inc.\"}],\"parties\":[{\"role\":\"purchaser\","
     "\"name\":\"Grid Co\",\"flags\":[\"ciio\"]}]}",
     "T-CN", EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=0 T-CN=1", "T-CN[]"},
    {"ban-maker-unknown",
     "{\"date\":\"2023-06-01\",\"activity\":\"purchase\",\"from\":\"CN\","
     "\"to\":\"CN\",\"items\":[{\"description\":\"DRAM\"}],\"parties\":[{"
     "\"role\":\"purchaser\",\"name\":\"Grid Co\",\"flags\":[\"ciio\"]}]}",
     "T-CN", EMB_CANNOT_DETERMINE, "T-US=0 T-NL=0 T-CN=1",
     "T-CN[t-cn-micron:cannot_determine:manufacturer]"},
    /* An export from CN of a controlled material, and to a listed firm
     * while it was listed (its end_date ends it). */
    {"cn-ga",
     "{\"date\":\"2024-01-10\",\"from\":\"CN\",\"to\":\"US\",\"items\":[{"
     "\"classification\":{\"CN\":\"CN-GA.5\"}}]}",
     NULL, EMB_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=1",
     "T-US[] T-CN[t-cn-ga:license_required]"},
    {"cn-uel-listed",
     "{\"date\":\"2024-01-10\",\"from\":\"CN\",\"to\":\"US\",\"items\":[{"
     "\"classification\":{\"CN\":\"none\"}}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Deltawing Unreliable Aerospace Inc\"}]}",
     "T-CN", EMB_PROHIBITED, "T-US=0 T-NL=0 T-CN=1",
     "T-CN[t-cn-uel:prohibited]"},
    {"cn-uel-removed",
     "{\"date\":\"2025-02-10\",\"from\":\"CN\",\"to\":\"US\",\"items\":[{"
     "\"classification\":{\"CN\":\"none\"}}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Deltawing Unreliable Aerospace Inc\"}]}",
     "T-CN", EMB_NO_LICENSE_REQUIRED, "T-US=0 T-NL=0 T-CN=1", "T-CN[]"},
    /* Ownership: direct, below the threshold, aggregated, after the rule
     * ended, through a chain, around a cycle, one owner alone. */
    {"own-direct",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Subsidiary One\",\"owners\":[{\"name\":"
     "\"" ALPHA "\",\"share_pct\":50}]}]}",
     "T-US", EMB_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0",
     "T-US[t-own:license_required]"},
    {"own-below",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Subsidiary One\",\"owners\":[{\"name\":"
     "\"" ALPHA "\",\"share_pct\":49.9}]}]}",
     "T-US", EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0", "T-US[]"},
    {"own-ended",
     "{\"date\":\"2026-01-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Subsidiary One\",\"owners\":[{\"name\":"
     "\"" ALPHA "\",\"share_pct\":80}]}]}",
     "T-US", EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0", "T-US[]"},
    {"own-chain",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Grandchild\",\"owners\":[{\"name\":\"Child "
     "Holding\",\"share_pct\":60,\"owners\":[{\"name\":\"" ALPHA
     "\",\"share_pct\":30},{\"name\":\"Other Listed Proxy\",\"share_pct\":"
     "25,\"owners\":[{\"name\":\"" ALPHA "\",\"share_pct\":100}]}]}]}]}",
     "T-US", EMB_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0",
     "T-US[t-own:license_required]"},
    {"own-cycle",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Loop A\",\"owners\":[{\"name\":\"Loop B\","
     "\"share_pct\":100,\"owners\":[{\"name\":\"Loop A\",\"share_pct\":"
     "100}]}]}]}",
     "T-US", EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0", "T-US[]"},
    {"own-single-not-aggregated",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"AE\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"Trading LLC\",\"owners\":[{\"name\":"
     "\"Betelgeuse Zircon Blocked Limited\",\"share_pct\":30},{\"name\":"
     "\"Gammaray Obsidian Holdings\",\"share_pct\":30}]}]}",
     "T-US", EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0", "T-US[]"},
    {"own-single",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"AE\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"supplier\",\"name\":\"Trading LLC\",\"owners\":[{\"name\":"
     "\"Betelgeuse Zircon Blocked Limited\",\"share_pct\":50}]}]}",
     "T-US", EMB_PROHIBITED, "T-US=1 T-NL=0 T-CN=0",
     "T-US[t-own-single:prohibited]"},
    /* A listed party itself is the listed-party rule's, not this one's. */
    {"own-listed-itself",
     "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
     "\"eccn\":\"EAR99\",\"origin\":\"US\"}],\"parties\":[{\"role\":"
     "\"end_user\",\"name\":\"" ALPHA "\",\"owners\":[{\"name\":\"" ALPHA
     "\",\"share_pct\":100}]}]}",
     "T-US", EMB_NO_LICENSE_REQUIRED, "T-US=1 T-NL=0 T-CN=0", "T-US[]"},
};

static void run_case(const rcase *c, const emb_ownership *own,
                     emb_determination **out) {
  char err[300] = "";
  emb_txn *t = NULL;
  emb_status st = emb_txn_parse(c->json, strlen(c->json), err, sizeof(err), &t);
  if (st != EMB_OK) fail_msg("%s: parse: %s", c->name, err);
  char buf[200] = "";
  const char *names[8];
  size_t n = 0;
  if (c->regimes) {
    snprintf(buf, sizeof(buf), "%s", c->regimes);
    for (char *s = NULL, *tok = strtok_r(buf, ",", &s); tok && n < 8;
         tok = strtok_r(NULL, ",", &s))
      names[n++] = tok;
  }
  emb_check_opts o = {
      .regimes = n ? names : NULL, .n_regimes = n, .ownership = own};
  st = emb_check_ex(F.rs, F.ix, t, &o, out);
  emb_txn_free(t);
  if (st != EMB_OK) fail_msg("%s: check: %s", c->name, emb_strerror(st));
}

static void test_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const rcase *c = &cases[i];
    emb_determination *d = NULL;
    run_case(c, NULL, &d);
    char cons[200], reasons[1000];
    describe(d, cons, sizeof(cons), reasons, sizeof(reasons));
    if (emb_determination_outcome(d) != c->overall ||
        strcmp(cons, c->considered) != 0 || strcmp(reasons, c->reasons) != 0)
      fail_msg("%s: %s / %s / %s; wanted %s / %s / %s", c->name,
               emb_outcome_name(emb_determination_outcome(d)), cons, reasons,
               emb_outcome_name(c->overall), c->considered, c->reasons);
    /* Every determination writes JSON with the regimes considered. */
    char *json = NULL;
    assert_int_equal(emb_determination_json(d, 0, &json), EMB_OK);
    assert_non_null(strstr(json, "\"considered\":["));
    free(json);
    emb_determination_free(d);
  }
}

static const emb_reason *find_reason(const emb_determination *d,
                                     const char *rule) {
  for (size_t g = 0; g < emb_determination_regime_count(d); g++) {
    const emb_regime_result *r = emb_determination_regime(d, g);
    for (size_t i = 0; i < r->n_reasons; i++)
      if (r->reasons[i].rule && strcmp(r->reasons[i].rule, rule) == 0)
        return &r->reasons[i];
  }
  return NULL;
}

static const rcase *case_named(const char *name) {
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (strcmp(cases[i].name, name) == 0) return &cases[i];
  return NULL;
}

/* The chain: the party's direct owner first, with its share, depth and
 * the listed entry where there is one; the aggregate share; the entry's
 * terms as the policy. */
static void test_chain(void **state) {
  (void)state;
  emb_determination *d = NULL;
  run_case(case_named("own-chain"), NULL, &d);
  const emb_reason *r = find_reason(d, "t-own");
  assert_non_null(r);
  assert_true(r->owned_pct > 59.99 && r->owned_pct < 60.01);
  assert_int_equal(r->n_chain, 4);
  assert_string_equal(r->chain[0].owner, "Child Holding");
  assert_string_equal(r->chain[0].owned, "Grandchild");
  assert_int_equal(r->chain[0].depth, 1);
  assert_null(r->chain[0].entity);
  assert_string_equal(r->policy, "Presumption of denial");
  int listed = 0;
  for (size_t i = 0; i < r->n_chain; i++)
    if (r->chain[i].entity) {
      listed++;
      assert_string_equal(r->chain[i].entity->id, "EL:alpha");
      assert_true(r->chain[i].depth >= 2);
    }
  assert_int_equal(listed, 2);
  char sum[1000];
  emb_reason_summary(d, r, sum, sizeof(sum));
  assert_non_null(strstr(sum, "is 60% owned by listed parties"));
  emb_determination_free(d);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The ownership file: the owners of a party the transaction names
 * without owners, found by name whatever the case and punctuation. */
static void test_ownership_file(void **state) {
  (void)state;
  char path[] = "/tmp/embargo-own-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  write_text(path,
             "{\"format\":\"embargo-ownership\",\"version\":1,\"source\":"
             "\"test\",\"as_of\":\"2025-05-01\"}\n"
             "// a comment\n"
             "{\"entity\":\"Subsidiary, One.\",\"owners\":[{\"name\":\"Mid "
             "Co\",\"share_pct\":75}],\"citation\":\"test\"}\n"
             "{\"entity\":\"MID CO\",\"owners\":[{\"name\":\"" ALPHA
             "\",\"share_pct\":51}],\"citation\":\"test\"}\n");
  emb_ownership *own = NULL;
  assert_int_equal(emb_ownership_load(path, NULL, &own), EMB_OK);
  assert_int_equal(emb_ownership_count(own), 2);
  assert_string_equal(emb_ownership_as_of(own), "2025-05-01");
  assert_int_equal(strlen(emb_ownership_sha256(own)), 64);
  const rcase c = {"file",
                   "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":\"CN\","
                   "\"items\":[{\"eccn\":\"EAR99\",\"origin\":\"US\"}],"
                   "\"parties\":[{\"role\":\"end_user\",\"name\":"
                   "\"subsidiary one\"}]}",
                   "T-US",
                   EMB_LICENSE_REQUIRED,
                   NULL,
                   NULL};
  emb_determination *d = NULL;
  run_case(&c, own, &d);
  const emb_reason *r = find_reason(d, "t-own");
  assert_non_null(r);
  assert_int_equal(r->n_chain, 2);
  assert_string_equal(r->chain[0].source, "ownership file");
  emb_determination_free(d);
  /* A chain deeper than 8 levels: the owners beyond are not examined,
   * and the answer says so instead of clearing the party. */
  {
    char deep[4096];
    size_t k =
        (size_t)snprintf(deep, sizeof(deep),
                         "{\"format\":\"embargo-ownership\",\"version\":1}\n");
    for (int i = 0; i < 10; i++) {
      char owner[80];
      if (i == 9)
        snprintf(owner, sizeof(owner), "%s", ALPHA);
      else
        snprintf(owner, sizeof(owner), "Level %d", i + 1);
      k += (size_t)snprintf(deep + k, sizeof(deep) - k,
                            "{\"entity\":\"Level %d\",\"owners\":[{\"name\":"
                            "\"%s\",\"share_pct\":100}],\"citation\":\"t\"}\n",
                            i, owner);
    }
    write_text(path, deep);
    emb_ownership *o2 = NULL;
    assert_int_equal(emb_ownership_load(path, NULL, &o2), EMB_OK);
    const rcase dc = {"deep",
                      "{\"date\":\"2025-06-01\",\"from\":\"US\",\"to\":"
                      "\"CN\",\"items\":[{\"eccn\":\"EAR99\",\"origin\":"
                      "\"US\"}],\"parties\":[{\"role\":\"end_user\","
                      "\"name\":\"Level 0\"}]}",
                      "T-US",
                      EMB_CANNOT_DETERMINE,
                      NULL,
                      NULL};
    run_case(&dc, o2, &d);
    assert_int_equal(emb_determination_outcome(d), EMB_CANNOT_DETERMINE);
    const emb_reason *q = find_reason(d, "t-own");
    assert_non_null(q);
    assert_string_equal(q->missing, "owners");
    emb_determination_free(d);
    emb_ownership_free(o2);
  }
  /* Without the file the party is not caught. */
  run_case(&c, NULL, &d);
  assert_null(find_reason(d, "t-own"));
  emb_determination_free(d);
  emb_ownership_free(own);

  /* Bad files: rejected whole, the line and the field named. */
  static const struct {
    const char *text;
    long line;
    const char *needle;
  } bad[] = {
      {"{\"format\":\"x\",\"version\":1}\n", 1, "field \"format\""},
      {"{\"format\":\"embargo-ownership\",\"version\":1}\n{\"entity\":\"A\","
       "\"owners\":[{\"name\":\"B\",\"share_pct\":20}]}\n",
       2, "field \"citation\": missing"},
      {"{\"format\":\"embargo-ownership\",\"version\":1}\n{\"entity\":\"A\","
       "\"owners\":[{\"name\":\"B\",\"share_pct\":60},{\"name\":\"C\","
       "\"share_pct\":60}],\"citation\":\"x\"}\n",
       2, "add up to 120%"},
      {"{\"format\":\"embargo-ownership\",\"version\":1}\n{\"entity\":\"A\","
       "\"owners\":[{\"name\":\"B\",\"share_pct\":10}],\"citation\":\"x\"}\n"
       "{\"entity\":\"a.\",\"owners\":[{\"name\":\"B\",\"share_pct\":10}],"
       "\"citation\":\"x\"}\n",
       3, "already given on line 2"},
      {"{\"format\":\"embargo-ownership\",\"version\":1}\n{\"entity\":\"A\","
       "\"owners\":[{\"name\":\"B\",\"pct\":10}],\"citation\":\"x\"}\n",
       2, "unknown field \"pct\""},
      {"{\"format\":\"embargo-ownership\",\"version\":1}\n{\"entity\":\"A\",",
       2, "column"},
      {"", 0, "no header"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    write_text(path, bad[i].text);
    diags D = {0};
    emb_load_opts o = {on_diag, &D, 0};
    own = (emb_ownership *)&D;
    emb_status st = emb_ownership_load(path, &o, &own);
    if (st != EMB_EPARSE || own != NULL)
      fail_msg("bad file %zu: %s", i, emb_status_name(st));
    int found = 0;
    for (size_t k = 0; k < D.n; k++)
      found |= D.d[k].line == bad[i].line && strstr(D.d[k].msg, bad[i].needle);
    if (!found)
      fail_msg("bad file %zu: no \"%s\" at line %ld (first: %s)", i,
               bad[i].needle, bad[i].line, D.n ? D.d[0].msg : "none");
  }
  unlink(path);
  own = (emb_ownership *)path;
  assert_int_equal(emb_ownership_load(path, NULL, &own), EMB_ENOTFOUND);
  assert_null(own);
}

/* Rule packs and regimes.json with errors: the load fails naming the
 * field. Each case writes one file into a copy of the fixture. */
static void test_load_errors(void **state) {
  (void)state;
  static const struct {
    const char *file; /* under the rules dir */
    const char *text;
    const char *needle;
  } bad[] = {
      {"packs/zz.jsonl",
       "{\"format\":\"embargo-rules\",\"version\":1,\"regime\":\"T-NL\","
       "\"pack\":\"zz\"}\n{\"id\":\"zz-1\",\"kind\":\"control_list\","
       "\"title\":\"t\",\"summary\":\"s\",\"effective_from\":\"2024-01-01\","
       "\"citation\":\"c\",\"params\":{\"scheme\":\"nl\",\"codes\":[\"x\"],"
       "\"destinations\":{\"all\":true},\"determination\":"
       "\"license_required\"}}\n",
       "field \"params.scheme\": not a scheme"},
      {"packs/zz.jsonl",
       "{\"format\":\"embargo-rules\",\"version\":1,\"regime\":\"T-NL\","
       "\"pack\":\"zz\"}\n{\"id\":\"zz-1\",\"kind\":\"control_list\","
       "\"title\":\"t\",\"summary\":\"s\",\"effective_from\":\"2024-01-01\","
       "\"citation\":\"c\",\"params\":{\"scheme\":\"NL\",\"codes\":[\"none\"],"
       "\"destinations\":{\"all\":true},\"determination\":"
       "\"license_required\"}}\n",
       "field \"params.codes[0]\""},
      {"packs/zz.jsonl",
       "{\"format\":\"embargo-rules\",\"version\":1,\"regime\":\"T-US\","
       "\"pack\":\"zz\"}\n{\"id\":\"zz-1\",\"kind\":\"ownership\","
       "\"title\":\"t\",\"summary\":\"s\",\"effective_from\":\"2024-01-01\","
       "\"citation\":\"c\",\"params\":{\"lists\":[\"EL\"],"
       "\"determination\":\"license_required\"}}\n",
       "field \"params.threshold_pct\": missing"},
      {"packs/zz.jsonl",
       "{\"format\":\"embargo-rules\",\"version\":1,\"regime\":\"T-CN\","
       "\"pack\":\"zz\"}\n{\"id\":\"zz-1\",\"kind\":\"purchase_ban\","
       "\"title\":\"t\",\"summary\":\"s\",\"effective_from\":\"2024-01-01\","
       "\"citation\":\"c\",\"params\":{\"buyer_flags\":[\"ciio\"],"
       "\"determination\":\"prohibited\"}}\n",
       "field \"params.suppliers\": missing"},
      {"packs/zz.jsonl",
       "{\"format\":\"embargo-rules\",\"version\":1,\"regime\":\"T-NL\","
       "\"pack\":\"zz\"}\n{\"id\":\"zz-1\",\"kind\":\"licence_revocation\","
       "\"title\":\"t\",\"summary\":\"s\",\"effective_from\":\"2024-01-01\","
       "\"citation\":\"c\",\"params\":{\"scheme\":\"NL\",\"codes\":[\"x\"],"
       "\"destinations\":{\"all\":true},\"determination\":"
       "\"license_required\"}}\n",
       "field \"params.granted_before\": missing"},
      {"ref/regimes.json",
       "{\"format\":\"embargo-regimes\",\"version\":1,\"regimes\":[{"
       "\"regime\":\"T-NL\",\"title\":\"t\",\"citation\":\"c\","
       "\"otherwise\":\"o\",\"applies_when\":[{\"why\":\"w\"}]}]}",
       "regimes[0].applies_when[0]\": names no condition"},
      {"ref/regimes.json",
       "{\"format\":\"embargo-regimes\",\"version\":1,\"regimes\":[{"
       "\"regime\":\"T-NL\",\"title\":\"t\",\"citation\":\"c\","
       "\"otherwise\":\"o\",\"applies_when\":[{\"from\":{\"countries\":["
       "\"XX\"]},\"why\":\"w\"}]}]}",
       "regimes[0].applies_when[0].from.countries[0]"},
      {"ref/regimes.json",
       "{\"format\":\"embargo-regimes\",\"version\":1,\"regimes\":[{"
       "\"regime\":\"T-NL\",\"title\":\"t\",\"citation\":\"c\","
       "\"applies_when\":[{\"always\":true,\"why\":\"w\"}]}]}",
       "regimes[0].otherwise\": missing"},
      {"ref/regimes.json", "{\"format\":\"embargo-regimes\",\"version\":2}",
       "field \"version\""},
  };
  char src[512];
  data_path(src, sizeof(src), "rules/regimes");
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char dir[] = "/tmp/embargo-reg-XXXXXX", cmd[1400], path[600];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd), "cp -r '%s/.' '%s/'", src, dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, bad[i].file);
    write_text(path, bad[i].text);
    diags D = {0};
    emb_load_opts o = {on_diag, &D, 0};
    emb_ruleset *rs = NULL;
    emb_status st = emb_ruleset_load(dir, &o, &rs);
    int found = 0;
    for (size_t k = 0; k < D.n; k++)
      found |= strstr(D.d[k].msg, bad[i].needle) != NULL;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fail_msg("cannot remove %s", dir);
    if (st == EMB_OK || rs != NULL || !found)
      fail_msg("case %zu: %s; no \"%s\" (first: %s)", i, emb_status_name(st),
               bad[i].needle, D.n ? D.d[0].msg : "none");
  }
}

/* An unknown regime asked for is refused; the rule set lists its
 * regimes in the order of ref/regimes.json. */
static void test_regime_names(void **state) {
  (void)state;
  assert_int_equal(emb_ruleset_regime_count(F.rs), 3);
  assert_true(emb_ruleset_regime_find(F.rs, "T-NL") >= 0);
  assert_int_equal(emb_ruleset_regime_find(F.rs, "XX"), -1);
  assert_null(emb_ruleset_regime_name(F.rs, 3));
  emb_txn *t = NULL;
  const char *j =
      "{\"from\":\"NL\",\"to\":\"CN\",\"items\":[{\"eccn\":\"EAR99\"}]}";
  assert_int_equal(emb_txn_parse(j, strlen(j), NULL, 0, &t), EMB_OK);
  const char *names[] = {"T-NL", "XX"};
  emb_check_opts o = {.regimes = names, .n_regimes = 2};
  emb_determination *d = (emb_determination *)&o;
  assert_int_equal(emb_check_ex(F.rs, F.ix, t, &o, &d), EMB_ENOTFOUND);
  assert_null(d);
  emb_txn_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cases),          cmocka_unit_test(test_chain),
      cmocka_unit_test(test_ownership_file), cmocka_unit_test(test_load_errors),
      cmocka_unit_test(test_regime_names),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  emb_cleanup();
  return rc;
}
