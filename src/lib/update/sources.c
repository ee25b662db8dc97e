/* The sources file of `lists update` and the URL policy. See
 * update_internal.h and docs/lists-update.md for the file's fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "update_internal.h"

/* The loader formats a source may name (src/lib/lists/load.c). */
static const char *const known_formats[] = {
    "bis-dpl-tsv",   "csl-csv",      "csl-json", "embargo-jsonl",
    "ofac-cons-csv", "ofac-sdn-csv", "un-xml"};

static int known_format(const char *f) {
  for (size_t i = 0; i < sizeof(known_formats) / sizeof(known_formats[0]); i++)
    if (strcmp(f, known_formats[i]) == 0) return 1;
  return 0;
}

int emb__upd_safe_name(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 255 || name[0] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (c == '/' || c == '\\' || c < 0x21 || c > 0x7e) return 0;
  }
  return 1;
}

static int is_hex64(const char *s) {
  if (strlen(s) != 64) return 0;
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return 1;
}

void emb__upd_sources_free(emb__upd_sources *s) {
  if (s == NULL) return;
  for (size_t i = 0; i < s->n; i++) {
    emb__upd_source *e = &s->v[i];
    free(e->id);
    free(e->group);
    free(e->name);
    free(e->url);
    free(e->format);
    free(e->file);
    free(e->sha256);
  }
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

/* Copies the string member key of o into *dst; a missing optional member
 * leaves *dst NULL. Returns 0, or -1 with err set. */
static int get_str(json_t *o, const char *key, int required, size_t idx,
                   char **dst, char *err, size_t errlen) {
  json_t *v = json_object_get(o, key);
  if (v == NULL || json_is_null(v)) {
    if (!required) return 0;
    snprintf(err, errlen, "sources[%zu]: field \"%s\" is missing", idx, key);
    return -1;
  }
  if (!json_is_string(v) || json_string_length(v) == 0 ||
      json_string_length(v) > EMB__UPD_MAX_URL ||
      strlen(json_string_value(v)) != json_string_length(v)) {
    snprintf(err, errlen,
             "sources[%zu]: field \"%s\" must be a non-empty string of at "
             "most %d bytes",
             idx, key, EMB__UPD_MAX_URL);
    return -1;
  }
  *dst = strdup(json_string_value(v));
  if (*dst == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

static int parse_entry(json_t *o, size_t idx, emb__upd_source *e, char *err,
                       size_t errlen) {
  if (!json_is_object(o)) {
    snprintf(err, errlen, "sources[%zu]: not an object", idx);
    return -1;
  }
  if (get_str(o, "id", 1, idx, &e->id, err, errlen) ||
      get_str(o, "group", 0, idx, &e->group, err, errlen) ||
      get_str(o, "name", 0, idx, &e->name, err, errlen) ||
      get_str(o, "url", 1, idx, &e->url, err, errlen) ||
      get_str(o, "format", 1, idx, &e->format, err, errlen) ||
      get_str(o, "file", 1, idx, &e->file, err, errlen) ||
      get_str(o, "sha256", 0, idx, &e->sha256, err, errlen))
    return -1;
  if (e->group == NULL && (e->group = strdup(e->id)) == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (!emb__upd_safe_name(e->id) || !emb__upd_safe_name(e->group)) {
    snprintf(err, errlen,
             "sources[%zu]: \"id\" and \"group\" must be plain names", idx);
    return -1;
  }
  if (!known_format(e->format)) {
    snprintf(err, errlen, "sources[%zu] (%s): unknown \"format\" \"%s\"", idx,
             e->id, e->format);
    return -1;
  }
  if (!emb__upd_safe_name(e->file)) {
    snprintf(err, errlen,
             "sources[%zu] (%s): \"file\" must be a plain file name (no "
             "slash, no leading dot)",
             idx, e->id);
    return -1;
  }
  char why[256];
  if (!emb__upd_url_allowed(e->url, why, sizeof(why))) {
    snprintf(err, errlen, "sources[%zu] (%s): \"url\": %s", idx, e->id, why);
    return -1;
  }
  if (e->sha256 != NULL && !is_hex64(e->sha256)) {
    snprintf(err, errlen,
             "sources[%zu] (%s): \"sha256\" must be 64 lower-case hex digits",
             idx, e->id);
    return -1;
  }
  json_t *mr = json_object_get(o, "min_rows");
  if (mr != NULL) {
    if (!json_is_integer(mr) || json_integer_value(mr) < 0) {
      snprintf(err, errlen,
               "sources[%zu] (%s): \"min_rows\" must be a whole number >= 0",
               idx, e->id);
      return -1;
    }
    e->min_rows = (size_t)json_integer_value(mr);
  }
  json_t *opt = json_object_get(o, "optional");
  if (opt != NULL && !json_is_boolean(opt)) {
    snprintf(err, errlen, "sources[%zu] (%s): \"optional\" must be a boolean",
             idx, e->id);
    return -1;
  }
  e->optional = opt != NULL && json_is_true(opt);
  return 0;
}

/* Checks uniqueness of ids and files, and that a group keeps one format;
 * marks each group's first file as its primary. */
static int check_set(emb__upd_sources *s, char *err, size_t errlen) {
  for (size_t i = 0; i < s->n; i++) {
    emb__upd_source *a = &s->v[i];
    a->primary = 1;
    for (size_t j = 0; j < i; j++) {
      emb__upd_source *b = &s->v[j];
      if (strcmp(a->id, b->id) == 0) {
        snprintf(err, errlen, "sources[%zu]: id \"%s\" is given twice", i,
                 a->id);
        return -1;
      }
      if (strcmp(a->file, b->file) == 0) {
        snprintf(err, errlen, "sources[%zu] (%s): file \"%s\" is given twice",
                 i, a->id, a->file);
        return -1;
      }
      if (strcmp(a->group, b->group) == 0) {
        a->primary = 0;
        if (strcmp(a->format, b->format) != 0 || a->optional != b->optional) {
          snprintf(err, errlen,
                   "sources[%zu] (%s): every file of group \"%s\" must have "
                   "the same format and \"optional\"",
                   i, a->id, a->group);
          return -1;
        }
      }
    }
  }
  return 0;
}

emb_status emb__upd_sources_parse(const char *text, size_t len,
                                  emb__upd_sources *out, char *err,
                                  size_t errlen) {
  memset(out, 0, sizeof(*out));
  if (len > EMB__UPD_MAX_CONFIG) {
    snprintf(err, errlen, "larger than %zu bytes", EMB__UPD_MAX_CONFIG);
    return EMB_ETOOBIG;
  }
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if (root == NULL) {
    snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column,
             je.text);
    return EMB_EPARSE;
  }
  json_t *arr = json_is_object(root) ? json_object_get(root, "sources") : NULL;
  if (!json_is_array(arr) || json_array_size(arr) == 0) {
    snprintf(err, errlen, "needs a non-empty array \"sources\"");
    json_decref(root);
    return EMB_EPARSE;
  }
  if (json_array_size(arr) > EMB__UPD_MAX_SOURCES) {
    snprintf(err, errlen, "more than %d sources", EMB__UPD_MAX_SOURCES);
    json_decref(root);
    return EMB_ETOOBIG;
  }
  out->v = calloc(json_array_size(arr), sizeof(*out->v));
  if (out->v == NULL) {
    json_decref(root);
    return EMB_ENOMEM;
  }
  emb_status st = EMB_OK;
  for (size_t i = 0; i < json_array_size(arr); i++) {
    out->n++;
    if (parse_entry(json_array_get(arr, i), i, &out->v[i], err, errlen)) {
      st = EMB_EPARSE;
      break;
    }
  }
  if (st == EMB_OK && check_set(out, err, errlen)) st = EMB_EPARSE;
  json_decref(root);
  if (st != EMB_OK) emb__upd_sources_free(out);
  return st;
}

static int loopback_host(const char *h) {
  if (strcasecmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 ||
      strcmp(h, "::1") == 0)
    return 1;
  /* 127.0.0.0/8 written as a dotted quad. */
  unsigned a, b, c, d;
  char tail;
  if (sscanf(h, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4)
    return a == 127 && b < 256 && c < 256 && d < 256;
  return 0;
}

int emb__upd_url_allowed(const char *url, char *err, size_t errlen) {
  if (strlen(url) > EMB__UPD_MAX_URL) {
    snprintf(err, errlen, "URL longer than %d bytes", EMB__UPD_MAX_URL);
    return 0;
  }
  CURLU *u = curl_url();
  if (u == NULL) {
    snprintf(err, errlen, "out of memory");
    return 0;
  }
  int ok = 0;
  char *scheme = NULL, *host = NULL;
  if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    snprintf(err, errlen, "not a valid absolute URL: '%.200s'", url);
  } else if (strcasecmp(scheme, "https") == 0) {
    ok = 1;
  } else if (strcasecmp(scheme, "http") == 0 && loopback_host(host)) {
    ok = 1;
  } else if (strcasecmp(scheme, "http") == 0) {
    snprintf(err, errlen,
             "plain http is allowed only to a loopback host, not '%.200s'",
             host);
  } else {
    snprintf(err, errlen, "scheme '%.20s' is not allowed (https only)", scheme);
  }
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(u);
  return ok;
}
