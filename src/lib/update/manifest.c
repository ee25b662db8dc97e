/* The manifest and the replacement journal of `lists update`.
 *
 * DESIGN: a group's files are replaced by renames, which are atomic one
 * by one but not together. Before the first rename the update writes a
 * journal (DEST/.embargo-journal.json, fsynced) naming the incoming
 * directory, each file with its new and old SHA-256, and the manifest
 * entries to record. Every step is a rename that can be told done or not
 * from what is on disk, so a run that finds a journal can finish the
 * replacement (roll forward) when every new file is still present, intact,
 * in the incoming directory or already in place, and otherwise put the old
 * files back from .previous (roll back). Either way the destination ends
 * with one whole version of the group and a manifest that describes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../common/sha256.h"
#include "update_internal.h"

#define MANIFEST ".embargo-manifest.json"
#define JOURNAL ".embargo-journal.json"

void emb__upd_now(char out[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void emb__upd_crash_point(void) {
  static long count;
  const char *env = getenv("EMBARGO_TEST_CRASH_AFTER");
  if (env == NULL || *env == '\0') return;
  long n = strtol(env, NULL, 10);
  if (n > 0 && ++count == n) _exit(99);
}

void emb__upd_sync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
}

static char *join(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", a, b);
  return p;
}

emb_status emb__upd_hash_file(const char *path, char hex[65], size_t *size,
                              size_t *lines) {
  int e = emb__sha256_file(path, hex, size, lines);
  return e == 0 ? EMB_OK : e == ENOENT ? EMB_ENOTFOUND : EMB_EIO;
}

emb_status emb__upd_write_json_atomic(const char *dir, const char *name,
                                      json_t *j) {
  char *path = join(dir, name);
  size_t tn = strlen(dir) + strlen(name) + 16;
  char *tmp = malloc(tn);
  char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
  emb_status st = EMB_OK;
  if (path == NULL || tmp == NULL || text == NULL) {
    st = EMB_ENOMEM;
    goto out;
  }
  snprintf(tmp, tn, "%s/%s.tmp", dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    st = EMB_EIO;
    goto out;
  }
  size_t len = strlen(text), off = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += (size_t)w;
  }
  int ok = off == len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
  if (close(fd) != 0) ok = 0;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    st = EMB_EIO;
    goto out;
  }
  emb__upd_sync_dir(dir);
out:
  free(text);
  free(tmp);
  free(path);
  return st;
}

/* Reads a JSON object file of at most EMB__UPD_MAX_CONFIG bytes. A missing
 * file gives EMB_ENOTFOUND. */
static emb_status read_json(const char *path, json_t **out, char *err,
                            size_t errlen) {
  *out = NULL;
  struct stat sb;
  if (stat(path, &sb) != 0) {
    if (errno == ENOENT) return EMB_ENOTFOUND;
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return EMB_EIO;
  }
  if ((size_t)sb.st_size > EMB__UPD_MAX_CONFIG) {
    snprintf(err, errlen, "%s: larger than %zu bytes", path,
             EMB__UPD_MAX_CONFIG);
    return EMB_ETOOBIG;
  }
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL || !json_is_object(j)) {
    snprintf(err, errlen, "%s: line %d: %s", path, j ? 1 : je.line,
             j ? "not a JSON object" : je.text);
    json_decref(j);
    return EMB_EPARSE;
  }
  *out = j;
  return EMB_OK;
}

emb_status emb__upd_manifest_read(const char *dest, json_t **out, char *err,
                                  size_t errlen) {
  char *path = join(dest, MANIFEST);
  if (path == NULL) return EMB_ENOMEM;
  emb_status st = read_json(path, out, err, errlen);
  free(path);
  if (st == EMB_ENOTFOUND) {
    *out = json_pack("{s:i, s:{}}", "version", 1, "files");
    return *out ? EMB_OK : EMB_ENOMEM;
  }
  if (st != EMB_OK) return st;
  json_t *files = json_object_get(*out, "files");
  if (!json_is_object(files)) {
    snprintf(err, errlen, "%s/%s: field \"files\" must be an object", dest,
             MANIFEST);
    json_decref(*out);
    *out = NULL;
    return EMB_EPARSE;
  }
  return EMB_OK;
}

emb_status emb__upd_manifest_write(const char *dest, json_t *m) {
  char now[32];
  emb__upd_now(now);
  json_object_set_new(m, "version", json_integer(1));
  json_object_set_new(m, "updated", json_string(now));
  return emb__upd_write_json_atomic(dest, MANIFEST, m);
}

/* The state of one journalled file, read off the disk. */
typedef struct jfile {
  const char *name, *new_sha, *old_sha; /* old_sha NULL: no old copy */
  char *cur, *inc, *prev;               /* paths */
} jfile;

static int has_sha(const char *path, const char *sha) {
  char hex[65];
  return sha && emb__upd_hash_file(path, hex, NULL, NULL) == EMB_OK &&
         strcmp(hex, sha) == 0;
}

static int exists(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0;
}

/* Rolls forward: the steps of the update, each skipped when done. */
static int roll_forward(jfile *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (has_sha(f[i].cur, f[i].new_sha) && !exists(f[i].inc)) continue;
    if (!has_sha(f[i].inc, f[i].new_sha)) return -1;
    if (f[i].old_sha && has_sha(f[i].cur, f[i].old_sha) &&
        rename(f[i].cur, f[i].prev) != 0)
      return -1;
    if (rename(f[i].inc, f[i].cur) != 0) return -1;
  }
  return 0;
}

/* Rolls back: every file whose new version is in place gets its old one
 * back from .previous (or is removed when there was none). */
