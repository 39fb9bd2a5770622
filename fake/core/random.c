/* random.c - splitmix64 numbers in [0, 1) (see random.h). */
#include "random.h"

double gfi_random_unit(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1.0p-53; /* the top 53 bits: every double step in [0, 1) */
}
