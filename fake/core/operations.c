/* operations.c - the wire names of the operations, from the operation list. */
#include <string.h>

#include "gluefake/operations.h"

static const char *const operation_names[GF_OPERATION_COUNT] = {
#define GF_X_NAME(Wire, snake, UPPER) #Wire,
    GF_OPERATIONS(GF_X_NAME)
#undef GF_X_NAME
};

const char *gf_operation_name(gf_operation op)
{
  return (unsigned)op < GF_OPERATION_COUNT ? operation_names[op] : NULL;
}

int gf_operation_from_name(const char *name, gf_operation *op)
{
  for (unsigned i = 0; name && i < GF_OPERATION_COUNT; i++)
    if (strcmp(name, operation_names[i]) == 0) {
      *op = (gf_operation)i;
      return 0;
    }
  return -1;
}
