/* Rule kind ownership: the 50% rules. A party owned 50% or more, directly
 * or indirectly, by parties on certain lists is treated as listed itself
 * (the BIS affiliates rule, 90 FR 47201; OFAC's 50 percent rule).
 *
 * DESIGN: owners come from the transaction (parties[].owners, nested) or,
 * for a company the transaction gives no owners of, from the ownership
 * file (emb_check_opts.ownership). Each owner's name is screened like a
 * party (through the same cache); an owner counts as caught when it
 * matches an entry of the rule's lists in force on the date, or when its
 * own caught owners hold the threshold (the chain, at most
 * EMB_TXN_MAX_OWNER_DEPTH deep, each company visited once). With
 * `aggregate` the shares of caught owners add up; without it one owner
 * must hold the threshold alone. The reason shows the chain.
 */
#include <stdio.h>
#include <string.h>

#include "embargo/ownership.h"
#include "rules_internal.h"

#define MAX_LINKS 256
/* Companies whose owners one party's walk may examine, and file
 * companies remembered: past either, the answer is cannot_determine. */
#define MAX_VISITS 4096
#define MAX_MEMO 1024

typedef struct p_own {
  const char **lists;
  size_t n_lists;
  double threshold;
  int aggregate;
  uint8_t roles;
  emb__items items;
  int use_entry_terms;
  emb_outcome outcome;
  const char *note;
} p_own;

