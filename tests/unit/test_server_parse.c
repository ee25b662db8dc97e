/* Unit tests: the HTTP server's request parsing (src/server/parse.c) and
 * API keys (src/server/auth.c). The server's files are compiled into this
 * test (the unit tests link the library only).
 *
 * Each parser case is a body, the status wanted, and a fragment the error
 * message must contain (the field it names), or for a success a summary
 * of what was parsed.
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

#include "../../src/server/auth.c"
#include "../../src/server/parse.c"

typedef struct pcase {
  const char *body;
  emb_status want;
  const char *frag; /* in the error, or in the summary on success */
} pcase;

/* "n=2 batch=1 [SMIC|lists=EL limit=3 thr=0.84] [...]" */
static void screen_summary(const srv_screen_req *r, char *buf, size_t cap) {
  size_t k = (size_t)snprintf(buf, cap, "n=%zu batch=%d", r->n, r->batch);
  for (size_t i = 0; i < r->n && k < cap; i++) {
    const srv_screen_q *q = &r->q[i];
    k += (size_t)snprintf(buf + k, cap - k, " [%.*s|", (int)q->len, q->name);
    for (size_t l = 0; l < q->so.n_lists && k < cap; l++)
      k += (size_t)snprintf(buf + k, cap - k, "%slists=%s", l ? "," : "",
                            q->so.lists[l]);
    if (k < cap)
      k += (size_t)snprintf(
          buf + k, cap - k, " limit=%zu thr=%.2f cc=%s type=%d as_of=%s]",
          q->so.limit, q->threshold, q->so.country ? q->so.country : "-",
          q->so.type, q->so.as_of ? q->so.as_of : "-");
  }
}

static const pcase screen_cases[] = {
    {"{\"name\": \"SMIC\"}", EMB_OK, "n=1 batch=0 [SMIC| limit=10 thr=0.84"},
    {"{\"names\": [\"A\", \"B\"], \"lists\": [\"EL\", \"MEU\"], \"limit\": 3}",
     EMB_OK, "n=2 batch=1 [A|lists=EL,lists=MEU limit=3 thr=0.84"},
    {"{\"queries\": [{\"name\": \"A\", \"country\": \"cn\"}, {\"name\": \"B\", "
     "\"threshold\": 0.9}], \"type\": \"person\"}",
     EMB_OK,
     "[A| limit=10 thr=0.84 cc=cn type=2 as_of=-] [B| limit=10 "
     "thr=0.90 cc=- type=2"},
    {"{\"name\": \"x\", \"as_of\": \"2024-02-29\"}", EMB_OK,
     "as_of=2024-02-29"},
    {"", EMB_EPARSE, "empty"},
    {"{\"name\": \"x\",\n \"limit\": }", EMB_EPARSE, "line 2, column"},
    {"{\"name\": \"x\"", EMB_EPARSE, "line 1"},
    {"{\"name\": \"\xc3\x28\"}", EMB_EUTF8, "byte 10"},
    {"{\"name\": \"\xed\xa0\x80\"}", EMB_EUTF8, "not valid UTF-8"},
    {"{\"name\": \"a\\u0000b\"}", EMB_EPARSE, "malformed JSON"},
    {"[1]", EMB_EINVAL, "must be a JSON object"},
    {"{\"name\": \"a\", \"name\": \"b\"}", EMB_EPARSE, "duplicate"},
    {"{\"name\": \"a\", \"x\": 1}", EMB_EINVAL, "unknown field 'x'"},
    {"{\"queries\": [{\"name\": \"a\", \"y\": 1}]}", EMB_EINVAL,
     "queries[0].unknown field 'y'"},
    {"{\"queries\": [{\"country\": \"CN\"}]}", EMB_EINVAL,
     "queries[0].name: missing"},
    {"{\"queries\": [\"a\"]}", EMB_EINVAL, "queries[0]: must be an object"},
    {"{\"name\": 1}", EMB_EINVAL, "name: must be a string"},
    {"{\"name\": \"\"}", EMB_EINVAL, "name: must not be empty"},
    {"{\"names\": [\"a\", null]}", EMB_EINVAL, "names[1]: must be a string"},
    {"{\"names\": []}", EMB_EINVAL, "names: must be an array of 1 to 1000"},
    {"{\"names\": \"a\"}", EMB_EINVAL, "names: must be an array"},
    {"{\"name\": \"a\", \"names\": [\"b\"]}", EMB_EINVAL, "exactly one"},
    {"{\"limit\": 3}", EMB_EINVAL, "exactly one"},
    {"{\"name\": \"a\", \"limit\": 0}", EMB_EINVAL,
     "limit: must be an integer"},
    {"{\"name\": \"a\", \"limit\": 1.5}", EMB_EINVAL, "limit"},
    {"{\"name\": \"a\", \"min_score\": -0.1}", EMB_EINVAL, "min_score"},
    {"{\"name\": \"a\", \"threshold\": \"0.9\"}", EMB_EINVAL, "threshold"},
    {"{\"name\": \"a\", \"country\": \"C1\"}", EMB_EINVAL, "country"},
    {"{\"name\": \"a\", \"type\": \"ship\"}", EMB_EINVAL, "type"},
    {"{\"name\": \"a\", \"as_of\": \"2023-02-29\"}", EMB_EINVAL, "as_of"},
    {"{\"name\": \"a\", \"lists\": [\"EL\", 3]}", EMB_EINVAL, "lists[1]"},
    {"{\"name\": \"a\", \"lists\": \"EL\"}", EMB_EINVAL, "lists: must be"},
};

