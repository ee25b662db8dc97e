/* Internal: the parts of `lists update` shared between its files and
 * reached by the unit tests: the sources file, URL policy, downloads, the
 * manifest and the replacement journal. */
#ifndef EMB_UPDATE_INTERNAL_H
#define EMB_UPDATE_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "embargo/update.h"

/* Bounds on external input. */
#define EMB__UPD_MAX_CONFIG ((size_t)1 << 20) /* sources file, manifest */
#define EMB__UPD_MAX_SOURCES 64
#define EMB__UPD_MAX_REDIRECTS 5
#define EMB__UPD_MAX_URL 2048
#define EMB__UPD_MAX_HEADER 512 /* ETag, Last-Modified values kept */

/* One entry of the sources file. Strings are owned by the list. */
typedef struct emb__upd_source {
  char *id;
  char *group; /* defaults to id */
  char *name;  /* human name, or NULL */
  char *url;
  char *format; /* loader format name */
  char *file;   /* plain file name in the destination */
  char *sha256; /* pinned expected digest (lower-case hex), or NULL */
  size_t min_rows;
  int optional; /* fetched only when named with --only */
  int primary;  /* the group's first file: rows are the loader's */
} emb__upd_source;

typedef struct emb__upd_sources {
  emb__upd_source *v;
  size_t n;
} emb__upd_sources;

/* Parses a sources file held in text[0..len). On error returns EMB_EPARSE
 * (or EMB_ENOMEM) and writes the reason, naming the entry and field, into
 * err. On success the caller frees *out with emb__upd_sources_free. */
emb_status emb__upd_sources_parse(const char *text, size_t len,
                                  emb__upd_sources *out, char *err,
                                  size_t errlen);
void emb__upd_sources_free(emb__upd_sources *s);

/* Whether url may be fetched: https to any host, or http to a loopback
 * host (127.0.0.0/8, ::1, localhost) for tests. Writes why not into err. */
int emb__upd_url_allowed(const char *url, char *err, size_t errlen);

/* Whether name is a plain file name: no slash, no leading dot, not empty,
 * at most 255 bytes, printable ASCII. */
int emb__upd_safe_name(const char *name);

/* One download: GET url into the file at path (created or truncated),
 * with conditional headers when etag/last_modified are given. */
typedef struct emb__upd_fetch {
  const char *url;           /* borrowed */
  const char *path;          /* borrowed */
  const char *etag;          /* borrowed, or NULL */
  const char *last_modified; /* borrowed, or NULL */
  long timeout;
  size_t max_size;
  /* Results. */
  int http_status;
  int not_modified; /* 304: path holds nothing useful */
  size_t size;      /* bytes written */
  char sha256[65];  /* of the bytes written */
  size_t lines;     /* newlines in the bytes written */
  char new_etag[EMB__UPD_MAX_HEADER];
  char new_last_modified[EMB__UPD_MAX_HEADER];
  char check[32]; /* on failure: "url", "http", "size", "download" */
  char err[600];
} emb__upd_fetch;

/* Performs f. Returns EMB_OK (f->not_modified tells a 304), EMB_ENET or
 * EMB_ETOOBIG with f->check and f->err set, or EMB_EIO/EMB_ENOMEM. */
emb_status emb__upd_fetch_run(emb__upd_fetch *f);

/* Process-wide libcurl set-up, reference counted. */
emb_status emb__upd_curl_init(void);
void emb__upd_curl_cleanup(void);

/* The manifest (DEST/.embargo-manifest.json): a JSON object
 * {"version": 1, "updated": TIME, "files": {NAME: {...}}}. Reads it, or
 * returns an empty one when absent. A manifest that does not parse is
 * EMB_EPARSE with the reason in err. Caller json_decref()s *out. */
emb_status emb__upd_manifest_read(const char *dest, json_t **out, char *err,
                                  size_t errlen);
/* Writes m atomically (temporary file, fsync, rename, fsync of dest). */
emb_status emb__upd_manifest_write(const char *dest, json_t *m);

/* Writes a JSON document to path atomically, with fsync. */
emb_status emb__upd_write_json_atomic(const char *dir, const char *name,
                                      json_t *j);
/* fsyncs a directory so renames in it are durable. */
void emb__upd_sync_dir(const char *dir);

/* SHA-256 hex and newline count of a whole file; EMB_EIO if unreadable,
 * EMB_ENOTFOUND if absent. */
emb_status emb__upd_hash_file(const char *path, char hex[65], size_t *size,
                              size_t *lines);

/* Finishes or rolls back a replacement left half done (the journal
 * DEST/.embargo-journal.json exists). Writes what it did into msg (empty
 * when there was nothing to do). Must run under the lock. */
emb_status emb__upd_recover(const char *dest, char *msg, size_t msglen);

/* Removes an incoming directory (DIR/GROUP/FILE at most). */
void emb__upd_remove_incoming(const char *dir);

/* Test hook: when the environment variable EMBARGO_TEST_CRASH_AFTER is N,
 * the process exits abruptly (_exit(99)) after the N-th rename of a
 * replacement, to prove that the next run recovers. */
void emb__upd_crash_point(void);

/* UTC time now as "YYYY-MM-DDTHH:MM:SSZ". */
void emb__upd_now(char out[32]);

#endif
