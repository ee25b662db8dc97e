/* Screening a name against the index, comparing two names, and the
 * results with their explanations.
 *
 * DESIGN: a query is normalised (ASCII fast path, no ICU for plain names),
 * then candidate variants are collected from postings into a per-thread
 * scratch accumulator: exact tokens, tokens one typo away (deletion map),
 * adjacent query tokens written together, and initials. Each candidate's
 * accumulated pair weight over the weight of both names estimates its
 * score; the best few (24, or twice the hits asked for) that pass the
 * filters are scored precisely; the best form per entity becomes a hit.
 * Explanations are built only for the hits returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/arena.h"
#include "../lists/listset_internal.h"
#include "index_internal.h"
#include "similarity.h"
#include "spelling.h"

/* Candidates scored precisely: at least MIN_CANDIDATES, twice the number
 * of hits asked for, at most MAX_CANDIDATES. The ranking estimate is good
 * enough that 24 keep typo recall within 0.1% of 128 (docs/performance.md). */
#define MIN_CANDIDATES 24
#define MAX_CANDIDATES 512
/* A token whose postings are longer than this is left out of candidate
 * collection when the query has another distinctive token. */
#define MAX_POSTINGS 2500
/* A candidate's estimated score must reach this to be scored precisely. */
#define MIN_ESTIMATE 0.25f

struct emb__scratch {
  emb__scratch *next;
  pthread_t owner;
  uint32_t gen;
  uint32_t *stamp;
  float *acc;
  uint32_t *touched;
  size_t ntouched;
};

struct emb_result {
  emb__arena arena;
  emb_hit *hits;
  size_t n;
  size_t candidates;
};

void emb_screen_opts_init(emb_screen_opts *o) {
  memset(o, 0, sizeof(*o));
  o->type = EMB_TYPE_UNKNOWN;
  o->limit = EMB_DEFAULT_LIMIT;
  o->min_score = -1;
  o->threshold = 0;
}

void emb_index_free(emb_index *ix) {
  if (ix == NULL) return;
  emb__scratch *s = ix->scratches;
  while (s) {
    emb__scratch *next = s->next;
    free(s->stamp);
    free(s->acc);
    free(s->touched);
    free(s);
    s = next;
  }
  pthread_mutex_destroy(&ix->lock);
  free(ix->chars);
  free(ix->toks);
  free(ix->tok_table);
  free(ix->vars);
  free(ix->vtoks);
  free(ix->vweight);
  free(ix->postings);
  free(ix->del_keys);
  free(ix->del_toks);
  free(ix);
}

/* A thread remembers the scratch of the last few indexes it used, keyed by
 * the index's never-reused id; a miss looks in the index's own list for
 * this thread's scratch (so alternating between indexes allocates nothing
 * new), and only then allocates. Scratches belong to the index and are
 * freed with it. */
#define TL_CACHE 4
static _Thread_local struct {
  uint64_t id;
  emb__scratch *s;
} tl_cache[TL_CACHE];
static _Thread_local unsigned tl_next;

static emb__scratch *get_scratch(const emb_index *cix) {
  emb_index *ix = (emb_index *)cix; /* only the scratch list changes */
  for (int i = 0; i < TL_CACHE; i++)
    if (tl_cache[i].id == ix->id) return tl_cache[i].s;
  pthread_t self = pthread_self();
  pthread_mutex_lock(&ix->lock);
  emb__scratch *s = ix->scratches;
  while (s && !pthread_equal(s->owner, self)) s = s->next;
  pthread_mutex_unlock(&ix->lock);
  if (s == NULL) {
    s = calloc(1, sizeof(*s));
    if (s == NULL) return NULL;
    size_t n = ix->nvars ? ix->nvars : 1;
    s->owner = self;
    s->stamp = calloc(n, sizeof(uint32_t));
    s->acc = malloc(n * sizeof(float));
    s->touched = malloc(n * sizeof(uint32_t));
    if (!s->stamp || !s->acc || !s->touched) {
      free(s->stamp);
      free(s->acc);
      free(s->touched);
      free(s);
      return NULL;
    }
    pthread_mutex_lock(&ix->lock);
    s->next = ix->scratches;
    ix->scratches = s;
    pthread_mutex_unlock(&ix->lock);
  }
  unsigned k = tl_next++ % TL_CACHE;
  tl_cache[k].id = ix->id;
  tl_cache[k].s = s;
  return s;
}

