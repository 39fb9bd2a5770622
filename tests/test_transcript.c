/*
 * test_transcript.c - transcripts (gluefake/transcript.h): the JSON format
 * gf_calls_transcript() writes, re-running a transcript on a fresh fake
 * (gf_transcript_verify) with its diagnostics, token and hash mapping and
 * loader errors, and the replay backend (botocore Stubber's strict queue,
 * never placebo's wrap-around).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gluefake.h"
#include "gluefake/cmocka.h"
#include "gluefake/fixture.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/transcript.h"
#include "helpers.h"

#define BASE_TIME 1700000000.0
#define KMS_ARN "arn:aws:kms:us-east-1:123456789012:key/abc"
#define KMS_ARN2 "arn:aws:kms:us-east-1:123456789012:key/def"
#define DB_ARN "arn:aws:glue:us-east-1:123456789012:database/sales"
#define POLICY "{\"Version\":\"2012-10-17\"}"
#define POLICY_JSON "\"{\\\"Version\\\":\\\"2012-10-17\\\"}\""
#define CLOCK_FIXTURE "{\"clock\": {\"now\": 1700000000, \"step\": 1}}"

/* The fault rules that reproduce the faults the known sequence sets by hand
 * (see known_sequence()). */
#define KNOWN_FAULTS                                                                       \
  "GetSecurityConfiguration=2*off->1*InternalService(injected failure);"                   \
  "CreateSecurityConfiguration=4*off->1*applied(OperationTimeout)"
#define KNOWN_FIXTURE                                                                      \
  "{\"clock\": {\"now\": 1700000000, \"step\": 1}, \"faults\": \"" KNOWN_FAULTS "\"}"
#define KNOWN_CALLS 23

/* ---- fixture --------------------------------------------------------------- */

/* Everything a test may leave allocated when an assertion fails, freed by
 * teardown. */
typedef struct fx {
  gf_fake *fake;
  gf_recorder *recorder; /* wraps `replay`: freed first */
  gf_replay *replay;
  char *text;   /* from the library: gf_buffer_free */
  char *text2;  /* from the library: gf_buffer_free */
  char *edited; /* from cJSON: cJSON_free */
  cJSON *json, *log, *log2;
  sbuf fixture, fixture2; /* malloc'd: free */
  gf_verify_report report;
  gf_error err;
} fx;

static int setup(void **state)
{
  fx *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  f->log = cJSON_CreateArray();
  f->log2 = cJSON_CreateArray();
  if (!f->log || !f->log2) {
    cJSON_Delete(f->log);
    cJSON_Delete(f->log2);
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fx *f = *state;
  unsetenv("GLUEFAKE_FAULTS");
  gf_recorder_free(f->recorder);
  gf_replay_free(f->replay);
  gf_fake_free(f->fake);
  gf_buffer_free(f->text);
  gf_buffer_free(f->text2);
  cJSON_free(f->edited);
  cJSON_Delete(f->json);
  cJSON_Delete(f->log);
  cJSON_Delete(f->log2);
  free(f->fixture.p);
  free(f->fixture2.p);
  gf_verify_report_clear(&f->report);
  gf_error_clear(&f->err);
  free(f);
  return 0;
}

/* ---- helpers ---------------------------------------------------------------- */

/* A fresh fake on a fixed clock in f->fake (replacing any other). */
static gf_fake *new_fake(fx *f, double now, double step)
{
  gf_fake_free(f->fake);
  f->fake = test_fake_new(NULL, &f->err);
  assert_non_null(f->fake);
  assert_gf_ok(gf_fake_set_clock(f->fake, now, step, &f->err), &f->err);
  return f->fake;
}

/* The fake's call log as a transcript, in f->text. */
static const char *record(fx *f)
{
  gf_buffer_free(f->text);
  f->text = gf_calls_transcript(gf_fake_calls(f->fake));
  assert_non_null(f->text);
  return f->text;
}

static void reset_log(cJSON **log)
{
  cJSON_Delete(*log);
  *log = cJSON_CreateArray();
  assert_non_null(*log);
}

/* One call through gf_call(), its outcome appended to `log` (operation,
 * status, and the response as JSON or the message), the response handed
 * back through `out` (or freed). */
static gf_status run(gf_backend *glue, gf_operation op, const void *request, cJSON *log,
                     void **out)
{
  void *response = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_call(glue, op, request, &response, &err);
  if (log) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "operation", gf_operation_name(op));
    cJSON_AddStringToObject(o, "status", gf_status_name(status));
    if (status == GF_OK)
      cJSON_AddItemToObject(o, "response", gf_response_to_json(op, response));
    else
      cJSON_AddStringToObject(o, "message", gf_error_message(&err));
    cJSON_AddItemToArray(log, o);
  }
  gf_error_clear(&err);
  if (out)
    *out = response;
  else
    gf_response_free(op, response);
  return status;
}

static size_t count_lines(const char *text)
{
  size_t n = 0;
  for (; text && *text; text++)
    n += *text == '\n';
  return n;
}

/* The `n`-th line (0-based) of `text`, copied into `out`. */
static const char *nth_line(const char *text, size_t n, char *out, size_t size)
{
  out[0] = '\0';
  for (; text && n > 0; n--) {
    text = strchr(text, '\n');
    if (text)
      text++;
  }
  if (!text)
    return out;
  size_t len = strcspn(text, "\n");
  snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), text);
  return out;
}

/* Runs gf_transcript_verify on `text` with the given options into
 * f->report / f->err. */
static gf_status verify(fx *f, const char *text, const char *fixture,
                        const char *const *ignore, size_t ignore_count, int compare_messages)
{
  gf_verify_options o = {GF_VERIFY_OPTIONS_VERSION, fixture, fixture ? strlen(fixture) : 0, "fixture.json",
                         ignore, ignore_count, compare_messages, NULL};
  gf_verify_report_clear(&f->report);
  gf_error_clear(&f->err);
  return gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err);
}

/* Asserts that the last verify found no mismatch in `calls` calls. */
static void assert_verified(fx *f, gf_status status, size_t calls)
{
  assert_gf_ok(status, &f->err);
  if (f->report.mismatches)
    print_error("unexpected mismatches:\n%s", f->report.text ? f->report.text : "");
  assert_int_equal(f->report.mismatches, 0);
  assert_int_equal(f->report.calls, calls);
  assert_true(f->report.text == NULL || f->report.text[0] == '\0');
}

/* Parses f->text into f->json (for editing). */
static cJSON *parse_text(fx *f)
{
  cJSON_Delete(f->json);
  f->json = cJSON_Parse(f->text);
  assert_non_null(f->json);
  return f->json;
}

/* Prints f->json into f->edited. */
static const char *print_json(fx *f)
{
  cJSON_free(f->edited);
  f->edited = cJSON_PrintUnformatted(f->json);
  assert_non_null(f->edited);
  return f->edited;
}

static cJSON *entry_at(cJSON *root, int i)
{
  cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "transcript");
  assert_true(cJSON_IsArray(list));
  cJSON *e = cJSON_GetArrayItem(list, i);
  assert_non_null(e);
  return e;
}

/* Replaces `old` by `new` (once per occurrence) in `in`, into `out`. */
static void substitute(const char *in, const char *old, const char *new, char *out,
                       size_t size)
{
  size_t used = 0, olen = strlen(old), nlen = strlen(new);
  while (*in) {
    if (strncmp(in, old, olen) == 0) {
      assert_true(used + nlen < size);
      memcpy(out + used, new, nlen);
      used += nlen;
      in += olen;
    } else {
      assert_true(used + 1 < size);
      out[used++] = *in++;
    }
  }
  out[used] = '\0';
}

/* ---- request data ------------------------------------------------------------ */

static const gf_s3_encryption S3_KMS[] = {{GF_MODE_SSE_KMS, KMS_ARN}};
static const gf_s3_encryption S3_KMS2[] = {{GF_MODE_SSE_KMS, KMS_ARN2}};
static const gf_s3_encryption S3_KMS_NO_ARN[] = {{GF_MODE_SSE_KMS, NULL}};
static const gf_s3_encryption S3_S3[] = {{GF_MODE_SSE_S3, NULL}};
static const gf_s3_encryption S3_TWO[] = {{GF_MODE_SSE_KMS, KMS_ARN}, {GF_MODE_SSE_S3, NULL}};
static const gf_s3_encryption S3_BAD_ARN[] = {{GF_MODE_SSE_KMS, "not-an-arn"}};
static const gf_s3_encryption S3_BAD_MODE[] = {{"SSE-XYZ", NULL}};
static const gf_cloud_watch_encryption CW_OFF = {GF_MODE_DISABLED, NULL};
static const gf_cloud_watch_encryption CW_KMS = {GF_MODE_SSE_KMS, KMS_ARN2};
static const gf_job_bookmarks_encryption JB_KMS = {GF_MODE_CSE_KMS, KMS_ARN};

static const gf_encryption_configuration ENC_KMS = {S3_KMS, 1, NULL, NULL, NULL};
static const gf_encryption_configuration ENC_S3 = {S3_S3, 1, NULL, NULL, NULL};
static const gf_encryption_configuration ENC_FULL = {S3_KMS, 1, &CW_OFF, &JB_KMS, NULL};

#define ENC_FULL_JSON                                                                      \
  "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS_ARN "\"}],"  \
  "\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":\"DISABLED\"},"                 \
  "\"JobBookmarksEncryption\":{\"JobBookmarksEncryptionMode\":\"CSE-KMS\",\"KmsKeyArn\":\"" \
  KMS_ARN "\"}}"
#define ENC_S3_JSON "{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-S3\"}]}"

static const gf_encryption_at_rest AR_KMS = {GF_MODE_SSE_KMS, "alias/glue", NULL};
static const gf_encryption_at_rest AR_OFF = {GF_MODE_DISABLED, NULL, NULL};
static const gf_encryption_at_rest AR_BAD = {GF_MODE_SSE_S3, NULL, NULL};
static const gf_connection_password_encryption PW_ON = {true, "alias/pw", true};
static const gf_connection_password_encryption PW_OFF = {false, NULL, true};
static const gf_data_catalog_encryption_settings DCS_KMS = {&AR_KMS, &PW_ON};

#define DCS_KMS_JSON                                                                       \
  "{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":"       \
  "\"alias/glue\"},\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":" \
  "true,\"AwsKmsKeyId\":\"alias/pw\"}}"
#define DCS_DEFAULT_JSON                                                                   \
  "{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":\"DISABLED\"},"                        \
  "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":false}}"

/* ---- the known sequence ------------------------------------------------------ */

/*
 * 23 calls covering the ten operations, successes and errors, a fault set
 * by hand (when `faults` is given; the replay has none) and an applied()
 * fault.  Request values that come from earlier responses (a NextToken, a
 * PolicyHash) are taken from those responses, so the same code runs
 * against a replay.  The outcomes go to `log`.
 */
static void known_sequence(gf_backend *glue, gf_faults *faults, cJSON *log)
{
  gf_error err = GF_ERROR_INIT;
  void *out = NULL;

  gf_create_security_configuration_request c1 = {"c1", &ENC_FULL};
  gf_create_security_configuration_request c2 = {"c2", &ENC_S3};
  gf_create_security_configuration_request c1_again = {"c1", &ENC_S3};
  gf_create_security_configuration_request bad = {"", &ENC_S3};
  run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c1, log, NULL);       /* 0 */
  run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c2, log, NULL);       /* 1 */
  run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c1_again, log, NULL); /* 2 */
  run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &bad, log, NULL);      /* 3 */

  gf_get_security_configuration_request get_c1 = {"c1"}, get_nope = {"nope"};
  run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_c1, log, NULL);   /* 4 */
  run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_nope, log, NULL); /* 5 */

  gf_get_security_configurations_request page1 = {true, 1, NULL};
  run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &page1, log, &out); /* 6 */
  gf_get_security_configurations_response *listed = out;
  char token[256] = "";
  if (listed && listed->next_token)
    snprintf(token, sizeof token, "%s", listed->next_token);
  gf_get_security_configurations_response_free(listed);
  gf_get_security_configurations_request page2 = {true, 1, token};
  run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &page2, log, NULL); /* 7 */
  gf_get_security_configurations_request bogus = {false, 0, "bogus"};
  run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &bogus, log, NULL); /* 8 */

  gf_put_data_catalog_encryption_settings_request put_dcs = {NULL, &DCS_KMS};
  run(glue, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &put_dcs, log, NULL); /* 9 */
  gf_get_data_catalog_encryption_settings_request get_dcs = {NULL};
  gf_get_data_catalog_encryption_settings_request get_other = {"111122223333"};
  run(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dcs, log, NULL);   /* 10 */
  run(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_other, log, NULL); /* 11 */

  gf_put_resource_policy_request put_rp = {POLICY, NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
  run(glue, GF_OP_PUT_RESOURCE_POLICY, &put_rp, log, &out); /* 12 */
  gf_put_resource_policy_response *put = out;
  char hash[256] = "";
  if (put && put->policy_hash)
    snprintf(hash, sizeof hash, "%s", put->policy_hash);
  gf_put_resource_policy_response_free(put);
  gf_get_resource_policy_request get_rp = {NULL};
  run(glue, GF_OP_GET_RESOURCE_POLICY, &get_rp, log, NULL); /* 13 */
  gf_delete_resource_policy_request del_stale = {"stale", NULL}, del_rp = {hash, NULL};
  run(glue, GF_OP_DELETE_RESOURCE_POLICY, &del_stale, log, NULL); /* 14 */
  run(glue, GF_OP_DELETE_RESOURCE_POLICY, &del_rp, log, NULL);    /* 15 */

  gf_delete_security_configuration_request del_c2 = {"c2"};
  run(glue, GF_OP_DELETE_SECURITY_CONFIGURATION, &del_c2, log, NULL); /* 16 */
  run(glue, GF_OP_DELETE_SECURITY_CONFIGURATION, &del_c2, log, NULL); /* 17 */

  if (faults)
    assert_gf_ok(gf_faults_set(faults, "GetSecurityConfiguration=1*InternalService(injected failure)", &err), &err);
  run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_c1, log, NULL); /* 18 */

  if (faults)
    assert_gf_ok(gf_faults_set(faults, "CreateSecurityConfiguration=1*applied(OperationTimeout)", &err), &err);
  gf_create_security_configuration_request c3 = {"c3", &ENC_S3};
  run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c3, log, NULL); /* 19 */
  gf_get_security_configuration_request get_c3 = {"c3"};
  run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_c3, log, NULL); /* 20 */
  if (faults)
    gf_faults_clear(faults);

  gf_put_resource_policy_request put_db = {POLICY, NULL, NULL,
                                           "arn:aws:glue:us-east-1:123456789012:database/db",
                                           NULL};
  run(glue, GF_OP_PUT_RESOURCE_POLICY, &put_db, log, NULL); /* 21 */
  gf_get_resource_policies_request list_rp = {true, 10, NULL};
  run(glue, GF_OP_GET_RESOURCE_POLICIES, &list_rp, log, NULL); /* 22 */
  gf_error_clear(&err);
}

