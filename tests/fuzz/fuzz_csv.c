/* Fuzz target: the CSV/TSV reader never reads out of bounds, always
 * terminates, and returns fields inside its limits. */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/common/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  for (int pass = 0; pass < 2; pass++) {
    emb__csv *r = emb__csv_new((const char *)data, size, pass ? '\t' : ',');
    if (r == NULL) return 0;
    const emb__csv_field *f;
    size_t n;
    long line;
    emb__csv_result res;
    size_t records = 0;
    while ((res = emb__csv_next(r, &f, &n, &line)) != EMB__CSV_END) {
      if (res == EMB__CSV_RECORD) {
        if (n > EMB__CSV_MAX_FIELDS) abort();
        for (size_t i = 0; i < n; i++)
          if (f[i].len > EMB__CSV_MAX_FIELD) abort();
      }
      if (++records > size + 1) abort(); /* must make progress */
    }
    emb__csv_free(r);
  }
  return 0;
}
