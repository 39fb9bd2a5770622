/* sigv4.c - AWS Signature Version 4, one implementation for signing and
 * checking (see sigv4.h). */
#include "sigv4.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static void hex(const unsigned char *bytes, size_t len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * len] = '\0';
}

/* SHA-256, fetched once: in OpenSSL 3 every EVP_sha256() use looks the
 * algorithm up again, which costs more than hashing a request. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void free_sha256(void) { EVP_MD_free(sha256_md); }

static void fetch_sha256(void)
{
  sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
  atexit(free_sha256); /* after OpenSSL's own, so it runs before */
}

/* The SHA-256 of the concatenated `parts`. */
static void sha256(const void *const *parts, const size_t *lens, int count, unsigned char out[32])
{
  pthread_once(&sha256_once, fetch_sha256);
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned int len = 32;
  if (ctx && EVP_DigestInit_ex(ctx, sha256_md ? sha256_md : EVP_sha256(), NULL) == 1) {
    for (int i = 0; i < count; i++)
      EVP_DigestUpdate(ctx, parts[i], lens[i]);
    EVP_DigestFinal_ex(ctx, out, &len);
  } else {
    memset(out, 0, 32); /* no memory for a context: a digest nothing will match */
  }
  EVP_MD_CTX_free(ctx);
}

void gfi_sigv4_hash_hex(const void *data, size_t len, char out[65])
{
  unsigned char digest[32];
  const void *parts[] = {data};
  size_t lens[] = {len};
  sha256(parts, lens, 1, digest);
  hex(digest, 32, out);
}

/* HMAC-SHA256 (RFC 2104) on the kept digest context. */
static void hmac(const unsigned char *key, size_t key_len, const char *data, unsigned char out[32])
{
  unsigned char block[64], pad[64], inner[32];
  memset(block, 0, sizeof block);
  if (key_len > sizeof block) {
    const void *parts[] = {key};
    size_t lens[] = {key_len};
    sha256(parts, lens, 1, block);
  } else {
    memcpy(block, key, key_len);
  }
  for (size_t i = 0; i < sizeof pad; i++)
    pad[i] = block[i] ^ 0x36;
  const void *inner_parts[] = {pad, data};
  size_t inner_lens[] = {sizeof pad, strlen(data)};
  sha256(inner_parts, inner_lens, 2, inner);
  for (size_t i = 0; i < sizeof pad; i++)
    pad[i] = block[i] ^ 0x5c;
  const void *outer_parts[] = {pad, inner};
  size_t outer_lens[] = {sizeof pad, sizeof inner};
  sha256(outer_parts, outer_lens, 2, out);
}

/* ---- canonical query ---------------------------------------------------- */

static int unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

static int hex_value(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Appends `len` bytes of `s`, percent-decoded, then encoded as SigV4 wants
 * (every byte but the unreserved ones as %XX, upper-case). */
static void append_encoded(gfi_text *out, const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%' && i + 2 < len && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      c = (unsigned char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    }
    static const char digits[] = "0123456789ABCDEF";
    char escaped[3] = {'%', digits[c >> 4], digits[c & 15]};
    if (unreserved(c))
      gfi_text_add(out, (const char *)&c, 1);
    else
      gfi_text_add(out, escaped, 3);
  }
}

typedef struct param {
  char *key, *value; /* canonical (encoded) */
} param;

static int compare_params(const void *a, const void *b)
{
  const param *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : strcmp(x->value, y->value);
}