/* Records the known sequence on a fresh fake (clock 1700000000, step 1)
 * into f->text, the outcomes into f->log. */
static const char *record_known(fx *f)
{
  new_fake(f, BASE_TIME, 1);
  reset_log(&f->log);
  known_sequence(gf_fake_backend(f->fake), gf_fake_faults(f->fake), f->log);
  assert_int_equal(cJSON_GetArraySize(f->log), KNOWN_CALLS);
  return record(f);
}

/* ==== the transcript format =================================================== */

/* An empty log is {"transcript": []} and nothing else. */
static void test_format_empty_log(void **state)
{
  fx *f = *state;
  new_fake(f, BASE_TIME, 1);
  record(f);
  cJSON *root = parse_text(f);
  assert_true(cJSON_IsObject(root));
  assert_int_equal(cJSON_GetArraySize(root), 1);
  cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "transcript");
  assert_true(cJSON_IsArray(list));
  assert_int_equal(cJSON_GetArraySize(list), 0);

  /* the same for a recorder around any backend */
  f->recorder = gf_recorder_new(gf_fake_backend(f->fake), &f->err);
  assert_non_null(f->recorder);
  f->text2 = gf_calls_transcript(f->recorder);
  assert_non_null(f->text2);
  cJSON *again = cJSON_Parse(f->text2);
  assert_non_null(again);
  int same = cJSON_Compare(root, again, 1);
  cJSON_Delete(again);
  assert_true(same);
}

/* Every entry of the known sequence: operation, request, and exactly one of
 * response (the wire shape) or error ({"__type", "Message"} as the client
 * saw it, injected and applied() faults included). */
static void test_format_known_sequence(void **state)
{
  fx *f = *state;
  record_known(f);
  cJSON *root = parse_text(f);
  assert_true(cJSON_IsObject(root));
  assert_int_equal(cJSON_GetArraySize(root), 1);
  cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "transcript");
  assert_true(cJSON_IsArray(list));
  assert_int_equal(cJSON_GetArraySize(list), KNOWN_CALLS);

  /* the token and hash the fake issued */
  cJSON *resp6 = cJSON_GetObjectItemCaseSensitive(entry_at(root, 6), "response");
  cJSON *tok = cJSON_GetObjectItemCaseSensitive(resp6, "NextToken");
  assert_true(cJSON_IsString(tok));
  char token[200];
  snprintf(token, sizeof token, "%s", tok->valuestring);
  cJSON *resp12 = cJSON_GetObjectItemCaseSensitive(entry_at(root, 12), "response");
  cJSON *h = cJSON_GetObjectItemCaseSensitive(resp12, "PolicyHash");
  assert_true(cJSON_IsString(h));
  char hash[200];
  snprintf(hash, sizeof hash, "%s", h->valuestring);
  assert_true(strlen(token) > 0 && strlen(hash) > 0);

#define SC1 "{\"Name\":\"c1\",\"CreatedTimeStamp\":1700000000,\"EncryptionConfiguration\":" ENC_FULL_JSON "}"
#define SC2 "{\"Name\":\"c2\",\"CreatedTimeStamp\":1700000001,\"EncryptionConfiguration\":" ENC_S3_JSON "}"
  static const struct {
    const char *op, *request, *response, *error;
  } want[KNOWN_CALLS] = {
      {"CreateSecurityConfiguration", "{\"Name\":\"c1\",\"EncryptionConfiguration\":" ENC_FULL_JSON "}",
       "{\"Name\":\"c1\",\"CreatedTimestamp\":1700000000}", NULL},
      {"CreateSecurityConfiguration", "{\"Name\":\"c2\",\"EncryptionConfiguration\":" ENC_S3_JSON "}",
       "{\"Name\":\"c2\",\"CreatedTimestamp\":1700000001}", NULL},
      {"CreateSecurityConfiguration", "{\"Name\":\"c1\",\"EncryptionConfiguration\":" ENC_S3_JSON "}",
       NULL, "AlreadyExistsException"},
      {"CreateSecurityConfiguration", "{\"Name\":\"\",\"EncryptionConfiguration\":" ENC_S3_JSON "}",
       NULL, "InvalidInputException"},
      {"GetSecurityConfiguration", "{\"Name\":\"c1\"}", "{\"SecurityConfiguration\":" SC1 "}", NULL},
      {"GetSecurityConfiguration", "{\"Name\":\"nope\"}", NULL, "EntityNotFoundException"},
      {"GetSecurityConfigurations", "{\"MaxResults\":1}",
       "{\"SecurityConfigurations\":[" SC1 "],\"NextToken\":\"$T\"}", NULL},
      {"GetSecurityConfigurations", "{\"MaxResults\":1,\"NextToken\":\"$T\"}",
       "{\"SecurityConfigurations\":[" SC2 "]}", NULL},
      {"GetSecurityConfigurations", "{\"NextToken\":\"bogus\"}", NULL, "InvalidInputException"},
      {"PutDataCatalogEncryptionSettings", "{\"DataCatalogEncryptionSettings\":" DCS_KMS_JSON "}",
       "{}", NULL},
      {"GetDataCatalogEncryptionSettings", "{}", "{\"DataCatalogEncryptionSettings\":" DCS_KMS_JSON "}",
       NULL},
      {"GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"111122223333\"}",
       "{\"DataCatalogEncryptionSettings\":" DCS_DEFAULT_JSON "}", NULL},
      {"PutResourcePolicy", "{\"PolicyInJson\":" POLICY_JSON ",\"PolicyExistsCondition\":\"NOT_EXIST\"}",
       "{\"PolicyHash\":\"$H\"}", NULL},
      {"GetResourcePolicy", "{}",
       "{\"PolicyInJson\":" POLICY_JSON ",\"PolicyHash\":\"$H\",\"CreateTime\":1700000002,"
       "\"UpdateTime\":1700000002}",
       NULL},
      {"DeleteResourcePolicy", "{\"PolicyHashCondition\":\"stale\"}", NULL,
       "ConditionCheckFailureException"},
      {"DeleteResourcePolicy", "{\"PolicyHashCondition\":\"$H\"}", "{}", NULL},
      {"DeleteSecurityConfiguration", "{\"Name\":\"c2\"}", "{}", NULL},
      {"DeleteSecurityConfiguration", "{\"Name\":\"c2\"}", NULL, "EntityNotFoundException"},
      {"GetSecurityConfiguration", "{\"Name\":\"c1\"}", NULL, "InternalServiceException"},
      {"CreateSecurityConfiguration", "{\"Name\":\"c3\",\"EncryptionConfiguration\":" ENC_S3_JSON "}",
       NULL, "OperationTimeoutException"},
      {"GetSecurityConfiguration", "{\"Name\":\"c3\"}",
       "{\"SecurityConfiguration\":{\"Name\":\"c3\",\"CreatedTimeStamp\":1700000003,"
       "\"EncryptionConfiguration\":" ENC_S3_JSON "}}",
       NULL},
      {"PutResourcePolicy",
       "{\"PolicyInJson\":" POLICY_JSON
       ",\"ResourceArn\":\"arn:aws:glue:us-east-1:123456789012:database/db\"}",
       "{\"PolicyHash\":\"$H\"}", NULL},
      {"GetResourcePolicies", "{\"MaxResults\":10}",
       "{\"GetResourcePoliciesResponseList\":[{\"PolicyInJson\":" POLICY_JSON
       ",\"PolicyHash\":\"$H\",\"CreateTime\":1700000004,\"UpdateTime\":1700000004}]}",
       NULL},
  };
#undef SC1
#undef SC2

  char a[4096], b[4096];
  for (int i = 0; i < KNOWN_CALLS; i++) {
    cJSON *e = entry_at(root, i);
    assert_true(cJSON_IsObject(e));
    assert_int_equal(cJSON_GetArraySize(e), 3);
    cJSON *op = cJSON_GetObjectItemCaseSensitive(e, "operation");
    assert_true(cJSON_IsString(op));
    assert_string_equal(op->valuestring, want[i].op);

    substitute(want[i].request, "$T", token, a, sizeof a);
    substitute(a, "$H", hash, b, sizeof b);
    cJSON *expected = cJSON_Parse(b);
    assert_non_null(expected);
    int same = cJSON_Compare(cJSON_GetObjectItemCaseSensitive(e, "request"), expected, 1);
    cJSON_Delete(expected);
    if (!same)
      print_error("transcript[%d].request differs from %s\n", i, b);
    assert_true(same);

    cJSON *log_entry = cJSON_GetArrayItem(f->log, i);
    cJSON *status = cJSON_GetObjectItemCaseSensitive(log_entry, "status");
    if (want[i].response) {
      assert_string_equal(status->valuestring, "OK");
      assert_null(cJSON_GetObjectItemCaseSensitive(e, "error"));
      substitute(want[i].response, "$T", token, a, sizeof a);
      substitute(a, "$H", hash, b, sizeof b);
      expected = cJSON_Parse(b);
      assert_non_null(expected);
      same = cJSON_Compare(cJSON_GetObjectItemCaseSensitive(e, "response"), expected, 1);
      cJSON_Delete(expected);
      if (!same)
        print_error("transcript[%d].response differs from %s\n", i, b);
      assert_true(same);
    } else {
      assert_null(cJSON_GetObjectItemCaseSensitive(e, "response"));
      cJSON *error = cJSON_GetObjectItemCaseSensitive(e, "error");
      assert_true(cJSON_IsObject(error));
      assert_int_equal(cJSON_GetArraySize(error), 2);
      cJSON *type = cJSON_GetObjectItemCaseSensitive(error, "__type");
      cJSON *message = cJSON_GetObjectItemCaseSensitive(error, "Message");
      assert_true(cJSON_IsString(type) && cJSON_IsString(message));
      assert_string_equal(type->valuestring, want[i].error);
      /* what the client saw */
      assert_string_equal(status->valuestring, want[i].error);
      assert_string_equal(message->valuestring,
                          cJSON_GetObjectItemCaseSensitive(log_entry, "message")->valuestring);
    }
  }
  /* the injected fault's own message */
  cJSON *error18 = cJSON_GetObjectItemCaseSensitive(entry_at(root, 18), "error");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(error18, "Message")->valuestring,
                      "injected failure");
  /* the applied() fault took effect: c3 exists */
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
}

/* ==== record -> verify ========================================================= */

/* A seeded generator of call sequences: splitmix64, and the NextTokens and
 * PolicyHashes of earlier responses to quote in later requests. */
#define RING 16
typedef struct gen {
  uint64_t s;
  char *tokens[RING];
  size_t ntokens;
  char *hashes[RING];
  size_t nhashes;
  const char *const *names; /* valid names to pick from */
  size_t nnames;
} gen;

static uint64_t next64(gen *g)
{
  uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static unsigned pick(gen *g, unsigned n) { return (unsigned)(next64(g) % n); }

static void keep(char **ring, size_t *n, const char *value)
{
  if (!value)
    return;
  size_t i = *n % RING;
  free(ring[i]);
  ring[i] = strdup(value);
  (*n)++;
}

static const char *any_of(gen *g, char **ring, size_t n)
{
  size_t m = n < RING ? n : RING;
  return m ? ring[pick(g, (unsigned)m)] : NULL;
}

static void gen_clear(gen *g)
{
  for (size_t i = 0; i < RING; i++) {
    free(g->tokens[i]);
    free(g->hashes[i]);
  }
}

static const char *const NAMES[] = {"n0", "n1", "n2", "n3", "n4", "n5"};
static const char *const FIXTURE_NAMES[] = {"n0", "n1", "fixed", "n2", "n3"};

static const char *random_name(gen *g)
{
  static char long_name[257];
  if (!long_name[0])
    memset(long_name, 'a', 256);
  switch (pick(g, 12)) {
  case 0:
    return "";
  case 1:
    return long_name;
  case 2:
    return "bad\nname";
  case 3:
    return NULL;
  default:
    return g->names[pick(g, (unsigned)g->nnames)];
  }
}

static const gf_encryption_configuration *random_enc(gen *g)
{
  static const gf_encryption_configuration encs[] = {
      {S3_KMS, 1, NULL, NULL, NULL},     {S3_TWO, 2, &CW_KMS, &JB_KMS, NULL},
      {NULL, 0, NULL, NULL, NULL},       {S3_S3, 0, NULL, NULL, NULL},
      {S3_S3, 1, &CW_OFF, NULL, NULL},   {S3_BAD_ARN, 1, NULL, NULL, NULL},
      {S3_BAD_MODE, 1, NULL, NULL, NULL},
  };
  unsigned i = pick(g, 9);
  return i < 7 ? &encs[i] : i == 7 ? &ENC_FULL : NULL;
}

/* One random call of any operation, valid or not, through `glue`. */
static void random_call(gen *g, gf_backend *glue, cJSON *log)
{
  static const char *const policies[] = {POLICY, "{\"a\":[1,2]}", "[]", "{", "x", NULL};
  static const char *const exists[] = {NULL, NULL, GF_POLICY_MUST_EXIST, GF_POLICY_NOT_EXIST,
                                       GF_POLICY_NONE, "MAYBE"};
  static const char *const arns[] = {NULL, NULL, DB_ARN, "arn:aws:s3:::bucket"};
  static const char *const catalogs[] = {NULL, "123456789012", "111122223333", ""};
  static const gf_data_catalog_encryption_settings settings[] = {
      {&AR_KMS, &PW_ON}, {&AR_OFF, &PW_OFF}, {&AR_KMS, NULL}, {NULL, &PW_OFF}, {&AR_BAD, NULL}};
  static const int64_t max_results[] = {1, 2, 3, 100, 0, 1001};
  void *out = NULL;

  switch (pick(g, 13)) {
  case 0:
  case 1:
  case 2: {
    gf_create_security_configuration_request req = {random_name(g), random_enc(g)};
    run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, log, NULL);
    break;
  }
  case 3: {
    gf_delete_security_configuration_request req = {random_name(g)};
    run(glue, GF_OP_DELETE_SECURITY_CONFIGURATION, &req, log, NULL);
    break;
  }
  case 4: {
    gf_get_security_configuration_request req = {random_name(g)};
    run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &req, log, NULL);
    break;
  }
  case 5:
  case 6: {
    gf_get_security_configurations_request req = {false, 0, NULL};
    unsigned m = pick(g, 8);
    if (m < 6) {
      req.has_max_results = true;
      req.max_results = max_results[m];
    }
    unsigned t = pick(g, 10);
    if (t < 5)
      req.next_token = any_of(g, g->tokens, g->ntokens);
    else if (t == 5)
      req.next_token = "garbage";
    if (run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, log, &out) == GF_OK)
      keep(g->tokens, &g->ntokens,
           ((gf_get_security_configurations_response *)out)->next_token);
    gf_get_security_configurations_response_free(out);
    break;
  }
  case 7: {
    unsigned s = pick(g, 6);
    gf_put_data_catalog_encryption_settings_request req = {catalogs[pick(g, 4)],
                                                           s < 5 ? &settings[s] : NULL};
    run(glue, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &req, log, NULL);
    break;
  }
  case 8: {
    gf_get_data_catalog_encryption_settings_request req = {catalogs[pick(g, 4)]};
    run(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &req, log, NULL);
    break;
  }
  case 9:
  case 10: {
    gf_put_resource_policy_request req = {policies[pick(g, 6)], NULL, exists[pick(g, 6)],
                                          arns[pick(g, 4)], NULL};
    unsigned h = pick(g, 10);
    if (h < 4)
      req.policy_hash_condition = any_of(g, g->hashes, g->nhashes);
    else if (h == 4)
      req.policy_hash_condition = "stale-hash";
    if (pick(g, 4) == 0)
      req.enable_hybrid = pick(g, 2) ? "TRUE" : "FALSE";
    if (run(glue, GF_OP_PUT_RESOURCE_POLICY, &req, log, &out) == GF_OK)
      keep(g->hashes, &g->nhashes, ((gf_put_resource_policy_response *)out)->policy_hash);
    gf_put_resource_policy_response_free(out);
    break;
  }
  case 11: {
    gf_get_resource_policy_request req = {arns[pick(g, 4)]};
    if (run(glue, GF_OP_GET_RESOURCE_POLICY, &req, log, &out) == GF_OK)
      keep(g->hashes, &g->nhashes, ((gf_get_resource_policy_response *)out)->policy_hash);
    gf_get_resource_policy_response_free(out);
    break;
  }
  default: {
    gf_delete_resource_policy_request req = {NULL, arns[pick(g, 4)]};
    unsigned h = pick(g, 10);
    if (h < 5)
      req.policy_hash_condition = any_of(g, g->hashes, g->nhashes);
    else if (h == 5)
      req.policy_hash_condition = "stale-hash";
    run(glue, GF_OP_DELETE_RESOURCE_POLICY, &req, log, NULL);
    break;
  }
  }
}

