/*
 * test_faults.c - the fault spec and the fault injector: every form of the
 * grammar (accepted, with its canonical spelling, and rejected, with the
 * column and what was expected), the choice of rule, chains and counters,
 * each of the seven errors on each of the nine operations, applied(),
 * delay(), the splitmix64 draws checked against a reference, the
 * GLUEFAKE_FAULTS variable, the injector around a custom backend, and
 * threads.
 *
 * Every test gets a fresh fake on a fixed clock (1700000000, +1 per
 * reading), with GLUEFAKE_FAULTS unset.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gluefake.h"
#include "helpers.h"
#include "gluefake/cmocka.h"
#include "gluefake/sys/alloc.h"
#include "gluefake/sys/backend.h"

#define T0 FIXED_T0
#define DEFAULT_ARN "arn:aws:glue:us-east-1:123456789012:catalog"
#define POLICY1 "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
#define POLICY2 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"

typedef struct fixture {
  gf_fake *fake;
  gf_backend *b;
  gf_faults *faults;
} fixture;

/* The seven errors of the API, in enum order. */
static const gf_status seven[] = {
    GF_ALREADY_EXISTS,    GF_CONDITION_CHECK_FAILURE, GF_ENTITY_NOT_FOUND,
    GF_INTERNAL_SERVICE,  GF_INVALID_INPUT,           GF_OPERATION_TIMEOUT,
    GF_RESOURCE_NUMBER_LIMIT_EXCEEDED,
};
static const char *const seven_short[] = {
    "AlreadyExists", "ConditionCheckFailure", "EntityNotFound", "InternalService",
    "InvalidInput",  "OperationTimeout",      "ResourceNumberLimitExceeded",
};
#define SEVEN (sizeof seven / sizeof seven[0])

/* ---- requests, one valid request per operation --------------------------- */

static const gf_encryption_configuration empty_config = {NULL, 0, NULL, NULL, NULL};
static const gf_encryption_at_rest old_rest = {GF_MODE_SSE_KMS, "alias/old", NULL};
static const gf_data_catalog_encryption_settings old_settings = {&old_rest, NULL};
static const gf_encryption_at_rest new_rest = {GF_MODE_SSE_KMS, "alias/new", NULL};
static const gf_data_catalog_encryption_settings new_settings = {&new_rest, NULL};

static const gf_get_data_catalog_encryption_settings_request req_get_dces = {NULL};
static const gf_put_data_catalog_encryption_settings_request req_put_dces = {NULL, &new_settings};
static const gf_put_resource_policy_request req_put_rp = {POLICY2, NULL, NULL, NULL, NULL};
static const gf_get_resource_policy_request req_get_rp = {NULL};
static const gf_delete_resource_policy_request req_del_rp = {NULL, NULL};
static const gf_create_security_configuration_request req_create = {"fresh", &empty_config};
static const gf_delete_security_configuration_request req_delete = {"keep"};
static const gf_get_security_configuration_request req_get = {"keep"};
static const gf_get_security_configurations_request req_list = {false, 0, NULL};
static const gf_get_resource_policies_request req_list_rp = {false, 0, NULL};

static const void *const requests[GF_OPERATION_COUNT] = {
    [GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS] = &req_get_dces,
    [GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS] = &req_put_dces,
    [GF_OP_PUT_RESOURCE_POLICY] = &req_put_rp,
    [GF_OP_GET_RESOURCE_POLICY] = &req_get_rp,
    [GF_OP_DELETE_RESOURCE_POLICY] = &req_del_rp,
    [GF_OP_CREATE_SECURITY_CONFIGURATION] = &req_create,
    [GF_OP_DELETE_SECURITY_CONFIGURATION] = &req_delete,
    [GF_OP_GET_SECURITY_CONFIGURATION] = &req_get,
    [GF_OP_GET_SECURITY_CONFIGURATIONS] = &req_list,
    [GF_OP_GET_RESOURCE_POLICIES] = &req_list_rp,
};

/* ---- helpers ------------------------------------------------------------- */

static fixture *fixture_new(void)
{
  gf_error err = GF_ERROR_INIT;
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->fake = fixed_fake(NULL, &err);
  if (!f->fake) {
    print_error("gf_fake_new: %s\n", gf_error_message(&err));
    gf_error_clear(&err);
    free(f);
    return NULL;
  }
  f->b = gf_fake_backend(f->fake);
  f->faults = gf_fake_faults(f->fake);
  return f;
}

static void fixture_free(fixture *f)
{
  if (f) {
    gf_fake_free(f->fake);
    free(f);
  }
}

static int setup(void **state)
{
  fixture *f = fixture_new();
  if (!f)
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  fixture_free(*state);
  return 0;
}

/* Installs `spec`, which must parse. */
static void set_rules(gf_faults *faults, const char *spec)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_faults_set(faults, spec, &err);
  if (status != GF_OK)
    print_error("gf_faults_set('%s'): %s\n", spec ? spec : "(null)", gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
}

static void add_rules(gf_faults *faults, const char *spec)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_faults_add(faults, spec, &err);
  if (status != GF_OK)
    print_error("gf_faults_add('%s'): %s\n", spec, gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
}

/* The installed rules spell `expected`. */
static void assert_spec(gf_faults *faults, const char *expected)
{
  char *text = gf_faults_spec(faults);
  assert_non_null(text);
  if (strcmp(text, expected) != 0)
    print_error("gf_faults_spec() is '%s', expected '%s'\n", text, expected);
  int same = strcmp(text, expected) == 0;
  gf_buffer_free(text);
  assert_true(same);
}

static void assert_counts(gf_faults *faults, const char *target, size_t served, size_t fired)
{
  size_t s = 12345, x = 12345;
  int rc = gf_faults_counts(faults, target, &s, &x);
  if (rc != 0 || s != served || x != fired)
    print_error("counts of '%s': rc %d served %zu fired %zu, expected served %zu fired %zu\n",
                target, rc, s, x, served, fired);
  assert_int_equal(rc, 0);
  assert_int_equal(s, served);
  assert_int_equal(x, fired);
}

/* The status of each call (helpers.h), its message dropped. */
static gf_status create_cfg(gf_backend *b, const char *name)
{
  return config_create(b, name, &empty_config, NULL);
}
static gf_status delete_cfg(gf_backend *b, const char *name)
{
  return config_delete(b, name, NULL);
}
static gf_status get_cfg(gf_backend *b, const char *name) { return config_get(b, name, NULL); }

/* A call of `op` with its valid request; the response is discarded. */
static gf_status call_op(gf_backend *b, gf_operation op)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_call(b, op, requests[op], NULL, &err);
  gf_error_clear(&err);
  return status;
}

/* The state every operation's request works on: configuration "keep", a
 * policy on the default catalog ARN, catalog settings. */
static void prestate(gf_backend *b)
{
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(create_cfg(b, "keep"), NULL);
  gf_put_resource_policy_request put = {POLICY1, NULL, NULL, NULL, NULL};
  assert_gf_ok(gf_put_resource_policy(b, &put, NULL, &err), &err);
  gf_put_data_catalog_encryption_settings_request cat = {NULL, &old_settings};
  assert_gf_ok(gf_put_data_catalog_encryption_settings(b, &cat, NULL, &err), &err);
  gf_error_clear(&err);
}

/* Everything the store holds that the nine requests could change, as text.
 * Call with no fault rules installed. */
static void snapshot(fixture *f, char *buf, size_t size)
{
  gf_error err = GF_ERROR_INIT;
  size_t k = 0;
  k += (size_t)snprintf(buf + k, size - k, "count=%zu;names=",
                        gf_fake_security_configuration_count(f->fake));
  gf_get_security_configurations_response *list = NULL;
  assert_gf_ok(gf_get_security_configurations(f->b, NULL, &list, &err), &err);
  for (size_t i = 0; i < list->security_configurations_count; i++)
    k += (size_t)snprintf(buf + k, size - k, "%s@%.0f,", list->security_configurations[i].name,
                          list->security_configurations[i].created_time_stamp);
  gf_get_security_configurations_response_free(list);

  gf_get_resource_policy_response *policy = NULL;
  gf_status status = gf_get_resource_policy(f->b, NULL, &policy, &err);
  if (status == GF_OK)
    k += (size_t)snprintf(buf + k, size - k, ";policy=%s;hash=%s;created=%.0f;updated=%.0f",
                          policy->policy_in_json, policy->policy_hash, policy->create_time,
                          policy->update_time);
  else
    k += (size_t)snprintf(buf + k, size - k, ";policy=%s", gf_status_name(status));
  gf_get_resource_policy_response_free(policy);

  gf_get_data_catalog_encryption_settings_response *cat = NULL;
  assert_gf_ok(gf_get_data_catalog_encryption_settings(f->b, NULL, &cat, &err), &err);
  const gf_encryption_at_rest *rest = cat->data_catalog_encryption_settings->encryption_at_rest;
  snprintf(buf + k, size - k, ";catalog=%s/%s", rest->catalog_encryption_mode,
           rest->sse_aws_kms_key_id ? rest->sse_aws_kms_key_id : "-");
  gf_get_data_catalog_encryption_settings_response_free(cat);
  gf_error_clear(&err);
}

/* ---- a reference splitmix64 ---------------------------------------------- */

static uint64_t ref_next(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* One draw for a PCT term: success when (x >> 11) * 2^-53 < pct / 100. */
static int ref_draw(uint64_t *state, double pct)
{
  uint64_t x = ref_next(state);
  return ldexp((double)(x >> 11), -53) < pct / 100.0;
}

/* ==== 1. the grammar: accepted forms ====================================== */

/* `spec` parses, installs, spells `canonical`, and the canonical spelling
 * parses back to itself. */
static void check_canonical(gf_faults *faults, const char *spec, const char *canonical)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_faults_check(spec, &err);
  if (status != GF_OK)
    print_error("gf_faults_check('%s'): %s\n", spec ? spec : "(null)", gf_error_message(&err));
  gf_error_clear(&err);
  assert_int_equal(status, GF_OK);
  set_rules(faults, spec);
  assert_spec(faults, canonical);
  set_rules(faults, canonical);
  assert_spec(faults, canonical);
}

static void test_accept_error_names(void **state)
{
  fixture *f = *state;
  char spec[128], canonical[128];
  for (size_t i = 0; i < SEVEN; i++) {
    const char *full = gf_status_name(seven[i]);
    assert_non_null(full);
    snprintf(canonical, sizeof canonical, "CreateSecurityConfiguration=%s", full);
    snprintf(spec, sizeof spec, "CreateSecurityConfiguration=%s", seven_short[i]);
    check_canonical(f->faults, spec, canonical);
    check_canonical(f->faults, canonical, canonical);

    /* the same names inside applied() */
    snprintf(canonical, sizeof canonical, "CreateSecurityConfiguration=applied(%s)", full);
    snprintf(spec, sizeof spec, "CreateSecurityConfiguration=applied(%s)", seven_short[i]);
    check_canonical(f->faults, spec, canonical);
    check_canonical(f->faults, canonical, canonical);
  }
}

static void test_accept_actions(void **state)
{
  fixture *f = *state;
  check_canonical(f->faults, "GetSecurityConfiguration=off", "GetSecurityConfiguration=off");
  check_canonical(f->faults,
                  "GetSecurityConfiguration=InternalService(disk full; retry -> later = [soon)",
                  "GetSecurityConfiguration=InternalServiceException(disk full; retry -> later = "
                  "[soon)");
  check_canonical(f->faults, "GetSecurityConfiguration=OperationTimeoutException(took too long)",
                  "GetSecurityConfiguration=OperationTimeoutException(took too long)");
  check_canonical(f->faults, "CreateSecurityConfiguration=1*applied(OperationTimeout)",
                  "CreateSecurityConfiguration=1*applied(OperationTimeoutException)");
  check_canonical(f->faults, "GetSecurityConfiguration=delay(0)",
                  "GetSecurityConfiguration=delay(0)");
  check_canonical(f->faults, "GetSecurityConfiguration=delay(600000)",
                  "GetSecurityConfiguration=delay(600000)");
}

/* ERROR(MESSAGE): the message reaches the caller (and the call log)
 * verbatim, ';', '->', '=', '[' and spaces included. */
