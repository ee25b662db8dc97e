/* The list set and the per-source builder that loaders fill. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/utf8.h"
#include "../../common/hash.h"
#include "../../common/vec.h"
#include "../text/country.h"
#include "listset_internal.h"

#define MAX_REPORTED_ROWS 20

static int is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

static void trim(const char **str, size_t *len) {
  const char *p = *str;
  size_t n = *len;
  while (n && is_space((unsigned char)*p)) p++, n--;
  while (n && is_space((unsigned char)p[n - 1])) n--;
  *str = p;
  *len = n;
}

/* Windows-1252 for 0x80..0x9F (0 where it defines nothing); the bytes
 * from 0xA0 on are Latin-1, the same code points. */
static const unsigned short cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* Text that is not UTF-8 is, in list files exported by spreadsheet tools,
 * almost always Windows-1252. Stored as it is, it would be left out of the
 * index and could not be written as JSON, so such a value is read as
 * Windows-1252 (a byte it leaves undefined becomes U+FFFD) and the file
 * gets one warning. On return *str and *len describe UTF-8 text; *tmp is
 * NULL or a buffer the caller frees. */
static emb_status as_utf8(emb__src *s, const char **str, size_t *len,
                          char **tmp) {
  *tmp = NULL;
  if (emb__utf8_valid((const unsigned char *)*str, *len)) return EMB_OK;
  if (*len > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *out = malloc(*len * 3 + 1);
  if (out == NULL) return EMB_ENOMEM;
  size_t w = 0;
  for (size_t i = 0; i < *len; i++) {
    unsigned c = (unsigned char)(*str)[i];
    if (c < 0x80) {
      out[w++] = (char)c;
      continue;
    }
    if (c < 0xA0) c = cp1252[c - 0x80] ? cp1252[c - 0x80] : 0xFFFD;
    if (c < 0x800) {
      out[w++] = (char)(0xC0 | (c >> 6));
    } else {
      out[w++] = (char)(0xE0 | (c >> 12));
      out[w++] = (char)(0x80 | ((c >> 6) & 0x3F));
    }
    out[w++] = (char)(0x80 | (c & 0x3F));
  }
  if (!s->warned_encoding) {
    s->warned_encoding = 1;
    emb__src_warn(s, 0, "text that is not UTF-8 was read as Windows-1252");
  }
  *tmp = out;
  *str = out;
  *len = w;
  return EMB_OK;
}

emb_status emb__src_begin(emb__src *s, emb_listset *ls, const char *path,
                          const char *format, const emb_load_opts *opts) {
  memset(s, 0, sizeof(*s));
  s->ls = ls;
  s->first_entity = ls->n_ents;
  s->opts = opts;
  s->info.path = emb__arena_strndup(&ls->arena, path, strlen(path));
  s->info.format = format;
  s->info.name = format;
  if (s->info.path == NULL) return EMB_ENOMEM;
  s->diag_path = s->info.path;
  return EMB_OK;
}

static void free_entity_vectors(emb_entity *e) {
  for (size_t i = 0; i < e->n_terms; i++) free((void *)e->terms[i].footnotes);
  free((void *)e->terms);
  free((void *)e->names);
  free((void *)e->countries);
  free((void *)e->addresses);
  free((void *)e->programs);
  free((void *)e->idents);
  free((void *)e->footnotes);
  free((void *)e->relations);
}

void emb__src_rollback(emb__src *s) {
  emb_listset *ls = s->ls;
  while (ls->n_ents > s->first_entity)
    free_entity_vectors(ls->ents[--ls->n_ents]);
}

emb_entity *emb__src_entity_new(emb__src *s) {
  emb_listset *ls = s->ls;
  emb_entity *e = emb__arena_alloc(&ls->arena, sizeof(*e));
  if (e == NULL) return NULL;
  void *v = ls->ents;
  emb_entity **slot = emb__vec_push(&v, &ls->n_ents, sizeof(*slot));
  if (slot == NULL) return NULL;
  ls->ents = v;
  *slot = e;
  e->source_index = ls->n_sources;
  return e;
}

void emb__src_drop_last(emb__src *s) {
  emb_listset *ls = s->ls;
  if (ls->n_ents > s->first_entity) free_entity_vectors(ls->ents[--ls->n_ents]);
}

size_t emb__src_entity_count(const emb__src *s) {
  return s->ls->n_ents - s->first_entity;
}

emb_entity *emb__src_entity_at(emb__src *s, size_t i) {
  return s->ls->ents[s->first_entity + i];
}

emb_status emb__src_set(emb__src *s, const char **field, const char *str,
                        size_t len) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  if (len > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *tmp;
  emb_status st = as_utf8(s, &str, &len, &tmp);
  if (st != EMB_OK) return st;
  char *p = emb__arena_strndup(&s->ls->arena, str, len);
  free(tmp);
  if (p == NULL) return EMB_ENOMEM;
  *field = p;
  return EMB_OK;
}

/* Appends a copy of str to a string vector unless it is already there. */
static emb_status push_str(emb__src *s, const char *const **vec, size_t *n,
                           const char *str, size_t len) {
  for (size_t i = 0; i < *n; i++)
    if (strlen((*vec)[i]) == len && memcmp((*vec)[i], str, len) == 0)
      return EMB_OK;
  if (*n >= EMB__MAX_VALUES) return EMB_ETOOBIG;
  char *p = emb__arena_strndup(&s->ls->arena, str, len);
  if (p == NULL) return EMB_ENOMEM;
  void *v = (void *)*vec;
  const char **slot = emb__vec_push(&v, n, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  *slot = p;
  *vec = v;
  return EMB_OK;
}

/* The State Department's nonproliferation entries name a party as "X; and
 * any successor, sub-unit, or subsidiary thereof": the clause widens the
 * listing, it is not part of the name. Returns the length of X, or 0 when
 * the name has no such clause. */
static size_t successor_clause(const char *str, size_t len) {
  static const char clause[] = "; and any successor";
  size_t n = sizeof(clause) - 1;
  for (size_t i = 1; i + n <= len; i++)
    if (strncasecmp(str + i, clause, n) == 0) return i;
  return 0;
}

static emb_status add_name_raw(emb__src *s, emb_entity *e, const char *str,
                               size_t len, emb_name_kind kind);

emb_status emb__src_add_name(emb__src *s, emb_entity *e, const char *str,
                             size_t len, emb_name_kind kind) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  if (len > EMB__MAX_NAME) return EMB_ETOOBIG;
  char *tmp;
  emb_status st = as_utf8(s, &str, &len, &tmp);
  if (st == EMB_OK) st = add_name_raw(s, e, str, len, kind);
  size_t core = successor_clause(str, len);
  if (st == EMB_OK && core > 0) {
    /* Keep the name as written, and index the party's own name too. */
    trim(&str, &core);
    if (core) st = add_name_raw(s, e, str, core, EMB_NAME_ALIAS);
  }
  free(tmp);
  return st;
}

static emb_status add_name_raw(emb__src *s, emb_entity *e, const char *str,
                               size_t len, emb_name_kind kind) {
  if (len > EMB__MAX_NAME) return EMB_ETOOBIG;
  for (size_t i = 0; i < e->n_names; i++)
    if (strlen(e->names[i].text) == len &&
        memcmp(e->names[i].text, str, len) == 0)
      return EMB_OK;
  if (e->n_names >= EMB__MAX_VALUES) return EMB_ETOOBIG;
  char *p = emb__arena_strndup(&s->ls->arena, str, len);
  if (p == NULL) return EMB_ENOMEM;
  void *v = (void *)e->names;
  emb_name *slot = emb__vec_push(&v, &e->n_names, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  e->names = v;
  slot->text = p;
  slot->kind = kind;
  /* Keep the first primary name in front. */
  if (kind == EMB_NAME_PRIMARY && e->n_names > 1 &&
      e->names[0].kind != EMB_NAME_PRIMARY) {
    emb_name *names = v, tmp = names[e->n_names - 1];
    memmove(names + 1, names, (e->n_names - 1) * sizeof(*names));
    names[0] = tmp;
  }
  return EMB_OK;
}

emb_status emb__src_add_country(emb__src *s, emb_entity *e, const char *str,
                                size_t len) {
  (void)s;
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  const char *cc = emb__country_lookup(str, len);
  if (cc == NULL) return EMB_ENOTFOUND;
  for (size_t i = 0; i < e->n_countries; i++)
    if (strcmp(e->countries[i], cc) == 0) return EMB_OK;
  void *v = (void *)e->countries;
  const char **slot = emb__vec_push(&v, &e->n_countries, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  *slot = cc; /* static storage */
  e->countries = v;
  return EMB_OK;
}

emb_status emb__src_add(emb__src *s, emb_entity *e, emb__field f,
                        const char *str, size_t len) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  if (len > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *tmp;
  emb_status st = as_utf8(s, &str, &len, &tmp);
  if (st != EMB_OK) return st;
  switch (f) {
    case EMB__F_ADDRESS:
      st = push_str(s, &e->addresses, &e->n_addresses, str, len);
      break;
    case EMB__F_PROGRAM:
      st = push_str(s, &e->programs, &e->n_programs, str, len);
      break;
    case EMB__F_IDENT:
      st = push_str(s, &e->idents, &e->n_idents, str, len);
      break;
    case EMB__F_FOOTNOTE:
      st = push_str(s, &e->footnotes, &e->n_footnotes, str, len);
      break;
    default:
      st = EMB_EINVAL;
  }
  free(tmp);
  return st;
}

emb_status emb__src_add_relation(emb__src *s, emb_entity *e, const char *kind,
                                 const char *target_id, double share) {
  char *k = emb__arena_strndup(&s->ls->arena, kind, strlen(kind));
  char *t = emb__arena_strndup(&s->ls->arena, target_id, strlen(target_id));
  if (k == NULL || t == NULL) return EMB_ENOMEM;
  void *v = (void *)e->relations;
  emb_relation *slot = emb__vec_push(&v, &e->n_relations, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  e->relations = v;
  slot->kind = k;
  slot->target_id = t;
  slot->share = share;
  return EMB_OK;
}

emb_terms *emb__src_terms_new(emb__src *s, emb_entity *e, emb_status *st) {
  (void)s;
  if (e->n_terms >= EMB__MAX_VALUES) {
    *st = EMB_ETOOBIG;
    return NULL;
  }
  void *v = (void *)e->terms;
  emb_terms *slot = emb__vec_push(&v, &e->n_terms, sizeof(*slot));
  if (slot == NULL) {
    *st = EMB_ENOMEM;
    return NULL;
  }
  e->terms = v;
  memset(slot, 0, sizeof(*slot));
  slot->verified = 1;
  *st = EMB_OK;
  return slot;
}

emb_status emb__src_terms_footnote(emb__src *s, emb_terms *t, const char *str,
                                   size_t len) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  if (len > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *tmp;
  emb_status st = as_utf8(s, &str, &len, &tmp);
  if (st == EMB_OK) st = push_str(s, &t->footnotes, &t->n_footnotes, str, len);
  free(tmp);
  return st;
}

static void vdiag(emb__src *s, const char *sev, long line, const char *fmt,
                  va_list ap) {
  if (s->opts == NULL || s->opts->diag == NULL) return;
  char msg[512];
  vsnprintf(msg, sizeof(msg), fmt, ap);
  s->opts->diag(s->opts->userdata, sev, s->diag_path, line, msg);
}

void emb__src_bad_row(emb__src *s, long line, const char *fmt, ...) {
  s->info.skipped++;
  if (s->reported >= MAX_REPORTED_ROWS) return;
  s->reported++;
  va_list ap;
  va_start(ap, fmt);
  vdiag(s, "warning", line, fmt, ap);
  va_end(ap);
}

void emb__src_warn(emb__src *s, long line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vdiag(s, "warning", line, fmt, ap);
  va_end(ap);
}

void emb__src_fail(emb__src *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->fail, sizeof(s->fail), fmt, ap);
  va_end(ap);
}

void emb__src_row(emb__src *s) {
  s->info.rows++;
}

emb_status emb__src_set_list_date(emb__src *s, const char *ymd) {
  char d[11];
  if (emb__date_parse(ymd, strlen(ymd), d) != EMB_OK) return EMB_EDATE;
  s->info.list_date = emb__arena_strndup(&s->ls->arena, d, 10);
  s->info.date_origin = "content";
  return s->info.list_date ? EMB_OK : EMB_ENOMEM;
}

emb_status emb__src_set_name(emb__src *s, const char *name) {
  s->info.name = emb__arena_strndup(&s->ls->arena, name, strlen(name));
  return s->info.name ? EMB_OK : EMB_ENOMEM;
}

const char *emb__src_path(const emb__src *s) {
  return s->info.path;
}
emb__arena *emb__src_arena(emb__src *s) {
  return &s->ls->arena;
}

/* FNV-1a over the lower-cased primary name and first country: a stable key
 * for sources that give their entries no number of their own. */
static uint64_t name_key(const emb_entity *e) {
  uint64_t h = EMB__FNV_OFFSET;
  for (const unsigned char *p = (const unsigned char *)e->names[0].text; *p;
       p++)
    h = emb__hash_step(h, (unsigned char)tolower(*p));
  if (e->n_countries)
    for (const char *p = e->countries[0]; *p; p++)
      h = emb__hash_step(h, (unsigned char)*p);
  return h;
}

emb_status emb__src_commit(emb__src *s) {
  emb_listset *ls = s->ls;
  for (size_t i = s->first_entity; i < ls->n_ents; i++) {
    emb_entity *e = ls->ents[i];
    if (e->id != NULL) continue;
    char buf[160];
    const char *list = e->list ? e->list : "X";
    if (e->source_id)
      snprintf(buf, sizeof(buf), "%s:%s", list, e->source_id);
    else
      snprintf(buf, sizeof(buf), "%s:%016llx", list,
               (unsigned long long)name_key(e));
    e->id = emb__arena_strndup(&ls->arena, buf, strlen(buf));
    if (e->id == NULL) return EMB_ENOMEM;
  }
  s->info.entities = ls->n_ents - s->first_entity;
  void *v = ls->sources;
  emb_source_info *slot = emb__vec_push(&v, &ls->n_sources, sizeof(*slot));
  if (slot == NULL) return EMB_ENOMEM;
  ls->sources = v;
  *slot = s->info;
  return EMB_OK;
}

emb_status emb__listset_index_ids(emb_listset *ls) {
  size_t cap = 16;
  while (cap < ls->n_ents * 2) cap *= 2;
  const emb_entity **t = calloc(cap, sizeof(*t));
  if (t == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < ls->n_ents; i++) {
    size_t j = emb__hash_str(ls->ents[i]->id) & (cap - 1);
    while (t[j] && strcmp(t[j]->id, ls->ents[i]->id) != 0)
      j = (j + 1) & (cap - 1);
    if (t[j] == NULL) t[j] = ls->ents[i]; /* the first of equal ids wins */
  }
  free(ls->by_id);
  ls->by_id = t;
  ls->by_id_cap = cap;
  return EMB_OK;
}

void emb_listset_free(emb_listset *ls) {
  if (ls == NULL) return;
  for (size_t i = 0; i < ls->n_ents; i++) free_entity_vectors(ls->ents[i]);
  free(ls->ents);
  free(ls->sources);
  free(ls->by_id);
  emb__arena_free(&ls->arena);
  free(ls);
}

size_t emb_listset_count(const emb_listset *ls) {
  return ls->n_ents;
}

const emb_entity *emb_listset_entity(const emb_listset *ls, size_t i) {
  return i < ls->n_ents ? ls->ents[i] : NULL;
}

const emb_entity *emb_listset_find(const emb_listset *ls, const char *id) {
  if (ls->by_id == NULL || id == NULL) return NULL;
  size_t j = emb__hash_str(id) & (ls->by_id_cap - 1);
  while (ls->by_id[j]) {
    if (strcmp(ls->by_id[j]->id, id) == 0) return ls->by_id[j];
    j = (j + 1) & (ls->by_id_cap - 1);
  }
  return NULL;
}

const emb_terms *emb_entity_terms_at(const emb_entity *e, const char *date) {
  if (e == NULL || date == NULL) return NULL;
  /* Dates are YYYY-MM-DD, so byte order is date order. Entries have a
   * handful of records at most: a linear scan is enough. */
  for (size_t i = 0; i < e->n_terms; i++) {
    const emb_terms *t = &e->terms[i];
    if (strcmp(date, t->from) >= 0 &&
        (t->until == NULL || strcmp(date, t->until) <= 0))
      return t;
  }
  return NULL;
}

size_t emb_listset_source_count(const emb_listset *ls) {
  return ls->n_sources;
}

const emb_source_info *emb_listset_source(const emb_listset *ls, size_t i) {
  return i < ls->n_sources ? &ls->sources[i] : NULL;
}

const char *emb_entity_type_name(emb_entity_type t) {
  switch (t) {
    case EMB_TYPE_ORGANIZATION:
      return "organization";
    case EMB_TYPE_PERSON:
      return "person";
    case EMB_TYPE_VESSEL:
      return "vessel";
    case EMB_TYPE_AIRCRAFT:
      return "aircraft";
    case EMB_TYPE_UNKNOWN:
      break;
  }
  return "unknown";
}

emb_status emb_entity_type_parse(const char *s, emb_entity_type *out) {
  static const struct {
    const char *name;
    emb_entity_type t;
  } tab[] = {{"organization", EMB_TYPE_ORGANIZATION},
             {"organisation", EMB_TYPE_ORGANIZATION},
             {"entity", EMB_TYPE_ORGANIZATION},
             {"person", EMB_TYPE_PERSON},
             {"individual", EMB_TYPE_PERSON},
             {"vessel", EMB_TYPE_VESSEL},
             {"aircraft", EMB_TYPE_AIRCRAFT}};
  for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
    if (strcasecmp(s, tab[i].name) == 0) {
      *out = tab[i].t;
      return EMB_OK;
    }
  return EMB_EINVAL;
}
