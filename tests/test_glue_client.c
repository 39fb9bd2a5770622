/*
 * test_glue_client.c - unit tests of the example client module
 * (examples/glue_client.c), written the way a Glue user tests their own
 * code with gluefake:
 *
 *   - hand the module gf_fake_backend(fake) instead of a real Glue client;
 *   - preset the state with ordinary calls, inject AWS errors with a fault
 *     spec (gf_faults_set(gf_fake_faults(fake), "...")), and read back what
 *     the module did from the call log (gf_fake_calls(fake));
 *   - finally, sweep every failure point (gf_sweep): the scenario runs again
 *     and again with its 1st, 2nd, ... call failing, and must cope each time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glue_client.h"
#include "gluefake.h"
#include "gluefake/cmocka.h"
#include "gluefake/sys/backend.h"

#define BASE_TIME 1700000000.0
#define KMS_ARN "arn:aws:kms:us-east-1:123456789012:key/etl"
#define MAX_ATTEMPTS 5

/* Policy documents.  The edit under test adds ETL_STATEMENT once. */
#define EMPTY_POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
#define ETL_STATEMENT                                                                        \
  "{\"Sid\":\"AllowEtl\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"                       \
  "\"arn:aws:iam::123456789012:role/etl\"},\"Action\":\"glue:GetTable\",\"Resource\":\"*\"}"
#define AUDIT_STATEMENT                                                                      \
  "{\"Sid\":\"AllowAudit\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"                     \
  "\"arn:aws:iam::123456789012:role/audit\"},\"Action\":\"glue:GetDatabase\",\"Resource\":\"*\"}"
#define AUDIT_POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[" AUDIT_STATEMENT "]}"
#define ETL_POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[" ETL_STATEMENT "]}"
#define AUDIT_ETL_POLICY                                                                     \
  "{\"Version\":\"2012-10-17\",\"Statement\":[" AUDIT_STATEMENT "," ETL_STATEMENT "]}"

/* ---- fixture: a fresh fake with a fixed clock for every test ----------------- */

typedef struct fx {
  gf_fake *fake;
  gf_backend *glue;   /* what the module under test is given */
  gf_recorder *calls; /* what it did */
  gf_error err;
  gf_sweep_report report;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  /* These tests set their own faults: none from GLUEFAKE_FAULTS. */
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.ignore_environment = 1;
  f->fake = gf_fake_new_ext(&options, &f->err);
  if (!f->fake || gf_fake_set_clock(f->fake, BASE_TIME, 1, &f->err) != GF_OK) {
    gf_error_clear(&f->err);
    gf_fake_free(f->fake);
    free(f);
    return -1;
  }
  f->glue = gf_fake_backend(f->fake);
  f->calls = gf_fake_calls(f->fake);
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fx *f = *state;
  gf_sweep_report_clear(&f->report);
  gf_error_clear(&f->err);
  gf_fake_free(f->fake);
  free(f);
  return 0;
}

static void set_faults(fx *f, const char *spec)
{
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake), spec, &f->err), &f->err);
}

/* ---- security configurations: what we want, and how to check it --------------- */

static const gf_s3_encryption S3_KMS[] = {{GF_MODE_SSE_KMS, KMS_ARN}};
static const gf_encryption_configuration ENC_KMS = {S3_KMS, 1, NULL, NULL, NULL};
static const gf_create_security_configuration_request WANT = {"etl", &ENC_KMS};

static const gf_s3_encryption S3_S3[] = {{GF_MODE_SSE_S3, NULL}};
static const gf_encryption_configuration ENC_S3 = {S3_S3, 1, NULL, NULL, NULL};

/* Whether `name` exists with exactly ENC_KMS. */
static int has_kms_configuration(gf_backend *glue, const char *name)
{
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  if (gf_get_security_configuration(glue, &req, &resp, NULL) != GF_OK)
    return 0;
  const gf_encryption_configuration *enc = resp->security_configuration->encryption_configuration;
  int ok = enc && enc->s3_encryption_count == 1 &&
           strcmp(enc->s3_encryption[0].s3_encryption_mode, GF_MODE_SSE_KMS) == 0 &&
           enc->s3_encryption[0].kms_key_arn &&
           strcmp(enc->s3_encryption[0].kms_key_arn, KMS_ARN) == 0 &&
           !enc->cloud_watch_encryption && !enc->job_bookmarks_encryption;
  gf_get_security_configuration_response_free(resp);
  return ok;
}

