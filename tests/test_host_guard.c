/*
 * test_host_guard.c - the control plane answers only loopback or allowed
 * hosts (fake/server/host_guard.c): the rule on Host and Origin values
 * alone, then over HTTP on several control endpoints (a refused request
 * changes nothing; the API is never subject to it), the 403's shape,
 * gf_server_options.allow_hosts and its refusals, options of older
 * versions, and gf_server_address_is_loopback.
 *
 * Requests are written byte for byte on plain sockets (helpers.h), so that
 * a test chooses every header, or none, and the HTTP version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include "gluefake.h"
#include "gluefake/server.h"
#include "gluefake/sys/alloc.h"
#include "helpers.h"
#include "server/host_guard.h"

#define RULE_START "the control plane answers only requests whose Host, and Origin if any, is a loopback"

/* ---- the rule alone ---------------------------------------------------------- */

typedef struct host_case {
  const char *value;
  int allowed;
} host_case;

/* Host values and whether the loopback rule (no host allowed) takes them. */
static const host_case host_cases[] = {
    {"localhost", 1},
    {"localhost:4566", 1},
    {"LOCALHOST", 1},
    {"LocalHost:80", 1},
    {"localhost:", 1}, /* RFC 9110: port = *DIGIT */
    {"localhost:65535", 1},
    {"127.0.0.1", 1},
    {"127.0.0.1:4566", 1},
    {"127.8.9.10:80", 1},
    {"127.255.255.255", 1},
    {"127.0.0.0", 1},
    {"[::1]", 1},
    {"[::1]:4566", 1},
    {"[0:0:0:0:0:0:0:1]:1", 1},
    {"localhost.evil.example", 0},
    {"localhost.evil.example:4566", 0},
    {"127.0.0.1.evil.example", 0},
    {"127.0.0.1.nip.io", 0},
    {"evil.example", 0},
    {"evil.example:4566", 0},
    {"foo.localhost", 0},
    {"xlocalhost", 0},
    {"localhostx", 0},
    {"localhost.", 0},
    {"[::2]", 0},
    {"[::ffff:127.0.0.1]", 0},
    {"[fe80::1]", 0},
    {"[::1%lo]", 0},
    {"[127.0.0.1]", 0},
    {"[localhost]", 0},
    {"::1", 0},
    {"[::1", 0},
    {"[::1]x", 0},
    {"[::1]:", 1},
    {"[]", 0},
    {"0.0.0.0", 0},
    {"0.0.0.0:4566", 0},
    {"128.0.0.1", 0},
    {"126.255.255.255", 0},
    {"10.0.0.1", 0},
    {"127.1", 0},
    {"0177.0.0.1", 0},
    {"127.000.000.001", 0},
    {"2130706433", 0},
    {"0x7f000001", 0},
    {"", 0},
    {":4566", 0},
    {"localhost:65536", 0},
    {"localhost:123456", 0},
    {"localhost:00080x", 0},
    {"localhost:80:80", 0},
    {"localhost:-1", 0},
    {"localhost:x", 0},
    {" localhost", 0},
    {"localhost ", 0},
    {"local host", 0},
    {"localhost/", 0},
    {"user@localhost", 0},
    {"l\xd0\xbe" "calhost", 0}, /* a Cyrillic o */
};

static void test_rule_on_host_values(void **state)
{
  (void)state;
  gfi_host_guard guard;
  assert_int_equal(gfi_host_guard_init(&guard, NULL, 0, NULL), GF_OK);
  for (size_t i = 0; i < sizeof host_cases / sizeof host_cases[0]; i++)
    if (gfi_host_guard_allows_host(&guard, host_cases[i].value) != host_cases[i].allowed)
      fail_msg("Host '%s': expected %s", host_cases[i].value,
               host_cases[i].allowed ? "allowed" : "refused");
  assert_int_equal(gfi_host_guard_allows_host(&guard, NULL), 0);
  gfi_host_guard_clear(&guard);
}

/* Origin values and whether the loopback rule takes them. */
static const host_case origin_cases[] = {
    {"http://localhost", 1},
    {"http://localhost:3000", 1},
    {"https://127.0.0.1", 1},
    {"http://127.8.9.10:80", 1},
    {"http://[::1]:8080", 1},
    {"HTTP://LOCALHOST", 1},
    {"chrome-extension+x.y://localhost", 1}, /* any scheme: the host is what matters */
    {"null", 0},
    {"", 0},
    {"http://evil.example", 0},
    {"http://evil.example:4566", 0},
    {"http://localhost.evil.example", 0},
    {"http://127.0.0.1.evil.example", 0},
    {"http://[::2]", 0},
    {"localhost", 0},
    {"localhost:4566", 0},
    {"//localhost", 0},
    {"://localhost", 0},
    {"1http://localhost", 0},
    {"http:/localhost", 0},
    {"http://localhost/", 0},
    {"http://localhost:3000/path", 0},
    {"http://user@localhost", 0},
    {"http://", 0},
    {"file://", 0},
    {"http://localhost http://evil.example", 0},
    {"http://evil.example http://localhost", 0},
};

