/*
 * test_operations.c - the typed API of the fake: every operation's success
 * path with exact returned values, every error the fake raises by itself
 * (AlreadyExists, EntityNotFound, ResourceNumberLimitExceeded), the call
 * layer of client.c, the clock, reset, and determinism.
 *
 * Every test gets a fresh fake on a fixed clock: 1700000000, +1 per reading.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gluefake.h"
#include "helpers.h"
#include "gluefake/sys/backend.h"

#define T0 FIXED_T0
#define ACCOUNT GF_DEFAULT_ACCOUNT_ID
#define DEFAULT_ARN "arn:aws:glue:us-east-1:123456789012:catalog"
#define DB1_ARN "arn:aws:glue:us-east-1:123456789012:database/db1"
#define KMS1 "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"
#define KMS2 "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-2222-2222-222222222222"
#define KMS3 "arn:aws:kms:eu-west-1:123456789012:key/33333333-3333-3333-3333-333333333333"

typedef fake_fx fixture;

/* ---- helpers ------------------------------------------------------------- */

#define assert_str_or_null(actual, expected)                                               \
  do {                                                                                     \
    const char *a_ = (actual), *e_ = (expected);                                           \
    if (!e_) {                                                                             \
      assert_null(a_);                                                                     \
    } else {                                                                               \
      assert_non_null(a_);                                                                 \
      assert_string_equal(a_, e_);                                                         \
    }                                                                                      \
  } while (0)

#define assert_time(actual, expected)                                                      \
  do {                                                                                     \
    double a_ = (actual), e_ = (expected);                                                 \
    if (a_ != e_) {                                                                        \
      print_error("%s is %.6f, expected %.6f\n", #actual, a_, e_);                         \
      fail();                                                                              \
    }                                                                                      \
  } while (0)

/* The call failed with `status`; the message is non-empty.  Clears err. */
#define assert_failed(call_status, err, expected_status)                                   \
  do {                                                                                     \
    assert_int_equal((call_status), (expected_status));                                    \
    assert_int_equal((err).status, (expected_status));                                     \
    assert_non_null((err).message);                                                        \
    assert_true(strlen((err).message) > 0);                                                \
    gf_error_clear(&(err));                                                                \
  } while (0)

static int setup(void **state) { return fake_fx_setup(state); }
static int teardown(void **state) { return fake_fx_teardown(state); }

static const gf_encryption_configuration empty_config = {NULL, 0, NULL, NULL, NULL};

static void create_ok(gf_backend *b, const char *name)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = config_create(b, name, &empty_config, &err);
  if (status != GF_OK)
    print_error("create %s: %s\n", name, gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
}

/* Gets `name`; the response is the caller's. */
static gf_get_security_configuration_response *get_config(gf_backend *b, const char *name)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *out = NULL;
  gf_status status = gf_get_security_configuration(b, &req, &out, &err);
  if (status != GF_OK)
    print_error("get %s: %s\n", name, gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  assert_non_null(out);
  assert_non_null(out->security_configuration);
  return out;
}

static gf_status get_status(gf_backend *b, const char *name) { return config_get(b, name, NULL); }

static void assert_s3(const gf_s3_encryption *actual, const gf_s3_encryption *expected)
{
  assert_str_or_null(actual->s3_encryption_mode, expected->s3_encryption_mode);
  assert_str_or_null(actual->kms_key_arn, expected->kms_key_arn);
}

/* The configuration `actual` equals `expected` member for member, presence
 * included. */
static void assert_config_equal(const gf_encryption_configuration *actual,
                                const gf_encryption_configuration *expected)
{
  assert_non_null(actual);
  if (!expected->s3_encryption) {
    assert_null(actual->s3_encryption);
    assert_int_equal(actual->s3_encryption_count, 0);
  } else {
    assert_non_null(actual->s3_encryption);
    assert_int_equal(actual->s3_encryption_count, expected->s3_encryption_count);
    for (size_t i = 0; i < expected->s3_encryption_count; i++)
      assert_s3(&actual->s3_encryption[i], &expected->s3_encryption[i]);
  }
  if (!expected->cloud_watch_encryption) {
    assert_null(actual->cloud_watch_encryption);
  } else {
    assert_non_null(actual->cloud_watch_encryption);
    assert_str_or_null(actual->cloud_watch_encryption->cloud_watch_encryption_mode,
                       expected->cloud_watch_encryption->cloud_watch_encryption_mode);
    assert_str_or_null(actual->cloud_watch_encryption->kms_key_arn,
                       expected->cloud_watch_encryption->kms_key_arn);
  }
  if (!expected->job_bookmarks_encryption) {
    assert_null(actual->job_bookmarks_encryption);
  } else {
    assert_non_null(actual->job_bookmarks_encryption);
    assert_str_or_null(actual->job_bookmarks_encryption->job_bookmarks_encryption_mode,
                       expected->job_bookmarks_encryption->job_bookmarks_encryption_mode);
    assert_str_or_null(actual->job_bookmarks_encryption->kms_key_arn,
                       expected->job_bookmarks_encryption->kms_key_arn);
  }
}

/* Creates `name` with `config`, then checks Get and GetSecurityConfigurations
 * give it back exactly. */
static void assert_round_trip(gf_backend *b, const char *name,
                              const gf_encryption_configuration *config)
{
  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_request req = {name, config};
  gf_create_security_configuration_response *created = NULL;
  assert_int_equal(gf_create_security_configuration(b, &req, &created, &err), GF_OK);
  assert_non_null(created);
  assert_true(created->has_created_timestamp);

  gf_get_security_configuration_response *got = get_config(b, name);
  assert_string_equal(got->security_configuration->name, name);
  assert_true(got->security_configuration->has_created_time_stamp);
  assert_time(got->security_configuration->created_time_stamp, created->created_timestamp);
  assert_config_equal(got->security_configuration->encryption_configuration, config);
  gf_get_security_configuration_response_free(got);

  gf_get_security_configurations_request list_req = {true, 1000, NULL};
  gf_get_security_configurations_response *list = NULL;
  assert_int_equal(gf_get_security_configurations(b, &list_req, &list, &err), GF_OK);
  int found = 0;
  for (size_t i = 0; i < list->security_configurations_count; i++) {
    const gf_security_configuration *c = &list->security_configurations[i];
    if (strcmp(c->name, name) == 0) {
      found++;
      assert_time(c->created_time_stamp, created->created_timestamp);
      assert_config_equal(c->encryption_configuration, config);
    }
  }
  assert_int_equal(found, 1);
  gf_get_security_configurations_response_free(list);
  gf_create_security_configuration_response_free(created);
}

static void sbuf_add_json(sbuf *s, cJSON *json)
{
  assert_non_null(json);
  char *text = cJSON_PrintUnformatted(json);
  cJSON_Delete(json);
  assert_non_null(text);
  sbuf_add(s, text);
  sbuf_add(s, "\n");
  cJSON_free(text);
}

/* Appends what a call answered: its response or its error, as JSON. */
static void record(sbuf *s, gf_operation op, gf_status status, void *response, gf_error *err)
{
  sbuf_add(s, gf_operation_name(op));
  sbuf_add(s, " ");
  if (status == GF_OK) {
    sbuf_add_json(s, gf_response_to_json(op, response));
  } else {
    sbuf_add_json(s, gf_error_to_json(err));
    gf_error_clear(err);
  }
  gf_response_free(op, response);
}

static cJSON *response_json(gf_operation op, const void *response)
{
  cJSON *json = gf_response_to_json(op, response);
  assert_non_null(json);
  return json;
}

/* ---- Create / Get / Delete / GetSecurityConfigurations ------------------- */

static void test_create_returns_name_and_clock_timestamps(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_request req = {"cfg-one", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
  assert_int_equal(err.status, GF_OK);
  assert_null(err.message);
  assert_non_null(out);
  assert_string_equal(out->name, "cfg-one");
  assert_true(out->has_created_timestamp);
  assert_time(out->created_timestamp, T0);
  gf_create_security_configuration_response_free(out);

  req.name = "cfg-two";
  out = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
  assert_string_equal(out->name, "cfg-two");
  assert_time(out->created_timestamp, T0 + 1);
  gf_create_security_configuration_response_free(out);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  /* Stored: CreatedTimeStamp is the same reading as the response's. */
  gf_get_security_configuration_response *got = get_config(f->b, "cfg-one");
  assert_string_equal(got->security_configuration->name, "cfg-one");
  assert_true(got->security_configuration->has_created_time_stamp);
  assert_time(got->security_configuration->created_time_stamp, T0);
  assert_config_equal(got->security_configuration->encryption_configuration, &empty_config);
  gf_get_security_configuration_response_free(got);
  got = get_config(f->b, "cfg-two");
  assert_time(got->security_configuration->created_time_stamp, T0 + 1);
  gf_get_security_configuration_response_free(got);
}

static void test_timestamp_member_spellings(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_request req = {"spelled", &empty_config};
  gf_create_security_configuration_response *created = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &created, &err), GF_OK);
  cJSON *json = response_json(GF_OP_CREATE_SECURITY_CONFIGURATION, created);
  char *text = cJSON_PrintUnformatted(json);
  assert_string_equal(text, "{\"Name\":\"spelled\",\"CreatedTimestamp\":1700000000}");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_create_security_configuration_response_free(created);

  gf_get_security_configuration_response *got = get_config(f->b, "spelled");
  json = response_json(GF_OP_GET_SECURITY_CONFIGURATION, got);
  text = cJSON_PrintUnformatted(json);
  assert_string_equal(text, "{\"SecurityConfiguration\":{\"Name\":\"spelled\","
                            "\"CreatedTimeStamp\":1700000000,\"EncryptionConfiguration\":{}}}");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_get_security_configuration_response_free(got);
}

static void test_encryption_configuration_full_round_trip(void **state)
{
  fixture *f = *state;
  const gf_s3_encryption s3[3] = {
      {GF_MODE_SSE_KMS, KMS1},
      {GF_MODE_SSE_S3, NULL},
      {GF_MODE_DISABLED, NULL},
  };
  const gf_cloud_watch_encryption cw = {GF_MODE_SSE_KMS, KMS2};
  const gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, KMS3};
  const gf_encryption_configuration config = {s3, 3, &cw, &jb, NULL};
  assert_round_trip(f->b, "full", &config);

  /* The same three modes in another order keep that order. */
  const gf_s3_encryption reversed[3] = {
      {GF_MODE_DISABLED, NULL},
      {GF_MODE_SSE_S3, NULL},
      {GF_MODE_SSE_KMS, KMS1},
  };
  const gf_encryption_configuration config2 = {reversed, 3, NULL, NULL, NULL};
  assert_round_trip(f->b, "reversed", &config2);
}

