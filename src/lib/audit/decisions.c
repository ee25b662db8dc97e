/* Reviewers' decisions on hits: chained like any event (kind "decision")
 * and indexed in the decisions table, written in the same transaction, for
 * emb_audit_decision_find and the "cleared" marks on later results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../text/normalize.h"
#include "audit_internal.h"
#include <jansson.h>

const char *emb_decision_name(emb_decision_kind k) {
  switch (k) {
    case EMB_DECISION_TRUE_MATCH:
      return "true_match";
    case EMB_DECISION_FALSE_POSITIVE:
      return "false_positive";
  }
  return NULL;
}

emb_status emb_decision_parse(const char *s, emb_decision_kind *out) {
  if (s && strcmp(s, "true_match") == 0) {
    *out = EMB_DECISION_TRUE_MATCH;
    return EMB_OK;
  }
  if (s && strcmp(s, "false_positive") == 0) {
    *out = EMB_DECISION_FALSE_POSITIVE;
    return EMB_OK;
  }
  return EMB_EINVAL;
}

emb_status emb__audit_query_key(const char *query, char *out, size_t cap) {
  if (query == NULL || cap == 0) return EMB_EINVAL;
  emb__normname *nn = malloc(sizeof(*nn));
  if (nn == NULL) return EMB_ENOMEM;
  emb_status st = emb__normalize(query, strlen(query), nn);
  if (st == EMB_OK) {
    /* A name with no Latin tokens (only symbols) has no key: a decision
     * on it could never be found again. */
    const emb__token *t = nn->n_latin ? nn->latin : nn->script;
    size_t n = nn->n_latin ? nn->n_latin : nn->n_script, len = 0;
    if (n == 0) st = EMB_EINVAL;
    for (size_t i = 0; i < n && st == EMB_OK; i++) {
      if (len + (i > 0) + t[i].len + 1 > cap) {
        st = EMB_ETOOBIG;
        break;
      }
      if (i > 0) out[len++] = ' ';
      memcpy(out + len, t[i].text, t[i].len);
      len += t[i].len;
    }
    out[len] = '\0';
  }
  free(nn);
  return st;
}

/* Longest query key: every token of the longest name and its spaces. */
#define KEY_MAX (EMB__NORM_MAX_TOKENS * (EMB__NORM_MAX_TOKEN + 1) + 1)

static char *dup_max(const char *s, size_t max, int *bad) {
  if (s == NULL) return NULL;
  size_t n = strnlen(s, max + 1);
  if (n > max) {
    *bad = 1;
    return NULL;
  }
  char *d = malloc(n + 1);
  if (d == NULL) {
    *bad = 2;
    return NULL;
  }
  memcpy(d, s, n + 1);
  return d;
}

emb_status emb_audit_decide(emb_audit *a, const emb_decision *d) {
  if (a == NULL || d == NULL || d->query == NULL || d->entity_id == NULL ||
      d->list_version == NULL || d->reviewer == NULL || d->reviewer[0] == 0 ||
      emb_decision_name(d->kind) == NULL)
    return EMB_EINVAL;
  char key[KEY_MAX];
  emb_status st = emb__audit_query_key(d->query, key, sizeof(key));
  if (st != EMB_OK) return st;
  /* The chained row holds the whole decision as JSON, so the chain alone
   * is the record (the decisions table is an index of it). */
  json_t *req =
      json_pack("{s:s, s:s, s:s, s:s}", "query", d->query, "query_key", key,
                "entity_id", d->entity_id, "list_version", d->list_version);
  json_t *res = json_pack("{s:s, s:s, s:o}", "decision",
                          emb_decision_name(d->kind), "reviewer", d->reviewer,
                          "note", d->note ? json_string(d->note) : json_null());
  char *reqs = req ? json_dumps(req, EMB__AUDIT_JSON) : NULL;
  char *ress = res ? json_dumps(res, EMB__AUDIT_JSON) : NULL;
  json_decref(req);
  json_decref(res);
  if (reqs == NULL || ress == NULL) {
    free(reqs);
    free(ress);
    /* jansson refuses invalid UTF-8: the strings are the problem. */
    return EMB_EUTF8;
  }
  emb_audit_record r = {"decision", d->caller,       reqs,
                        ress,       d->list_version, NULL};
  emb__audit_item *it;
  const char *badf;
  st = emb__audit_item_new(&r, &it, &badf);
  free(reqs);
  free(ress);
  if (st != EMB_OK) return st;
  int bad = 0;
  it->dkind = (int)d->kind;
  it->dkey = dup_max(key, KEY_MAX, &bad);
  it->dentity = dup_max(d->entity_id, EMB__AUDIT_MAX_SHORT, &bad);
  it->dversion = dup_max(d->list_version, EMB__AUDIT_MAX_SHORT, &bad);
  it->dreviewer = dup_max(d->reviewer, EMB__AUDIT_MAX_SHORT, &bad);
  it->dnote = dup_max(d->note, EMB__AUDIT_MAX_FIELD, &bad);
  if (bad) {
    emb__audit_item_free(it);
    return bad == 1 ? EMB_ETOOBIG : EMB_ENOMEM;
  }
  uint64_t ticket;
  st = emb__audit_enqueue(a, it, &ticket);
  if (st != EMB_OK) return st;
  return emb__audit_wait(a, ticket);
}

static void copy_out(char *buf, size_t len, const unsigned char *s) {
  if (buf == NULL || len == 0) return;
  snprintf(buf, len, "%s", s ? (const char *)s : "");
}

emb_status emb_audit_decision_find(emb_audit *a, const char *query,
                                   const char *entity_id,
                                   const char *list_version,
                                   emb_decision_kind *kind, char *rbuf,
                                   size_t rlen, char *nbuf, size_t nlen,
                                   char *tbuf, size_t tlen) {
  if (a == NULL || query == NULL || entity_id == NULL || list_version == NULL)
    return EMB_EINVAL;
  char key[KEY_MAX];
  emb_status st = emb__audit_query_key(query, key, sizeof(key));
  if (st == EMB_EINVAL) return EMB_ENOTFOUND;
  if (st != EMB_OK) return st;
  pthread_mutex_lock(&a->rlock);
  sqlite3_stmt *q = NULL;
  st = EMB_EDB;
  if (sqlite3_prepare_v2(a->rdb,
                         "SELECT d.decision, d.reviewer, d.note, "
                         "d.time" EMB__AUDIT_TRUSTED_DECISIONS
                         "WHERE d.query_key=? AND d.entity_id=? AND "
                         "d.list_version=? ORDER BY d.id DESC LIMIT 1",
                         -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, entity_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 3, list_version, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
      emb_decision_kind k;
      const char *dn = (const char *)sqlite3_column_text(q, 0);
      if (emb_decision_parse(dn, &k) == EMB_OK) {
        if (kind) *kind = k;
        copy_out(rbuf, rlen, sqlite3_column_text(q, 1));
        copy_out(nbuf, nlen, sqlite3_column_text(q, 2));
        copy_out(tbuf, tlen, sqlite3_column_text(q, 3));
        st = EMB_OK;
      }
    } else if (rc == SQLITE_DONE) {
      st = EMB_ENOTFOUND;
    }
  }
  sqlite3_finalize(q);
  pthread_mutex_unlock(&a->rlock);
  return st;
}
