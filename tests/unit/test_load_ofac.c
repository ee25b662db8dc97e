/* Unit tests: OFAC's legacy CSV files (sdn.csv with add/alt/sdn_comments,
 * and the cons_* group), through the public loader: the probe by
 * structure, a small group with bad rows in every file (CRLF and a
 * trailing 0x1A), the real SDN and consolidated files, and the broken
 * comments file alone and joined to the real SDN list. */
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

#include "../../src/lib/lists/source.h"
#include "embargo/lists.h"
#include "diag_log.h"

static void shared_path(char *out, size_t n, const char *rel) {
  env_path(out, n, "EMBARGO_SHARED_DATA", "../shared/data", rel);
}

static int has_str(const char *const *v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0) return 1;
  return 0;
}

/* Reads a whole file into a NUL-terminated malloc'd buffer. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

#define E "-0- "
#define PRIM(num, name, type)                                                  \
  num ",\"" name "\"," type ",\"CUBA\"," E "," E "," E "," E "," E "," E "," E \
      "," E "\r\n"

static void test_probe(void **state) {
  (void)state;
  static const struct {
    const char *head;
    emb__ofac_part want;
  } cases[] = {
      {PRIM("36", "AEROCARIBBEAN AIRLINES", E), EMB__OFAC_PRIMARY},
      {PRIM("7", "A", "\"individual\"") PRIM("8", "B", "\"vessel\"")
           PRIM("9", "C", "\"aircraft\""),
       EMB__OFAC_PRIMARY},
      {PRIM("36", "X", "\"company\""), EMB__OFAC_NONE},
      {PRIM("3x", "X", E), EMB__OFAC_NONE},
      {"36,25," E ",\"Havana\",\"Cuba\"," E "\r\n", EMB__OFAC_ADDRESS},
      {"36,x," E ",\"Havana\",\"Cuba\"," E "\r\n", EMB__OFAC_NONE},
      {"306,220,\"aka\",\"NATIONAL BANK OF CUBA\"," E "\r\n"
       "306,221,\"fka\",\"B\"," E "\r\n",
       EMB__OFAC_ALT},
      {"306,220,\"alias\",\"NATIONAL BANK OF CUBA\"," E "\r\n", EMB__OFAC_NONE},
      {"12300,\"Z S.A.S.; Linked To: X.\"\r\n\x1a", EMB__OFAC_COMMENTS},
      /* A later record that disagrees, and is not the last one read. */
      {PRIM("1", "A", E) "1,2," E ",\"c\",\"Cuba\"," E "\r\n" PRIM("2", "B", E),
       EMB__OFAC_NONE},
      /* The last record read may be cut off by the probe window. */
      {PRIM("1", "A", E) "2,\"B\"", EMB__OFAC_PRIMARY},
      {"ent_num,SDN_Name\r\n36,X\r\n", EMB__OFAC_NONE},
      {"\x1a", EMB__OFAC_NONE},
      {"", EMB__OFAC_NONE},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    emb__ofac_part got = emb__ofac_probe(cases[i].head, strlen(cases[i].head));
    if (got != cases[i].want)
      fail_msg("probe case %zu: got %d, want %d", i, (int)got,
               (int)cases[i].want);
  }
  /* The real broken comments file is still recognised as a comments file,
   * so the driver can say it lacks its primary file. */
  char path[1024];
  shared_path(path, sizeof(path), "lists/invalid/sdn_comments-broken.csv");
  size_t len;
  char *buf = slurp(path, &len);
  assert_int_equal(emb__ofac_probe(buf, len), EMB__OFAC_COMMENTS);
  free(buf);
}

/* Where each bad row of the small group is reported. */
static const struct {
  const char *file;
  long line;
  const char *has;
} mini_bad[] = {
    {"sdn.csv", 6, "expected 12 fields, found 4"},
    {"sdn.csv", 7, "ent_num is not a number"},
    {"sdn.csv", 8, "SDN_Name"},
    {"sdn.csv", 9, "duplicate entity number 1001"},
    {"add.csv", 4, "entity number 9999 is not in"},
    {"alt.csv", 4, "alt_type"},
    {"alt.csv", 5, "alt_name is empty"},
    {"sdn_comments.csv", 2, "entity number 8888 is not in"},
};

