/*
 * test_server.c - the fake over HTTP (AWS JSON 1.1 on libmicrohttpd): the
 * nine operations and every error on the wire, the 1 MiB body limit,
 * request ids, the /_gluefake/ control plane, keep-alive and concurrent
 * connections, robustness of the port against hostile or broken clients,
 * and gf_server_start's errors.
 *
 * Every test gets a fresh fake with a fixed clock (1700000000, step 1)
 * served on a free loopback port, and a "twin" fake with the same clock
 * that is driven in-process through gf_json_dispatch with the same
 * requests: what the server answers must be exactly what the JSON level
 * answers.  The HTTP client below is a small one on POSIX sockets (so that
 * raw garbage can be sent too); every socket has 5 s send and receive
 * timeouts, so a bug can never hang the suite.
 *
 * Worker threads never call cmocka (it is not thread-safe): they count
 * what went wrong and the main thread checks after joining them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "gluefake.h"
#include "gluefake/server.h"
#include "gluefake/sys/alloc.h"
#include "helpers.h"

#define T0 1700000000 /* FIXED_T0, as an integer */
#define ACCOUNT "123456789012"
#define JSON_TYPE "application/x-amz-json-1.1"
#define KMS1 "arn:aws:kms:us-east-1:" ACCOUNT ":key/one"
#define IO_TIMEOUT_S 5
#define MAX_HEADERS 64

#define DEFAULT_DCES                                                                               \
  "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"           \
  "\"DISABLED\"},\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":"         \
  "false}}}"

/* ---- the HTTP client -------------------------------------------------------- */

typedef struct http_resp {
  int status; /* 0 when no response was read */
  char *head; /* owned: the header block, split in place */
  size_t nheaders;
  const char *names[MAX_HEADERS], *values[MAX_HEADERS];
  char *body; /* owned, NUL-terminated */
  size_t body_len;
} http_resp;

static void resp_free(http_resp *r)
{
  free(r->head);
  free(r->body);
  memset(r, 0, sizeof *r);
}

/* The value of header `name` (case-insensitive), or NULL. */
static const char *header(const http_resp *r, const char *name)
{
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcasecmp(r->names[i], name) == 0)
      return r->values[i];
  return NULL;
}

static void set_timeouts(int fd, int seconds)
{
  struct timeval tv = {seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/* Connects to 127.0.0.1:port (or [::1]:port).  Returns 0 or -1. */
static int conn_open_family(conn *c, int family, unsigned port)
{
  memset(c, 0, sizeof *c);
  c->fd = socket(family, SOCK_STREAM, 0);
  if (c->fd < 0)
    return -1;
  set_timeouts(c->fd, IO_TIMEOUT_S);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc;
  if (family == AF_INET6) {
    struct sockaddr_in6 a;
    memset(&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, "::1", &a.sin6_addr);
    rc = connect(c->fd, (struct sockaddr *)&a, sizeof a);
  } else {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    rc = connect(c->fd, (struct sockaddr *)&a, sizeof a);
  }
  if (rc != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

static int conn_open(conn *c, unsigned port) { return conn_open_family(c, AF_INET, port); }

static void conn_close(conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  free(c->buf);
  memset(c, 0, sizeof *c);
  c->fd = -1;
}

static int send_str(conn *c, const char *s) { return send_all(c, s, strlen(s)); }

static const char *find(const char *hay, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return hay + i;
  return NULL;
}

/* Reads one response (status line, headers, Content-Length body, or a body
 * up to EOF when there is no length).  RESP_OK, or why not. */
static int read_response(conn *c, http_resp *r)
{
  memset(r, 0, sizeof *r);
  const char *end = NULL;
  while (!c->buf || !(end = find(c->buf, c->len, "\r\n\r\n"))) {
    int n = recv_more(c);
    if (n < 0)
      return n;
  }
  size_t head_len = (size_t)(end - c->buf) + 4;
  r->head = malloc(head_len + 1);
  if (!r->head)
    return RESP_BAD;
  memcpy(r->head, c->buf, head_len);
  r->head[head_len] = '\0';
  consume(c, head_len);

  int major, minor, status;
  if (sscanf(r->head, "HTTP/%d.%d %d", &major, &minor, &status) != 3)
    return RESP_BAD;
  char *line = strstr(r->head, "\r\n");
  line += 2;
  while (*line && strncmp(line, "\r\n", 2) != 0) {
    char *eol = strstr(line, "\r\n");
    *eol = '\0';
    char *colon = strchr(line, ':');
    if (colon && r->nheaders < MAX_HEADERS) {
      *colon = '\0';
      char *value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;
      r->names[r->nheaders] = line;
      r->values[r->nheaders++] = value;
    }
    line = eol + 2;
  }
  r->status = status;

  const char *length = header(r, "Content-Length");
  const char *te = header(r, "Transfer-Encoding");
  if (te && strcasecmp(te, "chunked") == 0)
    return RESP_BAD; /* never sent for these responses */
  if (length) {
    size_t want = (size_t)strtoull(length, NULL, 10);
    while (c->len < want) {
      int n = recv_more(c);
      if (n < 0)
        return n;
    }
    r->body = malloc(want + 1);
    memcpy(r->body, c->buf, want);
    r->body[want] = '\0';
    r->body_len = want;
    consume(c, want);
  } else {
    int n;
    while ((n = recv_more(c)) > 0)
      ;
    if (n == RESP_TIMEOUT)
      return n;
    r->body = malloc(c->len + 1);
    memcpy(r->body, c->buf ? c->buf : "", c->len);
    r->body[c->len] = '\0';
    r->body_len = c->len;
    consume(c, c->len);
  }
  return RESP_OK;
}

/* Builds "METHOD PATH HTTP/1.1", Host, `headers` (lines ending in CRLF),
 * Content-Length (when `body`), the blank line and the body. */
static char *build_request(const char *method, const char *path, const char *headers,
                           const char *body, size_t body_len, size_t *out_len)
{
  size_t cap = strlen(method) + strlen(path) + (headers ? strlen(headers) : 0) + body_len + 128;
  char *req = malloc(cap);
  int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s", method, path,
                   headers ? headers : "");
  if (body)
    n += snprintf(req + n, cap - (size_t)n, "Content-Length: %zu\r\n", body_len);
  n += snprintf(req + n, cap - (size_t)n, "\r\n");
  if (body)
    memcpy(req + n, body, body_len);
  *out_len = (size_t)n + (body ? body_len : 0);
  return req;
}

/* One request on an open connection; the response is read into `r`. */
static int conn_request(conn *c, const char *method, const char *path, const char *headers,
                        const char *body, size_t body_len, http_resp *r)
{
  size_t len;
  char *req = build_request(method, path, headers, body, body_len, &len);
  int rc = send_all(c, req, len);
  free(req);
  if (rc != 0) {
    memset(r, 0, sizeof *r);
    return RESP_CLOSED;
  }
  return read_response(c, r);
}

/* One request on a connection of its own; asserts a response came. */
static void request(unsigned port, const char *method, const char *path, const char *headers,
                    const char *body, size_t body_len, http_resp *r)
{
  conn c;
  assert_int_equal(conn_open(&c, port), 0);
  assert_int_equal(conn_request(&c, method, path, headers, body, body_len, r), RESP_OK);
  conn_close(&c);
}

/* The headers an SDK sends for `op` (NULL: no X-Amz-Target at all). */
static void api_headers(char *buf, size_t size, const char *target)
{
  if (target)
    snprintf(buf, size, "X-Amz-Target: %s\r\nContent-Type: " JSON_TYPE "\r\n", target);
  else
    snprintf(buf, size, "Content-Type: " JSON_TYPE "\r\n");
}

/* ---- fixtures -------------------------------------------------------------- */

typedef struct ctx {
  gf_fake *fake;
  gf_fake *twin; /* the same clock, driven in-process with the same requests */
  gf_server *server;
  unsigned port;
} ctx;

static int setup(void **state)
{
  ctx *t = calloc(1, sizeof *t);
  if (!t)
    return -1;
  gf_error err = GF_ERROR_INIT;
  t->fake = fixed_fake(NULL, NULL);
  t->twin = fixed_fake(NULL, NULL);
  if (t->fake)
    t->server = gf_server_start(t->fake, "127.0.0.1", 0, &err);
  if (!t->fake || !t->twin || !t->server) {
    fprintf(stderr, "setup: %s\n", gf_error_message(&err));
    gf_error_clear(&err);
    gf_server_stop(t->server);
    gf_fake_free(t->fake);
    gf_fake_free(t->twin);
    free(t);
    return -1;
  }
  t->port = gf_server_port(t->server);
  *state = t;
  return 0;
}

static int teardown(void **state)
{
  ctx *t = *state;
  gf_server_stop(t->server);
  gf_fake_free(t->fake);
  gf_fake_free(t->twin);
  free(t);
  *state = NULL;
  return 0;
}

/* ---- helpers ----------------------------------------------------------------- */

/* Every response of the server carries a non-empty x-amzn-RequestId. */
static void assert_request_id(const http_resp *r)
{
  const char *id = header(r, "x-amzn-RequestId");
  assert_non_null(id);
  assert_true(strlen(id) > 0);
}

/* POST / with X-Amz-Target: AWSGlue.<op> and `body` (NULL: no body and no
 * Content-Length). */
static void api_raw(ctx *t, const char *target, const char *body, http_resp *r)
{
  char headers[256];
  api_headers(headers, sizeof headers, target);
  request(t->port, "POST", "/", headers, body, body ? strlen(body) : 0, r);
  assert_request_id(r);
}

static void api(ctx *t, const char *op, const char *body, http_resp *r)
{
  char target[128];
  snprintf(target, sizeof target, "AWSGlue.%s", op);
  api_raw(t, target, body, r);
}

/* Checks that `r` is the reply of the JSON level: status, error type,
 * body byte for byte, content type. */
static void assert_same_as_reply(const http_resp *r, const gf_json_reply *reply)
{
  assert_int_equal(r->status, reply->http_status);
  const char *type = header(r, "x-amzn-ErrorType");
  if (reply->error_type) {
    assert_non_null(type);
    assert_string_equal(type, reply->error_type);
  } else {
    assert_null(type);
  }
  assert_int_equal(r->body_len, reply->body_len);
  assert_string_equal(r->body, reply->body);
  assert_non_null(header(r, "Content-Type"));
  assert_string_equal(header(r, "Content-Type"), JSON_TYPE);
  assert_request_id(r);
}

/* Sends `body` to `op` over HTTP and to the twin through gf_json_dispatch;
 * both must answer the same, with HTTP status `expected`.  The response is
 * left in `r` (the caller frees it) when `r` is not NULL. */
static void both(ctx *t, const char *op, const char *body, int expected, http_resp *out)
{
  http_resp r;
  api(t, op, body, &r);
  gf_json_reply reply;
  assert_int_equal(
      gf_json_dispatch(gf_fake_backend(t->twin), op, body, body ? strlen(body) : 0, &reply), 0);
  assert_same_as_reply(&r, &reply);
  assert_int_equal(r.status, expected);
  gf_json_reply_clear(&reply);
  if (out)
    *out = r;
  else
    resp_free(&r);
}

/* An error response in AWS's shape. */
static void assert_error(const http_resp *r, int status, const char *type)
{
  assert_int_equal(r->status, status);
  assert_non_null(header(r, "x-amzn-ErrorType"));
  assert_string_equal(header(r, "x-amzn-ErrorType"), type);
  assert_non_null(header(r, "Content-Type"));
  assert_string_equal(header(r, "Content-Type"), JSON_TYPE);
  assert_request_id(r);
  assert_error_body(r->body, type, NULL);
}

/* The Message of an error body (a copy, freed by the caller). */
static char *error_message(const http_resp *r)
{
  cJSON *json = cJSON_Parse(r->body);
  assert_non_null(json);
  const cJSON *msg = cJSON_GetObjectItemCaseSensitive(json, "Message");
  assert_true(cJSON_IsString(msg));
  char *copy = strdup(msg->valuestring);
  cJSON_Delete(json);
  return copy;
}

/* A control-plane call: METHOD /_gluefake/<what> with `body` (NULL: none). */
static void control(ctx *t, const char *method, const char *what, const char *body, http_resp *r)
{
  char path[128];
  snprintf(path, sizeof path, "/_gluefake/%s", what);
  request(t->port, method, path, NULL, body, body ? strlen(body) : 0, r);
  assert_request_id(r);
}

static void control_ok(ctx *t, const char *method, const char *what, const char *body)
{
  http_resp r;
  control(t, method, what, body, &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
}

/* The number of entries of GET /_gluefake/calls. */
static int http_call_count(ctx *t)
{
  http_resp r;
  control(t, "GET", "calls", NULL, &r);
  assert_int_equal(r.status, 200);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, "transcript");
  assert_true(cJSON_IsArray(list));
  int n = cJSON_GetArraySize(list);
  cJSON_Delete(json);
  resp_free(&r);
  return n;
}

/* GET /_gluefake/state must be gf_fake_dump() byte for byte. */
static void assert_http_state_is_dump(ctx *t)
{
  http_resp r;
  control(t, "GET", "state", NULL, &r);
  assert_int_equal(r.status, 200);
  char *dump = gf_fake_dump(t->fake);
  assert_non_null(dump);
  assert_string_equal(r.body, dump);
  assert_int_equal(r.body_len, strlen(dump));
  gf_buffer_free(dump);
  resp_free(&r);
}

static char *create_body(const char *name)
{
  char *body = malloc(256);
  snprintf(body, 256,
           "{\"Name\":\"%s\",\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":"
           "\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}]}}",
           name);
  return body;
}

/* Creates `name` over HTTP (and on the twin). */
static void create(ctx *t, const char *name)
{
  char *body = create_body(name);
  both(t, "CreateSecurityConfiguration", body, 200, NULL);
  free(body);
}

/* After something hostile: the state and the call log are as they were
 * (`configs`, `calls`), the dump over HTTP is the dump, and a normal call
 * still works. */
static void assert_still_serving(ctx *t, size_t configs, size_t calls)
{
  assert_int_equal(gf_fake_security_configuration_count(t->fake), configs);
  assert_int_equal(gf_calls_count(gf_fake_calls(t->fake)), calls);
  assert_http_state_is_dump(t);
  static int serial;
  char name[64];
  snprintf(name, sizeof name, "after-%d", serial++);
  create(t, name);
  char get[96];
  snprintf(get, sizeof get, "{\"Name\":\"%s\"}", name);
  both(t, "GetSecurityConfiguration", get, 200, NULL);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), configs + 1);
  assert_int_equal(http_call_count(t), (int)calls + 2);
}

/* Sends raw bytes on a connection of its own and reads the answer.
 * Returns the HTTP status of the response, 0 when the server closed
 * without one, or RESP_TIMEOUT when it neither answered nor closed. */
static int send_raw_and_drain(unsigned port, const void *data, size_t len)
{
  conn c;
  assert_int_equal(conn_open(&c, port), 0);
  send_all(&c, data, len); /* the server may close early: ignore */
  http_resp r;
  int rc = read_response(&c, &r);
  int status = rc == RESP_OK ? r.status : rc == RESP_TIMEOUT ? RESP_TIMEOUT : 0;
  resp_free(&r);
  conn_close(&c);
  return status;
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* ---- the nine operations ------------------------------------------------------- */

static void test_op_get_data_catalog_encryption_settings(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "GetDataCatalogEncryptionSettings", "{}", 200, &r);
  assert_string_equal(r.body, DEFAULT_DCES);
  resp_free(&r);
  both(t, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"210987654321\"}", 200, &r);
  assert_string_equal(r.body, DEFAULT_DCES);
  resp_free(&r);
}

static void test_op_put_data_catalog_encryption_settings(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "PutDataCatalogEncryptionSettings",
       "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
       "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},\"ConnectionPasswordEncryption\":{"
       "\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/pw\"}}}",
       200, &r);
  assert_string_equal(r.body, "{}");
  resp_free(&r);
  both(t, "GetDataCatalogEncryptionSettings", "{\"CatalogId\":\"" ACCOUNT "\"}", 200, &r);
  assert_string_equal(r.body,
                      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                      "\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},"
                      "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":"
                      "true,\"AwsKmsKeyId\":\"alias/pw\"}}}");
  resp_free(&r);
}

