/*
 * server.c - the fake over HTTP (AWS JSON 1.1) on libmicrohttpd, with the
 * /_gluefake/ control plane for tests (answered only to loopback or allowed
 * hosts: host_guard.c); delayed calls wait, and slow clients are cut off,
 * on the clock of watch.c.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "host_guard.h"
#include "partitions.h"
#include "watch.h"
#include "core/alloc.h"
#include "core/codec.h"
#include "double/decorators.h"
#include "gluefake/buffer.h"
#include "gluefake/fixture.h"
#include "gluefake/json.h"
#include "gluefake/server.h"
#include "gluefake/sys/backend.h"
#include "gluefake/transcript.h"

#define TARGET_PREFIX "AWSGlue."
#define CONTROL_PREFIX "/_gluefake/"
#define JSON_TYPE "application/x-amz-json-1.1"

struct gf_server {
  struct MHD_Daemon *daemon;
  unsigned port;
  atomic_ullong requests; /* for request ids */
  gf_server_auth auth;
  gfi_credentials credentials;
  int wire_variants;
  gfi_partitions partitions; /* the fake served is the home one */
  atomic_ullong api_errors; /* error answers of the API so far: the next one's variant */
  atomic_ullong successes;  /* successful answers so far: the next one's timestamps */
  gfi_host_guard host_guard; /* who the control plane answers */
  gfi_watch watch;           /* delayed calls, header deadlines */
};

/*
 * The connections the server takes: at most CONNECTION_LIMIT (fewer
 * when the process may not open that many files), and at most
 * PER_IP_CONNECTION_LIMIT from one address, so that one client cannot
 * take them all (an SDK's pool, wrk -c16 and the suites use far fewer).
 * IDLE_SECONDS of silence closes one (libmicrohttpd's timeout: it
 * counts inactivity, so the header deadline of watch.h stops a client that
 * trickles bytes).
 */
#define CONNECTION_LIMIT 1024
#define PER_IP_CONNECTION_LIMIT 256
#define IDLE_SECONDS 10
/* Each connection's memory pool: room for a request's headers (an SDK's
 * are under 2 KiB; the signature check allows 64 of them) and its answer's.
 * libmicrohttpd zeroes the whole pool between requests, so a larger one
 * costs every request its memset. */
#define CONNECTION_MEMORY 16384

/* One request: its body, gathered as it arrives, and its wait when a delay
 * fault holds its call. */
typedef struct request_body {
  char *data;
  size_t len, cap;
  int too_large;
  gfi_watched *watched; /* its connection's (NULL when out of memory) */
  gf_fake *fake;        /* the partition of a call waiting its delay */
  int waited;           /* the call waited: the handler's next call makes it, or not */
} request_body;

static void request_completed(void *cls, struct MHD_Connection *connection, void **req_cls,
                              enum MHD_RequestTerminationCode code)
{
  (void)cls, (void)connection, (void)code;
  request_body *body = *req_cls;
  if (body) {
    gfi_watch_answered(body->watched); /* the next request's headers are due */
    gfi_free(body->data);
    gfi_free(body);
    *req_cls = NULL;
  }
}

static void connection_notice(void *cls, struct MHD_Connection *connection, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
  gf_server *server = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    gfi_watch_opened(&server->watch, connection, socket_context);
  else
    gfi_watch_closed(&server->watch, socket_context);
}

/* Queues a response of `content_type` with the headers every answer carries. */
static enum MHD_Result respond_typed(gf_server *server, struct MHD_Connection *connection,
                                     unsigned status, const char *error_type,
                                     const char *content_type, const char *body, size_t len)
{
  /* MUST_COPY: libmicrohttpd copies the body and never writes through the
   * pointer, which its API declares without const. */
  union {
    const char *in;
    void *out;
  } buffer = {body};
  struct MHD_Response *response =
      MHD_create_response_from_buffer(len, buffer.out, MHD_RESPMEM_MUST_COPY);
  if (!response)
    return MHD_NO;
  /* Deterministic, UUID-shaped request ids: the n-th request of a server. */
  char request_id[40];
  unsigned long long n = atomic_fetch_add(&server->requests, 1) + 1;
  snprintf(request_id, sizeof request_id, "00000000-0000-4000-8000-%012llx", n & 0xffffffffffffULL);
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header(response, "x-amzn-RequestId", request_id);
  if (error_type)
    MHD_add_response_header(response, "x-amzn-ErrorType", error_type);
  enum MHD_Result result = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return result;
}