/* `calls` random calls from `seed` through `glue`, outcomes into `log`. */
static void random_sequence(uint64_t seed, const char *const *names, size_t nnames,
                            const char *initial_hash, gf_backend *glue, size_t calls,
                            cJSON *log)
{
  gen g = {0};
  g.s = seed;
  g.names = names;
  g.nnames = nnames;
  keep(g.hashes, &g.nhashes, initial_hash);
  for (size_t i = 0; i < calls; i++)
    random_call(&g, glue, log);
  gen_clear(&g);
}

/* 100 rounds of 50 random calls, recorded on a fake with a fixed clock (and
 * a configuration limit every other round): verify with a fixture giving
 * the same clock (and limit) finds every outcome again, messages included;
 * and replaying the transcript to the same client code gives the same
 * outcomes. */
static void test_verify_random_sequences(void **state)
{
  fx *f = *state;
  enum { ROUNDS = 100, CALLS = 50 };
  size_t ok = 0, failed = 0, off_clock_mismatches = 0;
  for (int round = 0; round < ROUNDS; round++) {
    double now = BASE_TIME + round * 1000;
    double step = round % 3 == 2 ? 0.1 : (round % 3) * 0.25;
    int limited = round % 2;
    new_fake(f, now, step);
    if (limited)
      gf_fake_set_security_configuration_limit(f->fake, 3);
    reset_log(&f->log);
    uint64_t seed = 0x5eed0000u + (uint64_t)round;
    random_sequence(seed, NAMES, 6, NULL, gf_fake_backend(f->fake), CALLS, f->log);
    record(f);
    assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), CALLS);

    char fixture[200];
    snprintf(fixture, sizeof fixture, "{\"clock\": {\"now\": %.17g, \"step\": %.17g}%s}", now,
             step, limited ? ", \"limits\": {\"security_configurations\": 3}" : "");
    assert_verified(f, verify(f, f->text, fixture, NULL, 0, 0), CALLS);
    assert_verified(f, verify(f, f->text, fixture, NULL, 0, 1), CALLS);
    /* (a clock one second off is noticed whenever a timestamp was returned) */
    snprintf(fixture, sizeof fixture, "{\"clock\": {\"now\": %.17g, \"step\": %.17g}%s}",
             now + 1, step, limited ? ", \"limits\": {\"security_configurations\": 3}" : "");
    assert_gf_ok(verify(f, f->text, fixture, NULL, 0, 0), &f->err);
    assert_int_equal(f->report.calls, CALLS);
    off_clock_mismatches += f->report.mismatches;

    /* the replay serves the same outcomes to the same code */
    gf_replay_free(f->replay);
    f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
    assert_non_null(f->replay);
    assert_int_equal(gf_replay_remaining(f->replay), CALLS);
    reset_log(&f->log2);
    gf_recorder_free(f->recorder);
    f->recorder = gf_recorder_new(gf_replay_backend(f->replay), &f->err);
    assert_non_null(f->recorder);
    random_sequence(seed, NAMES, 6, NULL, gf_recorder_backend(f->recorder), CALLS, f->log2);
    assert_true(cJSON_Compare(f->log, f->log2, 1));
    assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
    assert_int_equal(gf_replay_remaining(f->replay), 0);
    /* and a recorder in front of the replay writes the same transcript */
    gf_buffer_free(f->text2);
    f->text2 = gf_calls_transcript(f->recorder);
    assert_non_null(f->text2);
    assert_string_equal(f->text2, f->text);
    gf_recorder_free(f->recorder);
    f->recorder = NULL;

    cJSON *o;
    cJSON_ArrayForEach(o, f->log)
    {
      if (strcmp(cJSON_GetObjectItemCaseSensitive(o, "status")->valuestring, "OK") == 0)
        ok++;
      else
        failed++;
    }
  }
  /* the mix really mixes */
  assert_true(ok > ROUNDS * CALLS / 5);
  assert_true(failed > ROUNDS * CALLS / 5);
  assert_true(off_clock_mismatches > ROUNDS);
}

#define FULL_FIXTURE                                                                       \
  "{\"clock\": {\"now\": 1700000000, \"step\": 0.5},"                                     \
  " \"security_configurations\": ["                                                        \
  "  {\"Name\": \"n0\", \"CreatedTimeStamp\": 1690000000, \"EncryptionConfiguration\":"    \
  "   {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-KMS\", \"KmsKeyArn\": \"" KMS_ARN    \
  "\"}]}},"                                                                                \
  "  {\"Name\": \"n1\", \"EncryptionConfiguration\": {}},"                                 \
  "  {\"Name\": \"fixed\", \"EncryptionConfiguration\": {\"CloudWatchEncryption\":"        \
  "   {\"CloudWatchEncryptionMode\": \"DISABLED\"}}}],"                                   \
  " \"data_catalog_encryption_settings\": {\"111122223333\": " DCS_KMS_JSON "},"          \
  " \"resource_policies\": {\"arn:aws:glue:us-east-1:123456789012:catalog\":"              \
  "  {\"PolicyInJson\": " POLICY_JSON ", \"PolicyHash\": \"fixture-hash\","                \
  "   \"CreateTime\": 1690000000}}}"

/* Recorded on a fake loaded from a fixture (configurations, catalog
 * settings, a policy with a hash pasted from AWS), verified with that
 * fixture: no mismatch. */
static void test_verify_fixture_loaded_fake(void **state)
{
  fx *f = *state;
  enum { ROUNDS = 20, CALLS = 50 };
  for (int round = 0; round < ROUNDS; round++) {
    new_fake(f, 0, 0);
    assert_gf_ok(gf_fake_load(f->fake, FULL_FIXTURE, strlen(FULL_FIXTURE), "full.json", &f->err),
                 &f->err);
    reset_log(&f->log);
    random_sequence(0xf1c5u + (uint64_t)round, FIXTURE_NAMES, 5, "fixture-hash",
                    gf_fake_backend(f->fake), CALLS, f->log);
    record(f);
    assert_verified(f, verify(f, f->text, FULL_FIXTURE, NULL, 0, 1), CALLS);
  }

  /* and a hand-made sequence that uses the fixture's data for sure */
  new_fake(f, 0, 0);
  assert_gf_ok(gf_fake_load(f->fake, FULL_FIXTURE, strlen(FULL_FIXTURE), "full.json", &f->err),
               &f->err);
  gf_backend *glue = gf_fake_backend(f->fake);
  gf_get_security_configurations_request all = {true, 2, NULL};
  gf_get_security_configuration_request get_n0 = {"n0"};
  gf_get_data_catalog_encryption_settings_request get_dcs = {"111122223333"};
  gf_get_resource_policy_request get_rp = {NULL};
  gf_delete_resource_policy_request del_rp = {"fixture-hash", NULL};
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &all, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_n0, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &get_dcs, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_GET_RESOURCE_POLICY, &get_rp, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_DELETE_RESOURCE_POLICY, &del_rp, NULL, NULL), NULL);
  record(f);
  assert_verified(f, verify(f, f->text, FULL_FIXTURE, NULL, 0, 1), 5);
  /* on an empty fake instead, every one of them differs */
  assert_gf_ok(verify(f, f->text, CLOCK_FIXTURE, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, 5);
  assert_int_equal(f->report.mismatches, 5);
}

/* The known sequence, faults and all, verifies with a fixture holding the
 * same clock and rules that reproduce its faults. */
static void test_verify_known_sequence(void **state)
{
  fx *f = *state;
  record_known(f);
  assert_verified(f, verify(f, f->text, KNOWN_FIXTURE, NULL, 0, 0), KNOWN_CALLS);
  assert_verified(f, verify(f, f->text, KNOWN_FIXTURE, NULL, 0, 1), KNOWN_CALLS);

  /* an empty transcript: nothing to run */
  static const char empty[] = "{\"transcript\": []}";
  assert_verified(f, verify(f, empty, NULL, NULL, 0, 1), 0);
  /* options may be NULL: an empty fake */
  gf_verify_report_clear(&f->report);
  assert_gf_ok(gf_transcript_verify(empty, strlen(empty), NULL, NULL, &f->report, &f->err),
               &f->err);
  assert_int_equal(f->report.calls, 0);
  assert_int_equal(f->report.mismatches, 0);
}

/* Whatever a client sends is recorded so that the transcript loads again,
 * values the API rejects included, and verify and replay find the same
 * outcomes.  `integers`: GetSecurityConfigurations with MaxResults far out
 * of range (int64 extremes, beyond 2^53); else strings: invalid UTF-8,
 * control characters, non-ASCII names, escapes. */
static void edge_sequence(gf_backend *glue, int integers, cJSON *log)
{
  if (integers) {
    static const int64_t max_results[] = {-1, 0, 1001, 1000, (int64_t)1 << 53,
                                          INT64_MAX, INT64_MIN, ((int64_t)1 << 53) + 2};
    for (size_t i = 0; i < sizeof max_results / sizeof *max_results; i++) {
      gf_get_security_configurations_request req = {true, max_results[i], NULL};
      run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, log, NULL);
    }
    return;
  }
  static const char *const names[] = {"\xff\xfe", "caf\xc3\xa9 \xf0\x9f\x94\x91", "tab\there",
                                      "line\nbreak", "quote\"back\\slash", "\x7f\x01"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    gf_create_security_configuration_request create = {names[i], &ENC_KMS};
    run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &create, log, NULL);
    gf_get_security_configuration_request get = {names[i]};
    run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get, log, NULL);
  }
  gf_get_data_catalog_encryption_settings_request dcs = {"\n"};
  run(glue, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &dcs, log, NULL);
  gf_put_resource_policy_request put = {"{\"k\":\"\xc3\xa9\\u0000\"}", NULL, NULL, NULL, NULL};
  run(glue, GF_OP_PUT_RESOURCE_POLICY, &put, log, NULL);
  gf_get_resource_policy_request get_rp = {NULL};
  run(glue, GF_OP_GET_RESOURCE_POLICY, &get_rp, log, NULL);
}

static void check_edge_recording(fx *f, int integers, size_t calls)
{
  new_fake(f, BASE_TIME, 0.1);
  edge_sequence(gf_fake_backend(f->fake), integers, f->log);
  assert_int_equal(cJSON_GetArraySize(f->log), calls);
  record(f);
  static const char fixture[] = "{\"clock\": {\"now\": 1700000000, \"step\": 0.1}}";
  assert_verified(f, verify(f, f->text, fixture, NULL, 0, 1), calls);

  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  if (!f->replay)
    print_error("%s\n", gf_error_message(&f->err));
  assert_non_null(f->replay);
  edge_sequence(gf_replay_backend(f->replay), integers, f->log2);
  assert_true(cJSON_Compare(f->log, f->log2, 1));
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
}

static void test_recording_of_edge_strings_loads(void **state)
{
  check_edge_recording(*state, 0, 6 * 2 + 3);
}

static void test_recording_of_huge_max_results_loads(void **state)
{
  check_edge_recording(*state, 1, 8);
}

/* ==== verify diagnostics ======================================================= */

/* One edited response value: exactly one mismatch line naming the entry,
 * the operation, the field path and both values. */
