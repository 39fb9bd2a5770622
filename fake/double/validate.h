/*
 * validate.h - the constraints of the shape model checked on C structs, and
 * AWS's wording for what is broken (internal to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_VALIDATE_H
#define GLUEFAKE_DOUBLE_VALIDATE_H

#include "core/path.h"
#include "core/shapes.h"

#define GF_MAX_VIOLATIONS 32

/* One broken constraint: where (in both spellings) and what. */
typedef struct gfi_violation {
  char aws_path[256];  /* encryptionConfiguration.s3Encryption.1.member.kmsKeyArn */
  char wire_path[256]; /* EncryptionConfiguration.S3Encryption[0].KmsKeyArn */
  char rule[160];      /* Member must have length less than or equal to 255 */
  int is_null;         /* "Value null at ..." */
} gfi_violation;

typedef struct gfi_violations {
  int out_of_memory; /* a check could not run: the error is InternalService */
  size_t count;      /* all found, possibly more than stored */
  gfi_violation items[GF_MAX_VIOLATIONS];
} gfi_violations;

/* Empties `v`: the counts only, since items are written as they are found
 * (zeroing them all would cost more than a validation). */
static inline void gfi_violations_init(gfi_violations *v)
{
  v->out_of_memory = 0;
  v->count = 0;
}

/* Checks every constraint of `shape` on `obj`, adding what is broken to
 * `v` (emptied by gfi_violations_init()).  Returns the number of violations. */
size_t gfi_shape_validate(const gfi_shape *shape, const void *obj, gfi_violations *v);

/* Adds one violation at `path`. */
void gfi_violation_add(gfi_violations *v, const gfi_path *path, int is_null, const char *rule);

/* Sets `err` to InvalidInputException with AWS's message for `v`:
 * "1 validation error detected: Value at 'name' failed to satisfy
 * constraint: Member must ...; ...", every violation listed up to
 * GF_MAX_VIOLATIONS, then "; and N more".  Returns GF_INVALID_INPUT
 * (GF_INTERNAL_SERVICE when a check ran out of memory). */
gf_status gfi_violations_to_error(const gfi_violations *v, gf_error *err);

/* Validates a request of `op` in one call: GF_OK, or the error in `err`. */
gf_status gfi_validate_request(gf_operation op, const void *request, gf_error *err);

#endif
