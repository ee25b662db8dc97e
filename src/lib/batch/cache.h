/* A bounded LRU cache of byte strings keyed by byte strings, one per
 * batch worker thread: customer files repeat names, and screening a name
 * costs far more than looking it up. Bounded both by the number of entries
 * and by the bytes they hold; the least recently used entries go first.
 *
 * Not thread-safe: each worker owns its cache.
 */
#ifndef EMB_BATCH_CACHE_H
#define EMB_BATCH_CACHE_H

#include <stddef.h>

typedef struct emb__lru emb__lru; /* opaque */

/* A cache of at most max_entries entries and max_bytes bytes of keys and
 * values (both >= 1). NULL on out of memory. Caller frees with
 * emb__lru_free. */
emb__lru *emb__lru_new(size_t max_entries, size_t max_bytes);
void emb__lru_free(emb__lru *c);

/* The value stored under key[0..klen), or NULL; *vlen gets its length.
 * The value is owned by the cache and valid until the next emb__lru_put
 * or emb__lru_free. A hit makes the entry the most recently used. */
const void *emb__lru_get(emb__lru *c, const void *key, size_t klen,
                         size_t *vlen);

/* Stores copies of key and value, replacing an entry with the same key
 * and evicting the least recently used entries to stay within the
 * bounds. A value larger than a quarter of max_bytes is not stored.
 * Returns 0, or -1 on out of memory (the cache is unchanged). */
int emb__lru_put(emb__lru *c, const void *key, size_t klen, const void *val,
                 size_t vlen);

/* Entries held, and lookups that hit and missed, for reports. */
size_t emb__lru_count(const emb__lru *c);
size_t emb__lru_hits(const emb__lru *c);
size_t emb__lru_misses(const emb__lru *c);

#endif
