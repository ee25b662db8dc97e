/* PLACEHOLDER: replaced by the work on issue #4. */
#include "../cli/cli.h"

int cmd_serve(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "embargo %s: not built yet\n", argv[0]);
  return CLI_USAGE;
}
