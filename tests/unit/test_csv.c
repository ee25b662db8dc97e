/* Unit tests: the RFC 4180 CSV/TSV reader (src/common/csv.c).
 *
 * Most cases are a table of input -> expected transcript, where the
 * transcript writes each record as "<line>[f1|f2|...]" and each bad record
 * as "<line>!<error>", so one string comparison checks fields, line
 * numbers, skipping and recovery together.
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

#include "../../src/common/csv.h"

/* Appends to a bounded transcript buffer. */
typedef struct out {
  char buf[4096];
  size_t len;
} out;

static void put(out *o, const char *p, size_t n) {
  if (n > sizeof(o->buf) - 1 - o->len) n = sizeof(o->buf) - 1 - o->len;
  memcpy(o->buf + o->len, p, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

static void putf(out *o, const char *fmt, long v) {
  char tmp[32];
  int w = snprintf(tmp, sizeof(tmp), fmt, v);
  put(o, tmp, (size_t)w);
}

/* Reads all of data[0..len) and writes the transcript into o. */
static void transcribe(const char *data, size_t len, char sep, out *o) {
  o->len = 0;
  o->buf[0] = '\0';
  emb__csv *r = emb__csv_new(data, len, sep);
  assert_non_null(r);
  const emb__csv_field *f;
  size_t n;
  long line;
  emb__csv_result res;
  while ((res = emb__csv_next(r, &f, &n, &line)) != EMB__CSV_END) {
    putf(o, "%ld", line);
    if (res == EMB__CSV_BAD) {
      put(o, "!", 1);
      put(o, emb__csv_error(r), strlen(emb__csv_error(r)));
      continue;
    }
    put(o, "[", 1);
    for (size_t i = 0; i < n; i++) {
      if (i) put(o, "|", 1);
      put(o, f[i].p, f[i].len);
    }
    put(o, "]", 1);
  }
  emb__csv_free(r);
}

static void test_table(void **state) {
  (void)state;
  static const struct {
    const char *in;
    char sep;
    const char *want;
  } cases[] = {
      {"a,b,c\nd,e,f\n", ',', "1[a|b|c]2[d|e|f]"},
      {"a,b\nc,d", ',', "1[a|b]2[c|d]"}, /* no final line end */
      {"a,b\r\nc,d\r\n", ',', "1[a|b]2[c|d]"},
      {"a,b\rc,d\r", ',', "1[a|b]2[c|d]"}, /* old Mac line ends */
      {"a\r\nb\nc\rd", ',', "1[a]2[b]3[c]4[d]"},
      {"\xEF\xBB\xBF"
       "a,b\n",
       ',', "1[a|b]"},
      {"a,b\n\x1A", ',', "1[a|b]"},
      {"a,b\x1A", ',', "1[a|b]"},
      {"\"a,b\",c\n", ',', "1[a,b|c]"},
      {"\"say \"\"hi\"\"\",x\n", ',', "1[say \"hi\"|x]"},
      {"\"\"\"\"\n", ',', "1[\"]"},
      {"\"\",x\n", ',', "1[|x]"},
      {"\"l1\nl2\",x\ny,z\n", ',', "1[l1\nl2|x]3[y|z]"},
      {"\"a\r\nb\",c\r\nd\r\n", ',', "1[a\r\nb|c]3[d]"},
      {"\"a\rb\",c\nd", ',', "1[a\rb|c]3[d]"},
      {",,\n", ',', "1[||]"},
      {"a,\n", ',', "1[a|]"},
      {"a,", ',', "1[a|]"},
      {"a\n\n\r\n\nb\n", ',', "1[a]5[b]"},
      {"", ',', ""},
      {"\xEF\xBB\xBF", ',', ""},
      {"\n\n", ',', ""},
      /* Lenient like most readers: text after a closing quote is kept,
       * and a quote inside an unquoted field is literal. */
      {"\"ab\"cd,e\n", ',', "1[abcd|e]"},
      {"\"a\"\"b\"cd,e\n", ',', "1[a\"bcd|e]"},
      {"a\"b,c\n", ',', "1[a\"b|c]"},
      /* Two fields unescaped in the scratch buffer in one record. */
      {"\"a\"\"b\",\"c\"\"d\",e\n", ',', "1[a\"b|c\"d|e]"},
      /* A cut-off last row. */
      {"a,b\n\"c,d", ',', "1[a|b]2!unterminated quoted field"},
      {"a,b\n\"c,d\n", ',', "1[a|b]2!unterminated quoted field"},
      /* After an unterminated quote, reading resumes at the next line. */
      {"\"x\ny,z\n", ',', "1!unterminated quoted field2[y|z]"},
      {"\"x\r\ny,z", ',', "1!unterminated quoted field2[y|z]"},
      {"a\tb\n\"c\td\"\te\n", '\t', "1[a|b]2[c\td|e]"},
      {"a,b\tc\n", '\t', "1[a,b|c]"},
      {"\"Name\"\t\"City\"\r\n\"X\"\t\"\"\r\n", '\t', "1[Name|City]2[X|]"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    out o;
    transcribe(cases[i].in, strlen(cases[i].in), cases[i].sep, &o);
    if (strcmp(o.buf, cases[i].want) != 0)
      fail_msg("case %zu: got \"%s\", want \"%s\"", i, o.buf, cases[i].want);
  }
}

static void test_quoted_flag(void **state) {
  (void)state;
  static const char in[] = "\"a\",b,\"\"\n";
  emb__csv *r = emb__csv_new(in, sizeof(in) - 1, ',');
  assert_non_null(r);
  const emb__csv_field *f;
  size_t n;
  long line;
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_RECORD);
  assert_int_equal(n, 3);
  assert_int_equal(f[0].quoted, 1);
  assert_int_equal(f[1].quoted, 0);
  assert_int_equal(f[2].quoted, 1);
  assert_int_equal(f[2].len, 0);
  /* An unescaped quoted field points into the input: no copy. */
  assert_ptr_equal(f[0].p, in + 1);
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_END);
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_END);
  emb__csv_free(r);
  emb__csv_free(NULL);
}

