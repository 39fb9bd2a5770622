/*
 * test_json.c - the AWS JSON 1.1 level: gf_json_dispatch for every
 * operation and every error, the request/response/error codec and its
 * round trips, HTTP status codes and gf_json_reply_clear, and the response
 * writer dispatch uses against cJSON's printing.
 *
 * Every test gets a fresh fake whose clock is fixed at 1700000000 with a
 * step of 1, so that every timestamp in a reply is known in advance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <float.h>
#include <math.h>

#include "core/alloc.h"
#include "core/codec.h"
#include "core/json_write.h"
#include "core/shapes.h"
#include "gluefake.h"
#include "gluefake/sys/backend.h"
#include "helpers.h"

#define T0 1700000000 /* FIXED_T0, as an integer */
#define ACCOUNT "123456789012"
#define DEFAULT_ARN "arn:aws:glue:us-east-1:" ACCOUNT ":catalog"
#define KMS1 "arn:aws:kms:us-east-1:" ACCOUNT ":key/one"
#define KMS2 "arn:aws:kms:us-east-1:" ACCOUNT ":key/two"

#define DEFAULT_DCES                                                                       \
  "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"   \
  "\"DISABLED\"},\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":" \
  "false}}}"

/* ---- fixtures -------------------------------------------------------------- */

static int setup(void **state)
{
  *state = fixed_fake(NULL, NULL);
  return *state ? 0 : -1;
}

static int teardown(void **state)
{
  gf_fake_free(*state);
  *state = NULL;
  return 0;
}

static gf_backend *backend_of(void **state) { return gf_fake_backend(*state); }

/* ---- helpers ----------------------------------------------------------------- */

/* Dispatches `body` (strlen bytes; NULL allowed) and checks the invariants
 * every reply has.  The caller clears the reply. */
static void dispatch_len(gf_backend *b, const char *op, const char *body, size_t len,
                         gf_json_reply *reply)
{
  assert_int_equal(gf_json_dispatch(b, op, body, len, reply), 0);
  assert_non_null(reply->body);
  assert_int_equal(reply->body_len, strlen(reply->body));
  assert_int_equal(reply->http_status, gf_status_http_code(reply->status));
  if (reply->status == GF_OK)
    assert_null(reply->error_type);
  else
    assert_string_equal(reply->error_type, gf_status_name(reply->status));
}

static void dispatch(gf_backend *b, const char *op, const char *body, gf_json_reply *reply)
{
  dispatch_len(b, op, body, body ? strlen(body) : 0, reply);
}

/* Expects a 200 whose body is exactly `expected`. */
static void expect_ok_len(gf_backend *b, const char *op, const char *body, size_t len,
                          const char *expected)
{
  gf_json_reply reply;
  dispatch_len(b, op, body, len, &reply);
  if (reply.status != GF_OK)
    print_message("%s %s -> %s\n", op, body ? body : "(null)", reply.body);
  assert_int_equal(reply.status, GF_OK);
  assert_int_equal(reply.http_status, 200);
  assert_null(reply.error_type);
  assert_string_equal(reply.body, expected);
  gf_json_reply_clear(&reply);
}

static void expect_ok(gf_backend *b, const char *op, const char *body, const char *expected)
{
  expect_ok_len(b, op, body, body ? strlen(body) : 0, expected);
}

/* Checks an error reply: status, HTTP code, error type, and a body that is
 * exactly {"__type":"<Name>","Message":"..."}.  `message` NULL: any
 * non-empty message.  Returns nothing; asserts. */
static void check_error_reply(const gf_json_reply *reply, gf_status status, int http,
                              const char *message)
{
  if (reply->status != status)
    print_message("expected %s, got %s\n", gf_status_name(status), reply->body);
  assert_int_equal(reply->status, status);
  assert_int_equal(reply->http_status, http);
  assert_string_equal(reply->error_type, gf_status_name(status));
  assert_error_body(reply->body, gf_status_name(status), message);
}

static void expect_error_len(gf_backend *b, const char *op, const char *body, size_t len,
                             gf_status status, const char *message)
{
  gf_json_reply reply;
  dispatch_len(b, op, body, len, &reply);
  check_error_reply(&reply, status, status == GF_INTERNAL_SERVICE ? 500 : 400, message);
  gf_json_reply_clear(&reply);
}

static void expect_error(gf_backend *b, const char *op, const char *body, gf_status status,
                         const char *message)
{
  expect_error_len(b, op, body, body ? strlen(body) : 0, status, message);
}

/* Expects an error whose message contains `part`. */
static void expect_error_containing(gf_backend *b, const char *op, const char *body,
                                    gf_status status, const char *part)
{
  gf_json_reply reply;
  dispatch(b, op, body, &reply);
  check_error_reply(&reply, status, status == GF_INTERNAL_SERVICE ? 500 : 400, NULL);
  cJSON *json = cJSON_Parse(reply.body);
  const char *msg = cJSON_GetObjectItemCaseSensitive(json, "Message")->valuestring;
  if (!strstr(msg, part))
    print_message("message '%s' lacks '%s'\n", msg, part);
  assert_non_null(strstr(msg, part));
  cJSON_Delete(json);
  gf_json_reply_clear(&reply);
}

/* A 200 body, parsed (caller deletes). */
static cJSON *ok_json(gf_backend *b, const char *op, const char *body)
{
  gf_json_reply reply;
  dispatch(b, op, body, &reply);
  if (reply.status != GF_OK)
    print_message("%s %s -> %s\n", op, body ? body : "(null)", reply.body);
  assert_int_equal(reply.status, GF_OK);
  cJSON *json = cJSON_Parse(reply.body);
  assert_non_null(json);
  gf_json_reply_clear(&reply);
  return json;
}

static char *print_json(const cJSON *json)
{
  char *text = cJSON_PrintUnformatted(json);
  assert_non_null(text);
  return text;
}

/* ---- a scripted backend: every slot fails with one status, or answers a
 * canned response decoded from JSON ----------------------------------------- */

typedef struct scripted_backend {
  gf_backend parent;
  gf_status status;  /* what every slot returns */
  const char *reply; /* GF_OK: the response as wire JSON (decoded per call) */
  int return_no_response;
  int calls;
} scripted_backend;

static gf_status scripted_answer(gf_backend *self, gf_operation op, void **out, gf_error *err)
{
  scripted_backend *b = (scripted_backend *)self;
  b->calls++;
  if (b->status != GF_OK)
    return gf_error_set(err, b->status, "scripted %s for %s", gf_status_name(b->status),
                        gf_operation_name(op));
  if (b->return_no_response)
    return GF_OK;
  cJSON *json = cJSON_Parse(b->reply ? b->reply : "{}");
  gf_status status = gf_response_from_json(op, json, out, err);
  cJSON_Delete(json);
  return status;
}

#define SCRIPTED_SLOT(Wire, snake, UPPER)                                                  \
  static gf_status scripted_##snake(gf_backend *self, const gf_##snake##_request *request, \
                                    gf_##snake##_response **out, gf_error *err)            \
  {                                                                                        \
    (void)request;                                                                         \
    void *response = NULL;                                                                 \
    gf_status status = scripted_answer(self, GF_OP_##UPPER, &response, err);               \
    *out = response;                                                                       \
    return status;                                                                         \
  }
GF_OPERATIONS(SCRIPTED_SLOT)
#undef SCRIPTED_SLOT

static void scripted_init(scripted_backend *b, gf_status status, const char *reply)
{
  gf_backend vtable = GF_BACKEND_INIT;
#define SCRIPTED_FILL(Wire, snake, UPPER) vtable.snake = scripted_##snake;
  GF_OPERATIONS(SCRIPTED_FILL)
#undef SCRIPTED_FILL
  memset(b, 0, sizeof *b);
  b->parent = vtable;
  b->status = status;
  b->reply = reply;
}

/* ---- the nine operations, 200 bodies ------------------------------------- */

static void test_create_and_get_security_configuration(void **state)
{
  gf_backend *b = backend_of(state);
  expect_ok(b, "CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  expect_ok(b, "CreateSecurityConfiguration",
            "{\"Name\":\"b\",\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":"
            "\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}]}}",
            "{\"Name\":\"b\",\"CreatedTimestamp\":1700000001}");
  /* CreatedTimeStamp (capital S) in the data type, CreatedTimestamp in the
   * create response. */
  expect_ok(b, "GetSecurityConfiguration", "{\"Name\":\"a\"}",
            "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{}}}");
  expect_ok(b, "GetSecurityConfiguration", "{\"Name\":\"b\"}",
            "{\"SecurityConfiguration\":{\"Name\":\"b\",\"CreatedTimeStamp\":1700000001,"
            "\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\","
            "\"KmsKeyArn\":\"" KMS1 "\"}]}}}");
}

static void test_get_security_configurations_pages(void **state)
{
  gf_backend *b = backend_of(state);
  expect_ok(b, "GetSecurityConfigurations", "{}", "{\"SecurityConfigurations\":[]}");
  const char *names[] = {"c1", "c2", "c3"};
  for (int i = 0; i < 3; i++) {
    char body[128], expected[128];
    snprintf(body, sizeof body, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}", names[i]);
    snprintf(expected, sizeof expected, "{\"Name\":\"%s\",\"CreatedTimestamp\":%d}", names[i],
             T0 + i);
    expect_ok(b, "CreateSecurityConfiguration", body, expected);
  }
  /* Everything on one page: no NextToken. */
  expect_ok(b, "GetSecurityConfigurations", "",
            "{\"SecurityConfigurations\":[{\"Name\":\"c1\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{}},{\"Name\":\"c2\",\"CreatedTimeStamp\":1700000001,"
            "\"EncryptionConfiguration\":{}},{\"Name\":\"c3\",\"CreatedTimeStamp\":1700000002,"
            "\"EncryptionConfiguration\":{}}]}");

  /* Pages of two: the first carries a NextToken. */
  cJSON *page1 = ok_json(b, "GetSecurityConfigurations", "{\"MaxResults\":2}");
  const cJSON *token = cJSON_GetObjectItemCaseSensitive(page1, "NextToken");
  assert_true(cJSON_IsString(token));
  assert_true(strlen(token->valuestring) > 0);
  char expected[512];
  snprintf(expected, sizeof expected,
           "{\"SecurityConfigurations\":[{\"Name\":\"c1\",\"CreatedTimeStamp\":1700000000,"
           "\"EncryptionConfiguration\":{}},{\"Name\":\"c2\",\"CreatedTimeStamp\":1700000001,"
           "\"EncryptionConfiguration\":{}}],\"NextToken\":\"%s\"}",
           token->valuestring);
  char *text = print_json(page1);
  assert_string_equal(text, expected);
  cJSON_free(text);

  char body[256];
  snprintf(body, sizeof body, "{\"MaxResults\":2,\"NextToken\":\"%s\"}", token->valuestring);
  expect_ok(b, "GetSecurityConfigurations", body,
            "{\"SecurityConfigurations\":[{\"Name\":\"c3\",\"CreatedTimeStamp\":1700000002,"
            "\"EncryptionConfiguration\":{}}]}");

  /* The token is deterministic: the same history on another fake gives it. */
  gf_fake *other = fixed_fake_or_fail(NULL);
  for (int i = 0; i < 3; i++) {
    char create[128];
    snprintf(create, sizeof create, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}",
             names[i]);
    cJSON_Delete(ok_json(gf_fake_backend(other), "CreateSecurityConfiguration", create));
  }
  expect_ok(gf_fake_backend(other), "GetSecurityConfigurations", "{\"MaxResults\":2}",
            expected);
  gf_fake_free(other);
  cJSON_Delete(page1);

  /* A token the fake never issued. */
  expect_error(b, "GetSecurityConfigurations", "{\"NextToken\":\"not-a-token\"}",
               GF_INVALID_INPUT, NULL);
}

static void test_delete_security_configuration(void **state)
{
  gf_backend *b = backend_of(state);
  cJSON_Delete(ok_json(b, "CreateSecurityConfiguration",
                       "{\"Name\":\"gone\",\"EncryptionConfiguration\":{}}"));
  expect_ok(b, "DeleteSecurityConfiguration", "{\"Name\":\"gone\"}", "{}");
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"gone\"}", GF_ENTITY_NOT_FOUND, NULL);
  expect_error(b, "DeleteSecurityConfiguration", "{\"Name\":\"gone\"}", GF_ENTITY_NOT_FOUND,
               NULL);
  assert_int_equal(gf_fake_security_configuration_count(*state), 0);
}

