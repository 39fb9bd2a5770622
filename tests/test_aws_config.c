/*
 * test_aws_config.c - where the real backend's profile, credentials, region
 * and endpoint come from (fake/aws/config.c): the SDKs' order over the
 * options, the AWS_* variables and the shared files (written into a fresh
 * temporary directory for each test, so that the developer's ~/.aws never
 * counts); the files' INI; every message for what is missing or wrong; the
 * credential_process protocol; running out of memory anywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_sweep.h"
#include "aws/config.h"
#include "core/names.h"
#include "helpers.h"

/* 2026-12-06T15:00:00Z */
#define EXPIRES 1796569200LL

/* Every variable config.c reads; each test starts with none of them set
 * but the two shared files' paths, which point into its directory. */
static const char *const variables[] = {
    "AWS_PROFILE",           "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",     "AWS_REGION",        "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL_GLUE", "AWS_ENDPOINT_URL",  "AWS_USE_FIPS_ENDPOINT",
    "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
};

#define MAX_MADE 16

static struct {
  char dir[64];
  char *made[MAX_MADE]; /* files and directories to remove, in order made */
  size_t made_count;
  char *home; /* HOME as the suite found it */
} F;

/* A path in the test's directory (one of a few buffers, for messages
 * naming several). */
static const char *in_dir(const char *name)
{
  static char buffers[4][256];
  static unsigned next;
  char *buffer = buffers[next++ % 4];
  snprintf(buffer, sizeof buffers[0], "%s/%s", F.dir, name);
  return buffer;
}

static void remember(const char *name)
{
  for (size_t i = 0; i < F.made_count; i++)
    if (strcmp(F.made[i], name) == 0)
      return;
  assert_true(F.made_count < MAX_MADE);
  F.made[F.made_count] = strdup(in_dir(name));
  assert_non_null(F.made[F.made_count]);
  F.made_count++;
}

