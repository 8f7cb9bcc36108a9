#!/usr/bin/env bash
# --onefile: python.km alone is the whole run-time tree. Relinks the e2e
# build into an output directory of its own, first as a directory (so that
# the one-file link is seen to remove lib/ and python.km._pth), then as one
# file, and checks:
#   - the output directory holds python.km alone (and .debug/), a plain
#     static stripped executable;
#   - no member of its archive names the build directory, the source
#     checkout or the built interpreter's directory;
#   - python.km alone in an empty root (chroot, or a user namespace) runs
#     every example's checks and imports STDLIB_MODULES; sys.prefix,
#     sys.path, sysconfig and os.__file__ name the file; a traceback shows
#     the standard library's source line, and "<frozen os>" for a module
#     CPython freezes (as a dynamic python3 does; with -X
#     frozen_modules=off, the archive's source); it starts by PATH and through a
#     symbolic link; zipimport uses the directory kmpack marshalled;
#   - a stripped copy says that its archive is gone, and exits 1.
# Usage: onefile.sh KMPACK BUILD_DIR SOURCE_DIR STDLIB_MODULES
# Exits 77 (skipped) only for the empty-root part, when neither root nor a
# user namespace is at hand.
set -euo pipefail
# shellcheck source=empty_root.sh
source "$(dirname "$0")/empty_root.sh"
kmpack=$1 build=$(realpath "$2") src=$(realpath "$3") stdlib_modules=$4
work=$(mktemp -d /tmp/kmpack-onefile.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$work/out
passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; exit 1; }

"$kmpack" link -B "$build" -o "$out" --progress=plain >"$work/link-dir.log" 2>&1 ||
  { cat "$work/link-dir.log"; fail "the directory-mode link failed"; }
[ -d "$out/lib" ] && [ -f "$out/python.km._pth" ] || fail "the directory-mode link wrote no lib/ or ._pth"
"$kmpack" link -B "$build" -o "$out" --onefile --progress=plain >"$work/link.log" 2>&1 ||
  { cat "$work/link.log"; fail "the --onefile link failed"; }
grep -q 'in one file' "$work/link.log" || fail "the link did not say it made one file: $(tail -n 3 "$work/link.log")"
listing=$(cd "$out" && ls -A)
[ "$listing" = "$(printf '.debug\n.kmpack.lock\npython.km')" ] || fail "the output directory holds more: $listing"
pass

sections=$(readelf -S -W "$out/python.km")
if grep -qE '\.dynamic|\.interp' <<<"$sections"; then fail "python.km has a .dynamic or .interp section"; fi
if grep -qE '\.debug_|\.symtab' <<<"$sections"; then fail "python.km is not stripped"; fi
pass

# Nothing of the build machine in any member (most are deflated: read them).
interpreter_dir=$("$out/python.km" -c 'import json, sys; print(json.load(open(sys.argv[1]))["interpreter_dir"])' \
  "$build/kmpack-build.json")
"$out/python.km" - "$out/python.km" "$build" "$src" ${interpreter_dir:+"$interpreter_dir"} <<'EOF'
import sys, zipfile
archive, *paths = sys.argv[1:]
z = zipfile.ZipFile(archive)
names = z.namelist()
assert "lib/python3.11/os.py" in names and "lib/python3.11/os.pyc" in names, names[:20]
assert "lib/_kmpack_finder.pyc" in names and "lib/kmhello/data/greeting.txt" in names
assert not [n for n in names if "__pycache__" in n], "a __pycache__ member"
bad = [(n, p) for n in names for p in paths if p.encode() in z.read(n)]
assert not bad, "members name the build machine: %s" % bad[:5]
print("ok archive: %d members" % len(names))
EOF
pass

