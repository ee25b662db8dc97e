/* The JSON shapes of screening, comparison and list results (shapes.h). */
#include <math.h>
#include <string.h>

#include "shapes.h"

json_t *emb__json_num(double v) {
  return json_real(round(v * 1e4) / 1e4);
}

static json_t *str_or_null(const char *s) {
  return s ? json_string(s) : json_null();
}

static json_t *str_array(const char *const *v, size_t n) {
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(a, json_string(v[i]));
  return a;
}

json_t *emb__explain_json(const emb_explain *ex, double threshold) {
  json_t *j = json_object();
  json_object_set_new(j, "form", json_string(ex->form ? ex->form : "latin"));
  json_object_set_new(j, "query_tokens", str_or_null(ex->query_norm));
  json_object_set_new(j, "candidate_tokens", str_or_null(ex->candidate_norm));
  json_t *pairs = json_array();
  for (size_t i = 0; i < ex->n_pairs; i++) {
    const emb_pair *p = &ex->pairs[i];
    json_t *o = json_object();
    json_object_set_new(o, "query", json_string(p->query));
    json_object_set_new(o, "candidate", json_string(p->candidate));
    json_object_set_new(o, "how", json_string(p->how));
    json_object_set_new(o, "similarity", emb__json_num(p->similarity));
    json_object_set_new(o, "weight", emb__json_num(p->weight));
    json_array_append_new(pairs, o);
  }
  json_object_set_new(j, "pairs", pairs);
  json_t *uq = json_array();
  for (size_t i = 0; i < ex->n_unmatched_query; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "token", json_string(ex->unmatched_query[i]));
    json_object_set_new(o, "weight",
                        emb__json_num(ex->unmatched_query_weight[i]));
    json_array_append_new(uq, o);
  }
  json_object_set_new(j, "unmatched_query", uq);
  json_t *uc = json_array();
  for (size_t i = 0; i < ex->n_unmatched_candidate; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "token", json_string(ex->unmatched_candidate[i]));
    json_object_set_new(o, "weight",
                        emb__json_num(ex->unmatched_candidate_weight[i]));
    json_array_append_new(uc, o);
  }
  json_object_set_new(j, "unmatched_candidate", uc);
  json_object_set_new(j, "threshold", emb__json_num(threshold));
  return j;
}

/* The entry's earlier licence terms (docs/entity-format.md), so that a
 * reader of a screening result sees that today's terms are not the only
 * ones the entry has had. */
static json_t *terms_json(const emb_entity *e) {
  json_t *a = json_array();
  for (size_t i = 0; i < e->n_terms; i++) {
    const emb_terms *t = &e->terms[i];
    json_t *o = json_object();
    json_object_set_new(o, "from", json_string(t->from));
    json_object_set_new(o, "until", str_or_null(t->until));
    if (t->license_requirement)
      json_object_set_new(o, "license_requirement",
                          json_string(t->license_requirement));
    if (t->license_policy)
      json_object_set_new(o, "license_policy", json_string(t->license_policy));
    json_object_set_new(o, "footnotes",
                        str_array(t->footnotes, t->n_footnotes));
    json_object_set_new(o, "citation", str_or_null(t->citation));
    if (!t->verified) json_object_set_new(o, "verified", json_false());
    if (t->remarks) json_object_set_new(o, "remarks", json_string(t->remarks));
    json_array_append_new(a, o);
  }
  return a;
}

json_t *emb__hit_json(const emb_hit *h, double threshold) {
  const emb_entity *e = h->entity;
  json_t *j = json_object();
  json_object_set_new(j, "entity_id", json_string(e->id));
  json_object_set_new(j, "name", json_string(e->names[0].text));
  json_object_set_new(j, "matched_name", json_string(h->matched_name));
  json_object_set_new(j, "list", str_or_null(e->list));
  json_object_set_new(j, "source", str_or_null(e->source));
  json_object_set_new(j, "score", emb__json_num(h->score));
  json_object_set_new(j, "match", json_boolean(h->match));
  json_object_set_new(j, "type", json_string(emb_entity_type_name(e->type)));
  json_object_set_new(j, "countries", str_array(e->countries, e->n_countries));
  if (e->programs && e->n_programs)
    json_object_set_new(j, "programs", str_array(e->programs, e->n_programs));
  if (e->start_date)
    json_object_set_new(j, "start_date", json_string(e->start_date));
  if (e->end_date) json_object_set_new(j, "end_date", json_string(e->end_date));
  if (e->license_requirement)
    json_object_set_new(j, "license_requirement",
                        json_string(e->license_requirement));
  if (e->license_policy)
    json_object_set_new(j, "license_policy", json_string(e->license_policy));
  if (e->citation) json_object_set_new(j, "citation", json_string(e->citation));
  if (e->n_footnotes)
    json_object_set_new(j, "footnotes",
                        str_array(e->footnotes, e->n_footnotes));
  if (e->n_terms) json_object_set_new(j, "terms", terms_json(e));
  json_object_set_new(j, "explain", emb__explain_json(&h->explain, threshold));
  return j;
}

json_t *emb__screen_json(const char *q, size_t len, const emb_result *r,
                         double threshold) {
  json_t *j = json_object();
  json_object_set_new(j, "query", json_stringn_nocheck(q, len));
  json_t *hits = json_array();
  for (size_t i = 0; i < emb_result_count(r); i++)
    json_array_append_new(hits, emb__hit_json(emb_result_hit(r, i), threshold));
  json_object_set_new(j, "hits", hits);
  return j;
}

json_t *emb__compare_json(const char *n1, size_t l1, const char *n2, size_t l2,
                          const emb_result *r, double threshold) {
  const emb_hit *h = emb_result_hit(r, 0);
  json_t *j = json_object();
  json_object_set_new(j, "name1", json_stringn_nocheck(n1, l1));
  json_object_set_new(j, "name2", json_stringn_nocheck(n2, l2));
  json_object_set_new(j, "score", json_real(h->score));
  json_object_set_new(j, "match", json_boolean(h->match));
  json_object_set_new(j, "explain", emb__explain_json(&h->explain, threshold));
  return j;
}

json_t *emb__error_json(emb_status st, const char *message) {
  json_t *j = json_object(), *e = json_object();
  json_object_set_new(e, "code", json_string(emb_status_name(st)));
  json_object_set_new(e, "message", json_string(message ? message : ""));
  json_object_set_new(j, "error", e);
  return j;
}
