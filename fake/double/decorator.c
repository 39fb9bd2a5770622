/* decorator.c - the life of what every decorator starts with (see
 * decorators.h). */
#include "core/alloc.h"
#include "decorators.h"

void *gfi_decorator_new(size_t size, const char *what, gf_generic_call_fn call,
                        void (*destroy)(gf_backend *self), gf_backend *inner, gf_error *err)
{
  gfi_decorator *decorator = gfi_new_object(size, what, err);
  if (!decorator)
    return NULL;
  gf_generic_backend_init(&decorator->base, call, destroy);
  decorator->inner = inner;
  pthread_mutex_init(&decorator->lock, NULL);
  return decorator;
}

void gfi_decorator_free(gfi_decorator *decorator)
{
  pthread_mutex_destroy(&decorator->lock);
  gfi_free(decorator);
}
