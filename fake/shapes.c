/*
 * shapes.c - the descriptors of every shape (from the service model's
 * glue-security-shapes.json) and the generic free, pack and relocate walks.
 */
#include "shapes.h"

#include <string.h>

#include "alloc.h"

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
#define M_BOOL(T, field, Wire, path, req)                                                  \
  {.wire = Wire, .aws_path = path, .kind = GF_KIND_BOOL, .offset = offsetof(T, field),     \
   .aux_offset = GF_NO_AUX, .required = req}
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
#define SHAPE(var, Name, T, members) const gf_shape var = {Name, sizeof(T), members, COUNT_OF(members)}
#define EMPTY_SHAPE(var, Name) const gf_shape var = {Name, sizeof(gf_empty_response), NULL, 0}

static const char *const catalog_modes[] = {"DISABLED", "SSE-KMS", NULL};
static const char *const s3_modes[] = {"DISABLED", "SSE-KMS", "SSE-S3", NULL};
static const char *const cloud_watch_modes[] = {"DISABLED", "SSE-KMS", NULL};
static const char *const job_bookmarks_modes[] = {"DISABLED", "CSE-KMS", NULL};
static const char *const exist_conditions[] = {"MUST_EXIST", "NOT_EXIST", "NONE", NULL};
static const char *const enable_hybrid_values[] = {"TRUE", "FALSE", NULL};

/* ---- data types -------------------------------------------------------- */

static const gf_member encryption_at_rest_m[] = {
    M_ENUM(gf_encryption_at_rest, catalog_encryption_mode, "CatalogEncryptionMode",
           "catalogEncryptionMode", 1, catalog_modes),
    M_NAME(gf_encryption_at_rest, sse_aws_kms_key_id, "SseAwsKmsKeyId", "sseAwsKmsKeyId", 0),
};
static SHAPE(encryption_at_rest, "EncryptionAtRest", gf_encryption_at_rest,
             encryption_at_rest_m);

static const gf_member connection_password_encryption_m[] = {
    M_BOOL(gf_connection_password_encryption, return_connection_password_encrypted,
           "ReturnConnectionPasswordEncrypted", "returnConnectionPasswordEncrypted", 1),
    M_NAME(gf_connection_password_encryption, aws_kms_key_id, "AwsKmsKeyId", "awsKmsKeyId", 0),
};
static SHAPE(connection_password_encryption, "ConnectionPasswordEncryption",
             gf_connection_password_encryption, connection_password_encryption_m);

static const gf_member data_catalog_encryption_settings_m[] = {
    M_STRUCT(gf_data_catalog_encryption_settings, encryption_at_rest, "EncryptionAtRest",
             "encryptionAtRest", 0, encryption_at_rest),
    M_STRUCT(gf_data_catalog_encryption_settings, connection_password_encryption,
             "ConnectionPasswordEncryption", "connectionPasswordEncryption", 0,
             connection_password_encryption),
};
SHAPE(gf_shape_data_catalog_encryption_settings, "DataCatalogEncryptionSettings",
      gf_data_catalog_encryption_settings, data_catalog_encryption_settings_m);

static const gf_member s3_encryption_m[] = {
    M_ENUM(gf_s3_encryption, s3_encryption_mode, "S3EncryptionMode", "s3EncryptionMode", 0,
           s3_modes),
    M_KMS_ARN(gf_s3_encryption, kms_key_arn),
};
static SHAPE(s3_encryption, "S3Encryption", gf_s3_encryption, s3_encryption_m);

static const gf_member cloud_watch_encryption_m[] = {
    M_ENUM(gf_cloud_watch_encryption, cloud_watch_encryption_mode, "CloudWatchEncryptionMode",
           "cloudWatchEncryptionMode", 0, cloud_watch_modes),
    M_KMS_ARN(gf_cloud_watch_encryption, kms_key_arn),
};
static SHAPE(cloud_watch_encryption, "CloudWatchEncryption", gf_cloud_watch_encryption,
             cloud_watch_encryption_m);

