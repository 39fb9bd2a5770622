#!/usr/bin/env bash
# test_exports.sh - tools/check-exports.sh: it passes on the real build, and
# it fails, naming the symbol, on a libgluefake-core.so that exports one
# function no header declares, or that lacks functions its headers declare.
#
#   bash tests/test_exports.sh build/gluefake      (make test does)
#
# The build directory is the one holding the gluefake program given.
# Exits non-zero on the first failure, saying what failed.
set -u

GLUEFAKE=${1:?usage: bash tests/test_exports.sh PATH-TO-gluefake}
BUILD=$(cd "$(dirname "$GLUEFAKE")" && pwd) || exit 1
HERE=$(cd "$(dirname "$0")/.." && pwd) || exit 1
CHECK=$HERE/tools/check-exports.sh
CC=${CC:-cc}

for f in "$CHECK" "$BUILD/libgluefake-core.so" "$BUILD/libgluefake.so" "$BUILD/libgluefake-aws.so"; do
  [ -e "$f" ] || { echo "test_exports.sh: $f does not exist" >&2; exit 1; }
done
core_objs=("$BUILD"/obj/core/*.o)
[ -e "${core_objs[0]}" ] || { echo "test_exports.sh: no objects in $BUILD/obj/core" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gluefake-exports.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

CHECKS=0
fail() {
  echo "FAIL: $*" >&2
  echo "  command: check-exports.sh ${LAST_DIR:-}" >&2
  echo "  exit status: ${RC:-?}" >&2
  echo "  stdout: $(cat "$TMP/out" 2>/dev/null)" >&2
  echo "  stderr: $(cat "$TMP/err" 2>/dev/null)" >&2
  exit 1
}
ok() { CHECKS=$((CHECKS + 1)); }

# check DIR: runs the checker on DIR, leaving $RC, $TMP/out and $TMP/err.
check() {
  LAST_DIR=$1
  sh "$CHECK" "$1" >"$TMP/out" 2>"$TMP/err"
  RC=$?
}
expect_rc() { [ "$RC" -eq "$1" ] || fail "${2:-}: expected exit status $1"; ok; }
expect_err_line() { grep -qxF -- "$1" "$TMP/err" || fail "${2:-}: stderr lacks the line '$1'"; ok; }
exported() { nm -D --defined-only "$1" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sort -u; }

# ---- the real build ---------------------------------------------------------

check "$BUILD"
expect_rc 0 "the real build"
[ ! -s "$TMP/err" ] || fail "the real build: expected nothing on stderr"
ncore=$(exported "$BUILD/libgluefake-core.so" | grep -c '^gf_')
ninternal=$(exported "$BUILD/libgluefake-core.so" | grep -c '^gfi_')
nfake=$(exported "$BUILD/libgluefake.so" | wc -l)
naws=$(exported "$BUILD/libgluefake-aws.so" | wc -l)
needs() { nm -D --undefined-only "$1" | awk '{ print $NF }' | sed 's/@.*//' | grep -E '^gfi?_' | sort -u; }
nneeds=$(needs "$BUILD/libgluefake.so" | wc -l)
nawsneeds=$(needs "$BUILD/libgluefake-aws.so" | wc -l)
want="check-exports: libgluefake-core.so exports $ncore public functions and $ninternal of its interface to the other two, libgluefake.so $nfake, libgluefake-aws.so $naws, as the headers declare; each finds all it needs ($nneeds and $nawsneeds)"
[ "$(cat "$TMP/out")" = "$want" ] || fail "the real build: expected the summary '$want'"
ok
echo "ok: $BUILD exports what the headers declare ($ncore + $nfake functions)"

# ---- one function too many ----------------------------------------------------

mkdir "$TMP/extra"
cp "$BUILD/libgluefake.so" "$BUILD/libgluefake-aws.so" "$TMP/extra/"
printf 'int gf_not_declared(void);\nint gf_not_declared(void) { return 42; }\n' >"$TMP/extra.c"
"$CC" -shared -fPIC -o "$TMP/extra/libgluefake-core.so" "${core_objs[@]}" "$TMP/extra.c" \
  2>"$TMP/cc.err" || { cat "$TMP/cc.err" >&2; fail "could not link the core with gf_not_declared"; }
exported "$TMP/extra/libgluefake-core.so" | grep -qx gf_not_declared ||
  fail "the test's own core does not export gf_not_declared"
check "$TMP/extra"
expect_rc 1 "a core exporting gf_not_declared"
[ ! -s "$TMP/out" ] || fail "a core exporting gf_not_declared: expected nothing on stdout"
expect_err_line "check-exports: libgluefake-core.so exports what no public header declares:" \
  "a core exporting gf_not_declared"
expect_err_line "  gf_not_declared" "a core exporting gf_not_declared"
# nothing else: the header line and the one name
[ "$(wc -l <"$TMP/err")" -eq 2 ] || fail "a core exporting gf_not_declared: expected exactly 2 lines on stderr"
ok
echo "ok: a libgluefake-core.so exporting gf_not_declared fails, naming it"

# ---- functions missing --------------------------------------------------------

# Leave out the object that defines gf_status_kind (errors.o today).
left_out=""
for o in "${core_objs[@]}"; do
  if nm -g --defined-only "$o" | awk '{ print $3 }' | grep -qx gf_status_kind; then
    left_out=$o
  fi
done
[ -n "$left_out" ] || fail "no core object defines gf_status_kind"
rest=()
for o in "${core_objs[@]}"; do [ "$o" = "$left_out" ] || rest+=("$o"); done
mkdir "$TMP/missing"
cp "$BUILD/libgluefake.so" "$BUILD/libgluefake-aws.so" "$TMP/missing/"
"$CC" -shared -fPIC -o "$TMP/missing/libgluefake-core.so" "${rest[@]}" 2>"$TMP/cc.err" ||
  { cat "$TMP/cc.err" >&2; fail "could not link the core without ${left_out##*/}"; }
# What the reduced core no longer exports: every one of them must be named.
comm -23 <(exported "$BUILD/libgluefake-core.so") <(exported "$TMP/missing/libgluefake-core.so") \
  >"$TMP/gone"
grep -qx gf_status_kind "$TMP/gone" || fail "the core without ${left_out##*/} still exports gf_status_kind"
check "$TMP/missing"
expect_rc 1 "a core without ${left_out##*/}"
[ ! -s "$TMP/out" ] || fail "a core without ${left_out##*/}: expected nothing on stdout"
expect_err_line "check-exports: libgluefake-core.so does not export what its headers declare:" \
  "a core without ${left_out##*/}"
while read -r name; do
  expect_err_line "  $name" "a core without ${left_out##*/}"
done <"$TMP/gone"
# Those the fake calls are named a second time, as what libgluefake.so
# needs and does not find.
nm -D --undefined-only "$BUILD/libgluefake.so" | awk '{ print $NF }' | sed 's/@.*//' | sort -u |
  comm -12 - "$TMP/gone" >"$TMP/unmet"
[ -s "$TMP/unmet" ] || fail "the fake calls none of what errors.o defines?"
expect_err_line "check-exports: libgluefake.so needs what libgluefake-core.so does not export:" \
  "a core without ${left_out##*/}"
# And those the real backend calls, a third time.
needs "$BUILD/libgluefake-aws.so" | comm -12 - "$TMP/gone" >"$TMP/aws-unmet"
[ -s "$TMP/aws-unmet" ] || fail "the real backend calls none of what errors.o defines?"
expect_err_line "check-exports: libgluefake-aws.so needs what libgluefake-core.so does not export:" \
  "a core without ${left_out##*/}"
[ "$(wc -l <"$TMP/err")" -eq $((3 + $(wc -l <"$TMP/gone") + $(wc -l <"$TMP/unmet") + $(wc -l <"$TMP/aws-unmet"))) ] ||
  fail "a core without ${left_out##*/}: expected the three header lines, the $(wc -l <"$TMP/gone") missing names and the $(wc -l <"$TMP/unmet") + $(wc -l <"$TMP/aws-unmet") unmet ones only"
ok
echo "ok: a libgluefake-core.so without ${left_out##*/} fails, naming its $(wc -l <"$TMP/gone") functions"

# ---- the fake's library too ---------------------------------------------------

fake_objs=("$BUILD"/obj/double/*.o "$BUILD"/obj/server/*.o)
if [ -e "${fake_objs[0]}" ]; then
  mkdir "$TMP/fake-extra"
  cp "$BUILD/libgluefake-core.so" "$BUILD/libgluefake-aws.so" "$TMP/fake-extra/"
  "$CC" -shared -fPIC -o "$TMP/fake-extra/libgluefake.so" "${fake_objs[@]}" "$TMP/extra.c" \
    2>"$TMP/cc.err" || { cat "$TMP/cc.err" >&2; fail "could not link the fake with gf_not_declared"; }
  check "$TMP/fake-extra"
  expect_rc 1 "a fake library exporting gf_not_declared"
  expect_err_line "check-exports: libgluefake.so exports what no public header declares:" \
    "a fake library exporting gf_not_declared"
  expect_err_line "  gf_not_declared" "a fake library exporting gf_not_declared"
  [ "$(wc -l <"$TMP/err")" -eq 2 ] ||
    fail "a fake library exporting gf_not_declared: expected exactly 2 lines on stderr"
  ok
  echo "ok: a libgluefake.so exporting gf_not_declared fails, naming it"
fi

# ---- and the real backend's ----------------------------------------------------

aws_objs=("$BUILD"/obj/aws/*.o)
if [ -e "${aws_objs[0]}" ]; then
  mkdir "$TMP/aws-extra"
  cp "$BUILD/libgluefake-core.so" "$BUILD/libgluefake.so" "$TMP/aws-extra/"
  "$CC" -shared -fPIC -o "$TMP/aws-extra/libgluefake-aws.so" "${aws_objs[@]}" "$TMP/extra.c" \
    2>"$TMP/cc.err" || { cat "$TMP/cc.err" >&2; fail "could not link the real backend with gf_not_declared"; }
  check "$TMP/aws-extra"
  expect_rc 1 "a real backend library exporting gf_not_declared"
  expect_err_line "check-exports: libgluefake-aws.so exports what no public header declares:" \
    "a real backend library exporting gf_not_declared"
  expect_err_line "  gf_not_declared" "a real backend library exporting gf_not_declared"
  [ "$(wc -l <"$TMP/err")" -eq 2 ] ||
    fail "a real backend library exporting gf_not_declared: expected exactly 2 lines on stderr"
  ok
  echo "ok: a libgluefake-aws.so exporting gf_not_declared fails, naming it"
fi

echo "test_exports.sh: $CHECKS checks passed"
