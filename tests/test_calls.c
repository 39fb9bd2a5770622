/*
 * test_calls.c - call inspection and fault sweeps: the call log of a fake
 * (gluefake/calls.h), a recorder around any backend, the cmocka helpers of
 * gluefake/cmocka.h (their failure paths run in a child process), a log
 * shared by many threads, and gf_sweep() (gluefake/sweep.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gluefake.h"
#include "gluefake/cmocka.h"
#include "gluefake/sys/backend.h"
#include "helpers.h"

#define BASE_TIME FIXED_T0
#define KMS_ARN "arn:aws:kms:us-east-1:123456789012:key/abc"

/* ---- fixture --------------------------------------------------------------- */

/* Everything a test may leave allocated when an assertion fails is in the
 * fixture, so that teardown frees it (this matters for the child tests,
 * which fail on purpose and must not leak under ASan). */
typedef struct fx {
  gf_fake *fake;
  gf_backend *glue;
  gf_recorder *calls;
  gf_error err;
  gf_sweep_report report;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  f->fake = fixed_fake(NULL, &f->err);
  if (!f->fake) {
    gf_error_clear(&f->err);
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

/* ---- helpers ---------------------------------------------------------------- */

static const gf_s3_encryption S3_KMS[] = {{GF_MODE_SSE_KMS, KMS_ARN}};
static const gf_encryption_configuration ENC_KMS = {S3_KMS, 1, NULL, NULL, NULL};

static gf_status create_config(gf_backend *glue, const char *name, gf_error *err)
{
  gf_create_security_configuration_request req = {name, &ENC_KMS};
  return gf_create_security_configuration(glue, &req, NULL, err);
}

static gf_status get_config(gf_backend *glue, const char *name, gf_error *err)
{
  gf_get_security_configuration_request req = {name};
  return gf_get_security_configuration(glue, &req, NULL, err);
}

static gf_status delete_config(gf_backend *glue, const char *name, gf_error *err)
{
  gf_delete_security_configuration_request req = {name};
  return gf_delete_security_configuration(glue, &req, NULL, err);
}

static const gf_create_security_configuration_request *create_req(const gf_call_record *r)
{
  return r->request;
}

/* ==== the call log of a fake ================================================= */

/* Every call is logged in call order with its operation, status, response
 * (success) or message (failure). */
static void test_log_holds_calls_in_order(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "a", &f->err), &f->err);
  assert_gf_ok(get_config(f->glue, "a", &f->err), &f->err);
  assert_gf_status(get_config(f->glue, "missing", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_gf_ok(delete_config(f->glue, "a", &f->err), &f->err);

  assert_int_equal(gf_calls_count(f->calls), 4);
  gf_call_record r;
  static const gf_operation ops[] = {GF_OP_CREATE_SECURITY_CONFIGURATION,
                                     GF_OP_GET_SECURITY_CONFIGURATION,
                                     GF_OP_GET_SECURITY_CONFIGURATION,
                                     GF_OP_DELETE_SECURITY_CONFIGURATION};
  static const gf_status statuses[] = {GF_OK, GF_OK, GF_ENTITY_NOT_FOUND, GF_OK};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(gf_calls_get(f->calls, i, &r), 0);
    assert_int_equal(r.op, ops[i]);
    assert_int_equal(r.status, statuses[i]);
    assert_non_null(r.request);
    if (r.status == GF_OK) {
      assert_non_null(r.response);
      assert_null(r.message);
    } else {
      assert_null(r.response);
      assert_non_null(r.message);
    }
  }

  /* the create: request and response */
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_string_equal(create_req(&r)->name, "a");
  const gf_create_security_configuration_response *created = r.response;
  assert_string_equal(created->name, "a");
  assert_true(created->has_created_timestamp);
  assert_true(created->created_timestamp == BASE_TIME);

  /* the failed get: its message is AWS's */
  assert_int_equal(gf_calls_get(f->calls, 2, &r), 0);
  assert_string_equal(((const gf_get_security_configuration_request *)r.request)->name,
                      "missing");
  assert_string_equal(r.message, "Security configuration 'missing' not found");
  assert_string_equal(r.message, gf_error_message(&f->err));
}

/* The logged request is a deep copy: changing or freeing the caller's
 * request afterwards does not change the log. */
static void test_log_request_is_deep_copy(void **state)
{
  fx *f = *state;
  char *name = strdup("deep");
  char *mode = strdup(GF_MODE_SSE_KMS);
  char *arn = strdup(KMS_ARN);
  gf_s3_encryption *s3 = malloc(sizeof *s3);
  gf_encryption_configuration *enc = calloc(1, sizeof *enc);
  gf_create_security_configuration_request *req = malloc(sizeof *req);
  assert_true(name && mode && arn && s3 && enc && req);
  s3->s3_encryption_mode = mode;
  s3->kms_key_arn = arn;
  enc->s3_encryption = s3;
  enc->s3_encryption_count = 1;
  req->name = name;
  req->encryption_configuration = enc;

  assert_gf_ok(gf_create_security_configuration(f->glue, req, NULL, &f->err), &f->err);

  /* scribble over the caller's request, then free it */
  memset(name, 'X', strlen(name));
  memset(arn, 'Y', strlen(arn));
  s3->s3_encryption_mode = "DISABLED";
  enc->s3_encryption_count = 0;
  req->name = "other";
  free(name);
  free(mode);
  free(arn);
  free(s3);
  free(enc);
  free(req);

  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  const gf_create_security_configuration_request *logged = create_req(&r);
  assert_string_equal(logged->name, "deep");
  assert_non_null(logged->encryption_configuration);
  assert_int_equal(logged->encryption_configuration->s3_encryption_count, 1);
  assert_string_equal(logged->encryption_configuration->s3_encryption[0].s3_encryption_mode,
                      GF_MODE_SSE_KMS);
  assert_string_equal(logged->encryption_configuration->s3_encryption[0].kms_key_arn, KMS_ARN);
  assert_null(logged->encryption_configuration->cloud_watch_encryption);
  assert_null(logged->encryption_configuration->job_bookmarks_encryption);
}

/* The logged response is a deep copy: the caller frees its own response and
 * the log still holds the values. */
static void test_log_response_is_deep_copy(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "resp", &f->err), &f->err);
  gf_get_security_configuration_request get = {"resp"};
  gf_get_security_configuration_response *out = NULL;
  assert_gf_ok(gf_get_security_configuration(f->glue, &get, &out, &f->err), &f->err);
  assert_non_null(out);

  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 1, &r), 0);
  assert_ptr_not_equal(r.response, out);
  gf_get_security_configuration_response_free(out);

  const gf_get_security_configuration_response *logged = r.response;
  assert_non_null(logged->security_configuration);
  assert_string_equal(logged->security_configuration->name, "resp");
  assert_true(logged->security_configuration->has_created_time_stamp);
  assert_true(logged->security_configuration->created_time_stamp == BASE_TIME);
  const gf_encryption_configuration *enc = logged->security_configuration->encryption_configuration;
  assert_non_null(enc);
  assert_int_equal(enc->s3_encryption_count, 1);
  assert_string_equal(enc->s3_encryption[0].kms_key_arn, KMS_ARN);
}

/* gf_calls_get with an index past the end is -1 (and so is an empty log). */
static void test_calls_get_out_of_range(void **state)
{
  fx *f = *state;
  gf_call_record r;
  assert_int_equal(gf_calls_count(f->calls), 0);
  assert_int_equal(gf_calls_get(f->calls, 0, &r), -1);
  assert_gf_ok(create_config(f->glue, "a", &f->err), &f->err);
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_int_equal(gf_calls_get(f->calls, 1, &r), -1);
  assert_int_equal(gf_calls_get(f->calls, SIZE_MAX, &r), -1);
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, &r), -1);
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 0, &r), -1);
}

/* gf_calls_count_op counts one operation; gf_calls_get_op reads its n-th
 * call, skipping the other operations. */
