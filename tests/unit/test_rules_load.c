/* Unit tests: loading a rules directory (docs/rules.md) through the public
 * loader: the fixture set in tests/data/rules/good, then broken packs
 * (table-driven, each from tests/data/rules/bad, copied next to the good
 * reference data in a scratch directory) and broken reference files, each
 * an error that names the file, the line and the field, with the whole
 * load failing. */
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

#include "../../src/lib/rules/rules_internal.h"
#include "embargo/embargo.h"

typedef struct diag_rec {
  char file[512];
  long line;
  char msg[700];
} diag_rec;

typedef struct diags {
  diag_rec d[64];
  size_t n;
} diags;

static void on_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg) {
  diags *D = ud;
  assert_string_equal(sev, "error");
  if (D->n >= sizeof(D->d) / sizeof(D->d[0])) return;
  diag_rec *r = &D->d[D->n++];
  snprintf(r->file, sizeof(r->file), "%s", file ? file : "");
  r->line = line;
  snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

static void data_path(char *out, size_t n, const char *rel) {
  const char *dir = getenv("EMBARGO_TEST_DATA");
  snprintf(out, n, "%s/%s", dir ? dir : "tests/data", rel);
}

static char tmpdir[64];

static int make_tmpdir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof(tmpdir), "/tmp/emb-rules-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void write_file(const char *path, const char *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static void copy_file(const char *from, const char *to) {
  size_t len;
  char *data = slurp(from, &len);
  write_file(to, data, len);
  free(data);
}

static const char *const ref_files[] = {
    "country-groups.json", "country-chart.json", "eccn.jsonl", "fr-dates.json"};

/* A fresh rules directory under the scratch directory holding the good
 * reference data (one file may be replaced), and no pack. */
static void fresh_dir(char *dir, size_t n, const char *name,
                      const char *ref_name, const char *ref_text) {
  snprintf(dir, n, "%s/%s", tmpdir, name);
  char sub[600], from[600], to[700];
  assert_int_equal(mkdir(dir, 0755), 0);
  snprintf(sub, sizeof(sub), "%s/ref", dir);
  assert_int_equal(mkdir(sub, 0755), 0);
  for (size_t i = 0; i < 4; i++) {
    snprintf(to, sizeof(to), "%s/%s", sub, ref_files[i]);
    if (ref_name && strcmp(ref_name, ref_files[i]) == 0) {
      write_file(to, ref_text, strlen(ref_text));
      continue;
    }
    char rel[200];
    snprintf(rel, sizeof(rel), "rules/good/ref/%s", ref_files[i]);
    data_path(from, sizeof(from), rel);
    copy_file(from, to);
  }
}

static void test_good_set(void **state) {
  (void)state;
  char dir[512];
  data_path(dir, sizeof(dir), "rules/good");
  diags D = {0};
  emb_load_opts o = {on_diag, &D, 0};
  emb_ruleset *rs = NULL;
  assert_int_equal(emb_ruleset_load(dir, &o, &rs), EMB_OK);
  assert_int_equal(D.n, 0);
  assert_int_equal(emb_ruleset_pack_count(rs), 3);
  assert_int_equal(emb_ruleset_rule_count(rs), 14);
  /* Packs load in path order: items, parties, subject. */
  const emb_rule_pack_info *p = emb_ruleset_pack(rs, 0);
  assert_string_equal(p->pack, "items");
  assert_string_equal(p->regime, "US-EAR");
  assert_int_equal(p->rules, 6);
  assert_int_equal(strlen(p->sha256), 64);
  assert_non_null(strstr(p->path, "us-ear/items.jsonl"));
  assert_int_equal(emb_ruleset_ref_count(rs), 4);
  const emb_ref_info *r = emb_ruleset_ref(rs, 2);
  assert_string_equal(r->name, "eccn");
  assert_int_equal(r->records, 6);
  assert_string_equal(r->as_of, "2026-07-23");
  assert_string_equal(emb_ruleset_ref(rs, 0)->citation,
                      "15 CFR Part 740, Supp. No. 1");
  assert_int_equal(emb_ruleset_ref(rs, 3)->records, 3);
  assert_string_equal(emb_ruleset_ref_as_of(rs), "2026-07-23");
  emb_rule_info ri;
  int seen = 0;
  for (size_t i = 0; i < emb_ruleset_rule_count(rs); i++) {
    emb_ruleset_rule(rs, i, &ri);
    if (strcmp(ri.id, "fx-iran-old") == 0) {
      assert_string_equal(ri.kind, "embargo");
      assert_string_equal(ri.effective_from, "1996-04-24");
      assert_string_equal(ri.effective_until, "2019-12-31");
      assert_int_equal(ri.line, 4);
      seen++;
    }
    if (strcmp(ri.id, "fx-smic-letter") == 0) {
      assert_int_equal(ri.verified, 0);
      assert_string_equal(ri.remarks, "Letters not public.");
      assert_null(ri.effective_until);
      seen++;
    }
  }
  assert_int_equal(seen, 2);
  emb_ruleset_free(rs);
}

