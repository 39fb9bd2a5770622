/*
 * codec.c - AWS JSON 1.1: the wire shapes of every request and response
 * (walking the descriptors of shapes.c) and the JSON-level dispatch.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "shapes.h"


static const char *json_type_name(const cJSON *item)
{
  if (cJSON_IsString(item))
    return "a string";
  if (cJSON_IsNumber(item))
    return "a number";
  if (cJSON_IsBool(item))
    return "a boolean";
  if (cJSON_IsArray(item))
    return "an array";
  if (cJSON_IsObject(item))
    return "an object";
  return "null";
}

static gf_status wrong_type(gf_error *err, const gf_path *at, const char *expected,
                            const cJSON *item)
{
  char path[512];
  gf_path_wire(at, path, sizeof path);
  return gf_error_set(err, GF_SERIALIZATION, "%s: must be %s, not %s", path, expected,
                      json_type_name(item));
}

static gf_status no_memory(gf_error *err, const gf_path *at)
{
  char path[512];
  gf_path_wire(at, path, sizeof path);
  return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory decoding %s", path);
}

/* Where decoding reports a missing required boolean: AWS's message in
 * `err`, or, for callers that word errors themselves (fixtures), `sink`. */
typedef struct decoder {
  gf_error *err;
  gf_violations *sink;
} decoder;

static gf_status decode_object(const gf_shape *shape, const cJSON *json, void *out,
                               const gf_path *at, const decoder *d);

static gf_status decode_member(const gf_member *m, const cJSON *item, void *out,
                               const gf_path *at, const decoder *d)
{
  gf_error *err = d->err;
  void *slot = GF_MEMBER_PTR(out, m->offset);
  switch (m->kind) {
  case GF_KIND_STRING:
    if (!cJSON_IsString(item))
      return wrong_type(err, at, "a string", item);
    if (!(*(char **)slot = gf_strdup(item->valuestring)))
      return no_memory(err, at);
    return GF_OK;
  case GF_KIND_BOOL:
    if (!cJSON_IsBool(item))
      return wrong_type(err, at, "a boolean", item);
    *(bool *)slot = cJSON_IsTrue(item);
    return GF_OK;
  case GF_KIND_INT:
    /* An integer a C int64_t holds; 2^63 is how INT64_MAX prints as a
     * double, so what the encoder writes always reads back. */
    if (!cJSON_IsNumber(item) || floor(item->valuedouble) != item->valuedouble ||
        item->valuedouble > 9223372036854775808.0 || item->valuedouble < -9223372036854775808.0)
      return wrong_type(err, at, "an integer", item);
    *(int64_t *)slot = item->valuedouble >= 9223372036854775807.0 ? INT64_MAX
                                                                  : (int64_t)item->valuedouble;
    *(bool *)GF_MEMBER_PTR(out, m->aux_offset) = true;
    return GF_OK;
  case GF_KIND_TIMESTAMP:
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble))
      return wrong_type(err, at, "a finite number of epoch seconds", item);
    *(double *)slot = item->valuedouble;
    *(bool *)GF_MEMBER_PTR(out, m->aux_offset) = true;
    return GF_OK;
  case GF_KIND_STRUCT: {
    if (!cJSON_IsObject(item))
      return wrong_type(err, at, "an object", item);
    void *inner = gf_calloc(1, m->shape->size);
    if (!inner)
      return no_memory(err, at);
    *(void **)slot = inner;
    return decode_object(m->shape, item, inner, at, d);
  }
  case GF_KIND_LIST: {
    if (!cJSON_IsArray(item))
      return wrong_type(err, at, "an array", item);
    size_t count = (size_t)cJSON_GetArraySize(item);
    char *items = gf_calloc(count ? count : 1, m->shape->size);
    if (!items)
      return no_memory(err, at);
    *(void **)slot = items;
    size_t *stored = GF_MEMBER_PTR(out, m->aux_offset);
    *stored = 0;
    const cJSON *element;
    cJSON_ArrayForEach(element, item)
    {
      const gf_path element_at = {at, NULL, *stored, NULL};
      /* Count the element before decoding it, so a failure frees it too. */
      void *target = items + (*stored)++ * m->shape->size;
      if (!cJSON_IsObject(element))
        return wrong_type(err, &element_at, "an object", element);
      gf_status status = decode_object(m->shape, element, target, &element_at, d);
      if (status != GF_OK)
        return status;
    }
    return GF_OK;
  }
  }
  return GF_OK;
}

static gf_status decode_object(const gf_shape *shape, const cJSON *json, void *out,
                               const gf_path *parent, const decoder *d)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    const gf_path at = {parent, m, 0, NULL};
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, m->wire);
    if (!item || cJSON_IsNull(item)) {
      /* Absent is expressible for every kind but a plain bool. */
      if (m->kind == GF_KIND_BOOL && m->required) {
        gf_violations v;
        gf_violations_init(&v);
        gf_violation_add(d->sink ? d->sink : &v, &at, 1, "Member must not be null");
        return d->sink ? GF_INVALID_INPUT : gf_violations_to_error(&v, d->err);
      }
      continue;
    }
    gf_status status = decode_member(m, item, out, &at, d);
    if (status != GF_OK)
      return status;
  }
  return GF_OK;
}

