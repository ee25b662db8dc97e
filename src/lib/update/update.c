/* `lists update`: fetch, validate, then replace, one group at a time.
 *
 * DESIGN: nothing in the destination changes until a whole group has been
 * downloaded into DEST/.incoming-XXXXXX/GROUP/ (a dot directory, which
 * the loaders' directory walk skips) and has loaded there, strictly, as
 * the format the sources file expects, with counts that did not collapse
 * against the manifest's. Only then is a journal written and the files
 * renamed into place, the replaced ones into DEST/.previous/. A group that
 * fails any check leaves its current files untouched; the other groups go
 * on, and the run reports every failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dirent.h>

#include "embargo/lists.h"
#include "update_internal.h"

typedef struct rfile {
  emb_update_file pub;
  const emb__upd_source *src;
  char reason[800];
  char sha[65], prev[65];
  char etag[EMB__UPD_MAX_HEADER], last_modified[EMB__UPD_MAX_HEADER];
  int changed; /* new bytes, to be moved in */
  int selected;
} rfile;

struct emb_update_report {
  emb__upd_sources src;
  rfile *files;
  size_t n;
  char error[800];
  char recovered[600];
};

typedef struct run {
  const emb_update_opts *o;
  emb_update_report *r;
  json_t *manifest;
  char *incoming; /* DEST/.incoming-XXXXXX */
  int manifest_dirty;
  /* A group's replacement failed and left its journal: no later group
   * may replace (its journal would overwrite that one). */
  int replace_failed;
} run;

void emb_update_opts_init(emb_update_opts *o) {
  memset(o, 0, sizeof(*o));
  o->dest = "lists";
  o->timeout = EMB_UPDATE_DEFAULT_TIMEOUT;
  o->max_size = EMB_UPDATE_DEFAULT_MAX_SIZE;
  o->min_ratio = EMB_UPDATE_DEFAULT_MIN_RATIO;
}

const char *emb_update_state_name(emb_update_state s) {
  switch (s) {
    case EMB_UPDATE_UPDATED:
      return "updated";
    case EMB_UPDATE_UNCHANGED:
      return "unchanged";
    case EMB_UPDATE_VALIDATED:
      return "validated";
    case EMB_UPDATE_FAILED:
      return "failed";
  }
  return "unknown";
}

const char *emb_update_default_sources(void) {
  static char buf[4096];
  const char *env = getenv("EMBARGO_DATA_DIR");
  if (env && *env) {
    snprintf(buf, sizeof(buf), "%s/sources.json", env);
    return buf;
  }
  return EMB_DATA_DIR "/sources.json";
}

