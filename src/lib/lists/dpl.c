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

#include "table.h"

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
static const int required[] = {C_NAME, C_STREET, C_EFFECTIVE, C_CITATION};
/* The columns every row must fill. */
static const int nonempty[] = {C_NAME};

static const char list_code[] = "DPL";
static const char source_name[] =
    "Denied Persons List (DPL) - Bureau of Industry and Security";

/* Adds the address written as street, city, state, postal code, country
 * (the parts present, joined by ", "). */
static emb_status add_address(emb__src *s, const emb__table *t, emb_entity *e) {
  static const col order[] = {C_STREET, C_CITY, C_STATE, C_POSTAL, C_COUNTRY};
  const size_t n_parts = sizeof(order) / sizeof(order[0]);
  const char *p[sizeof(order) / sizeof(order[0])];
  size_t n[sizeof(order) / sizeof(order[0])], total = 0;
  for (size_t i = 0; i < n_parts; i++) {
    emb__table_get(t, order[i], &p[i], &n[i]);
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
  emb_status st = emb__src_add(s, e, EMB__F_ADDRESS, buf, len);
  free(buf);
  return st;
}

/* Sets a date column; a value that is not a date is reported and left
 * out, since the rest of the row is still good. */
static emb_status set_date(emb__src *s, const emb__table *t, col c, long line,
                           const char **field) {
  const char *p;
  size_t n;
  emb__table_get(t, c, &p, &n);
  if (n == 0) return EMB_OK;
  char ymd[11];
  if (emb__date_parse(p, n, ymd) != EMB_OK) {
    emb__src_warn(s, line, "%s: not a date: \"%.*s\"; left empty", col_names[c],
                  (int)(n > 40 ? 40 : n), p);
    return EMB_OK;
  }
  return emb__src_set(s, field, ymd, 10);
}

/* Fills e from a row; on failure *bad_col names the column at fault. */
static emb_status map_row(void *ctx, const emb__table *t, emb_entity *e,
                          long line, const char **bad_col) {
  emb__src *s = ctx;
  const char *p;
  size_t n;
  emb_status st;
  /* Static storage outlives the list set, so no copy is needed. */
  e->list = list_code;
  e->source = source_name;
  e->type = EMB_TYPE_UNKNOWN;
  emb__table_get(t, C_NAME, &p, &n);
  if ((st = emb__src_add_name(s, e, p, n, EMB_NAME_PRIMARY)) != EMB_OK) {
    *bad_col = col_names[C_NAME];
    return st;
  }
  if ((st = add_address(s, t, e)) != EMB_OK) {
    *bad_col = "address";
    return st;
  }
  emb__table_get(t, C_COUNTRY, &p, &n);
  /* An unknown country stays in the address text; it is no reason to
   * lose the row. */
  st = emb__src_add_country(s, e, p, n);
  if (st != EMB_OK && st != EMB_ENOTFOUND) {
    *bad_col = col_names[C_COUNTRY];
    return st;
  }
  if ((st = set_date(s, t, C_EFFECTIVE, line, &e->start_date)) != EMB_OK ||
      (st = set_date(s, t, C_EXPIRATION, line, &e->end_date)) != EMB_OK) {
    *bad_col = "date";
    return st;
  }
  emb__table_get(t, C_CITATION, &p, &n);
  if ((st = emb__src_set(s, &e->citation, p, n)) != EMB_OK) {
    *bad_col = col_names[C_CITATION];
    return st;
  }
  emb__table_get(t, C_ACTION, &p, &n);
  if ((st = emb__src_set(s, &e->remarks, p, n)) != EMB_OK)
    *bad_col = col_names[C_ACTION];
  return st;
}

static const emb__table_spec spec = {
    .source_name = "BIS Denied Persons List",
    .sep = '\t',
    .columns = col_names,
    .n_columns = C_COUNT,
    .required = required,
    .n_required = sizeof(required) / sizeof(required[0]),
    .header_desc =
        "a DPL header (Name, Street_Address, Effective_Date, FR_Citation)",
    .nonempty = nonempty,
    .n_nonempty = sizeof(nonempty) / sizeof(nonempty[0]),
    .map_row = map_row,
};

static int probe(const char *head, size_t n) {
  return emb__table_probe(&spec, head, n);
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  return emb__table_load(&spec, s, data, len, s);
}

const emb__format emb__fmt_dpl = {"bis-dpl-tsv", probe, load};