/* One broken pack: file, line and the field named in the message. */
typedef struct bad_case {
  const char *file;
  long line;
  const char *needle; /* in the message */
  int with_good;      /* also load the good party pack */
} bad_case;

static const bad_case bad_packs[] = {
    {"unknown-kind", 3,
     "field \"kind\": \"listed_parties\" is not a rule "
     "kind",
     0},
    {"unknown-field", 3, "field \"effective\": unknown field", 0},
    {"unknown-param", 3, "field \"params.list\": unknown field", 0},
    {"bad-date", 3, "field \"effective_from\": not a calendar date", 0},
    {"unknown-country", 3,
     "field \"params.destinations.countries[1]\": \"XX\" is not an ISO", 0},
    {"unknown-group", 3,
     "field \"params.destinations.groups[0]\": \"D:9\" is not a country "
     "group",
     0},
    {"unknown-eccn", 3,
     "field \"params.items.eccns[1]\": ECCN 4A994 is not in ref/eccn.jsonl", 0},
    {"duplicate-id", 3, "field \"id\": \"ok-rule\" is already the id", 0},
    {"cross-duplicate", 3, "parties.jsonl:3", 1},
    {"missing-field", 3, "field \"citation\": missing", 0},
    {"until-before-from", 3, "field \"effective_until\": before", 0},
    {"bad-role", 3, "field \"params.roles[0]\": not a role", 0},
    {"wrong-type", 3, "field \"exceptions\": not an array", 0},
    {"bad-determination", 3, "field \"params.determination\": not", 0},
    {"bad-json", 3, "column", 0},
    {"bad-id", 3, "field \"id\": not a rule id", 0},
    {"bad-header", 1, "field \"format\": not \"embargo-rules\"", 0},
};

static void test_bad_packs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(bad_packs) / sizeof(bad_packs[0]); i++) {
    const bad_case *t = &bad_packs[i];
    char dir[512], from[600], to[700], rel[200];
    fresh_dir(dir, sizeof(dir), t->file, NULL, NULL);
    snprintf(rel, sizeof(rel), "rules/bad/%s.jsonl", t->file);
    data_path(from, sizeof(from), rel);
    snprintf(to, sizeof(to), "%s/%s.jsonl", dir, t->file);
    copy_file(from, to);
    if (t->with_good) {
      data_path(from, sizeof(from), "rules/good/us-ear/parties.jsonl");
      snprintf(to, sizeof(to), "%s/a-parties.jsonl", dir);
      copy_file(from, to);
    }
    diags D = {0};
    emb_load_opts o = {on_diag, &D, 0};
    emb_ruleset *rs = (emb_ruleset *)&D; /* must be reset to NULL */
    emb_status st = emb_ruleset_load(dir, &o, &rs);
    if (st != EMB_EPARSE || rs != NULL)
      fail_msg("%s: status %s", t->file, emb_status_name(st));
    int found = 0, rejected = 0;
    for (size_t k = 0; k < D.n; k++) {
      if (strstr(D.d[k].file, t->file) == NULL) continue;
      if (D.d[k].line == t->line && strstr(D.d[k].msg, t->needle)) found = 1;
      if (D.d[k].line == 0 && strstr(D.d[k].msg, "pack rejected")) rejected = 1;
    }
    if (!found || !rejected) {
      for (size_t k = 0; k < D.n; k++)
        print_message("%s:%ld: %s\n", D.d[k].file, D.d[k].line, D.d[k].msg);
      fail_msg("%s: no error at line %ld with \"%s\" (rejected %d)", t->file,
               t->line, t->needle, rejected);
    }
  }
}

