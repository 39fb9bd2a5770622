/*
 * gluefake/fixture.h - preset states and snapshots.
 *
 * A fixture is a JSON document in the API's own wire shapes (so that real
 * `aws glue get-...` output pastes in); every key is optional:
 *
 *   {"account_id": "123456789012",
 *    "clock": {"now": 1700000000, "step": 1},
 *    "limits": {"security_configurations": 250},
 *    "security_configurations": [{"Name": ..., "CreatedTimeStamp": ..., "EncryptionConfiguration": {...}}],
 *    "data_catalog_encryption_settings": {"<catalog id>": {"EncryptionAtRest": ..., ...}},
 *    "resource_policies": {"<arn>": {"PolicyInJson": "...", "PolicyHash": ..., "CreateTime": ..., "UpdateTime": ...}},
 *    "faults": "<fault spec>"}
 *
 * The full format is in README.md ("Fixtures").
 */
#ifndef GLUEFAKE_FIXTURE_H
#define GLUEFAKE_FIXTURE_H

#include "buffer.h"
#include "fake.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Replaces the fake's data by the fixture `json` (`len` bytes), validated
 * with the same rules as the API, all or nothing: on any error the fake
 * keeps its previous state and `err` (GF_INVALID_INPUT; GF_INTERNAL_SERVICE
 * when out of memory) names `source` (NULL: "<fixture>"), the JSON path of
 * the offending value and the rule broken, e.g.
 *   "x.json: security_configurations[3].EncryptionConfiguration.S3Encryption[0].KmsKeyArn:
 *    Member must satisfy regular expression pattern: arn:aws:kms:.*"
 * or, for JSON syntax, "x.json:12:5: JSON syntax error".
 *
 * Keys left out take the values of a reset fake (the account id it was
 * created with, real time, no limit, nothing stored) - except "faults":
 * when present it replaces the fault rules (counters restart); when absent
 * the rules stay.  The call log is left alone.
 */
GF_API gf_status gf_fake_load(gf_fake *fake, const char *json, size_t len, const char *source,
                              gf_error *err);

/* The same for a file (its path is the source in messages). */
GF_API gf_status gf_fake_load_file(gf_fake *fake, const char *path, gf_error *err);

/*
 * The fake's whole state as a fixture, canonically: keys and members in a
 * fixed order, configurations in creation (listing) order, catalog ids and
 * ARNs sorted, every member the state holds written (PolicyHash included),
 * never the fault rules.  Load -> dump -> load -> dump gives identical
 * bytes.  A new NUL-terminated string owned by the caller (free with
 * gf_buffer_free() of gluefake/buffer.h), or NULL when out of memory.
 */
GF_API char *gf_fake_dump(gf_fake *fake);

#ifdef __cplusplus
}
#endif

#endif
