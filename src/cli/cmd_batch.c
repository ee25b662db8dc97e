/* embargo batch: screen every row of a customer file (or check every
 * transaction), in input order, on all cores, safe to interrupt
 * (docs/batch.md). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/sha256.h"
#include "../lib/audit/annotate.h"
#include "../lib/batch/batch.h"
#include "cli.h"
#include "embargo/ownership.h"

enum {
  O_AS_OF,
  O_AUDIT,
  O_CACHE,
  O_CHECK,
  O_COUNTRY_COLUMN,
  O_DATA,
  O_ERRORS,
  O_FORMAT,
  O_HELP,
  O_ID_COLUMN,
  O_INPUT,
  O_INPUT_FORMAT,
  O_LIMIT,
  O_LIST,
  O_MIN_SCORE,
  O_NAME_COLUMN,
  O_OUTPUT,
  O_OWNERSHIP,
  O_QUIET,
  O_REGIME,
  O_REPORT,
  O_RESUME,
  O_RULES,
  O_SUMMARY,
  O_THREADS,
  O_THRESHOLD,
  O_VERBOSE
};

static const cli_opt opts[] = {
    {"as-of", 1, O_AS_OF},
    {"audit", 1, O_AUDIT},
    {"cache", 1, O_CACHE},
    {"check", 0, O_CHECK},
    {"country-column", 1, O_COUNTRY_COLUMN},
    {"data", 1, O_DATA},
    {"errors", 1, O_ERRORS},
    {"format", 1, O_FORMAT},
    {"help", 0, O_HELP},
    {"id-column", 1, O_ID_COLUMN},
    {"input", 1, O_INPUT},
    {"input-format", 1, O_INPUT_FORMAT},
    {"limit", 1, O_LIMIT},
    {"list", 1, O_LIST},
    {"min-score", 1, O_MIN_SCORE},
    {"name-column", 1, O_NAME_COLUMN},
    {"output", 1, O_OUTPUT},
    {"ownership", 1, O_OWNERSHIP},
    {"quiet", 0, O_QUIET},
    {"regime", 1, O_REGIME},
    {"report", 1, O_REPORT},
    {"resume", 0, O_RESUME},
    {"rules", 1, O_RULES},
    {"summary", 1, O_SUMMARY},
    {"threads", 1, O_THREADS},
    {"threshold", 1, O_THRESHOLD},
    {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo batch [options] --input FILE.csv|FILE.jsonl|- "
      "--output FILE|-\n\n"
      "Screens every row of a CSV (with a header row) or JSON Lines file "
      "against\n"
      "the restricted-party lists, on all cores, and writes one result per "
      "row in\n"
      "input order; with --check, checks every JSON Lines transaction as\n"
      "`embargo check` does. Bad rows go to an error file and are counted; "
      "the\n"
      "run goes on. The output appears under its name only when complete;\n"
      "--resume continues an interrupted run (docs/batch.md).\n\n"
      "input and output:\n"
      "  --input FILE|-        rows to screen ('-': stdin, needs "
      "--input-format)\n"
      "  --input-format F      csv or jsonl (default: from the extension)\n"
      "  --name-column COL     column (CSV) or key (JSONL) of the name "
      "(default name)\n"
      "  --country-column COL  ISO country of the row: only entities linked "
      "to it\n"
      "  --id-column COL       the row's id (default: the row number)\n"
      "  --output FILE|-       results ('-': stdout, no temporary file, no "
      "resume)\n"
      "  --format F            jsonl (default) or csv (one line per hit)\n"
      "  --errors FILE         bad rows as JSONL (default: "
      "OUTPUT.errors.jsonl,\n"
      "                        or stderr with --output -)\n"
      "  --summary FILE        the run's summary as JSON (default:\n"
      "                        OUTPUT.summary.json; none with --output -)\n"
      "  --report FILE.html    a self-contained HTML report with charts\n"
      "  --resume              continue an interrupted run from "
      "OUTPUT.checkpoint\n"
      "  --threads N           worker threads (default: the number of "
      "cores)\n"
      "  --cache N             names whose results are kept (default "
      "131072; 1: none)\n"
      "  --quiet               no progress bar and no summary on stderr\n"
      "  --audit PATH          record the run in this audit log: input, "
      "options,\n"
      "                        summary and the SHA-256 of the output "
      "(docs/audit.md)\n\n"
      "screening (as `embargo screen`):\n"
      "  --data DIR|FILE       lists (repeatable); default: the built-in "
      "data\n"
      "                        (%s)\n"
      "  --list CODE,...       only these lists\n"
      "  --as-of YYYY-MM-DD    only entries in force then (--check: the "
      "date of the\n"
      "                        determination)\n"
      "  --limit N             at most N hits per row (default %d)\n"
      "  --min-score S         report hits from S (default %.2f)\n"
      "  --threshold S         a match from S (default %.2f)\n"
      "  --check               each JSONL row is a transaction "
      "(docs/check.md)\n"
      "  --rules DIR           with --check: rule packs\n"
      "  --regime LIST         with --check: only these regimes (e.g. "
      "US-EAR,NL)\n"
      "  --ownership FILE      with --check: known owners (docs/regimes.md)\n"
      "                        (default: %s)\n"
      "  --verbose             print every bad row skipped while loading the "
      "lists\n\n"
      "exit codes: 0 no match (no licence required), 1 a match (a licence "
      "required\n"
      "or prohibited), 2 usage error, 3 data error (lists, rules or input "
      "not\n"
      "readable, output not writable, resume refused), 130 interrupted by "
      "SIGINT or\n"
      "SIGTERM (a checkpoint is written: --resume continues). Bad rows alone "
      "do not\n"
      "change the exit code: they are counted and written to the error "
      "file.\n",
      emb_default_lists_dir(), EMB_DEFAULT_LIMIT, EMB_DEFAULT_MIN_SCORE,
      EMB_DEFAULT_THRESHOLD, emb_default_rules_dir());
}

typedef struct batch_cli {
  emb__batch_cfg cfg;
  const char *lists[32];
  char *lists_buf;
  const char *regimes[32];
  char *regimes_buf;
  emb_ownership *ownership;
  char key[2048];
} batch_cli;

/* Stopped by SIGINT or SIGTERM (128 + SIGINT, as a shell reports a
 * command killed by it). */
