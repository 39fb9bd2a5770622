/*
 * credentials.h - the access keys a server knows (`--credentials FILE`):
 * each key's secret, account, session token and expiry (internal to the
 * server).
 *
 *   {"credentials": [{"access_key_id": "AKID", "secret_access_key": "...",
 *                     "account_id": "111122223333", "session_token": "...",
 *                     "expires": 1900000000}]}
 *
 * account_id, session_token and expires are optional.
 */
#ifndef GLUEFAKE_SERVER_CREDENTIALS_H
#define GLUEFAKE_SERVER_CREDENTIALS_H

#include <pthread.h>
#include <stddef.h>

#include "gluefake/errors.h"

typedef struct gfi_credential {
  char *access_key_id;
  char *secret_access_key;
  char account_id[13];  /* "" when the file gives none */
  char *session_token;  /* NULL for none */
  int has_expires;
  double expires;       /* seconds since the epoch */
  /* The last signing key derived for this key, and what for: it changes
   * once a day (and with the region), and deriving it is four HMACs. */
  char cached_scope[128];
  unsigned char cached_key[32];
} gfi_credential;

typedef struct gfi_credentials {
  gfi_credential *keys;
  size_t count;
  pthread_mutex_t cache_lock; /* guards the keys' cached_ members */
} gfi_credentials;

/* Reads a credentials file's text (`len` bytes; `source` names it in
 * messages) into `out`, all or nothing.  GF_OK; GF_INVALID_INPUT naming the
 * source, the entry and what is wrong ("creds.json: credentials[1]
 * .access_key_id: duplicate access key 'AKID'"); GF_INTERNAL_SERVICE when
 * out of memory.  Free with gfi_credentials_clear(). */
gf_status gfi_credentials_parse(const char *text, size_t len, const char *source,
                                gfi_credentials *out, gf_error *err);

void gfi_credentials_clear(gfi_credentials *credentials);

/* The credential of `access_key_id`, or NULL. */
const gfi_credential *gfi_credentials_find(const gfi_credentials *credentials,
                                           const char *access_key_id);

/* The signing key of `key` for a credential scope "DATE/REGION/SERVICE/
 * aws4_request" (its parts given apart too), derived once per scope. */
void gfi_credentials_signing_key(gfi_credentials *credentials, const gfi_credential *key,
                                 const char *scope, const char *date, const char *region,
                                 const char *service, unsigned char out[32]);

#endif