static void test_accept_message_verbatim(void **state)
{
  fixture *f = *state;
  static const char message[] = "disk full; retry -> later = [soon";
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults,
            "GetSecurityConfiguration=1*InternalService(disk full; retry -> later = [soon)"
            ";CreateSecurityConfiguration=1*off");
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_response *out = NULL;
  assert_gf_status(gf_get_security_configuration(f->b, &req_get, &out, &err),
                   GF_INTERNAL_SERVICE, &err);
  assert_null(out);
  assert_int_equal(err.status, GF_INTERNAL_SERVICE);
  assert_string_equal(gf_error_message(&err), message);
  gf_error_clear(&err);

  gf_call_record r;
  assert_int_equal(gf_calls_get_op(gf_fake_calls(f->fake), GF_OP_GET_SECURITY_CONFIGURATION, 0, &r),
                   0);
  assert_int_equal(r.status, GF_INTERNAL_SERVICE);
  assert_non_null(r.message);
  assert_string_equal(r.message, message);
  assert_null(r.response);

  /* the second item was a separate rule, not part of the message */
  assert_counts(f->faults, "CreateSecurityConfiguration", 0, 0);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
}

/* A long MESSAGE reaches the caller verbatim too, not cut short. */
static void test_accept_long_message_verbatim(void **state)
{
  fixture *f = *state;
  enum { LEN = 2000 };
  static const char prefix[] = "GetSecurityConfiguration=OperationTimeout(";
  char *spec = malloc(sizeof prefix + LEN + 2), *message = malloc(LEN + 1);
  assert_non_null(spec);
  assert_non_null(message);
  for (int i = 0; i < LEN; i++)
    message[i] = "retry later; -> = [ "[i % 20];
  message[LEN - 1] = '!';
  message[LEN] = '\0';
  snprintf(spec, sizeof prefix + LEN + 2, "%s%s)", prefix, message);
  set_rules(f->faults, spec);
  free(spec);

  gf_error err = GF_ERROR_INIT;
  assert_gf_status(gf_get_security_configuration(f->b, &req_get, NULL, &err),
                   GF_OPERATION_TIMEOUT, &err);
  const char *got = gf_error_message(&err);
  if (strcmp(got, message) != 0)
    print_error("the message has %zu bytes, expected %d\n", strlen(got), LEN);
  int same = strcmp(got, message) == 0;
  gf_error_clear(&err);
  free(message);
  assert_true(same);
}

static void test_accept_pct_and_count(void **state)
{
  fixture *f = *state;
  /* 50% and 100% parse (their canonical spelling: test_canonical_round_percentages) */
  assert_int_equal(gf_faults_check("GetSecurityConfiguration=50%InternalService", NULL), GF_OK);
  assert_int_equal(gf_faults_check("GetSecurityConfiguration=100%InternalService", NULL), GF_OK);
  check_canonical(f->faults, "GetSecurityConfiguration=0.5%InternalService",
                  "GetSecurityConfiguration=0.5%InternalServiceException");
  check_canonical(f->faults, "GetSecurityConfiguration=33%InternalService",
                  "GetSecurityConfiguration=33%InternalServiceException");
  check_canonical(f->faults, "GetSecurityConfiguration=12.5%3*InternalService",
                  "GetSecurityConfiguration=12.5%3*InternalServiceException");
  check_canonical(f->faults, "GetSecurityConfiguration=25.50%off",
                  "GetSecurityConfiguration=25.5%off");
  check_canonical(f->faults, "GetSecurityConfiguration=3*off", "GetSecurityConfiguration=3*off");
  check_canonical(f->faults, "GetSecurityConfiguration=18446744073709551615*off",
                  "GetSecurityConfiguration=18446744073709551615*off");
  check_canonical(f->faults, "GetSecurityConfiguration=45%2*delay(0)",
                  "GetSecurityConfiguration=45%2*delay(0)");
  check_canonical(f->faults, "GetSecurityConfiguration=99.999%off",
                  "GetSecurityConfiguration=99.999%off");
  /* a percentage may start with its point */
  check_canonical(f->faults, "GetSecurityConfiguration=.25%off",
                  "GetSecurityConfiguration=0.25%off");
}

/* A round percentage (10, 50, 100...) is spelled as it was written, and
 * what gf_faults_spec() prints parses back. */
static void test_canonical_round_percentages(void **state)
{
  fixture *f = *state;
  static const char *const pcts[] = {"10", "20", "50", "100", "1", "5", "0.5"};
  int mismatches = 0;
  for (size_t i = 0; i < sizeof pcts / sizeof pcts[0]; i++) {
    char spec[128], canonical[128];
    snprintf(spec, sizeof spec, "GetSecurityConfiguration=%s%%InternalService", pcts[i]);
    snprintf(canonical, sizeof canonical, "GetSecurityConfiguration=%s%%InternalServiceException",
             pcts[i]);
    set_rules(f->faults, spec);
    char *text = gf_faults_spec(f->faults);
    assert_non_null(text);
    gf_error err = GF_ERROR_INIT;
    if (strcmp(text, canonical) != 0) {
      print_error("'%s' is spelled '%s', expected '%s'\n", spec, text, canonical);
      mismatches++;
    }
    if (gf_faults_check(text, &err) != GF_OK) {
      print_error("the spelling '%s' does not parse back: %s\n", text, gf_error_message(&err));
      mismatches++;
    }
    gf_error_clear(&err);
    gf_buffer_free(text);
  }
  assert_int_equal(mismatches, 0);
}

static void test_accept_chains(void **state)
{
  fixture *f = *state;
  check_canonical(f->faults, "CreateSecurityConfiguration=2*off->1*OperationTimeout",
                  "CreateSecurityConfiguration=2*off->1*OperationTimeoutException");
  check_canonical(f->faults,
                  "GetSecurityConfiguration=2*off->1*InternalService->3*delay(0)->35%1*"
                  "applied(EntityNotFound)->OperationTimeout(slow)",
                  "GetSecurityConfiguration=2*off->1*InternalServiceException->3*delay(0)->35%1*"
                  "applied(EntityNotFoundException)->OperationTimeoutException(slow)");
}

static void test_accept_targets(void **state)
{
  fixture *f = *state;
  char spec[128];
  check_canonical(f->faults, "*=1*InternalService", "*=1*InternalServiceException");
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    snprintf(spec, sizeof spec, "%s=off", gf_operation_name((gf_operation)op));
    check_canonical(f->faults, spec, spec);
  }
  check_canonical(f->faults, "CreateSecurityConfiguration[Name=prod]=off",
                  "CreateSecurityConfiguration[Name=prod]=off");
  check_canonical(
      f->faults, "PutResourcePolicy[ResourceArn=" DEFAULT_ARN "]=InternalService",
      "PutResourcePolicy[ResourceArn=" DEFAULT_ARN "]=InternalServiceException");
  check_canonical(f->faults, "GetSecurityConfigurations[NextToken=a=b:c==]=off",
                  "GetSecurityConfigurations[NextToken=a=b:c==]=off");
  check_canonical(f->faults, "CreateSecurityConfiguration[Name=a)b(c]=off",
                  "CreateSecurityConfiguration[Name=a)b(c]=off");
  check_canonical(f->faults, "PutResourcePolicy[PolicyExistsCondition=NOT_EXIST]=off",
                  "PutResourcePolicy[PolicyExistsCondition=NOT_EXIST]=off");
  /* the three levels at once, and two members of one operation */
  check_canonical(f->faults,
                  "*=off;CreateSecurityConfiguration=off;CreateSecurityConfiguration[Name=a]=off;"
                  "CreateSecurityConfiguration[Name=b]=off",
                  "*=off;CreateSecurityConfiguration=off;CreateSecurityConfiguration[Name=a]=off;"
                  "CreateSecurityConfiguration[Name=b]=off");
}

static void test_accept_seed_items_and_spaces(void **state)
{
  fixture *f = *state;
  check_canonical(f->faults, "seed=7", "seed=7");
  check_canonical(f->faults, "seed=0", "seed=0");
  check_canonical(f->faults, "seed=18446744073709551615", "seed=18446744073709551615");
  check_canonical(f->faults, "seed=7;CreateSecurityConfiguration=2*off->1*OperationTimeout",
                  "seed=7;CreateSecurityConfiguration=2*off->1*OperationTimeoutException");
  /* the seed is spelled first whatever its place */
  check_canonical(f->faults, "GetSecurityConfiguration=off;seed=7",
                  "seed=7;GetSecurityConfiguration=off");
  check_canonical(f->faults,
                  "GetSecurityConfiguration=15%InternalService;DeleteSecurityConfiguration=1*"
                  "EntityNotFound;*=off",
                  "GetSecurityConfiguration=15%InternalServiceException;"
                  "DeleteSecurityConfiguration=1*EntityNotFoundException;*=off");
  check_canonical(f->faults,
                  "  seed = 7 ;  CreateSecurityConfiguration = 2*off -> 1*OperationTimeout ; "
                  "* = off ; CreateSecurityConfiguration[Name = prod] = off  ",
                  "seed=7;CreateSecurityConfiguration=2*off->1*OperationTimeoutException;*=off;"
                  "CreateSecurityConfiguration[Name=prod]=off");
  /* tabs are spaces too */
  check_canonical(f->faults, "\tseed\t=\t7\t;\t*\t=\t2*off\t->\tInternalService\t",
                  "seed=7;*=2*off->InternalServiceException");
}

static void test_accept_empty_and_null(void **state)
{
  fixture *f = *state;
  assert_int_equal(gf_faults_check("", NULL), GF_OK);
  assert_int_equal(gf_faults_check(NULL, NULL), GF_OK);
  assert_int_equal(gf_faults_check("   ", NULL), GF_OK);

  set_rules(f->faults, "*=InternalService");
  set_rules(f->faults, "");
  assert_spec(f->faults, "");
  assert_int_equal(gf_faults_counts(f->faults, "*", NULL, NULL), -1);
  assert_gf_ok(create_cfg(f->b, "a"), NULL);

  set_rules(f->faults, "*=InternalService");
  set_rules(f->faults, NULL);
  assert_spec(f->faults, "");
  assert_gf_ok(get_cfg(f->b, "a"), NULL);
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    assert_int_equal(gf_faults_counts(f->faults, gf_operation_name((gf_operation)op), NULL, NULL),
                     -1);
}

/* ==== 2. the grammar: rejected forms ====================================== */

typedef struct bad_spec {
  const char *spec;
  size_t column;      /* 1-based */
  const char *word1;  /* words of what was expected */
  const char *word2;  /* or NULL */
} bad_spec;

/* The column of the character right after `prefix` (a literal). */
#define AFTER(prefix) (sizeof(prefix))
#define G "GetSecurityConfiguration="
#define C "CreateSecurityConfiguration"

/* 64 letters: longer than any name the grammar knows. */
#define LONG_NAME "InternalServiceInternalServiceInternalServiceInternalServiceXxxx"
/* 10^400 overflows a double (strtod sets ERANGE). */
#define ZEROS_40 "0000000000000000000000000000000000000000"
#define ZEROS_400                                                                           \
  ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40 ZEROS_40

