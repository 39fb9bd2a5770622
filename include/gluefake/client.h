/*
 * gluefake/client.h - what client code calls: one function per operation on
 * a backend handle, whatever implements it (the fake, a decorator around
 * it, a replay of a transcript, or a real Glue client of your own).
 *
 * Client code is written against `gf_backend *` and these functions; tests
 * hand it a fake (gluefake/fake.h), production hands it a real client that
 * fills in the vtable of gluefake/sys/backend.h.
 */
#ifndef GLUEFAKE_CLIENT_H
#define GLUEFAKE_CLIENT_H

#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A handle on any implementation of the API.  Opaque to client code;
 * implementers see its members in gluefake/sys/backend.h. */
typedef struct gf_backend gf_backend;

/*
 * gf_<operation>(backend, request, &response, &err) - calls one operation.
 *
 *  backend  borrowed; must not be NULL (else GF_INVALID_INPUT).
 *  request  borrowed for the duration of the call; NULL is the same as a
 *           request with every member absent.
 *  out      on success *out is a new response owned by the caller, who
 *           frees it with gf_<operation>_response_free(); on failure *out
 *           is NULL.  `out` itself may be NULL to discard the response.
 *  err      may be NULL.  On failure it receives the status and AWS's
 *           message (see gf_error); on success it is left untouched.
 *
 * Returns GF_OK or the error status.  These functions check the backend's
 * version and that it implements the operation (GF_INTERNAL_SERVICE
 * otherwise), so a backend need not be defensive about its arguments.
 */
GF_API gf_status gf_get_data_catalog_encryption_settings(
    gf_backend *backend, const gf_get_data_catalog_encryption_settings_request *request,
    gf_get_data_catalog_encryption_settings_response **out, gf_error *err);
GF_API gf_status gf_put_data_catalog_encryption_settings(
    gf_backend *backend, const gf_put_data_catalog_encryption_settings_request *request,
    gf_put_data_catalog_encryption_settings_response **out, gf_error *err);
GF_API gf_status gf_put_resource_policy(gf_backend *backend,
                                        const gf_put_resource_policy_request *request,
                                        gf_put_resource_policy_response **out, gf_error *err);
GF_API gf_status gf_get_resource_policy(gf_backend *backend,
                                        const gf_get_resource_policy_request *request,
                                        gf_get_resource_policy_response **out, gf_error *err);
GF_API gf_status gf_delete_resource_policy(gf_backend *backend,
                                           const gf_delete_resource_policy_request *request,
                                           gf_delete_resource_policy_response **out,
                                           gf_error *err);
GF_API gf_status gf_create_security_configuration(
    gf_backend *backend, const gf_create_security_configuration_request *request,
    gf_create_security_configuration_response **out, gf_error *err);
GF_API gf_status gf_delete_security_configuration(
    gf_backend *backend, const gf_delete_security_configuration_request *request,
    gf_delete_security_configuration_response **out, gf_error *err);
GF_API gf_status gf_get_security_configuration(
    gf_backend *backend, const gf_get_security_configuration_request *request,
    gf_get_security_configuration_response **out, gf_error *err);
GF_API gf_status gf_get_security_configurations(
    gf_backend *backend, const gf_get_security_configurations_request *request,
    gf_get_security_configurations_response **out, gf_error *err);
GF_API gf_status gf_get_resource_policies(gf_backend *backend,
                                          const gf_get_resource_policies_request *request,
                                          gf_get_resource_policies_response **out,
                                          gf_error *err);

/* The same declarations from the operation list: the compiler checks that
 * the prototypes above agree with it. */
#define GF_X_CALL_DECL(Wire, snake, UPPER)                                                 \
  GF_API gf_status gf_##snake(gf_backend *backend, const gf_##snake##_request *request,    \
                              gf_##snake##_response **out, gf_error *err);
GF_OPERATIONS(GF_X_CALL_DECL)
#undef GF_X_CALL_DECL

/* The same call for an operation chosen at run time: `request` points to
 * the operation's request type, *out receives its response type (free it
 * with gf_response_free(op, ...)).  An `op` out of range is
 * GF_UNKNOWN_OPERATION. */
GF_API gf_status gf_call(gf_backend *backend, gf_operation op, const void *request, void **out,
                         gf_error *err);

/* Destroys a backend through its own destroy slot.  NULL is allowed.
 * For the fake this is the same as gf_fake_free(). */
GF_API void gf_backend_free(gf_backend *backend);

#ifdef __cplusplus
}
#endif

#endif
