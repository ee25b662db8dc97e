/* embargo rescreen: the customers whose screening results change between
 * two versions of the lists, screened only against what changed. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/batch/rows.h"
#include "cli.h"
#include "embargo/diff.h"

enum {
  O_COUNTRY_COLUMN,
  O_FORMAT,
  O_HELP,
  O_ID_COLUMN,
  O_INPUT,
  O_INPUT_FORMAT,
  O_LIST,
  O_NAME_COLUMN,
  O_NEW,
  O_OLD,
  O_OUTPUT,
  O_STRICT,
  O_THRESHOLD,
  O_VERBOSE
};

static const cli_opt opts[] = {
    {"country-column", 1, O_COUNTRY_COLUMN},
    {"format", 1, O_FORMAT},
    {"help", 0, O_HELP},
    {"id-column", 1, O_ID_COLUMN},
    {"input", 1, O_INPUT},
    {"input-format", 1, O_INPUT_FORMAT},
    {"list", 1, O_LIST},
    {"name-column", 1, O_NAME_COLUMN},
    {"new", 1, O_NEW},
    {"old", 1, O_OLD},
    {"output", 1, O_OUTPUT},
    {"strict", 0, O_STRICT},
    {"threshold", 1, O_THRESHOLD},
    {"verbose", 0, O_VERBOSE},
};

static void help(void) {
  printf(
      "usage: embargo rescreen --input CUSTOMERS --old DIR --new DIR "
      "[options]\n\n"
      "Prints only the customers whose screening results change between "
      "two\nversions of the lists, with the change: new_hit, hit_gone, "
      "score_changed\n(a match in both, another score) or hit_changed (a "
      "match in both on an\nentry that changed). Each customer is screened "
      "only against the entities\nadded, removed or changed (see 'embargo "
      "lists diff'), scored with each\nversion's full token weights; results "
      "on unchanged entities are kept\n(docs/lists-diff.md).\n\n"
      "options:\n"
      "  --input FILE|-        customers, CSV with a header row or JSONL\n"
      "  --input-format F      csv or jsonl (default: from the extension, "
      "else csv)\n"
      "  --old DIR|FILE        the lists before (loaded as --data)\n"
      "  --new DIR|FILE        the lists after\n"
      "  --name-column COL     the name column or key (default name)\n"
      "  --country-column COL  only entities linked to the row's country\n"
      "  --id-column COL       the id column (default: the row number)\n"
      "  --list CODE,...       only these lists\n"
      "  --threshold S         score from which a hit is a match (default "
      "%.2f)\n"
      "  --format F            jsonl (default), csv or table\n"
      "  --output FILE         write here (default stdout); written to "
      "FILE.tmp\n"
      "                        and renamed when complete\n"
      "  --strict              fail if any list file is rejected\n"
      "  --verbose             print every bad row skipped while loading\n\n"
      "exit codes: 0 no result changes, 1 some, 2 usage error, 3 data error "
      "(lists\nnot loaded, or bad input rows, reported on stderr with their "
      "line)\n",
      EMB_DEFAULT_THRESHOLD);
}

#define RESCREEN_LIMIT 100

typedef struct out_ctx {
  FILE *f;
  const char *format;
  double threshold;
} out_ctx;

static void csv_field(FILE *f, const char *s, size_t n) {
  int quote = 0;
  for (size_t i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if (!quote) {
    fwrite(s, 1, n, f);
    return;
  }
  fputc('"', f);
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"') fputc('"', f);
    fputc(s[i], f);
  }
  fputc('"', f);
}

static const char *entity_change_name(emb_change_kind k) {
  return k == EMB_CHANGE_ADDED     ? "added"
         : k == EMB_CHANGE_REMOVED ? "removed"
                                   : "changed";
}

static json_t *score_json(const emb_hit *h) {
  return h ? emb__json_num(h->score) : json_null();
}

static json_t *change_json(const emb__row *row, const emb_rescreen_change *c) {
  const emb_entity_change *ec = c->entity_change;
  const emb_entity *e = ec->new_entity ? ec->new_entity : ec->old_entity;
  json_t *j = json_object();
  if (row->id_is_number)
    json_object_set_new(j, "id", json_integer(row->row));
  else
    json_object_set_new(j, "id", json_stringn(row->id, row->id_len));
  json_object_set_new(j, "row", json_integer(row->row));
  json_t *name = json_stringn(row->name, row->name_len);
  json_object_set_new(j, "name", name ? name : json_null());
  json_object_set_new(j, "change",
                      json_string(emb_rescreen_kind_name(c->kind)));
  json_object_set_new(j, "entity_id", json_string(e->id));
  json_object_set_new(j, "list", json_string(e->list ? e->list : "-"));
  json_object_set_new(j, "entity_name", json_string(e->names[0].text));
  json_object_set_new(j, "old_score", score_json(c->old_hit));
  json_object_set_new(j, "new_score", score_json(c->new_hit));
  json_object_set_new(j, "old_match",
                      json_boolean(c->old_hit && c->old_hit->match));
  json_object_set_new(j, "new_match",
                      json_boolean(c->new_hit && c->new_hit->match));
  json_object_set_new(
      j, "old_matched_name",
      c->old_hit ? json_string(c->old_hit->matched_name) : json_null());
  json_object_set_new(
      j, "new_matched_name",
      c->new_hit ? json_string(c->new_hit->matched_name) : json_null());
  json_object_set_new(j, "entity_change",
                      json_string(entity_change_name(ec->kind)));
  json_t *fields = json_array();
  for (int f = 0; f < EMB_DIFF_NFIELDS; f++)
    if (ec->fields & (1u << f))
      json_array_append_new(
          fields, json_string(emb_diff_field_name((emb_diff_field)f)));
  json_object_set_new(j, "entity_fields", fields);
  return j;
}

static void print_change(const out_ctx *o, const emb__row *row,
                         const emb_rescreen_change *c) {
  const emb_entity_change *ec = c->entity_change;
  const emb_entity *e = ec->new_entity ? ec->new_entity : ec->old_entity;
  if (strcmp(o->format, "jsonl") == 0) {
    cli_emit_json(o->f, change_json(row, c), 0);
    return;
  }
  char os[16] = "", ns[16] = "";
  if (c->old_hit) snprintf(os, sizeof(os), "%.4f", c->old_hit->score);
  if (c->new_hit) snprintf(ns, sizeof(ns), "%.4f", c->new_hit->score);
  if (strcmp(o->format, "table") == 0) {
    fprintf(o->f, "%-8.*s %-13s %-6s %-6s %-7s %-30.*s %s\n",
            (int)(row->id_len > 8 ? 8 : row->id_len), row->id,
            emb_rescreen_kind_name(c->kind), os[0] ? os : "-", ns[0] ? ns : "-",
            e->list ? e->list : "-",
            (int)(row->name_len > 30 ? 30 : row->name_len), row->name, e->id);
    return;
  }
  csv_field(o->f, row->id, row->id_len);
  fprintf(o->f, ",%lld,", row->row);
  csv_field(o->f, row->name, row->name_len);
  fprintf(o->f, ",%s,", emb_rescreen_kind_name(c->kind));
  csv_field(o->f, e->id, strlen(e->id));
  fputc(',', o->f);
  csv_field(o->f, e->list ? e->list : "-", strlen(e->list ? e->list : "-"));
  fprintf(o->f, ",%s,%s,%s,%s,%s\n", entity_change_name(ec->kind), os, ns,
          c->old_hit && c->old_hit->match ? "true" : "false",
          c->new_hit && c->new_hit->match ? "true" : "false");
}

static void print_header(const out_ctx *o) {
  if (strcmp(o->format, "csv") == 0)
    fprintf(o->f,
            "id,row,name,change,entity_id,list,entity_change,old_score,"
            "new_score,old_match,new_match\n");
  else if (strcmp(o->format, "table") == 0)
    fprintf(o->f, "%-8s %-13s %-6s %-6s %-7s %-30s %s\n", "ID", "CHANGE", "OLD",
            "NEW", "LIST", "NAME", "ENTITY");
}

typedef struct run_stats {
  size_t rows, bad, changed_rows, changes;
} run_stats;

static int run_rows(emb__rows *rows, const emb_rescreen *rs,
                    const emb_screen_opts *base, const out_ctx *o,
                    run_stats *s) {
  emb__row row;
  int rc;
  while ((rc = emb__rows_next(rows, &row)) == 1) {
    s->rows++;
    if (row.err != EMB_OK) {
      s->bad++;
      fprintf(stderr, "embargo rescreen: line %lld: %s\n", row.line,
              row.err_msg ? row.err_msg : emb_strerror(row.err));
      continue;
    }
    emb_screen_opts so = *base;
    if (row.country && *row.country) so.country = row.country;
    emb_rescreen_result *res = NULL;
    emb_status st = emb_rescreen_name(rs, row.name, row.name_len, &so, &res);
    if (st != EMB_OK) {
      s->bad++;
      fprintf(stderr,
              "embargo rescreen: line %lld: the name cannot be "
              "screened: %s\n",
              row.line, emb_strerror(st));
      continue;
    }
    size_t n = emb_rescreen_result_count(res);
    if (n) s->changed_rows++;
    s->changes += n;
    for (size_t i = 0; i < n; i++)
      print_change(o, &row, emb_rescreen_result_change(res, i));
    emb_rescreen_result_free(res);
  }
  return rc;
}

typedef struct setup {
  cli_loaded lo, ln;
  emb_diff *d;
  emb_rescreen *rs;
  char *lists_buf;
  const char *codes[32];
  FILE *in, *out;
  char *tmp_path;
  emb__rows *rows;
} setup;

static void teardown(setup *s) {
  emb__rows_free(s->rows);
  if (s->in && s->in != stdin) fclose(s->in);
  if (s->out && s->out != stdout) fclose(s->out);
  if (s->tmp_path) remove(s->tmp_path);
  free(s->tmp_path);
  emb_rescreen_free(s->rs);
  emb_diff_free(s->d);
  cli_unload(&s->ln);
  cli_unload(&s->lo);
  free(s->lists_buf);
}

static int load_one(const char *path, const cli_args *a, cli_loaded *l) {
  cli_args one = *a;
  one.multi_data[0] = path;
  one.n_data = 1;
  return cli_load(&one, a->values[O_STRICT] != NULL,
                  a->values[O_VERBOSE] != NULL, 1, l);
}

static int check_args(const cli_args *a, out_ctx *o, emb_screen_opts *so,
                      emb__rows_opts *ro, setup *s) {
  if (!a->values[O_INPUT] || !a->values[O_OLD] || !a->values[O_NEW]) {
    fprintf(stderr,
            "embargo rescreen: --input, --old and --new are needed "
            "(see --help)\n");
    return CLI_USAGE;
  }
  if (a->n_pos) {
    fprintf(stderr, "embargo rescreen: unexpected argument '%s'\n", a->pos[0]);
    return CLI_USAGE;
  }
  o->format = a->values[O_FORMAT] ? a->values[O_FORMAT] : "jsonl";
  if (strcmp(o->format, "jsonl") && strcmp(o->format, "csv") &&
      strcmp(o->format, "table")) {
    fprintf(stderr, "embargo rescreen: --format must be jsonl, csv or table\n");
    return CLI_USAGE;
  }
  emb_screen_opts_init(so);
  /* Up to RESCREEN_LIMIT hits per version on changed entities: a name can
   * match dozens of entries of one family (CSSC's research institutes). */
  so->limit = RESCREEN_LIMIT;
  o->threshold = EMB_DEFAULT_THRESHOLD;
  if (a->values[O_THRESHOLD]) {
    if (cli_parse_double(a->values[O_THRESHOLD], 0.01, 1, &o->threshold)) {
      fprintf(stderr, "embargo rescreen: --threshold must be 0.01 to 1\n");
      return CLI_USAGE;
    }
    so->threshold = o->threshold;
  }
  int fmt = -1;
  if (a->values[O_INPUT_FORMAT]) {
    fmt = emb__rows_format_parse(a->values[O_INPUT_FORMAT]);
    if (fmt < 0) {
      fprintf(stderr,
              "embargo rescreen: --input-format must be csv or "
              "jsonl\n");
      return CLI_USAGE;
    }
  } else {
    fmt = emb__rows_format_of_path(a->values[O_INPUT]);
    if (fmt < 0) fmt = EMB__ROWS_CSV;
  }
  memset(ro, 0, sizeof(*ro));
  ro->format = (emb__rows_format)fmt;
  ro->name_column = a->values[O_NAME_COLUMN];
  ro->country_column = a->values[O_COUNTRY_COLUMN];
  ro->id_column = a->values[O_ID_COLUMN];
  if (a->values[O_LIST]) {
    s->lists_buf = strdup(a->values[O_LIST]);
    if (s->lists_buf == NULL) return CLI_DATA;
    char *save = NULL;
    for (char *t = strtok_r(s->lists_buf, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
      while (*t == ' ') t++;
      if (*t == '\0') continue;
      if (so->n_lists == 32) {
        fprintf(stderr, "embargo rescreen: at most 32 list codes\n");
        return CLI_USAGE;
      }
      s->codes[so->n_lists++] = t;
    }
    so->lists = s->codes;
  }
  return CLI_OK;
}

