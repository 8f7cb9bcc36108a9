#!/usr/bin/env bash
# Configures (warnings are errors: -DKMPACK_WERROR=ON), builds and runs the tests.
#   scripts/test.sh             every test (unit, payload runtime, end to end),
#                               the normal build, in build/
#   scripts/test.sh --sanitize  the same under ASan+UBSan, in build-asan/
#                               (but e2e_cpython, e2e_system_stdlib, the
#                               launcher tests, e2e_kill_rerun,
#                               e2e_link_variants, e2e_moved,
#                               e2e_module_cache, e2e_clib_debian and
#                               e2e_reproducible, which
#                               the normal run covers: whole builds or links
#                               again, of the same kmpack code e2e_build and
#                               the other e2e tests run under the sanitizers)
#   scripts/test.sh --fast      only the unit tests that start no compiler and
#                               no Python (ctest label `fast`), in build/: a
#                               few seconds once built
#   scripts/test.sh --clang     kmpack, its unit tests and the runtime built
#                               with clang (clang-19, or $CLANG_CC/$CLANG_CXX)
#                               at -O0, warnings errors, in build-clang/; then
#                               the unit and payload tests but the pipeline's
#                               (whole package builds and links: most of the
#                               unit tests' time, the same work whichever
#                               compiler built kmpack, and run by the plain
#                               run): clang's warnings caught in a few minutes
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
    select=(-E '^e2e_(cpython|system_stdlib|launcher_ccache|launcher_distcc|kill_rerun|link_variants|moved|module_cache|clib_debian|reproducible)$') ;;
  --fast) select=(-L '^fast$') ;;
  --clang)
    dir=build-clang
    cc=${CLANG_CC:-clang-19} cxx=${CLANG_CXX:-clang++-19}
    if ! command -v "$cxx" >/dev/null; then
      echo "test.sh: $cxx not found. Install it with: apt-get install clang-19 (scripts/install-deps.sh does)" >&2
      exit 2
    fi
    # -O0 without debug information: clang's warnings come from its front
    # end, not its optimiser, and the build is quicker.
    flags+=(-DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug
            -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_CXX_FLAGS_DEBUG=-O0)
    select=(-LE '^e2e$' -E '^pipeline: ') ;;
  *) echo "usage: scripts/test.sh [--sanitize | --fast | --clang]" >&2; exit 2 ;;
esac
jobs=$(nproc)
cmake -S . -B "$dir" "${flags[@]}"
if [ "${1:-}" = "--fast" ]; then
  cmake --build "$dir" -j"$jobs" --target kmpack_tests
else
  cmake --build "$dir" -j"$jobs"
fi
ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${select[@]}"
