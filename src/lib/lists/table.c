/* Reading a list file that is one table with a header row. See table.h. */
#include "table.h"

#include <string.h>
#include <strings.h>

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

static int header_eq(const emb__csv_field *f, const char *name) {
  const char *p = f->p;
  size_t n = f->len;
  trim(&p, &n);
  return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

/* Maps header names to field indexes; returns how many required columns
 * were found. */
static size_t map_header(const emb__table_spec *spec, const emb__csv_field *f,
                         size_t n, int *idx) {
  for (size_t c = 0; c < spec->n_columns; c++) idx[c] = -1;
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < spec->n_columns; c++)
      if (idx[c] < 0 && header_eq(&f[i], spec->columns[c])) idx[c] = (int)i;
  size_t found = 0;
  for (size_t r = 0; r < spec->n_required; r++)
    if (idx[spec->required[r]] >= 0) found++;
  return found;
}

void emb__table_get(const emb__table *t, int c, const char **p, size_t *n) {
  if (t->idx[c] < 0) {
    *p = "";
    *n = 0;
    return;
  }
  *p = t->f[t->idx[c]].p;
  *n = t->f[t->idx[c]].len;
  trim(p, n);
}

/* A row that repeats the header: its key columns hold their own names. */
static int is_header_row(const emb__table_spec *spec, const emb__table *t) {
  for (size_t r = 0; r < spec->n_required; r++)
    if (!header_eq(&t->f[t->idx[spec->required[r]]],
                   spec->columns[spec->required[r]]))
      return 0;
  return 1;
}

int emb__table_probe(const emb__table_spec *spec, const char *head, size_t n) {
  emb__csv *r = emb__csv_new(head, n, spec->sep);
  if (r == NULL) return 0;
  const emb__csv_field *f;
  size_t nf;
  long line;
  int idx[EMB__TABLE_MAX_COLS];
  int ok = emb__csv_next(r, &f, &nf, &line) == EMB__CSV_RECORD &&
           map_header(spec, f, nf, idx) == spec->n_required;
  emb__csv_free(r);
  return ok;
}

/* Turns one data row into an entity, or reports it bad. Returns only
 * EMB_OK or EMB_ENOMEM. */
static emb_status load_row(const emb__table_spec *spec, emb__src *s,
                           const emb__table *t, size_t n, size_t n_cols,
                           long line, void *ctx) {
  emb__src_row(s);
  if (n != n_cols) {
    emb__src_bad_row(s, line,
                     "expected %zu fields, found %zu (row cut off "
                     "or malformed)",
                     n_cols, n);
    return EMB_OK;
  }
  for (size_t k = 0; k < spec->n_nonempty; k++) {
    const char *p;
    size_t len;
    emb__table_get(t, spec->nonempty[k], &p, &len);
    if (len == 0) {
      emb__src_bad_row(s, line, "the %s column is empty",
                       spec->columns[spec->nonempty[k]]);
      return EMB_OK;
    }
  }
  emb_entity *e = emb__src_entity_new(s);
  if (e == NULL) return EMB_ENOMEM;
  const char *bad_col = "";
  emb_status st = spec->map_row(ctx, t, e, line, &bad_col);
  if (st == EMB_OK) return EMB_OK;
  emb__src_drop_last(s);
  if (st == EMB_ENOMEM) return st;
  emb__src_bad_row(s, line, "%s: %s", bad_col, emb_strerror(st));
  return EMB_OK;
}

emb_status emb__table_load(const emb__table_spec *spec, emb__src *s,
                           const char *data, size_t len, void *ctx) {
  emb_status st = emb__src_set_name(s, spec->source_name);
  if (st != EMB_OK) return st;
  emb__csv *r = emb__csv_new(data, len, spec->sep);
  if (r == NULL) return EMB_ENOMEM;
  emb__table t;
  size_t n;
  long line;
  emb__csv_result res = emb__csv_next(r, &t.f, &n, &line);
  if (res != EMB__CSV_RECORD ||
      map_header(spec, t.f, n, t.idx) != spec->n_required) {
    emb__src_fail(s, "the first row is not %s", spec->header_desc);
    emb__csv_free(r);
    return EMB_EFORMAT;
  }
  size_t n_cols = n;
  int warned_header = 0;
  while (st == EMB_OK &&
         (res = emb__csv_next(r, &t.f, &n, &line)) != EMB__CSV_END) {
    if (res == EMB__CSV_BAD) {
      emb__src_row(s);
      emb__src_bad_row(s, line, "%s", emb__csv_error(r));
      continue;
    }
    if (n == n_cols && is_header_row(spec, &t)) {
      if (!warned_header)
        emb__src_warn(s, line, "the header row is repeated; skipped");
      warned_header = 1;
      continue;
    }
    st = load_row(spec, s, &t, n, n_cols, line, ctx);
  }
  emb__csv_free(r);
  return st;
}
