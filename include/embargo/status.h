/* embargo: status codes.
 *
 * One X-macro list gives the enum, the stable names (also used as JSON error
 * codes) and the human messages. Codes are stable: append, never renumber.
 */
#ifndef EMBARGO_STATUS_H
#define EMBARGO_STATUS_H

#include "embargo/export.h"

#define EMB_STATUS_MAP(X)                                  \
  X(OK, 0, "success")                                      \
  X(ENOMEM, 1, "out of memory")                            \
  X(EINVAL, 2, "invalid argument")                         \
  X(EIO, 3, "input/output error")                          \
  X(EFORMAT, 4, "file is not in a recognised list format") \
  X(EPARSE, 5, "malformed input")                          \
  X(ETOOBIG, 6, "input exceeds a size limit")              \
  X(EUTF8, 7, "malformed UTF-8")                           \
  X(EMOSTLYBAD, 8, "too many bad rows: file rejected")     \
  X(ENOTFOUND, 9, "not found")                             \
  X(EICU, 10, "ICU error")                                 \
  X(EEMPTY, 11, "no data loaded")                          \
  X(EDATE, 12, "invalid date")                             \
  X(ETXN, 13, "invalid transaction")                       \
  X(EDB, 14, "database error")                             \
  X(ETAMPER, 15, "audit log fails verification")           \
  X(ENET, 16, "download failed")                           \
  X(ESUSPECT, 17, "downloaded file failed validation")     \
  X(EINTR, 18, "interrupted")

typedef enum emb_status {
#define EMB__STATUS_ENUM(name, num, msg) EMB_##name = num,
  EMB_STATUS_MAP(EMB__STATUS_ENUM)
#undef EMB__STATUS_ENUM
} emb_status;

/* Human-readable message for a status; never NULL, static storage. */
EMB_API const char *emb_strerror(emb_status st);
/* Stable symbolic name ("EPARSE"); never NULL, static storage. */
EMB_API const char *emb_status_name(emb_status st);

#endif
