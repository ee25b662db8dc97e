/* A determination as text: the one-line summary of each reason and the
 * JSON document of docs/check.md. Built on demand, outside emb_check, so
 * callers that only need the outcome pay nothing for them. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embargo/lists.h"
#include "embargo/screen.h"
#include "jsonw.h"
#include "rules_internal.h"

/* ---- Summaries. ---- */

typedef struct sbuf {
  char *buf;
  size_t cap, len; /* len: what was needed, may exceed cap */
} sbuf;

static void add(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = b->len < b->cap ? b->cap - b->len : 0;
  int n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0) b->len += (size_t)n;
}

static void items_phrase(sbuf *b, const emb_determination *d,
                         const emb_reason *r) {
  if (r->n_items == 0) {
    add(b, "The transaction");
    return;
  }
  if (r->n_items == 1) {
    const char *e = d->item_eccns[r->items[0]];
    add(b, "Item %zu (%s)", r->items[0], e ? e : "no ECCN");
    return;
  }
  add(b, "Items");
  for (size_t i = 0; i < r->n_items && i < 8; i++)
    add(b, "%s %zu", i ? "," : "", r->items[i]);
  if (r->n_items > 8) add(b, " and %zu more", r->n_items - 8);
}

static void party_phrase(sbuf *b, const emb_determination *d, size_t p) {
  add(b, "\"%s\" (%s)", d->parties[p].name, d->parties[p].role);
}

static void hit_phrase(sbuf *b, const emb_party_hit *h) {
  const emb_entity *e = h->entity;
  add(b, " matches \"%s\" on the %s", e->names[0].text,
      e->list ? e->list : "list");
  if (h->listed_from)
    add(b, " (listed from %s)", h->listed_from);
  else
    add(b, " (listing date unknown: counted as listed)");
}

size_t emb_reason_summary(const emb_determination *d, const emb_reason *r,
                          char *buf, size_t n) {
  sbuf b = {buf, n, 0};
  if (n) buf[0] = '\0';
  items_phrase(&b, d, r);
  if (r->outcome == EMB_CANNOT_DETERMINE &&
      strcmp(r->missing, "referenced_provision") == 0) {
    add(&b,
        ": the ECCN's licence requirement %s refers to a provision the "
        "rules do not decide",
        r->control ? r->control : "");
    if (r->detail) add(&b, " (%s)", r->detail);
    add(&b, ": cannot be determined; read that provision.");
    return b.len;
  }
  if (r->outcome == EMB_CANNOT_DETERMINE) {
    add(&b, ": cannot be determined without \"%s\"", r->missing);
    if (r->detail) add(&b, " (%s)", r->detail);
    if (r->rule) add(&b, " under rule %s", r->rule);
    add(&b, ".");
    return b.len;
  }
  const char *kind = r->kind ? r->kind : "";
  if (strcmp(kind, "listed_party") == 0 ||
      strcmp(kind, "foreign_direct_product") == 0) {
    add(&b, ": ");
    for (size_t i = 0; i < r->n_parties && i < 3; i++) {
      if (i) add(&b, "; ");
      party_phrase(&b, d, r->parties[i]->party);
      hit_phrase(&b, r->parties[i]);
    }
    if (strcmp(kind, "foreign_direct_product") == 0)
      add(&b, ", an entry with a footnote of this rule");
  } else if (strcmp(kind, "informed_party") == 0) {
    add(&b, ": ");
    for (size_t i = 0; i < r->n_party_indexes && i < 3; i++) {
      if (i) add(&b, "; ");
      party_phrase(&b, d, r->party_indexes[i]);
    }
    if (r->matched)
      add(&b, " is \"%s\", named in a BIS letter", r->matched);
    else
      add(&b, " is an entity a BIS letter names");
  } else if (strcmp(kind, "country_chart") == 0) {
    add(&b, ": controlled for %s", r->control ? r->control : "?");
    if (r->paragraph) add(&b, " (paragraphs %s)", r->paragraph);
    add(&b, " to %s", d->to);
  } else if (strcmp(kind, "end_use") == 0) {
    if (r->matched) add(&b, ": end use \"%s\" in %s", r->matched, d->to);
    for (size_t i = 0; i < r->n_parties && i < 3; i++) {
      add(&b, "%s", i || r->matched ? "; " : ": ");
      party_phrase(&b, d, r->parties[i]->party);
      hit_phrase(&b, r->parties[i]);
    }
  } else if (strcmp(kind, "embargo") == 0) {
    add(&b, ": destination %s", d->to);
  } else if (strcmp(kind, "us_person") == 0) {
    add(&b, ": activity \"%s\" in %s", r->matched ? r->matched : "?", d->to);
  } else if (strcmp(kind, "control_list") == 0) {
    add(&b, ": %s control list entry %s", r->control ? r->control : "?",
        r->matched ? r->matched : "?");
    if (r->paragraph && r->matched && strcmp(r->paragraph, r->matched) != 0)
      add(&b, " (under %s)", r->paragraph);
    add(&b, ", %s to %s", d->activity ? d->activity : "export", d->to);
  } else if (strcmp(kind, "licence_revocation") == 0) {
    add(&b, ": licence %s for %s entry %s was revoked",
        r->licence ? r->licence : "?", r->control ? r->control : "?",
        r->matched ? r->matched : "?");
  } else if (strcmp(kind, "purchase_ban") == 0) {
    add(&b, ": ");
    for (size_t i = 0; i < r->n_party_indexes && i < 3; i++) {
      if (i) add(&b, "; ");
      party_phrase(&b, d, r->party_indexes[i]);
    }
    add(&b, " buying products of \"%s\"", r->matched ? r->matched : "?");
  } else if (strcmp(kind, "ownership") == 0) {
    add(&b, ": ");
    if (r->n_party_indexes) party_phrase(&b, d, r->party_indexes[0]);
    add(&b, " is %.4g%% owned by listed parties:", r->owned_pct);
    for (size_t i = 0; i < r->n_chain && i < 6; i++) {
      const emb_owner_link *l = &r->chain[i];
      add(&b, "%s \"%s\" holds %.4g%% of \"%s\"", i ? ";" : "", l->owner,
          l->share_pct, l->owned);
      if (l->entity)
        add(&b, " (on the %s as \"%s\")", l->entity->list,
            l->entity->names[0].text);
    }
  }
  static const char *const words[4] = {"no licence required",
                                       "cannot be determined",
                                       "licence required", "prohibited"};
  add(&b, ": %s.", words[r->outcome]);
  if (r->rule_summary) add(&b, " %s", r->rule_summary);
  return b.len;
}

