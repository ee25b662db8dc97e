/* embargo compare: score two names against each other. */
#include <stdlib.h>
#include <string.h>

#include "../common/csv.h"
#include "../lib/audit/annotate.h"
#include "cli.h"

enum { O_AUDIT, O_DATA, O_FORMAT, O_HELP, O_THRESHOLD, O_TYPE, O_VERBOSE };

static const cli_opt opts[] = {
    {"audit", 1, O_AUDIT},         {"data", 1, O_DATA},
    {"format", 1, O_FORMAT},       {"help", 0, O_HELP},
    {"threshold", 1, O_THRESHOLD}, {"type", 1, O_TYPE},
    {"verbose", 0, O_VERBOSE},
};

#define MAX_STDIN ((size_t)1 << 30)

static void help(void) {
  printf(
      "usage: embargo compare [options] NAME1 NAME2\n"
      "       embargo compare [options] -   (CSV lines name1,name2 on "
      "stdin)\n\n"
      "Scores two names in [0, 1], says whether they match at the "
      "threshold,\nand explains the score. Token weights come from the "
      "lists loaded\n(--data, or the built-in data).\n\n"
      "options:\n"
      "  --type T        person (all tokens count fully) or organization\n"
      "                  (default: organization rules)\n"
      "  --threshold S   match threshold (default %.2f)\n"
      "  --format F      table (default) or json; '-' input writes one JSON\n"
      "                  object per line\n"
      "  --data DIR      lists whose token frequencies weigh the tokens\n"
      "  --verbose       print bad rows skipped while loading\n"
      "  --audit PATH    record each comparison in this audit log "
      "(docs/audit.md)\n\n"
      "exit codes: 0 no match, 1 match, 2 usage error, 3 data error\n",
      EMB_DEFAULT_THRESHOLD);
}

static json_t *error_json(long line, const char *msg, emb_status st) {
  json_t *j = json_object();
  json_t *e = json_object();
  json_object_set_new(e, "code", json_string(emb_status_name(st)));
  char buf[256];
  snprintf(buf, sizeof(buf), "stdin line %ld: %s", line, msg);
  json_object_set_new(e, "message", json_string(buf));
  json_object_set_new(j, "error", e);
  return j;
}

/* With --audit: the log and what each row records besides the names. */
typedef struct audit_ctx {
  emb_audit *log;
  char caller[80];
  char lists_ver[80];
  emb_entity_type type;
  double thr;
} audit_ctx;

/* Records one comparison: the names and options, and the score without
 * the explanation (reproducible from the list version). j is borrowed.
 * Returns 0, or -1 when the log failed. */
