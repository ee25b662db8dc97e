/* Request parsing for the HTTP server (see parse.h). */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/utf8.h"
#include "../lib/audit/annotate.h"
#include "../lib/rules/rules_internal.h"

static emb_status perr(emb_status st, char *err, size_t errlen, const char *fmt,
                       ...) __attribute__((format(printf, 4, 5)));

static emb_status perr(emb_status st, char *err, size_t errlen, const char *fmt,
                       ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

/* The byte offset of the first invalid UTF-8 sequence, found by
 * validating growing prefixes' worth of whole sequences. Only called on
 * the error path. */
static size_t bad_utf8_offset(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t step = 1;
    if (s[i] >= 0xC0) step = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
    if (step > n - i || !emb__utf8_valid(s + i, step)) return i;
    i += step;
  }
  return n;
}

emb_status srv_parse_json(const char *body, size_t len, json_t **out, char *err,
                          size_t errlen) {
  *out = NULL;
  if (len == 0)
    return perr(EMB_EPARSE, err, errlen,
                "the request body is empty: a JSON object is expected");
  /* Checked before JSON parsing so that invalid text gets its own code
   * and position (jansson would call it a parse error). */
  if (!emb__utf8_valid((const unsigned char *)body, len))
    return perr(EMB_EUTF8, err, errlen,
                "the request body is not valid UTF-8 (byte %zu)",
                bad_utf8_offset((const unsigned char *)body, len));
  json_error_t je;
  json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL)
    return perr(EMB_EPARSE, err, errlen,
                "malformed JSON at line %d, column %d (byte %d): %s", je.line,
                je.column, je.position, je.text);
  if (!json_is_object(j)) {
    json_decref(j);
    return perr(EMB_EINVAL, err, errlen,
                "the request body must be a JSON object");
  }
  *out = j;
  return EMB_OK;
}

int srv_valid_date(const char *s) {
  emb__day d;
  return s != NULL && emb__day_parse(s, strlen(s), &d);
}

/* A name field: a non-empty string of at most EMB_MAX_QUERY bytes. */
static emb_status get_name(json_t *v, const char *field, const char **s,
                           size_t *len, char *err, size_t errlen) {
  if (!json_is_string(v))
    return perr(EMB_EINVAL, err, errlen, "%s: must be a string", field);
  *s = json_string_value(v);
  *len = json_string_length(v);
  if (*len == 0)
    return perr(EMB_EINVAL, err, errlen, "%s: must not be empty", field);
  if (*len > EMB_MAX_QUERY)
    return perr(EMB_ETOOBIG, err, errlen, "%s: longer than %d bytes", field,
                EMB_MAX_QUERY);
  return EMB_OK;
}

static emb_status get_number(json_t *v, const char *field, double lo, double hi,
                             double *out, char *err, size_t errlen) {
  if (!json_is_number(v) || json_number_value(v) < lo ||
      json_number_value(v) > hi)
    return perr(EMB_EINVAL, err, errlen, "%s: must be a number from %g to %g",
                field, lo, hi);
  *out = json_number_value(v);
  return EMB_OK;
}

static emb_status get_type(json_t *v, const char *field, emb_entity_type *out,
                           char *err, size_t errlen) {
  if (!json_is_string(v) ||
      emb_entity_type_parse(json_string_value(v), out) != EMB_OK)
    return perr(EMB_EINVAL, err, errlen,
                "%s: must be organization, person, vessel or aircraft", field);
  return EMB_OK;
}

/* Applies one screening option (key, v) to q; 1 when key is not an
 * option. */
