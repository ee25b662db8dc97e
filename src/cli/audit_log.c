/* The audit log behind the --audit option of screen, compare, check and
 * batch: opening it with the data versions recorded, and closing it with
 * everything queued written. */
#include "../lib/audit/annotate.h"
#include "cli.h"

int cli_audit_open(const char *cmd, const char *path, const emb_listset *ls,
                   const emb_ruleset *rs, emb_audit **log, char caller[80],
                   char lists_ver[80], char rules_ver[80]) {
  *log = NULL;
  emb__audit_cli_caller(caller);
  if (emb_audit_open(path, NULL, log) != EMB_OK) {
    fprintf(stderr, "embargo %s: %s\n", cmd, emb_audit_last_error(NULL));
    return CLI_DATA;
  }
  if (emb__audit_note_lists(*log, ls, caller, lists_ver) != EMB_OK ||
      (rs && emb__audit_note_rules(*log, rs, caller, rules_ver) != EMB_OK)) {
    fprintf(stderr, "embargo %s: audit log: %s\n", cmd,
            emb_audit_last_error(*log));
    return CLI_DATA;
  }
  return CLI_OK;
}

int cli_audit_close(const char *cmd, emb_audit **log, int rc) {
  if (*log == NULL) return rc;
  if (emb_audit_flush(*log) != EMB_OK) {
    fprintf(stderr, "embargo %s: audit log: %s\n", cmd,
            emb_audit_last_error(*log));
    rc = CLI_DATA;
  }
  emb_audit_close(*log);
  *log = NULL;
  return rc;
}
