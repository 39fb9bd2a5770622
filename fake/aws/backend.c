/* backend.c - the real backend: each call signed, sent, retried and read back (see gluefake/aws.h). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "backend.h"
#include "config.h"
#include "core/alloc.h"
#include "core/random.h"
#include "core/sigv4.h"
#include "gluefake/aws.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "http.h"
#include "retry.h"

#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_MAX_RESPONSE_BYTES ((size_t)64 << 20)
/* A credential_process's credentials are fetched again this long before
 * they expire, so that no request is signed with keys about to lapse. */
#define CREDENTIALS_REFRESH_MARGIN 300

struct gf_aws {
  gf_generic_backend base;
  gfi_aws_config config;
  char *host; /* the Host header, as signed: "glue.us-east-1.amazonaws.com", "127.0.0.1:4566" */
  char *path; /* the path requests go to, as signed: "/" */
  long connect_timeout_ms, timeout_ms;
  unsigned max_attempts;
  size_t max_response_bytes;
  /* The options' injected parts; NULL: the defaults (next_random() ...). */
  double (*random)(void *context);
  void (*sleep)(void *context, double seconds);
  long long (*clock)(void *context);
  void *context;
  /* Guards the retry quota, the default random source and the
   * credentials while a credential_process refreshes them. */
  pthread_mutex_t lock;
  gfi_retry_quota quota;
  uint64_t random_state;
  gfi_http_pool pool;
};

/* ---- the injectable parts, or their defaults ---------------------------------- */

/* A number in [0, 1) for the backoff; called under the lock. */
static double next_random(gf_aws *aws)
{
  return aws->random ? aws->random(aws->context) : gfi_random_unit(&aws->random_state);
}

static void pause_for(gf_aws *aws, double seconds)
{
  if (aws->sleep) {
    aws->sleep(aws->context, seconds);
    return;
  }
  struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
  while (nanosleep(&ts, &ts) != 0)
    ;
}

static long long now(gf_aws *aws)
{
  return aws->clock ? aws->clock(aws->context) : (long long)time(NULL);
}

/* ---- one call ------------------------------------------------------------------ */

/* The credentials to sign with, copied out under the lock (refreshed first
 * when they came from a credential_process and are about to expire). */
static gf_status current_credentials(gf_aws *aws, gfi_aws_credentials *out, gf_error *err)
{
  gf_status status = GF_OK;
  pthread_mutex_lock(&aws->lock);
  gfi_aws_credentials *held = &aws->config.credentials;
  if (aws->config.credential_process && held->expires &&
      now(aws) >= held->expires - CREDENTIALS_REFRESH_MARGIN) {
    gfi_aws_credentials fresh = {0};
    status = gfi_aws_credential_process(aws->config.credential_process, aws->config.profile,
                                        &fresh, err);
    if (status == GF_OK) {
      gfi_aws_credentials_clear(held);
      *held = fresh;
    }
  }
  if (status == GF_OK) {
    out->access_key_id = gfi_strdup(held->access_key_id);
    out->secret_access_key = gfi_strdup(held->secret_access_key);
    out->session_token = held->session_token ? gfi_strdup(held->session_token) : NULL;
    if (!out->access_key_id || !out->secret_access_key ||
        (held->session_token && !out->session_token)) {
      gfi_aws_credentials_clear(out);
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory signing a request");
    }
  }
  pthread_mutex_unlock(&aws->lock);
  return status;
}

