/* Unit tests: `lists update` without the network (src/lib/update): the
 * sources file, the URL policy, file names, the manifest, the journal's
 * roll forward and roll back, downloads refused before any connection,
 * and the shipped data/sources.json. The integration tests
 * (update_lists.sh, update_refuse.sh) cover real transfers on loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka.h needs the standard headers above before it. */
/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "../../src/lib/update/update_internal.h"
#include "embargo/embargo.h"
#include "embargo/update.h"

#define GOOD_ENTRY                                                       \
  "{\"id\": \"a\", \"url\": \"https://example.org/a.csv\", \"format\": " \
  "\"csl-csv\", \"file\": \"a.csv\"}"

typedef struct parse_case {
  const char *json;
  emb_status want;
  const char *err; /* substring of the message, or NULL */
} parse_case;

static const parse_case parse_cases[] = {
    {"{\"sources\": [" GOOD_ENTRY "]}", EMB_OK, NULL},
    {"", EMB_EPARSE, "line 1"},
    {"[]", EMB_EPARSE, "non-empty array \"sources\""},
    {"{\"sources\": []}", EMB_EPARSE, "non-empty array"},
    {"{\"sources\": [1]}", EMB_EPARSE, "sources[0]: not an object"},
    {"{\"sources\": [{\"id\": \"a\"}]}", EMB_EPARSE,
     "sources[0]: field \"url\" is missing"},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"nope\", \"file\": \"a.csv\"}]}",
     EMB_EPARSE, "unknown \"format\" \"nope\""},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"../a.csv\"}]}",
     EMB_EPARSE, "plain file name"},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \".manifest\"}]}",
     EMB_EPARSE, "plain file name"},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"http://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"a.xml\"}]}",
     EMB_EPARSE, "loopback"},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"ftp://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"a.xml\"}]}",
     EMB_EPARSE, "\"url\""},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"a.xml\", \"min_rows\": -1}]}",
     EMB_EPARSE, "\"min_rows\""},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"a.xml\", \"sha256\": \"AB\"}]}",
     EMB_EPARSE, "\"sha256\""},
    {"{\"sources\": [{\"id\": \"a\", \"url\": \"https://x.org/a\", "
     "\"format\": \"un-xml\", \"file\": \"a.xml\", \"optional\": 1}]}",
     EMB_EPARSE, "\"optional\""},
    {"{\"sources\": [" GOOD_ENTRY ", " GOOD_ENTRY "]}", EMB_EPARSE,
     "id \"a\" is given twice"},
    {"{\"sources\": [" GOOD_ENTRY
     ", {\"id\": \"b\", \"url\": \"https://x.org/b\", \"format\": "
     "\"csl-csv\", \"file\": \"a.csv\"}]}",
     EMB_EPARSE, "file \"a.csv\" is given twice"},
    {"{\"sources\": [{\"id\": \"a\", \"group\": \"g\", \"url\": "
     "\"https://x.org/a\", \"format\": \"ofac-sdn-csv\", \"file\": "
     "\"sdn.csv\"}, {\"id\": \"b\", \"group\": \"g\", \"url\": "
     "\"https://x.org/b\", \"format\": \"un-xml\", \"file\": \"b.csv\"}]}",
     EMB_EPARSE, "same format"},
    {"{\"sources\": [{\"id\": \"a\", \"id\": \"b\"}]}", EMB_EPARSE,
     "duplicate"},
};

static void test_sources_parse(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
    const parse_case *c = &parse_cases[i];
    emb__upd_sources s;
    char err[600] = "";
    emb_status st =
        emb__upd_sources_parse(c->json, strlen(c->json), &s, err, sizeof(err));
    if (st != c->want || (c->err && strstr(err, c->err) == NULL))
      fail_msg("case %zu: status %s, message '%s'; wanted %s, '%s'", i,
               emb_status_name(st), err, emb_status_name(c->want),
               c->err ? c->err : "");
    if (st == EMB_OK) {
      assert_int_equal(s.n, 1);
      assert_string_equal(s.v[0].group, "a"); /* defaults to the id */
      assert_true(s.v[0].primary);
      assert_false(s.v[0].optional);
      emb__upd_sources_free(&s);
    }
    assert_null(s.v);
  }
}

static void test_groups_and_primary(void **state) {
  (void)state;
  const char *j =
      "{\"sources\": [{\"id\": \"p\", \"group\": \"g\", \"url\": "
      "\"https://x.org/p\", \"format\": \"ofac-sdn-csv\", \"file\": "
      "\"sdn.csv\", \"min_rows\": 7}, " GOOD_ENTRY
      ", {\"id\": \"q\", \"group\": \"g\", \"url\": \"http://127.0.0.1:9/q\", "
      "\"format\": \"ofac-sdn-csv\", \"file\": \"alt.csv\"}]}";
  emb__upd_sources s;
  char err[600];
  assert_int_equal(emb__upd_sources_parse(j, strlen(j), &s, err, sizeof(err)),
                   EMB_OK);
  assert_int_equal(s.n, 3);
  assert_true(s.v[0].primary);
  assert_int_equal(s.v[0].min_rows, 7);
  assert_true(s.v[1].primary);
  assert_false(s.v[2].primary);
  assert_string_equal(s.v[2].group, "g");
  emb__upd_sources_free(&s);
}

