/*
 * shapes.h - the API's shapes as data, and the walks that free, pack and
 * relocate them (internal to the core and the fake).
 *
 * Each request, response and data type is described once: its members,
 * where they sit in the C struct, how they look on the wire and which
 * constraints they carry.  Freeing, packing, validation and the JSON
 * codec all walk these descriptors, so a member is spelled in one place.
 */
#ifndef GLUEFAKE_CORE_SHAPES_H
#define GLUEFAKE_CORE_SHAPES_H

#include "internal.h"

#include <stddef.h>
#include <stdint.h>

#include "gluefake/types.h"

typedef enum gfi_member_kind {
  GF_KIND_STRING,    /* const char * */
  GF_KIND_BOOL,      /* bool, with a has_ flag */
  GF_KIND_INT,       /* int64_t, with a has_ flag */
  GF_KIND_TIMESTAMP, /* double, with a has_ flag */
  GF_KIND_STRUCT,    /* const T *, NULL when absent */
  GF_KIND_LIST       /* const T *, with a size_t count */
} gfi_member_kind;

/* Constraints on a string beyond its length. */
typedef enum gfi_string_rule {
  GF_RULE_NONE,
  GF_RULE_SINGLE_LINE, /* TAB, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF */
  GF_RULE_KMS_ARN,     /* ^$|arn:aws[a-z0-9-]*:kms:.* */
  GF_RULE_IAM_ROLE_ARN, /* ^arn:aws(-(cn|us-gov|iso(-[bef])?))?:iam::[0-9]{12}:role/.+ */
  GF_RULE_GLUE_ARN,    /* arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.* */
  GF_RULE_JSON_TEXT    /* parses as one JSON value */
} gfi_string_rule;

#define GF_NO_AUX SIZE_MAX

typedef struct gfi_shape gfi_shape;

typedef struct gfi_member {
  const char *wire;      /* wire name, "KmsKeyArn" */
  const char *aws_path;  /* its segment in AWS validation messages, "kmsKeyArn" */
  gfi_member_kind kind;
  size_t offset;         /* of the value in the C struct */
  size_t aux_offset;     /* has_ flag (BOOL, INT, TIMESTAMP) or count (LIST); else GF_NO_AUX */
  const gfi_shape *shape; /* STRUCT target or LIST element */
  int required;
  size_t min_len, max_len; /* STRING, in bytes; max_len 0 = unbounded */
  gfi_string_rule rule;
  const char *const *enum_values; /* STRING: NULL-terminated set, or NULL */
  int64_t min_value, max_value;   /* INT */
} gfi_member;

struct gfi_shape {
  const char *name; /* shape name of the service model */
  size_t size;      /* sizeof the C struct */
  const gfi_member *members;
  size_t member_count;
};

/* Shapes of the operations' requests and responses, by operation. */
GFI_SHARED extern const gfi_shape *const gfi_request_shapes[GF_OPERATION_COUNT];
GFI_SHARED extern const gfi_shape *const gfi_response_shapes[GF_OPERATION_COUNT];

GFI_SHARED extern const gfi_shape gfi_shape_security_configuration;
GFI_SHARED extern const gfi_shape gfi_shape_encryption_configuration;
GFI_SHARED extern const gfi_shape gfi_shape_data_catalog_encryption_settings;

/* Frees what `obj` points to (not `obj` itself). */
GFI_SHARED void gfi_shape_free_members(const gfi_shape *shape, void *obj);

/* Frees what `obj` points to, then `obj`.  NULL is allowed. */
GFI_SHARED void gfi_shape_free(const gfi_shape *shape, void *obj);

/* A new deep copy of `src` in ONE allocation - the object first, then what
 * it points to - freed with a single gfi_free().  Every request and response
 * gluefake hands out is packed this way.  NULL when out of memory. */
GFI_SHARED void *gfi_shape_pack(const gfi_shape *shape, const void *src);

/* gfi_shape_pack() behind `header` zeroed bytes (rounded up to 8) of the
 * caller's: the object starts at block + GF_PACK_OFFSET(header).  Its own
 * size goes to `*packed_size` when given.  NULL when out of memory. */
GFI_SHARED void *gfi_shape_pack_after(const gfi_shape *shape, const void *src,
                                      size_t header, size_t *packed_size);

/* A copy of `packed`, a packed object of `packed_size` bytes, behind
 * `header` zeroed bytes as above: a byte copy whose pointers are moved,
 * no walk of the strings.  NULL when out of memory. */
GFI_SHARED void *gfi_shape_repack_after(const gfi_shape *shape, const void *packed,
                                        size_t packed_size, size_t header);

/* Moves the pointers of `obj`, whose pointees were byte-copied from
 * `from` to `to` with everything they point to, by the same offsets.
 * `obj` itself may be anywhere. */
GFI_SHARED void gfi_shape_relocate(const gfi_shape *shape, void *obj, const char *from,
                                   char *to);

#define GF_PACK_OFFSET(header) (((header) + 7) & ~(size_t)7)

/* Typed access to a member's storage. */
#define GF_MEMBER_PTR(obj, off) ((void *)((char *)(obj) + (off)))
#define GF_MEMBER_CPTR(obj, off) ((const void *)((const char *)(obj) + (off)))

/* Whether member `m` of `obj` is present: its has_ flag for a scalar, a
 * non-NULL pointer for the rest. */
static inline int gfi_member_present(const gfi_member *m, const void *obj)
{
  if (m->kind == GF_KIND_BOOL || m->kind == GF_KIND_INT || m->kind == GF_KIND_TIMESTAMP)
    return *(const bool *)GF_MEMBER_CPTR(obj, m->aux_offset);
  return *(const void *const *)GF_MEMBER_CPTR(obj, m->offset) != NULL;
}

#endif