/* ---- JSON. ---- */

typedef emb__jw jw;

static void kstr(jw *w, const char *k, const char *v) {
  emb__jw_key(w, k);
  emb__jw_str(w, v);
}

static void kint(jw *w, const char *k, long long v) {
  emb__jw_key(w, k);
  emb__jw_int(w, v);
}

static void strs(jw *w, const char *k, const char *const *v, size_t n) {
  emb__jw_key(w, k);
  emb__jw_arr(w);
  for (size_t i = 0; i < n; i++) emb__jw_str(w, v[i]);
  emb__jw_arr_end(w);
}

/* The fields of a hit (inside an open object). The entry's terms are
 * those in force on the determination date: a record of its history when
 * one covers the date (then "terms_basis" says which), else its current
 * terms. */
static void hit_fields(jw *w, const emb_determination *d,
                       const emb_party_hit *h, int full) {
  const emb_entity *e = h->entity;
  kstr(w, "entity_id", e->id);
  kstr(w, "name", e->names[0].text);
  kstr(w, "matched_name", h->matched_name);
  kstr(w, "list", e->list);
  if (full) kstr(w, "source", e->source);
  emb__jw_key(w, "score");
  emb__jw_num(w, h->score, 4);
  if (full) {
    emb__jw_key(w, "match");
    emb__jw_bool(w, h->match);
  }
  /* A near miss is shown for review; the entry's terms only matter for
   * a match. */
  if (!h->match) return;
  emb__jw_key(w, "listed");
  emb__jw_bool(w, h->in_force);
  kstr(w, "listed_from", h->listed_from);
  kstr(w, "listed_from_basis", h->listed_basis);
  emb__jw_opt(w, "removed_on", h->removed_on);
  const emb_terms *t = emb_entity_terms_at(e, d->date);
  if (t == NULL) {
    emb__jw_opt(w, "license_requirement", e->license_requirement);
    emb__jw_opt(w, "license_policy", e->license_policy);
    if (e->n_footnotes) strs(w, "footnotes", e->footnotes, e->n_footnotes);
    if (e->n_terms) kstr(w, "terms_basis", "current");
    emb__jw_opt(w, "citation", e->citation);
    return;
  }
  emb__jw_opt(w, "license_requirement", t->license_requirement);
  emb__jw_opt(w, "license_policy", t->license_policy);
  if (t->n_footnotes) strs(w, "footnotes", t->footnotes, t->n_footnotes);
  char basis[48];
  emb__fmt(basis, sizeof(basis), "history %s..%s", t->from,
           t->until ? t->until : "open");
  kstr(w, "terms_basis", basis);
  kstr(w, "terms_citation", t->citation);
  if (!t->verified) {
    emb__jw_key(w, "terms_verified");
    emb__jw_bool(w, 0);
  }
  emb__jw_opt(w, "citation", e->citation);
}

