/* The load driver: walks paths, recognises each file's format by its
 * content, runs the loader, and accepts or rejects the file as a whole.
 *
 * DESIGN: every file is read whole into memory (lists are tens of MB at
 * most; EMB__MAX_FILE bounds it) and probed by content: XML root, JSON
 * shape, CSV header, or, for OFAC's headerless files, column structure. A
 * loaded file whose rows are mostly bad, or that yields no entity, is
 * rejected and rolled back, so nothing of it remains. OFAC files are joined
 * per directory and group (sdn.csv with add/alt/sdn_comments; cons_prim.csv
 * with cons_add/cons_alt/cons_comments): the structure says which part a
 * file is, the cons_ prefix which group.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/parser.h>
#include <pthread.h>

#include "../../common/sha256.h"
#include "../../common/vec.h"
#include "../../common/walk.h"
#include "embargo/rules.h"
#include "listset_internal.h"

static const emb__format *const formats[] = {
    &emb__fmt_un_xml, &emb__fmt_csl_json, &emb__fmt_jsonl, &emb__fmt_csl_csv,
    &emb__fmt_dpl};

#define PROBE_BYTES ((size_t)64 * 1024)

typedef struct file_buf {
  char *path;
  char *data;
  size_t len;
  time_t mtime;
} file_buf;

typedef struct ofac_group {
  char *key; /* directory + "/sdn" or "/cons" */
  int consolidated;
  file_buf parts[5];
} ofac_group;

typedef struct loader {
  emb_listset *ls;
  const emb_load_opts *opts;
  ofac_group *groups;
  size_t n_groups;
  emb__walk walk; /* files and directories visited, by identity */
  int failed;     /* a file was rejected */
  emb_status first_error;
} loader;

static void diag(loader *L, const char *sev, const char *path, long line,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void diag(loader *L, const char *sev, const char *path, long line,
                 const char *fmt, ...) {
  if (L->opts == NULL || L->opts->diag == NULL) return;
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  L->opts->diag(L->opts->userdata, sev, path, line, msg);
}

static void reject(loader *L, const char *path, emb_status st,
                   const char *why) {
  L->failed = 1;
  if (L->first_error == EMB_OK) L->first_error = st;
  diag(L, "error", path, 0, "%s%s%s; nothing of this file was loaded",
       emb_strerror(st), why && *why ? ": " : "", why ? why : "");
}

/* Reads path into fb: the whole file, or only its first `limit` bytes
 * (then *complete says whether that was all of it). A whole file over
 * EMB__MAX_FILE is EMB_ETOOBIG; a head is read whatever the size, so a
 * large file that is no list costs only the probe. */
static emb_status read_file(const char *path, file_buf *fb, size_t limit,
                            int *complete) {
  memset(fb, 0, sizeof(*fb));
  FILE *f = fopen(path, "rb");
  if (f == NULL) return EMB_EIO;
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    fclose(f);
    return EMB_EIO;
  }
  size_t size = (size_t)st.st_size;
  *complete = size <= limit;
  if (*complete && size > EMB__MAX_FILE) {
    fclose(f);
    return EMB_ETOOBIG;
  }
  size_t cap = (*complete ? size : limit) + 1;
  char *data = malloc(cap);
  if (data == NULL) {
    fclose(f);
    return EMB_ENOMEM;
  }
  size_t n = fread(data, 1, cap - 1, f);
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(data);
    return EMB_EIO;
  }
  data[n] = '\0';
  fb->data = data;
  fb->len = n;
  fb->mtime = st.st_mtime;
  fb->path = strdup(path);
  if (fb->path == NULL) {
    free(data);
    return EMB_ENOMEM;
  }
  return EMB_OK;
}

static void free_buf(file_buf *fb) {
  free(fb->path);
  free(fb->data);
  memset(fb, 0, sizeof(*fb));
}

static void set_hash_and_date(emb__src *s, const file_buf *fb) {
  char hex[65];
  emb__sha256_hex(fb->data, fb->len, hex);
  s->info.sha256 = emb__arena_strndup(&s->ls->arena, hex, 64);
  if (s->info.list_date == NULL) {
    struct tm tm;
    char d[11];
    gmtime_r(&fb->mtime, &tm);
    strftime(d, sizeof(d), "%Y-%m-%d", &tm);
    s->info.list_date = emb__arena_strndup(&s->ls->arena, d, 10);
    s->info.date_origin = "mtime";
  }
}