/* Number of logged calls of `op` that ended with `status`. */
static size_t calls_ending(gf_recorder *calls, gf_operation op, gf_status status)
{
  size_t n = 0;
  gf_call_record r;
  for (size_t i = 0; gf_calls_get_op(calls, op, i, &r) == 0; i++)
    n += r.status == status;
  return n;
}

/* ==== glue_ensure_security_configuration ======================================= */

/* A missing configuration is created with one CreateSecurityConfiguration
 * call, and nothing else. */
static void test_ensure_creates_missing_configuration(void **state)
{
  fx *f = *state;
  assert_gf_ok(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err), &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_true(has_kms_configuration(f->glue, "etl"));
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

/* The same configuration already there (created by someone else, or by an
 * earlier run): GF_OK; the create met AlreadyExists and nothing new was
 * created. */
static void test_ensure_accepts_identical_existing(void **state)
{
  fx *f = *state;
  assert_gf_ok(gf_create_security_configuration(f->glue, &WANT, NULL, &f->err), &f->err);
  gf_calls_clear(f->calls);

  assert_gf_ok(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err), &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_ALREADY_EXISTS);
  assert_int_equal(calls_ending(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, GF_OK), 0);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  assert_true(has_kms_configuration(f->glue, "etl"));
}

/* The name taken by a different configuration: GF_ALREADY_EXISTS, and the
 * existing configuration is left alone. */
static void test_ensure_rejects_different_existing(void **state)
{
  fx *f = *state;
  gf_create_security_configuration_request other = {"etl", &ENC_S3};
  assert_gf_ok(gf_create_security_configuration(f->glue, &other, NULL, &f->err), &f->err);
  gf_calls_clear(f->calls);

  assert_gf_status(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err),
                   GF_ALREADY_EXISTS, &f->err);
  assert_int_equal(f->err.status, GF_ALREADY_EXISTS);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_false(has_kms_configuration(f->glue, "etl"));
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

/* OperationTimeout is retried: two timeouts, then the create goes
 * through - three create calls logged. */
static void test_ensure_retries_timeouts(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=2*OperationTimeout->off");
  assert_gf_ok(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err), &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 3);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 2, GF_OK);
  assert_true(has_kms_configuration(f->glue, "etl"));
}

/* InternalService is retried the same way. */
static void test_ensure_retries_internal_service(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=1*InternalService");
  assert_gf_ok(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err), &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 2);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_INTERNAL_SERVICE);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OK);
  assert_true(has_kms_configuration(f->glue, "etl"));
}

/* It gives up after max_attempts calls in all, returning the last error
 * (with its message in err). */
static void test_ensure_gives_up_after_max_attempts(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=1*InternalService->OperationTimeout(still busy)");
  assert_gf_status(glue_ensure_security_configuration(f->glue, &WANT, 4, &f->err),
                   GF_OPERATION_TIMEOUT, &f->err);
  assert_int_equal(f->err.status, GF_OPERATION_TIMEOUT);
  assert_string_equal(gf_error_message(&f->err), "still busy");
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 4);
  assert_int_equal(gf_calls_count(f->calls), 4);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
}

/* The ambiguous timeout: the create happened but the client was told it
 * timed out.  The retry meets AlreadyExists, which is our own create:
 * GF_OK, and exactly one configuration exists. */
static void test_ensure_applied_timeout_then_already_exists(void **state)
{
  fx *f = *state;
  set_faults(f, "CreateSecurityConfiguration=1*applied(OperationTimeout)");
  assert_gf_ok(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err), &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 2);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_ALREADY_EXISTS);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  assert_true(has_kms_configuration(f->glue, "etl"));
}

/* A bad request (KmsKeyArn not an ARN) is InvalidInput: returned at once,
 * not retried. */
