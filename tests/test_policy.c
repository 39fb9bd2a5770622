/*
 * test_policy.c - PutResourcePolicy / GetResourcePolicy /
 * DeleteResourcePolicy: every condition, hashes, timestamps, documents
 * kept byte for byte, one policy per resource ARN and the default ARN.
 *
 * Every failed condition must be ConditionCheckFailure and change nothing:
 * the stored policy (document, hash, CreateTime, UpdateTime) is compared
 * by a GetResourcePolicy before and after.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gluefake.h"
#include "helpers.h"

#define BASE_TIME FIXED_T0
#define DEFAULT_ARN "arn:aws:glue:us-east-1:123456789012:catalog"
#define OTHER_ACCOUNT "210987654321"
#define OTHER_DEFAULT_ARN "arn:aws:glue:us-east-1:210987654321:catalog"
#define ARN_A "arn:aws:glue:us-east-1:123456789012:database/a"
#define ARN_B "arn:aws:glue:us-east-1:123456789012:database/b"

#define DOC1 "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
#define DOC2 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"
#define DOC3 "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\"}]}"

/* ---- fixture --------------------------------------------------------------- */

typedef fake_fx fx;

static int setup(void **state) { return fake_fx_setup(state); }
static int teardown(void **state) { return fake_fx_teardown(state); }

/* ---- helpers ---------------------------------------------------------------- */

/* A stored policy as GetResourcePolicy shows it (owned copies). */
typedef struct snap {
  gf_status status; /* GF_OK or GF_ENTITY_NOT_FOUND */
  char *doc;
  char *hash;
  double create_time, update_time;
} snap;

static snap get_snap(gf_backend *b, const char *arn)
{
  snap s = {0};
  gf_get_resource_policy_request req = {arn};
  gf_get_resource_policy_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  s.status = gf_get_resource_policy(b, &req, &resp, &err);
  if (s.status == GF_OK) {
    assert_non_null(resp);
    assert_non_null(resp->policy_in_json);
    assert_non_null(resp->policy_hash);
    assert_true(strlen(resp->policy_hash) > 0);
    assert_true(resp->has_create_time);
    assert_true(resp->has_update_time);
    s.doc = strdup(resp->policy_in_json);
    s.hash = strdup(resp->policy_hash);
    assert_non_null(s.doc);
    assert_non_null(s.hash);
    s.create_time = resp->create_time;
    s.update_time = resp->update_time;
    gf_get_resource_policy_response_free(resp);
  } else {
    assert_int_equal(s.status, GF_ENTITY_NOT_FOUND);
    assert_null(resp);
    /* the message names the resource (callers check the default ARN) */
    assert_non_null(err.message);
    assert_true(strlen(err.message) > 0);
    if (arn)
      assert_non_null(strstr(err.message, arn));
    gf_error_clear(&err);
  }
  return s;
}

static void snap_free(snap *s)
{
  free(s->doc);
  free(s->hash);
  memset(s, 0, sizeof *s);
}

static void assert_snap_equal(const snap *a, const snap *b)
{
  assert_int_equal(a->status, b->status);
  if (a->status != GF_OK)
    return;
  assert_string_equal(a->doc, b->doc);
  assert_string_equal(a->hash, b->hash);
  assert_true(a->create_time == b->create_time);
  assert_true(a->update_time == b->update_time);
}

/* The policy at `arn` (NULL: default) is exactly as `before`. */
static void assert_unchanged(gf_backend *b, const char *arn, const snap *before)
{
  snap now = get_snap(b, arn);
  assert_snap_equal(before, &now);
  snap_free(&now);
}

/* A put that must succeed; returns its hash (owned). */
static char *put_ok(gf_backend *b, const char *doc, const char *hash_cond,
                    const char *exists_cond, const char *arn)
{
  gf_error err = GF_ERROR_INIT;
  char *hash = NULL;
  gf_status st = policy_put(b, doc, hash_cond, exists_cond, arn, &hash, &err);
  if (st != GF_OK)
    fail_msg("put (hash=%s, exists=%s, arn=%s): %s %s", hash_cond ? hash_cond : "-",
             exists_cond ? exists_cond : "-", arn ? arn : "-", gf_status_name(st),
             gf_error_message(&err));
  return hash;
}

/* The error is `status`, with a non-empty message naming `arn`. */
static void assert_error(gf_error *err, gf_status status, const char *arn)
{
  if (err->status != status)
    fail_msg("expected %s, got %s: %s", gf_status_name(status), gf_status_name(err->status),
             gf_error_message(err));
  assert_non_null(err->message);
  assert_true(strlen(err->message) > 0);
  if (arn && !strstr(err->message, arn))
    fail_msg("message does not name the resource '%s': %s", arn, err->message);
  gf_error_clear(err);
}

/* A put that must fail its condition and change nothing at `arn`; the
 * message must name `shown` (the ARN the put was about). */
static void put_fails_condition_at(gf_backend *b, const char *doc, const char *hash_cond,
                                   const char *exists_cond, const char *arn, const char *shown)
{
  snap before = get_snap(b, arn);
  gf_error err = GF_ERROR_INIT;
  gf_status st = policy_put(b, doc, hash_cond, exists_cond, arn, NULL, &err);
  if (st != GF_CONDITION_CHECK_FAILURE)
    fail_msg("put (hash=%s, exists=%s, arn=%s): expected ConditionCheckFailure, got %s",
             hash_cond ? hash_cond : "-", exists_cond ? exists_cond : "-", shown,
             gf_status_name(st));
  assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
  assert_unchanged(b, arn, &before);
  snap_free(&before);
}

