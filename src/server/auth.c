/* API keys: the keys file and constant-time lookup.
 *
 * DESIGN: only the SHA-256 digest of each secret is kept. A presented
 * secret is hashed once and compared with every key's digest, always all
 * of them and always all 32 bytes, so the time taken says nothing about
 * which key (or how much of one) matched.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../common/sha256.h"
#include "server.h"

/* A keys file is small; these bound what a hostile or mistaken file may
 * cost. */
#define MAX_KEYS 1024
#define MAX_LINE 1024
#define MAX_ID 64
#define MIN_SECRET 16
#define MAX_SECRET 512

typedef struct srv_key {
  char id[MAX_ID + 1];
  srv_role role;
  unsigned char digest[32];
} srv_key;

struct srv_keys {
  srv_key *k;
  size_t n;
};

void srv_keys_free(srv_keys *k) {
  if (k == NULL) return;
  /* The digests are not secrets, but there is no reason to leave them. */
  if (k->k) memset(k->k, 0, k->n * sizeof(*k->k));
  free(k->k);
  free(k);
}

size_t srv_keys_count(const srv_keys *k) {
  return k ? k->n : 0;
}

/* Splits the next space- or tab-separated field off *p. */
static char *field(char **p) {
  char *s = *p;
  while (*s == ' ' || *s == '\t') s++;
  if (*s == '\0') return NULL;
  char *e = s;
  while (*e && *e != ' ' && *e != '\t') e++;
  if (*e) *e++ = '\0';
  *p = e;
  return s;
}

static int parse_line(char *line, const char *path, long lineno, srv_key *key,
                      char *err, size_t errlen) {
  char *p = line;
  char *id = field(&p), *role = field(&p), *secret = field(&p);
  if (id == NULL || role == NULL || secret == NULL || field(&p) != NULL) {
    snprintf(err, errlen, "%s:%ld: expected 'ID ROLE SECRET'", path, lineno);
    return -1;
  }
  size_t idlen = strlen(id);
  if (idlen > MAX_ID ||
      strspn(id,
             "abcdefghijklmnopqrstuvwxyz"
             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@") != idlen) {
    snprintf(err, errlen,
             "%s:%ld: ID must be 1 to %d characters of letters, digits and "
             "._-@",
             path, lineno, MAX_ID);
    return -1;
  }
  if (strcmp(role, "screen") == 0) {
    key->role = SRV_ROLE_SCREEN;
  } else if (strcmp(role, "admin") == 0) {
    key->role = SRV_ROLE_ADMIN;
  } else {
    snprintf(err, errlen, "%s:%ld: ROLE must be screen or admin, not '%.32s'",
             path, lineno, role);
    return -1;
  }
  size_t slen = strlen(secret);
  if (slen < MIN_SECRET || slen > MAX_SECRET) {
    snprintf(err, errlen,
             "%s:%ld: SECRET must be %d to %d characters (it has %zu)", path,
             lineno, MIN_SECRET, MAX_SECRET, slen);
    return -1;
  }
  memcpy(key->id, id, idlen + 1);
  emb__sha256 c;
  emb__sha256_init(&c);
  emb__sha256_update(&c, secret, slen);
  emb__sha256_final(&c, key->digest);
  memset(secret, 0, slen);
  return 0;
}

int srv_keys_load(const char *path, srv_keys **out, char *err, size_t errlen) {
  *out = NULL;
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && (st.st_mode & S_IROTH))
    fprintf(stderr,
            "embargo serve: warning: %s is readable by every user; chmod o-r "
            "it\n",
            path);
  srv_keys *k = calloc(1, sizeof(*k));
  char line[MAX_LINE + 2];
  long lineno = 0;
  int rc = k ? 0 : -1;
  if (k == NULL) snprintf(err, errlen, "out of memory");
  while (rc == 0 && fgets(line, sizeof(line), f)) {
    lineno++;
    size_t n = strlen(line);
    if (n > 0 && line[n - 1] == '\n')
      line[--n] = '\0';
    else if (!feof(f)) {
      snprintf(err, errlen, "%s:%ld: line longer than %d bytes", path, lineno,
               MAX_LINE);
      rc = -1;
      break;
    }
    if (n > 0 && line[n - 1] == '\r') line[--n] = '\0';
    char *s = line;
    while (*s == ' ' || *s == '\t') s++;
    if (*s == '\0' || *s == '#') continue;
    if (k->n == MAX_KEYS) {
      snprintf(err, errlen, "%s:%ld: more than %d keys", path, lineno,
               MAX_KEYS);
      rc = -1;
      break;
    }
    srv_key *nk = realloc(k->k, (k->n + 1) * sizeof(*nk));
    if (nk == NULL) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
      break;
    }
    k->k = nk;
    rc = parse_line(s, path, lineno, &k->k[k->n], err, errlen);
    for (size_t i = 0; rc == 0 && i < k->n; i++)
      if (strcmp(k->k[i].id, k->k[k->n].id) == 0) {
        snprintf(err, errlen, "%s:%ld: key ID '%s' given twice", path, lineno,
                 k->k[i].id);
        rc = -1;
      } else if (memcmp(k->k[i].digest, k->k[k->n].digest, 32) == 0) {
        snprintf(err, errlen, "%s:%ld: same SECRET as key '%s'", path, lineno,
                 k->k[i].id);
        rc = -1;
      }
    if (rc == 0) k->n++;
  }
  memset(line, 0, sizeof(line));
  if (rc == 0 && ferror(f)) {
    snprintf(err, errlen, "%s: read error", path);
    rc = -1;
  }
  fclose(f);
  if (rc == 0 && k->n == 0) {
    snprintf(err, errlen, "%s: no keys (lines 'ID ROLE SECRET')", path);
    rc = -1;
  }
  if (rc != 0) {
    srv_keys_free(k);
    return -1;
  }
  *out = k;
  return 0;
}

srv_role srv_keys_find(const srv_keys *k, const char *secret, size_t len,
                       const char **id) {
  *id = NULL;
  if (k == NULL) return SRV_ROLE_NONE;
  unsigned char d[32];
  emb__sha256 c;
  emb__sha256_init(&c);
  emb__sha256_update(&c, secret, len);
  emb__sha256_final(&c, d);
  /* Every key is compared in full; the match is selected with masks, not
   * branches on secret data. Digests are unique (checked at load). */
  size_t found = 0;
  unsigned any = 0;
  for (size_t i = 0; i < k->n; i++) {
    unsigned diff = 0;
    for (size_t b = 0; b < 32; b++) diff |= d[b] ^ k->k[i].digest[b];
    /* eq is 1 when diff == 0, computed without a branch. */
    unsigned eq = 1u & ((diff - 1u) >> 8);
    size_t mask = (size_t)0 - (size_t)eq;
    found = (found & ~mask) | (i & mask);
    any |= eq;
  }
  if (!any) return SRV_ROLE_NONE;
  *id = k->k[found].id;
  return k->k[found].role;
}
