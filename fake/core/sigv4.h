/*
 * sigv4.h - AWS Signature Version 4: the canonical request, the string to
 * sign, the signing key and the signature, shared by whoever signs a
 * request and whoever checks one (internal to gluefake's libraries: the
 * server verifies with it, the real backend will sign with it).
 *
 * Hashing and HMAC are OpenSSL's libcrypto.  Only what AWS JSON 1.1 needs
 * is covered: signatures in the Authorization header (no presigned URLs),
 * paths used as sent (no dot-segment normalization).
 */
#ifndef GLUEFAKE_CORE_SIGV4_H
#define GLUEFAKE_CORE_SIGV4_H

#include <stddef.h>

#include "alloc.h"
#include "internal.h"

#define GFI_SIGV4_ALGORITHM "AWS4-HMAC-SHA256"

/* One header as it travels: its name in any case, its value untrimmed. */
typedef struct gfi_sigv4_header {
  const char *name;
  const char *value;
} gfi_sigv4_header;

/* A request to sign or to check.  Everything is borrowed. */
typedef struct gfi_sigv4_request {
  const char *method;                /* "POST" */
  const char *path;                  /* as sent, already URI-encoded: "/" */
  const char *query;                 /* without the '?'; NULL or "" for none */
  const gfi_sigv4_header *headers;   /* every header, repeated names allowed */
  size_t header_count;
  const void *body;
  size_t body_len;
} gfi_sigv4_request;

/* Hex SHA-256 of `len` bytes (64 characters and a NUL). */
GFI_SHARED void gfi_sigv4_hash_hex(const void *data, size_t len, char out[65]);

/* The canonical request: method, path, canonical query, the headers named
 * in `signed_headers` (lower-case, ';'-separated, sorted, as in the
 * Authorization header) with their values trimmed, inner runs of spaces
 * folded and repeated headers joined by ',', the signed header list, and
 * `payload_hash` (the hex SHA-256 of the body when NULL).  Appended to
 * `out`; -1 when a signed header is not in the request (nothing is
 * appended then). */
GFI_SHARED int gfi_sigv4_canonical_request(const gfi_sigv4_request *request,
                                           const char *signed_headers,
                                           const char *payload_hash, gfi_text *out);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex SHA-256 of the canonical
 * request>", appended to `out`. */
GFI_SHARED void gfi_sigv4_string_to_sign(const char *amz_date, const char *scope,
                                         const char *canonical_request, gfi_text *out);

/* The signing key of a secret for a day ("20150830"), region and service. */
GFI_SHARED void gfi_sigv4_signing_key(const char *secret, const char *date, const char *region,
                                      const char *service, unsigned char key[32]);

/* The hex HMAC-SHA256 of `string_to_sign` under `key`. */
GFI_SHARED void gfi_sigv4_signature(const unsigned char key[32], const char *string_to_sign,
                                    char out[65]);

/* The parts of an Authorization header:
 * "AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request,
 *  SignedHeaders=a;b, Signature=hex".  Each string is a copy owned by the
 * struct (free with gfi_sigv4_auth_clear()). */
typedef struct gfi_sigv4_auth {
  char *access_key_id, *date, *region, *service, *terminator;
  char *scope;          /* DATE/REGION/SERVICE/aws4_request */
  char *signed_headers; /* as written */
  char *signature;
} gfi_sigv4_auth;

/* Parses an Authorization header.  0; or -1 with `missing` naming, as AWS
 * does, what the header lacks ("Authorization header requires 'Signature'
 * parameter. Authorization header requires existence of either a
 * 'X-Amz-Date' or a 'Date' header. "), the caller adding the date part;
 * or -2 when out of memory.  `missing` gets at most `size` bytes. */
GFI_SHARED int gfi_sigv4_parse_authorization(const char *header, gfi_sigv4_auth *auth,
                                             char *missing, size_t size);
GFI_SHARED void gfi_sigv4_auth_clear(gfi_sigv4_auth *auth);

/* What signing a request adds to it. */
typedef struct gfi_sigv4_signed {
  char amz_date[17];       /* X-Amz-Date: 20150830T123600Z */
  char payload_hash[65];   /* x-amz-content-sha256, when the body hash is signed */
  char *authorization;     /* owned: the Authorization header's value */
} gfi_sigv4_signed;

/* Credentials, where and when to sign. */
typedef struct gfi_sigv4_signer {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL for none: signed as X-Amz-Security-Token */
  const char *region;
  const char *service;
  long long time;            /* seconds since the epoch, UTC */
  int sign_body;             /* also sign x-amz-content-sha256 */
} gfi_sigv4_signer;

/* Signs `request`, whose headers must already hold Host (and may hold
 * others to sign).  X-Amz-Date, x-amz-content-sha256 (when sign_body) and
 * X-Amz-Security-Token (when there is a token) are signed as if present
 * with the values in `out` and the token: the caller adds them to the
 * request as sent.  0, or -1 when out of memory. */
GFI_SHARED int gfi_sigv4_sign(const gfi_sigv4_signer *signer, const gfi_sigv4_request *request,
                              gfi_sigv4_signed *out);
GFI_SHARED void gfi_sigv4_signed_clear(gfi_sigv4_signed *out);

#endif
