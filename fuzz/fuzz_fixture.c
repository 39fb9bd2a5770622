/*
 * fuzz_fixture.c - libFuzzer target for fixtures: gf_fake_load of the input
 * into a fake that already holds some state.
 *
 * Each run uses a fresh fake (account 111122223333, fixed clock, a limit,
 * three configurations one of them deleted, catalog settings for two
 * catalogs, two resource policies, a fault rule) and checks:
 *   - on error: the status is InvalidInputException (never InternalService:
 *     nothing runs out of memory here), the message names the source, and
 *     the dump is byte-identical to the dump before the load (all or
 *     nothing); the fault rules are unchanged too;
 *   - on success: dump -> load into a fresh fake -> dump gives identical
 *     bytes (the documented round trip), loading the dump again into the
 *     same fake changes nothing, and a listing of the store (fault rules
 *     cleared) returns gf_fake_security_configuration_count() items in
 *     creation order, each gettable by name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_TARGET "fuzz_fixture"
#include "common.h"

#define SOURCE "fuzz.json"

static void populate(gf_fake *fake)
{
  gf_backend *glue = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  CHECK(gf_fake_set_clock(fake, FUZZ_T0, 0.5, &err) == GF_OK, "set_clock");
  gf_s3_encryption s3[2] = {{GF_MODE_SSE_KMS, "arn:aws:kms:us-east-1:111122223333:key/a"},
                            {GF_MODE_SSE_S3, NULL}};
  gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, "arn:aws:kms:us-east-1:111122223333:key/j"};
  gf_encryption_configuration full = {s3, 2, NULL, &jb, NULL};
  gf_encryption_configuration empty_list = {s3, 0, NULL, NULL, NULL};
  gf_create_security_configuration_request creates[3] = {
      {"first", &full}, {"second", &empty_list}, {"third", &full}};
  for (int i = 0; i < 3; i++)
    CHECK(gf_create_security_configuration(glue, &creates[i], NULL, &err) == GF_OK, "%s",
          gf_error_message(&err));
  gf_delete_security_configuration_request del = {"second"};
  CHECK(gf_delete_security_configuration(glue, &del, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
  gf_connection_password_encryption password = {false, NULL, true};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_data_catalog_encryption_settings settings2 = {NULL, &password};
  gf_put_data_catalog_encryption_settings_request put1 = {NULL, &settings};
  gf_put_data_catalog_encryption_settings_request put2 = {"999999999999", &settings2};
  CHECK(gf_put_data_catalog_encryption_settings(glue, &put1, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  CHECK(gf_put_data_catalog_encryption_settings(glue, &put2, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  gf_put_resource_policy_request p1 = {"{\"Statement\":[]}", NULL, NULL, NULL, NULL};
  gf_put_resource_policy_request p2 = {"[1,2]", NULL, NULL,
                                       "arn:aws:glue:us-east-1:111122223333:database/db", NULL};
  CHECK(gf_put_resource_policy(glue, &p1, NULL, &err) == GF_OK, "%s", gf_error_message(&err));
  CHECK(gf_put_resource_policy(glue, &p2, NULL, &err) == GF_OK, "%s", gf_error_message(&err));
  gf_fake_set_security_configuration_limit(fake, 10);
  char rules[96];
  snprintf(rules, sizeof rules, "%s=2*off->OperationTimeout",
           gf_operation_name(GF_OP_GET_RESOURCE_POLICY));
  CHECK(gf_faults_set(gf_fake_faults(fake), rules, &err) == GF_OK, "%s", gf_error_message(&err));
  gf_error_clear(&err);
}

/* Every configuration once, in listing order, each gettable. */
static void check_listing(gf_fake *fake)
{
  gf_faults_clear(gf_fake_faults(fake)); /* the fixture may have installed any */
  gf_backend *glue = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  size_t expected = gf_fake_security_configuration_count(fake), seen = 0;
  char *token = NULL;
  do {
    gf_get_security_configurations_request req = {true, 7, token};
    gf_get_security_configurations_response *page = NULL;
    CHECK(gf_get_security_configurations(glue, &req, &page, &err) == GF_OK, "listing: %s",
          gf_error_message(&err));
    for (size_t i = 0; i < page->security_configurations_count; i++) {
      const char *name = page->security_configurations[i].name;
      CHECK(name, "a listed configuration without a name");
      gf_get_security_configuration_request get = {name};
      CHECK(gf_get_security_configuration(glue, &get, NULL, &err) == GF_OK,
            "listed '%s' but cannot get it: %s", name, gf_error_message(&err));
    }
    seen += page->security_configurations_count;
    CHECK(seen <= expected, "listing returned more than the %zu stored", expected);
    free(token);
    token = page->next_token ? strdup(page->next_token) : NULL;
    gf_get_security_configurations_response_free(page);
  } while (token);
  CHECK(seen == expected, "listing returned %zu of %zu", seen, expected);
  gf_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  gf_fake *fake = fuzz_fake_new("111122223333");
  populate(fake);
  char *before = gf_fake_dump(fake);
  char *faults_before = gf_faults_spec(gf_fake_faults(fake));
  CHECK(before && faults_before, "dump/spec returned NULL");

  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_fake_load(fake, (const char *)data, size, SOURCE, &err);
  if (status != GF_OK) {
    CHECK(status == GF_INVALID_INPUT, "load failed with %s: %s", gf_status_name(status),
          gf_error_message(&err));
    CHECK(err.status == status && err.message, "err does not hold the failure");
    CHECK(strncmp(err.message, SOURCE ":", strlen(SOURCE) + 1) == 0,
          "message does not name the source: %s", err.message);
    char *after = gf_fake_dump(fake);
    char *faults_after = gf_faults_spec(gf_fake_faults(fake));
    CHECK(after && strcmp(before, after) == 0,
          "a failed load (%s) changed the state:\n%s\n---\n%s", err.message, before,
          after ? after : "(null)");
    CHECK(faults_after && strcmp(faults_before, faults_after) == 0,
          "a failed load (%s) changed the fault rules: '%s' -> '%s'", err.message,
          faults_before, faults_after ? faults_after : "(null)");
    gf_buffer_free(after);
    gf_buffer_free(faults_after);
  } else {
    char *d1 = gf_fake_dump(fake);
    CHECK(d1, "dump after a load returned NULL");
    gf_fake *other = fuzz_fake_new(NULL);
    CHECK(gf_fake_load(other, d1, strlen(d1), "dump.json", &err) == GF_OK,
          "the dump of a loaded fixture does not load: %s\n%s", gf_error_message(&err), d1);
    char *d2 = gf_fake_dump(other);
    CHECK(d2 && strcmp(d1, d2) == 0, "dump -> load -> dump differs:\n%s\n---\n%s", d1,
          d2 ? d2 : "(null)");
    CHECK(gf_fake_load(fake, d1, strlen(d1), "dump.json", &err) == GF_OK,
          "reloading the dump into the same fake failed: %s", gf_error_message(&err));
    char *d3 = gf_fake_dump(fake);
    CHECK(d3 && strcmp(d1, d3) == 0, "reloading the dump changed the state:\n%s\n---\n%s", d1,
          d3 ? d3 : "(null)");
    check_listing(fake);
    check_listing(other);
    gf_buffer_free(d1);
    gf_buffer_free(d2);
    gf_buffer_free(d3);
    gf_fake_free(other);
  }
  gf_error_clear(&err);
  gf_buffer_free(before);
  gf_buffer_free(faults_before);
  gf_fake_free(fake);
  return 0;
}
