/*
 * test_aws.c - the real backend against a served fake that checks SigV4:
 * every operation, session tokens, refused keys, the standard retry mode
 * (each rule, with the recorded sleeps), every error dialect, answers that
 * are not JSON or too large, no answer, kept-alive connections, threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <pthread.h>

#include "aws/backend.h"
#include "aws/retry.h"
#include "gluefake/aws.h"
#include "gluefake/cmocka.h"
#include "helpers.h"

static const char credentials[] =
    "{\"credentials\": ["
    "{\"access_key_id\": \"AKIDEXAMPLE\", \"secret_access_key\": \"secret\"},"
    "{\"access_key_id\": \"AKIDTOKEN\", \"secret_access_key\": \"secret2\","
    " \"session_token\": \"the-token\"},"
    "{\"access_key_id\": \"AKIDOTHER\", \"secret_access_key\": \"secret3\","
    " \"account_id\": \"111122223333\"},"
    "{\"access_key_id\": \"AKIDPROC\", \"secret_access_key\": \"secret4\","
    " \"session_token\": \"proc-token\"}]}";

/* The retry's random draws and sleeps, recorded. */
typedef struct tape {
  double random;      /* what every draw returns */
  double sleeps[64];  /* the delays asked for */
  size_t sleep_count;
  long long clock;    /* 0: the real time */
} tape;

static double tape_random(void *context) { return ((tape *)context)->random; }

static void tape_sleep(void *context, double seconds)
{
  tape *t = context;
  if (t->sleep_count < sizeof t->sleeps / sizeof *t->sleeps)
    t->sleeps[t->sleep_count] = seconds;
  t->sleep_count++;
}

static long long tape_clock(void *context)
{
  tape *t = context;
  return t->clock ? t->clock : (long long)time(NULL);
}

typedef struct fx {
  server_fx server;
  tape tape;
  gf_aws *aws;
  char endpoint[64];
} fx;

static const gf_encryption_configuration no_encryption = {0};

/* Options for `f`'s server with the tape's random source, sleep and clock. */
static gf_aws_options tape_options(fx *f, const char *key, const char *secret, const char *token,
                                   const char *region)
{
  gf_aws_options o = GF_AWS_OPTIONS_INIT;
  o.access_key_id = key;
  o.secret_access_key = secret;
  o.session_token = token;
  o.region = region;
  o.endpoint = f->endpoint;
  o.random = tape_random;
  o.sleep = tape_sleep;
  o.clock = tape_clock;
  o.context = &f->tape;
  o.ignore_environment = 1;
  o.timeout_ms = 2000;
  return o;
}

static gf_aws *aws_open_with(const gf_aws_options *o)
{
  gf_error err = GF_ERROR_INIT;
  gf_aws *aws = gf_aws_new(o, &err);
  if (!aws)
    fail_msg("gf_aws_new: %s", gf_error_message(&err));
  return aws;
}

static gf_aws *aws_open(fx *f, const char *key, const char *secret, const char *token,
                        const char *region)
{
  gf_aws_options o = tape_options(f, key, secret, token, region);
  return aws_open_with(&o);
}

static int setup_options(void **state, int wire_variants)
{
  fx *f = calloc(1, sizeof *f);
  gf_server_options o = GF_SERVER_OPTIONS_INIT;
  o.auth = GF_AUTH_SIGV4;
  o.credentials = credentials;
  o.credentials_len = sizeof credentials - 1;
  o.wire_variants = wire_variants;
  void *server_state = NULL;
  if (!f || server_fx_start(&server_state, &o) != 0)
    return -1;
  f->server = *(server_fx *)server_state;
  free(server_state);
  snprintf(f->endpoint, sizeof f->endpoint, "http://127.0.0.1:%u", f->server.port);
  f->tape.random = 0.5;
  f->aws = aws_open(f, "AKIDEXAMPLE", "secret", NULL, "us-east-1");
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_options(state, 0); }
static int setup_variants(void **state) { return setup_options(state, 1); }

static int teardown(void **state)
{
  fx *f = *state;
  gf_aws_free(f->aws);
  gf_server_stop(f->server.server);
  gf_fake_free(f->server.fake);
  free(f);
  return 0;
}

static void faults(fx *f, const char *spec)
{
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->server.fake), spec, &err), &err);
}

static gf_status list(gf_backend *b, gf_error *err)
{
  gf_get_security_configurations_response *out = NULL;
  gf_status status = gf_get_security_configurations(b, NULL, &out, err);
  assert_true((status == GF_OK) == (out != NULL));
  gf_get_security_configurations_response_free(out);
  return status;
}