/* Decodes `json` into a new object of `shape`. */
static gf_status decode_new(const gf_shape *shape, const cJSON *json, void **out,
                            gf_error *err)
{
  *out = NULL;
  const gf_path root = GF_PATH_ROOT(shape->name);
  if (!cJSON_IsObject(json))
    return wrong_type(err, &root, "an object", json);
  void *obj = gf_calloc(1, shape->size);
  if (!obj)
    return no_memory(err, &root);
  const gf_path top = GF_PATH_ROOT("");
  const decoder d = {err, NULL};
  gf_status status = decode_object(shape, json, obj, &top, &d);
  /* What gluefake hands out is packed: one allocation, one free. */
  void *packed = status == GF_OK ? gf_shape_pack(shape, obj) : NULL;
  gf_shape_free(shape, obj);
  if (status == GF_OK && !packed)
    status = no_memory(err, &root);
  *out = packed;
  return status;
}

gf_status gf_shape_decode_into(const gf_shape *shape, const cJSON *json, void *out,
                               const char *wire_prefix, gf_violations *sink, gf_error *err)
{
  memset(out, 0, shape->size);
  const gf_path root = GF_PATH_ROOT(*wire_prefix ? wire_prefix : shape->name);
  if (!cJSON_IsObject(json))
    return wrong_type(err, &root, "an object", json);
  const gf_path top = GF_PATH_ROOT(wire_prefix);
  const decoder d = {err, sink};
  gf_status status = decode_object(shape, json, out, &top, &d);
  if (status != GF_OK)
    gf_shape_free_members(shape, out);
  return status;
}

cJSON *gf_shape_encode(const gf_shape *shape, const void *obj)
{
  cJSON *json = cJSON_CreateObject();
  for (size_t i = 0; json && i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    const void *slot = GF_MEMBER_CPTR(obj, m->offset);
    cJSON *item = NULL;
    switch (m->kind) {
    case GF_KIND_STRING: {
      const char *s = *(const char *const *)slot;
      if (!s)
        continue;
      item = cJSON_CreateString(s);
      break;
    }
    case GF_KIND_BOOL:
      item = cJSON_CreateBool(*(const bool *)slot);
      break;
    case GF_KIND_INT:
      if (!*(const bool *)GF_MEMBER_CPTR(obj, m->aux_offset))
        continue;
      item = cJSON_CreateNumber((double)*(const int64_t *)slot);
      break;
    case GF_KIND_TIMESTAMP:
      if (!*(const bool *)GF_MEMBER_CPTR(obj, m->aux_offset))
        continue;
      item = cJSON_CreateNumber(*(const double *)slot);
      break;
    case GF_KIND_STRUCT: {
      const void *inner = *(const void *const *)slot;
      if (!inner)
        continue;
      item = gf_shape_encode(m->shape, inner);
      break;
    }
    case GF_KIND_LIST: {
      const char *items = *(const char *const *)slot;
      if (!items)
        continue;
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      item = cJSON_CreateArray();
      for (size_t j = 0; item && j < count; j++) {
        cJSON *element = gf_shape_encode(m->shape, items + j * m->shape->size);
        if (!element || !cJSON_AddItemToArray(item, element)) {
          cJSON_Delete(element);
          cJSON_Delete(item);
          item = NULL;
        }
      }
      break;
    }
    }
    if (!item || !cJSON_AddItemToObject(json, m->wire, item)) {
      cJSON_Delete(item);
      cJSON_Delete(json);
      json = NULL;
    }
  }
  return json;
}

static int valid_op(gf_operation op) { return (unsigned)op < GF_OPERATION_COUNT; }

cJSON *gf_request_to_json(gf_operation op, const void *request)
{
  return valid_op(op) && request ? gf_shape_encode(gf_request_shapes[op], request) : NULL;
}

cJSON *gf_response_to_json(gf_operation op, const void *response)
{
  return valid_op(op) && response ? gf_shape_encode(gf_response_shapes[op], response) : NULL;
}

gf_status gf_request_from_json(gf_operation op, const cJSON *json, void **request,
                               gf_error *err)
{
  if (!valid_op(op))
    return gf_error_set(err, GF_UNKNOWN_OPERATION, "operation %d is not one of the nine",
                        (int)op);
  return decode_new(gf_request_shapes[op], json, request, err);
}

gf_status gf_response_from_json(gf_operation op, const cJSON *json, void **response,
                                gf_error *err)
{
  if (!valid_op(op))
    return gf_error_set(err, GF_UNKNOWN_OPERATION, "operation %d is not one of the nine",
                        (int)op);
  return decode_new(gf_response_shapes[op], json, response, err);
}

