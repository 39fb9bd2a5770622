/*
 * test_fixture.c - fixtures and snapshots: gf_fake_load, gf_fake_load_file
 * and gf_fake_dump.
 *
 *  - every key of the format on its own, and all of them together (the
 *    example of DESIGN.md, verbatim), read back through the API;
 *  - keys left out take the values of a reset fake; the call log is left
 *    alone;
 *  - every error path of the loader, one malformed fixture per rule: status
 *    GF_INVALID_INPUT, the message "SOURCE: PATH: RULE" (FILE:LINE:COL for
 *    JSON syntax), and the fake exactly as it was (its dump, its fault rules
 *    and their counters, its call log);
 *  - snapshots: load -> dump -> load -> dump gives identical bytes, the dump
 *    is canonical, and a dump resets a fake to a known state;
 *  - a seeded round-trip property over random states built through the API
 *    (dump bytes, and listings with their NextTokens);
 *  - every file in fixtures/ (enumerated, so that a new file is covered),
 *    and a generated 10,000-configuration fixture.
 *
 * Tests run from the repository root (as `make test` runs them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "gluefake.h"
#include "gluefake/fixture.h"
#include "gluefake/sys/alloc.h"
#include "helpers.h"

#define SRC "t.json"
#define DEFAULT_ARN "arn:aws:glue:us-east-1:123456789012:catalog"
#define KMS_ARN "arn:aws:kms:us-east-1:123456789012:key/abc"
#define DOC_EMPTY "{\"Version\":\"2012-10-17\",\"Statement\":[]}"

/* The example of DESIGN.md ("Fixture format"), verbatim. */
static const char design_example[] =
    "{\n"
    "  \"account_id\": \"123456789012\",\n"
    "  \"clock\": {\"now\": 1700000000, \"step\": 1},\n"
    "  \"limits\": {\"security_configurations\": 250},\n"
    "  \"security_configurations\": [\n"
    "    {\"Name\": \"etl-kms\", \"CreatedTimeStamp\": 1690000000,\n"
    "     \"EncryptionConfiguration\": {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-KMS\", "
    "\"KmsKeyArn\": \"arn:aws:kms:us-east-1:123456789012:key/abc\"}]}}\n"
    "  ],\n"
    "  \"data_catalog_encryption_settings\": {\n"
    "    \"123456789012\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"SSE-KMS\", "
    "\"SseAwsKmsKeyId\": \"alias/glue\"},\n"
    "                     \"ConnectionPasswordEncryption\": "
    "{\"ReturnConnectionPasswordEncrypted\": true, \"AwsKmsKeyId\": \"alias/pw\"}}\n"
    "  },\n"
    "  \"resource_policies\": {\"arn:aws:glue:us-east-1:123456789012:catalog\":\n"
    "    {\"PolicyInJson\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\", "
    "\"CreateTime\": 1690000000, \"UpdateTime\": 1690000500}},\n"
    "  \"faults\": \"CreateSecurityConfiguration=2*off->1*OperationTimeout\"\n"
    "}\n";

/* ---- fixture ------------------------------------------------------------------ */

typedef fake_fx fx;

static gf_fake *new_fake(const char *account_id)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = test_fake_new(account_id, &err);
  if (!fake)
    fail_msg("gf_fake_new: %s", gf_error_message(&err));
  gf_error_clear(&err);
  return fake;
}

/* The fake keeps the real clock: the fixtures under test set their own. */
static int setup(void **state) { return fake_fx_start(state, test_fake_new(NULL, NULL)); }

static int teardown(void **state) { return fake_fx_teardown(state); }

/* ---- helpers ------------------------------------------------------------------ */

#define load_ok(fake, text) load_ok_((fake), (text), strlen(text), __FILE__, __LINE__)

static void load_ok_(gf_fake *fake, const char *text, size_t len, const char *file, int line)
{
  gf_error err = GF_ERROR_INIT;
  gf_status s = gf_fake_load(fake, text, len, SRC, &err);
  if (s != GF_OK) {
    print_error("gf_fake_load failed: %s: %s\n", gf_status_name(s), gf_error_message(&err));
    gf_error_clear(&err);
    _fail(file, line);
  }
  gf_error_clear(&err);
}

static char *dump(gf_fake *fake)
{
  char *d = gf_fake_dump(fake);
  assert_non_null(d);
  return d;
}

static char *faults_spec(gf_fake *fake)
{
  char *s = gf_faults_spec(gf_fake_faults(fake));
  assert_non_null(s);
  return s;
}

static double wall_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Creates `name` with `ec` (NULL: an empty EncryptionConfiguration). */
static gf_status create(gf_backend *b, const char *name, const gf_encryption_configuration *ec,
                        double *ts, gf_error *err)
{
  static const gf_encryption_configuration empty = {0};
  gf_create_security_configuration_request req = {name, ec ? ec : &empty};
  gf_create_security_configuration_response *resp = NULL;
  gf_status s = gf_create_security_configuration(b, &req, &resp, err);
  if (s == GF_OK && ts) {
    assert_true(resp->has_created_timestamp);
    *ts = resp->created_timestamp;
  }
  gf_create_security_configuration_response_free(resp);
  return s;
}

static void create_ok(gf_backend *b, const char *name, double expect_ts)
{
  gf_error err = GF_ERROR_INIT;
  double ts = -1;
  gf_status s = create(b, name, NULL, &ts, &err);
  if (s != GF_OK)
    fail_msg("create %s: %s: %s", name, gf_status_name(s), gf_error_message(&err));
  assert_true(ts == expect_ts);
  gf_error_clear(&err);
}

/* The stored configuration `name` as JSON text (GetSecurityConfiguration). */
static char *get_config_json(gf_backend *b, const char *name)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *resp = NULL;
  gf_status s = gf_get_security_configuration(b, &req, &resp, &err);
  if (s != GF_OK)
    fail_msg("get %s: %s: %s", name, gf_status_name(s), gf_error_message(&err));
  cJSON *j = gf_response_to_json(GF_OP_GET_SECURITY_CONFIGURATION, resp);
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  gf_get_security_configuration_response_free(resp);
  return text; /* free with cJSON_free */
}

/* GetDataCatalogEncryptionSettings as JSON text. */
static char *get_catalog_json(gf_backend *b, const char *catalog_id)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *resp = NULL;
  gf_status s = gf_get_data_catalog_encryption_settings(b, &req, &resp, &err);
  if (s != GF_OK)
    fail_msg("get catalog %s: %s: %s", catalog_id ? catalog_id : "(default)",
             gf_status_name(s), gf_error_message(&err));
  cJSON *j = gf_response_to_json(GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, resp);
  char *text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  gf_get_data_catalog_encryption_settings_response_free(resp);
  return text;
}

static void assert_catalog(gf_backend *b, const char *catalog_id, const char *expect)
{
  char *got = get_catalog_json(b, catalog_id);
  assert_string_equal(got, expect);
  cJSON_free(got);
}

#define DEFAULT_CATALOG                                                                    \
  "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"  \
  "\"DISABLED\"},\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":" \
  "false}}}"

/* GetResourcePolicy; *resp NULL when none. */
static gf_status get_policy(gf_backend *b, const char *arn, gf_get_resource_policy_response **resp)
{
  gf_error err = GF_ERROR_INIT;
  gf_get_resource_policy_request req = {arn};
  *resp = NULL;
  gf_status s = gf_get_resource_policy(b, &req, resp, &err);
  gf_error_clear(&err);
  return s;
}

static char *put_policy(gf_backend *b, const char *arn, const char *doc, const char *hash_cond,
                        gf_status expect)
{
  gf_error err = GF_ERROR_INIT;
  char *hash = NULL;
  gf_status s = policy_put(b, doc, hash_cond, NULL, arn, &hash, &err);
  if (s != expect)
    fail_msg("put policy: %s, expected %s: %s", gf_status_name(s), gf_status_name(expect),
             gf_error_message(&err));
  gf_error_clear(&err);
  return hash;
}

/* Every page of GetSecurityConfigurations with `max` per page, each page's
 * response as JSON (NextToken included), one line per page. */
static char *listing(gf_backend *b, int64_t max)
{
  size_t cap = 4096, len = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  char *token = NULL;
  for (int pages = 0;; pages++) {
    assert_true(pages < 100000);
    gf_error err = GF_ERROR_INIT;
    gf_get_security_configurations_request req = {true, max, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_status s = gf_get_security_configurations(b, &req, &resp, &err);
    if (s != GF_OK)
      fail_msg("listing: %s: %s", gf_status_name(s), gf_error_message(&err));
    cJSON *j = gf_response_to_json(GF_OP_GET_SECURITY_CONFIGURATIONS, resp);
    char *text = cJSON_PrintUnformatted(j);
    assert_non_null(text);
    size_t n = strlen(text);
    if (len + n + 2 > cap) {
      while (len + n + 2 > cap)
        cap *= 2;
      out = realloc(out, cap);
      assert_non_null(out);
    }
    memcpy(out + len, text, n);
    len += n;
    out[len++] = '\n';
    out[len] = '\0';
    cJSON_free(text);
    cJSON_Delete(j);
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
    if (!token)
      break;
  }
  return out;
}

/* Names listed, in order, comma-separated. */
static char *listed_names(gf_backend *b)
{
  size_t cap = 1024, len = 0;
  char *out = malloc(cap);
  assert_non_null(out);
  out[0] = '\0';
  char *token = NULL;
  do {
    gf_error err = GF_ERROR_INIT;
    gf_get_security_configurations_request req = {true, 1000, token};
    gf_get_security_configurations_response *resp = NULL;
    gf_status s = gf_get_security_configurations(b, &req, &resp, &err);
    if (s != GF_OK)
      fail_msg("listing: %s: %s", gf_status_name(s), gf_error_message(&err));
    for (size_t i = 0; i < resp->security_configurations_count; i++) {
      const char *name = resp->security_configurations[i].name;
      size_t n = strlen(name);
      while (len + n + 2 > cap) {
        cap *= 2;
        out = realloc(out, cap);
        assert_non_null(out);
      }
      if (len)
        out[len++] = ',';
      memcpy(out + len, name, n + 1);
      len += n;
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
  } while (token);
  return out;
}

static int starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Prints a message with control and non-ASCII bytes escaped (a broken
 * message must not break the report). */
static void print_escaped(const char *label, const char *s)
{
  char buf[1200];
  size_t n = 0;
  for (; s && *s && n + 5 < sizeof buf; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c < 0x7f)
      buf[n++] = (char)c;
    else
      n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02x", c);
  }
  buf[n] = '\0';
  print_error("    %s: \"%s\"\n", label, s ? buf : "(null)");
}

/* ---- a state that a failed load must leave exactly as it was ------------------- */

/* The DESIGN example without its faults, plus more data, API fault rules
 * with counters already moved, and a call log. */
static const char preset_fixture[] =
    "{\"account_id\": \"123456789012\", \"clock\": {\"now\": 1700000000, \"step\": 1},"
    " \"limits\": {\"security_configurations\": 250},"
    " \"security_configurations\": ["
    "  {\"Name\": \"etl-kms\", \"CreatedTimeStamp\": 1690000000, \"EncryptionConfiguration\":"
    "   {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-KMS\", \"KmsKeyArn\": \"" KMS_ARN "\"}]}},"
    "  {\"Name\": \"plain\", \"CreatedTimeStamp\": 1690000001, \"EncryptionConfiguration\": {}}],"
    " \"data_catalog_encryption_settings\": {\"123456789012\": {\"EncryptionAtRest\":"
    "  {\"CatalogEncryptionMode\": \"SSE-KMS\", \"SseAwsKmsKeyId\": \"alias/glue\"}}},"
    " \"resource_policies\": {\"" DEFAULT_ARN "\": {\"PolicyInJson\": \"{}\","
    "  \"CreateTime\": 1690000000, \"UpdateTime\": 1690000500}}}";

#define PRESET_FAULTS "GetSecurityConfiguration=1*off->1*InternalService"

static void preset(gf_fake *fake)
{
  load_ok(fake, preset_fixture);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_set(gf_fake_faults(fake), PRESET_FAULTS, &err), GF_OK);
  gf_get_security_configuration_request req = {"plain"};
  gf_get_security_configuration_response *resp = NULL;
  assert_int_equal(gf_get_security_configuration(gf_fake_backend(fake), &req, &resp, &err),
                   GF_OK);
  gf_get_security_configuration_response_free(resp);
  gf_error_clear(&err);
}

/* Loads a malformed fixture: returns the number of problems found (0 when
 * the load failed as expected and changed nothing), printing each. */
