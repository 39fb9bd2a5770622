/*
 * test_validation.c - every validation rule of the shape model at its
 * boundary, through the typed API: the status is InvalidInputException, the
 * message is AWS's ("1 validation error detected: Value at 'name' failed to
 * satisfy constraint: Member must ..."), and a rejected call changes nothing.
 *
 * Each test starts from a fake holding one security configuration, catalog
 * settings for two catalogs and two resource policies; after every rejected
 * call the whole observable state is compared with what it was before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gluefake.h"
#include "helpers.h"

#define T0 FIXED_T0
#define ACCOUNT GF_DEFAULT_ACCOUNT_ID
#define DEFAULT_ARN "arn:aws:glue:us-east-1:123456789012:catalog"
#define DB1_ARN "arn:aws:glue:us-east-1:123456789012:database/db1"
#define KMS1 "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"
#define KMS2 "arn:aws:kms:us-east-1:123456789012:key/22222222-2222-2222-2222-222222222222"
#define KMS3 "arn:aws:kms:eu-west-1:123456789012:key/33333333-3333-3333-3333-333333333333"
#define POLICY "{\"Version\":\"2012-10-17\",\"Statement\":[]}"

/* AWS's wording. */
#define ITEM(path, rule) "Value at '" path "' failed to satisfy constraint: " rule
#define NULL_ITEM(path) "Value null at '" path "' failed to satisfy constraint: Member must not be null"
#define ONE(path, rule) "1 validation error detected: " ITEM(path, rule)
#define ONE_NULL(path) "1 validation error detected: " NULL_ITEM(path)
#define MIN_LEN(n) "Member must have length greater than or equal to " #n
#define MAX_LEN(n) "Member must have length less than or equal to " #n
#define SINGLE_LINE                                                                        \
  "Member must satisfy regular expression pattern: "                                       \
  "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*"
#define KMS_PATTERN "Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*"
#define GLUE_PATTERN                                                                       \
  "Member must satisfy regular expression pattern: arn:aws(-(cn|us-gov|iso(-[bef])?))?:glue:.*"
#define UTF8 "Member must be valid UTF-8"
#define JSON_DOC "Member must be a valid JSON document"
#define ENUM(values) "Member must satisfy enum value set: [" values "]"
#define S3_MODES ENUM("DISABLED, SSE-KMS, SSE-S3")
#define CW_MODES ENUM("DISABLED, SSE-KMS")
#define JB_MODES ENUM("DISABLED, CSE-KMS")
#define CATALOG_MODES ENUM("DISABLED, SSE-KMS, SSE-KMS-WITH-SERVICE-ROLE")
#define EXIST_CONDITIONS ENUM("MUST_EXIST, NOT_EXIST, NONE")
#define HYBRID_VALUES ENUM("TRUE, FALSE")

#define P_SSE_KEY "dataCatalogEncryptionSettings.encryptionAtRest.sseAwsKmsKeyId"
#define P_PW_KEY "dataCatalogEncryptionSettings.connectionPasswordEncryption.awsKmsKeyId"
#define P_CATALOG_MODE "dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionMode"

typedef struct fixture {
  gf_fake *fake;
  gf_backend *b;
  char *before; /* the observable state, as JSON lines */
} fixture;

/* ---- helpers ------------------------------------------------------------- */

/* A new string: `unit` `times` times, then `tail`. */
static char *repeat(const char *unit, size_t times, const char *tail)
{
  size_t unit_len = strlen(unit), tail_len = strlen(tail);
  char *s = malloc(unit_len * times + tail_len + 1);
  assert_non_null(s);
  for (size_t i = 0; i < times; i++)
    memcpy(s + i * unit_len, unit, unit_len);
  memcpy(s + unit_len * times, tail, tail_len + 1);
  return s;
}

static void sbuf_add_answer(sbuf *s, gf_operation op, gf_status status, void *response,
                            gf_error *err)
{
  cJSON *json = status == GF_OK ? gf_response_to_json(op, response) : gf_error_to_json(err);
  assert_non_null(json);
  char *text = cJSON_PrintUnformatted(json);
  assert_non_null(text);
  sbuf_add(s, gf_operation_name(op));
  sbuf_add(s, " ");
  sbuf_add(s, text);
  sbuf_add(s, "\n");
  cJSON_free(text);
  cJSON_Delete(json);
  gf_response_free(op, response);
  gf_error_clear(err);
}

/* Everything a client can observe, none of it reading the clock. */
static char *snapshot(gf_fake *fake)
{
  gf_backend *b = gf_fake_backend(fake);
  gf_error err = GF_ERROR_INIT;
  sbuf s = {NULL, 0, 0};
  char line[64];
  char account[13];
  gf_fake_account_id(fake, account);
  snprintf(line, sizeof line, "count %zu account %s\n",
           gf_fake_security_configuration_count(fake), account);
  sbuf_add(&s, line);

  char *token = NULL;
  int pages = 0;
  do {
    gf_get_security_configurations_request req = {true, 1000, token};
    gf_get_security_configurations_response *page = NULL;
    gf_status status = gf_get_security_configurations(b, &req, &page, &err);
    assert_int_equal(status, GF_OK);
    free(token);
    token = page->next_token ? strdup(page->next_token) : NULL;
    sbuf_add_answer(&s, GF_OP_GET_SECURITY_CONFIGURATIONS, status, page, &err);
  } while (token && ++pages < 100);
  free(token);

  const char *catalogs[] = {NULL, ACCOUNT, "other-catalog"};
  for (size_t i = 0; i < 3; i++) {
    gf_get_data_catalog_encryption_settings_request req = {catalogs[i]};
    void *out = NULL;
    gf_status status = gf_call(b, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, &req, &out, &err);
    sbuf_add_answer(&s, GF_OP_GET_DATA_CATALOG_ENCRYPTION_SETTINGS, status, out, &err);
  }
  const char *arns[] = {NULL, DB1_ARN};
  for (size_t i = 0; i < 2; i++) {
    gf_get_resource_policy_request req = {arns[i]};
    void *out = NULL;
    gf_status status = gf_call(b, GF_OP_GET_RESOURCE_POLICY, &req, &out, &err);
    sbuf_add_answer(&s, GF_OP_GET_RESOURCE_POLICY, status, out, &err);
  }
  return s.p;
}

static void assert_unchanged(fixture *f)
{
  char *now = snapshot(f->fake);
  if (strcmp(now, f->before) != 0) {
    print_error("the store changed:\n--- before\n%s--- after\n%s", f->before, now);
    free(now);
    fail();
  }
  free(now);
}

/* After an accepted call that changed the store on purpose. */
static void resnap(fixture *f)
{
  free(f->before);
  f->before = snapshot(f->fake);
}

static const gf_s3_encryption existing_s3[1] = {{GF_MODE_SSE_KMS, KMS1}};
static const gf_cloud_watch_encryption existing_cw = {GF_MODE_SSE_KMS, KMS2};
static const gf_job_bookmarks_encryption existing_jb = {GF_MODE_CSE_KMS, KMS3};
static const gf_encryption_configuration existing_config = {existing_s3, 1, &existing_cw,
                                                            &existing_jb, NULL};
static const gf_encryption_configuration empty_config = {NULL, 0, NULL, NULL, NULL};
static const gf_encryption_at_rest existing_rest = {GF_MODE_SSE_KMS, "alias/glue", NULL};
static const gf_connection_password_encryption existing_pw = {true, "alias/pw", true};
static const gf_data_catalog_encryption_settings existing_settings = {&existing_rest,
                                                                      &existing_pw};
static const gf_encryption_at_rest disabled_rest = {GF_MODE_DISABLED, NULL, NULL};
static const gf_data_catalog_encryption_settings disabled_settings = {&disabled_rest, NULL};