static void test_ensure_invalid_input_not_retried(void **state)
{
  fx *f = *state;
  static const gf_s3_encryption bad_s3[] = {{GF_MODE_SSE_KMS, "alias/etl"}};
  static const gf_encryption_configuration bad_enc = {bad_s3, 1, NULL, NULL, NULL};
  gf_create_security_configuration_request bad = {"etl", &bad_enc};
  assert_gf_status(glue_ensure_security_configuration(f->glue, &bad, MAX_ATTEMPTS, &f->err),
                   GF_INVALID_INPUT, &f->err);
  assert_non_null(strstr(gf_error_message(&f->err), ":kms:.*"));
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
}

/* The account's limit reached: ResourceNumberLimitExceeded, returned at
 * once, not retried. */
static void test_ensure_limit_not_retried(void **state)
{
  fx *f = *state;
  gf_fake_set_security_configuration_limit(f->fake, 1);
  gf_create_security_configuration_request other = {"other", &ENC_S3};
  assert_gf_ok(gf_create_security_configuration(f->glue, &other, NULL, &f->err), &f->err);
  gf_calls_clear(f->calls);

  assert_gf_status(glue_ensure_security_configuration(f->glue, &WANT, MAX_ATTEMPTS, &f->err),
                   GF_RESOURCE_NUMBER_LIMIT_EXCEEDED, &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

/* ==== glue_update_catalog_policy ================================================ */

/* The edit under test: adds ETL_STATEMENT to the policy unless it is there
 * already (idempotent, as the module requires), counting its runs. */
typedef struct edit_ctx {
  int runs;
} edit_ctx;

static char *add_etl_statement(const char *current, void *ctx)
{
  if (ctx)
    ((edit_ctx *)ctx)->runs++;
  cJSON *doc = cJSON_Parse(current ? current : EMPTY_POLICY);
  cJSON *statements = cJSON_GetObjectItemCaseSensitive(doc, "Statement");
  if (!cJSON_IsArray(statements)) {
    cJSON_Delete(doc);
    return NULL;
  }
  int present = 0;
  const cJSON *s;
  cJSON_ArrayForEach(s, statements)
  {
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(s, "Sid");
    present |= cJSON_IsString(sid) && strcmp(sid->valuestring, "AllowEtl") == 0;
  }
  if (!present)
    cJSON_AddItemToArray(statements, cJSON_Parse(ETL_STATEMENT));
  char *printed = cJSON_PrintUnformatted(doc);
  cJSON_Delete(doc);
  char *copy = printed ? strdup(printed) : NULL; /* the module free()s it */
  cJSON_free(printed);
  return copy;
}

/* An edit that gives up. */
static char *give_up(const char *current, void *ctx)
{
  (void)current;
  ((edit_ctx *)ctx)->runs++;
  return NULL;
}

static void put_policy(fx *f, const char *doc)
{
  gf_put_resource_policy_request put = {doc, NULL, NULL, NULL, NULL};
  assert_gf_ok(gf_put_resource_policy(f->glue, &put, NULL, &f->err), &f->err);
}

/* The stored policy document (a copy to free), or NULL when there is none. */
static char *stored_policy(gf_backend *glue)
{
  gf_get_resource_policy_response *resp = NULL;
  if (gf_get_resource_policy(glue, NULL, &resp, NULL) != GF_OK)
    return NULL;
  char *doc = strdup(resp->policy_in_json);
  gf_get_resource_policy_response_free(resp);
  return doc;
}

static void assert_stored_policy(gf_backend *glue, const char *expected)
{
  char *doc = stored_policy(glue);
  assert_non_null(doc);
  int same = strcmp(doc, expected) == 0;
  if (!same)
    print_error("stored policy: %s\nexpected:      %s\n", doc, expected);
  free(doc);
  assert_true(same);
}

static const gf_put_resource_policy_request *nth_put(gf_recorder *calls, size_t n)
{
  gf_call_record r;
  assert_int_equal(gf_calls_get_op(calls, GF_OP_PUT_RESOURCE_POLICY, n, &r), 0);
  return r.request;
}

/* No policy yet: it is created with PolicyExistsCondition NOT_EXIST (so
 * that a policy created meanwhile by someone else is not overwritten). */
static void test_policy_created_when_none(void **state)
{
  fx *f = *state;
  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_int_equal(e.runs, 1);
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 1);
  assert_gf_nth_call_status(f->calls, GF_OP_GET_RESOURCE_POLICY, 0, GF_ENTITY_NOT_FOUND);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1);
  const gf_put_resource_policy_request *put = nth_put(f->calls, 0);
  assert_string_equal(put->policy_exists_condition, GF_POLICY_NOT_EXIST);
  assert_null(put->policy_hash_condition);
  assert_string_equal(put->policy_in_json, ETL_POLICY);
  assert_stored_policy(f->glue, ETL_POLICY);
}