static void test_data_catalog_encryption_settings(void **state)
{
  gf_backend *b = backend_of(state);
  /* Never set: the documented default, exactly. */
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{}", DEFAULT_DCES);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"" ACCOUNT "\"}",
            DEFAULT_DCES);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"999999999999\"}",
            DEFAULT_DCES);

  const char *settings =
      "{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":"
      "\"alias/glue\"},\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":"
      "true,\"AwsKmsKeyId\":\"alias/pw\"}}";
  char body[512], expected[512];
  /* Put without CatalogId reads back with CatalogId = account id. */
  snprintf(body, sizeof body, "{\"DataCatalogEncryptionSettings\":%s}", settings);
  snprintf(expected, sizeof expected, "{\"DataCatalogEncryptionSettings\":%s}", settings);
  expect_ok(b, "PutDataCatalogEncryptionSettings", body, "{}");
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"" ACCOUNT "\"}", expected);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "", expected);
  /* ... and vice versa, with another catalog untouched. */
  const char *other =
      "{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"DISABLED\"},"
      "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":false,"
      "\"AwsKmsKeyId\":\"k2\"}}";
  snprintf(body, sizeof body,
           "{\"CatalogId\":\"" ACCOUNT "\",\"DataCatalogEncryptionSettings\":%s}", other);
  expect_ok(b, "PutDataCatalogEncryptionSettings", body, "{}");
  snprintf(expected, sizeof expected, "{\"DataCatalogEncryptionSettings\":%s}", other);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{}", expected);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"999999999999\"}",
            DEFAULT_DCES);
}

static void test_resource_policy(void **state)
{
  gf_backend *b = backend_of(state);
  const char *doc = "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}";
  char body[512], expected[512];

  expect_error(b, "GetResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);

  snprintf(body, sizeof body, "{\"PolicyInJson\":\"%s\"}", doc);
  cJSON *put = ok_json(b, "PutResourcePolicy", body);
  assert_int_equal(cJSON_GetArraySize(put), 1);
  const cJSON *hash = cJSON_GetObjectItemCaseSensitive(put, "PolicyHash");
  assert_true(cJSON_IsString(hash));
  assert_true(strlen(hash->valuestring) > 0);

  snprintf(expected, sizeof expected,
           "{\"PolicyInJson\":\"%s\",\"PolicyHash\":\"%s\",\"CreateTime\":1700000000,"
           "\"UpdateTime\":1700000000}",
           doc, hash->valuestring);
  expect_ok(b, "GetResourcePolicy", "{}", expected);
  expect_ok(b, "GetResourcePolicy", "{\"ResourceArn\":\"" DEFAULT_ARN "\"}", expected);

  /* Same document, same hash; an update keeps CreateTime. */
  snprintf(body, sizeof body,
           "{\"PolicyInJson\":\"%s\",\"PolicyHashCondition\":\"%s\","
           "\"PolicyExistsCondition\":\"MUST_EXIST\",\"EnableHybrid\":\"FALSE\"}",
           doc, hash->valuestring);
  snprintf(expected, sizeof expected, "{\"PolicyHash\":\"%s\"}", hash->valuestring);
  expect_ok(b, "PutResourcePolicy", body, expected);
  snprintf(expected, sizeof expected,
           "{\"PolicyInJson\":\"%s\",\"PolicyHash\":\"%s\",\"CreateTime\":1700000000,"
           "\"UpdateTime\":1700000001}",
           doc, hash->valuestring);
  expect_ok(b, "GetResourcePolicy", "", expected);

  /* Another document: another hash, UpdateTime moves, CreateTime stays. */
  cJSON *put2 = ok_json(b, "PutResourcePolicy", "{\"PolicyInJson\":\"{\\\"x\\\":[]}\"}");
  const char *hash2 = cJSON_GetObjectItemCaseSensitive(put2, "PolicyHash")->valuestring;
  assert_string_not_equal(hash2, hash->valuestring);
  snprintf(expected, sizeof expected,
           "{\"PolicyInJson\":\"{\\\"x\\\":[]}\",\"PolicyHash\":\"%s\",\"CreateTime\":"
           "1700000000,\"UpdateTime\":1700000002}",
           hash2);
  expect_ok(b, "GetResourcePolicy", "{}", expected);
  expect_ok(b, "DeleteResourcePolicy", "{}", "{}");
  expect_error(b, "GetResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);
  cJSON_Delete(put2);
  cJSON_Delete(put);
}

static void test_resource_policy_hash_and_delete(void **state)
{
  gf_backend *b = backend_of(state);
  cJSON *put = ok_json(b, "PutResourcePolicy",
                       "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\","
                       "\"PolicyInJson\":\" [ 1 , 2 ] \"}");
  const char *hash = cJSON_GetObjectItemCaseSensitive(put, "PolicyHash")->valuestring;
  char expected[512];
  snprintf(expected, sizeof expected,
           "{\"PolicyInJson\":\" [ 1 , 2 ] \",\"PolicyHash\":\"%s\",\"CreateTime\":1700000000,"
           "\"UpdateTime\":1700000000}",
           hash);
  expect_ok(b, "GetResourcePolicy",
            "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\"}", expected);
  /* The account's catalog has no policy. */
  expect_error(b, "GetResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);
  expect_error(b, "DeleteResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);

  /* Delete with a wrong hash: ConditionCheckFailure, nothing changes. */
  expect_error(b, "DeleteResourcePolicy",
               "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\","
               "\"PolicyHashCondition\":\"wrong\"}",
               GF_CONDITION_CHECK_FAILURE, NULL);
  expect_ok(b, "GetResourcePolicy",
            "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\"}", expected);
  char body[256];
  snprintf(body, sizeof body,
           "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\","
           "\"PolicyHashCondition\":\"%s\"}",
           hash);
  expect_ok(b, "DeleteResourcePolicy", body, "{}");
  expect_error(b, "GetResourcePolicy",
               "{\"ResourceArn\":\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\"}",
               GF_ENTITY_NOT_FOUND, NULL);
  cJSON_Delete(put);
}

/* ---- empty bodies ------------------------------------------------------------ */

static void test_empty_body_is_empty_object(void **state)
{
  gf_backend *b = backend_of(state);
  expect_error_len(b, "GetResourcePolicy", "", 0, GF_ENTITY_NOT_FOUND, NULL);
  expect_error_len(b, "GetResourcePolicy", NULL, 0, GF_ENTITY_NOT_FOUND, NULL);
  expect_ok_len(b, "GetDataCatalogEncryptionSettings", "", 0, DEFAULT_DCES);
  expect_ok_len(b, "GetDataCatalogEncryptionSettings", NULL, 0, DEFAULT_DCES);
  /* len 0 wins over whatever the pointer holds. */
  expect_ok_len(b, "GetDataCatalogEncryptionSettings", "garbage", 0, DEFAULT_DCES);
  expect_ok_len(b, "GetSecurityConfigurations", NULL, 0, "{\"SecurityConfigurations\":[]}");
  /* An empty body for an operation with required members is InvalidInput,
   * the same as {}. */
  expect_error_len(b, "GetSecurityConfiguration", NULL, 0, GF_INVALID_INPUT,
                   "1 validation error detected: Value null at 'name' failed to satisfy "
                   "constraint: Member must not be null");
  expect_error_len(b, "DeleteResourcePolicy", "", 0, GF_ENTITY_NOT_FOUND, NULL);
}

static void test_body_need_not_be_nul_terminated(void **state)
{
  gf_backend *b = backend_of(state);
  const char buffer[] = "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}TRAILING GARBAGE";
  size_t len = strlen("{\"Name\":\"a\",\"EncryptionConfiguration\":{}}");
  expect_ok_len(b, "CreateSecurityConfiguration", buffer, len,
                "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  char exact[2] = {'{', '}'}; /* no terminator at all */
  gf_json_reply reply;
  dispatch_len(b, "GetSecurityConfigurations", exact, sizeof exact, &reply);
  assert_int_equal(reply.status, GF_OK);
  gf_json_reply_clear(&reply);
  /* Surrounding whitespace is fine. */
  expect_ok(b, "GetSecurityConfiguration", " \r\n\t{\"Name\":\"a\"} \n",
            "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{}}}");
}

/* ---- every error the fake raises ---------------------------------------------- */

static void test_error_already_exists(void **state)
{
  gf_backend *b = backend_of(state);
  const char *body = "{\"Name\":\"dup\",\"EncryptionConfiguration\":{}}";
  expect_ok(b, "CreateSecurityConfiguration", body,
            "{\"Name\":\"dup\",\"CreatedTimestamp\":1700000000}");
  expect_error_containing(b, "CreateSecurityConfiguration", body, GF_ALREADY_EXISTS, "dup");
  assert_int_equal(gf_fake_security_configuration_count(*state), 1);
  /* The failed create took no timestamp. */
  expect_ok(b, "CreateSecurityConfiguration", "{\"Name\":\"next\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"next\",\"CreatedTimestamp\":1700000001}");
}

static void test_error_entity_not_found(void **state)
{
  gf_backend *b = backend_of(state);
  expect_error_containing(b, "GetSecurityConfiguration", "{\"Name\":\"nope\"}",
                          GF_ENTITY_NOT_FOUND, "nope");
  expect_error_containing(b, "DeleteSecurityConfiguration", "{\"Name\":\"nope\"}",
                          GF_ENTITY_NOT_FOUND, "nope");
  expect_error(b, "GetResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);
  expect_error(b, "DeleteResourcePolicy", "{\"PolicyHashCondition\":\"x\"}",
               GF_ENTITY_NOT_FOUND, NULL);
}

static void test_error_invalid_input_messages(void **state)
{
  gf_backend *b = backend_of(state);
  char name[300];
  memset(name, 'n', 256);
  name[256] = '\0';
  char body[512];
  snprintf(body, sizeof body, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}", name);
  expect_error(b, "CreateSecurityConfiguration", body, GF_INVALID_INPUT,
               "1 validation error detected: Value at 'name' failed to satisfy constraint: "
               "Member must have length less than or equal to 255");
  expect_error(b, "CreateSecurityConfiguration", "{}", GF_INVALID_INPUT,
               "2 validation errors detected: Value null at 'name' failed to satisfy "
               "constraint: Member must not be null; Value null at 'encryptionConfiguration' "
               "failed to satisfy constraint: Member must not be null");
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"x\",\"EncryptionConfiguration\":{\"S3Encryption\":[{},"
               "{\"S3EncryptionMode\":\"SSE_KMS\",\"KmsKeyArn\":\"arn:aws:s3:::bucket\"}]}}",
               GF_INVALID_INPUT,
               "2 validation errors detected: Value at "
               "'encryptionConfiguration.s3Encryption.2.member.s3EncryptionMode' failed to "
               "satisfy constraint: Member must satisfy enum value set: [DISABLED, SSE-KMS, "
               "SSE-S3]; Value at 'encryptionConfiguration.s3Encryption.2.member.kmsKeyArn' "
               "failed to satisfy constraint: Member must satisfy regular expression pattern: "
               "^$|arn:aws[a-z0-9-]*:kms:.*");
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"line\\nbreak\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'name' failed to satisfy constraint: "
               "Member must satisfy regular expression pattern: "
               "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
  expect_error(b, "GetSecurityConfigurations", "{\"MaxResults\":0}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'maxResults' failed to satisfy "
               "constraint: Member must have value greater than or equal to 1");
  /* An integral number in any JSON spelling is an integer. */
  expect_ok(b, "GetSecurityConfigurations", "{\"MaxResults\":1e3}",
            "{\"SecurityConfigurations\":[]}");
  expect_ok(b, "GetSecurityConfigurations", "{\"MaxResults\":5.0}",
            "{\"SecurityConfigurations\":[]}");
  expect_error(b, "GetSecurityConfigurations", "{\"MaxResults\":1001}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'maxResults' failed to satisfy "
               "constraint: Member must have value less than or equal to 1000");
  expect_error(b, "PutResourcePolicy", "{\"PolicyInJson\":\"{x\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'policyInJson' failed to satisfy "
               "constraint: Member must be a valid JSON document");
  expect_error(b, "PutResourcePolicy", "{\"PolicyInJson\":\"1\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'policyInJson' failed to satisfy "
               "constraint: Member must have length greater than or equal to 2");
  expect_error(b, "GetResourcePolicy", "{\"ResourceArn\":\"arn:aws:s3:::b\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'resourceArn' failed to satisfy "
               "constraint: Member must satisfy regular expression pattern: "
               "arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*");
  expect_error(b, "PutDataCatalogEncryptionSettings",
               "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
               "\"CatalogEncryptionMode\":\"SSE-S3\"}}}",
               GF_INVALID_INPUT,
               "1 validation error detected: Value at "
               "'dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode' failed "
               "to satisfy constraint: Member must satisfy enum value set: [DISABLED, SSE-KMS, "
               "SSE-KMS-WITH-SERVICE-ROLE]");
  expect_error(b, "PutDataCatalogEncryptionSettings", "{}", GF_INVALID_INPUT,
               "1 validation error detected: Value null at 'dataCatalogEncryptionSettings' "
               "failed to satisfy constraint: Member must not be null");
  assert_int_equal(gf_fake_security_configuration_count(*state), 0);
}

static void test_missing_required_bool(void **state)
{
  gf_backend *b = backend_of(state);
  const char *message =
      "1 validation error detected: Value null at "
      "'dataCatalogEncryptionSettings.connectionPasswordEncryption."
      "returnConnectionPasswordEncrypted' failed to satisfy constraint: Member must not be null";
  expect_error(b, "PutDataCatalogEncryptionSettings",
               "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{}}}",
               GF_INVALID_INPUT, message);
  /* JSON null counts as absent. */
  expect_error(b, "PutDataCatalogEncryptionSettings",
               "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
               "\"ReturnConnectionPasswordEncrypted\":null,\"AwsKmsKeyId\":\"k\"}}}",
               GF_INVALID_INPUT, message);
  /* Nothing was stored. */
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{}", DEFAULT_DCES);
}

/* The last call the fake logged: a PutDataCatalogEncryptionSettings refused
 * with `message`, its request without the boolean. */
static void assert_last_call_refused(gf_fake *fake, const char *message)
{
  gf_recorder *calls = gf_fake_calls(fake);
  assert_true(gf_calls_count(calls) > 0);
  gf_call_record r;
  assert_int_equal(gf_calls_get(calls, gf_calls_count(calls) - 1, &r), 0);
  assert_int_equal(r.op, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS);
  assert_int_equal(r.status, GF_INVALID_INPUT);
  assert_null(r.response);
  assert_non_null(r.message);
  assert_string_equal(r.message, message);
  const gf_put_data_catalog_encryption_settings_request *req = r.request;
  assert_non_null(req);
  assert_false(req->data_catalog_encryption_settings->connection_password_encryption
                   ->has_return_connection_password_encrypted);
}

/* Refusing a body without the required boolean is the fake's validation,
 * after the call log: the call is logged, with its status and message. */
static void test_missing_required_bool_is_logged(void **state)
{
  gf_fake *fake = *state;
  gf_backend *b = backend_of(state);
  const char *message =
      "1 validation error detected: Value null at "
      "'dataCatalogEncryptionSettings.connectionPasswordEncryption."
      "returnConnectionPasswordEncrypted' failed to satisfy constraint: Member must not be null";
  static const char *const bodies[] = {
      "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{}}}",
      "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
      "\"AwsKmsKeyId\":\"alias/pw\"}}}",
      "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
      "\"ReturnConnectionPasswordEncrypted\":null}}}",
      "{\"CatalogId\":\"" ACCOUNT "\",\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
      "\"CatalogEncryptionMode\":\"DISABLED\"},\"ConnectionPasswordEncryption\":{"
      "\"AwsKmsKeyId\":\"alias/pw\"}}}",
  };
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    size_t before = gf_calls_count(gf_fake_calls(fake));
    expect_error(b, "PutDataCatalogEncryptionSettings", bodies[i], GF_INVALID_INPUT, message);
    assert_int_equal(gf_calls_count(gf_fake_calls(fake)), before + 1);
    assert_last_call_refused(fake, message);
  }
  assert_int_equal(gf_calls_count_op(gf_fake_calls(fake),
                                     GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS),
                   4);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{}", DEFAULT_DCES);
}

/* The codec and the presence flag: a request without it leaves the member
 * out, one with it writes the boolean as it is; decoding sets the flag
 * exactly when the member is there. */
static void test_codec_required_bool_presence(void **state)
{
  (void)state;
  static const struct {
    gf_connection_password_encryption pw;
    const char *text;
  } cases[] = {
      {{true, "alias/pw", false},
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"AwsKmsKeyId\":\"alias/pw\"}}}"},
      {{false, NULL, false},
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{}}}"},
      {{false, "alias/pw", true},
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":false,\"AwsKmsKeyId\":\"alias/pw\"}}}"},
      {{true, NULL, true},
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":true}}}"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gf_data_catalog_encryption_settings settings = {NULL, &cases[i].pw};
    gf_put_data_catalog_encryption_settings_request req = {NULL, &settings};
    cJSON *json = gf_request_to_json(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &req);
    assert_non_null(json);
    char *text = cJSON_PrintUnformatted(json);
    assert_non_null(text);
    if (strcmp(text, cases[i].text) != 0)
      print_message("case %zu: %s\n", i, text);
    assert_string_equal(text, cases[i].text);
    cJSON_free(text);

    /* and back: the flag as it was; the boolean too when present */
    void *back = NULL;
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(
        gf_request_from_json(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, json, &back, &err),
        GF_OK);
    const gf_put_data_catalog_encryption_settings_request *got = back;
    const gf_connection_password_encryption *pw =
        got->data_catalog_encryption_settings->connection_password_encryption;
    assert_non_null(pw);
    assert_int_equal(pw->has_return_connection_password_encrypted,
                     cases[i].pw.has_return_connection_password_encrypted);
    if (cases[i].pw.has_return_connection_password_encrypted)
      assert_int_equal(pw->return_connection_password_encrypted,
                       cases[i].pw.return_connection_password_encrypted);
    gf_request_free(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, back);
    cJSON_Delete(json);
    gf_error_clear(&err);
  }

  /* gf_response_from_json sets the flag when the member is present */
  static const struct {
    const char *text;
    bool has, value;
  } responses[] = {
      {"{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":true}}}",
       true, true},
      {"{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":false,\"AwsKmsKeyId\":\"k\"}}}",
       true, false},
      {"{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"AwsKmsKeyId\":\"k\"}}}",
       false, false},
      {"{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":null}}}",
       false, false},
  };
  for (size_t i = 0; i < sizeof responses / sizeof responses[0]; i++) {
    cJSON *json = cJSON_Parse(responses[i].text);
    assert_non_null(json);
    void *out = NULL;
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(
        gf_response_from_json(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, json, &out, &err),
        GF_OK);
    const gf_get_data_catalog_encryption_settings_response *resp = out;
    const gf_connection_password_encryption *pw =
        resp->data_catalog_encryption_settings->connection_password_encryption;
    assert_non_null(pw);
    assert_int_equal(pw->has_return_connection_password_encrypted, responses[i].has);
    assert_int_equal(pw->return_connection_password_encrypted, responses[i].value);
    /* written back: the member exactly when it was read */
    cJSON *again = gf_response_to_json(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, out);
    assert_non_null(again);
    const cJSON *cpe = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(again, "DataCatalogEncryptionSettings"),
        "ConnectionPasswordEncryption");
    assert_non_null(cpe);
    const cJSON *member = cJSON_GetObjectItemCaseSensitive(cpe, "ReturnConnectionPasswordEncrypted");
    if (responses[i].has) {
      assert_true(cJSON_IsBool(member));
      assert_int_equal(cJSON_IsTrue(member) ? 1 : 0, responses[i].value ? 1 : 0);
    } else {
      assert_null(member);
    }
    cJSON_Delete(again);
    gf_response_free(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, out);
    cJSON_Delete(json);
    gf_error_clear(&err);
  }
}

