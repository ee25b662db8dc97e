/* Unit tests: the per-thread LRU cache of batch screening results
 * (src/lib/batch/cache.c). A table of operations is run against the cache
 * and against a simple model (an array in recency order), and every
 * lookup must agree.
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

#include "../../src/lib/batch/cache.h"

typedef struct op {
  char kind; /* 'p' put, 'g' get (want: value or NULL) */
  const char *key;
  const char *val; /* put: the value; get: what must come back */
} op;

typedef struct scase {
  size_t entries, bytes;
  op ops[16];
} scase;

static const scase cases[] = {
    /* Plain get and put; a miss. */
    {4, 1000, {{'p', "a", "1"}, {'g', "a", "1"}, {'g', "b", NULL}}},
    /* The least recently used goes first: a get refreshes "a". */
    {2,
     1000,
     {{'p', "a", "1"},
      {'p', "b", "2"},
      {'g', "a", "1"},
      {'p', "c", "3"},
      {'g', "b", NULL},
      {'g', "a", "1"},
      {'g', "c", "3"}}},
    /* Replacing a key keeps one entry, with the new value. */
    {2,
     1000,
     {{'p', "a", "1"},
      {'p', "a", "one"},
      {'p', "b", "2"},
      {'g', "a", "one"},
      {'g', "b", "2"}}},
    /* The byte bound evicts too (keys and values count). */
    {100,
     40,
     {{'p', "k1", "12345678"},
      {'p', "k2", "12345678"},
      {'p', "k3", "12345678"},
      {'p', "k4", "12345678"},
      {'g', "k1", "12345678"},
      {'p', "k5", "12345678"},
      {'g', "k2", NULL},
      {'g', "k1", "12345678"},
      {'g', "k5", "12345678"}}},
    /* A value past a quarter of the bytes is not stored. */
    {100, 40, {{'p', "big", "0123456789abcdef"}, {'g', "big", NULL}}},
    /* Keys are byte strings: a prefix is another key. */
    {8,
     1000,
     {{'p', "ab", "x"},
      {'g', "a", NULL},
      {'g', "abc", NULL},
      {'g', "ab", "x"}}},
};

static void test_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const scase *c = &cases[i];
    emb__lru *lru = emb__lru_new(c->entries, c->bytes);
    assert_non_null(lru);
    for (size_t k = 0; k < 16 && c->ops[k].kind; k++) {
      const op *o = &c->ops[k];
      if (o->kind == 'p') {
        assert_int_equal(
            emb__lru_put(lru, o->key, strlen(o->key), o->val, strlen(o->val)),
            0);
        continue;
      }
      size_t vlen = 0;
      const char *v = emb__lru_get(lru, o->key, strlen(o->key), &vlen);
      if (o->val == NULL) {
        if (v != NULL)
          fail_msg("case %zu op %zu: '%s' should be gone", i, k, o->key);
      } else {
        if (v == NULL) fail_msg("case %zu op %zu: '%s' missing", i, k, o->key);
        assert_int_equal(vlen, strlen(o->val));
        assert_memory_equal(v, o->val, vlen);
      }
    }
    emb__lru_free(lru);
  }
}

/* Many random operations against a model kept in recency order. */
static void test_model(void **state) {
  (void)state;
  enum { CAP = 50, KEYS = 200 };
  emb__lru *lru = emb__lru_new(CAP, 1 << 20);
  assert_non_null(lru);
  int model[CAP], n = 0; /* most recent first */
  unsigned seed = 12345;
  for (int step = 0; step < 100000; step++) {
    seed = seed * 1103515245u + 12345u;
    int key = (int)((seed >> 8) % KEYS);
    char kb[16];
    int kl = snprintf(kb, sizeof(kb), "k%d", key);
    int pos = -1;
    for (int i = 0; i < n; i++)
      if (model[i] == key) pos = i;
    if ((seed >> 4) & 1) {
      char vb[16];
      int vl = snprintf(vb, sizeof(vb), "v%d", key * 7);
      assert_int_equal(emb__lru_put(lru, kb, (size_t)kl, vb, (size_t)vl), 0);
      if (pos < 0) pos = n < CAP ? n++ : CAP - 1; /* evict the last */
      memmove(model + 1, model, (size_t)pos * sizeof(int));
      model[0] = key;
    } else {
      size_t vlen;
      const char *v = emb__lru_get(lru, kb, (size_t)kl, &vlen);
      assert_int_equal(v != NULL, pos >= 0);
      if (pos >= 0) {
        char vb[16];
        int vl = snprintf(vb, sizeof(vb), "v%d", key * 7);
        assert_int_equal(vlen, (size_t)vl);
        assert_memory_equal(v, vb, vlen);
        memmove(model + 1, model, (size_t)pos * sizeof(int));
        model[0] = key;
      }
    }
    assert_int_equal(emb__lru_count(lru), (size_t)n);
  }
  assert_true(emb__lru_hits(lru) > 0 && emb__lru_misses(lru) > 0);
  emb__lru_free(lru);
  emb__lru_free(NULL);
  assert_null(emb__lru_new(0, 10));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