static void test_encryption_configuration_partial_members(void **state)
{
  fixture *f = *state;
  /* Nothing at all. */
  assert_round_trip(f->b, "nothing", &empty_config);

  /* Only CloudWatch, its KmsKeyArn absent. */
  const gf_cloud_watch_encryption cw = {GF_MODE_DISABLED, NULL};
  const gf_encryption_configuration only_cw = {NULL, 0, &cw, NULL, NULL};
  assert_round_trip(f->b, "only-cw", &only_cw);

  /* Only JobBookmarks, both members absent. */
  const gf_job_bookmarks_encryption jb = {NULL, NULL};
  const gf_encryption_configuration only_jb = {NULL, 0, NULL, &jb, NULL};
  assert_round_trip(f->b, "only-jb", &only_jb);

  /* S3 entries with one member or none. */
  const gf_s3_encryption s3[3] = {{NULL, KMS1}, {GF_MODE_SSE_S3, NULL}, {NULL, NULL}};
  const gf_encryption_configuration s3_partial = {s3, 3, NULL, NULL, NULL};
  assert_round_trip(f->b, "s3-partial", &s3_partial);

  /* CloudWatch with the KMS key and JobBookmarks DISABLED. */
  const gf_cloud_watch_encryption cw2 = {GF_MODE_SSE_KMS, KMS2};
  const gf_job_bookmarks_encryption jb2 = {GF_MODE_DISABLED, NULL};
  const gf_encryption_configuration cw_jb = {NULL, 0, &cw2, &jb2, NULL};
  assert_round_trip(f->b, "cw-jb", &cw_jb);
}

static void test_empty_s3_list_stays_present(void **state)
{
  fixture *f = *state;
  static const gf_s3_encryption none[1] = {{NULL, NULL}};
  const gf_encryption_configuration config = {none, 0, NULL, NULL, NULL};
  assert_round_trip(f->b, "empty-list", &config);

  gf_get_security_configuration_response *got = get_config(f->b, "empty-list");
  const gf_encryption_configuration *ec = got->security_configuration->encryption_configuration;
  assert_non_null(ec->s3_encryption);
  assert_int_equal(ec->s3_encryption_count, 0);
  cJSON *json = response_json(GF_OP_GET_SECURITY_CONFIGURATION, got);
  char *text = cJSON_PrintUnformatted(json);
  assert_contains(text, "\"EncryptionConfiguration\":{\"S3Encryption\":[]}");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_get_security_configuration_response_free(got);
}

static void test_request_is_copied(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  char name[] = "copied";
  char arn[] = KMS1;
  gf_s3_encryption s3 = {GF_MODE_SSE_KMS, arn};
  gf_encryption_configuration config = {&s3, 1, NULL, NULL, NULL};
  gf_create_security_configuration_request req = {name, &config};
  assert_int_equal(gf_create_security_configuration(f->b, &req, NULL, &err), GF_OK);
  /* Scribble over everything the request pointed to. */
  memset(name, 'x', sizeof name - 1);
  memset(arn, 'y', sizeof arn - 1);
  s3.s3_encryption_mode = GF_MODE_DISABLED;

  gf_get_security_configuration_response *got = get_config(f->b, "copied");
  const gf_encryption_configuration *ec = got->security_configuration->encryption_configuration;
  assert_int_equal(ec->s3_encryption_count, 1);
  assert_string_equal(ec->s3_encryption[0].s3_encryption_mode, GF_MODE_SSE_KMS);
  assert_string_equal(ec->s3_encryption[0].kms_key_arn, KMS1);
  gf_get_security_configuration_response_free(got);
  assert_int_equal(get_status(f->b, name), GF_ENTITY_NOT_FOUND);
}

static void test_list_security_configurations(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configurations_response *list = NULL;

  /* Empty store: an empty page, no token. */
  assert_int_equal(gf_get_security_configurations(f->b, NULL, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 0);
  assert_null(list->next_token);
  gf_get_security_configurations_response_free(list);

  const gf_s3_encryption s3 = {GF_MODE_SSE_S3, NULL};
  const gf_encryption_configuration with_s3 = {&s3, 1, NULL, NULL, NULL};
  create_ok(f->b, "zeta");
  assert_int_equal(config_create(f->b, "alpha", &with_s3, &err), GF_OK);
  create_ok(f->b, "mid");

  /* Default page: all, in creation order, with their timestamps. */
  list = NULL;
  gf_get_security_configurations_request req = {false, 0, NULL};
  assert_int_equal(gf_get_security_configurations(f->b, &req, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 3);
  assert_null(list->next_token);
  const char *names[] = {"zeta", "alpha", "mid"};
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(list->security_configurations[i].name, names[i]);
    assert_true(list->security_configurations[i].has_created_time_stamp);
    assert_time(list->security_configurations[i].created_time_stamp, T0 + (double)i);
  }
  assert_config_equal(list->security_configurations[0].encryption_configuration, &empty_config);
  assert_config_equal(list->security_configurations[1].encryption_configuration, &with_s3);
  gf_get_security_configurations_response_free(list);

  /* Two pages of 2 and 1. */
  req.has_max_results = true;
  req.max_results = 2;
  list = NULL;
  assert_int_equal(gf_get_security_configurations(f->b, &req, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 2);
  assert_string_equal(list->security_configurations[0].name, "zeta");
  assert_string_equal(list->security_configurations[1].name, "alpha");
  assert_non_null(list->next_token);
  gf_get_security_configurations_request next = {true, 2, list->next_token};
  gf_get_security_configurations_response *page2 = NULL;
  assert_int_equal(gf_get_security_configurations(f->b, &next, &page2, &err), GF_OK);
  assert_int_equal(page2->security_configurations_count, 1);
  assert_string_equal(page2->security_configurations[0].name, "mid");
  assert_null(page2->next_token);
  gf_get_security_configurations_response_free(page2);
  gf_get_security_configurations_response_free(list);
  assert_int_equal(err.status, GF_OK);
}

static void test_delete_security_configuration(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "a");
  create_ok(f->b, "b");
  gf_delete_security_configuration_request req = {"a"};
  gf_delete_security_configuration_response *out = NULL;
  assert_int_equal(gf_delete_security_configuration(f->b, &req, &out, &err), GF_OK);
  assert_non_null(out);
  gf_delete_security_configuration_response_free(out);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  assert_int_equal(get_status(f->b, "a"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_status(f->b, "b"), GF_OK);

  /* Deleting it again: not found, and b stays. */
  out = NULL;
  assert_failed(gf_delete_security_configuration(f->b, &req, &out, &err), err,
                GF_ENTITY_NOT_FOUND);
  assert_null(out);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);

  /* A deleted name can be created again, with a new timestamp. */
  gf_create_security_configuration_request again = {"a", &empty_config};
  gf_create_security_configuration_response *created = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &again, &created, &err), GF_OK);
  assert_time(created->created_timestamp, T0 + 2);
  gf_create_security_configuration_response_free(created);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
}

static void test_create_duplicate_already_exists(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const gf_s3_encryption s3 = {GF_MODE_SSE_KMS, KMS1};
  const gf_encryption_configuration original = {&s3, 1, NULL, NULL, NULL};
  assert_int_equal(config_create(f->b, "dup", &original, &err), GF_OK);
  create_ok(f->b, "other");

  const gf_cloud_watch_encryption cw = {GF_MODE_SSE_KMS, KMS2};
  const gf_encryption_configuration replacement = {NULL, 0, &cw, NULL, NULL};
  gf_create_security_configuration_request req = {"dup", &replacement};
  gf_create_security_configuration_response *out = NULL;
  gf_status status = gf_create_security_configuration(f->b, &req, &out, &err);
  assert_int_equal(status, GF_ALREADY_EXISTS);
  assert_int_equal(err.status, GF_ALREADY_EXISTS);
  assert_contains(err.message, "dup");
  gf_error_clear(&err);
  assert_null(out);

  /* Nothing changed: count, config and timestamp of the original. */
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  gf_get_security_configuration_response *got = get_config(f->b, "dup");
  assert_time(got->security_configuration->created_time_stamp, T0);
  assert_config_equal(got->security_configuration->encryption_configuration, &original);
  gf_get_security_configuration_response_free(got);

  /* The listing still holds each name once, in the original order. */
  gf_get_security_configurations_response *list = NULL;
  assert_int_equal(gf_get_security_configurations(f->b, NULL, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 2);
  assert_string_equal(list->security_configurations[0].name, "dup");
  assert_string_equal(list->security_configurations[1].name, "other");
  gf_get_security_configurations_response_free(list);

  /* Names are case-sensitive: "DUP" is another configuration. */
  create_ok(f->b, "DUP");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 3);
}