static void test_op_put_resource_policy(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\"}", 200,
       &r);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_int_equal(cJSON_GetArraySize(json), 1);
  assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(json, "PolicyHash")));
  cJSON_Delete(json);
  resp_free(&r);
  /* With a hash condition (the current hash) and a resource ARN. */
  both(t, "PutResourcePolicy",
       "{\"PolicyInJson\":\"{}\",\"PolicyExistsCondition\":\"NOT_EXIST\",\"ResourceArn\":"
       "\"arn:aws:glue:us-east-1:" ACCOUNT ":database/db\",\"EnableHybrid\":\"FALSE\"}",
       200, NULL);
}

static void test_op_get_resource_policy(void **state)
{
  ctx *t = *state;
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{ \\\"a\\\" : [1, 2] }\"}", 200, NULL);
  http_resp r;
  both(t, "GetResourcePolicy", "{}", 200, &r);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(json, "PolicyInJson")->valuestring,
                      "{ \"a\" : [1, 2] }");
  assert_int_equal((long)cJSON_GetObjectItemCaseSensitive(json, "CreateTime")->valuedouble, T0);
  assert_int_equal((long)cJSON_GetObjectItemCaseSensitive(json, "UpdateTime")->valuedouble, T0);
  cJSON_Delete(json);
  resp_free(&r);
}

static void test_op_delete_resource_policy(void **state)
{
  ctx *t = *state;
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\"}", 200, NULL);
  http_resp r;
  both(t, "DeleteResourcePolicy", "{}", 200, &r);
  assert_string_equal(r.body, "{}");
  resp_free(&r);
  both(t, "GetResourcePolicy", "{}", 400, &r);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
}

static void test_op_create_security_configuration(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}", 200,
       &r);
  assert_string_equal(r.body, "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  resp_free(&r);
  char *body = create_body("b");
  both(t, "CreateSecurityConfiguration", body, 200, &r);
  assert_string_equal(r.body, "{\"Name\":\"b\",\"CreatedTimestamp\":1700000001}");
  resp_free(&r);
  free(body);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 2);
}

static void test_op_delete_security_configuration(void **state)
{
  ctx *t = *state;
  create(t, "a");
  http_resp r;
  both(t, "DeleteSecurityConfiguration", "{\"Name\":\"a\"}", 200, &r);
  assert_string_equal(r.body, "{}");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  both(t, "DeleteSecurityConfiguration", "{\"Name\":\"a\"}", 400, &r);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
}

static void test_op_get_security_configuration(void **state)
{
  ctx *t = *state;
  create(t, "a");
  http_resp r;
  both(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", 200, &r);
  assert_string_equal(r.body,
                      "{\"SecurityConfiguration\":{\"Name\":\"a\",\"CreatedTimeStamp\":1700000000,"
                      "\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":"
                      "\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}]}}}");
  resp_free(&r);
}

static void test_op_get_security_configurations(void **state)
{
  ctx *t = *state;
  for (int i = 0; i < 5; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    create(t, name);
  }
  /* Page through with MaxResults 2, feeding the server's own tokens back. */
  char body[256] = "{\"MaxResults\":2}";
  int seen = 0, pages = 0;
  for (;;) {
    http_resp r;
    both(t, "GetSecurityConfigurations", body, 200, &r);
    cJSON *json = cJSON_Parse(r.body);
    assert_non_null(json);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, "SecurityConfigurations");
    assert_true(cJSON_IsArray(list));
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
      char name[16];
      snprintf(name, sizeof name, "c%d", seen++);
      assert_string_equal(cJSON_GetObjectItemCaseSensitive(item, "Name")->valuestring, name);
    }
    pages++;
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(json, "NextToken");
    if (!token) {
      cJSON_Delete(json);
      resp_free(&r);
      break;
    }
    assert_true(cJSON_IsString(token));
    snprintf(body, sizeof body, "{\"MaxResults\":2,\"NextToken\":\"%s\"}", token->valuestring);
    cJSON_Delete(json);
    resp_free(&r);
  }
  assert_int_equal(seen, 5);
  assert_int_equal(pages, 3);
}

