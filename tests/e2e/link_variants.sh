#!/usr/bin/env bash
# `kmpack link` on an existing build: a subset of modules, another linker,
# and the recorded link line re-run by hand.
# Usage: link_variants.sh KMPACK BUILD_DIR SOURCE_DIR
set -euo pipefail
kmpack=$1 build=$2 src=$3
out=$build/variants
rm -rf "$out"

# --modules: only kmhello and kmzlib are linked and laid out.
"$kmpack" link -B "$build" --modules kmhello,kmzlib -o "$out/subset" -j 2
"$out/subset/python.km" "$src/examples/kmhello/kmcheck.py"
"$out/subset/python.km" "$src/examples/kmzlib/kmcheck.py"
if "$out/subset/python.km" -c 'import kmcpp._cpp' 2>/dev/null; then
  echo "FAILED: kmcpp imports in a python.km linked without it"; exit 1
fi
if "$kmpack" link -B "$build" --modules nosuch -o "$out/none" 2>"$out/err.txt"; then
  echo "FAILED: --modules nosuch was accepted"; exit 1
fi
grep -q "no module 'nosuch' in this build" "$out/err.txt"

# --no-main-table: one link, and dlopen(NULL)/RTLD_DEFAULT know only the libraries.
"$kmpack" link -B "$build" --modules kmhello -o "$out/nomain" --no-main-table
"$out/nomain/python.km" -c 'import kmhello._hello as h; h.add(1, 2)'
if "$out/nomain/python.km" -c 'import kmhello._hello as h; h.program_lookup()' 2>"$out/err.txt"; then
  echo "FAILED: RTLD_DEFAULT found PyLong_FromLong without the main table"; exit 1
fi
grep -q "undefined symbol: PyLong_FromLong" "$out/err.txt"

# No files at the extension modules' places: the finder kmpack installs
# imports them anyway, and __file__/__spec__.origin still name the path.
"$kmpack" link -B "$build" -o "$out/nofiles"
find "$out/nofiles/lib" \( -name '*.so' -o -name '*.km.id' \) -delete
"$out/nofiles/python.km" "$src/examples/smoke.py"
"$out/nofiles/python.km" -c '
import sys, kmsame.two.util as m
assert m.__file__.endswith("/lib/kmsame/two/util.cpython-311-x86_64-linux-gnu.so"), m.__file__
assert m.__spec__.origin == m.__file__
assert not any(p.endswith(("site-packages", "dist-packages")) for p in sys.path), sys.path'

# --ld: auto takes the fastest installed (ld.lld, then mold); each linker
# shows in the program's .comment (GNU ld writes none there).
comment() { readelf -p .comment "$1" >"$out/comment.txt"; } # writes $out/comment.txt
if command -v ld.lld >/dev/null; then auto=lld; elif command -v mold >/dev/null; then auto=mold; else auto=default; fi
"$kmpack" link -B "$build" --modules kmhello -o "$out/ld-auto" --progress plain >"$out/ld-auto.txt"
grep -q "python.km: linking with $auto (--ld auto" "$out/ld-auto.txt"
"$out/ld-auto/python.km" "$src/examples/kmhello/kmcheck.py"

# Byte-code: python.km (isolated: it writes no __pycache__) imports the
# packages and the finder from the .pyc files kmpack compiled, and a .py
# edited afterwards is noticed (hash-checked .pyc).
lib=$out/ld-auto/lib
"$out/ld-auto/python.km" -v -c 'import kmhello' 2>"$out/verbose.txt"
grep -q "code object from '$lib/kmhello/__pycache__/__init__.cpython-311.pyc'" "$out/verbose.txt"
grep -q "code object from '$lib/__pycache__/_kmpack_finder.cpython-311.pyc'" "$out/verbose.txt"
echo 'EDITED = 1' >>"$lib/kmhello/__init__.py"
"$out/ld-auto/python.km" -c 'import kmhello; assert kmhello.EDITED == 1'
for ld in lld mold bfd; do
  case $ld in lld) prog=ld.lld mark='Linker: .*LLD' ;; mold) prog=mold mark='mold' ;; bfd) prog=ld.bfd mark='' ;; esac
  command -v "$prog" >/dev/null || { echo "note: $prog not installed, --ld $ld not checked"; continue; }
  "$kmpack" link -B "$build" --modules kmhello,kmcpp -o "$out/ld-$ld" --ld "$ld" -q
  grep -q -- "-fuse-ld=$ld" "$out/ld-$ld/python.km.linkline"
  if [ -n "$mark" ]; then
    comment "$out/ld-$ld/python.km"
    grep -q "$mark" "$out/comment.txt" || { echo "FAILED: --ld $ld: no '$mark' in .comment"; exit 1; }
  elif comment "$out/ld-$ld/python.km" && grep -Eq 'LLD|mold' "$out/comment.txt"; then
    echo "FAILED: --ld $ld linked with another linker"; exit 1
  fi
  "$out/ld-$ld/python.km" "$src/examples/kmhello/kmcheck.py"
  "$out/ld-$ld/python.km" "$src/examples/kmcpp/kmcheck.py"
