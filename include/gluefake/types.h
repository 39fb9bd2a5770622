/*
 * gluefake/types.h - the data of the AWS Glue Security API as C types.
 *
 * Every operation has a request and a response struct whose members are
 * the wire members of the API, spelled in snake_case.  The conventions are
 * the same everywhere:
 *
 *  - A string member is a NUL-terminated UTF-8 `const char *`; NULL means
 *    the member is absent.  Enumerated values are strings too, exactly as on
 *    the wire ("SSE-KMS"); the GF_*_MODE constants below spell them.
 *  - A nested structure is a pointer; NULL means absent.
 *  - A list is a pointer plus a count; NULL means absent, any non-NULL
 *    pointer with count 0 is a present, empty list.
 *  - A timestamp is a double holding seconds since the Unix epoch
 *    (fractions allowed) with a `has_` flag telling whether it is present.
 *
 * Ownership: a request is owned by whoever built it (usually the caller, on
 * the stack); an operation never keeps a pointer into it.  A response is
 * allocated by the backend and owned by the caller, who frees it with the
 * response's own gf_..._response_free().  It is one allocation: everything
 * it points to lives inside it, so nothing in it may be freed or kept apart
 * from it.
 */
#ifndef GLUEFAKE_TYPES_H
#define GLUEFAKE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The one list of the nine operations: X(WireName, snake_name, UPPER_NAME).
 * Everything that exists once per operation (vtable slots, the operation
 * enum, wire names, codec tables) is generated from it.
 */
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
  X(GetSecurityConfigurations, get_security_configurations, GET_SECURITY_CONFIGURATIONS)

typedef enum gf_operation {
#define GF_X_ENUM(Wire, snake, UPPER) GF_OP_##UPPER,
  GF_OPERATIONS(GF_X_ENUM)
#undef GF_X_ENUM
  GF_OPERATION_COUNT
} gf_operation;

/* "CreateSecurityConfiguration" for GF_OP_CREATE_SECURITY_CONFIGURATION;
 * NULL for a value out of range.  The string is static. */
const char *gf_operation_name(gf_operation op);

/* Finds the operation whose wire name is `name` (case-sensitive).
 * Returns 0 and sets *op, or -1 when there is none. */
int gf_operation_from_name(const char *name, gf_operation *op);

/*
 * The outcome of a call: success or one of the seven errors of the API.
 * The last two are protocol errors, raised only by the JSON level
 * (gluefake/json.h) for a body it cannot read or an operation it does not
 * know; no backend returns them for a typed call.
 */
typedef enum gf_status {
  GF_OK = 0,
  GF_ALREADY_EXISTS,
  GF_CONDITION_CHECK_FAILURE,
  GF_ENTITY_NOT_FOUND,
  GF_INTERNAL_SERVICE,
  GF_INVALID_INPUT,
  GF_OPERATION_TIMEOUT,
  GF_RESOURCE_NUMBER_LIMIT_EXCEEDED,
  GF_SERIALIZATION,      /* "SerializationException", JSON level only */
  GF_UNKNOWN_OPERATION,  /* "UnknownOperationException", JSON level only */
  GF_STATUS_COUNT
} gf_status;

/* "EntityNotFoundException" for GF_ENTITY_NOT_FOUND, "OK" for GF_OK, NULL
 * out of range.  The string is static. */
const char *gf_status_name(gf_status status);

/* Parses an error name, with or without the "Exception" suffix
 * ("OperationTimeout" and "OperationTimeoutException" both work;
 * case-sensitive).  Returns 0 and sets *status, or -1. */
int gf_status_from_name(const char *name, gf_status *status);

/*
 * The status of a failed call and its message, in AWS's words.
 * Initialise with GF_ERROR_INIT; after a call, `message` belongs to the
 * error and is freed (and the error reset to GF_OK) by gf_error_clear().
 * A call that fails frees any message the error already held, so one
 * gf_error can serve many calls with one gf_error_clear() at the end.
 */
typedef struct gf_error {
  gf_status status;
  char *message; /* owned; NULL when no message could be allocated */
} gf_error;

#define GF_ERROR_INIT {GF_OK, NULL}

/* Frees the message and resets the error to GF_OK.  NULL is allowed. */
void gf_error_clear(gf_error *err);

/* The message, or the status name when there is none; never NULL.  The
 * string is borrowed from `err` (or static). */
const char *gf_error_message(const gf_error *err);

/* Enumerated values, as they are spelled on the wire. */
#define GF_MODE_DISABLED "DISABLED"
#define GF_MODE_SSE_KMS "SSE-KMS"
#define GF_MODE_SSE_S3 "SSE-S3"
#define GF_MODE_CSE_KMS "CSE-KMS"
#define GF_POLICY_MUST_EXIST "MUST_EXIST"
#define GF_POLICY_NOT_EXIST "NOT_EXIST"
#define GF_POLICY_NONE "NONE"

/* ---- the eight data types ---------------------------------------------- */

typedef struct gf_encryption_at_rest {
  const char *catalog_encryption_mode; /* required: DISABLED | SSE-KMS */
  const char *sse_aws_kms_key_id;
} gf_encryption_at_rest;

typedef struct gf_connection_password_encryption {
  bool return_connection_password_encrypted; /* required */
  const char *aws_kms_key_id;
} gf_connection_password_encryption;

