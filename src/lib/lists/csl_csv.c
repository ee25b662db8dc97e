/* Stub: replaced shortly with the real loader. */
#include "source.h"

static int probe(const char *head, size_t n) {
  (void)head;
  (void)n;
  return 0;
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  (void)data;
  (void)len;
  emb__src_fail(s, "not implemented yet");
  return EMB_EFORMAT;
}

const emb__format emb__fmt_csl_csv = {"csl-csv", probe, load};