/* The same for the account 123456789012, whose default ARN is DEFAULT_ARN. */
static void put_fails_condition(gf_backend *b, const char *doc, const char *hash_cond,
                                const char *exists_cond, const char *arn)
{
  put_fails_condition_at(b, doc, hash_cond, exists_cond, arn, arn ? arn : DEFAULT_ARN);
}

static gf_status del(gf_backend *b, const char *hash_cond, const char *arn, gf_error *err)
{
  gf_delete_resource_policy_request req = {hash_cond, arn};
  gf_delete_resource_policy_response *resp = NULL;
  gf_status st = gf_delete_resource_policy(b, &req, &resp, err);
  if (st == GF_OK)
    assert_non_null(resp);
  else
    assert_null(resp);
  gf_delete_resource_policy_response_free(resp);
  return st;
}

static void assert_no_policy(gf_backend *b, const char *arn)
{
  snap s = get_snap(b, arn);
  assert_int_equal(s.status, GF_ENTITY_NOT_FOUND);
  snap_free(&s);
}

static void assert_policy(gf_backend *b, const char *arn, const char *doc, const char *hash)
{
  snap s = get_snap(b, arn);
  assert_int_equal(s.status, GF_OK);
  assert_string_equal(s.doc, doc);
  if (hash)
    assert_string_equal(s.hash, hash);
  snap_free(&s);
}

/* ---- PolicyExistsCondition --------------------------------------------------- */

static void test_not_exist_while_exists_fails(void **state)
{
  fx *f = *state;
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  put_fails_condition(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, NULL);
  /* the same document as stored fails too */
  put_fails_condition(f->b, DOC1, NULL, GF_POLICY_NOT_EXIST, NULL);
  /* with an explicit ARN */
  put_fails_condition(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, DEFAULT_ARN);
  /* with the right hash as well */
  put_fails_condition(f->b, DOC2, h, GF_POLICY_NOT_EXIST, NULL);
  assert_policy(f->b, NULL, DOC1, h);
  free(h);
}

static void test_not_exist_while_none_creates(void **state)
{
  fx *f = *state;
  assert_no_policy(f->b, NULL);
  char *h = put_ok(f->b, DOC1, NULL, GF_POLICY_NOT_EXIST, NULL);
  snap s = get_snap(f->b, NULL);
  assert_int_equal(s.status, GF_OK);
  assert_string_equal(s.doc, DOC1);
  assert_string_equal(s.hash, h);
  assert_true(s.create_time == BASE_TIME);
  assert_true(s.update_time == BASE_TIME);
  snap_free(&s);
  free(h);
}

static void test_must_exist_while_none_fails(void **state)
{
  fx *f = *state;
  put_fails_condition(f->b, DOC1, NULL, GF_POLICY_MUST_EXIST, NULL);
  assert_no_policy(f->b, NULL);
  put_fails_condition(f->b, DOC1, NULL, GF_POLICY_MUST_EXIST, ARN_A);
  assert_no_policy(f->b, ARN_A);
  /* after a delete, MUST_EXIST fails again */
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_OK);
  put_fails_condition(f->b, DOC2, NULL, GF_POLICY_MUST_EXIST, NULL);
  assert_no_policy(f->b, NULL);
  free(h);
}

static void test_must_exist_while_exists_updates(void **state)
{
  fx *f = *state;
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *h2 = put_ok(f->b, DOC2, NULL, GF_POLICY_MUST_EXIST, NULL);
  assert_string_not_equal(h1, h2);
  assert_policy(f->b, NULL, DOC2, h2);
  free(h1);
  free(h2);
}

static void test_none_condition_works_either_way(void **state)
{
  fx *f = *state;
  char *h1 = put_ok(f->b, DOC1, NULL, GF_POLICY_NONE, NULL); /* creates */
  assert_policy(f->b, NULL, DOC1, h1);
  char *h2 = put_ok(f->b, DOC2, NULL, GF_POLICY_NONE, NULL); /* updates */
  assert_policy(f->b, NULL, DOC2, h2);
  /* no condition at all: the same */
  char *h3 = put_ok(f->b, DOC3, NULL, NULL, NULL);
  assert_policy(f->b, NULL, DOC3, h3);
  char *h4 = put_ok(f->b, DOC1, NULL, NULL, ARN_A);
  assert_policy(f->b, ARN_A, DOC1, h4);
  assert_string_equal(h1, h4);
  free(h1);
  free(h2);
  free(h3);
  free(h4);
}

/* ---- PolicyHashCondition ------------------------------------------------------ */

static void test_hash_condition_current_updates(void **state)
{
  fx *f = *state;
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *h2 = put_ok(f->b, DOC2, h1, NULL, NULL);
  assert_policy(f->b, NULL, DOC2, h2);
  char *h3 = put_ok(f->b, DOC3, h2, GF_POLICY_NONE, NULL);
  assert_policy(f->b, NULL, DOC3, h3);
  /* putting the same document with its own hash */
  char *h3b = put_ok(f->b, DOC3, h3, NULL, NULL);
  assert_string_equal(h3, h3b);
  free(h1);
  free(h2);
  free(h3);
  free(h3b);
}

