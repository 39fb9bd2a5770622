/*
 * dispatch.c - the JSON level: an operation name and a request body in,
 * the body Glue would answer out, through any backend.
 */
#include <string.h>

#include "alloc.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "json_text.h"
#include "json_write.h"

/*
 * What cJSON would let through but JSON and the C types cannot carry: a raw
 * control character inside a string (invalid JSON), and the escape \u0000,
 * which would cut a C string short.  Returns GF_OK or the error.
 */
static gf_status scan_body(const char *body, size_t len, gf_error *err)
{
  int in_string = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)body[i];
    if (c == '\0')
      return gf_error_set(err, GF_SERIALIZATION, "Request body has a NUL byte at offset %zu",
                          i);
    if (!in_string) {
      in_string = c == '"';
    } else if (c == '"') {
      in_string = 0;
    } else if (c < 0x20) {
      return gf_error_set(err, GF_SERIALIZATION,
                          "Request body is not valid JSON: unescaped control character in a "
                          "string at offset %zu",
                          i);
    } else if (c == '\\' && i + 1 < len) {
      if (body[i + 1] == 'u' && i + 5 < len && strncmp(body + i + 2, "0000", 4) == 0)
        return gf_error_set(err, GF_INVALID_INPUT,
                            "1 validation error detected: a string member holds U+0000 "
                            "(offset %zu), which no member of this API accepts",
                            i);
      i++; /* the escaped character */
    }
  }
  return GF_OK;
}

/* Runs the call; on success its response's text is in `*response`. */
static gf_status run(gf_backend *backend, const char *operation, const char *body,
                     size_t body_len, gfi_text *response, gf_error *err)
{
  gf_operation op;
  if (gf_operation_from_name(operation, &op) != 0)
    return gf_error_set(err, GF_UNKNOWN_OPERATION, "Unknown operation: AWSGlue.%s",
                        operation ? operation : "(none)");
  gf_status status = scan_body(body, body_len, err);
  if (status != GF_OK)
    return status;
  unsigned long failures = gfi_alloc_failures();
  cJSON *json = body_len ? gfi_json_parse_all(body, body_len) : cJSON_CreateObject();
  if (!json && gfi_alloc_failures() != failures)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory parsing the request");
  if (!json)
    return gf_error_set(err, GF_SERIALIZATION, "Request body is not valid JSON");
  if (!cJSON_IsObject(json)) {
    cJSON_Delete(json);
    return gf_error_set(err, GF_SERIALIZATION, "Request body must be a JSON object");
  }
  void *request = NULL, *reply = NULL;
  status = gf_request_from_json(op, json, &request, err);
  cJSON_Delete(json);
  if (status == GF_OK)
    status = gf_call(backend, op, request, &reply, err);
  gf_request_free(op, request);
  if (status == GF_OK) {
    /* Written straight from the struct: the text cJSON would print for
     * gf_response_to_json(), without the tree (json_write.c says why). */
    if (reply)
      gfi_shape_write_json(gfi_response_shapes[op], reply, response);
    gf_response_free(op, reply);
    if (!reply || response->failed) {
      gfi_free(response->data);
      *response = (gfi_text){0};
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory encoding the response");
    }
  }
  return status;
}

int gf_json_dispatch(gf_backend *backend, const char *operation, const char *body,
                     size_t body_len, gf_json_reply *reply)
{
  gf_error err = GF_ERROR_INIT;
  gfi_text text = {0};
  memset(reply, 0, sizeof *reply);
  if (!body)
    body_len = 0;
  reply->status = run(backend, operation, body, body_len, &text, &err);
  reply->http_status = gf_status_http_code(reply->status);
  reply->error_type = reply->status == GF_OK ? NULL : gf_status_name(reply->status);
  if (reply->status == GF_OK) {
    reply->body = text.data;
    reply->body_len = text.len;
  } else {
    /* Errors are few and small: cJSON's tree and printer are fine. */
    cJSON *response = gf_error_to_json(&err);
    reply->body = response ? cJSON_PrintUnformatted(response) : NULL;
    cJSON_Delete(response);
    reply->body_len = reply->body ? strlen(reply->body) : 0;
  }
  gf_error_clear(&err);
  return reply->body ? 0 : -1;
}

void gf_json_reply_clear(gf_json_reply *reply)
{
  if (reply) {
    gfi_free(reply->body);
    memset(reply, 0, sizeof *reply);
  }
}