typedef struct gf_data_catalog_encryption_settings {
  const gf_encryption_at_rest *encryption_at_rest;
  const gf_connection_password_encryption *connection_password_encryption;
} gf_data_catalog_encryption_settings;

typedef struct gf_s3_encryption {
  const char *s3_encryption_mode; /* DISABLED | SSE-KMS | SSE-S3 */
  const char *kms_key_arn;        /* arn:aws:kms:... */
} gf_s3_encryption;

typedef struct gf_cloud_watch_encryption {
  const char *cloud_watch_encryption_mode; /* DISABLED | SSE-KMS */
  const char *kms_key_arn;
} gf_cloud_watch_encryption;

typedef struct gf_job_bookmarks_encryption {
  const char *job_bookmarks_encryption_mode; /* DISABLED | CSE-KMS */
  const char *kms_key_arn;
} gf_job_bookmarks_encryption;

typedef struct gf_encryption_configuration {
  const gf_s3_encryption *s3_encryption; /* list, order kept */
  size_t s3_encryption_count;
  const gf_cloud_watch_encryption *cloud_watch_encryption;
  const gf_job_bookmarks_encryption *job_bookmarks_encryption;
} gf_encryption_configuration;

typedef struct gf_security_configuration {
  const char *name;
  bool has_created_time_stamp;
  double created_time_stamp; /* wire name CreatedTimeStamp */
  const gf_encryption_configuration *encryption_configuration;
} gf_security_configuration;

/* ---- requests and responses -------------------------------------------- */

/* The three operations that answer nothing still have a response type, so
 * that every operation has the same call shape. */
typedef struct gf_empty_response {
  int unused;
} gf_empty_response;

typedef struct gf_get_data_catalog_encryption_settings_request {
  const char *catalog_id; /* NULL: the fake's account id */
} gf_get_data_catalog_encryption_settings_request;

typedef struct gf_get_data_catalog_encryption_settings_response {
  const gf_data_catalog_encryption_settings *data_catalog_encryption_settings;
} gf_get_data_catalog_encryption_settings_response;

typedef struct gf_put_data_catalog_encryption_settings_request {
  const char *catalog_id; /* NULL: the fake's account id */
  const gf_data_catalog_encryption_settings *data_catalog_encryption_settings; /* required */
} gf_put_data_catalog_encryption_settings_request;

typedef gf_empty_response gf_put_data_catalog_encryption_settings_response;

typedef struct gf_put_resource_policy_request {
  const char *policy_in_json;          /* required; 2..10240 bytes of JSON */
  const char *policy_hash_condition;   /* put only if this is the current hash */
  const char *policy_exists_condition; /* MUST_EXIST | NOT_EXIST | NONE */
  const char *resource_arn;            /* NULL: the account's catalog */
  const char *enable_hybrid;           /* TRUE | FALSE; accepted, no effect */
} gf_put_resource_policy_request;

typedef struct gf_put_resource_policy_response {
  const char *policy_hash;
} gf_put_resource_policy_response;

typedef struct gf_get_resource_policy_request {
  const char *resource_arn; /* NULL: the account's catalog */
} gf_get_resource_policy_request;

typedef struct gf_get_resource_policy_response {
  const char *policy_in_json;
  const char *policy_hash;
  bool has_create_time;
  double create_time;
  bool has_update_time;
  double update_time;
} gf_get_resource_policy_response;

typedef struct gf_delete_resource_policy_request {
  const char *policy_hash_condition; /* delete only if this is the current hash */
  const char *resource_arn;          /* NULL: the account's catalog */
} gf_delete_resource_policy_request;

typedef gf_empty_response gf_delete_resource_policy_response;

typedef struct gf_create_security_configuration_request {
  const char *name;                                             /* required */
  const gf_encryption_configuration *encryption_configuration; /* required */
} gf_create_security_configuration_request;

typedef struct gf_create_security_configuration_response {
  const char *name;
  bool has_created_timestamp;
  double created_timestamp; /* wire name CreatedTimestamp (lower-case s) */
} gf_create_security_configuration_response;

typedef struct gf_delete_security_configuration_request {
  const char *name; /* required */
} gf_delete_security_configuration_request;

typedef gf_empty_response gf_delete_security_configuration_response;

typedef struct gf_get_security_configuration_request {
  const char *name; /* required */
} gf_get_security_configuration_request;

typedef struct gf_get_security_configuration_response {
  const gf_security_configuration *security_configuration;
} gf_get_security_configuration_response;

typedef struct gf_get_security_configurations_request {
  bool has_max_results;
  int64_t max_results; /* 1..1000; 100 when absent */
  const char *next_token;
} gf_get_security_configurations_request;

typedef struct gf_get_security_configurations_response {
  const gf_security_configuration *security_configurations; /* creation order */
  size_t security_configurations_count;
  const char *next_token; /* NULL on the last page */
} gf_get_security_configurations_response;

/* Frees a response and everything it points to.  NULL is allowed. */
#define GF_X_FREE_DECL(Wire, snake, UPPER) void gf_##snake##_response_free(gf_##snake##_response *response);
GF_OPERATIONS(GF_X_FREE_DECL)
#undef GF_X_FREE_DECL

/* The same, for a response known only by its operation (decorators). */
void gf_response_free(gf_operation op, void *response);

#ifdef __cplusplus
}
#endif

#endif
