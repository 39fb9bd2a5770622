#!/usr/bin/env bash
# test_cli.sh - the gluefake command line: `gluefake check` and `gluefake replay`.
#
#   bash tests/test_cli.sh build/gluefake      (from the repository root; make test does)
#
# Exits non-zero on the first failure, saying what failed.
set -u

GLUEFAKE=${1:?usage: bash tests/test_cli.sh PATH-TO-gluefake}
case $GLUEFAKE in /*) ;; *) GLUEFAKE=$PWD/$GLUEFAKE ;; esac
[ -x "$GLUEFAKE" ] || { echo "test_cli.sh: $GLUEFAKE is not an executable" >&2; exit 1; }
[ -d fixtures ] || { echo "test_cli.sh: run from the repository root (no fixtures/ here)" >&2; exit 1; }
unset GLUEFAKE_FAULTS

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluefake-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

CHECKS=0
fail() {
  echo "FAIL: $*" >&2
  echo "  command: gluefake ${LAST_ARGS[*]:-}" >&2
  echo "  exit status: ${RC:-?}" >&2
  echo "  stdout: $(cat "$TMP/out" 2>/dev/null)" >&2
  echo "  stderr: $(cat "$TMP/err" 2>/dev/null)" >&2
  if [ -n "${SERVE_OUT:-}" ]; then # the server of the check, if any: its own output
    echo "  server stdout: $(cat "$SERVE_OUT" 2>/dev/null)" >&2
    echo "  server stderr: $(cat "$SERVE_ERR" 2>/dev/null)" >&2
  fi
  exit 1
}
ok() { CHECKS=$((CHECKS + 1)); }

# run ARGS... : runs gluefake, leaving $RC, $TMP/out and $TMP/err.
run() {
  LAST_ARGS=("$@")
  "$GLUEFAKE" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}
lines() { awk 'END { print NR }' "$1"; }

expect_rc() { [ "$RC" -eq "$1" ] || fail "${2:-}: expected exit status $1"; ok; }
expect_out_has() { grep -qF -- "$1" "$TMP/out" || fail "${2:-}: stdout lacks '$1'"; ok; }
expect_err_has() { grep -qF -- "$1" "$TMP/err" || fail "${2:-}: stderr lacks '$1'"; ok; }
expect_err_one_line() {
  [ "$(lines "$TMP/err")" -eq 1 ] || fail "${1:-}: expected exactly one line on stderr"
  [ ! -s "$TMP/out" ] || fail "${1:-}: expected nothing on stdout"
  ok
}

# ---- gluefake check ---------------------------------------------------------

n=0
for f in fixtures/*.json; do
  n=$((n + 1))
  run check "$f"
  expect_rc 0 "check $f"
  [ "$(lines "$TMP/out")" -eq 1 ] || fail "check $f: expected one summary line"
  line=$(cat "$TMP/out")
  case $line in "$f"*) ;; *) fail "check $f: the summary does not start with the file name" ;; esac
  case $line in *ok*) ;; *) fail "check $f: the summary does not say ok" ;; esac
  [ ! -s "$TMP/err" ] || fail "check $f: unexpected stderr"
  ok
done
[ "$n" -ge 5 ] || fail "expected at least 5 fixtures in fixtures/, found $n"

# The DESIGN example, all keys.
cat >"$TMP/design.json" <<'EOF'
{
  "account_id": "123456789012",
  "clock": {"now": 1700000000, "step": 1},
  "limits": {"security_configurations": 250},
  "security_configurations": [
    {"Name": "etl-kms", "CreatedTimeStamp": 1690000000,
     "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/abc"}]}}
  ],
  "data_catalog_encryption_settings": {
    "123456789012": {"EncryptionAtRest": {"CatalogEncryptionMode": "SSE-KMS", "SseAwsKmsKeyId": "alias/glue"},
                     "ConnectionPasswordEncryption": {"ReturnConnectionPasswordEncrypted": true, "AwsKmsKeyId": "alias/pw"}}
  },
  "resource_policies": {"arn:aws:glue:us-east-1:123456789012:catalog":
    {"PolicyInJson": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "CreateTime": 1690000000, "UpdateTime": 1690000500}},
  "faults": "CreateSecurityConfiguration=2*off->1*OperationTimeout"
}
EOF
run check "$TMP/design.json"
expect_rc 0 "check of the DESIGN example"
[ "$(lines "$TMP/out")" -eq 1 ] || fail "DESIGN example: expected one summary line"
expect_out_has "$TMP/design.json" "DESIGN example"
expect_out_has "ok" "DESIGN example"

# A bad fixture: exit 2, one line naming file, JSON path and rule.
cat >"$TMP/bad-arn.json" <<'EOF'
{"security_configurations": [
  {"Name": "a", "EncryptionConfiguration": {}},
  {"Name": "b", "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": "alias/nope"}]}}
]}
EOF
run check "$TMP/bad-arn.json"
expect_rc 2 "bad KmsKeyArn"
expect_err_one_line "bad KmsKeyArn"
expect_err_has "$TMP/bad-arn.json: security_configurations[1].EncryptionConfiguration.S3Encryption[0].KmsKeyArn: Member must satisfy regular expression pattern: ^$|arn:aws[a-z0-9-]*:kms:.*" "bad KmsKeyArn"

printf '{"account_id": "12345"}\n' >"$TMP/bad-account.json"
run check "$TMP/bad-account.json"
expect_rc 2 "bad account id"
expect_err_one_line "bad account id"
expect_err_has "$TMP/bad-account.json: account_id: " "bad account id"

printf '{"security_configuration": []}\n' >"$TMP/typo.json"
run check "$TMP/typo.json"
expect_rc 2 "unknown top-level key"
expect_err_one_line "unknown top-level key"
expect_err_has "$TMP/typo.json: security_configuration: " "unknown top-level key"

printf '{"faults": "CreateSecurityConfiguration=2*offf"}\n' >"$TMP/bad-faults.json"
run check "$TMP/bad-faults.json"
expect_rc 2 "bad fault spec"
expect_err_one_line "bad fault spec"
expect_err_has "$TMP/bad-faults.json: faults: " "bad fault spec"
expect_err_has "column" "bad fault spec"

printf '{"limits": {"security_configurations": 1}, "security_configurations": [{"Name": "a", "EncryptionConfiguration": {}}, {"Name": "b", "EncryptionConfiguration": {}}]}\n' >"$TMP/over.json"
# More configurations than the limit is a state the API can reach (a limit
# lowered later), so it checks out: creates then fail.
run check "$TMP/over.json"
expect_rc 0 "more configurations than the limit"

# JSON syntax: FILE:LINE:COL.
printf '{\n  "account_id": "123456789012",\n  "clock": nope\n}\n' >"$TMP/syntax.json"
run check "$TMP/syntax.json"
expect_rc 2 "syntax error"
expect_err_one_line "syntax error"
expect_err_has "$TMP/syntax.json:3:12: JSON syntax error" "syntax error"

: >"$TMP/empty-file.json"
run check "$TMP/empty-file.json"
expect_rc 2 "empty file"
expect_err_one_line "empty file"
expect_err_has "$TMP/empty-file.json:1:1: JSON syntax error" "empty file"

# A missing file.
run check "$TMP/no-such.json"
expect_rc 2 "missing fixture"
expect_err_one_line "missing fixture"
expect_err_has "$TMP/no-such.json" "missing fixture"

# Usage errors.
run
expect_rc 2 "no argument"
expect_err_has "usage" "no argument"
run frobnicate
expect_rc 2 "unknown verb"
expect_err_has "usage" "unknown verb"
run check
expect_rc 2 "check without FIXTURE"
[ -s "$TMP/err" ] || fail "check without FIXTURE: nothing on stderr"
run check fixtures/empty.json fixtures/empty.json
expect_rc 2 "check with two fixtures"
[ -s "$TMP/err" ] || fail "check with two fixtures: nothing on stderr"

# ---- gluefake replay ----------------------------------------------------------

printf '{"clock": {"now": 1700000000, "step": 1}}\n' >"$TMP/clock.json"

# Recorded on a fake with that clock: two creates, a get of a missing name,
# a listing, a delete.
cat >"$TMP/t.json" <<'EOF'
{"transcript": [
  {"operation": "CreateSecurityConfiguration",
   "request": {"Name": "a", "EncryptionConfiguration": {}},
   "response": {"Name": "a", "CreatedTimestamp": 1700000000}},
  {"operation": "CreateSecurityConfiguration",
   "request": {"Name": "b", "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]}},
   "response": {"Name": "b", "CreatedTimestamp": 1700000001}},
  {"operation": "GetSecurityConfiguration",
   "request": {"Name": "missing"},
   "error": {"__type": "EntityNotFoundException", "Message": "Security configuration missing not found."}},
  {"operation": "GetSecurityConfigurations",
   "request": {"MaxResults": 10},
   "response": {"SecurityConfigurations": [
     {"Name": "a", "CreatedTimeStamp": 1700000000, "EncryptionConfiguration": {}},
     {"Name": "b", "CreatedTimeStamp": 1700000001, "EncryptionConfiguration": {"S3Encryption": [{"S3EncryptionMode": "SSE-S3"}]}}]}},
  {"operation": "DeleteSecurityConfiguration",
   "request": {"Name": "a"},
   "response": {}}
]}
EOF

run replay "$TMP/t.json" --fixture "$TMP/clock.json"
expect_rc 0 "replay with the recording's clock"
expect_out_has "all 5 outcomes match" "replay with the recording's clock"

# An edited recorded value: exit 1 naming index, operation and field.
sed 's/"CreatedTimestamp": 1700000001/"CreatedTimestamp": 1700000009/' "$TMP/t.json" >"$TMP/edited.json"
cmp -s "$TMP/t.json" "$TMP/edited.json" && fail "sed did not edit the transcript"
run replay "$TMP/edited.json" --fixture "$TMP/clock.json"
expect_rc 1 "edited CreatedTimestamp"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[1]'*CreateSecurityConfiguration*CreatedTimestamp*) ok ;;
  *) fail "edited CreatedTimestamp: the first mismatch line should name transcript[1], CreateSecurityConfiguration and CreatedTimestamp: '$first'" ;;
esac

# --ignore of that field.
run replay "$TMP/edited.json" --fixture "$TMP/clock.json" --ignore CreatedTimestamp
expect_rc 0 "--ignore CreatedTimestamp"
expect_out_has "all 5 outcomes match" "--ignore CreatedTimestamp"
run replay "$TMP/edited.json" --fixture "$TMP/clock.json" --ignore PolicyHash,CreatedTimestamp
expect_rc 0 "--ignore with a list"

# Two edits: the first is named first.
sed -e 's/"CreatedTimeStamp": 1700000001/"CreatedTimeStamp": 1700000001.5/' \
    -e 's/"Name": "a", "CreatedTimestamp": 1700000000/"Name": "a", "CreatedTimestamp": 1700000000.5/' \
    "$TMP/t.json" >"$TMP/two-edits.json"
run replay "$TMP/two-edits.json" --fixture "$TMP/clock.json"
expect_rc 1 "two edits"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[0]'*CreateSecurityConfiguration*CreatedTimestamp*) ok ;;
  *) fail "two edits: the first mismatch should be transcript[0]: '$first'" ;;
esac

# A recorded error type edited.
sed 's/EntityNotFoundException/AlreadyExistsException/' "$TMP/t.json" >"$TMP/error-edited.json"
run replay "$TMP/error-edited.json" --fixture "$TMP/clock.json"
expect_rc 1 "edited error type"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[2]'*GetSecurityConfiguration*) ok ;;
  *) fail "edited error type: the first mismatch should be transcript[2] (GetSecurityConfiguration): '$first'" ;;
esac

# A listed member edited.
sed 's/{"S3EncryptionMode": "SSE-S3"}]}}]}}/{"S3EncryptionMode": "SSE-KMS"}]}}]}}/' "$TMP/t.json" >"$TMP/list-edited.json"
cmp -s "$TMP/t.json" "$TMP/list-edited.json" && fail "sed did not edit the listing"
run replay "$TMP/list-edited.json" --fixture "$TMP/clock.json"
expect_rc 1 "edited listing"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[3]'*GetSecurityConfigurations*S3EncryptionMode*) ok ;;
  *) fail "edited listing: the first mismatch should be transcript[3] at S3EncryptionMode: '$first'" ;;
esac

# Without the fixture's clock, timestamps differ (real time) ...
run replay "$TMP/t.json"
expect_rc 1 "no fixture clock"
grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1 | grep -q 'CreatedTime' ||
  fail "no fixture clock: the first mismatch should be a timestamp"
ok
# ... and --ignore-volatile ignores them.
run replay "$TMP/t.json" --ignore-volatile
expect_rc 0 "--ignore-volatile"
expect_out_has "all 5 outcomes match" "--ignore-volatile"
# --ignore-volatile does not hide a real difference.
sed 's/"Name": "b", "CreatedTimestamp"/"Name": "c", "CreatedTimestamp"/' "$TMP/t.json" >"$TMP/name-edited.json"
run replay "$TMP/name-edited.json" --ignore-volatile
expect_rc 1 "--ignore-volatile with a changed Name"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[1]'*CreateSecurityConfiguration*Name*) ok ;;
  *) fail "--ignore-volatile with a changed Name: '$first'" ;;
esac

# The fixture's faults are part of the fresh fake.
printf '{"clock": {"now": 1700000000, "step": 1}, "faults": "GetSecurityConfigurations=1*InternalService"}\n' >"$TMP/faulty.json"
run replay "$TMP/t.json" --fixture "$TMP/faulty.json"
expect_rc 1 "fixture with faults"
first=$(grep -h 'transcript\[' "$TMP/out" "$TMP/err" | head -n 1)
case $first in
  *'transcript[3]'*GetSecurityConfigurations*InternalService*) ok ;;
  *) fail "fixture with faults: the first mismatch should be transcript[3]'s InternalService: '$first'" ;;
esac

# Unreadable input: exit 2.
run replay "$TMP/no-such-transcript.json"
expect_rc 2 "missing transcript"
expect_err_has "$TMP/no-such-transcript.json" "missing transcript"
mkdir "$TMP/a-directory.json"
run replay "$TMP/a-directory.json"
expect_rc 2 "a directory as the transcript"
run replay "$TMP/t.json" --fixture "$TMP/no-such-fixture.json"
expect_rc 2 "missing fixture for replay"
expect_err_has "$TMP/no-such-fixture.json" "missing fixture for replay"
run replay "$TMP/t.json" --fixture "$TMP/bad-arn.json"
expect_rc 2 "bad fixture for replay"
expect_err_has "security_configurations[1].EncryptionConfiguration.S3Encryption[0].KmsKeyArn" "bad fixture for replay"
run replay
expect_rc 2 "replay without a transcript"

# Malformed transcripts: exit 2 naming transcript[i] and what is wrong.
printf '{"transcript": [\n  {"operation": "GetSecurityConfiguration", "request": {"Name": "a"}, "error": {"__type": "EntityNotFoundException", "Message": "x"}},\n  {"operation": "GetSecurityConfigurationz", "request": {}, "response": {}}\n]}\n' >"$TMP/bad-op.json"
run replay "$TMP/bad-op.json"
expect_rc 2 "unknown operation in a transcript"
expect_err_one_line "unknown operation in a transcript"
expect_err_has "$TMP/bad-op.json: transcript[1].operation" "unknown operation in a transcript"

printf '{"transcript": [{"operation": "DeleteSecurityConfiguration", "request": {"Name": "a"}, "response": {}, "error": {"__type": "EntityNotFoundException", "Message": "x"}}]}\n' >"$TMP/both.json"
run replay "$TMP/both.json"
expect_rc 2 "response and error"
expect_err_has "transcript[0]" "response and error"
expect_err_has "response" "response and error"

printf '{"transcript": [{"operation": "DeleteSecurityConfiguration", "request": {"Name": "a"}}]}\n' >"$TMP/neither.json"
run replay "$TMP/neither.json"
expect_rc 2 "neither response nor error"
expect_err_has "transcript[0]" "neither response nor error"

printf '{"transcript": [{"operation": "GetSecurityConfiguration", "request": {"Name": 5}, "response": {}}]}\n' >"$TMP/bad-request.json"
run replay "$TMP/bad-request.json"
expect_rc 2 "request of the wrong type"
expect_err_has "transcript[0].request" "request of the wrong type"
expect_err_has "Name" "request of the wrong type"

printf '{"transcript": [{"operation": "GetSecurityConfiguration", "request": {"Name": "a"}, "error": {"__type": "NoSuchException", "Message": "x"}}]}\n' >"$TMP/bad-error.json"
run replay "$TMP/bad-error.json"
expect_rc 2 "unknown error type"
expect_err_has "transcript[0].error" "unknown error type"

printf '{"calls": []}\n' >"$TMP/not-a-transcript.json"
run replay "$TMP/not-a-transcript.json"
expect_rc 2 "not a transcript"
expect_err_has "$TMP/not-a-transcript.json" "not a transcript"

printf '{"transcript": [\n  {"operation": "GetSecurityConfiguration",,}\n]}\n' >"$TMP/syntax-transcript.json"
run replay "$TMP/syntax-transcript.json"
expect_rc 2 "transcript with a syntax error"
expect_err_has "$TMP/syntax-transcript.json:2:" "transcript with a syntax error"

# --ignore given several times adds up; repeated flags are harmless.
run replay "$TMP/t.json" --ignore CreatedTimestamp --ignore CreatedTimeStamp,UpdateTime
expect_rc 0 "two --ignore options"
run replay "$TMP/t.json" --ignore-volatile --ignore-volatile --ignore-volatile --ignore-volatile \
  --ignore-volatile --ignore-volatile --ignore-volatile --ignore-volatile --ignore-volatile \
  --ignore-volatile --ignore-volatile --ignore-volatile
expect_rc 0 "repeated --ignore-volatile"
run replay "$TMP/t.json" --bogus
expect_rc 2 "replay with an unknown option"
run replay "$TMP/t.json" "$TMP/t.json"
expect_rc 2 "replay with two transcripts"

# serve: bad arguments, a bad fixture, a bad fault spec, a bad
# GLUEFAKE_FAULTS: exit 2 and one line on stderr naming the problem.
for args in "--port 70000" "--port x" "--bogus 1" "--port" "--host not-an-ip --port 0" \
  "--account-id 12 --port 0" "--fixture $TMP/nope.json --port 0" "--faults Nope=1 --port 0"; do
  # shellcheck disable=SC2086
  run serve $args
  expect_rc 2 "serve $args"
  expect_err_one_line "serve $args"
done
GLUEFAKE_FAULTS='*=Bogus' run serve --port 0
expect_rc 2 "serve with a bad GLUEFAKE_FAULTS"
expect_err_has "GLUEFAKE_FAULTS" "serve with a bad GLUEFAKE_FAULTS"

# A fixture that does not load (not just a missing file), and a fixture whose
# faults do not parse: serve exits 2 with one line naming the file and the problem.
run serve --port 0 --fixture "$TMP/bad-arn.json"
expect_rc 2 "serve with a fixture that breaks a rule"
expect_err_one_line "serve with a fixture that breaks a rule"
expect_err_has "$TMP/bad-arn.json: security_configurations[1].EncryptionConfiguration.S3Encryption[0].KmsKeyArn" \
  "serve with a fixture that breaks a rule"
run serve --port 0 --fixture "$TMP/bad-faults.json"
expect_rc 2 "serve with a fixture whose faults do not parse"
expect_err_one_line "serve with a fixture whose faults do not parse"
expect_err_has "$TMP/bad-faults.json: faults: " "serve with a fixture whose faults do not parse"
run serve --port 0 --faults 'CreateSecurityConfiguration=2*offf'
expect_rc 2 "serve --faults that does not parse"
expect_err_has "column" "serve --faults that does not parse"

# --auth and --credentials: each refusal one line, exit 2, naming what is wrong.
printf '{"credentials": [{"access_key_id": "A", "secret_access_key": "s"},
  {"access_key_id": "A", "secret_access_key": "t"}]}' >"$TMP/dup-creds.json"
printf '{"credentials": [' >"$TMP/broken-creds.json"
for case in "--auth bogus|serve: --auth 'bogus' is neither 'none' nor 'sigv4'" \
  "--auth sigv4|serve: --auth sigv4 needs --credentials FILE (the access keys it accepts)" \
  "--auth sigv4 --credentials $TMP/nope.json|$TMP/nope.json: cannot read: No such file or directory" \
  "--auth sigv4 --credentials $TMP/dup-creds.json|$TMP/dup-creds.json: credentials[1].access_key_id: duplicate access key 'A'" \
  "--auth sigv4 --credentials $TMP/broken-creds.json|$TMP/broken-creds.json:1:17: JSON syntax error"; do
  args=${case%%|*}
  # shellcheck disable=SC2086
  run serve --port 0 $args
  expect_rc 2 "serve $args"
  expect_err_one_line "serve $args"
  expect_err_has "${case#*|}" "serve $args"
done

# ---- gluefake serve: what it serves ----------------------------------------
# DESIGN "CLI": --fixture, --faults and --account-id take effect; fault rules are
# applied GLUEFAKE_FAULTS, then the fixture's faults, then --faults, each
# replacing the last; SIGINT and SIGTERM stop it (exit 0) after exactly one
# stdout line.  Talks to it with curl.
command -v curl >/dev/null 2>&1 || fail "curl not found (tools/deps.sh test installs it)"
SERVE_PID=""
SERVE_OUT="" # the output files of the server of the last start_serve
SERVE_ERR=""
stop_serve() { # stop_serve SIGNAL: stops the server started by start_serve, sets $RC
  RC=0
  if [ -n "$SERVE_PID" ]; then
    kill -"$1" "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" || RC=$?
    SERVE_PID=""
  fi
}
trap 'stop_serve KILL; rm -rf "$TMP"' EXIT
# start_serve ARGS...: serve --host 127.0.0.1 --port 0 ARGS in the background;
# leaves $PORT, read from the server's own stdout: each server writes to
# files of its own ($SERVE_OUT, $SERVE_ERR), made before it starts, so that
# no line of an earlier server can be taken for its port.
start_serve() {
  LAST_ARGS=(serve --host 127.0.0.1 --port 0 "$@")
  SERVE_OUT=$(mktemp "$TMP/serve-out.XXXXXX") && SERVE_ERR=$(mktemp "$TMP/serve-err.XXXXXX") ||
    fail "mktemp for the server's output"
  "$GLUEFAKE" serve --host 127.0.0.1 --port 0 "$@" >"$SERVE_OUT" 2>"$SERVE_ERR" &
  SERVE_PID=$!
  local line="" i
  for i in $(seq 100); do
    line=$(head -n 1 "$SERVE_OUT")
    [ -n "$line" ] && break
    kill -0 "$SERVE_PID" 2>/dev/null || { stop_serve KILL; fail "serve $*: exited before listening: $(cat "$SERVE_ERR")"; }
    sleep 0.1
  done
  [[ $line =~ ^listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]] ||
    fail "serve $*: first stdout line should be 'listening on http://127.0.0.1:PORT', was '$line'"
  PORT=${BASH_REMATCH[1]}
  ok
}
# glue OPERATION BODY: one AWS JSON 1.1 call; leaves $STATUS, $TYPE (x-amzn-ErrorType) and $BODY.
glue() {
  curl -sS --max-time 10 -D "$TMP/h" -o "$TMP/b" -X POST "http://127.0.0.1:$PORT/" \
    -H "X-Amz-Target: AWSGlue.$1" -H 'Content-Type: application/x-amz-json-1.1' \
    --data-binary "$2" || fail "curl $1 failed"
  STATUS=$(awk 'NR == 1 { print $2 }' "$TMP/h")
  TYPE=$(awk -F': *' 'tolower($1) == "x-amzn-errortype" { sub(/\r$/, "", $2); print $2 }' "$TMP/h")
  BODY=$(cat "$TMP/b")
}
expect_call() { # expect_call WHAT STATUS TYPE BODY
  [ "$STATUS" = "$2" ] && [ "$TYPE" = "$3" ] && [ "$BODY" = "$4" ] ||
    fail "$1: expected $2 '$3' $4, got $STATUS '$TYPE' $BODY"
  ok
}

cat >"$TMP/serve-fixture.json" <<'EOF'
{"account_id": "111122223333", "clock": {"now": 1700000000, "step": 1},
 "security_configurations": [{"Name": "etl", "CreatedTimeStamp": 1690000000, "EncryptionConfiguration": {}}],
 "faults": "GetSecurityConfiguration=1*EntityNotFound(from the fixture)"}
EOF
cat >"$TMP/serve-nofaults.json" <<'EOF'
{"clock": {"now": 1700000000, "step": 1}}
EOF
GET_ETL='{"SecurityConfiguration":{"Name":"etl","CreatedTimeStamp":1690000000,"EncryptionConfiguration":{}}}'

# The fixture's faults replace GLUEFAKE_FAULTS; the fixture's data and clock are served.
GLUEFAKE_FAULTS='DeleteSecurityConfiguration=1*InternalService(from the environment)' \
  start_serve --fixture "$TMP/serve-fixture.json"
glue DeleteSecurityConfiguration '{"Name":"nope"}'
expect_call "GLUEFAKE_FAULTS replaced by the fixture's faults" 400 EntityNotFoundException \
  '{"__type":"EntityNotFoundException","Message":"Security configuration '"'nope'"' not found"}'
glue GetSecurityConfiguration '{"Name":"etl"}'
expect_call "the fixture's faults" 400 EntityNotFoundException \
  '{"__type":"EntityNotFoundException","Message":"from the fixture"}'
glue GetSecurityConfiguration '{"Name":"etl"}'
expect_call "the fixture's configuration" 200 "" "$GET_ETL"
glue CreateSecurityConfiguration '{"Name":"n","EncryptionConfiguration":{}}'
expect_call "the fixture's clock" 200 "" '{"Name":"n","CreatedTimestamp":1700000000}'
glue GetDataCatalogEncryptionSettings '{"CatalogId":"111122223333"}'
expect_call "the fixture's account id" 200 "" \
  '{"DataCatalogEncryptionSettings":{"EncryptionAtRest":{"CatalogEncryptionMode":"DISABLED"},"ConnectionPasswordEncryption":{"ReturnConnectionPasswordEncrypted":false}}}'
stop_serve INT
expect_rc 0 "serve stopped by SIGINT"
[ "$(lines "$SERVE_OUT")" -eq 1 ] || fail "serve printed more than one line on stdout: $(cat "$SERVE_OUT")"
ok

# --faults replaces the fixture's faults (and GLUEFAKE_FAULTS).
GLUEFAKE_FAULTS='DeleteSecurityConfiguration=1*InternalService(from the environment)' \
  start_serve --fixture "$TMP/serve-fixture.json" --faults 'CreateSecurityConfiguration=1*OperationTimeout(from --faults)'
glue GetSecurityConfiguration '{"Name":"etl"}'
expect_call "--faults replaced the fixture's faults" 200 "" "$GET_ETL"
glue DeleteSecurityConfiguration '{"Name":"nope"}'
expect_call "--faults replaced GLUEFAKE_FAULTS" 400 EntityNotFoundException \
  '{"__type":"EntityNotFoundException","Message":"Security configuration '"'nope'"' not found"}'
glue CreateSecurityConfiguration '{"Name":"n","EncryptionConfiguration":{}}'
expect_call "the --faults rule" 400 OperationTimeoutException \
  '{"__type":"OperationTimeoutException","Message":"from --faults"}'
glue GetSecurityConfiguration '{"Name":"n"}'
expect_call "a term's error fails the call before it takes effect" 400 EntityNotFoundException \
  '{"__type":"EntityNotFoundException","Message":"Security configuration '"'n'"' not found"}'
stop_serve TERM
expect_rc 0 "serve stopped by SIGTERM"

# A fixture without "faults" keeps GLUEFAKE_FAULTS; --account-id is the account.
GLUEFAKE_FAULTS='DeleteSecurityConfiguration=1*InternalService(from the environment)' \
  start_serve --fixture "$TMP/serve-nofaults.json" --account-id 444455556666
glue DeleteSecurityConfiguration '{"Name":"nope"}'
expect_call "GLUEFAKE_FAULTS kept by a fixture without faults" 500 InternalServiceException \
  '{"__type":"InternalServiceException","Message":"from the environment"}'
glue PutResourcePolicy '{"PolicyInJson":"{}"}'
[ "$STATUS" = 200 ] || fail "PutResourcePolicy: $STATUS $BODY"
curl -sS --max-time 10 "http://127.0.0.1:$PORT/_gluefake/state" >"$TMP/state.json" || fail "GET state"
grep -qE '"account_id":[[:space:]]*"444455556666"' "$TMP/state.json" || fail "--account-id not in the state: $(cat "$TMP/state.json")"
grep -qF 'arn:aws:glue:us-east-1:444455556666:catalog' "$TMP/state.json" ||
  fail "the default resource ARN does not follow --account-id: $(cat "$TMP/state.json")"
ok
stop_serve INT
expect_rc 0 "serve stopped by SIGINT"

# --region is the served fake's region: in its state and its default resource
# ARN; requests scoped to another region go to a partition of their own.
start_serve --region eu-central-1 --account-id 444455556666
glue PutResourcePolicy '{"PolicyInJson":"{}"}'
[ "$STATUS" = 200 ] || fail "PutResourcePolicy: $STATUS $BODY"
curl -sS --max-time 10 "http://127.0.0.1:$PORT/_gluefake/state" >"$TMP/state.json" || fail "GET state"
grep -qF '"region":	"eu-central-1"' "$TMP/state.json" || fail "--region not in the state: $(cat "$TMP/state.json")"
grep -qF 'arn:aws:glue:eu-central-1:444455556666:catalog' "$TMP/state.json" ||
  fail "the default resource ARN does not follow --region: $(cat "$TMP/state.json")"
curl -sS --max-time 10 "http://127.0.0.1:$PORT/_gluefake/partitions" >"$TMP/partitions.json" || fail "GET partitions"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d != [{"account_id": "444455556666", "region": "eu-central-1", "security_configurations": 0}])' \
  "$TMP/partitions.json" || fail "GET partitions: $(cat "$TMP/partitions.json")"
ok
stop_serve TERM
expect_rc 0 "serve stopped by SIGTERM"
# --calls-max N: each partition's call log keeps the newest N calls; GET calls
# says how many it dropped.
start_serve --calls-max 2
for name in one two three; do
  glue GetSecurityConfiguration "{\"Name\":\"$name\"}"
done
curl -sS --max-time 10 "http://127.0.0.1:$PORT/_gluefake/calls" >"$TMP/calls.json" || fail "GET calls"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["dropped"] == 1 and [e["request"]["Name"] for e in d["transcript"]] == ["two", "three"]))' \
  "$TMP/calls.json" || fail "--calls-max 2: GET calls: $(cat "$TMP/calls.json")"
ok
stop_serve TERM
start_serve --calls-max 0
glue GetSecurityConfiguration '{"Name":"x"}'
curl -sS --max-time 10 "http://127.0.0.1:$PORT/_gluefake/calls" >"$TMP/calls.json" || fail "GET calls"
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["dropped"] == 1 and d["transcript"] == []))' \
  "$TMP/calls.json" || fail "--calls-max 0: GET calls: $(cat "$TMP/calls.json")"
ok
stop_serve TERM
for bad in -1 x 99999999999999999999999 ''; do
  run serve --host 127.0.0.1 --port 0 --calls-max "$bad"
  expect_rc 2 "serve --calls-max '$bad'"
  expect_err_has "--calls-max '$bad' is not a number of calls" "serve --calls-max '$bad'"
done
run serve --host 127.0.0.1 --port 0 --region EU
expect_rc 2 "serve --region EU"
expect_err_has "region 'EU' is not a region name" "serve --region EU"
SERVE_OUT="" SERVE_ERR="" # no server from here on

# An empty transcript matches trivially.
printf '{"transcript": []}\n' >"$TMP/empty-transcript.json"
run replay "$TMP/empty-transcript.json"
expect_rc 0 "empty transcript"
expect_out_has "all 0 outcomes match" "empty transcript"

# ---- gluefake serve: the control plane answers loopback and --allow-host hosts only
# DESIGN: a Host (or an Origin) that is not a loopback name or address, nor one
# given with --allow-host, gets 403 from the control plane (CSRF, DNS
# rebinding); the API answers any Host; a non-loopback --host warns on stderr.
# control_status METHOD PATH CURL-ARGS...: leaves $STATUS and $BODY.
control_status() {
  local method=$1 path=$2
  shift 2
  STATUS=$(curl -sS --max-time 10 -o "$TMP/b" -w '%{http_code}' -X "$method" "$@" \
    "http://127.0.0.1:$PORT/_gluefake/$path") || fail "curl $method $path $* failed"
  BODY=$(cat "$TMP/b")
}
for args in "--allow-host" "--allow-host x:80 --port 0" "--allow-host http://x --port 0" \
  "--allow-host '' --port 0"; do
  eval "run serve $args"
  expect_rc 2 "serve $args"
  expect_err_one_line "serve $args"
done
run serve --port 0 --allow-host gluefake.test:4566
expect_err_has "allowed host 'gluefake.test:4566' is not a host name or an IP address" \
  "serve --allow-host with a port"
many=()
for i in $(seq 65); do many+=(--allow-host "h$i.test"); done
run serve --port 0 "${many[@]}"
expect_rc 2 "serve with 65 --allow-host"
expect_err_has "serve: more than 64 --allow-host" "serve with 65 --allow-host"
start_serve --allow-host gluefake.test --allow-host 192.168.1.5
[ ! -s "$SERVE_ERR" ] || fail "serve on 127.0.0.1 wrote on stderr: $(cat "$SERVE_ERR")"
ok
glue CreateSecurityConfiguration '{"Name":"kept","EncryptionConfiguration":{}}'
[ "$STATUS" = 200 ] || fail "CreateSecurityConfiguration: $STATUS $BODY"
control_status POST reset -H 'Host: evil.example'
[ "$STATUS" = 403 ] || fail "reset with Host: evil.example: expected 403, got $STATUS $BODY"
case $BODY in *'"__type":"AccessDeniedException"'*"Host was 'evil.example'"*) ;;
*) fail "reset with Host: evil.example: the 403 does not say why: $BODY" ;; esac
ok
control_status POST reset -H "Origin: http://evil.example"
[ "$STATUS" = 403 ] || fail "reset with Origin: http://evil.example: expected 403, got $STATUS $BODY"
control_status POST faults -H 'Host: localhost.evil.example' --data-binary '*=InternalService'
[ "$STATUS" = 403 ] || fail "faults with Host: localhost.evil.example: expected 403, got $STATUS"
control_status GET state -H 'Host: 127.0.0.1.evil.example:4566'
[ "$STATUS" = 403 ] || fail "state with Host: 127.0.0.1.evil.example: expected 403, got $STATUS"
ok
glue GetSecurityConfiguration '{"Name":"kept"}'
[ "$STATUS" = 200 ] || fail "a refused reset or faults changed the fake: $STATUS $BODY"
ok
# The API answers a foreign Host (an SDK sends its endpoint's); the allowed names pass.
curl -sS --max-time 10 -o "$TMP/b" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/" \
  -H 'Host: evil.example' -H 'X-Amz-Target: AWSGlue.GetSecurityConfiguration' \
  -H 'Content-Type: application/x-amz-json-1.1' --data-binary '{"Name":"kept"}' >"$TMP/code" ||
  fail "curl the API with Host: evil.example"
[ "$(cat "$TMP/code")" = 200 ] || fail "the API with Host: evil.example: $(cat "$TMP/code") $(cat "$TMP/b")"
ok
control_status GET state -H 'Host: GlueFake.Test:4566' -H 'Origin: http://192.168.1.5:3000'
[ "$STATUS" = 200 ] || fail "state with an --allow-host Host and Origin: expected 200, got $STATUS $BODY"
control_status POST reset -H 'Host: localhost:4566'
[ "$STATUS" = 200 ] || fail "reset with Host: localhost: expected 200, got $STATUS $BODY"
glue GetSecurityConfiguration '{"Name":"kept"}'
[ "$STATUS" = 400 ] || fail "the allowed reset did not reset: $STATUS $BODY"
ok
stop_serve TERM
expect_rc 0 "serve --allow-host stopped by SIGTERM"
# --host 0.0.0.0: a warning: line on stderr once it listens; stopped by its PID.
SERVE_OUT=$(mktemp "$TMP/serve-out.XXXXXX") && SERVE_ERR=$(mktemp "$TMP/serve-err.XXXXXX") ||
  fail "mktemp for the server's output"
LAST_ARGS=(serve --host 0.0.0.0 --port 0)
"$GLUEFAKE" serve --host 0.0.0.0 --port 0 >"$SERVE_OUT" 2>"$SERVE_ERR" &
SERVE_PID=$!
for i in $(seq 100); do
  [ -s "$SERVE_OUT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || fail "serve --host 0.0.0.0 exited before listening"
  sleep 0.1
done
grep -qE '^listening on http://0\.0\.0\.0:[0-9]+$' "$SERVE_OUT" ||
  fail "serve --host 0.0.0.0: no listening line: $(cat "$SERVE_OUT")"
grep -q '^warning: serving on 0\.0\.0\.0: ' "$SERVE_ERR" ||
  fail "serve --host 0.0.0.0: no line starting 'warning:' on stderr: $(cat "$SERVE_ERR")"
[ "$(lines "$SERVE_ERR")" -eq 1 ] || fail "serve --host 0.0.0.0: more than the warning on stderr"
PORT=$(sed -n 's/^listening on http:\/\/0\.0\.0\.0:\([0-9]*\)$/\1/p' "$SERVE_OUT")
control_status POST reset -H 'Host: evil.example'
[ "$STATUS" = 403 ] || fail "0.0.0.0: reset with Host: evil.example: expected 403, got $STATUS"
ok
stop_serve TERM
expect_rc 0 "serve --host 0.0.0.0 stopped by SIGTERM"
SERVE_OUT="" SERVE_ERR="" # no server from here on

# ---- input that is not a regular file of at most 256 MiB --------------------
# Refused before a byte is read, the reason named (/dev/zero would never end; a
# FIFO without a writer is not waited for).
# refused MESSAGE ARGS...: gluefake ARGS exits 2 within seconds, MESSAGE in its one line.
refused() {
  local message=$1
  shift
  LAST_ARGS=("$@")
  timeout 10 "$GLUEFAKE" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  expect_rc 2 "$*"
  expect_err_one_line "$*"
  expect_err_has "$message" "$*"
}
mkdir "$TMP/fixture-dir"
mkfifo "$TMP/fifo.json" || fail "mkfifo"
truncate -s $((256 * 1024 * 1024 + 1)) "$TMP/big.json" || fail "truncate" # sparse: no disk
refused "/dev/zero: not a regular file (a character device)" check /dev/zero
refused "$TMP/fifo.json: not a regular file (a FIFO)" check "$TMP/fifo.json"
refused "$TMP/big.json: larger than 256 MiB" check "$TMP/big.json"
refused "$TMP/fixture-dir: cannot read: Is a directory" check "$TMP/fixture-dir"
refused "gluefake: /dev/zero: not a regular file (a character device)" verify /dev/zero
refused "gluefake: $TMP/big.json: larger than 256 MiB" verify "$TMP/big.json"
refused "gluefake: $TMP/a-directory.json: cannot read: Is a directory" \
  replay "$TMP/a-directory.json"
refused "gluefake: $TMP/fixture-dir: cannot read: Is a directory" \
  verify "$TMP/empty-transcript.json" --fixture "$TMP/fixture-dir"
refused "gluefake: $TMP/fifo.json: not a regular file (a FIFO)" \
  verify "$TMP/empty-transcript.json" --fixture "$TMP/fifo.json"
refused "gluefake: /dev/zero: not a regular file (a character device)" \
  serve --port 0 --auth sigv4 --credentials /dev/zero

# ---- gluefake serve: delayed calls hold no thread ----------------------------
# DESIGN: "delay(ms) never holds a server thread while it waits".  With
# *=delay(20000) and ten calls waiting (more than the server has threads on a
# small machine), DELETE /_gluefake/faults and a new call are answered, and
# SIGTERM stops the server at once: the waiting calls get no answer and are
# never made.  Bounded waits throughout: a server that holds on fails here.
start_serve --faults '*=delay(20000)'
DELAYED=()
for i in $(seq 10); do
  curl -sS --max-time 30 -o /dev/null -X POST "http://127.0.0.1:$PORT/" \
    -H 'X-Amz-Target: AWSGlue.GetSecurityConfigurations' --data-binary '{}' 2>/dev/null &
  DELAYED+=($!)
done
sleep 1 # the ten calls reach the server and begin their delays
STATUS=$(curl -sS --max-time 5 -o "$TMP/b" -w '%{http_code}' -X DELETE \
  "http://127.0.0.1:$PORT/_gluefake/faults") || fail "DELETE /_gluefake/faults while ten calls wait: no answer within 5 s"
[ "$STATUS" = 200 ] && [ "$(cat "$TMP/b")" = "{}" ] ||
  fail "DELETE /_gluefake/faults while ten calls wait: $STATUS $(cat "$TMP/b")"
ok
glue GetSecurityConfigurations '{}'
expect_call "a new call while ten calls wait" 200 "" '{"SecurityConfigurations":[]}'
kill -TERM "$SERVE_PID"
for i in $(seq 50); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SERVE_PID" 2>/dev/null && fail "SIGTERM with ten calls waiting: still running after 5 s"
stop_serve TERM
expect_rc 0 "serve with ten calls waiting, stopped by SIGTERM"
for pid in "${DELAYED[@]}"; do
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    kill "${DELAYED[@]}" 2>/dev/null
    fail "a delayed call's client still waits 5 s after the server stopped"
  fi
  wait "$pid" && fail "a delayed call was answered after the server stopped"
done
ok

echo "test_cli.sh: all $CHECKS checks passed"
