/* A streaming row reader for batch inputs (CSV and JSON Lines).
 *
 * DESIGN: the reader keeps a window of the input in one buffer a little
 * larger than the longest record allowed. A row is parsed in place from its
 * first byte; when the parse reaches the end of the bytes read so far, the
 * window is compacted (the row moved to the front), refilled, and the row
 * parsed again from its start. Rows are short next to the window, so
 * re-parsing is rare. A row that does not fit in the window is too long:
 * the reader then skips to the next line without buffering it, so memory
 * stays bounded whatever the input holds. Because every row is parsed from
 * its first byte, starting again at a row's offset (emb__rows_seek, used by
 * --resume) reads exactly what an uninterrupted run would have read.
 */
#include "rows.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "../../common/utf8.h"

/* Room for the longest record, its line end, and one read. */
#define WINDOW (EMB__ROWS_MAX_RECORD + (size_t)64 * 1024)

struct emb__rows {
  FILE *f;
  emb__rows_format format;
  int raw_only;
  /* CSV: the columns' indexes, or -1. */
  long name_col, country_col, id_col;
  /* JSONL: the keys. */
  char *name_key, *country_key, *id_key;
  /* The window: buf[start..len) holds input not yet consumed. */
  char *buf;
  size_t start, len;
  long long buf_off; /* input offset of buf[0] */
  int eof, ioerr;
  long long data_off; /* offset of the first data row */
  long long row, line;
  /* CSV fields, unescaped into scratch. */
  char *scratch;
  size_t scratch_len;
  size_t fstart[EMB__ROWS_MAX_COLUMNS], flen[EMB__ROWS_MAX_COLUMNS];
  size_t nf;
  /* The current row's copies. */
  char *raw;
  json_t *obj;
  char idbuf[32];
  char country[8];
  char msg[200];
};

/* ---- The window. ---- */

/* Reads more input after buf[len), moving the unconsumed part to the
 * front first. Returns the number of bytes added; 0 at the end of input
 * or when the window is full (check r->eof), and sets ioerr on error. */
static size_t refill(emb__rows *r) {
  if (r->eof) return 0;
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->len - r->start);
    r->buf_off += (long long)r->start;
    r->len -= r->start;
    r->start = 0;
  }
  if (r->len == WINDOW) return 0;
  size_t n = fread(r->buf + r->len, 1, WINDOW - r->len, r->f);
  if (n == 0) {
    if (ferror(r->f)) r->ioerr = 1;
    r->eof = 1;
  }
  r->len += n;
  return n;
}

/* Skips from r->start past the next line break (LF, CRLF or a lone CR),
 * reading and dropping as much input as it takes, and counts one line. */
static void skip_line(emb__rows *r) {
  for (;;) {
    size_t i = r->start;
    while (i < r->len && r->buf[i] != '\n' && r->buf[i] != '\r') i++;
    if (i < r->len) {
      if (r->buf[i] == '\r') {
        if (i + 1 >= r->len && !r->eof) {
          r->start = i; /* see whether a '\n' follows */
          if (refill(r) == 0 && !r->eof) return;
          continue;
        }
        if (i + 1 < r->len && r->buf[i + 1] == '\n') i++;
      }
      r->start = i + 1;
      r->line++;
      return;
    }
    r->start = r->len; /* drop what was scanned */
    if (refill(r) == 0) {
      r->line++;
      return; /* end of input */
    }
  }
}

/* ---- Column values. ---- */

static void set_error(emb__rows *r, emb__row *row, emb_status st,
                      const char *fmt, const char *a, size_t alen) {
  row->err = st;
  if (a)
    snprintf(r->msg, sizeof(r->msg), fmt, (int)(alen > 60 ? 60 : alen), a);
  else
    snprintf(r->msg, sizeof(r->msg), "%s", fmt);
  row->err_msg = r->msg;
}

static int blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* Checks and stores the values of a row: name, id, country. Each is
 * NUL-terminated by the caller. */
