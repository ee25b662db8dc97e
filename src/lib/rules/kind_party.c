/* Rule kinds about who the parties are: listed_party (a party is on a
 * list, e.g. the Entity List, §744.11) and informed_party (BIS informed
 * the exporter by letter that a party needs a licence, e.g. §744.21(b)).
 */
#include <string.h>

#include "rules_internal.h"

typedef struct p_listed {
  const char **lists;
  size_t n_lists;
  uint8_t roles;
  emb_outcome outcome;
  emb__items items;
  int use_entry_terms;
  const char *note;
} p_listed;

typedef struct p_informed {
  const char **names;
  size_t n_names;
  size_t name_base; /* index of names[0] among the set's informed names */
  const char **entity_ids;
  size_t n_entity_ids;
  int include_related;
  uint8_t roles;
  emb__items items;
  emb__dest dest;
  int have_dest;
  emb_outcome outcome;
} p_informed;

static int is_entity_id(const char *s, size_t n) {
  const char *colon = memchr(s, ':', n);
  if (colon == NULL || colon == s || colon == s + n - 1 || n > 200) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= ' ') return 0;
  return 1;
}

emb_status emb__parse_listed_party(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "lists", "roles", "determination", "items", "use_entry_terms",
      "note",  NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_listed *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  if ((st = emb__p_lists(c, p, &x->lists, &x->n_lists)) != EMB_OK ||
      (st = emb__p_opt_roles(c, p, &x->roles)) != EMB_OK ||
      (st = emb__p_determination(c, p, &x->outcome)) != EMB_OK ||
      (st = emb__p_opt_items(c, p, &x->items)) != EMB_OK ||
      (st = emb__p_opt_bool(c, p, "use_entry_terms", &x->use_entry_terms)) !=
          EMB_OK ||
      (st = emb__p_note(c, p, &x->note)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

static int on_lists(const emb_party_hit *h, const void *arg) {
  const p_listed *x = arg;
  const char *list = h->entity->list;
  if (list == NULL) return 0;
  for (size_t i = 0; i < x->n_lists; i++)
    if (strcmp(list, x->lists[i]) == 0) return 1;
  return 0;
}

/* "history FROM..UNTIL" for record t, in the determination's arena;
 * NULL on out of memory (then c->st is set). */
static const char *history_basis(emb__ectx *c, const emb_terms *t) {
  char buf[48];
  emb__fmt(buf, sizeof(buf), "history %s..%s", t->from,
           t->until ? t->until : "open");
  char *p = emb__arena_strndup(&c->d->arena, buf, strlen(buf));
  if (p == NULL) c->st = EMB_ENOMEM;
  return p;
}

/* The rule's citation followed by the record's: "a; b". */
static const char *joined_citation(emb__ectx *c, const char *a, const char *b) {
  if (a == NULL) return b;
  size_t na = strlen(a), nb = strlen(b);
  char *p = emb__arena_alloc(&c->d->arena, na + 2 + nb + 1);
  if (p == NULL) {
    c->st = EMB_ENOMEM;
    return NULL;
  }
  memcpy(p, a, na);
  memcpy(p + na, "; ", 2);
  memcpy(p + na + 2, b, nb + 1);
  return p;
}

void emb__eval_listed_party(emb__ectx *c, const emb__rule *r) {
  const p_listed *x = r->params;
  if (c->ix == NULL) {
    /* Without an index nobody was screened: say so when the rule could
     * concern a party. */
    for (size_t p = 0; p < c->n_parties; p++)
      if (x->roles & (1u << c->parties[p].role)) {
        emb_reason *e =
            emb__add_reason(c, r, EMB_CANNOT_DETERMINE, NULL, 0, NULL, 0);
        if (e) {
          e->missing = "screening";
          e->detail = "the parties were not screened against the lists";
        }
        return;
      }
    return;
  }
  const emb_party_hit *hits[EMB__MAX_REASON_HITS];
  size_t n =
      emb__party_hits(c, x->roles, on_lists, x, hits, EMB__MAX_REASON_HITS);
  /* One reason per listed entry: each entry has its own licence
   * requirement and review policy. */
  for (size_t i = 0; i < n; i++) {
    const emb_entity *e = hits[i]->entity;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) seen = hits[j]->entity == e;
    if (seen) continue;
    const emb_party_hit *same[EMB__MAX_REASON_HITS];
    size_t k = 0;
    for (size_t j = i; j < n; j++)
      if (hits[j]->entity == e) same[k++] = hits[j];
    size_t before = c->n_reasons;
    emb__add_item_reasons(c, r, x->outcome, &x->items, same, k);
    /* The terms of the entry on the determination date: a dated record
     * of its history when one covers the date, else its current terms.
     * Today's policy must not be shown for a shipment made under an
     * earlier one. */
    const emb_terms *t =
        x->use_entry_terms ? emb_entity_terms_at(e, c->d->date) : NULL;
    const char *basis = NULL, *citation = NULL;
    if (t && c->n_reasons > before) {
      basis = history_basis(c, t);
      citation = joined_citation(c, r->citation, t->citation);
      if (basis == NULL || citation == NULL) return;
    }
    /* Every reason added here for this entry gets its terms. */
    for (size_t qi = before; qi < c->n_reasons; qi++) {
      emb_reason *q = &c->reasons[qi];
      if (t) {
        if (t->license_policy) q->policy = t->license_policy;
        q->requirement = t->license_requirement;
        q->citation = citation;
        q->terms_basis = basis;
        q->terms = t;
      } else if (x->use_entry_terms) {
        if (e->license_policy) q->policy = e->license_policy;
        q->requirement = e->license_requirement;
        q->terms_basis = "current";
      }
      q->note = x->note;
    }
  }
}

emb_status emb__parse_informed_party(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "names", "entity_ids",   "include_related", "roles",
      "items", "destinations", "determination",   NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_informed *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "names");
  if (v && (st = emb__p_strings(c, "names", v, EMB_MAX_QUERY, NULL, NULL,
                                &x->names, &x->n_names)) != EMB_OK)
    return st;
  v = json_object_get(p, "entity_ids");
  if (v && (st = emb__p_strings(c, "entity_ids", v, 200, is_entity_id,
                                "an entity id (LIST:key)", &x->entity_ids,
                                &x->n_entity_ids)) != EMB_OK)
    return st;
  if (x->n_names + x->n_entity_ids == 0)
    return emb__perr(c, "names",
                     "missing: a letter names at least one "
                     "party (names or entity_ids)");
  if ((v = json_object_get(p, "include_related")) &&
      (st = emb__p_bool(c, "include_related", v, &x->include_related)) !=
          EMB_OK)
    return st;
  if (x->include_related && x->n_entity_ids == 0)
    return emb__perr(c, "include_related",
                     "needs entity_ids: relations are between list entries");
  x->roles = EMB__ROLES_ALL;
  if ((v = json_object_get(p, "roles")) &&
      (st = emb__p_roles(c, "roles", v, &x->roles)) != EMB_OK)
    return st;
  x->items.mode = EMB__ITEMS_ALL;
  if ((v = json_object_get(p, "items")) &&
      (st = emb__p_items(c, "items", v, &x->items)) != EMB_OK)
    return st;
  if ((v = json_object_get(p, "destinations"))) {
    if ((st = emb__p_dest(c, "destinations", v, &x->dest)) != EMB_OK) return st;
    x->have_dest = 1;
  }
  v = json_object_get(p, "determination");
  if (v == NULL) return emb__perr(c, "determination", "missing");
  if ((st = emb__p_outcome(c, "determination", v, &x->outcome)) != EMB_OK)
    return st;
  x->name_base = c->rs->n_informed_names;
  c->rs->n_informed_names += x->n_names;
  *out = x;
  return EMB_OK;
}

/* Whether hit h's entry is one the letter names (or, with
 * include_related, related to one). The entry's listing date does not
 * matter: the lists only identify the company here. */
static int names_entity(const p_informed *x, const emb_party_hit *h) {
  const emb_entity *e = h->entity;
  for (size_t i = 0; i < x->n_entity_ids; i++) {
    if (strcmp(e->id, x->entity_ids[i]) == 0) return 1;
    for (size_t k = 0; x->include_related && k < e->n_relations; k++)
      if (strcmp(e->relations[k].target_id, x->entity_ids[i]) == 0) return 1;
  }
  return 0;
}

void emb__eval_informed_party(emb__ectx *c, const emb__rule *r) {
  const p_informed *x = r->params;
  if (x->have_dest && !emb__dest_match(c->ref, &x->dest, c->to)) return;
  const emb_party_hit *hits[EMB__MAX_REASON_HITS];
  size_t n_hits = 0, parties[EMB_TXN_MAX_PARTIES], n_parties = 0;
  const char *named = NULL;
  for (size_t p = 0; p < c->n_parties; p++) {
    const emb__party_st *ps = &c->parties[p];
    if (!(x->roles & (1u << ps->role))) continue;
    int found = 0;
    for (size_t k = 0; k < x->n_names && !found; k++)
      if (emb__scr_informed(ps->scr, c->ix, x->name_base + k, x->names[k])) {
        found = 1;
        if (named == NULL) named = x->names[k];
      }
    for (size_t k = 0; k < ps->n_hits && n_hits < EMB__MAX_REASON_HITS; k++)
      if (ps->hits[k].match && names_entity(x, &ps->hits[k])) {
        hits[n_hits++] = &ps->hits[k];
        found = 1;
      }
    if (found) parties[n_parties++] = p;
  }
  if (n_parties == 0) return;
  size_t before = c->n_reasons;
  emb__add_item_reasons(c, r, x->outcome, &x->items, hits, n_hits);
  for (size_t i = before; i < c->n_reasons; i++) {
    emb_reason *q = &c->reasons[i];
    q->matched = named;
    /* The parties a letter names may have no screening hit: list them. */
    if (q->n_party_indexes < n_parties &&
        emb__reason_set_parties(c, q, parties, n_parties) != 0)
      return;
  }
}
