/*
 * retry.h - the AWS SDKs' "standard" retry mode: which failures are
 * retried, how long to wait, and the retry quota that stops a client from
 * retrying into an outage (internal to libgluefake-aws).
 */
#ifndef GLUEFAKE_AWS_RETRY_H
#define GLUEFAKE_AWS_RETRY_H

#include "gluefake/errors.h"

/* The SDKs' constants (botocore's retries/standard.py, the Go SDK's
 * aws/retry). */
#define GFI_RETRY_MAX_ATTEMPTS 3
#define GFI_RETRY_MAX_BACKOFF 20.0 /* seconds */
#define GFI_RETRY_QUOTA 500
#define GFI_RETRY_COST 5
#define GFI_RETRY_TIMEOUT_COST 10
#define GFI_RETRY_SUCCESS_REFUND 1

/* The tokens a backend's calls share; guarded by the caller. */
typedef struct gfi_retry_quota {
  int tokens; /* GFI_RETRY_QUOTA at first */
} gfi_retry_quota;

/* Whether a failed attempt is retried: the table's throttling and transient
 * errors (Transport among them), and any answer with HTTP 500, 502, 503 or
 * 504 whatever its body said; never a failure of our own (out of memory:
 * neither Transport nor an HTTP status). */
int gfi_retry_retryable(gf_status status, int http_status);

/* Takes the cost of one retry from the quota (GFI_RETRY_TIMEOUT_COST after
 * a timeout, else GFI_RETRY_COST).  The cost taken, or 0 when the quota
 * cannot pay it (then the call is not retried). */
int gfi_retry_quota_acquire(gfi_retry_quota *quota, int after_timeout);

/* A call succeeded: gives back what its last retry cost (`last_cost`), or
 * GFI_RETRY_SUCCESS_REFUND when it was not retried, up to GFI_RETRY_QUOTA. */
void gfi_retry_quota_refund(gfi_retry_quota *quota, int last_cost);

/* Seconds to wait before attempt `failed_attempt` + 1 (attempts counted
 * from 1): random * min(2^(failed_attempt - 1), GFI_RETRY_MAX_BACKOFF),
 * `random` in [0, 1). */
double gfi_retry_delay(unsigned failed_attempt, double random);

#endif