static void test_screen(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(screen_cases) / sizeof(screen_cases[0]); i++) {
    const pcase *c = &screen_cases[i];
    char err[512] = "", sum[1024] = "";
    srv_screen_req r;
    emb_status st =
        srv_parse_screen(c->body, strlen(c->body), &r, err, sizeof(err));
    if (st == EMB_OK) screen_summary(&r, sum, sizeof(sum));
    const char *got = st == EMB_OK ? sum : err;
    if (st != c->want || strstr(got, c->frag) == NULL)
      fail_msg("case %zu (%s): status %s, wanted %s; got '%s', wanted '%s'", i,
               c->body, emb_status_name(st), emb_status_name(c->want), got,
               c->frag);
    srv_screen_req_free(&r);
  }
}

static void test_screen_limits(void **state) {
  (void)state;
  /* 1000 names parse, 1001 do not; a name of 1024 bytes parses, 1025 not. */
  for (size_t n = 1000; n <= 1001; n++) {
    size_t cap = 16 + n * 6;
    char *b = malloc(cap);
    assert_non_null(b);
    size_t k = (size_t)snprintf(b, cap, "{\"names\": [");
    for (size_t i = 0; i < n; i++)
      k += (size_t)snprintf(b + k, cap - k, "%s\"n\"", i ? "," : "");
    k += (size_t)snprintf(b + k, cap - k, "]}");
    char err[256];
    srv_screen_req r;
    emb_status st = srv_parse_screen(b, k, &r, err, sizeof(err));
    assert_int_equal(st, n == 1000 ? EMB_OK : EMB_ETOOBIG);
    if (st == EMB_OK) assert_int_equal(r.n, 1000);
    srv_screen_req_free(&r);
    free(b);
  }
  for (size_t len = EMB_MAX_QUERY; len <= EMB_MAX_QUERY + 1; len++) {
    char b[EMB_MAX_QUERY + 32];
    int k = snprintf(b, sizeof(b), "{\"name\": \"%0*d\"}", (int)len, 0);
    char err[256];
    srv_screen_req r;
    emb_status st = srv_parse_screen(b, (size_t)k, &r, err, sizeof(err));
    assert_int_equal(st, len == EMB_MAX_QUERY ? EMB_OK : EMB_ETOOBIG);
    srv_screen_req_free(&r);
  }
}

static const pcase compare_cases[] = {
    {"{\"name1\": \"a\", \"name2\": \"b\", \"type\": \"person\", "
     "\"threshold\": "
     "0.5}",
     EMB_OK, ""},
    {"{\"name1\": \"a\"}", EMB_EINVAL, "name2: missing"},
    {"{\"name2\": \"a\"}", EMB_EINVAL, "name1: missing"},
    {"{\"name1\": \"a\", \"name2\": \"b\", \"z\": 0}", EMB_EINVAL,
     "unknown field 'z'"},
    {"{\"name1\": \"a\", \"name2\": \"b\", \"threshold\": 0}", EMB_EINVAL,
     "threshold"},
    {"{\"name1\": [], \"name2\": \"b\"}", EMB_EINVAL, "name1"},
};

