/* Reference data of a rules directory (docs/rules.md, "Reference data"):
 * Country Groups, the Commerce Country Chart, the ECCNs with their reasons
 * for control, and the Federal Register documents list entries cite.
 *
 * DESIGN: the four files are read in dependency order (groups, chart,
 * ECCNs, FR dates), each validated strictly: an unknown field, a bad
 * country, group, column, date or duplicate is an error naming the file,
 * the line (for JSON files, the line of the key concerned) and the field.
 * Lookups are precompiled: countries to column bits, ECCN codes to a
 * direct table, FR documents sorted by volume and page.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

#define MAX_JSON_FILE ((size_t)16 * 1024 * 1024)
#define MAX_ECCN_LINE ((size_t)256 * 1024)
#define FIELD_MAX 160

const emb__group *emb__ref_group(const emb__ref *r, const char *name) {
  for (size_t i = 0; i < r->n_groups; i++)
    if (strcmp(r->groups[i].name, name) == 0) return &r->groups[i];
  return NULL;
}

const emb__eccn_rec *emb__ref_eccn(const emb__ref *r, int code) {
  if (r->eccn_ix == NULL || code < 0 || code >= EMB__NECCN) return NULL;
  int32_t k = r->eccn_ix[code];
  return k < 0 ? NULL : &r->eccns[k];
}

/* The FR document holding page `page` of volume `vol`, or NULL. */
static const emb__frdoc *fr_find(const emb__ref *r, int vol, long page) {
  size_t lo = 0, hi = r->n_fr;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const emb__frdoc *d = &r->fr[mid];
    if (d->volume < vol || (d->volume == vol && d->last < page))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < r->n_fr && r->fr[lo].volume == vol && r->fr[lo].first <= page &&
      page <= r->fr[lo].last)
    return &r->fr[lo];
  return NULL;
}

const emb__frdoc *emb__ref_fr_first(const emb__ref *r, const char *citation) {
  const emb__frdoc *best = NULL;
  if (citation == NULL || r->n_fr == 0) return NULL;
  /* Every "<volume> FR <page>" (or "F.R.", as the DPL writes it). */
  for (const char *p = citation; *p; p++) {
    size_t mark = strncmp(p, "FR ", 3) == 0     ? 2
                  : strncmp(p, "F.R. ", 5) == 0 ? 4
                                                : 0;
    if (mark == 0 || p == citation || p[-1] != ' ') continue;
    const char *ve = p - 1;
    while (ve > citation && ve[-1] == ' ') ve--;
    const char *v = ve;
    while (v > citation && isdigit((unsigned char)v[-1])) v--;
    const char *q = p + mark;
    while (*q == ' ') q++;
    if (v == ve || ve - v > 3 || !isdigit((unsigned char)*q)) continue;
    int vol = 0;
    long page = 0;
    for (const char *x = v; x < ve; x++) vol = vol * 10 + (*x - '0');
    for (int k = 0; isdigit((unsigned char)*q) && k < 7; q++, k++)
      page = page * 10 + (*q - '0');
    const emb__frdoc *d = fr_find(r, vol, page);
    if (d && (best == NULL || d->effective < best->effective)) best = d;
  }
  return best;
}

/* ---- Loading. ---- */

typedef struct ref_file {
  emb__pctx *c;
  const char *text; /* the file, for the lines of keys */
} ref_file;

/* Points c's line at the key (quoted in the file) a message is about. */
static void at(ref_file *f, const char *key) {
  f->c->line = emb__line_of_key(f->text, key);
  /* A missing key: the message is about the object, which starts the
   * file. */
  if (f->c->line == 0) f->c->line = 1;
}