static void test_rule_on_origin_values(void **state)
{
  (void)state;
  gfi_host_guard guard;
  assert_int_equal(gfi_host_guard_init(&guard, NULL, 0, NULL), GF_OK);
  for (size_t i = 0; i < sizeof origin_cases / sizeof origin_cases[0]; i++)
    if (gfi_host_guard_allows_origin(&guard, origin_cases[i].value) != origin_cases[i].allowed)
      fail_msg("Origin '%s': expected %s", origin_cases[i].value,
               origin_cases[i].allowed ? "allowed" : "refused");
  assert_int_equal(gfi_host_guard_allows_origin(&guard, NULL), 0);
  gfi_host_guard_clear(&guard);
}

static void test_rule_with_allowed_hosts(void **state)
{
  (void)state;
  static const char *const names[] = {"MyHost.lan", "192.168.1.5", "[fd00::1]", "fd00::2",
                                      "gluefake_box"};
  gfi_host_guard guard;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gfi_host_guard_init(&guard, names, 5, &err), GF_OK);
  static const host_case cases[] = {
      {"myhost.lan", 1},        {"MYHOST.LAN:8080", 1},        {"myhost.lan:", 1},
      {"myhost.lan.evil", 0},   {"evil.myhost.lan", 0},        {"myhost", 0},
      {"192.168.1.5", 1},       {"192.168.1.5:4566", 1},       {"192.168.1.50", 0},
      {"[fd00::1]", 1},         {"[FD00:0:0::1]:80", 1},       {"fd00::1", 0},
      {"[fd00::2]:4566", 1},    {"[fd00::3]", 0},              {"gluefake_box:1", 1},
      {"localhost", 1},         {"127.0.0.1:9", 1},            {"[::1]", 1},
      {"evil.example", 0},      {"[192.168.1.5]", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (gfi_host_guard_allows_host(&guard, cases[i].value) != cases[i].allowed)
      fail_msg("Host '%s' with allowed hosts: expected %s", cases[i].value,
               cases[i].allowed ? "allowed" : "refused");
  assert_true(gfi_host_guard_allows_origin(&guard, "http://myhost.lan:3000"));
  assert_true(gfi_host_guard_allows_origin(&guard, "https://[fd00::1]"));
  assert_false(gfi_host_guard_allows_origin(&guard, "http://myhost.lan.evil"));
  gfi_host_guard_clear(&guard);
  gfi_host_guard_clear(&guard); /* twice: nothing left to free */
  gf_error_clear(&err);
}

static void test_rule_check_messages(void **state)
{
  (void)state;
  gfi_host_guard guard;
  assert_int_equal(gfi_host_guard_init(&guard, NULL, 0, NULL), GF_OK);
  static const struct {
    gfi_request_hosts hosts;
    const char *says; /* NULL: allowed */
  } cases[] = {
      {{"127.0.0.1:4566", NULL, 1, 0}, NULL},
      {{"localhost", "http://localhost:3000", 1, 1}, NULL},
      {{NULL, NULL, 0, 0}, "; the request has no Host header"},
      {{"evil.example", NULL, 1, 0}, "; Host was 'evil.example'"},
      {{"localhost", NULL, 2, 0}, "; the request has 2 Host headers"},
      {{"localhost", "null", 1, 1}, "; Origin was 'null'"},
      {{"localhost", "", 1, 1}, "; Origin was ''"},
      {{"localhost", "http://evil.example", 1, 1}, "; Origin was 'http://evil.example'"},
      {{"localhost", "http://localhost", 1, 2}, "; the request has 2 Origin headers"},
      {{"evil\x01\xff", NULL, 1, 0}, "; Host was 'evil?" "?'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    gf_error err = GF_ERROR_INIT;
    gf_status status = gfi_host_guard_check(&guard, &cases[i].hosts, &err);
    if (!cases[i].says) {
      assert_int_equal(status, GF_OK);
      continue;
    }
    assert_int_equal(status, GF_ACCESS_DENIED);
    assert_int_equal(err.status, GF_ACCESS_DENIED);
    assert_contains(gf_error_message(&err), RULE_START);
    assert_contains(gf_error_message(&err), "--allow-host");
    assert_contains(gf_error_message(&err), cases[i].says);
    gf_error_clear(&err);
  }
  /* A long value is quoted up to 200 bytes. */
  char longer[400];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  gfi_request_hosts hosts = {longer, NULL, 1, 0};
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gfi_host_guard_check(&guard, &hosts, &err), GF_ACCESS_DENIED);
  assert_contains(gf_error_message(&err), "aaaa...'");
  assert_true(strlen(gf_error_message(&err)) < 500);
  gf_error_clear(&err);
  gfi_host_guard_clear(&guard);
}

/* An allocator that fails its `fail_at`-th allocation (0: none), and counts
 * the blocks it has handed out and not had back. */
static struct {
  unsigned long count, fail_at;
  long live;
} oom;

static void *oom_malloc(size_t size)
{
  if (++oom.count == oom.fail_at)
    return NULL;
  void *p = malloc(size);
  oom.live += p != NULL;
  return p;
}

static void *oom_realloc(void *ptr, size_t size)
{
  if (++oom.count == oom.fail_at)
    return NULL;
  void *p = realloc(ptr, size);
  oom.live += p && !ptr;
  return p;
}

static void oom_free(void *ptr)
{
  oom.live -= ptr != NULL;
  free(ptr);
}

/* Every allocation of the allowed hosts failed in turn: out of memory said
 * as such, nothing kept. */
static void test_rule_out_of_memory(void **state)
{
  (void)state;
  static const char *const names[] = {"a.test", "192.168.1.5", "[fd00::1]"};
  static const gf_allocator counting = {oom_malloc, oom_realloc, oom_free};
  gf_set_allocator(&counting);
  unsigned long n;
  for (n = 1;; n++) {
    oom.count = 0, oom.fail_at = n, oom.live = 0;
    gfi_host_guard guard;
    gf_error err = GF_ERROR_INIT;
    gf_status status = gfi_host_guard_init(&guard, names, 3, &err);
    oom.fail_at = 0;
    if (status == GF_OK) {
      assert_true(gfi_host_guard_allows_host(&guard, "[fd00::1]:1"));
      gfi_host_guard_clear(&guard);
      assert_int_equal(oom.live, 0);
      break;
    }
    assert_int_equal(status, GF_INTERNAL_SERVICE);
    assert_string_equal(gf_error_message(&err), "server: out of memory");
    assert_null(guard.hosts);
    assert_int_equal(guard.count, 0);
    gf_error_clear(&err);
    assert_int_equal(oom.live, 0);
  }
  gf_set_allocator(NULL);
  assert_int_equal(n, 5); /* the list, then each of the three names: four to fail */
}

static void test_address_is_loopback(void **state)
{
  (void)state;
  static const host_case cases[] = {
      {"127.0.0.1", 1},  {"127.8.9.10", 1}, {"127.255.255.255", 1}, {"::1", 1},
      {"0:0:0:0:0:0:0:1", 1}, {"0.0.0.0", 0}, {"::", 0},            {"192.168.1.5", 0},
      {"10.0.0.1", 0},   {"128.0.0.1", 0},  {"::2", 0},             {"::ffff:127.0.0.1", 0},
      {"localhost", 0},  {"[::1]", 0},      {"127.1", 0},           {"", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (gf_server_address_is_loopback(cases[i].value) != cases[i].allowed)
      fail_msg("gf_server_address_is_loopback(\"%s\"): expected %d", cases[i].value,
               cases[i].allowed);
  assert_int_equal(gf_server_address_is_loopback(NULL), 0);
}

/* ---- over HTTP ----------------------------------------------------------------- */

typedef struct answer {
  int status; /* 0: no answer */
  char *head; /* the status line and the headers */
  char *body;
} answer;

static void answer_free(answer *a)
{
  free(a->head);
  free(a->body);
  memset(a, 0, sizeof *a);
}

/* The value of header `name` in `a` (case-insensitive), copied into `out`;
 * NULL when there is none. */
static const char *answer_header(const answer *a, const char *name, char *out, size_t size)
{
  size_t n = strlen(name);
  for (const char *line = a->head ? strstr(a->head, "\r\n") : NULL; line && line[2];
       line = strstr(line + 2, "\r\n")) {
    const char *start = line + 2;
    if (strncasecmp(start, name, n) == 0 && start[n] == ':') {
      const char *value = start + n + 1;
      while (*value == ' ')
        value++;
      const char *end = strstr(value, "\r\n");
      snprintf(out, size, "%.*s", (int)(end ? end - value : (long)strlen(value)), value);
      return out;
    }
  }
  return NULL;
}

/* Splits a whole answer (Connection: close) into status, head and body. */
static answer split_answer(const char *text)
{
  answer a = {0, NULL, NULL};
  const char *end = strstr(text, "\r\n\r\n");
  if (!end || sscanf(text, "HTTP/1.%*d %d", &a.status) != 1) {
    a.status = 0;
    a.head = strdup(text);
    a.body = strdup("");
    return a;
  }
  a.head = strndup(text, (size_t)(end - text) + 2);
  a.body = strdup(end + 4);
  return a;
}

/* Sends `request` as it is on a connection of its own; the answer. */
static answer exchange(unsigned port, const char *request)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  conn c = {fd, NULL, 0, 0};
  assert_int_equal(send_all(&c, request, strlen(request)), 0);
  while (recv_more(&c) > 0)
    ;
  close(fd);
  answer a = split_answer(c.buf ? c.buf : "");
  free(c.buf);
  return a;
}

/* METHOD PATH HTTP/1.1 with `headers` (each line ending in CRLF; no Host
 * is added) and `body` (NULL: none). */
static answer send_request(unsigned port, const char *method, const char *path,
                           const char *headers, const char *body)
{
  sbuf request = {0};
  char line[512];
  snprintf(line, sizeof line, "%s %s HTTP/1.1\r\nConnection: close\r\n", method, path);
  sbuf_add(&request, line);
  sbuf_add(&request, headers);
  if (body) {
    snprintf(line, sizeof line, "Content-Length: %zu\r\n", strlen(body));
    sbuf_add(&request, line);
  }
  sbuf_add(&request, "\r\n");
  sbuf_add(&request, body ? body : "");
  answer a = exchange(port, request.p);
  free(request.p);
  return a;
}

/* The 403 of the host guard: its status, type, content type, request id,
 * and a message naming what was refused. */
static void assert_refused(const answer *a, const char *says)
{
  char value[256];
  if (a->status != 403)
    fail_msg("expected 403, got %d: %s%s", a->status, a->head, a->body);
  assert_non_null(answer_header(a, "Content-Type", value, sizeof value));
  assert_string_equal(value, "application/json");
  assert_non_null(answer_header(a, "x-amzn-ErrorType", value, sizeof value));
  assert_string_equal(value, "AccessDeniedException");
  assert_non_null(answer_header(a, "x-amzn-RequestId", value, sizeof value));
  assert_error_body(a->body, "AccessDeniedException", NULL);
  assert_contains(a->body, RULE_START);
  if (says)
    assert_contains(a->body, says);
}

/* What a refused request must leave as it was. */
typedef struct snapshot {
  char *dump;
  char *faults;
  size_t calls;
} snapshot;

static snapshot take(gf_fake *fake)
{
  snapshot s = {gf_fake_dump(fake), gf_faults_spec(gf_fake_faults(fake)),
                gf_calls_count(gf_fake_calls(fake))};
  assert_non_null(s.dump);
  assert_non_null(s.faults);
  return s;
}

static void assert_unchanged(gf_fake *fake, const snapshot *before, const char *what)
{
  snapshot now = take(fake);
  if (strcmp(now.dump, before->dump) != 0 || strcmp(now.faults, before->faults) != 0 ||
      now.calls != before->calls)
    fail_msg("%s changed the fake: faults '%s' -> '%s', calls %zu -> %zu, state %s -> %s", what,
             before->faults, now.faults, before->calls, now.calls, before->dump, now.dump);
  gf_buffer_free(now.dump);
  gf_buffer_free(now.faults);
}

static void snapshot_free(snapshot *s)
{
  gf_buffer_free(s->dump);
  gf_buffer_free(s->faults);
}

/* A fake with something to lose: a configuration, a fault rule, a call. */
static void give_state(gf_fake *fake)
{
  gf_fake_reset(fake);
  gf_error err = GF_ERROR_INIT;
  gf_encryption_configuration config = {0};
  assert_int_equal(config_create(gf_fake_backend(fake), "precious", &config, &err), GF_OK);
  assert_int_equal(gf_faults_set(gf_fake_faults(fake), "DeleteResourcePolicy=off", &err), GF_OK);
  gf_error_clear(&err);
}

static int setup(void **state) { return server_fx_start(state, NULL); }
static int teardown(void **state) { return server_fx_teardown(state); }

/* The control requests every Host and Origin case is tried on. */
static const struct {
  const char *method, *path, *body;
} controls[] = {
    {"GET", "/_gluefake/state", NULL},
    {"POST", "/_gluefake/reset", ""},
    {"POST", "/_gluefake/faults", "*=InternalService"},
    {"POST", "/_gluefake/state", "{\"security_configurations\": []}"},
    {"DELETE", "/_gluefake/faults", NULL},
    {"GET", "/_gluefake/calls", NULL},
    {"GET", "/_gluefake/partitions", NULL},
    {"POST", "/_gluefake/reset?region=eu-west-1", ""},
    {"GET", "/_gluefake/nothing", NULL}, /* refused before it would be a 404 */
};
#define CONTROLS (sizeof controls / sizeof controls[0])

/* Sends every control request with `headers`; each must be refused, saying
 * `says`, and change nothing. */
static void assert_all_refused(server_fx *f, const char *headers, const char *says)
{
  for (size_t i = 0; i < CONTROLS; i++) {
    snapshot before = take(f->fake);
    answer a = send_request(f->port, controls[i].method, controls[i].path, headers,
                            controls[i].body);
    char what[600];
    snprintf(what, sizeof what, "%s %s with %s", controls[i].method, controls[i].path, headers);
    if (a.status != 403)
      fail_msg("%s: expected 403, got %d %s", what, a.status, a.body);
    assert_refused(&a, says);
    assert_unchanged(f->fake, &before, what);
    answer_free(&a);
    snapshot_free(&before);
  }
}

static void test_foreign_hosts_refused(void **state)
{
  server_fx *f = *state;
  give_state(f->fake);
  for (size_t i = 0; i < sizeof host_cases / sizeof host_cases[0]; i++) {
    const char *value = host_cases[i].value;
    /* Leading and trailing blanks are not part of a header's value. */
    if (host_cases[i].allowed || value[0] == ' ' || (value[0] && value[strlen(value) - 1] == ' '))
      continue;
    char headers[300], says[300];
    snprintf(headers, sizeof headers, "Host: %s\r\n", value);
    snprintf(says, sizeof says, "Host was '%s'", value);
    /* The bytes that are not printable ASCII are quoted as '?'. */
    for (char *p = says; *p; p++)
      if (*p < 0x20 || *p > 0x7e)
        *p = '?';
    assert_all_refused(f, headers, says);
  }
}

static void test_foreign_origins_refused(void **state)
{
  server_fx *f = *state;
  give_state(f->fake);
  for (size_t i = 0; i < sizeof origin_cases / sizeof origin_cases[0]; i++) {
    if (origin_cases[i].allowed)
      continue;
    char headers[300], says[300];
    snprintf(headers, sizeof headers, "Host: 127.0.0.1:%u\r\nOrigin: %s\r\n", f->port,
             origin_cases[i].value);
    snprintf(says, sizeof says, "Origin was '%s'", origin_cases[i].value);
    assert_all_refused(f, headers, says);
  }
}

static void test_missing_or_doubled_host_refused(void **state)
{
  server_fx *f = *state;
  give_state(f->fake);
  /* HTTP/1.0 needs no Host: nothing says which name the client used. */
  snapshot before = take(f->fake);
  answer a = exchange(f->port, "POST /_gluefake/reset HTTP/1.0\r\nContent-Length: 0\r\n\r\n");
  assert_refused(&a, "the request has no Host header");
  answer_free(&a);
  a = exchange(f->port, "GET /_gluefake/state HTTP/1.0\r\n\r\n");
  assert_refused(&a, "the request has no Host header");
  answer_free(&a);
  /* HTTP/1.1 without Host, which libmicrohttpd lets through. */
  a = exchange(f->port, "POST /_gluefake/reset HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  assert_refused(&a, "the request has no Host header");
  answer_free(&a);
  /* Two of them: which one a proxy acted on is unknown. */
  a = exchange(f->port, "POST /_gluefake/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: "
                        "evil.example\r\nContent-Length: 0\r\n\r\n");
  assert_refused(&a, "the request has 2 Host headers");
  answer_free(&a);
  a = exchange(f->port, "POST /_gluefake/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: "
                        "127.0.0.1\r\nContent-Length: 0\r\n\r\n");
  assert_refused(&a, "the request has 2 Host headers");
  answer_free(&a);
  a = exchange(f->port, "POST /_gluefake/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: "
                        "http://localhost\r\norigin: http://evil.example\r\nContent-Length: "
                        "0\r\n\r\n");
  assert_refused(&a, "the request has 2 Origin headers");
  answer_free(&a);
  assert_unchanged(f->fake, &before, "requests without Host or with two");
  snapshot_free(&before);
  /* HTTP/1.0 with a loopback Host is served. */
  a = exchange(f->port, "GET /_gluefake/partitions HTTP/1.0\r\nHost: localhost\r\n\r\n");
  assert_int_equal(a.status, 200);
  answer_free(&a);
}

static void test_loopback_hosts_and_origins_served(void **state)
{
  server_fx *f = *state;
  for (size_t i = 0; i < sizeof host_cases / sizeof host_cases[0]; i++) {
    if (!host_cases[i].allowed)
      continue;
    char headers[300];
    snprintf(headers, sizeof headers, "Host: %s\r\n", host_cases[i].value);
    give_state(f->fake);
    answer a = send_request(f->port, "GET", "/_gluefake/state", headers, NULL);
    if (a.status != 200)
      fail_msg("GET state with Host '%s': %d %s", host_cases[i].value, a.status, a.body);
    assert_contains(a.body, "precious");
    answer_free(&a);
    a = send_request(f->port, "POST", "/_gluefake/faults", headers, "*=Throttling");
    if (a.status != 200)
      fail_msg("POST faults with Host '%s': %d %s", host_cases[i].value, a.status, a.body);
    answer_free(&a);
    char *spec = gf_faults_spec(gf_fake_faults(f->fake));
    assert_contains(spec, "Throttling");
    gf_buffer_free(spec);
    a = send_request(f->port, "POST", "/_gluefake/reset", headers, "");
    if (a.status != 200)
      fail_msg("POST reset with Host '%s': %d %s", host_cases[i].value, a.status, a.body);
    answer_free(&a);
    assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  }
  for (size_t i = 0; i < sizeof origin_cases / sizeof origin_cases[0]; i++) {
    if (!origin_cases[i].allowed)
      continue;
    char headers[300];
    snprintf(headers, sizeof headers, "Host: localhost:%u\r\nOrigin: %s\r\n", f->port,
             origin_cases[i].value);
    give_state(f->fake);
    answer a = send_request(f->port, "POST", "/_gluefake/reset", headers, "");
    if (a.status != 200)
      fail_msg("POST reset with Origin '%s': %d %s", origin_cases[i].value, a.status, a.body);
    answer_free(&a);
    assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  }
  /* Header names in any case. */
  give_state(f->fake);
  answer a = send_request(f->port, "POST", "/_gluefake/reset",
                          "hOST: LOCALHOST\r\nORIGIN: http://127.0.0.1:3000\r\n", "");
  assert_int_equal(a.status, 200);
  answer_free(&a);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  /* And helpers.h's default Host. */
  char reply[4096];
  assert_int_equal(http_once(f->port, "/_gluefake/partitions", NULL, 0, NULL, reply, sizeof reply),
                   200);
}

/* The API answers whatever Host and Origin a client sends. */
static void test_api_not_subject(void **state)
{
  server_fx *f = *state;
  static const char *const headers[] = {
      "Host: evil.example\r\n",
      "Host: glue.us-east-1.amazonaws.com\r\n",
      "Host: 0.0.0.0:4566\r\nOrigin: http://evil.example\r\n",
      "Host: localhost\r\nOrigin: null\r\n",
      "Host: a\r\nHost: b\r\n",
  };
  for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
    char all[300], name[32];
    snprintf(all, sizeof all, "%sX-Amz-Target: AWSGlue.CreateSecurityConfiguration\r\n"
                              "Content-Type: application/x-amz-json-1.1\r\n",
             headers[i]);
    snprintf(name, sizeof name, "api-%zu", i);
    char body[128];
    snprintf(body, sizeof body, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}", name);
    answer a = send_request(f->port, "POST", "/", all, body);
    if (a.status != 200)
      fail_msg("the API with %s: %d %s", headers[i], a.status, a.body);
    assert_contains(a.body, name);
    answer_free(&a);
  }
  /* HTTP/1.0 without Host too. */
  answer a = exchange(f->port, "POST / HTTP/1.0\r\nX-Amz-Target: "
                               "AWSGlue.GetSecurityConfigurations\r\nContent-Length: 2\r\n\r\n{}");
  assert_int_equal(a.status, 200);
  assert_contains(a.body, "api-4");
  answer_free(&a);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 5);
}

/* A refusal answers like any other answer: the connection goes on. */
static void test_refusal_keeps_connection(void **state)
{
  server_fx *f = *state;
  give_state(f->fake);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)f->port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof addr), 0);
  conn c = {fd, NULL, 0, 0};
  static const char requests[] =
      "POST /_gluefake/reset HTTP/1.1\r\nHost: evil.example\r\nContent-Length: 5\r\n\r\nhello"
      "GET /_gluefake/state HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  assert_int_equal(send_all(&c, requests, strlen(requests)), 0);
  while (recv_more(&c) > 0)
    ;
  close(fd);
  assert_non_null(c.buf);
  assert_true(strncmp(c.buf, "HTTP/1.1 403", 12) == 0);
  const char *second = strstr(c.buf + 12, "HTTP/1.1 ");
  assert_non_null(second);
  assert_true(strncmp(second, "HTTP/1.1 200", 12) == 0);
  assert_contains(second, "precious");
  free(c.buf);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);
}

