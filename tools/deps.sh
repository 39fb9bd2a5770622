#!/bin/sh
# deps.sh [--check] GROUP... - makes sure the Debian packages a make target
# needs are installed: installs the missing ones with apt-get when run as
# root, otherwise prints the exact command to run and fails.  With --check
# it never installs: it only prints that command.
#   build: compiling the library     test: make test
#   check: sanitizers, valgrind, coverage     bench: make bench
set -e
check_only=0
if [ "${1:-}" = "--check" ]; then
  check_only=1
  shift
fi
pkgs=""
for group in "$@"; do
  case "$group" in
    build) pkgs="$pkgs gcc make pkg-config binutils libcjson-dev uthash-dev libmicrohttpd-dev libssl-dev libcurl4-openssl-dev" ;;
    test)  pkgs="$pkgs gcc make pkg-config libcjson-dev uthash-dev libmicrohttpd-dev libssl-dev libcurl4-openssl-dev libcmocka-dev g++ binutils curl python3-boto3 awscli nodejs golang-go golang-github-aws-aws-sdk-go-v2-dev" ;;
    check) pkgs="$pkgs clang libclang-rt-14-dev valgrind gcovr" ;;
    bench) pkgs="$pkgs wrk" ;;
    *) echo "deps.sh: unknown group '$group'" >&2; exit 2 ;;
  esac
done
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac
done
# The JavaScript client test needs npm, which some nodejs builds carry and
# Debian packages apart.
case " $* " in *" test "*)
  command -v npm >/dev/null 2>&1 || missing="$missing npm" ;;
esac
[ -z "$missing" ] && exit 0
if [ "$check_only" = 0 ] && [ "$(id -u)" = 0 ]; then
  echo "installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq $missing >&2
else
  echo "missing Debian packages:$missing" >&2
  if [ "$(id -u)" = 0 ]; then
    echo "install them with:  apt-get install -y$missing  (or: make deps)" >&2
  else
    echo "install them with:  sudo apt-get install -y$missing" >&2
  fi
  exit 1
fi
