/*
 * codec.h - the JSON codec's walks for the fake's own documents, fixtures
 * and transcripts (internal to the core and the fake).
 */
#ifndef GLUEFAKE_CORE_CODEC_H
#define GLUEFAKE_CORE_CODEC_H

#include "internal.h"

#include <cjson/cJSON.h>

#include "shapes.h"

/* A new cJSON object for `obj` of `shape`, owned by the caller; NULL when
 * out of memory.  Absent members are left out. */
GFI_SHARED cJSON *gfi_shape_encode(const gfi_shape *shape, const void *obj);

/* Reads the members of `json` into `out`, a `shape` zeroed first, with
 * member paths in messages prefixed by `wire_prefix`.  On failure nothing
 * is left to free.  A value of the wrong JSON type is GF_SERIALIZATION. */
GFI_SHARED gf_status gfi_shape_decode_into(const gfi_shape *shape, const cJSON *json, void *out,
                                           const char *wire_prefix, gf_error *err);

/* Rewrites each timestamp in `json`, an encoded `shape`, in Java's
 * E-notation ("1.708699485E9"), as some AWS services print them: a dialect
 * clients must read (the server's --wire-variants).  0, or -1 when out of
 * memory, leaving `json` valid with some timestamps rewritten. */
GFI_SHARED int gfi_timestamps_in_e_notation(const gfi_shape *shape, cJSON *json);

/* An error body of the wire protocol, {"__type": type, "Message": message},
 * also for the HTTP layer's own errors whose type is no gf_status
 * ("RequestEntityTooLarge").  A new object owned by the caller; NULL when
 * out of memory. */
GFI_SHARED cJSON *gfi_error_body(const char *type, const char *message);

/* The dialects AWS services write errors in (README: "Wire variants"),
 * which gf_error_from_json() reads all of: (0) {"__type": "Name",
 * "Message": ...} and x-amzn-ErrorType: Name, gfi_error_body()'s; (1)
 * "__type": "com.amazonaws.glue#Name"; (2) x-amzn-ErrorType:
 * "Name:http://internal.amazon.com/coral/com.amazonaws.glue/"; (3) the
 * message under "message". */
#define GFI_ERROR_DIALECTS 4

/* gfi_error_body() in `dialect`. */
GFI_SHARED cJSON *gfi_error_body_in(unsigned dialect, const char *type, const char *message);

/* The x-amzn-ErrorType header of error `type` in `dialect`, into `out`
 * (`size` bytes). */
GFI_SHARED void gfi_error_type_header_in(unsigned dialect, const char *type, char *out,
                                         size_t size);

/* The name of an error as a wire spells it ("com.amazonaws.glue#Name",
 * "Name:http://internal.amazon.com/...", "Name"): "Name" into `name`
 * (`size` bytes).  0, or -1 when there is none or it does not fit. */
GFI_SHARED int gfi_error_name(const char *text, char *name, size_t size);

/* The name of an error body of any dialect, as written ("__type", or
 * "code" as some services name it), borrowed from `json`; NULL when it has
 * none. */
GFI_SHARED const char *gfi_error_body_type(const cJSON *json);

/* The message of an error body of any dialect ("Message" or "message"),
 * borrowed from `json`; NULL when it has none. */
GFI_SHARED const char *gfi_error_body_message(const cJSON *json);

/* Sets `err` to the error a wire names `type` (any dialect, see
 * gfi_error_name(); a name the table lacks is GF_UNKNOWN), with `message`
 * (NULL: none) and the stripped name in err->aws_name.  0, or -1 when
 * `type` names no error (`err` untouched). */
GFI_SHARED int gfi_error_set_named(gf_error *err, const char *type, const char *message);

#endif
