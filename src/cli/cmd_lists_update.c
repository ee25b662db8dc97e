/* embargo lists update: download the official lists, validate them, and
 * only then replace the current copies (docs/lists-update.md). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "embargo/update.h"

enum {
  O_DEST,
  O_DRY_RUN,
  O_FORMAT,
  O_HELP,
  O_MAX_SIZE,
  O_MIN_RATIO,
  O_ONLY,
  O_SOURCES,
  O_TIMEOUT
};

static const cli_opt opts[] = {
    {"dest", 1, O_DEST},         {"dry-run", 0, O_DRY_RUN},
    {"format", 1, O_FORMAT},     {"help", 0, O_HELP},
    {"max-size", 1, O_MAX_SIZE}, {"min-ratio", 1, O_MIN_RATIO},
    {"only", 1, O_ONLY},         {"sources", 1, O_SOURCES},
    {"timeout", 1, O_TIMEOUT},
};

#define MAX_ONLY 64

static void help(void) {
  printf(
      "usage: embargo lists update [--dest DIR] [--sources FILE] [--only "
      "ID,...]\n"
      "         [--timeout SECONDS] [--max-size BYTES] [--min-ratio R]\n"
      "         [--format table|json] [--dry-run]\n\n"
      "Downloads the official list files named in the sources file, checks\n"
      "each group of files (complete download, recognised and loadable as "
      "the\nexpected format, row counts not collapsing, SHA-256), and only "
      "then\nreplaces the current copies in DIR, keeping the replaced ones "
      "in\nDIR/.previous/ and recording each file in "
      "DIR/.embargo-manifest.json.\nA file that fails a check keeps the "
      "current copy. Then use\n'embargo screen --data DIR'.\n\n"
      "options:\n"
      "  --dest DIR          where the lists go (default: $EMBARGO_LISTS_DIR, "
      "else\n"
      "                      ./lists)\n"
      "  --sources FILE      the sources file (default: %s)\n"
      "  --only ID,...       only these sources or groups (a group is always\n"
      "                      fetched whole; optional sources need this)\n"
      "  --timeout SECONDS   per file, whole transfer (default %ld)\n"
      "  --max-size BYTES    largest file accepted (default %zu)\n"
      "  --min-ratio R       refuse a file whose entity count falls below R\n"
      "                      times the current one (default %.2f)\n"
      "  --format F          table (default) or json\n"
      "  --dry-run           download and validate, replace nothing\n\n"
      "Progress lines go to stderr when it is a terminal.\n\n"
      "exit codes: 0 every file updated or unchanged (or valid, with\n"
      "--dry-run), 2 usage error, 3 a file failed a check (the others were\n"
      "still updated) or the update could not run\n",
      emb_update_default_sources(), EMB_UPDATE_DEFAULT_TIMEOUT,
      EMB_UPDATE_DEFAULT_MAX_SIZE, EMB_UPDATE_DEFAULT_MIN_RATIO);
}

static void on_log(void *ud, const char *msg) {
  (void)ud;
  fprintf(stderr, "embargo lists update: %s\n", msg);
}

/* Splits a comma list into out (pointers into buf, which it modifies). */
static int split_only(char *buf, const char **out, size_t *n) {
  char *save = NULL;
  *n = 0;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    while (*t == ' ') t++;
    if (*t == '\0') continue;
    if (*n == MAX_ONLY) return -1;
    out[(*n)++] = t;
  }
  return *n ? 0 : -1;
}

static json_t *file_json(const emb_update_file *f) {
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:I, "
      "s:I, s:I, s:i}",
      "id", f->id, "group", f->group, "file", f->file, "url", f->url, "format",
      f->format, "state", emb_update_state_name(f->state), "check", f->check,
      "reason", f->reason, "sha256", f->sha256, "previous_sha256",
      f->previous_sha256, "size", (json_int_t)f->size, "lines",
      (json_int_t)f->lines, "rows", (json_int_t)f->rows, "entities",
      (json_int_t)f->entities, "http_status", f->http_status);
}

static void print_json(const emb_update_report *r, const char *dest,
                       int dry_run) {
  json_t *files = json_array();
  size_t counts[4] = {0};
  for (size_t i = 0; i < emb_update_report_count(r); i++) {
    const emb_update_file *f = emb_update_report_file(r, i);
    counts[f->state]++;
    json_array_append_new(files, file_json(f));
  }
  json_t *j = json_pack(
      "{s:s, s:b, s:o, s:I, s:I, s:I, s:I, s:s?}", "dest", dest, "dry_run",
      dry_run, "files", files, "updated", (json_int_t)counts[0], "unchanged",
      (json_int_t)counts[1], "validated", (json_int_t)counts[2], "failed",
      (json_int_t)counts[3], "recovered", emb_update_report_recovered(r));
  cli_emit_json(stdout, j, 1);
}

