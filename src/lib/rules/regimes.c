/* Regimes and their jurisdictions (ref/regimes.json): which regimes a
 * transaction touches, and why.
 *
 * DESIGN: a regime is named by its packs' headers; ref/regimes.json adds
 * its title, jurisdiction and the conditions under which it reaches a
 * transaction (exported from the Netherlands; bought by a party in China;
 * any transaction, for the US EAR, whose own subject step then decides).
 * The file is optional: a regime without a definition is always
 * considered, which is how rule sets written before it behave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define MAX_REGIMES_FILE ((size_t)1024 * 1024)
#define MAX_CONDS 16

static emb_status cond(emb__pctx *c, const char *field, json_t *o,
                       emb__cond *out) {
  static const char *const keys[] = {
      "always",          "from",       "to",  "origin",
      "party_countries", "activities", "why", NULL};
  if (!json_is_object(o)) return emb__perr(c, field, "not an object");
  emb_status st = emb__p_keys(c, field, o, keys);
  if (st != EMB_OK) return st;
  char f[160];
  static const char *const places[4] = {"from", "to", "origin",
                                        "party_countries"};
  emb__dest *dst[4] = {&out->from, &out->to, &out->origin, &out->party};
  for (int k = 0; k < 4; k++) {
    json_t *v = json_object_get(o, places[k]);
    if (v == NULL) continue;
    emb__fmt(f, sizeof(f), "%s.%s", field, places[k]);
    if ((st = emb__p_dest(c, f, v, dst[k])) != EMB_OK) return st;
    out->has |= 1u << k;
  }
  json_t *v = json_object_get(o, "activities");
  if (v) {
    emb__fmt(f, sizeof(f), "%s.activities", field);
    if ((st = emb__p_strings(c, f, v, 64, emb__is_ident,
                             "an activity word (e.g. \"export\")",
                             &out->activities, &out->n_activities)) != EMB_OK)
      return st;
    if (out->n_activities == 0) return emb__perr(c, f, "empty");
    out->has |= EMB__COND_ACTIVITY;
  }
  v = json_object_get(o, "always");
  if (v) {
    emb__fmt(f, sizeof(f), "%s.always", field);
    if (!json_is_true(v)) return emb__perr(c, f, "must be true when given");
    if (out->has) return emb__perr(c, f, "cannot be given with conditions");
    out->always = 1;
  } else if (out->has == 0) {
    return emb__perr(c, field,
                     "names no condition (from, to, origin, "
                     "party_countries, activities) and is not "
                     "{\"always\":true}");
  }
  emb__fmt(f, sizeof(f), "%s.why", field);
  v = json_object_get(o, "why");
  if (v == NULL) return emb__perr(c, f, "missing");
  return emb__p_string(c, f, v, 500, &out->why);
}

static emb_status definition(emb__pctx *c, size_t i, json_t *o,
                             emb__regime *out) {
  static const char *const keys[] = {"regime",    "title",   "jurisdiction",
                                     "citation",  "remarks", "applies_when",
                                     "otherwise", NULL};
  char field[64], f[96];
  emb__fmt(field, sizeof(field), "regimes[%zu]", i);
  if (!json_is_object(o)) return emb__perr(c, field, "not an object");
  emb_status st = emb__p_keys(c, field, o, keys);
  if (st != EMB_OK) return st;
  memset(out, 0, sizeof(*out));
  out->defined = 1;
  static const char *const strs[5] = {"regime", "title", "jurisdiction",
                                      "citation", "otherwise"};
  const char **dst[5] = {&out->name, &out->title, &out->jurisdiction,
                         &out->citation, &out->otherwise};
  for (int k = 0; k < 5; k++) {
    json_t *v = json_object_get(o, strs[k]);
    emb__fmt(f, sizeof(f), "%s.%s", field, strs[k]);
    if (v == NULL) {
      if (k == 2) continue; /* jurisdiction is optional */
      return emb__perr(c, f, "missing");
    }
    if ((st = emb__p_string(c, f, v, 2000, dst[k])) != EMB_OK) return st;
  }
  json_t *v = json_object_get(o, "remarks");
  emb__fmt(f, sizeof(f), "%s.remarks", field);
  if (v && !json_is_string(v)) return emb__perr(c, f, "not a string");
  v = json_object_get(o, "applies_when");
  emb__fmt(f, sizeof(f), "%s.applies_when", field);
  if (!json_is_array(v) || json_array_size(v) == 0)
    return emb__perr(c, f, "missing or not a non-empty array of conditions");
  if (json_array_size(v) > MAX_CONDS)
    return emb__perr(c, f, "more than %d conditions", MAX_CONDS);
  out->n_conds = json_array_size(v);
  out->conds =
      emb__arena_alloc(&c->rs->arena, out->n_conds * sizeof(*out->conds));
  if (out->conds == NULL) return EMB_ENOMEM;
  for (size_t k = 0; k < out->n_conds; k++) {
    char g[96];
    emb__fmt(g, sizeof(g), "%s[%zu]", f, k);
    if ((st = cond(c, g, json_array_get(v, k), &out->conds[k])) != EMB_OK)
      return st;
  }
  return EMB_OK;
}

