/* The US Consolidated Screening List (CSL) in its JSON form: the download
 * from data.trade.gov and the trade.gov search API, both an object whose
 * "results" array holds one object per entry (a bare array of such
 * objects is accepted too).
 *
 * DESIGN: the whole document is parsed with jansson (list files are tens
 * of MB at most), then each result is mapped with the same rules as the
 * CSV form (csl.h), so both give the same entities. Where the CSV packs a
 * list into one ';'-separated cell, the JSON has an array; a string in
 * its place is accepted and split like the CSV cell. Results have no line
 * numbers worth giving, so bad ones are reported as "results[i]".
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csl.h"

/* ---- Probe ------------------------------------------------------------ */

static int contains(const char *h, size_t n, const char *needle) {
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++) {
    const char *p = memchr(h + i, needle[0], n - i - m + 1);
    if (p == NULL) return 0;
    i = (size_t)(p - h);
    if (memcmp(p, needle, m) == 0) return 1;
  }
  return 0;
}

static size_t skip_ws(const char *h, size_t n, size_t i) {
  while (i < n && (h[i] == ' ' || h[i] == '\t' || h[i] == '\r' || h[i] == '\n'))
    i++;
  return i;
}

static int probe(const char *head, size_t n) {
  size_t i = 0;
  if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  i = skip_ws(head, n, i);
  if (i >= n) return 0;
  /* embargo's own JSONL names its format on the first line. */
  const char *nl = memchr(head + i, '\n', n - i);
  size_t first_line = nl ? (size_t)(nl - head) : n;
  if (contains(head + i, first_line - i, "\"embargo-entities\"")) return 0;
  if (head[i] == '{')
    return contains(head + i, n - i, "\"results\"") &&
           contains(head + i, n - i, "\"source\"");
  if (head[i] == '[') {
    i = skip_ws(head, n, i + 1);
    return i < n && head[i] == '{' && contains(head + i, n - i, "\"source\"") &&
           contains(head + i, n - i, "\"name\"");
  }
  return 0;
}

/* ---- Values ----------------------------------------------------------- */

/* The string obj[key], or empty when it is absent or not a string. The
 * text is borrowed from the document. */
static void str(const json_t *obj, const char *key, const char **p, size_t *n) {
  const json_t *v = json_object_get(obj, key);
  *p = json_is_string(v) ? json_string_value(v) : "";
  *n = json_is_string(v) ? json_string_length(v) : 0;
}

/* Like str(), but an integer (entity numbers come both ways) is written
 * as decimal digits into buf. */
static void text(const json_t *obj, const char *key, char *buf, size_t cap,
                 const char **p, size_t *n) {
  const json_t *v = json_object_get(obj, key);
  str(obj, key, p, n);
  if (json_is_integer(v)) {
    int w = snprintf(buf, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    if (w > 0 && (size_t)w < cap) {
      *p = buf;
      *n = (size_t)w;
    }
  }
}

static int is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
  return 1;
}

/* Calls fn on each string of v: every string element of an array, or v
 * itself when it is a string. */
typedef emb_status (*str_fn)(emb__src *s, emb_entity *e, const char *p,
                             size_t n);

static emb_status each_string(emb__src *s, emb_entity *e, const json_t *v,
                              str_fn fn) {
  if (json_is_string(v))
    return fn(s, e, json_string_value(v), json_string_length(v));
  if (!json_is_array(v)) return EMB_OK;
  size_t i;
  const json_t *el;
  json_array_foreach((json_t *)v, i, el) {
    if (!json_is_string(el)) continue;
    emb_status st = fn(s, e, json_string_value(el), json_string_length(el));
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

static emb_status add_aliases(emb__src *s, emb_entity *e, const char *p,
                              size_t n) {
  return emb__csl_add_names(s, e, p, n, EMB_NAME_ALIAS);
}

static emb_status add_programs(emb__src *s, emb_entity *e, const char *p,
                               size_t n) {
  return emb__csl_add_split(s, e, EMB__F_PROGRAM, p, n, ";");
}

static emb_status add_ident_text(emb__src *s, emb_entity *e, const char *p,
                                 size_t n) {
  return emb__csl_add_split(s, e, EMB__F_IDENT, p, n, ";");
}

static emb_status add_address_text(emb__src *s, emb_entity *e, const char *p,
                                   size_t n) {
  /* A string address may hold several, as the CSV cell does. */
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && p[i] != ';') continue;
    emb_status st = emb__csl_add_address(s, e, p + start, i - start);
    if (st != EMB_OK) return st;
    start = i + 1;
  }
  return EMB_OK;
}

/* Appends "%s%.*s" (separator, part) to buf when the part is not blank. */
static void append(char *buf, size_t cap, size_t *len, const char *sep,
                   const char *p, size_t n) {
  if (n == 0 || is_blank(p, n)) return;
  int w =
      snprintf(buf + *len, cap - *len, "%s%.*s", *len ? sep : "", (int)n, p);
  if (w > 0) *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
}