void gf_request_free(gf_operation op, void *request)
{
  (void)op;
  gf_free(request); /* packed by gf_request_from_json */
}

cJSON *gf_error_body(const char *type, const char *message)
{
  cJSON *json = cJSON_CreateObject();
  if (json && (!cJSON_AddStringToObject(json, "__type", type) ||
               !cJSON_AddStringToObject(json, "Message", message))) {
    cJSON_Delete(json);
    json = NULL;
  }
  return json;
}

cJSON *gf_error_to_json(const gf_error *err)
{
  const char *name = gf_status_name(err->status);
  return gf_error_body(name ? name : "UnknownError", gf_error_message(err));
}

int gf_error_from_json(const cJSON *json, gf_error *err)
{
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(json, "__type");
  const cJSON *message = cJSON_GetObjectItemCaseSensitive(json, "Message");
  if (!message)
    message = cJSON_GetObjectItemCaseSensitive(json, "message");
  if (!cJSON_IsString(type))
    return -1;
  const char *name = strrchr(type->valuestring, '#');
  name = name ? name + 1 : type->valuestring;
  gf_status status;
  if (gf_status_from_name(name, &status) != 0)
    return -1;
  gf_error_set(err, status, "%s", cJSON_IsString(message) ? message->valuestring : "");
  return 0;
}

int gf_status_http_code(gf_status status)
{
  return status == GF_OK ? 200 : status == GF_INTERNAL_SERVICE ? 500 : 400;
}

/* Parses `len` bytes as one JSON value with nothing but whitespace after
 * it; NULL when they are not.  `*end` is where cJSON stopped (after the
 * trailing whitespace). */
static cJSON *parse_whole(const char *text, size_t len, const char **end)
{
  *end = NULL;
  cJSON *json = cJSON_ParseWithLengthOpts(text, len, end, 0);
  while (json && *end < text + len &&
         (**end == ' ' || **end == '\t' || **end == '\n' || **end == '\r'))
    (*end)++;
  if (json && *end != text + len) {
    cJSON_Delete(json);
    json = NULL;
  }
  return json;
}

cJSON *gf_json_parse_all(const char *text, size_t len)
{
  const char *end;
  return parse_whole(text, len, &end);
}

gf_status gf_json_parse_document(const char *json, size_t len, const char *source,
                                 cJSON **out, gf_error *err)
{
  const char *end = NULL;
  unsigned long failures = gf_alloc_failures();
  *out = NULL;
  cJSON *root = json ? parse_whole(json, len, &end) : NULL;
  if (!root && gf_alloc_failures() != failures)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory parsing it", source);
  if (!root) {
    size_t offset = json && end && end >= json && end <= json + len ? (size_t)(end - json) : 0;
    /* Where cJSON stopped: the offending byte, one past it when a member
     * name was expected, or the last byte when the text ends too early. */
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset; i++) {
      if (json[i] == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    return gf_error_set(err, GF_INVALID_INPUT, "%s:%zu:%zu: JSON syntax error", source, line,
                        column);
  }
  *out = root;
  return GF_OK;
}

/* ---- dispatch ------------------------------------------------------------ */

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

static gf_status run(gf_backend *backend, const char *operation, const char *body,
                     size_t body_len, cJSON **response, gf_error *err)
{
  gf_operation op;
  if (gf_operation_from_name(operation, &op) != 0)
    return gf_error_set(err, GF_UNKNOWN_OPERATION, "Unknown operation: AWSGlue.%s",
                        operation ? operation : "(none)");
  gf_status status = scan_body(body, body_len, err);
  if (status != GF_OK)
    return status;
  unsigned long failures = gf_alloc_failures();
  cJSON *json = body_len ? gf_json_parse_all(body, body_len) : cJSON_CreateObject();
  if (!json && gf_alloc_failures() != failures)
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
    *response = gf_response_to_json(op, reply);
    gf_response_free(op, reply);
    if (!*response)
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory encoding the response");
  }
  return status;
}

int gf_json_dispatch(gf_backend *backend, const char *operation, const char *body,
                     size_t body_len, gf_json_reply *reply)
{
  gf_error err = GF_ERROR_INIT;
  cJSON *response = NULL;
  memset(reply, 0, sizeof *reply);
  if (!body)
    body_len = 0;
  reply->status = run(backend, operation, body, body_len, &response, &err);
  if (reply->status != GF_OK)
    response = gf_error_to_json(&err);
  reply->http_status = gf_status_http_code(reply->status);
  reply->error_type = reply->status == GF_OK ? NULL : gf_status_name(reply->status);
  reply->body = response ? cJSON_PrintUnformatted(response) : NULL;
  cJSON_Delete(response);
  gf_error_clear(&err);
  if (!reply->body)
    return -1;
  reply->body_len = strlen(reply->body);
  return 0;
}

void gf_json_reply_clear(gf_json_reply *reply)
{
  if (reply) {
    gf_free(reply->body);
    memset(reply, 0, sizeof *reply);
  }
}