static const bad_spec bad_specs[] = {
    /* targets */
    {"GetSecurityConfig=off", 1, "operation name", NULL},
    {"getSecurityConfiguration=off", 1, "operation name", NULL},
    {"Create=1", 1, "operation name", NULL},
    {"=off", 1, "operation name", NULL},
    {"*[Name=x]=off", AFTER("*"), "'='", NULL},
    {"GetSecurityConfiguration", AFTER("GetSecurityConfiguration"), "'='", NULL},
    {"GetSecurityConfiguration off", AFTER("GetSecurityConfiguration "), "'='", NULL},
    {"GetSecurityConfigurations[MaxResults=1]=off", AFTER("GetSecurityConfigurations["),
     "string member of GetSecurityConfigurations", "NextToken"},
    {C "[Bogus=1]=off", AFTER(C "["), "string member of CreateSecurityConfiguration", "Name"},
    {C "[EncryptionConfiguration=x]=off", AFTER(C "["), "string member", "Name"},
    {C "[name=prod]=off", AFTER(C "["), "string member", "Name"},
    {C "[Name=prod=off", AFTER(C "[Name=prod=off"), "']'", NULL},
    {C "[Name prod]=off", AFTER(C "[Name "), "'='", NULL},
    /* chains and terms */
    {G, AFTER(G), "'off'", "error name"},
    {G "off->", AFTER(G "off->"), "'off'", "error name"},
    {G "TransportError", AFTER(G), "error name", NULL},
    {G "http(200)", AFTER(G "http("), "HTTP status from 500 to 599", NULL},
    {G "http(600)", AFTER(G "http("), "HTTP status from 500 to 599", NULL},
    {G "http(502", AFTER(G "http(502"), "')'", NULL},
    {G "resets", AFTER(G), "error name", NULL},
    {G "applied(truncate)", AFTER(G "applied("), "error name", NULL},
    {G "OK", AFTER(G), "error name", NULL},
    {G "SerializationException", AFTER(G), "error name", NULL},
    {G "Serialization", AFTER(G), "error name", NULL},
    {G "UnknownOperationException", AFTER(G), "error name", NULL},
    {G "UnknownOperation", AFTER(G), "error name", NULL},
    {G "applied(SerializationException)", AFTER(G "applied("), "error name", NULL},
    {G "internalService", AFTER(G), "error name", NULL},
    {G "0*off", AFTER(G), "positive integer count", NULL},
    {G "0%off", AFTER(G), "percentage", NULL},
    {G "101%off", AFTER(G), "percentage", NULL},
    {G "100.5%off", AFTER(G), "percentage", NULL},
    {G "-1*off", AFTER(G), "'off'", "error name"},
    {G "1.5*off", AFTER(G), "positive integer count", NULL},
    {G "18446744073709551616*off", AFTER(G), "positive integer count", NULL},
    {G "50%%off", AFTER(G "50%"), "'off'", "error name"},
    {G "50%0*off", AFTER(G "50%"), "positive integer count", NULL},
    {G "3*50%off", AFTER(G "3*"), "'off'", "error name"},
    {G "2 *off", AFTER(G "2"), "'*'", NULL},
    {G "delay(600001)", AFTER(G "delay("), "0 to 600000", NULL},
    {G "delay()", AFTER(G "delay("), "0 to 600000", NULL},
    {G "delay(x)", AFTER(G "delay("), "0 to 600000", NULL},
    {G "delay(-1)", AFTER(G "delay("), "0 to 600000", NULL},
    {G "delay(5", AFTER(G "delay(5"), "')'", NULL},
    {G "applied(off)", AFTER(G "applied("), "error name", NULL},
    {G "applied(OperationTimeout", AFTER(G "applied(OperationTimeout"), "')'", NULL},
    {G "InternalService(oops", AFTER(G "InternalService(oops"), "')'", NULL},
    {G "off x", AFTER(G "off "), "';'", "end of the spec"},
    {G "InternalService(oops)x", AFTER(G "InternalService(oops)"), "';'", "end of the spec"},
    {G "Bad", AFTER(G), "error name", NULL},
    {G LONG_NAME, AFTER(G), "error name", NULL},
    {G "50%2off", AFTER(G "50%2"), "'*' after a count", NULL},
    {G "50%18446744073709551616*off", AFTER(G "50%"), "positive integer count", NULL},
    {G "applied(5)", AFTER(G "applied("), "error name", NULL},
    {G "1" ZEROS_400 "%off", AFTER(G), "a number", NULL},
    /* items */
    {"GetSecurityConfiguration2=off", 1, "operation name", NULL},
    {LONG_NAME "=off", 1, "operation name", NULL},
    {G "off;", AFTER(G "off;"), "rule", "seed="},
    {G "off;  ", AFTER(G "off;  "), "rule", "seed="},
    {G "off;;*=off", AFTER(G "off;"), "operation name", NULL},
    {";" G "off", 1, "operation name", NULL},
    {G "off;" G "InternalService", AFTER(G "off;"), "already", NULL},
    {"*=off; * = InternalService", AFTER("*=off; "), "already", NULL},
    {C "[Name=a]=off;" C "[Name= a]=InternalService", AFTER(C "[Name=a]=off;"), "already", NULL},
    {"seed=1;seed=2", AFTER("seed=1;"), "seed=", "at most"},
    {"seed=abc", AFTER("seed="), "seed", NULL},
    {"seed=", AFTER("seed="), "seed", NULL},
    {"seed 7", AFTER("seed "), "'='", NULL},
};

/* Returns the number of mismatches, printing each. */
static int check_rejected(gf_faults *faults, const bad_spec *bad)
{
  int mismatches = 0;
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_faults_check(bad->spec, &err);
  const char *message = err.message ? err.message : "(no message)";
  char prefix[80];
  snprintf(prefix, sizeof prefix, "fault spec: column %zu: expected ", bad->column);
  if (status != GF_INVALID_INPUT || err.status != GF_INVALID_INPUT) {
    print_error("'%s': status %s, expected InvalidInputException (%s)\n", bad->spec,
                gf_status_name(status), message);
    mismatches++;
  } else if (strncmp(message, prefix, strlen(prefix)) != 0) {
    print_error("'%s': message '%s' does not start with '%s'\n", bad->spec, message, prefix);
    mismatches++;
  } else if (!strstr(message, bad->word1) || (bad->word2 && !strstr(message, bad->word2))) {
    print_error("'%s': message '%s' does not name %s%s%s\n", bad->spec, message, bad->word1,
                bad->word2 ? " and " : "", bad->word2 ? bad->word2 : "");
    mismatches++;
  }

  /* gf_faults_set and gf_faults_add give the same error and change nothing */
  gf_error err2 = GF_ERROR_INIT;
  char *before = gf_faults_spec(faults);
  assert_non_null(before);
  if (gf_faults_set(faults, bad->spec, &err2) != GF_INVALID_INPUT ||
      gf_faults_add(faults, bad->spec, &err2) != GF_INVALID_INPUT ||
      err2.status != GF_INVALID_INPUT || !err2.message || !err.message ||
      strcmp(err2.message, err.message) != 0) {
    print_error("'%s': gf_faults_set/add did not fail like gf_faults_check ('%s' vs '%s')\n",
                bad->spec, err2.message ? err2.message : "(none)", message);
    mismatches++;
  }
  char *after = gf_faults_spec(faults);
  assert_non_null(after);
  if (strcmp(before, after) != 0) {
    print_error("'%s': the rules changed from '%s' to '%s'\n", bad->spec, before, after);
    mismatches++;
  }
  gf_buffer_free(before);
  gf_buffer_free(after);
  gf_error_clear(&err);
  gf_error_clear(&err2);
  /* a NULL err is allowed */
  if (gf_faults_check(bad->spec, NULL) != GF_INVALID_INPUT) {
    print_error("'%s': gf_faults_check(spec, NULL) accepted it\n", bad->spec);
    mismatches++;
  }
  return mismatches;
}

static void test_reject_forms(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=InternalService");
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "GetSecurityConfiguration", 1, 1);

  int mismatches = 0;
  for (size_t i = 0; i < sizeof bad_specs / sizeof bad_specs[0]; i++)
    mismatches += check_rejected(f->faults, &bad_specs[i]);
  assert_int_equal(mismatches, 0);

  /* the previous rule is still in place, its counters not restarted */
  assert_spec(f->faults, "GetSecurityConfiguration=InternalServiceException");
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "GetSecurityConfiguration", 2, 2);
  assert_gf_ok(create_cfg(f->b, "other"), NULL);
}

/* A seed that overflows 64 bits: the error points at the number (column 6),
 * as delay(600001) and an overflowing COUNT do. */
static void test_reject_seed_overflow(void **state)
{
  fixture *f = *state;
  const bad_spec bad = {"seed=18446744073709551616", AFTER("seed="), "64-bit", "seed"};
  assert_int_equal(check_rejected(f->faults, &bad), 0);
}

/* A rejected gf_faults_set leaves the generator where it was, too. */
static void test_reject_keeps_state(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "seed=42;GetSecurityConfiguration=30%InternalService;"
                       "CreateSecurityConfiguration=2*off->OperationTimeout");
  uint64_t ref = 42;
  size_t fired = 0;
  for (int i = 0; i < 20; i++) {
    int p = ref_draw(&ref, 30);
    fired += (size_t)p;
    assert_int_equal(get_cfg(f->b, "keep"), p ? GF_INTERNAL_SERVICE : GF_OK);
  }
  assert_gf_ok(create_cfg(f->b, "a"), NULL);

  assert_int_equal(gf_faults_set(f->faults, "seed=1;GetSecurityConfiguration=off;x", &err),
                   GF_INVALID_INPUT);
  assert_int_equal(gf_faults_add(f->faults, "seed=1;CreateSecurityConfiguration=off;", &err),
                   GF_INVALID_INPUT);
  gf_error_clear(&err);

  for (int i = 0; i < 20; i++) {
    int p = ref_draw(&ref, 30);
    fired += (size_t)p;
    assert_int_equal(get_cfg(f->b, "keep"), p ? GF_INTERNAL_SERVICE : GF_OK);
  }
  assert_gf_ok(create_cfg(f->b, "b"), NULL);
  assert_int_equal(create_cfg(f->b, "c"), GF_OPERATION_TIMEOUT);
  assert_counts(f->faults, "CreateSecurityConfiguration", 3, 1);
  assert_counts(f->faults, "GetSecurityConfiguration", 40, fired);
}

/* GlueEncryption is an error the API models: injectable by its short and
 * full name, inside applied() too, and it reaches the caller and the call
 * log with the injector's own message. */
static void test_accept_glue_encryption(void **state)
{
  fixture *f = *state;
  check_canonical(f->faults, "CreateSecurityConfiguration=1*GlueEncryption",
                  "CreateSecurityConfiguration=1*GlueEncryptionException");
  check_canonical(f->faults, "CreateSecurityConfiguration=1*GlueEncryptionException",
                  "CreateSecurityConfiguration=1*GlueEncryptionException");
  check_canonical(f->faults, "CreateSecurityConfiguration=1*applied(GlueEncryption)",
                  "CreateSecurityConfiguration=1*applied(GlueEncryptionException)");
  check_canonical(f->faults, "CreateSecurityConfiguration=GlueEncryption(key gone)",
                  "CreateSecurityConfiguration=GlueEncryptionException(key gone)");

  static const char *const specs[] = {"CreateSecurityConfiguration=1*GlueEncryption",
                                      "CreateSecurityConfiguration=1*GlueEncryptionException"};
  gf_recorder *calls = gf_fake_calls(f->fake);
  for (size_t i = 0; i < 2; i++) {
    set_rules(f->faults, specs[i]);
    gf_error err = GF_ERROR_INIT;
    gf_create_security_configuration_request req = {"a", &empty_config};
    gf_create_security_configuration_response *out = (void *)&err;
    assert_int_equal(gf_create_security_configuration(f->b, &req, &out, &err),
                     GF_GLUE_ENCRYPTION);
    assert_null(out);
    assert_int_equal(err.status, GF_GLUE_ENCRYPTION);
    assert_string_equal(gf_error_message(&err), "GlueEncryptionException injected by gluefake "
                                                "(fault rule CreateSecurityConfiguration)");
    gf_call_record r;
    assert_int_equal(gf_calls_get(calls, gf_calls_count(calls) - 1, &r), 0);
    assert_int_equal(r.op, GF_OP_CREATE_SECURITY_CONFIGURATION);
    assert_int_equal(r.status, GF_GLUE_ENCRYPTION);
    assert_null(r.response);
    assert_string_equal(r.message, err.message);
    gf_error_clear(&err);
    assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
    /* not applied: nothing was created; the next call passes */
    assert_int_equal(get_cfg(f->b, "a"), GF_ENTITY_NOT_FOUND);
    assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  }
  assert_gf_ok(create_cfg(f->b, "a"), NULL);

  /* applied(GlueEncryption): created, but the caller sees the error */
  set_rules(f->faults, "CreateSecurityConfiguration=1*applied(GlueEncryption)");
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(config_create(f->b, "b", &empty_config, &err), GF_GLUE_ENCRYPTION);
  assert_int_equal(err.status, GF_GLUE_ENCRYPTION);
  assert_string_equal(gf_error_message(&err), "GlueEncryptionException injected by gluefake "
                                              "(fault rule CreateSecurityConfiguration)");
  gf_error_clear(&err);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
  assert_gf_ok(get_cfg(f->b, "b"), NULL);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  assert_gf_nth_call_status(calls, GF_OP_CREATE_SECURITY_CONFIGURATION,
                            gf_calls_count_op(calls, GF_OP_CREATE_SECURITY_CONFIGURATION) - 1,
                            GF_GLUE_ENCRYPTION);
}

/* GlueEncryption on each of the nine operations, with the rule's target in
 * the message. */
static void test_glue_encryption_on_nine_operations(void **state)
{
  (void)state;
  for (int o = 0; o < GF_OPERATION_COUNT; o++) {
    gf_operation op = (gf_operation)o;
    fixture *f = fixture_new();
    assert_non_null(f);
    prestate(f->b);
    char spec[160], message[200];
    snprintf(spec, sizeof spec, "%s=1*GlueEncryption", gf_operation_name(op));
    snprintf(message, sizeof message,
             "GlueEncryptionException injected by gluefake (fault rule %s)",
             gf_operation_name(op));
    set_rules(f->faults, spec);
    gf_error err = GF_ERROR_INIT;
    void *out = NULL;
    gf_status status = gf_call(f->b, op, requests[op], &out, &err);
    if (status != GF_GLUE_ENCRYPTION)
      print_error("%s: %s (%s)\n", spec, gf_status_name(status), gf_error_message(&err));
    assert_int_equal(status, GF_GLUE_ENCRYPTION);
    assert_null(out);
    assert_string_equal(gf_error_message(&err), message);
    gf_error_clear(&err);
    assert_int_equal(call_op(f->b, op), GF_OK);
    fixture_free(f);
  }
}

