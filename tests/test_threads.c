/*
 * test_threads.c - one fake called from many threads at once, and two
 * fakes used from two threads sharing nothing.
 *
 * Worker threads never call cmocka (it is not thread-safe): they keep their
 * own bookkeeping and record anything unexpected; the main thread checks
 * everything after joining them.
 *
 * GF_THREAD_ITERS sets the number of calls per thread (default 2500, so
 * that the suite takes well under a second natively and a few seconds
 * under valgrind).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gluefake.h"
#include "helpers.h"
#include "gluefake/sys/backend.h" /* gf_error_set */

#define BASE_TIME FIXED_T0
#define NTHREADS 8
#define OWN_NAMES 24
#define SHARED_NAMES 6
#define SHARED_KEYS 4

/* ---- fixture --------------------------------------------------------------- */

typedef fake_fx fx;

static int setup(void **state) { return fake_fx_setup(state); }
static int teardown(void **state) { return fake_fx_teardown(state); }

static int iterations(void)
{
  const char *env = getenv("GF_THREAD_ITERS");
  if (env && *env) {
    long n = strtol(env, NULL, 10);
    if (n > 0 && n < 10000000)
      return (int)n;
  }
  return 2500;
}

static unsigned rnd(uint64_t *s, unsigned bound) { return (unsigned)(xorshift64(s) % bound); }

static const gf_encryption_configuration empty_ec = {NULL, 0, NULL, NULL, NULL};

static void own_name(char buf[32], int thread, int i)
{
  snprintf(buf, 32, "t%d-own-%02d", thread, i);
}

static void shared_name(char buf[32], int i) { snprintf(buf, 32, "shared-%d", i); }

static void own_arn(char buf[80], int thread)
{
  snprintf(buf, 80, "arn:aws:glue:us-east-1:123456789012:database/t%d", thread);
}

static void own_catalog(char buf[32], int thread) { snprintf(buf, 32, "cat-t%d", thread); }

static void shared_key(char buf[32], int i) { snprintf(buf, 32, "alias/shared-%d", i); }

/* ---- one worker on a shared fake -------------------------------------------------- */

typedef struct worker {
  int id;
  int iters;
  gf_backend *b;
  pthread_barrier_t *start;
  uint64_t rng;

  /* own names: only this thread touches them */
  bool own_alive[OWN_NAMES];
  double own_ts[OWN_NAMES];

  /* own policy (own ARN) */
  bool policy_present;
  char policy_doc[96];
  char policy_hash[64];
  long policy_counter;

  /* own catalog settings */
  bool catalog_set;
  char catalog_key[64];

  /* counts */
  long calls;
  long creates_ok, deletes_ok;      /* security configurations, all names */
  long already_exists, not_found;   /* expected races on shared names */
  long condition_failures;          /* expected races on the shared policy */
  long listed_pages;
  long unexpected;
  char first_problem[320];
} worker;

static void problem(worker *w, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void problem(worker *w, const char *fmt, ...)
{
  if (w->unexpected++ == 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->first_problem, sizeof w->first_problem, fmt, ap);
    va_end(ap);
  }
}

static void check_status(worker *w, const char *what, gf_status got, gf_status want,
                         const gf_error *err)
{
  if (got != want)
    problem(w, "thread %d: %s: expected %s, got %s (%s)", w->id, what, gf_status_name(want),
            gf_status_name(got), gf_error_message(err));
}

