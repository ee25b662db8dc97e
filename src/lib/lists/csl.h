/* Internal: how a US Consolidated Screening List entry maps onto an
 * entity, shared by the CSV loader (csl_csv.c, which defines these) and
 * the JSON loader (csl_json.c), so both shapes of the same list give the
 * same entities.
 *
 * Every function that takes an emb__src and an emb_entity fills the
 * entity through the emb__src_* setters; strings are borrowed for the
 * call and copied into the list set. They return EMB_OK, EMB_ENOMEM, or
 * EMB_ETOOBIG when a value is over a size limit (the caller then treats
 * the row as bad). Countries that are not recognised are ignored.
 */
#ifndef EMB_LISTS_CSL_H
#define EMB_LISTS_CSL_H

#include <stddef.h>

#include "source.h"

/* Remembers the last source string stored, so that the thousands of rows
 * of one source share one copy of it and of its list code. Zero it before
 * the first row. Its pointers are owned by the list set's arena. */
typedef struct emb__csl_source_cache {
  const char *source;
  size_t source_len;
  const char *list;
} emb__csl_source_cache;

/* Sets e->source to src (trimmed) and e->list to its list code: the text
 * in its first parentheses without a trailing " List" ("Entity List (EL)
 * - Bureau of Industry and Security" -> "EL"), or "CSL" when it has none.
 * An empty src leaves both unset. */
emb_status emb__csl_set_source(emb__src *s, emb_entity *e,
                               emb__csl_source_cache *c, const char *src,
                               size_t len);

/* The entity type the CSL "type" column names; UNKNOWN when empty or not
 * one of Entity, Individual, Vessel, Aircraft (any case). */
emb_entity_type emb__csl_type(const char *str, size_t len);

/* Splits str on any byte of seps and adds each trimmed, non-empty piece
 * to field f of e. */
emb_status emb__csl_add_split(emb__src *s, emb_entity *e, emb__field f,
                              const char *str, size_t len, const char *seps);

/* Splits str on ';' and adds each piece as a name of the given kind. */
emb_status emb__csl_add_names(emb__src *s, emb_entity *e, const char *str,
                              size_t len, emb_name_kind kind);

/* Adds one address and, if its last comma-separated part is a country,
 * that country. */
emb_status emb__csl_add_address(emb__src *s, emb_entity *e, const char *str,
                                size_t len);

/* Adds the countries of a citizenships or nationalities value: a list
 * split on ';', each piece tried whole ("Korea, North") and otherwise
 * split again on ','. */
emb_status emb__csl_add_countries(emb__src *s, emb_entity *e, const char *str,
                                  size_t len);

/* Parses a date into *field; an invalid date is reported as a warning
 * naming the column and leaves *field unchanged. line may be 0. */
emb_status emb__csl_set_date(emb__src *s, long line, const char *column,
                             const char **field, const char *str, size_t len);

/* For Entity List entries (list "EL"), adds the footnote designations
 * written into e->license_requirement: a digit 1-9 right after a letter
 * or ')' that does not start a longer number ("...of the EAR)5" -> "5";
 * not "3B001", "(a)(9)", "EAR99", "A1.5"). */
emb_status emb__csl_add_footnotes(emb__src *s, emb_entity *e);

/* 1 if str[0..len) is non-empty and all ASCII digits. */
int emb__csl_is_number(const char *str, size_t len);

#endif
