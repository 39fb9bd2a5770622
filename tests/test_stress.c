/*
 * test_stress.c - one fake hammered from many threads through its own
 * stack (call log -> fault injector -> store) with a seeded fault spec, a
 * seeded mix of all nine operations (valid and invalid requests, pagination
 * following NextTokens, optimistic policy updates with PolicyHashCondition
 * from earlier reads), then checked against invariants:
 *
 *  - a full listing is exactly the live configurations - found by a Get of
 *    every name ever used - each once, in creation order;
 *  - the call log holds every call the threads made that reached the fake,
 *    no other: gf_calls_count, gf_calls_count_op and the log's statuses
 *    match the threads' own tallies;
 *  - every fault rule saw exactly the calls of its operations (served);
 *    the injected failures the threads saw are what the rules fired, one
 *    per applied() too - except that gf_faults_counts also counts an
 *    applied() draw that fell on a create failing by itself (the caller
 *    gets that create's own error, so nobody sees the fault): for the
 *    applied() rule, seen <= fired <= seen + creates that failed by
 *    themselves; with every rule at the same percentage, the total fired
 *    is exactly the number of successful draws among the first N outputs
 *    of splitmix64(seed), N being the number of calls, whatever the
 *    interleaving;
 *  - every status a thread saw is one the operation may return (the API
 *    reference's error list) and the one the request called for;
 *  - each thread's own configurations, policy and catalog settings read
 *    back as its bookkeeping says; nothing leaks (valgrind).
 *
 * The second test serves the same kind of fake over HTTP (gf_server_start
 * on 127.0.0.1, port 0): some threads drive it through raw HTTP sockets -
 * the same mix, plus requests that must never reach the fake (bodies that
 * are not JSON, wrong member types, unknown or missing targets, \u0000,
 * NUL bytes, wrong methods, garbage, truncated requests) and concurrent
 * GET /_gluefake/calls and /_gluefake/state - while other threads use the
 * typed API on the same fake; then the same invariants.
 *
 * The third pages through a fake that another thread resets meanwhile
 * (NextTokens gone stale under concurrency).  The fourth reads the call
 * log while the fake is reset (once a use after free, now a snapshot taken
 * under the log's lock).
 *
 * Worker threads never call cmocka (it is not thread-safe): they keep their
 * own tallies and note the first unexpected outcome; the main thread checks
 * everything after joining them.
 *
 * GF_STRESS_CALLS sets the calls per typed thread (default 1500; HTTP
 * threads make a sixth of that), GF_STRESS_SEED the seed of the fault
 * spec and of the threads' generators (default 11).  The defaults keep the
 * suite well under 2 s natively and under a minute under valgrind and
 * ThreadSanitizer.
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
#include <stdbool.h>
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

#define ACCOUNT "123456789012"
#define KMS1 "arn:aws:kms:us-east-1:" ACCOUNT ":key/one"
#define KMS2 "arn:aws:kms:us-east-1:" ACCOUNT ":key/two"
#define KMS3 "arn:aws:kms:us-east-1:" ACCOUNT ":key/three"
#define JSON_TYPE "application/x-amz-json-1.1"

#define MAX_WORKERS 8
#define TYPED_THREADS 6   /* first test */
#define SERVER_HTTP_THREADS 3  /* second test: HTTP threads ... */
#define SERVER_TYPED_THREADS 3 /* ... and typed threads on the same fake */
#define NSHARED 8         /* shared-0..7, fought over by every thread */
#define NSHARED_KEYS 4    /* keys put on the shared (default) catalog */
#define MAX_OWN_LIVE 30   /* a thread deletes rather than creates beyond this */
#define NVARIANTS 6
#define PCT 2.0           /* every rule of the spec fires on 2% of its calls */
#define IO_TIMEOUT_S 20   /* generous: valgrind and TSan are slow */

/* ---- parameters ------------------------------------------------------------ */

static long env_long(const char *name, long fallback, long lo, long hi)
{
  const char *v = getenv(name);
  if (v && *v) {
    char *end;
    long n = strtol(v, &end, 10);
    if (*end == '\0' && n >= lo && n <= hi)
      return n;
  }
  return fallback;
}

static long calls_per_thread(void) { return env_long("GF_STRESS_CALLS", 1500, 1, 10000000); }
static uint64_t stress_seed(void) { return (uint64_t)env_long("GF_STRESS_SEED", 11, 0, 1L << 40); }

/* The three rules, all at PCT so that the total they fire does not depend
 * on which call took which draw. */
enum { RULE_ANY, RULE_CREATE, RULE_LIST, RULE_COUNT };
static const char *const rule_target[RULE_COUNT] = {"*", "CreateSecurityConfiguration",
                                                    "GetSecurityConfigurations"};

static void fault_spec(char *buf, size_t size, uint64_t seed)
{
  snprintf(buf, size,
           "seed=%llu;*=2%%InternalService;CreateSecurityConfiguration=2%%applied("
           "OperationTimeout);GetSecurityConfigurations=2%%OperationTimeout",
           (unsigned long long)seed);
}

static int rule_of(gf_operation op)
{
  return op == GF_OP_CREATE_SECURITY_CONFIGURATION ? RULE_CREATE
         : op == GF_OP_GET_SECURITY_CONFIGURATIONS ? RULE_LIST
                                                   : RULE_ANY;
}

static gf_status rule_error(int rule)
{
  return rule == RULE_ANY ? GF_INTERNAL_SERVICE : GF_OPERATION_TIMEOUT;
}

/* splitmix64, as the design fixes it. */
static uint64_t splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* How many of the first `n` draws of a spec seeded with `seed` succeed at
 * `pct` percent. */
static size_t expected_fired(uint64_t seed, size_t n, double pct)
{
  uint64_t state = seed;
  size_t fired = 0;
  for (size_t k = 0; k < n; k++)
    if ((double)(splitmix64(&state) >> 11) * 0x1.0p-53 < pct / 100.0)
      fired++;
  return fired;
}

/* What each operation may return: the API reference's error list. */
#define B(s) (1u << (s))
static const unsigned allowed_statuses[GF_OPERATION_COUNT] = {
    [GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS] =
        B(GF_OK) | B(GF_INTERNAL_SERVICE) | B(GF_INVALID_INPUT) | B(GF_OPERATION_TIMEOUT),
    [GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS] =
        B(GF_OK) | B(GF_INTERNAL_SERVICE) | B(GF_INVALID_INPUT) | B(GF_OPERATION_TIMEOUT),
    [GF_OP_PUT_RESOURCE_POLICY] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) | B(GF_INTERNAL_SERVICE) |
                                  B(GF_OPERATION_TIMEOUT) | B(GF_INVALID_INPUT) |
                                  B(GF_CONDITION_CHECK_FAILURE),
    [GF_OP_GET_RESOURCE_POLICY] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) | B(GF_INTERNAL_SERVICE) |
                                  B(GF_OPERATION_TIMEOUT) | B(GF_INVALID_INPUT),
    [GF_OP_DELETE_RESOURCE_POLICY] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) |
                                     B(GF_INTERNAL_SERVICE) | B(GF_OPERATION_TIMEOUT) |
                                     B(GF_INVALID_INPUT) | B(GF_CONDITION_CHECK_FAILURE),
    [GF_OP_CREATE_SECURITY_CONFIGURATION] = B(GF_OK) | B(GF_ALREADY_EXISTS) |
                                            B(GF_INVALID_INPUT) | B(GF_INTERNAL_SERVICE) |
                                            B(GF_OPERATION_TIMEOUT) |
                                            B(GF_RESOURCE_NUMBER_LIMIT_EXCEEDED),
    [GF_OP_DELETE_SECURITY_CONFIGURATION] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) |
                                            B(GF_INVALID_INPUT) | B(GF_INTERNAL_SERVICE) |
                                            B(GF_OPERATION_TIMEOUT),
    [GF_OP_GET_SECURITY_CONFIGURATION] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) |
                                         B(GF_INVALID_INPUT) | B(GF_INTERNAL_SERVICE) |
                                         B(GF_OPERATION_TIMEOUT),
    [GF_OP_GET_SECURITY_CONFIGURATIONS] = B(GF_OK) | B(GF_ENTITY_NOT_FOUND) |
                                          B(GF_INVALID_INPUT) | B(GF_INTERNAL_SERVICE) |
                                          B(GF_OPERATION_TIMEOUT),
};

/* ---- the encryption configurations the threads create ---------------------------- */

static const gf_s3_encryption s3_kms[] = {{GF_MODE_SSE_KMS, KMS1}};
static const gf_s3_encryption s3_two[] = {{GF_MODE_SSE_S3, NULL}, {GF_MODE_DISABLED, NULL}};
static const gf_cloud_watch_encryption cw_kms = {GF_MODE_SSE_KMS, KMS2};
static const gf_cloud_watch_encryption cw_off = {GF_MODE_DISABLED, NULL};
static const gf_job_bookmarks_encryption jb_cse = {GF_MODE_CSE_KMS, KMS3};
static const gf_job_bookmarks_encryption jb_off = {GF_MODE_DISABLED, NULL};

static const gf_encryption_configuration variants[NVARIANTS] = {
    {NULL, 0, NULL, NULL, NULL},        /* nothing */
    {s3_kms, 1, NULL, NULL, NULL},      /* S3 with KMS */
    {s3_two, 2, NULL, NULL, NULL},      /* two S3 entries, order kept */
    {NULL, 0, &cw_kms, &jb_cse, NULL},  /* CloudWatch and job bookmarks */
    {s3_kms, 1, &cw_off, &jb_off, NULL}, /* everything */
    {s3_kms, 0, NULL, NULL, NULL},      /* S3Encryption present and empty */
};

