/* A bounded LRU cache: an open hash table of chained entries, and a
 * doubly linked list from the most to the least recently used. Each entry
 * is one allocation holding its key and value. */
#include "cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../common/hash.h"

typedef struct entry {
  struct entry *chain;       /* next in the bucket */
  struct entry *prev, *next; /* recency list: prev is more recent */
  uint64_t hash;
  size_t klen, vlen;
  /* key bytes, then value bytes */
  unsigned char data[];
} entry;

struct emb__lru {
  entry **buckets;
  size_t nbuckets; /* a power of two */
  entry *head, *tail;
  size_t count, bytes;
  size_t max_entries, max_bytes;
  size_t hits, misses;
};

emb__lru *emb__lru_new(size_t max_entries, size_t max_bytes) {
  if (max_entries == 0 || max_bytes == 0) return NULL;
  emb__lru *c = calloc(1, sizeof(*c));
  if (c == NULL) return NULL;
  c->nbuckets = 16;
  while (c->nbuckets < max_entries && c->nbuckets < ((size_t)1 << 24))
    c->nbuckets *= 2;
  c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
  if (c->buckets == NULL) {
    free(c);
    return NULL;
  }
  c->max_entries = max_entries;
  c->max_bytes = max_bytes;
  return c;
}

void emb__lru_free(emb__lru *c) {
  if (c == NULL) return;
  for (entry *e = c->head, *n; e; e = n) {
    n = e->next;
    free(e);
  }
  free(c->buckets);
  free(c);
}

static entry **slot(emb__lru *c, const void *key, size_t klen, uint64_t h) {
  entry **p = &c->buckets[h & (c->nbuckets - 1)];
  while (*p && !((*p)->hash == h && (*p)->klen == klen &&
                 memcmp((*p)->data, key, klen) == 0))
    p = &(*p)->chain;
  return p;
}

static void unlink_entry(emb__lru *c, entry *e) {
  if (e->prev)
    e->prev->next = e->next;
  else
    c->head = e->next;
  if (e->next)
    e->next->prev = e->prev;
  else
    c->tail = e->prev;
  e->prev = e->next = NULL;
}

static void push_front(emb__lru *c, entry *e) {
  e->prev = NULL;
  e->next = c->head;
  if (c->head) c->head->prev = e;
  c->head = e;
  if (c->tail == NULL) c->tail = e;
}

/* Removes e from the table and the list and frees it. */
static void drop(emb__lru *c, entry *e) {
  entry **p = slot(c, e->data, e->klen, e->hash);
  *p = e->chain;
  unlink_entry(c, e);
  c->count--;
  c->bytes -= e->klen + e->vlen;
  free(e);
}

const void *emb__lru_get(emb__lru *c, const void *key, size_t klen,
                         size_t *vlen) {
  uint64_t h = emb__hash_bytes(key, klen);
  entry *e = *slot(c, key, klen, h);
  if (e == NULL) {
    c->misses++;
    return NULL;
  }
  c->hits++;
  if (c->head != e) {
    unlink_entry(c, e);
    push_front(c, e);
  }
  *vlen = e->vlen;
  return e->data + e->klen;
}

int emb__lru_put(emb__lru *c, const void *key, size_t klen, const void *val,
                 size_t vlen) {
  if (klen + vlen > c->max_bytes / 4) return 0; /* too big to be worth it */
  entry *e = malloc(sizeof(*e) + klen + vlen);
  if (e == NULL) return -1;
  uint64_t h = emb__hash_bytes(key, klen);
  entry *old = *slot(c, key, klen, h);
  if (old) drop(c, old);
  e->hash = h;
  e->klen = klen;
  e->vlen = vlen;
  memcpy(e->data, key, klen);
  if (vlen) memcpy(e->data + klen, val, vlen);
  while (c->tail && (c->count + 1 > c->max_entries ||
                     c->bytes + klen + vlen > c->max_bytes))
    drop(c, c->tail);
  entry **p = &c->buckets[h & (c->nbuckets - 1)];
  e->chain = *p;
  *p = e;
  push_front(c, e);
  c->count++;
  c->bytes += klen + vlen;
  return 0;
}

size_t emb__lru_count(const emb__lru *c) {
  return c->count;
}
size_t emb__lru_hits(const emb__lru *c) {
  return c->hits;
}
size_t emb__lru_misses(const emb__lru *c) {
  return c->misses;
}
