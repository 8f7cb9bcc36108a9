#!/usr/bin/env bash
# A project moved with its build directory rebuilds nothing: the examples
# are built in one place, the whole tree is moved, and the next build finds
# every module up to date (it only links python.km again, into its new
# place), and python.km passes every example's checks.
# Usage: moved.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 work=$4
rm -rf "$work"
mkdir -p "$work/before"
cp -r "$src/examples" "$work/before/"
# The examples but the Rust ones (two minutes of cargo each; e2e_build and
# e2e_reproducible build them), with their relative sources as shipped.
grep -Ev '^kmrust[ab][[:space:]]' "$src/modules.txt" >"$work/before/modules.txt"
(cd "$work/before" && "$kmpack" build modules.txt --python "$python" -B kb -q) >"$work/first.log" 2>&1 ||
  { cat "$work/first.log"; echo "FAILED: the first build"; exit 1; }
mv "$work/before" "$work/after"
(cd "$work/after" && "$kmpack" build modules.txt --python "$python" -B kb --progress=plain) >"$work/again.log" 2>&1 ||
  { cat "$work/again.log"; echo "FAILED: the build after the move"; exit 1; }
modules=$(grep -cE '^[A-Za-z0-9_.-]+ +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s  ' "$work/again.log")
current=$(grep -cE '^[A-Za-z0-9_.-]+ +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s  up to date' "$work/again.log")
[ "$modules" -ge 10 ] && [ "$current" = "$modules" ] ||
  { grep -E '^[A-Za-z0-9_.-]+ +[0-9]+ ' "$work/again.log"; echo "FAILED: $current of $modules modules up to date"; exit 1; }
"$work/after/kb/dist/python.km" "$work/after/examples/smoke.py" "$work/after/modules.txt"
rm -rf "$work"
echo "ok moved: $current of $modules modules up to date"