static void test_empty_body_counts_as_empty_object(void **state)
{
  ctx *t = *state;
  http_resp r;
  /* Content-Length: 0 */
  api(t, "GetSecurityConfigurations", "", &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{\"SecurityConfigurations\":[]}");
  resp_free(&r);
  /* No Content-Length at all */
  api(t, "GetDataCatalogEncryptionSettings", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, DEFAULT_DCES);
  resp_free(&r);
  /* A required member missing from the empty body: what {} gets. */
  api(t, "CreateSecurityConfiguration", "", &r);
  gf_json_reply reply;
  assert_int_equal(
      gf_json_dispatch(gf_fake_backend(t->twin), "CreateSecurityConfiguration", "{}", 2, &reply),
      0);
  assert_same_as_reply(&r, &reply);
  assert_error(&r, 400, "InvalidInputException");
  gf_json_reply_clear(&reply);
  resp_free(&r);
}

static void test_authorization_header_accepted(void **state)
{
  ctx *t = *state;
  static const char *const auths[] = {
      ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/glue/aws4_request, "
       "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=deadbeef"),
      "garbage", "", "Bearer \x01\x7f not even close"};
  for (size_t i = 0; i < sizeof auths / sizeof *auths; i++) {
    char headers[512];
    snprintf(headers, sizeof headers,
             "X-Amz-Target: AWSGlue.GetDataCatalogEncryptionSettings\r\nContent-Type: " JSON_TYPE
             "\r\nAuthorization: %s\r\nX-Amz-Date: 20150830T123600Z\r\n",
             auths[i]);
    http_resp r;
    request(t->port, "POST", "/", headers, "{}", strlen("{}"), &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, DEFAULT_DCES);
    assert_request_id(&r);
    resp_free(&r);
  }
}

static void test_header_names_case_insensitive(void **state)
{
  ctx *t = *state;
  http_resp r;
  request(t->port, "POST", "/",
          "x-amz-target: AWSGlue.GetDataCatalogEncryptionSettings\r\ncontent-type: " JSON_TYPE
          "\r\n",
          "{}", strlen("{}"), &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, DEFAULT_DCES);
  assert_string_equal(header(&r, "content-type"), JSON_TYPE);
  resp_free(&r);
}

static void test_unknown_members_ignored(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "CreateSecurityConfiguration",
       "{\"Name\":\"a\",\"Extra\":{\"deep\":[1,2,3]},\"EncryptionConfiguration\":{\"New\":1}}", 200,
       &r);
  assert_string_equal(r.body, "{\"Name\":\"a\",\"CreatedTimestamp\":1700000000}");
  resp_free(&r);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_error_entity_not_found(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "GetSecurityConfiguration", "{\"Name\":\"nope\"}", 400, &r);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
}

static void test_error_already_exists(void **state)
{
  ctx *t = *state;
  create(t, "a");
  http_resp r;
  char *body = create_body("a");
  both(t, "CreateSecurityConfiguration", body, 400, &r);
  free(body);
  assert_error(&r, 400, "AlreadyExistsException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 1);
}

static void test_error_invalid_input(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "CreateSecurityConfiguration", "{\"Name\":\"\",\"EncryptionConfiguration\":{}}", 400, &r);
  assert_error(&r, 400, "InvalidInputException");
  resp_free(&r);
  both(t, "GetSecurityConfigurations", "{\"MaxResults\":0}", 400, &r);
  assert_error(&r, 400, "InvalidInputException");
  resp_free(&r);
  both(t, "GetSecurityConfigurations", "{\"NextToken\":\"not-a-token\"}", 400, &r);
  assert_error(&r, 400, "InvalidInputException");
  resp_free(&r);
}

static void test_error_condition_check_failure(void **state)
{
  ctx *t = *state;
  http_resp r;
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\",\"PolicyExistsCondition\":\"MUST_EXIST\"}",
       400, &r);
  assert_error(&r, 400, "ConditionCheckFailureException");
  resp_free(&r);
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\"}", 200, NULL);
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"[]\",\"PolicyHashCondition\":\"wrong\"}", 400,
       &r);
  assert_error(&r, 400, "ConditionCheckFailureException");
  resp_free(&r);
}

