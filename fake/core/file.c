/* file.c - a file read whole, if it is a regular one of sane size (see gluefake/file.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "gluefake/file.h"
#include "gluefake/sys/backend.h"

/* What a file that is not a regular one is, for the message. */
static const char *file_kind(mode_t mode)
{
  return S_ISCHR(mode)    ? " (a character device)"
         : S_ISBLK(mode)  ? " (a block device)"
         : S_ISFIFO(mode) ? " (a FIFO)"
         : S_ISSOCK(mode) ? " (a socket)"
                          : "";
}

/* "larger than 256 MiB", "larger than 1000 bytes". */
static gf_status too_large(gf_error *err, const char *path, size_t max)
{
  if (max >= (1u << 20) && max % (1u << 20) == 0)
    return gf_error_set(err, GF_INVALID_INPUT, "%s: larger than %zu MiB", path, max >> 20);
  return gf_error_set(err, GF_INVALID_INPUT, "%s: larger than %zu bytes", path, max);
}

char *gf_read_file(const char *path, size_t max, int any_kind, size_t *len, gf_error *err)
{
  *len = 0;
  if (!path) {
    errno = EINVAL;
    gf_error_set(err, GF_INVALID_INPUT, "(null): cannot read: no path given");
    return NULL;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | (any_kind ? 0 : O_NONBLOCK));
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    int saved = errno;
    if (fd >= 0)
      close(fd);
    gf_error_set(err, GF_INVALID_INPUT, "%s: cannot read: %s", path, strerror(saved));
    errno = saved;
    return NULL;
  }
  int saved = 0;
  gf_status status = GF_OK;
  if (S_ISDIR(st.st_mode)) {
    saved = EISDIR;
    status = gf_error_set(err, GF_INVALID_INPUT, "%s: cannot read: %s", path, strerror(EISDIR));
  } else if (!S_ISREG(st.st_mode) && !any_kind) {
    saved = EINVAL;
    status = gf_error_set(err, GF_INVALID_INPUT, "%s: not a regular file%s", path,
                          file_kind(st.st_mode));
  } else if (S_ISREG(st.st_mode) && st.st_size > (off_t)max) {
    status = too_large(err, path, max);
    saved = EFBIG;
  }
  /* Room for the size a regular file has and one byte more, to see it end;
   * the reads stop one byte past `max` whatever the size said. */
  char *text = NULL;
  size_t cap = 0, first = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
  while (status == GF_OK && *len <= max) {
    if (*len + 1 >= cap && gfi_grow(&text, &cap, *len + 2, 1, first) != 0) {
      saved = ENOMEM;
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory reading it", path);
      break;
    }
    size_t room = cap - 1 - *len, left = max + 1 - *len;
    ssize_t n = read(fd, text + *len, room < left ? room : left);
    if (n == 0)
      break;
    if (n > 0) {
      *len += (size_t)n;
    } else if (errno != EINTR) {
      saved = errno;
      status = gf_error_set(err, GF_INVALID_INPUT, "%s: cannot read: %s", path, strerror(saved));
    }
  }
  if (status == GF_OK && *len > max) { /* it grew while read */
    status = too_large(err, path, max);
    saved = EFBIG;
  }
  close(fd);
  if (status != GF_OK) {
    gfi_free(text);
    *len = 0;
    errno = saved;
    return NULL;
  }
  text[*len] = '\0'; /* the loop always made room for it */
  return text;
}