#define CLI_INTERRUPTED 130

static int usage(const char *msg) {
  fprintf(stderr, "embargo batch: %s (see --help)\n", msg);
  return CLI_USAGE;
}

static int configure_screen(const cli_args *a, batch_cli *b) {
  emb__batch_cfg *c = &b->cfg;
  emb_screen_opts_init(&c->so);
  c->threshold = EMB_DEFAULT_THRESHOLD;
  if (a->values[O_AS_OF]) {
    if (!cli_valid_date(a->values[O_AS_OF]))
      return usage("--as-of needs a date YYYY-MM-DD");
    if (c->check)
      c->as_of = a->values[O_AS_OF];
    else
      c->so.as_of = a->values[O_AS_OF];
  }
  if (a->values[O_LIMIT] &&
      cli_parse_size(a->values[O_LIMIT], 1, 10000, &c->so.limit))
    return usage("--limit must be 1 to 10000");
  if (a->values[O_MIN_SCORE] &&
      cli_parse_double(a->values[O_MIN_SCORE], 0, 1, &c->so.min_score))
    return usage("--min-score must be 0 to 1");
  if (a->values[O_THRESHOLD]) {
    if (cli_parse_double(a->values[O_THRESHOLD], 0.01, 1, &c->threshold))
      return usage("--threshold must be 0.01 to 1");
    c->so.threshold = c->threshold;
  }
  if (a->values[O_LIST]) {
    b->lists_buf = strdup(a->values[O_LIST]);
    if (b->lists_buf == NULL) return CLI_DATA;
    char *save = NULL;
    for (char *t = strtok_r(b->lists_buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
      while (*t == ' ') t++;
      if (*t == '\0') continue;
      if (c->so.n_lists == 32) return usage("at most 32 list codes");
      b->lists[c->so.n_lists++] = t;
    }
    c->so.lists = b->lists;
  }
  return CLI_OK;
}

static int configure(const cli_args *a, batch_cli *b) {
  emb__batch_cfg *c = &b->cfg;
  c->input = a->values[O_INPUT];
  c->output = a->values[O_OUTPUT];
  if (c->input == NULL || *c->input == '\0')
    return usage("--input FILE is required");
  if (c->output == NULL || *c->output == '\0')
    return usage("--output FILE is required");
  c->check = a->values[O_CHECK] != NULL;
  int inf = a->values[O_INPUT_FORMAT]
                ? emb__rows_format_parse(a->values[O_INPUT_FORMAT])
                : emb__rows_format_of_path(c->input);
  if (inf < 0)
    return usage(a->values[O_INPUT_FORMAT]
                     ? "--input-format must be csv or jsonl"
                     : "cannot tell the input's format from its name: give "
                       "--input-format csv or jsonl");
  c->rows.format = (emb__rows_format)inf;
  const char *fmt = a->values[O_FORMAT];
  if (fmt == NULL)
    fmt = emb__rows_format_of_path(c->output) == EMB__ROWS_CSV &&
                  strcmp(c->output, "-") != 0
              ? "csv"
              : "jsonl";
  if (strcmp(fmt, "csv") == 0)
    c->format = EMB__BATCH_CSV;
  else if (strcmp(fmt, "jsonl") == 0)
    c->format = EMB__BATCH_JSONL;
  else
    return usage("--format must be csv or jsonl");
  if (c->check && (inf != EMB__ROWS_JSONL || c->format != EMB__BATCH_JSONL))
    return usage(
        "--check reads and writes JSON Lines (one transaction per "
        "line)");
  if (c->check && (a->values[O_NAME_COLUMN] || a->values[O_COUNTRY_COLUMN]))
    return usage(
        "--check takes the names and countries from each "
        "transaction's parties");
  if (!c->check && a->values[O_RULES])
    return usage("--rules goes with --check");
  if (!c->check && (a->values[O_REGIME] || a->values[O_OWNERSHIP]))
    return usage("--regime and --ownership go with --check");
  if (a->values[O_REGIME]) {
    int n =
        cli_split_names(a->values[O_REGIME], &b->regimes_buf, b->regimes, 32);
    if (n <= 0) return usage("--regime needs 1 to 32 regime names");
    c->n_regimes = (size_t)n;
    c->regimes = b->regimes;
  }
  c->rows.name_column = a->values[O_NAME_COLUMN];
  c->rows.country_column = a->values[O_COUNTRY_COLUMN];
  c->rows.id_column = a->values[O_ID_COLUMN];
  c->rows.raw_only = c->check;
  c->errors = a->values[O_ERRORS];
  c->resume = a->values[O_RESUME] != NULL;
  if (c->resume && (strcmp(c->output, "-") == 0 || strcmp(c->input, "-") == 0))
    return usage("--resume needs a named input and output file");
  if (strcmp(c->input, "-") != 0 && strcmp(c->input, c->output) == 0)
    return usage("--input and --output are the same file");
  if (a->values[O_THREADS] &&
      cli_parse_size(a->values[O_THREADS], 1, 256, &c->threads))
    return usage("--threads must be 1 to 256");
  if (a->values[O_CACHE] &&
      cli_parse_size(a->values[O_CACHE], 1, 1 << 24, &c->cache_entries))
    return usage("--cache must be 1 to 16777216");
  int rc = configure_screen(a, b);
  if (rc != CLI_OK) return rc;
  /* What shapes the output: a resumed run must agree on all of it. */
  size_t n = (size_t)snprintf(
      b->key, sizeof(b->key),
      "mode=%s;in=%d;out=%d;name=%s;country=%s;id=%s;threshold=%.6f;"
      "min=%.6f;limit=%zu;as_of=%s;rules=%s;lists=",
      c->check ? "check" : "screen", inf, (int)c->format,
      c->rows.name_column ? c->rows.name_column : "",
      c->rows.country_column ? c->rows.country_column : "",
      c->rows.id_column ? c->rows.id_column : "", c->threshold, c->so.min_score,
      c->so.limit,
      c->as_of      ? c->as_of
      : c->so.as_of ? c->so.as_of
                    : "",
      a->values[O_RULES] ? a->values[O_RULES] : "");
  for (size_t i = 0; i < c->so.n_lists && n < sizeof(b->key); i++)
    n += (size_t)snprintf(b->key + n, sizeof(b->key) - n, "%s,", b->lists[i]);
  /* The regimes (the ownership file's digest is added once it is read). */
  if (n < sizeof(b->key))
    n += (size_t)snprintf(b->key + n, sizeof(b->key) - n, ";regimes=");
  for (size_t i = 0; i < c->n_regimes && n < sizeof(b->key); i++)
    n += (size_t)snprintf(b->key + n, sizeof(b->key) - n, "%s,", b->regimes[i]);
  c->options_key = b->key;
  c->progress = !a->values[O_QUIET] && isatty(STDERR_FILENO);
  /* Seconds between checkpoints (docs/batch.md); tests shorten it. */
  const char *every = getenv("EMBARGO_BATCH_CHECKPOINT_SECONDS");
  if (every && cli_parse_double(every, 0.01, 3600, &c->checkpoint_every))
    return usage("EMBARGO_BATCH_CHECKPOINT_SECONDS must be 0.01 to 3600");
  return CLI_OK;
}

static void print_summary(const emb__batch_cfg *c, const emb__batch_stats *s) {
  fprintf(stderr,
          "embargo batch: %lld rows, %lld %s, %lld bad%s%s%s; %lld rows "
          "with hits, %lld with matches (%lld matches",
          s->rows, s->screened, c->check ? "checked" : "screened", s->errors,
          s->errors && c->errors ? " (see " : "",
          s->errors && c->errors ? c->errors : "",
          s->errors && c->errors ? ")" : "", s->rows_with_hits,
          s->rows_with_matches, s->matches);
  const char *sep = ": ";
  for (size_t i = 0; i <= EMB__BATCH_LISTS; i++)
    if (s->lists[i].code[0] && s->lists[i].matches) {
      fprintf(stderr, "%s%s %lld", sep, s->lists[i].code, s->lists[i].matches);
      sep = ", ";
    }
  double rate =
      s->seconds > 0 ? (double)(s->rows - s->resumed_at) / s->seconds : 0;
  fprintf(stderr, "); %.2f s, %.0f rows/s, %zu threads", s->seconds, rate,
          s->threads);
  if (s->resumed_at) fprintf(stderr, "; resumed after row %lld", s->resumed_at);
  if (s->started_over)
    fprintf(stderr, "; no checkpoint to resume from: started from row 1");
  if (c->check)
    fprintf(stderr,
            "; licence required %lld, prohibited %lld, cannot be "
            "determined %lld",
            s->outcomes[EMB_LICENSE_REQUIRED], s->outcomes[EMB_PROHIBITED],
            s->outcomes[EMB_CANNOT_DETERMINE]);
  fputc('\n', stderr);
}

/* Writes the summary JSON and the HTML report; returns CLI_OK or
 * CLI_DATA. */
static int write_extras(const cli_args *a, const emb__batch_cfg *c,
                        const emb__batch_stats *s) {
  int rc = CLI_OK;
  char path[4096];
  const char *sum = a->values[O_SUMMARY];
  if (sum == NULL && strcmp(c->output, "-") != 0) {
    snprintf(path, sizeof(path), "%s.summary.json", c->output);
    sum = path;
  }
  if (sum) {
    FILE *f = strcmp(sum, "-") == 0 ? stdout : fopen(sum, "wb");
    if (f == NULL) {
      fprintf(stderr, "embargo batch: cannot write %s\n", sum);
      rc = CLI_DATA;
    } else {
      cli_emit_json(f, emb__batch_summary_json(c, s), 1);
      if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f)))
        rc = CLI_DATA;
    }
  }
  if (a->values[O_REPORT]) {
    FILE *f = fopen(a->values[O_REPORT], "wb");
    if (f == NULL) {
      fprintf(stderr, "embargo batch: cannot write %s\n", a->values[O_REPORT]);
      return CLI_DATA;
    }
    emb__batch_report_html(f, c, s);
    if (fclose(f) != 0) rc = CLI_DATA;
  }
  return rc;
}

