/* Loading a rule set: the reference data, then every rule pack, each rule
 * validated against docs/rules.md; and the rule set's accessors.
 *
 * DESIGN: a rule set is all or nothing. Each pack is read whole and every
 * line checked, so one run reports every error of every pack (up to a cap
 * per file); if anything is wrong the load fails and nothing is returned.
 * The common fields of a rule are parsed here; its params by its kind's
 * parser (kinds.c and the kind_*.c files).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/hash.h"
#include "rules_internal.h"

#define MAX_PACK_FILE ((size_t)16 * 1024 * 1024)
#define MAX_PACK_LINE ((size_t)64 * 1024)
/* Errors reported per file before the rest are only counted. */
#define MAX_ERRORS_PER_FILE 50

const emb__kind emb__kinds[EMB__N_KINDS] = {
    [EMB__K_LISTED_PARTY] = {"listed_party", emb__parse_listed_party,
                             emb__eval_listed_party, 0},
    [EMB__K_COUNTRY_CHART] = {"country_chart", emb__parse_country_chart,
                              emb__eval_country_chart, 0},
    [EMB__K_END_USE] = {"end_use", emb__parse_end_use, emb__eval_end_use, 0},
    [EMB__K_INFORMED_PARTY] = {"informed_party", emb__parse_informed_party,
                               emb__eval_informed_party, 0},
    [EMB__K_FDP] = {"foreign_direct_product", emb__parse_fdp, emb__eval_fdp, 1},
    [EMB__K_DE_MINIMIS] = {"de_minimis", emb__parse_de_minimis,
                           emb__eval_de_minimis, 1},
    [EMB__K_EMBARGO] = {"embargo", emb__parse_embargo, emb__eval_embargo, 0},
    [EMB__K_US_PERSON] = {"us_person", emb__parse_us_person,
                          emb__eval_us_person, 0},
    [EMB__K_CONTROL_LIST] = {"control_list", emb__parse_control_list,
                             emb__eval_control_list, 0},
    [EMB__K_LICENCE_REVOCATION] = {"licence_revocation",
                                   emb__parse_licence_revocation,
                                   emb__eval_licence_revocation, 0},
    [EMB__K_PURCHASE_BAN] = {"purchase_ban", emb__parse_purchase_ban,
                             emb__eval_purchase_ban, 0},
    [EMB__K_OWNERSHIP] = {"ownership", emb__parse_ownership,
                          emb__eval_ownership, 0},
};

/* Rule ids seen so far, for duplicates across packs: open addressing. */
typedef struct id_slot {
  const char *id;
  const char *file;
  long line;
} id_slot;

typedef struct id_set {
  id_slot *slots;
  size_t cap, n;
} id_set;

static id_slot *id_find(id_set *s, const char *id) {
  size_t j = (size_t)emb__hash_str(id) & (s->cap - 1);
  while (s->slots[j].id && strcmp(s->slots[j].id, id) != 0)
    j = (j + 1) & (s->cap - 1);
  return &s->slots[j];
}

static emb_status id_add(id_set *s, const char *id, const char *file,
                         long line) {
  if ((s->n + 1) * 2 > s->cap) {
    id_set ns = {calloc(s->cap ? s->cap * 2 : 256, sizeof(id_slot)),
                 s->cap ? s->cap * 2 : 256, s->n};
    if (ns.slots == NULL) return EMB_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
      if (s->slots[i].id) *id_find(&ns, s->slots[i].id) = s->slots[i];
    free(s->slots);
    *s = ns;
  }
  *id_find(s, id) = (id_slot){id, file, line};
  s->n++;
  return EMB_OK;
}

static int is_rule_id(const char *s, size_t n) {
  if (n == 0 || n > 128) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '.' || s[i] == ':' || s[i] == '-'))
      return 0;
  return 1;
}

static int is_pack_name(const char *s, size_t n) {
  if (n == 0 || n > 64) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-' || s[i] == '_'))
      return 0;
  return 1;
}