static void logf_(run *R, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void logf_(run *R, const char *fmt, ...) {
  if (R->o->log == NULL) return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  R->o->log(R->o->userdata, msg);
}

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

/* The checks a file can fail, as static strings for the report. */
static const char *check_name(const char *c) {
  static const char *const names[] = {
      "url",    "http", "timeout", "size",  "download", "sha256",
      "format", "load", "rows",    "ratio", "group",    "replace"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strcmp(c, names[i]) == 0) return names[i];
  return "download";
}

static void fail_file(rfile *f, emb_status st, const char *check,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void fail_file(rfile *f, emb_status st, const char *check,
                      const char *fmt, ...) {
  f->pub.state = EMB_UPDATE_FAILED;
  f->pub.status = st;
  f->pub.check = check_name(check);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
  va_end(ap);
}

/* ---- the report ---- */

void emb_update_report_free(emb_update_report *r) {
  if (r == NULL) return;
  emb__upd_sources_free(&r->src);
  free(r->files);
  free(r);
}

size_t emb_update_report_count(const emb_update_report *r) {
  size_t n = 0;
  for (size_t i = 0; r && i < r->n; i++) n += r->files[i].selected;
  return n;
}

const emb_update_file *emb_update_report_file(const emb_update_report *r,
                                              size_t i) {
  for (size_t k = 0; r && k < r->n; k++)
    if (r->files[k].selected && i-- == 0) return &r->files[k].pub;
  return NULL;
}

size_t emb_update_report_failed(const emb_update_report *r) {
  size_t n = 0;
  for (size_t i = 0; r && i < r->n; i++)
    n += r->files[i].selected && r->files[i].pub.state == EMB_UPDATE_FAILED;
  return n;
}

const char *emb_update_report_error(const emb_update_report *r) {
  return r && r->error[0] ? r->error : NULL;
}

const char *emb_update_report_recovered(const emb_update_report *r) {
  return r && r->recovered[0] ? r->recovered : NULL;
}

/* Points the public strings at their storage once the array is final. */
static void finish_pub(emb_update_report *r) {
  for (size_t i = 0; i < r->n; i++) {
    rfile *f = &r->files[i];
    f->pub.reason = f->pub.state == EMB_UPDATE_FAILED ? f->reason : NULL;
    f->pub.sha256 = f->sha[0] ? f->sha : NULL;
    f->pub.previous_sha256 = f->prev[0] ? f->prev : NULL;
  }
}

/* ---- reading the sources and choosing ---- */

static emb_status load_sources(run *R, const char *path) {
  emb_update_report *r = R->r;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(r->error, sizeof(r->error), "%s: %s", path, strerror(errno));
    return EMB_EIO;
  }
  char *buf = malloc(EMB__UPD_MAX_CONFIG + 1);
  if (buf == NULL) {
    fclose(f);
    return EMB_ENOMEM;
  }
  size_t n = fread(buf, 1, EMB__UPD_MAX_CONFIG + 1, f);
  int err = ferror(f);
  fclose(f);
  char why[600];
  emb_status st;
  if (err) {
    snprintf(why, sizeof(why), "read error");
    st = EMB_EIO;
  } else {
    st = emb__upd_sources_parse(buf, n, &r->src, why, sizeof(why));
  }
  free(buf);
  if (st != EMB_OK) {
    snprintf(r->error, sizeof(r->error), "%s: %s", path, why);
    return st;
  }
  r->files = calloc(r->src.n, sizeof(*r->files));
  if (r->files == NULL) return EMB_ENOMEM;
  r->n = r->src.n;
  for (size_t i = 0; i < r->n; i++) {
    rfile *rf = &r->files[i];
    const emb__upd_source *s = &r->src.v[i];
    rf->src = s;
    rf->pub.id = s->id;
    rf->pub.group = s->group;
    rf->pub.file = s->file;
    rf->pub.url = s->url;
    rf->pub.format = s->format;
    rf->selected = !s->optional && R->o->n_only == 0;
  }
  /* --only names ids or groups; a whole group is always fetched. */
  for (size_t k = 0; k < R->o->n_only; k++) {
    const char *want = R->o->only[k];
    int found = 0;
    for (size_t i = 0; i < r->n; i++)
      if (strcmp(r->src.v[i].id, want) == 0 ||
          strcmp(r->src.v[i].group, want) == 0) {
        found = 1;
        for (size_t j = 0; j < r->n; j++)
          if (strcmp(r->src.v[j].group, r->src.v[i].group) == 0)
            r->files[j].selected = 1;
      }
    if (!found) {
      snprintf(r->error, sizeof(r->error),
               "--only: no source or group '%.200s' in %s", want, path);
      return EMB_EINVAL;
    }
  }
  return EMB_OK;
}

/* ---- the destination: lock and leftovers ---- */

static emb_status lock_dest(run *R, int *fd) {
  const char *dest = R->o->dest;
  if (mkdir(dest, 0755) != 0 && errno != EEXIST) {
    snprintf(R->r->error, sizeof(R->r->error), "%s: cannot create: %s", dest,
             strerror(errno));
    return EMB_EIO;
  }
  char *lp = join(dest, ".lock");
  if (lp == NULL) return EMB_ENOMEM;
  *fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  free(lp);
  if (*fd < 0) {
    snprintf(R->r->error, sizeof(R->r->error), "%s/.lock: %s", dest,
             strerror(errno));
    return EMB_EIO;
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    snprintf(R->r->error, sizeof(R->r->error),
             "%s/.lock: another update of this directory is running (%s)", dest,
             strerror(errno));
    close(*fd);
    *fd = -1;
    return EMB_EIO;
  }
  return EMB_OK;
}

/* Removes incoming directories that an interrupted run left behind; the
 * journal, if any, has been dealt with before. */
static void remove_stale_incoming(const char *dest) {
  DIR *d = opendir(dest);
  if (d == NULL) return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strncmp(de->d_name, ".incoming-", 10) != 0) continue;
    char *p = join(dest, de->d_name);
    if (p) emb__upd_remove_incoming(p);
    free(p);
  }
  closedir(d);
}

