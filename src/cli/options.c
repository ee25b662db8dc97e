/* Command-line option parsing from a sorted table, and value checks. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/rules/rules_internal.h"
#include "cli.h"

static const cli_opt *find(const cli_opt *opts, size_t n, const char *name,
                           size_t len) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strncmp(opts[mid].name, name, len);
    if (c == 0 && opts[mid].name[len] != '\0') c = 1;
    if (c == 0) return &opts[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

int cli_parse(const char *cmd, const cli_opt *opts, size_t n, int argc,
              char **argv, cli_args *out) {
  memset(out, 0, sizeof(*out));
  int only_pos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
      if (out->n_pos == sizeof(out->pos) / sizeof(out->pos[0])) {
        fprintf(stderr, "embargo %s: too many arguments\n", cmd);
        return CLI_USAGE;
      }
      out->pos[out->n_pos++] = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_pos = 1;
      continue;
    }
    if (strcmp(a, "-h") == 0) a = "--help";
    if (a[1] != '-') {
      fprintf(stderr, "embargo %s: unknown option '%s'\n", cmd, a);
      return CLI_USAGE;
    }
    const char *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_opt *o = find(opts, n, name, len);
    if (o == NULL) {
      fprintf(stderr, "embargo %s: unknown option '%s' (see --help)\n", cmd, a);
      return CLI_USAGE;
    }
    const char *val = "";
    if (o->has_arg) {
      if (eq)
        val = eq + 1;
      else if (i + 1 < argc)
        val = argv[++i];
      else {
        fprintf(stderr, "embargo %s: option '--%s' needs a value\n", cmd,
                o->name);
        return CLI_USAGE;
      }
    } else if (eq) {
      fprintf(stderr, "embargo %s: option '--%s' takes no value\n", cmd,
              o->name);
      return CLI_USAGE;
    }
    if (strcmp(o->name, "data") == 0) {
      if (out->n_data == sizeof(out->multi_data) / sizeof(out->multi_data[0])) {
        fprintf(stderr, "embargo %s: too many --data options\n", cmd);
        return CLI_USAGE;
      }
      out->multi_data[out->n_data++] = val;
    }
    out->values[o->id] = val;
  }
  return CLI_OK;
}

int cli_parse_double(const char *s, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

int cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out) {
  char *end;
  errno = 0;
  if (*s == '-') return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end != '\0' || v < lo || v > hi) return -1;
  *out = (size_t)v;
  return 0;
}

int cli_valid_date(const char *s) {
  emb__day d;
  return s != NULL && emb__day_parse(s, strlen(s), &d);
}

char *cli_read_all(FILE *f, size_t max, size_t *len) {
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n == cap) {
      if (cap > max) break;
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) break;
      buf = nb;
      cap *= 2;
    }
    size_t k = fread(buf + n, 1, cap - n, f);
    n += k;
    if (k == 0) {
      if (ferror(f) || n > max) break;
      *len = n;
      return buf;
    }
  }
  free(buf);
  return NULL;
}

int cli_split_names(const char *s, char **buf, const char **out, size_t max) {
  *buf = strdup(s);
  if (*buf == NULL) return -1;
  size_t n = 0;
  char *save = NULL;
  for (char *t = strtok_r(*buf, ", ", &save); t;
       t = strtok_r(NULL, ", ", &save)) {
    if (n == max) return -1;
    out[n++] = t;
  }
  return (int)n;
}

int cli_check_regimes(const char *cmd, const emb_ruleset *rs,
                      const char *const *names, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (emb_ruleset_regime_find(rs, names[i]) >= 0) continue;
    fprintf(stderr,
            "embargo %s: --regime: no rule pack of regime '%s'; the rules "
            "have:",
            cmd, names[i]);
    for (size_t g = 0; g < emb_ruleset_regime_count(rs); g++)
      fprintf(stderr, "%s %s", g ? "," : "", emb_ruleset_regime_name(rs, g));
    fprintf(stderr, "\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}
