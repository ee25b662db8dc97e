/* Unit tests: loading the US Consolidated Screening List, CSV and JSON
 * (src/lib/lists/csl_csv.c, csl_json.c), through emb_listset_load() on
 * single files: our own fixtures in $EMBARGO_TEST_DATA and the real files
 * in $EMBARGO_SHARED_DATA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* cmocka.h needs the standard headers above before it. */
/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "../../src/lib/lists/source.h"
#include "embargo/lists.h"
#include "diag_text.h"

/* ---- Helpers ---------------------------------------------------------- */

static int has_entity(const emb_listset *ls, const char *name) {
  for (size_t i = 0; i < emb_listset_count(ls); i++)
    if (strcmp(emb_listset_entity(ls, i)->names[0].text, name) == 0) return 1;
  return 0;
}

static int has(const char *const *v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return 1;
  return 0;
}

static int has_alias(const emb_entity *e, const char *s) {
  for (size_t i = 1; i < e->n_names; i++)
    if (e->names[i].kind == EMB_NAME_ALIAS && strcmp(e->names[i].text, s) == 0)
      return 1;
  return 0;
}

/* Checks that v[0..n) is exactly the NULL-terminated list want, in
 * order. */
static void expect_strs(const char *what, const char *const *v, size_t n,
                        const char *const *want) {
  size_t k = 0;
  for (; want[k]; k++) {
    if (k >= n) fail_msg("%s: missing \"%s\"", what, want[k]);
    if (strcmp(v[k], want[k]) != 0)
      fail_msg("%s[%zu] = \"%s\", want \"%s\"", what, k, v[k], want[k]);
  }
  if (k != n) fail_msg("%s: %zu values, want %zu", what, n, k);
}

#define STRS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void expect_source(const emb_listset *ls, const char *format,
                          size_t rows, size_t entities, size_t skipped) {
  assert_int_equal(emb_listset_source_count(ls), 1);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_string_equal(si->format, format);
  assert_string_equal(si->name, "US Consolidated Screening List");
  assert_int_equal(si->rows, rows);
  assert_int_equal(si->entities, entities);
  assert_int_equal(si->skipped, skipped);
  assert_int_equal(emb_listset_count(ls), entities);
  assert_non_null(si->sha256);
  assert_int_equal(strlen(si->sha256), 64);
}

/* ---- Our fixtures: CSV ------------------------------------------------ */