static int roll_back(jfile *f, size_t n) {
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    if (f[i].old_sha && has_sha(f[i].cur, f[i].old_sha)) continue;
    if (f[i].old_sha && has_sha(f[i].prev, f[i].old_sha)) {
      if (rename(f[i].prev, f[i].cur) != 0) bad = 1;
    } else if (!f[i].old_sha && has_sha(f[i].cur, f[i].new_sha)) {
      if (unlink(f[i].cur) != 0) bad = 1;
    } else if (f[i].old_sha) {
      bad = 1; /* neither copy of the old version is left */
    }
  }
  return bad ? -1 : 0;
}

static void remove_tree(const char *dir);

emb_status emb__upd_recover(const char *dest, char *msg, size_t msglen) {
  msg[0] = '\0';
  char *jpath = join(dest, JOURNAL);
  if (jpath == NULL) return EMB_ENOMEM;
  json_t *j = NULL;
  char err[600];
  emb_status st = read_json(jpath, &j, err, sizeof(err));
  if (st == EMB_ENOTFOUND) {
    free(jpath);
    return EMB_OK;
  }
  if (st != EMB_OK) {
    snprintf(msg, msglen, "the journal is unreadable (%s); remove it by hand",
             err);
    free(jpath);
    return st;
  }
  const char *incoming = json_string_value(json_object_get(j, "incoming"));
  const char *group = json_string_value(json_object_get(j, "group"));
  json_t *files = json_object_get(j, "files");
  json_t *entries = json_object_get(j, "manifest");
  size_t n = json_array_size(files);
  jfile *f = calloc(n ? n : 1, sizeof(*f));
  char *prevdir = join(dest, ".previous");
  st = EMB_OK;
  if (f == NULL || prevdir == NULL) st = EMB_ENOMEM;
  if (st == EMB_OK &&
      (incoming == NULL || strncmp(incoming, ".incoming-", 10) != 0 ||
       !emb__upd_safe_name(incoming + 1) || group == NULL ||
       !emb__upd_safe_name(group) || !json_is_object(entries) || n == 0)) {
    snprintf(msg, msglen, "%s/%s is malformed; remove it by hand", dest,
             JOURNAL);
    st = EMB_EPARSE;
  }
  for (size_t i = 0; st == EMB_OK && i < n; i++) {
    json_t *e = json_array_get(files, i);
    f[i].name = json_string_value(json_object_get(e, "file"));
    f[i].new_sha = json_string_value(json_object_get(e, "sha256"));
    f[i].old_sha = json_string_value(json_object_get(e, "previous_sha256"));
    if (f[i].name == NULL || !emb__upd_safe_name(f[i].name) ||
        f[i].new_sha == NULL) {
      snprintf(msg, msglen, "%s/%s: files[%zu] is malformed", dest, JOURNAL, i);
      st = EMB_EPARSE;
      break;
    }
    char *incdir = join(dest, incoming);
    char *gdir = incdir ? join(incdir, group) : NULL;
    f[i].cur = join(dest, f[i].name);
    f[i].inc = gdir ? join(gdir, f[i].name) : NULL;
    f[i].prev = join(prevdir, f[i].name);
    free(gdir);
    free(incdir);
    if (!f[i].cur || !f[i].inc || !f[i].prev) st = EMB_ENOMEM;
  }
  if (st == EMB_OK) {
    mkdir(prevdir, 0755);
    if (roll_forward(f, n) == 0) {
      json_t *m = NULL;
      st = emb__upd_manifest_read(dest, &m, err, sizeof(err));
      if (st != EMB_OK) m = json_pack("{s:i, s:{}}", "version", 1, "files");
      st = m ? EMB_OK : EMB_ENOMEM;
      if (st == EMB_OK) {
        json_object_update(json_object_get(m, "files"), entries);
        st = emb__upd_manifest_write(dest, m);
      }
      json_decref(m);
      snprintf(msg, msglen,
               "finished the interrupted replacement of group %s (%zu files)",
               group, n);
    } else if (roll_back(f, n) == 0) {
      snprintf(msg, msglen,
               "rolled back the interrupted replacement of group %s: its "
               "new files were incomplete; the old version is in place",
               group);
    } else {
      snprintf(msg, msglen,
               "could neither finish nor roll back the interrupted "
               "replacement of group %s; see %s/%s",
               group, dest, JOURNAL);
      st = EMB_EIO;
    }
    emb__upd_sync_dir(dest);
    if (st == EMB_OK) {
      char *incdir = join(dest, incoming);
      if (incdir) remove_tree(incdir);
      free(incdir);
      if (unlink(jpath) != 0) st = EMB_EIO;
      emb__upd_sync_dir(dest);
    }
  }
  for (size_t i = 0; f && i < n; i++) {
    free(f[i].cur);
    free(f[i].inc);
    free(f[i].prev);
  }
  free(f);
  free(prevdir);
  free(jpath);
  json_decref(j);
  return st;
}

/* Removes a directory two levels deep at most (incoming/group/file), which
 * is all an incoming directory holds; symbolic links are not followed. */
static void remove_level(const char *dir, int depth) {
  DIR *d = opendir(dir);
  if (d == NULL) return;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char *p = join(dir, de->d_name);
    if (p == NULL) break;
    struct stat sb;
    if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode) && depth < 2)
      remove_level(p, depth + 1);
    else
      unlink(p);
    free(p);
  }
  closedir(d);
  rmdir(dir);
}

static void remove_tree(const char *dir) {
  remove_level(dir, 0);
}

void emb__upd_remove_incoming(const char *dir) {
  remove_tree(dir);
}
