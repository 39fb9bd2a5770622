/*
 * common.h - what the libFuzzer targets (fuzz/fuzz_*.c) share: the CHECK
 * macro of their invariants, and the one function that makes their fakes.
 *
 * A target defines FUZZ_TARGET (its name, for the failure message) before
 * including it:
 *
 *   #define FUZZ_TARGET "fuzz_dispatch"
 *   #include "common.h"
 *
 * Each target is one translation unit (the build compiles fuzz/NAME.c alone
 * with the library sources), so everything here is static.
 */
#ifndef GLUEFAKE_FUZZ_COMMON_H
#define GLUEFAKE_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gluefake.h"
#include "gluefake/sys/alloc.h"

/* libFuzzer's entry points, which each target defines (Initialize where it
 * needs one). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#ifndef FUZZ_TARGET
#error "define FUZZ_TARGET (the target's name) before including common.h"
#endif

/* A broken invariant: `fuzz_<target>: check failed at line N: <condition>`,
 * what differed, then abort() (which libFuzzer reports as a crash). */
#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, FUZZ_TARGET ": check failed at line %d: %s\n  ", __LINE__, #cond);   \
      fprintf(stderr, __VA_ARGS__);                                                        \
      fprintf(stderr, "\n");                                                               \
      abort();                                                                             \
    }                                                                                      \
  } while (0)

/* Where the targets' fixed clocks start. */
#define FUZZ_T0 1700000000

/* The one place the targets make a fake.  It ignores GLUEFAKE_FAULTS:
 * runs must not depend on the environment.  Not getting one is a failed
 * check. */
static inline gf_fake *fuzz_fake_new(const char *account_id)
{
  gf_fake_options options = GF_FAKE_OPTIONS_INIT;
  options.account_id = account_id;
  options.ignore_environment = 1; /* what is fuzzed is the input, not the environment */
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = gf_fake_new_ext(&options, &err);
  CHECK(fake, "gf_fake_new_ext: %s", gf_error_message(&err));
  return fake;
}

/* A fake (account NULL: the default) on a fixed clock from FUZZ_T0, `step`
 * seconds a reading. */
static inline gf_fake *fuzz_fake_on_clock(const char *account_id, double step)
{
  gf_fake *fake = fuzz_fake_new(account_id);
  gf_error err = GF_ERROR_INIT;
  CHECK(gf_fake_set_clock(fake, FUZZ_T0, step, &err) == GF_OK, "set_clock");
  return fake;
}

#endif
