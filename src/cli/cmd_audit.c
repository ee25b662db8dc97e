/* embargo audit: verify the audit log's chain, print its head, export it
 * for examiners, and record reviewers' decisions on hits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/audit/annotate.h"
#include "cli.h"

enum {
  O_AUDIT,
  O_DATA,
  O_DECISION,
  O_ENTITY,
  O_FORMAT,
  O_HEAD,
  O_HELP,
  O_KIND,
  O_LIMIT,
  O_LIST_VERSION,
  O_NOTE,
  O_OUTPUT,
  O_QUERY,
  O_REVIEWER,
  O_SINCE,
  O_UNTIL,
  O_VERBOSE
};

static const cli_opt opts[] = {
    {"audit", 1, O_AUDIT},       {"data", 1, O_DATA},
    {"decision", 1, O_DECISION}, {"entity", 1, O_ENTITY},
    {"format", 1, O_FORMAT},     {"head", 1, O_HEAD},
    {"help", 0, O_HELP},         {"kind", 1, O_KIND},
    {"limit", 1, O_LIMIT},       {"list-version", 1, O_LIST_VERSION},
    {"note", 1, O_NOTE},         {"output", 1, O_OUTPUT},
    {"query", 1, O_QUERY},       {"reviewer", 1, O_REVIEWER},
    {"since", 1, O_SINCE},       {"until", 1, O_UNTIL},
    {"verbose", 0, O_VERBOSE},
};

#define BIT(o) (1u << (o))
/* The options each subcommand takes (--help and --audit always). */
static const struct sub {
  const char *name;
  unsigned allowed;
} subs[] = {
    {"verify", BIT(O_FORMAT) | BIT(O_HEAD)},
    {"head", BIT(O_FORMAT)},
    {"export", BIT(O_FORMAT) | BIT(O_KIND) | BIT(O_LIMIT) | BIT(O_OUTPUT) |
                   BIT(O_SINCE) | BIT(O_UNTIL)},
    {"decide", BIT(O_DATA) | BIT(O_DECISION) | BIT(O_ENTITY) |
                   BIT(O_LIST_VERSION) | BIT(O_NOTE) | BIT(O_QUERY) |
                   BIT(O_REVIEWER) | BIT(O_VERBOSE)},
};

static void help(FILE *f) {
  fprintf(
      f,
      "usage: embargo audit verify [--audit PATH] [--format text|json]\n"
      "                            [--head 'SEQ HASH']\n"
      "       embargo audit head   [--audit PATH] [--format text|json]\n"
      "       embargo audit export [--audit PATH] [--since T] [--until T]\n"
      "                            [--kind K] [--limit N] [--format "
      "jsonl|csv]\n"
      "                            [--output FILE]\n"
      "       embargo audit decide [--audit PATH] --query NAME --entity ID\n"
      "                            --decision true_match|false_positive\n"
      "                            --reviewer WHO [--note TEXT]\n"
      "                            [--list-version SHA256 | --data DIR]\n\n"
      "The audit log (docs/audit.md) records every screening, comparison\n"
      "and determination made with --audit PATH, chained by SHA-256.\n\n"
      "  verify  recomputes the chain; names the first row edited, "
      "deleted,\n"
      "          inserted or reordered, and a cut-off tail; with --head,\n"
      "          also that row SEQ still has the HASH `head` printed\n"
      "  head    prints the last seq and hash, to publish elsewhere: a "
      "later\n"
      "          verify against it detects a rewrite of the whole chain\n"
      "  export  the rows for examiners, to stdout or --output FILE;\n"
      "          --since (inclusive) and --until (exclusive) take\n"
      "          YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC)\n"
      "  decide  records a reviewer's decision on a hit; a name cleared as\n"
      "          a false positive is marked \"cleared\" in later results\n"
      "          for that entity and list version. The list version is\n"
      "          the SHA-256 of the entity's source file: given, or taken\n"
      "          from the lists loaded (--data, default the built-in "
      "data)\n\n"
      "--audit defaults to $EMBARGO_AUDIT.\n"
      "exit codes: 0 done (verify: intact), 1 verify: tampered, 2 usage "
      "error,\n"
      "3 not an audit log, cannot open it, or bad data\n");
}

static const char *log_path(const cli_args *a) {
  if (a->values[O_AUDIT] && a->values[O_AUDIT][0]) return a->values[O_AUDIT];
  const char *e = getenv("EMBARGO_AUDIT");
  return e && e[0] ? e : NULL;
}

static int want_json(const cli_args *a, int *json) {
  const char *f = a->values[O_FORMAT] ? a->values[O_FORMAT] : "text";
  *json = strcmp(f, "json") == 0;
  if (!*json && strcmp(f, "text") != 0) {
    fprintf(stderr, "embargo audit: --format must be text or json\n");
    return CLI_USAGE;
  }
  return CLI_OK;
}

static int is_sha256(const char *s) {
  size_t n = 0;
  for (; s[n]; n++)
    if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
      return 0;
  return n == 64;
}

