/* embargo screen: find a party's name in the restricted-party lists. */
#include <stdlib.h>
#include <string.h>

#include "../lib/audit/annotate.h"
#include "cli.h"

enum {
  O_AS_OF,
  O_AUDIT,
  O_COUNTRY,
  O_DATA,
  O_FORMAT,
  O_HELP,
  O_LIMIT,
  O_LIST,
  O_MIN_SCORE,
  O_STRICT,
  O_THRESHOLD,
  O_TYPE,
  O_VERBOSE
};

static const cli_opt opts[] = {
    {"as-of", 1, O_AS_OF},         {"audit", 1, O_AUDIT},
    {"country", 1, O_COUNTRY},     {"data", 1, O_DATA},
    {"format", 1, O_FORMAT},       {"help", 0, O_HELP},
    {"limit", 1, O_LIMIT},         {"list", 1, O_LIST},
    {"min-score", 1, O_MIN_SCORE}, {"strict", 0, O_STRICT},
    {"threshold", 1, O_THRESHOLD}, {"type", 1, O_TYPE},
    {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo screen [options] NAME\n"
      "       embargo screen [options] -     (one name per line on stdin)\n\n"
      "Screens a party's name, in any script, against the restricted-party\n"
      "lists and prints the hits best first, each with the reason it "
      "matched.\n\n"
      "options:\n"
      "  --data DIR|FILE     load lists from here (repeatable); default: the\n"
      "                      built-in data (%s)\n"
      "  --country CC        only entities linked to this ISO country code\n"
      "                      (entities with no country stay in)\n"
      "  --type T            organization, person, vessel or aircraft\n"
      "                      (entities of unknown type stay in)\n"
      "  --list CODE,...     only these lists (EL, MEU, UVL, DPL, SDN, ...)\n"
      "  --as-of YYYY-MM-DD  only entries in force on that date\n"
      "  --limit N           at most N hits (default %d)\n"
      "  --min-score S       report hits scoring at least S (default %.2f)\n"
      "  --threshold S       score from which a hit is a match (default "
      "%.2f)\n"
      "  --format F          table (default), json, or jsonl; '-' input "
      "always\n"
      "                      writes one JSON object per line\n"
      "  --audit PATH        record each screening in this audit log\n"
      "                      (created when absent; docs/audit.md) and mark\n"
      "                      hits a reviewer has decided on\n"
      "  --strict            fail if any list file is rejected\n"
      "  --verbose           print every bad row skipped while loading\n\n"
      "exit codes: 0 no match, 1 at least one match, 2 usage error, 3 data "
      "error\n",
      emb_default_lists_dir(), EMB_DEFAULT_LIMIT, EMB_DEFAULT_MIN_SCORE,
      EMB_DEFAULT_THRESHOLD);
}

typedef struct screen_cfg {
  emb_screen_opts so;
  const char *lists[32];
  char *lists_buf;
  double threshold;
  const char *format;
  /* With --audit: the log, the caller, the list version and the request
   * options recorded with each screening. */
  emb_audit *audit;
  const emb_listset *ls;
  json_t *req_opts;
  char caller[80];
  char lists_ver[80];
} screen_cfg;