/* The same in the AWS JSON 1.1 type, as every answer but the host guard's. */
static enum MHD_Result respond(gf_server *server, struct MHD_Connection *connection,
                               unsigned status, const char *error_type, const char *body,
                               size_t len)
{
  return respond_typed(server, connection, status, error_type, JSON_TYPE, body, len);
}

/* An error in the API's shape, in error `dialect` (core/codec.h): 0 is
 * {"__type": type, "Message": message} with x-amzn-ErrorType: type. */
static enum MHD_Result respond_error_in(gf_server *server, struct MHD_Connection *connection,
                                        unsigned dialect, unsigned status, const char *type,
                                        const char *message)
{
  cJSON *json = gfi_error_body_in(dialect, type, message);
  char *text = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  enum MHD_Result result;
  if (text) {
    char header[300];
    gfi_error_type_header_in(dialect, type, header, sizeof header);
    result = respond(server, connection, status, header, text, strlen(text));
  } else {
    const char *internal = gf_status_name(GF_INTERNAL_SERVICE);
    char fallback[128];
    int len = snprintf(fallback, sizeof fallback, "{\"__type\":\"%s\",\"Message\":\"out of memory\"}",
                       internal);
    result = respond(server, connection, 500, internal, fallback, (size_t)len);
  }
  cJSON_free(text);
  return result;
}

static enum MHD_Result respond_error(gf_server *server, struct MHD_Connection *connection,
                                     unsigned status, const char *type, const char *message)
{
  return respond_error_in(server, connection, 0, status, type, message);
}

/* An error of the API: under --wire-variants the n-th one is in dialect n
 * mod GFI_ERROR_DIALECTS, so that a client meets them all. */
static enum MHD_Result respond_api_error(gf_server *server, struct MHD_Connection *connection,
                                         unsigned http, const char *name, const char *message)
{
  unsigned dialect =
      server->wire_variants
          ? (unsigned)(atomic_fetch_add(&server->api_errors, 1) % GFI_ERROR_DIALECTS)
          : 0;
  return respond_error_in(server, connection, dialect, http, name, message);
}

/* An error of the table that an API request ends with, in the dialect of
 * its turn. */
static enum MHD_Result respond_api_status(gf_server *server, struct MHD_Connection *connection,
                                          gf_status status, const char *message)
{
  return respond_api_error(server, connection, (unsigned)gf_status_http_code(status),
                           gf_status_name(status), message);
}

/* An error of the table, with its own HTTP status unless `http` says
 * otherwise (0: the table's). */
static enum MHD_Result respond_status(gf_server *server, struct MHD_Connection *connection,
                                      unsigned http, gf_status status, const char *message)
{
  return respond_error(server, connection, http ? http : (unsigned)gf_status_http_code(status),
                       gf_status_name(status), message);
}

static enum MHD_Result respond_ok_empty(gf_server *server, struct MHD_Connection *connection)
{
  return respond(server, connection, 200, NULL, "{}", 2);
}

/* The largest body a request to `url` may carry. */
static size_t body_limit(const char *url, const char *method)
{
  return strcmp(url, CONTROL_PREFIX "state") == 0 && strcmp(method, "POST") == 0
             ? (size_t)GF_MAX_STATE_BODY
             : (size_t)GF_MAX_BODY;
}

/* 413, an error of the HTTP layer that no operation returns. */
static enum MHD_Result respond_too_large(gf_server *server, struct MHD_Connection *connection,
                                         const char *url, const char *method)
{
  return respond_error(server, connection, 413, "RequestEntityTooLarge",
                       body_limit(url, method) == GF_MAX_BODY
                           ? "the request body is over 1 MiB"
                           : "the state is over 256 MiB");
}

#define MAX_SIGNED_HEADERS 64

/* Every header of a request, in order, for the signature check. */
typedef struct header_list {
  gfi_sigv4_header items[MAX_SIGNED_HEADERS];
  size_t count;
  int too_many;
} header_list;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
  (void)kind;
  header_list *list = cls;
  if (list->count == MAX_SIGNED_HEADERS) {
    list->too_many = 1;
    return MHD_NO;
  }
  list->items[list->count++] = (gfi_sigv4_header){key, value ? value : ""};
  return MHD_YES;
}

/* Whether an API request is signed by a known key (under --auth sigv4),
 * and the partition it belongs to: GF_OK with `account_id` and `region`
 * ("" for the served fake's), or the error to answer (not a call: the call
 * log never sees it). */
