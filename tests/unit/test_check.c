/* Unit tests: determinations (emb_check) on the fixture rules of
 * tests/data/rules/good and the fixture parties of
 * tests/data/rules/lists. Table-driven: each case is a transaction, an
 * optional as-of date, the overall outcome, the reasons in order
 * ("rule:outcome[:missing]", "subject" for the engine's own step) and
 * whether each item is subject. Then the details of a reason, the JSON
 * document, the screening cache, and determinations without an index. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the standard headers above. */
#include <cmocka.h>

#include "../../src/lib/rules/jsonw.h"
#include "embargo/embargo.h"

typedef struct fixture {
  emb_ruleset *rs;
  emb_listset *ls;
  emb_index *ix;
} fixture;

static fixture F;

static void data_path(char *out, size_t n, const char *rel) {
  const char *dir = getenv("EMBARGO_TEST_DATA");
  snprintf(out, n, "%s/%s", dir ? dir : "tests/data", rel);
}

static int setup(void **state) {
  (void)state;
  char rules[512], lists[512];
  data_path(rules, sizeof(rules), "rules/good");
  data_path(lists, sizeof(lists), "rules/lists");
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

/* "rule:outcome[:missing]" of every reason of the first regime, joined by
 * spaces, into buf; and the items' subject values ("1,0,-1"). */
static void describe(const emb_determination *d, char *buf, size_t n,
                     char *subj, size_t sn) {
  const emb_regime_result *g = emb_determination_regime(d, 0);
  size_t k = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < g->n_reasons && k < n; i++) {
    const emb_reason *r = &g->reasons[i];
    k += (size_t)snprintf(buf + k, n - k, "%s%s:%s%s%s", i ? " " : "",
                          r->rule ? r->rule : r->kind,
                          emb_outcome_name(r->outcome), r->missing ? ":" : "",
                          r->missing ? r->missing : "");
  }
  k = 0;
  subj[0] = '\0';
  for (size_t i = 0; i < g->n_items && k < sn; i++)
    k += (size_t)snprintf(subj + k, sn - k, "%s%d", i ? "," : "",
                          g->items[i].subject);
}

static emb_determination *run(const char *json, const char *as_of,
                              const emb_index *ix, emb_check_cache *cache) {
  char err[300];
  emb_txn *t = NULL;
  emb_status st = emb_txn_parse(json, strlen(json), err, sizeof(err), &t);
  if (st != EMB_OK) fail_msg("txn: %s: %s", emb_status_name(st), err);
  emb_determination *d = NULL;
  emb_check_opts o = {.as_of = as_of, .cache = cache};
  st = emb_check_ex(F.rs, ix, t, &o, &d);
  emb_txn_free(t);
  if (st != EMB_OK) fail_msg("check: %s", emb_status_name(st));
  return d;
}

typedef struct check_case {
  const char *name; /* and the source of the expectation */
  const char *json;
  const char *as_of;
  emb_outcome overall;
  const char *reasons;
  const char *subject;
} check_case;

#define US_CN(date, items, parties)                                        \
  "{\"date\":\"" date "\",\"from\":\"US\",\"to\":\"CN\",\"items\":[" items \
  "],\"parties\":[" parties "]}"
#define SMIC "{\"role\":\"end_user\",\"name\":\"SMIC\",\"country\":\"CN\"}"
#define HUAWEI                                                  \
  "{\"role\":\"end_user\",\"name\":\"Huawei Technologies Co., " \
  "Ltd.\",\"country\":\"CN\"}"
#define KAPPA                                                      \
  "{\"role\":\"end_user\",\"name\":\"Kappa Late Footnote Devices " \
  "Limited\",\"country\":\"CN\"}"
#define ITEM(eccn) "{\"eccn\":\"" eccn "\",\"origin\":\"US\"}"
#define TW_CHIP(extra) \
  "{\"eccn\":\"3A001\",\"origin\":\"TW\",\"us_content_pct\":0" extra "}"
#define FROM_TW(date, item, party)                                        \
  "{\"date\":\"" date "\",\"from\":\"TW\",\"to\":\"CN\",\"items\":[" item \
  "],\"parties\":[" party "]}"

