/*
 * test_auth.c - signatures checked as AWS checks them: the credentials
 * file's reader, every refusal of gfi_auth_check in its order and words,
 * and a server under GF_AUTH_SIGV4 (a refused request never reaches the
 * call log; the control plane is never checked).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "gluefake/cmocka.h"
#include "helpers.h"
#include "server/auth.h"

static const char creds_text[] =
    "{\"credentials\": ["
    "{\"access_key_id\": \"AKIDPLAIN\", \"secret_access_key\": \"plain-secret\"},"
    "{\"access_key_id\": \"AKIDTOKEN\", \"secret_access_key\": \"token-secret\","
    " \"account_id\": \"111122223333\", \"session_token\": \"the-token\"},"
    "{\"access_key_id\": \"AKIDOLD\", \"secret_access_key\": \"old-secret\", \"expires\": 1000}"
    "]}";

static gfi_credentials load(void)
{
  gfi_credentials creds;
  gf_error err = GF_ERROR_INIT;
  assert_gf_ok(gfi_credentials_parse(creds_text, sizeof creds_text - 1, "creds.json", &creds,
                                     &err),
               &err);
  return creds;
}

/* ---- the credentials file --------------------------------------------------- */

static void test_credentials_read(void **state)
{
  (void)state;
  gfi_credentials creds = load();
  assert_int_equal(creds.count, 3);
  const gfi_credential *token = gfi_credentials_find(&creds, "AKIDTOKEN");
  assert_non_null(token);
  assert_string_equal(token->secret_access_key, "token-secret");
  assert_string_equal(token->account_id, "111122223333");
  assert_string_equal(token->session_token, "the-token");
  assert_false(token->has_expires);
  const gfi_credential *plain = gfi_credentials_find(&creds, "AKIDPLAIN");
  assert_string_equal(plain->account_id, "");
  assert_null(plain->session_token);
  const gfi_credential *old = gfi_credentials_find(&creds, "AKIDOLD");
  assert_true(old->has_expires);
  assert_true(old->expires == 1000);
  assert_null(gfi_credentials_find(&creds, "AKIDNONE"));
  assert_null(gfi_credentials_find(&creds, NULL));
  gfi_credentials_clear(&creds);
}

static void test_credentials_refused(void **state)
{
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
      {"{\"credentials\": [", "c.json:1:17: JSON syntax error"},
      {"[]", "c.json: must be an object {\"credentials\": [{\"access_key_id\": ..., "
             "\"secret_access_key\": ...}, ...]}"},
      {"{\"credentials\": {}}", "c.json: must be an object {\"credentials\": "
                                "[{\"access_key_id\": ..., \"secret_access_key\": ...}, ...]}"},
      {"{\"credentials\": [7]}", "c.json: credentials[0]: must be an object"},
      {"{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\", "
       "\"region\": \"x\"}]}",
       "c.json: credentials[0].region: unknown key (expected access_key_id, secret_access_key, "
       "account_id, session_token, expires)"},
      {"{\"credentials\": [{\"access_key_id\": \"A\"}]}",
       "c.json: credentials[0].secret_access_key: must be a non-empty string"},
      {"{\"credentials\": [{\"access_key_id\": \"\", \"secret_access_key\": \"s\"}]}",
       "c.json: credentials[0].access_key_id: must be a non-empty string"},
      {"{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\"},"
       "{\"access_key_id\": \"A\", \"secret_access_key\": \"t\"}]}",
       "c.json: credentials[1].access_key_id: duplicate access key 'A'"},
      {"{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\", "
       "\"account_id\": \"12\"}]}",
       "c.json: credentials[0].account_id: must be a string of 12 digits"},
      {"{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\", "
       "\"session_token\": 5}]}",
       "c.json: credentials[0].session_token: must be a non-empty string if given"},
      {"{\"credentials\": [{\"access_key_id\": \"A\", \"secret_access_key\": \"s\", "
       "\"expires\": \"soon\"}]}",
       "c.json: credentials[0].expires: must be a number of seconds since the epoch"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    gfi_credentials creds;
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(gfi_credentials_parse(cases[i].text, strlen(cases[i].text), "c.json",
                                           &creds, &err),
                     GF_INVALID_INPUT);
    assert_string_equal(gf_error_message(&err), cases[i].message);
    assert_int_equal(creds.count, 0);
    assert_null(creds.keys);
    gf_error_clear(&err);
  }
}