static int append_canonical_query(gfi_text *out, const char *query)
{
  if (!query || !*query)
    return 0;
  size_t count = 1;
  for (const char *q = query; *q; q++)
    count += *q == '&';
  param *params = gfi_calloc(count, sizeof *params);
  if (!params)
    return -1;
  size_t n = 0;
  int failed = 0;
  for (const char *start = query; !failed;) {
    const char *end = strchr(start, '&');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    const char *eq = memchr(start, '=', len);
    size_t key_len = eq ? (size_t)(eq - start) : len;
    if (len) {
      gfi_text key = {0}, value = {0};
      append_encoded(&key, start, key_len);
      append_encoded(&value, eq ? eq + 1 : "", eq ? len - key_len - 1 : 0);
      gfi_text_append(&key, "%s", "");
      gfi_text_append(&value, "%s", "");
      params[n++] = (param){key.data, value.data};
      failed = key.failed || value.failed;
    }
    if (!end)
      break;
    start = end + 1;
  }
  if (!failed) {
    qsort(params, n, sizeof *params, compare_params);
    for (size_t i = 0; i < n; i++)
      gfi_text_append(out, "%s%s=%s", i ? "&" : "", params[i].key, params[i].value);
  }
  for (size_t i = 0; i < n; i++) {
    gfi_free(params[i].key);
    gfi_free(params[i].value);
  }
  gfi_free(params);
  return failed ? -1 : 0;
}

/* ---- canonical headers -------------------------------------------------- */

/* Appends a header value trimmed, its inner runs of spaces and tabs folded
 * to one space: run by run, not byte by byte. */
static void append_trimmed(gfi_text *out, const char *value)
{
  int first = 1;
  for (const char *p = value; *p;) {
    p += strspn(p, " \t");
    size_t run = strcspn(p, " \t");
    if (!run)
      break;
    if (!first)
      gfi_text_add(out, " ", 1);
    gfi_text_add(out, p, run);
    first = 0;
    p += run;
  }
}

/* "name:v1,v2\n" for every header of `request` named `name` (`len` bytes,
 * lower-case); 0, or -1 when there is none. */
static int append_header(gfi_text *out, const gfi_sigv4_request *request, const char *name,
                         size_t len)
{
  int found = 0;
  for (size_t i = 0; i < request->header_count; i++) {
    const gfi_sigv4_header *h = &request->headers[i];
    if (strlen(h->name) != len || strncasecmp(h->name, name, len) != 0)
      continue;
    if (found) {
      gfi_text_add(out, ",", 1);
    } else {
      gfi_text_add(out, name, len);
      gfi_text_add(out, ":", 1);
    }
    append_trimmed(out, h->value);
    found = 1;
  }
  if (found)
    gfi_text_add(out, "\n", 1);
  return found ? 0 : -1;
}

int gfi_sigv4_canonical_request(const gfi_sigv4_request *request, const char *signed_headers,
                                const char *payload_hash, gfi_text *out)
{
  size_t start = out->len;
  gfi_text_append(out, "%s\n%s\n", request->method,
                  request->path && *request->path ? request->path : "/");
  if (append_canonical_query(out, request->query) != 0)
    out->failed = 1;
  gfi_text_append(out, "\n");
  for (const char *name = signed_headers; *name;) {
    const char *end = strchr(name, ';');
    size_t len = end ? (size_t)(end - name) : strlen(name);
    if (append_header(out, request, name, len) != 0) {
      out->len = start;
      if (out->data)
        out->data[start] = '\0';
      return -1;
    }
    name += len + (end ? 1 : 0);
  }
  char body_hash[65];
  if (!payload_hash) {
    gfi_sigv4_hash_hex(request->body ? request->body : "", request->body_len, body_hash);
    payload_hash = body_hash;
  }
  gfi_text_append(out, "\n%s\n%s", signed_headers, payload_hash);
  return 0;
}

void gfi_sigv4_string_to_sign(const char *amz_date, const char *scope,
                              const char *canonical_request, gfi_text *out)
{
  char request_hash[65];
  gfi_sigv4_hash_hex(canonical_request, strlen(canonical_request), request_hash);
  gfi_text_append(out, "%s\n%s\n%s\n%s", GFI_SIGV4_ALGORITHM, amz_date, scope, request_hash);
}

void gfi_sigv4_signing_key(const char *secret, const char *date, const char *region,
                           const char *service, unsigned char key[32])
{
  char first[256];
  int n = snprintf(first, sizeof first, "AWS4%s", secret);
  size_t first_len = n > 0 && (size_t)n < sizeof first ? (size_t)n : sizeof first - 1;
  unsigned char k_date[32], k_region[32], k_service[32];
  hmac((const unsigned char *)first, first_len, date, k_date);
  hmac(k_date, 32, region, k_region);
  hmac(k_region, 32, service, k_service);
  hmac(k_service, 32, "aws4_request", key);
}