static void test_error_resource_number_limit_exceeded(void **state)
{
  ctx *t = *state;
  gf_fake_set_security_configuration_limit(t->fake, 1);
  gf_fake_set_security_configuration_limit(t->twin, 1);
  create(t, "a");
  http_resp r;
  char *body = create_body("b");
  both(t, "CreateSecurityConfiguration", body, 400, &r);
  free(body);
  assert_error(&r, 400, "ResourceNumberLimitExceededException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 1);
}

static void test_error_internal_service_injected(void **state)
{
  ctx *t = *state;
  control_ok(t, "POST", "faults", "*=1*InternalService");
  http_resp r;
  char *body = create_body("a");
  api(t, "CreateSecurityConfiguration", body, &r);
  assert_error(&r, 500, "InternalServiceException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  /* The rule served its one call: the next passes. */
  api(t, "CreateSecurityConfiguration", body, &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  free(body);
}

static void test_error_operation_timeout_injected(void **state)
{
  ctx *t = *state;
  control_ok(t, "POST", "faults", "GetSecurityConfigurations=1*OperationTimeout(slow today)");
  http_resp r;
  api(t, "GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 400, "OperationTimeoutException");
  char *message = error_message(&r);
  assert_string_equal(message, "slow today");
  free(message);
  resp_free(&r);
  /* applied(...): created, but the caller is told it timed out. */
  control_ok(t, "POST", "faults", "CreateSecurityConfiguration=1*applied(OperationTimeout)");
  char *body = create_body("a");
  api(t, "CreateSecurityConfiguration", body, &r);
  free(body);
  assert_error(&r, 400, "OperationTimeoutException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 1);
}

static void test_unknown_operation(void **state)
{
  ctx *t = *state;
  http_resp r;
  /* An unknown operation: the same as the JSON level answers. */
  both(t, "GetTable", "{}", 400, &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  /* A known name without the AWSGlue. prefix, or another service's. */
  api_raw(t, "GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  api_raw(t, "AWSLambda.GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  api_raw(t, "awsglue.GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  api_raw(t, "AWSGlue.", "{}", &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  /* No X-Amz-Target at all. */
  api_raw(t, NULL, "{}", &r);
  assert_error(&r, 400, "UnknownOperationException");
  resp_free(&r);
  assert_int_equal(gf_calls_count(gf_fake_calls(t->fake)), 0);
}

static void test_serialization_exception(void **state)
{
  ctx *t = *state;
  static const char *const bodies[] = {
      "not json", "{\"Name\":", "[1,2]",        "\"a string\"",
      "42",       "null",       "{\"Name\":5}", "{\"Name\":\"a\",\"EncryptionConfiguration\":[]}",
      "{} {}"};
  for (size_t i = 0; i < sizeof bodies / sizeof *bodies; i++) {
    http_resp r;
    both(t, "CreateSecurityConfiguration", bodies[i], 400, &r);
    assert_error(&r, 400, "SerializationException");
    resp_free(&r);
  }
  http_resp r;
  both(t, "GetSecurityConfigurations", "{\"MaxResults\":\"10\"}", 400, &r);
  assert_error(&r, 400, "SerializationException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
}

/* ---- the 1 MiB limit and request ids --------------------------------------------- */

/* A CreateSecurityConfiguration body padded with spaces to `size` bytes. */
static char *padded_create(const char *name, size_t size)
{
  char *head = create_body(name);
  size_t n = strlen(head);
  assert_true(size >= n);
  char *body = malloc(size + 1);
  memcpy(body, head, n);
  memset(body + n, ' ', size - n);
  body[size] = '\0';
  free(head);
  return body;
}

static void test_body_too_large_announced(void **state)
{
  ctx *t = *state;
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  char headers[512];
  snprintf(headers, sizeof headers,
           "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: "
           "AWSGlue.CreateSecurityConfiguration\r\nContent-Type: " JSON_TYPE
           "\r\nContent-Length: %d\r\n\r\n",
           GF_MAX_BODY + 1);
  assert_int_equal(send_str(&c, headers), 0);
  /* Refused on the headers alone, before any of the body is sent. */
  http_resp r;
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 413);
  assert_request_id(&r);
  resp_free(&r);
  conn_close(&c);
  assert_still_serving(t, 0, 0);
}

static void test_body_too_large_sent_in_full(void **state)
{
  ctx *t = *state;
  char *body = padded_create("big", GF_MAX_BODY + 1);
  char headers[256];
  api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
  size_t len;
  char *req = build_request("POST", "/", headers, body, GF_MAX_BODY + 1, &len);
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  /* The server may answer (and close) before the whole body is in: a send
   * that fails then is fine, the response is what counts. */
  send_all(&c, req, len);
  http_resp r;
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 413);
  assert_request_id(&r);
  resp_free(&r);
  conn_close(&c);
  free(req);
  free(body);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  assert_still_serving(t, 0, 0);
}

/* Sends `body` in chunks of `chunk` bytes (Transfer-Encoding: chunked). */
static int send_chunked(conn *c, const char *headers, const char *body, size_t len, size_t chunk)
{
  char head[512];
  snprintf(head, sizeof head,
           "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n%sTransfer-Encoding: chunked\r\n\r\n", headers);
  if (send_str(c, head) != 0)
    return -1;
  for (size_t at = 0; at < len; at += chunk) {
    size_t n = len - at < chunk ? len - at : chunk;
    char size[32];
    snprintf(size, sizeof size, "%zx\r\n", n);
    if (send_str(c, size) != 0 || send_all(c, body + at, n) != 0 || send_str(c, "\r\n") != 0)
      return -1;
  }
  return send_str(c, "0\r\n\r\n");
}

static void test_body_too_large_chunked(void **state)
{
  ctx *t = *state;
  /* No Content-Length: the server only finds out as the body arrives.  One
   * byte over, and 2 MiB: the chunks after the limit are read and dropped. */
  const size_t sizes[] = {GF_MAX_BODY + 1, 2 * GF_MAX_BODY};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    char *body = padded_create("big", sizes[i]);
    char headers[256];
    api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
    conn c;
    assert_int_equal(conn_open(&c, t->port), 0);
    send_chunked(&c, headers, body, sizes[i], 65536);
    http_resp r;
    assert_int_equal(read_response(&c, &r), RESP_OK);
    assert_int_equal(r.status, 413);
    assert_request_id(&r);
    resp_free(&r);
    conn_close(&c);
    free(body);
  }
  assert_still_serving(t, 0, 0);
}

/* A state takes up to 256 MiB: a fixture of 20,000 configurations (over the
 * API's 1 MiB) loads; one announced over 256 MiB is refused on its headers. */
static void test_state_body_limit(void **state)
{
  ctx *t = *state;
  size_t cap = 64 + 30000 * 64, len = 0;
  char *fixture = malloc(cap);
  assert_non_null(fixture);
  len += (size_t)snprintf(fixture + len, cap - len, "{\"security_configurations\": [");
  for (int i = 0; i < 30000; i++)
    len += (size_t)snprintf(fixture + len, cap - len,
                            "%s{\"Name\": \"c%05d\", \"EncryptionConfiguration\": {}}",
                            i ? ", " : "", i);
  len += (size_t)snprintf(fixture + len, cap - len, "]}");
  assert_true(len > GF_MAX_BODY);
  http_resp r;
  control(t, "POST", "state", fixture, &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 30000);
  free(fixture);

  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  char headers[256];
  snprintf(headers, sizeof headers,
           "POST /_gluefake/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n",
           GF_MAX_STATE_BODY + 1);
  assert_int_equal(send_str(&c, headers), 0);
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 413);
  assert_contains(r.body, "the state is over 256 MiB");
  resp_free(&r);
  conn_close(&c);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 30000);
}

static void test_body_of_exactly_1mib_accepted(void **state)
{
  ctx *t = *state;
  char *body = padded_create("big", GF_MAX_BODY);
  assert_int_equal(strlen(body), GF_MAX_BODY);
  http_resp r;
  both(t, "CreateSecurityConfiguration", body, 200, &r);
  assert_string_equal(r.body, "{\"Name\":\"big\",\"CreatedTimestamp\":1700000000}");
  resp_free(&r);
  /* The same, chunked. */
  free(body);
  body = padded_create("big2", GF_MAX_BODY);
  char headers[256];
  api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  assert_int_equal(send_chunked(&c, headers, body, GF_MAX_BODY, 100000), 0);
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{\"Name\":\"big2\",\"CreatedTimestamp\":1700000001}");
  resp_free(&r);
  conn_close(&c);
  free(body);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 2);
}

#define MAX_IDS 64

static void collect_id(char ids[][64], size_t *n, const http_resp *r)
{
  assert_request_id(r);
  assert_true(*n < MAX_IDS);
  snprintf(ids[(*n)++], 64, "%s", header(r, "x-amzn-RequestId"));
}

static void test_request_ids_everywhere_and_distinct(void **state)
{
  ctx *t = *state;
  char ids[MAX_IDS][64];
  size_t n = 0;
  http_resp r;
  /* success, API errors, protocol errors */
  create(t, "a");
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_int_equal(r.status, 200);
  collect_id(ids, &n, &r);
  resp_free(&r);
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  collect_id(ids, &n, &r);
  resp_free(&r);
  api(t, "GetSecurityConfiguration", "{\"Name\":\"b\"}", &r);
  assert_int_equal(r.status, 400);
  collect_id(ids, &n, &r);
  resp_free(&r);
  api(t, "Nope", "{}", &r);
  collect_id(ids, &n, &r);
  resp_free(&r);
  api(t, "GetSecurityConfiguration", "nope", &r);
  collect_id(ids, &n, &r);
  resp_free(&r);
  /* 500 */
  control_ok(t, "POST", "faults", "*=1*InternalService");
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_int_equal(r.status, 500);
  collect_id(ids, &n, &r);
  resp_free(&r);
  /* 404 and 405 */
  request(t->port, "GET", "/", NULL, NULL, 0, &r);
  assert_int_equal(r.status, 405);
  collect_id(ids, &n, &r);
  resp_free(&r);
  request(t->port, "POST", "/foo", NULL, "{}", strlen("{}"), &r);
  assert_int_equal(r.status, 404);
  collect_id(ids, &n, &r);
  resp_free(&r);
  /* 413 */
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  assert_int_equal(send_str(&c, "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: "
                                "AWSGlue.GetSecurityConfigurations\r\nContent-Length: "
                                "99999999\r\n\r\n"),
                   0);
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 413);
  collect_id(ids, &n, &r);
  resp_free(&r);
  conn_close(&c);
  /* the control plane: successes and errors */
  static const char *const calls[][2] = {
      {"GET", "state"},  {"GET", "calls"},  {"POST", "faults"}, {"DELETE", "faults"},
      {"POST", "reset"}, {"POST", "state"}, {"GET", "reset"},   {"GET", "nothing"},
  };
  for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
    control(t, calls[i][0], calls[i][1], strcmp(calls[i][0], "POST") == 0 ? "{}" : NULL, &r);
    collect_id(ids, &n, &r);
    resp_free(&r);
  }
  control(t, "POST", "faults", "bad spec", &r);
  assert_int_equal(r.status, 400);
  collect_id(ids, &n, &r);
  resp_free(&r);
  control(t, "POST", "state", "{", &r);
  assert_int_equal(r.status, 400);
  collect_id(ids, &n, &r);
  resp_free(&r);
  /* every id distinct */
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(ids[i], ids[j]) == 0)
        fail_msg("responses %zu and %zu share the request id %s", i, j, ids[i]);
}

/* ---- the control plane -------------------------------------------------------- */

static void test_control_reset(void **state)
{
  ctx *t = *state;
  create(t, "a");
  create(t, "b");
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\"}", 200, NULL);
  both(t, "PutDataCatalogEncryptionSettings",
       "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
       "\"DISABLED\"}}}",
       200, NULL);
  gf_fake_set_security_configuration_limit(t->fake, 5);
  control_ok(t, "POST", "faults", "GetSecurityConfiguration=EntityNotFound");
  assert_int_equal(http_call_count(t), 4);

  http_resp r;
  control(t, "POST", "reset", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{}");
  resp_free(&r);

  /* Empty state (as a new fake: real time, no limit), no rules, no calls. */
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  gf_error err = GF_ERROR_INIT;
  gf_fake *fresh = test_fake_new(NULL, &err);
  assert_non_null(fresh);
  char *expected = gf_fake_dump(fresh);
  control(t, "GET", "state", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, expected);
  resp_free(&r);
  gf_buffer_free(expected);
  gf_fake_free(fresh);
  char *spec = gf_faults_spec(gf_fake_faults(t->fake));
  assert_non_null(spec);
  assert_string_equal(spec, "");
  gf_buffer_free(spec);
  assert_int_equal(http_call_count(t), 0);
  control(t, "GET", "calls", NULL, &r);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(json, "transcript")), 0);
  cJSON_Delete(json);
  resp_free(&r);

  /* The former fault rule is gone and the names are free again. */
  api(t, "CreateSecurityConfiguration", "{\"Name\":\"a\",\"EncryptionConfiguration\":{}}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  api(t, "GetResourcePolicy", "{}", &r);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
  /* A body on reset is ignored. */
  control_ok(t, "POST", "reset", "{\"whatever\":1}");
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
}

static void test_control_get_state(void **state)
{
  ctx *t = *state;
  assert_http_state_is_dump(t);
  create(t, "a");
  create(t, "b");
  both(t, "PutResourcePolicy", "{\"PolicyInJson\":\"{}\"}", 200, NULL);
  both(t, "PutDataCatalogEncryptionSettings",
       "{\"CatalogId\":\"210987654321\",\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":"
       "{\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/k\"}}}",
       200, NULL);
  assert_http_state_is_dump(t);
  /* It is a fixture: loaded into the twin, the twin dumps the same. */
  http_resp r;
  control(t, "GET", "state", NULL, &r);
  assert_int_equal(r.status, 200);
  gf_error err = GF_ERROR_INIT;
  gf_fake *other = test_fake_new(NULL, &err);
  assert_non_null(other);
  assert_int_equal(gf_fake_load(other, r.body, r.body_len, "http", &err), GF_OK);
  char *dump = gf_fake_dump(other);
  assert_string_equal(dump, r.body);
  gf_buffer_free(dump);
  gf_fake_free(other);
  /* The data is there, and no fault rules are in it. */
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_int_equal(
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(json, "security_configurations")), 2);
  assert_null(cJSON_GetObjectItemCaseSensitive(json, "faults"));
  cJSON_Delete(json);
  resp_free(&r);
  /* Reading the state is not a call. */
  assert_int_equal(gf_calls_count(gf_fake_calls(t->fake)), 4);
}

#define FIXTURE                                                                                    \
  "{\"account_id\":\"" ACCOUNT "\",\"clock\":{\"now\":1800000000,\"step\":2},"                     \
  "\"limits\":{\"security_configurations\":3},"                                                    \
  "\"security_configurations\":[{\"Name\":\"etl-kms\",\"CreatedTimeStamp\":1690000000,"            \
  "\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\","              \
  "\"KmsKeyArn\":\"" KMS1 "\"}]}},"                                                                \
  "{\"Name\":\"scratch\",\"CreatedTimeStamp\":1699000000,\"EncryptionConfiguration\":{}}],"        \
  "\"resource_policies\":{\"arn:aws:glue:us-east-1:" ACCOUNT ":catalog\":{\"PolicyInJson\":"       \
  "\"{}\",\"CreateTime\":1690000000,\"UpdateTime\":1690000500}}}"

