/* Lines of an in-memory text file. See lines.h. */
#include "lines.h"

#include <string.h>

void emb__lines_init(emb__lines *it, const char *data, size_t len) {
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    data += 3;
    len -= 3;
  }
  it->data = data;
  it->len = len;
  it->pos = 0;
  it->line = 0;
}

int emb__lines_next(emb__lines *it, const char **p, size_t *n) {
  if (it->pos >= it->len) return 0;
  const char *start = it->data + it->pos;
  const char *nl = memchr(start, '\n', it->len - it->pos);
  size_t k = nl ? (size_t)(nl - start) : it->len - it->pos;
  it->pos += nl ? k + 1 : k;
  it->line++;
  if (k && start[k - 1] == '\r') k--;
  *p = start;
  *n = k;
  return 1;
}

int emb__line_skipped(const char *p, size_t n) {
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
  if (n - i >= 2 && p[i] == '/' && p[i + 1] == '/') return 1;
  return i == n;
}