static void set_values(emb__rows *r, emb__row *row, const char *name,
                       size_t nlen, const char *id, size_t idlen,
                       const char *country, size_t clen) {
  if (id && idlen > 0) {
    if (idlen > EMB__ROWS_MAX_FIELD ||
        !emb__utf8_valid((const void *)id, idlen)) {
      set_error(r, row, EMB_EUTF8, "field 'id': malformed UTF-8 or too long",
                NULL, 0);
      return;
    }
    row->id = id;
    row->id_len = idlen;
    row->id_is_number = 0;
  }
  if (!r->raw_only) {
    if (name == NULL) {
      set_error(r, row, EMB_EPARSE, "field 'name' is missing", NULL, 0);
      return;
    }
    if (nlen > EMB__ROWS_MAX_FIELD) {
      set_error(r, row, EMB_ETOOBIG, "field 'name' is longer than 65536 bytes",
                NULL, 0);
      return;
    }
    if (!emb__utf8_valid((const void *)name, nlen)) {
      set_error(r, row, EMB_EUTF8, "field 'name': malformed UTF-8", NULL, 0);
      return;
    }
    if (blank(name, nlen)) {
      set_error(r, row, EMB_EINVAL, "field 'name' is empty", NULL, 0);
      return;
    }
    row->name = name;
    row->name_len = nlen;
  }
  if (country && !blank(country, clen)) {
    while (clen > 0 && country[clen - 1] == ' ') clen--;
    while (clen > 0 && *country == ' ') country++, clen--;
    int ok = clen == 2;
    for (size_t i = 0; ok && i < 2; i++)
      ok = ((country[i] | 32) >= 'a' && (country[i] | 32) <= 'z');
    if (!ok) {
      set_error(r, row, EMB_EINVAL,
                "field 'country': '%.*s' is not a two-letter ISO code", country,
                clen);
      row->name = NULL;
      return;
    }
    r->country[0] = (char)(country[0] & ~32);
    r->country[1] = (char)(country[1] & ~32);
    r->country[2] = '\0';
    row->country = r->country;
  }
}

/* ---- CSV. ---- */

typedef enum parse_res {
  P_OK,      /* a record; *end is past its line break */
  P_MORE,    /* more input is needed */
  P_EMPTY,   /* a blank line */
  P_QUOTING, /* broken quoting: resume after the first line */
  P_TOOLONG, /* past the record limit: resume after the first line */
  P_END      /* no more records */
} parse_res;

/* Appends buf[from..to) to the field scratch (sized for a whole window). */
static void put(emb__rows *r, size_t from, size_t to) {
  memcpy(r->scratch + r->scratch_len, r->buf + from, to - from);
  r->scratch_len += to - from;
}

/* Parses the record at r->start. On P_OK sets *end, *lines (line breaks
 * inside quoted fields) and the fields; *bad gets a problem that spoils the
 * record without breaking its structure (NULL if none). */
