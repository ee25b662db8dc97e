/* Internal: the list set's storage, shared by listset.c and load.c. */
#ifndef EMB_LISTS_LISTSET_INTERNAL_H
#define EMB_LISTS_LISTSET_INTERNAL_H

#include "../../common/arena.h"
#include "embargo/lists.h"
#include "source.h"

struct emb_listset {
  emb__arena arena;
  emb_entity **ents; /* each entity in the arena; vectors malloc'd */
  size_t n_ents;
  emb_source_info *sources;
  size_t n_sources;
  /* id -> entity, open addressing, built after loading. */
  const emb_entity **by_id;
  size_t by_id_cap;
};

struct emb__src {
  emb_listset *ls;
  size_t first_entity; /* index of this source's first entity in ls */
  emb_source_info info;
  const emb_load_opts *opts;
  const char *diag_path; /* path used in messages (may be a side file) */
  size_t reported;       /* bad rows printed so far */
  int warned_encoding;   /* the "not UTF-8" warning was given */
  char fail[512];        /* why the file was rejected, if it was */
};

/* Starts a source on ls for path (copied). */
emb_status emb__src_begin(emb__src *s, emb_listset *ls, const char *path,
                          const char *format, const emb_load_opts *opts);
/* Rolls back every entity the source added. */
void emb__src_rollback(emb__src *s);
/* Finishes a good source: derives missing ids, records the source info. */
emb_status emb__src_commit(emb__src *s);
/* Builds the id lookup table once all sources are in. */
emb_status emb__listset_index_ids(emb_listset *ls);

#endif
