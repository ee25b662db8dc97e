/* embargo: restricted-party lists.
 *
 * A list set (emb_listset) holds every entity of every loaded source file,
 * with each source's version (format, hash, date, counts). It is immutable
 * once loaded: readers on any thread may use it without locks. A reload
 * builds a new set.
 *
 * Entities are exposed as read-only structs whose strings and arrays live
 * inside the list set: they are borrowed, valid until emb_listset_free().
 */
#ifndef EMBARGO_LISTS_H
#define EMBARGO_LISTS_H

#include <stddef.h>
#include <stdint.h>

#include "embargo/export.h"
#include "embargo/status.h"

typedef enum emb_entity_type {
  EMB_TYPE_UNKNOWN = 0, /* the source does not say */
  EMB_TYPE_ORGANIZATION,
  EMB_TYPE_PERSON,
  EMB_TYPE_VESSEL,
  EMB_TYPE_AIRCRAFT
} emb_entity_type;

typedef enum emb_name_kind {
  EMB_NAME_PRIMARY = 0, /* the entry's main name */
  EMB_NAME_ALIAS,       /* a.k.a., f.k.a., alt name */
  EMB_NAME_WEAK_ALIAS   /* low-quality alias (OFAC "weak", UN "Low") */
} emb_name_kind;

typedef struct emb_name {
  const char *text; /* as written in the source, UTF-8 */
  emb_name_kind kind;
} emb_name;

typedef struct emb_relation {
  const char *kind;      /* "parent", "subsidiary", "affiliate" */
  const char *target_id; /* entity id of the other party */
  double share;          /* ownership share in percent, or -1 if unknown */
} emb_relation;

/* One dated record of an entry's licence terms: what its licence
 * requirement, review policy and footnotes were between two dates, for an
 * entry whose terms were later revised (e.g. an Entity List entry
 * rewritten by a later rule). The entity's top-level terms are the
 * current ones; a record replaces them on the days it covers. Read-only;
 * strings and the footnote vector live in the list set (borrowed, valid
 * until emb_listset_free()). */
typedef struct emb_terms {
  const char *from;  /* YYYY-MM-DD, first day in force; never NULL */
  const char *until; /* YYYY-MM-DD, last day in force, or NULL (open) */
  const char *license_requirement; /* or NULL */
  const char *license_policy;      /* or NULL */
  const char *const *footnotes;    /* in force then; none when n is 0 */
  size_t n_footnotes;
  const char *citation; /* where the record's wording comes from */
  const char *remarks;  /* or NULL; "UNVERIFIED: ..." when not verified */
  int verified;         /* 0 when the wording is marked unverified */
} emb_terms;

typedef struct emb_entity {
  const char *id;        /* stable id, "LIST:key"; never NULL */
  const char *list;      /* short list code: EL, MEU, UVL, DPL, SDN, ... */
  const char *source;    /* full name of the source list */
  const char *source_id; /* the source's own number, or NULL */
  emb_entity_type type;
  const emb_name *names; /* names[0] is the primary name; n_names >= 1 */
  size_t n_names;
  const char *const *countries; /* ISO 3166-1 alpha-2, upper case */
  size_t n_countries;
  const char *const *addresses;
  size_t n_addresses;
  const char *const *programs;
  size_t n_programs;
  const char *const *idents; /* identifiers as "TYPE NUMBER (COUNTRY)" */
  size_t n_idents;
  const char *const *footnotes; /* e.g. Entity List footnote "1" */
  size_t n_footnotes;
  const emb_relation *relations;
  size_t n_relations;
  const char *title;               /* person's title, or NULL */
  const char *start_date;          /* YYYY-MM-DD or NULL */
  const char *end_date;            /* YYYY-MM-DD or NULL */
  const char *license_requirement; /* NULL if the list has none */
  const char *license_policy;
  const char *citation; /* Federal Register or other citation, or NULL */
  const char *remarks;
  const char *source_url;
  size_t source_index; /* index of the source file (emb_listset_source) */
  /* Earlier licence terms, in date order, not overlapping; n_terms is 0
   * when the source gives no history. Owned by the list set. */
  const emb_terms *terms;
  size_t n_terms;
} emb_entity;

/* One loaded source file (or, for OFAC, one group of joined files). */
typedef struct emb_source_info {
  const char *path;        /* file path as given (OFAC: the primary file) */
  const char *format;      /* "csl-csv", "csl-json", "ofac-sdn-csv", ... */
  const char *name;        /* human name of the source */
  const char *sha256;      /* hex digest of the file bytes (primary file) */
  const char *list_date;   /* YYYY-MM-DD: date in the file, else file mtime */
  const char *date_origin; /* "content" or "mtime" */
  size_t rows;             /* data rows read */
  size_t entities;         /* entities loaded */
  size_t skipped;          /* bad rows reported and skipped */
} emb_source_info;

typedef struct emb_listset emb_listset;

/* Called for every problem found while loading: a bad row (line > 0) or a
 * whole file (line == 0). `severity` is "warning" for a skipped row or file
 * that is not a list candidate, "error" for a rejected file. Strings are
 * borrowed for the duration of the call. */
typedef void (*emb_diag_fn)(void *userdata, const char *severity,
                            const char *file, long line, const char *msg);

typedef struct emb_load_opts {
  emb_diag_fn diag; /* may be NULL: problems are then only counted */
  void *userdata;
  int strict; /* non-zero: any rejected file fails the whole load */
} emb_load_opts;

/* Loads every supported list file under each path (a file or a directory,
 * walked recursively), recognising formats by header or structure. Files
 * that are rejected are reported through opts->diag and skipped unless
 * opts->strict. Returns EMB_EEMPTY if nothing at all was loaded.
 * On success *out is set; caller frees with emb_listset_free(). */
EMB_API EMB_NODISCARD emb_status emb_listset_load(const char *const *paths,
                                                  size_t n_paths,
                                                  const emb_load_opts *opts,
                                                  emb_listset **out);

/* The directory of the built-in default data (data/lists of the install or
 * the source tree, or $EMBARGO_DATA_DIR/lists). Static storage. */
EMB_API const char *emb_default_lists_dir(void);

EMB_API void emb_listset_free(emb_listset *ls);

EMB_API size_t emb_listset_count(const emb_listset *ls);
/* Borrowed; valid until emb_listset_free. i < emb_listset_count(). */
EMB_API const emb_entity *emb_listset_entity(const emb_listset *ls, size_t i);
/* Looks an entity up by id; NULL if none. Borrowed. */
EMB_API const emb_entity *emb_listset_find(const emb_listset *ls,
                                           const char *id);

EMB_API size_t emb_listset_source_count(const emb_listset *ls);
EMB_API const emb_source_info *emb_listset_source(const emb_listset *ls,
                                                  size_t i);

/* The history record of e in force on date (YYYY-MM-DD), or NULL when
 * none covers it (or date is NULL): then e's top-level terms apply.
 * Borrowed from the list set. */
EMB_API const emb_terms *emb_entity_terms_at(const emb_entity *e,
                                             const char *date);

EMB_API const char *emb_entity_type_name(emb_entity_type t);
/* Parses "organization", "person", "vessel", "aircraft" (also "entity",
 * "individual"); returns EMB_EINVAL otherwise. */
EMB_API EMB_NODISCARD emb_status emb_entity_type_parse(const char *s,
                                                       emb_entity_type *out);

#endif
