/* Rule kinds that decide whether a foreign-made item is subject to the
 * EAR: de_minimis (§734.4, its share of controlled US content) and
 * foreign_direct_product (§734.9, the direct product of US technology
 * for a listed entity with a footnote, which also needs a licence).
 *
 * Both run in the subject phase (check.c) on items not yet known to be
 * subject. An item ends subject when any rule says so; else undecided
 * when any rule lacks a fact; else not subject. */
#include <string.h>

#include "rules_internal.h"

typedef struct threshold {
  emb__dest dest;
  double max_pct;
} threshold;

typedef struct p_de_minimis {
  threshold *thresholds;
  size_t n_thresholds;
  double default_pct;
  emb__eccn_ref *zero;
  size_t n_zero;
  emb__dest dest;
  int have_dest;
  emb__items items;
  int have_items;
} p_de_minimis;

typedef struct p_fdp {
  const char **footnotes;
  size_t n_footnotes;
  uint8_t roles;
  emb__items items;
  emb__day savings_until;
  const char *savings_condition; /* what spares a shipment, or NULL */
  emb_outcome outcome;
} p_fdp;

static const char *const fact_pct = "us_content_pct";
static const char *const fact_dp = "direct_product_of_us_technology";
static const char *const fact_eccn = "eccn";
static const char *const fact_savings = "savings_condition";

/* Marks item i undecided for want of fact under rule r, unless it is
 * already subject. Returns whether the item is now undecided by r. */
static int undecided(emb__item_st *it, const emb__rule *r, const char *fact) {
  if (it->st.subject == 1) return 0;
  if (it->st.subject != -1) {
    it->st.subject = -1;
    it->st.missing = fact;
    it->st.rule = r->id;
    it->st.citation = r->citation;
    it->st.basis =
        fact == fact_pct ? "the US content share is needed"
        : fact == fact_dp
            ? "whether it is a direct product of US technology is needed"
        : fact == fact_savings
            ? "whether a savings clause spares the shipment is needed"
            : "the item's classification is needed";
  }
  return 1;
}

static void add_missing(emb__ectx *c, const emb__rule *r, const char *fact,
                        const char *detail, const size_t *items, size_t n,
                        const emb_party_hit *const *hits, size_t n_hits) {
  if (n == 0) return;
  emb_reason *x =
      emb__add_reason(c, r, EMB_CANNOT_DETERMINE, items, n, hits, n_hits);
  if (x) {
    x->missing = fact;
    x->detail = detail;
  }
}

/* ---- de_minimis ---- */

emb_status emb__parse_de_minimis(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "thresholds", "default_pct", "zero_eccns", "destinations", "items", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_de_minimis *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "thresholds");
  if (v) {
    if (!json_is_array(v))
      return emb__perr(c, "thresholds",
                       "not an array of "
                       "{\"destinations\":{...},\"max_pct\":N}");
    x->n_thresholds = json_array_size(v);
    x->thresholds = emb__arena_alloc(
        &c->rs->arena, (x->n_thresholds + 1) * sizeof(*x->thresholds));
    if (x->thresholds == NULL) return EMB_ENOMEM;
    for (size_t i = 0; i < x->n_thresholds; i++) {
      static const char *const tkeys[] = {"destinations", "max_pct", NULL};
      char f[80], fi[100];
      emb__fmt(f, sizeof(f), "thresholds[%zu]", i);
      json_t *t = json_array_get(v, i);
      if (!json_is_object(t)) return emb__perr(c, f, "not an object");
      if ((st = emb__p_keys(c, f, t, tkeys)) != EMB_OK) return st;
      emb__fmt(fi, sizeof(fi), "%s.destinations", f);
      json_t *d = json_object_get(t, "destinations");
      if (d == NULL) return emb__perr(c, fi, "missing");
      if ((st = emb__p_dest(c, fi, d, &x->thresholds[i].dest)) != EMB_OK)
        return st;
      emb__fmt(fi, sizeof(fi), "%s.max_pct", f);
      json_t *m = json_object_get(t, "max_pct");
      if (m == NULL) return emb__perr(c, fi, "missing");
      if ((st = emb__p_pct(c, fi, m, &x->thresholds[i].max_pct)) != EMB_OK)
        return st;
    }
  }
  v = json_object_get(p, "default_pct");
  if (v == NULL) return emb__perr(c, "default_pct", "missing");
  if ((st = emb__p_pct(c, "default_pct", v, &x->default_pct)) != EMB_OK)
    return st;
  v = json_object_get(p, "zero_eccns");
  if (v) {
    if (!json_is_array(v))
      return emb__perr(c, "zero_eccns", "not an array of ECCNs");
    x->n_zero = json_array_size(v);
    x->zero =
        emb__arena_alloc(&c->rs->arena, (x->n_zero + 1) * sizeof(*x->zero));
    if (x->zero == NULL) return EMB_ENOMEM;
    for (size_t i = 0; i < x->n_zero; i++) {
      char f[80];
      emb__fmt(f, sizeof(f), "zero_eccns[%zu]", i);
      if ((st = emb__p_eccn(c, f, json_array_get(v, i), 0, &x->zero[i])) !=
          EMB_OK)
        return st;
    }
  }
  if ((v = json_object_get(p, "destinations"))) {
    if ((st = emb__p_dest(c, "destinations", v, &x->dest)) != EMB_OK) return st;
    x->have_dest = 1;
  }
  if ((v = json_object_get(p, "items"))) {
    if ((st = emb__p_items(c, "items", v, &x->items)) != EMB_OK) return st;
    x->have_items = 1;
  }
  *out = x;
  return EMB_OK;
}

