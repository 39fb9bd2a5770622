#!/bin/sh
# check-headers.sh OUTDIR [CFLAGS...] - every public header compiles on its
# own (nothing it needs left to the includer), as C11 and as C++11, with
# the project's warnings.
set -eu
out=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
warnings="-Wall -Wextra -Werror -Wshadow -Wcast-qual -Wformat=2"
count=0
for h in "$here"/include/gluefake.h "$here"/include/gluefake/*.h "$here"/include/gluefake/sys/*.h; do
  rel=${h#"$here"/include/}
  printf '#include "%s"\n#include "%s"\n' "$rel" "$rel" > "$out/one.c"
  ${CC:-cc} -std=c11 $warnings -Wstrict-prototypes -I"$here/include" "$@" -c "$out/one.c" \
    -o "$out/one.o" || { echo "check-headers: $rel does not compile on its own as C" >&2; exit 1; }
  ${CXX:-c++} -std=c++11 $warnings -I"$here/include" "$@" -x c++ -c "$out/one.c" \
    -o "$out/one.o" || { echo "check-headers: $rel does not compile on its own as C++" >&2; exit 1; }
  count=$((count + 1))
done
echo "check-headers: $count public headers compile on their own as C and C++"
