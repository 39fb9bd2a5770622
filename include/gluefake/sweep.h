/*
 * gluefake/sweep.h - fault sweeps, SQLite's way of testing every failure
 * point: run a scenario with an error injected at its 1st call, then at its
 * 2nd, ... until a run completes with no fault left to inject, and report
 * which injection points the scenario did not survive.
 */
#ifndef GLUEFAKE_SWEEP_H
#define GLUEFAKE_SWEEP_H

#include <stdio.h>

#include "fake.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_sweep_scenario {
  /* Optional: puts a new fake in the scenario's starting state.  Runs with
   * no fault rules; its calls are not counted.  Non-zero aborts the sweep. */
  int (*setup)(gf_fake *fake, void *ctx);
  /* Required: the client code under test, against gf_fake_backend(fake).
   * Returns 0 when it coped (succeeded, or failed the way it should). */
  int (*run)(gf_fake *fake, void *ctx);
  /* Optional: invariants checked after `run`, with the fault rules removed
   * (so its own calls never fail).  Returns 0 when they hold. */
  int (*check)(gf_fake *fake, void *ctx);
  void *ctx; /* passed to all three */
} gf_sweep_scenario;

#define GF_SWEEP_OPTIONS_VERSION 1

/* Initialise with GF_SWEEP_OPTIONS_INIT, then set what you need: members
 * are only ever appended, and `version` tells which exist. */
typedef struct gf_sweep_options {
  unsigned int version; /* GF_SWEEP_OPTIONS_VERSION */
  gf_status error;      /* the error injected: one the API models (GF_ERROR_MODELLED) */
  int applied;          /* non-zero: applied(error) - the call takes effect first */
  size_t max_calls;     /* give up after this many injection points; 0 = 10000 */
} gf_sweep_options;

/* Injects InternalServiceException, not applied, up to 10000 points. */
#define GF_SWEEP_OPTIONS_INIT {GF_SWEEP_OPTIONS_VERSION, GF_INTERNAL_SERVICE, 0, 0}

/* One injection point: the call that failed, and whether the scenario
 * survived it. */
typedef struct gf_sweep_point {
  size_t call;      /* 1-based: the n-th call of `run` */
  gf_operation op;  /* the operation failed there */
  int survived;     /* run() and check() both returned 0 */
} gf_sweep_point;

typedef struct gf_sweep_report {
  gf_sweep_point *points; /* owned; one per injection point, in order */
  size_t count;
  size_t failures;        /* points not survived */
  int clean_run_survived; /* the final run, where no fault was left to inject */
  int complete;           /* 0 when max_calls stopped the sweep first */
} gf_sweep_report;

/*
 * Runs the sweep: for n = 1, 2, ...: a new fake, setup(), the rule
 * "*=<n-1>*off->1*<error>" (applied(<error>) if asked), run(), then check()
 * without faults, until a run makes fewer than n calls.  Fills *report
 * (free with gf_sweep_report_clear()).  The fakes ignore GLUEFAKE_FAULTS:
 * the sweep's rule is the only one.  Returns GF_OK when the sweep ran
 * (whatever it found), or the error that stopped it (setup failing, out of
 * memory).
 */
GF_API gf_status gf_sweep(const gf_sweep_scenario *scenario, const gf_sweep_options *options,
                          gf_sweep_report *report, gf_error *err);

/* Frees the points and zeroes the report.  NULL is allowed. */
GF_API void gf_sweep_report_clear(gf_sweep_report *report);

/* Writes one line per injection point ("call 3 CreateSecurityConfiguration:
 * NOT SURVIVED") and a summary line to `out`. */
GF_API void gf_sweep_report_print(const gf_sweep_report *report, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
