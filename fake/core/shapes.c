/*
 * shapes.c - the descriptors of every shape, from the service model
 * (glue-security-shapes.json): members, wire names, constraints.
 */
#include "shapes.h"


#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* Member descriptors, one macro per kind.  NAME = single-line 1..255. */
#define M_STRING(T, field, Wire, path, req, minl, maxl, rul, enums)                        \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_STRING, .offset = offsetof(T, field),   \
   .aux_offset = GF_NO_AUX, .required = req, .min_len = minl, .max_len = maxl,             \
   .rule = rul, .enum_values = enums}
#define M_NAME(T, field, Wire, path, req)                                                  \
  M_STRING(T, field, Wire, path, req, 1, 255, GF_RULE_SINGLE_LINE, NULL)
#define M_ENUM(T, field, Wire, path, req, enums)                                           \
  M_STRING(T, field, Wire, path, req, 0, 0, GF_RULE_NONE, enums)
#define M_KMS_ARN(T, field)                                                                \
  M_STRING(T, field, "KmsKeyArn", "kmsKeyArn", 0, 0, 0, GF_RULE_KMS_ARN, NULL)
#define M_GLUE_ARN(T, field)                                                               \
  M_STRING(T, field, "ResourceArn", "resourceArn", 0, 1, 10240, GF_RULE_GLUE_ARN, NULL)
#define M_BOOL(T, field, has, Wire, path, req)                                             \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_BOOL, .offset = offsetof(T, field),     \
   .aux_offset = offsetof(T, has), .required = req}
#define M_INT(T, field, has, Wire, path, lo, hi)                                           \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_INT, .offset = offsetof(T, field),      \
   .aux_offset = offsetof(T, has), .min_value = lo, .max_value = hi}
#define M_TIME(T, field, has, Wire, path)                                                  \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_TIMESTAMP, .offset = offsetof(T, field), \
   .aux_offset = offsetof(T, has)}
#define M_STRUCT(T, field, Wire, path, req, sh)                                            \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_STRUCT, .offset = offsetof(T, field),   \
   .aux_offset = GF_NO_AUX, .shape = &sh, .required = req}
#define M_LIST(T, field, count, Wire, path, sh)                                            \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_LIST, .offset = offsetof(T, field),     \
   .aux_offset = offsetof(T, count), .shape = &sh}
#define SHAPE(var, Name, T, members)                                                       \
  const gfi_shape var = {Name, sizeof(T), members, COUNT_OF(members)}

static const char *const catalog_modes[] = {"DISABLED", "SSE-KMS", "SSE-KMS-WITH-SERVICE-ROLE",
                                            NULL};
static const char *const s3_modes[] = {"DISABLED", "SSE-KMS", "SSE-S3", NULL};
static const char *const cloud_watch_modes[] = {"DISABLED", "SSE-KMS", NULL};
static const char *const job_bookmarks_modes[] = {"DISABLED", "CSE-KMS", NULL};
static const char *const data_quality_modes[] = {"DISABLED", "SSE-KMS", NULL};
static const char *const exist_conditions[] = {"MUST_EXIST", "NOT_EXIST", "NONE", NULL};
static const char *const enable_hybrid_values[] = {"TRUE", "FALSE", NULL};

/* ---- data types -------------------------------------------------------- */

static const gfi_member encryption_at_rest_m[] = {
    M_ENUM(gf_encryption_at_rest, catalog_encryption_mode, "CatalogEncryptionMode",
           "catalogEncryptionMode", 1, catalog_modes),
    M_NAME(gf_encryption_at_rest, sse_aws_kms_key_id, "SseAwsKmsKeyId", "sseAwsKmsKeyId", 0),
    M_STRING(gf_encryption_at_rest, catalog_encryption_service_role,
             "CatalogEncryptionServiceRole", "catalogEncryptionServiceRole", 0, 0, 0,
             GF_RULE_IAM_ROLE_ARN, NULL),
};
static SHAPE(encryption_at_rest, "EncryptionAtRest", gf_encryption_at_rest,
             encryption_at_rest_m);

