#!/usr/bin/env bash
# Two clean builds of the examples in different directories give byte-identical
# per-.so artifacts (.km.json, .km.symmap, .km.symbols.c, .km.lib.a) and link
# lines. (python.km itself differs in one string when the interpreter's
# libpython carries LTO bytecode, as Debian's does: gcc records the link's
# working directory as the DWARF comp_dir of the unit it compiles at link time.)
# Usage: reproducible.sh KMPACK PYTHON SOURCE_DIR FIRST_BUILD_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 first=$4
second=$first-repro/a/deeper/path
rm -rf "$first-repro"
"$kmpack" build "$src/modules.txt" --python "$python" -B "$second" --progress=plain >/dev/null
count=0
cd "$second"
while IFS= read -r -d '' f; do
  cmp "$f" "$first/$f"
  count=$((count + 1))
done < <(find modules -name '*.km.json' -print0 -o -name '*.km.symmap' -print0 \
           -o -name '*.km.symbols.c' -print0 -o -name '*.km.lib.a' -print0)
[ "$count" -ge 40 ] || { echo "FAILED: only $count artifacts compared"; exit 1; }
cmp dist/python.km.linkline "$first/dist/python.km.linkline"
count=$((count + 1))
rm -rf "$first-repro"
echo "$count passed, 0 failed"
