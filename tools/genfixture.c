/*
 * genfixture N - writes to stdout a fixture with N security configurations
 * (cfg-000000, ...), each encrypting S3 with one SSE-KMS key, created one
 * second apart, for load tests and benchmarks.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
  char *end;
  long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
  if (argc != 2 || *end || n < 0 || n > 100000000) {
    fprintf(stderr, "usage: genfixture N   (0 <= N <= 100000000)\n");
    return 2;
  }
  printf("{\n  \"account_id\": \"123456789012\",\n"
         "  \"clock\": {\"now\": 1700000000, \"step\": 1},\n"
         "  \"security_configurations\": [");
  for (long i = 0; i < n; i++)
    printf("%s\n    {\"Name\": \"cfg-%06ld\", \"CreatedTimeStamp\": %ld, "
           "\"EncryptionConfiguration\": {\"S3Encryption\": [{\"S3EncryptionMode\": \"SSE-KMS\", "
           "\"KmsKeyArn\": \"arn:aws:kms:us-east-1:123456789012:key/%08lx-0000-4000-8000-000000000000\"}]}}",
           i ? "," : "", i, 1600000000 + i, i);
  printf("\n  ]\n}\n");
  return ferror(stdout) ? 1 : 0;
}
