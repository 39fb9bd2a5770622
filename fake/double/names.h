/*
 * names.h - the names of accounts and regions: which ones are valid, and
 * which ones a fixture names (internal to the fake and the server).
 */
#ifndef GLUEFAKE_DOUBLE_NAMES_H
#define GLUEFAKE_DOUBLE_NAMES_H

#include <stddef.h>

#include "gluefake/fake.h"
#include "gluefake/sys/backend.h"

/* How messages spell what a region name is. */
#define GFI_REGION_RULE "1..32 of a-z, 0-9 and '-', such as us-east-1"

/* 12 ASCII digits (NULL: no). */
int gfi_valid_account_id(const char *id);

/* 1..32 lower-case letters, digits and '-', a letter first and no '-'
 * last (NULL: no). */
int gfi_valid_region(const char *region);

/* InvalidInputException naming a region that is not a region name. */
static inline gf_status gfi_invalid_region(gf_error *err, const char *region)
{
  return gf_error_set(err, GF_INVALID_INPUT, "region '%.64s' is not a region name (" GFI_REGION_RULE ")",
                      region ? region : "(null)");
}

/* Room for a region as a request or a fixture writes it (cut at 63 bytes):
 * a name longer than a region's is refused where it is used. */
#define GFI_NAMED_REGION_SIZE 64

/* The account_id and region a fixture's text (`len` bytes) names at its
 * top, each "" when it names none, or none that is a string (loading it
 * says what is wrong). */
void gfi_fixture_names(const char *json, size_t len, char account_id[13],
                       char region[GFI_NAMED_REGION_SIZE]);

#endif