# The one file, alone in an empty root.
root=$work/root
mkdir -p "$root/checks" "$root/bin"
cp "$out/python.km" "$root/python.km"
ln -s ../python.km "$root/bin/py"
write_root_checks "$root" "$src" "$stdlib_modules"
cat >"$root/checks/layout.py" <<'EOF'
import json, os, sys, sysconfig, traceback
exe = "/python.km"
stdlib = exe + "/lib/python%d.%d" % sys.version_info[:2]
assert sys.prefix == exe and sys.exec_prefix == exe, (sys.prefix, sys.exec_prefix)
assert sys.path == [exe + "/lib", stdlib], sys.path
assert sysconfig.get_paths()["stdlib"] == stdlib, sysconfig.get_paths()
assert os.__file__.startswith(stdlib + "/os.py"), os.__file__
assert json.__file__.startswith(stdlib + "/json/__init__.py"), json.__file__
assert sys.flags.isolated == 1, sys.flags
# The directory kmpack marshalled is the one in use: it lacks its own member,
# which zipimport's own reading of the archive would list.
import zipimport
files = zipimport._zip_directory_cache[exe]
assert "lib/python3.11/os.py" in files and files["lib/python3.11/os.py"][0] == stdlib + "/os.py", files.get("lib/python3.11/os.py")
assert "kmpack-directory.marshal" not in files, "zipimport read the directory itself"
assert files["lib/python3.11/json/"][0] == stdlib + "/json", files["lib/python3.11/json/"]
try:
    json.loads("not json")
except ValueError:
    text = traceback.format_exc()
assert "json/decoder.py" in text and "raise JSONDecodeError" in text, text
import inspect
assert "def loads(" in inspect.getsource(json.loads)
# The standard modules CPython freezes are frozen, as in a dynamic python3:
# __file__ names the archive's member, a traceback shows "<frozen os>".
import runpy, site
assert sys._stdlib_dir == stdlib, sys._stdlib_dir
for module in (os, site, runpy, zipimport):
    assert module.__spec__.origin == "frozen", module.__spec__
    assert module.__file__ == "%s/%s.py" % (stdlib, module.__name__), module.__file__
try:
    os.environ["KMPACK_NO_SUCH_VARIABLE"]
except KeyError:
    text = traceback.format_exc()
assert 'File "<frozen os>", line ' in text, text
print("ok layout:", sys.executable)
EOF
cat >"$root/checks/unfrozen.py" <<'EOF'
# Run with -X frozen_modules=off: the standard modules come from the
# archive, with their source in tracebacks and for inspect.
import inspect, os, sys, traceback
stdlib = "/python.km/lib/python%d.%d" % sys.version_info[:2]
assert os.__spec__.origin == stdlib + "/os.pyc", os.__spec__
assert "def join(" in inspect.getsource(os.path.join)
try:
    os.environ["KMPACK_NO_SUCH_VARIABLE"]
except KeyError:
    text = traceback.format_exc()
assert "os.py" in text and "raise KeyError(key) from None" in text, text
print("ok unfrozen")
EOF
in_root_command "$root"
for check in "$root"/checks/*.py; do
  if [ "$(basename "$check")" = unfrozen.py ]; then
    env -i "${in_root[@]}" /python.km -X frozen_modules=off /checks/unfrozen.py
  else
    env -i "${in_root[@]}" /python.km "/checks/$(basename "$check")"
  fi
  pass
done
# An uncaught exception's traceback shows the source lines of the archive's
# modules, as a dynamic python3 shows those of its files, from any working
# directory (CPython's own printer reads source from disk only).
message=$(cd "$work" && "$out/python.km" -c 'import json; json.loads("{")' 2>&1) &&
  fail "an uncaught exception ended python.km with status 0"
grep -q 'raise JSONDecodeError("Expecting value", s, err.value) from None\|obj, end = self.scan_once(s, idx)' \
  <<<"$message" || fail "an uncaught exception's traceback lacks the archive's source lines: $message"
grep -q '^json.decoder.JSONDecodeError: Expecting property name' <<<"$message" ||
  fail "an uncaught exception's traceback lacks its last line: $message"
pass

# By PATH, and through a symbolic link.
[ "$(env -i PATH=/ "${in_root[@]}" python.km -c 'import kmhello; print(kmhello.add(40, 2))')" = 42 ] ||
  fail "python.km found by PATH does not run"
pass
[ "$(env -i "${in_root[@]}" /bin/py -c 'import kmhello, sys; print(kmhello.add(1, 2), sys.prefix)')" = "3 /python.km" ] ||
  fail "python.km through a symbolic link does not run from its archive"
pass

# Stripped, it has no archive, and says so.
strip -o "$work/stripped.km" "$out/python.km"
if message=$("$work/stripped.km" -c pass 2>&1); then fail "a stripped --onefile python.km ran"; fi
grep -q 'carries no standard library' <<<"$message" || fail "a stripped python.km says: $message"
pass
echo "$passed passed, 0 failed"