static bool same_str(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool config_is_variant(const gf_encryption_configuration *got, int v)
{
  const gf_encryption_configuration *want = &variants[v];
  if (!got || (got->s3_encryption == NULL) != (want->s3_encryption == NULL) ||
      got->s3_encryption_count != want->s3_encryption_count)
    return false;
  for (size_t i = 0; i < want->s3_encryption_count; i++)
    if (!same_str(got->s3_encryption[i].s3_encryption_mode,
                  want->s3_encryption[i].s3_encryption_mode) ||
        !same_str(got->s3_encryption[i].kms_key_arn, want->s3_encryption[i].kms_key_arn))
      return false;
  if ((got->cloud_watch_encryption == NULL) != (want->cloud_watch_encryption == NULL) ||
      (got->job_bookmarks_encryption == NULL) != (want->job_bookmarks_encryption == NULL))
    return false;
  if (want->cloud_watch_encryption &&
      (!same_str(got->cloud_watch_encryption->cloud_watch_encryption_mode,
                 want->cloud_watch_encryption->cloud_watch_encryption_mode) ||
       !same_str(got->cloud_watch_encryption->kms_key_arn,
                 want->cloud_watch_encryption->kms_key_arn)))
    return false;
  if (want->job_bookmarks_encryption &&
      (!same_str(got->job_bookmarks_encryption->job_bookmarks_encryption_mode,
                 want->job_bookmarks_encryption->job_bookmarks_encryption_mode) ||
       !same_str(got->job_bookmarks_encryption->kms_key_arn,
                 want->job_bookmarks_encryption->kms_key_arn)))
    return false;
  return true;
}

/* ---- names ------------------------------------------------------------------ */

/* A thread's own configurations are "<tag><id>-<seq>-v<variant>" (tag 't'
 * for typed threads, 'h' for HTTP ones, 'r' in the reset test); seq numbers a thread's creates, so
 * no name is ever created twice by design.  Shared ones are "shared-<i>",
 * always with variant i % NVARIANTS. */
static void own_name(char buf[48], char tag, int id, int seq, int variant)
{
  snprintf(buf, 48, "%c%d-%05d-v%d", tag, id, seq, variant);
}

static void shared_name(char buf[48], int i) { snprintf(buf, 48, "shared-%d", i); }

typedef struct parsed_name {
  char tag; /* 't', 'h', 'r', or 's' for a shared name */
  int id, seq, variant;
} parsed_name;

static bool parse_name(const char *name, parsed_name *p)
{
  char again[48];
  int n = 0;
  if (!name)
    return false;
  if (sscanf(name, "shared-%d%n", &p->seq, &n) == 1 && name[n] == '\0' && p->seq >= 0 &&
      p->seq < NSHARED) {
    p->tag = 's';
    p->id = -1;
    p->variant = p->seq % NVARIANTS;
    shared_name(again, p->seq);
    return strcmp(again, name) == 0;
  }
  if ((name[0] != 't' && name[0] != 'h' && name[0] != 'r') ||
      sscanf(name + 1, "%d-%d-v%d%n", &p->id, &p->seq, &p->variant, &n) != 3 ||
      name[1 + n] != '\0' || p->id < 0 || p->id >= MAX_WORKERS || p->seq < 0 ||
      p->variant < 0 || p->variant >= NVARIANTS)
    return false;
  p->tag = name[0];
  own_name(again, p->tag, p->id, p->seq, p->variant);
  return strcmp(again, name) == 0;
}

static void own_arn(char buf[96], char tag, int id)
{
  snprintf(buf, 96, "arn:aws:glue:us-east-1:" ACCOUNT ":database/%c%d", tag, id);
}

static void own_catalog(char buf[32], char tag, int id) { snprintf(buf, 32, "cat-%c%d", tag, id); }

static void shared_key(char buf[32], int i) { snprintf(buf, 32, "alias/shared-%d", i); }

/* ---- the HTTP client (POSIX sockets, so that raw bytes can be sent) ----------- */

typedef struct http_resp {
  int status;
  char request_id[64];
  char error_type[64];
  char *body; /* owned, NUL-terminated */
  size_t body_len;
} http_resp;

static void conn_init(conn *c)
{
  memset(c, 0, sizeof *c);
  c->fd = -1;
}

static int conn_open(conn *c, unsigned port)
{
  free(c->buf);
  conn_init(c);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0)
    return -1;
  struct timeval tv = {IO_TIMEOUT_S, 0};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(c->fd);
    c->fd = -1;
    return -1;
  }
  return 0;
}

static void conn_close(conn *c)
{
  if (c->fd >= 0)
    close(c->fd);
  free(c->buf);
  conn_init(c);
}

/* Copies header `name`'s value out of a header block (case-insensitive). */
static bool header_value(const char *head, const char *name, char *out, size_t size)
{
  size_t n = strlen(name);
  for (const char *line = strstr(head, "\r\n"); line && line[2]; line = strstr(line + 2, "\r\n")) {
    const char *l = line + 2;
    if (strncasecmp(l, name, n) == 0 && l[n] == ':') {
      l += n + 1;
      while (*l == ' ' || *l == '\t')
        l++;
      size_t k = strcspn(l, "\r\n");
      if (k >= size)
        k = size - 1;
      memcpy(out, l, k);
      out[k] = '\0';
      return true;
    }
  }
  return false;
}

/* Reads one response with a Content-Length body. */
static int read_response(conn *c, http_resp *r)
{
  memset(r, 0, sizeof *r);
  char *end;
  while (!c->buf || !(end = strstr(c->buf, "\r\n\r\n"))) {
    int n = recv_more(c);
    if (n < 0)
      return n;
  }
  size_t head_len = (size_t)(end - c->buf) + 4;
  char *head = malloc(head_len + 1);
  if (!head)
    return RESP_BAD;
  memcpy(head, c->buf, head_len);
  head[head_len] = '\0';
  consume(c, head_len);
  char length[32];
  int major, minor;
  if (sscanf(head, "HTTP/%d.%d %d", &major, &minor, &r->status) != 3 ||
      !header_value(head, "Content-Length", length, sizeof length)) {
    free(head);
    return RESP_BAD;
  }
  header_value(head, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
  header_value(head, "x-amzn-ErrorType", r->error_type, sizeof r->error_type);
  free(head);
  size_t want = (size_t)strtoull(length, NULL, 10);
  while (c->len < want) {
    int n = recv_more(c);
    if (n < 0)
      return n;
  }
  if (!(r->body = malloc(want + 1)))
    return RESP_BAD;
  memcpy(r->body, c->buf, want);
  r->body[want] = '\0';
  r->body_len = want;
  consume(c, want);
  return RESP_OK;
}

/* Sends one request on `c` (connecting first when needed) and reads its
 * response. */
static int http_exchange(conn *c, unsigned port, long *requests, const char *method,
                         const char *path, const char *headers, const char *body, size_t body_len,
                         http_resp *r)
{
  memset(r, 0, sizeof *r);
  (*requests)++;
  if (c->fd < 0 && conn_open(c, port) != 0)
    return RESP_CLOSED;
  size_t cap = strlen(method) + strlen(path) + strlen(headers) + body_len + 128;
  char *req = malloc(cap);
  if (!req)
    return RESP_BAD;
  int n = snprintf(req, cap, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Length: %zu\r\n\r\n",
                   method, path, headers, body_len);
  memcpy(req + n, body, body_len);
  int rc = send_all(c, req, (size_t)n + body_len);
  free(req);
  if (rc != 0) {
    conn_close(c);
    return RESP_CLOSED;
  }
  rc = read_response(c, r);
  if (rc != RESP_OK)
    conn_close(c);
  return rc;
}

/* ---- a worker ------------------------------------------------------------------ */

typedef struct own_cfg {
  int variant;
  bool alive;
  bool ts_known; /* false after a create that "timed out" (applied) until a read */
  double ts;
} own_cfg;

typedef struct worker {
  char tag; /* 't' typed, 'h' HTTP, 'r' typed in the reset test */
  int id;
  long iters;
  gf_backend *b; /* typed */
  unsigned port; /* HTTP */
  conn c;
  pthread_barrier_t *start;
  uint64_t rng;

  /* own configurations, by seq */
  own_cfg *own;
  int own_len;
  int *live; /* seqs of the live ones */
  int live_len;

  /* own policy (own ARN); doc numbers keep every document, so every hash, distinct */
  bool policy_present;
  char policy_doc[128];
  char policy_hash[64];
  char stale_hash[64]; /* a hash this ARN held before, not the current one */
  long policy_n;

  /* own catalog settings */
  bool catalog_set;
  char catalog_key[64];

  /* tallies of the calls that reached the fake (and so its call log) */
  long calls[GF_OPERATION_COUNT];
  long status[GF_OPERATION_COUNT][GF_STATUS_COUNT];
  long injected[RULE_COUNT];
  long create_inner_failed; /* creates answered with an error of the fake's own */
  /* and of those that must not reach it */
  long null_backend, http_not_logged, control_reads;
  long http_requests; /* every request sent on a socket */
  /* what happened */
  long invalid_sent, races, pages, full_listings, condition_failures;

  long unexpected;
  char first_problem[512];
} worker;

static void problem(worker *w, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void problem(worker *w, const char *fmt, ...)
{
  if (w->unexpected++ == 0) {
    int k = snprintf(w->first_problem, sizeof w->first_problem, "%c%d: ", w->tag, w->id);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->first_problem + k, sizeof w->first_problem - (size_t)k, fmt, ap);
    va_end(ap);
  }
}

static uint64_t next_rand(worker *w) { return splitmix64(&w->rng); }
static unsigned rnd(worker *w, unsigned bound) { return (unsigned)(next_rand(w) % bound); }

/* The largest request, for passing an absent request on as an all-absent one. */
typedef union any_request {
#define GF_X_MEMBER(Wire, snake, UPPER) gf_##snake##_request snake;
  GF_OPERATIONS(GF_X_MEMBER)
#undef GF_X_MEMBER
} any_request;

/* One HTTP request on the worker's keep-alive connection. */
static int exchange(worker *w, const char *method, const char *path, const char *headers,
                    const char *body, size_t body_len, http_resp *r)
{
  return http_exchange(&w->c, w->port, &w->http_requests, method, path, headers, body, body_len,
                       r);
}

#define NOT_SENT GF_STATUS_COUNT /* the HTTP exchange itself failed */

/* One call over HTTP: the request encoded by the codec, the answer decoded
 * back, and the wire checked on the way (status code, error type header,
 * request id). */
static gf_status http_call(worker *w, gf_operation op, const void *request, void **out,
                           gf_error *err)
{
  static const any_request none;
  void *discard = NULL;
  if (!out)
    out = &discard; /* the response is wanted only to check it decodes */
  *out = NULL;
  cJSON *json = gf_request_to_json(op, request ? request : &none);
  char *body = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  if (!body) {
    problem(w, "%s: cannot encode the request", gf_operation_name(op));
    return NOT_SENT;
  }
  char headers[160];
  snprintf(headers, sizeof headers, "X-Amz-Target: AWSGlue.%s\r\nContent-Type: " JSON_TYPE "\r\n",
           gf_operation_name(op));
  http_resp r;
  int rc = exchange(w, "POST", "/", headers, body, strlen(body), &r);
  cJSON_free(body);
  if (rc != RESP_OK) {
    problem(w, "%s over HTTP: no response (%d)", gf_operation_name(op), rc);
    free(r.body);
    return NOT_SENT;
  }
  gf_status status = NOT_SENT;
  cJSON *answer = cJSON_ParseWithLength(r.body, r.body_len);
  if (!r.request_id[0])
    problem(w, "%s over HTTP: no x-amzn-RequestId", gf_operation_name(op));
  if (!answer) {
    problem(w, "%s over HTTP: %d with a body that is not JSON: %.200s", gf_operation_name(op),
            r.status, r.body);
  } else if (r.status == 200) {
    gf_error e = GF_ERROR_INIT;
    if (r.error_type[0])
      problem(w, "%s over HTTP: 200 with x-amzn-ErrorType %s", gf_operation_name(op),
              r.error_type);
    if (gf_response_from_json(op, answer, out, &e) == GF_OK)
      status = GF_OK;
    else
      problem(w, "%s over HTTP: the 200 body does not decode: %s", gf_operation_name(op),
              gf_error_message(&e));
    gf_error_clear(&e);
  } else if (gf_error_from_json(answer, err) != 0) {
    problem(w, "%s over HTTP: %d with a body that is no error: %.200s", gf_operation_name(op),
            r.status, r.body);
  } else {
    status = err->status;
    if (r.status != gf_status_http_code(status) ||
        strcmp(r.error_type, gf_status_name(status)) != 0)
      problem(w, "%s over HTTP: %s came as %d with x-amzn-ErrorType '%s'",
              gf_operation_name(op), gf_status_name(status), r.status, r.error_type);
  }
  cJSON_Delete(answer);
  free(r.body);
  gf_response_free(op, discard);
  return status;
}

static gf_status call(worker *w, gf_operation op, const void *request, void **out,
                      gf_error *err)
{
  if (w->tag == 'h')
    return http_call(w, op, request, out, err);
  return gf_call(w->b, op, request, out, err);
}

/* Tallies one call that reached the fake and checks that its status is one
 * the operation may return.  Returns 1 when the error was injected by the
 * fault rule of the operation (checked: the rule's error and its default
 * message), else 0. */
static int note(worker *w, gf_operation op, gf_status st, const gf_error *err)
{
  if (st == NOT_SENT)
    return 0; /* already a problem */
  w->calls[op]++;
  if ((unsigned)st >= GF_STATUS_COUNT) {
    problem(w, "%s: status %d out of range", gf_operation_name(op), (int)st);
    return 0;
  }
  w->status[op][st]++;
  if (!(allowed_statuses[op] & B(st)))
    problem(w, "%s returned %s, which it may not (%s)", gf_operation_name(op),
            gf_status_name(st), gf_error_message(err));
  if (st == GF_OK)
    return 0;
  const char *msg = gf_error_message(err);
  if (!strstr(msg, "injected by gluefake")) {
    if (op == GF_OP_CREATE_SECURITY_CONFIGURATION)
      w->create_inner_failed++;
    return 0;
  }
  int rule = rule_of(op);
  char want[160];
  snprintf(want, sizeof want, "%s injected by gluefake (fault rule %s)",
           gf_status_name(rule_error(rule)), rule_target[rule]);
  if (st != rule_error(rule) || strcmp(msg, want) != 0) {
    problem(w, "%s: %s '%s', not what rule %s injects", gf_operation_name(op),
            gf_status_name(st), msg, rule_target[rule]);
    return 0;
  }
  w->injected[rule]++;
  return 1;
}

/* The outcome the request called for: one of `want` (a status mask), or an
 * injected error.  Returns true when it was one of `want`. */
static bool expect(worker *w, const char *what, gf_status st, int injected, unsigned want,
                   const gf_error *err)
{
  if (injected || st == NOT_SENT)
    return false;
  if ((unsigned)st < GF_STATUS_COUNT && (want & B(st)))
    return true;
  problem(w, "%s: unexpected %s (%s)", what, gf_status_name(st), gf_error_message(err));
  return false;
}

/* ---- security configurations -------------------------------------------------- */

static void live_add(worker *w, int seq) { w->live[w->live_len++] = seq; }

static void live_remove(worker *w, int seq)
{
  for (int i = 0; i < w->live_len; i++)
    if (w->live[i] == seq) {
      w->live[i] = w->live[--w->live_len];
      return;
    }
}

static void op_create_fresh(worker *w)
{
  int seq = w->own_len++, v = (int)rnd(w, NVARIANTS);
  own_cfg *o = &w->own[seq];
  o->variant = v;
  char name[48];
  own_name(name, w->tag, w->id, seq, v);
  gf_create_security_configuration_request req = {name, &variants[v]};
  gf_create_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, (void **)&resp, &err);
  if (note(w, GF_OP_CREATE_SECURITY_CONFIGURATION, st, &err)) {
    /* applied(OperationTimeout): created all the same */
    o->alive = true;
    live_add(w, seq);
  } else if (expect(w, "create fresh", st, 0, B(GF_OK), &err)) {
    o->alive = o->ts_known = true;
    o->ts = resp->created_timestamp;
    live_add(w, seq);
    if (!same_str(resp->name, name) || !resp->has_created_timestamp)
      problem(w, "create '%s' answered name '%s'", name, resp->name ? resp->name : "(null)");
  }
  gf_create_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

static void op_create_duplicate(worker *w)
{
  if (!w->live_len)
    return;
  int seq = w->live[rnd(w, (unsigned)w->live_len)];
  char name[48];
  own_name(name, w->tag, w->id, seq, w->own[seq].variant);
  /* another configuration under a taken name */
  gf_create_security_configuration_request req = {name, &variants[(w->own[seq].variant + 1) %
                                                                  NVARIANTS]};
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, NULL, &err);
  expect(w, "create duplicate", st, note(w, GF_OP_CREATE_SECURITY_CONFIGURATION, st, &err),
         B(GF_ALREADY_EXISTS), &err);
  gf_error_clear(&err);
}

