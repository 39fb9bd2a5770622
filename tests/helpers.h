/*
 * helpers.h - the pieces several C suites share: the one function that
 * makes a fake (test_fake_new), a fake on the fixed clock, the fixture of
 * suites that need only a fake and its backend, calls that check a failed
 * call hands out nothing (config_create/get/delete, policy_put), the
 * error-body assertion, substring assertions, a growable string, a seeded
 * generator, and the raw socket I/O of the HTTP suites.  Header-only (static inline), so that each suite
 * stays one translation unit.  A suite's own helpers stay in it.
 *
 * tests/test_glue_client.c does not use it on purpose: it is the README's
 * walkthrough of testing with gluefake, and shows the public API only.
 */
#ifndef GLUEFAKE_TESTS_HELPERS_H
#define GLUEFAKE_TESTS_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "gluefake.h"

/* Where the fixed clock starts: suites write expected timestamps from it. */
#define FIXED_T0 1700000000.0

/* The one place the suites make a fake.  It ignores GLUEFAKE_FAULTS, so
 * that no fault rules from the environment reach a test; the tests of that
 * variable call gf_fake_new themselves. */
static inline gf_fake *test_fake_new(const char *account_id, gf_error *err)
{
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.account_id = account_id;
  options.ignore_environment = 1;
  return gf_fake_new_ext(&options, err);
}

/* A fresh fake on a clock stepping 1 s from FIXED_T0, so timestamps are known in advance. */
static inline gf_fake *fixed_fake(const char *account_id, gf_error *err)
{
  gf_fake *fake = test_fake_new(account_id, err);
  if (fake && gf_fake_set_clock(fake, FIXED_T0, 1, err) != GF_OK) {
    gf_fake_free(fake);
    fake = NULL;
  }
  return fake;
}

/* For a test that needs another fake: not getting one fails the test. */
static inline gf_fake *fixed_fake_or_fail(const char *account_id)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = fixed_fake(account_id, &err);
  if (!fake)
    fail_msg("a fake on the fixed clock: %s", gf_error_message(&err));
  gf_error_clear(&err);
  return fake;
}

/* The fixture of suites that need nothing but a fake and its backend. */
typedef struct fake_fx {
  gf_fake *fake;
  gf_backend *b;
} fake_fx;

/* Lets a suite that makes its fake differently still share fake_fx_teardown. */
static inline int fake_fx_start(void **state, gf_fake *fake)
{
  fake_fx *f = fake ? calloc(1, sizeof *f) : NULL;
  if (!f) {
    gf_fake_free(fake);
    return -1;
  }
  f->fake = fake;
  f->b = gf_fake_backend(fake);
  *state = f;
  return 0;
}

/* cmocka setup: every test starts from an empty fake on the fixed clock. */
static inline int fake_fx_setup(void **state)
{
  return fake_fx_start(state, fixed_fake(NULL, NULL));
}

/* cmocka teardown of a fake_fx (also when its setup failed). */
static inline int fake_fx_teardown(void **state)
{
  fake_fx *f = *state;
  if (f) {
    gf_fake_free(f->fake);
    free(f);
  }
  return 0;
}

/* The fixture of suites that talk to a fake served on a free loopback port. */
typedef struct server_fx {
  gf_fake *fake;
  gf_server *server;
  unsigned port;
} server_fx;

/* cmocka setup: an empty fake served with `options` (NULL: the defaults). */
static inline int server_fx_start(void **state, const gf_server_options *options)
{
  server_fx *f = calloc(1, sizeof *f);
  if (!f || !(f->fake = test_fake_new(NULL, NULL)) ||
      !(f->server = gf_server_start_ext(f->fake, options, NULL))) {
    if (f)
      gf_fake_free(f->fake);
    free(f);
    return -1;
  }
  f->port = gf_server_port(f->server);
  *state = f;
  return 0;
}

/* cmocka teardown of a server_fx. */
static inline int server_fx_teardown(void **state)
{
  server_fx *f = *state;
  gf_server_stop(f->server);
  gf_fake_free(f->fake);
  free(f);
  return 0;
}

/* ---- calls that each check that a failed call hands out nothing ---------- */

