/* Parsing of the param types rule packs share (docs/rules.md, "Common
 * param types"), with errors that name the file, line and field. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rules_internal.h"

/* Longest field path in a message. */
#define FIELD_MAX 160

const char *const emb__role_names[EMB__N_ROLES] = {
    "purchaser", "intermediate_consignee", "ultimate_consignee", "end_user",
    "supplier"};

int emb__role_parse(const char *s) {
  for (int i = 0; i < EMB__N_ROLES; i++)
    if (strcmp(s, emb__role_names[i]) == 0) return i;
  return -1;
}

void emb__fmt(char *buf, size_t n, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, n, fmt, ap);
  va_end(ap);
}

void emb__pdiag(emb__pctx *c, long line, const char *fmt, ...) {
  c->errors++;
  if (c->opts == NULL || c->opts->diag == NULL) return;
  char msg[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  c->opts->diag(c->opts->userdata, "error", c->file, line, msg);
}

emb_status emb__perr(emb__pctx *c, const char *field, const char *fmt, ...) {
  char why[500];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  emb__pdiag(c, c->line, "field \"%s%s\": %s",
             c->field_prefix ? c->field_prefix : "", field, why);
  return EMB_EPARSE;
}

int emb__is_ident(const char *s, size_t n) {
  if (n == 0 || n > 64) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '_'))
      return 0;
  return 1;
}

int emb__is_code(const char *s, size_t n) {
  if (n == 0 || n > 16) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
          s[i] == '-'))
      return 0;
  return 1;
}

int emb__is_list_code(const char *s, size_t n) {
  if (n == 0 || n > 40) return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) return 0;
  return 1;
}

emb_status emb__p_keys(emb__pctx *c, const char *field, json_t *obj,
                       const char *const *allowed) {
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    size_t i = 0;
    while (allowed[i] && strcmp(allowed[i], k) != 0) i++;
    if (allowed[i] == NULL) {
      char f[FIELD_MAX];
      emb__fmt(f, sizeof(f), "%s%s%.60s", field, *field ? "." : "", k);
      return emb__perr(c, f, "unknown field");
    }
  }
  return EMB_OK;
}

emb_status emb__p_string(emb__pctx *c, const char *field, json_t *v, size_t max,
                         const char **out) {
  if (!json_is_string(v)) return emb__perr(c, field, "not a string");
  size_t n = json_string_length(v);
  if (n == 0) return emb__perr(c, field, "empty");
  if (n > max) return emb__perr(c, field, "longer than %zu bytes", max);
  const char *s = json_string_value(v);
  if (memchr(s, '\0', n)) return emb__perr(c, field, "contains a NUL");
  *out = emb__arena_strndup(&c->rs->arena, s, n);
  return *out ? EMB_OK : EMB_ENOMEM;
}

emb_status emb__p_strings(emb__pctx *c, const char *field, json_t *v,
                          size_t max, int (*ok)(const char *s, size_t n),
                          const char *what, const char ***out, size_t *n) {
  if (!json_is_array(v)) return emb__perr(c, field, "not an array of strings");
  size_t len = json_array_size(v);
  const char **a = emb__arena_alloc(&c->rs->arena, (len + 1) * sizeof(*a));
  if (a == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < len; i++) {
    char f[FIELD_MAX];
    emb__fmt(f, sizeof(f), "%s[%zu]", field, i);
    json_t *x = json_array_get(v, i);
    emb_status st = emb__p_string(c, f, x, max, &a[i]);
    if (st != EMB_OK) return st;
    if (ok && !ok(a[i], strlen(a[i])))
      return emb__perr(c, f, "\"%.60s\" is not %s", a[i], what);
    for (size_t j = 0; j < i; j++)
      if (strcmp(a[j], a[i]) == 0)
        return emb__perr(c, f, "\"%.60s\" given twice", a[i]);
  }
  *out = a;
  *n = len;
  return EMB_OK;
}

/* Appends s to the text being built in buf. */
static void text_add(char *buf, size_t cap, const char *sep, const char *s) {
  size_t n = strlen(buf);
  if (n + 1 >= cap) return;
  emb__fmt(buf + n, cap - n, "%s%s", n ? sep : "", s);
}