static gf_status check_auth(gf_server *server, struct MHD_Connection *connection,
                            const request_body *body, char account_id[13],
                            char region[GFI_NAMED_REGION_SIZE], gf_error *err)
{
  if (server->auth != GF_AUTH_SIGV4) {
    gfi_partition_of_request(
        server->credentials.count ? &server->credentials : NULL,
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Authorization"), account_id,
        region);
    return GF_OK;
  }
  header_list headers = {.count = 0};
  MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_header, &headers);
  if (headers.too_many)
    return gf_error_set(err, GF_INCOMPLETE_SIGNATURE, "more than %d headers to check",
                        MAX_SIGNED_HEADERS);
  /* JSON 1.1 requests carry no query; a path other than "/" is refused
   * before this check. */
  gfi_sigv4_request request = {"POST", "/", NULL, headers.items, headers.count,
                               body->data ? body->data : "", body->len};
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  gfi_auth_identity who;
  gf_status status = gfi_auth_check(&server->credentials, &request,
                                    (double)now.tv_sec + (double)now.tv_nsec * 1e-9, &who, err);
  if (status == GF_OK) {
    gfi_partition_account(who.key, who.key->access_key_id, account_id);
    snprintf(region, GFI_NAMED_REGION_SIZE, "%s", who.region);
  }
  return status;
}

/* A truncated answer: the body's first half, then the connection closes. */
typedef struct half_body {
  char *data;
  size_t len, sent_limit;
} half_body;

static ssize_t read_half(void *cls, uint64_t pos, char *buf, size_t max)
{
  half_body *h = cls;
  if (pos >= h->sent_limit)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  size_t n = h->sent_limit - (size_t)pos < max ? h->sent_limit - (size_t)pos : max;
  memcpy(buf, h->data + pos, n);
  return (ssize_t)n;
}

static void free_half(void *cls)
{
  half_body *h = cls;
  gfi_free(h->data);
  gfi_free(h);
}

/* What a fault asked of the wire (double/decorators.h): no answer at all,
 * half of one, or a load balancer's HTML page. */
static enum MHD_Result respond_wire(gf_server *server, struct MHD_Connection *connection,
                                    gfi_wire_action wire, unsigned http_status,
                                    gf_json_reply *reply)
{
  if (wire == GFI_WIRE_RESET)
    return MHD_NO; /* libmicrohttpd closes the connection without an answer */
  struct MHD_Response *response = NULL;
  unsigned status = http_status;
  if (wire == GFI_WIRE_TRUNCATE) {
    half_body *h = gfi_calloc(1, sizeof *h);
    if (!h)
      return MHD_NO;
    h->data = reply->body; /* taken from the reply */
    h->len = reply->body_len;
    h->sent_limit = reply->body_len / 2;
    reply->body = NULL;
    status = (unsigned)reply->http_status;
    response = MHD_create_response_from_callback(h->len, 4096, read_half, h, free_half);
    if (!response) {
      free_half(h);
      return MHD_NO;
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, JSON_TYPE);
  } else {
    char page[256];
    int len = snprintf(page, sizeof page,
                       "<html><head><title>%u</title></head><body><center><h1>%u</h1></center>"
                       "<hr><center>gluefake (a load balancer's answer)</center></body></html>\n",
                       http_status, http_status);
    union {
      const char *in;
      void *out;
    } buffer = {page};
    response = MHD_create_response_from_buffer((size_t)len, buffer.out, MHD_RESPMEM_MUST_COPY);
    if (!response)
      return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html");
  }
  (void)server;
  enum MHD_Result result = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return result;
}

/* The dispatch's reply to `operation`, as is or, under --wire-variants,
 * in the dialect of its turn: errors through respond_api_error(), and
 * every other successful answer (the odd ones) with its timestamps in
 * E-notation. */
static enum MHD_Result respond_reply(gf_server *server, struct MHD_Connection *connection,
                                     const char *operation, const gf_json_reply *reply)
{
  if (!server->wire_variants)
    return respond(server, connection, (unsigned)reply->http_status, reply->error_type,
                   reply->body, reply->body_len);
  cJSON *answer = cJSON_ParseWithLength(reply->body, reply->body_len);
  enum MHD_Result result;
  if (reply->status != GF_OK) {
    gf_error error = GF_ERROR_INIT; /* the message, read back by the codec */
    const char *message = gf_error_from_json(answer, &error) == 0 ? gf_error_message(&error) : "";
    result = respond_api_error(server, connection, (unsigned)reply->http_status,
                               reply->error_type, message);
    gf_error_clear(&error);
  } else {
    gf_operation op;
    char *text = NULL;
    if (atomic_fetch_add(&server->successes, 1) % 2 == 1 && answer &&
        gf_operation_from_name(operation, &op) == 0 &&
        gfi_timestamps_in_e_notation(gfi_response_shapes[op], answer) == 0)
      text = cJSON_PrintUnformatted(answer);
    /* Plain decimals on even turns, and when rewriting ran out of memory. */
    result = text ? respond(server, connection, 200, NULL, text, strlen(text))
                  : respond(server, connection, 200, NULL, reply->body, reply->body_len);
    cJSON_free(text);
  }
  cJSON_Delete(answer);
  return result;
}

