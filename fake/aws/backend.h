/*
 * backend.h - what the real backend shows of itself beyond gluefake/aws.h,
 * for its tests and the bench (internal to libgluefake-aws).
 */
#ifndef GLUEFAKE_AWS_BACKEND_H
#define GLUEFAKE_AWS_BACKEND_H

#include "gluefake/aws.h"

/* Connections opened so far (keep-alive: one per thread that called at
 * the same time, not one per call). */
long gfi_aws_connections_opened(gf_aws *aws);

/* The retry quota's tokens now. */
int gfi_aws_retry_tokens(gf_aws *aws);

#endif
