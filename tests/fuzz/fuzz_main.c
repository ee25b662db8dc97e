/* Standalone driver for the fuzz targets: runs LLVMFuzzerTestOneInput on
 * each file named on the command line, so the seed corpus replays in the
 * ordinary test suite without libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "embargo/embargo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (f == NULL) {
      perror(argv[i]);
      return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
      n += got;
      if (n == cap) {
        uint8_t *nb = realloc(buf, cap *= 2);
        if (nb == NULL) break;
        buf = nb;
      }
    }
    fclose(f);
    if (buf == NULL) return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
  }
  /* ICU and libxml2 keep process-wide caches; release them so leak
   * checkers see a clean exit. */
  emb_cleanup();
  return 0;
}
