/* embargo's own entity format: JSON Lines, as docs/entity-format.md
 * specifies it (that document is the contract; this file follows it).
 *
 * DESIGN: the file is cut into lines here (LF or CRLF; at most 1 MiB a
 * line), and each line is parsed on its own by jansson, so a bad line
 * costs only itself. The first line that is neither blank nor a "//"
 * comment is the header, which names the format; a bad header makes the
 * whole file unusable. Every entity line is checked strictly against a
 * table of the known fields: an unknown field (usually a typo), a wrong
 * type, a bad date or country code, or a missing required field makes the
 * line bad, reported with its number and the field. A fact marked
 * "verified": false stays visible to whoever reads the entry: its remarks
 * are prefixed with "UNVERIFIED: " (or are "UNVERIFIED" when it has none).
 */
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/lines.h"
#include "../text/country.h"
#include "source.h"

#define MAX_LINE ((size_t)1024 * 1024)
#define FORMAT_NAME "embargo-entities"
#define FORMAT_VERSION 1
#define UNVERIFIED_MARK "UNVERIFIED"
#define UNVERIFIED_PREFIX UNVERIFIED_MARK ": "

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int probe(const char *head, size_t n) {
  emb__lines it;
  emb__lines_init(&it, head, n);
  const char *p;
  size_t k;
  while (emb__lines_next(&it, &p, &k)) {
    if (emb__line_skipped(p, k)) continue;
    size_t i = 0;
    while (i < k && is_ws(p[i])) i++;
    if (i == k || p[i] != '{') return 0;
    json_t *j = json_loadb(p, k, 0, NULL);
    const char *fmt = json_string_value(json_object_get(j, "format"));
    int ok = fmt != NULL && strcmp(fmt, FORMAT_NAME) == 0;
    json_decref(j);
    return ok;
  }
  return 0;
}

/* Accepts exactly YYYY-MM-DD naming a calendar date. */
static int strict_date(const char *p, size_t n, char out[11]) {
  if (n != 10 || p[4] != '-' || p[7] != '-') return 0;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9')) return 0;
  return emb__date_parse(p, n, out) == EMB_OK;
}

/* Ids seen so far in the file (borrowed from the arena), to catch
 * duplicates. Open addressing. */
typedef struct id_set {
  const char **slots;
  size_t cap, n;
} id_set;

static uint64_t hash_str(const char *p) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (; *p; p++) {
    h ^= (uint64_t)(unsigned char)*p;
    h *= 0x100000001b3ull;
  }
  return h;
}

static size_t id_slot(const id_set *set, const char *id) {
  size_t j = (size_t)hash_str(id) & (set->cap - 1);
  while (set->slots[j] && strcmp(set->slots[j], id) != 0)
    j = (j + 1) & (set->cap - 1);
  return j;
}

static int id_has(const id_set *set, const char *id) {
  return set->cap && set->slots[id_slot(set, id)] != NULL;
}

static emb_status id_add(id_set *set, const char *id) {
  if ((set->n + 1) * 2 > set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 256;
    const char **old = set->slots;
    size_t old_cap = set->cap;
    set->slots = calloc(cap, sizeof(*set->slots));
    if (set->slots == NULL) {
      set->slots = old;
      return EMB_ENOMEM;
    }
    set->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i]) set->slots[id_slot(set, old[i])] = old[i];
    free(old);
  }
  set->slots[id_slot(set, id)] = id;
  set->n++;
  return EMB_OK;
}

/* The state of one entity line. */
typedef struct line_ctx {
  emb__src *s;
  emb_entity *e;
  const char *default_source; /* the header's source, or NULL */
  int verified;               /* 0 when "verified": false */
  char err[300];              /* why the line is bad */
} line_ctx;

static emb_status bad(line_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static emb_status bad(line_ctx *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, sizeof(c->err), fmt, ap);
  va_end(ap);
  return EMB_EINVAL;
}

