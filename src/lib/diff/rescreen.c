/* Re-screening names against only what changed between two list versions.
 *
 * DESIGN: a name's results can change only on entities the diff touched:
 * those added (a possible new hit), removed (a hit gone) or changed (a
 * score or an entry that moved). Two subset indexes hold them, the OLD
 * version's removed and changed entities and the NEW version's added and
 * changed ones, each with its full index's token weights
 * (delta_index.c), so a name is screened against a few hundred names
 * instead of the whole lists and still scores as a full screen would. The
 * one thing left out is a drift of scores on unchanged entities, which
 * comes from token weights moving when the rest of the lists changes
 * (docs/lists-diff.md measures it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../match/index_internal.h"
#include "diff_internal.h"

struct emb_rescreen {
  const emb_diff *d;
  emb_index *old_ix, *new_ix;
};

struct emb_rescreen_result {
  emb_result *old_r, *new_r;
  emb_rescreen_change *ch;
  size_t n;
};

/* Scores are printed with four decimals; a smaller difference is none. */
#define SCORE_EPS 0.00005

const char *emb_rescreen_kind_name(emb_rescreen_kind k) {
  switch (k) {
    case EMB_RESCREEN_NEW_HIT:
      return "new_hit";
    case EMB_RESCREEN_HIT_GONE:
      return "hit_gone";
    case EMB_RESCREEN_SCORE_CHANGED:
      return "score_changed";
    case EMB_RESCREEN_HIT_CHANGED:
      return "hit_changed";
  }
  return "?";
}

/* Marks the entities of ix's list set that d touched. */
static emb_status subset_of(const emb_diff *d, const emb_index *ix,
                            emb_index **out) {
  const emb_listset *ls = emb_index_listset(ix);
  size_t n = emb_listset_count(ls);
  unsigned char *keep = calloc(n + 1, 1);
  if (keep == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < n; i++)
    keep[i] = emb_diff_find(d, emb_listset_entity(ls, i)) != NULL;
  emb_status st = emb__index_subset(ix, keep, out);
  free(keep);
  return st;
}

emb_status emb_rescreen_new(const emb_diff *d, const emb_index *old_ix,
                            const emb_index *new_ix, emb_rescreen **out) {
  if (d == NULL || old_ix == NULL || new_ix == NULL || out == NULL)
    return EMB_EINVAL;
  *out = NULL;
  emb_rescreen *r = calloc(1, sizeof(*r));
  if (r == NULL) return EMB_ENOMEM;
  r->d = d;
  emb_status st = subset_of(d, old_ix, &r->old_ix);
  if (st == EMB_OK) st = subset_of(d, new_ix, &r->new_ix);
  if (st != EMB_OK) {
    emb_rescreen_free(r);
    return st;
  }
  *out = r;
  return EMB_OK;
}

void emb_rescreen_free(emb_rescreen *r) {
  if (r == NULL) return;
  emb_index_free(r->old_ix);
  emb_index_free(r->new_ix);
  free(r);
}

size_t emb_rescreen_old_variants(const emb_rescreen *r) {
  return r ? emb_index_variant_count(r->old_ix) : 0;
}

size_t emb_rescreen_new_variants(const emb_rescreen *r) {
  return r ? emb_index_variant_count(r->new_ix) : 0;
}

/* The hit of result res on change c, or NULL. */
static const emb_hit *hit_on(const emb_diff *d, const emb_result *res,
                             const emb_entity_change *c) {
  for (size_t i = 0; i < emb_result_count(res); i++) {
    const emb_hit *h = emb_result_hit(res, i);
    if (emb_diff_find(d, h->entity) == c) return h;
  }
  return NULL;
}

/* Decides whether a change's old and new hits make a result change;
 * appends it to res when they do. */
static void judge(emb_rescreen_result *res, const emb_entity_change *c,
                  const emb_hit *o, const emb_hit *n) {
  int om = o && o->match, nm = n && n->match;
  emb_rescreen_kind k;
  if (!om && !nm) return;
  if (!om)
    k = EMB_RESCREEN_NEW_HIT;
  else if (!nm)
    k = EMB_RESCREEN_HIT_GONE;
  else if (fabs(o->score - n->score) >= SCORE_EPS)
    k = EMB_RESCREEN_SCORE_CHANGED;
  else
    k = EMB_RESCREEN_HIT_CHANGED; /* both hit a changed entry */
  emb_rescreen_change *x = &res->ch[res->n++];
  x->kind = k;
  x->entity_change = c;
  x->old_hit = o;
  x->new_hit = n;
}

emb_status emb_rescreen_name(const emb_rescreen *r, const char *name,
                             size_t len, const emb_screen_opts *opts,
                             emb_rescreen_result **out) {
  if (r == NULL || out == NULL) return EMB_EINVAL;
  *out = NULL;
  emb_rescreen_result *res = calloc(1, sizeof(*res));
  if (res == NULL) return EMB_ENOMEM;
  emb_status st = emb_screen(r->old_ix, name, len, opts, &res->old_r);
  if (st == EMB_OK) st = emb_screen(r->new_ix, name, len, opts, &res->new_r);
  size_t no = emb_result_count(res->old_r), nn = emb_result_count(res->new_r);
  if (st == EMB_OK && no + nn > 0) {
    res->ch = malloc((no + nn) * sizeof(*res->ch));
    if (res->ch == NULL) st = EMB_ENOMEM;
  }
  if (st != EMB_OK) {
    emb_rescreen_result_free(res);
    return st;
  }
  /* NEW's hits best first, then OLD's hits on entries NEW did not hit. */
  for (size_t i = 0; i < nn; i++) {
    const emb_hit *h = emb_result_hit(res->new_r, i);
    const emb_entity_change *c = emb_diff_find(r->d, h->entity);
    if (c == NULL) continue;
    judge(res, c, c->old_entity ? hit_on(r->d, res->old_r, c) : NULL, h);
  }
  for (size_t i = 0; i < no; i++) {
    const emb_hit *h = emb_result_hit(res->old_r, i);
    const emb_entity_change *c = emb_diff_find(r->d, h->entity);
    if (c == NULL) continue;
    if (c->new_entity && hit_on(r->d, res->new_r, c)) continue;
    judge(res, c, h, NULL);
  }
  *out = res;
  return EMB_OK;
}

size_t emb_rescreen_result_count(const emb_rescreen_result *res) {
  return res ? res->n : 0;
}

const emb_rescreen_change *emb_rescreen_result_change(
    const emb_rescreen_result *res, size_t i) {
  return res && i < res->n ? &res->ch[i] : NULL;
}

void emb_rescreen_result_free(emb_rescreen_result *res) {
  if (res == NULL) return;
  emb_result_free(res->old_r);
  emb_result_free(res->new_r);
  free(res->ch);
  free(res);
}
