/* OFAC legacy CSV files: the SDN list (sdn.csv, add.csv, alt.csv,
 * sdn_comments.csv) and the consolidated non-SDN lists (cons_prim.csv,
 * cons_add.csv, cons_alt.csv, cons_comments.csv).
 *
 * DESIGN: the files have no header, so a part is recognised by the shape
 * of its first records: every record starts with the entity number; the
 * primary file has 12 fields, the address file 6 with a numeric address
 * number, the alias file 5 with "aka"/"fka"/"nka" third, the comments
 * file 2. The value "-0-" stands for empty. The primary file is read
 * first and builds a map from entity number to the entity's index within
 * the source; the side files are then joined through that map. A side
 * file row naming an unknown entity is a bad row of that side file, and
 * is reported with the side file's own path. The comments file carries
 * the rest of a Remarks field that OFAC cut at 1,000 characters, so it is
 * appended without a separator, and nationalities are read from the
 * remarks only once they are whole.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/csv.h"
#include "listset_internal.h"

#define PRIMARY_FIELDS 12
#define ADDRESS_FIELDS 6
#define ALT_FIELDS 5
#define COMMENTS_FIELDS 2
/* Entity numbers are small; 18 digits keeps them inside a uint64_t. */
#define MAX_NUM_DIGITS 18
/* How many records the probe looks at. */
#define PROBE_RECORDS 3

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of a field with surrounding white space removed and OFAC's
 * "-0-" placeholder turned into the empty string. */
static void field_value(const emb__csv_field *f, const char **p, size_t *len) {
  const char *s = f->p;
  size_t n = f->len;
  while (n && is_ws(*s)) s++, n--;
  while (n && is_ws(s[n - 1])) n--;
  if (n == 3 && memcmp(s, "-0-", 3) == 0) n = 0;
  *p = s;
  *len = n;
}

/* Parses an entity or address number: digits only, after trimming. */
static int parse_num(const emb__csv_field *f, uint64_t *out) {
  const char *p;
  size_t n;
  field_value(f, &p, &n);
  if (n == 0 || n > MAX_NUM_DIGITS) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return 0;
    v = v * 10 + (uint64_t)(p[i] - '0');
  }
  *out = v;
  return 1;
}

static int is_alt_type(const emb__csv_field *f) {
  const char *p;
  size_t n;
  field_value(f, &p, &n);
  return n == 3 &&
         (strncasecmp(p, "aka", 3) == 0 || strncasecmp(p, "fka", 3) == 0 ||
          strncasecmp(p, "nka", 3) == 0);
}

/* Maps an SDN_Type value to an entity type; returns 0 if it is none. */
static int parse_type(const emb__csv_field *f, emb_entity_type *out) {
  static const struct {
    const char *name;
    emb_entity_type t;
  } tab[] = {{"individual", EMB_TYPE_PERSON},
             {"vessel", EMB_TYPE_VESSEL},
             {"aircraft", EMB_TYPE_AIRCRAFT}};
  const char *p;
  size_t n;
  field_value(f, &p, &n);
  if (n == 0) {
    *out = EMB_TYPE_ORGANIZATION;
    return 1;
  }
  for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
    if (strlen(tab[i].name) == n && strncasecmp(p, tab[i].name, n) == 0) {
      *out = tab[i].t;
      return 1;
    }
  return 0;
}

/* Which part a single record looks like. */
static emb__ofac_part classify(const emb__csv_field *f, size_t n) {
  uint64_t num;
  emb_entity_type t;
  if (n == 0 || !parse_num(&f[0], &num)) return EMB__OFAC_NONE;
  switch (n) {
    case PRIMARY_FIELDS:
      return parse_type(&f[2], &t) ? EMB__OFAC_PRIMARY : EMB__OFAC_NONE;
    case ADDRESS_FIELDS:
      return parse_num(&f[1], &num) ? EMB__OFAC_ADDRESS : EMB__OFAC_NONE;
    case ALT_FIELDS:
      return is_alt_type(&f[2]) ? EMB__OFAC_ALT : EMB__OFAC_NONE;
    case COMMENTS_FIELDS:
      return EMB__OFAC_COMMENTS;
    default:
      return EMB__OFAC_NONE;
  }
}

