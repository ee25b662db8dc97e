/* embargo lists: the loaded list sources, their versions and counts. */
#include <string.h>

#include "cli.h"

enum { O_DATA, O_FORMAT, O_HELP, O_STRICT, O_VERBOSE };

static const cli_opt opts[] = {
    {"data", 1, O_DATA},     {"format", 1, O_FORMAT},   {"help", 0, O_HELP},
    {"strict", 0, O_STRICT}, {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo lists [--data DIR|FILE]... [--format table|json] "
      "[--strict] [--verbose]\n"
      "       embargo lists update [options]   (see 'lists update --help')\n"
      "       embargo lists diff OLD NEW       (see 'lists diff --help')\n\n"
      "Loads the lists (default: the built-in data) and prints each source\n"
      "file with its format, entity and row counts, skipped bad rows, "
      "SHA-256\nand date (from the file's content where it states one, else "
      "its\nmodification time), then the entity count per list code.\n\n"
      "exit codes: 0 ok, 2 usage error, 3 data error (nothing loaded, or a\n"
      "file rejected under --strict)\n");
}

typedef struct list_count {
  const char *code;
  size_t n;
} list_count;

static size_t count_lists(const emb_listset *ls, list_count *out, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const char *code = emb_listset_entity(ls, i)->list;
    size_t k = 0;
    while (k < n && strcmp(out[k].code, code) != 0) k++;
    if (k == n) {
      if (n == cap) continue;
      out[n].code = code;
      out[n++].n = 0;
    }
    out[k].n++;
  }
  return n;
}

int cmd_lists(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "update") == 0)
    return cmd_lists_update(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "diff") == 0)
    return cmd_lists_diff(argc - 1, argv + 1);
  cli_args a;
  int rc =
      cli_parse("lists", opts, sizeof(opts) / sizeof(opts[0]), argc, argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos) {
    fprintf(stderr, "embargo lists: unexpected argument '%s'\n", a.pos[0]);
    return CLI_USAGE;
  }
  const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
  if (strcmp(format, "table") && strcmp(format, "json")) {
    fprintf(stderr, "embargo lists: --format must be table or json\n");
    return CLI_USAGE;
  }
  cli_loaded l;
  rc = cli_load(&a, a.values[O_STRICT] != NULL, a.values[O_VERBOSE] != NULL, 0,
                &l);
  if (rc != CLI_OK) return rc;
  list_count counts[128];
  size_t nc = count_lists(l.ls, counts, 128);
  size_t ns = emb_listset_source_count(l.ls);
  if (strcmp(format, "json") == 0) {
    json_t *j = emb__lists_json(l.ls, l.errors);
    cli_emit_json(stdout, j, 1);
  } else {
    printf("%-14s %8s %8s %7s %-10s %-7s %-16s %s\n", "FORMAT", "ENTITIES",
           "ROWS", "SKIPPED", "DATE", "(FROM)", "SHA256", "PATH");
    for (size_t i = 0; i < ns; i++) {
      const emb_source_info *s = emb_listset_source(l.ls, i);
      printf("%-14s %8zu %8zu %7zu %-10s %-7s %.16s %s\n", s->format,
             s->entities, s->rows, s->skipped, s->list_date, s->date_origin,
             s->sha256, s->path);
    }
    printf("\n%zu entities from %zu sources", emb_listset_count(l.ls), ns);
    if (l.errors)
      printf("; %zu files rejected (see the errors above)", l.errors);
    printf("\nby list:");
    for (size_t i = 0; i < nc; i++)
      printf(" %s %zu", counts[i].code, counts[i].n);
    printf("\n");
  }
  cli_unload(&l);
  return CLI_OK;
}