static void test_calls_per_operation(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "c0", &f->err), &f->err);
  assert_gf_ok(get_config(f->glue, "c0", &f->err), &f->err);
  assert_gf_ok(create_config(f->glue, "c1", &f->err), &f->err);
  assert_gf_status(get_config(f->glue, "nope", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_gf_ok(create_config(f->glue, "c2", &f->err), &f->err);
  assert_gf_status(create_config(f->glue, "c1", &f->err), GF_ALREADY_EXISTS, &f->err);

  assert_int_equal(gf_calls_count(f->calls), 6);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION), 4);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), 2);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_DELETE_SECURITY_CONFIGURATION), 0);

  gf_call_record r;
  static const char *const created[] = {"c0", "c1", "c2", "c1"};
  for (size_t n = 0; n < 4; n++) {
    assert_int_equal(gf_calls_get_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, n, &r), 0);
    assert_int_equal(r.op, GF_OP_CREATE_SECURITY_CONFIGURATION);
    assert_string_equal(create_req(&r)->name, created[n]);
  }
  assert_int_equal(r.status, GF_ALREADY_EXISTS);
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 1, &r), 0);
  assert_int_equal(r.status, GF_ENTITY_NOT_FOUND);
  assert_string_equal(((const gf_get_security_configuration_request *)r.request)->name, "nope");

  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 4);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 3, GF_ALREADY_EXISTS);

  /* an operation out of range counts nothing and has no n-th call */
  assert_int_equal(gf_calls_count_op(f->calls, GF_OPERATION_COUNT), 0);
  assert_int_equal(gf_calls_count_op(f->calls, (gf_operation)-1), 0);
  assert_int_not_equal(gf_calls_get_op(f->calls, GF_OPERATION_COUNT, 0, &r), 0);
  /* and a NULL recorder has no backend */
  assert_null(gf_recorder_backend(NULL));
}

/* gf_calls_clear empties the log and every count; later calls are logged
 * from index 0 again. */
static void test_calls_clear(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "a", &f->err), &f->err);
  assert_gf_ok(get_config(f->glue, "a", &f->err), &f->err);
  gf_calls_clear(f->calls);
  assert_int_equal(gf_calls_count(f->calls), 0);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION), 0);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), 0);
  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 0, &r), -1);

  assert_gf_ok(delete_config(f->glue, "a", &f->err), &f->err);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_int_equal(r.op, GF_OP_DELETE_SECURITY_CONFIGURATION);
  assert_int_equal(gf_calls_get(f->calls, 1, &r), -1);
  gf_calls_clear(f->calls);
  gf_calls_clear(f->calls); /* clearing an empty log is fine */
  assert_int_equal(gf_calls_count(f->calls), 0);
}

/* A bounded log keeps the newest calls in order, drops the oldest, counts
 * what it dropped, and grows again when the bound is lifted. */
static void test_calls_bounded(void **state)
{
  fx *f = *state;
  char name[32];
  gf_call_record r;
  gf_calls_set_max(f->calls, 3);
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "c%d", i);
    assert_gf_ok(create_config(f->glue, name, &f->err), &f->err);
  }
  assert_int_equal(get_config(f->glue, "missing", &f->err), GF_ENTITY_NOT_FOUND);
  /* c3, c4 and the failed get are kept; c0..c2 dropped. */
  assert_int_equal(gf_calls_count(f->calls), 3);
  assert_int_equal(gf_calls_dropped(f->calls), 3);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION), 2);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), 1);
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_string_equal(create_req(&r)->name, "c3");
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, &r), 0);
  assert_string_equal(create_req(&r)->name, "c4");
  assert_int_equal(gf_calls_get(f->calls, 2, &r), 0);
  assert_int_equal(r.status, GF_ENTITY_NOT_FOUND);
  assert_int_equal(gf_calls_get(f->calls, 3, &r), -1);
  char *text = gf_calls_transcript(f->calls);
  assert_non_null(text);
  assert_not_contains(text, "\"c2\"");
  assert_contains(text, "\"c3\"");
  gf_buffer_free(text);

  /* A lower bound drops at once; 0 keeps nothing and counts every call. */
  gf_calls_set_max(f->calls, 1);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_int_equal(gf_calls_dropped(f->calls), 5);
  gf_calls_set_max(f->calls, 0);
  assert_int_equal(gf_calls_count(f->calls), 0);
  assert_gf_ok(get_config(f->glue, "c4", &f->err), &f->err);
  assert_int_equal(gf_calls_count(f->calls), 0);
  assert_int_equal(gf_calls_dropped(f->calls), 7);
  gf_calls_clear(f->calls);
  assert_int_equal(gf_calls_dropped(f->calls), 0);

  /* Round the ring many times, then lift the bound: the order holds. */
  gf_calls_set_max(f->calls, 100);
  for (int i = 0; i < 250; i++) {
    snprintf(name, sizeof name, "r%d", i);
    get_config(f->glue, name, &f->err);
  }
  gf_calls_set_max(f->calls, SIZE_MAX);
  for (int i = 250; i < 450; i++) {
    snprintf(name, sizeof name, "r%d", i);
    get_config(f->glue, name, &f->err);
  }
  assert_int_equal(gf_calls_count(f->calls), 300);
  assert_int_equal(gf_calls_dropped(f->calls), 150);
  for (size_t i = 0; i < 300; i++) {
    assert_int_equal(gf_calls_get(f->calls, i, &r), 0);
    snprintf(name, sizeof name, "r%zu", i + 150);
    assert_string_equal(((const gf_get_security_configuration_request *)r.request)->name, name);
  }
}

/* Writing the log out takes a snapshot and lets calls go on meanwhile, the
 * bound dropping records the snapshot still holds. */
typedef struct churn {
  gf_backend *glue;
  atomic_int stop;
} churn;

static void *churn_calls(void *arg)
{
  churn *c = arg;
  char name[32];
  for (int i = 0; !atomic_load(&c->stop); i++) {
    snprintf(name, sizeof name, "n%d", i % 100);
    gf_get_security_configuration_request req = {name};
    gf_get_security_configuration(c->glue, &req, NULL, NULL);
  }
  return NULL;
}

static void test_calls_written_while_calls_go_on(void **state)
{
  fx *f = *state;
  gf_calls_set_max(f->calls, 50);
  churn c = {f->glue, 0};
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, churn_calls, &c), 0);
  /* Until the bound has dropped calls while transcripts were written. */
  for (int i = 0; i < 200 || gf_calls_dropped(f->calls) == 0; i++) {
    char *text = gf_calls_transcript(f->calls);
    assert_non_null(text);
    cJSON *json = cJSON_Parse(text);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(json, "transcript")) <= 50);
    cJSON_Delete(json);
    gf_buffer_free(text);
  }
  atomic_store(&c.stop, 1);
  pthread_join(thread, NULL);
  assert_true(gf_calls_dropped(f->calls) > 0);
}

/* The log holds what the client saw, injected faults included. */
static void test_log_records_injected_fault(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "x", &f->err), &f->err);
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake), "GetSecurityConfiguration=1*OperationTimeout",
                             &f->err),
               &f->err);
  assert_gf_status(get_config(f->glue, "x", &f->err), GF_OPERATION_TIMEOUT, &f->err);
  assert_gf_ok(get_config(f->glue, "x", &f->err), &f->err); /* the rule is used up */

  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), 2);
  gf_call_record r;
  assert_int_equal(gf_calls_get_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 0, &r), 0);
  assert_int_equal(r.status, GF_OPERATION_TIMEOUT);
  assert_null(r.response);
  assert_non_null(r.message);
  assert_string_equal(r.message, gf_error_message(&f->err));
  assert_string_equal(((const gf_get_security_configuration_request *)r.request)->name, "x");
  assert_gf_nth_call_status(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 0, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 1, GF_OK);
}

/* The message an injected fault carries is logged as the client saw it,
 * including a custom MESSAGE from the spec. */
static void test_log_records_injected_message(void **state)
{
  fx *f = *state;
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake),
                             "CreateSecurityConfiguration=1*InternalService(disk on fire)", &f->err),
               &f->err);
  assert_gf_status(create_config(f->glue, "x", &f->err), GF_INTERNAL_SERVICE, &f->err);
  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_int_equal(r.status, GF_INTERNAL_SERVICE);
  assert_string_equal(r.message, "disk on fire");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
}