/* ---- one group ---- */

static json_t *manifest_entry(run *R, const char *file) {
  json_t *e = json_object_get(json_object_get(R->manifest, "files"), file);
  return json_is_object(e) ? e : NULL;
}

static const char *entry_str(json_t *e, const char *key) {
  return e ? json_string_value(json_object_get(e, key)) : NULL;
}

static size_t entry_size(json_t *e, const char *key) {
  json_t *v = e ? json_object_get(e, key) : NULL;
  return json_is_integer(v) && json_integer_value(v) > 0
             ? (size_t)json_integer_value(v)
             : 0;
}

static emb_status copy_file(const char *from, const char *to) {
  if (link(from, to) == 0) return EMB_OK;
  FILE *in = fopen(from, "rb");
  if (in == NULL) return EMB_EIO;
  FILE *out = fopen(to, "wb");
  if (out == NULL) {
    fclose(in);
    return EMB_EIO;
  }
  char buf[65536];
  size_t n;
  int bad = 0;
  while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
    if (fwrite(buf, 1, n, out) != n) bad = 1;
  if (ferror(in)) bad = 1;
  fclose(in);
  if (fflush(out) != 0 || fsync(fileno(out)) != 0) bad = 1;
  if (fclose(out) != 0) bad = 1;
  return bad ? EMB_EIO : EMB_OK;
}

/* Downloads one file of a group into gdir. */
static emb_status fetch_one(run *R, rfile *f, const char *gdir) {
  const emb__upd_source *s = f->src;
  char *cur = join(R->o->dest, s->file), *inc = join(gdir, s->file);
  emb_status st = cur && inc ? EMB_OK : EMB_ENOMEM;
  json_t *me = manifest_entry(R, s->file);
  size_t cur_size = 0, cur_lines = 0;
  int have_cur = 0;
  if (st == EMB_OK) {
    emb_status hs = emb__upd_hash_file(cur, f->prev, &cur_size, &cur_lines);
    have_cur = hs == EMB_OK;
    if (!have_cur) f->prev[0] = '\0';
  }
  /* Conditional headers only when the current copy is the one the
   * manifest describes: a copy changed by hand is fetched again. */
  const char *msha = entry_str(me, "sha256");
  int cond = have_cur && msha && strcmp(msha, f->prev) == 0;
  emb__upd_fetch fx = {
      .url = s->url,
      .path = inc,
      .etag = cond ? entry_str(me, "etag") : NULL,
      .last_modified = cond ? entry_str(me, "last_modified") : NULL,
      .timeout = R->o->timeout,
      .max_size = R->o->max_size};
  if (st == EMB_OK) {
    logf_(R, "fetching %s (%s) from %s", s->file, s->id, s->url);
    st = emb__upd_fetch_run(&fx);
    f->pub.http_status = fx.http_status;
  }
  if (st == EMB_ENET || st == EMB_ETOOBIG) {
    fail_file(f, st, fx.check, "%s: %s", s->file, fx.err);
    st = EMB_OK;
  } else if (st == EMB_EIO) {
    fail_file(f, st, "download", "%s: %s", s->file, fx.err);
    st = EMB_OK;
  } else if (st == EMB_OK && fx.not_modified && !have_cur) {
    fail_file(f, EMB_ENET, "http",
              "%s: the server answered 304 Not Modified but there is no "
              "current copy",
              s->file);
  } else if (st == EMB_OK && fx.not_modified) {
    f->pub.state = EMB_UPDATE_UNCHANGED;
    memcpy(f->sha, f->prev, sizeof(f->sha));
    f->pub.size = cur_size;
    f->pub.lines = cur_lines;
    snprintf(f->etag, sizeof(f->etag), "%s",
             fx.new_etag[0]          ? fx.new_etag
             : entry_str(me, "etag") ? entry_str(me, "etag")
                                     : "");
    snprintf(f->last_modified, sizeof(f->last_modified), "%s",
             fx.new_last_modified[0]          ? fx.new_last_modified
             : entry_str(me, "last_modified") ? entry_str(me, "last_modified")
                                              : "");
    /* The group is validated whole: the kept copy stands in. */
    if (copy_file(cur, inc) != EMB_OK)
      fail_file(f, EMB_EIO, "download", "%s: cannot copy the current file",
                s->file);
  } else if (st == EMB_OK) {
    memcpy(f->sha, fx.sha256, sizeof(f->sha));
    f->pub.size = fx.size;
    f->pub.lines = fx.lines;
    memcpy(f->etag, fx.new_etag, sizeof(f->etag));
    memcpy(f->last_modified, fx.new_last_modified, sizeof(f->last_modified));
    if (s->sha256 && strcmp(s->sha256, fx.sha256) != 0)
      fail_file(f, EMB_ESUSPECT, "sha256",
                "%s: SHA-256 %s is not the %s pinned in the sources file",
                s->file, fx.sha256, s->sha256);
    else if (have_cur && strcmp(f->prev, fx.sha256) == 0)
      f->pub.state = EMB_UPDATE_UNCHANGED;
    else
      f->changed = 1;
  }
  /* Only a file that is replaced has a previous version to name. */
  if (!f->changed) f->prev[0] = '\0';
  free(cur);
  free(inc);
  return st;
}

