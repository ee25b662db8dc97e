/* Unit tests: the index and emb_screen/emb_compare through the public API,
 * on a made-up fixture list (tests/data/screen-fixture.jsonl). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
#include <cmocka.h>
/* clang-format on */

#include "embargo/embargo.h"

static emb_listset *ls;
static emb_index *ix;

static int setup(void **state) {
  (void)state;
  char path[4096];
  const char *dir = getenv("EMBARGO_TEST_DATA");
  snprintf(path, sizeof(path), "%s/screen-fixture.jsonl", dir ? dir : ".");
  const char *paths[1] = {path};
  emb_load_opts lo = {0};
  if (emb_listset_load(paths, 1, &lo, &ls) != EMB_OK) return -1;
  return emb_index_build(ls, &ix) == EMB_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  emb_index_free(ix);
  emb_listset_free(ls);
  emb_cleanup();
  return 0;
}

/* The best hit's entity id for a query with the given options, or "". */
static const char *top(const char *q, const emb_screen_opts *o, double *score,
                       int *match) {
  static char id[64];
  emb_result *r = NULL;
  assert_int_equal(emb_screen(ix, q, strlen(q), o, &r), EMB_OK);
  id[0] = '\0';
  *score = 0;
  *match = 0;
  if (emb_result_count(r) > 0) {
    const emb_hit *h = emb_result_hit(r, 0);
    snprintf(id, sizeof(id), "%s", h->entity->id);
    *score = h->score;
    *match = h->match;
    /* Every explanation adds up to its score (pairs' similarity times
     * weight), unless the match was by initials. */
    if (strcmp(h->explain.form, "acronym") != 0) {
      double sum = 0;
      for (size_t i = 0; i < h->explain.n_pairs; i++)
        sum += h->explain.pairs[i].similarity * h->explain.pairs[i].weight;
      if (sum < h->score - 0.08 || sum > h->score + 1e-6)
        fail_msg("explanation of '%s' sums to %f, score %f", q, sum, h->score);
    }
  }
  emb_result_free(r);
  return id;
}

