/*
 * test_pagination.c - GetSecurityConfigurations: page sizes, creation
 * order, NextToken semantics (forged, foreign, stale, deterministic,
 * reusable tokens) and the listing guarantees of DESIGN.md when the store
 * changes between pages, including a seeded property test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gluefake.h"
#include "helpers.h"

#define BASE_TIME FIXED_T0
#define ABSENT INT64_MIN /* MaxResults not given */

/* ---- fixture --------------------------------------------------------------- */

typedef fake_fx fx;

static int setup(void **state) { return fake_fx_setup(state); }
static int teardown(void **state) { return fake_fx_teardown(state); }

/* ---- helpers ---------------------------------------------------------------- */

static const gf_encryption_configuration empty_ec = {NULL, 0, NULL, NULL, NULL};

static void name_of(char buf[32], int i) { snprintf(buf, 32, "cfg-%05d", i); }

static double create_ok(gf_backend *b, const char *name)
{
  gf_create_security_configuration_request req = {name, &empty_ec};
  gf_create_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  if (gf_create_security_configuration(b, &req, &resp, &err) != GF_OK)
    fail_msg("create '%s': %s", name, gf_error_message(&err));
  assert_non_null(resp);
  assert_true(resp->has_created_timestamp);
  double ts = resp->created_timestamp;
  gf_create_security_configuration_response_free(resp);
  return ts;
}

static void create_n(gf_backend *b, int from, int count)
{
  char name[32];
  for (int i = from; i < from + count; i++) {
    name_of(name, i);
    create_ok(b, name);
  }
}

static void delete_ok(gf_backend *b, const char *name)
{
  gf_delete_security_configuration_request req = {name};
  gf_error err = GF_ERROR_INIT;
  if (gf_delete_security_configuration(b, &req, NULL, &err) != GF_OK)
    fail_msg("delete '%s': %s", name, gf_error_message(&err));
}

static void delete_idx(gf_backend *b, int i)
{
  char name[32];
  name_of(name, i);
  delete_ok(b, name);
}

/* A growing list of returned names with their CreatedTimeStamp. */
typedef struct names {
  char **v;
  double *ts;
  size_t n, cap;
} names;

static void names_push(names *l, const char *s, double ts)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    char **v = realloc(l->v, cap * sizeof *v);
    assert_non_null(v);
    l->v = v;
    double *t = realloc(l->ts, cap * sizeof *t);
    assert_non_null(t);
    l->ts = t;
    l->cap = cap;
  }
  l->v[l->n] = strdup(s);
  assert_non_null(l->v[l->n]);
  l->ts[l->n] = ts;
  l->n++;
}

static void names_free(names *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i]);
  free(l->v);
  free(l->ts);
  memset(l, 0, sizeof *l);
}

/* One call; returns the status and leaves the response in *out (NULL on
 * failure, which is asserted). */
static gf_status page_call(gf_backend *b, int64_t max, const char *token,
                           gf_get_security_configurations_response **out, gf_error *err)
{
  gf_get_security_configurations_request req = {max != ABSENT, max != ABSENT ? max : 0, token};
  *out = (gf_get_security_configurations_response *)(uintptr_t)1; /* must be overwritten */
  gf_status st = gf_get_security_configurations(b, &req, out, err);
  if (st != GF_OK)
    assert_null(*out);
  else
    assert_non_null(*out);
  return st;
}

/* One page that must succeed: appends its items to `acc` (may be NULL),
 * stores a malloc'd copy of NextToken (or NULL) in *next, returns the
 * number of items. */
static size_t page_ok(gf_backend *b, int64_t max, const char *token, names *acc, char **next)
{
  gf_get_security_configurations_response *resp;
  gf_error err = GF_ERROR_INIT;
  if (page_call(b, max, token, &resp, &err) != GF_OK)
    fail_msg("GetSecurityConfigurations(max=%lld, token=%s): %s", (long long)max,
             token ? token : "(none)", gf_error_message(&err));
  size_t n = resp->security_configurations_count;
  if (n)
    assert_non_null(resp->security_configurations);
  for (size_t i = 0; i < n; i++) {
    const gf_security_configuration *c = &resp->security_configurations[i];
    assert_non_null(c->name);
    assert_true(c->has_created_time_stamp);
    if (acc)
      names_push(acc, c->name, c->created_time_stamp);
  }
  if (resp->next_token) {
    assert_true(strlen(resp->next_token) > 0);
    *next = strdup(resp->next_token);
    assert_non_null(*next);
  } else {
    *next = NULL;
  }
  gf_get_security_configurations_response_free(resp);
  return n;
}

/* Pages through everything with `max`; returns the number of pages. */
static size_t list_all(gf_backend *b, int64_t max, names *acc)
{
  char *token = NULL;
  size_t pages = 0;
  do {
    char *next;
    page_ok(b, max, token, acc, &next);
    free(token);
    token = next;
    pages++;
    assert_true(pages < 1000000);
  } while (token);
  return pages;
}

/* Asserts that acc->v[at .. at+count) are cfg-<first> .. cfg-<first+count-1>. */
static void assert_run(const names *acc, size_t at, int first, int count)
{
  char want[32];
  assert_true(at + (size_t)count <= acc->n);
  for (int i = 0; i < count; i++) {
    name_of(want, first + i);
    assert_string_equal(acc->v[at + (size_t)i], want);
  }
}