emb__ofac_part emb__ofac_probe(const char *head, size_t n) {
  emb__csv *r = emb__csv_new(head, n, ',');
  if (r == NULL) return EMB__OFAC_NONE;
  /* The first record decides. Later records must agree, but only those
   * that another record follows: the last record in the head may have been
   * cut short by the probe window, and a real file may end in junk that
   * the loader then reports as bad rows. */
  emb__ofac_part parts[PROBE_RECORDS + 1];
  int k = 0;
  while (k < PROBE_RECORDS + 1) {
    const emb__csv_field *f;
    size_t nf;
    long line;
    emb__csv_result res = emb__csv_next(r, &f, &nf, &line);
    if (res == EMB__CSV_END) break;
    parts[k++] = res == EMB__CSV_RECORD ? classify(f, nf) : EMB__OFAC_NONE;
  }
  emb__csv_free(r);
  if (k == 0) return EMB__OFAC_NONE;
  for (int i = 1; i < k - 1; i++)
    if (parts[i] != parts[0]) return EMB__OFAC_NONE;
  return parts[0];
}

/* Entity number -> index of the entity within the source. Open
 * addressing; key 0 marks an empty slot, so keys are stored plus one. */
typedef struct ent_slot {
  uint64_t key;
  size_t idx;
  /* The raw Remarks text ended in white space, which trimming dropped;
   * a continuation from the comments file must get it back. */
  int trail_space;
  /* Comment rows joined so far. Each join copies the whole remarks, so
   * without a bound a small file of one-byte rows for one entity would
   * make gigabytes of copies. */
  unsigned continuations;
} ent_slot;

/* OFAC writes at most one continuation per entity; a few more are
 * tolerated. */
#define MAX_CONTINUATIONS 8

typedef struct ent_map {
  ent_slot *slots;
  size_t cap; /* a power of two */
  size_t n;
} ent_map;

static size_t slot_of(const ent_map *m, uint64_t key) {
  uint64_t h = key * 0x9e3779b97f4a7c15ull;
  size_t j = (size_t)(h >> 32) & (m->cap - 1);
  while (m->slots[j].key != 0 && m->slots[j].key != key + 1)
    j = (j + 1) & (m->cap - 1);
  return j;
}

static ent_slot *map_find(const ent_map *m, uint64_t key) {
  if (m->cap == 0) return NULL;
  ent_slot *sl = &m->slots[slot_of(m, key)];
  return sl->key ? sl : NULL;
}

static emb_status map_put(ent_map *m, uint64_t key, size_t idx,
                          int trail_space) {
  if ((m->n + 1) * 2 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 1024;
    ent_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->slots = calloc(cap, sizeof(*m->slots));
    if (m->slots == NULL) {
      m->slots = old;
      return EMB_ENOMEM;
    }
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
      if (old[i].key) m->slots[slot_of(m, old[i].key - 1)] = old[i];
    free(old);
  }
  ent_slot *sl = &m->slots[slot_of(m, key)];
  sl->key = key + 1;
  sl->idx = idx;
  sl->trail_space = trail_space;
  sl->continuations = 0;
  m->n++;
  return EMB_OK;
}

/* The list a consolidated (non-SDN) entry belongs to, from its programs,
 * with the source names the US Consolidated Screening List uses. Entries
 * of several lists are placed in the most specific one. */
typedef struct cons_list {
  const char *program; /* a program tag that marks the list */
  int prefix;          /* match the tag as a prefix (FSE-IR, FSE-SY, ...) */
  const char *list;
  const char *source;
} cons_list;