static emb_status load_json(emb__pctx *c, const char *path, char **text,
                            json_t **root, emb_ref_info *info) {
  size_t len;
  char hex[65];
  emb_status st = emb__read_file(path, MAX_JSON_FILE, text, &len, hex);
  if (st != EMB_OK) {
    emb__pdiag(c, 0, "%s", emb_strerror(st));
    return st;
  }
  json_error_t jerr;
  *root = json_loadb(*text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (*root == NULL) {
    emb__pdiag(c, jerr.line, "column %d: %s", jerr.column, jerr.text);
    return EMB_EPARSE;
  }
  if (!json_is_object(*root)) {
    emb__pdiag(c, 1, "not a JSON object");
    return EMB_EPARSE;
  }
  info->sha256 = emb__arena_strndup(&c->rs->arena, hex, 64);
  return info->sha256 ? EMB_OK : EMB_ENOMEM;
}

/* The common fields of a reference file: source (string or object),
 * as_of (a date; required when need_as_of), citation, remarks. */
static emb_status common_fields(ref_file *f, json_t *root, int need_as_of,
                                emb_ref_info *info) {
  emb__pctx *c = f->c;
  json_t *v = json_object_get(root, "source");
  if (v && !json_is_string(v) && !json_is_object(v)) {
    at(f, "source");
    return emb__perr(c, "source", "not a string or an object");
  }
  v = json_object_get(root, "as_of");
  if (v || need_as_of) {
    at(f, "as_of");
    emb__day d;
    if (v == NULL) return emb__perr(c, "as_of", "missing");
    emb_status st = emb__p_date(c, "as_of", v, &d);
    if (st != EMB_OK) return st;
    info->as_of = emb__arena_strndup(&c->rs->arena, json_string_value(v), 10);
    if (info->as_of == NULL) return EMB_ENOMEM;
  }
  v = json_object_get(root, "citation");
  if (v) {
    at(f, "citation");
    emb_status st = emb__p_string(c, "citation", v, 1000, &info->citation);
    if (st != EMB_OK) return st;
  }
  v = json_object_get(root, "remarks");
  if (v && !json_is_string(v)) {
    at(f, "remarks");
    return emb__perr(c, "remarks", "not a string");
  }
  return EMB_OK;
}

/* A group name: a letter, optionally ':' and a number ("B", "D:5"). */
static int is_group_name(const char *s) {
  if (s[0] < 'A' || s[0] > 'Z') return 0;
  if (s[1] == '\0') return 1;
  if (s[1] != ':' || !isdigit((unsigned char)s[2])) return 0;
  for (const char *p = s + 2; *p; p++)
    if (!isdigit((unsigned char)*p)) return 0;
  return strlen(s) <= 5;
}

static emb_status load_groups(ref_file *f, json_t *root, emb_ref_info *info) {
  static const char *const keys[] = {"source",  "as_of",  "citation",
                                     "remarks", "groups", NULL};
  emb__pctx *c = f->c;
  emb__ref *r = &c->rs->ref;
  c->line = 1;
  emb_status st = emb__p_keys(c, "", root, keys);
  if (st == EMB_OK) st = common_fields(f, root, 1, info);
  if (st != EMB_OK) return st;
  json_t *g = json_object_get(root, "groups");
  at(f, "groups");
  if (!json_is_object(g) || json_object_size(g) == 0)
    return emb__perr(c, "groups", "missing or not an object of groups");
  r->groups =
      emb__arena_alloc(&c->rs->arena, json_object_size(g) * sizeof(*r->groups));
  if (r->groups == NULL) return EMB_ENOMEM;
  const char *name;
  json_t *members;
  json_object_foreach(g, name, members) {
    char field[FIELD_MAX];
    emb__fmt(field, sizeof(field), "groups.%.40s", name);
    at(f, name);
    if (!is_group_name(name))
      return emb__perr(c, field, "not a country group name (e.g. \"D:5\")");
    if (!json_is_array(members))
      return emb__perr(c, field, "not an array of country codes");
    emb__group *grp = &r->groups[r->n_groups];
    grp->name = emb__arena_strndup(&c->rs->arena, name, strlen(name));
    if (grp->name == NULL) return EMB_ENOMEM;
    size_t i;
    json_t *x;
    json_array_foreach(members, i, x) {
      char fi[FIELD_MAX];
      emb__fmt(fi, sizeof(fi), "%s[%zu]", field, i);
      int cc = json_is_string(x)
                   ? emb__cc(json_string_value(x), json_string_length(x))
                   : -1;
      if (cc < 0)
        return emb__perr(c, fi,
                         "%s%.20s%s is not an ISO 3166-1 alpha-2 country code",
                         json_is_string(x) ? "\"" : "",
                         json_is_string(x) ? json_string_value(x) : "value",
                         json_is_string(x) ? "\"" : "");
      emb__cset_add(&grp->set, cc);
    }
    r->n_groups++;
  }
  info->records = r->n_groups;
  return EMB_OK;
}

/* A column name without its spaces ("CB 1" -> "CB1"), into out. */
static int column_name(const char *s, char out[8]) {
  size_t k = 0;
  for (; *s; s++) {
    if (*s == ' ') continue;
    if (k == 7 || !(isupper((unsigned char)*s) || isdigit((unsigned char)*s)))
      return 0;
    out[k++] = *s;
  }
  out[k] = '\0';
  return k >= 2;
}

static int find_column(const emb__ref *r, const char *name) {
  char n[8];
  if (!column_name(name, n)) return -1;
  for (size_t i = 0; i < r->n_columns; i++)
    if (strcmp(r->columns[i], n) == 0) return (int)i;
  return -1;
}

static emb_status country_key(ref_file *f, const char *field, const char *key,
                              int *cc) {
  at(f, key);
  *cc = emb__cc(key, strlen(key));
  if (*cc < 0)
    return emb__perr(f->c, field,
                     "\"%.20s\" is not an ISO 3166-1 alpha-2 country code",
                     key);
  return EMB_OK;
}

static emb_status load_chart(ref_file *f, json_t *root, emb_ref_info *info) {
  static const char *const keys[] = {"source",  "as_of",        "citation",
                                     "remarks", "columns",      "countries",
                                     "same_as", "see_part_746", NULL};
  emb__pctx *c = f->c;
  emb__ref *r = &c->rs->ref;
  c->line = 1;
  emb_status st = emb__p_keys(c, "", root, keys);
  if (st == EMB_OK) st = common_fields(f, root, 1, info);
  if (st != EMB_OK) return st;
  json_t *cols = json_object_get(root, "columns");
  at(f, "columns");
  if (!json_is_array(cols) || json_array_size(cols) == 0 ||
      json_array_size(cols) > 32)
    return emb__perr(c, "columns",
                     "missing or not an array of 1 to 32 "
                     "column names");
  r->n_columns = json_array_size(cols);
  r->columns =
      emb__arena_alloc(&c->rs->arena, r->n_columns * sizeof(*r->columns));
  if (r->columns == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < r->n_columns; i++) {
    char field[FIELD_MAX], n[8];
    emb__fmt(field, sizeof(field), "columns[%zu]", i);
    const char *s = json_string_value(json_array_get(cols, i));
    if (s == NULL || !column_name(s, n))
      return emb__perr(c, field, "not a column name (e.g. \"NS1\")");
    for (size_t j = 0; j < i; j++)
      if (strcmp(r->columns[j], n) == 0)
        return emb__perr(c, field, "\"%s\" given twice", n);
    r->columns[i] = emb__arena_strndup(&c->rs->arena, n, strlen(n));
    if (r->columns[i] == NULL) return EMB_ENOMEM;
  }
  json_t *countries = json_object_get(root, "countries");
  at(f, "countries");
  if (!json_is_object(countries) || json_object_size(countries) == 0)
    return emb__perr(c, "countries", "missing or not an object of rows");
  const char *key;
  json_t *v;
  json_object_foreach(countries, key, v) {
    char field[FIELD_MAX];
    emb__fmt(field, sizeof(field), "countries.%.20s", key);
    int cc;
    if ((st = country_key(f, field, key, &cc)) != EMB_OK) return st;
    if (!json_is_array(v))
      return emb__perr(c, field, "not an array of column names");
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      char fi[FIELD_MAX];
      emb__fmt(fi, sizeof(fi), "%s[%zu]", field, i);
      int col = json_is_string(x) ? find_column(r, json_string_value(x)) : -1;
      if (col < 0) return emb__perr(c, fi, "not one of the chart's columns");
      r->chart[cc] |= 1u << col;
    }
    emb__cset_add(&r->chart_rows, cc);
  }
  json_t *p746 = json_object_get(root, "see_part_746");
  if (p746) {
    at(f, "see_part_746");
    if (!json_is_object(p746))
      return emb__perr(c, "see_part_746", "not an object");
    json_object_foreach(p746, key, v) {
      char field[FIELD_MAX];
      emb__fmt(field, sizeof(field), "see_part_746.%.20s", key);
      int cc;
      if ((st = country_key(f, field, key, &cc)) != EMB_OK) return st;
      if ((st = emb__p_string(c, field, v, 2000, &r->part746[cc])) != EMB_OK)
        return st;
    }
  }
  for (int i = 0; i < EMB__NCC; i++) r->same_as[i] = -1;
  json_t *same = json_object_get(root, "same_as");
  if (same) {
    at(f, "same_as");
    if (!json_is_object(same)) return emb__perr(c, "same_as", "not an object");
    json_object_foreach(same, key, v) {
      char field[FIELD_MAX];
      emb__fmt(field, sizeof(field), "same_as.%.20s", key);
      int cc, to;
      if ((st = country_key(f, field, key, &cc)) != EMB_OK) return st;
      to = json_is_string(v)
               ? emb__cc(json_string_value(v), json_string_length(v))
               : -1;
      if (to < 0 || to == cc)
        return emb__perr(c, field, "not another country's alpha-2 code");
      r->same_as[cc] = (int16_t)to;
    }
    /* A territory counts as a country with a row, not as another
     * territory: chains would make the answer depend on order. */
    for (int i = 0; i < EMB__NCC; i++)
      if (r->same_as[i] >= 0 && r->same_as[r->same_as[i]] >= 0) {
        char a[3];
        emb__cc_str(i, a);
        char field[FIELD_MAX];
        emb__fmt(field, sizeof(field), "same_as.%s", a);
        at(f, a);
        return emb__perr(c, field,
                         "points at a territory that is itself "
                         "the same as another country");
      }
  }
  info->records = json_object_size(countries);
  return EMB_OK;
}