/* An existing policy: the edited document is put with PolicyHashCondition
 * equal to the hash just read (optimistic concurrency). */
static void test_policy_updated_with_hash_read(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);

  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_int_equal(e.runs, 1);
  assert_int_equal(gf_calls_count(f->calls), 2);
  gf_call_record get;
  assert_int_equal(gf_calls_get(f->calls, 0, &get), 0);
  assert_int_equal(get.op, GF_OP_GET_RESOURCE_POLICY);
  const char *hash_read = ((const gf_get_resource_policy_response *)get.response)->policy_hash;

  const gf_put_resource_policy_request *put = nth_put(f->calls, 0);
  assert_non_null(put->policy_hash_condition);
  assert_string_equal(put->policy_hash_condition, hash_read);
  assert_null(put->policy_exists_condition);
  assert_string_equal(put->policy_in_json, AUDIT_ETL_POLICY);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* A policy already holding the statement: put back unchanged (the edit is
 * idempotent), still with the hash condition. */
static void test_policy_already_edited(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_ETL_POLICY);
  gf_calls_clear(f->calls);
  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* A conflict (ConditionCheckFailure on the put): the module starts over
 * from the read, runs the edit again, and succeeds. */
static void test_policy_retries_after_conflict(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);
  set_faults(f, "PutResourcePolicy=1*ConditionCheckFailure");

  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_int_equal(e.runs, 2);
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 2);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 2);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 0, GF_CONDITION_CHECK_FAILURE);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1, GF_OK);
  /* the order: read, put (conflict), read, put */
  static const gf_operation order[] = {GF_OP_GET_RESOURCE_POLICY, GF_OP_PUT_RESOURCE_POLICY,
                                       GF_OP_GET_RESOURCE_POLICY, GF_OP_PUT_RESOURCE_POLICY};
  gf_call_record r;
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(gf_calls_get(f->calls, i, &r), 0);
    assert_int_equal(r.op, order[i]);
  }
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/*
 * A real concurrent writer: a decorator around the fake that, just before
 * the module's first put, lets "another process" write the policy behind
 * the module's back.  The module's put then fails its condition (the hash
 * it read is stale, or a policy now exists), and the retry edits the other
 * writer's document - neither change is lost.
 */
typedef struct interfering_backend {
  gf_backend parent; /* first */
  gf_backend *inner;
  const char *other_document; /* written unconditionally before the 1st put */
  int interfered;
} interfering_backend;

static gf_status interfering_get(gf_backend *self, const gf_get_resource_policy_request *request,
                                 gf_get_resource_policy_response **out, gf_error *err)
{
  return gf_get_resource_policy(((interfering_backend *)self)->inner, request, out, err);
}

static gf_status interfering_put(gf_backend *self, const gf_put_resource_policy_request *request,
                                 gf_put_resource_policy_response **out, gf_error *err)
{
  interfering_backend *b = (interfering_backend *)self;
  if (!b->interfered++) {
    gf_put_resource_policy_request theirs = {b->other_document, NULL, NULL, NULL, NULL};
    gf_status status = gf_put_resource_policy(b->inner, &theirs, NULL, err);
    if (status != GF_OK)
      return status;
  }
  return gf_put_resource_policy(b->inner, request, out, err);
}

static interfering_backend interfering(gf_backend *inner, const char *other_document)
{
  interfering_backend b = {GF_BACKEND_INIT, inner, other_document, 0};
  b.parent.get_resource_policy = interfering_get;
  b.parent.put_resource_policy = interfering_put;
  return b;
}

/* Someone updates the policy between our read and our put. */
static void test_policy_concurrent_update(void **state)
{
  fx *f = *state;
  put_policy(f, EMPTY_POLICY);
  gf_calls_clear(f->calls);
  interfering_backend glue = interfering(f->glue, AUDIT_POLICY);

  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(&glue.parent, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_int_equal(glue.interfered, 2);
  assert_int_equal(e.runs, 2);
  /* the fake saw: our read, their put, our put (stale hash), our read, our put */
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 2);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 3);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 0, GF_OK); /* theirs */
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1, GF_CONDITION_CHECK_FAILURE);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 2, GF_OK);
  assert_non_null(nth_put(f->calls, 1)->policy_hash_condition);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* Someone creates the policy between our read (none) and our put
 * (NOT_EXIST). */