/* The SHA-256 of a file as a JSON string, or null (stdout, or unreadable). */
static json_t *file_digest(const char *path) {
  char hex[65];
  if (path == NULL || strcmp(path, "-") == 0 ||
      emb__sha256_file(path, hex, NULL, NULL) != 0)
    return json_null();
  return json_string(hex);
}

/* With --audit: one row of kind "batch" for the whole run. The per-row
 * results stay in the output file; the row ties that file to the log by
 * its SHA-256, with the input's digest, the options and the summary, so
 * that an examiner can tell whether either file was changed since. */
static int audit_run(const char *path, const emb__batch_cfg *c,
                     const emb__batch_stats *s, const emb_listset *ls,
                     const emb_ruleset *rs) {
  emb_audit *au = NULL;
  char caller[80], lv[80], rv[80] = "";
  if (cli_audit_open("batch", path, ls, rs, &au, caller, lv, rv) != CLI_OK)
    return cli_audit_close("batch", &au, CLI_DATA);
  json_t *req = json_object();
  json_object_set_new(req, "input", json_string(c->input));
  json_object_set_new(req, "input_sha256", file_digest(c->input));
  json_object_set_new(req, "output", json_string(c->output));
  json_object_set_new(req, "check", json_boolean(c->check));
  json_object_set_new(req, "options", json_string(c->options_key));
  json_t *res = json_object();
  json_object_set_new(res, "output_sha256", file_digest(c->output));
  json_object_set_new(res, "errors_sha256", file_digest(c->errors));
  json_object_set_new(res, "summary", emb__batch_summary_json(c, s));
  char *text = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
  emb_status st = text ? emb__audit_event(au, "batch", caller, req, text, lv,
                                          rs ? rv : NULL)
                       : EMB_ENOMEM;
  free(text);
  json_decref(res);
  json_decref(req);
  if (st != EMB_OK)
    fprintf(stderr, "embargo batch: audit log: %s\n",
            emb_audit_last_error(au)[0] ? emb_audit_last_error(au)
                                        : emb_strerror(st));
  return cli_audit_close("batch", &au, st == EMB_OK ? CLI_OK : CLI_DATA);
}