typedef struct collect {
  const emb_index *ix;
  emb__scratch *s;
  const char *text; /* the query token being expanded */
  size_t len;
  float w;
  uint32_t seen[64]; /* neighbour tokens already added for this token */
  size_t nseen;
} collect;

/* Adds, to every variant holding key tok, the weight a pair on it would
 * bring: the query side's w plus the key's own weight for a real token
 * (the same again for join and acronym keys, which have none). */
static void add_postings(const emb_index *ix, emb__scratch *s, uint32_t tok,
                         float w) {
  const emb__tok *t = &ix->toks[tok];
  w += t->keykind == EMB__KEY_TOKEN ? t->weight : w;
  const uint32_t *p = ix->postings + t->post_off;
  for (uint32_t k = 0; k < t->post_n; k++) {
    uint32_t v = p[k];
    if (s->stamp[v] != s->gen) {
      s->stamp[v] = s->gen;
      s->acc[v] = 0;
      s->touched[s->ntouched++] = v;
    }
    s->acc[v] += w;
  }
}

static void on_neighbour(void *ud, uint32_t tok) {
  collect *c = ud;
  for (size_t i = 0; i < c->nseen; i++)
    if (c->seen[i] == tok) return;
  if (c->nseen < 64) c->seen[c->nseen++] = tok;
  const emb__tok *t = &c->ix->toks[tok];
  if (t->keykind != EMB__KEY_TOKEN) return;
  double sim = emb__token_similarity(c->text, c->len,
                                     c->ix->chars + t->text_off, t->len);
  if (sim <= 0 || sim >= 1) return; /* exact was added already */
  if (t->post_n > MAX_POSTINGS) return;
  add_postings(c->ix, c->s, tok, c->w * (float)sim);
}

static int is_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) return 0;
  return 1;
}

/* Collects candidates for one form of the query; returns the query's total
 * distinctive weight. */
static float collect_form(const emb_index *ix, emb__scratch *s,
                          const emb__stok *q, size_t nq, int typos) {
  size_t distinctive = 0;
  float total = 0;
  for (size_t i = 0; i < nq; i++)
    if (!(q[i].flags & EMB__TOKF_LEGAL)) distinctive++;
  for (size_t i = 0; i < nq; i++) {
    int legal = (q[i].flags & EMB__TOKF_LEGAL) != 0;
    if (legal && distinctive > 0) continue;
    total += q[i].weight;
    int64_t id = emb__tok_find(ix, q[i].text, q[i].len);
    if (id >= 0 && (ix->toks[id].post_n <= MAX_POSTINGS || distinctive <= 1))
      add_postings(ix, s, (uint32_t)id, q[i].weight);
    if (typos && q[i].len >= 4 && is_ascii(q[i].text, q[i].len)) {
      collect c = {.ix = ix,
                   .s = s,
                   .text = q[i].text,
                   .len = q[i].len,
                   .w = q[i].weight};
      emb__tok_neighbours(ix, q[i].text, q[i].len, on_neighbour, &c);
    }
  }
  /* Adjacent query tokens written together in a listed name. */
  char key[96];
  for (size_t i = 0; i + 1 < nq; i++) {
    if ((q[i].flags | q[i + 1].flags) & EMB__TOKF_LEGAL) continue;
    size_t len = (size_t)q[i].len + q[i + 1].len;
    if (len >= sizeof(key)) continue;
    memcpy(key, q[i].text, q[i].len);
    memcpy(key + q[i].len, q[i + 1].text, q[i + 1].len);
    int64_t id = emb__tok_find(ix, key, len);
    if (id >= 0)
      add_postings(ix, s, (uint32_t)id, q[i].weight + q[i + 1].weight);
  }
  /* A long name given in full may be listed by its initials. */
  for (int legal = 0; legal < 2; legal++) {
    size_t alen = emb__acronym(q, nq, legal, key, sizeof(key));
    if (alen < 3) continue;
    int64_t id = emb__tok_find(ix, key, alen);
    if (id >= 0) add_postings(ix, s, (uint32_t)id, total);
  }
  return total;
}