/* Only the errors the API models are injectable: the service, transport and
 * unknown errors of the table are refused, and the message lists exactly
 * the names that are accepted. */
#define INJECTABLE                                                                         \
  "(AlreadyExists, ConditionCheckFailure, EntityNotFound, InternalService, InvalidInput, " \
  "OperationTimeout, ResourceNumberLimitExceeded, GlueEncryption, Throttling, "            \
  "ServiceUnavailable, AccessDenied, MissingAuthenticationToken, IncompleteSignature, "    \
  "InvalidSignature, UnrecognizedClient, ExpiredToken)"

/* What a fault cannot inject: the protocol's errors, Transport and Unknown
 * (reset, truncate and http() make those two happen). */
static void test_reject_errors_a_fault_cannot_inject(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "GetSecurityConfiguration=off");
  static const char *const refused[] = {
      "TransportError", "UnknownError",     "Serialization",  "SerializationException",
      "UnknownOperation", "UnknownOperationException", "Transport", "Unknown",
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    const char *forms[][2] = {
        {"CreateSecurityConfiguration=", ""},
        {"CreateSecurityConfiguration=1*", ""},
        {"CreateSecurityConfiguration=applied(", ")"},
    };
    for (size_t k = 0; k < 3; k++) {
      char spec[160], expected[600];
      snprintf(spec, sizeof spec, "%s%s%s", forms[k][0], refused[i], forms[k][1]);
      snprintf(expected, sizeof expected,
               "fault spec: column %zu: expected an error name " INJECTABLE,
               strlen(forms[k][0]) + 1);
      gf_error err = GF_ERROR_INIT;
      assert_int_equal(gf_faults_check(spec, &err), GF_INVALID_INPUT);
      if (strcmp(gf_error_message(&err), expected) != 0)
        print_error("'%s': '%s', expected '%s'\n", spec, gf_error_message(&err), expected);
      assert_string_equal(gf_error_message(&err), expected);
      assert_int_equal(gf_faults_set(f->faults, spec, &err), GF_INVALID_INPUT);
      assert_string_equal(gf_error_message(&err), expected);
      assert_int_equal(gf_faults_add(f->faults, spec, &err), GF_INVALID_INPUT);
      assert_string_equal(gf_error_message(&err), expected);
      gf_error_clear(&err);
    }
  }
  assert_spec(f->faults, "GetSecurityConfiguration=off");

  /* Against the table: injectable exactly when modelled, service or auth. */
  for (int s = 1; s < GF_STATUS_COUNT; s++) {
    char spec[160];
    snprintf(spec, sizeof spec, "CreateSecurityConfiguration=%s", gf_status_name((gf_status)s));
    gf_error_kind kind = gf_status_kind((gf_status)s);
    gf_status want = kind == GF_ERROR_MODELLED || kind == GF_ERROR_SERVICE ||
                             kind == GF_ERROR_AUTH
                         ? GF_OK
                         : GF_INVALID_INPUT;
    if (gf_faults_check(spec, NULL) != want)
      print_error("'%s': expected %s\n", spec, gf_status_name(want));
    assert_int_equal(gf_faults_check(spec, NULL), want);
  }
}

/* The errors real clients retry on, and the actions on the wire: their
 * canonical spellings, newlines between items, and what a caller in the
 * same process sees (Transport, ServiceUnavailable; applied(reset) and
 * truncate take effect first). */
static void test_retryable_faults_in_process(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "*=1*Throttling\n\n  CreateSecurityConfiguration=1*reset->1*applied(reset)"
                       "->1*truncate->1*http(502)\r\nseed=3");
  assert_spec(f->faults, "seed=3;*=1*ThrottlingException;CreateSecurityConfiguration=1*reset->"
                         "1*applied(reset)->1*truncate->1*http(502)");
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(config_get(f->b, "none", &err), GF_THROTTLING);
  assert_string_equal(err.message, "ThrottlingException injected by gluefake (fault rule *)");
  /* reset: nothing created */
  assert_int_equal(config_create(f->b, "a", &empty_config, &err), GF_TRANSPORT);
  assert_string_equal(err.message,
                      "TransportError injected by gluefake (fault rule CreateSecurityConfiguration)");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  /* applied(reset) and truncate: created, then no answer */
  assert_int_equal(config_create(f->b, "b", &empty_config, &err), GF_TRANSPORT);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  assert_int_equal(config_create(f->b, "c", &empty_config, &err), GF_TRANSPORT);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  /* http(502): a load balancer answered, nothing created */
  assert_int_equal(config_create(f->b, "d", &empty_config, &err), GF_SERVICE_UNAVAILABLE);
  assert_string_equal(err.message, "ServiceUnavailableException injected by gluefake (fault "
                                   "rule CreateSecurityConfiguration)");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  assert_int_equal(config_create(f->b, "e", &empty_config, &err), GF_OK);
  gf_error_clear(&err);
  /* A trailing ';' still wants an item; trailing new lines do not. */
  assert_int_equal(gf_faults_check("*=reset;", NULL), GF_INVALID_INPUT);
  assert_int_equal(gf_faults_check("*=reset\n", NULL), GF_OK);
  assert_int_equal(gf_faults_check("*=reset\n\n*=off", NULL), GF_INVALID_INPUT); /* twice */
}

/* ==== 3. semantics ========================================================= */

static void test_chain_only_third_create_fails(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "CreateSecurityConfiguration=2*off->1*OperationTimeout");
  assert_gf_ok(create_cfg(f->b, "a"), NULL);
  assert_gf_ok(create_cfg(f->b, "b"), NULL);

  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_response *out = (void *)&err;
  gf_create_security_configuration_request req = {"c", &empty_config};
  assert_gf_status(gf_create_security_configuration(f->b, &req, &out, &err),
                   GF_OPERATION_TIMEOUT, &err);
  assert_null(out);
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  assert_contains(gf_error_message(&err), "OperationTimeout");
  gf_error_clear(&err);

  /* the 3rd create did not create anything */
  assert_int_equal(get_cfg(f->b, "c"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  /* the chain is used up: every further create passes */
  assert_gf_ok(create_cfg(f->b, "c"), NULL);
  for (int i = 0; i < 10; i++) {
    char name[16];
    snprintf(name, sizeof name, "n%d", i);
    assert_gf_ok(create_cfg(f->b, name), NULL);
  }
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 13);
  assert_counts(f->faults, "CreateSecurityConfiguration", 14, 1);

  /* the call log holds the injected fault as the client saw it */
  gf_recorder *calls = gf_fake_calls(f->fake);
  assert_gf_called(calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 14);
  assert_gf_nth_call_status(calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OK);
  assert_gf_nth_call_status(calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 2, GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(calls, GF_OP_CREATE_SECURITY_CONFIGURATION, 3, GF_OK);
}

static void test_term_without_count_serves_all(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=1*off->EntityNotFound");
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  for (int i = 0; i < 100; i++)
    assert_int_equal(get_cfg(f->b, "keep"), GF_ENTITY_NOT_FOUND);
  assert_counts(f->faults, "GetSecurityConfiguration", 101, 100);

  /* a one-term chain without COUNT: every call */
  set_rules(f->faults, "GetSecurityConfiguration=InternalService");
  for (int i = 0; i < 50; i++)
    assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "GetSecurityConfiguration", 50, 50);

  /* a term without COUNT in the middle: the chain never moves past it */
  set_rules(f->faults, "GetSecurityConfiguration=off->InternalService");
  for (int i = 0; i < 50; i++)
    assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_counts(f->faults, "GetSecurityConfiguration", 50, 0);
}

static void test_star_versus_operation(void **state)
{
  fixture *f = *state;
  prestate(f->b);
  set_rules(f->faults, "*=InternalService;GetSecurityConfiguration=off");
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    gf_status expected = op == GF_OP_GET_SECURITY_CONFIGURATION ? GF_OK : GF_INTERNAL_SERVICE;
    gf_status status = call_op(f->b, (gf_operation)op);
    if (status != expected)
      print_error("%s: %s\n", gf_operation_name((gf_operation)op), gf_status_name(status));
    assert_int_equal(status, expected);
  }
  assert_counts(f->faults, "*", GF_OPERATION_COUNT - 1, GF_OPERATION_COUNT - 1);
  assert_counts(f->faults, "GetSecurityConfiguration", 1, 0);
  assert_int_equal(gf_faults_counts(f->faults, "GetSecurityConfigurations", NULL, NULL), -1);
}

static void test_most_specific_rule_wins(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "*=InternalService;CreateSecurityConfiguration=OperationTimeout;"
                       "CreateSecurityConfiguration[Name=prod]=off");
  assert_gf_ok(create_cfg(f->b, "prod"), NULL);
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=prod]", 1, 0);
  assert_counts(f->faults, "CreateSecurityConfiguration", 0, 0);
  assert_counts(f->faults, "*", 0, 0);

  assert_int_equal(create_cfg(f->b, "dev"), GF_OPERATION_TIMEOUT);
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=prod]", 1, 0);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
  assert_counts(f->faults, "*", 0, 0);

  assert_int_equal(delete_cfg(f->b, "prod"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=prod]", 1, 0);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
  assert_counts(f->faults, "*", 1, 1);

  /* the order of the rules in the spec does not matter */
  set_rules(f->faults, "CreateSecurityConfiguration[Name=prod]=off;"
                       "CreateSecurityConfiguration=OperationTimeout;*=InternalService");
  assert_int_equal(create_cfg(f->b, "prod"), GF_ALREADY_EXISTS); /* passed through */
  assert_int_equal(create_cfg(f->b, "dev"), GF_OPERATION_TIMEOUT);
  assert_int_equal(get_cfg(f->b, "prod"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=prod]", 1, 0);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
  assert_counts(f->faults, "*", 1, 1);

  /* a member rule of one operation does not catch another operation with
   * the same member value */
  set_rules(f->faults, "DeleteSecurityConfiguration[Name=prod]=EntityNotFound;"
                       "*=1*off->InternalService");
  assert_gf_ok(get_cfg(f->b, "prod"), NULL);
  assert_int_equal(create_cfg(f->b, "prod"), GF_INTERNAL_SERVICE);
  assert_int_equal(delete_cfg(f->b, "prod"), GF_ENTITY_NOT_FOUND);
  assert_counts(f->faults, "DeleteSecurityConfiguration[Name=prod]", 1, 1);
  assert_counts(f->faults, "*", 2, 1);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

static void test_used_up_chain_does_not_fall_back(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "*=InternalService;GetSecurityConfiguration=1*off");
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL); /* chain used up: passes, not "*" */
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_counts(f->faults, "GetSecurityConfiguration", 3, 0);
  assert_counts(f->faults, "*", 0, 0);
  assert_int_equal(create_cfg(f->b, "x"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "*", 1, 1);

  set_rules(f->faults, "CreateSecurityConfiguration=InternalService;"
                       "CreateSecurityConfiguration[Name=prod]=1*OperationTimeout");
  assert_int_equal(create_cfg(f->b, "prod"), GF_OPERATION_TIMEOUT);
  assert_gf_ok(create_cfg(f->b, "prod"), NULL); /* used up: passes, not the op rule */
  assert_int_equal(create_cfg(f->b, "prod"), GF_ALREADY_EXISTS);
  assert_int_equal(create_cfg(f->b, "dev"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=prod]", 3, 1);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);
}

static void test_member_match_equal_values_only(void **state)
{
  fixture *f = *state;
  static const char *const names[] = {"prod2", "pro", "Prod", "PROD", " prod", "prod "};
  assert_gf_ok(create_cfg(f->b, "prod"), NULL);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_gf_ok(create_cfg(f->b, names[i]), NULL);
  set_rules(f->faults, "GetSecurityConfiguration[Name=prod]=InternalService");
  assert_int_equal(get_cfg(f->b, "prod"), GF_INTERNAL_SERVICE);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    assert_gf_ok(get_cfg(f->b, names[i]), NULL);
  /* an absent member matches nothing (the fake's own validation answers) */
  assert_int_equal(get_cfg(f->b, NULL), GF_INVALID_INPUT);
  assert_int_equal(get_cfg(f->b, "missing"), GF_ENTITY_NOT_FOUND);
  assert_counts(f->faults, "GetSecurityConfiguration[Name=prod]", 1, 1);

  /* VALUE with ':' and '=' */
  set_rules(f->faults, "PutResourcePolicy[ResourceArn=" DEFAULT_ARN "]=InternalService");
  gf_error err = GF_ERROR_INIT;
  gf_put_resource_policy_request put = {POLICY1, NULL, NULL, DEFAULT_ARN, NULL};
  assert_gf_status(gf_put_resource_policy(f->b, &put, NULL, &err), GF_INTERNAL_SERVICE, &err);
  put.resource_arn = "arn:aws:glue:us-east-1:123456789012:database/db1";
  assert_gf_ok(gf_put_resource_policy(f->b, &put, NULL, &err), &err);
  put.resource_arn = NULL; /* absent: not equal to VALUE, whatever it defaults to */
  assert_gf_ok(gf_put_resource_policy(f->b, &put, NULL, &err), &err);
  assert_counts(f->faults, "PutResourcePolicy[ResourceArn=" DEFAULT_ARN "]", 1, 1);

  set_rules(f->faults, "GetSecurityConfigurations[NextToken=a=b:c]=ConditionCheckFailure");
  gf_get_security_configurations_request list = {false, 0, "a=b:c"};
  assert_gf_status(gf_get_security_configurations(f->b, &list, NULL, &err),
                   GF_CONDITION_CHECK_FAILURE, &err);
  assert_gf_ok(gf_get_security_configurations(f->b, NULL, NULL, &err), &err);
  gf_error_clear(&err);
}

static void test_counts(void **state)
{
  fixture *f = *state;
  size_t served = 99, fired = 99;
  assert_int_equal(gf_faults_counts(f->faults, "*", &served, &fired), -1);
  assert_int_equal(gf_faults_counts(f->faults, NULL, &served, &fired), -1);

  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=2*off->3*InternalService->1*delay(0)->off;"
                       "CreateSecurityConfiguration[Name=x]=off");
  assert_counts(f->faults, "GetSecurityConfiguration", 0, 0);
  static const gf_status expected[] = {GF_OK, GF_OK, GF_INTERNAL_SERVICE, GF_INTERNAL_SERVICE,
                                       GF_INTERNAL_SERVICE, GF_OK, GF_OK, GF_OK};
  static const size_t fired_after[] = {0, 0, 1, 2, 3, 4, 4, 4};
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
    assert_int_equal(get_cfg(f->b, "keep"), expected[i]);
    assert_counts(f->faults, "GetSecurityConfiguration", i + 1, fired_after[i]);
  }
  /* either out pointer may be NULL */
  assert_int_equal(gf_faults_counts(f->faults, "GetSecurityConfiguration", NULL, NULL), 0);
  served = fired = 0;
  assert_int_equal(gf_faults_counts(f->faults, "GetSecurityConfiguration", &served, NULL), 0);
  assert_int_equal(served, 8);
  assert_int_equal(gf_faults_counts(f->faults, "GetSecurityConfiguration", NULL, &fired), 0);
  assert_int_equal(fired, 4);

  /* targets are looked up by their canonical spelling */
  assert_counts(f->faults, "CreateSecurityConfiguration[Name=x]", 0, 0);
  assert_int_equal(gf_faults_counts(f->faults, "CreateSecurityConfiguration", NULL, NULL), -1);
  assert_int_equal(gf_faults_counts(f->faults, "CreateSecurityConfiguration[Name=y]", NULL, NULL),
                   -1);
  assert_int_equal(gf_faults_counts(f->faults, "getSecurityConfiguration", NULL, NULL), -1);
  assert_int_equal(gf_faults_counts(f->faults, "Bogus", NULL, NULL), -1);
  assert_int_equal(gf_faults_counts(f->faults, "", NULL, NULL), -1);
}