/* One attempt: signs `body` for `target` now, sends it, reads the answer. */
static gf_status attempt(gf_aws *aws, gf_operation op, const gfi_aws_credentials *credentials,
                         const char *target, const char *body, size_t body_len, void **out,
                         int *timed_out, gf_error *err)
{
  const gfi_sigv4_header to_sign[] = {
      {"Host", aws->host},
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", target},
  };
  gfi_sigv4_request request = {"POST", aws->path, NULL, to_sign, 3, body, body_len};
  gfi_sigv4_signer signer = {credentials->access_key_id, credentials->secret_access_key,
                             credentials->session_token, aws->config.region, "glue",
                             now(aws), 0};
  gfi_sigv4_signed signature;
  if (gfi_sigv4_sign(&signer, &request, &signature) != 0)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory signing a request");

  gfi_text lines[8] = {{0}};
  gfi_text_append(&lines[0], "Host: %s", aws->host);
  gfi_text_append(&lines[1], "Content-Type: application/x-amz-json-1.1");
  gfi_text_append(&lines[2], "X-Amz-Target: %s", target);
  gfi_text_append(&lines[3], "X-Amz-Date: %s", signature.amz_date);
  gfi_text_append(&lines[4], "Authorization: %s", signature.authorization);
  /* No "Expect: 100-continue" round trip for bodies over 1 KiB. */
  gfi_text_append(&lines[5], "Expect:");
  gfi_text_append(&lines[6], "User-Agent: gluefake-aws libcurl/%s",
                  curl_version_info(CURLVERSION_NOW)->version);
  size_t count = 7;
  if (credentials->session_token)
    gfi_text_append(&lines[count++], "X-Amz-Security-Token: %s", credentials->session_token);
  const char *headers[8];
  int failed = 0;
  for (size_t i = 0; i < count; i++) {
    headers[i] = lines[i].data;
    failed |= lines[i].failed;
  }
  gf_status status;
  if (failed) {
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory signing a request");
  } else {
    gfi_http_request http = {aws->config.endpoint, headers, count, body, body_len,
                             aws->connect_timeout_ms, aws->timeout_ms, aws->max_response_bytes};
    gfi_http_reply reply;
    memset(&reply, 0, sizeof reply);
    int answered = gfi_http_post(&aws->pool, &http, &reply);
    *timed_out = reply.timed_out;
    status = gfi_aws_read_answer(op, aws->config.endpoint, answered, &reply, out, err);
    gfi_http_reply_clear(&reply);
  }
  for (size_t i = 0; i < count; i++)
    gfi_free(lines[i].data);
  gfi_sigv4_signed_clear(&signature);
  return status;
}

static gf_status aws_call(gf_generic_backend *self, gf_operation op, const void *request,
                          void **out, gf_error *err)
{
  gf_aws *aws = (gf_aws *)self;
  char target[64];
  snprintf(target, sizeof target, "AWSGlue.%s", gf_operation_name(op));
  cJSON *json = gf_request_to_json(op, request);
  char *body = json ? cJSON_PrintUnformatted(json) : NULL;
  cJSON_Delete(json);
  if (!body)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory encoding a %s request",
                        gf_operation_name(op));
  gfi_aws_credentials credentials = {0};
  gf_status status = current_credentials(aws, &credentials, err);
  int last_cost = 0;
  for (unsigned n = 1; status == GF_OK; n++) {
    int timed_out = 0;
    status = attempt(aws, op, &credentials, target, body, strlen(body), out, &timed_out, err);
    pthread_mutex_lock(&aws->lock);
    if (status == GF_OK) {
      gfi_retry_quota_refund(&aws->quota, last_cost);
      pthread_mutex_unlock(&aws->lock);
      break;
    }
    int cost = n < aws->max_attempts && gfi_retry_retryable(status, err->http_status)
                   ? gfi_retry_quota_acquire(&aws->quota, timed_out)
                   : 0;
    double delay = cost ? gfi_retry_delay(n, next_random(aws)) : 0;
    pthread_mutex_unlock(&aws->lock);
    if (!cost)
      break;
    last_cost = cost;
    pause_for(aws, delay);
    gf_error_clear(err); /* the next attempt's outcome is the call's */
    status = GF_OK;
  }
  gfi_aws_credentials_clear(&credentials);
  cJSON_free(body);
  return status;
}

/* ---- life -------------------------------------------------------------------- */

