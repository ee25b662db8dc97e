/* Internal: country names and codes. */
#ifndef EMB_TEXT_COUNTRY_H
#define EMB_TEXT_COUNTRY_H

#include <stddef.h>

/* The ISO 3166-1 alpha-2 code (upper case, static storage) for s[0..len),
 * which may be an alpha-2 or alpha-3 code or an English country or
 * territory name in any letter case, including the common variants used by
 * OFAC, BIS and the UN ("Korea, North", "Iran (Islamic Republic of)",
 * "Burma", "Russian Federation", "Hong Kong", ...). Surrounding white space
 * and a trailing full stop are ignored. NULL if unknown. Thread-safe. */
const char *emb__country_lookup(const char *s, size_t len);

/* The English short name of an alpha-2 code, or NULL. Static storage. */
const char *emb__country_name(const char *alpha2);

#endif
