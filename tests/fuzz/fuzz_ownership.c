/* Fuzz target: ownership files (the header, every company line and its
 * owners, the duplicate check), and for a file that loads, a determination
 * on the built-in rules and lists whose party is the file's first company:
 * no crash, no leak, bounded work whatever the owners and their cycles. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "embargo/embargo.h"
#include "embargo/ownership.h"

static emb_ruleset *rules;
static emb_listset *lists;
static emb_index *index_;

static void free_all(void) {
  emb_index_free(index_);
  emb_listset_free(lists);
  emb_ruleset_free(rules);
  emb_cleanup();
}

static void init(void) {
  emb_load_opts lo = {0};
  const char *dir = emb_default_lists_dir();
  if (emb_ruleset_load(emb_default_rules_dir(), &lo, &rules) != EMB_OK ||
      emb_listset_load(&dir, 1, &lo, &lists) != EMB_OK ||
      emb_index_build(lists, &index_) != EMB_OK)
    abort(); /* the built-in data must load */
  atexit(free_all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (rules == NULL) init();
  char path[] = "/tmp/embargo-fuzz-own-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return 0;
  FILE *f = fdopen(fd, "wb");
  if (f == NULL) {
    close(fd);
    unlink(path);
    return 0;
  }
  fwrite(data, 1, size, f);
  fclose(f);
  emb_ownership *own = NULL;
  emb_status st = emb_ownership_load(path, NULL, &own);
  unlink(path);
  if (st != EMB_OK) return 0;
  /* The first company line's name, if any, as the end user (letters,
   * digits and spaces only, so that the transaction stays valid JSON). */
  static const char key[] = "\"entity\":\"";
  const char *p = (const char *)data, *k = NULL;
  for (size_t i = 0; i + sizeof(key) - 1 <= size && k == NULL; i++)
    if (memcmp(p + i, key, sizeof(key) - 1) == 0) k = p + i + sizeof(key) - 1;
  char name[64] = "Example";
  size_t n = 0;
  for (; k && k + n < p + size && k[n] != '"' && n < 63; n++)
    name[n] = (k[n] >= 'A' && k[n] <= 'Z') || (k[n] >= 'a' && k[n] <= 'z') ||
                      (k[n] >= '0' && k[n] <= '9')
                  ? k[n]
                  : ' ';
  if (n) name[n] = '\0';
  char json[512];
  snprintf(json, sizeof(json),
           "{\"date\":\"2025-10-01\",\"from\":\"US\",\"to\":\"CN\","
           "\"items\":[{\"eccn\":\"EAR99\",\"origin\":\"US\"}],"
           "\"parties\":[{\"role\":\"end_user\",\"name\":\"%s\"}]}",
           name);
  emb_txn *txn = NULL;
  if (emb_txn_parse(json, strlen(json), NULL, 0, &txn) == EMB_OK) {
    emb_check_opts o = {.ownership = own};
    emb_determination *d = NULL;
    if (emb_check_ex(rules, index_, txn, &o, &d) == EMB_OK) {
      char *out = NULL;
      if (emb_determination_json(d, 0, &out) == EMB_OK) free(out);
      emb_determination_free(d);
    }
    emb_txn_free(txn);
  }
  emb_ownership_free(own);
  return 0;
}