emb_status emb__regimes_load(emb_ruleset *rs, const char *dir,
                             const emb_load_opts *opts) {
  char path[4096];
  emb__fmt(path, sizeof(path), "%s/ref/regimes.json", dir);
  char *text = NULL;
  size_t len;
  char hex[65];
  rs->regime_order =
      emb__arena_alloc(&rs->arena, (rs->n_regimes + 1) * sizeof(size_t));
  if (rs->regime_order == NULL) return EMB_ENOMEM;
  for (size_t g = 0; g < rs->n_regimes; g++) rs->regime_order[g] = g;
  emb_status st = emb__read_file(path, MAX_REGIMES_FILE, &text, &len, hex);
  if (st == EMB_ENOTFOUND) return EMB_OK; /* optional */
  const char *file = emb__arena_strndup(&rs->arena, path, strlen(path));
  if (file == NULL) {
    free(text);
    return EMB_ENOMEM;
  }
  emb__pctx c = {.rs = rs, .opts = opts, .file = file};
  if (st != EMB_OK) {
    emb__pdiag(&c, 0, "%s", emb_strerror(st));
    return st;
  }
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL) {
    emb__pdiag(&c, jerr.line, "column %d: %s", jerr.column, jerr.text);
    free(text);
    return EMB_EPARSE;
  }
  static const char *const keys[] = {"format",  "version", "as_of",
                                     "remarks", "regimes", NULL};
  c.line = 1;
  if (!json_is_object(root)) {
    emb__pdiag(&c, 1, "not a JSON object");
    st = EMB_EPARSE;
  } else {
    st = emb__p_keys(&c, "", root, keys);
  }
  json_t *v = st == EMB_OK ? json_object_get(root, "format") : NULL;
  if (st == EMB_OK && (!json_is_string(v) ||
                       strcmp(json_string_value(v), "embargo-regimes") != 0))
    st = emb__perr(&c, "format", "must be \"embargo-regimes\"");
  v = st == EMB_OK ? json_object_get(root, "version") : NULL;
  if (st == EMB_OK && (!json_is_integer(v) || json_integer_value(v) != 1))
    st = emb__perr(&c, "version", "must be 1");
  emb_ref_info *info = &rs->refs[rs->n_refs];
  memset(info, 0, sizeof(*info));
  v = st == EMB_OK ? json_object_get(root, "as_of") : NULL;
  if (v) {
    emb__day d;
    st = emb__p_date(&c, "as_of", v, &d);
    if (st == EMB_OK && (info->as_of = emb__arena_strndup(
                             &rs->arena, json_string_value(v), 10)) == NULL)
      st = EMB_ENOMEM;
  }
  json_t *defs = st == EMB_OK ? json_object_get(root, "regimes") : NULL;
  if (st == EMB_OK && (!json_is_array(defs) || json_array_size(defs) == 0))
    st = emb__perr(&c, "regimes", "missing or not a non-empty array");
  size_t n = st == EMB_OK ? json_array_size(defs) : 0;
  for (size_t i = 0; i < n && st == EMB_OK; i++) {
    emb__regime def;
    c.line = 0;
    st = definition(&c, i, json_array_get(defs, i), &def);
    if (st != EMB_OK) break;
    for (size_t j = 0; j < i; j++) {
      const char *other =
          json_string_value(json_object_get(json_array_get(defs, j), "regime"));
      if (other && strcmp(other, def.name) == 0) {
        char g[32];
        emb__fmt(g, sizeof(g), "regimes[%zu].regime", i);
        st = emb__perr(&c, g, "\"%s\" is defined twice", def.name);
      }
    }
    for (size_t g = 0; g < rs->n_regimes && st == EMB_OK; g++) {
      emb__regime *r = &rs->regimes[g];
      if (strcmp(r->name, def.name) != 0) continue;
      def.name = r->name;
      def.us_ear = r->us_ear;
      *r = def;
    }
  }
  /* Defined regimes first, in the file's order. */
  size_t k = 0;
  for (size_t i = 0; i < n && st == EMB_OK; i++) {
    const char *name =
        json_string_value(json_object_get(json_array_get(defs, i), "regime"));
    for (size_t g = 0; g < rs->n_regimes; g++)
      if (strcmp(rs->regimes[g].name, name) == 0) rs->regime_order[k++] = g;
  }
  for (size_t g = 0; g < rs->n_regimes; g++)
    if (!rs->regimes[g].defined) rs->regime_order[k++] = g;
  json_decref(root);
  free(text);
  if (st != EMB_OK) return st;
  info->name = "regimes";
  info->path = file;
  info->sha256 = emb__arena_strndup(&rs->arena, hex, 64);
  info->citation = "embargo's regime definitions";
  info->records = n;
  if (info->sha256 == NULL) return EMB_ENOMEM;
  rs->n_refs++;
  return EMB_OK;
}