/* 1 when the item is one of the zero ECCNs, 0 when not, -1 when its
 * classification is not known. */
static int zero_eccn(const p_de_minimis *x, const emb__item_st *it) {
  if (x->n_zero == 0) return 0;
  if (it->cls == EMB__CLS_MISSING) return -1;
  for (size_t k = 0; k < x->n_zero; k++)
    if (x->zero[k].code == it->code &&
        emb__para_match(x->zero[k].para, x->zero[k].para_len, it->para,
                        it->para_len))
      return 1;
  return 0;
}

void emb__eval_de_minimis(emb__ectx *c, const emb__rule *r) {
  const p_de_minimis *x = r->params;
  if (x->have_dest && !emb__dest_match(c->ref, &x->dest, c->to)) return;
  double limit = x->default_pct;
  for (size_t k = 0; k < x->n_thresholds; k++)
    if (emb__dest_match(c->ref, &x->thresholds[k].dest, c->to)) {
      limit = x->thresholds[k].max_pct;
      break;
    }
  size_t no_pct[EMB_TXN_MAX_ITEMS], no_eccn[EMB_TXN_MAX_ITEMS];
  size_t n_pct = 0, n_eccn = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    emb__item_st *it = &c->items[i];
    if (it->st.subject == 1) continue;
    int m = x->have_items ? emb__items_match(c, &x->items, i) : 1;
    if (m == 0) continue;
    if (m < 0) {
      if (undecided(it, r, fact_eccn)) no_eccn[n_eccn++] = i;
      continue;
    }
    int zero = zero_eccn(x, it);
    double lim = zero > 0 ? 0 : limit;
    double pct = c->t->items[i].us_content_pct;
    if (pct < 0 && lim >= 100 && zero == 0) pct = 0; /* cannot exceed it */
    if (pct < 0) {
      if (undecided(it, r, fact_pct)) no_pct[n_pct++] = i;
      continue;
    }
    if (pct > lim) {
      it->st.subject = 1;
      it->st.basis =
          "de minimis: its controlled US content exceeds the "
          "level for the destination";
    } else if (zero < 0 && pct > 0) {
      if (undecided(it, r, fact_eccn)) no_eccn[n_eccn++] = i;
      continue;
    } else if (it->st.subject == EMB__SUBJ_OPEN) {
      it->st.subject = 0;
      it->st.basis =
          "de minimis: its controlled US content does not exceed "
          "the level for the destination";
    } else {
      continue;
    }
    it->st.rule = r->id;
    it->st.citation = r->citation;
    it->st.pct = pct;
    it->st.limit_pct = lim;
    it->st.missing = NULL;
  }
  add_missing(c, r, fact_pct,
              "the share of controlled US-origin content decides whether "
              "the foreign-made item is subject to the EAR (de minimis)",
              no_pct, n_pct, NULL, 0);
  add_missing(c, r, fact_eccn,
              "the item's classification decides which de minimis level "
              "applies",
              no_eccn, n_eccn, NULL, 0);
}

/* ---- foreign_direct_product ---- */

