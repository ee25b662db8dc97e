/* RFC 4180 CSV (and TSV) reader over an in-memory buffer.
 *
 * DESIGN: the reader never copies a field it does not have to. An unquoted
 * field, and a quoted one without doubled quotes, is returned as a pointer
 * into the input. Only a field that needs unescaping ("" inside quotes, or
 * text after the closing quote) is assembled in a scratch buffer. Because
 * the scratch buffer may move while it grows, fields stored there keep an
 * offset until the record is complete, and get their pointers at the end.
 *
 * Line ends are found with memchr: the reader remembers the next '\n' and
 * the next '\r' at or after its position and searches again only once it
 * has passed them, so each byte of the input is looked at by memchr a
 * small constant number of times and the inner loop stays in libc.
 *
 * Recovery: a record with a field over EMB__CSV_MAX_FIELD bytes or with
 * more than EMB__CSV_MAX_FIELDS fields is parsed to its end and reported
 * bad as a whole. A quoted field that never closes runs to the end of the
 * input; then nothing after the record's first line can be trusted to be
 * inside the field, so reading resumes at the line after the one the
 * record started on (for a cut-off last row, that is the end).
 */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct emb__csv {
  const char *data; /* borrowed input */
  size_t len;       /* input length, less a trailing 0x1A byte */
  size_t pos;       /* next byte to read */
  long line;        /* 1-based line number at pos */
  char sep;
  /* Cached positions of the next '\n' and '\r' at or after some earlier
   * position; len when there is none, (size_t)-1 before the first search.
   * Searched again once pos has passed them. */
  size_t next_lf;
  size_t next_cr;
  emb__csv_field fields[EMB__CSV_MAX_FIELDS];
  /* Fields assembled in scratch: offset into scratch, else SIZE_MAX. */
  size_t scratch_off[EMB__CSV_MAX_FIELDS];
  char *scratch;
  size_t scratch_len;
  size_t scratch_cap;
  char err[96];
};

emb__csv *emb__csv_new(const char *data, size_t len, char sep) {
  emb__csv *r = calloc(1, sizeof(*r));
  if (r == NULL) return NULL;
  r->data = data;
  r->len = len;
  r->sep = sep;
  r->line = 1;
  /* A UTF-8 byte order mark is not part of the first field. */
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
  /* DOS tools end text files with a SUB (0x1A) byte; it is not data. */
  if (r->len > r->pos && data[r->len - 1] == 0x1A) r->len--;
  r->next_lf = r->next_cr = (size_t)-1; /* searched on first use */
  return r;
}

void emb__csv_free(emb__csv *r) {
  if (r == NULL) return;
  free(r->scratch);
  free(r);
}

const char *emb__csv_error(const emb__csv *r) {
  return r->err;
}

int emb__csv_field_eq(const emb__csv_field *f, const char *s) {
  size_t n = strlen(s);
  return f->len == n && memcmp(f->p, s, n) == 0;
}

/* Position of the first c in data[from..len), or len. */
static size_t find(const emb__csv *r, size_t from, char c) {
  if (from >= r->len) return r->len;
  const char *p = memchr(r->data + from, c, r->len - from);
  return p ? (size_t)(p - r->data) : r->len;
}

/* Position of the first line break ('\n' or '\r') at or after from,
 * refreshing the cached positions when from has passed them. */
static size_t line_end(emb__csv *r, size_t from) {
  if (r->next_lf == (size_t)-1 || r->next_lf < from)
    r->next_lf = find(r, from, '\n');
  if (r->next_cr == (size_t)-1 || r->next_cr < from)
    r->next_cr = find(r, from, '\r');
  return r->next_lf < r->next_cr ? r->next_lf : r->next_cr;
}

/* Steps over the line break at pos (CRLF, LF or a lone CR). */
static void skip_break(emb__csv *r) {
  if (r->data[r->pos] == '\r' && r->pos + 1 < r->len &&
      r->data[r->pos + 1] == '\n')
    r->pos += 2;
  else
    r->pos += 1;
  r->line++;
}

/* Counts the line breaks in data[from..to): every '\n', and every '\r' not
 * followed by '\n'. */
static long count_breaks(const emb__csv *r, size_t from, size_t to) {
  long n = 0;
  const char *d = r->data;
  const char *p = d + from, *end = d + to;
  while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    n++;
    p++;
  }
  p = d + from;
  while (p < end && (p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
    size_t i = (size_t)(p - d);
    if (i + 1 >= r->len || d[i + 1] != '\n') n++;
    p++;
  }
  return n;
}

/* Appends data[from..to) to the scratch buffer. Returns 0 on out of
 * memory. The caller bounds the total by the field limit. */
static int scratch_put(emb__csv *r, size_t from, size_t to) {
  size_t n = to - from;
  if (n == 0) return 1;
  if (r->scratch_len + n > r->scratch_cap) {
    size_t cap = r->scratch_cap ? r->scratch_cap : 4096;
    while (cap < r->scratch_len + n) cap *= 2;
    char *p = realloc(r->scratch, cap);
    if (p == NULL) return 0;
    r->scratch = p;
    r->scratch_cap = cap;
  }
  memcpy(r->scratch + r->scratch_len, r->data + from, n);
  r->scratch_len += n;
  return 1;
}

/* Records the first problem of the current record; later ones are
 * ignored, since the record is reported once. */
static void set_err(emb__csv *r, int *bad, const char *msg) {
  if (*bad) return;
  *bad = 1;
  snprintf(r->err, sizeof(r->err), "%s", msg);
}

/* The outcome of reading one field. */
typedef enum field_end {
  FIELD_SEP,   /* a separator follows: another field comes */
  FIELD_EOL,   /* the record ends (line break or end of input) */
  FIELD_UNTERM /* a quoted field ran to the end of input */
} field_end;