/* A NULL request is logged as a request with every member absent. */
static void test_log_null_request(void **state)
{
  fx *f = *state;
  assert_gf_ok(gf_get_security_configurations(f->glue, NULL, NULL, &f->err), &f->err);
  assert_gf_status(gf_get_resource_policy(f->glue, NULL, NULL, &f->err), GF_ENTITY_NOT_FOUND,
                   &f->err);
  assert_gf_ok(gf_get_data_catalog_encryption_settings(f->glue, NULL, NULL, &f->err), &f->err);

  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_int_equal(r.op, GF_OP_GET_SECURITY_CONFIGURATIONS);
  const gf_get_security_configurations_request *list = r.request;
  assert_non_null(list);
  assert_false(list->has_max_results);
  assert_null(list->next_token);

  assert_int_equal(gf_calls_get(f->calls, 1, &r), 0);
  assert_int_equal(r.op, GF_OP_GET_RESOURCE_POLICY);
  assert_non_null(r.request);
  assert_null(((const gf_get_resource_policy_request *)r.request)->resource_arn);
  assert_int_equal(r.status, GF_ENTITY_NOT_FOUND);

  assert_int_equal(gf_calls_get(f->calls, 2, &r), 0);
  assert_non_null(r.request);
  assert_null(((const gf_get_data_catalog_encryption_settings_request *)r.request)->catalog_id);
  const gf_get_data_catalog_encryption_settings_response *settings = r.response;
  assert_non_null(settings);
  assert_non_null(settings->data_catalog_encryption_settings);
  assert_string_equal(
      settings->data_catalog_encryption_settings->encryption_at_rest->catalog_encryption_mode,
      GF_MODE_DISABLED);
}

/* A call with out == NULL (response discarded) is still logged, response
 * included; so is a call with err == NULL that fails. */
static void test_log_out_null_keeps_response(void **state)
{
  fx *f = *state;
  gf_create_security_configuration_request req = {"quiet", &ENC_KMS};
  assert_gf_ok(gf_create_security_configuration(f->glue, &req, NULL, NULL), NULL);
  assert_gf_status(gf_create_security_configuration(f->glue, &req, NULL, NULL), GF_ALREADY_EXISTS,
                   NULL);

  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 0, &r), 0);
  assert_int_equal(r.status, GF_OK);
  const gf_create_security_configuration_response *resp = r.response;
  assert_non_null(resp);
  assert_string_equal(resp->name, "quiet");
  assert_true(resp->created_timestamp == BASE_TIME);

  assert_int_equal(gf_calls_get(f->calls, 1, &r), 0);
  assert_int_equal(r.status, GF_ALREADY_EXISTS);
  assert_string_equal(r.message, "Security configuration 'quiet' already exists");
}

/* gf_recorder_set_enabled(rec, 0) stops logging; the calls still pass
 * through and take effect.  Turned back on, logging resumes. */
static void test_recorder_disabled(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "before", &f->err), &f->err);
  gf_recorder_set_enabled(f->calls, 0);
  assert_gf_ok(create_config(f->glue, "while-off", &f->err), &f->err);
  assert_gf_status(get_config(f->glue, "nope", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_int_equal(gf_calls_count(f->calls), 1);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), 0);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  gf_recorder_set_enabled(f->calls, 1);
  assert_gf_ok(get_config(f->glue, "while-off", &f->err), &f->err);
  assert_int_equal(gf_calls_count(f->calls), 2);
  gf_call_record r;
  assert_int_equal(gf_calls_get(f->calls, 1, &r), 0);
  assert_int_equal(r.op, GF_OP_GET_SECURITY_CONFIGURATION);
  assert_string_equal(((const gf_get_security_configuration_request *)r.request)->name,
                      "while-off");
}

/* gf_fake_reset clears the call log (with the store and the fault rules). */
static void test_fake_reset_clears_log(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "a", &f->err), &f->err);
  assert_gf_ok(get_config(f->glue, "a", &f->err), &f->err);
  gf_fake_reset(f->fake);
  assert_int_equal(gf_calls_count(f->calls), 0);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION), 0);
  assert_ptr_equal(gf_fake_calls(f->fake), f->calls);
  assert_gf_status(get_config(f->glue, "a", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_int_equal(gf_calls_count(f->calls), 1);
}

/* ==== a recorder around any backend ========================================== */

/* A backend of our own: implements two operations, counts its calls. */
typedef struct counting_backend {
  gf_backend parent; /* first */
  int gets, deletes;
} counting_backend;

static gf_status counting_get(gf_backend *self, const gf_get_security_configuration_request *req,
                              gf_get_security_configuration_response **out, gf_error *err)
{
  (void)out;
  counting_backend *b = (counting_backend *)self;
  b->gets++;
  return gf_error_set(err, GF_ENTITY_NOT_FOUND, "no such thing as '%s' here",
                      req->name ? req->name : "(null)");
}

static gf_status counting_delete(gf_backend *self,
                                 const gf_delete_security_configuration_request *req,
                                 gf_delete_security_configuration_response **out, gf_error *err)
{
  (void)req;
  (void)err;
  counting_backend *b = (counting_backend *)self;
  b->deletes++;
  *out = calloc(1, sizeof **out); /* the default allocator is malloc's */
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory");
}

/* gf_recorder_new over a custom backend logs its calls, including a call of
 * an operation the backend does not implement (GF_INTERNAL_SERVICE). */
static void test_recorder_over_custom_backend(void **state)
{
  fx *f = *state;
  counting_backend custom = {GF_BACKEND_INIT, 0, 0};
  custom.parent.get_security_configuration = counting_get;
  custom.parent.delete_security_configuration = counting_delete;

  gf_recorder *rec = gf_recorder_new(&custom.parent, &f->err);
  assert_non_null(rec);
  gf_backend *glue = gf_recorder_backend(rec);
  assert_non_null(glue);

  assert_gf_status(get_config(glue, "g", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_string_equal(gf_error_message(&f->err), "no such thing as 'g' here");
  assert_gf_ok(delete_config(glue, "d", &f->err), &f->err);
  assert_gf_status(create_config(glue, "c", &f->err), GF_INTERNAL_SERVICE, &f->err);
  assert_int_equal(custom.gets, 1);
  assert_int_equal(custom.deletes, 1);

  assert_int_equal(gf_calls_count(rec), 3);
  gf_call_record r;
  assert_int_equal(gf_calls_get(rec, 0, &r), 0);
  assert_int_equal(r.op, GF_OP_GET_SECURITY_CONFIGURATION);
  assert_int_equal(r.status, GF_ENTITY_NOT_FOUND);
  assert_string_equal(r.message, "no such thing as 'g' here");
  assert_null(r.response);
  assert_int_equal(gf_calls_get(rec, 1, &r), 0);
  assert_int_equal(r.op, GF_OP_DELETE_SECURITY_CONFIGURATION);
  assert_int_equal(r.status, GF_OK);
  assert_non_null(r.response);
  assert_string_equal(((const gf_delete_security_configuration_request *)r.request)->name, "d");
  assert_int_equal(gf_calls_get(rec, 2, &r), 0);
  assert_int_equal(r.op, GF_OP_CREATE_SECURITY_CONFIGURATION);
  assert_int_equal(r.status, GF_INTERNAL_SERVICE);
  assert_non_null(r.message);

  /* the fake's own log saw none of this */
  assert_int_equal(gf_calls_count(f->calls), 0);
  gf_backend_free(glue); /* = gf_recorder_free(rec); the custom backend is ours */
  assert_int_equal(custom.gets, 1);
}

/* A hand-built stack: recorder -> fault injector -> fake.  The recorder logs
 * what the client saw (injected faults included).  Freed outside-in; none
 * frees the backend it wraps. */
static void test_recorder_over_injector_over_fake(void **state)
{
  fx *f = *state;
  gf_faults *faults = gf_faults_new(gf_fake_backend(f->fake), &f->err);
  assert_non_null(faults);
  gf_recorder *rec = gf_recorder_new(gf_faults_backend(faults), &f->err);
  assert_non_null(rec);
  gf_backend *glue = gf_recorder_backend(rec);

  assert_gf_ok(gf_faults_set(faults, "CreateSecurityConfiguration=1*off->1*OperationTimeout",
                             &f->err),
               &f->err);
  assert_gf_ok(create_config(glue, "one", &f->err), &f->err);
  assert_gf_status(create_config(glue, "two", &f->err), GF_OPERATION_TIMEOUT, &f->err);
  assert_gf_ok(create_config(glue, "two", &f->err), &f->err);

  /* the outer recorder saw the injected timeout */
  assert_int_equal(gf_calls_count(rec), 3);
  assert_gf_nth_call_status(rec, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_OK);
  assert_gf_nth_call_status(rec, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(rec, GF_OP_CREATE_SECURITY_CONFIGURATION, 2, GF_OK);
  /* the fake's own log, below the injector, saw only what reached it */
  assert_int_equal(gf_calls_count(f->calls), 2);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_OK);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OK);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  gf_recorder_free(rec);
  gf_faults_free(faults);
  /* the fake is intact and still usable; teardown frees it */
  assert_gf_ok(get_config(f->glue, "two", &f->err), &f->err);
  gf_recorder_free(NULL);
  gf_faults_free(NULL);
}

/* The same stack built from a fresh fake of its own, freed recorder,
 * injector, fake - and valgrind finds nothing. */
static void test_stack_free_order(void **state)
{
  fx *f = *state;
  gf_fake *fake = test_fake_new(NULL, &f->err);
  assert_non_null(fake);
  gf_faults *faults = gf_faults_new(gf_fake_backend(fake), &f->err);
  assert_non_null(faults);
  gf_recorder *rec = gf_recorder_new(gf_faults_backend(faults), &f->err);
  assert_non_null(rec);
  assert_gf_ok(create_config(gf_recorder_backend(rec), "s", &f->err), &f->err);
  assert_int_equal(gf_calls_count(rec), 1);
  gf_recorder_free(rec);
  gf_faults_free(faults);
  assert_int_equal(gf_fake_security_configuration_count(fake), 1);
  gf_fake_free(fake);
}

/* ==== the cmocka helpers ====================================================== */

/* Their success paths: nothing printed, the test goes on. */
static void test_cmocka_helpers_pass(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "x", &f->err), &f->err);
  assert_gf_ok(GF_OK, NULL);
  assert_gf_status(get_config(f->glue, "y", &f->err), GF_ENTITY_NOT_FOUND, &f->err);
  assert_gf_status(GF_OK, GF_OK, NULL);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1);
  assert_gf_called(f->calls, GF_OP_DELETE_SECURITY_CONFIGURATION, 0);
  assert_gf_nth_call_status(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_OK);
  assert_gf_nth_call_status(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 0, GF_ENTITY_NOT_FOUND);

  gf_sweep_report clean = {NULL, 0, 0, 1, 1};
  assert_gf_sweep_survived(&clean);
  gf_sweep_point points[2] = {{1, GF_OP_CREATE_SECURITY_CONFIGURATION, 1},
                              {2, GF_OP_GET_SECURITY_CONFIGURATION, 1}};
  gf_sweep_report all_survived = {points, 2, 0, 1, 1};
  assert_gf_sweep_survived(&all_survived);
}