/* ---- every operation, signed ------------------------------------------------- */

static void test_every_operation(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;

  assert_gf_ok(config_create(b, "one", &no_encryption, &err), &err);
  assert_int_equal(config_create(b, "one", &no_encryption, &err), GF_ALREADY_EXISTS);
  assert_string_equal(err.aws_name, "AlreadyExistsException");
  assert_int_equal(err.http_status, 400);
  assert_non_null(err.request_id);
  assert_gf_ok(config_get(b, "one", &err), &err);

  gf_get_security_configurations_response *page = NULL;
  assert_gf_ok(gf_get_security_configurations(b, NULL, &page, &err), &err);
  assert_int_equal(page->security_configurations_count, 1);
  assert_string_equal(page->security_configurations[0].name, "one");
  /* The timestamp is the fake's own, read back from the wire. */
  gf_get_security_configuration_response *direct = NULL;
  gf_get_security_configuration_request get = {.name = "one"};
  assert_gf_ok(gf_get_security_configuration(gf_fake_backend(f->server.fake), &get, &direct,
                                             &err), &err);
  assert_true(page->security_configurations[0].has_created_time_stamp);
  assert_true(page->security_configurations[0].created_time_stamp ==
              direct->security_configuration->created_time_stamp);
  gf_get_security_configuration_response_free(direct);
  gf_get_security_configurations_response_free(page);

  assert_gf_ok(policy_put(b, "{\"Version\":\"2012-10-17\"}", NULL, NULL, NULL, NULL, &err), &err);
  gf_get_resource_policy_response *policy = NULL;
  assert_gf_ok(gf_get_resource_policy(b, NULL, &policy, &err), &err);
  assert_string_equal(policy->policy_in_json, "{\"Version\":\"2012-10-17\"}");
  gf_get_resource_policy_response_free(policy);
  gf_get_resource_policies_response *policies = NULL;
  assert_gf_ok(gf_get_resource_policies(b, NULL, &policies, &err), &err);
  assert_int_equal(policies->get_resource_policies_response_list_count, 1);
  gf_get_resource_policies_response_free(policies);
  assert_gf_ok(gf_delete_resource_policy(b, NULL, NULL, &err), &err);

  gf_encryption_at_rest at_rest = {"DISABLED", NULL, NULL};
  gf_data_catalog_encryption_settings wanted = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &wanted};
  assert_gf_ok(gf_put_data_catalog_encryption_settings(b, &put, NULL, &err), &err);
  gf_get_data_catalog_encryption_settings_response *settings = NULL;
  assert_gf_ok(gf_get_data_catalog_encryption_settings(b, NULL, &settings, &err), &err);
  assert_string_equal(
      settings->data_catalog_encryption_settings->encryption_at_rest->catalog_encryption_mode,
      "DISABLED");
  gf_get_data_catalog_encryption_settings_response_free(settings);

  assert_gf_ok(config_delete(b, "one", &err), &err);
  assert_int_equal(config_get(b, "one", &err), GF_ENTITY_NOT_FOUND);
  assert_string_equal(err.aws_name, "EntityNotFoundException");
  assert_string_equal(gf_error_message(&err), "Security configuration 'one' not found");
  /* Validation is the server's: the message crosses the wire whole. */
  assert_int_equal(config_create(b, "", &no_encryption, &err), GF_INVALID_INPUT);
  assert_contains(gf_error_message(&err), "Value at 'name' failed to satisfy constraint");
  gf_error_clear(&err);
  assert_int_equal(f->tape.sleep_count, 0);
  assert_int_equal(gfi_aws_retry_tokens(f->aws), GFI_RETRY_QUOTA);
}

/* ---- credentials and partitions ---------------------------------------------- */

