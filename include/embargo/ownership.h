/* embargo: who owns whom, for the ownership (50%) rules.
 *
 * An ownership file (JSON Lines, docs/regimes.md) names companies and
 * their owners with shares. emb_check_ex() reads it, with the owners a
 * transaction gives, to find parties owned 50% or more by listed parties
 * (the Entity List affiliates rule, OFAC's 50 percent rule).
 *
 * Thread safety: an emb_ownership is immutable once loaded; any number of
 * threads may read it.
 */
#ifndef EMBARGO_OWNERSHIP_H
#define EMBARGO_OWNERSHIP_H

#include <stddef.h>

#include "embargo/export.h"
#include "embargo/lists.h"
#include "embargo/status.h"

/* Limits: a line 64 KiB, a file 256 MiB, 32 owners per company, 1,000,000
 * companies. */
#define EMB_OWNERSHIP_MAX_LINE ((size_t)64 * 1024)
#define EMB_OWNERSHIP_MAX_FILE ((size_t)256 * 1024 * 1024)
#define EMB_OWNERSHIP_MAX_OWNERS 32

typedef struct emb_ownership emb_ownership;

/* Loads the ownership file at path. Every problem is reported through
 * opts->diag (may be NULL) with its line and field; any bad line rejects
 * the whole file (EMB_EPARSE), because a half-loaded ownership file would
 * clear parties silently. Also EMB_ENOTFOUND, EMB_EIO, EMB_ETOOBIG,
 * EMB_ENOMEM. path is borrowed. On success *out is set; caller frees with
 * emb_ownership_free(). */
EMB_API EMB_NODISCARD emb_status emb_ownership_load(const char *path,
                                                    const emb_load_opts *opts,
                                                    emb_ownership **out);
EMB_API void emb_ownership_free(emb_ownership *o);

/* The number of companies, the file's path and SHA-256 (hex), and the
 * header's source and as_of (or NULL); strings borrowed from o. */
EMB_API size_t emb_ownership_count(const emb_ownership *o);
EMB_API const char *emb_ownership_path(const emb_ownership *o);
EMB_API const char *emb_ownership_sha256(const emb_ownership *o);
EMB_API const char *emb_ownership_source(const emb_ownership *o);
EMB_API const char *emb_ownership_as_of(const emb_ownership *o);

#endif
