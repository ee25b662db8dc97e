/* Unit tests: list diffs (emb_diff_compute), the subset index and
 * re-screening, on two handmade CSL versions (tests/data/diff/old.csv and
 * new.csv) holding one case of every change type. */
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

#include "../../src/lib/diff/diff_internal.h"
#include "../../src/lib/match/index_internal.h"
#include "embargo/diff.h"
#include "embargo/embargo.h"

static emb_listset *old_ls, *new_ls;
static emb_index *old_ix, *new_ix;
static emb_diff *diff;

static emb_listset *load(const char *name) {
  char path[4096];
  const char *dir = getenv("EMBARGO_TEST_DATA");
  snprintf(path, sizeof(path), "%s/diff/%s", dir ? dir : ".", name);
  const char *paths[1] = {path};
  emb_load_opts lo = {0};
  emb_listset *ls = NULL;
  return emb_listset_load(paths, 1, &lo, &ls) == EMB_OK ? ls : NULL;
}

static int setup(void **state) {
  (void)state;
  old_ls = load("old.csv");
  new_ls = load("new.csv");
  if (old_ls == NULL || new_ls == NULL) return -1;
  if (emb_index_build(old_ls, &old_ix) != EMB_OK) return -1;
  if (emb_index_build(new_ls, &new_ix) != EMB_OK) return -1;
  return emb_diff_compute(old_ls, new_ls, NULL, &diff) == EMB_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  emb_diff_free(diff);
  emb_index_free(old_ix);
  emb_index_free(new_ix);
  emb_listset_free(old_ls);
  emb_listset_free(new_ls);
  emb_cleanup();
  return 0;
}

#define F(x) (1u << EMB_DIFF_##x)

/* The change of the entity named `name` (primary name of its NEW or OLD
 * version) in list `list` of kind `kind`, or NULL. */
static const emb_entity_change *find(const char *list, const char *name,
                                     emb_change_kind kind) {
  for (size_t i = 0; i < emb_diff_change_count(diff); i++) {
    const emb_entity_change *c = emb_diff_change(diff, i);
    const emb_entity *e = c->new_entity ? c->new_entity : c->old_entity;
    if (c->kind == kind && strcmp(e->list, list) == 0 &&
        strcmp(e->names[0].text, name) == 0)
      return c;
  }
  return NULL;
}

typedef struct change_case {
  const char *list, *name;
  emb_change_kind kind;
  unsigned fields; /* for changed entities */
  int by_id;
} change_case;

static void test_changes(void **state) {
  (void)state;
  static const change_case cases[] = {
      /* Paired by OFAC number although the primary name changed. */
      {"SDN", "KARIMI, Reza Ali", EMB_CHANGE_CHANGED, F(NAME) | F(NAMES), 1},
      {"SDN", "OLD HAVANA SHIPPING", EMB_CHANGE_REMOVED, 0, 0},
      {"SDN", "BETA HOLDINGS", EMB_CHANGE_CHANGED,
       F(NAMES) | F(PROGRAMS) | F(ADDRESSES) | F(COUNTRIES) | F(IDS), 1},
      {"SDN", "SEA STAR", EMB_CHANGE_CHANGED, F(TYPE), 1},
      {"SDN", "OMEGA EXCHANGE", EMB_CHANGE_ADDED, 0, 0},
      {"EL", "Gamma Electronics Co.", EMB_CHANGE_CHANGED,
       F(CITATION) | F(LICENSE_POLICY), 0},
      /* No number: a renamed entry is one removed and one added. */
      {"EL", "Delta Research Institute", EMB_CHANGE_REMOVED, 0, 0},
      {"EL", "Delta Research Institute No. 2", EMB_CHANGE_ADDED, 0, 0},
      {"EL", "Epsilon Ltd.", EMB_CHANGE_CHANGED, F(END_DATE), 0},
      /* Two entries of one name: the identical ones pair, then by
       * country. */
      {"EL", "Zeta Corp", EMB_CHANGE_CHANGED, F(ADDRESSES), 0},
  };
  size_t n = sizeof(cases) / sizeof(cases[0]);
  for (size_t i = 0; i < n; i++) {
    const change_case *k = &cases[i];
    const emb_entity_change *c = find(k->list, k->name, k->kind);
    if (c == NULL) fail_msg("no change for %s %s", k->list, k->name);
    if (k->kind == EMB_CHANGE_CHANGED) {
      if (c->fields != k->fields)
        fail_msg("%s: fields %#x, wanted %#x", k->name, c->fields, k->fields);
      assert_int_equal(c->by_id, k->by_id);
    }
  }
  /* Nothing else changed: case, spacing and alias order are not changes,
   * and the fields a whole version lacks are not compared. */
  assert_int_equal(emb_diff_change_count(diff), n);
  assert_null(find("SDN", "ALPHA TRADING LLC", EMB_CHANGE_CHANGED));
}