static const gf_member job_bookmarks_encryption_m[] = {
    M_ENUM(gf_job_bookmarks_encryption, job_bookmarks_encryption_mode,
           "JobBookmarksEncryptionMode", "jobBookmarksEncryptionMode", 0, job_bookmarks_modes),
    M_KMS_ARN(gf_job_bookmarks_encryption, kms_key_arn),
};
static SHAPE(job_bookmarks_encryption, "JobBookmarksEncryption", gf_job_bookmarks_encryption,
             job_bookmarks_encryption_m);

static const gf_member encryption_configuration_m[] = {
    M_LIST(gf_encryption_configuration, s3_encryption, s3_encryption_count, "S3Encryption",
           "s3Encryption", s3_encryption),
    M_STRUCT(gf_encryption_configuration, cloud_watch_encryption, "CloudWatchEncryption",
             "cloudWatchEncryption", 0, cloud_watch_encryption),
    M_STRUCT(gf_encryption_configuration, job_bookmarks_encryption, "JobBookmarksEncryption",
             "jobBookmarksEncryption", 0, job_bookmarks_encryption),
};
SHAPE(gf_shape_encryption_configuration, "EncryptionConfiguration",
      gf_encryption_configuration, encryption_configuration_m);

static const gf_member security_configuration_m[] = {
    M_NAME(gf_security_configuration, name, "Name", "name", 0),
    M_TIME(gf_security_configuration, created_time_stamp, has_created_time_stamp,
           "CreatedTimeStamp", "createdTimeStamp"),
    M_STRUCT(gf_security_configuration, encryption_configuration, "EncryptionConfiguration",
             "encryptionConfiguration", 0, gf_shape_encryption_configuration),
};
SHAPE(gf_shape_security_configuration, "SecurityConfiguration", gf_security_configuration,
      security_configuration_m);

/* ---- requests and responses -------------------------------------------- */

#define T gf_get_data_catalog_encryption_settings_request
static const gf_member get_dces_req_m[] = {M_NAME(T, catalog_id, "CatalogId", "catalogId", 0)};
static SHAPE(get_dces_req, "GetDataCatalogEncryptionSettingsRequest", T, get_dces_req_m);
#undef T
#define T gf_get_data_catalog_encryption_settings_response
static const gf_member get_dces_resp_m[] = {
    M_STRUCT(T, data_catalog_encryption_settings, "DataCatalogEncryptionSettings",
             "dataCatalogEncryptionSettings", 0, gf_shape_data_catalog_encryption_settings)};
static SHAPE(get_dces_resp, "GetDataCatalogEncryptionSettingsResponse", T, get_dces_resp_m);
#undef T

#define T gf_put_data_catalog_encryption_settings_request
static const gf_member put_dces_req_m[] = {
    M_NAME(T, catalog_id, "CatalogId", "catalogId", 0),
    M_STRUCT(T, data_catalog_encryption_settings, "DataCatalogEncryptionSettings",
             "dataCatalogEncryptionSettings", 1, gf_shape_data_catalog_encryption_settings)};
static SHAPE(put_dces_req, "PutDataCatalogEncryptionSettingsRequest", T, put_dces_req_m);
#undef T
static EMPTY_SHAPE(put_dces_resp, "PutDataCatalogEncryptionSettingsResponse");

#define T gf_put_resource_policy_request
static const gf_member put_rp_req_m[] = {
    M_STRING(T, policy_in_json, "PolicyInJson", "policyInJson", 1, 2, 10240, GF_RULE_JSON_TEXT,
             NULL),
    M_NAME(T, policy_hash_condition, "PolicyHashCondition", "policyHashCondition", 0),
    M_ENUM(T, policy_exists_condition, "PolicyExistsCondition", "policyExistsCondition", 0,
           exist_conditions),
    M_GLUE_ARN(T, resource_arn),
    M_ENUM(T, enable_hybrid, "EnableHybrid", "enableHybrid", 0, enable_hybrid_values)};
