/*
 * config.h - where the real backend's credentials, region and endpoint come
 * from, resolved in the AWS SDKs' order (internal to libgluefake-aws).
 *
 *   profile      options->profile, AWS_PROFILE, "default"
 *   credentials  options (key id and secret both set); AWS_ACCESS_KEY_ID +
 *                AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); the shared
 *                credentials file (AWS_SHARED_CREDENTIALS_FILE, default
 *                ~/.aws/credentials) section [NAME]; the config file
 *                (AWS_CONFIG_FILE, default ~/.aws/config) section
 *                [profile NAME] ([default] for the default profile); that
 *                profile's credential_process
 *   region       options, AWS_REGION, AWS_DEFAULT_REGION, the profile's region
 *   endpoint     options, AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL, the
 *                profile's endpoint_url, else https://glue.REGION.amazonaws.com
 *                (amazonaws.com.cn for cn- regions; glue-fips. with FIPS:
 *                options->use_fips, AWS_USE_FIPS_ENDPOINT=true or the
 *                profile's use_fips_endpoint = true)
 *
 * With options->ignore_environment only the options count.
 */
#ifndef GLUEFAKE_AWS_CONFIG_H
#define GLUEFAKE_AWS_CONFIG_H

#include "gluefake/aws.h"

/* A set of credentials; every string owned (gfi_free). */
typedef struct gfi_aws_credentials {
  char *access_key_id;
  char *secret_access_key;
  char *session_token; /* NULL for none */
  long long expires;   /* seconds since the epoch; 0: they do not expire */
} gfi_aws_credentials;

/* What gfi_aws_config_resolve() found; every string owned. */
typedef struct gfi_aws_config {
  char *profile;  /* the profile's name, "default" when none was asked for */
  char *region;   /* valid by core/names.h's rule */
  char *endpoint; /* a URL with scheme http or https and a host, no query */
  gfi_aws_credentials credentials;
  /* Where the credentials came from, for messages: "options",
   * "environment", "shared credentials file PATH [NAME]", "config file
   * PATH [profile NAME]", "credential_process of profile NAME". */
  char *credentials_source;
  /* The profile's credential_process when the credentials came from it
   * (run again with gfi_aws_credential_process() once they expire), else
   * NULL. */
  char *credential_process;
} gfi_aws_config;

/*
 * Resolves everything gf_aws_new() needs.  GF_OK with `config` filled; or
 * GF_INVALID_INPUT with `config` empty and a message saying what was wrong:
 *  - "no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION and
 *    profile 'default' of /home/me/.aws/config (absent)"
 *  - "no credentials: looked in the options, AWS_ACCESS_KEY_ID and
 *    AWS_SECRET_ACCESS_KEY, [default] of /home/me/.aws/credentials (absent)
 *    and profile 'default' of /home/me/.aws/config (absent)"
 *  - "/home/me/.aws/config:3: expected '[section]' or 'key = value', got
 *    '...'" for a file that does not parse (a missing file is no error)
 *  - "profile 'dev' is in neither /home/me/.aws/credentials nor
 *    /home/me/.aws/config" when a profile was asked for by name
 *  - "region 'x y' (from AWS_REGION) is not a region name (...)"
 *  - "endpoint 'foo' (from AWS_ENDPOINT_URL) is not a URL: ..."
 *  - and those of gfi_aws_credential_process();
 * GF_INTERNAL_SERVICE when out of memory.
 */
gf_status gfi_aws_config_resolve(const gf_aws_options *options, gfi_aws_config *config,
                                 gf_error *err);

/* Frees what `config` holds and zeroes it.  NULL is allowed. */
void gfi_aws_config_clear(gfi_aws_config *config);

/*
 * Runs `command` with /bin/sh -c, as the SDKs run a profile's
 * credential_process, and reads its standard output (at most 64 KiB):
 * {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., "SessionToken":
 * ... (optional), "Expiration": "2026-12-06T15:00:00Z" (optional, ISO 8601
 * UTC)}.  Standard error passes through.  GF_OK with `out` filled; or
 * GF_INVALID_INPUT naming the profile and what was wrong: the command could
 * not run, exited with status N, was killed by signal N, printed more than
 * 64 KiB, printed no JSON object, a Version other than 1, no AccessKeyId or
 * SecretAccessKey (or not strings), an Expiration that is not ISO 8601.
 */
gf_status gfi_aws_credential_process(const char *command, const char *profile,
                                     gfi_aws_credentials *out, gf_error *err);

/* Frees what `credentials` holds and zeroes it.  NULL is allowed. */
void gfi_aws_credentials_clear(gfi_aws_credentials *credentials);

#endif
