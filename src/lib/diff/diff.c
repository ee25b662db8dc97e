/* Differences between two versions of the lists.
 *
 * DESIGN: entities are paired in two passes. First by the source's own
 * number (OFAC's entity number, the UN's data id, an id embargo's JSONL
 * gives), which survives renames. Then the rest by list code and primary
 * name (case, punctuation and spacing ignored), with countries and
 * content breaking ties between entries of the same name. The CSL's `_id`
 * is not used: it is a row number in some editions and a content hash in
 * others, so it does not identify an entry across publications
 * (docs/lists-diff.md).
 *
 * A field that no entity of a list carries in one version, while the other
 * version has it, says more about the file than about the entries (the
 * CSL's "reduced" files drop dates, ids and remarks and keep only the
 * country of an address): it is reported once per list and not compared,
 * instead of marking every entry as changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/vec.h"
#include "../lists/source.h"
#include "diff_internal.h"

struct emb_diff {
  const emb_listset *old_ls, *new_ls;
  emb_entity_change *changes;
  size_t n_changes;
  emb_diff_absent *absent;
  size_t n_absent;
  emb_diff_count *counts;
  size_t n_counts;
  /* Entity pointer -> change index + 1, open addressing. */
  const emb_entity **pm_keys;
  uint32_t *pm_vals;
  size_t pm_cap;
};

static const char *const field_names[EMB_DIFF_NFIELDS] = {
    "name",           "names",      "type",     "countries",
    "addresses",      "programs",   "ids",      "footnotes",
    "title",          "start_date", "end_date", "license_requirement",
    "license_policy", "citation",   "remarks"};

const char *emb_diff_field_name(emb_diff_field f) {
  return (unsigned)f < EMB_DIFF_NFIELDS ? field_names[f] : "?";
}

int emb_diff_field_is_set(emb_diff_field f) {
  switch (f) {
    case EMB_DIFF_NAMES:
    case EMB_DIFF_COUNTRIES:
    case EMB_DIFF_ADDRESSES:
    case EMB_DIFF_PROGRAMS:
    case EMB_DIFF_IDS:
    case EMB_DIFF_FOOTNOTES:
      return 1;
    default:
      return 0;
  }
}

/* ---- Field values ---------------------------------------------------- */

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

/* The comparison form: trimmed, inner white space one space, ASCII lower
 * case. Values only differing in these are the same value. */
static char *norm_value(emb__arena *ar, const char *s) {
  size_t n = strlen(s);
  char *out = emb__arena_alloc(ar, n + 1);
  if (out == NULL) return NULL;
  size_t k = 0;
  int space = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_ws(c)) {
      space = k > 0;
      continue;
    }
    if (space) out[k++] = ' ';
    space = 0;
    out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out[k] = '\0';
  return out;
}

static int cmp_value(const void *a, const void *b) {
  return strcmp(((const emb__diff_value *)a)->norm,
                ((const emb__diff_value *)b)->norm);
}

/* The raw values of a field, into out (at most cap). */
static size_t raw_values(const emb_entity *e, emb_diff_field f,
                         const char **out, size_t cap) {
  const char *const *vec = NULL;
  size_t n = 0;
  const char *one = NULL;
  switch (f) {
    case EMB_DIFF_NAME:
      one = e->n_names ? e->names[0].text : NULL;
      break;
    case EMB_DIFF_NAMES: {
      size_t k = 0;
      for (size_t i = 0; i < e->n_names && k < cap; i++)
        out[k++] = e->names[i].text;
      return k;
    }
    case EMB_DIFF_TYPE:
      one = e->type == EMB_TYPE_UNKNOWN ? NULL : emb_entity_type_name(e->type);
      break;
    case EMB_DIFF_COUNTRIES:
      vec = e->countries, n = e->n_countries;
      break;
    case EMB_DIFF_ADDRESSES:
      vec = e->addresses, n = e->n_addresses;
      break;
    case EMB_DIFF_PROGRAMS:
      vec = e->programs, n = e->n_programs;
      break;
    case EMB_DIFF_IDS:
      vec = e->idents, n = e->n_idents;
      break;
    case EMB_DIFF_FOOTNOTES:
      vec = e->footnotes, n = e->n_footnotes;
      break;
    case EMB_DIFF_TITLE:
      one = e->title;
      break;
    case EMB_DIFF_START_DATE:
      one = e->start_date;
      break;
    case EMB_DIFF_END_DATE:
      one = e->end_date;
      break;
    case EMB_DIFF_LICENSE_REQUIREMENT:
      one = e->license_requirement;
      break;
    case EMB_DIFF_LICENSE_POLICY:
      one = e->license_policy;
      break;
    case EMB_DIFF_CITATION:
      one = e->citation;
      break;
    case EMB_DIFF_REMARKS:
      one = e->remarks;
      break;
    case EMB_DIFF_NFIELDS:
      break;
  }
  if (one != NULL) {
    if (cap == 0) return 0;
    out[0] = one;
    return 1;
  }
  size_t k = 0;
  for (size_t i = 0; i < n && k < cap; i++) out[k++] = vec[i];
  return k;
}