static int expect_bad_(gf_fake *fake, const char *what, const char *json, size_t len,
                       const char *source, const char *exact, const char *prefix,
                       const char *contains)
{
  int problems = 0;
  char *before = dump(fake), *spec_before = faults_spec(fake);
  size_t calls_before = gf_calls_count(gf_fake_calls(fake));
  size_t served_before = 0, fired_before = 0;
  int had_rule = gf_faults_counts(gf_fake_faults(fake), "GetSecurityConfiguration",
                                  &served_before, &fired_before);

  gf_error err = GF_ERROR_INIT;
  gf_status s = gf_fake_load(fake, json, len, source, &err);
  const char *msg = err.message;
  if (s != GF_INVALID_INPUT) {
    print_error("[%s] status %s, expected InvalidInputException\n", what, gf_status_name(s));
    problems++;
  }
  if (!msg || (exact && strcmp(msg, exact) != 0) || (prefix && !starts_with(msg, prefix)) ||
      (contains && !strstr(msg, contains))) {
    print_error("[%s] wrong message\n", what);
    print_escaped("got     ", msg);
    if (exact)
      print_escaped("expected", exact);
    if (prefix)
      print_escaped("expected to start with", prefix);
    if (contains)
      print_escaped("expected to contain", contains);
    problems++;
  }
  gf_error_clear(&err);

  char *after = dump(fake), *spec_after = faults_spec(fake);
  if (strcmp(before, after) != 0) {
    print_error("[%s] the state changed:\n--- before\n%s--- after\n%s", what, before, after);
    problems++;
  }
  if (strcmp(spec_before, spec_after) != 0) {
    print_error("[%s] the fault rules changed: \"%s\" -> \"%s\"\n", what, spec_before,
                spec_after);
    problems++;
  }
  size_t served_after = 0, fired_after = 0;
  int has_rule = gf_faults_counts(gf_fake_faults(fake), "GetSecurityConfiguration",
                                  &served_after, &fired_after);
  if (had_rule != has_rule || served_before != served_after || fired_before != fired_after) {
    print_error("[%s] the fault counters changed\n", what);
    problems++;
  }
  if (gf_calls_count(gf_fake_calls(fake)) != calls_before) {
    print_error("[%s] the call log changed\n", what);
    problems++;
  }
  gf_buffer_free(before);
  gf_buffer_free(after);
  gf_buffer_free(spec_before);
  gf_buffer_free(spec_after);
  return problems;
}

/* Exact message. */
#define BAD(fake, what, json, exact)                                                       \
  expect_bad_((fake), (what), (json), strlen(json), SRC, (exact), NULL, NULL)
/* Message "SOURCE: PATH: ..." with a rule of the implementation's wording. */
#define BAD_PREFIX(fake, what, json, prefix)                                               \
  expect_bad_((fake), (what), (json), strlen(json), SRC, NULL, (prefix), NULL)
#define BAD_PREFIX_HAS(fake, what, json, prefix, contains)                                 \
  expect_bad_((fake), (what), (json), strlen(json), SRC, NULL, (prefix), (contains))

#define ASSERT_NO_PROBLEMS(n)                                                              \
  do {                                                                                     \
    if ((n) != 0)                                                                          \
      fail_msg("%d problem(s) found, see above", (n));                                     \
  } while (0)

/* A string of `n` copies of `unit`. */
static char *repeat(const char *unit, size_t n)
{
  size_t u = strlen(unit);
  char *s = malloc(u * n + 1);
  assert_non_null(s);
  for (size_t i = 0; i < n; i++)
    memcpy(s + i * u, unit, u);
  s[u * n] = '\0';
  return s;
}

static char *format(const char *fmt, ...) GF_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert_true(n >= 0);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* ======================================================================== */
/* Every key on its own                                                      */
/* ======================================================================== */

/* "region": the fake's region, in the default resource ARN and the dump;
 * left out, the region the fake was made with; not a region name, refused
 * with nothing changed. */
static void test_region_alone(void **state)
{
  fx *f = *state;
  load_ok(f->fake, "{\"region\": \"eu-west-1\"}");
  char region[GF_REGION_SIZE];
  gf_fake_region(f->fake, region);
  assert_string_equal(region, "eu-west-1");
  free(put_policy(f->b, NULL, DOC_EMPTY, NULL, GF_OK));
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, "arn:aws:glue:eu-west-1:123456789012:catalog", &resp), GF_OK);
  gf_get_resource_policy_response_free(resp);
  char *d = dump(f->fake);
  assert_non_null(strstr(d, "\"region\":\t\"eu-west-1\""));
  assert_non_null(strstr(d, "\"arn:aws:glue:eu-west-1:123456789012:catalog\""));
  gf_buffer_free(d);

  int n = 0;
  n += BAD(f->fake, "region not a name", "{\"region\": \"EU-WEST-1\"}",
           SRC ": region: must be a region name (1..32 of a-z, 0-9 and '-', such as us-east-1)");
  n += BAD(f->fake, "region not a string", "{\"region\": 1}",
           SRC ": region: must be a region name (1..32 of a-z, 0-9 and '-', such as us-east-1)");
  ASSERT_NO_PROBLEMS(n);
  gf_fake_region(f->fake, region);
  assert_string_equal(region, "eu-west-1");

  load_ok(f->fake, "{}");
  gf_fake_region(f->fake, region);
  assert_string_equal(region, GF_DEFAULT_REGION);
}

static void test_account_id_alone(void **state)
{
  fx *f = *state;
  load_ok(f->fake, "{\"account_id\": \"111122223333\"}");
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "111122223333");

  /* The default CatalogId follows it. */
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, "alias/k", NULL};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &settings};
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, &put, NULL, &err), GF_OK);
  const char *expect =
      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
      "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/k\"},\"ConnectionPasswordEncryption\":{"
      "\"ReturnConnectionPasswordEncrypted\":false}}}";
  assert_catalog(f->b, "111122223333", expect);
  assert_catalog(f->b, "123456789012", DEFAULT_CATALOG);

  /* So does the default resource ARN. */
  free(put_policy(f->b, NULL, DOC_EMPTY, NULL, GF_OK));
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, "arn:aws:glue:us-east-1:111122223333:catalog", &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, DOC_EMPTY);
  gf_get_resource_policy_response_free(resp);
  assert_int_equal(get_policy(f->b, DEFAULT_ARN, &resp), GF_ENTITY_NOT_FOUND);

  /* A fixture's settings and policy for that account are the defaults read. */
  load_ok(f->fake,
          "{\"account_id\": \"210987654321\","
          " \"data_catalog_encryption_settings\": {\"210987654321\": {\"ConnectionPasswordEncryption\":"
          "  {\"ReturnConnectionPasswordEncrypted\": true}}},"
          " \"resource_policies\": {\"arn:aws:glue:us-east-1:210987654321:catalog\":"
          "  {\"PolicyInJson\": \"[1]\", \"CreateTime\": 5}}}");
  assert_catalog(f->b, NULL,
                 "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                 "\"CatalogEncryptionMode\":\"DISABLED\"},\"ConnectionPasswordEncryption\":{"
                 "\"ReturnConnectionPasswordEncrypted\":true}}}");
  assert_int_equal(get_policy(f->b, NULL, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, "[1]");
  gf_get_resource_policy_response_free(resp);
  gf_error_clear(&err);
}

static void test_clock_alone(void **state)
{
  fx *f = *state;
  load_ok(f->fake, "{\"clock\": {\"now\": 1700000000, \"step\": 1}}");
  create_ok(f->b, "a", 1700000000);
  create_ok(f->b, "b", 1700000001);
  create_ok(f->b, "c", 1700000002);
  char *text = get_config_json(f->b, "b");
  assert_string_equal(text, "{\"SecurityConfiguration\":{\"Name\":\"b\",\"CreatedTimeStamp\":"
                            "1700000001,\"EncryptionConfiguration\":{}}}");
  cJSON_free(text);

  /* step is optional: 0. */
  load_ok(f->fake, "{\"clock\": {\"now\": 42}}");
  create_ok(f->b, "a", 42);
  create_ok(f->b, "b", 42);
  char *d = dump(f->fake);
  assert_non_null(strstr(d, "\"step\":\t0"));
  gf_buffer_free(d);

  /* Fractions. */
  load_ok(f->fake, "{\"clock\": {\"step\": 0.25, \"now\": 10.5}}");
  create_ok(f->b, "a", 10.5);
  create_ok(f->b, "b", 10.75);
  assert_true(gf_fake_now(f->fake) == 11.0);
}

static void test_limits_alone(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  load_ok(f->fake, "{\"limits\": {\"security_configurations\": 2}}");
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_OK);
  assert_int_equal(create(f->b, "b", NULL, NULL, &err), GF_OK);
  assert_int_equal(create(f->b, "c", NULL, NULL, &err), GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  load_ok(f->fake, "{\"limits\": {\"security_configurations\": 0}}");
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);

  /* With configurations: the limit counts them. */
  load_ok(f->fake, "{\"limits\": {\"security_configurations\": 3}, \"security_configurations\":"
                   " [{\"Name\": \"x\", \"EncryptionConfiguration\": {}},"
                   "  {\"Name\": \"y\", \"EncryptionConfiguration\": {}}]}");
  assert_int_equal(create(f->b, "z", NULL, NULL, &err), GF_OK);
  assert_int_equal(create(f->b, "w", NULL, NULL, &err), GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);

  /* An empty limits object: no limit. */
  load_ok(f->fake, "{\"limits\": {}}");
  for (int i = 0; i < 5; i++) {
    char name[8];
    snprintf(name, sizeof name, "n%d", i);
    assert_int_equal(create(f->b, name, NULL, NULL, &err), GF_OK);
  }
  gf_error_clear(&err);
}

static void test_security_configurations_alone(void **state)
{
  fx *f = *state;
  load_ok(f->fake,
          "{\"security_configurations\": ["
          " {\"Name\": \"zeta\", \"CreatedTimeStamp\": 1690000000.5, \"EncryptionConfiguration\":"
          "  {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-S3\"},"
          "    {\"KmsKeyArn\": \"" KMS_ARN "\", \"S3EncryptionMode\": \"SSE-KMS\"}],"
          "   \"JobBookmarksEncryption\": {\"JobBookmarksEncryptionMode\": \"CSE-KMS\","
          "    \"KmsKeyArn\": \"" KMS_ARN "\"}}},"
          " {\"Name\": \"alpha\", \"CreatedTimeStamp\": 1600000000, \"EncryptionConfiguration\":"
          "  {\"S3Encryption\": []}},"
          " {\"Name\": \"mid\\tdle \\u00e9\\u20ac\", \"CreatedTimeStamp\": 1650000000,"
          "  \"EncryptionConfiguration\": {\"CloudWatchEncryption\": {\"CloudWatchEncryptionMode\":"
          "  \"DISABLED\"}}}]}");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 3);
  char *names = listed_names(f->b);
  assert_string_equal(names, "zeta,alpha,mid\tdle \xc3\xa9\xe2\x82\xac");
  free(names);

  char *text = get_config_json(f->b, "zeta");
  assert_string_equal(text,
                      "{\"SecurityConfiguration\":{\"Name\":\"zeta\",\"CreatedTimeStamp\":"
                      "1690000000.5,\"EncryptionConfiguration\":{\"S3Encryption\":[{"
                      "\"S3EncryptionMode\":\"SSE-S3\"},{\"S3EncryptionMode\":\"SSE-KMS\","
                      "\"KmsKeyArn\":\"" KMS_ARN "\"}],\"JobBookmarksEncryption\":{"
                      "\"JobBookmarksEncryptionMode\":\"CSE-KMS\",\"KmsKeyArn\":\"" KMS_ARN
                      "\"}}}}");
  cJSON_free(text);
  text = get_config_json(f->b, "alpha");
  assert_string_equal(text, "{\"SecurityConfiguration\":{\"Name\":\"alpha\",\"CreatedTimeStamp\":"
                            "1600000000,\"EncryptionConfiguration\":{\"S3Encryption\":[]}}}");
  cJSON_free(text);
  text = get_config_json(f->b, "mid\tdle \xc3\xa9\xe2\x82\xac");
  assert_non_null(strstr(text, "\"CreatedTimeStamp\":1650000000,"));
  assert_non_null(strstr(text, "\"CloudWatchEncryption\":{\"CloudWatchEncryptionMode\":"
                               "\"DISABLED\"}"));
  cJSON_free(text);

  /* New configurations come after the fixture's; names stay taken. */
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(create(f->b, "alpha", NULL, NULL, &err), GF_ALREADY_EXISTS);
  assert_int_equal(create(f->b, "beta", NULL, NULL, &err), GF_OK);
  names = listed_names(f->b);
  assert_string_equal(names, "zeta,alpha,mid\tdle \xc3\xa9\xe2\x82\xac,beta");
  free(names);
  gf_error_clear(&err);
}

static void test_created_time_stamp_from_fixture_clock(void **state)
{
  fx *f = *state;
  load_ok(f->fake, "{\"clock\": {\"now\": 100, \"step\": 1}, \"security_configurations\": ["
                   " {\"Name\": \"x\", \"EncryptionConfiguration\": {}},"
                   " {\"Name\": \"y\", \"CreatedTimeStamp\": 5, \"EncryptionConfiguration\": {}},"
                   " {\"Name\": \"z\", \"EncryptionConfiguration\": {}}]}");
  char *text = get_config_json(f->b, "x");
  assert_non_null(strstr(text, "\"CreatedTimeStamp\":100,"));
  cJSON_free(text);
  text = get_config_json(f->b, "y");
  assert_non_null(strstr(text, "\"CreatedTimeStamp\":5,"));
  cJSON_free(text);
  text = get_config_json(f->b, "z");
  assert_non_null(strstr(text, "\"CreatedTimeStamp\":101,"));
  cJSON_free(text);
  /* The readings advanced the clock: the next create continues from it. */
  create_ok(f->b, "w", 102);

  /* The clock key may come after the configurations in the document. */
  load_ok(f->fake, "{\"security_configurations\": [{\"Name\": \"x\", \"EncryptionConfiguration\":"
                   " {}}], \"clock\": {\"now\": 7, \"step\": 2}}");
  text = get_config_json(f->b, "x");
  assert_non_null(strstr(text, "\"CreatedTimeStamp\":7,"));
  cJSON_free(text);
  create_ok(f->b, "w", 9);

  /* Without a clock: real time. */
  double before = wall_now();
  load_ok(f->fake, "{\"security_configurations\": [{\"Name\": \"r\", \"EncryptionConfiguration\":"
                   " {}}]}");
  double after = wall_now();
  gf_get_security_configuration_request req = {"r"};
  gf_get_security_configuration_response *resp = NULL;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_get_security_configuration(f->b, &req, &resp, &err), GF_OK);
  assert_true(resp->security_configuration->has_created_time_stamp);
  double ts = resp->security_configuration->created_time_stamp;
  assert_true(ts >= before - 1 && ts <= after + 1);
  gf_get_security_configuration_response_free(resp);
}

