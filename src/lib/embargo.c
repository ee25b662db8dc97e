/* Process-wide entry points: version and clean-up. */
#include "embargo/embargo.h"

#include <libxml/parser.h>
#include <sqlite3.h>
#include <unicode/uclean.h>

#include "text/normalize.h"

const char *emb_version(void) {
  return EMB_VERSION;
}

void emb_cleanup(void) {
  emb__normalize_cleanup();
  xmlCleanupParser();
  u_cleanup();
  sqlite3_shutdown();
}
