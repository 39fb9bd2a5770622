/*
 * alloc_sweep.h - SQLite's allocation-failure sweep, the one engine of the
 * suites: a counting allocator (installed with gf_set_allocator, so that
 * cJSON's hooks go through it too) that fails the nth allocation of the
 * call under test - and every one after it, or only that one - for
 * n = 1, 2, 3, ... until a run completes without a failure being injected.
 *
 * The allocator stays installed for the whole test (alloc_sweep_setup and
 * alloc_sweep_teardown are the cmocka fixture); outside the call under
 * test it is disarmed (never fails) but keeps counting, so that every byte
 * the library or cJSON hands out is accounted for (A.live).
 *
 * A sweep is three functions over a context of the suite's own (see
 * alloc_sweep()): `before` makes what the call needs (disarmed), `call`
 * makes the call under test (armed), `after` checks the outcome and frees
 * what the run made (disarmed), reporting discrepancies with problem().
 * Header-only (static), like helpers.h.
 */
#ifndef GLUEFAKE_TESTS_ALLOC_SWEEP_H
#define GLUEFAKE_TESTS_ALLOC_SWEEP_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gluefake/sys/alloc.h"

/* A run that needs more allocations than this is a bug of its own. */
#define MAX_RUNS 5000
/* Discrepancies printed per sweep (all are counted). */
#define MAX_REPORTS 4

/* ---- the counting, failing allocator ------------------------------------------ */

static struct {
  long live;     /* allocations handed out and not yet freed */
  long attempts; /* allocation attempts while armed */
  long fail_at;  /* 1-based attempt that fails */
  int only_one;  /* 1: fail only attempt fail_at; 0: fail it and every later one */
  int armed;
  long injected; /* failures injected while armed */
} A;

static int should_fail(void)
{
  if (!A.armed)
    return 0;
  A.attempts++;
  if (A.attempts == A.fail_at || (!A.only_one && A.attempts > A.fail_at)) {
    A.injected++;
    return 1;
  }
  return 0;
}

static void *t_malloc(size_t size)
{
  if (should_fail())
    return NULL;
  void *p = malloc(size);
  if (p)
    A.live++;
  return p;
}

static void *t_realloc(void *ptr, size_t size)
{
  if (should_fail())
    return NULL; /* like realloc: the old block is untouched */
  void *p = realloc(ptr, size);
  if (p && !ptr)
    A.live++;
  return p;
}

static void t_free(void *ptr)
{
  if (ptr) {
    A.live--;
    free(ptr);
  }
}

static const gf_allocator counting = {t_malloc, t_realloc, t_free};

static void arm(long n, int only_one)
{
  A.attempts = 0;
  A.injected = 0;
  A.fail_at = n;
  A.only_one = only_one;
  A.armed = 1;
}

static void disarm(void) { A.armed = 0; }

/* cmocka setup: the counting allocator, disarmed, for the whole test. */
static int alloc_sweep_setup(void **state)
{
  (void)state;
  memset(&A, 0, sizeof A);
  gf_set_allocator(&counting);
  return 0;
}

/* cmocka teardown: the allocator removed; anything still live fails the test. */
static int alloc_sweep_teardown(void **state)
{
  (void)state;
  disarm();
  long live = A.live;
  gf_set_allocator(NULL);
  if (live != 0) {
    print_message("%ld allocation(s) still live at the end of the test\n", live);
    return -1;
  }
  return 0;
}

/* ---- discrepancy bookkeeping -------------------------------------------------- */

typedef struct sweep_stats {
  const char *name;
  long runs, failed_runs, problems;
  int only_one; /* of the run in progress */
  long n;       /* ... */
} sweep_stats;

static void problem(sweep_stats *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void problem(sweep_stats *st, const char *fmt, ...)
{
  st->problems++;
  /* ALLOC_SWEEP_VERBOSE=1 in the environment prints every one. */
  const char *verbose = getenv("ALLOC_SWEEP_VERBOSE");
  if (st->problems > MAX_REPORTS && !(verbose && *verbose == '1'))
    return;
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  print_message("[%s] failing %s allocation %ld: %s\n", st->name,
                st->only_one ? "only" : "from", st->n, what);
}

/* Prints a summary of the sweep and returns its number of problems; the
 * test asserts on the sum once every case has run. */
static long finish(sweep_stats *st)
{
  if (st->problems)
    print_message("[%s] %ld problem(s) in %ld runs (%ld with an injected failure)\n", st->name,
                  st->problems, st->runs, st->failed_runs);
  return st->problems;
}

/* ---- the engine ------------------------------------------------------------------ */

/* Which runs a sweep makes: failing from the nth allocation on, failing
 * only the nth, or both (in that order). */
enum { SWEEP_FROM = 1, SWEEP_ONLY = 2, SWEEP_BOTH = SWEEP_FROM | SWEEP_ONLY };

typedef struct sweep_ops {
  void (*before)(void *ctx);                                  /* disarmed */
  void (*call)(void *ctx);                                    /* armed: the call under test */
  void (*after)(void *ctx, sweep_stats *st, long injected);   /* disarmed: check and free */
} sweep_ops;

/* Runs before/call/after for n = 1, 2, ... in each mode of `modes`, until a
 * call completes without an injected failure; returns the sweep's problems
 * (after printing its summary).  `before` may be NULL. */
static long alloc_sweep(sweep_stats *st, int modes, const sweep_ops *ops, void *ctx)
{
  for (int only_one = 0; only_one <= 1; only_one++) {
    if (!(modes & (only_one ? SWEEP_ONLY : SWEEP_FROM)))
      continue;
    for (long n = 1;; n++) {
      assert_true(n < MAX_RUNS);
      st->only_one = only_one;
      st->n = n;
      if (ops->before)
        ops->before(ctx);
      arm(n, only_one);
      ops->call(ctx);
      disarm();
      long injected = A.injected;
      st->runs++;
      st->failed_runs += injected != 0;
      ops->after(ctx, st, injected);
      if (!injected)
        break; /* the call ran to completion: nothing left to fail */
    }
  }
  return finish(st);
}

#endif
