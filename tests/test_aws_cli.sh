#!/usr/bin/env bash
# test_aws_cli.sh GLUEFAKE - the real backend end to end, through the CLI
# and the README's walkthrough program, against `GLUEFAKE serve --auth
# sigv4 --credentials` on a free loopback port:
#   - `gluefake call` with each credential source (environment, shared
#     credentials file, config file profile, credential_process), each way of
#     naming a region, a session token, a wrong key refused, and every bad
#     input (no region, no credentials, a broken file or process, an endpoint
#     that is not a URL or does not answer, a request that is not JSON);
#   - `--record` and `--redact-account`: what a recording holds, and never
#     a secret, a signature or a token; `gluefake verify` of the recording on
#     a fresh fake and, with --endpoint, on a served one;
#   - examples/glue_main (glue_client.c against the real backend);
#   - the signatures it sends equal botocore's (tests/clients/botocore_signatures.py).
# Run by `make test` as `bash tests/test_aws_cli.sh build/gluefake`.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gluefake=${1:-build/gluefake}
case $gluefake in /*) ;; *) gluefake=$PWD/$gluefake ;; esac
glue_main=$(dirname "$gluefake")/examples/glue_main
checks=0
fail() { echo "test_aws_cli: FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok: $*"; }
[ -x "$gluefake" ] || fail "no gluefake binary at $gluefake"
[ -x "$glue_main" ] || fail "no $glue_main (make $glue_main builds it)"

tmp=$(mktemp -d)
# No developer's AWS settings leak in: every test names its own.
for v in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
export HOME=$tmp/home NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
mkdir -p "$HOME/.aws"

server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$tmp"' EXIT

cat >"$tmp/credentials.json" <<'EOF'
{"credentials": [
  {"access_key_id": "AKIDENV", "secret_access_key": "env-secret"},
  {"access_key_id": "AKIDFILE", "secret_access_key": "file-secret", "account_id": "111122223333"},
  {"access_key_id": "AKIDPROFILE", "secret_access_key": "profile-secret"},
  {"access_key_id": "AKIDPROCESS", "secret_access_key": "process-secret", "session_token": "process-token"},
  {"access_key_id": "AKIDTOKEN", "secret_access_key": "token-secret", "session_token": "the-session-token"}
]}
EOF

# start_server: a fresh `gluefake serve --auth sigv4` on a free port; sets
# server_pid and endpoint.
start_server() {
  stop_server
  "$gluefake" serve --host 127.0.0.1 --port 0 --auth sigv4 --credentials "$tmp/credentials.json" \
    >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  local line=""
  for _ in $(seq 100); do
    line=$(head -n 1 "$tmp/server.out")
    [ -n "$line" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "gluefake serve exited: $(cat "$tmp/server.err")"
    sleep 0.1
  done
  [[ $line =~ ^listening\ on\ (http://127\.0\.0\.1:[0-9]+)$ ]] || fail "gluefake serve said '$line'"
  endpoint=${BASH_REMATCH[1]}
}

# run ARGS...: gluefake with ARGS, leaving $rc, $tmp/out and $tmp/err.
run() {
  rc=0
  "$gluefake" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
}
expect() { # expect RC TEXT WHAT: the exit status, and TEXT in stdout+stderr
  [ "$rc" = "$1" ] || fail "$3: exit $rc, expected $1; stdout: $(cat "$tmp/out"); stderr: $(cat "$tmp/err")"
  grep -qF -- "$2" "$tmp/out" "$tmp/err" || fail "$3: '$2' not in stdout: $(cat "$tmp/out") stderr: $(cat "$tmp/err")"
  ok "$3"
}

start_server
create='{"Name": "NAME", "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "DISABLED"}]}}'

# ---- each credential source, each way to a region ----------------------------------

AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret AWS_REGION=us-east-1 \
  run call CreateSecurityConfiguration "${create/NAME/from-env}" --endpoint "$endpoint"
expect 0 '"Name":	"from-env"' "call: credentials from AWS_ACCESS_KEY_ID, region from AWS_REGION"
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret AWS_REGION=us-east-1 \
  run call GetSecurityConfiguration '{"Name": "from-env"}' --endpoint "$endpoint"
expect 0 '"Name":	"from-env"' "call: GetSecurityConfiguration reads it back"

printf '[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n' >"$HOME/.aws/credentials"
AWS_DEFAULT_REGION=eu-west-1 run call GetSecurityConfigurations --endpoint "$endpoint"
expect 0 '"SecurityConfigurations":' "call: ~/.aws/credentials [default], region from AWS_DEFAULT_REGION"
curl -s "$endpoint/_gluefake/partitions" | grep -q '"111122223333"' ||
  fail "the file's key did not reach its account's partition"
ok "the shared credentials file's key is its account's (111122223333, eu-west-1)"

printf '[profile dev]\nregion = ap-south-1\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n' \
  >"$tmp/config"
AWS_CONFIG_FILE=$tmp/config AWS_PROFILE=dev run call GetSecurityConfigurations --endpoint "$endpoint"
expect 0 '"SecurityConfigurations":' "call: AWS_PROFILE=dev from AWS_CONFIG_FILE, with its region"
AWS_CONFIG_FILE=$tmp/config run call GetSecurityConfigurations --endpoint "$endpoint" --profile dev --region us-west-2
expect 0 '"SecurityConfigurations":' "call: --profile dev, --region over the profile's"
partitions=$(curl -s "$endpoint/_gluefake/partitions")
for region in ap-south-1 us-west-2; do
  grep -q "\"$region\"" <<<"$partitions" || fail "no partition for $region: $partitions"
done
ok "each region named is its own partition"

cat >"$tmp/process.sh" <<'EOF'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "2999-01-01T00:00:00Z"}'
EOF
chmod +x "$tmp/process.sh"
printf '[profile proc]\nregion = us-east-1\ncredential_process = %s\n' "$tmp/process.sh" >"$tmp/config-proc"
rm "$HOME/.aws/credentials"
AWS_CONFIG_FILE=$tmp/config-proc run call GetSecurityConfigurations --endpoint "$endpoint" --profile proc
expect 0 '"SecurityConfigurations":' "call: credential_process with a session token"

AWS_ACCESS_KEY_ID=AKIDTOKEN AWS_SECRET_ACCESS_KEY=token-secret AWS_SESSION_TOKEN=the-session-token \
  run call GetSecurityConfigurations --endpoint "$endpoint" --region us-east-1
expect 0 '"SecurityConfigurations":' "call: AWS_SESSION_TOKEN"

# ---- refusals and bad input ------------------------------------------------------------

AWS_ACCESS_KEY_ID=AKIDTOKEN AWS_SECRET_ACCESS_KEY=token-secret \
  run call GetSecurityConfigurations --endpoint "$endpoint" --region us-east-1
expect 1 "UnrecognizedClientException: The security token included in the request is invalid." \
  "call: a key without its session token is refused (exit 1)"
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=wrong \
  run call GetSecurityConfigurations --endpoint "$endpoint" --region us-east-1
expect 1 "InvalidSignatureException: The request signature we calculated does not match" \
  "call: a wrong secret is refused (exit 1)"
AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret \
  run call GetSecurityConfiguration '{"Name": "nope"}' --endpoint "$endpoint" --region us-east-1
expect 1 "EntityNotFoundException: Security configuration 'nope' not found" "call: a modelled error (exit 1)"

AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret run call GetSecurityConfigurations --endpoint "$endpoint"
expect 2 "call: no region: looked in the options, AWS_REGION, AWS_DEFAULT_REGION" "call: no region (exit 2)"
run call GetSecurityConfigurations --endpoint "$endpoint" --region us-east-1
expect 2 "call: no credentials: looked in the options, AWS_ACCESS_KEY_ID" "call: no credentials, saying where it looked (exit 2)"
grep -qF "$HOME/.aws/credentials" "$tmp/err" || fail "the message does not name ~/.aws/credentials: $(cat "$tmp/err")"
ok "call: the message names the files it looked in"
printf '[default\nregion = x\n' >"$tmp/broken"
AWS_CONFIG_FILE=$tmp/broken run call GetSecurityConfigurations --endpoint "$endpoint"
expect 2 "$tmp/broken:1:" "call: a config file that does not parse (exit 2)"
printf '[profile bad]\nregion = us-east-1\ncredential_process = echo not json\n' >"$tmp/config-bad"
AWS_CONFIG_FILE=$tmp/config-bad run call GetSecurityConfigurations --endpoint "$endpoint" --profile bad
expect 2 "credential_process of profile 'bad'" "call: a credential_process that prints garbage (exit 2)"
printf '[profile bad]\nregion = us-east-1\ncredential_process = exit 3\n' >"$tmp/config-bad"
AWS_CONFIG_FILE=$tmp/config-bad run call GetSecurityConfigurations --endpoint "$endpoint" --profile bad
expect 2 "exited with status 3" "call: a credential_process that fails (exit 2)"
export AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=env-secret AWS_REGION=us-east-1
run call GetSecurityConfigurations --endpoint "not a url"
expect 2 "is not a URL" "call: an endpoint that is not a URL (exit 2)"
run call GetSecurityConfigurations --endpoint "http://127.0.0.1:1"
expect 2 "no answer from http://127.0.0.1:1" "call: an endpoint that does not answer (exit 2)"
run call GetSecurityConfiguration '{"Name": ' --endpoint "$endpoint"
expect 2 "call: the GetSecurityConfiguration request is not a JSON object" "call: a request that is not JSON (exit 2)"
run call GetSecurityConfiguration '{"Name": 7}' --endpoint "$endpoint"
expect 2 "Name" "call: a request of the wrong shape (exit 2)"
run call NoSuchOperation --endpoint "$endpoint"
expect 2 "'NoSuchOperation' is not an operation" "call: an unknown operation (exit 2)"
echo '{"Name": "from-env"}' >"$tmp/request.json"
run call GetSecurityConfiguration - --endpoint "$endpoint" <"$tmp/request.json"
expect 0 '"Name":	"from-env"' "call: the request from standard input"

# ---- record, redact, verify --------------------------------------------------------------

start_server
rec=$tmp/recorded.json
policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"glue:*","Resource":"arn:aws:glue:us-east-1:444455556666:catalog"}]}'
policy_json=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"PolicyInJson": sys.argv[1]}))' "$policy")
for step in "CreateSecurityConfiguration|${create/NAME/recorded}" \
            "CreateSecurityConfiguration|${create/NAME/recorded}" \
            "GetSecurityConfiguration|{\"Name\": \"recorded\"}" \
            "PutResourcePolicy|$policy_json" \
            "GetResourcePolicy|{}" \
            "GetDataCatalogEncryptionSettings|{\"CatalogId\": \"444455556666\"}" \
            "GetSecurityConfigurations|{}"; do
  run call "${step%%|*}" "${step#*|}" --endpoint "$endpoint" --record "$rec" --redact-account 123456789012
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "recording ${step%%|*}: exit $rc: $(cat "$tmp/err")"
done
[ "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["transcript"]))' "$rec")" = 7 ] ||
  fail "the recording does not hold the 7 calls: $(cat "$rec")"
ok "--record adds each call to the transcript, creating it"
grep -q AlreadyExistsException "$rec" || fail "the recording lacks the error outcome"
ok "--record keeps error outcomes"
if grep -q 444455556666 "$rec"; then fail "--redact-account left the account id: $(grep 444455556666 "$rec")"; fi
grep -q 'arn:aws:iam::123456789012:root' "$rec" || fail "--redact-account did not rewrite the ARN"
ok "--redact-account rewrites the account of every ARN and CatalogId"
for secret in env-secret AKIDENV Signature AWS4-HMAC-SHA256 X-Amz process-token the-session-token; do
  if grep -q -- "$secret" "$rec"; then fail "the recording holds '$secret'"; fi
done
ok "a recording holds no secret, key, signature or token"

run verify "$rec" --ignore-volatile
expect 0 "all 7 outcomes match" "verify: the recording re-runs on a fresh fake"
run replay "$rec" --ignore-volatile
expect 0 "all 7 outcomes match" "replay: another name for verify"
start_server
run verify "$rec" --ignore-volatile --endpoint "$endpoint"
expect 0 "all 7 outcomes match" "verify --endpoint: the recording re-runs against a served fake"
run verify "$rec" --ignore-volatile --endpoint "$endpoint"
expect 1 "recorded success, got AlreadyExistsException" "verify --endpoint: a second run meets the state the first left"
run verify "$rec" --endpoint "$endpoint" --fixture "$rec"
expect 2 "--fixture loads a fresh fake" "verify: --fixture with --endpoint is refused"
run call GetSecurityConfigurations --redact-account 1 --endpoint "$endpoint"
expect 2 "there is no --record" "call: --redact-account without --record is refused"
run call GetSecurityConfigurations --endpoint "$endpoint" --record "$rec" --redact-account 12
expect 2 "redact account '12' is not 12 digits" "call: a redact account that is not 12 digits"
echo '{"transcript": 7}' >"$tmp/not-a-transcript.json"
run call GetSecurityConfigurations --endpoint "$endpoint" --record "$tmp/not-a-transcript.json"
expect 2 "not-a-transcript.json" "call: --record onto a file that is not a transcript is refused"
grep -qx '{"transcript": 7}' "$tmp/not-a-transcript.json" || fail "the refused file was changed"
ok "call: the refused file is left as it was"

# ---- the walkthrough program ---------------------------------------------------------

start_server
AWS_ENDPOINT_URL=$endpoint "$glue_main" walkthrough >"$tmp/out" 2>"$tmp/err" ||
  fail "glue_main: $(cat "$tmp/err")"
grep -q "security configuration walkthrough: in place (us-east-1, $endpoint)" "$tmp/out" ||
  fail "glue_main said: $(cat "$tmp/out")"
AWS_ENDPOINT_URL=$endpoint "$glue_main" walkthrough >"$tmp/out" 2>"$tmp/err" ||
  fail "glue_main, a second time: $(cat "$tmp/err")"
run call GetSecurityConfiguration '{"Name": "walkthrough"}' --endpoint "$endpoint"
expect 0 '"Name":	"walkthrough"' "examples/glue_main (glue_client.c on the real backend) puts the configuration in place, twice"
needed=$(readelf -d "$glue_main" | grep NEEDED)
case $needed in *microhttpd* | *cmocka* | *libgluefake.so*) fail "glue_main links the fake: $needed" ;; esac
ok "examples/glue_main links neither the fake, libmicrohttpd nor cmocka"

# ---- botocore's signatures ---------------------------------------------------------------

/usr/bin/python3 "$root/tests/clients/botocore_signatures.py" "$gluefake" >"$tmp/out" 2>"$tmp/err" ||
  fail "botocore_signatures.py: $(cat "$tmp/err")"
checks=$((checks + $(grep -c '^ok:' "$tmp/out")))
echo "ok: the real backend's signatures equal botocore's ($(grep -c '^ok:' "$tmp/out") requests)"

echo "test_aws_cli: all $checks checks passed"
