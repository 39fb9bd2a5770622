/*
 * test_alloc_failure.c - SQLite's allocation-failure sweep (the engine and its
 * counting allocator: alloc_sweep.h).
 *
 * A counting allocator (installed with gf_set_allocator, so cJSON's hooks
 * go through it too) fails the nth allocation of one call - and every one
 * after it, or only that one - for n = 1, 2, 3, ... until a run completes
 * without a failure being injected.  Every run must either succeed exactly
 * as the run without failures did, or fail with InternalServiceException
 * (or with the error the call gives anyway), leak nothing, and leave the
 * store exactly as it was before the call.
 *
 * The allocator wraps malloc/realloc/free and stays installed for the whole
 * test; outside the call under test it is disarmed (never fails) but keeps
 * counting, so that every byte the library or cJSON hands out is accounted
 * for: the live count goes back to its value before the call once the
 * response is freed, and to zero once the fake is freed.  State snapshots
 * are taken through the public API with the allocator disarmed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gluefake.h"
#include "gluefake/aws.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/sys/backend.h"
#include "alloc_sweep.h"
#include "helpers.h"

#define T0 1700000000
#define ACCOUNT "123456789012"
#define DEFAULT_ARN "arn:aws:glue:us-east-1:" ACCOUNT ":catalog"
#define DB_ARN "arn:aws:glue:us-east-1:" ACCOUNT ":database/db1"
#define TABLE_ARN "arn:aws:glue:us-east-1:" ACCOUNT ":table/db1/t1"
#define KMS1 "arn:aws:kms:us-east-1:" ACCOUNT ":key/one"
#define KMS2 "arn:aws:kms:us-east-1:" ACCOUNT ":key/two"
#define OTHER_CATALOG "111122223333"
#define NEW_CATALOG "444455556666"

/* ---- a growable text buffer (system malloc: not the library's) -------------- */

typedef struct text {
  char *s;
  size_t len, cap;
} text;

static void text_add(text *t, const char *fmt, ...) GF_PRINTF(2, 3);
static void text_add(text *t, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert_true(n >= 0);
  if (t->len + (size_t)n + 1 > t->cap) {
    size_t cap = (t->len + (size_t)n + 1) * 2;
    char *grown = realloc(t->s, cap);
    assert_non_null(grown);
    t->s = grown;
    t->cap = cap;
  }
  va_start(ap, fmt);
  vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

/* ---- building and observing a fake (always disarmed) ------------------------- */

static char g_default_hash[64]; /* PolicyHash of the preloaded default policy */
static char g_db_hash[64];      /* ... of the database policy */
static char g_token[64];        /* NextToken after the first 2 configurations */
static char g_policy_token[256]; /* NextToken of GetResourcePolicies after the first policy */

static void copy_member(cJSON *json, const char *member, char *out, size_t size)
{
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, member);
  assert_true(cJSON_IsString(item));
  snprintf(out, size, "%s", item->valuestring);
}

/* Dispatches and requires success; returns the parsed body (caller deletes)
 * when `keep`, else NULL. */
static cJSON *must(gf_fake *fake, const char *op, const char *body, int keep)
{
  gf_json_reply reply;
  assert_false(A.armed);
  assert_int_equal(gf_json_dispatch(gf_fake_backend(fake), op, body, strlen(body), &reply), 0);
  if (reply.status != GF_OK)
    print_message("preload %s %s -> %s\n", op, body, reply.body);
  assert_int_equal(reply.status, GF_OK);
  cJSON *json = keep ? cJSON_Parse(reply.body) : NULL;
  gf_json_reply_clear(&reply);
  return json;
}

#define FULL_EC                                                                             \
  "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"},"      \
  "{\"S3EncryptionMode\":\"SSE-S3\"}],\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":" \
  "\"SSE-KMS\",\"KmsKeyArn\":\"" KMS2 "\"},\"JobBookmarksEncryption\":{"                    \
  "\"JobBookmarksEncryptionMode\":\"CSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}}"

/* A fake with some of everything: configurations (S3Encryption lists of
 * several lengths, an empty one, a tombstone left by a delete), catalog
 * settings for two catalogs, policies on two resources. */
static gf_fake *preload(size_t limit, int bare)
{
  gf_error err = GF_ERROR_INIT;
  assert_false(A.armed);
  gf_fake *fake = test_fake_new(NULL, &err);
  assert_non_null(fake);
  assert_int_equal(gf_fake_set_clock(fake, T0, 1, &err), GF_OK);
  if (bare)
    return fake; /* an empty store: the first add makes each hash table */
  must(fake, "CreateSecurityConfiguration",
       "{\"Name\":\"alpha\",\"EncryptionConfiguration\":" FULL_EC "}", 0);
  must(fake, "CreateSecurityConfiguration",
       "{\"Name\":\"beta\",\"EncryptionConfiguration\":{\"S3Encryption\":[]}}", 0);
  must(fake, "CreateSecurityConfiguration",
       "{\"Name\":\"zeta\",\"EncryptionConfiguration\":{\"S3Encryption\":[{}]}}", 0);
  must(fake, "CreateSecurityConfiguration", "{\"Name\":\"gamma\",\"EncryptionConfiguration\":{}}",
       0);
  must(fake, "DeleteSecurityConfiguration", "{\"Name\":\"zeta\"}", 0);
  must(fake, "CreateSecurityConfiguration",
       "{\"Name\":\"delta\",\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":"
       "\"DISABLED\"},{\"S3EncryptionMode\":\"SSE-S3\"},{\"S3EncryptionMode\":\"SSE-KMS\","
       "\"KmsKeyArn\":\"" KMS2 "\"}],\"CloudWatchEncryption\":{}}}",
       0);
  must(fake, "PutDataCatalogEncryptionSettings",
       "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
       "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/pw\"}}}",
       0);
  must(fake, "PutDataCatalogEncryptionSettings",
       "{\"CatalogId\":\"" OTHER_CATALOG "\",\"DataCatalogEncryptionSettings\":{"
       "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":false}}}",
       0);
  cJSON *put = must(fake, "PutResourcePolicy",
                    "{\"PolicyInJson\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\"}",
                    1);
  copy_member(put, "PolicyHash", g_default_hash, sizeof g_default_hash);
  cJSON_Delete(put);
  put = must(fake, "PutResourcePolicy",
             "{\"ResourceArn\":\"" DB_ARN "\",\"PolicyInJson\":\"[1, 2, 3]\"}", 1);
  copy_member(put, "PolicyHash", g_db_hash, sizeof g_db_hash);
  cJSON_Delete(put);
  cJSON *page = must(fake, "GetSecurityConfigurations", "{\"MaxResults\":2}", 1);
  copy_member(page, "NextToken", g_token, sizeof g_token);
  cJSON_Delete(page);
  page = must(fake, "GetResourcePolicies", "{\"MaxResults\":1}", 1);
  copy_member(page, "NextToken", g_policy_token, sizeof g_policy_token);
  cJSON_Delete(page);
  if (limit)
    gf_fake_set_security_configuration_limit(fake, limit);
  return fake;
}

static void snap_dispatch(text *t, gf_fake *fake, const char *op, const char *body)
{
  gf_json_reply reply;
  int rc = gf_json_dispatch(gf_fake_backend(fake), op, body, strlen(body), &reply);
  assert_int_equal(rc, 0);
  text_add(t, "%s %s -> %s %s\n", op, body, gf_status_name(reply.status), reply.body);
  gf_json_reply_clear(&reply);
}

/* Everything observable about the fake's data, as text.  Leaves the fake
 * as it found it (the clock is read and set back). */
static char *snapshot(gf_fake *fake)
{
  text t = {NULL, 0, 0};
  assert_false(A.armed);
  snap_dispatch(&t, fake, "GetSecurityConfigurations", "{\"MaxResults\":1000}");
  /* Pages of two, tokens included: a failed call must not disturb them. */
  char body[256] = "{\"MaxResults\":2}";
  for (int pages = 0; pages < 100; pages++) {
    gf_json_reply reply;
    assert_int_equal(gf_json_dispatch(gf_fake_backend(fake), "GetSecurityConfigurations", body,
                                      strlen(body), &reply),
                     0);
    text_add(&t, "page %s -> %s %s\n", body, gf_status_name(reply.status), reply.body);
    cJSON *json = cJSON_Parse(reply.body);
    gf_json_reply_clear(&reply);
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "NextToken");
    int more = cJSON_IsString(token);
    if (more)
      snprintf(body, sizeof body, "{\"MaxResults\":2,\"NextToken\":\"%s\"}", token->valuestring);
    cJSON_Delete(json);
    if (!more)
      break;
  }
  const char *names[] = {"alpha", "beta", "gamma", "delta", "zeta", "epsilon"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(body, sizeof body, "{\"Name\":\"%s\"}", names[i]);
    snap_dispatch(&t, fake, "GetSecurityConfiguration", body);
  }
  snap_dispatch(&t, fake, "GetDataCatalogEncryptionSettings", "{}");
  snap_dispatch(&t, fake, "GetDataCatalogEncryptionSettings",
                "{\"CatalogId\":\"" OTHER_CATALOG "\"}");
  snap_dispatch(&t, fake, "GetDataCatalogEncryptionSettings",
                "{\"CatalogId\":\"" NEW_CATALOG "\"}");
  snap_dispatch(&t, fake, "GetResourcePolicy", "{}");
  snap_dispatch(&t, fake, "GetResourcePolicy", "{\"ResourceArn\":\"" DB_ARN "\"}");
  snap_dispatch(&t, fake, "GetResourcePolicy", "{\"ResourceArn\":\"" TABLE_ARN "\"}");
  text_add(&t, "count %zu\n", gf_fake_security_configuration_count(fake));
  gf_error err = GF_ERROR_INIT;
  double now = gf_fake_now(fake);
  assert_int_equal(gf_fake_set_clock(fake, now, 1, &err), GF_OK);
  text_add(&t, "clock %.3f\n", now);
  return t.s;
}