static int setup(void **state)
{
  gf_error err = GF_ERROR_INIT;
  fixture *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  f->fake = fixed_fake(NULL, &err);
  if (!f->fake)
    goto fail;
  f->b = gf_fake_backend(f->fake);
  gf_create_security_configuration_request create = {"existing", &existing_config};
  gf_put_data_catalog_encryption_settings_request put_default = {NULL, &existing_settings};
  gf_put_data_catalog_encryption_settings_request put_other = {"other-catalog",
                                                               &disabled_settings};
  gf_put_resource_policy_request policy = {POLICY, NULL, NULL, NULL, NULL};
  gf_put_resource_policy_request db_policy = {"{\"db\":1}", NULL, NULL, DB1_ARN, NULL};
  if (gf_create_security_configuration(f->b, &create, NULL, &err) != GF_OK ||
      gf_put_data_catalog_encryption_settings(f->b, &put_default, NULL, &err) != GF_OK ||
      gf_put_data_catalog_encryption_settings(f->b, &put_other, NULL, &err) != GF_OK ||
      gf_put_resource_policy(f->b, &policy, NULL, &err) != GF_OK ||
      gf_put_resource_policy(f->b, &db_policy, NULL, &err) != GF_OK)
    goto fail;
  f->before = snapshot(f->fake);
  *state = f;
  return 0;
fail:
  fprintf(stderr, "setup: %s\n", gf_error_message(&err));
  gf_error_clear(&err);
  gf_fake_free(f->fake);
  free(f);
  return -1;
}

static int teardown(void **state)
{
  fixture *f = *state;
  if (f) {
    gf_fake_free(f->fake);
    free(f->before);
    free(f);
  }
  return 0;
}

/* The call was rejected with exactly `message`, and nothing changed. */
static void expect_rejected(fixture *f, gf_status status, gf_error *err, const char *message)
{
  if (status != GF_INVALID_INPUT || err->status != GF_INVALID_INPUT || !err->message ||
      strcmp(err->message, message) != 0) {
    print_error("status %s (%s), message\n  %s\nexpected InvalidInputException, message\n  %s\n",
                gf_status_name(status), gf_status_name(err->status), gf_error_message(err),
                message);
    gf_error_clear(err);
    fail();
  }
  gf_error_clear(err);
  assert_unchanged(f);
}

/* The same with the message of one violation. */
static void expect_one(fixture *f, gf_status status, gf_error *err, const char *path,
                       const char *rule)
{
  char message[4096];
  snprintf(message, sizeof message, "1 validation error detected: Value at '%s' failed to "
                                    "satisfy constraint: %s",
           path, rule);
  expect_rejected(f, status, err, message);
}

static void expect_ok(gf_status status, gf_error *err)
{
  if (status != GF_OK) {
    print_error("expected success, got %s: %s\n", gf_status_name(status), gf_error_message(err));
    gf_error_clear(err);
    fail();
  }
}

/* ---- call wrappers: each checks that a failed call hands out nothing ----- */