static const cons_list cons_lists[] = {
    {"NS-PLC", 0, "PLC",
     "Palestinian Legislative Council List (PLC) - Treasury Department"},
    {"CMIC-EO13959", 0, "CMIC",
     "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - "
     "Treasury Department"},
    {"UKRAINE-EO13662", 0, "SSI",
     "Sectoral Sanctions Identifications List (SSI) - Treasury Department"},
    {"FSE", 1, "FSE", "Foreign Sanctions Evaders (FSE) - Treasury Department"},
    {"561-Related", 0, "CAP", "Capta List (CAP) - Treasury Department"},
    {"NS-MBS", 0, "NS-MBS",
     "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"},
};

/* What remains of the consolidated files (Executive Order 14024, 14014 and
 * 14059 directives, CAATSA section 235) is the menu-based list: the CSL
 * files these entries under NS-MBS. */
static const cons_list cons_default = {
    NULL, 0, "NS-MBS",
    "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department"};

static const char SDN_SOURCE[] =
    "Specially Designated Nationals (SDN) - Treasury Department";

/* Calls fn for each program of a Program field ("A] [B] [C"). */
typedef emb_status (*program_fn)(void *ctx, const char *p, size_t n);

static emb_status each_program(const char *p, size_t n, program_fn fn,
                               void *ctx) {
  while (n) {
    size_t k = 0;
    while (k < n && p[k] != ']' && p[k] != '[') k++;
    const char *q = p;
    size_t m = k;
    while (m && is_ws(*q)) q++, m--;
    while (m && is_ws(q[m - 1])) m--;
    if (m) {
      emb_status st = fn(ctx, q, m);
      if (st != EMB_OK) return st;
    }
    if (k < n) k++;
    p += k;
    n -= k;
  }
  return EMB_OK;
}

typedef struct prog_ctx {
  emb__src *s;
  emb_entity *e;
  size_t best; /* index into cons_lists of the most specific match */
} prog_ctx;

static emb_status add_program(void *ctx, const char *p, size_t n) {
  prog_ctx *c = ctx;
  return emb__src_add(c->s, c->e, EMB__F_PROGRAM, p, n);
}

static emb_status match_cons(void *ctx, const char *p, size_t n) {
  prog_ctx *c = ctx;
  for (size_t i = 0; i < c->best; i++) {
    const cons_list *l = &cons_lists[i];
    size_t ln = strlen(l->program);
    if (l->prefix ? n >= ln && memcmp(p, l->program, ln) == 0
                  : n == ln && memcmp(p, l->program, ln) == 0) {
      c->best = i;
      break;
    }
  }
  return EMB_OK;
}

static const cons_list *cons_list_of(const char *prog, size_t n) {
  size_t count = sizeof(cons_lists) / sizeof(cons_lists[0]);
  prog_ctx c = {NULL, NULL, count};
  (void)each_program(prog, n, match_cons, &c);
  return c.best < count ? &cons_lists[c.best] : &cons_default;
}

/* Fills a new entity from a primary record. On an error other than
 * EMB_ENOMEM, *what names the field at fault. */
static emb_status fill_primary(emb__src *s, emb_entity *e,
                               const emb__csv_field *f, int consolidated,
                               const char **what) {
  const char *p;
  size_t n;
  emb_status st;

  *what = "Program";
  field_value(&f[3], &p, &n);
  if (consolidated) {
    const cons_list *l = cons_list_of(p, n);
    e->list = l->list;
    e->source = l->source;
  } else {
    e->list = "SDN";
    e->source = SDN_SOURCE;
  }
  prog_ctx pc = {s, e, 0};
  if ((st = each_program(p, n, add_program, &pc)) != EMB_OK) return st;

  *what = "ent_num";
  field_value(&f[0], &p, &n);
  if ((st = emb__src_set(s, &e->source_id, p, n)) != EMB_OK) return st;

  *what = "SDN_Type";
  if (!parse_type(&f[2], &e->type)) return EMB_EINVAL;

  *what = "SDN_Name";
  field_value(&f[1], &p, &n);
  if (n == 0) return EMB_EINVAL;
  st = emb__src_add_name(s, e, p, n, EMB_NAME_PRIMARY);
  if (st != EMB_OK) return st;

  *what = "Title";
  field_value(&f[4], &p, &n);
  if ((st = emb__src_set(s, &e->title, p, n)) != EMB_OK) return st;

  *what = "Call_Sign";
  field_value(&f[5], &p, &n);
  if (n) {
    if (n > EMB__MAX_NAME) return EMB_ETOOBIG;
    char buf[EMB__MAX_NAME + 16];
    int k = snprintf(buf, sizeof(buf), "Call Sign %.*s", (int)n, p);
    st = emb__src_add(s, e, EMB__F_IDENT, buf, (size_t)k);
    if (st != EMB_OK) return st;
  }

  /* A vessel's flag ties it to a country as firmly as an address does. */
  field_value(&f[9], &p, &n);
  st = emb__src_add_country(s, e, p, n);
  if (st == EMB_ENOMEM) return st;

  *what = "Remarks";
  field_value(&f[11], &p, &n);
  return emb__src_set(s, &e->remarks, p, n);
}

