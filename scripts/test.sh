#!/usr/bin/env bash
# Configures (warnings are errors: -DKMPACK_WERROR=ON), builds and runs the tests.
#   scripts/test.sh             every test (unit, payload runtime, end to end),
#                               the normal build, in build/
#   scripts/test.sh --sanitize  the same under ASan+UBSan, in build-asan/
#                               (but e2e_cpython, which the normal run covers:
#                               the interpreter's build is not kmpack's code)
#   scripts/test.sh --fast      only the unit tests that start no compiler and
#                               no Python (ctest label `fast`), in build/: a
#                               few seconds once built
# e2e_cpython needs a CPython source: fetched here into .cache/cpython with
# scripts/get-cpython-source.sh (apt-get source; install-deps.sh adds the
# deb-src line it needs). Without one the test prints a notice and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flags=(-DKMPACK_WERROR=ON)
select=()
case "${1:-}" in
  "") ;;
  --sanitize)
    dir=build-asan
    flags+=(-DKMPACK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
    select=(-E '^e2e_cpython$') ;;
  --fast) select=(-L '^fast$') ;;
  *) echo "usage: scripts/test.sh [--sanitize | --fast]" >&2; exit 2 ;;
esac
if [ -z "${1:-}" ]; then
  scripts/get-cpython-source.sh >/dev/null ||
    echo "NOTICE: no CPython source (apt-get source python3.11 failed); e2e_cpython will be skipped"
fi
jobs=$(nproc)
cmake -S . -B "$dir" "${flags[@]}"
if [ "${1:-}" = "--fast" ]; then
  cmake --build "$dir" -j"$jobs" --target kmpack_tests
else
  cmake --build "$dir" -j"$jobs"
fi
ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${select[@]}"
