/* PLACEHOLDER: replaced by the work on issues #4/#5. */
#include "cli.h"

int cmd_lists_update(int argc, char **argv) {
  (void)argc;
  fprintf(stderr, "embargo %s: not built yet\n", argv[0]);
  return CLI_USAGE;
}
