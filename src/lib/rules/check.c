/* emb_check: the determination of one transaction under a rule set.
 *
 * DESIGN: four steps, each cheap. (1) Classify each item once: its ECCN
 * record from the reference data, or why there is none. (2) Screen each
 * party once (through the caller's cache when there is one) and note for
 * every matching hit whether its entry was listed on the date. (3) Per
 * regime, decide for each item whether it is subject (US origin, in the
 * US, then the de_minimis and foreign_direct_product rules); an item that
 * cannot be decided gets a CANNOT_DETERMINE reason naming the missing
 * fact, never "not subject" by default. (4) Run every other rule in force
 * on the date over the subject items; each adds its reasons. The outcome
 * of a regime is the strictest of its reasons. Nothing here formats text:
 * summaries and JSON are built on demand (result.c).
 */
#include <stdlib.h>
#include <string.h>

#include "rules_internal.h"

const char *emb_outcome_name(emb_outcome o) {
  switch (o) {
    case EMB_NO_LICENSE_REQUIRED:
      return "no_license_required";
    case EMB_CANNOT_DETERMINE:
      return "cannot_determine";
    case EMB_LICENSE_REQUIRED:
      return "license_required";
    case EMB_PROHIBITED:
      return "prohibited";
  }
  return "cannot_determine";
}

int emb__txn_has_end_use(const struct emb_txn *t, const char *s) {
  for (size_t i = 0; i < t->n_end_uses; i++)
    if (strcmp(t->end_uses[i], s) == 0) return 1;
  return 0;
}

static void *alloc(emb__ectx *c, size_t n) {
  void *p = emb__arena_alloc(&c->d->arena, n ? n : 1);
  if (p == NULL && c->st == EMB_OK) c->st = EMB_ENOMEM;
  return p;
}

emb_reason *emb__add_reason(emb__ectx *c, const emb__rule *r, emb_outcome o,
                            const size_t *items, size_t n_items,
                            const emb_party_hit *const *parties,
                            size_t n_parties) {
  if (c->st != EMB_OK) return NULL;
  if ((c->n_reasons & (c->n_reasons - 1)) == 0) {
    size_t cap = c->n_reasons ? c->n_reasons * 2 : 8;
    emb_reason *nr = realloc(c->reasons, cap * sizeof(*nr));
    if (nr == NULL) {
      c->st = EMB_ENOMEM;
      return NULL;
    }
    c->reasons = nr;
  }
  emb_reason *x = &c->reasons[c->n_reasons];
  memset(x, 0, sizeof(*x));
  x->outcome = o;
  x->owned_pct = -1;
  if (r) {
    x->rule = r->id;
    x->kind = r->kind_name;
    x->title = r->title;
    x->citation = r->citation;
    x->policy = r->policy;
    x->exceptions = r->exceptions;
    x->n_exceptions = r->n_exceptions;
    x->rule_summary = r->summary;
    x->verified = r->verified;
    x->remarks = r->remarks;
  } else {
    x->kind = "subject";
    x->verified = 1;
  }
  if (n_items) {
    size_t *it = alloc(c, n_items * sizeof(*it));
    if (it == NULL) return NULL;
    memcpy(it, items, n_items * sizeof(*it));
    x->items = it;
    x->n_items = n_items;
  }
  if (n_parties) {
    const emb_party_hit **ph = alloc(c, n_parties * sizeof(*ph));
    size_t *pi = alloc(c, n_parties * sizeof(*pi));
    if (ph == NULL || pi == NULL) return NULL;
    memcpy(ph, parties, n_parties * sizeof(*ph));
    x->parties = ph;
    x->n_parties = n_parties;
    /* The parties behind the hits, ascending and once each. */
    size_t k = 0;
    for (size_t p = 0; p < c->n_parties; p++)
      for (size_t i = 0; i < n_parties; i++)
        if (parties[i]->party == p) {
          pi[k++] = p;
          break;
        }
    x->party_indexes = pi;
    x->n_party_indexes = k;
  }
  c->n_reasons++;
  return x;
}