/* Set by SIGINT and SIGTERM: the run stops at the next chunk, with a
 * checkpoint, so that --resume goes on from there. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
  (void)sig;
  interrupted = 1;
}

int cmd_batch(int argc, char **argv) {
  cli_args a;
  int rc =
      cli_parse("batch", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos != 0) return usage("unexpected argument: give --input FILE");
  batch_cli b = {0};
  rc = configure(&a, &b);
  if (rc != CLI_OK) {
    free(b.lists_buf);
    free(b.regimes_buf);
    return rc;
  }
  emb__batch_cfg *c = &b.cfg;
  char errs_default[4096];
  if (c->errors == NULL && strcmp(c->output, "-") != 0) {
    snprintf(errs_default, sizeof(errs_default), "%s.errors.jsonl", c->output);
    c->errors = errs_default;
  }
  emb_ruleset *rs = NULL;
  if (c->check) {
    const char *dir =
        a.values[O_RULES] ? a.values[O_RULES] : emb_default_rules_dir();
    emb_load_opts lo = {.diag = cli_print_diag};
    if (emb_ruleset_load(dir, &lo, &rs) != EMB_OK) {
      fprintf(stderr, "embargo batch: could not load the rules from %s\n", dir);
      free(b.lists_buf);
      free(b.regimes_buf);
      return CLI_DATA;
    }
    c->rs = rs;
    rc = cli_check_regimes("batch", rs, c->regimes, c->n_regimes);
    if (rc == CLI_OK && a.values[O_OWNERSHIP]) {
      if (emb_ownership_load(a.values[O_OWNERSHIP], &lo, &b.ownership) !=
          EMB_OK) {
        fprintf(stderr, "embargo batch: could not load the ownership file %s\n",
                a.values[O_OWNERSHIP]);
        rc = CLI_DATA;
      } else {
        size_t n = strlen(b.key);
        snprintf(b.key + n, sizeof(b.key) - n, ";ownership=%s",
                 emb_ownership_sha256(b.ownership));
        c->ownership = b.ownership;
      }
    }
    if (rc != CLI_OK) {
      emb_ruleset_free(rs);
      free(b.lists_buf);
      free(b.regimes_buf);
      return rc;
    }
  }
  cli_loaded l;
  rc = cli_load(&a, 0, a.values[O_VERBOSE] != NULL, 1, &l);
  if (rc != CLI_OK) {
    emb_ruleset_free(rs);
    emb_ownership_free(b.ownership);
    free(b.lists_buf);
    free(b.regimes_buf);
    return rc;
  }
  c->ix = l.ix;
  if (strcmp(c->output, "-") != 0) {
    /* With a file output, stop cleanly; a filter just dies. */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    c->interrupted = &interrupted;
  }
  emb__batch_stats s;
  char err[600];
  emb_status st = emb__batch_run(c, &s, err, sizeof(err));
  if (st != EMB_OK) {
    fprintf(stderr, "embargo batch: %s\n", err);
    rc = st == EMB_EINTR ? CLI_INTERRUPTED : CLI_DATA;
  } else {
    if (!a.values[O_QUIET]) print_summary(c, &s);
    rc = write_extras(&a, c, &s);
    if (rc == CLI_OK && a.values[O_AUDIT])
      rc = audit_run(a.values[O_AUDIT], c, &s, l.ls, rs);
    if (rc == CLI_OK) {
      int hit = c->check ? s.outcomes[EMB_LICENSE_REQUIRED] +
                                   s.outcomes[EMB_PROHIBITED] >
                               0
                         : s.matches > 0;
      rc = hit ? CLI_HIT : CLI_OK;
    }
  }
  cli_unload(&l);
  emb_ruleset_free(rs);
  emb_ownership_free(b.ownership);
  free(b.lists_buf);
  free(b.regimes_buf);
  return rc;
}
