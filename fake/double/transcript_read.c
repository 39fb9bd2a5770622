/* transcript_read.c - loading a transcript and checking every entry. */
#include "transcript_read.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/json_text.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"

void gfi_transcript_clear(gfi_transcript *t)
{
  for (size_t i = 0; t->entries && i < t->count; i++) {
    gf_error_clear(&t->entries[i].error);
    cJSON_Delete(t->entries[i].request);
    cJSON_Delete(t->entries[i].response);
  }
  gfi_free(t->entries);
  cJSON_Delete(t->root);
  memset(t, 0, sizeof *t);
}

static gf_status bad_entry(gf_error *err, const char *source, size_t index, const char *member,
                           const char *fmt, ...) GF_PRINTF(5, 6);

static gf_status bad_entry(gf_error *err, const char *source, size_t index, const char *member,
                           const char *fmt, ...)
{
  char rule[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rule, sizeof rule, fmt, ap);
  va_end(ap);
  return gf_error_set(err, GF_INVALID_INPUT, "%s: transcript[%zu]%s%s: %s", source, index,
                      *member ? "." : "", member, rule);
}

/* A recorded request or response that does not decode is a malformed
 * transcript - unless decoding ran out of memory, which stays
 * InternalServiceException. */
static gf_status decode_failed(gf_error *err, const char *source, size_t index,
                               const char *member, gf_status status)
{
  if (status == GF_INTERNAL_SERVICE)
    return gf_error_set(err, status, "%s: %s", source, gf_error_message(err));
  return bad_entry(err, source, index, member, "%s", gf_error_message(err));
}

gf_status gfi_transcript_load(const char *json, size_t len, const char *source,
                              gfi_transcript *t, gf_error *err)
{
  memset(t, 0, sizeof *t);
  gf_status status = gfi_json_parse_document(json, len, source, &t->root, err);
  if (status != GF_OK)
    return status;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(t->root, "transcript");
  if (!cJSON_IsObject(t->root) || !cJSON_IsArray(list)) {
    gfi_transcript_clear(t);
    return gf_error_set(err, GF_INVALID_INPUT,
                        "%s: a transcript is an object {\"transcript\": [...]}", source);
  }
  size_t count = (size_t)cJSON_GetArraySize(list);
  t->entries = gfi_calloc(count ? count : 1, sizeof *t->entries);
  if (!t->entries) {
    gfi_transcript_clear(t);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
  }
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    size_t i = t->count++;
    gfi_transcript_entry *e = &t->entries[i];
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(item, "operation");
    const cJSON *request = cJSON_GetObjectItemCaseSensitive(item, "request");
    const cJSON *response = cJSON_GetObjectItemCaseSensitive(item, "response");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(item, "error");
    void *decoded = NULL;
    if (!cJSON_IsObject(item))
      status = bad_entry(err, source, i, "", "must be an object");
    else if (!cJSON_IsString(op) || gf_operation_from_name(op->valuestring, &e->op) != 0)
      status = bad_entry(err, source, i, "operation", "must be one of the ten operation names");
    else if (!cJSON_IsObject(request))
      status = bad_entry(err, source, i, "request", "must be an object");
    else if ((status = gf_request_from_json(e->op, request, &decoded, err)) != GF_OK)
      status = decode_failed(err, source, i, "request", status);
    else if (!response == !error)
      status = bad_entry(err, source, i, "", "must have exactly one of \"response\" and \"error\"");
    else if (!(e->request = gf_request_to_json(e->op, decoded)))
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
    gf_request_free(e->op, decoded);
    decoded = NULL;
    if (status == GF_OK && response) {
      if ((status = gf_response_from_json(e->op, response, &decoded, err)) != GF_OK)
        status = decode_failed(err, source, i, "response", status);
      else if (!(e->response = gf_response_to_json(e->op, decoded)))
        status = gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", source);
    }
    gf_response_free(e->op, decoded);
    if (status == GF_OK && error &&
        (gf_error_from_json(error, &e->error) != 0 || (e->error.status == GF_UNKNOWN || gf_status_kind(e->error.status) == GF_ERROR_NONE)))
      status = bad_entry(err, source, i, "error",
                         "must be {\"__type\": \"<an error name of the table>\", \"Message\": ...}");
    if (status != GF_OK) {
      gfi_transcript_clear(t);
      return status;
    }
  }
  return GF_OK;
}
