/* Dates as the lists write them, normalised to YYYY-MM-DD. */
#include <string.h>
#include <strings.h>

#include "source.h"

static int digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

static int valid(int y, int m, int d) {
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 0;
  return 1;
}

emb_status emb__date_parse(const char *s, size_t len, char out[11]) {
  static const char *months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  while (len && (*s == ' ' || *s == '\t')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  int y = 0, m = 0, d = 0;
  if (len >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
      digits(s, 4, &y) && digits(s + 5, 2, &m) && digits(s + 8, 2, &d) &&
      (len == 10 || s[10] == 'T' || s[10] == ' ')) {
    /* YYYY-MM-DD, possibly followed by a time. */
  } else if (len >= 8 && len <= 10 && memchr(s, '/', len) != NULL) {
    /* M/D/YYYY with one- or two-digit month and day. Without a slash a
     * ten-byte date may still be "D Mon YYYY", below. */
    const char *a = memchr(s, '/', len);
    const char *b = a ? memchr(a + 1, '/', (size_t)(s + len - a - 1)) : NULL;
    if (!a || !b || a == s || b == a + 1 || a - s > 2 || b - a - 1 > 2 ||
        s + len - b - 1 != 4 || !digits(s, (size_t)(a - s), &m) ||
        !digits(a + 1, (size_t)(b - a - 1), &d) || !digits(b + 1, 4, &y))
      return EMB_EDATE;
  } else if (len == 4 && digits(s, 4, &y)) {
    m = 1;
    d = 1;
  } else if (len >= 10 && len <= 11) {
    /* D Mon YYYY or DD Mon YYYY. */
    const char *sp = memchr(s, ' ', len);
    if (!sp || sp - s > 2 || !digits(s, (size_t)(sp - s), &d) ||
        (size_t)(sp - s) + 9 != len || sp[4] != ' ' || !digits(sp + 5, 4, &y))
      return EMB_EDATE;
    for (int i = 0; i < 12; i++)
      if (strncasecmp(sp + 1, months[i], 3) == 0) m = i + 1;
  } else {
    return EMB_EDATE;
  }
  if (!valid(y, m, d)) return EMB_EDATE;
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = '\0';
  return EMB_OK;
}
