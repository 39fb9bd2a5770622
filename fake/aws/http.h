/*
 * http.h - one HTTP POST over libcurl, on connections kept alive in a pool
 * that many threads share (internal to libgluefake-aws).
 */
#ifndef GLUEFAKE_AWS_HTTP_H
#define GLUEFAKE_AWS_HTTP_H

#include <pthread.h>
#include <stddef.h>

#include "core/alloc.h"

/* Idle connections kept per backend; a thread that finds none opens one. */
#define GFI_HTTP_IDLE_MAX 16

/* libcurl handles, each with its own live connection, lent to one call at
 * a time. */
typedef struct gfi_http_pool {
  pthread_mutex_t lock;
  void *idle[GFI_HTTP_IDLE_MAX]; /* CURL * */
  size_t idle_count;
  long connects; /* connections opened so far (tests check that they are reused) */
} gfi_http_pool;

/* 0, or -1 when libcurl cannot start (its global init failed). */
int gfi_http_pool_init(gfi_http_pool *pool);
/* Closes every connection. */
void gfi_http_pool_clear(gfi_http_pool *pool);

/* One request; everything borrowed. */
typedef struct gfi_http_request {
  const char *url;
  const char *const *headers; /* "Name: value" lines */
  size_t header_count;
  const char *body;
  size_t body_len;
  long connect_timeout_ms;
  long timeout_ms;
  size_t max_response_bytes;
} gfi_http_request;

/* What came back.  Zero it before gfi_http_post(); gfi_http_reply_clear()
 * frees it. */
typedef struct gfi_http_reply {
  long status;                /* the HTTP status; 0 when there was no answer */
  gfi_text body;              /* the body as received */
  char request_id[128];       /* x-amzn-RequestId, "" when none */
  char error_type[256];       /* x-amzn-ErrorType, "" when none */
  int timed_out;              /* no answer because a timeout expired */
  int too_large;              /* the body passed max_response_bytes */
  int out_of_memory;
  char reason[256];           /* why there was no (whole) answer: libcurl's words */
} gfi_http_reply;

/* Sends `request` on a connection of `pool` and fills `reply`.  0 when an
 * answer came (whatever its status), -1 when none did, or not whole
 * (`reason` says why). */
int gfi_http_post(gfi_http_pool *pool, const gfi_http_request *request, gfi_http_reply *reply);

void gfi_http_reply_clear(gfi_http_reply *reply);

#endif
