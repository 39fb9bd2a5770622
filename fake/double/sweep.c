/* sweep.c - fault sweeps: fail the 1st, 2nd, ... call of a scenario. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "fault_spec.h"
#include "gluefake/sweep.h"
#include "gluefake/sys/backend.h"

#define DEFAULT_MAX_CALLS 10000

/* One run with the n-th call failed (n = 0: no fault).  Sets *fired to
 * whether the fault was injected and *op to the operation it hit. */
static gf_status run_once(const gf_sweep_scenario *scenario, const gf_sweep_options *options,
                          size_t n, int *survived, int *fired, gf_operation *op, gf_error *err)
{
  /* The sweep's rule alone, whatever GLUEFAKE_FAULTS says. */
  gf_fake_options fake_options = GF_FAKE_OPTIONS_INIT;
  fake_options.ignore_environment = 1;
  gf_fake *fake = gf_fake_new_ext(&fake_options, err);
  if (!fake)
    return err ? err->status : GF_INTERNAL_SERVICE;
  gf_faults *faults = gf_fake_faults(fake);
  gf_status status = GF_OK;
  if (scenario->setup && scenario->setup(fake, scenario->ctx) != 0) {
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "sweep: the scenario's setup failed");
    goto done;
  }
  gf_calls_clear(gf_fake_calls(fake));
  char spec[128];
  const char *error = gf_status_name(options->error);
  if (n > 1)
    snprintf(spec, sizeof spec, "*=%zu*off->1*%s%s%s", n - 1, options->applied ? "applied(" : "",
             error, options->applied ? ")" : "");
  else
    snprintf(spec, sizeof spec, "*=1*%s%s%s", options->applied ? "applied(" : "", error,
             options->applied ? ")" : "");
  if (n > 0 && (status = gf_faults_set(faults, spec, err)) != GF_OK)
    goto done;

  *survived = scenario->run(fake, scenario->ctx) == 0;
  size_t times = 0;
  *fired = n > 0 && gf_faults_counts(faults, "*", NULL, &times) == 0 && times > 0;
  gf_call_record record;
  if (*fired && gf_calls_get(gf_fake_calls(fake), n - 1, &record) == 0)
    *op = record.op;
  gf_faults_clear(faults);
  if (scenario->check && scenario->check(fake, scenario->ctx) != 0)
    *survived = 0;
done:
  gf_fake_free(fake);
  return status;
}

gf_status gf_sweep(const gf_sweep_scenario *scenario, const gf_sweep_options *options,
                   gf_sweep_report *report, gf_error *err)
{
  memset(report, 0, sizeof *report);
  if (!scenario || !scenario->run || !options)
    return gf_error_set(err, GF_INVALID_INPUT, "sweep: a scenario with run() and options are required");
  if (options->version == 0 || options->version > GF_SWEEP_OPTIONS_VERSION)
    return gf_error_set(err, GF_INVALID_INPUT,
                        "sweep: options version %u is not supported (this library knows 1..%d)",
                        options->version, GF_SWEEP_OPTIONS_VERSION);
  if (!gfi_fault_injectable(options->error))
    return gf_error_set(err, GF_INVALID_INPUT,
                        "sweep: the error must be one a fault spec can inject (not a protocol "
                        "error, Transport or Unknown)");
  size_t max_calls = options->max_calls ? options->max_calls : DEFAULT_MAX_CALLS;
  size_t cap = 0;
  for (size_t n = 1;; n++) {
    int survived = 0, fired = 0;
    gf_operation op = GF_OPERATION_COUNT;
    gf_status status = run_once(scenario, options, n, &survived, &fired, &op, err);
    if (status != GF_OK) {
      gf_sweep_report_clear(report);
      return status;
    }
    if (!fired) {
      report->clean_run_survived = survived;
      report->complete = 1;
      return GF_OK;
    }
    if (gfi_grow(&report->points, &cap, report->count + 1, sizeof *report->points, 16) != 0) {
      gf_sweep_report_clear(report);
      return gf_error_set(err, GF_INTERNAL_SERVICE, "sweep: out of memory");
    }
    report->points[report->count++] = (gf_sweep_point){n, op, survived};
    if (!survived)
      report->failures++;
    if (n >= max_calls)
      return GF_OK; /* complete stays 0 */
  }
}

void gf_sweep_report_clear(gf_sweep_report *report)
{
  if (report) {
    gfi_free(report->points);
    memset(report, 0, sizeof *report);
  }
}

void gf_sweep_report_print(const gf_sweep_report *report, FILE *out)
{
  for (size_t i = 0; i < report->count; i++) {
    const gf_sweep_point *p = &report->points[i];
    const char *op = gf_operation_name(p->op);
    fprintf(out, "call %zu %s: %s\n", p->call, op ? op : "?",
            p->survived ? "survived" : "NOT SURVIVED");
  }
  fprintf(out, "%zu injection point%s, %zu not survived; run without faults: %s%s\n",
          report->count, report->count == 1 ? "" : "s", report->failures,
          report->clean_run_survived ? "survived" : "NOT SURVIVED",
          report->complete ? "" : " (stopped at max_calls)");
}