int emb__items_match(const emb__ectx *c, const emb__items *p, size_t i) {
  const emb__item_st *it = &c->items[i];
  switch (p->mode) {
    case EMB__ITEMS_ALL:
      return 1;
    case EMB__ITEMS_SUPP2:
      if (it->cls == EMB__CLS_EAR99) return 0;
      if (it->cls == EMB__CLS_KNOWN) return it->rec->supp2;
      return -1;
    default:
      break;
  }
  if (it->cls == EMB__CLS_MISSING) return -1;
  for (size_t k = 0; k < p->n_eccns; k++)
    if (p->eccns[k].code == it->code &&
        emb__para_match(p->eccns[k].para, p->eccns[k].para_len, it->para,
                        it->para_len))
      return 1;
  if (p->n_prefixes && it->code != EMB__EAR99) {
    char name[6];
    emb__eccn_name(it->code, name);
    for (size_t k = 0; k < p->n_prefixes; k++)
      if (strncmp(name, p->prefixes[k], strlen(p->prefixes[k])) == 0) return 1;
  }
  return 0;
}

size_t emb__add_item_reasons(emb__ectx *c, const emb__rule *r, emb_outcome o,
                             const emb__items *p,
                             const emb_party_hit *const *parties,
                             size_t n_parties) {
  size_t yes[EMB_TXN_MAX_ITEMS], unk[EMB_TXN_MAX_ITEMS], ny = 0, nu = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    if (c->items[i].st.subject != 1) continue;
    int m = emb__items_match(c, p, i);
    if (m > 0)
      yes[ny++] = i;
    else if (m < 0)
      unk[nu++] = i;
  }
  size_t before = c->n_reasons;
  if (ny) emb__add_reason(c, r, o, yes, ny, parties, n_parties);
  if (nu) {
    emb_reason *x = emb__add_reason(c, r, EMB_CANNOT_DETERMINE, unk, nu,
                                    parties, n_parties);
    if (x) {
      x->missing = "eccn";
      x->detail =
          "the item's classification decides whether the rule "
          "covers it";
    }
  }
  return c->n_reasons - before;
}

int emb__reason_set_parties(emb__ectx *c, emb_reason *q, const size_t *parties,
                            size_t n) {
  size_t *pi = alloc(c, n * sizeof(*pi));
  if (pi == NULL) return -1;
  memcpy(pi, parties, n * sizeof(*pi));
  q->party_indexes = pi;
  q->n_party_indexes = n;
  return 0;
}

size_t emb__party_hits(const emb__ectx *c, uint8_t roles,
                       int (*keep)(const emb_party_hit *h, const void *arg),
                       const void *arg, const emb_party_hit **out, size_t cap) {
  size_t n = 0;
  for (size_t p = 0; p < c->n_parties; p++) {
    if (!(roles & (1u << c->parties[p].role))) continue;
    /* A party is the entry it matches best: weaker matches of the same
     * name (a parent's subsidiaries, say) are shown under screening but
     * do not stand behind the rule. Entries tied at the best score all
     * count. */
    double best = -1;
    for (size_t k = 0; k < c->parties[p].n_hits; k++) {
      const emb_party_hit *h = &c->parties[p].hits[k];
      if (emb__hit_counts(h) && (keep == NULL || keep(h, arg)) &&
          h->score > best)
        best = h->score;
    }
    for (size_t k = 0; k < c->parties[p].n_hits && n < cap; k++) {
      const emb_party_hit *h = &c->parties[p].hits[k];
      if (emb__hit_counts(h) && h->score >= best - 1e-9 &&
          (keep == NULL || keep(h, arg)))
        out[n++] = h;
    }
  }
  return n;
}

/* ---- Step 1: classification. ---- */

static void classify(emb__ectx *c) {
  for (size_t i = 0; i < c->n_items; i++) {
    const emb__txn_item *ti = &c->t->items[i];
    emb__item_st *it = &c->items[i];
    it->code = ti->code;
    it->para = ti->para;
    it->para_len = ti->para_len;
    it->foreign = ti->origin >= 0 && ti->origin != EMB__CC_US;
    if (ti->eccn == NULL) {
      it->cls = EMB__CLS_MISSING;
    } else if (ti->code == EMB__EAR99) {
      it->cls = EMB__CLS_EAR99;
    } else if ((it->rec = emb__ref_eccn(c->ref, ti->code)) == NULL) {
      it->cls = EMB__CLS_UNKNOWN;
    } else if (it->rec->from > c->date ||
               (it->rec->until && it->rec->until < c->date)) {
      it->cls = EMB__CLS_NOT_YET;
    } else {
      it->cls = EMB__CLS_KNOWN;
    }
  }
}