/* Accepts or rejects a source whose loader returned st. */
static emb_status finish(loader *L, emb__src *s, emb_status st) {
  if (st == EMB_OK) {
    if (s->info.rows > 0 && s->info.skipped * 2 > s->info.rows) {
      st = EMB_EMOSTLYBAD;
      snprintf(s->fail, sizeof(s->fail), "%zu of %zu rows are bad",
               s->info.skipped, s->info.rows);
    } else if (emb__src_entity_count(s) == 0) {
      st = EMB_EEMPTY;
      snprintf(s->fail, sizeof(s->fail), "the file holds no entries");
    }
  }
  if (st != EMB_OK) {
    emb__src_rollback(s);
    if (st == EMB_ENOMEM) return st;
    reject(L, s->info.path, st, s->fail);
    return EMB_OK;
  }
  return emb__src_commit(s);
}

static emb_status load_single(loader *L, const emb__format *fmt, file_buf *fb) {
  emb__src s;
  emb_status st = emb__src_begin(&s, L->ls, fb->path, fmt->name, L->opts);
  if (st != EMB_OK) return st;
  st = fmt->load(&s, fb->data, fb->len);
  if (st == EMB_OK) set_hash_and_date(&s, fb);
  return finish(L, &s, st);
}

static int has_list_extension(const char *path) {
  const char *dot = strrchr(path, '.');
  if (dot == NULL) return 0;
  static const char *exts[] = {".csv",   ".tsv", ".txt",   ".json",
                               ".jsonl", ".xml", ".ndjson"};
  for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
    if (strcasecmp(dot, exts[i]) == 0) return 1;
  return 0;
}

static emb_status add_ofac_part(loader *L, emb__ofac_part part, file_buf *fb) {
  const char *slash = strrchr(fb->path, '/');
  const char *base = slash ? slash + 1 : fb->path;
  size_t dirlen = slash ? (size_t)(slash - fb->path) : 0;
  int cons = strncasecmp(base, "cons_", 5) == 0;
  char key[4096];
  snprintf(key, sizeof(key), "%.*s/%s", (int)dirlen, fb->path,
           cons ? "cons" : "sdn");
  ofac_group *g = NULL;
  for (size_t i = 0; i < L->n_groups; i++)
    if (strcmp(L->groups[i].key, key) == 0) g = &L->groups[i];
  if (g == NULL) {
    void *v = L->groups;
    g = emb__vec_push(&v, &L->n_groups, sizeof(*g));
    if (g == NULL) return EMB_ENOMEM;
    L->groups = v;
    memset(g, 0, sizeof(*g));
    g->key = strdup(key);
    if (g->key == NULL) {
      L->n_groups--;
      return EMB_ENOMEM;
    }
    g->consolidated = cons;
  }
  if (g->parts[part].path != NULL) {
    reject(L, fb->path, EMB_EFORMAT,
           "a second OFAC file of the same part in this directory");
    free_buf(fb);
    return EMB_OK;
  }
  g->parts[part] = *fb;
  memset(fb, 0, sizeof(*fb));
  return EMB_OK;
}

/* Reads the rest of a file whose head was recognised. */
static emb_status read_rest(const char *path, file_buf *fb, int complete) {
  if (complete) return EMB_OK;
  free_buf(fb);
  return read_file(path, fb, EMB__MAX_FILE, &complete);
}

static emb_status load_file(loader *L, const char *path, int explicit_file) {
  file_buf fb;
  int complete;
  /* The format is decided on the first PROBE_BYTES: only a recognised
   * file is read whole. */
  emb_status st = read_file(path, &fb, PROBE_BYTES, &complete);
  const emb__format *fmt = NULL;
  emb__ofac_part part = EMB__OFAC_NONE;
  if (st == EMB_OK) {
    for (size_t i = 0; fmt == NULL && i < sizeof(formats) / sizeof(formats[0]);
         i++)
      if (formats[i]->probe(fb.data, fb.len)) fmt = formats[i];
    if (fmt == NULL) part = emb__ofac_probe(fb.data, fb.len);
    if (fmt != NULL || part != EMB__OFAC_NONE)
      st = read_rest(path, &fb, complete);
  }
  if (st != EMB_OK) {
    if (st == EMB_ENOMEM) return st;
    reject(L, path, st, st == EMB_EIO ? strerror(errno) : NULL);
    return EMB_OK;
  }
  if (fmt != NULL) {
    st = load_single(L, fmt, &fb);
    free_buf(&fb);
    return st;
  }
  if (part != EMB__OFAC_NONE) return add_ofac_part(L, part, &fb);
  if (explicit_file || has_list_extension(path))
    reject(L, path, EMB_EFORMAT,
           "no list format matches its header or structure");
  free_buf(&fb);
  return EMB_OK;
}

