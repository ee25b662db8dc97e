/* Internal: the builder that format loaders fill, one per source file.
 *
 * DESIGN: a loader parses its file and, for each good row, creates an entity
 * with emb__src_entity_new() and fills it with the emb__src_* setters, which
 * trim surrounding white space, drop empty values and copy everything into
 * the list set's arena. A bad row is reported with emb__src_bad_row() (file,
 * line, reason) and skipped; an entity already begun for it is dropped with
 * emb__src_drop_last(). The load driver (load.c) decides afterwards whether
 * the file as a whole is accepted: if it is rejected, every entity it added
 * is rolled back, so a rejected file leaves nothing behind.
 */
#ifndef EMB_LISTS_SOURCE_H
#define EMB_LISTS_SOURCE_H

#include <stdarg.h>
#include <stddef.h>

#include "../../common/arena.h"
#include "embargo/lists.h"

typedef struct emb__src emb__src;

/* Which string array of an entity a value goes into. */
typedef enum emb__field {
  EMB__F_ADDRESS,
  EMB__F_PROGRAM,
  EMB__F_IDENT,
  EMB__F_FOOTNOTE
} emb__field;

/* Limits on external input; past them a row is bad. */
#define EMB__MAX_FIELD ((size_t)64 * 1024) /* one field, bytes */
#define EMB__MAX_NAME ((size_t)1024)       /* one name, bytes */
#define EMB__MAX_FILE ((size_t)1 << 30)    /* one list file, bytes */
/* Names of one entity, and values of one of its fields. Real entries have
 * about 100 at most; the bound keeps duplicate checks, which are linear,
 * from going quadratic on a hostile file. */
#define EMB__MAX_VALUES ((size_t)1000)

/* A new zeroed entity owned by the list set, type UNKNOWN; NULL on OOM.
 * The loader must set list and source and add at least one name, or drop
 * it. The id is derived at the end from source_id or the primary name when
 * the loader leaves it NULL. */
emb_entity *emb__src_entity_new(emb__src *s);
/* Drops the most recently created entity (e.g. its row turned out bad). */
void emb__src_drop_last(emb__src *s);
size_t emb__src_entity_count(const emb__src *s);
emb_entity *emb__src_entity_at(emb__src *s, size_t i);

/* Sets a scalar string field of e (e.g. &e->license_policy) to a trimmed
 * copy of str[0..len). Empty after trimming leaves the field unchanged.
 * Returns EMB_ENOMEM or EMB_ETOOBIG (len > EMB__MAX_FIELD). */
emb_status emb__src_set(emb__src *s, const char **field, const char *str,
                        size_t len);
/* Adds a name (trimmed; empty or an exact duplicate is ignored). The first
 * primary name added becomes names[0]. EMB_ETOOBIG past EMB__MAX_NAME, or
 * when the entity has EMB__MAX_VALUES names already. Text that is not
 * UTF-8 is read as Windows-1252 (here and in the other setters). */
emb_status emb__src_add_name(emb__src *s, emb_entity *e, const char *str,
                             size_t len, emb_name_kind kind);
/* Adds a country given as an ISO alpha-2 code or an English country name;
 * duplicates ignored. EMB_ENOTFOUND if it is neither (nothing added). */
emb_status emb__src_add_country(emb__src *s, emb_entity *e, const char *str,
                                size_t len);
/* Adds a value to a string field (trimmed; empty or duplicate ignored).
 * EMB_ETOOBIG past EMB__MAX_FIELD bytes or EMB__MAX_VALUES values. */
emb_status emb__src_add(emb__src *s, emb_entity *e, emb__field f,
                        const char *str, size_t len);
emb_status emb__src_add_relation(emb__src *s, emb_entity *e, const char *kind,
                                 const char *target_id, double share);
/* Appends a zeroed record of dated licence terms to e and returns it for
 * the loader to fill with emb__src_set() and emb__src_terms_footnote();
 * NULL on OOM, or when e has EMB__MAX_VALUES records already (*st says
 * which). The pointer is valid until the next record is added. The
 * loader checks dates, order and overlaps. */
emb_terms *emb__src_terms_new(emb__src *s, emb_entity *e, emb_status *st);
/* Adds a footnote to a record (trimmed; empty or duplicate ignored). */
emb_status emb__src_terms_footnote(emb__src *s, emb_terms *t, const char *str,
                                   size_t len);

/* Reports a bad row and counts it as skipped. line is 1-based. */
void emb__src_bad_row(emb__src *s, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reports a non-fatal remark about the file (severity "warning"). */
void emb__src_warn(emb__src *s, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records why the file as a whole is unusable; the loader then returns an
 * error status. */
void emb__src_fail(emb__src *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Counts one data row read (good or bad). */
void emb__src_row(emb__src *s);

/* The date the file itself states (YYYY-MM-DD), if any. */
emb_status emb__src_set_list_date(emb__src *s, const char *ymd);
/* Human name of the source (e.g. "OFAC SDN List"). Copied. */
emb_status emb__src_set_name(emb__src *s, const char *name);
const char *emb__src_path(const emb__src *s);
emb__arena *emb__src_arena(emb__src *s);

/* Parses a date in YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, "DD Mon YYYY" or
 * YYYY (then YYYY-01-01) form into out (YYYY-MM-DD). Returns EMB_EDATE if
 * it is none of them or not a calendar date. */
emb_status emb__date_parse(const char *s, size_t len, char out[11]);

/* A single-file format: probe looks at the first bytes (up to 64 KiB) and
 * returns non-zero when the file is of this format; load parses the whole
 * file into s and returns EMB_OK (bad rows reported and skipped) or an
 * error after emb__src_fail() when the file is unusable. */
typedef struct emb__format {
  const char *name;
  int (*probe)(const char *head, size_t n);
  emb_status (*load)(emb__src *s, const char *data, size_t len);
} emb__format;

extern const emb__format emb__fmt_csl_csv;
extern const emb__format emb__fmt_csl_json;
extern const emb__format emb__fmt_dpl;
extern const emb__format emb__fmt_un_xml;
extern const emb__format emb__fmt_jsonl;

/* OFAC legacy CSV files come in groups joined by entity number: a primary
 * file (sdn.csv or cons_prim.csv) with address, alias and comment files. */
typedef enum emb__ofac_part {
  EMB__OFAC_NONE = 0,
  EMB__OFAC_PRIMARY,
  EMB__OFAC_ADDRESS,
  EMB__OFAC_ALT,
  EMB__OFAC_COMMENTS
} emb__ofac_part;

typedef struct emb__ofac_file {
  const char *path; /* NULL when the part is absent */
  const char *data;
  size_t len;
} emb__ofac_file;

/* Which OFAC part the file is, by structure (no header; column count and
 * field shapes); EMB__OFAC_NONE if it is none. */
emb__ofac_part emb__ofac_probe(const char *head, size_t n);
/* Loads a group: files[EMB__OFAC_PRIMARY] is required; consolidated != 0
 * for the non-SDN consolidated files (cons_*.csv). Bad rows of the side
 * files are reported with their own path. */
emb_status emb__ofac_load(emb__src *s, const emb__ofac_file files[5],
                          int consolidated);

#endif