static void op_create_own(worker *w, int i)
{
  char name[32];
  own_name(name, w->id, i);
  gf_create_security_configuration_request req = {name, &empty_ec};
  gf_create_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_create_security_configuration(w->b, &req, &resp, &err);
  if (w->own_alive[i]) {
    check_status(w, "create own (alive)", st, GF_ALREADY_EXISTS, &err);
  } else {
    check_status(w, "create own", st, GF_OK, &err);
    if (st == GF_OK) {
      w->own_alive[i] = true;
      w->own_ts[i] = resp->created_timestamp;
      w->creates_ok++;
      if (!resp->name || strcmp(resp->name, name) != 0)
        problem(w, "thread %d: create own answered another name", w->id);
    }
  }
  gf_create_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

static void op_delete_own(worker *w, int i)
{
  char name[32];
  own_name(name, w->id, i);
  gf_delete_security_configuration_request req = {name};
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_delete_security_configuration(w->b, &req, NULL, &err);
  if (w->own_alive[i]) {
    check_status(w, "delete own", st, GF_OK, &err);
    if (st == GF_OK) {
      w->own_alive[i] = false;
      w->deletes_ok++;
    }
  } else {
    check_status(w, "delete own (absent)", st, GF_ENTITY_NOT_FOUND, &err);
  }
  gf_error_clear(&err);
}

static void op_get_own(worker *w, int i)
{
  char name[32];
  own_name(name, w->id, i);
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_get_security_configuration(w->b, &req, &resp, &err);
  if (w->own_alive[i]) {
    check_status(w, "get own", st, GF_OK, &err);
    if (st == GF_OK) {
      const gf_security_configuration *c = resp->security_configuration;
      if (!c || !c->name || strcmp(c->name, name) != 0 || !c->has_created_time_stamp ||
          c->created_time_stamp != w->own_ts[i])
        problem(w, "thread %d: get own '%s' answered something else", w->id, name);
    }
  } else {
    check_status(w, "get own (absent)", st, GF_ENTITY_NOT_FOUND, &err);
  }
  gf_get_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

static void op_create_shared(worker *w, int i)
{
  char name[32];
  shared_name(name, i);
  gf_create_security_configuration_request req = {name, &empty_ec};
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_create_security_configuration(w->b, &req, NULL, &err);
  if (st == GF_OK)
    w->creates_ok++;
  else if (st == GF_ALREADY_EXISTS)
    w->already_exists++;
  else
    problem(w, "thread %d: create shared: %s (%s)", w->id, gf_status_name(st),
            gf_error_message(&err));
  gf_error_clear(&err);
}

static void op_delete_shared(worker *w, int i)
{
  char name[32];
  shared_name(name, i);
  gf_delete_security_configuration_request req = {name};
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_delete_security_configuration(w->b, &req, NULL, &err);
  if (st == GF_OK)
    w->deletes_ok++;
  else if (st == GF_ENTITY_NOT_FOUND)
    w->not_found++;
  else
    problem(w, "thread %d: delete shared: %s (%s)", w->id, gf_status_name(st),
            gf_error_message(&err));
  gf_error_clear(&err);
}

static void op_get_shared(worker *w, int i)
{
  char name[32];
  shared_name(name, i);
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_get_security_configuration(w->b, &req, &resp, &err);
  if (st == GF_OK) {
    const gf_security_configuration *c = resp->security_configuration;
    if (!c || !c->name || strcmp(c->name, name) != 0)
      problem(w, "thread %d: get shared '%s' answered something else", w->id, name);
  } else if (st == GF_ENTITY_NOT_FOUND) {
    w->not_found++;
  } else {
    problem(w, "thread %d: get shared: %s (%s)", w->id, gf_status_name(st),
            gf_error_message(&err));
  }
  gf_get_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

/* Is `name` one of the names this test creates?  Sets *thread and *index
 * for an own name (thread >= 0) or a shared one (thread -1). */
static bool parse_name(const char *name, int *thread, int *index)
{
  int t, i, n = 0;
  if (sscanf(name, "t%d-own-%d%n", &t, &i, &n) == 2 && name[n] == '\0' && t >= 0 &&
      t < NTHREADS && i >= 0 && i < OWN_NAMES) {
    char again[32];
    own_name(again, t, i);
    if (strcmp(again, name) != 0)
      return false;
    *thread = t;
    *index = i;
    return true;
  }
  n = 0;
  if (sscanf(name, "shared-%d%n", &i, &n) == 1 && name[n] == '\0' && i >= 0 &&
      i < SHARED_NAMES) {
    *thread = -1;
    *index = i;
    return true;
  }
  return false;
}

static void op_list(worker *w)
{
  int64_t max = 1 + (int64_t)rnd(&w->rng, 50);
  int pages = 1 + (int)rnd(&w->rng, 3);
  char *token = NULL;
  double last_ts = -1;
  for (int p = 0; p < pages; p++) {
    gf_get_security_configurations_request req = {true, max, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status st = gf_get_security_configurations(w->b, &req, &resp, &err);
    free(token);
    token = NULL;
    if (st != GF_OK) {
      problem(w, "thread %d: list page %d: %s (%s)", w->id, p + 1, gf_status_name(st),
              gf_error_message(&err));
      gf_error_clear(&err);
      return;
    }
    w->listed_pages++;
    if (resp->security_configurations_count > (size_t)max)
      problem(w, "thread %d: a page of %zu items for MaxResults %lld", w->id,
              resp->security_configurations_count, (long long)max);
    for (size_t k = 0; k < resp->security_configurations_count; k++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      int t, i;
      if (!c->name || !parse_name(c->name, &t, &i)) {
        problem(w, "thread %d: listing holds an unknown name '%s'", w->id,
                c->name ? c->name : "(null)");
        continue;
      }
      /* creation order: the fixed clock makes timestamps increase with it */
      if (c->created_time_stamp <= last_ts)
        problem(w, "thread %d: listing out of creation order at '%s'", w->id, c->name);
      last_ts = c->created_time_stamp;
      /* this thread's own names cannot change while it lists */
      if (t == w->id && (!w->own_alive[i] || w->own_ts[i] != c->created_time_stamp))
        problem(w, "thread %d: listing shows own '%s' which bookkeeping says is %s", w->id,
                c->name, w->own_alive[i] ? "another configuration" : "deleted");
    }
    if (resp->next_token)
      token = strdup(resp->next_token);
    gf_get_security_configurations_response_free(resp);
    if (!token)
      break;
  }
  free(token);
}

static void op_own_policy(worker *w)
{
  char arn[80];
  own_arn(arn, w->id);
  gf_error err = GF_ERROR_INIT;
  if (w->policy_present && rnd(&w->rng, 4) == 0) {
    /* delete it with its hash */
    gf_delete_resource_policy_request req = {w->policy_hash, arn};
    gf_status st = gf_delete_resource_policy(w->b, &req, NULL, &err);
    check_status(w, "delete own policy", st, GF_OK, &err);
    if (st == GF_OK)
      w->policy_present = false;
    gf_error_clear(&err);
  } else {
    char doc[96];
    snprintf(doc, sizeof doc, "{\"thread\":%d,\"n\":%ld}", w->id, w->policy_counter++);
    gf_put_resource_policy_request req = {doc, w->policy_present ? w->policy_hash : NULL,
                                          w->policy_present ? GF_POLICY_MUST_EXIST
                                                            : GF_POLICY_NOT_EXIST,
                                          arn, NULL};
    gf_put_resource_policy_response *resp = NULL;
    gf_status st = gf_put_resource_policy(w->b, &req, &resp, &err);
    check_status(w, "put own policy", st, GF_OK, &err);
    if (st == GF_OK) {
      w->policy_present = true;
      snprintf(w->policy_doc, sizeof w->policy_doc, "%s", doc);
      snprintf(w->policy_hash, sizeof w->policy_hash, "%s", resp->policy_hash);
    }
    gf_put_resource_policy_response_free(resp);
    gf_error_clear(&err);
  }
  /* read it back */
  gf_get_resource_policy_request greq = {arn};
  gf_get_resource_policy_response *gresp = NULL;
  gf_status st = gf_get_resource_policy(w->b, &greq, &gresp, &err);
  if (w->policy_present) {
    check_status(w, "get own policy", st, GF_OK, &err);
    if (st == GF_OK && (strcmp(gresp->policy_in_json, w->policy_doc) != 0 ||
                        strcmp(gresp->policy_hash, w->policy_hash) != 0))
      problem(w, "thread %d: own policy reads back as '%s'", w->id, gresp->policy_in_json);
  } else {
    check_status(w, "get own policy (deleted)", st, GF_ENTITY_NOT_FOUND, &err);
  }
  gf_get_resource_policy_response_free(gresp);
  gf_error_clear(&err);
}

/* The default catalog's policy, fought over by every thread. */
static void op_shared_policy(worker *w)
{
  gf_error err = GF_ERROR_INIT;
  char doc[96];
  snprintf(doc, sizeof doc, "{\"shared\":%d}", w->id);
  unsigned what = rnd(&w->rng, 5);
  gf_status st;
  if (what == 0) {
    gf_put_resource_policy_request req = {doc, NULL, GF_POLICY_NONE, NULL, NULL};
    st = gf_put_resource_policy(w->b, &req, NULL, &err);
    check_status(w, "put shared policy (NONE)", st, GF_OK, &err);
  } else if (what == 1) {
    gf_put_resource_policy_request req = {doc, NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
    st = gf_put_resource_policy(w->b, &req, NULL, &err);
    if (st == GF_CONDITION_CHECK_FAILURE)
      w->condition_failures++;
    else
      check_status(w, "put shared policy (NOT_EXIST)", st, GF_OK, &err);
  } else if (what == 2 || what == 3) {
    /* read, then update or delete conditionally on what was read */
    gf_get_resource_policy_request greq = {NULL};
    gf_get_resource_policy_response *gresp = NULL;
    st = gf_get_resource_policy(w->b, &greq, &gresp, &err);
    if (st == GF_ENTITY_NOT_FOUND) {
      w->not_found++;
    } else if (st != GF_OK) {
      check_status(w, "get shared policy", st, GF_OK, &err);
    } else {
      if (strncmp(gresp->policy_in_json, "{\"shared\":", 10) != 0)
        problem(w, "thread %d: shared policy holds '%s'", w->id, gresp->policy_in_json);
      gf_error_clear(&err);
      if (what == 2) {
        gf_put_resource_policy_request req = {doc, gresp->policy_hash, GF_POLICY_MUST_EXIST,
                                              NULL, NULL};
        st = gf_put_resource_policy(w->b, &req, NULL, &err);
      } else {
        gf_delete_resource_policy_request req = {gresp->policy_hash, NULL};
        st = gf_delete_resource_policy(w->b, &req, NULL, &err);
      }
      /* another thread may have changed or deleted it since the read */
      if (st == GF_CONDITION_CHECK_FAILURE)
        w->condition_failures++;
      else if (st == GF_ENTITY_NOT_FOUND && what == 3)
        w->not_found++;
      else
        check_status(w, what == 2 ? "conditional put shared" : "conditional delete shared",
                     st, GF_OK, &err);
    }
    gf_get_resource_policy_response_free(gresp);
  } else {
    gf_delete_resource_policy_request req = {NULL, NULL};
    st = gf_delete_resource_policy(w->b, &req, NULL, &err);
    if (st == GF_ENTITY_NOT_FOUND)
      w->not_found++;
    else
      check_status(w, "delete shared policy", st, GF_OK, &err);
  }
  gf_error_clear(&err);
}

static void put_catalog(worker *w, const char *catalog_id, const char *key)
{
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, key, NULL};
  gf_connection_password_encryption password = {true, key, true};
  gf_data_catalog_encryption_settings settings = {&at_rest, &password};
  gf_put_data_catalog_encryption_settings_request req = {catalog_id, &settings};
  gf_error err = GF_ERROR_INIT;
  gf_status st = gf_put_data_catalog_encryption_settings(w->b, &req, NULL, &err);
  check_status(w, "put catalog settings", st, GF_OK, &err);
  gf_error_clear(&err);
}

/* Reads a catalog's key (NULL for the default settings); false on error. */
static bool get_catalog_key(gf_backend *b, const char *catalog_id, char *key, size_t size,
                            gf_error *err)
{
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *resp = NULL;
  if (gf_get_data_catalog_encryption_settings(b, &req, &resp, err) != GF_OK)
    return false;
  const gf_data_catalog_encryption_settings *s = resp->data_catalog_encryption_settings;
  bool ok = s && s->encryption_at_rest && s->connection_password_encryption;
  key[0] = '\0';
  if (ok && s->encryption_at_rest->sse_aws_kms_key_id) {
    snprintf(key, size, "%s", s->encryption_at_rest->sse_aws_kms_key_id);
    /* both members were put together: they must agree */
    ok = s->connection_password_encryption->aws_kms_key_id &&
         strcmp(s->connection_password_encryption->aws_kms_key_id, key) == 0 &&
         strcmp(s->encryption_at_rest->catalog_encryption_mode, GF_MODE_SSE_KMS) == 0 &&
         s->connection_password_encryption->return_connection_password_encrypted;
  } else if (ok) {
    ok = strcmp(s->encryption_at_rest->catalog_encryption_mode, GF_MODE_DISABLED) == 0 &&
         !s->connection_password_encryption->return_connection_password_encrypted &&
         !s->connection_password_encryption->aws_kms_key_id;
  }
  gf_get_data_catalog_encryption_settings_response_free(resp);
  if (!ok) {
    gf_error_set(err, GF_INTERNAL_SERVICE, "inconsistent settings");
    return false;
  }
  return true;
}

static void op_own_catalog(worker *w, long n)
{
  char catalog[32], key[64], got[64];
  own_catalog(catalog, w->id);
  snprintf(key, sizeof key, "alias/t%d-%ld", w->id, n);
  put_catalog(w, catalog, key);
  w->catalog_set = true;
  snprintf(w->catalog_key, sizeof w->catalog_key, "%s", key);
  gf_error err = GF_ERROR_INIT;
  if (!get_catalog_key(w->b, catalog, got, sizeof got, &err))
    problem(w, "thread %d: get own catalog: %s", w->id, gf_error_message(&err));
  else if (strcmp(got, key) != 0)
    problem(w, "thread %d: own catalog reads back '%s', put '%s'", w->id, got, key);
  gf_error_clear(&err);
}

static void op_shared_catalog(worker *w)
{
  char key[32], got[64];
  shared_key(key, (int)rnd(&w->rng, SHARED_KEYS));
  if (rnd(&w->rng, 2))
    put_catalog(w, NULL, key); /* the account's catalog, CatalogId absent */
  gf_error err = GF_ERROR_INIT;
  const char *id = rnd(&w->rng, 2) ? NULL : GF_DEFAULT_ACCOUNT_ID;
  if (!get_catalog_key(w->b, id, got, sizeof got, &err)) {
    problem(w, "thread %d: get shared catalog: %s", w->id, gf_error_message(&err));
  } else if (got[0]) {
    bool known = false;
    for (int i = 0; i < SHARED_KEYS; i++) {
      char k[32];
      shared_key(k, i);
      known |= strcmp(k, got) == 0;
    }
    if (!known)
      problem(w, "thread %d: shared catalog holds key '%s'", w->id, got);
  }
  gf_error_clear(&err);
}

static void *worker_main(void *arg)
{
  worker *w = arg;
  pthread_barrier_wait(w->start);
  for (int n = 0; n < w->iters; n++) {
    unsigned op = rnd(&w->rng, 100);
    int own = (int)rnd(&w->rng, OWN_NAMES);
    int shared = (int)rnd(&w->rng, SHARED_NAMES);
    w->calls++;
    if (op < 18)
      op_create_own(w, own);
    else if (op < 28)
      op_delete_own(w, own);
    else if (op < 38)
      op_get_own(w, own);
    else if (op < 47)
      op_create_shared(w, shared);
    else if (op < 55)
      op_delete_shared(w, shared);
    else if (op < 61)
      op_get_shared(w, shared);
    else if (op < 69)
      op_list(w);
    else if (op < 78)
      op_own_policy(w);
    else if (op < 86)
      op_shared_policy(w);
    else if (op < 92)
      op_own_catalog(w, n);
    else
      op_shared_catalog(w);
  }
  return NULL;
}

/* ---- the main test ------------------------------------------------------------------- */

typedef struct listed {
  int own_count[NTHREADS][OWN_NAMES];
  double own_ts[NTHREADS][OWN_NAMES];
  int shared_count[SHARED_NAMES];
  size_t total;
} listed;

static void list_everything(gf_backend *b, listed *l)
{
  memset(l, 0, sizeof *l);
  char *token = NULL;
  double last_ts = -1;
  int pages = 0;
  do {
    gf_get_security_configurations_request req = {true, 37, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    if (gf_get_security_configurations(b, &req, &resp, &err) != GF_OK)
      fail_msg("final listing: %s", gf_error_message(&err));
    free(token);
    token = NULL;
    for (size_t k = 0; k < resp->security_configurations_count; k++) {
      const gf_security_configuration *c = &resp->security_configurations[k];
      int t, i;
      if (!parse_name(c->name, &t, &i))
        fail_msg("final listing holds an unknown name '%s'", c->name);
      assert_true(c->created_time_stamp > last_ts);
      last_ts = c->created_time_stamp;
      if (t >= 0) {
        l->own_count[t][i]++;
        l->own_ts[t][i] = c->created_time_stamp;
      } else {
        l->shared_count[i]++;
      }
      l->total++;
    }
    if (resp->next_token) {
      token = strdup(resp->next_token);
      assert_non_null(token);
    }
    gf_get_security_configurations_response_free(resp);
    assert_true(++pages < 100000);
  } while (token);
}

static void test_many_threads_one_fake(void **state)
{
  fx *f = *state;
  int iters = iterations();
  pthread_barrier_t start;
  assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
  worker *w = calloc(NTHREADS, sizeof *w);
  assert_non_null(w);
  pthread_t threads[NTHREADS];
  for (int t = 0; t < NTHREADS; t++) {
    w[t].id = t;
    w[t].iters = iters;
    w[t].b = f->b;
    w[t].start = &start;
    w[t].rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(t + 1) ^ 0xD1B54A32D192ED03ULL;
    assert_int_equal(pthread_create(&threads[t], NULL, worker_main, &w[t]), 0);
  }
  for (int t = 0; t < NTHREADS; t++)
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  pthread_barrier_destroy(&start);

  /* no call returned anything unexpected */
  long unexpected = 0, creates = 0, deletes = 0, races = 0, pages = 0, calls = 0;
  for (int t = 0; t < NTHREADS; t++) {
    if (w[t].unexpected)
      print_error("%ld unexpected outcome(s); first: %s\n", w[t].unexpected,
                  w[t].first_problem);
    unexpected += w[t].unexpected;
    creates += w[t].creates_ok;
    deletes += w[t].deletes_ok;
    races += w[t].already_exists + w[t].not_found + w[t].condition_failures;
    pages += w[t].listed_pages;
    calls += w[t].calls;
  }
  print_message("%d threads x %d calls: %ld creates, %ld deletes, %ld expected races, "
                "%ld pages listed\n",
                NTHREADS, iters, creates, deletes, races, pages);
  assert_int_equal(unexpected, 0);
  assert_int_equal(calls, (long)NTHREADS * iters);
  /* the shared names and the shared policy were really fought over */
  assert_true(races > 0);
  assert_true(pages > 0);

  /* the count is what the successful calls add up to */
  size_t count = gf_fake_security_configuration_count(f->fake);
  assert_int_equal((long)count, creates - deletes);

  /* a full listing holds exactly the live names, each once */
  listed l;
  list_everything(f->b, &l);
  assert_int_equal(l.total, count);
  for (int t = 0; t < NTHREADS; t++) {
    for (int i = 0; i < OWN_NAMES; i++) {
      char name[32];
      own_name(name, t, i);
      assert_int_equal(l.own_count[t][i], w[t].own_alive[i] ? 1 : 0);
      if (w[t].own_alive[i])
        assert_true(l.own_ts[t][i] == w[t].own_ts[i]);
      /* and Get agrees with the thread's bookkeeping */
      gf_get_security_configuration_request req = {name};
      gf_get_security_configuration_response *resp = NULL;
      gf_error err = GF_ERROR_INIT;
      gf_status st = gf_get_security_configuration(f->b, &req, &resp, &err);
      if (w[t].own_alive[i]) {
        assert_int_equal(st, GF_OK);
        assert_string_equal(resp->security_configuration->name, name);
        assert_true(resp->security_configuration->created_time_stamp == w[t].own_ts[i]);
      } else {
        assert_int_equal(st, GF_ENTITY_NOT_FOUND);
      }
      gf_get_security_configuration_response_free(resp);
      gf_error_clear(&err);
    }
  }
  for (int i = 0; i < SHARED_NAMES; i++) {
    char name[32];
    shared_name(name, i);
    gf_get_security_configuration_request req = {name};
    gf_error err = GF_ERROR_INIT;
    gf_status st = gf_get_security_configuration(f->b, &req, NULL, &err);
    assert_true(st == GF_OK || st == GF_ENTITY_NOT_FOUND);
    assert_int_equal(l.shared_count[i], st == GF_OK ? 1 : 0);
    gf_error_clear(&err);
  }

  /* every thread's policy and catalog settings are what it last put */
  for (int t = 0; t < NTHREADS; t++) {
    char arn[80];
    own_arn(arn, t);
    gf_get_resource_policy_request req = {arn};
    gf_get_resource_policy_response *resp = NULL;
    gf_error err = GF_ERROR_INIT;
    gf_status st = gf_get_resource_policy(f->b, &req, &resp, &err);
    if (w[t].policy_present) {
      assert_int_equal(st, GF_OK);
      assert_string_equal(resp->policy_in_json, w[t].policy_doc);
      assert_string_equal(resp->policy_hash, w[t].policy_hash);
    } else {
      assert_int_equal(st, GF_ENTITY_NOT_FOUND);
    }
    gf_get_resource_policy_response_free(resp);
    gf_error_clear(&err);
    if (w[t].catalog_set) {
      char catalog[32], key[64];
      own_catalog(catalog, t);
      assert_true(get_catalog_key(f->b, catalog, key, sizeof key, &err));
      assert_string_equal(key, w[t].catalog_key);
    }
  }
  free(w);
}

/* ---- two fakes, two threads ------------------------------------------------------------ */

typedef struct solo {
  gf_fake *fake;
  pthread_barrier_t *start;
  int creates, deletes;
  double clock;
  const char *doc;
  const char *key;
  long unexpected;
  char first_problem[320];
} solo;

static void solo_problem(solo *s, const char *what, gf_status st, const gf_error *err)
{
  if (s->unexpected++ == 0)
    snprintf(s->first_problem, sizeof s->first_problem, "%s: %s (%s)", what,
             gf_status_name(st), gf_error_message(err));
}

/* Same names, same ARN, same catalog id in both fakes; different counts,
 * documents, keys and clocks. */
static void *solo_main(void *arg)
{
  solo *s = arg;
  gf_backend *b = gf_fake_backend(s->fake);
  gf_error err = GF_ERROR_INIT;
  pthread_barrier_wait(s->start);
  double expect = s->clock;
  for (int i = 0; i < s->creates; i++) {
    char name[32];
    snprintf(name, sizeof name, "same-%03d", i);
    gf_create_security_configuration_request req = {name, &empty_ec};
    gf_create_security_configuration_response *resp = NULL;
    gf_status st = gf_create_security_configuration(b, &req, &resp, &err);
    if (st != GF_OK)
      solo_problem(s, "create", st, &err);
    else if (resp->created_timestamp != expect)
      solo_problem(s, "create: timestamp from another clock", st, &err);
    expect += 1;
    gf_create_security_configuration_response_free(resp);
    gf_error_clear(&err);
  }
  for (int i = 0; i < s->deletes; i++) {
    char name[32];
    snprintf(name, sizeof name, "same-%03d", i);
    gf_delete_security_configuration_request req = {name};
    gf_status st = gf_delete_security_configuration(b, &req, NULL, &err);
    if (st != GF_OK)
      solo_problem(s, "delete", st, &err);
    gf_error_clear(&err);
  }
  /* the same default ARN in both: NOT_EXIST must succeed in each */
  gf_put_resource_policy_request put = {s->doc, NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
  gf_status st = gf_put_resource_policy(b, &put, NULL, &err);
  if (st != GF_OK)
    solo_problem(s, "put policy", st, &err);
  gf_error_clear(&err);
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, s->key, NULL};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request pc = {NULL, &settings};
  st = gf_put_data_catalog_encryption_settings(b, &pc, NULL, &err);
  if (st != GF_OK)
    solo_problem(s, "put catalog", st, &err);
  gf_error_clear(&err);
  /* repeat the creates: every one already exists in this fake, whatever
   * the other fake holds */
  for (int i = s->deletes; i < s->creates; i++) {
    char name[32];
    snprintf(name, sizeof name, "same-%03d", i);
    gf_create_security_configuration_request req = {name, &empty_ec};
    st = gf_create_security_configuration(b, &req, NULL, &err);
    if (st != GF_ALREADY_EXISTS)
      solo_problem(s, "create again", st, &err);
    gf_error_clear(&err);
  }
  return NULL;
}

static void check_solo(solo *s)
{
  gf_backend *b = gf_fake_backend(s->fake);
  if (s->unexpected)
    print_error("%ld unexpected outcome(s); first: %s\n", s->unexpected, s->first_problem);
  assert_int_equal(s->unexpected, 0);
  assert_int_equal(gf_fake_security_configuration_count(s->fake),
                   (size_t)(s->creates - s->deletes));
  /* the listing holds exactly this fake's names, with its own clock */
  gf_get_security_configurations_request req = {true, 1000, NULL};
  gf_get_security_configurations_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_get_security_configurations(b, &req, &resp, &err), GF_OK);
  assert_int_equal(resp->security_configurations_count, (size_t)(s->creates - s->deletes));
  assert_null(resp->next_token);
  for (int i = s->deletes; i < s->creates; i++) {
    char name[32];
    snprintf(name, sizeof name, "same-%03d", i);
    const gf_security_configuration *c = &resp->security_configurations[i - s->deletes];
    assert_string_equal(c->name, name);
    assert_true(c->created_time_stamp == s->clock + i);
  }
  gf_get_security_configurations_response_free(resp);
  /* its own policy and catalog settings */
  gf_get_resource_policy_response *pr = NULL;
  assert_int_equal(gf_get_resource_policy(b, NULL, &pr, &err), GF_OK);
  assert_string_equal(pr->policy_in_json, s->doc);
  gf_get_resource_policy_response_free(pr);
  gf_get_data_catalog_encryption_settings_response *cr = NULL;
  assert_int_equal(gf_get_data_catalog_encryption_settings(b, NULL, &cr, &err), GF_OK);
  assert_string_equal(cr->data_catalog_encryption_settings->encryption_at_rest->sse_aws_kms_key_id,
                      s->key);
  gf_get_data_catalog_encryption_settings_response_free(cr);
}

static void test_two_fakes_share_nothing(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_fake *other = test_fake_new(NULL, &err);
  assert_non_null(other);
  assert_int_equal(gf_fake_set_clock(other, 5000000, 1, &err), GF_OK);
  int rounds = iterations() >= 1000 ? 3 : 1;
  for (int r = 0; r < rounds; r++) {
    pthread_barrier_t start;
    assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
    solo a = {f->fake, &start, 300, 100, BASE_TIME, "{\"fake\":\"a\"}", "alias/a", 0, ""};
    solo b = {other, &start, 150, 0, 5000000, "{\"fake\":\"b\"}", "alias/b", 0, ""};
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, solo_main, &a), 0);
    assert_int_equal(pthread_create(&tb, NULL, solo_main, &b), 0);
    assert_int_equal(pthread_join(ta, NULL), 0);
    assert_int_equal(pthread_join(tb, NULL), 0);
    pthread_barrier_destroy(&start);
    check_solo(&a);
    check_solo(&b);
    /* start again from empty stores with the same clocks */
    gf_fake_reset(f->fake);
    gf_fake_reset(other);
    assert_int_equal(gf_fake_set_clock(f->fake, BASE_TIME, 1, &err), GF_OK);
    assert_int_equal(gf_fake_set_clock(other, 5000000, 1, &err), GF_OK);
  }
  gf_fake_free(other);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_many_threads_one_fake, setup, teardown),
      cmocka_unit_test_setup_teardown(test_two_fakes_share_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
