/*
 * gluefake/buffer.h - freeing the texts gluefake hands out: fixture dumps,
 * transcripts, fault-spec spellings.
 */
#ifndef GLUEFAKE_BUFFER_H
#define GLUEFAKE_BUFFER_H

#include "api.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Frees memory that gluefake handed out as a plain buffer (gf_fake_dump(),
 * gf_calls_transcript(), gf_faults_spec()), through the allocator it was
 * allocated with (see gluefake/sys/alloc.h).  NULL is allowed. */
GF_API void gf_buffer_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif
