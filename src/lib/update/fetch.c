/* One download with libcurl, bounded in size and time.
 *
 * DESIGN: redirects are followed here, one hop at a time, rather than by
 * libcurl, so that every hop passes the same URL policy as the first
 * (https anywhere, plain http only to loopback): a redirect cannot take a
 * download from https to plain http on another host. The body is hashed
 * and its newlines counted while it is written, so the file is read once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "../../common/sha256.h"
#include "embargo/embargo.h"
#include "update_internal.h"

static pthread_mutex_t curl_mu = PTHREAD_MUTEX_INITIALIZER;
static int curl_refs;

emb_status emb__upd_curl_init(void) {
  emb_status st = EMB_OK;
  pthread_mutex_lock(&curl_mu);
  if (curl_refs == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    st = EMB_ENET;
  else
    curl_refs++;
  pthread_mutex_unlock(&curl_mu);
  return st;
}

void emb__upd_curl_cleanup(void) {
  pthread_mutex_lock(&curl_mu);
  if (curl_refs > 0 && --curl_refs == 0) curl_global_cleanup();
  pthread_mutex_unlock(&curl_mu);
}

typedef struct sink {
  FILE *f;
  size_t n, max;
  size_t lines;
  int too_big, write_error;
  emb__sha256 sha;
  /* Headers of the current response. */
  char etag[EMB__UPD_MAX_HEADER];
  char last_modified[EMB__UPD_MAX_HEADER];
} sink;

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud) {
  sink *s = ud;
  size_t n = size * nmemb;
  if (n > s->max - s->n) {
    s->too_big = 1;
    return 0; /* aborts the transfer */
  }
  if (fwrite(p, 1, n, s->f) != n) {
    s->write_error = 1;
    return 0;
  }
  emb__sha256_update(&s->sha, p, n);
  for (size_t i = 0; i < n; i++)
    if (p[i] == '\n') s->lines++;
  s->n += n;
  return n;
}

/* Keeps the value of header `name` when line is that header; the value
 * is trimmed and cut at EMB__UPD_MAX_HEADER - 1 bytes. */
static void keep_header(const char *line, size_t len, const char *name,
                        char *dst) {
  size_t nl = strlen(name);
  if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return;
  const char *v = line + nl + 1, *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t')) v++;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  size_t n = (size_t)(end - v);
  if (n >= EMB__UPD_MAX_HEADER) n = EMB__UPD_MAX_HEADER - 1;
  memcpy(dst, v, n);
  dst[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *ud) {
  sink *s = ud;
  size_t n = size * nmemb;
  /* A status line starts a new response (after a redirect or 100). */
  if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
    s->etag[0] = '\0';
    s->last_modified[0] = '\0';
  }
  keep_header(p, n, "ETag", s->etag);
  keep_header(p, n, "Last-Modified", s->last_modified);
  return n;
}

static void fail(emb__upd_fetch *f, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(emb__upd_fetch *f, const char *check, const char *fmt, ...) {
  snprintf(f->check, sizeof(f->check), "%s", check);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->err, sizeof(f->err), fmt, ap);
  va_end(ap);
}

/* Starts the sink over: the file truncated, the digest reset. */
static int sink_reset(sink *s) {
  if (fflush(s->f) != 0 || ftruncate(fileno(s->f), 0) != 0 ||
      fseek(s->f, 0, SEEK_SET) != 0)
    return -1;
  s->n = 0;
  s->lines = 0;
  s->too_big = 0;
  emb__sha256_init(&s->sha);
  return 0;
}

static CURL *new_handle(emb__upd_fetch *f, sink *s, struct curl_slist *hdrs,
                        char *errbuf) {
  CURL *c = curl_easy_init();
  if (c == NULL) return NULL;
  char agent[64]; /* libcurl copies it */
  snprintf(agent, sizeof(agent), "embargo/%s", emb_version());
  long connect = f->timeout < 30 ? f->timeout : 30;
  int bad = 0;
  bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, agent) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT, f->timeout) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                          (curl_off_t)f->max_size) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, s) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, s) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
  /* Certificates are always verified; these are libcurl's defaults, set
   * here so that no build or environment can turn them off. */
  bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L) != CURLE_OK;
  bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L) != CURLE_OK;
  if (bad) {
    curl_easy_cleanup(c);
    return NULL;
  }
  return c;
}

/* The conditional-request headers; NULL when none apply. */
static struct curl_slist *cond_headers(const emb__upd_fetch *f, int *oom) {
  struct curl_slist *h = NULL;
  char line[EMB__UPD_MAX_HEADER + 32];
  *oom = 0;
  if (f->etag && *f->etag && strlen(f->etag) < EMB__UPD_MAX_HEADER &&
      strpbrk(f->etag, "\r\n") == NULL) {
    snprintf(line, sizeof(line), "If-None-Match: %s", f->etag);
    struct curl_slist *n = curl_slist_append(h, line);
    if (n == NULL) *oom = 1;
    h = n ? n : h;
  }
  if (f->last_modified && *f->last_modified &&
      strlen(f->last_modified) < EMB__UPD_MAX_HEADER &&
      strpbrk(f->last_modified, "\r\n") == NULL) {
    snprintf(line, sizeof(line), "If-Modified-Since: %s", f->last_modified);
    struct curl_slist *n = curl_slist_append(h, line);
    if (n == NULL) *oom = 1;
    h = n ? n : h;
  }
  return h;
}