/* One broken reference file. */
typedef struct bad_ref {
  const char *file;
  const char *text;
  long line; /* -1: any */
  const char *needle;
} bad_ref;

static const bad_ref bad_refs[] = {
    {"country-groups.json",
     "{\"as_of\":\"2026-07-23\",\n\"groups\":{\"A:1\":[\"DE\"],\n"
     "\"D:5\":[\"CN\",\"XX\"]}}",
     3, "field \"groups.D:5[1]\": \"XX\" is not an ISO"},
    {"country-groups.json", "{\"groups\":{\"A:1\":[\"DE\"]}}", 1,
     "field \"as_of\": missing"},
    {"country-groups.json", "{\"as_of\":\"2026-07-23\",\"group\":{}}", 1,
     "field \"group\": unknown field"},
    {"country-chart.json",
     "{\"as_of\":\"2026-07-23\",\"columns\":[\"NS1\",\"RS1\"],\n"
     "\"countries\":{\"CN\":[\"NS1\",\"XY9\"]}}",
     2, "field \"countries.CN[1]\": not one of the chart's columns"},
    {"country-chart.json",
     "{\"as_of\":\"2026-07-23\",\"columns\":[\"NS1\"],\"countries\":"
     "{\"CN\":[]},\n\"same_as\":{\"HK\":\"ZZ\"}}",
     2, "field \"same_as.HK\""},
    {"eccn.jsonl",
     "{\"format\":\"embargo-eccn\",\"version\":1,\"as_of\":\"2026-07-23\"}\n"
     "{\"eccn\":\"3A001\",\"controls\":[]}\n"
     "{\"eccn\":\"3A001\",\"controls\":[]}\n",
     3, "field \"eccn\": 3A001 given twice"},
    {"eccn.jsonl",
     "{\"format\":\"embargo-eccn\",\"version\":1,\"as_of\":\"2026-07-23\"}\n"
     "{\"eccn\":\"3A001\",\"controls\":[{\"reason\":\"NS\",\"column\":"
     "\"RS1\"}]}\n",
     2, "field \"controls[0].column\": column RS1 does not belong"},
    {"eccn.jsonl",
     "{\"format\":\"embargo-eccn\",\"version\":1,\"as_of\":\"2026-07-23\"}\n"
     "{\"eccn\":\"3A001\",\"controls\":[{\"reason\":\"NS\"}]}\n",
     2, "field \"controls[0]\": needs exactly one of"},
    {"eccn.jsonl",
     "{\"format\":\"embargo-eccn\",\"version\":1,\"as_of\":\"2026-07-23\"}\n"
     "{\"eccn\":\"3A001\",\"controls\":[{\"reason\":\"RS\",\"destinations\":"
     "{\"groups\":[\"D:5\"]},\"paragraphs\":\".a..b\"}]}\n",
     2, "field \"controls[0].paragraphs\""},
    {"eccn.jsonl",
     "{\"format\":\"embargo-eccn\",\"version\":1,\"as_of\":\"2026-07-23\"}\n"
     "{\"eccn\":\"3a001\",\"controls\":[]}\n",
     2, "field \"eccn\": write it in upper case"},
    {"fr-dates.json",
     "{\"documents\":[\n{\"volume\":85,\"first_page\":10,\"last_page\":5,"
     "\"published\":\"2020-01-01\"}]}",
     1, "field \"documents[0].last_page\": before first_page"},
    {"fr-dates.json",
     "{\"documents\":[{\"volume\":85,\"first_page\":1,\"last_page\":5,"
     "\"published\":\"2020-01-01\"},{\"volume\":85,\"first_page\":5,"
     "\"last_page\":9,\"published\":\"2020-01-02\"}]}",
     -1, "overlap"},
};