static emb_status regime_index(emb_ruleset *rs, const char *name, size_t *out) {
  for (size_t i = 0; i < rs->n_regimes; i++)
    if (strcmp(rs->regimes[i].name, name) == 0) {
      *out = i;
      return EMB_OK;
    }
  emb__regime *nr =
      realloc(rs->regimes, (rs->n_regimes + 1) * sizeof(*rs->regimes));
  if (nr == NULL) return EMB_ENOMEM;
  rs->regimes = nr;
  memset(&nr[rs->n_regimes], 0, sizeof(*nr));
  nr[rs->n_regimes].name = name;
  nr[rs->n_regimes].us_ear = strcmp(name, "US-EAR") == 0;
  *out = rs->n_regimes++;
  return EMB_OK;
}

static emb_status pack_header(emb__pctx *c, json_t *h, emb_rule_pack_info *pk) {
  static const char *const keys[] = {"format", "version", "regime", "pack",
                                     "title",  "remarks", NULL};
  if (!json_is_object(h)) {
    emb__pdiag(c, c->line, "header: not a JSON object");
    return EMB_EPARSE;
  }
  emb_status st = emb__p_keys(c, "", h, keys);
  if (st != EMB_OK) return st;
  const char *fmt = json_string_value(json_object_get(h, "format"));
  if (fmt == NULL || strcmp(fmt, "embargo-rules") != 0)
    return emb__perr(c, "format",
                     "not \"embargo-rules\" (the first line "
                     "of a pack is its header)");
  json_t *v = json_object_get(h, "version");
  if (!json_is_integer(v) || json_integer_value(v) != 1)
    return emb__perr(c, "version", "only version 1 is supported");
  v = json_object_get(h, "regime");
  if (v == NULL) return emb__perr(c, "regime", "missing");
  if (!json_is_string(v) ||
      !emb__is_code(json_string_value(v), json_string_length(v)))
    return emb__perr(c, "regime", "not a regime code (e.g. \"US-EAR\")");
  if ((st = emb__p_string(c, "regime", v, 16, &pk->regime)) != EMB_OK)
    return st;
  v = json_object_get(h, "pack");
  if (v == NULL) return emb__perr(c, "pack", "missing");
  if (!json_is_string(v) ||
      !is_pack_name(json_string_value(v), json_string_length(v)))
    return emb__perr(c, "pack", "not a pack name [a-z0-9_-]+");
  if ((st = emb__p_string(c, "pack", v, 64, &pk->pack)) != EMB_OK) return st;
  v = json_object_get(h, "title");
  if (v && (st = emb__p_string(c, "title", v, 500, &pk->title)) != EMB_OK)
    return st;
  v = json_object_get(h, "remarks");
  if (v && !json_is_string(v)) return emb__perr(c, "remarks", "not a string");
  return EMB_OK;
}

static emb_status req_string(emb__pctx *c, json_t *o, const char *key,
                             size_t max, const char **out) {
  json_t *v = json_object_get(o, key);
  if (v == NULL) return emb__perr(c, key, "missing");
  return emb__p_string(c, key, v, max, out);
}

