/*
 * gluefake/cmocka.h - cmocka assertions that say what went wrong in AWS's
 * words.  Include after <cmocka.h> (which needs <stdarg.h>, <stddef.h> and
 * <setjmp.h> first):
 *
 *     assert_gf_ok(gf_create_security_configuration(glue, &req, NULL, &err), &err);
 *     assert_gf_status(status, GF_ENTITY_NOT_FOUND, &err);
 *     assert_gf_called(gf_fake_calls(fake), GF_OP_CREATE_SECURITY_CONFIGURATION, 2);
 *
 * On failure they print the AWS error name and message (or what the call
 * log holds), then fail the test like any cmocka assertion.  `err` may be
 * NULL.
 */
#ifndef GLUEFAKE_CMOCKA_H
#define GLUEFAKE_CMOCKA_H

/* cmocka.h needs these first, and does not include them itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "calls.h"
#include "sweep.h"

#ifdef __cplusplus
extern "C" {
#endif

#define assert_gf_ok(status, err)                                                          \
  gf_cmocka_check_status_((status), GF_OK, (err), #status, __FILE__, __LINE__)
#define assert_gf_status(status, expected, err)                                            \
  gf_cmocka_check_status_((status), (expected), (err), #status, __FILE__, __LINE__)
#define assert_gf_called(recorder, op, times)                                              \
  gf_cmocka_check_called_((recorder), (op), (times), __FILE__, __LINE__)
/* The n-th (0-based) call of `op` ended with `expected`. */
#define assert_gf_nth_call_status(recorder, op, n, expected)                               \
  gf_cmocka_check_nth_((recorder), (op), (n), (expected), __FILE__, __LINE__)
/* Every injection point of a sweep, and the run without faults, survived. */
#define assert_gf_sweep_survived(report)                                                   \
  gf_cmocka_check_sweep_((report), __FILE__, __LINE__)

static inline void gf_cmocka_check_status_(gf_status actual, gf_status expected,
                                           const gf_error *err, const char *expr,
                                           const char *file, int line)
{
  if (actual == expected)
    return;
  const char *got = gf_status_name(actual), *want = gf_status_name(expected);
  print_error("%s is %s, expected %s\n", expr, got ? got : "(bad status)",
              want ? want : "(bad status)");
  if (actual != GF_OK && err)
    print_error("  %s: %s\n", got ? got : "?", gf_error_message(err));
  _fail(file, line);
}

static inline void gf_cmocka_check_called_(gf_recorder *recorder, gf_operation op,
                                           size_t times, const char *file, int line)
{
  size_t actual = gf_calls_count_op(recorder, op);
  if (actual == times)
    return;
  print_error("%s was called %zu time%s, expected %zu; the calls were:\n",
              gf_operation_name(op), actual, actual == 1 ? "" : "s", times);
  gf_call_record r;
  for (size_t i = 0; gf_calls_get(recorder, i, &r) == 0; i++)
    print_error("  %zu. %s -> %s%s%s\n", i + 1, gf_operation_name(r.op), gf_status_name(r.status),
                r.message ? ": " : "", r.message ? r.message : "");
  _fail(file, line);
}

static inline void gf_cmocka_check_nth_(gf_recorder *recorder, gf_operation op, size_t n,
                                        gf_status expected, const char *file, int line)
{
  gf_call_record r;
  if (gf_calls_get_op(recorder, op, n, &r) != 0) {
    print_error("%s has no call number %zu (0-based); it was called %zu times\n",
                gf_operation_name(op), n, gf_calls_count_op(recorder, op));
    _fail(file, line);
  } else if (r.status != expected) {
    print_error("call %zu of %s ended %s%s%s, expected %s\n", n, gf_operation_name(op),
                gf_status_name(r.status), r.message ? ": " : "", r.message ? r.message : "",
                gf_status_name(expected));
    _fail(file, line);
  }
}

static inline void gf_cmocka_check_sweep_(const gf_sweep_report *report, const char *file,
                                          int line)
{
  if (report->failures == 0 && report->clean_run_survived && report->complete)
    return;
  for (size_t i = 0; i < report->count; i++)
    if (!report->points[i].survived)
      print_error("fault at call %zu (%s) was not survived\n", report->points[i].call,
                  gf_operation_name(report->points[i].op));
  if (!report->clean_run_survived)
    print_error("the run without faults was not survived\n");
  if (!report->complete)
    print_error("the sweep stopped at max_calls before a run completed\n");
  _fail(file, line);
}

#ifdef __cplusplus
}
#endif

#endif
