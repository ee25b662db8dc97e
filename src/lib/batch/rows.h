/* A streaming row reader for batch inputs: CSV (RFC 4180, with a header
 * row) and JSON Lines (one object per line), read from a FILE* in one pass
 * with memory bounded by the limits below, whatever the input size.
 *
 * Used by `embargo batch` and `embargo rescreen --input`. For every row it
 * gives the row number, the first physical line, the byte offsets of the
 * row (to resume a run), the id, name and country columns chosen by name,
 * and the raw record; or a per-row error, after which reading goes on with
 * the next row.
 *
 * Limits (docs/batch.md): a field (a CSV field, or a JSONL string value
 * read) at most EMB__ROWS_MAX_FIELD bytes; a record (a JSONL line, or a CSV
 * record with its quoted line breaks) at most EMB__ROWS_MAX_RECORD bytes; a
 * CSV record at most EMB__ROWS_MAX_COLUMNS fields. Past a limit the row is
 * reported bad and skipped.
 *
 * Recovery after a CSV quoting error (a quote inside an unquoted field,
 * text after a closing quote, a quoted field that never closes): nothing
 * after the record's first line can be trusted to be inside the field, so
 * reading resumes at the line after the one the row started on. Any other
 * bad row is skipped whole.
 *
 * Thread safety: a reader belongs to one thread at a time.
 */
#ifndef EMB_BATCH_ROWS_H
#define EMB_BATCH_ROWS_H

#include <stdio.h>

#include "embargo/status.h"

#define EMB__ROWS_MAX_FIELD ((size_t)64 * 1024)
#define EMB__ROWS_MAX_RECORD ((size_t)1024 * 1024)
#define EMB__ROWS_MAX_COLUMNS 256

typedef enum emb__rows_format {
  EMB__ROWS_CSV = 0,
  EMB__ROWS_JSONL = 1
} emb__rows_format;

/* How to read the input. Strings are borrowed for the call to
 * emb__rows_open only. */
typedef struct emb__rows_opts {
  emb__rows_format format;
  const char *name_column;    /* NULL: "name" */
  const char *country_column; /* NULL: no country is read */
  const char *id_column;      /* NULL: the id is the row number */
  /* Non-zero: the name is not needed (each JSONL line is a transaction
   * for `embargo check`): no "name" error, only the raw record. */
  int raw_only;
} emb__rows_opts;

/* One row. Every pointer is owned by the reader and valid until the next
 * call of emb__rows_next, emb__rows_seek or emb__rows_free. Strings are
 * NUL-terminated (and may hold NUL bytes inside only in raw). */
typedef struct emb__row {
  long long row;         /* 1-based number of the data row */
  long long line;        /* 1-based physical line the row starts on */
  long long offset;      /* byte offset of the row's first byte */
  long long next_offset; /* byte offset where the next row starts */
  long long next_line;   /* line the next row starts on */
  const char *id;        /* the id column's value, else the row number */
  size_t id_len;
  int id_is_number; /* the id is the row number (print it bare) */
  const char *name; /* NULL when the row is bad or raw_only */
  size_t name_len;
  const char *country; /* NULL when none was asked for or it is empty */
  const char *raw;     /* the record as read, without its line end */
  size_t raw_len;
  emb_status err;      /* EMB_OK, or why the row is bad */
  const char *err_msg; /* with err: the reason, naming the field */
} emb__row;

typedef struct emb__rows emb__rows; /* opaque */

/* Opens a reader over f (borrowed: must outlive the reader; the reader
 * reads it with fread and, in emb__rows_seek, fseeko). For CSV the header
 * row is read here and the columns found by name (exact, then ignoring
 * ASCII case and surrounding spaces). Returns EMB_EPARSE with err (errlen
 * bytes, may be NULL) saying why when the header is unusable or a column
 * is missing, EMB_EIO on a read error, EMB_ENOMEM. On success *out is set;
 * caller frees with emb__rows_free. */
emb_status emb__rows_open(FILE *f, const emb__rows_opts *o, char *err,
                          size_t errlen, emb__rows **out);
void emb__rows_free(emb__rows *r);

/* Reads the next row into *row. Returns 1 with a row (good or bad: see
 * row->err), 0 at the end of the input, -1 on a read error. */
int emb__rows_next(emb__rows *r, emb__row *row);

/* Continues reading at byte offset `offset` of the input (the next_offset
 * of a row read earlier), counting rows from rows_done + 1 and lines from
 * line. The stream must be seekable. Returns EMB_OK or EMB_EIO. */
emb_status emb__rows_seek(emb__rows *r, long long offset, long long rows_done,
                          long long line);

/* The byte offset of the first data row (after a CSV header), for
 * progress reports and checkpoints. */
long long emb__rows_data_offset(const emb__rows *r);

/* Parses "csv" or "jsonl"; -1 otherwise. From a file name: by its
 * extension (.csv, .jsonl, .ndjson, .json), -1 when unknown. */
int emb__rows_format_parse(const char *s);
int emb__rows_format_of_path(const char *path);

#endif