static const char *status_reason(emb_status st) {
  switch (st) {
    case EMB_ETOOBIG:
      return "too long";
    case EMB_EINVAL:
      return "missing or invalid";
    default:
      return emb_strerror(st);
  }
}

static int ends_in_space(const emb__csv_field *f) {
  return f->len > 0 && is_ws(f->p[f->len - 1]);
}

static emb_status load_primary(emb__src *s, ent_map *m,
                               const emb__ofac_file *file, int consolidated) {
  emb__csv *r = emb__csv_new(file->data, file->len, ',');
  if (r == NULL) return EMB_ENOMEM;
  emb_status st = EMB_OK;
  for (;;) {
    const emb__csv_field *f;
    size_t nf;
    long line;
    emb__csv_result res = emb__csv_next(r, &f, &nf, &line);
    if (res == EMB__CSV_END) break;
    emb__src_row(s);
    if (res == EMB__CSV_BAD) {
      emb__src_bad_row(s, line, "%s", emb__csv_error(r));
      continue;
    }
    uint64_t num;
    if (nf != PRIMARY_FIELDS) {
      emb__src_bad_row(s, line, "expected %d fields, found %zu", PRIMARY_FIELDS,
                       nf);
      continue;
    }
    if (!parse_num(&f[0], &num)) {
      emb__src_bad_row(s, line, "ent_num is not a number");
      continue;
    }
    if (map_find(m, num) != NULL) {
      emb__src_bad_row(s, line, "duplicate entity number %llu",
                       (unsigned long long)num);
      continue;
    }
    emb_entity *e = emb__src_entity_new(s);
    if (e == NULL) {
      st = EMB_ENOMEM;
      break;
    }
    const char *what;
    st = fill_primary(s, e, f, consolidated, &what);
    if (st == EMB_ENOMEM) break;
    if (st != EMB_OK) {
      emb__src_drop_last(s);
      emb__src_bad_row(s, line, "%s %s", what, status_reason(st));
      st = EMB_OK;
      continue;
    }
    st = map_put(m, num, emb__src_entity_count(s) - 1, ends_in_space(&f[11]));
    if (st != EMB_OK) break;
  }
  emb__csv_free(r);
  return st;
}

/* Appends up to n bytes of p to a bounded buffer, with a separator first
 * when the buffer is not empty. */
typedef struct strbuf {
  char *p;
  size_t len, cap;
} strbuf;

static emb_status sb_append(strbuf *b, const char *sep, const char *p,
                            size_t n) {
  size_t sl = (b->len && sep) ? strlen(sep) : 0;
  if (b->len + sl + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + sl + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (np == NULL) return EMB_ENOMEM;
    b->p = np;
    b->cap = cap;
  }
  if (sl) memcpy(b->p + b->len, sep, sl);
  if (n) memcpy(b->p + b->len + sl, p, n);
  b->len += sl + n;
  b->p[b->len] = '\0';
  return EMB_OK;
}

typedef emb_status (*side_fn)(emb__src *s, emb_entity *e, ent_slot *slot,
                              const emb__csv_field *f, strbuf *scratch,
                              const char **why);

