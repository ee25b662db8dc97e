/* Rule kinds for national control lists (the Netherlands, Japan, China,
 * the EU dual-use list): control_list (an item on a list, to a
 * destination, for an activity, needs a licence) and licence_revocation
 * (a dated event: licences granted before a date no longer cover the
 * items they named).
 *
 * DESIGN: embargo cannot classify an item against every national list,
 * so the transaction says how the exporter classified it, per scheme
 * ("classification": {"NL": "3B001.l"}); "none" means on no entry. A
 * missing classification is a missing fact, never "not controlled".
 */
#include <string.h>
#include <strings.h>

#include "rules_internal.h"

typedef struct p_codes {
  const char *scheme;
  const char **codes;
  size_t n_codes;
  emb__dest dest;
  emb__dest from; /* exported from (have_from) */
  int have_from;
  const char **activities; /* NULL: every activity but "purchase" */
  size_t n_activities;
  emb_outcome outcome;
  const char *note;
  emb__day granted_before; /* licence_revocation */
  char missing[48];        /* "classification.NL" */
} p_codes;

/* A rule's code: "none" stands for no entry, so no rule can name it. */
static int is_code(const char *s, size_t n) {
  return emb__is_list_code(s, n) && strcmp(s, "none") != 0;
}

/* The params of both kinds: control_list takes "activities",
 * licence_revocation "granted_before". */
static emb_status parse_codes(emb__pctx *c, json_t *p, int revocation,
                              void **out) {
  static const char *const list_keys[] = {
      "scheme",     "codes", "destinations",  "from",
      "activities", "note",  "determination", NULL};
  static const char *const revocation_keys[] = {
      "scheme", "codes",          "destinations",  "from",
      "note",   "granted_before", "determination", NULL};
  emb_status st =
      emb__p_keys(c, "", p, revocation ? revocation_keys : list_keys);
  if (st != EMB_OK) return st;
  p_codes *x = emb__arena_alloc(&c->rs->arena, sizeof(*x));
  if (x == NULL) return EMB_ENOMEM;
  json_t *v = json_object_get(p, "scheme");
  if (v == NULL) return emb__perr(c, "scheme", "missing (e.g. \"NL\")");
  if (!json_is_string(v) ||
      !emb__is_code(json_string_value(v), json_string_length(v)))
    return emb__perr(c, "scheme",
                     "not a scheme (upper-case letters, digits or '-', e.g. "
                     "\"NL\", \"JP\", \"EU\")");
  if ((st = emb__p_string(c, "scheme", v, 16, &x->scheme)) != EMB_OK) return st;
  emb__fmt(x->missing, sizeof(x->missing), "classification.%s", x->scheme);
  v = json_object_get(p, "codes");
  if (v == NULL) return emb__perr(c, "codes", "missing");
  if ((st = emb__p_strings(c, "codes", v, 40, is_code,
                           "a control-list code (printable, no spaces, "
                           "not \"none\")",
                           &x->codes, &x->n_codes)) != EMB_OK)
    return st;
  if (x->n_codes == 0) return emb__perr(c, "codes", "empty");
  v = json_object_get(p, "destinations");
  if (v == NULL) return emb__perr(c, "destinations", "missing");
  if ((st = emb__p_dest(c, "destinations", v, &x->dest)) != EMB_OK) return st;
  if ((v = json_object_get(p, "from"))) {
    if ((st = emb__p_dest(c, "from", v, &x->from)) != EMB_OK) return st;
    x->have_from = 1;
  }
  if (!revocation && (st = emb__p_activities(c, p, 0, &x->activities,
                                             &x->n_activities)) != EMB_OK)
    return st;
  if (revocation) {
    v = json_object_get(p, "granted_before");
    if (v == NULL) return emb__perr(c, "granted_before", "missing");
    if ((st = emb__p_date(c, "granted_before", v, &x->granted_before)) !=
        EMB_OK)
      return st;
  }
  if ((st = emb__p_determination(c, p, &x->outcome)) != EMB_OK ||
      (st = emb__p_note(c, p, &x->note)) != EMB_OK)
    return st;
  *out = x;
  return EMB_OK;
}

emb_status emb__parse_control_list(emb__pctx *c, json_t *p, void **out) {
  return parse_codes(c, p, 0, out);
}

emb_status emb__parse_licence_revocation(emb__pctx *c, json_t *p, void **out) {
  return parse_codes(c, p, 1, out);
}

/* 1 when the item's code is one of the rule's codes or a sub-entry of one
 * ("3B001.l.1" under "3B001.l", "7(18)" under "7"); -1 when the item's code
 * is broader than a rule code, so the rule may cover it ("3B001" against
 * "3B001.l"); else 0. The code matched goes to *which. */
static int code_match(const p_codes *x, const char *code, const char **which) {
  size_t n = strlen(code);
  int maybe = 0;
  for (size_t i = 0; i < x->n_codes; i++) {
    const char *k = x->codes[i];
    size_t m = strlen(k);
    size_t lo = m < n ? m : n;
    if (strncasecmp(k, code, lo) != 0) continue;
    if (m == n || (n > m && (code[m] == '.' || code[m] == '('))) {
      *which = k;
      return 1;
    }
    if (m > n && (k[n] == '.' || k[n] == '(') && !maybe) {
      *which = k;
      maybe = 1;
    }
  }
  return maybe ? -1 : 0;
}