static int open_files(const cli_args *a, const emb__rows_opts *ro, setup *s) {
  const char *in = a->values[O_INPUT];
  s->in = strcmp(in, "-") == 0 ? stdin : fopen(in, "rb");
  if (s->in == NULL) {
    fprintf(stderr, "embargo rescreen: cannot open %s\n", in);
    return CLI_DATA;
  }
  char err[256] = "";
  emb_status st = emb__rows_open(s->in, ro, err, sizeof(err), &s->rows);
  if (st != EMB_OK) {
    fprintf(stderr, "embargo rescreen: %s: %s\n", in,
            err[0] ? err : emb_strerror(st));
    return CLI_DATA;
  }
  const char *out = a->values[O_OUTPUT];
  if (out == NULL || strcmp(out, "-") == 0) {
    s->out = stdout;
    return CLI_OK;
  }
  size_t n = strlen(out) + 5;
  s->tmp_path = malloc(n);
  if (s->tmp_path == NULL) return CLI_DATA;
  snprintf(s->tmp_path, n, "%s.tmp", out);
  s->out = fopen(s->tmp_path, "wb");
  if (s->out == NULL) {
    fprintf(stderr, "embargo rescreen: cannot write %s\n", s->tmp_path);
    return CLI_DATA;
  }
  return CLI_OK;
}