void gfi_sigv4_signature(const unsigned char key[32], const char *string_to_sign, char out[65])
{
  unsigned char mac[32];
  hmac(key, 32, string_to_sign, mac);
  hex(mac, 32, out);
}

/* ---- the Authorization header ------------------------------------------- */

void gfi_sigv4_auth_clear(gfi_sigv4_auth *auth)
{
  char **fields[] = {&auth->access_key_id, &auth->date, &auth->region, &auth->service,
                     &auth->terminator, &auth->scope, &auth->signed_headers, &auth->signature};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    gfi_free(*fields[i]);
    *fields[i] = NULL;
  }
}

/* The value of `name=` among the comma-separated parameters of `params`, a
 * new string; NULL when absent.  `*oom` is set when out of memory. */
static char *parameter(const char *params, const char *name, int *oom)
{
  size_t len = strlen(name);
  for (const char *p = params; p && *p;) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *end = strchr(p, ',');
    size_t item = end ? (size_t)(end - p) : strlen(p);
    if (item > len && strncmp(p, name, len) == 0 && p[len] == '=') {
      size_t value_len = item - len - 1;
      while (value_len && p[len + 1 + value_len - 1] == ' ')
        value_len--;
      char *value = gfi_strndup(p + len + 1, value_len);
      *oom |= !value;
      return value;
    }
    p = end;
  }
  return NULL;
}

int gfi_sigv4_parse_authorization(const char *header, gfi_sigv4_auth *auth, char *missing,
                                  size_t size)
{
  memset(auth, 0, sizeof *auth);
  if (size)
    missing[0] = '\0';
  size_t algorithm_len = strlen(GFI_SIGV4_ALGORITHM);
  const char *params = strncmp(header, GFI_SIGV4_ALGORITHM, algorithm_len) == 0 &&
                               header[algorithm_len] == ' '
                           ? header + algorithm_len + 1
                           : NULL;
  int oom = 0;
  char *credential = parameter(params, "Credential", &oom);
  auth->signature = parameter(params, "Signature", &oom);
  auth->signed_headers = parameter(params, "SignedHeaders", &oom);
  int n = 0;
  if (!credential)
    n += snprintf(missing + n, size - (size_t)n,
                  "Authorization header requires 'Credential' parameter. ");
  if (!auth->signature && n >= 0 && (size_t)n < size)
    n += snprintf(missing + n, size - (size_t)n,
                  "Authorization header requires 'Signature' parameter. ");
  if (!auth->signed_headers && n >= 0 && (size_t)n < size)
    snprintf(missing + n, size - (size_t)n,
             "Authorization header requires 'SignedHeaders' parameter. ");
  if (oom) {
    gfi_free(credential);
    gfi_sigv4_auth_clear(auth);
    return -2;
  }
  if (!credential || !auth->signature || !auth->signed_headers) {
    gfi_free(credential);
    gfi_sigv4_auth_clear(auth);
    return -1;
  }
  /* KEY/DATE/REGION/SERVICE/TERMINATOR */
  char *parts[5] = {0};
  const char *p = credential;
  size_t count = 0;
  while (count < 5) {
    const char *slash = strchr(p, '/');
    size_t len = slash && count < 4 ? (size_t)(slash - p) : strlen(p);
    if (!(parts[count++] = gfi_strndup(p, len)))
      oom = 1;
    if (!slash || count == 5)
      break;
    p = slash + 1;
  }
  if (!oom && (count != 5 || strchr(parts[4], '/'))) {
    snprintf(missing, size,
             "Credential must have exactly 5 slash-delimited elements, e.g. "
             "keyid/date/region/service/term, got '%.200s'",
             credential);
    for (size_t i = 0; i < 5; i++)
      gfi_free(parts[i]);
    gfi_free(credential);
    gfi_sigv4_auth_clear(auth);
    return -1;
  }
  auth->access_key_id = parts[0];
  auth->date = parts[1];
  auth->region = parts[2];
  auth->service = parts[3];
  auth->terminator = parts[4];
  const char *scope = strchr(credential, '/');
  if (!oom && !(auth->scope = gfi_strdup(scope ? scope + 1 : "")))
    oom = 1;
  gfi_free(credential);
  if (oom) {
    gfi_sigv4_auth_clear(auth);
    return -2;
  }
  return 0;
}