static const gfi_member connection_password_encryption_m[] = {
    M_BOOL(gf_connection_password_encryption, return_connection_password_encrypted,
           has_return_connection_password_encrypted, "ReturnConnectionPasswordEncrypted",
           "returnConnectionPasswordEncrypted", 1),
    M_NAME(gf_connection_password_encryption, aws_kms_key_id, "AwsKmsKeyId", "awsKmsKeyId", 0),
};
static SHAPE(connection_password_encryption, "ConnectionPasswordEncryption",
             gf_connection_password_encryption, connection_password_encryption_m);

static const gfi_member data_catalog_encryption_settings_m[] = {
    M_STRUCT(gf_data_catalog_encryption_settings, encryption_at_rest, "EncryptionAtRest",
             "encryptionAtRest", 0, encryption_at_rest),
    M_STRUCT(gf_data_catalog_encryption_settings, connection_password_encryption,
             "ConnectionPasswordEncryption", "connectionPasswordEncryption", 0,
             connection_password_encryption),
};
SHAPE(gfi_shape_data_catalog_encryption_settings, "DataCatalogEncryptionSettings",
      gf_data_catalog_encryption_settings, data_catalog_encryption_settings_m);

static const gfi_member s3_encryption_m[] = {
    M_ENUM(gf_s3_encryption, s3_encryption_mode, "S3EncryptionMode", "s3EncryptionMode", 0,
           s3_modes),
    M_KMS_ARN(gf_s3_encryption, kms_key_arn),
};
static SHAPE(s3_encryption, "S3Encryption", gf_s3_encryption, s3_encryption_m);

static const gfi_member cloud_watch_encryption_m[] = {
    M_ENUM(gf_cloud_watch_encryption, cloud_watch_encryption_mode, "CloudWatchEncryptionMode",
           "cloudWatchEncryptionMode", 0, cloud_watch_modes),
    M_KMS_ARN(gf_cloud_watch_encryption, kms_key_arn),
};
static SHAPE(cloud_watch_encryption, "CloudWatchEncryption", gf_cloud_watch_encryption,
             cloud_watch_encryption_m);

static const gfi_member job_bookmarks_encryption_m[] = {
    M_ENUM(gf_job_bookmarks_encryption, job_bookmarks_encryption_mode,
           "JobBookmarksEncryptionMode", "jobBookmarksEncryptionMode", 0, job_bookmarks_modes),
    M_KMS_ARN(gf_job_bookmarks_encryption, kms_key_arn),
};
static SHAPE(job_bookmarks_encryption, "JobBookmarksEncryption", gf_job_bookmarks_encryption,
             job_bookmarks_encryption_m);

static const gfi_member data_quality_encryption_m[] = {
    M_ENUM(gf_data_quality_encryption, data_quality_encryption_mode, "DataQualityEncryptionMode",
           "dataQualityEncryptionMode", 0, data_quality_modes),
    M_KMS_ARN(gf_data_quality_encryption, kms_key_arn),
};
static SHAPE(data_quality_encryption, "DataQualityEncryption", gf_data_quality_encryption,
             data_quality_encryption_m);

static const gfi_member encryption_configuration_m[] = {
    M_LIST(gf_encryption_configuration, s3_encryption, s3_encryption_count, "S3Encryption",
           "s3Encryption", s3_encryption),
    M_STRUCT(gf_encryption_configuration, cloud_watch_encryption, "CloudWatchEncryption",
             "cloudWatchEncryption", 0, cloud_watch_encryption),
    M_STRUCT(gf_encryption_configuration, job_bookmarks_encryption, "JobBookmarksEncryption",
             "jobBookmarksEncryption", 0, job_bookmarks_encryption),
    M_STRUCT(gf_encryption_configuration, data_quality_encryption, "DataQualityEncryption",
             "dataQualityEncryption", 0, data_quality_encryption),
};
SHAPE(gfi_shape_encryption_configuration, "EncryptionConfiguration",
      gf_encryption_configuration, encryption_configuration_m);

static const gfi_member security_configuration_m[] = {
    M_NAME(gf_security_configuration, name, "Name", "name", 0),
    M_TIME(gf_security_configuration, created_time_stamp, has_created_time_stamp,
           "CreatedTimeStamp", "createdTimeStamp"),
    M_STRUCT(gf_security_configuration, encryption_configuration, "EncryptionConfiguration",
             "encryptionConfiguration", 0, gfi_shape_encryption_configuration),
};
SHAPE(gfi_shape_security_configuration, "SecurityConfiguration", gf_security_configuration,
      security_configuration_m);

