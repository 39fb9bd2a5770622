/*
 * json_write.h - a response's JSON text written straight from its C struct,
 * without a cJSON tree (internal to the core and the fake).
 */
#ifndef GLUEFAKE_CORE_JSON_WRITE_H
#define GLUEFAKE_CORE_JSON_WRITE_H

#include "internal.h"

#include "alloc.h"
#include "shapes.h"

/* Appends `obj`, a `shape`, to `out` as JSON: byte for byte the text of
 * cJSON_PrintUnformatted(gfi_shape_encode(shape, obj)) with the cJSON this
 * is built against (1.7: its member order, string escapes and numbers).
 * Out of memory sets out->failed; else `out` is NUL-terminated.  Failed
 * or not, out->data is the caller's to gfi_free(). */
GFI_SHARED void gfi_shape_write_json(const gfi_shape *shape, const void *obj, gfi_text *out);

#endif