/* Paragraphs of a control: ".c", ".a.4, .c", or an array of them. */
static emb_status paragraphs(emb__pctx *c, const char *field, json_t *v,
                             emb__control *ctl) {
  char buf[1024];
  if (json_is_string(v)) {
    if (json_string_length(v) == 0 || json_string_length(v) >= sizeof(buf))
      return emb__perr(c, field, "empty or too long");
    memcpy(buf, json_string_value(v), json_string_length(v) + 1);
  } else if (json_is_array(v) && json_array_size(v) > 0) {
    size_t k = 0, i;
    json_t *x;
    buf[0] = '\0';
    json_array_foreach(v, i, x) {
      if (!json_is_string(x))
        return emb__perr(c, field, "not an array of paragraph strings");
      int w = snprintf(buf + k, sizeof(buf) - k, "%s%s", i ? "," : "",
                       json_string_value(x));
      if (w < 0 || (size_t)w >= sizeof(buf) - k)
        return emb__perr(c, field, "too long");
      k += (size_t)w;
    }
  } else {
    return emb__perr(c, field, "not a paragraph string or array");
  }
  ctl->paragraphs = emb__arena_strndup(&c->rs->arena, buf, strlen(buf));
  if (ctl->paragraphs == NULL) return EMB_ENOMEM;
  size_t n = 1;
  for (char *p = buf; *p; p++) n += *p == ',';
  ctl->paras = emb__arena_alloc(&c->rs->arena, n * sizeof(*ctl->paras));
  ctl->para_lens = emb__arena_alloc(&c->rs->arena, n * sizeof(size_t));
  if (ctl->paras == NULL || ctl->para_lens == NULL) return EMB_ENOMEM;
  char *save = NULL;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    while (*t == ' ') t++;
    size_t len = strlen(t);
    while (len && t[len - 1] == ' ') t[--len] = '\0';
    if (*t == '.') t++, len--;
    /* Letters and digits between single dots: "a.4", "z.1.a". */
    int ok = len > 0 && t[len - 1] != '.';
    for (size_t i = 0; ok && i < len; i++) {
      char ch = (char)tolower((unsigned char)t[i]);
      t[i] = ch;
      ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           (ch == '.' && i > 0 && t[i - 1] != '.');
    }
    if (!ok)
      return emb__perr(c, field,
                       "\"%.40s\" is not a paragraph list (e.g. \".c\" or "
                       "\".a.4, .c\")",
                       ctl->paragraphs);
    ctl->paras[ctl->n_paras] = emb__arena_strndup(&c->rs->arena, t, len);
    if (ctl->paras[ctl->n_paras] == NULL) return EMB_ENOMEM;
    ctl->para_lens[ctl->n_paras++] = len;
  }
  if (ctl->n_paras == 0) return emb__perr(c, field, "names no paragraph");
  return EMB_OK;
}