static char long_name[257]; /* 256 bytes: one over the limit */
static char long_policy[10242]; /* 10241 bytes of JSON: one over the limit */

static void op_create_invalid(worker *w)
{
  static const gf_s3_encryption bad_arn[] = {{GF_MODE_SSE_KMS, "alias/not-an-arn"}};
  static const gf_s3_encryption bad_mode[] = {{"SSE-XYZ", NULL}};
  static const gf_encryption_configuration ec_bad_arn = {bad_arn, 1, NULL, NULL, NULL};
  static const gf_encryption_configuration ec_bad_mode = {bad_mode, 1, NULL, NULL, NULL};
  static const gf_job_bookmarks_encryption jb_bad = {GF_MODE_SSE_KMS, NULL}; /* not CSE-KMS */
  static const gf_encryption_configuration ec_bad_jb = {NULL, 0, NULL, &jb_bad, NULL};
  gf_create_security_configuration_request req = {"ok-name", &variants[0]};
  const void *r = &req;
  switch (rnd(w, 9)) {
  case 0: r = NULL; break;                  /* Name and EncryptionConfiguration missing */
  case 1: req.name = long_name; break;      /* 256 bytes */
  case 2: req.name = "bad\nname"; break;    /* not single-line */
  case 3: req.name = "bad\xc3\x28"; break;  /* invalid UTF-8 */
  case 4: req.name = ""; break;             /* too short */
  case 5: req.encryption_configuration = NULL; break;
  case 6: req.encryption_configuration = &ec_bad_arn; break;
  case 7: req.encryption_configuration = &ec_bad_mode; break;
  default: req.encryption_configuration = &ec_bad_jb; break;
  }
  w->invalid_sent++;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_CREATE_SECURITY_CONFIGURATION, r, NULL, &err);
  expect(w, "create invalid", st, note(w, GF_OP_CREATE_SECURITY_CONFIGURATION, st, &err),
         B(GF_INVALID_INPUT), &err);
  gf_error_clear(&err);
}

/* Reads own configuration `seq` and checks it against the bookkeeping. */
static void op_get_own(worker *w)
{
  if (!w->own_len)
    return;
  /* mostly live ones, some deleted ones */
  int seq = w->live_len && rnd(w, 4) ? w->live[rnd(w, (unsigned)w->live_len)]
                                     : (int)rnd(w, (unsigned)w->own_len);
  own_cfg *o = &w->own[seq];
  char name[48];
  own_name(name, w->tag, w->id, seq, o->variant);
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_GET_SECURITY_CONFIGURATION, &req, (void **)&resp, &err);
  if (expect(w, "get own", st, note(w, GF_OP_GET_SECURITY_CONFIGURATION, st, &err),
             B(o->alive ? GF_OK : GF_ENTITY_NOT_FOUND), &err) &&
      st == GF_OK) {
    const gf_security_configuration *c = resp->security_configuration;
    if (!c || !same_str(c->name, name) || !c->has_created_time_stamp ||
        !config_is_variant(c->encryption_configuration, o->variant) ||
        (o->ts_known && c->created_time_stamp != o->ts))
      problem(w, "get own '%s' answered another configuration", name);
    else if (!o->ts_known)
      o->ts_known = true, o->ts = c->created_time_stamp;
  }
  gf_get_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

static void op_delete_own(worker *w)
{
  if (!w->own_len)
    return;
  int seq = w->live_len && rnd(w, 5) ? w->live[rnd(w, (unsigned)w->live_len)]
                                     : (int)rnd(w, (unsigned)w->own_len);
  own_cfg *o = &w->own[seq];
  char name[48];
  own_name(name, w->tag, w->id, seq, o->variant);
  gf_delete_security_configuration_request req = {name};
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_DELETE_SECURITY_CONFIGURATION, &req, NULL, &err);
  if (expect(w, "delete own", st, note(w, GF_OP_DELETE_SECURITY_CONFIGURATION, st, &err),
             B(o->alive ? GF_OK : GF_ENTITY_NOT_FOUND), &err) &&
      st == GF_OK) {
    o->alive = false;
    live_remove(w, o - w->own);
  }
  gf_error_clear(&err);
}

static void op_get_delete_invalid(worker *w)
{
  const char *names[] = {NULL, long_name, "a\rb", "\xff\xfe", "", "x\xef\xbf\xbf"};
  const char *name = names[rnd(w, sizeof names / sizeof *names)];
  gf_error err = GF_ERROR_INIT;
  gf_status st;
  w->invalid_sent++;
  if (rnd(w, 2)) {
    gf_get_security_configuration_request req = {name};
    st = call(w, GF_OP_GET_SECURITY_CONFIGURATION, name ? &req : NULL, NULL, &err);
    expect(w, "get invalid", st, note(w, GF_OP_GET_SECURITY_CONFIGURATION, st, &err),
           B(GF_INVALID_INPUT), &err);
  } else {
    gf_delete_security_configuration_request req = {name};
    st = call(w, GF_OP_DELETE_SECURITY_CONFIGURATION, &req, NULL, &err);
    expect(w, "delete invalid", st, note(w, GF_OP_DELETE_SECURITY_CONFIGURATION, st, &err),
           B(GF_INVALID_INPUT), &err);
  }
  gf_error_clear(&err);
}

static void op_shared(worker *w)
{
  int i = (int)rnd(w, NSHARED);
  char name[48];
  shared_name(name, i);
  gf_error err = GF_ERROR_INIT;
  gf_status st;
  switch (rnd(w, 3)) {
  case 0: {
    gf_create_security_configuration_request req = {name, &variants[i % NVARIANTS]};
    st = call(w, GF_OP_CREATE_SECURITY_CONFIGURATION, &req, NULL, &err);
    if (expect(w, "create shared", st, note(w, GF_OP_CREATE_SECURITY_CONFIGURATION, st, &err),
               B(GF_OK) | B(GF_ALREADY_EXISTS), &err) &&
        st != GF_OK)
      w->races++;
    break;
  }
  case 1: {
    gf_delete_security_configuration_request req = {name};
    st = call(w, GF_OP_DELETE_SECURITY_CONFIGURATION, &req, NULL, &err);
    if (expect(w, "delete shared", st, note(w, GF_OP_DELETE_SECURITY_CONFIGURATION, st, &err),
               B(GF_OK) | B(GF_ENTITY_NOT_FOUND), &err) &&
        st != GF_OK)
      w->races++;
    break;
  }
  default: {
    gf_get_security_configuration_request req = {name};
    gf_get_security_configuration_response *resp = NULL;
    st = call(w, GF_OP_GET_SECURITY_CONFIGURATION, &req, (void **)&resp, &err);
    if (expect(w, "get shared", st, note(w, GF_OP_GET_SECURITY_CONFIGURATION, st, &err),
               B(GF_OK) | B(GF_ENTITY_NOT_FOUND), &err) &&
        st == GF_OK &&
        (!same_str(resp->security_configuration->name, name) ||
         !config_is_variant(resp->security_configuration->encryption_configuration,
                            i % NVARIANTS)))
      problem(w, "get shared '%s' answered another configuration", name);
    gf_get_security_configuration_response_free(resp);
    break;
  }
  }
  gf_error_clear(&err);
}