static gf_status do_get_catalog(fixture *f, const char *catalog_id, gf_error *err)
{
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *out = NULL;
  gf_status status = gf_get_data_catalog_encryption_settings(f->b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_get_data_catalog_encryption_settings_response_free(out);
  return status;
}

static gf_status do_put_catalog(fixture *f, const char *catalog_id,
                                const gf_data_catalog_encryption_settings *settings,
                                gf_error *err)
{
  gf_put_data_catalog_encryption_settings_request req = {catalog_id, settings};
  gf_put_data_catalog_encryption_settings_response *out = NULL;
  gf_status status = gf_put_data_catalog_encryption_settings(f->b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_put_data_catalog_encryption_settings_response_free(out);
  return status;
}

static gf_status put_doc(fixture *f, const char *document, gf_error *err)
{
  return policy_put(f->b, document, NULL, NULL, NULL, NULL, err);
}

static gf_status do_get_policy(fixture *f, const char *arn, gf_error *err)
{
  gf_get_resource_policy_request req = {arn};
  gf_get_resource_policy_response *out = NULL;
  gf_status status = gf_get_resource_policy(f->b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_get_resource_policy_response_free(out);
  return status;
}

static gf_status do_delete_policy(fixture *f, const char *hash, const char *arn, gf_error *err)
{
  gf_delete_resource_policy_request req = {hash, arn};
  gf_delete_resource_policy_response *out = NULL;
  gf_status status = gf_delete_resource_policy(f->b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  gf_delete_resource_policy_response_free(out);
  return status;
}

static gf_status do_list(fixture *f, bool has_max, int64_t max, size_t *count, gf_error *err)
{
  gf_get_security_configurations_request req = {has_max, max, NULL};
  gf_get_security_configurations_response *out = NULL;
  gf_status status = gf_get_security_configurations(f->b, &req, &out, err);
  if (status != GF_OK)
    assert_null(out);
  if (out && count)
    *count = out->security_configurations_count;
  gf_get_security_configurations_response_free(out);
  return status;
}

/* `name` is rejected by Create, Get and Delete alike with `rule`. */
static void expect_name_rejected(fixture *f, const char *name, const char *rule)
{
  gf_error err = GF_ERROR_INIT;
  expect_one(f, config_create(f->b, name, &empty_config, &err), &err, "name", rule);
  expect_one(f, config_create(f->b, name, &existing_config, &err), &err, "name", rule);
  expect_one(f, config_get(f->b, name, &err), &err, "name", rule);
  expect_one(f, config_delete(f->b, name, &err), &err, "name", rule);
}

/* `name` is accepted: created, read back byte for byte, deleted. */
static void expect_name_accepted(fixture *f, const char *name)
{
  gf_error err = GF_ERROR_INIT;
  expect_ok(config_create(f->b, name, &empty_config, &err), &err);
  gf_get_security_configuration_request req = {name};
  gf_get_security_configuration_response *out = NULL;
  expect_ok(gf_get_security_configuration(f->b, &req, &out, &err), &err);
  assert_string_equal(out->security_configuration->name, name);
  gf_get_security_configuration_response_free(out);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
  expect_ok(config_delete(f->b, name, &err), &err);
  assert_unchanged(f);
}

/* ---- Name ---------------------------------------------------------------- */

static void test_name_length_boundaries(void **state)
{
  fixture *f = *state;
  expect_name_rejected(f, "", MIN_LEN(1));
  expect_name_accepted(f, "a");
  char *s255 = repeat("a", 255, "");
  char *s256 = repeat("a", 256, "");
  char *s1000 = repeat("n", 1000, "");
  expect_name_accepted(f, s255);
  expect_name_rejected(f, s256, MAX_LEN(255));
  expect_name_rejected(f, s1000, MAX_LEN(255));
  free(s255);
  free(s256);
  free(s1000);

  /* A name that passes validation but does not exist is not found. */
  char *missing = repeat("m", 255, "");
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(config_get(f->b, missing, &err), GF_ENTITY_NOT_FOUND);
  assert_int_equal(config_delete(f->b, missing, &err), GF_ENTITY_NOT_FOUND);
  gf_error_clear(&err);
  free(missing);
  assert_unchanged(f);
}

static void test_name_length_counts_utf8_bytes(void **state)
{
  fixture *f = *state;
  /* "é" is 2 bytes, "€" 3, the emoji 4. */
  char *mix255 = repeat("\xC3\xA9\xE2\x82\xAC", 51, "");           /* 51 x 5 = 255 */
  char *mix256 = repeat("\xC3\xA9\xE2\x82\xAC", 51, "a");          /* 256 */
  char *euro255 = repeat("\xE2\x82\xAC", 85, "");                  /* 85 x 3 = 255 */
  char *euro256 = repeat("\xE2\x82\xAC", 85, "a");                 /* 256 */
  char *e_acute256 = repeat("\xC3\xA9", 128, "");                  /* 128 chars, 256 bytes */
  char *emoji255 = repeat("\xF0\x9F\x98\x80", 63, "\xE2\x82\xAC"); /* 252 + 3 */
  char *emoji256 = repeat("\xF0\x9F\x98\x80", 64, "");             /* 256 */
  assert_int_equal(strlen(mix255), 255);
  assert_int_equal(strlen(mix256), 256);
  assert_int_equal(strlen(euro255), 255);
  assert_int_equal(strlen(euro256), 256);
  assert_int_equal(strlen(e_acute256), 256);
  assert_int_equal(strlen(emoji255), 255);
  assert_int_equal(strlen(emoji256), 256);

  expect_name_accepted(f, mix255);
  expect_name_accepted(f, euro255);
  expect_name_accepted(f, emoji255);
  expect_name_rejected(f, mix256, MAX_LEN(255));
  expect_name_rejected(f, euro256, MAX_LEN(255));
  expect_name_rejected(f, e_acute256, MAX_LEN(255));
  expect_name_rejected(f, emoji256, MAX_LEN(255));

  free(mix255);
  free(mix256);
  free(euro255);
  free(euro256);
  free(e_acute256);
  free(emoji255);
  free(emoji256);
}

static void test_name_single_line_pattern(void **state)
{
  fixture *f = *state;
  expect_name_rejected(f, "\n", SINGLE_LINE);
  expect_name_rejected(f, "a\nb", SINGLE_LINE);
  expect_name_rejected(f, "\r", SINGLE_LINE);
  expect_name_rejected(f, "trailing\r\n", SINGLE_LINE);
  expect_name_rejected(f, "bell\x07", SINGLE_LINE);
  expect_name_rejected(f, "\x1F", SINGLE_LINE);
  expect_name_rejected(f, "\x0B", SINGLE_LINE);
  expect_name_rejected(f, "x\xEF\xBF\xBF", SINGLE_LINE); /* U+FFFF */
  expect_name_rejected(f, "\xEF\xBF\xBE", SINGLE_LINE);  /* U+FFFE */

  expect_name_accepted(f, "\t");
  expect_name_accepted(f, "a\tb");
  expect_name_accepted(f, " ");
  expect_name_accepted(f, "with spaces and/slashes:colons");
  expect_name_accepted(f, "\x7F");                 /* DEL is >= U+0020 */
  expect_name_accepted(f, "\xC2\x85");             /* U+0085 */
  expect_name_accepted(f, "\xED\x9F\xBF");         /* U+D7FF */
  expect_name_accepted(f, "\xEE\x80\x80");         /* U+E000 */
  expect_name_accepted(f, "\xEF\xBF\xBD");         /* U+FFFD */
  expect_name_accepted(f, "\xF0\x9F\x98\x80");     /* U+1F600 */
  expect_name_accepted(f, "\xF0\x90\x80\x80");     /* U+10000 */
  expect_name_accepted(f, "\xF4\x8F\xBF\xBF");     /* U+10FFFF */
  expect_name_accepted(f, "caf\xC3\xA9-\xE2\x82\xAC"); /* café-€ */

  /* Too long and not single-line: both are reported, in that order. */
  char *long_line = repeat("a", 256, "\n");
  gf_error err = GF_ERROR_INIT;
  expect_rejected(f, config_create(f->b, long_line, &empty_config, &err), &err,
                  "2 validation errors detected: " ITEM("name", MAX_LEN(255)) "; " ITEM(
                      "name", SINGLE_LINE));
  free(long_line);
}

static void test_name_invalid_utf8(void **state)
{
  fixture *f = *state;
  expect_name_rejected(f, "\x80", UTF8);                /* lone continuation byte */
  expect_name_rejected(f, "a\x80z", UTF8);
  expect_name_rejected(f, "\xC0\xAF", UTF8);            /* overlong '/' */
  expect_name_rejected(f, "\xE0\x80\xAF", UTF8);        /* overlong, 3 bytes */
  expect_name_rejected(f, "\xED\xA0\x80", UTF8);        /* encoded surrogate U+D800 */
  expect_name_rejected(f, "\xED\xBF\xBF", UTF8);        /* encoded surrogate U+DFFF */
  expect_name_rejected(f, "ab\xE2\x82", UTF8);          /* truncated at the end */
  expect_name_rejected(f, "\xE2\x82x", UTF8);           /* truncated in the middle */
  expect_name_rejected(f, "\xC3", UTF8);                /* lone lead byte */
  expect_name_rejected(f, "\xF4\x90\x80\x80", UTF8);    /* above U+10FFFF */
  expect_name_rejected(f, "\xF8\x88\x80\x80\x80", UTF8); /* 5-byte form */
  expect_name_rejected(f, "\xFF", UTF8);
  expect_name_rejected(f, "\xFE\xFF", UTF8);

  /* Invalid UTF-8 and too long: the name is reported once, as not UTF-8. */
  char *long_bad = repeat("a", 300, "\x80");
  expect_name_rejected(f, long_bad, UTF8);
  free(long_bad);
}

/* The scan reads printable ASCII eight bytes at a time: a bad byte is
 * found wherever it sits in or around such a word. */
static void test_name_checked_at_every_position(void **state)
{
  fixture *f = *state;
  for (size_t at = 0; at < 19; at++) {
    char name[20];
    memset(name, 'a', 19);
    name[19] = '\0';
    name[at] = '\n';
    expect_name_rejected(f, name, SINGLE_LINE);
    name[at] = '\x1F';
    expect_name_rejected(f, name, SINGLE_LINE);
    name[at] = '\x80';
    expect_name_rejected(f, name, UTF8);
    name[at] = '\xFF';
    expect_name_rejected(f, name, UTF8);
    name[at] = '\x7F'; /* DEL: >= U+0020, so single-line */
    expect_name_accepted(f, name);
    name[at] = '~';
    expect_name_accepted(f, name);
    name[at] = ' ';
    expect_name_accepted(f, name);
  }
}

/* ---- CatalogId, SseAwsKmsKeyId, AwsKmsKeyId, PolicyHashCondition --------- */

static void expect_catalog_id_rejected(fixture *f, const char *catalog_id, const char *rule)
{
  gf_error err = GF_ERROR_INIT;
  expect_one(f, do_get_catalog(f, catalog_id, &err), &err, "catalogId", rule);
  expect_one(f, do_put_catalog(f, catalog_id, &existing_settings, &err), &err, "catalogId",
             rule);
}

static void expect_catalog_id_accepted(fixture *f, const char *catalog_id)
{
  gf_error err = GF_ERROR_INIT;
  expect_ok(do_get_catalog(f, catalog_id, &err), &err);
  expect_ok(do_put_catalog(f, catalog_id, &existing_settings, &err), &err);
  gf_get_data_catalog_encryption_settings_request req = {catalog_id};
  gf_get_data_catalog_encryption_settings_response *out = NULL;
  expect_ok(gf_get_data_catalog_encryption_settings(f->b, &req, &out, &err), &err);
  assert_string_equal(
      out->data_catalog_encryption_settings->encryption_at_rest->sse_aws_kms_key_id,
      "alias/glue");
  gf_get_data_catalog_encryption_settings_response_free(out);
  /* The catalogs of the snapshot are untouched. */
  assert_unchanged(f);
}

static void test_catalog_id_rules(void **state)
{
  fixture *f = *state;
  char *s255 = repeat("1", 255, "");
  char *s256 = repeat("1", 256, "");
  char *euro256 = repeat("\xE2\x82\xAC", 85, "1");
  expect_catalog_id_rejected(f, "", MIN_LEN(1));
  expect_catalog_id_rejected(f, s256, MAX_LEN(255));
  expect_catalog_id_rejected(f, euro256, MAX_LEN(255));
  expect_catalog_id_rejected(f, "1234\n", SINGLE_LINE);
  expect_catalog_id_rejected(f, "\r", SINGLE_LINE);
  expect_catalog_id_rejected(f, "\xEF\xBF\xBF", SINGLE_LINE);
  expect_catalog_id_rejected(f, "\xC0\xAF", UTF8);
  expect_catalog_id_rejected(f, "12\xED\xA0\x80", UTF8);
  expect_catalog_id_accepted(f, "1");
  expect_catalog_id_accepted(f, s255);
  expect_catalog_id_accepted(f, "cat\talog \xF0\x9F\x98\x80");
  free(s255);
  free(s256);
  free(euro256);
}

/* Settings with one key id set to `sse` (EncryptionAtRest) or `pw`
 * (ConnectionPasswordEncryption). */
static gf_status put_keys(fixture *f, const char *sse, const char *pw, gf_error *err)
{
  gf_encryption_at_rest rest = {GF_MODE_SSE_KMS, sse, NULL};
  gf_connection_password_encryption *password = calloc(1, sizeof *password);
  assert_non_null(password);
  password->return_connection_password_encrypted = true;
  password->has_return_connection_password_encrypted = true;
  password->aws_kms_key_id = pw;
  gf_data_catalog_encryption_settings settings = {&rest, password};
  gf_status status = do_put_catalog(f, NULL, &settings, err);
  free(password);
  return status;
}

static void test_kms_key_id_rules(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *s255 = repeat("k", 255, "");
  char *s256 = repeat("k", 256, "");
  static const struct {
    const char *value;
    const char *rule;
  } bad[] = {
      {"", MIN_LEN(1)},       {NULL, MAX_LEN(255)},       {"alias/\n", SINGLE_LINE},
      {"\r", SINGLE_LINE},    {"\xEF\xBF\xBF", SINGLE_LINE}, {"alias/\x80", UTF8},
      {"\xE2\x82", UTF8},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *value = bad[i].value ? bad[i].value : s256;
    expect_one(f, put_keys(f, value, "alias/pw", &err), &err, P_SSE_KEY, bad[i].rule);
    expect_one(f, put_keys(f, "alias/glue", value, &err), &err, P_PW_KEY, bad[i].rule);
  }
  /* Both bad at once: both reported, EncryptionAtRest first. */
  expect_rejected(f, put_keys(f, "", s256, &err), &err,
                  "2 validation errors detected: " ITEM(P_SSE_KEY, MIN_LEN(1)) "; " ITEM(
                      P_PW_KEY, MAX_LEN(255)));

  /* 1 and 255 bytes, tabs and non-ASCII are fine. */
  expect_ok(put_keys(f, "k", s255, &err), &err);
  expect_ok(put_keys(f, s255, "k", &err), &err);
  expect_ok(put_keys(f, "alias/\tcl\xC3\xA9", "\xF0\x9F\x98\x80", &err), &err);
  gf_get_data_catalog_encryption_settings_response *out = NULL;
  expect_ok(gf_get_data_catalog_encryption_settings(f->b, NULL, &out, &err), &err);
  assert_string_equal(
      out->data_catalog_encryption_settings->encryption_at_rest->sse_aws_kms_key_id,
      "alias/\tcl\xC3\xA9");
  assert_string_equal(
      out->data_catalog_encryption_settings->connection_password_encryption->aws_kms_key_id,
      "\xF0\x9F\x98\x80");
  gf_get_data_catalog_encryption_settings_response_free(out);
  free(s255);
  free(s256);
}

static void test_policy_hash_condition_rules(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  char *s255 = repeat("h", 255, "");
  char *s256 = repeat("h", 256, "");
  static const struct {
    const char *value;
    const char *rule;
  } bad[] = {
      {"", MIN_LEN(1)},          {NULL, MAX_LEN(255)}, {"abc\n", SINGLE_LINE},
      {"\r", SINGLE_LINE},       {"\xEF\xBF\xBF", SINGLE_LINE}, {"\xED\xA0\x80", UTF8},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    const char *value = bad[i].value ? bad[i].value : s256;
    gf_put_resource_policy_request put = {"{}", value, NULL, NULL, NULL};
    expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "policyHashCondition", bad[i].rule);
    /* Even where no policy exists: validation comes first. */
    put.resource_arn = "arn:aws:glue:us-east-1:123456789012:database/none";
    expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "policyHashCondition", bad[i].rule);
    expect_one(f, do_delete_policy(f, value, NULL, &err), &err, "policyHashCondition",
               bad[i].rule);
    expect_one(f, do_delete_policy(f, value, "arn:aws:glue:us-east-1:1:database/none", &err),
               &err, "policyHashCondition", bad[i].rule);
  }

  /* Valid in shape, but not the current hash: a condition failure, still
   * nothing changed. */
  const char *fine[] = {"h", s255, "\t\xF0\x9F\x98\x80"};
  for (size_t i = 0; i < 3; i++) {
    gf_put_resource_policy_request put = {"{}", fine[i], NULL, NULL, NULL};
    assert_int_equal(policy_put_req(f->b, &put, NULL, &err), GF_CONDITION_CHECK_FAILURE);
    assert_int_equal(err.status, GF_CONDITION_CHECK_FAILURE);
    assert_int_equal(do_delete_policy(f, fine[i], NULL, &err), GF_CONDITION_CHECK_FAILURE);
    gf_error_clear(&err);
    assert_unchanged(f);
  }
  free(s255);
  free(s256);
}

/* ---- enums --------------------------------------------------------------- */

static void test_s3_encryption_mode_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_s3_encryption s3[3] = {{GF_MODE_SSE_S3, NULL}, {"SSE_KMS", KMS1}, {GF_MODE_DISABLED, NULL}};
  gf_encryption_configuration config = {s3, 3, NULL, NULL, NULL};
  expect_one(f, config_create(f->b, "new", &config, &err), &err,
             "encryptionConfiguration.s3Encryption.2.member.s3EncryptionMode", S3_MODES);

  const char *bad[] = {"sse-s3", "SSE-KMS ", "", "CSE-KMS", "SSE_S3", "NONE"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s3[1].s3_encryption_mode = GF_MODE_SSE_KMS;
    s3[2].s3_encryption_mode = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.s3Encryption.3.member.s3EncryptionMode", S3_MODES);
    s3[2].s3_encryption_mode = GF_MODE_DISABLED;
    s3[0].s3_encryption_mode = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.s3Encryption.1.member.s3EncryptionMode", S3_MODES);
    s3[0].s3_encryption_mode = GF_MODE_SSE_S3;
  }

  /* Each of the three values is accepted. */
  expect_ok(config_create(f->b, "new", &config, &err), &err);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);
}