static void test_catalog_settings_alone(void **state)
{
  fx *f = *state;
  load_ok(f->fake,
          "{\"data_catalog_encryption_settings\": {"
          " \"123456789012\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"SSE-KMS\","
          "   \"SseAwsKmsKeyId\": \"alias/glue\"}, \"ConnectionPasswordEncryption\":"
          "   {\"ReturnConnectionPasswordEncrypted\": true, \"AwsKmsKeyId\": \"alias/pw\"}},"
          " \"only-password\": {\"ConnectionPasswordEncryption\":"
          "   {\"ReturnConnectionPasswordEncrypted\": true}},"
          " \"only-at-rest\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"DISABLED\","
          "   \"SseAwsKmsKeyId\": \"alias/x\"}},"
          " \"nothing\": {}}}");
  const char *full =
      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
      "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},\"ConnectionPasswordEncryption\":{"
      "\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/pw\"}}}";
  assert_catalog(f->b, "123456789012", full);
  assert_catalog(f->b, NULL, full);
  assert_catalog(f->b, "only-password",
                 "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                 "\"CatalogEncryptionMode\":\"DISABLED\"},\"ConnectionPasswordEncryption\":{"
                 "\"ReturnConnectionPasswordEncrypted\":true}}}");
  assert_catalog(f->b, "only-at-rest",
                 "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                 "\"CatalogEncryptionMode\":\"DISABLED\",\"SseAwsKmsKeyId\":\"alias/x\"},"
                 "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":"
                 "false}}}");
  assert_catalog(f->b, "nothing", DEFAULT_CATALOG);
  assert_catalog(f->b, "never-set", DEFAULT_CATALOG);
}

static void test_resource_policies_alone(void **state)
{
  fx *f = *state;
  /* A document with spacing, a newline and escapes, kept byte for byte. */
  const char *doc = "{ \"Version\" : \"2012-10-17\",\n  \"Statement\": [ ], \"x\": \"\xc3\xa9\\u00e9\" }";
  load_ok(f->fake,
          "{\"clock\": {\"now\": 500, \"step\": 2}, \"resource_policies\": {"
          " \"arn:aws:glue:us-east-1:123456789012:catalog\": {\"PolicyInJson\":"
          "   \"{ \\\"Version\\\" : \\\"2012-10-17\\\",\\n  \\\"Statement\\\": [ ], \\\"x\\\":"
          " \\\"\xc3\xa9\\\\u00e9\\\" }\", \"CreateTime\": 1690000000, \"UpdateTime\": 1690000500},"
          " \"arn:aws:glue:us-east-1:123456789012:database/given\": {\"PolicyInJson\": \"[1, 2]\","
          "   \"PolicyHash\": \"my-own-hash\", \"CreateTime\": 1691000000.5},"
          " \"arn:aws-cn:glue:cn-north-1:123456789012:database/late\": {\"PolicyInJson\": \"{}\"}}}");

  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, NULL, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, doc);
  assert_true(resp->has_create_time && resp->create_time == 1690000000);
  assert_true(resp->has_update_time && resp->update_time == 1690000500);
  /* PolicyHash absent: computed, as PutResourcePolicy would for the same
   * document (on any fake). */
  gf_fake *other = new_fake("999988887777");
  char *put_hash = put_policy(gf_fake_backend(other), NULL, doc, NULL, GF_OK);
  assert_string_equal(resp->policy_hash, put_hash);
  free(put_hash);
  gf_get_resource_policy_response_free(resp);

  /* PolicyHash given: kept verbatim; UpdateTime absent: CreateTime. */
  const char *given = "arn:aws:glue:us-east-1:123456789012:database/given";
  assert_int_equal(get_policy(f->b, given, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, "[1, 2]");
  assert_string_equal(resp->policy_hash, "my-own-hash");
  assert_true(resp->has_create_time && resp->create_time == 1691000000.5);
  assert_true(resp->has_update_time && resp->update_time == 1691000000.5);
  gf_get_resource_policy_response_free(resp);
  /* Conditions compare with the given hash. */
  char *computed = put_policy(gf_fake_backend(other), given, "[1, 2]", NULL, GF_OK);
  assert_string_not_equal(computed, "my-own-hash");
  free(put_policy(f->b, given, "[3]", computed, GF_CONDITION_CHECK_FAILURE));
  free(computed);
  char *next = put_policy(f->b, given, "[3]", "my-own-hash", GF_OK);
  assert_non_null(next);
  free(next);
  gf_fake_free(other);
  assert_int_equal(get_policy(f->b, given, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, "[3]");
  assert_true(resp->create_time == 1691000000.5); /* kept across the update */
  gf_get_resource_policy_response_free(resp);

  /* CreateTime absent: the fixture clock. */
  assert_int_equal(get_policy(f->b, "arn:aws-cn:glue:cn-north-1:123456789012:database/late",
                              &resp), GF_OK);
  assert_true(resp->has_create_time && resp->create_time == 500);
  assert_true(resp->has_update_time && resp->update_time == 500);
  gf_get_resource_policy_response_free(resp);
}

static void test_faults_key(void **state)
{
  fx *f = *state;
  gf_faults *faults = gf_fake_faults(f->fake);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_set(faults, "GetSecurityConfiguration=1*InternalService", &err),
                   GF_OK);

  /* Present: replaces the rules. */
  const char *spec = "CreateSecurityConfiguration=2*off->1*OperationTimeout";
  const char *fixture = "{\"faults\": \"CreateSecurityConfiguration=2*off->1*OperationTimeout\"}";
  load_ok(f->fake, fixture);
  gf_fake *other = new_fake(NULL);
  assert_int_equal(gf_faults_set(gf_fake_faults(other), spec, &err), GF_OK);
  char *expect = faults_spec(other), *got = faults_spec(f->fake);
  assert_string_equal(got, expect);
  gf_buffer_free(expect);
  gf_buffer_free(got);
  gf_fake_free(other);
  assert_int_equal(gf_faults_counts(faults, "GetSecurityConfiguration", NULL, NULL), -1);

  gf_get_security_configuration_request get = {"missing"};
  assert_int_equal(gf_get_security_configuration(f->b, &get, NULL, &err), GF_ENTITY_NOT_FOUND);
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_OK);
  size_t served = 99, fired = 99;
  assert_int_equal(gf_faults_counts(faults, "CreateSecurityConfiguration", &served, &fired), 0);
  assert_int_equal(served, 1);

  /* Present again: counters restart (the 3rd create after the load fails). */
  load_ok(f->fake, fixture);
  assert_int_equal(gf_faults_counts(faults, "CreateSecurityConfiguration", &served, &fired), 0);
  assert_int_equal(served, 0);
  assert_int_equal(fired, 0);
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_OK);

  /* Absent: the rules stay, with their counters. */
  load_ok(f->fake, "{\"account_id\": \"123456789012\"}");
  assert_int_equal(gf_faults_counts(faults, "CreateSecurityConfiguration", &served, &fired), 0);
  assert_int_equal(served, 1);
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_OK); /* empty store again */
  assert_int_equal(create(f->b, "b", NULL, NULL, &err), GF_OPERATION_TIMEOUT);
  assert_int_equal(create(f->b, "c", NULL, NULL, &err), GF_OK);

  /* An empty spec: no rules. */
  load_ok(f->fake, "{\"faults\": \"\"}");
  got = faults_spec(f->fake);
  assert_string_equal(got, "");
  gf_buffer_free(got);
  assert_int_equal(gf_faults_counts(faults, "CreateSecurityConfiguration", NULL, NULL), -1);
  gf_error_clear(&err);
}

/* DESIGN.md, fault spec: "one splitmix64 generator per spec, its state set
 * to `seed` (default 0) whenever a spec is installed".  A fixture's faults
 * are an installation like any other: the draws of a seeded PCT rule follow
 * the reference generator from `seed` on, and loading the fixture again
 * starts them over (the generator is not carried over from the last load). */
static uint64_t splitmix64_next(uint64_t *state)
{
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void test_faults_key_reseeds_generator(void **state)
{
  fx *f = *state;
  enum { CALLS = 64 };
  static const char fixture[] =
      "{\"faults\": \"seed=12345;GetSecurityConfiguration=37.5%InternalService\"}";
  char expected[CALLS + 1], got[CALLS + 1];
  uint64_t rng = 12345;
  for (int i = 0; i < CALLS; i++)
    expected[i] = (double)(splitmix64_next(&rng) >> 11) * 0x1p-53 < 0.375 ? 'X' : '.';
  expected[CALLS] = '\0';
  /* Some draws fail and some succeed, so the comparison means something. */
  assert_non_null(strchr(expected, 'X'));
  assert_non_null(strchr(expected, '.'));

  gf_get_security_configuration_request get = {"missing"};
  for (int round = 0; round < 2; round++) {
    load_ok(f->fake, fixture);
    for (int i = 0; i < CALLS; i++) {
      gf_error err = GF_ERROR_INIT;
      gf_status st = gf_get_security_configuration(f->b, &get, NULL, &err);
      if (st != GF_INTERNAL_SERVICE && st != GF_ENTITY_NOT_FOUND)
        fail_msg("call %d: %s", i, gf_error_message(&err));
      got[i] = st == GF_INTERNAL_SERVICE ? 'X' : '.';
      gf_error_clear(&err);
    }
    got[CALLS] = '\0';
    if (strcmp(got, expected) != 0)
      fail_msg("load %d: draws %s, expected %s", round + 1, got, expected);
  }
}

/* ======================================================================== */
/* All keys together: the DESIGN example                                    */
/* ======================================================================== */

static void test_design_example(void **state)
{
  fx *f = *state;
  load_ok(f->fake, design_example);
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "123456789012");
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 1);

  char *text = get_config_json(f->b, "etl-kms");
  assert_string_equal(text, "{\"SecurityConfiguration\":{\"Name\":\"etl-kms\",\"CreatedTimeStamp\":"
                            "1690000000,\"EncryptionConfiguration\":{\"S3Encryption\":[{"
                            "\"S3EncryptionMode\":\"SSE-KMS\",\"KmsKeyArn\":\"" KMS_ARN "\"}]}}}");
  cJSON_free(text);
  assert_catalog(f->b, NULL,
                 "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                 "\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},"
                 "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":true,"
                 "\"AwsKmsKeyId\":\"alias/pw\"}}}");
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, NULL, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, DOC_EMPTY);
  assert_true(resp->create_time == 1690000000 && resp->update_time == 1690000500);
  gf_get_resource_policy_response_free(resp);

  /* Faults: 2*off->1*OperationTimeout; clock now 1700000000 step 1. */
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "a", 1700000000);
  create_ok(f->b, "b", 1700000001);
  assert_int_equal(create(f->b, "c", NULL, NULL, &err), GF_OPERATION_TIMEOUT);
  create_ok(f->b, "c", 1700000002);
  gf_error_clear(&err);

  /* The limit is 250. */
  load_ok(f->fake, design_example);
  for (int i = 0; i < 249; i++) {
    char name[16];
    snprintf(name, sizeof name, "n%03d", i);
    gf_status s = create(f->b, name, NULL, NULL, &err);
    assert_int_equal(s, i == 2 ? GF_OPERATION_TIMEOUT : GF_OK);
    if (i == 2)
      assert_int_equal(create(f->b, name, NULL, NULL, &err), GF_OK);
  }
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 250);
  assert_int_equal(create(f->b, "one-too-many", NULL, NULL, &err),
                   GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  gf_error_clear(&err);
}

/* ======================================================================== */
/* Keys left out: a reset fake                                               */
/* ======================================================================== */

static void test_left_out_keys_reset(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_set_account_id(f->fake, "111122223333", &err), GF_OK);
  assert_int_equal(gf_fake_set_clock(f->fake, 1700000000, 1, &err), GF_OK);
  gf_fake_set_security_configuration_limit(f->fake, 1);
  assert_int_equal(create(f->b, "a", NULL, NULL, &err), GF_OK);
  gf_encryption_at_rest at_rest = {GF_MODE_SSE_KMS, NULL, NULL};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &settings};
  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, &put, NULL, &err), GF_OK);
  free(put_policy(f->b, NULL, DOC_EMPTY, NULL, GF_OK));
  size_t calls = gf_calls_count(gf_fake_calls(f->fake));
  assert_int_equal(calls, 3);

  double before = wall_now();
  load_ok(f->fake, "{}");
  double after = wall_now();
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), calls); /* call log alone */

  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "123456789012");
  double now = gf_fake_now(f->fake);
  assert_true(now >= before - 1 && now <= after + 1);
  char *d = dump(f->fake);
  assert_string_equal(d, "{\n\t\"account_id\":\t\"123456789012\",\n\t\"region\":\t\"us-east-1\",\n\t"
                         "\"security_configurations\":"
                         "\t[],\n\t\"data_catalog_encryption_settings\":\t{\n\t},\n\t"
                         "\"resource_policies\":\t{\n\t}\n}\n");
  gf_buffer_free(d);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0);
  assert_catalog(f->b, NULL, DEFAULT_CATALOG);
  assert_catalog(f->b, "111122223333", DEFAULT_CATALOG);
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, "arn:aws:glue:us-east-1:111122223333:catalog", &resp),
                   GF_ENTITY_NOT_FOUND);
  for (int i = 0; i < 3; i++) { /* no limit */
    char name[8];
    snprintf(name, sizeof name, "n%d", i);
    assert_int_equal(create(f->b, name, NULL, NULL, &err), GF_OK);
  }
  gf_error_clear(&err);

  /* The account id is the one the fake was created with. */
  gf_fake *other = new_fake("999988887777");
  assert_int_equal(gf_fake_set_account_id(other, "111122223333", &err), GF_OK);
  load_ok(other, "{\"clock\": {\"now\": 1}}");
  gf_fake_account_id(other, id);
  assert_string_equal(id, "999988887777");
  gf_fake_free(other);
}

