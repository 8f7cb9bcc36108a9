#!/usr/bin/env bash
# C libraries from source as modules.txt lines (docs/modules-txt.md, "C
# libraries from source"): a library with a hand-written POSIX configure
# (autotools-style, detected) and one with meson (detected), static-only in
# prefixes inside the build directory; a package built against both, found
# through the environment (CPPFLAGS/LDFLAGS, as lxml with xslt-config) and
# pkg-config. python.km runs the libraries' code; nothing of them is in
# dist/; a changed library rebuilds the package after it; a library line
# after a package that links it, and a library that installs no archive,
# are errors naming the lines.
# Usage: clib.sh KMPACK PYTHON WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 work=$3
rm -rf "$work"
mkdir -p "$work/libtiny" "$work/libmtiny" "$work/tinypkg/tinypkg"
fail() { echo "FAILED: $*"; exit 1; }

# A configure script as small projects write by hand: --prefix, --libdir,
# --disable-shared and --name (configure=), CC and CFLAGS from the environment.
cat >"$work/libtiny/configure" <<'SH'
#!/bin/sh
prefix=/usr/local libdir= name=tiny shared=yes
for a; do
  case $a in
    --prefix=*) prefix=${a#--prefix=} ;;
    --libdir=*) libdir=${a#--libdir=} ;;
    --name=*) name=${a#--name=} ;;
    --disable-shared) shared=no ;;
  esac
done
[ -n "$libdir" ] || libdir=$prefix/lib
{ echo "CC=${CC:-cc}"; echo "PREFIX=$prefix"; echo "LIBDIR=$libdir"; echo "NAME=$name"; } >config.mk
cat >Makefile <<'MK'
include config.mk
all: lib$(NAME).a
lib$(NAME).a: tiny.o
	ar rcD $@ tiny.o
tiny.o: tiny.c
	$(CC) $(CFLAGS) -c tiny.c -o tiny.o
install: all
	mkdir -p $(LIBDIR) $(PREFIX)/include
	cp lib$(NAME).a $(LIBDIR)/
	cp tiny.h $(PREFIX)/include/
MK
SH
chmod +x "$work/libtiny/configure"
echo 'int tiny_answer(void);' >"$work/libtiny/tiny.h"
echo 'int tiny_answer(void) { return 42; }' >"$work/libtiny/tiny.c"

cat >"$work/libmtiny/meson.build" <<'MESON'
project('mtiny', 'c', version : '0.3')
lib = library('mtiny', 'mtiny.c', install : true)
install_headers('mtiny.h')
import('pkgconfig').generate(lib, description : 'meson-built example')
MESON
echo 'int mtiny_twice(int x);' >"$work/libmtiny/mtiny.h"
echo 'int mtiny_twice(int x) { return 2 * x; }' >"$work/libmtiny/mtiny.c"

cat >"$work/tinypkg/setup.py" <<'PY'
import shlex, subprocess
from setuptools import Extension, setup
flags = shlex.split(subprocess.check_output(["pkg-config", "--cflags", "--libs", "mtiny"], text=True))
setup(name="tinypkg", version="1.0", packages=["tinypkg"],
      ext_modules=[Extension("tinypkg._tiny", ["tinypkg/_tiny.c"],
                             include_dirs=[f[2:] for f in flags if f.startswith("-I")],
                             library_dirs=[f[2:] for f in flags if f.startswith("-L")],
                             # libtiny has no .pc: CPPFLAGS and LDFLAGS find it
                             libraries=["tiny"] + [f[2:] for f in flags if f.startswith("-l")])])
PY
cat >"$work/tinypkg/tinypkg/__init__.py" <<'PY'
from tinypkg._tiny import answer
PY
cat >"$work/tinypkg/tinypkg/_tiny.c" <<'C'
#include <Python.h>
#include <mtiny.h>
#include <tiny.h>
static PyObject *answer(PyObject *self, PyObject *unused) { return PyLong_FromLong(mtiny_twice(tiny_answer())); }
static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "tinypkg._tiny", NULL, -1, methods};
PyMODINIT_FUNC PyInit__tiny(void) { return PyModule_Create(&module); }
C

printf 'libtiny   libtiny\nlibmtiny  libmtiny\ntinypkg   tinypkg\n' >"$work/modules.txt"
build() { "$kmpack" build "$work/modules.txt" --python "$python" --stdlib=system -B "$work/b" --progress=plain "$@"; }