/* A response as JSON text (system malloc'd copy), disarmed. */
static char *response_text(gf_operation op, const void *response)
{
  cJSON *json = gf_response_to_json(op, response);
  assert_non_null(json);
  char *printed = cJSON_PrintUnformatted(json);
  assert_non_null(printed);
  char *copy = strdup(printed);
  cJSON_free(printed);
  cJSON_Delete(json);
  return copy;
}

static int same(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ---- the call log -------------------------------------------------------------
 *
 * Every call through gf_fake_backend() is logged by the fake's recorder,
 * which keeps a deep copy of the request and the outcome.  Measurements of
 * live allocations start from an empty log and end by clearing it, so that
 * they count what the store (and only the store) keeps.  `prefill` calls of
 * a read-only operation are logged first, so that the call under test can be
 * made to grow the log (its first capacity is 64 records in recorder.c). */

static long measure_begin(gf_fake *fake, size_t prefill)
{
  gf_calls_clear(gf_fake_calls(fake));
  long live0 = A.live;
  for (size_t i = 0; i < prefill; i++) {
    gf_get_data_catalog_encryption_settings_response *out = NULL;
    assert_int_equal(
        gf_get_data_catalog_encryption_settings(gf_fake_backend(fake), NULL, &out, NULL), GF_OK);
    gf_get_data_catalog_encryption_settings_response_free(out);
  }
  assert_int_equal(gf_calls_count(gf_fake_calls(fake)), prefill);
  return live0;
}

static long measure_end(gf_fake *fake, long live0)
{
  gf_calls_clear(gf_fake_calls(fake));
  return A.live - live0;
}

/* ---- the typed sweep ------------------------------------------------------------ */

typedef struct typed_case {
  const char *name;
  gf_operation op;
  const void *request; /* NULL: all members absent */
  gf_status expected;  /* of the run without failures */
  size_t limit;        /* security configuration limit to set; 0 none */
  size_t prefill;      /* calls logged before the one under test */
  int strict_log;      /* the call must be in the log, success with its response */
  int bare;            /* start from an empty fake instead of the preloaded one */
} typed_case;

/* A typed sweep: the case, its reference run, and the run in progress. */
typedef struct typed_sweep {
  const typed_case *c;
  char *ref_before, *ref_after, *ref_response;
  gf_status ref_status;
  long ref_delta;
  gf_fake *fake;
  char *before;
  long live0;
  void *out;
  gf_status status;
  gf_error err;
} typed_sweep;

static void typed_before(void *ctx)
{
  typed_sweep *s = ctx;
  s->fake = preload(s->c->limit, s->c->bare);
  s->before = snapshot(s->fake);
  assert_string_equal(s->before, s->ref_before);
  s->live0 = measure_begin(s->fake, s->c->prefill);
  s->out = NULL;
}

static void typed_call(void *ctx)
{
  typed_sweep *s = ctx;
  s->status = gf_call(gf_fake_backend(s->fake), s->c->op, s->c->request, &s->out, &s->err);
}

static void typed_after(void *ctx, sweep_stats *st, long injected)
{
  typed_sweep *s = ctx;
  const typed_case *c = s->c;
  gf_status status = s->status;
  char *response = NULL;
  if (status == GF_OK) {
    if (!s->out)
      problem(st, "GF_OK without a response");
    else
      response = response_text(c->op, s->out);
  } else {
    if (s->out)
      problem(st, "%s with a response left in *out", gf_status_name(status));
    if (s->err.status != status)
      problem(st, "returned %s but err holds %s", gf_status_name(status),
              gf_status_name(s->err.status));
  }
  gf_response_free(c->op, s->out);
  char message[256];
  snprintf(message, sizeof message, "%s", gf_error_message(&s->err));
  gf_error_clear(&s->err);

  /* The log holds what the client saw. */
  gf_recorder *calls = gf_fake_calls(s->fake);
  size_t logged = gf_calls_count(calls) - c->prefill;
  gf_call_record rec;
  if (logged > 1)
    problem(st, "one call, %zu log records", logged);
  if (logged == 1 && gf_calls_get(calls, c->prefill, &rec) == 0) {
    if (rec.status != status)
      problem(st, "returned %s but logged %s", gf_status_name(status),
              gf_status_name(rec.status));
    /* The response is copied after the call took effect; when that copy
     * runs out of memory the record keeps the status without it (calls.h). */
    if (c->strict_log && status == GF_OK && !rec.response && !injected)
      problem(st, "logged a success without its response");
  }
  /* A call refused for want of memory cannot be logged; one that took
   * effect and that the client saw succeed must be. */
  if (c->strict_log && logged == 0 && status == GF_OK)
    problem(st, "succeeded but the call is missing from the log");
  long delta = measure_end(s->fake, s->live0);
  char *after = snapshot(s->fake);

  if (status == s->ref_status && status == GF_OK) {
    if (!same(response, s->ref_response))
      problem(st, "response differs: %s, expected %s", response, s->ref_response);
    if (strcmp(after, s->ref_after) != 0)
      problem(st, "succeeded but the store differs from a normal run");
    if (delta != s->ref_delta)
      problem(st, "succeeded with %ld live allocations more, expected %ld", delta, s->ref_delta);
  } else {
    if (status != s->ref_status && status != GF_INTERNAL_SERVICE)
      problem(st, "%s (\"%s\"), expected %s or InternalServiceException", gf_status_name(status),
              message, gf_status_name(s->ref_status));
    if (status != s->ref_status && !injected)
      problem(st, "%s without an injected failure", gf_status_name(status));
    int changed = strcmp(after, s->before) != 0;
    if (changed)
      problem(st, "failed with %s but changed the store%s", gf_status_name(status),
              strcmp(after, s->ref_after) == 0 ? " (as the call would have)" : "");
    /* A store changed as by a successful call holds what that call
     * would have added; anything else is a leak. */
    long expected_delta = changed && strcmp(after, s->ref_after) == 0 ? s->ref_delta : 0;
    if (delta != expected_delta)
      problem(st, "failed with %s and leaked %ld allocation(s)", gf_status_name(status),
              delta - expected_delta);
  }
  free(response);
  free(s->before);
  free(after);
  gf_fake_free(s->fake);
}

static long sweep_typed(const typed_case *c)
{
  sweep_stats st = {c->name, 0, 0, 0, 0, 0};
  typed_sweep s = {c, NULL, NULL, NULL, GF_OK, 0, NULL, NULL, 0, NULL, GF_OK, GF_ERROR_INIT};

  /* The reference run. */
  gf_fake *fake = preload(c->limit, c->bare);
  s.ref_before = snapshot(fake);
  long live0 = measure_begin(fake, c->prefill);
  void *out = NULL;
  s.ref_status = gf_call(gf_fake_backend(fake), c->op, c->request, &out, &s.err);
  if (s.ref_status != c->expected)
    print_message("[%s] reference run: %s (%s)\n", c->name, gf_status_name(s.ref_status),
                  gf_error_message(&s.err));
  assert_int_equal(s.ref_status, c->expected);
  s.ref_response = out ? response_text(c->op, out) : NULL;
  gf_response_free(c->op, out);
  gf_error_clear(&s.err);
  assert_int_equal(gf_calls_count(gf_fake_calls(fake)), c->prefill + 1);
  s.ref_delta = measure_end(fake, live0);
  s.ref_after = snapshot(fake);
  int read_only = strcmp(s.ref_before, s.ref_after) == 0;
  if (read_only)
    assert_int_equal(s.ref_delta, 0);
  gf_fake_free(fake);

  static const sweep_ops ops = {typed_before, typed_call, typed_after};
  long problems = alloc_sweep(&st, SWEEP_BOTH, &ops, &s);
  free(s.ref_before);
  free(s.ref_after);
  free(s.ref_response);
  return problems;
}

/* ---- the requests -------------------------------------------------------------- */

static const gf_encryption_at_rest at_rest_kms = {GF_MODE_SSE_KMS, "alias/new", NULL};
static const gf_connection_password_encryption password_on = {true, "alias/pw2", true};
static const gf_data_catalog_encryption_settings full_dces = {&at_rest_kms, &password_on};
static const gf_encryption_at_rest at_rest_off = {GF_MODE_DISABLED, NULL, NULL};
static const gf_data_catalog_encryption_settings at_rest_only = {&at_rest_off, NULL};

static const gf_s3_encryption s3_list[] = {
    {GF_MODE_SSE_KMS, KMS1}, {GF_MODE_SSE_S3, NULL}, {GF_MODE_DISABLED, NULL}};
static const gf_cloud_watch_encryption cw = {GF_MODE_SSE_KMS, KMS2};
static const gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, KMS1};
static const gf_encryption_configuration full_ec = {s3_list, 3, &cw, &jb, NULL};