/* ---- gfi_auth_check ------------------------------------------------------------ */

#define MAX_H 12

/* A request and the headers it is sent with, signed by `secret`. */
typedef struct signed_req {
  gfi_sigv4_header headers[MAX_H];
  size_t count;
  gfi_sigv4_signed sig;
  char body[256];
} signed_req;

static const char body_text[] = "{\"Name\":\"cfg\"}";

static void sign(signed_req *r, const char *akid, const char *secret, const char *token,
                 const char *region, const char *service, long long when)
{
  memset(r, 0, sizeof *r);
  snprintf(r->body, sizeof r->body, "%s", body_text);
  r->headers[r->count++] = (gfi_sigv4_header){"Host", "127.0.0.1:4566"};
  r->headers[r->count++] =
      (gfi_sigv4_header){"X-Amz-Target", "AWSGlue.GetSecurityConfiguration"};
  r->headers[r->count++] = (gfi_sigv4_header){"Content-Type", "application/x-amz-json-1.1"};
  gfi_sigv4_signer signer = {akid, secret, token, region, service, when, 0};
  gfi_sigv4_request request = {"POST", "/", NULL, r->headers, r->count, r->body,
                               strlen(r->body)};
  assert_int_equal(gfi_sigv4_sign(&signer, &request, &r->sig), 0);
  r->headers[r->count++] = (gfi_sigv4_header){"X-Amz-Date", r->sig.amz_date};
  if (token)
    r->headers[r->count++] = (gfi_sigv4_header){"X-Amz-Security-Token", token};
  r->headers[r->count++] = (gfi_sigv4_header){"Authorization", r->sig.authorization};
}

static gf_status check(gfi_credentials *creds, signed_req *r, double now,
                       gfi_auth_identity *who, gf_error *err)
{
  gfi_sigv4_request request = {"POST", "/", NULL, r->headers, r->count, r->body,
                               strlen(r->body)};
  return gfi_auth_check(creds, &request, now, who, err);
}

/* Replaces the value of header `name` (it must be there). */
static void set_header(signed_req *r, const char *name, const char *value)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->headers[i].name, name) == 0) {
      r->headers[i].value = value;
      return;
    }
  fail_msg("no header %s", name);
}

static void drop_header(signed_req *r, const char *name)
{
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->headers[i].name, name) == 0) {
      memmove(&r->headers[i], &r->headers[i + 1], (r->count - i - 1) * sizeof *r->headers);
      r->count--;
      return;
    }
  fail_msg("no header %s", name);
}

static void expect(gfi_credentials *creds, signed_req *r, double now, gf_status status,
                   const char *message)
{
  gf_error err = GF_ERROR_INIT;
  gfi_auth_identity who;
  assert_int_equal(check(creds, r, now, &who, &err), status);
  if (message)
    assert_string_equal(gf_error_message(&err), message);
  gf_error_clear(&err);
}

static const char mismatch[] =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

/* 2015-08-30T12:36:00Z, the SigV4 vectors' moment. */
#define T0 1440938160LL

static void test_accepted(void **state)
{
  (void)state;
  gfi_credentials creds = load();
  signed_req r;
  gfi_auth_identity who;
  gf_error err = GF_ERROR_INIT;
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "eu-west-1", "glue", T0);
  assert_gf_ok(check(&creds, &r, (double)T0 + 299, &who, &err), &err);
  assert_string_equal(who.key->access_key_id, "AKIDPLAIN");
  assert_string_equal(who.region, "eu-west-1");
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDTOKEN", "token-secret", "the-token", "us-east-1", "glue", T0);
  assert_gf_ok(check(&creds, &r, (double)T0 - 299, &who, &err), &err);
  assert_string_equal(who.key->account_id, "111122223333");
  gfi_sigv4_signed_clear(&r.sig);
  gfi_credentials_clear(&creds);
}