/* Every field is bounded by the loaders (EMB__MAX_VALUES values). */
#define MAX_VALS (EMB__MAX_VALUES + 1)

size_t emb__diff_values(emb__arena *ar, const emb_entity *e, emb_diff_field f,
                        emb__diff_value *out, size_t cap) {
  const char *raw[MAX_VALS];
  size_t n = raw_values(e, f, raw, cap < MAX_VALS ? cap : MAX_VALS);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char *norm = norm_value(ar, raw[i]);
    if (norm == NULL) return 0;
    if (*norm == '\0') continue;
    out[k].norm = norm;
    out[k++].raw = raw[i];
  }
  if (k > 0) qsort(out, k, sizeof(*out), cmp_value);
  size_t u = 0;
  for (size_t i = 0; i < k; i++)
    if (u == 0 || strcmp(out[u - 1].norm, out[i].norm) != 0) out[u++] = out[i];
  return u;
}

/* Compares one field of two entities; 1 when the values differ. */
static int field_differs(emb__arena *ar, const emb_entity *a,
                         const emb_entity *b, emb_diff_field f,
                         emb__diff_value *va, emb__diff_value *vb) {
  size_t na = emb__diff_values(ar, a, f, va, MAX_VALS);
  size_t nb = emb__diff_values(ar, b, f, vb, MAX_VALS);
  if (na != nb) return 1;
  for (size_t i = 0; i < na; i++)
    if (strcmp(va[i].norm, vb[i].norm) != 0) return 1;
  return 0;
}

/* Scratch for comparisons: two value vectors and an arena that is emptied
 * after each entity pair. */
typedef struct cmp_ctx {
  emb__arena ar;
  emb__diff_value *va, *vb;
} cmp_ctx;

static unsigned compare_entities(cmp_ctx *c, const emb_entity *a,
                                 const emb_entity *b, unsigned skip) {
  unsigned fields = 0;
  for (int f = 0; f < EMB_DIFF_NFIELDS; f++) {
    if (skip & (1u << f)) continue;
    if (field_differs(&c->ar, a, b, (emb_diff_field)f, c->va, c->vb))
      fields |= 1u << f;
  }
  emb__arena_free(&c->ar);
  return fields;
}

/* ---- Lists and the fields each version carries ------------------------ */

typedef struct list_info {
  const char *code;
  size_t n_old, n_new;
  unsigned has_old, has_new; /* fields some entity carries */
  size_t addr_old, addr_new; /* addresses */
  size_t bare_old, bare_new; /* addresses that are only a country code */
  unsigned skip;             /* fields not compared */
} list_info;

typedef struct list_tab {
  list_info *v;
  size_t n;
} list_tab;

static int cmp_list_info(const void *a, const void *b) {
  return strcmp(((const list_info *)a)->code, ((const list_info *)b)->code);
}

static const char *list_of(const emb_entity *e) {
  return e->list ? e->list : "-";
}