/*
 * The failure paths run in a child process: this binary, run again as
 * `test_calls --child NAME`, runs the one test NAME (below) in its own
 * cmocka_run_group_tests; its stdout and stderr go to a pipe that the
 * parent reads.  (A failing cmocka assertion longjmps out of the running
 * test, so it cannot be caught in-process; exec'ing keeps valgrind and
 * ASan's leak checks out of the child's way.)
 */
static const char *self_path;

typedef struct child_result {
  int exit_status; /* cmocka's: the number of failed tests; -1 if killed */
  char *output;
} child_result;

static child_result run_child(const char *name)
{
  child_result res = {-1, NULL};
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    unsetenv("CMOCKA_MESSAGE_OUTPUT");
    unsetenv("CMOCKA_XML_FILE");
    unsetenv("CMOCKA_TEST_ABORT");
    execl(self_path, self_path, "--child", name, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  assert_non_null(buf);
  for (;;) {
    if (cap - len < 1024) {
      char *grown = realloc(buf, cap *= 2);
      assert_non_null(grown);
      buf = grown;
    }
    ssize_t n = read(fds[0], buf + len, cap - len - 1);
    if (n <= 0)
      break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  close(fds[0]);
  int st = 0;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  res.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  res.output = buf;
  return res;
}

/* Runs child test `name`, checks that it failed (or passed, `fails` = 0)
 * and that its output holds each of the NULL-terminated strings. */
static void expect_child(const char *name, int fails, ...)
{
  child_result res = run_child(name);
  int ok = res.exit_status == (fails ? 1 : 0);
  va_list ap;
  va_start(ap, fails);
  const char *want;
  const char *missing = NULL;
  while ((want = va_arg(ap, const char *)) != NULL)
    if (!missing && !strstr(res.output, want))
      missing = want;
  va_end(ap);
  if (!ok || missing) {
    print_error("child test %s: exit status %d (expected %d)%s%s%s; its output:\n%s\n", name,
                res.exit_status, fails ? 1 : 0, missing ? ", output lacks \"" : "",
                missing ? missing : "", missing ? "\"" : "", res.output);
    free(res.output);
    fail();
  }
  free(res.output);
}

/* -- the child tests (run only with --child) -- */

static void child_gf_ok_passes(void **state)
{
  fx *f = *state;
  assert_gf_ok(create_config(f->glue, "x", &f->err), &f->err);
}

static void child_gf_ok_fails(void **state)
{
  fx *f = *state;
  assert_gf_ok(get_config(f->glue, "x", &f->err), &f->err);
}

static void child_gf_ok_fails_without_err(void **state)
{
  fx *f = *state;
  assert_gf_ok(get_config(f->glue, "x", NULL), NULL);
}

static void child_gf_status_fails(void **state)
{
  fx *f = *state;
  assert_gf_status(get_config(f->glue, "x", &f->err), GF_ALREADY_EXISTS, &f->err);
}

static void child_gf_status_fails_on_ok(void **state)
{
  fx *f = *state;
  assert_gf_status(create_config(f->glue, "x", &f->err), GF_ALREADY_EXISTS, &f->err);
}

static void child_gf_called_fails(void **state)
{
  fx *f = *state;
  (void)create_config(f->glue, "a", &f->err);
  (void)get_config(f->glue, "x", &f->err);
  assert_gf_called(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 2);
}

static void child_gf_nth_no_such_call(void **state)
{
  fx *f = *state;
  (void)get_config(f->glue, "x", &f->err);
  assert_gf_nth_call_status(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 3, GF_OK);
}

static void child_gf_nth_wrong_status(void **state)
{
  fx *f = *state;
  (void)get_config(f->glue, "x", &f->err);
  assert_gf_nth_call_status(f->calls, GF_OP_GET_SECURITY_CONFIGURATION, 0, GF_OK);
}

static void child_gf_sweep_fails(void **state)
{
  fx *f = *state;
  f->report.points = calloc(2, sizeof *f->report.points);
  assert_non_null(f->report.points);
  f->report.points[0] = (gf_sweep_point){1, GF_OP_GET_SECURITY_CONFIGURATION, 1};
  f->report.points[1] = (gf_sweep_point){2, GF_OP_CREATE_SECURITY_CONFIGURATION, 0};
  f->report.count = 2;
  f->report.failures = 1;
  f->report.clean_run_survived = 1;
  f->report.complete = 1;
  /* gf_sweep_report_clear in teardown frees points with gluefake's
   * allocator, which is malloc's by default */
  assert_gf_sweep_survived(&f->report);
}

static void child_gf_sweep_fails_clean_run(void **state)
{
  fx *f = *state;
  f->report.clean_run_survived = 0;
  f->report.complete = 0;
  assert_gf_sweep_survived(&f->report);
}

static const struct CMUnitTest child_tests[] = {
    cmocka_unit_test_setup_teardown(child_gf_ok_passes, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_ok_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_ok_fails_without_err, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_status_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_status_fails_on_ok, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_called_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_nth_no_such_call, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_nth_wrong_status, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_sweep_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(child_gf_sweep_fails_clean_run, setup, teardown),
};

static int run_child_test(const char *name)
{
  for (size_t i = 0; i < sizeof child_tests / sizeof child_tests[0]; i++)
    if (strcmp(child_tests[i].name, name) == 0) {
      const struct CMUnitTest one[1] = {child_tests[i]};
      cmocka_set_message_output(CM_OUTPUT_STDOUT);
      return cmocka_run_group_tests_name("child", one, NULL, NULL);
    }
  fprintf(stderr, "no child test %s\n", name);
  return 127;
}

/* -- the parent tests -- */

/* The harness itself: a child whose assertion holds passes. */
static void test_cmocka_child_harness(void **state)
{
  (void)state;
  expect_child("child_gf_ok_passes", 0, "[  PASSED  ] 1 test", NULL);
}

/* assert_gf_ok fails the test and prints the AWS error name and message. */
static void test_cmocka_assert_gf_ok_fails(void **state)
{
  (void)state;
  expect_child("child_gf_ok_fails", 1, "[  FAILED  ] child_gf_ok_fails", "EntityNotFoundException",
               "Security configuration 'x' not found", "expected OK", "test_calls.c", NULL);
  /* without an err there is no message to print, but the test still fails */
  expect_child("child_gf_ok_fails_without_err", 1, "[  FAILED  ] child_gf_ok_fails_without_err",
               "EntityNotFoundException", NULL);
}

/* assert_gf_status fails naming what came and what was expected. */
static void test_cmocka_assert_gf_status_fails(void **state)
{
  (void)state;
  expect_child("child_gf_status_fails", 1, "[  FAILED  ]", "EntityNotFoundException",
               "AlreadyExistsException", "Security configuration 'x' not found", NULL);
  expect_child("child_gf_status_fails_on_ok", 1, "[  FAILED  ]", "is OK",
               "AlreadyExistsException", NULL);
}

/* assert_gf_called fails printing the counts and the list of calls. */
static void test_cmocka_assert_gf_called_fails(void **state)
{
  (void)state;
  expect_child("child_gf_called_fails", 1, "[  FAILED  ]",
               "CreateSecurityConfiguration was called 1 time, expected 2",
               "1. CreateSecurityConfiguration -> OK",
               "2. GetSecurityConfiguration -> EntityNotFoundException: Security configuration "
               "'x' not found",
               NULL);
}

/* assert_gf_nth_call_status fails both for a call that does not exist and
 * for a call that ended otherwise, with the AWS error and message. */
static void test_cmocka_assert_gf_nth_call_status_fails(void **state)
{
  (void)state;
  expect_child("child_gf_nth_no_such_call", 1, "[  FAILED  ]",
               "GetSecurityConfiguration has no call number 3", NULL);
  expect_child("child_gf_nth_wrong_status", 1, "[  FAILED  ]", "EntityNotFoundException",
               "Security configuration 'x' not found", "expected OK", NULL);
}

/* assert_gf_sweep_survived fails naming every point not survived, a clean
 * run not survived and a sweep cut short. */
static void test_cmocka_assert_gf_sweep_survived_fails(void **state)
{
  (void)state;
  expect_child("child_gf_sweep_fails", 1, "[  FAILED  ]",
               "fault at call 2 (CreateSecurityConfiguration) was not survived", NULL);
  expect_child("child_gf_sweep_fails_clean_run", 1, "[  FAILED  ]",
               "the run without faults was not survived", "max_calls", NULL);
}

/* ==== many threads, one fake ================================================== */

#define THREADS 4
#define ROUNDS 150

typedef struct worker {
  gf_backend *glue;
  int id;
  int failures;
} worker;

static void *work(void *arg)
{
  worker *w = arg;
  char name[64];
  for (int i = 0; i < ROUNDS; i++) {
    snprintf(name, sizeof name, "t%d-%d", w->id, i);
    if (create_config(w->glue, name, NULL) != GF_OK)
      w->failures++;
    if (get_config(w->glue, name, NULL) != GF_OK)
      w->failures++;
    if (i % 3 == 0 && delete_config(w->glue, name, NULL) != GF_OK)
      w->failures++;
  }
  return NULL;
}

/* Calls from several threads at once are all logged: the total and the
 * per-operation counts add up, and every record is whole. */
static void test_concurrent_calls_are_all_logged(void **state)
{
  fx *f = *state;
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int t = 0; t < THREADS; t++) {
    workers[t] = (worker){f->glue, t, 0};
    assert_int_equal(pthread_create(&threads[t], NULL, work, &workers[t]), 0);
  }
  for (int t = 0; t < THREADS; t++) {
    assert_int_equal(pthread_join(threads[t], NULL), 0);
    assert_int_equal(workers[t].failures, 0);
  }
  size_t deletes = THREADS * ((ROUNDS + 2) / 3);
  size_t creates = THREADS * ROUNDS, gets = THREADS * ROUNDS;
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_CREATE_SECURITY_CONFIGURATION), creates);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_GET_SECURITY_CONFIGURATION), gets);
  assert_int_equal(gf_calls_count_op(f->calls, GF_OP_DELETE_SECURITY_CONFIGURATION), deletes);
  assert_int_equal(gf_calls_count(f->calls), creates + gets + deletes);
  size_t sum = 0;
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    sum += gf_calls_count_op(f->calls, (gf_operation)op);
  assert_int_equal(sum, gf_calls_count(f->calls));
  assert_int_equal(gf_fake_security_configuration_count(f->fake), creates - deletes);

  /* every record is whole, and each thread's create of a name comes before
   * its get of that name */
  gf_call_record r;
  size_t seen = 0;
  for (size_t i = 0; gf_calls_get(f->calls, i, &r) == 0; i++, seen++) {
    assert_int_equal(r.status, GF_OK);
    assert_non_null(r.request);
    assert_non_null(r.response);
  }
  assert_int_equal(seen, creates + gets + deletes);
}

