/* Unit tests: embargo's own JSON Lines entity format (docs/entity-format.md)
 * through the public loader: the probe, a good file with every field, bad
 * lines one by one (table-driven, each in a file of its own), a line past
 * 1 MiB, bad headers and a mostly bad file. */
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

/* The diagnostic for line, or NULL. */
static const diag_rec *diag_at(const diags *D, long line) {
  for (size_t i = 0; i < D->n; i++)
    if (D->d[i].line == line) return &D->d[i];
  return NULL;
}

static void data_path(char *out, size_t n, const char *rel) {
  const char *dir = getenv("EMBARGO_TEST_DATA");
  snprintf(out, n, "%s/%s", dir ? dir : "tests/data", rel);
}

/* A scratch directory for files written by the tests. */
static char tmpdir[64];

static int make_tmpdir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof(tmpdir), "/tmp/emb-jsonl-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static int remove_tmpdir(void **state) {
  (void)state;
  char p[128];
  snprintf(p, sizeof(p), "%s/case.jsonl", tmpdir);
  unlink(p);
  snprintf(p, sizeof(p), "%s/huge.jsonl", tmpdir);
  unlink(p);
  return rmdir(tmpdir);
}

static void test_probe(void **state) {
  (void)state;
  static const struct {
    const char *head;
    int want;
  } cases[] = {
      {"{\"format\":\"embargo-entities\",\"version\":1}\n", 1},
      {"\xEF\xBB\xBF{\"format\":\"embargo-entities\",\"version\":1}\n", 1},
      {"// comment\n\n  \r\n{\"version\":1,\"format\":\"embargo-entities\"}",
       1},
      {"{\"format\":\"embargo-entities\",\"version\":2}\r\n", 1},
      {"{\"format\":\"other\",\"version\":1}\n", 0},
      {"{\"id\":\"EL:x\"}\n{\"format\":\"embargo-entities\"}\n", 0},
      {"[{\"format\":\"embargo-entities\"}]\n", 0},
      {"source,name\nA,B\n", 0},
      {"// only a comment\n", 0},
      {"{\"format\":\"embargo-entities\"", 0},
      {"", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int got = emb__fmt_jsonl.probe(cases[i].head, strlen(cases[i].head));
    if (got != cases[i].want)
      fail_msg("probe case %zu: got %d, want %d", i, got, cases[i].want);
  }
}

static void test_good_file(void **state) {
  (void)state;
  char path[1024];
  data_path(path, sizeof(path), "jsonl/good.jsonl");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  assert_int_equal(D.n, 0);
  assert_int_equal(emb_listset_source_count(ls), 1);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_string_equal(si->format, "embargo-jsonl");
  assert_string_equal(si->name, "embargo test parties");
  assert_string_equal(si->list_date, "2026-11-21");
  assert_string_equal(si->date_origin, "content");
  assert_int_equal(si->rows, 4);
  assert_int_equal(si->entities, 4);
  assert_int_equal(si->skipped, 0);

  const emb_entity *e = find(ls, "EL:example-one");
  assert_string_equal(e->list, "EL");
  assert_string_equal(e->source,
                      "Entity List (EL) - Bureau of Industry and Security");
  assert_int_equal(e->type, EMB_TYPE_ORGANIZATION);
  assert_int_equal(e->n_names, 4);
  assert_string_equal(e->names[0].text, "Example Semiconductor Corporation");
  assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  assert_string_equal(e->names[1].text, "ESC");
  assert_int_equal(e->names[1].kind, EMB_NAME_ALIAS);
  assert_string_equal(e->names[2].text, "示例半导体");
  assert_int_equal(e->names[3].kind, EMB_NAME_WEAK_ALIAS);
  assert_int_equal(e->n_countries, 2);
  assert_string_equal(e->countries[0], "CN");
  assert_string_equal(e->countries[1], "HK");
  assert_int_equal(e->n_addresses, 1);
  assert_int_equal(e->n_programs, 0);
  assert_int_equal(e->n_idents, 1);
  assert_string_equal(e->idents[0], "USCC 0000000000");
  assert_string_equal(e->start_date, "2020-12-18");
  assert_null(e->end_date);
  assert_string_equal(e->license_requirement,
                      "For all items subject to the EAR");
  assert_string_equal(e->license_policy, "Presumption of denial");
  assert_string_equal(e->citation, "85 FR 83416");
  assert_int_equal(e->n_footnotes, 1);
  assert_string_equal(e->footnotes[0], "5");
  assert_int_equal(e->n_relations, 1);
  assert_string_equal(e->relations[0].kind, "parent");
  assert_string_equal(e->relations[0].target_id, "EL:example-holdings");
  assert_true(e->relations[0].share == 100.0);
  assert_string_equal(e->remarks, "Test entry.");
  assert_string_equal(e->source_url, "https://example.org/el");

  /* The header's source is the default; a share is optional. */
  e = find(ls, "EL:example-holdings");
  assert_string_equal(e->source, "embargo test parties");
  assert_int_equal(e->type, EMB_TYPE_UNKNOWN);
  assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  assert_int_equal(e->n_relations, 2);
  assert_true(e->relations[0].share == -1.0);
  assert_true(e->relations[1].share == 12.5);

  /* An explicit primary name comes first whatever its position; an
   * unverified fact is marked in the remarks. */
  e = find(ls, "MEU:example-two");
  assert_int_equal(e->type, EMB_TYPE_PERSON);
  assert_string_equal(e->names[0].text, "Person Example");
  assert_int_equal(e->names[0].kind, EMB_NAME_PRIMARY);
  assert_string_equal(e->names[1].text, "Example Alias");
  assert_string_equal(e->remarks,
                      "UNVERIFIED: The address could not be checked.");
  e = find(ls, "UVL:example-three");
  assert_int_equal(e->type, EMB_TYPE_VESSEL);
  assert_string_equal(e->remarks, "UNVERIFIED");
  emb_listset_free(ls);
}

static void test_mixed_file(void **state) {
  (void)state;
  char path[1024];
  data_path(path, sizeof(path), "jsonl/mixed.jsonl");
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_int_equal(si->rows, 10);
  assert_int_equal(si->entities, 6);
  assert_int_equal(si->skipped, 4);
  static const struct {
    long line;
    const char *has;
  } want[] = {{6, "unknown field \"nmae\""},
              {7, "field \"start_date\""},
              {8, "field \"countries[0]\""},
              {10, "column"}};
  assert_int_equal(D.n, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    const diag_rec *r = diag_at(&D, want[i].line);
    if (r == NULL) fail_msg("no report for line %ld", want[i].line);
    if (strstr(r->msg, want[i].has) == NULL)
      fail_msg("line %ld: \"%s\" lacks \"%s\"", want[i].line, r->msg,
               want[i].has);
    assert_string_equal(r->sev, "warning");
    assert_string_equal(r->file, path);
  }
  assert_null(emb_listset_find(ls, "EL:e5"));
  assert_non_null(emb_listset_find(ls, "EL:e10"));
  emb_listset_free(ls);
}

#define HEADER "{\"format\":\"embargo-entities\",\"version\":1}\n"
#define GOOD(n)                                      \
  "{\"id\":\"EL:g" #n                                \
  "\",\"list\":\"EL\",\"names\":[{\"name\":\"G\"}]," \
  "\"citation\":\"c\"}\n"
#define LINE(extra)                                                \
  "{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\"}]," \
  "\"citation\":\"c\"" extra "}"

/* A record of dated terms from `from` until `until` (JSON text). */
#define TERMS(from, until, extra)           \
  "{\"from\":\"" from "\",\"until\":" until \
  ",\"license_policy\":\"P\",\"citation\":\"c\"" extra "}"

static void test_bad_lines(void **state) {
  (void)state;
  static char long_name[2048];
  memset(long_name, 'A', sizeof(long_name) - 1);
  static const struct {
    const char *line; /* "%s" in it is replaced by a 2,047-byte name */
    const char *has;
  } cases[] = {
      {LINE(",\"foo\":1"), "unknown field \"foo\""},
      {LINE(",\"countries\":[\"cn\"]"), "countries[0]"},
      {LINE(",\"countries\":[\"CHN\"]"), "countries[0]"},
      {LINE(",\"countries\":[\"China\"]"), "countries[0]"},
      {LINE(",\"countries\":[\"XX\"]"), "not an ISO 3166-1 alpha-2"},
      {LINE(",\"countries\":\"CN\""), "field \"countries\""},
      {LINE(",\"start_date\":\"2020/01/01\""), "field \"start_date\""},
      {LINE(",\"start_date\":\"2021-02-29\""), "field \"start_date\""},
      {LINE(",\"end_date\":20200101"), "field \"end_date\""},
      {LINE(",\"type\":\"company\""), "field \"type\""},
      {LINE(",\"verified\":\"yes\""), "field \"verified\""},
      {LINE(",\"remarks\":null"), "field \"remarks\""},
      {LINE(",\"addresses\":\"1 Road\""), "field \"addresses\""},
      {LINE(",\"programs\":[1]"), "field \"programs[0]\""},
      {LINE(",\"relations\":[{\"kind\":\"owner\",\"target\":\"EL:x\"}]"),
       "relations[0].kind"},
      {LINE(",\"relations\":[{\"kind\":\"parent\",\"target\":\"EL:x\","
            "\"share\":150}]"),
       "relations[0].share"},
      {LINE(",\"relations\":[{\"kind\":\"parent\"}]"), "relations[0].target"},
      {LINE(",\"relations\":[{\"kind\":\"parent\",\"target\":\"EL:x\","
            "\"pct\":1}]"),
       "unknown field \"relations[0].pct\""},
      {LINE(",\"citation\":\"d\""), "duplicate object key"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\"}]}",
       "field \"citation\": missing"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\"}],"
       "\"citation\":\"  \"}",
       "field \"citation\": missing or empty"},
      {"{\"list\":\"EL\",\"names\":[{\"name\":\"B\"}],\"citation\":\"c\"}",
       "field \"id\""},
      {"{\"id\":\"b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\"}],"
       "\"citation\":\"c\"}",
       "LIST:key"},
      {"{\"id\":\"EL:g1\",\"list\":\"EL\",\"names\":[{\"name\":\"B\"}],"
       "\"citation\":\"c\"}",
       "already used"},
      {"{\"id\":\"EL:b\",\"list\":5,\"names\":[{\"name\":\"B\"}],"
       "\"citation\":\"c\"}",
       "field \"list\""},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[],\"citation\":\"c\"}",
       "at least one name"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\","
       "\"kind\":\"main\"}],\"citation\":\"c\"}",
       "names[0].kind"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\","
       "\"kind\":\"alias\"}],\"citation\":\"c\"}",
       "no primary name"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\" \"}],"
       "\"citation\":\"c\"}",
       "names[0].name\": empty"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\","
       "\"script\":\"Hanzi\"}],\"citation\":\"c\"}",
       "names[0].script"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"nam\":\"B\"}],"
       "\"citation\":\"c\"}",
       "names[0].nam"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"%s\"}],"
       "\"citation\":\"c\"}",
       "names[0].name\": longer than"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"B\\u0000\"}],"
       "\"citation\":\"c\"}",
       "column"},
      {"{\"id\":\"EL:b\",\"list\":\"EL\",\"names\":[{\"name\":\"\xC3\x28\"}],"
       "\"citation\":\"c\"}",
       "column"},
      {"[1,2]", "not a JSON object"},
      {"{\"id\":", "column"},
      /* Dated terms (docs/entity-format.md, "terms"). */
      {LINE(",\"terms\":{}"), "field \"terms\": not an array"},
      {LINE(",\"terms\":[1]"), "field \"terms[0]\": not an object"},
      {LINE(",\"terms\":[" TERMS("2020-02-30", "null", "") "]"),
       "field \"terms[0].from\": not a date"},
      {LINE(",\"terms\":[" TERMS("2020/01/01", "null", "") "]"),
       "field \"terms[0].from\": not a date"},
      {LINE(",\"terms\":[" TERMS("2020-01-01", "\"2021-13-01\"", "") "]"),
       "field \"terms[0].until\": not a date"},
      {LINE(",\"terms\":[" TERMS("2020-01-01", "\"2019-12-31\"", "") "]"),
       "terms[0].until\": 2019-12-31 is before from"},
      {LINE(
           ",\"terms\":[" TERMS("2020-01-01", "null", ",\"policy\":\"x\"") "]"),
       "unknown field \"terms[0].policy\""},
      {LINE(",\"terms\":[{\"until\":\"2020-01-01\",\"license_policy\":\"P\","
            "\"citation\":\"c\"}]"),
       "field \"terms[0].from\": missing"},
      {LINE(",\"terms\":[{\"from\":\"2020-01-01\",\"license_policy\":\"P\"}]"),
       "field \"terms[0].citation\": missing"},
      {LINE(",\"terms\":[{\"from\":\"2020-01-01\",\"citation\":\"c\"}]"),
       "needs license_requirement or license_policy"},
      {LINE(",\"terms\":[" TERMS("2020-01-01", "null", ",\"verified\":0") "]"),
       "field \"terms[0].verified\": not a boolean"},
      {LINE(",\"terms\":[" TERMS("2020-01-01", "null",
                                 ",\"footnotes\":[5]") "]"),
       "field \"terms[0].footnotes[0]\": not a string"},
      /* Overlaps: a shared day, an open-ended record before another. */
      {LINE(",\"terms\":[" TERMS("2020-01-01", "\"2020-06-30\"", "") "," TERMS(
           "2020-06-30", "null", "") "]"),
       "field \"terms[1].from\": 2020-06-30 overlaps terms[0]"},
      {LINE(",\"terms\":[" TERMS("2020-01-01", "null", "") "," TERMS(
           "2021-01-01", "null", "") "]"),
       "overlaps terms[0] (2020-01-01..open)"},
      {LINE(",\"terms\":[" TERMS("2021-01-01", "null", "") "," TERMS(
           "2020-01-01", "\"2020-12-31\"", "") "]"),
       "records must be in date order"},
  };
  char path[128];
  snprintf(path, sizeof(path), "%s/case.jsonl", tmpdir);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char line[4096], data[8192];
    snprintf(line, sizeof(line), cases[i].line, long_name);
    int n = snprintf(data, sizeof(data), "%s%s%s%s\n", HEADER, GOOD(1), GOOD(2),
                     line);
    write_file(path, data, (size_t)n);
    diags D = {.n = 0};
    emb_listset *ls = NULL;
    emb_status st = load_one(path, 1, &D, &ls);
    if (st != EMB_OK) fail_msg("case %zu: %s", i, emb_strerror(st));
    const emb_source_info *si = emb_listset_source(ls, 0);
    if (si->entities != 2 || si->skipped != 1 || D.n != 1 || D.d[0].line != 4 ||
        strstr(D.d[0].msg, cases[i].has) == NULL)
      fail_msg(
          "case %zu: %zu entities, %zu skipped; report at line %ld: "
          "\"%s\", want \"%s\"",
          i, si->entities, si->skipped, D.n ? D.d[0].line : 0,
          D.n ? D.d[0].msg : "", cases[i].has);
    emb_listset_free(ls);
  }
}

