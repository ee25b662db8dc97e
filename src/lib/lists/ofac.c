/* OFAC legacy CSV files (stub while being written). */
#include "source.h"

emb__ofac_part emb__ofac_probe(const char *head, size_t n) {
  (void)head;
  (void)n;
  return EMB__OFAC_NONE;
}

emb_status emb__ofac_load(emb__src *s, const emb__ofac_file files[5],
                          int consolidated) {
  (void)files;
  (void)consolidated;
  emb__src_fail(s, "OFAC loader not implemented yet");
  return EMB_EFORMAT;
}