static void expect_invalid_token(gf_backend *b, const char *token)
{
  gf_get_security_configurations_response *resp;
  gf_error err = GF_ERROR_INIT;
  gf_status st = page_call(b, 10, token, &resp, &err);
  if (st != GF_INVALID_INPUT)
    fail_msg("token '%s': expected InvalidInput, got %s", token, gf_status_name(st));
  assert_int_equal(err.status, GF_INVALID_INPUT);
  assert_non_null(err.message);
  assert_true(strlen(err.message) > 0);
  gf_error_clear(&err);
  /* also without MaxResults */
  st = page_call(b, ABSENT, token, &resp, &err);
  assert_int_equal(st, GF_INVALID_INPUT);
  gf_error_clear(&err);
}

static unsigned rnd(uint64_t *s, unsigned bound) { return (unsigned)(xorshift64(s) % bound); }

/* base64url without padding, for editing tokens at the byte level. */
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static size_t b64_decode(const char *s, unsigned char *out, size_t cap)
{
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (; *s; s++) {
    const char *p = strchr(B64, *s);
    assert_non_null(p);
    acc = (acc << 6) | (uint32_t)(p - B64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      assert_true(n < cap);
      out[n++] = (unsigned char)(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return n;
}

static void b64_encode(const unsigned char *in, size_t n, char *out)
{
  uint32_t acc = 0;
  int bits = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = B64[(acc >> bits) & 63];
    }
  }
  if (bits > 0)
    out[o++] = B64[(acc << (6 - bits)) & 63];
  out[o] = '\0';
}

/* ---- page sizes -------------------------------------------------------------- */

static void test_default_page_size_is_100(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 150);
  names acc = {0};
  char *t1, *t2;
  assert_int_equal(page_ok(f->b, ABSENT, NULL, &acc, &t1), 100);
  assert_non_null(t1);
  assert_run(&acc, 0, 0, 100);
  assert_int_equal(page_ok(f->b, ABSENT, t1, &acc, &t2), 50);
  assert_null(t2);
  assert_run(&acc, 100, 100, 50);
  free(t1);
  names_free(&acc);
}

static void test_pages_of_10_over_25(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 25);
  names acc = {0};
  char *t1, *t2, *t3;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  assert_non_null(t1);
  assert_int_equal(page_ok(f->b, 10, t1, &acc, &t2), 10);
  assert_non_null(t2);
  assert_int_equal(page_ok(f->b, 10, t2, &acc, &t3), 5);
  assert_null(t3);
  assert_int_equal(acc.n, 25);
  assert_run(&acc, 0, 0, 25);
  /* timestamps follow creation order on the fixed clock */
  for (size_t i = 0; i < acc.n; i++)
    assert_true(acc.ts[i] == BASE_TIME + (double)i);
  free(t1);
  free(t2);
  names_free(&acc);
}

static void test_exact_multiple_has_no_empty_last_page(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 20);
  names acc = {0};
  char *t1, *t2;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  assert_non_null(t1);
  assert_int_equal(page_ok(f->b, 10, t1, &acc, &t2), 10);
  assert_null(t2);
  assert_run(&acc, 0, 0, 20);
  free(t1);
  names_free(&acc);

  /* the same with exactly one full default page */
  create_n(f->b, 20, 80);
  names all = {0};
  char *t;
  assert_int_equal(page_ok(f->b, ABSENT, NULL, &all, &t), 100);
  assert_null(t);
  names_free(&all);
}

static void test_empty_store(void **state)
{
  fx *f = *state;
  gf_get_security_configurations_response *resp;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(page_call(f->b, ABSENT, NULL, &resp, &err), GF_OK);
  assert_int_equal(resp->security_configurations_count, 0);
  assert_null(resp->next_token);
  gf_get_security_configurations_response_free(resp);
  assert_int_equal(page_call(f->b, 1, NULL, &resp, &err), GF_OK);
  assert_int_equal(resp->security_configurations_count, 0);
  assert_null(resp->next_token);
  gf_get_security_configurations_response_free(resp);

  /* emptied again after creations */
  create_n(f->b, 0, 3);
  for (int i = 0; i < 3; i++)
    delete_idx(f->b, i);
  assert_int_equal(page_call(f->b, 1000, NULL, &resp, &err), GF_OK);
  assert_int_equal(resp->security_configurations_count, 0);
  assert_null(resp->next_token);
  gf_get_security_configurations_response_free(resp);
}

static void test_max_results_1(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 7);
  names acc = {0};
  char *token = NULL;
  for (int i = 0; i < 7; i++) {
    char *next;
    assert_int_equal(page_ok(f->b, 1, token, &acc, &next), 1);
    if (i < 6)
      assert_non_null(next);
    else
      assert_null(next);
    free(token);
    token = next;
  }
  assert_run(&acc, 0, 0, 7);
  names_free(&acc);
}

static void test_max_results_1000(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 1000);
  names acc = {0};
  char *t;
  assert_int_equal(page_ok(f->b, 1000, NULL, &acc, &t), 1000);
  assert_null(t); /* exactly 1000: one page, no token */
  assert_run(&acc, 0, 0, 1000);
  names_free(&acc);

  create_n(f->b, 1000, 500);
  names acc2 = {0};
  char *t2;
  assert_int_equal(page_ok(f->b, 1000, NULL, &acc2, &t), 1000);
  assert_non_null(t);
  assert_int_equal(page_ok(f->b, 1000, t, &acc2, &t2), 500);
  assert_null(t2);
  assert_run(&acc2, 0, 0, 1500);
  free(t);
  names_free(&acc2);
}

