/*
 * codec.c - AWS JSON 1.1: every request, response and error as JSON and
 * back, walking the descriptors of shapes.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "codec.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "path.h"

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

static gf_status wrong_type(gf_error *err, const gfi_path *at, const char *expected,
                            const cJSON *item)
{
  char path[512];
  gfi_path_wire(at, path, sizeof path);
  return gf_error_set(err, GF_SERIALIZATION, "%s: must be %s, not %s", path, expected,
                      json_type_name(item));
}

static gf_status no_memory(gf_error *err, const gfi_path *at)
{
  char path[512];
  gfi_path_wire(at, path, sizeof path);
  return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory decoding %s", path);
}

static gf_status decode_object(const gfi_shape *shape, const cJSON *json, void *out,
                               const gfi_path *at, gf_error *err);

static gf_status decode_member(const gfi_member *m, const cJSON *item, void *out,
                               const gfi_path *at, gf_error *err)
{
  void *slot = GF_MEMBER_PTR(out, m->offset);
  switch (m->kind) {
  case GF_KIND_STRING:
    if (!cJSON_IsString(item))
      return wrong_type(err, at, "a string", item);
    if (!(*(char **)slot = gfi_strdup(item->valuestring)))
      return no_memory(err, at);
    return GF_OK;
  case GF_KIND_BOOL:
    if (!cJSON_IsBool(item))
      return wrong_type(err, at, "a boolean", item);
    *(bool *)slot = cJSON_IsTrue(item);
    *(bool *)GF_MEMBER_PTR(out, m->aux_offset) = true;
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
    void *inner = gfi_calloc(1, m->shape->size);
    if (!inner)
      return no_memory(err, at);
    *(void **)slot = inner;
    return decode_object(m->shape, item, inner, at, err);
  }
  case GF_KIND_LIST: {
    if (!cJSON_IsArray(item))
      return wrong_type(err, at, "an array", item);
    size_t count = (size_t)cJSON_GetArraySize(item);
    char *items = gfi_calloc(count ? count : 1, m->shape->size);
    if (!items)
      return no_memory(err, at);
    *(void **)slot = items;
    size_t *stored = GF_MEMBER_PTR(out, m->aux_offset);
    *stored = 0;
    const cJSON *element;
    cJSON_ArrayForEach(element, item)
    {
      const gfi_path element_at = {at, NULL, *stored, NULL};
      /* Count the element before decoding it, so a failure frees it too. */
      void *target = items + (*stored)++ * m->shape->size;
      if (!cJSON_IsObject(element))
        return wrong_type(err, &element_at, "an object", element);
      gf_status status = decode_object(m->shape, element, target, &element_at, err);
      if (status != GF_OK)
        return status;
    }
    return GF_OK;
  }
  }
  return GF_OK;
}

/* An absent or null member stays absent: whether it may be is validation's
 * business, not the codec's. */
static gf_status decode_object(const gfi_shape *shape, const cJSON *json, void *out,
                               const gfi_path *parent, gf_error *err)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    const gfi_path at = {parent, m, 0, NULL};
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, m->wire);
    if (!item || cJSON_IsNull(item))
      continue;
    gf_status status = decode_member(m, item, out, &at, err);
    if (status != GF_OK)
      return status;
  }
  return GF_OK;
}

/* Decodes `json` into a new object of `shape`. */
static gf_status decode_new(const gfi_shape *shape, const cJSON *json, void **out,
                            gf_error *err)
{
  *out = NULL;
  const gfi_path root = GF_PATH_ROOT(shape->name);
  if (!cJSON_IsObject(json))
    return wrong_type(err, &root, "an object", json);
  void *obj = gfi_calloc(1, shape->size);
  if (!obj)
    return no_memory(err, &root);
  const gfi_path top = GF_PATH_ROOT("");
  gf_status status = decode_object(shape, json, obj, &top, err);
  /* What gluefake hands out is packed: one allocation, one free. */
  void *packed = status == GF_OK ? gfi_shape_pack(shape, obj) : NULL;
  gfi_shape_free(shape, obj);
  if (status == GF_OK && !packed)
    status = no_memory(err, &root);
  *out = packed;
  return status;
}

