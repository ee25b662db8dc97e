/* The small codes the rules speak in: dates as yyyymmdd integers, country
 * codes as indexes, ECCNs and their paragraphs. */
#include <string.h>
#include <time.h>

#include "../text/country.h"
#include "rules_internal.h"

int emb__day_parse(const char *s, size_t n, emb__day *out) {
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (n != 10 || s[4] != '-' || s[7] != '-') return 0;
  int v[3] = {0, 0, 0}, k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i == 4 || i == 7) {
      k++;
      continue;
    }
    if (s[i] < '0' || s[i] > '9') return 0;
    v[k] = v[k] * 10 + (s[i] - '0');
  }
  int y = v[0], m = v[1], d = v[2];
  if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
    return 0;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 0;
  *out = y * 10000 + m * 100 + d;
  return 1;
}

void emb__day_format(emb__day d, char out[11]) {
  int y = d / 10000, m = d / 100 % 100, dd = d % 100;
  out[0] = (char)('0' + y / 1000 % 10);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + dd / 10);
  out[9] = (char)('0' + dd % 10);
  out[10] = '\0';
}

emb__day emb__day_today(void) {
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm) == NULL) return 0;
  return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int emb__cc(const char *s, size_t n) {
  if (n != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') return -1;
  /* The lookup also knows names and alpha-3 codes; here only the
   * alpha-2 code itself, exactly as written, is a country. */
  const char *cc = emb__country_lookup(s, 2);
  if (cc == NULL || cc[0] != s[0] || cc[1] != s[1]) return -1;
  return (s[0] - 'A') * 26 + (s[1] - 'A');
}

void emb__cc_str(int i, char out[3]) {
  if (i < 0 || i >= EMB__NCC) {
    out[0] = '\0';
    return;
  }
  out[0] = (char)('A' + i / 26);
  out[1] = (char)('A' + i % 26);
  out[2] = '\0';
}

static const char eccn_groups[] = "ABCDEY";

int emb__eccn_parse(const char *s, size_t n, int *code, size_t *para_off) {
  if (n >= 5 && (s[0] | 32) == 'e' && (s[1] | 32) == 'a' &&
      (s[2] | 32) == 'r' && s[3] == '9' && s[4] == '9' && n == 5) {
    *code = EMB__EAR99;
    *para_off = n;
    return 1;
  }
  if (n < 5 || s[0] < '0' || s[0] > '9') return 0;
  const char *g = memchr(eccn_groups, s[1] & ~32, 6);
  if (g == NULL || s[1] == '\0') return 0;
  int num = 0;
  for (int i = 2; i < 5; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    num = num * 10 + (s[i] - '0');
  }
  if (n > 5) {
    /* A paragraph: ".a", ".c.1", ".z.1.a": letters and digits between
     * single dots, not ending in a dot. */
    if (s[5] != '.' || n == 6 || s[n - 1] == '.') return 0;
    for (size_t i = 6; i < n; i++) {
      char ch = s[i];
      int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9');
      if (!alnum && !(ch == '.' && s[i - 1] != '.')) return 0;
    }
    *para_off = 6;
  } else {
    *para_off = n;
  }
  *code = (s[0] - '0') * 6000 + (int)(g - eccn_groups) * 1000 + num;
  return 1;
}

void emb__eccn_name(int code, char out[6]) {
  if (code == EMB__EAR99 || code < 0 || code > EMB__NECCN) {
    memcpy(out, code == EMB__EAR99 ? "EAR99" : "?????", 6);
    return;
  }
  out[0] = (char)('0' + code / 6000);
  out[1] = eccn_groups[code / 1000 % 6];
  out[2] = (char)('0' + code / 100 % 10);
  out[3] = (char)('0' + code / 10 % 10);
  out[4] = (char)('0' + code % 10);
  out[5] = '\0';
}

static char lower(char ch) {
  return ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
}

int emb__para_match(const char *a, size_t an, const char *b, size_t bn) {
  if (an && a[0] == '.') a++, an--;
  if (bn && b[0] == '.') b++, bn--;
  size_t n = an < bn ? an : bn;
  for (size_t i = 0; i < n; i++)
    if (lower(a[i]) != lower(b[i])) return 0;
  /* The shorter must end at a paragraph boundary of the longer one. */
  if (an == bn || n == 0) return 1;
  return (an > bn ? a[n] : b[n]) == '.';
}
