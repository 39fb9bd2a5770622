/*
 * path.h - a place inside a value of some shape, spelled the wire's way or
 * AWS's (internal to the core and the fake).
 */
#ifndef GLUEFAKE_CORE_PATH_H
#define GLUEFAKE_CORE_PATH_H

#include "internal.h"

#include <stddef.h>

#include "gluefake/api.h"
#include "shapes.h"

/*
 * A chain of segments on the stack: walks extend it as they descend, and it
 * is spelled out only where something is wrong, so that checking a valid
 * request formats nothing.
 */
typedef struct gfi_path {
  const struct gfi_path *parent; /* NULL at the root */
  const gfi_member *member;      /* this segment's member; NULL for a list element */
  size_t index;                  /* list element (0-based) when member is NULL */
  const char *prefix;            /* at the root: what the wire path starts with ("" or a
                                    fixture's "security_configurations[3]") */
} gfi_path;

#define GF_PATH_ROOT(prefix_text) {NULL, NULL, 0, (prefix_text)}

/* EncryptionConfiguration.S3Encryption[0].KmsKeyArn (after the prefix). */
GFI_SHARED void gfi_path_wire(const gfi_path *path, char *out, size_t size);

/* encryptionConfiguration.s3Encryption.1.member.kmsKeyArn, as AWS spells it
 * in validation messages. */
GFI_SHARED void gfi_path_aws(const gfi_path *path, char *out, size_t size);

/* snprintf that truncates silently (for messages). */
GFI_SHARED void gfi_path_format(char *out, size_t size, const char *fmt, ...) GF_PRINTF(3, 4);

#endif