static void test_field_eq(void **state) {
  (void)state;
  emb__csv_field f = {"source,x", 6, 0};
  assert_int_equal(emb__csv_field_eq(&f, "source"), 1);
  assert_int_equal(emb__csv_field_eq(&f, "Source"), 0);
  assert_int_equal(emb__csv_field_eq(&f, "sourc"), 0);
  assert_int_equal(emb__csv_field_eq(&f, "source,"), 0);
  emb__csv_field empty = {"", 0, 0};
  assert_int_equal(emb__csv_field_eq(&empty, ""), 1);
}

/* Builds "<prefix><field of n bytes><suffix>" in a malloc'd buffer, the
 * field made of 'x' with, when escaped, a doubled quote every 100 bytes. */
static char *build(const char *prefix, size_t n, int quoted, int escaped,
                   const char *suffix, size_t *len) {
  size_t cap = strlen(prefix) + 2 * n + strlen(suffix) + 8;
  char *b = malloc(cap);
  assert_non_null(b);
  size_t k = 0;
  memcpy(b + k, prefix, strlen(prefix));
  k += strlen(prefix);
  if (quoted) b[k++] = '"';
  for (size_t i = 0; i < n; i++) {
    if (escaped && i % 100 == 99) {
      b[k++] = '"';
      b[k++] = '"';
    } else {
      b[k++] = 'x';
    }
  }
  if (quoted) b[k++] = '"';
  memcpy(b + k, suffix, strlen(suffix));
  k += strlen(suffix);
  *len = k;
  return b;
}

static void test_limits(void **state) {
  (void)state;
  static const struct {
    size_t n;
    int quoted, escaped;
    const char *want;
  } cases[] = {
      {EMB__CSV_MAX_FIELD, 0, 0, "1[<65536>|y]2[z]"},
      {EMB__CSV_MAX_FIELD + 1, 0, 0, "1!field longer than 65536 bytes2[z]"},
      {EMB__CSV_MAX_FIELD, 1, 0, "1[<65536>|y]2[z]"},
      {EMB__CSV_MAX_FIELD, 1, 1, "1[<65536>|y]2[z]"},
      {EMB__CSV_MAX_FIELD + 1, 1, 1, "1!field longer than 65536 bytes2[z]"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t len;
    char *in = build("", cases[i].n, cases[i].quoted, cases[i].escaped,
                     ",y\nz\n", &len);
    emb__csv *r = emb__csv_new(in, len, ',');
    assert_non_null(r);
    out o = {.len = 0};
    const emb__csv_field *f;
    size_t n;
    long line;
    emb__csv_result res;
    while ((res = emb__csv_next(r, &f, &n, &line)) != EMB__CSV_END) {
      putf(&o, "%ld", line);
      if (res == EMB__CSV_BAD) {
        put(&o, "!", 1);
        put(&o, emb__csv_error(r), strlen(emb__csv_error(r)));
        continue;
      }
      put(&o, "[", 1);
      for (size_t j = 0; j < n; j++) {
        if (j) put(&o, "|", 1);
        if (f[j].len > 100)
          putf(&o, "<%ld>", (long)f[j].len);
        else
          put(&o, f[j].p, f[j].len);
      }
      put(&o, "]", 1);
    }
    emb__csv_free(r);
    free(in);
    if (strcmp(o.buf, cases[i].want) != 0)
      fail_msg("case %zu: got \"%s\", want \"%s\"", i, o.buf, cases[i].want);
  }
}

/* Large escaped fields force the scratch buffer to grow while an earlier
 * field of the same record lives in it. */
static void test_scratch_growth(void **state) {
  (void)state;
  size_t len1, len2;
  char *a = build("", 20000, 1, 1, ",", &len1);
  char *b = build("", 30000, 1, 1, "\n", &len2);
  char *in = malloc(len1 + len2);
  assert_non_null(in);
  memcpy(in, a, len1);
  memcpy(in + len1, b, len2);
  emb__csv *r = emb__csv_new(in, len1 + len2, ',');
  assert_non_null(r);
  const emb__csv_field *f;
  size_t n;
  long line;
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_RECORD);
  assert_int_equal(n, 2);
  assert_int_equal(f[0].len, 20000);
  assert_int_equal(f[1].len, 30000);
  for (size_t j = 0; j < 2; j++)
    for (size_t i = 0; i < f[j].len; i++)
      assert_true(f[j].p[i] == (i % 100 == 99 ? '"' : 'x'));
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_END);
  emb__csv_free(r);
  free(in);
  free(a);
  free(b);
}