/* ======================================================================== */
/* Error paths                                                               */
/* ======================================================================== */

static void test_errors_json_syntax(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  /* Multi-line: the offending token is on line 3, column 12. */
  n += BAD(f->fake, "bad token on line 3",
           "{\n  \"account_id\": \"123456789012\",\n  \"clock\": nope\n}",
           SRC ":3:12: JSON syntax error");
  n += BAD(f->fake, "missing colon on line 2", "{\n\t\"clock\" {\"now\": 1}\n}",
           SRC ":2:10: JSON syntax error");
  n += BAD(f->fake, "trailing garbage", "{}x", SRC ":1:3: JSON syntax error");
  n += BAD(f->fake, "trailing garbage on a later line", "{\"account_id\": \"123456789012\"}\n\n  ]",
           SRC ":3:3: JSON syntax error");
  n += BAD(f->fake, "two documents", "{} {}", SRC ":1:4: JSON syntax error");
  n += BAD(f->fake, "empty input", "", SRC ":1:1: JSON syntax error");
  n += expect_bad_(f->fake, "NULL input", NULL, 0, SRC, SRC ":1:1: JSON syntax error", NULL,
                   NULL);
  n += BAD_PREFIX(f->fake, "unterminated", "{\"account_id\": \"1234", SRC ":1:");
  n += BAD_PREFIX_HAS(f->fake, "cut short after some lines", "{\n\"clock\": {\n\"now\": 1,\n",
                      SRC ":", ": JSON syntax error");
  ASSERT_NO_PROBLEMS(n);
}

/* The position is where cJSON stopped: the offending byte, or one byte
 * late when a member name was expected (the double comma). */
static void test_errors_json_syntax_column_of_offending_byte(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD(f->fake, "double comma on line 3",
           "{\n  \"account_id\": \"123456789012\",\n  \"clock\": {\"now\": 1,, \"step\": 2}\n}",
           SRC ":3:23: JSON syntax error");
  n += BAD(f->fake, "trailing comma in an object", "{\n  \"account_id\": \"123456789012\",\n}",
           SRC ":3:1: JSON syntax error");
  ASSERT_NO_PROBLEMS(n);
}

static void test_errors_root_and_top_level(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD_PREFIX_HAS(f->fake, "array root", "[]", SRC ": ", "object");
  n += BAD_PREFIX_HAS(f->fake, "string root", "\"x\"", SRC ": ", "object");
  n += BAD_PREFIX_HAS(f->fake, "null root", "null", SRC ": ", "object");
  n += BAD_PREFIX_HAS(f->fake, "number root", "12", SRC ": ", "object");
  n += BAD_PREFIX(f->fake, "typo in a top-level key", "{\"security_configuration\": []}",
                  SRC ": security_configuration: ");
  n += BAD_PREFIX(f->fake, "unknown key next to good ones",
                  "{\"account_id\": \"123456789012\", \"Faults\": \"\"}", SRC ": Faults: ");
  /* account_id */
  n += BAD_PREFIX(f->fake, "account id of 11 digits", "{\"account_id\": \"12345678901\"}",
                  SRC ": account_id: ");
  n += BAD_PREFIX(f->fake, "account id of 13 digits", "{\"account_id\": \"1234567890123\"}",
                  SRC ": account_id: ");
  n += BAD_PREFIX(f->fake, "account id with a letter", "{\"account_id\": \"12345678901a\"}",
                  SRC ": account_id: ");
  n += BAD_PREFIX(f->fake, "account id a number", "{\"account_id\": 123456789012}",
                  SRC ": account_id: ");
  n += BAD_PREFIX(f->fake, "account id null", "{\"account_id\": null}", SRC ": account_id: ");
  /* clock */
  n += BAD_PREFIX(f->fake, "clock not an object", "{\"clock\": 1700000000}", SRC ": clock: ");
  n += BAD_PREFIX(f->fake, "clock an array", "{\"clock\": [1, 2]}", SRC ": clock: ");
  n += BAD_PREFIX(f->fake, "clock.now missing", "{\"clock\": {\"step\": 1}}", SRC ": clock.now: ");
  n += BAD_PREFIX(f->fake, "clock.now negative", "{\"clock\": {\"now\": -1}}", SRC ": clock.now: ");
  n += BAD_PREFIX(f->fake, "clock.now a string", "{\"clock\": {\"now\": \"1700000000\"}}",
                  SRC ": clock.now: ");
  n += BAD_PREFIX(f->fake, "clock.step a string", "{\"clock\": {\"now\": 1, \"step\": \"1\"}}",
                  SRC ": clock.step: ");
  n += BAD_PREFIX(f->fake, "unknown clock key", "{\"clock\": {\"now\": 1, \"stepp\": 1}}",
                  SRC ": clock.stepp: ");
  /* limits */
  n += BAD_PREFIX(f->fake, "limits not an object", "{\"limits\": 250}", SRC ": limits: ");
  n += BAD_PREFIX(f->fake, "limit negative", "{\"limits\": {\"security_configurations\": -1}}",
                  SRC ": limits.security_configurations: ");
  n += BAD_PREFIX(f->fake, "limit fractional", "{\"limits\": {\"security_configurations\": 2.5}}",
                  SRC ": limits.security_configurations: ");
  n += BAD_PREFIX(f->fake, "limit a string", "{\"limits\": {\"security_configurations\": \"2\"}}",
                  SRC ": limits.security_configurations: ");
  n += BAD_PREFIX(f->fake, "unknown limits key", "{\"limits\": {\"configurations\": 2}}",
                  SRC ": limits.configurations: ");
  /* faults */
  n += BAD_PREFIX(f->fake, "faults a number", "{\"faults\": 1}", SRC ": faults: ");
  n += BAD_PREFIX(f->fake, "faults an object", "{\"faults\": {}}", SRC ": faults: ");
  ASSERT_NO_PROBLEMS(n);
}

#define CFG(body) "{\"security_configurations\": [" body "]}"
#define EC_S3(entry) "{\"Name\": \"a\", \"EncryptionConfiguration\": {\"S3Encryption\": [" entry "]}}"

static void test_errors_security_configurations(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD_PREFIX(f->fake, "not an array", "{\"security_configurations\": {}}",
                  SRC ": security_configurations: ");
  n += BAD(f->fake, "Name missing", CFG("{\"EncryptionConfiguration\": {}}"),
           SRC ": security_configurations[0].Name: Member must not be null");
  n += BAD(f->fake, "Name null", CFG("{\"Name\": null, \"EncryptionConfiguration\": {}}"),
           SRC ": security_configurations[0].Name: Member must not be null");
  n += BAD(f->fake, "Name empty", CFG("{\"Name\": \"\", \"EncryptionConfiguration\": {}}"),
           SRC ": security_configurations[0].Name: Member must have length greater than or "
               "equal to 1");
  char *long_name = repeat("n", 256);
  char *json = format(CFG("{\"Name\": \"%s\", \"EncryptionConfiguration\": {}}"), long_name);
  n += BAD(f->fake, "Name of 256 bytes", json,
           SRC ": security_configurations[0].Name: Member must have length less than or equal "
               "to 255");
  free(json);
  free(long_name);
  long_name = repeat("\xc3\xa9", 128); /* 128 characters, 256 bytes */
  json = format(CFG("{\"Name\": \"%s\", \"EncryptionConfiguration\": {}}"), long_name);
  n += BAD(f->fake, "Name of 128 two-byte characters", json,
           SRC ": security_configurations[0].Name: Member must have length less than or equal "
               "to 255");
  free(json);
  free(long_name);
  n += BAD_PREFIX(f->fake, "Name with a newline",
                  CFG("{\"Name\": \"a\\nb\", \"EncryptionConfiguration\": {}}"),
                  SRC ": security_configurations[0].Name: Member must satisfy regular "
                      "expression pattern: ");
  n += BAD_PREFIX(f->fake, "Name with U+FFFF",
                  CFG("{\"Name\": \"a\\uffff\", \"EncryptionConfiguration\": {}}"),
                  SRC ": security_configurations[0].Name: Member must satisfy regular "
                      "expression pattern: ");
  n += BAD(f->fake, "EncryptionConfiguration missing", CFG("{\"Name\": \"a\"}"),
           SRC ": security_configurations[0].EncryptionConfiguration: Member must not be null");
  /* Enums and ARNs. */
  n += BAD(f->fake, "bad S3EncryptionMode", CFG(EC_S3("{\"S3EncryptionMode\": \"SSE-C\"}")),
           SRC ": security_configurations[0].EncryptionConfiguration.S3Encryption[0]."
               "S3EncryptionMode: Member must satisfy enum value set: [DISABLED, SSE-KMS, SSE-S3]");
  n += BAD(f->fake, "bad CloudWatchEncryptionMode",
           CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {\"CloudWatchEncryption\":"
               " {\"CloudWatchEncryptionMode\": \"SSE-S3\"}}}"),
           SRC ": security_configurations[0].EncryptionConfiguration.CloudWatchEncryption."
               "CloudWatchEncryptionMode: Member must satisfy enum value set: [DISABLED, SSE-KMS]");
  n += BAD(f->fake, "bad JobBookmarksEncryptionMode",
           CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {\"JobBookmarksEncryption\":"
               " {\"JobBookmarksEncryptionMode\": \"SSE-KMS\"}}}"),
           SRC ": security_configurations[0].EncryptionConfiguration.JobBookmarksEncryption."
               "JobBookmarksEncryptionMode: Member must satisfy enum value set: [DISABLED, "
               "CSE-KMS]");
  n += BAD(f->fake, "bad KmsKeyArn in the 4th configuration (the DESIGN example)",
           CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {}},"
               "{\"Name\": \"b\", \"EncryptionConfiguration\": {}},"
               "{\"Name\": \"c\", \"EncryptionConfiguration\": {}},"
               "{\"Name\": \"d\", \"EncryptionConfiguration\": {\"S3Encryption\": ["
               "{\"S3EncryptionMode\": \"SSE-KMS\", \"KmsKeyArn\": \"arn:aws:kmz:x\"}]}}"),
           SRC ": security_configurations[3].EncryptionConfiguration.S3Encryption[0].KmsKeyArn: "
               "Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*");
  n += BAD(f->fake, "bad CloudWatch KmsKeyArn",
           CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {\"CloudWatchEncryption\":"
               " {\"KmsKeyArn\": \"alias/x\"}}}"),
           SRC ": security_configurations[0].EncryptionConfiguration.CloudWatchEncryption."
               "KmsKeyArn: Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*");
  /* Duplicates are an error, not an overwrite. */
  n += BAD_PREFIX_HAS(f->fake, "duplicate names",
                      CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {}},"
                          "{\"Name\": \"b\", \"EncryptionConfiguration\": {}},"
                          "{\"Name\": \"a\", \"EncryptionConfiguration\": {\"S3Encryption\": []}}"),
                      SRC ": security_configurations[2].Name: ", "duplicate name");
  ASSERT_NO_PROBLEMS(n);
}

#define CAT(id, body) "{\"data_catalog_encryption_settings\": {\"" id "\": " body "}}"

static void test_errors_catalog_settings(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD_PREFIX(f->fake, "not an object", "{\"data_catalog_encryption_settings\": []}",
                  SRC ": data_catalog_encryption_settings: ");
  n += BAD_PREFIX_HAS(f->fake, "empty catalog id", CAT("", "{}"),
                      SRC ": data_catalog_encryption_settings",
                      ": Member must have length greater than or equal to 1");
  char *long_id = repeat("1", 256);
  char *json = format(CAT("%s", "{}"), long_id);
  char *expect = format(SRC ": data_catalog_encryption_settings.%s: Member must have length "
                            "less than or equal to 255",
                        long_id);
  n += BAD(f->fake, "catalog id of 256 bytes", json, expect);
  free(json);
  free(expect);
  free(long_id);
  n += BAD_PREFIX_HAS(f->fake, "catalog id with a newline", CAT("12\\n34", "{}"),
                      SRC ": data_catalog_encryption_settings.",
                      ": Member must satisfy regular expression pattern: ");
  n += BAD(f->fake, "CatalogEncryptionMode missing",
           CAT("123456789012", "{\"EncryptionAtRest\": {\"SseAwsKmsKeyId\": \"alias/k\"}}"),
           SRC ": data_catalog_encryption_settings.123456789012.EncryptionAtRest."
               "CatalogEncryptionMode: Member must not be null");
  n += BAD(f->fake, "bad CatalogEncryptionMode",
           CAT("123456789012", "{\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"SSE-S3\"}}"),
           SRC ": data_catalog_encryption_settings.123456789012.EncryptionAtRest."
               "CatalogEncryptionMode: Member must satisfy enum value set: [DISABLED, SSE-KMS, SSE-KMS-WITH-SERVICE-ROLE]");
  n += BAD(f->fake, "empty SseAwsKmsKeyId",
           CAT("1", "{\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"SSE-KMS\","
                    " \"SseAwsKmsKeyId\": \"\"}}"),
           SRC ": data_catalog_encryption_settings.1.EncryptionAtRest.SseAwsKmsKeyId: Member "
               "must have length greater than or equal to 1");
  ASSERT_NO_PROBLEMS(n);
}