static void test_control_post_state(void **state)
{
  ctx *t = *state;
  create(t, "old");
  control_ok(t, "POST", "faults", "DeleteSecurityConfiguration=InternalService");
  http_resp r;
  control(t, "POST", "state", FIXTURE, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{}");
  resp_free(&r);

  /* The state was replaced: the fixture's and nothing else. */
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 2);
  assert_int_equal(gf_fake_load(t->twin, FIXTURE, strlen(FIXTURE), "twin", NULL), GF_OK);
  char *twin = gf_fake_dump(t->twin);
  control(t, "GET", "state", NULL, &r);
  assert_string_equal(r.body, twin);
  resp_free(&r);
  gf_buffer_free(twin);
  both(t, "GetSecurityConfiguration", "{\"Name\":\"old\"}", 400, NULL);
  both(t, "GetSecurityConfiguration", "{\"Name\":\"etl-kms\"}", 200, &r);
  assert_string_equal(r.body,
                      "{\"SecurityConfiguration\":{\"Name\":\"etl-kms\",\"CreatedTimeStamp\":"
                      "1690000000,\"EncryptionConfiguration\":{\"S3Encryption\":[{"
                      "\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS1 "\"}]}}}");
  resp_free(&r);
  /* The fixture's clock and limit are in force. */
  both(t, "CreateSecurityConfiguration", "{\"Name\":\"n\",\"EncryptionConfiguration\":{}}", 200,
       &r);
  assert_string_equal(r.body, "{\"Name\":\"n\",\"CreatedTimestamp\":1800000000}");
  resp_free(&r);
  both(t, "CreateSecurityConfiguration", "{\"Name\":\"m\",\"EncryptionConfiguration\":{}}", 400,
       &r);
  assert_error(&r, 400, "ResourceNumberLimitExceededException");
  resp_free(&r);
  /* No "faults" key: the rules stay.  The call log is left alone. */
  api(t, "DeleteSecurityConfiguration", "{\"Name\":\"n\"}", &r);
  assert_error(&r, 500, "InternalServiceException");
  resp_free(&r);
  assert_int_equal(http_call_count(t), 1 + 5);
  /* A "faults" key replaces the rules. */
  control_ok(t, "POST", "state", "{\"faults\":\"GetSecurityConfigurations=1*EntityNotFound\"}");
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  api(t, "GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
  api(t, "CreateSecurityConfiguration", "{\"Name\":\"x\",\"EncryptionConfiguration\":{}}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  api(t, "DeleteSecurityConfiguration", "{\"Name\":\"x\"}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
}

static void test_control_post_state_bad_fixture(void **state)
{
  ctx *t = *state;
  create(t, "a");
  control_ok(t, "POST", "faults", "GetSecurityConfiguration=1*OperationTimeout");
  char *before = gf_fake_dump(t->fake);
  char *spec_before = gf_faults_spec(gf_fake_faults(t->fake));
  static const struct {
    const char *fixture, *expected;
  } cases[] = {
      {"{\"security_configurations\":[{\"Name\":\"x\",\"EncryptionConfiguration\":{}},{\"Name\":"
       "\"y\",\"EncryptionConfiguration\":{\"S3Encryption\":[{\"S3EncryptionMode\":\"SSE-KMS\","
       "\"KmsKeyArn\":\"not-an-arn\"}]}}]}",
       "security_configurations[1].EncryptionConfiguration.S3Encryption[0].KmsKeyArn"},
      {"{\"account_id\":\"12\"}", "account_id"},
      {"{\"clock\":{\"now\":-1}}", "clock"},
      {"{\"faults\":\"Nope=off\"}", "faults"},
      {"{\"security_configurations\": [", "state:1:"},
      {"[]", "state"},
      {"", "state"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    http_resp r;
    control(t, "POST", "state", cases[i].fixture, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(header(&r, "x-amzn-ErrorType"));
    char *message = error_message(&r);
    if (!strstr(message, cases[i].expected))
      fail_msg("fixture %zu: message '%s' does not name '%s'", i, message, cases[i].expected);
    free(message);
    resp_free(&r);
    char *after = gf_fake_dump(t->fake);
    assert_string_equal(after, before);
    gf_buffer_free(after);
    char *spec_after = gf_faults_spec(gf_fake_faults(t->fake));
    assert_string_equal(spec_after, spec_before);
    gf_buffer_free(spec_after);
  }
  gf_buffer_free(before);
  gf_buffer_free(spec_before);
  assert_http_state_is_dump(t);
  /* The rule survived, untouched (its one call still to come). */
  http_resp r;
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_error(&r, 400, "OperationTimeoutException");
  resp_free(&r);
}

static void test_control_post_faults(void **state)
{
  ctx *t = *state;
  create(t, "a");
  control_ok(t, "POST", "faults", "GetSecurityConfiguration=EntityNotFound(gone)");
  http_resp r;
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_error(&r, 400, "EntityNotFoundException");
  char *message = error_message(&r);
  assert_string_equal(message, "gone");
  free(message);
  resp_free(&r);
  /* A new spec replaces the rules (the Get rule is gone). */
  control_ok(t, "POST", "faults", "seed=7 ; CreateSecurityConfiguration = 1*off -> AlreadyExists");
  char *spec = gf_faults_spec(gf_fake_faults(t->fake));
  assert_null(strstr(spec, "GetSecurityConfiguration"));
  assert_non_null(strstr(spec, "CreateSecurityConfiguration"));
  gf_buffer_free(spec);
  api(t, "GetSecurityConfiguration", "{\"Name\":\"a\"}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  create(t, "b");
  char *body = create_body("c");
  api(t, "CreateSecurityConfiguration", body, &r);
  free(body);
  assert_error(&r, 400, "AlreadyExistsException");
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 2);
  /* Counters restart when a spec is installed again. */
  control_ok(t, "POST", "faults", "CreateSecurityConfiguration=1*off->AlreadyExists");
  create(t, "c");
  /* An empty spec: no rules. */
  control_ok(t, "POST", "faults", "");
  create(t, "d");
  spec = gf_faults_spec(gf_fake_faults(t->fake));
  assert_string_equal(spec, "");
  gf_buffer_free(spec);
}

static void test_control_post_faults_bad_spec(void **state)
{
  ctx *t = *state;
  control_ok(t, "POST", "faults", "GetSecurityConfigurations=1*InternalService");
  char *before = gf_faults_spec(gf_fake_faults(t->fake));
  static const struct {
    const char *spec;
    const char *column;
  } cases[] = {
      {"CreateSecurityConfiguration=bogus", "column 29"},
      {"Nope=off", "column 1"},
      {"*=1*InternalService;*=off", "column"},
      {"GetSecurityConfiguration=200%off", "column"},
      {"CreateSecurityConfiguration=delay(600001)", "column"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    http_resp r;
    control(t, "POST", "faults", cases[i].spec, &r);
    assert_int_equal(r.status, 400);
    assert_non_null(header(&r, "x-amzn-ErrorType"));
    assert_string_equal(header(&r, "x-amzn-ErrorType"), "InvalidInputException");
    char *message = error_message(&r);
    if (!strstr(message, cases[i].column))
      fail_msg("spec '%s': message '%s' does not name '%s'", cases[i].spec, message,
               cases[i].column);
    free(message);
    resp_free(&r);
    char *after = gf_faults_spec(gf_fake_faults(t->fake));
    assert_string_equal(after, before);
    gf_buffer_free(after);
  }
  /* A NUL byte in the body. */
  http_resp r;
  request(t->port, "POST", "/_gluefake/faults", NULL, "*=off\0x", 7, &r);
  assert_int_equal(r.status, 400);
  assert_request_id(&r);
  resp_free(&r);
  gf_buffer_free(before);
  /* The old rule is still installed and unused. */
  api(t, "GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 500, "InternalServiceException");
  resp_free(&r);
}

static void test_control_delete_faults(void **state)
{
  ctx *t = *state;
  control_ok(t, "POST", "faults", "*=InternalService");
  http_resp r;
  api(t, "GetSecurityConfigurations", "{}", &r);
  assert_error(&r, 500, "InternalServiceException");
  resp_free(&r);
  control(t, "DELETE", "faults", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{}");
  resp_free(&r);
  char *spec = gf_faults_spec(gf_fake_faults(t->fake));
  assert_string_equal(spec, "");
  gf_buffer_free(spec);
  api(t, "GetSecurityConfigurations", "{}", &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  /* Deleting no rules is fine; the call log stays. */
  control_ok(t, "DELETE", "faults", NULL);
  assert_int_equal(http_call_count(t), 2);
}

static void test_control_get_calls(void **state)
{
  ctx *t = *state;
  http_resp r;
  assert_int_equal(http_call_count(t), 0);
  create(t, "a");
  both(t, "GetSecurityConfiguration", "{\"Name\":\"missing\"}", 400, NULL);
  control_ok(t, "POST", "faults", "GetSecurityConfigurations=1*InternalService(injected)");
  api(t, "GetSecurityConfigurations", "{\"MaxResults\":5}", &r);
  assert_int_equal(r.status, 500);
  resp_free(&r);
  /* Not calls: protocol errors never reach the fake. */
  api(t, "Nope", "{}", &r);
  resp_free(&r);
  api(t, "GetSecurityConfiguration", "[", &r);
  resp_free(&r);

  control(t, "GET", "calls", NULL, &r);
  assert_int_equal(r.status, 200);
  /* The log as a transcript, with how many calls its bound dropped. */
  gf_transcript_options counted = GF_TRANSCRIPT_OPTIONS_INIT;
  counted.count_dropped = 1;
  char *expected = gf_calls_transcript_ext(gf_fake_calls(t->fake), &counted, NULL);
  assert_string_equal(r.body, expected);
  gf_buffer_free(expected);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(json, "dropped")->valueint, 0);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, "transcript");
  assert_int_equal(cJSON_GetArraySize(list), 3);
  static const char *const ops[] = {"CreateSecurityConfiguration", "GetSecurityConfiguration",
                                    "GetSecurityConfigurations"};
  for (int i = 0; i < 3; i++) {
    const cJSON *e = cJSON_GetArrayItem(list, i);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "operation")->valuestring, ops[i]);
    assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "request")));
  }
  const cJSON *first = cJSON_GetArrayItem(list, 0);
  const cJSON *resp = cJSON_GetObjectItemCaseSensitive(first, "response");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(resp, "Name")->valuestring, "a");
  assert_int_equal((long)cJSON_GetObjectItemCaseSensitive(resp, "CreatedTimestamp")->valuedouble,
                   T0);
  const cJSON *err1 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 1), "error");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(err1, "__type")->valuestring,
                      "EntityNotFoundException");
  const cJSON *third = cJSON_GetArrayItem(list, 2);
  const cJSON *err2 = cJSON_GetObjectItemCaseSensitive(third, "error");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(err2, "__type")->valuestring,
                      "InternalServiceException");
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(err2, "Message")->valuestring, "injected");
  assert_int_equal(cJSON_GetObjectItemCaseSensitive(
                       cJSON_GetObjectItemCaseSensitive(third, "request"), "MaxResults")
                       ->valueint,
                   5);
  cJSON_Delete(json);
  resp_free(&r);
  /* Reading the log does not change it. */
  assert_int_equal(http_call_count(t), 3);
}

