#!/usr/bin/env bash
# Configures (warnings are errors: -DKMPACK_WERROR=ON), builds and runs the tests.
#   scripts/test.sh             every test (unit, payload runtime, end to end),
#                               the normal build, in build/
#   scripts/test.sh --sanitize  the same under ASan+UBSan, in build-asan/
#                               (but e2e_cpython and e2e_system_stdlib, which
#                               the normal run covers)
#   scripts/test.sh --fast      only the unit tests that start no compiler and
#                               no Python (ctest label `fast`), in build/: a
#                               few seconds once built
# The end-to-end tests build the examples as a user would, on the interpreter
# kmpack builds from Debian's CPython source into the per-user cache
# (~/.cache/kmpack, or $KMPACK_CACHE_DIR): the first run on a machine fetches
# and builds it (a few minutes), later runs reuse it.
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
    select=(-E '^e2e_(cpython|system_stdlib)$') ;;
  --fast) select=(-L '^fast$') ;;
  *) echo "usage: scripts/test.sh [--sanitize | --fast]" >&2; exit 2 ;;
esac
jobs=$(nproc)
cmake -S . -B "$dir" "${flags[@]}"
if [ "${1:-}" = "--fast" ]; then
  cmake --build "$dir" -j"$jobs" --target kmpack_tests
else
  cmake --build "$dir" -j"$jobs"
fi
ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${select[@]}"