static void test_policy_concurrent_create(void **state)
{
  fx *f = *state;
  interfering_backend glue = interfering(f->glue, AUDIT_POLICY);
  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(&glue.parent, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1, GF_CONDITION_CHECK_FAILURE);
  assert_string_equal(nth_put(f->calls, 1)->policy_exists_condition, GF_POLICY_NOT_EXIST);
  assert_non_null(nth_put(f->calls, 2)->policy_hash_condition);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* Conflicts that never end: after max_attempts rounds the module returns
 * GF_CONDITION_CHECK_FAILURE, and the policy is unchanged. */
static void test_policy_persistent_conflict_gives_up(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);
  set_faults(f, "PutResourcePolicy=ConditionCheckFailure");

  edit_ctx e = {0};
  assert_gf_status(glue_update_catalog_policy(f->glue, add_etl_statement, &e, 3, &f->err),
                   GF_CONDITION_CHECK_FAILURE, &f->err);
  assert_int_equal(f->err.status, GF_CONDITION_CHECK_FAILURE);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 3);
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 3);
  assert_stored_policy(f->glue, AUDIT_POLICY);
}

/* The put happened but the module was told it timed out: it reads again,
 * finds its own document, puts it back unchanged (the edit is
 * idempotent) - the statement is there once. */
static void test_policy_applied_timeout_on_put(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);
  set_faults(f, "PutResourcePolicy=1*applied(OperationTimeout)");

  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 0, GF_OPERATION_TIMEOUT);
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 2);
  gf_call_record reread;
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_GET_RESOURCE_POLICY, 1, &reread), 0);
  assert_string_equal(((const gf_get_resource_policy_response *)reread.response)->policy_in_json,
                      AUDIT_ETL_POLICY);
  assert_gf_nth_call_status(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1, GF_OK);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* A timed-out read is retried too. */
static void test_policy_retries_timed_out_read(void **state)
{
  fx *f = *state;
  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);
  set_faults(f, "GetResourcePolicy=1*OperationTimeout");
  edit_ctx e = {0};
  assert_gf_ok(glue_update_catalog_policy(f->glue, add_etl_statement, &e, MAX_ATTEMPTS, &f->err),
               &f->err);
  assert_int_equal(e.runs, 1);
  assert_gf_called(f->calls, GF_OP_GET_RESOURCE_POLICY, 2);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 1);
  assert_stored_policy(f->glue, AUDIT_ETL_POLICY);
}

/* An edit that gives up (returns NULL): GF_INTERNAL_SERVICE, and no put -
 * whether or not a policy exists. */
static void test_policy_edit_giving_up(void **state)
{
  fx *f = *state;
  edit_ctx e = {0};
  assert_int_equal(glue_update_catalog_policy(f->glue, give_up, &e, MAX_ATTEMPTS, &f->err),
                   GF_INTERNAL_SERVICE);
  assert_int_equal(e.runs, 1);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 0);
  assert_null(stored_policy(f->glue));

  put_policy(f, AUDIT_POLICY);
  gf_calls_clear(f->calls);
  gf_error_clear(&f->err);
  assert_int_equal(glue_update_catalog_policy(f->glue, give_up, &e, MAX_ATTEMPTS, &f->err),
                   GF_INTERNAL_SERVICE);
  assert_int_equal(e.runs, 2);
  assert_gf_called(f->calls, GF_OP_PUT_RESOURCE_POLICY, 0);
  assert_stored_policy(f->glue, AUDIT_POLICY);
}

/* ... and err tells the same story as the status returned (gluefake's
 * convention, client.h: on failure err receives the status).  With no
 * policy, the read's EntityNotFound must not be what err still says. */
static void test_policy_edit_giving_up_sets_err(void **state)
{
  fx *f = *state;
  edit_ctx e = {0};
  gf_status status = glue_update_catalog_policy(f->glue, give_up, &e, MAX_ATTEMPTS, &f->err);
  assert_int_equal(status, GF_INTERNAL_SERVICE);
  assert_int_equal(f->err.status, status);
}