/* An address object: {address, city, state, postal_code, country}. Its
 * parts present are joined by ", " into one address; its country code
 * gives the country. */
static emb_status add_address_obj(emb__src *s, emb_entity *e, const json_t *a) {
  static const char *const keys[] = {"address", "city", "state", "postal_code",
                                     "country"};
  enum { N_KEYS = sizeof(keys) / sizeof(keys[0]) };
  const char *p[N_KEYS];
  size_t n[N_KEYS], total = 1;
  for (size_t k = 0; k < N_KEYS; k++) {
    str(a, keys[k], &p[k], &n[k]);
    if (n[k] > EMB__MAX_FIELD) return EMB_ETOOBIG;
    total += n[k] + 2;
  }
  if (total > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *buf = malloc(total);
  if (buf == NULL) return EMB_ENOMEM;
  size_t len = 0;
  buf[0] = '\0';
  for (size_t k = 0; k < N_KEYS; k++)
    append(buf, total, &len, ", ", p[k], n[k]);
  emb_status st = emb__src_add(s, e, EMB__F_ADDRESS, buf, len);
  free(buf);
  if (st != EMB_OK) return st;
  st = emb__src_add_country(s, e, p[N_KEYS - 1], n[N_KEYS - 1]);
  return st == EMB_ENOTFOUND ? EMB_OK : st;
}

/* An identifier object: {type, number, country, ...} written as
 * "TYPE NUMBER (COUNTRY)". */
static emb_status add_ident_obj(emb__src *s, emb_entity *e, const json_t *id) {
  const char *t, *num, *c;
  size_t tn, nn, cn;
  char numbuf[32];
  str(id, "type", &t, &tn);
  text(id, "number", numbuf, sizeof(numbuf), &num, &nn);
  str(id, "country", &c, &cn);
  if (tn > EMB__MAX_FIELD || nn > EMB__MAX_FIELD || cn > EMB__MAX_FIELD)
    return EMB_ETOOBIG;
  size_t cap = tn + nn + cn + 8;
  if (cap > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *buf = malloc(cap);
  if (buf == NULL) return EMB_ENOMEM;
  size_t len = 0;
  buf[0] = '\0';
  append(buf, cap, &len, " ", t, tn);
  append(buf, cap, &len, " ", num, nn);
  if (cn > 0 && !is_blank(c, cn)) {
    int w =
        snprintf(buf + len, cap - len, "%s(%.*s)", len ? " " : "", (int)cn, c);
    if (w > 0 && (size_t)w < cap - len) len += (size_t)w;
  }
  emb_status st = emb__src_add(s, e, EMB__F_IDENT, buf, len);
  free(buf);
  return st;
}

/* ---- Results ---------------------------------------------------------- */

typedef struct json_ctx {
  emb__src *s;
  emb__csl_source_cache cache;
} json_ctx;

/* Fills e from result r; on failure *bad_key names the key at fault. */
static emb_status map_result(json_ctx *x, emb_entity *e, const json_t *r,
                             size_t index, const char **bad_key) {
  emb__src *s = x->s;
  const char *p;
  size_t n;
  char buf[32], where[64];
  emb_status st;
#define TRY(key, expr)  \
  do {                  \
    st = (expr);        \
    if (st != EMB_OK) { \
      *bad_key = (key); \
      return st;        \
    }                   \
  } while (0)
  str(r, "source", &p, &n);
  TRY("source", emb__csl_set_source(s, e, &x->cache, p, n));
  str(r, "type", &p, &n);
  e->type = emb__csl_type(p, n);
  str(r, "name", &p, &n);
  TRY("name", emb__src_add_name(s, e, p, n, EMB_NAME_PRIMARY));
  TRY("alt_names",
      each_string(s, e, json_object_get(r, "alt_names"), add_aliases));
  text(r, "entity_number", buf, sizeof(buf), &p, &n);
  if (n > 0 && !is_blank(p, n)) {
    TRY("entity_number", emb__src_set(s, &e->source_id, p, n));
  } else {
    /* A numeric id is a row number, not stable between editions. */
    str(r, "id", &p, &n);
    if (n > 0 && !emb__csl_is_number(p, n))
      TRY("id", emb__src_set(s, &e->source_id, p, n));
  }
  const json_t *v = json_object_get(r, "addresses");
  if (json_is_array(v)) {
    size_t i;
    const json_t *a;
    json_array_foreach((json_t *)v, i, a) {
      if (json_is_object(a))
        TRY("addresses", add_address_obj(s, e, a));
      else if (json_is_string(a))
        TRY("addresses", add_address_text(s, e, json_string_value(a),
                                          json_string_length(a)));
    }
  } else {
    TRY("addresses", each_string(s, e, v, add_address_text));
  }
  TRY("citizenships", each_string(s, e, json_object_get(r, "citizenships"),
                                  emb__csl_add_countries));
  TRY("nationalities", each_string(s, e, json_object_get(r, "nationalities"),
                                   emb__csl_add_countries));
  str(r, "federal_register_notice", &p, &n);
  TRY("federal_register_notice", emb__src_set(s, &e->citation, p, n));
  /* Warnings about dates name the result, as there is no line. */
  str(r, "start_date", &p, &n);
  snprintf(where, sizeof(where), "results[%zu]: start_date", index);
  TRY("start_date", emb__csl_set_date(s, 0, where, &e->start_date, p, n));
  str(r, "end_date", &p, &n);
  snprintf(where, sizeof(where), "results[%zu]: end_date", index);
  TRY("end_date", emb__csl_set_date(s, 0, where, &e->end_date, p, n));
  str(r, "license_requirement", &p, &n);
  TRY("license_requirement", emb__src_set(s, &e->license_requirement, p, n));
  str(r, "license_policy", &p, &n);
  TRY("license_policy", emb__src_set(s, &e->license_policy, p, n));
  str(r, "remarks", &p, &n);
  TRY("remarks", emb__src_set(s, &e->remarks, p, n));
  str(r, "title", &p, &n);
  TRY("title", emb__src_set(s, &e->title, p, n));
  str(r, "source_list_url", &p, &n);
  TRY("source_list_url", emb__src_set(s, &e->source_url, p, n));
  if (e->source_url == NULL) {
    str(r, "source_information_url", &p, &n);
    TRY("source_information_url", emb__src_set(s, &e->source_url, p, n));
  }
  TRY("programs",
      each_string(s, e, json_object_get(r, "programs"), add_programs));
  v = json_object_get(r, "ids");
  if (json_is_array(v)) {
    size_t i;
    const json_t *id;
    json_array_foreach((json_t *)v, i, id) {
      if (json_is_object(id))
        TRY("ids", add_ident_obj(s, e, id));
      else if (json_is_string(id))
        TRY("ids", add_ident_text(s, e, json_string_value(id),
                                  json_string_length(id)));
    }
  } else {
    TRY("ids", each_string(s, e, v, add_ident_text));
  }
  TRY("license_requirement", emb__csl_add_footnotes(s, e));
#undef TRY
  return EMB_OK;
}

/* Turns results[i] into an entity or reports it bad. Returns EMB_OK or
 * EMB_ENOMEM. */
static emb_status load_result(json_ctx *x, const json_t *r, size_t i) {
  emb__src *s = x->s;
  emb__src_row(s);
  if (!json_is_object(r)) {
    emb__src_bad_row(s, 0, "results[%zu]: not an object", i);
    return EMB_OK;
  }
  const char *p;
  size_t n;
  str(r, "name", &p, &n);
  if (n == 0 || is_blank(p, n)) {
    emb__src_bad_row(s, 0, "results[%zu]: no name", i);
    return EMB_OK;
  }
  str(r, "source", &p, &n);
  if (n == 0 || is_blank(p, n)) {
    emb__src_bad_row(s, 0, "results[%zu]: no source", i);
    return EMB_OK;
  }
  emb_entity *e = emb__src_entity_new(s);
  if (e == NULL) return EMB_ENOMEM;
  const char *bad_key = "";
  emb_status st = map_result(x, e, r, i, &bad_key);
  if (st == EMB_OK) return EMB_OK;
  emb__src_drop_last(s);
  if (st == EMB_ENOMEM) return st;
  emb__src_bad_row(s, 0, "results[%zu]: %s: %s", i, bad_key, emb_strerror(st));
  return EMB_OK;
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  emb_status st = emb__src_set_name(s, "US Consolidated Screening List");
  if (st != EMB_OK) return st;
  /* jansson rejects a byte order mark, which some tools write. */
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  json_error_t err;
  /* Duplicate keys are accepted (the last one wins), as other readers of
   * the published file do. */
  json_t *root = json_loadb(data, len, 0, &err);
  if (root == NULL) {
    if (json_error_code(&err) == json_error_out_of_memory) return EMB_ENOMEM;
    emb__src_fail(s, "JSON error at line %d, column %d: %s", err.line,
                  err.column, err.text);
    return EMB_EPARSE;
  }
  const json_t *results =
      json_is_array(root) ? root : json_object_get(root, "results");
  if (!json_is_array(results)) {
    emb__src_fail(s, "no \"results\" array");
    json_decref(root);
    return EMB_EFORMAT;
  }
  json_ctx x = {.s = s};
  size_t i;
  const json_t *r;
  json_array_foreach((json_t *)results, i, r) {
    st = load_result(&x, r, i);
    if (st != EMB_OK) break;
  }
  json_decref(root);
  return st;
}

const emb__format emb__fmt_csl_json = {"csl-json", probe, load};
