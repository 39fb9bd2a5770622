/*
 * test_partitions.c - a server's partitions: every API request goes to the
 * fake of its (account id, region) - the credential scope's region, the
 * access key's account - each with its own store, fault rules and call log;
 * the control plane's ?account=&region=, GET partitions, POST state into the
 * fixture's own partition, POST reset forgetting them all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gluefake/cmocka.h"
#include "helpers.h"

#define HOME "123456789012"

typedef server_fx fx;

static const char credentials[] =
    "{\"credentials\": [{\"access_key_id\": \"AKIDMAPPED\", \"secret_access_key\": \"s\","
    " \"account_id\": \"444455556666\"}]}";

static int start(void **state, const char *faults)
{
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.credentials = credentials; /* accounts of access keys; signatures not checked */
  options.credentials_len = strlen(credentials);
  options.faults = faults;
  return server_fx_start(state, &options);
}

static int setup(void **state) { return start(state, NULL); }

static int setup_calls_max(void **state)
{
  gf_server_options options = GF_SERVER_OPTIONS_INIT;
  options.credentials = credentials;
  options.credentials_len = strlen(credentials);
  options.calls_max = 2;
  return server_fx_start(state, &options);
}

static int setup_with_faults(void **state)
{
  return start(state, "GetSecurityConfigurations=InternalService(from the server)");
}

static int teardown(void **state) { return server_fx_teardown(state); }

/* An API call signed (not checkably: signatures are not checked here) with
 * access key `key` for `region`; NULL key: no Authorization at all.  The
 * status, the body in `reply`. */
static int call(fx *f, const char *key, const char *region, const char *operation,
                const char *body, char *reply, size_t size)
{
  char target[96], authorization[256];
  snprintf(target, sizeof target, "AWSGlue.%s", operation);
  snprintf(authorization, sizeof authorization,
           "AWS4-HMAC-SHA256 Credential=%s/20261206/%s/glue/aws4_request, "
           "SignedHeaders=host;x-amz-date, Signature=00",
           key ? key : "", region ? region : "");
  const http_header headers[] = {{"X-Amz-Target", target},
                                 {"X-Amz-Date", "20261206T120000Z"},
                                 {"Authorization", authorization}};
  return http_once(f->port, "/", headers, key ? 3 : 2, body, reply, size);
}

static int control(fx *f, const char *method_body, const char *path, char *reply, size_t size)
{
  return http_once(f->port, path, NULL, 0, method_body, reply, size);
}

static void create(fx *f, const char *key, const char *region, const char *name)
{
  char body[128], reply[1024];
  snprintf(body, sizeof body, "{\"Name\":\"%s\",\"EncryptionConfiguration\":{}}", name);
  int status = call(f, key, region, "CreateSecurityConfiguration", body, reply, sizeof reply);
  if (status != 200)
    fail_msg("create %s in %s/%s: %d %s", name, key ? key : "-", region ? region : "-", status,
             reply);
}

/* The names GetSecurityConfigurations lists, as its JSON shows them. */
static void assert_listed(fx *f, const char *key, const char *region, const char *names)
{
  char reply[4096];
  assert_int_equal(call(f, key, region, "GetSecurityConfigurations", "{}", reply, sizeof reply),
                   200);
  cJSON *json = cJSON_Parse(reply);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(json, "SecurityConfigurations");
  sbuf got = {0};
  sbuf_add(&got, "");
  const cJSON *item;
  cJSON_ArrayForEach(item, list)
  {
    sbuf_add(&got, got.len ? "," : "");
    sbuf_add(&got, cJSON_GetObjectItemCaseSensitive(item, "Name")->valuestring);
  }
  if (strcmp(got.p, names) != 0)
    fail_msg("%s/%s lists '%s', expected '%s'", key ? key : "-", region ? region : "-", got.p,
             names);
  free(got.p);
  cJSON_Delete(json);
}

/* The credential scope's region and the access key's account pick the fake:
 * the credentials file's account_id, else a 12-digit key itself, else the
 * server's own account. */