gf_status gfi_shape_decode_into(const gfi_shape *shape, const cJSON *json, void *out,
                                const char *wire_prefix, gf_error *err)
{
  memset(out, 0, shape->size);
  const gfi_path root = GF_PATH_ROOT(*wire_prefix ? wire_prefix : shape->name);
  if (!cJSON_IsObject(json))
    return wrong_type(err, &root, "an object", json);
  const gfi_path top = GF_PATH_ROOT(wire_prefix);
  gf_status status = decode_object(shape, json, out, &top, err);
  if (status != GF_OK)
    gfi_shape_free_members(shape, out);
  return status;
}

cJSON *gfi_shape_encode(const gfi_shape *shape, const void *obj)
{
  cJSON *json = cJSON_CreateObject();
  for (size_t i = 0; json && i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    if (!gfi_member_present(m, obj))
      continue;
    const void *slot = GF_MEMBER_CPTR(obj, m->offset);
    cJSON *item = NULL;
    switch (m->kind) {
    case GF_KIND_STRING:
      item = cJSON_CreateString(*(const char *const *)slot);
      break;
    case GF_KIND_BOOL:
      item = cJSON_CreateBool(*(const bool *)slot);
      break;
    case GF_KIND_INT:
      item = cJSON_CreateNumber((double)*(const int64_t *)slot);
      break;
    case GF_KIND_TIMESTAMP:
      item = cJSON_CreateNumber(*(const double *)slot);
      break;
    case GF_KIND_STRUCT:
      item = gfi_shape_encode(m->shape, *(const void *const *)slot);
      break;
    case GF_KIND_LIST: {
      const char *items = *(const char *const *)slot;
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      item = cJSON_CreateArray();
      for (size_t j = 0; item && j < count; j++) {
        cJSON *element = gfi_shape_encode(m->shape, items + j * m->shape->size);
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
  return valid_op(op) && request ? gfi_shape_encode(gfi_request_shapes[op], request) : NULL;
}

cJSON *gf_response_to_json(gf_operation op, const void *response)
{
  return valid_op(op) && response ? gfi_shape_encode(gfi_response_shapes[op], response) : NULL;
}

/* Decodes `json` as the request or the response (`shapes`) of `op`. */
static gf_status decode_for(const gfi_shape *const shapes[], gf_operation op, const cJSON *json,
                            void **out, gf_error *err)
{
  if (!valid_op(op))
    return gf_error_set(err, GF_UNKNOWN_OPERATION, "operation %d is not one of the ten",
                        (int)op);
  return decode_new(shapes[op], json, out, err);
}

gf_status gf_request_from_json(gf_operation op, const cJSON *json, void **request,
                               gf_error *err)
{
  return decode_for(gfi_request_shapes, op, json, request, err);
}

gf_status gf_response_from_json(gf_operation op, const cJSON *json, void **response,
                                gf_error *err)
{
  return decode_for(gfi_response_shapes, op, json, response, err);
}

void gf_request_free(gf_operation op, void *request)
{
  (void)op;
  gfi_free(request); /* packed by gf_request_from_json */
}

/* `value` as Java's Double.toString() prints a large double: the shortest
 * mantissa that reads back exactly, at least one digit after its point,
 * then "E" and the exponent ("1.708699485E9"). */
static void java_e_notation(double value, char *out, size_t size)
{
  char text[40];
  for (int digits = 1; digits <= 17; digits++) {
    snprintf(text, sizeof text, "%.*e", digits, value);
    if (strtod(text, NULL) == value)
      break;
  }
  /* "1.708699485e+09" -> mantissa "1.708699485", exponent 9. */
  char *e = strchr(text, 'e');
  int exponent = atoi(e + 1);
  *e = '\0';
  size_t len = strlen(text);
  while (len > 2 && text[len - 1] == '0' && text[len - 2] != '.')
    text[--len] = '\0';
  snprintf(out, size, "%sE%d", text, exponent);
}

int gfi_timestamps_in_e_notation(const gfi_shape *shape, cJSON *json)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    cJSON *item = cJSON_GetObjectItemCaseSensitive(json, m->wire);
    if (!item)
      continue;
    if (m->kind == GF_KIND_TIMESTAMP && cJSON_IsNumber(item)) {
      char text[48];
      java_e_notation(item->valuedouble, text, sizeof text);
      cJSON *raw = cJSON_CreateRaw(text);
      if (!raw || !cJSON_ReplaceItemInObjectCaseSensitive(json, m->wire, raw)) {
        cJSON_Delete(raw);
        return -1;
      }
    } else if (m->kind == GF_KIND_STRUCT && cJSON_IsObject(item)) {
      if (gfi_timestamps_in_e_notation(m->shape, item) != 0)
        return -1;
    } else if (m->kind == GF_KIND_LIST && cJSON_IsArray(item)) {
      cJSON *element;
      cJSON_ArrayForEach(element, item)
      {
        if (cJSON_IsObject(element) && gfi_timestamps_in_e_notation(m->shape, element) != 0)
          return -1;
      }
    }
  }
  return 0;
}

cJSON *gfi_error_body_in(unsigned dialect, const char *type, const char *message)
{
  char namespaced[300];
  if (dialect == 1) {
    snprintf(namespaced, sizeof namespaced, "com.amazonaws.glue#%s", type);
    type = namespaced;
  }
  cJSON *json = cJSON_CreateObject();
  if (json && (!cJSON_AddStringToObject(json, "__type", type) ||
               !cJSON_AddStringToObject(json, dialect == 3 ? "message" : "Message", message))) {
    cJSON_Delete(json);
    json = NULL;
  }
  return json;
}

void gfi_error_type_header_in(unsigned dialect, const char *type, char *out, size_t size)
{
  snprintf(out, size, dialect == 2 ? "%s:http://internal.amazon.com/coral/com.amazonaws.glue/" : "%s",
           type);
}

cJSON *gfi_error_body(const char *type, const char *message)
{
  return gfi_error_body_in(0, type, message);
}

cJSON *gf_error_to_json(const gf_error *err)
{
  const char *name = gf_status_name(err->status);
  return gfi_error_body(name ? name : gf_status_name(GF_UNKNOWN), gf_error_message(err));
}

int gfi_error_name(const char *text, char *name, size_t size)
{
  const char *start = strrchr(text, '#');
  start = start ? start + 1 : text;
  size_t len = strcspn(start, ":");
  if (len == 0 || len >= size)
    return -1;
  memcpy(name, start, len);
  name[len] = '\0';
  return 0;
}

const char *gfi_error_body_type(const cJSON *json)
{
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(json, "__type");
  if (!cJSON_IsString(type))
    type = cJSON_GetObjectItemCaseSensitive(json, "code"); /* some services name it "code" */
  return cJSON_IsString(type) ? type->valuestring : NULL;
}

const char *gfi_error_body_message(const cJSON *json)
{
  const cJSON *message = cJSON_GetObjectItemCaseSensitive(json, "Message");
  if (!message)
    message = cJSON_GetObjectItemCaseSensitive(json, "message");
  return cJSON_IsString(message) ? message->valuestring : NULL;
}

int gfi_error_set_named(gf_error *err, const char *type, const char *message)
{
  char name[256];
  if (!type || gfi_error_name(type, name, sizeof name) != 0)
    return -1;
  gf_status status;
  if (gf_status_from_name(name, &status) != 0)
    status = GF_UNKNOWN;
  gf_error_set(err, status, "%s", message ? message : "");
  if (err && !(err->aws_name = gfi_strdup(name)))
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory reading an error");
  return 0;
}

int gf_error_from_json(const cJSON *json, gf_error *err)
{
  return gfi_error_set_named(err, gfi_error_body_type(json), gfi_error_body_message(json));
}