static int is_footnote(const char *s, size_t n) {
  if (n == 0 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

emb_status emb__parse_fdp(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "footnotes",         "roles",         "items", "savings_until",
      "savings_condition", "determination", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_fdp *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "footnotes");
  if (v == NULL) return emb__perr(c, "footnotes", "missing");
  if ((st = emb__p_strings(c, "footnotes", v, 3, is_footnote,
                           "an Entity List footnote number (e.g. \"1\")",
                           &x->footnotes, &x->n_footnotes)) != EMB_OK)
    return st;
  if (x->n_footnotes == 0) return emb__perr(c, "footnotes", "empty");
  if ((st = emb__p_opt_roles(c, p, &x->roles)) != EMB_OK ||
      (st = emb__p_opt_items(c, p, &x->items)) != EMB_OK)
    return st;
  if ((v = json_object_get(p, "savings_until")) && !json_is_null(v) &&
      (st = emb__p_date(c, "savings_until", v, &x->savings_until)) != EMB_OK)
    return st;
  if ((v = json_object_get(p, "savings_condition"))) {
    if ((st = emb__p_string(c, "savings_condition", v, 1000,
                            &x->savings_condition)) != EMB_OK)
      return st;
    if (x->savings_until == 0)
      return emb__perr(c, "savings_condition", "needs savings_until");
  }
  v = json_object_get(p, "determination");
  if (v == NULL) return emb__perr(c, "determination", "missing");
  if ((st = emb__p_outcome(c, "determination", v, &x->outcome)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

typedef struct fdp_arg {
  const p_fdp *x;
  const char *date; /* the determination date, YYYY-MM-DD */
} fdp_arg;

/* Whether the entry carried one of the rule's footnotes on the date: the
 * footnotes of the history record in force then, else the current ones
 * (an entry may have been given a footnote only by a later revision). */
static int has_footnote(const emb_party_hit *h, const void *arg) {
  const fdp_arg *a = arg;
  const emb_entity *e = h->entity;
  const emb_terms *t = emb_entity_terms_at(e, a->date);
  const char *const *fn = t ? t->footnotes : e->footnotes;
  size_t n = t ? t->n_footnotes : e->n_footnotes;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < a->x->n_footnotes; k++)
      if (strcmp(fn[i], a->x->footnotes[k]) == 0) return 1;
  return 0;
}

void emb__eval_fdp(emb__ectx *c, const emb__rule *r) {
  const p_fdp *x = r->params;
  /* Shipments on or before the savings clause's last day are not caught,
   * or, when the clause spares only some of them, the transaction must say
   * whether it is one of those. */
  int saved = x->savings_until && c->date <= x->savings_until;
  if (saved && x->savings_condition == NULL) return;
  if (c->from == EMB__CC_US) return; /* items in the US are subject anyway */
  const emb_party_hit *hits[EMB__MAX_REASON_HITS];
  fdp_arg fa = {x, c->d->date};
  size_t n_hits = emb__party_hits(c, x->roles, has_footnote, &fa, hits,
                                  EMB__MAX_REASON_HITS);
  if (n_hits == 0) return;
  size_t fire[EMB_TXN_MAX_ITEMS], no_dp[EMB_TXN_MAX_ITEMS];
  size_t no_eccn[EMB_TXN_MAX_ITEMS], no_save[EMB_TXN_MAX_ITEMS];
  size_t nf = 0, nd = 0, ne = 0, ns = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    emb__item_st *it = &c->items[i];
    const emb__txn_item *ti = &c->t->items[i];
    if (ti->origin == EMB__CC_US) continue; /* not foreign-produced */
    int m = emb__items_match(c, &x->items, i);
    if (m == 0 || ti->direct_product == 0) continue;
    if (m > 0 && ti->direct_product > 0 && saved) {
      if (undecided(it, r, fact_savings)) no_save[ns++] = i;
    } else if (m > 0 && ti->direct_product > 0) {
      fire[nf++] = i;
      it->st.subject = 1;
      it->st.basis =
          "foreign direct product of US technology or software "
          "for a listed entity";
      it->st.rule = r->id;
      it->st.citation = r->citation;
      it->st.missing = NULL;
    } else if (m < 0) {
      if (undecided(it, r, fact_eccn)) no_eccn[ne++] = i;
    } else if (undecided(it, r, fact_dp)) {
      no_dp[nd++] = i;
    }
  }
  if (nf) emb__add_reason(c, r, x->outcome, fire, nf, hits, n_hits);
  add_missing(c, r, fact_dp,
              "a listed party carries a footnote of this rule: whether the "
              "item is a direct product of US technology or software "
              "decides",
              no_dp, nd, hits, n_hits);
  add_missing(c, r, fact_eccn,
              "the item's classification decides whether the rule covers "
              "it",
              no_eccn, ne, hits, n_hits);
  add_missing(c, r, fact_savings, x->savings_condition, no_save, ns, hits,
              n_hits);
}
