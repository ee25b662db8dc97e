/* Unit tests: the streaming row reader of batch inputs
 * (src/lib/batch/rows.c).
 *
 * Most cases are a table of input -> expected transcript: each good row is
 * written "<row>@<line>[id|name|country]" and each bad one
 * "<row>@<line>!<CODE>", so one comparison checks values, numbering,
 * skipping and recovery together. Other tests cover the limits, offsets
 * and resuming at a row's offset over an input larger than the reader's
 * window.
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

#include "../../src/lib/batch/rows.h"

typedef struct out {
  char *buf;
  size_t len, cap;
} out;

static void put(out *o, const char *p, size_t n) {
  if (o->len + n + 1 > o->cap) {
    o->cap = (o->len + n + 1) * 2;
    o->buf = realloc(o->buf, o->cap);
    assert_non_null(o->buf);
  }
  memcpy(o->buf + o->len, p, n);
  o->len += n;
  o->buf[o->len] = '\0';
}

static void putll(out *o, const char *fmt, long long v) {
  char tmp[40];
  int w = snprintf(tmp, sizeof(tmp), fmt, v);
  put(o, tmp, (size_t)w);
}

static FILE *file_of(const char *data, size_t len) {
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  rewind(f);
  return f;
}

/* Writes one row to the transcript. */
static void transcribe_row(out *o, const emb__row *r) {
  putll(o, "%lld", r->row);
  putll(o, "@%lld", r->line);
  if (r->err != EMB_OK) {
    put(o, "!", 1);
    put(o, emb_status_name(r->err), strlen(emb_status_name(r->err)));
    assert_non_null(r->err_msg);
    return;
  }
  /* A row-number id says so, and is the row number. */
  char num[32];
  snprintf(num, sizeof(num), "%lld", r->row);
  if (r->id_is_number) assert_string_equal(r->id, num);
  put(o, "[", 1);
  put(o, r->id, r->id_len);
  put(o, "|", 1);
  if (r->name) put(o, r->name, r->name_len);
  put(o, "|", 1);
  put(o, r->country ? r->country : "-", r->country ? 2 : 1);
  put(o, "]", 1);
}

/* Reads all rows of f; returns the transcript (caller frees). Checks that
 * offsets grow and that each row starts where the previous one ended. */
static char *transcribe(FILE *f, const emb__rows_opts *opts) {
  out o = {0};
  put(&o, "", 0);
  emb__rows *r = NULL;
  char err[300];
  emb_status st = emb__rows_open(f, opts, err, sizeof(err), &r);
  if (st != EMB_OK) {
    put(&o, "open:", 5);
    put(&o, emb_status_name(st), strlen(emb_status_name(st)));
    return o.buf;
  }
  emb__row row;
  long long next = emb__rows_data_offset(r);
  int rc;
  while ((rc = emb__rows_next(r, &row)) == 1) {
    assert_true(row.offset >= next);
    assert_true(row.next_offset > row.offset);
    next = row.next_offset;
    transcribe_row(&o, &row);
  }
  assert_int_equal(rc, 0);
  emb__rows_free(r);
  return o.buf;
}

typedef struct rcase {
  const char *in;
  const char *want;
} rcase;

static const rcase csv_cases[] = {
    {"id,name,cc\n1,Acme,DE\n2,\"Smith, John\",\n",
     "1@2[1|Acme|DE]2@3[2|Smith, John|-]"},
    /* CRLF and lone CR line ends; a missing final line end. */
    {"id,name,cc\r\na,X,\r\nb,Y,us\r\n", "1@2[a|X|-]2@3[b|Y|US]"},
    {"id,name,cc\ra,X,\rb,Y,\r", "1@2[a|X|-]2@3[b|Y|-]"},
    {"id,name,cc\na,X,", "1@2[a|X|-]"},
    /* A quoted line break: the next row starts two lines on. */
    {"id,name,cc\na,\"Two\nLines\",\nb,Z,\n", "1@2[a|Two\nLines|-]2@4[b|Z|-]"},
    {"id,name,cc\na,\"The \"\"Best\"\" Co\",\n", "1@2[a|The \"Best\" Co|-]"},
    /* Broken quoting: reading goes on at the next line. */
    {"id,name,cc\na,\"bro\"ken,\nb,ok,\n", "1@2!EPARSE2@3[b|ok|-]"},
    {"id,name,cc\na,O\"Brien,\nb,ok,\n", "1@2!EPARSE2@3[b|ok|-]"},
    {"id,name,cc\na,\"open,\nb,ok,\n", "1@2!EPARSE2@3[b|ok|-]"},
    {"id,name,cc\na,\"open\nb,ok,\nc,\"x\"y,\nd,fine,\n",
     "1@2!EPARSE2@3[b|ok|-]3@4!EPARSE4@5[d|fine|-]"},
    /* Bad values. */
    {"id,name,cc\na,,\nb, ,\nc,X,Germany\nd,\xff,\ne\n",
     "1@2!EINVAL2@3!EINVAL3@4!EINVAL4@5!EUTF85@6!EPARSE"},
    /* Blank lines are not rows; a BOM is not data. */
    {"id,name,cc\n\na,X,\n\n\nb,Y,\n", "1@3[a|X|-]2@6[b|Y|-]"},
    {"\xEF\xBB\xBFid,name,cc\na,X,\n", "1@2[a|X|-]"},
    /* Columns by name, ignoring case and spaces; an empty id falls back to
     * the row number. */
    {" ID ,Name,CC\na,X,cn\n,Y,\n", "1@2[a|X|CN]2@3[2|Y|-]"},
    /* A missing column, an empty input: the reader does not open. */
    {"id,nom,cc\na,X,\n", "open:EPARSE"},
    {"", "open:EPARSE"},
    {"id,name,\"cc\n", "open:EPARSE"},
};