/* ---- Step 2: screening. ---- */

void emb__hit_listing(const emb__ectx *c, emb_party_hit *h) {
  const emb_entity *e = h->entity;
  emb__day from = 0;
  h->listed_basis = "unknown";
  if (e->start_date &&
      emb__day_parse(e->start_date, strlen(e->start_date), &from)) {
    h->listed_from = e->start_date;
    h->listed_basis = "start_date";
  } else {
    const emb__frdoc *doc = emb__ref_fr_first(c->ref, e->citation);
    if (doc) {
      from = doc->effective;
      h->listed_from = doc->date;
      h->listed_basis = "federal_register";
    }
  }
  h->in_force = from <= c->date;
  if (e->end_date) {
    h->removed_on = e->end_date;
    if (strcmp(e->end_date, c->d->date) <= 0) h->in_force = 0;
  }
}

static emb_status screen_parties(emb__ectx *c, emb_check_cache *cache) {
  emb_determination *d = c->d;
  if (cache) emb__cache_begin(cache, c->rs, c->ix);
  for (size_t p = 0; p < c->n_parties; p++) {
    const emb__txn_party *tp = &c->t->parties[p];
    emb__party_st *ps = &c->parties[p];
    ps->role = tp->role;
    /* The same name twice in one transaction is screened once. */
    for (size_t q = 0; q < p && ps->scr == NULL; q++)
      if (c->t->parties[q].name_len == tp->name_len &&
          memcmp(c->t->parties[q].name, tp->name, tp->name_len) == 0)
        ps->scr = c->parties[q].scr;
    if (ps->scr == NULL) {
      emb_status st =
          emb__scr_get(cache, c->rs, c->ix, tp->name, tp->name_len, &ps->scr);
      if (st != EMB_OK) return st;
    }
    emb_party_screening *pub = &d->parties[p];
    pub->role = emb__role_names[tp->role];
    pub->name = tp->name;
    if (tp->country >= 0) {
      char *cc = alloc(c, 3);
      if (cc == NULL) return EMB_ENOMEM;
      emb__cc_str(tp->country, cc);
      pub->country = cc;
    }
    size_t n = ps->scr->n_hits;
    ps->hits = alloc(c, n * sizeof(*ps->hits));
    if (ps->hits == NULL) return EMB_ENOMEM;
    for (size_t k = 0; k < n; k++) {
      const emb__scr_hit *sh = &ps->scr->hits[k];
      emb_party_hit *h = &ps->hits[k];
      h->party = p;
      h->entity = sh->entity;
      h->matched_name = sh->matched_name;
      h->score = sh->score;
      h->match = sh->match;
      if (h->match) emb__hit_listing(c, h);
    }
    ps->n_hits = n;
    pub->hits = ps->hits;
    pub->n_hits = n;
  }
  return EMB_OK;
}

/* ---- Step 3: is each item subject? ---- */

static int in_force(const emb__rule *r, emb__day date) {
  return r->from <= date && (r->until == 0 || date <= r->until);
}

static void missing_reason(emb__ectx *c, const char *fact, const char *detail,
                           const char *citation) {
  size_t items[EMB_TXN_MAX_ITEMS], n = 0;
  for (size_t i = 0; i < c->n_items; i++)
    if (c->items[i].st.subject == -1 && c->items[i].st.missing == fact &&
        c->items[i].st.rule == NULL)
      items[n++] = i;
  if (n == 0) return;
  emb_reason *x =
      emb__add_reason(c, NULL, EMB_CANNOT_DETERMINE, items, n, NULL, 0);
  if (x) {
    x->missing = fact;
    x->detail = detail;
    x->citation = citation;
    x->title = "Is the item subject to the EAR?";
  }
}

