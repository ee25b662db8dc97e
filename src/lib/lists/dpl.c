/* The BIS Denied Persons List (DPL) as BIS publishes it: tab-separated,
 * every field in quotes, with a header row of column names.
 *
 * DESIGN: one row is one denial order at one address, so a person denied
 * at two addresses has two rows and becomes two entities; the list gives
 * no number of its own, so ids come from the name and first country.
 * Columns are found by header name, so a reordered or extended file still
 * loads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/csv.h"
#include "source.h"

typedef enum col {
  C_NAME,
  C_STREET,
  C_CITY,
  C_STATE,
  C_COUNTRY,
  C_POSTAL,
  C_EFFECTIVE,
  C_EXPIRATION,
  C_ACTION,
  C_CITATION,
  C_COUNT
} col;

static const char *const col_names[C_COUNT] = {
    "Name",    "Street_Address", "City",           "State",
    "Country", "Postal_Code",    "Effective_Date", "Expiration_Date",
    "Action",  "FR_Citation"};

/* The columns a file must have to be taken for the DPL. */
static const col required[] = {C_NAME, C_STREET, C_EFFECTIVE, C_CITATION};
#define N_REQUIRED (sizeof(required) / sizeof(required[0]))

static const char list_code[] = "DPL";
static const char source_name[] =
    "Denied Persons List (DPL) - Bureau of Industry and Security";

typedef struct dpl_ctx {
  emb__src *s;
  int idx[C_COUNT]; /* field index of each column, or -1 */
  size_t n_cols;
} dpl_ctx;

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

static void trim(const char **str, size_t *len) {
  const char *p = *str;
  size_t n = *len;
  while (n && is_space(*p)) p++, n--;
  while (n && is_space(p[n - 1])) n--;
  *str = p;
  *len = n;
}

static size_t map_header(const emb__csv_field *f, size_t n, int idx[C_COUNT]) {
  for (size_t c = 0; c < C_COUNT; c++) idx[c] = -1;
  for (size_t i = 0; i < n; i++) {
    const char *p = f[i].p;
    size_t len = f[i].len;
    trim(&p, &len);
    for (size_t c = 0; c < C_COUNT; c++)
      if (idx[c] < 0 && strlen(col_names[c]) == len &&
          strncasecmp(p, col_names[c], len) == 0)
        idx[c] = (int)i;
  }
  size_t found = 0;
  for (size_t r = 0; r < N_REQUIRED; r++)
    if (idx[required[r]] >= 0) found++;
  return found;
}

static void get(const dpl_ctx *x, const emb__csv_field *f, col c,
                const char **p, size_t *n) {
  if (x->idx[c] < 0) {
    *p = "";
    *n = 0;
    return;
  }
  *p = f[x->idx[c]].p;
  *n = f[x->idx[c]].len;
  trim(p, n);
}

static int probe(const char *head, size_t n) {
  emb__csv *r = emb__csv_new(head, n, '\t');
  if (r == NULL) return 0;
  const emb__csv_field *f;
  size_t nf;
  long line;
  int idx[C_COUNT];
  int ok = emb__csv_next(r, &f, &nf, &line) == EMB__CSV_RECORD &&
           map_header(f, nf, idx) == N_REQUIRED;
  emb__csv_free(r);
  return ok;
}

/* Adds the address written as street, city, state, postal code, country
 * (the parts present, joined by ", "). */
static emb_status add_address(const dpl_ctx *x, emb_entity *e,
                              const emb__csv_field *f) {
  static const col order[] = {C_STREET, C_CITY, C_STATE, C_POSTAL, C_COUNTRY};
  const size_t n_parts = sizeof(order) / sizeof(order[0]);
  const char *p[sizeof(order) / sizeof(order[0])];
  size_t n[sizeof(order) / sizeof(order[0])], total = 0;
  for (size_t i = 0; i < n_parts; i++) {
    get(x, f, order[i], &p[i], &n[i]);
    total += n[i] + 2;
  }
  if (total > EMB__MAX_FIELD) return EMB_ETOOBIG;
  char *buf = malloc(total + 1);
  if (buf == NULL) return EMB_ENOMEM;
  size_t len = 0;
  for (size_t i = 0; i < n_parts; i++) {
    if (n[i] == 0) continue;
    int w = snprintf(buf + len, total + 1 - len, "%s%.*s", len ? ", " : "",
                     (int)n[i], p[i]);
    if (w > 0) len += (size_t)w;
  }
  emb_status st = emb__src_add(x->s, e, EMB__F_ADDRESS, buf, len);
  free(buf);
  return st;
}

/* Sets a date column; a value that is not a date is reported and left
 * out, since the rest of the row is still good. */