static void test_max_results_out_of_range(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 3);
  const int64_t bad[] = {0, -1, 1001, INT64_MAX, INT64_MIN + 1};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_get_security_configurations_response *resp;
    gf_error err = GF_ERROR_INIT;
    assert_int_equal(page_call(f->b, bad[i], NULL, &resp, &err), GF_INVALID_INPUT);
    assert_non_null(strstr(gf_error_message(&err), "axResults"));
    gf_error_clear(&err);
  }
}

/* ---- the store changes between pages ------------------------------------------ */

static void test_delete_between_pages(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  names acc = {0};
  char *t1, *t2, *t3;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  delete_idx(f->b, 25); /* on a later page */
  delete_idx(f->b, 3);  /* already returned */
  assert_int_equal(page_ok(f->b, 10, t1, &acc, &t2), 10);
  assert_non_null(t2);
  assert_int_equal(page_ok(f->b, 10, t2, &acc, &t3), 9);
  assert_null(t3);
  /* 0..9 (3 was listed before its deletion), 10..24, 26..29 */
  assert_int_equal(acc.n, 29);
  assert_run(&acc, 0, 0, 10);
  assert_run(&acc, 10, 10, 15);
  assert_run(&acc, 25, 26, 4);
  free(t1);
  free(t2);
  names_free(&acc);
}

static void test_delete_item_the_token_points_after(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  names acc = {0};
  char *t1, *t2, *t3;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  delete_idx(f->b, 9); /* the last item of page 1 */
  assert_int_equal(page_ok(f->b, 10, t1, &acc, &t2), 10);
  assert_run(&acc, 10, 10, 10);
  /* the last of page 2 and the first two of page 3 */
  delete_idx(f->b, 19);
  delete_idx(f->b, 20);
  delete_idx(f->b, 21);
  assert_int_equal(page_ok(f->b, 10, t2, &acc, &t3), 8);
  assert_null(t3);
  assert_run(&acc, 20, 22, 8);
  assert_int_equal(acc.n, 28);
  free(t1);
  free(t2);
  names_free(&acc);
}

static void test_delete_everything_after_the_token(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 20);
  char *t1, *t2;
  assert_int_equal(page_ok(f->b, 10, NULL, NULL, &t1), 10);
  assert_non_null(t1);
  for (int i = 9; i < 20; i++)
    delete_idx(f->b, i);
  /* the token still works; the rest is empty */
  assert_int_equal(page_ok(f->b, 10, t1, NULL, &t2), 0);
  assert_null(t2);
  free(t1);
}

/* Deleted configurations at the end of the store do not make a page that
 * reaches the last live one look unfinished. */
static void test_no_token_when_only_deleted_items_follow(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 20);
  for (int i = 10; i < 20; i++)
    delete_idx(f->b, i);
  names acc = {0};
  char *t1, *t2;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  assert_null(t1);
  /* the same when the deletions happen between pages */
  create_n(f->b, 20, 10);
  assert_int_equal(page_ok(f->b, 5, NULL, NULL, &t1), 5);
  assert_non_null(t1);
  for (int i = 25; i < 30; i++)
    delete_idx(f->b, i);
  /* 5..9 and 20..24 are left after the token: two pages of 5 */
  char *t3;
  assert_int_equal(page_ok(f->b, 5, t1, &acc, &t2), 5);
  assert_non_null(t2);
  assert_int_equal(page_ok(f->b, 5, t2, &acc, &t3), 5);
  assert_null(t3);
  assert_run(&acc, 10, 5, 5);
  assert_run(&acc, 15, 20, 5);
  free(t1);
  free(t2);
  names_free(&acc);
}

/* Many deletions between pages (enough to make tombstones the majority of
 * the store, whatever it does with them) must not disturb the cursor. */
static void test_mass_deletion_between_pages(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 400);
  names acc = {0};
  char *t1;
  assert_int_equal(page_ok(f->b, 100, NULL, &acc, &t1), 100);
  /* delete every item with i % 4 != 1, both listed and not yet listed */
  for (int i = 0; i < 400; i++)
    if (i % 4 != 1)
      delete_idx(f->b, i);
  char *token = t1;
  while (token) {
    char *next;
    page_ok(f->b, 7, token, &acc, &next);
    free(token);
    token = next;
  }
  /* first page: 0..99; then 101, 105, ..., 397 */
  assert_run(&acc, 0, 0, 100);
  size_t at = 100;
  char want[32];
  for (int i = 101; i < 400; i += 4) {
    name_of(want, i);
    assert_true(at < acc.n);
    assert_string_equal(acc.v[at++], want);
  }
  assert_int_equal(at, acc.n);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 100);
  names_free(&acc);
}

static void test_create_between_pages(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 25);
  names acc = {0};
  char *t1, *t2, *t3;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  double ts_new = create_ok(f->b, "zz-new");
  assert_int_equal(page_ok(f->b, 10, t1, &acc, &t2), 10);
  assert_non_null(t2);
  assert_int_equal(page_ok(f->b, 10, t2, &acc, &t3), 6);
  assert_null(t3);
  assert_int_equal(acc.n, 26);
  assert_run(&acc, 0, 0, 25);
  assert_string_equal(acc.v[25], "zz-new"); /* once, at the end */
  assert_true(acc.ts[25] == ts_new);
  free(t1);
  free(t2);
  names_free(&acc);
}