static emb_status dest_list(emb__pctx *c, const char *field, json_t *v,
                            int groups, emb__cset *set, char *text,
                            size_t cap) {
  if (!json_is_array(v)) return emb__perr(c, field, "not an array of strings");
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    char f[FIELD_MAX];
    emb__fmt(f, sizeof(f), "%s[%zu]", field, i);
    if (!json_is_string(x)) return emb__perr(c, f, "not a string");
    const char *s = json_string_value(x);
    size_t n = json_string_length(x);
    if (groups) {
      const emb__group *g = emb__ref_group(&c->rs->ref, s);
      if (g == NULL)
        return emb__perr(c, f,
                         "\"%.40s\" is not a country group of "
                         "ref/country-groups.json",
                         s);
      emb__cset_or(set, &g->set);
    } else {
      int cc = emb__cc(s, n);
      if (cc < 0)
        return emb__perr(c, f,
                         "\"%.40s\" is not an ISO 3166-1 alpha-2 country "
                         "code (upper case)",
                         s);
      emb__cset_add(set, cc);
    }
    text_add(text, cap, ", ", s);
  }
  return EMB_OK;
}

emb_status emb__p_dest(emb__pctx *c, const char *field, json_t *v,
                       emb__dest *out) {
  static const char *const keys[] = {
      "countries", "groups", "except_countries", "except_groups", "all", NULL};
  memset(out, 0, sizeof(*out));
  if (!json_is_object(v))
    return emb__perr(c, field, "not a destinations object");
  emb_status st = emb__p_keys(c, field, v, keys);
  if (st != EMB_OK) return st;
  char inc[600] = "", exc[600] = "", f[FIELD_MAX];
  json_t *all = json_object_get(v, "all");
  if (all) {
    emb__fmt(f, sizeof(f), "%s.all", field);
    if (!json_is_true(all)) return emb__perr(c, f, "must be true when given");
    memset(&out->inc, 0xff, sizeof(out->inc));
    emb__fmt(inc, sizeof(inc), "all destinations");
  }
  static const char *const names[4] = {"countries", "groups",
                                       "except_countries", "except_groups"};
  for (int k = 0; k < 4; k++) {
    json_t *x = json_object_get(v, names[k]);
    if (x == NULL) continue;
    emb__fmt(f, sizeof(f), "%s.%s", field, names[k]);
    if (all && k < 2) return emb__perr(c, f, "cannot be given with \"all\"");
    st = dest_list(c, f, x, k & 1, k < 2 ? &out->inc : &out->exc,
                   k < 2 ? inc : exc, k < 2 ? sizeof(inc) : sizeof(exc));
    if (st != EMB_OK) return st;
  }
  if (inc[0] == '\0')
    return emb__perr(c, field,
                     "names no country or group (use {\"all\":true} for "
                     "every destination)");
  char text[1300];
  emb__fmt(text, sizeof(text), "%s%s%s", inc, exc[0] ? " except " : "", exc);
  out->text = emb__arena_strndup(&c->rs->arena, text, strlen(text));
  return out->text ? EMB_OK : EMB_ENOMEM;
}

emb_status emb__p_eccn(emb__pctx *c, const char *field, json_t *v,
                       int allow_ear99, emb__eccn_ref *out) {
  if (!json_is_string(v)) return emb__perr(c, field, "not an ECCN string");
  const char *s = json_string_value(v);
  size_t n = json_string_length(v), off;
  int code;
  if (n > 40 || !emb__eccn_parse(s, n, &code, &off))
    return emb__perr(c, field,
                     "\"%.40s\" is not an ECCN (e.g. 3A090 or "
                     "3A090.c)",
                     s);
  if (code == EMB__EAR99) {
    if (!allow_ear99) return emb__perr(c, field, "EAR99 is not allowed here");
  } else if (emb__ref_eccn(&c->rs->ref, code) == NULL) {
    char name[6];
    emb__eccn_name(code, name);
    return emb__perr(c, field, "ECCN %s is not in ref/eccn.jsonl", name);
  }
  out->code = code;
  out->para_len = n - off;
  char *p = emb__arena_strndup(&c->rs->arena, s + off, n - off);
  if (p == NULL) return EMB_ENOMEM;
  for (char *q = p; *q; q++)
    if (*q >= 'A' && *q <= 'Z') *q = (char)(*q + 32);
  out->para = p;
  return EMB_OK;
}

