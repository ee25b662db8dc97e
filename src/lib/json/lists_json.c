/* The JSON shape of a list set's sources and counts (shapes.h). */
#include <string.h>

#include "shapes.h"

json_t *emb__lists_json(const emb_listset *ls, size_t rejected_files) {
  json_t *j = json_object(), *srcs = json_array(), *lists = json_object();
  for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
    const emb_source_info *s = emb_listset_source(ls, i);
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(s->path));
    json_object_set_new(o, "format", json_string(s->format));
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "entities", json_integer((json_int_t)s->entities));
    json_object_set_new(o, "rows", json_integer((json_int_t)s->rows));
    json_object_set_new(o, "skipped", json_integer((json_int_t)s->skipped));
    json_object_set_new(o, "sha256", json_string(s->sha256));
    json_object_set_new(o, "date", json_string(s->list_date));
    json_object_set_new(o, "date_origin", json_string(s->date_origin));
    json_array_append_new(srcs, o);
  }
  /* Entity counts per list code, in first-seen order. */
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const char *code = emb_listset_entity(ls, i)->list;
    json_t *n = json_object_get(lists, code);
    if (n)
      json_integer_set(n, json_integer_value(n) + 1);
    else
      json_object_set_new(lists, code, json_integer(1));
  }
  json_object_set_new(j, "sources", srcs);
  json_object_set_new(j, "lists", lists);
  json_object_set_new(j, "entities",
                      json_integer((json_int_t)emb_listset_count(ls)));
  json_object_set_new(j, "rejected_files",
                      json_integer((json_int_t)rejected_files));
  return j;
}