static emb_status rule_line(emb__pctx *c, json_t *o, emb__rule *r,
                            id_set *ids) {
  static const char *const keys[] = {
      "id",       "kind",           "title",
      "summary",  "effective_from", "effective_until",
      "citation", "policy",         "exceptions",
      "verified", "remarks",        "params",
      NULL};
  if (!json_is_object(o)) {
    emb__pdiag(c, c->line, "not a JSON object");
    return EMB_EPARSE;
  }
  emb_status st = emb__p_keys(c, "", o, keys);
  if (st != EMB_OK) return st;
  json_t *v = json_object_get(o, "id");
  if (v == NULL) return emb__perr(c, "id", "missing");
  if (!json_is_string(v) ||
      !is_rule_id(json_string_value(v), json_string_length(v)))
    return emb__perr(c, "id", "not a rule id [a-z0-9.:-]+");
  if ((st = emb__p_string(c, "id", v, 128, &r->id)) != EMB_OK) return st;
  if (ids->cap) {
    id_slot *s = id_find(ids, r->id);
    if (s->id)
      return emb__perr(c, "id",
                       "\"%s\" is already the id of the rule at "
                       "%s:%ld",
                       r->id, s->file, s->line);
  }
  v = json_object_get(o, "kind");
  if (v == NULL) return emb__perr(c, "kind", "missing");
  r->kind = -1;
  for (int k = 0; k < EMB__N_KINDS && json_is_string(v); k++)
    if (strcmp(json_string_value(v), emb__kinds[k].name) == 0) r->kind = k;
  if (r->kind < 0)
    return emb__perr(c, "kind",
                     "%s%.40s%s is not a rule kind (listed_party, "
                     "country_chart, end_use, informed_party, "
                     "foreign_direct_product, de_minimis, embargo, "
                     "us_person)",
                     json_is_string(v) ? "\"" : "",
                     json_is_string(v) ? json_string_value(v) : "the value",
                     json_is_string(v) ? "\"" : "");
  r->kind_name = emb__kinds[r->kind].name;
  if ((st = req_string(c, o, "title", 300, &r->title)) != EMB_OK ||
      (st = req_string(c, o, "summary", 1000, &r->summary)) != EMB_OK ||
      (st = req_string(c, o, "citation", 1000, &r->citation)) != EMB_OK)
    return st;
  v = json_object_get(o, "effective_from");
  if (v == NULL) return emb__perr(c, "effective_from", "missing");
  if ((st = emb__p_date(c, "effective_from", v, &r->from)) != EMB_OK) return st;
  emb__day_format(r->from, r->from_s);
  v = json_object_get(o, "effective_until");
  if (v && !json_is_null(v)) {
    if ((st = emb__p_date(c, "effective_until", v, &r->until)) != EMB_OK)
      return st;
    if (r->until < r->from)
      return emb__perr(c, "effective_until", "before effective_from");
    emb__day_format(r->until, r->until_s);
  }
  v = json_object_get(o, "policy");
  if (v && (st = emb__p_string(c, "policy", v, 2000, &r->policy)) != EMB_OK)
    return st;
  v = json_object_get(o, "exceptions");
  if (v && (st = emb__p_strings(c, "exceptions", v, 16, emb__is_code,
                                "a licence exception symbol (e.g. \"GOV\")",
                                &r->exceptions, &r->n_exceptions)) != EMB_OK)
    return st;
  r->verified = 1;
  v = json_object_get(o, "verified");
  if (v && (st = emb__p_bool(c, "verified", v, &r->verified)) != EMB_OK)
    return st;
  v = json_object_get(o, "remarks");
  if (v && (st = emb__p_string(c, "remarks", v, 4000, &r->remarks)) != EMB_OK)
    return st;
  v = json_object_get(o, "params");
  if (v == NULL) return emb__perr(c, "params", "missing");
  if (!json_is_object(v)) return emb__perr(c, "params", "not an object");
  c->field_prefix = "params.";
  st = emb__kinds[r->kind].parse(c, v, &r->params);
  c->field_prefix = NULL;
  return st;
}

typedef struct loader {
  emb_ruleset *rs;
  const emb_load_opts *opts;
  id_set ids;
  int failed;
  emb_status first_error;
} loader;

static void fail(loader *L, emb_status st) {
  L->failed = 1;
  if (L->first_error == EMB_OK) L->first_error = st;
}

static emb_status push_rule(emb_ruleset *rs, const emb__rule *r) {
  if ((rs->n_rules & (rs->n_rules - 1)) == 0) {
    size_t cap = rs->n_rules ? rs->n_rules * 2 : 64;
    emb__rule *nr = realloc(rs->rules, cap * sizeof(*nr));
    if (nr == NULL) return EMB_ENOMEM;
    rs->rules = nr;
  }
  rs->rules[rs->n_rules++] = *r;
  return EMB_OK;
}

