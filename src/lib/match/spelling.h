/* Internal: correcting typos in the common words of names (legal forms and
 * generic business words) in queries. */
#ifndef EMB_MATCH_SPELLING_H
#define EMB_MATCH_SPELLING_H

#include <stddef.h>

/* If token t[0..n) (lower-case ASCII) is one typo away from exactly one
 * of the common words of names ("company", "limited", "liability",
 * "joint", "stock", "industrial", ...) returns that word (static storage),
 * else NULL. The caller applies it only to tokens the lists' vocabulary
 * does not hold, so a real listed word is never "corrected". */
const char *emb__spelling_fix(const char *t, size_t n);

#endif
