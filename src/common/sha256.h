/* SHA-256 (FIPS 180-4), used for source file hashes and the audit chain. */
#ifndef EMB_COMMON_SHA256_H
#define EMB_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct emb__sha256 {
  uint32_t h[8];
  uint64_t len;
  unsigned char buf[64];
  size_t fill;
} emb__sha256;

void emb__sha256_init(emb__sha256 *c);
void emb__sha256_update(emb__sha256 *c, const void *data, size_t n);
void emb__sha256_final(emb__sha256 *c, unsigned char out[32]);
/* Hex digest of data[0..n) into hex (65 bytes with the NUL). */
void emb__sha256_hex(const void *data, size_t n, char hex[65]);

/* The hex SHA-256 of the file at path, read in 64 KiB pieces; also its
 * size and number of LF bytes when size/lines are not NULL. Returns 0, or
 * the errno of the failure (ENOENT when it does not exist, EIO on a read
 * error). */
int emb__sha256_file(const char *path, char hex[65], size_t *size,
                     size_t *lines);

#endif
