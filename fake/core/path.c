/* path.c - spelling a place inside a value, the wire's way or AWS's. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "path.h"

void gfi_path_format(char *out, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out, size, fmt, ap);
  va_end(ap);
}

static size_t render(const gfi_path *p, char *out, size_t size, int aws)
{
  size_t n = 0;
  if (!p->parent) {
    if (!aws)
      gfi_path_format(out, size, "%s", p->prefix ? p->prefix : "");
    else if (size)
      out[0] = '\0';
    return aws ? 0 : strlen(out);
  }
  n = render(p->parent, out, size, aws);
  if (n >= size)
    return n;
  if (p->member)
    gfi_path_format(out + n, size - n, "%s%s", n ? "." : "",
                    aws ? p->member->aws_path : p->member->wire);
  else if (aws)
    gfi_path_format(out + n, size - n, ".%zu.member", p->index + 1);
  else
    gfi_path_format(out + n, size - n, "[%zu]", p->index);
  return strlen(out);
}

void gfi_path_wire(const gfi_path *path, char *out, size_t size) { render(path, out, size, 0); }

void gfi_path_aws(const gfi_path *path, char *out, size_t size) { render(path, out, size, 1); }