static void test_verify_edited_response_value(void **state)
{
  fx *f = *state;
  record_known(f);
  cJSON *e = entry_at(parse_text(f), 4);
  cJSON *sc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "response"),
                                               "SecurityConfiguration");
  cJSON *s3 = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                     cJSON_GetObjectItemCaseSensitive(sc, "EncryptionConfiguration"),
                                     "S3Encryption"),
                                 0);
  assert_non_null(s3);
  assert_true(cJSON_ReplaceItemInObjectCaseSensitive(s3, "KmsKeyArn",
                                                     cJSON_CreateString(KMS_ARN2)));
  print_json(f);

  assert_gf_ok(verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, KNOWN_CALLS);
  assert_int_equal(f->report.mismatches, 1);
  assert_int_equal(count_lines(f->report.text), 1);
  assert_contains(f->report.text, "transcript[4]");
  assert_contains(f->report.text, "GetSecurityConfiguration");
  assert_contains(f->report.text,
                  "SecurityConfiguration.EncryptionConfiguration.S3Encryption[0].KmsKeyArn");
  assert_contains(f->report.text, "recorded \"" KMS_ARN2 "\"");
  assert_contains(f->report.text, "got \"" KMS_ARN "\"");

  /* a member the API does not define (botocore's ResponseMetadata, say) is
   * not compared; one the fake returns but the recording lacks is */
  e = entry_at(f->json, 0);
  cJSON *resp = cJSON_GetObjectItemCaseSensitive(e, "response");
  cJSON_AddStringToObject(resp, "Extra", "x");
  e = entry_at(f->json, 1);
  cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "response"),
                                          "Name");
  print_json(f);
  assert_gf_ok(verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.mismatches, 2);
  assert_int_equal(count_lines(f->report.text), 2);
  char l[1024];
  nth_line(f->report.text, 0, l, sizeof l);
  assert_contains(l, "transcript[1]");
  assert_contains(l, "Name");
  assert_contains(l, "\"c2\"");
  nth_line(f->report.text, 1, l, sizeof l);
  assert_contains(l, "transcript[4]");
  assert_true(strstr(f->report.text, "Extra") == NULL);
}

/* A recorded error where the fake succeeds, a recorded success where it
 * fails, a different error type; messages only with compare_messages. */
static void test_verify_outcome_kinds(void **state)
{
  fx *f = *state;
  record_known(f);
  cJSON *root = parse_text(f);

  /* 5: GetSecurityConfiguration "nope" failed; pretend it succeeded */
  cJSON *e = entry_at(root, 5);
  cJSON_DeleteItemFromObjectCaseSensitive(e, "error");
  cJSON_AddItemToObject(e, "response", cJSON_CreateObject());
  /* 16: DeleteSecurityConfiguration c2 succeeded; pretend it failed */
  e = entry_at(root, 16);
  cJSON_DeleteItemFromObjectCaseSensitive(e, "response");
  cJSON *error = cJSON_AddObjectToObject(e, "error");
  cJSON_AddStringToObject(error, "__type", "EntityNotFoundException");
  cJSON_AddStringToObject(error, "Message", "Security configuration 'c2' not found");
  /* 17: EntityNotFound recorded as ConditionCheckFailure */
  e = entry_at(root, 17);
  error = cJSON_GetObjectItemCaseSensitive(e, "error");
  assert_true(cJSON_ReplaceItemInObjectCaseSensitive(
      error, "__type", cJSON_CreateString("ConditionCheckFailureException")));
  print_json(f);

  assert_gf_ok(verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, KNOWN_CALLS);
  assert_int_equal(f->report.mismatches, 3);
  assert_int_equal(count_lines(f->report.text), 3);
  char l[1024];
  nth_line(f->report.text, 0, l, sizeof l);
  assert_contains(l, "transcript[5]");
  assert_contains(l, "GetSecurityConfiguration");
  assert_contains(l, "recorded success");
  assert_contains(l, "EntityNotFoundException");
  nth_line(f->report.text, 1, l, sizeof l);
  assert_contains(l, "transcript[16]");
  assert_contains(l, "DeleteSecurityConfiguration");
  assert_contains(l, "recorded EntityNotFoundException");
  assert_contains(l, "got success");
  nth_line(f->report.text, 2, l, sizeof l);
  assert_contains(l, "transcript[17]");
  assert_contains(l, "DeleteSecurityConfiguration");
  assert_contains(l, "recorded ConditionCheckFailureException");
  assert_contains(l, "got EntityNotFoundException");

  /* a different message: only with compare_messages */
  parse_text(f);
  error = cJSON_GetObjectItemCaseSensitive(entry_at(f->json, 5), "error");
  assert_true(cJSON_ReplaceItemInObjectCaseSensitive(error, "Message",
                                                     cJSON_CreateString("something else")));
  print_json(f);
  assert_verified(f, verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 0), KNOWN_CALLS);
  assert_gf_ok(verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 1), &f->err);
  assert_int_equal(f->report.mismatches, 1);
  assert_int_equal(count_lines(f->report.text), 1);
  assert_contains(f->report.text, "transcript[5]");
  assert_contains(f->report.text, "GetSecurityConfiguration");
  assert_contains(f->report.text, "something else");
  assert_contains(f->report.text, "Security configuration 'nope' not found");

  /* A recorded message with line breaks still makes one line, the breaks
   * spelled as \n and \r. */
  parse_text(f);
  error = cJSON_GetObjectItemCaseSensitive(entry_at(f->json, 5), "error");
  assert_true(cJSON_ReplaceItemInObjectCaseSensitive(error, "Message",
                                                     cJSON_CreateString("two\nlines\r\n")));
  print_json(f);
  assert_gf_ok(verify(f, f->edited, KNOWN_FIXTURE, NULL, 0, 1), &f->err);
  assert_int_equal(f->report.mismatches, 1);
  assert_int_equal(count_lines(f->report.text), 1);
  assert_contains(f->report.text, "recorded \"two\\nlines\\r\\n\", got \"Security configuration "
                                  "'nope' not found\"\n");
}

/* Without the fixture's clock every timestamp differs; GF_VERIFY_VOLATILE,
 * or an explicit list, makes them match. */
static void test_verify_timestamps_and_ignore(void **state)
{
  fx *f = *state;
  record_known(f);
  static const char faults_only[] = "{\"faults\": \"" KNOWN_FAULTS "\"}";

  /* timestamps in responses 0, 1 (CreatedTimestamp), 4, 6, 7, 20
   * (CreatedTimeStamp), 13 and 22 (CreateTime, UpdateTime) */
  assert_gf_ok(verify(f, f->text, faults_only, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, KNOWN_CALLS);
  assert_int_equal(f->report.mismatches, 8);
  assert_int_equal(count_lines(f->report.text), 8);
  static const struct {
    const char *index, *member;
  } lines[] = {{"transcript[0]", "CreatedTimestamp"}, {"transcript[1]", "CreatedTimestamp"},
               {"transcript[4]", "SecurityConfiguration.CreatedTimeStamp"},
               {"transcript[6]", "SecurityConfigurations[0].CreatedTimeStamp"},
               {"transcript[7]", "SecurityConfigurations[0].CreatedTimeStamp"},
               {"transcript[13]", "CreateTime"},
               {"transcript[20]", "SecurityConfiguration.CreatedTimeStamp"},
               {"transcript[22]", "GetResourcePoliciesResponseList[0].CreateTime"}};
  char l[1024];
  for (size_t i = 0; i < 8; i++) {
    nth_line(f->report.text, i, l, sizeof l);
    assert_contains(l, lines[i].index);
    assert_contains(l, lines[i].member);
    assert_contains(l, "recorded 17000000");
  }

  static const char *const volatile_members[] = {GF_VERIFY_VOLATILE};
  assert_int_equal(sizeof volatile_members / sizeof *volatile_members, 6);
  assert_verified(f, verify(f, f->text, faults_only, volatile_members, 6, 0), KNOWN_CALLS);
  assert_verified(f, verify(f, f->text, faults_only, volatile_members, 6, 1), KNOWN_CALLS);

  static const char *const two[] = {"CreatedTimestamp", "CreatedTimeStamp"};
  assert_gf_ok(verify(f, f->text, faults_only, two, 2, 0), &f->err);
  assert_int_equal(f->report.mismatches, 2); /* GetResourcePolicy's and GetResourcePolicies' */
  assert_contains(f->report.text, "transcript[13]");
  assert_contains(f->report.text, "transcript[22]");
  assert_contains(f->report.text, "GetResourcePolicy");
  assert_contains(f->report.text, "CreateTime");

  static const char *const four[] = {"CreatedTimestamp", "CreatedTimeStamp", "CreateTime",
                                     "UpdateTime"};
  assert_verified(f, verify(f, f->text, faults_only, four, 4, 0), KNOWN_CALLS);
}

/* Rewrites every string value of members named `member` (at any depth)
 * through a table old -> "<prefix><k>", so that a transcript looks recorded
 * against real AWS. */
typedef struct rewrite {
  char old[16][200];
  size_t count;
} rewrite;

static void rewrite_member(cJSON *node, const char *member, const char *prefix, rewrite *rw)
{
  cJSON *child;
  cJSON_ArrayForEach(child, node)
  {
    if (child->string && strcmp(child->string, member) == 0 && cJSON_IsString(child)) {
      size_t k = 0;
      while (k < rw->count && strcmp(rw->old[k], child->valuestring) != 0)
        k++;
      if (k == rw->count) {
        assert_true(rw->count < 16);
        snprintf(rw->old[rw->count++], sizeof rw->old[0], "%s", child->valuestring);
      }
      char fresh[64];
      snprintf(fresh, sizeof fresh, "%s%zu", prefix, k + 1);
      assert_true(cJSON_SetValuestring(child, fresh) != NULL);
    } else if (cJSON_IsObject(child) || cJSON_IsArray(child)) {
      rewrite_member(child, member, prefix, rw);
    }
  }
}

/* NextTokens recorded against "AWS" (other strings): later requests quoting
 * them are sent the fake's own, so the pagination replays; ignoring
 * NextToken, nothing differs. */
static void test_verify_maps_next_tokens(void **state)
{
  fx *f = *state;
  new_fake(f, BASE_TIME, 1);
  gf_backend *glue = gf_fake_backend(f->fake);
  static const char *const names[] = {"a", "b", "c", "d", "e"};
  for (size_t i = 0; i < 5; i++) {
    gf_create_security_configuration_request req = {names[i], &ENC_KMS};
    assert_gf_ok(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, NULL, NULL), NULL);
  }
  void *out = NULL;
  char t1[200], t2[200], t3[200];
  gf_get_security_configurations_request req = {true, 2, NULL};
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, &out), NULL);
  snprintf(t1, sizeof t1, "%s", ((gf_get_security_configurations_response *)out)->next_token);
  gf_get_security_configurations_response_free(out);
  req.next_token = t1;
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, &out), NULL);
  snprintf(t2, sizeof t2, "%s", ((gf_get_security_configurations_response *)out)->next_token);
  gf_get_security_configurations_response_free(out);
  req.next_token = t2;
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, NULL), NULL);
  gf_delete_security_configuration_request del = {"c"};
  assert_gf_ok(run(glue, GF_OP_DELETE_SECURITY_CONFIGURATION, &del, NULL, NULL), NULL);
  req.next_token = t1; /* again, after a delete */
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, NULL), NULL);
  gf_get_security_configurations_request first = {true, 1, NULL};
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &first, NULL, &out), NULL);
  snprintf(t3, sizeof t3, "%s", ((gf_get_security_configurations_response *)out)->next_token);
  gf_get_security_configurations_response_free(out);
  gf_get_security_configurations_request rest = {true, 10, t3};
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &rest, NULL, NULL), NULL);
  enum { CALLS = 12 };
  record(f);

  /* as recorded: verifies as is */
  assert_verified(f, verify(f, f->text, CLOCK_FIXTURE, NULL, 0, 1), CALLS);

  rewrite rw = {0};
  rewrite_member(parse_text(f), "NextToken", "AQICAHh-aws-token-", &rw);
  assert_int_equal(rw.count, 3);
  print_json(f);
  assert_not_contains(f->edited, t1);
  assert_not_contains(f->edited, t2);
  assert_not_contains(f->edited, t3);

  static const char *const ignore[] = {"NextToken"};
  assert_verified(f, verify(f, f->edited, CLOCK_FIXTURE, ignore, 1, 1), CALLS);

  /* not ignored: the three responses carrying a token differ in it, and
   * nothing else (the requests quoting them were sent the fake's own) */
  assert_gf_ok(verify(f, f->edited, CLOCK_FIXTURE, NULL, 0, 1), &f->err);
  assert_int_equal(f->report.calls, CALLS);
  assert_int_equal(f->report.mismatches, 3);
  char l[1024];
  static const char *const which[] = {"transcript[5]", "transcript[6]", "transcript[10]"};
  for (size_t i = 0; i < 3; i++) {
    nth_line(f->report.text, i, l, sizeof l);
    assert_contains(l, which[i]);
    assert_contains(l, "GetSecurityConfigurations");
    assert_contains(l, "NextToken");
    assert_contains(l, "AQICAHh-aws-token-");
  }
  assert_not_contains(f->report.text, "InvalidInput");
}

/* A fixture of `n` configurations (no encryption, made a second apart) on
 * `account` and the fixed clock, built in `s`. */
static void many_configs_fixture(sbuf *s, const char *account, size_t n)
{
  char piece[200];
  snprintf(piece, sizeof piece,
           "{\"account_id\": \"%s\", \"clock\": {\"now\": 1700000000, \"step\": 1}, "
           "\"security_configurations\": [",
           account);
  sbuf_add(s, piece);
  for (size_t i = 0; i < n; i++) {
    snprintf(piece, sizeof piece,
             "%s\n{\"Name\": \"cfg-%06zu\", \"CreatedTimeStamp\": %zu, "
             "\"EncryptionConfiguration\": {}}",
             i ? "," : "", i, (size_t)1690000000 + i);
    sbuf_add(s, piece);
  }
  sbuf_add(s, "]}");
}

/* 20,000 pages of one configuration each, paged forward and then back again
 * from the last (as a UI's back button does, with the tokens it kept),
 * recorded on one account and verified on another, whose NextTokens all
 * differ: every request but the first quotes a recorded token that verify
 * maps to the fake's own (ignoring NextToken, nothing differs).  The way
 * back looks up tokens mapped long before: searched linearly, newest first,
 * the map made this verify quadratic in the pages (this test took 1.9 s,
 * 0.5 s with a hash table; `gluefake verify` of 80,000 pairs took 14 s).
 * Timed by hand, never here. */