static int is_reason(const char *s, size_t n) {
  if (n < 2 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isupper((unsigned char)s[i])) return 0;
  return 1;
}

static emb_status control(emb__pctx *c, const char *field, json_t *v,
                          emb__control *ctl) {
  static const char *const keys[] = {
      "reason", "column", "destinations", "refer", "paragraphs", "note", NULL};
  const emb__ref *r = &c->rs->ref;
  if (!json_is_object(v)) return emb__perr(c, field, "not an object");
  emb_status st = emb__p_keys(c, field, v, keys);
  if (st != EMB_OK) return st;
  char f[FIELD_MAX];
  emb__fmt(f, sizeof(f), "%s.reason", field);
  json_t *x = json_object_get(v, "reason");
  if (x == NULL) return emb__perr(c, f, "missing");
  if (!json_is_string(x) ||
      !is_reason(json_string_value(x), json_string_length(x)))
    return emb__perr(c, f, "not a reason for control (e.g. \"NS\")");
  if ((st = emb__p_string(c, f, x, 3, &ctl->reason)) != EMB_OK) return st;
  json_t *col = json_object_get(v, "column");
  json_t *dest = json_object_get(v, "destinations");
  json_t *refer = json_object_get(v, "refer");
  if (refer) {
    emb__fmt(f, sizeof(f), "%s.refer", field);
    if ((st = emb__p_string(c, f, refer, 500, &ctl->refer)) != EMB_OK)
      return st;
    if (col)
      return emb__perr(c, field,
                       "\"refer\" cannot be given with "
                       "\"column\"");
  } else if ((col == NULL) == (dest == NULL)) {
    return emb__perr(c, field,
                     "needs exactly one of \"column\", "
                     "\"destinations\" and \"refer\"");
  }
  char display[700];
  ctl->column = -1;
  if (col) {
    emb__fmt(f, sizeof(f), "%s.column", field);
    ctl->column =
        json_is_string(col) ? find_column(r, json_string_value(col)) : -1;
    if (ctl->column < 0)
      return emb__perr(c, f, "not a column of ref/country-chart.json");
    const char *cn = r->columns[ctl->column];
    if (strncmp(cn, ctl->reason, strlen(ctl->reason)) != 0)
      return emb__perr(c, f, "column %s does not belong to reason %s", cn,
                       ctl->reason);
    emb__fmt(display, sizeof(display), "%s", cn);
  } else if (dest) {
    emb__fmt(f, sizeof(f), "%s.destinations", field);
    ctl->dest = emb__arena_alloc(&c->rs->arena, sizeof(*ctl->dest));
    if (ctl->dest == NULL) return EMB_ENOMEM;
    if ((st = emb__p_dest(c, f, dest, ctl->dest)) != EMB_OK) return st;
    if (ctl->refer)
      emb__fmt(display, sizeof(display), "%s (to %s: see %s)", ctl->reason,
               ctl->dest->text, ctl->refer);
    else
      emb__fmt(display, sizeof(display), "%s (to %s)", ctl->reason,
               ctl->dest->text);
  } else {
    emb__fmt(display, sizeof(display), "%s (see %s)", ctl->reason, ctl->refer);
  }
  x = json_object_get(v, "paragraphs");
  if (x) {
    emb__fmt(f, sizeof(f), "%s.paragraphs", field);
    if ((st = paragraphs(c, f, x, ctl)) != EMB_OK) return st;
  }
  x = json_object_get(v, "note");
  if (x) {
    emb__fmt(f, sizeof(f), "%s.note", field);
    if ((st = emb__p_string(c, f, x, 4000, &ctl->note)) != EMB_OK) return st;
  }
  ctl->display = emb__arena_strndup(&c->rs->arena, display, strlen(display));
  return ctl->display ? EMB_OK : EMB_ENOMEM;
}

