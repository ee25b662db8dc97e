/* Messages and names for emb_status, generated from EMB_STATUS_MAP. */
#include "embargo/status.h"

const char *emb_strerror(emb_status st) {
  switch (st) {
#define EMB__MSG(name, num, msg) \
  case EMB_##name:               \
    return msg;
    EMB_STATUS_MAP(EMB__MSG)
#undef EMB__MSG
  }
  return "unknown status";
}

const char *emb_status_name(emb_status st) {
  switch (st) {
#define EMB__NAME(name, num, msg) \
  case EMB_##name:                \
    return #name;
    EMB_STATUS_MAP(EMB__NAME)
#undef EMB__NAME
  }
  return "EUNKNOWN";
}