static void test_csv_table(void **state) {
  (void)state;
  emb__rows_opts o = {
      .format = EMB__ROWS_CSV, .id_column = "id", .country_column = "cc"};
  for (size_t i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
    FILE *f = file_of(csv_cases[i].in, strlen(csv_cases[i].in));
    char *got = transcribe(f, &o);
    if (strcmp(got, csv_cases[i].want) != 0)
      fail_msg("csv case %zu: got '%s', want '%s'", i, got, csv_cases[i].want);
    free(got);
    fclose(f);
  }
}

static const rcase jsonl_cases[] = {
    {"{\"id\":1,\"name\":\"Acme\",\"cc\":\"de\"}\n{\"id\":\"b\",\"name\":\"X\"}"
     "\n",
     "1@1[1|Acme|DE]2@2[b|X|-]"},
    {"{\"name\":\"A\"}\r\n\r\n  \n{\"name\":\"B\"}", "1@1[1|A|-]2@4[2|B|-]"},
    {"not json\n[1]\n{\"id\":1}\n{\"name\":5}\n{\"name\":\"\"}\n"
     "{\"name\":\"a\",\"name\":\"b\"}\n{\"name\":\"\xff\"}\n{\"name\":\"ok\"}"
     "\n",
     "1@1!EPARSE2@2!EPARSE3@3!EPARSE4@4!EPARSE5@5!EINVAL6@6!EPARSE7@7!EUTF8"
     "8@8[8|ok|-]"},
    {"{\"name\":\"A\",\"cc\":\"XYZ\"}\n{\"name\":\"A\",\"cc\":null}\n",
     "1@1!EINVAL2@2[2|A|-]"},
    {"\xEF\xBB\xBF{\"name\":\"A\"}\n", "1@1[1|A|-]"},
};

static void test_jsonl_table(void **state) {
  (void)state;
  emb__rows_opts o = {
      .format = EMB__ROWS_JSONL, .id_column = "id", .country_column = "cc"};
  for (size_t i = 0; i < sizeof(jsonl_cases) / sizeof(jsonl_cases[0]); i++) {
    FILE *f = file_of(jsonl_cases[i].in, strlen(jsonl_cases[i].in));
    char *got = transcribe(f, &o);
    if (strcmp(got, jsonl_cases[i].want) != 0)
      fail_msg("jsonl case %zu: got '%s', want '%s'", i, got,
               jsonl_cases[i].want);
    free(got);
    fclose(f);
  }
}

/* raw_only (transactions for --check): no name needed, the line kept. */
static void test_raw_only(void **state) {
  (void)state;
  const char *in = "{\"parties\":[]}\n\n{\"ref\":\"r2\",\"x\":1}\n";
  FILE *f = file_of(in, strlen(in));
  emb__rows_opts o = {.format = EMB__ROWS_JSONL, .raw_only = 1};
  emb__rows *r = NULL;
  assert_int_equal(emb__rows_open(f, &o, NULL, 0, &r), EMB_OK);
  emb__row row;
  assert_int_equal(emb__rows_next(r, &row), 1);
  assert_int_equal(row.err, EMB_OK);
  assert_string_equal(row.raw, "{\"parties\":[]}");
  assert_null(row.name);
  assert_int_equal(row.offset, 0);
  assert_int_equal(row.next_offset, 15);
  assert_int_equal(emb__rows_next(r, &row), 1);
  assert_int_equal(row.line, 3);
  assert_string_equal(row.id, "2");
  assert_int_equal(row.id_is_number, 1);
  assert_int_equal(emb__rows_next(r, &row), 0);
  emb__rows_free(r);
  fclose(f);
}