static emb_status set_date(const dpl_ctx *x, const emb__csv_field *f, col c,
                           long line, const char **field) {
  const char *p;
  size_t n;
  get(x, f, c, &p, &n);
  if (n == 0) return EMB_OK;
  char ymd[11];
  if (emb__date_parse(p, n, ymd) != EMB_OK) {
    emb__src_warn(x->s, line, "%s: not a date: \"%.*s\"; left empty",
                  col_names[c], (int)(n > 40 ? 40 : n), p);
    return EMB_OK;
  }
  return emb__src_set(x->s, field, ymd, 10);
}

/* Fills e from a row; on failure *bad_col names the column at fault. */
static emb_status map_row(const dpl_ctx *x, emb_entity *e,
                          const emb__csv_field *f, long line,
                          const char **bad_col) {
  emb__src *s = x->s;
  const char *p;
  size_t n;
  emb_status st;
  /* Static storage outlives the list set, so no copy is needed. */
  e->list = list_code;
  e->source = source_name;
  e->type = EMB_TYPE_UNKNOWN;
  get(x, f, C_NAME, &p, &n);
  if ((st = emb__src_add_name(s, e, p, n, EMB_NAME_PRIMARY)) != EMB_OK) {
    *bad_col = col_names[C_NAME];
    return st;
  }
  if ((st = add_address(x, e, f)) != EMB_OK) {
    *bad_col = "address";
    return st;
  }
  get(x, f, C_COUNTRY, &p, &n);
  /* An unknown country stays in the address text; it is no reason to
   * lose the row. */
  st = emb__src_add_country(s, e, p, n);
  if (st != EMB_OK && st != EMB_ENOTFOUND) {
    *bad_col = col_names[C_COUNTRY];
    return st;
  }
  if ((st = set_date(x, f, C_EFFECTIVE, line, &e->start_date)) != EMB_OK ||
      (st = set_date(x, f, C_EXPIRATION, line, &e->end_date)) != EMB_OK) {
    *bad_col = "date";
    return st;
  }
  get(x, f, C_CITATION, &p, &n);
  if ((st = emb__src_set(s, &e->citation, p, n)) != EMB_OK) {
    *bad_col = col_names[C_CITATION];
    return st;
  }
  get(x, f, C_ACTION, &p, &n);
  if ((st = emb__src_set(s, &e->remarks, p, n)) != EMB_OK)
    *bad_col = col_names[C_ACTION];
  return st;
}

/* Turns one data row into an entity or reports it bad. Returns EMB_OK or
 * EMB_ENOMEM. */
static emb_status load_row(const dpl_ctx *x, const emb__csv_field *f, size_t n,
                           long line) {
  emb__src *s = x->s;
  emb__src_row(s);
  if (n != x->n_cols) {
    emb__src_bad_row(s, line,
                     "expected %zu fields, found %zu (row cut off "
                     "or malformed)",
                     x->n_cols, n);
    return EMB_OK;
  }
  const char *p;
  size_t len;
  get(x, f, C_NAME, &p, &len);
  if (len == 0) {
    emb__src_bad_row(s, line, "the name is empty");
    return EMB_OK;
  }
  emb_entity *e = emb__src_entity_new(s);
  if (e == NULL) return EMB_ENOMEM;
  const char *bad_col = "";
  emb_status st = map_row(x, e, f, line, &bad_col);
  if (st == EMB_OK) return EMB_OK;
  emb__src_drop_last(s);
  if (st == EMB_ENOMEM) return st;
  emb__src_bad_row(s, line, "%s: %s", bad_col, emb_strerror(st));
  return EMB_OK;
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  emb_status st = emb__src_set_name(s, "BIS Denied Persons List");
  if (st != EMB_OK) return st;
  emb__csv *r = emb__csv_new(data, len, '\t');
  if (r == NULL) return EMB_ENOMEM;
  dpl_ctx x = {.s = s};
  const emb__csv_field *f;
  size_t n;
  long line;
  emb__csv_result res = emb__csv_next(r, &f, &n, &line);
  if (res != EMB__CSV_RECORD || map_header(f, n, x.idx) != N_REQUIRED) {
    emb__src_fail(s,
                  "the first row is not a DPL header (Name, "
                  "Street_Address, Effective_Date, FR_Citation)");
    emb__csv_free(r);
    return EMB_EFORMAT;
  }
  x.n_cols = n;
  while (st == EMB_OK &&
         (res = emb__csv_next(r, &f, &n, &line)) != EMB__CSV_END) {
    if (res == EMB__CSV_BAD) {
      emb__src_row(s);
      emb__src_bad_row(s, line, "%s", emb__csv_error(r));
      continue;
    }
    st = load_row(&x, f, n, line);
  }
  emb__csv_free(r);
  return st;
}

const emb__format emb__fmt_dpl = {"bis-dpl-tsv", probe, load};