/* Turns a setter's status into a line error naming the field. */
static emb_status setter(line_ctx *c, const char *key, emb_status st) {
  if (st == EMB_OK || st == EMB_ENOMEM) return st;
  return bad(c, "field \"%s\": %s", key, emb_strerror(st));
}

typedef emb_status (*field_fn)(line_ctx *c, const char *key, json_t *v,
                               size_t arg);

static emb_status f_string(line_ctx *c, const char *key, json_t *v,
                           size_t off) {
  if (!json_is_string(v)) return bad(c, "field \"%s\": not a string", key);
  const char **field = (const char **)((char *)c->e + off);
  return setter(
      c, key,
      emb__src_set(c->s, field, json_string_value(v), json_string_length(v)));
}

static emb_status f_date(line_ctx *c, const char *key, json_t *v, size_t off) {
  if (json_is_null(v)) return EMB_OK;
  char d[11];
  if (!json_is_string(v) ||
      !strict_date(json_string_value(v), json_string_length(v), d))
    return bad(c, "field \"%s\": not a date (YYYY-MM-DD) or null", key);
  const char **field = (const char **)((char *)c->e + off);
  return setter(c, key, emb__src_set(c->s, field, d, 10));
}

static emb_status f_strings(line_ctx *c, const char *key, json_t *v, size_t f) {
  if (!json_is_array(v))
    return bad(c, "field \"%s\": not an array of strings", key);
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    if (!json_is_string(x))
      return bad(c, "field \"%s[%zu]\": not a string", key, i);
    emb_status st = emb__src_add(c->s, c->e, (emb__field)f,
                                 json_string_value(x), json_string_length(x));
    if (st != EMB_OK) return setter(c, key, st);
  }
  return EMB_OK;
}

static emb_status f_countries(line_ctx *c, const char *key, json_t *v,
                              size_t arg) {
  (void)arg;
  if (!json_is_array(v))
    return bad(c, "field \"%s\": not an array of strings", key);
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    if (!json_is_string(x))
      return bad(c, "field \"%s[%zu]\": not a string", key, i);
    const char *p = json_string_value(x);
    size_t n = json_string_length(x);
    /* The lookup also knows names and alpha-3 codes; this format takes
     * the alpha-2 code only, exactly as written. */
    const char *cc = emb__country_lookup(p, n);
    if (n != 2 || cc == NULL || memcmp(cc, p, 2) != 0)
      return bad(c,
                 "field \"%s[%zu]\": \"%.40s\" is not an ISO 3166-1 "
                 "alpha-2 code",
                 key, i, p);
    emb_status st = emb__src_add_country(c->s, c->e, p, n);
    if (st != EMB_OK) return setter(c, key, st);
  }
  return EMB_OK;
}

static emb_status f_id(line_ctx *c, const char *key, json_t *v, size_t arg) {
  (void)arg;
  if (!json_is_string(v)) return bad(c, "field \"%s\": not a string", key);
  const char *p = json_string_value(v);
  size_t n = json_string_length(v);
  const char *colon = memchr(p, ':', n);
  if (colon == NULL || colon == p || colon == p + n - 1)
    return bad(c, "field \"%s\": \"%.60s\" is not of the form LIST:key", key,
               p);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)p[i] <= ' ')
      return bad(c, "field \"%s\": contains white space", key);
  if (n > EMB__MAX_NAME) return bad(c, "field \"%s\": too long", key);
  return setter(c, key, emb__src_set(c->s, &c->e->id, p, n));
}

static emb_status f_type(line_ctx *c, const char *key, json_t *v, size_t arg) {
  (void)arg;
  static const struct {
    const char *name;
    emb_entity_type t;
  } tab[] = {{"organization", EMB_TYPE_ORGANIZATION},
             {"person", EMB_TYPE_PERSON},
             {"vessel", EMB_TYPE_VESSEL},
             {"aircraft", EMB_TYPE_AIRCRAFT}};
  const char *p = json_string_value(v);
  for (size_t i = 0; p && i < sizeof(tab) / sizeof(tab[0]); i++)
    if (strcmp(p, tab[i].name) == 0) {
      c->e->type = tab[i].t;
      return EMB_OK;
    }
  return bad(c,
             "field \"%s\": not one of organization, person, vessel, "
             "aircraft",
             key);
}

