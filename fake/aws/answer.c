/* answer.c - an HTTP answer as a response or an error of the table (see answer.h). */
#include "answer.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"

/* The start of a body as a message can quote it: at most 80 bytes, line
 * breaks and other control bytes as spaces or \xNN. */
static void quote_body(const gfi_text *body, char *out, size_t size)
{
  size_t n = 0;
  for (size_t i = 0; i < body->len && i < 80 && n + 5 < size; i++) {
    unsigned char c = (unsigned char)body->data[i];
    if (c == '\n' || c == '\r' || c == '\t')
      out[n++] = ' ';
    else if (c < 0x20 || c == 0x7f)
      n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
    else
      out[n++] = (char)c;
  }
  out[n] = '\0';
}

static gf_status read_success(gf_operation op, const gfi_http_reply *reply, void **out,
                              gf_error *err)
{
  cJSON *json = reply->body.len ? cJSON_ParseWithLength(reply->body.data, reply->body.len)
                                : cJSON_CreateObject();
  gf_status status;
  if (!cJSON_IsObject(json)) {
    char quoted[400];
    quote_body(&reply->body, quoted, sizeof quoted);
    status = gf_error_set(err, GF_SERIALIZATION,
                          "%s: the answer (HTTP %ld) is not a JSON object: '%s'",
                          gf_operation_name(op), reply->status, quoted);
  } else {
    status = gf_response_from_json(op, json, out, err);
  }
  cJSON_Delete(json);
  return status;
}

static gf_status read_failure(gf_operation op, const gfi_http_reply *reply, gf_error *err)
{
  cJSON *json = cJSON_ParseWithLength(reply->body.data ? reply->body.data : "", reply->body.len);
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(json, "__type");
  if (!cJSON_IsString(type))
    type = cJSON_GetObjectItemCaseSensitive(json, "code");
  const char *name = *reply->error_type ? reply->error_type
                     : cJSON_IsString(type) ? type->valuestring
                                            : NULL;
  int named = gfi_error_set_named(err, name, gfi_error_body_message(json)) == 0;
  cJSON_Delete(json);
  if (named)
    return err->status;
  char quoted[400];
  quote_body(&reply->body, quoted, sizeof quoted);
  return gf_error_set(err, reply->status >= 500 ? GF_SERVICE_UNAVAILABLE : GF_UNKNOWN,
                      "%s: HTTP %ld without an error name: '%s'", gf_operation_name(op),
                      reply->status, quoted);
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
  gf_status status = read_failure(op, reply, err);
  err->http_status = (int)reply->status;
  if (*reply->request_id && !(err->request_id = gfi_strdup(reply->request_id)))
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading an error");
  return status;
}
