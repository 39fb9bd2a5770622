/* errors.c - the error table read by name, HTTP status, kind and retry, and
 * the gf_error that carries a status and its message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "gluefake/sys/backend.h"

typedef struct error_row {
  const char *name;
  int http;
  gf_error_kind kind;
  gf_retry retry;
} error_row;

static const error_row rows[GF_STATUS_COUNT] = {
    [GF_OK] = {"OK", 200, GF_ERROR_NONE, GF_RETRY_NEVER},
#define GF_X_ROW(UPPER, Name, http, kind, retry)                                           \
  [GF_##UPPER] = {#Name, http, GF_ERROR_##kind, GF_RETRY_##retry},
    GF_ERRORS(GF_X_ROW)
#undef GF_X_ROW
};

static int in_range(gf_status status) { return (unsigned)status < GF_STATUS_COUNT; }

const char *gf_status_name(gf_status status)
{
  return in_range(status) ? rows[status].name : NULL;
}

int gf_status_from_name(const char *name, gf_status *status)
{
  static const char suffix[] = "Exception";
  const size_t suffix_len = sizeof suffix - 1;
  if (!name)
    return -1;
  size_t len = strlen(name);
  for (unsigned i = GF_OK + 1; i < GF_STATUS_COUNT; i++) {
    const char *full = rows[i].name;
    size_t full_len = strlen(full);
    int has_suffix = full_len > suffix_len && strcmp(full + full_len - suffix_len, suffix) == 0;
    size_t base = has_suffix ? full_len - suffix_len : full_len;
    if ((len == full_len || (has_suffix && len == base)) && strncmp(name, full, len) == 0) {
      *status = (gf_status)i;
      return 0;
    }
  }
  return -1;
}

int gf_status_http_code(gf_status status)
{
  return in_range(status) && rows[status].http ? rows[status].http : 500;
}

gf_error_kind gf_status_kind(gf_status status)
{
  return in_range(status) ? rows[status].kind : GF_ERROR_NONE;
}

gf_retry gf_status_retry(gf_status status)
{
  return in_range(status) ? rows[status].retry : GF_RETRY_NEVER;
}

/* Forgets what the wire said of the last error. */
static void clear_wire(gf_error *err)
{
  gfi_free(err->aws_name);
  gfi_free(err->request_id);
  err->aws_name = err->request_id = NULL;
  err->http_status = 0;
}

void gf_error_clear(gf_error *err)
{
  if (!err)
    return;
  gfi_free(err->message);
  err->message = NULL;
  err->status = GF_OK;
  clear_wire(err);
}

const char *gf_error_message(const gf_error *err)
{
  if (!err)
    return "";
  if (err->message)
    return err->message;
  const char *name = gf_status_name(err->status);
  return name ? name : "unknown status";
}

gf_status gf_error_set(gf_error *err, gf_status status, const char *fmt, ...)
{
  if (!err)
    return status;
  /* Format before freeing the old message: an argument may be that message
   * ("%s: %s", source, gf_error_message(err)). */
  char *message = NULL;
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len >= 0 && (message = gfi_malloc((size_t)len + 1)) != NULL) {
    va_start(ap, fmt);
    vsnprintf(message, (size_t)len + 1, fmt, ap);
    va_end(ap);
  }
  gfi_free(err->message);
  err->message = message;
  err->status = status;
  clear_wire(err);
  return status;
}

gf_status gf_error_copy(gf_error *err, const gf_error *src)
{
  /* Copied before setting: `src` may be `err`'s own. */
  char *aws_name = src->aws_name ? gfi_strdup(src->aws_name) : NULL;
  char *request_id = src->request_id ? gfi_strdup(src->request_id) : NULL;
  int http_status = src->http_status;
  gf_status status = gf_error_set(err, src->status, "%s", gf_error_message(src));
  if (err) {
    err->aws_name = aws_name;
    err->request_id = request_id;
    err->http_status = http_status;
  } else {
    gfi_free(aws_name);
    gfi_free(request_id);
  }
  return status;
}
