/* The analysts' web page: GET / and GET /ui/<file> from the web directory.
 *
 * Only regular files directly in the web directory are served, by a name
 * of letters, digits, '.', '-' and '_' that does not start with a dot and
 * has a known extension: no "..", no '/', no absolute path, no symbolic
 * link (O_NOFOLLOW), so nothing outside the directory can be reached. The
 * page holds no data, so these routes need no key; the page itself sends
 * the analyst's key with each API call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server.h"

/* The web page's files are small; a larger file is refused. */
#define MAX_STATIC ((size_t)8 * 1024 * 1024)

static const struct {
  const char *ext;
  const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

static const char *content_type(const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
    size_t e = strlen(types[i].ext);
    if (n > e && strcmp(name + n - e, types[i].ext) == 0) return types[i].type;
  }
  return NULL;
}

static int safe_name(const char *name) {
  size_t n = strlen(name);
  if (n == 0 || n > 128 || name[0] == '.') return 0;
  if (strstr(name, "..")) return 0;
  return strspn(name,
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789._-") == n;
}

void srv_h_static(srv_call *c) {
  const char *name;
  if (strcmp(c->url, "/") == 0 || strcmp(c->url, "/index.html") == 0)
    name = "index.html";
  else
    name = c->url + 4; /* after "/ui/" */
  const char *type = content_type(name);
  if (!safe_name(name) || type == NULL) {
    srv_reply_error(c, 404, EMB_ENOTFOUND, "no such file: %.200s", c->url);
    return;
  }
  int dir = open(c->s->web_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int fd = dir < 0 ? -1 : openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (dir >= 0) close(dir);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
      (size_t)st.st_size > MAX_STATIC) {
    if (fd >= 0) close(fd);
    srv_reply_error(c, 404, EMB_ENOTFOUND, "no such file: %.200s", c->url);
    return;
  }
  size_t n = (size_t)st.st_size, got = 0;
  char *buf = malloc(n ? n : 1);
  while (buf && got < n) {
    ssize_t r = read(fd, buf + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  if (buf == NULL || got != n) {
    free(buf);
    srv_reply_error(c, 500, EMB_EIO, "the file could not be read");
    return;
  }
  srv_reply_raw(c, 200, buf, n, type);
}
