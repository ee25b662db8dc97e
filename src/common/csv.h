/* RFC 4180 CSV (and TSV) reader over an in-memory buffer.
 *
 * Handles quoted fields with embedded separators, doubled quotes and line
 * breaks; CRLF, LF and lone CR line ends; a UTF-8 BOM; and a trailing 0x1A
 * (DOS end-of-file) byte. Every record knows the line it started on, for
 * error messages. Fields are bounded by EMB__CSV_MAX_FIELD bytes and records
 * by EMB__CSV_MAX_FIELDS fields; past either the record is reported bad.
 */
#ifndef EMB_COMMON_CSV_H
#define EMB_COMMON_CSV_H

#include <stddef.h>

#define EMB__CSV_MAX_FIELD ((size_t)64 * 1024)
#define EMB__CSV_MAX_FIELDS 64

typedef enum emb__csv_result {
  EMB__CSV_RECORD = 0, /* a record was read into the reader's fields */
  EMB__CSV_END,        /* end of input */
  EMB__CSV_BAD         /* a malformed record was skipped; see err */
} emb__csv_result;

typedef struct emb__csv_field {
  const char *p; /* points into the input, or into the reader's scratch
                    buffer when unescaping was needed; valid until the next
                    call; not NUL-terminated */
  size_t len;
  int quoted; /* the field was written in quotes */
} emb__csv_field;

typedef struct emb__csv emb__csv; /* opaque */

/* Creates a reader over data[0..len) (borrowed: must outlive the reader).
 * sep is ',' or '\t'. NULL on out of memory. Caller frees with
 * emb__csv_free. */
emb__csv *emb__csv_new(const char *data, size_t len, char sep);
void emb__csv_free(emb__csv *r);

/* Reads the next record. On EMB__CSV_RECORD, *fields and *n are set
 * (borrowed until the next call) and *line is the 1-based line the record
 * starts on. On EMB__CSV_BAD, *line is set and emb__csv_error() says why
 * (e.g. "unterminated quoted field", "field longer than 65536 bytes",
 * "more than 64 fields"); reading continues at the next line. Blank lines
 * are skipped. */
emb__csv_result emb__csv_next(emb__csv *r, const emb__csv_field **fields,
                              size_t *n, long *line);
const char *emb__csv_error(const emb__csv *r);

/* Returns 1 if the field equals s exactly (case-sensitive), else 0. */
int emb__csv_field_eq(const emb__csv_field *f, const char *s);

#endif
