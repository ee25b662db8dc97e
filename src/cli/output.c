/* Shared pieces of the subcommands: loading data with diagnostics, and
 * JSON of hits and explanations. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct diag_state {
  int verbose;
  size_t warnings, errors;
} diag_state;

static void on_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg) {
  diag_state *d = ud;
  int is_error = strcmp(sev, "error") == 0;
  if (is_error)
    d->errors++;
  else
    d->warnings++;
  if (!is_error && !d->verbose) return;
  cli_print_diag(NULL, sev, file, line, msg);
}

void cli_print_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg) {
  (void)ud;
  if (line > 0)
    fprintf(stderr, "embargo: %s: %s:%ld: %s\n", sev, file, line, msg);
  else
    fprintf(stderr, "embargo: %s: %s: %s\n", sev, file, msg);
}

int cli_load(const cli_args *a, int strict, int verbose, int want_index,
             cli_loaded *out) {
  memset(out, 0, sizeof(*out));
  const char *def = emb_default_lists_dir();
  const char *const *paths = a->n_data ? a->multi_data : &def;
  size_t n = a->n_data ? a->n_data : 1;
  diag_state d = {.verbose = verbose};
  emb_load_opts lo = {.diag = on_diag, .userdata = &d, .strict = strict};
  emb_status st = emb_listset_load(paths, n, &lo, &out->ls);
  out->warnings = d.warnings;
  out->errors = d.errors;
  if (st != EMB_OK) {
    fprintf(stderr, "embargo: error: could not load the lists%s%s: %s\n",
            a->n_data ? "" : " from the built-in data directory ",
            a->n_data ? "" : def, emb_strerror(st));
    return CLI_DATA;
  }
  if (d.warnings && !verbose)
    fprintf(stderr,
            "embargo: warning: %zu bad rows or other problems were skipped "
            "while loading (--verbose lists them; 'embargo lists' counts "
            "them)\n",
            d.warnings);
  if (want_index) {
    st = emb_index_build(out->ls, &out->ix);
    if (st != EMB_OK) {
      fprintf(stderr, "embargo: error: could not build the index: %s\n",
              emb_strerror(st));
      cli_unload(out);
      return CLI_DATA;
    }
  }
  return CLI_OK;
}

void cli_unload(cli_loaded *l) {
  emb_index_free(l->ix);
  emb_listset_free(l->ls);
  memset(l, 0, sizeof(*l));
}

void cli_emit_json(FILE *f, json_t *j, int pretty) {
  size_t flags = JSON_REAL_PRECISION(6) |
                 (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_PRESERVE_ORDER;
  json_dumpf(j, f, flags);
  fputc('\n', f);
  json_decref(j);
}
