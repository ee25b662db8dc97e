/* Unit tests: the UN Security Council consolidated list XML loader, through
 * the public loader: the probe, a small list with every field, malformed
 * XML (reported, never printed), entity references that must not be
 * expanded, and the real list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka.h needs the standard headers above. */
#include <cmocka.h>
#include <libxml/parser.h>

#include "../../src/lib/lists/listset_internal.h"
#include "embargo/lists.h"
#include "diag_log.h"

static void test_probe(void **state) {
  (void)state;
  static const struct {
    const char *head;
    int want;
  } cases[] = {
      {"<CONSOLIDATED_LIST dateGenerated=\"2026-01-01\">", 1},
      {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CONSOLIDATED_LIST>", 1},
      {"\xEF\xBB\xBF<?xml version=\"1.0\"?>\r\n<!-- a -->\n<!-- b -->"
       "<CONSOLIDATED_LIST\n xmlns:xsi=\"x\">",
       1},
      {"<CONSOLIDATED_LIST/>", 1},
      {"<CONSOLIDATED_LISTS>", 0},
      {"<consolidated_list>", 0},
      {"<?xml version=\"1.0\"?><sdnList>", 0},
      {"<!DOCTYPE CONSOLIDATED_LIST><CONSOLIDATED_LIST>", 0},
      {"<!-- unterminated <CONSOLIDATED_LIST>", 0},
      {"<?xml version=\"1.0\"", 0},
      {"<CONSOLIDATED_LIST", 0},
      {"{\"format\":\"embargo-entities\"}", 0},
      {"", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int got = emb__fmt_un_xml.probe(cases[i].head, strlen(cases[i].head));
    if (got != cases[i].want)
      fail_msg("probe case %zu: got %d, want %d", i, got, cases[i].want);
  }
}

static void test_mini(void **state) {
  (void)state;
  char path[1024];
  env_path(path, sizeof(path), "EMBARGO_TEST_DATA", "tests/data",
           "un/un-mini.xml");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_string_equal(si->format, "un-xml");
  assert_string_equal(si->name, "UN Security Council Consolidated List");
  assert_string_equal(si->list_date, "2026-02-27");
  assert_string_equal(si->date_origin, "content");
  assert_int_equal(si->rows, 4);
  assert_int_equal(si->entities, 3);
  assert_int_equal(si->skipped, 1);
  /* The individual without a name, reported with its line. */
  assert_int_equal(D.n, 1);
  assert_int_equal(D.d[0].line, 61);
  assert_string_equal(D.d[0].file, path);
  assert_non_null(strstr(D.d[0].msg, "without a name"));

  const emb_entity *e = find(ls, "UN:XXi.001");
  assert_string_equal(e->list, "UN");
  assert_string_equal(e->source, "UN Security Council Consolidated List");
  assert_string_equal(e->source_id, "XXi.001");
  assert_int_equal(e->type, EMB_TYPE_PERSON);
  assert_string_equal(e->names[0].text, "ALPHA BETA GAMMA DELTA");
  assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  assert_int_equal(e->n_names, 4);
  assert_true(has_name(e, "ألفا بيتا", EMB_NAME_ALIAS));
  assert_true(has_name(e, "ALPHA GOOD", EMB_NAME_ALIAS));
  assert_true(has_name(e, "Al", EMB_NAME_WEAK_ALIAS));
  assert_string_equal(e->start_date, "2012-12-31");
  assert_int_equal(e->n_programs, 1);
  assert_string_equal(e->programs[0], "DRC");
  assert_string_equal(e->remarks,
                      "First line of the comment, continued on a second "
                      "line.");
  assert_string_equal(e->title, "Dr.; Example Commander; Example Minister");
  /* Nationality and address countries; an unknown name is left out. */
  assert_int_equal(e->n_countries, 2);
  assert_string_equal(e->countries[0], "CD");
  assert_string_equal(e->countries[1], "RW");
  assert_int_equal(e->n_addresses, 2);
  assert_string_equal(e->addresses[0],
                      "1 Example Avenue, Kinshasa, Democratic Republic of "
                      "the Congo");
  assert_string_equal(e->addresses[1], "Rwanda");
  assert_int_equal(e->n_idents, 2);
  assert_string_equal(e->idents[0],
                      "Passport OB 0000001 (Democratic Republic of the "
                      "Congo)");
  assert_string_equal(e->idents[1], "Example ID 1-2-3");

  e = find(ls, "UN:XXi.003");
  assert_string_equal(e->names[0].text, "EPSILON & ZETA");
  assert_string_equal(e->start_date, "2015-04-07");
  assert_string_equal(e->programs[0], "Iraq");

  e = find(ls, "UN:XXe.001");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  assert_string_equal(e->names[0].text, "EXAMPLE AIRLINES (EXA)");
  assert_true(has_name(e, "Example Air", EMB_NAME_ALIAS));
  assert_true(has_name(e, "Old Example Air", EMB_NAME_ALIAS));
  assert_int_equal(e->n_addresses, 1);
  assert_string_equal(e->addresses[0],
                      "Butembo, North Kivu, Democratic Republic of the "
                      "Congo");
  assert_int_equal(e->n_countries, 1);
  assert_string_equal(e->countries[0], "CD");
  emb_listset_free(ls);
}

/* Runs fn with stderr sent to a temporary file; returns how many bytes
 * were written to stderr meanwhile. */
static long stderr_bytes_during(void (*fn)(void *), void *arg) {
  fflush(stderr);
  int saved = dup(2);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  assert_true(saved >= 0);
  dup2(fileno(tmp), 2);
  fn(arg);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  struct stat st;
  assert_int_equal(fstat(fileno(tmp), &st), 0);
  fclose(tmp);
  return (long)st.st_size;
}

typedef struct malformed_run {
  const char *path;
  int strict;
  diags D;
  emb_status st;
  emb_listset *ls;
} malformed_run;

static void run_malformed(void *arg) {
  malformed_run *m = arg;
  m->st = load_one(m->path, m->strict, &m->D, &m->ls);
}

static void test_malformed(void **state) {
  (void)state;
  char path[1024];
  env_path(path, sizeof(path), "EMBARGO_TEST_DATA", "tests/data",
           "un/un-malformed.xml");
  for (int strict = 0; strict <= 1; strict++) {
    malformed_run m = {.path = path, .strict = strict};
    assert_int_equal(stderr_bytes_during(run_malformed, &m), 0);
    assert_int_equal(m.st, EMB_EPARSE);
    assert_null(m.ls);
    assert_int_equal(m.D.n, 1);
    assert_string_equal(m.D.d[0].sev, "error");
    assert_string_equal(m.D.d[0].file, path);
    if (strstr(m.D.d[0].msg, "malformed XML at line 9") == NULL ||
        strstr(m.D.d[0].msg, "mismatch") == NULL)
      fail_msg("message: %s", m.D.d[0].msg);
  }
}

/* Entity references are neither expanded nor fetched: the loader reads
 * only an element's own text. This goes to the loader directly, since the
 * probe already turns away a document with a DOCTYPE. */
static void test_entities_not_expanded(void **state) {
  (void)state;
  static const char doc[] =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE CONSOLIDATED_LIST [\n"
      "  <!ENTITY ext SYSTEM \"file:///etc/passwd\">\n"
      "  <!ENTITY a \"AAAAAAAAAA\">\n"
      "  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
      "]>\n"
      "<CONSOLIDATED_LIST><INDIVIDUALS>\n"
      "<INDIVIDUAL><FIRST_NAME>X&ext;</FIRST_NAME>"
      "<REFERENCE_NUMBER>1</REFERENCE_NUMBER></INDIVIDUAL>\n"
      "<INDIVIDUAL><FIRST_NAME>Y&b;</FIRST_NAME>"
      "<REFERENCE_NUMBER>2</REFERENCE_NUMBER></INDIVIDUAL>\n"
      "<INDIVIDUAL><FIRST_NAME>&b;</FIRST_NAME>"
      "<REFERENCE_NUMBER>3</REFERENCE_NUMBER></INDIVIDUAL>\n"
      "</INDIVIDUALS></CONSOLIDATED_LIST>\n";
  emb_listset *ls = calloc(1, sizeof(*ls));
  assert_non_null(ls);
  emb__src s;
  assert_int_equal(emb__src_begin(&s, ls, "entities.xml", "un-xml", NULL),
                   EMB_OK);
  assert_int_equal(emb__fmt_un_xml.load(&s, doc, sizeof(doc) - 1), EMB_OK);
  assert_int_equal(emb__src_entity_count(&s), 2);
  assert_string_equal(emb__src_entity_at(&s, 0)->names[0].text, "X");
  assert_string_equal(emb__src_entity_at(&s, 1)->names[0].text, "Y");
  assert_int_equal(s.info.skipped, 1); /* the third has no text of its own */
  emb__src_rollback(&s);
  emb_listset_free(ls);
}

static void test_real_list(void **state) {
  (void)state;
  char path[1024];
  env_path(path, sizeof(path), "EMBARGO_SHARED_DATA", "../shared/data",
           "lists/un/consolidated.xml");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  assert_int_equal(D.n, 0);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_int_equal(si->rows, 1003);
  assert_int_equal(si->entities, 1003);
  assert_int_equal(si->skipped, 0);
  assert_string_equal(si->list_date, "2026-02-27");
  size_t persons = 0, orgs = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    if (e->type == EMB_TYPE_PERSON) persons++;
    if (e->type == EMB_TYPE_ORGANIZATION) orgs++;
    assert_non_null(e->source_id);
    assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  }
  assert_int_equal(persons, 730);
  assert_int_equal(orgs, 273);

  const emb_entity *e = find(ls, "UN:CDi.003");
  assert_string_equal(e->names[0].text, "GASTON IYAMUREMYE");
  assert_true(has_name(e, "Rumuli", EMB_NAME_WEAK_ALIAS));
  assert_true(has_name(e, "Victor Rumuri", EMB_NAME_ALIAS));
  assert_string_equal(e->countries[0], "RW");
  e = find(ls, "UN:IQi.001");
  assert_true(has_name(e, "صدام حسين التكريتي", EMB_NAME_ALIAS));
  e = find(ls, "UN:CDe.001");
  assert_string_equal(e->names[0].text, "ADF");
  assert_true(has_name(e, "Allied Democratic Forces", EMB_NAME_ALIAS));
  assert_string_equal(e->countries[0], "CD");
  emb_listset_free(ls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe),
      cmocka_unit_test(test_mini),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_entities_not_expanded),
      cmocka_unit_test(test_real_list),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  /* libxml2 keeps global state; free it so valgrind reports nothing. */
  xmlCleanupParser();
  return rc;
}