static void test_error_condition_check_failure(void **state)
{
  gf_backend *b = backend_of(state);
  expect_error(b, "PutResourcePolicy",
               "{\"PolicyInJson\":\"{}\",\"PolicyExistsCondition\":\"MUST_EXIST\"}",
               GF_CONDITION_CHECK_FAILURE, NULL);
  expect_error(b, "PutResourcePolicy",
               "{\"PolicyInJson\":\"{}\",\"PolicyHashCondition\":\"abc\"}",
               GF_CONDITION_CHECK_FAILURE, NULL);
  expect_error(b, "GetResourcePolicy", "{}", GF_ENTITY_NOT_FOUND, NULL);
  cJSON *put = ok_json(b, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\"}");
  expect_error(b, "PutResourcePolicy",
               "{\"PolicyInJson\":\"[]\",\"PolicyExistsCondition\":\"NOT_EXIST\"}",
               GF_CONDITION_CHECK_FAILURE, NULL);
  expect_error(b, "PutResourcePolicy",
               "{\"PolicyInJson\":\"[]\",\"PolicyHashCondition\":\"not-the-hash\"}",
               GF_CONDITION_CHECK_FAILURE, NULL);
  /* Unchanged. */
  char expected[256];
  snprintf(expected, sizeof expected,
           "{\"PolicyInJson\":\"{}\",\"PolicyHash\":\"%s\",\"CreateTime\":1700000000,"
           "\"UpdateTime\":1700000000}",
           cJSON_GetObjectItemCaseSensitive(put, "PolicyHash")->valuestring);
  expect_ok(b, "GetResourcePolicy", "{}", expected);
  cJSON_Delete(put);
}

static void test_error_resource_number_limit(void **state)
{
  gf_backend *b = backend_of(state);
  gf_fake_set_security_configuration_limit(*state, 1);
  expect_ok(b, "CreateSecurityConfiguration", "{\"Name\":\"one\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"one\",\"CreatedTimestamp\":1700000000}");
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"two\",\"EncryptionConfiguration\":{}}",
               GF_RESOURCE_NUMBER_LIMIT_EXCEEDED, NULL);
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"two\"}", GF_ENTITY_NOT_FOUND, NULL);
  gf_fake_set_security_configuration_limit(*state, GF_NO_LIMIT);
  expect_ok(b, "CreateSecurityConfiguration", "{\"Name\":\"two\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"two\",\"CreatedTimestamp\":1700000001}");
}

