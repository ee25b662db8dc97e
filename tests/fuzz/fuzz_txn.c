/* Fuzz target: transaction parsing, and for every transaction that parses,
 * a full determination on the built-in rules (without screening) and its
 * JSON: no crash, no leak, bounded work. */
#include <stdint.h>
#include <stdlib.h>

#include "embargo/embargo.h"

static emb_ruleset *rules;

static void free_rules(void) {
  emb_ruleset_free(rules);
  rules = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (rules == NULL) {
    emb_load_opts lo = {0};
    if (emb_ruleset_load(emb_default_rules_dir(), &lo, &rules) != EMB_OK)
      abort(); /* the built-in rules must load */
    atexit(free_rules);
  }
  char err[256];
  emb_txn *t = NULL;
  if (emb_txn_parse((const char *)data, size, err, sizeof(err), &t) != EMB_OK)
    return 0;
  emb_determination *d = NULL;
  if (emb_check(rules, NULL, t, "2021-01-15", &d) == EMB_OK) {
    char *json = NULL;
    if (emb_determination_json(d, 0, &json) == EMB_OK) free(json);
    emb_determination_free(d);
  }
  emb_txn_free(t);
  return 0;
}