static void test_cloud_watch_encryption_mode_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_cloud_watch_encryption cw = {"SSE-S3", NULL};
  gf_encryption_configuration config = {NULL, 0, &cw, NULL, NULL};
  const char *bad[] = {"SSE-S3", "CSE-KMS", "disabled", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cw.cloud_watch_encryption_mode = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.cloudWatchEncryption.cloudWatchEncryptionMode",
               CW_MODES);
  }
  cw.cloud_watch_encryption_mode = GF_MODE_DISABLED;
  expect_ok(config_create(f->b, "cw-disabled", &config, &err), &err);
  cw.cloud_watch_encryption_mode = GF_MODE_SSE_KMS;
  cw.kms_key_arn = KMS2;
  expect_ok(config_create(f->b, "cw-kms", &config, &err), &err);
}

static void test_job_bookmarks_encryption_mode_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_job_bookmarks_encryption jb = {"SSE-KMS", NULL};
  gf_encryption_configuration config = {NULL, 0, NULL, &jb, NULL};
  const char *bad[] = {"SSE-KMS", "SSE-S3", "cse-kms", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    jb.job_bookmarks_encryption_mode = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.jobBookmarksEncryption.jobBookmarksEncryptionMode",
               JB_MODES);
  }
  jb.job_bookmarks_encryption_mode = GF_MODE_DISABLED;
  expect_ok(config_create(f->b, "jb-disabled", &config, &err), &err);
  jb.job_bookmarks_encryption_mode = GF_MODE_CSE_KMS;
  jb.kms_key_arn = KMS3;
  expect_ok(config_create(f->b, "jb-kms", &config, &err), &err);
}

static void test_catalog_encryption_mode_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_encryption_at_rest rest = {"sse-kms", "alias/x", NULL};
  gf_data_catalog_encryption_settings settings = {&rest, NULL};
  const char *bad[] = {"sse-kms", "SSE-S3", "CSE-KMS", "Disabled", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rest.catalog_encryption_mode = bad[i];
    expect_one(f, do_put_catalog(f, NULL, &settings, &err), &err, P_CATALOG_MODE,
               CATALOG_MODES);
    expect_one(f, do_put_catalog(f, "other-catalog", &settings, &err), &err, P_CATALOG_MODE,
               CATALOG_MODES);
  }
  rest.catalog_encryption_mode = GF_MODE_DISABLED;
  expect_ok(do_put_catalog(f, "fresh", &settings, &err), &err);
  rest.catalog_encryption_mode = GF_MODE_SSE_KMS;
  expect_ok(do_put_catalog(f, "fresh", &settings, &err), &err);
  rest.catalog_encryption_mode = GF_MODE_SSE_KMS_WITH_SERVICE_ROLE;
  expect_ok(do_put_catalog(f, "fresh", &settings, &err), &err);
}

/* CatalogEncryptionServiceRole: an IAM role ARN of any partition, the
 * model's pattern exactly. */
