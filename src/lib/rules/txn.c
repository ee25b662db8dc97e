/* Transactions as JSON (docs/check.md): strict parsing with errors that
 * name the field, and bounded sizes. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define MAX_DESCRIPTION 4096
#define MAX_ECCN 40

typedef struct pctx {
  emb_txn *t;
  char *err;
  size_t errlen;
} pctx;

static emb_status fail(pctx *c, emb_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static emb_status fail(pctx *c, emb_status st, const char *fmt, ...) {
  if (c->err && c->errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

static emb_status keys(pctx *c, const char *where, json_t *o,
                       const char *const *allowed) {
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    size_t i = 0;
    while (allowed[i] && strcmp(allowed[i], k) != 0) i++;
    if (allowed[i] == NULL)
      return fail(c, EMB_ETXN, "%s%s\"%.60s\": unknown field", where,
                  *where ? "." : "", k);
  }
  return EMB_OK;
}

static emb_status string(pctx *c, const char *field, json_t *v, size_t max,
                         const char **out, size_t *len) {
  if (!json_is_string(v)) return fail(c, EMB_ETXN, "%s: not a string", field);
  size_t n = json_string_length(v);
  if (n > max)
    return fail(c, EMB_ETOOBIG, "%s: longer than %zu bytes", field, max);
  *out = emb__arena_strndup(&c->t->arena, json_string_value(v), n);
  if (len) *len = n;
  return *out ? EMB_OK : EMB_ENOMEM;
}

static emb_status country(pctx *c, const char *field, json_t *v, int *out) {
  if (!json_is_string(v))
    return fail(c, EMB_ETXN, "%s: not a country code string", field);
  int cc = emb__cc(json_string_value(v), json_string_length(v));
  if (cc < 0)
    return fail(c, EMB_ETXN,
                "%s: \"%.20s\" is not an ISO 3166-1 alpha-2 country code "
                "(upper case, e.g. \"CN\")",
                field, json_string_value(v));
  *out = cc;
  return EMB_OK;
}

static emb_status classification(pctx *c, const char *where, json_t *v,
                                 emb__txn_item *it) {
  char f[96];
  emb__fmt(f, sizeof(f), "%s.classification", where);
  if (!json_is_object(v))
    return fail(c, EMB_ETXN,
                "%s: not an object of control-list codes by scheme (e.g. "
                "{\"NL\":\"3B001.l\"})",
                f);
  size_t n = json_object_size(v);
  if (n > EMB_TXN_MAX_CLASSIFICATIONS)
    return fail(c, EMB_ETOOBIG, "%s: more than %d schemes", f,
                EMB_TXN_MAX_CLASSIFICATIONS);
  it->cls_schemes = emb__arena_alloc(&c->t->arena, (n + 1) * sizeof(char *));
  it->cls_codes = emb__arena_alloc(&c->t->arena, (n + 1) * sizeof(char *));
  if (it->cls_schemes == NULL || it->cls_codes == NULL) return EMB_ENOMEM;
  const char *k;
  json_t *x;
  json_object_foreach(v, k, x) {
    if (!emb__is_code(k, strlen(k)))
      return fail(c, EMB_ETXN,
                  "%s: \"%.20s\" is not a scheme (upper-case letters, "
                  "digits or '-', e.g. \"NL\", \"JP\", \"EU\")",
                  f, k);
    char g[128];
    emb__fmt(g, sizeof(g), "%s.%s", f, k);
    if (!json_is_string(x) ||
        !emb__is_list_code(json_string_value(x), json_string_length(x)))
      return fail(c, EMB_ETXN,
                  "%s: not a control-list code (printable, no spaces, at "
                  "most %d bytes; \"none\" when the item is on no entry)",
                  g, MAX_ECCN);
    size_t i = it->n_cls++;
    it->cls_schemes[i] = emb__arena_strndup(&c->t->arena, k, strlen(k));
    it->cls_codes[i] = emb__arena_strndup(&c->t->arena, json_string_value(x),
                                          json_string_length(x));
    if (it->cls_schemes[i] == NULL || it->cls_codes[i] == NULL)
      return EMB_ENOMEM;
  }
  return EMB_OK;
}

const char *emb__txn_item_class(const emb__txn_item *it, const char *scheme) {
  for (size_t i = 0; i < it->n_cls; i++)
    if (strcmp(it->cls_schemes[i], scheme) == 0) return it->cls_codes[i];
  return NULL;
}

static emb_status item(pctx *c, size_t i, json_t *o, emb__txn_item *it) {
  static const char *const allowed[] = {"eccn",
                                        "description",
                                        "origin",
                                        "us_content_pct",
                                        "direct_product_of_us_technology",
                                        "classification",
                                        "manufacturer",
                                        NULL};
  char where[32], f[96];
  emb__fmt(where, sizeof(where), "items[%zu]", i);
  if (!json_is_object(o)) return fail(c, EMB_ETXN, "%s: not an object", where);
  emb_status st = keys(c, where, o, allowed);
  if (st != EMB_OK) return st;
  it->code = -1;
  it->origin = -1;
  it->us_content_pct = -1;
  it->direct_product = -1;
  it->para = "";
  json_t *v = json_object_get(o, "eccn");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.eccn", where);
    size_t n, off;
    if ((st = string(c, f, v, MAX_ECCN, &it->eccn, &n)) != EMB_OK) return st;
    if (!emb__eccn_parse(it->eccn, n, &it->code, &off))
      return fail(c, EMB_ETXN,
                  "%s: \"%s\" is not an ECCN (e.g. \"3A090\", \"3A090.c\" or "
                  "\"EAR99\")",
                  f, it->eccn);
    /* Kept as given for the output; the paragraph lower-cased apart. */
    char *para = emb__arena_strndup(&c->t->arena, it->eccn + off, n - off);
    if (para == NULL) return EMB_ENOMEM;
    for (char *p = para; *p; p++)
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    it->para = para;
    it->para_len = n - off;
  }
  v = json_object_get(o, "description");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.description", where);
    if ((st = string(c, f, v, MAX_DESCRIPTION, &it->description, NULL)) !=
        EMB_OK)
      return st;
  }
  v = json_object_get(o, "origin");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.origin", where);
    if ((st = country(c, f, v, &it->origin)) != EMB_OK) return st;
  }
  v = json_object_get(o, "us_content_pct");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.us_content_pct", where);
    if (!json_is_number(v)) return fail(c, EMB_ETXN, "%s: not a number", f);
    double x = json_number_value(v);
    if (!isfinite(x) || x < 0 || x > 100)
      return fail(c, EMB_ETXN, "%s: %g is outside 0..100", f, x);
    it->us_content_pct = x;
  }
  v = json_object_get(o, "direct_product_of_us_technology");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.direct_product_of_us_technology", where);
    if (!json_is_boolean(v))
      return fail(c, EMB_ETXN, "%s: not true or false", f);
    it->direct_product = json_is_true(v);
  }
  v = json_object_get(o, "classification");
  if (v && !json_is_null(v) && (st = classification(c, where, v, it)) != EMB_OK)
    return st;
  v = json_object_get(o, "manufacturer");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.manufacturer", where);
    if ((st = string(c, f, v, EMB_MAX_QUERY, &it->manufacturer,
                     &it->manufacturer_len)) != EMB_OK)
      return st;
  }
  return EMB_OK;
}