static void test_create_on_last_page_boundary(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 10);
  char *t1, *t2;
  names acc = {0};
  /* a page that ends the store gives no token; a creation afterwards is
   * simply not part of that listing */
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  assert_null(t1);
  create_n(f->b, 10, 1);
  /* a page that stops before the end: the new item comes next */
  names acc2 = {0};
  assert_int_equal(page_ok(f->b, 10, NULL, &acc2, &t1), 10);
  assert_non_null(t1);
  create_n(f->b, 11, 1);
  assert_int_equal(page_ok(f->b, 10, t1, &acc2, &t2), 2);
  assert_null(t2);
  assert_run(&acc2, 0, 0, 12);
  free(t1);
  names_free(&acc);
  names_free(&acc2);
}

static size_t count_name(const names *acc, const char *name)
{
  size_t n = 0;
  for (size_t i = 0; i < acc->n; i++)
    n += strcmp(acc->v[i], name) == 0;
  return n;
}

/* A configuration not yet listed is deleted and created again under the
 * same name: the name appears once (the new configuration, at the end). */
static void test_recreate_unlisted_name_appears_once(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  names acc = {0};
  char *t1, *t2 = NULL, *token;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  delete_idx(f->b, 15);
  double ts_new = create_ok(f->b, "cfg-00015");
  token = t1;
  while (token) {
    page_ok(f->b, 10, token, &acc, &t2);
    free(token);
    token = t2;
  }
  assert_int_equal(count_name(&acc, "cfg-00015"), 1);
  assert_int_equal(acc.n, 30);
  assert_string_equal(acc.v[29], "cfg-00015");
  assert_true(acc.ts[29] == ts_new);
  names_free(&acc);
}

/* A configuration already listed is deleted and created again: the old
 * configuration is never returned after its deletion, the new one (told
 * apart by its CreatedTimeStamp) at most once, and nothing else is
 * skipped or repeated. */
static void test_recreate_listed_name_during_listing(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  names acc = {0};
  char *t1, *t2 = NULL, *token;
  assert_int_equal(page_ok(f->b, 10, NULL, &acc, &t1), 10);
  double ts_old = acc.ts[4];
  delete_idx(f->b, 4);
  double ts_new = create_ok(f->b, "cfg-00004");
  assert_true(ts_new != ts_old);
  size_t before = acc.n;
  token = t1;
  while (token) {
    page_ok(f->b, 10, token, &acc, &t2);
    free(token);
    token = t2;
  }
  size_t new_seen = 0;
  for (size_t i = before; i < acc.n; i++) {
    if (strcmp(acc.v[i], "cfg-00004") == 0) {
      assert_true(acc.ts[i] != ts_old); /* the deleted one never comes back */
      assert_true(acc.ts[i] == ts_new);
      new_seen++;
    }
  }
  assert_true(new_seen <= 1);
  /* everything that lived through the listing: exactly once, in order */
  for (int i = 0; i < 30; i++) {
    char want[32];
    if (i == 4)
      continue;
    name_of(want, i);
    assert_int_equal(count_name(&acc, want), 1);
  }
  assert_int_equal(acc.n, 30 + new_seen);
  names_free(&acc);
}

/* ---- property test ------------------------------------------------------------------ */

typedef struct rec {
  char name[32];
  double ts;
  long created_at;  /* pages fetched before its creation */
  long deleted_at;  /* pages fetched before its deletion; LONG_MAX if alive */
  long returned_in; /* 1-based page that returned it; 0 if none */
} rec;

typedef struct model {
  rec *r;
  size_t n, cap;
  size_t alive;
  int fresh; /* counter for new names */
} model;

static void model_create(gf_backend *b, model *m, const char *name, long pages_done)
{
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    rec *r = realloc(m->r, cap * sizeof *r);
    assert_non_null(r);
    m->r = r;
    m->cap = cap;
  }
  rec *r = &m->r[m->n];
  memset(r, 0, sizeof *r);
  snprintf(r->name, sizeof r->name, "%s", name);
  r->ts = create_ok(b, name);
  /* every timestamp of this fake is a creation: index by time */
  assert_true(r->ts == BASE_TIME + (double)m->n);
  r->created_at = pages_done;
  r->deleted_at = LONG_MAX;
  m->n++;
  m->alive++;
}

static rec *model_random_alive(model *m, uint64_t *s)
{
  if (!m->alive)
    return NULL;
  for (;;) {
    rec *r = &m->r[rnd(s, (unsigned)m->n)];
    if (r->deleted_at == LONG_MAX)
      return r;
  }
}

static int name_alive(const model *m, const char *name)
{
  for (size_t i = 0; i < m->n; i++)
    if (m->r[i].deleted_at == LONG_MAX && strcmp(m->r[i].name, name) == 0)
      return 1;
  return 0;
}

static void model_delete(gf_backend *b, model *m, rec *r, long pages_done)
{
  delete_ok(b, r->name);
  r->deleted_at = pages_done;
  m->alive--;
}