static void test_get_and_delete_missing_entity_not_found(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "present");

  gf_get_security_configuration_request get = {"absent"};
  gf_get_security_configuration_response *got = NULL;
  gf_status status = gf_get_security_configuration(f->b, &get, &got, &err);
  assert_int_equal(status, GF_ENTITY_NOT_FOUND);
  assert_int_equal(err.status, GF_ENTITY_NOT_FOUND);
  assert_contains(err.message, "absent");
  assert_null(got);

  gf_delete_security_configuration_request del = {"absent"};
  status = gf_delete_security_configuration(f->b, &del, NULL, &err);
  assert_int_equal(status, GF_ENTITY_NOT_FOUND);
  assert_int_equal(err.status, GF_ENTITY_NOT_FOUND);
  assert_contains(err.message, "absent");
  gf_error_clear(&err);

  /* A prefix or a case variant is not a match. */
  assert_int_equal(get_status(f->b, "presen"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_status(f->b, "Present"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_status(f->b, "present "), GF_ENTITY_NOT_FOUND);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

static void test_security_configuration_limit(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_fake_set_security_configuration_limit(f->fake, 2);
  create_ok(f->b, "one");
  create_ok(f->b, "two");

  gf_create_security_configuration_request req = {"three", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_failed(gf_create_security_configuration(f->b, &req, &out, &err), err,
                GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_null(out);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  assert_int_equal(get_status(f->b, "three"), GF_ENTITY_NOT_FOUND);

  /* A duplicate at the limit is still AlreadyExists. */
  assert_failed(config_create(f->b, "one", &empty_config, &err), err, GF_ALREADY_EXISTS);

  /* After a delete there is room for one more. */
  gf_delete_security_configuration_request del = {"one"};
  assert_int_equal(gf_delete_security_configuration(f->b, &del, NULL, &err), GF_OK);
  create_ok(f->b, "three");
  assert_failed(config_create(f->b, "four", &empty_config, &err), err,
                GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  /* No limit any more. */
  gf_fake_set_security_configuration_limit(f->fake, GF_NO_LIMIT);
  create_ok(f->b, "four");
  create_ok(f->b, "five");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 4);

  /* A limit below the current count: nothing is removed, nothing created. */
  gf_fake_set_security_configuration_limit(f->fake, 1);
  assert_failed(config_create(f->b, "six", &empty_config, &err), err,
                GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 4);
  assert_int_equal(get_status(f->b, "two"), GF_OK);
}

static void test_security_configuration_limit_zero(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_fake_set_security_configuration_limit(f->fake, 0);
  assert_failed(config_create(f->b, "none", &empty_config, &err), err,
                GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  gf_fake_set_security_configuration_limit(f->fake, 1);
  create_ok(f->b, "none");
  assert_failed(config_create(f->b, "second", &empty_config, &err), err,
                GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
}

/* ---- data catalog encryption settings ------------------------------------ */

static void assert_catalog(gf_backend *b, const char *catalog_id, const char *mode,
                           const char *sse_key, bool encrypted, const char *password_key)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *out = NULL;
  gf_status status = gf_get_data_catalog_encryption_settings(b, &req, &out, &err);
  if (status != GF_OK)
    print_error("get catalog %s: %s\n", catalog_id ? catalog_id : "(default)",
                gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  assert_non_null(out);
  const gf_data_catalog_encryption_settings *s = out->data_catalog_encryption_settings;
  assert_non_null(s);
  assert_non_null(s->encryption_at_rest);
  assert_string_equal(s->encryption_at_rest->catalog_encryption_mode, mode);
  assert_str_or_null(s->encryption_at_rest->sse_aws_kms_key_id, sse_key);
  assert_non_null(s->connection_password_encryption);
  assert_int_equal(s->connection_password_encryption->return_connection_password_encrypted,
                   encrypted);
  assert_str_or_null(s->connection_password_encryption->aws_kms_key_id, password_key);
  gf_get_data_catalog_encryption_settings_response_free(out);
}

#define assert_catalog_default(b, id) assert_catalog(b, id, GF_MODE_DISABLED, NULL, false, NULL)

static void put_catalog(gf_backend *b, const char *catalog_id, const gf_encryption_at_rest *rest,
                        const gf_connection_password_encryption *password)
{
  gf_error err = GF_ERROR_INIT;
  gf_data_catalog_encryption_settings settings = {rest, password};
  gf_put_data_catalog_encryption_settings_request req = {catalog_id, &settings};
  gf_put_data_catalog_encryption_settings_response *out = NULL;
  gf_status status = gf_put_data_catalog_encryption_settings(b, &req, &out, &err);
  if (status != GF_OK)
    print_error("put catalog: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  assert_non_null(out);
  gf_put_data_catalog_encryption_settings_response_free(out);
}

static void test_catalog_never_set_returns_default(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_catalog_default(f->b, NULL);
  assert_catalog_default(f->b, ACCOUNT);
  assert_catalog_default(f->b, "999999999999");
  assert_catalog_default(f->b, "some catalog");

  /* Exactly the documented JSON. */
  gf_get_data_catalog_encryption_settings_response *out = NULL;
  assert_int_equal(gf_get_data_catalog_encryption_settings(f->b, NULL, &out, &err), GF_OK);
  cJSON *json = response_json(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, out);
  char *text = cJSON_PrintUnformatted(json);
  assert_string_equal(text, "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":"
                            "{\"CatalogEncryptionMode\":\"DISABLED\"},"
                            "\"ConnectionPasswordEncryption\":"
                            "{\"ReturnConnectionPasswordEncrypted\":false}}}");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_get_data_catalog_encryption_settings_response_free(out);
}

static void test_catalog_put_default_get_by_account_id(void **state)
{
  fixture *f = *state;
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
  static const gf_connection_password_encryption pw = {true, "alias/pw", true};
  put_catalog(f->b, NULL, &rest, &pw);
  assert_catalog(f->b, ACCOUNT, GF_MODE_SSE_KMS, "alias/glue", true, "alias/pw");
  assert_catalog(f->b, NULL, GF_MODE_SSE_KMS, "alias/glue", true, "alias/pw");
  assert_catalog_default(f->b, "999999999999");
}

static void test_catalog_put_by_account_id_get_default(void **state)
{
  fixture *f = *state;
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, NULL, NULL};
  static const gf_connection_password_encryption pw = {true, NULL, true};
  put_catalog(f->b, ACCOUNT, &rest, &pw);
  assert_catalog(f->b, NULL, GF_MODE_SSE_KMS, NULL, true, NULL);
  assert_catalog(f->b, ACCOUNT, GF_MODE_SSE_KMS, NULL, true, NULL);
}

static void test_catalog_ids_are_independent(void **state)
{
  fixture *f = *state;
  const gf_encryption_at_rest rest_a = {GF_MODE_SSE_KMS, "alias/a", NULL};
  static const gf_connection_password_encryption pw_a = {true, "alias/pa", true};
  const gf_encryption_at_rest rest_b = {GF_MODE_DISABLED, NULL, NULL};
  static const gf_connection_password_encryption pw_b = {false, "alias/pb", true};
  put_catalog(f->b, "111111111111", &rest_a, &pw_a);
  assert_catalog_default(f->b, NULL);
  put_catalog(f->b, "222222222222", &rest_b, &pw_b);
  put_catalog(f->b, NULL, &rest_b, NULL);
  assert_catalog(f->b, "111111111111", GF_MODE_SSE_KMS, "alias/a", true, "alias/pa");
  assert_catalog(f->b, "222222222222", GF_MODE_DISABLED, NULL, false, "alias/pb");
  assert_catalog(f->b, NULL, GF_MODE_DISABLED, NULL, false, NULL);
  assert_catalog_default(f->b, "333333333333");
  /* Catalog ids are case- and byte-exact keys. */
  put_catalog(f->b, "Cat", &rest_a, NULL);
  assert_catalog_default(f->b, "cat");
  assert_catalog(f->b, "Cat", GF_MODE_SSE_KMS, "alias/a", false, NULL);
}

static void test_catalog_put_replaces(void **state)
{
  fixture *f = *state;
  const gf_encryption_at_rest rest1 = {GF_MODE_SSE_KMS, "alias/one", NULL};
  static const gf_connection_password_encryption pw1 = {true, "alias/pw-one", true};
  put_catalog(f->b, NULL, &rest1, &pw1);

  const gf_encryption_at_rest rest2 = {GF_MODE_SSE_KMS, "alias/two", NULL};
  static const gf_connection_password_encryption pw2 = {false, "alias/pw-two", true};
  put_catalog(f->b, NULL, &rest2, &pw2);
  assert_catalog(f->b, NULL, GF_MODE_SSE_KMS, "alias/two", false, "alias/pw-two");

  /* A member given as absent is not kept from the previous put. */
  const gf_encryption_at_rest rest3 = {GF_MODE_DISABLED, NULL, NULL};
  put_catalog(f->b, NULL, &rest3, &pw1);
  assert_catalog(f->b, NULL, GF_MODE_DISABLED, NULL, true, "alias/pw-one");
}

static void test_catalog_put_one_member_other_default(void **state)
{
  fixture *f = *state;
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
  static const gf_connection_password_encryption pw = {true, "alias/pw", true};

  put_catalog(f->b, NULL, &rest, NULL);
  assert_catalog(f->b, NULL, GF_MODE_SSE_KMS, "alias/glue", false, NULL);

  put_catalog(f->b, NULL, NULL, &pw);
  assert_catalog(f->b, NULL, GF_MODE_DISABLED, NULL, true, "alias/pw");

  /* Neither member: both defaults. */
  put_catalog(f->b, NULL, NULL, NULL);
  assert_catalog_default(f->b, NULL);
}

/* A ConnectionPasswordEncryption whose padding bytes were never written
 * (fresh from malloc, as a client that fills in members one by one would
 * have it): the fake must copy the members without reading the padding
 * after the bool.  Run under valgrind, which reports such a read as a
 * "conditional jump on uninitialised value". */
static void test_catalog_put_reads_only_members(void **state)
{
  fixture *f = *state;
  gf_connection_password_encryption *pw = malloc(sizeof *pw);
  gf_encryption_at_rest *rest = malloc(sizeof *rest);
  assert_non_null(pw);
  assert_non_null(rest);
  pw->return_connection_password_encrypted = false;
  pw->has_return_connection_password_encrypted = true;
  pw->aws_kms_key_id = "alias/heap";
  rest->catalog_encryption_mode = GF_MODE_SSE_KMS;
  rest->sse_aws_kms_key_id = NULL;
  rest->catalog_encryption_service_role = NULL;
  put_catalog(f->b, NULL, rest, pw);
  free(pw);
  free(rest);
  assert_catalog(f->b, NULL, GF_MODE_SSE_KMS, NULL, false, "alias/heap");
}

static void test_set_account_id_changes_default_catalog(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  char buf[13];
  gf_fake_account_id(f->fake, buf);
  assert_string_equal(buf, ACCOUNT);

  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "alias/old", NULL};
  put_catalog(f->b, NULL, &rest, NULL);

  assert_int_equal(gf_fake_set_account_id(f->fake, "210987654321", &err), GF_OK);
  gf_fake_account_id(f->fake, buf);
  assert_string_equal(buf, "210987654321");
  assert_catalog_default(f->b, NULL);
  assert_catalog(f->b, ACCOUNT, GF_MODE_SSE_KMS, "alias/old", false, NULL);

  const gf_encryption_at_rest rest2 = {GF_MODE_SSE_KMS, "alias/new", NULL};
  put_catalog(f->b, NULL, &rest2, NULL);
  assert_catalog(f->b, "210987654321", GF_MODE_SSE_KMS, "alias/new", false, NULL);
  assert_catalog(f->b, ACCOUNT, GF_MODE_SSE_KMS, "alias/old", false, NULL);

  /* The fake created with an explicit account id uses it. */
  gf_fake *other = test_fake_new("000000000001", &err);
  assert_non_null(other);
  gf_fake_account_id(other, buf);
  assert_string_equal(buf, "000000000001");
  put_catalog(gf_fake_backend(other), NULL, &rest, NULL);
  assert_catalog(gf_fake_backend(other), "000000000001", GF_MODE_SSE_KMS, "alias/old", false,
                 NULL);
  gf_fake_free(other);
  assert_int_equal(err.status, GF_OK);
}

static void test_bad_account_ids_rejected(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  static const char *const bad[] = {"123",           "12345678901",  "1234567890123",
                                    "12345678901a", "",             "12345678901 ",
                                    " 12345678901", "１２３４５６７８９０１２", "-12345678901",
                                    "1234567890.1"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_fake *fake = gf_fake_new(bad[i], &err);
    if (fake) {
      print_error("gf_fake_new accepted '%s'\n", bad[i]);
      gf_fake_free(fake);
      fail();
    }
    assert_failed(GF_INVALID_INPUT, err, GF_INVALID_INPUT);

    assert_failed(gf_fake_set_account_id(f->fake, bad[i], &err), err, GF_INVALID_INPUT);
  }
  assert_failed(gf_fake_set_account_id(f->fake, NULL, &err), err, GF_INVALID_INPUT);
  /* err may be NULL. */
  assert_null(gf_fake_new("123", NULL));
  assert_int_equal(gf_fake_set_account_id(f->fake, "x", NULL), GF_INVALID_INPUT);

  /* Rejections changed nothing. */
  char buf[13];
  gf_fake_account_id(f->fake, buf);
  assert_string_equal(buf, ACCOUNT);
}

/* ---- resource policies --------------------------------------------------- */

static char *put_policy(gf_backend *b, const char *document, const char *arn)
{
  gf_error err = GF_ERROR_INIT;
  char *hash = NULL;
  gf_status status = policy_put(b, document, NULL, NULL, arn, &hash, &err);
  if (status != GF_OK)
    print_error("put policy: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  return hash;
}

static gf_get_resource_policy_response *get_policy(gf_backend *b, const char *arn)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_resource_policy_request req = {arn};
  gf_get_resource_policy_response *out = NULL;
  gf_status status = gf_get_resource_policy(b, &req, &out, &err);
  if (status != GF_OK)
    print_error("get policy: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  assert_non_null(out);
  return out;
}

static gf_status get_policy_status(gf_backend *b, const char *arn)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_resource_policy_request req = {arn};
  gf_get_resource_policy_response *out = NULL;
  gf_status status = gf_get_resource_policy(b, &req, &out, &err);
  if (status != GF_OK) {
    assert_null(out);
    assert_int_equal(err.status, status);
  }
  gf_get_resource_policy_response_free(out);
  gf_error_clear(&err);
  return status;
}

static const char unicode_policy[] =
    "{\n  \"Version\" : \"2012-10-17\",\n\t\"Statement\": [ {\"Sid\": \"caf\xC3\xA9 "
    "\xE2\x82\xAC \xF0\x9F\x98\x80\", \"Effect\":\"Allow\", \"Principal\": {\"AWS\": "
    "\"arn:aws:iam::123456789012:root\"}, \"Action\": \"glue:*\", \"Resource\": "
    "\"*\"}  ]\r\n}\n";

static void test_resource_policy_basic_flow(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(get_policy_status(f->b, NULL), GF_ENTITY_NOT_FOUND);

  char *hash1 = put_policy(f->b, unicode_policy, NULL);
  gf_get_resource_policy_response *got = get_policy(f->b, NULL);
  assert_non_null(got->policy_in_json);
  assert_int_equal(strlen(got->policy_in_json), strlen(unicode_policy));
  assert_memory_equal(got->policy_in_json, unicode_policy, sizeof unicode_policy);
  assert_string_equal(got->policy_hash, hash1);
  assert_true(got->has_create_time);
  assert_true(got->has_update_time);
  assert_time(got->create_time, T0);
  assert_time(got->update_time, T0);
  gf_get_resource_policy_response_free(got);

  /* An update keeps CreateTime and moves UpdateTime; the hash changes. */
  const char doc2[] = "{\"Version\":\"2012-10-17\",\"Statement\":[]}";
  char *hash2 = put_policy(f->b, doc2, NULL);
  assert_string_not_equal(hash2, hash1);
  got = get_policy(f->b, NULL);
  assert_string_equal(got->policy_in_json, doc2);
  assert_string_equal(got->policy_hash, hash2);
  assert_time(got->create_time, T0);
  assert_time(got->update_time, T0 + 1);
  gf_get_resource_policy_response_free(got);

  /* The same document gives the same hash again. */
  char *hash3 = put_policy(f->b, unicode_policy, NULL);
  assert_string_equal(hash3, hash1);
  got = get_policy(f->b, NULL);
  assert_string_equal(got->policy_hash, hash1);
  assert_time(got->create_time, T0);
  assert_time(got->update_time, T0 + 2);
  gf_get_resource_policy_response_free(got);

  /* One byte of whitespace is another document, with another hash. */
  char *hash4 = put_policy(f->b, "{ }", NULL);
  char *hash5 = put_policy(f->b, "{}", NULL);
  assert_string_not_equal(hash4, hash5);

  /* Delete, then it is gone. */
  gf_delete_resource_policy_response *deleted = NULL;
  assert_int_equal(gf_delete_resource_policy(f->b, NULL, &deleted, &err), GF_OK);
  assert_non_null(deleted);
  gf_delete_resource_policy_response_free(deleted);
  gf_get_resource_policy_response *missing = NULL;
  gf_status status = gf_get_resource_policy(f->b, NULL, &missing, &err);
  assert_int_equal(status, GF_ENTITY_NOT_FOUND);
  assert_null(missing);
  assert_failed(status, err, GF_ENTITY_NOT_FOUND);
  assert_failed(gf_delete_resource_policy(f->b, NULL, NULL, &err), err, GF_ENTITY_NOT_FOUND);

  /* A new put after the delete starts a new CreateTime. */
  free(put_policy(f->b, "{}", NULL));
  got = get_policy(f->b, NULL);
  assert_time(got->create_time, T0 + 5);
  assert_time(got->update_time, T0 + 5);
  gf_get_resource_policy_response_free(got);

  free(hash1);
  free(hash2);
  free(hash3);
  free(hash4);
  free(hash5);
}

static void test_policy_hash_is_deterministic_across_fakes(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *here = put_policy(f->b, unicode_policy, NULL);
  gf_fake *other = test_fake_new("999999999999", &err);
  assert_non_null(other);
  char *there = put_policy(gf_fake_backend(other), unicode_policy, NULL);
  char *there_db =
      put_policy(gf_fake_backend(other), unicode_policy, "arn:aws:glue:eu-west-1:1:database/x");
  assert_string_equal(here, there);
  assert_string_equal(here, there_db);
  gf_fake_free(other);
  free(here);
  free(there);
  free(there_db);
}

static void test_resource_policy_resource_arns(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const char db_doc[] = "{\"db\":1}";
  const char catalog_doc[] = "{\"catalog\":1}";

  char *db_hash = put_policy(f->b, db_doc, DB1_ARN);
  assert_int_equal(get_policy_status(f->b, NULL), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(f->b, DEFAULT_ARN), GF_ENTITY_NOT_FOUND);

  char *catalog_hash = put_policy(f->b, catalog_doc, NULL);
  gf_get_resource_policy_response *got = get_policy(f->b, DB1_ARN);
  assert_string_equal(got->policy_in_json, db_doc);
  assert_string_equal(got->policy_hash, db_hash);
  assert_time(got->create_time, T0);
  gf_get_resource_policy_response_free(got);

  /* The policy put without ResourceArn is the default catalog ARN's. */
  got = get_policy(f->b, DEFAULT_ARN);
  assert_string_equal(got->policy_in_json, catalog_doc);
  assert_string_equal(got->policy_hash, catalog_hash);
  assert_time(got->create_time, T0 + 1);
  gf_get_resource_policy_response_free(got);

  /* And the other way round: put with the explicit default ARN, get without. */
  free(put_policy(f->b, "{\"explicit\":true}", DEFAULT_ARN));
  got = get_policy(f->b, NULL);
  assert_string_equal(got->policy_in_json, "{\"explicit\":true}");
  assert_time(got->create_time, T0 + 1);
  assert_time(got->update_time, T0 + 2);
  gf_get_resource_policy_response_free(got);

  /* Deleting one leaves the other. */
  gf_delete_resource_policy_request del = {NULL, DB1_ARN};
  assert_int_equal(gf_delete_resource_policy(f->b, &del, NULL, &err), GF_OK);
  assert_int_equal(get_policy_status(f->b, DB1_ARN), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(f->b, NULL), GF_OK);
  assert_failed(gf_delete_resource_policy(f->b, &del, NULL, &err), err, GF_ENTITY_NOT_FOUND);

  /* Another database and another partition are other resources. */
  assert_int_equal(get_policy_status(f->b, "arn:aws:glue:us-east-1:123456789012:database/db2"),
                   GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(f->b, "arn:aws-cn:glue:us-east-1:123456789012:catalog"),
                   GF_ENTITY_NOT_FOUND);

  /* The default ARN follows the account id. */
  assert_int_equal(gf_fake_set_account_id(f->fake, "210987654321", &err), GF_OK);
  assert_int_equal(get_policy_status(f->b, NULL), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(f->b, DEFAULT_ARN), GF_OK);
  free(put_policy(f->b, "{\"new\":1}", NULL));
  got = get_policy(f->b, "arn:aws:glue:us-east-1:210987654321:catalog");
  assert_string_equal(got->policy_in_json, "{\"new\":1}");
  gf_get_resource_policy_response_free(got);

  free(db_hash);
  free(catalog_hash);
}

static void test_resource_policy_enable_hybrid_accepted(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_put_resource_policy_request req = {"{}", NULL, NULL, NULL, "TRUE"};
  gf_put_resource_policy_response *out = NULL;
  assert_int_equal(gf_put_resource_policy(f->b, &req, &out, &err), GF_OK);
  assert_non_null(out->policy_hash);
  gf_put_resource_policy_response_free(out);
  req.policy_in_json = "{\"a\":[]}";
  req.enable_hybrid = "FALSE";
  req.resource_arn = DB1_ARN;
  assert_int_equal(gf_put_resource_policy(f->b, &req, NULL, &err), GF_OK);
  assert_int_equal(get_policy_status(f->b, NULL), GF_OK);
  assert_int_equal(get_policy_status(f->b, DB1_ARN), GF_OK);
  assert_int_equal(err.status, GF_OK);
}

/* ---- the call layer ------------------------------------------------------ */

static void test_null_backend_invalid_input(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    void *out = &err; /* must be set to NULL */
    gf_status status = gf_call(NULL, (gf_operation)op, NULL, &out, &err);
    assert_int_equal(status, GF_INVALID_INPUT);
    assert_int_equal(err.status, GF_INVALID_INPUT);
    assert_non_null(err.message);
    assert_true(strlen(err.message) > 0);
    assert_null(out);
  }
  gf_get_security_configuration_request req = {"x"};
  gf_get_security_configuration_response *out = NULL;
  assert_failed(gf_get_security_configuration(NULL, &req, &out, &err), err, GF_INVALID_INPUT);
  assert_null(out);
  assert_int_equal(gf_create_security_configuration(NULL, NULL, NULL, NULL), GF_INVALID_INPUT);
}

static void test_null_request_is_all_absent(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  free(put_policy(f->b, "{\"p\":1}", NULL));
  gf_get_resource_policy_response *policy = NULL;
  assert_int_equal(gf_get_resource_policy(f->b, NULL, &policy, &err), GF_OK);
  assert_string_equal(policy->policy_in_json, "{\"p\":1}");
  gf_get_resource_policy_response_free(policy);

  gf_get_security_configuration_response *got = NULL;
  gf_status status = gf_get_security_configuration(f->b, NULL, &got, &err);
  assert_int_equal(status, GF_INVALID_INPUT);
  assert_null(got);
  assert_string_equal(err.message, "1 validation error detected: Value null at 'name' failed to "
                                   "satisfy constraint: Member must not be null");
  gf_error_clear(&err);

  assert_int_equal(gf_delete_security_configuration(f->b, NULL, NULL, &err), GF_INVALID_INPUT);
  assert_string_equal(err.message, "1 validation error detected: Value null at 'name' failed to "
                                   "satisfy constraint: Member must not be null");
  gf_error_clear(&err);

  assert_int_equal(gf_create_security_configuration(f->b, NULL, NULL, &err), GF_INVALID_INPUT);
  assert_string_equal(err.message,
                      "2 validation errors detected: Value null at 'name' failed to satisfy "
                      "constraint: Member must not be null; Value null at "
                      "'encryptionConfiguration' failed to satisfy constraint: Member must not "
                      "be null");
  gf_error_clear(&err);

  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, NULL, NULL, &err),
                   GF_INVALID_INPUT);
  assert_string_equal(err.message,
                      "1 validation error detected: Value null at "
                      "'dataCatalogEncryptionSettings' failed to satisfy constraint: Member "
                      "must not be null");
  gf_error_clear(&err);

  assert_int_equal(gf_put_resource_policy(f->b, NULL, NULL, &err), GF_INVALID_INPUT);
  assert_string_equal(err.message, "1 validation error detected: Value null at 'policyInJson' "
                                   "failed to satisfy constraint: Member must not be null");
  gf_error_clear(&err);

  assert_catalog_default(f->b, NULL);
  gf_get_data_catalog_encryption_settings_response *settings = NULL;
  assert_int_equal(gf_get_data_catalog_encryption_settings(f->b, NULL, &settings, &err), GF_OK);
  assert_non_null(settings);
  gf_get_data_catalog_encryption_settings_response_free(settings);

  create_ok(f->b, "listed");
  gf_get_security_configurations_response *list = NULL;
  assert_int_equal(gf_get_security_configurations(f->b, NULL, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 1);
  gf_get_security_configurations_response_free(list);

  /* A NULL DeleteResourcePolicy request deletes the default policy. */
  assert_int_equal(gf_delete_resource_policy(f->b, NULL, NULL, &err), GF_OK);
  assert_int_equal(get_policy_status(f->b, NULL), GF_ENTITY_NOT_FOUND);
  assert_int_equal(err.status, GF_OK);
}

static void test_null_out_discards_response(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const gf_s3_encryption s3[2] = {{GF_MODE_SSE_KMS, KMS1}, {GF_MODE_SSE_S3, NULL}};
  const gf_cloud_watch_encryption cw = {GF_MODE_SSE_KMS, KMS2};
  const gf_encryption_configuration config = {s3, 2, &cw, NULL, NULL};
  gf_create_security_configuration_request create_req = {"discarded", &config};
  assert_int_equal(gf_create_security_configuration(f->b, &create_req, NULL, &err), GF_OK);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);

  gf_get_security_configuration_request get_req = {"discarded"};
  assert_int_equal(gf_get_security_configuration(f->b, &get_req, NULL, &err), GF_OK);
  assert_int_equal(gf_get_security_configurations(f->b, NULL, NULL, &err), GF_OK);
  assert_int_equal(gf_get_data_catalog_encryption_settings(f->b, NULL, NULL, &err), GF_OK);
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "k", NULL};
  gf_data_catalog_encryption_settings settings = {&rest, NULL};
  gf_put_data_catalog_encryption_settings_request put_cat = {NULL, &settings};
  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, &put_cat, NULL, &err), GF_OK);
  gf_put_resource_policy_request put_pol = {"{}", NULL, NULL, NULL, NULL};
  assert_int_equal(gf_put_resource_policy(f->b, &put_pol, NULL, &err), GF_OK);
  assert_int_equal(gf_get_resource_policy(f->b, NULL, NULL, &err), GF_OK);
  assert_int_equal(gf_delete_resource_policy(f->b, NULL, NULL, &err), GF_OK);
  gf_delete_security_configuration_request del = {"discarded"};
  assert_int_equal(gf_delete_security_configuration(f->b, &del, NULL, &err), GF_OK);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);

  /* Through gf_call too. */
  assert_int_equal(gf_call(f->b, GF_OP_CREATE_SECURITY_CONFIGURATION, &create_req, NULL, &err),
                   GF_OK);
  assert_int_equal(gf_call(f->b, GF_OP_GET_SECURITY_CONFIGURATION, &get_req, NULL, &err), GF_OK);
  assert_int_equal(err.status, GF_OK);
  assert_null(err.message);
}