static void test_queries(void **state) {
  (void)state;
  static const struct {
    const char *q;
    const char *want; /* "" for no hit at all */
    int match;
  } cases[] = {
      {"Acme Quantum Semiconductor Co Ltd", "EL:acme", 1},
      {"ACME QUANTUM SEMICONDUCTOR COMPANY LIMITED", "EL:acme", 1},
      {"Acme Quantum Semiconducter", "EL:acme", 1}, /* typo */
      {"Semiconductor Quantum Acme", "EL:acme", 1}, /* word order */
      {"AQS", "EL:acme", 1},                        /* alias */
      {"艾克米量子半导体有限公司", "EL:acme", 1},   /* script */
      {"艾克米量子半導體有限公司", "EL:acme", 1},   /* traditional */
      {"Ivan Sergeyevich Petrovsky", "SDN:1", 1},   /* person order */
      {"Иван Петровский", "SDN:1", 0},              /* partial, below */
      {"Huawei Trading", "UVL:1", 1},               /* joined */
      {"Zenith Lithography Systems Intl Corp", "EL:zenith", 1}, /* abbrev */
      {"ZLSI", "EL:zenith", 1},                                 /* initials */
      {"Semiconductor", "", 0}, /* one common word */
      {"Corporation", "", 0},
      {"", "", 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    double score;
    int match;
    const char *id = top(cases[i].q, NULL, &score, &match);
    if (strcmp(id, cases[i].want) != 0 ||
        (cases[i].want[0] && match != cases[i].match))
      fail_msg(
          "case %zu '%s': top '%s' (score %f, match %d), want '%s' "
          "match %d",
          i, cases[i].q, id, score, match, cases[i].want, cases[i].match);
  }
}

static void test_filters(void **state) {
  (void)state;
  double score;
  int match;
  emb_screen_opts o;
  const char *lists[] = {"SDN"};
  emb_screen_opts_init(&o);
  o.lists = lists;
  o.n_lists = 1;
  assert_string_equal(top("Acme Quantum Semiconductor", &o, &score, &match),
                      "");
  emb_screen_opts_init(&o);
  o.country = "NL";
  assert_string_equal(top("Acme Quantum Semiconductor", &o, &score, &match),
                      "");
  emb_screen_opts_init(&o);
  o.type = EMB_TYPE_PERSON;
  assert_string_equal(top("Acme Quantum Semiconductor", &o, &score, &match),
                      "");
  /* Dates: before the start date, in force, after the end date. */
  emb_screen_opts_init(&o);
  o.as_of = "2020-12-17";
  assert_string_equal(top("Acme Quantum Semiconductor", &o, &score, &match),
                      "");
  o.as_of = "2020-12-18";
  assert_string_equal(top("Acme Quantum Semiconductor", &o, &score, &match),
                      "EL:acme");
  o.as_of = "2024-07-01";
  assert_string_equal(top("Zenith Lithography Systems", &o, &score, &match),
                      "");
  o.as_of = "2024-06-29";
  assert_string_equal(top("Zenith Lithography Systems", &o, &score, &match),
                      "EL:zenith");
  /* A higher threshold turns a match into a hit for review. */
  emb_screen_opts_init(&o);
  o.threshold = 0.999;
  top("Acme Quantum Semiconducter", &o, &score, &match);
  assert_false(match);
}

static void test_bad_input(void **state) {
  (void)state;
  emb_result *r = NULL;
  assert_int_equal(emb_screen(ix, "\xc0\xaf", 2, NULL, &r), EMB_EUTF8);
  assert_null(r);
  char big[EMB_MAX_QUERY + 2];
  memset(big, 'a', sizeof(big));
  assert_int_equal(emb_screen(ix, big, sizeof(big), NULL, &r), EMB_ETOOBIG);
  assert_int_equal(emb_screen(NULL, "x", 1, NULL, &r), EMB_EINVAL);
}

/* Typo corrections lengthen words ("COMPNY" -> "COMPANY"); a query of the
 * largest size made of such words and punctuation once wrote past the
 * corrected-text buffer on the stack. It must screen as given. */
static void test_corrections_at_max_length(void **state) {
  (void)state;
  char q[EMB_MAX_QUERY];
  size_t k = 0;
  while (k + 7 <= 700) {
    memcpy(q + k, "COMPNY,", 7);
    k += 7;
  }
  memset(q + k, ',', sizeof(q) - k);
  emb_result *r = NULL;
  assert_int_equal(emb_screen(ix, q, sizeof(q), NULL, &r), EMB_OK);
  emb_result_free(r);
  /* The same with the corrections spread over the whole length. */
  for (k = 0; k + 7 <= sizeof(q); k += 7) memcpy(q + k, "COMPNY ", 7);
  memset(q + k, ' ', sizeof(q) - k);
  r = NULL;
  assert_int_equal(emb_screen(ix, q, sizeof(q), NULL, &r), EMB_OK);
  emb_result_free(r);
}

static void test_compare(void **state) {
  (void)state;
  static const struct {
    const char *a, *b;
    emb_entity_type t;
    int match;
  } cases[] = {
      {"Huawei Technologies Co., Ltd.", "HUAWEI TECHNOLOGIES COMPANY LIMITED",
       EMB_TYPE_UNKNOWN, 1},
      {"SMITH, John", "John Smith", EMB_TYPE_PERSON, 1},
      {"John Smith", "John Edward Smith", EMB_TYPE_PERSON, 0},
      {"Submicron Systems", "Micron Technology", EMB_TYPE_UNKNOWN, 0},
      {"Kosmicheskii", "SMIC", EMB_TYPE_UNKNOWN, 0},
      {"華為技術有限公司", "华为技术有限公司", EMB_TYPE_UNKNOWN, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    emb_result *r = NULL;
    assert_int_equal(emb_compare(ix, cases[i].a, strlen(cases[i].a), cases[i].b,
                                 strlen(cases[i].b), cases[i].t, 0, &r),
                     EMB_OK);
    const emb_hit *h = emb_result_hit(r, 0);
    if (h->match != cases[i].match)
      fail_msg("compare %zu '%s' / '%s': score %f match %d", i, cases[i].a,
               cases[i].b, h->score, h->match);
    emb_result_free(r);
  }
}

static void *screen_many(void *arg) {
  long *ok = arg;
  for (int i = 0; i < 2000; i++) {
    emb_result *r = NULL;
    const char *q = (i & 1) ? "Acme Quantum Semiconducter" : "Иван Петровский";
    if (emb_screen(ix, q, strlen(q), NULL, &r) == EMB_OK &&
        emb_result_count(r) > 0)
      (*ok)++;
    emb_result_free(r);
  }
  return NULL;
}

/* The index is shared read-only by threads; each gets the same answers. */
static void test_threads(void **state) {
  (void)state;
  pthread_t t[4];
  long ok[4] = {0};
  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, screen_many, &ok[i]);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  for (int i = 0; i < 4; i++) assert_int_equal(ok[i], 2000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_queries),
      cmocka_unit_test(test_filters),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_corrections_at_max_length),
      cmocka_unit_test(test_compare),
      cmocka_unit_test(test_threads),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