static const gf_get_data_catalog_encryption_settings_request get_dces_default = {NULL};
static const gf_get_data_catalog_encryption_settings_request get_dces_new = {NEW_CATALOG};
static const gf_put_data_catalog_encryption_settings_request put_dces_new = {NEW_CATALOG,
                                                                             &full_dces};
static const gf_put_data_catalog_encryption_settings_request put_dces_existing = {
    NULL, &at_rest_only};
static const gf_put_data_catalog_encryption_settings_request put_dces_other = {OTHER_CATALOG,
                                                                               &full_dces};

static const gf_put_resource_policy_request put_rp_update = {
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}", g_default_hash,
    GF_POLICY_MUST_EXIST, NULL, "TRUE"};
static const gf_put_resource_policy_request put_rp_new = {"{\"a\": [true, null]}", NULL,
                                                          GF_POLICY_NOT_EXIST, TABLE_ARN, NULL};
static const gf_put_resource_policy_request put_rp_exists = {"{}", NULL, GF_POLICY_NOT_EXIST,
                                                             NULL, NULL};
static const gf_put_resource_policy_request put_rp_bad_hash = {"{}", "nope", NULL, DB_ARN, NULL};
static const gf_get_resource_policy_request get_rp_default = {NULL};
static const gf_get_resource_policy_request get_rp_db = {DB_ARN};
static const gf_get_resource_policy_request get_rp_missing = {TABLE_ARN};
static const gf_delete_resource_policy_request delete_rp_db = {g_db_hash, DB_ARN};
static const gf_delete_resource_policy_request delete_rp_default = {NULL, NULL};
static const gf_delete_resource_policy_request delete_rp_bad_hash = {"nope", NULL};
static const gf_delete_resource_policy_request delete_rp_missing = {NULL, TABLE_ARN};

static const gf_create_security_configuration_request create_new = {"epsilon", &full_ec};
static const gf_encryption_configuration empty_ec = {NULL, 0, NULL, NULL, NULL};
static const gf_create_security_configuration_request create_empty = {"epsilon", &empty_ec};
static const gf_create_security_configuration_request create_exists = {"alpha", &full_ec};
static const gf_create_security_configuration_request create_zeta = {"zeta", &full_ec};
static const gf_create_security_configuration_request create_invalid = {"", &full_ec};
static const gf_delete_security_configuration_request delete_beta = {"beta"};
static const gf_delete_security_configuration_request delete_alpha = {"alpha"};
static const gf_delete_security_configuration_request delete_missing = {"zeta"};
static const gf_get_security_configuration_request get_alpha = {"alpha"};
static const gf_get_security_configuration_request get_delta = {"delta"};
static const gf_get_security_configuration_request get_missing = {"zeta"};
static const gf_get_security_configurations_request list_page = {true, 2, NULL};
static const gf_get_security_configurations_request list_next = {true, 2, g_token};
static const gf_get_security_configurations_request list_bad_token = {false, 0, "forged"};
static const gf_get_resource_policies_request policies_page = {true, 1, NULL};
static const gf_get_resource_policies_request policies_next = {true, 1, g_policy_token};
static const gf_get_resource_policies_request policies_bad_token = {false, 0, "forged"};

#define CASE(op, req, status) {#req, GF_OP_##op, req, status, 0, 0, 0, 0}
#define BARE(op, req, status) {"empty store: " #op " " #req, GF_OP_##op, req, status, 0, 0, 0, 1}

/* The cases of every operation, each named by its request; swept by
 * test_sweep_each_operation, operation after operation. */
static const typed_case op_cases[] = {
    CASE(GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces_default, GF_OK),
    CASE(GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces_new, GF_OK),
    CASE(GET_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL, GF_OK),

    CASE(PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces_new, GF_OK),
    CASE(PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces_existing, GF_OK),
    CASE(PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces_other, GF_OK),
    CASE(PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, NULL, GF_INVALID_INPUT),

    CASE(PUT_RESOURCE_POLICY, &put_rp_update, GF_OK),
    CASE(PUT_RESOURCE_POLICY, &put_rp_new, GF_OK),
    CASE(PUT_RESOURCE_POLICY, &put_rp_exists, GF_CONDITION_CHECK_FAILURE),
    CASE(PUT_RESOURCE_POLICY, &put_rp_bad_hash, GF_CONDITION_CHECK_FAILURE),

    CASE(GET_RESOURCE_POLICY, &get_rp_default, GF_OK),
    CASE(GET_RESOURCE_POLICY, &get_rp_db, GF_OK),
    CASE(GET_RESOURCE_POLICY, &get_rp_missing, GF_ENTITY_NOT_FOUND),

    CASE(DELETE_RESOURCE_POLICY, &delete_rp_db, GF_OK),
    CASE(DELETE_RESOURCE_POLICY, &delete_rp_default, GF_OK),
    CASE(DELETE_RESOURCE_POLICY, &delete_rp_bad_hash, GF_CONDITION_CHECK_FAILURE),
    CASE(DELETE_RESOURCE_POLICY, &delete_rp_missing, GF_ENTITY_NOT_FOUND),

    CASE(CREATE_SECURITY_CONFIGURATION, &create_new, GF_OK),
    CASE(CREATE_SECURITY_CONFIGURATION, &create_empty, GF_OK),
    /* a name that was deleted before: its tombstone stays in the order */
    CASE(CREATE_SECURITY_CONFIGURATION, &create_zeta, GF_OK),
    CASE(CREATE_SECURITY_CONFIGURATION, &create_exists, GF_ALREADY_EXISTS),
    CASE(CREATE_SECURITY_CONFIGURATION, &create_invalid, GF_INVALID_INPUT),
    {"&create_new at the limit", GF_OP_CREATE_SECURITY_CONFIGURATION, &create_new,
     GF_RESOURCE_NUMBER_LIMIT_EXCEEDED, 4, 0, 0, 0},
    {"&create_new under the limit", GF_OP_CREATE_SECURITY_CONFIGURATION, &create_new, GF_OK, 5, 0,
     0, 0},

    CASE(DELETE_SECURITY_CONFIGURATION, &delete_beta, GF_OK),
    CASE(DELETE_SECURITY_CONFIGURATION, &delete_alpha, GF_OK),
    CASE(DELETE_SECURITY_CONFIGURATION, &delete_missing, GF_ENTITY_NOT_FOUND),

    CASE(GET_SECURITY_CONFIGURATION, &get_alpha, GF_OK),
    CASE(GET_SECURITY_CONFIGURATION, &get_delta, GF_OK),
    CASE(GET_SECURITY_CONFIGURATION, &get_missing, GF_ENTITY_NOT_FOUND),

    CASE(GET_SECURITY_CONFIGURATIONS, NULL, GF_OK),
    CASE(GET_SECURITY_CONFIGURATIONS, &list_page, GF_OK),
    CASE(GET_SECURITY_CONFIGURATIONS, &list_next, GF_OK),
    CASE(GET_SECURITY_CONFIGURATIONS, &list_bad_token, GF_INVALID_INPUT),

    CASE(GET_RESOURCE_POLICIES, NULL, GF_OK),
    CASE(GET_RESOURCE_POLICIES, &policies_page, GF_OK),
    CASE(GET_RESOURCE_POLICIES, &policies_next, GF_OK),
    CASE(GET_RESOURCE_POLICIES, &policies_bad_token, GF_INVALID_INPUT),
};

/* Every operation (gf_operation order), each of its cases from the
 * preloaded fake; a case is named "<Operation> <request>". */
static void test_sweep_each_operation(void **state)
{
  (void)state;
  long problems = 0;
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    const char *op_name = gf_operation_name((gf_operation)op);
    long op_problems = 0;
    size_t swept = 0;
    for (size_t i = 0; i < sizeof op_cases / sizeof op_cases[0]; i++) {
      if (op_cases[i].op != (gf_operation)op)
        continue;
      char name[160];
      snprintf(name, sizeof name, "%s %s", op_name, op_cases[i].name);
      typed_case c = op_cases[i];
      c.name = name;
      op_problems += sweep_typed(&c);
      swept++;
    }
    if (swept == 0)
      print_message("%s has no case\n", op_name);
    assert_true(swept > 0);
    if (op_problems)
      print_message("%s: %ld problem(s)\n", op_name, op_problems);
    problems += op_problems;
  }
  assert_int_equal(problems, 0);
}

/* The first configuration, catalog and policy of a store: each makes its
 * hash table (and the first listing order). */