static emb_status eccn_record(emb__pctx *c, json_t *o, emb__eccn_rec *e) {
  static const char *const keys[] = {"eccn",           "title",
                                     "controls",       "supp2_744",
                                     "effective_from", "effective_until",
                                     "citation",       "remarks",
                                     "verified",       NULL};
  if (!json_is_object(o)) {
    emb__pdiag(c, c->line, "not a JSON object");
    return EMB_EPARSE;
  }
  emb_status st = emb__p_keys(c, "", o, keys);
  if (st != EMB_OK) return st;
  json_t *v = json_object_get(o, "eccn");
  size_t off;
  if (v == NULL) return emb__perr(c, "eccn", "missing");
  if (!json_is_string(v) ||
      !emb__eccn_parse(json_string_value(v), json_string_length(v), &e->code,
                       &off) ||
      off != json_string_length(v) || e->code == EMB__EAR99)
    return emb__perr(c, "eccn",
                     "not an ECCN without paragraph (e.g. "
                     "\"3A090\")");
  char name[6];
  emb__eccn_name(e->code, name);
  if (strcmp(name, json_string_value(v)) != 0)
    return emb__perr(c, "eccn", "write it in upper case: \"%s\"", name);
  if ((st = emb__p_string(c, "eccn", v, 5, &e->eccn)) != EMB_OK) return st;
  v = json_object_get(o, "title");
  if (v && (st = emb__p_string(c, "title", v, 4000, &e->title)) != EMB_OK)
    return st;
  v = json_object_get(o, "controls");
  if (v == NULL) return emb__perr(c, "controls", "missing");
  if (!json_is_array(v))
    return emb__perr(c, "controls", "not an array of controls");
  e->n_controls = json_array_size(v);
  e->controls = emb__arena_alloc(&c->rs->arena,
                                 (e->n_controls + 1) * sizeof(*e->controls));
  if (e->controls == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < e->n_controls; i++) {
    char f[FIELD_MAX];
    emb__fmt(f, sizeof(f), "controls[%zu]", i);
    st = control(c, f, json_array_get(v, i), &e->controls[i]);
    if (st != EMB_OK) return st;
  }
  v = json_object_get(o, "supp2_744");
  if (v && (st = emb__p_bool(c, "supp2_744", v, &e->supp2)) != EMB_OK)
    return st;
  v = json_object_get(o, "effective_from");
  if (v && !json_is_null(v) &&
      (st = emb__p_date(c, "effective_from", v, &e->from)) != EMB_OK)
    return st;
  v = json_object_get(o, "effective_until");
  if (v && !json_is_null(v) &&
      (st = emb__p_date(c, "effective_until", v, &e->until)) != EMB_OK)
    return st;
  if (e->until && e->from > e->until)
    return emb__perr(c, "effective_until", "before effective_from");
  v = json_object_get(o, "citation");
  if (v && (st = emb__p_string(c, "citation", v, 1000, &e->citation)) != EMB_OK)
    return st;
  v = json_object_get(o, "remarks");
  if (v && !json_is_string(v)) return emb__perr(c, "remarks", "not a string");
  int verified;
  v = json_object_get(o, "verified");
  if (v && (st = emb__p_bool(c, "verified", v, &verified)) != EMB_OK) return st;
  return EMB_OK;
}