static void test_control_unknown_paths_404(void **state)
{
  ctx *t = *state;
  static const char *const paths[][2] = {
      {"GET", "/_gluefake/nothing"}, {"POST", "/_gluefake/"},       {"GET", "/_gluefake/"},
      {"POST", "/_gluefake/resets"}, {"GET", "/_gluefake/state/x"}, {"POST", "/_gluefake/RESET"},
      {"DELETE", "/_gluefake/call"},
  };
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    http_resp r;
    request(t->port, paths[i][0], paths[i][1], NULL, "{}", strlen("{}"), &r);
    if (r.status != 404)
      fail_msg("%s %s: %d, expected 404", paths[i][0], paths[i][1], r.status);
    assert_request_id(&r);
    resp_free(&r);
  }
  create(t, "a");
  assert_still_serving(t, 1, 1);
}

static void test_control_wrong_methods_405(void **state)
{
  ctx *t = *state;
  create(t, "a");
  static const char *const calls[][2] = {
      {"GET", "reset"},    {"DELETE", "reset"}, {"PUT", "state"},
      {"DELETE", "state"}, {"GET", "faults"},   {"PUT", "faults"},
      {"POST", "calls"},   {"DELETE", "calls"}, {"PATCH", "state"},
  };
  for (size_t i = 0; i < sizeof calls / sizeof *calls; i++) {
    http_resp r;
    control(t, calls[i][0], calls[i][1], "{}", &r);
    if (r.status != 405)
      fail_msg("%s /_gluefake/%s: %d, expected 405", calls[i][0], calls[i][1], r.status);
    resp_free(&r);
  }
  /* Nothing happened: GET reset did not reset, DELETE calls did not clear. */
  assert_still_serving(t, 1, 1);
}

/* ---- keep-alive and concurrency ------------------------------------------------- */

static void test_keep_alive_100_requests(void **state)
{
  ctx *t = *state;
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  char headers[256];
  char ids[100][64];
  for (int i = 0; i < 100; i++) {
    http_resp r;
    char name[32], body[256];
    snprintf(name, sizeof name, "k%d", i / 2);
    if (i % 2 == 0) {
      char *b = create_body(name);
      snprintf(body, sizeof body, "%s", b);
      free(b);
      api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
    } else {
      snprintf(body, sizeof body, "{\"Name\":\"%s\"}", name);
      api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfiguration");
    }
    int rc = conn_request(&c, "POST", "/", headers, body, strlen(body), &r);
    if (rc != RESP_OK)
      fail_msg("request %d on the kept-alive connection: no response (%d)", i, rc);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, name));
    const char *connection = header(&r, "Connection");
    assert_true(!connection || strcasecmp(connection, "close") != 0);
    assert_request_id(&r);
    snprintf(ids[i], sizeof ids[i], "%s", header(&r, "x-amzn-RequestId"));
    for (int j = 0; j < i; j++)
      assert_string_not_equal(ids[j], ids[i]);
    resp_free(&r);
  }
  /* Errors keep the connection too. */
  http_resp r;
  api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfiguration");
  assert_int_equal(
      conn_request(&c, "POST", "/", headers, "{\"Name\":\"zz\"}", strlen("{\"Name\":\"zz\"}"), &r),
      RESP_OK);
  assert_error(&r, 400, "EntityNotFoundException");
  resp_free(&r);
  assert_int_equal(
      conn_request(&c, "POST", "/", headers, "{\"Name\":\"k0\"}", strlen("{\"Name\":\"k0\"}"), &r),
      RESP_OK);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  conn_close(&c);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 50);
  assert_int_equal(http_call_count(t), 102);
}

#define WORKERS 8
#define WORKER_REQUESTS 200

typedef struct worker {
  unsigned port;
  int id;
  int failures;
  int reconnects;
  char first_failure[256];
} worker;

static void worker_fail(worker *w, int i, const char *what, int status)
{
  if (w->failures++ == 0)
    snprintf(w->first_failure, sizeof w->first_failure, "worker %d, request %d: %s (%d)", w->id, i,
             what, status);
}

static void *worker_main(void *arg)
{
  worker *w = arg;
  conn c;
  if (conn_open(&c, w->port) != 0) {
    worker_fail(w, -1, "cannot connect", 0);
    return NULL;
  }
  for (int i = 0; i < WORKER_REQUESTS; i++) {
    char name[32], body[256], headers[256];
    snprintf(name, sizeof name, "w%d-%d", w->id, i / 2);
    if (i % 2 == 0) {
      char *b = create_body(name);
      snprintf(body, sizeof body, "%s", b);
      free(b);
      api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
    } else {
      snprintf(body, sizeof body, "{\"Name\":\"%s\"}", name);
      api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfiguration");
    }
    http_resp r;
    int rc = conn_request(&c, "POST", "/", headers, body, strlen(body), &r);
    if (rc != RESP_OK) {
      worker_fail(w, i, "no response", rc);
      resp_free(&r);
      conn_close(&c);
      w->reconnects++;
      if (conn_open(&c, w->port) != 0)
        return NULL;
      continue;
    }
    if (r.status != 200)
      worker_fail(w, i, r.body ? r.body : "status", r.status);
    else if (!r.body || !strstr(r.body, name))
      worker_fail(w, i, "wrong body", r.status);
    else if (!header(&r, "x-amzn-RequestId"))
      worker_fail(w, i, "no request id", r.status);
    resp_free(&r);
  }
  conn_close(&c);
  return NULL;
}

static void test_concurrent_connections(void **state)
{
  ctx *t = *state;
  pthread_t threads[WORKERS];
  worker workers[WORKERS];
  for (int i = 0; i < WORKERS; i++) {
    workers[i] = (worker){.port = t->port, .id = i};
    assert_int_equal(pthread_create(&threads[i], NULL, worker_main, &workers[i]), 0);
  }
  for (int i = 0; i < WORKERS; i++)
    pthread_join(threads[i], NULL);
  for (int i = 0; i < WORKERS; i++)
    if (workers[i].failures)
      fail_msg("%d failures, the first: %s", workers[i].failures, workers[i].first_failure);
  size_t expected = WORKERS * WORKER_REQUESTS / 2;
  assert_int_equal(gf_fake_security_configuration_count(t->fake), expected);
  assert_int_equal(http_call_count(t), WORKERS * WORKER_REQUESTS);
  /* Listed over HTTP: every one, once. */
  http_resp r;
  api(t, "GetSecurityConfigurations", "{\"MaxResults\":1000}", &r);
  assert_int_equal(r.status, 200);
  cJSON *json = cJSON_Parse(r.body);
  assert_non_null(json);
  assert_int_equal(
      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(json, "SecurityConfigurations")),
      expected);
  assert_null(cJSON_GetObjectItemCaseSensitive(json, "NextToken"));
  cJSON_Delete(json);
  resp_free(&r);
  assert_http_state_is_dump(t);
}

/* ---- robustness of the port ----------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/*
 * Opens one connection per payload and sends each (no half-close), waits a
 * moment once, then reads what came back on each.  libmicrohttpd keeps a
 * connection whose request line never ended open until its own timeout, so
 * silence is allowed; but a response that did come must be an error (4xx or
 * 5xx), never a success.
 */
static void send_raw_batch(unsigned port, const char *const *payloads, const size_t *lens,
                           size_t n)
{
  conn *cs = calloc(n, sizeof *cs);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(conn_open(&cs[i], port), 0);
    send_all(&cs[i], payloads[i], lens[i]); /* the server may close early */
  }
  sleep_ms(100);
  for (size_t i = 0; i < n; i++) {
    struct timeval tv = {0, 20000};
    setsockopt(cs[i].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    http_resp r;
    if (read_response(&cs[i], &r) == RESP_OK && (r.status < 400 || r.status >= 600))
      fail_msg("payload %zu: status %d, expected an error or no answer", i, r.status);
    resp_free(&r);
    conn_close(&cs[i]);
  }
  free(cs);
}

#define GARBAGE_ROUNDS 12

static void test_garbage_bytes(void **state)
{
  ctx *t = *state;
  create(t, "before");
  rng_state = 20240601;
  char *junk[GARBAGE_ROUNDS];
  const char *sent[GARBAGE_ROUNDS];
  size_t lens[GARBAGE_ROUNDS];
  for (int round = 0; round < GARBAGE_ROUNDS; round++) {
    size_t len = 64 + rng_next() % 8192;
    junk[round] = malloc(len);
    for (size_t i = 0; i < len; i++)
      junk[round][i] = (char)rng_next();
    /* Some rounds start like a request, so the junk reaches further. */
    static const char *const starts[] = {"", "POST / HTTP/1.1\r\nX-Amz-Target: AWSGlue.",
                                         "POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n"};
    memcpy(junk[round], starts[round % 3], strlen(starts[round % 3]));
    lens[round] = len;
    sent[round] = junk[round];
  }
  send_raw_batch(t->port, sent, lens, GARBAGE_ROUNDS);
  for (int round = 0; round < GARBAGE_ROUNDS; round++)
    free(junk[round]);
  assert_still_serving(t, 1, 1);
}

