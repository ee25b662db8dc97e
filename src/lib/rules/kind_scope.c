/* Rule kinds about what goes where and for what: country_chart (the
 * item's reasons for control against the Commerce Country Chart, §738.4),
 * embargo (Part 746 destinations), end_use (Part 744 end-use and end-user
 * rules) and us_person (§744.6 activities of US persons). */
#include <string.h>

#include "rules_internal.h"

typedef struct p_chart {
  const char **skip;
  size_t n_skip;
} p_chart;

typedef struct p_embargo {
  emb__dest dest;
  emb__items items;
  emb_outcome outcome;
} p_embargo;

typedef struct p_end_use {
  const char **end_uses;
  size_t n_end_uses;
  const char **lists;
  size_t n_lists;
  emb__items items;
  emb__dest dest;
  emb__dest from; /* the exporting country, when have_from */
  int have_from;
  emb_outcome outcome;
} p_end_use;

typedef struct p_us_person {
  const char **activities;
  size_t n_activities;
  const char **end_uses;
  size_t n_end_uses;
  emb__dest dest;
  emb_outcome outcome;
} p_us_person;

static int is_reason_code(const char *s, size_t n) {
  if (n < 2 || n > 3) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < 'A' || s[i] > 'Z') return 0;
  return 1;
}

static emb_status need_dest(emb__pctx *c, json_t *p, emb__dest *d) {
  json_t *v = json_object_get(p, "destinations");
  if (v == NULL) return emb__perr(c, "destinations", "missing");
  return emb__p_dest(c, "destinations", v, d);
}

static emb_status need_outcome(emb__pctx *c, json_t *p, emb_outcome *o) {
  json_t *v = json_object_get(p, "determination");
  if (v == NULL) return emb__perr(c, "determination", "missing");
  return emb__p_outcome(c, "determination", v, o);
}

static emb_status opt_items(emb__pctx *c, json_t *p, emb__items *it) {
  json_t *v = json_object_get(p, "items");
  it->mode = EMB__ITEMS_ALL;
  it->text = "all items subject to the EAR";
  return v ? emb__p_items(c, "items", v, it) : EMB_OK;
}

/* ---- country_chart ---- */