static void test_requests_go_to_their_partition(void **state)
{
  fx *f = *state;
  create(f, NULL, NULL, "home");                      /* no Authorization: home */
  create(f, "AKIDTEST", "us-east-1", "home-too");     /* home's account and region */
  create(f, "AKIDTEST", "eu-west-1", "ireland");      /* home's account, another region */
  create(f, "111122223333", "us-east-1", "twelve");    /* a 12-digit key is its account */
  create(f, "AKIDMAPPED", "eu-west-1", "mapped");     /* the file's account_id */
  assert_listed(f, NULL, NULL, "home,home-too");
  assert_listed(f, "AKIDOTHER", "eu-west-1", "ireland");
  assert_listed(f, "111122223333", "us-east-1", "twelve");
  assert_listed(f, "111122223333", "eu-west-1", "");
  assert_listed(f, "AKIDMAPPED", "eu-west-1", "mapped");
  assert_listed(f, "444455556666", "eu-west-1", "mapped"); /* the same partition */
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 2);

  /* Each partition's default resource ARN is its own. */
  char reply[2048];
  assert_int_equal(call(f, "AKIDMAPPED", "cn-north-1", "PutResourcePolicy",
                        "{\"PolicyInJson\":\"{}\"}", reply, sizeof reply),
                   200);
  assert_int_equal(call(f, "AKIDMAPPED", "cn-north-1", "GetResourcePolicy",
                        "{\"ResourceArn\":\"arn:aws-cn:glue:cn-north-1:444455556666:catalog\"}",
                        reply, sizeof reply),
                   200);

  char *list = http_answer(f->port, "/_gluefake/partitions", NULL, 0, NULL);
  const char *body = strstr(list, "\r\n\r\n") + 4;
  cJSON *json = cJSON_Parse(body);
  assert_true(cJSON_IsArray(json));
  static const char *const want[][3] = {
      {HOME, "us-east-1", "2"},         {"111122223333", "eu-west-1", "0"},
      {"111122223333", "us-east-1", "1"}, {HOME, "eu-west-1", "1"},
      {"444455556666", "cn-north-1", "0"}, {"444455556666", "eu-west-1", "1"},
  };
  assert_int_equal(cJSON_GetArraySize(json), 6);
  for (int i = 0; i < 6; i++) {
    const cJSON *entry = cJSON_GetArrayItem(json, i);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(entry, "account_id")->valuestring,
                        want[i][0]);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(entry, "region")->valuestring,
                        want[i][1]);
    assert_int_equal(
        cJSON_GetObjectItemCaseSensitive(entry, "security_configurations")->valueint,
        atoi(want[i][2]));
  }
  cJSON_Delete(json);
  free(list);
}