static void test_session_token_and_refusals(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_aws *token = aws_open(f, "AKIDTOKEN", "secret2", "the-token", "us-east-1");
  assert_gf_ok(list(gf_aws_backend(token), &err), &err);
  gf_aws_free(token);

  static const struct {
    const char *key, *secret, *token;
    gf_status status;
    const char *name, *message;
  } refused[] = {
      {"AKIDTOKEN", "secret2", NULL, GF_UNRECOGNIZED_CLIENT, "UnrecognizedClientException",
       "The security token included in the request is invalid."},
      {"AKIDTOKEN", "secret2", "another", GF_UNRECOGNIZED_CLIENT,
       "UnrecognizedClientException", "The security token included in the request is invalid."},
      {"AKIDNOBODY", "secret", NULL, GF_UNRECOGNIZED_CLIENT, "UnrecognizedClientException",
       "The security token included in the request is invalid."},
      {"AKIDEXAMPLE", "wrong", NULL, GF_INVALID_SIGNATURE, "InvalidSignatureException",
       "The request signature we calculated does not match the signature you provided."},
  };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    gf_aws *aws = aws_open(f, refused[i].key, refused[i].secret, refused[i].token, "us-east-1");
    assert_int_equal(list(gf_aws_backend(aws), &err), refused[i].status);
    assert_string_equal(err.aws_name, refused[i].name);
    assert_int_equal(err.http_status, 400);
    assert_non_null(err.request_id);
    assert_contains(gf_error_message(&err), refused[i].message);
    gf_aws_free(aws);
  }
  /* Signed at a time the server finds 10 minutes off. */
  f->tape.clock = (long long)time(NULL) - 600;
  gf_aws *late = aws_open(f, "AKIDEXAMPLE", "secret", NULL, "us-east-1");
  assert_int_equal(list(gf_aws_backend(late), &err), GF_INVALID_SIGNATURE);
  assert_contains(gf_error_message(&err), "Signature expired: ");
  gf_aws_free(late);
  /* Auth errors are never retried. */
  assert_int_equal(f->tape.sleep_count, 0);
  gf_error_clear(&err);
}

static void test_regions_and_accounts_are_partitions(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_aws *west = aws_open(f, "AKIDEXAMPLE", "secret", NULL, "eu-west-1");
  gf_aws *other = aws_open(f, "AKIDOTHER", "secret3", NULL, "ap-south-1");
  assert_string_equal(gf_aws_region(west), "eu-west-1");
  assert_gf_ok(config_create(gf_aws_backend(west), "in-west", &no_encryption, &err), &err);
  assert_gf_ok(config_create(gf_aws_backend(other), "in-other", &no_encryption, &err), &err);
  assert_int_equal(config_get(gf_aws_backend(f->aws), "in-west", &err), GF_ENTITY_NOT_FOUND);
  assert_int_equal(config_get(gf_aws_backend(west), "in-other", &err), GF_ENTITY_NOT_FOUND);
  assert_gf_ok(config_get(gf_aws_backend(west), "in-west", &err), &err);
  char reply[2048];
  assert_int_equal(http_once(f->server.port, "/_gluefake/partitions", NULL, 0, NULL, reply,
                             sizeof reply), 200);
  assert_contains(reply, "\"eu-west-1\"");
  assert_contains(reply, "\"111122223333\"");
  assert_contains(reply, "\"ap-south-1\"");
  gf_aws_free(west);
  gf_aws_free(other);
  gf_error_clear(&err);
}

/* ---- credentials from a credential_process, fetched again before they expire ---- */

/* A profile whose credential_process counts its runs in DIR/runs and gives
 * keys that expire `lifetime` seconds from now (or fails, when `fail`). */
