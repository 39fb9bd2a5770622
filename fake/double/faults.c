/*
 * faults.c - the fault injector: a decorator that fails, delays or "applies
 * then fails" the calls of its inner backend as its rules say (for a call
 * the server serves, decided ahead of the call: decorators.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/random.h"
#include "decorators.h"
#include "fault_spec.h"
#include "gluefake/faults.h"
#include "gluefake/sys/backend.h"

struct gf_faults {
  gfi_decorator d; /* first */
  fault_spec spec;
  uint64_t prng;        /* splitmix64 state */
  atomic_int has_rules; /* read without the lock: no rules, no locking */
};

/* The most specific rule for this call: a member match, then the
 * operation, then "*". */
static fault_rule *match(fault_spec *spec, gf_operation op, const void *request)
{
  fault_rule *by_op = NULL, *any = NULL;
  for (size_t i = 0; i < spec->rule_count; i++) {
    fault_rule *rule = &spec->rules[i];
    if (rule->any_operation) {
      any = rule;
    } else if (rule->op == op && !rule->member) {
      by_op = rule;
    } else if (rule->op == op) {
      const char *value = *(const char *const *)GF_MEMBER_CPTR(request, rule->member->offset);
      if (value && strcmp(value, rule->value) == 0)
        return rule;
    }
  }
  return by_op ? by_op : any;
}

typedef struct decision {
  action_kind action;
  gf_status error;
  unsigned delay_ms;
  gfi_wire_action wire;
  unsigned http_status;
  char *message; /* owned; NULL when out of memory (the error name is used) */
} decision;

/* Advances the matching rule's chain for one call and says what to do;
 * the caller holds the lock. */
static void decide(gf_faults *faults, gf_operation op, const void *request, decision *d)
{
  d->action = ACT_OFF;
  fault_rule *rule = match(&faults->spec, op, request);
  if (!rule)
    return;
  rule->served++;
  if (rule->term_at >= rule->term_count)
    return; /* chain used up: pass through */
  const fault_term *term = &rule->terms[rule->term_at];
  if (term->count && ++rule->served_in_term >= term->count) {
    rule->term_at++;
    rule->served_in_term = 0;
  }
  if (term->pct > 0 &&
      !(gfi_random_unit(&faults->prng) < term->pct / 100.0))
    return;
  if (term->action == ACT_OFF)
    return;
  rule->fired++;
  d->action = term->action;
  d->error = term->error;
  d->delay_ms = term->delay_ms;
  d->wire = term->wire;
  d->http_status = term->http_status;
  if (term->message) {
    d->message = gfi_strdup(term->message);
  } else {
    static const char fmt[] = "%s injected by gluefake (fault rule %s)";
    size_t len = sizeof fmt + strlen(gf_status_name(term->error)) + strlen(rule->target);
    if ((d->message = gfi_malloc(len)) != NULL)
      snprintf(d->message, len, fmt, gf_status_name(term->error), rule->target);
  }
}

/* What no rule changes: the call passes through. */
#define PASS_THROUGH ((decision){ACT_OFF, GF_OK, 0, GFI_WIRE_NONE, 0, NULL})

/* decide() under the lock, when there are rules at all. */
static decision decide_call(gf_faults *faults, gf_operation op, const void *request)
{
  decision d = PASS_THROUGH;
  if (atomic_load_explicit(&faults->has_rules, memory_order_acquire)) {
    pthread_mutex_lock(&faults->d.lock);
    decide(faults, op, request, &d);
    pthread_mutex_unlock(&faults->d.lock);
  }
  return d;
}

/* The wire's side of a call this thread serves over HTTP (decorators.h). */
static _Thread_local struct {
  int serving;
  gfi_wire_action action;
  unsigned http_status;
} wire;

void gfi_wire_begin(void)
{
  wire.serving = 1;
  wire.action = GFI_WIRE_NONE;
}