/*
 * The fake's stack as the server calls it: the call's fault is decided
 * before the call goes down (decorators.h: gfi_faults_decide_ahead()), so
 * that a delay is waited out without a thread (watch.h) before the call is
 * made, as in-process it is slept before the call reaches the store.
 */
typedef struct call_ahead {
  gf_generic_backend base; /* first */
  gf_fake *fake;
  int waited;        /* its delay is served: the call passes the injector */
  int must_wait;     /* out: not made; wait `delay_ms`, then make it */
  unsigned delay_ms;
} call_ahead;

static gf_status decide_then_call(gf_generic_backend *self, gf_operation op, const void *request,
                                  void **out, gf_error *err)
{
  call_ahead *call = (call_ahead *)self;
  gf_faults *faults = gf_fake_faults(call->fake);
  if (call->waited) {
    gfi_faults_pass_ahead(faults);
  } else if (gfi_faults_decide_ahead(faults, op, request, &call->delay_ms)) {
    call->must_wait = 1; /* this answer is never sent */
    return gf_error_set(err, GF_INTERNAL_SERVICE, "the call waits for its delay");
  }
  return gf_call(gf_fake_backend(call->fake), op, request, out, err);
}

/* Runs an API call on the partition `fake` and answers it; or, when a delay
 * fault holds it, suspends the connection until the delay is over (the
 * handler's next call comes back here with `waited`). */
static enum MHD_Result run_call(gf_server *server, struct MHD_Connection *connection,
                                request_body *body, gf_fake *fake, const char *operation,
                                int waited)
{
  call_ahead call = {.fake = fake, .waited = waited};
  gf_generic_backend_init(&call.base, decide_then_call, NULL);
  gf_json_reply reply;
  gfi_wire_begin();
  int dispatched =
      gf_json_dispatch(&call.base.parent, operation, body->data, body->len, &reply);
  gfi_faults_ahead_end();
  unsigned http_status = 0;
  gfi_wire_action wire = gfi_wire_end(&http_status);
  if (call.must_wait) {
    gf_json_reply_clear(&reply);
    if (!body->watched)
      return respond_status(server, connection, 0, GF_INTERNAL_SERVICE,
                            "out of memory delaying the call");
    if (gfi_watch_wait(&server->watch, body->watched, call.delay_ms) != 0)
      return MHD_NO; /* the server is stopping: the call is never made */
    body->fake = fake;
    body->waited = 1;
    return MHD_YES;
  }
  if (dispatched != 0)
    return respond_status(server, connection, 0, GF_INTERNAL_SERVICE,
                          "out of memory encoding the response");
  if (wire != GFI_WIRE_NONE) {
    enum MHD_Result answered = respond_wire(server, connection, wire, http_status, &reply);
    gf_json_reply_clear(&reply);
    return answered;
  }
  enum MHD_Result result = respond_reply(server, connection, operation, &reply);
  gf_json_reply_clear(&reply);
  return result;
}

/* POST / with X-Amz-Target: AWSGlue.<Operation>. */
static enum MHD_Result serve_api(gf_server *server, struct MHD_Connection *connection,
                                 request_body *body)
{
  gf_error auth_err = GF_ERROR_INIT;
  char account_id[13], region[GFI_NAMED_REGION_SIZE];
  if (check_auth(server, connection, body, account_id, region, &auth_err) != GF_OK) {
    enum MHD_Result refused =
        respond_api_status(server, connection, auth_err.status, gf_error_message(&auth_err));
    gf_error_clear(&auth_err);
    return refused;
  }
  const char *target = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Amz-Target");
  if (!target || strncmp(target, TARGET_PREFIX, strlen(TARGET_PREFIX)) != 0) {
    char message[300];
    snprintf(message, sizeof message, "Unknown operation: %.200s (X-Amz-Target must be %s<Operation>)",
             target ? target : "no X-Amz-Target header", TARGET_PREFIX);
    return respond_api_status(server, connection, GF_UNKNOWN_OPERATION, message);
  }
  gf_error partition_err = GF_ERROR_INIT;
  gf_fake *fake = gfi_partitions_get(&server->partitions, account_id, region, &partition_err);
  if (!fake) {
    enum MHD_Result refused = respond_api_status(server, connection, partition_err.status,
                                                 gf_error_message(&partition_err));
    gf_error_clear(&partition_err);
    return refused;
  }
  return run_call(server, connection, body, fake, target + strlen(TARGET_PREFIX), 0);
}

