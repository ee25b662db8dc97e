/* Internal: a streaming JSON writer into a growable buffer.
 *
 * Building a jansson tree costs a few hundred nanoseconds per object, more
 * than the determination it describes; this writer appends text directly.
 * It writes compact JSON, or indented like jansson's JSON_INDENT(2). Strings
 * are escaped; bytes that are not UTF-8 become U+FFFD, so the output is
 * always valid JSON. An allocation failure is remembered and reported once
 * at the end (emb__jw_finish). */
#ifndef EMB_RULES_JSONW_H
#define EMB_RULES_JSONW_H

#include <stddef.h>

#define EMB__JW_MAX_DEPTH 32

typedef struct emb__jw {
  char *buf;
  size_t len, cap;
  int oom;
  int pretty;
  int depth;
  unsigned char has_items[EMB__JW_MAX_DEPTH];
  int after_key;
} emb__jw;

void emb__jw_init(emb__jw *w, int pretty);
void emb__jw_obj(emb__jw *w);
void emb__jw_obj_end(emb__jw *w);
void emb__jw_arr(emb__jw *w);
void emb__jw_arr_end(emb__jw *w);
/* A key of the current object; the next call writes its value. */
void emb__jw_key(emb__jw *w, const char *k);
/* A string, or null when s is NULL. */
void emb__jw_str(emb__jw *w, const char *s);
void emb__jw_int(emb__jw *w, long long v);
/* A number with at most `decimals` decimals, trailing zeros dropped
 * (at least one decimal is kept, as in "1.0"). */
void emb__jw_num(emb__jw *w, double v, int decimals);
void emb__jw_bool(emb__jw *w, int v);
void emb__jw_null(emb__jw *w);
/* key + string, skipped when s is NULL. */
void emb__jw_opt(emb__jw *w, const char *k, const char *s);
/* The NUL-terminated text (caller frees with free()), or NULL when memory
 * ran out (the buffer is then freed). */
char *emb__jw_finish(emb__jw *w);

#endif