/* Loads one pack; its rules are appended to the set only when all of them
 * are valid. */
static emb_status load_pack(loader *L, const char *path) {
  emb_ruleset *rs = L->rs;
  char *text;
  size_t len;
  char hex[65];
  const char *file = emb__arena_strndup(&rs->arena, path, strlen(path));
  if (file == NULL) return EMB_ENOMEM;
  emb__pctx c = {.rs = rs, .opts = L->opts, .file = file};
  emb_status st = emb__read_file(path, MAX_PACK_FILE, &text, &len, hex);
  if (st != EMB_OK) {
    emb__pdiag(&c, 0, "%s", emb_strerror(st));
    fail(L, st);
    return st == EMB_ENOMEM ? st : EMB_OK;
  }
  emb_rule_pack_info pk = {.path = file};
  pk.sha256 = emb__arena_strndup(&rs->arena, hex, 64);
  size_t first_rule = rs->n_rules, pack_index = rs->n_packs;
  size_t regime = 0;
  int have_header = 0, bad = 0;
  emb__lines it;
  emb__lines_init(&it, text, len);
  const char *p;
  size_t n;
  while (st == EMB_OK && emb__lines_next(&it, &p, &n)) {
    if (emb__line_skipped(p, n)) continue;
    c.line = it.line;
    if (c.errors >= MAX_ERRORS_PER_FILE) {
      emb__pdiag(&c, it.line,
                 "too many errors; the rest of the file was "
                 "not checked");
      bad = 1;
      break;
    }
    if (n > MAX_PACK_LINE) {
      emb__pdiag(&c, it.line, "line longer than %zu bytes", MAX_PACK_LINE);
      bad = 1;
      continue;
    }
    json_error_t jerr;
    json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL) {
      emb__pdiag(&c, it.line, "column %d: %s", jerr.column, jerr.text);
      bad = 1;
      if (!have_header) break;
      continue;
    }
    emb_status lst;
    if (!have_header) {
      have_header = 1;
      lst = pack_header(&c, o, &pk);
      if (lst == EMB_OK) lst = regime_index(rs, pk.regime, &regime);
      if (lst != EMB_OK && lst != EMB_ENOMEM) {
        json_decref(o);
        bad = 1;
        break;
      }
    } else {
      emb__rule r = {.pack = pack_index, .regime = regime, .line = it.line};
      lst = rule_line(&c, o, &r, &L->ids);
      if (lst == EMB_OK) lst = id_add(&L->ids, r.id, file, it.line);
      if (lst == EMB_OK) lst = push_rule(rs, &r);
    }
    json_decref(o);
    if (lst == EMB_ENOMEM)
      st = lst;
    else if (lst != EMB_OK)
      bad = 1;
  }
  free(text);
  if (st == EMB_OK && !bad && !have_header) {
    emb__pdiag(&c, 0,
               "no header line: the first line of a pack is "
               "{\"format\":\"embargo-rules\",...}");
    bad = 1;
  }
  if (st == EMB_OK && bad) {
    emb__pdiag(&c, 0, "pack rejected: no rule of this file was loaded");
    fail(L, EMB_EPARSE);
  }
  if (st != EMB_OK || bad) {
    rs->n_rules = first_rule;
    return st;
  }
  pk.rules = rs->n_rules - first_rule;
  emb_rule_pack_info *np =
      realloc(rs->packs, (rs->n_packs + 1) * sizeof(*rs->packs));
  if (np == NULL) return EMB_ENOMEM;
  rs->packs = np;
  rs->packs[rs->n_packs++] = pk;
  return EMB_OK;
}

static void report(const emb_load_opts *opts, const char *file,
                   const char *msg) {
  if (opts && opts->diag) opts->diag(opts->userdata, "error", file, 0, msg);
}