static void test_mini_csv(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_TEST_DATA", "csl-mini.csv", &d, &ls), EMB_OK);
  /* 11 data rows: the short row, the nameless one and the cut-off last
   * one are skipped; the repeated header is not a data row. */
  expect_source(ls, "csl-csv", 11, 8, 3);
  expect_diag(&d, "warning:4: end_date: not a date");
  expect_diag(&d, "warning:10: the header row is repeated");
  expect_diag(&d, "warning:11: expected 29 fields, found 3");
  expect_diag(&d, "warning:12: the name column is empty");
  expect_diag(&d, "warning:14: unterminated quoted field");
  assert_int_equal(d.errors, 0);

  const emb_entity *e = by_name(ls, "Example Optics Ltd.");
  assert_string_equal(e->list, "EL");
  assert_string_equal(e->source,
                      "Entity List (EL) - Bureau of Industry and Security");
  assert_null(e->source_id); /* a numeric _id is a row number */
  assert_int_equal(strncmp(e->id, "EL:", 3), 0);
  assert_int_equal(e->type, EMB_TYPE_UNKNOWN);
  assert_int_equal(e->n_names, 3);
  assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  assert_true(has_alias(e, "Example Optical"));
  assert_true(has_alias(e, "EO Ltd"));
  expect_strs("addresses", e->addresses, e->n_addresses,
              STRS("12 Sample Road, Harbin, CN",
                   "Unit 5, Example Tower, Hong Kong, HK"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN", "HK"));
  expect_strs("footnotes", e->footnotes, e->n_footnotes, STRS("4"));
  assert_string_equal(e->citation, "89 FR 12345");
  assert_string_equal(e->start_date, "2024-02-01");
  assert_null(e->end_date);
  assert_string_equal(e->license_policy, "Presumption of denial.");
  assert_string_equal(e->source_url, "https://example.gov/el");
  assert_int_equal(e->n_programs, 0);

  e = by_name(ls, "Example Semiconductor Co.");
  assert_string_equal(e->source_id, "a1b2c3d4e5f6"); /* hash _id */
  assert_string_equal(e->id, "EL:a1b2c3d4e5f6");
  /* "EAR)5" is a footnote; "(a)(9)", "3B001", "EAR99", "A1.5" are not. */
  expect_strs("footnotes", e->footnotes, e->n_footnotes, STRS("5"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN"));
  assert_string_equal(e->source_url, "https://example.gov/el-info");

  e = by_name(ls, "DOE, John");
  assert_string_equal(e->id, "SDN:99901");
  assert_string_equal(e->list, "SDN");
  assert_int_equal(e->type, EMB_TYPE_PERSON);
  assert_string_equal(e->title, "Commander");
  expect_strs("programs", e->programs, e->n_programs, STRS("SDGT", "IRGC"));
  expect_strs(
      "idents", e->idents, e->n_idents,
      STRS("Passport, X1234567, IR", "National ID No., 0012345678, IR"));
  /* Citizenship IR; nationalities "Korea, North; SY". */
  expect_strs("countries", e->countries, e->n_countries,
              STRS("IR", "KP", "SY"));
  assert_string_equal(e->remarks, "Line one, \"quoted\"\nline two");
  assert_string_equal(e->start_date, "2019-05-01");
  assert_null(e->end_date);
  assert_int_equal(e->n_footnotes, 0); /* footnotes are for EL only */

  e = by_name(ls, "EXAMPLE STAR");
  assert_string_equal(e->list, "NS-MBS");
  assert_int_equal(e->type, EMB_TYPE_VESSEL);
  assert_string_equal(e->id, "NS-MBS:99902");

  assert_string_equal(by_name(ls, "Example Aero Institute")->list, "MEU");
  assert_int_equal(by_name(ls, "EX-12345")->type, EMB_TYPE_AIRCRAFT);

  e = by_name(ls, "Plain Source Entity");
  assert_string_equal(e->list, "CSL"); /* no code in parentheses */
  assert_string_equal(e->id, "CSL:deadbeef");

  e = by_name(ls, "Example Arms Broker");
  assert_string_equal(e->list, "DTC");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION); /* "entity" */

  assert_false(has_entity(ls, "Cut Off Entity"));
  assert_false(has_entity(ls, "Short Row"));
  emb_listset_free(ls);
}

/* Columns in another order, no _id, a BOM and CRLF line ends. */
static void test_reordered_csv(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_TEST_DATA", "csl-reordered.csv", &d, &ls),
                   EMB_OK);
  expect_source(ls, "csl-csv", 2, 2, 0);
  const emb_entity *e = by_name(ls, "Reordered Trading LLC");
  assert_string_equal(e->id, "SDN:77001");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  assert_true(has_alias(e, "RT LLC"));
  assert_true(has_alias(e, "Reordered"));
  expect_strs("addresses", e->addresses, e->n_addresses,
              STRS("1 Example Street, Dubai, AE"));
  expect_strs("countries", e->countries, e->n_countries, STRS("AE"));
  expect_strs("programs", e->programs, e->n_programs, STRS("SDGT"));
  e = by_name(ls, "Second Reordered Co");
  assert_string_equal(e->list, "UVL");
  assert_null(e->source_id);
  emb_listset_free(ls);
}

/* ---- Our fixtures: JSON ----------------------------------------------- */

static void test_json_sample(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_TEST_DATA", "csl-sample.json", &d, &ls),
                   EMB_OK);
  expect_source(ls, "csl-json", 7, 5, 2);
  expect_diag(&d, "warning:0: results[3]: not an object");
  expect_diag(&d, "warning:0: results[4]: no name");
  expect_diag(&d, "results[1]: end_date: not a date");

  const emb_entity *e = by_name(ls, "Example Optics Ltd.");
  assert_string_equal(e->id, "EL:f00dfeed0001"); /* the hash id */
  assert_true(has_alias(e, "Example Optical"));
  assert_true(has_alias(e, "EO Ltd"));
  expect_strs("addresses", e->addresses, e->n_addresses,
              STRS("12 Sample Road, Harbin, 150000, CN",
                   "Unit 5, Example Tower, Hong Kong, HK"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN", "HK"));
  expect_strs("footnotes", e->footnotes, e->n_footnotes, STRS("4"));
  assert_string_equal(e->citation, "89 FR 12345");
  assert_string_equal(e->start_date, "2024-02-01");
  assert_string_equal(e->license_requirement,
                      "For all items subject to the EAR. (See §744.11 of "
                      "the EAR)4.");
  assert_string_equal(e->source_url, "https://example.gov/el");

  e = by_name(ls, "DOE, John");
  assert_string_equal(e->id, "SDN:99901");
  assert_int_equal(e->type, EMB_TYPE_PERSON);
  assert_string_equal(e->title, "Commander");
  expect_strs("programs", e->programs, e->n_programs, STRS("SDGT", "IRGC"));
  expect_strs("idents", e->idents, e->n_idents,
              STRS("Passport X1234567 (IR)", "National ID No. 0012345678"));
  expect_strs("countries", e->countries, e->n_countries,
              STRS("IR", "KP", "SY"));
  assert_null(e->end_date);
  assert_string_equal(e->source_url, "https://example.gov/sdn");

  e = by_name(ls, "EXAMPLE STAR");
  assert_string_equal(e->source_id, "99902"); /* an integer in the file */
  assert_string_equal(e->list, "NS-MBS");
  assert_int_equal(e->type, EMB_TYPE_VESSEL);

  e = by_name(ls, "Example Telecom Affiliate");
  assert_null(e->source_id); /* numeric id, no entity number */
  assert_true(has_alias(e, "ETA"));
  assert_true(has_alias(e, "Example Tel"));
  expect_strs("footnotes", e->footnotes, e->n_footnotes, STRS("1", "2"));
  expect_strs("programs", e->programs, e->n_programs, STRS("EAR", "EL"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN"));

  e = by_name(ls, "EX-12345");
  assert_int_equal(e->type, EMB_TYPE_AIRCRAFT);
  expect_strs("idents", e->idents, e->n_idents,
              STRS("Aircraft Model, EX-1", "MSN, 42"));
  emb_listset_free(ls);
}

/* A bare array of results, also after a UTF-8 byte order mark. */
static void test_json_array(void **state) {
  (void)state;
  static const char *const files[] = {"csl-array.json", "csl-array-bom.json"};
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    diags d;
    emb_listset *ls;
    assert_int_equal(load("EMBARGO_TEST_DATA", files[i], &d, &ls), EMB_OK);
    expect_source(ls, "csl-json", 2, 2, 0);
    assert_non_null(emb_listset_find(ls, "SDN:99901"));
    assert_non_null(emb_listset_find(ls, "NS-MBS:99902"));
    emb_listset_free(ls);
  }
}

/* Files that are rejected whole: nothing is loaded and the load fails. */
static void test_rejected(void **state) {
  (void)state;
  static const struct {
    const char *env, *name;
    emb_status want;
    const char *diag;
  } cases[] = {
      {"EMBARGO_TEST_DATA", "csl-syntax-error.json", EMB_EPARSE,
       "JSON error at line 3, column"},
      {"EMBARGO_TEST_DATA", "csl-no-results.json", EMB_EFORMAT,
       "no \"results\" array"},
      {"EMBARGO_TEST_DATA", "not-a-list.txt", EMB_EFORMAT,
       "no list format matches"},
      /* csl-broken.csv: of its 6 data rows (blank lines aside), 4 have
       * the wrong number of fields ("/,1", a truncated SSI row, a 6-field
       * EL row, "."), so the file is mostly bad and rejected. */
      {"EMBARGO_SHARED_DATA", "lists/invalid/csl-broken.csv", EMB_EMOSTLYBAD,
       "4 of 6 rows are bad"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    diags d;
    emb_listset *ls;
    emb_status st = load(cases[i].env, cases[i].name, &d, &ls);
    if (st != cases[i].want)
      fail_msg("%s: %s, want %s", cases[i].name, emb_status_name(st),
               emb_status_name(cases[i].want));
    assert_null(ls);
    assert_int_equal(d.errors, 1);
    expect_diag(&d, cases[i].diag);
    expect_diag(&d, "nothing of this file was loaded");
  }
}

/* A file written in Windows-1252 (as spreadsheet tools export it) is read
 * as such: its names reach the index and JSON output as UTF-8 instead of
 * as invalid bytes, and the file gets one warning. */
static void test_cp1252_text(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_TEST_DATA", "csl-cp1252.csv", &d, &ls),
                   EMB_OK);
  assert_int_equal(emb_listset_count(ls), 2);
  const emb_entity *e =
      by_name(ls, "M\xc3\xbcller\xe2\x80\x99s Zwirbelwerk GmbH");
  assert_true(has_alias(e, "Zwirbelwerk Quantenfabrik"));
  assert_int_equal(e->n_addresses, 1);
  assert_string_equal(e->addresses[0],
                      "Hauptstra\xc3\x9f"
                      "e 1, Berlin, DE");
  assert_int_equal(d.errors, 0);
  assert_int_equal(d.warnings, 1);
  expect_diag(&d, "not UTF-8");
  emb_listset_free(ls);
}

/* The date forms the lists write (emb__date_parse, shared by loaders). */
static void test_dates(void **state) {
  (void)state;
  static const struct {
    const char *in, *want; /* want NULL: not a date */
  } cases[] = {
      {"2020-12-18", "2020-12-18"},  {"2020/12/18", "2020-12-18"},
      {"12/18/2020", "2020-12-18"},  {"1/2/2020", "2020-01-02"},
      {"18 Dec 2020", "2020-12-18"}, {"1 Jan 2020", "2020-01-01"},
      {"2020", "2020-01-01"},        {"2021-02-29", NULL},
      {"1 Foo 2020", NULL},          {"12-18-2020", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char out[11];
    emb_status st = emb__date_parse(cases[i].in, strlen(cases[i].in), out);
    if (cases[i].want == NULL) {
      if (st != EMB_EDATE) fail_msg("'%s' taken for a date", cases[i].in);
    } else if (st != EMB_OK || strcmp(out, cases[i].want) != 0) {
      fail_msg("'%s': %s, want %s", cases[i].in,
               st == EMB_OK ? out : emb_status_name(st), cases[i].want);
    }
  }
}

static void test_broken_rows_reported(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(
      load("EMBARGO_SHARED_DATA", "lists/invalid/csl-broken.csv", &d, &ls),
      EMB_EMOSTLYBAD);
  expect_diag(&d, "warning:2: expected 28 fields, found 2");
  expect_diag(&d, "warning:4: expected 28 fields, found 2");
  expect_diag(&d, "warning:5: expected 28 fields, found 6");
  expect_diag(&d, "warning:9: expected 28 fields, found 1");
  assert_int_equal(d.warnings, 4);
}

/* The same entry in CSV and JSON gives the same entity. */
static void test_csv_json_agree(void **state) {
  (void)state;
  const char *dir = getenv("EMBARGO_TEST_DATA");
  if (dir == NULL) skip();
  char a[4096], b[4096];
  snprintf(a, sizeof(a), "%s/csl-mini.csv", dir);
  snprintf(b, sizeof(b), "%s/csl-sample.json", dir);
  const char *paths[] = {a, b};
  emb_listset *ls = NULL;
  assert_int_equal(emb_listset_load(paths, 2, NULL, &ls), EMB_OK);
  assert_int_equal(emb_listset_source_count(ls), 2);
  const emb_entity *x[2] = {NULL, NULL};
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    if (strcmp(e->names[0].text, "DOE, John") == 0) x[e->source_index] = e;
  }
  assert_non_null(x[0]);
  assert_non_null(x[1]);
  assert_string_equal(x[0]->id, x[1]->id);
  assert_string_equal(x[0]->list, x[1]->list);
  assert_string_equal(x[0]->source, x[1]->source);
  assert_int_equal(x[0]->type, x[1]->type);
  assert_string_equal(x[0]->title, x[1]->title);
  assert_string_equal(x[0]->start_date, x[1]->start_date);
  assert_string_equal(x[0]->remarks, x[1]->remarks);
  assert_int_equal(x[0]->n_countries, x[1]->n_countries);
  for (size_t i = 0; i < x[0]->n_countries; i++)
    assert_string_equal(x[0]->countries[i], x[1]->countries[i]);
  assert_int_equal(x[0]->n_programs, x[1]->n_programs);
  emb_listset_free(ls);
}

/* ---- Probes ----------------------------------------------------------- */

static void test_probes(void **state) {
  (void)state;
  static const char csl29[] =
      "_id,source,entity_number,type,programs,name,title,addresses\n";
  static const char csl28[] = "source,entity_number,type,name,alt_names\n";
  static const char csl_min[] = "name,alt_names,source,entity_number\r\n";
  static const char csl_missing[] = "source,entity_number,name\n";
  static const char dpl[] = "\"Name\"\t\"Street_Address\"\t\"City\"\n";
  static const char json[] =
      "{\"total\": 1, \"results\": [{\"source\": \"x\", \"name\": \"y\"}]}";
  static const char json_arr[] = " [\n {\"source\": \"x\", \"name\": \"y\"}]";
  static const char jsonl[] =
      "{\"format\":\"embargo-entities\",\"version\":1}\n"
      "{\"results\":[],\"source\":\"x\",\"name\":\"y\"}\n";
  static const char arr_of_str[] = "[\"source\", \"name\"]";
  static const struct {
    const char *head;
    size_t len;
    int csv, json;
  } cases[] = {
      {csl29, sizeof(csl29) - 1, 0, 0}, /* no alt_names in the header */
      {csl28, sizeof(csl28) - 1, 1, 0},
      {csl_min, sizeof(csl_min) - 1, 1, 0},
      {csl_missing, sizeof(csl_missing) - 1, 0, 0},
      {dpl, sizeof(dpl) - 1, 0, 0},
      {json, sizeof(json) - 1, 0, 1},
      {json_arr, sizeof(json_arr) - 1, 0, 1},
      {jsonl, sizeof(jsonl) - 1, 0, 0},
      {arr_of_str, sizeof(arr_of_str) - 1, 0, 0},
      {"", 0, 0, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int c = emb__fmt_csl_csv.probe(cases[i].head, cases[i].len) != 0;
    int j = emb__fmt_csl_json.probe(cases[i].head, cases[i].len) != 0;
    if (c != cases[i].csv || j != cases[i].json)
      fail_msg("case %zu: csv %d json %d, want %d %d", i, c, j, cases[i].csv,
               cases[i].json);
  }
  assert_string_equal(emb__fmt_csl_csv.name, "csl-csv");
  assert_string_equal(emb__fmt_csl_json.name, "csl-json");
}

/* ---- The real files --------------------------------------------------- */

static void test_real_small(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_SHARED_DATA",
                        "lists/us-csl/consolidated-small.csv", &d, &ls),
                   EMB_OK);
  expect_source(ls, "csl-csv", 13, 13, 0);
  const emb_entity *e = emb_listset_entity(ls, 0);
  assert_string_equal(e->id,
                      "ISN:233a4d725770c81fb561ffe3842c14010c2201971d6be62eca"
                      "1e613b");
  assert_string_equal(e->start_date, "2023-07-19");
  expect_strs("programs", e->programs, e->n_programs, STRS("INKSNA"));
  e = by_name(ls, "Atlas Sanatgaran");
  assert_string_equal(e->list, "UVL");
  expect_strs("countries", e->countries, e->n_countries, STRS("AM"));
  emb_listset_free(ls);
}

/* 2019 layout: 28 columns, no _id. */
static void test_real_2019(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_SHARED_DATA",
                        "lists/us-csl/consolidated-2019-sample.csv", &d, &ls),
                   EMB_OK);
  expect_source(ls, "csl-csv", 115, 115, 0);
  const emb_entity *e = by_name(ls, "200G PSA HOLDINGS LLC");
  assert_string_equal(e->id, "SDN:20264");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  expect_strs("programs", e->programs, e->n_programs, STRS("SDNTK"));
  expect_strs("addresses", e->addresses, e->n_addresses,
              STRS("80 SW 8th Street Suite 2000, Miami, FL, 33130, US"));
  expect_strs("countries", e->countries, e->n_countries, STRS("US"));
  expect_strs("idents", e->idents, e->n_idents,
              STRS("US, 80-0890696, Tax ID No."));
  /* The source writes this name with a leading space. */
  e = by_name(ls, "ADRIAN MANUEL HERNANDEZ");
  assert_string_equal(e->list, "DPL");
  assert_null(e->source_id);
  assert_string_equal(e->start_date, "2017-10-16");
  assert_string_equal(e->end_date, "2020-10-13");
  assert_string_equal(e->citation, "82 F.R. 48792 10/20/2017");
  assert_string_equal(e->remarks, "FR NOTICE ADDED");
  emb_listset_free(ls);
}

/* A repeated header and a cut-off last row, as found. */
static void test_real_2023_partial(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(
      load("EMBARGO_SHARED_DATA",
           "lists/us-csl/consolidated-2023-11-30-partial.csv", &d, &ls),
      EMB_OK);
  expect_source(ls, "csl-csv", 4227, 4226, 1);
  expect_diag(&d, "warning:2: the header row is repeated");
  expect_diag(&d, "warning:4233: unterminated quoted field");
  assert_int_equal(d.warnings, 2);
  const emb_entity *e = emb_listset_find(ls, "CMIC:30882");
  assert_non_null(e);
  assert_string_equal(e->names[0].text, "China Telecom Corporation Limited");
  assert_true(has_alias(e, "CHINA TELECOM"));
  assert_true(has_alias(e, "CHINA TELECOM CO., LTD"));
  assert_true(has(e->idents, e->n_idents, "ISIN, US1694261033"));
  expect_strs("addresses", e->addresses, e->n_addresses,
              STRS("31 Jinrong Street, Xicheng District, Beijing, 100033, "
                   "CN"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN"));
  emb_listset_free(ls);
}

static size_t count_list(const emb_listset *ls, const char *list) {
  size_t n = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++)
    if (strcmp(emb_listset_entity(ls, i)->list, list) == 0) n++;
  return n;
}

static void test_real_2026(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(
      load("EMBARGO_SHARED_DATA",
           "lists/us-csl/consolidated-2026-07-31-reduced.csv", &d, &ls),
      EMB_OK);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  print_message("loaded 25,921 CSL rows in %.1f ms\n",
                (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
  expect_source(ls, "csl-csv", 25921, 25921, 0);
  assert_int_equal(d.warnings + d.errors, 0);

  /* Entries per source, counted independently from the file. */
  static const struct {
    const char *list;
    size_t n;
  } lists[] = {{"SDN", 19181}, {"EL", 3420}, {"DPL", 1596},  {"DTC", 787},
               {"SSI", 286},   {"UVL", 222}, {"ISN", 161},   {"PLC", 78},
               {"MEU", 70},    {"CMIC", 68}, {"NS-MBS", 51}, {"CAP", 1}};
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
    if (count_list(ls, lists[i].list) != lists[i].n)
      fail_msg("%s: %zu entities, want %zu", lists[i].list,
               count_list(ls, lists[i].list), lists[i].n);

  size_t types[5] = {0}, fn[10] = {0};
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    types[e->type]++;
    for (size_t j = 0; j < e->n_footnotes; j++) fn[e->footnotes[j][0] - '0']++;
  }
  assert_int_equal(types[EMB_TYPE_ORGANIZATION], 10206);
  assert_int_equal(types[EMB_TYPE_PERSON], 7591);
  assert_int_equal(types[EMB_TYPE_VESSEL], 1524);
  assert_int_equal(types[EMB_TYPE_AIRCRAFT], 344);
  assert_int_equal(types[EMB_TYPE_UNKNOWN], 6256);
  /* Entity List entries carrying each footnote designation. */
  assert_int_equal(fn[1], 150);
  assert_int_equal(fn[2], 150);
  assert_int_equal(fn[3], 17);
  assert_int_equal(fn[4], 89);
  assert_int_equal(fn[5], 16);

  const emb_entity *e =
      by_name(ls,
              "Semiconductor Manufacturing International Corporation "
              "(SMIC)");
  assert_string_equal(e->list, "EL");
  expect_strs("footnotes", e->footnotes, e->n_footnotes, STRS("5"));
  expect_strs("countries", e->countries, e->n_countries, STRS("CN"));
  /* Every Entity List entry of Huawei itself carries footnote 1. */
  size_t huawei = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    e = emb_listset_entity(ls, i);
    if (strcmp(e->list, "EL") != 0 ||
        strncmp(e->names[0].text, "Huawei Technologies Co., Ltd.", 29) != 0)
      continue;
    huawei++;
    if (!has(e->footnotes, e->n_footnotes, "1"))
      fail_msg("%s: no footnote 1", e->names[0].text);
  }
  assert_true(huawei >= 20);
  /* An OFAC entry: its id is the entity number. */
  e = emb_listset_find(ls, "CMIC:30882");
  assert_non_null(e);
  assert_string_equal(e->names[0].text, "China Telecom Corporation Limited");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  emb_listset_free(ls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mini_csv),
      cmocka_unit_test(test_reordered_csv),
      cmocka_unit_test(test_json_sample),
      cmocka_unit_test(test_json_array),
      cmocka_unit_test(test_rejected),
      cmocka_unit_test(test_broken_rows_reported),
      cmocka_unit_test(test_cp1252_text),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_csv_json_agree),
      cmocka_unit_test(test_probes),
      cmocka_unit_test(test_real_small),
      cmocka_unit_test(test_real_2019),
      cmocka_unit_test(test_real_2023_partial),
      cmocka_unit_test(test_real_2026),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