/* Each refusal, in the order AWS checks. */
static void test_refusals_in_order(void **state)
{
  (void)state;
  gfi_credentials creds = load();
  signed_req r;
  double now = (double)T0;

  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  drop_header(&r, "Authorization");
  expect(&creds, &r, now, GF_MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
  gfi_sigv4_signed_clear(&r.sig);

  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  set_header(&r, "Authorization", "garbage");
  expect(&creds, &r, now, GF_INCOMPLETE_SIGNATURE,
         "Authorization header requires 'Credential' parameter. Authorization header requires "
         "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
         "Authorization=garbage");
  drop_header(&r, "X-Amz-Date");
  expect(&creds, &r, now, GF_INCOMPLETE_SIGNATURE,
         "Authorization header requires 'Credential' parameter. Authorization header requires "
         "'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
         "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
         "Authorization=garbage");
  gfi_sigv4_signed_clear(&r.sig);

  /* A good header without any date. */
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  drop_header(&r, "X-Amz-Date");
  char want[700];
  snprintf(want, sizeof want,
           "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
           "header. Authorization=%s",
           r.sig.authorization);
  expect(&creds, &r, now, GF_INCOMPLETE_SIGNATURE, want);
  gfi_sigv4_signed_clear(&r.sig);

  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  set_header(&r, "X-Amz-Date", "2015-08-30T12:36:00Z");
  expect(&creds, &r, now, GF_INCOMPLETE_SIGNATURE,
         "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See "
         "http://en.wikipedia.org/wiki/ISO_8601");
  gfi_sigv4_signed_clear(&r.sig);

  /* Keys and tokens. */
  const char *invalid = "The security token included in the request is invalid.";
  sign(&r, "AKIDNONE", "plain-secret", NULL, "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_UNRECOGNIZED_CLIENT, invalid);
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDTOKEN", "token-secret", NULL, "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_UNRECOGNIZED_CLIENT, invalid); /* its token absent */
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDTOKEN", "token-secret", "another-token", "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_UNRECOGNIZED_CLIENT, invalid);
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDPLAIN", "plain-secret", "a-token", "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_UNRECOGNIZED_CLIENT, invalid); /* a key without one */
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDOLD", "old-secret", NULL, "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_EXPIRED_TOKEN,
         "The security token included in the request is expired");
  gfi_sigv4_signed_clear(&r.sig);

  /* The scope. */
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "s3", T0);
  expect(&creds, &r, now, GF_INVALID_SIGNATURE,
         "Credential should be scoped to correct service: 'glue'. ");
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  set_header(&r, "X-Amz-Date", "20150831T123600Z");
  expect(&creds, &r, (double)T0 + 86400, GF_INVALID_SIGNATURE,
         "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
         "HTTP: '20150830' != '20150831', from '20150831T123600Z'.");
  gfi_sigv4_signed_clear(&r.sig);

  /* The clock, five minutes either way. */
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  expect(&creds, &r, now + 301, GF_INVALID_SIGNATURE,
         "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
         "(20150830T124101Z - 5 min.)");
  expect(&creds, &r, now - 301, GF_INVALID_SIGNATURE,
         "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
         "(20150830T123059Z + 5 min.)");
  gfi_sigv4_signed_clear(&r.sig);

  /* The signature: one byte of the body, the key, the region. */
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  r.body[2] ^= 1;
  expect(&creds, &r, now, GF_INVALID_SIGNATURE, mismatch);
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDPLAIN", "plain-secreT", NULL, "us-east-1", "glue", T0);
  expect(&creds, &r, now, GF_INVALID_SIGNATURE, mismatch);
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", T0);
  char *other_region = strdup(r.sig.authorization);
  memcpy(strstr(other_region, "us-east-1"), "us-west-1", 9);
  set_header(&r, "Authorization", other_region);
  expect(&creds, &r, now, GF_INVALID_SIGNATURE, mismatch);
  free(other_region);
  /* A signed header the request no longer has. */
  set_header(&r, "Authorization", r.sig.authorization);
  drop_header(&r, "X-Amz-Target");
  expect(&creds, &r, now, GF_INVALID_SIGNATURE, mismatch);
  gfi_sigv4_signed_clear(&r.sig);
  gfi_credentials_clear(&creds);
}

/* ---- a server under GF_AUTH_SIGV4 ------------------------------------------------ */

/* Sends a signed request as it was signed. */
static int send_signed(unsigned port, const signed_req *r, char *reply, size_t size)
{
  http_header headers[MAX_H];
  for (size_t i = 0; i < r->count; i++)
    headers[i] = (http_header){r->headers[i].name, r->headers[i].value};
  return http_once(port, "/", headers, r->count, r->body, reply, size);
}

