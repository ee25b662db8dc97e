/* embargo: export-control compliance engine. The one header to include. */
#ifndef EMBARGO_EMBARGO_H
#define EMBARGO_EMBARGO_H

#include "embargo/audit.h"
#include "embargo/check.h"
#include "embargo/diff.h"
#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/rules.h"
#include "embargo/screen.h"
#include "embargo/status.h"
#include "embargo/update.h"

/* The library version, "MAJOR.MINOR.PATCH". Static storage. */
EMB_API const char *emb_version(void);

/* Releases process-wide state (ICU transliterators, libxml2 globals) so
 * leak checkers report nothing. Call once at exit, after every other
 * embargo object is freed; no embargo call may follow. */
EMB_API void emb_cleanup(void);

#endif
