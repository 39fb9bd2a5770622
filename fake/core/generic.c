/* generic.c - a backend whose slots all go to one function that takes the
 * operation as a value (what decorators are written as). */
#include "gluefake/sys/backend.h"

#define GF_X_GENERIC_SLOT(Wire, snake, UPPER)                                              \
  static gf_status generic_##snake(gf_backend *self, const gf_##snake##_request *request,  \
                                   gf_##snake##_response **out, gf_error *err)             \
  {                                                                                        \
    gf_generic_backend *generic = (gf_generic_backend *)self;                              \
    void *response = NULL;                                                                 \
    gf_status status = generic->call(generic, GF_OP_##UPPER, request, &response, err);     \
    *out = response;                                                                       \
    return status;                                                                         \
  }
GF_OPERATIONS(GF_X_GENERIC_SLOT)
#undef GF_X_GENERIC_SLOT

void gf_generic_backend_init(gf_generic_backend *backend, gf_generic_call_fn call,
                             void (*destroy)(gf_backend *self))
{
  gf_backend vtable = GF_BACKEND_INIT;
#define GF_X_SLOT_INIT(Wire, snake, UPPER) vtable.snake = generic_##snake;
  GF_OPERATIONS(GF_X_SLOT_INIT)
#undef GF_X_SLOT_INIT
  vtable.destroy = destroy;
  backend->parent = vtable;
  backend->call = call;
}