/* An ECCN prefix: a category digit, optionally a group letter and up to
 * three digits ("3", "3B", "3B0", "3B00"). */
static int is_eccn_prefix(const char *s, size_t n) {
  if (n == 0 || n > 4 || s[0] < '0' || s[0] > '9') return 0;
  if (n >= 2 && memchr("ABCDEY", s[1], 6) == NULL) return 0;
  for (size_t i = 2; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

emb_status emb__p_items(emb__pctx *c, const char *field, json_t *v,
                        emb__items *out) {
  memset(out, 0, sizeof(*out));
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    if (strcmp(s, "all") == 0) {
      out->mode = EMB__ITEMS_ALL;
      out->text = "all items subject to the EAR";
    } else if (strcmp(s, "supplement2") == 0) {
      out->mode = EMB__ITEMS_SUPP2;
      out->text = "items in Supplement No. 2 to Part 744";
    } else {
      return emb__perr(c, field,
                       "\"%.40s\" is neither \"all\", \"supplement2\" nor an "
                       "object with eccns and prefixes",
                       s);
    }
    return EMB_OK;
  }
  static const char *const keys[] = {"eccns", "prefixes", NULL};
  if (!json_is_object(v))
    return emb__perr(c, field,
                     "not \"all\", \"supplement2\" or {\"eccns\":[...],"
                     "\"prefixes\":[...]}");
  emb_status st = emb__p_keys(c, field, v, keys);
  if (st != EMB_OK) return st;
  out->mode = EMB__ITEMS_LIST;
  char f[FIELD_MAX], text[600] = "";
  json_t *e = json_object_get(v, "eccns");
  if (e) {
    emb__fmt(f, sizeof(f), "%s.eccns", field);
    if (!json_is_array(e)) return emb__perr(c, f, "not an array of ECCNs");
    out->n_eccns = json_array_size(e);
    out->eccns = emb__arena_alloc(&c->rs->arena,
                                  (out->n_eccns + 1) * sizeof(emb__eccn_ref));
    if (out->eccns == NULL) return EMB_ENOMEM;
    for (size_t i = 0; i < out->n_eccns; i++) {
      char fi[FIELD_MAX];
      emb__fmt(fi, sizeof(fi), "%s[%zu]", f, i);
      json_t *x = json_array_get(e, i);
      st = emb__p_eccn(c, fi, x, 1, &out->eccns[i]);
      if (st != EMB_OK) return st;
      text_add(text, sizeof(text), ", ", json_string_value(x));
    }
  }
  json_t *p = json_object_get(v, "prefixes");
  if (p) {
    emb__fmt(f, sizeof(f), "%s.prefixes", field);
    st = emb__p_strings(c, f, p, 4, is_eccn_prefix,
                        "an ECCN prefix (e.g. \"3B\")", &out->prefixes,
                        &out->n_prefixes);
    if (st != EMB_OK) return st;
    for (size_t i = 0; i < out->n_prefixes; i++) {
      char pre[8];
      emb__fmt(pre, sizeof(pre), "%s*", out->prefixes[i]);
      text_add(text, sizeof(text), ", ", pre);
    }
  }
  if (out->n_eccns + out->n_prefixes == 0)
    return emb__perr(c, field, "names no ECCN and no prefix");
  out->text = emb__arena_strndup(&c->rs->arena, text, strlen(text));
  return out->text ? EMB_OK : EMB_ENOMEM;
}

emb_status emb__p_roles(emb__pctx *c, const char *field, json_t *v,
                        uint8_t *out) {
  if (!json_is_array(v) || json_array_size(v) == 0)
    return emb__perr(c, field, "not a non-empty array of roles");
  uint8_t bits = 0;
  size_t i;
  json_t *x;
  json_array_foreach(v, i, x) {
    char f[FIELD_MAX];
    emb__fmt(f, sizeof(f), "%s[%zu]", field, i);
    int r = json_is_string(x) ? emb__role_parse(json_string_value(x)) : -1;
    if (r < 0)
      return emb__perr(c, f,
                       "not a role (purchaser, intermediate_consignee, "
                       "ultimate_consignee, end_user, supplier)");
    bits |= (uint8_t)(1u << r);
  }
  *out = bits;
  return EMB_OK;
}

emb_status emb__p_outcome(emb__pctx *c, const char *field, json_t *v,
                          emb_outcome *out) {
  const char *s = json_string_value(v);
  if (s && strcmp(s, "license_required") == 0)
    *out = EMB_LICENSE_REQUIRED;
  else if (s && strcmp(s, "prohibited") == 0)
    *out = EMB_PROHIBITED;
  else if (s && strcmp(s, "no_license_required") == 0)
    *out = EMB_NO_LICENSE_REQUIRED;
  else
    return emb__perr(c, field,
                     "not license_required, prohibited or "
                     "no_license_required");
  return EMB_OK;
}

emb_status emb__p_date(emb__pctx *c, const char *field, json_t *v,
                       emb__day *out) {
  if (!json_is_string(v) ||
      !emb__day_parse(json_string_value(v), json_string_length(v), out))
    return emb__perr(c, field, "not a calendar date YYYY-MM-DD");
  return EMB_OK;
}

emb_status emb__p_bool(emb__pctx *c, const char *field, json_t *v, int *out) {
  if (!json_is_boolean(v)) return emb__perr(c, field, "not true or false");
  *out = json_is_true(v);
  return EMB_OK;
}

emb_status emb__p_pct(emb__pctx *c, const char *field, json_t *v, double *out) {
  double x = json_number_value(v);
  if (!json_is_number(v) || !isfinite(x) || x < 0 || x > 100)
    return emb__perr(c, field, "not a percentage 0..100");
  *out = x;
  return EMB_OK;
}

emb_status emb__p_determination(emb__pctx *c, json_t *params,
                                emb_outcome *out) {
  json_t *v = json_object_get(params, "determination");
  if (v == NULL) return emb__perr(c, "determination", "missing");
  return emb__p_outcome(c, "determination", v, out);
}

emb_status emb__p_note(emb__pctx *c, json_t *params, const char **out) {
  json_t *v = json_object_get(params, "note");
  return v ? emb__p_string(c, "note", v, 2000, out) : EMB_OK;
}

emb_status emb__p_activities(emb__pctx *c, json_t *params, int required,
                             const char ***out, size_t *n) {
  json_t *v = json_object_get(params, "activities");
  if (v == NULL)
    return required ? emb__perr(c, "activities", "missing") : EMB_OK;
  emb_status st = emb__p_strings(c, "activities", v, 64, emb__is_ident,
                                 "an activity [a-z0-9_]+", out, n);
  if (st == EMB_OK && *n == 0) st = emb__perr(c, "activities", "empty");
  return st;
}

emb_status emb__p_lists(emb__pctx *c, json_t *params, const char ***out,
                        size_t *n) {
  json_t *v = json_object_get(params, "lists");
  if (v == NULL) return emb__perr(c, "lists", "missing");
  emb_status st = emb__p_strings(c, "lists", v, 16, emb__is_code,
                                 "a list code (e.g. \"EL\")", out, n);
  if (st == EMB_OK && *n == 0) st = emb__perr(c, "lists", "empty");
  return st;
}

emb_status emb__p_opt_roles(emb__pctx *c, json_t *params, uint8_t *out) {
  json_t *v = json_object_get(params, "roles");
  *out = EMB__ROLES_ALL;
  return v ? emb__p_roles(c, "roles", v, out) : EMB_OK;
}

emb_status emb__p_opt_items(emb__pctx *c, json_t *params, emb__items *out) {
  json_t *v = json_object_get(params, "items");
  out->mode = EMB__ITEMS_ALL;
  return v ? emb__p_items(c, "items", v, out) : EMB_OK;
}

emb_status emb__p_opt_bool(emb__pctx *c, json_t *params, const char *field,
                           int *out) {
  json_t *v = json_object_get(params, field);
  return v ? emb__p_bool(c, field, v, out) : EMB_OK;
}