/* ---- listing ------------------------------------------------------------------- */

/* Pages through the configurations following NextTokens (the whole list one
 * time in four), retrying a page that met an injected timeout with the same
 * token.  Timestamps must grow along the listing (creation order, so no
 * repeats); this thread's own configurations, which only it changes, must
 * appear as its bookkeeping says, and a full listing must show all of its
 * live ones. */
static void op_list(worker *w)
{
  bool full = rnd(w, 4) == 0;
  int64_t max = 5 + (int64_t)rnd(w, 96);
  long pages = full ? 100000 : 1 + (long)rnd(w, 3);
  char *token = NULL;
  double last = -1;
  int own_seen = 0;
  bool complete = false;
  while (pages-- > 0) {
    gf_get_security_configurations_request req = {true, max, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status st;
    int tries = 0;
    while (note(w, GF_OP_GET_SECURITY_CONFIGURATIONS,
                st = call(w, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, (void **)&resp, &err),
                &err) &&
           ++tries < 50)
      gf_error_clear(&err);
    if (!expect(w, "list page", st, 0, B(GF_OK), &err)) {
      gf_error_clear(&err);
      break;
    }
    w->pages++;
    if (resp->security_configurations_count > (size_t)max)
      problem(w, "a page of %zu for MaxResults %lld", resp->security_configurations_count,
              (long long)max);
    for (size_t k = 0; k < resp->security_configurations_count; k++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      parsed_name p;
      if (!parse_name(c->name, &p)) {
        problem(w, "listing holds an unknown name '%s'", c->name ? c->name : "(null)");
        continue;
      }
      if (!(c->created_time_stamp > last))
        problem(w, "listing out of creation order (or repeated) at '%s'", c->name);
      last = c->created_time_stamp;
      if (p.tag == w->tag && p.id == w->id) {
        own_cfg *o = p.seq < w->own_len ? &w->own[p.seq] : NULL;
        own_seen++;
        if (!o || !o->alive || o->variant != p.variant ||
            (o->ts_known && o->ts != c->created_time_stamp))
          problem(w, "listing shows own '%s', which the bookkeeping says is not there", c->name);
        else if (!o->ts_known)
          o->ts_known = true, o->ts = c->created_time_stamp;
      }
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
    if (!token) {
      complete = true;
      break;
    }
  }
  free(token);
  if (full && complete) {
    w->full_listings++;
    if (own_seen != w->live_len)
      problem(w, "a full listing shows %d own configurations, %d are live", own_seen,
              w->live_len);
  }
}

static void op_list_invalid(worker *w)
{
  gf_get_security_configurations_request req = {false, 0, NULL};
  switch (rnd(w, 5)) {
  case 0: req.has_max_results = true, req.max_results = 0; break;
  case 1: req.has_max_results = true, req.max_results = 1001; break;
  case 2: req.has_max_results = true, req.max_results = -3; break;
  case 3: req.next_token = "forged-token"; break;
  default: req.next_token = "AAAAAAAAAAAAAAAAAAAAAA"; break; /* well-formed, never issued */
  }
  w->invalid_sent++;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_GET_SECURITY_CONFIGURATIONS, &req, NULL, &err);
  expect(w, "list invalid", st, note(w, GF_OP_GET_SECURITY_CONFIGURATIONS, st, &err),
         B(GF_INVALID_INPUT), &err);
  gf_error_clear(&err);
}

/* ---- resource policies ------------------------------------------------------------ */

/* Reads own policy: 1 and its hash in `hash` when present, 0 when absent,
 * -1 when the read failed (injected). */
static int read_own_policy(worker *w, const char *arn, char hash[64])
{
  gf_get_resource_policy_request req = {arn};
  gf_get_resource_policy_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_GET_RESOURCE_POLICY, &req, (void **)&resp, &err);
  int result = -1;
  if (expect(w, "get own policy", st, note(w, GF_OP_GET_RESOURCE_POLICY, st, &err),
             B(w->policy_present ? GF_OK : GF_ENTITY_NOT_FOUND), &err)) {
    result = st == GF_OK;
    if (st == GF_OK) {
      if (!same_str(resp->policy_in_json, w->policy_doc) ||
          !same_str(resp->policy_hash, w->policy_hash) || !resp->has_create_time ||
          !resp->has_update_time || resp->update_time < resp->create_time)
        problem(w, "own policy reads back as '%s'", resp->policy_in_json);
      snprintf(hash, 64, "%s", resp->policy_hash ? resp->policy_hash : "");
    }
  }
  gf_get_resource_policy_response_free(resp);
  gf_error_clear(&err);
  return result;
}

/* Optimistic concurrency on the thread's own ARN, where the outcome of every
 * condition is known: read, then put with the hash just read (or NOT_EXIST),
 * put with a stale hash, or delete with the hash. */
static void op_own_policy(worker *w)
{
  char arn[96], hash[64] = "";
  own_arn(arn, w->tag, w->id);
  int present = read_own_policy(w, arn, hash);
  if (present < 0)
    return;
  gf_error err = GF_ERROR_INIT;
  unsigned what = rnd(w, 10);
  if (what < 6) {
    char doc[128];
    snprintf(doc, sizeof doc, "{\"Version\":\"2012-10-17\",\"owner\":\"%c%d\",\"n\":%ld}", w->tag,
             w->id, w->policy_n++);
    gf_put_resource_policy_request req = {doc, present ? hash : NULL,
                                          present ? NULL : GF_POLICY_NOT_EXIST, arn, NULL};
    gf_put_resource_policy_response *resp = NULL;
    gf_status st = call(w, GF_OP_PUT_RESOURCE_POLICY, &req, (void **)&resp, &err);
    if (expect(w, "put own policy", st, note(w, GF_OP_PUT_RESOURCE_POLICY, st, &err), B(GF_OK),
               &err)) {
      if (present)
        snprintf(w->stale_hash, sizeof w->stale_hash, "%s", w->policy_hash);
      w->policy_present = true;
      snprintf(w->policy_doc, sizeof w->policy_doc, "%s", doc);
      snprintf(w->policy_hash, sizeof w->policy_hash, "%s", resp->policy_hash);
    }
    gf_put_resource_policy_response_free(resp);
  } else if (what < 8) {
    /* a condition that must fail, and change nothing */
    gf_put_resource_policy_request req = {"{\"lost\":true}", NULL, GF_POLICY_MUST_EXIST, arn,
                                          NULL};
    if (present && w->stale_hash[0])
      req.policy_hash_condition = w->stale_hash, req.policy_exists_condition = NULL;
    else if (present)
      req.policy_exists_condition = GF_POLICY_NOT_EXIST;
    gf_status st = call(w, GF_OP_PUT_RESOURCE_POLICY, &req, NULL, &err);
    if (expect(w, "put own policy (failing condition)", st,
               note(w, GF_OP_PUT_RESOURCE_POLICY, st, &err), B(GF_CONDITION_CHECK_FAILURE),
               &err))
      w->condition_failures++;
  } else {
    gf_delete_resource_policy_request req = {present ? hash : NULL, arn};
    gf_status st = call(w, GF_OP_DELETE_RESOURCE_POLICY, &req, NULL, &err);
    if (expect(w, "delete own policy", st, note(w, GF_OP_DELETE_RESOURCE_POLICY, st, &err),
               B(present ? GF_OK : GF_ENTITY_NOT_FOUND), &err) &&
        st == GF_OK) {
      snprintf(w->stale_hash, sizeof w->stale_hash, "%s", w->policy_hash);
      w->policy_present = false;
      w->policy_doc[0] = w->policy_hash[0] = '\0';
    }
  }
  gf_error_clear(&err);
}

/* The account's catalog policy (no ResourceArn), fought over by every
 * thread: read, then put or delete conditioned on what was read. */
static void op_shared_policy(worker *w)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_resource_policy_response *got = NULL;
  gf_status st = call(w, GF_OP_GET_RESOURCE_POLICY, NULL, (void **)&got, &err);
  if (!expect(w, "get shared policy", st, note(w, GF_OP_GET_RESOURCE_POLICY, st, &err),
              B(GF_OK) | B(GF_ENTITY_NOT_FOUND), &err)) {
    gf_error_clear(&err);
    return;
  }
  gf_error_clear(&err);
  if (st == GF_OK && (!got->policy_in_json || strncmp(got->policy_in_json, "{\"shared\":", 10)))
    problem(w, "shared policy reads back as '%s'", got->policy_in_json);
  char hash[64] = "";
  if (st == GF_OK)
    snprintf(hash, sizeof hash, "%s", got->policy_hash);
  gf_get_resource_policy_response_free(got);

  if (hash[0] && rnd(w, 4) == 0) {
    gf_delete_resource_policy_request req = {hash, NULL};
    st = call(w, GF_OP_DELETE_RESOURCE_POLICY, &req, NULL, &err);
    if (expect(w, "delete shared policy", st, note(w, GF_OP_DELETE_RESOURCE_POLICY, st, &err),
               B(GF_OK) | B(GF_CONDITION_CHECK_FAILURE) | B(GF_ENTITY_NOT_FOUND), &err) &&
        st != GF_OK)
      w->races++;
  } else {
    char doc[96];
    snprintf(doc, sizeof doc, "{\"shared\":\"%c%d\",\"n\":%ld}", w->tag, w->id, w->policy_n++);
    gf_put_resource_policy_request req = {doc, hash[0] ? hash : NULL,
                                          hash[0] ? NULL : GF_POLICY_NOT_EXIST, NULL, NULL};
    st = call(w, GF_OP_PUT_RESOURCE_POLICY, &req, NULL, &err);
    if (expect(w, "put shared policy", st, note(w, GF_OP_PUT_RESOURCE_POLICY, st, &err),
               B(GF_OK) | B(GF_CONDITION_CHECK_FAILURE), &err) &&
        st != GF_OK)
      w->races++;
  }
  gf_error_clear(&err);
}

static void op_policy_invalid(worker *w)
{
  gf_error err = GF_ERROR_INIT;
  gf_status st;
  gf_operation op;
  w->invalid_sent++;
  switch (rnd(w, 8)) {
  case 0: case 1: case 2: case 3: case 4: {
    static const char *const docs[] = {"{not json", "[1,2", "x", "{} {}"};
    gf_put_resource_policy_request req = {"{}", NULL, NULL, NULL, NULL};
    unsigned k = rnd(w, 8);
    if (k < 4)
      req.policy_in_json = docs[k];
    else if (k == 4)
      req.policy_in_json = long_policy; /* 10241 bytes */
    else if (k == 5)
      req.resource_arn = "arn:aws:s3:::bucket";
    else if (k == 6)
      req.policy_exists_condition = "MAYBE";
    else
      req.policy_in_json = NULL; /* required */
    op = GF_OP_PUT_RESOURCE_POLICY;
    st = call(w, op, &req, NULL, &err);
    break;
  }
  case 5: {
    gf_get_resource_policy_request req = {"arn:aws:iam::" ACCOUNT ":role/x"};
    op = GF_OP_GET_RESOURCE_POLICY;
    st = call(w, op, &req, NULL, &err);
    break;
  }
  default: {
    gf_delete_resource_policy_request req = {long_name, NULL};
    if (rnd(w, 2))
      req.policy_hash_condition = NULL, req.resource_arn = "arn:aws:s3:::bucket/key";
    op = GF_OP_DELETE_RESOURCE_POLICY;
    st = call(w, op, &req, NULL, &err);
    break;
  }
  }
  expect(w, "policy invalid", st, note(w, op, st, &err), B(GF_INVALID_INPUT), &err);
  gf_error_clear(&err);
}