gfi_wire_action gfi_wire_end(unsigned *http_status)
{
  gfi_wire_action action = wire.action;
  *http_status = wire.http_status;
  wire.serving = 0;
  wire.action = GFI_WIRE_NONE;
  return action;
}

/* A decision taken ahead of the next call this thread makes through
 * `faults` (decorators.h: gfi_faults_decide_ahead()); NULL: none kept. */
static _Thread_local struct {
  gf_faults *faults;
  decision d;
} ahead;

void gfi_faults_ahead_end(void)
{
  if (ahead.faults) {
    gfi_free(ahead.d.message);
    ahead.faults = NULL;
  }
}

/* Keeps `d` (taken) for this thread's next call through `faults`. */
static void keep_ahead(gf_faults *faults, decision d)
{
  gfi_faults_ahead_end();
  ahead.faults = faults;
  ahead.d = d;
}

int gfi_faults_decide_ahead(gf_faults *faults, gf_operation op, const void *request,
                            unsigned *delay_ms)
{
  decision d = decide_call(faults, op, request);
  if (d.action == ACT_DELAY && d.delay_ms > 0) {
    gfi_faults_ahead_end();
    gfi_free(d.message);
    *delay_ms = d.delay_ms;
    return 1;
  }
  /* Kept even when it is "pass": rules installed between now and the call
   * reaching the injector must not decide it again (a delay would then
   * sleep in a server thread). */
  keep_ahead(faults, d);
  return 0;
}

void gfi_faults_pass_ahead(gf_faults *faults)
{
  keep_ahead(faults, PASS_THROUGH);
}