static void test_mini_group(void **state) {
  (void)state;
  char dir[1024];
  env_path(dir, sizeof(dir), "EMBARGO_TEST_DATA", "tests/data", "ofac-mini");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(dir, 1, &D, &ls), EMB_OK);
  assert_int_equal(emb_listset_source_count(ls), 1);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_string_equal(si->format, "ofac-sdn-csv");
  assert_string_equal(si->name, "OFAC SDN List");
  assert_int_equal(si->rows, 22);
  assert_int_equal(si->entities, 6);
  assert_int_equal(si->skipped, 8);

  size_t n_bad = sizeof(mini_bad) / sizeof(mini_bad[0]);
  assert_int_equal(D.n, n_bad);
  for (size_t i = 0; i < n_bad; i++) {
    char want[1100];
    snprintf(want, sizeof(want), "%s/%s", dir, mini_bad[i].file);
    int found = 0;
    for (size_t j = 0; j < D.n; j++)
      if (strcmp(D.d[j].file, want) == 0 && D.d[j].line == mini_bad[i].line &&
          strstr(D.d[j].msg, mini_bad[i].has) != NULL)
        found = 1;
    if (!found)
      fail_msg("no report \"%s\" at %s:%ld", mini_bad[i].has, want,
               mini_bad[i].line);
  }

  const emb_entity *e = find(ls, "SDN:306");
  assert_string_equal(e->list, "SDN");
  assert_string_equal(
      e->source, "Specially Designated Nationals (SDN) - Treasury Department");
  assert_string_equal(e->source_id, "306");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  assert_string_equal(e->names[0].text, "BANCO NACIONAL DE CUBA");
  assert_true(has_name(e, "NATIONAL BANK OF CUBA", EMB_NAME_ALIAS));
  assert_string_equal(e->remarks, "a.k.a. 'BNC'.");
  assert_int_equal(e->n_addresses, 0);

  e = find(ls, "SDN:1001");
  assert_int_equal(e->type, EMB_TYPE_PERSON);
  assert_string_equal(e->title, "Colonel");
  assert_int_equal(e->n_programs, 2);
  assert_string_equal(e->programs[0], "SDGT");
  assert_string_equal(e->programs[1], "IRGC");
  assert_int_equal(e->n_names, 3);
  assert_true(has_name(e, "EXAMPLE, Person A", EMB_NAME_ALIAS));
  assert_true(has_name(e, "EXAMPLE, Person B", EMB_NAME_ALIAS));
  /* The continuation follows the space the cut Remarks field ended in. */
  assert_string_equal(e->remarks,
                      "DOB 01 Jan 1960; nationality Iran; alt. citizen "
                      "Syria; Linked To: EXAMPLE TRADING LLC.");
  assert_int_equal(e->n_addresses, 1);
  assert_string_equal(e->addresses[0], "1 Example Street, Tehran, Iran");
  assert_int_equal(e->n_countries, 2);
  assert_true(has_str(e->countries, e->n_countries, "IR"));
  assert_true(has_str(e->countries, e->n_countries, "SY"));

  e = find(ls, "SDN:1002");
  assert_int_equal(e->type, EMB_TYPE_VESSEL);
  assert_int_equal(e->n_idents, 1);
  assert_string_equal(e->idents[0], "Call Sign 9BXY1");
  assert_true(has_str(e->countries, e->n_countries, "PA"));
  /* A region is kept in the address but is no country. */
  assert_int_equal(e->n_addresses, 1);
  assert_string_equal(e->addresses[0], "Region: Gaza");

  e = find(ls, "SDN:1003");
  assert_int_equal(e->type, EMB_TYPE_AIRCRAFT);
  assert_int_equal(e->n_names, 1);

  e = find(ls, "SDN:1006");
  assert_string_equal(e->names[0].text, "EXAMPLE \"QUOTED\" TRADING, LTD.");
  assert_non_null(strstr(e->remarks, "a line break."));
  assert_string_equal(e->addresses[0],
                      "Example Road 2, Block B, Damascus, Syria (Free Zone)");
  assert_null(emb_listset_find(ls, "SDN:1004"));
  assert_null(emb_listset_find(ls, "SDN:1005"));
  emb_listset_free(ls);
}

static size_t count_list(const emb_listset *ls, const char *list) {
  size_t n = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++)
    if (strcmp(emb_listset_entity(ls, i)->list, list) == 0) n++;
  return n;
}