/* One request of the redirect chain. Returns 1 to follow *next (malloc'd),
 * 0 when done (success or failure recorded in f), -1 on out of memory. */
static int one_hop(emb__upd_fetch *f, sink *s, struct curl_slist *hdrs,
                   const char *url, char **next) {
  char errbuf[CURL_ERROR_SIZE] = "";
  *next = NULL;
  CURL *c = new_handle(f, s, hdrs, errbuf);
  if (c == NULL) return -1;
  int ret = 0;
  if (curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK) {
    fail(f, "url", "%s: libcurl refused the URL", url);
    curl_easy_cleanup(c);
    return 0;
  }
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  f->http_status = (int)code;
  curl_off_t clen = -1;
  curl_easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &clen);
  if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
    fail(f, "size", "%s: the file is larger than the limit of %zu bytes", url,
         f->max_size);
  } else if (s->write_error) {
    fail(f, "download", "%s: writing the download failed: %s", url,
         strerror(errno));
  } else if (rc == CURLE_OPERATION_TIMEDOUT) {
    fail(f, "timeout", "%s: no complete answer within %ld s (%zu bytes came)",
         url, f->timeout, s->n);
  } else if (rc == CURLE_PARTIAL_FILE) {
    fail(f, "size",
         "%s: the download ended early: %zu bytes of the "
         "%" CURL_FORMAT_CURL_OFF_T " announced",
         url, s->n, clen);
  } else if (rc != CURLE_OK) {
    fail(f, "download", "%s: %s", url,
         *errbuf ? errbuf : curl_easy_strerror(rc));
  } else if (code >= 300 && code < 400 && code != 304) {
    char *loc = NULL;
    curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
    if (loc == NULL) {
      fail(f, "http", "%s: HTTP %ld without a Location", url, code);
    } else {
      *next = strdup(loc);
      ret = *next ? 1 : -1;
    }
  } else if (code == 304) {
    f->not_modified = 1;
  } else if (code != 200) {
    fail(f, "http", "%s: HTTP %ld", url, code);
  } else if (clen >= 0 && (size_t)clen != s->n) {
    fail(f, "size",
         "%s: %zu bytes came, the Content-Length said %" CURL_FORMAT_CURL_OFF_T,
         url, s->n, clen);
  }
  curl_easy_cleanup(c);
  return ret;
}

emb_status emb__upd_fetch_run(emb__upd_fetch *f) {
  f->http_status = 0;
  f->not_modified = 0;
  f->size = 0;
  f->lines = 0;
  f->sha256[0] = f->new_etag[0] = f->new_last_modified[0] = '\0';
  f->check[0] = f->err[0] = '\0';
  char why[300];
  if (!emb__upd_url_allowed(f->url, why, sizeof(why))) {
    fail(f, "url", "%s", why);
    return EMB_ENET;
  }
  sink s;
  memset(&s, 0, sizeof(s));
  s.max = f->max_size;
  emb__sha256_init(&s.sha);
  s.f = fopen(f->path, "wb");
  if (s.f == NULL) {
    fail(f, "download", "%s: cannot create: %s", f->path, strerror(errno));
    return EMB_EIO;
  }
  int oom;
  struct curl_slist *hdrs = cond_headers(f, &oom);
  char *url = strdup(f->url);
  emb_status st = (url == NULL || oom) ? EMB_ENOMEM : EMB_OK;
  for (int hop = 0; st == EMB_OK; hop++) {
    char *next;
    int r = one_hop(f, &s, hdrs, url, &next);
    if (r < 0) st = EMB_ENOMEM;
    if (r <= 0) break;
    free(url);
    url = next;
    if (hop == EMB__UPD_MAX_REDIRECTS) {
      fail(f, "http", "%s: more than %d redirects", f->url,
           EMB__UPD_MAX_REDIRECTS);
      break;
    }
    if (!emb__upd_url_allowed(url, why, sizeof(why))) {
      fail(f, "url", "%s: redirected to %.300s: %s", f->url, url, why);
      break;
    }
    if (sink_reset(&s) != 0) {
      fail(f, "download", "%s: %s", f->path, strerror(errno));
      st = EMB_EIO;
    }
  }
  free(url);
  curl_slist_free_all(hdrs);
  /* On disk before it can be renamed into place: a power loss after the
   * rename must not leave an empty or short list file. */
  if ((fflush(s.f) != 0 || fsync(fileno(s.f)) != 0) && st == EMB_OK &&
      f->check[0] == '\0') {
    fail(f, "download", "%s: %s", f->path, strerror(errno));
    st = EMB_EIO;
  }
  if (fclose(s.f) != 0 && st == EMB_OK && f->check[0] == '\0')
    fail(f, "download", "%s: %s", f->path, strerror(errno));
  if (st != EMB_OK) return st;
  if (f->check[0] != '\0')
    return strcmp(f->check, "size") == 0 && s.too_big ? EMB_ETOOBIG : EMB_ENET;
  unsigned char d[32];
  emb__sha256_final(&s.sha, d);
  for (int i = 0; i < 32; i++) snprintf(f->sha256 + 2 * i, 3, "%02x", d[i]);
  f->size = s.n;
  f->lines = s.lines;
  memcpy(f->new_etag, s.etag, sizeof(s.etag));
  memcpy(f->new_last_modified, s.last_modified, sizeof(s.last_modified));
  return EMB_OK;
}