static list_info *list_get(list_tab *t, const char *code) {
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->v[i].code, code) == 0) return &t->v[i];
  void *v = t->v;
  list_info *li = emb__vec_push(&v, &t->n, sizeof(*li));
  if (li == NULL) return NULL;
  t->v = v;
  memset(li, 0, sizeof(*li));
  li->code = code;
  return li;
}

static int list_wanted(const emb_diff_opts *o, const emb_entity *e) {
  if (o == NULL || o->n_lists == 0) return 1;
  for (size_t i = 0; i < o->n_lists; i++)
    if (strcasecmp(o->lists[i], list_of(e)) == 0) return 1;
  return 0;
}

/* An address that is only a country code ("CN"), as the CSL's reduced
 * files write them. */
static int bare_country(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] | 32) >= 'a' && (s[i] | 32) <= 'z')) return 0;
  return 1;
}

static void note_fields(list_info *li, const emb_entity *e, int is_new) {
  unsigned has = 0;
  const char *raw[1];
  for (int f = 0; f < EMB_DIFF_NFIELDS; f++)
    if (raw_values(e, (emb_diff_field)f, raw, 1) > 0) has |= 1u << f;
  size_t bare = 0;
  for (size_t i = 0; i < e->n_addresses; i++)
    bare += bare_country(e->addresses[i]);
  if (is_new) {
    li->n_new++;
    li->has_new |= has;
    li->addr_new += e->n_addresses;
    li->bare_new += bare;
  } else {
    li->n_old++;
    li->has_old |= has;
    li->addr_old += e->n_addresses;
    li->bare_old += bare;
  }
}

static emb_status add_absent(emb_diff *d, const char *list, emb_diff_field f,
                             int in_new, int reduced) {
  void *v = d->absent;
  emb_diff_absent *a = emb__vec_push(&v, &d->n_absent, sizeof(*a));
  if (a == NULL) return EMB_ENOMEM;
  d->absent = v;
  a->list = list;
  a->field = f;
  a->in_new = in_new;
  a->reduced = reduced;
  return EMB_OK;
}

static int reduced(size_t bare, size_t n, size_t other_bare, size_t other_n) {
  return n > 0 && other_n > 0 && bare * 10 >= n * 9 && other_bare * 2 < other_n;
}

/* Decides, per list present in both versions, which fields are not
 * compared, and records why. */
static emb_status decide_skips(emb_diff *d, list_tab *t) {
  if (t->n > 0) qsort(t->v, t->n, sizeof(*t->v), cmp_list_info);
  for (size_t i = 0; i < t->n; i++) {
    list_info *li = &t->v[i];
    if (li->n_old == 0 || li->n_new == 0) continue;
    for (int f = 0; f < EMB_DIFF_NFIELDS; f++) {
      unsigned bit = 1u << f;
      int o = (li->has_old & bit) != 0, n = (li->has_new & bit) != 0;
      if (o == n) continue;
      li->skip |= bit;
      emb_status st = add_absent(d, li->code, (emb_diff_field)f, o, 0);
      if (st != EMB_OK) return st;
    }
    /* Addresses reduced to their country codes in one version (at least
     * 90% of them bare, against under half in the other) cannot be
     * compared with full ones, nor can the countries: the full version
     * draws them from addresses and nationalities, the reduced one from
     * codes alone. */
    unsigned abit = 1u << EMB_DIFF_ADDRESSES;
    int red_new =
        reduced(li->bare_new, li->addr_new, li->bare_old, li->addr_old);
    int red_old =
        reduced(li->bare_old, li->addr_old, li->bare_new, li->addr_new);
    if (!(li->skip & abit) && (red_new || red_old)) {
      unsigned cbit = 1u << EMB_DIFF_COUNTRIES;
      li->skip |= abit;
      emb_status st = add_absent(d, li->code, EMB_DIFF_ADDRESSES, red_new, 1);
      if (st == EMB_OK && !(li->skip & cbit))
        st = add_absent(d, li->code, EMB_DIFF_COUNTRIES, red_new, 1);
      li->skip |= cbit;
      if (st != EMB_OK) return st;
    }
  }
  return EMB_OK;
}