static const pcase decision_cases[] = {
    {"{\"query\": \"SMIC\", \"entity_id\": \"EL:smic\", \"decision\": "
     "\"true_match\", \"reviewer\": \"a\", \"note\": null}",
     EMB_OK, ""},
    {"{\"query\": \"SMIC\", \"entity_id\": \"EL:smic\", \"decision\": "
     "\"maybe\", \"reviewer\": \"a\"}",
     EMB_EINVAL, "decision: must be true_match or false_positive"},
    {"{\"query\": \"SMIC\", \"entity_id\": \"EL:smic\", \"decision\": "
     "\"true_match\"}",
     EMB_EINVAL, "reviewer: missing"},
    {"{\"entity_id\": \"EL:smic\"}", EMB_EINVAL, "query: missing"},
    {"{\"query\": \"SMIC\", \"entity_id\": \"\", \"decision\": \"true_match\", "
     "\"reviewer\": \"a\"}",
     EMB_EINVAL, "entity_id: must be a non-empty string"},
    {"{\"query\": \"SMIC\", \"who\": 1}", EMB_EINVAL, "unknown field 'who'"},
};

static void test_compare_decision(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(compare_cases) / sizeof(compare_cases[0]);
       i++) {
    const pcase *c = &compare_cases[i];
    char err[512] = "";
    srv_compare_req r;
    emb_status st =
        srv_parse_compare(c->body, strlen(c->body), &r, err, sizeof(err));
    if (st != c->want || strstr(err, c->frag) == NULL)
      fail_msg("compare case %zu: %s '%s'", i, emb_status_name(st), err);
    srv_compare_req_free(&r);
  }
  for (size_t i = 0; i < sizeof(decision_cases) / sizeof(decision_cases[0]);
       i++) {
    const pcase *c = &decision_cases[i];
    char err[512] = "";
    srv_decision_req r;
    emb_status st =
        srv_parse_decision(c->body, strlen(c->body), &r, err, sizeof(err));
    if (st != c->want || strstr(err, c->frag) == NULL)
      fail_msg("decision case %zu: %s '%s'", i, emb_status_name(st), err);
    if (st == EMB_OK) {
      assert_string_equal(r.entity_id, "EL:smic");
      assert_int_equal(r.kind, EMB_DECISION_TRUE_MATCH);
      assert_null(r.note);
    }
    srv_decision_req_free(&r);
  }
}

typedef struct acase {
  srv_audit_args a;
  emb_status want;
  const char *frag;
} acase;

