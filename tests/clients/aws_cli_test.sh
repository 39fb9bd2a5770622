#!/usr/bin/env bash
# aws_cli_test.sh - Debian's AWS CLI (/usr/bin/aws) against `gluefake serve`:
# every operation with its JSON output checked, every error kind by the error
# code the CLI prints on stderr.
#
#   GLUE_ENDPOINT=http://127.0.0.1:PORT bash tests/clients/aws_cli_test.sh
#
# Run by tests/test_clients.sh.  JSON is checked with /usr/bin/python3.
set -euo pipefail

: "${GLUE_ENDPOINT:?set GLUE_ENDPOINT=http://127.0.0.1:PORT (a running gluefake serve)}"
GLUE_ENDPOINT=${GLUE_ENDPOINT%/}
AWS=/usr/bin/aws
PY=/usr/bin/python3

# Fake credentials; no developer's ~/.aws; no retries, so that an injected
# InternalService (500) reaches the caller; timestamps printed in UTC.
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
# Empty config files of its own, never /dev/null: a client that rewrites its
# config (atomically, by renaming a new file over it) must not replace the
# system's /dev/null.
cli_config=$(mktemp -d)
: >"$cli_config/config"
: >"$cli_config/credentials"
export AWS_PAGER="" AWS_CONFIG_FILE=$cli_config/config AWS_SHARED_CREDENTIALS_FILE=$cli_config/credentials
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard TZ=UTC
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL 2>/dev/null || true

ACCOUNT=123456789012
KMS=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
POLICY='{"Version":"2012-10-17","Statement":[]}'
POLICY2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"glue:GetDatabase","Resource":"*"}]}'
# The fixed clock: the n-th create or policy put is stamped 1700000000 + n - 1.
T0=2023-11-14T22:13:20+00:00
T1=2023-11-14T22:13:21+00:00

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$cli_config"' EXIT

fail() {
  echo "aws_cli_test: FAIL: $*" >&2
  exit 1
}
ok() { echo "ok - $*"; }

glue() { "$AWS" --endpoint-url "$GLUE_ENDPOINT" --output json glue "$@"; }

# control METHOD PATH [BODY]: the control plane; fails on a non-2xx answer.
control() {
  curl -sS --max-time 10 --fail-with-body -X "$1" --data-binary "${3-}" \
    "$GLUE_ENDPOINT/_gluefake/$2" >"$tmp/control" ||
    fail "$1 /_gluefake/$2 failed: $(cat "$tmp/control")"
}

# fresh [EXTRA_STATE_MEMBERS]: an empty fake with the fixed clock.
fresh() {
  control POST reset
  control POST state "{\"clock\":{\"now\":1700000000,\"step\":1}${1:+,$1}}"
}

# run ARGS...: runs `glue ARGS` expecting success; stdout in $out.
run() {
  if ! out=$(glue "$@" 2>"$tmp/stderr"); then
    fail "aws glue $1 failed: $(cat "$tmp/stderr")"
  fi
}

# expect_json WHAT JSON EXPECTED: JSON equals EXPECTED (both parsed).
expect_json() {
  "$PY" - "$1" "$2" "$3" <<'EOF' || exit 1
import json, sys
what, got, want = sys.argv[1:]
try:
    got_v = json.loads(got)
except ValueError:
    sys.exit(f"aws_cli_test: FAIL: {what}: output is not JSON: {got!r}")
if got_v != json.loads(want):
    sys.exit(f"aws_cli_test: FAIL: {what}:\n  expected {json.dumps(json.loads(want), sort_keys=True)}\n"
             f"  got      {json.dumps(got_v, sort_keys=True)}")
EOF
}

# json_get JSON EXPR: prints EXPR evaluated on the parsed JSON `d`.
json_get() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# expect_empty WHAT: the last command printed nothing (an empty response).
expect_empty() { [ -z "$out" ] || fail "$1: expected no output, got: $out"; }

