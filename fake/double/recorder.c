/*
 * recorder.c - the call log: a decorator that passes every call through to
 * its inner backend and keeps a deep copy of the request and the outcome,
 * the newest `max` of them.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <string.h>

#include "core/alloc.h"
#include "core/shapes.h"
#include "decorators.h"
#include "gluefake/calls.h"
#include "gluefake/sys/backend.h"

/* One logged call, shared by the log and the snapshots being written out:
 * freed by whoever lets it go last. */
typedef struct record {
  atomic_int holders;
  gf_operation op;
  void *request;
  gf_status status;
  void *response;
  char *message;
} record;

struct gf_recorder {
  gfi_decorator d; /* first */
  atomic_int disabled; /* read without the lock: logging off costs nothing */
  /* A ring: the oldest kept call at log[start], the i-th at
   * log[(start + i) % cap]. */
  record **log;
  size_t start, len, cap;
  size_t reserved; /* slots promised to calls under way */
  size_t max;      /* calls kept at most; SIZE_MAX: all */
  size_t dropped;  /* the oldest calls let go to keep `max`, since the last clear */
  size_t per_op[GF_OPERATION_COUNT];
};

static record **at(gf_recorder *rec, size_t i) { return &rec->log[(rec->start + i) % rec->cap]; }

static void record_release(record *r)
{
  if (r && atomic_fetch_sub(&r->holders, 1) == 1) {
    gfi_free(r->request); /* both packed */
    gfi_free(r->response);
    gfi_free(r->message);
    gfi_free(r);
  }
}

/* Makes room for one more record ahead of a call, so that a call that
 * took effect is never left out of the log: a ring that can hold every
 * call kept and every call under way, never more than `max` of them (at
 * `max`, logging a call lets the oldest go instead).  The caller holds the
 * lock.  0, or -1 when out of memory. */
static int reserve(gf_recorder *rec)
{
  size_t need = rec->len + rec->reserved + 1;
  if (need > rec->max) /* the oldest goes as each call under way is logged */
    need = rec->max > rec->reserved ? rec->max : rec->reserved + 1;
  if (need <= rec->cap)
    return 0;
  size_t cap = rec->cap ? rec->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  if (cap > rec->max && need <= rec->max)
    cap = rec->max;
  if (cap > SIZE_MAX / sizeof *rec->log)
    return -1;
  record **grown = gfi_malloc(cap * sizeof *grown);
  if (!grown)
    return -1;
  for (size_t i = 0; i < rec->len; i++) /* oldest first, from the start */
    grown[i] = *at(rec, i);
  gfi_free(rec->log);
  rec->log = grown;
  rec->cap = cap;
  rec->start = 0;
  return 0;
}

/* Lets the oldest kept call go.  The caller holds the lock. */
static void drop_oldest(gf_recorder *rec)
{
  record *oldest = *at(rec, 0);
  rec->per_op[oldest->op]--;
  record_release(oldest);
  rec->start = (rec->start + 1) % rec->cap;
  rec->len--;
  rec->dropped++;
}

static gf_status recorder_call(gf_generic_backend *self, gf_operation op, const void *request,
                               void **out, gf_error *err)
{
  gf_recorder *rec = (gf_recorder *)self;
  if (atomic_load_explicit(&rec->disabled, memory_order_acquire))
    return gf_call(rec->d.inner, op, request, out, err);
  pthread_mutex_lock(&rec->d.lock);
  if (rec->max == 0) { /* nothing is kept, every call is counted */
    rec->dropped++;
    pthread_mutex_unlock(&rec->d.lock);
    return gf_call(rec->d.inner, op, request, out, err);
  }
  int room = reserve(rec) == 0;
  if (room)
    rec->reserved++;
  pthread_mutex_unlock(&rec->d.lock);

  /* Copy the request before the call, so that a call the log cannot hold
   * is refused before it takes effect. */
  record *r = room ? gfi_calloc(1, sizeof *r) : NULL;
  if (r && !(r->request = gfi_shape_pack(gfi_request_shapes[op], request))) {
    gfi_free(r);
    r = NULL;
  }
  if (!r) {
    pthread_mutex_lock(&rec->d.lock);
    rec->reserved -= room;
    pthread_mutex_unlock(&rec->d.lock);
    return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory logging the call",
                        gf_operation_name(op));
  }
  atomic_init(&r->holders, 1);
  r->op = op;
  r->status = gf_call(rec->d.inner, op, request, out, err);
  if (r->status == GF_OK)
    r->response = gfi_shape_pack(gfi_response_shapes[op], *out); /* NULL if out of memory */
  else
    r->message = gfi_strdup(gf_error_message(err)); /* NULL if out of memory */
  gf_status status = r->status;

  pthread_mutex_lock(&rec->d.lock);
  rec->reserved--;
  if (rec->max == 0) { /* the bound fell to 0 during the call */
    record_release(r);
    rec->dropped++;
  } else {
    if (rec->len >= rec->max)
      drop_oldest(rec);
    rec->len++;
    *at(rec, rec->len - 1) = r;
    rec->per_op[op]++;
  }
  pthread_mutex_unlock(&rec->d.lock);
  return status;
}

static void recorder_destroy(gf_backend *self) { gf_recorder_free((gf_recorder *)self); }

gf_recorder *gf_recorder_new(gf_backend *inner, gf_error *err)
{
  /* Zeroed: `disabled` is 0, logging on. */
  gf_recorder *rec = gfi_decorator_new(sizeof(gf_recorder), "recorder", recorder_call,
                                       recorder_destroy, inner, err);
  if (rec)
    rec->max = SIZE_MAX;
  return rec;
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
    fill(*at(rec, index), out);
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
    if ((*at(rec, i))->op == op && n-- == 0) {
      fill(*at(rec, i), out);
      found = 0;
    }
  pthread_mutex_unlock(&rec->d.lock);
  return found;
}

int gfi_recorder_with_log(gf_recorder *rec, void (*fn)(const gf_call_record *record, void *ctx),
                          void *ctx)
{
  pthread_mutex_lock(&rec->d.lock);
  size_t len = rec->len;
  record **held = gfi_malloc((len ? len : 1) * sizeof *held);
  for (size_t i = 0; held && i < len; i++) {
    held[i] = *at(rec, i);
    atomic_fetch_add(&held[i]->holders, 1);
  }
  pthread_mutex_unlock(&rec->d.lock);
  if (!held)
    return -1;
  gf_call_record r;
  for (size_t i = 0; i < len; i++) {
    fill(held[i], &r);
    fn(&r, ctx);
    record_release(held[i]);
  }
  gfi_free(held);
  return 0;
}

void gf_calls_clear(gf_recorder *rec)
{
  pthread_mutex_lock(&rec->d.lock);
  for (size_t i = 0; i < rec->len; i++)
    record_release(*at(rec, i));
  rec->start = rec->len = rec->dropped = 0;
  memset(rec->per_op, 0, sizeof rec->per_op);
  pthread_mutex_unlock(&rec->d.lock);
}

void gf_calls_set_max(gf_recorder *rec, size_t max)
{
  pthread_mutex_lock(&rec->d.lock);
  rec->max = max;
  while (rec->len > max)
    drop_oldest(rec);
  pthread_mutex_unlock(&rec->d.lock);
}

size_t gf_calls_dropped(gf_recorder *rec)
{
  pthread_mutex_lock(&rec->d.lock);
  size_t n = rec->dropped;
  pthread_mutex_unlock(&rec->d.lock);
  return n;
}
