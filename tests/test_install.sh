#!/usr/bin/env bash
# test_install.sh BUILD/gluefake - what `make install` gives a user: the
# three libraries and their pkg-config modules.  A client of the core alone
# (its own backend, the typed calls, the JSON level) builds from
# gluefake-core, shared and static, and needs neither the fake nor
# libmicrohttpd; a test of the fake (the README's example) builds from
# gluefake; a production program (examples/glue_main.c) builds from
# gluefake-aws, shared and static, needs neither the fake, libmicrohttpd nor
# cmocka, and works against the installed `gluefake serve --auth sigv4`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checks=0
fail() { echo "test_install.sh: FAILED: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); echo "ok: $*"; }

# A build of its own, with the default flags, whatever build ran this test
# (make asan passes its own down through MAKEFLAGS).
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$here" -j2 BUILD="$tmp/build" \
  PREFIX="$tmp/prefix" CC=cc SAN= OPT="-O2 -g" install >"$tmp/make.out" 2>&1 ||
  { cat "$tmp/make.out" >&2; fail "make install"; }
for f in lib/libgluefake.so.2 lib/libgluefake-core.so.2 lib/libgluefake-aws.so.2 \
         lib/libgluefake.a lib/libgluefake-core.a lib/libgluefake-aws.a \
         lib/pkgconfig/gluefake.pc lib/pkgconfig/gluefake-core.pc lib/pkgconfig/gluefake-aws.pc \
         include/gluefake.h include/gluefake/errors.h include/gluefake/aws.h \
         include/gluefake/sys/backend.h bin/gluefake; do
  [ -e "$tmp/prefix/$f" ] || fail "make install did not install $f"
done
ok "make install: the three libraries, their pkg-config modules, the headers, the program"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"

cat >"$tmp/core_client.c" <<'EOF'
/* A client of the core alone: a backend of its own behind the typed calls. */
#include <stdio.h>
#include <string.h>

#include "gluefake/json.h"
#include "gluefake/sys/backend.h"

static gf_status get_one(gf_backend *self, const gf_get_security_configuration_request *req,
                         gf_get_security_configuration_response **out, gf_error *err)
{
  (void)self;
  if (strcmp(req->name, "known") != 0)
    return gf_error_set(err, GF_ENTITY_NOT_FOUND, "no %s here", req->name);
  gf_security_configuration config = {req->name, true, 1700000000, NULL};
  gf_get_security_configuration_response answer = {&config};
  *out = gf_response_copy(GF_OP_GET_SECURITY_CONFIGURATION, &answer);
  return *out ? GF_OK : gf_error_set(err, GF_INTERNAL_SERVICE, "out of memory");
}

int main(void)
{
  gf_backend backend = GF_BACKEND_INIT;
  backend.get_security_configuration = get_one;
  gf_error err = GF_ERROR_INIT;
  gf_get_security_configuration_request req = {"known"};
  gf_get_security_configuration_response *resp = NULL;
  if (gf_get_security_configuration(&backend, &req, &resp, &err) != GF_OK)
    return 1;
  printf("%s\n", resp->security_configuration->name);
  gf_get_security_configuration_response_free(resp);
  req.name = "other";
  gf_status status = gf_get_security_configuration(&backend, &req, NULL, &err);
  printf("%s %d\n", gf_status_name(status), gf_status_http_code(err.status));
  gf_json_reply reply;
  if (gf_json_dispatch(&backend, gf_operation_name(GF_OP_GET_SECURITY_CONFIGURATION),
                       "{\"Name\":\"known\"}", 16, &reply) != 0)
    return 1;
  printf("%s\n", reply.body);
  gf_json_reply_clear(&reply);
  gf_error_clear(&err);
  return 0;
}
EOF
want='known
EntityNotFoundException 400
{"SecurityConfiguration":{"Name":"known","CreatedTimeStamp":1700000000}}'

# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$tmp/core_client.c" -o "$tmp/core_shared" \
  $(pkg-config --cflags --libs gluefake-core) -Wl,-rpath,"$tmp/prefix/lib" ||
  fail "a client of the core does not build from pkg-config gluefake-core"
[ "$("$tmp/core_shared")" = "$want" ] || fail "the core client printed: $("$tmp/core_shared")"
needed=$(readelf -d "$tmp/core_shared" | grep NEEDED || true)
case "$needed" in *libgluefake-core.so.2*) ;; *) fail "not linked with libgluefake-core.so.2: $needed" ;; esac
case "$needed" in *libgluefake.so* | *microhttpd*) fail "the core client needs the fake: $needed" ;; esac
core_needed=$(readelf -d "$tmp/prefix/lib/libgluefake-core.so.2" | grep NEEDED)
case "$core_needed" in *libgluefake.so* | *microhttpd*) fail "libgluefake-core needs: $core_needed" ;; esac
ok "a client of the core alone, shared: builds from gluefake-core, runs, needs neither the fake nor libmicrohttpd"

# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$tmp/core_client.c" -o "$tmp/core_static" \
  $(pkg-config --cflags gluefake-core) "$tmp/prefix/lib/libgluefake-core.a" \
  $(pkg-config --static --libs-only-l --libs-only-other gluefake-core | sed 's/-lgluefake-core//') ||
  fail "a client of the core does not link statically"
[ "$("$tmp/core_static")" = "$want" ] || fail "the static core client printed: $("$tmp/core_static")"
case "$(readelf -d "$tmp/core_static" | grep NEEDED)" in *gluefake*) fail "the static client still needs a gluefake .so" ;; esac
ok "a client of the core alone, static: links libgluefake-core.a and runs"

awk '/<!-- example:begin -->/{on=1;next} /<!-- example:end -->/{on=0} on && !/^```/' \
  "$here/README.md" >"$tmp/readme_example.c"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$tmp/readme_example.c" -o "$tmp/readme_example" \
  $(pkg-config --cflags --libs gluefake) -lcmocka -Wl,-rpath,"$tmp/prefix/lib" ||
  fail "the README's example does not build from pkg-config gluefake"
"$tmp/readme_example" >"$tmp/readme.out" 2>&1 || { cat "$tmp/readme.out" >&2; fail "the README's example failed"; }
ok "the README's example builds from pkg-config gluefake (the fake and, through it, the core) and passes"

# The production side: the example module in a program on the real backend.
# (Statically: gluefake's libraries; libcurl, whose own static dependencies
# Debian does not all package, stays shared.)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -I"$here/examples" "$here/examples/glue_main.c" \
  "$here/examples/glue_client.c" -o "$tmp/glue_main" \
  $(pkg-config --cflags --libs gluefake-aws) -Wl,-rpath,"$tmp/prefix/lib" ||
  fail "examples/glue_main.c does not build from pkg-config gluefake-aws"
needed=$(readelf -d "$tmp/glue_main" | grep NEEDED || true)
case "$needed" in *libgluefake-aws.so.2*) ;; *) fail "not linked with libgluefake-aws.so.2: $needed" ;; esac
case "$needed" in *libgluefake.so* | *microhttpd* | *cmocka*) fail "glue_main needs the fake: $needed" ;; esac
aws_needed=$(readelf -d "$tmp/prefix/lib/libgluefake-aws.so.2" | grep NEEDED)
case "$aws_needed" in *libgluefake.so* | *microhttpd* | *cmocka*) fail "libgluefake-aws needs: $aws_needed" ;; esac
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -I"$here/examples" "$here/examples/glue_main.c" \
  "$here/examples/glue_client.c" -o "$tmp/glue_main_static" $(pkg-config --cflags gluefake-aws) \
  "$tmp/prefix/lib/libgluefake-aws.a" "$tmp/prefix/lib/libgluefake-core.a" \
  $(pkg-config --libs libcurl libcrypto libcjson) -lm -pthread ||
  fail "examples/glue_main.c does not link gluefake statically"
case "$(readelf -d "$tmp/glue_main_static" | grep NEEDED)" in *gluefake*) fail "the static program still needs a gluefake .so" ;; esac

printf '{"credentials": [{"access_key_id": "AKIDINSTALL", "secret_access_key": "installed"}]}\n' \
  >"$tmp/credentials.json"
"$tmp/prefix/bin/gluefake" serve --port 0 --auth sigv4 --credentials "$tmp/credentials.json" \
  >"$tmp/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do grep -q listening "$tmp/serve.out" && break; sleep 0.1; done
endpoint=$(sed -n 's/^listening on //p' "$tmp/serve.out")
[ -n "$endpoint" ] || fail "the installed gluefake serve did not start: $(cat "$tmp/serve.out")"
for program in glue_main glue_main_static; do
  env -i PATH="$PATH" HOME="$tmp" AWS_ACCESS_KEY_ID=AKIDINSTALL AWS_SECRET_ACCESS_KEY=installed \
    AWS_REGION=eu-central-1 AWS_ENDPOINT_URL="$endpoint" "$tmp/$program" installed >"$tmp/main.out" 2>&1 ||
    fail "$program against the installed server: $(cat "$tmp/main.out")"
  grep -q "security configuration installed: in place (eu-central-1, $endpoint)" "$tmp/main.out" ||
    fail "$program said: $(cat "$tmp/main.out")"
done
kill "$serve_pid"
wait "$serve_pid" 2>/dev/null || true
ok "examples/glue_main builds from pkg-config gluefake-aws, shared and static, needs neither the fake, libmicrohttpd nor cmocka, and runs against the installed server"

echo "test_install.sh: all $checks checks passed"