/* ---- Data Catalog encryption settings ------------------------------------------ */

/* Reads the settings of `catalog_id` (NULL: the account's); returns 1 and the
 * at-rest key (or "" for the default DISABLED) in `key`, or 0. */
static int read_catalog(worker *w, const char *catalog_id, char key[64])
{
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = call(w, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &req, (void **)&resp, &err);
  int ok = 0;
  if (expect(w, "get catalog settings", st,
             note(w, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, st, &err), B(GF_OK), &err)) {
    const gf_data_catalog_encryption_settings *s = resp->data_catalog_encryption_settings;
    const gf_encryption_at_rest *at_rest = s ? s->encryption_at_rest : NULL;
    if (!at_rest || !at_rest->catalog_encryption_mode || !s->connection_password_encryption) {
      problem(w, "catalog settings without their members");
    } else if (strcmp(at_rest->catalog_encryption_mode, GF_MODE_DISABLED) == 0) {
      key[0] = '\0';
      ok = 1;
    } else {
      snprintf(key, 64, "%s", at_rest->sse_aws_kms_key_id ? at_rest->sse_aws_kms_key_id : "?");
      ok = 1;
    }
  }
  gf_get_data_catalog_encryption_settings_response_free(resp);
  gf_error_clear(&err);
  return ok;
}

static gf_status put_catalog(worker *w, const char *catalog_id, const char *key, gf_error *err,
                             int *injected)
{
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, key, NULL};
  gf_connection_password_encryption password = {true, "alias/pw", true};
  gf_data_catalog_encryption_settings settings = {&at_rest, &password};
  gf_put_data_catalog_encryption_settings_request req = {catalog_id, &settings};
  gf_status st = call(w, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, &req, NULL, err);
  *injected = note(w, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS, st, err);
  return st;
}

static void op_catalog(worker *w)
{
  char key[64], got[64];
  gf_error err = GF_ERROR_INIT;
  int injected;
  if (rnd(w, 2)) {
    char catalog[32];
    own_catalog(catalog, w->tag, w->id);
    if (rnd(w, 2)) {
      snprintf(key, sizeof key, "alias/%c%d-%ld", w->tag, w->id, w->policy_n++);
      gf_status st = put_catalog(w, catalog, key, &err, &injected);
      if (expect(w, "put own catalog", st, injected, B(GF_OK), &err)) {
        w->catalog_set = true;
        snprintf(w->catalog_key, sizeof w->catalog_key, "%s", key);
      }
    } else if (read_catalog(w, catalog, got) &&
               strcmp(got, w->catalog_set ? w->catalog_key : "") != 0) {
      problem(w, "own catalog reads back key '%s', not '%s'", got, w->catalog_key);
    }
  } else if (rnd(w, 2)) {
    shared_key(key, (int)rnd(w, NSHARED_KEYS));
    gf_status st = put_catalog(w, NULL, key, &err, &injected);
    expect(w, "put shared catalog", st, injected, B(GF_OK), &err);
  } else if (read_catalog(w, rnd(w, 2) ? NULL : ACCOUNT, got) && got[0]) {
    bool known = false;
    for (int i = 0; i < NSHARED_KEYS; i++) {
      shared_key(key, i);
      known |= strcmp(key, got) == 0;
    }
    if (!known)
      problem(w, "the account's catalog holds key '%s'", got);
  }
  gf_error_clear(&err);
}

static void op_catalog_invalid(worker *w)
{
  static const gf_encryption_at_rest bad_mode = {GF_MODE_SSE_S3, NULL, NULL};
  static const gf_encryption_at_rest no_mode = {NULL, "alias/k", NULL};
  static const gf_data_catalog_encryption_settings s_bad = {&bad_mode, NULL};
  static const gf_data_catalog_encryption_settings s_none = {&no_mode, NULL};
  /* The required boolean absent (over HTTP: left out of the body). */
  static const gf_connection_password_encryption no_flag = {false, "alias/pw", false};
  static const gf_data_catalog_encryption_settings s_no_flag = {NULL, &no_flag};
  gf_error err = GF_ERROR_INIT;
  gf_status st;
  gf_operation op = GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS;
  w->invalid_sent++;
  switch (rnd(w, 6)) {
  case 0:
    st = call(w, op, NULL, NULL, &err); /* settings missing */
    break;
  case 1: {
    gf_put_data_catalog_encryption_settings_request req = {NULL, &s_bad};
    st = call(w, op, &req, NULL, &err);
    break;
  }
  case 2: {
    gf_put_data_catalog_encryption_settings_request req = {long_name, &s_none};
    st = call(w, op, &req, NULL, &err);
    break;
  }
  case 3: {
    gf_put_data_catalog_encryption_settings_request req = {NULL, &s_no_flag};
    st = call(w, op, &req, NULL, &err);
    break;
  }
  default: {
    gf_get_data_catalog_encryption_settings_request req = {rnd(w, 2) ? "a\nb" : long_name};
    op = GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS;
    st = call(w, op, &req, NULL, &err);
    break;
  }
  }
  expect(w, "catalog invalid", st, note(w, op, st, &err), B(GF_INVALID_INPUT), &err);
  gf_error_clear(&err);
}

/* A call on a NULL backend: InvalidInput, and it never reaches a log. */
static void op_null_backend(worker *w)
{
  gf_get_security_configuration_request req = {"x"};
  gf_get_security_configuration_response *resp = (void *)&req;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_get_security_configuration(NULL, &req, &resp, &err);
  if (st != GF_INVALID_INPUT || resp != NULL || err.status != GF_INVALID_INPUT)
    problem(w, "a call on a NULL backend gave %s", gf_status_name(st));
  w->null_backend++;
  gf_error_clear(&err);
}

/* ---- HTTP only: requests that must never reach the fake ------------------------ */

static void http_expect(worker *w, const char *what, int rc, const http_resp *r, int code,
                        const char *type)
{
  if (rc != RESP_OK) {
    problem(w, "%s: no response (%d)", what, rc);
    return;
  }
  if (r->status != code || (type && strcmp(r->error_type, type) != 0) || !r->request_id[0])
    problem(w, "%s: %d '%s', expected %d '%s': %.200s", what, r->status, r->error_type, code,
            type ? type : "", r->body ? r->body : "");
  if (type) {
    cJSON *json = cJSON_ParseWithLength(r->body, r->body_len);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(json, "__type");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(json, "Message");
    if (!cJSON_IsString(t) || strcmp(t->valuestring, type) != 0 || !cJSON_IsString(m))
      problem(w, "%s: the body is not {\"__type\":\"%s\",\"Message\":...}: %.200s", what, type,
              r->body);
    cJSON_Delete(json);
  }
}

static void http_bad_input(worker *w)
{
  static const char target_get[] =
      "X-Amz-Target: AWSGlue.GetSecurityConfiguration\r\nContent-Type: " JSON_TYPE "\r\n";
  static const char target_unknown[] =
      "X-Amz-Target: AWSGlue.GetSecurityConfigurationz\r\nContent-Type: " JSON_TYPE "\r\n";
  static const char no_target[] = "Content-Type: " JSON_TYPE "\r\n";
  static const char nul_body[] = "{\"Name\":\"a\"}\0";
  http_resp r;
  int rc;
  w->http_not_logged++;
  switch (rnd(w, 9)) {
  case 0:
    rc = exchange(w, "POST", "/", target_get, "not json", 8, &r);
    http_expect(w, "non-JSON body", rc, &r, 400, "SerializationException");
    break;
  case 1:
    rc = exchange(w, "POST", "/", target_get, "{\"Name\":5}", 10, &r);
    http_expect(w, "wrong member type", rc, &r, 400, "SerializationException");
    break;
  case 2:
    rc = exchange(w, "POST", "/", target_unknown, "{}", 2, &r);
    http_expect(w, "unknown operation", rc, &r, 400, "UnknownOperationException");
    break;
  case 3:
    rc = exchange(w, "POST", "/", no_target, "{}", 2, &r);
    http_expect(w, "no X-Amz-Target", rc, &r, 400, "UnknownOperationException");
    break;
  case 4:
  {
    static const char body[] = "{\"Name\":\"a\\u0000b\"}";
    rc = exchange(w, "POST", "/", target_get, body, sizeof body - 1, &r);
  }
    http_expect(w, "\\u0000 escape", rc, &r, 400, "InvalidInputException");
    break;
  case 5:
    rc = exchange(w, "POST", "/", target_get, nul_body, sizeof nul_body - 1,
                       &r);
    http_expect(w, "NUL byte", rc, &r, 400, "SerializationException");
    break;
  case 6:
    rc = exchange(w, rnd(w, 2) ? "GET" : "PUT", "/", target_get, "", 0, &r);
    http_expect(w, "wrong method", rc, &r, 405, "UnknownOperationException");
    break;
  case 7: { /* garbage, then hang up */
    conn g;
    conn_init(&g);
    if (conn_open(&g, w->port) == 0) {
      char junk[96];
      for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(1 + rnd(w, 255));
      send_all(&g, junk, sizeof junk);
    }
    conn_close(&g);
    memset(&r, 0, sizeof r);
    break;
  }
  default: { /* a request cut short: the body announced, half of it sent */
    conn g;
    conn_init(&g);
    if (conn_open(&g, w->port) == 0) {
      static const char cut[] = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "X-Amz-Target: AWSGlue.CreateSecurityConfiguration\r\n"
                                "Content-Type: " JSON_TYPE "\r\nContent-Length: 100\r\n\r\n"
                                "{\"Name\":\"never";
      send_all(&g, cut, sizeof cut - 1);
    }
    conn_close(&g);
    memset(&r, 0, sizeof r);
    break;
  }
  }
  free(r.body);
}

/* GET /_gluefake/calls or /_gluefake/state while everything else runs: a
 * transcript or a dump taken under way must be well-formed JSON. */
static void http_control_read(worker *w, bool calls)
{
  http_resp r;
  int rc = exchange(w, "GET", calls ? "/_gluefake/calls" : "/_gluefake/state",
                         "", "", 0, &r);
  w->control_reads++;
  if (rc != RESP_OK || r.status != 200) {
    problem(w, "GET %s: %d %d", calls ? "calls" : "state", rc, r.status);
  } else {
    cJSON *json = cJSON_ParseWithLength(r.body, r.body_len);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, calls ? "transcript" : "clock");
    if (!json || (calls && !cJSON_IsArray(list)) || (!calls && !cJSON_IsObject(list)))
      problem(w, "GET %s: not the expected JSON (%zu bytes)", calls ? "calls" : "state",
              r.body_len);
    cJSON_Delete(json);
  }
  free(r.body);
}

/* ---- the worker loop ------------------------------------------------------------- */

