/* Fuzz target: the sources file of `lists update` (its JSON and every
 * field check, the URL policy included) and the manifest reader, on
 * arbitrary bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/lib/update/update_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  emb__upd_sources s;
  char err[600];
  if (emb__upd_sources_parse((const char *)data, size, &s, err, sizeof(err)) ==
      EMB_OK) {
    for (size_t i = 0; i < s.n; i++)
      if (!emb__upd_safe_name(s.v[i].file) ||
          !emb__upd_url_allowed(s.v[i].url, err, sizeof(err)))
        abort(); /* the parser let through what it must refuse */
    emb__upd_sources_free(&s);
  }
  /* The same bytes as a manifest in a scratch directory. */
  char dir[] = "/tmp/embargo-fuzz-upd-XXXXXX";
  if (mkdtemp(dir) == NULL) return 0;
  char path[64];
  snprintf(path, sizeof(path), "%s/.embargo-manifest.json", dir);
  FILE *f = fopen(path, "wb");
  if (f != NULL) {
    fwrite(data, 1, size, f);
    fclose(f);
    json_t *m = NULL;
    if (emb__upd_manifest_read(dir, &m, err, sizeof(err)) == EMB_OK)
      json_decref(m);
  }
  unlink(path);
  rmdir(dir);
  return 0;
}
