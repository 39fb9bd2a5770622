/*
 * random.h - splitmix64, the reproducible random numbers of gluefake:
 * fault percentages drawn from a spec's seed, retry jitter (internal to
 * gluefake's libraries).
 */
#ifndef GLUEFAKE_CORE_RANDOM_H
#define GLUEFAKE_CORE_RANDOM_H

#include "internal.h"

#include <stdint.h>

/* A number in [0, 1) from the generator whose state is *state (advanced);
 * the same seed gives the same sequence everywhere. */
GFI_SHARED double gfi_random_unit(uint64_t *state);

#endif