static void test_hash_condition_stale_fails(void **state)
{
  fx *f = *state;
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *h2 = put_ok(f->b, DOC2, NULL, NULL, NULL);
  put_fails_condition(f->b, DOC3, h1, NULL, NULL);
  put_fails_condition(f->b, DOC3, h1, GF_POLICY_MUST_EXIST, NULL);
  put_fails_condition(f->b, DOC3, h1, GF_POLICY_NONE, NULL);
  /* garbage hashes */
  put_fails_condition(f->b, DOC3, "x", NULL, NULL);
  put_fails_condition(f->b, DOC3, "not-a-hash-at-all", NULL, NULL);
  /* the current hash with one character changed */
  char *edited = strdup(h2);
  assert_non_null(edited);
  edited[0] = edited[0] == 'A' ? 'B' : 'A';
  put_fails_condition(f->b, DOC3, edited, NULL, NULL);
  /* the current hash as a prefix or with a suffix */
  char longer[128];
  snprintf(longer, sizeof longer, "%s ", h2);
  put_fails_condition(f->b, DOC3, longer, NULL, NULL);
  if (strlen(h2) > 1) {
    snprintf(longer, sizeof longer, "%.*s", (int)strlen(h2) - 1, h2);
    put_fails_condition(f->b, DOC3, longer, NULL, NULL);
  }
  assert_policy(f->b, NULL, DOC2, h2);
  free(edited);
  free(h1);
  free(h2);
}

static void test_hash_condition_while_none_fails(void **state)
{
  fx *f = *state;
  /* a real hash of some document, a garbage one: both fail the condition,
   * not EntityNotFound, and nothing is created */
  gf_fake *other = test_fake_new(NULL, NULL);
  assert_non_null(other);
  char *h = put_ok(gf_fake_backend(other), DOC1, NULL, NULL, NULL);
  gf_fake_free(other);
  put_fails_condition(f->b, DOC1, h, NULL, NULL);
  assert_no_policy(f->b, NULL);
  put_fails_condition(f->b, DOC1, "abc", NULL, NULL);
  put_fails_condition(f->b, DOC1, h, GF_POLICY_NONE, NULL);
  put_fails_condition(f->b, DOC1, h, NULL, ARN_A);
  assert_no_policy(f->b, NULL);
  assert_no_policy(f->b, ARN_A);
  /* after a delete too */
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_OK);
  put_fails_condition(f->b, DOC2, h1, NULL, NULL);
  assert_no_policy(f->b, NULL);
  free(h);
  free(h1);
}

/* ---- DeleteResourcePolicy ------------------------------------------------------ */