/* The handler's call after a delayed call's wait (watch.h): the call now,
 * on the partition chosen before the wait (its signature is not checked
 * again: it may have aged past its window meanwhile), or, when the client
 * hung up or the server stops, never. */
static enum MHD_Result serve_waited(gf_server *server, struct MHD_Connection *connection,
                                    request_body *body)
{
  if (gfi_watch_wait_end(&server->watch, body->watched) != GFI_WAIT_ELAPSED)
    return MHD_NO;
  const char *target = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Amz-Target");
  if (!target) /* checked before the wait: never */
    return MHD_NO;
  return run_call(server, connection, body, body->fake, target + strlen(TARGET_PREFIX), 1);
}

/* Sends a text gluefake allocated (NULL: out of memory). */
static enum MHD_Result respond_text(gf_server *server, struct MHD_Connection *connection,
                                    char *text)
{
  if (!text)
    return respond_status(server, connection, 0, GF_INTERNAL_SERVICE, "out of memory");
  enum MHD_Result result = respond(server, connection, 200, NULL, text, strlen(text));
  gf_buffer_free(text);
  return result;
}

/* Loads a fixture into the partition `fake`, refusing one that names
 * (`named_account`, `named_region`: "" for none) another account or region:
 * the partition would no longer be its key. */
static gf_status load_partition(gf_fake *fake, const request_body *body,
                                const char *named_account, const char *named_region,
                                gf_error *err)
{
  char account_id[13], region[GF_REGION_SIZE];
  gf_fake_account_id(fake, account_id);
  gf_fake_region(fake, region);
  if (named_account[0] && strcmp(named_account, account_id) != 0)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "state: the fixture's account_id %s is not the partition's (%s)",
                        named_account, account_id);
  if (named_region[0] && strcmp(named_region, region) != 0)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "state: the fixture's region %.64s is not the partition's (%s)",
                        named_region, region);
  gf_status status = gf_fake_load(fake, body->data, body->len, "state", err);
  /* A large state's parse leaves its freed nodes in the heap: a server that
   * runs for days gives them back (a few milliseconds). */
  if (body->len > GF_MAX_BODY)
    gfi_heap_give_back();
  return status;
}

/* The partition ?account=ID&region=R names: 0, with "" for what it leaves
 * out; -1 with `err` set when one is not well formed. */
static int query_partition(struct MHD_Connection *connection, char account_id[13],
                           char region[GFI_NAMED_REGION_SIZE], gf_error *err)
{
  const char *account = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "account");
  const char *name = MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, "region");
  account_id[0] = region[0] = '\0';
  if (account && !gfi_valid_account_id(account))
    return gf_error_set(err, GF_INVALID_INPUT, "?account='%.64s' is not 12 digits", account), -1;
  if (account)
    memcpy(account_id, account, 13);
  if (name && !*name)
    return gf_error_set(err, GF_INVALID_INPUT, "?region= is empty"), -1;
  if (name)
    snprintf(region, GFI_NAMED_REGION_SIZE, "%s", name);
  return 0;
}

/* Finds a request's Host and Origin headers, and counts them. */
static enum MHD_Result count_hosts(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
  (void)kind;
  gfi_request_hosts *hosts = cls;
  if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
    if (hosts->host_count++ == 0)
      hosts->host = value ? value : "";
  } else if (strcasecmp(key, MHD_HTTP_HEADER_ORIGIN) == 0) {
    if (hosts->origin_count++ == 0)
      hosts->origin = value ? value : "";
  }
  return MHD_YES;
}

/* Whether the control plane may answer this request (host_guard.h): MHD_YES
 * with *refused 0, or the 403 queued with *refused 1.  The 403 is plain
 * application/json, not the AWS protocol's type: whoever meets it is a
 * browser or curl, not an SDK. */