static void test_null_err_allowed(void **state)
{
  fixture *f = *state;
  gf_get_security_configuration_request req = {"missing"};
  gf_get_security_configuration_response *out = NULL;
  assert_int_equal(gf_get_security_configuration(f->b, &req, &out, NULL), GF_ENTITY_NOT_FOUND);
  assert_null(out);
  req.name = "";
  assert_int_equal(gf_get_security_configuration(f->b, &req, &out, NULL), GF_INVALID_INPUT);
  assert_null(out);
  assert_int_equal(config_create(f->b, "ok", &empty_config, NULL), GF_OK);
  assert_int_equal(config_create(f->b, "ok", &empty_config, NULL), GF_ALREADY_EXISTS);
  gf_fake_set_security_configuration_limit(f->fake, 1);
  assert_int_equal(config_create(f->b, "more", &empty_config, NULL),
                   GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  req.name = "ok";
  assert_int_equal(gf_get_security_configuration(f->b, &req, &out, NULL), GF_OK);
  assert_non_null(out);
  gf_get_security_configuration_response_free(out);
  assert_int_equal(gf_call(f->b, GF_OPERATION_COUNT, NULL, NULL, NULL), GF_UNKNOWN_OPERATION);
}

static void test_failure_sets_out_null(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  int dummy = 0;
  create_ok(f->b, "exists");

  gf_create_security_configuration_response *created = (void *)&dummy;
  gf_create_security_configuration_request create_req = {"exists", &empty_config};
  assert_failed(gf_create_security_configuration(f->b, &create_req, &created, &err), err,
                GF_ALREADY_EXISTS);
  assert_null(created);

  gf_get_security_configuration_response *got = (void *)&dummy;
  gf_get_security_configuration_request get_req = {"nope"};
  assert_failed(gf_get_security_configuration(f->b, &get_req, &got, &err), err,
                GF_ENTITY_NOT_FOUND);
  assert_null(got);

  gf_delete_security_configuration_response *deleted = (void *)&dummy;
  gf_delete_security_configuration_request del_req = {"nope"};
  assert_failed(gf_delete_security_configuration(f->b, &del_req, &deleted, &err), err,
                GF_ENTITY_NOT_FOUND);
  assert_null(deleted);

  gf_get_resource_policy_response *policy = (void *)&dummy;
  assert_failed(gf_get_resource_policy(f->b, NULL, &policy, &err), err, GF_ENTITY_NOT_FOUND);
  assert_null(policy);

  gf_put_resource_policy_response *put = (void *)&dummy;
  gf_put_resource_policy_request put_req = {"{", NULL, NULL, NULL, NULL};
  assert_failed(gf_put_resource_policy(f->b, &put_req, &put, &err), err, GF_INVALID_INPUT);
  assert_null(put);

  gf_get_security_configurations_response *list = (void *)&dummy;
  gf_get_security_configurations_request list_req = {true, 0, NULL};
  assert_failed(gf_get_security_configurations(f->b, &list_req, &list, &err), err,
                GF_INVALID_INPUT);
  assert_null(list);

  void *any = &dummy;
  assert_failed(gf_call(f->b, (gf_operation)GF_OPERATION_COUNT, NULL, &any, &err), err,
                GF_UNKNOWN_OPERATION);
  assert_null(any);
}

/* A backend of our own, for the contract of the call layer. */
typedef struct probe_backend {
  gf_backend parent;
  gf_backend *inner;
  int mode;
  int calls;
  int null_arguments;
  int request_all_absent;
  int destroyed;
} probe_backend;

enum { PROBE_FORWARD, PROBE_FAIL, PROBE_NO_RESPONSE, PROBE_LEAVE_RESPONSE, PROBE_BARE_STATUS };

static gf_status probe_get_security_configuration(gf_backend *self,
                                                  const gf_get_security_configuration_request *req,
                                                  gf_get_security_configuration_response **out,
                                                  gf_error *err)
{
  probe_backend *p = (probe_backend *)self;
  p->calls++;
  if (!req || !out || !err) {
    p->null_arguments++;
    return GF_INTERNAL_SERVICE;
  }
  p->request_all_absent = req->name == NULL;
  switch (p->mode) {
  case PROBE_FORWARD:
    return gf_get_security_configuration(p->inner, req, out, err);
  case PROBE_FAIL:
    return gf_error_set(err, GF_OPERATION_TIMEOUT, "probe timed out (%d)", p->calls);
  case PROBE_NO_RESPONSE:
    return GF_OK;
  case PROBE_LEAVE_RESPONSE: {
    /* A sloppy backend: a response left behind on failure. */
    gf_get_security_configuration_request any = {"inner"};
    gf_get_security_configuration(p->inner, &any, out, err);
    return gf_error_set(err, GF_CONDITION_CHECK_FAILURE, "left a response behind");
  }
  default:
    return GF_OPERATION_TIMEOUT; /* err untouched */
  }
}

static gf_status probe_get_security_configurations(
    gf_backend *self, const gf_get_security_configurations_request *req,
    gf_get_security_configurations_response **out, gf_error *err)
{
  probe_backend *p = (probe_backend *)self;
  p->calls++;
  if (!req || !out || !err) {
    p->null_arguments++;
    return GF_INTERNAL_SERVICE;
  }
  p->request_all_absent = !req->has_max_results && req->max_results == 0 && !req->next_token;
  return gf_get_security_configurations(p->inner, req, out, err);
}

static void probe_destroy(gf_backend *self) { ((probe_backend *)self)->destroyed++; }

static void probe_init(probe_backend *p, gf_backend *inner)
{
  gf_backend init = GF_BACKEND_INIT;
  memset(p, 0, sizeof *p);
  p->parent = init;
  p->parent.get_security_configuration = probe_get_security_configuration;
  p->parent.get_security_configurations = probe_get_security_configurations;
  p->parent.destroy = probe_destroy;
  p->inner = inner;
}

static void test_custom_backend_null_slot_internal_service(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_backend bare = GF_BACKEND_INIT;
  assert_int_equal(bare.version, GF_BACKEND_VERSION);
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    void *out = &err;
    gf_status status = gf_call(&bare, (gf_operation)op, NULL, &out, &err);
    assert_int_equal(status, GF_INTERNAL_SERVICE);
    assert_int_equal(err.status, GF_INTERNAL_SERVICE);
    assert_contains(err.message, gf_operation_name((gf_operation)op));
    assert_null(out);
  }
  gf_error_clear(&err);
  gf_create_security_configuration_request req = {"x", &empty_config};
  assert_int_equal(gf_create_security_configuration(&bare, &req, NULL, NULL),
                   GF_INTERNAL_SERVICE);
  gf_backend_free(&bare); /* NULL destroy: nothing happens */
  gf_backend_free(NULL);
}

