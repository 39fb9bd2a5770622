/*
 * glue_main.c - the example client module (glue_client.c) in a program that
 * runs against AWS Glue through the real backend: the module its unit tests
 * (tests/test_glue_client.c) run against the fake is the module that ships.
 *
 *   glue_main NAME [KMS_KEY_ARN]
 *
 * Makes sure security configuration NAME exists (S3 encryption SSE-KMS with
 * the key, else DISABLED).  Region, credentials and endpoint are found as
 * the AWS SDKs find them (AWS_REGION, AWS_PROFILE, ~/.aws/...,
 * AWS_ENDPOINT_URL...).  Exit 0 when it exists as asked, 1 on an error of
 * the service, 2 when the backend cannot be set up.
 *
 * It links libgluefake-aws and libgluefake-core (pkg-config gluefake-aws),
 * never the fake.
 */
#include <stdio.h>

#include "glue_client.h"
#include "gluefake/aws.h"

int main(int argc, char **argv)
{
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: glue_main NAME [KMS_KEY_ARN]\n");
    return 2;
  }
  gf_error err = GF_ERROR_INIT;
  gf_aws *aws = gf_aws_new(NULL, &err);
  if (!aws) {
    fprintf(stderr, "glue_main: %s\n", gf_error_message(&err));
    gf_error_clear(&err);
    return 2;
  }
  gf_s3_encryption s3 = {argc == 3 ? "SSE-KMS" : "DISABLED", argc == 3 ? argv[2] : NULL};
  gf_encryption_configuration encryption = {&s3, 1, NULL, NULL, NULL};
  gf_create_security_configuration_request want = {argv[1], &encryption};
  gf_status status =
      glue_ensure_security_configuration(gf_aws_backend(aws), &want, 3, &err);
  if (status == GF_OK)
    printf("security configuration %s: in place (%s, %s)\n", argv[1], gf_aws_region(aws),
           gf_aws_endpoint(aws));
  else
    fprintf(stderr, "glue_main: %s: %s: %s\n", argv[1], err.aws_name ? err.aws_name : gf_status_name(status),
            gf_error_message(&err));
  gf_error_clear(&err);
  gf_aws_free(aws);
  return status == GF_OK ? 0 : 1;
}