typedef struct diag_first {
  char msg[700];
} diag_first;

static void on_diag(void *ud, const char *sev, const char *file, long line,
                    const char *msg) {
  diag_first *d = ud;
  if (strcmp(sev, "error") != 0 || d->msg[0]) return;
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  if (line > 0)
    snprintf(d->msg, sizeof(d->msg), "%s, line %ld: %s", base, line, msg);
  else
    snprintf(d->msg, sizeof(d->msg), "%s: %s", base, msg);
}

/* Loads the group's directory strictly and checks format and counts.
 * Returns EMB_OK or the failure, recorded on every file of the group. */
static emb_status validate(run *R, rfile **g, size_t n, const char *gdir,
                           size_t *rows, size_t *ents) {
  diag_first d = {{0}};
  emb_load_opts lo = {.diag = on_diag, .userdata = &d, .strict = 1};
  emb_listset *ls = NULL;
  const char *paths[1] = {gdir};
  emb_status st = emb_listset_load(paths, 1, &lo, &ls);
  const char *group = g[0]->src->group, *format = g[0]->src->format;
  char why[800] = "";
  const char *check = "load";
  if (st == EMB_ENOMEM) return st;
  if (st != EMB_OK) {
    snprintf(why, sizeof(why), "group %s refused: %s", group,
             d.msg[0] ? d.msg : emb_strerror(st));
    check = st == EMB_EFORMAT ? "format" : "load";
  } else {
    *rows = *ents = 0;
    for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
      const emb_source_info *si = emb_listset_source(ls, i);
      const char *base = strrchr(si->path, '/');
      if (strcmp(si->format, format) != 0 && why[0] == '\0') {
        snprintf(why, sizeof(why),
                 "group %s refused: %s was recognised as %s, not the "
                 "expected %s",
                 group, base ? base + 1 : si->path, si->format, format);
        check = "format";
      }
      *rows += si->rows;
      *ents += si->entities;
    }
  }
  emb_listset_free(ls);
  /* Counts: the primary file's rows are the loader's; side files are
   * measured in lines. The ratio compares with the manifest's last good
   * version of the same file. */
  for (size_t i = 0; why[0] == '\0' && i < n; i++) {
    rfile *f = g[i];
    json_t *me = manifest_entry(R, f->src->file);
    size_t have = f->src->primary ? *rows : f->pub.lines;
    size_t prev =
        f->src->primary ? entry_size(me, "entities") : entry_size(me, "lines");
    size_t now = f->src->primary ? *ents : f->pub.lines;
    if (have < f->src->min_rows) {
      snprintf(why, sizeof(why),
               "group %s refused: %s has %zu %s, fewer than the %zu the "
               "sources file expects",
               group, f->src->file, have, f->src->primary ? "rows" : "lines",
               f->src->min_rows);
      check = "rows";
      st = EMB_ESUSPECT;
    } else if (prev > 0 && (f->src->primary || prev >= 100) &&
               (double)now < R->o->min_ratio * (double)prev) {
      snprintf(why, sizeof(why),
               "group %s refused as suspicious: %s has %zu %s, below %.2f "
               "of the %zu of the current version",
               group, f->src->file, now, f->src->primary ? "entities" : "lines",
               R->o->min_ratio, prev);
      check = "ratio";
      st = EMB_ESUSPECT;
    }
  }
  if (why[0] == '\0') return EMB_OK;
  if (st == EMB_OK) st = EMB_ESUSPECT;
  for (size_t i = 0; i < n; i++)
    fail_file(g[i], st == EMB_EFORMAT ? EMB_EFORMAT : EMB_ESUSPECT, check, "%s",
              why);
  logf_(R, "%s", why);
  return EMB_ESUSPECT;
}