typedef struct count_case {
  const char *list;
  size_t added, removed, changed, unchanged;
} count_case;

static void test_counts(void **state) {
  (void)state;
  static const count_case cases[] = {
      {"DTC", 0, 0, 0, 2},
      {"EL", 1, 1, 3, 1},
      {"SDN", 1, 1, 3, 1},
      {"UVL", 0, 0, 0, 2},
  };
  size_t n = sizeof(cases) / sizeof(cases[0]);
  assert_int_equal(emb_diff_list_count(diff), n);
  for (size_t i = 0; i < n; i++) {
    const emb_diff_count *c = emb_diff_list_at(diff, i);
    assert_string_equal(c->list, cases[i].list);
    assert_int_equal(c->added, cases[i].added);
    assert_int_equal(c->removed, cases[i].removed);
    assert_int_equal(c->changed, cases[i].changed);
    assert_int_equal(c->unchanged, cases[i].unchanged);
  }
}

static void test_absent(void **state) {
  (void)state;
  static const emb_diff_absent want[] = {
      {"DTC", EMB_DIFF_ADDRESSES, 1, 1},
      {"DTC", EMB_DIFF_COUNTRIES, 1, 1},
      {"UVL", EMB_DIFF_REMARKS, 1, 0},
  };
  size_t n = sizeof(want) / sizeof(want[0]);
  assert_int_equal(emb_diff_absent_count(diff), n);
  for (size_t i = 0; i < n; i++) {
    const emb_diff_absent *a = emb_diff_absent_at(diff, i);
    assert_string_equal(a->list, want[i].list);
    assert_int_equal(a->field, want[i].field);
    assert_int_equal(a->in_new, want[i].in_new);
    assert_int_equal(a->reduced, want[i].reduced);
  }
}

static void test_list_filter(void **state) {
  (void)state;
  const char *codes[] = {"el"};
  emb_diff_opts o = {.lists = codes, .n_lists = 1};
  emb_diff *d = NULL;
  assert_int_equal(emb_diff_compute(old_ls, new_ls, &o, &d), EMB_OK);
  assert_int_equal(emb_diff_change_count(d), 5);
  assert_int_equal(emb_diff_list_count(d), 1);
  emb_diff_free(d);
  /* A version against itself: no change at all. */
  assert_int_equal(emb_diff_compute(new_ls, new_ls, NULL, &d), EMB_OK);
  assert_int_equal(emb_diff_change_count(d), 0);
  assert_int_equal(emb_diff_absent_count(d), 0);
  emb_diff_free(d);
}

static void test_json(void **state) {
  (void)state;
  const emb_entity_change *c = find("SDN", "BETA HOLDINGS", EMB_CHANGE_CHANGED);
  assert_non_null(c);
  json_t *j = emb__diff_change_json(diff, c);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "change")),
                      "changed");
  json_t *names = json_object_get(json_object_get(j, "fields"), "names");
  json_t *add = json_object_get(names, "added");
  json_t *rem = json_object_get(names, "removed");
  assert_int_equal(json_array_size(add), 1);
  assert_int_equal(json_array_size(rem), 1);
  assert_string_equal(json_string_value(json_array_get(add, 0)), "BETA SAL");
  assert_string_equal(json_string_value(json_array_get(rem, 0)), "BETA HLDG");
  json_decref(j);
  c = find("EL", "Gamma Electronics Co.", EMB_CHANGE_CHANGED);
  j = emb__diff_change_json(diff, c);
  json_t *pol = json_object_get(json_object_get(j, "fields"), "license_policy");
  assert_string_equal(json_string_value(json_object_get(pol, "old")),
                      "Presumption of denial.");
  assert_string_equal(json_string_value(json_object_get(pol, "new")),
                      "Policy of denial.");
  json_decref(j);
  j = emb__diff_summary_json(diff);
  json_t *sdn = json_object_get(json_object_get(j, "summary"), "SDN");
  assert_int_equal(json_integer_value(json_object_get(sdn, "changed")), 3);
  json_decref(j);
}