static enum MHD_Result guard_control(gf_server *server, struct MHD_Connection *connection,
                                     int *refused)
{
  gfi_request_hosts hosts = {NULL, NULL, 0, 0};
  MHD_get_connection_values(connection, MHD_HEADER_KIND, count_hosts, &hosts);
  gf_error err = GF_ERROR_INIT;
  *refused = gfi_host_guard_check(&server->host_guard, &hosts, &err) != GF_OK;
  if (!*refused)
    return MHD_YES;
  const char *type = gf_status_name(GF_ACCESS_DENIED);
  cJSON *json = gfi_error_body_in(0, type, gf_error_message(&err));
  char *text = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  gf_error_clear(&err);
  enum MHD_Result result =
      text ? respond_typed(server, connection, 403, type, "application/json", text, strlen(text))
           : respond_status(server, connection, 0, GF_INTERNAL_SERVICE, "out of memory");
  cJSON_free(text);
  return result;
}

static enum MHD_Result serve_control(gf_server *server, struct MHD_Connection *connection,
                                     const char *what, const char *method,
                                     const request_body *body)
{
  int post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
  gf_error err = GF_ERROR_INIT;
  gf_status status = GF_OK;
  enum MHD_Result result;
  char account_id[13], region[GFI_NAMED_REGION_SIZE];
  if (query_partition(connection, account_id, region, &err) != 0) {
    result = respond_status(server, connection, 0, err.status, gf_error_message(&err));
    gf_error_clear(&err);
    return result;
  }
  int named = account_id[0] || region[0];
  if (strcmp(what, "partitions") == 0 && get)
    return respond_text(server, connection, gfi_partitions_list(&server->partitions));
  if (strcmp(what, "reset") == 0 && post && !named) {
    gfi_partitions_reset_all(&server->partitions);
    return respond_ok_empty(server, connection);
  }
  /* A fixture posted without a partition goes to the one it names. */
  char named_account[13] = "", named_region[GFI_NAMED_REGION_SIZE] = "";
  if (strcmp(what, "state") == 0 && post) {
    gfi_fixture_names(body->data, body->len, named_account, named_region);
    if (!named) {
      memcpy(account_id, named_account, sizeof named_account);
      memcpy(region, named_region, sizeof named_region);
    }
  }
  int known = !strcmp(what, "reset") || !strcmp(what, "state") || !strcmp(what, "calls") ||
              !strcmp(what, "faults") || !strcmp(what, "partitions");
  gf_fake *fake = known ? gfi_partitions_get(&server->partitions, account_id, region, &err) : NULL;
  if (known && !fake) {
    result = respond_status(server, connection, 0, err.status, gf_error_message(&err));
    gf_error_clear(&err);
    return result;
  }
  if (strcmp(what, "reset") == 0 && post) {
    gf_fake_reset(fake);
    return respond_ok_empty(server, connection);
  }
  if (strcmp(what, "state") == 0 && get)
    return respond_text(server, connection, gf_fake_dump(fake));
  if (strcmp(what, "calls") == 0 && get) {
    gf_transcript_options calls = GF_TRANSCRIPT_OPTIONS_INIT;
    calls.count_dropped = 1; /* the log keeps --calls-max calls */
    return respond_text(server, connection, gf_calls_transcript_ext(gf_fake_calls(fake), &calls, NULL));
  }
  if (strcmp(what, "faults") == 0 && strcmp(method, "DELETE") == 0) {
    gf_faults_clear(gf_fake_faults(fake));
    return respond_ok_empty(server, connection);
  }
  if (strcmp(what, "state") == 0 && post) {
    status = load_partition(fake, body, named_account, named_region, &err);
  } else if (strcmp(what, "faults") == 0 && post) {
    /* The spec is the body's text (a C string: no NUL inside). */
    char *spec = gfi_strndup(body->data ? body->data : "", body->len);
    if (!spec)
      status = gf_error_set(&err, GF_INTERNAL_SERVICE, "out of memory");
    else if (memchr(body->data ? body->data : "", '\0', body->len))
      status = gf_error_set(&err, GF_INVALID_INPUT, "fault spec: a NUL byte in the body");
    else
      status = gf_faults_set(gf_fake_faults(fake), spec, &err);
    gfi_free(spec);
  } else {
    char message[400];
    snprintf(message, sizeof message, "%.20s %s%.100s is not part of the control plane "
             "(POST reset, GET|POST state, POST|DELETE faults, GET calls, GET partitions)",
             method, CONTROL_PREFIX, what);
    return respond_error(server, connection, known ? 405 : 404,
                         known ? "MethodNotAllowed" : "NotFound", message);
  }
  if (status == GF_OK)
    result = respond_ok_empty(server, connection);
  else
    result = respond_status(server, connection, 0, status, gf_error_message(&err));
  gf_error_clear(&err);
  return result;
}