static json_t *new_entry(run *R, rfile *f, size_t rows, size_t ents,
                         const char *now) {
  json_t *old = manifest_entry(R, f->src->file);
  const char *prev = f->changed ? (f->prev[0] ? f->prev : NULL)
                                : entry_str(old, "previous_sha256");
  const char *fetched = f->changed ? now : entry_str(old, "fetched");
  json_t *e = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s?, s:s?, s:s?, "
      "s:s?}",
      "source", f->src->id, "group", f->src->group, "url", f->src->url,
      "format", f->src->format, "sha256", f->sha, "size",
      (json_int_t)f->pub.size, "lines", (json_int_t)f->pub.lines, "rows",
      (json_int_t)rows, "entities", (json_int_t)ents, "checked", now, "fetched",
      fetched ? fetched : now, "etag", f->etag[0] ? f->etag : NULL,
      "last_modified", f->last_modified[0] ? f->last_modified : NULL,
      "previous_sha256", prev);
  return e;
}

/* Moves the changed files of a validated group into place, under a
 * journal. */
static emb_status replace(run *R, rfile **g, size_t n, const char *gdir,
                          size_t rows, size_t ents) {
  const char *dest = R->o->dest;
  char now[32];
  emb__upd_now(now);
  json_t *jfiles = json_array(), *entries = json_object();
  const char *slash = strrchr(R->incoming, '/');
  json_t *journal = json_pack(
      "{s:s, s:s, s:o, s:o}", "incoming", slash ? slash + 1 : R->incoming,
      "group", g[0]->src->group, "files", jfiles, "manifest", entries);
  if (journal == NULL) return EMB_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *e = new_entry(R, g[i], rows, ents, now);
    if (e == NULL) {
      json_decref(journal);
      return EMB_ENOMEM;
    }
    json_object_set_new(entries, g[i]->src->file, e);
    if (g[i]->changed)
      json_array_append_new(
          jfiles, json_pack("{s:s, s:s, s:s?}", "file", g[i]->src->file,
                            "sha256", g[i]->sha, "previous_sha256",
                            g[i]->prev[0] ? g[i]->prev : NULL));
  }
  emb_status st = EMB_OK;
  if (json_array_size(jfiles) > 0)
    st = emb__upd_write_json_atomic(dest, ".embargo-journal.json", journal);
  char *prevdir = join(dest, ".previous");
  if (prevdir == NULL) st = EMB_ENOMEM;
  if (st == EMB_OK && mkdir(prevdir, 0755) != 0 && errno != EEXIST)
    st = EMB_EIO;
  for (size_t i = 0; st == EMB_OK && i < n; i++) {
    if (!g[i]->changed) continue;
    char *cur = join(dest, g[i]->src->file);
    char *inc = join(gdir, g[i]->src->file);
    char *prev = join(prevdir, g[i]->src->file);
    if (!cur || !inc || !prev) {
      st = EMB_ENOMEM;
    } else {
      unlink(prev);
      if (g[i]->prev[0] && rename(cur, prev) != 0) st = EMB_EIO;
      emb__upd_crash_point();
      if (st == EMB_OK && rename(inc, cur) != 0) st = EMB_EIO;
      emb__upd_crash_point();
    }
    free(cur);
    free(inc);
    free(prev);
  }
  if (prevdir) emb__upd_sync_dir(prevdir);
  emb__upd_sync_dir(dest);
  free(prevdir);
  if (st == EMB_OK) {
    json_object_update(json_object_get(R->manifest, "files"), entries);
    st = emb__upd_manifest_write(dest, R->manifest);
  }
  if (st == EMB_OK && json_array_size(jfiles) > 0) {
    char *jp = join(dest, ".embargo-journal.json");
    if (jp == NULL || unlink(jp) != 0) st = EMB_EIO;
    free(jp);
    emb__upd_sync_dir(dest);
  }
  json_decref(journal);
  if (st != EMB_OK) {
    /* The journal, if written, stays: the next run finishes or rolls
     * back what this one could not. */
    for (size_t i = 0; i < n; i++)
      fail_file(g[i], st, "replace",
                "%s: replacing the files failed (%s); the next run will "
                "finish or roll back",
                g[i]->src->file, emb_strerror(st));
    return st;
  }
  for (size_t i = 0; i < n; i++)
    if (g[i]->changed) g[i]->pub.state = EMB_UPDATE_UPDATED;
  return EMB_OK;
}