static void test_verify_maps_many_next_tokens(void **state)
{
  enum { PAGES = 20000 };
  static char tokens[PAGES][32]; /* tokens[i]: the NextToken of page i ("" on the last) */
  fx *f = *state;
  many_configs_fixture(&f->fixture, "111122223333", PAGES);
  many_configs_fixture(&f->fixture2, "444455556666", PAGES);
  new_fake(f, BASE_TIME, 1);
  assert_gf_ok(gf_fake_load(f->fake, f->fixture.p, f->fixture.len, "many.json", &f->err),
               &f->err);
  gf_backend *glue = gf_fake_backend(f->fake);
  size_t calls = 0;
  for (size_t i = 0; i < PAGES; i++) {
    gf_get_security_configurations_request req = {true, 1, i ? tokens[i - 1] : NULL};
    void *out = NULL;
    assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, &out), NULL);
    const gf_get_security_configurations_response *page = out;
    int one = page->security_configurations_count == 1;
    const char *next = page->next_token ? page->next_token : "";
    int fits = strlen(next) < sizeof tokens[i];
    snprintf(tokens[i], sizeof tokens[i], "%s", next);
    gf_get_security_configurations_response_free(out);
    assert_true(one && fits);
    assert_true((tokens[i][0] != '\0') == (i + 1 < PAGES));
    calls++;
  }
  for (size_t i = PAGES - 1; i-- > 0;) { /* page i + 1 again, from the last */
    gf_get_security_configurations_request req = {true, 1, tokens[i]};
    assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, NULL), NULL);
    calls++;
  }
  record(f);

  static const char *const ignore[] = {"NextToken"};
  assert_verified(f, verify(f, f->text, f->fixture2.p, ignore, 1, 1), calls);

  /* The other account's tokens are not the recorded ones, so the map was
   * used and not bypassed (verify maps only values that differ): its first
   * page's, with two configurations as with all of them. */
  f->fixture.len = 0;
  many_configs_fixture(&f->fixture, "444455556666", 2);
  assert_gf_ok(gf_fake_load(f->fake, f->fixture.p, f->fixture.len, "two.json", &f->err),
               &f->err);
  gf_get_security_configurations_request req = {true, 1, NULL};
  void *out = NULL;
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, &out), NULL);
  const char *other = ((gf_get_security_configurations_response *)out)->next_token;
  int same = other && strcmp(other, tokens[0]) == 0;
  gf_get_security_configurations_response_free(out);
  assert_false(same);
}

/* The same for PolicyHash / PolicyHashCondition: optimistic concurrency
 * replays against a recording whose hashes are AWS's. */
static void test_verify_maps_policy_hashes(void **state)
{
  fx *f = *state;
  new_fake(f, BASE_TIME, 1);
  gf_backend *glue = gf_fake_backend(f->fake);
  void *out = NULL;
  char h1[200], h2[200];
  gf_put_resource_policy_request put1 = {POLICY, NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
  assert_gf_ok(run(glue, GF_OP_PUT_RESOURCE_POLICY, &put1, NULL, &out), NULL);
  snprintf(h1, sizeof h1, "%s", ((gf_put_resource_policy_response *)out)->policy_hash);
  gf_put_resource_policy_response_free(out);
  gf_get_resource_policy_request get = {NULL};
  assert_gf_ok(run(glue, GF_OP_GET_RESOURCE_POLICY, &get, NULL, NULL), NULL);
  gf_put_resource_policy_request put2 = {"{\"Version\":\"2012-10-17\",\"Statement\":[]}", h1,
                                         NULL, NULL, NULL};
  assert_gf_ok(run(glue, GF_OP_PUT_RESOURCE_POLICY, &put2, NULL, &out), NULL);
  snprintf(h2, sizeof h2, "%s", ((gf_put_resource_policy_response *)out)->policy_hash);
  gf_put_resource_policy_response_free(out);
  assert_string_not_equal(h1, h2);
  gf_put_resource_policy_request put3 = {"{\"b\":2}", h1, NULL, NULL, NULL}; /* stale */
  assert_int_equal(run(glue, GF_OP_PUT_RESOURCE_POLICY, &put3, NULL, NULL),
                   GF_CONDITION_CHECK_FAILURE);
  assert_gf_ok(run(glue, GF_OP_GET_RESOURCE_POLICY, &get, NULL, NULL), NULL);
  gf_delete_resource_policy_request del = {h2, NULL};
  assert_gf_ok(run(glue, GF_OP_DELETE_RESOURCE_POLICY, &del, NULL, NULL), NULL);
  enum { CALLS = 6 };
  record(f);
  assert_verified(f, verify(f, f->text, CLOCK_FIXTURE, NULL, 0, 1), CALLS);

  rewrite rw = {0};
  parse_text(f);
  rewrite_member(f->json, "PolicyHash", "aws-hash-", &rw);
  rewrite_member(f->json, "PolicyHashCondition", "aws-hash-", &rw);
  assert_int_equal(rw.count, 2);
  print_json(f);
  /* (the recorded ConditionCheckFailure message still quotes h1: messages
   * are not rewritten) */

  static const char *const ignore[] = {"PolicyHash"};
  assert_verified(f, verify(f, f->edited, CLOCK_FIXTURE, ignore, 1, 0), CALLS);

  /* not ignored: the four responses carrying a hash differ in it, and
   * nothing else - no condition failed */
  assert_gf_ok(verify(f, f->edited, CLOCK_FIXTURE, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, CALLS);
  assert_int_equal(f->report.mismatches, 4);
  static const char *const which[] = {"transcript[0]", "transcript[1]", "transcript[2]",
                                      "transcript[4]"};
  char l[1024];
  for (size_t i = 0; i < 4; i++) {
    nth_line(f->report.text, i, l, sizeof l);
    assert_contains(l, which[i]);
    assert_contains(l, "PolicyHash");
    assert_contains(l, "aws-hash-");
  }
  assert_not_contains(f->report.text, "ConditionCheckFailure");
}

/* A fixture's fault rules reproduce a recorded timeout (and an applied()
 * one); without them the outcome differs. */
static void test_verify_fixture_faults(void **state)
{
  fx *f = *state;
  new_fake(f, BASE_TIME, 1);
  gf_backend *glue = gf_fake_backend(f->fake);
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake), "CreateSecurityConfiguration=1*OperationTimeout",
                             &f->err),
               &f->err);
  gf_create_security_configuration_request a = {"a", &ENC_KMS};
  gf_get_security_configuration_request get_a = {"a"};
  assert_int_equal(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &a, NULL, NULL),
                   GF_OPERATION_TIMEOUT);
  assert_gf_ok(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &a, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_a, NULL, NULL), NULL);
  record(f);

  static const char with_faults[] =
      "{\"clock\": {\"now\": 1700000000, \"step\": 1},"
      " \"faults\": \"CreateSecurityConfiguration=1*OperationTimeout\"}";
  assert_verified(f, verify(f, f->text, with_faults, NULL, 0, 1), 3);

  assert_gf_ok(verify(f, f->text, CLOCK_FIXTURE, NULL, 0, 0), &f->err);
  assert_true(f->report.mismatches >= 1);
  char l[1024];
  nth_line(f->report.text, 0, l, sizeof l);
  assert_contains(l, "transcript[0]");
  assert_contains(l, "CreateSecurityConfiguration");
  assert_contains(l, "recorded OperationTimeoutException");
  assert_contains(l, "got success");

  /* applied(): created, but the caller was told it timed out */
  new_fake(f, BASE_TIME, 1);
  glue = gf_fake_backend(f->fake);
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake),
                             "CreateSecurityConfiguration=1*applied(OperationTimeout)", &f->err),
               &f->err);
  assert_int_equal(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &a, NULL, NULL),
                   GF_OPERATION_TIMEOUT);
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get_a, NULL, NULL), NULL);
  assert_int_equal(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &a, NULL, NULL),
                   GF_ALREADY_EXISTS);
  record(f);
  static const char applied[] =
      "{\"clock\": {\"now\": 1700000000, \"step\": 1},"
      " \"faults\": \"CreateSecurityConfiguration=1*applied(OperationTimeout)\"}";
  assert_verified(f, verify(f, f->text, applied, NULL, 0, 1), 3);
  /* a plain (not applied) timeout leaves nothing behind: the get differs */
  static const char plain[] =
      "{\"clock\": {\"now\": 1700000000, \"step\": 1},"
      " \"faults\": \"CreateSecurityConfiguration=1*OperationTimeout\"}";
  assert_gf_ok(verify(f, f->text, plain, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.mismatches, 2);
  nth_line(f->report.text, 0, l, sizeof l);
  assert_contains(l, "transcript[1]");
  assert_contains(l, "recorded success");
  assert_contains(l, "EntityNotFoundException");
  nth_line(f->report.text, 1, l, sizeof l);
  assert_contains(l, "transcript[2]");
  assert_contains(l, "recorded AlreadyExistsException");
  assert_contains(l, "got success");
}

/* GLUEFAKE_FAULTS in the environment does not reach the fresh fake. */
static void test_verify_ignores_environment_faults(void **state)
{
  fx *f = *state;
  record_known(f);
  setenv("GLUEFAKE_FAULTS", "*=InternalService", 1);
  gf_status status = verify(f, f->text, KNOWN_FIXTURE, NULL, 0, 1);
  unsetenv("GLUEFAKE_FAULTS");
  assert_verified(f, status, KNOWN_CALLS);

  /* nor with no fixture at all */
  new_fake(f, BASE_TIME, 1);
  gf_create_security_configuration_request a = {"a", &ENC_KMS};
  assert_gf_ok(run(gf_fake_backend(f->fake), GF_OP_CREATE_SECURITY_CONFIGURATION, &a, NULL, NULL),
               NULL);
  record(f);
  static const char *const volatile_members[] = {GF_VERIFY_VOLATILE};
  setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=1*OperationTimeout", 1);
  status = verify(f, f->text, NULL, volatile_members, 6, 1);
  unsetenv("GLUEFAKE_FAULTS");
  assert_verified(f, status, 1);
}

/* Not even a GLUEFAKE_FAULTS that does not parse: verify does not use the
 * environment's rules, so it cannot fail because of them. */
static void test_verify_ignores_unparsable_environment_faults(void **state)
{
  fx *f = *state;
  record_known(f);
  setenv("GLUEFAKE_FAULTS", "this is not a fault spec", 1);
  gf_status status = verify(f, f->text, KNOWN_FIXTURE, NULL, 0, 1);
  unsetenv("GLUEFAKE_FAULTS");
  assert_verified(f, status, KNOWN_CALLS);
}

/* ==== loading errors ============================================================ */

typedef struct bad_case {
  const char *text;
  const char *message; /* expected text of the error, a substring */
} bad_case;

#define REQ_OK "\"request\": {\"Name\": \"a\"}"
#define GOOD_ENTRY                                                                         \
  "{\"operation\": \"GetSecurityConfiguration\", " REQ_OK ", \"error\": "                  \
  "{\"__type\": \"EntityNotFoundException\", \"Message\": \"m\"}}"

static const bad_case BAD_TRANSCRIPTS[] = {
    {"[]", "t.json: a transcript is an object {\"transcript\": [...]}"},
    {"\"transcript\"", "t.json: a transcript is an object"},
    {"{}", "t.json: a transcript is an object"},
    {"{\"calls\": []}", "t.json: a transcript is an object"},
    {"{\"transcript\": {}}", "t.json: a transcript is an object"},
    {"{\"transcript\": [" GOOD_ENTRY ", " GOOD_ENTRY ", {\"operation\": \"ListThings\", " REQ_OK
     ", \"response\": {}}]}",
     "t.json: transcript[2].operation"},
    {"{\"transcript\": [{" REQ_OK ", \"response\": {}}]}", "t.json: transcript[0].operation"},
    {"{\"transcript\": [{\"operation\": 7, " REQ_OK ", \"response\": {}}]}",
     "t.json: transcript[0].operation"},
    {"{\"transcript\": [{\"operation\": \"getSecurityConfiguration\", " REQ_OK
     ", \"response\": {}}]}",
     "t.json: transcript[0].operation"},
    {"{\"transcript\": [" GOOD_ENTRY ", 5]}", "t.json: transcript[1]"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", \"response\": {}}]}",
     "t.json: transcript[0].request"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", \"request\": [], "
     "\"response\": {}}]}",
     "t.json: transcript[0].request"},
    {"{\"transcript\": [" GOOD_ENTRY ", {\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     "}]}",
     "t.json: transcript[1]: must have exactly one of \"response\" and \"error\""},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"response\": {}, \"error\": {\"__type\": \"EntityNotFoundException\", \"Message\": "
     "\"m\"}}]}",
     "t.json: transcript[0]: must have exactly one of \"response\" and \"error\""},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"error\": {\"__type\": \"NoSuchThingException\", \"Message\": \"m\"}}]}",
     "t.json: transcript[0].error"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"error\": {\"__type\": \"Throttled\", \"Message\": \"m\"}}]}",
     "t.json: transcript[0].error"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"error\": {\"__type\": \"OK\", \"Message\": \"m\"}}]}",
     "t.json: transcript[0].error"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"error\": {\"Message\": \"m\"}}]}",
     "t.json: transcript[0].error"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"error\": \"EntityNotFoundException\"}]}",
     "t.json: transcript[0].error"},
    {"{\"transcript\": [" GOOD_ENTRY ", {\"operation\": \"GetSecurityConfiguration\", "
     "\"request\": {\"Name\": 5}, \"response\": {}}]}",
     "t.json: transcript[1].request"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfigurations\", "
     "\"request\": {\"MaxResults\": \"ten\"}, \"response\": {}}]}",
     "t.json: transcript[0].request"},
    {"{\"transcript\": [{\"operation\": \"CreateSecurityConfiguration\", "
     "\"request\": {\"Name\": \"a\", \"EncryptionConfiguration\": {\"S3Encryption\": {}}}, "
     "\"response\": {}}]}",
     "t.json: transcript[0].request"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"response\": {\"SecurityConfiguration\": []}}]}",
     "t.json: transcript[0].response"},
    {"{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK
     ", \"response\": []}]}",
     "t.json: transcript[0].response"},
};

/* A malformed transcript does not load: GF_INVALID_INPUT naming the source
 * and the entry, from gf_replay_new and from gf_transcript_verify alike. */
static void test_malformed_transcripts(void **state)
{
  fx *f = *state;
  for (size_t i = 0; i < sizeof BAD_TRANSCRIPTS / sizeof *BAD_TRANSCRIPTS; i++) {
    const bad_case *c = &BAD_TRANSCRIPTS[i];
    gf_error_clear(&f->err);
    gf_replay *r = gf_replay_new(c->text, strlen(c->text), "t.json", &f->err);
    if (r) {
      gf_replay_free(r);
      print_error("case %zu loaded: %s\n", i, c->text);
      fail();
    }
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&f->err), c->message);

    gf_verify_report_clear(&f->report);
    gf_error_clear(&f->err);
    gf_status status =
        gf_transcript_verify(c->text, strlen(c->text), "t.json", NULL, &f->report, &f->err);
    assert_int_equal(status, GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&f->err), c->message);
    assert_int_equal(f->report.calls, 0);
    assert_int_equal(f->report.mismatches, 0);
    assert_null(f->report.text);

    /* err may be NULL */
    assert_null(gf_replay_new(c->text, strlen(c->text), "t.json", NULL));
    gf_verify_report_clear(&f->report);
    assert_int_equal(
        gf_transcript_verify(c->text, strlen(c->text), "t.json", NULL, &f->report, NULL),
        GF_INVALID_INPUT);
  }
}

