/* Building the name index: normalise every name once, intern tokens, make
 * postings, weights and the deletion map. See index_internal.h. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/hash.h"
#include "../../common/vec.h"
#include "index_internal.h"
#include "similarity.h"

#define MAX_KEY 96 /* bytes of a join or acronym key */

int64_t emb__tok_find(const emb_index *ix, const char *text, size_t len) {
  if (ix == NULL || ix->tok_cap == 0) return -1;
  size_t mask = ix->tok_cap - 1, j = emb__hash_bytes(text, len) & mask;
  for (uint32_t id; (id = ix->tok_table[j]) != 0; j = (j + 1) & mask) {
    const emb__tok *t = &ix->toks[id - 1];
    if (t->len == len && memcmp(ix->chars + t->text_off, text, len) == 0)
      return id - 1;
  }
  return -1;
}

static emb_status grow_table(emb_index *ix) {
  size_t cap = ix->tok_cap ? ix->tok_cap * 2 : 1024;
  uint32_t *t = calloc(cap, sizeof(*t));
  if (t == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < ix->ntoks; i++) {
    const emb__tok *k = &ix->toks[i];
    size_t j = emb__hash_bytes(ix->chars + k->text_off, k->len) & (cap - 1);
    while (t[j]) j = (j + 1) & (cap - 1);
    t[j] = (uint32_t)i + 1;
  }
  free(ix->tok_table);
  ix->tok_table = t;
  ix->tok_cap = cap;
  return EMB_OK;
}

/* Interns text as a key of the given kind; returns its id or -1 on OOM. */
static int64_t intern(emb_index *ix, const char *text, size_t len,
                      uint8_t flags, uint8_t kind) {
  int64_t id = emb__tok_find(ix, text, len);
  if (id >= 0) {
    emb__tok *t = &ix->toks[id];
    if (kind < t->keykind) {
      t->keykind = kind;
      t->flags = flags;
    }
    return id;
  }
  if ((ix->ntoks + 1) * 2 > ix->tok_cap && grow_table(ix) != EMB_OK) return -1;
  if (ix->chars_len + len + 1 > ix->chars_cap) {
    size_t cap = ix->chars_cap ? ix->chars_cap * 2 : 65536;
    while (cap < ix->chars_len + len + 1) cap *= 2;
    char *c = realloc(ix->chars, cap);
    if (c == NULL) return -1;
    ix->chars = c;
    ix->chars_cap = cap;
  }
  void *v = ix->toks;
  emb__tok *t = emb__vec_push(&v, &ix->ntoks, sizeof(*t));
  if (t == NULL) return -1;
  ix->toks = v;
  memset(t, 0, sizeof(*t));
  t->text_off = (uint32_t)ix->chars_len;
  t->len = (uint16_t)len;
  t->flags = flags;
  t->keykind = kind;
  memcpy(ix->chars + ix->chars_len, text, len);
  ix->chars[ix->chars_len + len] = '\0';
  ix->chars_len += len + 1;
  size_t mask = ix->tok_cap - 1, j = emb__hash_bytes(text, len) & mask;
  while (ix->tok_table[j]) j = (j + 1) & mask;
  ix->tok_table[j] = (uint32_t)ix->ntoks;
  return (int64_t)ix->ntoks - 1;
}

float emb__weight(const emb_index *ix, uint32_t df, uint8_t flags) {
  float w = 1.0f;
  if (ix != NULL && ix->n_docs > 0 && df > 0) {
    double n = (double)ix->n_docs;
    w = (float)(log((n + 1.0) / ((double)df + 0.5)) / ix->log_norm);
    if (w < 0.05f) w = 0.05f;
    if (w > 1.0f) w = 1.0f;
  }
  if (flags & EMB__TOKF_LEGAL) return 0.08f;
  if ((flags & EMB__TOKF_GENERIC) && w > 0.3f) w = 0.3f;
  return w;
}