static void mutate(gf_backend *b, model *m, uint64_t *s, long pages_done, int round)
{
  unsigned what = rnd(s, 100);
  if (what < 40) {
    char name[32];
    snprintf(name, sizeof name, "r%02d-n%04d", round, m->fresh++);
    model_create(b, m, name, pages_done);
  } else if (what < 55 && m->n) {
    /* re-create a deleted name (not currently alive) */
    rec *r = &m->r[rnd(s, (unsigned)m->n)];
    if (r->deleted_at != LONG_MAX && !name_alive(m, r->name)) {
      char name[32];
      memcpy(name, r->name, sizeof name);
      model_create(b, m, name, pages_done);
    }
  } else if (what < 97) {
    rec *r = model_random_alive(m, s);
    if (r)
      model_delete(b, m, r, pages_done);
  } else {
    /* a burst: delete about half of what is alive */
    for (size_t i = 0; i < m->n; i++)
      if (m->r[i].deleted_at == LONG_MAX && rnd(s, 2))
        model_delete(b, m, &m->r[i], pages_done);
  }
}

static int64_t random_page_size(uint64_t *s)
{
  unsigned k = rnd(s, 100);
  if (k < 70)
    return 1 + rnd(s, 15);
  if (k < 90)
    return 16 + rnd(s, 105);
  if (k < 95)
    return ABSENT;
  return 1000;
}

static void run_property_round(int round, uint64_t *s)
{
  gf_fake *fake = fixed_fake_or_fail(NULL);
  gf_backend *b = gf_fake_backend(fake);
  model m = {0};
  size_t initial = rnd(s, 8) == 0 ? 300 + rnd(s, 300) : rnd(s, 150);
  for (size_t i = 0; i < initial; i++) {
    char name[32];
    snprintf(name, sizeof name, "r%02d-n%04d", round, m.fresh++);
    model_create(b, &m, name, 0);
  }
  /* some deletions before the listing starts */
  for (unsigned k = rnd(s, 20); k > 0; k--)
    mutate(b, &m, s, 0, round);

  char *token = NULL;
  long pages = 0;
  size_t last_index = 0;
  int any = 0;
  do {
    gf_get_security_configurations_response *resp;
    gf_error err = GF_ERROR_INIT;
    int64_t max = random_page_size(s);
    if (page_call(b, max, token, &resp, &err) != GF_OK)
      fail_msg("round %d page %ld: %s", round, pages + 1, gf_error_message(&err));
    pages++;
    size_t want_max = max == ABSENT ? 100 : (size_t)max;
    assert_true(resp->security_configurations_count <= want_max);
    /* exactly the next live configurations after the cursor, and a token
     * exactly when more are left */
    {
      size_t expect_n = 0, k = any ? last_index + 1 : 0;
      for (; k < m.n; k++) {
        if (m.r[k].deleted_at != LONG_MAX)
          continue;
        if (expect_n == want_max)
          break;
        if (expect_n < resp->security_configurations_count &&
            resp->security_configurations[expect_n].created_time_stamp != m.r[k].ts)
          fail_msg("round %d page %ld: item %zu is '%s', expected '%s'", round, pages,
                   expect_n, resp->security_configurations[expect_n].name, m.r[k].name);
        expect_n++;
      }
      if (expect_n != resp->security_configurations_count)
        fail_msg("round %d page %ld: %zu items, expected %zu", round, pages,
                 resp->security_configurations_count, expect_n);
      if ((k < m.n) != (resp->next_token != NULL))
        fail_msg("round %d page %ld: NextToken %s, but %s", round, pages,
                 resp->next_token ? "given" : "absent",
                 k < m.n ? "more configurations are left" : "none are left");
    }
    for (size_t i = 0; i < resp->security_configurations_count; i++) {
      const gf_security_configuration *c = &resp->security_configurations[i];
      double k = c->created_time_stamp - BASE_TIME;
      assert_true(k >= 0 && k < (double)m.n);
      size_t idx = (size_t)k;
      rec *r = &m.r[idx];
      assert_string_equal(c->name, r->name);
      /* returned at most once (a configuration, told apart by its time) */
      if (r->returned_in)
        fail_msg("round %d: '%s' returned in pages %ld and %ld", round, r->name,
                 r->returned_in, pages);
      /* never after its deletion */
      if (r->deleted_at < pages)
        fail_msg("round %d: '%s' returned in page %ld after its deletion before page %ld",
                 round, r->name, pages, r->deleted_at + 1);
      /* creation order */
      if (any && idx <= last_index)
        fail_msg("round %d: '%s' out of creation order", round, r->name);
      /* a name twice only if it was re-created after its earlier return */
      for (size_t j = 0; j < idx; j++)
        if (m.r[j].returned_in && strcmp(m.r[j].name, r->name) == 0)
          assert_true(m.r[j].deleted_at < pages && r->created_at >= m.r[j].returned_in);
      r->returned_in = pages;
      last_index = idx;
      any = 1;
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    if (resp->next_token)
      assert_non_null(token);
    gf_get_security_configurations_response_free(resp);
    if (token && pages < 60)
      for (unsigned k = rnd(s, 5); k > 0; k--)
        mutate(b, &m, s, pages, round);
    assert_true(pages < 100000);
  } while (token);

  /* every configuration that lived through the whole listing: exactly once */
  for (size_t i = 0; i < m.n; i++) {
    rec *r = &m.r[i];
    if (r->created_at == 0 && r->deleted_at == LONG_MAX && r->returned_in == 0)
      fail_msg("round %d: '%s' lived through the listing but was skipped", round, r->name);
  }

  /* and the store agrees with the model */
  assert_int_equal(gf_fake_security_configuration_count(fake), m.alive);
  names all = {0};
  list_all(b, 1000, &all);
  size_t at = 0;
  for (size_t i = 0; i < m.n; i++) {
    if (m.r[i].deleted_at != LONG_MAX)
      continue;
    assert_true(at < all.n);
    assert_string_equal(all.v[at], m.r[i].name);
    assert_true(all.ts[at] == m.r[i].ts);
    at++;
  }
  assert_int_equal(at, all.n);
  names_free(&all);
  free(m.r);
  gf_fake_free(fake);
}

static void test_property_random_listings(void **state)
{
  (void)state;
  uint64_t s = 0x2545F4914F6CDD1DULL; /* fixed seed */
  for (int round = 0; round < 60; round++)
    run_property_round(round, &s);
}

/* ---- tokens ----------------------------------------------------------------------------- */

static void test_forged_random_tokens(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  expect_invalid_token(f->b, "");
  expect_invalid_token(f->b, "x");
  expect_invalid_token(f->b, "not-a-token");
  expect_invalid_token(f->b, "AAAAAAAAAAAAAAAAAAAAAA");
  expect_invalid_token(f->b, "AAAAAAAAAAAAAAAAAAAAAA==");
  expect_invalid_token(f->b, "0");
  expect_invalid_token(f->b, "null");
  expect_invalid_token(f->b, "{\"cursor\":10}");
  expect_invalid_token(f->b, "\xc3\xa9t\xc3\xa9");
  expect_invalid_token(f->b, "\xff\xfe"); /* not UTF-8 */
  uint64_t s = 0x9E3779B97F4A7C15ULL;
  char buf[1100];
  for (int i = 0; i < 300; i++) {
    size_t len = i < 200 ? 22 : 1 + rnd(&s, 1000);
    for (size_t k = 0; k < len; k++)
      buf[k] = B64[rnd(&s, 64)];
    buf[len] = '\0';
    expect_invalid_token(f->b, buf);
  }
  /* printable garbage */
  for (int i = 0; i < 50; i++) {
    size_t len = 1 + rnd(&s, 40);
    for (size_t k = 0; k < len; k++)
      buf[k] = (char)(0x21 + rnd(&s, 94));
    buf[len] = '\0';
    expect_invalid_token(f->b, buf);
  }
}

static void test_token_with_one_character_changed(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 30);
  char *t1;
  page_ok(f->b, 10, NULL, NULL, &t1);
  assert_non_null(t1);
  size_t len = strlen(t1);
  char *edit = strdup(t1);
  assert_non_null(edit);
  for (size_t i = 0; i < len; i++) {
    const char *replacements[] = {"A", "B", "_", "-", "z", "0", "=", "+", "/", " ", "."};
    for (size_t r = 0; r < sizeof replacements / sizeof replacements[0]; r++) {
      if (t1[i] == replacements[r][0])
        continue;
      strcpy(edit, t1);
      edit[i] = replacements[r][0];
      expect_invalid_token(f->b, edit);
    }
    /* the next letter of the alphabet, whatever it was */
    strcpy(edit, t1);
    const char *p = strchr(B64, t1[i]);
    edit[i] = p ? B64[(p - B64 + 1) % 64] : 'A';
    expect_invalid_token(f->b, edit);
  }
  /* truncated and extended */
  strcpy(edit, t1);
  edit[len - 1] = '\0';
  expect_invalid_token(f->b, edit);
  char longer[64];
  snprintf(longer, sizeof longer, "%sA", t1);
  expect_invalid_token(f->b, longer);
  snprintf(longer, sizeof longer, "A%s", t1);
  expect_invalid_token(f->b, longer);
  snprintf(longer, sizeof longer, "%s%s", t1, t1);
  expect_invalid_token(f->b, longer);
  snprintf(longer, sizeof longer, " %s", t1);
  expect_invalid_token(f->b, longer);
  /* the original still works */
  char *t2;
  assert_int_equal(page_ok(f->b, 10, t1, NULL, &t2), 10);
  free(t2);
  free(edit);
  free(t1);
}