static void write_process(const char *dir, int lifetime, int fail)
{
  char path[256], config[256];
  snprintf(path, sizeof path, "%s/process.sh", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fprintf(f,
          "#!/bin/sh\n"
          "echo x >> %s/runs\n"
          "%s"
          "exp=$(date -u -d @$(( $(date +%%s) + %d )) +%%Y-%%m-%%dT%%H:%%M:%%SZ)\n"
          "echo '{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"secret4\","
          " \"SessionToken\": \"proc-token\", \"Expiration\": \"'$exp'\"}'\n",
          dir, fail ? "exit 7\n" : "", lifetime);
  fclose(f);
  snprintf(config, sizeof config, "%s/config", dir);
  f = fopen(config, "w");
  assert_non_null(f);
  fprintf(f, "[profile proc]\ncredential_process = /bin/sh %s\n", path);
  fclose(f);
  setenv("AWS_CONFIG_FILE", config, 1);
}

static int runs(const char *dir)
{
  char path[256], line[16];
  snprintf(path, sizeof path, "%s/runs", dir);
  FILE *f = fopen(path, "r");
  int n = 0;
  while (f && fgets(line, sizeof line, f))
    n++;
  if (f)
    fclose(f);
  return n;
}

static void test_credential_process_refreshed(void **state)
{
  fx *f = *state;
  char dir[] = "/tmp/gluefake-aws-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char credentials_file[300];
  snprintf(credentials_file, sizeof credentials_file, "%s/none", dir);
  setenv("AWS_SHARED_CREDENTIALS_FILE", credentials_file, 1);
  unsetenv("AWS_ACCESS_KEY_ID");
  gf_aws_options o = GF_AWS_OPTIONS_INIT;
  o.profile = "proc";
  o.region = "us-east-1";
  o.endpoint = f->endpoint;
  o.sleep = tape_sleep;
  o.context = &f->tape;
  gf_error err = GF_ERROR_INIT;

  /* An hour to live: run once, when the backend is made. */
  write_process(dir, 3600, 0);
  gf_aws *aws = gf_aws_new(&o, &err);
  assert_non_null(aws);
  assert_string_equal(gf_aws_credentials_source(aws), "credential_process of profile proc");
  for (int i = 0; i < 3; i++)
    assert_gf_ok(list(gf_aws_backend(aws), &err), &err);
  assert_int_equal(runs(dir), 1);
  gf_aws_free(aws);

  /* Two minutes to live, inside the five-minute margin: run again before
   * each call. */
  write_process(dir, 120, 0);
  aws = gf_aws_new(&o, &err);
  assert_non_null(aws);
  assert_int_equal(runs(dir), 2);
  assert_gf_ok(list(gf_aws_backend(aws), &err), &err);
  assert_int_equal(runs(dir), 3);
  assert_gf_ok(list(gf_aws_backend(aws), &err), &err);
  assert_int_equal(runs(dir), 4);
  /* A refresh that fails fails the call, before anything is sent. */
  write_process(dir, 120, 1);
  size_t calls = gf_calls_count(gf_fake_calls(f->server.fake));
  assert_int_equal(list(gf_aws_backend(aws), &err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err),
                      "credential_process of profile 'proc' exited with status 7");
  assert_int_equal(gf_calls_count(gf_fake_calls(f->server.fake)), calls);
  assert_int_equal(f->tape.sleep_count, 0);
  gf_aws_free(aws);
  gf_error_clear(&err);
  unsetenv("AWS_CONFIG_FILE");
  unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  char cleanup[320];
  snprintf(cleanup, sizeof cleanup, "rm -rf %s", dir);
  assert_int_equal(system(cleanup), 0);
}

/* ---- the standard retry mode --------------------------------------------------- */

static void assert_sleeps(const tape *t, size_t count, const double *expected)
{
  assert_int_equal(t->sleep_count, count);
  for (size_t i = 0; i < count; i++)
    assert_true(t->sleeps[i] == expected[i]);
}

static void test_retried_errors(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;
  static const char *const retried[] = {"Throttling", "ServiceUnavailable", "InternalService",
                                        "http(502)", "http(503)", "http(504)", "http(500)",
                                        "reset", "truncate"};
  for (size_t i = 0; i < sizeof retried / sizeof *retried; i++) {
    char spec[96];
    /* Two failures, then success: three attempts, sleeps of 0.5 * 1 and 0.5 * 2. */
    snprintf(spec, sizeof spec, "GetSecurityConfigurations=2*%s", retried[i]);
    faults(f, spec);
    f->tape.sleep_count = 0;
    assert_gf_ok(list(b, &err), &err);
    assert_sleeps(&f->tape, 2, (const double[]){0.5, 1.0});
    /* The quota paid 5 twice and got the last 5 back. */
    assert_int_equal(gfi_aws_retry_tokens(f->aws), GFI_RETRY_QUOTA - 5);
    /* Three failures: the third is the call's. */
    snprintf(spec, sizeof spec, "GetSecurityConfigurations=3*%s", retried[i]);
    faults(f, spec);
    f->tape.sleep_count = 0;
    gf_status got = list(b, &err);
    assert_int_not_equal(got, GF_OK);
    assert_int_equal(f->tape.sleep_count, 2);
    if (strncmp(retried[i], "http(", 5) == 0) {
      assert_int_equal(got, GF_SERVICE_UNAVAILABLE);
      assert_int_equal(err.http_status, atoi(retried[i] + 5));
      assert_null(err.aws_name);
      assert_contains(gf_error_message(&err), "without an error name: '<html>");
    } else if (strcmp(retried[i], "reset") == 0 || strcmp(retried[i], "truncate") == 0) {
      assert_int_equal(got, GF_TRANSPORT);
      assert_contains(gf_error_message(&err), "GetSecurityConfigurations: no answer from http://127.0.0.1:");
    } else {
      assert_int_equal(gf_status_from_name(retried[i], &(gf_status){0}), 0);
      assert_string_equal(err.aws_name, gf_status_name(got));
    }
    /* A success refunds 1 for a call without retries, up to the quota. */
    faults(f, NULL);
    for (int k = 0; k < 20; k++)
      assert_gf_ok(list(b, &err), &err);
    assert_int_equal(gfi_aws_retry_tokens(f->aws), GFI_RETRY_QUOTA);
  }
  gf_error_clear(&err);
}

static void test_applied_reset_then_already_exists(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;
  /* The create took effect but its answer was lost: the retry meets it. */
  faults(f, "CreateSecurityConfiguration=1*applied(reset)");
  assert_int_equal(config_create(b, "lost", &no_encryption, &err), GF_ALREADY_EXISTS);
  assert_sleeps(&f->tape, 1, (const double[]){0.5});
  assert_gf_ok(config_get(b, "lost", &err), &err);
  /* The same for an answer cut in half. */
  faults(f, "CreateSecurityConfiguration=1*truncate");
  assert_int_equal(config_create(b, "halved", &no_encryption, &err), GF_ALREADY_EXISTS);
  assert_int_equal(f->tape.sleep_count, 2);
  /* reset: nothing was done, the retry creates it. */
  faults(f, "CreateSecurityConfiguration=1*reset");
  assert_gf_ok(config_create(b, "retried", &no_encryption, &err), &err);
  assert_int_equal(f->tape.sleep_count, 3);
  gf_error_clear(&err);
}

static void test_never_retried(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;
  static const struct {
    const char *action;
    gf_status status;
  } never[] = {
      {"InvalidInput", GF_INVALID_INPUT},
      {"EntityNotFound", GF_ENTITY_NOT_FOUND},
      {"OperationTimeout", GF_OPERATION_TIMEOUT},
      {"AccessDenied", GF_ACCESS_DENIED},
      {"GlueEncryption", GF_GLUE_ENCRYPTION},
      {"ResourceNumberLimitExceeded", GF_RESOURCE_NUMBER_LIMIT_EXCEEDED},
      {"ExpiredToken", GF_EXPIRED_TOKEN},
      {"InvalidSignature", GF_INVALID_SIGNATURE},
      {"applied(OperationTimeout)", GF_OPERATION_TIMEOUT},
  };
  for (size_t i = 0; i < sizeof never / sizeof *never; i++) {
    char spec[96];
    snprintf(spec, sizeof spec, "GetSecurityConfigurations=1*%s", never[i].action);
    faults(f, spec);
    assert_int_equal(list(b, &err), never[i].status);
    assert_string_equal(err.aws_name, gf_status_name(never[i].status));
  }
  assert_int_equal(f->tape.sleep_count, 0);
  assert_int_equal(gfi_aws_retry_tokens(f->aws), GFI_RETRY_QUOTA);
  gf_error_clear(&err);
}

static void test_retry_quota(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;
  /* Every attempt throttled: each call pays two retries (10 tokens). */
  faults(f, "GetSecurityConfigurations=Throttling");
  for (int i = 0; i < 50; i++)
    assert_int_equal(list(b, &err), GF_THROTTLING);
  assert_int_equal(f->tape.sleep_count, 100);
  assert_int_equal(gfi_aws_retry_tokens(f->aws), 0);
  /* An empty quota: one attempt, no retry. */
  assert_int_equal(list(b, &err), GF_THROTTLING);
  assert_int_equal(f->tape.sleep_count, 100);
  /* Successes refund 1 each; 5 buy one retry. */
  faults(f, NULL);
  for (int i = 0; i < 5; i++)
    assert_gf_ok(list(b, &err), &err);
  assert_int_equal(gfi_aws_retry_tokens(f->aws), 5);
  faults(f, "GetSecurityConfigurations=Throttling");
  assert_int_equal(list(b, &err), GF_THROTTLING);
  assert_int_equal(f->tape.sleep_count, 101);
  assert_int_equal(gfi_aws_retry_tokens(f->aws), 0);
  gf_error_clear(&err);
}

static void test_timeout_costs_ten(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_aws_options o = tape_options(f, "AKIDEXAMPLE", "secret", NULL, "us-east-1");
  o.timeout_ms = 300;
  gf_aws *aws = aws_open_with(&o);
  faults(f, "GetSecurityConfigurations=Throttling");
  for (int i = 0; i < 49; i++)
    assert_int_equal(list(gf_aws_backend(aws), &err), GF_THROTTLING);
  assert_int_equal(gfi_aws_retry_tokens(aws), 10);
  f->tape.sleep_count = 0;
  /* A timeout's retry costs 10: the last tokens; the throttled retry after
   * it finds none. */
  faults(f, "GetSecurityConfigurations=1*delay(1500)->Throttling");
  assert_int_equal(list(gf_aws_backend(aws), &err), GF_THROTTLING);
  assert_int_equal(f->tape.sleep_count, 1);
  assert_int_equal(gfi_aws_retry_tokens(aws), 0);
  gf_aws_free(aws);
  gf_error_clear(&err);
}

static void test_more_attempts_and_the_backoff_ceiling(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_aws_options o = tape_options(f, "AKIDEXAMPLE", "secret", NULL, "us-east-1");
  o.max_attempts = 8;
  f->tape.random = 0.75;
  gf_aws *aws = aws_open_with(&o);
  faults(f, "GetSecurityConfigurations=7*ServiceUnavailable");
  assert_gf_ok(list(gf_aws_backend(aws), &err), &err);
  /* rand * min(2^(n-1), 20) */
  assert_sleeps(&f->tape, 7, (const double[]){0.75, 1.5, 3.0, 6.0, 12.0, 15.0, 15.0});
  gf_aws_free(aws);
  assert_true(gfi_retry_delay(30, 0.999) == 0.999 * GFI_RETRY_MAX_BACKOFF);
  assert_true(gfi_retry_delay(1, 0.0) == 0.0);
}

/* ---- what comes back ------------------------------------------------------------- */

static void test_every_error_dialect(void **state)
{
  fx *f = *state;
  gf_backend *b = gf_aws_backend(f->aws);
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(config_create(b, "dated", &no_encryption, &err), &err);
  /* Four errors in a row: each of the four dialects once. */
  for (int i = 0; i < 8; i++) {
    assert_int_equal(config_get(b, "missing", &err), GF_ENTITY_NOT_FOUND);
    assert_string_equal(err.aws_name, "EntityNotFoundException");
    assert_string_equal(gf_error_message(&err), "Security configuration 'missing' not found");
    assert_int_equal(err.http_status, 400);
  }
  /* Timestamps in plain decimals and in E-notation read the same. */
  gf_get_security_configuration_request get = {.name = "dated"};
  double seen[2];
  for (int i = 0; i < 2; i++) {
    gf_get_security_configuration_response *out = NULL;
    assert_gf_ok(gf_get_security_configuration(b, &get, &out, &err), &err);
    seen[i] = out->security_configuration->created_time_stamp;
    gf_get_security_configuration_response_free(out);
  }
  assert_true(seen[0] == seen[1]);
  assert_true(seen[0] > 1.7e9);
  gf_error_clear(&err);
}

/* A listener that answers each connection with one canned answer. */
typedef struct canned {
  int fd;
  unsigned port;
  const char *answer;
  size_t answer_len;
  pthread_t thread;
} canned;

static void *canned_serve(void *arg)
{
  canned *c = arg;
  for (;;) {
    int peer = accept(c->fd, NULL, NULL);
    if (peer < 0)
      return NULL;
    /* The whole request first (closing on unread bytes would reset). */
    char buf[16384];
    size_t got = 0;
    const char *end = NULL;
    while (got < sizeof buf - 1) {
      ssize_t n = recv(peer, buf + got, sizeof buf - 1 - got, 0);
      if (n <= 0)
        break;
      got += (size_t)n;
      buf[got] = '\0';
      const char *length = strstr(buf, "Content-Length: ");
      if ((end = strstr(buf, "\r\n\r\n")) && length &&
          got >= (size_t)(end + 4 - buf) + strtoul(length + 16, NULL, 10))
        break;
    }
    size_t sent = 0;
    while (sent < c->answer_len) {
      ssize_t w = send(peer, c->answer + sent, c->answer_len - sent, MSG_NOSIGNAL);
      if (w <= 0)
        break;
      sent += (size_t)w;
    }
    close(peer);
  }
}

static void canned_start(canned *c, const char *answer, size_t len)
{
  c->answer = answer;
  c->answer_len = len;
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof addr;
  assert_int_equal(bind(c->fd, (struct sockaddr *)&addr, sizeof addr), 0);
  assert_int_equal(listen(c->fd, 8), 0);
  assert_int_equal(getsockname(c->fd, (struct sockaddr *)&addr, &size), 0);
  c->port = ntohs(addr.sin_port);
  assert_int_equal(pthread_create(&c->thread, NULL, canned_serve, c), 0);
}

static void canned_stop(canned *c)
{
  shutdown(c->fd, SHUT_RDWR);
  close(c->fd);
  pthread_join(c->thread, NULL);
}

static gf_aws *canned_backend(canned *c, tape *t, size_t max_response_bytes)
{
  char endpoint[64];
  snprintf(endpoint, sizeof endpoint, "http://127.0.0.1:%u/", c->port);
  gf_aws_options o = GF_AWS_OPTIONS_INIT;
  o.access_key_id = "AKID";
  o.secret_access_key = "s";
  o.region = "us-east-1";
  o.endpoint = endpoint;
  o.random = tape_random;
  o.sleep = tape_sleep;
  o.context = t;
  o.ignore_environment = 1;
  o.max_response_bytes = max_response_bytes;
  gf_error err = GF_ERROR_INIT;
  gf_aws *aws = gf_aws_new(&o, &err);
  assert_non_null(aws);
  return aws;
}

static void test_answers_that_are_not_json(void **state)
{
  (void)state;
  static const struct {
    const char *answer;
    gf_status status;
    const char *aws_name, *message;
    int http_status;
    size_t sleeps;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\nnot\x01json",
       GF_SERIALIZATION, NULL,
       "GetSecurityConfigurations: the answer (HTTP 200) is not a JSON object: 'not\\x01json'", 0,
       0},
      {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]", GF_SERIALIZATION,
       NULL, "is not a JSON object: '[]'", 0, 0},
      {"HTTP/1.1 200 OK\r\nContent-Length: 32\r\nConnection: close\r\n\r\n"
       "{\"SecurityConfigurations\": 7}   ",
       GF_SERIALIZATION, NULL, "SecurityConfigurations", 0, 0},
      {"HTTP/1.1 400 Bad Request\r\nx-amzn-RequestId: rid-1\r\nContent-Length: 64\r\n"
       "Connection: close\r\n\r\n{\"__type\":\"com.amazon.coral#WeirdException\",\"message\":\"odd\"}  "
       "  ",
       GF_UNKNOWN, "WeirdException", "odd", 400, 0},
      {"HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\nConnection: close\r\n\r\nForbidden",
       GF_UNKNOWN, NULL, "GetSecurityConfigurations: HTTP 403 without an error name: 'Forbidden'",
       403, 0},
      {"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops",
       GF_SERVICE_UNAVAILABLE, NULL, "HTTP 500 without an error name: 'oops'", 500, 2},
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"Secu",
       GF_TRANSPORT, NULL, "GetSecurityConfigurations: no answer from http://127.0.0.1:", 0, 2},
      {"garbage, not HTTP\r\n\r\n", GF_TRANSPORT, NULL, "no answer from", 0, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    canned c;
    tape t = {.random = 0.5};
    canned_start(&c, cases[i].answer, strlen(cases[i].answer));
    gf_aws *aws = canned_backend(&c, &t, 0);
    gf_error err = GF_ERROR_INIT;
    gf_status got_status = list(gf_aws_backend(aws), &err);
    if (got_status != cases[i].status)
      print_message("case %zu: %s\n", i, gf_error_message(&err));
    assert_int_equal(got_status, cases[i].status);
    assert_contains(gf_error_message(&err), cases[i].message);
    if (cases[i].aws_name)
      assert_string_equal(err.aws_name, cases[i].aws_name);
    else
      assert_null(err.aws_name);
    assert_int_equal(err.http_status, cases[i].http_status);
    assert_int_equal(t.sleep_count, cases[i].sleeps);
    if (cases[i].http_status == 400)
      assert_string_equal(err.request_id, "rid-1");
    gf_error_clear(&err);
    gf_aws_free(aws);
    canned_stop(&c);
  }
}

