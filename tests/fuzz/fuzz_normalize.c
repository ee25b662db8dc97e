/* Fuzz target: name normalisation and screening-time scoring on arbitrary
 * bytes: no crash, bounded tokens, fast and ICU paths agree on ASCII. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/lib/text/normalize.h"
#include "embargo/embargo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static emb__normname a, b;
  const char *s = (const char *)data;
  emb_status st = emb__normalize(s, size, &a);
  if (st != EMB_OK) return 0;
  if (a.n_latin > EMB__NORM_MAX_TOKENS || a.n_script > EMB__NORM_MAX_TOKENS)
    abort();
  for (size_t i = 0; i < a.n_latin; i++)
    if (a.latin[i].len > EMB__NORM_MAX_TOKEN ||
        strlen(a.latin[i].text) != a.latin[i].len)
      abort();
  int ascii = 1;
  for (size_t i = 0; i < size; i++) ascii &= data[i] < 0x80;
  if (ascii && memchr(data, 0, size) == NULL) {
    if (emb__normalize_icu(s, size, &b) != EMB_OK) abort();
    if (a.n_latin != b.n_latin) abort();
    for (size_t i = 0; i < a.n_latin; i++)
      if (a.latin[i].len != b.latin[i].len ||
          memcmp(a.latin[i].text, b.latin[i].text, a.latin[i].len) != 0 ||
          a.latin[i].flags != b.latin[i].flags)
        abort();
  }
  emb_result *r = NULL;
  if (emb_compare(NULL, s, size, "Huawei Technologies Co Ltd", 26,
                  EMB_TYPE_UNKNOWN, 0, &r) == EMB_OK)
    emb_result_free(r);
  return 0;
}