/* ---- gf_server_options.allow_hosts ------------------------------------------- */

static void test_allow_hosts_option(void **state)
{
  (void)state;
  static const char *const names[] = {"gluefake.test", "192.168.1.5", "[fd00::1]"};
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  assert_int_equal(options.version, GF_SERVER_OPTIONS_VERSION);
  assert_int_equal(options.calls_max, GF_SERVER_CALLS_MAX_DEFAULT);
  assert_null(options.allow_hosts);
  assert_int_equal(options.allow_host_count, 0);
  /* Copied: the caller's list may go as soon as the server runs. */
  const char **copy = malloc(sizeof names);
  assert_non_null(copy);
  char *first = strdup(names[0]);
  assert_non_null(first);
  copy[0] = first, copy[1] = names[1], copy[2] = names[2];
  options.allow_hosts = copy;
  options.allow_host_count = 3;
  void *fx = NULL;
  assert_int_equal(server_fx_start(&fx, &options), 0);
  memset(first, 'x', strlen(first));
  free(first);
  free(copy);
  server_fx *f = fx;
  static const struct {
    const char *headers;
    int status;
  } cases[] = {
      {"Host: gluefake.test\r\n", 200},
      {"Host: GlueFake.Test:4566\r\n", 200},
      {"Host: gluefake.test:80\r\nOrigin: http://GLUEFAKE.test:3000\r\n", 200},
      {"Host: localhost\r\nOrigin: https://gluefake.test\r\n", 200},
      {"Host: 192.168.1.5:4566\r\n", 200},
      {"Host: [fd00:0::1]:4566\r\n", 200},
      {"Host: 127.0.0.1\r\n", 200},
      {"Host: gluefake.test.evil.example\r\n", 403},
      {"Host: evil.gluefake.test\r\n", 403},
      {"Host: 192.168.1.6\r\n", 403},
      {"Host: fd00::1\r\n", 403},
      {"Host: gluefake.test\r\nOrigin: http://evil.example\r\n", 403},
      {"Host: xxxxxxxxxxxxx\r\n", 403},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    give_state(f->fake);
    snapshot before = take(f->fake);
    answer a = send_request(f->port, "POST", "/_gluefake/reset", cases[i].headers, "");
    if (a.status != cases[i].status)
      fail_msg("POST reset with %s: expected %d, got %d %s", cases[i].headers, cases[i].status,
               a.status, a.body);
    if (cases[i].status == 403) {
      assert_refused(&a, NULL);
      assert_unchanged(f->fake, &before, cases[i].headers);
    } else {
      assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
    }
    answer_free(&a);
    snapshot_free(&before);
  }
  server_fx_teardown(&fx);
}

