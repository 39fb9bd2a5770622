/*
 * gluefake/aws.h - the real backend: the same vtable as the fake, calling
 * AWS Glue (or any endpoint that speaks its protocol) over HTTPS.
 *
 * Production code links libgluefake-aws (pkg-config gluefake-aws): the
 * client calls, the types and this backend, without the fake, its server,
 * libmicrohttpd or cmocka.  The module a team tests against gf_fake_new()
 * is the module that ships with gf_aws_new():
 *
 *     gf_error err = GF_ERROR_INIT;
 *     gf_aws *aws = gf_aws_new(NULL, &err);        (region, credentials and
 *     if (!aws) { fprintf(stderr, "%s\n", gf_error_message(&err)); ... }
 *     my_module_run(gf_aws_backend(aws));          endpoint as the SDKs find them)
 *     gf_aws_free(aws);
 *
 * Configuration is resolved as the AWS SDKs resolve it (README: "The real
 * backend"): credentials from the options, AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, the shared credentials file,
 * the config file, the profile's credential_process; the region from the
 * options, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`; the
 * endpoint from the options, AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL, the
 * profile's `endpoint_url`, else https://glue.REGION.amazonaws.com.
 *
 * Requests are AWS JSON 1.1, signed with SigV4; failed calls are retried as
 * the SDKs' "standard" retry mode does.  One gf_aws may be called from many
 * threads at once; it keeps its connections alive between calls.
 */
#ifndef GLUEFAKE_AWS_H
#define GLUEFAKE_AWS_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_aws gf_aws;

#define GF_AWS_OPTIONS_VERSION 1

/* Initialise with GF_AWS_OPTIONS_INIT, then set what you need: members are
 * only ever appended, and `version` tells which exist.  Every string is
 * borrowed for the duration of gf_aws_new() (the backend keeps copies). */
typedef struct gf_aws_options {
  unsigned int version; /* GF_AWS_OPTIONS_VERSION */
  /* Credentials; used when both the key id and the secret are set. */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL for none */
  const char *profile;       /* NULL: AWS_PROFILE, else "default" */
  const char *region;        /* NULL: AWS_REGION, AWS_DEFAULT_REGION, the profile's */
  const char *endpoint;      /* a URL; NULL: AWS_ENDPOINT_URL_GLUE, ..., the default */
  int use_fips;              /* the glue-fips. host (also AWS_USE_FIPS_ENDPOINT=true) */
  long connect_timeout_ms;   /* 0: 10 s */
  long timeout_ms;           /* the whole attempt; 0: 60 s */
  unsigned max_attempts;     /* attempts per call, retries included; 0: 3 */
  size_t max_response_bytes; /* a larger answer is an error; 0: 64 MiB */
  /* The retry backoff's random source, a number in [0, 1); NULL: a
   * generator seeded from the clock.  Called under the backend's lock. */
  double (*random)(void *context);
  /* Waits `seconds` before a retry; NULL: nanosleep().  Tests record the
   * delays instead of waiting. */
  void (*sleep)(void *context, double seconds);
  /* The time requests are signed at, in seconds since the epoch; NULL: the
   * real clock. */
  long long (*clock)(void *context);
  void *context; /* passed to random, sleep and clock */
  /* Read neither environment variables nor the shared files: only these
   * options (tests, and programs that configure everything themselves). */
  int ignore_environment;
} gf_aws_options;

#define GF_AWS_OPTIONS_INIT                                                                 \
  {GF_AWS_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, NULL, NULL,   \
   NULL, NULL, 0}

/*
 * A new real backend, owned by the caller (gf_aws_free()).  `options` may be
 * NULL (all defaults) and is borrowed.  Credentials, region and endpoint are
 * resolved now (a credential_process runs now, and again when what it gave
 * expires), so that a missing or broken one fails here: NULL with `err`
 * saying what was wrong and where it looked (GF_INVALID_INPUT), or
 * GF_INTERNAL_SERVICE when out of memory.
 */
GF_API gf_aws *gf_aws_new(const gf_aws_options *options, gf_error *err);

/* Frees the backend and closes its connections.  NULL is allowed. */
GF_API void gf_aws_free(gf_aws *aws);

/* The backend's vtable.  Borrowed; gf_backend_free() on it is gf_aws_free(). */
GF_API gf_backend *gf_aws_backend(gf_aws *aws);

/* What the backend resolved, for messages: the region ("eu-west-1"), the
 * endpoint URL, and where the credentials came from ("environment",
 * "shared credentials file /home/me/.aws/credentials [default]", ...).
 * Borrowed from `aws`. */
GF_API const char *gf_aws_region(const gf_aws *aws);
GF_API const char *gf_aws_endpoint(const gf_aws *aws);
GF_API const char *gf_aws_credentials_source(const gf_aws *aws);

#ifdef __cplusplus
}
#endif

#endif