static int audit_compare(audit_ctx *ac, const json_t *j) {
  if (ac->log == NULL) return 0;
  json_t *req = json_pack(
      "{s:O?, s:O?, s:{s:s, s:o}}", "name1", json_object_get(j, "name1"),
      "name2", json_object_get(j, "name2"), "options", "type",
      emb_entity_type_name(ac->type), "threshold", emb__json_num(ac->thr));
  json_t *res = json_object();
  static const char *const keep[] = {"score", "match", "error"};
  for (size_t i = 0; i < 3; i++)
    if (json_object_get(j, keep[i]))
      json_object_set(res, keep[i], json_object_get(j, keep[i]));
  char *rs = json_dumps(
      res, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
  emb_status st = req && rs ? emb__audit_event(ac->log, "compare", ac->caller,
                                               req, rs, ac->lists_ver, NULL)
                            : EMB_ENOMEM;
  free(rs);
  json_decref(res);
  json_decref(req);
  if (st != EMB_OK) {
    const char *why = emb_audit_last_error(ac->log);
    fprintf(stderr, "embargo compare: audit log: %s\n",
            why[0] ? why : emb_strerror(st));
    return -1;
  }
  return 0;
}

static int compare_stdin(const emb_index *ix, emb_entity_type type, double thr,
                         audit_ctx *ac) {
  size_t len = 0;
  char *data = cli_read_all(stdin, MAX_STDIN, &len);
  if (data == NULL) {
    fprintf(stderr,
            "embargo compare: cannot read stdin (over 1 GiB, a read "
            "error, or out of memory)\n");
    return CLI_DATA;
  }
  emb__csv *csv = emb__csv_new(data, len, ',');
  if (csv == NULL) {
    free(data);
    return CLI_DATA;
  }
  int any_match = 0, any_error = 0;
  const emb__csv_field *f;
  size_t n;
  long line;
  emb__csv_result cr;
  while ((cr = emb__csv_next(csv, &f, &n, &line)) != EMB__CSV_END) {
    if (cr == EMB__CSV_BAD) {
      any_error = 1;
      fprintf(stderr, "embargo compare: stdin line %ld: %s\n", line,
              emb__csv_error(csv));
      json_t *ej = error_json(line, emb__csv_error(csv), EMB_EPARSE);
      if (audit_compare(ac, ej) != 0) {
        json_decref(ej);
        break;
      }
      cli_emit_json(stdout, ej, 0);
      continue;
    }
    if (n != 2) {
      any_error = 1;
      fprintf(stderr,
              "embargo compare: stdin line %ld: expected 2 fields "
              "(name1,name2), got %zu\n",
              line, n);
      json_t *ej = error_json(line, "expected 2 fields", EMB_EPARSE);
      if (audit_compare(ac, ej) != 0) {
        json_decref(ej);
        break;
      }
      cli_emit_json(stdout, ej, 0);
      continue;
    }
    emb_result *r = NULL;
    emb_status st =
        emb_compare(ix, f[0].p, f[0].len, f[1].p, f[1].len, type, thr, &r);
    if (st != EMB_OK) {
      any_error = 1;
      fprintf(stderr, "embargo compare: stdin line %ld: %s\n", line,
              emb_strerror(st));
      json_t *ej = error_json(line, emb_strerror(st), st);
      if (audit_compare(ac, ej) != 0) {
        json_decref(ej);
        break;
      }
      cli_emit_json(stdout, ej, 0);
      continue;
    }
    any_match |= emb_result_hit(r, 0)->match;
    json_t *j = emb__compare_json(f[0].p, f[0].len, f[1].p, f[1].len, r, thr);
    emb_result_free(r);
    if (audit_compare(ac, j) != 0) {
      json_decref(j);
      any_error = 1;
      break;
    }
    cli_emit_json(stdout, j, 0);
  }
  emb__csv_free(csv);
  free(data);
  if (any_error) return CLI_DATA;
  return any_match ? CLI_HIT : CLI_OK;
}

int cmd_compare(int argc, char **argv) {
  cli_args a;
  int rc = cli_parse("compare", opts, sizeof(opts) / sizeof(opts[0]), argc,
                     argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  int from_stdin = a.n_pos == 1 && strcmp(a.pos[0], "-") == 0;
  if (!from_stdin && a.n_pos != 2) {
    fprintf(stderr,
            "embargo compare: give NAME1 NAME2, or '-' (see "
            "--help)\n");
    return CLI_USAGE;
  }
  const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
  if (strcmp(format, "table") && strcmp(format, "json")) {
    fprintf(stderr, "embargo compare: --format must be table or json\n");
    return CLI_USAGE;
  }
  emb_entity_type type = EMB_TYPE_UNKNOWN;
  if (a.values[O_TYPE] && emb_entity_type_parse(a.values[O_TYPE], &type)) {
    fprintf(stderr,
            "embargo compare: --type must be organization, person, "
            "vessel or aircraft\n");
    return CLI_USAGE;
  }
  double thr = EMB_DEFAULT_THRESHOLD;
  if (a.values[O_THRESHOLD] &&
      cli_parse_double(a.values[O_THRESHOLD], 0.01, 1, &thr)) {
    fprintf(stderr, "embargo compare: --threshold must be 0.01 to 1\n");
    return CLI_USAGE;
  }
  cli_loaded l;
  rc = cli_load(&a, 0, a.values[O_VERBOSE] != NULL, 1, &l);
  if (rc != CLI_OK) return rc;
  audit_ctx ac = {.type = type, .thr = thr};
  if (a.values[O_AUDIT])
    rc = cli_audit_open("compare", a.values[O_AUDIT], l.ls, NULL, &ac.log,
                        ac.caller, ac.lists_ver, NULL);
  if (rc != CLI_OK) {
    /* Nothing is compared unrecorded when the log cannot be written. */
  } else if (from_stdin) {
    rc = compare_stdin(l.ix, type, thr, &ac);
  } else {
    emb_result *r = NULL;
    emb_status st = emb_compare(l.ix, a.pos[0], strlen(a.pos[0]), a.pos[1],
                                strlen(a.pos[1]), type, thr, &r);
    if (st != EMB_OK) {
      fprintf(stderr, "embargo compare: %s\n", emb_strerror(st));
      rc = CLI_USAGE;
    } else {
      const emb_hit *h = emb_result_hit(r, 0);
      json_t *j = ac.log ? emb__compare_json(a.pos[0], strlen(a.pos[0]),
                                             a.pos[1], strlen(a.pos[1]), r, thr)
                         : NULL;
      int logged = audit_compare(&ac, j) == 0;
      json_decref(j);
      if (!logged) {
        /* The failure is printed; the result is not. */
      } else if (strcmp(format, "json") == 0) {
        cli_emit_json(stdout,
                      emb__compare_json(a.pos[0], strlen(a.pos[0]), a.pos[1],
                                        strlen(a.pos[1]), r, thr),
                      1);
      } else {
        printf("score %.4f: %s (threshold %.2f)\n", h->score,
               h->match ? "MATCH" : "no match", thr);
        printf("tokens: [%s] vs [%s] (%s form)\n", h->explain.query_norm,
               h->explain.candidate_norm, h->explain.form);
        for (size_t k = 0; k < h->explain.n_pairs; k++) {
          const emb_pair *p = &h->explain.pairs[k];
          printf("  %-20s ~ %-20s %-12s similarity %.2f weight %.2f\n",
                 p->query, p->candidate, p->how, p->similarity, p->weight);
        }
        for (size_t k = 0; k < h->explain.n_unmatched_query; k++)
          printf("  unmatched in name1: %s (weight %.2f)\n",
                 h->explain.unmatched_query[k],
                 h->explain.unmatched_query_weight[k]);
        for (size_t k = 0; k < h->explain.n_unmatched_candidate; k++)
          printf("  unmatched in name2: %s (weight %.2f)\n",
                 h->explain.unmatched_candidate[k],
                 h->explain.unmatched_candidate_weight[k]);
      }
      rc = !logged ? CLI_DATA : h->match ? CLI_HIT : CLI_OK;
      emb_result_free(r);
    }
  }
  rc = cli_audit_close("compare", &ac.log, rc);
  cli_unload(&l);
  return rc;
}
