/* Unit tests: the batch pipeline (src/lib/batch/batch.c) on the built-in
 * default lists. The output must not depend on the number of threads or
 * on the cache; counts must add up; a table of inputs gives the expected
 * counts; the temporary output and the checkpoint must be gone after a
 * complete run; a resume refuses other options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka.h needs the standard headers above before it. */
/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "../../src/lib/batch/batch.h"
#include "embargo/embargo.h"

static emb_listset *ls;
static emb_index *ix;
static char dir[] = "/tmp/test_batch_run_XXXXXX";

static int setup(void **state) {
  (void)state;
  const char *paths[] = {emb_default_lists_dir()};
  if (emb_listset_load(paths, 1, NULL, &ls) != EMB_OK) return -1;
  if (emb_index_build(ls, &ix) != EMB_OK) return -1;
  return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  emb_index_free(ix);
  emb_listset_free(ls);
  emb_cleanup();
  char cmd[200];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  size_t k;
  while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) b = realloc(b, cap *= 2);
  }
  fclose(f);
  *len = n;
  return b;
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void cfg_init(emb__batch_cfg *c, const char *in, const char *out) {
  memset(c, 0, sizeof(*c));
  c->ix = ix;
  emb_screen_opts_init(&c->so);
  c->threshold = EMB_DEFAULT_THRESHOLD;
  c->rows.format = EMB__ROWS_CSV;
  c->rows.id_column = "id";
  c->input = in;
  c->output = out;
  c->options_key = "test";
}

/* Output is the same on 1, 2 and 7 threads, with and without the cache,
 * in both formats, over an input of many chunks with repeated names. */
static void test_threads_same_output(void **state) {
  (void)state;
  char in[300], out[300];
  snprintf(in, sizeof(in), "%s/many.csv", dir);
  FILE *f = fopen(in, "wb");
  assert_non_null(f);
  fputs("id,name\n", f);
  const char *names[] = {"SMIC",        "Huawei Technologies",
                         "Acme Bakery", "Semiconductor Manufacturing, Intl",
                         "中芯国际",    "Zzyzx Florists",
                         "Hua Wei"};
  for (int i = 0; i < 3000; i++)
    fprintf(f, "r%d,\"%s%s\"\n", i, names[i % 7], i % 5 ? "" : " Ltd");
  fputs("bad,\n", f);
  fclose(f);
  for (int fmt = 0; fmt < 2; fmt++) {
    char *ref = NULL;
    size_t ref_len = 0;
    size_t threads[] = {1, 2, 7, 2};
    size_t caches[] = {0, 0, 0, 1};
    for (size_t k = 0; k < 4; k++) {
      emb__batch_cfg c;
      snprintf(out, sizeof(out), "%s/out-%d-%zu", dir, fmt, k);
      cfg_init(&c, in, out);
      c.format = fmt ? EMB__BATCH_CSV : EMB__BATCH_JSONL;
      c.threads = threads[k];
      c.cache_entries = caches[k];
      emb__batch_stats s;
      char err[300];
      assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
      assert_int_equal(s.rows, 3001);
      assert_int_equal(s.screened, 3000);
      assert_int_equal(s.errors, 1);
      assert_true(s.matches > 0 && s.rows_with_matches <= s.rows_with_hits);
      long long h = 0;
      for (int i = 0; i < EMB__BATCH_HIST; i++) h += s.hist[i];
      assert_int_equal(h, s.hits);
      if (caches[k] == 0) assert_true(s.cache_hits > 0);
      size_t len = 0;
      char *got = slurp(out, &len);
      assert_non_null(got);
      char tmp[320];
      snprintf(tmp, sizeof(tmp), "%s.tmp", out);
      assert_int_not_equal(access(tmp, F_OK), 0);
      snprintf(tmp, sizeof(tmp), "%s.checkpoint", out);
      assert_int_not_equal(access(tmp, F_OK), 0);
      if (ref == NULL) {
        ref = got;
        ref_len = len;
        continue;
      }
      if (len != ref_len || memcmp(got, ref, len) != 0)
        fail_msg("format %d: output on %zu threads (cache %zu) differs", fmt,
                 threads[k], caches[k]);
      free(got);
    }
    free(ref);
  }
}

/* Counts for a table of small inputs. */
typedef struct ccase {
  const char *csv;
  long long rows, screened, errors, with_matches;
} ccase;

static const ccase counts[] = {
    {"id,name\n1,SMIC\n2,Zzyzx Florists\n", 2, 2, 0, 1},
    {"id,name\n1,\n2,\"x\"y\n3,Zzyzx Florists\n", 3, 1, 2, 0},
    {"id,name\n", 0, 0, 0, 0},
    {"id,name\n1,SMIC\n2,SMIC\n3,中芯国际\n", 3, 3, 0, 3},
};

static void test_counts(void **state) {
  (void)state;
  char in[300], out[300];
  snprintf(in, sizeof(in), "%s/c.csv", dir);
  snprintf(out, sizeof(out), "%s/c.jsonl", dir);
  for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
    write_file(in, counts[i].csv);
    emb__batch_cfg c;
    cfg_init(&c, in, out);
    c.threads = 2;
    emb__batch_stats s;
    char err[300];
    assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
    if (s.rows != counts[i].rows || s.screened != counts[i].screened ||
        s.errors != counts[i].errors ||
        s.rows_with_matches != counts[i].with_matches)
      fail_msg("case %zu: rows %lld screened %lld errors %lld matches %lld", i,
               s.rows, s.screened, s.errors, s.rows_with_matches);
    json_t *j = emb__batch_summary_json(&c, &s);
    assert_int_equal(json_integer_value(json_object_get(j, "rows")),
                     counts[i].rows);
    json_decref(j);
  }
}

