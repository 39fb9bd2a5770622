/*
 * gluefake/operations.h - the one list of the API's operations.
 *
 * Everything that exists once per operation (the operation enum, wire
 * names, vtable slots, the typed calls, shape tables, codec tables) is
 * generated from GF_OPERATIONS, so that adding an operation is one line
 * here and its types in gluefake/types.h.
 */
#ifndef GLUEFAKE_OPERATIONS_H
#define GLUEFAKE_OPERATIONS_H

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(WireName, snake_name, UPPER_NAME), in the order of the enum. */
#define GF_OPERATIONS(X)                                                              \
  X(GetDataCatalogEncryptionSettings, get_data_catalog_encryption_settings,          \
    GET_DATA_CATALOG_ENCRYPTION_SETTINGS)                                             \
  X(PutDataCatalogEncryptionSettings, put_data_catalog_encryption_settings,          \
    PUT_DATA_CATALOG_ENCRYPTION_SETTINGS)                                             \
  X(PutResourcePolicy, put_resource_policy, PUT_RESOURCE_POLICY)                      \
  X(GetResourcePolicy, get_resource_policy, GET_RESOURCE_POLICY)                      \
  X(DeleteResourcePolicy, delete_resource_policy, DELETE_RESOURCE_POLICY)             \
  X(CreateSecurityConfiguration, create_security_configuration,                       \
    CREATE_SECURITY_CONFIGURATION)                                                    \
  X(DeleteSecurityConfiguration, delete_security_configuration,                       \
    DELETE_SECURITY_CONFIGURATION)                                                    \
  X(GetSecurityConfiguration, get_security_configuration, GET_SECURITY_CONFIGURATION) \
  X(GetSecurityConfigurations, get_security_configurations, GET_SECURITY_CONFIGURATIONS) \
  X(GetResourcePolicies, get_resource_policies, GET_RESOURCE_POLICIES)

typedef enum gf_operation {
#define GF_X_ENUM(Wire, snake, UPPER) GF_OP_##UPPER,
  GF_OPERATIONS(GF_X_ENUM)
#undef GF_X_ENUM
  GF_OPERATION_COUNT
} gf_operation;

/* "CreateSecurityConfiguration" for GF_OP_CREATE_SECURITY_CONFIGURATION;
 * NULL for a value out of range.  The string is static. */
GF_API const char *gf_operation_name(gf_operation op);

/* Finds the operation whose wire name is `name` (case-sensitive; NULL
 * allowed).  Returns 0 and sets *op, or -1 when there is none. */
GF_API int gf_operation_from_name(const char *name, gf_operation *op);

#ifdef __cplusplus
}
#endif

#endif
