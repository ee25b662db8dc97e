/* Unit tests: transactions as JSON (docs/check.md): a full transaction,
 * defaults, and bad inputs one by one (table-driven), each with the status
 * and the field its message must name; the size limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the standard headers above. */
#include <cmocka.h>

#include "../../src/lib/rules/rules_internal.h"
#include "embargo/embargo.h"

static emb_status parse(const char *json, char *err, size_t n, emb_txn **out) {
  return emb_txn_parse(json, strlen(json), err, n, out);
}

static void test_full(void **state) {
  (void)state;
  const char *j =
      "{\"date\":\"2021-01-15\",\"from\":\"US\",\"to\":\"CN\","
      "\"activity\":\"reexport\",\"items\":[{\"eccn\":\"3A090.C\","
      "\"description\":\"GPU\",\"origin\":\"TW\",\"us_content_pct\":12.5,"
      "\"direct_product_of_us_technology\":true},{\"eccn\":\"EAR99\"}],"
      "\"parties\":[{\"role\":\"purchaser\",\"name\":\"Acme\",\"country\":"
      "\"HK\"},{\"role\":\"end_user\",\"name\":\"SMIC\"}],"
      "\"end_uses\":[\"military\",\"supercomputer\"]}";
  char err[200];
  emb_txn *t = NULL;
  assert_int_equal(parse(j, err, sizeof(err), &t), EMB_OK);
  assert_int_equal(t->date, 20210115);
  assert_int_equal(t->from, EMB__CC('U', 'S'));
  assert_int_equal(t->to, EMB__CC('C', 'N'));
  assert_string_equal(t->activity, "reexport");
  assert_int_equal(t->n_items, 2);
  const emb__txn_item *it = &t->items[0];
  assert_string_equal(it->eccn, "3A090.C");
  assert_string_equal(it->para, "c");
  assert_int_equal(it->para_len, 1);
  int code;
  size_t off;
  assert_true(emb__eccn_parse("3A090", 5, &code, &off));
  assert_int_equal(it->code, code);
  assert_int_equal(it->origin, EMB__CC('T', 'W'));
  assert_true(it->us_content_pct == 12.5);
  assert_int_equal(it->direct_product, 1);
  assert_string_equal(it->description, "GPU");
  it = &t->items[1];
  assert_int_equal(it->code, EMB__EAR99);
  assert_int_equal(it->origin, -1);
  assert_true(it->us_content_pct < 0);
  assert_int_equal(it->direct_product, -1);
  assert_int_equal(t->n_parties, 2);
  assert_int_equal(t->parties[0].role, EMB__ROLE_PURCHASER);
  assert_int_equal(t->parties[0].country, EMB__CC('H', 'K'));
  assert_int_equal(t->parties[1].role, EMB__ROLE_END_USER);
  assert_int_equal(t->parties[1].country, -1);
  assert_string_equal(t->parties[1].name, "SMIC");
  assert_int_equal(t->n_end_uses, 2);
  assert_true(emb__txn_has_end_use(t, "supercomputer"));
  assert_false(emb__txn_has_end_use(t, "military_intelligence"));
  emb_txn_free(t);
}

static void test_defaults(void **state) {
  (void)state;
  emb_txn *t = NULL;
  /* No date, activity, parties or end uses; nulls count as not given. */
  assert_int_equal(
      parse("{\"from\":\"DE\",\"to\":\"CU\",\"items\":[{\"eccn\":null,"
            "\"us_content_pct\":null}],\"parties\":null}",
            NULL, 0, &t),
      EMB_OK);
  assert_int_equal(t->date, 0);
  assert_string_equal(t->activity, "export");
  assert_int_equal(t->n_parties, 0);
  assert_int_equal(t->n_end_uses, 0);
  assert_null(t->items[0].eccn);
  assert_int_equal(t->items[0].code, -1);
  emb_txn_free(t);
  emb_txn_free(NULL);
}

typedef struct bad_txn {
  const char *json;
  emb_status st;
  const char *needle;
} bad_txn;

#define TXN(rest) "{\"from\":\"US\",\"to\":\"CN\"," rest "}"
#define ITEMS "\"items\":[{\"eccn\":\"EAR99\"}]"

