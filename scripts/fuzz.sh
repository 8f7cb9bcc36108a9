#!/usr/bin/env bash
# Builds kmpack's libFuzzer targets (fuzz/README.md) with clang in build-fuzz/
# and runs each one for SECONDS (default 30) on a scratch copy of its seed
# corpus (fuzz/corpus/<target>/ is never written), then on every saved
# regression input in fuzz/regressions/<target>/. Exits non-zero on any
# finding and says where the crashing input is.
#
#   scripts/fuzz.sh [SECONDS]
#
# Environment: FUZZ_CC / FUZZ_CXX pick the compiler (default clang / clang++);
# FUZZ_JOBS how many targets fuzz at once (default: the number of CPUs).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
  echo "usage: scripts/fuzz.sh [SECONDS]   (seconds of fuzzing per target, default 30)" >&2
  exit 2
fi

targets=(fuzz_manifest fuzz_capture_log fuzz_elf)
dir=$root/build-fuzz
cc=${FUZZ_CC:-clang}
cxx=${FUZZ_CXX:-clang++}
jobs=${FUZZ_JOBS:-$(nproc)}

if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found. Install it with: apt-get install clang libclang-rt-14-dev" >&2
  exit 2
fi

# -O1 with line tables: quick to build, fast enough to fuzz, readable stacks.
# Debug keeps assertions (nlohmann::json's, LLVM's inline ones) on.
echo "== configuring and building $dir ($("$cxx" --version | head -n1))"
mkdir -p "$dir"
CC=$cc CXX=$cxx cmake -S "$root" -B "$dir" -DKMPACK_FUZZ=ON -DKMPACK_WERROR=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -gline-tables-only" \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -gline-tables-only" >"$dir/configure.log" 2>&1 ||
  { cat "$dir/configure.log" >&2; echo "fuzz.sh: configure failed" >&2; exit 2; }
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}" ||
  { echo "fuzz.sh: build failed" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/kmpack-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Crash inputs are kept after the run, one directory per run.
findings=$dir/findings/$(date +%Y%m%d-%H%M%S)

# Fuzzes one target; leaves its log in $work/<target>.log and its exit
# status in $work/<target>.rc.
fuzz_one() {
  local t=$1 bin=$dir/fuzz/$1 dict=()
  mkdir -p "$work/corpus/$t" "$findings/$t"
  cp -R "$root/fuzz/corpus/$t/." "$work/corpus/$t/"
  [ -f "$root/fuzz/dict/$t.dict" ] && dict=(-dict="$root/fuzz/dict/$t.dict")
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/$t/" "${dict[@]}" "$work/corpus/$t" >"$work/$t.log" 2>&1
  echo $? >"$work/$t.rc"
}

echo "== fuzzing ${targets[*]} for ${seconds}s each ($jobs at a time)"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  fuzz_one "$t" &
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
  bin=$dir/fuzz/$t
  ok=1
  rc=$(cat "$work/$t.rc")
  stats=$(grep -E '^(stat::number_of_executed_units|stat::new_units_added)' "$work/$t.log" | tr '\n' ' ')
  if [ "$rc" -ne 0 ]; then
    ok=0
    echo "---- $t: FINDING (exit status $rc); the end of its log:"
    tail -n 60 "$work/$t.log"
    inputs=$(find "$findings/$t" -type f 2>/dev/null)
    if [ -n "$inputs" ]; then
      echo "---- $t: crashing input(s):"
      for f in $inputs; do
        echo "  $f"
      done
      echo "  reproduce: $bin <input>; once understood, copy the input to fuzz/regressions/$t/"
    fi
  else
    echo "---- $t: fuzzed ${seconds}s, no finding ($stats)"
  fi

  # Every saved regression input, one run each so that every failing one is named.
  count=0
  for f in "$root"/fuzz/regressions/"$t"/*; do
    [ -f "$f" ] || continue
    count=$((count + 1))
    if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$f" >"$work/$t.regression.log" 2>&1; then
      ok=0
      echo "---- $t: REGRESSION input fails: $f"
      # From the first report on (the sanitizer's message and its stack).
      awk '/ERROR|runtime error|unexpected exception|deadly signal|timeout/ { p = 1 } p' \
        "$work/$t.regression.log" | head -n 40
      echo "  reproduce: $bin $f"
    fi
  done
  echo "---- $t: $count regression input(s) run"

  if [ "$ok" = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done

# Keep only findings directories that hold something.
find "$findings" -type d -empty -delete 2>/dev/null
rmdir "$dir/findings" 2>/dev/null

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