static int activity_covered(const emb__ectx *c, const p_codes *x) {
  const char *a = c->t->activity ? c->t->activity : "export";
  if (x->activities == NULL) return strcmp(a, "purchase") != 0;
  for (size_t i = 0; i < x->n_activities; i++)
    if (strcmp(a, x->activities[i]) == 0) return 1;
  return 0;
}

/* The items the rule covers (yes), may cover (unk: classification
 * missing or too broad) and the code that matched the first covered. */
static void covered_items(const emb__ectx *c, const p_codes *x, size_t *yes,
                          size_t *ny, size_t *unk, size_t *nu,
                          const char **code, const char **which) {
  *ny = *nu = 0;
  *code = *which = NULL;
  for (size_t i = 0; i < c->n_items; i++) {
    const char *k = emb__txn_item_class(&c->t->items[i], x->scheme);
    const char *w = NULL;
    if (k == NULL) {
      unk[(*nu)++] = i;
      continue;
    }
    if (strcmp(k, "none") == 0) continue;
    int m = code_match(x, k, &w);
    if (m > 0) {
      if (*ny == 0) {
        *code = k;
        *which = w;
      }
      yes[(*ny)++] = i;
    } else if (m < 0) {
      unk[(*nu)++] = i;
    }
  }
}

/* A copy of a transaction string in the determination's arena (the
 * determination outlives the transaction); NULL stays NULL. */
static const char *keep(emb__ectx *c, const char *s) {
  if (s == NULL) return NULL;
  char *p = emb__arena_strndup(&c->d->arena, s, strlen(s));
  if (p == NULL) c->st = EMB_ENOMEM;
  return p;
}

static void add_unknown(emb__ectx *c, const emb__rule *r, const p_codes *x,
                        const size_t *unk, size_t nu) {
  if (nu == 0) return;
  emb_reason *q = emb__add_reason(c, r, EMB_CANNOT_DETERMINE, unk, nu, NULL, 0);
  if (q) {
    q->missing = x->missing;
    q->detail =
        "the item's entry on this control list (or \"none\") decides "
        "whether the rule covers it";
  }
}

void emb__eval_control_list(emb__ectx *c, const emb__rule *r) {
  const p_codes *x = r->params;
  if (!activity_covered(c, x) || !emb__dest_match(c->ref, &x->dest, c->to) ||
      (x->have_from && !emb__dest_match(c->ref, &x->from, c->from)))
    return;
  size_t yes[EMB_TXN_MAX_ITEMS], unk[EMB_TXN_MAX_ITEMS], ny, nu;
  const char *code, *which;
  covered_items(c, x, yes, &ny, unk, &nu, &code, &which);
  if (ny) {
    emb_reason *q = emb__add_reason(c, r, x->outcome, yes, ny, NULL, 0);
    if (q) {
      q->matched = keep(c, code);
      q->control = x->scheme;
      q->paragraph = which;
      q->note = x->note;
    }
  }
  add_unknown(c, r, x, unk, nu);
}

void emb__eval_licence_revocation(emb__ectx *c, const emb__rule *r) {
  const p_codes *x = r->params;
  const char *regime = c->rs->regimes[c->regime].name;
  if (c->t->n_licences == 0 || !emb__dest_match(c->ref, &x->dest, c->to) ||
      (x->have_from && !emb__dest_match(c->ref, &x->from, c->from)))
    return;
  size_t yes[EMB_TXN_MAX_ITEMS], unk[EMB_TXN_MAX_ITEMS], ny, nu;
  const char *code, *which;
  covered_items(c, x, yes, &ny, unk, &nu, &code, &which);
  int any = 0;
  for (size_t l = 0; l < c->t->n_licences; l++) {
    const emb__txn_licence *li = &c->t->licences[l];
    if (strcmp(li->regime, regime) != 0) continue;
    any = 1;
    if (ny == 0) continue;
    const char *number = li->number ? keep(c, li->number) : "(unnumbered)";
    if (li->granted == 0) {
      emb_reason *q =
          emb__add_reason(c, r, EMB_CANNOT_DETERMINE, yes, ny, NULL, 0);
      if (q) {
        q->missing = "licences.granted";
        q->detail =
            "the date the licence was granted decides whether the "
            "revocation reaches it";
        q->licence = number;
      }
      continue;
    }
    if (li->granted > x->granted_before) continue;
    emb_reason *q = emb__add_reason(c, r, x->outcome, yes, ny, NULL, 0);
    if (q) {
      q->matched = keep(c, code);
      q->control = x->scheme;
      q->paragraph = which;
      q->note = x->note;
      q->licence = number;
    }
  }
  /* Items whose classification is needed to tell: once, whatever the
   * number of licences. */
  if (any) add_unknown(c, r, x, unk, nu);
}