static emb_status eccn_header(emb__pctx *c, json_t *h, emb_ref_info *info) {
  static const char *const keys[] = {"format", "version", "as_of", "citation",
                                     "source", "remarks", NULL};
  if (!json_is_object(h)) {
    emb__pdiag(c, c->line, "header: not a JSON object");
    return EMB_EPARSE;
  }
  emb_status st = emb__p_keys(c, "", h, keys);
  if (st != EMB_OK) return st;
  const char *fmt = json_string_value(json_object_get(h, "format"));
  if (fmt == NULL || strcmp(fmt, "embargo-eccn") != 0)
    return emb__perr(c, "format", "not \"embargo-eccn\"");
  json_t *v = json_object_get(h, "version");
  if (!json_is_integer(v) || json_integer_value(v) != 1)
    return emb__perr(c, "version", "only version 1 is supported");
  v = json_object_get(h, "as_of");
  emb__day d;
  if (v == NULL) return emb__perr(c, "as_of", "missing");
  if ((st = emb__p_date(c, "as_of", v, &d)) != EMB_OK) return st;
  info->as_of = emb__arena_strndup(&c->rs->arena, json_string_value(v), 10);
  if (info->as_of == NULL) return EMB_ENOMEM;
  v = json_object_get(h, "citation");
  if (v && (st = emb__p_string(c, "citation", v, 1000, &info->citation)))
    return st;
  v = json_object_get(h, "source");
  if (v && !json_is_string(v) && !json_is_object(v))
    return emb__perr(c, "source", "not a string or an object");
  return EMB_OK;
}