static void test_allow_hosts_refused(void **state)
{
  (void)state;
  static const struct {
    const char *name; /* NULL: a NULL entry */
    const char *says;
  } cases[] = {
      {"", "allowed host '' is not a host name or an IP address"},
      {"http://gluefake.test", "allowed host 'http://gluefake.test'"},
      {"gluefake.test:4566", "allowed host 'gluefake.test:4566'"},
      {"two words", "allowed host 'two words'"},
      {"[not-an-address]", "allowed host '[not-an-address]'"},
      {"[192.168.1.5]", "allowed host '[192.168.1.5]'"},
      {"*", "allowed host '*'"},
      {"gluefake.test/", "allowed host 'gluefake.test/'"},
      {NULL, "allowed host '(null)'"},
  };
  gf_fake *fake = test_fake_new(NULL, NULL);
  assert_non_null(fake);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *names[] = {"fine.example", cases[i].name};
    gf_server_options options = GF_SERVER_OPTIONS_INIT;
    options.allow_hosts = names;
    options.allow_host_count = 2;
    gf_error err = GF_ERROR_INIT;
    gf_server *server = gf_server_start_ext(fake, &options, &err);
    if (server)
      fail_msg("allowed host '%s' was accepted", cases[i].name ? cases[i].name : "(null)");
    assert_int_equal(err.status, GF_INVALID_INPUT);
    assert_contains(gf_error_message(&err), "server: ");
    assert_contains(gf_error_message(&err), cases[i].says);
    gf_error_clear(&err);
  }
  /* A count without a list. */
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.allow_host_count = 1;
  gf_error err = GF_ERROR_INIT;
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_contains(gf_error_message(&err), "allow_hosts is NULL");
  gf_error_clear(&err);
  /* A newer version than the library's. */
  options.allow_host_count = 0;
  options.version = GF_SERVER_OPTIONS_VERSION + 1;
  assert_null(gf_server_start_ext(fake, &options, &err));
  assert_contains(gf_error_message(&err), "options version 5 is not supported (this library knows 1..4)");
  gf_error_clear(&err);
  gf_fake_free(fake);
}

