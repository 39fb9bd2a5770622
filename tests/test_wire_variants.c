/*
 * test_wire_variants.c - `serve --wire-variants`: error answers cycling
 * through the four dialects AWS services send, timestamps alternating with
 * Java's E-notation, and the fake's own codec reading every one of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gluefake/cmocka.h"
#include "gluefake/json.h"
#include "helpers.h"

typedef server_fx fx;

static int setup(void **state)
{
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.wire_variants = 1;
  return server_fx_start(state, &options);
}

static int teardown(void **state) { return server_fx_teardown(state); }

/* One API call: the whole answer, to free(). */
static char *call(fx *f, const char *operation, const char *body)
{
  char target[128];
  snprintf(target, sizeof target, "AWSGlue.%s", operation);
  const http_header headers[] = {{"X-Amz-Target", target},
                                 {"Content-Type", "application/x-amz-json-1.1"}};
  return http_answer(f->port, "/", headers, 2, body);
}

/* The value of header `name` in `response` (case as the server writes it),
 * into `value`. */
static void header_value(const char *response, const char *name, char *value, size_t size)
{
  char line[128];
  snprintf(line, sizeof line, "\r\n%s: ", name);
  const char *at = strstr(response, line);
  assert_non_null(at);
  at += strlen(line);
  snprintf(value, size, "%.*s", (int)strcspn(at, "\r"), at);
}

static const char *body_of(const char *response)
{
  const char *body = strstr(response, "\r\n\r\n");
  assert_non_null(body);
  return body + 4;
}

/* The n-th error answer has variant n mod 4, and the codec reads each back
 * to the same error. */
static void test_errors_cycle_through_four_dialects(void **state)
{
  fx *f = *state;
  static const char *const bodies[4] = {
      "{\"__type\":\"EntityNotFoundException\",\"Message\":\"Security configuration 'zz' not found\"}",
      ("{\"__type\":\"com.amazonaws.glue#EntityNotFoundException\",\"Message\":\"Security "
       "configuration 'zz' not found\"}"),
      "{\"__type\":\"EntityNotFoundException\",\"Message\":\"Security configuration 'zz' not found\"}",
      "{\"__type\":\"EntityNotFoundException\",\"message\":\"Security configuration 'zz' not found\"}",
  };
  static const char *const headers[4] = {
      "EntityNotFoundException", "EntityNotFoundException",
      "EntityNotFoundException:http://internal.amazon.com/coral/com.amazonaws.glue/",
      "EntityNotFoundException"};
  for (int n = 0; n < 8; n++) {
    char *response = call(f, "GetSecurityConfiguration", "{\"Name\":\"zz\"}");
    assert_true(strncmp(response, "HTTP/1.1 400", 12) == 0);
    assert_string_equal(body_of(response), bodies[n % 4]);
    char type[200];
    header_value(response, "x-amzn-ErrorType", type, sizeof type);
    assert_string_equal(type, headers[n % 4]);

    cJSON *json = cJSON_Parse(body_of(response));
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(gf_error_from_json(json, &err), 0);
    assert_int_equal(err.status, GF_ENTITY_NOT_FOUND);
    assert_string_equal(err.aws_name, "EntityNotFoundException");
    assert_string_equal(gf_error_message(&err), "Security configuration 'zz' not found");
    gf_error_clear(&err);
    cJSON_Delete(json);
    free(response);
  }
}

/* The protocol's own errors take their turn too: an unknown operation and
 * a body that is not JSON. */
static void test_protocol_errors_take_their_turn(void **state)
{
  fx *f = *state;
  char *response = call(f, "NoSuchOperation", "{}"); /* variant 0 */
  assert_contains(body_of(response), "\"__type\":\"UnknownOperationException\"");
  free(response);
  response = call(f, "GetSecurityConfiguration", "not json"); /* variant 1 */
  assert_contains(body_of(response), "\"__type\":\"com.amazonaws.glue#SerializationException\"");
  free(response);
  response = call(f, "NoSuchOperation", "{}"); /* variant 2 */
  char type[200];
  header_value(response, "x-amzn-ErrorType", type, sizeof type);
  assert_string_equal(type,
                      "UnknownOperationException:http://internal.amazon.com/coral/com.amazonaws.glue/");
  free(response);
}

/* The n-th successful answer writes its timestamps in E-notation when n is
 * odd; both read back to the same instant. */
static void test_timestamps_alternate_with_e_notation(void **state)
{
  fx *f = *state;
  char *created = call(f, "CreateSecurityConfiguration",
                       "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}"); /* 0: plain */
  assert_null(strstr(body_of(created), "E9"));
  cJSON *json = cJSON_Parse(body_of(created));
  const cJSON *plain = cJSON_GetObjectItemCaseSensitive(json, "CreatedTimestamp");
  assert_true(cJSON_IsNumber(plain));
  double when = plain->valuedouble;
  cJSON_Delete(json);
  free(created);

  for (int n = 1; n <= 4; n++) {
    char *response = call(f, "GetSecurityConfigurations", "{}");
    const char *body = body_of(response);
    const char *stamp = strstr(body, "\"CreatedTimeStamp\":");
    assert_non_null(stamp);
    stamp += strlen("\"CreatedTimeStamp\":");
    if (n % 2 == 1) {
      /* "1.796563058664E9": one digit, a point, the digits, E, the exponent */
      assert_true(stamp[0] >= '1' && stamp[0] <= '9' && stamp[1] == '.');
      assert_non_null(strstr(stamp, "E9"));
    } else {
      size_t len = strcspn(stamp, ",}");
      assert_true(len > 0 && memchr(stamp, 'E', len) == NULL && memchr(stamp, 'e', len) == NULL);
    }
    json = cJSON_Parse(body);
    void *out = NULL;
    gf_error err = GF_ERROR_INIT;
    assert_gf_ok(gf_response_from_json(GF_OP_GET_SECURITY_CONFIGURATIONS, json, &out, &err),
                 &err);
    const gf_get_security_configurations_response *all = out;
    assert_int_equal(all->security_configurations_count, 1);
    assert_true(all->security_configurations[0].has_created_time_stamp);
    assert_true(all->security_configurations[0].created_time_stamp == when);
    gf_response_free(GF_OP_GET_SECURITY_CONFIGURATIONS, out);
    cJSON_Delete(json);
    free(response);
  }
}

/* Without the option, every error is variant 0 and every timestamp plain. */
static void test_without_the_option_one_dialect(void **state)
{
  (void)state;
  gf_fake *fake = test_fake_new(NULL, NULL);
  gf_server *server = gf_server_start(fake, "127.0.0.1", 0, NULL);
  assert_non_null(server);
  fx plain = {fake, server, gf_server_port(server)};
  free(call(&plain, "CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}"));
  for (int n = 0; n < 4; n++) {
    char *response = call(&plain, "GetSecurityConfiguration", "{\"Name\":\"zz\"}");
    assert_contains(body_of(response), "{\"__type\":\"EntityNotFoundException\",\"Message\":");
    free(response);
    response = call(&plain, "GetSecurityConfiguration", "{\"Name\":\"a\"}");
    assert_null(strstr(body_of(response), "E9"));
    free(response);
  }
  gf_server_stop(server);
  gf_fake_free(fake);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_errors_cycle_through_four_dialects, setup, teardown),
      cmocka_unit_test_setup_teardown(test_protocol_errors_take_their_turn, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timestamps_alternate_with_e_notation, setup, teardown),
      cmocka_unit_test(test_without_the_option_one_dialect),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