static emb_status load_eccns(emb__pctx *c, const char *path,
                             emb_ref_info *info) {
  emb__ref *r = &c->rs->ref;
  char *text;
  size_t len;
  char hex[65];
  emb_status st = emb__read_file(path, MAX_JSON_FILE, &text, &len, hex);
  if (st != EMB_OK) {
    emb__pdiag(c, 0, "%s", emb_strerror(st));
    return st;
  }
  info->sha256 = emb__arena_strndup(&c->rs->arena, hex, 64);
  r->eccn_ix = malloc(EMB__NECCN * sizeof(*r->eccn_ix));
  size_t lines = 1;
  for (size_t i = 0; i < len; i++) lines += text[i] == '\n';
  r->eccns = malloc(lines * sizeof(*r->eccns));
  if (info->sha256 == NULL || r->eccn_ix == NULL || r->eccns == NULL) {
    free(text);
    return EMB_ENOMEM;
  }
  memset(r->eccns, 0, lines * sizeof(*r->eccns));
  for (size_t i = 0; i < EMB__NECCN; i++) r->eccn_ix[i] = -1;
  emb__lines it;
  emb__lines_init(&it, text, len);
  const char *p;
  size_t n;
  int have_header = 0;
  while (emb__lines_next(&it, &p, &n)) {
    if (emb__line_skipped(p, n)) continue;
    c->line = it.line;
    if (n > MAX_ECCN_LINE) {
      emb__pdiag(c, it.line, "line longer than %zu bytes", MAX_ECCN_LINE);
      st = EMB_EPARSE;
      continue;
    }
    json_error_t jerr;
    json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &jerr);
    if (o == NULL) {
      emb__pdiag(c, it.line, "column %d: %s", jerr.column, jerr.text);
      st = EMB_EPARSE;
      if (!have_header) break;
      continue;
    }
    emb_status lst;
    if (!have_header) {
      have_header = 1;
      lst = eccn_header(c, o, info);
    } else {
      emb__eccn_rec *e = &r->eccns[r->n_eccns];
      lst = eccn_record(c, o, e);
      if (lst == EMB_OK && r->eccn_ix[e->code] >= 0)
        lst = emb__perr(c, "eccn", "%s given twice", e->eccn);
      if (lst == EMB_OK) r->eccn_ix[e->code] = (int32_t)r->n_eccns++;
    }
    json_decref(o);
    if (lst == EMB_ENOMEM) {
      st = lst;
      break;
    }
    if (lst != EMB_OK) {
      st = EMB_EPARSE;
      if (r->n_eccns == 0 && !have_header) break;
    }
  }
  free(text);
  if (st == EMB_OK && !have_header) {
    emb__pdiag(c, 0, "no header line");
    st = EMB_EPARSE;
  }
  info->records = r->n_eccns;
  return st;
}

static int cmp_fr(const void *a, const void *b) {
  const emb__frdoc *x = a, *y = b;
  if (x->volume != y->volume) return x->volume < y->volume ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first;
}

static emb_status fr_document(ref_file *f, size_t i, json_t *o, emb__frdoc *d) {
  static const char *const keys[] = {
      "volume", "first_page", "last_page", "fr_doc",   "published", "effective",
      "title",  "verified",   "remarks",   "citation", NULL};
  emb__pctx *c = f->c;
  char field[FIELD_MAX], fi[FIELD_MAX];
  emb__fmt(field, sizeof(field), "documents[%zu]", i);
  if (!json_is_object(o)) return emb__perr(c, field, "not an object");
  const char *doc = json_string_value(json_object_get(o, "fr_doc"));
  if (doc) at(f, doc);
  emb_status st = emb__p_keys(c, field, o, keys);
  if (st != EMB_OK) return st;
  static const char *const ints[3] = {"volume", "first_page", "last_page"};
  long v[3];
  for (int k = 0; k < 3; k++) {
    json_t *x = json_object_get(o, ints[k]);
    emb__fmt(fi, sizeof(fi), "%s.%s", field, ints[k]);
    if (!json_is_integer(x) || json_integer_value(x) < 1 ||
        json_integer_value(x) > 9999999)
      return emb__perr(c, fi, "missing or not a positive integer");
    v[k] = (long)json_integer_value(x);
  }
  if (v[0] > 999) {
    emb__fmt(fi, sizeof(fi), "%s.volume", field);
    return emb__perr(c, fi, "not a Federal Register volume");
  }
  if (v[2] < v[1]) {
    emb__fmt(fi, sizeof(fi), "%s.last_page", field);
    return emb__perr(c, fi, "before first_page");
  }
  d->volume = (int)v[0];
  d->first = v[1];
  d->last = v[2];
  emb__day pub = 0, eff = 0;
  emb__fmt(fi, sizeof(fi), "%s.published", field);
  json_t *x = json_object_get(o, "published");
  if (x == NULL) return emb__perr(c, fi, "missing");
  if ((st = emb__p_date(c, fi, x, &pub)) != EMB_OK) return st;
  x = json_object_get(o, "effective");
  emb__fmt(fi, sizeof(fi), "%s.effective", field);
  if (x && !json_is_null(x) && (st = emb__p_date(c, fi, x, &eff)) != EMB_OK)
    return st;
  d->effective = eff ? eff : pub;
  emb__day_format(d->effective, d->date);
  static const char *const strs[4] = {"fr_doc", "title", "remarks", "citation"};
  for (int k = 0; k < 4; k++) {
    x = json_object_get(o, strs[k]);
    emb__fmt(fi, sizeof(fi), "%s.%s", field, strs[k]);
    if (x && !json_is_string(x)) return emb__perr(c, fi, "not a string");
  }
  x = json_object_get(o, "verified");
  emb__fmt(fi, sizeof(fi), "%s.verified", field);
  if (x && !json_is_boolean(x)) return emb__perr(c, fi, "not true or false");
  return EMB_OK;
}