static void subject_phase(emb__ectx *c, const emb__regime *g) {
  static const char *const in_us = "15 CFR 734.3(a)(1)";
  static const char *const us_origin = "15 CFR 734.3(a)(2)";
  static const char *const foreign = "15 CFR 734.3(a)(3)-(4), 734.4, 734.9";
  const int us = EMB__CC_US;
  for (size_t i = 0; i < c->n_items; i++) {
    emb__item_st *it = &c->items[i];
    const emb__txn_item *ti = &c->t->items[i];
    emb_item_status *st = &it->st;
    memset(st, 0, sizeof(*st));
    st->eccn = ti->eccn;
    st->pct = st->limit_pct = -1;
    if (!g->us_ear) {
      st->subject = 1;
      st->basis = "in the regime's scope";
    } else if (ti->origin == us) {
      st->subject = 1;
      st->basis = "US-origin item";
      st->citation = us_origin;
    } else if (c->from == us) {
      /* Every item in the United States is subject, whatever its origin. */
      st->subject = 1;
      st->basis = "in the United States";
      st->citation = in_us;
    } else {
      st->subject = EMB__SUBJ_OPEN;
      st->citation = foreign;
    }
  }
  if (!g->us_ear) return;
  /* De minimis first, then the foreign direct product rules, which may
   * still bring an item under the EAR that de minimis leaves out. */
  for (int pass = 0; pass < 2; pass++) {
    int kind = pass == 0 ? EMB__K_DE_MINIMIS : EMB__K_FDP;
    for (size_t k = 0; k < c->rs->n_rules; k++) {
      const emb__rule *r = &c->rs->rules[k];
      if (r->regime != c->regime || r->kind != kind || !in_force(r, c->date))
        continue;
      emb__kinds[kind].eval(c, r);
    }
  }
  static const char *const no_origin = "origin";
  static const char *const no_rule = "de_minimis_rule";
  size_t no_orig[EMB_TXN_MAX_ITEMS], n_no_orig = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    emb_item_status *st = &c->items[i].st;
    if (st->subject == 1) continue;
    /* Without its origin an item not otherwise subject may still be of
     * US origin: whatever de minimis said, it is undecided. */
    if (c->t->items[i].origin < 0) {
      no_orig[n_no_orig++] = i;
      if (st->subject != -1) {
        st->subject = -1;
        st->rule = NULL;
        st->citation = foreign;
        st->missing = no_origin;
        st->basis = "origin not given";
      }
      continue;
    }
    if (st->subject != EMB__SUBJ_OPEN) continue;
    st->subject = -1;
    st->rule = NULL;
    st->missing = no_rule;
    st->basis = "no de minimis rule in force covers the item";
  }
  if (n_no_orig) {
    emb_reason *x = emb__add_reason(c, NULL, EMB_CANNOT_DETERMINE, no_orig,
                                    n_no_orig, NULL, 0);
    if (x) {
      x->missing = no_origin;
      x->detail =
          "the item's country of origin (\"origin\") decides "
          "whether it is subject to the EAR";
      x->citation = foreign;
      x->title = "Is the item subject to the EAR?";
    }
  }
  missing_reason(c, no_rule,
                 "no de minimis rule in force on the date covers this "
                 "foreign-made item",
                 foreign);
}

/* ---- Step 4 and assembly. ---- */

static emb_status run_regime(emb__ectx *c, size_t g) {
  const emb__regime *reg = &c->rs->regimes[g];
  c->regime = g;
  c->n_reasons = 0;
  subject_phase(c, reg);
  for (size_t k = 0; k < c->rs->n_rules && c->st == EMB_OK; k++) {
    const emb__rule *r = &c->rs->rules[k];
    if (r->regime != g || emb__kinds[r->kind].subject_phase ||
        !in_force(r, c->date))
      continue;
    emb__kinds[r->kind].eval(c, r);
  }
  if (c->st != EMB_OK) return c->st;
  emb_regime_result *res = &c->d->regimes[c->d->n_regimes++];
  res->regime = reg->name;
  res->outcome = EMB_NO_LICENSE_REQUIRED;
  emb_reason *reasons = alloc(c, c->n_reasons * sizeof(*reasons));
  emb_item_status *items = alloc(c, c->n_items * sizeof(*items));
  if (reasons == NULL || items == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < c->n_reasons; i++) {
    reasons[i] = c->reasons[i];
    if (reasons[i].outcome > res->outcome) res->outcome = reasons[i].outcome;
  }
  for (size_t i = 0; i < c->n_items; i++) items[i] = c->items[i].st;
  res->reasons = reasons;
  res->n_reasons = c->n_reasons;
  res->items = items;
  res->n_items = c->n_items;
  if (res->outcome > c->d->outcome) c->d->outcome = res->outcome;
  return EMB_OK;
}