static int screen_option(const char *prefix, const char *key, json_t *v,
                         srv_screen_q *q, emb_status *st, char *err,
                         size_t errlen) {
  char field[96];
  snprintf(field, sizeof(field), "%s%s", prefix, key);
  *st = EMB_OK;
  if (strcmp(key, "country") == 0) {
    const char *cc = json_string_value(v);
    if (cc == NULL || strlen(cc) != 2 || !isalpha((unsigned char)cc[0]) ||
        !isalpha((unsigned char)cc[1]))
      *st = perr(EMB_EINVAL, err, errlen,
                 "%s: must be a two-letter ISO country code", field);
    else
      q->so.country = cc;
  } else if (strcmp(key, "type") == 0) {
    *st = get_type(v, field, &q->so.type, err, errlen);
  } else if (strcmp(key, "lists") == 0) {
    if (!json_is_array(v) || json_array_size(v) > SRV_MAX_LISTS) {
      *st = perr(EMB_EINVAL, err, errlen,
                 "%s: must be an array of at most %d list codes", field,
                 SRV_MAX_LISTS);
      return 0;
    }
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
      const char *code = json_string_value(e);
      if (code == NULL || code[0] == '\0' || strlen(code) > 32) {
        *st = perr(EMB_EINVAL, err, errlen,
                   "%s[%zu]: must be a list code such as \"EL\"", field, i);
        return 0;
      }
      q->lists[i] = code;
    }
    q->so.lists = json_array_size(v) ? q->lists : NULL;
    q->so.n_lists = json_array_size(v);
  } else if (strcmp(key, "as_of") == 0) {
    if (!srv_valid_date(json_string_value(v)))
      *st =
          perr(EMB_EINVAL, err, errlen, "%s: must be a date YYYY-MM-DD", field);
    else
      q->so.as_of = json_string_value(v);
  } else if (strcmp(key, "limit") == 0) {
    if (!json_is_integer(v) || json_integer_value(v) < 1 ||
        json_integer_value(v) > 10000)
      *st = perr(EMB_EINVAL, err, errlen,
                 "%s: must be an integer from 1 to 10000", field);
    else
      q->so.limit = (size_t)json_integer_value(v);
  } else if (strcmp(key, "min_score") == 0) {
    *st = get_number(v, field, 0, 1, &q->so.min_score, err, errlen);
  } else if (strcmp(key, "threshold") == 0) {
    *st = get_number(v, field, 0.01, 1, &q->threshold, err, errlen);
    q->so.threshold = q->threshold;
  } else {
    return 1;
  }
  return 0;
}

static void query_init(srv_screen_q *q) {
  memset(q, 0, sizeof(*q));
  emb_screen_opts_init(&q->so);
  q->threshold = EMB_DEFAULT_THRESHOLD;
}

/* Copies the options of def into q, re-pointing its list codes. */
static void query_copy(srv_screen_q *q, const srv_screen_q *def) {
  *q = *def;
  q->request = NULL;
  if (def->so.lists) q->so.lists = q->lists;
}

/* The audit log's record of one query: its name and the options that
 * differ from the defaults. */
static json_t *query_json(const srv_screen_q *q) {
  json_t *j = json_object();
  json_object_set_new(j, "name", json_stringn(q->name, q->len));
  if (q->so.country)
    json_object_set_new(j, "country", json_string(q->so.country));
  if (q->so.type != EMB_TYPE_UNKNOWN)
    json_object_set_new(j, "type",
                        json_string(emb_entity_type_name(q->so.type)));
  if (q->so.n_lists) {
    json_t *a = json_array();
    for (size_t i = 0; i < q->so.n_lists; i++)
      json_array_append_new(a, json_string(q->so.lists[i]));
    json_object_set_new(j, "lists", a);
  }
  if (q->so.as_of) json_object_set_new(j, "as_of", json_string(q->so.as_of));
  if (q->so.limit && q->so.limit != EMB_DEFAULT_LIMIT)
    json_object_set_new(j, "limit", json_integer((json_int_t)q->so.limit));
  if (q->so.min_score >= 0)
    json_object_set_new(j, "min_score", json_real(q->so.min_score));
  if (q->threshold != EMB_DEFAULT_THRESHOLD)
    json_object_set_new(j, "threshold", json_real(q->threshold));
  return j;
}

void srv_screen_req_free(srv_screen_req *r) {
  if (r == NULL) return;
  for (size_t i = 0; r->q && i < r->n; i++) json_decref(r->q[i].request);
  free(r->q);
  json_decref(r->root);
  memset(r, 0, sizeof(*r));
}

