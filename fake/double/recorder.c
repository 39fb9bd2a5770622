/*
 * recorder.c - the call log: a decorator that passes every call through to
 * its inner backend and keeps a deep copy of the request and the outcome.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"
#include "core/shapes.h"
#include "decorators.h"
#include "gluefake/calls.h"
#include "gluefake/sys/backend.h"

typedef struct record {
  gf_operation op;
  void *request;
  gf_status status;
  void *response;
  char *message;
} record;

struct gf_recorder {
  gfi_decorator d; /* first */
  atomic_int disabled; /* read without the lock: logging off costs nothing */
  record *log;
  size_t len, cap;
  size_t reserved; /* slots promised to calls under way */
  size_t per_op[GF_OPERATION_COUNT];
};

static void record_clear(record *r)
{
  gfi_free(r->request); /* both packed */
  gfi_free(r->response);
  gfi_free(r->message);
}

/* Makes room for one more record ahead of a call, so that a call that
 * took effect is never left out of the log.  The caller holds the lock. */
static int reserve(gf_recorder *rec)
{
  return gfi_grow(&rec->log, &rec->cap, rec->len + rec->reserved + 1, sizeof *rec->log, 64);
}

static gf_status recorder_call(gf_generic_backend *self, gf_operation op, const void *request,
                               void **out, gf_error *err)
{
  gf_recorder *rec = (gf_recorder *)self;
  if (atomic_load_explicit(&rec->disabled, memory_order_acquire))
    return gf_call(rec->d.inner, op, request, out, err);
  pthread_mutex_lock(&rec->d.lock);
  int room = reserve(rec) == 0;
  if (room)
    rec->reserved++;
  pthread_mutex_unlock(&rec->d.lock);

  /* Copy the request before the call, so that a call the log cannot hold
   * is refused before it takes effect. */
  record r = {op, room ? gfi_shape_pack(gfi_request_shapes[op], request) : NULL, GF_OK, NULL, NULL};
  if (!r.request) {
    pthread_mutex_lock(&rec->d.lock);
    rec->reserved -= room;
    pthread_mutex_unlock(&rec->d.lock);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory logging the call",
                        gf_operation_name(op));
  }
  r.status = gf_call(rec->d.inner, op, request, out, err);
  if (r.status == GF_OK)
    r.response = gfi_shape_pack(gfi_response_shapes[op], *out); /* NULL if out of memory */
  else
    r.message = gfi_strdup(gf_error_message(err)); /* NULL if out of memory */

  pthread_mutex_lock(&rec->d.lock);
  rec->reserved--;
  rec->log[rec->len++] = r;
  rec->per_op[op]++;
  pthread_mutex_unlock(&rec->d.lock);
  return r.status;
}

static void recorder_destroy(gf_backend *self) { gf_recorder_free((gf_recorder *)self); }

gf_recorder *gf_recorder_new(gf_backend *inner, gf_error *err)
{
  /* Zeroed: `disabled` is 0, logging on. */
  return gfi_decorator_new(sizeof(gf_recorder), "recorder", recorder_call, recorder_destroy,
                           inner, err);
}

void gf_recorder_free(gf_recorder *rec)
{
  if (!rec)
    return;
  gf_calls_clear(rec);
  gfi_free(rec->log);
  gfi_decorator_free(&rec->d);
}

gf_backend *gf_recorder_backend(gf_recorder *rec) { return rec ? &rec->d.base.parent : NULL; }

int gfi_recorder_logging(gf_recorder *rec)
{
  return !atomic_load_explicit(&rec->disabled, memory_order_acquire);
}

void gf_recorder_set_enabled(gf_recorder *rec, int enabled)
{
  atomic_store(&rec->disabled, enabled == 0);
}

size_t gf_calls_count(gf_recorder *rec)
{
  pthread_mutex_lock(&rec->d.lock);
  size_t n = rec->len;
  pthread_mutex_unlock(&rec->d.lock);
  return n;
}

size_t gf_calls_count_op(gf_recorder *rec, gf_operation op)
{
  if ((unsigned)op >= GF_OPERATION_COUNT)
    return 0;
  pthread_mutex_lock(&rec->d.lock);
  size_t n = rec->per_op[op];
  pthread_mutex_unlock(&rec->d.lock);
  return n;
}

static void fill(const record *r, gf_call_record *out)
{
  out->op = r->op;
  out->request = r->request;
  out->status = r->status;
  out->response = r->response;
  out->message = r->message;
}

int gf_calls_get(gf_recorder *rec, size_t index, gf_call_record *out)
{
  int found = -1;
  pthread_mutex_lock(&rec->d.lock);
  if (index < rec->len) {
    fill(&rec->log[index], out);
    found = 0;
  }
  pthread_mutex_unlock(&rec->d.lock);
  return found;
}

int gf_calls_get_op(gf_recorder *rec, gf_operation op, size_t n, gf_call_record *out)
{
  int found = -1;
  pthread_mutex_lock(&rec->d.lock);
  for (size_t i = 0; i < rec->len && found != 0; i++)
    if (rec->log[i].op == op && n-- == 0) {
      fill(&rec->log[i], out);
      found = 0;
    }
  pthread_mutex_unlock(&rec->d.lock);
  return found;
}

void gfi_recorder_with_log(gf_recorder *rec, void (*fn)(const gf_call_record *record, void *ctx),
                          void *ctx)
{
  pthread_mutex_lock(&rec->d.lock);
  gf_call_record r;
  for (size_t i = 0; i < rec->len; i++) {
    fill(&rec->log[i], &r);
    fn(&r, ctx);
  }
  pthread_mutex_unlock(&rec->d.lock);
}

void gf_calls_clear(gf_recorder *rec)
{
  pthread_mutex_lock(&rec->d.lock);
  for (size_t i = 0; i < rec->len; i++)
    record_clear(&rec->log[i]);
  rec->len = 0;
  memset(rec->per_op, 0, sizeof rec->per_op);
  pthread_mutex_unlock(&rec->d.lock);
}
