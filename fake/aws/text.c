/* text.c - the messages of the real backend's configuration: quoting untrusted bytes (see text.h). */
#include "text.h"


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