static parse_res parse_csv(emb__rows *r, size_t *end, long long *lines,
                           const char **bad) {
  size_t i = r->start;
  const char *b = r->buf;
  r->nf = 0;
  r->scratch_len = 0;
  *lines = 0;
  *bad = NULL;
  if (i >= r->len) return r->eof ? P_END : P_MORE;
  if (b[i] == '\n' || b[i] == '\r') {
    if (b[i] == '\r' && i + 1 >= r->len && !r->eof) return P_MORE;
    *end = i + 1 + (b[i] == '\r' && i + 1 < r->len && b[i + 1] == '\n');
    return P_EMPTY;
  }
  for (;;) {
    size_t fs = r->scratch_len;
    if (i - r->start > EMB__ROWS_MAX_RECORD) return P_TOOLONG;
    if (i < r->len && b[i] == '"') {
      i++;
      for (;;) {
        const char *q = i < r->len ? memchr(b + i, '"', r->len - i) : NULL;
        if (q == NULL) {
          if (r->len - r->start > EMB__ROWS_MAX_RECORD) return P_TOOLONG;
          return r->eof ? P_QUOTING : P_MORE;
        }
        size_t qi = (size_t)(q - b);
        for (size_t k = i; k < qi; k++)
          if (b[k] == '\n' || (b[k] == '\r' && b[k + 1] != '\n')) (*lines)++;
        put(r, i, qi);
        i = qi + 1;
        if (i >= r->len && !r->eof) return P_MORE;
        if (i < r->len && b[i] == '"') {
          put(r, i, i + 1); /* a doubled quote stands for one */
          i++;
          continue;
        }
        break;
      }
      if (i < r->len && b[i] != ',' && b[i] != '\n' && b[i] != '\r')
        return P_QUOTING; /* text after the closing quote */
    } else {
      size_t k = i;
      while (k < r->len && b[k] != ',' && b[k] != '\n' && b[k] != '\r') {
        if (b[k] == '"') return P_QUOTING; /* a quote inside the field */
        k++;
      }
      if (k >= r->len && !r->eof) return P_MORE;
      put(r, i, k);
      i = k;
    }
    if (r->scratch_len - fs > EMB__ROWS_MAX_FIELD)
      *bad = "a field is longer than 65536 bytes";
    if (r->nf < EMB__ROWS_MAX_COLUMNS) {
      r->fstart[r->nf] = fs;
      r->flen[r->nf] = r->scratch_len - fs;
      r->nf++;
    } else {
      *bad = "more than 256 fields";
    }
    if (i - r->start > EMB__ROWS_MAX_RECORD) return P_TOOLONG;
    if (i >= r->len) { /* the end of the input ends the record */
      *end = i;
      return P_OK;
    }
    if (b[i] == ',') {
      i++;
      continue;
    }
    if (b[i] == '\r') {
      if (i + 1 >= r->len && !r->eof) return P_MORE;
      *end = i + 1 + (i + 1 < r->len && b[i + 1] == '\n');
    } else {
      *end = i + 1;
    }
    return P_OK;
  }
}

/* Parses the record at r->start, refilling the window as needed. */
static parse_res next_csv_record(emb__rows *r, size_t *end, long long *lines,
                                 const char **bad) {
  for (;;) {
    parse_res p = parse_csv(r, end, lines, bad);
    if (p != P_MORE) return p;
    if (r->len - r->start >= WINDOW - 1 && r->start == 0) return P_TOOLONG;
    size_t before = r->len - r->start;
    refill(r);
    if (r->ioerr) return P_END;
    if (r->len - r->start == before && !r->eof) return P_TOOLONG;
  }
}

/* The field i of the current CSV record, NUL-terminated in place (the
 * scratch has one spare byte after each field: see put and open). */
static const char *field(emb__rows *r, long i, size_t *len) {
  if (i < 0 || (size_t)i >= r->nf) return NULL;
  *len = r->flen[i];
  return r->scratch + r->fstart[i];
}

/* Starts the next row at byte offset off: numbered, with the row number
 * as its id until a column gives one. */
static void start_row(emb__rows *r, emb__row *row, long long off) {
  memset(row, 0, sizeof(*row));
  row->row = ++r->row;
  row->line = r->line;
  row->offset = off;
  snprintf(r->idbuf, sizeof(r->idbuf), "%lld", row->row);
  row->id = r->idbuf;
  row->id_len = strlen(r->idbuf);
  row->id_is_number = 1;
  row->raw = "";
}