static int run_verify(const cli_args *a, const char *path) {
  int json;
  if (want_json(a, &json) != CLI_OK) return CLI_USAGE;
  emb_audit_verify_report rep;
  emb_status st;
  if (a->values[O_HEAD]) {
    /* "SEQ HASH" as `audit head` prints it, or "SEQ:HASH". */
    char *end;
    long long seq = strtoll(a->values[O_HEAD], &end, 10);
    if (*end == ' ' || *end == ':') end++;
    if (end == a->values[O_HEAD] || seq < 1 || strlen(end) != 64 ||
        !is_sha256(end)) {
      fprintf(stderr,
              "embargo audit verify: --head needs 'SEQ HASH' as "
              "`embargo audit head` prints it\n");
      return CLI_USAGE;
    }
    st = emb_audit_verify_head(path, seq, end, &rep);
  } else {
    st = emb_audit_verify(path, &rep);
  }
  if (st != EMB_OK && st != EMB_ETAMPER) {
    fprintf(stderr, "embargo audit verify: %s\n",
            rep.reason[0] ? rep.reason : emb_strerror(st));
    if (json) cli_emit_json(stdout, emb__error_json(st, rep.reason), 1);
    return CLI_DATA;
  }
  if (json) {
    json_t *j = json_pack("{s:b, s:I, s:I, s:s}", "intact", st == EMB_OK,
                          "rows", (json_int_t)rep.rows, "bad_seq",
                          (json_int_t)rep.bad_seq, "reason", rep.reason);
    cli_emit_json(stdout, j, 1);
  } else if (st == EMB_OK) {
    printf("intact: %lld rows\n", (long long)rep.rows);
  } else {
    printf("TAMPERED: %s\n", rep.reason);
  }
  return st == EMB_OK ? CLI_OK : CLI_HIT;
}

static int run_head(const cli_args *a, const char *path) {
  int json;
  if (want_json(a, &json) != CLI_OK) return CLI_USAGE;
  int64_t seq;
  char hash[65];
  if (emb_audit_head(path, &seq, hash) != EMB_OK) {
    fprintf(stderr, "embargo audit head: %s: not an embargo audit log\n", path);
    return CLI_DATA;
  }
  if (json)
    cli_emit_json(stdout,
                  json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "hash", hash),
                  1);
  else
    printf("%lld %s\n", (long long)seq, hash);
  return CLI_OK;
}

static int open_log(const char *cmd, const char *path, emb_audit **out) {
  if (emb_audit_open(path, NULL, out) != EMB_OK) {
    fprintf(stderr, "embargo audit %s: %s\n", cmd, emb_audit_last_error(NULL));
    return CLI_DATA;
  }
  return CLI_OK;
}

static int run_export(const cli_args *a, const char *path) {
  const char *fmt = a->values[O_FORMAT] ? a->values[O_FORMAT] : "jsonl";
  if (strcmp(fmt, "jsonl") && strcmp(fmt, "csv")) {
    fprintf(stderr, "embargo audit export: --format must be jsonl or csv\n");
    return CLI_USAGE;
  }
  emb_audit_filter f = {a->values[O_SINCE], a->values[O_UNTIL],
                        a->values[O_KIND], 0, 0};
  const char *tv[2] = {f.since, f.until};
  for (int i = 0; i < 2; i++)
    if (tv[i] && !emb__audit_valid_time(tv[i])) {
      fprintf(stderr,
              "embargo audit export: --%s needs YYYY-MM-DD or "
              "YYYY-MM-DDTHH:MM[:SS[.mmm]]Z, not '%s'\n",
              i ? "until" : "since", tv[i]);
      return CLI_USAGE;
    }
  if (a->values[O_LIMIT] &&
      cli_parse_size(a->values[O_LIMIT], 1, SIZE_MAX / 2, &f.limit)) {
    fprintf(stderr,
            "embargo audit export: --limit must be a positive "
            "number\n");
    return CLI_USAGE;
  }
  /* Read-only: export never creates or writes a log, and works on a copy
   * the examiner cannot write. */
  emb_audit_opts ro = {.read_only = 1};
  emb_audit *log;
  if (emb_audit_open(path, &ro, &log) != EMB_OK) {
    fprintf(stderr, "embargo audit export: %s\n", emb_audit_last_error(NULL));
    return CLI_DATA;
  }
  int rc = CLI_OK;
  FILE *out = stdout;
  if (a->values[O_OUTPUT] && (out = fopen(a->values[O_OUTPUT], "wb")) == NULL) {
    fprintf(stderr, "embargo audit export: cannot write '%s'\n",
            a->values[O_OUTPUT]);
    emb_audit_close(log);
    return CLI_DATA;
  }
  emb_status st = emb_audit_export(log, &f, fmt, out);
  if (out != stdout && fclose(out) != 0 && st == EMB_OK) st = EMB_EIO;
  if (st != EMB_OK) {
    fprintf(stderr, "embargo audit export: %s: %s\n",
            a->values[O_OUTPUT] ? a->values[O_OUTPUT] : path, emb_strerror(st));
    rc = CLI_DATA;
  }
  emb_audit_close(log);
  return rc;
}

/* The SHA-256 of the source file the entity comes from, loading the lists
 * as `screen` would. */
