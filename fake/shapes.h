/*
 * shapes.h - the API's shapes as data (internal).
 *
 * Each request, response and data type is described once: its members,
 * where they sit in the C struct, how they look on the wire and which
 * constraints they carry.  Freeing, packing, validation and the JSON
 * codec all walk these descriptors, so a member is spelled in one place.
 */
#ifndef GLUEFAKE_SHAPES_H
#define GLUEFAKE_SHAPES_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "gluefake/types.h"

typedef enum gf_member_kind {
  GF_KIND_STRING,    /* const char * */
  GF_KIND_BOOL,      /* bool */
  GF_KIND_INT,       /* int64_t, with a has_ flag */
  GF_KIND_TIMESTAMP, /* double, with a has_ flag */
  GF_KIND_STRUCT,    /* const T *, NULL when absent */
  GF_KIND_LIST       /* const T *, with a size_t count */
} gf_member_kind;

/* Constraints on a string beyond its length. */
typedef enum gf_string_rule {
  GF_RULE_NONE,
  GF_RULE_SINGLE_LINE, /* TAB, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF */
  GF_RULE_KMS_ARN,     /* arn:aws:kms:.* */
  GF_RULE_GLUE_ARN,    /* arn:(aws|aws-us-gov|aws-cn):glue:.* */
  GF_RULE_JSON_TEXT    /* parses as one JSON value */
} gf_string_rule;

#define GF_NO_AUX SIZE_MAX

typedef struct gf_shape gf_shape;

typedef struct gf_member {
  const char *wire;      /* wire name, "KmsKeyArn" */
  const char *aws_path;  /* its segment in AWS validation messages, "kmsKeyArn" */
  gf_member_kind kind;
  size_t offset;         /* of the value in the C struct */
  size_t aux_offset;     /* has_ flag (INT, TIMESTAMP) or count (LIST); else GF_NO_AUX */
  const gf_shape *shape; /* STRUCT target or LIST element */
  int required;
  size_t min_len, max_len; /* STRING, in bytes; max_len 0 = unbounded */
  gf_string_rule rule;
  const char *const *enum_values; /* STRING: NULL-terminated set, or NULL */
  int64_t min_value, max_value;   /* INT */
} gf_member;

struct gf_shape {
  const char *name; /* shape name of the service model */
  size_t size;      /* sizeof the C struct */
  const gf_member *members;
  size_t member_count;
};

/* Shapes of the operations' requests and responses, by operation. */
extern const gf_shape *const gf_request_shapes[GF_OPERATION_COUNT];
extern const gf_shape *const gf_response_shapes[GF_OPERATION_COUNT];

extern const gf_shape gf_shape_security_configuration;
extern const gf_shape gf_shape_encryption_configuration;
extern const gf_shape gf_shape_data_catalog_encryption_settings;

/* Frees what `obj` points to (not `obj` itself). */
void gf_shape_free_members(const gf_shape *shape, void *obj);

/* Frees what `obj` points to, then `obj`.  NULL is allowed. */
void gf_shape_free(const gf_shape *shape, void *obj);

/* A new deep copy of `src` in ONE allocation - the object first, then what
 * it points to - freed with a single gf_free().  Every request and response
 * gluefake hands out is packed this way.  NULL when out of memory. */
void *gf_shape_pack(const gf_shape *shape, const void *src);

/* gf_shape_pack() behind `header` zeroed bytes (rounded up to 8) of the
 * caller's: the object starts at block + GF_PACK_OFFSET(header).  Its own
 * size goes to `*packed_size` when given.  NULL when out of memory. */
void *gf_shape_pack_after(const gf_shape *shape, const void *src, size_t header,
                          size_t *packed_size);

/* A copy of `packed`, a packed object of `packed_size` bytes, behind
 * `header` zeroed bytes as above: a byte copy whose pointers are moved,
 * no walk of the strings.  NULL when out of memory. */
void *gf_shape_repack_after(const gf_shape *shape, const void *packed, size_t packed_size,
                            size_t header);

/* Moves the pointers of `obj`, whose pointees were byte-copied from
 * `from` to `to` with everything they point to, by the same offsets.
 * `obj` itself may be anywhere. */
void gf_shape_relocate(const gf_shape *shape, void *obj, const char *from, char *to);

#define GF_PACK_OFFSET(header) (((header) + 7) & ~(size_t)7)

/* Typed access to a member's storage. */
#define GF_MEMBER_PTR(obj, off) ((void *)((char *)(obj) + (off)))
#define GF_MEMBER_CPTR(obj, off) ((const void *)((const char *)(obj) + (off)))