size_t emb__acronym(const emb__stok *t, size_t n, int with_legal, char *out,
                    size_t cap) {
  size_t k = 0, words = 0;
  for (size_t i = 0; i < n; i++) {
    if ((t[i].flags & EMB__TOKF_LEGAL) && !with_legal) continue;
    unsigned char c = (unsigned char)t[i].text[0];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return 0;
    /* Stop words ("of", "the", "and") are left out of initials. */
    if ((t[i].flags & EMB__TOKF_GENERIC) && t[i].len <= 3) continue;
    if (k + 1 >= cap) return 0;
    out[k++] = (char)c;
    words++;
  }
  if (words < 3) return 0;
  out[k] = '\0';
  return k;
}

typedef struct pair_vec {
  uint32_t *v; /* (key, variant) flattened */
  size_t n;    /* number of uint32 values */
} pair_vec;

static int push_pair(pair_vec *p, uint32_t key, uint32_t var) {
  void *v = p->v;
  uint32_t *a = emb__vec_push(&v, &p->n, sizeof(uint32_t));
  if (a == NULL) return -1;
  p->v = v;
  *a = key;
  uint32_t *b = emb__vec_push(&v, &p->n, sizeof(uint32_t));
  if (b == NULL) return -1;
  p->v = v;
  *b = var;
  return 0;
}

/* Adds one variant (a form of a name) unless the entity already has the
 * same token sequence in the same form. */
static emb_status add_variant(emb_index *ix, pair_vec *pv, uint32_t ent,
                              uint16_t name_idx, uint8_t form,
                              const emb__token *t, size_t n, int mode,
                              size_t first_var_of_entity) {
  int person = (mode & EMB__MODE_PERSON) != 0;
  if (n == 0) return EMB_OK;
  if (n > 255) n = 255;
  uint32_t ids[EMB__NORM_MAX_TOKENS];
  for (size_t i = 0; i < n; i++) {
    int64_t id = intern(ix, t[i].text, t[i].len, t[i].flags, EMB__KEY_TOKEN);
    if (id < 0) return EMB_ENOMEM;
    ids[i] = (uint32_t)id;
  }
  for (size_t v = first_var_of_entity; v < ix->nvars; v++) {
    const emb__variant *o = &ix->vars[v];
    if (o->form == form && o->ntok == n &&
        memcmp(ix->vtoks + o->tok_off, ids, n * sizeof(uint32_t)) == 0)
      return EMB_OK;
  }
  void *vv = ix->vars;
  emb__variant *var = emb__vec_push(&vv, &ix->nvars, sizeof(*var));
  if (var == NULL) return EMB_ENOMEM;
  ix->vars = vv;
  uint32_t vid = (uint32_t)(ix->nvars - 1);
  var->entity = ent;
  var->name_idx = name_idx;
  var->form = form;
  var->ntok = (uint8_t)n;
  var->tok_off = (uint32_t)ix->nvtoks;
  var->mode = (uint8_t)mode;
  for (size_t i = 0; i < n; i++) {
    void *tv = ix->vtoks;
    uint32_t *slot = emb__vec_push(&tv, &ix->nvtoks, sizeof(*slot));
    if (slot == NULL) return EMB_ENOMEM;
    ix->vtoks = tv;
    *slot = ids[i];
    /* One posting per distinct token of the variant. */
    int dup = 0;
    for (size_t k = 0; k < i; k++) dup |= ids[k] == ids[i];
    if (!dup) {
      ix->toks[ids[i]].df++;
      if (push_pair(pv, ids[i], vid)) return EMB_ENOMEM;
    }
  }
  /* Join keys: two adjacent distinctive tokens written together. */
  char key[MAX_KEY];
  for (size_t i = 0; i + 1 < n; i++) {
    if ((t[i].flags | t[i + 1].flags) & EMB__TOKF_LEGAL) continue;
    size_t len = (size_t)t[i].len + t[i + 1].len;
    if (len >= sizeof(key)) continue;
    memcpy(key, t[i].text, t[i].len);
    memcpy(key + t[i].len, t[i + 1].text, t[i + 1].len);
    int64_t id = intern(ix, key, len, 0, EMB__KEY_JOIN);
    if (id < 0 || push_pair(pv, (uint32_t)id, vid)) return EMB_ENOMEM;
  }
  /* Acronym key for organisations' Latin names. */
  if (form == EMB__FORM_LATIN && !person) {
    emb__stok st[EMB__NORM_MAX_TOKENS];
    for (size_t i = 0; i < n; i++) {
      st[i].text = t[i].text;
      st[i].len = t[i].len;
      st[i].flags = t[i].flags;
      st[i].weight = 1.0f;
    }
    for (int legal = 0; legal < 2; legal++) {
      size_t len = emb__acronym(st, n, legal, key, sizeof(key));
      if (len < 3) continue;
      int64_t id = intern(ix, key, len, 0, EMB__KEY_ACRONYM);
      if (id < 0 || push_pair(pv, (uint32_t)id, vid)) return EMB_ENOMEM;
    }
  }
  return EMB_OK;
}