/* Fields and records past the limits are bad rows; reading goes on. */
static void test_limits(void **state) {
  (void)state;
  out o = {0};
  put(&o, "name\n", 5);
  size_t big = EMB__ROWS_MAX_FIELD + 10;
  char *x = malloc(EMB__ROWS_MAX_RECORD + 100);
  assert_non_null(x);
  memset(x, 'x', EMB__ROWS_MAX_RECORD + 100);
  put(&o, x, big); /* row 1: a field past 64 KiB */
  put(&o, "\nok1\n", 5);
  put(&o, x, EMB__ROWS_MAX_RECORD + 100); /* row 3: a line past 1 MiB */
  put(&o, "\nok2\n\"", 6);
  put(&o, x, EMB__ROWS_MAX_RECORD + 100); /* row 5: a quote never closed */
  put(&o, "\nok3\n", 5);
  FILE *f = file_of(o.buf, o.len);
  emb__rows_opts opts = {.format = EMB__ROWS_CSV};
  char *got = transcribe(f, &opts);
  assert_string_equal(got,
                      "1@2!ETOOBIG2@3[2|ok1|-]3@4!ETOOBIG4@5[4|ok2|-]"
                      "5@6!ETOOBIG6@7[6|ok3|-]");
  free(got);
  fclose(f);
  /* The same in JSON Lines. */
  o.len = 0;
  put(&o, "{\"name\":\"", 9);
  put(&o, x, EMB__ROWS_MAX_RECORD + 100);
  put(&o, "\"}\n{\"name\":\"ok\"}\n", 17);
  f = file_of(o.buf, o.len);
  opts.format = EMB__ROWS_JSONL;
  got = transcribe(f, &opts);
  assert_string_equal(got, "1@1!ETOOBIG2@2[2|ok|-]");
  free(got);
  fclose(f);
  free(x);
  free(o.buf);
}

/* Resuming at any row's next_offset reads what a single pass reads, over
 * an input several times the reader's window, with multi-line rows. */
static void test_seek(void **state) {
  (void)state;
  out o = {0};
  put(&o, "id,name\n", 8);
  char line[200];
  for (int i = 0; i < 60000; i++) {
    int n;
    if (i % 101 == 7)
      n = snprintf(line, sizeof(line), "r%d,\"Multi\nLine %d, Ltd\"\n", i, i);
    else if (i % 211 == 9)
      n = snprintf(line, sizeof(line), "r%d,\"bad\"quote\n", i);
    else
      n = snprintf(line, sizeof(line), "r%d,Company number %d\n", i, i);
    put(&o, line, (size_t)n);
  }
  FILE *f = file_of(o.buf, o.len);
  emb__rows_opts opts = {.format = EMB__ROWS_CSV, .id_column = "id"};
  emb__rows *r = NULL;
  assert_int_equal(emb__rows_open(f, &opts, NULL, 0, &r), EMB_OK);
  /* One pass: each row's transcript and where the next starts. */
  size_t n = 0, cap = 70000;
  char **rows = calloc(cap, sizeof(*rows));
  long long *offs = calloc(cap, sizeof(*offs)),
            *lines = calloc(cap, sizeof(*lines));
  assert_non_null(rows);
  emb__row row;
  while (emb__rows_next(r, &row) == 1) {
    out t = {0};
    transcribe_row(&t, &row);
    if (row.err == EMB_OK) assert_int_equal(row.id_is_number, 0);
    rows[n] = t.buf;
    offs[n] = row.next_offset;
    lines[n] = row.next_line;
    n++;
  }
  assert_int_equal(n, 60000);
  /* Resume after a few rows, one of them just before a multi-line one. */
  size_t at[] = {0, 5, 6, 7, 12345, 40000, 59998};
  for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
    size_t i = at[k];
    assert_int_equal(emb__rows_seek(r, offs[i], (long long)i + 1, lines[i]),
                     EMB_OK);
    size_t j = i + 1;
    while (emb__rows_next(r, &row) == 1) {
      out t = {0};
      transcribe_row(&t, &row);
      assert_true(j < n);
      if (strcmp(t.buf, rows[j]) != 0)
        fail_msg("after row %zu: row %zu is '%s', want '%s'", i + 1, j + 1,
                 t.buf, rows[j]);
      free(t.buf);
      j++;
    }
    assert_int_equal(j, n);
  }
  for (size_t i = 0; i < n; i++) free(rows[i]);
  free(rows);
  free(offs);
  free(lines);
  emb__rows_free(r);
  fclose(f);
  free(o.buf);
}

static void test_formats(void **state) {
  (void)state;
  assert_int_equal(emb__rows_format_of_path("a/b.csv"), EMB__ROWS_CSV);
  assert_int_equal(emb__rows_format_of_path("b.JSONL"), EMB__ROWS_JSONL);
  assert_int_equal(emb__rows_format_of_path("b.ndjson"), EMB__ROWS_JSONL);
  assert_int_equal(emb__rows_format_of_path("b.txt"), -1);
  assert_int_equal(emb__rows_format_of_path("dir.csv/b"), -1);
  assert_int_equal(emb__rows_format_of_path("-"), -1);
  assert_int_equal(emb__rows_format_parse("csv"), EMB__ROWS_CSV);
  assert_int_equal(emb__rows_format_parse("xml"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_csv_table), cmocka_unit_test(test_jsonl_table),
      cmocka_unit_test(test_raw_only),  cmocka_unit_test(test_limits),
      cmocka_unit_test(test_seek),      cmocka_unit_test(test_formats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