#define POL(arn, body) "{\"resource_policies\": {\"" arn "\": " body "}}"
#define POL_PATH SRC ": resource_policies." DEFAULT_ARN

static void test_errors_resource_policies(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD_PREFIX(f->fake, "not an object", "{\"resource_policies\": [\"x\"]}",
                  SRC ": resource_policies: ");
  n += BAD(f->fake, "ARN key not a Glue ARN", POL("arn:aws:s3:::bucket", "{\"PolicyInJson\": \"{}\"}"),
           SRC ": resource_policies.arn:aws:s3:::bucket: Member must satisfy regular expression "
               "pattern: arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*");
  n += BAD(f->fake, "ARN key not an ARN", POL("catalog", "{\"PolicyInJson\": \"{}\"}"),
           SRC ": resource_policies.catalog: Member must satisfy regular expression "
               "pattern: arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*");
  n += BAD(f->fake, "PolicyInJson missing", POL(DEFAULT_ARN, "{\"CreateTime\": 1}"),
           POL_PATH ".PolicyInJson: Member must not be null");
  n += BAD(f->fake, "PolicyInJson of 1 byte", POL(DEFAULT_ARN, "{\"PolicyInJson\": \"1\"}"),
           POL_PATH ".PolicyInJson: Member must have length greater than or equal to 2");
  n += BAD_PREFIX(f->fake, "PolicyInJson not JSON", POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{x\"}"),
                  POL_PATH ".PolicyInJson: ");
  n += BAD_PREFIX(f->fake, "PolicyInJson with trailing bytes",
                  POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{} {}\"}"), POL_PATH ".PolicyInJson: ");
  /* 10241 bytes of valid JSON: a string of 10239 characters in quotes. */
  char *body = repeat("a", 10239);
  char *json = format(POL(DEFAULT_ARN, "{\"PolicyInJson\": \"\\\"%s\\\"\"}"), body);
  n += BAD(f->fake, "PolicyInJson of 10241 bytes", json,
           POL_PATH ".PolicyInJson: Member must have length less than or equal to 10240");
  free(json);
  free(body);
  n += BAD_PREFIX(f->fake, "unknown member in a policy entry",
                  POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{}\", \"Policy\": \"{}\"}"),
                  POL_PATH ".Policy: ");
  n += BAD_PREFIX(f->fake, "PolicyHash with a newline",
                  POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{}\", \"PolicyHash\": \"ab\\ncd\"}"),
                  POL_PATH ".PolicyHash: Member must satisfy regular expression pattern: ");
  ASSERT_NO_PROBLEMS(n);
}

static void test_errors_faults(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  /* A spec that does not parse: the message names faults and the column,
   * as gf_faults_check words it. */
  const char *specs[] = {"CreateSecurityConfiguration=2*offf", "NoSuchOperation=1*InternalService",
                         ("CreateSecurityConfiguration=1*InternalService;"
                          "CreateSecurityConfiguration=off"),
                         "*=delay(600001)"};
  for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
    gf_error check = GF_ERROR_INIT;
    assert_int_equal(gf_faults_check(specs[i], &check), GF_INVALID_INPUT);
    assert_non_null(strstr(gf_error_message(&check), "column "));
    char *expect = format(SRC ": faults: %s", gf_error_message(&check));
    char *json = format("{\"faults\": \"%s\"}", specs[i]);
    n += BAD(f->fake, specs[i], json, expect);
    free(json);
    free(expect);
    gf_error_clear(&check);
  }
  /* All or nothing: good faults and a bad key elsewhere leave the rules. */
  n += BAD_PREFIX(f->fake, "good faults, bad account id",
                  "{\"faults\": \"*=1*InternalService\", \"account_id\": \"1\"}",
                  SRC ": account_id: ");
  n += BAD(f->fake, "good faults, bad configuration",
           "{\"faults\": \"*=1*InternalService\", \"security_configurations\": [{\"Name\": \"a\"}]}",
           SRC ": security_configurations[0].EncryptionConfiguration: Member must not be null");
  n += BAD_PREFIX(f->fake, "good faults, bad policy after them",
                  "{\"faults\": \"*=1*InternalService\", \"resource_policies\": {\"x\": {}}}",
                  SRC ": resource_policies.x: ");
  ASSERT_NO_PROBLEMS(n);

  /* The preset's rules still act as before: the 2nd get fails. */
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_request req = {"plain"};
  assert_int_equal(gf_get_security_configuration(f->b, &req, NULL, &err), GF_INTERNAL_SERVICE);
  gf_error_clear(&err);
}

static void test_errors_without_err_and_source(void **state)
{
  fx *f = *state;
  preset(f->fake);
  char *before = dump(f->fake);
  assert_int_equal(gf_fake_load(f->fake, "{\"account_id\": 1}", 17, NULL, NULL), GF_INVALID_INPUT);
  char *after = dump(f->fake);
  assert_string_equal(before, after);
  gf_buffer_free(after);
  gf_buffer_free(before);

  /* NULL source: "<fixture>". */
  int n = 0;
  n += expect_bad_(f->fake, "NULL source", "{\"account_id\": 1}", 17, NULL, NULL,
                   "<fixture>: account_id: ", NULL);
  n += expect_bad_(f->fake, "NULL source, syntax", "{", 1, NULL, NULL, "<fixture>:1:", NULL);
  n += expect_bad_(f->fake, "named source", "{\"limits\": 1}", 13, "fixtures/mine.json", NULL,
                   "fixtures/mine.json: limits: ", NULL);
  /* `len` bounds the text: the bytes after it are not read. */
  n += expect_bad_(f->fake, "len cuts the text", "{\"account_id\": \"123456789012\"}", 10, SRC,
                   NULL, SRC ":1:", NULL);
  ASSERT_NO_PROBLEMS(n);
}

/* A member of the wrong JSON type: the message names the path, in the
 * shape "SOURCE: PATH: RULE" like every other loader error. */
static void test_errors_wrong_json_type(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
#define WT(what, json, path) BAD_PREFIX(f->fake, what, json, SRC ": " path ": ")
  n += WT("configuration not an object", CFG("5"), "security_configurations[0]");
  n += WT("second configuration not an object",
          CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {}}, []"),
          "security_configurations[1]");
  n += WT("Name a number", CFG("{\"Name\": 5, \"EncryptionConfiguration\": {}}"),
          "security_configurations[0].Name");
  n += WT("EncryptionConfiguration an array", CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": []}"),
          "security_configurations[0].EncryptionConfiguration");
  n += WT("S3Encryption an object",
          CFG("{\"Name\": \"a\", \"EncryptionConfiguration\": {\"S3Encryption\": {}}}"),
          "security_configurations[0].EncryptionConfiguration.S3Encryption");
  n += WT("S3Encryption element a string", CFG(EC_S3("{}, \"SSE-S3\"")),
          "security_configurations[0].EncryptionConfiguration.S3Encryption[1]");
  n += WT("S3EncryptionMode a boolean", CFG(EC_S3("{\"S3EncryptionMode\": true}")),
          "security_configurations[0].EncryptionConfiguration.S3Encryption[0].S3EncryptionMode");
  n += WT("CreatedTimeStamp a string",
          CFG("{\"Name\": \"a\", \"CreatedTimeStamp\": \"2023-01-01\", \"EncryptionConfiguration\": {}}"),
          "security_configurations[0].CreatedTimeStamp");
  n += WT("catalog settings not an object", CAT("123456789012", "5"),
          "data_catalog_encryption_settings.123456789012");
  n += WT("ReturnConnectionPasswordEncrypted a string",
          CAT("123456789012", "{\"ConnectionPasswordEncryption\":"
                              " {\"ReturnConnectionPasswordEncrypted\": \"true\"}}"),
          "data_catalog_encryption_settings.123456789012.ConnectionPasswordEncryption."
          "ReturnConnectionPasswordEncrypted");
  n += WT("policy entry not an object", POL(DEFAULT_ARN, "\"{}\""),
          "resource_policies." DEFAULT_ARN);
  n += WT("CreateTime a string",
          POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{}\", \"CreateTime\": \"1690000000\"}"),
          "resource_policies." DEFAULT_ARN ".CreateTime");
  n += WT("UpdateTime an object", POL(DEFAULT_ARN, "{\"PolicyInJson\": \"{}\", \"UpdateTime\": {}}"),
          "resource_policies." DEFAULT_ARN ".UpdateTime");
  n += WT("PolicyInJson a number", POL(DEFAULT_ARN, "{\"PolicyInJson\": 12}"),
          "resource_policies." DEFAULT_ARN ".PolicyInJson");
#undef WT
  ASSERT_NO_PROBLEMS(n);
}

/* A missing required boolean is reported like every other missing member:
 * the fixture's JSON path and the rule. */
static void test_errors_catalog_missing_boolean(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD(f->fake, "ReturnConnectionPasswordEncrypted missing",
           CAT("123456789012", "{\"ConnectionPasswordEncryption\": {\"AwsKmsKeyId\": \"alias/k\"}}"),
           SRC ": data_catalog_encryption_settings.123456789012.ConnectionPasswordEncryption."
               "ReturnConnectionPasswordEncrypted: Member must not be null");
  n += BAD(f->fake, "ReturnConnectionPasswordEncrypted null",
           CAT("123456789012", "{\"ConnectionPasswordEncryption\":"
                               " {\"ReturnConnectionPasswordEncrypted\": null}}"),
           SRC ": data_catalog_encryption_settings.123456789012.ConnectionPasswordEncryption."
               "ReturnConnectionPasswordEncrypted: Member must not be null");
  ASSERT_NO_PROBLEMS(n);
}

/* ======================================================================== */
/* Files                                                                     */
/* ======================================================================== */

static char *write_temp(const char *text)
{
  char *path = strdup("/tmp/gluefake-test-fixture-XXXXXX");
  assert_non_null(path);
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *fp = fdopen(fd, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
  return path;
}

static void test_load_file(void **state)
{
  fx *f = *state;
  preset(f->fake);
  char *before = dump(f->fake);
  gf_error err = GF_ERROR_INIT;

  const char *missing = "fixtures/no-such-fixture.json";
  assert_int_equal(gf_fake_load_file(f->fake, missing, &err), GF_INVALID_INPUT);
  assert_true(starts_with(gf_error_message(&err), missing));
  char *after = dump(f->fake);
  assert_string_equal(before, after);
  gf_buffer_free(after);

  /* The path is the source in messages. */
  char *path = write_temp("{\n  \"clock\": {\"now\": -5}\n}\n");
  assert_int_equal(gf_fake_load_file(f->fake, path, &err), GF_INVALID_INPUT);
  char *expect = format("%s: clock.now: ", path);
  if (!starts_with(gf_error_message(&err), expect))
    fail_msg("message \"%s\", expected to start with \"%s\"", gf_error_message(&err), expect);
  free(expect);
  remove(path);
  free(path);

  path = write_temp("{\n  \"clock\": {\"now\": 1}\n  \"limits\": {}\n}\n");
  assert_int_equal(gf_fake_load_file(f->fake, path, &err), GF_INVALID_INPUT);
  expect = format("%s:3:3: JSON syntax error", path);
  assert_string_equal(gf_error_message(&err), expect);
  free(expect);
  remove(path);
  free(path);
  after = dump(f->fake);
  assert_string_equal(before, after);
  gf_buffer_free(after);

  /* A good file loads. */
  path = write_temp("{\"account_id\": \"111122223333\"}");
  assert_int_equal(gf_fake_load_file(f->fake, path, &err), GF_OK);
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "111122223333");
  remove(path);
  free(path);
  gf_buffer_free(before);
  gf_error_clear(&err);
}

/* Keys that JSON lets appear twice in one object (cJSON keeps both): a
 * catalog id or a resource ARN given twice is an error, never an overwrite;
 * and the rules on numbers not covered above. */