static int next_csv(emb__rows *r, emb__row *row) {
  for (;;) {
    size_t end = 0;
    long long lines = 0;
    const char *bad = NULL;
    long long off = r->buf_off + (long long)r->start;
    parse_res p = next_csv_record(r, &end, &lines, &bad);
    if (r->ioerr) return -1;
    if (p == P_END) return 0;
    if (p == P_EMPTY) {
      r->start = end;
      r->line++;
      continue;
    }
    start_row(r, row, off);
    if (p == P_QUOTING || p == P_TOOLONG) {
      set_error(r, row, p == P_QUOTING ? EMB_EPARSE : EMB_ETOOBIG,
                p == P_QUOTING
                    ? "broken quoting (a quote inside an unquoted field, text "
                      "after a closing quote, or a quote that never closes)"
                    : "record longer than 1 MiB",
                NULL, 0);
      skip_line(r);
      row->next_offset = r->buf_off + (long long)r->start;
      row->next_line = r->line;
      return 1;
    }
    /* The raw record, without its line end. */
    size_t rend = end;
    while (rend > r->start &&
           (r->buf[rend - 1] == '\n' || r->buf[rend - 1] == '\r'))
      rend--;
    row->raw_len = rend - r->start;
    memcpy(r->raw, r->buf + r->start, row->raw_len);
    r->raw[row->raw_len] = '\0';
    row->raw = r->raw;
    r->start = end;
    r->line += lines + 1;
    row->next_offset = r->buf_off + (long long)r->start;
    row->next_line = r->line;
    if (bad) {
      set_error(r, row, EMB_ETOOBIG, bad, NULL, 0);
      return 1;
    }
    /* NUL-terminate the fields used: move them to the scratch's end. */
    size_t nl = 0, il = 0, cl = 0;
    const char *n = field(r, r->name_col, &nl);
    const char *id = field(r, r->id_col, &il);
    const char *c = field(r, r->country_col, &cl);
    const char *src[3] = {n, id, c};
    size_t lens[3] = {nl, il, cl};
    char *dst[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
      if (src[k] == NULL) continue;
      dst[k] = r->scratch + r->scratch_len;
      memmove(dst[k], src[k], lens[k]);
      dst[k][lens[k]] = '\0';
      r->scratch_len += lens[k] + 1;
    }
    set_values(r, row, dst[0], nl, dst[1], il, dst[2], cl);
    if (row->err == EMB_OK && row->name == NULL && !r->raw_only)
      set_error(r, row, EMB_EPARSE, "field 'name' is missing", NULL, 0);
    return 1;
  }
}

/* Finds a column by name: exact, then ignoring ASCII case and spaces. */
static long find_column(emb__rows *r, const char *want) {
  size_t wl = strlen(want);
  for (size_t i = 0; i < r->nf; i++)
    if (r->flen[i] == wl && memcmp(r->scratch + r->fstart[i], want, wl) == 0)
      return (long)i;
  for (size_t i = 0; i < r->nf; i++) {
    const char *p = r->scratch + r->fstart[i];
    size_t n = r->flen[i];
    while (n > 0 && p[n - 1] == ' ') n--;
    while (n > 0 && *p == ' ') p++, n--;
    if (n == wl && strncasecmp(p, want, n) == 0) return (long)i;
  }
  return -1;
}

static emb_status open_csv(emb__rows *r, const emb__rows_opts *o, char *err,
                           size_t errlen) {
  for (;;) {
    size_t end = 0;
    long long lines = 0;
    const char *bad = NULL;
    parse_res p = next_csv_record(r, &end, &lines, &bad);
    if (r->ioerr) return EMB_EIO;
    if (p == P_EMPTY) {
      r->start = end;
      r->line++;
      continue;
    }
    if (p != P_OK || bad) {
      snprintf(err, errlen, "line %lld: %s", r->line,
               p == P_END ? "the input is empty: a header row is needed"
               : bad      ? bad
                          : "the header row cannot be read (broken quoting "
                            "or too long)");
      return EMB_EPARSE;
    }
    r->start = end;
    r->line += lines + 1;
    break;
  }
  const char *want[3] = {o->name_column ? o->name_column : "name", o->id_column,
                         o->country_column};
  long *col[3] = {&r->name_col, &r->id_col, &r->country_col};
  for (int k = 0; k < 3; k++) {
    *col[k] = -1;
    if (want[k] == NULL || (k == 0 && o->raw_only)) continue;
    *col[k] = find_column(r, want[k]);
    if (*col[k] < 0) {
      size_t n = (size_t)snprintf(err, errlen,
                                  "line 1: no column '%s' in the header "
                                  "(columns:",
                                  want[k]);
      for (size_t i = 0; i < r->nf && n < errlen; i++)
        n += (size_t)snprintf(err + n, errlen - n, "%s '%.*s'", i ? "," : "",
                              (int)(r->flen[i] > 40 ? 40 : r->flen[i]),
                              r->scratch + r->fstart[i]);
      if (n < errlen) snprintf(err + n, errlen - n, ")");
      return EMB_EPARSE;
    }
  }
  return EMB_OK;
}

