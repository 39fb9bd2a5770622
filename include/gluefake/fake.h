/*
 * gluefake/fake.h - the fake: an in-memory implementation of the ten
 * operations with AWS's validation rules and errors.
 *
 *     gf_fake *fake = gf_fake_new(NULL, &err);
 *     gf_backend *glue = gf_fake_backend(fake);   // hand this to client code
 *     ...
 *     gf_fake_free(fake);
 *
 * A fake is safe to call from many threads at once (one lock per fake);
 * separate fakes share nothing.
 */
#ifndef GLUEFAKE_FAKE_H
#define GLUEFAKE_FAKE_H

#include "calls.h"
#include "client.h"
#include "faults.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_fake gf_fake;

#define GF_DEFAULT_ACCOUNT_ID "123456789012"
#define GF_DEFAULT_REGION "us-east-1"
/* Room for a region name and its NUL: 1..32 of a-z, 0-9 and '-'. */
#define GF_REGION_SIZE 33
#define GF_NO_LIMIT SIZE_MAX

/* Creates an empty fake for `account_id` (12 digits; NULL for
 * GF_DEFAULT_ACCOUNT_ID) on real time, with no limit, an empty call log and
 * the fault rules of the environment variable GLUEFAKE_FAULTS, if set.
 * Returns a new fake owned by the caller (free with gf_fake_free()), or
 * NULL with `err` set: GF_INVALID_INPUT for a bad account id or a
 * GLUEFAKE_FAULTS that does not parse (also printed on stderr, so that it
 * is never missed), GF_INTERNAL_SERVICE when out of memory.  `account_id`
 * is copied.  The same as gf_fake_new_ext() with options that set only
 * `account_id`. */
GF_API gf_fake *gf_fake_new(const char *account_id, gf_error *err);

/* 2: `region`. */
#define GF_FAKE_OPTIONS_VERSION 2

/* How gf_fake_new_ext() makes a fake.  Initialise with
 * GF_FAKE_OPTIONS_INIT, then set what you need: members are only ever
 * appended, and `version` tells which exist. */
typedef struct gf_fake_options {
  unsigned int version;   /* GF_FAKE_OPTIONS_VERSION */
  const char *account_id; /* 12 digits; NULL for GF_DEFAULT_ACCOUNT_ID; copied */
  /* Non-zero: GLUEFAKE_FAULTS is not read, so that what a test or a tool
   * does never depends on the environment it runs in. */
  int ignore_environment;
  /* The region the fake stands for, in its default resource ARN
   * (arn:aws:glue:REGION:ACCOUNT:catalog; arn:aws-cn:... for cn-*,
   * arn:aws-us-gov:... for us-gov-*); NULL for GF_DEFAULT_REGION; copied.
   * Version 2. */
  const char *region;
} gf_fake_options;

#define GF_FAKE_OPTIONS_INIT {GF_FAKE_OPTIONS_VERSION, NULL, 0, NULL}

/* gf_fake_new() with options (NULL: GF_FAKE_OPTIONS_INIT's).  Also
 * GF_INVALID_INPUT for a `version` this library does not know. */
GF_API gf_fake *gf_fake_new_ext(const gf_fake_options *options, gf_error *err);

/* Frees the fake and everything it stores.  NULL is allowed.  Any
 * gf_backend * obtained from it becomes invalid. */
GF_API void gf_fake_free(gf_fake *fake);

/* The fake as a backend for client code.  Borrowed: valid until
 * gf_fake_free(); gf_backend_free() on it frees the fake. */
GF_API gf_backend *gf_fake_backend(gf_fake *fake);

/* The fault injector between the call log and the store: set its rules
 * with gf_faults_set(gf_fake_faults(fake), "...", &err).  Borrowed. */
GF_API gf_faults *gf_fake_faults(gf_fake *fake);

/* The log of every call made through gf_fake_backend(), with what the
 * client saw (injected faults included).  Borrowed. */
GF_API gf_recorder *gf_fake_calls(gf_fake *fake);

/* Empties the store (configurations, catalog settings, policies), removes
 * every fault rule, clears the call log, and goes back to the account id
 * and region given at creation, real time and no limit. */
GF_API void gf_fake_reset(gf_fake *fake);

/* Changes the account id, which is also the default CatalogId and part of
 * the default resource ARN.  GF_INVALID_INPUT unless 12 ASCII digits. */
GF_API gf_status gf_fake_set_account_id(gf_fake *fake, const char *account_id, gf_error *err);

/* Copies the account id (12 digits and a NUL) into `buf`. */
GF_API void gf_fake_account_id(gf_fake *fake, char buf[13]);

/* Changes the region, part of the default resource ARN.  GF_INVALID_INPUT
 * unless 1..32 lower-case letters, digits and '-', starting with a letter
 * and not ending with '-' ("us-east-1", "cn-north-1"). */
GF_API gf_status gf_fake_set_region(gf_fake *fake, const char *region, gf_error *err);

/* Copies the region and its NUL into `buf`. */
GF_API void gf_fake_region(gf_fake *fake, char buf[GF_REGION_SIZE]);

/* Fixes the clock: the next timestamp taken is `now`, and every reading
 * adds `step` (seconds, may be 0) for the one after.  Both must be finite
 * and >= 0 (else GF_INVALID_INPUT), so that every timestamp a test sees is
 * known in advance and the clock never runs backwards. */
GF_API gf_status gf_fake_set_clock(gf_fake *fake, double now, double step, gf_error *err);

/* Goes back to real time (the default). */
GF_API void gf_fake_set_real_clock(gf_fake *fake);

/* Reads the clock as the fake would for a timestamp (advancing a fixed
 * clock by its step). */
GF_API double gf_fake_now(gf_fake *fake);

/* CreateSecurityConfiguration fails with ResourceNumberLimitExceeded once
 * `limit` configurations exist.  GF_NO_LIMIT (the default) for none. */
GF_API void gf_fake_set_security_configuration_limit(gf_fake *fake, size_t limit);

/* How many security configurations the fake holds. */
GF_API size_t gf_fake_security_configuration_count(gf_fake *fake);

#ifdef __cplusplus
}
#endif

#endif