static int entity_passes(const emb_entity *e, const emb_screen_opts *o) {
  if (o == NULL) return 1;
  if (o->type != EMB_TYPE_UNKNOWN && e->type != EMB_TYPE_UNKNOWN &&
      e->type != o->type)
    return 0;
  if (o->country && *o->country && e->n_countries > 0) {
    int found = 0;
    for (size_t i = 0; i < e->n_countries && !found; i++)
      found = strcasecmp(e->countries[i], o->country) == 0;
    if (!found) return 0;
  }
  if (o->n_lists > 0) {
    int found = 0;
    for (size_t i = 0; i < o->n_lists && !found; i++)
      found = e->list && strcasecmp(e->list, o->lists[i]) == 0;
    if (!found) return 0;
  }
  if (o->as_of && *o->as_of) {
    if (e->start_date && strcmp(e->start_date, o->as_of) > 0) return 0;
    if (e->end_date && strcmp(e->end_date, o->as_of) <= 0) return 0;
  }
  return 1;
}

typedef struct cand {
  uint32_t var;
  float acc;
  double score;
  int script; /* an original-script form: preferred on equal scores */
} cand;

/* Min-heap on acc of the best candidates seen. */
static void heap_push(cand *h, size_t *n, size_t cap, cand c) {
  if (*n < cap) {
    size_t i = (*n)++;
    h[i] = c;
    while (i > 0 && h[(i - 1) / 2].acc > h[i].acc) {
      cand t = h[i];
      h[i] = h[(i - 1) / 2];
      h[(i - 1) / 2] = t;
      i = (i - 1) / 2;
    }
    return;
  }
  if (c.acc <= h[0].acc) return;
  h[0] = c;
  size_t i = 0;
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < *n && h[l].acc < h[m].acc) m = l;
    if (r < *n && h[r].acc < h[m].acc) m = r;
    if (m == i) break;
    cand t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

static size_t variant_tokens(const emb_index *ix, const emb__variant *v,
                             emb__stok *out) {
  for (size_t i = 0; i < v->ntok; i++) {
    const emb__tok *t = &ix->toks[ix->vtoks[v->tok_off + i]];
    out[i].text = ix->chars + t->text_off;
    out[i].len = t->len;
    out[i].flags = t->flags;
    out[i].weight = t->weight;
    out[i].mask = t->mask;
    out[i].id = (int32_t)(ix->vtoks[v->tok_off + i]);
  }
  return v->ntok;
}

static int cmp_score_desc(const void *a, const void *b) {
  const cand *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  if (x->script != y->script) return y->script - x->script;
  return x->var < y->var ? -1 : x->var > y->var;
}

static char *join_tokens(emb__arena *ar, const emb__stok *t, size_t n,
                         uint64_t mask) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    if (mask & (1ull << i)) len += t[i].len + 1u;
  char *s = emb__arena_alloc(ar, len + 1);
  if (s == NULL) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(mask & (1ull << i))) continue;
    if (k) s[k++] = ' ';
    memcpy(s + k, t[i].text, t[i].len);
    k += t[i].len;
  }
  s[k] = '\0';
  return s;
}

