#!/usr/bin/env bash
# Pure-Python packages as modules.txt lines: from a source directory and
# from pure wheels made here with 'pip wheel' (offline). Checks that
#   - the build reports them "pure Python" and python.km imports them, with
#     an extension package (kmcython) that imports one of them;
#   - importlib.metadata finds a wheel's distribution (its .dist-info);
#   - a PEP 420 namespace package (kmns) spans two lines;
#   - a second build rebuilds nothing ("up to date, pure Python");
#   - a compiled wheel and a wheel for another Python are refused at their
#     line, exit 1, with the reason and what to give instead.
# Usage: wheel.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$(realpath "$3") work=$4
rm -rf "$work"
mkdir -p "$work/wheels" "$work/kmextra/kmns/extra"
passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; exit 1; }

# Another distribution with a portion of the namespace kmns, and both wheels.
cat >"$work/kmextra/setup.py" <<'PY'
from setuptools import setup
setup(name="kmextra", version="2.5", packages=["kmns.extra"])
PY
echo 'PORTION = "kmextra"' >"$work/kmextra/kmns/extra/__init__.py"
for dir in "$src/examples/kmpure" "$work/kmextra"; do
  cp -r "$dir" "$work/copy-$(basename "$dir")"
  "$python" -m pip wheel --no-deps --no-build-isolation --no-index -q -w "$work/wheels" "$work/copy-$(basename "$dir")" \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; fail "pip wheel of $dir"; }
done
ls "$work/wheels/kmpure-1.0-py3-none-any.whl" "$work/wheels/kmextra-2.5-py3-none-any.whl" >/dev/null
pass

cat >"$work/modules.txt" <<EOF2
kmpure     wheels/kmpure-1.0-py3-none-any.whl
kmextra    wheels/kmextra-2.5-py3-none-any.whl
kmcython   $src/examples/kmcython
EOF2
"$kmpack" build "$work/modules.txt" --python "$python" -B "$work/b" --progress=plain >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "the build with wheels failed"; }
grep -qE '^kmpure +0 +0 .*built, pure Python$' "$work/build.log" || fail "kmpure is not reported pure: $(grep kmpure "$work/build.log")"
grep -qE '^kmextra +0 +0 .*built, pure Python$' "$work/build.log" || fail "kmextra is not reported pure"
pass
"$work/b/dist/python.km" - <<'PY'
import importlib.metadata as md
import kmcython, kmns.extra, kmns.pure, kmpure
assert kmcython.fib_text(7) == "the 7th Fibonacci number is 13", kmcython.fib_text(7)
assert md.version("kmpure") == "1.0" and md.version("kmextra") == "2.5", (md.version("kmpure"), md.version("kmextra"))
assert kmns.pure.PORTION == "kmpure" and kmns.extra.PORTION == "kmextra"
assert len(list(kmns.__path__)) == 1, list(kmns.__path__)  # one lib/, both portions in it
print("ok wheels: kmcython imports kmpure, metadata, namespace kmns")
PY
pass
"$work/b/dist/python.km" "$src/examples/kmpure/kmcheck.py"
pass

"$kmpack" build "$work/modules.txt" --python "$python" -B "$work/b" --progress=plain >"$work/again.log" 2>&1 ||
  { cat "$work/again.log"; fail "the second build failed"; }
grep -qE '^kmpure +0 +0 .*up to date, pure Python$' "$work/again.log" || fail "the second build rebuilt kmpure"
pass

# Refused: compiled code, another Python. Nothing is built.
refuse() { # WHEEL_NAME EXPECTED_TEXT
  cp "$work/wheels/kmpure-1.0-py3-none-any.whl" "$work/wheels/$1"
  printf 'bad wheels/%s\n' "$1" >"$work/bad.txt"
  status=0
  "$kmpack" build "$work/bad.txt" --python "$python" -B "$work/bad" >"$work/bad.log" 2>&1 || status=$?
  [ "$status" -eq 1 ] || fail "$1: exit status $status, not 1: $(cat "$work/bad.log")"
  grep -qF "$2" "$work/bad.log" || fail "$1: the message lacks '$2': $(cat "$work/bad.log")"
  pass
}
refuse kmpure-1.0-cp311-cp311-linux_x86_64.whl "bad.txt:1: source 'wheels/kmpure-1.0-cp311-cp311-linux_x86_64.whl' is a wheel with compiled code (cp311-linux_x86_64)"
refuse kmpure-1.0-py2-none-any.whl "is a wheel for py2, which Python 3.11 cannot import; give a wheel for Python 3.11 (py3) or the package's source"
echo "$passed passed, 0 failed"