/* Reads the unquoted field at r->pos. */
static field_end read_plain(emb__csv *r, size_t idx, int *bad) {
  size_t eol = line_end(r, r->pos);
  const char *sp = memchr(r->data + r->pos, r->sep, eol - r->pos);
  size_t stop = sp ? (size_t)(sp - r->data) : eol;
  size_t n = stop - r->pos;
  if (n > EMB__CSV_MAX_FIELD) set_err(r, bad, "field longer than 65536 bytes");
  if (idx < EMB__CSV_MAX_FIELDS) {
    r->fields[idx].p = r->data + r->pos;
    r->fields[idx].len = n;
    r->fields[idx].quoted = 0;
    r->scratch_off[idx] = (size_t)-1;
  }
  r->pos = stop;
  if (sp) {
    r->pos++;
    return FIELD_SEP;
  }
  return FIELD_EOL;
}

/* Reads the quoted field whose opening quote is at r->pos. Text after the
 * closing quote, up to the separator or line end, is kept as part of the
 * field (as most readers do) rather than failing the row. */
static field_end read_quoted(emb__csv *r, size_t idx, int *bad, int *oom) {
  const int store = idx < EMB__CSV_MAX_FIELDS;
  size_t start = ++r->pos; /* first byte inside the quotes */
  size_t seg = start;      /* start of the part not yet copied to scratch */
  size_t total = 0;        /* unescaped length so far */
  int in_scratch = 0;
  size_t off = r->scratch_len;
  for (;;) {
    size_t q = find(r, r->pos, '"');
    if (q >= r->len) {
      r->pos = r->len;
      return FIELD_UNTERM;
    }
    r->line += count_breaks(r, r->pos, q);
    total += q - r->pos;
    if (q + 1 < r->len && r->data[q + 1] == '"') {
      /* A doubled quote: keep one, which needs the scratch buffer. */
      total += 1;
      if (total > EMB__CSV_MAX_FIELD)
        set_err(r, bad, "field longer than 65536 bytes");
      if (store && !*bad) {
        if (!scratch_put(r, seg, q + 1)) *oom = 1;
        in_scratch = 1;
      }
      r->pos = q + 2;
      seg = r->pos;
      continue;
    }
    /* The closing quote. */
    size_t body_end = q;
    r->pos = q + 1;
    size_t eol = line_end(r, r->pos);
    const char *sp = memchr(r->data + r->pos, r->sep, eol - r->pos);
    size_t stop = sp ? (size_t)(sp - r->data) : eol;
    if (stop > r->pos) {
      /* Stray text after the closing quote. */
      total += stop - r->pos;
      if (store && !*bad && total <= EMB__CSV_MAX_FIELD) {
        if (!scratch_put(r, seg, body_end) || !scratch_put(r, r->pos, stop))
          *oom = 1;
        in_scratch = 1;
      }
    } else if (in_scratch && store && !*bad) {
      if (!scratch_put(r, seg, body_end)) *oom = 1;
    }
    if (total > EMB__CSV_MAX_FIELD)
      set_err(r, bad, "field longer than 65536 bytes");
    if (store) {
      r->fields[idx].quoted = 1;
      r->fields[idx].len = total;
      if (in_scratch) {
        r->fields[idx].p = NULL;
        r->scratch_off[idx] = off;
      } else {
        r->fields[idx].p = r->data + start;
        r->scratch_off[idx] = (size_t)-1;
      }
    }
    r->pos = stop;
    if (sp) {
      r->pos++;
      return FIELD_SEP;
    }
    return FIELD_EOL;
  }
}

/* Moves to the start of the line after `line`, whose first byte is at
 * `from`: used to resume after an unterminated quoted field. */
static void resume_after_line(emb__csv *r, size_t from, long line) {
  r->next_lf = r->next_cr = (size_t)-1;
  r->pos = line_end(r, from);
  r->line = line;
  if (r->pos < r->len) skip_break(r);
}

emb__csv_result emb__csv_next(emb__csv *r, const emb__csv_field **fields,
                              size_t *n, long *line) {
  r->err[0] = '\0';
  /* Blank lines between records carry no record. */
  while (r->pos < r->len &&
         (r->data[r->pos] == '\n' || r->data[r->pos] == '\r'))
    skip_break(r);
  if (r->pos >= r->len) return EMB__CSV_END;

  size_t rec_start = r->pos;
  long rec_line = r->line;
  *line = rec_line;
  r->scratch_len = 0;
  int bad = 0, oom = 0;
  size_t nf = 0;
  for (;;) {
    if (nf == EMB__CSV_MAX_FIELDS) set_err(r, &bad, "more than 64 fields");
    field_end fe;
    if (r->pos < r->len && r->data[r->pos] == '"')
      fe = read_quoted(r, nf, &bad, &oom);
    else
      fe = read_plain(r, nf, &bad);
    nf++;
    if (fe == FIELD_UNTERM) {
      snprintf(r->err, sizeof(r->err), "unterminated quoted field");
      resume_after_line(r, rec_start, rec_line);
      return EMB__CSV_BAD;
    }
    if (fe == FIELD_EOL) break;
  }
  if (r->pos < r->len) skip_break(r);
  if (oom) {
    snprintf(r->err, sizeof(r->err), "out of memory");
    return EMB__CSV_BAD;
  }
  if (bad) return EMB__CSV_BAD;
  for (size_t i = 0; i < nf; i++)
    if (r->scratch_off[i] != (size_t)-1)
      r->fields[i].p = r->scratch + r->scratch_off[i];
  *fields = r->fields;
  *n = nf;
  return EMB__CSV_RECORD;
}
