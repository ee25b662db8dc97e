/* Name normalisation: first stub, being completed. */
#include "normalize.h"

#include <string.h>

emb_status emb__normalize(const char *utf8, size_t len, emb__normname *out)
{
  (void)utf8;
  if (len > EMB__NORM_MAX_INPUT)
    return EMB_ETOOBIG;
  memset(out, 0, sizeof *out);
  return EMB_OK;
}

emb_status emb__normalize_icu(const char *utf8, size_t len,
                              emb__normname *out)
{
  return emb__normalize(utf8, len, out);
}

void emb__normalize_cleanup(void)
{
}
