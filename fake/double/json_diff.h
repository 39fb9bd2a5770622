/*
 * json_diff.h - the first place where two JSON values differ, for replay
 * and verify messages (internal to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_JSON_DIFF_H
#define GLUEFAKE_DOUBLE_JSON_DIFF_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Member names not compared, at any depth. */
typedef struct gfi_ignore_set {
  const char *const *names;
  size_t count;
} gfi_ignore_set;

/* Where two values differ, and each one's short printable spelling. */
typedef struct gfi_difference {
  char path[512];
  char recorded[160], got[160];
} gfi_difference;

/* Finds the first place where `a` (recorded) and `b` differ, members named
 * in `ignore` (may be NULL) skipped, the path spelled from `path` on.
 * Returns 1 with `d` filled when they differ, else 0. */
int gfi_json_diff(const char *path, const cJSON *a, const cJSON *b, const gfi_ignore_set *ignore,
                  gfi_difference *d);

#endif