/* The whole request is in: its answer. */
static enum MHD_Result answer(gf_server *server, struct MHD_Connection *connection,
                              const char *url, const char *method, request_body *body)
{
  if (body->waited)
    return serve_waited(server, connection, body);
  if (body->too_large)
    return respond_too_large(server, connection, url, method);
  if (strncmp(url, CONTROL_PREFIX, strlen(CONTROL_PREFIX)) == 0) {
    /* Checked once the whole request is in, where every answer is given:
     * the 403 then leaves the connection usable (the body is dropped). */
    int refused;
    enum MHD_Result guarded = guard_control(server, connection, &refused);
    if (refused)
      return guarded;
    return serve_control(server, connection, url + strlen(CONTROL_PREFIX), method, body);
  }
  if (strcmp(url, "/") != 0)
    return respond_status(server, connection, 404, GF_UNKNOWN_OPERATION,
                         "Not found: the API is served at POST /");
  if (strcmp(method, "POST") != 0)
    return respond_status(server, connection, 405, GF_UNKNOWN_OPERATION,
                         "The API takes POST / with X-Amz-Target: AWSGlue.<Operation>");
  return serve_api(server, connection, body);
}

static double seconds_since(const struct timespec *start)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) * 1e-9;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *connection, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
  (void)version;
  gf_server *server = cls;
  request_body *body = *req_cls;
  if (!body) {
    /* First call: headers only.  Refuse an announced oversized body at once. */
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    gfi_watched *watched = info ? info->socket_context : NULL;
    gfi_watch_headers_in(watched);
    if (!(body = gfi_calloc(1, sizeof *body)))
      return MHD_NO;
    body->watched = watched;
    *req_cls = body;
    const char *length =
        MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && strtoull(length, NULL, 10) > body_limit(url, method)) {
      body->too_large = 1;
      return respond_too_large(server, connection, url, method);
    }
    return MHD_YES;
  }
  if (*upload_data_size) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (body->too_large || body->len + n > body_limit(url, method)) {
      body->too_large = 1; /* keep reading, keep nothing */
      return MHD_YES;
    }
    if (gfi_grow(&body->data, &body->cap, body->len + n, 1, 4096) != 0)
      return MHD_NO;
    memcpy(body->data + body->len, upload_data, n);
    body->len += n;
    return MHD_YES;
  }
  struct timespec started;
  clock_gettime(CLOCK_MONOTONIC, &started);
  enum MHD_Result result = answer(server, connection, url, method, body);
  /* libmicrohttpd checks its timeout once the handler returns, counting
   * from the last byte it read: a call that took long (a large state) must
   * not lose its answer.  Setting a timeout where there was none restarts
   * the count (MHD_CONNECTION_OPTION_TIMEOUT). */
  if (seconds_since(&started) >= 1.0) {
    MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
    MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT,
                              (unsigned)IDLE_SECONDS);
  }
  return result;
}

/* CONNECTION_LIMIT, or fewer when the process may open fewer files
 * (each connection is one; 64 are left for the rest of the process). */
static unsigned connection_limit(void)
{
  struct rlimit files;
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY ||
      files.rlim_cur >= (rlim_t)CONNECTION_LIMIT + 64)
    return CONNECTION_LIMIT;
  return files.rlim_cur > 128 ? (unsigned)files.rlim_cur - 64 : 64;
}