/* ==== fault sweeps ============================================================= */

typedef struct scenario_ctx {
  int setups, runs, checks;
  int log_not_empty_at_run; /* a run that found setup's calls in the log */
} scenario_ctx;

static int fixed_clock(gf_fake *fake)
{
  return gf_fake_set_clock(fake, BASE_TIME, 1, NULL) == GF_OK ? 0 : -1;
}

/* Fragile: creates three configurations and gives up on the first error. */
static int fragile_three_run(gf_fake *fake, void *ctx)
{
  scenario_ctx *c = ctx;
  c->runs++;
  static const char *const names[] = {"one", "two", "three"};
  for (int i = 0; i < 3; i++)
    if (create_config(gf_fake_backend(fake), names[i], NULL) != GF_OK)
      return -1;
  return 0;
}

static int all_three_exist(gf_fake *fake, void *ctx)
{
  scenario_ctx *c = ctx;
  c->checks++;
  static const char *const names[] = {"one", "two", "three"};
  for (int i = 0; i < 3; i++)
    if (get_config(gf_fake_backend(fake), names[i], NULL) != GF_OK)
      return -1;
  return 0;
}

/* A fragile scenario fails at each of its three calls; the report says
 * where, and that the clean run survived. */
static void test_sweep_fragile_scenario(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {NULL, fragile_three_run, all_three_exist, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 3);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(f->report.points[i].call, i + 1);
    assert_int_equal(f->report.points[i].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
    assert_false(f->report.points[i].survived);
  }
  assert_int_equal(f->report.failures, 3);
  assert_int_equal(f->report.clean_run_survived, 1);
  assert_int_equal(f->report.complete, 1);
  assert_int_equal(c.runs, 4); /* three injection points and the clean run */
  assert_int_equal(c.checks, 4);
}

/* Setup: five configurations, logged nowhere. */
static int five_configs_setup(gf_fake *fake, void *ctx)
{
  scenario_ctx *c = ctx;
  c->setups++;
  if (fixed_clock(fake) != 0)
    return -1;
  char name[8];
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "c%d", i);
    if (create_config(gf_fake_backend(fake), name, NULL) != GF_OK)
      return -1;
  }
  return 0;
}

/* Two calls: a get and a delete, giving up on the first error. */
static int get_then_delete_run(gf_fake *fake, void *ctx)
{
  scenario_ctx *c = ctx;
  c->runs++;
  if (gf_calls_count(gf_fake_calls(fake)) != 0)
    c->log_not_empty_at_run++;
  if (get_config(gf_fake_backend(fake), "c0", NULL) != GF_OK)
    return -1;
  return delete_config(gf_fake_backend(fake), "c1", NULL) == GF_OK ? 0 : -1;
}

