/* embargo's own JSON Lines entity format (stub while being written). */
#include "source.h"

static int probe(const char *head, size_t n) {
  (void)head;
  (void)n;
  return 0;
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  (void)data;
  (void)len;
  emb__src_fail(s, "JSONL loader not implemented yet");
  return EMB_EFORMAT;
}

const emb__format emb__fmt_jsonl = {"embargo-jsonl", probe, load};
