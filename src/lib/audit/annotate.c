/* The audit log around a screening: decision marks, compact results and
 * version ids (annotate.h). */
#include "annotate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/sha256.h"
#include "../json/shapes.h"
#include "../text/normalize.h"
#include "audit_internal.h"

#define KEY_MAX (EMB__NORM_MAX_TOKENS * (EMB__NORM_MAX_TOKEN + 1) + 1)

/* The SHA-256 of the source file an entity comes from, or NULL. */
static const char *entity_version(const emb_listset *ls, const char *id) {
  const emb_entity *e = ls ? emb_listset_find(ls, id) : NULL;
  if (e == NULL || e->source_index >= emb_listset_source_count(ls)) return NULL;
  return emb_listset_source(ls, e->source_index)->sha256;
}

json_t *emb__audit_annotate(emb_audit *a, const emb_listset *ls,
                            const char *query, json_t *screen_json) {
  json_t *hits = json_object_get(screen_json, "hits");
  if (a == NULL || query == NULL || json_array_size(hits) == 0)
    return screen_json;
  char key[KEY_MAX];
  if (emb__audit_query_key(query, key, sizeof(key)) != EMB_OK)
    return screen_json;
  /* Every decision on this query, oldest first, so the latest one for a
   * hit wins; usually there are none and this is one index probe. */
  pthread_mutex_lock(&a->rlock);
  sqlite3_stmt *q = a->by_key;
  {
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW) {
      const char *eid = (const char *)sqlite3_column_text(q, 0);
      const char *ver = (const char *)sqlite3_column_text(q, 1);
      const char *dec = (const char *)sqlite3_column_text(q, 2);
      if (eid == NULL || ver == NULL || dec == NULL) continue;
      size_t i;
      json_t *h;
      json_array_foreach(hits, i, h) {
        const char *hid = json_string_value(json_object_get(h, "entity_id"));
        if (hid == NULL || strcmp(hid, eid) != 0) continue;
        const char *hv = entity_version(ls, hid);
        if (hv == NULL || strcmp(hv, ver) != 0) continue;
        const char *note = (const char *)sqlite3_column_text(q, 4);
        json_t *d =
            json_pack("{s:s, s:s?, s:o, s:s?}", "decision", dec, "reviewer",
                      (const char *)sqlite3_column_text(q, 3), "note",
                      note ? json_string(note) : json_null(), "time",
                      (const char *)sqlite3_column_text(q, 5));
        if (d) json_object_set_new(h, "decision", d);
        if (strcmp(dec, "false_positive") == 0)
          json_object_set_new(h, "cleared", json_true());
        else
          json_object_del(h, "cleared");
      }
    }
  }
  /* Reset ends the read transaction, so later reads see new rows. */
  sqlite3_reset(q);
  sqlite3_clear_bindings(q);
  pthread_mutex_unlock(&a->rlock);
  return screen_json;
}

char *emb__audit_compact_result(const json_t *screen_json) {
  json_t *c = json_object();
  json_t *hits = json_array();
  if (c == NULL || hits == NULL) {
    json_decref(c);
    json_decref(hits);
    return NULL;
  }
  json_t *q = json_object_get(screen_json, "query");
  json_object_set(c, "query", q ? q : json_null());
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(screen_json, "hits"), i, h) {
    json_t *o = json_object();
    static const char *const keep[] = {"entity_id", "list", "score", "match"};
    for (size_t k = 0; k < 4; k++) {
      json_t *v = json_object_get(h, keep[k]);
      if (v) json_object_set(o, keep[k], v);
    }
    json_array_append_new(hits, o);
  }
  json_object_set_new(c, "hits", hits);
  json_t *err = json_object_get(screen_json, "error");
  if (err) json_object_set(c, "error", err);
  char *s = json_dumps(c, EMB__AUDIT_JSON);
  json_decref(c);
  return s;
}

static void version_id(const char *prefix, emb__sha256 *c, char out[80]) {
  unsigned char d[32];
  emb__sha256_final(c, d);
  static const char hx[] = "0123456789abcdef";
  size_t n = (size_t)snprintf(out, 80, "%s", prefix);
  for (int i = 0; i < 8; i++) {
    out[n++] = hx[d[i] >> 4];
    out[n++] = hx[d[i] & 15];
  }
  out[n] = '\0';
}

static void add_digest(emb__sha256 *c, const char *hex) {
  if (hex) emb__sha256_update(c, hex, strlen(hex));
  emb__sha256_update(c, "\n", 1);
}

void emb__audit_lists_version(const emb_listset *ls, char out[80]) {
  emb__sha256 c;
  emb__sha256_init(&c);
  for (size_t i = 0; ls && i < emb_listset_source_count(ls); i++)
    add_digest(&c, emb_listset_source(ls, i)->sha256);
  version_id("lists:", &c, out);
}

void emb__audit_rules_version(const emb_ruleset *rs, char out[80]) {
  emb__sha256 c;
  emb__sha256_init(&c);
  for (size_t i = 0; rs && i < emb_ruleset_pack_count(rs); i++)
    add_digest(&c, emb_ruleset_pack(rs, i)->sha256);
  for (size_t i = 0; rs && i < emb_ruleset_ref_count(rs); i++)
    add_digest(&c, emb_ruleset_ref(rs, i)->sha256);
  version_id("rules:", &c, out);
}

