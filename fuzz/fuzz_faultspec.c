/*
 * fuzz_faultspec.c - libFuzzer target for fault specs: the parser, the
 * canonical spelling and the injector.
 *
 * The input is the spec (inputs with a NUL byte are skipped).  Checks:
 *   - gf_faults_check and gf_faults_set agree (same status, same message);
 *     a spec that does not parse is InvalidInputException naming a column
 *     ("fault spec: column N: expected ..."), and leaves the rules
 *     installed before unchanged;
 *   - a spec that parses: its canonical spelling (gf_faults_spec) parses
 *     again, to the same canonical spelling; gf_faults_add of it onto other
 *     rules also succeeds and its result parses again;
 *   - unless it has a delay (which would really sleep), a fixed sequence of
 *     calls through a fake with those rules: every outcome is OK with a
 *     response or one of the seven API errors with a message (never a
 *     JSON-level error), the call log holds every call, and for each rule
 *     gf_faults_counts gives fired <= served.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_TARGET "fuzz_faultspec"
#include "common.h"

/* The rules installed before the fuzzed spec, "GetResourcePolicy=2*off->1*OperationTimeout"
 * (the operation named from the list); `extra` is appended after a ';'. */
static void initial_rules(char *out, size_t size, const char *extra)
{
  snprintf(out, size, "%s=2*off->1*OperationTimeout%s%s",
           gf_operation_name(GF_OP_GET_RESOURCE_POLICY), *extra ? ";" : "", extra);
}

static char *spec_of(gf_faults *faults)
{
  char *text = gf_faults_spec(faults);
  CHECK(text, "gf_faults_spec returned NULL");
  return text;
}

/* The outcome of one call through the fake. */
static void outcome(gf_status status, const void *response, gf_error *err, const char *what)
{
  /* Any error of the table a fault can inject, or Transport (reset and
   * truncate in-process); never the protocol's or Unknown, which only the
   * wire gives. */
  CHECK(status >= GF_OK && status < GF_STATUS_COUNT && status != GF_SERIALIZATION &&
            status != GF_UNKNOWN_OPERATION && status != GF_UNKNOWN,
        "%s: status %d (%s)", what, (int)status,
        gf_status_name(status) ? gf_status_name(status) : "?");
  if (status == GF_OK) {
    CHECK(response, "%s: OK without a response", what);
  } else {
    CHECK(!response, "%s: a response with %s", what, gf_status_name(status));
    CHECK(err->status == status, "%s: returned %s, err holds %s", what, gf_status_name(status),
          gf_status_name(err->status));
    CHECK(err->message, "%s: %s without a message", what,
          gf_status_name(status));
  }
  gf_error_clear(err);
}

#define CALL(fn, req, what)                                                                 \
  do {                                                                                      \
    gf_##fn##_response *resp_ = NULL;                                                       \
    gf_status st_ = gf_##fn(glue, req, &resp_, &err);                                       \
    outcome(st_, resp_, &err, what);                                                        \
    gf_##fn##_response_free(resp_);                                                         \
    calls++;                                                                                \
  } while (0)

/* A fixed scenario touching every operation, with names the member rules
 * of the seeds use. */