static int configure(const cli_args *a, screen_cfg *c) {
  emb_screen_opts_init(&c->so);
  c->threshold = EMB_DEFAULT_THRESHOLD;
  c->format = a->values[O_FORMAT] ? a->values[O_FORMAT] : "table";
  if (strcmp(c->format, "table") && strcmp(c->format, "json") &&
      strcmp(c->format, "jsonl")) {
    fprintf(stderr, "embargo screen: --format must be table, json or jsonl\n");
    return CLI_USAGE;
  }
  if (a->values[O_COUNTRY]) {
    const char *cc = a->values[O_COUNTRY];
    if (strlen(cc) != 2 || !((cc[0] | 32) >= 'a' && (cc[0] | 32) <= 'z') ||
        !((cc[1] | 32) >= 'a' && (cc[1] | 32) <= 'z')) {
      fprintf(stderr,
              "embargo screen: --country needs a two-letter ISO code, not "
              "'%s'\n",
              cc);
      return CLI_USAGE;
    }
    c->so.country = cc;
  }
  if (a->values[O_TYPE] &&
      emb_entity_type_parse(a->values[O_TYPE], &c->so.type) != EMB_OK) {
    fprintf(stderr,
            "embargo screen: --type must be organization, person, vessel or "
            "aircraft\n");
    return CLI_USAGE;
  }
  if (a->values[O_AS_OF]) {
    if (!cli_valid_date(a->values[O_AS_OF])) {
      fprintf(stderr,
              "embargo screen: --as-of needs a date YYYY-MM-DD, not "
              "'%s'\n",
              a->values[O_AS_OF]);
      return CLI_USAGE;
    }
    c->so.as_of = a->values[O_AS_OF];
  }
  if (a->values[O_LIMIT] &&
      cli_parse_size(a->values[O_LIMIT], 1, 10000, &c->so.limit)) {
    fprintf(stderr, "embargo screen: --limit must be 1 to 10000\n");
    return CLI_USAGE;
  }
  if (a->values[O_MIN_SCORE] &&
      cli_parse_double(a->values[O_MIN_SCORE], 0, 1, &c->so.min_score)) {
    fprintf(stderr, "embargo screen: --min-score must be 0 to 1\n");
    return CLI_USAGE;
  }
  if (a->values[O_THRESHOLD]) {
    if (cli_parse_double(a->values[O_THRESHOLD], 0.01, 1, &c->threshold)) {
      fprintf(stderr, "embargo screen: --threshold must be 0.01 to 1\n");
      return CLI_USAGE;
    }
    c->so.threshold = c->threshold;
  }
  if (a->values[O_LIST]) {
    c->lists_buf = strdup(a->values[O_LIST]);
    if (c->lists_buf == NULL) return CLI_DATA;
    char *save = NULL;
    for (char *t = strtok_r(c->lists_buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
      while (*t == ' ') t++;
      if (*t == '\0') continue;
      if (c->so.n_lists == 32) {
        fprintf(stderr, "embargo screen: at most 32 list codes\n");
        return CLI_USAGE;
      }
      c->lists[c->so.n_lists++] = t;
    }
    c->so.lists = c->lists;
  }
  return CLI_OK;
}

static json_t *error_json(const char *query, size_t len, long line,
                          emb_status st) {
  json_t *j = json_object();
  /* The query may be invalid UTF-8 (or NULL: not kept whole); it is
   * echoed only when valid. */
  json_t *q = query ? json_stringn(query, len) : NULL;
  json_object_set_new(j, "query", q ? q : json_null());
  json_object_set_new(j, "hits", json_array());
  json_t *e = json_object();
  json_object_set_new(e, "code", json_string(emb_status_name(st)));
  char msg[160];
  snprintf(msg, sizeof(msg), "stdin line %ld: %s", line, emb_strerror(st));
  json_object_set_new(e, "message", json_string(msg));
  json_object_set_new(j, "error", e);
  return j;
}

/* The request options as recorded in the audit log. */
static json_t *request_options(const screen_cfg *c) {
  json_t *o = json_object();
  if (c->so.country)
    json_object_set_new(o, "country", json_string(c->so.country));
  if (c->so.type != EMB_TYPE_UNKNOWN)
    json_object_set_new(o, "type",
                        json_string(emb_entity_type_name(c->so.type)));
  if (c->so.n_lists) {
    json_t *l = json_array();
    for (size_t i = 0; i < c->so.n_lists; i++)
      json_array_append_new(l, json_string(c->lists[i]));
    json_object_set_new(o, "lists", l);
  }
  if (c->so.as_of) json_object_set_new(o, "as_of", json_string(c->so.as_of));
  json_object_set_new(o, "limit", json_integer((json_int_t)c->so.limit));
  json_object_set_new(o, "min_score",
                      emb__json_num(c->so.min_score < 0 ? EMB_DEFAULT_MIN_SCORE
                                                        : c->so.min_score));
  json_object_set_new(o, "threshold", emb__json_num(c->threshold));
  return o;
}

/* Records one screening (its compact result) and marks the hits a
 * reviewer decided on. j is borrowed; query is NULL when the input line
 * could not be kept. Returns 0, or -1 when the log failed. */
static int audit_screen(screen_cfg *c, const char *query, long line,
                        json_t *j) {
  if (c->audit == NULL) return 0;
  if (query) emb__audit_annotate(c->audit, c->ls, query, j);
  json_t *req = json_object();
  json_t *q = json_object_get(j, "query");
  json_object_set(req, "name", q ? q : json_null());
  if (line > 0) json_object_set_new(req, "line", json_integer(line));
  json_object_set(req, "options", c->req_opts);
  char *res = emb__audit_compact_result(j);
  emb_status st = res ? emb__audit_event(c->audit, "screen", c->caller, req,
                                         res, c->lists_ver, NULL)
                      : EMB_ENOMEM;
  free(res);
  json_decref(req);
  if (st != EMB_OK) {
    const char *why = emb_audit_last_error(c->audit);
    fprintf(stderr, "embargo screen: audit log: %s\n",
            why[0] ? why : emb_strerror(st));
    return -1;
  }
  return 0;
}

/* Opens the log of --audit and records the list version. */
static int audit_open(const char *path, const cli_loaded *l, screen_cfg *c) {
  c->ls = l->ls;
  c->req_opts = request_options(c);
  return cli_audit_open("screen", path, l->ls, NULL, &c->audit, c->caller,
                        c->lists_ver, NULL);
}

/* Writes what is queued and closes the log; CLI_DATA if it failed. */
static int audit_close(screen_cfg *c, int rc) {
  json_decref(c->req_opts);
  c->req_opts = NULL;
  return cli_audit_close("screen", &c->audit, rc);
}

/* Prints a hit's decision (from the audit log) under it in the table. */
static void print_decision(const json_t *hit) {
  json_t *d = json_object_get(hit, "decision");
  if (d == NULL) return;
  const char *note = json_string_value(json_object_get(d, "note"));
  printf("%-20s decision: %s by %s at %s%s%s%s\n", "",
         json_string_value(json_object_get(d, "decision")),
         json_string_value(json_object_get(d, "reviewer")),
         json_string_value(json_object_get(d, "time")), note ? " (" : "",
         note ? note : "", note ? ")" : "");
}

static void print_table(const char *query, const emb_result *r,
                        const json_t *j) {
  printf("query: %s\n", query);
  size_t n = emb_result_count(r);
  if (n == 0) {
    printf("no hits\n");
    return;
  }
  printf("%-6s %-5s %-7s %-40s %s\n", "SCORE", "MATCH", "LIST", "NAME",
         "MATCHED NAME / ID");
  for (size_t i = 0; i < n; i++) {
    const emb_hit *h = emb_result_hit(r, i);
    printf("%-6.3f %-5s %-7s %-40.40s %s\n", h->score, h->match ? "yes" : "no",
           h->entity->list ? h->entity->list : "-", h->entity->names[0].text,
           h->matched_name);
    printf("%-6s %-5s %-7s %-40s id %s\n", "", "", "", "", h->entity->id);
    printf("%-20s why: ", "");
    for (size_t k = 0; k < h->explain.n_pairs; k++) {
      const emb_pair *p = &h->explain.pairs[k];
      printf("%s%s~%s (%s %.2f)", k ? ", " : "", p->query, p->candidate, p->how,
             p->similarity);
    }
    if (h->explain.n_unmatched_query) {
      printf("; unmatched:");
      for (size_t k = 0; k < h->explain.n_unmatched_query; k++)
        printf(" %s", h->explain.unmatched_query[k]);
    }
    printf("\n");
    print_decision(json_array_get(json_object_get(j, "hits"), i));
  }
}

/* Bytes of a stdin line kept to be echoed in its error object. A longer
 * line cannot be screened either (EMB_MAX_QUERY), so the rest of it is
 * read and dropped, and memory stays bounded whatever the input. */
#define MAX_STDIN_LINE ((size_t)64 * 1024)

/* Reads one line (without its '\n') into buf (cap bytes). Returns 0 at
 * end of input, else 1 with *len the bytes kept and *overlong set when
 * more were dropped. */
static int read_line(FILE *f, char *buf, size_t cap, size_t *len,
                     int *overlong) {
  size_t n = 0;
  int c, any = 0;
  *overlong = 0;
  while ((c = getc_unlocked(f)) != EOF) {
    any = 1;
    if (c == '\n') break;
    if (n < cap)
      buf[n++] = (char)c;
    else
      *overlong = 1;
  }
  *len = n;
  return any;
}

static int screen_stdin(const emb_index *ix, screen_cfg *c) {
  char *line = malloc(MAX_STDIN_LINE + 1);
  if (line == NULL) {
    fprintf(stderr, "embargo screen: out of memory\n");
    return CLI_DATA;
  }
  size_t len;
  int overlong;
  long lineno = 0;
  int any_match = 0, any_error = 0;
  while (read_line(stdin, line, MAX_STDIN_LINE, &len, &overlong)) {
    lineno++;
    /* CRLF input, and stray CRs at the end of a line, are not part of
     * the name. */
    while (len > 0 && line[len - 1] == '\r') len--;
    emb_result *r = NULL;
    emb_status st =
        overlong ? EMB_ETOOBIG : emb_screen(ix, line, len, &c->so, &r);
    if (st != EMB_OK) {
      any_error = 1;
      fprintf(stderr, "embargo screen: stdin line %ld: %s\n", lineno,
              emb_strerror(st));
      /* An overlong line is not echoed: only its start was kept. */
      json_t *ej = error_json(overlong ? NULL : line, len, lineno, st);
      if (audit_screen(c, NULL, lineno, ej) != 0) {
        json_decref(ej);
        break;
      }
      cli_emit_json(stdout, ej, 0);
      continue;
    }
    for (size_t i = 0; i < emb_result_count(r); i++)
      any_match |= emb_result_hit(r, i)->match;
    json_t *j = emb__screen_json(line, len, r, c->threshold);
    emb_result_free(r);
    /* The audit key needs a C string: NUL bytes in the line end it. */
    const char *qs = NULL;
    if (c->audit && memchr(line, '\0', len) == NULL) {
      line[len] = '\0';
      qs = line;
    }
    if (audit_screen(c, qs, lineno, j) != 0) {
      json_decref(j);
      any_error = 1;
      break;
    }
    cli_emit_json(stdout, j, 0);
  }
  free(line);
  if (ferror(stdin)) {
    fprintf(stderr, "embargo screen: error reading stdin\n");
    return CLI_DATA;
  }
  if (any_error) return CLI_DATA;
  return any_match ? CLI_HIT : CLI_OK;
}

int cmd_screen(int argc, char **argv) {
  cli_args a;
  int rc =
      cli_parse("screen", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos != 1) {
    fprintf(stderr,
            "embargo screen: give one NAME, or '-' to read names "
            "from stdin (see --help)\n");
    return CLI_USAGE;
  }
  screen_cfg c = {0};
  rc = configure(&a, &c);
  if (rc != CLI_OK) {
    free(c.lists_buf);
    return rc;
  }
  cli_loaded l;
  rc = cli_load(&a, a.values[O_STRICT] != NULL, a.values[O_VERBOSE] != NULL, 1,
                &l);
  if (rc != CLI_OK) {
    free(c.lists_buf);
    return rc;
  }
  const char *name = a.pos[0];
  if (a.values[O_AUDIT] && (rc = audit_open(a.values[O_AUDIT], &l, &c))) {
    /* The log could not be opened: nothing is screened unrecorded. */
  } else if (strcmp(name, "-") == 0) {
    rc = screen_stdin(l.ix, &c);
  } else {
    emb_result *r = NULL;
    emb_status st = emb_screen(l.ix, name, strlen(name), &c.so, &r);
    if (st != EMB_OK) {
      fprintf(stderr, "embargo screen: the name cannot be screened: %s\n",
              emb_strerror(st));
      rc = CLI_USAGE;
    } else {
      json_t *j = emb__screen_json(name, strlen(name), r, c.threshold);
      if (audit_screen(&c, name, 0, j) != 0) {
        rc = CLI_DATA;
      } else if (strcmp(c.format, "table") == 0) {
        print_table(name, r, j);
      } else {
        cli_emit_json(stdout, json_incref(j), strcmp(c.format, "json") == 0);
      }
      json_decref(j);
      if (rc != CLI_DATA) rc = CLI_OK;
      for (size_t i = 0; rc != CLI_DATA && i < emb_result_count(r); i++)
        if (emb_result_hit(r, i)->match) rc = CLI_HIT;
      emb_result_free(r);
    }
  }
  rc = audit_close(&c, rc);
  cli_unload(&l);
  free(c.lists_buf);
  return rc;
}