/* A resume with a checkpoint of other options is refused; a missing input
 * and a missing column are errors. */
static void test_refusals(void **state) {
  (void)state;
  char in[300], out[300], ck[320];
  snprintf(in, sizeof(in), "%s/r.csv", dir);
  snprintf(out, sizeof(out), "%s/r.jsonl", dir);
  snprintf(ck, sizeof(ck), "%s.checkpoint", out);
  write_file(in, "id,name\n1,SMIC\n");
  emb__batch_cfg c;
  cfg_init(&c, in, out);
  emb__batch_stats s;
  char err[300];
  /* A forged checkpoint of another options hash. */
  write_file(ck,
             "{\"version\":1,\"input\":\"x\",\"options_sha256\":\"00\","
             "\"rows_done\":1}");
  c.resume = 1;
  assert_int_not_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
  assert_non_null(strstr(err, "cannot resume"));
  unlink(ck);
  /* No checkpoint at all: --resume starts over. */
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
  assert_int_equal(s.started_over, 1);
  assert_int_equal(s.rows, 1);
  c.resume = 0;
  c.input = "/nonexistent/in.csv";
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_EIO);
  c.input = in;
  c.rows.name_column = "nope";
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_EPARSE);
  assert_non_null(strstr(err, "nope"));
}

/* An interrupt flag set before the run: it stops with EMB_EINTR and a
 * checkpoint; --resume then gives what an uninterrupted run gives. */
static void test_interrupt(void **state) {
  (void)state;
  char in[300], out[300], ref[300], ck[320];
  snprintf(in, sizeof(in), "%s/i.csv", dir);
  snprintf(out, sizeof(out), "%s/i.jsonl", dir);
  snprintf(ref, sizeof(ref), "%s/i-ref.jsonl", dir);
  snprintf(ck, sizeof(ck), "%s.checkpoint", out);
  FILE *f = fopen(in, "wb");
  assert_non_null(f);
  fputs("id,name\n", f);
  for (int i = 0; i < 2000; i++) fprintf(f, "r%d,SMIC %d\n", i, i % 50);
  fclose(f);
  emb__batch_cfg c;
  emb__batch_stats s;
  char err[300];
  cfg_init(&c, in, ref);
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
  static volatile sig_atomic_t flag = 1;
  cfg_init(&c, in, out);
  c.interrupted = &flag;
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_EINTR);
  assert_non_null(strstr(err, "--resume"));
  assert_int_equal(access(ck, F_OK), 0);
  c.interrupted = NULL;
  c.resume = 1;
  assert_int_equal(emb__batch_run(&c, &s, err, sizeof(err)), EMB_OK);
  assert_int_equal(s.started_over, 0);
  assert_int_equal(s.rows, 2000);
  size_t l1 = 0, l2 = 0;
  char *a = slurp(ref, &l1), *b = slurp(out, &l2);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(l1, l2);
  assert_memory_equal(a, b, l1);
  free(a);
  free(b);
}

/* The report escapes what it prints and has both charts. */
static void test_report(void **state) {
  (void)state;
  emb__batch_cfg c;
  cfg_init(&c, "<in>&\".csv", "out'.jsonl");
  emb__batch_stats s = {0};
  s.rows = 3;
  s.hits = 2;
  s.hist[19] = 2;
  snprintf(s.lists[0].code, sizeof(s.lists[0].code), "<b>");
  s.lists[0].hits = 2;
  s.n_lists = 1;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  emb__batch_report_html(f, &c, &s);
  fclose(f);
  assert_non_null(strstr(buf, "&lt;in&gt;&amp;&quot;.csv"));
  assert_non_null(strstr(buf, "out&#39;.jsonl"));
  assert_non_null(strstr(buf, "&lt;b&gt;"));
  assert_null(strstr(buf, "<b>"));
  assert_null(strstr(buf, "<script"));
  char *second = strstr(buf, "<svg");
  assert_non_null(second);
  assert_non_null(strstr(second + 1, "<svg"));
  free(buf);
}

/* The JSON strings the pipeline writes by hand are what jansson writes. */
static void test_json_quote(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t n;
  } cases[] = {
      {"plain", 5},        {"a\"b", 3},
      {"back\\slash", 10}, {"tab\tnl\ncr\r", 11},
      {"\x01\x1f\x7f", 3}, {"\xe4\xb8\xad\xe8\x8a\xaf", 6},
      {"/slash/", 7},      {"nul\0inside", 10},
      {"\b\f", 2},         {"", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    assert_int_equal(emb__json_quote(&buf, &len, &cap, cases[i].s, cases[i].n),
                     0);
    json_t *j = json_stringn(cases[i].s, cases[i].n);
    assert_non_null(j);
    char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
    json_decref(j);
    assert_non_null(want);
    if (len != strlen(want) || memcmp(buf, want, len) != 0)
      fail_msg("case %zu: got %.*s, want %s", i, (int)len, buf, want);
    free(want);
    free(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_same_output),
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_report),
      cmocka_unit_test(test_json_quote),
      cmocka_unit_test(test_interrupt),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