# expect_error CODE [MESSAGE] -- ARGS...: `aws glue ARGS` fails with the CLI's
# service-error status (254) and "An error occurred (CODE)" on stderr (and the
# whole message MESSAGE, when given).
expect_error() {
  local code=$1 message=""
  shift
  if [ "$1" != -- ]; then message=$1; shift; fi
  shift
  local status=0
  glue "$@" >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
  [ "$status" -ne 0 ] || fail "aws glue $1 succeeded, expected $code: $(cat "$tmp/stdout")"
  grep -qF "An error occurred ($code) when calling the " "$tmp/stderr" ||
    fail "aws glue $1: expected 'An error occurred ($code)' on stderr, got: $(cat "$tmp/stderr")"
  [ "$status" -eq 254 ] || fail "aws glue $1: exit status $status, expected 254 (a service error)"
  if [ -n "$message" ]; then
    grep -qF -- "$message" "$tmp/stderr" ||
      fail "aws glue $1: expected the message '$message', got: $(cat "$tmp/stderr")"
  fi
}

# state_get EXPR: EXPR evaluated on the fake's state (GET /_gluefake/state) as `d`.
state_get() {
  control GET state
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/control" "$1"
}

# json_string TEXT: TEXT as a JSON string.
json_string() { "$PY" -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }

# calls_of OPERATION: how many calls of OPERATION the fake logged.
calls_of() {
  control GET calls
  "$PY" -c 'import json,sys; print(sum(c["operation"] == sys.argv[2] for c in json.load(open(sys.argv[1]))["transcript"]))' \
    "$tmp/control" "$1"
}

echo "aws CLI: $("$AWS" --version 2>&1) against $GLUE_ENDPOINT"

# Each `aws` run costs most of a second (its start-up), so every run counts:
# effects that need no CLI output to check are read from GET /_gluefake/state.

# ---- security configurations ----
fresh
ENC_KMS='{"S3Encryption":[{"S3EncryptionMode":"SSE-KMS","KmsKeyArn":"'$KMS'"},{"S3EncryptionMode":"SSE-S3"}],"CloudWatchEncryption":{"CloudWatchEncryptionMode":"SSE-KMS","KmsKeyArn":"'$KMS'"},"JobBookmarksEncryption":{"JobBookmarksEncryptionMode":"CSE-KMS","KmsKeyArn":"'$KMS'"}}'
ENC_S3='{"S3Encryption":[{"S3EncryptionMode":"SSE-S3"}]}'
run create-security-configuration --name cli-kms --encryption-configuration "$ENC_KMS"
expect_json create-security-configuration "$out" '{"Name":"cli-kms","CreatedTimestamp":"'$T0'"}'
run create-security-configuration --name cli-s3 --encryption-configuration "$ENC_S3"
expect_json create-security-configuration "$out" '{"Name":"cli-s3","CreatedTimestamp":"'$T1'"}'
ok "create-security-configuration prints Name and CreatedTimestamp (the fixed clock)"

KMS_CONFIG='{"Name":"cli-kms","CreatedTimeStamp":"'$T0'","EncryptionConfiguration":'$ENC_KMS'}'
S3_CONFIG='{"Name":"cli-s3","CreatedTimeStamp":"'$T1'","EncryptionConfiguration":'$ENC_S3'}'
run get-security-configuration --name cli-kms
expect_json get-security-configuration "$out" '{"SecurityConfiguration":'"$KMS_CONFIG"'}'
ok "get-security-configuration returns the configuration exactly as created"

run get-security-configurations --page-size 1
expect_json "get-security-configurations --page-size 1" "$out" '{"SecurityConfigurations":['"$KMS_CONFIG,$S3_CONFIG"']}'
[ "$(calls_of GetSecurityConfigurations)" = 2 ] ||
  fail "get-security-configurations --page-size 1 over 2 configurations: expected 2 calls (2 pages)"
ok "get-security-configurations lists both in creation order, the CLI paging with NextToken (--page-size 1: 2 calls)"

