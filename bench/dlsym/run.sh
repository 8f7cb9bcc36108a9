#!/usr/bin/env bash
# Compares dlsym through the km_dl runtime (static binary) with glibc's
# dlsym on a real shared library exporting the same 5,000 symbols, with the
# same 2,000,000 random lookups; also times km_dl's dlopen path resolution
# among 1,000 registered libraries.
#
# Usage: bench/dlsym/run.sh [BUILD_DIR [RESULT_JSON]]
#   BUILD_DIR    scratch directory for generated sources and binaries
#                (default /tmp/km_dl_bench)
#   RESULT_JSON  where to write the result (default BUILD_DIR/result.json)
# Environment: CC (default gcc), LOOKUPS (default 2000000).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
payload=$(cd "$here/../../payload" && pwd)
out=${1:-/tmp/km_dl_bench}
json=${2:-$out/result.json}
cc=${CC:-gcc}
lookups=${LOOKUPS:-2000000}
cflags=(-O2 -std=c11 -Wall -Wextra -Werror)

mkdir -p "$out"
python3 "$here/gen.py" "$out" 5000 1000

# glibc: a real .so, loaded by the real dlopen of a dynamic executable.
$cc "${cflags[@]}" -fPIC -shared -o "$out/libbench.so" "$out/lib.c"
$cc "${cflags[@]}" -o "$out/bench_glibc" "$here/bench.c" -ldl
# km_dl: the same objects linked into a static executable, with their table.
$cc "${cflags[@]}" -c -o "$out/km_dl.o" "$payload/src/km_dl.c" -I"$payload/include"
$cc "${cflags[@]}" -c -o "$out/table.o" "$out/table.c" -I"$payload/include"
$cc "${cflags[@]}" -c -o "$out/lib.o" "$out/lib.c"
$cc "${cflags[@]}" -static -o "$out/bench_km_dl" "$here/bench.c" "$out/table.o" "$out/lib.o" \
    "$out/km_dl.o" 2>&1 | { grep -v "statically linked applications\|in function" || true; }

glibc=$("$out/bench_glibc" "$out/libbench.so" "$out/names.txt" "$lookups")
ours=$("$out/bench_km_dl" /any/prefix/bench/libbench.so "$out/names.txt" "$lookups" "$out/paths.txt")
y=$(awk '/^dlsym/ {print $2}' <<<"$glibc")
x=$(awk '/^dlsym/ {print $2}' <<<"$ours")
o=$(awk '/^dlopen/ {print $2}' <<<"$ours")
ratio=$(awk -v x="$x" -v y="$y" 'BEGIN {printf "%.2f", y / x}')

echo "dlsym: ours $x ns/lookup, baseline(glibc) $y ns/lookup, ratio Y/X $ratio"
echo "dlopen: ours $o ns/op (path resolution + dlclose, 1000 registered libraries)"
cat >"$json" <<JSON
{
  "benchmark": "dlsym",
  "symbols": 5000,
  "lookups": $lookups,
  "ours_ns_per_lookup": $x,
  "glibc_ns_per_lookup": $y,
  "ratio_glibc_over_ours": $ratio,
  "dlopen_libraries": 1000,
  "dlopen_ns_per_op": $o,
  "cc": "$($cc --version | head -1)",
  "cpu": "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
}
JSON
echo "wrote $json"