emb_status emb__parse_country_chart(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {"skip_reasons", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_chart *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "skip_reasons");
  if (v && (st = emb__p_strings(c, "skip_reasons", v, 3, is_reason_code,
                                "a reason for control (e.g. \"AT\")", &x->skip,
                                &x->n_skip)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

static int skipped(const p_chart *x, const char *reason) {
  for (size_t i = 0; i < x->n_skip; i++)
    if (strcmp(x->skip[i], reason) == 0) return 1;
  return 0;
}

static int control_covers(const emb__control *ctl, const emb__item_st *it) {
  if (ctl->n_paras == 0) return 1;
  for (size_t k = 0; k < ctl->n_paras; k++)
    if (emb__para_match(ctl->paras[k], ctl->para_lens[k], it->para,
                        it->para_len))
      return 1;
  return 0;
}

void emb__eval_country_chart(emb__ectx *c, const emb__rule *r) {
  const p_chart *x = r->params;
  const emb__ref *ref = c->ref;
  int row = c->to;
  if (row >= 0 && !emb__cset_has(&ref->chart_rows, row) &&
      ref->same_as[row] >= 0)
    row = ref->same_as[row];
  int has_row = row >= 0 && emb__cset_has(&ref->chart_rows, row);
  /* Embargoed destinations have a row with no X that points to Part 746;
   * the embargo rules answer for them. */
  int part746 =
      c->to >= 0 && (ref->part746[c->to] || (row >= 0 && ref->part746[row]));
  size_t unk[3][EMB_TXN_MAX_ITEMS], n_unk[3] = {0, 0, 0};
  size_t no_row[EMB_TXN_MAX_ITEMS], n_no_row = 0;
  for (size_t i = 0; i < c->n_items; i++) {
    const emb__item_st *it = &c->items[i];
    if (it->st.subject != 1 || it->cls == EMB__CLS_EAR99) continue;
    if (it->cls != EMB__CLS_KNOWN) {
      int k = it->cls == EMB__CLS_MISSING   ? 0
              : it->cls == EMB__CLS_UNKNOWN ? 1
                                            : 2;
      unk[k][n_unk[k]++] = i;
      continue;
    }
    int needs_row = 0, fired = 0;
    const emb__control *refers[16];
    size_t n_refers = 0;
    for (size_t k = 0; k < it->rec->n_controls; k++) {
      const emb__control *ctl = &it->rec->controls[k];
      if (skipped(x, ctl->reason) || !control_covers(ctl, it)) continue;
      int fires;
      if (ctl->refer) {
        /* Text the data cannot decide: undecided unless another control
         * of the item requires a licence. */
        if ((ctl->dest == NULL || emb__dest_match(ref, ctl->dest, c->to)) &&
            n_refers < 16)
          refers[n_refers++] = ctl;
        continue;
      }
      if (ctl->column >= 0) {
        if (!has_row) {
          needs_row |= !part746;
          continue;
        }
        fires = (ref->chart[row] >> ctl->column) & 1u;
      } else {
        fires = emb__dest_match(ref, ctl->dest, c->to);
      }
      if (!fires) continue;
      emb_reason *q =
          emb__add_reason(c, r, EMB_LICENSE_REQUIRED, &i, 1, NULL, 0);
      if (q == NULL) return;
      q->control = ctl->display;
      q->paragraph = ctl->paragraphs;
      q->detail = ctl->note;
      fired = 1;
    }
    for (size_t k = 0; k < n_refers && !fired; k++) {
      emb_reason *q =
          emb__add_reason(c, r, EMB_CANNOT_DETERMINE, &i, 1, NULL, 0);
      if (q == NULL) return;
      q->missing = "referenced_provision";
      q->control = refers[k]->display;
      q->paragraph = refers[k]->paragraphs;
      q->detail = refers[k]->note;
    }
    if (needs_row && !fired) no_row[n_no_row++] = i;
  }
  static const char *const details[3] = {
      "no ECCN was given: the item's classification (an ECCN or EAR99) is "
      "needed",
      "the ECCN is not in the reference data (ref/eccn.jsonl)",
      "the ECCN was not in force on the date: the item's classification on "
      "that date is needed"};
  for (int k = 0; k < 3; k++) {
    if (n_unk[k] == 0) continue;
    emb_reason *q =
        emb__add_reason(c, r, EMB_CANNOT_DETERMINE, unk[k], n_unk[k], NULL, 0);
    if (q == NULL) return;
    q->missing = "eccn";
    q->detail = details[k];
  }
  if (n_no_row) {
    emb_reason *q =
        emb__add_reason(c, r, EMB_CANNOT_DETERMINE, no_row, n_no_row, NULL, 0);
    if (q == NULL) return;
    q->missing = "country_chart_row";
    q->detail = "the destination has no row in ref/country-chart.json";
  }
}

/* ---- embargo ---- */

emb_status emb__parse_embargo(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {"destinations", "items", "determination",
                                     NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_embargo *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  if ((st = need_dest(c, p, &x->dest)) != EMB_OK ||
      (st = opt_items(c, p, &x->items)) != EMB_OK ||
      (st = need_outcome(c, p, &x->outcome)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

void emb__eval_embargo(emb__ectx *c, const emb__rule *r) {
  const p_embargo *x = r->params;
  if (!emb__dest_match(c->ref, &x->dest, c->to)) return;
  emb__add_item_reasons(c, r, x->outcome, &x->items, NULL, 0);
}

/* ---- end_use ---- */

emb_status emb__parse_end_use(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {
      "end_uses",      "end_user_lists", "items", "destinations",
      "determination", "from",           NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_end_use *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "from");
  if (v) {
    if ((st = emb__p_dest(c, "from", v, &x->from)) != EMB_OK) return st;
    x->have_from = 1;
  }
  v = json_object_get(p, "end_uses");
  if (v && (st = emb__p_strings(c, "end_uses", v, 64, emb__is_ident,
                                "an end use [a-z0-9_]+", &x->end_uses,
                                &x->n_end_uses)) != EMB_OK)
    return st;
  v = json_object_get(p, "end_user_lists");
  if (v && (st = emb__p_strings(c, "end_user_lists", v, 16, emb__is_code,
                                "a list code (e.g. \"MEU\")", &x->lists,
                                &x->n_lists)) != EMB_OK)
    return st;
  if (x->n_end_uses + x->n_lists == 0)
    return emb__perr(c, "end_uses",
                     "missing: the rule needs end_uses or "
                     "end_user_lists");
  if ((st = need_dest(c, p, &x->dest)) != EMB_OK ||
      (st = opt_items(c, p, &x->items)) != EMB_OK ||
      (st = need_outcome(c, p, &x->outcome)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

static int on_end_user_lists(const emb_party_hit *h, const void *arg) {
  const p_end_use *x = arg;
  const char *list = h->entity->list;
  for (size_t i = 0; list && i < x->n_lists; i++)
    if (strcmp(list, x->lists[i]) == 0) return 1;
  return 0;
}

void emb__eval_end_use(emb__ectx *c, const emb__rule *r) {
  const p_end_use *x = r->params;
  if (!emb__dest_match(c->ref, &x->dest, c->to) ||
      (x->have_from && !emb__dest_match(c->ref, &x->from, c->from)))
    return;
  const char *use = NULL;
  for (size_t i = 0; i < x->n_end_uses && use == NULL; i++)
    if (emb__txn_has_end_use(c->t, x->end_uses[i])) use = x->end_uses[i];
  const emb_party_hit *hits[EMB__MAX_REASON_HITS];
  size_t n_hits = 0;
  if (x->n_lists)
    n_hits = emb__party_hits(c, EMB__ROLES_ALL, on_end_user_lists, x, hits,
                             EMB__MAX_REASON_HITS);
  if (use == NULL && n_hits == 0) return;
  size_t before = c->n_reasons;
  emb__add_item_reasons(c, r, x->outcome, &x->items, hits, n_hits);
  for (size_t i = before; i < c->n_reasons; i++) c->reasons[i].matched = use;
}

/* ---- us_person ---- */

emb_status emb__parse_us_person(emb__pctx *c, json_t *p, void **out) {
  static const char *const keys[] = {"activities", "end_uses", "destinations",
                                     "determination", NULL};
  emb_status st = emb__p_keys(c, "", p, keys);
  if (st != EMB_OK) return st;
  p_us_person *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "activities");
  if (v == NULL) return emb__perr(c, "activities", "missing");
  if ((st = emb__p_strings(c, "activities", v, 64, emb__is_ident,
                           "an activity [a-z0-9_]+", &x->activities,
                           &x->n_activities)) != EMB_OK)
    return st;
  if (x->n_activities == 0) return emb__perr(c, "activities", "empty");
  v = json_object_get(p, "end_uses");
  if (v && (st = emb__p_strings(c, "end_uses", v, 64, emb__is_ident,
                                "an end use [a-z0-9_]+", &x->end_uses,
                                &x->n_end_uses)) != EMB_OK)
    return st;
  if ((st = need_dest(c, p, &x->dest)) != EMB_OK ||
      (st = need_outcome(c, p, &x->outcome)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

void emb__eval_us_person(emb__ectx *c, const emb__rule *r) {
  const p_us_person *x = r->params;
  const char *act = NULL;
  for (size_t i = 0; i < x->n_activities && act == NULL; i++)
    if (c->t->activity && strcmp(c->t->activity, x->activities[i]) == 0)
      act = x->activities[i];
  if (act == NULL || !emb__dest_match(c->ref, &x->dest, c->to)) return;
  int use = x->n_end_uses == 0;
  for (size_t i = 0; i < x->n_end_uses && !use; i++)
    use = emb__txn_has_end_use(c->t, x->end_uses[i]);
  if (!use) return;
  emb_reason *q = emb__add_reason(c, r, x->outcome, NULL, 0, NULL, 0);
  if (q) q->matched = act;
}
