/*
 * gluefake/json.h - the AWS JSON 1.1 level: the wire shapes of every
 * request and response, and a dispatch function that takes an operation
 * name and a request body and answers what Glue would answer.
 *
 * The HTTP server, fixtures and transcripts all go through this one codec.
 * JSON values are cJSON trees (Debian's libcjson-dev).
 */
#ifndef GLUEFAKE_JSON_H
#define GLUEFAKE_JSON_H

#include <cjson/cJSON.h>

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The answer of gf_json_dispatch(). */
typedef struct gf_json_reply {
  gf_status status;       /* GF_OK or the error */
  int http_status;        /* 200, or the error's (gf_status_http_code()) */
  const char *error_type; /* NULL on success, else "EntityNotFoundException"... (static) */
  char *body;             /* owned: the response JSON or {"__type":..,"Message":..} */
  size_t body_len;
} gf_json_reply;

/*
 * Runs `operation` (a wire name such as "GetSecurityConfiguration") with
 * the request body `body` (`body_len` bytes, need not be NUL-terminated;
 * empty means {}) against `backend`, and fills `reply`.
 *
 * A body that is not a JSON object, or that has a member of the wrong JSON
 * type, gets SerializationException; an unknown operation (or NULL) gets
 * UnknownOperationException.  Unknown members are ignored.
 *
 * Returns 0 with `reply` filled (its body owned by the caller; free with
 * gf_json_reply_clear()), or -1 when not even the reply could be allocated,
 * in which case `reply` holds no body.
 */
GF_API int gf_json_dispatch(gf_backend *backend, const char *operation, const char *body,
                            size_t body_len, gf_json_reply *reply);

/* Frees the body and zeroes the reply.  NULL is allowed. */
GF_API void gf_json_reply_clear(gf_json_reply *reply);

/*
 * The codec.  For each operation `op`, `request`/`response` point to its
 * gf_<op>_request / gf_<op>_response.
 *
 * *_to_json return a new cJSON object owned by the caller (cJSON_Delete),
 * or NULL when out of memory.  Absent members are left out; timestamps are
 * epoch seconds.
 *
 * *_from_json read a cJSON object (borrowed) into a new request/response
 * owned by the caller (free with gf_request_free() / gf_response_free()).
 * Unknown members are ignored, a missing or null member is absent (a
 * scalar's has_ flag false), and a value of the wrong JSON type is
 * GF_SERIALIZATION.  Every other rule, required members included, is the
 * backend's.
 */
GF_API cJSON *gf_request_to_json(gf_operation op, const void *request);
GF_API cJSON *gf_response_to_json(gf_operation op, const void *response);
GF_API gf_status gf_request_from_json(gf_operation op, const cJSON *json, void **request,
                                      gf_error *err);
GF_API gf_status gf_response_from_json(gf_operation op, const cJSON *json, void **response,
                                       gf_error *err);

/* Frees a request made by gf_request_from_json().  NULL is allowed. */
GF_API void gf_request_free(gf_operation op, void *request);

/* A new {"__type": "<Name>", "Message": "..."} object for an error, owned
 * by the caller; NULL when out of memory. */
GF_API cJSON *gf_error_to_json(const gf_error *err);

/* Reads an error body of any dialect AWS services send into `err`: the
 * name under "__type" (or "code"), with or without a "namespace#" prefix
 * and a ":..." suffix, the message under "Message" or "message".  The name,
 * stripped, goes to err->aws_name; a name the error table lacks is
 * GF_UNKNOWN.  Returns 0, or -1 when `json` names no error. */
GF_API int gf_error_from_json(const cJSON *json, gf_error *err);

#ifdef __cplusplus
}
#endif

#endif