static void test_errors_duplicate_keys_and_numbers(void **state)
{
  fx *f = *state;
  preset(f->fake);
  int n = 0;
  n += BAD(f->fake, "catalog id twice",
           "{\"data_catalog_encryption_settings\": {\"111122223333\": {}, \"111122223333\": {}}}",
           SRC ": data_catalog_encryption_settings.111122223333: duplicate catalog id");
  n += BAD(f->fake, "resource ARN twice",
           "{\"resource_policies\": {\"" DEFAULT_ARN "\": {\"PolicyInJson\": \"{}\"}, \"" DEFAULT_ARN
           "\": {\"PolicyInJson\": \"[]\"}}}",
           POL_PATH ": duplicate resource ARN");
  /* Several problems in one configuration: the first, and how many more. */
  n += BAD(f->fake, "two problems", CFG("{\"Name\": \"\"}"),
           SRC ": security_configurations[0].Name: Member must have length greater than or "
               "equal to 1 (and 1 more problem)");
  n += BAD(f->fake, "three problems",
           CFG("{\"Name\": \"\", \"EncryptionConfiguration\": {\"S3Encryption\": ["
               "{\"S3EncryptionMode\": \"SSE-C\"}, {\"S3EncryptionMode\": \"x\"}]}}"),
           SRC ": security_configurations[0].Name: Member must have length greater than or "
               "equal to 1 (and 2 more problems)");
  n += BAD(f->fake, "clock.step negative", "{\"clock\": {\"now\": 1, \"step\": -0.5}}",
           SRC ": clock.step: must be a number of seconds, >= 0");
  /* 1e999 parses as infinity: not a number of seconds. */
  n += BAD(f->fake, "clock.now infinite", "{\"clock\": {\"now\": 1e999}}",
           SRC ": clock.now: must be a number of seconds since the epoch, >= 0");
  n += BAD(f->fake, "clock.step infinite", "{\"clock\": {\"now\": 1, \"step\": 1e999}}",
           SRC ": clock.step: must be a number of seconds, >= 0");
  /* JSON's whitespace after the root is fine */
  load_ok(f->fake, "{\"account_id\": \"123456789012\"} \t\r\n");
  n += BAD(f->fake, "limit above 1e15", "{\"limits\": {\"security_configurations\": 1e16}}",
           SRC ": limits.security_configurations: must be an integer >= 0");
  n += BAD(f->fake, "CreatedTimeStamp infinite",
           CFG("{\"Name\": \"a\", \"CreatedTimeStamp\": 1e999, \"EncryptionConfiguration\": {}}"),
           SRC ": security_configurations[0].CreatedTimeStamp: must be a finite number of epoch "
               "seconds, not a number");
  ASSERT_NO_PROBLEMS(n);
}

/* The paths that are not a readable file: NULL, a directory; and a large
 * file, read whole. */
static void test_load_file_edges(void **state)
{
  fx *f = *state;
  preset(f->fake);
  char *before = dump(f->fake);
  gf_error err = GF_ERROR_INIT;

  assert_int_equal(gf_fake_load_file(f->fake, NULL, &err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), "(null): cannot read: no path given");

  assert_int_equal(gf_fake_load_file(f->fake, "fixtures", &err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), "fixtures: cannot read: Is a directory");
  char *after = dump(f->fake);
  assert_string_equal(before, after);
  gf_buffer_free(after);

  /* 200,000 bytes, read whole (its size is known before it is read). */
  char *pad = repeat(" ", 200000);
  char *text = format("{\"account_id\": \"111122223333\",%s\"limits\": {}}", pad);
  char *path = write_temp(text);
  assert_int_equal(gf_fake_load_file(f->fake, path, &err), GF_OK);
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "111122223333");
  remove(path);
  free(path);
  free(text);
  free(pad);
  gf_buffer_free(before);
  gf_error_clear(&err);
}

/* What is not a regular file of at most 256 MiB is refused before a byte
 * is read, with the reason, and the state is kept: a directory, a
 * character device (/dev/zero would never end), a FIFO without a writer
 * (opening it must not wait for one), a file one byte over the limit
 * (sparse: it costs no disk). */
static void test_load_file_not_regular(void **state)
{
  fx *f = *state;
  preset(f->fake);
  char *before = dump(f->fake);
  char dir[] = "/tmp/gluefake-test-fixture-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char fifo[64], big[64];
  snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
  snprintf(big, sizeof big, "%s/big.json", dir);
  int made_fifo = mkfifo(fifo, 0600) == 0;
  int fd = open(big, O_WRONLY | O_CREAT | O_EXCL, 0600);
  int made_big = fd >= 0 && ftruncate(fd, ((off_t)256 << 20) + 1) == 0;
  if (fd >= 0)
    close(fd);

  static const char *const reasons[] = {"cannot read: Is a directory",
                                        "not a regular file (a character device)",
                                        "not a regular file (a FIFO)", "larger than 256 MiB"};
  const char *paths[] = {dir, "/dev/zero", fifo, big};
  char got[4][256], expected[4][256];
  gf_status status[4];
  int kept[4];
  for (size_t i = 0; i < 4; i++) {
    gf_error err = GF_ERROR_INIT;
    status[i] = gf_fake_load_file(f->fake, paths[i], &err);
    snprintf(got[i], sizeof got[i], "%s", gf_error_message(&err));
    snprintf(expected[i], sizeof expected[i], "%s: %s", paths[i], reasons[i]);
    gf_error_clear(&err);
    char *after = dump(f->fake);
    kept[i] = strcmp(before, after) == 0;
    gf_buffer_free(after);
  }
  remove(fifo);
  remove(big);
  rmdir(dir);
  gf_buffer_free(before);

  assert_true(made_fifo && made_big);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(status[i], GF_INVALID_INPUT);
    assert_string_equal(got[i], expected[i]);
    assert_true(kept[i]);
  }
}

/* Calls fn(path) for every fixtures/NAME.json; returns how many. */
static size_t each_fixture(void (*fn)(const char *path, void *ctx), void *ctx)
{
  DIR *dir = opendir("fixtures");
  if (!dir)
    fail_msg("cannot open fixtures/ (tests run from the repository root)");
  size_t count = 0;
  struct dirent *e;
  char *names[256];
  while ((e = readdir(dir)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0) {
      assert_true(count < 256);
      names[count] = strdup(e->d_name);
      assert_non_null(names[count]);
      count++;
    }
  }
  closedir(dir);
  for (size_t i = 0; i < count; i++) {
    char path[600];
    snprintf(path, sizeof path, "fixtures/%s", names[i]);
    fn(path, ctx);
    free(names[i]);
  }
  return count;
}

static void load_one_fixture(const char *path, void *ctx)
{
  (void)ctx;
  gf_fake *fake = new_fake(NULL);
  gf_error err = GF_ERROR_INIT;
  gf_status s = gf_fake_load_file(fake, path, &err);
  if (s != GF_OK)
    fail_msg("%s: %s", path, gf_error_message(&err));
  gf_error_clear(&err);
  gf_fake_free(fake);
}

static void test_every_fixture_loads(void **state)
{
  (void)state;
  size_t count = each_fixture(load_one_fixture, NULL);
  assert_true(count >= 5);
}

static void test_fixture_at_limit(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_load_file(f->fake, "fixtures/at-limit.json", &err), GF_OK);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 25);
  gf_status s = create(f->b, "one-more", NULL, NULL, &err);
  assert_int_equal(s, GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 25);
  /* After a delete there is room again. */
  gf_delete_security_configuration_request del = {"cfg-000"};
  assert_int_equal(gf_delete_security_configuration(f->b, &del, NULL, &err), GF_OK);
  create_ok(f->b, "one-more", 1700000000);
  gf_error_clear(&err);
}

static void test_fixture_kms_everywhere(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_load_file(f->fake, "fixtures/kms-everywhere.json", &err), GF_OK);
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "111122223333");
  const char *expect =
      "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{\"CatalogEncryptionMode\":"
      "\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue-catalog\"},\"ConnectionPasswordEncryption\":{"
      "\"ReturnConnectionPasswordEncrypted\":true,\"AwsKmsKeyId\":\"alias/glue-passwords\"}}}";
  assert_catalog(f->b, NULL, expect); /* the default catalog is the account's */
  assert_catalog(f->b, "111122223333", expect);
  assert_catalog(f->b, "123456789012", DEFAULT_CATALOG);
  char *names = listed_names(f->b);
  assert_string_equal(names, "etl-kms,crawler-kms");
  free(names);
  /* The current model's DataQualityEncryption loads like the other three. */
  gf_get_security_configuration_request get = {"etl-kms"};
  gf_get_security_configuration_response *out = NULL;
  assert_int_equal(gf_get_security_configuration(f->b, &get, &out, &err), GF_OK);
  const gf_data_quality_encryption *dq =
      out->security_configuration->encryption_configuration->data_quality_encryption;
  assert_non_null(dq);
  assert_string_equal(dq->data_quality_encryption_mode, "SSE-KMS");
  assert_string_equal(dq->kms_key_arn,
                      "arn:aws:kms:us-east-1:111122223333:key/1a2b3c4d-0000-4000-8000-000000000004");
  gf_get_security_configuration_response_free(out);
  gf_error_clear(&err);
}

static void test_fixture_resource_policy_file(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_load_file(f->fake, "fixtures/resource-policy.json", &err), GF_OK);
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, NULL, &resp), GF_OK);
  assert_true(resp->create_time == 1690000000 && resp->update_time == 1695000000);
  /* Optimistic concurrency with the loaded hash. */
  char *hash = strdup(resp->policy_hash);
  gf_get_resource_policy_response_free(resp);
  char *next = put_policy(f->b, NULL, DOC_EMPTY, hash, GF_OK);
  free(put_policy(f->b, NULL, DOC_EMPTY, hash, GF_CONDITION_CHECK_FAILURE));
  free(next);
  free(hash);
  assert_int_equal(get_policy(f->b, "arn:aws:glue:us-east-1:123456789012:database/sales", &resp),
                   GF_OK);
  assert_true(resp->create_time == 1691000000 && resp->update_time == 1691000000);
  gf_get_resource_policy_response_free(resp);
  gf_error_clear(&err);
}

/* ======================================================================== */
/* Snapshots                                                                 */
/* ======================================================================== */

/* load -> dump -> load -> dump gives identical bytes. */
static void assert_round_trip(const char *what, const char *text, size_t len)
{
  gf_fake *a = new_fake(NULL), *b = new_fake(NULL);
  gf_error err = GF_ERROR_INIT;
  if (gf_fake_load(a, text, len, what, &err) != GF_OK)
    fail_msg("%s: %s", what, gf_error_message(&err));
  char *d1 = dump(a);
  if (gf_fake_load(b, d1, strlen(d1), "dump", &err) != GF_OK)
    fail_msg("%s: its dump does not load: %s", what, gf_error_message(&err));
  char *d2 = dump(b);
  if (strcmp(d1, d2) != 0)
    fail_msg("%s: dumps differ:\n--- first\n%s--- second\n%s", what, d1, d2);
  /* And loading the dump into the fake it came from changes nothing. */
  if (gf_fake_load(a, d1, strlen(d1), "dump", &err) != GF_OK)
    fail_msg("%s: %s", what, gf_error_message(&err));
  char *d3 = dump(a);
  assert_string_equal(d1, d3);
  assert_null(strstr(d1, "\"faults\""));
  gf_buffer_free(d1);
  gf_buffer_free(d2);
  gf_buffer_free(d3);
  gf_fake_free(a);
  gf_fake_free(b);
  gf_error_clear(&err);
}

static void round_trip_file(const char *path, void *ctx)
{
  (void)ctx;
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  static char buf[1 << 20];
  size_t len = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  assert_true(len < sizeof buf);
  assert_round_trip(path, buf, len);
}

static void test_snapshot_round_trip_files(void **state)
{
  (void)state;
  assert_true(each_fixture(round_trip_file, NULL) >= 5);
  assert_round_trip("DESIGN example", design_example, strlen(design_example));
}

