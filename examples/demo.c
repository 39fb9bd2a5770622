/*
 * demo.c - what `make run` shows: a fake driven through both of its faces,
 * the typed C API and the AWS JSON 1.1 dispatch, printing every exchange.
 */
#include <stdio.h>
#include <string.h>

#include "gluefake.h"

static void exchange(gf_backend *glue, const char *operation, const char *body)
{
  gf_json_reply reply;
  if (gf_json_dispatch(glue, operation, body, strlen(body), &reply) != 0) {
    printf("  %s: out of memory\n", operation);
    return;
  }
  printf("> %s %s\n< %d %s%s%s\n\n", operation, *body ? body : "(empty body)", reply.http_status,
         reply.error_type ? reply.error_type : "", reply.error_type ? " " : "", reply.body);
  gf_json_reply_clear(&reply);
}

int main(void)
{
  gf_error err = GF_ERROR_INIT;
  gf_fake *fake = gf_fake_new(NULL, &err);
  if (!fake || gf_fake_set_clock(fake, 1700000000, 1, &err) != GF_OK) {
    fprintf(stderr, "demo: %s\n", gf_error_message(&err));
    gf_error_clear(&err);
    gf_fake_free(fake);
    return 1;
  }
  gf_backend *glue = gf_fake_backend(fake);

  printf("gluefake demo: one fake (account " GF_DEFAULT_ACCOUNT_ID
         ", clock fixed at 1700000000 + 1 s per reading)\n\n");
  printf("== the typed C API\n");
  gf_s3_encryption s3 = {GF_MODE_SSE_KMS, "arn:aws:kms:us-east-1:123456789012:key/demo"};
  gf_encryption_configuration encryption = {.s3_encryption = &s3, .s3_encryption_count = 1};
  gf_create_security_configuration_request create = {"etl-kms", &encryption};
  gf_create_security_configuration_response *created = NULL;
  if (gf_create_security_configuration(glue, &create, &created, &err) == GF_OK)
    printf("created %s at %.0f\n", created->name, created->created_timestamp);
  gf_create_security_configuration_response_free(created);

  gf_status status = gf_create_security_configuration(glue, &create, NULL, &err);
  printf("creating it again: %s: %s\n", gf_status_name(status), gf_error_message(&err));

  gf_get_security_configuration_request missing = {"nope"};
  status = gf_get_security_configuration(glue, &missing, NULL, &err);
  printf("getting 'nope': %s: %s\n\n", gf_status_name(status), gf_error_message(&err));

  printf("== the AWS JSON 1.1 level (what the HTTP server will speak)\n");
  exchange(glue, "GetSecurityConfiguration", "{\"Name\":\"etl-kms\"}");
  exchange(glue, "CreateSecurityConfiguration",
           "{\"Name\":\"logs\",\"EncryptionConfiguration\":{\"CloudWatchEncryption\":"
           "{\"CloudWatchEncryptionMode\":\"DISABLED\"}}}");
  exchange(glue, "GetSecurityConfigurations", "{\"MaxResults\":1}");
  exchange(glue, "GetDataCatalogEncryptionSettings", "");
  exchange(glue, "PutResourcePolicy",
           "{\"PolicyInJson\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[]}\"}");
  exchange(glue, "PutResourcePolicy",
           "{\"PolicyInJson\":\"{}\",\"PolicyExistsCondition\":\"NOT_EXIST\"}");
  exchange(glue, "CreateSecurityConfiguration",
           "{\"Name\":\"bad\\nname\",\"EncryptionConfiguration\":{\"S3Encryption\":"
           "[{\"S3EncryptionMode\":\"SSE_KMS\"}]}}");
  exchange(glue, "GetSecurityConfiguration", "{\"Name\":42}");
  exchange(glue, "DeleteJob", "{}");

  gf_error_clear(&err);
  gf_fake_free(fake);
  return 0;
}