/* 1 when this handle has queued, or the log holds, a row of this kind for
 * this version id. */
static int seen(emb_audit *a, const char *kind, const char *id) {
  pthread_mutex_lock(&a->lock);
  size_t n = a->n_noted < 16 ? a->n_noted : 16;
  for (size_t i = 0; i < n; i++)
    if (strcmp(a->noted[i], id) == 0) {
      pthread_mutex_unlock(&a->lock);
      return 1;
    }
  pthread_mutex_unlock(&a->lock);
  int found = 0;
  pthread_mutex_lock(&a->rlock);
  sqlite3_stmt *q = NULL;
  const char *sql = strcmp(kind, "lists") == 0
                        ? "SELECT 1 FROM events WHERE kind='lists' AND "
                          "lists=? LIMIT 1"
                        : "SELECT 1 FROM events WHERE kind='rules' AND "
                          "rules=? LIMIT 1";
  if (sqlite3_prepare_v2(a->rdb, sql, -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
    found = sqlite3_step(q) == SQLITE_ROW;
  }
  sqlite3_finalize(q);
  pthread_mutex_unlock(&a->rlock);
  return found;
}

/* Remembers that id's row is queued or in the log: the last 16 ids, in a
 * ring (n_noted counts every id noted). Called only once the row is
 * queued, so that a failed append is tried again. */
static void note_seen(emb_audit *a, const char *id) {
  pthread_mutex_lock(&a->lock);
  snprintf(a->noted[a->n_noted % 16], sizeof(a->noted[0]), "%s", id);
  a->n_noted++;
  pthread_mutex_unlock(&a->lock);
}

static emb_status append_json(emb_audit *a, const char *kind,
                              const char *caller, json_t *result,
                              const char *lists, const char *rules) {
  char *s = result ? json_dumps(result, EMB__AUDIT_JSON) : NULL;
  json_decref(result);
  if (s == NULL) return EMB_ENOMEM;
  emb_audit_record r = {kind, caller, NULL, s, lists, rules};
  emb_status st = emb_audit_append(a, &r);
  free(s);
  return st;
}

emb_status emb__audit_note_lists(emb_audit *a, const emb_listset *ls,
                                 const char *caller, char out[80]) {
  emb__audit_lists_version(ls, out);
  if (a == NULL || ls == NULL) return EMB_OK;
  if (seen(a, "lists", out)) {
    note_seen(a, out);
    return EMB_OK;
  }
  emb_status st =
      append_json(a, "lists", caller, emb__lists_json(ls, 0), out, NULL);
  if (st == EMB_OK) note_seen(a, out);
  return st;
}

emb_status emb__audit_note_rules(emb_audit *a, const emb_ruleset *rs,
                                 const char *caller, char out[80]) {
  emb__audit_rules_version(rs, out);
  if (a == NULL || rs == NULL) return EMB_OK;
  if (seen(a, "rules", out)) {
    note_seen(a, out);
    return EMB_OK;
  }
  json_t *j = json_object();
  json_t *packs = json_array(), *refs = json_array();
  for (size_t i = 0; i < emb_ruleset_pack_count(rs); i++) {
    const emb_rule_pack_info *p = emb_ruleset_pack(rs, i);
    json_array_append_new(
        packs, json_pack("{s:s?, s:s?, s:s?, s:s?, s:I}", "path", p->path,
                         "sha256", p->sha256, "regime", p->regime, "pack",
                         p->pack, "rules", (json_int_t)p->rules));
  }
  for (size_t i = 0; i < emb_ruleset_ref_count(rs); i++) {
    const emb_ref_info *r = emb_ruleset_ref(rs, i);
    json_array_append_new(
        refs, json_pack("{s:s?, s:s?, s:s?, s:s?}", "name", r->name, "path",
                        r->path, "sha256", r->sha256, "as_of", r->as_of));
  }
  json_object_set_new(j, "packs", packs);
  json_object_set_new(j, "refs", refs);
  emb_status st = append_json(a, "rules", caller, j, NULL, out);
  if (st == EMB_OK) note_seen(a, out);
  return st;
}

void emb__audit_cli_caller(char out[80]) {
  const char *u = getenv("USER");
  int ok = u && u[0] && strlen(u) < 64;
  for (const char *p = u; ok && *p; p++)
    ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.';
  if (ok)
    snprintf(out, 80, "cli:%s", u);
  else
    snprintf(out, 80, "cli");
}

emb_status emb__audit_event(emb_audit *a, const char *kind, const char *caller,
                            const json_t *request, const char *result,
                            const char *lists, const char *rules) {
  char *req = request ? json_dumps(request, EMB__AUDIT_JSON) : NULL;
  if (request && req == NULL) return EMB_ENOMEM;
  emb_audit_record r = {kind, caller, req, result, lists, rules};
  emb_status st = emb_audit_append(a, &r);
  free(req);
  return st;
}