/*
 * A place inside a value of some shape, as a chain of segments on the
 * stack: walks extend it as they descend, and it is spelled out only where
 * something is wrong, so that checking a valid request formats nothing.
 */
typedef struct gf_path {
  const struct gf_path *parent; /* NULL at the root */
  const gf_member *member;      /* this segment's member; NULL for a list element */
  size_t index;                 /* list element (0-based) when member is NULL */
  const char *prefix;           /* at the root: what the wire path starts with ("" or a
                                   fixture's "security_configurations[3]") */
} gf_path;

#define GF_PATH_ROOT(prefix_text) {NULL, NULL, 0, (prefix_text)}

/* EncryptionConfiguration.S3Encryption[0].KmsKeyArn (after the prefix). */
void gf_path_wire(const gf_path *path, char *out, size_t size);

/* encryptionConfiguration.s3Encryption.1.member.kmsKeyArn, as AWS spells it. */
void gf_path_aws(const gf_path *path, char *out, size_t size);

/* Parses `len` bytes as exactly one JSON value (surrounding whitespace
 * allowed, nothing else).  A new tree, or NULL. */
cJSON *gf_json_parse_all(const char *text, size_t len);

/* snprintf that truncates silently (for messages). */
void gf_path_format(char *out, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* The codec's walks (codec.c), for fixtures and transcripts: a new cJSON
 * object for `obj` (NULL when out of memory), and the members of `json`
 * into `out` (zeroed first; on failure nothing is left to free), with
 * member paths in messages prefixed by `wire_prefix`.  A missing required
 * boolean goes to `sink` when given (GF_INVALID_INPUT, `err` untouched),
 * else into `err` in AWS's words. */
cJSON *gf_shape_encode(const gf_shape *shape, const void *obj);
typedef struct gf_violations gf_violations;
gf_status gf_shape_decode_into(const gf_shape *shape, const cJSON *json, void *out,
                               const char *wire_prefix, gf_violations *sink, gf_error *err);

/* An error body of the wire protocol, {"__type": type, "Message": message},
 * also for the HTTP layer's own errors whose type is no gf_status
 * ("RequestEntityTooLarge").  NULL when out of memory. */
cJSON *gf_error_body(const char *type, const char *message);

/* Parses a whole document (fixtures, transcripts): GF_OK and a new tree,
 * GF_INVALID_INPUT "SOURCE:LINE:COL: JSON syntax error", or
 * GF_INTERNAL_SERVICE when out of memory. */
gf_status gf_json_parse_document(const char *json, size_t len, const char *source,
                                 cJSON **out, gf_error *err);

/* ---- validation (validate.c) ------------------------------------------- */

#define GF_MAX_VIOLATIONS 32

/* One broken constraint: where (in both spellings) and what. */
typedef struct gf_violation {
  char aws_path[256];  /* encryptionConfiguration.s3Encryption.1.member.kmsKeyArn */
  char wire_path[256]; /* EncryptionConfiguration.S3Encryption[0].KmsKeyArn */
  char rule[160];      /* Member must have length less than or equal to 255 */
  int is_null;         /* "Value null at ..." */
} gf_violation;

struct gf_violations {
  int out_of_memory; /* a check could not run: the error is InternalService */
  size_t count;      /* all found, possibly more than stored */
  gf_violation items[GF_MAX_VIOLATIONS];
};

/* Empties `v`: the counts only, since items are written as they are found
 * (zeroing them all would cost more than a validation). */
static inline void gf_violations_init(gf_violations *v)
{
  v->out_of_memory = 0;
  v->count = 0;
}

/* Checks every constraint of `shape` on `obj`, adding what is broken to
 * `v` (emptied by gf_violations_init()).  Returns the number of violations. */
size_t gf_shape_validate(const gf_shape *shape, const void *obj, gf_violations *v);

/* Adds one violation at `path`. */
void gf_violation_add(gf_violations *v, const gf_path *path, int is_null, const char *rule);

/* Sets `err` to InvalidInputException with AWS's message for `v`:
 * "1 validation error detected: Value at 'name' failed to satisfy
 * constraint: Member must ...; ...", every violation listed up to
 * GF_MAX_VIOLATIONS, then "; and N more".  Returns GF_INVALID_INPUT. */
gf_status gf_violations_to_error(const gf_violations *v, gf_error *err);

/* Validates a request of `op` (NULL request: all absent) in one call. */
gf_status gf_validate_request(gf_operation op, const void *request, gf_error *err);

#endif