static int entity_version(const cli_args *a, const char *id, char out[65]) {
  cli_loaded l;
  int rc = cli_load(a, 0, a->values[O_VERBOSE] != NULL, 0, &l);
  if (rc != CLI_OK) return rc;
  const emb_entity *e = emb_listset_find(l.ls, id);
  if (e == NULL) {
    fprintf(stderr,
            "embargo audit decide: --entity '%s' is not in the lists "
            "loaded (give --data, or --list-version)\n",
            id);
    rc = CLI_DATA;
  } else {
    snprintf(out, 65, "%s", emb_listset_source(l.ls, e->source_index)->sha256);
  }
  cli_unload(&l);
  return rc;
}

static int run_decide(const cli_args *a, const char *path) {
  static const int need[] = {O_QUERY, O_ENTITY, O_DECISION, O_REVIEWER};
  for (size_t i = 0; i < 4; i++)
    if (a->values[need[i]] == NULL || a->values[need[i]][0] == '\0') {
      fprintf(stderr, "embargo audit decide: --%s is required\n",
              opts[need[i]].name);
      return CLI_USAGE;
    }
  emb_decision d = {a->values[O_QUERY],    a->values[O_ENTITY], NULL, 0,
                    a->values[O_REVIEWER], a->values[O_NOTE],   NULL};
  if (emb_decision_parse(a->values[O_DECISION], &d.kind) != EMB_OK) {
    fprintf(stderr,
            "embargo audit decide: --decision must be true_match or "
            "false_positive\n");
    return CLI_USAGE;
  }
  char ver[65];
  if (a->values[O_LIST_VERSION]) {
    if (a->n_data) {
      fprintf(stderr,
              "embargo audit decide: give --list-version or "
              "--data, not both\n");
      return CLI_USAGE;
    }
    if (!is_sha256(a->values[O_LIST_VERSION])) {
      fprintf(stderr,
              "embargo audit decide: --list-version needs a SHA-256 (64 "
              "lower-case hex digits)\n");
      return CLI_USAGE;
    }
    snprintf(ver, sizeof(ver), "%s", a->values[O_LIST_VERSION]);
  } else {
    int rc = entity_version(a, d.entity_id, ver);
    if (rc != CLI_OK) return rc;
  }
  d.list_version = ver;
  char caller[80];
  emb__audit_cli_caller(caller);
  d.caller = caller;
  emb_audit *log;
  int rc = open_log("decide", path, &log);
  if (rc != CLI_OK) return rc;
  emb_status st = emb_audit_decide(log, &d);
  if (st != EMB_OK) {
    const char *why = emb_audit_last_error(log);
    fprintf(stderr, "embargo audit decide: %s\n",
            st == EMB_EINVAL    ? "--query has no letters or digits to match"
            : st == EMB_EUTF8   ? "an argument is not valid UTF-8"
            : st == EMB_ETOOBIG ? "an argument is too long"
            : why[0]            ? why
                                : emb_strerror(st));
    rc = st == EMB_EDB ? CLI_DATA : CLI_USAGE;
  } else {
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?}", "query", d.query,
                          "entity_id", d.entity_id, "list_version", ver,
                          "decision", emb_decision_name(d.kind), "reviewer",
                          d.reviewer, "note", d.note);
    if (j) cli_emit_json(stdout, j, 0);
  }
  emb_audit_close(log);
  return rc;
}

int cmd_audit(int argc, char **argv) {
  cli_args a;
  int rc =
      cli_parse("audit", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help(stdout);
    return CLI_OK;
  }
  const struct sub *s = NULL;
  for (size_t i = 0; a.n_pos > 0 && i < sizeof(subs) / sizeof(subs[0]); i++)
    if (strcmp(a.pos[0], subs[i].name) == 0) s = &subs[i];
  if (s == NULL) {
    fprintf(stderr,
            "embargo audit: give verify, head, export or decide (see "
            "--help)\n");
    return CLI_USAGE;
  }
  for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
    int id = opts[i].id;
    if (a.values[id] && id != O_AUDIT && id != O_HELP &&
        !(s->allowed & BIT(id))) {
      fprintf(stderr, "embargo audit %s: option '--%s' does not apply\n",
              s->name, opts[i].name);
      return CLI_USAGE;
    }
  }
  /* verify and head also take the log as an argument. */
  const char *path = log_path(&a);
  if (a.n_pos == 2 && path == NULL && (s == &subs[0] || s == &subs[1]))
    path = a.pos[1];
  else if (a.n_pos > 1) {
    fprintf(stderr, "embargo audit %s: unexpected argument '%s'\n", s->name,
            a.pos[1]);
    return CLI_USAGE;
  }
  if (path == NULL) {
    fprintf(stderr,
            "embargo audit %s: give the log with --audit PATH (or set "
            "EMBARGO_AUDIT)\n",
            s->name);
    return CLI_USAGE;
  }
  if (s == &subs[0]) return run_verify(&a, path);
  if (s == &subs[1]) return run_head(&a, path);
  if (s == &subs[2]) return run_export(&a, path);
  return run_decide(&a, path);
}
