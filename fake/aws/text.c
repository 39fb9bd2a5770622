/* text.c - reading a descriptor whole, and quoting untrusted bytes in messages (see text.h). */
#include "text.h"

#include <errno.h>
#include <unistd.h>

#include "gluefake/sys/backend.h"

gf_status gfi_aws_config_out_of_memory(gf_error *err)
{
  return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory resolving the AWS configuration");
}

gf_status gfi_aws_fail_with(gfi_text *text, gf_error *err)
{
  gf_status status = text->failed ? gfi_aws_config_out_of_memory(err)
                                  : gf_error_set(err, GF_INVALID_INPUT, "%s", text->data);
  gfi_free(text->data);
  return status;
}

void gfi_aws_append_quoted(gfi_text *text, const char *s, size_t len, size_t max)
{
  for (size_t i = 0; i < len && i < max; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f)
      gfi_text_add(text, s + i, 1);
    else
      gfi_text_append(text, "\\x%02x", c);
  }
  if (len > max)
    gfi_text_add(text, "...", 3);
}

int gfi_aws_read_all(int fd, size_t limit, gfi_text *text)
{
  char chunk[8192];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return n < 0 ? -1 : 0;
    if (text->len + (size_t)n > limit)
      return 1;
    gfi_text_add(text, chunk, (size_t)n);
    if (text->failed)
      return -2;
  }
}