static SHAPE(put_rp_req, "PutResourcePolicyRequest", T, put_rp_req_m);
#undef T
#define T gf_put_resource_policy_response
static const gf_member put_rp_resp_m[] = {
    M_NAME(T, policy_hash, "PolicyHash", "policyHash", 0)};
static SHAPE(put_rp_resp, "PutResourcePolicyResponse", T, put_rp_resp_m);
#undef T

#define T gf_get_resource_policy_request
static const gf_member get_rp_req_m[] = {M_GLUE_ARN(T, resource_arn)};
static SHAPE(get_rp_req, "GetResourcePolicyRequest", T, get_rp_req_m);
#undef T
#define T gf_get_resource_policy_response
static const gf_member get_rp_resp_m[] = {
    M_STRING(T, policy_in_json, "PolicyInJson", "policyInJson", 0, 2, 10240, GF_RULE_JSON_TEXT,
             NULL),
    M_NAME(T, policy_hash, "PolicyHash", "policyHash", 0),
    M_TIME(T, create_time, has_create_time, "CreateTime", "createTime"),
    M_TIME(T, update_time, has_update_time, "UpdateTime", "updateTime")};
static SHAPE(get_rp_resp, "GetResourcePolicyResponse", T, get_rp_resp_m);
#undef T

#define T gf_delete_resource_policy_request
static const gf_member delete_rp_req_m[] = {
    M_NAME(T, policy_hash_condition, "PolicyHashCondition", "policyHashCondition", 0),
    M_GLUE_ARN(T, resource_arn)};
static SHAPE(delete_rp_req, "DeleteResourcePolicyRequest", T, delete_rp_req_m);
#undef T
static EMPTY_SHAPE(delete_rp_resp, "DeleteResourcePolicyResponse");

#define T gf_create_security_configuration_request
static const gf_member create_sc_req_m[] = {
    M_NAME(T, name, "Name", "name", 1),
    M_STRUCT(T, encryption_configuration, "EncryptionConfiguration", "encryptionConfiguration",
             1, gf_shape_encryption_configuration)};
static SHAPE(create_sc_req, "CreateSecurityConfigurationRequest", T, create_sc_req_m);
#undef T
#define T gf_create_security_configuration_response
static const gf_member create_sc_resp_m[] = {
    M_NAME(T, name, "Name", "name", 0),
    M_TIME(T, created_timestamp, has_created_timestamp, "CreatedTimestamp",
           "createdTimestamp")};
static SHAPE(create_sc_resp, "CreateSecurityConfigurationResponse", T, create_sc_resp_m);
#undef T

#define T gf_delete_security_configuration_request
static const gf_member delete_sc_req_m[] = {M_NAME(T, name, "Name", "name", 1)};
static SHAPE(delete_sc_req, "DeleteSecurityConfigurationRequest", T, delete_sc_req_m);
#undef T
static EMPTY_SHAPE(delete_sc_resp, "DeleteSecurityConfigurationResponse");

#define T gf_get_security_configuration_request
static const gf_member get_sc_req_m[] = {M_NAME(T, name, "Name", "name", 1)};
static SHAPE(get_sc_req, "GetSecurityConfigurationRequest", T, get_sc_req_m);
#undef T
#define T gf_get_security_configuration_response
static const gf_member get_sc_resp_m[] = {
    M_STRUCT(T, security_configuration, "SecurityConfiguration", "securityConfiguration", 0,
             gf_shape_security_configuration)};
static SHAPE(get_sc_resp, "GetSecurityConfigurationResponse", T, get_sc_resp_m);
#undef T

#define T gf_get_security_configurations_request
static const gf_member list_sc_req_m[] = {
    M_INT(T, max_results, has_max_results, "MaxResults", "maxResults", 1, 1000),
    M_STRING(T, next_token, "NextToken", "nextToken", 0, 0, 0, GF_RULE_NONE, NULL)};