gf_server *gf_server_start_ext(gf_fake *fake, const gf_server_options *options, gf_error *err)
{
  static const gf_server_options defaults = GF_SERVER_OPTIONS_INIT;
  options = options ? options : &defaults;
  if (options->version == 0 || options->version > GF_SERVER_OPTIONS_VERSION) {
    gf_error_set(err, GF_INVALID_INPUT,
                 "server: options version %u is not supported (this library knows 1..%d)",
                 options->version, GF_SERVER_OPTIONS_VERSION);
    return NULL;
  }
  const char *host = options->host ? options->host : "127.0.0.1";
  unsigned port = options->port;
  if (options->auth != GF_AUTH_NONE && options->auth != GF_AUTH_SIGV4) {
    gf_error_set(err, GF_INVALID_INPUT, "server: auth %d is neither GF_AUTH_NONE nor GF_AUTH_SIGV4",
                 (int)options->auth);
    return NULL;
  }
  if (options->auth == GF_AUTH_SIGV4 && !options->credentials) {
    gf_error_set(err, GF_INVALID_INPUT,
                 "server: checking signatures (GF_AUTH_SIGV4) needs credentials");
    return NULL;
  }
  if (!fake) {
    gf_error_set(err, GF_INVALID_INPUT, "server: no fake to serve");
    return NULL;
  }
  if (port > 65535) {
    gf_error_set(err, GF_INVALID_INPUT, "server: port %u is out of range (0..65535)", port);
    return NULL;
  }
  struct sockaddr_in v4;
  struct sockaddr_in6 v6;
  memset(&v4, 0, sizeof v4);
  memset(&v6, 0, sizeof v6);
  const struct sockaddr *addr;
  /* Suspend and resume: the waits of delayed calls (watch.h). */
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
  if (inet_pton(AF_INET, host, &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons((uint16_t)port);
    addr = (const struct sockaddr *)&v4;
  } else if (inet_pton(AF_INET6, host, &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons((uint16_t)port);
    addr = (const struct sockaddr *)&v6;
    flags |= MHD_USE_IPv6;
  } else {
    gf_error_set(err, GF_INVALID_INPUT, "server: '%s' is not an IPv4 or IPv6 address", host);
    return NULL;
  }
  gf_server *server = gfi_calloc(1, sizeof *server);
  if (!server) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "server: out of memory");
    return NULL;
  }
  /* Members newer than the caller's version do not exist in its struct. */
  if (gfi_host_guard_init(&server->host_guard,
                          options->version >= 3 ? options->allow_hosts : NULL,
                          options->version >= 3 ? options->allow_host_count : 0, err) != GF_OK) {
    gfi_free(server);
    return NULL;
  }
  if (gfi_partitions_init(&server->partitions, fake,
                          options->version >= 2 ? options->faults : NULL,
                          options->version >= 4 ? options->calls_max : GF_SERVER_CALLS_MAX_DEFAULT,
                          err) != GF_OK) {
    gfi_host_guard_clear(&server->host_guard);
    gfi_free(server);
    return NULL;
  }
  server->auth = options->auth;
  server->wire_variants = options->wire_variants;
  atomic_init(&server->requests, 0);
  atomic_init(&server->api_errors, 0);
  atomic_init(&server->successes, 0);
  if (options->credentials &&
      gfi_credentials_parse(options->credentials, options->credentials_len,
                            options->credentials_source, &server->credentials,
                            err) != GF_OK) {
    gfi_partitions_clear(&server->partitions);
    gfi_host_guard_clear(&server->host_guard);
    gfi_free(server);
    return NULL;
  }
  if (gfi_watch_start(&server->watch, err) != GF_OK) {
    gfi_credentials_clear(&server->credentials);
    gfi_partitions_clear(&server->partitions);
    gfi_host_guard_clear(&server->host_guard);
    gfi_free(server);
    return NULL;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (unsigned)cpus;
  unsigned limit = connection_limit();
  unsigned per_ip = limit / 4 < PER_IP_CONNECTION_LIMIT ? limit / 4 : PER_IP_CONNECTION_LIMIT;
  server->daemon = MHD_start_daemon(
      flags, (uint16_t)port, NULL, NULL, handle, server, MHD_OPTION_SOCK_ADDR, addr,
      MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)IDLE_SECONDS, MHD_OPTION_CONNECTION_LIMIT, limit,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, request_completed, server,
      MHD_OPTION_NOTIFY_CONNECTION, connection_notice, server, MHD_OPTION_END);
  if (!server->daemon) {
    gf_error_set(err, GF_INVALID_INPUT, "server: cannot listen on %s port %u", host, port);
    gfi_watch_stop(&server->watch);
    gfi_watch_free(&server->watch);
    gfi_credentials_clear(&server->credentials);
    gfi_partitions_clear(&server->partitions);
    gfi_host_guard_clear(&server->host_guard);
    gfi_free(server);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port = info ? info->port : port;
  return server;
}

gf_server *gf_server_start(gf_fake *fake, const char *host, unsigned port, gf_error *err)
{
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.host = host;
  options.port = port;
  return gf_server_start_ext(fake, &options, err);
}

unsigned gf_server_port(gf_server *server) { return server->port; }

void gf_server_stop(gf_server *server)
{
  if (!server)
    return;
  /* No delayed call holds a thread, so nothing is waited for: their
   * connections are resumed and closed, their calls never made
   * (libmicrohttpd must find no connection suspended). */
  gfi_watch_stop(&server->watch);
  MHD_stop_daemon(server->daemon);
  gfi_watch_free(&server->watch);
  gfi_credentials_clear(&server->credentials);
  gfi_partitions_clear(&server->partitions);
  gfi_host_guard_clear(&server->host_guard);
  gfi_free(server);
}