static void test_catalog_encryption_service_role_pattern(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_encryption_at_rest rest = {GF_MODE_SSE_KMS_WITH_SERVICE_ROLE, "alias/x", NULL};
  gf_data_catalog_encryption_settings settings = {&rest, NULL};
  static const char *const bad[] = {
      "",
      "arn:aws:iam::123456789012:role/",
      "arn:aws:iam::12345678901:role/r",
      "arn:aws:iam::1234567890123:role/r",
      "arn:aws:iam:us-east-1:123456789012:role/r",
      "arn:aws:iam::123456789012:user/r",
      "arn:aws-iso-c:iam::123456789012:role/r",
      "arn:aws-eu:iam::123456789012:role/r",
      "arn:aws:iam::123456789012:role/r\n",
      "role/r",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rest.catalog_encryption_service_role = bad[i];
    expect_one(f, do_put_catalog(f, NULL, &settings, &err), &err,
               "dataCatalogEncryptionSettings.encryptionAtRest.catalogEncryptionServiceRole",
               "Member must satisfy regular expression pattern: "
               "^arn:aws(-(cn|us-gov|iso(-[bef])?))?:iam::[0-9]{12}:role/.+");
  }
  static const char *const good[] = {
      "arn:aws:iam::123456789012:role/glue-catalog",
      "arn:aws-cn:iam::123456789012:role/r",
      "arn:aws-us-gov:iam::123456789012:role/service-role/r",
      "arn:aws-iso:iam::123456789012:role/r",
      "arn:aws-iso-b:iam::123456789012:role/r",
      "arn:aws-iso-e:iam::123456789012:role/r",
      "arn:aws-iso-f:iam::123456789012:role/r",
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    rest.catalog_encryption_service_role = good[i];
    expect_ok(do_put_catalog(f, NULL, &settings, &err), &err);
    gf_get_data_catalog_encryption_settings_response *out = NULL;
    expect_ok(gf_get_data_catalog_encryption_settings(f->b, NULL, &out, &err), &err);
    const gf_encryption_at_rest *stored = out->data_catalog_encryption_settings->encryption_at_rest;
    assert_string_equal(stored->catalog_encryption_mode, GF_MODE_SSE_KMS_WITH_SERVICE_ROLE);
    assert_string_equal(stored->catalog_encryption_service_role, good[i]);
    gf_get_data_catalog_encryption_settings_response_free(out);
  }
}

/* DataQualityEncryption: its mode is DISABLED or SSE-KMS, its key a KMS
 * ARN; stored and returned like the other three members. */
static void test_data_quality_encryption(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_data_quality_encryption dq = {"CSE-KMS", NULL};
  gf_encryption_configuration config = {NULL, 0, NULL, NULL, &dq};
  const char *bad[] = {"CSE-KMS", "SSE-S3", "sse-kms", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    dq.data_quality_encryption_mode = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.dataQualityEncryption.dataQualityEncryptionMode",
               CW_MODES);
  }
  dq.data_quality_encryption_mode = GF_MODE_SSE_KMS;
  dq.kms_key_arn = "alias/dq";
  expect_one(f, config_create(f->b, "new", &config, &err), &err,
             "encryptionConfiguration.dataQualityEncryption.kmsKeyArn", KMS_PATTERN);
  dq.kms_key_arn = "arn:aws-cn:kms:cn-north-1:123456789012:key/dq";
  expect_ok(config_create(f->b, "dq", &config, &err), &err);
  gf_get_security_configuration_request req = {"dq"};
  gf_get_security_configuration_response *out = NULL;
  expect_ok(gf_get_security_configuration(f->b, &req, &out, &err), &err);
  const gf_data_quality_encryption *stored =
      out->security_configuration->encryption_configuration->data_quality_encryption;
  assert_non_null(stored);
  assert_string_equal(stored->data_quality_encryption_mode, GF_MODE_SSE_KMS);
  assert_string_equal(stored->kms_key_arn, "arn:aws-cn:kms:cn-north-1:123456789012:key/dq");
  gf_get_security_configuration_response_free(out);
}

static void test_policy_exists_condition_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const char *bad[] = {"MAYBE", "must_exist", "NOT_EXISTS", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_put_resource_policy_request put = {"{}", NULL, bad[i], NULL, NULL};
    expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "policyExistsCondition",
               EXIST_CONDITIONS);
  }
  /* The three values pass validation (the policy exists). */
  gf_put_resource_policy_request put = {"{}", NULL, GF_POLICY_NOT_EXIST, NULL, NULL};
  assert_int_equal(policy_put_req(f->b, &put, NULL, &err), GF_CONDITION_CHECK_FAILURE);
  gf_error_clear(&err);
  assert_unchanged(f);
  put.policy_exists_condition = GF_POLICY_MUST_EXIST;
  expect_ok(policy_put_req(f->b, &put, NULL, &err), &err);
  put.policy_exists_condition = GF_POLICY_NONE;
  expect_ok(policy_put_req(f->b, &put, NULL, &err), &err);
}

static void test_enable_hybrid_enum(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const char *bad[] = {"yes", "true", "True", "1", ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_put_resource_policy_request put = {"{}", NULL, NULL, NULL, bad[i]};
    expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "enableHybrid", HYBRID_VALUES);
  }
  gf_put_resource_policy_request put = {"{}", NULL, NULL, NULL, "TRUE"};
  expect_ok(policy_put_req(f->b, &put, NULL, &err), &err);
  put.enable_hybrid = "FALSE";
  expect_ok(policy_put_req(f->b, &put, NULL, &err), &err);
}

/* ---- KmsKeyArn and ResourceArn ------------------------------------------- */

static void test_kms_key_arn_pattern(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  gf_s3_encryption s3[2] = {{GF_MODE_SSE_S3, NULL}, {GF_MODE_SSE_KMS, NULL}};
  gf_cloud_watch_encryption cw = {GF_MODE_SSE_KMS, NULL};
  gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, NULL};
  gf_encryption_configuration config = {s3, 2, &cw, &jb, NULL};

  static const char *const bad[] = {
      "arn:aws-US-gov:kms:us-gov-west-1:123456789012:key/x",
      "arn:aws_cn:kms:cn-north-1:123456789012:key/x",
      "arn:aws-cn:kms",
      "ARN:aws:kms:us-east-1:123456789012:key/x",
      "arn:aws:KMS:us-east-1:123456789012:key/x",
      "arn:aws:kms",
      "arn:aws:kms:us-east-1:123456789012:key/x\n",
      "arn:aws:kms:us-east-1:123\n456789012:key/x",
      "arn:aws:kms:\r",
      "arn:aws:kms:us-east-1:123456789012:key/\xE2\x80\xA8x", /* U+2028 LINE SEPARATOR */
      "arn:aws:kms:us-east-1:123456789012:key/\xE2\x80\xA9x", /* U+2029 PARAGRAPH SEPARATOR */
      " arn:aws:kms:",
      "xarn:aws:kms:",
      "arn:aws:s3:::bucket",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    s3[1].kms_key_arn = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.s3Encryption.2.member.kmsKeyArn", KMS_PATTERN);
    s3[1].kms_key_arn = KMS1;
    cw.kms_key_arn = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.cloudWatchEncryption.kmsKeyArn", KMS_PATTERN);
    cw.kms_key_arn = KMS2;
    jb.kms_key_arn = bad[i];
    expect_one(f, config_create(f->b, "new", &config, &err), &err,
               "encryptionConfiguration.jobBookmarksEncryption.kmsKeyArn", KMS_PATTERN);
    jb.kms_key_arn = NULL;
  }
  cw.kms_key_arn = "arn:aws:kms:\x80";
  expect_one(f, config_create(f->b, "new", &config, &err), &err,
             "encryptionConfiguration.cloudWatchEncryption.kmsKeyArn", UTF8);

  /* The empty string matches ^$; "arn:aws:kms:" alone matches
   * arn:aws[a-z0-9-]*:kms:.*, as do the other partitions' keys and anything
   * after ":kms:" on one line, however long. */
  char *long_arn = repeat("k", 20000, "");
  memcpy(long_arn, "arn:aws:kms:", 12);
  static const char *const good[] = {"",
                                     "arn:aws:kms:",
                                     KMS1,
                                     "arn:aws-cn:kms:cn-north-1:123456789012:key/x",
                                     "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/x",
                                     "arn:aws-iso-b:kms:us-isob-east-1:123456789012:key/x",
                                     "arn:aws-:kms:",
                                     "arn:aws:kms:\tx",
                                     "arn:aws:kms:\xC3\xA9\xF0\x9F\x98\x80",
                                     NULL};
  char name[16];
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    const char *arn = good[i] ? good[i] : long_arn;
    s3[1].kms_key_arn = arn;
    cw.kms_key_arn = arn;
    jb.kms_key_arn = arn;
    snprintf(name, sizeof name, "good-%zu", i);
    expect_ok(config_create(f->b, name, &config, &err), &err);
    gf_get_security_configuration_request req = {name};
    gf_get_security_configuration_response *out = NULL;
    expect_ok(gf_get_security_configuration(f->b, &req, &out, &err), &err);
    const gf_encryption_configuration *ec = out->security_configuration->encryption_configuration;
    assert_string_equal(ec->s3_encryption[1].kms_key_arn, arn);
    assert_string_equal(ec->cloud_watch_encryption->kms_key_arn, arn);
    assert_string_equal(ec->job_bookmarks_encryption->kms_key_arn, arn);
    gf_get_security_configuration_response_free(out);
  }
  free(long_arn);
}

