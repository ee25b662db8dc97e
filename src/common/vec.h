/* Growable arrays without a capacity field: capacity is the next power of
 * two at or above the count, so a push reallocates only when the count is a
 * power of two (or zero). */
#ifndef EMB_COMMON_VEC_H
#define EMB_COMMON_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Makes room for one more element in *v (count *n, element size sz).
 * Returns a pointer to the new (uninitialised) slot and increments *n, or
 * NULL on out of memory (then *v and *n are unchanged). */
static inline void *emb__vec_push(void **v, size_t *n, size_t sz) {
  size_t cnt = *n;
  if (cnt == 0 || (cnt & (cnt - 1)) == 0) {
    size_t cap = cnt ? cnt * 2 : 4;
    if (cnt >= 4 || cnt == 0) {
      if (cap > SIZE_MAX / sz) return NULL;
      void *nv = realloc(*v, cap * sz);
      if (nv == NULL) return NULL;
      *v = nv;
    }
  }
  *n = cnt + 1;
  return (char *)*v + cnt * sz;
}

#endif
