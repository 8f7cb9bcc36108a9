#!/usr/bin/env bash
# `kmpack link` on an existing build: a subset of modules, another linker,
# and the recorded link line re-run by hand. Counts the variants it checked
# and exits non-zero when one failed or fewer than expected were checked.
# Usage: link_variants.sh KMPACK BUILD_DIR SOURCE_DIR
set -Eeuo pipefail
kmpack=$1 build=$2 src=$3
out=$build/variants
rm -rf "$out"
passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; echo "$passed passed, 1 failed"; exit 1; }
# A command that fails stops the script (set -e): say which one.
trap 'echo "FAILED: line $LINENO: $BASH_COMMAND"; echo "$passed passed, 1 failed"' ERR

# --modules: only kmhello and kmzlib are linked and laid out.
"$kmpack" link -B "$build" --modules kmhello,kmzlib -o "$out/subset" -j 2
"$out/subset/python.km" "$src/examples/kmhello/kmcheck.py"
"$out/subset/python.km" "$src/examples/kmzlib/kmcheck.py"
if "$out/subset/python.km" -c 'import kmcpp._cpp' 2>/dev/null; then
  fail "kmcpp imports in a python.km linked without it"
fi
if "$kmpack" link -B "$build" --modules nosuch -o "$out/none" 2>"$out/err.txt"; then
  fail "--modules nosuch was accepted"
fi
grep -q "no module 'nosuch' in this build" "$out/err.txt"
pass

# --no-main-table: one link, and dlopen(NULL)/RTLD_DEFAULT know only the libraries.
"$kmpack" link -B "$build" --modules kmhello -o "$out/nomain" --no-main-table
"$out/nomain/python.km" -c 'import kmhello._hello as h; h.add(1, 2)'
if "$out/nomain/python.km" -c 'import kmhello._hello as h; h.program_lookup()' 2>"$out/err.txt"; then
  fail "RTLD_DEFAULT found PyLong_FromLong without the main table"
fi
grep -q "undefined symbol: PyLong_FromLong" "$out/err.txt"
pass

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
pass

# --ld: auto takes the fastest installed (ld.lld, then mold); each linker
# shows in the program's .comment (GNU ld writes none there).
comment() { readelf -p .comment "$1" >"$out/comment.txt"; } # writes $out/comment.txt
if command -v ld.lld >/dev/null; then auto=lld; elif command -v mold >/dev/null; then auto=mold; else auto=default; fi
"$kmpack" link -B "$build" --modules kmhello -o "$out/ld-auto" --progress plain >"$out/ld-auto.txt"
grep -q "python.km: linking with $auto (--ld auto" "$out/ld-auto.txt"
"$out/ld-auto/python.km" "$src/examples/kmhello/kmcheck.py"
pass

# Byte-code: python.km (isolated: it writes no __pycache__) imports the
# packages and the finder from the .pyc files kmpack compiled, and a .py
# edited afterwards is noticed (hash-checked .pyc).
lib=$out/ld-auto/lib
"$out/ld-auto/python.km" -v -c 'import kmhello' 2>"$out/verbose.txt"
grep -q "code object from '$lib/kmhello/__pycache__/__init__.cpython-311.pyc'" "$out/verbose.txt"
grep -q "code object from '$lib/__pycache__/_kmpack_finder.cpython-311.pyc'" "$out/verbose.txt"
echo 'EDITED = 1' >>"$lib/kmhello/__init__.py"
"$out/ld-auto/python.km" -c 'import kmhello; assert kmhello.EDITED == 1'
pass
linkers=0 # installed, so checked
for ld in lld mold bfd; do
  case $ld in lld) prog=ld.lld mark='Linker: .*LLD' ;; mold) prog=mold mark='mold' ;; bfd) prog=ld.bfd mark='' ;; esac
  command -v "$prog" >/dev/null || { echo "note: $prog not installed, --ld $ld not checked"; continue; }
  linkers=$((linkers + 1))
  "$kmpack" link -B "$build" --modules kmhello,kmcpp -o "$out/ld-$ld" --ld "$ld" -q
  grep -q -- "-fuse-ld=$ld" "$out/ld-$ld/.debug/python.km.linkline"
  if [ -n "$mark" ]; then
    comment "$out/ld-$ld/python.km"
    grep -q "$mark" "$out/comment.txt" || fail "--ld $ld: no '$mark' in .comment"
  elif comment "$out/ld-$ld/python.km" && grep -Eq 'LLD|mold' "$out/comment.txt"; then
    fail "--ld $ld linked with another linker"
  fi
  "$out/ld-$ld/python.km" "$src/examples/kmhello/kmcheck.py"
  "$out/ld-$ld/python.km" "$src/examples/kmcpp/kmcheck.py"
  pass
