/*
 * test_wire_faults.c - the faults that act on the HTTP answer, through a
 * server: reset (no answer, nothing done), applied(reset) (done, no answer),
 * truncate (done, half an answer), http(STATUS) (a load balancer's page),
 * and the errors clients retry on, with their HTTP statuses.
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
#include "helpers.h"

typedef server_fx fx;

static int setup(void **state) { return server_fx_start(state, NULL); }
static int teardown(void **state) { return server_fx_teardown(state); }

static int create(fx *f, const char *name, char *reply, size_t size)
{
  const http_header headers[] = {{"X-Amz-Target", "AWSGlue.CreateSecurityConfiguration"}};
  char body[128];
  snprintf(body, sizeof body, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}", name);
  return http_once(f->port, "/", headers, 1, body, reply, size);
}

static void test_reset_truncate_http(void **state)
{
  fx *f = *state;
  char reply[1024];
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake),
                             "CreateSecurityConfiguration=1*reset->1*applied(reset)->1*truncate"
                             "->1*http(502)->1*http(503)",
                             &err),
               &err);
  /* reset: no answer, nothing created */
  assert_int_equal(create(f, "a", reply, sizeof reply), 0);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  /* applied(reset): created, no answer */
  assert_int_equal(create(f, "b", reply, sizeof reply), 0);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
  /* truncate: created, the answer's headers and half of its body */
  assert_int_equal(create(f, "c", reply, sizeof reply), -1);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  assert_true(strncmp(reply, "{\"Name\":\"c\"", strlen(reply) < 11 ? strlen(reply) : 11) == 0);
  assert_true(strlen(reply) > 0 && strchr(reply, '}') == NULL);
  /* http(STATUS): a load balancer's page, nothing created */
  assert_int_equal(create(f, "d", reply, sizeof reply), 502);
  assert_contains(reply, "<h1>502</h1>");
  assert_null(strstr(reply, "__type"));
  assert_int_equal(create(f, "e", reply, sizeof reply), 503);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  /* the chain is used up */
  assert_int_equal(create(f, "f", reply, sizeof reply), 200);

  /* What the call log holds: what each call did in the fake. */
  gf_call_record r;
  assert_int_equal(gf_calls_get(gf_fake_calls(f->fake), 0, &r), 0);
  assert_int_equal(r.status, GF_TRANSPORT);
  assert_int_equal(gf_calls_get(gf_fake_calls(f->fake), 1, &r), 0);
  assert_int_equal(r.status, GF_TRANSPORT);
  assert_int_equal(gf_calls_get(gf_fake_calls(f->fake), 2, &r), 0);
  assert_int_equal(r.status, GF_OK); /* truncated on the wire only */
  assert_int_equal(gf_calls_get(gf_fake_calls(f->fake), 3, &r), 0);
  assert_int_equal(r.status, GF_SERVICE_UNAVAILABLE);
}

/* The errors clients retry on, as AWS sends them. */
static void test_retryable_errors_on_the_wire(void **state)
{
  fx *f = *state;
  char reply[1024];
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(gf_faults_set(gf_fake_faults(f->fake),
                             "CreateSecurityConfiguration=1*Throttling->1*ServiceUnavailable"
                             "->1*AccessDenied->1*MissingAuthenticationToken",
                             &err),
               &err);
  assert_int_equal(create(f, "a", reply, sizeof reply), 400);
  assert_error_body(reply, "ThrottlingException",
                    "ThrottlingException injected by gluefake (fault rule "
                    "CreateSecurityConfiguration)");
  assert_int_equal(create(f, "a", reply, sizeof reply), 503);
  assert_contains(reply, "\"__type\":\"ServiceUnavailableException\"");
  assert_int_equal(create(f, "a", reply, sizeof reply), 400);
  assert_contains(reply, "\"__type\":\"AccessDeniedException\"");
  assert_int_equal(create(f, "a", reply, sizeof reply), 403);
  assert_contains(reply, "\"__type\":\"MissingAuthenticationTokenException\"");
  assert_int_equal(create(f, "a", reply, sizeof reply), 200);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_reset_truncate_http, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retryable_errors_on_the_wire, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
