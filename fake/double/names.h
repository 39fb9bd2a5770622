/*
 * names.h - which account and region a fixture names (internal to the fake
 * and the server); the rules for the names themselves are the core's.
 */
#ifndef GLUEFAKE_DOUBLE_NAMES_H
#define GLUEFAKE_DOUBLE_NAMES_H

#include <stddef.h>

#include "core/names.h"
#include "gluefake/fake.h"

_Static_assert(GF_REGION_SIZE == GFI_REGION_MAX + 1, "one region rule");

/* The account_id and region a fixture's text (`len` bytes) names at its
 * top, each "" when it names none, or none that is a string (loading it
 * says what is wrong). */
void gfi_fixture_names(const char *json, size_t len, char account_id[13],
                       char region[GFI_NAMED_REGION_SIZE]);

#endif
