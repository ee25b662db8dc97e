/* Party screening for determinations, and the cache that keeps it across
 * calls.
 *
 * DESIGN: screening a name costs far more than applying every rule, and
 * the parties of a company's transactions repeat (the same customers and
 * consignees), so a thread keeps the hits of the names it has screened.
 * The cache is 4-way set-associative by a hash of the name: a lookup
 * compares at most four entries, and a new name replaces the least
 * recently used entry of its set, unless every entry of the set is in use
 * by the current call (its generation), in which case the new name is
 * screened for this call only. Entries are tied to one rule set and index
 * (pointer identity): the cache flushes itself when either changes.
 */
#include <stdlib.h>
#include <string.h>

#include "../../common/hash.h"
#include "rules_internal.h"

#define DEFAULT_CAPACITY 4096
#define WAYS 4
#define MAX_CAPACITY ((size_t)1 << 22)

struct emb_check_cache {
  const emb_ruleset *rs;
  const emb_index *ix;
  emb__scr **slots; /* sets of WAYS entries */
  size_t cap;       /* entries: a power of two, at least WAYS */
  uint64_t gen;
};

emb_status emb_check_cache_new(size_t capacity, emb_check_cache **out) {
  *out = NULL;
  if (capacity == 0) capacity = DEFAULT_CAPACITY;
  if (capacity > MAX_CAPACITY) capacity = MAX_CAPACITY;
  size_t cap = 16;
  while (cap < capacity) cap *= 2;
  /* cap is a multiple of WAYS: set i holds entries i*WAYS .. +WAYS-1. */
  emb_check_cache *c = calloc(1, sizeof(*c));
  if (c == NULL) return EMB_ENOMEM;
  c->slots = calloc(cap, sizeof(*c->slots));
  if (c->slots == NULL) {
    free(c);
    return EMB_ENOMEM;
  }
  c->cap = cap;
  *out = c;
  return EMB_OK;
}

void emb__scr_free(emb__scr *s) {
  if (s == NULL) return;
  free(s->name);
  free(s->hits);
  free(s->informed);
  free(s);
}

static void flush(emb_check_cache *c) {
  for (size_t i = 0; i < c->cap; i++) {
    emb__scr_free(c->slots[i]);
    c->slots[i] = NULL;
  }
}

void emb_check_cache_free(emb_check_cache *c) {
  if (c == NULL) return;
  flush(c);
  free(c->slots);
  free(c);
}

void emb__cache_begin(emb_check_cache *c, const emb_ruleset *rs,
                      const emb_index *ix) {
  if (c->rs != rs || c->ix != ix) {
    flush(c);
    c->rs = rs;
    c->ix = ix;
  }
  c->gen++;
}

/* Screens a name now. */
static emb_status screen(const emb_ruleset *rs, const emb_index *ix,
                         const char *name, size_t len, uint64_t hash,
                         emb__scr **out) {
  emb__scr *s = calloc(1, sizeof(*s));
  if (s == NULL) return EMB_ENOMEM;
  s->name = malloc(len + 1);
  s->n_informed = rs->n_informed_names;
  s->informed = calloc(s->n_informed ? s->n_informed : 1, 1);
  if (s->name == NULL || s->informed == NULL) {
    emb__scr_free(s);
    return EMB_ENOMEM;
  }
  memcpy(s->name, name, len);
  s->name[len] = '\0';
  s->len = len;
  s->hash = hash;
  if (ix) {
    emb_screen_opts so;
    emb_screen_opts_init(&so);
    emb_result *r = NULL;
    emb_status st = emb_screen(ix, name, len, &so, &r);
    if (st != EMB_OK) {
      emb__scr_free(s);
      return st;
    }
    size_t n = emb_result_count(r);
    s->hits = malloc((n ? n : 1) * sizeof(*s->hits));
    if (s->hits == NULL) {
      emb_result_free(r);
      emb__scr_free(s);
      return EMB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
      const emb_hit *h = emb_result_hit(r, i);
      /* The entity and its names live in the list set, which outlives
       * the index and so every cache entry. */
      s->hits[i] =
          (emb__scr_hit){h->entity, h->matched_name, h->score, h->match};
    }
    s->n_hits = n;
    emb_result_free(r);
  }
  *out = s;
  return EMB_OK;
}

emb_status emb__scr_get(emb_check_cache *c, const emb_ruleset *rs,
                        const emb_index *ix, const char *name, size_t len,
                        emb__scr **out) {
  uint64_t h = emb__hash_bytes(name, len);
  if (c == NULL) return screen(rs, ix, name, len, h, out);
  emb__scr **set = &c->slots[(h * WAYS) & (c->cap - 1)];
  emb__scr **victim = NULL;
  for (int k = 0; k < WAYS; k++) {
    emb__scr *s = set[k];
    if (s && s->hash == h && s->len == len && memcmp(s->name, name, len) == 0) {
      s->gen = c->gen;
      *out = s;
      return EMB_OK;
    }
    /* An empty way, else the least recently used not in use now. */
    if (s == NULL)
      victim = victim && *victim == NULL ? victim : &set[k];
    else if (s->gen != c->gen &&
             (victim == NULL || (*victim && (*victim)->gen > s->gen)))
      victim = &set[k];
  }
  emb_status st = screen(rs, ix, name, len, h, out);
  if (st != EMB_OK || victim == NULL) return st; /* all in use: not kept */
  emb__scr_free(*victim);
  (*out)->cached = 1;
  (*out)->gen = c->gen;
  *victim = *out;
  return EMB_OK;
}

int emb__scr_informed(emb__scr *s, const emb_index *ix, size_t k,
                      const char *informed_name) {
  if (k >= s->n_informed) return 0;
  if (s->informed[k] == 0) {
    emb_result *r = NULL;
    int yes = 0;
    if (emb_compare(ix, s->name, s->len, informed_name, strlen(informed_name),
                    EMB_TYPE_UNKNOWN, 0, &r) == EMB_OK) {
      yes = emb_result_count(r) > 0 && emb_result_hit(r, 0)->match;
      emb_result_free(r);
    } else {
      /* A name that cannot be compared (bad UTF-8, too long) is not
       * decided now and is compared again next time. */
      return 0;
    }
    s->informed[k] = yes ? 2 : 1;
  }
  return s->informed[k] == 2;
}