static void test_add_replaces_same_target(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=2*InternalService;"
                       "CreateSecurityConfiguration=1*off->OperationTimeout");
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_gf_ok(create_cfg(f->b, "a"), NULL);
  assert_counts(f->faults, "GetSecurityConfiguration", 1, 1);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 0);

  add_rules(f->faults, "GetSecurityConfiguration=1*EntityNotFound");
  assert_counts(f->faults, "GetSecurityConfiguration", 0, 0); /* restarted */
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 0); /* kept */
  assert_spec(f->faults, "GetSecurityConfiguration=1*EntityNotFoundException;"
                         "CreateSecurityConfiguration=1*off->OperationTimeoutException");

  gf_error err = GF_ERROR_INIT;
  assert_gf_status(gf_get_security_configuration(f->b, &req_get, NULL, &err),
                   GF_ENTITY_NOT_FOUND, &err);
  assert_contains(gf_error_message(&err), "EntityNotFound");
  gf_error_clear(&err);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL); /* new chain used up */
  assert_int_equal(create_cfg(f->b, "b"), GF_OPERATION_TIMEOUT); /* old chain went on */
  assert_counts(f->faults, "CreateSecurityConfiguration", 2, 1);

  /* a new target is added, the others stay */
  add_rules(f->faults, "*=ConditionCheckFailure");
  assert_spec(f->faults, "GetSecurityConfiguration=1*EntityNotFoundException;"
                         "CreateSecurityConfiguration=1*off->OperationTimeoutException;"
                         "*=ConditionCheckFailureException");
  assert_int_equal(delete_cfg(f->b, "keep"), GF_CONDITION_CHECK_FAILURE);
  assert_int_equal(create_cfg(f->b, "c"), GF_OPERATION_TIMEOUT);
  assert_counts(f->faults, "GetSecurityConfiguration", 2, 1);
  assert_counts(f->faults, "CreateSecurityConfiguration", 3, 2);
  assert_counts(f->faults, "*", 1, 1);

  /* add on an empty injector is set */
  gf_faults_clear(f->faults);
  add_rules(f->faults, "DeleteSecurityConfiguration=1*InternalService");
  assert_spec(f->faults, "DeleteSecurityConfiguration=1*InternalServiceException");
  assert_int_equal(delete_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_gf_ok(delete_cfg(f->b, "keep"), NULL);
}

/* gf_faults_add reseeds only when it sets a seed. */
static void test_add_and_the_seed(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=45%InternalService");
  uint64_t ref = 0;
  size_t fired = 0;
  for (int round = 0; round < 3; round++) {
    if (round == 1)
      add_rules(f->faults, "CreateSecurityConfiguration=off"); /* no seed: the stream goes on */
    if (round == 2) {
      add_rules(f->faults, "seed=99"); /* reseeded */
      ref = 99;
    }
    for (int i = 0; i < 30; i++) {
      int p = ref_draw(&ref, 45);
      fired += (size_t)p;
      assert_int_equal(get_cfg(f->b, "keep"), p ? GF_INTERNAL_SERVICE : GF_OK);
    }
  }
  assert_spec(f->faults,
              "seed=99;GetSecurityConfiguration=45%InternalServiceException;"
              "CreateSecurityConfiguration=off");
  assert_counts(f->faults, "GetSecurityConfiguration", 90, fired);
}

static void test_clear_removes_all(void **state)
{
  fixture *f = *state;
  prestate(f->b);
  set_rules(f->faults, "seed=3;*=InternalService;GetSecurityConfiguration=OperationTimeout;"
                       "CreateSecurityConfiguration[Name=x]=EntityNotFound");
  assert_int_equal(call_op(f->b, GF_OP_GET_SECURITY_CONFIGURATION), GF_OPERATION_TIMEOUT);
  gf_faults_clear(f->faults);
  assert_spec(f->faults, "");
  assert_int_equal(gf_faults_counts(f->faults, "*", NULL, NULL), -1);
  assert_int_equal(gf_faults_counts(f->faults, "GetSecurityConfiguration", NULL, NULL), -1);
  assert_int_equal(
      gf_faults_counts(f->faults, "CreateSecurityConfiguration[Name=x]", NULL, NULL), -1);
  assert_gf_ok(create_cfg(f->b, "x"), NULL);
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    if (op != GF_OP_DELETE_SECURITY_CONFIGURATION && op != GF_OP_DELETE_RESOURCE_POLICY)
      assert_int_equal(call_op(f->b, (gf_operation)op), GF_OK);
  assert_int_equal(call_op(f->b, GF_OP_DELETE_SECURITY_CONFIGURATION), GF_OK);
  assert_int_equal(call_op(f->b, GF_OP_DELETE_RESOURCE_POLICY), GF_OK);
  gf_faults_clear(f->faults); /* twice is fine */
  assert_spec(f->faults, "");
}

static void test_set_restarts_counters_and_chains(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  const char *spec = "GetSecurityConfiguration=1*off->2*InternalService";
  set_rules(f->faults, spec);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_counts(f->faults, "GetSecurityConfiguration", 2, 1);
  set_rules(f->faults, spec);
  assert_counts(f->faults, "GetSecurityConfiguration", 0, 0);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL); /* the chain starts over */
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_int_equal(get_cfg(f->b, "keep"), GF_INTERNAL_SERVICE);
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_counts(f->faults, "GetSecurityConfiguration", 4, 2);
}

/* ==== 4. each error on each operation ===================================== */

static void test_seven_errors_on_nine_operations(void **state)
{
  (void)state;
  for (int o = 0; o < GF_OPERATION_COUNT; o++) {
    gf_operation op = (gf_operation)o;
    const char *op_name = gf_operation_name(op);
    fixture *f = fixture_new();
    assert_non_null(f);
    prestate(f->b);
    char before[2048], after[2048];
    snapshot(f, before, sizeof before);
    gf_recorder *calls = gf_fake_calls(f->fake);

    for (size_t e = 0; e < SEVEN; e++) {
      char spec[160];
      /* the short and the full error name, alternately */
      snprintf(spec, sizeof spec, "%s=1*%s", op_name,
               (o + e) % 2 ? seven_short[e] : gf_status_name(seven[e]));
      set_rules(f->faults, spec);
      gf_error err = GF_ERROR_INIT;
      int sentinel = 0;
      void *out = &sentinel;
      gf_status status = gf_call(f->b, op, requests[op], &out, &err);
      if (status != seven[e])
        print_error("%s: %s instead of %s (%s)\n", spec, gf_status_name(status),
                    gf_status_name(seven[e]), gf_error_message(&err));
      assert_int_equal(status, seven[e]);
      assert_int_equal(err.status, seven[e]);
      assert_null(out);
      assert_non_null(err.message);
      assert_contains(err.message, seven_short[e]);

      gf_call_record r;
      assert_int_equal(gf_calls_get(calls, gf_calls_count(calls) - 1, &r), 0);
      assert_int_equal(r.op, op);
      assert_int_equal(r.status, seven[e]);
      assert_null(r.response);
      assert_non_null(r.message);
      assert_string_equal(r.message, err.message);
      gf_error_clear(&err);
      assert_counts(f->faults, op_name, 1, 1);

      /* the error came before the call: the store is unchanged */
      gf_faults_clear(f->faults);
      snapshot(f, after, sizeof after);
      if (strcmp(before, after) != 0)
        print_error("%s changed the store:\n  %s\n  %s\n", spec, before, after);
      assert_string_equal(before, after);
    }

    /* the same request without faults succeeds, and changes what it should */
    assert_int_equal(call_op(f->b, op), GF_OK);
    snapshot(f, after, sizeof after);
    switch (op) {
    case GF_OP_CREATE_SECURITY_CONFIGURATION:
      assert_int_equal(get_cfg(f->b, "fresh"), GF_OK);
      assert_string_not_equal(before, after);
      break;
    case GF_OP_DELETE_SECURITY_CONFIGURATION:
      assert_int_equal(get_cfg(f->b, "keep"), GF_ENTITY_NOT_FOUND);
      assert_string_not_equal(before, after);
      break;
    case GF_OP_PUT_RESOURCE_POLICY:
      assert_contains(after, POLICY2);
      assert_string_not_equal(before, after);
      break;
    case GF_OP_DELETE_RESOURCE_POLICY:
      assert_contains(after, "policy=EntityNotFoundException");
      break;
    case GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS:
      assert_contains(after, "alias/new");
      break;
    default:
      assert_string_equal(before, after);
      break;
    }
    fixture_free(f);
  }
}

/* ==== 5. applied(ERROR) ===================================================== */

static void test_applied_create(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "CreateSecurityConfiguration=1*applied(OperationTimeout)");
  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_request req = {"a", &empty_config};
  gf_create_security_configuration_response *out = (void *)&err;
  assert_gf_status(gf_create_security_configuration(f->b, &req, &out, &err),
                   GF_OPERATION_TIMEOUT, &err);
  assert_null(out);
  assert_int_equal(err.status, GF_OPERATION_TIMEOUT);
  assert_contains(gf_error_message(&err), "OperationTimeout");
  gf_error_clear(&err);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);

  /* it took effect */
  assert_gf_ok(get_cfg(f->b, "a"), NULL);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  assert_int_equal(create_cfg(f->b, "a"), GF_ALREADY_EXISTS); /* the retry */
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);

  /* the call log shows what the client saw */
  assert_gf_nth_call_status(gf_fake_calls(f->fake), GF_OP_CREATE_SECURITY_CONFIGURATION, 0,
                            GF_OPERATION_TIMEOUT);
  assert_gf_nth_call_status(gf_fake_calls(f->fake), GF_OP_CREATE_SECURITY_CONFIGURATION, 1,
                            GF_ALREADY_EXISTS);

  /* with the response discarded by the caller (out == NULL) too */
  set_rules(f->faults, "CreateSecurityConfiguration=1*applied(InternalService)");
  assert_int_equal(create_cfg(f->b, "b"), GF_INTERNAL_SERVICE);
  assert_gf_ok(get_cfg(f->b, "b"), NULL);
}

