/* Iterating over the lines of an in-memory text file (JSON Lines rule
 * packs, reference data, entity lists): LF or CRLF line ends, a leading
 * UTF-8 BOM skipped, line numbers kept for messages. */
#ifndef EMB_COMMON_LINES_H
#define EMB_COMMON_LINES_H

#include <stddef.h>

typedef struct emb__lines {
  const char *data;
  size_t len, pos;
  long line; /* 1-based number of the line last returned */
} emb__lines;

/* Starts iterating over data[0..len) (borrowed: must outlive it). */
void emb__lines_init(emb__lines *it, const char *data, size_t len);
/* The next line without its line end: *p (borrowed) and *n; returns 0 at
 * the end of the buffer. */
int emb__lines_next(emb__lines *it, const char **p, size_t *n);
/* Whether a line is blank or a "//" comment, which JSON Lines files of
 * embargo's own formats may hold. */
int emb__line_skipped(const char *p, size_t n);

#endif