static void test_error_internal_service_from_backend(void **state)
{
  (void)state;
  scripted_backend sb;
  scripted_init(&sb, GF_INTERNAL_SERVICE, NULL);
#define CHECK_INTERNAL(Wire, snake, UPPER)                                                 \
  expect_error(&sb.parent, #Wire, "{}", GF_INTERNAL_SERVICE,                               \
               "scripted InternalServiceException for " #Wire);
  GF_OPERATIONS(CHECK_INTERNAL)
#undef CHECK_INTERNAL
  assert_int_equal(sb.calls, GF_OPERATION_COUNT);

  /* A backend that implements nothing, or returns no response. */
  gf_backend empty = GF_BACKEND_INIT;
  expect_error(&empty, "GetSecurityConfiguration", "{\"Name\":\"a\"}", GF_INTERNAL_SERVICE,
               NULL);
  scripted_init(&sb, GF_OK, NULL);
  sb.return_no_response = 1;
  expect_error(&sb.parent, "GetSecurityConfigurations", "{}", GF_INTERNAL_SERVICE, NULL);
}

static void test_error_operation_timeout_from_backend(void **state)
{
  (void)state;
  scripted_backend sb;
  scripted_init(&sb, GF_OPERATION_TIMEOUT, NULL);
#define CHECK_TIMEOUT(Wire, snake, UPPER)                                                  \
  expect_error(&sb.parent, #Wire, "{}", GF_OPERATION_TIMEOUT,                              \
               "scripted OperationTimeoutException for " #Wire);
  GF_OPERATIONS(CHECK_TIMEOUT)
#undef CHECK_TIMEOUT
  /* Errors a backend may raise pass through with their own status. */
  const gf_status others[] = {GF_ALREADY_EXISTS, GF_CONDITION_CHECK_FAILURE,
                              GF_ENTITY_NOT_FOUND, GF_INVALID_INPUT,
                              GF_RESOURCE_NUMBER_LIMIT_EXCEEDED};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    scripted_init(&sb, others[i], NULL);
    expect_error(&sb.parent, "GetResourcePolicy", "{}", others[i], NULL);
  }
}

static void test_backend_response_is_encoded(void **state)
{
  (void)state;
  scripted_backend sb;
  const char *canned = "{\"PolicyInJson\":\"{}\",\"PolicyHash\":\"h\","
                       "\"CreateTime\":1700000000.125,\"UpdateTime\":1700000001.5}";
  scripted_init(&sb, GF_OK, canned);
  expect_ok(&sb.parent, "GetResourcePolicy", "{}", canned);
  /* A request the scripted backend ignores still has to decode. */
  expect_error(&sb.parent, "GetResourcePolicy", "{\"ResourceArn\":7}", GF_SERIALIZATION,
               "ResourceArn: must be a string, not a number");
  assert_int_equal(sb.calls, 1);
}

static void test_null_backend(void **state)
{
  (void)state;
  expect_error(NULL, "GetSecurityConfigurations", "{}", GF_INVALID_INPUT, NULL);
}

/* ---- UnknownOperationException -------------------------------------------------- */

static void test_unknown_operation(void **state)
{
  gf_backend *b = backend_of(state);
  expect_error(b, "GetJobs", "{}", GF_UNKNOWN_OPERATION, NULL);
  expect_error(b, NULL, "{}", GF_UNKNOWN_OPERATION, NULL);
  expect_error(b, "getSecurityConfiguration", "{\"Name\":\"a\"}", GF_UNKNOWN_OPERATION, NULL);
  expect_error(b, "", "{}", GF_UNKNOWN_OPERATION, NULL);
  expect_error(b, "AWSGlue.GetSecurityConfiguration", "{}", GF_UNKNOWN_OPERATION, NULL);
  expect_error(b, "GetSecurityConfiguration ", "{}", GF_UNKNOWN_OPERATION, NULL);
  /* The operation is checked before the body. */
  expect_error(b, "NoSuchOperation", "{bad", GF_UNKNOWN_OPERATION, NULL);
  expect_error_containing(b, "GetJobs", "{}", GF_UNKNOWN_OPERATION, "GetJobs");
}

/* ---- SerializationException ---------------------------------------------------- */

static void test_serialization_not_json(void **state)
{
  gf_backend *b = backend_of(state);
  const char *bodies[] = {"{bad", "{", "}", "   ", "\n", "{} x", "{}{}", "{\"Name\":}",
                          "{\"Name\":\"a\",}", "{'Name':'a'}", "[1", "\"unterminated",
                          /* an escape cut short by the end of the body */
                          "{\"Name\":\"a\\", "{\"Name\":\"\\u00"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    expect_error(b, "GetSecurityConfiguration", bodies[i], GF_SERIALIZATION, NULL);
  /* JSON's four whitespace characters may follow the object */
  gf_json_reply reply;
  dispatch(b, "GetSecurityConfigurations", "{} \t\r\n", &reply);
  assert_int_equal(reply.status, GF_OK);
  gf_json_reply_clear(&reply);
}

static void test_serialization_not_object(void **state)
{
  gf_backend *b = backend_of(state);
  const char *bodies[] = {"[1]", "[]", "\"s\"", "\"\"", "3", "null", "true", "false"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
    expect_error(b, "GetDataCatalogEncryptionSettings", bodies[i], GF_SERIALIZATION, NULL);
}

static void test_serialization_wrong_member_types(void **state)
{
  gf_backend *b = backend_of(state);
  struct {
    const char *op, *body, *message;
  } cases[] = {
      {"CreateSecurityConfiguration", "{\"Name\":1,\"EncryptionConfiguration\":{}}",
       "Name: must be a string, not a number"},
      {"CreateSecurityConfiguration", "{\"Name\":[\"a\"],\"EncryptionConfiguration\":{}}",
       "Name: must be a string, not an array"},
      {"CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":\"s\"}",
       "EncryptionConfiguration: must be an object, not a string"},
      {"CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":[]}",
       "EncryptionConfiguration: must be an object, not an array"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"S3Encryption\":{}}}",
       "EncryptionConfiguration.S3Encryption: must be an array, not an object"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"S3Encryption\":[\"SSE-S3\"]}}",
       "EncryptionConfiguration.S3Encryption[0]: must be an object, not a string"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"S3Encryption\":[{},{},[]]}}",
       "EncryptionConfiguration.S3Encryption[2]: must be an object, not an array"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"S3Encryption\":[{"
       "\"S3EncryptionMode\":true}]}}",
       "EncryptionConfiguration.S3Encryption[0].S3EncryptionMode: must be a string, not a "
       "boolean"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"CloudWatchEncryption\":{"
       "\"KmsKeyArn\":{}}}}",
       "EncryptionConfiguration.CloudWatchEncryption.KmsKeyArn: must be a string, not an "
       "object"},
      {"CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"JobBookmarksEncryption\":false}}",
       "EncryptionConfiguration.JobBookmarksEncryption: must be an object, not a boolean"},
      {"GetSecurityConfigurations", "{\"MaxResults\":\"10\"}",
       "MaxResults: must be an integer, not a string"},
      {"GetSecurityConfigurations", "{\"MaxResults\":1.5}",
       "MaxResults: must be an integer, not a number"},
      {"GetSecurityConfigurations", "{\"MaxResults\":1e300}",
       "MaxResults: must be an integer, not a number"},
      {"GetSecurityConfigurations", "{\"MaxResults\":-1e300}",
       "MaxResults: must be an integer, not a number"},
      {"GetSecurityConfigurations", "{\"MaxResults\":[10]}",
       "MaxResults: must be an integer, not an array"},
      {"GetSecurityConfigurations", "{\"MaxResults\":true}",
       "MaxResults: must be an integer, not a boolean"},
      {"GetSecurityConfigurations", "{\"NextToken\":5}",
       "NextToken: must be a string, not a number"},
      {"PutDataCatalogEncryptionSettings",
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":\"true\"}}}",
       "DataCatalogEncryptionSettings.ConnectionPasswordEncryption."
       "ReturnConnectionPasswordEncrypted: must be a boolean, not a string"},
      {"PutDataCatalogEncryptionSettings",
       "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":1}}}",
       "DataCatalogEncryptionSettings.ConnectionPasswordEncryption."
       "ReturnConnectionPasswordEncrypted: must be a boolean, not a number"},
      {"PutDataCatalogEncryptionSettings", "{\"DataCatalogEncryptionSettings\":\"x\"}",
       "DataCatalogEncryptionSettings: must be an object, not a string"},
      {"PutDataCatalogEncryptionSettings",
       "{\"CatalogId\":123456789012,\"DataCatalogEncryptionSettings\":{}}",
       "CatalogId: must be a string, not a number"},
      {"GetDataCatalogEncryptionSettings", "{\"CatalogId\":{}}",
       "CatalogId: must be a string, not an object"},
      {"PutResourcePolicy", "{\"PolicyInJson\":{}}", "PolicyInJson: must be a string, not an object"},
      {"PutResourcePolicy", "{\"PolicyInJson\":\"{}\",\"EnableHybrid\":true}",
       "EnableHybrid: must be a string, not a boolean"},
      {"DeleteResourcePolicy", "{\"PolicyHashCondition\":[]}",
       "PolicyHashCondition: must be a string, not an array"},
      {"DeleteSecurityConfiguration", "{\"Name\":false}", "Name: must be a string, not a boolean"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    expect_error(b, cases[i].op, cases[i].body, GF_SERIALIZATION, cases[i].message);
  assert_int_equal(gf_fake_security_configuration_count(*state), 0);
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{}", DEFAULT_DCES);
}

static void test_control_characters_and_nul(void **state)
{
  gf_backend *b = backend_of(state);
  /* A raw control character inside a string is not JSON. */
  const char raw[] = "{\"Name\":\"a\x01" "b\",\"EncryptionConfiguration\":{}}";
  expect_error(b, "CreateSecurityConfiguration", raw, GF_SERIALIZATION, NULL);
  const char raw_newline[] = "{\"Name\":\"a\nb\",\"EncryptionConfiguration\":{}}";
  expect_error(b, "CreateSecurityConfiguration", raw_newline, GF_SERIALIZATION, NULL);
  const char raw_tab[] = "{\"Name\":\"a\tb\",\"EncryptionConfiguration\":{}}";
  expect_error(b, "CreateSecurityConfiguration", raw_tab, GF_SERIALIZATION, NULL);
  /* ... but control characters between tokens are whitespace. */
  expect_ok(b, "CreateSecurityConfiguration",
            "{\n\t\"Name\" :\r\n\"ok\",\t\"EncryptionConfiguration\" : { } }",
            "{\"Name\":\"ok\",\"CreatedTimestamp\":1700000000}");

  /* \u0000 would cut a C string short: rejected, not truncated. */
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"a\\u0000b\",\"EncryptionConfiguration\":{}}", GF_INVALID_INPUT,
               NULL);
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"ok\\u0000\"}", GF_INVALID_INPUT,
               NULL);
  /* An escaped backslash followed by u0000 is six ordinary characters. */
  expect_ok(b, "CreateSecurityConfiguration",
            "{\"Name\":\"lit\\\\u0000\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"lit\\\\u0000\",\"CreatedTimestamp\":1700000001}");
  /* A legitimate escape of another control character is fine in JSON but
   * breaks the single-line pattern: InvalidInput, not Serialization. */
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"a\\u0001\"}", GF_INVALID_INPUT,
               NULL);

  /* A NUL byte anywhere in the body. */
  const char nul_in_string[] = "{\"Name\":\"a\0b\"}";
  expect_error_len(b, "GetSecurityConfiguration", nul_in_string, sizeof nul_in_string - 1,
                   GF_SERIALIZATION, NULL);
  const char nul_after[] = "{\"Name\":\"ok\"}\0";
  expect_error_len(b, "GetSecurityConfiguration", nul_after, sizeof nul_after - 1,
                   GF_SERIALIZATION, NULL);
  const char nul_first[] = "\0{}";
  expect_error_len(b, "GetDataCatalogEncryptionSettings", nul_first, sizeof nul_first - 1,
                   GF_SERIALIZATION, NULL);

  /* Bytes that are not UTF-8. */
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"bad\xff\",\"EncryptionConfiguration\":{}}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'name' failed to satisfy constraint: "
               "Member must be valid UTF-8");
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"\xc0\xaf\",\"EncryptionConfiguration\":{}}", GF_INVALID_INPUT, NULL);
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":\"\xed\xa0\x80\",\"EncryptionConfiguration\":{}}", GF_INVALID_INPUT,
               NULL);
  /* U+FFFF is outside the single-line pattern; an escaped surrogate pair
   * decodes to one code point, which is inside it. */
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"\\uFFFF\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value at 'name' failed to satisfy constraint: "
               "Member must satisfy regular expression pattern: "
               "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*");
  expect_error(b, "GetSecurityConfiguration", "{\"Name\":\"\\ud83d\\udd12\"}",
               GF_ENTITY_NOT_FOUND, "Security configuration '\xf0\x9f\x94\x92' not found");
  /* Valid multi-byte UTF-8 is fine. */
  expect_ok(b, "CreateSecurityConfiguration",
            "{\"Name\":\"caf\xc3\xa9-\xf0\x9f\x94\x92\",\"EncryptionConfiguration\":{}}",
            "{\"Name\":\"caf\xc3\xa9-\xf0\x9f\x94\x92\",\"CreatedTimestamp\":1700000002}");
  assert_int_equal(gf_fake_security_configuration_count(*state), 3);
}

/* ---- unknown members, null members ------------------------------------------------ */

static void test_unknown_members_ignored(void **state)
{
  gf_backend *b = backend_of(state);
  expect_ok(b, "CreateSecurityConfiguration",
            "{\"Name\":\"a\",\"Bogus\":1,\"EncryptionConfiguration\":{\"Extra\":[]}}",
            "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  expect_ok(b, "GetSecurityConfiguration", "{\"Name\":\"a\",\"name\":7,\"Other\":{\"x\":null}}",
            "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{}}}");
  /* Member names are case-sensitive: "name" is an unknown member. */
  expect_error(b, "GetSecurityConfiguration", "{\"name\":\"a\"}", GF_INVALID_INPUT,
               "1 validation error detected: Value null at 'name' failed to satisfy "
               "constraint: Member must not be null");
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"Unknown\":[1,2,{\"x\":\"y\"}]}",
            DEFAULT_DCES);
}