static void test_token_with_edited_bytes(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 40);
  char *t1, *t2, *t3;
  page_ok(f->b, 10, NULL, NULL, &t1);
  page_ok(f->b, 10, t1, NULL, &t2);
  page_ok(f->b, 10, t2, NULL, &t3);
  assert_non_null(t3);
  unsigned char raw[64], raw2[64], edit[64];
  char out[128];
  size_t n = b64_decode(t1, raw, sizeof raw);
  assert_true(n >= 8);
  b64_encode(raw, n, out);
  assert_string_equal(out, t1); /* canonical base64url: our re-encoding is exact */
  /* flip single bits in every byte: same shape, edited content */
  for (size_t i = 0; i < n; i++) {
    for (int bit = 0; bit < 8; bit++) {
      memcpy(edit, raw, n);
      edit[i] ^= (unsigned char)(1u << bit);
      b64_encode(edit, n, out);
      expect_invalid_token(f->b, out);
    }
  }
  /* small integer edits of every byte (a cursor moved by one, ...) */
  for (size_t i = 0; i < n; i++) {
    memcpy(edit, raw, n);
    edit[i] = (unsigned char)(edit[i] + 1);
    b64_encode(edit, n, out);
    expect_invalid_token(f->b, out);
    memcpy(edit, raw, n);
    edit[i] = (unsigned char)(edit[i] - 1);
    b64_encode(edit, n, out);
    expect_invalid_token(f->b, out);
  }
  /* splices of two valid tokens */
  size_t n2 = b64_decode(t2, raw2, sizeof raw2);
  assert_int_equal(n2, n);
  assert_true(memcmp(raw, raw2, n) != 0);
  for (size_t cut = 1; cut < n; cut++) {
    memcpy(edit, raw, cut);
    memcpy(edit + cut, raw2 + cut, n - cut);
    if (memcmp(edit, raw, n) == 0 || memcmp(edit, raw2, n) == 0)
      continue;
    b64_encode(edit, n, out);
    expect_invalid_token(f->b, out);
  }
  /* all-zero and all-ones bytes of the same length */
  memset(edit, 0, n);
  b64_encode(edit, n, out);
  expect_invalid_token(f->b, out);
  memset(edit, 0xff, n);
  b64_encode(edit, n, out);
  expect_invalid_token(f->b, out);
  free(t1);
  free(t2);
  free(t3);
}