done
"$kmpack" link -B "$build" --modules kmhello -o "$out/ld-default" --ld default -q
if grep -q -- '-fuse-ld' "$out/ld-default/python.km.linkline"; then
  echo "FAILED: --ld default added a -fuse-ld"; exit 1
fi
if PATH=/nonexistent "$kmpack" link -B "$build" -o "$out/ld-none" --ld lld 2>"$out/err.txt"; then
  echo "FAILED: --ld lld without ld.lld was accepted"; exit 1
fi
grep -q "ld.lld is not on PATH (Debian: apt-get install lld), or use --ld auto" "$out/err.txt"
if "$kmpack" link -B "$build" -o "$out/ld-both" --ld lld --cc 'gcc -static -fuse-ld=mold' 2>"$out/err.txt"; then
  echo "FAILED: --ld lld with -fuse-ld=mold in --cc was accepted"; exit 1
fi
grep -q "contradicts -fuse-ld=mold in --cc" "$out/err.txt"

# A link that fails with the linker kmpack chose says so, and how to do without.
mkdir -p "$out/fakebin"
printf '#!/bin/sh\necho "fake ld.lld: cannot link" >&2\nexit 1\n' >"$out/fakebin/ld.lld"
chmod +x "$out/fakebin/ld.lld"
if PATH=$out/fakebin:$PATH "$kmpack" link -B "$build" --modules kmhello -o "$out/ld-broken" 2>"$out/err.txt"; then
  echo "FAILED: a failing ld.lld linked"; exit 1
fi
grep -q "fake ld.lld: cannot link" "$out/err.txt"
grep -q "the linker was lld (--ld auto: the fastest installed); --ld default links with the compiler's own" "$out/err.txt"
[ ! -e "$out/ld-broken/python.km" ] || { echo "FAILED: a failed link left python.km"; exit 1; }
PATH=$out/fakebin:$PATH "$kmpack" link -B "$build" --modules kmhello -o "$out/ld-broken" --ld default -q
"$out/ld-broken/python.km" "$src/examples/kmhello/kmcheck.py"

# A -fuse-ld= in --cc wins over --ld auto, and is not given twice.
"$kmpack" link -B "$build" -o "$out/mold" --cc 'gcc -static -fuse-ld=mold' --progress plain >"$out/mold.txt"
grep -q "python.km: linking with mold (-fuse-ld=mold in --cc)" "$out/mold.txt"
[ "$(grep -o -- '-fuse-ld=[a-z]*' "$out/mold/python.km.linkline")" = "-fuse-ld=mold" ]
"$out/mold/python.km" "$src/examples/smoke.py"

# The link line file re-creates python.km.
rm "$out/mold/python.km"
sh "$out/mold/python.km.linkline" >/dev/null 2>&1
"$out/mold/python.km" "$src/examples/smoke.py"
# --cpython-tree: libpython and Programs/python.o from a build tree (here one
# made of the interpreter's own files).
libpl=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("LIBPL"))')
mkdir -p "$out/tree/Programs"
ln -s "$libpl/libpython3.11.a" "$out/tree/libpython3.11.a"
ln -s "$libpl/python.o" "$out/tree/Programs/python.o"
"$kmpack" link -B "$build" -o "$out/tree-dist" --cpython-tree "$out/tree"
grep -q -- "$out/tree/libpython3.11.a" "$out/tree-dist/python.km.linkline"
"$out/tree-dist/python.km" "$src/examples/smoke.py"
rm "$out/tree/libpython3.11.a"
if "$kmpack" link -B "$build" -o "$out/tree-dist2" --cpython-tree "$out/tree" 2>"$out/err.txt"; then
  echo "FAILED: a tree without libpython was accepted"; exit 1
fi
grep -q "no libpython3.11.a (--cpython-tree wants" "$out/err.txt"
echo "7 passed, 0 failed"