static void test_null_members_are_absent(void **state)
{
  gf_backend *b = backend_of(state);
  expect_ok(b, "CreateSecurityConfiguration",
            "{\"Name\":\"a\",\"EncryptionConfiguration\":{\"S3Encryption\":null,"
            "\"CloudWatchEncryption\":null,\"JobBookmarksEncryption\":{\"KmsKeyArn\":null,"
            "\"JobBookmarksEncryptionMode\":\"DISABLED\"}}}",
            "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  expect_ok(b, "GetSecurityConfiguration", "{\"Name\":\"a\"}",
            "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{\"JobBookmarksEncryption\":{"
            "\"JobBookmarksEncryptionMode\":\"DISABLED\"}}}}");
  expect_ok(b, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":null}", DEFAULT_DCES);
  expect_ok(b, "GetSecurityConfigurations", "{\"MaxResults\":null,\"NextToken\":null}",
            "{\"SecurityConfigurations\":[{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
            "\"EncryptionConfiguration\":{\"JobBookmarksEncryption\":{"
            "\"JobBookmarksEncryptionMode\":\"DISABLED\"}}}]}");
  /* null for a required member is a missing required member. */
  expect_error(b, "CreateSecurityConfiguration",
               "{\"Name\":null,\"EncryptionConfiguration\":{}}", GF_INVALID_INPUT,
               "1 validation error detected: Value null at 'name' failed to satisfy "
               "constraint: Member must not be null");
  expect_error(b, "CreateSecurityConfiguration", "{\"Name\":\"b\",\"EncryptionConfiguration\":null}",
               GF_INVALID_INPUT,
               "1 validation error detected: Value null at 'encryptionConfiguration' failed to "
               "satisfy constraint: Member must not be null");
}

/* ---- EncryptionConfiguration round trip ---------------------------------------------- */

static void test_encryption_configuration_round_trip(void **state)
{
  gf_backend *b = backend_of(state);
  /* Each given in shape order, so the text must come back identical. */
  const char *configs[] = {
      "{}",
      "{\"S3Encryption\":[]}",
      "{\"S3Encryption\":[{}]}",
      "{\"CloudWatchEncryption\":{}}",
      "{\"JobBookmarksEncryption\":{}}",
      "{\"S3Encryption\":[],\"CloudWatchEncryption\":{},\"JobBookmarksEncryption\":{}}",
      "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-S3\"},{\"S3EncryptionMode\":\"SSE-KMS\","
      "\"KmsKeyArn\":\"" KMS2 "\"},{\"S3EncryptionMode\":\"DISABLED\"},{\"KmsKeyArn\":\"" KMS1
      "\"}]}",
      "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}],"
      "\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS2
      "\"},\"JobBookmarksEncryption\":{\"JobBookmarksEncryptionMode\":\"CSE-KMS\","
      "\"KmsKeyArn\":\"" KMS1 "\"}}",
      "{\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":\"DISABLED\"}}",
      "{\"JobBookmarksEncryption\":{\"KmsKeyArn\":\"" KMS2 "\"}}",
  };
  size_t n = sizeof configs / sizeof configs[0];
  for (size_t i = 0; i < n; i++) {
    char body[1024], expected[1024];
    snprintf(body, sizeof body, "{\"Name\":\"rt%zu\",\"EncryptionConfiguration\":%s}", i,
             configs[i]);
    snprintf(expected, sizeof expected, "{\"Name\":\"rt%zu\",\"CreatedTimestamp\":%zu}", i,
             (size_t)T0 + i);
    expect_ok(b, "CreateSecurityConfiguration", body, expected);
    snprintf(body, sizeof body, "{\"Name\":\"rt%zu\"}", i);
    snprintf(expected, sizeof expected,
             "{\"SecurityConfiguration\":{\"Name\":\"rt%zu\",\"CreatedTimeStamp\":%zu,"
             "\"EncryptionConfiguration\":%s}}",
             i, (size_t)T0 + i, configs[i]);
    expect_ok(b, "GetSecurityConfiguration", body, expected);
  }
  /* The listing carries the same configurations, in creation order. */
  cJSON *list = ok_json(b, "GetSecurityConfigurations", "{}");
  const cJSON *items = cJSON_GetObjectItemCaseSensitive(list, "SecurityConfigurations");
  assert_int_equal(cJSON_GetArraySize(items), (int)n);
  for (size_t i = 0; i < n; i++) {
    const cJSON *item = cJSON_GetArrayItem(items, (int)i);
    char name[16];
    snprintf(name, sizeof name, "rt%zu", i);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "Name")->valuestring, name);
    char *text = print_json(cJSON_GetObjectItemCaseSensitive(item, "EncryptionConfiguration"));
    assert_string_equal(text, configs[i]);
    cJSON_free(text);
  }
  cJSON_Delete(list);

  /* Given in another member order: the same members and values come back
   * (semantically), S3Encryption in its order. */
  const char *shuffled =
      "{\"JobBookmarksEncryption\":{\"KmsKeyArn\":\"" KMS1 "\",\"JobBookmarksEncryptionMode\":"
      "\"CSE-KMS\"},\"S3Encryption\":[{\"KmsKeyArn\":\"" KMS2 "\",\"S3EncryptionMode\":"
      "\"SSE-KMS\"},{\"S3EncryptionMode\":\"SSE-S3\"}]}";
  char body[1024];
  snprintf(body, sizeof body, "{\"EncryptionConfiguration\":%s,\"Name\":\"shuffled\"}",
           shuffled);
  cJSON_Delete(ok_json(b, "CreateSecurityConfiguration", body));
  cJSON *got = ok_json(b, "GetSecurityConfiguration", "{\"Name\":\"shuffled\"}");
  cJSON *want = cJSON_Parse(shuffled);
  const cJSON *sc = cJSON_GetObjectItemCaseSensitive(got, "SecurityConfiguration");
  assert_true(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(sc, "EncryptionConfiguration"),
                            want, 1));
  cJSON_Delete(want);
  cJSON_Delete(got);
}

/* ---- codec round trips -------------------------------------------------------------- */

/* to_json -> text -> parse -> from_json -> to_json -> text: identical, and
 * equal to `expected`. */
static void request_round_trip(gf_operation op, const void *request, const char *expected)
{
  cJSON *j1 = gf_request_to_json(op, request);
  assert_non_null(j1);
  char *t1 = print_json(j1);
  assert_string_equal(t1, expected);
  cJSON *parsed = cJSON_Parse(t1);
  void *decoded = NULL;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_request_from_json(op, parsed, &decoded, &err), GF_OK);
  assert_non_null(decoded);
  cJSON *j2 = gf_request_to_json(op, decoded);
  char *t2 = print_json(j2);
  assert_string_equal(t2, t1);
  cJSON_free(t1);
  cJSON_free(t2);
  cJSON_Delete(j1);
  cJSON_Delete(j2);
  cJSON_Delete(parsed);
  gf_request_free(op, decoded);
}

static void response_round_trip(gf_operation op, const void *response, const char *expected)
{
  cJSON *j1 = gf_response_to_json(op, response);
  assert_non_null(j1);
  char *t1 = print_json(j1);
  assert_string_equal(t1, expected);
  cJSON *parsed = cJSON_Parse(t1);
  void *decoded = NULL;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_response_from_json(op, parsed, &decoded, &err), GF_OK);
  assert_non_null(decoded);
  cJSON *j2 = gf_response_to_json(op, decoded);
  char *t2 = print_json(j2);
  assert_string_equal(t2, t1);
  cJSON_free(t1);
  cJSON_free(t2);
  cJSON_Delete(j1);
  cJSON_Delete(j2);
  cJSON_Delete(parsed);
  gf_response_free(op, decoded);
}

static const gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS_WITH_SERVICE_ROLE, "alias/glue",
                                              "arn:aws:iam::123456789012:role/catalog"};
static const gf_connection_password_encryption password = {true, "alias/pw", true};
static const gf_data_catalog_encryption_settings dces = {&at_rest, &password};
static const gf_s3_encryption s3[] = {{GF_MODE_SSE_KMS, KMS1}, {GF_MODE_SSE_S3, NULL}};
static const gf_cloud_watch_encryption cw = {GF_MODE_DISABLED, NULL};
static const gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, KMS2};
static const gf_data_quality_encryption dq = {GF_MODE_SSE_KMS, ""};
static const gf_encryption_configuration full_ec = {s3, 2, &cw, &jb, &dq};

#define DCES_TEXT                                                                          \
  "{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"SSE-KMS-WITH-SERVICE-ROLE\","         \
  "\"SseAwsKmsKeyId\":\"alias/glue\",\"CatalogEncryptionServiceRole\":"                   \
  "\"arn:aws:iam::123456789012:role/catalog\"},\"ConnectionPasswordEncryption\":{"        \
  "\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/pw\"}}"
#define FULL_EC_TEXT                                                                       \
  "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"},"     \
  "{\"S3EncryptionMode\":\"SSE-S3\"}],\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":" \
  "\"DISABLED\"},\"JobBookmarksEncryption\":{\"JobBookmarksEncryptionMode\":\"CSE-KMS\","  \
  "\"KmsKeyArn\":\"" KMS2 "\"},\"DataQualityEncryption\":{\"DataQualityEncryptionMode\":"  \
  "\"SSE-KMS\",\"KmsKeyArn\":\"\"}}"

static void test_codec_round_trip_requests(void **state)
{
  (void)state;
  gf_get_data_catalog_encryption_settings_request get_dces = {"111122223333"};
  request_round_trip(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces,
                     "{\"CatalogId\":\"111122223333\"}");
  gf_get_data_catalog_encryption_settings_request get_dces_empty = {NULL};
  request_round_trip(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces_empty, "{}");

  gf_put_data_catalog_encryption_settings_request put_dces = {"111122223333", &dces};
  request_round_trip(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces,
                     "{\"CatalogId\":\"111122223333\",\"DataCatalogEncryptionSettings\":" DCES_TEXT
                     "}");
  static const gf_connection_password_encryption pw_false = {false, NULL, true};
  gf_data_catalog_encryption_settings partial = {NULL, &pw_false};
  gf_put_data_catalog_encryption_settings_request put_partial = {NULL, &partial};
  request_round_trip(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_partial,
                     "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{"
                     "\"ReturnConnectionPasswordEncrypted\":false}}}");

  gf_put_resource_policy_request put_rp = {"{\"a\":1}", "hash", GF_POLICY_MUST_EXIST,
                                           DEFAULT_ARN, "TRUE"};
  request_round_trip(GF_OP_PUT_RESOURCE_POLICY, &put_rp,
                     "{\"PolicyInJson\":\"{\\\"a\\\":1}\",\"PolicyHashCondition\":\"hash\","
                     "\"PolicyExistsCondition\":\"MUST_EXIST\",\"ResourceArn\":\"" DEFAULT_ARN
                     "\",\"EnableHybrid\":\"TRUE\"}");
  gf_put_resource_policy_request put_rp_min = {"[]", NULL, NULL, NULL, NULL};
  request_round_trip(GF_OP_PUT_RESOURCE_POLICY, &put_rp_min, "{\"PolicyInJson\":\"[]\"}");

  gf_get_resource_policy_request get_rp = {DEFAULT_ARN};
  request_round_trip(GF_OP_GET_RESOURCE_POLICY, &get_rp, "{\"ResourceArn\":\"" DEFAULT_ARN "\"}");
  gf_get_resource_policy_request get_rp_empty = {NULL};
  request_round_trip(GF_OP_GET_RESOURCE_POLICY, &get_rp_empty, "{}");

  gf_delete_resource_policy_request del_rp = {"h", DEFAULT_ARN};
  request_round_trip(GF_OP_DELETE_RESOURCE_POLICY, &del_rp,
                     "{\"PolicyHashCondition\":\"h\",\"ResourceArn\":\"" DEFAULT_ARN "\"}");

  gf_create_security_configuration_request create = {"a", &full_ec};
  request_round_trip(GF_OP_CREATE_SECURITY_CONFIGURATION, &create,
                     "{\"Name\":\"a\",\"EncryptionConfiguration\":" FULL_EC_TEXT "}");
  static const gf_s3_encryption no_s3[1] = {{NULL, NULL}};
  gf_encryption_configuration empty_list = {no_s3, 0, NULL, NULL, NULL};
  gf_create_security_configuration_request create_empty = {"b", &empty_list};
  request_round_trip(GF_OP_CREATE_SECURITY_CONFIGURATION, &create_empty,
                     "{\"Name\":\"b\",\"EncryptionConfiguration\":{\"S3Encryption\":[]}}");
  gf_encryption_configuration nothing = {NULL, 0, NULL, NULL, NULL};
  gf_create_security_configuration_request create_nothing = {"c", &nothing};
  request_round_trip(GF_OP_CREATE_SECURITY_CONFIGURATION, &create_nothing,
                     "{\"Name\":\"c\",\"EncryptionConfiguration\":{}}");

  gf_delete_security_configuration_request del = {"a"};
  request_round_trip(GF_OP_DELETE_SECURITY_CONFIGURATION, &del, "{\"Name\":\"a\"}");
  gf_get_security_configuration_request get = {"caf\xc3\xa9"};
  request_round_trip(GF_OP_GET_SECURITY_CONFIGURATION, &get, "{\"Name\":\"caf\xc3\xa9\"}");

  gf_get_security_configurations_request list = {true, 50, "tok"};
  request_round_trip(GF_OP_GET_SECURITY_CONFIGURATIONS, &list,
                     "{\"MaxResults\":50,\"NextToken\":\"tok\"}");
  gf_get_security_configurations_request list_none = {false, 50, NULL};
  request_round_trip(GF_OP_GET_SECURITY_CONFIGURATIONS, &list_none, "{}");
}

static void test_codec_round_trip_responses(void **state)
{
  (void)state;
  gf_get_data_catalog_encryption_settings_response get_dces = {&dces};
  response_round_trip(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces,
                      "{\"DataCatalogEncryptionSettings\":" DCES_TEXT "}");
  gf_get_data_catalog_encryption_settings_response get_dces_absent = {NULL};
  response_round_trip(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces_absent, "{}");

  gf_empty_response empty = {0};
  response_round_trip(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &empty, "{}");
  response_round_trip(GF_OP_DELETE_RESOURCE_POLICY, &empty, "{}");
  response_round_trip(GF_OP_DELETE_SECURITY_CONFIGURATION, &empty, "{}");

  gf_put_resource_policy_response put_rp = {"abc"};
  response_round_trip(GF_OP_PUT_RESOURCE_POLICY, &put_rp, "{\"PolicyHash\":\"abc\"}");

  gf_get_resource_policy_response get_rp = {"{}", "abc", true, 1700000000.125, true,
                                            1700000001.5};
  response_round_trip(GF_OP_GET_RESOURCE_POLICY, &get_rp,
                      "{\"PolicyInJson\":\"{}\",\"PolicyHash\":\"abc\",\"CreateTime\":"
                      "1700000000.125,\"UpdateTime\":1700000001.5}");
  gf_get_resource_policy_response get_rp_no_times = {"{}", "abc", false, 5, false, 6};
  response_round_trip(GF_OP_GET_RESOURCE_POLICY, &get_rp_no_times,
                      "{\"PolicyInJson\":\"{}\",\"PolicyHash\":\"abc\"}");
  gf_get_resource_policy_response get_rp_update_only = {NULL, NULL, false, 0, true, 0};
  response_round_trip(GF_OP_GET_RESOURCE_POLICY, &get_rp_update_only, "{\"UpdateTime\":0}");

  gf_create_security_configuration_response create = {"a", true, 1700000000.125};
  response_round_trip(GF_OP_CREATE_SECURITY_CONFIGURATION, &create,
                      "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000.125}");
  gf_create_security_configuration_response create_no_time = {"a", false, 1700000000};
  response_round_trip(GF_OP_CREATE_SECURITY_CONFIGURATION, &create_no_time, "{\"Name\":\"a\"}");

  gf_security_configuration sc = {"a", true, 1700000000, &full_ec};
  gf_get_security_configuration_response get = {&sc};
  response_round_trip(GF_OP_GET_SECURITY_CONFIGURATION, &get,
                      "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
                      "\"EncryptionConfiguration\":" FULL_EC_TEXT "}}");

  gf_security_configuration list_items[] = {
      {"a", true, 1700000000.25, &full_ec}, {"b", false, 0, NULL}, {NULL, true, 1, NULL}};
  gf_get_security_configurations_response list = {list_items, 3, "next"};
  response_round_trip(GF_OP_GET_SECURITY_CONFIGURATIONS, &list,
                      "{\"SecurityConfigurations\":[{\"Name\":\"a\",\"CreatedTimeStamp\":"
                      "1700000000.25,\"EncryptionConfiguration\":" FULL_EC_TEXT
                      "},{\"Name\":\"b\"},{\"CreatedTimeStamp\":1}],\"NextToken\":\"next\"}");
  gf_get_security_configurations_response list_empty = {list_items, 0, NULL};
  response_round_trip(GF_OP_GET_SECURITY_CONFIGURATIONS, &list_empty,
                      "{\"SecurityConfigurations\":[]}");
  gf_get_security_configurations_response list_absent = {NULL, 0, NULL};
  response_round_trip(GF_OP_GET_SECURITY_CONFIGURATIONS, &list_absent, "{}");
}

static void test_codec_edges(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  void *out = (void *)&err;

  /* Out-of-range operations and NULL inputs. */
  gf_get_resource_policy_request req = {NULL};
  assert_null(gf_request_to_json(GF_OPERATION_COUNT, &req));
  assert_null(gf_response_to_json(GF_OPERATION_COUNT, &req));
  assert_null(gf_request_to_json(GF_OP_GET_RESOURCE_POLICY, NULL));
  assert_null(gf_response_to_json(GF_OP_GET_RESOURCE_POLICY, NULL));
  cJSON *obj = cJSON_CreateObject();
  assert_int_equal(gf_request_from_json(GF_OPERATION_COUNT, obj, &out, &err),
                   GF_UNKNOWN_OPERATION);
  assert_int_equal(gf_response_from_json(GF_OPERATION_COUNT, obj, &out, &err),
                   GF_UNKNOWN_OPERATION);
  gf_request_free(GF_OPERATION_COUNT, NULL);
  gf_request_free(GF_OP_GET_RESOURCE_POLICY, NULL);
  gf_response_free(GF_OP_GET_RESOURCE_POLICY, NULL);

  /* A non-object is a SerializationException, *out NULL. */
  cJSON *arr = cJSON_CreateArray();
  out = (void *)&err;
  assert_int_equal(gf_request_from_json(GF_OP_GET_RESOURCE_POLICY, arr, &out, &err),
                   GF_SERIALIZATION);
  assert_null(out);
  assert_int_equal(err.status, GF_SERIALIZATION);
  out = (void *)&err;
  assert_int_equal(gf_response_from_json(GF_OP_GET_RESOURCE_POLICY, NULL, &out, &err),
                   GF_SERIALIZATION);
  assert_null(out);

  /* Wrong types in responses, with the member path. */
  cJSON *bad = cJSON_Parse("{\"CreateTime\":\"yesterday\"}");
  out = (void *)&err;
  assert_int_equal(gf_response_from_json(GF_OP_GET_RESOURCE_POLICY, bad, &out, &err),
                   GF_SERIALIZATION);
  assert_null(out);
  assert_string_equal(err.message, "CreateTime: must be a finite number of epoch seconds, not a string");
  cJSON_Delete(bad);
  bad = cJSON_Parse("{\"SecurityConfigurations\":[{\"Name\":\"a\"},{\"EncryptionConfiguration\":"
                    "{\"S3Encryption\":[{\"KmsKeyArn\":null},{\"KmsKeyArn\":1}]}}]}");
  assert_int_equal(gf_response_from_json(GF_OP_GET_SECURITY_CONFIGURATIONS, bad, &out, &err),
                   GF_SERIALIZATION);
  assert_null(out);
  assert_string_equal(err.message, "SecurityConfigurations[1].EncryptionConfiguration."
                                   "S3Encryption[1].KmsKeyArn: must be a string, not a number");
  cJSON_Delete(bad);

  /* A missing required boolean decodes as absent (its has_ flag false):
   * refusing it is validation's job, as for every other required member. */
  bad = cJSON_Parse("{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":{}}}");
  assert_int_equal(gf_request_from_json(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, bad, &out,
                                        &err),
                   GF_OK);
  const gf_put_data_catalog_encryption_settings_request *put = out;
  assert_false(put->data_catalog_encryption_settings->connection_password_encryption
                   ->has_return_connection_password_encrypted);
  gf_request_free(GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, out);
  cJSON_Delete(bad);

  /* Other rules are the backend's: the codec decodes an invalid value. */
  bad = cJSON_Parse("{\"MaxResults\":0,\"Name\":\"\"}");
  assert_int_equal(gf_request_from_json(GF_OP_GET_SECURITY_CONFIGURATIONS, bad, &out, &err),
                   GF_OK);
  gf_get_security_configurations_request *list = out;
  assert_true(list->has_max_results);
  assert_int_equal(list->max_results, 0);
  assert_null(list->next_token);
  gf_request_free(GF_OP_GET_SECURITY_CONFIGURATIONS, out);
  cJSON_Delete(bad);

  cJSON_Delete(obj);
  cJSON_Delete(arr);
  gf_error_clear(&err);
}

