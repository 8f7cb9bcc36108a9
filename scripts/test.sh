#!/usr/bin/env bash
# Configures, builds and runs every test (unit, payload runtime, end to end).
#   scripts/test.sh             the normal build, in build/
#   scripts/test.sh --sanitize  the same under ASan+UBSan, in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build
flags=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DKMPACK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
fi
jobs=$(nproc)
cmake -S . -B "$dir" "${flags[@]}"
cmake --build "$dir" -j"$jobs"
ctest --test-dir "$dir" --output-on-failure -j"$jobs"
