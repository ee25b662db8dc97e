/* embargo lists diff: the entities added, removed and changed between two
 * versions of the lists. */
#include <stdlib.h>
#include <string.h>

#include "../lib/diff/diff_internal.h"
#include "cli.h"
#include "embargo/diff.h"

enum { O_FORMAT, O_HELP, O_LIST, O_STRICT, O_VERBOSE };

static const cli_opt opts[] = {
    {"format", 1, O_FORMAT}, {"help", 0, O_HELP},       {"list", 1, O_LIST},
    {"strict", 0, O_STRICT}, {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo lists diff [options] OLD NEW\n\n"
      "Compares two versions of the lists (each a file or a directory, "
      "loaded\nas --data is) and prints the entities added, removed and "
      "changed, by\nlist, with the fields that changed: names and aliases, "
      "type, countries,\naddresses, programmes, ids, footnotes, title, "
      "dates, licence\nrequirement and policy, citation, remarks.\n\n"
      "Entities are paired by the source's own number where it gives one\n"
      "(OFAC's entity number), else by list and primary name; a field that "
      "no\nentity of a list carries in one version is reported once as not\n"
      "compared (docs/lists-diff.md).\n\n"
      "options:\n"
      "  --format F          table (default), jsonl (one object per change "
      "and a\n"
      "                      final summary object) or json (one document)\n"
      "  --list CODE,...     only these lists (EL, MEU, SDN, ...)\n"
      "  --strict            fail if any list file is rejected\n"
      "  --verbose           print every bad row skipped while loading\n\n"
      "exit codes: 0 no differences, 1 differences, 2 usage error, 3 data "
      "error\n");
}

static int load_one(const char *path, const cli_args *a, cli_loaded *l) {
  cli_args one = *a;
  one.multi_data[0] = path;
  one.n_data = 1;
  return cli_load(&one, a->values[O_STRICT] != NULL,
                  a->values[O_VERBOSE] != NULL, 0, l);
}

static void print_table(const emb_diff *d, const char *old_path,
                        const char *new_path, const cli_loaded *lo,
                        const cli_loaded *ln) {
  printf("OLD %s (%zu entities)\nNEW %s (%zu entities)\n", old_path,
         emb_listset_count(lo->ls), new_path, emb_listset_count(ln->ls));
  if (emb_diff_absent_count(d)) {
    printf("\nnot compared:\n");
    for (size_t i = 0; i < emb_diff_absent_count(d); i++) {
      const emb_diff_absent *x = emb_diff_absent_at(d, i);
      printf("  %-6s %-20s %s\n", x->list, emb_diff_field_name(x->field),
             emb__diff_absent_reason(x));
    }
  }
  size_t next = 0, n = emb_diff_change_count(d);
  for (size_t li = 0; li < emb_diff_list_count(d); li++) {
    const emb_diff_count *c = emb_diff_list_at(d, li);
    printf("\n%s: %zu added, %zu removed, %zu changed, %zu unchanged\n",
           c->list, c->added, c->removed, c->changed, c->unchanged);
    /* Changes are sorted by list code, as the counts are. */
    for (; next < n; next++) {
      const emb_entity_change *ch = emb_diff_change(d, next);
      const emb_entity *e = ch->new_entity ? ch->new_entity : ch->old_entity;
      const char *list = e->list ? e->list : "-";
      if (strcmp(list, c->list) != 0) break;
      char mark = ch->kind == EMB_CHANGE_ADDED     ? '+'
                  : ch->kind == EMB_CHANGE_REMOVED ? '-'
                                                   : '~';
      printf("  %c %-50.50s %s", mark, e->names[0].text, e->id);
      if (ch->kind == EMB_CHANGE_CHANGED) {
        printf("  [");
        int first = 1;
        for (int f = 0; f < EMB_DIFF_NFIELDS; f++)
          if (ch->fields & (1u << f)) {
            printf("%s%s", first ? "" : ", ",
                   emb_diff_field_name((emb_diff_field)f));
            first = 0;
          }
        printf("]");
      }
      printf("\n");
    }
  }
}

static void print_json(const emb_diff *d, int lines) {
  json_t *all = lines ? NULL : json_array();
  for (size_t i = 0; i < emb_diff_change_count(d); i++) {
    json_t *j = emb__diff_change_json(d, emb_diff_change(d, i));
    if (j == NULL) continue;
    if (lines)
      cli_emit_json(stdout, j, 0);
    else
      json_array_append_new(all, j);
  }
  json_t *s = emb__diff_summary_json(d);
  if (lines) {
    cli_emit_json(stdout, s, 0);
    return;
  }
  json_object_set_new(s, "changes", all);
  cli_emit_json(stdout, s, 1);
}

/* Splits a --list value into codes (pointers into buf). */
static int split_lists(char *buf, const char **codes, size_t cap, size_t *n) {
  char *save = NULL;
  *n = 0;
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    while (*t == ' ') t++;
    if (*t == '\0') continue;
    if (*n == cap) return -1;
    codes[(*n)++] = t;
  }
  return 0;
}

int cmd_lists_diff(int argc, char **argv) {
  cli_args a;
  int rc = cli_parse("lists diff", opts, sizeof(opts) / sizeof(opts[0]), argc,
                     argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  if (a.n_pos != 2) {
    fprintf(stderr,
            "embargo lists diff: give OLD and NEW, each a list file or "
            "directory (see --help)\n");
    return CLI_USAGE;
  }
  const char *format = a.values[O_FORMAT] ? a.values[O_FORMAT] : "table";
  if (strcmp(format, "table") && strcmp(format, "jsonl") &&
      strcmp(format, "json")) {
    fprintf(stderr,
            "embargo lists diff: --format must be table, jsonl or json\n");
    return CLI_USAGE;
  }
  const char *codes[32];
  emb_diff_opts dopts = {0};
  char *lists_buf = NULL;
  if (a.values[O_LIST]) {
    lists_buf = strdup(a.values[O_LIST]);
    if (lists_buf == NULL) return CLI_DATA;
    if (split_lists(lists_buf, codes, 32, &dopts.n_lists)) {
      fprintf(stderr, "embargo lists diff: at most 32 list codes\n");
      free(lists_buf);
      return CLI_USAGE;
    }
    dopts.lists = codes;
  }
  cli_loaded lo, ln;
  rc = load_one(a.pos[0], &a, &lo);
  if (rc != CLI_OK) {
    free(lists_buf);
    return rc;
  }
  rc = load_one(a.pos[1], &a, &ln);
  if (rc != CLI_OK) {
    cli_unload(&lo);
    free(lists_buf);
    return rc;
  }
  emb_diff *d = NULL;
  emb_status st = emb_diff_compute(lo.ls, ln.ls, &dopts, &d);
  if (st != EMB_OK) {
    fprintf(stderr, "embargo lists diff: %s\n", emb_strerror(st));
    rc = CLI_DATA;
  } else {
    if (strcmp(format, "table") == 0)
      print_table(d, a.pos[0], a.pos[1], &lo, &ln);
    else
      print_json(d, strcmp(format, "jsonl") == 0);
    rc =
        emb_diff_change_count(d) || emb_diff_absent_count(d) ? CLI_HIT : CLI_OK;
  }
  emb_diff_free(d);
  cli_unload(&ln);
  cli_unload(&lo);
  free(lists_buf);
  return rc;
}