static void test_custom_backend_version_checked(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "inner");
  probe_backend p;
  probe_init(&p, f->b);
  gf_get_security_configuration_request req = {"inner"};
  gf_get_security_configuration_response *out = NULL;

  p.parent.version = 0;
  assert_failed(gf_get_security_configuration(&p.parent, &req, &out, &err), err,
                GF_INTERNAL_SERVICE);
  assert_null(out);
  p.parent.version = GF_BACKEND_VERSION + 1;
  assert_failed(gf_get_security_configuration(&p.parent, &req, &out, &err), err,
                GF_INTERNAL_SERVICE);
  assert_null(out);
  /* Version 1's vtable had no GetResourcePolicies slot: its destroy sat there. */
  p.parent.version = 1;
  assert_failed(gf_get_security_configuration(&p.parent, &req, &out, &err), err,
                GF_INTERNAL_SERVICE);
  assert_null(out);
  assert_int_equal(p.calls, 0);

  p.parent.version = GF_BACKEND_VERSION;
  assert_int_equal(gf_get_security_configuration(&p.parent, &req, &out, &err), GF_OK);
  assert_int_equal(p.calls, 1);
  assert_string_equal(out->security_configuration->name, "inner");
  gf_get_security_configuration_response_free(out);
}

static void test_custom_backend_slot_arguments(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "inner");
  probe_backend p;
  probe_init(&p, f->b);

  /* NULL request, out and err still reach the slot as non-NULL. */
  p.mode = PROBE_FAIL;
  assert_int_equal(gf_get_security_configuration(&p.parent, NULL, NULL, NULL),
                   GF_OPERATION_TIMEOUT);
  assert_int_equal(p.calls, 1);
  assert_int_equal(p.null_arguments, 0);
  assert_true(p.request_all_absent);

  assert_int_equal(gf_get_security_configurations(&p.parent, NULL, NULL, NULL), GF_OK);
  assert_int_equal(p.calls, 2);
  assert_int_equal(p.null_arguments, 0);
  assert_true(p.request_all_absent);

  /* The slot's error reaches the caller. */
  gf_get_security_configuration_response *out = NULL;
  assert_int_equal(gf_get_security_configuration(&p.parent, NULL, &out, &err),
                   GF_OPERATION_TIMEOUT);
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  assert_string_equal(err.message, "probe timed out (3)");
  assert_null(out);
  gf_error_clear(&err);

  /* Forwarding decorator: the inner fake's answer comes through. */
  p.mode = PROBE_FORWARD;
  gf_get_security_configuration_request req = {"inner"};
  assert_int_equal(gf_get_security_configuration(&p.parent, &req, &out, &err), GF_OK);
  assert_false(p.request_all_absent);
  assert_string_equal(out->security_configuration->name, "inner");
  assert_time(out->security_configuration->created_time_stamp, T0);
  gf_get_security_configuration_response_free(out);
  out = NULL;
  assert_failed(gf_get_security_configuration(&p.parent, NULL, &out, &err), err,
                GF_INVALID_INPUT);

  /* GF_OK without a response is the backend's fault. */
  p.mode = PROBE_NO_RESPONSE;
  assert_failed(gf_get_security_configuration(&p.parent, &req, &out, &err), err,
                GF_INTERNAL_SERVICE);
  assert_null(out);

  /* A response left behind on failure is freed, not handed out. */
  p.mode = PROBE_LEAVE_RESPONSE;
  out = NULL;
  assert_int_equal(gf_get_security_configuration(&p.parent, &req, &out, &err),
                   GF_CONDITION_CHECK_FAILURE);
  assert_null(out);
  assert_string_equal(err.message, "left a response behind");
  gf_error_clear(&err);
  assert_int_equal(gf_get_security_configuration(&p.parent, &req, NULL, NULL),
                   GF_CONDITION_CHECK_FAILURE);

  /* A bare status with err untouched still reaches err. */
  p.mode = PROBE_BARE_STATUS;
  assert_int_equal(gf_get_security_configuration(&p.parent, &req, &out, &err),
                   GF_OPERATION_TIMEOUT);
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  assert_string_equal(gf_error_message(&err), "OperationTimeoutException");
  gf_error_clear(&err);

  /* Unimplemented slots of the same backend. */
  assert_failed(gf_create_security_configuration(&p.parent, NULL, NULL, &err), err,
                GF_INTERNAL_SERVICE);

  /* gf_backend_free goes through destroy. */
  gf_backend_free(&p.parent);
  assert_int_equal(p.destroyed, 1);
}