static int c1_gone_others_there(gf_fake *fake, void *ctx)
{
  scenario_ctx *c = ctx;
  c->checks++;
  gf_backend *glue = gf_fake_backend(fake);
  if (get_config(glue, "c1", NULL) != GF_ENTITY_NOT_FOUND)
    return -1;
  return gf_fake_security_configuration_count(fake) == 4 ? 0 : -1;
}

/* setup()'s calls are not injection points: five creates in setup, two
 * calls in run, two points. */
static void test_sweep_setup_calls_not_counted(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {five_configs_setup, get_then_delete_run, c1_gone_others_there, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_INTERNAL_SERVICE, 0, 0};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 2);
  assert_int_equal(f->report.points[0].call, 1);
  assert_int_equal(f->report.points[0].op, GF_OP_GET_SECURITY_CONFIGURATION);
  assert_int_equal(f->report.points[1].call, 2);
  assert_int_equal(f->report.points[1].op, GF_OP_DELETE_SECURITY_CONFIGURATION);
  assert_int_equal(f->report.failures, 2);
  assert_true(f->report.clean_run_survived);
  assert_true(f->report.complete);
  assert_int_equal(c.setups, 3);
  assert_int_equal(c.runs, 3);
  assert_int_equal(c.log_not_empty_at_run, 0);
}

/* The sweep runs with its own rule alone: a GLUEFAKE_FAULTS in the
 * environment does not make setup fail, nor add faults to the runs. */
static void test_sweep_ignores_environment_faults(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {five_configs_setup, get_then_delete_run, c1_gone_others_there, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_INTERNAL_SERVICE, 0, 0};
  setenv("GLUEFAKE_FAULTS", "*=InternalService", 1);
  gf_status status = gf_sweep(&s, &o, &f->report, &f->err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_gf_ok(status, &f->err);
  assert_int_equal(f->report.count, 2);
  assert_int_equal(f->report.failures, 2);
  assert_true(f->report.clean_run_survived);
  assert_true(f->report.complete);
}

/* Even a GLUEFAKE_FAULTS that does not parse leaves a sweep alone: its
 * fakes never read the environment, so nothing is printed either. */
static void test_sweep_bad_environment_faults(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {NULL, fragile_three_run, NULL, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=Bogus", 1);
  gf_status status = gf_sweep(&s, &o, &f->report, &f->err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_gf_ok(status, &f->err);
  assert_int_equal(f->report.count, 3);
  assert_int_equal(f->report.failures, 3);
  assert_true(f->report.complete);
}

/* Retries a call while it fails with an ambiguous error (timeout, internal
 * error); a create meeting AlreadyExists after one is taken as done. */
static gf_status retrying(gf_backend *glue, gf_operation op, const void *request)
{
  gf_status status = GF_INTERNAL_SERVICE;
  int ambiguous = 0;
  for (int attempt = 0; attempt < 5; attempt++) {
    status = gf_call(glue, op, request, NULL, NULL);
    if (status == GF_ALREADY_EXISTS && ambiguous && op == GF_OP_CREATE_SECURITY_CONFIGURATION)
      return GF_OK;
    if (status != GF_OPERATION_TIMEOUT && status != GF_INTERNAL_SERVICE)
      return status;
    ambiguous = 1;
  }
  return status;
}

/* Robust: four calls, each retried. */
static int robust_run(gf_fake *fake, void *ctx)
{
  (void)ctx;
  gf_backend *glue = gf_fake_backend(fake);
  gf_create_security_configuration_request create = {"robust", &ENC_KMS};
  gf_get_security_configuration_request get = {"robust"};
  if (retrying(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &create) != GF_OK ||
      retrying(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get) != GF_OK ||
      retrying(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL) != GF_OK ||
      retrying(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, NULL) != GF_OK)
    return -1;
  return 0;
}

static int robust_exists_once(gf_fake *fake, void *ctx)
{
  (void)ctx;
  return get_config(gf_fake_backend(fake), "robust", NULL) == GF_OK &&
                 gf_fake_security_configuration_count(fake) == 1
             ? 0
             : -1;
}

/* A scenario that retries every call survives every injection point, with
 * either error, plain or applied. */
static void test_sweep_robust_scenario_survives(void **state)
{
  fx *f = *state;
  gf_sweep_scenario s = {NULL, robust_run, robust_exists_once, NULL};
  static const gf_status errors[] = {GF_OPERATION_TIMEOUT, GF_INTERNAL_SERVICE};
  for (int e = 0; e < 2; e++)
    for (int applied = 0; applied <= 1; applied++) {
      gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, errors[e], applied, 0};
      assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
      assert_gf_sweep_survived(&f->report);
      assert_int_equal(f->report.count, 4);
      assert_int_equal(f->report.points[0].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
      assert_int_equal(f->report.points[1].op, GF_OP_GET_SECURITY_CONFIGURATION);
      assert_int_equal(f->report.points[2].op, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS);
      assert_int_equal(f->report.points[3].op, GF_OP_GET_SECURITY_CONFIGURATIONS);
      gf_sweep_report_clear(&f->report);
    }
}

/* A client that retries a create on timeout; `tolerant` says whether it
 * takes AlreadyExists after a timeout as its own create having happened. */
typedef struct retry_ctx {
  int tolerant;
} retry_ctx;

static gf_status create_retry_on_timeout(gf_backend *glue, const char *name, int tolerant)
{
  int timed_out = 0;
  for (int attempt = 0; attempt < 5; attempt++) {
    gf_status status = create_config(glue, name, NULL);
    if (status == GF_OK || (status == GF_ALREADY_EXISTS && timed_out && tolerant))
      return GF_OK;
    if (status != GF_OPERATION_TIMEOUT)
      return status;
    timed_out = 1;
  }
  return GF_OPERATION_TIMEOUT;
}

/* One read (retried), then two creates. */
static int create_two_run(gf_fake *fake, void *ctx)
{
  retry_ctx *c = ctx;
  gf_backend *glue = gf_fake_backend(fake);
  if (retrying(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL) != GF_OK)
    return -1;
  if (create_retry_on_timeout(glue, "first", c->tolerant) != GF_OK ||
      create_retry_on_timeout(glue, "second", c->tolerant) != GF_OK)
    return -1;
  return 0;
}

static int both_exist(gf_fake *fake, void *ctx)
{
  (void)ctx;
  gf_backend *glue = gf_fake_backend(fake);
  return get_config(glue, "first", NULL) == GF_OK && get_config(glue, "second", NULL) == GF_OK
             ? 0
             : -1;
}

/* options.applied: the timed-out create did happen, so the retry meets
 * AlreadyExists.  A client that takes that as success survives; one that
 * does not fails exactly at the create points (2 and 3).  Without applied
 * both survive. */
static void test_sweep_applied_meets_already_exists(void **state)
{
  fx *f = *state;
  retry_ctx tolerant = {1}, strict = {0};
  gf_sweep_scenario s_tolerant = {NULL, create_two_run, both_exist, &tolerant};
  gf_sweep_scenario s_strict = {NULL, create_two_run, both_exist, &strict};
  gf_sweep_options applied = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 1, 0};
  gf_sweep_options plain = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};

  assert_gf_ok(gf_sweep(&s_tolerant, &applied, &f->report, &f->err), &f->err);
  assert_gf_sweep_survived(&f->report);
  assert_int_equal(f->report.count, 3);
  gf_sweep_report_clear(&f->report);

  assert_gf_ok(gf_sweep(&s_strict, &plain, &f->report, &f->err), &f->err);
  assert_gf_sweep_survived(&f->report);
  gf_sweep_report_clear(&f->report);

  assert_gf_ok(gf_sweep(&s_strict, &applied, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 3);
  assert_int_equal(f->report.failures, 2);
  assert_int_equal(f->report.points[0].op, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS);
  assert_true(f->report.points[0].survived);
  for (size_t i = 1; i < 3; i++) {
    assert_int_equal(f->report.points[i].call, i + 1);
    assert_int_equal(f->report.points[i].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
    assert_false(f->report.points[i].survived);
  }
  assert_true(f->report.clean_run_survived);
  assert_true(f->report.complete);
}

/* Calls until a call fails: without a fault it never stops on its own (a
 * generous bound keeps a broken sweep from hanging the suite). */
static int loop_until_error_run(gf_fake *fake, void *ctx)
{
  (void)ctx;
  for (int i = 0; i < 100000; i++)
    if (gf_get_data_catalog_encryption_settings(gf_fake_backend(fake), NULL, NULL, NULL) != GF_OK)
      return 0;
  return 0;
}

/* max_calls stops a sweep whose runs never run out of calls: count ==
 * max_calls, complete == 0. */
static void test_sweep_max_calls(void **state)
{
  fx *f = *state;
  gf_sweep_scenario s = {NULL, loop_until_error_run, NULL, NULL};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_INTERNAL_SERVICE, 0, 12};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 12);
  assert_int_equal(f->report.complete, 0);
  assert_int_equal(f->report.failures, 0);
  for (size_t i = 0; i < 12; i++) {
    assert_int_equal(f->report.points[i].call, i + 1);
    assert_int_equal(f->report.points[i].op, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS);
    assert_true(f->report.points[i].survived);
  }
}

static int count_runs(gf_fake *fake, void *ctx)
{
  (void)fake;
  ((scenario_ctx *)ctx)->runs++;
  return 0;
}

/* Invalid arguments are GF_INVALID_INPUT, with an empty report and no run:
 * GF_OK or a protocol error as the error, no run(), no scenario, no
 * options. */
static void test_sweep_invalid_options(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario good = {NULL, count_runs, NULL, &c};
  gf_sweep_scenario no_run = {NULL, NULL, NULL, &c};
  static const gf_status bad_errors[] = {GF_OK, GF_SERIALIZATION, GF_UNKNOWN_OPERATION,
                                         GF_STATUS_COUNT};
  for (size_t i = 0; i < sizeof bad_errors / sizeof bad_errors[0]; i++) {
    gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, bad_errors[i], 0, 0};
    assert_int_equal(gf_sweep(&good, &o, &f->report, &f->err), GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_int_equal(f->report.count, 0);
    assert_null(f->report.points);
  }
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  assert_int_equal(gf_sweep(&no_run, &o, &f->report, &f->err), GF_INVALID_INPUT);
  assert_int_equal(gf_sweep(NULL, &o, &f->report, &f->err), GF_INVALID_INPUT);
  assert_int_equal(gf_sweep(&good, NULL, &f->report, &f->err), GF_INVALID_INPUT);
  assert_int_equal(gf_sweep(&good, &o, &f->report, NULL), GF_OK); /* err may be NULL */
  assert_int_equal(c.runs, 1);
  assert_int_equal(f->report.count, 0);
  assert_true(f->report.complete);
}

/* What a sweep's run saw: the calls it made and the first error, with its
 * message. */
typedef struct seen_ctx {
  int runs;
  gf_status first_error;
  char message[200];
  int errors;
} seen_ctx;

/* Two creates, each attempted whatever the other did. */
static int two_creates_seen_run(gf_fake *fake, void *ctx)
{
  seen_ctx *c = ctx;
  c->runs++;
  static const char *const names[] = {"one", "two"};
  int failed = 0;
  for (int i = 0; i < 2; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_status status = create_config(gf_fake_backend(fake), names[i], &err);
    if (status != GF_OK) {
      failed = 1;
      if (c->errors++ == 0) {
        c->first_error = status;
        snprintf(c->message, sizeof c->message, "%s", gf_error_message(&err));
      }
    }
    gf_error_clear(&err);
  }
  return failed ? -1 : 0;
}

/* The report a refused sweep leaves: empty, whatever it held before. */
static void assert_report_empty(const gf_sweep_report *r)
{
  assert_null(r->points);
  assert_int_equal(r->count, 0);
  assert_int_equal(r->failures, 0);
  assert_int_equal(r->clean_run_survived, 0);
  assert_int_equal(r->complete, 0);
}

/* Options of a version this library does not know are refused, before any
 * run, with the version in the message and an empty report. */
static void test_sweep_options_version(void **state)
{
  fx *f = *state;
  seen_ctx c = {0};
  gf_sweep_scenario s = {NULL, two_creates_seen_run, NULL, &c};
  static const unsigned versions[] = {0, GF_SWEEP_OPTIONS_VERSION + 1, 77};
  assert_int_equal(GF_SWEEP_OPTIONS_VERSION, 1);
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    gf_sweep_options o = GF_SWEEP_OPTIONS_INIT;
    o.version = versions[i];
    char expected[128];
    snprintf(expected, sizeof expected,
             "sweep: options version %u is not supported (this library knows 1..1)",
             versions[i]);
    f->report.count = 5; /* stale values the refusal must clear */
    f->report.failures = 2;
    f->report.clean_run_survived = 1;
    f->report.complete = 1;
    assert_int_equal(gf_sweep(&s, &o, &f->report, &f->err), GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&f->err), expected);
    assert_report_empty(&f->report);
  }
  gf_sweep_options zero = GF_SWEEP_OPTIONS_INIT;
  zero.version = 0;
  assert_int_equal(gf_sweep(&s, &zero, &f->report, &f->err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&f->err),
                      "sweep: options version 0 is not supported (this library knows 1..1)");
  assert_int_equal(gf_sweep(&s, &zero, &f->report, NULL), GF_INVALID_INPUT);
  assert_int_equal(c.runs, 0);
}

