/*
 * fake_impl.h - a fake's insides, shared by the files of the fake: its
 * stack of backends, its lock and store, and the operations' slots
 * (internal to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_FAKE_IMPL_H
#define GLUEFAKE_DOUBLE_FAKE_IMPL_H

#include <pthread.h>

#include "gluefake/calls.h"
#include "gluefake/fake.h"
#include "gluefake/faults.h"
#include "gluefake/sys/backend.h"
#include "store.h"

/*
 * A fake is a stack of backends: `front`, what client code holds, hands
 * every call to the recorder, which logs what the client saw; the recorder
 * wraps the fault injector, which wraps `store_slots`, the store's own
 * operations.
 */
struct gf_fake {
  gf_backend front; /* first: the gf_backend * of gf_fake_backend() is the gf_fake * */
  gf_backend store_slots;
  gf_faults *faults;
  gf_recorder *recorder;
  char initial_account_id[13];
  char initial_region[GF_REGION_SIZE];
  pthread_mutex_t lock; /* guards `st` */
  gfi_store st;
};

/* The operations on the store, one per operation (op_*.c), with a request
 * that validation has passed (fake.c checks it first, for all of them).
 * Each leaves the store as it was unless it returns GF_OK, sets `err` when
 * it fails, and may leave in *out a response it prepared either way: the
 * caller frees it on failure.  For an operation that answers nothing, *out
 * already holds its empty response. */
#define GF_X_OPERATION(Wire, snake, UPPER)                                                 \
  gf_status gfi_op_##snake(gf_fake *fake, const gf_##snake##_request *req,                 \
                           gf_##snake##_response **out, gf_error *err);
GF_OPERATIONS(GF_X_OPERATION)
#undef GF_X_OPERATION

/* InternalServiceException "<Operation>: out of memory". */
static inline gf_status gfi_fake_out_of_memory(gf_error *err, gf_operation op)
{
  return gf_error_set(err, GF_INTERNAL_SERVICE, "%s: out of memory", gf_operation_name(op));
}

/* Runs `fn` on the fake's store under its lock (fixture dumps). */
void gfi_fake_with_store(gf_fake *fake, void (*fn)(gfi_store *store, void *ctx), void *ctx);

/* Replaces the fake's store by `fresh` under its lock; `fresh` then holds
 * the old data, for the caller to clear (fixture loads, reset). */
void gfi_fake_swap_store(gf_fake *fake, gfi_store *fresh);

/* The account id given at creation: what an absent fixture account id
 * means. */
const char *gfi_fake_initial_account_id(gf_fake *fake);
const char *gfi_fake_initial_region(gf_fake *fake);

#endif
