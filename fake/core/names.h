/*
 * names.h - the names of accounts and regions: which ones are valid
 * (internal to gluefake's libraries: the fake, its server and the real
 * backend read the same rules).
 */
#ifndef GLUEFAKE_CORE_NAMES_H
#define GLUEFAKE_CORE_NAMES_H

#include "internal.h"

#include "gluefake/sys/backend.h"

/* How messages spell what a region name is. */
#define GFI_REGION_RULE "1..32 of a-z, 0-9 and '-', such as us-east-1"

/* 12 ASCII digits (NULL: no). */
GFI_SHARED int gfi_valid_account_id(const char *id);

/* The longest region name (gluefake/fake.h's GF_REGION_SIZE less its NUL). */
#define GFI_REGION_MAX 32

/* 1..32 lower-case letters, digits and '-', a letter first and no '-'
 * last (NULL: no). */
GFI_SHARED int gfi_valid_region(const char *region);

/* InvalidInputException naming a region that is not a region name. */
static inline gf_status gfi_invalid_region(gf_error *err, const char *region)
{
  return gf_error_set(err, GF_INVALID_INPUT, "region '%.64s' is not a region name (" GFI_REGION_RULE ")",
                      region ? region : "(null)");
}

/* Room for a region as a request or a fixture writes it (cut at 63 bytes):
 * a name longer than a region's is refused where it is used. */
#define GFI_NAMED_REGION_SIZE 64

#endif