/* Postings by counting sort of the (key, variant) pairs. */
static emb_status build_postings(emb_index *ix, const pair_vec *pv) {
  size_t np = pv->n / 2;
  ix->postings = malloc((np ? np : 1) * sizeof(uint32_t));
  if (ix->postings == NULL) return EMB_ENOMEM;
  ix->npostings = np;
  for (size_t i = 0; i < ix->ntoks; i++) ix->toks[i].post_n = 0;
  for (size_t i = 0; i < np; i++) ix->toks[pv->v[2 * i]].post_n++;
  uint32_t off = 0;
  for (size_t i = 0; i < ix->ntoks; i++) {
    ix->toks[i].post_off = off;
    off += ix->toks[i].post_n;
    ix->toks[i].post_n = 0;
  }
  for (size_t i = 0; i < np; i++) {
    emb__tok *t = &ix->toks[pv->v[2 * i]];
    ix->postings[t->post_off + t->post_n++] = pv->v[2 * i + 1];
  }
  return EMB_OK;
}

static int del_eligible(const emb__tok *t, const char *text) {
  if (t->keykind != EMB__KEY_TOKEN || t->len < 5 || t->len > 40) return 0;
  for (size_t i = 0; i < t->len; i++)
    if ((unsigned char)text[i] >= 0x80) return 0;
  return 1;
}

static void del_insert(emb_index *ix, uint64_t h, uint32_t tok) {
  size_t mask = ix->del_cap - 1, j = h & mask;
  while (ix->del_toks[j]) {
    if (ix->del_keys[j] == h && ix->del_toks[j] == tok + 1) return;
    j = (j + 1) & mask;
  }
  ix->del_keys[j] = h;
  ix->del_toks[j] = tok + 1;
}

/* The deletion map holds each eligible token under its own hash and under
 * the hash of each one-character deletion of it. */
static emb_status build_deletions(emb_index *ix) {
  size_t entries = 0;
  for (size_t i = 0; i < ix->ntoks; i++)
    if (del_eligible(&ix->toks[i], ix->chars + ix->toks[i].text_off))
      entries += (size_t)ix->toks[i].len + 1;
  size_t cap = 1024;
  while (cap < entries * 2) cap *= 2;
  ix->del_keys = malloc(cap * sizeof(uint64_t));
  ix->del_toks = calloc(cap, sizeof(uint32_t));
  if (ix->del_keys == NULL || ix->del_toks == NULL) return EMB_ENOMEM;
  ix->del_cap = cap;
  char buf[64];
  for (size_t i = 0; i < ix->ntoks; i++) {
    const emb__tok *t = &ix->toks[i];
    const char *s = ix->chars + t->text_off;
    if (!del_eligible(t, s)) continue;
    del_insert(ix, emb__hash_bytes(s, t->len), (uint32_t)i);
    for (size_t d = 0; d < t->len; d++) {
      memcpy(buf, s, d);
      memcpy(buf + d, s + d + 1, t->len - d - 1);
      del_insert(ix, emb__hash_bytes(buf, t->len - 1u), (uint32_t)i);
    }
  }
  return EMB_OK;
}

static void del_lookup(const emb_index *ix, uint64_t h,
                       void (*fn)(void *, uint32_t), void *ud) {
  size_t mask = ix->del_cap - 1, j = h & mask;
  for (; ix->del_toks[j]; j = (j + 1) & mask)
    if (ix->del_keys[j] == h) fn(ud, ix->del_toks[j] - 1);
}

