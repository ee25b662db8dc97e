/* POST /v1/check: a licence determination for one transaction.
 *
 * Each worker thread keeps its own emb_check_cache (transactions repeat
 * parties, and screening them is the costly part). The cache recognises
 * its rule set and index by address, which a reload could reuse for a new
 * snapshot; so a thread's cache is also tagged with the snapshot's
 * sequence number and replaced when that changes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/ownership.h"
#include "server.h"

typedef struct thread_cache {
  emb_check_cache *cache;
  uint64_t seq;
} thread_cache;

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_destroy(void *p) {
  thread_cache *tc = p;
  if (tc) emb_check_cache_free(tc->cache);
  free(tc);
}

static void cache_key_init(void) {
  (void)pthread_key_create(&cache_key, cache_destroy);
}

/* This thread's cache for snapshot seq, or NULL (then no cache is used). */
static emb_check_cache *thread_cache_for(uint64_t seq) {
  pthread_once(&cache_once, cache_key_init);
  thread_cache *tc = pthread_getspecific(cache_key);
  if (tc == NULL) {
    tc = calloc(1, sizeof(*tc));
    if (tc == NULL) return NULL;
    if (pthread_setspecific(cache_key, tc) != 0) {
      free(tc);
      return NULL;
    }
  }
  if (tc->cache && tc->seq != seq) {
    emb_check_cache_free(tc->cache);
    tc->cache = NULL;
  }
  if (tc->cache == NULL && emb_check_cache_new(4096, &tc->cache) != EMB_OK)
    tc->cache = NULL;
  tc->seq = seq;
  return tc->cache;
}

/* The audit log's compact record of a determination: the outcome, the
 * date, each regime's outcome with the rules behind it, and the screening
 * hits by entity id. */
static char *compact_result(const emb_determination *d) {
  json_t *j = json_object();
  json_object_set_new(
      j, "outcome",
      json_string(emb_outcome_name(emb_determination_outcome(d))));
  json_object_set_new(j, "date", json_string(emb_determination_date(d)));
  json_t *regimes = json_array();
  for (size_t g = 0; g < emb_determination_regime_count(d); g++) {
    const emb_regime_result *r = emb_determination_regime(d, g);
    json_t *rules = json_array();
    for (size_t i = 0; i < r->n_reasons; i++)
      if (r->reasons[i].rule)
        json_array_append_new(rules, json_string(r->reasons[i].rule));
    json_array_append_new(
        regimes, json_pack("{s:s, s:s, s:o}", "regime", r->regime, "outcome",
                           emb_outcome_name(r->outcome), "rules", rules));
  }
  json_object_set_new(j, "regimes", regimes);
  json_t *hits = json_array();
  for (size_t p = 0; p < emb_determination_party_count(d); p++) {
    const emb_party_screening *s = emb_determination_party(d, p);
    for (size_t k = 0; k < s->n_hits; k++)
      if (s->hits[k].match)
        json_array_append_new(hits, json_string(s->hits[k].entity->id));
  }
  json_object_set_new(j, "hits", hits);
  char *out = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return out;
}

