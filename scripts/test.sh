#!/usr/bin/env bash
# Configures, builds and runs every test (unit, payload runtime, end to end).
#   scripts/test.sh             the normal build, in build/
#   scripts/test.sh --sanitize  the same under ASan+UBSan, in build-asan/
#                               (but e2e_cpython, which the normal run covers:
#                               the interpreter's build is not kmpack's code)
# e2e_cpython needs a CPython source: fetched here into .cache/cpython with
# scripts/get-cpython-source.sh (apt-get source; install-deps.sh adds the
# deb-src line it needs). Without one the test prints a notice and is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flags=()
exclude=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DKMPACK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  exclude=(-E '^e2e_cpython$')
fi
if [ ${#exclude[@]} -eq 0 ]; then
  scripts/get-cpython-source.sh >/dev/null ||
    echo "NOTICE: no CPython source (apt-get source python3.11 failed); e2e_cpython will be skipped"
fi
jobs=$(nproc)
cmake -S . -B "$dir" "${flags[@]}"
cmake --build "$dir" -j"$jobs"
ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${exclude[@]}"