static void test_huge_line(void **state) {
  (void)state;
  /* A line of 1 MiB + 1 bytes between two good lines. */
  size_t big = (size_t)1024 * 1024 + 1;
  const char *head = HEADER GOOD(1);
  const char *tail = GOOD(2) GOOD(3);
  size_t hl = strlen(head), tl = strlen(tail);
  char *data = malloc(hl + big + 1 + tl);
  assert_non_null(data);
  memcpy(data, head, hl);
  memset(data + hl, ' ', big);
  data[hl] = '{';
  data[hl + big - 1] = '}';
  data[hl + big] = '\n';
  memcpy(data + hl + big + 1, tail, tl);
  char path[128];
  snprintf(path, sizeof(path), "%s/huge.jsonl", tmpdir);
  write_file(path, data, hl + big + 1 + tl);
  free(data);
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  const emb_source_info *si = emb_listset_source(ls, 0);
  assert_int_equal(si->entities, 3);
  assert_int_equal(si->skipped, 1);
  assert_int_equal(D.n, 1);
  assert_int_equal(D.d[0].line, 3);
  assert_non_null(strstr(D.d[0].msg, "longer than 1 MiB"));
  emb_listset_free(ls);
}

static void test_rejected_files(void **state) {
  (void)state;
  static const struct {
    const char *file;
    emb_status want;
    const char *has;
  } cases[] = {
      {"jsonl/bad-header.jsonl", EMB_EFORMAT, "unknown field \"extra\""},
      {"jsonl/bad-version.jsonl", EMB_EFORMAT, "version"},
      {"jsonl/mostly-bad.jsonl", EMB_EMOSTLYBAD, "2 of 3 rows"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char path[1024];
    data_path(path, sizeof(path), cases[i].file);
    for (int strict = 0; strict <= 1; strict++) {
      diags D = {.n = 0};
      emb_listset *ls = NULL;
      emb_status st = load_one(path, strict, &D, &ls);
      assert_null(ls);
      if (st != cases[i].want)
        fail_msg("%s: got %s", cases[i].file, emb_strerror(st));
      const diag_rec *r = diag_at(&D, 0);
      assert_non_null(r);
      assert_string_equal(r->sev, "error");
      if (strstr(r->msg, cases[i].has) == NULL)
        fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].file, r->msg,
                 cases[i].has);
    }
  }
}

