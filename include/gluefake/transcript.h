/*
 * gluefake/transcript.h - record and replay.
 *
 * A transcript is a call log as JSON:
 *
 *   {"transcript": [
 *     {"operation": "CreateSecurityConfiguration", "request": {...}, "response": {...}},
 *     {"operation": "GetSecurityConfiguration", "request": {...},
 *      "error": {"__type": "EntityNotFoundException", "Message": "..."}}]}
 *
 * It can be served back to client code by a replay backend (which fails
 * clearly when the client's calls differ from the recording), or re-run on
 * a fresh fake to check that the fake reproduces every recorded outcome.
 */
#ifndef GLUEFAKE_TRANSCRIPT_H
#define GLUEFAKE_TRANSCRIPT_H

#include "buffer.h"
#include "calls.h"
#include "fake.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The call log as a transcript, a new NUL-terminated JSON text owned by the
 * caller (free with gf_buffer_free() of gluefake/buffer.h); NULL when
 * out of memory. */
GF_API char *gf_calls_transcript(gf_recorder *recorder);

/* 2: `count_dropped`. */
#define GF_TRANSCRIPT_OPTIONS_VERSION 2

/* Initialise with GF_TRANSCRIPT_OPTIONS_INIT, then set what you need:
 * members are only ever appended, and `version` tells which exist. */
typedef struct gf_transcript_options {
  unsigned int version; /* GF_TRANSCRIPT_OPTIONS_VERSION */
  /* A transcript (text of `append_len` bytes, named `append_source` in
   * messages) whose entries come first, so that a recording can grow over
   * several runs; NULL for none.  Its other members are kept. */
  const char *append_to;
  size_t append_len;
  const char *append_source;
  /* 12 digits: every 12-digit account id inside an ARN
   * ("arn:aws:iam::111122223333:root") or as a CatalogId is written as this
   * one, in the new entries and in those appended to; NULL: as recorded. */
  const char *redact_account;
  /* Non-zero: also write "dropped": N, the calls the log's bound let go
   * (gf_calls_dropped()), so that a reader knows the transcript is not the
   * whole story.  Version 2. */
  int count_dropped;
} gf_transcript_options;

#define GF_TRANSCRIPT_OPTIONS_INIT {GF_TRANSCRIPT_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0}

/* gf_calls_transcript() with `options` (NULL: the defaults).  NULL with
 * `err` set when append_to is not a transcript (GF_INVALID_INPUT naming
 * append_source and what is wrong), redact_account is not 12 digits, or out
 * of memory. */
GF_API char *gf_calls_transcript_ext(gf_recorder *recorder,
                                     const gf_transcript_options *options, gf_error *err);

/* ---- replay ---------------------------------------------------------------- */

typedef struct gf_replay gf_replay;

/*
 * A backend that serves the transcript `json` in order: each call must be
 * the next recorded call - same operation, same request (compared member by
 * member as the C types carry them) - and gets the recorded response or
 * error.  A call that differs, or that runs past the
 * end, gets GF_INTERNAL_SERVICE with a message naming the call's index, the
 * operation and the first differing field, and the replay remembers it
 * (gf_replay_finish).  Returns NULL with `err` (naming `source`, the entry
 * and what is wrong) when the transcript does not load.
 */
GF_API gf_replay *gf_replay_new(const char *json, size_t len, const char *source, gf_error *err);

/* Frees the replay.  NULL is allowed. */
GF_API void gf_replay_free(gf_replay *replay);

/* The replay as a backend.  Borrowed; gf_backend_free() on it frees the
 * replay. */
GF_API gf_backend *gf_replay_backend(gf_replay *replay);

/* How many recorded calls have not been made yet. */
GF_API size_t gf_replay_remaining(gf_replay *replay);

/* GF_OK when every call matched and every recorded call was consumed;
 * otherwise GF_INTERNAL_SERVICE with the first problem in `err` ("replay:
 * transcript[3] (GetSecurityConfiguration): request differs at Name:
 * recorded \"a\", got \"b\"", or "replay: 2 recorded calls were not made,
 * the first: transcript[5] (DeleteSecurityConfiguration)"). */
GF_API gf_status gf_replay_finish(gf_replay *replay, gf_error *err);

/* ---- verify ---------------------------------------------------------------- */

/* 2: `backend`. */
#define GF_VERIFY_OPTIONS_VERSION 2

/* Initialise with GF_VERIFY_OPTIONS_INIT, then set what you need: members
 * are only ever appended, and `version` tells which exist. */
typedef struct gf_verify_options {
  unsigned int version;       /* GF_VERIFY_OPTIONS_VERSION */
  const char *fixture;        /* fixture text for the fresh fake, or NULL for an empty one */
  size_t fixture_len;
  const char *fixture_source; /* its name in messages */
  /* Member names whose values are not compared, at any depth (e.g.
   * "CreatedTimestamp", "PolicyHash": values that legitimately vary when the
   * transcript was recorded elsewhere).  GF_VERIFY_VOLATILE lists them all. */
  const char *const *ignore;
  size_t ignore_count;
  int compare_messages; /* also compare error messages (off: only the error type) */
  /* Re-run the transcript on this backend (borrowed: the real one of
   * gluefake/aws.h, say) rather than on a fresh fake; `fixture` must then
   * be NULL (the backend's state is its own). */
  gf_backend *backend;
} gf_verify_options;

/* An empty fake, every member compared, error messages not. */
#define GF_VERIFY_OPTIONS_INIT {GF_VERIFY_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, 0, NULL}

/* Timestamps, hashes and tokens: what differs between two honest runs. */
#define GF_VERIFY_VOLATILE                                                                  \
  "CreatedTimestamp", "CreatedTimeStamp", "CreateTime", "UpdateTime", "PolicyHash",         \
      "NextToken"

typedef struct gf_verify_report {
  size_t calls;      /* calls re-run */
  size_t mismatches; /* outcomes that differed */
  char *text;        /* owned: one line per mismatch, "transcript[N] (Op): response
                        differs at FIELD: recorded X, got Y", "... recorded success, got
                        <Error>: <message>", "... recorded <Error>, got success";
                        a line break inside a value is spelled \n or \r */
} gf_verify_report;

/*
 * Re-runs every request of the transcript `json` on a fresh fake (loaded
 * from options->fixture, its faults included; GLUEFAKE_FAULTS is ignored),
 * or on options->backend
 * and compares each outcome with the recorded one, member by member as the
 * C types carry them (members the API does not define are not compared).  NextTokens and PolicyHashes that differ are
 * mapped, so that a later request quoting a recorded value is sent the
 * fake's own.  Returns GF_OK when the transcript and fixture could be read
 * (whatever the comparison found: see report->mismatches), else the error.
 * Free the report with gf_verify_report_clear().
 */
GF_API gf_status gf_transcript_verify(const char *json, size_t len, const char *source,
                                      const gf_verify_options *options, gf_verify_report *report,
                                      gf_error *err);

GF_API void gf_verify_report_clear(gf_verify_report *report);

#ifdef __cplusplus
}
#endif

#endif
