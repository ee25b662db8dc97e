/* Arena allocator: bump allocation in blocks of at least 64 KiB. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct emb__arena_block {
  emb__arena_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

#define ARENA_MIN_BLOCK ((size_t)64 * 1024)

void *emb__arena_alloc(emb__arena *a, size_t n) {
  n = (n + 15u) & ~(size_t)15u;
  emb__arena_block *b = a->head;
  if (b == NULL || b->cap - b->used < n) {
    size_t cap = n > ARENA_MIN_BLOCK ? n : ARENA_MIN_BLOCK;
    if (cap > SIZE_MAX - sizeof(*b)) return NULL;
    b = malloc(sizeof(*b) + cap);
    if (b == NULL) return NULL;
    b->used = 0;
    b->cap = cap;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  memset(p, 0, n);
  return p;
}

char *emb__arena_strndup(emb__arena *a, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = emb__arena_alloc(a, len + 1);
  if (p == NULL) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void emb__arena_free(emb__arena *a) {
  emb__arena_block *b = a->head;
  while (b) {
    emb__arena_block *next = b->next;
    free(b);
    b = next;
  }
  a->head = NULL;
}