/* ---- JSON Lines. ---- */

/* A string (or, for the id, an integer) member of the row's object. */
static const char *member(emb__rows *r, emb__row *row, const char *key,
                          int allow_int, size_t *len) {
  json_t *v = json_object_get(r->obj, key);
  if (v == NULL || json_is_null(v)) return NULL;
  if (json_is_string(v)) {
    *len = json_string_length(v);
    return json_string_value(v);
  }
  if (allow_int && json_is_integer(v)) {
    snprintf(r->idbuf, sizeof(r->idbuf), "%lld",
             (long long)json_integer_value(v));
    *len = strlen(r->idbuf);
    return r->idbuf;
  }
  set_error(r, row, EMB_EPARSE, "field '%.*s' is not a string", key,
            strlen(key));
  return NULL;
}

static int next_jsonl(emb__rows *r, emb__row *row) {
  for (;;) {
    /* Find the line end in the window, refilling as needed. */
    size_t i = r->start;
    const char *nlp = NULL;
    int toolong = 0;
    for (;;) {
      nlp = i < r->len ? memchr(r->buf + i, '\n', r->len - i) : NULL;
      if (nlp || r->eof) break;
      if (r->len - r->start > EMB__ROWS_MAX_RECORD) {
        toolong = 1;
        break;
      }
      i = r->len - r->start;
      refill(r);
      if (r->ioerr) return -1;
      i += r->start; /* refill moved the row to the front */
    }
    if (r->ioerr) return -1;
    long long off = r->buf_off + (long long)r->start;
    if (!toolong && nlp == NULL && r->start >= r->len) return 0;
    size_t end = nlp ? (size_t)(nlp - r->buf) : r->len;
    if (!toolong && end - r->start > EMB__ROWS_MAX_RECORD) toolong = 1;
    if (!toolong) {
      size_t n = end - r->start;
      while (n > 0 && r->buf[r->start + n - 1] == '\r') n--;
      if (blank(r->buf + r->start, n)) {
        r->start = nlp ? end + 1 : end;
        r->line++;
        continue;
      }
    }
    start_row(r, row, off);
    if (toolong) {
      set_error(r, row, EMB_ETOOBIG, "line longer than 1 MiB", NULL, 0);
      skip_line(r);
      row->next_offset = r->buf_off + (long long)r->start;
      row->next_line = r->line;
      return 1;
    }
    size_t n = end - r->start;
    while (n > 0 && r->buf[r->start + n - 1] == '\r') n--;
    memcpy(r->raw, r->buf + r->start, n);
    r->raw[n] = '\0';
    row->raw = r->raw;
    row->raw_len = n;
    r->start = nlp ? end + 1 : end;
    r->line++;
    row->next_offset = r->buf_off + (long long)r->start;
    row->next_line = r->line;
    if (!emb__utf8_valid((const unsigned char *)r->raw, n)) {
      set_error(r, row, EMB_EUTF8, "malformed UTF-8", NULL, 0);
      return 1;
    }
    if (r->raw_only && r->id_key == NULL) return 1;
    json_decref(r->obj);
    json_error_t je;
    r->obj = json_loadb(r->raw, n, JSON_REJECT_DUPLICATES, &je);
    if (r->obj == NULL || !json_is_object(r->obj)) {
      if (r->obj)
        set_error(r, row, EMB_EPARSE, "the line is not a JSON object", NULL, 0);
      else
        set_error(r, row, EMB_EPARSE, "invalid JSON: %.*s", je.text,
                  strlen(je.text));
      return 1;
    }
    size_t nl = 0, il = 0, cl = 0;
    const char *name = NULL, *id = NULL, *c = NULL;
    if (r->id_key) id = member(r, row, r->id_key, 1, &il);
    if (row->err == EMB_OK && !r->raw_only)
      name = member(r, row, r->name_key, 0, &nl);
    if (row->err == EMB_OK && r->country_key)
      c = member(r, row, r->country_key, 0, &cl);
    if (row->err != EMB_OK) return 1;
    set_values(r, row, name, nl, id, il, c, cl);
    return 1;
  }
}