/* ==== fault sweeps: every failure point, every ambiguous error ====================== */

/* ensure "etl" exists (optionally: already there from an earlier run). */
static int ensure_run(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return glue_ensure_security_configuration(gf_fake_backend(fake), &WANT, MAX_ATTEMPTS, NULL) ==
                 GF_OK
             ? 0
             : -1;
}

static int etl_exists_once(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return has_kms_configuration(gf_fake_backend(fake), "etl") &&
                 gf_fake_security_configuration_count(fake) == 1
             ? 0
             : -1;
}

static int setup_clock(gf_fake *fake)
{
  return gf_fake_set_clock(fake, BASE_TIME, 1, NULL) == GF_OK ? 0 : -1;
}

static int setup_empty(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return setup_clock(fake);
}

static int setup_etl_exists(gf_fake *fake, void *ctx)
{
  (void)ctx;
  if (setup_clock(fake) != 0)
    return -1;
  return gf_create_security_configuration(gf_fake_backend(fake), &WANT, NULL, NULL) == GF_OK ? 0
                                                                                            : -1;
}

static int setup_audit_policy(gf_fake *fake, void *ctx)
{
  (void)ctx;
  if (setup_clock(fake) != 0)
    return -1;
  gf_put_resource_policy_request put = {AUDIT_POLICY, NULL, NULL, NULL, NULL};
  return gf_put_resource_policy(gf_fake_backend(fake), &put, NULL, NULL) == GF_OK ? 0 : -1;
}

/* update the catalog policy */
static int update_run(gf_fake *fake, void *ctx)
{
  return glue_update_catalog_policy(gf_fake_backend(fake), add_etl_statement, ctx, MAX_ATTEMPTS,
                                    NULL) == GF_OK
             ? 0
             : -1;
}

static int policy_is(gf_fake *fake, const char *expected)
{
  char *doc = stored_policy(gf_fake_backend(fake));
  int same = doc && strcmp(doc, expected) == 0;
  free(doc);
  return same ? 0 : -1;
}

static int policy_is_etl(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return policy_is(fake, ETL_POLICY);
}

static int policy_is_audit_etl(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return policy_is(fake, AUDIT_ETL_POLICY);
}

typedef struct sweep_case {
  const char *what;
  gf_sweep_scenario scenario;
  size_t points; /* calls of a run without faults */
} sweep_case;

/* The robust module survives every injection point of every scenario, for
 * OperationTimeout and InternalService, plain (the call did not happen)
 * and applied (it happened, the caller was told otherwise). */
static void test_sweep_robust_client_survives(void **state)
{
  fx *f = *state;
  edit_ctx e = {0};
  const sweep_case cases[] = {
      /* Create */
      {"ensure: new configuration", {setup_empty, ensure_run, etl_exists_once, NULL}, 1},
      /* Create (AlreadyExists), Get */
      {"ensure: already there", {setup_etl_exists, ensure_run, etl_exists_once, NULL}, 2},
      /* Get (EntityNotFound), Put NOT_EXIST */
      {"update policy: none yet", {setup_empty, update_run, policy_is_etl, &e}, 2},
      /* Get, Put with hash */
      {"update policy: existing", {setup_audit_policy, update_run, policy_is_audit_etl, &e}, 2},
  };
  static const gf_status errors[] = {GF_OPERATION_TIMEOUT, GF_INTERNAL_SERVICE};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
    for (size_t i = 0; i < 2; i++)
      for (int applied = 0; applied <= 1; applied++) {
        gf_sweep_options options = {GF_SWEEP_OPTIONS_VERSION, errors[i], applied, 0};
        assert_gf_ok(gf_sweep(&cases[c].scenario, &options, &f->report, &f->err), &f->err);
        if (f->report.failures || f->report.count != cases[c].points) {
          print_error("%s, %s%s%s:\n", cases[c].what, applied ? "applied(" : "",
                      gf_status_name(errors[i]), applied ? ")" : "");
          gf_sweep_report_print(&f->report, stderr);
        }
        assert_gf_sweep_survived(&f->report);
        assert_int_equal(f->report.count, cases[c].points);
        for (size_t p = 0; p < f->report.count; p++)
          assert_int_equal(f->report.points[p].call, p + 1);
        gf_sweep_report_clear(&f->report);
      }
}