typedef struct url_case {
  const char *url;
  int ok;
} url_case;

static const url_case url_cases[] = {
    {"https://data.trade.gov/x.csv", 1},
    {"HTTPS://scsanctions.un.org/resources/xml/en/consolidated.xml", 1},
    {"http://127.0.0.1:8080/ok/a.csv", 1},
    {"http://127.1.2.3/a", 1},
    {"http://localhost:1/a", 1},
    {"http://[::1]:8080/a", 1},
    {"http://example.com/a", 0},
    {"http://128.0.0.1/a", 0},
    {"http://127.0.0.1.example.com/a", 0},
    {"ftp://127.0.0.1/a", 0},
    {"file:///etc/passwd", 0},
    {"/relative/path", 0},
    {"", 0},
};

static void test_url_policy(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
    char err[300] = "";
    int ok = emb__upd_url_allowed(url_cases[i].url, err, sizeof(err));
    if (ok != url_cases[i].ok)
      fail_msg("%s: allowed %d, wanted %d (%s)", url_cases[i].url, ok,
               url_cases[i].ok, err);
    if (!ok) assert_true(err[0] != '\0');
  }
}

static void test_safe_name(void **state) {
  (void)state;
  static const struct {
    const char *name;
    int ok;
  } cases[] = {{"sdn.csv", 1},
               {"cons_prim.csv", 1},
               {"", 0},
               {".lock", 0},
               {"a/b", 0},
               {"..", 0},
               {"a b", 0},
               {"a\\b", 0},
               {"\xc3\xa9.csv", 0},
               {"un-consolidated.xml", 1}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    if (emb__upd_safe_name(cases[i].name) != cases[i].ok)
      fail_msg("'%s': wanted %d", cases[i].name, cases[i].ok);
}

/* A fresh temporary directory; the caller removes it with rm_dir. */
static void make_dir(char *tmpl) {
  assert_non_null(mkdtemp(tmpl));
}

static void write_text(const char *dir, const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int read_eq(const char *dir, const char *name, const char *text) {
  char p[512], buf[256] = "";
  snprintf(p, sizeof(p), "%s/%s", dir, name);
  FILE *f = fopen(p, "rb");
  if (f == NULL) return 0;
  size_t n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strcmp(buf, text) == 0;
}

static void rm_dir(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void test_manifest(void **state) {
  (void)state;
  char dir[] = "/tmp/embargo-upd-XXXXXX";
  make_dir(dir);
  json_t *m = NULL;
  char err[600] = "";
  /* Absent: an empty manifest. */
  assert_int_equal(emb__upd_manifest_read(dir, &m, err, sizeof(err)), EMB_OK);
  assert_int_equal(json_object_size(json_object_get(m, "files")), 0);
  json_object_set_new(json_object_get(m, "files"), "a.csv",
                      json_pack("{s:s, s:I}", "sha256", "ab", "rows", 5));
  assert_int_equal(emb__upd_manifest_write(dir, m), EMB_OK);
  json_decref(m);
  assert_int_equal(emb__upd_manifest_read(dir, &m, err, sizeof(err)), EMB_OK);
  json_t *e = json_object_get(json_object_get(m, "files"), "a.csv");
  assert_string_equal(json_string_value(json_object_get(e, "sha256")), "ab");
  assert_int_equal(json_integer_value(json_object_get(m, "version")), 1);
  assert_non_null(json_string_value(json_object_get(m, "updated")));
  json_decref(m);
  /* Malformed: refused, naming the file. */
  static const char *bad[] = {"{", "[1]", "{\"files\": 3}"};
  for (size_t i = 0; i < 3; i++) {
    write_text(dir, ".embargo-manifest.json", bad[i]);
    err[0] = '\0';
    assert_int_equal(emb__upd_manifest_read(dir, &m, err, sizeof(err)),
                     EMB_EPARSE);
    assert_null(m);
    assert_non_null(strstr(err, ".embargo-manifest.json"));
  }
  rm_dir(dir);
}

static void sha_of(const char *text, char hex[65]) {
  char dir[] = "/tmp/embargo-sha-XXXXXX";
  make_dir(dir);
  write_text(dir, "f", text);
  char p[64];
  snprintf(p, sizeof(p), "%s/f", dir);
  assert_int_equal(emb__upd_hash_file(p, hex, NULL, NULL), EMB_OK);
  rm_dir(dir);
}

/* Lays out an interrupted replacement of files a and b (old "A1"/"B1",
 * new "A2"/"B2") after `done` of its four renames, with the journal. */
static void half_done(const char *dir, int done) {
  char inc[512], g[600], pd[512];
  snprintf(inc, sizeof(inc), "%s/.incoming-abc123", dir);
  snprintf(g, sizeof(g), "%s/grp", inc);
  snprintf(pd, sizeof(pd), "%s/.previous", dir);
  assert_int_equal(mkdir(inc, 0700), 0);
  assert_int_equal(mkdir(g, 0700), 0);
  assert_int_equal(mkdir(pd, 0755), 0);
  write_text(done >= 1 ? pd : dir, "a", "A1");
  write_text(done >= 2 ? dir : g, "a", "A2");
  write_text(done >= 3 ? pd : dir, "b", "B1");
  write_text(done >= 4 ? dir : g, "b", "B2");
  char a1[65], a2[65], b1[65], b2[65];
  sha_of("A1", a1);
  sha_of("A2", a2);
  sha_of("B1", b1);
  sha_of("B2", b2);
  json_t *j = json_pack(
      "{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:{s:{s:s}, "
      "s:{s:s}}}",
      "incoming", ".incoming-abc123", "group", "grp", "files", "file", "a",
      "sha256", a2, "previous_sha256", a1, "file", "b", "sha256", b2,
      "previous_sha256", b1, "manifest", "a", "sha256", a2, "b", "sha256", b2);
  assert_int_equal(emb__upd_write_json_atomic(dir, ".embargo-journal.json", j),
                   EMB_OK);
  json_decref(j);
}

static void test_recover_forward(void **state) {
  (void)state;
  for (int done = 0; done <= 4; done++) {
    char dir[] = "/tmp/embargo-rec-XXXXXX";
    make_dir(dir);
    half_done(dir, done);
    char msg[600];
    assert_int_equal(emb__upd_recover(dir, msg, sizeof(msg)), EMB_OK);
    assert_non_null(strstr(msg, "finished the interrupted replacement"));
    assert_true(read_eq(dir, "a", "A2"));
    assert_true(read_eq(dir, "b", "B2"));
    assert_true(read_eq(dir, ".previous/a", "A1"));
    assert_true(read_eq(dir, ".previous/b", "B1"));
    assert_false(read_eq(dir, ".embargo-journal.json", ""));
    char p[512];
    snprintf(p, sizeof(p), "%s/.embargo-journal.json", dir);
    assert_int_not_equal(access(p, F_OK), 0);
    snprintf(p, sizeof(p), "%s/.incoming-abc123", dir);
    assert_int_not_equal(access(p, F_OK), 0);
    json_t *m;
    char err[300];
    assert_int_equal(emb__upd_manifest_read(dir, &m, err, sizeof(err)), EMB_OK);
    assert_non_null(json_object_get(json_object_get(m, "files"), "b"));
    json_decref(m);
    /* Nothing left to do the second time. */
    assert_int_equal(emb__upd_recover(dir, msg, sizeof(msg)), EMB_OK);
    assert_string_equal(msg, "");
    rm_dir(dir);
  }
}

static void test_recover_back(void **state) {
  (void)state;
  for (int done = 1; done <= 3; done++) {
    char dir[] = "/tmp/embargo-rec-XXXXXX";
    make_dir(dir);
    half_done(dir, done);
    /* The new b is lost (or corrupted): the group goes back to A1/B1. */
    char p[512];
    snprintf(p, sizeof(p), "%s/.incoming-abc123/grp", dir);
    write_text(p, "b", "corrupt");
    char msg[600];
    assert_int_equal(emb__upd_recover(dir, msg, sizeof(msg)), EMB_OK);
    assert_non_null(strstr(msg, "rolled back"));
    assert_true(read_eq(dir, "a", "A1"));
    assert_true(read_eq(dir, "b", "B1"));
    rm_dir(dir);
  }
}

static void test_recover_malformed(void **state) {
  (void)state;
  static const char *bad[] = {
      "{",
      "{\"incoming\": \"../x\", \"group\": \"g\", \"files\": [], "
      "\"manifest\": {}}",
      "{\"incoming\": \".incoming-x\", \"group\": \"g\", \"files\": "
      "[{\"file\": \"../etc\", \"sha256\": \"00\"}], \"manifest\": {}}"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char dir[] = "/tmp/embargo-rec-XXXXXX";
    make_dir(dir);
    write_text(dir, ".embargo-journal.json", bad[i]);
    char msg[600] = "";
    assert_int_not_equal(emb__upd_recover(dir, msg, sizeof(msg)), EMB_OK);
    assert_true(msg[0] != '\0');
    rm_dir(dir);
  }
}

static void test_fetch_refused(void **state) {
  (void)state;
  assert_int_equal(emb__upd_curl_init(), EMB_OK);
  static const struct {
    const char *url, *check;
  } cases[] = {{"http://example.com/a.csv", "url"},
               {"ftp://127.0.0.1/a.csv", "url"},
               /* Port 1 on loopback: nothing listens, refused at once. */
               {"http://127.0.0.1:1/a.csv", "download"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char path[] = "/tmp/embargo-fetch-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    emb__upd_fetch f = {
        .url = cases[i].url, .path = path, .timeout = 5, .max_size = 1000};
    assert_int_equal(emb__upd_fetch_run(&f), EMB_ENET);
    if (strcmp(f.check, cases[i].check) != 0)
      fail_msg("%s: check '%s', wanted '%s' (%s)", cases[i].url, f.check,
               cases[i].check, f.err);
    assert_true(f.err[0] != '\0');
    unlink(path);
  }
  emb__upd_curl_cleanup();
}

static void test_run_errors(void **state) {
  (void)state;
  emb_update_opts o;
  emb_update_report *r = NULL;
  emb_update_opts_init(&o);
  o.min_ratio = 2;
  assert_int_equal(emb_update_run(&o, &r), EMB_EINVAL);
  assert_null(r);
  emb_update_opts_init(&o);
  o.timeout = 0;
  assert_int_equal(emb_update_run(&o, &r), EMB_EINVAL);
  emb_update_opts_init(&o);
  o.sources = "/nonexistent/sources.json";
  assert_int_equal(emb_update_run(&o, &r), EMB_EIO);
  assert_non_null(r);
  assert_non_null(strstr(emb_update_report_error(r), "/nonexistent/"));
  assert_int_equal(emb_update_report_count(r), 0);
  emb_update_report_free(r);
  emb_update_report_free(NULL);
  /* --only naming nothing in the sources. */
  char dir[] = "/tmp/embargo-run-XXXXXX";
  make_dir(dir);
  const char *only[] = {"no-such-source"};
  emb_update_opts_init(&o);
  o.dest = dir;
  o.only = only;
  o.n_only = 1;
  assert_int_equal(emb_update_run(&o, &r), EMB_EINVAL);
  assert_non_null(strstr(emb_update_report_error(r), "no-such-source"));
  emb_update_report_free(r);
  rm_dir(dir);
}

/* The shipped sources file: every official file, https only, the OFAC
 * files grouped with their primary first. */
static void test_shipped_sources(void **state) {
  (void)state;
  const char *path = emb_update_default_sources();
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  emb__upd_sources s;
  char err[600] = "";
  emb_status st = emb__upd_sources_parse(buf, n, &s, err, sizeof(err));
  if (st != EMB_OK) fail_msg("%s: %s", path, err);
  static const struct {
    const char *file, *group, *format;
    int primary;
  } want[] = {{"us-csl.csv", "us-csl", "csl-csv", 1},
              {"sdn.csv", "ofac-sdn", "ofac-sdn-csv", 1},
              {"add.csv", "ofac-sdn", "ofac-sdn-csv", 0},
              {"alt.csv", "ofac-sdn", "ofac-sdn-csv", 0},
              {"sdn_comments.csv", "ofac-sdn", "ofac-sdn-csv", 0},
              {"cons_prim.csv", "ofac-cons", "ofac-cons-csv", 1},
              {"cons_add.csv", "ofac-cons", "ofac-cons-csv", 0},
              {"cons_alt.csv", "ofac-cons", "ofac-cons-csv", 0},
              {"cons_comments.csv", "ofac-cons", "ofac-cons-csv", 0},
              {"un-consolidated.xml", "un-sc", "un-xml", 1}};
  for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
    const emb__upd_source *e = NULL;
    for (size_t i = 0; i < s.n; i++)
      if (strcmp(s.v[i].file, want[k].file) == 0) e = &s.v[i];
    if (e == NULL) fail_msg("%s: no source for %s", path, want[k].file);
    assert_string_equal(e->group, want[k].group);
    assert_string_equal(e->format, want[k].format);
    assert_int_equal(e->primary, want[k].primary);
    assert_false(e->optional);
    assert_int_equal(strncmp(e->url, "https://", 8), 0);
  }
  emb__upd_sources_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sources_parse),
      cmocka_unit_test(test_groups_and_primary),
      cmocka_unit_test(test_url_policy),
      cmocka_unit_test(test_safe_name),
      cmocka_unit_test(test_manifest),
      cmocka_unit_test(test_recover_forward),
      cmocka_unit_test(test_recover_back),
      cmocka_unit_test(test_recover_malformed),
      cmocka_unit_test(test_fetch_refused),
      cmocka_unit_test(test_run_errors),
      cmocka_unit_test(test_shipped_sources),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  emb_cleanup();
  return rc;
}
