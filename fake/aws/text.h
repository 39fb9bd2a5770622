/*
 * text.h - what the real backend's configuration and answers share: the
 * words of its errors, quoting bytes nobody vouches for (internal to
 * libgluefake-aws).
 */
#ifndef GLUEFAKE_AWS_TEXT_H
#define GLUEFAKE_AWS_TEXT_H

#include <stddef.h>

#include "core/alloc.h"

/* InternalServiceException "out of memory resolving the AWS configuration". */
gf_status gfi_aws_config_out_of_memory(gf_error *err);

/* Sets `err` to InvalidInputException with the message built in `text` (or
 * to running out of memory building it) and frees the text. */
gf_status gfi_aws_fail_with(gfi_text *text, gf_error *err);

/* Appends at most `max` of `len` bytes, any byte but printable ASCII as
 * \xNN, and "..." when there were more: a binary file, a stray variable or
 * a load balancer's page cannot garble a terminal. */
void gfi_aws_append_quoted(gfi_text *text, const char *s, size_t len, size_t max);

/* How much a message quotes: of a line of a file or a process's output, of
 * a value (a region, an endpoint), of an answer's body. */
#define GFI_AWS_QUOTE_LINE 60
#define GFI_AWS_QUOTE_VALUE 256
#define GFI_AWS_QUOTE_BODY 80


#endif