static int cond_holds(const emb_ruleset *rs, const emb__cond *k,
                      const struct emb_txn *t) {
  const emb__ref *ref = &rs->ref;
  if (k->always) return 1;
  if ((k->has & EMB__COND_FROM) && !emb__dest_match(ref, &k->from, t->from))
    return 0;
  if ((k->has & EMB__COND_TO) && !emb__dest_match(ref, &k->to, t->to)) return 0;
  if (k->has & EMB__COND_ORIGIN) {
    int any = 0;
    for (size_t i = 0; i < t->n_items && !any; i++)
      any = t->items[i].origin >= 0 &&
            emb__dest_match(ref, &k->origin, t->items[i].origin);
    if (!any) return 0;
  }
  if (k->has & EMB__COND_PARTY) {
    int any = 0;
    for (size_t i = 0; i < t->n_parties && !any; i++)
      any = t->parties[i].country >= 0 &&
            emb__dest_match(ref, &k->party, t->parties[i].country);
    if (!any) return 0;
  }
  if (k->has & EMB__COND_ACTIVITY) {
    int any = 0;
    for (size_t i = 0; i < k->n_activities && !any; i++)
      any = strcmp(k->activities[i], t->activity) == 0;
    if (!any) return 0;
  }
  return 1;
}

int emb__regime_applies(const emb_ruleset *rs, size_t g,
                        const struct emb_txn *t, const char **why) {
  const emb__regime *r = &rs->regimes[g];
  if (!r->defined) {
    *why =
        "always considered: the rule set defines no jurisdiction for this "
        "regime (ref/regimes.json)";
    return 1;
  }
  for (size_t k = 0; k < r->n_conds; k++)
    if (cond_holds(rs, &r->conds[k], t)) {
      *why = r->conds[k].why;
      return 1;
    }
  *why = r->otherwise;
  return 0;
}
