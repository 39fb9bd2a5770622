/* object.c - a new object's memory, or the error that says there was none
 * (above both the allocator and the errors, which need neither). */
#include "alloc.h"
#include "gluefake/sys/backend.h"

void *gfi_new_object(size_t size, const char *what, gf_error *err)
{
  void *object = gfi_calloc(1, size);
  if (!object)
    gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a %s", what);
  return object;
}