static void test_snapshot_canonical_order(void **state)
{
  fx *f = *state;
  const char *one =
      "{\"account_id\": \"123456789012\", \"clock\": {\"now\": 1700000000, \"step\": 1},"
      " \"limits\": {\"security_configurations\": 10},"
      " \"security_configurations\": ["
      "  {\"Name\": \"zeta\", \"CreatedTimeStamp\": 3, \"EncryptionConfiguration\": {}},"
      "  {\"Name\": \"alpha\", \"CreatedTimeStamp\": 2, \"EncryptionConfiguration\":"
      "   {\"JobBookmarksEncryption\": {\"JobBookmarksEncryptionMode\": \"DISABLED\"},"
      "    \"S3Encryption\": [{\"KmsKeyArn\": \"" KMS_ARN "\", \"S3EncryptionMode\": \"SSE-KMS\"}]}}],"
      " \"data_catalog_encryption_settings\": {"
      "  \"999999999999\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"DISABLED\"}},"
      "  \"111111111111\": {\"ConnectionPasswordEncryption\": {\"AwsKmsKeyId\": \"k\","
      "   \"ReturnConnectionPasswordEncrypted\": true}},"
      "  \"555555555555\": {}},"
      " \"resource_policies\": {"
      "  \"arn:aws:glue:us-east-1:123456789012:table/db/t\": {\"UpdateTime\": 9, \"PolicyInJson\":"
      "   \"[]\", \"CreateTime\": 8},"
      "  \"arn:aws:glue:us-east-1:123456789012:catalog\": {\"PolicyInJson\": \"{}\","
      "   \"CreateTime\": 1, \"PolicyHash\": \"h\"},"
      "  \"arn:aws:glue:us-east-1:123456789012:database/d\": {\"PolicyInJson\": \"1 \","
      "   \"CreateTime\": 4}}}";
  /* The same state with every key and member in another order. */
  const char *two =
      "{\"resource_policies\": {"
      "  \"arn:aws:glue:us-east-1:123456789012:database/d\": {\"CreateTime\": 4,"
      "   \"PolicyInJson\": \"1 \"},"
      "  \"arn:aws:glue:us-east-1:123456789012:catalog\": {\"PolicyHash\": \"h\","
      "   \"CreateTime\": 1, \"PolicyInJson\": \"{}\", \"UpdateTime\": 1},"
      "  \"arn:aws:glue:us-east-1:123456789012:table/db/t\": {\"PolicyInJson\": \"[]\","
      "   \"CreateTime\": 8, \"UpdateTime\": 9}},"
      " \"data_catalog_encryption_settings\": {"
      "  \"555555555555\": {},"
      "  \"111111111111\": {\"ConnectionPasswordEncryption\": {"
      "   \"ReturnConnectionPasswordEncrypted\": true, \"AwsKmsKeyId\": \"k\"}},"
      "  \"999999999999\": {\"EncryptionAtRest\": {\"CatalogEncryptionMode\": \"DISABLED\"}}},"
      " \"security_configurations\": ["
      "  {\"EncryptionConfiguration\": {}, \"CreatedTimeStamp\": 3, \"Name\": \"zeta\"},"
      "  {\"EncryptionConfiguration\": {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-KMS\","
      "    \"KmsKeyArn\": \"" KMS_ARN "\"}], \"JobBookmarksEncryption\":"
      "    {\"JobBookmarksEncryptionMode\": \"DISABLED\"}}, \"Name\": \"alpha\", \"CreatedTimeStamp\": 2}],"
      " \"limits\": {\"security_configurations\": 10},"
      " \"clock\": {\"step\": 1, \"now\": 1700000000},"
      " \"account_id\": \"123456789012\"}";
  load_ok(f->fake, one);
  char *d1 = dump(f->fake);
  load_ok(f->fake, two);
  char *d2 = dump(f->fake);
  assert_string_equal(d1, d2);

  /* Top-level keys in a fixed order; configurations in creation order;
   * catalog ids and ARNs sorted; every member written (PolicyHash too). */
  const char *in_order[] = {"\"account_id\"", "\"clock\"", "\"limits\"",
                            "\"security_configurations\"", "\"zeta\"", "\"alpha\"",
                            "\"S3Encryption\"", "\"JobBookmarksEncryption\"",
                            "\"data_catalog_encryption_settings\"", "\"111111111111\"",
                            "\"ReturnConnectionPasswordEncrypted\"", "\"AwsKmsKeyId\"",
                            "\"555555555555\"", "\"999999999999\"", "\"resource_policies\"",
                            "\"arn:aws:glue:us-east-1:123456789012:catalog\"",
                            "\"PolicyInJson\"", "\"PolicyHash\":\t\"h\"", "\"CreateTime\"",
                            "\"UpdateTime\"",
                            "\"arn:aws:glue:us-east-1:123456789012:database/d\"",
                            "\"PolicyHash\"",
                            "\"arn:aws:glue:us-east-1:123456789012:table/db/t\""};
  const char *at = d1;
  for (size_t i = 0; i < sizeof in_order / sizeof *in_order; i++) {
    const char *next = strstr(at, in_order[i]);
    if (!next)
      fail_msg("dump: %s missing or out of order:\n%s", in_order[i], d1);
    at = next + strlen(in_order[i]);
  }
  /* The database policy's computed hash and its document byte for byte. */
  assert_non_null(strstr(d1, "\"PolicyInJson\":\t\"1 \""));
  gf_buffer_free(d1);
  gf_buffer_free(d2);
}

static void test_snapshot_no_faults_clock_limits(void **state)
{
  fx *f = *state;
  char *d = dump(f->fake); /* a new fake: real time, no limit */
  assert_null(strstr(d, "\"clock\""));
  assert_null(strstr(d, "\"limits\""));
  assert_null(strstr(d, "\"faults\""));
  gf_buffer_free(d);

  load_ok(f->fake, design_example);
  d = dump(f->fake);
  assert_null(strstr(d, "\"faults\""));
  assert_non_null(strstr(d, "\"clock\""));
  assert_non_null(strstr(d, "\"limits\""));
  gf_buffer_free(d);

  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_faults_set(gf_fake_faults(f->fake), "*=InternalService", &err), GF_OK);
  gf_fake_set_real_clock(f->fake);
  gf_fake_set_security_configuration_limit(f->fake, GF_NO_LIMIT);
  d = dump(f->fake);
  assert_null(strstr(d, "\"clock\""));
  assert_null(strstr(d, "\"limits\""));
  assert_null(strstr(d, "\"faults\""));
  assert_null(strstr(d, "InternalService"));
  gf_buffer_free(d);

  /* The clock dumped is the next reading. */
  assert_int_equal(gf_fake_set_clock(f->fake, 1000, 0.5, &err), GF_OK);
  (void)gf_fake_now(f->fake);
  (void)gf_fake_now(f->fake);
  d = dump(f->fake);
  assert_non_null(strstr(d, "\"clock\":\t{\n\t\t\"now\":\t1001,\n\t\t\"step\":\t0.5\n\t}"));
  gf_buffer_free(d);
  gf_error_clear(&err);
}

static void test_snapshot_reset_between_tests(void **state)
{
  fx *f = *state;
  load_ok(f->fake, design_example);
  gf_faults_clear(gf_fake_faults(f->fake));
  char *snap = dump(f->fake);
  char *list_before = listing(f->b, 1);

  /* Mutate everything through the API. */
  gf_error err = GF_ERROR_INIT;
  create_ok(f->b, "new-1", 1700000000);
  create_ok(f->b, "new-2", 1700000001);
  gf_delete_security_configuration_request del = {"etl-kms"};
  assert_int_equal(gf_delete_security_configuration(f->b, &del, NULL, &err), GF_OK);
  gf_encryption_at_rest at_rest = {GF_MODE_DISABLED, NULL, NULL};
  gf_data_catalog_encryption_settings settings = {&at_rest, NULL};
  gf_put_data_catalog_encryption_settings_request put = {NULL, &settings};
  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, &put, NULL, &err), GF_OK);
  put.catalog_id = "222222222222";
  assert_int_equal(gf_put_data_catalog_encryption_settings(f->b, &put, NULL, &err), GF_OK);
  free(put_policy(f->b, NULL, "[0]", NULL, GF_OK));
  free(put_policy(f->b, "arn:aws:glue:us-east-1:123456789012:database/x", "[0]", NULL, GF_OK));
  assert_int_equal(gf_fake_set_account_id(f->fake, "333333333333", &err), GF_OK);
  gf_fake_set_security_configuration_limit(f->fake, 3);
  char *mutated = dump(f->fake);
  assert_string_not_equal(mutated, snap);
  gf_buffer_free(mutated);

  /* Back to the snapshot. */
  load_ok(f->fake, snap);
  char *again = dump(f->fake);
  assert_string_equal(again, snap);
  gf_buffer_free(again);

  /* API reads agree with the snapshot. */
  char *list_after = listing(f->b, 1);
  assert_string_equal(list_after, list_before);
  free(list_after);
  free(list_before);
  assert_catalog(f->b, NULL,
                 "{\"DataCatalogEncryptionSettings\":{\"EncryptionAtRest\":{"
                 "\"CatalogEncryptionMode\":\"SSE-KMS\",\"SseAwsKmsKeyId\":\"alias/glue\"},"
                 "\"ConnectionPasswordEncryption\":{\"ReturnConnectionPasswordEncrypted\":true,"
                 "\"AwsKmsKeyId\":\"alias/pw\"}}}");
  assert_catalog(f->b, "222222222222", DEFAULT_CATALOG);
  gf_get_resource_policy_response *resp;
  assert_int_equal(get_policy(f->b, NULL, &resp), GF_OK);
  assert_string_equal(resp->policy_in_json, DOC_EMPTY);
  assert_true(resp->create_time == 1690000000 && resp->update_time == 1690000500);
  gf_get_resource_policy_response_free(resp);
  assert_int_equal(get_policy(f->b, "arn:aws:glue:us-east-1:123456789012:database/x", &resp),
                   GF_ENTITY_NOT_FOUND);
  char id[13];
  gf_fake_account_id(f->fake, id);
  assert_string_equal(id, "123456789012");
  /* The clock is where it was: the next create gets its "now". */
  create_ok(f->b, "new-1", 1700000000);
  gf_buffer_free(snap);
  gf_error_clear(&err);
}

/* ======================================================================== */
/* Round-trip property over random states                                    */
/* ======================================================================== */

static uint64_t rng_state;

static uint64_t rnd(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static size_t below(size_t n) { return (size_t)(rnd() % n); }

/* A random valid name: ASCII, multi-byte UTF-8, TAB and spaces; 1..255
 * bytes. */
static void random_name(char *out, size_t cap)
{
  static const char *const pieces[] = {"a", "b", "z", "0", "9", "-", "_", ".", " ", "\t",
                                       "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                       "\xe4\xb8\xad", "\xef\xbf\xbd", "/", "\"", "\\"};
  size_t target = below(5) == 0 ? 200 + below(56) : 1 + below(24);
  size_t len = 0;
  while (len < target) {
    const char *p = pieces[below(sizeof pieces / sizeof *pieces)];
    size_t n = strlen(p);
    if (len + n > 255 || len + n + 1 > cap)
      break;
    memcpy(out + len, p, n);
    len += n;
  }
  if (len == 0)
    out[len++] = 'x';
  out[len] = '\0';
}

static const char *random_kms_arn(char *buf, size_t cap)
{
  if (below(4) == 0)
    return NULL;
  snprintf(buf, cap, "arn:aws:kms:us-east-%u:123456789012:key/%08llx", (unsigned)below(3),
           (unsigned long long)(rnd() & 0xffffffffULL));
  return buf;
}

static void random_create(gf_backend *b, char names[][256], size_t *count)
{
  static const char *const s3_modes[] = {GF_MODE_DISABLED, GF_MODE_SSE_KMS, GF_MODE_SSE_S3, NULL};
  static const char *const cw_modes[] = {GF_MODE_DISABLED, GF_MODE_SSE_KMS, NULL};
  static const char *const jb_modes[] = {GF_MODE_DISABLED, GF_MODE_CSE_KMS, NULL};
  char arns[6][96];
  gf_s3_encryption s3[4];
  size_t s3_count = below(5);
  for (size_t i = 0; i < s3_count; i++) {
    s3[i].s3_encryption_mode = s3_modes[below(4)];
    s3[i].kms_key_arn = random_kms_arn(arns[i], sizeof arns[i]);
  }
  gf_cloud_watch_encryption cw = {cw_modes[below(3)], random_kms_arn(arns[4], sizeof arns[4])};
  gf_job_bookmarks_encryption jb = {jb_modes[below(3)], random_kms_arn(arns[5], sizeof arns[5])};
  gf_encryption_configuration ec = {0};
  if (below(3) != 0) { /* the list present, possibly empty */
    ec.s3_encryption = s3;
    ec.s3_encryption_count = s3_count;
  }
  if (below(2))
    ec.cloud_watch_encryption = &cw;
  if (below(2))
    ec.job_bookmarks_encryption = &jb;

  char name[256];
  random_name(name, sizeof name);
  gf_error err = GF_ERROR_INIT;
  gf_status s = create(b, name, &ec, NULL, &err);
  if (s == GF_OK) {
    memcpy(names[*count], name, strlen(name) + 1);
    (*count)++;
  } else if (s != GF_ALREADY_EXISTS) {
    fail_msg("random create: %s: %s", gf_status_name(s), gf_error_message(&err));
  }
  gf_error_clear(&err);
}

static void random_catalog(gf_backend *b)
{
  static const char *const ids[] = {NULL, "123456789012", "111122223333", "999999999999",
                                    "cat \xc3\xa9\t1", "zz", "0"};
  gf_encryption_at_rest at_rest = {below(2) ? GF_MODE_SSE_KMS : GF_MODE_DISABLED,
                                   below(2) ? "alias/k\xe2\x82\xac" : NULL, NULL};
  gf_connection_password_encryption cpe = {below(2) != 0, below(2) ? "alias/pw" : NULL, true};
  gf_data_catalog_encryption_settings settings = {below(3) ? &at_rest : NULL,
                                                  below(3) ? &cpe : NULL};
  gf_put_data_catalog_encryption_settings_request put = {ids[below(7)], &settings};
  gf_error err = GF_ERROR_INIT;
  gf_status s = gf_put_data_catalog_encryption_settings(b, &put, NULL, &err);
  if (s != GF_OK)
    fail_msg("random put catalog: %s", gf_error_message(&err));
}

static const char *const policy_arns[] = {
    NULL,
    "arn:aws:glue:us-east-1:123456789012:catalog",
    "arn:aws:glue:us-east-1:123456789012:database/sales",
    "arn:aws:glue:eu-west-1:123456789012:table/db/t\xc3\xa9",
    "arn:aws-cn:glue:cn-north-1:123456789012:catalog",
    "arn:aws-us-gov:glue:us-gov-west-1:123456789012:database/x",
    "arn:aws:glue:us-east-1:210987654321:catalog"};
#define POLICY_ARN_COUNT (sizeof policy_arns / sizeof *policy_arns)

static void random_policy(gf_backend *b)
{
  const char *arn = policy_arns[below(POLICY_ARN_COUNT)];
  gf_error err = GF_ERROR_INIT;
  if (below(4) == 0) {
    gf_delete_resource_policy_request del = {NULL, arn};
    gf_status s = gf_delete_resource_policy(b, &del, NULL, &err);
    assert_true(s == GF_OK || s == GF_ENTITY_NOT_FOUND);
  } else {
    char doc[200];
    switch (below(4)) {
    case 0:
      snprintf(doc, sizeof doc, "{\"Version\":\"2012-10-17\",\"Statement\":[],\"n\":%llu}",
               (unsigned long long)below(1000));
      break;
    case 1:
      snprintf(doc, sizeof doc, "  [ %u , \"\xc3\xa9\\u00e9\\n\" ]\n", (unsigned)below(100));
      break;
    case 2:
      snprintf(doc, sizeof doc, "\"%u\"", (unsigned)below(100));
      break;
    default:
      snprintf(doc, sizeof doc, "{\"a\":\t{\"b\": [true, null, %u.5]}}", (unsigned)below(9));
    }
    gf_put_resource_policy_request put = {doc, NULL, NULL, arn, NULL};
    gf_status s = gf_put_resource_policy(b, &put, NULL, &err);
    if (s != GF_OK)
      fail_msg("random put policy: %s", gf_error_message(&err));
  }
  gf_error_clear(&err);
}

static void build_random_state(gf_fake *fake)
{
  static const char *const accounts[] = {"123456789012", "111122223333", "000000000001"};
  gf_error err = GF_ERROR_INIT;
  gf_backend *b = gf_fake_backend(fake);
  assert_int_equal(gf_fake_set_account_id(fake, accounts[below(3)], &err), GF_OK);
  static const double steps[] = {0.25, 1, 0, 0.125};
  assert_int_equal(gf_fake_set_clock(fake, 1700000000 + (double)below(1000) * 0.5,
                                     steps[below(4)], &err),
                   GF_OK);
  static char names[64][256];
  size_t count = 0;
  size_t ops = below(40);
  for (size_t i = 0; i < ops; i++) {
    size_t what = below(10);
    if (what < 5 && count < 64) {
      random_create(b, names, &count);
    } else if (what < 7 && count > 0) {
      size_t k = below(count);
      gf_delete_security_configuration_request del = {names[k]};
      assert_int_equal(gf_delete_security_configuration(b, &del, NULL, &err), GF_OK);
      memmove(names[k], names[count - 1], sizeof names[k]);
      count--;
    } else if (what < 8) {
      random_catalog(b);
    } else {
      random_policy(b);
    }
  }
  if (below(3) == 0)
    gf_fake_set_security_configuration_limit(fake, count + below(5));
  gf_error_clear(&err);
}

#define ROUNDS 200

static void test_random_round_trip_dump(void **state)
{
  (void)state;
  rng_state = 20240601;
  for (int round = 0; round < ROUNDS; round++) {
    gf_fake *original = new_fake(NULL);
    build_random_state(original);
    char *d1 = dump(original);
    gf_fake *reloaded = new_fake(NULL);
    gf_error err = GF_ERROR_INIT;
    if (gf_fake_load(reloaded, d1, strlen(d1), "dump", &err) != GF_OK)
      fail_msg("round %d: the dump does not load: %s\n%s", round, gf_error_message(&err), d1);
    char *d2 = dump(reloaded);
    if (strcmp(d1, d2) != 0)
      fail_msg("round %d: dumps differ:\n--- original\n%s--- reloaded\n%s", round, d1, d2);
    gf_buffer_free(d1);
    gf_buffer_free(d2);
    gf_fake_free(original);
    gf_fake_free(reloaded);
  }
}

/* The configurations listed (pages without their NextTokens) agree. */
static void strip_tokens(char *text)
{
  char *p;
  while ((p = strstr(text, ",\"NextToken\":\"")) != NULL) {
    char *end = strchr(p + 14, '"');
    assert_non_null(end);
    memmove(p, end + 1, strlen(end + 1) + 1);
  }
}

static void test_random_round_trip_listing(void **state)
{
  (void)state;
  rng_state = 20240601;
  int token_rounds_differing = 0, first_differing = -1;
  for (int round = 0; round < ROUNDS; round++) {
    gf_fake *original = new_fake(NULL);
    build_random_state(original);
    char *d1 = dump(original);
    gf_fake *reloaded = new_fake(NULL);
    gf_error err = GF_ERROR_INIT;
    if (gf_fake_load(reloaded, d1, strlen(d1), "dump", &err) != GF_OK)
      fail_msg("round %d: the dump does not load: %s", round, gf_error_message(&err));
    static const int64_t sizes[] = {1, 2, 3, 7, 100};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      char *a = listing(gf_fake_backend(original), sizes[k]);
      char *b = listing(gf_fake_backend(reloaded), sizes[k]);
      /* NextTokens name positions in creation order, which a dump does not
       * keep where configurations were deleted: the pages must agree, the
       * tokens only when nothing was deleted (next test). */
      strip_tokens(a);
      strip_tokens(b);
      if (strcmp(a, b) != 0) {
        if (first_differing < 0)
          first_differing = round;
        token_rounds_differing++;
      }
      free(a);
      free(b);
    }
    gf_buffer_free(d1);
    gf_fake_free(original);
    gf_fake_free(reloaded);
  }
  if (token_rounds_differing)
    fail_msg("the configurations listed differ in %d listings (first in round %d)",
             token_rounds_differing, first_differing);
}