/* ---- requests and responses -------------------------------------------- */

/* The members of each operation's request and response, in arrays named
 * after the operation and ended by END (so that an empty one is an array
 * too); the shapes themselves come from the operation list below. */
#define END {0}

static const gfi_member get_data_catalog_encryption_settings_request_members[] = {
    M_NAME(gf_get_data_catalog_encryption_settings_request, catalog_id, "CatalogId", "catalogId",
           0),
    END};
static const gfi_member get_data_catalog_encryption_settings_response_members[] = {
    M_STRUCT(gf_get_data_catalog_encryption_settings_response, data_catalog_encryption_settings,
             "DataCatalogEncryptionSettings", "dataCatalogEncryptionSettings", 0,
             gfi_shape_data_catalog_encryption_settings),
    END};

static const gfi_member put_data_catalog_encryption_settings_request_members[] = {
    M_NAME(gf_put_data_catalog_encryption_settings_request, catalog_id, "CatalogId", "catalogId",
           0),
    M_STRUCT(gf_put_data_catalog_encryption_settings_request, data_catalog_encryption_settings,
             "DataCatalogEncryptionSettings", "dataCatalogEncryptionSettings", 1,
             gfi_shape_data_catalog_encryption_settings),
    END};
static const gfi_member put_data_catalog_encryption_settings_response_members[] = {END};

static const gfi_member put_resource_policy_request_members[] = {
    M_STRING(gf_put_resource_policy_request, policy_in_json, "PolicyInJson", "policyInJson", 1, 2,
             10240, GF_RULE_JSON_TEXT, NULL),
    M_NAME(gf_put_resource_policy_request, policy_hash_condition, "PolicyHashCondition",
           "policyHashCondition", 0),
    M_ENUM(gf_put_resource_policy_request, policy_exists_condition, "PolicyExistsCondition",
           "policyExistsCondition", 0, exist_conditions),
    M_GLUE_ARN(gf_put_resource_policy_request, resource_arn),
    M_ENUM(gf_put_resource_policy_request, enable_hybrid, "EnableHybrid", "enableHybrid", 0,
           enable_hybrid_values),
    END};
static const gfi_member put_resource_policy_response_members[] = {
    M_NAME(gf_put_resource_policy_response, policy_hash, "PolicyHash", "policyHash", 0), END};

static const gfi_member get_resource_policy_request_members[] = {
    M_GLUE_ARN(gf_get_resource_policy_request, resource_arn), END};
static const gfi_member get_resource_policy_response_members[] = {
    M_STRING(gf_get_resource_policy_response, policy_in_json, "PolicyInJson", "policyInJson", 0, 2,
             10240, GF_RULE_JSON_TEXT, NULL),
    M_NAME(gf_get_resource_policy_response, policy_hash, "PolicyHash", "policyHash", 0),
    M_TIME(gf_get_resource_policy_response, create_time, has_create_time, "CreateTime",
           "createTime"),
    M_TIME(gf_get_resource_policy_response, update_time, has_update_time, "UpdateTime",
           "updateTime"),
    END};

static const gfi_member delete_resource_policy_request_members[] = {
    M_NAME(gf_delete_resource_policy_request, policy_hash_condition, "PolicyHashCondition",
           "policyHashCondition", 0),
    M_GLUE_ARN(gf_delete_resource_policy_request, resource_arn), END};
static const gfi_member delete_resource_policy_response_members[] = {END};

static const gfi_member create_security_configuration_request_members[] = {
    M_NAME(gf_create_security_configuration_request, name, "Name", "name", 1),
    M_STRUCT(gf_create_security_configuration_request, encryption_configuration,
             "EncryptionConfiguration", "encryptionConfiguration", 1,
             gfi_shape_encryption_configuration),
    END};
static const gfi_member create_security_configuration_response_members[] = {
    M_NAME(gf_create_security_configuration_response, name, "Name", "name", 0),
    M_TIME(gf_create_security_configuration_response, created_timestamp, has_created_timestamp,
           "CreatedTimestamp", "createdTimestamp"),
    END};