static void test_resource_arn_pattern(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  static const char *const bad[] = {
      "arn:aws:s3:::b",
      "arn:aws-iso-c:glue:us-iso-east-1:123456789012:catalog",
      "arn:aws-eusc:glue:eusc-de-east-1:123456789012:catalog",
      "arn:aws:glue",
      "ARN:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:Glue:us-east-1:123456789012:catalog",
      "xarn:aws:glue:us-east-1:123456789012:catalog",
      "arn:aws:glue:us-east-1:123456789012:catalog\n",
      "arn:aws:glue:\r",
      "catalog",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gf_put_resource_policy_request put = {"{}", NULL, NULL, bad[i], NULL};
    expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "resourceArn", GLUE_PATTERN);
    expect_one(f, do_get_policy(f, bad[i], &err), &err, "resourceArn", GLUE_PATTERN);
    expect_one(f, do_delete_policy(f, NULL, bad[i], &err), &err, "resourceArn", GLUE_PATTERN);
  }

  /* Empty: too short and no match. */
  const char *empty_message = "2 validation errors detected: "
                              ITEM("resourceArn", MIN_LEN(1)) "; "
                              ITEM("resourceArn", GLUE_PATTERN);
  gf_put_resource_policy_request put = {"{}", NULL, NULL, "", NULL};
  expect_rejected(f, policy_put_req(f->b, &put, NULL, &err), &err, empty_message);
  expect_rejected(f, do_get_policy(f, "", &err), &err, empty_message);
  expect_rejected(f, do_delete_policy(f, NULL, "", &err), &err, empty_message);

  /* Invalid UTF-8. */
  expect_one(f, do_get_policy(f, "arn:aws:glue:\xC0\xAF", &err), &err, "resourceArn", UTF8);

  /* 10240 bytes is the most; 10241 is too long (and still matches). */
  char *arn10240 = repeat("r", 10240, "");
  char *arn10241 = repeat("r", 10241, "");
  memcpy(arn10240, "arn:aws:glue:", 13);
  memcpy(arn10241, "arn:aws:glue:", 13);
  expect_one(f, do_get_policy(f, arn10241, &err), &err, "resourceArn", MAX_LEN(10240));
  put.resource_arn = arn10241;
  expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "resourceArn", MAX_LEN(10240));
  expect_one(f, do_delete_policy(f, NULL, arn10241, &err), &err, "resourceArn", MAX_LEN(10240));

  /* Each partition, and the longest, is accepted: put, get, delete. */
  const char *good[] = {
      "arn:aws:glue:us-east-1:123456789012:table/db1/t1",
      "arn:aws-us-gov:glue:us-gov-west-1:123456789012:catalog",
      "arn:aws-cn:glue:cn-north-1:123456789012:catalog",
      "arn:aws-iso:glue:us-iso-east-1:123456789012:catalog",
      "arn:aws-iso-b:glue:us-isob-east-1:123456789012:catalog",
      "arn:aws-iso-f:glue:us-isof-south-1:123456789012:catalog",
      "arn:aws:glue:",
      "arn:aws:glue:\t\xE2\x82\xAC",
      arn10240,
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    assert_int_equal(do_get_policy(f, good[i], &err), GF_ENTITY_NOT_FOUND);
    gf_error_clear(&err);
    gf_put_resource_policy_request ok = {"{\"p\":1}", NULL, NULL, good[i], "TRUE"};
    expect_ok(policy_put_req(f->b, &ok, NULL, &err), &err);
    gf_get_resource_policy_request get = {good[i]};
    gf_get_resource_policy_response *out = NULL;
    expect_ok(gf_get_resource_policy(f->b, &get, &out, &err), &err);
    assert_string_equal(out->policy_in_json, "{\"p\":1}");
    gf_get_resource_policy_response_free(out);
    expect_ok(do_delete_policy(f, NULL, good[i], &err), &err);
    assert_unchanged(f);
  }
  free(arn10240);
  free(arn10241);
}

/* ---- required members ---------------------------------------------------- */

static void test_required_members(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;

  expect_rejected(f, config_create(f->b, NULL, &existing_config, &err), &err, ONE_NULL("name"));
  expect_rejected(f, config_create(f->b, "new", NULL, &err), &err,
                  ONE_NULL("encryptionConfiguration"));
  expect_rejected(f, config_create(f->b, "existing", NULL, &err), &err,
                  ONE_NULL("encryptionConfiguration"));
  expect_rejected(f, config_create(f->b, NULL, NULL, &err), &err,
                  "2 validation errors detected: " NULL_ITEM("name") "; " NULL_ITEM(
                      "encryptionConfiguration"));
  expect_rejected(f, config_get(f->b, NULL, &err), &err, ONE_NULL("name"));
  expect_rejected(f, config_delete(f->b, NULL, &err), &err, ONE_NULL("name"));

  expect_rejected(f, do_put_catalog(f, NULL, NULL, &err), &err,
                  ONE_NULL("dataCatalogEncryptionSettings"));
  expect_rejected(f, do_put_catalog(f, "other-catalog", NULL, &err), &err,
                  ONE_NULL("dataCatalogEncryptionSettings"));
  gf_encryption_at_rest no_mode = {NULL, "alias/x", NULL};
  gf_data_catalog_encryption_settings settings = {&no_mode, &existing_pw};
  expect_rejected(f, do_put_catalog(f, NULL, &settings, &err), &err, ONE_NULL(P_CATALOG_MODE));

  gf_put_resource_policy_request put = {NULL, NULL, NULL, NULL, NULL};
  expect_rejected(f, policy_put_req(f->b, &put, NULL, &err), &err, ONE_NULL("policyInJson"));
  put.resource_arn = DB1_ARN;
  put.policy_exists_condition = GF_POLICY_MUST_EXIST;
  expect_rejected(f, policy_put_req(f->b, &put, NULL, &err), &err, ONE_NULL("policyInJson"));

  /* Optional members absent are fine. */
  expect_ok(do_put_catalog(f, "x", &(gf_data_catalog_encryption_settings){NULL, NULL}, &err),
            &err);
  expect_ok(config_create(f->b, "new", &empty_config, &err), &err);
}

/* ---- the required boolean's presence flag -------------------------------- */

#define P_PW_RETURN                                                                        \
  "dataCatalogEncryptionSettings.connectionPasswordEncryption.returnConnectionPasswordEncrypted"

/* The last call in the fake's log was a PutDataCatalogEncryptionSettings
 * refused with `message`, its request carrying has_ `has`. */
static void assert_last_put_logged(fixture *f, const char *message, bool has)
{
  gf_recorder *calls = gf_fake_calls(f->fake);
  assert_true(gf_calls_count(calls) > 0);
  gf_call_record r;
  assert_int_equal(gf_calls_get(calls, gf_calls_count(calls) - 1, &r), 0);
  assert_int_equal(r.op, GF_OP_PUT_DATA_CATALOG_ENCRYPTION_SETTINGS);
  assert_int_equal(r.status, GF_INVALID_INPUT);
  assert_null(r.response);
  assert_non_null(r.message);
  assert_string_equal(r.message, message);
  const gf_put_data_catalog_encryption_settings_request *req = r.request;
  assert_non_null(req);
  assert_non_null(req->data_catalog_encryption_settings);
  assert_non_null(req->data_catalog_encryption_settings->connection_password_encryption);
  assert_int_equal(req->data_catalog_encryption_settings->connection_password_encryption
                       ->has_return_connection_password_encrypted,
                   has);
}