/* ---- The reader. ---- */

emb_status emb__rows_open(FILE *f, const emb__rows_opts *o, char *err,
                          size_t errlen, emb__rows **out) {
  char dummy[8];
  if (err == NULL || errlen == 0) {
    err = dummy;
    errlen = sizeof(dummy);
  }
  err[0] = '\0';
  *out = NULL;
  emb__rows *r = calloc(1, sizeof(*r));
  if (r == NULL) return EMB_ENOMEM;
  r->f = f;
  r->format = o->format;
  r->raw_only = o->raw_only;
  r->line = 1;
  r->buf = malloc(WINDOW + 1);
  /* Fields plus a NUL each, and the three copies made for a row. */
  r->scratch = malloc(2 * WINDOW + 3 * EMB__ROWS_MAX_COLUMNS + 16);
  r->raw = malloc(WINDOW + 1);
  if (r->buf == NULL || r->scratch == NULL || r->raw == NULL) {
    emb__rows_free(r);
    return EMB_ENOMEM;
  }
  refill(r);
  if (r->ioerr) {
    snprintf(err, errlen, "cannot read the input");
    emb__rows_free(r);
    return EMB_EIO;
  }
  /* A UTF-8 byte order mark is not part of the first row. */
  if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->start = 3;
  emb_status st = EMB_OK;
  if (o->format == EMB__ROWS_CSV) {
    st = open_csv(r, o, err, errlen);
  } else {
    r->name_key = strdup(o->name_column ? o->name_column : "name");
    r->country_key = o->country_column ? strdup(o->country_column) : NULL;
    r->id_key = o->id_column ? strdup(o->id_column) : NULL;
    if (r->name_key == NULL || (o->country_column && !r->country_key) ||
        (o->id_column && !r->id_key))
      st = EMB_ENOMEM;
  }
  if (st != EMB_OK) {
    emb__rows_free(r);
    return st;
  }
  r->data_off = r->buf_off + (long long)r->start;
  *out = r;
  return EMB_OK;
}

void emb__rows_free(emb__rows *r) {
  if (r == NULL) return;
  json_decref(r->obj);
  free(r->name_key);
  free(r->country_key);
  free(r->id_key);
  free(r->buf);
  free(r->scratch);
  free(r->raw);
  free(r);
}

int emb__rows_next(emb__rows *r, emb__row *row) {
  if (r->ioerr) return -1;
  return r->format == EMB__ROWS_CSV ? next_csv(r, row) : next_jsonl(r, row);
}

emb_status emb__rows_seek(emb__rows *r, long long offset, long long rows_done,
                          long long line) {
  if (offset < 0 || fseeko(r->f, (off_t)offset, SEEK_SET) != 0) return EMB_EIO;
  clearerr(r->f);
  r->start = r->len = 0;
  r->buf_off = offset;
  r->eof = r->ioerr = 0;
  r->row = rows_done;
  r->line = line;
  return EMB_OK;
}

long long emb__rows_data_offset(const emb__rows *r) {
  return r->data_off;
}

int emb__rows_format_parse(const char *s) {
  if (strcmp(s, "csv") == 0) return EMB__ROWS_CSV;
  if (strcmp(s, "jsonl") == 0) return EMB__ROWS_JSONL;
  return -1;
}

int emb__rows_format_of_path(const char *path) {
  const char *dot = strrchr(path, '.');
  if (dot == NULL || strchr(dot, '/')) return -1;
  if (strcasecmp(dot, ".csv") == 0) return EMB__ROWS_CSV;
  if (strcasecmp(dot, ".jsonl") == 0 || strcasecmp(dot, ".ndjson") == 0 ||
      strcasecmp(dot, ".json") == 0)
    return EMB__ROWS_JSONL;
  return -1;
}