build >"$work/first.log" 2>&1 || { cat "$work/first.log"; fail "the first build"; }
grep -Eq '^libtiny .*built, C library' "$work/first.log" || { cat "$work/first.log"; fail "libtiny not built as a C library"; }
grep -Eq '^libmtiny .*built, C library' "$work/first.log" || { cat "$work/first.log"; fail "libmtiny not built as a C library"; }
[ -f "$work/b/modules/libtiny/prefix/lib/libtiny.a" ] || fail "no libtiny.a in its prefix"
[ -f "$work/b/modules/libmtiny/prefix/lib/libmtiny.a" ] || fail "no libmtiny.a in its prefix"
grep -q 'tiny.c' "$work/b/modules/libtiny/capture.jsonl" || fail "libtiny's compile not captured"
grep -q 'mtiny.c' "$work/b/modules/libmtiny/capture.jsonl" || fail "libmtiny's compile not captured"
out=$("$work/b/dist/python.km" -c 'import tinypkg; print(tinypkg.answer())')
[ "$out" = 84 ] || fail "python.km's answer: '$out', expected 84"
stray=$(find "$work/b/dist" \( -name '*tiny*.h' -o -name '*.pc' -o -name '*.a' -o -name 'prefix' \) -print)
[ -z "$stray" ] || fail "the libraries left files in dist/: $stray"

build >"$work/again.log" 2>&1 || { cat "$work/again.log"; fail "the second build"; }
[ "$(grep -cE '^(libtiny|libmtiny|tinypkg) .*up to date' "$work/again.log")" = 3 ] ||
  { cat "$work/again.log"; fail "an unchanged build built something again"; }

# A changed library: it and the lines after it are built again; the library before it is not.
echo 'int mtiny_twice(int x) { return 3 * x; }' >"$work/libmtiny/mtiny.c"
build >"$work/changed.log" 2>&1 || { cat "$work/changed.log"; fail "the build after a change"; }
grep -Eq '^libmtiny .* built, C library' "$work/changed.log" || { cat "$work/changed.log"; fail "libmtiny not rebuilt"; }
grep -Eq '^libtiny .*up to date' "$work/changed.log" || { cat "$work/changed.log"; fail "libtiny rebuilt"; }
grep -Eq '^tinypkg .* built' "$work/changed.log" || { cat "$work/changed.log"; fail "tinypkg not rebuilt"; }
out=$("$work/b/dist/python.km" -c 'import tinypkg; print(tinypkg.answer())')
[ "$out" = 126 ] || fail "python.km's answer after the change: '$out', expected 126"

# A library line after a package that links what it installs (zlib: the
# system has one, so the package builds, against the wrong one).
mkdir -p "$work/zpkg/zpkg"
cat >"$work/zpkg/setup.py" <<'PY'
from setuptools import Extension, setup
setup(name="zpkg", version="1.0", packages=["zpkg"],
      ext_modules=[Extension("zpkg._z", ["zpkg/_z.c"], libraries=["z"])])
PY
touch "$work/zpkg/zpkg/__init__.py"
cat >"$work/zpkg/zpkg/_z.c" <<'C'
#include <Python.h>
#include <zlib.h>
static PyObject *version(PyObject *self, PyObject *unused) { return PyUnicode_FromString(zlibVersion()); }
static PyMethodDef methods[] = {{"version", version, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "zpkg._z", NULL, -1, methods};
PyMODINIT_FUNC PyInit__z(void) { return PyModule_Create(&module); }
C
printf 'zpkg zpkg\nlibz libtiny configure=--name=z\n' >"$work/modules.txt"
if build >"$work/order.log" 2>&1; then cat "$work/order.log"; fail "a library line after its user was accepted"; fi
m=$work/modules.txt
grep -q "^kmpack: error: $m:1: zpkg: zpkg/_z\.cpython-[^ ]*\.so links -lz, which the library line $m:2 (libz) builds after it, so its build linked another -lz (the system's) or none; move $m:2 above $m:1\$" "$work/order.log" ||
  { cat "$work/order.log"; fail "no error for the library line after its user"; }

# A library whose build installs no archive.
printf 'libnone libtiny\n' >"$work/modules.txt"
sed -i 's|cp lib$(NAME).a $(LIBDIR)/|true|' "$work/libtiny/configure"
if build >"$work/none.log" 2>&1; then cat "$work/none.log"; fail "a library with no archive was accepted"; fi
grep -q "$work/modules.txt:1: the build of 'libnone' installed no static archive into $work/b/modules/libnone/prefix/lib" "$work/none.log" ||
  { cat "$work/none.log"; fail "no error for a library with no archive"; }
[ ! -f "$work/b/modules/libnone/kmpack-module.json" ] || fail "a failed library build was recorded"

rm -rf "$work"
echo "ok clib: two libraries from source (configure, meson) linked into python.km, rebuilt on change, errors named"
