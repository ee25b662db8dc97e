/* Fuzz target: the batch row reader (src/lib/batch/rows.c) never reads
 * out of bounds, always terminates, keeps its limits, numbers rows and
 * offsets in order, and resuming at a row's offset reads the same rest.
 * The first byte picks the format and options; the rest is the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/batch/rows.h"

/* Reads every row; returns the count, or aborts on a broken invariant.
 * Stops after `max` rows. */
static size_t read_all(emb__rows *r, size_t max, long long *mid_off,
                       long long *mid_line, long long *mid_row) {
  emb__row row;
  size_t n = 0;
  long long prev = -1;
  while (n < max && emb__rows_next(r, &row) == 1) {
    n++;
    if (row.offset < prev || row.next_offset <= row.offset) abort();
    if (row.err == EMB_OK && row.name &&
        (row.name_len == 0 || row.name_len > EMB__ROWS_MAX_FIELD))
      abort();
    if (row.err != EMB_OK && row.err_msg == NULL) abort();
    if (row.country && strlen(row.country) != 2) abort();
    prev = row.next_offset;
    if (n == 1 && mid_off) {
      *mid_off = row.next_offset;
      *mid_line = row.next_line;
      *mid_row = row.row;
    }
  }
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  uint8_t mode = data[0];
  FILE *f = fmemopen((void *)(data + 1), size - 1, "rb");
  if (f == NULL) return 0;
  emb__rows_opts o = {
      .format = (mode & 1) ? EMB__ROWS_JSONL : EMB__ROWS_CSV,
      .id_column = (mode & 2) ? "id" : NULL,
      .country_column = (mode & 4) ? "cc" : NULL,
      .raw_only = (mode & 8) != 0,
  };
  emb__rows *r = NULL;
  if (emb__rows_open(f, &o, NULL, 0, &r) == EMB_OK) {
    long long off = -1, line = 0, row = 0;
    size_t n = read_all(r, size + 1, &off, &line, &row);
    if (n > size) abort(); /* every row takes at least one byte */
    if (n > 1) {
      if (emb__rows_seek(r, off, row, line) != EMB_OK) abort();
      if (read_all(r, size + 1, NULL, NULL, NULL) != n - 1) abort();
    }
    emb__rows_free(r);
  }
  fclose(f);
  return 0;
}