static emb_status f_verified(line_ctx *c, const char *key, json_t *v,
                             size_t arg) {
  (void)arg;
  if (!json_is_boolean(v)) return bad(c, "field \"%s\": not a boolean", key);
  c->verified = json_is_true(v);
  return EMB_OK;
}

/* An ISO 15924 script code is four letters ("Hans", "Arab"). */
static int is_script(const char *p, size_t n) {
  if (n != 4) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((p[i] >= 'A' && p[i] <= 'Z') || (p[i] >= 'a' && p[i] <= 'z')))
      return 0;
  return 1;
}

static emb_status one_name(line_ctx *c, size_t i, json_t *x) {
  if (!json_is_object(x))
    return bad(c, "field \"names[%zu]\": not an object", i);
  json_t *name = NULL;
  emb_name_kind kind = i == 0 ? EMB_NAME_PRIMARY : EMB_NAME_ALIAS;
  const char *k;
  json_t *v;
  json_object_foreach(x, k, v) {
    if (strcmp(k, "name") == 0) {
      if (!json_is_string(v))
        return bad(c, "field \"names[%zu].name\": not a string", i);
      name = v;
    } else if (strcmp(k, "kind") == 0) {
      const char *s = json_string_value(v);
      if (s && strcmp(s, "primary") == 0)
        kind = EMB_NAME_PRIMARY;
      else if (s && strcmp(s, "alias") == 0)
        kind = EMB_NAME_ALIAS;
      else if (s && strcmp(s, "weak_alias") == 0)
        kind = EMB_NAME_WEAK_ALIAS;
      else
        return bad(c,
                   "field \"names[%zu].kind\": not one of primary, alias, "
                   "weak_alias",
                   i);
    } else if (strcmp(k, "script") == 0) {
      if (!json_is_string(v) ||
          !is_script(json_string_value(v), json_string_length(v)))
        return bad(c, "field \"names[%zu].script\": not an ISO 15924 code", i);
    } else {
      return bad(c, "unknown field \"names[%zu].%.40s\"", i, k);
    }
  }
  if (name == NULL) return bad(c, "field \"names[%zu].name\": missing", i);
  const char *p = json_string_value(name);
  size_t n = json_string_length(name);
  size_t before = c->e->n_names;
  emb_status st = emb__src_add_name(c->s, c->e, p, n, kind);
  if (st == EMB_ETOOBIG)
    return bad(c, "field \"names[%zu].name\": longer than %zu bytes", i,
               EMB__MAX_NAME);
  if (st != EMB_OK) return st;
  /* The setter drops an empty name silently; here it is an error. */
  if (c->e->n_names == before) {
    int empty = 1;
    for (size_t j = 0; j < n && empty; j++) empty = is_ws(p[j]);
    if (empty) return bad(c, "field \"names[%zu].name\": empty", i);
  }
  return EMB_OK;
}

static emb_status f_names(line_ctx *c, const char *key, json_t *v, size_t arg) {
  (void)arg;
  if (!json_is_array(v)) return bad(c, "field \"%s\": not an array", key);
  if (json_array_size(v) == 0)
    return bad(c, "field \"%s\": needs at least one name", key);
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    emb_status st = one_name(c, i, x);
    if (st != EMB_OK) return st;
  }
  if (c->e->names[0].kind != EMB_NAME_PRIMARY)
    return bad(c, "field \"%s\": no primary name", key);
  return EMB_OK;
}

