/*
 * gluefake/sys/backend.h - for implementers of a backend: the vtable.
 *
 * A backend is a struct whose first member is a gf_backend, initialised
 * with GF_BACKEND_INIT and its slots filled in; it hands out a pointer to
 * that member and casts back to itself in each slot:
 *
 *     struct my_backend { gf_backend parent; int my_state; };
 *     static gf_status my_get(gf_backend *self, ...)
 *     { struct my_backend *b = (struct my_backend *)self; ... }
 *
 * A decorator (fault injector, recorder) is a backend holding an inner
 * gf_backend * and calling it through gf_call() or the gf_<op>() functions
 * for whatever it does not change.
 *
 * Contract of every operation slot, as called by gluefake/client.h:
 *  - `self`, `out` and `err` are never NULL; `request` is never NULL (an
 *    absent request arrives as an all-absent one).
 *  - On success: set *out to a new response the caller will free with the
 *    operation's gf_<op>_response_free(), leave `err` alone, return GF_OK.
 *    A response is ONE allocation: build it anywhere (on the stack, pointing
 *    at your own data) and hand out gf_response_copy(op, &it).
 *  - On failure: leave *out NULL, call gf_error_set() and return the same
 *    status.  Nothing the request points to may be kept after returning.
 *  - A slot may be NULL: calling it is GF_INTERNAL_SERVICE, not a crash.
 *
 * Slots are only ever appended; `version` tells which exist.
 */
#ifndef GLUEFAKE_SYS_BACKEND_H
#define GLUEFAKE_SYS_BACKEND_H

#include "../client.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 2: the GetResourcePolicies slot, before `destroy`. */
#define GF_BACKEND_VERSION 2

struct gf_backend {
  unsigned int version; /* GF_BACKEND_VERSION of the header it was built with */
#define GF_X_SLOT(Wire, snake, UPPER)                                                      \
  gf_status (*snake)(gf_backend * self, const gf_##snake##_request *request,               \
                     gf_##snake##_response **out, gf_error *err);
  GF_OPERATIONS(GF_X_SLOT)
#undef GF_X_SLOT
  /* Frees the backend.  It does not free a backend it wraps unless its
   * constructor says it took ownership. */
  void (*destroy)(gf_backend *self);
};

/*
 * A backend that handles every operation in one function (decorators such
 * as a fault injector or a recorder, a replay...): embed gf_generic_backend
 * as the first member, call gf_generic_backend_init(), and `call` receives
 * each operation with its request and response as `void *` (the operation's
 * gf_<op>_request / gf_<op>_response), under the same contract as a slot.
 */
typedef struct gf_generic_backend gf_generic_backend;
typedef gf_status (*gf_generic_call_fn)(gf_generic_backend *self, gf_operation op,
                                        const void *request, void **out, gf_error *err);
struct gf_generic_backend {
  gf_backend parent;
  gf_generic_call_fn call;
};

/* Fills every slot of `backend` with one that calls `call`; `destroy` (may
 * be NULL) becomes the destroy slot. */
GF_API void gf_generic_backend_init(gf_generic_backend *backend, gf_generic_call_fn call,
                                    void (*destroy)(gf_backend *self));

/* Every slot NULL; fill in those you implement. */
#define GF_BACKEND_INIT {GF_BACKEND_VERSION, GF_OPERATIONS(GF_X_NULL_SLOT_) NULL}
#define GF_X_NULL_SLOT_(Wire, snake, UPPER) NULL,

/* Sets `err` to `status` with a printf-style message, freeing any message
 * it held (which may itself be one of the arguments).  Returns `status` so
 * that a slot can `return gf_error_set(...)`.  `err` may be NULL. */
GF_API gf_status gf_error_set(gf_error *err, gf_status status, const char *fmt, ...)
    GF_PRINTF(3, 4);

/* A copy of `response` (a gf_<op>_response, borrowed) in the one block that
 * gf_<op>_response_free() frees.  NULL when out of memory. */
GF_API void *gf_response_copy(gf_operation op, const void *response);

/* Sets `err` to a copy of `src` (status and message). */
GF_API gf_status gf_error_copy(gf_error *err, const gf_error *src);

#ifdef __cplusplus
}
#endif

#endif
