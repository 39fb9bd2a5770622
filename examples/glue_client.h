/*
 * glue_client.h - an example client module, of the kind a Glue user writes
 * and unit-tests with gluefake (tests/test_glue_client.c): it only knows
 * the gf_backend it is given, a real Glue client in production.
 */
#ifndef GLUE_CLIENT_H
#define GLUE_CLIENT_H

#include "gluefake/client.h"

/*
 * Makes sure security configuration `want->name` exists with
 * `want->encryption_configuration`.
 *
 * Retries OperationTimeout and InternalService up to `max_attempts` calls in
 * all.  Those errors are ambiguous - the create may have happened - so an
 * AlreadyExists is not taken at its word: the existing configuration is
 * read back, and if it is the one wanted (our own earlier create that
 * "timed out", or an identical one) the result is GF_OK, else
 * GF_ALREADY_EXISTS.  Other errors are returned at once; `err` always
 * holds the error returned.
 */
gf_status glue_ensure_security_configuration(gf_backend *glue,
                                             const gf_create_security_configuration_request *want,
                                             unsigned max_attempts, gf_error *err);

/* Computes the new policy document from the current one (NULL when there is
 * none).  Returns a malloc'd string the caller frees, or NULL to give up.
 * It may run several times (after a conflict), so it must be idempotent. */
typedef char *(*glue_policy_edit)(const char *current, void *ctx);

/*
 * Read-modify-write of the account's catalog resource policy with
 * optimistic concurrency: reads the policy and its hash, puts the edited
 * document with PolicyHashCondition (or PolicyExistsCondition NOT_EXIST
 * when there was none), and starts over on ConditionCheckFailure,
 * OperationTimeout or InternalService, up to `max_attempts` rounds.
 * Returns GF_OK, the last error, or GF_INTERNAL_SERVICE if `edit` gives up
 * (with `err` set either way).
 */
gf_status glue_update_catalog_policy(gf_backend *glue, glue_policy_edit edit, void *ctx,
                                     unsigned max_attempts, gf_error *err);

#endif