static void test_non_http_line(void **state)
{
  ctx *t = *state;
  create(t, "before");
  static const char *const lines[] = {
      "HELLO THERE\r\n\r\n",
      "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", /* a TLS ClientHello */
      "GET\r\n\r\n",
      "POST / HTTP/9.9\r\nHost: x\r\n\r\n",
      "POST /  HTTP/1.1 extra words\r\n\r\n",
      "\r\n\r\n\r\n",
      "POST / HTTP/1.1\r\nno colon in this header\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "POST / HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
  };
  enum { N = sizeof lines / sizeof *lines };
  const char *payloads[N];
  size_t lens[N];
  for (size_t i = 0; i < N; i++) {
    payloads[i] = lines[i];
    lens[i] = strlen(lines[i]);
  }
  send_raw_batch(t->port, payloads, lens, N);
  assert_still_serving(t, 1, 1);
}

static void test_truncated_request(void **state)
{
  ctx *t = *state;
  create(t, "before");
  static const char *const cuts[] = {
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Tar",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: AWSGlue.CreateSecurityConf",
      "POST / HT",
      "POST /_gluefake/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n",
  };
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    conn c;
    assert_int_equal(conn_open(&c, t->port), 0);
    assert_int_equal(send_str(&c, cuts[i]), 0);
    sleep_ms(5);
    conn_close(&c);
  }
  /* The reset that was cut before its blank line did not happen. */
  assert_still_serving(t, 1, 1);
}

static void test_short_body(void **state)
{
  ctx *t = *state;
  create(t, "before");
  char *body = create_body("never");
  char req[1024];
  /* Content-Length promises more than is sent, then the client goes. */
  snprintf(req, sizeof req,
           "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: "
           "AWSGlue.CreateSecurityConfiguration\r\nContent-Type: " JSON_TYPE
           "\r\nContent-Length: %zu\r\n\r\n%s",
           strlen(body) + 10, body);
  free(body);
  for (int i = 0; i < 3; i++) {
    conn c;
    assert_int_equal(conn_open(&c, t->port), 0);
    assert_int_equal(send_str(&c, req), 0);
    if (i == 1)
      shutdown(c.fd, SHUT_WR);
    sleep_ms(5);
    conn_close(&c);
  }
  /* The same for the control plane: a cut-off fixture loads nothing. */
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  assert_int_equal(send_str(&c, "POST /_gluefake/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: "
                                "100\r\n\r\n{}"),
                   0);
  sleep_ms(5);
  conn_close(&c);
  assert_still_serving(t, 1, 1);
}

static void test_wrong_methods_on_root(void **state)
{
  ctx *t = *state;
  create(t, "before");
  static const char *const methods[] = {"GET", "PUT", "DELETE", "PATCH", "OPTIONS"};
  for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
    char headers[256];
    api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfigurations");
    http_resp r;
    request(t->port, methods[i], "/", headers, "{}", strlen("{}"), &r);
    if (r.status != 405)
      fail_msg("%s /: %d, expected 405", methods[i], r.status);
    assert_request_id(&r);
    resp_free(&r);
  }
  /* DELETE / with a Delete target deleted nothing. */
  http_resp r;
  request(t->port, "DELETE", "/", "X-Amz-Target: AWSGlue.DeleteSecurityConfiguration\r\n",
          "{\"Name\":\"before\"}", strlen("{\"Name\":\"before\"}"), &r);
  assert_int_equal(r.status, 405);
  resp_free(&r);
  assert_still_serving(t, 1, 1);
}

static void test_wrong_paths(void **state)
{
  ctx *t = *state;
  create(t, "before");
  static const char *const paths[] = {"/foo", "/_gluefake",  "/_gluefakereset",
                                      "//",   "/index.html", "/2017-03-31/functions"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    char headers[256];
    api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
    http_resp r;
    char *body = create_body("never");
    request(t->port, "POST", paths[i], headers, body, strlen(body), &r);
    free(body);
    if (r.status != 404)
      fail_msg("POST %s: %d, expected 404", paths[i], r.status);
    assert_request_id(&r);
    resp_free(&r);
  }
  assert_still_serving(t, 1, 1);
}

static void test_huge_header(void **state)
{
  ctx *t = *state;
  create(t, "before");
  size_t big = 200 * 1024;
  const char *start = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: "
                      "AWSGlue.GetSecurityConfigurations\r\nX-Big: ";
  const char *end = "\r\nContent-Length: 2\r\n\r\n{}";
  size_t len = strlen(start) + big + strlen(end);
  char *req = malloc(len);
  memcpy(req, start, strlen(start));
  memset(req + strlen(start), 'a', big);
  memcpy(req + strlen(start) + big, end, strlen(end));
  int status = send_raw_and_drain(t->port, req, len);
  if (status == RESP_TIMEOUT)
    fail_msg("a 200 KB header: the server neither answered nor closed");
  if (status != 0 && (status < 400 || status >= 500))
    fail_msg("a 200 KB header: status %d, expected a 4xx or a closed connection", status);
  /* A huge request line too. */
  memcpy(req, "POST /", 6);
  memset(req + 6, 'x', big);
  memcpy(req + 6 + big, " HTTP/1.1\r\n\r\n", 13);
  status = send_raw_and_drain(t->port, req, 6 + big + 13);
  if (status == RESP_TIMEOUT)
    fail_msg("a 200 KB request line: the server neither answered nor closed");
  if (status != 0 && (status < 400 || status >= 500))
    fail_msg("a 200 KB request line: status %d", status);
  free(req);
  assert_still_serving(t, 1, 1);
}

static void test_many_headers(void **state)
{
  ctx *t = *state;
  create(t, "before");
  /* A hundred extra headers: served normally. */
  size_t cap = 1 << 20;
  char *headers = malloc(cap);
  size_t n = (size_t)snprintf(headers, cap, "X-Amz-Target: AWSGlue.GetSecurityConfiguration\r\n");
  for (int i = 0; i < 100; i++)
    n += (size_t)snprintf(headers + n, cap - n, "X-Extra-%d: value-%d\r\n", i, i);
  http_resp r;
  request(t->port, "POST", "/", headers, "{\"Name\":\"before\"}", strlen("{\"Name\":\"before\"}"),
          &r);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "before"));
  resp_free(&r);
  /* Ten thousand: a 4xx or a closed connection, never a crash. */
  n = 0;
  n += (size_t)snprintf(headers + n, cap - n,
                        "POST / HTTP/1.1\r\nX-Amz-Target: AWSGlue.GetSecurityConfigurations\r\n");
  for (int i = 0; i < 10000; i++)
    n += (size_t)snprintf(headers + n, cap - n, "X-Extra-%d: v\r\n", i);
  n += (size_t)snprintf(headers + n, cap - n, "Content-Length: 2\r\n\r\n{}");
  int status = send_raw_and_drain(t->port, headers, n);
  free(headers);
  if (status == RESP_TIMEOUT)
    fail_msg("10000 headers: the server neither answered nor closed");
  if (status != 0 && status != 200 && (status < 400 || status >= 500))
    fail_msg("10000 headers: status %d", status);
  assert_still_serving(t, 1, 2 + (status == 200));
}

static void test_slow_client(void **state)
{
  ctx *t = *state;
  create(t, "before");
  char headers[256];
  api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfiguration");
  const char *body = "{\"Name\":\"before\"}";
  size_t len;
  char *req = build_request("POST", "/", headers, body, strlen(body), &len);
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  for (size_t i = 0; i < len; i++) {
    assert_int_equal(send_all(&c, req + i, 1), 0);
    sleep_ms(1);
  }
  free(req);
  http_resp r;
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"Name\":\"before\""));
  assert_request_id(&r);
  resp_free(&r);
  conn_close(&c);
  assert_still_serving(t, 1, 2);
}

#define IDLE 50

static void test_idle_connections(void **state)
{
  ctx *t = *state;
  create(t, "before");
  conn idle[IDLE];
  for (int i = 0; i < IDLE; i++) {
    assert_int_equal(conn_open(&idle[i], t->port), 0);
    /* some silent, some in the middle of a request line or a body */
    if (i % 3 == 1)
      assert_int_equal(send_str(&idle[i], "POST / HTTP/1.1\r\n"), 0);
    else if (i % 3 == 2)
      assert_int_equal(send_str(&idle[i], "POST / HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"), 0);
  }
  for (int i = 0; i < 20; i++) {
    http_resp r;
    api(t, "GetSecurityConfiguration", "{\"Name\":\"before\"}", &r);
    assert_int_equal(r.status, 200);
    resp_free(&r);
  }
  /* A kept-alive client too. */
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  char headers[256];
  api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfigurations");
  for (int i = 0; i < 10; i++) {
    http_resp r;
    assert_int_equal(conn_request(&c, "POST", "/", headers, "{}", strlen("{}"), &r), RESP_OK);
    assert_int_equal(r.status, 200);
    resp_free(&r);
  }
  conn_close(&c);
  assert_int_equal(gf_calls_count(gf_fake_calls(t->fake)), 31);
  for (int i = 0; i < IDLE; i++)
    conn_close(&idle[i]);
  assert_still_serving(t, 1, 31);
}