emb_status emb_ruleset_load(const char *dir, const emb_load_opts *opts,
                            emb_ruleset **out) {
  *out = NULL;
  if (dir == NULL || *dir == '\0') return EMB_EINVAL;
  emb_ruleset *rs = calloc(1, sizeof(*rs));
  if (rs == NULL) return EMB_ENOMEM;
  for (int i = 0; i < EMB__NCC; i++) rs->ref.same_as[i] = -1;
  rs->dir = emb__arena_strndup(&rs->arena, dir, strlen(dir));
  loader L = {.rs = rs, .opts = opts};
  emb_status st = rs->dir ? emb__ref_load(rs, dir, opts) : EMB_ENOMEM;
  if (st == EMB_OK) {
    char skip[4096], **paths = NULL;
    size_t n = 0;
    emb__fmt(skip, sizeof(skip), "%s/ref", dir);
    st = emb__find_packs(dir, skip, &paths, &n);
    if (st != EMB_OK) report(opts, dir, emb_strerror(st));
    for (size_t i = 0; i < n; i++) {
      if (st == EMB_OK) st = load_pack(&L, paths[i]);
      free(paths[i]);
    }
    free(paths);
    if (st == EMB_OK && L.failed) st = L.first_error;
    if (st == EMB_OK) st = emb__regimes_load(rs, dir, opts);
    if (st == EMB_OK && rs->n_rules == 0) {
      report(opts, dir, "no rule pack (*.jsonl) with rules was found");
      st = EMB_EEMPTY;
    }
  }
  free(L.ids.slots);
  if (st != EMB_OK) {
    emb_ruleset_free(rs);
    return st;
  }
  *out = rs;
  return EMB_OK;
}

void emb_ruleset_free(emb_ruleset *rs) {
  if (rs == NULL) return;
  free(rs->ref.eccns);
  free(rs->ref.eccn_ix);
  free(rs->rules);
  free(rs->packs);
  free(rs->regimes);
  emb__arena_free(&rs->arena);
  free(rs);
}

const char *emb_ruleset_dir(const emb_ruleset *rs) {
  return rs->dir;
}

size_t emb_ruleset_rule_count(const emb_ruleset *rs) {
  return rs->n_rules;
}

void emb_ruleset_rule(const emb_ruleset *rs, size_t i, emb_rule_info *out) {
  const emb__rule *r = &rs->rules[i];
  *out = (emb_rule_info){
      .id = r->id,
      .kind = r->kind_name,
      .regime = rs->regimes[r->regime].name,
      .title = r->title,
      .summary = r->summary,
      .citation = r->citation,
      .policy = r->policy,
      .effective_from = r->from_s,
      .effective_until = r->until ? r->until_s : NULL,
      .verified = r->verified,
      .remarks = r->remarks,
      .pack = r->pack,
      .line = r->line,
  };
}

size_t emb_ruleset_pack_count(const emb_ruleset *rs) {
  return rs->n_packs;
}

const emb_rule_pack_info *emb_ruleset_pack(const emb_ruleset *rs, size_t i) {
  return &rs->packs[i];
}

size_t emb_ruleset_ref_count(const emb_ruleset *rs) {
  return rs->n_refs;
}

const emb_ref_info *emb_ruleset_ref(const emb_ruleset *rs, size_t i) {
  return &rs->refs[i];
}

const char *emb_ruleset_ref_as_of(const emb_ruleset *rs) {
  return rs->ref_as_of;
}

size_t emb_ruleset_regime_count(const emb_ruleset *rs) {
  return rs->n_regimes;
}

const char *emb_ruleset_regime_name(const emb_ruleset *rs, size_t i) {
  return i < rs->n_regimes ? rs->regimes[i].name : NULL;
}

long emb_ruleset_regime_find(const emb_ruleset *rs, const char *name) {
  for (size_t i = 0; name && i < rs->n_regimes; i++)
    if (strcmp(rs->regimes[i].name, name) == 0) return (long)i;
  return -1;
}