/* ---- Pairing --------------------------------------------------------- */

/* An id derived from the name (emb__src_commit: "LIST:" and 16 hex
 * digits) or a CSL content hash does not identify an entry across
 * versions; a source's own number does. */
static int is_hex(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
          (c >= 'A' && c <= 'F')))
      return 0;
  }
  return 1;
}

static int stable_id(const emb_entity *e) {
  if (e->source_id != NULL) {
    size_t n = strlen(e->source_id);
    return !(n >= 32 && is_hex(e->source_id, n));
  }
  /* No number: the id is the loader's name hash unless the file gave one
   * of its own (embargo's JSONL). */
  const char *colon = strrchr(e->id, ':');
  if (colon == NULL) return 1;
  size_t n = strlen(colon + 1);
  return !(n == 16 && is_hex(colon + 1, n));
}

typedef struct rec {
  const char *key;
  const emb_entity *e;
  size_t idx;   /* index in its list set */
  int side;     /* 0 old, 1 new */
  int stable;   /* has a stable id */
  int paired;   /* paired, or a duplicate id to ignore */
  size_t other; /* index of the paired rec in the other side's array */
} rec;

static int cmp_rec(const void *a, const void *b) {
  const rec *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c) return c;
  if (x->side != y->side) return x->side - y->side;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The pairing key of an entry without a stable id: list code and primary
 * name with case, punctuation and spacing ignored (non-ASCII text as is). */
static char *name_key(emb__arena *ar, const emb_entity *e) {
  const char *list = list_of(e), *name = e->names[0].text;
  size_t ll = strlen(list), nl = strlen(name);
  char *k = emb__arena_alloc(ar, ll + nl + 2);
  if (k == NULL) return NULL;
  memcpy(k, list, ll);
  size_t w = ll;
  k[w++] = '\x1f';
  int sep = 0;
  for (size_t i = 0; i < nl; i++) {
    unsigned char c = (unsigned char)name[i];
    int keep = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
               (c >= 'A' && c <= 'Z');
    if (!keep) {
      sep = w > ll + 1;
      continue;
    }
    if (sep) k[w++] = ' ';
    sep = 0;
    k[w++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  k[w] = '\0';
  return k;
}

typedef struct pairing {
  const emb_entity **old_of_new; /* by new index: paired old, or NULL */
  unsigned char *old_paired;     /* by old index */
  unsigned char *ignored_old, *ignored_new; /* duplicate ids */
} pairing;

static void pair(pairing *p, rec *o, rec *n) {
  o->paired = n->paired = 1;
  p->old_of_new[n->idx] = o->e;
  p->old_paired[o->idx] = 1;
}

/* Pass 1: entries with stable ids, by id. A second entry with the same id
 * in one version (the same entry in two files) is ignored, as screening
 * reports one hit per id. */
static void pair_by_id(pairing *p, rec *r, size_t n) {
  if (n > 0) qsort(r, n, sizeof(*r), cmp_rec);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && strcmp(r[j].key, r[i].key) == 0) j++;
    /* r[i..j): one key, old side first. */
    rec *o = NULL, *nw = NULL;
    for (size_t k = i; k < j; k++) {
      if (r[k].side == 0 && o == NULL)
        o = &r[k];
      else if (r[k].side == 1 && nw == NULL)
        nw = &r[k];
      else {
        r[k].paired = 1;
        if (r[k].side == 0)
          p->ignored_old[r[k].idx] = 1;
        else
          p->ignored_new[r[k].idx] = 1;
      }
    }
    if (o && nw) pair(p, o, nw);
    i = j;
  }
}

static int share_country(const emb_entity *a, const emb_entity *b) {
  for (size_t i = 0; i < a->n_countries; i++)
    for (size_t j = 0; j < b->n_countries; j++)
      if (strcmp(a->countries[i], b->countries[j]) == 0) return 1;
  return a->n_countries == 0 && b->n_countries == 0;
}

/* Pass 2: the rest by list and name. Within one name, identical entries
 * pair first, then entries sharing a country, then in file order. Two
 * entries that both have stable ids never pair here: their ids differ. */
