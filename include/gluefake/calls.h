/*
 * gluefake/calls.h - the call log: every call made through a recorder, in
 * order, with its request and its outcome, readable without parsing text.
 *
 * Every fake has one (gf_fake_calls()), logging what client code saw,
 * injected faults included.  A recorder can also be wrapped around any
 * other backend.
 */
#ifndef GLUEFAKE_CALLS_H
#define GLUEFAKE_CALLS_H

#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_recorder gf_recorder;

/* One logged call.  Every pointer is owned by the log and stays valid until
 * the log is cleared or freed, or the call is dropped to keep the log's
 * bound (gf_calls_set_max()). */
typedef struct gf_call_record {
  gf_operation op;
  const void *request;  /* a gf_<op>_request, as the client passed it */
  gf_status status;     /* the outcome */
  const void *response; /* a gf_<op>_response on success, else NULL (also when
                           there was no memory left to copy it) */
  const char *message;  /* the error message on failure, else NULL */
} gf_call_record;

/* Creates a recorder in front of `inner` (borrowed; it must outlive the
 * recorder, which never frees it).  NULL with `err` set when out of memory. */
GF_API gf_recorder *gf_recorder_new(gf_backend *inner, gf_error *err);

/* Frees the recorder and its log.  NULL is allowed. */
GF_API void gf_recorder_free(gf_recorder *recorder);

/* The recorder as a backend.  Borrowed; gf_backend_free() on it is
 * gf_recorder_free(). */
GF_API gf_backend *gf_recorder_backend(gf_recorder *recorder);

/* Turns logging off or on (on by default).  Calls pass through either way. */
GF_API void gf_recorder_set_enabled(gf_recorder *recorder, int enabled);

/* Number of calls logged; of one operation with gf_calls_count_op(). */
GF_API size_t gf_calls_count(gf_recorder *recorder);
GF_API size_t gf_calls_count_op(gf_recorder *recorder, gf_operation op);

/* Reads the index-th call (0-based, in call order) into *record.  Returns
 * 0, or -1 when there is no such call. */
GF_API int gf_calls_get(gf_recorder *recorder, size_t index, gf_call_record *record);

/* Reads the n-th call (0-based) of operation `op`.  Returns 0 or -1. */
GF_API int gf_calls_get_op(gf_recorder *recorder, gf_operation op, size_t n, gf_call_record *record);

/* Forgets every logged call (pointers read before become invalid), and
 * the count of dropped ones. */
GF_API void gf_calls_clear(gf_recorder *recorder);

/* Keeps at most `max` calls (SIZE_MAX, the default: every one; 0: none),
 * dropping the oldest to log a new one, and at once those beyond a lower
 * bound: a long-running server's log stays bounded.  Index 0 is then the
 * oldest call kept. */
GF_API void gf_calls_set_max(gf_recorder *recorder, size_t max);

/* How many calls were dropped to keep the bound since the log was last
 * cleared. */
GF_API size_t gf_calls_dropped(gf_recorder *recorder);

#ifdef __cplusplus
}
#endif

#endif
