/* Fuzz target: the audit log's readers of outside data. The first byte
 * picks the part: 'v' verifies the rest as an audit log file (a log an
 * attacker edited by hand; verify must report, never crash or pass a
 * broken chain silently); 't' checks the export's time filter; 'k' makes
 * a decision key; anything else parses the rest as a screening result and
 * compacts it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/lib/audit/annotate.h"
#include "../../src/lib/audit/audit_internal.h"
#include "embargo/embargo.h"

static void fuzz_verify(const uint8_t *data, size_t size) {
  char path[] = "/tmp/fuzz_audit.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return;
  if (write(fd, data, size) == (ssize_t)size) {
    emb_audit_verify_report rep;
    emb_status st = emb_audit_verify(path, &rep);
    if (st == EMB_ETAMPER && (rep.bad_seq < 0 || rep.reason[0] == '\0'))
      abort();
    if (st == EMB_OK && rep.bad_seq != 0) abort();
    int64_t seq;
    char hash[65];
    if (emb_audit_head(path, &seq, hash) == EMB_OK && strlen(hash) != 64)
      abort();
  }
  close(fd);
  unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const uint8_t *rest = data + 1;
  size_t n = size - 1;
  if (data[0] == 'v') {
    fuzz_verify(rest, n);
    return 0;
  }
  char *s = malloc(n + 1);
  if (s == NULL) return 0;
  memcpy(s, rest, n);
  s[n] = '\0';
  if (data[0] == 't') {
    if (emb__audit_valid_time(s) && strlen(s) < 10) abort();
  } else if (data[0] == 'k') {
    char key[64];
    if (emb__audit_query_key(s, key, sizeof(key)) == EMB_OK &&
        (key[0] == '\0' || key[0] == ' ' || strlen(key) >= sizeof(key)))
      abort();
  } else {
    json_t *j = json_loadb(s, n, 0, NULL);
    if (j) {
      char *c = emb__audit_compact_result(j);
      if (c == NULL) abort();
      json_t *back = json_loads(c, 0, NULL);
      if (back == NULL || !json_is_array(json_object_get(back, "hits")))
        abort();
      json_decref(back);
      free(c);
      /* Without a log the result is left as it is. */
      if (emb__audit_annotate(NULL, NULL, "smic", j) != j) abort();
      json_decref(j);
    }
  }
  free(s);
  return 0;
}
