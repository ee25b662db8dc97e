/* The embargo command line: shared declarations of the subcommands. */
#ifndef EMB_CLI_CLI_H
#define EMB_CLI_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "../lib/json/shapes.h"
#include "embargo/embargo.h"

/* Exit codes (docs/cli.md). */
enum {
  CLI_OK = 0,    /* done; no match / nothing to flag */
  CLI_HIT = 1,   /* a match was found (screen, compare) */
  CLI_USAGE = 2, /* bad command line */
  CLI_DATA = 3   /* data could not be loaded or input was bad */
};

/* One option of a subcommand's sorted option table. */
typedef struct cli_opt {
  const char *name; /* without the leading "--" */
  int has_arg;
  int id;
} cli_opt;

typedef struct cli_args {
  const char *values[32];     /* by option id: the argument, or "" for flags */
  const char *multi_data[16]; /* every --data given, in order */
  size_t n_data;
  const char *pos[8]; /* positional arguments */
  size_t n_pos;
} cli_args;

/* Parses argv against opts (n entries, sorted by name). Prints a message
 * naming the bad option and returns CLI_USAGE on error, else CLI_OK. The
 * option with name "data" may be repeated. */
int cli_parse(const char *cmd, const cli_opt *opts, size_t n, int argc,
              char **argv, cli_args *out);

typedef struct cli_loaded {
  emb_listset *ls;
  emb_index *ix;
  size_t warnings; /* bad rows and other warnings while loading */
  size_t errors;   /* files rejected */
} cli_loaded;

/* Loads the --data paths (or the built-in default data) and builds the
 * index when want_index. Prints errors, and warnings when verbose; returns
 * CLI_OK or CLI_DATA. Free with cli_unload. */
int cli_load(const cli_args *a, int strict, int verbose, int want_index,
             cli_loaded *out);
void cli_unload(cli_loaded *l);

/* Writes j compactly on one line (jsonl) or indented; consumes j. */
void cli_emit_json(FILE *f, json_t *j, int pretty);
/* Parses a number in [lo, hi]; returns 0 on success. */
int cli_parse_double(const char *s, double lo, double hi, double *out);
int cli_parse_size(const char *s, size_t lo, size_t hi, size_t *out);
/* Reads all of f, at most max bytes, into a malloc'd buffer (caller
 * frees); NULL when it is longer, on a read error or out of memory. */
char *cli_read_all(FILE *f, size_t max, size_t *len);
/* Splits a comma-separated list s (e.g. "US-EAR, NL") into at most max
 * names, skipping spaces and empty names. *buf receives the copy the names
 * point into (caller frees, also on failure). Returns the number of names,
 * or -1 when there are more than max, or on out of memory. */
int cli_split_names(const char *s, char **buf, const char **out, size_t max);
/* Every name is a regime of rs; else prints "embargo CMD: --regime: ..."
 * with the regimes rs has and returns CLI_USAGE. */
int cli_check_regimes(const char *cmd, const emb_ruleset *rs,
                      const char *const *names, size_t n);
/* An emb_diag_fn that prints "embargo: SEVERITY: FILE[:LINE]: MESSAGE" on
 * stderr (userdata unused). */
void cli_print_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg);
/* Checks a YYYY-MM-DD calendar date (years 1900-2999, as the rules
 * engine accepts). */
int cli_valid_date(const char *s);

/* --audit PATH: opens the log (emb_audit_open; *log is set even on a
 * later failure, for cli_audit_close), sets the caller ("cli:$USER") and
 * records the version ids of ls and, when rs is not NULL, of rs (rows of
 * kind "lists"/"rules" the first time the log meets them). Prints what
 * failed, prefixed "embargo CMD:"; returns CLI_OK or CLI_DATA. */
int cli_audit_open(const char *cmd, const char *path, const emb_listset *ls,
                   const emb_ruleset *rs, emb_audit **log, char caller[80],
                   char lists_ver[80], char rules_ver[80]);
/* Writes everything queued and closes *log (NULL: nothing to do), setting
 * it to NULL. Returns rc, or CLI_DATA when the log could not be written. */
int cli_audit_close(const char *cmd, emb_audit **log, int rc);

int cmd_screen(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_lists(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_audit(int argc, char **argv);    /* cmd_audit.c */
int cmd_batch(int argc, char **argv);    /* cmd_batch.c */
int cmd_rescreen(int argc, char **argv); /* cmd_rescreen.c */
int cmd_serve(int argc, char **argv);    /* src/server/serve.c */
/* `embargo lists update` and `embargo lists diff`, dispatched by
 * cmd_lists; argv[0] is the subcommand's name. */
int cmd_lists_update(int argc, char **argv); /* cmd_lists_update.c */
int cmd_lists_diff(int argc, char **argv);   /* cmd_lists_diff.c */

#endif