emb_status srv_parse_screen(const char *body, size_t len, srv_screen_req *out,
                            char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  emb_status st = srv_parse_json(body, len, &out->root, err, errlen);
  if (st != EMB_OK) return st;
  srv_screen_q def;
  query_init(&def);
  json_t *name = NULL, *names = NULL, *queries = NULL;
  const char *key;
  json_t *v;
  json_object_foreach(out->root, key, v) {
    if (strcmp(key, "name") == 0) {
      name = v;
    } else if (strcmp(key, "names") == 0) {
      names = v;
    } else if (strcmp(key, "queries") == 0) {
      queries = v;
    } else if (screen_option("", key, v, &def, &st, err, errlen)) {
      st = perr(EMB_EINVAL, err, errlen,
                "unknown field '%.64s' (expected name, names or queries and "
                "country, type, lists, as_of, limit, min_score, threshold)",
                key);
    }
    if (st != EMB_OK) goto bad;
  }
  if ((name != NULL) + (names != NULL) + (queries != NULL) != 1) {
    st = perr(EMB_EINVAL, err, errlen,
              "give exactly one of name, names or queries");
    goto bad;
  }
  json_t *arr = names ? names : queries;
  if (name) {
    out->n = 1;
  } else {
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > SRV_MAX_BATCH) {
      st = perr(
          json_is_array(arr) && json_array_size(arr) ? EMB_ETOOBIG : EMB_EINVAL,
          err, errlen, "%s: must be an array of 1 to %d entries",
          names ? "names" : "queries", SRV_MAX_BATCH);
      goto bad;
    }
    out->batch = 1;
    out->n = json_array_size(arr);
  }
  out->q = calloc(out->n, sizeof(*out->q));
  if (out->q == NULL) {
    st = perr(EMB_ENOMEM, err, errlen, "out of memory");
    goto bad;
  }
  for (size_t i = 0; i < out->n; i++) {
    srv_screen_q *q = &out->q[i];
    query_copy(q, &def);
    char field[64];
    if (name) {
      st = get_name(name, "name", &q->name, &q->len, err, errlen);
    } else if (names) {
      snprintf(field, sizeof(field), "names[%zu]", i);
      st = get_name(json_array_get(names, i), field, &q->name, &q->len, err,
                    errlen);
    } else {
      json_t *o = json_array_get(queries, i);
      snprintf(field, sizeof(field), "queries[%zu]", i);
      if (!json_is_object(o)) {
        st = perr(EMB_EINVAL, err, errlen, "%s: must be an object", field);
        goto bad;
      }
      char prefix[72];
      snprintf(prefix, sizeof(prefix), "%s.", field);
      json_t *qn = NULL;
      json_object_foreach(o, key, v) {
        if (strcmp(key, "name") == 0)
          qn = v;
        else if (screen_option(prefix, key, v, q, &st, err, errlen))
          st = perr(EMB_EINVAL, err, errlen, "%sunknown field '%.64s'", prefix,
                    key);
        if (st != EMB_OK) goto bad;
      }
      if (qn == NULL) {
        st = perr(EMB_EINVAL, err, errlen, "%sname: missing", prefix);
        goto bad;
      }
      snprintf(field, sizeof(field), "queries[%zu].name", i);
      st = get_name(qn, field, &q->name, &q->len, err, errlen);
    }
    if (st != EMB_OK) goto bad;
    q->request = query_json(q);
  }
  return EMB_OK;
bad:
  srv_screen_req_free(out);
  return st;
}

void srv_compare_req_free(srv_compare_req *r) {
  if (r == NULL) return;
  json_decref(r->root);
  memset(r, 0, sizeof(*r));
}

emb_status srv_parse_compare(const char *body, size_t len, srv_compare_req *out,
                             char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->threshold = EMB_DEFAULT_THRESHOLD;
  emb_status st = srv_parse_json(body, len, &out->root, err, errlen);
  if (st != EMB_OK) return st;
  int have1 = 0, have2 = 0;
  const char *key;
  json_t *v;
  json_object_foreach(out->root, key, v) {
    if (strcmp(key, "name1") == 0) {
      st = get_name(v, key, &out->name1, &out->len1, err, errlen);
      have1 = 1;
    } else if (strcmp(key, "name2") == 0) {
      st = get_name(v, key, &out->name2, &out->len2, err, errlen);
      have2 = 1;
    } else if (strcmp(key, "type") == 0) {
      st = get_type(v, key, &out->type, err, errlen);
    } else if (strcmp(key, "threshold") == 0) {
      st = get_number(v, key, 0.01, 1, &out->threshold, err, errlen);
    } else {
      st = perr(EMB_EINVAL, err, errlen,
                "unknown field '%.64s' (expected name1, name2, type, "
                "threshold)",
                key);
    }
    if (st != EMB_OK) goto bad;
  }
  if (!have1 || !have2) {
    st =
        perr(EMB_EINVAL, err, errlen, "%s: missing", have1 ? "name2" : "name1");
    goto bad;
  }
  return EMB_OK;
bad:
  srv_compare_req_free(out);
  return st;
}

void srv_decision_req_free(srv_decision_req *r) {
  if (r == NULL) return;
  json_decref(r->root);
  memset(r, 0, sizeof(*r));
}

static emb_status get_short(json_t *v, const char *field, size_t max,
                            const char **out, char *err, size_t errlen) {
  if (!json_is_string(v) || json_string_length(v) == 0)
    return perr(EMB_EINVAL, err, errlen, "%s: must be a non-empty string",
                field);
  if (json_string_length(v) > max)
    return perr(EMB_ETOOBIG, err, errlen, "%s: longer than %zu bytes", field,
                max);
  *out = json_string_value(v);
  return EMB_OK;
}