/* A history of terms: loaded in order, with its footnotes, citation and
 * unverified mark, and found by date with emb_entity_terms_at. */
static void test_terms(void **state) {
  (void)state;
  const char *data = HEADER
      "{\"id\":\"EL:t\",\"list\":\"EL\",\"names\":[{\"name\":\"T\"}],"
      "\"citation\":\"now\",\"license_policy\":\"Current\","
      "\"footnotes\":[\"5\"],\"terms\":["
      "{\"from\":\"2019-05-16\",\"until\":\"2020-08-16\","
      "\"license_requirement\":\" Old requirement \","
      "\"license_policy\":\"Old\",\"footnotes\":[\"1\",\"1\",\" \"],"
      "\"citation\":\"84 FR 22961\"},"
      "{\"from\":\"2020-08-17\",\"until\":null,\"license_policy\":\"Mid\","
      "\"citation\":\"85 FR 51596\",\"verified\":false,"
      "\"remarks\":\"secondary only\"}]}\n"
      "{\"id\":\"EL:u\",\"list\":\"EL\",\"names\":[{\"name\":\"U\"}],"
      "\"citation\":\"c\",\"terms\":[{\"verified\":false,"
      "\"from\":\"2020-01-01\",\"license_policy\":\"P\","
      "\"citation\":\"c\"}]}\n"
      "{\"id\":\"EL:v\",\"list\":\"EL\",\"names\":[{\"name\":\"V\"}],"
      "\"citation\":\"c\",\"terms\":[]}\n";
  char path[128];
  snprintf(path, sizeof(path), "%s/case.jsonl", tmpdir);
  write_file(path, data, strlen(data));
  diags D = {.n = 0};
  emb_listset *ls = NULL;
  assert_int_equal(load_one(path, 1, &D, &ls), EMB_OK);
  if (D.n) fail_msg("line %ld: %s", D.d[0].line, D.d[0].msg);
  const emb_entity *e = find(ls, "EL:t");
  assert_int_equal(e->n_terms, 2);
  const emb_terms *t = &e->terms[0];
  assert_string_equal(t->from, "2019-05-16");
  assert_string_equal(t->until, "2020-08-16");
  assert_string_equal(t->license_requirement, "Old requirement");
  assert_string_equal(t->license_policy, "Old");
  /* Footnotes are trimmed and deduplicated as the entity's are. */
  assert_int_equal(t->n_footnotes, 1);
  assert_string_equal(t->footnotes[0], "1");
  assert_string_equal(t->citation, "84 FR 22961");
  assert_true(t->verified);
  assert_null(t->remarks);
  t = &e->terms[1];
  assert_null(t->until);
  assert_null(t->license_requirement);
  assert_int_equal(t->n_footnotes, 0);
  assert_false(t->verified);
  assert_string_equal(t->remarks, "UNVERIFIED: secondary only");
  /* The top-level terms stay the current ones. */
  assert_string_equal(e->license_policy, "Current");
  assert_int_equal(e->n_footnotes, 1);
  /* Lookup by date: before, on each boundary, between, and open-ended. */
  static const struct {
    const char *date;
    int want; /* index of the record, or -1 for none */
  } at[] = {{"2019-05-15", -1}, {"2019-05-16", 0}, {"2020-01-01", 0},
            {"2020-08-16", 0},  {"2020-08-17", 1}, {"2030-01-01", 1}};
  for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
    const emb_terms *got = emb_entity_terms_at(e, at[i].date);
    const emb_terms *want = at[i].want < 0 ? NULL : &e->terms[at[i].want];
    if (got != want) fail_msg("terms at %s: wrong record", at[i].date);
  }
  assert_null(emb_entity_terms_at(e, NULL));
  /* "verified" before "remarks" or without them still marks the record. */
  e = find(ls, "EL:u");
  assert_int_equal(e->n_terms, 1);
  assert_string_equal(e->terms[0].remarks, "UNVERIFIED");
  assert_null(emb_entity_terms_at(e, "2019-12-31"));
  assert_ptr_equal(emb_entity_terms_at(e, "2020-01-01"), &e->terms[0]);
  /* An empty history is no history. */
  e = find(ls, "EL:v");
  assert_int_equal(e->n_terms, 0);
  assert_null(emb_entity_terms_at(e, "2020-01-01"));
  emb_listset_free(ls);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probe),      cmocka_unit_test(test_good_file),
      cmocka_unit_test(test_mixed_file), cmocka_unit_test(test_bad_lines),
      cmocka_unit_test(test_huge_line),  cmocka_unit_test(test_rejected_files),
      cmocka_unit_test(test_terms),
  };
  return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
