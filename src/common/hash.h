/* FNV-1a hashing of byte strings, for the open-addressing tables (ids,
 * tokens, names). The final fold mixes the high bits into the low ones,
 * which the tables use as slot numbers. Not for anything adversaries can
 * exploit beyond slower lookups: inputs are bounded. */
#ifndef EMB_COMMON_HASH_H
#define EMB_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define EMB__FNV_OFFSET 0xcbf29ce484222325ull
#define EMB__FNV_PRIME 0x100000001b3ull

/* Adds byte c to a running FNV-1a hash h. */
static inline uint64_t emb__hash_step(uint64_t h, unsigned char c) {
  return (h ^ c) * EMB__FNV_PRIME;
}

/* Folds the high bits into the low ones. */
static inline uint64_t emb__hash_fold(uint64_t h) {
  return h ^ (h >> 29);
}

/* Hash of s[0..n). */
static inline uint64_t emb__hash_bytes(const char *s, size_t n) {
  uint64_t h = EMB__FNV_OFFSET;
  for (size_t i = 0; i < n; i++) h = emb__hash_step(h, (unsigned char)s[i]);
  return emb__hash_fold(h);
}

/* Hash of the NUL-terminated s. */
static inline uint64_t emb__hash_str(const char *s) {
  uint64_t h = EMB__FNV_OFFSET;
  for (; *s; s++) h = emb__hash_step(h, (unsigned char)*s);
  return emb__hash_fold(h);
}

#endif