void emb__tok_neighbours(const emb_index *ix, const char *text, size_t len,
                         void (*fn)(void *ud, uint32_t tok), void *ud) {
  if (ix->del_cap == 0 || len < 4 || len > 41) return;
  char buf[64];
  del_lookup(ix, emb__hash_bytes(text, len), fn, ud);
  for (size_t d = 0; d < len; d++) {
    memcpy(buf, text, d);
    memcpy(buf + d, text + d + 1, len - d - 1);
    del_lookup(ix, emb__hash_bytes(buf, len - 1), fn, ud);
  }
}

emb_status emb_index_build(const emb_listset *ls, emb_index **out) {
  if (ls == NULL || out == NULL) return EMB_EINVAL;
  *out = NULL;
  emb_index *ix = calloc(1, sizeof(*ix));
  if (ix == NULL) return EMB_ENOMEM;
  ix->ls = ls;
  /* Ids are never reused, so a thread's cached scratch of a freed index can
   * never be mistaken for one of a new index at the same address. */
  static _Atomic uint64_t next_id = 1;
  ix->id = atomic_fetch_add(&next_id, 1);
  pthread_mutex_init(&ix->lock, NULL);
  emb_status st = grow_table(ix);
  pair_vec pv = {0};
  emb__normname *nn = malloc(sizeof(*nn));
  if (nn == NULL) st = EMB_ENOMEM;
  size_t n_ent = emb_listset_count(ls);
  for (size_t ei = 0; ei < n_ent && st == EMB_OK; ei++) {
    const emb_entity *e = emb_listset_entity(ls, ei);
    size_t first = ix->nvars;
    for (size_t ni = 0; ni < e->n_names && ni < UINT16_MAX && st == EMB_OK;
         ni++) {
      const char *name = e->names[ni].text;
      /* A name that does not normalise (bad UTF-8, too long) is left out
       * of the index; the loaders already bounded and reported them. */
      if (emb__normalize(name, strlen(name), nn) != EMB_OK) continue;
      /* A Latin form transliterated from another script has no typos:
       * different characters are different names. */
      int latin_mode =
          emb__mode_for(e->type, nn->latin, nn->n_latin, nn->n_script > 0);
      st = add_variant(ix, &pv, (uint32_t)ei, (uint16_t)ni, EMB__FORM_LATIN,
                       nn->latin, nn->n_latin, latin_mode, first);
      if (st == EMB_OK)
        st = add_variant(ix, &pv, (uint32_t)ei, (uint16_t)ni, EMB__FORM_SCRIPT,
                         nn->script, nn->n_script,
                         emb__mode_for(e->type, nn->script, nn->n_script, 1),
                         first);
    }
  }
  free(nn);
  if (st == EMB_OK) st = build_postings(ix, &pv);
  free(pv.v);
  if (st == EMB_OK) {
    ix->n_docs = ix->nvars;
    ix->log_norm = log(((double)ix->n_docs + 1.0) / 0.5);
    for (size_t i = 0; i < ix->ntoks; i++) {
      emb__tok *t = &ix->toks[i];
      t->weight = emb__weight(ix, t->df, t->flags);
      t->mask = emb__letter_mask(ix->chars + t->text_off, t->len);
    }
    st = build_deletions(ix);
  }
  if (st == EMB_OK) {
    ix->vweight = malloc((ix->nvars ? ix->nvars : 1) * sizeof(float));
    if (ix->vweight == NULL) st = EMB_ENOMEM;
    for (size_t v = 0; st == EMB_OK && v < ix->nvars; v++) {
      float w = 0;
      for (size_t k = 0; k < ix->vars[v].ntok; k++)
        w += ix->toks[ix->vtoks[ix->vars[v].tok_off + k]].weight;
      ix->vweight[v] = w;
    }
  }
  if (st != EMB_OK) {
    emb_index_free(ix);
    return st;
  }
  *out = ix;
  return EMB_OK;
}

const emb_listset *emb_index_listset(const emb_index *ix) {
  return ix->ls;
}
size_t emb_index_variant_count(const emb_index *ix) {
  return ix->nvars;
}
size_t emb_index_token_count(const emb_index *ix) {
  return ix->ntoks;
}
