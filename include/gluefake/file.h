/*
 * gluefake/file.h - reading a file whole, as gluefake reads fixtures,
 * transcripts and credentials files: only a regular file of a size given,
 * or the reason why not.
 */
#ifndef GLUEFAKE_FILE_H
#define GLUEFAKE_FILE_H

#include <stddef.h>

#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest fixture, transcript or state gluefake reads, from a file or
 * over the control plane (POST /_gluefake/state): a million
 * configurations. */
#define GF_MAX_FILE (256 * 1024 * 1024)

/*
 * Reads `path` whole: a regular file of at most `max` bytes (or, with
 * `any_kind`, whatever it is - a pipe, a terminal - read to its end).
 * Anything else is refused before a byte is read, with the reason: a
 * directory, a device (/dev/zero would never end), a FIFO (opened without
 * blocking, so that no writer is waited for), a larger file.  A file that
 * grows while it is read is refused too.
 *
 * Returns the text, NUL-terminated (`*len` bytes before the NUL), owned by
 * the caller (gf_buffer_free of gluefake/buffer.h).  NULL on failure, with
 * errno set (ENOENT for a missing file, EFBIG for a larger one) and `err`
 * (may be NULL) set to InvalidInputException "PATH: cannot read: Is a
 * directory", "PATH: not a regular file (a FIFO)", "PATH: larger than 256
 * MiB", "(null): cannot read: no path given", or InternalServiceException
 * "PATH: out of memory reading it".
 */
GF_API char *gf_read_file(const char *path, size_t max, int any_kind, size_t *len,
                          gf_error *err);

#ifdef __cplusplus
}
#endif

#endif