static emb_status one_relation(line_ctx *c, size_t i, json_t *x) {
  static const char *const kinds[] = {"parent", "subsidiary", "affiliate"};
  if (!json_is_object(x))
    return bad(c, "field \"relations[%zu]\": not an object", i);
  const char *kind = NULL, *target = NULL;
  double share = -1;
  const char *k;
  json_t *v;
  json_object_foreach(x, k, v) {
    if (strcmp(k, "kind") == 0) {
      const char *s = json_string_value(v);
      for (size_t j = 0; s && j < sizeof(kinds) / sizeof(kinds[0]); j++)
        if (strcmp(s, kinds[j]) == 0) kind = kinds[j];
      if (kind == NULL)
        return bad(c,
                   "field \"relations[%zu].kind\": not one of parent, "
                   "subsidiary, affiliate",
                   i);
    } else if (strcmp(k, "target") == 0) {
      target = json_string_value(v);
      if (target == NULL || json_string_length(v) == 0 ||
          json_string_length(v) > EMB__MAX_NAME)
        return bad(c, "field \"relations[%zu].target\": not an entity id", i);
    } else if (strcmp(k, "share") == 0) {
      if (!json_is_number(v) || json_number_value(v) < 0 ||
          json_number_value(v) > 100)
        return bad(c,
                   "field \"relations[%zu].share\": not a percentage "
                   "(0 to 100)",
                   i);
      share = json_number_value(v);
    } else {
      return bad(c, "unknown field \"relations[%zu].%.40s\"", i, k);
    }
  }
  if (kind == NULL) return bad(c, "field \"relations[%zu].kind\": missing", i);
  if (target == NULL)
    return bad(c, "field \"relations[%zu].target\": missing", i);
  return emb__src_add_relation(c->s, c->e, kind, target, share);
}