emb_status emb__parse_ownership(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "lists", "threshold_pct",   "aggregate",     "roles", "items",
      "note",  "use_entry_terms", "determination", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_own *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v;
  if ((st = emb__p_lists(c, p, &x->lists, &x->n_lists)) != EMB_OK) return st;
  v = json_object_get(p, "threshold_pct");
  if (v == NULL) return emb__perr(c, "threshold_pct", "missing (e.g. 50)");
  if ((st = emb__p_pct(c, "threshold_pct", v, &x->threshold)) != EMB_OK)
    return st;
  if (x->threshold <= 0)
    return emb__perr(c, "threshold_pct", "must be more than 0");
  x->aggregate = 1;
  if ((st = emb__p_opt_bool(c, p, "aggregate", &x->aggregate)) != EMB_OK)
    return st;
  if ((st = emb__p_opt_roles(c, p, &x->roles)) != EMB_OK ||
      (st = emb__p_opt_items(c, p, &x->items)) != EMB_OK ||
      (st = emb__p_opt_bool(c, p, "use_entry_terms", &x->use_entry_terms)) !=
          EMB_OK ||
      (st = emb__p_determination(c, p, &x->outcome)) != EMB_OK ||
      (st = emb__p_note(c, p, &x->note)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

typedef struct walk {
  emb__ectx *c;
  const p_own *x;
  size_t party;
  emb_owner_link links[MAX_LINKS];
  size_t n_links;
  const emb_party_hit *hits[MAX_LINKS];
  size_t n_hits;
  /* Keys of the companies on the current path, against cycles. */
  const char *path[EMB_TXN_MAX_OWNER_DEPTH + 2];
  size_t path_len[EMB_TXN_MAX_OWNER_DEPTH + 2];
  int depth;
  /* The share caught owners hold in each file company already walked:
   * cross-holdings then cost one walk per company, not one per path. */
  const emb__own *memo_of[MAX_MEMO];
  double memo_share[MAX_MEMO];
  size_t n_memo;
  size_t visits;
  int cut; /* depth or size limit reached: some owners not examined */
} walk;

static int on_lists(const p_own *x, const emb_entity *e) {
  for (size_t i = 0; e->list && i < x->n_lists; i++)
    if (strcmp(e->list, x->lists[i]) == 0) return 1;
  return 0;
}

/* The entry of the rule's lists that name matches best and that is in
 * force on the date, as a hit in the determination's arena; NULL when
 * none (or on error: then c->st is set). */
static const emb_party_hit *listed(walk *w, const char *name, size_t len) {
  emb__ectx *c = w->c;
  if (c->ix == NULL) return NULL;
  emb__scr *s = NULL;
  emb_status st = emb__scr_get(c->cache, c->rs, c->ix, name, len, &s);
  if (st != EMB_OK) {
    /* A name that cannot be screened (bad UTF-8) is not listed; an
     * allocation failure stops the determination. */
    if (st == EMB_ENOMEM) c->st = st;
    return NULL;
  }
  emb_party_hit *best = NULL;
  for (size_t k = 0; k < s->n_hits; k++) {
    const emb__scr_hit *sh = &s->hits[k];
    if (!sh->match || !on_lists(w->x, sh->entity)) continue;
    if (best && sh->score <= best->score) continue;
    emb_party_hit h = {.party = w->party,
                       .entity = sh->entity,
                       .matched_name = sh->matched_name,
                       .score = sh->score,
                       .match = 1};
    emb__hit_listing(c, &h);
    if (!h.in_force) continue;
    if (best == NULL) {
      best = emb__arena_alloc(&c->d->arena, sizeof(*best));
      if (best == NULL) {
        c->st = EMB_ENOMEM;
        break;
      }
    }
    *best = h;
  }
  if (!s->cached) emb__scr_free(s);
  return best;
}

static double owned(walk *w, const char *name, size_t len,
                    const emb__txn_owner *owners, size_t n, const char *src);

/* The owners of a company the transaction names without owners: from the
 * ownership file. */
static double owned_by_file(walk *w, const char *name, size_t len) {
  const emb__own *e = emb__own_find(w->c->ownership, name, len);
  if (e == NULL) return 0;
  for (size_t i = 0; i < w->n_memo; i++)
    if (w->memo_of[i] == e) return w->memo_share[i];
  double share = owned(w, name, len, e->owners, e->n_owners, "ownership file");
  if (w->n_memo < MAX_MEMO) {
    w->memo_of[w->n_memo] = e;
    w->memo_share[w->n_memo++] = share;
  } else {
    w->cut = 1;
  }
  return share;
}

/* The share of company `name` that caught owners hold, recording the
 * links of those owners (and of the chains that caught them). */
static double owned(walk *w, const char *name, size_t len,
                    const emb__txn_owner *owners, size_t n, const char *src) {
  if (n == 0) return 0;
  /* Owners at most EMB_TXN_MAX_OWNER_DEPTH levels above the party, and a
   * bounded number of companies examined: beyond, say so rather than
   * clear the party. */
  if (w->depth >= EMB_TXN_MAX_OWNER_DEPTH || ++w->visits > MAX_VISITS) {
    w->cut = 1;
    return 0;
  }
  char key[EMB_MAX_QUERY + 1];
  size_t kn = emb__own_key(name, len, key, sizeof(key));
  for (int i = 0; i < w->depth; i++)
    if (w->path_len[i] == kn && memcmp(w->path[i], key, kn) == 0) return 0;
  w->path[w->depth] = key;
  w->path_len[w->depth] = kn;
  w->depth++;
  double total = 0;
  for (size_t i = 0; i < n && w->c->st == EMB_OK; i++) {
    const emb__txn_owner *o = &owners[i];
    size_t mark = w->n_links, hmark = w->n_hits;
    const emb_party_hit *h = listed(w, o->name, o->name_len);
    int caught = h != NULL;
    if (!caught) {
      double sub = o->n_owners ? owned(w, o->name, o->name_len, o->owners,
                                       o->n_owners, src)
                               : owned_by_file(w, o->name, o->name_len);
      caught = sub >= w->x->threshold - 1e-9;
      if (!caught) {
        w->n_links = mark; /* the chain below did not catch it */
        w->n_hits = hmark;
      }
    } else if (w->n_hits < MAX_LINKS) {
      w->hits[w->n_hits++] = h;
    }
    if (!caught) continue;
    /* Past MAX_LINKS the chain shown is cut short; the share counts. */
    if (w->n_links < MAX_LINKS) {
      emb_owner_link *l = &w->links[w->n_links++];
      l->owned = name;
      l->owner = o->name;
      l->share_pct = o->share_pct;
      l->depth = w->depth;
      l->caught = 1;
      l->entity = h ? h->entity : NULL;
      l->source = src;
    }
    if (w->x->aggregate)
      total += o->share_pct;
    else if (o->share_pct > total)
      total = o->share_pct;
  }
  w->depth--;
  return total;
}

/* The reasons of party p, caught with `share` through w's chain: one per
 * item group, each with the chain (copied: names point into the
 * transaction or the ownership file, which the determination outlives). */
static void add_caught(emb__ectx *c, const emb__rule *r, const p_own *x,
                       const walk *w, size_t p, double share) {
  size_t before = c->n_reasons;
  emb__add_item_reasons(c, r, x->outcome, &x->items, w->hits, w->n_hits);
  emb_owner_link *chain =
      emb__arena_alloc(&c->d->arena, w->n_links * sizeof(*chain));
  if (chain == NULL) {
    c->st = EMB_ENOMEM;
    return;
  }
  /* Links were recorded bottom-up; show them from the party. */
  for (size_t i = 0; i < w->n_links; i++) {
    emb_owner_link *l = &chain[i];
    *l = w->links[w->n_links - 1 - i];
    l->owned = emb__arena_strndup(&c->d->arena, l->owned, strlen(l->owned));
    l->owner = emb__arena_strndup(&c->d->arena, l->owner, strlen(l->owner));
    if (l->owned == NULL || l->owner == NULL) {
      c->st = EMB_ENOMEM;
      return;
    }
  }
  for (size_t i = before; i < c->n_reasons; i++) {
    emb_reason *q = &c->reasons[i];
    if (emb__reason_set_parties(c, q, &p, 1) != 0) return;
    q->chain = chain;
    q->n_chain = w->n_links;
    q->owned_pct = share;
    q->note = x->note;
    if (x->use_entry_terms && w->n_hits) {
      const emb_entity *e = w->hits[0]->entity;
      if (e->license_policy) q->policy = e->license_policy;
      q->requirement = e->license_requirement;
    }
  }
}

/* Not caught by the owners examined, but some were not examined: no
 * answer rather than a clean one. */
static void add_cut(emb__ectx *c, const emb__rule *r, size_t p, double share) {
  emb_reason *q = emb__add_reason(c, r, EMB_CANNOT_DETERMINE, NULL, 0, NULL, 0);
  if (q == NULL || emb__reason_set_parties(c, q, &p, 1) != 0) return;
  q->missing = "owners";
  q->detail =
      "the chain of owners is deeper than 8 levels or has more companies "
      "than embargo examines for one party; the owners beyond were not "
      "examined";
  q->owned_pct = share;
}

void emb__eval_ownership(emb__ectx *c, const emb__rule *r) {
  const p_own *x = r->params;
  if (c->ix == NULL) return; /* listed_party rules say nobody was screened */
  for (size_t p = 0; p < c->n_parties && c->st == EMB_OK; p++) {
    const emb__txn_party *tp = &c->t->parties[p];
    if (!(x->roles & (1u << tp->role))) continue;
    /* Most parties have no known owners: nothing to walk. */
    const emb__own *file =
        tp->n_owners ? NULL
                     : emb__own_find(c->ownership, tp->name, tp->name_len);
    if (tp->n_owners == 0 && file == NULL) continue;
    /* A party that is itself on one of the lists is the listed-party
     * rule's; the ownership rule is for the unlisted. */
    int direct = 0;
    for (size_t k = 0; k < c->parties[p].n_hits && !direct; k++) {
      const emb_party_hit *h = &c->parties[p].hits[k];
      direct = emb__hit_counts(h) && on_lists(x, h->entity);
    }
    if (direct) continue;
    walk *w = calloc(1, sizeof(*w));
    if (w == NULL) {
      c->st = EMB_ENOMEM;
      return;
    }
    w->c = c;
    w->x = x;
    w->party = p;
    double share = tp->n_owners ? owned(w, tp->name, tp->name_len, tp->owners,
                                        tp->n_owners, "transaction")
                                : owned(w, tp->name, tp->name_len, file->owners,
                                        file->n_owners, "ownership file");
    int caught = share >= x->threshold - 1e-9;
    if (c->st == EMB_OK && !caught && w->cut) add_cut(c, r, p, share);
    if (c->st == EMB_OK && caught && w->n_links)
      add_caught(c, r, x, w, p, share);
    free(w);
  }
}