static void test_audit_args(void **state) {
  (void)state;
  static const acase cases[] = {
      {{NULL, NULL, NULL, NULL, NULL, NULL}, EMB_OK, ""},
      {{"2021-01-01", "2021-02-01T10:00:00Z", "screen", "5", "10000", "csv"},
       EMB_OK,
       ""},
      {{"2021-13-01", NULL, NULL, NULL, NULL, NULL}, EMB_EINVAL, "since"},
      {{"2021-01-01 10:00", NULL, NULL, NULL, NULL, NULL}, EMB_EINVAL, "since"},
      /* Times the audit log's filters would refuse are refused here (a
       * 400), not passed on (a 500). */
      {{"2024-01-01T00:00:00+01:00", NULL, NULL, NULL, NULL, NULL},
       EMB_EINVAL,
       "since"},
      {{"2024-01-01T1", NULL, NULL, NULL, NULL, NULL}, EMB_EINVAL, "since"},
      {{"2024-02-30", NULL, NULL, NULL, NULL, NULL}, EMB_EINVAL, "since"},
      {{"2024-01-01T10:00Z", "2024-01-01T10:00:00.123Z", NULL, NULL, NULL,
        NULL},
       EMB_OK,
       ""},
      {{NULL, "yesterday", NULL, NULL, NULL, NULL}, EMB_EINVAL, "until"},
      {{NULL, NULL, "Screen", NULL, NULL, NULL}, EMB_EINVAL, "kind"},
      {{NULL, NULL, NULL, "-1", NULL, NULL}, EMB_EINVAL, "after"},
      {{NULL, NULL, NULL, "99999999999999999999", NULL, NULL},
       EMB_EINVAL,
       "after"},
      {{NULL, NULL, NULL, NULL, "0", NULL}, EMB_EINVAL, "limit"},
      {{NULL, NULL, NULL, NULL, "10001", NULL}, EMB_EINVAL, "limit"},
      {{NULL, NULL, NULL, NULL, NULL, "xml"}, EMB_EINVAL, "format"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    srv_audit_q q;
    char err[256] = "";
    emb_status st = srv_parse_audit_args(&cases[i].a, &q, err, sizeof(err));
    if (st != cases[i].want || strstr(err, cases[i].frag) == NULL)
      fail_msg("audit case %zu: %s '%s'", i, emb_status_name(st), err);
  }
  srv_audit_args a = {
      .after = "5", .limit = "7", .format = "jsonl", .kind = "decision"};
  srv_audit_q q;
  char err[256];
  assert_int_equal(srv_parse_audit_args(&a, &q, err, sizeof(err)), EMB_OK);
  assert_int_equal(q.f.after_seq, 5);
  assert_int_equal(q.f.limit, 7);
  assert_string_equal(q.format, "jsonl");
  assert_string_equal(q.f.kind, "decision");
  srv_audit_args none = {0};
  assert_int_equal(srv_parse_audit_args(&none, &q, err, sizeof(err)), EMB_OK);
  assert_int_equal(q.f.limit, SRV_AUDIT_LIMIT);
}

/* Writes text to a fresh keys file (mode 0600) and returns its path. */
static const char *keys_file(const char *text) {
  static char path[64];
  snprintf(path, sizeof(path), "/tmp/embargo-keys-XXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

static void test_keys(void **state) {
  (void)state;
  static const struct {
    const char *text;
    const char *err; /* NULL: loads */
  } cases[] = {
      {"# keys\n\nops admin 0123456789abcdef0123\n  app screen "
       "abcdefghijklmnopqrstuvwxyz \r\n",
       NULL},
      {"ops root 0123456789abcdef0123\n", ":1: ROLE must be screen or admin"},
      {"# c\nops admin short\n", ":2: SECRET must be 16"},
      {"ops admin\n", ":1: expected 'ID ROLE SECRET'"},
      {"ops admin 0123456789abcdef0123 extra\n", ":1: expected"},
      {"o/ps admin 0123456789abcdef0123\n", ":1: ID must be"},
      {"a screen 0123456789abcdef0123\nb admin 0123456789abcdef0123\n",
       ":2: same SECRET as key 'a'"},
      {"a screen 0123456789abcdef0123\na admin 0123456789abcdef0124\n",
       ":2: key ID 'a' given twice"},
      {"# nothing\n\n", "no keys"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *path = keys_file(cases[i].text);
    srv_keys *k = NULL;
    char err[512] = "";
    int rc = srv_keys_load(path, &k, err, sizeof(err));
    unlink(path);
    if (cases[i].err == NULL) {
      if (rc != 0) fail_msg("keys case %zu: %s", i, err);
      const char *id = NULL;
      assert_int_equal(srv_keys_count(k), 2);
      assert_int_equal(srv_keys_find(k, "0123456789abcdef0123", 20, &id),
                       SRV_ROLE_ADMIN);
      assert_string_equal(id, "ops");
      assert_int_equal(srv_keys_find(k, "abcdefghijklmnopqrstuvwxyz", 26, &id),
                       SRV_ROLE_SCREEN);
      assert_string_equal(id, "app");
      /* A prefix, a longer string and an empty one match nothing. */
      assert_int_equal(srv_keys_find(k, "0123456789abcdef012", 19, &id),
                       SRV_ROLE_NONE);
      assert_null(id);
      assert_int_equal(srv_keys_find(k, "0123456789abcdef01234", 21, &id),
                       SRV_ROLE_NONE);
      assert_int_equal(srv_keys_find(k, "", 0, &id), SRV_ROLE_NONE);
    } else if (rc == 0 || strstr(err, cases[i].err) == NULL) {
      fail_msg("keys case %zu: wanted '%s', got rc %d '%s'", i, cases[i].err,
               rc, err);
    }
    srv_keys_free(k);
  }
  srv_keys *k = NULL;
  char err[256];
  assert_int_equal(srv_keys_load("/nonexistent/keys", &k, err, sizeof(err)),
                   -1);
  assert_non_null(strstr(err, "/nonexistent/keys"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_screen),
      cmocka_unit_test(test_screen_limits),
      cmocka_unit_test(test_compare_decision),
      cmocka_unit_test(test_audit_args),
      cmocka_unit_test(test_keys),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  emb_cleanup();
  return rc;
}
