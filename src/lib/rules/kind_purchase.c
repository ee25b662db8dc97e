/* Rule kind purchase_ban: a buyer-side procurement ban. A buyer with
 * certain flags (e.g. a critical information infrastructure operator in
 * China) must not buy products of named suppliers (Micron, CAC decision
 * of 21 May 2023). The suppliers are matched by name, as `embargo
 * compare` does, against the transaction's supplier parties and the
 * items' manufacturers.
 */
#include <string.h>

#include "rules_internal.h"

typedef struct p_purchase {
  const char **flags; /* the buyer carries one of them */
  size_t n_flags;
  emb__dest buyers; /* the buyer's country (or the destination) */
  int have_buyers;
  const char **names; /* suppliers */
  size_t n_names;
  const char **activities;
  size_t n_activities;
  uint8_t roles; /* the buyer's roles */
  emb_outcome outcome;
  const char *note;
} p_purchase;

emb_status emb__parse_purchase_ban(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {"buyer_flags",   "buyer_countries",
                                     "buyer_roles",   "suppliers",
                                     "activities",    "note",
                                     "determination", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_purchase *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "buyer_flags");
  if (v == NULL)
    return emb__perr(c, "buyer_flags", "missing (e.g. [\"ciio\"])");
  if ((st = emb__p_strings(c, "buyer_flags", v, 64, emb__is_ident,
                           "a flag word [a-z0-9_]+", &x->flags, &x->n_flags)) !=
      EMB_OK)
    return st;
  if (x->n_flags == 0) return emb__perr(c, "buyer_flags", "empty");
  if ((v = json_object_get(p, "buyer_countries"))) {
    if ((st = emb__p_dest(c, "buyer_countries", v, &x->buyers)) != EMB_OK)
      return st;
    x->have_buyers = 1;
  }
  x->roles = (1u << EMB__ROLE_PURCHASER) | (1u << EMB__ROLE_END_USER);
  if ((v = json_object_get(p, "buyer_roles")) &&
      (st = emb__p_roles(c, "buyer_roles", v, &x->roles)) != EMB_OK)
    return st;
  v = json_object_get(p, "suppliers");
  if (v == NULL) return emb__perr(c, "suppliers", "missing");
  static const char *const skeys[] = {"names", NULL};
  if (!json_is_object(v))
    return emb__perr(c, "suppliers", "not an object {\"names\": [...]}");
  if ((st = emb__p_keys(c, "suppliers", v, skeys)) != EMB_OK) return st;
  json_t *names = json_object_get(v, "names");
  if (names == NULL) return emb__perr(c, "suppliers.names", "missing");
  if ((st = emb__p_strings(c, "suppliers.names", names, 1024, NULL, NULL,
                           &x->names, &x->n_names)) != EMB_OK)
    return st;
  if (x->n_names == 0) return emb__perr(c, "suppliers.names", "empty");
  static const char *const purchase[] = {"purchase"};
  x->activities = (const char **)purchase;
  x->n_activities = 1;
  if ((st = emb__p_activities(c, p, 0, &x->activities, &x->n_activities)) !=
          EMB_OK ||
      (st = emb__p_determination(c, p, &x->outcome)) != EMB_OK ||
      (st = emb__p_note(c, p, &x->note)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

/* The supplier name of the rule that name[0..len) is (emb_compare at the
 * default threshold), or NULL. */
static const char *supplier_named(const emb__ectx *c, const p_purchase *x,
                                  const char *name, size_t len) {
  for (size_t k = 0; k < x->n_names; k++) {
    emb_result *res = NULL;
    if (emb_compare(c->ix, name, len, x->names[k], strlen(x->names[k]),
                    EMB_TYPE_UNKNOWN, 0, &res) != EMB_OK)
      continue;
    int yes = emb_result_count(res) > 0 && emb_result_hit(res, 0)->match;
    emb_result_free(res);
    if (yes) return x->names[k];
  }
  return NULL;
}

static int has_flag(const emb__txn_party *tp, const p_purchase *x) {
  for (size_t i = 0; i < tp->n_flags; i++)
    for (size_t k = 0; k < x->n_flags; k++)
      if (strcmp(tp->flags[i], x->flags[k]) == 0) return 1;
  return 0;
}

void emb__eval_purchase_ban(emb__ectx *c, const emb__rule *r) {
  const p_purchase *x = r->params;
  const char *act = c->t->activity ? c->t->activity : "export";
  int on = 0;
  for (size_t i = 0; i < x->n_activities && !on; i++)
    on = strcmp(act, x->activities[i]) == 0;
  if (!on) return;
  /* Buyers, then supplier parties not already among them. */
  size_t parties[2 * EMB_TXN_MAX_PARTIES], n_parties = 0;
  for (size_t p = 0; p < c->n_parties; p++) {
    const emb__txn_party *tp = &c->t->parties[p];
    if (!(x->roles & (1u << tp->role)) || !has_flag(tp, x)) continue;
    int cc = tp->country >= 0 ? tp->country : c->to;
    if (x->have_buyers && !emb__dest_match(c->ref, &x->buyers, cc)) continue;
    parties[n_parties++] = p;
  }
  if (n_parties == 0) return;
  size_t n_buyers = n_parties;
  if (c->ix == NULL) {
    emb_reason *q =
        emb__add_reason(c, r, EMB_CANNOT_DETERMINE, NULL, 0, NULL, 0);
    if (q) {
      q->missing = "screening";
      q->detail = "the supplier's name was not compared (no lists loaded)";
    }
    return;
  }
  const char *named = NULL;
  int have_supplier = 0;
  for (size_t p = 0; p < c->n_parties; p++) {
    const emb__txn_party *tp = &c->t->parties[p];
    if (tp->role != EMB__ROLE_SUPPLIER) continue;
    have_supplier = 1;
    const char *s = supplier_named(c, x, tp->name, tp->name_len);
    if (s) {
      if (named == NULL) named = s;
      int dup = 0;
      for (size_t k = 0; k < n_buyers && !dup; k++) dup = parties[k] == p;
      if (!dup && n_parties < sizeof(parties) / sizeof(parties[0]))
        parties[n_parties++] = p;
    }
  }
  size_t items[EMB_TXN_MAX_ITEMS], n_items = 0, unk[EMB_TXN_MAX_ITEMS],
                                   n_unk = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    const emb__txn_item *ti = &c->t->items[i];
    if (ti->manufacturer == NULL) {
      unk[n_unk++] = i;
      continue;
    }
    const char *s =
        supplier_named(c, x, ti->manufacturer, ti->manufacturer_len);
    if (s) {
      if (named == NULL) named = s;
      items[n_items++] = i;
    }
  }
  if (named) {
    /* Sold by a named supplier: every item; else the items it made. */
    if (n_parties > n_buyers) {
      n_items = c->n_items;
      for (size_t i = 0; i < n_items; i++) items[i] = i;
    }
    emb_reason *q = emb__add_reason(c, r, x->outcome, items, n_items, NULL, 0);
    if (q == NULL || emb__reason_set_parties(c, q, parties, n_parties) != 0)
      return;
    q->matched = named;
    q->note = x->note;
    if (n_parties > n_buyers) return; /* the seller decided every item */
  }
  if (!have_supplier && n_unk) {
    /* Nobody says who made the items: the ban may reach them. */
    emb_reason *q =
        emb__add_reason(c, r, EMB_CANNOT_DETERMINE, unk, n_unk, NULL, 0);
    if (q) {
      q->missing = "manufacturer";
      q->detail =
          "the buyer is covered by this procurement ban; the item's maker "
          "(items[].manufacturer) or the supplier party decides";
    }
  }
}