static void test_bad_refs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(bad_refs) / sizeof(bad_refs[0]); i++) {
    const bad_ref *t = &bad_refs[i];
    char dir[512], name[32], from[600], to[700];
    snprintf(name, sizeof(name), "ref-%zu", i);
    fresh_dir(dir, sizeof(dir), name, t->file, t->text);
    data_path(from, sizeof(from), "rules/good/us-ear/items.jsonl");
    snprintf(to, sizeof(to), "%s/items.jsonl", dir);
    copy_file(from, to);
    diags D = {0};
    emb_load_opts o = {on_diag, &D, 0};
    emb_ruleset *rs = NULL;
    emb_status st = emb_ruleset_load(dir, &o, &rs);
    assert_null(rs);
    if (st != EMB_EPARSE) fail_msg("case %zu: %s", i, emb_status_name(st));
    int found = 0;
    for (size_t k = 0; k < D.n; k++)
      if (strstr(D.d[k].file, t->file) &&
          (t->line < 0 || D.d[k].line == t->line) &&
          strstr(D.d[k].msg, t->needle))
        found = 1;
    if (!found) {
      for (size_t k = 0; k < D.n; k++)
        print_message("%s:%ld: %s\n", D.d[k].file, D.d[k].line, D.d[k].msg);
      fail_msg("case %zu (%s): no \"%s\" at line %ld", i, t->file, t->needle,
               t->line);
    }
  }
}

static void test_missing_and_empty(void **state) {
  (void)state;
  diags D = {0};
  emb_load_opts o = {on_diag, &D, 0};
  emb_ruleset *rs = NULL;
  /* No directory at all, and a directory without reference data. */
  assert_int_equal(emb_ruleset_load("/nonexistent/rules", &o, &rs),
                   EMB_ENOTFOUND);
  assert_null(rs);
  char dir[512];
  snprintf(dir, sizeof(dir), "%s/noref", tmpdir);
  assert_int_equal(mkdir(dir, 0755), 0);
  assert_int_equal(emb_ruleset_load(dir, NULL, &rs), EMB_ENOTFOUND);
  /* Reference data but no pack. */
  fresh_dir(dir, sizeof(dir), "nopacks", NULL, NULL);
  D.n = 0;
  assert_int_equal(emb_ruleset_load(dir, &o, &rs), EMB_EEMPTY);
  assert_null(rs);
  assert_true(D.n >= 1);
  assert_int_equal(emb_ruleset_load("", &o, &rs), EMB_EINVAL);
  emb_ruleset_free(NULL);
}

/* The built-in rules (data/rules), when the data engineer's files are
 * there: they must load without a single error. */
static void test_builtin_rules(void **state) {
  (void)state;
  const char *dir = emb_default_rules_dir();
  char probe[600];
  snprintf(probe, sizeof(probe), "%s/ref/eccn.jsonl", dir);
  if (access(probe, R_OK) != 0) skip();
  diags D = {0};
  emb_load_opts o = {on_diag, &D, 0};
  emb_ruleset *rs = NULL;
  emb_status st = emb_ruleset_load(dir, &o, &rs);
  for (size_t k = 0; k < D.n; k++)
    print_message("%s:%ld: %s\n", D.d[k].file, D.d[k].line, D.d[k].msg);
  assert_int_equal(st, EMB_OK);
  assert_true(emb_ruleset_rule_count(rs) > 10);
  emb_ruleset_free(rs);
}