static void test_applied_delete(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "a"), NULL);
  set_rules(f->faults, "DeleteSecurityConfiguration=1*applied(OperationTimeout)");
  gf_error err = GF_ERROR_INIT;
  gf_delete_security_configuration_request req = {"a"};
  gf_delete_security_configuration_response *out = (void *)&err;
  assert_gf_status(gf_delete_security_configuration(f->b, &req, &out, &err),
                   GF_OPERATION_TIMEOUT, &err);
  assert_null(out);
  gf_error_clear(&err);
  assert_int_equal(get_cfg(f->b, "a"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(delete_cfg(f->b, "a"), GF_ENTITY_NOT_FOUND);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
}

static void test_applied_put_resource_policy(void **state)
{
  fixture *f = *state;
  set_rules(f->faults, "PutResourcePolicy=1*applied(OperationTimeout)");
  gf_error err = GF_ERROR_INIT;
  gf_put_resource_policy_request put = {POLICY1, NULL, NULL, NULL, NULL};
  gf_put_resource_policy_response *out = (void *)&err;
  assert_gf_status(gf_put_resource_policy(f->b, &put, &out, &err), GF_OPERATION_TIMEOUT, &err);
  assert_null(out);
  gf_error_clear(&err);

  gf_get_resource_policy_response *got = NULL;
  assert_gf_ok(gf_get_resource_policy(f->b, NULL, &got, &err), &err);
  assert_non_null(got);
  assert_string_equal(got->policy_in_json, POLICY1);
  gf_get_resource_policy_response_free(got);

  /* a retry that insists the policy is new now fails its condition */
  put.policy_exists_condition = GF_POLICY_NOT_EXIST;
  assert_gf_status(gf_put_resource_policy(f->b, &put, NULL, &err), GF_CONDITION_CHECK_FAILURE,
                   &err);
  gf_error_clear(&err);

  /* DeleteResourcePolicy too */
  set_rules(f->faults, "DeleteResourcePolicy=1*applied(InternalService)");
  assert_gf_status(gf_delete_resource_policy(f->b, NULL, NULL, &err), GF_INTERNAL_SERVICE, &err);
  assert_gf_status(gf_get_resource_policy(f->b, NULL, NULL, &err), GF_ENTITY_NOT_FOUND, &err);
  gf_error_clear(&err);
}

/* applied() on a call that fails by itself: the caller gets the inner error. */
static void test_applied_inner_error_wins(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "a"), NULL);
  set_rules(f->faults, "CreateSecurityConfiguration=applied(OperationTimeout)");
  gf_error err = GF_ERROR_INIT;
  gf_create_security_configuration_request req = {"a", &empty_config};
  gf_create_security_configuration_response *out = (void *)&err;
  assert_gf_status(gf_create_security_configuration(f->b, &req, &out, &err), GF_ALREADY_EXISTS,
                   &err);
  assert_null(out);
  assert_int_equal(err.status, GF_ALREADY_EXISTS);
  assert_not_contains(gf_error_message(&err), "OperationTimeout");
  gf_error_clear(&err);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);

  /* a validation error of the inner call wins too */
  gf_create_security_configuration_request bad = {"", &empty_config};
  assert_gf_status(gf_create_security_configuration(f->b, &bad, NULL, &err), GF_INVALID_INPUT,
                   &err);
  gf_error_clear(&err);

  set_rules(f->faults, "DeleteSecurityConfiguration=applied(InternalService)");
  assert_int_equal(delete_cfg(f->b, "missing"), GF_ENTITY_NOT_FOUND);
}

/* applied() on calls that return data: the response is dropped (valgrind
 * checks that it is freed). */
static void test_applied_discards_response(void **state)
{
  fixture *f = *state;
  prestate(f->b);
  for (int op = 0; op < GF_OPERATION_COUNT; op++) {
    if (op == GF_OP_DELETE_SECURITY_CONFIGURATION || op == GF_OP_DELETE_RESOURCE_POLICY)
      continue; /* keep the state for the others */
    char spec[128];
    snprintf(spec, sizeof spec, "%s=1*applied(EntityNotFound)",
             gf_operation_name((gf_operation)op));
    set_rules(f->faults, spec);
    gf_error err = GF_ERROR_INIT;
    int sentinel = 0;
    void *out = &sentinel;
    gf_status status = gf_call(f->b, (gf_operation)op, requests[op], &out, &err);
    if (status != GF_ENTITY_NOT_FOUND)
      print_error("%s: %s (%s)\n", spec, gf_status_name(status), gf_error_message(&err));
    assert_int_equal(status, GF_ENTITY_NOT_FOUND);
    assert_null(out);
    gf_error_clear(&err);
  }
  assert_gf_ok(get_cfg(f->b, "fresh"), NULL); /* the create was applied */
}

/* ==== 6. percentages and determinism ======================================== */

#define PCT_CALLS 1000

/* Runs `n` Gets of "keep" and stores 1 for each that failed with
 * InternalService (anything but OK or that fails the test). */
static void run_gets(gf_backend *b, int n, char *failed)
{
  for (int i = 0; i < n; i++) {
    gf_status status = get_cfg(b, "keep");
    if (status != GF_OK && status != GF_INTERNAL_SERVICE)
      fail_msg("call %d: %s", i, gf_status_name(status));
    failed[i] = status == GF_INTERNAL_SERVICE;
  }
}

static void test_pct_matches_reference(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "seed=42;GetSecurityConfiguration=30%InternalService");
  static char failed[PCT_CALLS];
  run_gets(f->b, PCT_CALLS, failed);
  uint64_t ref = 42;
  size_t expected_failures = 0, mismatches = 0;
  for (int i = 0; i < PCT_CALLS; i++) {
    int predicted = ref_draw(&ref, 30);
    expected_failures += (size_t)predicted;
    if (predicted != failed[i] && mismatches++ < 5)
      print_error("call %d: failed=%d, the reference says %d\n", i, failed[i], predicted);
  }
  assert_int_equal(mismatches, 0);
  assert_in_range(expected_failures, 200, 400); /* the reference itself is sane */
  assert_counts(f->faults, "GetSecurityConfiguration", PCT_CALLS, expected_failures);
}

static void test_pct_deterministic(void **state)
{
  fixture *f = *state;
  const char *spec = "seed=7;GetSecurityConfiguration=10%InternalService";
  static char first[300], second[300], third[300];
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, spec);
  run_gets(f->b, 300, first);

  fixture *g = fixture_new();
  assert_non_null(g);
  assert_gf_ok(create_cfg(g->b, "keep"), NULL);
  set_rules(g->faults, spec);
  run_gets(g->b, 300, second);
  fixture_free(g);
  assert_memory_equal(first, second, sizeof first);

  set_rules(f->faults, spec); /* reseeded */
  run_gets(f->b, 300, third);
  assert_memory_equal(first, third, sizeof first);

  /* after gf_faults_clear and a new set, too */
  gf_faults_clear(f->faults);
  set_rules(f->faults, spec);
  run_gets(f->b, 300, third);
  assert_memory_equal(first, third, sizeof first);

  uint64_t ref = 7;
  for (int i = 0; i < 300; i++)
    assert_int_equal(first[i], ref_draw(&ref, 10));
}

static void test_pct_default_seed_zero(void **state)
{
  fixture *f = *state;
  static char failed[400];
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "GetSecurityConfiguration=50%InternalService");
  run_gets(f->b, 400, failed);
  uint64_t ref = 0;
  for (int i = 0; i < 400; i++)
    assert_int_equal(failed[i], ref_draw(&ref, 50));

  /* and "seed=0" is the same stream */
  set_rules(f->faults, "seed=0;GetSecurityConfiguration=50%InternalService");
  run_gets(f->b, 400, failed);
  ref = 0;
  for (int i = 0; i < 400; i++)
    assert_int_equal(failed[i], ref_draw(&ref, 50));
}

/* 0.5% and 100%: the exact threshold with the reference. */
static void test_pct_small_and_full(void **state)
{
  fixture *f = *state;
  static char failed[PCT_CALLS];
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "seed=12345;GetSecurityConfiguration=0.5%InternalService");
  run_gets(f->b, PCT_CALLS, failed);
  uint64_t ref = 12345;
  for (int i = 0; i < PCT_CALLS; i++)
    assert_int_equal(failed[i], ref_draw(&ref, 0.5));

  set_rules(f->faults, "GetSecurityConfiguration=100%InternalService");
  run_gets(f->b, 100, failed);
  for (int i = 0; i < 100; i++)
    assert_int_equal(failed[i], 1);
  assert_counts(f->faults, "GetSecurityConfiguration", 100, 100);
}

/* Draws happen only for PCT terms, from one generator shared by the rules
 * of the spec. */
static void test_pct_draws_only_for_pct_terms(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, "seed=9;GetSecurityConfiguration=40%InternalService;"
                       "GetSecurityConfigurations=3*off->OperationTimeout;"
                       "GetDataCatalogEncryptionSettings=2*off->25%EntityNotFound;"
                       "*=off");
  uint64_t ref = 9;
  size_t get_fired = 0, dces_fired = 0;
  for (int i = 0; i < 300; i++) {
    /* a Get: one draw at 40% */
    int predicted = ref_draw(&ref, 40);
    get_fired += (size_t)predicted;
    assert_int_equal(get_cfg(f->b, "keep"), predicted ? GF_INTERNAL_SERVICE : GF_OK);
    /* non-PCT rules in between: no draw */
    assert_int_equal(call_op(f->b, GF_OP_GET_SECURITY_CONFIGURATIONS),
                     i < 3 ? GF_OK : GF_OPERATION_TIMEOUT);
    assert_int_equal(call_op(f->b, GF_OP_GET_RESOURCE_POLICY), GF_ENTITY_NOT_FOUND); /* "*" */
    /* every third round a DCES: no draw for its two "off" calls, then 25% */
    if (i % 3 == 0) {
      int n = i / 3;
      int p = n >= 2 ? ref_draw(&ref, 25) : 0;
      dces_fired += (size_t)p;
      assert_int_equal(call_op(f->b, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS),
                       p ? GF_ENTITY_NOT_FOUND : GF_OK);
    }
  }
  assert_counts(f->faults, "GetSecurityConfiguration", 300, get_fired);
  assert_counts(f->faults, "GetSecurityConfigurations", 300, 297);
  assert_counts(f->faults, "GetDataCatalogEncryptionSettings", 100, dces_fired);
  assert_counts(f->faults, "*", 300, 0);
}

/* A PCT term with COUNT counts the calls it serves, drawn or not. */
static void test_pct_with_count(void **state)
{
  fixture *f = *state;
  /* a seed where some but not all of the first 4 draws at 12.5% succeed */
  uint64_t seed = 0;
  for (;; seed++) {
    uint64_t s = seed;
    int hits = 0;
    for (int i = 0; i < 4; i++)
      hits += ref_draw(&s, 12.5);
    if (hits > 0 && hits < 4)
      break;
  }
  char spec[200];
  snprintf(spec, sizeof spec,
           "seed=%llu;GetSecurityConfiguration=12.5%%4*InternalService->off;"
           "GetDataCatalogEncryptionSettings=50%%OperationTimeout",
           (unsigned long long)seed);
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  set_rules(f->faults, spec);
  uint64_t ref = seed;
  size_t get_fired = 0, dces_fired = 0;
  for (int i = 0; i < 100; i++) {
    int p = i < 4 ? ref_draw(&ref, 12.5) : 0; /* after 4 calls: "off", no draw */
    get_fired += (size_t)p;
    assert_int_equal(get_cfg(f->b, "keep"), p ? GF_INTERNAL_SERVICE : GF_OK);
    int q = ref_draw(&ref, 50);
    dces_fired += (size_t)q;
    assert_int_equal(call_op(f->b, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS),
                     q ? GF_OPERATION_TIMEOUT : GF_OK);
  }
  assert_true(get_fired > 0 && get_fired < 4);
  assert_counts(f->faults, "GetSecurityConfiguration", 100, get_fired);
  assert_counts(f->faults, "GetDataCatalogEncryptionSettings", 100, dces_fired);

  /* with seed 0 as well: whatever the draws, no fault after the 4th call */
  set_rules(f->faults, "GetSecurityConfiguration=12.5%4*InternalService->off");
  ref = 0;
  for (int i = 0; i < 50; i++) {
    int p = i < 4 ? ref_draw(&ref, 12.5) : 0;
    assert_int_equal(get_cfg(f->b, "keep"), p ? GF_INTERNAL_SERVICE : GF_OK);
  }
}