static void test_server_checks_api_not_control_plane(void **state)
{
  (void)state;
  gf_fake *fake = test_fake_new(NULL, NULL);
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.auth = GF_AUTH_SIGV4;
  options.credentials = creds_text;
  options.credentials_len = sizeof creds_text - 1;
  options.credentials_source = "creds.json";
  gf_error err = GF_ERROR_INIT;
  gf_server *server = gf_server_start_ext(fake, &options, &err);
  assert_non_null(server);
  unsigned port = gf_server_port(server);
  char reply[2048], host[32];
  snprintf(host, sizeof host, "127.0.0.1:%u", port);

  /* Signed by a known key at the real time: served and logged. */
  signed_req r;
  sign(&r, "AKIDPLAIN", "plain-secret", NULL, "us-east-1", "glue", (long long)time(NULL));
  assert_int_equal(send_signed(port, &r, reply, sizeof reply), 400);
  assert_error_body(reply, "EntityNotFoundException", "Security configuration 'cfg' not found");
  assert_int_equal(gf_calls_count(gf_fake_calls(fake)), 1);
  /* Host is a signed header: the request as sent must carry the one signed. */
  (void)host;

  /* Unsigned, or signed with a wrong secret: refused, not logged. */
  const http_header bare[] = {{"X-Amz-Target", "AWSGlue.GetSecurityConfiguration"}};
  assert_int_equal(http_once(port, "/", bare, 1, "{}", reply, sizeof reply), 403);
  assert_error_body(reply, "MissingAuthenticationTokenException", "Missing Authentication Token");
  gfi_sigv4_signed_clear(&r.sig);
  sign(&r, "AKIDPLAIN", "wrong", NULL, "us-east-1", "glue", (long long)time(NULL));
  assert_int_equal(send_signed(port, &r, reply, sizeof reply), 400);
  assert_error_body(reply, "InvalidSignatureException", mismatch);
  assert_int_equal(gf_calls_count(gf_fake_calls(fake)), 1);
  gfi_sigv4_signed_clear(&r.sig);

  /* The control plane takes no signature. */
  assert_int_equal(http_once(port, "/_gluefake/state", NULL, 0, NULL, reply, sizeof reply), 200);

  /* A checked signature names the partition: the key's account_id and the
   * scope's region; the served fake never sees the call. */
  sign(&r, "AKIDTOKEN", "token-secret", "the-token", "eu-west-1", "glue", (long long)time(NULL));
  assert_int_equal(send_signed(port, &r, reply, sizeof reply), 400);
  assert_error_body(reply, "EntityNotFoundException", "Security configuration 'cfg' not found");
  gfi_sigv4_signed_clear(&r.sig);
  assert_int_equal(gf_calls_count(gf_fake_calls(fake)), 1);
  assert_int_equal(
      http_once(port, "/_gluefake/calls?account=111122223333&region=eu-west-1", NULL, 0, NULL,
                reply, sizeof reply),
      200);
  assert_contains(reply, "\"GetSecurityConfiguration\"");

  gf_server_stop(server);
  gf_fake_free(fake);
}

static void test_server_options_refused(void **state)
{
  (void)state;
  gf_fake *fake = test_fake_new(NULL, NULL);
  gf_error err = GF_ERROR_INIT;
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.auth = GF_AUTH_SIGV4;
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_string_equal(err.message, "server: checking signatures (GF_AUTH_SIGV4) needs credentials");
  options.credentials = "{\"credentials\": [{}]}";
  options.credentials_len = strlen(options.credentials);
  options.credentials_source = "bad.json";
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_string_equal(err.message,
                      "bad.json: credentials[0].access_key_id: must be a non-empty string");
  options.version = 0;
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_string_equal(err.message,
                      "server: options version 0 is not supported (this library knows 1..4)");
  options = (gf_server_options)GF_SERVER_OPTIONS_INIT;
  options.auth = (gf_server_auth)7;
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_string_equal(err.message, "server: auth 7 is neither GF_AUTH_NONE nor GF_AUTH_SIGV4");
  gf_error_clear(&err);
  gf_fake_free(fake);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_credentials_read),
      cmocka_unit_test(test_credentials_refused),
      cmocka_unit_test(test_accepted),
      cmocka_unit_test(test_refusals_in_order),
      cmocka_unit_test(test_server_checks_api_not_control_plane),
      cmocka_unit_test(test_server_options_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