/* Which regimes to apply: those the caller selected (all by default)
 * whose jurisdiction the transaction touches. */
static emb_status select_regimes(emb__ectx *c, const emb_check_opts *opts) {
  const emb_ruleset *rs = c->rs;
  size_t n_sel = opts && opts->regimes ? opts->n_regimes : 0;
  for (size_t i = 0; i < n_sel; i++)
    if (emb_ruleset_regime_find(rs, opts->regimes[i]) < 0) return EMB_ENOTFOUND;
  for (size_t i = 0; i < rs->n_regimes; i++) {
    size_t g = rs->regime_order[i];
    const emb__regime *reg = &rs->regimes[g];
    emb_regime_scope *s = &c->d->scope[i];
    s->regime = reg->name;
    s->title = reg->title;
    s->jurisdiction = reg->jurisdiction;
    s->selected = n_sel == 0;
    for (size_t k = 0; k < n_sel && !s->selected; k++)
      s->selected = strcmp(opts->regimes[k], reg->name) == 0;
    const char *why = NULL;
    int touched = emb__regime_applies(rs, g, c->t, &why);
    if (!s->selected) {
      s->why = "not selected (--regime)";
    } else if (touched || n_sel == 0) {
      s->applies = touched;
      s->why = why;
    } else {
      /* Named explicitly: applied even though its jurisdiction's
       * conditions do not hold (a US person abroad, say). */
      char buf[700];
      emb__fmt(buf, sizeof(buf), "selected explicitly, although %s", why);
      s->applies = 1;
      s->why = emb__arena_strndup(&c->d->arena, buf, strlen(buf));
      if (s->why == NULL) return EMB_ENOMEM;
    }
  }
  return EMB_OK;
}

static emb_status keep_facts(emb__ectx *c) {
  emb_determination *d = c->d;
  const struct emb_txn *t = c->t;
  emb__cc_str(t->to, d->to);
  emb__cc_str(t->from, d->from);
  d->activity = t->activity;
  d->n_items = t->n_items;
  d->item_eccns = alloc(c, t->n_items * sizeof(char *));
  d->item_descriptions = alloc(c, t->n_items * sizeof(char *));
  if (d->item_eccns == NULL || d->item_descriptions == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < t->n_items; i++) {
    d->item_eccns[i] = t->items[i].eccn;
    d->item_descriptions[i] = t->items[i].description;
  }
  return EMB_OK;
}

/* Copies the transaction's strings the determination shows, so the
 * transaction may be freed first. */
static emb_status copy_strings(emb__ectx *c) {
  emb_determination *d = c->d;
  emb__arena *a = &d->arena;
  if (d->activity && (d->activity = emb__arena_strndup(
                          a, d->activity, strlen(d->activity))) == NULL)
    return EMB_ENOMEM;
  for (size_t i = 0; i < d->n_items; i++) {
    const char **s[2] = {&d->item_eccns[i], &d->item_descriptions[i]};
    for (int k = 0; k < 2; k++)
      if (*s[k] &&
          (*s[k] = emb__arena_strndup(a, *s[k], strlen(*s[k]))) == NULL)
        return EMB_ENOMEM;
  }
  for (size_t p = 0; p < d->n_parties; p++) {
    const emb__txn_party *tp = &c->t->parties[p];
    d->parties[p].name = emb__arena_strndup(a, tp->name, tp->name_len);
    if (d->parties[p].name == NULL) return EMB_ENOMEM;
  }
  /* The regimes' item statuses point at the ECCNs as given. */
  for (size_t g = 0; g < d->n_regimes; g++) {
    emb_item_status *items = (emb_item_status *)d->regimes[g].items;
    for (size_t i = 0; i < d->regimes[g].n_items; i++)
      items[i].eccn = d->item_eccns[i];
  }
  return EMB_OK;
}