/* ---- errors as JSON ------------------------------------------------------------------ */

static void test_error_json(void **state)
{
  (void)state;
  for (int s = GF_OK + 1; s < GF_STATUS_COUNT; s++) {
    gf_error err = GF_ERROR_INIT;
    gf_error_set(&err, (gf_status)s, "message %d", s);
    cJSON *json = gf_error_to_json(&err);
    assert_non_null(json);
    char *text = print_json(json);
    char expected[160];
    snprintf(expected, sizeof expected, "{\"__type\":\"%s\",\"Message\":\"message %d\"}",
             gf_status_name((gf_status)s), s);
    assert_string_equal(text, expected);
    gf_error back = GF_ERROR_INIT;
    assert_int_equal(gf_error_from_json(json, &back), 0);
    assert_int_equal(back.status, s);
    assert_string_equal(back.message, err.message);
    gf_error_clear(&back);
    gf_error_clear(&err);
    cJSON_free(text);
    cJSON_Delete(json);
  }

  /* No message: the status name stands in. */
  gf_error bare = {GF_ENTITY_NOT_FOUND, NULL, NULL, 0, NULL};
  cJSON *json = gf_error_to_json(&bare);
  char *text = print_json(json);
  assert_string_equal(text,
                      "{\"__type\":\"EntityNotFoundException\",\"Message\":\"EntityNotFoundException\"}");
  cJSON_free(text);
  cJSON_Delete(json);

  /* AWS's variants: a "prefix#" on the type, a lower-case "message". */
  gf_error err = GF_ERROR_INIT;
  json = cJSON_Parse("{\"__type\":\"com.amazonaws.glue#EntityNotFoundException\","
                     "\"message\":\"lower\"}");
  assert_int_equal(gf_error_from_json(json, &err), 0);
  assert_int_equal(err.status, GF_ENTITY_NOT_FOUND);
  assert_string_equal(err.message, "lower");
  cJSON_Delete(json);
  json = cJSON_Parse("{\"__type\":\"a#b#OperationTimeoutException\",\"Message\":\"Upper\","
                     "\"message\":\"lower\"}");
  assert_int_equal(gf_error_from_json(json, &err), 0);
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  assert_string_equal(err.message, "Upper");
  cJSON_Delete(json);
  json = cJSON_Parse("{\"__type\":\"InternalService\"}");
  assert_int_equal(gf_error_from_json(json, &err), 0);
  assert_int_equal(err.status, GF_INTERNAL_SERVICE);
  assert_string_equal(gf_error_message(&err), "");
  cJSON_Delete(json);
  gf_error_clear(&err);

  /* Every dialect AWS services send, the stripped name kept. */
  static const struct {
    const char *text, *name, *message;
    gf_status status;
  } dialects[] = {
      {"{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}",
       "ThrottlingException", "Rate exceeded", GF_THROTTLING},
      {"{\"__type\":\"com.amazonaws.glue#ThrottlingException\",\"Message\":\"m\"}",
       "ThrottlingException", "m", GF_THROTTLING},
      {"{\"__type\":\"ThrottlingException:http://internal.amazon.com/coral/"
       "com.amazonaws.glue/\",\"Message\":\"m\"}",
       "ThrottlingException", "m", GF_THROTTLING},
      {"{\"__type\":\"EntityNotFoundException\",\"message\":\"lower\"}",
       "EntityNotFoundException", "lower", GF_ENTITY_NOT_FOUND},
      {"{\"code\":\"AccessDeniedException\",\"message\":\"no\"}", "AccessDeniedException",
       "no", GF_ACCESS_DENIED},
      /* names the table lacks: Unknown, the name as received */
      {"{\"__type\":\"NoSuchException\",\"Message\":\"m\"}", "NoSuchException", "m",
       GF_UNKNOWN},
      {"{\"__type\":\"com.amazonaws#Nope\",\"Message\":\"m\"}", "Nope", "m", GF_UNKNOWN},
      {"{\"__type\":\"entitynotfoundexception\",\"Message\":\"m\"}",
       "entitynotfoundexception", "m", GF_UNKNOWN},
      {"{\"__type\":\"OK\",\"Message\":\"m\"}", "OK", "m", GF_UNKNOWN},
  };
  for (size_t i = 0; i < sizeof dialects / sizeof *dialects; i++) {
    gf_error read = GF_ERROR_INIT;
    json = cJSON_Parse(dialects[i].text);
    assert_int_equal(gf_error_from_json(json, &read), 0);
    assert_int_equal(read.status, dialects[i].status);
    assert_string_equal(read.aws_name, dialects[i].name);
    assert_string_equal(read.message, dialects[i].message);
    gf_error copy = GF_ERROR_INIT;
    assert_int_equal(gf_error_copy(&copy, &read), dialects[i].status);
    assert_string_equal(copy.aws_name, dialects[i].name);
    gf_error_clear(&copy);
    gf_error_set(&read, GF_INVALID_INPUT, "x"); /* a new error forgets the wire's */
    assert_null(read.aws_name);
    gf_error_clear(&read);
    cJSON_Delete(json);
  }

  /* Not an error object: -1 and the error untouched. */
  const char *bad[] = {
      "{\"__type\":\"\"}",
      "{\"__type\":\":http://x\"}",
      "{\"__type\":7,\"Message\":\"m\"}",
      "{\"Message\":\"m\"}",
      "[]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_error untouched = GF_ERROR_INIT;
    json = cJSON_Parse(bad[i]);
    assert_non_null(json);
    assert_int_equal(gf_error_from_json(json, &untouched), -1);
    assert_int_equal(untouched.status, GF_OK);
    assert_null(untouched.message);
    cJSON_Delete(json);
  }
  assert_int_equal(gf_error_from_json(NULL, &err), -1);
}

/* The error body of a dispatch reads back as the same error. */
static void test_error_reply_reads_back(void **state)
{
  gf_backend *b = backend_of(state);
  gf_json_reply reply;
  dispatch(b, "GetSecurityConfiguration", "{\"Name\":\"missing\"}", &reply);
  cJSON *json = cJSON_Parse(reply.body);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_error_from_json(json, &err), 0);
  assert_int_equal(err.status, reply.status);
  assert_non_null(strstr(err.message, "missing"));
  gf_error_clear(&err);
  cJSON_Delete(json);
  gf_json_reply_clear(&reply);
}

/* ---- HTTP codes, reply_clear ---------------------------------------------------------- */

/* Out-of-range values at the codec's edges: an error whose status is not
 * in the table is written as UnknownError; a response copy of no operation
 * or of nothing is NULL. */