static emb_status f_relations(line_ctx *c, const char *key, json_t *v,
                              size_t arg) {
  (void)arg;
  if (!json_is_array(v)) return bad(c, "field \"%s\": not an array", key);
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    emb_status st = one_relation(c, i, x);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

/* A string member of a terms record, named "terms[i].key" in errors. */
static emb_status terms_string(line_ctx *c, size_t i, const char *key,
                               json_t *v, const char **field) {
  if (!json_is_string(v))
    return bad(c, "field \"terms[%zu].%s\": not a string", i, key);
  emb_status st =
      emb__src_set(c->s, field, json_string_value(v), json_string_length(v));
  if (st == EMB_OK || st == EMB_ENOMEM) return st;
  return bad(c, "field \"terms[%zu].%s\": %s", i, key, emb_strerror(st));
}

static emb_status terms_date(line_ctx *c, size_t i, const char *key, json_t *v,
                             const char **field) {
  char d[11];
  if (!json_is_string(v) ||
      !strict_date(json_string_value(v), json_string_length(v), d))
    return bad(c, "field \"terms[%zu].%s\": not a date (YYYY-MM-DD)", i, key);
  return emb__src_set(c->s, field, d, 10);
}

/* Marks a record's remarks as unverified, as fill_entity does for the
 * entity's: whoever reads the wording must see that it was not checked. */
static emb_status mark_unverified(line_ctx *c, const char **remarks) {
  if (*remarks == NULL) {
    *remarks = UNVERIFIED_MARK;
    return EMB_OK;
  }
  size_t pl = strlen(UNVERIFIED_PREFIX), rl = strlen(*remarks);
  char *buf = malloc(pl + rl + 1);
  if (buf == NULL) return EMB_ENOMEM;
  memcpy(buf, UNVERIFIED_PREFIX, pl);
  memcpy(buf + pl, *remarks, rl + 1);
  emb_status st =
      setter(c, "remarks", emb__src_set(c->s, remarks, buf, pl + rl));
  free(buf);
  return st;
}

static emb_status one_terms(line_ctx *c, size_t i, json_t *x) {
  if (!json_is_object(x))
    return bad(c, "field \"terms[%zu]\": not an object", i);
  emb_status st;
  emb_terms *t = emb__src_terms_new(c->s, c->e, &st);
  if (t == NULL) return setter(c, "terms", st);
  const char *k;
  json_t *v;
  json_object_foreach(x, k, v) {
    if (strcmp(k, "from") == 0) {
      st = terms_date(c, i, k, v, &t->from);
    } else if (strcmp(k, "until") == 0) {
      st = json_is_null(v) ? EMB_OK : terms_date(c, i, k, v, &t->until);
    } else if (strcmp(k, "license_requirement") == 0) {
      st = terms_string(c, i, k, v, &t->license_requirement);
    } else if (strcmp(k, "license_policy") == 0) {
      st = terms_string(c, i, k, v, &t->license_policy);
    } else if (strcmp(k, "citation") == 0) {
      st = terms_string(c, i, k, v, &t->citation);
    } else if (strcmp(k, "remarks") == 0) {
      st = terms_string(c, i, k, v, &t->remarks);
    } else if (strcmp(k, "verified") == 0) {
      if (!json_is_boolean(v))
        return bad(c, "field \"terms[%zu].verified\": not a boolean", i);
      t->verified = json_is_true(v);
    } else if (strcmp(k, "footnotes") == 0) {
      if (!json_is_array(v))
        return bad(c,
                   "field \"terms[%zu].footnotes\": not an array of "
                   "strings",
                   i);
      size_t j;
      json_t *f;
      json_array_foreach(v, j, f) {
        if (!json_is_string(f))
          return bad(c, "field \"terms[%zu].footnotes[%zu]\": not a string", i,
                     j);
        st = emb__src_terms_footnote(c->s, t, json_string_value(f),
                                     json_string_length(f));
        if (st != EMB_OK && st != EMB_ENOMEM)
          return bad(c, "field \"terms[%zu].footnotes\": %s", i,
                     emb_strerror(st));
        if (st != EMB_OK) return st;
      }
    } else {
      return bad(c, "unknown field \"terms[%zu].%.40s\"", i, k);
    }
    if (st != EMB_OK) return st;
  }
  if (t->from == NULL) return bad(c, "field \"terms[%zu].from\": missing", i);
  if (t->until && strcmp(t->until, t->from) < 0)
    return bad(c, "field \"terms[%zu].until\": %s is before from (%s)", i,
               t->until, t->from);
  /* A record stands for the terms of a past period: it must say what
   * they were and where that comes from, like every other fact. */
  if (t->citation == NULL)
    return bad(c, "field \"terms[%zu].citation\": missing or empty", i);
  if (t->license_requirement == NULL && t->license_policy == NULL)
    return bad(c,
               "field \"terms[%zu]\": needs license_requirement or "
               "license_policy",
               i);
  if (!t->verified) return mark_unverified(c, &t->remarks);
  return EMB_OK;
}

/* The history of an entry's licence terms: records in date order that do
 * not overlap, so that at most one is in force on any day. */
static emb_status f_terms(line_ctx *c, const char *key, json_t *v, size_t arg) {
  (void)arg;
  if (!json_is_array(v)) return bad(c, "field \"%s\": not an array", key);
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    emb_status st = one_terms(c, i, x);
    if (st != EMB_OK) return st;
    if (i == 0) continue;
    const emb_terms *prev = &c->e->terms[i - 1], *t = &c->e->terms[i];
    if (strcmp(t->from, prev->from) < 0)
      return bad(c,
                 "field \"terms[%zu].from\": %s is before terms[%zu].from "
                 "(%s): records must be in date order",
                 i, t->from, i - 1, prev->from);
    if (prev->until == NULL || strcmp(t->from, prev->until) <= 0)
      return bad(c,
                 "field \"terms[%zu].from\": %s overlaps terms[%zu] "
                 "(%s..%s)",
                 i, t->from, i - 1, prev->from,
                 prev->until ? prev->until : "open");
  }
  return EMB_OK;
}

