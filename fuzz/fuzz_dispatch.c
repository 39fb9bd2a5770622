/*
 * fuzz_dispatch.c - libFuzzer target for the JSON level: gf_json_dispatch of
 * every operation on a fake holding a little state.
 *
 * Input: byte 0 picks the operation (low 4 bits: one of the ten, or a name
 * that is not one of them; bit 0x40: run the same request twice, so that
 * "already exists" and "deleted since" paths are reached too); the rest is
 * the request body.
 *
 * Each run uses a fresh fake (fixed clock, two configurations, a catalog
 * policy, catalog settings) and checks, after every call:
 *   - rc 0, a NUL-terminated body of body_len bytes that parses as a JSON
 *     object;
 *   - http_status is 200 / 500 / 400 exactly for OK / InternalService / the
 *     rest; error_type is NULL iff OK, else the status name, and the body is
 *     {"__type": error_type, "Message": "..."};
 *   - no InternalServiceException (no faults, no allocation failures here);
 *     an unknown operation is UnknownOperationException;
 *   - a success body reads back through gf_response_from_json;
 * and then, once per input:
 *   - the call log, written as a transcript, loads as a replay, and the same
 *     dispatches through the replay give byte-identical replies, consuming
 *     the whole transcript (record/replay fidelity);
 *   - a listing of the whole store (MaxResults 1, following NextToken)
 *     returns every configuration once, in creation order, each gettable;
 *   - the state dumps, the dump loads into a fresh fake and dumps to the
 *     same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define FUZZ_TARGET "fuzz_dispatch"
#include "common.h"

/* The operation of byte 0's low 4 bits: the ten in gf_operation order,
 * then names that are not one of them (made from the real ones) and NULL
 * for "no operation at all". */
_Static_assert(GF_OPERATION_COUNT == 10, "byte 0 of the seed corpus picks among ten operations");

static const char *operation_of(unsigned k)
{
  static char lowercase[64], trailing_space[64], prefixed[64];
  if (!lowercase[0]) {
    snprintf(lowercase, sizeof lowercase, "%s",
             gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION));
    lowercase[0] = (char)(lowercase[0] - 'A' + 'a'); /* names are case-sensitive */
    snprintf(trailing_space, sizeof trailing_space, "%s ",
             gf_operation_name(GF_OP_CREATE_SECURITY_CONFIGURATION));
    snprintf(prefixed, sizeof prefixed, "AWSGlue.%s",
             gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION));
  }
  if (k < GF_OPERATION_COUNT)
    return gf_operation_name((gf_operation)k);
  switch (k) {
  case 10:
    return lowercase;
  case 11:
    return "ListThings";
  case 12:
    return "";
  case 13:
    return NULL;
  case 14:
    return trailing_space;
  default:
    return prefixed;
  }
}