static void print_table(const emb_update_report *r) {
  printf("%-10s %-16s %-22s %8s %9s %-16s %s\n", "STATE", "GROUP", "FILE",
         "ENTITIES", "SIZE", "SHA256", "CHECK");
  for (size_t i = 0; i < emb_update_report_count(r); i++) {
    const emb_update_file *f = emb_update_report_file(r, i);
    printf("%-10s %-16s %-22s %8zu %9zu %-16.16s %s\n",
           emb_update_state_name(f->state), f->group, f->file, f->entities,
           f->size, f->sha256 ? f->sha256 : "-", f->check ? f->check : "");
  }
  if (emb_update_report_recovered(r))
    printf("\nrecovered: %s\n", emb_update_report_recovered(r));
  size_t failed = emb_update_report_failed(r);
  if (failed)
    printf("\n%zu files failed; their current copies are kept\n", failed);
}

static void print_failures(const emb_update_report *r) {
  for (size_t i = 0; i < emb_update_report_count(r); i++) {
    const emb_update_file *f = emb_update_report_file(r, i);
    if (f->state == EMB_UPDATE_FAILED)
      fprintf(stderr, "embargo lists update: %s failed check '%s': %s\n",
              f->file, f->check, f->reason);
  }
}

static int configure(const cli_args *a, emb_update_opts *o, char **only_buf,
                     const char **only) {
  emb_update_opts_init(o);
  const char *env = getenv("EMBARGO_LISTS_DIR");
  o->dest = a->values[O_DEST] ? a->values[O_DEST]
            : (env && *env)   ? env
                              : "lists";
  if (*o->dest == '\0') {
    fprintf(stderr, "embargo lists update: --dest must not be empty\n");
    return CLI_USAGE;
  }
  if (a->values[O_SOURCES]) o->sources = a->values[O_SOURCES];
  size_t secs;
  if (a->values[O_TIMEOUT]) {
    if (cli_parse_size(a->values[O_TIMEOUT], 1, 86400, &secs)) {
      fprintf(stderr, "embargo lists update: --timeout must be 1 to 86400\n");
      return CLI_USAGE;
    }
    o->timeout = (long)secs;
  }
  if (a->values[O_MAX_SIZE] &&
      cli_parse_size(a->values[O_MAX_SIZE], 1, (size_t)1 << 30, &o->max_size)) {
    fprintf(stderr,
            "embargo lists update: --max-size must be 1 to 1073741824\n");
    return CLI_USAGE;
  }
  if (a->values[O_MIN_RATIO] &&
      cli_parse_double(a->values[O_MIN_RATIO], 0, 1, &o->min_ratio)) {
    fprintf(stderr, "embargo lists update: --min-ratio must be 0 to 1\n");
    return CLI_USAGE;
  }
  if (a->values[O_ONLY]) {
    *only_buf = strdup(a->values[O_ONLY]);
    if (*only_buf == NULL) return CLI_DATA;
    if (split_only(*only_buf, only, &o->n_only)) {
      fprintf(stderr,
              "embargo lists update: --only needs 1 to %d ids, comma "
              "separated\n",
              MAX_ONLY);
      return CLI_USAGE;
    }
    o->only = only;
  }
  o->dry_run = a->values[O_DRY_RUN] != NULL;
  if (isatty(fileno(stderr))) o->log = on_log;
  return CLI_OK;
}

int cmd_lists_update(int argc, char **argv) {
  cli_args a;
  int rc = cli_parse("lists update", opts, sizeof(opts) / sizeof(opts[0]), argc,
                     argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos) {
    fprintf(stderr, "embargo lists update: unexpected argument '%s'\n",
            a.pos[0]);
    return CLI_USAGE;
  }
  const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
  if (strcmp(format, "table") && strcmp(format, "json")) {
    fprintf(stderr, "embargo lists update: --format must be table or json\n");
    return CLI_USAGE;
  }
  emb_update_opts o;
  char *only_buf = NULL;
  const char *only[MAX_ONLY];
  rc = configure(&a, &o, &only_buf, only);
  if (rc != CLI_OK) {
    free(only_buf);
    return rc;
  }
  emb_update_report *r = NULL;
  emb_status st = emb_update_run(&o, &r);
  if (st != EMB_OK) {
    const char *why = emb_update_report_error(r);
    if (strcmp(format, "json") == 0)
      cli_emit_json(stdout, emb__error_json(st, why ? why : emb_strerror(st)),
                    1);
    fprintf(stderr, "embargo lists update: %s\n", why ? why : emb_strerror(st));
    emb_update_report_free(r);
    free(only_buf);
    return st == EMB_EINVAL ? CLI_USAGE : CLI_DATA;
  }
  if (strcmp(format, "json") == 0)
    print_json(r, o.dest, o.dry_run);
  else
    print_table(r);
  print_failures(r);
  rc = emb_update_report_failed(r) ? CLI_DATA : CLI_OK;
  emb_update_report_free(r);
  free(only_buf);
  return rc;
}