/* The fields of an entity line, as the format document lists them. */
static const struct field_spec {
  const char *key;
  field_fn fn;
  size_t arg;
  int required;
} fields[] = {
    {"addresses", f_strings, EMB__F_ADDRESS, 0},
    {"citation", f_string, offsetof(emb_entity, citation), 1},
    {"countries", f_countries, 0, 0},
    {"end_date", f_date, offsetof(emb_entity, end_date), 0},
    {"footnotes", f_strings, EMB__F_FOOTNOTE, 0},
    {"id", f_id, 0, 1},
    {"identifiers", f_strings, EMB__F_IDENT, 0},
    {"license_policy", f_string, offsetof(emb_entity, license_policy), 0},
    {"license_requirement", f_string, offsetof(emb_entity, license_requirement),
     0},
    {"list", f_string, offsetof(emb_entity, list), 1},
    {"names", f_names, 0, 1},
    {"programs", f_strings, EMB__F_PROGRAM, 0},
    {"relations", f_relations, 0, 0},
    {"remarks", f_string, offsetof(emb_entity, remarks), 0},
    {"source", f_string, offsetof(emb_entity, source), 0},
    {"source_url", f_string, offsetof(emb_entity, source_url), 0},
    {"start_date", f_date, offsetof(emb_entity, start_date), 0},
    {"terms", f_terms, 0, 0},
    {"type", f_type, 0, 0},
    {"verified", f_verified, 0, 0},
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

/* A required string field that was present but empty leaves the entity's
 * field NULL, just as a missing one does. */
static const char *required_value(const emb_entity *e, const char *key) {
  if (strcmp(key, "id") == 0) return e->id;
  if (strcmp(key, "list") == 0) return e->list;
  if (strcmp(key, "citation") == 0) return e->citation;
  return e->n_names ? "" : NULL;
}

static emb_status fill_entity(line_ctx *c, json_t *obj) {
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    const struct field_spec *f = NULL;
    for (size_t i = 0; i < N_FIELDS && f == NULL; i++)
      if (strcmp(fields[i].key, k) == 0) f = &fields[i];
    if (f == NULL) return bad(c, "unknown field \"%.60s\"", k);
    emb_status st = f->fn(c, k, v, f->arg);
    if (st != EMB_OK) return st;
  }
  for (size_t i = 0; i < N_FIELDS; i++)
    if (fields[i].required && required_value(c->e, fields[i].key) == NULL)
      return bad(c, "field \"%s\": missing or empty", fields[i].key);
  if (c->e->source == NULL && c->default_source != NULL)
    c->e->source = c->default_source;
  if (!c->verified) return mark_unverified(c, &c->e->remarks);
  return EMB_OK;
}

static emb_status entity_line(emb__src *s, id_set *ids,
                              const char *default_source, const char *p,
                              size_t n, long line) {
  json_error_t jerr;
  json_t *obj = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
  if (obj == NULL) {
    emb__src_bad_row(s, line, "column %d: %s", jerr.column, jerr.text);
    return EMB_OK;
  }
  if (!json_is_object(obj)) {
    json_decref(obj);
    emb__src_bad_row(s, line, "not a JSON object");
    return EMB_OK;
  }
  line_ctx c = {.s = s, .default_source = default_source, .verified = 1};
  c.e = emb__src_entity_new(s);
  emb_status st = c.e ? fill_entity(&c, obj) : EMB_ENOMEM;
  json_decref(obj);
  if (st == EMB_OK && id_has(ids, c.e->id))
    st = bad(&c, "field \"id\": \"%.60s\" already used in this file", c.e->id);
  if (st == EMB_OK) return id_add(ids, c.e->id);
  if (c.e) emb__src_drop_last(s);
  if (st == EMB_EINVAL) {
    emb__src_bad_row(s, line, "%s", c.err);
    st = EMB_OK;
  }
  return st;
}

/* Reads the header line; on failure the file is unusable. The header's
 * source (arena copy) goes to *source. */