static void *worker_main(void *arg)
{
  worker *w = arg;
  pthread_barrier_wait(w->start);
  for (long n = 0; n < w->iters; n++) {
    unsigned pick = rnd(w, 100);
    /* a transcript of the log (early: it costs ~0.1 ms a logged call, and
     * holds up the server thread that serves it) and a dump of the state,
     * taken while everything else runs */
    if (w->tag == 'h' && ((w->id == 0 && n == 3) || (w->id == 1 && n == w->iters / 2))) {
      http_control_read(w, w->id == 0);
      continue;
    }
    if (pick < 16)
      w->live_len < MAX_OWN_LIVE ? op_create_fresh(w) : op_delete_own(w);
    else if (pick < 19)
      op_create_duplicate(w);
    else if (pick < 23)
      op_create_invalid(w);
    else if (pick < 32)
      op_get_own(w);
    else if (pick < 40)
      op_delete_own(w);
    else if (pick < 42)
      op_get_delete_invalid(w);
    else if (pick < 52)
      op_shared(w);
    else if (pick < 61)
      op_list(w);
    else if (pick < 63)
      op_list_invalid(w);
    else if (pick < 73)
      op_own_policy(w);
    else if (pick < 80)
      op_shared_policy(w);
    else if (pick < 83)
      op_policy_invalid(w);
    else if (pick < 91)
      op_catalog(w);
    else if (pick < 94)
      op_catalog_invalid(w);
    else if (w->tag == 'h')
      http_bad_input(w);
    else
      op_null_backend(w);
  }
  conn_close(&w->c);
  return NULL;
}

/* ---- running and checking ---------------------------------------------------------- */

static void init_inputs(void)
{
  memset(long_name, 'n', 256);
  long_name[256] = '\0';
  /* a JSON string of 10241 bytes */
  long_policy[0] = '"';
  memset(long_policy + 1, 'p', 10239);
  long_policy[10240] = '"';
  long_policy[10241] = '\0';
}

static gf_fake *stress_fake(uint64_t seed)
{
  gf_error err = GF_ERROR_INIT;
  char spec[256];
  fault_spec(spec, sizeof spec, seed);
  gf_fake *fake = fixed_fake(NULL, &err);
  if (!fake || gf_faults_set(gf_fake_faults(fake), spec, &err) != GF_OK)
    fail_msg("setting up the fake: %s", gf_error_message(&err));
  return fake;
}

static void worker_init(worker *w, char tag, int id, long iters, gf_fake *fake, unsigned port,
                        pthread_barrier_t *start, uint64_t seed)
{
  memset(w, 0, sizeof *w);
  w->tag = tag;
  w->id = id;
  w->iters = iters;
  w->b = gf_fake_backend(fake);
  w->port = port;
  conn_init(&w->c);
  w->start = start;
  w->rng = seed * 0x100000001b3ULL ^ ((uint64_t)(tag == 'h') << 32 | (uint64_t)(id + 1));
  w->own = calloc((size_t)iters + 1, sizeof *w->own);
  w->live = calloc((size_t)iters + 1, sizeof *w->live);
  assert_non_null(w->own);
  assert_non_null(w->live);
}

static void worker_free(worker *w)
{
  free(w->own);
  free(w->live);
}