static void pair_by_name(pairing *p, cmp_ctx *c, list_tab *lists, rec *r,
                         size_t n) {
  if (n > 0) qsort(r, n, sizeof(*r), cmp_rec);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && strcmp(r[j].key, r[i].key) == 0) j++;
    size_t mid = i;
    while (mid < j && r[mid].side == 0) mid++;
    list_info *li = NULL;
    if (mid > i && mid < j) li = list_get(lists, list_of(r[i].e));
    for (int round = 0; round < 3 && li != NULL; round++)
      for (size_t a = i; a < mid; a++) {
        if (r[a].paired) continue;
        for (size_t b = mid; b < j && !r[a].paired; b++) {
          if (r[b].paired || (r[a].stable && r[b].stable)) continue;
          int ok = round == 2 ||
                   (round == 1 && share_country(r[a].e, r[b].e)) ||
                   (round == 0 &&
                    compare_entities(c, r[a].e, r[b].e, li->skip) == 0);
          if (ok) pair(p, &r[a], &r[b]);
        }
      }
    i = j;
  }
}

/* ---- Building the result --------------------------------------------- */

static emb_status add_change(emb_diff *d, emb_change_kind kind,
                             const emb_entity *o, const emb_entity *n,
                             unsigned fields, int by_id) {
  void *v = d->changes;
  emb_entity_change *c = emb__vec_push(&v, &d->n_changes, sizeof(*c));
  if (c == NULL) return EMB_ENOMEM;
  d->changes = v;
  c->kind = kind;
  c->old_entity = o;
  c->new_entity = n;
  c->fields = fields;
  c->by_id = by_id;
  return EMB_OK;
}

static const emb_entity *change_entity(const emb_entity_change *c) {
  return c->new_entity ? c->new_entity : c->old_entity;
}

static int cmp_change(const void *a, const void *b) {
  const emb_entity_change *x = a, *y = b;
  const emb_entity *ex = change_entity(x), *ey = change_entity(y);
  int k = strcmp(list_of(ex), list_of(ey));
  if (k) return k;
  if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
  k = strcmp(ex->names[0].text, ey->names[0].text);
  if (k) return k;
  return strcmp(ex->id, ey->id);
}

static size_t ptr_slot(const void *p, size_t cap) {
  uintptr_t u = (uintptr_t)p;
  return (size_t)((u >> 4) * 0x9E3779B97F4A7C15ull >> 20) & (cap - 1);
}

static emb_status build_ptr_map(emb_diff *d) {
  size_t cap = 16;
  while (cap < d->n_changes * 4) cap *= 2;
  d->pm_keys = calloc(cap, sizeof(*d->pm_keys));
  d->pm_vals = calloc(cap, sizeof(*d->pm_vals));
  if (d->pm_keys == NULL || d->pm_vals == NULL) return EMB_ENOMEM;
  d->pm_cap = cap;
  for (size_t i = 0; i < d->n_changes; i++) {
    const emb_entity *es[2] = {d->changes[i].old_entity,
                               d->changes[i].new_entity};
    for (int k = 0; k < 2; k++) {
      if (es[k] == NULL) continue;
      size_t j = ptr_slot(es[k], cap);
      while (d->pm_keys[j] && d->pm_keys[j] != es[k]) j = (j + 1) & (cap - 1);
      d->pm_keys[j] = es[k];
      d->pm_vals[j] = (uint32_t)i + 1;
    }
  }
  return EMB_OK;
}

typedef struct work {
  emb_diff *d;
  const emb_diff_opts *opts;
  list_tab lists;
  pairing p;
  cmp_ctx c;
  emb__arena keys;
  rec *r;
  size_t nr;
} work;

