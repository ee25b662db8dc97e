/* A streaming JSON writer (see jsonw.h). */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(emb__jw *w, size_t need) {
  if (w->oom) return;
  size_t cap = w->cap ? w->cap : 4096;
  while (cap - w->len < need + 1) cap *= 2;
  char *nb = realloc(w->buf, cap);
  if (nb == NULL) {
    w->oom = 1;
    return;
  }
  w->buf = nb;
  w->cap = cap;
}

static inline void put(emb__jw *w, const char *s, size_t n) {
  if (w->cap - w->len < n + 1) {
    grow(w, n);
    if (w->oom) return;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
}

static inline void putc_(emb__jw *w, char c) {
  if (w->cap - w->len < 2) {
    grow(w, 1);
    if (w->oom) return;
  }
  w->buf[w->len++] = c;
}

/* A byte that goes out as it is: printable ASCII but '"' and '\\'. */
static inline int plain(unsigned char c) {
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void newline(emb__jw *w) {
  static const char spaces[] = "                                        ";
  putc_(w, '\n');
  size_t n = (size_t)w->depth * 2;
  while (n > 0) {
    size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
    put(w, spaces, k);
    n -= k;
  }
}

/* Before a value or a key: the separator and, indented, the new line. */
static void before(emb__jw *w) {
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (w->depth == 0) return;
  if (w->has_items[w->depth]) putc_(w, ',');
  w->has_items[w->depth] = 1;
  if (w->pretty) newline(w);
}

void emb__jw_init(emb__jw *w, int pretty) {
  memset(w, 0, sizeof(*w));
  w->pretty = pretty;
}

static void open_(emb__jw *w, char c) {
  before(w);
  putc_(w, c);
  if (w->depth + 1 < EMB__JW_MAX_DEPTH) w->depth++;
  w->has_items[w->depth] = 0;
}

static void close_(emb__jw *w, char c) {
  int had = w->has_items[w->depth];
  if (w->depth > 0) w->depth--;
  if (had && w->pretty) newline(w);
  putc_(w, c);
}

void emb__jw_obj(emb__jw *w) {
  open_(w, '{');
}
void emb__jw_obj_end(emb__jw *w) {
  close_(w, '}');
}
void emb__jw_arr(emb__jw *w) {
  open_(w, '[');
}
void emb__jw_arr_end(emb__jw *w) {
  close_(w, ']');
}

/* The length of the UTF-8 sequence at s (1 to 4), or 0 if it is not
 * well-formed. */
static size_t utf8_len(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) return (s[1] & 0xC0) == 0x80 ? 2 : 0;
  if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
    if (s[0] == 0xE0 && s[1] < 0xA0) return 0;
    if (s[0] == 0xED && s[1] > 0x9F) return 0;
    return 3;
  }
  if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
      return 0;
    if (s[0] == 0xF0 && s[1] < 0x90) return 0;
    if (s[0] == 0xF4 && s[1] > 0x8F) return 0;
    return 4;
  }
  return 0;
}

static void string(emb__jw *w, const char *s) {
  static const char hex[] = "0123456789abcdef";
  putc_(w, '"');
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    /* Runs of plain ASCII go in one copy. */
    const unsigned char *q = p;
    while (plain(*q)) q++;
    if (q > p) {
      put(w, (const char *)p, (size_t)(q - p));
      p = q;
      continue;
    }
    unsigned char c = *p;
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      put(w, e, 2);
      p++;
    } else if (c < 0x20) {
      const char *e = c == '\n'   ? "\\n"
                      : c == '\t' ? "\\t"
                      : c == '\r' ? "\\r"
                                  : NULL;
      if (e) {
        put(w, e, 2);
      } else {
        char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        put(w, u, 6);
      }
      p++;
    } else {
      size_t n = utf8_len(p);
      if (n == 0) {
        put(w, "\xEF\xBF\xBD", 3);
        p++;
      } else {
        put(w, (const char *)p, n);
        p += n;
      }
    }
  }
  putc_(w, '"');
}

void emb__jw_key(emb__jw *w, const char *k) {
  before(w);
  string(w, k);
  if (w->pretty)
    put(w, ": ", 2);
  else
    putc_(w, ':');
  w->after_key = 1;
}

void emb__jw_str(emb__jw *w, const char *s) {
  if (s == NULL) {
    emb__jw_null(w);
    return;
  }
  before(w);
  string(w, s);
}

void emb__jw_int(emb__jw *w, long long v) {
  char b[32];
  int n = snprintf(b, sizeof(b), "%lld", v);
  before(w);
  put(w, b, (size_t)n);
}

void emb__jw_num(emb__jw *w, double v, int decimals) {
  if (!isfinite(v)) {
    emb__jw_null(w);
    return;
  }
  char b[64];
  int n = snprintf(b, sizeof(b), "%.*f", decimals, v);
  if (n < 0 || (size_t)n >= sizeof(b)) {
    emb__jw_null(w);
    return;
  }
  if (strchr(b, '.')) {
    while (n > 0 && b[n - 1] == '0') n--;
    if (b[n - 1] == '.') b[n++] = '0';
  }
  before(w);
  put(w, b, (size_t)n);
}

void emb__jw_bool(emb__jw *w, int v) {
  before(w);
  if (v)
    put(w, "true", 4);
  else
    put(w, "false", 5);
}

void emb__jw_null(emb__jw *w) {
  before(w);
  put(w, "null", 4);
}

void emb__jw_opt(emb__jw *w, const char *k, const char *s) {
  if (s == NULL) return;
  emb__jw_key(w, k);
  emb__jw_str(w, s);
}

char *emb__jw_finish(emb__jw *w) {
  if (!w->oom && w->buf == NULL) grow(w, 0);
  if (w->oom) {
    free(w->buf);
    w->buf = NULL;
    return NULL;
  }
  w->buf[w->len] = '\0';
  return w->buf;
}
