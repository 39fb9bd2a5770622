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
 *    (fractions allowed) with a `has_` flag telling whether it is present;
 *    so has an integer, and the one required boolean
 *    (ReturnConnectionPasswordEncrypted), whose absence validation refuses.
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

#include "api.h"
#include "errors.h"
#include "operations.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Enumerated values, as they are spelled on the wire. */
#define GF_MODE_DISABLED "DISABLED"
#define GF_MODE_SSE_KMS "SSE-KMS"
#define GF_MODE_SSE_S3 "SSE-S3"
#define GF_MODE_CSE_KMS "CSE-KMS"
#define GF_MODE_SSE_KMS_WITH_SERVICE_ROLE "SSE-KMS-WITH-SERVICE-ROLE"
#define GF_POLICY_MUST_EXIST "MUST_EXIST"
#define GF_POLICY_NOT_EXIST "NOT_EXIST"
#define GF_POLICY_NONE "NONE"

/* ---- the data types ---------------------------------------------------- */

typedef struct gf_encryption_at_rest {
  /* required: DISABLED | SSE-KMS | SSE-KMS-WITH-SERVICE-ROLE */
  const char *catalog_encryption_mode;
  const char *sse_aws_kms_key_id;
  /* arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f)?:iam::<12 digits>:role/... */
  const char *catalog_encryption_service_role;
} gf_encryption_at_rest;

typedef struct gf_connection_password_encryption {
  bool return_connection_password_encrypted; /* required: has_ must be true */
  const char *aws_kms_key_id;
  /* Whether the boolean is present, as the has_ flags of the other scalars:
   * a JSON request may leave it out, which validation refuses.  It comes
   * after the members so that an initializer of the first two, written
   * before it existed, fails validation loudly instead of reading its key
   * as the flag. */
  bool has_return_connection_password_encrypted;
} gf_connection_password_encryption;

typedef struct gf_data_catalog_encryption_settings {
  const gf_encryption_at_rest *encryption_at_rest;
  const gf_connection_password_encryption *connection_password_encryption;
} gf_data_catalog_encryption_settings;

typedef struct gf_s3_encryption {
  const char *s3_encryption_mode; /* DISABLED | SSE-KMS | SSE-S3 */
  const char *kms_key_arn;        /* "", or arn:aws<partition>:kms:... */
} gf_s3_encryption;

typedef struct gf_cloud_watch_encryption {
  const char *cloud_watch_encryption_mode; /* DISABLED | SSE-KMS */
  const char *kms_key_arn;
} gf_cloud_watch_encryption;

typedef struct gf_job_bookmarks_encryption {
  const char *job_bookmarks_encryption_mode; /* DISABLED | CSE-KMS */
  const char *kms_key_arn;
} gf_job_bookmarks_encryption;

typedef struct gf_data_quality_encryption {
  const char *data_quality_encryption_mode; /* DISABLED | SSE-KMS */
  const char *kms_key_arn;
} gf_data_quality_encryption;

typedef struct gf_encryption_configuration {
  const gf_s3_encryption *s3_encryption; /* list, order kept */
  size_t s3_encryption_count;
  const gf_cloud_watch_encryption *cloud_watch_encryption;
  const gf_job_bookmarks_encryption *job_bookmarks_encryption;
  const gf_data_quality_encryption *data_quality_encryption;
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

/* One resource policy as GetResourcePolicies lists it (the model's
 * GluePolicy: without its resource's ARN). */
typedef struct gf_glue_policy {
  const char *policy_in_json;
  const char *policy_hash;
  bool has_create_time;
  double create_time;
  bool has_update_time;
  double update_time;
} gf_glue_policy;

typedef struct gf_get_resource_policies_request {
  bool has_max_results;
  int64_t max_results; /* 1..1000; 100 when absent */
  const char *next_token;
} gf_get_resource_policies_request;

typedef struct gf_get_resource_policies_response {
  /* every stored policy, in the order of their resources' ARNs */
  const gf_glue_policy *get_resource_policies_response_list;
  size_t get_resource_policies_response_list_count;
  const char *next_token; /* NULL on the last page */
} gf_get_resource_policies_response;

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
GF_API void gf_get_data_catalog_encryption_settings_response_free(
    gf_get_data_catalog_encryption_settings_response *response);
GF_API void gf_put_data_catalog_encryption_settings_response_free(
    gf_put_data_catalog_encryption_settings_response *response);
GF_API void gf_put_resource_policy_response_free(gf_put_resource_policy_response *response);
GF_API void gf_get_resource_policy_response_free(gf_get_resource_policy_response *response);
GF_API void gf_delete_resource_policy_response_free(gf_delete_resource_policy_response *response);
GF_API void gf_create_security_configuration_response_free(
    gf_create_security_configuration_response *response);
GF_API void gf_delete_security_configuration_response_free(
    gf_delete_security_configuration_response *response);
GF_API void gf_get_security_configuration_response_free(
    gf_get_security_configuration_response *response);
GF_API void gf_get_resource_policies_response_free(gf_get_resource_policies_response *response);
GF_API void gf_get_security_configurations_response_free(
    gf_get_security_configurations_response *response);

/* The same declarations from the operation list: the compiler checks that
 * the prototypes above agree with it. */
#define GF_X_FREE_DECL(Wire, snake, UPPER)                                                 \
  GF_API void gf_##snake##_response_free(gf_##snake##_response *response);
GF_OPERATIONS(GF_X_FREE_DECL)
#undef GF_X_FREE_DECL

/* The same, for a response known only by its operation (decorators). */
GF_API void gf_response_free(gf_operation op, void *response);

#ifdef __cplusplus
}
#endif

#endif