static void test_answer_too_large(void **state)
{
  (void)state;
  size_t len = 100000;
  char *answer = malloc(len + 128);
  int head = snprintf(answer, 128, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", len);
  memset(answer + head, ' ', len);
  canned c;
  tape t = {.random = 0.5};
  canned_start(&c, answer, (size_t)head + len);
  gf_aws *aws = canned_backend(&c, &t, 4096);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(list(gf_aws_backend(aws), &err), GF_SERIALIZATION);
  assert_contains(gf_error_message(&err), "is larger than 4096 bytes");
  assert_int_equal(t.sleep_count, 0);
  gf_error_clear(&err);
  gf_aws_free(aws);
  canned_stop(&c);
  free(answer);
}

static void test_no_answer(void **state)
{
  (void)state;
  /* A port nobody listens on: bound, then closed. */
  canned c;
  tape t = {.random = 0.25};
  canned_start(&c, "", 0);
  unsigned port = c.port;
  canned_stop(&c);
  c.port = port;
  gf_aws *aws = canned_backend(&c, &t, 0);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(list(gf_aws_backend(aws), &err), GF_TRANSPORT);
  assert_contains(gf_error_message(&err), "GetSecurityConfigurations: no answer from http://127.0.0.1:");
  assert_contains(gf_error_message(&err), "onnect");
  assert_null(err.aws_name);
  assert_int_equal(err.http_status, 0);
  assert_sleeps(&t, 2, (const double[]){0.25, 0.5});
  gf_error_clear(&err);
  gf_aws_free(aws);
}

static void test_bad_options(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_aws_options o = GF_AWS_OPTIONS_INIT;
  o.access_key_id = "AKID";
  o.secret_access_key = "s";
  o.region = "us-east-1";
  o.ignore_environment = 1;
  static const char *const not_urls[] = {"foo", "ftp://x/", "http://", "http://h/?q=1"};
  for (size_t i = 0; i < sizeof not_urls / sizeof *not_urls; i++) {
    o.endpoint = not_urls[i];
    assert_null(gf_aws_new(&o, &err));
    assert_int_equal(err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&err), "is not a URL");
  }
  o.endpoint = NULL;
  o.version = 99;
  assert_null(gf_aws_new(&o, &err));
  assert_string_equal(gf_error_message(&err),
                      "real backend options version 99 is not supported (this library knows 1..1)");
  o.version = GF_AWS_OPTIONS_VERSION;
  o.timeout_ms = -1;
  assert_null(gf_aws_new(&o, &err));
  assert_int_equal(err.status, GF_INVALID_INPUT);
  o.timeout_ms = 0;
  o.region = NULL;
  assert_null(gf_aws_new(&o, &err));
  assert_contains(gf_error_message(&err), "no region: ");
  o.region = "us-east-1";
  o.secret_access_key = NULL;
  assert_null(gf_aws_new(&o, &err));
  assert_contains(gf_error_message(&err), "no credentials: ");
  /* The default endpoints. */
  o.secret_access_key = "s";
  gf_aws *aws = gf_aws_new(&o, &err);
  assert_non_null(aws);
  assert_string_equal(gf_aws_endpoint(aws), "https://glue.us-east-1.amazonaws.com");
  assert_string_equal(gf_aws_credentials_source(aws), "options");
  gf_aws_free(aws);
  o.region = "cn-north-1";
  o.use_fips = 1;
  aws = gf_aws_new(&o, &err);
  assert_string_equal(gf_aws_endpoint(aws), "https://glue-fips.cn-north-1.amazonaws.com.cn");
  gf_backend_free(gf_aws_backend(aws));
  gf_aws_free(NULL);
  assert_null(gf_aws_backend(NULL));
  gf_error_clear(&err);
}

