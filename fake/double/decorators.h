/*
 * decorators.h - what the decorators (fault injector, recorder, replay)
 * share, and what the fake asks of them beyond their public headers:
 * whether they are inert, and a consistent read of the call log (internal
 * to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_DECORATORS_H
#define GLUEFAKE_DOUBLE_DECORATORS_H

#include <pthread.h>

#include "gluefake/calls.h"
#include "gluefake/faults.h"
#include "gluefake/sys/backend.h"

/* What every decorator starts with: the backend it is (every operation goes
 * to one `call`), the backend it wraps, and the lock of its state. */
typedef struct gfi_decorator {
  gf_generic_backend base; /* first: a gf_backend * to it is a gfi_decorator * */
  gf_backend *inner;       /* borrowed; NULL for a replay, which wraps nothing */
  pthread_mutex_t lock;
} gfi_decorator;

/* A new decorator of `size` bytes, zeroed and starting with a
 * gfi_decorator, that hands every operation to `call` and is freed through
 * `destroy`.  NULL with `err` set ("out of memory creating a <what>"). */
void *gfi_decorator_new(size_t size, const char *what, gf_generic_call_fn call,
                        void (*destroy)(gf_backend *self), gf_backend *inner, gf_error *err);

/* Frees a decorator of gfi_decorator_new(), once its own state is freed. */
void gfi_decorator_free(gfi_decorator *decorator);

/*
 * The server's side of the faults that act on the wire (reset, truncate,
 * http()): a thread that is about to serve a call over HTTP calls
 * gfi_wire_begin(); the injector then notes what its fault asks of the
 * answer, and lets a truncated call succeed (the server cuts its answer
 * short) instead of failing it with Transport as it does in-process;
 * gfi_wire_end() says what was asked (GFI_WIRE_NONE when nothing; the
 * status of http() in *http_status) and leaves the thread in-process again.
 */
/* What a term does to an HTTP answer beside its in-process error (see
 * gfi_wire_begin() in decorators.h): reset and applied(reset) are
 * GF_TRANSPORT before or after the call, truncate GF_TRANSPORT after it,
 * http(STATUS) GF_SERVICE_UNAVAILABLE before it. */
typedef enum gfi_wire_action {
  GFI_WIRE_NONE,
  GFI_WIRE_RESET,    /* close the connection, no answer */
  GFI_WIRE_TRUNCATE, /* send the headers and half of the body, then close */
  GFI_WIRE_HTTP      /* an HTML page with `http_status`, no x-amzn-ErrorType */
} gfi_wire_action;
void gfi_wire_begin(void);
gfi_wire_action gfi_wire_end(unsigned *http_status);

/*
 * The server's side of delay(): a call served over HTTP waits out its delay
 * without holding a server thread, and a client that hangs up meanwhile
 * cancels it.  So the server decides a call's fault before the call goes
 * down the fake's stack, where the recorder would log it:
 * gfi_faults_decide_ahead() advances the rule that matches the call exactly
 * as the injector would (the rule counts the call then, once) and keeps the
 * decision for this thread's next call through `faults`, which acts on it
 * instead of deciding again.  When the decision is delay(MS) with MS > 0 it
 * keeps nothing and returns 1 with the milliseconds in *delay_ms: the server
 * waits, then makes the call with gfi_faults_pass_ahead() before it (it
 * passes the injector, its delay served), or never makes it (client gone,
 * server stopping).  Otherwise it returns 0.  gfi_faults_ahead_end() forgets
 * a kept decision that the call never used (refused before it reached the
 * injector, or the fake bypassed an injector left without rules); the
 * server calls it after every call.  In-process callers use none of these:
 * their delays sleep in the calling thread.
 */
int gfi_faults_decide_ahead(gf_faults *faults, gf_operation op, const void *request,
                            unsigned *delay_ms);
void gfi_faults_pass_ahead(gf_faults *faults);
void gfi_faults_ahead_end(void);

/* Whether the recorder logs calls, and whether the injector has rules:
 * when neither, the fake's front calls its store directly (fake.c). */
int gfi_recorder_logging(gf_recorder *recorder);
int gfi_faults_armed(gf_faults *faults);

/* Runs `fn` on every record of the call log, in order: a snapshot taken
 * under the log's lock (the records held, so that neither a clear nor the
 * log's bound frees them meanwhile), walked without it, so that calls go
 * on while a long log is written out.  0, or -1 when out of memory (`fn`
 * not called). */
int gfi_recorder_with_log(gf_recorder *recorder,
                          void (*fn)(const gf_call_record *record, void *ctx), void *ctx);

#endif