static void test_real_files(void **state) {
  (void)state;
  char dir[1024];
  shared_path(dir, sizeof(dir), "lists/ofac");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(dir, 1, &D, &ls), EMB_OK);
  assert_int_equal(D.n, 0);
  assert_int_equal(emb_listset_source_count(ls), 2);
  const emb_source_info *sdn = NULL, *cons = NULL;
  for (size_t i = 0; i < 2; i++) {
    const emb_source_info *si = emb_listset_source(ls, i);
    if (strcmp(si->format, "ofac-sdn-csv") == 0) sdn = si;
    if (strcmp(si->format, "ofac-cons-csv") == 0) cons = si;
  }
  assert_non_null(sdn);
  assert_non_null(cons);
  assert_int_equal(sdn->entities, 8976);
  assert_int_equal(sdn->skipped, 0);
  assert_int_equal(sdn->rows, 8976 + 13837 + 11910 + 5);
  assert_string_equal(cons->name, "OFAC Consolidated (non-SDN) Lists");
  assert_int_equal(cons->entities, 442);
  assert_int_equal(cons->skipped, 0);
  assert_int_equal(cons->rows, 442 + 574 + 1073 + 10);

  size_t types[5] = {0};
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    if (strcmp(e->list, "SDN") == 0) types[e->type]++;
  }
  assert_int_equal(types[EMB_TYPE_PERSON], 4620);
  assert_int_equal(types[EMB_TYPE_VESSEL], 406);
  assert_int_equal(types[EMB_TYPE_AIRCRAFT], 277);
  assert_int_equal(types[EMB_TYPE_ORGANIZATION], 3673);

  /* The consolidated entries by list, as the CSL files them. */
  static const struct {
    const char *list;
    size_t n;
  } lists[] = {{"SDN", 8976}, {"SSI", 286},  {"PLC", 78},
               {"CMIC", 68},  {"NS-MBS", 9}, {"CAP", 1}};
  for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
    if (count_list(ls, lists[i].list) != lists[i].n)
      fail_msg("list %s: %zu entries, want %zu", lists[i].list,
               count_list(ls, lists[i].list), lists[i].n);

  const emb_entity *e = find(ls, "SDN:306");
  assert_true(has_name(e, "NATIONAL BANK OF CUBA", EMB_NAME_ALIAS));
  assert_int_equal(e->n_addresses, 4);
  assert_true(has_str(e->countries, e->n_countries, "CH"));
  assert_true(has_str(e->countries, e->n_countries, "JP"));

  /* The comments file finishes the Remarks field OFAC cut at 1,000
   * characters, mid-word. */
  e = find(ls, "SDN:12300");
  assert_non_null(strstr(e->remarks, "Linked To: PROMO RAIZ S.A.S.; "));
  const char *tail = "Linked To: R D I S.A.";
  size_t rl = strlen(e->remarks), tl = strlen(tail);
  assert_true(rl > 1000);
  assert_string_equal(e->remarks + rl - tl, tail);

  e = find(ls, "SDN:10481");
  assert_string_equal(e->names[0].text, "SOLEIMANI, Qasem");
  assert_true(has_str(e->countries, e->n_countries, "IR"));

  e = find(ls, "SDN:4234");
  assert_int_equal(e->type, EMB_TYPE_VESSEL);
  assert_string_equal(e->idents[0], "Call Sign CL2685");

  e = find(ls, "SSI:20298");
  assert_string_equal(e->source,
                      "Sectoral Sanctions Identifications List (SSI) - "
                      "Treasury Department");
  assert_string_equal(e->programs[0], "UKRAINE-EO13662");
  e = find(ls, "PLC:9639");
  assert_string_equal(e->names[0].text, "HANIYA, Ismail Abdul Salah");
  assert_true(has_name(e, "HANIYYA, Ismaeel", EMB_NAME_ALIAS));
  e = find(ls, "CAP:15268");
  assert_string_equal(e->source, "Capta List (CAP) - Treasury Department");
  e = find(ls, "NS-MBS:50476");
  assert_true(has_str(e->countries, e->n_countries, "HT"));
  emb_listset_free(ls);
}

static void test_broken_comments_alone(void **state) {
  (void)state;
  char path[1024];
  shared_path(path, sizeof(path), "lists/invalid/sdn_comments-broken.csv");
  for (int strict = 0; strict <= 1; strict++) {
    diags D = {.n = 0};
    emb_listset *ls = NULL;
    assert_int_equal(load_one(path, strict, &D, &ls), EMB_EFORMAT);
    assert_null(ls);
    assert_int_equal(D.n, 1);
    assert_string_equal(D.d[0].sev, "error");
    assert_string_equal(D.d[0].file, path);
    assert_non_null(strstr(D.d[0].msg, "without its primary file"));
  }
}