/* ==== 7. delay ============================================================== */

static double now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_delay_passes_through(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  static const gf_s3_encryption s3[] = {{GF_MODE_SSE_S3, NULL}};
  static const gf_encryption_configuration config = {s3, 1, NULL, NULL, NULL};
  gf_create_security_configuration_request create = {"keep", &config};
  gf_create_security_configuration_response *created = NULL;

  set_rules(f->faults, "CreateSecurityConfiguration=1*delay(1)");
  assert_gf_ok(gf_create_security_configuration(f->b, &create, &created, &err), &err);
  assert_non_null(created);
  assert_string_equal(created->name, "keep");
  assert_true(created->has_created_timestamp);
  assert_true(created->created_timestamp == T0);
  gf_create_security_configuration_response_free(created);
  assert_counts(f->faults, "CreateSecurityConfiguration", 1, 1);

  gf_faults_clear(f->faults);
  gf_get_security_configuration_response *plain = NULL, *delayed = NULL;
  assert_gf_ok(gf_get_security_configuration(f->b, &req_get, &plain, &err), &err);

  set_rules(f->faults, "GetSecurityConfiguration=1*delay(20)->delay(0)");
  double t0 = now_ms();
  assert_gf_ok(gf_get_security_configuration(f->b, &req_get, &delayed, &err), &err);
  double elapsed = now_ms() - t0;
  if (elapsed < 20.0)
    print_error("delay(20) took %.3f ms\n", elapsed);
  assert_true(elapsed >= 20.0);

  /* the same result as without the fault */
  const gf_security_configuration *a = plain->security_configuration,
                                  *b = delayed->security_configuration;
  assert_non_null(a);
  assert_non_null(b);
  assert_string_equal(a->name, b->name);
  assert_int_equal(a->has_created_time_stamp, b->has_created_time_stamp);
  assert_true(a->created_time_stamp == b->created_time_stamp);
  assert_non_null(b->encryption_configuration);
  assert_int_equal(b->encryption_configuration->s3_encryption_count, 1);
  assert_string_equal(b->encryption_configuration->s3_encryption[0].s3_encryption_mode,
                      GF_MODE_SSE_S3);
  gf_get_security_configuration_response_free(plain);
  gf_get_security_configuration_response_free(delayed);

  /* delay(0) passes too, errors of the inner call included */
  assert_gf_ok(get_cfg(f->b, "keep"), NULL);
  assert_int_equal(get_cfg(f->b, "missing"), GF_ENTITY_NOT_FOUND);
  assert_counts(f->faults, "GetSecurityConfiguration", 3, 3);
  gf_error_clear(&err);
}

/* ==== 8. GLUEFAKE_FAULTS ===================================================== */

static void test_env_rules_applied(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=1*OperationTimeout", 1),
                   0);
  gf_fake *fake = gf_fake_new(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_non_null(fake);
  gf_backend *b = gf_fake_backend(fake);
  assert_spec(gf_fake_faults(fake), "CreateSecurityConfiguration=1*OperationTimeoutException");
  assert_int_equal(create_cfg(b, "a"), GF_OPERATION_TIMEOUT);
  assert_gf_ok(create_cfg(b, "a"), NULL);
  assert_gf_ok(create_cfg(b, "b"), NULL);

  /* reset removes the rules (and does not read the variable again) */
  set_rules(gf_fake_faults(fake), "CreateSecurityConfiguration=1*OperationTimeout");
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "*=InternalService", 1), 0);
  gf_fake_reset(fake);
  unsetenv("GLUEFAKE_FAULTS");
  assert_spec(gf_fake_faults(fake), "");
  assert_gf_ok(create_cfg(b, "a"), NULL);
  gf_fake_free(fake);
  gf_error_clear(&err);
}

static void test_env_bad_spec_fails_creation(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=1*Oops", 1), 0);
  gf_fake *fake = gf_fake_new(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_null(fake);
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_non_null(err.message);
  assert_true(strncmp(err.message, "GLUEFAKE_FAULTS:", strlen("GLUEFAKE_FAULTS:")) == 0);
  assert_contains(err.message, "column 31");
  assert_contains(err.message, "error name");
  gf_error_clear(&err);

  assert_int_equal(setenv("GLUEFAKE_FAULTS", "seed=1;", 1), 0);
  fake = gf_fake_new(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_null(fake);
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_true(strncmp(gf_error_message(&err), "GLUEFAKE_FAULTS:", 16) == 0);
  assert_contains(gf_error_message(&err), "column 8");
  gf_error_clear(&err);
}

static void test_env_empty_means_no_rules(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "", 1), 0);
  gf_fake *fake = gf_fake_new(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_non_null(fake);
  assert_spec(gf_fake_faults(fake), "");
  gf_backend *b = gf_fake_backend(fake);
  assert_gf_ok(create_cfg(b, "a"), NULL);
  assert_gf_ok(get_cfg(b, "a"), NULL);
  gf_fake_free(fake);

  /* unset: no rules either */
  fake = gf_fake_new(NULL, &err);
  assert_non_null(fake);
  assert_spec(gf_fake_faults(fake), "");
  gf_fake_free(fake);
  gf_error_clear(&err);
}

/* gf_fake_new_ext(NULL, ...) is GF_FAKE_OPTIONS_INIT: the default account
 * and GLUEFAKE_FAULTS read. */
static void test_env_ext_null_options_read_env(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=1*OperationTimeout", 1),
                   0);
  gf_fake *fake = gf_fake_new_ext(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  if (!fake)
    print_error("gf_fake_new_ext(NULL): %s\n", gf_error_message(&err));
  assert_non_null(fake);
  char account[13];
  gf_fake_account_id(fake, account);
  assert_string_equal(account, GF_DEFAULT_ACCOUNT_ID);
  assert_spec(gf_fake_faults(fake), "CreateSecurityConfiguration=1*OperationTimeoutException");
  gf_backend *b = gf_fake_backend(fake);
  assert_int_equal(create_cfg(b, "a"), GF_OPERATION_TIMEOUT);
  assert_gf_ok(create_cfg(b, "a"), NULL);
  gf_fake_free(fake);

  /* ... and a spec that does not parse fails it, as it fails gf_fake_new */
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "CreateSecurityConfiguration=1*Oops", 1), 0);
  fake = gf_fake_new_ext(NULL, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_null(fake);
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_true(strncmp(gf_error_message(&err), "GLUEFAKE_FAULTS: fault spec: column 31: ",
                      strlen("GLUEFAKE_FAULTS: fault spec: column 31: ")) == 0);
  gf_error_clear(&err);

  /* GF_FAKE_OPTIONS_INIT as such: the same */
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  assert_int_equal(options.version, GF_FAKE_OPTIONS_VERSION);
  assert_null(options.account_id);
  assert_int_equal(options.ignore_environment, 0);
  assert_int_equal(setenv("GLUEFAKE_FAULTS", "*=1*InternalService", 1), 0);
  fake = gf_fake_new_ext(&options, &err);
  unsetenv("GLUEFAKE_FAULTS");
  assert_non_null(fake);
  assert_spec(gf_fake_faults(fake), "*=1*InternalServiceException");
  gf_fake_free(fake);
  gf_error_clear(&err);
}

/* ignore_environment: GLUEFAKE_FAULTS is not read, not even to reject it. */
static void test_env_ext_ignore_environment(void **state)
{
  (void)state;
  static const char *const specs[] = {"CreateSecurityConfiguration=1*Oops", "seed=1;",
                                      "*=InternalService"};
  for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_fake_options options = GF_FAKE_OPTIONS_INIT;
    options.ignore_environment = 1;
    assert_int_equal(setenv("GLUEFAKE_FAULTS", specs[i], 1), 0);
    gf_fake *fake = gf_fake_new_ext(&options, &err);
    unsetenv("GLUEFAKE_FAULTS");
    if (!fake)
      print_error("GLUEFAKE_FAULTS='%s': %s\n", specs[i], gf_error_message(&err));
    assert_non_null(fake);
    assert_int_equal(err.status, GF_OK);
    assert_null(err.message);
    assert_spec(gf_fake_faults(fake), "");
    gf_backend *b = gf_fake_backend(fake);
    assert_gf_ok(create_cfg(b, "a"), NULL);
    assert_gf_ok(get_cfg(b, "a"), NULL);
    gf_fake_free(fake);
  }
}

/* A version this library does not know: no fake, and why. */
static void test_ext_options_version(void **state)
{
  (void)state;
  static const unsigned versions[] = {0, GF_FAKE_OPTIONS_VERSION + 1, 1000};
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_fake_options options = GF_FAKE_OPTIONS_INIT;
    options.version = versions[i];
    options.ignore_environment = 1;
    char expected[128];
    snprintf(expected, sizeof expected,
             "fake options version %u is not supported (this library knows 1..2)", versions[i]);
    assert_null(gf_fake_new_ext(&options, &err));
    assert_int_equal(err.status, GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&err), expected);
    gf_error_clear(&err);
    assert_null(gf_fake_new_ext(&options, NULL)); /* NULL err allowed */
  }
  gf_error err = GF_ERROR_INIT;
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.version = 0;
  assert_null(gf_fake_new_ext(&options, &err));
  assert_string_equal(gf_error_message(&err),
                      "fake options version 0 is not supported (this library knows 1..2)");
  gf_error_clear(&err);
  assert_int_equal(GF_FAKE_OPTIONS_VERSION, 2);
}

/* The region: an option (version 2; a version-1 struct has no such member
 * and gets the default), a setter, the default resource ARN, reset. */
static void test_fake_region(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.ignore_environment = 1;
  options.region = "cn-north-1";
  gf_fake *fake = gf_fake_new_ext(&options, &err);
  assert_non_null(fake);
  char region[GF_REGION_SIZE];
  gf_fake_region(fake, region);
  assert_string_equal(region, "cn-north-1");
  gf_put_resource_policy_request put = {"{}", NULL, NULL, NULL, NULL};
  assert_int_equal(gf_put_resource_policy(gf_fake_backend(fake), &put, NULL, &err), GF_OK);
  gf_get_resource_policy_request get = {"arn:aws-cn:glue:cn-north-1:123456789012:catalog"};
  assert_int_equal(gf_get_resource_policy(gf_fake_backend(fake), &get, NULL, &err), GF_OK);

  assert_int_equal(gf_fake_set_region(fake, "us-gov-west-1", &err), GF_OK);
  assert_int_equal(gf_put_resource_policy(gf_fake_backend(fake), &put, NULL, &err), GF_OK);
  get.resource_arn = "arn:aws-us-gov:glue:us-gov-west-1:123456789012:catalog";
  assert_int_equal(gf_get_resource_policy(gf_fake_backend(fake), &get, NULL, &err), GF_OK);

  static const char *const bad[] = {"", "US-EAST-1", "us-east-1-", "1us", "us_east_1",
                                    "us-east-1 ", "a23456789012345678901234567890123", NULL};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(gf_fake_set_region(fake, bad[i], &err), GF_INVALID_INPUT);
    assert_non_null(strstr(gf_error_message(&err), "is not a region name"));
    gf_error_clear(&err);
    options.region = bad[i];
    if (bad[i]) /* NULL in the options is the default */
      assert_null(gf_fake_new_ext(&options, &err));
    gf_error_clear(&err);
  }
  gf_fake_region(fake, region);
  assert_string_equal(region, "us-gov-west-1"); /* unchanged by the refusals */
  gf_fake_reset(fake);
  gf_fake_region(fake, region);
  assert_string_equal(region, "cn-north-1"); /* the one it was made with */
  gf_fake_free(fake);

  options.version = 1; /* `region` did not exist: the default */
  options.region = "eu-west-1";
  fake = gf_fake_new_ext(&options, &err);
  assert_non_null(fake);
  gf_fake_region(fake, region);
  assert_string_equal(region, GF_DEFAULT_REGION);
  gf_fake_free(fake);
}

/* A bad account id: no fake, and the id quoted. */
static void test_ext_bad_account_id(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.account_id = "12";
  options.ignore_environment = 1;
  assert_null(gf_fake_new_ext(&options, &err));
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), "account id '12' is not 12 digits");
  gf_error_clear(&err);

  options.ignore_environment = 0; /* GLUEFAKE_FAULTS is unset here */
  options.account_id = "12345678901x";
  assert_null(gf_fake_new_ext(&options, &err));
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), "account id '12345678901x' is not 12 digits");
  gf_error_clear(&err);

  assert_null(gf_fake_new("12", &err));
  assert_string_equal(gf_error_message(&err), "account id '12' is not 12 digits");
  gf_error_clear(&err);

  /* a good one is kept */
  options.account_id = "000000000042";
  gf_fake *fake = gf_fake_new_ext(&options, &err);
  assert_non_null(fake);
  char account[13];
  gf_fake_account_id(fake, account);
  assert_string_equal(account, "000000000042");
  gf_fake_free(fake);
}