/* Options as a program built against an older header passes them: the
 * struct ends where that version ended, so the library must not read the
 * members after it (AddressSanitizer would catch it). */
typedef struct options_v2 {
  unsigned int version;
  const char *host;
  unsigned port;
  gf_server_auth auth;
  const char *credentials;
  size_t credentials_len;
  const char *credentials_source;
  int wire_variants;
  const char *faults;
} options_v2;

typedef struct options_v1 {
  unsigned int version;
  const char *host;
  unsigned port;
  gf_server_auth auth;
  const char *credentials;
  size_t credentials_len;
  const char *credentials_source;
  int wire_variants;
} options_v1;

/* The old structs are a prefix of the current one: the same offsets. */
_Static_assert(offsetof(options_v2, faults) == offsetof(gf_server_options, faults),
               "version 2 layout");
_Static_assert(sizeof(options_v1) <= offsetof(gf_server_options, faults), "version 1 layout");

static void serve_old_options(const void *options)
{
  gf_fake *fake = test_fake_new(NULL, NULL);
  assert_non_null(fake);
  give_state(fake);
  gf_error err = GF_ERROR_INIT;
  gf_server *server = gf_server_start_ext(fake, options, &err);
  if (!server)
    fail_msg("older options refused: %s", gf_error_message(&err));
  unsigned port = gf_server_port(server);
  /* The loopback rule still holds, with no host allowed besides. */
  answer a = send_request(port, "POST", "/_gluefake/reset", "Host: evil.example\r\n", "");
  assert_refused(&a, "Host was 'evil.example'");
  answer_free(&a);
  assert_int_equal(gf_fake_security_configuration_count(fake), 1);
  a = send_request(port, "POST", "/_gluefake/reset", "Host: localhost\r\n", "");
  assert_int_equal(a.status, 200);
  answer_free(&a);
  assert_int_equal(gf_fake_security_configuration_count(fake), 0);
  gf_server_stop(server);
  gf_fake_free(fake);
}