static emb_status join_address(emb__src *s, emb_entity *e, ent_slot *slot,
                               const emb__csv_field *f, strbuf *b,
                               const char **why) {
  (void)slot;
  uint64_t add_num;
  if (!parse_num(&f[1], &add_num)) {
    *why = "add_num is not a number";
    return EMB_EINVAL;
  }
  b->len = 0;
  emb_status st;
  for (int i = 2; i <= 4; i++) {
    const char *p;
    size_t n;
    field_value(&f[i], &p, &n);
    if (n && (st = sb_append(b, ", ", p, n)) != EMB_OK) return st;
  }
  const char *p;
  size_t n;
  field_value(&f[5], &p, &n);
  if (n && b->len) {
    if ((st = sb_append(b, NULL, " (", 2)) != EMB_OK ||
        (st = sb_append(b, NULL, p, n)) != EMB_OK ||
        (st = sb_append(b, NULL, ")", 1)) != EMB_OK)
      return st;
  }
  if (b->len) {
    *why = "address too long, or the entity has too many addresses";
    st = emb__src_add(s, e, EMB__F_ADDRESS, b->p, b->len);
    if (st != EMB_OK) return st;
  }
  /* Countries OFAC writes as regions ("Region: Gaza") are not countries;
   * they stay in the address text only. */
  field_value(&f[4], &p, &n);
  st = emb__src_add_country(s, e, p, n);
  return st == EMB_ENOTFOUND ? EMB_OK : st;
}

static emb_status join_alt(emb__src *s, emb_entity *e, ent_slot *slot,
                           const emb__csv_field *f, strbuf *b,
                           const char **why) {
  (void)slot;
  (void)b;
  uint64_t alt_num;
  if (!parse_num(&f[1], &alt_num)) {
    *why = "alt_num is not a number";
    return EMB_EINVAL;
  }
  if (!is_alt_type(&f[2])) {
    *why = "alt_type is not aka, fka or nka";
    return EMB_EINVAL;
  }
  const char *p;
  size_t n;
  field_value(&f[3], &p, &n);
  if (n == 0) {
    *why = "alt_name is empty";
    return EMB_EINVAL;
  }
  *why = "alt_name too long, or the entity has too many names";
  /* The legacy CSV does not carry OFAC's "weak" flag, so every alias is
   * an ordinary one. */
  return emb__src_add_name(s, e, p, n, EMB_NAME_ALIAS);
}

static emb_status join_comment(emb__src *s, emb_entity *e, ent_slot *slot,
                               const emb__csv_field *f, strbuf *b,
                               const char **why) {
  /* The continuation is kept raw: a space at its start, or at the end of
   * the text before it, is part of the sentence that OFAC cut. */
  const char *p = f[1].p;
  size_t n = f[1].len;
  const char *t;
  size_t tn;
  field_value(&f[1], &t, &tn);
  if (tn == 0) return EMB_OK;
  if (slot->continuations >= MAX_CONTINUATIONS) {
    *why = "more than 8 comment rows for one entity";
    return EMB_ETOOBIG;
  }
  slot->continuations++;
  b->len = 0;
  emb_status st = EMB_OK;
  if (e->remarks) st = sb_append(b, NULL, e->remarks, strlen(e->remarks));
  if (st == EMB_OK && slot->trail_space && b->len)
    st = sb_append(b, NULL, " ", 1);
  if (st == EMB_OK) st = sb_append(b, NULL, p, n);
  if (st != EMB_OK) return st;
  *why = "remarks with their continuation too long";
  st = emb__src_set(s, &e->remarks, b->p, b->len);
  if (st == EMB_OK) slot->trail_space = ends_in_space(&f[1]);
  return st;
}