static void run_calls(gf_fake *fake)
{
  gf_backend *glue = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  size_t calls = 0;
  gf_encryption_configuration none = {NULL, 0, NULL, NULL, NULL};
  gf_create_security_configuration_request create_prod = {"prod", &none};
  gf_create_security_configuration_request create_dev = {"dev", &none};
  gf_get_security_configuration_request get_prod = {"prod"};
  gf_delete_security_configuration_request del_dev = {"dev"};
  gf_get_security_configurations_request list = {true, 1, NULL};
  gf_put_resource_policy_request put = {"{}", NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
  gf_get_resource_policy_request get_policy = {NULL};
  gf_delete_resource_policy_request del_policy = {NULL, NULL};
  gf_encryption_at_rest at_rest = {GF_MODE_DISABLED, NULL, NULL};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request put_settings = {"123456789012", &settings};
  gf_get_data_catalog_encryption_settings_request get_settings = {NULL};

  CALL(create_security_configuration, &create_prod, "create prod");
  CALL(create_security_configuration, &create_prod, "create prod again");
  CALL(create_security_configuration, &create_dev, "create dev");
  CALL(get_security_configuration, &get_prod, "get prod");
  CALL(get_security_configurations, &list, "list");
  CALL(get_security_configurations, NULL, "list all");
  CALL(delete_security_configuration, &del_dev, "delete dev");
  CALL(put_resource_policy, &put, "put policy");
  CALL(get_resource_policy, &get_policy, "get policy");
  CALL(get_resource_policy, NULL, "get policy again");
  CALL(delete_resource_policy, &del_policy, "delete policy");
  CALL(put_data_catalog_encryption_settings, &put_settings, "put settings");
  CALL(get_data_catalog_encryption_settings, &get_settings, "get settings");
  CALL(get_security_configuration, &get_prod, "get prod again");
  CALL(get_security_configuration, NULL, "get with no name");
  CHECK(gf_calls_count(gf_fake_calls(fake)) == calls, "the log holds %zu of %zu calls",
        gf_calls_count(gf_fake_calls(fake)), calls);
}

static void check_count(gf_faults *faults, const char *target)
{
  size_t served = 0, fired = 0;
  if (gf_faults_counts(faults, target, &served, &fired) == 0)
    CHECK(fired <= served, "rule %s: fired %zu > served %zu", target, fired, served);
}

/* fired <= served for every installed rule target we can name: "*", each
 * operation, and the member rules of the seeds. */
static void check_counts(gf_faults *faults)
{
  check_count(faults, "*");
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    check_count(faults, gf_operation_name((gf_operation)op));
  static const gf_operation member_ops[] = {GF_OP_CREATE_SECURITY_CONFIGURATION,
                                            GF_OP_GET_SECURITY_CONFIGURATION};
  for (size_t i = 0; i < sizeof member_ops / sizeof *member_ops; i++) {
    char target[96];
    snprintf(target, sizeof target, "%s[Name=prod]", gf_operation_name(member_ops[i]));
    check_count(faults, target);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (memchr(data, '\0', size))
    return 0;
  char *spec = malloc(size + 1);
  memcpy(spec, data, size);
  spec[size] = '\0';

  gf_error check_err = GF_ERROR_INIT, err = GF_ERROR_INIT;
  gf_status checked = gf_faults_check(spec, &check_err);

  gf_fake *fake = fuzz_fake_on_clock(NULL, 1);
  gf_faults *faults = gf_fake_faults(fake);
  char rules[128];
  initial_rules(rules, sizeof rules, "");
  CHECK(gf_faults_set(faults, rules, &err) == GF_OK, "initial rules: %s",
        gf_error_message(&err));
  char *initial = spec_of(faults);
  gf_status set = gf_faults_set(faults, spec, &err);
  CHECK(set == checked, "gf_faults_check says %s, gf_faults_set says %s",
        gf_status_name(checked), gf_status_name(set));

  if (set != GF_OK) {
    CHECK(set == GF_INVALID_INPUT, "a spec failed with %s: %s", gf_status_name(set),
          gf_error_message(&err));
    CHECK(err.message && check_err.message && strcmp(err.message, check_err.message) == 0,
          "check and set disagree: '%s' vs '%s'", gf_error_message(&check_err),
          gf_error_message(&err));
    CHECK(strncmp(err.message, "fault spec: column ", 19) == 0,
          "message does not name a column: %s", err.message);
    char *now = spec_of(faults);
    CHECK(strcmp(now, initial) == 0, "a failed set changed the rules: '%s' -> '%s'", initial,
          now);
    gf_buffer_free(now);
  } else {
    char *canonical = spec_of(faults);
    gf_error again = GF_ERROR_INIT;
    CHECK(gf_faults_check(canonical, &again) == GF_OK,
          "the canonical spelling of '%s' does not parse: '%s': %s", spec, canonical,
          gf_error_message(&again));
    gf_fake *other = fuzz_fake_on_clock(NULL, 1);
    CHECK(gf_faults_set(gf_fake_faults(other), canonical, &again) == GF_OK, "%s",
          gf_error_message(&again));
    char *canonical2 = spec_of(gf_fake_faults(other));
    CHECK(strcmp(canonical, canonical2) == 0,
          "canonical spelling is not stable: '%s' -> '%s' -> '%s'", spec, canonical, canonical2);

    /* add onto other rules: replaces same targets, keeps the rest */
    initial_rules(rules, sizeof rules, "*=off");
    CHECK(gf_faults_set(gf_fake_faults(other), rules, &again) == GF_OK, "%s",
          gf_error_message(&again));
    CHECK(gf_faults_add(gf_fake_faults(other), spec, &again) == GF_OK,
          "gf_faults_add refused a spec gf_faults_set took: %s", gf_error_message(&again));
    char *merged = spec_of(gf_fake_faults(other));
    CHECK(gf_faults_check(merged, &again) == GF_OK,
          "the spelling after gf_faults_add does not parse: '%s': %s", merged,
          gf_error_message(&again));
    gf_buffer_free(merged);
    gf_buffer_free(canonical2);
    gf_buffer_free(canonical);
    gf_error_clear(&again);
    gf_fake_free(other);

    if (!strstr(spec, "delay")) {
      run_calls(fake);
      check_counts(faults);
    }
  }

  gf_buffer_free(initial);
  gf_error_clear(&err);
  gf_error_clear(&check_err);
  gf_fake_free(fake);
  free(spec);
  return 0;
}