static uint64_t all_mask(size_t n) {
  return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Fills hit->explain from a fresh scoring with alignment. */
static emb_status explain(emb__arena *ar, emb_hit *hit, const emb__stok *q,
                          size_t nq, const emb__stok *c, size_t nc, int mode,
                          const char *form) {
  int person = (mode & EMB__MODE_PERSON) != 0;
  emb__alignment al;
  emb__score(q, nq, c, nc, mode, &al);
  emb_explain *ex = &hit->explain;
  ex->form = al.acronym ? "acronym" : form;
  ex->query_norm = join_tokens(ar, q, nq, all_mask(nq));
  ex->candidate_norm = join_tokens(ar, c, nc, all_mask(nc));
  if (!ex->query_norm || !ex->candidate_norm) return EMB_ENOMEM;
  double wq = 0, wc = 0, uc = 0;
  for (size_t i = 0; i < nq; i++) wq += q[i].weight;
  for (size_t j = 0; j < nc; j++) {
    wc += c[j].weight;
    if (!(al.cused & (1ull << j))) uc += c[j].weight;
  }
  double den = wq + wc - (person ? 0.0 : 0.5) * uc;
  if (al.acronym) {
    emb_pair *p = emb__arena_alloc(ar, sizeof(*p));
    if (p == NULL) return EMB_ENOMEM;
    p->query = ex->query_norm;
    p->candidate = ex->candidate_norm;
    p->similarity = hit->score;
    p->weight = 1.0;
    p->how = emb__how_names[EMB__HOW_ACRONYM];
    ex->pairs = p;
    ex->n_pairs = 1;
    return EMB_OK;
  }
  /* Present pairs in the query's word order, easier to read than the
   * alignment's best-first order. */
  for (size_t i = 1; i < al.n; i++) {
    emb__align_pair p = al.pairs[i];
    size_t k = i;
    for (; k > 0 &&
           __builtin_ctzll(al.pairs[k - 1].qmask) > __builtin_ctzll(p.qmask);
         k--)
      al.pairs[k] = al.pairs[k - 1];
    al.pairs[k] = p;
  }
  emb_pair *pairs = emb__arena_alloc(ar, (al.n ? al.n : 1) * sizeof(*pairs));
  if (pairs == NULL) return EMB_ENOMEM;
  for (size_t k = 0; k < al.n; k++) {
    const emb__align_pair *ap = &al.pairs[k];
    double w = 0;
    for (size_t i = 0; i < nq; i++)
      if (ap->qmask & (1ull << i)) w += q[i].weight;
    for (size_t j = 0; j < nc; j++)
      if (ap->cmask & (1ull << j)) w += c[j].weight;
    pairs[k].query = join_tokens(ar, q, nq, ap->qmask);
    pairs[k].candidate = join_tokens(ar, c, nc, ap->cmask);
    if (!pairs[k].query || !pairs[k].candidate) return EMB_ENOMEM;
    pairs[k].similarity = ap->sim;
    pairs[k].weight = den > 0 ? w / den : 0;
    pairs[k].how = emb__how_names[ap->how];
  }
  ex->pairs = pairs;
  ex->n_pairs = al.n;
  /* Unmatched tokens on both sides, with their raw weights. */
  size_t uq = 0, ucn = 0;
  for (size_t i = 0; i < nq; i++) uq += !(al.qused & (1ull << i));
  for (size_t j = 0; j < nc; j++) ucn += !(al.cused & (1ull << j));
  const char **qs = emb__arena_alloc(ar, (uq + 1) * sizeof(char *));
  double *qw = emb__arena_alloc(ar, (uq + 1) * sizeof(double));
  const char **cs = emb__arena_alloc(ar, (ucn + 1) * sizeof(char *));
  double *cw = emb__arena_alloc(ar, (ucn + 1) * sizeof(double));
  if (!qs || !qw || !cs || !cw) return EMB_ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < nq; i++) {
    if (al.qused & (1ull << i)) continue;
    qs[k] = join_tokens(ar, q, nq, 1ull << i);
    qw[k++] = q[i].weight;
  }
  ex->unmatched_query = qs;
  ex->unmatched_query_weight = qw;
  ex->n_unmatched_query = k;
  k = 0;
  for (size_t j = 0; j < nc; j++) {
    if (al.cused & (1ull << j)) continue;
    cs[k] = join_tokens(ar, c, nc, 1ull << j);
    cw[k++] = c[j].weight;
  }
  ex->unmatched_candidate = cs;
  ex->unmatched_candidate_weight = cw;
  ex->n_unmatched_candidate = k;
  return EMB_OK;
}