static const gfi_member delete_security_configuration_request_members[] = {
    M_NAME(gf_delete_security_configuration_request, name, "Name", "name", 1), END};
static const gfi_member delete_security_configuration_response_members[] = {END};

static const gfi_member get_security_configuration_request_members[] = {
    M_NAME(gf_get_security_configuration_request, name, "Name", "name", 1), END};
static const gfi_member get_security_configuration_response_members[] = {
    M_STRUCT(gf_get_security_configuration_response, security_configuration,
             "SecurityConfiguration", "securityConfiguration", 0, gfi_shape_security_configuration),
    END};

static const gfi_member get_security_configurations_request_members[] = {
    M_INT(gf_get_security_configurations_request, max_results, has_max_results, "MaxResults",
          "maxResults", 1, 1000),
    M_STRING(gf_get_security_configurations_request, next_token, "NextToken", "nextToken", 0, 0, 0,
             GF_RULE_NONE, NULL),
    END};
static const gfi_member get_security_configurations_response_members[] = {
    M_LIST(gf_get_security_configurations_response, security_configurations,
           security_configurations_count, "SecurityConfigurations", "securityConfigurations",
           gfi_shape_security_configuration),
    M_STRING(gf_get_security_configurations_response, next_token, "NextToken", "nextToken", 0, 0, 0,
             GF_RULE_NONE, NULL),
    END};

static const gfi_member glue_policy_m[] = {
    M_STRING(gf_glue_policy, policy_in_json, "PolicyInJson", "policyInJson", 0, 2, 10240,
             GF_RULE_JSON_TEXT, NULL),
    M_NAME(gf_glue_policy, policy_hash, "PolicyHash", "policyHash", 0),
    M_TIME(gf_glue_policy, create_time, has_create_time, "CreateTime", "createTime"),
    M_TIME(gf_glue_policy, update_time, has_update_time, "UpdateTime", "updateTime"),
};
static SHAPE(glue_policy, "GluePolicy", gf_glue_policy, glue_policy_m);

static const gfi_member get_resource_policies_request_members[] = {
    M_INT(gf_get_resource_policies_request, max_results, has_max_results, "MaxResults",
          "maxResults", 1, 1000),
    M_STRING(gf_get_resource_policies_request, next_token, "NextToken", "nextToken", 0, 0, 0,
             GF_RULE_NONE, NULL),
    END};
static const gfi_member get_resource_policies_response_members[] = {
    M_LIST(gf_get_resource_policies_response, get_resource_policies_response_list,
           get_resource_policies_response_list_count, "GetResourcePoliciesResponseList",
           "getResourcePoliciesResponseList", glue_policy),
    M_STRING(gf_get_resource_policies_response, next_token, "NextToken", "nextToken", 0, 0, 0,
             GF_RULE_NONE, NULL),
    END};

/* Each operation's two shapes, named after it ("CreateSecurityConfigurationRequest"). */
#define GF_X_SHAPES(Wire, snake, UPPER)                                                    \
  static const gfi_shape snake##_request = {#Wire "Request", sizeof(gf_##snake##_request),  \
                                            snake##_request_members,                       \
                                            COUNT_OF(snake##_request_members) - 1};        \
  static const gfi_shape snake##_response = {#Wire "Response",                             \
                                             sizeof(gf_##snake##_response),                \
                                             snake##_response_members,                     \
                                             COUNT_OF(snake##_response_members) - 1};
GF_OPERATIONS(GF_X_SHAPES)
#undef GF_X_SHAPES

/* The tables by operation, from the operation list: each operation's
 * shapes are named after it above. */
const gfi_shape *const gfi_request_shapes[GF_OPERATION_COUNT] = {
#define GF_X_REQUEST(Wire, snake, UPPER) [GF_OP_##UPPER] = &snake##_request,
    GF_OPERATIONS(GF_X_REQUEST)
#undef GF_X_REQUEST
};
const gfi_shape *const gfi_response_shapes[GF_OPERATION_COUNT] = {
#define GF_X_RESPONSE(Wire, snake, UPPER) [GF_OP_##UPPER] = &snake##_response,
    GF_OPERATIONS(GF_X_RESPONSE)
#undef GF_X_RESPONSE
};
