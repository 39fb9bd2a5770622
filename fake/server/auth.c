/* auth.c - checking a request's SigV4 signature as AWS does (see auth.h). */
#define _GNU_SOURCE /* timegm */
#include "auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gluefake/sys/backend.h"

#define SKEW_SECONDS (5 * 60)

static const char *header_value(const gfi_sigv4_request *request, const char *name)
{
  for (size_t i = 0; i < request->header_count; i++)
    if (strcasecmp(request->headers[i].name, name) == 0)
      return request->headers[i].value;
  return NULL;
}

/* An ISO-8601 basic date-time ("20150830T123600Z") as seconds since the
 * epoch; -1 when it is not one. */
static long long parse_amz_date(const char *text)
{
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  const char *end = text ? strptime(text, "%Y%m%dT%H%M%SZ", &tm) : NULL;
  if (!end || *end || strlen(text) != 16)
    return -1;
  return (long long)timegm(&tm);
}

static void format_amz_date(long long t, char out[17])
{
  time_t when = (time_t)t;
  struct tm tm;
  gmtime_r(&when, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

/* The request's date as X-Amz-Date spells it, from X-Amz-Date or else
 * Date (RFC 1123).  0, -1 when there is neither, -2 when X-Amz-Date is not
 * ISO-8601 basic (its value in `bad`). */
static int request_date(const gfi_sigv4_request *request, char amz_date[17], long long *t,
                        const char **bad)
{
  const char *x_amz_date = header_value(request, "X-Amz-Date");
  if (x_amz_date) {
    *bad = x_amz_date;
    if ((*t = parse_amz_date(x_amz_date)) < 0)
      return -2;
    memcpy(amz_date, x_amz_date, 17);
    return 0;
  }
  const char *date = header_value(request, "Date");
  if (!date)
    return -1;
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  *bad = date;
  const char *end = strptime(date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end)
    return -2;
  *t = (long long)timegm(&tm);
  format_amz_date(*t, amz_date);
  return 0;
}

static gf_status incomplete(gf_error *err, const char *missing, int no_date,
                            const char *authorization)
{
  return gf_error_set(err, GF_INCOMPLETE_SIGNATURE, "%s%sAuthorization=%s", missing,
                      no_date ? "Authorization header requires existence of either a "
                                "'X-Amz-Date' or a 'Date' header. "
                              : "",
                      authorization);
}

/* The scope's service, terminator and date, and the clock. */
static gf_status check_scope(const gfi_sigv4_auth *auth, const char *amz_date, long long t,
                             double now, gf_error *err)
{
  if (strcmp(auth->service, "glue") != 0)
    return gf_error_set(err, GF_INVALID_SIGNATURE,
                        "Credential should be scoped to correct service: 'glue'. ");
  if (strcmp(auth->terminator, "aws4_request") != 0)
    return gf_error_set(err, GF_INVALID_SIGNATURE,
                        "Credential should be scoped with a valid terminator: 'aws4_request', "
                        "not '%s'. ",
                        auth->terminator);
  if (strncmp(auth->date, amz_date, 8) != 0 || strlen(auth->date) != 8)
    return gf_error_set(err, GF_INVALID_SIGNATURE,
                        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version "
                        "of date from HTTP: '%s' != '%.8s', from '%s'.",
                        auth->date, amz_date, amz_date);
  char now_text[17], bound[17];
  long long clock = (long long)now;
  format_amz_date(clock, now_text);
  if (t < clock - SKEW_SECONDS) {
    format_amz_date(clock - SKEW_SECONDS, bound);
    return gf_error_set(err, GF_INVALID_SIGNATURE,
                        "Signature expired: %s is now earlier than %s (%s - 5 min.)", amz_date,
                        bound, now_text);
  }
  if (t > clock + SKEW_SECONDS) {
    format_amz_date(clock + SKEW_SECONDS, bound);
    return gf_error_set(err, GF_INVALID_SIGNATURE,
                        "Signature not yet current: %s is still later than %s (%s + 5 min.)",
                        amz_date, bound, now_text);
  }
  return GF_OK;
}

/* The signature the key would have made of the request, compared with
 * the one given. */
static gf_status check_signature(gfi_credentials *credentials, const gfi_sigv4_auth *auth,
                                 const gfi_credential *key, const gfi_sigv4_request *request,
                                 const char *amz_date, gf_error *err)
{
  static const char mismatch[] =
      "The request signature we calculated does not match the signature you provided. Check "
      "your AWS Secret Access Key and signing method. Consult the service documentation for "
      "details.";
  gfi_text canonical = {0}, to_sign = {0};
  int signed_all = gfi_sigv4_canonical_request(request, auth->signed_headers, NULL, &canonical);
  if (signed_all == 0)
    gfi_sigv4_string_to_sign(amz_date, auth->scope, canonical.data, &to_sign);
  gf_status status = GF_OK;
  if (canonical.failed || to_sign.failed) {
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory checking the signature");
  } else if (signed_all != 0) {
    status = gf_error_set(err, GF_INVALID_SIGNATURE, "%s", mismatch); /* a signed header is missing */
  } else {
    unsigned char signing_key[32];
    char expected[65];
    gfi_credentials_signing_key(credentials, key, auth->scope, auth->date, auth->region,
                                auth->service, signing_key);
    gfi_sigv4_signature(signing_key, to_sign.data, expected);
    if (strlen(auth->signature) != 64 || CRYPTO_memcmp(expected, auth->signature, 64) != 0)
      status = gf_error_set(err, GF_INVALID_SIGNATURE, "%s", mismatch);
  }
  gfi_free(canonical.data);
  gfi_free(to_sign.data);
  return status;
}

gf_status gfi_auth_check(gfi_credentials *credentials, const gfi_sigv4_request *request,
                         double now, gfi_auth_identity *who, gf_error *err)
{
  const char *authorization = header_value(request, "Authorization");
  if (!authorization)
    return gf_error_set(err, GF_MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
  gfi_sigv4_auth auth;
  char missing[512], amz_date[17];
  long long t = 0;
  const char *bad_date = NULL;
  int parsed = gfi_sigv4_parse_authorization(authorization, &auth, missing, sizeof missing);
  if (parsed == -2)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory checking the signature");
  int dated = request_date(request, amz_date, &t, &bad_date);
  if (parsed != 0 && strncmp(missing, "Credential must", 15) == 0)
    return gf_error_set(err, GF_INCOMPLETE_SIGNATURE, "%s", missing);
  if (parsed != 0 || dated == -1) {
    gfi_sigv4_auth_clear(&auth);
    return incomplete(err, parsed != 0 ? missing : "", dated == -1, authorization);
  }
  gf_status status = GF_OK;
  const char *token = header_value(request, "X-Amz-Security-Token");
  const gfi_credential *key = gfi_credentials_find(credentials, auth.access_key_id);
  if (dated == -2)
    status = gf_error_set(err, GF_INCOMPLETE_SIGNATURE,
                          "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                          "http://en.wikipedia.org/wiki/ISO_8601",
                          bad_date);
  else if (!key || (key->session_token ? !token || strcmp(token, key->session_token) != 0
                                       : token != NULL))
    status = gf_error_set(err, GF_UNRECOGNIZED_CLIENT,
                          "The security token included in the request is invalid.");
  else if (key->has_expires && key->expires < now)
    status = gf_error_set(err, GF_EXPIRED_TOKEN,
                          "The security token included in the request is expired");
  else if ((status = check_scope(&auth, amz_date, t, now, err)) == GF_OK)
    status = check_signature(credentials, &auth, key, request, amz_date, err);
  if (status == GF_OK) {
    who->key = key;
    snprintf(who->region, sizeof who->region, "%s", auth.region);
  }
  gfi_sigv4_auth_clear(&auth);
  return status;
}
