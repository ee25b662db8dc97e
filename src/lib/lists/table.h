/* Internal: list files that are one table with a header row (CSV or TSV)
 * whose columns are found by name, never by position: the CSL CSV and the
 * BIS DPL. The reader handles the header, repeated header rows, rows with
 * the wrong number of fields and empty key columns; a format supplies its
 * column names and the mapping of a row onto an entity. */
#ifndef EMB_LISTS_TABLE_H
#define EMB_LISTS_TABLE_H

#include <stddef.h>

#include "../../common/csv.h"
#include "source.h"

#define EMB__TABLE_MAX_COLS 32

/* The current row as a format's map_row sees it. */
typedef struct emb__table {
  const emb__csv_field *f;      /* the row's fields (borrowed) */
  int idx[EMB__TABLE_MAX_COLS]; /* field index of each column, or -1 */
} emb__table;

/* The value of column c in the current row, trimmed; "" when the file has
 * no such column. *p is borrowed until the next row. */
void emb__table_get(const emb__table *t, int c, const char **p, size_t *n);

typedef struct emb__table_spec {
  const char *source_name;    /* human name of the source (copied) */
  char sep;                   /* ',' or '\t' */
  const char *const *columns; /* column names, matched ignoring case */
  size_t n_columns;           /* at most EMB__TABLE_MAX_COLS */
  const int *required;        /* columns without which the file is not this
                                 format; a later row holding their names is a
                                 repeated header */
  size_t n_required;
  const char *header_desc; /* "a CSL header (source, entity_number, …)" */
  const int *nonempty;     /* columns every row must fill */
  size_t n_nonempty;
  /* Fills e from the current row. On an error other than EMB_ENOMEM
   * *bad_col names the column at fault and the row is reported bad;
   * EMB_ENOMEM ends the load. ctx is the caller's, borrowed. */
  emb_status (*map_row)(void *ctx, const emb__table *t, emb_entity *e,
                        long line, const char **bad_col);
} emb__table_spec;

/* Whether head[0..n) starts with this format's header row. */
int emb__table_probe(const emb__table_spec *spec, const char *head, size_t n);

/* Loads data[0..len) into s: EMB_OK with bad rows reported and skipped,
 * EMB_EFORMAT (after emb__src_fail) when the first row is not the header,
 * or EMB_ENOMEM. */
emb_status emb__table_load(const emb__table_spec *spec, emb__src *s,
                           const char *data, size_t len, void *ctx);

#endif
