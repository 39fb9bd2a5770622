/*
 * transcript_read.h - a transcript loaded and checked, each entry
 * normalized through the codec (internal to the fake: replay and verify).
 */
#ifndef GLUEFAKE_DOUBLE_TRANSCRIPT_READ_H
#define GLUEFAKE_DOUBLE_TRANSCRIPT_READ_H

#include <cjson/cJSON.h>

#include "gluefake/client.h"

/* A recorded call, its request and response normalized through the codec
 * (decoded and encoded again), so that members the C types do not carry -
 * from a newer SDK, or botocore's ResponseMetadata - are not compared. */
typedef struct gfi_transcript_entry {
  gf_operation op;
  cJSON *request;  /* owned */
  cJSON *response; /* owned; NULL for an error */
  gf_error error;
} gfi_transcript_entry;

typedef struct gfi_transcript {
  cJSON *root;
  gfi_transcript_entry *entries;
  size_t count;
} gfi_transcript;

/* Loads and checks the transcript `json` into `t`: every entry a known
 * operation, a request the codec reads, and exactly one of a response it
 * reads or an error the API models.  GF_OK, or GF_INVALID_INPUT naming
 * `source`, the entry and what is wrong (GF_INTERNAL_SERVICE when out of
 * memory); on failure `t` is empty.  Free with gfi_transcript_clear(). */
gf_status gfi_transcript_load(const char *json, size_t len, const char *source,
                              gfi_transcript *t, gf_error *err);
void gfi_transcript_clear(gfi_transcript *t);

#endif