/* Owners of a party or of an owner (where names it), recursively. */
static emb_status owners(pctx *c, const char *where, json_t *v, int depth,
                         size_t *total, emb__txn_owner **out, size_t *n_out) {
  static const char *const allowed[] = {"name", "share_pct", "country",
                                        "owners", NULL};
  char f[160];
  emb__fmt(f, sizeof(f), "%s.owners", where);
  if (!json_is_array(v))
    return fail(c, EMB_ETXN,
                "%s: not an array of {\"name\", \"share_pct\"} objects", f);
  if (depth > EMB_TXN_MAX_OWNER_DEPTH)
    return fail(c, EMB_ETOOBIG, "%s: owners nested more than %d deep", f,
                EMB_TXN_MAX_OWNER_DEPTH);
  size_t n = json_array_size(v);
  if (n > EMB_TXN_MAX_OWNERS)
    return fail(c, EMB_ETOOBIG, "%s: more than %d owners", f,
                EMB_TXN_MAX_OWNERS);
  *total += n;
  if (*total > EMB_TXN_MAX_OWNERS_TOTAL)
    return fail(c, EMB_ETOOBIG, "%s: more than %d owners in the transaction", f,
                EMB_TXN_MAX_OWNERS_TOTAL);
  emb__txn_owner *os = emb__arena_alloc(&c->t->arena, (n + 1) * sizeof(*os));
  if (os == NULL) return EMB_ENOMEM;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(v, i);
    emb__txn_owner *w = &os[i];
    w->country = -1;
    char at[160], g[192];
    emb__fmt(at, sizeof(at), "%s[%zu]", f, i);
    if (!json_is_object(o)) return fail(c, EMB_ETXN, "%s: not an object", at);
    emb_status st = keys(c, at, o, allowed);
    if (st != EMB_OK) return st;
    json_t *x = json_object_get(o, "name");
    emb__fmt(g, sizeof(g), "%s.name", at);
    if (x == NULL) return fail(c, EMB_ETXN, "%s: missing", g);
    if ((st = string(c, g, x, EMB_MAX_QUERY, &w->name, &w->name_len)) != EMB_OK)
      return st;
    size_t k = 0;
    while (k < w->name_len && (w->name[k] == ' ' || w->name[k] == '\t')) k++;
    if (k == w->name_len) return fail(c, EMB_ETXN, "%s: empty", g);
    x = json_object_get(o, "share_pct");
    emb__fmt(g, sizeof(g), "%s.share_pct", at);
    if (x == NULL || json_is_null(x))
      return fail(c, EMB_ETXN, "%s: missing (the owner's share, 0 to 100)", g);
    if (!json_is_number(x)) return fail(c, EMB_ETXN, "%s: not a number", g);
    w->share_pct = json_number_value(x);
    if (!isfinite(w->share_pct) || w->share_pct < 0 || w->share_pct > 100)
      return fail(c, EMB_ETXN, "%s: %g is outside 0..100", g, w->share_pct);
    sum += w->share_pct;
    x = json_object_get(o, "country");
    if (x && !json_is_null(x)) {
      emb__fmt(g, sizeof(g), "%s.country", at);
      if ((st = country(c, g, x, &w->country)) != EMB_OK) return st;
    }
    x = json_object_get(o, "owners");
    if (x && !json_is_null(x) &&
        (st = owners(c, at, x, depth + 1, total, &w->owners, &w->n_owners)) !=
            EMB_OK)
      return st;
  }
  if (sum > 100.0001)
    return fail(c, EMB_ETXN, "%s: the shares add up to %g%%, more than 100", f,
                sum);
  *out = os;
  *n_out = n;
  return EMB_OK;
}

