#!/usr/bin/env bash
# A full disk reported as a full disk, on a 20 MB tmpfs: a link whose output
# does not fit (lld dies of SIGBUS writing its memory-mapped output; GNU ld
# says ENOSPC), kmpack's own write of kmpack-build.json, and the copy of a
# source, each end in "kmpack: error: ... no space left on device (DIR: N MB
# free); free some space there ..." with exit status 1, no linker stack dump
# and no --ld hint, and leave no temporary file; with the space freed, the
# same command then succeeds.
# Usage: disk_full.sh KMPACK PYTHON WORK_DIR
# Exits 77 (skipped) when a tmpfs cannot be mounted (not root, or no
# CAP_SYS_ADMIN in a container).
set -euo pipefail
kmpack=$1 python=$2 dir=$3
fail() { echo "FAILED: $*"; exit 1; }
checks=0
pass() { checks=$((checks + 1)); }

if [ "$(id -u)" -ne 0 ]; then
  echo "disk_full: skipped: mounting a small tmpfs needs root"; exit 77
fi
rm -rf "$dir" && mkdir -p "$dir/mnt"
mnt=$dir/mnt
if ! mount -t tmpfs -o size=20m tmpfs "$mnt" 2>"$dir/mount.log"; then
  echo "disk_full: skipped: cannot mount a tmpfs: $(cat "$dir/mount.log")"; rm -rf "$dir"; exit 77
fi
cleanup() {
  # A linker that crashed may take a moment to let go of the mount.
  for _ in 1 2 3 4 5 6 7 8 9 10; do umount "$mnt" 2>/dev/null && break; sleep 0.5; done
  mountpoint -q "$mnt" && umount -l "$mnt"
  rm -rf "$dir"
}
trap cleanup EXIT

# Leaves `left` MB free on the tmpfs (0: none at all).
fill() {
  rm -f "$mnt/fill"
  if [ "$1" = 0 ]; then
    dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null || true
  else
    local avail=$(($(df -k --output=avail "$mnt" | tail -1) / 1024 - $1))
    [ "$avail" -gt 0 ] && dd if=/dev/zero of="$mnt/fill" bs=1M count="$avail" 2>/dev/null
  fi
  return 0
}
no_temporaries() {
  local left
  left=$(find "$@" -maxdepth 1 -name '.*.tmp.*' 2>/dev/null)
  [ -z "$left" ] || fail "temporaries left: $left"
}
# The error is kmpack's, says the disk is full, and blames no linker.
expect_no_space() { # LOG DIR
  grep -Fq "no space left on device ($2: " "$1" || { cat "$1"; fail "no 'no space left on device ($2: ...' in $1"; }
  grep -q '^kmpack: error: .*no space left on device (.* MB free.*); free some space there' "$1" ||
    { cat "$1"; fail "not a kmpack error with the free space"; }
  if grep -Eq -- '--ld default links|Stack dump|PLEASE submit|internal error' "$1"; then
    cat "$1"; fail "the error blames the linker or dumps its stack"
  fi
  grep '^kmpack: error: ' "$1"
}

mkdir -p "$dir/pkg/tiny"
cat >"$dir/pkg/setup.py" <<'PY'
from setuptools import setup, Extension
setup(name="tiny", version="1.0", packages=["tiny"], ext_modules=[Extension("tiny._m", ["m.c"])])
PY
: >"$dir/pkg/tiny/__init__.py"
cat >"$dir/pkg/m.c" <<'C'
#include <Python.h>
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_m", 0, -1, 0};
PyMODINIT_FUNC PyInit__m(void) { return PyModule_Create(&def); }
C
echo "tiny $dir/pkg" >"$dir/modules.txt"
build=("$kmpack" build --python "$python" --stdlib=system --progress=plain)

# 1. The link's output on a disk with 2 MB left: lld (--ld auto) dies of
#    SIGBUS, GNU ld (--ld default) says ENOSPC.
fill 2
rc=0
"${build[@]}" "$dir/modules.txt" -B "$dir/b" -o "$mnt/dist" >"$dir/link.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$dir/link.log"; fail "a link on a full disk: exit status $rc, not 1"; }
expect_no_space "$dir/link.log" "$mnt/dist"
grep -q "^kmpack: error: linking python.km failed: no space left on device" "$dir/link.log" ||
  { cat "$dir/link.log"; fail "the link's error does not say it is the link's"; }
grep -Fq "python.km: only " "$dir/link.log" || { cat "$dir/link.log"; fail "no note of the space before the link"; }
no_temporaries "$mnt/dist"
pass
rc=0
"$kmpack" link -B "$dir/b" -o "$mnt/dist" --ld default >"$dir/link.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$dir/link.log"; fail "a GNU ld link on a full disk: exit status $rc, not 1"; }
expect_no_space "$dir/link.log" "$mnt/dist"
no_temporaries "$mnt/dist"
pass

# 2. kmpack's own write: a build directory on the tmpfs, filled up after a
#    build; the same modules.txt from elsewhere changes only what
#    kmpack-build.json records, the first file the next build writes.
fill 0 && rm -f "$mnt/fill"
rm -rf "$mnt/dist"
"${build[@]}" "$dir/modules.txt" -B "$mnt/b" -o "$dir/dist" >"$dir/build.log" 2>&1 ||
  { cat "$dir/build.log"; fail "the build on the tmpfs failed with space to spare"; }
mkdir -p "$dir/other" && cp "$dir/modules.txt" "$dir/other/modules.txt"
fill 0
rc=0
"${build[@]}" "$dir/other/modules.txt" -B "$mnt/b" -o "$dir/dist" >"$dir/build.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$dir/build.log"; fail "a write on a full disk: exit status $rc, not 1"; }
expect_no_space "$dir/build.log" "$mnt/b"
grep -Fq "kmpack: error: $mnt/b/kmpack-build.json: cannot write: no space left on device ($mnt/b: 0.0 MB free)" \
  "$dir/build.log" || { cat "$dir/build.log"; fail "the error does not name kmpack-build.json"; }
no_temporaries "$mnt/b"
pass

# 3. A source copied onto a full disk.
rc=0
"${build[@]}" "$dir/modules.txt" -B "$mnt/c" -o "$dir/dist" >"$dir/copy.log" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$dir/copy.log"; fail "a copy on a full disk: exit status $rc, not 1"; }
expect_no_space "$dir/copy.log" "$mnt/c/modules/tiny/src"
pass

# 4. Space freed, the same command succeeds, and python.km imports the module.
rm -f "$mnt/fill"
"${build[@]}" "$dir/other/modules.txt" -B "$mnt/b" -o "$dir/dist" >"$dir/build.log" 2>&1 ||
  { cat "$dir/build.log"; fail "the build with the space freed failed"; }
"$dir/dist/python.km" -c 'import tiny._m' || fail "python.km does not import tiny._m"
pass

echo "$checks checks passed"
