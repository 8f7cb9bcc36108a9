#!/usr/bin/env bash
# The output directory of a build is what people ship: it must run from
# wherever it is copied and in an empty root, with nothing of the build
# machine in it.
#   - python.km is a plain static executable (no .dynamic section), stripped,
#     with a .gnu_debuglink to .debug/python.km.debug, which gdb finds there;
#   - no file below dist/ (but .debug/, which is not shipped) names the build directory, the source checkout or
#     the directory a built interpreter lives in;
#   - a copy elsewhere runs every example's checks, sys.prefix, sysconfig and
#     sys.path answer for the copy, and a line a user adds to python.km._pth
#     stays in sys.path, site-packages or not;
#   - dist/ alone in an empty directory, under chroot (as root, or in a user
#     namespace), runs every example's checks and the standard modules
#     STDLIB_MODULES (comma-separated) lists.
# Usage: relocatable.sh BUILD_DIR SOURCE_DIR STDLIB_MODULES
# Exits 77 (skipped) only for the empty-root part, when neither root nor a
# user namespace is at hand.
set -euo pipefail
# shellcheck source=empty_root.sh
source "$(dirname "$0")/empty_root.sh"
build=$1 src=$2 stdlib_modules=$3
dist=$build/dist
work=$(mktemp -d /tmp/kmpack-relocatable.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
pass() { passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; exit 1; }

# A plain static executable, stripped, linked to its debug information.
sections=$(readelf -S -W "$dist/python.km")
if grep -qE '\.dynamic|\.interp' <<<"$sections"; then fail "python.km has a .dynamic or .interp section"; fi
if grep -qE '\.debug_|\.symtab' <<<"$sections"; then fail "python.km is not stripped"; fi
grep -q '\.gnu_debuglink' <<<"$sections" || fail "python.km has no .gnu_debuglink"
[ -s "$dist/.debug/python.km.debug" ] || fail "$dist/.debug/python.km.debug is missing"
# (grep -q would end the pipe early: readelf's SIGPIPE fails it under pipefail)
debug_sections=$(readelf -S -W "$dist/.debug/python.km.debug")
grep -q '\.debug_info' <<<"$debug_sections" || fail "python.km.debug holds no .debug_info"
grep -q '\.comment' <<<"$sections" || fail "python.km lost its .comment (which names the linker)"
pass

# Nothing of the build machine below dist/.
interpreter_dir=$("$dist/python.km" -c 'import json, sys; print(json.load(open(sys.argv[1]))["interpreter_dir"])' \
  "$build/kmpack-build.json")
for path in "$build" "$src" ${interpreter_dir:+"$interpreter_dir"}; do
  if found=$(grep -rlF --exclude-dir=.debug -- "$path" "$dist"); then
    fail "files below dist/ name $path: $(head -n 5 <<<"$found" | tr '\n' ' ')"
  fi
done
pass

# A copy elsewhere, with a line of the user's own in python.km._pth.
copy=$work/elsewhere/dist
mkdir -p "$work/elsewhere"
cp -r "$dist" "$copy"
mkdir -p "$copy/extra/site-packages"
printf 'extra/site-packages\n' >>"$copy/python.km._pth"
"$copy/python.km" - "$copy" <<'EOF'
import os, sys, sysconfig
copy = os.path.realpath(sys.argv[1])
assert os.path.realpath(sys.prefix) == copy, (sys.prefix, copy)
assert os.path.realpath(sys.exec_prefix) == copy, (sys.exec_prefix, copy)
for name, path in sysconfig.get_paths().items():
    assert (os.path.realpath(path) + os.sep).startswith(copy + os.sep), (name, path)
want = [os.path.join(copy, p) for p in ("lib", "lib/python%d.%d" % sys.version_info[:2], "extra/site-packages")]
assert [os.path.realpath(p) for p in sys.path] == want, (sys.path, want)
for key in ("prefix", "exec_prefix", "LIBDIR", "INCLUDEPY"):
    value = sysconfig.get_config_var(key)
    assert value is None or os.path.realpath(value).startswith(copy), (key, value)
print("ok relocated:", sys.prefix)
EOF
pass
for check in "$src"/examples/*/kmcheck.py; do
  "$copy/python.km" "$check"
  pass
done

# dist/ alone in an empty root.
root=$work/root
mkdir -p "$root/checks"
cp -r "$dist" "$root/dist"
write_root_checks "$root" "$src" "$stdlib_modules"
in_root_command "$root"
for check in "$root"/checks/*.py; do
  env -i "${in_root[@]}" /dist/python.km "/checks/$(basename "$check")"
  pass
done
echo "$passed passed, 0 failed"