static emb_status load_side(emb__src *s, ent_map *m, const emb__ofac_file *file,
                            size_t fields, side_fn fn) {
  emb__csv *r = emb__csv_new(file->data, file->len, ',');
  if (r == NULL) return EMB_ENOMEM;
  const char *saved_path = s->diag_path;
  s->diag_path = file->path;
  strbuf scratch = {NULL, 0, 0};
  emb_status st = EMB_OK;
  for (;;) {
    const emb__csv_field *f;
    size_t nf;
    long line;
    emb__csv_result res = emb__csv_next(r, &f, &nf, &line);
    if (res == EMB__CSV_END) break;
    emb__src_row(s);
    if (res == EMB__CSV_BAD) {
      emb__src_bad_row(s, line, "%s", emb__csv_error(r));
      continue;
    }
    if (nf != fields) {
      emb__src_bad_row(s, line, "expected %zu fields, found %zu", fields, nf);
      continue;
    }
    uint64_t num;
    if (!parse_num(&f[0], &num)) {
      emb__src_bad_row(s, line, "ent_num is not a number");
      continue;
    }
    ent_slot *slot = map_find(m, num);
    if (slot == NULL) {
      emb__src_bad_row(s, line, "entity number %llu is not in %s",
                       (unsigned long long)num, s->info.path);
      continue;
    }
    const char *why = "invalid";
    st = fn(s, emb__src_entity_at(s, slot->idx), slot, f, &scratch, &why);
    if (st == EMB_ENOMEM) break;
    if (st != EMB_OK) {
      emb__src_bad_row(s, line, "%s", why);
      st = EMB_OK;
    }
  }
  free(scratch.p);
  s->diag_path = saved_path;
  emb__csv_free(r);
  return st;
}

/* Reads the nationalities and citizenships that the remarks state
 * ("nationality Iran; citizen Russia; alt. citizen Turkey") and, for
 * vessels and companies, "Nationality of Registration Panama". Best
 * effort: a value that is not a known country is left alone. */
static emb_status remark_countries(emb__src *s, emb_entity *e) {
  static const char *const prefixes[] = {"nationality ", "citizen ",
                                         "Nationality of Registration "};
  const char *p = e->remarks;
  if (p == NULL) return EMB_OK;
  while (*p) {
    const char *end = strchr(p, ';');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    const char *q = p;
    size_t m = n;
    while (m && is_ws(*q)) q++, m--;
    if (m >= 5 && memcmp(q, "alt. ", 5) == 0) q += 5, m -= 5;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
      size_t pl = strlen(prefixes[i]);
      if (m > pl && memcmp(q, prefixes[i], pl) == 0) {
        emb_status st = emb__src_add_country(s, e, q + pl, m - pl);
        if (st == EMB_ENOMEM) return st;
        break;
      }
    }
    p += n;
    if (*p) p++;
  }
  return EMB_OK;
}

emb_status emb__ofac_load(emb__src *s, const emb__ofac_file files[5],
                          int consolidated) {
  const emb__ofac_file *prim = &files[EMB__OFAC_PRIMARY];
  if (prim->path == NULL || prim->data == NULL) {
    emb__src_fail(s, "the OFAC primary file is missing");
    return EMB_EFORMAT;
  }
  emb_status st = emb__src_set_name(
      s, consolidated ? "OFAC Consolidated (non-SDN) Lists" : "OFAC SDN List");
  ent_map m = {NULL, 0, 0};
  if (st == EMB_OK) st = load_primary(s, &m, prim, consolidated);
  static const struct {
    emb__ofac_part part;
    size_t fields;
    side_fn fn;
  } sides[] = {{EMB__OFAC_ADDRESS, ADDRESS_FIELDS, join_address},
               {EMB__OFAC_ALT, ALT_FIELDS, join_alt},
               {EMB__OFAC_COMMENTS, COMMENTS_FIELDS, join_comment}};
  for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]) && st == EMB_OK;
       i++) {
    const emb__ofac_file *f = &files[sides[i].part];
    if (f->path != NULL && f->data != NULL)
      st = load_side(s, &m, f, sides[i].fields, sides[i].fn);
  }
  for (size_t i = 0; i < emb__src_entity_count(s) && st == EMB_OK; i++)
    st = remark_countries(s, emb__src_entity_at(s, i));
  free(m.slots);
  if (st != EMB_OK) emb__src_fail(s, "%s", emb_strerror(st));
  return st;
}
