/* Unit tests: the weighted token-alignment score, table-driven over
 * hand-weighted token lists (no index: weights are given per token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/match/index_internal.h"

/* Tokens are written "text/weight/flags": flags L legal, G generic. */
/* buf must hold 256 bytes. */
static size_t parse(const char *spec, emb__stok *out, char *buf) {
  size_t n = 0;
  snprintf(buf, 256, "%s", spec);
  for (char *save = NULL, *t = strtok_r(buf, " ", &save); t;
       t = strtok_r(NULL, " ", &save)) {
    char *w = strchr(t, '/');
    char *f = w ? strchr(w + 1, '/') : NULL;
    if (w) *w++ = '\0';
    if (f) *f++ = '\0';
    out[n].text = t;
    out[n].len = (uint16_t)strlen(t);
    out[n].weight = w ? (float)strtod(w, NULL) : 1.0f;
    out[n].flags = 0;
    out[n].id = -1;
    if (f && strchr(f, 'L')) out[n].flags |= EMB__TOKF_LEGAL;
    if (f && strchr(f, 'G')) out[n].flags |= EMB__TOKF_GENERIC;
    out[n].mask = emb__letter_mask(out[n].text, out[n].len);
    n++;
  }
  return n;
}

static void test_scores(void **state) {
  (void)state;
  static const struct {
    const char *q, *c;
    int person;
    double lo, hi;
    const char *why;
  } cases[] = {
      {"huawei/0.9", "huawei/0.9", 0, 1.0, 1.0, "identical"},
      {"huawei/0.9 technology/0.3/G co/0.08/L ltd/0.08/L",
       "huawei/0.9 technology/0.3/G co/0.08/L ltd/0.08/L", 0, 1.0, 1.0,
       "identical with legal forms"},
      {"huawei/0.9", "huawei/0.9 technology/0.3/G co/0.08/L ltd/0.08/L", 0,
       0.86, 0.92, "organisation's extra generic words count half"},
      {"smith/0.6", "smith/0.6 john/0.5", 1, 0.6, 0.75,
       "a person's extra given name counts fully"},
      {"john/0.5 smith/0.6", "smith/0.6 john/0.5", 1, 1.0, 1.0,
       "word order does not matter"},
      {"corp/0.08/L", "xyz/1.0 corp/0.08/L", 0, 0.0, 0.3,
       "a legal form alone carries nothing"},
      {"international/0.3/G technology/0.3/G corp/0.08/L",
       "acme/1.0 international/0.3/G technology/0.3/G corp/0.08/L", 0, 0.6, 0.8,
       "generic words alone stay below the threshold"},
      {"hua/0.7 wei/0.7", "huawei/0.9", 0, 1.0, 1.0, "written apart"},
      {"huawei/0.9", "hua/0.7 wei/0.7", 0, 1.0, 1.0, "written together"},
      {"smic/1.0",
       "semiconductor/0.5 manufacturing/0.4 international/0.3/G "
       "corp/0.08/L",
       0, 0.88, 0.88, "initials of an organisation"},
      {"smic/1.0",
       "semiconductor/0.5 manufacturing/0.4 international/0.3/G "
       "corp/0.08/L",
       1, 0.0, 0.0, "initials never match a person"},
      {"kosmicheskii/1.0", "smic/1.0", 0, 0.0, 0.0, "whole tokens only"},
      {"submicron/1.0 systems/0.3/G", "micron/1.0 technology/0.3/G", 0, 0.0,
       0.0, "no distinctive token matched"},
      {"huawie/1.0 technologies/0.3/G", "huawei/0.9 technologies/0.3/G", 0,
       0.92, 0.97, "one typo"},
      {"", "huawei/0.9", 0, 0.0, 0.0, "empty query"},
      {"antonia/0.6 rodriguez/0.5", "rodriguez/0.5 antonio/0.6", 1, 0.6, 0.8,
       "a final-vowel variant of a person's name is another person"},
      {"antonia/0.6 rodriguez/0.5", "rodriguez/0.5 antonio/0.6", 0, 0.9, 1.0,
       "for organisations it is a typo"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    emb__stok q[16], c[16];
    char qb[256], cb[256];
    size_t nq = parse(cases[i].q, q, qb), nc = parse(cases[i].c, c, cb);
    emb__alignment al;
    double s = emb__score(q, nq, c, nc, cases[i].person, &al);
    if (s < cases[i].lo - 1e-6 || s > cases[i].hi + 1e-6)
      fail_msg("case %zu (%s): score %f, want [%f, %f]", i, cases[i].why, s,
               cases[i].lo, cases[i].hi);
    double s2 = emb__score(q, nq, c, nc, cases[i].person, NULL);
    assert_true(s == s2); /* the alignment output changes nothing */
  }
}

static void test_alignment_reports_pairs(void **state) {
  (void)state;
  emb__stok q[8], c[8];
  char qb[128], cb[128];
  size_t nq = parse("hua/0.7 wei/0.7 technology/0.3/G", q, qb);
  size_t nc = parse("huawei/0.9 technologies/0.3/G co/0.08/L", c, cb);
  emb__alignment al;
  emb__score(q, nq, c, nc, 0, &al);
  assert_int_equal(al.n, 1); /* technology/technologies is 3 edits */
  assert_int_equal(al.pairs[0].how, EMB__HOW_JOINED);
  assert_true(al.pairs[0].qmask == 3 && al.pairs[0].cmask == 1);
}

static void test_acronym(void **state) {
  (void)state;
  emb__stok t[8];
  char b[128], out[16];
  size_t n =
      parse("semiconductor manufacturing of international corp/1/L", t, b);
  t[2].flags = EMB__TOKF_GENERIC; /* "of" is a stop word */
  assert_int_equal(emb__acronym(t, n, 0, out, sizeof(out)), 3);
  assert_string_equal(out, "smi");
  assert_int_equal(emb__acronym(t, n, 1, out, sizeof(out)), 4);
  assert_string_equal(out, "smic");
  n = parse("two words", t, b);
  assert_int_equal(emb__acronym(t, n, 0, out, sizeof(out)), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scores),
      cmocka_unit_test(test_alignment_reports_pairs),
      cmocka_unit_test(test_acronym),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