run delete-security-configuration --name cli-kms
expect_empty delete-security-configuration
expect_error EntityNotFoundException "Security configuration 'cli-kms' not found" -- get-security-configuration --name cli-kms
ok "delete-security-configuration prints nothing; EntityNotFoundException for get-security-configuration afterwards"

expect_error AlreadyExistsException -- create-security-configuration --name cli-s3 --encryption-configuration '{}'
ok "AlreadyExistsException: create-security-configuration of a taken name"

long=$(printf 'n%.0s' $(seq 256))
expect_error InvalidInputException \
  "1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 255" \
  -- create-security-configuration --name "$long" --encryption-configuration '{}'
expect_error InvalidInputException \
  "1 validation error detected: Value at 'encryptionConfiguration.s3Encryption.1.member.kmsKeyArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*" \
  -- create-security-configuration --name bad-key --encryption-configuration '{"S3Encryption":[{"S3EncryptionMode":"SSE-KMS","KmsKeyArn":"alias/not-an-arn"}]}'
[ "$(state_get '[c["Name"] for c in d["security_configurations"]]')" = "['cli-s3']" ] ||
  fail "after the rejected creates the fake should hold only cli-s3: $(cat "$tmp/control")"
ok "InvalidInputException (server-side, AWS's message): a 256-byte name; a KmsKeyArn not arn:aws:kms:..."

# ---- data catalog encryption settings ----
run get-data-catalog-encryption-settings
expect_json get-data-catalog-encryption-settings "$out" \
  '{"DataCatalogEncryptionSettings":{"EncryptionAtRest":{"CatalogEncryptionMode":"DISABLED"},"ConnectionPasswordEncryption":{"ReturnConnectionPasswordEncrypted":false}}}'
SETTINGS='{"EncryptionAtRest":{"CatalogEncryptionMode":"SSE-KMS","SseAwsKmsKeyId":"alias/glue"},"ConnectionPasswordEncryption":{"ReturnConnectionPasswordEncrypted":true,"AwsKmsKeyId":"alias/pw"}}'
run put-data-catalog-encryption-settings --data-catalog-encryption-settings "$SETTINGS"
expect_empty put-data-catalog-encryption-settings
run get-data-catalog-encryption-settings --catalog-id "$ACCOUNT"
expect_json "get-data-catalog-encryption-settings --catalog-id $ACCOUNT" "$out" '{"DataCatalogEncryptionSettings":'"$SETTINGS"'}'
ok "get/put-data-catalog-encryption-settings: the default, then the settings put (CatalogId = the account)"

# ---- resource policies ----
run put-resource-policy --policy-in-json "$POLICY"
hash1=$(json_get "$out" 'd["PolicyHash"]')
if [ -z "$hash1" ] || [ "$(json_get "$out" 'sorted(d)')" != "['PolicyHash']" ]; then
  fail "put-resource-policy: expected {\"PolicyHash\": ...}, got $out"
fi
# The third reading of the fixed clock (two creates before it).
T2=2023-11-14T22:13:22+00:00
run get-resource-policy
expect_json get-resource-policy "$out" \
  '{"PolicyInJson":'"$(json_string "$POLICY")"',"PolicyHash":"'"$hash1"'","CreateTime":"'$T2'","UpdateTime":"'$T2'"}'
ok "put-resource-policy returns a PolicyHash; get-resource-policy the document byte for byte, hash and times"

expect_error ConditionCheckFailureException -- put-resource-policy --policy-in-json "$POLICY2" --policy-hash-condition stale-hash
[ "$(state_get 'list(d["resource_policies"].values())[0]["PolicyInJson"]')" = "$POLICY" ] ||
  fail "a failed condition must change nothing: $(cat "$tmp/control")"
ok "ConditionCheckFailureException: put-resource-policy with a stale --policy-hash-condition changes nothing"