static emb_status header_line(emb__src *s, const char *p, size_t n, long line,
                              const char **source) {
  json_error_t jerr;
  json_t *h = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
  if (h == NULL) {
    emb__src_fail(s, "line %ld, column %d: header: %s", line, jerr.column,
                  jerr.text);
    return EMB_EPARSE;
  }
  emb_status st = EMB_OK;
  const char *k;
  json_t *v;
  int have_format = 0, have_version = 0;
  if (!json_is_object(h)) {
    emb__src_fail(s, "line %ld: header: not a JSON object", line);
    st = EMB_EFORMAT;
  }
  json_object_foreach(h, k, v) {
    if (st != EMB_OK) break;
    if (strcmp(k, "format") == 0) {
      const char *f = json_string_value(v);
      have_format = f && strcmp(f, FORMAT_NAME) == 0;
      if (!have_format) {
        emb__src_fail(s, "line %ld: header: field \"format\": not \"%s\"", line,
                      FORMAT_NAME);
        st = EMB_EFORMAT;
      }
    } else if (strcmp(k, "version") == 0) {
      have_version =
          json_is_integer(v) && json_integer_value(v) == FORMAT_VERSION;
      if (!have_version) {
        emb__src_fail(s,
                      "line %ld: header: field \"version\": only version "
                      "%d is supported",
                      line, FORMAT_VERSION);
        st = EMB_EFORMAT;
      }
    } else if (strcmp(k, "source") == 0) {
      if (!json_is_string(v) || json_string_length(v) == 0 ||
          json_string_length(v) > EMB__MAX_NAME) {
        emb__src_fail(s, "line %ld: header: field \"source\": not a name",
                      line);
        st = EMB_EFORMAT;
      } else if ((st = emb__src_set_name(s, json_string_value(v))) == EMB_OK) {
        *source = emb__arena_strndup(emb__src_arena(s), json_string_value(v),
                                     json_string_length(v));
        if (*source == NULL) st = EMB_ENOMEM;
      }
    } else if (strcmp(k, "list_date") == 0) {
      char d[11];
      if (!json_is_string(v) ||
          !strict_date(json_string_value(v), json_string_length(v), d)) {
        emb__src_fail(s,
                      "line %ld: header: field \"list_date\": not a date "
                      "(YYYY-MM-DD)",
                      line);
        st = EMB_EFORMAT;
      } else {
        st = emb__src_set_list_date(s, d);
      }
    } else {
      emb__src_fail(s, "line %ld: header: unknown field \"%.60s\"", line, k);
      st = EMB_EFORMAT;
    }
  }
  if (st == EMB_OK && (!have_format || !have_version)) {
    emb__src_fail(s, "line %ld: header: field \"%s\" missing", line,
                  have_format ? "version" : "format");
    st = EMB_EFORMAT;
  }
  json_decref(h);
  return st;
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  emb__lines it;
  emb__lines_init(&it, data, len);
  id_set ids = {NULL, 0, 0};
  const char *source = NULL;
  int have_header = 0;
  emb_status st = EMB_OK;
  const char *p;
  size_t n;
  while (st == EMB_OK && emb__lines_next(&it, &p, &n)) {
    if (emb__line_skipped(p, n)) continue;
    if (n > MAX_LINE) {
      if (!have_header) {
        emb__src_fail(s, "line %ld: header longer than 1 MiB", it.line);
        st = EMB_ETOOBIG;
        break;
      }
      emb__src_row(s);
      emb__src_bad_row(s, it.line, "line longer than 1 MiB (%zu bytes)", n);
      continue;
    }
    if (!have_header) {
      st = header_line(s, p, n, it.line, &source);
      have_header = 1;
      continue;
    }
    emb__src_row(s);
    st = entity_line(s, &ids, source, p, n, it.line);
  }
  free(ids.slots);
  if (st == EMB_OK && !have_header) {
    emb__src_fail(s, "no header line");
    st = EMB_EFORMAT;
  }
  if (st == EMB_ENOMEM) emb__src_fail(s, "%s", emb_strerror(st));
  return st;
}

const emb__format emb__fmt_jsonl = {"embargo-jsonl", probe, load};