static void test_delete_without_policy_is_not_found(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, DEFAULT_ARN);
  assert_int_equal(del(f->b, "some-hash", NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, DEFAULT_ARN);
  assert_int_equal(del(f->b, NULL, ARN_A, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, ARN_A);
  assert_int_equal(del(f->b, "some-hash", ARN_A, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, ARN_A);
  /* a policy on another ARN does not count */
  char *h = put_ok(f->b, DOC1, NULL, NULL, ARN_B);
  assert_int_equal(del(f->b, h, ARN_A, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, ARN_A);
  assert_policy(f->b, ARN_B, DOC1, h);
  free(h);
}

static void test_delete_wrong_hash_keeps_policy(void **state)
{
  fx *f = *state;
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *h2 = put_ok(f->b, DOC2, NULL, NULL, NULL);
  snap before = get_snap(f->b, NULL);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(del(f->b, h1, NULL, &err), GF_CONDITION_CHECK_FAILURE); /* stale */
  assert_error(&err, GF_CONDITION_CHECK_FAILURE, DEFAULT_ARN);
  assert_unchanged(f->b, NULL, &before);
  assert_int_equal(del(f->b, "bogus", NULL, &err), GF_CONDITION_CHECK_FAILURE);
  assert_error(&err, GF_CONDITION_CHECK_FAILURE, DEFAULT_ARN);
  assert_unchanged(f->b, NULL, &before);
  assert_int_equal(del(f->b, "bogus", DEFAULT_ARN, &err), GF_CONDITION_CHECK_FAILURE);
  assert_error(&err, GF_CONDITION_CHECK_FAILURE, DEFAULT_ARN);
  assert_unchanged(f->b, NULL, &before);
  assert_policy(f->b, NULL, DOC2, h2);
  snap_free(&before);
  free(h1);
  free(h2);
}

static void test_delete_right_hash_deletes(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  assert_int_equal(del(f->b, h, NULL, &err), GF_OK);
  assert_no_policy(f->b, NULL);
  assert_int_equal(del(f->b, h, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, DEFAULT_ARN);
  /* without a hash condition */
  char *h2 = put_ok(f->b, DOC2, NULL, NULL, ARN_A);
  assert_int_equal(del(f->b, NULL, ARN_A, &err), GF_OK);
  assert_no_policy(f->b, ARN_A);
  assert_int_equal(del(f->b, NULL, ARN_A, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, ARN_A);
  /* a re-created policy starts afresh: NOT_EXIST works, new CreateTime */
  char *h3 = put_ok(f->b, DOC1, NULL, GF_POLICY_NOT_EXIST, NULL);
  assert_string_equal(h3, h);
  snap s = get_snap(f->b, NULL);
  assert_true(s.create_time == s.update_time);
  assert_true(s.create_time > BASE_TIME);
  snap_free(&s);
  free(h);
  free(h2);
  free(h3);
}

/* ---- combinations --------------------------------------------------------------- */

static void test_condition_combinations(void **state)
{
  fx *f = *state;
  /* NOT_EXIST + a hash while none: the hash condition fails */
  put_fails_condition(f->b, DOC1, "whatever", GF_POLICY_NOT_EXIST, NULL);
  assert_no_policy(f->b, NULL);
  /* MUST_EXIST + a hash while none */
  put_fails_condition(f->b, DOC1, "whatever", GF_POLICY_MUST_EXIST, NULL);
  assert_no_policy(f->b, NULL);

  char *h1 = put_ok(f->b, DOC1, NULL, GF_POLICY_NOT_EXIST, NULL);
  /* MUST_EXIST + right hash: OK */
  char *h2 = put_ok(f->b, DOC2, h1, GF_POLICY_MUST_EXIST, NULL);
  assert_policy(f->b, NULL, DOC2, h2);
  /* MUST_EXIST + wrong hash: fails */
  put_fails_condition(f->b, DOC3, h1, GF_POLICY_MUST_EXIST, NULL);
  /* NOT_EXIST + right hash while one exists: fails */
  put_fails_condition(f->b, DOC3, h2, GF_POLICY_NOT_EXIST, NULL);
  /* NONE + wrong hash: fails; NONE + right hash: OK */
  put_fails_condition(f->b, DOC3, h1, GF_POLICY_NONE, NULL);
  char *h3 = put_ok(f->b, DOC3, h2, GF_POLICY_NONE, NULL);
  assert_policy(f->b, NULL, DOC3, h3);
  free(h1);
  free(h2);
  free(h3);
}

/* Requests that break a rule are InvalidInput and change nothing either. */
static void test_invalid_requests_change_nothing(void **state)
{
  fx *f = *state;
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  snap before = get_snap(f->b, NULL);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(policy_put(f->b, "{", NULL, NULL, NULL, NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, "{}x", NULL, NULL, NULL, NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, "1", NULL, NULL, NULL, NULL, &err), GF_INVALID_INPUT); /* < 2 */
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, NULL, NULL, NULL, NULL, NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, DOC2, NULL, "MAYBE", NULL, NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, DOC2, NULL, NULL, "arn:aws:s3:::bucket", NULL, &err),
                   GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_int_equal(policy_put(f->b, DOC2, NULL, NULL, "", NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_unchanged(f->b, NULL, &before);
  assert_int_equal(del(f->b, NULL, "not-an-arn", &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_unchanged(f->b, NULL, &before);
  /* other partitions are accepted */
  char *hg = put_ok(f->b, DOC1, NULL, NULL, "arn:aws-us-gov:glue:us-gov-west-1:123456789012:catalog");
  char *hc = put_ok(f->b, DOC1, NULL, NULL, "arn:aws-cn:glue:cn-north-1:123456789012:catalog");
  assert_string_equal(hg, h);
  assert_string_equal(hc, h);
  assert_unchanged(f->b, NULL, &before);
  snap_free(&before);
  free(h);
  free(hg);
  free(hc);
}

/* ---- hashes, documents, timestamps --------------------------------------------------- */

static void test_hash_is_deterministic(void **state)
{
  fx *f = *state;
  gf_fake *other = test_fake_new(NULL, NULL);
  gf_fake *third = test_fake_new(OTHER_ACCOUNT, NULL);
  assert_non_null(other);
  assert_non_null(third);
  char *a = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *b = put_ok(gf_fake_backend(other), DOC1, NULL, NULL, ARN_B);
  char *c = put_ok(gf_fake_backend(third), DOC1, NULL, NULL, NULL);
  assert_string_equal(a, b);
  assert_string_equal(a, c);
  /* Get reports the same hash as Put */
  assert_policy(f->b, NULL, DOC1, a);
  assert_policy(gf_fake_backend(other), ARN_B, DOC1, a);
  /* putting it again, or on another ARN, gives the same hash */
  char *a2 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  char *a3 = put_ok(f->b, DOC1, NULL, NULL, ARN_A);
  assert_string_equal(a, a2);
  assert_string_equal(a, a3);

  /* different documents, even by one byte or whitespace, differ */
  const char *docs[] = {
      DOC1,
      DOC2,
      DOC3,
      "{\"Version\":\"2012-10-17\",\"Statement\":[] }",
      " {\"Version\":\"2012-10-17\",\"Statement\":[]}",
      "{\"Version\":\"2012-10-17\",\"Statement\":[]}\n",
      "{\"Version\": \"2012-10-17\",\"Statement\":[]}",
      "{\"Version\":\"2012-10-18\",\"Statement\":[]}",
      "{\"Statement\":[],\"Version\":\"2012-10-17\"}", /* same JSON, other order */
      "{\"version\":\"2012-10-17\",\"Statement\":[]}",
      "{}",
      "[]",
      "{ }",
      "\"\"",
      "12",
      "21",
  };
  const size_t n = sizeof docs / sizeof docs[0];
  char *hashes[sizeof docs / sizeof docs[0]];
  for (size_t i = 0; i < n; i++) {
    hashes[i] = put_ok(gf_fake_backend(other), docs[i], NULL, NULL, NULL);
    assert_policy(gf_fake_backend(other), NULL, docs[i], hashes[i]);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(hashes[i], hashes[j]) == 0)
        fail_msg("documents %zu and %zu have the same hash %s", j, i, hashes[i]);
  /* and again in the third fake: identical */
  for (size_t i = 0; i < n; i++) {
    char *again = put_ok(gf_fake_backend(third), docs[i], NULL, NULL, ARN_A);
    assert_string_equal(again, hashes[i]);
    free(again);
  }
  /* every single-byte edit of a document changes the hash */
  char doc[] = DOC1;
  for (size_t i = 0; i < strlen(doc); i++) {
    char saved = doc[i];
    if (saved == '"' || saved == '{' || saved == '}' || saved == '[' || saved == ']' ||
        saved == ':' || saved == ',')
      continue; /* keep it JSON */
    doc[i] = saved == 'x' ? 'y' : 'x';
    if (saved >= '0' && saved <= '9')
      doc[i] = saved == '9' ? '0' : (char)(saved + 1);
    char *h = put_ok(gf_fake_backend(other), doc, NULL, NULL, NULL);
    assert_string_not_equal(h, a);
    free(h);
    doc[i] = saved;
  }
  for (size_t i = 0; i < n; i++)
    free(hashes[i]);
  free(a);
  free(a2);
  free(a3);
  free(b);
  free(c);
  gf_fake_free(other);
  gf_fake_free(third);
}

static void test_document_kept_byte_for_byte(void **state)
{
  fx *f = *state;
  const char *docs[] = {
      "{\n  \"Version\" : \"2012-10-17\",\n\t\"Statement\" : [ ]\n}\n",
      "  {\"a\":1,\"a\":2}  ",
      "{\"s\":\"caf\xc3\xa9 \\u00e9 \\\" \\\\ \\n \xf0\x9f\x98\x80\"}",
      "{\"n\":1.50e+3,\"m\":-0.0,\"t\":true,\"f\":false,\"z\":null}",
      "[1,2,3]",
      "{}",
  };
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
    char *h = put_ok(f->b, docs[i], NULL, NULL, NULL);
    snap s = get_snap(f->b, NULL);
    assert_int_equal(s.status, GF_OK);
    assert_int_equal(strlen(s.doc), strlen(docs[i]));
    assert_memory_equal(s.doc, docs[i], strlen(docs[i]));
    assert_string_equal(s.hash, h);
    snap_free(&s);
    free(h);
  }
  /* the longest allowed document (10240 bytes) */
  size_t len = 10240;
  char *big = malloc(len + 1);
  assert_non_null(big);
  memset(big, ' ', len);
  memcpy(big, "{\"k\":\"", 6);
  memset(big + 6, 'v', len - 6 - 2);
  memcpy(big + len - 2, "\"}", 2);
  big[len] = '\0';
  char *h = put_ok(f->b, big, NULL, NULL, ARN_A);
  snap s = get_snap(f->b, ARN_A);
  assert_int_equal(strlen(s.doc), len);
  assert_memory_equal(s.doc, big, len);
  snap_free(&s);
  /* one byte more is rejected, and the stored one stays */
  char *bigger = malloc(len + 2);
  assert_non_null(bigger);
  memcpy(bigger, big, len);
  bigger[len] = ' ';
  bigger[len + 1] = '\0';
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(policy_put(f->b, bigger, NULL, NULL, ARN_A, NULL, &err), GF_INVALID_INPUT);
  gf_error_clear(&err);
  assert_policy(f->b, ARN_A, big, h);
  free(h);
  free(big);
  free(bigger);
}

static void test_timestamps(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *h1 = put_ok(f->b, DOC1, NULL, NULL, NULL);
  snap s1 = get_snap(f->b, NULL);
  assert_true(s1.create_time == BASE_TIME);
  assert_true(s1.update_time == BASE_TIME);

  assert_int_equal(gf_fake_set_clock(f->fake, BASE_TIME + 100, 0, &err), GF_OK);
  char *h2 = put_ok(f->b, DOC2, NULL, NULL, NULL);
  snap s2 = get_snap(f->b, NULL);
  assert_true(s2.create_time == BASE_TIME); /* kept */
  assert_true(s2.update_time == BASE_TIME + 100);

  /* failed conditions leave both alone */
  put_fails_condition(f->b, DOC3, h1, NULL, NULL);
  put_fails_condition(f->b, DOC3, NULL, GF_POLICY_NOT_EXIST, NULL);
  assert_unchanged(f->b, NULL, &s2);

  /* an update with the same document still counts as an update */
  assert_int_equal(gf_fake_set_clock(f->fake, BASE_TIME + 250.5, 1, &err), GF_OK);
  char *h2b = put_ok(f->b, DOC2, h2, GF_POLICY_MUST_EXIST, NULL);
  assert_string_equal(h2, h2b);
  snap s3 = get_snap(f->b, NULL);
  assert_true(s3.create_time == BASE_TIME);
  assert_true(s3.update_time == BASE_TIME + 250.5);
  /* the step advances the clock at every put */
  char *h3 = put_ok(f->b, DOC3, NULL, NULL, NULL);
  snap s4 = get_snap(f->b, NULL);
  assert_true(s4.create_time == BASE_TIME);
  assert_true(s4.update_time > s3.update_time);
  assert_true(s4.update_time == BASE_TIME + 251.5);

  /* a policy on another ARN has its own CreateTime */
  char *ha = put_ok(f->b, DOC1, NULL, NULL, ARN_A);
  snap sa = get_snap(f->b, ARN_A);
  assert_true(sa.create_time == sa.update_time);
  assert_true(sa.create_time > s4.update_time);
  assert_unchanged(f->b, NULL, &s4);

  snap_free(&s1);
  snap_free(&s2);
  snap_free(&s3);
  snap_free(&s4);
  snap_free(&sa);
  free(h1);
  free(h2);
  free(h2b);
  free(h3);
  free(ha);
}

/* ---- one policy per ARN, the default ARN ----------------------------------------------- */

static void test_per_arn_independence(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *ha = put_ok(f->b, DOC1, NULL, NULL, ARN_A);
  snap a0 = get_snap(f->b, ARN_A);

  /* B has none: MUST_EXIST and a hash (even A's) fail on B */
  put_fails_condition(f->b, DOC2, NULL, GF_POLICY_MUST_EXIST, ARN_B);
  put_fails_condition(f->b, DOC2, ha, NULL, ARN_B);
  assert_no_policy(f->b, ARN_B);
  assert_no_policy(f->b, NULL); /* nor does the default */
  /* NOT_EXIST on B succeeds although A has one */
  char *hb = put_ok(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, ARN_B);
  /* B's hash does not satisfy a condition on A, nor A's on B */
  put_fails_condition(f->b, DOC3, hb, NULL, ARN_A);
  put_fails_condition(f->b, DOC3, ha, NULL, ARN_B);
  assert_int_equal(del(f->b, ha, ARN_B, &err), GF_CONDITION_CHECK_FAILURE);
  assert_error(&err, GF_CONDITION_CHECK_FAILURE, ARN_B);
  /* updating and deleting B leaves A exactly as it was */
  char *hb2 = put_ok(f->b, DOC3, hb, GF_POLICY_MUST_EXIST, ARN_B);
  assert_unchanged(f->b, ARN_A, &a0);
  assert_int_equal(del(f->b, hb2, ARN_B, &err), GF_OK);
  assert_no_policy(f->b, ARN_B);
  assert_unchanged(f->b, ARN_A, &a0);
  /* the default catalog is one more independent resource */
  char *hd = put_ok(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, NULL);
  assert_unchanged(f->b, ARN_A, &a0);
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_OK);
  assert_unchanged(f->b, ARN_A, &a0);
  /* ARNs differing only in case or a trailing character are distinct */
  assert_no_policy(f->b, "arn:aws:glue:us-east-1:123456789012:database/A");
  assert_no_policy(f->b, ARN_A "x");
  snap_free(&a0);
  free(ha);
  free(hb);
  free(hb2);
  free(hd);
}

static void test_default_arn_is_absent_arn(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  snap absent = get_snap(f->b, NULL);
  snap named = get_snap(f->b, DEFAULT_ARN);
  assert_snap_equal(&absent, &named);
  /* conditions through the explicit ARN see the same policy */
  put_fails_condition(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, DEFAULT_ARN);
  char *h2 = put_ok(f->b, DOC2, h, GF_POLICY_MUST_EXIST, DEFAULT_ARN);
  assert_policy(f->b, NULL, DOC2, h2);
  snap after = get_snap(f->b, NULL);
  assert_true(after.create_time == absent.create_time);
  /* and the other way round */
  char *h3 = put_ok(f->b, DOC3, h2, NULL, NULL);
  assert_policy(f->b, DEFAULT_ARN, DOC3, h3);
  /* delete by the explicit ARN removes the absent-ARN policy */
  assert_int_equal(del(f->b, h3, DEFAULT_ARN, &err), GF_OK);
  assert_no_policy(f->b, NULL);
  /* put by ARN, delete without */
  char *h4 = put_ok(f->b, DOC1, NULL, GF_POLICY_NOT_EXIST, DEFAULT_ARN);
  assert_policy(f->b, NULL, DOC1, h4);
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_OK);
  assert_no_policy(f->b, DEFAULT_ARN);
  snap_free(&absent);
  snap_free(&named);
  snap_free(&after);
  free(h);
  free(h2);
  free(h3);
  free(h4);
}

static void test_default_arn_follows_account_id(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *h = put_ok(f->b, DOC1, NULL, NULL, NULL);
  snap old = get_snap(f->b, DEFAULT_ARN);
  assert_int_equal(gf_fake_set_account_id(f->fake, OTHER_ACCOUNT, &err), GF_OK);

  /* the default is now the other account's catalog, which has none */
  gf_get_resource_policy_request req = {NULL};
  gf_get_resource_policy_response *resp = NULL;
  assert_int_equal(gf_get_resource_policy(f->b, &req, &resp, &err), GF_ENTITY_NOT_FOUND);
  assert_null(resp);
  assert_error(&err, GF_ENTITY_NOT_FOUND, OTHER_DEFAULT_ARN);
  put_fails_condition_at(f->b, DOC2, NULL, GF_POLICY_MUST_EXIST, NULL, OTHER_DEFAULT_ARN);
  put_fails_condition_at(f->b, DOC2, h, NULL, NULL, OTHER_DEFAULT_ARN);
  assert_int_equal(del(f->b, NULL, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_error(&err, GF_ENTITY_NOT_FOUND, OTHER_DEFAULT_ARN);

  /* the old account's policy is still there under its ARN */
  assert_unchanged(f->b, DEFAULT_ARN, &old);

  /* a put without ARN goes to the new default */
  char *h2 = put_ok(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, NULL);
  assert_policy(f->b, OTHER_DEFAULT_ARN, DOC2, h2);
  assert_unchanged(f->b, DEFAULT_ARN, &old);

  /* and back */
  assert_int_equal(gf_fake_set_account_id(f->fake, GF_DEFAULT_ACCOUNT_ID, &err), GF_OK);
  assert_policy(f->b, NULL, DOC1, h);
  assert_policy(f->b, OTHER_DEFAULT_ARN, DOC2, h2);
  snap_free(&old);
  free(h);
  free(h2);
}

/* A fake created for another account has that account's default ARN. */
static void test_default_arn_of_a_fake_for_another_account(void **state)
{
  (void)state;
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(OTHER_ACCOUNT, &err);
  assert_non_null(fake);
  gf_backend *b = gf_fake_backend(fake);
  char *h = put_ok(b, DOC1, NULL, NULL, NULL);
  assert_policy(b, OTHER_DEFAULT_ARN, DOC1, h);
  assert_no_policy(b, DEFAULT_ARN);
  put_fails_condition_at(b, DOC1, NULL, GF_POLICY_NOT_EXIST, NULL, OTHER_DEFAULT_ARN);
  free(h);
  gf_fake_free(fake);
}

static void test_messages_name_the_resource(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  const char *arns[] = {NULL, DEFAULT_ARN, ARN_A};
  for (size_t i = 0; i < 3; i++) {
    const char *shown = arns[i] ? arns[i] : DEFAULT_ARN;
    gf_get_resource_policy_request greq = {arns[i]};
    gf_get_resource_policy_response *gresp = NULL;
    assert_int_equal(gf_get_resource_policy(f->b, &greq, &gresp, &err), GF_ENTITY_NOT_FOUND);
    assert_error(&err, GF_ENTITY_NOT_FOUND, shown);
    assert_int_equal(policy_put(f->b, DOC1, NULL, GF_POLICY_MUST_EXIST, arns[i], NULL, &err),
                     GF_CONDITION_CHECK_FAILURE);
    assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
    assert_int_equal(policy_put(f->b, DOC1, "h", NULL, arns[i], NULL, &err),
                     GF_CONDITION_CHECK_FAILURE);
    assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
    assert_int_equal(del(f->b, NULL, arns[i], &err), GF_ENTITY_NOT_FOUND);
    assert_error(&err, GF_ENTITY_NOT_FOUND, shown);
    char *h = put_ok(f->b, DOC1, NULL, NULL, arns[i]);
    assert_int_equal(policy_put(f->b, DOC2, NULL, GF_POLICY_NOT_EXIST, arns[i], NULL, &err),
                     GF_CONDITION_CHECK_FAILURE);
    assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
    assert_int_equal(policy_put(f->b, DOC2, "h", NULL, arns[i], NULL, &err),
                     GF_CONDITION_CHECK_FAILURE);
    assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
    assert_int_equal(del(f->b, "h", arns[i], &err), GF_CONDITION_CHECK_FAILURE);
    assert_error(&err, GF_CONDITION_CHECK_FAILURE, shown);
    assert_int_equal(del(f->b, h, arns[i], &err), GF_OK);
    free(h);
  }
}

/* ---- GetResourcePolicies ---------------------------------------------------- */

/* One page: its documents joined by '|', and its NextToken (owned copy, or
 * NULL on the last page) in *next. */
static char *list_page(gf_backend *b, int64_t max, const char *token, char **next)
{
  gf_get_resource_policies_request req = {max > 0, max, token};
  gf_get_resource_policies_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_get_resource_policies(b, &req, &resp, &err);
  if (st != GF_OK)
    fail_msg("GetResourcePolicies: %s %s", gf_status_name(st), gf_error_message(&err));
  assert_non_null(resp->get_resource_policies_response_list); /* [] when empty */
  sbuf docs = {0};
  sbuf_add(&docs, "");
  for (size_t i = 0; i < resp->get_resource_policies_response_list_count; i++) {
    const gf_glue_policy *p = &resp->get_resource_policies_response_list[i];
    assert_true(p->has_create_time && p->has_update_time);
    assert_true(strlen(p->policy_hash) > 0);
    sbuf_add(&docs, i ? "|" : "");
    sbuf_add(&docs, p->policy_in_json);
  }
  *next = resp->next_token ? strdup(resp->next_token) : NULL;
  gf_get_resource_policies_response_free(resp);
  return docs.p;
}

/* Every policy of the fake, in the order of their resources' ARNs, paged
 * with tokens that resume after the last ARN listed whatever changed. */
static void test_get_resource_policies_lists_in_arn_order(void **state)
{
  fx *f = *state;
  char *next = NULL;
  char *docs = list_page(f->b, 0, NULL, &next);
  assert_string_equal(docs, "");
  assert_null(next);
  free(docs);

  /* put out of order: B, default (…:catalog), A */
  free(put_ok(f->b, "[\"b\"]", NULL, NULL, ARN_B));
  free(put_ok(f->b, "[\"catalog\"]", NULL, NULL, NULL));
  free(put_ok(f->b, "[\"a\"]", NULL, NULL, ARN_A));
  docs = list_page(f->b, 0, NULL, &next);
  assert_string_equal(docs, "[\"catalog\"]|[\"a\"]|[\"b\"]"); /* ...:catalog < ...:database/a */
  assert_null(next);
  free(docs);

  docs = list_page(f->b, 1, NULL, &next);
  assert_string_equal(docs, "[\"catalog\"]");
  assert_non_null(next);
  free(docs);
  /* The policy after the token's ARN is deleted, one before it is added:
   * the next page starts after the ARN listed, with what is there now. */
  char *hash_a = NULL;
  {
    snap a = get_snap(f->b, ARN_A);
    hash_a = strdup(a.hash);
    snap_free(&a);
  }
  gf_error err = GF_ERROR_INIT;
  gf_delete_resource_policy_request del_a = {hash_a, ARN_A};
  assert_int_equal(gf_delete_resource_policy(f->b, &del_a, NULL, &err), GF_OK);
  free(hash_a);
  free(put_ok(f->b, "[\"early\"]", NULL, NULL, "arn:aws:glue:us-east-1:123456789012:aaa"));
  char *next2 = NULL;
  docs = list_page(f->b, 1, next, &next2);
  assert_string_equal(docs, "[\"b\"]");
  assert_null(next2); /* the last one */
  free(docs);
  free(next);

  /* 250 policies: the default page is 100, MaxResults pages them all. */
  char arn[96], doc[32];
  for (int i = 0; i < 250; i++) {
    snprintf(arn, sizeof arn, "arn:aws:glue:us-east-1:123456789012:table/db/t%03d", i);
    snprintf(doc, sizeof doc, "[%d]", i);
    free(put_ok(f->b, doc, NULL, NULL, arn));
  }
  size_t pages = 0, seen = 0;
  char *token = NULL;
  do {
    char *following = NULL;
    docs = list_page(f->b, 0, token, &following);
    size_t items = docs[0] ? 1 : 0;
    for (const char *c = docs; *c; c++)
      items += *c == '|';
    assert_true(items <= 100);
    seen += items;
    pages++;
    free(docs);
    free(token);
    token = following;
  } while (token);
  assert_int_equal(seen, 253);
  assert_int_equal(pages, 3);
}

/* A token this fake did not issue, or one of another account's fake:
 * InvalidInputException, as GetSecurityConfigurations answers. */
static void test_get_resource_policies_refuses_foreign_tokens(void **state)
{
  fx *f = *state;
  free(put_ok(f->b, DOC1, NULL, NULL, ARN_A));
  free(put_ok(f->b, DOC2, NULL, NULL, ARN_B));
  char *next = NULL;
  free(list_page(f->b, 1, NULL, &next));
  assert_non_null(next);

  gf_error err = GF_ERROR_INIT;
  const char *forged[] = {"forged", "", "AAAA", "!!!!", "QUJD"};
  for (size_t i = 0; i < sizeof forged / sizeof forged[0]; i++) {
    gf_get_resource_policies_request req = {false, 0, forged[i]};
    gf_get_resource_policies_response *resp = NULL;
    assert_int_equal(gf_get_resource_policies(f->b, &req, &resp, &err), GF_INVALID_INPUT);
    assert_null(resp);
    assert_string_equal(gf_error_message(&err),
                        "Invalid NextToken: it was not issued by this fake for this state");
    gf_error_clear(&err);
  }
  /* The same token, read by a fake of another account. */
  gf_fake *other = fixed_fake(OTHER_ACCOUNT, NULL);
  assert_non_null(other);
  gf_get_resource_policies_request req = {false, 0, next};
  assert_int_equal(gf_get_resource_policies(gf_fake_backend(other), &req, NULL, &err),
                   GF_INVALID_INPUT);
  gf_error_clear(&err);
  gf_fake_free(other);
  /* MaxResults is checked as the model says. */
  gf_get_resource_policies_request zero = {true, 0, NULL};
  assert_int_equal(gf_get_resource_policies(f->b, &zero, NULL, &err), GF_INVALID_INPUT);
  assert_non_null(strstr(gf_error_message(&err), "maxResults"));
  gf_error_clear(&err);
  free(next);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_not_exist_while_exists_fails, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_exist_while_none_creates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_must_exist_while_none_fails, setup, teardown),
      cmocka_unit_test_setup_teardown(test_must_exist_while_exists_updates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_none_condition_works_either_way, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hash_condition_current_updates, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hash_condition_stale_fails, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hash_condition_while_none_fails, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_without_policy_is_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_wrong_hash_keeps_policy, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_right_hash_deletes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_condition_combinations, setup, teardown),
      cmocka_unit_test_setup_teardown(test_invalid_requests_change_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_hash_is_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_document_kept_byte_for_byte, setup, teardown),
      cmocka_unit_test_setup_teardown(test_timestamps, setup, teardown),
      cmocka_unit_test_setup_teardown(test_per_arn_independence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_arn_is_absent_arn, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_arn_follows_account_id, setup, teardown),
      cmocka_unit_test_setup_teardown(test_default_arn_of_a_fake_for_another_account, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_messages_name_the_resource, setup, teardown),
      cmocka_unit_test_setup_teardown(test_get_resource_policies_lists_in_arn_order, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_get_resource_policies_refuses_foreign_tokens, setup,
                                      teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