static emb_status do_group(run *R, rfile **g, size_t n) {
  const char *group = g[0]->src->group;
  char *gdir = join(R->incoming, group);
  if (gdir == NULL) return EMB_ENOMEM;
  emb_status st = EMB_OK;
  if (mkdir(gdir, 0700) != 0) {
    for (size_t i = 0; i < n; i++)
      fail_file(g[i], EMB_EIO, "download", "%s: cannot create %s: %s",
                g[i]->src->file, gdir, strerror(errno));
    free(gdir);
    return EMB_OK;
  }
  const char *failed = NULL;
  size_t changed = 0, unrecorded = 0;
  for (size_t i = 0; i < n && st == EMB_OK; i++) {
    st = fetch_one(R, g[i], gdir);
    if (g[i]->pub.state == EMB_UPDATE_FAILED && failed == NULL)
      failed = g[i]->src->file;
    changed += g[i]->changed;
    /* Files already in place that the manifest does not describe (copied
     * by hand, or the manifest lost) are validated and recorded. */
    const char *msha = entry_str(manifest_entry(R, g[i]->src->file), "sha256");
    unrecorded += g[i]->pub.state == EMB_UPDATE_UNCHANGED &&
                  (msha == NULL || strcmp(msha, g[i]->sha) != 0);
  }
  if (st == EMB_OK && failed) {
    for (size_t i = 0; i < n; i++)
      if (g[i]->pub.state != EMB_UPDATE_FAILED)
        fail_file(g[i], EMB_ESUSPECT, "group",
                  "%s: not replaced: %s of the same group %s failed",
                  g[i]->src->file, failed, group);
  } else if (st == EMB_OK && (changed > 0 || unrecorded > 0)) {
    size_t rows = 0, ents = 0;
    logf_(R, "validating group %s", group);
    emb_status vs = validate(R, g, n, gdir, &rows, &ents);
    if (vs == EMB_ENOMEM) st = vs;
    if (vs == EMB_OK) {
      for (size_t i = 0; i < n; i++) {
        g[i]->pub.rows = rows;
        g[i]->pub.entities = ents;
        if (g[i]->changed && R->o->dry_run)
          g[i]->pub.state = EMB_UPDATE_VALIDATED;
      }
      if (!R->o->dry_run && R->replace_failed) {
        for (size_t i = 0; i < n; i++)
          fail_file(g[i], EMB_EIO, "replace",
                    "%s: not replaced: an earlier group's replacement "
                    "failed; the next run finishes that one first",
                    g[i]->src->file);
      } else if (!R->o->dry_run) {
        st = replace(R, g, n, gdir, rows, ents);
        if (st != EMB_OK) R->replace_failed = 1;
        if (st != EMB_ENOMEM) st = EMB_OK;
        if (!R->replace_failed) logf_(R, "group %s replaced", group);
      }
    }
  } else if (st == EMB_OK) {
    /* Nothing changed: the counts are the manifest's. */
    for (size_t i = 0; i < n; i++) {
      json_t *me = manifest_entry(R, g[i]->src->file);
      g[i]->pub.rows = entry_size(me, "rows");
      g[i]->pub.entities = entry_size(me, "entities");
    }
    logf_(R, "group %s unchanged", group);
  }
  free(gdir);
  return st;
}