static void party_head(jw *w, const emb_determination *d, size_t p) {
  kint(w, "party", (long long)p);
  kstr(w, "role", d->parties[p].role);
  kstr(w, "party_name", d->parties[p].name);
}

static void reason_parties(jw *w, const emb_determination *d,
                           const emb_reason *r) {
  emb__jw_key(w, "parties");
  emb__jw_arr(w);
  for (size_t i = 0; i < r->n_party_indexes; i++) {
    size_t p = r->party_indexes[i];
    int any = 0;
    for (size_t k = 0; k < r->n_parties; k++) {
      if (r->parties[k]->party != p) continue;
      emb__jw_obj(w);
      party_head(w, d, p);
      hit_fields(w, d, r->parties[k], 0);
      emb__jw_obj_end(w);
      any = 1;
    }
    if (!any) {
      emb__jw_obj(w);
      party_head(w, d, p);
      emb__jw_opt(w, "named_as", r->matched);
      emb__jw_obj_end(w);
    }
  }
  emb__jw_arr_end(w);
}

static void reason_json(jw *w, const emb_determination *d,
                        const emb_reason *r) {
  emb__jw_obj(w);
  kstr(w, "rule", r->rule);
  kstr(w, "kind", r->kind);
  kstr(w, "title", r->title);
  kstr(w, "determination", emb_outcome_name(r->outcome));
  kstr(w, "citation", r->citation);
  kstr(w, "policy", r->policy);
  emb__jw_opt(w, "requirement", r->requirement);
  emb__jw_opt(w, "terms_basis", r->terms_basis);
  if (r->terms && !r->terms->verified) {
    /* The wording of the record applied was not checked against the
     * primary text: say so next to it. */
    emb__jw_key(w, "terms_verified");
    emb__jw_bool(w, 0);
    emb__jw_opt(w, "terms_remarks", r->terms->remarks);
  }
  strs(w, "exceptions", r->exceptions, r->n_exceptions);
  reason_parties(w, d, r);
  char stack[1024];
  size_t need = emb_reason_summary(d, r, stack, sizeof(stack));
  if (need < sizeof(stack)) {
    kstr(w, "summary", stack);
  } else {
    char *buf = malloc(need + 1);
    if (buf) emb_reason_summary(d, r, buf, need + 1);
    kstr(w, "summary", buf ? buf : stack);
    free(buf);
  }
  emb__jw_key(w, "item");
  if (r->n_items == 1)
    emb__jw_int(w, (long long)r->items[0]);
  else
    emb__jw_null(w);
  emb__jw_key(w, "items");
  emb__jw_arr(w);
  for (size_t i = 0; i < r->n_items; i++)
    emb__jw_int(w, (long long)r->items[i]);
  emb__jw_arr_end(w);
  emb__jw_opt(w, "missing", r->missing);
  emb__jw_opt(w, "detail", r->detail);
  emb__jw_opt(w, "control", r->control);
  emb__jw_opt(w, "paragraph", r->paragraph);
  emb__jw_opt(w, "matched", r->matched);
  emb__jw_opt(w, "note", r->note);
  emb__jw_opt(w, "licence", r->licence);
  if (r->owned_pct >= 0) {
    emb__jw_key(w, "owned_pct");
    emb__jw_num(w, r->owned_pct, 2);
    emb__jw_key(w, "ownership_chain");
    emb__jw_arr(w);
    for (size_t i = 0; i < r->n_chain; i++) {
      const emb_owner_link *l = &r->chain[i];
      emb__jw_obj(w);
      kstr(w, "owned", l->owned);
      kstr(w, "owner", l->owner);
      emb__jw_key(w, "share_pct");
      emb__jw_num(w, l->share_pct, 2);
      kint(w, "depth", l->depth);
      kstr(w, "entity_id", l->entity ? l->entity->id : NULL);
      kstr(w, "list", l->entity ? l->entity->list : NULL);
      kstr(w, "source", l->source);
      emb__jw_obj_end(w);
    }
    emb__jw_arr_end(w);
  }
  if (!r->verified) {
    emb__jw_key(w, "verified");
    emb__jw_bool(w, 0);
    emb__jw_opt(w, "remarks", r->remarks);
  }
  emb__jw_obj_end(w);
}