static emb_result *result_new(void) {
  return calloc(1, sizeof(emb_result));
}

/* The Latin form of a name written in another script is a reading of it
 * (pinyin syllables), whose tokens' frequencies in Latin-script lists say
 * little: "bin" is common in Arabic names, rare as a Chinese given name.
 * Their weights get a floor so one common-looking syllable cannot vanish
 * from the comparison. */
static void floor_transliterated(emb__stok *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!(t[i].flags & EMB__TOKF_LEGAL) && t[i].weight < 0.5f)
      t[i].weight = 0.5f;
}

_Static_assert(EMB_MAX_QUERY <= EMB__NORM_MAX_INPUT,
               "a query the API accepts must fit the normaliser");

/* Normalises a query. In a plain-ASCII query, a word that the lists'
 * vocabulary lacks and that is one typo from a common word of names
 * ("COMAPNY", "LIABILDTY") is corrected in the raw text first, so that the
 * corrected text takes exactly the path a correct spelling would,
 * multi-word legal forms included (see spelling.c). */
static emb_status normalize_query(const emb_index *ix, const char *name,
                                  size_t len, emb__normname *nn) {
  /* A correction may make a word one letter longer, so the corrected text
   * can outgrow the query. It must still fit what the normaliser accepts;
   * when it does not, the query is normalised as given. Every write below
   * is checked against this one bound. */
  char fixed[EMB__NORM_MAX_INPUT];
  size_t k = 0;
  int changed = 0, ascii = len <= EMB_MAX_QUERY;
  for (size_t i = 0; i < len && ascii;) {
    unsigned char c = (unsigned char)name[i];
    if (c >= 0x80 || c == 0) {
      ascii = 0;
      break;
    }
    int alpha = (c | 32) >= 'a' && (c | 32) <= 'z';
    if (!alpha) {
      if (k == sizeof(fixed)) {
        ascii = 0;
        break;
      }
      fixed[k++] = (char)c;
      i++;
      continue;
    }
    size_t j = i;
    char word[24];
    while (j < len && ((name[j] | 32) >= 'a' && (name[j] | 32) <= 'z')) j++;
    size_t wl = j - i;
    const char *fix = NULL;
    if (wl >= 4 && wl < sizeof(word)) {
      for (size_t m = 0; m < wl; m++) word[m] = (char)(name[i + m] | 32);
      if (emb__tok_find(ix, word, wl) < 0) fix = emb__spelling_fix(word, wl);
    }
    size_t n = fix ? strlen(fix) : wl;
    if (n > sizeof(fixed) - k) {
      ascii = 0;
      break;
    }
    memcpy(fixed + k, fix ? fix : name + i, n);
    k += n;
    changed |= fix != NULL;
    i = j;
  }
  if (ascii && changed) return emb__normalize(fixed, k, nn);
  return emb__normalize(name, len, nn);
}

