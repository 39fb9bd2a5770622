/*
 * decorators.h - what the fake asks of its decorators beyond their public
 * headers: whether they are inert, and a consistent read of the call log
 * (internal to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_DECORATORS_H
#define GLUEFAKE_DOUBLE_DECORATORS_H

#include "gluefake/calls.h"
#include "gluefake/faults.h"

/* Whether the recorder logs calls, and whether the injector has rules:
 * when neither, the fake's front calls its store directly (fake.c). */
int gfi_recorder_logging(gf_recorder *recorder);
int gfi_faults_armed(gf_faults *faults);

/* Runs `fn` on every record of the call log, in order, under the log's
 * lock: a consistent snapshot that a concurrent clear cannot free from under
 * it, and that calls made meanwhile do not extend (transcript writing). */
void gfi_recorder_with_log(gf_recorder *recorder,
                           void (*fn)(const gf_call_record *record, void *ctx), void *ctx);

#endif