/* CreateSecurityConfiguration of `name` with `config` (NULL: absent). */
static inline gf_status config_create(gf_backend *b, const char *name,
                                      const gf_encryption_configuration *config, gf_error *err)
{
  gf_create_security_configuration_request req = {name, config};
  gf_create_security_configuration_response *out = NULL;
  gf_status status = gf_create_security_configuration(b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_create_security_configuration_response_free(out);
  return status;
}

/* GetSecurityConfiguration of `name`: a response exactly on success. */
static inline gf_status config_get(gf_backend *b, const char *name, gf_error *err)
{
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *out = NULL;
  gf_status status = gf_get_security_configuration(b, &req, &out, err);
  if (status == GF_OK)
    assert_non_null(out);
  else
    assert_null(out);
  gf_get_security_configuration_response_free(out);
  return status;
}

/* DeleteSecurityConfiguration of `name`. */
static inline gf_status config_delete(gf_backend *b, const char *name, gf_error *err)
{
  gf_delete_security_configuration_request req = {name};
  gf_delete_security_configuration_response *out = NULL;
  gf_status status = gf_delete_security_configuration(b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_delete_security_configuration_response_free(out);
  return status;
}

/* PutResourcePolicy of `req`: on success a non-empty PolicyHash, copied to
 * *hash_out (the caller's, free) when asked for; on failure no response and
 * *hash_out NULL. */
static inline gf_status policy_put_req(gf_backend *b, const gf_put_resource_policy_request *req,
                                       char **hash_out, gf_error *err)
{
  gf_put_resource_policy_response *resp = NULL;
  gf_status st = gf_put_resource_policy(b, req, &resp, err);
  if (st == GF_OK) {
    assert_non_null(resp);
    assert_non_null(resp->policy_hash);
    assert_true(strlen(resp->policy_hash) > 0);
    if (hash_out) {
      *hash_out = strdup(resp->policy_hash);
      assert_non_null(*hash_out);
    }
    gf_put_resource_policy_response_free(resp);
  } else {
    assert_null(resp);
    if (hash_out)
      *hash_out = NULL;
  }
  return st;
}

/* The same, the request made of `doc` and its conditions (NULL: absent). */
static inline gf_status policy_put(gf_backend *b, const char *doc, const char *hash_cond,
                                   const char *exists_cond, const char *arn, char **hash_out,
                                   gf_error *err)
{
  gf_put_resource_policy_request req = {doc, hash_cond, exists_cond, arn, NULL};
  return policy_put_req(b, &req, hash_out, err);
}

/* An error body is exactly {"__type": `type`, "Message": "<non-empty>"}, in
 * that order; `message` NULL: any message. */
static inline void assert_error_body(const char *body, const char *type, const char *message)
{
  cJSON *json = cJSON_Parse(body);
  assert_non_null(json);
  assert_true(cJSON_IsObject(json));
  assert_int_equal(cJSON_GetArraySize(json), 2);
  const cJSON *ty = cJSON_GetObjectItemCaseSensitive(json, "__type");
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive(json, "Message");
  assert_true(cJSON_IsString(ty));
  assert_true(cJSON_IsString(msg));
  assert_string_equal(ty->valuestring, type);
  assert_true(strlen(msg->valuestring) > 0);
  if (message)
    assert_string_equal(msg->valuestring, message);
  assert_string_equal(json->child->string, "__type");
  cJSON_Delete(json);
}

/* Messages are checked for what they must mention, not word for word. */
#define assert_contains(haystack, needle)                                                  \
  do {                                                                                     \
    const char *h_ = (haystack), *n_ = (needle);                                           \
    assert_non_null(h_);                                                                   \
    if (!strstr(h_, n_)) {                                                                 \
      print_error("'%s' does not contain '%s'\n", h_, n_);                                 \
      fail();                                                                              \
    }                                                                                      \
  } while (0)

/* ... and for what they must not mention (a missing text fails too). */
#define assert_not_contains(haystack, needle)                                              \
  do {                                                                                     \
    const char *h_ = (haystack), *n_ = (needle);                                           \
    assert_non_null(h_);                                                                   \
    if (strstr(h_, n_)) {                                                                  \
      print_error("'%s' contains '%s'\n", h_, n_);                                         \
      fail();                                                                              \
    }                                                                                      \
  } while (0)

/* A growable string, so that whole sequences of answers compare as one text. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

/* Appends `text` (running out of memory fails the test). */
static inline void sbuf_add(sbuf *s, const char *text)
{
  size_t n = strlen(text);
  if (s->len + n + 1 > s->cap) {
    size_t cap = (s->len + n + 1) * 2;
    char *p = realloc(s->p, cap);
    assert_non_null(p);
    s->p = p;
    s->cap = cap;
  }
  memcpy(s->p + s->len, text, n + 1);
  s->len += n;
}

/* Lets the compiler check the format strings of a suite's printf-like helpers. */
#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define PRINTF_LIKE(fmt, first)
#endif

/* A cheap seeded generator, so that a failing randomized test replays exactly. */
static inline uint64_t xorshift64(uint64_t *s)
{
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

/* ---- raw HTTP I/O: plain sockets, so the server suites can send any bytes -- */

typedef struct conn {
  int fd;
  char *buf; /* received and not consumed yet */
  size_t len, cap;
} conn;

enum { RESP_OK = 0, RESP_CLOSED = -1, RESP_TIMEOUT = -2, RESP_BAD = -3 };

/* Sends it all without SIGPIPE, so a server closing early fails the test, not the process. */
static inline int send_all(conn *c, const void *data, size_t len)
{
  const char *p = data;
  while (len) {
    ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Reads what has come (kept NUL-terminated for strstr): >0, or a RESP_ code. */
static inline int recv_more(conn *c)
{
  if (c->cap - c->len < 16384) {
    size_t cap = c->cap ? c->cap * 2 : 65536;
    char *grown = realloc(c->buf, cap);
    if (!grown)
      return RESP_BAD;
    c->buf = grown;
    c->cap = cap;
  }
  for (;;) {
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len - 1, 0);
    if (n > 0) {
      c->len += (size_t)n;
      c->buf[c->len] = '\0';
      return (int)n;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return RESP_TIMEOUT;
    return RESP_CLOSED; /* EOF or reset */
  }
}

/* Drops the first n bytes read, so that pipelined responses parse one by one. */
static inline void consume(conn *c, size_t n)
{
  memmove(c->buf, c->buf + n, c->len - n);
  c->len -= n;
  if (c->buf)
    c->buf[c->len] = '\0';
}

/* A header to send with http_once(). */
typedef struct http_header {
  const char *name;
  const char *value;
} http_header;

/* One request on its own connection (POST with `body`, GET without), with
 * `headers` as given, and `Host: 127.0.0.1:PORT` unless they hold a Host
 * (the control plane refuses a request without one): the whole answer,
 * status line and headers included ("" when the server closed without
 * one), to free(). */
static inline char *http_answer(unsigned port, const char *path, const http_header *headers,
                                  size_t count, const char *body)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  sbuf request = {0};
  char line[1024];
  snprintf(line, sizeof line, "%s %s HTTP/1.1\r\nConnection: close\r\nContent-Length: %zu\r\n",
           body ? "POST" : "GET", path, body ? strlen(body) : 0);
  sbuf_add(&request, line);
  int has_host = 0;
  for (size_t i = 0; i < count; i++) {
    snprintf(line, sizeof line, "%s: %s\r\n", headers[i].name, headers[i].value);
    sbuf_add(&request, line);
    const char *name = headers[i].name;
    has_host |= strlen(name) == 4 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'o' &&
                (name[2] | 0x20) == 's' && (name[3] | 0x20) == 't';
  }
  if (!has_host) {
    snprintf(line, sizeof line, "Host: 127.0.0.1:%u\r\n", port);
    sbuf_add(&request, line);
  }
  sbuf_add(&request, "\r\n");
  sbuf_add(&request, body ? body : "");
  conn c = {fd, NULL, 0, 0};
  assert_int_equal(send_all(&c, request.p, request.len), 0);
  while (recv_more(&c) > 0)
    ;
  close(fd);
  free(request.p);
  return c.buf ? c.buf : strdup("");
}

/* http_answer() for the status (0 when the server closed without an
 * answer, -1 when the answer was cut short) and the body, in `reply`. */
static inline int http_once(unsigned port, const char *path, const http_header *headers,
                            size_t count, const char *body, char *reply, size_t size)
{
  char *response = http_answer(port, path, headers, count, body);
  assert_non_null(response);
  int status = 0;
  const char *start = strstr(response, "\r\n\r\n");
  snprintf(reply, size, "%s", start ? start + 4 : "");
  if (sscanf(response, "HTTP/1.1 %d", &status) == 1) {
    const char *length = strstr(response, "Content-Length: ");
    if (start && length && length < start &&
        strtoul(length + strlen("Content-Length: "), NULL, 10) > strlen(start + 4))
      status = -1;
  }
  free(response);
  return status;
}

#endif