/* Two configurations, a catalog policy, catalog settings. */
static void preload(gf_fake *fake)
{
  gf_backend *glue = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  gf_s3_encryption s3 = {GF_MODE_SSE_KMS, "arn:aws:kms:us-east-1:123456789012:key/etl"};
  gf_cloud_watch_encryption cw = {GF_MODE_DISABLED, NULL};
  gf_encryption_configuration kms = {&s3, 1, &cw, NULL, NULL};
  gf_encryption_configuration none = {NULL, 0, NULL, NULL, NULL};
  gf_create_security_configuration_request a = {"etl-kms", &kms};
  gf_create_security_configuration_request b = {"scratch", &none};
  CHECK(gf_create_security_configuration(glue, &a, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  CHECK(gf_create_security_configuration(glue, &b, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  gf_put_resource_policy_request policy = {
      "{\"Version\":\"2012-10-17\",\"Statement\":[]}", NULL, NULL, NULL, NULL};
  CHECK(gf_put_resource_policy(glue, &policy, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
  gf_connection_password_encryption password = {true, "alias/pw", true};
  gf_data_catalog_encryption_settings settings = {&at_rest, &password};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &settings};
  CHECK(gf_put_data_catalog_encryption_settings(glue, &put, NULL, &err) == GF_OK, "%s",
        gf_error_message(&err));
  gf_error_clear(&err);
  gf_calls_clear(gf_fake_calls(fake)); /* the log holds the fuzzed calls only */
}

/* The invariants of one reply. */
static void check_reply(const char *operation, int rc, const gf_json_reply *reply)
{
  CHECK(rc == 0, "gf_json_dispatch returned %d", rc);
  CHECK(reply->body, "rc 0 without a body");
  CHECK(strlen(reply->body) == reply->body_len, "body_len %zu, strlen %zu", reply->body_len,
        strlen(reply->body));
  CHECK(reply->status >= GF_OK && reply->status < GF_STATUS_COUNT, "status %d",
        (int)reply->status);
  int expected_http = reply->status == GF_OK                 ? 200
                      : reply->status == GF_INTERNAL_SERVICE ? 500
                                                             : 400;
  CHECK(reply->http_status == expected_http, "status %s with http %d",
        gf_status_name(reply->status), reply->http_status);
  CHECK(reply->status != GF_INTERNAL_SERVICE, "InternalServiceException: %s", reply->body);
  gf_operation op;
  int known = gf_operation_from_name(operation, &op) == 0;
  if (!known)
    CHECK(reply->status == GF_UNKNOWN_OPERATION, "unknown operation '%s' got %s",
          operation ? operation : "(null)", gf_status_name(reply->status));

  cJSON *json = cJSON_ParseWithOpts(reply->body, NULL, 1);
  CHECK(json, "reply body is not JSON: %s", reply->body);
  CHECK(cJSON_IsObject(json), "reply body is not an object: %s", reply->body);
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(json, "__type");
  const cJSON *message = cJSON_GetObjectItemCaseSensitive(json, "Message");
  if (reply->status == GF_OK) {
    CHECK(reply->error_type == NULL, "OK with error_type %s", reply->error_type);
    CHECK(!type, "OK reply with __type: %s", reply->body);
    void *typed = NULL;
    gf_error err = GF_ERROR_INIT;
    CHECK(gf_response_from_json(op, json, &typed, &err) == GF_OK,
          "a success body does not read back (%s): %s", gf_error_message(&err), reply->body);
    gf_response_free(op, typed);
    gf_error_clear(&err);
  } else {
    CHECK(reply->error_type, "error without error_type");
    CHECK(strcmp(reply->error_type, gf_status_name(reply->status)) == 0,
          "error_type %s for status %s", reply->error_type, gf_status_name(reply->status));
    CHECK(cJSON_IsString(type) && strcmp(type->valuestring, reply->error_type) == 0,
          "__type does not match error_type %s: %s", reply->error_type, reply->body);
    CHECK(cJSON_IsString(message), "error body without a Message: %s", reply->body);
  }
  cJSON_Delete(json);
}

/* Every configuration once, in creation order, each gettable. */
static void check_listing(gf_fake *fake)
{
  gf_backend *glue = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  size_t expected = gf_fake_security_configuration_count(fake), seen = 0;
  double last_created = -1;
  char *token = NULL;
  for (;;) {
    gf_get_security_configurations_request req = {true, 1, token};
    gf_get_security_configurations_response *page = NULL;
    gf_status status = gf_get_security_configurations(glue, &req, &page, &err);
    CHECK(status == GF_OK, "listing failed: %s", gf_error_message(&err));
    CHECK(page->security_configurations_count <= 1, "page of %zu with MaxResults 1",
          page->security_configurations_count);
    for (size_t i = 0; i < page->security_configurations_count; i++) {
      const gf_security_configuration *c = &page->security_configurations[i];
      CHECK(c->name && c->has_created_time_stamp, "listed configuration without a name");
      /* the fixed clock steps by 1 per create: creation order is time order */
      CHECK(c->created_time_stamp > last_created, "listing out of creation order at %s",
            c->name);
      last_created = c->created_time_stamp;
      gf_get_security_configuration_request get = {c->name};
      CHECK(gf_get_security_configuration(glue, &get, NULL, &err) == GF_OK,
            "listed '%s' but cannot get it: %s", c->name, gf_error_message(&err));
      seen++;
    }
    free(token);
    token = page->next_token ? strdup(page->next_token) : NULL;
    int empty = page->security_configurations_count == 0;
    gf_get_security_configurations_response_free(page);
    if (!token)
      break;
    CHECK(!empty, "an empty page with a NextToken");
    CHECK(seen <= expected, "listing returned more than the %zu stored", expected);
  }
  CHECK(seen == expected, "listing returned %zu of %zu configurations", seen, expected);
  gf_error_clear(&err);
}

/* dump -> load into a fresh fake -> dump gives the same bytes. */
static void check_dump(gf_fake *fake)
{
  char *d1 = gf_fake_dump(fake);
  CHECK(d1, "gf_fake_dump returned NULL");
  gf_fake *other = fuzz_fake_on_clock(NULL, 1);
  gf_error err = GF_ERROR_INIT;
  CHECK(gf_fake_load(other, d1, strlen(d1), "dump", &err) == GF_OK,
        "the dump does not load: %s\n%s", gf_error_message(&err), d1);
  char *d2 = gf_fake_dump(other);
  CHECK(d2 && strcmp(d1, d2) == 0, "dump -> load -> dump differs:\n%s\n---\n%s", d1,
        d2 ? d2 : "(null)");
  gf_buffer_free(d1);
  gf_buffer_free(d2);
  gf_error_clear(&err);
  gf_fake_free(other);
}

/* The log as a transcript replays the same dispatches byte for byte. */
static void check_replay(gf_fake *fake, const char *operation, const char *body,
                         size_t body_len, int runs, gf_json_reply *replies)
{
  char *text = gf_calls_transcript(gf_fake_calls(fake));
  CHECK(text, "gf_calls_transcript returned NULL");
  gf_error err = GF_ERROR_INIT;
  gf_replay *replay = gf_replay_new(text, strlen(text), "log", &err);
  CHECK(replay, "the call log does not load as a transcript: %s\n%s", gf_error_message(&err),
        text);
  for (int i = 0; i < runs; i++) {
    gf_json_reply again;
    int rc = gf_json_dispatch(gf_replay_backend(replay), operation, body, body_len, &again);
    CHECK(rc == 0 && again.body, "replayed dispatch failed");
    CHECK(again.status == replies[i].status && strcmp(again.body, replies[i].body) == 0,
          "replay differs from the recording at call %d:\n  recorded %s\n  replayed %s\n%s", i,
          replies[i].body, again.body, text);
    gf_json_reply_clear(&again);
  }
  CHECK(gf_replay_finish(replay, &err) == GF_OK, "replay not finished: %s",
        gf_error_message(&err));
  gf_replay_free(replay);
  gf_buffer_free(text);
  gf_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  const char *operation = operation_of(data[0] & 0x0fu);
  int runs = data[0] & 0x40 ? 2 : 1;
  const char *body = (const char *)data + 1;
  size_t body_len = size - 1;

  gf_fake *fake = fuzz_fake_on_clock(NULL, 1);
  preload(fake);

  gf_json_reply replies[2];
  for (int i = 0; i < runs; i++) {
    int rc = gf_json_dispatch(gf_fake_backend(fake), operation, body, body_len, &replies[i]);
    check_reply(operation, rc, &replies[i]);
  }
  check_replay(fake, operation, body, body_len, runs, replies);
  for (int i = 0; i < runs; i++)
    gf_json_reply_clear(&replies[i]);

  check_listing(fake);
  check_dump(fake);
  gf_fake_free(fake);
  return 0;
}
