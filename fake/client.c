/*
 * client.c - the calls client code makes on any backend, and the names of
 * operations and statuses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "gluefake/sys/backend.h"
#include "shapes.h"

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

static const char *const status_names[GF_STATUS_COUNT] = {
    [GF_OK] = "OK",
    [GF_ALREADY_EXISTS] = "AlreadyExistsException",
    [GF_CONDITION_CHECK_FAILURE] = "ConditionCheckFailureException",
    [GF_ENTITY_NOT_FOUND] = "EntityNotFoundException",
    [GF_INTERNAL_SERVICE] = "InternalServiceException",
    [GF_INVALID_INPUT] = "InvalidInputException",
    [GF_OPERATION_TIMEOUT] = "OperationTimeoutException",
    [GF_RESOURCE_NUMBER_LIMIT_EXCEEDED] = "ResourceNumberLimitExceededException",
    [GF_SERIALIZATION] = "SerializationException",
    [GF_UNKNOWN_OPERATION] = "UnknownOperationException",
};

const char *gf_status_name(gf_status status)
{
  return (unsigned)status < GF_STATUS_COUNT ? status_names[status] : NULL;
}

int gf_status_from_name(const char *name, gf_status *status)
{
  static const char suffix[] = "Exception";
  if (!name)
    return -1;
  size_t len = strlen(name);
  for (unsigned i = GF_OK + 1; i < GF_STATUS_COUNT; i++) {
    size_t base = strlen(status_names[i]) - (sizeof suffix - 1);
    if ((len == base || (len == base + sizeof suffix - 1 &&
                         strcmp(name + base, suffix) == 0)) &&
        strncmp(name, status_names[i], base) == 0) {
      *status = (gf_status)i;
      return 0;
    }
  }
  return -1;
}

void gf_error_clear(gf_error *err)
{
  if (!err)
    return;
  gf_free(err->message);
  err->message = NULL;
  err->status = GF_OK;
}

const char *gf_error_message(const gf_error *err)
{
  if (!err)
    return "";
  if (err->message)
    return err->message;
  const char *name = gf_status_name(err->status);
  return name ? name : "unknown status";
}

gf_status gf_error_set(gf_error *err, gf_status status, const char *fmt, ...)
{
  if (!err)
    return status;
  /* Format before freeing the old message: an argument may be that message
   * ("%s: %s", source, gf_error_message(err)). */
  char *message = NULL;
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (len >= 0 && (message = gf_malloc((size_t)len + 1)) != NULL) {
    va_start(ap, fmt);
    vsnprintf(message, (size_t)len + 1, fmt, ap);
    va_end(ap);
  }
  gf_free(err->message);
  err->message = message;
  err->status = status;
  return status;
}

gf_status gf_error_copy(gf_error *err, const gf_error *src)
{
  if (src->message)
    return gf_error_set(err, src->status, "%s", src->message);
  return gf_error_set(err, src->status, "%s", gf_error_message(src));
}

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
    status = gf_error_set(e, GF_UNKNOWN_OPERATION, "operation %d is not one of the nine",
                          (int)op);
  } else if (!backend) {
    status = gf_error_set(e, GF_INVALID_INPUT, "%s: the backend is NULL",
                          operation_names[op]);
  } else if (backend->version == 0 || backend->version > GF_BACKEND_VERSION) {
    status = gf_error_set(e, GF_INTERNAL_SERVICE,
                          "%s: backend version %u is not supported (this library knows 1..%d)",
                          operation_names[op], backend->version, GF_BACKEND_VERSION);
  } else if (!implements(backend, op)) {
    status = gf_error_set(e, GF_INTERNAL_SERVICE, "%s is not implemented by this backend",
                          operation_names[op]);
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
                            operation_names[op]);
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

void gf_backend_free(gf_backend *backend)
{
  if (backend && backend->destroy)
    backend->destroy(backend);
}