static void test_codec_out_of_range(void **state)
{
  (void)state;
  gf_error odd = {(gf_status)GF_STATUS_COUNT, NULL, NULL, 0, NULL};
  cJSON *json = gf_error_to_json(&odd);
  assert_non_null(json);
  char *text = cJSON_PrintUnformatted(json);
  assert_string_equal(text, "{\"__type\":\"UnknownError\",\"Message\":\"unknown status\"}");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_get_resource_policy_response empty = {NULL, NULL, false, 0, false, 0};
  assert_null(gf_response_copy(GF_OPERATION_COUNT, &empty));
  assert_null(gf_response_copy((gf_operation)-1, &empty));
  assert_null(gf_response_copy(GF_OP_GET_RESOURCE_POLICY, NULL));
}

static void test_status_http_code(void **state)
{
  (void)state;
  assert_int_equal(gf_status_http_code(GF_OK), 200);
  assert_int_equal(gf_status_http_code(GF_ALREADY_EXISTS), 400);
  assert_int_equal(gf_status_http_code(GF_CONDITION_CHECK_FAILURE), 400);
  assert_int_equal(gf_status_http_code(GF_ENTITY_NOT_FOUND), 400);
  assert_int_equal(gf_status_http_code(GF_INTERNAL_SERVICE), 500);
  assert_int_equal(gf_status_http_code(GF_INVALID_INPUT), 400);
  assert_int_equal(gf_status_http_code(GF_OPERATION_TIMEOUT), 400);
  assert_int_equal(gf_status_http_code(GF_RESOURCE_NUMBER_LIMIT_EXCEEDED), 400);
  assert_int_equal(gf_status_http_code(GF_SERIALIZATION), 400);
  assert_int_equal(gf_status_http_code(GF_UNKNOWN_OPERATION), 400);
  assert_int_equal(gf_status_http_code(GF_GLUE_ENCRYPTION), 400);
  assert_int_equal(gf_status_http_code(GF_THROTTLING), 400);
  assert_int_equal(gf_status_http_code(GF_SERVICE_UNAVAILABLE), 503);
  assert_int_equal(gf_status_http_code(GF_ACCESS_DENIED), 400);
  assert_int_equal(gf_status_http_code(GF_MISSING_AUTHENTICATION_TOKEN), 403);
  assert_int_equal(gf_status_http_code(GF_INCOMPLETE_SIGNATURE), 400);
  assert_int_equal(gf_status_http_code(GF_INVALID_SIGNATURE), 400);
  assert_int_equal(gf_status_http_code(GF_UNRECOGNIZED_CLIENT), 400);
  assert_int_equal(gf_status_http_code(GF_EXPIRED_TOKEN), 400);
  /* No HTTP status of their own: 500. */
  assert_int_equal(gf_status_http_code(GF_TRANSPORT), 500);
  assert_int_equal(gf_status_http_code(GF_UNKNOWN), 500);
  /* Out of range: 500. */
  assert_int_equal(gf_status_http_code(GF_STATUS_COUNT), 500);
  assert_int_equal(gf_status_http_code((gf_status)(GF_STATUS_COUNT + 1)), 500);
  assert_int_equal(gf_status_http_code((gf_status)-1), 500);

  /* Every status, from a list written out here: a new row of the table
   * (or a changed code) fails until this list is updated. */
  static const int codes[] = {200, 400, 400, 400, 500, 400, 400, 400, 400, 400, 400,
                              400, 503, 400, 403, 400, 400, 400, 400, 500, 500};
  assert_int_equal(sizeof codes / sizeof codes[0], GF_STATUS_COUNT);
  for (int s = 0; s < GF_STATUS_COUNT; s++) {
    assert_int_equal(gf_status_http_code((gf_status)s), codes[s]);
  }
}

static void test_reply_clear(void **state)
{
  gf_json_reply_clear(NULL);
  gf_json_reply zero;
  memset(&zero, 0, sizeof zero);
  gf_json_reply_clear(&zero);
  gf_json_reply_clear(&zero);
  assert_null(zero.body);

  gf_json_reply reply;
  dispatch(backend_of(state), "GetDataCatalogEncryptionSettings", "{}", &reply);
  assert_non_null(reply.body);
  gf_json_reply_clear(&reply);
  assert_null(reply.body);
  assert_int_equal(reply.body_len, 0);
  assert_int_equal(reply.status, GF_OK);
  assert_int_equal(reply.http_status, 0);
  assert_null(reply.error_type);
  gf_json_reply_clear(&reply); /* twice is harmless */

  /* A reply is overwritten, not appended to, by the next dispatch: the
   * caller clears between (checked by valgrind). */
  dispatch(backend_of(state), "GetJobs", "{}", &reply);
  assert_int_equal(reply.status, GF_UNKNOWN_OPERATION);
  gf_json_reply_clear(&reply);
  gf_json_reply_clear(&reply);
}

/* ---- the response writer: cJSON's text, byte for byte -------------------------
 *
 * gf_json_dispatch writes a response straight from its struct
 * (core/json_write.c) instead of printing gfi_shape_encode()'s tree with
 * cJSON_PrintUnformatted().  The two must never differ: member order,
 * string escapes and, above all, numbers (cJSON's "%1.15g", read back, else
 * "%1.17g", which the writer reproduces without printf).  Each check below
 * compares the two texts; the responses come from every fixture run through
 * every operation, from random values of every shape, and from numbers
 * chosen to sit where a formatter goes wrong. */

/* Whether the writer's text of `obj` (a `shape`) is cJSON's; prints both
 * when not. */
static int written_as_cjson(const gfi_shape *shape, const void *obj)
{
  cJSON *tree = gfi_shape_encode(shape, obj);
  assert_non_null(tree);
  char *want = cJSON_PrintUnformatted(tree);
  assert_non_null(want);
  gfi_text got = {0};
  gfi_shape_write_json(shape, obj, &got);
  assert_false(got.failed);
  assert_non_null(got.data);
  int same = strcmp(got.data, want) == 0 && got.len == strlen(want);
  if (!same)
    print_message("%s:\n  cJSON:  %s\n  writer: %s\n", shape->name, want, got.data);
  gfi_free(got.data);
  cJSON_free(want);
  cJSON_Delete(tree);
  return same;
}

typedef struct writer_run {
  gf_backend *backend;
  size_t compared[GF_OPERATION_COUNT]; /* responses compared, by operation */
} writer_run;

/* Calls `op` with `request` (wire JSON, borrowed) and, when the call
 * succeeds, compares the writer with cJSON on its response: the response
 * as JSON (the caller's, to follow NextTokens and names), or NULL when the
 * call failed. */
static cJSON *call_compared(writer_run *run, gf_operation op, const cJSON *request_json)
{
  void *request = NULL, *response = NULL;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_request_from_json(op, request_json, &request, &err), GF_OK);
  cJSON *answer = NULL;
  if (gf_call(run->backend, op, request, &response, &err) == GF_OK) {
    assert_true(written_as_cjson(gfi_response_shapes[op], response));
    run->compared[op]++;
    answer = gf_response_to_json(op, response);
    assert_non_null(answer);
  }
  gf_response_free(op, response);
  gf_request_free(op, request);
  gf_error_clear(&err);
  return answer;
}

/* call_compared() with a request of one string member, or none (`member`
 * NULL), the response dropped. */
static void call_compared_with(writer_run *run, gf_operation op, const char *member,
                               const char *value)
{
  cJSON *request = cJSON_CreateObject();
  assert_non_null(request);
  if (member)
    assert_non_null(cJSON_AddStringToObject(request, member, value));
  cJSON_Delete(call_compared(run, op, request));
  cJSON_Delete(request);
}

/* Pages through the listing `op`, `max` at a time; the "Name" of each item
 * of `list` goes to `names` when given. */
static void page_compared(writer_run *run, gf_operation op, const char *list, int max,
                          cJSON *names)
{
  char *token = NULL;
  for (int pages = 0; pages < 10000; pages++) {
    cJSON *request = cJSON_CreateObject();
    assert_non_null(cJSON_AddNumberToObject(request, "MaxResults", max));
    if (token)
      assert_non_null(cJSON_AddStringToObject(request, "NextToken", token));
    cJSON *page = call_compared(run, op, request);
    cJSON_Delete(request);
    assert_non_null(page);
    const cJSON *item;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(page, list))
    {
      const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "Name");
      if (names && cJSON_IsString(name))
        cJSON_AddItemToArray(names, cJSON_CreateString(name->valuestring));
    }
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(page, "NextToken");
    free(token);
    token = cJSON_IsString(next) ? strdup(next->valuestring) : NULL;
    cJSON_Delete(page);
    if (!token)
      return;
  }
  fail_msg("%s never ended", gf_operation_name(op));
}

/* The keys of the object `section` of the fixture `file` (catalog ids,
 * resource ARNs), as a JSON array. */
static cJSON *fixture_keys(const cJSON *file, const char *section)
{
  cJSON *keys = cJSON_CreateArray();
  const cJSON *entry;
  cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(file, section))
  {
    if (entry->string)
      cJSON_AddItemToArray(keys, cJSON_CreateString(entry->string));
  }
  return keys;
}

static cJSON *read_fixture(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char text[1 << 20];
  size_t len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = '\0';
  cJSON *json = cJSON_Parse(text);
  assert_non_null(json);
  return json;
}

/* Every operation run on the fixture `path`: the reads of all it holds,
 * then writes of strings the writer must escape. */
static void writer_on_fixture(writer_run *run, const char *path)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(NULL, &err);
  assert_non_null(fake);
  if (gf_fake_load_file(fake, path, &err) != GF_OK)
    fail_msg("%s: %s", path, gf_error_message(&err));
  run->backend = gf_fake_backend(fake);
  cJSON *file = read_fixture(path);
  cJSON *names = cJSON_CreateArray();
  const cJSON *key;

  page_compared(run, GF_OP_GET_SECURITY_CONFIGURATIONS, "SecurityConfigurations", 1000, names);
  page_compared(run, GF_OP_GET_SECURITY_CONFIGURATIONS, "SecurityConfigurations", 1, NULL);
  cJSON_ArrayForEach(key, names)
      call_compared_with(run, GF_OP_GET_SECURITY_CONFIGURATION, "Name", key->valuestring);
  call_compared_with(run, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL, NULL);
  cJSON *catalogs = fixture_keys(file, "data_catalog_encryption_settings");
  cJSON_ArrayForEach(key, catalogs)
      call_compared_with(run, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, "CatalogId",
                         key->valuestring);
  call_compared_with(run, GF_OP_GET_RESOURCE_POLICY, NULL, NULL);
  cJSON *arns = fixture_keys(file, "resource_policies");
  cJSON_ArrayForEach(key, arns)
      call_compared_with(run, GF_OP_GET_RESOURCE_POLICY, "ResourceArn", key->valuestring);
  page_compared(run, GF_OP_GET_RESOURCE_POLICIES, "GetResourcePoliciesResponseList", 100, NULL);
  page_compared(run, GF_OP_GET_RESOURCE_POLICIES, "GetResourcePoliciesResponseList", 1, NULL);

  /* Writes, on a clock whose timestamps have digits to spare. */
  assert_int_equal(gf_fake_set_clock(fake, 1700000000.123456789, 0.000123, &err), GF_OK);
  static const char nasty_name[] = "q\"b\\s\tt \xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\x7f end";
  cJSON *create = cJSON_Parse(
      "{\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\","
      "\"KmsKeyArn\":\"arn:aws:kms:us-east-1:123456789012:key/\\\"q\\\\b\"},"
      "{\"S3EncryptionMode\":\"DISABLED\"}],\"CloudWatchEncryption\":{"
      "\"CloudWatchEncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"arn:aws:kms:x:1:key/\\u00e9\"},"
      "\"JobBookmarksEncryption\":{\"JobBookmarksEncryptionMode\":\"CSE-KMS\",\"KmsKeyArn\":"
      "\"arn:aws:kms:us-east-1:1:key/k\"}}}");
  assert_non_null(create);
  cJSON_AddStringToObject(create, "Name", nasty_name);
  cJSON_Delete(call_compared(run, GF_OP_CREATE_SECURITY_CONFIGURATION, create));
  cJSON_Delete(create);
  call_compared_with(run, GF_OP_GET_SECURITY_CONFIGURATION, "Name", nasty_name);
  page_compared(run, GF_OP_GET_SECURITY_CONFIGURATIONS, "SecurityConfigurations", 1000, NULL);
  /* A policy is JSON text: its whitespace may be any of JSON's, and its
   * strings hold escapes and UTF-8 of their own. */
  call_compared_with(run, GF_OP_PUT_RESOURCE_POLICY, "PolicyInJson",
                     "{\n\t\"Version\" : \"2012-10-17\",\r\n \"Sid\":\"q\\\"b\\\\s\\u0001\\n "
                     "\xc3\xa9\xf0\x9f\x98\x80\", \"Statement\": [] }");
  call_compared_with(run, GF_OP_GET_RESOURCE_POLICY, NULL, NULL);
  page_compared(run, GF_OP_GET_RESOURCE_POLICIES, "GetResourcePoliciesResponseList", 100, NULL);
  cJSON *put = cJSON_Parse(
      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
      "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/\\\"\\\\\\u00e9\"},\"ConnectionPasswordEncryption\":"
      "{\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/pw\"}}}");
  cJSON_Delete(call_compared(run, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, put));
  cJSON_Delete(put);
  call_compared_with(run, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL, NULL);
  call_compared_with(run, GF_OP_DELETE_RESOURCE_POLICY, NULL, NULL);
  call_compared_with(run, GF_OP_DELETE_SECURITY_CONFIGURATION, "Name", nasty_name);

  cJSON_Delete(arns);
  cJSON_Delete(catalogs);
  cJSON_Delete(names);
  cJSON_Delete(file);
  gf_error_clear(&err);
  gf_fake_free(fake);
}