/* A scope's region that is no region name is refused, naming it. */
static void test_bad_region_refused(void **state)
{
  fx *f = *state;
  char reply[1024];
  assert_int_equal(call(f, "AKIDTEST", "EU-WEST-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   400);
  assert_contains(reply, "InvalidInputException");
  assert_contains(reply, "region 'EU-WEST-1' is not a region name");
  assert_int_equal(call(f, "AKIDTEST", "a-region-name-far-longer-than-any-real-one",
                        "GetSecurityConfigurations", "{}", reply, sizeof reply),
                   400);
  assert_contains(reply, "is not a region name");
}

/* The control plane names a partition with ?account=&region=; POST state
 * without them loads the fixture into the partition it names itself; POST
 * reset without them forgets every partition. */
static void test_control_plane_partitions(void **state)
{
  fx *f = *state;
  char reply[4096];
  const char *fixture = "{\"account_id\":\"777788889999\",\"region\":\"ap-south-1\","
                        "\"security_configurations\":[{\"Name\":\"loaded\","
                        "\"CreatedTimeStamp\":1700000000,\"EncryptionConfiguration\":{}}]}";
  assert_int_equal(control(f, fixture, "/_gluefake/state", reply, sizeof reply), 200);
  assert_int_equal(gf_fake_security_configuration_count(f->fake), 0); /* not home */
  assert_listed(f, "777788889999", "ap-south-1", "loaded");
  assert_int_equal(control(f, NULL, "/_gluefake/state?account=777788889999&region=ap-south-1",
                           reply, sizeof reply),
                   200);
  assert_contains(reply, "\"loaded\"");
  assert_contains(reply, "\"region\":\t\"ap-south-1\"");

  /* A fixture naming another partition than the one asked for. */
  assert_int_equal(control(f, fixture, "/_gluefake/state?account=" HOME, reply, sizeof reply),
                   400);
  assert_contains(reply, "the fixture's account_id 777788889999 is not the partition's (" HOME ")");
  assert_int_equal(control(f, NULL, "/_gluefake/state?account=12", reply, sizeof reply), 400);
  assert_contains(reply, "?account='12' is not 12 digits");
  assert_int_equal(control(f, NULL, "/_gluefake/state?region=", reply, sizeof reply), 400);
  assert_int_equal(control(f, NULL, "/_gluefake/state?region=Nowhere", reply, sizeof reply), 400);
  assert_contains(reply, "region 'Nowhere' is not a region name");

  /* Faults and the call log per partition. */
  assert_int_equal(control(f, "GetSecurityConfigurations=OperationTimeout(there only)",
                           "/_gluefake/faults?account=777788889999&region=ap-south-1", reply,
                           sizeof reply),
                   200);
  assert_int_equal(call(f, "777788889999", "ap-south-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   400);
  assert_contains(reply, "there only");
  assert_listed(f, NULL, NULL, "");
  assert_int_equal(control(f, NULL, "/_gluefake/calls?region=ap-south-1&account=777788889999",
                           reply, sizeof reply),
                   200);
  assert_contains(reply, "there only");
  assert_int_equal(control(f, NULL, "/_gluefake/calls", reply, sizeof reply), 200);
  assert_null(strstr(reply, "there only"));

  /* Reset of one partition, then of all. */
  create(f, "AKIDTEST", "eu-west-1", "ireland");
  assert_int_equal(control(f, "", "/_gluefake/reset?region=eu-west-1", reply, sizeof reply), 200);
  assert_listed(f, "AKIDTEST", "eu-west-1", "");
  create(f, NULL, NULL, "home");
  assert_int_equal(control(f, "", "/_gluefake/reset", reply, sizeof reply), 200);
  assert_int_equal(control(f, NULL, "/_gluefake/partitions", reply, sizeof reply), 200);
  cJSON *json = cJSON_Parse(reply);
  assert_int_equal(cJSON_GetArraySize(json), 1); /* home alone, and empty */
  assert_int_equal(
      cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(json, 0), "security_configurations")
          ->valueint,
      0);
  cJSON_Delete(json);
  assert_listed(f, "777788889999", "ap-south-1", ""); /* made anew, without its rules */
}

/* Every partition the server makes starts with the server's rules; the
 * home fake keeps its own. */
static void test_new_partitions_take_the_server_rules(void **state)
{
  fx *f = *state;
  char reply[1024];
  assert_int_equal(call(f, "AKIDTEST", "eu-west-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   500);
  assert_contains(reply, "from the server");
  assert_listed(f, NULL, NULL, "");
  assert_int_equal(control(f, "", "/_gluefake/reset", reply, sizeof reply), 200);
  assert_int_equal(call(f, "AKIDTEST", "eu-west-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   500); /* made anew, with them again */
}

/* A client inventing access keys cannot make the server hold more than
 * GFI_MAX_PARTITIONS fakes besides its own. */
/* --calls-max bounds every partition's log, the served fake's too. */
static void test_calls_max_per_partition(void **state)
{
  fx *f = *state;
  char reply[16384];
  for (int i = 0; i < 5; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    create(f, "AKIDMAPPED", "eu-west-1", name);
    if (i < 3)
      create(f, NULL, NULL, name);
  }
  assert_int_equal(control(f, NULL, "/_gluefake/calls?account=444455556666&region=eu-west-1",
                           reply, sizeof reply), 200);
  cJSON *json = cJSON_Parse(reply);
  assert_int_equal(cJSON_GetObjectItem(json, "dropped")->valueint, 3);
  cJSON *list = cJSON_GetObjectItem(json, "transcript");
  assert_int_equal(cJSON_GetArraySize(list), 2);
  assert_string_equal(
      cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "request"), "Name")
          ->valuestring,
      "c3");
  cJSON_Delete(json);
  assert_int_equal(control(f, NULL, "/_gluefake/calls", reply, sizeof reply), 200);
  json = cJSON_Parse(reply);
  assert_int_equal(cJSON_GetObjectItem(json, "dropped")->valueint, 1);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(json, "transcript")), 2);
  cJSON_Delete(json);
  assert_int_equal(gf_calls_count(gf_fake_calls(f->fake)), 2);
}

static void test_partition_bound(void **state)
{
  fx *f = *state;
  char key[16], reply[1024];
  int status = 200, made = 0;
  for (int i = 0; status == 200 && i < 2000; i++) {
    snprintf(key, sizeof key, "%012d", 100000 + i);
    status = call(f, key, "us-east-1", "GetSecurityConfigurations", "{}", reply, sizeof reply);
    made += status == 200;
  }
  assert_int_equal(made, 1024);
  assert_int_equal(status, 500);
  assert_contains(reply, "already serves 1024 partitions");
  /* Those made still answer; a reset makes room again. */
  assert_int_equal(call(f, "000000100000", "us-east-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   200);
  assert_int_equal(control(f, "", "/_gluefake/reset", reply, sizeof reply), 200);
  assert_int_equal(call(f, "999999999999", "us-east-1", "GetSecurityConfigurations", "{}", reply,
                        sizeof reply),
                   200);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_requests_go_to_their_partition, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_region_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_control_plane_partitions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_new_partitions_take_the_server_rules,
                                      setup_with_faults, teardown),
      cmocka_unit_test_setup_teardown(test_partition_bound, setup, teardown),
      cmocka_unit_test_setup_teardown(test_calls_max_per_partition, setup_calls_max, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
