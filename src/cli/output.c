/* Shared pieces of the subcommands: loading data with diagnostics, and
 * JSON of hits and explanations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct diag_state {
  int verbose;
  size_t warnings, errors;
} diag_state;

static void on_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg) {
  diag_state *d = ud;
  int is_error = strcmp(sev, "error") == 0;
  if (is_error)
    d->errors++;
  else
    d->warnings++;
  if (!is_error && !d->verbose) return;
  if (line > 0)
    fprintf(stderr, "embargo: %s: %s:%ld: %s\n", sev, file, line, msg);
  else
    fprintf(stderr, "embargo: %s: %s: %s\n", sev, file, msg);
}

int cli_load(const cli_args *a, int strict, int verbose, int want_index,
             cli_loaded *out) {
  memset(out, 0, sizeof(*out));
  const char *def = emb_default_lists_dir();
  const char *const *paths = a->n_data ? a->multi_data : &def;
  size_t n = a->n_data ? a->n_data : 1;
  diag_state d = {.verbose = verbose};
  emb_load_opts lo = {.diag = on_diag, .userdata = &d, .strict = strict};
  emb_status st = emb_listset_load(paths, n, &lo, &out->ls);
  out->warnings = d.warnings;
  out->errors = d.errors;
  if (st != EMB_OK) {
    fprintf(stderr, "embargo: error: could not load the lists%s%s: %s\n",
            a->n_data ? "" : " from the built-in data directory ",
            a->n_data ? "" : def, emb_strerror(st));
    return CLI_DATA;
  }
  if (d.warnings && !verbose)
    fprintf(stderr,
            "embargo: warning: %zu bad rows or other problems were skipped "
            "while loading (--verbose lists them; 'embargo lists' counts "
            "them)\n",
            d.warnings);
  if (want_index) {
    st = emb_index_build(out->ls, &out->ix);
    if (st != EMB_OK) {
      fprintf(stderr, "embargo: error: could not build the index: %s\n",
              emb_strerror(st));
      cli_unload(out);
      return CLI_DATA;
    }
  }
  return CLI_OK;
}

void cli_unload(cli_loaded *l) {
  emb_index_free(l->ix);
  emb_listset_free(l->ls);
  memset(l, 0, sizeof(*l));
}

static json_t *num(double v) {
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

json_t *cli_explain_json(const emb_explain *ex, double threshold) {
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
    json_object_set_new(o, "similarity", num(p->similarity));
    json_object_set_new(o, "weight", num(p->weight));
    json_array_append_new(pairs, o);
  }
  json_object_set_new(j, "pairs", pairs);
  json_t *uq = json_array();
  for (size_t i = 0; i < ex->n_unmatched_query; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "token", json_string(ex->unmatched_query[i]));
    json_object_set_new(o, "weight", num(ex->unmatched_query_weight[i]));
    json_array_append_new(uq, o);
  }
  json_object_set_new(j, "unmatched_query", uq);
  json_t *uc = json_array();
  for (size_t i = 0; i < ex->n_unmatched_candidate; i++) {
    json_t *o = json_object();
    json_object_set_new(o, "token", json_string(ex->unmatched_candidate[i]));
    json_object_set_new(o, "weight", num(ex->unmatched_candidate_weight[i]));
    json_array_append_new(uc, o);
  }
  json_object_set_new(j, "unmatched_candidate", uc);
  json_object_set_new(j, "threshold", num(threshold));
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

json_t *cli_hit_json(const emb_hit *h, double threshold) {
  const emb_entity *e = h->entity;
  json_t *j = json_object();
  json_object_set_new(j, "entity_id", json_string(e->id));
  json_object_set_new(j, "name", json_string(e->names[0].text));
  json_object_set_new(j, "matched_name", json_string(h->matched_name));
  json_object_set_new(j, "list", str_or_null(e->list));
  json_object_set_new(j, "source", str_or_null(e->source));
  json_object_set_new(j, "score", num(h->score));
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
  json_object_set_new(j, "explain", cli_explain_json(&h->explain, threshold));
  return j;
}

void cli_emit_json(FILE *f, json_t *j, int pretty) {
  size_t flags = JSON_REAL_PRECISION(6) |
                 (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER;
  json_dumpf(j, f, flags);
  fputc('\n', f);
  json_decref(j);
}