static void write_bytes(const char *name, const void *data, size_t len)
{
  FILE *f = fopen(in_dir(name), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
  remember(name);
}

static void write_file(const char *name, const char *text) { write_bytes(name, text, strlen(text)); }

static void make_dir(const char *name)
{
  assert_int_equal(mkdir(in_dir(name), 0700), 0);
  remember(name);
}

static int setup(void **state)
{
  (void)state;
  memset(F.dir, 0, sizeof F.dir);
  snprintf(F.dir, sizeof F.dir, "/tmp/gf-aws-config-XXXXXX");
  if (!mkdtemp(F.dir))
    return -1;
  for (size_t i = 0; i < sizeof variables / sizeof *variables; i++)
    unsetenv(variables[i]);
  setenv("AWS_SHARED_CREDENTIALS_FILE", in_dir("credentials"), 1);
  setenv("AWS_CONFIG_FILE", in_dir("config"), 1);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  while (F.made_count > 0) {
    char *path = F.made[--F.made_count];
    if (remove(path) != 0 && errno == ENOTEMPTY)
      return -1;
    free(path);
  }
  if (F.home)
    setenv("HOME", F.home, 1);
  return rmdir(F.dir);
}

static int sweep_setup(void **state) { return setup(state) || alloc_sweep_setup(state); }

static int sweep_teardown(void **state)
{
  int leaked = alloc_sweep_teardown(state);
  return teardown(state) || leaked;
}

/* The child processes of the test have all been reaped. */
static void assert_no_child(void)
{
  errno = 0;
  assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
  assert_int_equal(errno, ECHILD);
}

/* gfi_aws_config_resolve() that must succeed; the caller clears `config`. */
static void resolve_ok(const gf_aws_options *options, gfi_aws_config *config)
{
  gf_error err = GF_ERROR_INIT;
  gf_status status = gfi_aws_config_resolve(options, config, &err);
  if (status != GF_OK)
    fail_msg("resolve: %s", gf_error_message(&err));
  gf_error_clear(&err);
  assert_non_null(config->profile);
  assert_non_null(config->region);
  assert_non_null(config->endpoint);
  assert_non_null(config->credentials.access_key_id);
  assert_non_null(config->credentials.secret_access_key);
  assert_non_null(config->credentials_source);
}

static void expect_failure(const gf_aws_options *options, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* gfi_aws_config_resolve() that must fail with InvalidInput, the message
 * exactly `fmt` formatted, and `config` left empty. */
static void expect_failure(const gf_aws_options *options, const char *fmt, ...)
{
  char expected[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(expected, sizeof expected, fmt, ap);
  va_end(ap);
  gfi_aws_config config, empty;
  memset(&config, 0x5a, sizeof config); /* overwritten, whatever was there */
  memset(&empty, 0, sizeof empty);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gfi_aws_config_resolve(options, &config, &err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), expected);
  assert_memory_equal(&config, &empty, sizeof config);
  gf_error_clear(&err);
}

/* Resolves and checks where the credentials came from. */
static void expect_credentials(const gf_aws_options *options, const char *id, const char *secret,
                               const char *token, const char *source)
{
  gfi_aws_config config;
  resolve_ok(options, &config);
  assert_string_equal(config.credentials.access_key_id, id);
  assert_string_equal(config.credentials.secret_access_key, secret);
  if (token)
    assert_string_equal(config.credentials.session_token, token);
  else
    assert_null(config.credentials.session_token);
  assert_string_equal(config.credentials_source, source);
  assert_null(config.credential_process);
  assert_int_equal(config.credentials.expires, 0);
  gfi_aws_config_clear(&config);
}

/* Resolves and checks one of region / endpoint. */
static void expect_region(const gf_aws_options *options, const char *region)
{
  gfi_aws_config config;
  resolve_ok(options, &config);
  assert_string_equal(config.region, region);
  gfi_aws_config_clear(&config);
}

static void expect_endpoint(const gf_aws_options *options, const char *endpoint)
{
  gfi_aws_config config;
  resolve_ok(options, &config);
  assert_string_equal(config.endpoint, endpoint);
  gfi_aws_config_clear(&config);
}

/* A credential_process answer printed with echo. */
#define PROCESS_ANSWER                                                                     \
  "echo '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"sproc\","     \
  " \"SessionToken\": \"tproc\", \"Expiration\": \"2026-12-06T15:00:00Z\"}'"

/* ---- credentials ----------------------------------------------------------------- */

static void test_credentials_order(void **state)
{
  (void)state;
  write_file("credentials", "[default]\naws_access_key_id = AKCRED\n"
                            "aws_secret_access_key = scred\naws_session_token = tcred\n");
  write_file("config", "[default]\nregion = us-east-1\naws_access_key_id = AKCONF\n"
                       "aws_secret_access_key = sconf\ncredential_process = " PROCESS_ANSWER "\n");
  setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
  setenv("AWS_SESSION_TOKEN", "tenv", 1);
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.access_key_id = "AKOPT";
  options.secret_access_key = "sopt";
  options.session_token = "topt";
  expect_credentials(&options, "AKOPT", "sopt", "topt", "options");
  options.session_token = NULL;
  expect_credentials(&options, "AKOPT", "sopt", NULL, "options");

  /* The options count only as a pair; so does the environment. */
  options.secret_access_key = NULL;
  expect_credentials(&options, "AKENV", "senv", "tenv", "environment");
  setenv("AWS_SESSION_TOKEN", "", 1); /* empty is unset */
  expect_credentials(&options, "AKENV", "senv", NULL, "environment");
  setenv("AWS_SECRET_ACCESS_KEY", "", 1);
  char source[256];
  snprintf(source, sizeof source, "shared credentials file %s [default]", in_dir("credentials"));
  expect_credentials(&options, "AKCRED", "scred", "tcred", source);

  write_file("credentials", "[default]\naws_access_key_id = AKCRED\n");
  snprintf(source, sizeof source, "config file %s [default]", in_dir("config"));
  expect_credentials(NULL, "AKCONF", "sconf", NULL, source);

  /* The profile's credential_process, last. */
  write_file("config", "[default]\nregion = us-east-1\ncredential_process = " PROCESS_ANSWER
                       "\n");
  gfi_aws_config config;
  resolve_ok(NULL, &config);
  assert_string_equal(config.credentials.access_key_id, "AKPROC");
  assert_string_equal(config.credentials.secret_access_key, "sproc");
  assert_string_equal(config.credentials.session_token, "tproc");
  assert_true(config.credentials.expires == EXPIRES);
  assert_string_equal(config.credentials_source, "credential_process of profile default");
  assert_string_equal(config.credential_process, PROCESS_ANSWER);
  gfi_aws_config_clear(&config);
  assert_no_child();
}

static void test_credential_process_of_either_file(void **state)
{
  (void)state;
  setenv("AWS_REGION", "us-east-1", 1);
  /* botocore reads it from the config file only; the credentials file's
   * counts too, after it. */
  write_file("credentials", "[default]\ncredential_process = " PROCESS_ANSWER "\n");
  gfi_aws_config config;
  resolve_ok(NULL, &config);
  assert_string_equal(config.credentials.access_key_id, "AKPROC");
  assert_string_equal(config.credential_process, PROCESS_ANSWER);
  gfi_aws_config_clear(&config);
  write_file("config", "[default]\ncredential_process = exit 7\n");
  expect_failure(NULL, "credential_process of profile 'default' exited with status 7");
  /* Keys in either file win over any credential_process. */
  write_file("credentials", "[default]\naws_access_key_id = AK\naws_secret_access_key = s\n"
                            "credential_process = exit 8\n");
  char source[256];
  snprintf(source, sizeof source, "shared credentials file %s [default]", in_dir("credentials"));
  expect_credentials(NULL, "AK", "s", NULL, source);
  write_file("credentials", "");
  write_file("config", "[default]\naws_access_key_id = AK\naws_secret_access_key = s\n"
                       "aws_session_token = t\ncredential_process = exit 7\n");
  snprintf(source, sizeof source, "config file %s [default]", in_dir("config"));
  expect_credentials(NULL, "AK", "s", "t", source);
  assert_no_child();
}

static void test_missing_credentials(void **state)
{
  (void)state;
  setenv("AWS_REGION", "us-east-1", 1);
  setenv("AWS_ACCESS_KEY_ID", "AKENV", 1); /* half a pair is none */
  write_file("config", "[default]\naws_access_key_id = AKCONF\n");
  expect_failure(NULL,
                 "no credentials: looked in the options, AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY, [default] of %s (absent) and profile 'default' of %s",
                 in_dir("credentials"), in_dir("config"));
  write_file("credentials", "[default]\n");
  remove(in_dir("config"));
  expect_failure(NULL,
                 "no credentials: looked in the options, AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY, [default] of %s and profile 'default' of %s (absent)",
                 in_dir("credentials"), in_dir("config"));
}

/* ---- profiles -------------------------------------------------------------------- */

static void test_profile_selection(void **state)
{
  (void)state;
  write_file("config", "[default]\nregion = us-east-1\n"
                       "[profile env]\nregion = eu-west-1\n"
                       "[profile   opt]\nregion = eu-west-2\n"
                       "aws_access_key_id = AKOPTCONF\naws_secret_access_key = s\n"
                       "[opt]\nregion = ap-south-1\n"); /* not a profile in the config file */
  write_file("credentials", "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = s\n"
                            "[env]\naws_access_key_id = AKENV\naws_secret_access_key = s\n"
                            "[profile env]\naws_access_key_id = AKNOT\naws_secret_access_key = s\n");
  gfi_aws_config config;
  resolve_ok(NULL, &config);
  assert_string_equal(config.profile, "default");
  assert_string_equal(config.region, "us-east-1");
  assert_string_equal(config.credentials.access_key_id, "AKDEF");
  gfi_aws_config_clear(&config);

  setenv("AWS_PROFILE", "env", 1);
  resolve_ok(NULL, &config);
  assert_string_equal(config.profile, "env");
  assert_string_equal(config.region, "eu-west-1");
  assert_string_equal(config.credentials.access_key_id, "AKENV");
  char source[256];
  snprintf(source, sizeof source, "shared credentials file %s [env]", in_dir("credentials"));
  assert_string_equal(config.credentials_source, source);
  gfi_aws_config_clear(&config);

  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.profile = "opt"; /* the option wins */
  resolve_ok(&options, &config);
  assert_string_equal(config.profile, "opt");
  assert_string_equal(config.region, "eu-west-2");
  assert_string_equal(config.credentials.access_key_id, "AKOPTCONF");
  snprintf(source, sizeof source, "config file %s [profile opt]", in_dir("config"));
  assert_string_equal(config.credentials_source, source);
  gfi_aws_config_clear(&config);

  /* [profile default] is the default profile too; [default] of the
   * credentials file is it there. */
  unsetenv("AWS_PROFILE");
  write_file("config", "[profile default]\nregion = sa-east-1\n");
  expect_region(NULL, "sa-east-1");
}

static void test_unknown_profile(void **state)
{
  (void)state;
  write_file("config", "[default]\nregion = us-east-1\n[dev]\nregion = us-east-2\n");
  setenv("AWS_PROFILE", "dev", 1);
  expect_failure(NULL, "profile 'dev' is in neither %s nor %s", in_dir("credentials"),
                 in_dir("config"));
  unsetenv("AWS_PROFILE");
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.profile = "prod";
  options.region = "us-east-1";
  options.access_key_id = "AK";
  options.secret_access_key = "s";
  expect_failure(&options, "profile 'prod' is in neither %s nor %s", in_dir("credentials"),
                 in_dir("config"));
  /* Asked for by name, even the default profile must exist. */
  remove(in_dir("config"));
  options.profile = "default";
  expect_failure(&options, "profile 'default' is in neither %s nor %s", in_dir("credentials"),
                 in_dir("config"));
  /* A profile of the credentials file alone is a profile. */
  write_file("credentials", "[prod]\naws_access_key_id = AK\naws_secret_access_key = s\n");
  options.profile = "prod";
  expect_region(&options, "us-east-1");
}

/* ---- region and endpoint --------------------------------------------------------- */

static void test_region_order(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  write_file("config", "[default]\nregion = ap-northeast-1\n");
  setenv("AWS_REGION", "eu-west-1", 1);
  setenv("AWS_DEFAULT_REGION", "eu-west-2", 1);
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.region = "us-west-2";
  expect_region(&options, "us-west-2");
  expect_region(NULL, "eu-west-1");
  setenv("AWS_REGION", "", 1);
  expect_region(NULL, "eu-west-2");
  unsetenv("AWS_DEFAULT_REGION");
  expect_region(NULL, "ap-northeast-1");
}

static void test_missing_region(void **state)
{
  (void)state;
  /* Reported before the credentials, and no credential_process runs. */
  char text[256];
  snprintf(text, sizeof text, "[default]\ncredential_process = touch %s\n", in_dir("ran"));
  write_file("credentials", text);
  expect_failure(NULL,
                 "no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION and profile "
                 "'default' of %s (absent)",
                 in_dir("config"));
  assert_int_equal(access(in_dir("ran"), F_OK), -1);
  write_file("config", "[default]\nregion =\n[profile dev]\nregion = us-east-1\n");
  expect_failure(NULL,
                 "no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION and profile "
                 "'default' of %s",
                 in_dir("config"));
}

static void test_bad_region(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  setenv("AWS_REGION", "x y", 1);
  expect_failure(NULL, "region 'x y' (from AWS_REGION) is not a region name (" GFI_REGION_RULE ")");
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.region = "US-EAST-1";
  expect_failure(&options,
                 "region 'US-EAST-1' (from the options) is not a region name (" GFI_REGION_RULE
                 ")");
  unsetenv("AWS_REGION");
  write_file("config", "[default]\nregion = eu-west-1\x1b[2J\n");
  expect_failure(NULL,
                 "region 'eu-west-1\\x1b[2J' (from profile 'default' of %s) is not a region name "
                 "(" GFI_REGION_RULE ")",
                 in_dir("config"));
}

static void test_endpoint_order(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  write_file("config", "[default]\nendpoint_url = http://profile.example:8080/prefix/\n");
  setenv("AWS_ENDPOINT_URL_GLUE", "https://glue.example/", 1);
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", 1);
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.endpoint = "http://localhost:9999/";
  options.use_fips = 1; /* an explicit endpoint wins over FIPS */
  expect_endpoint(&options, "http://localhost:9999");
  expect_endpoint(NULL, "https://glue.example");
  unsetenv("AWS_ENDPOINT_URL_GLUE");
  expect_endpoint(NULL, "http://127.0.0.1:4566");
  setenv("AWS_ENDPOINT_URL", "", 1);
  expect_endpoint(NULL, "http://profile.example:8080/prefix/");
  write_file("config", "[default]\n");
  expect_endpoint(NULL, "https://glue.us-east-1.amazonaws.com");
}

static void test_default_endpoints(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.region = "eu-central-1";
  expect_endpoint(&options, "https://glue.eu-central-1.amazonaws.com");
  options.region = "cn-north-1";
  expect_endpoint(&options, "https://glue.cn-north-1.amazonaws.com.cn");
  options.use_fips = 1;
  expect_endpoint(&options, "https://glue-fips.cn-north-1.amazonaws.com.cn");
  options.region = "us-gov-west-1";
  expect_endpoint(&options, "https://glue-fips.us-gov-west-1.amazonaws.com");
  options.use_fips = 0;
  setenv("AWS_USE_FIPS_ENDPOINT", "TRUE", 1);
  expect_endpoint(&options, "https://glue-fips.us-gov-west-1.amazonaws.com");
  setenv("AWS_USE_FIPS_ENDPOINT", "yes", 1);
  expect_endpoint(&options, "https://glue.us-gov-west-1.amazonaws.com");
  unsetenv("AWS_USE_FIPS_ENDPOINT");
  write_file("config", "[default]\nuse_fips_endpoint = true\n");
  expect_endpoint(&options, "https://glue-fips.us-gov-west-1.amazonaws.com");
  /* As in the SDKs, the variable, when set, decides over the profile. */
  setenv("AWS_USE_FIPS_ENDPOINT", "false", 1);
  expect_endpoint(&options, "https://glue.us-gov-west-1.amazonaws.com");
}

static void test_bad_endpoints(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  static const struct {
    const char *url, *why;
  } cases[] = {
      {"foo", "Bad scheme"},
      {"ftp://x", "the scheme is not http or https"},
      {"http://", "No host part in the URL"},
      {"http://h/?q=1", "it has a query"},
      {"http://h/?", "it has a query"},
      {"http://h/#top", "it has a fragment"},
      {"http://h#", "it has a fragment"},
      {"http://h h/", "Bad hostname"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    setenv("AWS_ENDPOINT_URL", cases[i].url, 1);
    expect_failure(NULL, "endpoint '%s' (from AWS_ENDPOINT_URL) is not a URL: %s", cases[i].url,
                   cases[i].why);
  }
  unsetenv("AWS_ENDPOINT_URL");
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.endpoint = "localhost:4566";
  expect_failure(&options, "endpoint 'localhost:4566' (from the options) is not a URL: the scheme "
                           "is not http or https");
  write_file("config", "[default]\nendpoint_url = gopher://g\n");
  expect_failure(NULL,
                 "endpoint 'gopher://g' (from profile 'default' of %s) is not a URL: the scheme "
                 "is not http or https",
                 in_dir("config"));
}

/* ---- where the files are, and the environment ignored --------------------------- */

static void test_home_default(void **state)
{
  (void)state;
  const char *home = getenv("HOME");
  if (home && !F.home)
    F.home = strdup(home); /* restored by the teardown, and freed by main */
  unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  unsetenv("AWS_CONFIG_FILE");
  setenv("HOME", F.dir, 1);
  make_dir(".aws");
  write_file(".aws/config", "[default]\nregion = eu-north-1\n");
  write_file(".aws/credentials", "[default]\naws_access_key_id = AKHOME\n"
                                 "aws_secret_access_key = s\n");
  gfi_aws_config config;
  resolve_ok(NULL, &config);
  assert_string_equal(config.region, "eu-north-1");
  char source[256];
  snprintf(source, sizeof source, "shared credentials file %s/.aws/credentials [default]", F.dir);
  assert_string_equal(config.credentials_source, source);
  gfi_aws_config_clear(&config);
  /* A ~ in the variables means HOME too. */
  setenv("AWS_CONFIG_FILE", "~/.aws/credentials", 1);
  setenv("AWS_REGION", "us-east-1", 1);
  snprintf(source, sizeof source, "config file %s/.aws/credentials [default]", F.dir);
  setenv("AWS_SHARED_CREDENTIALS_FILE", in_dir("none"), 1);
  expect_credentials(NULL, "AKHOME", "s", NULL, source);
  unsetenv("AWS_REGION");
  unsetenv("AWS_CONFIG_FILE");
  unsetenv("HOME"); /* no HOME: no default files, no error */
  expect_failure(NULL,
                 "no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION and profile "
                 "'default' of ~/.aws/config (absent)");
}

static void test_ignore_environment(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
  setenv("AWS_REGION", "eu-west-1", 1);
  setenv("AWS_ENDPOINT_URL", "http://env.example", 1);
  setenv("AWS_USE_FIPS_ENDPOINT", "true", 1);
  setenv("AWS_PROFILE", "nowhere", 1);
  write_file("config", "[nonsense"); /* not even read */
  gf_aws_options options = GF_AWS_OPTIONS_INIT;
  options.ignore_environment = 1;
  expect_failure(&options,
                 "no region: looked in the options (the environment and shared files are "
                 "ignored)");
  options.region = "us-east-2";
  expect_failure(&options,
                 "no credentials: looked in the options (the environment and shared files are "
                 "ignored)");
  options.access_key_id = "AKOPT";
  options.secret_access_key = "sopt";
  gfi_aws_config config;
  resolve_ok(&options, &config);
  assert_string_equal(config.profile, "default");
  assert_string_equal(config.region, "us-east-2");
  assert_string_equal(config.endpoint, "https://glue.us-east-2.amazonaws.com");
  assert_string_equal(config.credentials.access_key_id, "AKOPT");
  assert_string_equal(config.credentials_source, "options");
  gfi_aws_config_clear(&config);
  options.profile = "dev"; /* kept for messages, looked up nowhere */
  options.use_fips = 1;
  resolve_ok(&options, &config);
  assert_string_equal(config.profile, "dev");
  assert_string_equal(config.endpoint, "https://glue-fips.us-east-2.amazonaws.com");
  gfi_aws_config_clear(&config);
}

/* ---- the files' INI -------------------------------------------------------------- */

static void test_ini_syntax(void **state)
{
  (void)state;
  write_file("config", "# a comment\n"
                       "; another\n"
                       "\n"
                       "[profile other]\n"
                       "region = eu-west-3\n"
                       "  [default]  \r\n"
                       "\tregion\t=\tus-west-1  \r\n"
                       "Region = eu-west-1\n" /* keys are case-sensitive */
                       "s3 =\n"
                       "  max_concurrent_requests = 10\n"
                       "\n"
                       "  # a comment in the block\n"
                       "  region = eu-south-1\n" /* s3's, not the profile's */
                       "unknown_key = whatever [x]\n"
                       "endpoint_url = http://h/a=b\n" /* '=' in a value */
                       "[profile other]\n"
                       "region = eu-west-3");
  write_file("credentials", "[default]\naws_access_key_id = AKOLD\naws_secret_access_key = s\n"
                            "aws_access_key_id=AKNEW\n" /* the last one counts */
                            "aws_session_token =\n");   /* empty: none */
  gfi_aws_config config;
  resolve_ok(NULL, &config);
  assert_string_equal(config.region, "us-west-1");
  assert_string_equal(config.endpoint, "http://h/a=b");
  assert_string_equal(config.credentials.access_key_id, "AKNEW");
  assert_null(config.credentials.session_token);
  gfi_aws_config_clear(&config);
  write_file("config", "");
  write_file("credentials", "[default]\r\nregion = ca-central-1\r\n"); /* not read there */
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  expect_failure(NULL,
                 "no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION and profile "
                 "'default' of %s",
                 in_dir("config"));
}

static void test_parse_errors(void **state)
{
  (void)state;
  static const struct {
    const char *text, *line, *got;
  } cases[] = {
      {"[default]\nregion = us-east-1\nthis is not ini\n", "3", "this is not ini"},
      {"# c\n[default]\n= value\n", "3", "= value"},
      {"[]\n", "1", "[]"},
      {"[default\n", "1", "[default"},
      {"[default]\n\n  \t  oops  \n", "3", "oops"},
      {"[default]\nx = 1\n" /* cut at 60 bytes, then ... */
       "0123456789012345678901234567890123456789012345678901234567890123456789\n",
       "3", "012345678901234567890123456789012345678901234567890123456789..."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    write_file("config", cases[i].text);
    expect_failure(NULL, "%s:%s: expected '[section]' or 'key = value', got '%s'",
                   in_dir("config"), cases[i].line, cases[i].got);
  }
  write_file("config", "");
  write_file("credentials", "# c\nregion = us-east-1\n");
  expect_failure(NULL, "%s:2: a setting before any '[section]'", in_dir("credentials"));
  static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\x1b[31m\xff\n";
  write_bytes("credentials", binary, sizeof binary - 1);
  expect_failure(NULL,
                 "%s:1: expected '[section]' or 'key = value', got '\\x7fELF\\x02\\x01\\x01"
                 "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x03\\x00>\\x00\\x01\\x00\\x00"
                 "\\x00\\x1b[31m\\xff'",
                 in_dir("credentials"));
  /* A NUL inside an otherwise good line, and in a comment. */
  write_bytes("credentials", "[default]\n# x\0y\n", 16);
  expect_failure(NULL, "%s:2: expected '[section]' or 'key = value', got '# x\\x00y'",
                 in_dir("credentials"));
}

static void test_unreadable_files(void **state)
{
  (void)state;
  make_dir("config");
  expect_failure(NULL, "cannot read %s: %s", in_dir("config"), strerror(EISDIR));
  /* A path through a file is no file: absent, as botocore sees it. */
  write_file("credentials", "[default]\n");
  setenv("AWS_CONFIG_FILE", in_dir("credentials/config"), 1);
  setenv("AWS_REGION", "us-east-1", 1);
  expect_failure(NULL,
                 "no credentials: looked in the options, AWS_ACCESS_KEY_ID and "
                 "AWS_SECRET_ACCESS_KEY, [default] of %s and profile 'default' of %s (absent)",
                 in_dir("credentials"), in_dir("credentials/config"));
  if (geteuid() == 0)
    return; /* root reads anything */
  write_file("secret", "[default]\n");
  assert_int_equal(chmod(in_dir("secret"), 0), 0);
  setenv("AWS_CONFIG_FILE", in_dir("secret"), 1);
  expect_failure(NULL, "cannot read %s: %s", in_dir("secret"), strerror(EACCES));
}

static void test_large_files(void **state)
{
  (void)state;
  setenv("AWS_ACCESS_KEY_ID", "AK", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "s", 1);
  const size_t mib = 1024 * 1024;
  char *text = malloc(mib + 1);
  assert_non_null(text);
  static const char head[] = "[default]\nregion = us-east-1\n";
  memcpy(text, head, sizeof head - 1);
  memset(text + sizeof head - 1, '#', mib + 1 - (sizeof head - 1));
  text[mib - 1] = '\n';
  write_bytes("config", text, mib); /* exactly 1 MiB: read */
  expect_region(NULL, "us-east-1");
  write_bytes("config", text, mib + 1);
  free(text);
  expect_failure(NULL, "%s is larger than 1 MiB: too large for a shared config file",
                 in_dir("config"));
}

/* ---- credential_process ---------------------------------------------------------- */

/* gfi_aws_credential_process() that must succeed. */
static void process_ok(const char *command, gfi_aws_credentials *out)
{
  gf_error err = GF_ERROR_INIT;
  if (gfi_aws_credential_process(command, "dev", out, &err) != GF_OK)
    fail_msg("%s: %s", command, gf_error_message(&err));
  gf_error_clear(&err);
  assert_no_child();
}

/* gfi_aws_credential_process() that must fail with `expected`, `out` empty
 * and no child left behind. */
static void process_fails(const char *command, const char *expected)
{
  gfi_aws_credentials out, empty;
  memset(&out, 0x5a, sizeof out);
  memset(&empty, 0, sizeof empty);
  gf_error err = GF_ERROR_INIT;
  assert_int_equal(gfi_aws_credential_process(command, "dev", &out, &err), GF_INVALID_INPUT);
  assert_string_equal(gf_error_message(&err), expected);
  assert_memory_equal(&out, &empty, sizeof out);
  gf_error_clear(&err);
  assert_no_child();
}

static void test_process_answers(void **state)
{
  (void)state;
  gfi_aws_credentials out;
  process_ok(PROCESS_ANSWER, &out);
  assert_string_equal(out.access_key_id, "AKPROC");
  assert_string_equal(out.secret_access_key, "sproc");
  assert_string_equal(out.session_token, "tproc");
  assert_true(out.expires == EXPIRES);
  gfi_aws_credentials_clear(&out);
  process_ok("printf '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}'", &out);
  assert_string_equal(out.access_key_id, "A");
  assert_string_equal(out.secret_access_key, "S");
  assert_null(out.session_token);
  assert_true(out.expires == 0);
  gfi_aws_credentials_clear(&out);
  static const struct {
    const char *expiration;
    long long expires;
  } times[] = {
      {"2026-12-06T15:00:00.123456Z", EXPIRES},
      {"2026-12-06T15:00:00+00:00", EXPIRES},
      {"2026-12-06T16:30:00+01:30", EXPIRES},
      {"2026-12-06T10:00:00-05:00", EXPIRES},
      {"1970-01-01T00:00:01Z", 1},
      {"2000-02-29T00:00:00Z", 951782400},
      {"2020-01-01T00:00:00Z", 1577836800}, /* expired: still returned */
  };
  for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
    char command[256];
    snprintf(command, sizeof command,
             "echo '{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\","
             "\"SessionToken\":null,\"Expiration\":\"%s\"}'",
             times[i].expiration);
    process_ok(command, &out);
    assert_null(out.session_token);
    if (out.expires != times[i].expires)
      fail_msg("%s: %lld, not %lld", times[i].expiration, out.expires, times[i].expires);
    gfi_aws_credentials_clear(&out);
  }
  /* Up to 64 KiB of output, whitespace around the object allowed. */
  process_ok("printf '%65400s' ''; printf '{\"Version\":1,\"AccessKeyId\":\"A\","
             "\"SecretAccessKey\":\"S\"}\\n'",
             &out);
  assert_string_equal(out.access_key_id, "A");
  gfi_aws_credentials_clear(&out);
}

static void test_process_failures(void **state)
{
  (void)state;
  process_fails("exit 3", "credential_process of profile 'dev' exited with status 3");
  process_fails("kill -TERM $$", "credential_process of profile 'dev' was killed by signal 15");
  process_fails("gluefake-no-such-command 2>/dev/null",
                "credential_process of profile 'dev' exited with status 127");
  process_fails("echo garbage", "credential_process of profile 'dev' printed no JSON object");
  process_fails("true", "credential_process of profile 'dev' printed no JSON object");
  process_fails("echo '[1]'", "credential_process of profile 'dev' printed no JSON object");
  process_fails("echo '{} {}'", "credential_process of profile 'dev' printed no JSON object");
  /* A writer that never stops is killed once it passes 64 KiB. */
  process_fails("yes", "credential_process of profile 'dev' printed more than 64 KiB");
  process_fails("printf '%65537s' ''",
                "credential_process of profile 'dev' printed more than 64 KiB");
  process_fails("echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'",
                "credential_process of profile 'dev' has Version 2 (expected 1)");
  process_fails("echo '{\"Version\": \"1\", \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'",
                "credential_process of profile 'dev' printed no Version (expected 1)");
  process_fails("echo '{\"Version\": 1, \"SecretAccessKey\": \"S\"}'",
                "credential_process of profile 'dev' printed no AccessKeyId");
  process_fails("echo '{\"Version\": 1, \"AccessKeyId\": 5, \"SecretAccessKey\": \"S\"}'",
                "credential_process of profile 'dev' printed no AccessKeyId");
  process_fails("echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"\"}'",
                "credential_process of profile 'dev' printed no SecretAccessKey");
  process_fails("echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
                "\"SessionToken\": 7}'",
                "credential_process of profile 'dev' printed a SessionToken that is not a "
                "string");
  process_fails("echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
                "\"Expiration\": 1796569200}'",
                "credential_process of profile 'dev' printed an Expiration that is not a string "
                "(expected an ISO 8601 time)");
  static const char *const bad_times[] = {
      "soon", "2026-12-06T15:00:00", "2026-12-06 15:00:00Z", "2026-13-06T15:00:00Z",
      "2026-02-29T15:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T15:00:00.Z",
      "2026-12-06T15:00:00+0000", "2026-12-06T15:00:00Zjunk", "",
  };
  for (size_t i = 0; i < sizeof bad_times / sizeof *bad_times; i++) {
    char command[256], expected[256];
    snprintf(command, sizeof command,
             "echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\", "
             "\"Expiration\": \"%s\"}'",
             bad_times[i]);
    snprintf(expected, sizeof expected,
             "credential_process of profile 'dev' Expiration '%s' is not an ISO 8601 time",
             bad_times[i]);
    process_fails(command, expected);
  }
}

static void test_process_through_resolve(void **state)
{
  (void)state;
  write_file("config", "[profile dev]\nregion = us-east-1\ncredential_process = exit 3\n");
  setenv("AWS_PROFILE", "dev", 1);
  expect_failure(NULL, "credential_process of profile 'dev' exited with status 3");
  assert_no_child();
}

/* ---- running out of memory ------------------------------------------------------- */

typedef struct sweep_ctx {
  gf_aws_options options;
  gfi_aws_config config;
  gf_error err;
  gf_status status;
  long live;
} sweep_ctx;

static void sweep_call(void *p)
{
  sweep_ctx *c = p;
  c->status = gfi_aws_config_resolve(&c->options, &c->config, &c->err);
}

static void sweep_after(void *p, sweep_stats *st, long injected)
{
  sweep_ctx *c = p;
  gfi_aws_config empty;
  memset(&empty, 0, sizeof empty);
  if (c->status == GF_OK) {
    if (strcmp(c->config.credentials.access_key_id, "AKPROC") != 0 ||
        c->config.credentials.expires != EXPIRES ||
        strcmp(c->config.endpoint, "https://glue.eu-west-1.amazonaws.com") != 0)
      problem(st, "resolved something else");
  } else if (c->status != GF_INTERNAL_SERVICE) {
    problem(st, "status %s: %s", gf_status_name(c->status), gf_error_message(&c->err));
  } else if (memcmp(&c->config, &empty, sizeof empty) != 0) {
    problem(st, "the config is not empty after a failure");
  } else if (c->err.message && !strstr(c->err.message, "out of memory")) {
    problem(st, "message '%s'", c->err.message);
  }
  if (!injected && c->status != GF_OK)
    problem(st, "failed without an injected failure");
  gfi_aws_config_clear(&c->config);
  gf_error_clear(&c->err);
  if (A.live != c->live)
    problem(st, "%ld allocation(s) leaked", A.live - c->live);
  errno = 0;
  if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
    problem(st, "a child process was left behind");
}

static void test_sweep_resolve(void **state)
{
  (void)state;
  write_file("config", "# the sweep\n[profile dev]\nregion = eu-west-1\n"
                       "credential_process = " PROCESS_ANSWER "\n");
  write_file("credentials", "[default]\naws_access_key_id = AKNOT\n");
  sweep_ctx c;
  memset(&c, 0, sizeof c);
  c.options = (gf_aws_options)GF_AWS_OPTIONS_INIT;
  c.options.profile = "dev";
  c.live = A.live;
  sweep_stats st = {"resolve with a credential_process", 0, 0, 0, 0, 0};
  const sweep_ops ops = {NULL, sweep_call, sweep_after};
  assert_int_equal(alloc_sweep(&st, SWEEP_BOTH, &ops, &c), 0);
  assert_true(st.failed_runs > 10);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_credentials_order),
      T(test_credential_process_of_either_file),
      T(test_missing_credentials),
      T(test_profile_selection),
      T(test_unknown_profile),
      T(test_region_order),
      T(test_missing_region),
      T(test_bad_region),
      T(test_endpoint_order),
      T(test_default_endpoints),
      T(test_bad_endpoints),
      T(test_home_default),
      T(test_ignore_environment),
      T(test_ini_syntax),
      T(test_parse_errors),
      T(test_unreadable_files),
      T(test_large_files),
      T(test_process_answers),
      T(test_process_failures),
      T(test_process_through_resolve),
      cmocka_unit_test_setup_teardown(test_sweep_resolve, sweep_setup, sweep_teardown),
  };
#undef T
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(F.home);
  return failed;
}
