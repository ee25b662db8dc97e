/* Unit tests: loading the BIS Denied Persons List (src/lib/lists/dpl.c)
 * through emb_listset_load() on single files: our fixtures in
 * $EMBARGO_TEST_DATA and the real list in $EMBARGO_SHARED_DATA.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the standard headers above before it. */
/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "../../src/lib/lists/source.h"
#include "embargo/lists.h"
#include "diag_text.h"

static const char dpl_source[] =
    "Denied Persons List (DPL) - Bureau of Industry and Security";

static void expect_source(const emb_listset *ls, size_t rows, size_t entities,
                          size_t skipped) {
  assert_int_equal(emb_listset_source_count(ls), 1);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_string_equal(si->format, "bis-dpl-tsv");
  assert_string_equal(si->name, "BIS Denied Persons List");
  assert_int_equal(si->rows, rows);
  assert_int_equal(si->entities, entities);
  assert_int_equal(si->skipped, skipped);
  assert_int_equal(emb_listset_count(ls), entities);
}

/* Every DPL entity has the same list, source and type, and no number. */
static void expect_dpl(const emb_entity *e) {
  assert_string_equal(e->list, "DPL");
  assert_string_equal(e->source, dpl_source);
  assert_int_equal(e->type, EMB_TYPE_UNKNOWN);
  assert_null(e->source_id);
  assert_int_equal(strncmp(e->id, "DPL:", 4), 0);
  assert_int_equal(e->n_names, 1);
  assert_int_equal(e->n_programs, 0);
  assert_int_equal(e->n_footnotes, 0);
}

static void test_mini(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_TEST_DATA", "dpl-mini.txt", &d, &ls), EMB_OK);
  expect_source(ls, 5, 3, 2);
  expect_diag(&d, "warning:3: Expiration_Date: not a date: \"13/45/2026\"");
  expect_diag(&d, "warning:4: expected 12 fields, found 3");
  expect_diag(&d, "warning:6: the Name column is empty");
  assert_int_equal(d.warnings, 3);

  /* The fixture puts Country second: columns go by header name. */
  const emb_entity *e = by_name(ls, "EXAMPLE PERSON A");
  expect_dpl(e);
  assert_int_equal(e->n_addresses, 1);
  assert_string_equal(e->addresses[0],
                      "1 EXAMPLE ROAD, SHENZHEN, GUANGDONG, 518000, CN");
  assert_int_equal(e->n_countries, 1);
  assert_string_equal(e->countries[0], "CN");
  assert_string_equal(e->start_date, "2020-03-16");
  assert_string_equal(e->end_date, "2028-12-13");
  assert_string_equal(e->citation, "85 F.R. 99999 3/20/2020");
  assert_string_equal(e->remarks, "FR NOTICE ADDED");

  e = by_name(ls, "EXAMPLE PERSON B");
  expect_dpl(e);
  assert_string_equal(e->addresses[0],
                      "2 SAMPLE ST, APT. 3, EL PASO, TX, 79905");
  assert_int_equal(e->n_countries, 0);
  assert_string_equal(e->start_date, "2022-08-24");
  assert_null(e->end_date);

  e = by_name(ls, "EXAMPLE \"QUOTED\" TRADING");
  expect_dpl(e);
  assert_string_equal(e->addresses[0], "PO BOX 1, DUBAI, AE");
  assert_string_equal(e->countries[0], "AE");
  assert_string_equal(e->start_date, "2021-01-05"); /* written 1/5/2021 */
  emb_listset_free(ls);
}

static void test_rejected(void **state) {
  (void)state;
  static const struct {
    const char *name;
    emb_status want;
    const char *diag;
  } cases[] = {
      {"dpl-header-only.txt", EMB_EEMPTY, "the file holds no entries"},
      {"not-a-list.txt", EMB_EFORMAT, "no list format matches"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    diags d;
    emb_listset *ls;
    emb_status st = load("EMBARGO_TEST_DATA", cases[i].name, &d, &ls);
    if (st != cases[i].want)
      fail_msg("%s: %s, want %s", cases[i].name, emb_status_name(st),
               emb_status_name(cases[i].want));
    assert_null(ls);
    assert_int_equal(d.errors, 1);
    expect_diag(&d, cases[i].diag);
  }
}

static void test_probe(void **state) {
  (void)state;
  static const struct {
    const char *head;
    int want;
  } cases[] = {
      {"\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t"
       "\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t"
       "\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"\n",
       1},
      {"Name\tStreet_Address\tEffective_Date\tFR_Citation\r\n", 1},
      {"\"Name\"\t\"Street_Address\"\t\"City\"\n", 0},
      {"Name,Street_Address,Effective_Date,FR_Citation\n", 0},
      {"source,entity_number,name,alt_names\n", 0},
      {"", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int got = emb__fmt_dpl.probe(cases[i].head, strlen(cases[i].head)) != 0;
    if (got != cases[i].want)
      fail_msg("case %zu: probe %d, want %d", i, got, cases[i].want);
  }
  assert_string_equal(emb__fmt_dpl.name, "bis-dpl-tsv");
}

static void test_real(void **state) {
  (void)state;
  diags d;
  emb_listset *ls;
  assert_int_equal(load("EMBARGO_SHARED_DATA", "lists/bis/dpl.txt", &d, &ls),
                   EMB_OK);
  expect_source(ls, 581, 581, 0);
  assert_int_equal(d.warnings + d.errors, 0);

  size_t with_country = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    expect_dpl(e);
    assert_int_equal(e->n_addresses, 1);
    assert_non_null(e->start_date);
    if (e->n_countries) with_country++;
  }
  /* 202 rows leave Country empty, and one holds "NM" (a US state, not a
   * country); every other row names a country ("PRC" among them). */
  assert_int_equal(with_country, 581 - 202 - 1);

  /* The source writes this name with a leading space. */
  const emb_entity *e = by_name(ls, "I. ASH");
  assert_string_equal(e->addresses[0],
                      "UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: "
                      "26265-177, FCI SEAGOVILLE, 2113 NORTH HIGHWAY 175, "
                      "SEAGOVILLE, TX, 75159, US");
  assert_string_equal(e->countries[0], "US");
  assert_string_equal(e->start_date, "2003-06-19");
  assert_string_equal(e->end_date, "2056-06-29");
  assert_string_equal(e->citation,
                      "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. "
                      "4236 1/30/07");
  assert_string_equal(e->remarks, "FEDERAL REGISTER NOTICE UPDATED");

  /* One person denied at two addresses is two entries. */
  size_t sheng = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++)
    if (strcmp(emb_listset_entity(ls, i)->names[0].text, "ZIMO SHENG") == 0)
      sheng++;
  assert_int_equal(sheng, 2);
  emb_listset_free(ls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mini),
      cmocka_unit_test(test_rejected),
      cmocka_unit_test(test_probe),
      cmocka_unit_test(test_real),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
