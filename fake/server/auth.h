/*
 * auth.h - whether a request's SigV4 signature is one a known access key
 * made, checked in the order and with the messages of AWS (internal to the
 * server).
 */
#ifndef GLUEFAKE_SERVER_AUTH_H
#define GLUEFAKE_SERVER_AUTH_H

#include "core/sigv4.h"
#include "credentials.h"

/* What a checked request was signed with. */
typedef struct gfi_auth_identity {
  const gfi_credential *key; /* borrowed from the credentials */
  char region[64];           /* of the credential scope */
} gfi_auth_identity;

/*
 * Checks `request` (its headers as received, `Authorization` among them)
 * against `credentials` at time `now` (seconds since the epoch), in this
 * order: no Authorization (MissingAuthenticationToken); a header that is
 * not SigV4 or no date (IncompleteSignature); an unknown key or session
 * token (UnrecognizedClient), an expired one (ExpiredToken); the scope's
 * service, terminator and date, a clock more than 5 minutes off, and last
 * the signature (InvalidSignature).  GF_OK with `who` filled, or the error
 * in `err`.  The credentials keep the signing keys they derive.
 */
gf_status gfi_auth_check(gfi_credentials *credentials, const gfi_sigv4_request *request,
                         double now, gfi_auth_identity *who, gf_error *err);

#endif
