#!/usr/bin/env bash
# Files kmpack reuses, damaged after it wrote them, in a copy of the e2e
# build: a renamed archive (.km.lib.a) overwritten in place with 0xcc bytes,
# same size, and a module's capture log (capture.jsonl) emptied. `kmpack
# list` must call both modules changed and name the files; the next `kmpack
# build` must name them, make them again (the archive's .so post-processed
# again, the other module built again) and end with a python.km that passes
# every example's kmcheck.py; then everything is up to date. The e2e build
# itself is only read.
# Usage: damaged_artifacts.sh KMPACK PYTHON SOURCE_DIR E2E_BUILD_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 e2e=$4 dir=$5
fail() { echo "FAILED: $*"; exit 1; }
checks=0
pass() { checks=$((checks + 1)); }

rm -rf "$dir" "$dir.log"
cp -a "$e2e" "$dir"
marker=$dir.marker
touch "$marker"

archive=$(find "$dir/modules/kmzlib/lib" -name '*.km.lib.a')
[ "$(wc -l <<<"$archive")" = 1 ] && [ -f "$archive" ] || fail "expected one kmzlib archive, found: $archive"
size=$(stat -c %s "$archive")
"$python" - "$archive" <<'PY'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    f.seek(len(open(path, "rb").read()) // 2)
    f.write(b"\xcc" * 256)
PY
[ "$(stat -c %s "$archive")" = "$size" ] || fail "the archive changed size"
capture=$dir/modules/kmhello/capture.jsonl
capture_size=$(stat -c %s "$capture")
: >"$capture"

# kmpack list: both modules changed, each damaged file named.
"$kmpack" list -B "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; fail "kmpack list failed"; }
grep -Eq '^kmzlib +changed ' "$dir.log" || { cat "$dir.log"; fail "list does not call kmzlib changed"; }
grep -Fq "(damaged: $archive: damaged since kmpack wrote it (same size, another MD5))" "$dir.log" ||
  { cat "$dir.log"; fail "list does not name the damaged archive"; }
grep -Eq '^kmhello +changed ' "$dir.log" || { cat "$dir.log"; fail "list does not call kmhello changed"; }
grep -Fq "(damaged: $capture: damaged since kmpack wrote it (0 bytes, $capture_size when written))" "$dir.log" ||
  { cat "$dir.log"; fail "list does not name the emptied capture log"; }
pass

# kmpack build repairs both, saying which file it found damaged.
"$kmpack" build "$src/modules.txt" --python "$python" -B "$dir" --progress=plain >"$dir.log" 2>&1 ||
  { cat "$dir.log"; fail "the build after the damage failed"; }
grep -Fq "kmzlib: $archive: damaged since kmpack wrote it (same size, another MD5); writing the artifacts of" \
  "$dir.log" || { cat "$dir.log"; fail "the build does not name the damaged archive"; }
grep -Fq "kmhello: $capture: damaged since kmpack wrote it (0 bytes, $capture_size when written); building kmhello again" \
  "$dir.log" || { cat "$dir.log"; fail "the build does not name the emptied capture log"; }
grep 'damaged since' "$dir.log"
# (Its size differs: the copy's commands name the copy's directories.)
[ -s "$capture" ] || fail "kmhello's capture log was not made again"
pass

for check in "$src"/examples/*/kmcheck.py; do
  "$dir/dist/python.km" "$check" >"$dir.check.log" 2>&1 || { cat "$dir.check.log"; fail "$check in the repaired python.km"; }
  pass
done

# Then nothing is damaged, and nothing is done.
"$kmpack" list -B "$dir" >"$dir.log" 2>&1 || { cat "$dir.log"; fail "kmpack list failed"; }
if grep -Eqv '^( |[^ ]+ +up to date )' "$dir.log" || grep -q "(damaged: " "$dir.log"; then
  cat "$dir.log"; fail "not everything is up to date after the repair"
fi
"$kmpack" build "$src/modules.txt" --python "$python" -B "$dir" --progress=plain >"$dir.log" 2>&1 ||
  { cat "$dir.log"; fail "the build after the repair failed"; }
grep -q 'python.km: up to date' "$dir.log" || { cat "$dir.log"; fail "the build after the repair linked again"; }
if grep -q "damaged since" "$dir.log"; then cat "$dir.log"; fail "damage found after the repair"; fi
pass

# The e2e build was only read (the capture logs of the copy name its objects,
# which the repair reads). Other tests link from it at the same time, which
# compiles each .km.symbols.o again: what a build writes is what counts.
written=$(find "$e2e/modules" -newer "$marker" \( -name '*.km.lib.a' -o -name '*.km.json' -o -name '*.km.stamp' \
  -o -name '*.km.symmap' -o -name '*.km.symbols.c' -o -name capture.jsonl -o -name kmpack-module.json \) | head)
[ -z "$written" ] || fail "the e2e build was written: $written"
pass

rm -rf "$dir" "$dir.log" "$dir.check.log" "$marker"
echo "$checks checks passed"