static void item_json(jw *w, size_t i, const emb_item_status *s) {
  emb__jw_obj(w);
  kint(w, "item", (long long)i);
  kstr(w, "eccn", s->eccn);
  emb__jw_key(w, "subject");
  if (s->subject < 0)
    emb__jw_null(w);
  else
    emb__jw_bool(w, s->subject);
  kstr(w, "basis", s->basis);
  emb__jw_opt(w, "rule", s->rule);
  emb__jw_opt(w, "citation", s->citation);
  if (s->pct >= 0) {
    emb__jw_key(w, "us_content_pct");
    emb__jw_num(w, s->pct, 4);
  }
  if (s->limit_pct >= 0) {
    emb__jw_key(w, "de_minimis_pct");
    emb__jw_num(w, s->limit_pct, 4);
  }
  emb__jw_opt(w, "missing", s->missing);
  emb__jw_obj_end(w);
}

/* Whether missing fact `fact` of item `item` (or of the transaction when
 * item is SIZE_MAX) appeared in a reason before reason `upto`. */
static int missing_seen(const emb_regime_result *g, size_t upto,
                        const char *fact, size_t item) {
  for (size_t i = 0; i < upto; i++) {
    const emb_reason *r = &g->reasons[i];
    if (r->outcome != EMB_CANNOT_DETERMINE || strcmp(r->missing, fact))
      continue;
    if (item == SIZE_MAX && r->n_items == 0) return 1;
    for (size_t k = 0; k < r->n_items; k++)
      if (r->items[k] == item) return 1;
  }
  return 0;
}

static void missing_json(jw *w, const emb_regime_result *g) {
  emb__jw_key(w, "missing");
  emb__jw_arr(w);
  for (size_t i = 0; i < g->n_reasons; i++) {
    const emb_reason *r = &g->reasons[i];
    if (r->outcome != EMB_CANNOT_DETERMINE) continue;
    /* Each missing fact once per item (or once for the transaction). */
    size_t n = r->n_items ? r->n_items : 1;
    for (size_t k = 0; k < n; k++) {
      size_t item = r->n_items ? r->items[k] : SIZE_MAX;
      if (missing_seen(g, i, r->missing, item)) continue;
      emb__jw_obj(w);
      kstr(w, "missing", r->missing);
      emb__jw_key(w, "item");
      if (item == SIZE_MAX)
        emb__jw_null(w);
      else
        emb__jw_int(w, (long long)item);
      emb__jw_obj_end(w);
    }
  }
  emb__jw_arr_end(w);
}

static void regime_json(jw *w, const emb_determination *d,
                        const emb_regime_result *g) {
  emb__jw_obj(w);
  kstr(w, "regime", g->regime);
  kstr(w, "determination", emb_outcome_name(g->outcome));
  for (size_t i = 0; i < d->n_scope; i++)
    if (strcmp(d->scope[i].regime, g->regime) == 0) {
      emb__jw_opt(w, "title", d->scope[i].title);
      kstr(w, "applies_because", d->scope[i].why);
    }
  emb__jw_key(w, "reasons");
  emb__jw_arr(w);
  for (size_t i = 0; i < g->n_reasons; i++) reason_json(w, d, &g->reasons[i]);
  emb__jw_arr_end(w);
  missing_json(w, g);
  emb__jw_key(w, "items");
  emb__jw_arr(w);
  for (size_t i = 0; i < g->n_items; i++) item_json(w, i, &g->items[i]);
  emb__jw_arr_end(w);
  emb__jw_obj_end(w);
}