emb_status emb_screen(const emb_index *ix, const char *name, size_t len,
                      const emb_screen_opts *opts, emb_result **out) {
  if (ix == NULL || (name == NULL && len) || out == NULL) return EMB_EINVAL;
  *out = NULL;
  if (len > EMB_MAX_QUERY) return EMB_ETOOBIG;
  emb_screen_opts dflt;
  if (opts == NULL) {
    emb_screen_opts_init(&dflt);
    opts = &dflt;
  }
  double threshold =
      opts->threshold > 0 ? opts->threshold : EMB_DEFAULT_THRESHOLD;
  double min_score =
      opts->min_score >= 0 ? opts->min_score : EMB_DEFAULT_MIN_SCORE;
  size_t limit = opts->limit ? opts->limit : EMB_DEFAULT_LIMIT;
  emb__normname nn;
  emb_status st = normalize_query(ix, name ? name : "", len, &nn);
  if (st != EMB_OK) return st;
  emb__stok ql[EMB__NORM_MAX_TOKENS], qs[EMB__NORM_MAX_TOKENS];
  size_t nql = emb__prepare(ix, nn.latin, nn.n_latin, ql);
  size_t nqs = emb__prepare(ix, nn.script, nn.n_script, qs);
  if (nqs > 0) floor_transliterated(ql, nql);
  emb_result *r = result_new();
  if (r == NULL) return EMB_ENOMEM;
  *out = r;
  if (ix->nvars == 0 || (nql == 0 && nqs == 0)) return EMB_OK;
  emb__scratch *s = get_scratch(ix);
  if (s == NULL) {
    emb_result_free(r);
    *out = NULL;
    return EMB_ENOMEM;
  }
  if (++s->gen == 0) {
    memset(s->stamp, 0, ix->nvars * sizeof(uint32_t));
    s->gen = 1;
  }
  s->ntouched = 0;
  float total = collect_form(ix, s, ql, nql, nqs == 0);
  float total_s = nqs ? collect_form(ix, s, qs, nqs, 0) : 0;
  if (total_s > total) total = total_s;
  /* Candidates are ranked by an estimate of their final score: the weight
   * their matching keys bring over the weight of both names. */
  cand heap[MAX_CANDIDATES];
  size_t nh = 0, want = limit * 2;
  if (want < MIN_CANDIDATES) want = MIN_CANDIDATES;
  if (want > MAX_CANDIDATES) want = MAX_CANDIDATES;
  for (size_t i = 0; i < s->ntouched; i++) {
    uint32_t v = s->touched[i];
    float est = s->acc[v] / (total + ix->vweight[v]);
    if (est < MIN_ESTIMATE) continue;
    const emb__variant *var = &ix->vars[v];
    if (var->form == EMB__FORM_SCRIPT && nqs == 0) continue;
    const emb_entity *e = ix->ls->ents[var->entity];
    if (!entity_passes(e, opts)) continue;
    heap_push(heap, &nh, want,
              (cand){v, est, 0, var->form == EMB__FORM_SCRIPT});
  }
  r->candidates = nh;
  /* A query written in another script has no typos in its Latin form. */
  int qmode = nqs > 0 ? EMB__MODE_EXACT : 0;
  emb__stok ct[256];
  for (size_t i = 0; i < nh; i++) {
    const emb__variant *var = &ix->vars[heap[i].var];
    size_t nc = variant_tokens(ix, var, ct);
    heap[i].score = var->form == EMB__FORM_SCRIPT
                        ? emb__score(qs, nqs, ct, nc, var->mode, NULL)
                        : emb__score(ql, nql, ct, nc, var->mode | qmode, NULL);
  }
  /* One hit per entity id (the same entry may come from several files);
   * the best-scoring form wins because the list is sorted. */
  emb_hit *hits = emb__arena_alloc(
      &r->arena, (limit < nh ? limit : nh + 1) * sizeof(emb_hit));
  if (hits == NULL) {
    emb_result_free(r);
    *out = NULL;
    return EMB_ENOMEM;
  }
  size_t nhits = 0;
  /* Selection of the best remaining candidate: only the few reported hits
   * need ordering, not all candidates. */
  for (size_t i = 0; i < nh && nhits < limit; i++) {
    size_t best = i;
    for (size_t k = i + 1; k < nh; k++)
      if (cmp_score_desc(&heap[k], &heap[best]) < 0) best = k;
    cand tmp = heap[i];
    heap[i] = heap[best];
    heap[best] = tmp;
    if (heap[i].score < min_score || heap[i].score <= 0) break;
    const emb__variant *var = &ix->vars[heap[i].var];
    const emb_entity *e = emb_listset_entity(ix->ls, var->entity);
    int dup = 0;
    for (size_t k = 0; k < nhits && !dup; k++)
      dup = hits[k].entity == e || strcmp(hits[k].entity->id, e->id) == 0;
    if (dup) continue;
    emb_hit *h = &hits[nhits++];
    memset(h, 0, sizeof(*h));
    h->entity = e;
    h->name_index = var->name_idx;
    h->matched_name = e->names[var->name_idx].text;
    h->score = heap[i].score;
    h->match = h->score >= threshold;
    size_t nc = variant_tokens(ix, var, ct);
    st = var->form == EMB__FORM_SCRIPT
             ? explain(&r->arena, h, qs, nqs, ct, nc, var->mode, "script")
             : explain(&r->arena, h, ql, nql, ct, nc, var->mode | qmode,
                       "latin");
    if (st != EMB_OK) {
      emb_result_free(r);
      *out = NULL;
      return st;
    }
  }
  r->hits = hits;
  r->n = nhits;
  return EMB_OK;
}

