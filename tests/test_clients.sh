#!/usr/bin/env bash
# test_clients.sh GLUEFAKE - end-to-end: `GLUEFAKE serve` on a free loopback
# port, driven by real AWS clients:
#   tests/clients/aws_cli_test.sh    Debian's AWS CLI (/usr/bin/aws)
#   tests/clients/boto3_test.py      Debian's boto3 (/usr/bin/python3)
#   tests/clients/js/glue_test.mjs   @aws-sdk/client-glue on node (npm installs it once)
#   tests/clients/go/glue_test_main.go  Debian's AWS SDK for Go v2 (service/glue), built
#                                    offline from /usr/share/gocode into the temp dir
# Run by `make test` from the repository root as `bash tests/test_clients.sh build/gluefake`.
# Stops at the first failure, saying which suite failed and why.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
clients=$root/tests/clients
gluefake=${1:-build/gluefake}
case $gluefake in /*) ;; *) gluefake=$PWD/$gluefake ;; esac

fail() {
  echo "test_clients: FAIL: $*" >&2
  exit 1
}

[ -x "$gluefake" ] || fail "no gluefake binary at $gluefake (usage: bash tests/test_clients.sh build/gluefake)"

# ---- prerequisites: the packages `tools/deps.sh test` installs ----
need() { # need PATH-or-command HINT
  command -v "$1" >/dev/null 2>&1 || fail "$1 not found: $2 (tools/deps.sh test installs it)"
}
need /usr/bin/python3 "install Debian's python3"
need /usr/bin/aws "install Debian's awscli"
need curl "install curl"
need node "install Debian's nodejs"
need npm "install Debian's npm"
need go "install Debian's golang-go"
gocode=/usr/share/gocode
[ -d "$gocode/src/github.com/aws/aws-sdk-go-v2/service/glue" ] ||
  fail "$gocode/src/github.com/aws/aws-sdk-go-v2/service/glue not found: install Debian's golang-github-aws-aws-sdk-go-v2-dev (tools/deps.sh test installs it)"
/usr/bin/python3 -c 'import boto3' 2>/dev/null || fail "/usr/bin/python3 cannot import boto3: install Debian's python3-boto3"

# ---- a clean AWS environment: fake credentials, no developer's ~/.aws ----
tmp=$(mktemp -d)
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=$tmp/aws-config AWS_SHARED_CREDENTIALS_FILE=$tmp/aws-credentials
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
  AWS_ENDPOINT_URL_GLUE AWS_MAX_ATTEMPTS AWS_RETRY_MODE AWS_CA_BUNDLE 2>/dev/null || true
# package.json pins @aws-sdk/client-glue to a release that supports Debian's
# node 20 (later ones want node >= 22 and say so on every run).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Loopback traffic never goes through a proxy.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# ---- the server, stopped by its PID on every way out ----
server_pid=""
stop_server() { # prints nothing; returns the server's exit status
  local status=0
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" || status=$?
    server_pid=""
  fi
  return "$status"
}
cleanup() {
  stop_server || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the JavaScript SDK, installed once into tests/clients/js/node_modules ----
if [ ! -f "$clients/js/node_modules/@aws-sdk/client-glue/package.json" ]; then
  echo "== npm install (tests/clients/js: @aws-sdk/client-glue, once)"
  if ! (cd "$clients/js" &&
    timeout 300 npm install --no-audit --no-fund --omit-lockfile-registry-resolved \
      --fetch-retries=1 --loglevel=error) >"$tmp/npm.log" 2>&1; then
    sed 's/^/  npm: /' "$tmp/npm.log" | tail -20 >&2
    fail "npm install of @aws-sdk/client-glue in tests/clients/js failed: is npm installed and the npm registry reachable?"
  fi
fi

# ---- the Go SDK test, built offline into the temp dir ----
# GOPATH mode on Debian's packaged sources: no modules, no proxy, no network;
# the build cache and temporary files stay in $tmp.
echo "== go build (tests/clients/go: aws-sdk-go-v2 service/glue from $gocode, offline)"
if ! (cd "$clients/go" &&
  env GO111MODULE=off GOPATH="$gocode" GOFLAGS= GOENV=off GOPROXY=off GOCACHE="$tmp/go-cache" \
    GOTMPDIR="$tmp" CGO_ENABLED=0 timeout 600 go build -o "$tmp/glue_test_go" glue_test_main.go) \
  >"$tmp/go-build.log" 2>&1; then
  sed 's/^/  go: /' "$tmp/go-build.log" | tail -20 >&2
  fail "go build of tests/clients/go/glue_test_main.go against $gocode failed"
fi

# Every suite runs against signature checking: what each SDK signs must be
# accepted (the environment's key test/test is in the credentials file).
printf '{"credentials": [{"access_key_id": "test", "secret_access_key": "test"}]}\n' \
  >"$tmp/credentials.json"
# start_server ARGS...: `gluefake serve --host 127.0.0.1 --port 0 ARGS...` in
# the background; sets server_pid and exports GLUE_ENDPOINT.
start_server() {
  echo "== gluefake serve --port 0 $*"
  "$gluefake" serve --host 127.0.0.1 --port 0 "$@" >"$tmp/server.out" 2>"$tmp/server.err" &
  server_pid=$!
  local line="" status
  for _ in $(seq 100); do # 10 s at most
    line=$(head -n 1 "$tmp/server.out")
    [ -n "$line" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
      status=0
      wait "$server_pid" || status=$?
      server_pid=""
      fail "gluefake serve exited ($status) before listening: $(cat "$tmp/server.err")"
    fi
    sleep 0.1
  done
  [ -n "$line" ] || fail "gluefake serve printed no 'listening on' line within 10 s: $(cat "$tmp/server.err")"
  [[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] ||
    fail "gluefake serve's first line should be 'listening on http://127.0.0.1:PORT', was: '$line'"
  port=${BASH_REMATCH[1]}
  [ "$port" -gt 0 ] || fail "gluefake serve --port 0 reported port $port"
  export GLUE_ENDPOINT=http://127.0.0.1:$port
  echo "$line"
}
start_server --auth sigv4 --credentials "$tmp/credentials.json"

reset() {
  curl -sS --max-time 10 --fail-with-body -X POST "$GLUE_ENDPOINT/_gluefake/reset" >"$tmp/reset" ||
    fail "POST /_gluefake/reset failed: $(cat "$tmp/reset")"
}

# run_suite NAME COMMAND...: one client suite, with a time limit.
suites=0
run_suite() {
  local name=$1 status=0
  shift
  reset
  echo "== $name"
  timeout 180 "$@" || status=$?
  [ "$status" -eq 0 ] || {
    [ "$status" -eq 124 ] && fail "$name: timed out after 180 s"
    fail "$name: failed (exit status $status); see its output above"
  }
  suites=$((suites + 1))
}

run_suite "AWS CLI (tests/clients/aws_cli_test.sh)" bash "$clients/aws_cli_test.sh"
run_suite "boto3 (tests/clients/boto3_test.py)" /usr/bin/python3 "$clients/boto3_test.py"
run_suite "AWS SDK for JavaScript v3 (tests/clients/js/glue_test.mjs)" \
  node --test-reporter=spec "$clients/js/glue_test.mjs"
run_suite "AWS SDK for Go v2 (tests/clients/go/glue_test_main.go)" "$tmp/glue_test_go"
reset

# ---- the same clients signing with a wrong secret: refused by each ----
# (The Go suite checks its own refusal: "a wrong secret key" in glue_test_main.go.)
echo "== a wrong secret key, refused (InvalidSignatureException) for each client"
refused() { # refused NAME OUTPUT: the output names InvalidSignatureException
  grep -q InvalidSignatureException <<<"$2" || fail "$1 with a wrong secret was not refused: $2"
  echo "ok - $1: InvalidSignatureException"
}
out=$(AWS_SECRET_ACCESS_KEY=wrong timeout 60 /usr/bin/aws glue get-security-configurations \
  --endpoint-url "$GLUE_ENDPOINT" 2>&1 || true)
refused "AWS CLI" "$out"
out=$(AWS_SECRET_ACCESS_KEY=wrong timeout 60 /usr/bin/python3 -c '
import os, boto3, botocore.exceptions
glue = boto3.client("glue", endpoint_url=os.environ["GLUE_ENDPOINT"])
try:
    glue.get_security_configurations()
    print("accepted")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
' 2>&1 || true)
refused "boto3" "$out"
out=$(cd "$clients/js" && AWS_SECRET_ACCESS_KEY=wrong timeout 60 node --input-type=module -e '
import { GlueClient, GetSecurityConfigurationsCommand } from "@aws-sdk/client-glue";
const glue = new GlueClient({ endpoint: process.env.GLUE_ENDPOINT, maxAttempts: 1 });
try { await glue.send(new GetSecurityConfigurationsCommand({})); console.log("accepted"); }
catch (e) { console.log(e.name); }
' 2>&1 || true)
refused "AWS SDK for JavaScript v3" "$out"
calls=$(curl -sS --max-time 10 "$GLUE_ENDPOINT/_gluefake/calls")
grep -q '"operation"' <<<"$calls" && fail "a refused request reached the call log: $calls"
echo "ok - no refused request reached the call log"

stop_and_check() {
  echo "== stopping gluefake serve (SIGTERM)"
  local status=0
  stop_server || status=$?
  [ "$status" -eq 0 ] || fail "gluefake serve exited with status $status after SIGTERM (expected 0): $(cat "$tmp/server.err")"
  [ "$(wc -l <"$tmp/server.out")" -eq 1 ] ||
    fail "gluefake serve should print exactly one line on stdout, printed: $(cat "$tmp/server.out")"
}
stop_and_check

# ---- every dialect of errors and timestamps, read by each client ----
# Under --wire-variants the n-th error answer takes variant n mod 4 and every
# other successful answer writes timestamps in E-notation: eight failing
# calls meet each dialect twice, four reads both notations.
start_server --wire-variants
reset
curl -sS --max-time 10 --fail-with-body -X POST "$GLUE_ENDPOINT/" \
  -H 'X-Amz-Target: AWSGlue.CreateSecurityConfiguration' \
  -H 'Content-Type: application/x-amz-json-1.1' \
  -d '{"Name":"wire","EncryptionConfiguration":{}}' >/dev/null || fail "creating 'wire' failed"
want_error="EntityNotFoundException: Security configuration 'zz' not found"
dialects() { # dialects NAME OUTPUT: eight errors read as one, four equal timestamps
  local errors stamps
  errors=$(grep -c -x -F "$want_error" <<<"$2" || true)
  [ "$errors" -eq 8 ] || fail "$1 read $errors of 8 error dialects as '$want_error': $2"
  stamps=$(grep '^stamp ' <<<"$2" | sort -u | wc -l)
  [ "$(grep -c '^stamp ' <<<"$2")" -eq 4 ] && [ "$stamps" -eq 1 ] ||
    fail "$1 read the timestamp in both notations differently: $2"
  echo "ok - $1: 4 error dialects and both timestamp notations"
}
out=""
for _ in 1 2 3 4 5 6 7 8; do
  err=$(timeout 60 /usr/bin/aws glue get-security-configuration --name zz \
    --endpoint-url "$GLUE_ENDPOINT" 2>&1 >/dev/null || true)
  # "An error occurred (Name) when calling the Op operation: message"
  out+=$(sed -n 's/^An error occurred (\([A-Za-z]*\)) when calling the [A-Za-z]* operation: /\1: /p' <<<"$err")$'\n'
done
for _ in 1 2 3 4; do
  out+="stamp $(timeout 60 /usr/bin/aws glue get-security-configuration --name wire \
    --endpoint-url "$GLUE_ENDPOINT" --cli-read-timeout 10 --output text \
    --query 'SecurityConfiguration.CreatedTimeStamp')"$'\n'
done
dialects "AWS CLI" "$out"
out=$(timeout 60 /usr/bin/python3 -c '
import os, boto3, botocore.exceptions
glue = boto3.client("glue", endpoint_url=os.environ["GLUE_ENDPOINT"])
for _ in range(8):
    try:
        glue.get_security_configuration(Name="zz")
    except botocore.exceptions.ClientError as e:
        print("%s: %s" % (e.response["Error"]["Code"], e.response["Error"]["Message"]))
for _ in range(4):
    conf = glue.get_security_configuration(Name="wire")["SecurityConfiguration"]
    print("stamp", conf["CreatedTimeStamp"].timestamp())
' 2>&1 || true)
dialects "boto3" "$out"
out=$(cd "$clients/js" && timeout 60 node --input-type=module -e '
import { GlueClient, GetSecurityConfigurationCommand } from "@aws-sdk/client-glue";
const glue = new GlueClient({ endpoint: process.env.GLUE_ENDPOINT, maxAttempts: 1 });
for (let i = 0; i < 8; i++) {
  try { await glue.send(new GetSecurityConfigurationCommand({ Name: "zz" })); }
  catch (e) { console.log(`${e.name}: ${e.message}`); }
}
for (let i = 0; i < 4; i++) {
  const out = await glue.send(new GetSecurityConfigurationCommand({ Name: "wire" }));
  console.log("stamp", out.SecurityConfiguration.CreatedTimeStamp.getTime());
}
' 2>&1 || true)
dialects "AWS SDK for JavaScript v3" "$out"
stop_and_check
echo "test_clients: $suites client suites passed (AWS CLI, boto3, AWS SDK for JavaScript v3, AWS SDK for Go v2), signatures refused for each, every wire dialect read by the AWS CLI, boto3 and the JS SDK"