static SHAPE(list_sc_req, "GetSecurityConfigurationsRequest", T, list_sc_req_m);
#undef T
#define T gf_get_security_configurations_response
static const gf_member list_sc_resp_m[] = {
    M_LIST(T, security_configurations, security_configurations_count, "SecurityConfigurations",
           "securityConfigurations", gf_shape_security_configuration),
    M_STRING(T, next_token, "NextToken", "nextToken", 0, 0, 0, GF_RULE_NONE, NULL)};
static SHAPE(list_sc_resp, "GetSecurityConfigurationsResponse", T, list_sc_resp_m);
#undef T

const gf_shape *const gf_request_shapes[GF_OPERATION_COUNT] = {
    [GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS] = &get_dces_req,
    [GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS] = &put_dces_req,
    [GF_OP_PUT_RESOURCE_POLICY] = &put_rp_req,
    [GF_OP_GET_RESOURCE_POLICY] = &get_rp_req,
    [GF_OP_DELETE_RESOURCE_POLICY] = &delete_rp_req,
    [GF_OP_CREATE_SECURITY_CONFIGURATION] = &create_sc_req,
    [GF_OP_DELETE_SECURITY_CONFIGURATION] = &delete_sc_req,
    [GF_OP_GET_SECURITY_CONFIGURATION] = &get_sc_req,
    [GF_OP_GET_SECURITY_CONFIGURATIONS] = &list_sc_req,
};
const gf_shape *const gf_response_shapes[GF_OPERATION_COUNT] = {
    [GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS] = &get_dces_resp,
    [GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS] = &put_dces_resp,
    [GF_OP_PUT_RESOURCE_POLICY] = &put_rp_resp,
    [GF_OP_GET_RESOURCE_POLICY] = &get_rp_resp,
    [GF_OP_DELETE_RESOURCE_POLICY] = &delete_rp_resp,
    [GF_OP_CREATE_SECURITY_CONFIGURATION] = &create_sc_resp,
    [GF_OP_DELETE_SECURITY_CONFIGURATION] = &delete_sc_resp,
    [GF_OP_GET_SECURITY_CONFIGURATION] = &get_sc_resp,
    [GF_OP_GET_SECURITY_CONFIGURATIONS] = &list_sc_resp,
};

/* ---- free -------------------------------------------------------------- */

void gf_shape_free_members(const gf_shape *shape, void *obj)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    void **slot = GF_MEMBER_PTR(obj, m->offset);
    switch (m->kind) {
    case GF_KIND_STRING:
      gf_free(*slot);
      break;
    case GF_KIND_STRUCT:
      gf_shape_free(m->shape, *slot);
      break;
    case GF_KIND_LIST: {
      size_t count = *(size_t *)GF_MEMBER_PTR(obj, m->aux_offset);
      for (size_t j = 0; *slot && j < count; j++)
        gf_shape_free_members(m->shape, (char *)*slot + j * m->shape->size);
      gf_free(*slot);
      break;
    }
    default:
      break;
    }
    if (m->kind == GF_KIND_STRING || m->kind == GF_KIND_STRUCT || m->kind == GF_KIND_LIST)
      *slot = NULL;
  }
}

void gf_shape_free(const gf_shape *shape, void *obj)
{
  if (!obj)
    return;
  gf_shape_free_members(shape, obj);
  gf_free(obj);
}

/* ---- packed copies: one allocation for an object and all it points to ---- */

static size_t align8(size_t n) { return GF_PACK_OFFSET(n); }

/* Adds up the room `obj`'s pointees take: objects (8-aligned) and strings. */
static void measure(const gf_shape *shape, const void *obj, size_t *objects, size_t *strings)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    const void *p = *(const void *const *)GF_MEMBER_CPTR(obj, m->offset);
    if (!p)
      continue;
    if (m->kind == GF_KIND_STRING) {
      *strings += strlen(p) + 1;
    } else if (m->kind == GF_KIND_STRUCT) {
      *objects += align8(m->shape->size);
      measure(m->shape, p, objects, strings);
    } else {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      *objects += align8((count ? count : 1) * m->shape->size);
      for (size_t j = 0; j < count; j++)
        measure(m->shape, (const char *)p + j * m->shape->size, objects, strings);
    }
  }
}