/* GF_SWEEP_OPTIONS_INIT: InternalService, not applied, at every call. */
static void test_sweep_options_init(void **state)
{
  fx *f = *state;
  gf_sweep_options o = GF_SWEEP_OPTIONS_INIT;
  assert_int_equal(o.version, GF_SWEEP_OPTIONS_VERSION);
  assert_int_equal(o.error, GF_INTERNAL_SERVICE);
  assert_int_equal(o.applied, 0);
  assert_int_equal(o.max_calls, 0);
  seen_ctx c = {0};
  gf_sweep_scenario s = {NULL, two_creates_seen_run, NULL, &c};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 2);
  assert_int_equal(f->report.failures, 2);
  assert_int_equal(f->report.points[0].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
  assert_int_equal(f->report.points[1].op, GF_OP_CREATE_SECURITY_CONFIGURATION);
  assert_true(f->report.clean_run_survived);
  assert_true(f->report.complete);
  assert_int_equal(c.runs, 3);
  assert_int_equal(c.errors, 2); /* one per injection point, none in the clean run */
  assert_int_equal(c.first_error, GF_INTERNAL_SERVICE);
  assert_string_equal(c.message, "InternalServiceException injected by gluefake (fault rule *)");
}

/* GlueEncryptionException is an error the API models: a sweep injects it. */
static void test_sweep_glue_encryption(void **state)
{
  fx *f = *state;
  for (int applied = 0; applied <= 1; applied++) {
    seen_ctx c = {0};
    gf_sweep_scenario s = {NULL, two_creates_seen_run, NULL, &c};
    gf_sweep_options o = GF_SWEEP_OPTIONS_INIT;
    o.error = GF_GLUE_ENCRYPTION;
    o.applied = applied;
    gf_status status = gf_sweep(&s, &o, &f->report, &f->err);
    if (status != GF_OK)
      print_error("sweep with GlueEncryption: %s\n", gf_error_message(&f->err));
    assert_int_equal(status, GF_OK);
    assert_int_equal(f->report.count, 2);
    assert_int_equal(f->report.failures, 2);
    assert_true(f->report.clean_run_survived);
    assert_true(f->report.complete);
    assert_int_equal(c.runs, 3);
    assert_int_equal(c.errors, 2);
    assert_int_equal(c.first_error, GF_GLUE_ENCRYPTION);
    assert_string_equal(c.message,
                        "GlueEncryptionException injected by gluefake (fault rule *)");
    gf_sweep_report_clear(&f->report);
  }
}

/* An error the API does not model is refused, before any run, with an
 * empty report; every error it models is accepted. */