emb_status emb_check_ex(const emb_ruleset *rs, const emb_index *ix,
                        const emb_txn *t, const emb_check_opts *opts,
                        emb_determination **out) {
  *out = NULL;
  if (rs == NULL || t == NULL) return EMB_EINVAL;
  const char *as_of = opts ? opts->as_of : NULL;
  emb__day date = 0;
  const char *source;
  if (as_of) {
    if (!emb__day_parse(as_of, strlen(as_of), &date)) return EMB_EDATE;
    source = "as_of";
  } else if (t->date) {
    date = t->date;
    source = "transaction";
  } else {
    date = emb__day_today();
    source = "today";
  }
  emb_determination *d = calloc(1, sizeof(*d));
  if (d == NULL) return EMB_ENOMEM;
  d->rs = rs;
  d->ix = ix;
  d->screened = ix != NULL;
  d->date_source = source;
  emb__day_format(date, d->date);
  emb__ectx c = {.rs = rs,
                 .ref = &rs->ref,
                 .ix = ix,
                 .t = t,
                 .d = d,
                 .date = date,
                 .to = t->to,
                 .from = t->from,
                 .n_items = t->n_items,
                 .n_parties = t->n_parties};
  c.items = alloc(&c, t->n_items * sizeof(*c.items));
  c.parties = alloc(&c, t->n_parties * sizeof(*c.parties));
  d->parties = alloc(&c, t->n_parties * sizeof(*d->parties));
  d->regimes = alloc(&c, (rs->n_regimes + 1) * sizeof(*d->regimes));
  d->scope = alloc(&c, (rs->n_regimes + 1) * sizeof(*d->scope));
  d->n_parties = t->n_parties;
  d->n_scope = rs->n_regimes;
  c.ownership = opts ? opts->ownership : NULL;
  c.cache = opts ? opts->cache : NULL;
  emb_status st = c.st;
  if (st == EMB_OK) st = select_regimes(&c, opts);
  if (st == EMB_OK) st = keep_facts(&c);
  if (st == EMB_OK) {
    classify(&c);
    st = screen_parties(&c, c.cache);
  }
  for (size_t i = 0; st == EMB_OK && i < rs->n_regimes; i++)
    if (d->scope[i].applies) st = run_regime(&c, rs->regime_order[i]);
  if (st == EMB_OK) st = copy_strings(&c);
  /* Screening results the cache does not keep belong to this call. */
  for (size_t p = 0; c.parties && p < c.n_parties; p++) {
    emb__scr *s = c.parties[p].scr;
    if (s == NULL || s->cached) continue;
    for (size_t q = p + 1; q < c.n_parties; q++)
      if (c.parties[q].scr == s) c.parties[q].scr = NULL;
    emb__scr_free(s);
  }
  free(c.reasons);
  if (st != EMB_OK) {
    emb_determination_free(d);
    return st;
  }
  *out = d;
  return EMB_OK;
}

emb_status emb_check(const emb_ruleset *rs, const emb_index *ix,
                     const emb_txn *t, const char *as_of,
                     emb_determination **out) {
  emb_check_opts o = {.as_of = as_of, .cache = NULL};
  return emb_check_ex(rs, ix, t, &o, out);
}

void emb_determination_free(emb_determination *d) {
  if (d == NULL) return;
  emb__arena_free(&d->arena);
  free(d);
}

emb_outcome emb_determination_outcome(const emb_determination *d) {
  return d->outcome;
}
const char *emb_determination_date(const emb_determination *d) {
  return d->date;
}
const char *emb_determination_date_source(const emb_determination *d) {
  return d->date_source;
}
size_t emb_determination_regime_count(const emb_determination *d) {
  return d->n_regimes;
}
const emb_regime_result *emb_determination_regime(const emb_determination *d,
                                                  size_t i) {
  return &d->regimes[i];
}
size_t emb_determination_scope_count(const emb_determination *d) {
  return d->n_scope;
}
const emb_regime_scope *emb_determination_scope(const emb_determination *d,
                                                size_t i) {
  return &d->scope[i];
}
size_t emb_determination_party_count(const emb_determination *d) {
  return d->n_parties;
}
const emb_party_screening *emb_determination_party(const emb_determination *d,
                                                   size_t i) {
  return &d->parties[i];
}