/* The codes rules speak in: ECCNs, paragraphs, dates, countries. */
static void test_codes(void **state) {
  (void)state;
  static const struct {
    const char *s;
    int ok;
    const char *name;
    size_t para_off;
  } eccns[] = {
      {"3A090", 1, "3A090", 5}, {"3a090.c", 1, "3A090", 6},
      {"EAR99", 1, "EAR99", 5}, {"ear99", 1, "EAR99", 5},
      {"0Y521", 1, "0Y521", 5}, {"3A001.z.1.a", 1, "3A001", 6},
      {"9Z999", 0, NULL, 0},    {"3A09", 0, NULL, 0},
      {"3A090.", 0, NULL, 0},   {"3A090..c", 0, NULL, 0},
      {"3A090c", 0, NULL, 0},   {"EAR99.a", 0, NULL, 0},
      {"3A0900", 0, NULL, 0},   {"A3090", 0, NULL, 0},
  };
  for (size_t i = 0; i < sizeof(eccns) / sizeof(eccns[0]); i++) {
    int code = -1;
    size_t off = 99;
    int ok = emb__eccn_parse(eccns[i].s, strlen(eccns[i].s), &code, &off);
    if (ok != eccns[i].ok) fail_msg("%s: parse gave %d", eccns[i].s, ok);
    if (!ok) continue;
    char name[6];
    emb__eccn_name(code, name);
    assert_string_equal(name, eccns[i].name);
    assert_int_equal(off, eccns[i].para_off);
  }
  static const struct {
    const char *a, *b;
    int match;
  } paras[] = {
      {"c", "c", 1},   {".c", "c", 1},     {"", "a.4", 1}, {"a", "a.4", 1},
      {"a.4", "a", 1}, {"a.4", "a.1", 0},  {"a", "b", 0},  {"a.1", "a.10", 0},
      {"z", "Z.1", 1}, {"a.4", "a.40", 0},
  };
  for (size_t i = 0; i < sizeof(paras) / sizeof(paras[0]); i++)
    if (emb__para_match(paras[i].a, strlen(paras[i].a), paras[i].b,
                        strlen(paras[i].b)) != paras[i].match)
      fail_msg("paragraphs %s / %s", paras[i].a, paras[i].b);
  emb__day d;
  assert_true(emb__day_parse("2024-02-29", 10, &d) && d == 20240229);
  assert_false(emb__day_parse("2023-02-29", 10, &d));
  assert_false(emb__day_parse("2023-2-28", 9, &d));
  assert_false(emb__day_parse("2023/02/28", 10, &d));
  char out[11];
  emb__day_format(20201218, out);
  assert_string_equal(out, "2020-12-18");
  assert_true(emb__day_today() > 20200101);
  assert_int_equal(emb__cc("CN", 2), EMB__CC('C', 'N'));
  assert_int_equal(emb__cc("cn", 2), -1);
  assert_int_equal(emb__cc("XX", 2), -1);
  assert_int_equal(emb__cc("CHN", 3), -1);
  emb__cc_str(EMB__CC('H', 'K'), out);
  assert_string_equal(out, "HK");
}

/* Federal Register citations to listing dates (ref/fr-dates.json). */
static void test_fr_dates(void **state) {
  (void)state;
  char dir[512];
  data_path(dir, sizeof(dir), "rules/good");
  emb_ruleset *rs = NULL;
  assert_int_equal(emb_ruleset_load(dir, NULL, &rs), EMB_OK);
  static const struct {
    const char *citation;
    const char *date; /* NULL: none found */
  } cases[] = {
      {"85 FR 83420", "2020-12-18"},
      {"85 FR 83416 (effective 2020-12-18), 85 FR 83420; revised 89 FR "
       "96837",
       "2020-12-18"},
      {"89 FR 96837; 84 FR 22963", "2019-05-16"},
      {"84  F.R.  22961 5/21/19", "2019-05-16"},
      {"89 FR 96830", "2024-12-05"}, /* no effective date: published */
      {"85 FR 83433", NULL},         /* past the document's last page */
      {"1234 FR 5", NULL},
      {"FR 83420", NULL},
      {"85 FR", NULL},
      {"85FR 83420", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const emb__frdoc *doc = emb__ref_fr_first(&rs->ref, cases[i].citation);
    if ((doc == NULL) != (cases[i].date == NULL) ||
        (doc && strcmp(doc->date, cases[i].date) != 0))
      fail_msg("\"%s\": %s", cases[i].citation, doc ? doc->date : "none");
  }
  assert_null(emb__ref_fr_first(&rs->ref, NULL));
  emb_ruleset_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_set),
      cmocka_unit_test(test_bad_packs),
      cmocka_unit_test(test_bad_refs),
      cmocka_unit_test(test_missing_and_empty),
      cmocka_unit_test(test_builtin_rules),
      cmocka_unit_test(test_codes),
      cmocka_unit_test(test_fr_dates),
  };
  int rc = cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
  emb_cleanup();
  return rc;
}