/* The wording of a few of them, exactly. */
static void test_malformed_transcript_messages(void **state)
{
  fx *f = *state;
  const char *text = BAD_TRANSCRIPTS[5].text;
  assert_null(gf_replay_new(text, strlen(text), "t.json", &f->err));
  assert_string_equal(gf_error_message(&f->err),
                      "t.json: transcript[2].operation: must be one of the ten operation names");

  text = BAD_TRANSCRIPTS[12].text;
  assert_null(gf_replay_new(text, strlen(text), "t.json", &f->err));
  assert_string_equal(gf_error_message(&f->err),
                      "t.json: transcript[1]: must have exactly one of \"response\" and \"error\"");

  /* the codec's word for a member of the wrong JSON type */
  text = BAD_TRANSCRIPTS[19].text;
  assert_null(gf_replay_new(text, strlen(text), "t.json", &f->err));
  assert_int_equal(f->err.status, GF_INVALID_INPUT);
  assert_contains(gf_error_message(&f->err), "t.json: transcript[1].request: ");
  assert_contains(gf_error_message(&f->err), "Name");
  assert_contains(gf_error_message(&f->err), "string");

  /* no source: a generic name */
  text = "[]";
  assert_null(gf_replay_new(text, strlen(text), NULL, &f->err));
  assert_contains(gf_error_message(&f->err), "<transcript>");
  gf_verify_report_clear(&f->report);
  assert_int_equal(gf_transcript_verify(text, strlen(text), NULL, NULL, &f->report, &f->err),
                   GF_INVALID_INPUT);
  assert_contains(gf_error_message(&f->err), "<transcript>");
}

/* A recorded error of one __type, for GetSecurityConfiguration "a". */
#define ERROR_ENTRY(type)                                                                  \
  "{\"transcript\": [{\"operation\": \"GetSecurityConfiguration\", " REQ_OK                  \
  ", \"error\": {\"__type\": \"" type "\", \"Message\": \"m\"}}]}"

/* A recorded call may have failed with any error of the table (a
 * recording made against a real endpoint or under faults has throttling,
 * signature and transport errors): each loads and is served back. */
static void test_transcript_records_every_table_error(void **state)
{
  fx *f = *state;
  static const struct {
    const char *text;
    gf_status status;
  } cases[] = {
      {ERROR_ENTRY("ThrottlingException"), GF_THROTTLING},
      {ERROR_ENTRY("TransportError"), GF_TRANSPORT},
      {ERROR_ENTRY("SerializationException"), GF_SERIALIZATION},
      {ERROR_ENTRY("UnknownOperationException"), GF_UNKNOWN_OPERATION},
      {ERROR_ENTRY("ServiceUnavailableException"), GF_SERVICE_UNAVAILABLE},
      {ERROR_ENTRY("AccessDeniedException"), GF_ACCESS_DENIED},
      {ERROR_ENTRY("ExpiredTokenException"), GF_EXPIRED_TOKEN},
      {ERROR_ENTRY("com.amazonaws.glue#ThrottlingException"), GF_THROTTLING},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gf_error_clear(&f->err);
    gf_replay *r = gf_replay_new(cases[i].text, strlen(cases[i].text), "t.json", &f->err);
    assert_non_null(r);
    gf_get_security_configuration_request req = {"a"};
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(gf_get_security_configuration(gf_replay_backend(r), &req, NULL, &err),
                     cases[i].status);
    assert_string_equal(err.message, "m");
    gf_error_clear(&err);
    assert_gf_ok(gf_replay_finish(r, &f->err), &f->err);
    gf_replay_free(r);
  }
  /* A name the table does not have, or its Unknown itself, is refused,
   * naming what is expected. */
  static const char *const unknown[] = {ERROR_ENTRY("ThrottledException"),
                                        ERROR_ENTRY("UnknownError")};
  for (size_t i = 0; i < 2; i++) {
    assert_null(gf_replay_new(unknown[i], strlen(unknown[i]), "t.json", &f->err));
    assert_string_equal(f->err.message, "t.json: transcript[0].error: must be {\"__type\": "
                                        "\"<an error name of the table>\", \"Message\": ...}");
  }
}

/* GlueEncryptionException is an error the API models: an entry with it
 * loads, replay serves it back, and verify reproduces it with a fault rule;
 * a fake's own GlueEncryption outcome records and replays. */
static void test_transcript_glue_encryption(void **state)
{
  fx *f = *state;
  static const char *const texts[] = {
      ERROR_ENTRY("GlueEncryptionException"),
      ERROR_ENTRY("com.amazonaws.glue#GlueEncryptionException"),
  };
  for (size_t i = 0; i < 2; i++) {
    gf_replay_free(f->replay);
    f->replay = gf_replay_new(texts[i], strlen(texts[i]), "t.json", &f->err);
    if (!f->replay)
      print_error("%s: %s\n", texts[i], gf_error_message(&f->err));
    assert_non_null(f->replay);
    gf_get_security_configuration_request get = {"a"};
    gf_get_security_configuration_response *out = NULL;
    assert_int_equal(gf_get_security_configuration(gf_replay_backend(f->replay), &get, &out,
                                                   &f->err),
                     GF_GLUE_ENCRYPTION);
    assert_null(out);
    assert_int_equal(f->err.status, GF_GLUE_ENCRYPTION);
    assert_string_equal(gf_error_message(&f->err), "m");
    assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
    gf_error_clear(&f->err);
  }

  /* verify: a fake with the fault rule reproduces it; one without does not */
  const char *text = texts[0];
  assert_verified(f,
                  verify(f, text,
                         "{\"faults\": \"GetSecurityConfiguration=1*GlueEncryption\"}", NULL,
                         0, 0),
                  1);
  assert_gf_ok(verify(f, text, NULL, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, 1);
  assert_int_equal(f->report.mismatches, 1);
  assert_contains(f->report.text, "transcript[0] (GetSecurityConfiguration)");
  assert_contains(f->report.text, "GlueEncryptionException");

  /* recorded from a fake: the transcript names it, and replays it */
  gf_fake *fake = new_fake(f, BASE_TIME, 1);
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(gf_faults_set(gf_fake_faults(fake), "GetSecurityConfiguration=1*GlueEncryption",
                             &err),
               &err);
  gf_get_security_configuration_request get = {"a"};
  assert_int_equal(gf_get_security_configuration(gf_fake_backend(fake), &get, NULL, &err),
                   GF_GLUE_ENCRYPTION);
  gf_error_clear(&err);
  record(f);
  assert_contains(f->text, "\"GlueEncryptionException\"");
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(f->replay);
  assert_int_equal(gf_get_security_configuration(gf_replay_backend(f->replay), &get, NULL,
                                                 &f->err),
                   GF_GLUE_ENCRYPTION);
  assert_string_equal(gf_error_message(&f->err), "GlueEncryptionException injected by gluefake "
                                                 "(fault rule GetSecurityConfiguration)");
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
}

/* Verify options of a version this library does not know are refused;
 * NULL options are the defaults. */
/* A recorded boolean the fake answers otherwise: verify names the member
 * and both values (true and false are different JSON types to compare). */
static void test_verify_boolean_differs(void **state)
{
  fx *f = *state;
  static const char text[] =
      "{\"transcript\":["
      "{\"operation\":\"PutDataCatalogEncryptionSettings\",\"request\":"
      "{\"DataCatalogEncryptionSettings\":{\"ConnectionPasswordEncryption\":"
      "{\"ReturnConnectionPasswordEncrypted\":false}}},\"response\":{}},"
      "{\"operation\":\"GetDataCatalogEncryptionSettings\",\"request\":{},\"response\":"
      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
      "\"DISABLED\"},\"ConnectionPasswordEncryption\":"
      "{\"ReturnConnectionPasswordEncrypted\":true}}}}]}";
  assert_gf_ok(verify(f, text, NULL, NULL, 0, 0), &f->err);
  assert_int_equal(f->report.calls, 2);
  assert_int_equal(f->report.mismatches, 1);
  assert_string_equal(f->report.text,
                      "transcript[1] (GetDataCatalogEncryptionSettings): response differs at "
                      "DataCatalogEncryptionSettings.ConnectionPasswordEncryption."
                      "ReturnConnectionPasswordEncrypted: recorded true, got false\n");
}

/* No text at all is a document with a syntax error at its start. */
static void test_null_transcript_text(void **state)
{
  fx *f = *state;
  assert_null(gf_replay_new(NULL, 0, "t.json", &f->err));
  assert_int_equal(f->err.status, GF_INVALID_INPUT);
  assert_string_equal(f->err.message, "t.json:1:1: JSON syntax error");
  gf_error_clear(&f->err);
  assert_int_equal(gf_transcript_verify(NULL, 0, NULL, NULL, &f->report, &f->err),
                   GF_INVALID_INPUT);
  assert_string_equal(f->err.message, "<transcript>:1:1: JSON syntax error");
  gf_verify_report_clear(NULL); /* allowed */
}

/* gf_calls_transcript_ext: a recording that grows over runs, account ids
 * redacted inside ARNs and CatalogIds (and nowhere else). */
static void test_transcript_append_and_redact(void **state)
{
  fx *f = *state;
  gf_fake *fake = new_fake(f, 1700000000, 1);
  gf_backend *b = gf_fake_backend(fake);
  static const char doc[] =
      "{\"Statement\":[{\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},"
      "\"Resource\":\"arn:aws-cn:glue:cn-north-1:444455556666:catalog/x\","
      "\"Note\":\"444455556666 is not in an ARN\"}]}";
  gf_put_resource_policy_request put = {doc, NULL, NULL,
                                        "arn:aws:glue:us-east-1:444455556666:catalog", NULL};
  assert_int_equal(gf_put_resource_policy(b, &put, NULL, &f->err), GF_OK);
  gf_get_data_catalog_encryption_settings_request get = {"444455556666"};
  assert_int_equal(gf_get_data_catalog_encryption_settings(b, &get, NULL, &f->err), GF_OK);

  gf_transcript_options o = GF_TRANSCRIPT_OPTIONS_INIT;
  o.redact_account = "123456789012";
  f->text = gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err);
  assert_non_null(f->text);
  assert_not_contains(f->text, "arn:aws:iam::444455556666");
  assert_contains(f->text, "arn:aws:iam::123456789012:root");
  assert_contains(f->text, "arn:aws-cn:glue:cn-north-1:123456789012:catalog/x");
  assert_contains(f->text, "arn:aws:glue:us-east-1:123456789012:catalog");
  assert_contains(f->text, "\"CatalogId\":\t\"123456789012\"");
  assert_contains(f->text, "444455556666 is not in an ARN");

  /* Appended to: the old entries first, other members kept. */
  static const char old[] =
      "{\"note\": \"kept\", \"transcript\": [{\"operation\": \"GetSecurityConfiguration\", "
      "\"request\": {\"Name\": \"a\"}, \"error\": {\"__type\": \"EntityNotFoundException\", "
      "\"Message\": \"m\"}}]}";
  o.append_to = old;
  o.append_len = strlen(old);
  o.append_source = "old.json";
  f->text2 = gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err);
  assert_non_null(f->text2);
  cJSON *all = cJSON_Parse(f->text2);
  assert_string_equal(cJSON_GetObjectItem(all, "note")->valuestring, "kept");
  cJSON *list = cJSON_GetObjectItem(all, "transcript");
  assert_int_equal(cJSON_GetArraySize(list), 3);
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "operation")->valuestring,
                      "GetSecurityConfiguration");
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 2), "operation")->valuestring,
                      "GetDataCatalogEncryptionSettings");
  cJSON_Delete(all);

  /* Refused: nothing written. */
  o.append_to = "{\"transcript\": 7}";
  o.append_len = strlen(o.append_to);
  assert_null(gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err));
  assert_int_equal(f->err.status, GF_INVALID_INPUT);
  assert_contains(gf_error_message(&f->err), "old.json");
  o.append_to = NULL;
  o.redact_account = "12345";
  assert_null(gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err));
  assert_string_equal(gf_error_message(&f->err), "redact account '12345' is not 12 digits");
  o.redact_account = NULL;
  o.version = 3;
  assert_null(gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err));
  assert_string_equal(gf_error_message(&f->err),
                      "transcript options version 3 is not supported (this library knows 1..2)");
  /* count_dropped: how many calls the log's bound let go. */
  o.version = GF_TRANSCRIPT_OPTIONS_VERSION;
  o.count_dropped = 1;
  gf_calls_set_max(gf_fake_calls(fake), 1);
  char *counted = gf_calls_transcript_ext(gf_fake_calls(fake), &o, &f->err);
  cJSON *json = cJSON_Parse(counted);
  assert_int_equal(cJSON_GetObjectItem(json, "dropped")->valueint, 1);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(json, "transcript")), 1);
  cJSON_Delete(json);
  gf_buffer_free(counted);
  /* NULL options: the plain transcript. */
  char *plain = gf_calls_transcript_ext(gf_fake_calls(fake), NULL, &f->err);
  char *same = gf_calls_transcript(gf_fake_calls(fake));
  assert_string_equal(plain, same);
  gf_buffer_free(plain);
  gf_buffer_free(same);
}