/* -- what not to write: the same scenarios without retries -- */

static int fragile_ensure_run(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return gf_create_security_configuration(gf_fake_backend(fake), &WANT, NULL, NULL) == GF_OK ? 0
                                                                                            : -1;
}

/* One read, one conditional put, no retry. */
static int fragile_update_run(gf_fake *fake, void *ctx)
{
  gf_backend *glue = gf_fake_backend(fake);
  gf_get_resource_policy_response *current = NULL;
  if (gf_get_resource_policy(glue, NULL, &current, NULL) != GF_OK)
    return -1;
  char *doc = add_etl_statement(current->policy_in_json, ctx);
  gf_put_resource_policy_request put = {doc, current->policy_hash, NULL, NULL, NULL};
  gf_status status = doc ? gf_put_resource_policy(glue, &put, NULL, NULL) : GF_INTERNAL_SERVICE;
  free(doc);
  gf_get_resource_policy_response_free(current);
  return status == GF_OK ? 0 : -1;
}

/* The same sweeps show a client without retries failing at every call. */
static void test_sweep_shows_fragile_client_failing(void **state)
{
  fx *f = *state;
  edit_ctx e = {0};
  gf_sweep_scenario ensure = {setup_empty, fragile_ensure_run, etl_exists_once, NULL};
  gf_sweep_scenario update = {setup_audit_policy, fragile_update_run, policy_is_audit_etl, &e};
  static const gf_status errors[] = {GF_OPERATION_TIMEOUT, GF_INTERNAL_SERVICE};

  for (size_t i = 0; i < 2; i++)
    for (int applied = 0; applied <= 1; applied++) {
      gf_sweep_options options = {GF_SWEEP_OPTIONS_VERSION, errors[i], applied, 0};

      assert_gf_ok(gf_sweep(&ensure, &options, &f->report, &f->err), &f->err);
      assert_int_equal(f->report.count, 1);
      assert_int_equal(f->report.failures, 1);
      assert_int_equal(f->report.points[0].call, 1);
      assert_int_equal(f->report.points[0].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
      assert_false(f->report.points[0].survived);
      assert_true(f->report.clean_run_survived); /* it works when nothing fails */
      assert_true(f->report.complete);
      gf_sweep_report_clear(&f->report);

      assert_gf_ok(gf_sweep(&update, &options, &f->report, &f->err), &f->err);
      assert_int_equal(f->report.count, 2);
      assert_int_equal(f->report.failures, 2);
      assert_int_equal(f->report.points[0].call, 1);
      assert_int_equal(f->report.points[0].op, GF_OP_GET_RESOURCE_POLICY);
      assert_false(f->report.points[0].survived);
      assert_int_equal(f->report.points[1].call, 2);
      assert_int_equal(f->report.points[1].op, GF_OP_PUT_RESOURCE_POLICY);
      assert_false(f->report.points[1].survived);
      assert_true(f->report.clean_run_survived);
      assert_true(f->report.complete);
      gf_sweep_report_clear(&f->report);
    }
}

/* ---- main ------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_ensure_creates_missing_configuration),
      T(test_ensure_accepts_identical_existing),
      T(test_ensure_rejects_different_existing),
      T(test_ensure_retries_timeouts),
      T(test_ensure_retries_internal_service),
      T(test_ensure_gives_up_after_max_attempts),
      T(test_ensure_applied_timeout_then_already_exists),
      T(test_ensure_invalid_input_not_retried),
      T(test_ensure_limit_not_retried),
      T(test_policy_created_when_none),
      T(test_policy_updated_with_hash_read),
      T(test_policy_already_edited),
      T(test_policy_retries_after_conflict),
      T(test_policy_concurrent_update),
      T(test_policy_concurrent_create),
      T(test_policy_persistent_conflict_gives_up),
      T(test_policy_applied_timeout_on_put),
      T(test_policy_retries_timed_out_read),
      T(test_policy_edit_giving_up),
      T(test_policy_edit_giving_up_sets_err),
      T(test_sweep_robust_client_survives),
      T(test_sweep_shows_fragile_client_failing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
