/* Ownership files: companies and their owners with shares (docs/regimes.md),
 * looked up by name for the ownership rules.
 *
 * DESIGN: names are looked up by a key, the name folded to lower case
 * with every run of ASCII punctuation and spaces made one space, so that
 * "Huawei Technologies Co., Ltd." and "HUAWEI TECHNOLOGIES CO LTD" meet.
 * This is deliberately stricter than screening: an ownership record is a
 * fact about one company, and fuzzy matching would attach it to another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/hash.h"
#include "../../common/lines.h"
#include "embargo/ownership.h"
#include "rules_internal.h"

#define MAX_ERRORS 50
#define MAX_COMPANIES 1000000

struct emb_ownership {
  emb__arena arena;
  const char *path, *sha256, *source, *as_of;
  emb__own *companies;
  size_t n, cap;
  size_t *slots; /* open addressing: index + 1, 0 empty */
  size_t n_slots;
};

size_t emb__own_key(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  int space = 0;
  for (size_t i = 0; i < n && k + 1 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                (ch >= '0' && ch <= '9') || ch >= 0x80;
    if (!alnum) {
      space = k > 0;
      continue;
    }
    if (space && k + 2 < cap) out[k++] = ' ';
    space = 0;
    out[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
  }
  out[k] = '\0';
  return k;
}

const emb__own *emb__own_find(const emb_ownership *o, const char *name,
                              size_t len) {
  if (o == NULL || o->n_slots == 0) return NULL;
  char key[EMB_MAX_QUERY + 1];
  size_t n = emb__own_key(name, len, key, sizeof(key));
  size_t j = (size_t)emb__hash_bytes(key, n) & (o->n_slots - 1);
  while (o->slots[j]) {
    const emb__own *e = &o->companies[o->slots[j] - 1];
    if (strcmp(e->key, key) == 0) return e;
    j = (j + 1) & (o->n_slots - 1);
  }
  return NULL;
}

typedef struct octx {
  emb_ownership *o;
  const emb_load_opts *opts;
  long line;
  int errors;
} octx;

static emb_status err(octx *c, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static emb_status err(octx *c, const char *field, const char *fmt, ...) {
  c->errors++;
  if (c->opts && c->opts->diag && c->errors <= MAX_ERRORS) {
    char msg[512], full[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (field)
      snprintf(full, sizeof(full), "field \"%s\": %s", field, msg);
    else
      snprintf(full, sizeof(full), "%s", msg);
    c->opts->diag(c->opts->userdata, "error", c->o->path, c->line, full);
  }
  return EMB_EPARSE;
}

static emb_status str(octx *c, const char *field, json_t *v, size_t max,
                      const char **out) {
  if (!json_is_string(v)) return err(c, field, "not a string");
  size_t n = json_string_length(v);
  if (n == 0) return err(c, field, "empty");
  if (n > max) return err(c, field, "longer than %zu bytes", max);
  *out = emb__arena_strndup(&c->o->arena, json_string_value(v), n);
  return *out ? EMB_OK : EMB_ENOMEM;
}

static emb_status header(octx *c, json_t *h) {
  static const char *const keys[] = {"format", "version", "source", "as_of",
                                     NULL};
  const char *k;
  json_t *v;
  json_object_foreach(h, k, v) {
    size_t i = 0;
    while (keys[i] && strcmp(keys[i], k) != 0) i++;
    if (keys[i] == NULL) return err(c, k, "unknown field");
  }
  v = json_object_get(h, "format");
  if (!json_is_string(v) ||
      strcmp(json_string_value(v), "embargo-ownership") != 0)
    return err(c, "format",
               "must be \"embargo-ownership\" (the first line is "
               "{\"format\":\"embargo-ownership\",\"version\":1,...})");
  v = json_object_get(h, "version");
  if (!json_is_integer(v) || json_integer_value(v) != 1)
    return err(c, "version", "must be 1");
  emb_status st = EMB_OK;
  if ((v = json_object_get(h, "source")))
    st = str(c, "source", v, 1000, &c->o->source);
  if (st == EMB_OK && (v = json_object_get(h, "as_of"))) {
    emb__day d;
    if (!json_is_string(v) ||
        !emb__day_parse(json_string_value(v), json_string_length(v), &d))
      return err(c, "as_of", "not a calendar date YYYY-MM-DD");
    st = str(c, "as_of", v, 10, &c->o->as_of);
  }
  return st;
}

static emb_status grow(emb_ownership *o) {
  if (o->n < o->cap) return EMB_OK;
  size_t cap = o->cap ? o->cap * 2 : 64;
  emb__own *nc = realloc(o->companies, cap * sizeof(*nc));
  if (nc == NULL) return EMB_ENOMEM;
  o->companies = nc;
  o->cap = cap;
  return EMB_OK;
}

static emb_status company(octx *c, json_t *j) {
  static const char *const keys[] = {"entity", "country", "owners", "citation",
                                     "as_of",  "remarks", NULL};
  const char *k;
  json_t *v;
  json_object_foreach(j, k, v) {
    size_t i = 0;
    while (keys[i] && strcmp(keys[i], k) != 0) i++;
    if (keys[i] == NULL) return err(c, k, "unknown field");
  }
  emb_ownership *o = c->o;
  if (o->n >= MAX_COMPANIES)
    return err(c, NULL, "more than %d companies", MAX_COMPANIES);
  emb_status st = grow(o);
  if (st != EMB_OK) return st;
  emb__own *e = &o->companies[o->n];
  memset(e, 0, sizeof(*e));
  e->line = c->line;
  v = json_object_get(j, "entity");
  if (v == NULL) return err(c, "entity", "missing (the company's name)");
  if ((st = str(c, "entity", v, EMB_MAX_QUERY, &e->name)) != EMB_OK) return st;
  char key[EMB_MAX_QUERY + 1];
  size_t kn = emb__own_key(e->name, strlen(e->name), key, sizeof(key));
  if (kn == 0) return err(c, "entity", "has no letters or digits");
  if ((e->key = emb__arena_strndup(&o->arena, key, kn)) == NULL)
    return EMB_ENOMEM;
  v = json_object_get(j, "citation");
  if (v == NULL)
    return err(c, "citation",
               "missing (where the ownership comes from, e.g. a registry "
               "extract)");
  if ((st = str(c, "citation", v, 2000, &e->citation)) != EMB_OK) return st;
  if ((v = json_object_get(j, "country"))) {
    if (!json_is_string(v) ||
        emb__cc(json_string_value(v), json_string_length(v)) < 0)
      return err(c, "country", "not an ISO 3166-1 alpha-2 code");
  }
  if ((v = json_object_get(j, "as_of"))) {
    emb__day d;
    if (!json_is_string(v) ||
        !emb__day_parse(json_string_value(v), json_string_length(v), &d))
      return err(c, "as_of", "not a calendar date YYYY-MM-DD");
  }
  if ((v = json_object_get(j, "remarks")) && !json_is_string(v))
    return err(c, "remarks", "not a string");
  json_t *ows = json_object_get(j, "owners");
  if (!json_is_array(ows) || json_array_size(ows) == 0)
    return err(c, "owners", "missing or not a non-empty array");
  size_t n = json_array_size(ows);
  if (n > EMB_OWNERSHIP_MAX_OWNERS)
    return err(c, "owners", "more than %d owners", EMB_OWNERSHIP_MAX_OWNERS);
  e->owners = emb__arena_alloc(&o->arena, n * sizeof(*e->owners));
  if (e->owners == NULL) return EMB_ENOMEM;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *w = json_array_get(ows, i);
    emb__txn_owner *x = &e->owners[i];
    x->country = -1;
    char f[64];
    snprintf(f, sizeof(f), "owners[%zu]", i);
    if (!json_is_object(w)) return err(c, f, "not an object");
    json_object_foreach(w, k, v) {
      if (strcmp(k, "name") && strcmp(k, "share_pct") && strcmp(k, "country"))
        return err(c, f, "unknown field \"%.40s\"", k);
    }
    snprintf(f, sizeof(f), "owners[%zu].name", i);
    v = json_object_get(w, "name");
    if (v == NULL) return err(c, f, "missing");
    if ((st = str(c, f, v, EMB_MAX_QUERY, &x->name)) != EMB_OK) return st;
    x->name_len = strlen(x->name);
    snprintf(f, sizeof(f), "owners[%zu].share_pct", i);
    v = json_object_get(w, "share_pct");
    if (!json_is_number(v)) return err(c, f, "missing or not a number");
    x->share_pct = json_number_value(v);
    if (!(x->share_pct >= 0 && x->share_pct <= 100))
      return err(c, f, "%g is outside 0..100", x->share_pct);
    sum += x->share_pct;
    if ((v = json_object_get(w, "country"))) {
      snprintf(f, sizeof(f), "owners[%zu].country", i);
      if (!json_is_string(v) ||
          (x->country = emb__cc(json_string_value(v), json_string_length(v))) <
              0)
        return err(c, f, "not an ISO 3166-1 alpha-2 code");
    }
  }
  if (sum > 100.0001)
    return err(c, "owners", "the shares add up to %g%%, more than 100", sum);
  e->n_owners = n;
  o->n++;
  return EMB_OK;
}

static emb_status index_companies(octx *c) {
  emb_ownership *o = c->o;
  size_t n = 16;
  while (n < o->n * 2) n *= 2;
  o->slots = calloc(n, sizeof(*o->slots));
  if (o->slots == NULL) return EMB_ENOMEM;
  o->n_slots = n;
  for (size_t i = 0; i < o->n; i++) {
    const emb__own *e = &o->companies[i];
    size_t j = (size_t)emb__hash_str(e->key) & (n - 1);
    while (o->slots[j]) {
      const emb__own *f = &o->companies[o->slots[j] - 1];
      if (strcmp(f->key, e->key) == 0) {
        c->line = e->line;
        return err(c, "entity",
                   "\"%.80s\" is already given on line %ld (one record per "
                   "company)",
                   e->name, f->line);
      }
      j = (j + 1) & (n - 1);
    }
    o->slots[j] = i + 1;
  }
  return EMB_OK;
}

emb_status emb_ownership_load(const char *path, const emb_load_opts *opts,
                              emb_ownership **out) {
  *out = NULL;
  if (path == NULL) return EMB_EINVAL;
  emb_ownership *o = calloc(1, sizeof(*o));
  if (o == NULL) return EMB_ENOMEM;
  octx c = {.o = o, .opts = opts};
  char *text = NULL, hex[65];
  size_t len = 0;
  o->path = emb__arena_strndup(&o->arena, path, strlen(path));
  emb_status st =
      o->path ? emb__read_file(path, EMB_OWNERSHIP_MAX_FILE, &text, &len, hex)
              : EMB_ENOMEM;
  if (st != EMB_OK && st != EMB_ENOMEM && opts && opts->diag)
    opts->diag(opts->userdata, "error", path, 0, emb_strerror(st));
  if (st == EMB_OK &&
      (o->sha256 = emb__arena_strndup(&o->arena, hex, 64)) == NULL)
    st = EMB_ENOMEM;
  int have_header = 0;
  emb__lines it;
  emb__lines_init(&it, text ? text : "", len);
  const char *p;
  size_t n;
  while (st == EMB_OK && emb__lines_next(&it, &p, &n)) {
    if (emb__line_skipped(p, n)) continue;
    c.line = it.line;
    if (n > EMB_OWNERSHIP_MAX_LINE) {
      err(&c, NULL, "line longer than %zu bytes", EMB_OWNERSHIP_MAX_LINE);
      continue;
    }
    json_error_t jerr;
    json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    emb_status lst;
    if (j == NULL) {
      lst = err(&c, NULL, "column %d: %s", jerr.column, jerr.text);
    } else if (!json_is_object(j)) {
      lst = err(&c, NULL, "not a JSON object");
    } else if (!have_header) {
      lst = header(&c, j);
    } else {
      lst = company(&c, j);
    }
    json_decref(j);
    if (!have_header && lst != EMB_OK) {
      if (lst != EMB_ENOMEM)
        st = EMB_EPARSE;
      else
        st = lst;
      break;
    }
    have_header = 1;
    if (lst == EMB_ENOMEM) st = lst;
  }
  free(text);
  if (st == EMB_OK && !have_header) {
    c.line = 0;
    st = err(&c, NULL, "empty: no header line");
  }
  if (st == EMB_OK && c.errors == 0) st = index_companies(&c);
  if (st == EMB_OK && c.errors) {
    if (c.errors > MAX_ERRORS) {
      int more = c.errors - MAX_ERRORS;
      c.line = 0;
      c.errors = 0;
      err(&c, NULL, "%d more errors not shown", more);
    }
    st = EMB_EPARSE;
  }
  if (st != EMB_OK) {
    emb_ownership_free(o);
    return st;
  }
  *out = o;
  return EMB_OK;
}

void emb_ownership_free(emb_ownership *o) {
  if (o == NULL) return;
  free(o->companies);
  free(o->slots);
  emb__arena_free(&o->arena);
  free(o);
}

size_t emb_ownership_count(const emb_ownership *o) {
  return o->n;
}
const char *emb_ownership_path(const emb_ownership *o) {
  return o->path;
}
const char *emb_ownership_sha256(const emb_ownership *o) {
  return o->sha256;
}
const char *emb_ownership_source(const emb_ownership *o) {
  return o->source;
}
const char *emb_ownership_as_of(const emb_ownership *o) {
  return o->as_of;
}