/* ==== 9. the injector around a custom backend ============================== */

typedef struct counting_backend {
  gf_backend parent;
  int creates, deletes, gets, destroyed;
} counting_backend;

static gf_status cb_create(gf_backend *self, const gf_create_security_configuration_request *req,
                           gf_create_security_configuration_response **out, gf_error *err)
{
  counting_backend *cb = (counting_backend *)self;
  cb->creates++;
  /* A response is one allocation: built on the stack, handed out copied. */
  gf_create_security_configuration_response r = {req->name ? req->name : "?", true, 42};
  *out = gf_response_copy(GF_OP_CREATE_SECURITY_CONFIGURATION, &r);
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory");
}

static gf_status cb_delete(gf_backend *self, const gf_delete_security_configuration_request *req,
                           gf_delete_security_configuration_response **out, gf_error *err)
{
  (void)req;
  counting_backend *cb = (counting_backend *)self;
  cb->deletes++;
  *out = calloc(1, sizeof **out);
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory");
}

static gf_status cb_get(gf_backend *self, const gf_get_security_configuration_request *req,
                        gf_get_security_configuration_response **out, gf_error *err)
{
  (void)out;
  counting_backend *cb = (counting_backend *)self;
  cb->gets++;
  return gf_error_set(err, GF_ENTITY_NOT_FOUND, "custom: no %s", req->name ? req->name : "?");
}

static void cb_destroy(gf_backend *self) { ((counting_backend *)self)->destroyed++; }

static void counting_init(counting_backend *cb)
{
  gf_backend init = GF_BACKEND_INIT;
  memset(cb, 0, sizeof *cb);
  cb->parent = init;
  cb->parent.create_security_configuration = cb_create;
  cb->parent.delete_security_configuration = cb_delete;
  cb->parent.get_security_configuration = cb_get;
  cb->parent.destroy = cb_destroy;
}

static void test_injector_around_custom_backend(void **state)
{
  (void)state;
  counting_backend cb;
  counting_init(&cb);
  gf_error err = GF_ERROR_INIT;
  gf_faults *faults = gf_faults_new(&cb.parent, &err);
  assert_non_null(faults);
  gf_backend *b = gf_faults_backend(faults);
  assert_non_null(b);
  assert_spec(faults, "");

  /* no rules: straight through */
  gf_create_security_configuration_request req = {"x", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  assert_gf_ok(gf_create_security_configuration(b, &req, &out, &err), &err);
  assert_non_null(out);
  assert_string_equal(out->name, "x");
  assert_true(out->created_timestamp == 42);
  gf_create_security_configuration_response_free(out);
  assert_int_equal(cb.creates, 1);

  /* an injected error: the inner slot is not called */
  set_rules(faults, "CreateSecurityConfiguration=1*OperationTimeout;"
                    "DeleteSecurityConfiguration=2*ResourceNumberLimitExceeded");
  out = (void *)&err;
  assert_gf_status(gf_create_security_configuration(b, &req, &out, &err), GF_OPERATION_TIMEOUT,
                   &err);
  assert_null(out);
  assert_int_equal(cb.creates, 1);
  assert_int_equal(delete_cfg(b, "x"), GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(delete_cfg(b, "x"), GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(cb.deletes, 0);
  assert_gf_ok(delete_cfg(b, "x"), NULL);
  assert_int_equal(cb.deletes, 1);
  assert_gf_ok(create_cfg(b, "y"), NULL);
  assert_int_equal(cb.creates, 2);
  assert_counts(faults, "CreateSecurityConfiguration", 2, 1);
  assert_counts(faults, "DeleteSecurityConfiguration", 3, 2);

  /* applied(): the inner slot is called once, its response dropped */
  set_rules(faults, "CreateSecurityConfiguration=1*applied(InternalService);"
                    "DeleteSecurityConfiguration=applied(OperationTimeout);"
                    "GetSecurityConfiguration=applied(OperationTimeout)");
  out = (void *)&err;
  assert_gf_status(gf_create_security_configuration(b, &req, &out, &err), GF_INTERNAL_SERVICE,
                   &err);
  assert_null(out);
  assert_int_equal(cb.creates, 3);
  assert_int_equal(delete_cfg(b, "x"), GF_OPERATION_TIMEOUT);
  assert_int_equal(cb.deletes, 2);
  /* the inner error wins */
  assert_gf_status(gf_get_security_configuration(b, &req_get, NULL, &err), GF_ENTITY_NOT_FOUND,
                   &err);
  assert_string_equal(gf_error_message(&err), "custom: no keep");
  assert_int_equal(cb.gets, 1);

  /* a slot the inner backend does not implement: its own answer passes
   * through, an injected error comes first */
  gf_faults_clear(faults);
  assert_gf_status(gf_get_resource_policy(b, NULL, NULL, &err), GF_INTERNAL_SERVICE, &err);
  set_rules(faults, "GetResourcePolicy=1*ConditionCheckFailure");
  assert_gf_status(gf_get_resource_policy(b, NULL, NULL, &err), GF_CONDITION_CHECK_FAILURE, &err);

  /* gf_faults_free does not free (destroy) the inner backend */
  gf_faults_free(faults);
  assert_int_equal(cb.destroyed, 0);
  assert_gf_ok(create_cfg(&cb.parent, "z"), NULL); /* still usable */
  assert_int_equal(cb.creates, 4);
  gf_faults_free(NULL);
  assert_null(gf_faults_backend(NULL));

  /* gf_backend_free on the injector's backend frees the injector (and its
   * rules), not the inner backend */
  gf_faults *second = gf_faults_new(&cb.parent, &err);
  assert_non_null(second);
  set_rules(second, "seed=5;*=50%InternalService(x);CreateSecurityConfiguration[Name=q]=off");
  assert_gf_ok(create_cfg(gf_faults_backend(second), "q"), NULL);
  gf_backend_free(gf_faults_backend(second));
  assert_int_equal(cb.destroyed, 0);
  assert_int_equal(cb.creates, 5);

  /* a stack: recorder -> injector -> custom backend; the log sees the fault */
  gf_faults *third = gf_faults_new(&cb.parent, &err);
  assert_non_null(third);
  gf_recorder *rec = gf_recorder_new(gf_faults_backend(third), &err);
  assert_non_null(rec);
  set_rules(third, "CreateSecurityConfiguration=1*AlreadyExists");
  assert_int_equal(create_cfg(gf_recorder_backend(rec), "r"), GF_ALREADY_EXISTS);
  assert_gf_ok(create_cfg(gf_recorder_backend(rec), "r"), NULL);
  assert_gf_nth_call_status(rec, GF_OP_CREATE_SECURITY_CONFIGURATION, 0, GF_ALREADY_EXISTS);
  assert_gf_nth_call_status(rec, GF_OP_CREATE_SECURITY_CONFIGURATION, 1, GF_OK);
  assert_int_equal(cb.creates, 6);
  gf_recorder_free(rec);
  gf_faults_free(third);
  assert_int_equal(cb.destroyed, 0);
  gf_error_clear(&err);
}

/* ==== 10. threads =========================================================== */

#define THREADS 4
#define CALLS_PER_THREAD 2000

typedef struct worker {
  gf_backend *b;
  size_t failures, unexpected;
} worker;

static void *worker_main(void *arg)
{
  worker *w = arg;
  for (int i = 0; i < CALLS_PER_THREAD; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_status status = gf_get_security_configuration(w->b, &req_get, NULL, &err);
    if (status == GF_INTERNAL_SERVICE)
      w->failures++;
    else if (status != GF_OK)
      w->unexpected++;
    gf_error_clear(&err);
  }
  return NULL;
}

/* Runs the workers; returns the total number of injected failures. */
static size_t run_workers(fixture *f)
{
  worker workers[THREADS];
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){f->b, 0, 0};
    assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
  }
  size_t failures = 0;
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_join(threads[i], NULL), 0);
    assert_int_equal(workers[i].unexpected, 0);
    failures += workers[i].failures;
  }
  return failures;
}

static void test_threads_pct(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  gf_calls_clear(gf_fake_calls(f->fake));
  set_rules(f->faults, "*=10%InternalService");
  size_t failures = run_workers(f);
  assert_counts(f->faults, "*", THREADS * CALLS_PER_THREAD, failures);
  assert_in_range(failures, 1, THREADS * CALLS_PER_THREAD - 1);
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), THREADS * CALLS_PER_THREAD);

  /* whatever the interleaving, the draws are the spec's: the number of
   * successes among the first 8000 draws of seed 0 */
  uint64_t ref = 0;
  size_t expected = 0;
  for (int i = 0; i < THREADS * CALLS_PER_THREAD; i++)
    expected += (size_t)ref_draw(&ref, 10);
  assert_int_equal(failures, expected);
}

static void test_threads_count(void **state)
{
  fixture *f = *state;
  assert_gf_ok(create_cfg(f->b, "keep"), NULL);
  gf_calls_clear(gf_fake_calls(f->fake));
  set_rules(f->faults, "GetSecurityConfiguration=1000*InternalService->off");
  size_t failures = run_workers(f);
  assert_int_equal(failures, 1000);
  assert_counts(f->faults, "GetSecurityConfiguration", THREADS * CALLS_PER_THREAD, 1000);
  gf_recorder *calls = gf_fake_calls(f->fake);
  assert_int_equal(gf_calls_count(calls), THREADS * CALLS_PER_THREAD);
  size_t logged_failures = 0;
  gf_call_record r;
  for (size_t i = 0; gf_calls_get(calls, i, &r) == 0; i++)
    logged_failures += r.status == GF_INTERNAL_SERVICE;
  assert_int_equal(logged_failures, 1000);
}

/* ------------------------------------------------------------------------- */

/* Messages of two refusals no other test reaches: a number that strtod
 * reads shorter than the grammar's digits, and the list of string members
 * of an operation that has several. */
static void test_reject_messages_numbers_and_members(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_check("*=.%InvalidInput", &err), GF_INVALID_INPUT);
  assert_string_equal(err.message, "fault spec: column 3: expected a number");
  assert_int_equal(gf_faults_check("PutResourcePolicy[Nope=x]=InvalidInput", &err),
                   GF_INVALID_INPUT);
  assert_string_equal(err.message,
                      "fault spec: column 19: expected a string member of PutResourcePolicy "
                      "(PolicyInJson, PolicyHashCondition, PolicyExistsCondition, ResourceArn, "
                      "EnableHybrid)");
  gf_error_clear(&err);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
  const struct CMUnitTest tests[] = {
      T(test_accept_error_names),
      T(test_accept_actions),
      T(test_accept_message_verbatim),
      T(test_accept_long_message_verbatim),
      T(test_accept_pct_and_count),
      T(test_canonical_round_percentages),
      T(test_accept_chains),
      T(test_accept_targets),
      T(test_accept_seed_items_and_spaces),
      T(test_accept_empty_and_null),
      T(test_reject_forms),
      T(test_reject_seed_overflow),
      T(test_reject_keeps_state),
      T(test_accept_glue_encryption),
      T(test_glue_encryption_on_nine_operations),
      T(test_reject_errors_a_fault_cannot_inject),
      T(test_retryable_faults_in_process),
      T(test_chain_only_third_create_fails),
      T(test_term_without_count_serves_all),
      T(test_star_versus_operation),
      T(test_most_specific_rule_wins),
      T(test_used_up_chain_does_not_fall_back),
      T(test_member_match_equal_values_only),
      T(test_counts),
      T(test_add_replaces_same_target),
      T(test_add_and_the_seed),
      T(test_clear_removes_all),
      T(test_set_restarts_counters_and_chains),
      T(test_seven_errors_on_nine_operations),
      T(test_applied_create),
      T(test_applied_delete),
      T(test_applied_put_resource_policy),
      T(test_applied_inner_error_wins),
      T(test_applied_discards_response),
      T(test_pct_matches_reference),
      T(test_pct_deterministic),
      T(test_pct_default_seed_zero),
      T(test_pct_small_and_full),
      T(test_pct_draws_only_for_pct_terms),
      T(test_pct_with_count),
      T(test_delay_passes_through),
      T(test_env_rules_applied),
      T(test_env_bad_spec_fails_creation),
      T(test_env_empty_means_no_rules),
      T(test_env_ext_null_options_read_env),
      T(test_env_ext_ignore_environment),
      T(test_ext_options_version),
      T(test_fake_region),
      T(test_reject_messages_numbers_and_members),
      T(test_ext_bad_account_id),
      T(test_injector_around_custom_backend),
      T(test_threads_pct),
      T(test_threads_count),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