static void test_verify_options_version(void **state)
{
  fx *f = *state;
  static const char text[] = ERROR_ENTRY("EntityNotFoundException");
  static const unsigned versions[] = {7, 0, GF_VERIFY_OPTIONS_VERSION + 1};
  assert_int_equal(GF_VERIFY_OPTIONS_VERSION, 2);
  for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
    gf_verify_options o = GF_VERIFY_OPTIONS_INIT;
    o.version = versions[i];
    char expected[128];
    snprintf(expected, sizeof expected,
             "verify: options version %u is not supported (this library knows 1..2)",
             versions[i]);
    gf_verify_report_clear(&f->report);
    gf_error_clear(&f->err);
    assert_int_equal(gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err),
                     GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&f->err), expected);
    assert_int_equal(f->report.calls, 0);
    assert_int_equal(f->report.mismatches, 0);
    assert_null(f->report.text);
    assert_int_equal(gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, NULL),
                     GF_INVALID_INPUT);
  }
  gf_verify_options seven_o = GF_VERIFY_OPTIONS_INIT;
  seven_o.version = 7;
  gf_verify_report_clear(&f->report);
  gf_error_clear(&f->err);
  assert_int_equal(
      gf_transcript_verify(text, strlen(text), "t.json", &seven_o, &f->report, &f->err),
      GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&f->err),
                      "verify: options version 7 is not supported (this library knows 1..2)");

  /* NULL options: an empty fake, which answers EntityNotFound as recorded */
  gf_verify_report_clear(&f->report);
  gf_error_clear(&f->err);
  assert_gf_ok(gf_transcript_verify(text, strlen(text), "t.json", NULL, &f->report, &f->err),
               &f->err);
  assert_int_equal(f->report.calls, 1);
  assert_int_equal(f->report.mismatches, 0);
  /* GF_VERIFY_OPTIONS_INIT: the same */
  gf_verify_options o = GF_VERIFY_OPTIONS_INIT;
  assert_verified(f, gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err),
                  1);

  /* Version 2: a backend of the caller's runs the transcript, in the state
   * it is in (here a fake that has the configuration the entry missed). */
  gf_fake *own = test_fake_new(NULL, &f->err);
  assert_non_null(own);
  gf_encryption_configuration ec = {0};
  assert_gf_ok(config_create(gf_fake_backend(own), "a", &ec, &f->err), &f->err);
  o.backend = gf_fake_backend(own);
  gf_verify_report_clear(&f->report);
  assert_gf_ok(gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err),
               &f->err);
  assert_int_equal(f->report.mismatches, 1);
  assert_contains(f->report.text, "recorded EntityNotFoundException, got success");
  assert_int_equal(gf_calls_count(gf_fake_calls(own)), 2);
  /* A fixture is for a fresh fake, not for the caller's backend. */
  o.fixture = "{}";
  o.fixture_len = 2;
  gf_verify_report_clear(&f->report);
  assert_int_equal(gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err),
                   GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&f->err), "verify: a fixture is loaded into a fresh fake, "
                                                 "not into a backend of your own");
  /* Version 1 options have no backend member: it is not read. */
  o.fixture = NULL;
  o.version = 1;
  assert_verified(f, gf_transcript_verify(text, strlen(text), "t.json", &o, &f->report, &f->err),
                  1);
  gf_fake_free(own);
}

/* JSON syntax errors name SOURCE:LINE:COL. */
static void test_transcript_syntax_errors(void **state)
{
  fx *f = *state;
  static const struct {
    const char *text, *message;
  } cases[] = {
      /* the missing ':' is at line 2, column 16 */
      {"{\"transcript\": [\n  {\"operation\" \"GetSecurityConfiguration\"}]}",
       "t.json:2:16: JSON syntax error"},
      /* garbage after the document: line 1, column 20 */
      {"{\"transcript\": []} x", "t.json:1:20: JSON syntax error"},
      /* an unterminated document (the column: test_syntax_error_at_end) */
      {"{\"transcript\": [", "t.json:1:"},
      {"", "t.json:1:1: JSON syntax error"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gf_error_clear(&f->err);
    assert_null(gf_replay_new(cases[i].text, strlen(cases[i].text), "t.json", &f->err));
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&f->err), cases[i].message);
    assert_contains(gf_error_message(&f->err), "JSON syntax error");
    gf_verify_report_clear(&f->report);
    gf_error_clear(&f->err);
    assert_int_equal(gf_transcript_verify(cases[i].text, strlen(cases[i].text), "t.json", NULL,
                                          &f->report, &f->err),
                     GF_INVALID_INPUT);
    assert_contains(gf_error_message(&f->err), cases[i].message);
  }
  /* `len` bounds the text: a valid document cut short is a syntax error */
  static const char whole[] = "{\"transcript\": []}";
  gf_error_clear(&f->err);
  assert_null(gf_replay_new(whole, strlen(whole) - 1, "t.json", &f->err));
  assert_int_equal(f->err.status, GF_INVALID_INPUT);
  assert_contains(gf_error_message(&f->err), "t.json:1:");
}

/* A document that ends too early: the error points at its last byte,
 * where cJSON stopped (a trailing newline is the end of its line). */
static void test_syntax_error_at_end(void **state)
{
  fx *f = *state;
  static const struct {
    const char *text, *message;
  } cases[] = {
      {"{\"transcript\": [", "t.json:1:16: JSON syntax error"},
      {"{\"transcript\": [\n", "t.json:1:17: JSON syntax error"},
      {"{\"transcript\": [\n  {\"operation\": \"GetSecurityConfiguration\",\n",
       "t.json:2:44: JSON syntax error"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gf_error_clear(&f->err);
    assert_null(gf_replay_new(cases[i].text, strlen(cases[i].text), "t.json", &f->err));
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&f->err), cases[i].message);
  }
  /* the same in a fixture given to verify */
  static const char text[] = "{\"transcript\": []}";
  gf_status status = verify(f, text, "{\"clock\": ", NULL, 0, 0);
  assert_int_equal(status, GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&f->err), "fixture.json:1:10: JSON syntax error");
}

/* A fixture that does not load: verify returns its error, naming the
 * fixture's source. */
static void test_verify_bad_fixture(void **state)
{
  fx *f = *state;
  record_known(f);
  static const struct {
    const char *fixture, *message;
  } cases[] = {
      {"{\"clock\": {\"now\": -1}}", "fixture.json: clock.now"},
      {"{\"clock\": 5}", "fixture.json: clock"},
      {"{\"faults\": \"Nope=1*Timeout\"}", "fixture.json: faults: fault spec: column"},
      {"{\"no_such_key\": 1}", "fixture.json"},
      {"{\"clock\" 5}", "fixture.json:1:10: JSON syntax error"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gf_status status = verify(f, f->text, cases[i].fixture, NULL, 0, 0);
    assert_int_equal(status, GF_INVALID_INPUT);
    assert_int_equal(f->err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&f->err), cases[i].message);
    assert_int_equal(f->report.calls, 0);
    assert_int_equal(f->report.mismatches, 0);
  }
  /* no fixture_source: "<fixture>" */
  gf_verify_options o = {GF_VERIFY_OPTIONS_VERSION, "{\"clock\": 5}", 12, NULL, NULL, 0, 0, NULL};
  gf_verify_report_clear(&f->report);
  gf_error_clear(&f->err);
  assert_int_equal(gf_transcript_verify(f->text, strlen(f->text), "t.json", &o, &f->report,
                                        &f->err),
                   GF_INVALID_INPUT);
  assert_contains(gf_error_message(&f->err), "<fixture>");
}

/* ==== the replay backend ======================================================= */

/* Replaying the known sequence to the same client code gives the same
 * outcomes, typed responses included; every call is consumed. */
static void test_replay_serves_recording(void **state)
{
  fx *f = *state;
  record_known(f);
  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(f->replay);
  assert_int_equal(gf_replay_remaining(f->replay), KNOWN_CALLS);
  known_sequence(gf_replay_backend(f->replay), NULL, f->log2);
  assert_int_equal(cJSON_GetArraySize(f->log2), KNOWN_CALLS);
  if (!cJSON_Compare(f->log, f->log2, 1)) {
    char *a = cJSON_Print(f->log), *b = cJSON_Print(f->log2);
    print_error("fake:\n%s\nreplay:\n%s\n", a, b);
    cJSON_free(a);
    cJSON_free(b);
    fail();
  }
  assert_int_equal(gf_replay_remaining(f->replay), 0);
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);

  /* typed results, checked member by member on a second replay */
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(f->replay);
  gf_backend *glue = gf_replay_backend(f->replay);
  gf_create_security_configuration_request c1 = {"c1", &ENC_FULL};
  gf_create_security_configuration_response *created = NULL;
  assert_gf_ok(gf_create_security_configuration(glue, &c1, &created, &f->err), &f->err);
  assert_string_equal(created->name, "c1");
  assert_true(created->has_created_timestamp);
  assert_true(created->created_timestamp == BASE_TIME);
  gf_create_security_configuration_response_free(created);
  gf_create_security_configuration_request c2 = {"c2", &ENC_S3};
  assert_gf_ok(gf_create_security_configuration(glue, &c2, NULL, &f->err), &f->err);
  gf_create_security_configuration_request c1_again = {"c1", &ENC_S3};
  created = (void *)&created; /* must be reset to NULL on failure */
  assert_int_equal(gf_create_security_configuration(glue, &c1_again, &created, &f->err),
                   GF_ALREADY_EXISTS);
  assert_null(created);
  assert_int_equal(f->err.status, GF_ALREADY_EXISTS);
  assert_string_equal(f->err.message, "Security configuration 'c1' already exists");
  gf_create_security_configuration_request bad = {"", &ENC_S3};
  assert_int_equal(gf_create_security_configuration(glue, &bad, NULL, &f->err),
                   GF_INVALID_INPUT);
  gf_get_security_configuration_request get_c1 = {"c1"};
  gf_get_security_configuration_response *got = NULL;
  assert_gf_ok(gf_get_security_configuration(glue, &get_c1, &got, &f->err), &f->err);
  const gf_security_configuration *sc = got->security_configuration;
  assert_non_null(sc);
  assert_string_equal(sc->name, "c1");
  assert_true(sc->has_created_time_stamp && sc->created_time_stamp == BASE_TIME);
  assert_int_equal(sc->encryption_configuration->s3_encryption_count, 1);
  assert_string_equal(sc->encryption_configuration->s3_encryption[0].kms_key_arn, KMS_ARN);
  assert_string_equal(sc->encryption_configuration->cloud_watch_encryption->cloud_watch_encryption_mode,
                      GF_MODE_DISABLED);
  assert_string_equal(
      sc->encryption_configuration->job_bookmarks_encryption->job_bookmarks_encryption_mode,
      GF_MODE_CSE_KMS);
  gf_get_security_configuration_response_free(got);
  assert_int_equal(gf_replay_remaining(f->replay), KNOWN_CALLS - 5);
  gf_replay_free(f->replay);
  f->replay = NULL;
}

/* A recorder in front of the replay logs the same calls: its transcript is
 * the original, byte for byte. */
static void test_replay_under_recorder(void **state)
{
  fx *f = *state;
  record_known(f);
  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(f->replay);
  f->recorder = gf_recorder_new(gf_replay_backend(f->replay), &f->err);
  assert_non_null(f->recorder);
  known_sequence(gf_recorder_backend(f->recorder), NULL, f->log2);
  assert_true(cJSON_Compare(f->log, f->log2, 1));
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
  assert_int_equal(gf_calls_count(f->recorder), KNOWN_CALLS);
  f->text2 = gf_calls_transcript(f->recorder);
  assert_non_null(f->text2);
  assert_string_equal(f->text2, f->text);
}

/* A small transcript for the mismatch tests: create c0, create c1, get c1,
 * delete c1. */
static const char *record_small(fx *f)
{
  new_fake(f, BASE_TIME, 1);
  gf_backend *glue = gf_fake_backend(f->fake);
  gf_create_security_configuration_request c0 = {"c0", &ENC_KMS}, c1 = {"c1", &ENC_KMS};
  gf_get_security_configuration_request get = {"c1"};
  gf_delete_security_configuration_request del = {"c1"};
  assert_gf_ok(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c0, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_CREATE_SECURITY_CONFIGURATION, &c1, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_GET_SECURITY_CONFIGURATION, &get, NULL, NULL), NULL);
  assert_gf_ok(run(glue, GF_OP_DELETE_SECURITY_CONFIGURATION, &del, NULL, NULL), NULL);
  return record(f);
}

static gf_backend *new_replay(fx *f)
{
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(f->replay);
  return gf_replay_backend(f->replay);
}

/* A call of another operation: InternalService naming the index, the
 * recorded and the actual operation. */
static void test_replay_wrong_operation(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_backend *glue = new_replay(f);
  gf_get_security_configuration_request get = {"c0"};
  gf_get_security_configuration_response *out = (void *)&out;
  assert_int_equal(gf_get_security_configuration(glue, &get, &out, &f->err),
                   GF_INTERNAL_SERVICE);
  assert_null(out);
  assert_contains(gf_error_message(&f->err), "transcript[0]");
  assert_contains(gf_error_message(&f->err), "recorded CreateSecurityConfiguration");
  assert_contains(gf_error_message(&f->err), "got GetSecurityConfiguration");

  gf_error finish = GF_ERROR_INIT;
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_string_equal(gf_error_message(&finish), gf_error_message(&f->err));
  gf_error_clear(&finish);
}

/* A request differing in one field: the message names the field (nested
 * paths included) with the recorded and the actual value. */
static void test_replay_request_differs(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_create_security_configuration_request c0 = {"c0", &ENC_KMS};
  static const gf_encryption_configuration enc_kms2 = {S3_KMS2, 1, NULL, NULL, NULL};
  static const gf_encryption_configuration enc_no_arn = {S3_KMS_NO_ARN, 1, NULL, NULL, NULL};
  static const gf_encryption_configuration enc_two = {S3_TWO, 2, NULL, NULL, NULL};
  static const gf_encryption_configuration enc_cw = {S3_KMS, 1, &CW_OFF, NULL, NULL};
  static const gf_encryption_configuration enc_none = {NULL, 0, NULL, NULL, NULL};
  static const struct {
    gf_create_security_configuration_request second;
    const char *message;
  } cases[] = {
      {{"cX", &ENC_KMS},
       "transcript[1] (CreateSecurityConfiguration): request differs at Name: recorded \"c1\", "
       "got \"cX\""},
      {{"c1", &enc_kms2},
       "transcript[1] (CreateSecurityConfiguration): request differs at "
       "EncryptionConfiguration.S3Encryption[0].KmsKeyArn: recorded \"" KMS_ARN "\", got \"" KMS_ARN2
       "\""},
      {{"c1", &enc_no_arn},
       "transcript[1] (CreateSecurityConfiguration): request differs at "
       "EncryptionConfiguration.S3Encryption[0].KmsKeyArn: recorded \"" KMS_ARN "\", got absent"},
      {{NULL, &ENC_KMS},
       "transcript[1] (CreateSecurityConfiguration): request differs at Name: recorded \"c1\", "
       "got absent"},
      {{"c1", &enc_two},
       "transcript[1] (CreateSecurityConfiguration): request differs at "
       "EncryptionConfiguration.S3Encryption[1]: recorded absent, got "},
      {{"c1", &enc_cw},
       "transcript[1] (CreateSecurityConfiguration): request differs at "
       "EncryptionConfiguration.CloudWatchEncryption: recorded absent, got "},
      {{"c1", &enc_none},
       "transcript[1] (CreateSecurityConfiguration): request differs at "
       "EncryptionConfiguration.S3Encryption: recorded "},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gf_backend *glue = new_replay(f);
    assert_gf_ok(gf_create_security_configuration(glue, &c0, NULL, &f->err), &f->err);
    gf_create_security_configuration_response *out = (void *)&out;
    assert_int_equal(gf_create_security_configuration(glue, &cases[i].second, &out, &f->err),
                     GF_INTERNAL_SERVICE);
    assert_null(out);
    assert_contains(gf_error_message(&f->err), cases[i].message);
    gf_error finish = GF_ERROR_INIT;
    assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
    assert_contains(gf_error_message(&finish), cases[i].message);
    gf_error_clear(&finish);
  }

  /* an empty request against a recorded one: the first recorded member */
  gf_backend *glue = new_replay(f);
  assert_gf_ok(gf_create_security_configuration(glue, &c0, NULL, &f->err), &f->err);
  assert_int_equal(gf_create_security_configuration(glue, NULL, NULL, &f->err),
                   GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&f->err), "transcript[1] (CreateSecurityConfiguration): "
                                             "request differs at ");
  assert_contains(gf_error_message(&f->err), "got absent");
}