static void test_older_options_versions(void **state)
{
  (void)state;
  /* Heap blocks of exactly the old size, so that a read past one is caught. */
  options_v2 *v2 = malloc(sizeof *v2);
  assert_non_null(v2);
  *v2 = (options_v2){2, "127.0.0.1", 0, GF_AUTH_NONE, NULL, 0, NULL, 0, NULL};
  serve_old_options(v2);
  free(v2);
  options_v1 *v1 = malloc(sizeof *v1);
  assert_non_null(v1);
  *v1 = (options_v1){1, "127.0.0.1", 0, GF_AUTH_NONE, NULL, 0, NULL, 0};
  serve_old_options(v1);
  free(v1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rule_on_host_values),
      cmocka_unit_test(test_rule_on_origin_values),
      cmocka_unit_test(test_rule_with_allowed_hosts),
      cmocka_unit_test(test_rule_check_messages),
      cmocka_unit_test(test_rule_out_of_memory),
      cmocka_unit_test(test_address_is_loopback),
      T(test_foreign_hosts_refused),
      T(test_foreign_origins_refused),
      T(test_missing_or_doubled_host_refused),
      T(test_loopback_hosts_and_origins_served),
      T(test_api_not_subject),
      T(test_refusal_keeps_connection),
      cmocka_unit_test(test_allow_hosts_option),
      cmocka_unit_test(test_allow_hosts_refused),
      cmocka_unit_test(test_older_options_versions),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
