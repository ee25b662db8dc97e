/* Arena allocator: many small allocations freed together. Not thread-safe;
 * a list set owns one arena and is read-only after it is built. */
#ifndef EMB_COMMON_ARENA_H
#define EMB_COMMON_ARENA_H

#include <stddef.h>

typedef struct emb__arena_block emb__arena_block;
typedef struct emb__arena {
  emb__arena_block *head;
} emb__arena;

/* Returns zeroed, 16-byte aligned memory owned by the arena, or NULL. */
void *emb__arena_alloc(emb__arena *a, size_t n);
/* Copies s[0..len) and a NUL into the arena; NULL on out of memory. */
char *emb__arena_strndup(emb__arena *a, const char *s, size_t len);
/* Frees every block; the arena can be reused afterwards. */
void emb__arena_free(emb__arena *a);

#endif