/* ReturnConnectionPasswordEncrypted is required: a typed request whose
 * has_ flag is false is refused by the fake's validation (so the call is
 * in the log, with its status), whatever the boolean says - and an
 * initializer written before the flag existed ({true, "alias/pw"}) is one
 * of those: it fails loudly. */
static void test_required_bool_presence_flag(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  static const char message[] = ONE_NULL(P_PW_RETURN);
  assert_string_equal(message,
                      "1 validation error detected: Value null at "
                      "'dataCatalogEncryptionSettings.connectionPasswordEncryption."
                      "returnConnectionPasswordEncrypted' failed to satisfy constraint: Member "
                      "must not be null");

  static const gf_connection_password_encryption absent_true = {true, "alias/pw", false};
  static const gf_connection_password_encryption absent_false = {false, NULL, false};
  /* Written before the flag existed: the flag is zero-initialised (-Wextra
   * warns about it, which is the point; the test needs it written so). */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
  static const gf_connection_password_encryption old_style = {true, "alias/pw"};
  static const gf_connection_password_encryption old_style_false = {false, "alias/pw"};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
  const gf_connection_password_encryption *refused[] = {&absent_true, &absent_false, &old_style,
                                                        &old_style_false};
  const char *catalogs[] = {NULL, "other-catalog"};
  size_t logged = gf_calls_count(gf_fake_calls(f->fake));
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
    for (size_t c = 0; c < 2; c++) {
      gf_data_catalog_encryption_settings settings = {&existing_rest, refused[i]};
      size_t before = gf_calls_count(gf_fake_calls(f->fake));
      gf_status status = do_put_catalog(f, catalogs[c], &settings, &err);
      /* logged: one call more, refused with the message */
      assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), before + 1);
      assert_last_put_logged(f, message, false);
      expect_rejected(f, status, &err, message);
    }
  assert_true(gf_calls_count(gf_fake_calls(f->fake)) > logged);

  /* With other violations: listed with them, in member order. */
  gf_encryption_at_rest bad_rest = {"SSE-S3", NULL, NULL};
  gf_data_catalog_encryption_settings both = {&bad_rest, &old_style};
  static const char two[] = "2 validation errors detected: " ITEM(P_CATALOG_MODE, CATALOG_MODES)
      "; " NULL_ITEM(P_PW_RETURN);
  gf_status status = do_put_catalog(f, NULL, &both, &err);
  assert_last_put_logged(f, two, false);
  expect_rejected(f, status, &err, two);

  /* Present, false or true: accepted, and read back as written. */
  static const gf_connection_password_encryption present[] = {{false, "alias/pf", true},
                                                              {true, "alias/pt", true}};
  for (size_t i = 0; i < 2; i++) {
    gf_data_catalog_encryption_settings settings = {&existing_rest, &present[i]};
    expect_ok(do_put_catalog(f, "other-catalog", &settings, &err), &err);
    gf_get_data_catalog_encryption_settings_request get = {"other-catalog"};
    gf_get_data_catalog_encryption_settings_response *out = NULL;
    expect_ok(gf_get_data_catalog_encryption_settings(f->b, &get, &out, &err), &err);
    const gf_connection_password_encryption *pw =
        out->data_catalog_encryption_settings->connection_password_encryption;
    assert_non_null(pw);
    assert_true(pw->has_return_connection_password_encrypted);
    assert_int_equal(pw->return_connection_password_encrypted, present[i].return_connection_password_encrypted);
    assert_string_equal(pw->aws_kms_key_id, present[i].aws_kms_key_id);
    gf_get_data_catalog_encryption_settings_response_free(out);
  }
}

/* ---- MaxResults ---------------------------------------------------------- */

static void test_max_results_range(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  const int64_t too_small[] = {0, -1, -1000, INT64_MIN};
  for (size_t i = 0; i < sizeof too_small / sizeof too_small[0]; i++)
    expect_one(f, do_list(f, true, too_small[i], NULL, &err), &err, "maxResults",
               "Member must have value greater than or equal to 1");
  const int64_t too_big[] = {1001, 100000, INT64_MAX};
  for (size_t i = 0; i < sizeof too_big / sizeof too_big[0]; i++)
    expect_one(f, do_list(f, true, too_big[i], NULL, &err), &err, "maxResults",
               "Member must have value less than or equal to 1000");

  expect_ok(config_create(f->b, "second", &empty_config, &err), &err);
  size_t count = 0;
  expect_ok(do_list(f, true, 1, &count, &err), &err);
  assert_int_equal(count, 1);
  expect_ok(do_list(f, true, 1000, &count, &err), &err);
  assert_int_equal(count, 2);
  /* has_max_results false: the value is ignored, default page. */
  expect_ok(do_list(f, false, 0, &count, &err), &err);
  assert_int_equal(count, 2);
  expect_ok(do_list(f, false, -5, &count, &err), &err);
  assert_int_equal(count, 2);
}

/* ---- PolicyInJson ---------------------------------------------------------- */

/* A JSON object of exactly `size` bytes: {"k":"aaa…"}. */
static char *json_of_size(size_t size)
{
  assert_true(size >= 8);
  char *s = repeat("a", size, "");
  memcpy(s, "{\"k\":\"", 6);
  memcpy(s + size - 2, "\"}", 2);
  return s;
}

static void test_policy_in_json_length_and_syntax(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;

  expect_one(f, put_doc(f, "", &err), &err, "policyInJson", MIN_LEN(2));
  expect_one(f, put_doc(f, "{", &err), &err, "policyInJson", MIN_LEN(2));
  expect_one(f, put_doc(f, "1", &err), &err, "policyInJson", MIN_LEN(2));

  static const char *const not_json[] = {
      "{x", "{} {}", "{}}", "{\"a\":1", "{\"a\" 1}", "xx", "{'a':1}", "[1 2]", "{}x",
  };
  for (size_t i = 0; i < sizeof not_json / sizeof not_json[0]; i++)
    expect_one(f, put_doc(f, not_json[i], &err), &err, "policyInJson", JSON_DOC);
  expect_one(f, put_doc(f, "{\"a\":\"\xFF\"}", &err), &err, "policyInJson", UTF8);

  char *doc10240 = json_of_size(10240);
  char *doc10241 = json_of_size(10241);
  char *bad10240 = json_of_size(10240);
  bad10240[10239] = ','; /* {"k":"aaa…", */
  assert_int_equal(strlen(doc10240), 10240);
  assert_int_equal(strlen(doc10241), 10241);
  expect_one(f, put_doc(f, doc10241, &err), &err, "policyInJson", MAX_LEN(10240));
  expect_one(f, put_doc(f, bad10240, &err), &err, "policyInJson", JSON_DOC);

  /* Accepted: 2 bytes, whitespace around, arrays, exactly 10240 bytes. */
  static const char *const good[] = {"{}", "[]", " {} ", "\n{\"a\":[1,2,{\"b\":null}]}\n",
                                     POLICY, NULL};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    const char *doc = good[i] ? good[i] : doc10240;
    expect_ok(put_doc(f, doc, &err), &err);
    gf_get_resource_policy_response *out = NULL;
    expect_ok(gf_get_resource_policy(f->b, NULL, &out, &err), &err);
    assert_string_equal(out->policy_in_json, doc);
    gf_get_resource_policy_response_free(out);
  }
  free(doc10240);
  free(doc10241);
  free(bad10240);
}

/* ---- several violations at once ------------------------------------------ */