static emb_status run_groups(run *R) {
  emb_update_report *r = R->r;
  rfile **g = calloc(r->n, sizeof(*g));
  if (g == NULL) return EMB_ENOMEM;
  emb_status st = EMB_OK;
  for (size_t i = 0; i < r->n && st == EMB_OK; i++) {
    if (!r->files[i].selected || !r->files[i].src->primary) continue;
    size_t n = 0;
    for (size_t j = i; j < r->n; j++)
      if (strcmp(r->src.v[j].group, r->src.v[i].group) == 0)
        g[n++] = &r->files[j];
    st = do_group(R, g, n);
  }
  free(g);
  return st;
}

emb_status emb_update_run(const emb_update_opts *o, emb_update_report **out) {
  if (o == NULL || out == NULL || o->dest == NULL || *o->dest == '\0' ||
      o->timeout <= 0 || o->max_size == 0 || !(o->min_ratio >= 0) ||
      o->min_ratio > 1 || (o->n_only && o->only == NULL))
    return EMB_EINVAL;
  *out = NULL;
  emb_update_report *r = calloc(1, sizeof(*r));
  if (r == NULL) return EMB_ENOMEM;
  *out = r;
  run R = {.o = o, .r = r};
  emb_status st =
      load_sources(&R, o->sources ? o->sources : emb_update_default_sources());
  int lock = -1;
  if (st == EMB_OK) st = lock_dest(&R, &lock);
  if (st == EMB_OK) {
    st = emb__upd_recover(o->dest, r->recovered, sizeof(r->recovered));
    if (st != EMB_OK)
      snprintf(r->error, sizeof(r->error), "%s: %s", o->dest, r->recovered);
  }
  if (st == EMB_OK) {
    remove_stale_incoming(o->dest);
    char err[600] = "";
    st = emb__upd_manifest_read(o->dest, &R.manifest, err, sizeof(err));
    if (st != EMB_OK) snprintf(r->error, sizeof(r->error), "%s", err);
  }
  int curl = 0;
  if (st == EMB_OK) {
    st = emb__upd_curl_init();
    curl = st == EMB_OK;
    if (st != EMB_OK) snprintf(r->error, sizeof(r->error), "libcurl init");
  }
  if (st == EMB_OK) {
    R.incoming = join(o->dest, ".incoming-XXXXXX");
    if (R.incoming == NULL)
      st = EMB_ENOMEM;
    else if (mkdtemp(R.incoming) == NULL) {
      snprintf(r->error, sizeof(r->error), "%s: %s", R.incoming,
               strerror(errno));
      st = EMB_EIO;
    }
  }
  if (st == EMB_OK) {
    st = run_groups(&R);
    /* A journal left by a failed replacement still needs the incoming
     * files; otherwise they go. */
    char *jp = join(o->dest, ".embargo-journal.json");
    struct stat sb;
    if (jp && stat(jp, &sb) != 0) emb__upd_remove_incoming(R.incoming);
    free(jp);
  }
  if (curl) emb__upd_curl_cleanup();
  if (lock >= 0) close(lock);
  free(R.incoming);
  json_decref(R.manifest);
  finish_pub(r);
  if (st != EMB_OK && r->error[0] == '\0')
    snprintf(r->error, sizeof(r->error), "%s", emb_strerror(st));
  return st;
}
