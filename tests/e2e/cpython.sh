#!/usr/bin/env bash
# python.km with the interpreter built from a CPython source given with
# --cpython, with --stdlib-extras: every standard module Debian ships as
# shared is importable (or left out with a reason), the examples pass,
# ctypes works through the payload runtime, and a slice of CPython's own test
# suite passes. The interpreter is the one the default build (e2e_build)
# built from the same source into the per-user cache: this build directory
# reuses it, and so does a second build.
#
#   cpython.sh KMPACK PYTHON SOURCE_DIR BUILD_DIR
#
# The CPython source: $KMPACK_CPYTHON_SOURCE, else the one the default build
# fetched into the cache. Without one, a notice and exit 77 (ctest: skipped).
set -euo pipefail
kmpack=$1 python=$2 root=$3 bdir=$4
cache=${KMPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kmpack}
src=${KMPACK_CPYTHON_SOURCE:-$(ls "$cache"/sources/python3.11/python3.11_*.orig.tar.* 2>/dev/null | head -n 1 || true)}
if [ -z "$src" ]; then
  echo "NOTICE: no CPython source in $cache, so --cpython is not tested; set KMPACK_CPYTHON_SOURCE."
  exit 77
fi
echo "CPython source: $src"
"$kmpack" clean --all -B "$bdir" >/dev/null 2>&1 || true
source "$root/tests/e2e/c_examples.sh"
mkdir -p "$bdir"
c_examples_manifest "$root" "$bdir.modules.txt"
out=$("$kmpack" build "$bdir.modules.txt" --python "$python" --cpython "$src" --stdlib-extras -B "$bdir" \
  --progress=plain -j"$(nproc)")
echo "$out" | tail -n 14
if [ -z "${KMPACK_CPYTHON_SOURCE:-}" ]; then
  echo "$out" | grep -Eq '^python +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s +built$' || { echo "FAIL: no interpreter line"; exit 1; }
  if grep -q '^python: configure' <<<"$out"; then
    echo "FAIL: the interpreter in the cache was built again for another build directory"; exit 1
  fi
fi
km=$bdir/dist/python.km

"$km" "$root/tests/e2e/stdlib_imports.py" /usr/lib/python3.11/lib-dynload "$bdir/kmpack-build.json"
"$km" "$root/examples/smoke.py" "$bdir.modules.txt"
"$km" "$root/tests/e2e/ctypes_check.py"
# CPython's own tests, run by the static interpreter.
"$km" -m test test_json test_contextlib test_ctypes test_decimal test_ssl test_hashlib

# Nothing changed: nothing is built again, not even the interpreter.
out=$("$kmpack" build "$bdir.modules.txt" --python "$python" --cpython "$src" --stdlib-extras -B "$bdir" \
  --progress=plain)
echo "$out" | tail -n 14
echo "$out" | grep -Eq '^python +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s +up to date$' || { echo "FAIL: the interpreter was rebuilt"; exit 1; }
if echo "$out" | grep -Eq ' built$'; then echo "FAIL: a module was rebuilt"; exit 1; fi
echo "cpython: all checks passed"