static emb_status load_fr(ref_file *f, json_t *root, emb_ref_info *info) {
  static const char *const keys[] = {"source",  "as_of",     "citation",
                                     "remarks", "documents", NULL};
  emb__pctx *c = f->c;
  emb__ref *r = &c->rs->ref;
  c->line = 1;
  emb_status st = emb__p_keys(c, "", root, keys);
  if (st == EMB_OK) st = common_fields(f, root, 0, info);
  if (st != EMB_OK) return st;
  json_t *docs = json_object_get(root, "documents");
  at(f, "documents");
  if (!json_is_array(docs))
    return emb__perr(c, "documents", "missing or not an array");
  r->n_fr = json_array_size(docs);
  r->fr = emb__arena_alloc(&c->rs->arena, (r->n_fr + 1) * sizeof(*r->fr));
  if (r->fr == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < r->n_fr; i++)
    if ((st = fr_document(f, i, json_array_get(docs, i), &r->fr[i])) != EMB_OK)
      return st;
  qsort(r->fr, r->n_fr, sizeof(*r->fr), cmp_fr);
  for (size_t i = 1; i < r->n_fr; i++)
    if (r->fr[i].volume == r->fr[i - 1].volume &&
        r->fr[i].first <= r->fr[i - 1].last) {
      c->line = 0;
      char field[FIELD_MAX];
      emb__fmt(field, sizeof(field), "documents");
      return emb__perr(c, field,
                       "pages %d FR %ld-%ld overlap another "
                       "document's",
                       r->fr[i].volume, r->fr[i].first, r->fr[i].last);
    }
  info->records = r->n_fr;
  return EMB_OK;
}

typedef emb_status (*json_loader)(ref_file *f, json_t *root,
                                  emb_ref_info *info);

static emb_status load_one(emb_ruleset *rs, const emb_load_opts *opts,
                           const char *dir, const char *name, const char *file,
                           json_loader fn) {
  char path[4096];
  emb__fmt(path, sizeof(path), "%s/ref/%s", dir, file);
  emb_ref_info *info = &rs->refs[rs->n_refs++];
  info->name = name;
  info->path = emb__arena_strndup(&rs->arena, path, strlen(path));
  if (info->path == NULL) return EMB_ENOMEM;
  emb__pctx c = {.rs = rs, .opts = opts, .file = info->path};
  if (fn == NULL) return load_eccns(&c, path, info);
  char *text = NULL;
  json_t *root = NULL;
  emb_status st = load_json(&c, path, &text, &root, info);
  if (st == EMB_OK) {
    ref_file f = {&c, text};
    st = fn(&f, root, info);
  }
  json_decref(root);
  free(text);
  return st;
}

emb_status emb__ref_load(emb_ruleset *rs, const char *dir,
                         const emb_load_opts *opts) {
  /* Groups first: the chart's and ECCNs' destination scopes name them. */
  emb_status st = load_one(rs, opts, dir, "country-groups",
                           "country-groups.json", load_groups);
  if (st == EMB_OK)
    st = load_one(rs, opts, dir, "country-chart", "country-chart.json",
                  load_chart);
  if (st == EMB_OK) st = load_one(rs, opts, dir, "eccn", "eccn.jsonl", NULL);
  if (st == EMB_OK)
    st = load_one(rs, opts, dir, "fr-dates", "fr-dates.json", load_fr);
  for (size_t i = 0; i < rs->n_refs; i++) {
    const char *a = rs->refs[i].as_of;
    if (a && (rs->ref_as_of == NULL || strcmp(a, rs->ref_as_of) < 0))
      rs->ref_as_of = a;
  }
  return st;
}