static gf_status faults_call(gf_generic_backend *self, gf_operation op, const void *request,
                             void **out, gf_error *err)
{
  gf_faults *faults = (gf_faults *)self;
  decision d;
  if (ahead.faults == faults) { /* decided, and counted, before the call came down */
    d = ahead.d;
    ahead.faults = NULL;
  } else {
    d = decide_call(faults, op, request);
  }

  gf_status status;
  if (d.wire != GFI_WIRE_NONE && wire.serving) {
    wire.action = d.wire;
    wire.http_status = d.http_status;
    if (d.wire == GFI_WIRE_TRUNCATE) { /* the call succeeds; its answer is cut on the wire */
      gfi_free(d.message);
      return gf_call(faults->d.inner, op, request, out, err);
    }
  }
  switch (d.action) {
  case ACT_ERROR:
    status = gf_error_set(err, d.error, "%s", d.message ? d.message : gf_status_name(d.error));
    gfi_free(d.message);
    return status;
  case ACT_APPLIED: {
    void *response = NULL;
    status = gf_call(faults->d.inner, op, request, &response, err);
    if (status == GF_OK) {
      gf_response_free(op, response);
      status = gf_error_set(err, d.error, "%s", d.message ? d.message : gf_status_name(d.error));
    } /* else the inner call's own error wins */
    gfi_free(d.message);
    return status;
  }
  case ACT_DELAY: {
    gfi_free(d.message);
    struct timespec ts = {(time_t)(d.delay_ms / 1000), (long)(d.delay_ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
      ;
    break;
  }
  case ACT_OFF:
    break;
  }
  return gf_call(faults->d.inner, op, request, out, err);
}

static void faults_destroy(gf_backend *self) { gf_faults_free((gf_faults *)self); }

gf_faults *gf_faults_new(gf_backend *inner, gf_error *err)
{
  /* Zeroed: has_rules is 0, no rules. */
  return gfi_decorator_new(sizeof(gf_faults), "fault injector", faults_call, faults_destroy,
                           inner, err);
}

int gfi_faults_armed(gf_faults *faults)
{
  return atomic_load_explicit(&faults->has_rules, memory_order_acquire);
}

void gf_faults_free(gf_faults *faults)
{
  if (!faults)
    return;
  gfi_fault_spec_clear(&faults->spec);
  gfi_decorator_free(&faults->d);
}

gf_backend *gf_faults_backend(gf_faults *faults) { return faults ? &faults->d.base.parent : NULL; }

gf_status gf_faults_check(const char *spec, gf_error *err)
{
  fault_spec parsed = {0};
  gf_status status = gfi_fault_spec_parse(spec, &parsed, err);
  gfi_fault_spec_clear(&parsed);
  return status;
}

/* Moves the rules of `from` into `into`, each replacing the rule with its
 * target if there is one, and its seed if it sets one; `from` keeps no
 * rule.  0, or -1 when out of memory (both unchanged). */
static int merge(fault_spec *into, fault_spec *from)
{
  fault_rule *grown =
      gfi_realloc(into->rules, (into->rule_count + from->rule_count + 1) * sizeof *grown);
  if (!grown)
    return -1;
  into->rules = grown;
  for (size_t i = 0; i < from->rule_count; i++) {
    size_t j = 0;
    while (j < into->rule_count && !gfi_fault_same_target(&into->rules[j], &from->rules[i]))
      j++;
    if (j < into->rule_count)
      gfi_fault_rule_clear(&into->rules[j]);
    else
      into->rule_count++;
    into->rules[j] = from->rules[i];
  }
  from->rule_count = 0;
  if (from->has_seed) {
    into->has_seed = 1;
    into->seed = from->seed;
  }
  return 0;
}

/* Parses `text` and installs its rules: in place of every rule (`replace`,
 * the generator reseeded), or merged with them (the generator reseeded if
 * it sets a seed).  On any error nothing changes. */
static gf_status install(gf_faults *faults, const char *text, int replace, gf_error *err)
{
  fault_spec parsed = {0};
  gf_status status = gfi_fault_spec_parse(text, &parsed, err);
  if (status != GF_OK)
    return status;
  pthread_mutex_lock(&faults->d.lock);
  if (replace) {
    fault_spec old = faults->spec;
    faults->spec = parsed;
    parsed = old; /* cleared below */
    faults->prng = faults->spec.seed;
  } else if (merge(&faults->spec, &parsed) != 0) {
    status = gf_error_set(err, GF_INTERNAL_SERVICE, "fault spec: out of memory");
  } else if (parsed.has_seed) {
    faults->prng = parsed.seed;
  }
  atomic_store(&faults->has_rules, faults->spec.rule_count > 0);
  pthread_mutex_unlock(&faults->d.lock);
  gfi_fault_spec_clear(&parsed);
  return status;
}

gf_status gf_faults_set(gf_faults *faults, const char *spec, gf_error *err)
{
  return install(faults, spec, 1, err);
}

gf_status gf_faults_add(gf_faults *faults, const char *spec, gf_error *err)
{
  return install(faults, spec, 0, err);
}

void gf_faults_clear(gf_faults *faults)
{
  pthread_mutex_lock(&faults->d.lock);
  fault_spec old = faults->spec;
  memset(&faults->spec, 0, sizeof faults->spec);
  faults->prng = 0;
  atomic_store(&faults->has_rules, 0);
  pthread_mutex_unlock(&faults->d.lock);
  gfi_fault_spec_clear(&old);
}

int gf_faults_counts(gf_faults *faults, const char *target, size_t *served, size_t *fired)
{
  int found = -1;
  pthread_mutex_lock(&faults->d.lock);
  for (size_t i = 0; target && i < faults->spec.rule_count; i++) {
    const fault_rule *rule = &faults->spec.rules[i];
    if (strcmp(rule->target, target) == 0) {
      if (served)
        *served = rule->served;
      if (fired)
        *fired = rule->fired;
      found = 0;
    }
  }
  pthread_mutex_unlock(&faults->d.lock);
  return found;
}

char *gf_faults_spec(gf_faults *faults)
{
  pthread_mutex_lock(&faults->d.lock);
  char *text = gfi_fault_spec_format(&faults->spec);
  pthread_mutex_unlock(&faults->d.lock);
  return text;
}