void srv_h_check(srv_call *c) {
  static const char *const allowed[] = {"as_of", "regime", NULL};
  if (srv_args_only(c, allowed)) return;
  const char *as_of = srv_arg(c, "as_of");
  if (as_of && !srv_valid_date(as_of)) {
    srv_reply_error(c, 400, EMB_EDATE, "as_of: must be a date YYYY-MM-DD");
    return;
  }
  /* regime=US-EAR,NL: only these regimes (docs/regimes.md). */
  char regime_buf[512];
  const char *regimes[32];
  size_t n_regimes = 0;
  const char *rg = srv_arg(c, "regime");
  if (rg) {
    if (strlen(rg) >= sizeof(regime_buf)) {
      srv_reply_error(c, 400, EMB_ETOOBIG, "regime: longer than %zu bytes",
                      sizeof(regime_buf) - 1);
      return;
    }
    memcpy(regime_buf, rg, strlen(rg) + 1);
    for (char *save = NULL, *tok = strtok_r(regime_buf, ", ", &save); tok;
         tok = strtok_r(NULL, ", ", &save)) {
      if (*tok == '\0') continue;
      if (n_regimes == sizeof(regimes) / sizeof(regimes[0])) {
        srv_reply_error(c, 400, EMB_ETOOBIG, "regime: more than 32 names");
        return;
      }
      regimes[n_regimes++] = tok;
    }
    if (n_regimes == 0) {
      srv_reply_error(c, 400, EMB_EINVAL,
                      "regime: give regime names, e.g. US-EAR,NL");
      return;
    }
  }
  char err[512] = "";
  emb_txn *t = NULL;
  json_t *req = NULL;
  emb_status st = EMB_OK;
  if (c->len == 0) {
    srv_reply_error(c, 400, EMB_EPARSE,
                    "the request body is empty: a transaction (docs/check.md) "
                    "is expected");
    return;
  }
  /* Parsed once as JSON first so that malformed text and invalid UTF-8
   * get the same answers (with positions) as on every other endpoint. */
  st = srv_parse_json(c->body, c->len, &req, err, sizeof(err));
  if (st == EMB_OK) st = emb_txn_parse(c->body, c->len, err, sizeof(err), &t);
  if (st != EMB_OK) {
    json_decref(req);
    srv_reply_bad_request(c, st, err[0] ? err : emb_strerror(st));
    return;
  }
  srv_snap *sn = srv_snap_acquire(c->s);
  for (size_t i = 0; i < n_regimes; i++)
    if (emb_ruleset_regime_find(sn->rs, regimes[i]) < 0) {
      srv_snap_release(sn);
      emb_txn_free(t);
      json_decref(req);
      srv_reply_error(c, 400, EMB_ENOTFOUND,
                      "regime: the rules have no pack of regime '%.40s'",
                      regimes[i]);
      return;
    }
  emb_check_opts o = {.as_of = as_of,
                      .cache = thread_cache_for(sn->seq),
                      .regimes = n_regimes ? regimes : NULL,
                      .n_regimes = n_regimes,
                      .ownership = c->s->ownership};
  emb_determination *d = NULL;
  st = emb_check_ex(sn->rs, sn->ix, t, &o, &d);
  emb_txn_free(t);
  char *out = NULL;
  if (st == EMB_OK) st = emb_determination_json(d, 0, &out);
  if (st != EMB_OK) {
    srv_reply_error(c, st == EMB_ENOMEM ? 500 : 400, st,
                    "no determination could be made: %s", emb_strerror(st));
  } else {
    if (c->s->audit) {
      char *res = compact_result(d);
      /* The date asked for is part of the request as recorded. */
      json_t *rec = as_of || rg || c->s->ownership
                        ? json_pack("{s:O}", "transaction", req)
                        : json_incref(req);
      if (as_of && rec) json_object_set_new(rec, "as_of", json_string(as_of));
      if (rg && rec) json_object_set_new(rec, "regime", json_string(rg));
      if (c->s->ownership && rec)
        json_object_set_new(
            rec, "ownership",
            json_pack("{s:s, s:s}", "path", emb_ownership_path(c->s->ownership),
                      "sha256", emb_ownership_sha256(c->s->ownership)));
      srv_audit_event(c->s, "check", c->caller, rec, res, sn, 1);
      json_decref(rec);
      free(res);
    }
    c->extra_hdr = "X-Embargo-Rules-Version";
    snprintf(c->extra_val, sizeof(c->extra_val), "%s", sn->rules_version);
    srv_reply_raw(c, 200, out, strlen(out), "application/json");
  }
  emb_determination_free(d);
  json_decref(req);
  srv_snap_release(sn);
}