static void test_sweep_error_must_be_injectable(void **state)
{
  fx *f = *state;
  seen_ctx c = {0};
  gf_sweep_scenario s = {NULL, two_creates_seen_run, NULL, &c};
  /* What a fault spec cannot inject: the protocol's errors, Transport and
   * Unknown (reset, truncate and http() make those happen), no error. */
  static const gf_status refused[] = {
      GF_TRANSPORT,  GF_SERIALIZATION, GF_UNKNOWN_OPERATION, GF_UNKNOWN,
      GF_OK,         GF_STATUS_COUNT,  (gf_status)-1,
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    gf_sweep_options o = GF_SWEEP_OPTIONS_INIT;
    o.error = refused[i];
    f->report.count = 3;
    f->report.complete = 1;
    assert_int_equal(gf_sweep(&s, &o, &f->report, &f->err), GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&f->err),
                        "sweep: the error must be one a fault spec can inject (not a protocol "
                        "error, Transport or Unknown)");
    assert_report_empty(&f->report);
  }
  assert_int_equal(c.runs, 0);

  /* every modelled, service and auth error is accepted, and injected */
  static const gf_status modelled[] = {
      GF_ALREADY_EXISTS,  GF_CONDITION_CHECK_FAILURE, GF_ENTITY_NOT_FOUND,
      GF_INTERNAL_SERVICE, GF_INVALID_INPUT,          GF_OPERATION_TIMEOUT,
      GF_RESOURCE_NUMBER_LIMIT_EXCEEDED, GF_GLUE_ENCRYPTION, GF_THROTTLING,
      GF_SERVICE_UNAVAILABLE, GF_ACCESS_DENIED, GF_MISSING_AUTHENTICATION_TOKEN,
      GF_INCOMPLETE_SIGNATURE, GF_INVALID_SIGNATURE, GF_UNRECOGNIZED_CLIENT, GF_EXPIRED_TOKEN,
  };
  for (size_t i = 0; i < sizeof modelled / sizeof modelled[0]; i++) {
    seen_ctx seen = {0};
    gf_sweep_scenario one = {NULL, two_creates_seen_run, NULL, &seen};
    gf_sweep_options o = GF_SWEEP_OPTIONS_INIT;
    o.error = modelled[i];
    assert_gf_ok(gf_sweep(&one, &o, &f->report, &f->err), &f->err);
    assert_int_equal(f->report.count, 2);
    assert_int_equal(seen.first_error, modelled[i]);
    gf_sweep_report_clear(&f->report);
  }
}

static int failing_setup(gf_fake *fake, void *ctx)
{
  (void)fake;
  ((scenario_ctx *)ctx)->setups++;
  return 1;
}

/* A setup that fails stops the sweep with an error status, before any
 * run, and leaves the report empty. */
static void test_sweep_setup_fails(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {failing_setup, count_runs, NULL, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  gf_status status = gf_sweep(&s, &o, &f->report, &f->err);
  assert_int_not_equal(status, GF_OK);
  assert_int_equal(f->err.status, status);
  assert_non_null(f->err.message);
  assert_int_equal(c.setups, 1);
  assert_int_equal(c.runs, 0);
  assert_int_equal(f->report.count, 0);
  assert_null(f->report.points);
}

/* gf_sweep_report_print writes one line per point and a summary line. */
static void test_sweep_report_print(void **state)
{
  fx *f = *state;
  retry_ctx strict = {0};
  gf_sweep_scenario s = {NULL, create_two_run, both_exist, &strict};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 1, 0};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 3);

  FILE *out = tmpfile();
  assert_non_null(out);
  gf_sweep_report_print(&f->report, out);
  long size = ftell(out);
  assert_true(size > 0);
  rewind(out);
  char text[2048] = {0};
  size_t got = fread(text, 1, sizeof text - 1, out);
  fclose(out);
  assert_int_equal(got, (size_t)size);

  const char *expected_points = "call 1 GetDataCatalogEncryptionSettings: survived\n"
                                "call 2 CreateSecurityConfiguration: NOT SURVIVED\n"
                                "call 3 CreateSecurityConfiguration: NOT SURVIVED\n";
  assert_memory_equal(text, expected_points, strlen(expected_points));
  size_t lines = 0;
  for (const char *p = text; *p; p++)
    lines += *p == '\n';
  assert_int_equal(lines, 4);
  const char *summary = text + strlen(expected_points);
  assert_true(strlen(summary) > 1);
  assert_non_null(strchr(summary, '3')); /* three points */
}

/* A scenario that turns the fake's log off: the failed call's operation is
 * unknown ("?"); one point (singular), a run without faults that fails, and
 * a sweep stopped by max_calls - the summary says each. */
static int unlogged_create_run(gf_fake *fake, void *ctx)
{
  (void)ctx;
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  create_config(gf_fake_backend(fake), "a", NULL);
  create_config(gf_fake_backend(fake), "b", NULL);
  return -1; /* never survives */
}

static void test_sweep_report_print_edges(void **state)
{
  fx *f = *state;
  gf_sweep_scenario s = {NULL, unlogged_create_run, NULL, NULL};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_INTERNAL_SERVICE, 0, 1};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_int_equal(f->report.count, 1);
  assert_int_equal(f->report.points[0].call, 1);
  assert_int_equal(f->report.points[0].op, GF_OPERATION_COUNT);
  assert_false(f->report.points[0].survived);
  assert_false(f->report.complete);
  assert_false(f->report.clean_run_survived);

  FILE *out = tmpfile();
  assert_non_null(out);
  gf_sweep_report_print(&f->report, out);
  rewind(out);
  char text[512] = {0};
  assert_true(fread(text, 1, sizeof text - 1, out) > 0);
  fclose(out);
  assert_string_equal(text, "call 1 ?: NOT SURVIVED\n"
                            "1 injection point, 1 not survived; run without faults: NOT SURVIVED"
                            " (stopped at max_calls)\n");
}

/* gf_sweep_report_clear zeroes the report; twice, and NULL, are fine. */
static void test_sweep_report_clear_twice(void **state)
{
  fx *f = *state;
  scenario_ctx c = {0};
  gf_sweep_scenario s = {NULL, fragile_three_run, NULL, &c};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  assert_gf_ok(gf_sweep(&s, &o, &f->report, &f->err), &f->err);
  assert_non_null(f->report.points);
  gf_sweep_report_clear(&f->report);
  assert_null(f->report.points);
  assert_int_equal(f->report.count, 0);
  assert_int_equal(f->report.failures, 0);
  assert_int_equal(f->report.clean_run_survived, 0);
  assert_int_equal(f->report.complete, 0);
  gf_sweep_report_clear(&f->report);
  gf_sweep_report_clear(NULL);
  assert_null(f->report.points);
}

/* ---- main ------------------------------------------------------------------ */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
  /* found through PATH, argv[0] has no slash: use the kernel's name */
  self_path = strchr(argv[0], '/') ? argv[0] : "/proc/self/exe";
  if (argc == 3 && strcmp(argv[1], "--child") == 0)
    return run_child_test(argv[2]);

  const struct CMUnitTest tests[] = {
      T(test_log_holds_calls_in_order),
      T(test_log_request_is_deep_copy),
      T(test_log_response_is_deep_copy),
      T(test_calls_get_out_of_range),
      T(test_calls_per_operation),
      T(test_calls_clear),
      T(test_calls_bounded),
      T(test_calls_written_while_calls_go_on),
      T(test_log_records_injected_fault),
      T(test_log_records_injected_message),
      T(test_log_null_request),
      T(test_log_out_null_keeps_response),
      T(test_recorder_disabled),
      T(test_fake_reset_clears_log),
      T(test_recorder_over_custom_backend),
      T(test_recorder_over_injector_over_fake),
      T(test_stack_free_order),
      T(test_cmocka_helpers_pass),
      T(test_cmocka_child_harness),
      T(test_cmocka_assert_gf_ok_fails),
      T(test_cmocka_assert_gf_status_fails),
      T(test_cmocka_assert_gf_called_fails),
      T(test_cmocka_assert_gf_nth_call_status_fails),
      T(test_cmocka_assert_gf_sweep_survived_fails),
      T(test_concurrent_calls_are_all_logged),
      T(test_sweep_fragile_scenario),
      T(test_sweep_setup_calls_not_counted),
      T(test_sweep_ignores_environment_faults),
      T(test_sweep_bad_environment_faults),
      T(test_sweep_robust_scenario_survives),
      T(test_sweep_applied_meets_already_exists),
      T(test_sweep_max_calls),
      T(test_sweep_invalid_options),
      T(test_sweep_options_version),
      T(test_sweep_options_init),
      T(test_sweep_glue_encryption),
      T(test_sweep_error_must_be_injectable),
      T(test_sweep_setup_fails),
      T(test_sweep_report_print),
      T(test_sweep_report_print_edges),
      T(test_sweep_report_clear_twice),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