emb_status emb_compare(const emb_index *ix, const char *a, size_t alen,
                       const char *b, size_t blen, emb_entity_type type,
                       double threshold, emb_result **out) {
  if ((a == NULL && alen) || (b == NULL && blen) || out == NULL)
    return EMB_EINVAL;
  *out = NULL;
  if (alen > EMB_MAX_QUERY || blen > EMB_MAX_QUERY) return EMB_ETOOBIG;
  if (threshold <= 0) threshold = EMB_DEFAULT_THRESHOLD;
  emb__normname *na = malloc(sizeof(*na)), *nb = malloc(sizeof(*nb));
  emb_result *r = result_new();
  emb_status st = (na && nb && r) ? EMB_OK : EMB_ENOMEM;
  if (st == EMB_OK) st = emb__normalize(a ? a : "", alen, na);
  if (st == EMB_OK) st = emb__normalize(b ? b : "", blen, nb);
  emb_hit *h = NULL;
  if (st == EMB_OK) {
    h = emb__arena_alloc(&r->arena, sizeof(*h));
    if (h == NULL) st = EMB_ENOMEM;
  }
  if (st == EMB_OK) {
    emb__stok qa[EMB__NORM_MAX_TOKENS], qb[EMB__NORM_MAX_TOKENS];
    /* Organisation rules unless the caller says person: comparing two
     * names, there is no list entry to tell an untyped name's kind. */
    int mode = type == EMB_TYPE_PERSON ? EMB__MODE_PERSON : 0;
    if (na->n_script || nb->n_script) mode |= EMB__MODE_EXACT;
    size_t n1 = emb__prepare(ix, na->latin, na->n_latin, qa);
    size_t n2 = emb__prepare(ix, nb->latin, nb->n_latin, qb);
    if (na->n_script) floor_transliterated(qa, n1);
    if (nb->n_script) floor_transliterated(qb, n2);
    double sl = emb__score(qa, n1, qb, n2, mode, NULL);
    h->score = sl;
    const char *form = "latin";
    if (na->n_script && nb->n_script) {
      emb__stok sa[EMB__NORM_MAX_TOKENS], sb[EMB__NORM_MAX_TOKENS];
      size_t m1 = emb__prepare(ix, na->script, na->n_script, sa);
      size_t m2 = emb__prepare(ix, nb->script, nb->n_script, sb);
      double ss = emb__score(sa, m1, sb, m2, mode, NULL);
      if (ss > sl) {
        h->score = ss;
        form = "script";
        st = explain(&r->arena, h, sa, m1, sb, m2, mode, form);
      }
    }
    if (strcmp(form, "latin") == 0)
      st = explain(&r->arena, h, qa, n1, qb, n2, mode, form);
    h->match = h->score >= threshold;
    r->hits = h;
    r->n = 1;
  }
  free(na);
  free(nb);
  if (st != EMB_OK) {
    emb_result_free(r);
    return st;
  }
  *out = r;
  return EMB_OK;
}

size_t emb_result_count(const emb_result *r) {
  return r ? r->n : 0;
}

const emb_hit *emb_result_hit(const emb_result *r, size_t i) {
  return r && i < r->n ? &r->hits[i] : NULL;
}

size_t emb_result_candidates(const emb_result *r) {
  return r ? r->candidates : 0;
}

void emb_result_free(emb_result *r) {
  if (r == NULL) return;
  emb__arena_free(&r->arena);
  free(r);
}