static void test_chunked_request(void **state)
{
  ctx *t = *state;
  char *body = create_body("chunky");
  char headers[256];
  api_headers(headers, sizeof headers, "AWSGlue.CreateSecurityConfiguration");
  conn c;
  assert_int_equal(conn_open(&c, t->port), 0);
  assert_int_equal(send_chunked(&c, headers, body, strlen(body), 7), 0);
  http_resp r;
  assert_int_equal(read_response(&c, &r), RESP_OK);
  gf_json_reply reply;
  assert_int_equal(gf_json_dispatch(gf_fake_backend(t->twin), "CreateSecurityConfiguration", body,
                                    strlen(body), &reply),
                   0);
  assert_same_as_reply(&r, &reply);
  assert_int_equal(r.status, 200);
  gf_json_reply_clear(&reply);
  resp_free(&r);
  /* A second chunked request on the same connection, then an empty one. */
  api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfiguration");
  const char *get = "{\"Name\":\"chunky\"}";
  assert_int_equal(send_chunked(&c, headers, get, strlen(get), 1), 0);
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"Name\":\"chunky\""));
  resp_free(&r);
  api_headers(headers, sizeof headers, "AWSGlue.GetSecurityConfigurations");
  assert_int_equal(send_chunked(&c, headers, "", 0, 1), 0);
  assert_int_equal(read_response(&c, &r), RESP_OK);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"Name\":\"chunky\""));
  resp_free(&r);
  conn_close(&c);
  free(body);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 1);
}

/* ---- gf_server_start and gf_server_stop ------------------------------------------ */

static void test_start_bad_host(void **state)
{
  ctx *t = *state;
  static const char *const hosts[] = {"not-an-ip",    "999.1.1.1", "",
                                      "127.0.0.1:80", "localhost", "::g"};
  for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_server *s = gf_server_start(t->fake, hosts[i], 0, &err);
    if (s) {
      gf_server_stop(s);
      fail_msg("gf_server_start accepted host '%s'", hosts[i]);
    }
    assert_int_not_equal(err.status, GF_OK);
    if (*hosts[i] && !strstr(gf_error_message(&err), hosts[i]))
      fail_msg("host '%s': the message '%s' does not name it", hosts[i], gf_error_message(&err));
    gf_error_clear(&err);
  }
  /* NULL err is fine. */
  assert_null(gf_server_start(t->fake, "not-an-ip", 0, NULL));
  /* NULL fake is an error, not a crash. */
  gf_error err = GF_ERROR_INIT;
  assert_null(gf_server_start(NULL, "127.0.0.1", 0, &err));
  assert_int_not_equal(err.status, GF_OK);
  gf_error_clear(&err);
}

/* A port that was free a moment ago. */
static unsigned free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  unsigned port = 0;
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0)
    close(fd);
  return port;
}

static void test_start_port_in_use(void **state)
{
  ctx *t = *state;
  gf_error err = GF_ERROR_INIT;
  gf_server *first = NULL;
  unsigned port = 0;
  for (int attempt = 0; attempt < 20 && !first; attempt++) {
    port = free_port();
    assert_int_not_equal(port, 0);
    first = gf_server_start(t->twin, "127.0.0.1", port, &err);
    gf_error_clear(&err);
  }
  assert_non_null(first);
  assert_int_equal(gf_server_port(first), port);
  gf_server *second = gf_server_start(t->fake, "127.0.0.1", port, &err);
  if (second) {
    gf_server_stop(second);
    gf_server_stop(first);
    fail_msg("a second server started on port %u", port);
  }
  assert_int_not_equal(err.status, GF_OK);
  char port_text[16];
  snprintf(port_text, sizeof port_text, "%u", port);
  assert_non_null(strstr(gf_error_message(&err), "127.0.0.1"));
  assert_non_null(strstr(gf_error_message(&err), port_text));
  gf_error_clear(&err);
  /* The port the test's own server holds is taken too. */
  second = gf_server_start(t->twin, "127.0.0.1", t->port, &err);
  assert_null(second);
  gf_error_clear(&err);
  /* The first server still serves, the twin's fake. */
  http_resp r;
  request(port, "POST", "/", "X-Amz-Target: AWSGlue.CreateSecurityConfiguration\r\n",
          "{\"Name\":\"on-first\",\"EncryptionConfiguration\":{}}",
          strlen("{\"Name\":\"on-first\",\"EncryptionConfiguration\":{}}"), &r);
  assert_int_equal(r.status, 200);
  resp_free(&r);
  assert_int_equal(gf_fake_security_configuration_count(t->twin), 1);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 0);
  gf_server_stop(first);
  /* Once stopped, the port can be served again. */
  gf_server *again = gf_server_start(t->twin, "127.0.0.1", port, &err);
  if (!again)
    fail_msg("restarting on port %u: %s", port, gf_error_message(&err));
  gf_server_stop(again);
}

static void test_start_port_out_of_range(void **state)
{
  ctx *t = *state;
  static const unsigned ports[] = {65536, 70000, 4294967295u};
  for (size_t i = 0; i < sizeof ports / sizeof *ports; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_server *s = gf_server_start(t->fake, "127.0.0.1", ports[i], &err);
    if (s) {
      gf_server_stop(s);
      fail_msg("port %u was accepted", ports[i]);
    }
    char text[16];
    snprintf(text, sizeof text, "%u", ports[i]);
    assert_int_equal(err.status, GF_INVALID_INPUT);
    assert_non_null(strstr(gf_error_message(&err), text));
    gf_error_clear(&err);
  }
}

static void test_stop_null_and_default_host(void **state)
{
  ctx *t = *state;
  gf_server_stop(NULL);
  /* NULL host: 127.0.0.1; a second server on the same fake. */
  gf_error err = GF_ERROR_INIT;
  gf_server *s = gf_server_start(t->fake, NULL, 0, &err);
  assert_non_null(s);
  unsigned port = gf_server_port(s);
  assert_int_not_equal(port, 0);
  assert_int_not_equal(port, t->port);
  http_resp r;
  request(port, "POST", "/", "X-Amz-Target: AWSGlue.GetDataCatalogEncryptionSettings\r\n", "{}",
          strlen("{}"), &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, DEFAULT_DCES);
  resp_free(&r);
  gf_server_stop(s);
  /* Stopped: nothing listens there any more. */
  conn c;
  assert_int_not_equal(conn_open(&c, port), 0);
  /* Stopping a server with idle open connections returns. */
  s = gf_server_start(t->fake, NULL, 0, &err);
  assert_non_null(s);
  conn open1, open2;
  assert_int_equal(conn_open(&open1, gf_server_port(s)), 0);
  assert_int_equal(conn_open(&open2, gf_server_port(s)), 0);
  assert_int_equal(send_str(&open2, "POST / HTTP/1.1\r\n"), 0);
  sleep_ms(20);
  gf_server_stop(s);
  conn_close(&open1);
  conn_close(&open2);
}

static void test_ipv6_loopback(void **state)
{
  ctx *t = *state;
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  struct sockaddr_in6 a;
  memset(&a, 0, sizeof a);
  a.sin6_family = AF_INET6;
  inet_pton(AF_INET6, "::1", &a.sin6_addr);
  int usable = probe >= 0 && bind(probe, (struct sockaddr *)&a, sizeof a) == 0;
  if (probe >= 0)
    close(probe);
  if (!usable) {
    print_message("no IPv6 loopback on this machine: skipped\n");
    skip();
  }
  gf_error err = GF_ERROR_INIT;
  gf_server *s = gf_server_start(t->fake, "::1", 0, &err);
  if (!s)
    fail_msg("gf_server_start(\"::1\"): %s", gf_error_message(&err));
  unsigned port = gf_server_port(s);
  assert_int_not_equal(port, 0);
  conn c;
  assert_int_equal(conn_open_family(&c, AF_INET6, port), 0);
  http_resp r;
  assert_int_equal(conn_request(&c, "POST", "/",
                                "X-Amz-Target: AWSGlue.CreateSecurityConfiguration\r\n",
                                "{\"Name\":\"v6\",\"EncryptionConfiguration\":{}}",
                                strlen("{\"Name\":\"v6\",\"EncryptionConfiguration\":{}}"), &r),
                   RESP_OK);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "{\"Name\":\"v6\",\"CreatedTimestamp\":1700000000}");
  assert_request_id(&r);
  resp_free(&r);
  conn_close(&c);
  gf_server_stop(s);
  assert_int_equal(gf_fake_security_configuration_count(t->fake), 1);
}

/* ---- main ---------------------------------------------------------------------- */

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_op_get_data_catalog_encryption_settings),
      T(test_op_put_data_catalog_encryption_settings),
      T(test_op_put_resource_policy),
      T(test_op_get_resource_policy),
      T(test_op_delete_resource_policy),
      T(test_op_create_security_configuration),
      T(test_op_delete_security_configuration),
      T(test_op_get_security_configuration),
      T(test_op_get_security_configurations),
      T(test_empty_body_counts_as_empty_object),
      T(test_authorization_header_accepted),
      T(test_header_names_case_insensitive),
      T(test_unknown_members_ignored),
      T(test_error_entity_not_found),
      T(test_error_already_exists),
      T(test_error_invalid_input),
      T(test_error_condition_check_failure),
      T(test_error_resource_number_limit_exceeded),
      T(test_error_internal_service_injected),
      T(test_error_operation_timeout_injected),
      T(test_unknown_operation),
      T(test_serialization_exception),
      T(test_body_too_large_announced),
      T(test_body_too_large_sent_in_full),
      T(test_body_too_large_chunked),
      T(test_state_body_limit),
      T(test_body_of_exactly_1mib_accepted),
      T(test_request_ids_everywhere_and_distinct),
      T(test_control_reset),
      T(test_control_get_state),
      T(test_control_post_state),
      T(test_control_post_state_bad_fixture),
      T(test_control_post_faults),
      T(test_control_post_faults_bad_spec),
      T(test_control_delete_faults),
      T(test_control_get_calls),
      T(test_control_unknown_paths_404),
      T(test_control_wrong_methods_405),
      T(test_keep_alive_100_requests),
      T(test_concurrent_connections),
      T(test_garbage_bytes),
      T(test_non_http_line),
      T(test_truncated_request),
      T(test_short_body),
      T(test_wrong_methods_on_root),
      T(test_wrong_paths),
      T(test_huge_header),
      T(test_many_headers),
      T(test_slow_client),
      T(test_idle_connections),
      T(test_chunked_request),
      T(test_start_bad_host),
      T(test_start_port_in_use),
      T(test_start_port_out_of_range),
      T(test_stop_null_and_default_host),
      T(test_ipv6_loopback),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