static emb_status push_rec(work *w, const emb_entity *e, size_t idx, int side,
                           int by_id) {
  void *v = w->r;
  rec *x = emb__vec_push(&v, &w->nr, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  w->r = v;
  memset(x, 0, sizeof(*x));
  x->e = e;
  x->idx = idx;
  x->side = side;
  x->stable = stable_id(e);
  x->key = by_id ? e->id : name_key(&w->keys, e);
  return x->key ? EMB_OK : EMB_ENOMEM;
}

static emb_status run(work *w) {
  emb_diff *d = w->d;
  const emb_listset *ls[2] = {d->old_ls, d->new_ls};
  size_t n[2] = {emb_listset_count(ls[0]), emb_listset_count(ls[1])};
  w->p.old_of_new = calloc(n[1] + 1, sizeof(*w->p.old_of_new));
  w->p.old_paired = calloc(n[0] + 1, 1);
  w->p.ignored_old = calloc(n[0] + 1, 1);
  w->p.ignored_new = calloc(n[1] + 1, 1);
  w->c.va = malloc(MAX_VALS * sizeof(*w->c.va));
  w->c.vb = malloc(MAX_VALS * sizeof(*w->c.vb));
  if (!w->p.old_of_new || !w->p.old_paired || !w->p.ignored_old ||
      !w->p.ignored_new || !w->c.va || !w->c.vb)
    return EMB_ENOMEM;
  /* Which fields each list carries in each version. */
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < n[s]; i++) {
      const emb_entity *e = emb_listset_entity(ls[s], i);
      if (!list_wanted(w->opts, e)) continue;
      list_info *li = list_get(&w->lists, list_of(e));
      if (li == NULL) return EMB_ENOMEM;
      note_fields(li, e, s);
    }
  emb_status st = decide_skips(d, &w->lists);
  if (st != EMB_OK) return st;
  /* Pass 1, by id. */
  for (int s = 0; s < 2 && st == EMB_OK; s++)
    for (size_t i = 0; i < n[s] && st == EMB_OK; i++) {
      const emb_entity *e = emb_listset_entity(ls[s], i);
      if (list_wanted(w->opts, e) && stable_id(e)) st = push_rec(w, e, i, s, 1);
    }
  if (st != EMB_OK) return st;
  pair_by_id(&w->p, w->r, w->nr);
  /* Pass 2, by name, for everything not paired or ignored. */
  w->nr = 0;
  for (int s = 0; s < 2 && st == EMB_OK; s++)
    for (size_t i = 0; i < n[s] && st == EMB_OK; i++) {
      const emb_entity *e = emb_listset_entity(ls[s], i);
      if (!list_wanted(w->opts, e)) continue;
      int done = s == 0 ? (w->p.old_paired[i] || w->p.ignored_old[i])
                        : (w->p.old_of_new[i] != NULL || w->p.ignored_new[i]);
      if (!done) st = push_rec(w, e, i, s, 0);
    }
  if (st != EMB_OK) return st;
  pair_by_name(&w->p, &w->c, &w->lists, w->r, w->nr);
  /* The changes. */
  for (size_t i = 0; i < n[1] && st == EMB_OK; i++) {
    const emb_entity *e = emb_listset_entity(ls[1], i);
    if (!list_wanted(w->opts, e) || w->p.ignored_new[i]) continue;
    list_info *li = list_get(&w->lists, list_of(e));
    if (li == NULL) return EMB_ENOMEM;
    const emb_entity *o = w->p.old_of_new[i];
    if (o == NULL) {
      st = add_change(d, EMB_CHANGE_ADDED, NULL, e, 0, 0);
      continue;
    }
    unsigned f = compare_entities(&w->c, o, e, li->skip);
    if (f)
      st = add_change(d, EMB_CHANGE_CHANGED, o, e, f,
                      stable_id(o) && stable_id(e));
  }
  for (size_t i = 0; i < n[0] && st == EMB_OK; i++) {
    const emb_entity *e = emb_listset_entity(ls[0], i);
    if (!list_wanted(w->opts, e) || w->p.ignored_old[i] || w->p.old_paired[i])
      continue;
    st = add_change(d, EMB_CHANGE_REMOVED, e, NULL, 0, 0);
  }
  if (st != EMB_OK) return st;
  if (d->n_changes > 0)
    qsort(d->changes, d->n_changes, sizeof(*d->changes), cmp_change);
  return build_ptr_map(d);
}