/* The subset index scores a kept entity exactly as the full index does. */
static void test_subset_scores(void **state) {
  (void)state;
  static const char *queries[] = {"Gamma Electronic", "Zeta Corporation",
                                  "Karimi Reza", "Beta Holding SAL",
                                  "Epsilon Limited"};
  size_t n = emb_listset_count(new_ls);
  unsigned char *keep = calloc(n, 1);
  assert_non_null(keep);
  for (size_t i = 0; i < n; i += 2) keep[i] = 1;
  emb_index *sub = NULL;
  assert_int_equal(emb__index_subset(new_ix, keep, &sub), EMB_OK);
  for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
    emb_screen_opts o;
    emb_screen_opts_init(&o);
    o.limit = 100;
    o.min_score = 0.3;
    emb_result *rf = NULL, *rs = NULL;
    const char *name = queries[q];
    assert_int_equal(emb_screen(new_ix, name, strlen(name), &o, &rf), EMB_OK);
    assert_int_equal(emb_screen(sub, name, strlen(name), &o, &rs), EMB_OK);
    for (size_t i = 0; i < emb_result_count(rs); i++) {
      const emb_hit *h = emb_result_hit(rs, i);
      size_t k = 0;
      while (k < n && emb_listset_entity(new_ls, k) != h->entity) k++;
      assert_true(k < n && keep[k]);
      int found = 0;
      for (size_t j = 0; j < emb_result_count(rf); j++) {
        const emb_hit *g = emb_result_hit(rf, j);
        if (g->entity != h->entity) continue;
        found = 1;
        if (g->score != h->score)
          fail_msg("%s: %s scores %f in the subset, %f in full", name,
                   h->entity->id, h->score, g->score);
      }
      assert_true(found);
    }
    emb_result_free(rf);
    emb_result_free(rs);
  }
  emb_index_free(sub);
  free(keep);
}

typedef struct rescreen_case {
  const char *name;
  emb_rescreen_kind kind;
  const char *entity_name; /* the changed entity's primary name */
} rescreen_case;

static void test_rescreen(void **state) {
  (void)state;
  static const rescreen_case cases[] = {
      {"Omega Exchange", EMB_RESCREEN_NEW_HIT, "OMEGA EXCHANGE"},
      {"Old Havana Shipping", EMB_RESCREEN_HIT_GONE, "OLD HAVANA SHIPPING"},
      {"Gamma Electronics Co", EMB_RESCREEN_HIT_CHANGED,
       "Gamma Electronics Co."},
      {"Delta Research Institute", EMB_RESCREEN_HIT_GONE,
       "Delta Research Institute"},
      /* The new primary name matches fully, the old one did not. */
      {"Karimi Reza Ali", EMB_RESCREEN_NEW_HIT, "KARIMI, Reza Ali"},
      /* A match in both: the entry's new names weigh differently. */
      {"Beta Holdings Sal", EMB_RESCREEN_SCORE_CHANGED, "BETA HOLDINGS"},
  };
  emb_rescreen *rs = NULL;
  assert_int_equal(emb_rescreen_new(diff, old_ix, new_ix, &rs), EMB_OK);
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    emb_rescreen_result *r = NULL;
    const char *q = cases[i].name;
    assert_int_equal(emb_rescreen_name(rs, q, strlen(q), NULL, &r), EMB_OK);
    int found = 0;
    for (size_t k = 0; k < emb_rescreen_result_count(r); k++) {
      const emb_rescreen_change *c = emb_rescreen_result_change(r, k);
      const emb_entity_change *ec = c->entity_change;
      const emb_entity *e = ec->new_entity ? ec->new_entity : ec->old_entity;
      if (strcmp(e->names[0].text, cases[i].entity_name) == 0 &&
          c->kind == cases[i].kind)
        found = 1;
    }
    if (!found)
      fail_msg("%s: no %s on %s", q, emb_rescreen_kind_name(cases[i].kind),
               cases[i].entity_name);
    emb_rescreen_result_free(r);
  }
  /* Unchanged entities give no result change. */
  emb_rescreen_result *r = NULL;
  assert_int_equal(emb_rescreen_name(rs, "Alpha Trading LLC", 17, NULL, &r),
                   EMB_OK);
  assert_int_equal(emb_rescreen_result_count(r), 0);
  emb_rescreen_result_free(r);
  emb_rescreen_free(rs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_changes),  cmocka_unit_test(test_counts),
      cmocka_unit_test(test_absent),   cmocka_unit_test(test_list_filter),
      cmocka_unit_test(test_json),     cmocka_unit_test(test_subset_scores),
      cmocka_unit_test(test_rescreen),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
