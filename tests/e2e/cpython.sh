#!/usr/bin/env bash
# python.km with an interpreter built from CPython source: every standard
# module Debian ships as shared is importable (or left out with a reason),
# the examples pass, ctypes works through the payload runtime, and a slice
# of CPython's own test suite passes. A second build reuses the interpreter.
#
#   cpython.sh KMPACK PYTHON SOURCE_DIR BUILD_DIR
#
# The CPython source: $KMPACK_CPYTHON_SOURCE, else .cache/cpython/ as
# scripts/get-cpython-source.sh leaves it. Without one, a notice and exit 77
# (ctest: skipped).
set -euo pipefail
kmpack=$1 python=$2 root=$3 bdir=$4
src=${KMPACK_CPYTHON_SOURCE:-$(ls "$root"/.cache/cpython/python3.11_*.orig.tar.* 2>/dev/null | head -n 1 || true)}
if [ -z "$src" ]; then
  echo "NOTICE: no CPython source, so python.km from CPython source is not tested."
  echo "NOTICE: get one with scripts/get-cpython-source.sh --add-deb-src, or set KMPACK_CPYTHON_SOURCE."
  exit 77
fi
echo "CPython source: $src"
"$kmpack" clean --all -B "$bdir" >/dev/null 2>&1 || true
"$kmpack" build "$root/modules.txt" --python "$python" --cpython "$src" -B "$bdir" --progress=plain -j"$(nproc)"
km=$bdir/dist/python.km

"$km" "$root/tests/e2e/stdlib_imports.py" /usr/lib/python3.11/lib-dynload "$bdir/kmpack-build.json"
"$km" "$root/examples/smoke.py"
"$km" "$root/tests/e2e/ctypes_check.py"
# CPython's own tests, run by the static interpreter.
"$km" -m test test_json test_contextlib test_ctypes test_decimal test_ssl test_hashlib

# Nothing changed: nothing is built again, not even the interpreter.
out=$("$kmpack" build "$root/modules.txt" --python "$python" --cpython "$src" -B "$bdir" --progress=plain)
echo "$out" | tail -n 14
echo "$out" | grep -Eq '^python +[0-9]+ +[0-9]+ +[0-9.]+s +up to date$' || { echo "FAIL: the interpreter was rebuilt"; exit 1; }
if echo "$out" | grep -Eq ' built$'; then echo "FAIL: a module was rebuilt"; exit 1; fi
echo "cpython: all checks passed"