emb_status srv_parse_decision(const char *body, size_t len,
                              srv_decision_req *out, char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  emb_status st = srv_parse_json(body, len, &out->root, err, errlen);
  if (st != EMB_OK) return st;
  const char *key;
  json_t *v;
  const char *kind = NULL;
  json_object_foreach(out->root, key, v) {
    if (strcmp(key, "query") == 0)
      st = get_short(v, key, EMB_MAX_QUERY, &out->query, err, errlen);
    else if (strcmp(key, "entity_id") == 0)
      st = get_short(v, key, SRV_MAX_SHORT, &out->entity_id, err, errlen);
    else if (strcmp(key, "reviewer") == 0)
      st = get_short(v, key, SRV_MAX_SHORT, &out->reviewer, err, errlen);
    else if (strcmp(key, "note") == 0)
      st = json_is_null(v)
               ? EMB_OK
               : get_short(v, key, SRV_MAX_NOTE, &out->note, err, errlen);
    else if (strcmp(key, "decision") == 0) {
      st = get_short(v, key, 32, &kind, err, errlen);
      if (st == EMB_OK && emb_decision_parse(kind, &out->kind) != EMB_OK)
        st = perr(EMB_EINVAL, err, errlen,
                  "decision: must be true_match or false_positive");
    } else {
      st = perr(EMB_EINVAL, err, errlen,
                "unknown field '%.64s' (expected query, entity_id, decision, "
                "reviewer, note)",
                key);
    }
    if (st != EMB_OK) goto bad;
  }
  const char *missing = NULL;
  if (out->query == NULL)
    missing = "query";
  else if (out->entity_id == NULL)
    missing = "entity_id";
  else if (kind == NULL)
    missing = "decision";
  else if (out->reviewer == NULL)
    missing = "reviewer";
  if (missing) {
    st = perr(EMB_EINVAL, err, errlen, "%s: missing", missing);
    goto bad;
  }
  return EMB_OK;
bad:
  srv_decision_req_free(out);
  return st;
}

/* An audit time bound, as the audit log's filters take it (a calendar
 * date, or a UTC time YYYY-MM-DDTHH:MM[:SS[.mmm]][Z]), so that what is
 * accepted here is never refused by the log. */
static int valid_time(const char *s) {
  char date[11];
  if (strlen(s) < 10) return 0;
  memcpy(date, s, 10);
  date[10] = '\0';
  return srv_valid_date(date) && emb__audit_valid_time(s);
}

static int parse_int64(const char *s, int64_t lo, int64_t hi, int64_t *out) {
  if (s == NULL || *s == '\0' || strlen(s) > 19) return -1;
  for (const char *p = s; *p; p++)
    if (!isdigit((unsigned char)*p)) return -1;
  errno = 0;
  long long v = strtoll(s, NULL, 10);
  if (errno || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

emb_status srv_parse_audit_args(const srv_audit_args *a, srv_audit_q *out,
                                char *err, size_t errlen) {
  memset(out, 0, sizeof(*out));
  out->f.limit = SRV_AUDIT_LIMIT;
  out->format = "json";
  if (a->since) {
    if (!valid_time(a->since))
      return perr(
          EMB_EINVAL, err, errlen,
          "since: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC)");
    snprintf(out->since, sizeof(out->since), "%s", a->since);
    out->f.since = out->since;
  }
  if (a->until) {
    if (!valid_time(a->until))
      return perr(
          EMB_EINVAL, err, errlen,
          "until: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC)");
    snprintf(out->until, sizeof(out->until), "%s", a->until);
    out->f.until = out->until;
  }
  if (a->kind) {
    size_t n = strlen(a->kind);
    int ok = n > 0 && n < sizeof(out->kind);
    for (size_t i = 0; ok && i < n; i++)
      ok = islower((unsigned char)a->kind[i]) || a->kind[i] == '_';
    if (!ok)
      return perr(EMB_EINVAL, err, errlen,
                  "kind: must be an event kind such as screen or decision");
    snprintf(out->kind, sizeof(out->kind), "%s", a->kind);
    out->f.kind = out->kind;
  }
  int64_t v;
  if (a->after) {
    if (parse_int64(a->after, 0, INT64_MAX, &v))
      return perr(EMB_EINVAL, err, errlen,
                  "after: must be a sequence number (an integer >= 0)");
    out->f.after_seq = v;
  }
  if (a->limit) {
    if (parse_int64(a->limit, 1, SRV_AUDIT_MAX, &v))
      return perr(EMB_EINVAL, err, errlen,
                  "limit: must be an integer from 1 to %d", SRV_AUDIT_MAX);
    out->f.limit = (size_t)v;
  }
  if (a->format) {
    if (strcmp(a->format, "json") == 0)
      out->format = "json";
    else if (strcmp(a->format, "jsonl") == 0)
      out->format = "jsonl";
    else if (strcmp(a->format, "csv") == 0)
      out->format = "csv";
    else
      return perr(EMB_EINVAL, err, errlen,
                  "format: must be json, jsonl or csv");
  }
  return EMB_OK;
}
