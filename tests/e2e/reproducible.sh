#!/usr/bin/env bash
# Two clean builds of the examples in different directories give byte-identical
# per-.so artifacts (.km.json, .km.symmap, .km.symbols.c, .km.lib.a), link
# lines and run-time trees (dist/lib, with its .pyc files); and python.km
# itself when lld linked it. (With GNU ld or mold, python.km differs in one
# string when the interpreter's libpython carries LTO bytecode, as Debian's
# does: gcc records the link's working directory as the DWARF comp_dir of the
# unit it compiles at link time. lld does no GCC LTO: it links the objects'
# regular code.)
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
cmp dist/.debug/python.km.linkline "$first/dist/.debug/python.km.linkline"
count=$((count + 1))
diff -r dist/lib "$first/dist/lib"
count=$((count + 1))
[ -n "$(find dist/lib -name '*.pyc' -print -quit)" ] || { echo "FAILED: no .pyc in dist/lib"; exit 1; }
if grep -q -- '-fuse-ld=lld' dist/.debug/python.km.linkline; then
  cmp dist/python.km "$first/dist/python.km"
  count=$((count + 1))
else
  echo "note: not linked with lld, python.km itself not compared"
fi
rm -rf "$first-repro"
echo "$count passed, 0 failed"