/* The Host header and the path of the endpoint URL, as requests are signed. */
static gf_status split_endpoint(gf_aws *aws, gf_error *err)
{
  CURLU *url = curl_url();
  char *host = NULL, *port = NULL, *path = NULL;
  gf_status status = GF_OK;
  if (!url || curl_url_set(url, CURLUPART_URL, aws->config.endpoint, 0) != CURLUE_OK ||
      curl_url_get(url, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    status = gf_error_set(err, GF_INVALID_INPUT, "endpoint '%s' is not a URL",
                          aws->config.endpoint);
  } else {
    curl_url_get(url, CURLUPART_PORT, &port, 0); /* only a port the URL spells */
    curl_url_get(url, CURLUPART_PATH, &path, 0);
    gfi_text h = {0};
    gfi_text_append(&h, "%s%s%s", host, port ? ":" : "", port ? port : "");
    aws->host = h.data;
    aws->path = gfi_strdup(path && *path ? path : "/");
    if (h.failed || !aws->path)
      status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory creating a real backend");
  }
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_url_cleanup(url);
  return status;
}

static void aws_destroy(gf_backend *self)
{
  gf_aws_free((gf_aws *)self);
}

gf_aws *gf_aws_new(const gf_aws_options *options, gf_error *err)
{
  static const gf_aws_options defaults = GF_AWS_OPTIONS_INIT;
  if (!options)
    options = &defaults;
  if (options->version == 0 || options->version > GF_AWS_OPTIONS_VERSION) {
    gf_error_set(err, GF_INVALID_INPUT,
                 "real backend options version %u is not supported (this library knows 1..%d)",
                 options->version, GF_AWS_OPTIONS_VERSION);
    return NULL;
  }
  if (options->connect_timeout_ms < 0 || options->timeout_ms < 0) {
    gf_error_set(err, GF_INVALID_INPUT, "a timeout of the real backend is negative");
    return NULL;
  }
  gf_aws *aws = gfi_new_object(sizeof *aws, "real backend", err);
  if (!aws)
    return NULL;
  if (gfi_http_pool_init(&aws->pool) != 0) {
    gfi_free(aws);
    gf_error_set(err, GF_INTERNAL_SERVICE, "libcurl could not start");
    return NULL;
  }
  pthread_mutex_init(&aws->lock, NULL);
  gf_generic_backend_init(&aws->base, aws_call, aws_destroy);
  aws->connect_timeout_ms =
      options->connect_timeout_ms ? options->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
  aws->timeout_ms = options->timeout_ms ? options->timeout_ms : DEFAULT_TIMEOUT_MS;
  aws->max_attempts = options->max_attempts ? options->max_attempts : GFI_RETRY_MAX_ATTEMPTS;
  aws->max_response_bytes =
      options->max_response_bytes ? options->max_response_bytes : DEFAULT_MAX_RESPONSE_BYTES;
  aws->random = options->random;
  aws->sleep = options->sleep;
  aws->clock = options->clock;
  aws->context = options->context;
  aws->random_state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)aws;
  aws->quota.tokens = GFI_RETRY_QUOTA;
  if (gfi_aws_config_resolve(options, &aws->config, err) != GF_OK ||
      split_endpoint(aws, err) != GF_OK) {
    gf_aws_free(aws);
    return NULL;
  }
  return aws;
}

void gf_aws_free(gf_aws *aws)
{
  if (!aws)
    return;
  gfi_http_pool_clear(&aws->pool);
  pthread_mutex_destroy(&aws->lock);
  gfi_aws_config_clear(&aws->config);
  gfi_free(aws->host);
  gfi_free(aws->path);
  gfi_free(aws);
}

gf_backend *gf_aws_backend(gf_aws *aws)
{
  return aws ? &aws->base.parent : NULL;
}

const char *gf_aws_region(const gf_aws *aws)
{
  return aws ? aws->config.region : NULL;
}

const char *gf_aws_endpoint(const gf_aws *aws)
{
  return aws ? aws->config.endpoint : NULL;
}

const char *gf_aws_credentials_source(const gf_aws *aws)
{
  return aws ? aws->config.credentials_source : NULL;
}

long gfi_aws_connections_opened(gf_aws *aws)
{
  pthread_mutex_lock(&aws->pool.lock);
  long connects = aws->pool.connects;
  pthread_mutex_unlock(&aws->pool.lock);
  return connects;
}

int gfi_aws_retry_tokens(gf_aws *aws)
{
  pthread_mutex_lock(&aws->lock);
  int tokens = aws->quota.tokens;
  pthread_mutex_unlock(&aws->lock);
  return tokens;
}