static void screening_json(jw *w, const emb_determination *d) {
  emb__jw_key(w, "screening");
  emb__jw_arr(w);
  for (size_t p = 0; p < d->n_parties; p++) {
    const emb_party_screening *s = &d->parties[p];
    emb__jw_obj(w);
    kint(w, "party", (long long)p);
    kstr(w, "role", s->role);
    kstr(w, "name", s->name);
    kstr(w, "country", s->country);
    emb__jw_key(w, "screened");
    emb__jw_bool(w, d->screened);
    emb__jw_key(w, "hits");
    emb__jw_arr(w);
    for (size_t k = 0; k < s->n_hits; k++) {
      emb__jw_obj(w);
      hit_fields(w, d, &s->hits[k], 1);
      emb__jw_obj_end(w);
    }
    emb__jw_arr_end(w);
    emb__jw_obj_end(w);
  }
  emb__jw_arr_end(w);
}

static void versions_json(jw *w, const emb_determination *d) {
  emb__jw_key(w, "data_versions");
  emb__jw_obj(w);
  emb__jw_key(w, "lists");
  emb__jw_arr(w);
  if (d->ix) {
    const emb_listset *ls = emb_index_listset(d->ix);
    for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
      const emb_source_info *s = emb_listset_source(ls, i);
      emb__jw_obj(w);
      kstr(w, "path", s->path);
      kstr(w, "format", s->format);
      kstr(w, "sha256", s->sha256);
      kstr(w, "date", s->list_date);
      kint(w, "entities", (long long)s->entities);
      emb__jw_obj_end(w);
    }
  }
  emb__jw_arr_end(w);
  emb__jw_key(w, "rules");
  emb__jw_arr(w);
  for (size_t i = 0; i < d->rs->n_packs; i++) {
    const emb_rule_pack_info *p = &d->rs->packs[i];
    emb__jw_obj(w);
    kstr(w, "path", p->path);
    kstr(w, "sha256", p->sha256);
    kstr(w, "regime", p->regime);
    kstr(w, "pack", p->pack);
    kint(w, "rules", (long long)p->rules);
    emb__jw_obj_end(w);
  }
  emb__jw_arr_end(w);
  emb__jw_key(w, "reference");
  emb__jw_arr(w);
  for (size_t i = 0; i < d->rs->n_refs; i++) {
    const emb_ref_info *r = &d->rs->refs[i];
    emb__jw_obj(w);
    kstr(w, "name", r->name);
    kstr(w, "path", r->path);
    kstr(w, "sha256", r->sha256);
    kstr(w, "as_of", r->as_of);
    emb__jw_obj_end(w);
  }
  emb__jw_arr_end(w);
  kstr(w, "reference_as_of", d->rs->ref_as_of);
  emb__jw_obj_end(w);
}

emb_status emb_determination_json(const emb_determination *d, int pretty,
                                  char **out) {
  jw w;
  emb__jw_init(&w, pretty);
  emb__jw_obj(&w);
  kstr(&w, "overall", emb_outcome_name(d->outcome));
  kstr(&w, "as_of", d->date);
  kstr(&w, "as_of_source", d->date_source);
  emb__jw_key(&w, "regimes");
  emb__jw_arr(&w);
  for (size_t g = 0; g < d->n_regimes; g++) regime_json(&w, d, &d->regimes[g]);
  emb__jw_arr_end(&w);
  /* Every regime of the rule set: whether it applies and why. */
  emb__jw_key(&w, "considered");
  emb__jw_arr(&w);
  for (size_t i = 0; i < d->n_scope; i++) {
    const emb_regime_scope *s = &d->scope[i];
    emb__jw_obj(&w);
    kstr(&w, "regime", s->regime);
    emb__jw_opt(&w, "jurisdiction", s->jurisdiction);
    emb__jw_key(&w, "selected");
    emb__jw_bool(&w, s->selected);
    emb__jw_key(&w, "applies");
    emb__jw_bool(&w, s->applies);
    kstr(&w, "why", s->why);
    emb__jw_obj_end(&w);
  }
  emb__jw_arr_end(&w);
  screening_json(&w, d);
  versions_json(&w, d);
  emb__jw_obj_end(&w);
  *out = emb__jw_finish(&w);
  return *out ? EMB_OK : EMB_ENOMEM;
}
