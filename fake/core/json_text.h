/*
 * json_text.h - reading a whole JSON document with cJSON, nothing before or
 * after it (internal to the core and the fake).
 */
#ifndef GLUEFAKE_CORE_JSON_TEXT_H
#define GLUEFAKE_CORE_JSON_TEXT_H

#include "internal.h"

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gluefake/errors.h"

/* Parses `len` bytes as exactly one JSON value (surrounding whitespace
 * allowed, nothing else).  A new tree owned by the caller, or NULL (tell
 * bad text from no memory with gfi_alloc_failures()). */
GFI_SHARED cJSON *gfi_json_parse_all(const char *text, size_t len);

/* Parses a whole document (fixtures, transcripts): GF_OK and a new tree in
 * *out owned by the caller, GF_INVALID_INPUT "SOURCE:LINE:COL: JSON syntax
 * error", or GF_INTERNAL_SERVICE when out of memory. */
GFI_SHARED gf_status gfi_json_parse_document(const char *json, size_t len,
                                             const char *source, cJSON **out, gf_error *err);

#endif
