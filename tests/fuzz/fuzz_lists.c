/* Fuzz target: every list loader (probe and load) on arbitrary bytes, via
 * the public loader on a temporary file, so format detection, the loaders
 * and roll-back of rejected files are all exercised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "embargo/embargo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* The loader rejects unknown formats only for list-like names, so the
   * extension matters; mkstemp keeps it POSIX, then rename adds one. */
  char tmpl[] = "/tmp/embargo-fuzz-XXXXXX", path[64];
  int fd = mkstemp(tmpl);
  if (fd < 0) return 0;
  snprintf(path, sizeof(path), "%s.csv", tmpl);
  if (rename(tmpl, path) != 0) {
    close(fd);
    unlink(tmpl);
    return 0;
  }
  if (write(fd, data, size) != (ssize_t)size) {
    close(fd);
    unlink(path);
    return 0;
  }
  close(fd);
  const char *paths[1] = {path};
  emb_listset *ls = NULL;
  emb_load_opts lo = {0};
  if (emb_listset_load(paths, 1, &lo, &ls) == EMB_OK) {
    emb_index *ix = NULL;
    if (emb_index_build(ls, &ix) == EMB_OK) {
      emb_result *r = NULL;
      if (emb_screen(ix, "test name", 9, NULL, &r) == EMB_OK)
        emb_result_free(r);
      emb_index_free(ix);
    }
    emb_listset_free(ls);
  }
  unlink(path);
  return 0;
}