static emb_status walk_file(void *ud, const char *path) {
  return load_file(ud, path, 0);
}

static void walk_error(void *ud, const char *path, int err) {
  reject(ud, path, EMB_EIO, strerror(err));
}

static emb_status load_ofac_groups(loader *L) {
  emb_status st = EMB_OK;
  for (size_t i = 0; i < L->n_groups && st == EMB_OK; i++) {
    ofac_group *g = &L->groups[i];
    file_buf *prim = &g->parts[EMB__OFAC_PRIMARY];
    if (prim->path == NULL) {
      for (int p = EMB__OFAC_ADDRESS; p <= EMB__OFAC_COMMENTS; p++)
        if (g->parts[p].path)
          reject(L, g->parts[p].path, EMB_EFORMAT,
                 "an OFAC side file without its primary file (sdn.csv or "
                 "cons_prim.csv) in the same directory");
      continue;
    }
    emb__src s;
    st = emb__src_begin(&s, L->ls, prim->path,
                        g->consolidated ? "ofac-cons-csv" : "ofac-sdn-csv",
                        L->opts);
    if (st != EMB_OK) break;
    emb__ofac_file files[5];
    for (int p = 0; p < 5; p++) {
      files[p].path = g->parts[p].path;
      files[p].data = g->parts[p].data;
      files[p].len = g->parts[p].len;
    }
    emb_status ls = emb__ofac_load(&s, files, g->consolidated);
    if (ls == EMB_OK) set_hash_and_date(&s, prim);
    st = finish(L, &s, ls);
  }
  return st;
}

static void free_groups(loader *L) {
  for (size_t i = 0; i < L->n_groups; i++) {
    for (int p = 0; p < 5; p++) free_buf(&L->groups[i].parts[p]);
    free(L->groups[i].key);
  }
  free(L->groups);
}

/* libxml2 must be initialised once, before threads may parse at once. */
static void init_xml(void) {
  xmlInitParser();
}

emb_status emb_listset_load(const char *const *paths, size_t n_paths,
                            const emb_load_opts *opts, emb_listset **out) {
  if (out == NULL || (paths == NULL && n_paths)) return EMB_EINVAL;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, init_xml);
  *out = NULL;
  emb_listset *ls = calloc(1, sizeof(*ls));
  if (ls == NULL) return EMB_ENOMEM;
  loader L = {.ls = ls, .opts = opts};
  emb_status st = EMB_OK;
  for (size_t i = 0; i < n_paths && st == EMB_OK; i++) {
    struct stat sb;
    if (stat(paths[i], &sb) != 0) {
      reject(&L, paths[i], EMB_EIO, strerror(errno));
      continue;
    }
    if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)) {
      /* A FIFO or device would block or never end. */
      reject(&L, paths[i], EMB_EIO, "not a regular file or directory");
      continue;
    }
    /* A path given twice, or inside a directory given too, loads once. */
    int fresh = emb__walk_first_visit(&L.walk, &sb);
    if (fresh < 0)
      st = EMB_ENOMEM;
    else if (fresh)
      st = S_ISDIR(sb.st_mode) ? emb__walk_dir(&L.walk, paths[i], NULL,
                                               walk_file, walk_error, &L)
                               : load_file(&L, paths[i], 1);
  }
  if (st == EMB_OK) st = load_ofac_groups(&L);
  free_groups(&L);
  emb__walk_free(&L.walk);
  if (st == EMB_OK && L.failed && opts && opts->strict) st = L.first_error;
  if (st == EMB_OK && ls->n_ents == 0)
    st = L.failed ? L.first_error : EMB_EEMPTY;
  if (st == EMB_OK) st = emb__listset_index_ids(ls);
  if (st != EMB_OK) {
    emb_listset_free(ls);
    return st;
  }
  *out = ls;
  return EMB_OK;
}

const char *emb_default_lists_dir(void) {
  static char buf[4096];
  const char *env = getenv("EMBARGO_DATA_DIR");
  if (env && *env) {
    snprintf(buf, sizeof(buf), "%s/lists", env);
    return buf;
  }
  return EMB_DATA_DIR "/lists";
}

const char *emb_default_rules_dir(void) {
  static char buf[4096];
  const char *env = getenv("EMBARGO_DATA_DIR");
  if (env && *env) {
    snprintf(buf, sizeof(buf), "%s/rules", env);
    return buf;
  }
  return EMB_DATA_DIR "/rules";
}
