/*
 * fuzz_transcript.c - libFuzzer target for transcripts: gf_replay_new on the
 * input, and when it loads, the replay served its own recorded calls, and
 * gf_transcript_verify.
 *
 * Checks:
 *   - a transcript that does not load is InvalidInputException with a
 *     message naming the source;
 *   - one that loads: making each recorded request, in order, through the
 *     replay backend gets the recorded outcome (success with a response, or
 *     the recorded error type and message); gf_replay_remaining() counts
 *     down to 0, gf_replay_finish() is OK, and one call more is refused
 *     (InternalService) and then reported by gf_replay_finish();
 *   - gf_transcript_verify() on it (no fixture; then with a fixed-clock
 *     fixture, the volatile members ignored and messages compared) returns
 *     OK, re-runs every call, and reports its mismatches as text (one line
 *     each, a recorded message with a line break aside) exactly when there
 *     are some.
 * Everything is freed each run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define FUZZ_TARGET "fuzz_transcript"
#include "common.h"

#define SOURCE "fuzz.json"

static const char fixture[] =
    "{\"account_id\": \"123456789012\", \"clock\": {\"now\": 1700000000, \"step\": 1},"
    " \"security_configurations\": [{\"Name\": \"a\", \"EncryptionConfiguration\": {}},"
    "  {\"Name\": \"b\", \"EncryptionConfiguration\": {\"S3Encryption\": [{\"S3EncryptionMode\": "
    "\"SSE-S3\"}]}}],"
    " \"resource_policies\": {\"arn:aws:glue:us-east-1:123456789012:catalog\":"
    "  {\"PolicyInJson\": \"{}\"}}}";

static size_t count_lines(const char *text)
{
  size_t n = 0;
  for (; text && *text; text++)
    n += *text == '\n';
  return n;
}

static void verify(const uint8_t *data, size_t size, size_t entries, int with_fixture)
{
  static const char *const volatile_members[] = {GF_VERIFY_VOLATILE};
  gf_verify_options options = GF_VERIFY_OPTIONS_INIT;
  if (with_fixture) {
    options.fixture = fixture;
    options.fixture_len = strlen(fixture);
    options.fixture_source = "fixture.json";
    options.ignore = volatile_members;
    options.ignore_count = sizeof volatile_members / sizeof *volatile_members;
    options.compare_messages = 1;
  }
  gf_verify_report report;
  gf_error err = GF_ERROR_INIT;
  gf_status status = gf_transcript_verify((const char *)data, size, SOURCE,
                                          with_fixture ? &options : NULL, &report, &err);
  CHECK(status == GF_OK, "a transcript that loads as a replay does not verify: %s",
        gf_error_message(&err));
  CHECK(report.calls == entries, "verify re-ran %zu of %zu calls", report.calls, entries);
  CHECK(report.mismatches <= report.calls, "%zu mismatches in %zu calls", report.mismatches,
        report.calls);
  /* One line per mismatch - at least: a recorded message may itself hold
   * a line break, which the report copies as it is. */
  CHECK(!report.mismatches == !report.text, "%zu mismatches, text %s", report.mismatches,
        report.text ? "present" : "absent");
  CHECK(count_lines(report.text) >= report.mismatches, "%zu mismatches but %zu lines:\n%s",
        report.mismatches, count_lines(report.text), report.text ? report.text : "");
  CHECK(!report.text || report.text[strlen(report.text) - 1] == '\n',
        "the report does not end with a line break");
  gf_verify_report_clear(&report);
  gf_error_clear(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  gf_error err = GF_ERROR_INIT;
  gf_replay *replay = gf_replay_new((const char *)data, size, SOURCE, &err);
  if (!replay) {
    CHECK(err.status == GF_INVALID_INPUT, "gf_replay_new failed with %s: %s",
          gf_status_name(err.status), gf_error_message(&err));
    CHECK(err.message && strncmp(err.message, SOURCE, strlen(SOURCE)) == 0,
          "message does not name the source: %s", gf_error_message(&err));
    gf_error_clear(&err);
    /* verify reads the same way */
    gf_verify_report report;
    CHECK(gf_transcript_verify((const char *)data, size, SOURCE, NULL, &report, &err) ==
              GF_INVALID_INPUT,
          "verify accepted a transcript the replay refused");
    CHECK(report.calls == 0 && report.text == NULL, "a failed verify left a report");
    gf_error_clear(&err);
    return 0;
  }

  /* It loaded, so it is a JSON object {"transcript": [...]} whose entries
   * all have a known operation and a request the codec reads. */
  cJSON *root = cJSON_ParseWithLength((const char *)data, size);
  CHECK(root, "the replay loaded a text cJSON cannot parse");
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "transcript");
  CHECK(cJSON_IsArray(list), "the replay loaded a text without a transcript array");
  size_t entries = (size_t)cJSON_GetArraySize(list);
  CHECK(gf_replay_remaining(replay) == entries, "remaining %zu, entries %zu",
        gf_replay_remaining(replay), entries);

  gf_backend *backend = gf_replay_backend(replay);
  size_t index = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "operation");
    const cJSON *request = cJSON_GetObjectItemCaseSensitive(item, "request");
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(item, "error");
    gf_operation op;
    CHECK(cJSON_IsString(name) && gf_operation_from_name(name->valuestring, &op) == 0,
          "entry %zu loaded without a known operation", index);
    void *typed = NULL, *response = NULL;
    CHECK(gf_request_from_json(op, request, &typed, &err) == GF_OK,
          "entry %zu loaded but its request does not decode: %s", index,
          gf_error_message(&err));
    gf_status status = gf_call(backend, op, typed, &response, &err);
    gf_request_free(op, typed);
    if (error) {
      gf_error recorded = GF_ERROR_INIT;
      CHECK(gf_error_from_json(error, &recorded) == 0, "entry %zu: error does not read",
            index);
      CHECK(status == recorded.status, "entry %zu: recorded %s, replay gave %s (%s)", index,
            gf_status_name(recorded.status), gf_status_name(status), gf_error_message(&err));
      CHECK(strcmp(gf_error_message(&err), gf_error_message(&recorded)) == 0,
            "entry %zu: recorded message '%s', replay gave '%s'", index,
            gf_error_message(&recorded), gf_error_message(&err));
      CHECK(!response, "entry %zu: a response with an error", index);
      gf_error_clear(&recorded);
    } else {
      CHECK(status == GF_OK, "entry %zu: recorded success, replay gave %s: %s", index,
            gf_status_name(status), gf_error_message(&err));
      CHECK(response, "entry %zu: success without a response", index);
      /* the response encodes */
      cJSON *encoded = gf_response_to_json(op, response);
      CHECK(encoded, "entry %zu: the replayed response does not encode", index);
      cJSON_Delete(encoded);
    }
    gf_response_free(op, response);
    gf_error_clear(&err);
    index++;
    CHECK(gf_replay_remaining(replay) == entries - index, "remaining %zu after %zu of %zu",
          gf_replay_remaining(replay), index, entries);
  }
  CHECK(gf_replay_finish(replay, &err) == GF_OK, "replaying the transcript's own calls: %s",
        gf_error_message(&err));

  /* one call past the end */
  void *response = NULL;
  CHECK(gf_call(backend, GF_OP_GET_SECURITY_CONFIGURATIONS, NULL, &response, &err) ==
            GF_INTERNAL_SERVICE,
        "a call past the end was not refused");
  CHECK(!response, "a refused call returned a response");
  gf_error_clear(&err);
  CHECK(gf_replay_finish(replay, &err) == GF_INTERNAL_SERVICE,
        "gf_replay_finish did not report the call past the end");
  gf_error_clear(&err);
  cJSON_Delete(root);
  gf_replay_free(replay);

  verify(data, size, entries, 0);
  verify(data, size, entries, 1);
  return 0;
}