/* Past the end: an error naming it, every time - the replay never wraps
 * around to the first recording, even for a call that matches it. */
static void test_replay_past_the_end(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_backend *glue = new_replay(f);
  gf_create_security_configuration_request c0 = {"c0", &ENC_KMS}, c1 = {"c1", &ENC_KMS};
  gf_get_security_configuration_request get = {"c1"};
  gf_delete_security_configuration_request del = {"c1"};
  assert_gf_ok(gf_create_security_configuration(glue, &c0, NULL, &f->err), &f->err);
  assert_gf_ok(gf_create_security_configuration(glue, &c1, NULL, &f->err), &f->err);
  assert_gf_ok(gf_get_security_configuration(glue, &get, NULL, &f->err), &f->err);
  assert_gf_ok(gf_delete_security_configuration(glue, &del, NULL, &f->err), &f->err);
  assert_int_equal(gf_replay_remaining(f->replay), 0);

  for (int i = 0; i < 3; i++) {
    gf_create_security_configuration_response *out = (void *)&out;
    assert_int_equal(gf_create_security_configuration(glue, &c0, &out, &f->err),
                     GF_INTERNAL_SERVICE);
    assert_null(out);
    assert_contains(gf_error_message(&f->err), "past the end");
    assert_contains(gf_error_message(&f->err), "CreateSecurityConfiguration");
    assert_int_equal(gf_replay_remaining(f->replay), 0);
  }
  gf_error finish = GF_ERROR_INIT;
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&finish), "transcript[4]");
  assert_contains(gf_error_message(&finish), "past the end");
  gf_error_clear(&finish);

  /* an empty transcript: finished at once; any call is past the end */
  static const char empty[] = "{\"transcript\": []}";
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(empty, strlen(empty), "e.json", &f->err);
  assert_non_null(f->replay);
  assert_int_equal(gf_replay_remaining(f->replay), 0);
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
  assert_int_equal(gf_get_security_configuration(gf_replay_backend(f->replay), &get, NULL,
                                                 &f->err),
                   GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&f->err), "transcript[0]");
  assert_contains(gf_error_message(&f->err), "past the end");
}

/* gf_replay_finish: the first problem, sticky even when later calls match. */
static void test_replay_finish_first_problem(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_backend *glue = new_replay(f);
  gf_create_security_configuration_request c1 = {"c1", &ENC_KMS};
  gf_create_security_configuration_request wrong = {"wrong", &ENC_KMS};
  gf_get_security_configuration_request get_x = {"x"};
  gf_delete_security_configuration_request del = {"c1"};
  assert_int_equal(gf_create_security_configuration(glue, &wrong, NULL, &f->err),
                   GF_INTERNAL_SERVICE);
  char first[1024];
  snprintf(first, sizeof first, "%s", gf_error_message(&f->err));
  /* the rest match */
  assert_gf_ok(gf_create_security_configuration(glue, &c1, NULL, &f->err), &f->err);
  assert_int_equal(gf_get_security_configuration(glue, &get_x, NULL, &f->err),
                   GF_INTERNAL_SERVICE); /* a second problem */
  assert_gf_ok(gf_delete_security_configuration(glue, &del, NULL, &f->err), &f->err);

  gf_error finish = GF_ERROR_INIT;
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_int_equal(finish.status, GF_INTERNAL_SERVICE);
  assert_string_equal(gf_error_message(&finish), first);
  assert_contains(gf_error_message(&finish),
                  "transcript[0] (CreateSecurityConfiguration): request differs at Name: "
                  "recorded \"c0\", got \"wrong\"");
  /* asking again gives the same */
  gf_error_clear(&finish);
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_string_equal(gf_error_message(&finish), first);
  gf_error_clear(&finish);
}

/* gf_replay_finish: the recorded calls never made, how many and the first. */
static void test_replay_finish_unconsumed(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_backend *glue = new_replay(f);
  gf_create_security_configuration_request c0 = {"c0", &ENC_KMS}, c1 = {"c1", &ENC_KMS};
  gf_get_security_configuration_request get = {"c1"};

  gf_error finish = GF_ERROR_INIT;
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&finish), "4 recorded calls were not made");
  assert_contains(gf_error_message(&finish), "transcript[0] (CreateSecurityConfiguration)");
  gf_error_clear(&finish);

  assert_gf_ok(gf_create_security_configuration(glue, &c0, NULL, &f->err), &f->err);
  assert_gf_ok(gf_create_security_configuration(glue, &c1, NULL, &f->err), &f->err);
  assert_int_equal(gf_replay_remaining(f->replay), 2);
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&finish), "2 recorded calls were not made");
  assert_contains(gf_error_message(&finish), "transcript[2] (GetSecurityConfiguration)");
  gf_error_clear(&finish);

  assert_gf_ok(gf_get_security_configuration(glue, &get, NULL, &f->err), &f->err);
  assert_int_equal(gf_replay_remaining(f->replay), 1);
  assert_int_equal(gf_replay_finish(f->replay, &finish), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&finish), "1 recorded call was not made");
  assert_contains(gf_error_message(&finish), "transcript[3] (DeleteSecurityConfiguration)");
  gf_error_clear(&finish);
}

/* A transcript written by hand, as from real AWS: an error __type with a
 * "prefix#", unknown members ignored. */
static void test_replay_hand_written(void **state)
{
  fx *f = *state;
  static const char text[] =
      "{\"transcript\": [\n"
      " {\"operation\": \"GetSecurityConfiguration\", \"request\": {\"Name\": \"x\"},\n"
      "  \"error\": {\"__type\": \"com.amazonaws.glue#EntityNotFoundException\", "
      "\"Message\": \"not here\"}},\n"
      " {\"operation\": \"PutResourcePolicy\", \"request\": {\"PolicyInJson\": \"{}\"},\n"
      "  \"response\": {\"PolicyHash\": \"aws-hash\", \"ResponseMetadata\": {}}}]}";
  f->replay = gf_replay_new(text, strlen(text), "aws.json", &f->err);
  assert_non_null(f->replay);
  gf_backend *glue = gf_replay_backend(f->replay);
  gf_get_security_configuration_request get = {"x"};
  assert_int_equal(gf_get_security_configuration(glue, &get, NULL, &f->err),
                   GF_ENTITY_NOT_FOUND);
  assert_string_equal(gf_error_message(&f->err), "not here");
  gf_put_resource_policy_request put = {"{}", NULL, NULL, NULL, NULL};
  gf_put_resource_policy_response *out = NULL;
  assert_gf_ok(gf_put_resource_policy(glue, &put, &out, &f->err), &f->err);
  assert_string_equal(out->policy_hash, "aws-hash");
  gf_put_resource_policy_response_free(out);
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);
}

/* gf_backend_free on the replay's backend frees the replay (valgrind
 * checks); gf_replay_free(NULL) is allowed. */
static void test_replay_backend_free(void **state)
{
  fx *f = *state;
  record_small(f);
  gf_replay *r = gf_replay_new(f->text, strlen(f->text), "t.json", &f->err);
  assert_non_null(r);
  gf_create_security_configuration_request wrong = {"wrong", &ENC_KMS};
  assert_int_equal(gf_create_security_configuration(gf_replay_backend(r), &wrong, NULL, &f->err),
                   GF_INTERNAL_SERVICE); /* a remembered problem is freed too */
  gf_backend_free(gf_replay_backend(r));
  gf_replay_free(NULL);
  assert_null(gf_replay_backend(NULL));
}

/* Two threads calling one replay: every recorded call is served exactly
 * once.  The recorded responses differ (CreatedTimeStamp = index), so each
 * one can be told apart. */
enum { THREAD_RECORDED = 200 };

typedef struct worker {
  gf_backend *glue;
  int calls;
  int ok, past_end, other;
  int seen[THREAD_RECORDED];
} worker;

static void *worker_main(void *arg)
{
  worker *w = arg;
  gf_get_security_configuration_request get = {"x"};
  for (int i = 0; i < w->calls; i++) {
    gf_get_security_configuration_response *out = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status status = gf_get_security_configuration(w->glue, &get, &out, &err);
    if (status == GF_OK && out && out->security_configuration &&
        out->security_configuration->has_created_time_stamp) {
      double t = out->security_configuration->created_time_stamp;
      if (t >= 0 && t < THREAD_RECORDED && (int)t == t)
        w->seen[(int)t]++;
      w->ok++;
    } else if (status == GF_INTERNAL_SERVICE && strstr(gf_error_message(&err), "past the end")) {
      w->past_end++;
    } else {
      w->other++;
    }
    gf_get_security_configuration_response_free(out);
    gf_error_clear(&err);
  }
  return NULL;
}

static char *threads_transcript(void)
{
  cJSON *root = cJSON_CreateObject();
  cJSON *list = cJSON_AddArrayToObject(root, "transcript");
  for (int i = 0; i < THREAD_RECORDED; i++) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "operation", "GetSecurityConfiguration");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "request"), "Name", "x");
    cJSON *sc = cJSON_AddObjectToObject(cJSON_AddObjectToObject(e, "response"),
                                        "SecurityConfiguration");
    cJSON_AddStringToObject(sc, "Name", "x");
    cJSON_AddNumberToObject(sc, "CreatedTimeStamp", i);
    cJSON_AddObjectToObject(sc, "EncryptionConfiguration");
    cJSON_AddItemToArray(list, e);
  }
  char *text = cJSON_PrintUnformatted(root);
  cJSON_Delete(root);
  return text;
}

static void run_workers(fx *f, int per_thread, worker w[2])
{
  pthread_t t[2];
  for (int i = 0; i < 2; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].glue = gf_replay_backend(f->replay);
    w[i].calls = per_thread;
    assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
  }
  for (int i = 0; i < 2; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
}

static void test_replay_threads(void **state)
{
  fx *f = *state;
  f->edited = threads_transcript();
  assert_non_null(f->edited);
  worker w[2];

  /* exactly as many calls as recorded */
  f->replay = gf_replay_new(f->edited, strlen(f->edited), "threads.json", &f->err);
  assert_non_null(f->replay);
  run_workers(f, THREAD_RECORDED / 2, w);
  assert_int_equal(w[0].ok + w[1].ok, THREAD_RECORDED);
  assert_int_equal(w[0].past_end + w[1].past_end + w[0].other + w[1].other, 0);
  for (int i = 0; i < THREAD_RECORDED; i++)
    assert_int_equal(w[0].seen[i] + w[1].seen[i], 1);
  assert_int_equal(gf_replay_remaining(f->replay), 0);
  assert_gf_ok(gf_replay_finish(f->replay, &f->err), &f->err);

  /* more calls than recorded: each recorded call served once, the rest
   * past the end */
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(f->edited, strlen(f->edited), "threads.json", &f->err);
  assert_non_null(f->replay);
  run_workers(f, THREAD_RECORDED / 2 + 20, w);
  assert_int_equal(w[0].ok + w[1].ok, THREAD_RECORDED);
  assert_int_equal(w[0].past_end + w[1].past_end, 40);
  assert_int_equal(w[0].other + w[1].other, 0);
  for (int i = 0; i < THREAD_RECORDED; i++)
    assert_int_equal(w[0].seen[i] + w[1].seen[i], 1);
  assert_int_equal(gf_replay_remaining(f->replay), 0);
  assert_int_equal(gf_replay_finish(f->replay, &f->err), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&f->err), "past the end");

  /* fewer: the rest remain */
  gf_replay_free(f->replay);
  f->replay = gf_replay_new(f->edited, strlen(f->edited), "threads.json", &f->err);
  assert_non_null(f->replay);
  run_workers(f, 30, w);
  assert_int_equal(w[0].ok + w[1].ok, 60);
  assert_int_equal(gf_replay_remaining(f->replay), THREAD_RECORDED - 60);
  for (int i = 0; i < THREAD_RECORDED; i++)
    assert_int_equal(w[0].seen[i] + w[1].seen[i], i < 60 ? 1 : 0);
  assert_int_equal(gf_replay_finish(f->replay, &f->err), GF_INTERNAL_SERVICE);
  assert_contains(gf_error_message(&f->err), "140 recorded calls were not made");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_format_empty_log, setup, teardown),
      cmocka_unit_test_setup_teardown(test_format_known_sequence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_random_sequences, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_fixture_loaded_fake, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_known_sequence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recording_of_edge_strings_loads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recording_of_huge_max_results_loads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_edited_response_value, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_outcome_kinds, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_timestamps_and_ignore, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_maps_next_tokens, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_maps_many_next_tokens, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_maps_policy_hashes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_fixture_faults, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_ignores_environment_faults, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_ignores_unparsable_environment_faults, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_malformed_transcripts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_malformed_transcript_messages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transcript_records_every_table_error, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transcript_glue_encryption, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_options_version, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transcript_append_and_redact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_boolean_differs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_null_transcript_text, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transcript_syntax_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_syntax_error_at_end, setup, teardown),
      cmocka_unit_test_setup_teardown(test_verify_bad_fixture, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_serves_recording, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_under_recorder, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_wrong_operation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_request_differs, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_past_the_end, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_finish_first_problem, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_finish_unconsumed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_hand_written, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_backend_free, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replay_threads, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