static void test_sweep_empty_store(void **state)
{
  (void)state;
  const typed_case cases[] = {
      BARE(CREATE_SECURITY_CONFIGURATION, &create_new, GF_OK),
      BARE(PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces_new, GF_OK),
      BARE(PUT_RESOURCE_POLICY, &put_rp_new, GF_OK),
      BARE(GET_SECURITY_CONFIGURATIONS, &list_page, GF_OK),
      BARE(GET_SECURITY_CONFIGURATION, &get_alpha, GF_ENTITY_NOT_FOUND),
      BARE(GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dces_default, GF_OK),
      BARE(GET_RESOURCE_POLICY, &get_rp_default, GF_ENTITY_NOT_FOUND),
      BARE(DELETE_RESOURCE_POLICY, &delete_rp_default, GF_ENTITY_NOT_FOUND),
      BARE(DELETE_SECURITY_CONFIGURATION, &delete_alpha, GF_ENTITY_NOT_FOUND),
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_typed(&cases[i]);
  assert_int_equal(problems, 0);
}

/* Creates until the order array must grow (16 slots, then 32): the
 * realloc of the listing order fails too. */
typedef struct grow_sweep {
  gf_fake *fake;
  char *before;
  long live0;
  gf_create_security_configuration_response *out;
  gf_status status;
  gf_error err;
} grow_sweep;

static void grow_before(void *ctx)
{
  grow_sweep *s = ctx;
  s->fake = test_fake_new(NULL, &s->err);
  assert_non_null(s->fake);
  assert_int_equal(gf_fake_set_clock(s->fake, T0, 1, &s->err), GF_OK);
  char body[128];
  for (int i = 0; i < 16; i++) {
    snprintf(body, sizeof body, "{\"Name\":\"c%02d\",\"EncryptionConfiguration\":{}}", i);
    must(s->fake, "CreateSecurityConfiguration", body, 0);
  }
  s->before = snapshot(s->fake);
  s->live0 = measure_begin(s->fake, 0);
}

static void grow_call(void *ctx)
{
  grow_sweep *s = ctx;
  gf_create_security_configuration_request req = {"c16", &full_ec};
  s->out = NULL;
  s->status = gf_create_security_configuration(gf_fake_backend(s->fake), &req, &s->out, &s->err);
}

static void grow_after(void *ctx, sweep_stats *st, long injected)
{
  (void)injected;
  grow_sweep *s = ctx;
  gf_create_security_configuration_response_free(s->out);
  gf_error_clear(&s->err);
  long delta = measure_end(s->fake, s->live0);
  char *after = snapshot(s->fake);
  if (s->status == GF_OK) {
    if (gf_fake_security_configuration_count(s->fake) != 17)
      problem(st, "succeeded but the count is %zu", gf_fake_security_configuration_count(s->fake));
  } else {
    if (s->status != GF_INTERNAL_SERVICE)
      problem(st, "%s", gf_status_name(s->status));
    if (strcmp(s->before, after) != 0)
      problem(st, "failed but changed the store");
    if (delta != 0)
      problem(st, "failed and leaked %ld", delta);
  }
  free(s->before);
  free(after);
  gf_fake_free(s->fake);
}

static void test_sweep_create_when_order_grows(void **state)
{
  (void)state;
  sweep_stats st = {"create #17 (order array grows)", 0, 0, 0, 0, 0};
  grow_sweep s = {NULL, NULL, 0, NULL, GF_OK, GF_ERROR_INIT};
  static const sweep_ops ops = {grow_before, grow_call, grow_after};
  assert_int_equal(alloc_sweep(&st, SWEEP_BOTH, &ops, &s), 0);
}

/* The call under test is the 65th record of the log, which must grow: the
 * log's realloc fails too.  A call that took effect must still be in the
 * log, with its response, since the log is "what the client saw". */
static void test_sweep_call_log_grows(void **state)
{
  (void)state;
  const typed_case cases[] = {
      {"log grows: create", GF_OP_CREATE_SECURITY_CONFIGURATION, &create_new, GF_OK, 0, 64, 1, 0},
      {"log grows: put settings", GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dces_new,
       GF_OK, 0, 64, 1, 0},
      {"log grows: delete policy", GF_OP_DELETE_RESOURCE_POLICY, &delete_rp_db, GF_OK, 0, 64, 1, 0},
      {"log grows: get", GF_OP_GET_SECURITY_CONFIGURATION, &get_alpha, GF_OK, 0, 64, 1, 0},
      {"log grows: entity not found", GF_OP_GET_SECURITY_CONFIGURATION, &get_missing,
       GF_ENTITY_NOT_FOUND, 0, 64, 1, 0},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_typed(&cases[i]);
  assert_int_equal(problems, 0);
}

/* ---- the JSON dispatch sweep ------------------------------------------------------ */

typedef struct json_case {
  const char *op;
  const char *body; /* may contain "%s" for g_token */
  gf_status expected;
} json_case;

/* Whether `body` is exactly {"__type": type, "Message": string}. */
static int is_error_body(const char *body, const char *type)
{
  cJSON *json = cJSON_Parse(body);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "__type");
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(json, "Message");
  int ok = cJSON_IsObject(json) && cJSON_GetArraySize(json) == 2 && cJSON_IsString(t) &&
           cJSON_IsString(m) && type && strcmp(t->valuestring, type) == 0;
  cJSON_Delete(json);
  return ok;
}

/* A JSON sweep: the case, its reference run, and the run in progress. */
typedef struct json_sweep {
  const json_case *c;
  char body[512];
  char *ref_before, *ref_after, *ref_body;
  long ref_delta;
  gf_fake *fake;
  char *before;
  long live0;
  int rc;
  gf_json_reply reply;
} json_sweep;

static void json_before(void *ctx)
{
  json_sweep *s = ctx;
  s->fake = preload(0, 0);
  s->before = snapshot(s->fake);
  assert_string_equal(s->before, s->ref_before);
  s->live0 = measure_begin(s->fake, 0);
}

static void json_call(void *ctx)
{
  json_sweep *s = ctx;
  s->rc = gf_json_dispatch(gf_fake_backend(s->fake), s->c->op, s->body, strlen(s->body),
                           &s->reply);
}

static void json_after(void *ctx, sweep_stats *st, long injected)
{
  json_sweep *s = ctx;
  const json_case *c = s->c;
  gf_json_reply *reply = &s->reply;
  int rc = s->rc;
  gf_status status = reply->status;
  int succeeded = rc == 0 && status == GF_OK;
  if (rc != 0 && rc != -1)
    problem(st, "returned %d", rc);
  if (rc == -1 && (reply->body || reply->body_len))
    problem(st, "returned -1 with a body");
  if (rc == 0) {
    if (!reply->body || reply->body_len != strlen(reply->body))
      problem(st, "returned 0 without a proper body");
    else if (succeeded && strcmp(reply->body, s->ref_body) != 0)
      problem(st, "body %s, expected %s", reply->body, s->ref_body);
    else if (!succeeded && !is_error_body(reply->body, reply->error_type))
      problem(st, "error reply %s is not an error body", reply->body);
    if (reply->http_status != gf_status_http_code(status))
      problem(st, "HTTP %d for %s", reply->http_status, gf_status_name(status));
    if (!succeeded && status != c->expected && status != GF_INTERNAL_SERVICE)
      problem(st, "%s: %s, expected %s or InternalServiceException", gf_status_name(status),
              reply->body, gf_status_name(c->expected));
    if (!succeeded && status != c->expected && !injected)
      problem(st, "%s without an injected failure", gf_status_name(status));
  }
  char what[600];
  snprintf(what, sizeof what, "%s %s", rc == 0 ? gf_status_name(status) : "-1",
           rc == 0 && reply->body ? reply->body : "(no body)");
  gf_json_reply_clear(reply);
  long delta = measure_end(s->fake, s->live0);
  char *after = snapshot(s->fake);
  if (succeeded) {
    if (strcmp(after, s->ref_after) != 0)
      problem(st, "succeeded but the store differs from a normal run");
    if (delta != s->ref_delta)
      problem(st, "succeeded with %ld live allocations more, expected %ld", delta, s->ref_delta);
  } else {
    int changed = strcmp(after, s->before) != 0;
    /* The reply is encoded after the call took effect: running out of
     * memory there is InternalService (or -1) with the change made - the
     * ambiguous outcome of a service failing after it committed, and
     * documented as such.  Any other failure must change nothing. */
    int reply_phase = rc == -1 || strstr(what, "out of memory encoding the response");
    if (changed && !(reply_phase && strcmp(after, s->ref_after) == 0))
      problem(st, "failed (%s) but the store changed%s", what,
              strcmp(after, s->ref_after) == 0 ? " (as the call would have)" : "");
    long expected_delta = changed && strcmp(after, s->ref_after) == 0 ? s->ref_delta : 0;
    if (delta != expected_delta)
      problem(st, "failed (%s) and leaked %ld allocation(s)", what, delta - expected_delta);
  }
  free(s->before);
  free(after);
  gf_fake_free(s->fake);
}

static long sweep_json(const json_case *c)
{
  char name[160];
  json_sweep s = {.c = c};
  gf_json_reply reply;

  gf_fake *fake = preload(0, 0);
  /* c->body is a template: its "%s", if any, is g_token (set by preload). */
  const char *slot = strstr(c->body, "%s");
  if (slot)
    snprintf(s.body, sizeof s.body, "%.*s%s%s", (int)(slot - c->body), c->body, g_token,
             slot + 2);
  else
    snprintf(s.body, sizeof s.body, "%s", c->body);
  snprintf(name, sizeof name, "dispatch %s %.100s", c->op, s.body);
  sweep_stats st = {name, 0, 0, 0, 0, 0};
  s.ref_before = snapshot(fake);
  long live0 = measure_begin(fake, 0);
  assert_int_equal(
      gf_json_dispatch(gf_fake_backend(fake), c->op, s.body, strlen(s.body), &reply), 0);
  if (reply.status != c->expected)
    print_message("[%s] reference run: %s\n", name, reply.body);
  assert_int_equal(reply.status, c->expected);
  s.ref_body = strdup(reply.body);
  gf_json_reply_clear(&reply);
  s.ref_delta = measure_end(fake, live0);
  s.ref_after = snapshot(fake);
  gf_fake_free(fake);

  static const sweep_ops ops = {json_before, json_call, json_after};
  long problems = alloc_sweep(&st, SWEEP_BOTH, &ops, &s);
  free(s.ref_before);
  free(s.ref_after);
  free(s.ref_body);
  return problems;
}

static void test_sweep_json_create_security_configuration(void **state)
{
  (void)state;
  const json_case c = {"CreateSecurityConfiguration",
                       "{\"Name\":\"epsilon\",\"EncryptionConfiguration\":" FULL_EC "}", GF_OK};
  assert_int_equal(sweep_json(&c), 0);
}

static void test_sweep_json_create_security_configuration_errors(void **state)
{
  (void)state;
  const json_case cases[] = {
      {"CreateSecurityConfiguration", "{\"Name\":\"alpha\",\"EncryptionConfiguration\":{}}",
       GF_ALREADY_EXISTS},
      {"CreateSecurityConfiguration", "{\"Name\":\"\",\"EncryptionConfiguration\":{}}",
       GF_INVALID_INPUT},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_json(&cases[i]);
  assert_int_equal(problems, 0);
}

static void test_sweep_json_get_security_configurations(void **state)
{
  (void)state;
  const json_case cases[] = {
      {"GetSecurityConfigurations", "{}", GF_OK},
      {"GetSecurityConfigurations", "{\"MaxResults\":2}", GF_OK},
      {"GetSecurityConfigurations", "{\"MaxResults\":2,\"NextToken\":\"%s\"}", GF_OK},
      {"GetSecurityConfigurations", "", GF_OK},
      {"GetResourcePolicies", "{}", GF_OK},
      {"GetResourcePolicies", "{\"MaxResults\":1}", GF_OK},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_json(&cases[i]);
  assert_int_equal(problems, 0);
}

/* The other seven operations through the JSON level. */
static void test_sweep_json_other_operations(void **state)
{
  (void)state;
  const json_case cases[] = {
      {"GetSecurityConfiguration", "{\"Name\":\"alpha\"}", GF_OK},
      {"DeleteSecurityConfiguration", "{\"Name\":\"beta\"}", GF_OK},
      {"GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"" OTHER_CATALOG "\"}", GF_OK},
      {"PutDataCatalogEncryptionSettings",
       "{\"CatalogId\":\"" NEW_CATALOG "\",\"DataCatalogEncryptionSettings\":{"
       "\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":"
       "\"alias/x\"}}}",
       GF_OK},
      {"PutResourcePolicy", "{\"ResourceArn\":\"" TABLE_ARN "\",\"PolicyInJson\":\"{}\"}", GF_OK},
      {"GetResourcePolicy", "{}", GF_OK},
      {"DeleteResourcePolicy", "{\"ResourceArn\":\"" DB_ARN "\"}", GF_OK},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_json(&cases[i]);
  assert_int_equal(problems, 0);
}

/* Errors of the JSON level itself. */
static void test_sweep_json_protocol_errors(void **state)
{
  (void)state;
  const json_case cases[] = {
      {"GetSecurityConfiguration", "{bad", GF_SERIALIZATION},
      {"GetSecurityConfiguration", "{\"Name\":7}", GF_SERIALIZATION},
      {"NoSuchOperation", "{}", GF_UNKNOWN_OPERATION},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_json(&cases[i]);
  assert_int_equal(problems, 0);
}

/* ---- creating a fake ---------------------------------------------------------------- */

typedef struct fake_new_sweep {
  const char *account;
  long live0;
  gf_fake *fake;
  gf_error err;
} fake_new_sweep;

static void fake_new_before(void *ctx)
{
  fake_new_sweep *s = ctx;
  s->err = (gf_error)GF_ERROR_INIT;
  s->live0 = A.live;
}

static void fake_new_call(void *ctx)
{
  fake_new_sweep *s = ctx;
  s->fake = gf_fake_new(s->account, &s->err);
}

static void fake_new_after(void *ctx, sweep_stats *st, long injected)
{
  (void)st;
  fake_new_sweep *s = ctx;
  if (s->fake) {
    assert_int_equal(s->err.status, GF_OK);
    /* A fake made under pressure works. */
    char id[13];
    gf_fake_account_id(s->fake, id);
    assert_string_equal(id, s->account ? s->account : ACCOUNT);
    gf_json_reply reply;
    assert_int_equal(gf_json_dispatch(gf_fake_backend(s->fake), "GetDataCatalogEncryptionSettings",
                                      NULL, 0, &reply),
                     0);
    assert_int_equal(reply.status, GF_OK);
    gf_json_reply_clear(&reply);
    gf_fake_free(s->fake);
  } else {
    assert_true(injected > 0);
    assert_int_equal(s->err.status, GF_INTERNAL_SERVICE);
    gf_error_clear(&s->err);
  }
  assert_int_equal(A.live, s->live0);
}

/* gf_fake_new itself under the sweep (so not through test_fake_new). */
static void test_sweep_fake_new(void **state)
{
  (void)state;
  const char *accounts[] = {NULL, "210987654321"};
  static const sweep_ops ops = {fake_new_before, fake_new_call, fake_new_after};
  for (size_t a = 0; a < 2; a++) {
    sweep_stats st = {"gf_fake_new", 0, 0, 0, 0, 0};
    fake_new_sweep s = {accounts[a], 0, NULL, GF_ERROR_INIT};
    assert_int_equal(alloc_sweep(&st, SWEEP_BOTH, &ops, &s), 0);
  }
}

/* A sanity check of the harness: the allocator really is in use, and the
 * sweep really reaches the allocations of a call. */
static void test_allocator_is_used(void **state)
{
  (void)state;
  gf_fake *fake = preload(0, 0);
  assert_true(A.live > 0);
  arm(1, 0);
  gf_get_security_configuration_response *out = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_get_security_configuration(gf_fake_backend(fake), &get_alpha, &out, &err);
  disarm();
  assert_int_equal(status, GF_INTERNAL_SERVICE);
  assert_null(out);
  assert_true(A.injected > 0);
  /* With every allocation failing there is no message, but there is a
   * status name. */
  assert_null(err.message);
  assert_string_equal(gf_error_message(&err), "InternalServiceException");
  gf_error_clear(&err);
  gf_fake_free(fake);
  assert_int_equal(A.live, 0);
}

/* ---- the tools: fixtures, dumps, transcripts, replays, fault specs, sweeps -----
 *
 * The same sweep over the calls around the API: every run either succeeds
 * with the result of the run without failures, or fails with
 * InternalServiceException and one of the case's out-of-memory messages
 * (or none at all, when even the message could not be allocated), changes
 * nothing it can be seen to change, and leaks nothing. */

typedef struct tool_case {
  const char *name;
  void *(*make)(void);                                   /* disarmed: the context */
  gf_status (*run)(void *ctx, gf_error *err, char **out); /* armed; *out: strdup'd result */
  char *(*observe)(void *ctx);                           /* disarmed, strdup'd; may be NULL */
  void (*destroy)(void *ctx);                            /* disarmed */
  const char *const *oom; /* messages of a failure; a trailing '*' matches any rest */
} tool_case;

static int oom_message(const char *message, const char *const *oom)
{
  for (; *oom; oom++) {
    size_t len = strlen(*oom);
    if (len && (*oom)[len - 1] == '*' ? strncmp(message, *oom, len - 1) == 0
                                      : strcmp(message, *oom) == 0)
      return 1;
  }
  return 0;
}

/* A library-allocated text as a system-malloc'd copy (the library's freed). */
static char *take_text(char *library_text)
{
  char *copy = library_text ? strdup(library_text) : NULL;
  gf_buffer_free(library_text);
  return copy;
}

/* A tool sweep: the case, its reference result, and the run in progress. */
typedef struct tool_sweep {
  const tool_case *c;
  long live0;
  char *ref_out, *ref_after;
  void *ctx;
  char *before, *out;
  gf_status status;
  gf_error err;
} tool_sweep;

static void tool_before(void *ctx)
{
  tool_sweep *s = ctx;
  s->ctx = s->c->make();
  s->before = s->c->observe ? s->c->observe(s->ctx) : NULL;
  s->out = NULL;
}

static void tool_call(void *ctx)
{
  tool_sweep *s = ctx;
  s->status = s->c->run(s->ctx, &s->err, &s->out);
}

static void tool_after(void *ctx, sweep_stats *st, long injected)
{
  tool_sweep *s = ctx;
  const tool_case *c = s->c;
  gf_error *err = &s->err;
  char *after = c->observe ? c->observe(s->ctx) : NULL;
  if (s->status == GF_OK) {
    if (!same(s->out, s->ref_out))
      problem(st, "result differs: %s, expected %s", s->out, s->ref_out);
    if (!same(after, s->ref_after))
      problem(st, "succeeded but the state differs from a normal run");
  } else {
    if (s->status != GF_INTERNAL_SERVICE || err->status != s->status)
      problem(st, "%s (err %s): %s", gf_status_name(s->status), gf_status_name(err->status),
              gf_error_message(err));
    if (!injected)
      problem(st, "failed without an injected failure");
    if (err->message && !oom_message(err->message, c->oom))
      problem(st, "unexpected message \"%s\"", err->message);
    if (s->out)
      problem(st, "failed with a result");
    if (!same(s->before, after))
      problem(st, "failed but the state changed");
  }
  gf_error_clear(err);
  free(s->out);
  free(s->before);
  free(after);
  c->destroy(s->ctx);
  if (A.live != s->live0)
    problem(st, "%ld allocation(s) leaked", A.live - s->live0);
  A.live = s->live0; /* report each leak once */
}

static long sweep_tool(const tool_case *c)
{
  sweep_stats st = {c->name, 0, 0, 0, 0, 0};
  tool_sweep s = {.c = c, .err = GF_ERROR_INIT};
  s.live0 = A.live;
  void *ctx = c->make();
  gf_status ref = c->run(ctx, &s.err, &s.ref_out);
  if (ref != GF_OK)
    print_message("[%s] reference run: %s\n", c->name, gf_error_message(&s.err));
  assert_int_equal(ref, GF_OK);
  gf_error_clear(&s.err);
  s.ref_after = c->observe ? c->observe(ctx) : NULL;
  c->destroy(ctx);
  assert_int_equal(A.live, s.live0);

  static const sweep_ops ops = {tool_before, tool_call, tool_after};
  long problems = alloc_sweep(&st, SWEEP_BOTH, &ops, &s);
  /* The sweep did reach the allocations of the call. */
  assert_true(st.failed_runs > 0);
  free(s.ref_out);
  free(s.ref_after);
  return problems;
}

#define TOOL_SRC "t.json"
#define TOOL_POLICY "{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}"

/* Every key of the fixture format, lists of several lengths, policies with
 * and without a hash, and fault rules of every form. */
static const char tool_fixture[] =
    "{\"account_id\": \"" ACCOUNT "\",\n"
    " \"clock\": {\"now\": 1700000000, \"step\": 1},\n"
    " \"limits\": {\"security_configurations\": 10},\n"
    " \"security_configurations\": [\n"
    "  {\"Name\": \"alpha\", \"EncryptionConfiguration\": " FULL_EC "},\n"
    "  {\"Name\": \"beta\", \"CreatedTimeStamp\": 1690000000, \"EncryptionConfiguration\": {}},\n"
    "  {\"Name\": \"gamma\", \"EncryptionConfiguration\": {\"S3Encryption\": []}}],\n"
    " \"data_catalog_encryption_settings\": {\n"
    "  \"" ACCOUNT "\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"SSE-KMS\","
    " \"SseAwsKmsKeyId\": \"alias/glue\"}, \"ConnectionPasswordEncryption\": "
    "{\"ReturnConnectionPasswordEncrypted\": true, \"AwsKmsKeyId\": \"alias/pw\"}},\n"
    "  \"" OTHER_CATALOG "\": {}},\n"
    " \"resource_policies\": {\n"
    "  \"" DEFAULT_ARN "\": {\"PolicyInJson\": \"" TOOL_POLICY "\", \"CreateTime\": 1690000000},\n"
    "  \"" DB_ARN "\": {\"PolicyInJson\": \"[1, 2]\", \"PolicyHash\": \"abc\","
    " \"CreateTime\": 1, \"UpdateTime\": 2}},\n"
    " \"faults\": \"seed=7; *=2*off->50%1*OperationTimeout; "
    "GetSecurityConfiguration[Name=alpha]=delay(0)->applied(InternalService);"
    "DeleteResourcePolicy=EntityNotFound(gone)\"\n"
    "}\n";

static const char *const fixture_oom[] = {TOOL_SRC ": out of memory loading the fixture",
                                          TOOL_SRC ": out of memory parsing it",
                                          TOOL_SRC ": faults: fault spec: out of memory",
                                          "out of memory decoding *", NULL};

static void *make_fake(void)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(NULL, &err);
  assert_non_null(fake);
  return fake;
}

static void *make_loaded_fake(void)
{
  gf_fake *fake = make_fake();
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_load(fake, tool_fixture, strlen(tool_fixture), TOOL_SRC, &err), GF_OK);
  return fake;
}

static void destroy_fake(void *ctx) { gf_fake_free(ctx); }

/* The fake's data and its fault rules. */
static char *observe_fake(void *ctx)
{
  char *dumped = gf_fake_dump(ctx);
  char *spec = gf_faults_spec(gf_fake_faults(ctx));
  assert_non_null(dumped);
  assert_non_null(spec);
  text t = {NULL, 0, 0};
  text_add(&t, "%sfaults: %s\n", dumped, spec);
  gf_buffer_free(dumped);
  gf_buffer_free(spec);
  return t.s;
}

static gf_status run_load(void *ctx, gf_error *err, char **out)
{
  (void)out;
  return gf_fake_load(ctx, tool_fixture, strlen(tool_fixture), TOOL_SRC, err);
}

static void test_sweep_fixture_load(void **state)
{
  (void)state;
  const tool_case c = {"fixture load", make_fake, run_load, observe_fake, destroy_fake,
                       fixture_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

static char g_fixture_path[64];

static gf_status run_load_file(void *ctx, gf_error *err, char **out)
{
  (void)out;
  return gf_fake_load_file(ctx, g_fixture_path, err);
}

static void test_sweep_fixture_load_file(void **state)
{
  (void)state;
  snprintf(g_fixture_path, sizeof g_fixture_path, "/tmp/gluefake-alloc-XXXXXX");
  int fd = mkstemp(g_fixture_path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_non_null(f);
  assert_int_equal(fputs(tool_fixture, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
  char reading[128], loading[128], parsing[128], faults[128];
  snprintf(reading, sizeof reading, "%s: out of memory reading it", g_fixture_path);
  snprintf(loading, sizeof loading, "%s: out of memory loading the fixture", g_fixture_path);
  snprintf(parsing, sizeof parsing, "%s: out of memory parsing it", g_fixture_path);
  snprintf(faults, sizeof faults, "%s: faults: fault spec: out of memory", g_fixture_path);
  const char *const oom[] = {reading, loading, parsing, faults, "out of memory decoding *", NULL};
  const tool_case c = {"fixture load file", make_fake, run_load_file, observe_fake, destroy_fake,
                       oom};
  long problems = sweep_tool(&c);
  remove(g_fixture_path);
  assert_int_equal(problems, 0);
}

static gf_status run_dump(void *ctx, gf_error *err, char **out)
{
  *out = take_text(gf_fake_dump(ctx));
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "dump: NULL");
}

static const char *const dump_oom[] = {"dump: NULL", NULL};

static void test_sweep_fixture_dump(void **state)
{
  (void)state;
  const tool_case c = {"fixture dump", make_loaded_fake, run_dump, observe_fake, destroy_fake,
                       dump_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* ---- transcripts -------- */

/* A log with successes, errors and an injected fault (the fixture's rules
 * are cleared first: they would make the calls depend on the run). */
static void *make_logged_fake(void)
{
  gf_fake *fake = make_loaded_fake();
  gf_faults_clear(gf_fake_faults(fake));
  must(fake, "GetSecurityConfiguration", "{\"Name\":\"alpha\"}", 0);
  must(fake, "GetSecurityConfigurations", "{\"MaxResults\":1}", 0);
  must(fake, "GetResourcePolicy", "{}", 0);
  must(fake, "GetDataCatalogEncryptionSettings", "{}", 0);
  gf_json_reply reply;
  assert_int_equal(gf_json_dispatch(gf_fake_backend(fake), "GetSecurityConfiguration",
                                    "{\"Name\":\"nope\"}", 15, &reply),
                   0);
  assert_int_equal(reply.status, GF_ENTITY_NOT_FOUND);
  gf_json_reply_clear(&reply);
  must(fake, "CreateSecurityConfiguration", "{\"Name\":\"new\",\"EncryptionConfiguration\":{}}",
       0);
  return fake;
}

static gf_status run_transcript(void *ctx, gf_error *err, char **out)
{
  *out = take_text(gf_calls_transcript(gf_fake_calls(ctx)));
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "transcript: NULL");
}

static const char *const transcript_oom[] = {"transcript: NULL", NULL};

static void test_sweep_calls_transcript(void **state)
{
  (void)state;
  const tool_case c = {"calls transcript", make_logged_fake, run_transcript, NULL, destroy_fake,
                       transcript_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* The transcript of make_logged_fake(), as text (system malloc). */
static char *logged_transcript(void)
{
  gf_fake *fake = make_logged_fake();
  char *t = take_text(gf_calls_transcript(gf_fake_calls(fake)));
  assert_non_null(t);
  gf_fake_free(fake);
  return t;
}

static void *make_transcript(void) { return logged_transcript(); }

static void destroy_text(void *ctx) { free(ctx); }

static gf_status run_replay(void *ctx, gf_error *err, char **out)
{
  gf_replay *r = gf_replay_new(ctx, strlen(ctx), TOOL_SRC, err);
  if (!r)
    return err->status;
  /* The first recorded call, served from the recording. */
  gf_get_security_configuration_request req = {"alpha"};
  gf_get_security_configuration_response *resp = NULL;
  gf_status status = gf_get_security_configuration(gf_replay_backend(r), &req, &resp, err);
  if (status == GF_OK) {
    int armed = A.armed;
    A.armed = 0; /* the observation, not the call */
    *out = response_text(GF_OP_GET_SECURITY_CONFIGURATION, resp);
    A.armed = armed;
    gf_get_security_configuration_response_free(resp);
  }
  gf_replay_free(r);
  return status;
}

static const char *const replay_oom[] = {TOOL_SRC ": out of memory",
                                         TOOL_SRC ": out of memory parsing it",
                                         "out of memory creating a replay",
                                         "replay: out of memory",
                                         "out of memory decoding *",
                                         TOOL_SRC ": out of memory decoding *",
                                         NULL};

static void test_sweep_replay(void **state)
{
  (void)state;
  const tool_case c = {"replay", make_transcript, run_replay, NULL, destroy_text, replay_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* Verified against the fixture without its clock: the timestamps differ
 * (mismatch lines); on another account, whose NextTokens differ too, so
 * that they are mapped (verify's map allocates). */
static const char verify_fixture[] =
    "{\"account_id\": \"210987654321\", \"clock\": {\"now\": 1800000000},\n"
    " \"security_configurations\": [\n"
    "  {\"Name\": \"alpha\", \"EncryptionConfiguration\": " FULL_EC "},\n"
    "  {\"Name\": \"beta\", \"EncryptionConfiguration\": {}}]}";

static gf_status run_verify(void *ctx, gf_error *err, char **out)
{
  const char *const ignore[] = {"PolicyHash"};
  gf_verify_options options = {GF_VERIFY_OPTIONS_VERSION, verify_fixture, strlen(verify_fixture), "v.json", ignore, 1, 1, NULL};
  gf_verify_report report;
  gf_status status = gf_transcript_verify(ctx, strlen(ctx), TOOL_SRC, &options, &report, err);
  if (status == GF_OK) {
    /* The lines of a success may differ from the reference's: a replayed
     * call that ran out of memory is an InternalServiceException of the
     * fake, a mismatch like any other, and a value that cannot be printed
     * is shown "(unprintable)".  Each mismatch has its line. */
    size_t lines = 0;
    for (const char *p = report.text; p && *p; p++)
      lines += *p == '\n';
    text t = {NULL, 0, 0};
    text_add(&t, "%zu calls, at least 5 mismatches: %d, one line each: %d", report.calls,
             report.mismatches >= 5, lines == report.mismatches);
    *out = t.s;
  } else if (report.text || report.calls || report.mismatches) {
    print_message("a failed verify left a report\n");
    status = GF_OK; /* reported as a differing result */
  }
  gf_verify_report_clear(&report);
  return status;
}

static const char *const verify_oom[] = {TOOL_SRC ": out of memory",
                                         TOOL_SRC ": out of memory parsing it",
                                         "v.json: out of memory loading the fixture",
                                         "v.json: out of memory parsing it",
                                         "verify: out of memory",
                                         "out of memory *",
                                         TOOL_SRC ": out of memory decoding *",
                                         NULL};

static void test_sweep_transcript_verify(void **state)
{
  (void)state;
  char *t = logged_transcript();
  gf_verify_report report;
  gf_error err = GF_ERROR_INIT;
  const char *const ignore[] = {"PolicyHash"};
  gf_verify_options options = {GF_VERIFY_OPTIONS_VERSION, verify_fixture, strlen(verify_fixture), "v.json", ignore, 1, 1, NULL};
  assert_int_equal(gf_transcript_verify(t, strlen(t), TOOL_SRC, &options, &report, &err), GF_OK);
  /* The case is worth sweeping: it has mismatch lines to write. */
  assert_true(report.mismatches >= 2);
  gf_verify_report_clear(&report);
  free(t);
  const tool_case c = {"transcript verify", make_transcript, run_verify, NULL, destroy_text,
                       verify_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* ---- fault specs -------- */

#define TOOL_SPEC                                                                           \
  "seed=42; *=3*off->12.5%2*OperationTimeout->off; "                                       \
  "CreateSecurityConfiguration[Name=prod]=applied(InternalService);"                       \
  "GetSecurityConfiguration=InternalService(try again later)->delay(1)"

static const char *const faults_oom[] = {"fault spec: out of memory",
                                         "out of memory creating a fault injector", NULL};

static void *make_faults(void)
{
  gf_error err = GF_ERROR_INIT;
  gf_faults *faults = gf_faults_new(NULL, &err);
  assert_non_null(faults);
  assert_int_equal(gf_faults_set(faults, "DeleteResourcePolicy=EntityNotFound", &err), GF_OK);
  return faults;
}

static void destroy_faults(void *ctx) { gf_faults_free(ctx); }

static char *observe_faults(void *ctx) { return take_text(gf_faults_spec(ctx)); }

static gf_status run_faults_set(void *ctx, gf_error *err, char **out)
{
  (void)out;
  return gf_faults_set(ctx, TOOL_SPEC, err);
}

static gf_status run_faults_add(void *ctx, gf_error *err, char **out)
{
  (void)out;
  return gf_faults_add(ctx, TOOL_SPEC, err);
}

static gf_status run_faults_spec(void *ctx, gf_error *err, char **out)
{
  *out = take_text(gf_faults_spec(ctx));
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "fault spec: out of memory");
}

static void *make_faults_with_spec(void)
{
  gf_faults *faults = make_faults();
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_add(faults, TOOL_SPEC, &err), GF_OK);
  return faults;
}

static void test_sweep_faults(void **state)
{
  (void)state;
  const tool_case cases[] = {
      {"faults set", make_faults, run_faults_set, observe_faults, destroy_faults, faults_oom},
      {"faults add", make_faults, run_faults_add, observe_faults, destroy_faults, faults_oom},
      {"faults spec", make_faults_with_spec, run_faults_spec, NULL, destroy_faults, faults_oom},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_tool(&cases[i]);
  assert_int_equal(problems, 0);
}

/* ---- sweeps -------- */

/* The scenario's own calls run disarmed: what is swept is gf_sweep's
 * machinery (its fakes, fault rules and report), not the client code. */
static int sweep_run_two_creates(gf_fake *fake, void *ctx)
{
  (void)ctx;
  int armed = A.armed;
  A.armed = 0;
  gf_encryption_configuration ec = {0};
  gf_create_security_configuration_request a = {"a", &ec}, b = {"b", &ec};
  int failed = gf_create_security_configuration(gf_fake_backend(fake), &a, NULL, NULL) != GF_OK;
  failed |= gf_create_security_configuration(gf_fake_backend(fake), &b, NULL, NULL) != GF_OK;
  A.armed = armed;
  return failed;
}

static gf_status run_sweep(void *ctx, gf_error *err, char **out)
{
  (void)ctx;
  gf_sweep_scenario s = {NULL, sweep_run_two_creates, NULL, NULL};
  gf_sweep_options o = {GF_SWEEP_OPTIONS_VERSION, GF_OPERATION_TIMEOUT, 0, 0};
  gf_sweep_report report;
  gf_status status = gf_sweep(&s, &o, &report, err);
  if (status == GF_OK) {
    text t = {NULL, 0, 0};
    text_add(&t, "%zu points, %zu failures, clean %d, complete %d", report.count,
             report.failures, report.clean_run_survived, report.complete);
    for (size_t i = 0; i < report.count; i++)
      text_add(&t, "; %zu %d %d", report.points[i].call, (int)report.points[i].op,
               report.points[i].survived);
    *out = t.s;
  } else if (report.points || report.count) {
    print_message("a failed sweep left a report\n");
    status = GF_OK;
  }
  gf_sweep_report_clear(&report);
  return status;
}

static void *make_nothing(void) { return NULL; }
static void destroy_nothing(void *ctx) { (void)ctx; }

static const char *const sweep_oom[] = {"sweep: out of memory",
                                        "fault spec: out of memory",
                                        "out of memory creating *",
                                        "sweep: the scenario's setup failed",
                                        NULL};

static void test_sweep_gf_sweep(void **state)
{
  (void)state;
  const tool_case c = {"gf_sweep", make_nothing, run_sweep, NULL, destroy_nothing, sweep_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* ---- the server -------- */

static gf_status run_server_start(void *ctx, gf_error *err, char **out)
{
  (void)out;
  gf_server *server = gf_server_start(ctx, "127.0.0.1", 0, err);
  if (!server)
    return err->status;
  gf_status status = gf_server_port(server) > 0 ? GF_OK : GF_INTERNAL_SERVICE;
  gf_server_stop(server);
  return status;
}

static const char *const server_oom[] = {"server: out of memory", NULL};

static void test_sweep_server_start(void **state)
{
  (void)state;
  const tool_case c = {"server start", make_fake, run_server_start, observe_fake, destroy_fake,
                       server_oom};
  assert_int_equal(sweep_tool(&c), 0);
}

/* ---- the real backend -------- */

/* A served fake in a child process, so that only the backend's own
 * allocations are counted and failed (the server's threads would race the
 * counters). */
typedef struct served {
  pid_t pid;
  char endpoint[64];
} served;

static void *make_served(void)
{
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  served *s = calloc(1, sizeof *s);
  assert_non_null(s);
  pid_t parent = getpid();
  s->pid = fork();
  assert_true(s->pid >= 0);
  if (s->pid == 0) {
    gf_set_allocator(NULL);
    gf_fake *fake = fixed_fake(NULL, NULL); /* the same timestamps in every child */
    gf_error err = GF_ERROR_INIT;
    gf_encryption_configuration ec = {0};
    gf_create_security_configuration_request create = {"swept", &ec};
    gf_server *server = fake && gf_create_security_configuration(gf_fake_backend(fake), &create,
                                                                 NULL, &err) == GF_OK
                            ? gf_server_start(fake, "127.0.0.1", 0, &err)
                            : NULL;
    unsigned port = server ? gf_server_port(server) : 0;
    if (write(fds[1], &port, sizeof port) != (ssize_t)sizeof port)
      _exit(1);
    /* Until destroy_served()'s SIGTERM, or the test is gone. */
    while (getppid() == parent)
      sleep(1);
    _exit(0);
  }
  close(fds[1]);
  unsigned port = 0;
  assert_int_equal(read(fds[0], &port, sizeof port), (ssize_t)sizeof port);
  close(fds[0]);
  assert_true(port > 0);
  snprintf(s->endpoint, sizeof s->endpoint, "http://127.0.0.1:%u", port);
  return s;
}

static void destroy_served(void *ctx)
{
  served *s = ctx;
  kill(s->pid, SIGTERM);
  waitpid(s->pid, NULL, 0);
  free(s);
}

static void no_sleep(void *context, double seconds)
{
  (void)context;
  (void)seconds;
}

/* The backend a sweep makes, armed: for the served fake's own partition. */
static gf_aws *swept_backend(const served *s, gf_error *err)
{
  gf_aws_options o = GF_AWS_OPTIONS_INIT;
  o.access_key_id = "AKIDSWEEP";
  o.secret_access_key = "secret";
  o.session_token = "token";
  o.region = "us-east-1";
  o.endpoint = s->endpoint;
  o.sleep = no_sleep;
  o.ignore_environment = 1;
  return gf_aws_new(&o, err);
}

/* A backend made, one call through it (retried, perhaps, when an answer
 * could not be read), the response written, the backend freed. */
static gf_status run_aws_call(void *ctx, gf_error *err, char **out)
{
  gf_aws *aws = swept_backend(ctx, err);
  if (!aws)
    return err->status;
  gf_get_security_configuration_request get = {"swept"};
  gf_get_security_configuration_response *got = NULL;
  gf_status status = gf_get_security_configuration(gf_aws_backend(aws), &get, &got, err);
  if (status == GF_OK) {
    cJSON *json = gf_response_to_json(GF_OP_GET_SECURITY_CONFIGURATION, got);
    char *printed = json ? cJSON_PrintUnformatted(json) : NULL;
    *out = take_text(printed);
    cJSON_Delete(json);
    status = *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory printing");
  }
  gf_get_security_configuration_response_free(got);
  gf_aws_free(aws);
  return status;
}

/* The same for an error answer: the error read (name, status, request id)
 * is the result; running out of memory reading it is InternalService. */
static gf_status run_aws_error(void *ctx, gf_error *err, char **out)
{
  gf_aws *aws = swept_backend(ctx, err);
  if (!aws)
    return err->status;
  gf_get_security_configuration_request get = {"absent"};
  gf_status status = gf_get_security_configuration(gf_aws_backend(aws), &get, NULL, err);
  if (status == GF_ENTITY_NOT_FOUND) {
    char line[512];
    snprintf(line, sizeof line, "%s %d %s: %s", err->aws_name ? err->aws_name : "(none)",
             err->http_status, err->request_id ? "with id" : "without id",
             gf_error_message(err));
    *out = strdup(line);
    gf_error_clear(err);
    status = GF_OK;
  }
  gf_aws_free(aws);
  return status;
}

static const char *const aws_oom[] = {"out of memory *",
                                      "GetSecurityConfiguration: no answer from *", NULL};

static void test_sweep_real_backend(void **state)
{
  (void)state;
  setenv("NO_PROXY", "127.0.0.1", 1); /* libcurl honours the proxy variables */
  const tool_case cases[] = {
      {"real backend", make_served, run_aws_call, NULL, destroy_served, aws_oom},
      {"real backend, an error", make_served, run_aws_error, NULL, destroy_served, aws_oom},
  };
  long problems = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    problems += sweep_tool(&cases[i]);
  assert_int_equal(problems, 0);
}

/* ---- out of memory is InternalService wherever it strikes ---------------- */

/* Running out of memory while decoding a recorded request or response is
 * InternalServiceException, not a malformed transcript (InvalidInput). */
typedef struct decode_sweep {
  const char *transcript;
  gf_replay *replay;
  gf_error err;
  long wrong;
} decode_sweep;

static void decode_call(void *ctx)
{
  decode_sweep *s = ctx;
  s->err = (gf_error)GF_ERROR_INIT;
  s->replay = gf_replay_new(s->transcript, strlen(s->transcript), TOOL_SRC, &s->err);
}

static void decode_after(void *ctx, sweep_stats *st, long injected)
{
  (void)injected;
  decode_sweep *s = ctx;
  if (!s->replay && s->err.status == GF_INVALID_INPUT) {
    if (s->wrong++ == 0)
      print_message("failing allocation %ld: %s\n", st->n, gf_error_message(&s->err));
  }
  gf_replay_free(s->replay);
  gf_error_clear(&s->err);
}

static void test_transcript_decode_oom_is_internal(void **state)
{
  (void)state;
  char *t = logged_transcript();
  sweep_stats st = {"replay decode", 0, 0, 0, 0, 0};
  decode_sweep s = {t, NULL, GF_ERROR_INIT, 0};
  static const sweep_ops ops = {NULL, decode_call, decode_after};
  alloc_sweep(&st, SWEEP_ONLY, &ops, &s);
  free(t);
  assert_int_equal(s.wrong, 0);
}

/* A fault spec that cannot be parsed for want of memory is
 * InternalServiceException even when the caller passes no gf_error. */
static void test_faults_check_oom_without_err(void **state)
{
  (void)state;
  assert_int_equal(gf_faults_check("*=InternalService", NULL), GF_OK);
  arm(1, 0);
  gf_status status = gf_faults_check("*=InternalService", NULL);
  disarm();
  assert_true(A.injected > 0);
  assert_int_equal(status, GF_INTERNAL_SERVICE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, alloc_sweep_setup, alloc_sweep_teardown)
  const struct CMUnitTest tests[] = {
      T(test_allocator_is_used),
      T(test_sweep_fake_new),
      T(test_sweep_each_operation),
      T(test_sweep_create_when_order_grows),
      T(test_sweep_empty_store),
      T(test_sweep_call_log_grows),
      T(test_sweep_json_create_security_configuration),
      T(test_sweep_json_create_security_configuration_errors),
      T(test_sweep_json_get_security_configurations),
      T(test_sweep_json_other_operations),
      T(test_sweep_json_protocol_errors),
      T(test_sweep_fixture_load),
      T(test_sweep_fixture_load_file),
      T(test_sweep_fixture_dump),
      T(test_sweep_calls_transcript),
      T(test_sweep_replay),
      T(test_sweep_transcript_verify),
      T(test_sweep_faults),
      T(test_sweep_gf_sweep),
      T(test_sweep_server_start),
      T(test_sweep_real_backend),
      T(test_transcript_decode_oom_is_internal),
      T(test_faults_check_oom_without_err),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
