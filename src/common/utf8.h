/* Strict UTF-8 validation, shared by name normalisation and the list
 * loaders (which must not pass invalid text on to JSON output). */
#ifndef EMB_COMMON_UTF8_H
#define EMB_COMMON_UTF8_H

#include <stddef.h>

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF,
 * no truncated or stray continuation bytes. */
static inline int emb__utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) lo = 0xA0; /* overlong */
      if (c == 0xED) hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) lo = 0x90; /* overlong */
      if (c == 0xF4) hi = 0x8F; /* past U+10FFFF */
    } else {
      return 0; /* continuation byte, C0, C1 or F5..FF */
    }
    if (n - i - 1 < need) return 0;
    if (s[i + 1] < lo || s[i + 1] > hi) return 0;
    for (size_t k = 2; k <= need; k++)
      if ((s[i + k] & 0xC0) != 0x80) return 0;
    i += need + 1;
  }
  return 1;
}

#endif