static double elapsed_since(const struct timespec *t0)
{
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void run_workers(worker *w, int n)
{
  pthread_t threads[MAX_WORKERS];
  for (int t = 0; t < n; t++)
    assert_int_equal(pthread_create(&threads[t], NULL, worker_main, &w[t]), 0);
  for (int t = 0; t < n; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
}

typedef struct live_cfg {
  char name[48];
  double ts;
} live_cfg;

static int by_ts(const void *a, const void *b)
{
  double x = ((const live_cfg *)a)->ts, y = ((const live_cfg *)b)->ts;
  return x < y ? -1 : x > y;
}

/* Gets `name` on the fake (no fault rules left): appends it to `live` when
 * it exists and checks that it is configuration `variant`.  Returns 1 when
 * it exists, 0 when not. */
static int get_live(gf_backend *b, const char *name, int variant, live_cfg *live, size_t *n)
{
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_get_security_configuration(b, &req, &resp, &err);
  if (st != GF_OK && st != GF_ENTITY_NOT_FOUND)
    fail_msg("final Get '%s': %s", name, gf_error_message(&err));
  gf_error_clear(&err);
  if (st != GF_OK)
    return 0;
  const gf_security_configuration *c = resp->security_configuration;
  assert_string_equal(c->name, name);
  assert_true(c->has_created_time_stamp);
  if (!config_is_variant(c->encryption_configuration, variant))
    fail_msg("final Get '%s': not the configuration it was created with", name);
  snprintf(live[*n].name, sizeof live[*n].name, "%s", name);
  live[(*n)++].ts = c->created_time_stamp;
  gf_get_security_configuration_response_free(resp);
  return 1;
}

static void check_invariants(gf_fake *fake, worker *w, int nw, uint64_t seed)
{
  gf_recorder *log = gf_fake_calls(fake);
  gf_faults *faults = gf_fake_faults(fake);
  gf_backend *b = gf_fake_backend(fake);

  /* 0. no thread saw anything unexpected */
  long unexpected = 0;
  for (int t = 0; t < nw; t++) {
    if (w[t].unexpected)
      print_error("%ld unexpected outcome(s); first: %s\n", w[t].unexpected, w[t].first_problem);
    unexpected += w[t].unexpected;
  }
  assert_int_equal(unexpected, 0);

  /* 1. the call log against the threads' tallies, before anything else calls */
  long calls[GF_OPERATION_COUNT] = {0}, status[GF_OPERATION_COUNT][GF_STATUS_COUNT] = {{0}};
  long injected[RULE_COUNT] = {0}, inner_failed = 0, total = 0;
  for (int t = 0; t < nw; t++) {
    for (int op = 0; op < GF_OPERATION_COUNT; op++) {
      calls[op] += w[t].calls[op];
      total += w[t].calls[op];
      for (int s = 0; s < GF_STATUS_COUNT; s++)
        status[op][s] += w[t].status[op][s];
    }
    for (int r = 0; r < RULE_COUNT; r++)
      injected[r] += w[t].injected[r];
    inner_failed += w[t].create_inner_failed;
  }
  size_t logged = gf_calls_count(log);
  assert_int_equal(logged, (size_t)total);
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    if (gf_calls_count_op(log, (gf_operation)op) != (size_t)calls[op])
      fail_msg("%s: %zu calls logged, the threads made %ld", gf_operation_name((gf_operation)op),
               gf_calls_count_op(log, (gf_operation)op), calls[op]);
  long log_status[GF_OPERATION_COUNT][GF_STATUS_COUNT] = {{0}}, log_injected = 0;
  for (size_t i = 0; i < logged; i++) {
    gf_call_record rec;
    assert_int_equal(gf_calls_get(log, i, &rec), 0);
    assert_true((unsigned)rec.op < GF_OPERATION_COUNT && (unsigned)rec.status < GF_STATUS_COUNT);
    assert_true(allowed_statuses[rec.op] & B(rec.status));
    assert_true((rec.status == GF_OK) == (rec.response != NULL));
    assert_true((rec.status == GF_OK) == (rec.message == NULL));
    log_status[rec.op][rec.status]++;
    log_injected += rec.message && strstr(rec.message, "injected by gluefake") != NULL;
  }
  for (int op = 0; op < GF_OPERATION_COUNT; op++)
    for (int s = 0; s < GF_STATUS_COUNT; s++)
      if (log_status[op][s] != status[op][s])
        fail_msg("%s -> %s: %ld in the log, the threads saw %ld",
                 gf_operation_name((gf_operation)op), gf_status_name((gf_status)s),
                 log_status[op][s], status[op][s]);

  /* 2. the fault rules against what the threads saw */
  size_t served[RULE_COUNT], fired[RULE_COUNT], fired_total = 0;
  for (int r = 0; r < RULE_COUNT; r++) {
    assert_int_equal(gf_faults_counts(faults, rule_target[r], &served[r], &fired[r]), 0);
    fired_total += fired[r];
  }
  long any_calls = total - calls[GF_OP_CREATE_SECURITY_CONFIGURATION] -
                   calls[GF_OP_GET_SECURITY_CONFIGURATIONS];
  assert_int_equal(served[RULE_ANY], (size_t)any_calls);
  assert_int_equal(served[RULE_CREATE], (size_t)calls[GF_OP_CREATE_SECURITY_CONFIGURATION]);
  assert_int_equal(served[RULE_LIST], (size_t)calls[GF_OP_GET_SECURITY_CONFIGURATIONS]);
  assert_int_equal(fired[RULE_ANY], (size_t)injected[RULE_ANY]);
  assert_int_equal(fired[RULE_LIST], (size_t)injected[RULE_LIST]);
  /* applied(): each failure seen once; a create that failed on its own may
   * have used up a draw that succeeded without the caller ever seeing it */
  size_t applied_unseen = fired[RULE_CREATE] - (size_t)injected[RULE_CREATE];
  assert_true(fired[RULE_CREATE] >= (size_t)injected[RULE_CREATE]);
  assert_true(applied_unseen <= (size_t)inner_failed);
  assert_int_equal(log_injected, injected[RULE_ANY] + injected[RULE_LIST] + injected[RULE_CREATE]);
  /* every call drew once: the total fired is fixed by the seed and the count */
  size_t want_fired = expected_fired(seed, logged, PCT);
  assert_int_equal(fired_total, want_fired);

  /* 3. no more faults; every name ever used, read back */
  gf_faults_clear(faults);
  size_t names = NSHARED;
  for (int t = 0; t < nw; t++)
    names += (size_t)w[t].own_len;
  live_cfg *live = calloc(names ? names : 1, sizeof *live);
  assert_non_null(live);
  size_t nlive = 0;
  for (int t = 0; t < nw; t++)
    for (int seq = 0; seq < w[t].own_len; seq++) {
      const own_cfg *o = &w[t].own[seq];
      char name[48];
      own_name(name, w[t].tag, w[t].id, seq, o->variant);
      int there = get_live(b, name, o->variant, live, &nlive);
      if (there != o->alive)
        fail_msg("'%s' is %s, the bookkeeping says %s", name, there ? "live" : "gone",
                 o->alive ? "live" : "gone");
      if (there && o->ts_known && live[nlive - 1].ts != o->ts)
        fail_msg("'%s' has another creation time than its create answered", name);
    }
  for (int i = 0; i < NSHARED; i++) {
    char name[48];
    shared_name(name, i);
    get_live(b, name, i % NVARIANTS, live, &nlive);
  }
  assert_int_equal(gf_fake_security_configuration_count(fake), nlive);

  /* 4. a full listing is exactly those, each once, in creation order */
  qsort(live, nlive, sizeof *live, by_ts);
  size_t at = 0;
  char *token = NULL;
  do {
    gf_get_security_configurations_request req = {true, 100, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    if (gf_get_security_configurations(b, &req, &resp, &err) != GF_OK)
      fail_msg("final listing: %s", gf_error_message(&err));
    for (size_t k = 0; k < resp->security_configurations_count; k++, at++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      if (at >= nlive || strcmp(c->name, live[at].name) != 0 ||
          c->created_time_stamp != live[at].ts)
        fail_msg("final listing item %zu is '%s', the live configurations in creation order "
                 "have '%s' there",
                 at, c->name, at < nlive ? live[at].name : "(nothing)");
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
  } while (token);
  assert_int_equal(at, nlive);
  free(live);

  /* 5. every thread's policy and catalog settings are what it last put */
  for (int t = 0; t < nw; t++) {
    char arn[96];
    own_arn(arn, w[t].tag, w[t].id);
    gf_get_resource_policy_request req = {arn};
    gf_get_resource_policy_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status st = gf_get_resource_policy(b, &req, &resp, &err);
    if (w[t].policy_present) {
      assert_int_equal(st, GF_OK);
      assert_string_equal(resp->policy_in_json, w[t].policy_doc);
      assert_string_equal(resp->policy_hash, w[t].policy_hash);
    } else {
      assert_int_equal(st, GF_ENTITY_NOT_FOUND);
    }
    gf_get_resource_policy_response_free(resp);
    gf_error_clear(&err);
    char catalog[32];
    own_catalog(catalog, w[t].tag, w[t].id);
    gf_get_data_catalog_encryption_settings_request creq = {catalog};
    gf_get_data_catalog_encryption_settings_response *cresp = NULL;
    assert_int_equal(gf_get_data_catalog_encryption_settings(b, &creq, &cresp, &err), GF_OK);
    const gf_encryption_at_rest *at_rest =
        cresp->data_catalog_encryption_settings->encryption_at_rest;
    if (w[t].catalog_set)
      assert_string_equal(at_rest->sse_aws_kms_key_id, w[t].catalog_key);
    else
      assert_string_equal(at_rest->catalog_encryption_mode, GF_MODE_DISABLED);
    gf_get_data_catalog_encryption_settings_response_free(cresp);
  }

  long invalid = 0, races = 0, pages = 0, full = 0, ccf = 0, nulls = 0, http_bad = 0;
  for (int t = 0; t < nw; t++) {
    invalid += w[t].invalid_sent;
    races += w[t].races;
    pages += w[t].pages;
    full += w[t].full_listings;
    ccf += w[t].condition_failures;
    nulls += w[t].null_backend;
    http_bad += w[t].http_not_logged;
  }
  print_message("%zu calls logged (%ld invalid requests), %ld pages in %ld full listings and "
                "more, %ld races, %ld failed conditions, %zu live configurations; injected: "
                "%ld InternalService (*), %ld OperationTimeout (list), %ld applied "
                "OperationTimeout (create) + %zu fired unseen on %ld creates that failed by "
                "themselves; %zu fired = splitmix64 draws; %ld NULL-backend calls and %ld HTTP "
                "requests kept out of the log\n",
                logged, invalid, pages, full, races, ccf, nlive, injected[RULE_ANY],
                injected[RULE_LIST], injected[RULE_CREATE], applied_unseen, inner_failed,
                fired_total, nulls, http_bad);
  /* the mix did what it is there for (given enough calls: GF_STRESS_CALLS
   * may be set low) */
  if (logged >= 2000) {
    assert_true(invalid > 0 && pages > 0 && ccf > 0);
    assert_true(injected[RULE_ANY] > 0 && injected[RULE_LIST] + injected[RULE_CREATE] > 0);
  }
}

/* ---- the tests -------------------------------------------------------------------- */

/* Six threads on one fake through its typed API. */
static void test_threads_typed_api(void **state)
{
  (void)state;
  long iters = calls_per_thread();
  uint64_t seed = stress_seed();
  init_inputs();
  gf_fake *fake = stress_fake(seed);
  pthread_barrier_t start;
  assert_int_equal(pthread_barrier_init(&start, NULL, TYPED_THREADS), 0);
  worker *w = calloc(TYPED_THREADS, sizeof *w);
  assert_non_null(w);
  for (int t = 0; t < TYPED_THREADS; t++)
    worker_init(&w[t], 't', t, iters, fake, 0, &start, seed);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  run_workers(w, TYPED_THREADS);
  double secs = elapsed_since(&t0);
  pthread_barrier_destroy(&start);
  print_message("typed: %d threads x %ld calls in %.3f s\n", TYPED_THREADS, iters, secs);
  check_invariants(fake, w, TYPED_THREADS, seed);
  for (int t = 0; t < TYPED_THREADS; t++)
    worker_free(&w[t]);
  free(w);
  gf_fake_free(fake);
}

/* The same fake served over HTTP: HTTP threads and typed threads at once. */
static void test_server_and_typed_api(void **state)
{
  (void)state;
  long iters = calls_per_thread();
  long http_iters = iters / 6 > 0 ? iters / 6 : 1;
  uint64_t seed = stress_seed() + 1;
  init_inputs();
  gf_fake *fake = stress_fake(seed);
  gf_error err = GF_ERROR_INIT;
  gf_server *server = gf_server_start(fake, "127.0.0.1", 0, &err);
  if (!server)
    fail_msg("gf_server_start: %s", gf_error_message(&err));
  unsigned port = gf_server_port(server);
  assert_true(port > 0);

  enum { N = SERVER_HTTP_THREADS + SERVER_TYPED_THREADS };
  pthread_barrier_t start;
  assert_int_equal(pthread_barrier_init(&start, NULL, N), 0);
  worker *w = calloc(N, sizeof *w);
  assert_non_null(w);
  for (int t = 0; t < SERVER_HTTP_THREADS; t++)
    worker_init(&w[t], 'h', t, http_iters, fake, port, &start, seed);
  for (int t = 0; t < SERVER_TYPED_THREADS; t++)
    worker_init(&w[SERVER_HTTP_THREADS + t], 't', t, iters, fake, 0, &start, seed);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  run_workers(w, N);
  double secs = elapsed_since(&t0);
  pthread_barrier_destroy(&start);
  gf_server_stop(server); /* nothing else reaches the fake from here on */
  long control = 0, requests = 0;
  for (int t = 0; t < N; t++) {
    control += w[t].control_reads;
    requests += w[t].http_requests;
  }
  print_message("server: %d HTTP threads x %ld operations (%ld HTTP requests, %ld of them "
                "control-plane reads) and %d typed threads x %ld calls in %.3f s\n",
                SERVER_HTTP_THREADS, http_iters, requests, control, SERVER_TYPED_THREADS, iters,
                secs);
  check_invariants(fake, w, N, seed);
  for (int t = 0; t < N; t++)
    worker_free(&w[t]);
  free(w);
  gf_fake_free(fake);
}

/* ---- a reset while the fake is in use -------------------------------------------- */

#define RESET_WORKERS 4
#define RESETS 40
#define INVALID_TOKEN "Invalid NextToken" /* how the message starts */

static bool invalid_token(gf_status st, const gf_error *err)
{
  return st == GF_INVALID_INPUT &&
         strncmp(gf_error_message(err), INVALID_TOKEN, strlen(INVALID_TOKEN)) == 0;
}

/* Sleeps `ms` milliseconds. */
static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* A full listing on a fake that another thread resets at any moment: every
 * page is OK, or - for a page asked with a token - InvalidInput because
 * the token was issued before a reset (tokens depend on the state only, so
 * one issued before a reset is taken again once the new store has grown
 * past its cursor: then the listing goes on in the new store).  Within the
 * pages of one listing no configuration comes twice (every name is created
 * once, ever).  Timestamps are not compared: a reset puts the fake back on
 * real time until the resetter fixes the clock again. */
static void reset_list(worker *w)
{
  int64_t max = 3 + (int64_t)rnd(w, 18);
  char *token = NULL;
  char (*seen)[48] = NULL;
  size_t nseen = 0, cap = 0;
  for (;;) {
    gf_get_security_configurations_request req = {true, max, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status st = gf_get_security_configurations(w->b, &req, &resp, &err);
    note(w, GF_OP_GET_SECURITY_CONFIGURATIONS, st, &err);
    if (token && invalid_token(st, &err)) {
      w->races++; /* a stale token: the fake was reset since it was issued */
      gf_error_clear(&err);
      break;
    }
    if (!expect(w, "list page during resets", st, 0, B(GF_OK), &err)) {
      gf_error_clear(&err);
      break;
    }
    w->pages++;
    for (size_t k = 0; k < resp->security_configurations_count; k++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      parsed_name p;
      if (!c->has_created_time_stamp ||
          (!parse_name(c->name, &p) && (!c->name || strncmp(c->name, "z-", 2) != 0))) {
        problem(w, "listing holds an unknown name '%s'", c->name ? c->name : "(null)");
        continue;
      }
      for (size_t i = 0; i < nseen; i++)
        if (strcmp(seen[i], c->name) == 0)
          problem(w, "'%s' listed twice in one listing", c->name);
      if (nseen == cap) {
        cap = cap ? 2 * cap : 64;
        char (*grown)[48] = realloc(seen, cap * sizeof *seen);
        if (!grown) {
          problem(w, "out of memory");
          break;
        }
        seen = grown;
      }
      snprintf(seen[nseen++], sizeof *seen, "%s", c->name);
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
    if (!token)
      break;
  }
  free(token);
  free(seen);
}

/* Calls whose outcome a reset may change at any moment: creates of fresh
 * names (always OK: names are never reused), reads and deletes of them (OK
 * or EntityNotFound, the configuration as created when found), listings,
 * and policy puts without conditions. */
static void *reset_worker_main(void *arg)
{
  worker *w = arg;
  pthread_barrier_wait(w->start);
  for (long n = 0; n < w->iters; n++) {
    unsigned pick = rnd(w, 100);
    gf_error err = GF_ERROR_INIT;
    if (pick < 35 || w->own_len == 0) {
      int seq = w->own_len++, v = (int)rnd(w, NVARIANTS);
      w->own[seq].variant = v;
      w->own[seq].alive = true; /* created; a reset may take it away */
      char name[48];
      own_name(name, w->tag, w->id, seq, v);
      gf_create_security_configuration_request req = {name, &variants[v]};
      gf_status st = gf_create_security_configuration(w->b, &req, NULL, &err);
      expect(w, "create during resets", st, note(w, GF_OP_CREATE_SECURITY_CONFIGURATION, st, &err),
             B(GF_OK), &err);
    } else if (pick < 55) {
      int seq = (int)rnd(w, (unsigned)w->own_len);
      char name[48];
      own_name(name, w->tag, w->id, seq, w->own[seq].variant);
      gf_get_security_configuration_request req = {name};
      gf_get_security_configuration_response *resp = NULL;
      gf_status st = gf_get_security_configuration(w->b, &req, &resp, &err);
      if (expect(w, "get during resets", st, note(w, GF_OP_GET_SECURITY_CONFIGURATION, st, &err),
                 B(GF_OK) | B(GF_ENTITY_NOT_FOUND), &err) &&
          st == GF_OK &&
          (!same_str(resp->security_configuration->name, name) ||
           !config_is_variant(resp->security_configuration->encryption_configuration,
                              w->own[seq].variant)))
        problem(w, "get '%s' during resets answered another configuration", name);
      gf_get_security_configuration_response_free(resp);
    } else if (pick < 65) {
      int seq = (int)rnd(w, (unsigned)w->own_len);
      char name[48];
      own_name(name, w->tag, w->id, seq, w->own[seq].variant);
      gf_delete_security_configuration_request req = {name};
      gf_status st = gf_delete_security_configuration(w->b, &req, NULL, &err);
      expect(w, "delete during resets", st,
             note(w, GF_OP_DELETE_SECURITY_CONFIGURATION, st, &err),
             B(GF_OK) | B(GF_ENTITY_NOT_FOUND), &err);
    } else if (pick < 90) {
      reset_list(w);
    } else {
      char doc[64];
      snprintf(doc, sizeof doc, "{\"r\":%d,\"n\":%ld}", w->id, n);
      gf_put_resource_policy_request req = {doc, NULL, GF_POLICY_NONE, NULL, NULL};
      gf_status st = gf_put_resource_policy(w->b, &req, NULL, &err);
      expect(w, "put policy during resets", st, note(w, GF_OP_PUT_RESOURCE_POLICY, st, &err),
             B(GF_OK), &err);
    }
    gf_error_clear(&err);
  }
  return NULL;
}

typedef struct resetter {
  gf_fake *fake;
  pthread_barrier_t *start;
  int resets;
  int stale_checked;  /* tokens taken before a reset, tried after it: */
  int stale_refused;  /* InvalidInput */
  int stale_accepted; /* a page: the new store had grown past the cursor */
  long unexpected;
  char first_problem[512];
} resetter;

/* Resets the fake RESETS times, each time first taking a NextToken (from
 * configurations of its own, so that there is a second page) and trying it
 * after the reset; the clock is fixed again after each reset, beyond real
 * time so that creation order stays timestamp order. */
static void *resetter_main(void *arg)
{
  resetter *r = arg;
  gf_backend *b = gf_fake_backend(r->fake);
  pthread_barrier_wait(r->start);
  for (int k = 0; k < RESETS; k++) {
    gf_error err = GF_ERROR_INIT;
    for (int i = 0; i < 2; i++) {
      char name[48];
      snprintf(name, sizeof name, "z-%d-%d", k, i);
      gf_create_security_configuration_request req = {name, &variants[0]};
      gf_create_security_configuration(b, &req, NULL, &err); /* a reset may come first */
      gf_error_clear(&err);
    }
    gf_get_security_configurations_request first = {true, 1, NULL};
    gf_get_security_configurations_response *page = NULL;
    gf_status st = gf_get_security_configurations(b, &first, &page, &err);
    char token[128] = "";
    if (st == GF_OK && page->next_token)
      snprintf(token, sizeof token, "%s", page->next_token);
    gf_get_security_configurations_response_free(page);
    gf_error_clear(&err);

    gf_fake_reset(r->fake);
    r->resets++;
    if (gf_fake_set_clock(r->fake, 4e9 + 1e6 * k, 1, &err) != GF_OK && !r->unexpected++)
      snprintf(r->first_problem, sizeof r->first_problem, "set_clock: %s",
               gf_error_message(&err));
    char *dump = gf_fake_dump(r->fake); /* a snapshot under way */
    if (!dump && !r->unexpected++)
      snprintf(r->first_problem, sizeof r->first_problem, "gf_fake_dump gave NULL");
    gf_buffer_free(dump);

    if (token[0]) {
      gf_get_security_configurations_request stale = {true, 1, token};
      st = gf_get_security_configurations(b, &stale, NULL, &err);
      if (st == GF_OK)
        r->stale_accepted++;
      else if (invalid_token(st, &err))
        r->stale_refused++;
      else if (!r->unexpected++)
        snprintf(r->first_problem, sizeof r->first_problem,
                 "a token from before reset %d: %s (%s)", k + 1, gf_status_name(st),
                 gf_error_message(&err));
      r->stale_checked++;
      gf_error_clear(&err);
    }
    sleep_ms(2);
  }
  return NULL;
}

/* Stale NextTokens under concurrency: threads page through the
 * configurations (and create, read, delete them) while another thread
 * resets the fake.  A page asked with a token issued before a reset is
 * InvalidInput ("Invalid NextToken ...") or, once the new store has grown
 * past the token's cursor, a page of the new store - never an error of
 * another kind, a crash or a configuration listed twice; nothing else
 * fails; afterwards the listing and the Gets of every name agree. */
static void test_stale_tokens_across_concurrent_resets(void **state)
{
  (void)state;
  long iters = calls_per_thread() / 3 > 0 ? calls_per_thread() / 3 : 1;
  uint64_t seed = stress_seed() + 2;
  init_inputs();
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = fixed_fake_or_fail(NULL);
  gf_faults_clear(gf_fake_faults(fake)); /* whatever GLUEFAKE_FAULTS said */
  pthread_barrier_t start;
  assert_int_equal(pthread_barrier_init(&start, NULL, RESET_WORKERS + 1), 0);
  worker *w = calloc(RESET_WORKERS, sizeof *w);
  assert_non_null(w);
  for (int t = 0; t < RESET_WORKERS; t++)
    worker_init(&w[t], 'r', t, iters, fake, 0, &start, seed);
  resetter r = {fake, &start, 0, 0, 0, 0, 0, ""};
  pthread_t threads[RESET_WORKERS + 1];
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t < RESET_WORKERS; t++)
    assert_int_equal(pthread_create(&threads[t], NULL, reset_worker_main, &w[t]), 0);
  assert_int_equal(pthread_create(&threads[RESET_WORKERS], NULL, resetter_main, &r), 0);
  for (int t = 0; t <= RESET_WORKERS; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  double secs = elapsed_since(&t0);
  pthread_barrier_destroy(&start);

  long unexpected = r.unexpected, stale = 0, pages = 0, calls = 0;
  if (r.unexpected)
    print_error("resetter: %ld unexpected outcome(s); first: %s\n", r.unexpected, r.first_problem);
  for (int t = 0; t < RESET_WORKERS; t++) {
    if (w[t].unexpected)
      print_error("%ld unexpected outcome(s); first: %s\n", w[t].unexpected, w[t].first_problem);
    unexpected += w[t].unexpected;
    stale += w[t].races;
    pages += w[t].pages;
    for (int op = 0; op < GF_OPERATION_COUNT; op++)
      calls += w[t].calls[op];
  }
  print_message("resets: %d threads x %ld operations (%ld calls, %ld pages) and %d resets in "
                "%.3f s; %ld listings stopped at a stale token; of %d tokens tried after a "
                "reset, %d refused, %d taken (the new store had grown past them)\n",
                RESET_WORKERS, iters, calls, pages, r.resets, secs, stale, r.stale_checked,
                r.stale_refused, r.stale_accepted);
  assert_int_equal(unexpected, 0);
  assert_int_equal(r.resets, RESETS);
  assert_int_equal(r.stale_checked, RESETS);

  /* The log holds the calls since the last reset (and the resetter's own):
   * well-formed records, no more of them than calls were made. */
  gf_recorder *log = gf_fake_calls(fake);
  size_t logged = gf_calls_count(log);
  assert_true(logged <= (size_t)calls + 4 * RESETS);
  for (size_t i = 0; i < logged; i++) {
    gf_call_record rec;
    assert_int_equal(gf_calls_get(log, i, &rec), 0);
    assert_true((unsigned)rec.op < GF_OPERATION_COUNT && (unsigned)rec.status < GF_STATUS_COUNT);
    assert_true(allowed_statuses[rec.op] & B(rec.status));
  }

  /* Every name ever used, read back; the listing holds exactly the live ones. */
  size_t names = 0;
  for (int t = 0; t < RESET_WORKERS; t++)
    names += (size_t)w[t].own_len;
  live_cfg *live = calloc(names ? names : 1, sizeof *live);
  assert_non_null(live);
  size_t nlive = 0;
  gf_backend *b = gf_fake_backend(fake);
  for (int t = 0; t < RESET_WORKERS; t++)
    for (int seq = 0; seq < w[t].own_len; seq++) {
      char name[48];
      own_name(name, 'r', t, seq, w[t].own[seq].variant);
      get_live(b, name, w[t].own[seq].variant, live, &nlive);
    }
  assert_int_equal(gf_fake_security_configuration_count(fake), nlive);
  size_t listed = 0;
  double last = -1;
  char *token = NULL;
  do {
    gf_get_security_configurations_request req = {true, 50, token};
    gf_get_security_configurations_response *resp = NULL;
    if (gf_get_security_configurations(b, &req, &resp, &err) != GF_OK)
      fail_msg("final listing: %s", gf_error_message(&err));
    for (size_t k = 0; k < resp->security_configurations_count; k++, listed++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      assert_true(c->created_time_stamp >= last);
      last = c->created_time_stamp;
      size_t i = 0;
      while (i < nlive && strcmp(live[i].name, c->name) != 0)
        i++;
      if (i == nlive || live[i].ts != c->created_time_stamp)
        fail_msg("final listing holds '%s', which no Get found so", c->name);
      live[i].ts = -1; /* each once */
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
  } while (token);
  assert_int_equal(listed, nlive);
  free(live);
  for (int t = 0; t < RESET_WORKERS; t++)
    worker_free(&w[t]);
  free(w);
  gf_fake_free(fake);
}

/* The call log read (gf_calls_transcript, GET /_gluefake/calls) while the
 * fake is reset (gf_fake_reset, POST /_gluefake/reset): it once encoded
 * records after letting the log's lock go, while gf_calls_clear freed them -
 * a use after free valgrind, AddressSanitizer and ThreadSanitizer report. */
static void *transcript_caller(void *arg)
{
  worker *w = arg;
  pthread_barrier_wait(w->start);
  for (long n = 0; n < w->iters; n++) {
    char name[48];
    snprintf(name, sizeof name, "k%d-%ld", w->id, n % 64);
    gf_create_security_configuration_request req = {name, &variants[1]};
    gf_create_security_configuration(w->b, &req, NULL, NULL);
  }
  return NULL;
}

static void *transcript_resetter(void *arg)
{
  resetter *r = arg;
  pthread_barrier_wait(r->start);
  for (int k = 0; k < 200; k++) {
    gf_fake_reset(r->fake);
    r->resets++;
  }
  return NULL;
}

static void test_transcript_during_reset(void **state)
{
  (void)state;
  gf_fake *fake = test_fake_new(NULL, NULL);
  assert_non_null(fake);
  pthread_barrier_t start;
  assert_int_equal(pthread_barrier_init(&start, NULL, 4), 0);
  worker w[2];
  for (int t = 0; t < 2; t++)
    worker_init(&w[t], 't', t, 4000, fake, 0, &start, 1);
  resetter r = {fake, &start, 0, 0, 0, 0, 0, ""};
  pthread_t threads[3];
  for (int t = 0; t < 2; t++)
    assert_int_equal(pthread_create(&threads[t], NULL, transcript_caller, &w[t]), 0);
  assert_int_equal(pthread_create(&threads[2], NULL, transcript_resetter, &r), 0);
  pthread_barrier_wait(&start);
  for (int k = 0; k < 200; k++)
    gf_buffer_free(gf_calls_transcript(gf_fake_calls(fake)));
  for (int t = 0; t < 3; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  pthread_barrier_destroy(&start);
  for (int t = 0; t < 2; t++)
    worker_free(&w[t]);
  gf_fake_free(fake);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads_typed_api),
      cmocka_unit_test(test_server_and_typed_api),
      cmocka_unit_test(test_stale_tokens_across_concurrent_resets),
      cmocka_unit_test(test_transcript_during_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
