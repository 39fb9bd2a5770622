/*
 * gluefake/faults.h - deterministic error injection.
 *
 * A fault injector is a backend wrapped around any other backend.  Its
 * rules come from one string, the fault spec:
 *
 *   spec    = item *( ";" item )
 *   item    = "seed=" UINT | target "=" chain
 *   target  = OPERATION [ "[" MEMBER "=" VALUE "]" ] | "*"
 *   chain   = term *( "->" term )
 *   term    = [ PCT "%" ] [ COUNT "*" ] action
 *   action  = "off" | ERROR [ "(" MESSAGE ")" ] | "applied(" ERROR ")"
 *           | "delay(" MILLISECONDS ")"
 *
 *   CreateSecurityConfiguration=2*off->1*OperationTimeout   the 3rd create fails
 *   *=1*InternalService                                     the next call fails
 *   seed=7;GetSecurityConfiguration=10%InternalService      1 in 10, reproducibly
 *   CreateSecurityConfiguration=1*applied(OperationTimeout) created, but "timed out"
 *
 * Each call is seen by the most specific rule that matches (a member match,
 * then the operation, then "*"); only that rule counts it.  A term with
 * COUNT serves that many calls, then the chain moves on; a term without
 * COUNT serves every further call; once the chain is used up, calls pass
 * through.  A PCT term acts on a call it serves when a draw from the spec's
 * splitmix64 generator (seeded with `seed`, default 0, at installation)
 * succeeds.  The full rules are in README.md ("Fault specs").
 *
 * delay(MS) sleeps in the calling thread, then makes the call.  Over HTTP
 * (gluefake/server.h) the wait holds no thread, and a client that hangs up
 * during it cancels the call, which is then never made (the rule counted
 * it all the same).
 */
#ifndef GLUEFAKE_FAULTS_H
#define GLUEFAKE_FAULTS_H

#include "buffer.h"
#include "client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gf_faults gf_faults;

/* Creates an injector in front of `inner` with no rules (every call passes
 * through).  `inner` is borrowed: it must outlive the injector, which never
 * frees it.  Returns NULL (with `err` set) when out of memory. */
GF_API gf_faults *gf_faults_new(gf_backend *inner, gf_error *err);

/* Frees the injector (not its inner backend).  NULL is allowed. */
GF_API void gf_faults_free(gf_faults *faults);

/* The injector as a backend.  Borrowed; gf_backend_free() on it is
 * gf_faults_free(). */
GF_API gf_backend *gf_faults_backend(gf_faults *faults);

/* Checks a spec without installing it.  GF_OK, or GF_INVALID_INPUT with a
 * message naming the column and what was expected there:
 * "fault spec: column 29: expected an action: 'off', an error name, 'applied(' or
 * 'delay('". */
GF_API gf_status gf_faults_check(const char *spec, gf_error *err);

/* Replaces every rule with those of `spec` (NULL or "" for none) and
 * reseeds the generator; counters restart.  On a parse error nothing
 * changes.  `spec` is copied. */
GF_API gf_status gf_faults_set(gf_faults *faults, const char *spec, gf_error *err);

/* Adds the rules of `spec`, replacing a rule with the same target and the
 * seed if it sets one; other rules keep their state. */
GF_API gf_status gf_faults_add(gf_faults *faults, const char *spec, gf_error *err);

/* Removes every rule. */
GF_API void gf_faults_clear(gf_faults *faults);

/* How many calls the rule for `target` ("CreateSecurityConfiguration",
 * "CreateSecurityConfiguration[Name=prod]", "*") has seen, and how many it
 * acted on (failed, delayed, or applied() - counted even when the inner
 * call then failed by itself and the caller saw that error instead).  Returns 0, or -1
 * when there is no such rule.  Either out pointer may be NULL. */
GF_API int gf_faults_counts(gf_faults *faults, const char *target, size_t *served, size_t *fired);

/* The rules now installed, as a spec (canonical spelling), newly allocated;
 * free with gf_buffer_free() of gluefake/buffer.h.  NULL when out of
 * memory. */
GF_API char *gf_faults_spec(gf_faults *faults);

#ifdef __cplusplus
}
#endif

#endif