static void test_token_from_another_account_is_rejected(void **state)
{
  fx *f = *state;
  gf_fake *other = fixed_fake_or_fail("210987654321");
  gf_backend *ob = gf_fake_backend(other);
  create_n(f->b, 0, 30);
  create_n(ob, 0, 30);
  char *mine, *theirs;
  page_ok(f->b, 10, NULL, NULL, &mine);
  page_ok(ob, 10, NULL, NULL, &theirs);
  assert_non_null(mine);
  assert_non_null(theirs);
  assert_string_not_equal(mine, theirs);
  expect_invalid_token(f->b, theirs);
  expect_invalid_token(ob, mine);
  /* each still accepts its own */
  char *next;
  assert_int_equal(page_ok(f->b, 10, mine, NULL, &next), 10);
  free(next);
  assert_int_equal(page_ok(ob, 10, theirs, NULL, &next), 10);
  free(next);
  free(mine);
  free(theirs);
  gf_fake_free(other);
}

/*
 * Tokens depend on the state alone (account id and position), so that a
 * transcript recorded after a reset replays on a fresh fake.  A token from
 * before a reset is therefore rejected while the new store has not issued
 * it, and once the store is rebuilt by the same calls it is the very same
 * token again.
 */
static void test_stale_token_after_reset(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  create_n(f->b, 0, 30);
  char *t1, *t2;
  page_ok(f->b, 10, NULL, NULL, &t1);
  page_ok(f->b, 10, t1, NULL, &t2);
  assert_non_null(t2);

  gf_fake_reset(f->fake);
  expect_invalid_token(f->b, t1); /* empty store: never issued here */
  expect_invalid_token(f->b, t2);
  assert_int_equal(gf_fake_set_clock(f->fake, BASE_TIME, 1, &err), GF_OK);
  create_n(f->b, 0, 5);
  expect_invalid_token(f->b, t1); /* fewer items than the token points past */
  expect_invalid_token(f->b, t2);

  /* rebuilt by the same calls: the same state gives the same tokens */
  gf_fake_reset(f->fake);
  assert_int_equal(gf_fake_set_clock(f->fake, BASE_TIME, 1, &err), GF_OK);
  create_n(f->b, 0, 30);
  char *n1, *n2;
  assert_int_equal(page_ok(f->b, 10, NULL, NULL, &n1), 10);
  assert_int_equal(page_ok(f->b, 10, n1, NULL, &n2), 10);
  assert_string_equal(n1, t1);
  assert_string_equal(n2, t2);
  free(n1);
  free(n2);
  free(t1);
  free(t2);
}

/* Drives a fake through a fixed scenario, collecting every token. */
static size_t scripted_tokens(gf_fake *fake, char **tokens, size_t cap)
{
  gf_backend *b = gf_fake_backend(fake);
  create_n(b, 0, 53);
  size_t n = 0;
  char *token = NULL;
  int step = 0;
  do {
    char *next;
    page_ok(b, 7, token, NULL, &next);
    free(token);
    token = next;
    if (token) {
      assert_true(n < cap);
      tokens[n] = strdup(token);
      assert_non_null(tokens[n]);
      n++;
    }
    /* a few changes between pages */
    if (step == 1)
      delete_idx(b, 20);
    if (step == 2)
      create_n(b, 100, 2);
    if (step == 3)
      delete_idx(b, 13); /* already listed */
    step++;
  } while (token);
  return n;
}

static void test_tokens_are_deterministic(void **state)
{
  (void)state;
  gf_fake *a = fixed_fake_or_fail(NULL);
  gf_fake *b = fixed_fake_or_fail(NULL);
  char *ta[64], *tb[64];
  size_t na = scripted_tokens(a, ta, 64);
  size_t nb = scripted_tokens(b, tb, 64);
  assert_int_equal(na, nb);
  assert_true(na >= 7);
  for (size_t i = 0; i < na; i++) {
    assert_string_equal(ta[i], tb[i]);
    /* and the tokens of one listing are all different */
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(ta[i], ta[j]);
  }
  /* a token of one fake works on the twin */
  char *next;
  page_ok(gf_fake_backend(b), 7, ta[0], NULL, &next);
  free(next);
  for (size_t i = 0; i < na; i++) {
    free(ta[i]);
    free(tb[i]);
  }
  gf_fake_free(a);
  gf_fake_free(b);
}

/* The tokens of scripted_tokens() and the PolicyHash of one document, one a
 * line, as a fresh fake in this process gives them. */
