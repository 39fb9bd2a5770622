/*
 * test_sigv4.c - the SigV4 module (fake/core/sigv4.c) against AWS's test
 * vectors (tests/sigv4/, see its README): every step of signing each case,
 * and the check of each signed request as the server makes it; then the
 * Authorization header's parser and its messages.
 *
 * Run from the repository's root (make test does).
 */
#define _GNU_SOURCE /* timegm */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/sigv4.h"
#include "helpers.h"

static const char *const cases[] = {
    "post-header-key-case",      "post-header-key-sort",
    "post-header-value-case",    "post-sts-header-after",
    "post-sts-header-before",    "post-vanilla",
    "post-vanilla-empty-query-value", "post-vanilla-query",
    "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters",
    "get-vanilla-with-session-token",
};

/* A whole file of the case, NUL-terminated (fails the test when absent). */
static char *case_file(const char *name, const char *file, size_t *len)
{
  char path[256];
  snprintf(path, sizeof path, "tests/sigv4/%s/%s", name, file);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open %s (run from the repository's root)", path);
  char *text = malloc(65536);
  assert_non_null(text);
  size_t n = fread(text, 1, 65535, f);
  fclose(f);
  text[n] = '\0';
  if (len)
    *len = n;
  return text;
}

#define MAX_HEADERS 16

/* A request of request.txt: "METHOD TARGET HTTP/1.1", "Name:value" lines,
 * an empty line, the body.  Pointers into `text`, which it edits. */
typedef struct parsed {
  char *method, *path, *query;
  gfi_sigv4_header headers[MAX_HEADERS];
  size_t header_count;
  char *body;
  size_t body_len;
} parsed;

static void parse_request(char *text, size_t len, parsed *r)
{
  memset(r, 0, sizeof *r);
  char *end = text + len;
  char *line_end = strchr(text, '\n');
  assert_non_null(line_end);
  *line_end = '\0';
  r->method = text;
  char *space = strchr(text, ' ');
  assert_non_null(space);
  *space = '\0';
  r->path = space + 1;
  char *version = strrchr(r->path, ' ');
  assert_non_null(version);
  *version = '\0';
  char *question = strchr(r->path, '?');
  if (question) {
    *question = '\0';
    r->query = question + 1;
  }
  char *p = line_end + 1;
  while (p < end && *p != '\n') {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *stop = nl ? nl : end;
    *stop = '\0';
    char *colon = strchr(p, ':');
    assert_non_null(colon);
    *colon = '\0';
    assert_true(r->header_count < MAX_HEADERS);
    r->headers[r->header_count++] = (gfi_sigv4_header){p, colon + 1};
    p = nl ? nl + 1 : end;
  }
  r->body = p < end ? p + 1 : end; /* after the empty line */
  r->body_len = r->body < end ? (size_t)(end - r->body) : 0;
}

static gfi_sigv4_request as_request(const parsed *r)
{
  gfi_sigv4_request request = {r->method, r->path, r->query, r->headers, r->header_count,
                               r->body, r->body_len};
  return request;
}

/* The value of `name` among the parsed headers, or NULL. */
static const char *header_of(const parsed *r, const char *name)
{
  for (size_t i = 0; i < r->header_count; i++)
    if (strcasecmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

static int compare_strings(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "Name:value" lines of a request, sorted: a signed request's headers in
 * any order. */
static char *sorted_header_lines(const parsed *r)
{
  char *lines[MAX_HEADERS];
  for (size_t i = 0; i < r->header_count; i++) {
    size_t n = strlen(r->headers[i].name) + strlen(r->headers[i].value) + 2;
    lines[i] = malloc(n);
    assert_non_null(lines[i]);
    snprintf(lines[i], n, "%s:%s", r->headers[i].name, r->headers[i].value);
  }
  qsort(lines, r->header_count, sizeof *lines, compare_strings);
  sbuf s = {0};
  sbuf_add(&s, "");
  for (size_t i = 0; i < r->header_count; i++) {
    sbuf_add(&s, lines[i]);
    sbuf_add(&s, "\n");
    free(lines[i]);
  }
  return s.p;
}

static void sign_case(const char *name)
{
  size_t len;
  char *context_text = case_file(name, "context.json", NULL);
  cJSON *context = cJSON_Parse(context_text);
  assert_non_null(context);
  const cJSON *credentials = cJSON_GetObjectItem(context, "credentials");
  const cJSON *token = cJSON_GetObjectItem(credentials, "token");
  const cJSON *omit = cJSON_GetObjectItem(context, "omit_session_token");
  const char *timestamp = cJSON_GetObjectItem(context, "timestamp")->valuestring;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  assert_non_null(strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm));
  int omit_token = cJSON_IsTrue(omit);
  gfi_sigv4_signer signer = {
      cJSON_GetObjectItem(credentials, "access_key_id")->valuestring,
      cJSON_GetObjectItem(credentials, "secret_access_key")->valuestring,
      cJSON_IsString(token) && !omit_token ? token->valuestring : NULL,
      cJSON_GetObjectItem(context, "region")->valuestring,
      cJSON_GetObjectItem(context, "service")->valuestring,
      (long long)timegm(&tm),
      cJSON_IsTrue(cJSON_GetObjectItem(context, "sign_body")),
  };

  char *text = case_file(name, "request.txt", &len);
  parsed r;
  parse_request(text, len, &r);
  gfi_sigv4_request request = as_request(&r);
  gfi_sigv4_signed out;
  assert_int_equal(gfi_sigv4_sign(&signer, &request, &out), 0);

  /* The request as sent: its headers and what signing added. */
  parsed sent = r;
  sent.headers[sent.header_count++] = (gfi_sigv4_header){"X-Amz-Date", out.amz_date};
  if (signer.sign_body)
    sent.headers[sent.header_count++] =
        (gfi_sigv4_header){"x-amz-content-sha256", out.payload_hash};
  if (cJSON_IsString(token))
    sent.headers[sent.header_count++] =
        (gfi_sigv4_header){"X-Amz-Security-Token", token->valuestring};
  sent.headers[sent.header_count++] = (gfi_sigv4_header){"Authorization", out.authorization};

  /* Every step, against its file. */
  gfi_sigv4_auth auth;
  char missing[512];
  assert_int_equal(gfi_sigv4_parse_authorization(out.authorization, &auth, missing,
                                                 sizeof missing),
                   0);
  gfi_sigv4_request signed_request = as_request(&sent);
  gfi_text canonical = {0}, to_sign = {0};
  assert_int_equal(gfi_sigv4_canonical_request(&signed_request, auth.signed_headers,
                                               signer.sign_body ? out.payload_hash : NULL,
                                               &canonical),
                   0);
  char *want = case_file(name, "header-canonical-request.txt", NULL);
  assert_string_equal(canonical.data, want);
  free(want);
  gfi_sigv4_string_to_sign(out.amz_date, auth.scope, canonical.data, &to_sign);
  want = case_file(name, "header-string-to-sign.txt", NULL);
  assert_string_equal(to_sign.data, want);
  free(want);
  want = case_file(name, "header-signature.txt", NULL);
  assert_string_equal(auth.signature, want);
  free(want);

  /* The signed request: same request line and body, same headers in any order. */
  char *signed_text = case_file(name, "header-signed-request.txt", &len);
  parsed expected;
  parse_request(signed_text, len, &expected);
  assert_string_equal(expected.method, r.method);
  assert_string_equal(expected.path, r.path);
  assert_string_equal(expected.query ? expected.query : "", r.query ? r.query : "");
  char *got_lines = sorted_header_lines(&sent), *want_lines = sorted_header_lines(&expected);
  assert_string_equal(got_lines, want_lines);
  assert_int_equal(expected.body_len, r.body_len);
  assert_memory_equal(expected.body, r.body, r.body_len);

  /* The check a server makes of the signed request as received. */
  gfi_sigv4_auth received;
  assert_int_equal(gfi_sigv4_parse_authorization(header_of(&expected, "Authorization"),
                                                 &received, missing, sizeof missing),
                   0);
  assert_string_equal(received.access_key_id, signer.access_key_id);
  assert_string_equal(received.region, signer.region);
  assert_string_equal(received.service, signer.service);
  gfi_sigv4_request as_received = as_request(&expected);
  gfi_text check = {0}, check_to_sign = {0};
  assert_int_equal(gfi_sigv4_canonical_request(&as_received, received.signed_headers,
                                               header_of(&expected, "x-amz-content-sha256"),
                                               &check),
                   0);
  gfi_sigv4_string_to_sign(header_of(&expected, "X-Amz-Date"), received.scope, check.data,
                           &check_to_sign);
  unsigned char key[32];
  char signature[65];
  gfi_sigv4_signing_key(signer.secret_access_key, received.date, received.region,
                        received.service, key);
  gfi_sigv4_signature(key, check_to_sign.data, signature);
  assert_string_equal(signature, received.signature);

  /* One byte of the body, or the secret, changes the signature. */
  if (r.body_len) {
    expected.body[0] ^= 1;
    gfi_text changed = {0}, changed_to_sign = {0};
    as_received = as_request(&expected);
    assert_int_equal(gfi_sigv4_canonical_request(&as_received, received.signed_headers, NULL,
                                                 &changed),
                     0);
    gfi_sigv4_string_to_sign(header_of(&expected, "X-Amz-Date"), received.scope,
                             changed.data, &changed_to_sign);
    gfi_sigv4_signature(key, changed_to_sign.data, signature);
    assert_string_not_equal(signature, received.signature);
    gfi_free(changed.data);
    gfi_free(changed_to_sign.data);
  }
  gfi_sigv4_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz", received.date,
                        received.region, received.service, key);
  gfi_sigv4_signature(key, check_to_sign.data, signature);
  assert_string_not_equal(signature, received.signature);

  gfi_free(check.data);
  gfi_free(check_to_sign.data);
  gfi_sigv4_auth_clear(&received);
  free(got_lines);
  free(want_lines);
  free(signed_text);
  gfi_free(canonical.data);
  gfi_free(to_sign.data);
  gfi_sigv4_auth_clear(&auth);
  gfi_sigv4_signed_clear(&out);
  free(text);
  cJSON_Delete(context);
  free(context_text);
}

static void test_vectors(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    print_message("  %s\n", cases[i]);
    sign_case(cases[i]);
  }
}

/* What the parser says of headers that are not SigV4, in AWS's words. */
static void test_parse_messages(void **state)
{
  (void)state;
  gfi_sigv4_auth auth;
  char missing[512];
  assert_int_equal(gfi_sigv4_parse_authorization("garbage", &auth, missing, sizeof missing), -1);
  assert_string_equal(missing, "Authorization header requires 'Credential' parameter. "
                               "Authorization header requires 'Signature' parameter. "
                               "Authorization header requires 'SignedHeaders' parameter. ");
  assert_int_equal(gfi_sigv4_parse_authorization(
                       "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/glue/aws4_request, "
                       "SignedHeaders=host",
                       &auth, missing, sizeof missing),
                   -1);
  assert_string_equal(missing, "Authorization header requires 'Signature' parameter. ");
  assert_int_equal(gfi_sigv4_parse_authorization(
                       "AWS4-HMAC-SHA256 Credential=AKID/20150830, SignedHeaders=host, "
                       "Signature=00",
                       &auth, missing, sizeof missing),
                   -1);
  assert_string_equal(missing, "Credential must have exactly 5 slash-delimited elements, e.g. "
                               "keyid/date/region/service/term, got 'AKID/20150830'");
  /* Another algorithm: none of its parameters count. */
  assert_int_equal(gfi_sigv4_parse_authorization(
                       "AWS4-HMAC-SHA1 Credential=AKID/20150830/us-east-1/glue/aws4_request, "
                       "SignedHeaders=host, Signature=00",
                       &auth, missing, sizeof missing),
                   -1);
  assert_int_equal(gfi_sigv4_parse_authorization(
                       "AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/glue/aws4_request,"
                       "SignedHeaders=host;x-amz-date,Signature=abc",
                       &auth, missing, sizeof missing),
                   0);
  assert_string_equal(auth.access_key_id, "AKID");
  assert_string_equal(auth.date, "20150830");
  assert_string_equal(auth.region, "eu-west-1");
  assert_string_equal(auth.service, "glue");
  assert_string_equal(auth.terminator, "aws4_request");
  assert_string_equal(auth.scope, "20150830/eu-west-1/glue/aws4_request");
  assert_string_equal(auth.signed_headers, "host;x-amz-date");
  assert_string_equal(auth.signature, "abc");
  gfi_sigv4_auth_clear(&auth);
}

/* Header values trimmed and folded, repeated headers joined; a signed
 * header the request lacks is refused; query parameters decoded, encoded
 * again as SigV4 wants ('~' is unreserved, a space is %20) and sorted by
 * key, then value. */
static void test_canonical_rules(void **state)
{
  (void)state;
  const gfi_sigv4_header headers[] = {{"Host", "example.amazonaws.com"},
                                      {"My-Header1", "  a   b \t c  "},
                                      {"my-header1", "d"},
                                      {"X-Amz-Date", "20150830T123600Z"}};
  gfi_sigv4_request request = {"POST", "/", "b=2&a=%7e x&a=1", headers, 4, "", 0};
  gfi_text out = {0};
  assert_int_equal(gfi_sigv4_canonical_request(&request, "host;my-header1;x-amz-date", NULL,
                                               &out),
                   0);
  assert_string_equal(out.data, "POST\n/\na=1&a=~%20x&b=2\n"
                                "host:example.amazonaws.com\nmy-header1:a b c,d\n"
                                "x-amz-date:20150830T123600Z\n\n"
                                "host;my-header1;x-amz-date\n"
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  size_t before = out.len;
  assert_int_equal(gfi_sigv4_canonical_request(&request, "host;x-amz-content-sha256", NULL,
                                               &out),
                   -1);
  assert_int_equal(out.len, before);
  gfi_free(out.data);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vectors),
      cmocka_unit_test(test_parse_messages),
      cmocka_unit_test(test_canonical_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
