/* http.c - one POST on a pooled, kept-alive libcurl connection (see http.h). */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int gfi_http_pool_init(gfi_http_pool *pool)
{
  memset(pool, 0, sizeof *pool);
  /* libcurl counts its global inits (thread-safe since 7.84); each pool
   * holds one until it is cleared. */
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return -1;
  pthread_mutex_init(&pool->lock, NULL);
  return 0;
}

void gfi_http_pool_clear(gfi_http_pool *pool)
{
  for (size_t i = 0; i < pool->idle_count; i++)
    curl_easy_cleanup(pool->idle[i]);
  pool->idle_count = 0;
  pthread_mutex_destroy(&pool->lock);
  curl_global_cleanup();
}

static CURL *take(gfi_http_pool *pool)
{
  CURL *curl = NULL;
  pthread_mutex_lock(&pool->lock);
  if (pool->idle_count)
    curl = pool->idle[--pool->idle_count];
  pthread_mutex_unlock(&pool->lock);
  return curl ? curl : curl_easy_init();
}

static void give_back(gfi_http_pool *pool, CURL *curl, long connects)
{
  pthread_mutex_lock(&pool->lock);
  pool->connects += connects;
  if (pool->idle_count < GFI_HTTP_IDLE_MAX) {
    pool->idle[pool->idle_count++] = curl;
    curl = NULL;
  }
  pthread_mutex_unlock(&pool->lock);
  if (curl)
    curl_easy_cleanup(curl);
}

/* What libcurl's callbacks read and fill. */
typedef struct exchange {
  gfi_http_reply *reply;
  size_t max_bytes;
  const char *body; /* what is left of the request's body to send */
  size_t body_left;
} exchange;

/* The request's body, handed to libcurl through a callback that cannot
 * rewind: so that libcurl never sends a request again on its own.  (On a
 * kept-alive connection that closes before any answer, libcurl silently
 * resends; the SDKs count that as a failed attempt, retried with backoff,
 * and so must the backend, or an applied(reset) create would meet
 * AlreadyExists without a retry anyone could see.) */
static size_t on_send(char *buffer, size_t size, size_t count, void *user)
{
  exchange *x = user;
  size_t n = size * count < x->body_left ? size * count : x->body_left;
  memcpy(buffer, x->body, n);
  x->body += n;
  x->body_left -= n;
  return n;
}

static size_t on_body(char *data, size_t size, size_t count, void *user)
{
  exchange *x = user;
  size_t len = size * count;
  if (x->reply->body.len + len > x->max_bytes) {
    x->reply->too_large = 1;
    return 0; /* libcurl stops with CURLE_WRITE_ERROR */
  }
  gfi_text_add(&x->reply->body, data, len);
  if (x->reply->body.failed) {
    x->reply->out_of_memory = 1;
    return 0;
  }
  return len;
}

/* Copies the value of header `name` from `line` into `out` when the line
 * is that header. */
static void header_value(const char *line, size_t len, const char *name, char *out,
                         size_t size)
{
  size_t name_len = strlen(name);
  if (len <= name_len || line[name_len] != ':' || strncasecmp(line, name, name_len) != 0)
    return;
  const char *value = line + name_len + 1, *end = line + len;
  while (value < end && (*value == ' ' || *value == '\t'))
    value++;
  while (end > value && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
    end--;
  snprintf(out, size, "%.*s", (int)(end - value), value);
}

static size_t on_header(char *line, size_t size, size_t count, void *user)
{
  exchange *x = user;
  size_t len = size * count;
  /* A new status line (after "100 Continue", say) starts the headers over. */
  if (len > 5 && strncmp(line, "HTTP/", 5) == 0)
    x->reply->request_id[0] = x->reply->error_type[0] = '\0';
  header_value(line, len, "x-amzn-RequestId", x->reply->request_id,
               sizeof x->reply->request_id);
  header_value(line, len, "x-amzn-ErrorType", x->reply->error_type,
               sizeof x->reply->error_type);
  return len;
}

int gfi_http_post(gfi_http_pool *pool, const gfi_http_request *request, gfi_http_reply *reply)
{
  CURL *curl = take(pool);
  struct curl_slist *headers = NULL;
  exchange x = {reply, request->max_response_bytes, request->body, request->body_len};
  int ok = curl != NULL;
  for (size_t i = 0; ok && i < request->header_count; i++) {
    struct curl_slist *more = curl_slist_append(headers, request->headers[i]);
    ok = more != NULL;
    if (more)
      headers = more;
  }
  if (!ok) {
    reply->out_of_memory = 1;
    snprintf(reply->reason, sizeof reply->reason, "out of memory preparing the request");
    curl_slist_free_all(headers);
    if (curl)
      give_back(pool, curl, 0);
    return -1;
  }
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_reset(curl); /* keeps the live connection, forgets the last call's options */
  curl_easy_setopt(curl, CURLOPT_URL, request->url);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_send);
  curl_easy_setopt(curl, CURLOPT_READDATA, &x);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->body_len);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request->timeout_ms);
  /* Threads: no signals for DNS timeouts; no redirects: an API answers. */
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode code = curl_easy_perform(curl);
  long connects = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects);
  if (code == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
  else if (reply->too_large)
    snprintf(reply->reason, sizeof reply->reason, "larger than %zu bytes",
             request->max_response_bytes);
  else if (reply->out_of_memory)
    snprintf(reply->reason, sizeof reply->reason, "out of memory reading the answer");
  else if (code == CURLE_SEND_FAIL_REWIND) /* libcurl wanted to resend: see on_send() */
    snprintf(reply->reason, sizeof reply->reason,
             "the connection closed before an answer came");
  else
    snprintf(reply->reason, sizeof reply->reason, "%s", *error ? error : curl_easy_strerror(code));
  reply->timed_out = code == CURLE_OPERATION_TIMEDOUT;
  curl_slist_free_all(headers);
  /* A connection that failed mid-answer is closed by libcurl itself; the
   * handle stays good for the next call. */
  give_back(pool, curl, connects);
  return code == CURLE_OK ? 0 : -1;
}

void gfi_http_reply_clear(gfi_http_reply *reply)
{
  if (!reply)
    return;
  gfi_free(reply->body.data);
  memset(reply, 0, sizeof *reply);
}
