/* embargo: export-control compliance engine, command line entry point. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
    {"audit", cmd_audit, "verify and export the audit log, record decisions"},
    {"batch", cmd_batch, "screen or check every row of a CSV/JSONL file"},
    {"check", cmd_check, "does a transaction need a licence? (US EAR)"},
    {"compare", cmd_compare, "score two names against each other"},
    {"lists", cmd_lists,
     "show the loaded lists; update them; diff two versions"},
    {"rescreen", cmd_rescreen, "customers whose results change between lists"},
    {"screen", cmd_screen, "screen a party's name against the lists"},
    {"serve", cmd_serve, "HTTP JSON API, web page and audit log"},
};

static void usage(FILE *f) {
  fprintf(f,
          "usage: embargo <command> [options] [arguments]\n\n"
          "commands:\n");
  for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf(f,
          "\n'embargo <command> --help' describes a command.\n"
          "exit codes: 0 ok, 1 a match was found (screen, compare) or a\n"
          "licence is required (check), 2 usage error, 3 data error, 4 a\n"
          "fact needed for a determination is missing (check)\n");
}

int main(int argc, char **argv) {
  int rc = CLI_USAGE;
  if (argc < 2) {
    usage(stderr);
  } else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
             strcmp(argv[1], "help") == 0) {
    usage(stdout);
    rc = CLI_OK;
  } else if (strcmp(argv[1], "--version") == 0) {
    printf("embargo %s\n", emb_version());
    rc = CLI_OK;
  } else {
    size_t i = 0, n = sizeof(commands) / sizeof(commands[0]);
    while (i < n && strcmp(argv[1], commands[i].name) != 0) i++;
    if (i == n) {
      fprintf(stderr, "embargo: unknown command '%s'\n", argv[1]);
      usage(stderr);
    } else {
      rc = commands[i].run(argc - 1, argv + 1);
    }
  }
  emb_cleanup();
  return rc;
}