static const bad_txn bad[] = {
    {TXN("\"items\":[{\"eccn\":\"EAR99\"}],\"colour\":1"), EMB_ETXN,
     "\"colour\": unknown field"},
    {TXN("\"items\":[{\"eccn\":\"EAR99\",\"value\":5}]"), EMB_ETXN,
     "items[0].\"value\": unknown field"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"buyer\",\"name\":\"X\"}]"), EMB_ETXN,
     "parties[0].role: \"buyer\" is not a role"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\"}]"), EMB_ETXN,
     "parties[0].name: missing"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"  \"}]"),
     EMB_ETXN, "parties[0].name: empty"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"nickname\":\"Y\"}]"),
     EMB_ETXN, "parties[0].\"nickname\": unknown field"},
    {TXN(ITEMS ",\"date\":\"2021-02-30\""), EMB_ETXN,
     "date: \"2021-02-30\" is not a calendar date"},
    {TXN(ITEMS ",\"date\":\"15/01/2021\""), EMB_ETXN, "date:"},
    {"{\"from\":\"US\",\"to\":\"China\"," ITEMS "}", EMB_ETXN,
     "to: \"China\" is not an ISO 3166-1 alpha-2"},
    {"{\"from\":\"us\",\"to\":\"CN\"," ITEMS "}", EMB_ETXN, "from: \"us\""},
    {"{\"from\":\"US\",\"to\":\"XX\"," ITEMS "}", EMB_ETXN, "to: \"XX\""},
    {"{\"to\":\"CN\"," ITEMS "}", EMB_ETXN, "from: missing"},
    {TXN("\"items\":[{\"eccn\":\"EAR99\",\"origin\":\"USA\"}]"), EMB_ETXN,
     "items[0].origin: \"USA\""},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"country\":\"ZZ\"}]"),
     EMB_ETXN, "parties[0].country: \"ZZ\""},
    {TXN("\"items\":[{\"eccn\":\"EAR99\",\"us_content_pct\":120}]"), EMB_ETXN,
     "items[0].us_content_pct: 120 is outside 0..100"},
    {TXN("\"items\":[{\"eccn\":\"EAR99\",\"us_content_pct\":-1}]"), EMB_ETXN,
     "items[0].us_content_pct: -1 is outside 0..100"},
    {TXN("\"items\":[{\"eccn\":\"EAR99\",\"us_content_pct\":\"20%\"}]"),
     EMB_ETXN, "items[0].us_content_pct: not a number"},
    {TXN("\"items\":[{\"eccn\":\"EAR99\","
         "\"direct_product_of_us_technology\":\"yes\"}]"),
     EMB_ETXN, "items[0].direct_product_of_us_technology: not true"},
    {TXN("\"items\":[{\"eccn\":\"9Z999\"}]"), EMB_ETXN,
     "items[0].eccn: \"9Z999\" is not an ECCN"},
    {TXN("\"items\":[{\"eccn\":\"3A090.\"}]"), EMB_ETXN, "items[0].eccn"},
    {TXN("\"items\":[]"), EMB_ETXN, "items: missing or empty"},
    {TXN("\"parties\":[]"), EMB_ETXN, "items: missing or empty"},
    {TXN("\"items\":{}"), EMB_ETXN, "items: missing or empty"},
    {TXN("\"items\":[\"EAR99\"]"), EMB_ETXN, "items[0]: not an object"},
    {TXN(ITEMS ",\"end_uses\":[\"Military Use\"]"), EMB_ETXN,
     "end_uses[0]: not a word"},
    {TXN(ITEMS ",\"activity\":7"), EMB_ETXN, "activity: not a word"},
    /* Fields of issue #6: classifications, makers, flags, owners,
     * licences. */
    {TXN("\"items\":[{\"classification\":[\"3B001\"]}]"), EMB_ETXN,
     "items[0].classification: not an object"},
    {TXN("\"items\":[{\"classification\":{\"nl\":\"3B001\"}}]"), EMB_ETXN,
     "items[0].classification: \"nl\" is not a scheme"},
    {TXN("\"items\":[{\"classification\":{\"NL\":\"3B 001\"}}]"), EMB_ETXN,
     "items[0].classification.NL: not a control-list code"},
    {TXN("\"items\":[{\"manufacturer\":7}]"), EMB_ETXN,
     "items[0].manufacturer: not a string"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"supplier\",\"name\":\"X\","
               "\"flags\":[\"CIIO\"]}]"),
     EMB_ETXN, "parties[0].flags[0]: not a word"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"owners\":[{\"name\":\"Y\"}]}]"),
     EMB_ETXN, "parties[0].owners[0].share_pct: missing"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"owners\":[{\"name\":\"Y\",\"share_pct\":101}]}]"),
     EMB_ETXN, "parties[0].owners[0].share_pct: 101 is outside 0..100"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"owners\":[{\"name\":\"Y\",\"share_pct\":60},{\"name\":"
               "\"Z\",\"share_pct\":60}]}]"),
     EMB_ETXN, "parties[0].owners: the shares add up to 120%"},
    {TXN(ITEMS ",\"parties\":[{\"role\":\"end_user\",\"name\":\"X\","
               "\"owners\":[{\"name\":\"Y\",\"share_pct\":50,\"owners\":"
               "[{\"name\":\"\",\"share_pct\":1}]}]}]"),
     EMB_ETXN, "parties[0].owners[0].owners[0].name: empty"},
    {TXN(ITEMS ",\"licences\":[{\"number\":\"L1\"}]"), EMB_ETXN,
     "licences[0].regime: missing"},
    {TXN(ITEMS ",\"licences\":[{\"regime\":\"NL\",\"granted\":"
               "\"2024-13-01\"}]"),
     EMB_ETXN, "licences[0].granted: not a calendar date"},
    {TXN(ITEMS ",\"licences\":{}"), EMB_ETXN, "licences: not an array"},
    {"[1,2]", EMB_ETXN, "not a JSON object"},
    {"{\"from\":\"US\",", EMB_EPARSE, "JSON, line 1"},
    {"{\"from\":\"US\",\"from\":\"DE\",\"to\":\"CN\"," ITEMS "}", EMB_EPARSE,
     "duplicate"},
};