run delete-resource-policy --policy-hash-condition "$hash1"
expect_empty delete-resource-policy
[ "$(state_get 'len(d["resource_policies"])')" = 0 ] || fail "delete-resource-policy left a policy: $(cat "$tmp/control")"
ok "delete-resource-policy with the current hash prints nothing and deletes the policy"

run get-resource-policies
expect_json get-resource-policies "$out" '{"GetResourcePoliciesResponseList":[]}'
run put-resource-policy --policy-in-json '{"n":2}' --resource-arn arn:aws:glue:us-east-1:123456789012:table/db/b
run put-resource-policy --policy-in-json '{"n":1}' --resource-arn arn:aws:glue:us-east-1:123456789012:table/db/a
run put-resource-policy --policy-in-json "$POLICY"
# --page-size 1: the CLI follows three NextTokens and prints one list.
run get-resource-policies --page-size 1
[ "$(json_get "$out" '[p["PolicyInJson"] for p in d["GetResourcePoliciesResponseList"]]')" = \
  "['$POLICY', '{\"n\":1}', '{\"n\":2}']" ] ||
  fail "get-resource-policies: expected the catalog's, then table/db/a, table/db/b; got $out"
ok "get-resource-policies lists every policy in ARN order, the CLI paging with NextToken (--page-size 1: 3 calls)"

# ---- errors the fake raises from its limits and from fault specs ----
fresh '"limits":{"security_configurations":1},"security_configurations":[{"Name":"first","CreatedTimeStamp":1690000000,"EncryptionConfiguration":{}}]'
expect_error ResourceNumberLimitExceededException -- create-security-configuration --name second --encryption-configuration '{}'
ok "ResourceNumberLimitExceededException: a create beyond the limit set with POST /_gluefake/state"

fresh
control POST faults 'GetSecurityConfigurations=1*InternalService'
expect_error InternalServiceException "(reached max retries: 0)" -- get-security-configurations
[ "$(calls_of GetSecurityConfigurations)" = 1 ] || fail "InternalService: expected exactly 1 call (AWS_MAX_ATTEMPTS=1)"
ok "InternalServiceException (HTTP 500) from a fault spec reaches the CLI (AWS_MAX_ATTEMPTS=1: one call)"

control POST faults 'CreateSecurityConfiguration=1*OperationTimeout(took too long)'
expect_error OperationTimeoutException "took too long" -- create-security-configuration --name slow --encryption-configuration '{}'
[ "$(state_get 'len(d["security_configurations"])')" = 0 ] || fail "OperationTimeout (not applied) created something"
control DELETE faults
ok "OperationTimeoutException, with its message, from a fault spec; nothing created"

# ---- the CLI's retries (standard mode, 3 attempts) against faults it must retry ----
for fault in Throttling ServiceUnavailable 'http(502)' reset; do
  fresh
  control POST faults "GetSecurityConfigurations=2*$fault"
  out=$(AWS_MAX_ATTEMPTS=3 glue get-security-configurations 2>"$tmp/stderr") ||
    fail "retries: 2*$fault with 3 attempts failed: $(cat "$tmp/stderr")"
  [ "$(calls_of GetSecurityConfigurations)" = 3 ] ||
    fail "retries: 2*$fault: expected 3 calls, the server saw $(calls_of GetSecurityConfigurations)"
done
ok "AWS_MAX_ATTEMPTS=3 retries Throttling, ServiceUnavailable, http(502) and reset twice, then succeeds: 3 calls each"
fresh
control POST faults 'GetSecurityConfigurations=1*AccessDenied'
if AWS_MAX_ATTEMPTS=3 glue get-security-configurations >/dev/null 2>"$tmp/stderr"; then
  fail "AccessDenied was not refused"
fi
grep -q AccessDeniedException "$tmp/stderr" || fail "AccessDenied: $(cat "$tmp/stderr")"
[ "$(calls_of GetSecurityConfigurations)" = 1 ] || fail "AccessDenied must not be retried"
ok "AccessDeniedException is never retried: 1 call with AWS_MAX_ATTEMPTS=3"

echo "aws CLI: all checks passed"