/* An array of words [a-z0-9_]+ (end uses, flags) into *out. */
static emb_status words(pctx *c, const char *field, json_t *v, size_t max,
                        const char *example, const char ***out, size_t *n) {
  if (!json_is_array(v))
    return fail(c, EMB_ETXN, "%s: not an array of strings", field);
  if (json_array_size(v) > max)
    return fail(c, EMB_ETOOBIG, "%s: more than %zu", field, max);
  *n = json_array_size(v);
  *out = emb__arena_alloc(&c->t->arena, (*n + 1) * sizeof(char *));
  if (*out == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < *n; i++) {
    json_t *x = json_array_get(v, i);
    if (!json_is_string(x) ||
        !emb__is_ident(json_string_value(x), json_string_length(x)))
      return fail(c, EMB_ETXN, "%s[%zu]: not a word [a-z0-9_]+ (e.g. %s)",
                  field, i, example);
    emb_status st = string(c, field, x, 64, &(*out)[i], NULL);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

static emb_status party(pctx *c, size_t i, json_t *o, emb__txn_party *p,
                        size_t *n_owners_total) {
  static const char *const allowed[] = {"role",  "name",   "country",
                                        "flags", "owners", NULL};
  char where[32], f[64];
  emb__fmt(where, sizeof(where), "parties[%zu]", i);
  if (!json_is_object(o)) return fail(c, EMB_ETXN, "%s: not an object", where);
  emb_status st = keys(c, where, o, allowed);
  if (st != EMB_OK) return st;
  json_t *v = json_object_get(o, "role");
  emb__fmt(f, sizeof(f), "%s.role", where);
  if (v == NULL) return fail(c, EMB_ETXN, "%s: missing", f);
  p->role = json_is_string(v) ? emb__role_parse(json_string_value(v)) : -1;
  if (p->role < 0)
    return fail(c, EMB_ETXN,
                "%s: %s%.40s%s is not a role (purchaser, "
                "intermediate_consignee, ultimate_consignee, end_user, "
                "supplier)",
                f, json_is_string(v) ? "\"" : "",
                json_is_string(v) ? json_string_value(v) : "the value",
                json_is_string(v) ? "\"" : "");
  v = json_object_get(o, "name");
  emb__fmt(f, sizeof(f), "%s.name", where);
  if (v == NULL) return fail(c, EMB_ETXN, "%s: missing", f);
  if ((st = string(c, f, v, EMB_MAX_QUERY, &p->name, &p->name_len)) != EMB_OK)
    return st;
  size_t k = 0;
  while (k < p->name_len && (p->name[k] == ' ' || p->name[k] == '\t')) k++;
  if (k == p->name_len) return fail(c, EMB_ETXN, "%s: empty", f);
  p->country = -1;
  v = json_object_get(o, "country");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.country", where);
    if ((st = country(c, f, v, &p->country)) != EMB_OK) return st;
  }
  v = json_object_get(o, "flags");
  if (v && !json_is_null(v)) {
    emb__fmt(f, sizeof(f), "%s.flags", where);
    if ((st = words(c, f, v, EMB_TXN_MAX_FLAGS, "\"ciio\"", &p->flags,
                    &p->n_flags)) != EMB_OK)
      return st;
  }
  v = json_object_get(o, "owners");
  if (v && !json_is_null(v) &&
      (st = owners(c, where, v, 1, n_owners_total, &p->owners, &p->n_owners)) !=
          EMB_OK)
    return st;
  return EMB_OK;
}

static emb_status licences(pctx *c, json_t *v) {
  static const char *const allowed[] = {"regime", "number", "granted", NULL};
  emb_txn *t = c->t;
  if (!json_is_array(v))
    return fail(c, EMB_ETXN,
                "licences: not an array of {\"regime\", \"number\", "
                "\"granted\"} objects");
  size_t n = json_array_size(v);
  if (n > EMB_TXN_MAX_LICENCES)
    return fail(c, EMB_ETOOBIG, "licences: more than %d", EMB_TXN_MAX_LICENCES);
  t->licences = emb__arena_alloc(&t->arena, (n + 1) * sizeof(*t->licences));
  if (t->licences == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(v, i);
    emb__txn_licence *l = &t->licences[i];
    char at[32], f[64];
    emb__fmt(at, sizeof(at), "licences[%zu]", i);
    if (!json_is_object(o)) return fail(c, EMB_ETXN, "%s: not an object", at);
    emb_status st = keys(c, at, o, allowed);
    if (st != EMB_OK) return st;
    json_t *x = json_object_get(o, "regime");
    emb__fmt(f, sizeof(f), "%s.regime", at);
    if (x == NULL) return fail(c, EMB_ETXN, "%s: missing (e.g. \"NL\")", f);
    if (!json_is_string(x) ||
        !emb__is_code(json_string_value(x), json_string_length(x)))
      return fail(c, EMB_ETXN, "%s: not a regime code (e.g. \"NL\")", f);
    if ((st = string(c, f, x, 16, &l->regime, NULL)) != EMB_OK) return st;
    x = json_object_get(o, "number");
    emb__fmt(f, sizeof(f), "%s.number", at);
    if (x && !json_is_null(x) &&
        (st = string(c, f, x, 128, &l->number, NULL)) != EMB_OK)
      return st;
    x = json_object_get(o, "granted");
    emb__fmt(f, sizeof(f), "%s.granted", at);
    if (x && !json_is_null(x) &&
        (!json_is_string(x) ||
         !emb__day_parse(json_string_value(x), json_string_length(x),
                         &l->granted)))
      return fail(c, EMB_ETXN, "%s: not a calendar date YYYY-MM-DD", f);
  }
  t->n_licences = n;
  return EMB_OK;
}

static emb_status transaction(pctx *c, json_t *o) {
  static const char *const allowed[] = {"date",     "from",     "to",
                                        "activity", "items",    "parties",
                                        "end_uses", "licences", NULL};
  emb_txn *t = c->t;
  if (!json_is_object(o))
    return fail(c, EMB_ETXN, "the transaction is not a JSON object");
  emb_status st = keys(c, "", o, allowed);
  if (st != EMB_OK) return st;
  json_t *v = json_object_get(o, "date");
  if (v && !json_is_null(v) &&
      (!json_is_string(v) ||
       !emb__day_parse(json_string_value(v), json_string_length(v), &t->date)))
    return fail(c, EMB_ETXN,
                "date: %s%.20s%s is not a calendar date "
                "YYYY-MM-DD",
                json_is_string(v) ? "\"" : "",
                json_is_string(v) ? json_string_value(v) : "the value",
                json_is_string(v) ? "\"" : "");
  static const char *const places[2] = {"from", "to"};
  int *dst[2] = {&t->from, &t->to};
  for (int k = 0; k < 2; k++) {
    v = json_object_get(o, places[k]);
    if (v == NULL || json_is_null(v))
      return fail(c, EMB_ETXN, "%s: missing (an ISO country code)", places[k]);
    if ((st = country(c, places[k], v, dst[k])) != EMB_OK) return st;
  }
  t->activity = "export";
  v = json_object_get(o, "activity");
  if (v && !json_is_null(v)) {
    if (!json_is_string(v) ||
        !emb__is_ident(json_string_value(v), json_string_length(v)))
      return fail(c, EMB_ETXN,
                  "activity: not a word [a-z0-9_]+ (e.g. "
                  "\"export\", \"reexport\", \"service\")");
    if ((st = string(c, "activity", v, 64, &t->activity, NULL)) != EMB_OK)
      return st;
  }
  v = json_object_get(o, "items");
  if (v == NULL || !json_is_array(v) || json_array_size(v) == 0)
    return fail(c, EMB_ETXN, "items: missing or empty (at least one item)");
  if (json_array_size(v) > EMB_TXN_MAX_ITEMS)
    return fail(c, EMB_ETOOBIG, "items: more than %d", EMB_TXN_MAX_ITEMS);
  t->n_items = json_array_size(v);
  t->items = emb__arena_alloc(&t->arena, t->n_items * sizeof(*t->items));
  if (t->items == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < t->n_items; i++)
    if ((st = item(c, i, json_array_get(v, i), &t->items[i])) != EMB_OK)
      return st;
  v = json_object_get(o, "parties");
  if (v && !json_is_null(v)) {
    if (!json_is_array(v)) return fail(c, EMB_ETXN, "parties: not an array");
    if (json_array_size(v) > EMB_TXN_MAX_PARTIES)
      return fail(c, EMB_ETOOBIG, "parties: more than %d", EMB_TXN_MAX_PARTIES);
    t->n_parties = json_array_size(v);
    t->parties =
        emb__arena_alloc(&t->arena, (t->n_parties + 1) * sizeof(*t->parties));
    if (t->parties == NULL) return EMB_ENOMEM;
    size_t n_owners = 0;
    for (size_t i = 0; i < t->n_parties; i++)
      if ((st = party(c, i, json_array_get(v, i), &t->parties[i], &n_owners)) !=
          EMB_OK)
        return st;
  }
  v = json_object_get(o, "end_uses");
  if (v && !json_is_null(v) &&
      (st = words(c, "end_uses", v, EMB_TXN_MAX_END_USES, "\"military\"",
                  &t->end_uses, &t->n_end_uses)) != EMB_OK)
    return st;
  v = json_object_get(o, "licences");
  if (v && !json_is_null(v) && (st = licences(c, v)) != EMB_OK) return st;
  return EMB_OK;
}

emb_status emb_txn_parse(const char *json, size_t len, char *err, size_t errlen,
                         emb_txn **out) {
  *out = NULL;
  if (err && errlen) err[0] = '\0';
  pctx c = {NULL, err, errlen};
  if (json == NULL) return fail(&c, EMB_EINVAL, "no input");
  if (len > EMB_TXN_MAX_JSON)
    return fail(&c, EMB_ETOOBIG, "the transaction is longer than %zu bytes",
                EMB_TXN_MAX_JSON);
  json_error_t jerr;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL)
    return fail(&c, EMB_EPARSE, "JSON, line %d, column %d: %s", jerr.line,
                jerr.column, jerr.text);
  c.t = calloc(1, sizeof(*c.t));
  emb_status st = c.t ? transaction(&c, root) : EMB_ENOMEM;
  json_decref(root);
  if (st == EMB_ENOMEM) fail(&c, st, "%s", emb_strerror(st));
  if (st != EMB_OK) {
    emb_txn_free(c.t);
    return st;
  }
  *out = c.t;
  return EMB_OK;
}

void emb_txn_free(emb_txn *t) {
  if (t == NULL) return;
  emb__arena_free(&t->arena);
  free(t);
}