/* ---- connections and threads ------------------------------------------------------ */

static void test_connections_kept_alive(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  for (int i = 0; i < 100; i++)
    assert_gf_ok(list(gf_aws_backend(f->aws), &err), &err);
  assert_int_equal(gfi_aws_connections_opened(f->aws), 1);
}

typedef struct worker {
  gf_backend *backend;
  int id, failures;
} worker;

static void *work(void *arg)
{
  worker *w = arg;
  gf_error err = GF_ERROR_INIT;
  char name[32];
  for (int i = 0; i < 50; i++) {
    snprintf(name, sizeof name, "t%d-%d", w->id, i);
    w->failures += config_create(w->backend, name, &no_encryption, &err) != GF_OK;
    w->failures += config_get(w->backend, name, &err) != GF_OK;
  }
  gf_error_clear(&err);
  return NULL;
}

static void test_many_threads_one_backend(void **state)
{
  fx *f = *state;
  enum { THREADS = 8 };
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){gf_aws_backend(f->aws), i, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(workers[i].failures, 0);
  }
  /* At most one connection per thread that called at once. */
  assert_true(gfi_aws_connections_opened(f->aws) <= THREADS);
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configurations_request all = {.has_max_results = 1, .max_results = 1000};
  gf_get_security_configurations_response *page = NULL;
  assert_gf_ok(gf_get_security_configurations(gf_aws_backend(f->aws), &all, &page, &err), &err);
  assert_int_equal(page->security_configurations_count, THREADS * 50);
  gf_get_security_configurations_response_free(page);
}

int main(void)
{
  /* libcurl honours the proxy variables, as the SDKs do; loopback is never
   * proxied here. */
  setenv("NO_PROXY", "127.0.0.1", 1);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_every_operation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_session_token_and_refusals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_regions_and_accounts_are_partitions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_credential_process_refreshed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retried_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_applied_reset_then_already_exists, setup, teardown),
      cmocka_unit_test_setup_teardown(test_never_retried, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_quota, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timeout_costs_ten, setup, teardown),
      cmocka_unit_test_setup_teardown(test_more_attempts_and_the_backoff_ceiling, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_every_error_dialect, setup_variants, teardown),
      cmocka_unit_test(test_answers_that_are_not_json),
      cmocka_unit_test(test_answer_too_large),
      cmocka_unit_test(test_no_answer),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test_setup_teardown(test_connections_kept_alive, setup, teardown),
      cmocka_unit_test_setup_teardown(test_many_threads_one_backend, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