/* The broken comments file joined to the real SDN list: its rows name
 * entities the list does not hold, and it ends in a junk line. Each is a
 * bad row reported against the comments file; the list still loads. */
static void test_broken_comments_joined(void **state) {
  (void)state;
  char tmp[] = "/tmp/emb-ofac-XXXXXX";
  assert_non_null(mkdtemp(tmp));
  char sdn[1024], broken[1024], l1[1100], l2[1100];
  shared_path(sdn, sizeof(sdn), "lists/ofac/sdn.csv");
  shared_path(broken, sizeof(broken), "lists/invalid/sdn_comments-broken.csv");
  snprintf(l1, sizeof(l1), "%s/sdn.csv", tmp);
  snprintf(l2, sizeof(l2), "%s/sdn_comments.csv", tmp);
  assert_int_equal(symlink(sdn, l1), 0);
  assert_int_equal(symlink(broken, l2), 0);

  diags D = {.n = 0};
  emb_listset *ls = NULL;
  emb_status st = load_one(tmp, 1, &D, &ls);
  unlink(l1);
  unlink(l2);
  rmdir(tmp);
  assert_int_equal(st, EMB_OK);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_int_equal(si->entities, 8976);
  assert_int_equal(si->rows, 8976 + 4);
  assert_int_equal(si->skipped, 3);
  static const struct {
    long line;
    const char *has;
  } want[] = {{2, "entity number 15599 is not in"},
              {3, "entity number 15600 is not in"},
              {4, "expected 2 fields, found 1"}};
  assert_int_equal(D.n, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(D.d[i].file, l2);
    assert_int_equal(D.d[i].line, want[i].line);
    if (strstr(D.d[i].msg, want[i].has) == NULL)
      fail_msg("line %ld: \"%s\" lacks \"%s\"", want[i].line, D.d[i].msg,
               want[i].has);
  }
  /* Its first row, for an entity the list holds, is joined. */
  const emb_entity *e = find(ls, "SDN:12300");
  assert_non_null(strstr(e->remarks, "PROMO RAIZ S.A.S."));
  emb_listset_free(ls);
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Side files that pile rows onto one entity stay bounded: each comment row
 * copies the whole remarks (20 one-byte rows once cost gigabytes at scale),
 * and each alias is checked against the ones before it. Rows past the
 * bounds are bad rows; the rest of the group loads. */
static void test_hostile_side_files(void **state) {
  (void)state;
  char tmp[] = "/tmp/emb-ofac-XXXXXX";
  assert_non_null(mkdtemp(tmp));
  char prim[1100], comm[1100], alt[1100];
  snprintf(prim, sizeof(prim), "%s/sdn.csv", tmp);
  snprintf(comm, sizeof(comm), "%s/sdn_comments.csv", tmp);
  snprintf(alt, sizeof(alt), "%s/alt.csv", tmp);
  write_text(prim, PRIM("36", "AEROCARIBBEAN AIRLINES", E)
                       PRIM("306", "BANCO NACIONAL DE CUBA", E));
  char *buf = malloc(1 << 16);
  assert_non_null(buf);
  size_t k = 0;
  for (int i = 0; i < 20; i++)
    k += (size_t)snprintf(buf + k, (1 << 16) - k, "36,\"x\"\r\n");
  write_text(comm, buf);
  FILE *f = fopen(alt, "wb");
  assert_non_null(f);
  for (int i = 0; i < 1200; i++)
    fprintf(f, "306,%d,\"aka\",\"BNC ALIAS %d\",-0- \r\n", i + 1, i);
  fclose(f);
  free(buf);

  diags D = {.n = 0};
  emb_listset *ls = NULL;
  emb_status st = load_one(tmp, 0, &D, &ls);
  unlink(prim);
  unlink(comm);
  unlink(alt);
  rmdir(tmp);
  assert_int_equal(st, EMB_OK);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_int_equal(si->entities, 2);
  assert_int_equal(si->rows, 2 + 20 + 1200);
  /* 12 comment rows past 8, and 201 aliases past 1,000 names. */
  assert_int_equal(si->skipped, 12 + 201);
  assert_string_equal(find(ls, "SDN:36")->remarks, "xxxxxxxx");
  assert_int_equal(find(ls, "SDN:306")->n_names, 1000);
  emb_listset_free(ls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe),
      cmocka_unit_test(test_mini_group),
      cmocka_unit_test(test_real_files),
      cmocka_unit_test(test_broken_comments_alone),
      cmocka_unit_test(test_broken_comments_joined),
      cmocka_unit_test(test_hostile_side_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
