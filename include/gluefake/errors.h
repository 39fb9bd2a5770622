/*
 * gluefake/errors.h - the one table of every error gluefake can name, and
 * gf_error, the status and message of a failed call.
 *
 * GF_ERRORS lists each error once: its status, its AWS name (the `__type`
 * of the wire), the HTTP status it is sent with, its kind and whether AWS
 * clients retry it.  Names, HTTP codes, the fault grammar, the codec and the
 * server all read this table; no error name is spelled anywhere else.
 */
#ifndef GLUEFAKE_ERRORS_H
#define GLUEFAKE_ERRORS_H

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * X(UPPER, AwsName, HTTP, KIND, RETRY), in the order of the enum: statuses
 * keep their numbers, new ones are appended.  HTTP 0: the error is not an
 * HTTP answer (Transport), or keeps the status it came with (Unknown).
 */
#define GF_ERRORS(X)                                                                       \
  X(ALREADY_EXISTS, AlreadyExistsException, 400, MODELLED, NEVER)                          \
  X(CONDITION_CHECK_FAILURE, ConditionCheckFailureException, 400, MODELLED, NEVER)         \
  X(ENTITY_NOT_FOUND, EntityNotFoundException, 400, MODELLED, NEVER)                       \
  X(INTERNAL_SERVICE, InternalServiceException, 500, MODELLED, TRANSIENT)                  \
  X(INVALID_INPUT, InvalidInputException, 400, MODELLED, NEVER)                            \
  X(OPERATION_TIMEOUT, OperationTimeoutException, 400, MODELLED, NEVER)                    \
  X(RESOURCE_NUMBER_LIMIT_EXCEEDED, ResourceNumberLimitExceededException, 400, MODELLED,   \
    NEVER)                                                                                 \
  X(SERIALIZATION, SerializationException, 400, PROTOCOL, NEVER)                           \
  X(UNKNOWN_OPERATION, UnknownOperationException, 400, PROTOCOL, NEVER)                    \
  X(GLUE_ENCRYPTION, GlueEncryptionException, 400, MODELLED, NEVER)                        \
  X(THROTTLING, ThrottlingException, 400, SERVICE, THROTTLING)                             \
  X(SERVICE_UNAVAILABLE, ServiceUnavailableException, 503, SERVICE, TRANSIENT)             \
  X(ACCESS_DENIED, AccessDeniedException, 400, SERVICE, NEVER)                             \
  X(MISSING_AUTHENTICATION_TOKEN, MissingAuthenticationTokenException, 403, AUTH, NEVER)   \
  X(INCOMPLETE_SIGNATURE, IncompleteSignatureException, 400, AUTH, NEVER)                  \
  X(INVALID_SIGNATURE, InvalidSignatureException, 400, AUTH, NEVER)                        \
  X(UNRECOGNIZED_CLIENT, UnrecognizedClientException, 400, AUTH, NEVER)                    \
  X(EXPIRED_TOKEN, ExpiredTokenException, 400, AUTH, NEVER)                                \
  X(TRANSPORT, TransportError, 0, TRANSPORT, TRANSIENT)                                    \
  X(UNKNOWN, UnknownError, 0, UNKNOWN, NEVER)

/* The outcome of a call: GF_OK, or one of the errors of the table. */
typedef enum gf_status {
  GF_OK = 0,
#define GF_X_STATUS(UPPER, Name, http, kind, retry) GF_##UPPER,
  GF_ERRORS(GF_X_STATUS)
#undef GF_X_STATUS
  GF_STATUS_COUNT
} gf_status;

/* What an error is. */
typedef enum gf_error_kind {
  GF_ERROR_NONE,      /* GF_OK, or a status out of range */
  GF_ERROR_MODELLED,  /* an error the service model lists for the operations */
  GF_ERROR_PROTOCOL,  /* a request the JSON level cannot read or route */
  GF_ERROR_SERVICE,   /* what any AWS service may answer (throttling, ...) */
  GF_ERROR_AUTH,      /* the request's credentials or signature */
  GF_ERROR_TRANSPORT, /* no HTTP answer: refused, reset, timed out, truncated */
  GF_ERROR_UNKNOWN    /* an error name not in the table */
} gf_error_kind;

/* Whether AWS clients (the SDKs' standard retry mode) retry an error. */
typedef enum gf_retry {
  GF_RETRY_NEVER,
  GF_RETRY_THROTTLING, /* retried, with the throttling backoff */
  GF_RETRY_TRANSIENT   /* retried as a transient failure */
} gf_retry;

/* "EntityNotFoundException" for GF_ENTITY_NOT_FOUND, "OK" for GF_OK, NULL
 * out of range.  The string is static. */
GF_API const char *gf_status_name(gf_status status);

/* Parses an error name of the table; the "Exception" suffix of a name that
 * has one is optional ("OperationTimeout" and "OperationTimeoutException"
 * both work; case-sensitive).  Returns 0 and sets *status, or -1. */
GF_API int gf_status_from_name(const char *name, gf_status *status);

/* The HTTP status an error is sent with: 200 for GF_OK, the table's for
 * an error, 500 for an error that has none of its own (Transport,
 * Unknown) or a status out of range. */
GF_API int gf_status_http_code(gf_status status);

/* The kind of an error (GF_ERROR_NONE for GF_OK or out of range). */
GF_API gf_error_kind gf_status_kind(gf_status status);

/* Whether clients retry an error (GF_RETRY_NEVER for GF_OK or out of range). */
GF_API gf_retry gf_status_retry(gf_status status);

/*
 * The status of a failed call and its message, in AWS's words, and, when
 * the error came over HTTP, what the wire said of it.
 * Initialise with GF_ERROR_INIT; after a call, the strings belong to the
 * error and are freed (and the error reset to GF_OK) by gf_error_clear().
 * A call that fails frees what the error already held, so one gf_error can
 * serve many calls with one gf_error_clear() at the end.
 */
typedef struct gf_error {
  gf_status status;
  char *message; /* owned; NULL when no message could be allocated */
  /* The error's name exactly as the service gave it, any "namespace#"
   * prefix and ":..." suffix stripped (an unknown name too, for
   * GF_UNKNOWN); owned; NULL when the error did not come from a wire body. */
  char *aws_name;
  int http_status;  /* the HTTP status it came with; 0 when none */
  char *request_id; /* x-amzn-RequestId it came with; owned; NULL when none */
} gf_error;

#define GF_ERROR_INIT {GF_OK, NULL, NULL, 0, NULL}

/* Frees the message and resets the error to GF_OK.  NULL is allowed. */
GF_API void gf_error_clear(gf_error *err);

/* The message, or the status name when there is none; never NULL.  The
 * string is borrowed from `err` (or static). */
GF_API const char *gf_error_message(const gf_error *err);

#ifdef __cplusplus
}
#endif

#endif
