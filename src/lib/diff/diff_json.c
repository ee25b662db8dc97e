/* The JSON of a list diff: one object per entity change and a summary
 * (docs/lists-diff.md). Shared by the CLI and anything else printing
 * diffs, so every face writes the same objects. */
#include <stdlib.h>
#include <string.h>

#include "../lists/source.h"
#include "diff_internal.h"

#define MAX_VALS (EMB__MAX_VALUES + 1)

static json_t *str_or_null(const char *s) {
  json_t *j = s ? json_string(s) : NULL;
  return j ? j : json_null();
}

/* Adds to arr the raw text of the values in a that are not in b (both
 * sorted by norm). */
static void only_in(json_t *arr, const emb__diff_value *a, size_t na,
                    const emb__diff_value *b, size_t nb) {
  size_t j = 0;
  for (size_t i = 0; i < na; i++) {
    while (j < nb && strcmp(b[j].norm, a[i].norm) < 0) j++;
    if (j < nb && strcmp(b[j].norm, a[i].norm) == 0) continue;
    json_array_append_new(arr, str_or_null(a[i].raw));
  }
}

/* The value of one field: {"added", "removed"} for sets, {"old", "new"}
 * for single values. o or n may be NULL (an added or removed entity). */
static json_t *field_json(emb__arena *ar, const emb_entity *o,
                          const emb_entity *n, emb_diff_field f,
                          emb__diff_value *vo, emb__diff_value *vn) {
  size_t no = o ? emb__diff_values(ar, o, f, vo, MAX_VALS) : 0;
  size_t nn = n ? emb__diff_values(ar, n, f, vn, MAX_VALS) : 0;
  json_t *j = json_object();
  if (emb_diff_field_is_set(f)) {
    json_t *add = json_array(), *rem = json_array();
    only_in(add, vn, nn, vo, no);
    only_in(rem, vo, no, vn, nn);
    json_object_set_new(j, "added", add);
    json_object_set_new(j, "removed", rem);
  } else {
    json_object_set_new(j, "old", str_or_null(no ? vo[0].raw : NULL));
    json_object_set_new(j, "new", str_or_null(nn ? vn[0].raw : NULL));
  }
  return j;
}

static const char *kind_name(emb_change_kind k) {
  switch (k) {
    case EMB_CHANGE_ADDED:
      return "added";
    case EMB_CHANGE_REMOVED:
      return "removed";
    case EMB_CHANGE_CHANGED:
      return "changed";
  }
  return "?";
}

json_t *emb__diff_change_json(const emb_diff *d, const emb_entity_change *c) {
  (void)d;
  const emb_entity *o = c->old_entity, *n = c->new_entity;
  const emb_entity *e = n ? n : o;
  emb__diff_value *vo = malloc(MAX_VALS * sizeof(*vo));
  emb__diff_value *vn = malloc(MAX_VALS * sizeof(*vn));
  json_t *j = json_object();
  if (vo == NULL || vn == NULL || j == NULL) {
    free(vo);
    free(vn);
    json_decref(j);
    return NULL;
  }
  json_object_set_new(j, "change", json_string(kind_name(c->kind)));
  json_object_set_new(j, "list", str_or_null(e->list));
  json_object_set_new(j, "entity_id", str_or_null(e->id));
  if (o && n && strcmp(o->id, n->id) != 0)
    json_object_set_new(j, "old_entity_id", str_or_null(o->id));
  json_object_set_new(j, "name", str_or_null(e->names[0].text));
  if (c->kind == EMB_CHANGE_CHANGED)
    json_object_set_new(j, "matched_by", json_string(c->by_id ? "id" : "name"));
  /* A changed entity lists its changed fields; an added or removed one
   * every field it carries, in the same shape. */
  json_t *fields = json_object();
  emb__arena ar = {0};
  for (int f = 0; f < EMB_DIFF_NFIELDS; f++) {
    if (f == EMB_DIFF_NAME && c->kind != EMB_CHANGE_CHANGED) continue;
    if (c->kind == EMB_CHANGE_CHANGED && !(c->fields & (1u << f))) continue;
    emb__diff_value one;
    if (c->kind != EMB_CHANGE_CHANGED &&
        emb__diff_values(&ar, e, (emb_diff_field)f, &one, 1) == 0)
      continue;
    json_object_set_new(fields, emb_diff_field_name((emb_diff_field)f),
                        field_json(&ar, o, n, (emb_diff_field)f, vo, vn));
  }
  emb__arena_free(&ar);
  json_object_set_new(j, "fields", fields);
  free(vo);
  free(vn);
  return j;
}

const char *emb__diff_absent_reason(const emb_diff_absent *a) {
  if (a->reduced && a->field == EMB_DIFF_COUNTRIES)
    return a->in_new ? "addresses reduced to country codes in NEW"
                     : "addresses reduced to country codes in OLD";
  if (a->reduced)
    return a->in_new ? "reduced to country codes in NEW"
                     : "reduced to country codes in OLD";
  return a->in_new ? "not present in NEW" : "not present in OLD";
}

json_t *emb__diff_summary_json(const emb_diff *d) {
  json_t *by = json_object();
  size_t ta = 0, tr = 0, tc = 0;
  for (size_t i = 0; i < emb_diff_list_count(d); i++) {
    const emb_diff_count *c = emb_diff_list_at(d, i);
    json_t *l = json_object();
    json_object_set_new(l, "added", json_integer((json_int_t)c->added));
    json_object_set_new(l, "removed", json_integer((json_int_t)c->removed));
    json_object_set_new(l, "changed", json_integer((json_int_t)c->changed));
    json_object_set_new(l, "unchanged", json_integer((json_int_t)c->unchanged));
    json_object_set_new(by, c->list, l);
    ta += c->added;
    tr += c->removed;
    tc += c->changed;
  }
  json_t *nc = json_array();
  for (size_t i = 0; i < emb_diff_absent_count(d); i++) {
    const emb_diff_absent *a = emb_diff_absent_at(d, i);
    json_t *x = json_object();
    json_object_set_new(x, "list", str_or_null(a->list));
    json_object_set_new(x, "field", json_string(emb_diff_field_name(a->field)));
    const char *why = emb__diff_absent_reason(a);
    json_object_set_new(x, "reason", json_string(why));
    json_array_append_new(nc, x);
  }
  json_t *total = json_object();
  json_object_set_new(total, "added", json_integer((json_int_t)ta));
  json_object_set_new(total, "removed", json_integer((json_int_t)tr));
  json_object_set_new(total, "changed", json_integer((json_int_t)tc));
  json_t *j = json_object();
  json_object_set_new(j, "summary", by);
  json_object_set_new(j, "total", total);
  json_object_set_new(j, "not_compared", nc);
  return j;
}
