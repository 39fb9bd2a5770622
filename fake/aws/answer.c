/* answer.c - an HTTP answer as a response or an error of the table (see answer.h). */
#include "answer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/codec.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "text.h"

/* Sets `err` to `status` with "<prefix>'<the body's start, quoted>'". */
static gf_status quoting_body(gf_error *err, gf_status status, const char *prefix,
                              const gfi_http_reply *reply)
{
  gfi_text text = {0};
  gfi_text_append(&text, "%s'", prefix);
  gfi_aws_append_quoted(&text, reply->body.data ? reply->body.data : "", reply->body.len,
                        GFI_AWS_QUOTE_BODY);
  gfi_text_add(&text, "'", 1);
  status = text.failed ? gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading an answer")
                       : gf_error_set(err, status, "%s", text.data);
  gfi_free(text.data);
  return status;
}

/* The body as JSON (empty: {}); NULL when it is none, or when there was no
 * memory to tell, which `out_of_memory` (may be NULL) says: cJSON's NULL
 * means either. */
static cJSON *parse_body(const gfi_http_reply *reply, int *out_of_memory)
{
  unsigned long failures = gfi_alloc_failures();
  cJSON *json = reply->body.len ? cJSON_ParseWithLength(reply->body.data, reply->body.len)
                                : cJSON_CreateObject();
  if (out_of_memory)
    *out_of_memory = !json && gfi_alloc_failures() != failures;
  return json;
}

static gf_status read_success(gf_operation op, const gfi_http_reply *reply, void **out,
                              gf_error *err)
{
  int out_of_memory;
  cJSON *json = parse_body(reply, &out_of_memory);
  gf_status status;
  if (out_of_memory) {
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading a %s answer",
                          gf_operation_name(op));
  } else if (!cJSON_IsObject(json)) {
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s: the answer (HTTP %ld) is not a JSON object: ",
             gf_operation_name(op), reply->status);
    status = quoting_body(err, GF_SERIALIZATION, prefix, reply);
  } else {
    status = gf_response_from_json(op, json, out, err);
  }
  cJSON_Delete(json);
  return status;
}

/* The error an answer names. */
static gf_status read_failure(gf_operation op, const gfi_http_reply *reply, gf_error *err)
{
  /* Running out of memory is told by gfi_aws_read_answer(), for all of the
   * reading. */
  cJSON *json = parse_body(reply, NULL);
  /* The header's name first, as the SDKs read it; the body's message. */
  const char *name = *reply->error_type ? reply->error_type : gfi_error_body_type(json);
  int named = gfi_error_set_named(err, name, gfi_error_body_message(json)) == 0;
  cJSON_Delete(json);
  if (named)
    return err->status;
  char prefix[160];
  snprintf(prefix, sizeof prefix, "%s: HTTP %ld without an error name: ", gf_operation_name(op),
           reply->status);
  return quoting_body(err, reply->status >= 500 ? GF_SERVICE_UNAVAILABLE : GF_UNKNOWN, prefix,
                      reply);
}

gf_status gfi_aws_read_answer(gf_operation op, const char *endpoint, int answered,
                              const gfi_http_reply *reply, void **out, gf_error *err)
{
  if (answered != 0 && reply->too_large)
    return gf_error_set(err, GF_SERIALIZATION, "%s: the answer from %s is %s",
                        gf_operation_name(op), endpoint, reply->reason);
  if (answered != 0)
    return gf_error_set(err, reply->out_of_memory ? GF_INTERNAL_SERVICE : GF_TRANSPORT,
                        "%s: no answer from %s: %s", gf_operation_name(op), endpoint,
                        reply->reason);
  if (reply->status >= 200 && reply->status < 300)
    return read_success(op, reply, out, err);
  unsigned long failures = gfi_alloc_failures();
  gf_status status = read_failure(op, reply, err);
  /* Out of memory while reading it: the error is ours, not the service's,
   * and carries no HTTP status (so it is not retried). */
  if (gfi_alloc_failures() != failures)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading an error");
  err->http_status = (int)reply->status;
  if (*reply->request_id && !(err->request_id = gfi_strdup(reply->request_id)))
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading an error");
  return status;
}