done
"$kmpack" link -B "$build" --modules kmhello -o "$out/ld-default" --ld default -q
if grep -q -- '-fuse-ld' "$out/ld-default/.debug/python.km.linkline"; then
  fail "--ld default added a -fuse-ld"
fi
pass
if PATH=/nonexistent "$kmpack" link -B "$build" -o "$out/ld-none" --ld lld 2>"$out/err.txt"; then
  fail "--ld lld without ld.lld was accepted"
fi
grep -q "ld.lld is not on PATH (Debian: apt-get install lld), or use --ld auto" "$out/err.txt"
pass
if "$kmpack" link -B "$build" -o "$out/ld-both" --ld lld --cc 'gcc -static -fuse-ld=mold' 2>"$out/err.txt"; then
  fail "--ld lld with -fuse-ld=mold in --cc was accepted"
fi
grep -q "contradicts -fuse-ld=mold in --cc" "$out/err.txt"
pass

# A link that fails with the linker kmpack chose says so, and how to do without.
mkdir -p "$out/fakebin"
printf '#!/bin/sh\necho "fake ld.lld: cannot link" >&2\nexit 1\n' >"$out/fakebin/ld.lld"
chmod +x "$out/fakebin/ld.lld"
if PATH=$out/fakebin:$PATH "$kmpack" link -B "$build" --modules kmhello -o "$out/ld-broken" 2>"$out/err.txt"; then
  fail "a failing ld.lld linked"
fi
grep -q "fake ld.lld: cannot link" "$out/err.txt"
grep -q "the linker was lld (--ld auto: the fastest installed); --ld default links with the compiler's own" "$out/err.txt"
[ ! -e "$out/ld-broken/python.km" ] || fail "a failed link left python.km"
PATH=$out/fakebin:$PATH "$kmpack" link -B "$build" --modules kmhello -o "$out/ld-broken" --ld default -q
"$out/ld-broken/python.km" "$src/examples/kmhello/kmcheck.py"
pass

# A -fuse-ld= in --cc wins over --ld auto, and is not given twice.
"$kmpack" link -B "$build" -o "$out/mold" --cc 'gcc -static -fuse-ld=mold' --progress plain >"$out/mold.txt"
grep -q "python.km: linking with mold (-fuse-ld=mold in --cc)" "$out/mold.txt"
[ "$(grep -o -- '-fuse-ld=[a-z]*' "$out/mold/.debug/python.km.linkline")" = "-fuse-ld=mold" ]
"$out/mold/python.km" "$src/examples/smoke.py"
pass

# The link line file re-creates python.km.
rm "$out/mold/python.km"
sh "$out/mold/.debug/python.km.linkline" >/dev/null 2>&1
"$out/mold/python.km" "$src/examples/smoke.py"
pass

# --cpython-tree: libpython and Programs/python.o from a build tree (here one
# made of the interpreter's own files).
libpl=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["python"]["libpl"])' \
  "$build/kmpack-build.json")
mkdir -p "$out/tree/Programs"
ln -s "$libpl/libpython3.11.a" "$out/tree/libpython3.11.a"
ln -s "$libpl/python.o" "$out/tree/Programs/python.o"
"$kmpack" link -B "$build" -o "$out/tree-dist" --cpython-tree "$out/tree"
grep -q -- "$out/tree/libpython3.11.a" "$out/tree-dist/.debug/python.km.linkline"
"$out/tree-dist/python.km" "$src/examples/smoke.py"
pass
rm "$out/tree/libpython3.11.a"
if "$kmpack" link -B "$build" -o "$out/tree-dist2" --cpython-tree "$out/tree" 2>"$out/err.txt"; then
  fail "a tree without libpython was accepted"
fi
grep -q "no libpython3.11.a (--cpython-tree wants" "$out/err.txt"
pass

# --libc=used and no main table: only the weak-reference binding pulls
# pthread_equal out of libc.a, and kmweak's library still finds its threads;
# kmlibc's abs (nothing calls it) is not there.
"$kmpack" link -B "$build" --modules kmweak,kmlibc -o "$out/libc-used" --libc=used --no-main-table -v \
  --progress plain >"$out/libc-used.txt"
grep -q "python.km: weak reference to pthread_equal bound to libc.a's definition" "$out/libc-used.txt"
grep -q -- "-Wl,--undefined=pthread_equal" "$out/libc-used/.debug/python.km.linkline"
"$out/libc-used/python.km" "$src/examples/kmweak/kmcheck.py"
if "$out/libc-used/python.km" "$src/examples/kmlibc/kmcheck.py" 2>"$out/err.txt"; then
  fail "--libc=used found abs, which nothing calls"
fi
grep -q "undefined symbol: abs" "$out/err.txt"
pass

# 14 variants, and one per installed linker.
expected=$((14 + linkers))
[ "$passed" -eq "$expected" ] || fail "$passed variants checked, $expected expected"
echo "$passed passed, 0 failed"