/* Tokens are the same for the same state: a fake reloaded from its dump
 * lists the same pages with the same NextTokens - as long as nothing was
 * deleted, since a dump renumbers the creation order without gaps.  After
 * a delete the pages still agree and each fake's tokens page it fully. */
/* More configurations than the limit is a state the API reaches (a limit
 * lowered later); its dump loads, and the next create fails. */
static void test_over_limit_state_loads(void **state)
{
  fx *f = *state;
  static const char text[] =
      "{\"limits\": {\"security_configurations\": 2}, \"security_configurations\": ["
      "{\"Name\": \"a\", \"EncryptionConfiguration\": {}},"
      "{\"Name\": \"b\", \"EncryptionConfiguration\": {}},"
      "{\"Name\": \"c\", \"EncryptionConfiguration\": {}}]}";
  load_ok(f->fake, text);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 3);
  gf_encryption_configuration none = {0};
  gf_create_security_configuration_request req = {"d", &none};
  assert_int_equal(gf_create_security_configuration(f->b, &req, NULL, NULL),
                   GF_RESOURCE_NUMBER_LIMIT_EXCEEDED);
  char *d = dump(f->fake);
  gf_fake *reloaded = new_fake(NULL);
  load_ok(reloaded, d);
  gf_buffer_free(d);
  gf_fake_free(reloaded);
}

static void test_round_trip_tokens_after_delete(void **state)
{
  fx *f = *state;
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gf_fake_set_clock(f->fake, 1700000000, 1, &err), GF_OK);
  create_ok(f->b, "a", 1700000000);
  create_ok(f->b, "b", 1700000001);
  create_ok(f->b, "c", 1700000002);
  for (int deleted = 0; deleted < 2; deleted++) {
    if (deleted) {
      gf_delete_security_configuration_request del = {"a"};
      assert_int_equal(gf_delete_security_configuration(f->b, &del, NULL, &err), GF_OK);
    }
    char *d = dump(f->fake);
    gf_fake *reloaded = new_fake(NULL);
    load_ok(reloaded, d);
    char *a = listing(f->b, 1), *b = listing(gf_fake_backend(reloaded), 1);
    if (!deleted) {
      assert_string_equal(a, b);
    } else {
      strip_tokens(a);
      strip_tokens(b);
      assert_string_equal(a, b);
    }
    free(a);
    free(b);
    gf_buffer_free(d);
    gf_fake_free(reloaded);
  }
  gf_error_clear(&err);
}

/* ======================================================================== */
/* A generated 10,000-configuration fixture                                  */
/* ======================================================================== */

#define BIG_N 10000

static void test_big_fixture(void **state)
{
  fx *f = *state;
  size_t cap = (size_t)BIG_N * 220 + 256, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  len += (size_t)snprintf(text + len, cap - len,
                          "{\"clock\": {\"now\": 1700000000, \"step\": 1},\n"
                          " \"security_configurations\": [\n");
  for (int i = 0; i < BIG_N; i++)
    len += (size_t)snprintf(text + len, cap - len,
                            "  {\"Name\": \"cfg-%05d\", \"CreatedTimeStamp\": %d, "
                            "\"EncryptionConfiguration\": {\"S3Encryption\": [{"
                            "\"S3EncryptionMode\": \"SSE-KMS\", \"KmsKeyArn\": "
                            "\"arn:aws:kms:us-east-1:123456789012:key/k%05d\"}]}}%s\n",
                            /* names not sorted by creation: reversed halves */
                            i < BIG_N / 2 ? BIG_N / 2 - 1 - i : i, 1690000000 + i, i,
                            i + 1 < BIG_N ? "," : "");
  len += (size_t)snprintf(text + len, cap - len, " ]}\n");
  assert_true(len < cap);

  gf_error err = GF_ERROR_INIT;
  if (gf_fake_load(f->fake, text, len, "configs-10000.json", &err) != GF_OK)
    fail_msg("%s", gf_error_message(&err));
  assert_int_equal(gf_fake_security_configuration_count(f->fake), BIG_N);

  /* Listed in fixture order, 1000 per page. */
  char *token = NULL;
  int seen = 0, pages = 0;
  do {
    gf_get_security_configurations_request req = {true, 1000, token};
    gf_get_security_configurations_response *resp = NULL;
    assert_int_equal(gf_get_security_configurations(f->b, &req, &resp, &err), GF_OK);
    pages++;
    for (size_t i = 0; i < resp->security_configurations_count; i++, seen++) {
      char name[16];
      snprintf(name, sizeof name, "cfg-%05d", seen < BIG_N / 2 ? BIG_N / 2 - 1 - seen : seen);
      const gf_security_configuration *c = &resp->security_configurations[i];
      assert_string_equal(c->name, name);
      assert_true(c->created_time_stamp == 1690000000 + seen);
    }
    free(token);
    token = resp->next_token ? strdup(resp->next_token) : NULL;
    gf_get_security_configurations_response_free(resp);
  } while (token);
  assert_int_equal(seen, BIG_N);
  assert_int_equal(pages, BIG_N / 1000);

  /* Round trip. */
  char *d1 = dump(f->fake);
  gf_fake *other = new_fake(NULL);
  assert_int_equal(gf_fake_load(other, d1, strlen(d1), "dump", &err), GF_OK);
  char *d2 = dump(other);
  assert_true(strcmp(d1, d2) == 0);
  gf_buffer_free(d1);
  gf_buffer_free(d2);
  gf_fake_free(other);
  free(text);
  gf_error_clear(&err);
}

/* ======================================================================== */

/* A dump writes the configurations out after letting go of the store's
 * lock: creates and deletes go on meanwhile, and each dump is whole. */
typedef struct churn {
  gf_fake *fake;
  atomic_int stop;
} churn;

static void *churn_configs(void *arg)
{
  churn *c = arg;
  gf_encryption_configuration ec = {0};
  char name[32];
  for (int i = 0; !atomic_load(&c->stop); i++) {
    snprintf(name, sizeof name, "churn%d", i % 50);
    gf_create_security_configuration_request create = {name, &ec};
    gf_delete_security_configuration_request del = {name};
    if (gf_create_security_configuration(gf_fake_backend(c->fake), &create, NULL, NULL) != GF_OK)
      gf_delete_security_configuration(gf_fake_backend(c->fake), &del, NULL, NULL);
  }
  return NULL;
}

static void test_dump_while_calls_go_on(void **state)
{
  (void)state;
  gf_fake *fake = test_fake_new(NULL, NULL);
  assert_non_null(fake);
  gf_recorder_set_enabled(gf_fake_calls(fake), 0);
  churn c = {fake, 0};
  pthread_t thread;
  assert_int_equal(pthread_create(&thread, NULL, churn_configs, &c), 0);
  for (int i = 0; i < 300; i++) {
    char *dump = gf_fake_dump(fake);
    assert_non_null(dump);
    cJSON *json = cJSON_Parse(dump);
    assert_non_null(json);
    assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(json, "security_configurations")) <= 50);
    cJSON_Delete(json);
    gf_buffer_free(dump);
  }
  atomic_store(&c.stop, 1);
  pthread_join(thread, NULL);
  gf_fake_free(fake);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_account_id_alone),
      T(test_region_alone),
      T(test_clock_alone),
      T(test_limits_alone),
      T(test_security_configurations_alone),
      T(test_created_time_stamp_from_fixture_clock),
      T(test_catalog_settings_alone),
      T(test_resource_policies_alone),
      T(test_faults_key),
      T(test_faults_key_reseeds_generator),
      T(test_design_example),
      T(test_left_out_keys_reset),
      T(test_errors_json_syntax),
      T(test_errors_json_syntax_column_of_offending_byte),
      T(test_errors_root_and_top_level),
      T(test_errors_security_configurations),
      T(test_errors_catalog_settings),
      T(test_errors_resource_policies),
      T(test_errors_wrong_json_type),
      T(test_errors_catalog_missing_boolean),
      T(test_errors_faults),
      T(test_errors_without_err_and_source),
      T(test_errors_duplicate_keys_and_numbers),
      T(test_load_file),
      T(test_load_file_edges),
      T(test_load_file_not_regular),
      T(test_every_fixture_loads),
      T(test_fixture_at_limit),
      T(test_fixture_kms_everywhere),
      T(test_fixture_resource_policy_file),
      T(test_snapshot_round_trip_files),
      T(test_snapshot_canonical_order),
      T(test_snapshot_no_faults_clock_limits),
      T(test_snapshot_reset_between_tests),
      T(test_random_round_trip_dump),
      T(test_over_limit_state_loads),
      T(test_round_trip_tokens_after_delete),
      T(test_random_round_trip_listing),
      T(test_big_fixture),
      T(test_dump_while_calls_go_on),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
