/* replay.c - a backend that serves a transcript back, failing clearly when
 * a call differs from the recording. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/alloc.h"
#include "decorators.h"
#include "gluefake/json.h"
#include "gluefake/sys/backend.h"
#include "gluefake/transcript.h"
#include "json_diff.h"
#include "transcript_read.h"

struct gf_replay {
  gfi_decorator d; /* first; wraps no backend */
  gfi_transcript t;
  size_t next;
  gf_error first_problem; /* GF_OK until a call differs */
};

static gf_status mismatch(gf_replay *r, gf_error *err, const char *fmt, ...) GF_PRINTF(3, 4);

/* Reports a call that differs from the recording; the caller holds the
 * lock. */
static gf_status mismatch(gf_replay *r, gf_error *err, const char *fmt, ...)
{
  char message[1200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (r->first_problem.status == GF_OK)
    gf_error_set(&r->first_problem, GF_INTERNAL_SERVICE, "replay: %s", message);
  return gf_error_set(err, GF_INTERNAL_SERVICE, "replay: %s", message);
}

static gf_status replay_call(gf_generic_backend *self, gf_operation op, const void *request,
                             void **out, gf_error *err)
{
  gf_replay *r = (gf_replay *)self;
  cJSON *actual = gf_request_to_json(op, request);
  if (!actual)
    return gf_error_set(err, GF_INTERNAL_SERVICE, "replay: out of memory");
  gf_status status;
  gfi_difference d;
  pthread_mutex_lock(&r->d.lock);
  size_t index = r->next++;
  const gfi_transcript_entry *e = index < r->t.count ? &r->t.entries[index] : NULL;
  if (!e)
    status = mismatch(r, err, "transcript[%zu] (%s): past the end of the transcript (%zu calls "
                      "recorded)", index, gf_operation_name(op), r->t.count);
  else if (e->op != op)
    status = mismatch(r, err, "transcript[%zu]: recorded %s, got %s", index,
                      gf_operation_name(e->op), gf_operation_name(op));
  else if (gfi_json_diff("", e->request, actual, NULL, &d))
    status = mismatch(r, err, "transcript[%zu] (%s): request differs at %s: recorded %s, got %s",
                      index, gf_operation_name(op), d.path, d.recorded, d.got);
  else if (e->response)
    status = gf_response_from_json(op, e->response, out, err);
  else
    status = gf_error_copy(err, &e->error);
  pthread_mutex_unlock(&r->d.lock);
  cJSON_Delete(actual);
  return status;
}

static void replay_destroy(gf_backend *self) { gf_replay_free((gf_replay *)self); }

gf_replay *gf_replay_new(const char *json, size_t len, const char *source, gf_error *err)
{
  gf_replay *r = gfi_decorator_new(sizeof *r, "replay", replay_call, replay_destroy, NULL, err);
  if (r && gfi_transcript_load(json, len, source ? source : "<transcript>", &r->t, err) != GF_OK) {
    gfi_decorator_free(&r->d);
    return NULL;
  }
  return r;
}

void gf_replay_free(gf_replay *r)
{
  if (!r)
    return;
  gfi_transcript_clear(&r->t);
  gf_error_clear(&r->first_problem);
  gfi_decorator_free(&r->d);
}

gf_backend *gf_replay_backend(gf_replay *r) { return r ? &r->d.base.parent : NULL; }

size_t gf_replay_remaining(gf_replay *r)
{
  pthread_mutex_lock(&r->d.lock);
  size_t left = r->next < r->t.count ? r->t.count - r->next : 0;
  pthread_mutex_unlock(&r->d.lock);
  return left;
}

gf_status gf_replay_finish(gf_replay *r, gf_error *err)
{
  gf_status status = GF_OK;
  pthread_mutex_lock(&r->d.lock);
  if (r->first_problem.status != GF_OK)
    status = gf_error_copy(err, &r->first_problem);
  else if (r->next < r->t.count)
    status = gf_error_set(err, GF_INTERNAL_SERVICE,
                          "replay: %zu recorded call%s not made, the first: transcript[%zu] (%s)",
                          r->t.count - r->next, r->t.count - r->next == 1 ? " was" : "s were",
                          r->next, gf_operation_name(r->t.entries[r->next].op));
  pthread_mutex_unlock(&r->d.lock);
  return status;
}