static void print_deterministic_values(FILE *out)
{
  gf_fake *fake = fixed_fake_or_fail(NULL);
  char *tokens[64];
  size_t n = scripted_tokens(fake, tokens, 64);
  for (size_t i = 0; i < n; i++) {
    fprintf(out, "token %s\n", tokens[i]);
    free(tokens[i]);
  }
  gf_put_resource_policy_request put = {"{\"Version\":\"2012-10-17\",\"Statement\":[]}", NULL,
                                        NULL, NULL, NULL};
  gf_put_resource_policy_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  if (gf_put_resource_policy(gf_fake_backend(fake), &put, &resp, &err) != GF_OK)
    fail_msg("PutResourcePolicy: %s", gf_error_message(&err));
  fprintf(out, "hash %s\n", resp->policy_hash);
  gf_put_resource_policy_response_free(resp);
  gf_fake_free(fake);
}

/* DESIGN.md: NextToken is deterministic - "the same state and calls give the
 * same tokens in every process, so recorded transcripts replay" - and the
 * PolicyHash is deterministic for the same document.  Two fakes of one
 * process could agree on a value derived from an address or a per-process
 * secret; a second process (this binary run again, with its own address
 * space layout) must give the same bytes. */
static void test_tokens_are_deterministic_across_processes(void **state)
{
  (void)state;
  char here[1 << 14];
  FILE *mem = fmemopen(here, sizeof here, "w");
  assert_non_null(mem);
  print_deterministic_values(mem);
  assert_int_equal(fclose(mem), 0);

  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  assert_true(len > 0);
  self[len] = '\0';
  char command[4200];
  snprintf(command, sizeof command, "GLUEFAKE_TEST_PRINT_DETERMINISTIC=1 '%s'", self);
  FILE *child = popen(command, "r");
  assert_non_null(child);
  static char there[1 << 14];
  size_t got = fread(there, 1, sizeof there - 1, child);
  there[got] = '\0';
  assert_int_equal(pclose(child), 0);
  assert_true(strstr(here, "token ") != NULL);
  assert_true(strstr(here, "hash ") != NULL);
  assert_string_equal(there, here);
}

static void test_token_can_be_reused(void **state)
{
  fx *f = *state;
  create_n(f->b, 0, 35);
  char *t1, *t2a, *t2b, *t3;
  names a = {0}, b = {0};
  page_ok(f->b, 10, NULL, NULL, &t1);
  assert_int_equal(page_ok(f->b, 10, t1, &a, &t2a), 10);
  assert_int_equal(page_ok(f->b, 10, t1, &b, &t2b), 10);
  assert_non_null(t2a);
  assert_non_null(t2b);
  assert_string_equal(t2a, t2b);
  assert_int_equal(a.n, b.n);
  for (size_t i = 0; i < a.n; i++) {
    assert_string_equal(a.v[i], b.v[i]);
    assert_true(a.ts[i] == b.ts[i]);
  }
  assert_run(&a, 0, 10, 10);
  /* the first page again gives the same token */
  char *t1again;
  page_ok(f->b, 10, NULL, NULL, &t1again);
  assert_string_equal(t1, t1again);
  /* going on from the reused token finishes the listing */
  assert_int_equal(page_ok(f->b, 10, t2b, NULL, &t3), 10);
  free(t3);
  /* a token may be used with another page size */
  names c = {0};
  char *tc;
  assert_int_equal(page_ok(f->b, 3, t1, &c, &tc), 3);
  assert_run(&c, 0, 10, 3);
  free(tc);
  free(t1);
  free(t1again);
  free(t2a);
  free(t2b);
  names_free(&a);
  names_free(&b);
  names_free(&c);
}

/* ---- scale ----------------------------------------------------------------------------- */

static void test_paging_20000_configurations(void **state)
{
  fx *f = *state;
  const int total = 20000;
  create_n(f->b, 0, total);
  names acc = {0};
  size_t pages = list_all(f->b, 100, &acc);
  assert_int_equal(pages, 200);
  assert_int_equal(acc.n, (size_t)total);
  assert_run(&acc, 0, 0, total);
  names_free(&acc);
}

int main(void)
{
  /* The child of test_tokens_are_deterministic_across_processes. */
  if (getenv("GLUEFAKE_TEST_PRINT_DETERMINISTIC")) {
    print_deterministic_values(stdout);
    return 0;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_default_page_size_is_100, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pages_of_10_over_25, setup, teardown),
      cmocka_unit_test_setup_teardown(test_exact_multiple_has_no_empty_last_page, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_empty_store, setup, teardown),
      cmocka_unit_test_setup_teardown(test_max_results_1, setup, teardown),
      cmocka_unit_test_setup_teardown(test_max_results_1000, setup, teardown),
      cmocka_unit_test_setup_teardown(test_max_results_out_of_range, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_between_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_item_the_token_points_after, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete_everything_after_the_token, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_token_when_only_deleted_items_follow, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_mass_deletion_between_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_between_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_on_last_page_boundary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recreate_unlisted_name_appears_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_recreate_listed_name_during_listing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_property_random_listings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_forged_random_tokens, setup, teardown),
      cmocka_unit_test_setup_teardown(test_token_with_one_character_changed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_token_with_edited_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_token_from_another_account_is_rejected, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_stale_token_after_reset, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tokens_are_deterministic, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tokens_are_deterministic_across_processes, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_token_can_be_reused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_paging_20000_configurations, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