static void test_gf_call_dispatch_and_range(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  void *out = &err;
  assert_int_equal(gf_call(f->b, GF_OPERATION_COUNT, NULL, &out, &err), GF_UNKNOWN_OPERATION);
  assert_int_equal(err.status, GF_UNKNOWN_OPERATION);
  assert_non_null(err.message);
  assert_null(out);
  out = &err;
  assert_failed(gf_call(f->b, (gf_operation)(GF_OPERATION_COUNT + 7), NULL, &out, &err), err,
                GF_UNKNOWN_OPERATION);
  assert_null(out);
  out = &err;
  assert_failed(gf_call(f->b, (gf_operation)-1, NULL, &out, &err), err, GF_UNKNOWN_OPERATION);
  assert_null(out);

  /* In range, gf_call is the typed call. */
  gf_create_security_configuration_request req = {"via-call", &empty_config};
  out = NULL;
  assert_int_equal(gf_call(f->b, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, &out, &err), GF_OK);
  gf_create_security_configuration_response *created = out;
  assert_string_equal(created->name, "via-call");
  assert_time(created->created_timestamp, T0);
  gf_response_free(GF_OP_CREATE_SECURITY_CONFIGURATION, out);
  gf_get_security_configuration_request get = {"via-call"};
  out = NULL;
  assert_int_equal(gf_call(f->b, GF_OP_GET_SECURITY_CONFIGURATION, &get, &out, &err), GF_OK);
  gf_get_security_configuration_response *got = out;
  assert_string_equal(got->security_configuration->name, "via-call");
  gf_response_free(GF_OP_GET_SECURITY_CONFIGURATION, out);
  gf_response_free(GF_OP_GET_SECURITY_CONFIGURATION, NULL);
  gf_response_free(GF_OPERATION_COUNT, NULL);
}

static void test_backend_free_frees_fake(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(NULL, &err);
  assert_non_null(fake);
  gf_backend *b = gf_fake_backend(fake);
  assert_non_null(b);
  create_ok(b, "a");
  create_ok(b, "b");
  free(put_policy(b, "{}", NULL));
  free(put_policy(b, "{}", DB1_ARN));
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "k", NULL};
  put_catalog(b, "x", &rest, NULL);
  gf_backend_free(b); /* valgrind: everything freed */
  assert_null(gf_fake_backend(NULL));
  gf_fake_free(NULL);
}

