#!/usr/bin/env bash
# The case a library line is for: libxslt, which Debian 12 ships only as a
# shared library (libxslt1-dev has no libxslt.a), built from Debian's own
# source (scripts/debian-source.sh: apt-get source from the machine's
# archive) by a library line, and a package that finds it as lxml does,
# through xslt-config (the prefix's, before the system's on PATH). python.km
# runs an XSLT transform with it. Skipped (77) when the source cannot be
# fetched (no deb entry, no network to the archive).
# Usage: clib_debian.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 work=$4
fail() { echo "FAILED: $*"; exit 1; }
rm -rf "$work"
mkdir -p "$work/vendor" "$work/xpkg/xpkg"
"$src/scripts/debian-source.sh" libxslt "$work/vendor" >"$work/fetch.log" 2>&1 ||
  { cat "$work/fetch.log"; echo "SKIPPED: apt-get source libxslt failed"; exit 77; }
tarball=$(ls "$work"/vendor/libxslt_*.orig.tar.* | grep -v '\.asc$' | head -1)
[ -f "$tarball" ] || { echo "SKIPPED: no libxslt source"; exit 77; }

cat >"$work/xpkg/setup.py" <<'PY'
import shlex, subprocess
from setuptools import Extension, setup
def config(*args):
    return shlex.split(subprocess.check_output(["xslt-config", *args], text=True))
cflags, libs = config("--cflags"), config("--libs")
setup(name="xpkg", version="1.0", packages=["xpkg"],
      ext_modules=[Extension("xpkg._x", ["xpkg/_x.c"],
                             include_dirs=[f[2:] for f in cflags if f.startswith("-I")],
                             library_dirs=[f[2:] for f in libs if f.startswith("-L")],
                             libraries=[f[2:] for f in libs if f.startswith("-l")])])
PY
echo 'from xpkg._x import transform' >"$work/xpkg/xpkg/__init__.py"
cat >"$work/xpkg/xpkg/_x.c" <<'C'
#include <Python.h>
#include <libxml/parser.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
static PyObject *transform(PyObject *self, PyObject *args) {
    const char *xml, *xsl;
    if (!PyArg_ParseTuple(args, "ss", &xml, &xsl))
        return NULL;
    xsltStylesheetPtr style = xsltParseStylesheetDoc(xmlReadMemory(xsl, (int)strlen(xsl), "s.xsl", NULL, 0));
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "d.xml", NULL, 0);
    xmlDocPtr res = xsltApplyStylesheet(style, doc, NULL);
    xmlChar *out = NULL;
    int len = 0;
    xsltSaveResultToString(&out, &len, res, style);
    PyObject *r = PyUnicode_FromStringAndSize((const char *)out, len);
    xmlFree(out);
    xmlFreeDoc(res);
    xmlFreeDoc(doc);
    xsltFreeStylesheet(style);
    return r;
}
static PyMethodDef methods[] = {{"transform", transform, METH_VARARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "xpkg._x", NULL, -1, methods};
PyMODINIT_FUNC PyInit__x(void) { return PyModule_Create(&module); }
C
cat >"$work/modules.txt" <<EOF2
libxslt  $tarball  build=autotools  "configure=--without-python --without-crypto --without-debugger --without-profiler"
xpkg     xpkg
EOF2
"$kmpack" build "$work/modules.txt" --python "$python" --stdlib=system -B "$work/b" --progress=plain \
  >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "the build"; }
grep -Eq '^libxslt .*built, C library' "$work/build.log" || { cat "$work/build.log"; fail "libxslt not a C library"; }
[ -f "$work/b/modules/libxslt/prefix/lib/libxslt.a" ] || fail "no libxslt.a in the prefix"
grep -q -- "-Lmodules/libxslt/prefix/lib" "$work/b/dist/.debug/python.km.linkline" || fail "the link does not search the prefix"
out=$("$work/b/dist/python.km" - <<'PY'
import xpkg
xsl = ('<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
       '<xsl:output method="text"/><xsl:template match="/"><xsl:for-each select="//i">'
       '<xsl:value-of select="."/>+</xsl:for-each></xsl:template></xsl:stylesheet>')
print(xpkg.transform("<r><i>a</i><i>b</i></r>", xsl))
PY
)
[ "$out" = "a+b+" ] || fail "the transform in python.km gave '$out'"
stray=$(find "$work/b/dist" \( -name '*xslt*' -o -name '*.pc' -o -name '*.a' \) -print)
[ -z "$stray" ] || fail "libxslt left files in dist/: $stray"
rm -rf "$work"
echo "ok clib_debian: libxslt from Debian's source, linked into python.km, found through xslt-config"
