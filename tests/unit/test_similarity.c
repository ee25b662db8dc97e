/* Unit tests: per-token similarity and the bounded OSA distance. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/lib/match/similarity.h"

static void test_distance(void **state) {
  (void)state;
  static const struct {
    const char *a, *b;
    int max, want;
  } cases[] = {
      {"huawei", "huawei", 2, 0},
      {"huawei", "huawie", 2, 1},    /* transposition counts once */
      {"huawei", "huawi", 2, 1},     /* deletion */
      {"huawei", "hhuawei", 2, 1},   /* insertion */
      {"huawei", "huawel", 2, 1},    /* substitution */
      {"submicron", "micron", 2, 3}, /* beyond max: max + 1 */
      {"kosmicheskii", "smic", 2, 3},
      {"", "abc", 5, 3},
      {"abc", "", 1, 2},
      {"中芯国际", "中芯国际", 1, 0},
      {"中芯国际", "中芯国标", 1, 1}, /* one code point, three bytes */
      {"müller", "muller", 1, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int d = emb__osa_distance(cases[i].a, strlen(cases[i].a), cases[i].b,
                              strlen(cases[i].b), cases[i].max);
    if (d != cases[i].want)
      fail_msg("case %zu: osa(%s, %s) = %d, want %d", i, cases[i].a, cases[i].b,
               d, cases[i].want);
  }
}

static void test_similarity(void **state) {
  (void)state;
  static const struct {
    const char *a, *b;
    double lo, hi;
  } cases[] = {
      {"smic", "smic", 1.0, 1.0},
      {"smic", "smit", 0.0, 0.0},  /* short tokens must be exact */
      {"smic", "somic", 0.8, 0.8}, /* one letter short: weak pair */
      {"gren", "green", 0.8, 0.8},
      {"micron", "submicron", 0.0, 0.0}, /* whole-token matching */
      {"smic", "kosmicheskii", 0.0, 0.0},
      {"huawei", "huawie", 0.9, 0.95},
      {"semiconductor", "semiconducter", 0.95, 0.99},
      {"international", "internatonal", 0.95, 0.99},
      {"manufacturing", "manfacturing", 0.95, 0.99},
      {"smith", "smyth", 0.88, 0.92},
      {"zhang", "zhong", 0.88, 0.92},
      {"abcdef", "xbcdef", 0.85, 0.9}, /* first letter differs: -0.05 */
      {"alpha", "omega", 0.0, 0.0},
      {"technology", "technolgy", 0.94, 0.96},
      {"international", "intrenatonal", 0.9, 0.94}, /* two edits, long */
      {"technology", "technologies", 0.0, 0.0},     /* three edits */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    double s = emb__token_similarity(cases[i].a, strlen(cases[i].a), cases[i].b,
                                     strlen(cases[i].b));
    if (s < cases[i].lo - 1e-9 || s > cases[i].hi + 1e-9)
      fail_msg("case %zu: sim(%s, %s) = %f, want [%f, %f]", i, cases[i].a,
               cases[i].b, s, cases[i].lo, cases[i].hi);
  }
}

static void test_budget(void **state) {
  (void)state;
  assert_int_equal(emb__typo_budget(1, 1), 0);
  assert_int_equal(emb__typo_budget(3, 4), 0);
  assert_int_equal(emb__typo_budget(4, 4), 0); /* SMIC / SMIT */
  assert_int_equal(emb__typo_budget(4, 5), 1); /* GREN / GREEN */
  assert_int_equal(emb__typo_budget(5, 5), 1);
  assert_int_equal(emb__typo_budget(8, 9), 1);
  assert_int_equal(emb__typo_budget(9, 9), 2);
  assert_int_equal(emb__typo_budget(40, 41), 2);
}

static void test_long_tokens(void **state) {
  (void)state;
  char a[200], b[200];
  memset(a, 'a', 150);
  a[150] = '\0';
  memcpy(b, a, 151);
  /* Past 64 code points only equality counts; no overflow. */
  assert_int_equal(emb__osa_distance(a, 150, b, 150, 2), 0);
  b[10] = 'b';
  assert_int_equal(emb__osa_distance(a, 150, b, 150, 2), 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_distance),
      cmocka_unit_test(test_similarity),
      cmocka_unit_test(test_budget),
      cmocka_unit_test(test_long_tokens),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