/* Every fixtures/NAME.json (enumerated, so that a new one is covered). */
static void test_writer_on_fixtures(void **state)
{
  (void)state;
  DIR *dir = opendir("fixtures");
  if (!dir)
    fail_msg("cannot open fixtures/ (tests run from the repository root)");
  writer_run run = {0};
  size_t fixtures = 0;
  const struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
      char path[600];
      snprintf(path, sizeof path, "fixtures/%s", e->d_name);
      writer_on_fixture(&run, path);
      fixtures++;
    }
  }
  closedir(dir);
  assert_true(fixtures >= 6);
  /* Every operation answered at least once. */
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    if (!run.compared[op])
      print_message("no %s response was compared\n", gf_operation_name((gf_operation)op));
    assert_true(run.compared[op] > 0);
  }
}

/* Numbers where a formatter goes wrong: cJSON's special cases (NaN and
 * infinities are null, -0), integers around 10^15 (where "%1.15g" turns to
 * E-notation) and 2^53, fractions that need 17 digits, subnormals and the
 * extremes. */
static const double awkward_numbers[] = {
    0, -0.0, -1, 1, 1.5, -1.5, 0.1, 0.5, 1e-7, 1700000000, 1700000000.123456789,
    1700000000.001, 1700000000.1, 1700000001.5, 1700000000.000001, 1e300, -1e300,
    9007199254740993.0 /* 2^53 + 1, as a double 2^53 */, 9007199254740992.0,
    9007199254740991.0, 4503599627370496.0, 4503599627370495.5, 999999999999999.0,
    999999999999999.5, 999999999999999.9, 1e15, 1e15 + 1, -999999999999999.9,
    123456789012345.67, 99.99999999999999, 9.999999999999998, 1.0000000000000002,
    0.9999999999999999, 1.000030517578125 /* a tie at 15 digits */, 1e16, 1e17, 1e21,
    1e22, 1e-300, DBL_MIN, DBL_MIN / 4, 5e-324, DBL_MAX, -DBL_MAX, DBL_EPSILON,
    2147483647.0, 2147483648.0, -2147483649.0, 9223372036854775807.0, -9223372036854775808.0,
    INFINITY, -INFINITY, NAN};

/* Uniform in [0, 1). */
static double random_unit(uint64_t *seed)
{
  return (double)(xorshift64(seed) >> 11) / 9007199254740992.0;
}

/* A number from one of the families above, at random. */
static double random_number(uint64_t *seed)
{
  uint64_t r = xorshift64(seed);
  switch (r % 9) {
  case 0:
    return awkward_numbers[(r >> 8) % (sizeof awkward_numbers / sizeof awkward_numbers[0])];
  case 1: { /* any bit pattern: NaNs, subnormals, everything */
    uint64_t bits = xorshift64(seed);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
  }
  case 2: { /* a timestamp with 0 to 9 decimals */
    static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    int decimals = (int)((r >> 8) % 10);
    double whole = 1000000000.0 + (double)(xorshift64(seed) % 2000000000u);
    return whole + (double)(xorshift64(seed) % (uint64_t)scale[decimals]) / scale[decimals];
  }
  case 3: { /* within a few ulps of a decimal of up to 15 digits */
    char text[40];
    int exponent = (int)((r >> 8) % 19) - 2;
    snprintf(text, sizeof text, "%.*fe%d", (int)((r >> 16) % 15), 1 + 9 * random_unit(seed),
             exponent);
    double d = strtod(text, NULL);
    for (int steps = (int)((r >> 24) % 7) - 3; steps != 0; steps += steps < 0 ? 1 : -1)
      d = nextafter(d, steps < 0 ? -INFINITY : INFINITY);
    return (r >> 40) & 1 ? -d : d;
  }
  case 4: { /* a tie at 15 or 17 digits: ip + odd / 2^(k+1), exactly */
    int x = (int)((r >> 8) % 15), k = ((r >> 12) & 1 ? 16 : 14) - x;
    double ip = floor(pow(10, x) * (1 + 9 * random_unit(seed)));
    double odd = (double)((xorshift64(seed) % (1u << (k > 20 ? 20 : k))) * 2 + 1);
    return ip + ldexp(odd, -(k + 1));
  }
  case 5: { /* an integer of any size */
    int64_t n = (int64_t)xorshift64(seed);
    return (double)(n >> ((r >> 8) % 64));
  }
  case 6: { /* a few ulps from a power of two */
    double d = ldexp(1, (int)((r >> 8) % 70) - 5);
    for (int steps = (int)((r >> 16) % 141) - 70; steps != 0; steps += steps < 0 ? 1 : -1)
      d = nextafter(d, steps < 0 ? 0 : INFINITY);
    return d;
  }
  case 7: /* between 0 and 1 */
    return random_unit(seed) * pow(10, -(double)((r >> 8) % 8));
  default: /* anything from 1 to 10^17 */
    return pow(10, 17 * random_unit(seed));
  }
}

/* A random string to break an escaper: plain runs of every length around
 * the writer's 8- and 16-byte words, or a mix of quotes, backslashes,
 * control bytes, DEL and bytes above 0x7f (valid UTF-8 or not). */
static char *random_string(uint64_t *seed)
{
  static const size_t lengths[] = {0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 76, 100};
  uint64_t r = xorshift64(seed);
  size_t len = r & 1 ? lengths[(r >> 1) % (sizeof lengths / sizeof lengths[0])]
                     : (size_t)((r >> 8) % 120);
  int mixed = (r >> 20) % 3 != 0;
  char *s = gfi_malloc(len + 1);
  assert_non_null(s);
  for (size_t i = 0; i < len; i++) {
    uint64_t b = xorshift64(seed);
    unsigned c = 'a' + (unsigned)(b % 26);
    if (mixed) {
      switch ((b >> 8) % 10) {
      case 0:
        c = (b >> 16) & 1 ? '"' : '\\';
        break;
      case 1:
        c = 1 + (unsigned)((b >> 16) % 31); /* 0x01-0x1f */
        break;
      case 2:
      case 3:
        c = 0x7f + (unsigned)((b >> 16) % 129); /* DEL and 0x80-0xff */
        break;
      default:
        c = 0x20 + (unsigned)((b >> 16) % 95); /* printable, quotes and backslashes too */
      }
    }
    s[i] = (char)c;
  }
  s[len] = '\0';
  return s;
}

static void random_fill(const gfi_shape *shape, void *obj, uint64_t *seed);

/* A new random object of `shape` (gfi_shape_free() frees it). */
static void *random_object(const gfi_shape *shape, uint64_t *seed)
{
  void *obj = gfi_calloc(1, shape->size);
  assert_non_null(obj);
  random_fill(shape, obj, seed);
  return obj;
}

/* Fills the zeroed `obj` of `shape`: each member present or not, at random. */
static void random_fill(const gfi_shape *shape, void *obj, uint64_t *seed)
{
  for (size_t i = 0; i < shape->member_count; i++) {
    const gfi_member *m = &shape->members[i];
    uint64_t r = xorshift64(seed);
    if (r % 5 == 0)
      continue; /* absent */
    void *slot = GF_MEMBER_PTR(obj, m->offset);
    switch (m->kind) {
    case GF_KIND_STRING:
      *(char **)slot = random_string(seed);
      break;
    case GF_KIND_BOOL:
      *(bool *)slot = (r >> 8) & 1;
      *(bool *)GF_MEMBER_PTR(obj, m->aux_offset) = true;
      break;
    case GF_KIND_INT: {
      static const int64_t ints[] = {0, 1, -1, 100, 1000, INT64_MAX, INT64_MIN,
                                     9007199254740993, 999999999999999, 1000000000000001};
      *(int64_t *)slot = (r >> 8) & 1 ? ints[(r >> 9) % (sizeof ints / sizeof ints[0])]
                                      : (int64_t)xorshift64(seed) >> ((r >> 16) % 64);
      *(bool *)GF_MEMBER_PTR(obj, m->aux_offset) = true;
      break;
    }
    case GF_KIND_TIMESTAMP:
      *(double *)slot = random_number(seed);
      *(bool *)GF_MEMBER_PTR(obj, m->aux_offset) = true;
      break;
    case GF_KIND_STRUCT:
      *(void **)slot = random_object(m->shape, seed);
      break;
    case GF_KIND_LIST: {
      size_t count = (size_t)((r >> 8) % 4);
      char *items = gfi_calloc(count ? count : 1, m->shape->size);
      assert_non_null(items);
      for (size_t j = 0; j < count; j++)
        random_fill(m->shape, items + j * m->shape->size, seed);
      *(void **)slot = items;
      *(size_t *)GF_MEMBER_PTR(obj, m->aux_offset) = count;
      break;
    }
    }
  }
}

/* Random responses (and requests: the writer walks any shape) of every
 * operation. */
static void test_writer_on_random_values(void **state)
{
  (void)state;
  uint64_t seed = 0x9e3779b97f4a7c15u;
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    const gfi_shape *const shapes[] = {gfi_response_shapes[op], gfi_request_shapes[op]};
    for (int which = 0; which < 2; which++) {
      for (int n = 0; n < 400; n++) {
        void *obj = random_object(shapes[which], &seed);
        if (!written_as_cjson(shapes[which], obj))
          fail_msg("%s, value %d", shapes[which]->name, n);
        gfi_shape_free(shapes[which], obj);
      }
    }
  }
}

/* Timestamps alone, many of them: the writer prints numbers without
 * printf, so every family of awkward_numbers and random_number() is
 * compared with cJSON's printing, in a response of two timestamps. */
static void test_writer_numbers(void **state)
{
  (void)state;
  const gfi_shape *shape = gfi_response_shapes[GF_OP_GET_RESOURCE_POLICY];
  size_t named = sizeof awkward_numbers / sizeof awkward_numbers[0];
  for (size_t i = 0; i < named; i++) {
    gf_get_resource_policy_response r = {NULL, NULL, true, awkward_numbers[i], true,
                                         -awkward_numbers[i]};
    if (!written_as_cjson(shape, &r))
      fail_msg("%.17g (%a)", awkward_numbers[i], awkward_numbers[i]);
  }
  uint64_t seed = 0x2545f4914f6cdd1du;
  for (int n = 0; n < 150000; n++) {
    double a = random_number(&seed), b = random_number(&seed);
    gf_get_resource_policy_response r = {NULL, NULL, true, a, true, b};
    if (!written_as_cjson(shape, &r))
      fail_msg("%.17g (%a) or %.17g (%a)", a, a, b, b);
  }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_create_and_get_security_configuration),
      T(test_get_security_configurations_pages),
      T(test_delete_security_configuration),
      T(test_data_catalog_encryption_settings),
      T(test_resource_policy),
      T(test_resource_policy_hash_and_delete),
      T(test_empty_body_is_empty_object),
      T(test_body_need_not_be_nul_terminated),
      T(test_error_already_exists),
      T(test_error_entity_not_found),
      T(test_error_invalid_input_messages),
      T(test_missing_required_bool),
      T(test_missing_required_bool_is_logged),
      T(test_codec_required_bool_presence),
      T(test_error_condition_check_failure),
      T(test_error_resource_number_limit),
      T(test_error_internal_service_from_backend),
      T(test_error_operation_timeout_from_backend),
      T(test_backend_response_is_encoded),
      T(test_null_backend),
      T(test_unknown_operation),
      T(test_serialization_not_json),
      T(test_serialization_not_object),
      T(test_serialization_wrong_member_types),
      T(test_control_characters_and_nul),
      T(test_unknown_members_ignored),
      T(test_null_members_are_absent),
      T(test_encryption_configuration_round_trip),
      T(test_codec_round_trip_requests),
      T(test_codec_round_trip_responses),
      T(test_codec_edges),
      T(test_error_json),
      T(test_error_reply_reads_back),
      T(test_status_http_code),
      T(test_codec_out_of_range),
      T(test_reply_clear),
      T(test_writer_on_fixtures),
      T(test_writer_on_random_values),
      T(test_writer_numbers),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