/* Per-list counts: entities in NEW minus added and changed are unchanged. */
static emb_status build_counts(emb_diff *d, list_tab *t) {
  d->counts = calloc(t->n + 1, sizeof(*d->counts));
  if (d->counts == NULL) return EMB_ENOMEM;
  d->n_counts = t->n;
  for (size_t i = 0; i < t->n; i++) d->counts[i].list = t->v[i].code;
  for (size_t i = 0; i < d->n_changes; i++) {
    const emb_entity_change *c = &d->changes[i];
    const char *code = list_of(change_entity(c));
    for (size_t k = 0; k < d->n_counts; k++) {
      if (strcmp(d->counts[k].list, code) != 0) continue;
      if (c->kind == EMB_CHANGE_ADDED) d->counts[k].added++;
      if (c->kind == EMB_CHANGE_REMOVED) d->counts[k].removed++;
      if (c->kind == EMB_CHANGE_CHANGED) d->counts[k].changed++;
      break;
    }
  }
  return EMB_OK;
}

emb_status emb_diff_compute(const emb_listset *old_ls,
                            const emb_listset *new_ls,
                            const emb_diff_opts *opts, emb_diff **out) {
  if (old_ls == NULL || new_ls == NULL || out == NULL) return EMB_EINVAL;
  *out = NULL;
  emb_diff *d = calloc(1, sizeof(*d));
  if (d == NULL) return EMB_ENOMEM;
  d->old_ls = old_ls;
  d->new_ls = new_ls;
  work w = {.d = d, .opts = opts};
  emb_status st = run(&w);
  if (st == EMB_OK) {
    /* The list table was sorted by decide_skips; counts follow it. */
    st = build_counts(d, &w.lists);
    for (size_t i = 0; st == EMB_OK && i < d->n_counts; i++) {
      const list_info *li = &w.lists.v[i];
      emb_diff_count *c = &d->counts[i];
      size_t touched = c->added + c->changed;
      c->unchanged = li->n_new > touched ? li->n_new - touched : 0;
    }
  }
  free(w.p.old_of_new);
  free(w.p.old_paired);
  free(w.p.ignored_old);
  free(w.p.ignored_new);
  free(w.c.va);
  free(w.c.vb);
  emb__arena_free(&w.c.ar);
  emb__arena_free(&w.keys);
  free(w.r);
  free(w.lists.v);
  if (st != EMB_OK) {
    emb_diff_free(d);
    return st;
  }
  *out = d;
  return EMB_OK;
}

void emb_diff_free(emb_diff *d) {
  if (d == NULL) return;
  free(d->changes);
  free(d->absent);
  free(d->counts);
  free(d->pm_keys);
  free(d->pm_vals);
  free(d);
}

size_t emb_diff_change_count(const emb_diff *d) {
  return d ? d->n_changes : 0;
}

const emb_entity_change *emb_diff_change(const emb_diff *d, size_t i) {
  return d && i < d->n_changes ? &d->changes[i] : NULL;
}

const emb_entity_change *emb_diff_find(const emb_diff *d, const emb_entity *e) {
  if (d == NULL || e == NULL || d->pm_cap == 0) return NULL;
  size_t j = ptr_slot(e, d->pm_cap);
  while (d->pm_keys[j]) {
    if (d->pm_keys[j] == e) return &d->changes[d->pm_vals[j] - 1];
    j = (j + 1) & (d->pm_cap - 1);
  }
  return NULL;
}

size_t emb_diff_absent_count(const emb_diff *d) {
  return d ? d->n_absent : 0;
}

const emb_diff_absent *emb_diff_absent_at(const emb_diff *d, size_t i) {
  return d && i < d->n_absent ? &d->absent[i] : NULL;
}

size_t emb_diff_list_count(const emb_diff *d) {
  return d ? d->n_counts : 0;
}

const emb_diff_count *emb_diff_list_at(const emb_diff *d, size_t i) {
  return d && i < d->n_counts ? &d->counts[i] : NULL;
}
