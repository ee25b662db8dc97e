/* A subset of a name index: the variants of a few entities, sharing the full
 * index's vocabulary, token weights and deletion map.
 *
 * DESIGN: a token's weight depends on how many names of the whole list set
 * hold it (IDF). An index built from only the changed entities would weigh
 * "technologies" as a rare word and score customers differently from a full
 * screen; worse, a query word missing from its small vocabulary would get
 * the weight of an unknown word and could be "corrected" by the spelling
 * pass. So the subset copies the full vocabulary whole, weights included,
 * and keeps only the kept entities' variants and postings: a name then
 * scores against a kept entity exactly as against the full index. Only the
 * choice of candidates differs, and only towards finding more: fewer
 * competing names leave more room for the kept ones.
 *
 * It lives beside emb_index_build because it builds an index from the
 * inside: a new field of emb_index must be handled here too.
 */
#include <stdlib.h>
#include <string.h>

#include "../lists/listset_internal.h"
#include "index_internal.h"

static void *dup_mem(const void *p, size_t n) {
  void *q = malloc(n ? n : 1);
  if (q != NULL && n) memcpy(q, p, n);
  return q;
}

emb_status emb__index_subset(const emb_index *full, const unsigned char *keep,
                             emb_index **out) {
  if (full == NULL || keep == NULL || out == NULL) return EMB_EINVAL;
  *out = NULL;
  /* An index built from an empty list set gets a fresh id (for the
   * per-thread scratch caches), its lock and empty tables; its tables are
   * then replaced by the subset's. */
  emb_listset empty;
  memset(&empty, 0, sizeof(empty));
  emb_index *ix = NULL;
  emb_status st = emb_index_build(&empty, &ix);
  if (st != EMB_OK) return st;
  free(ix->chars);
  free(ix->toks);
  free(ix->tok_table);
  free(ix->vars);
  free(ix->vtoks);
  free(ix->vweight);
  free(ix->postings);
  free(ix->del_keys);
  free(ix->del_toks);
  ix->chars = NULL, ix->toks = NULL, ix->tok_table = NULL, ix->vars = NULL;
  ix->vtoks = NULL, ix->vweight = NULL, ix->postings = NULL;
  ix->del_keys = NULL, ix->del_toks = NULL;
  ix->nvars = ix->ntoks = ix->nvtoks = ix->npostings = 0;
  ix->tok_cap = ix->del_cap = ix->chars_len = ix->chars_cap = 0;
  ix->ls = full->ls;
  ix->n_docs = full->n_docs;
  ix->log_norm = full->log_norm;

  /* The vocabulary, whole. */
  ix->chars = dup_mem(full->chars, full->chars_len);
  ix->toks = dup_mem(full->toks, full->ntoks * sizeof(*full->toks));
  ix->tok_table =
      dup_mem(full->tok_table, full->tok_cap * sizeof(*full->tok_table));
  ix->del_keys = dup_mem(full->del_keys, full->del_cap * sizeof(uint64_t));
  ix->del_toks = dup_mem(full->del_toks, full->del_cap * sizeof(uint32_t));
  ix->vtoks = dup_mem(full->vtoks, full->nvtoks * sizeof(uint32_t));
  uint32_t *newid = malloc((full->nvars ? full->nvars : 1) * sizeof(uint32_t));
  if (!ix->chars || !ix->toks || !ix->tok_table || !ix->del_keys ||
      !ix->del_toks || !ix->vtoks || !newid) {
    free(newid);
    emb_index_free(ix);
    return EMB_ENOMEM;
  }
  ix->chars_len = ix->chars_cap = full->chars_len;
  ix->ntoks = full->ntoks;
  ix->tok_cap = full->tok_cap;
  ix->del_cap = full->del_cap;
  ix->nvtoks = full->nvtoks;

  /* The kept variants, renumbered; tok_off still points into the copied
   * vtoks. */
  size_t nv = 0;
  for (size_t v = 0; v < full->nvars; v++)
    newid[v] = keep[full->vars[v].entity] ? (uint32_t)nv++ : UINT32_MAX;
  ix->vars = malloc((nv ? nv : 1) * sizeof(*ix->vars));
  ix->vweight = malloc((nv ? nv : 1) * sizeof(float));
  if (!ix->vars || !ix->vweight) {
    free(newid);
    emb_index_free(ix);
    return EMB_ENOMEM;
  }
  for (size_t v = 0; v < full->nvars; v++) {
    if (newid[v] == UINT32_MAX) continue;
    ix->vars[newid[v]] = full->vars[v];
    ix->vweight[newid[v]] = full->vweight[v];
  }
  ix->nvars = nv;

  /* Postings of kept variants only, token by token in the same order. */
  size_t np = 0;
  for (size_t p = 0; p < full->npostings; p++)
    np += newid[full->postings[p]] != UINT32_MAX;
  ix->postings = malloc((np ? np : 1) * sizeof(uint32_t));
  if (ix->postings == NULL) {
    free(newid);
    emb_index_free(ix);
    return EMB_ENOMEM;
  }
  uint32_t off = 0;
  for (size_t t = 0; t < ix->ntoks; t++) {
    const emb__tok *ft = &full->toks[t];
    emb__tok *tt = &ix->toks[t];
    tt->post_off = off;
    for (uint32_t k = 0; k < ft->post_n; k++) {
      uint32_t v = newid[full->postings[ft->post_off + k]];
      if (v != UINT32_MAX) ix->postings[off++] = v;
    }
    tt->post_n = off - tt->post_off;
  }
  ix->npostings = np;
  free(newid);
  *out = ix;
  return EMB_OK;
}