static void test_several_violations_listed(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;

  gf_s3_encryption s3[2] = {{GF_MODE_SSE_KMS, KMS1}, {"bad", "x"}};
  gf_cloud_watch_encryption cw = {"SSE-S3", KMS2};
  gf_job_bookmarks_encryption jb = {GF_MODE_CSE_KMS, "arn:aws:kms\n"};
  gf_encryption_configuration config = {s3, 2, &cw, &jb, NULL};
  expect_rejected(
      f, config_create(f->b, "", &config, &err), &err,
      "5 validation errors detected: " ITEM("name", MIN_LEN(1)) "; " ITEM(
          "encryptionConfiguration.s3Encryption.2.member.s3EncryptionMode",
          S3_MODES) "; " ITEM("encryptionConfiguration.s3Encryption.2.member.kmsKeyArn",
                              KMS_PATTERN) "; "
          ITEM("encryptionConfiguration.cloudWatchEncryption.cloudWatchEncryptionMode",
               CW_MODES) "; " ITEM("encryptionConfiguration.jobBookmarksEncryption.kmsKeyArn",
                                   KMS_PATTERN));

  /* The same configuration under an existing name: InvalidInput, not
   * AlreadyExists, and the existing one is kept. */
  expect_rejected(
      f, config_create(f->b, "existing", &config, &err), &err,
      "4 validation errors detected: " ITEM(
          "encryptionConfiguration.s3Encryption.2.member.s3EncryptionMode",
          S3_MODES) "; " ITEM("encryptionConfiguration.s3Encryption.2.member.kmsKeyArn",
                              KMS_PATTERN) "; "
          ITEM("encryptionConfiguration.cloudWatchEncryption.cloudWatchEncryptionMode",
               CW_MODES) "; " ITEM("encryptionConfiguration.jobBookmarksEncryption.kmsKeyArn",
                                   KMS_PATTERN));

  gf_put_resource_policy_request put = {"{", "", "MAYBE", "arn:aws:s3:::b", "yes"};
  expect_rejected(f, policy_put_req(f->b, &put, NULL, &err), &err,
                  "5 validation errors detected: " ITEM("policyInJson", MIN_LEN(2)) "; " ITEM(
                      "policyHashCondition", MIN_LEN(1)) "; " ITEM("policyExistsCondition",
                                                                   EXIST_CONDITIONS) "; "
                      ITEM("resourceArn", GLUE_PATTERN) "; " ITEM("enableHybrid",
                                                                  HYBRID_VALUES));

  gf_encryption_at_rest rest = {NULL, "", NULL};
  gf_connection_password_encryption *pw = calloc(1, sizeof *pw);
  assert_non_null(pw);
  pw->aws_kms_key_id = "\n";
  pw->has_return_connection_password_encrypted = true; /* false, but present */
  gf_data_catalog_encryption_settings settings = {&rest, pw};
  expect_rejected(f, do_put_catalog(f, "", &settings, &err), &err,
                  "4 validation errors detected: " ITEM("catalogId", MIN_LEN(1)) "; " NULL_ITEM(
                      P_CATALOG_MODE) "; " ITEM(P_SSE_KEY, MIN_LEN(1)) "; " ITEM(P_PW_KEY,
                                                                                 SINGLE_LINE));
  free(pw);
}

/* Many violations: the count and the list agree, every one is named. */
static void test_many_violations_all_listed(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  enum { N = 10 };
  gf_s3_encryption s3[N];
  for (size_t i = 0; i < N; i++) {
    s3[i].s3_encryption_mode = "bad";
    s3[i].kms_key_arn = NULL;
  }
  gf_encryption_configuration config = {s3, N, NULL, NULL, NULL};
  char expected[8192];
  int n = snprintf(expected, sizeof expected, "%d validation errors detected: ", N);
  for (size_t i = 0; i < N; i++)
    n += snprintf(expected + n, sizeof expected - (size_t)n,
                  "%sValue at 'encryptionConfiguration.s3Encryption.%zu.member.s3EncryptionMode'"
                  " failed to satisfy constraint: " S3_MODES,
                  i ? "; " : "", i + 1);
  gf_status status = config_create(f->b, "many", &config, &err);
  assert_int_equal(status, GF_INVALID_INPUT);
  assert_non_null(err.message);
  int listed = 0;
  for (const char *p = err.message; (p = strstr(p, "Value at '")) != NULL; p++)
    listed++;
  if (listed != N) {
    print_error("the message counts %d errors but lists %d; it ends: ...%s\n", N, listed,
                err.message + (strlen(err.message) > 60 ? strlen(err.message) - 60 : 0));
    gf_error_clear(&err);
    fail();
  }
  expect_rejected(f, status, &err, expected);
}

/* More violations than the message lists (32): the first 32, then
 * "; and N more" - the count in front is the whole number. */
static void test_more_violations_than_listed(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  enum { N = 40, LISTED = 32 };
  gf_s3_encryption s3[N];
  for (size_t i = 0; i < N; i++) {
    s3[i].s3_encryption_mode = "bad";
    s3[i].kms_key_arn = NULL;
  }
  gf_encryption_configuration config = {s3, N, NULL, NULL, NULL};
  char expected[16384];
  int n = snprintf(expected, sizeof expected, "%d validation errors detected: ", N);
  for (size_t i = 0; i < LISTED; i++)
    n += snprintf(expected + n, sizeof expected - (size_t)n,
                  "%sValue at 'encryptionConfiguration.s3Encryption.%zu.member.s3EncryptionMode'"
                  " failed to satisfy constraint: " S3_MODES,
                  i ? "; " : "", i + 1);
  snprintf(expected + n, sizeof expected - (size_t)n, "; and %d more", N - LISTED);
  gf_status status = config_create(f->b, "many", &config, &err);
  expect_rejected(f, status, &err, expected);
}

/* ---- nothing a rejection leaves behind ----------------------------------- */

static void test_rejections_leave_store_and_clock_alone(void **state)
{
  fixture *f = *state;
  gf_error err = GF_ERROR_INIT;
  /* The fixture took 3 readings: T0 (the configuration), T0+1 and T0+2
   * (the two policies); the rejected calls take none. */
  expect_one(f, config_create(f->b, "", &empty_config, &err), &err, "name", MIN_LEN(1));
  expect_one(f, put_doc(f, "{", &err), &err, "policyInJson", MIN_LEN(2));
  gf_put_resource_policy_request put = {"{}", NULL, "MAYBE", NULL, NULL};
  expect_one(f, policy_put_req(f->b, &put, NULL, &err), &err, "policyExistsCondition",
             EXIST_CONDITIONS);
  gf_create_security_configuration_request req = {"next", &empty_config};
  gf_create_security_configuration_response *out = NULL;
  expect_ok(gf_create_security_configuration(f->b, &req, &out, &err), &err);
  if (out->created_timestamp != T0 + 3) {
    print_error("created at %.3f, expected %.3f\n", out->created_timestamp, T0 + 3);
    gf_create_security_configuration_response_free(out);
    fail();
  }
  gf_create_security_configuration_response_free(out);

  /* The existing configuration is exactly as created. */
  gf_get_security_configuration_request get = {"existing"};
  gf_get_security_configuration_response *got = NULL;
  expect_ok(gf_get_security_configuration(f->b, &get, &got, &err), &err);
  const gf_encryption_configuration *ec = got->security_configuration->encryption_configuration;
  assert_true(got->security_configuration->created_time_stamp == T0);
  assert_int_equal(ec->s3_encryption_count, 1);
  assert_string_equal(ec->s3_encryption[0].s3_encryption_mode, GF_MODE_SSE_KMS);
  assert_string_equal(ec->s3_encryption[0].kms_key_arn, KMS1);
  assert_string_equal(ec->cloud_watch_encryption->kms_key_arn, KMS2);
  assert_string_equal(ec->job_bookmarks_encryption->job_bookmarks_encryption_mode,
                      GF_MODE_CSE_KMS);
  gf_get_security_configuration_response_free(got);
  resnap(f);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_name_length_boundaries),
      T(test_name_length_counts_utf8_bytes),
      T(test_name_single_line_pattern),
      T(test_name_invalid_utf8),
      T(test_name_checked_at_every_position),
      T(test_catalog_id_rules),
      T(test_kms_key_id_rules),
      T(test_policy_hash_condition_rules),
      T(test_s3_encryption_mode_enum),
      T(test_cloud_watch_encryption_mode_enum),
      T(test_job_bookmarks_encryption_mode_enum),
      T(test_catalog_encryption_mode_enum),
      T(test_catalog_encryption_service_role_pattern),
      T(test_data_quality_encryption),
      T(test_policy_exists_condition_enum),
      T(test_enable_hybrid_enum),
      T(test_kms_key_arn_pattern),
      T(test_resource_arn_pattern),
      T(test_required_members),
      T(test_required_bool_presence_flag),
      T(test_max_results_range),
      T(test_policy_in_json_length_and_syntax),
      T(test_several_violations_listed),
      T(test_many_violations_all_listed),
      T(test_more_violations_than_listed),
      T(test_rejections_leave_store_and_clock_alone),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
