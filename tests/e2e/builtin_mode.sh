#!/usr/bin/env bash
# `kmpack link --mode=builtin` on an existing build: every example's checks
# pass with the extension modules linked as built-in modules, which
# sys.builtin_module_names lists (and the registry-mode python.km does not);
# BuiltinImporter creates them, also without kmpack's finder (an embedder's
# view); __file__ names the package path; dlopen()/dlsym of the libraries
# still work (kmhello, kmdeps); threads import them at once.
# Usage: builtin_mode.sh KMPACK BUILD_DIR SOURCE_DIR
set -euo pipefail
kmpack=$1 build=$2 src=$3
out=$build/builtin
rm -rf "$out"
mkdir -p "$out"
passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; exit 1; }

"$kmpack" link -B "$build" --mode=builtin -o "$out/dist" -j 2 --progress=plain >"$out/link.txt"
grep -q "built-in" "$out/link.txt" || fail "the link does not say how many modules are built-in"
grep -q km_inittab.o "$out/dist/.debug/python.km.linkline" || fail "km_inittab.o is not linked"
pass

# Every example's own checks, one python.km run each.
for check in "$src"/examples/*/kmcheck.py; do
  "$out/dist/python.km" "$check"
  pass
done

# Built-in modules under their full names, imported by BuiltinImporter through
# the finder; __file__ and __spec__.origin name the package path.
cat >"$out/builtin_check.py" <<'EOF'
import _imp
import importlib
import os
import sys
from _frozen_importlib import BuiltinImporter

MODULES = ["kmhello._hello", "kmshared.alpha", "kmshared.beta", "kmsame.one.util", "kmsame.two.util",
           "kmcpp._cpp", "kmcython.fastmath", "kmcython.shapes", "kmzlib._kmz", "kmlocal.m1", "kmlocal.m2",
           "kmdeps._user", "kmdeps._loader", "kmmeson._fast", "kmmypyc.shapes", "kmmypyc.solids",
           "kmmypyc.one.util", "kmmypyc.two.util", "kmpybind._core", "kmpybind._ops"]
mode = sys.argv[1]
lib = os.path.join(os.path.dirname(sys.executable), "lib")
suffix = _imp.extension_suffixes()[0]
for name in MODULES:
    assert (name in sys.builtin_module_names) == (mode == "builtin"), (mode, name)
# A plain C library of a package (no PyInit_) stays a library: dlopen() only.
assert "kmdeps.libkmcore" not in sys.builtin_module_names
for name in MODULES:
    m = importlib.import_module(name)
    assert m.__name__ == name, (name, m.__name__)
    loader = m.__spec__.loader
    if mode == "builtin":
        assert loader is BuiltinImporter, (name, loader)
    else:
        assert type(loader).__name__ == "ExtensionFileLoader", (name, loader)
    want = os.path.join(lib, *name.split(".")) + suffix
    assert m.__file__ == want and m.__spec__.origin == want, (name, m.__file__, m.__spec__.origin)
finder = sys.modules["_kmpack_finder"].ExtensionFinder
assert sys.meta_path[0] is finder, sys.meta_path  # both modes: ahead of the path finder
print(f"ok {mode}: {len(MODULES)} modules")
EOF
"$out/dist/python.km" "$out/builtin_check.py" builtin
pass
"$build/dist/python.km" "$out/builtin_check.py" registry
pass

# Without kmpack's finder, as for an embedder that runs Py_Initialize without
# it (python.km._pth's "import site" wins over -S, so it is taken out here):
# BuiltinImporter creates the module from its own spec, which has no
# location, so the module has no __file__; and it refuses submodules.
"$out/dist/python.km" -c '
import sys
sys.meta_path[:] = [f for f in sys.meta_path if f.__module__ != "_kmpack_finder"]
import kmzlib
from _frozen_importlib import BuiltinImporter, _load
assert BuiltinImporter.find_spec("kmzlib._kmz", kmzlib.__path__) is None
spec = BuiltinImporter.find_spec("kmzlib._kmz")
assert spec is not None and spec.loader is BuiltinImporter and spec.origin == "built-in", spec
m = _load(spec)
assert m.crc32(b"hello") == 907060870 and sys.modules["kmzlib._kmz"] is m
assert not hasattr(m, "__file__"), m.__file__
print("ok: built-in without the finder")'
pass

# No files at the extension modules' places: nothing changes, and dlopen()
# of __file__ (kmhello) and of libkmcore (kmdeps) resolve from the registry.
"$kmpack" link -B "$build" --mode=builtin -o "$out/nofiles" -q
find "$out/nofiles/lib" \( -name '*.so' -o -name '*.km.id' \) -delete
"$out/nofiles/python.km" "$src/examples/smoke.py"
pass

# Threads importing and calling the built-in modules at once.
"$out/dist/python.km" "$src/tests/e2e/threads.py"
pass

# A mode that does not exist is refused by name, for both commands.
for cmd in link build; do
  if "$kmpack" $cmd -B "$build" --mode=foo -o "$out/bad" 2>"$out/err.txt"; then
    fail "$cmd --mode=foo was accepted"
  fi
  grep -q -- "--mode: foo not in {registry,builtin}" "$out/err.txt" || { cat "$out/err.txt"; fail "$cmd --mode=foo"; }
  [ ! -e "$out/bad" ] || fail "$cmd --mode=foo made $out/bad"
  "$kmpack" $cmd --help >"$out/help.txt"
  grep -q -- "--mode TEXT:{registry,builtin}=registry" "$out/help.txt" || fail "$cmd --help has no --mode"
  pass
done
echo "$passed passed, 0 failed"