/* Copies `src` into `dst`, its pointees taken from the two cursors. */
static void place(const gf_shape *shape, void *dst, const void *src, char **objects,
                  char **strings)
{
  memcpy(dst, src, shape->size);
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    const void *p = *(const void *const *)GF_MEMBER_CPTR(src, m->offset);
    void **to = GF_MEMBER_PTR(dst, m->offset);
    if (!p)
      continue;
    if (m->kind == GF_KIND_STRING) {
      size_t n = strlen(p) + 1;
      memcpy(*strings, p, n);
      *to = *strings;
      *strings += n;
    } else if (m->kind == GF_KIND_STRUCT) {
      *to = *objects;
      *objects += align8(m->shape->size);
      place(m->shape, *to, p, objects, strings);
    } else {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(src, m->aux_offset);
      size_t bytes = (count ? count : 1) * m->shape->size;
      char *items = *objects;
      *objects += align8(bytes);
      memset(items, 0, bytes);
      for (size_t j = 0; j < count; j++)
        place(m->shape, items + j * m->shape->size, (const char *)p + j * m->shape->size, objects,
              strings);
      *to = items;
    }
  }
}

void *gf_shape_pack_after(const gf_shape *shape, const void *src, size_t header,
                          size_t *packed_size)
{
  size_t objects = align8(shape->size), strings = 0;
  measure(shape, src, &objects, &strings);
  char *block = gf_malloc(align8(header) + objects + strings);
  if (block) {
    memset(block, 0, align8(header));
    char *obj = block + align8(header), *o = obj + align8(shape->size), *s = obj + objects;
    place(shape, obj, src, &o, &s);
    if (packed_size)
      *packed_size = objects + strings;
  }
  return block;
}

void *gf_shape_pack(const gf_shape *shape, const void *src)
{
  return gf_shape_pack_after(shape, src, 0, NULL);
}

void gf_shape_relocate(const gf_shape *shape, void *obj, const char *from, char *to)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gf_member *m = &shape->members[i];
    if (m->kind != GF_KIND_STRING && m->kind != GF_KIND_STRUCT && m->kind != GF_KIND_LIST)
      continue;
    char **p = GF_MEMBER_PTR(obj, m->offset);
    if (!*p)
      continue;
    *p = to + (*p - from);
    if (m->kind == GF_KIND_STRUCT) {
      gf_shape_relocate(m->shape, *p, from, to);
    } else if (m->kind == GF_KIND_LIST) {
      size_t count = *(const size_t *)GF_MEMBER_CPTR(obj, m->aux_offset);
      for (size_t j = 0; j < count; j++)
        gf_shape_relocate(m->shape, *p + j * m->shape->size, from, to);
    }
  }
}

void *gf_shape_repack_after(const gf_shape *shape, const void *packed, size_t packed_size,
                            size_t header)
{
  char *block = gf_malloc(align8(header) + packed_size);
  if (block) {
    memset(block, 0, align8(header));
    char *obj = block + align8(header);
    memcpy(obj, packed, packed_size);
    gf_shape_relocate(shape, obj, packed, obj);
  }
  return block;
}

/* ---- response free functions of the public API ------------------------- */

/* Every response gluefake hands out is packed: one allocation. */
#define GF_X_FREE_DEF(Wire, snake, UPPER)                                                  \
  void gf_##snake##_response_free(gf_##snake##_response *response) { gf_free(response); }
GF_OPERATIONS(GF_X_FREE_DEF)
#undef GF_X_FREE_DEF

void gf_response_free(gf_operation op, void *response)
{
  (void)op;
  gf_free(response);
}

void *gf_response_copy(gf_operation op, const void *response)
{
  if ((unsigned)op >= GF_OPERATION_COUNT || !response)
    return NULL;
  return gf_shape_pack(gf_response_shapes[op], response);
}