static void test_field_count(void **state) {
  (void)state;
  char in[512];
  size_t k = 0;
  /* 64 fields are fine, 65 are not; the reader recovers at the next
   * line either way. */
  for (int rec = 0; rec < 2; rec++) {
    int nf = rec == 0 ? EMB__CSV_MAX_FIELDS : EMB__CSV_MAX_FIELDS + 1;
    for (int i = 0; i < nf; i++) {
      in[k++] = (char)('a' + i % 26);
      in[k++] = i + 1 < nf ? ',' : '\n';
    }
  }
  memcpy(in + k, "end\n", 4);
  k += 4;
  emb__csv *r = emb__csv_new(in, k, ',');
  assert_non_null(r);
  const emb__csv_field *f;
  size_t n;
  long line;
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_RECORD);
  assert_int_equal(n, EMB__CSV_MAX_FIELDS);
  assert_int_equal(f[63].len, 1);
  assert_int_equal(f[63].p[0], 'a' + 63 % 26);
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_BAD);
  assert_int_equal(line, 2);
  assert_string_equal(emb__csv_error(r), "more than 64 fields");
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_RECORD);
  assert_int_equal(line, 3);
  assert_int_equal(n, 1);
  assert_true(emb__csv_field_eq(&f[0], "end"));
  assert_int_equal(emb__csv_next(r, &f, &n, &line), EMB__CSV_END);
  emb__csv_free(r);
}

/* The reader must never read past len: give it a buffer whose next byte
 * would be a quote or a separator if it did. */
static void test_bounds(void **state) {
  (void)state;
  static const char in[] = "a,\"b\"\"\",c\"x,y";
  out o;
  transcribe(in, 9, ',', &o); /* a,"b""",c */
  assert_string_equal(o.buf, "1[a|b\"|c]");
  transcribe(in, 6, ',', &o); /* a,"b"" : the quote is unterminated */
  assert_string_equal(o.buf, "1!unterminated quoted field");
}

/* Reads a whole file; NULL when the shared data is not there. */
static char *slurp(const char *dir, const char *name, size_t *len) {
  if (dir == NULL) return NULL;
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) return NULL;
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n == cap) {
      cap = cap ? cap * 2 : 1 << 20;
      char *nb = realloc(buf, cap);
      assert_non_null(nb);
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, fp);
    n += got;
  } while (got > 0);
  fclose(fp);
  *len = n;
  return buf;
}

/* The real files: record counts agree with a reference reader (Python's
 * csv module: 25,922 records, 4,228 + the cut-off one, 582). */
static void test_real_files(void **state) {
  (void)state;
  static const struct {
    const char *name;
    char sep;
    size_t records, bad, fields;
    long bad_line;
  } cases[] = {
      {"lists/us-csl/consolidated-2026-07-31-reduced.csv", ',', 25922, 0, 29,
       0},
      {"lists/us-csl/consolidated-2023-11-30-partial.csv", ',', 4228, 1, 29,
       4233},
      {"lists/us-csl/consolidated-2019-sample.csv", ',', 116, 0, 28, 0},
      {"lists/bis/dpl.txt", '\t', 582, 0, 12, 0},
  };
  const char *dir = getenv("EMBARGO_SHARED_DATA");
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t len;
    char *data = slurp(dir, cases[i].name, &len);
    if (data == NULL) {
      print_message(
          "skipping %s: EMBARGO_SHARED_DATA not set or file "
          "missing\n",
          cases[i].name);
      continue;
    }
    emb__csv *r = emb__csv_new(data, len, cases[i].sep);
    assert_non_null(r);
    const emb__csv_field *f;
    size_t n, records = 0, bad = 0;
    long line, bad_line = 0;
    emb__csv_result res;
    while ((res = emb__csv_next(r, &f, &n, &line)) != EMB__CSV_END) {
      if (res == EMB__CSV_BAD) {
        bad++;
        bad_line = line;
        continue;
      }
      records++;
      if (n != cases[i].fields)
        fail_msg("%s: line %ld has %zu fields", cases[i].name, line, n);
    }
    emb__csv_free(r);
    free(data);
    assert_int_equal(records, cases[i].records);
    assert_int_equal(bad, cases[i].bad);
    assert_int_equal(bad_line, cases[i].bad_line);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),          cmocka_unit_test(test_quoted_flag),
      cmocka_unit_test(test_field_eq),       cmocka_unit_test(test_limits),
      cmocka_unit_test(test_scratch_growth), cmocka_unit_test(test_field_count),
      cmocka_unit_test(test_bounds),         cmocka_unit_test(test_real_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
