/*
 * text.h - what the real backend's configuration and answers share: reading
 * a descriptor whole, and quoting bytes nobody vouches for in a message
 * (internal to libgluefake-aws).
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

/* Reads `fd` to its end into `text`: 0, 1 when there were more than
 * `limit` bytes, -1 on a read error (errno), -2 out of memory. */
int gfi_aws_read_all(int fd, size_t limit, gfi_text *text);

#endif
