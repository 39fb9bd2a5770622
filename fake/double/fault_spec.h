/*
 * fault_spec.h - a parsed fault spec: rules of chained terms, the parser
 * and the canonical spelling (internal to the fake).
 */
#ifndef GLUEFAKE_DOUBLE_FAULT_SPEC_H
#define GLUEFAKE_DOUBLE_FAULT_SPEC_H

#include <stdint.h>

#include "core/shapes.h"
#include "decorators.h"
#include "gluefake/errors.h"

/* What a term does in-process: fail before the call (ERROR: `error`),
 * fail after it took effect (APPLIED: `error`), wait (DELAY), nothing. */
typedef enum action_kind { ACT_OFF, ACT_ERROR, ACT_APPLIED, ACT_DELAY } action_kind;


typedef struct fault_term {
  double pct;     /* 0: acts on every call it serves */
  uint64_t count; /* 0: serves every further call */
  action_kind action;
  gf_status error;
  char *message; /* ERROR(MESSAGE); NULL for the default */
  unsigned delay_ms;
  gfi_wire_action wire;
  unsigned http_status; /* GFI_WIRE_HTTP: 500..599 */
} fault_term;

/* Whether a fault may inject `status`: every error of the table but the
 * protocol's, Transport and Unknown (reset, truncate and http() make those
 * two happen). */
int gfi_fault_injectable(gf_status status);

typedef struct fault_rule {
  int any_operation; /* "*" */
  gf_operation op;
  const gfi_member *member; /* [MEMBER=VALUE], or NULL */
  char *value;
  char *target; /* canonical spelling, for lookups and messages */
  fault_term *terms;
  size_t term_count;
  size_t term_at;          /* the term serving calls now */
  uint64_t served_in_term; /* calls it served so far */
  size_t served, fired;
} fault_rule;

typedef struct fault_spec {
  int has_seed;
  uint64_t seed;
  fault_rule *rules;
  size_t rule_count;
} fault_spec;

/* Frees what a rule or a spec holds and zeroes it. */
void gfi_fault_rule_clear(fault_rule *rule);
void gfi_fault_spec_clear(fault_spec *spec);

/* Parses `text` (NULL: none) into `spec`, zeroed by the caller.  GF_OK;
 * GF_INVALID_INPUT with "fault spec: column N: expected ..." in `err`; or
 * GF_INTERNAL_SERVICE when out of memory.  On failure `spec` is empty. */
gf_status gfi_fault_spec_parse(const char *text, fault_spec *spec, gf_error *err);

/* Whether two rules have the same target (one replaces the other). */
int gfi_fault_same_target(const fault_rule *a, const fault_rule *b);

/* The canonical spelling of `spec`, a new text to gfi_free(); "" for no
 * rules; NULL when out of memory. */
char *gfi_fault_spec_format(const fault_spec *spec);

#endif
