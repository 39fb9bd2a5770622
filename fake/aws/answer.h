/*
 * answer.h - what an HTTP answer (or its absence) means for a call: the
 * response, or the error of the table, whatever dialect the service wrote
 * it in (internal to libgluefake-aws).
 */
#ifndef GLUEFAKE_AWS_ANSWER_H
#define GLUEFAKE_AWS_ANSWER_H

#include "gluefake/operations.h"
#include "http.h"

/*
 * The outcome of one attempt of `op` sent to `endpoint`: `answered` is what
 * gfi_http_post() returned for `reply`.
 *  - 2xx: the body (empty is {}) read into *out (GF_OK), or
 *    SerializationException when it is not a JSON object of the response's
 *    shape;
 *  - another status with a JSON body or an x-amzn-ErrorType header: the
 *    error it names (the header's name first, as the SDKs read it; the
 *    body's message), GF_UNKNOWN for a name the table lacks;
 *  - another status without: by the status, ServiceUnavailableException for
 *    5xx (a load balancer's page), else GF_UNKNOWN, quoting the body;
 *  - no answer: TransportError with libcurl's reason; an answer larger than
 *    allowed: SerializationException saying so.
 * An error that came over HTTP keeps its HTTP status and request id in `err`.
 */
gf_status gfi_aws_read_answer(gf_operation op, const char *endpoint, int answered,
                              const gfi_http_reply *reply, void **out, gf_error *err);

#endif