static void test_error_reused_over_failures(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_request req = {"missing-1"};
  assert_int_equal(gf_get_security_configuration(f->b, &req, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_contains(err.message, "missing-1");
  req.name = "";
  assert_int_equal(gf_get_security_configuration(f->b, &req, NULL, &err), GF_INVALID_INPUT);
  assert_contains(err.message, "validation error");
  assert_int_equal(config_create(f->b, "dup", &empty_config, &err), GF_OK);
  /* Success leaves err as it was. */
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_contains(err.message, "validation error");
  assert_int_equal(config_create(f->b, "dup", &empty_config, &err), GF_ALREADY_EXISTS);
  assert_int_equal(err.status, GF_ALREADY_EXISTS);
  assert_contains(err.message, "dup");
  assert_int_equal(gf_call(NULL, GF_OP_GET_RESOURCE_POLICY, NULL, NULL, &err), GF_INVALID_INPUT);
  assert_int_equal(gf_call(f->b, GF_OPERATION_COUNT, NULL, NULL, &err), GF_UNKNOWN_OPERATION);
  gf_fake_set_security_configuration_limit(f->fake, 0);
  assert_int_equal(config_create(f->b, "more", &empty_config, &err),
                   GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(err.status, GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  for (int i = 0; i < 50; i++)
    assert_int_equal(gf_get_resource_policy(f->b, NULL, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_int_equal(err.status, GF_ENTITY_NOT_FOUND);
  gf_error_clear(&err);
  assert_int_equal(err.status, GF_OK);
  assert_null(err.message);
  gf_error_clear(&err); /* twice is fine */
  gf_error_clear(NULL);
}

static void test_error_message_never_null(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_non_null(gf_error_message(&err));
  assert_string_equal(gf_error_message(&err), "OK");
  for (int s = 0; s < GF_STATUS_COUNT; s++) {
    gf_error bare = {(gf_status)s, NULL, NULL, 0, NULL};
    assert_non_null(gf_error_message(&bare));
    assert_string_equal(gf_error_message(&bare), gf_status_name((gf_status)s));
  }
  gf_error odd = {(gf_status)GF_STATUS_COUNT, NULL, NULL, 0, NULL};
  assert_non_null(gf_error_message(&odd));
  gf_error odd2 = {(gf_status)-1, NULL, NULL, 0, NULL};
  assert_non_null(gf_error_message(&odd2));
  assert_non_null(gf_error_message(NULL));

  gf_error_set(&err, GF_OPERATION_TIMEOUT, "took %d ms", 42);
  assert_string_equal(gf_error_message(&err), "took 42 ms");
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  gf_error copy = GF_ERROR_INIT;
  assert_int_equal(gf_error_copy(&copy, &err), GF_OPERATION_TIMEOUT);
  assert_string_equal(copy.message, "took 42 ms");
  assert_true(copy.message != err.message);
  gf_error_clear(&copy);
  /* an error without a message copies as its status name */
  gf_error bare = {GF_ENTITY_NOT_FOUND, NULL, NULL, 0, NULL};
  assert_int_equal(gf_error_copy(&copy, &bare), GF_ENTITY_NOT_FOUND);
  assert_string_equal(copy.message, "EntityNotFoundException");
  gf_error_clear(&copy);
  gf_error_clear(&err);
  assert_string_equal(gf_error_message(&err), "OK");
  assert_int_equal(gf_error_set(NULL, GF_INTERNAL_SERVICE, "x"), GF_INTERNAL_SERVICE);
}

static void test_status_names_round_trip(void **state)
{
  (void)state;
  static const char *const names[GF_STATUS_COUNT] = {
      "OK",
      "AlreadyExistsException",
      "ConditionCheckFailureException",
      "EntityNotFoundException",
      "InternalServiceException",
      "InvalidInputException",
      "OperationTimeoutException",
      "ResourceNumberLimitExceededException",
      "SerializationException",
      "UnknownOperationException",
      "GlueEncryptionException",
      "ThrottlingException",
      "ServiceUnavailableException",
      "AccessDeniedException",
      "MissingAuthenticationTokenException",
      "IncompleteSignatureException",
      "InvalidSignatureException",
      "UnrecognizedClientException",
      "ExpiredTokenException",
      "TransportError",
      "UnknownError",
  };
  for (int s = 0; s < GF_STATUS_COUNT; s++) {
    assert_non_null(names[s]); /* a row of the table this test does not know */
    assert_string_equal(gf_status_name((gf_status)s), names[s]);
    if (s == GF_OK)
      continue;
    gf_status parsed = GF_OK;
    assert_int_equal(gf_status_from_name(names[s], &parsed), 0);
    assert_int_equal(parsed, s);
    /* Without the "Exception" suffix, for the names that have one. */
    size_t len = strlen(names[s]);
    if (len <= strlen("Exception") || strcmp(names[s] + len - strlen("Exception"), "Exception"))
      continue;
    char bare[64];
    len -= strlen("Exception");
    memcpy(bare, names[s], len);
    bare[len] = '\0';
    parsed = GF_OK;
    assert_int_equal(gf_status_from_name(bare, &parsed), 0);
    assert_int_equal(parsed, s);
  }
  assert_null(gf_status_name(GF_STATUS_COUNT));
  assert_null(gf_status_name((gf_status)-1));

  static const char *const unknown[] = {"",
                                        "Exception",
                                        "Bogus",
                                        "BogusException",
                                        "entitynotfound",
                                        "ENTITYNOTFOUNDEXCEPTION",
                                        "EntityNotFoundExceptionX",
                                        "EntityNotFoundExc",
                                        "EntityNotFoundexception",
                                        "EntityNotFoundExceptionException",
                                        " EntityNotFound",
                                        "EntityNotFound ",
                                        "ValidationException",
                                        "Transport", /* no "Exception" to leave out */
                                        "TransportErrorException"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    gf_status parsed = GF_ENTITY_NOT_FOUND;
    if (gf_status_from_name(unknown[i], &parsed) != -1) {
      print_error("gf_status_from_name accepted '%s'\n", unknown[i]);
      fail();
    }
    assert_int_equal(parsed, GF_ENTITY_NOT_FOUND); /* untouched */
  }
  gf_status parsed;
  assert_int_equal(gf_status_from_name(NULL, &parsed), -1);
}

/* The error table, row by row: each status keeps its number (statuses are
 * only ever appended), its kind and whether clients retry it.  Written out
 * here, not derived from GF_ERRORS, so that a changed row fails. */
static void test_status_numbers_kinds_and_retry(void **state)
{
  (void)state;
  static const struct {
    gf_status status;
    int number;
    gf_error_kind kind;
    gf_retry retry;
  } rows[] = {
      {GF_OK, 0, GF_ERROR_NONE, GF_RETRY_NEVER},
      {GF_ALREADY_EXISTS, 1, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_CONDITION_CHECK_FAILURE, 2, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_ENTITY_NOT_FOUND, 3, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_INTERNAL_SERVICE, 4, GF_ERROR_MODELLED, GF_RETRY_TRANSIENT},
      {GF_INVALID_INPUT, 5, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_OPERATION_TIMEOUT, 6, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_RESOURCE_NUMBER_LIMIT_EXCEEDED, 7, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_SERIALIZATION, 8, GF_ERROR_PROTOCOL, GF_RETRY_NEVER},
      {GF_UNKNOWN_OPERATION, 9, GF_ERROR_PROTOCOL, GF_RETRY_NEVER},
      {GF_GLUE_ENCRYPTION, 10, GF_ERROR_MODELLED, GF_RETRY_NEVER},
      {GF_THROTTLING, 11, GF_ERROR_SERVICE, GF_RETRY_THROTTLING},
      {GF_SERVICE_UNAVAILABLE, 12, GF_ERROR_SERVICE, GF_RETRY_TRANSIENT},
      {GF_ACCESS_DENIED, 13, GF_ERROR_SERVICE, GF_RETRY_NEVER},
      {GF_MISSING_AUTHENTICATION_TOKEN, 14, GF_ERROR_AUTH, GF_RETRY_NEVER},
      {GF_INCOMPLETE_SIGNATURE, 15, GF_ERROR_AUTH, GF_RETRY_NEVER},
      {GF_INVALID_SIGNATURE, 16, GF_ERROR_AUTH, GF_RETRY_NEVER},
      {GF_UNRECOGNIZED_CLIENT, 17, GF_ERROR_AUTH, GF_RETRY_NEVER},
      {GF_EXPIRED_TOKEN, 18, GF_ERROR_AUTH, GF_RETRY_NEVER},
      {GF_TRANSPORT, 19, GF_ERROR_TRANSPORT, GF_RETRY_TRANSIENT},
      {GF_UNKNOWN, 20, GF_ERROR_UNKNOWN, GF_RETRY_NEVER},
  };
  size_t n = sizeof rows / sizeof rows[0];
  /* A row this test does not know (or one gone) fails here. */
  assert_int_equal(GF_STATUS_COUNT, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal((int)rows[i].status, rows[i].number);
    assert_int_equal(rows[i].number, (int)i);
    assert_int_equal(gf_status_kind(rows[i].status), rows[i].kind);
    assert_int_equal(gf_status_retry(rows[i].status), rows[i].retry);
  }

  /* Every row of the X-macro, in its order, is a status numbered 1, 2, ... */
  int next = 1;
#define CHECK_ROW(UPPER, Name, http, kind, retry)                                          \
  assert_int_equal((int)GF_##UPPER, next);                                                 \
  assert_string_equal(gf_status_name(GF_##UPPER), #Name);                                  \
  assert_int_equal(gf_status_kind(GF_##UPPER), GF_ERROR_##kind);                           \
  assert_int_equal(gf_status_retry(GF_##UPPER), GF_RETRY_##retry);                         \
  next++;
  GF_ERRORS(CHECK_ROW)
#undef CHECK_ROW
  assert_int_equal(next, GF_STATUS_COUNT);

  /* Out of range: no kind, never retried. */
  static const int out_of_range[] = {GF_STATUS_COUNT, GF_STATUS_COUNT + 1, -1, 1000, -1000};
  for (size_t i = 0; i < sizeof out_of_range / sizeof out_of_range[0]; i++) {
    assert_int_equal(gf_status_kind((gf_status)out_of_range[i]), GF_ERROR_NONE);
    assert_int_equal(gf_status_retry((gf_status)out_of_range[i]), GF_RETRY_NEVER);
  }

  /* The enums' own values, which callers may store. */
  assert_int_equal(GF_ERROR_NONE, 0);
  assert_int_equal(GF_ERROR_MODELLED, 1);
  assert_int_equal(GF_ERROR_PROTOCOL, 2);
  assert_int_equal(GF_ERROR_SERVICE, 3);
  assert_int_equal(GF_ERROR_AUTH, 4);
  assert_int_equal(GF_ERROR_TRANSPORT, 5);
  assert_int_equal(GF_ERROR_UNKNOWN, 6);
  assert_int_equal(GF_RETRY_NEVER, 0);
  assert_int_equal(GF_RETRY_THROTTLING, 1);
  assert_int_equal(GF_RETRY_TRANSIENT, 2);
}

static void test_operation_names_round_trip(void **state)
{
  (void)state;
  static const char *const names[GF_OPERATION_COUNT] = {
      "GetDataCatalogEncryptionSettings",
      "PutDataCatalogEncryptionSettings",
      "PutResourcePolicy",
      "GetResourcePolicy",
      "DeleteResourcePolicy",
      "CreateSecurityConfiguration",
      "DeleteSecurityConfiguration",
      "GetSecurityConfiguration",
      "GetSecurityConfigurations",
      "GetResourcePolicies",
  };
  /* The current model's ten: the one added went last, no number moved. */
  assert_int_equal(GF_OPERATION_COUNT, 10);
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    assert_string_equal(gf_operation_name((gf_operation)op), names[op]);
    gf_operation parsed = GF_OPERATION_COUNT;
    assert_int_equal(gf_operation_from_name(names[op], &parsed), 0);
    assert_int_equal(parsed, op);
  }
  assert_int_equal(GF_OP_CREATE_SECURITY_CONFIGURATION, 5);
  assert_string_equal(gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATIONS),
                      "GetSecurityConfigurations");
  assert_null(gf_operation_name(GF_OPERATION_COUNT));
  assert_null(gf_operation_name((gf_operation)-1));
  static const char *const unknown[] = {"", "getSecurityConfiguration", "GetSecurityConfigurationS",
                                        "GetSecurityConfiguration ", "DeleteJob",
                                        "AWSGlue.GetSecurityConfiguration"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    gf_operation parsed = GF_OP_PUT_RESOURCE_POLICY;
    assert_int_equal(gf_operation_from_name(unknown[i], &parsed), -1);
    assert_int_equal(parsed, GF_OP_PUT_RESOURCE_POLICY);
  }
  gf_operation parsed;
  assert_int_equal(gf_operation_from_name(NULL, &parsed), -1);
}

/* ---- clock and reset ----------------------------------------------------- */

static void test_clock_step_zero(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_set_clock(f->fake, 1234567890, 0, &err), GF_OK);
  for (int i = 0; i < 3; i++) {
    char name[8];
    snprintf(name, sizeof name, "c%d", i);
    gf_create_security_configuration_request req = {name, &empty_config};
    gf_create_security_configuration_response *out = NULL;
    assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
    assert_time(out->created_timestamp, 1234567890.0);
    gf_create_security_configuration_response_free(out);
  }
  free(put_policy(f->b, "{}", NULL));
  free(put_policy(f->b, "[]", NULL));
  gf_get_resource_policy_response *got = get_policy(f->b, NULL);
  assert_time(got->create_time, 1234567890.0);
  assert_time(got->update_time, 1234567890.0);
  gf_get_resource_policy_response_free(got);
  assert_time(gf_fake_now(f->fake), 1234567890.0);
}

static void test_clock_fractional_and_now(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_set_clock(f->fake, 1700000000.25, 0.5, &err), GF_OK);
  gf_create_security_configuration_request req = {"frac", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
  assert_time(out->created_timestamp, 1700000000.25);
  gf_create_security_configuration_response_free(out);
  gf_get_security_configuration_response *got = get_config(f->b, "frac");
  assert_time(got->security_configuration->created_time_stamp, 1700000000.25);
  cJSON *json = response_json(GF_OP_GET_SECURITY_CONFIGURATION, got);
  char *text = cJSON_PrintUnformatted(json);
  assert_contains(text, "\"CreatedTimeStamp\":1700000000.25");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_get_security_configuration_response_free(got);

  /* gf_fake_now takes a reading like an operation does. */
  assert_time(gf_fake_now(f->fake), 1700000000.75);
  free(put_policy(f->b, "{}", NULL));
  gf_get_resource_policy_response *policy = get_policy(f->b, NULL);
  assert_time(policy->create_time, 1700000001.25);
  gf_get_resource_policy_response_free(policy);

  /* Reads do not consume the clock. */
  assert_time(gf_fake_now(f->fake), 1700000001.75);

  /* 0 is a valid now. */
  assert_int_equal(gf_fake_set_clock(f->fake, 0, 0, &err), GF_OK);
  assert_time(gf_fake_now(f->fake), 0.0);
}

static void test_clock_bad_values_rejected(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_failed(gf_fake_set_clock(f->fake, NAN, 1, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, -1, 1, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, -0.001, 0, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, INFINITY, 1, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, 1, NAN, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, 1, INFINITY, &err), err, GF_INVALID_INPUT);
  assert_failed(gf_fake_set_clock(f->fake, 1, -1, &err), err, GF_INVALID_INPUT);
  assert_int_equal(gf_fake_set_clock(f->fake, NAN, 0, NULL), GF_INVALID_INPUT);
  /* The clock is still the fixture's. */
  assert_time(gf_fake_now(f->fake), T0);
  assert_time(gf_fake_now(f->fake), T0 + 1);
}

/* A clock whose next step would overflow a double stays at its value
 * (never infinity: a dump must read back). */
static void test_clock_saturates(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_set_clock(f->fake, DBL_MAX, DBL_MAX, &err), GF_OK);
  gf_create_security_configuration_request req = {"late", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
  assert_true(out->has_created_timestamp);
  assert_true(out->created_timestamp == DBL_MAX);
  gf_create_security_configuration_response_free(out);
  assert_true(gf_fake_now(f->fake) == DBL_MAX);
  assert_true(gf_fake_now(f->fake) == DBL_MAX);
}

/* What the fake's real clock reads.  Not time(): it may read a coarser
 * clock that lags by a tick, which just after a second boundary looks like
 * the previous second. */
static double realtime_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void test_real_clock(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_fake_set_real_clock(f->fake);
  double before = realtime_now();
  gf_create_security_configuration_request req = {"real", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err), GF_OK);
  double after = realtime_now();
  /* Truncated to milliseconds: at most 1 ms before `before`. */
  assert_true(out->created_timestamp >= before - 0.001);
  assert_true(out->created_timestamp <= after + 1e-6); /* rounding of the two doubles */
  /* Whole milliseconds, as AWS gives them. */
  double ms = out->created_timestamp * 1000;
  assert_true(fabs(ms - (double)llround(ms)) < 1e-3);
  gf_create_security_configuration_response_free(out);
}

static void test_reset_empties_everything(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new("111122223333", &err);
  assert_non_null(fake);
  gf_backend *b = gf_fake_backend(fake);
  assert_int_equal(gf_fake_set_clock(fake, T0, 1, &err), GF_OK);

  create_ok(b, "a");
  create_ok(b, "b");
  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "k", NULL};
  static const gf_connection_password_encryption pw = {true, "p", true};
  put_catalog(b, NULL, &rest, &pw);
  put_catalog(b, "other", &rest, &pw);
  free(put_policy(b, "{}", NULL));
  free(put_policy(b, "{}", "arn:aws:glue:us-east-1:111122223333:database/db1"));
  assert_int_equal(gf_fake_set_account_id(fake, "999988887777", &err), GF_OK);
  put_catalog(b, NULL, &rest, &pw);
  free(put_policy(b, "{}", NULL));
  gf_fake_set_security_configuration_limit(fake, 2);

  gf_fake_reset(fake);

  assert_int_equal(gf_fake_security_configuration_count(fake), 0);
  assert_int_equal(get_status(b, "a"), GF_ENTITY_NOT_FOUND);
  gf_get_security_configurations_response *list = NULL;
  assert_int_equal(gf_get_security_configurations(b, NULL, &list, &err), GF_OK);
  assert_int_equal(list->security_configurations_count, 0);
  assert_null(list->next_token);
  gf_get_security_configurations_response_free(list);

  char buf[13];
  gf_fake_account_id(fake, buf);
  assert_string_equal(buf, "111122223333");

  assert_catalog_default(b, NULL);
  assert_catalog_default(b, "111122223333");
  assert_catalog_default(b, "999988887777");
  assert_catalog_default(b, "other");
  assert_int_equal(get_policy_status(b, NULL), GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(b, "arn:aws:glue:us-east-1:111122223333:database/db1"),
                   GF_ENTITY_NOT_FOUND);
  assert_int_equal(get_policy_status(b, "arn:aws:glue:us-east-1:999988887777:catalog"),
                   GF_ENTITY_NOT_FOUND);

  /* Real clock, no limit. */
  double before = realtime_now();
  for (int i = 0; i < 3; i++) {
    char name[8];
    snprintf(name, sizeof name, "n%d", i);
    gf_create_security_configuration_request req = {name, &empty_config};
    gf_create_security_configuration_response *out = NULL;
    assert_int_equal(gf_create_security_configuration(b, &req, &out, &err), GF_OK);
    assert_true(out->created_timestamp >= before - 0.001);
    assert_true(out->created_timestamp <= realtime_now() + 0.001);
    gf_create_security_configuration_response_free(out);
  }
  double now = gf_fake_now(fake);
  assert_true(fabs(now - realtime_now()) < 5);

  /* Names used before the reset are free again. */
  create_ok(b, "a");
  assert_int_equal(gf_fake_security_configuration_count(fake), 4);
  gf_fake_free(fake);
}

/* The same calls on two fakes with the same clock give the same answers. */
static char *run_scenario(void)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(NULL, &err);
  assert_non_null(fake);
  assert_int_equal(gf_fake_set_clock(fake, T0, 0.5, &err), GF_OK);
  gf_backend *b = gf_fake_backend(fake);
  sbuf out = {NULL, 0, 0};
  void *resp;
  gf_status status;

  const gf_s3_encryption s3[2] = {{GF_MODE_SSE_KMS, KMS1}, {GF_MODE_SSE_S3, NULL}};
  const gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, KMS3};
  const gf_encryption_configuration config = {s3, 2, NULL, &jb, NULL};
  for (int i = 0; i < 7; i++) {
    char name[16];
    snprintf(name, sizeof name, "cfg-%d", i);
    gf_create_security_configuration_request req = {name, &config};
    resp = NULL;
    status = gf_call(b, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, &resp, &err);
    record(&out, GF_OP_CREATE_SECURITY_CONFIGURATION, status, resp, &err);
  }
  gf_create_security_configuration_request dup = {"cfg-3", &config};
  resp = NULL;
  status = gf_call(b, GF_OP_CREATE_SECURITY_CONFIGURATION, &dup, &resp, &err);
  record(&out, GF_OP_CREATE_SECURITY_CONFIGURATION, status, resp, &err);
  gf_delete_security_configuration_request del = {"cfg-4"};
  resp = NULL;
  status = gf_call(b, GF_OP_DELETE_SECURITY_CONFIGURATION, &del, &resp, &err);
  record(&out, GF_OP_DELETE_SECURITY_CONFIGURATION, status, resp, &err);

  /* Page through with MaxResults 2, following the tokens. */
  char *token = NULL;
  int pages = 0;
  do {
    gf_get_security_configurations_request req = {true, 2, token};
    gf_get_security_configurations_response *page = NULL;
    status = gf_get_security_configurations(b, &req, &page, &err);
    assert_int_equal(status, GF_OK);
    free(token);
    token = page->next_token ? strdup(page->next_token) : NULL;
    record(&out, GF_OP_GET_SECURITY_CONFIGURATIONS, status, page, &err);
    pages++;
  } while (token && pages < 10);
  assert_int_equal(pages, 3);

  const char *docs[] = {"{\"Version\":\"2012-10-17\"}", "{}", unicode_policy};
  for (int i = 0; i < 3; i++) {
    gf_put_resource_policy_request req = {docs[i], NULL, NULL, i == 1 ? DB1_ARN : NULL, NULL};
    resp = NULL;
    status = gf_call(b, GF_OP_PUT_RESOURCE_POLICY, &req, &resp, &err);
    record(&out, GF_OP_PUT_RESOURCE_POLICY, status, resp, &err);
  }
  resp = NULL;
  status = gf_call(b, GF_OP_GET_RESOURCE_POLICY, NULL, &resp, &err);
  record(&out, GF_OP_GET_RESOURCE_POLICY, status, resp, &err);

  const gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, "alias/x", NULL};
  gf_data_catalog_encryption_settings settings = {&rest, NULL};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &settings};
  resp = NULL;
  status = gf_call(b, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put, &resp, &err);
  record(&out, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, status, resp, &err);
  resp = NULL;
  status = gf_call(b, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL, &resp, &err);
  record(&out, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, status, resp, &err);
  gf_get_security_configuration_request missing = {"cfg-4"};
  resp = NULL;
  status = gf_call(b, GF_OP_GET_SECURITY_CONFIGURATION, &missing, &resp, &err);
  record(&out, GF_OP_GET_SECURITY_CONFIGURATION, status, resp, &err);

  gf_fake_free(fake);
  return out.p;
}

static void test_determinism_two_fakes(void **state)
{
  (void)state;
  char *first = run_scenario();
  char *second = run_scenario();
  assert_string_equal(first, second);
  assert_contains(first, "\"NextToken\":");
  assert_contains(first, "\"PolicyHash\":");
  assert_contains(first, "\"CreatedTimestamp\":1700000000.5");
  assert_contains(first, "AlreadyExistsException");
  assert_contains(first, "EntityNotFoundException");
  free(first);
  free(second);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_create_returns_name_and_clock_timestamps),
      T(test_timestamp_member_spellings),
      T(test_encryption_configuration_full_round_trip),
      T(test_encryption_configuration_partial_members),
      T(test_empty_s3_list_stays_present),
      T(test_request_is_copied),
      T(test_list_security_configurations),
      T(test_delete_security_configuration),
      T(test_create_duplicate_already_exists),
      T(test_get_and_delete_missing_entity_not_found),
      T(test_security_configuration_limit),
      T(test_security_configuration_limit_zero),
      T(test_catalog_never_set_returns_default),
      T(test_catalog_put_default_get_by_account_id),
      T(test_catalog_put_by_account_id_get_default),
      T(test_catalog_ids_are_independent),
      T(test_catalog_put_replaces),
      T(test_catalog_put_one_member_other_default),
      T(test_catalog_put_reads_only_members),
      T(test_set_account_id_changes_default_catalog),
      T(test_bad_account_ids_rejected),
      T(test_resource_policy_basic_flow),
      T(test_policy_hash_is_deterministic_across_fakes),
      T(test_resource_policy_resource_arns),
      T(test_resource_policy_enable_hybrid_accepted),
      T(test_null_backend_invalid_input),
      T(test_null_request_is_all_absent),
      T(test_null_out_discards_response),
      T(test_null_err_allowed),
      T(test_failure_sets_out_null),
      T(test_custom_backend_null_slot_internal_service),
      T(test_custom_backend_version_checked),
      T(test_custom_backend_slot_arguments),
      T(test_gf_call_dispatch_and_range),
      T(test_backend_free_frees_fake),
      T(test_error_reused_over_failures),
      T(test_error_message_never_null),
      T(test_status_names_round_trip),
      T(test_status_numbers_kinds_and_retry),
      T(test_operation_names_round_trip),
      T(test_clock_step_zero),
      T(test_clock_fractional_and_now),
      T(test_clock_bad_values_rejected),

      T(test_clock_saturates),
      T(test_real_clock),
      T(test_reset_empties_everything),
      T(test_determinism_two_fakes),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
