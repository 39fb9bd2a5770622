/* call.c - the calls client code makes on any backend: checks, then the
 * backend's slot for the operation. */
#include "alloc.h"
#include "gluefake/sys/backend.h"

/* The largest request, so that a NULL request can be passed on as an
 * all-absent one without knowing its type. */
typedef union any_request {
#define GF_X_MEMBER(Wire, snake, UPPER) gf_##snake##_request snake;
  GF_OPERATIONS(GF_X_MEMBER)
#undef GF_X_MEMBER
} any_request;

/* Whether `backend` fills the slot of `op`. */
static int implements(const gf_backend *backend, gf_operation op)
{
  switch (op) {
#define GF_X_CASE(Wire, snake, UPPER)                                                      \
  case GF_OP_##UPPER:                                                                      \
    return backend->snake != NULL;
    GF_OPERATIONS(GF_X_CASE)
#undef GF_X_CASE
  default:
    return 0;
  }
}

/* Calls the slot of `op` with its own types. */
static gf_status call_slot(gf_backend *backend, gf_operation op, const void *request,
                           void **response, gf_error *err)
{
  gf_status status = GF_UNKNOWN_OPERATION;
  switch (op) {
#define GF_X_CASE(Wire, snake, UPPER)                                                      \
  case GF_OP_##UPPER: {                                                                    \
    gf_##snake##_response *typed = NULL;                                                   \
    status = backend->snake(backend, (const gf_##snake##_request *)request, &typed, err);  \
    *response = typed;                                                                     \
    break;                                                                                 \
  }
    GF_OPERATIONS(GF_X_CASE)
#undef GF_X_CASE
  default:
    break;
  }
  return status;
}

gf_status gf_call(gf_backend *backend, gf_operation op, const void *request, void **out,
                  gf_error *err)
{
  static const any_request no_members;
  void *response = NULL;
  gf_error local = GF_ERROR_INIT;
  gf_error *e = err ? err : &local;
  gf_status status;

  if (out)
    *out = NULL;
  if ((unsigned)op >= GF_OPERATION_COUNT) {
    status = gf_error_set(e, GF_UNKNOWN_OPERATION, "operation %d is not one of the ten",
                          (int)op);
  } else if (!backend) {
    status = gf_error_set(e, GF_INVALID_INPUT, "%s: the backend is NULL",
                          gf_operation_name(op));
  } else if (backend->version != GF_BACKEND_VERSION) {
    /* Another version's vtable has other slots where this one looks. */
    status = gf_error_set(e, GF_INTERNAL_SERVICE,
                          "%s: backend version %u is not this library's (%d): build the backend "
                          "with this library's headers",
                          gf_operation_name(op), backend->version, GF_BACKEND_VERSION);
  } else if (!implements(backend, op)) {
    status = gf_error_set(e, GF_INTERNAL_SERVICE, "%s is not implemented by this backend",
                          gf_operation_name(op));
  } else {
    status = call_slot(backend, op, request ? request : &no_members, &response, e);
    if (status != GF_OK) {
      /* A backend that leaves a response behind on failure would leak it. */
      gf_response_free(op, response);
      response = NULL;
      if (e->status != status)
        e->status = status;
    } else if (!response) {
      status = gf_error_set(e, GF_INTERNAL_SERVICE, "%s: the backend returned no response",
                            gf_operation_name(op));
    }
  }
  if (out)
    *out = response;
  else
    gf_response_free(op, response);
  gf_error_clear(&local);
  return status;
}

#define GF_X_CALL_DEF(Wire, snake, UPPER)                                                  \
  gf_status gf_##snake(gf_backend *backend, const gf_##snake##_request *request,           \
                       gf_##snake##_response **out, gf_error *err)                         \
  {                                                                                        \
    return gf_call(backend, GF_OP_##UPPER, request, (void **)out, err);                    \
  }
GF_OPERATIONS(GF_X_CALL_DEF)
#undef GF_X_CALL_DEF

void gf_backend_free(gf_backend *backend)
{
  if (backend && backend->destroy)
    backend->destroy(backend);
}