/* Closes the output and moves it into place; CLI_OK or CLI_DATA. */
static int finish_output(const cli_args *a, setup *s) {
  if (s->out == stdout) return fflush(stdout) == 0 ? CLI_OK : CLI_DATA;
  int bad = ferror(s->out);
  bad |= fclose(s->out) != 0;
  s->out = NULL;
  if (bad || rename(s->tmp_path, a->values[O_OUTPUT]) != 0) {
    fprintf(stderr, "embargo rescreen: cannot write %s\n", a->values[O_OUTPUT]);
    return CLI_DATA;
  }
  free(s->tmp_path);
  s->tmp_path = NULL;
  return CLI_OK;
}

int cmd_rescreen(int argc, char **argv) {
  cli_args a;
  int rc = cli_parse("rescreen", opts, sizeof(opts) / sizeof(opts[0]), argc,
                     argv, &a);
  if (rc != CLI_OK) return rc;
  if (a.values[O_HELP]) {
    help();
    return CLI_OK;
  }
  setup s;
  memset(&s, 0, sizeof(s));
  out_ctx o = {0};
  emb_screen_opts so;
  emb__rows_opts ro;
  rc = check_args(&a, &o, &so, &ro, &s);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (rc == CLI_OK) rc = load_one(a.values[O_OLD], &a, &s.lo);
  if (rc == CLI_OK) rc = load_one(a.values[O_NEW], &a, &s.ln);
  emb_diff_opts dopts = {.lists = so.lists, .n_lists = so.n_lists};
  emb_status st = EMB_OK;
  if (rc == CLI_OK) st = emb_diff_compute(s.lo.ls, s.ln.ls, &dopts, &s.d);
  if (rc == CLI_OK && st == EMB_OK)
    st = emb_rescreen_new(s.d, s.lo.ix, s.ln.ix, &s.rs);
  if (st != EMB_OK) {
    fprintf(stderr, "embargo rescreen: %s\n", emb_strerror(st));
    rc = CLI_DATA;
  }
  if (rc == CLI_OK) rc = open_files(&a, &ro, &s);
  run_stats stats = {0};
  if (rc == CLI_OK) {
    o.f = s.out;
    print_header(&o);
    if (run_rows(s.rows, s.rs, &so, &o, &stats) < 0) {
      fprintf(stderr, "embargo rescreen: error reading %s\n",
              a.values[O_INPUT]);
      rc = CLI_DATA;
    }
  }
  if (rc == CLI_OK) rc = finish_output(&a, &s);
  if (rc == CLI_OK) {
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            "embargo rescreen: %zu rows, %zu with changed results (%zu "
            "changes), %zu bad; %zu entities changed, %zu+%zu names "
            "screened; %.2f s\n",
            stats.rows, stats.changed_rows, stats.changes, stats.bad,
            emb_diff_change_count(s.d), emb_rescreen_old_variants(s.rs),
            emb_rescreen_new_variants(s.rs), secs);
    rc = stats.bad ? CLI_DATA : stats.changes ? CLI_HIT : CLI_OK;
  }
  teardown(&s);
  return rc;
}