static void test_bad(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    char err[300] = "unset";
    emb_txn *t = (emb_txn *)err; /* must be reset to NULL */
    emb_status st = parse(bad[i].json, err, sizeof(err), &t);
    if (st != bad[i].st || t != NULL || strstr(err, bad[i].needle) == NULL)
      fail_msg("case %zu: %s, \"%s\"; wanted %s with \"%s\"", i,
               emb_status_name(st), err, emb_status_name(bad[i].st),
               bad[i].needle);
  }
}

static void test_limits(void **state) {
  (void)state;
  char err[200];
  emb_txn *t = NULL;
  /* 257 items, 65 parties, 1 MiB. */
  size_t cap = 2 * 1024 * 1024;
  char *j = malloc(cap);
  assert_non_null(j);
  size_t n = (size_t)snprintf(j, cap,
                              "{\"from\":\"US\",\"to\":\"CN\","
                              "\"items\":[");
  for (int i = 0; i < 257; i++)
    n += (size_t)snprintf(j + n, cap - n, "%s{\"eccn\":\"EAR99\"}",
                          i ? "," : "");
  snprintf(j + n, cap - n, "]}");
  assert_int_equal(parse(j, err, sizeof(err), &t), EMB_ETOOBIG);
  assert_non_null(strstr(err, "items: more than 256"));
  n = (size_t)snprintf(
      j, cap, "{\"from\":\"US\",\"to\":\"CN\"," ITEMS ",\"parties\":[");
  for (int i = 0; i < 65; i++)
    n += (size_t)snprintf(j + n, cap - n,
                          "%s{\"role\":\"end_user\",\"name\":\"P%d\"}",
                          i ? "," : "", i);
  snprintf(j + n, cap - n, "]}");
  assert_int_equal(parse(j, err, sizeof(err), &t), EMB_ETOOBIG);
  assert_non_null(strstr(err, "parties: more than 64"));
  /* A name over EMB_MAX_QUERY bytes. */
  n = (size_t)snprintf(j, cap,
                       "{\"from\":\"US\",\"to\":\"CN\"," ITEMS
                       ",\"parties\":[{\"role\":\"end_user\","
                       "\"name\":\"");
  memset(j + n, 'a', 2000);
  n += 2000;
  snprintf(j + n, cap - n, "\"}]}");
  assert_int_equal(parse(j, err, sizeof(err), &t), EMB_ETOOBIG);
  assert_non_null(strstr(err, "parties[0].name: longer than"));
  /* The whole document. */
  memset(j, ' ', cap);
  memcpy(j, "{}", 2);
  assert_int_equal(emb_txn_parse(j, EMB_TXN_MAX_JSON + 1, err, sizeof(err), &t),
                   EMB_ETOOBIG);
  assert_null(t);
  free(j);
  /* A small error buffer is cut, not overrun. */
  char small[8];
  assert_int_equal(parse("[]", small, sizeof(small), &t), EMB_ETXN);
  assert_int_equal(strlen(small), 7);
}

/* Random byte changes to a valid transaction never crash the parser, and
 * every failure says why. */
static void test_mutations(void **state) {
  (void)state;
  const char *base =
      "{\"date\":\"2021-01-15\",\"from\":\"US\",\"to\":\"CN\",\"items\":[{"
      "\"eccn\":\"3A090.c\",\"origin\":\"TW\",\"us_content_pct\":12.5,"
      "\"direct_product_of_us_technology\":true}],\"parties\":[{\"role\":"
      "\"end_user\",\"name\":\"SMIC\",\"country\":\"CN\"}],\"end_uses\":["
      "\"military\"]}";
  size_t n = strlen(base);
  char buf[512];
  uint64_t x = 88172645463325252ull;
  static const char bytes[] = "{}[]\":,.-0129aeEnul \\\xff\xc3";
  for (int round = 0; round < 5000; round++) {
    memcpy(buf, base, n + 1);
    int edits = 1 + round % 4;
    for (int e = 0; e < edits; e++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      buf[x % n] = bytes[(x >> 32) % (sizeof(bytes) - 1)];
    }
    char err[200] = "";
    emb_txn *t = NULL;
    emb_status st = emb_txn_parse(buf, n, err, sizeof(err), &t);
    if (st == EMB_OK) {
      assert_non_null(t);
      assert_true(t->n_items >= 1);
      emb_txn_free(t);
    } else {
      assert_null(t);
      assert_true(strlen(err) > 0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full),      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_bad),       cmocka_unit_test(test_limits),
      cmocka_unit_test(test_mutations),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  emb_cleanup();
  return rc;
}