/* ---- signing ------------------------------------------------------------ */

static int compare_names(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void gfi_sigv4_signed_clear(gfi_sigv4_signed *out)
{
  gfi_free(out->authorization);
  out->authorization = NULL;
}

int gfi_sigv4_sign(const gfi_sigv4_signer *signer, const gfi_sigv4_request *request,
                   gfi_sigv4_signed *out)
{
  memset(out, 0, sizeof *out);
  time_t t = (time_t)signer->time;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out->amz_date, sizeof out->amz_date, "%Y%m%dT%H%M%SZ", &tm);
  gfi_sigv4_hash_hex(request->body ? request->body : "", request->body_len, out->payload_hash);

  /* The request's headers and those signing adds, in one list. */
  size_t count = request->header_count + 3;
  gfi_sigv4_header *headers = gfi_calloc(count, sizeof *headers);
  char **names = gfi_calloc(count, sizeof *names);
  gfi_text canonical = {0}, to_sign = {0}, signed_headers = {0}, authorization = {0};
  int status = headers && names ? 0 : -1;
  size_t n = 0;
  for (size_t i = 0; status == 0 && i < request->header_count; i++)
    headers[n++] = request->headers[i];
  if (status == 0) {
    headers[n++] = (gfi_sigv4_header){"X-Amz-Date", out->amz_date};
    if (signer->sign_body)
      headers[n++] = (gfi_sigv4_header){"x-amz-content-sha256", out->payload_hash};
    if (signer->session_token)
      headers[n++] = (gfi_sigv4_header){"X-Amz-Security-Token", signer->session_token};
  }
  /* Signed headers: every name once, lower-case, sorted. */
  size_t unique = 0;
  for (size_t i = 0; status == 0 && i < n; i++) {
    char *lower = gfi_strdup(headers[i].name);
    if (!lower) {
      status = -1;
      break;
    }
    for (char *c = lower; *c; c++)
      *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
    size_t j = 0;
    while (j < unique && strcmp(names[j], lower) != 0)
      j++;
    if (j < unique)
      gfi_free(lower);
    else
      names[unique++] = lower;
  }
  if (status == 0) {
    qsort(names, unique, sizeof *names, compare_names);
    for (size_t i = 0; i < unique; i++)
      gfi_text_append(&signed_headers, "%s%s", i ? ";" : "", names[i]);
    gfi_sigv4_request all = *request;
    all.headers = headers;
    all.header_count = n;
    char scope[160], date[9];
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    snprintf(scope, sizeof scope, "%s/%s/%s/aws4_request", date, signer->region, signer->service);
    if (signed_headers.failed ||
        gfi_sigv4_canonical_request(&all, signed_headers.data, out->payload_hash, &canonical) !=
            0 ||
        canonical.failed)
      status = -1;
    if (status == 0)
      gfi_sigv4_string_to_sign(out->amz_date, scope, canonical.data, &to_sign);
    if (status == 0 && !to_sign.failed) {
      unsigned char key[32];
      char signature[65];
      gfi_sigv4_signing_key(signer->secret_access_key, date, signer->region, signer->service,
                            key);
      gfi_sigv4_signature(key, to_sign.data, signature);
      gfi_text_append(&authorization, "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                      GFI_SIGV4_ALGORITHM, signer->access_key_id, scope, signed_headers.data,
                      signature);
    }
    status = status == 0 && !to_sign.failed && !authorization.failed ? 0 : -1;
  }
  for (size_t i = 0; names && i < unique; i++)
    gfi_free(names[i]);
  gfi_free(names);
  gfi_free(headers);
  gfi_free(canonical.data);
  gfi_free(to_sign.data);
  gfi_free(signed_headers.data);
  if (status == 0)
    out->authorization = authorization.data;
  else
    gfi_free(authorization.data);
  return status;
}