static const check_case cases[] = {
    /* Issue #3 case 1: before the letter and the listing (85 FR 83416). */
    {"smic-2020-09-01-ear99", US_CN("2020-09-01", ITEM("EAR99"), SMIC), NULL,
     EMB_NO_LICENSE_REQUIRED, "", "1"},
    /* Case 2: 3A991 is a Supp. No. 2 item; is-informed letter, 744.21(b). */
    {"smic-2020-10-15-3a991", US_CN("2020-10-15", ITEM("3A991"), SMIC), NULL,
     EMB_LICENSE_REQUIRED, "fx-smic-letter:license_required", "1"},
    /* Case 3: the letter does not reach EAR99. */
    {"smic-2020-10-15-ear99", US_CN("2020-10-15", ITEM("EAR99"), SMIC), NULL,
     EMB_NO_LICENSE_REQUIRED, "", "1"},
    /* Case 4: Entity List from 2020-12-18 (85 FR 83416), all items. */
    {"smic-2021-01-15-ear99", US_CN("2021-01-15", ITEM("EAR99"), SMIC), NULL,
     EMB_LICENSE_REQUIRED, "fx-el:license_required", "1"},
    {"smic-2021-01-15-3a991", US_CN("2021-01-15", ITEM("3A991"), SMIC), NULL,
     EMB_LICENSE_REQUIRED,
     "fx-el:license_required fx-smic-letter:license_required", "1"},
    /* --as-of overrides the transaction's date. */
    {"smic-as-of", US_CN("2021-01-15", ITEM("EAR99"), SMIC), "2020-09-01",
     EMB_NO_LICENSE_REQUIRED, "", "1"},
    /* A subsidiary related to the named entry (include_related). */
    {"smic-subsidiary-letter",
     US_CN("2020-10-15", ITEM("3A991"),
           "{\"role\":\"ultimate_consignee\",\"name\":\"SMIC Beijing Wafer "
           "Fab Company\"}"),
     NULL, EMB_LICENSE_REQUIRED, "fx-smic-letter:license_required", "1"},
    /* Case 5: Huawei FDP (85 FR 29849, 85 FR 51596): before the rule the
     * chip with no US content is not subject. */
    {"huawei-2020-04-01",
     FROM_TW("2020-04-01", TW_CHIP(",\"direct_product_of_us_technology\":true"),
             HUAWEI),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "0"},
    /* In the May 2020 rule's savings window with a condition. */
    {"huawei-2020-07-01-savings",
     FROM_TW("2020-07-01", TW_CHIP(",\"direct_product_of_us_technology\":true"),
             HUAWEI),
     NULL, EMB_CANNOT_DETERMINE,
     "fx-fdp-may:cannot_determine:savings_condition", "-1"},
    /* August 2020 form: subject and licence required; the entry applies. */
    {"huawei-2020-10-01",
     FROM_TW("2020-10-01", TW_CHIP(",\"direct_product_of_us_technology\":true"),
             HUAWEI),
     NULL, EMB_LICENSE_REQUIRED,
     "fx-fdp-aug:license_required fx-chart:license_required "
     "fx-el:license_required",
     "1"},
    {"huawei-dp-unknown", FROM_TW("2020-10-01", TW_CHIP(""), HUAWEI), NULL,
     EMB_CANNOT_DETERMINE,
     "fx-fdp-aug:cannot_determine:direct_product_of_us_technology", "-1"},
    {"huawei-dp-false",
     FROM_TW("2020-10-01",
             TW_CHIP(",\"direct_product_of_us_technology\":false"), HUAWEI),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "0"},
    /* Case 6: 3A090 (87 FR 62186): each RS control of the entry. */
    {"3a090-cn-2023", US_CN("2023-01-10", ITEM("3A090"), ""), NULL,
     EMB_LICENSE_REQUIRED,
     "fx-chart:license_required fx-chart:license_required", "1"},
    {"3a090c-cn-2023", US_CN("2023-01-10", ITEM("3A090.c"), ""), NULL,
     EMB_LICENSE_REQUIRED, "fx-chart:license_required", "1"},
    {"3a090b-de-2023",
     "{\"date\":\"2023-01-10\",\"from\":\"US\",\"to\":\"DE\",\"items\":["
     "{\"eccn\":\"3A090.b\",\"origin\":\"US\"}]}",
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    {"3a090-before-it-existed", US_CN("2021-01-10", ITEM("3A090"), ""), NULL,
     EMB_CANNOT_DETERMINE, "fx-chart:cannot_determine:eccn", "1"},
    {"3a090c-hk-same-as-cn",
     "{\"date\":\"2023-01-10\",\"from\":\"US\",\"to\":\"HK\",\"items\":["
     "{\"eccn\":\"3A090.c\",\"origin\":\"US\"}]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-chart:license_required", "1"},
    /* 3B001 to a fab for advanced-node production (744.23). */
    {"3b001-fab-2023",
     "{\"date\":\"2023-01-10\",\"from\":\"US\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"3B001.c\",\"origin\":\"US\"}],\"end_uses\":["
     "\"advanced_node_ic_production\"]}",
     NULL, EMB_LICENSE_REQUIRED,
     "fx-chart:license_required fx-advanced-node:license_required", "1"},
    {"3b001-unspecified-paragraph-2023",
     "{\"date\":\"2023-01-10\",\"from\":\"US\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"3B001\",\"origin\":\"US\"}]}",
     NULL, EMB_LICENSE_REQUIRED,
     "fx-chart:license_required fx-chart:license_required", "1"},
    {"3b001-fab-2022-01",
     "{\"date\":\"2022-01-10\",\"from\":\"US\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"3B001.c\",\"origin\":\"US\"}],\"end_uses\":["
     "\"advanced_node_ic_production\"]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-chart:license_required", "1"},
    /* Case 7: de minimis 25% to China, 10% to E:2 (734.4; 84 FR 56117). */
    {"de-minimis-20-cn",
     "{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\",\"us_content_pct\":20}]}",
     NULL, EMB_NO_LICENSE_REQUIRED, "", "0"},
    {"de-minimis-20-cu",
     "{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CU\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\",\"us_content_pct\":20}]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-cuba:license_required", "1"},
    {"de-minimis-25-exactly-cn",
     "{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\",\"us_content_pct\":25}]}",
     NULL, EMB_NO_LICENSE_REQUIRED, "", "0"},
    {"de-minimis-zero-eccn",
     "{\"date\":\"2024-01-10\",\"from\":\"JP\",\"to\":\"DE\",\"items\":["
     "{\"eccn\":\"5E002\",\"origin\":\"JP\",\"us_content_pct\":1}]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-chart:license_required", "1"},
    /* Case 8: missing facts are named. */
    {"unknown-eccn", US_CN("2024-01-10", ITEM("4A999"), ""), NULL,
     EMB_CANNOT_DETERMINE, "fx-chart:cannot_determine:eccn", "1"},
    {"no-eccn", US_CN("2024-01-10", "{\"origin\":\"US\"}", ""), NULL,
     EMB_CANNOT_DETERMINE, "fx-chart:cannot_determine:eccn", "1"},
    {"no-us-content",
     "{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\"}]}",
     NULL, EMB_CANNOT_DETERMINE,
     "fx-de-minimis:cannot_determine:us_content_pct", "-1"},
    {"no-origin",
     "{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"EAR99\",\"us_content_pct\":10}]}",
     NULL, EMB_CANNOT_DETERMINE, "subject:cannot_determine:origin", "-1"},
    {"no-de-minimis-rule-yet",
     "{\"date\":\"2019-01-10\",\"from\":\"DE\",\"to\":\"CN\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\",\"us_content_pct\":10}]}",
     NULL, EMB_CANNOT_DETERMINE, "subject:cannot_determine:de_minimis_rule",
     "-1"},
    {"in-the-us-any-origin",
     "{\"date\":\"2024-01-10\",\"from\":\"US\",\"to\":\"CU\",\"items\":["
     "{\"eccn\":\"EAR99\",\"origin\":\"DE\"}]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-cuba:license_required", "1"},
    {"no-chart-row",
     "{\"date\":\"2024-01-10\",\"from\":\"US\",\"to\":\"FR\",\"items\":[" ITEM(
         "3A001") "]}",
     NULL, EMB_CANNOT_DETERMINE, "fx-chart:cannot_determine:country_chart_row",
     "1"},
    {"refer-3b993",
     "{\"date\":\"2025-01-10\",\"from\":\"US\",\"to\":\"DE\",\"items\":[" ITEM(
         "3B993") "]}",
     NULL, EMB_CANNOT_DETERMINE,
     "fx-chart:cannot_determine:referenced_provision", "1"},
    /* Other lists and end uses. */
    {"denied-person",
     US_CN("2024-01-10", ITEM("EAR99"),
           "{\"role\":\"intermediate_consignee\",\"name\":\"Omega Freight "
           "Forwarding LLC\"}"),
     NULL, EMB_PROHIBITED, "fx-dpl:prohibited", "1"},
    {"unverified",
     US_CN("2024-01-10", ITEM("EAR99"),
           "{\"role\":\"purchaser\",\"name\":\"Lambda Components Trading "
           "Company\"}"),
     NULL, EMB_NO_LICENSE_REQUIRED, "fx-uvl:no_license_required", "1"},
    {"meu-listed-supp2",
     US_CN("2021-06-01", ITEM("3A991"),
           "{\"role\":\"end_user\",\"name\":\"Aviation Industry Test "
           "Corporation\"}"),
     NULL, EMB_LICENSE_REQUIRED, "fx-meu-list:license_required", "1"},
    {"meu-listed-ear99",
     US_CN("2021-06-01", ITEM("EAR99"),
           "{\"role\":\"end_user\",\"name\":\"Aviation Industry Test "
           "Corporation\"}"),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    {"meu-listed-other-role",
     US_CN("2021-06-01", ITEM("3A991"),
           "{\"role\":\"purchaser\",\"name\":\"Aviation Industry Test "
           "Corporation\"}"),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    {"military-end-use",
     "{\"date\":\"2021-06-01\",\"from\":\"US\",\"to\":\"RU\",\"items\":[" ITEM(
         "3A991") "],\"end_uses\":[\"military\"]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-meu:license_required", "1"},
    {"military-end-use-de",
     "{\"date\":\"2021-06-01\",\"from\":\"US\",\"to\":\"DE\",\"items\":[" ITEM(
         "3A991") "],\"end_uses\":[\"military\"]}",
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    {"removed-entry-after",
     US_CN("2020-01-10", ITEM("EAR99"),
           "{\"role\":\"end_user\",\"name\":\"Delta Retired Industries\"}"),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    {"removed-entry-before",
     US_CN("2014-01-10", ITEM("EAR99"),
           "{\"role\":\"end_user\",\"name\":\"Delta Retired Industries\"}"),
     NULL, EMB_LICENSE_REQUIRED, "fx-el:license_required", "1"},
    {"listing-date-unknown",
     US_CN("1999-01-10", ITEM("EAR99"),
           "{\"role\":\"end_user\",\"name\":\"Zeta Photonics Limited\"}"),
     NULL, EMB_LICENSE_REQUIRED, "fx-el:license_required", "1"},
    {"us-person-support",
     "{\"date\":\"2023-01-10\",\"from\":\"US\",\"to\":\"CN\",\"activity\":"
     "\"us_person_support\",\"items\":[" ITEM(
         "EAR99") "],\"end_uses\":["
                  "\"advanced_node_ic_production\"]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-us-person:license_required", "1"},
    {"expired-rule-in-force",
     "{\"date\":\"2019-06-01\",\"from\":\"US\",\"to\":\"IR\",\"items\":[" ITEM(
         "3A001") "]}",
     NULL, EMB_LICENSE_REQUIRED, "fx-iran-old:license_required", "1"},
    {"expired-rule-after",
     "{\"date\":\"2020-06-01\",\"from\":\"US\",\"to\":\"IR\",\"items\":[" ITEM(
         "3A001") "]}",
     NULL, EMB_NO_LICENSE_REQUIRED, "", "1"},
    /* Several items: one reason per rule covering both. */
    {"two-items-listed",
     US_CN("2021-01-15", ITEM("EAR99") "," ITEM("3A001"), SMIC), NULL,
     EMB_LICENSE_REQUIRED, "fx-chart:license_required fx-el:license_required",
     "1,1"},
    /* Footnote-based rules read the footnotes in force on the date: the
     * fixture entry got footnote 1 only from 2022 (its history says). */
    {"late-footnote-2021",
     FROM_TW("2021-06-01", TW_CHIP(",\"direct_product_of_us_technology\":true"),
             KAPPA),
     NULL, EMB_NO_LICENSE_REQUIRED, "", "0"},
    {"late-footnote-2022",
     FROM_TW("2022-06-01", TW_CHIP(",\"direct_product_of_us_technology\":true"),
             KAPPA),
     NULL, EMB_LICENSE_REQUIRED,
     "fx-fdp-aug:license_required fx-chart:license_required "
     "fx-el:license_required",
     "1"},
    /* Cannot be determined for one item, licence required for another:
     * the stricter wins. */
    {"mixed-items", US_CN("2024-01-10", ITEM("4A999") "," ITEM("3A001"), ""),
     NULL, EMB_LICENSE_REQUIRED,
     "fx-chart:license_required fx-chart:cannot_determine:eccn", "1,1"},
};

static void test_cases(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const check_case *c = &cases[i];
    emb_determination *d = run(c->json, c->as_of, F.ix, NULL);
    char got[1000], subj[100];
    describe(d, got, sizeof(got), subj, sizeof(subj));
    if (emb_determination_outcome(d) != c->overall ||
        strcmp(got, c->reasons) != 0 || strcmp(subj, c->subject) != 0)
      fail_msg("%s: %s [%s] subject %s; wanted %s [%s] subject %s", c->name,
               emb_outcome_name(emb_determination_outcome(d)), got, subj,
               emb_outcome_name(c->overall), c->reasons, c->subject);
    emb_determination_free(d);
  }
}

static const emb_reason *find_reason(const emb_determination *d,
                                     const char *rule) {
  const emb_regime_result *g = emb_determination_regime(d, 0);
  for (size_t i = 0; i < g->n_reasons; i++)
    if (g->reasons[i].rule && strcmp(g->reasons[i].rule, rule) == 0)
      return &g->reasons[i];
  return NULL;
}

static void test_entity_list_reason(void **state) {
  (void)state;
  emb_determination *d =
      run(US_CN("2021-01-15", ITEM("EAR99") "," ITEM("3A001"), SMIC), NULL,
          F.ix, NULL);
  assert_string_equal(emb_determination_date(d), "2021-01-15");
  assert_string_equal(emb_determination_date_source(d), "transaction");
  const emb_reason *r = find_reason(d, "fx-el");
  assert_non_null(r);
  assert_string_equal(r->kind, "listed_party");
  /* The entry's own terms (use_entry_terms) as they were on the date: a
   * record of its history, whose citation follows the rule's. */
  assert_string_equal(r->citation, "15 CFR 744.11; 85 FR 83420");
  assert_string_equal(r->policy,
                      "Presumption of denial for items uniquely required for "
                      "10 nm and below; case-by-case for other items");
  assert_string_equal(r->requirement, "For all items subject to the EAR");
  assert_string_equal(r->terms_basis, "history 2020-12-18..2024-12-01");
  assert_non_null(r->terms);
  assert_false(r->terms->verified);
  assert_int_equal(r->n_items, 2);
  assert_int_equal(r->items[0], 0);
  assert_int_equal(r->items[1], 1);
  assert_int_equal(r->n_exceptions, 0);
  /* The screening hit behind it; CMIC is not on the rule's lists. */
  assert_int_equal(r->n_parties, 1);
  const emb_party_hit *h = r->parties[0];
  assert_string_equal(h->entity->id, "EL:fx-smic");
  assert_true(h->match && h->in_force);
  assert_string_equal(h->listed_from, "2020-12-18");
  assert_string_equal(h->listed_basis, "start_date");
  assert_int_equal(r->n_party_indexes, 1);
  assert_int_equal(r->party_indexes[0], 0);
  char buf[600];
  size_t need = emb_reason_summary(d, r, buf, sizeof(buf));
  assert_int_equal(need, strlen(buf));
  assert_non_null(strstr(buf,
                         "Items 0, 1: \"SMIC\" (end_user) matches "
                         "\"Semiconductor Manufacturing International "
                         "Corporation\" on the EL (listed from "
                         "2020-12-18): licence required."));
  /* A small buffer is cut, and the length needed is still returned. */
  char small[10];
  assert_int_equal(emb_reason_summary(d, r, small, sizeof(small)), need);
  assert_int_equal(strlen(small), 9);
  /* The chart reason names the control. */
  r = find_reason(d, "fx-chart");
  assert_non_null(r);
  assert_string_equal(r->control, "NS2");
  assert_int_equal(r->n_items, 1);
  assert_int_equal(r->items[0], 1);
  assert_int_equal(r->n_exceptions, 2);
  /* The screening of the party lists the CMIC hit, not yet listed. */
  assert_int_equal(emb_determination_party_count(d), 1);
  const emb_party_screening *p = emb_determination_party(d, 0);
  assert_string_equal(p->role, "end_user");
  assert_string_equal(p->name, "SMIC");
  assert_string_equal(p->country, "CN");
  int cmic = 0;
  for (size_t k = 0; k < p->n_hits; k++)
    if (strcmp(p->hits[k].entity->id, "CMIC:fx-smic") == 0) {
      cmic = 1;
      assert_false(p->hits[k].in_force);
      assert_string_equal(p->hits[k].listed_from, "2021-08-02");
    }
  assert_true(cmic);
  emb_determination_free(d);
}

/* The same shipment to the same entry in 2021 and in 2025: the policy of
 * the date (the entry's history record, then its current terms). The
 * fixture follows SMIC's entry: revised with effect from 2024-12-02
 * (89 FR 96837). */
static void test_entry_terms_by_date(void **state) {
  (void)state;
  static const struct {
    const char *date, *policy, *basis, *citation, *footnote;
  } want[] = {
      {"2021-01-15",
       "Presumption of denial for items uniquely required for 10 nm and "
       "below; case-by-case for other items",
       "history 2020-12-18..2024-12-01", "15 CFR 744.11; 85 FR 83420", NULL},
      {"2024-12-01",
       "Presumption of denial for items uniquely required for 10 nm and "
       "below; case-by-case for other items",
       "history 2020-12-18..2024-12-01", "15 CFR 744.11; 85 FR 83420", NULL},
      {"2024-12-02", "Presumption of denial for all items", "current",
       "15 CFR 744.11", "5"},
      {"2025-03-01", "Presumption of denial for all items", "current",
       "15 CFR 744.11", "5"},
  };
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    emb_determination *d =
        run(US_CN("2021-01-15", ITEM("EAR99"), SMIC), want[i].date, F.ix, NULL);
    assert_int_equal(emb_determination_outcome(d), EMB_LICENSE_REQUIRED);
    const emb_reason *r = find_reason(d, "fx-el");
    assert_non_null(r);
    if (strcmp(r->policy, want[i].policy) != 0 ||
        strcmp(r->terms_basis, want[i].basis) != 0 ||
        strcmp(r->citation, want[i].citation) != 0)
      fail_msg("%s: policy \"%s\", basis %s, citation %s", want[i].date,
               r->policy, r->terms_basis, r->citation);
    assert_true((r->terms == NULL) == (want[i].footnote != NULL));
    char *json = NULL;
    assert_int_equal(emb_determination_json(d, 0, &json), EMB_OK);
    json_t *j = json_loads(json, 0, NULL);
    assert_non_null(j);
    json_t *p = json_array_get(
        json_object_get(
            json_array_get(json_object_get(
                               json_array_get(json_object_get(j, "regimes"), 0),
                               "reasons"),
                           0),
            "parties"),
        0);
    json_t *fn = json_array_get(json_object_get(p, "footnotes"), 0);
    if (want[i].footnote)
      assert_string_equal(json_string_value(fn), want[i].footnote);
    else
      assert_null(fn);
    assert_string_equal(json_string_value(json_object_get(p, "license_policy")),
                        want[i].policy);
    json_decref(j);
    free(json);
    emb_determination_free(d);
  }
  /* A rule without entry terms gives no terms basis. */
  emb_determination *d =
      run(US_CN("2024-01-10", ITEM("EAR99"),
                "{\"role\":\"intermediate_consignee\",\"name\":\"Omega "
                "Freight Forwarding LLC\"}"),
          NULL, F.ix, NULL);
  const emb_reason *r = find_reason(d, "fx-dpl");
  assert_non_null(r);
  assert_null(r->terms_basis);
  assert_null(r->terms);
  emb_determination_free(d);
}

static void test_listing_dates(void **state) {
  (void)state;
  /* No start date: the earliest FR citation found in ref/fr-dates.json
   * (84 FR 22963 falls in 84 FR 22961-22968, effective 2019-05-16). */
  emb_determination *d =
      run(FROM_TW("2020-10-01",
                  TW_CHIP(",\"direct_product_of_us_technology\":true"), HUAWEI),
          NULL, F.ix, NULL);
  const emb_reason *r = find_reason(d, "fx-fdp-aug");
  assert_non_null(r);
  assert_int_equal(r->n_parties, 1);
  assert_string_equal(r->parties[0]->listed_from, "2019-05-16");
  assert_string_equal(r->parties[0]->listed_basis, "federal_register");
  const emb_item_status *s = &emb_determination_regime(d, 0)->items[0];
  assert_string_equal(s->rule, "fx-fdp-aug");
  assert_string_equal(s->eccn, "3A001");
  emb_determination_free(d);
  /* Neither: in force, date unknown, and the summary says so. */
  d = run(US_CN("1999-01-10", ITEM("EAR99"),
                "{\"role\":\"end_user\",\"name\":\"Zeta Photonics "
                "Limited\"}"),
          NULL, F.ix, NULL);
  r = find_reason(d, "fx-el");
  assert_non_null(r);
  assert_null(r->parties[0]->listed_from);
  assert_string_equal(r->parties[0]->listed_basis, "unknown");
  char buf[600];
  emb_reason_summary(d, r, buf, sizeof(buf));
  assert_non_null(strstr(buf, "listing date unknown"));
  emb_determination_free(d);
}

static void test_missing_and_de_minimis_facts(void **state) {
  (void)state;
  emb_determination *d =
      run("{\"date\":\"2024-01-10\",\"from\":\"DE\",\"to\":\"CU\",\"items\":["
          "{\"eccn\":\"EAR99\",\"origin\":\"DE\",\"us_content_pct\":20},"
          "{\"eccn\":\"EAR99\",\"origin\":\"DE\"}]}",
          NULL, F.ix, NULL);
  const emb_regime_result *g = emb_determination_regime(d, 0);
  assert_int_equal(g->outcome, EMB_LICENSE_REQUIRED);
  assert_int_equal(g->items[0].subject, 1);
  assert_true(g->items[0].pct == 20 && g->items[0].limit_pct == 10);
  assert_string_equal(g->items[0].rule, "fx-de-minimis");
  assert_int_equal(g->items[1].subject, -1);
  assert_string_equal(g->items[1].missing, "us_content_pct");
  const emb_reason *r = find_reason(d, "fx-de-minimis");
  assert_non_null(r);
  assert_int_equal(r->outcome, EMB_CANNOT_DETERMINE);
  assert_int_equal(r->n_items, 1);
  assert_int_equal(r->items[0], 1);
  char *json = NULL;
  assert_int_equal(emb_determination_json(d, 0, &json), EMB_OK);
  json_error_t jerr;
  json_t *j = json_loads(json, 0, &jerr);
  assert_non_null(j);
  json_t *missing = json_object_get(
      json_array_get(json_object_get(j, "regimes"), 0), "missing");
  assert_int_equal(json_array_size(missing), 1);
  json_t *m = json_array_get(missing, 0);
  assert_string_equal(json_string_value(json_object_get(m, "missing")),
                      "us_content_pct");
  assert_int_equal(json_integer_value(json_object_get(m, "item")), 1);
  json_decref(j);
  free(json);
  emb_determination_free(d);
}

static void test_json(void **state) {
  (void)state;
  emb_determination *d =
      run(US_CN("2021-01-15", ITEM("EAR99"), SMIC), NULL, F.ix, NULL);
  char *json = NULL;
  assert_int_equal(emb_determination_json(d, 1, &json), EMB_OK);
  json_error_t jerr;
  json_t *j = json_loads(json, 0, &jerr);
  if (j == NULL) fail_msg("bad JSON: %s", jerr.text);
  assert_string_equal(json_string_value(json_object_get(j, "overall")),
                      "license_required");
  assert_string_equal(json_string_value(json_object_get(j, "as_of")),
                      "2021-01-15");
  json_t *g = json_array_get(json_object_get(j, "regimes"), 0);
  assert_string_equal(json_string_value(json_object_get(g, "regime")),
                      "US-EAR");
  assert_string_equal(json_string_value(json_object_get(g, "determination")),
                      "license_required");
  json_t *r = json_array_get(json_object_get(g, "reasons"), 0);
  static const char *const keys[] = {"rule",    "kind",       "citation",
                                     "policy",  "exceptions", "parties",
                                     "summary", "item",       "items"};
  for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
    if (json_object_get(r, keys[k]) == NULL) fail_msg("no \"%s\"", keys[k]);
  assert_string_equal(json_string_value(json_object_get(r, "rule")), "fx-el");
  assert_int_equal(json_integer_value(json_object_get(r, "item")), 0);
  json_t *p = json_array_get(json_object_get(r, "parties"), 0);
  assert_string_equal(json_string_value(json_object_get(p, "entity_id")),
                      "EL:fx-smic");
  assert_string_equal(json_string_value(json_object_get(p, "list")), "EL");
  assert_non_null(json_object_get(p, "score"));
  assert_non_null(json_object_get(p, "license_requirement"));
  assert_non_null(json_object_get(p, "license_policy"));
  /* On 2021-01-15 the entry's history applies: its terms had no
   * footnote (the current ones have footnote 5). */
  assert_null(json_object_get(p, "footnotes"));
  assert_string_equal(json_string_value(json_object_get(p, "terms_basis")),
                      "history 2020-12-18..2024-12-01");
  assert_string_equal(json_string_value(json_object_get(p, "terms_citation")),
                      "85 FR 83420");
  assert_string_equal(json_string_value(json_object_get(r, "terms_basis")),
                      "history 2020-12-18..2024-12-01");
  assert_true(json_is_false(json_object_get(r, "terms_verified")));
  assert_string_equal(json_string_value(json_object_get(r, "terms_remarks")),
                      "UNVERIFIED: fixture wording");
  json_t *scr = json_array_get(json_object_get(j, "screening"), 0);
  assert_string_equal(json_string_value(json_object_get(scr, "name")), "SMIC");
  assert_true(json_array_size(json_object_get(scr, "hits")) >= 2);
  json_t *v = json_object_get(j, "data_versions");
  assert_int_equal(json_array_size(json_object_get(v, "rules")), 3);
  assert_int_equal(json_array_size(json_object_get(v, "reference")), 4);
  assert_int_equal(json_array_size(json_object_get(v, "lists")), 1);
  assert_int_equal(
      strlen(json_string_value(json_object_get(
          json_array_get(json_object_get(v, "lists"), 0), "sha256"))),
      64);
  assert_string_equal(json_string_value(json_object_get(v, "reference_as_of")),
                      "2026-07-23");
  json_decref(j);
  free(json);
  /* Compact JSON is one line. */
  assert_int_equal(emb_determination_json(d, 0, &json), EMB_OK);
  assert_null(strchr(json, '\n'));
  free(json);
  emb_determination_free(d);
}

/* The cache gives the same answers as screening every time, across
 * calls, including with a tiny cache whose slots collide. */
static void test_cache(void **state) {
  (void)state;
  emb_check_cache *big = NULL, *tiny = NULL;
  assert_int_equal(emb_check_cache_new(0, &big), EMB_OK);
  assert_int_equal(emb_check_cache_new(1, &tiny), EMB_OK);
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
      const check_case *c = &cases[i];
      emb_determination *d0 = run(c->json, c->as_of, F.ix, NULL);
      emb_determination *d1 = run(c->json, c->as_of, F.ix, big);
      emb_determination *d2 = run(c->json, c->as_of, F.ix, tiny);
      char *j0, *j1, *j2;
      assert_int_equal(emb_determination_json(d0, 0, &j0), EMB_OK);
      assert_int_equal(emb_determination_json(d1, 0, &j1), EMB_OK);
      assert_int_equal(emb_determination_json(d2, 0, &j2), EMB_OK);
      if (strcmp(j0, j1) || strcmp(j0, j2)) fail_msg("%s differs", c->name);
      free(j0);
      free(j1);
      free(j2);
      emb_determination_free(d0);
      emb_determination_free(d1);
      emb_determination_free(d2);
    }
  /* Many parties in one transaction through the tiny cache. */
  emb_determination *d =
      run(US_CN("2021-01-15", ITEM("3A991"),
                SMIC ",{\"role\":\"purchaser\",\"name\":\"Omega Freight "
                     "Forwarding LLC\"},{\"role\":\"intermediate_consignee\","
                     "\"name\":\"Lambda Components Trading Company\"},"
                     "{\"role\":\"ultimate_consignee\",\"name\":\"SMIC\"}"),
          NULL, F.ix, tiny);
  char got[1000], subj[64];
  describe(d, got, sizeof(got), subj, sizeof(subj));
  assert_string_equal(got,
                      "fx-el:license_required fx-dpl:prohibited "
                      "fx-uvl:no_license_required "
                      "fx-smic-letter:license_required");
  assert_int_equal(emb_determination_outcome(d), EMB_PROHIBITED);
  const emb_reason *r = find_reason(d, "fx-el");
  assert_int_equal(r->n_parties, 2);
  assert_int_equal(r->n_party_indexes, 2);
  assert_int_equal(r->party_indexes[1], 3);
  emb_determination_free(d);
  emb_check_cache_free(big);
  emb_check_cache_free(tiny);
  emb_check_cache_free(NULL);
}

static void test_no_index(void **state) {
  (void)state;
  /* Without an index nobody is screened: a listed-party rule cannot be
   * applied to the parties, and says so. */
  emb_determination *d =
      run(US_CN("2021-01-15", ITEM("EAR99"), SMIC), NULL, NULL, NULL);
  char got[1000], subj[64];
  describe(d, got, sizeof(got), subj, sizeof(subj));
  assert_string_equal(got,
                      "fx-el:cannot_determine:screening "
                      "fx-dpl:cannot_determine:screening "
                      "fx-uvl:cannot_determine:screening "
                      "fx-meu-list:cannot_determine:screening");
  assert_int_equal(emb_determination_party(d, 0)->n_hits, 0);
  char *json;
  assert_int_equal(emb_determination_json(d, 0, &json), EMB_OK);
  assert_non_null(strstr(json, "\"screened\":false"));
  free(json);
  emb_determination_free(d);
  /* The informed-party name still matches without an index. */
  d = run(US_CN("2020-10-15", ITEM("3A991"), SMIC), NULL, NULL, NULL);
  assert_non_null(find_reason(d, "fx-smic-letter"));
  emb_determination_free(d);
  /* Without parties nothing is said about screening. */
  d = run(US_CN("2021-01-15", ITEM("EAR99"), ""), NULL, NULL, NULL);
  assert_int_equal(emb_determination_outcome(d), EMB_NO_LICENSE_REQUIRED);
  emb_determination_free(d);
}

static void test_dates(void **state) {
  (void)state;
  char err[100];
  emb_txn *t = NULL;
  const char *j =
      "{\"from\":\"US\",\"to\":\"DE\",\"items\":[{\"eccn\":"
      "\"EAR99\",\"origin\":\"US\"}]}";
  assert_int_equal(emb_txn_parse(j, strlen(j), err, sizeof(err), &t), EMB_OK);
  emb_determination *d = (emb_determination *)err;
  assert_int_equal(emb_check(F.rs, F.ix, t, "2021-13-01", &d), EMB_EDATE);
  assert_null(d);
  assert_int_equal(emb_check(F.rs, F.ix, t, NULL, &d), EMB_OK);
  assert_string_equal(emb_determination_date_source(d), "today");
  assert_int_equal(strlen(emb_determination_date(d)), 10);
  emb_determination_free(d);
  assert_int_equal(emb_check(F.rs, F.ix, t, "2022-02-02", &d), EMB_OK);
  assert_string_equal(emb_determination_date_source(d), "as_of");
  assert_string_equal(emb_determination_date(d), "2022-02-02");
  emb_determination_free(d);
  emb_txn_free(t);
  assert_string_equal(emb_outcome_name(EMB_PROHIBITED), "prohibited");
  emb_determination_free(NULL);
}

/* The JSON writer: escapes, bad UTF-8, numbers, nesting, indentation. */
static void test_json_writer(void **state) {
  (void)state;
  emb__jw w;
  emb__jw_init(&w, 0);
  emb__jw_obj(&w);
  emb__jw_key(&w, "s");
  emb__jw_str(&w, "q\"b\\c\x01\n\t\xc3\xa9\xff\xe4\xb8\xad/");
  emb__jw_key(&w, "n");
  emb__jw_num(&w, 1.0, 4);
  emb__jw_key(&w, "m");
  emb__jw_num(&w, 0.80664, 4);
  emb__jw_key(&w, "i");
  emb__jw_int(&w, -42);
  emb__jw_key(&w, "a");
  emb__jw_arr(&w);
  emb__jw_null(&w);
  emb__jw_bool(&w, 1);
  emb__jw_arr(&w);
  emb__jw_arr_end(&w);
  emb__jw_obj(&w);
  emb__jw_obj_end(&w);
  emb__jw_arr_end(&w);
  emb__jw_opt(&w, "skipped", NULL);
  emb__jw_key(&w, "z");
  emb__jw_str(&w, NULL);
  emb__jw_obj_end(&w);
  char *out = emb__jw_finish(&w);
  assert_non_null(out);
  assert_string_equal(
      out,
      "{\"s\":\"q\\\"b\\\\c\\u0001\\n\\t\xc3\xa9\xef\xbf\xbd"
      "\xe4\xb8\xad/\",\"n\":1.0,\"m\":0.8066,\"i\":-42,\"a\":[null,"
      "true,[],{}],\"z\":null}");
  json_error_t jerr;
  json_t *j = json_loads(out, 0, &jerr);
  assert_non_null(j);
  json_decref(j);
  free(out);
  /* Indented like jansson's JSON_INDENT(2). */
  emb__jw_init(&w, 1);
  emb__jw_obj(&w);
  emb__jw_key(&w, "a");
  emb__jw_arr(&w);
  emb__jw_int(&w, 1);
  emb__jw_int(&w, 2);
  emb__jw_arr_end(&w);
  emb__jw_key(&w, "e");
  emb__jw_arr(&w);
  emb__jw_arr_end(&w);
  emb__jw_obj_end(&w);
  out = emb__jw_finish(&w);
  assert_string_equal(out,
                      "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"e\": []\n}");
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_entity_list_reason),
      cmocka_unit_test(test_entry_terms_by_date),
      cmocka_unit_test(test_listing_dates),
      cmocka_unit_test(test_missing_and_de_minimis_facts),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_cache),
      cmocka_unit_test(test_no_index),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_json_writer),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  emb_cleanup();
  return rc;
}
