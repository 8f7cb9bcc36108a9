#!/usr/bin/env bash
# The shared module cache, on a subset of the examples and a cache of the
# test's own (its interpreters/ and sources/ those of the per-user cache, so
# the interpreter is not built again):
#   1. a build fills the empty cache;
#   2. a fresh build directory fetches every module, the interpreter's shared
#      modules too: no package build runs, the artifacts are byte-identical,
#      python.km passes the examples' checks; the entries hold no source of
#      the build trees, only what the links read, and with the stamps gone
#      the fetched modules are renamed again to the same artifacts;
#   3. an entry damaged in place is named in a warning, that module alone is
#      built, and its entry stored again (the next fresh build fetches all);
#   4. two builds at once into one empty cache both succeed, and the cache
#      is whole afterwards (a third build fetches every module, warns of
#      nothing, and no temporary is left);
#   5. a cache on a full disk (a 32 KB tmpfs; root only, else not checked):
#      a warning per module not stored, the build succeeds, nothing is
#      half-published.
# Usage: module_cache.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 work=$4
unset KMPACK_NO_MODULE_CACHE
user_cache=${KMPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kmpack}
examples=(kmhello kmshared kmsame kmcpp kmcython kmpure kmzlib kmmeson)
rm -rf "$work"
mkdir -p "$work"
cp -r "$src/examples" "$work/"
for e in "${examples[@]}"; do grep -E "^$e " "$src/modules.txt"; done >"$work/modules.txt"
new_cache() {
  mkdir -p "$1"
  mkdir -p "$user_cache/interpreters" "$user_cache/sources"
  ln -s "$user_cache/interpreters" "$1/interpreters"
  ln -s "$user_cache/sources" "$1/sources"
}
new_cache "$work/cache"

build() { # NAME CACHE [ARGS...]: a build into $work/NAME, its output in $work/NAME.log
  local name=$1 cache=$2
  shift 2
  (cd "$work" && "$kmpack" build modules.txt --python "$python" -B "$name" --cache-dir "$cache" \
      --progress=plain "$@") >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log"; echo "FAILED: the build $name"; exit 1; }
}
# The summary's status of each module, "NAME STATUS" per line.
states() { grep -E '^[A-Za-z0-9_.-]+ +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s  ' "$1" | sed -E 's/^([^ ]+) +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s  /\1 /'; }
count_state() { states "$1" | grep -cE " $2(, pure Python)?\$" || true; }
modules=$((${#examples[@]} + 1)) # and the interpreter

build cold "$work/cache"
[ "$(count_state "$work/cold.log" built)" = "$modules" ] ||
  { states "$work/cold.log"; echo "FAILED: the first build did not build every module"; exit 1; }
[ "$(ls "$work/cache/modules" | wc -l)" = "$modules" ] ||
  { ls -la "$work/cache/modules"; echo "FAILED: not one entry per module in the cache"; exit 1; }

# 2. A fresh build directory: every module fetched, nothing built.
build warm "$work/cache"
[ "$(count_state "$work/warm.log" 'fetched from cache')" = "$modules" ] ||
  { states "$work/warm.log"; echo "FAILED: not every module fetched from the cache"; exit 1; }
if grep -E '^[A-Za-z0-9_.-]+: (build|build/pip|fetch|rename)$' "$work/warm.log"; then
  echo "FAILED: the warm build built or renamed something"; exit 1
fi
compare_artifacts() { # the artifacts of $work/warm are those of $work/cold; sets $compared
  compared=0
  while IFS= read -r -d '' f; do
    cmp "$work/cold/$f" "$work/warm/$f"
    compared=$((compared + 1))
  done < <(cd "$work/cold" && find modules -name '*.km.json' -print0 -o -name '*.km.symmap' -print0 \
             -o -name '*.km.symbols.c' -print0 -o -name '*.km.lib.a' -print0 -o -name '*.km.stamp' -print0)
  [ "$compared" -ge 100 ] || { echo "FAILED: only $compared artifacts compared"; exit 1; }
}
compare_artifacts
diff -r "$work/cold/dist/lib" "$work/warm/dist/lib"
for e in "${examples[@]}"; do "$work/warm/dist/python.km" "$work/examples/$e/kmcheck.py" >/dev/null; done

# 2b. Of a build's working directories (the source with its build tree,
# meson's, pip's) an entry holds only what the links read, no source file;
# and that is enough to rename again: with the warm build's stamps gone,
# every example's .so is renamed from the fetched objects, as in the cold build.
if find "$work/cache/modules" -path '*/tree/src/*' \( -name '*.c' -o -name '*.cpp' -o -name '*.pyx' -o -name '*.py' \) |
   grep .; then
  echo "FAILED: an entry holds sources of a build tree"; exit 1
fi
for e in "${examples[@]}"; do find "$work/warm/modules/$e" -name '*.km.stamp' -delete; done
(cd "$work" && "$kmpack" build modules.txt --python "$python" -B warm --cache-dir "$work/cache" --progress=plain) \
  >"$work/renamed.log" 2>&1 || { cat "$work/renamed.log"; echo "FAILED: renaming the fetched modules again"; exit 1; }
renamed=$(grep -cE '^[A-Za-z0-9_.-]+: rename$' "$work/renamed.log" || true)
[ "$renamed" -ge 7 ] || { cat "$work/renamed.log"; echo "FAILED: $renamed modules renamed again, not 7"; exit 1; }
compare_artifacts
for e in "${examples[@]}"; do "$work/warm/dist/python.km" "$work/examples/$e/kmcheck.py" >/dev/null; done

# 3. One entry damaged in place: named, that module built, stored again.
so=$(find "$work/cache/modules" -path '*/tree/lib/kmhello/*.so' | head -1)
[ -n "$so" ] || { echo "FAILED: no entry holds kmhello"; exit 1; }
entry=${so%%/tree/*}
printf 'X' | dd of="$so" bs=1 seek=100 conv=notrunc status=none
build damaged "$work/cache"
grep -q "^kmhello: warning: the module cache's entry $entry is bad ($so: another MD5 than when stored); building kmhello and storing it again\$" "$work/damaged.log" ||
  { cat "$work/damaged.log"; echo "FAILED: no warning naming the damaged entry"; exit 1; }
[ "$(states "$work/damaged.log" | grep '^kmhello ')" = "kmhello built" ] &&
  [ "$(count_state "$work/damaged.log" 'fetched from cache')" = $((modules - 1)) ] ||
  { states "$work/damaged.log"; echo "FAILED: not kmhello alone built"; exit 1; }
"$work/damaged/dist/python.km" "$work/examples/kmhello/kmcheck.py" >/dev/null
build again "$work/cache"
[ "$(count_state "$work/again.log" 'fetched from cache')" = "$modules" ] ||
  { states "$work/again.log"; echo "FAILED: the damaged entry was not stored again"; exit 1; }

# 4. Two builds at once into one empty cache.
new_cache "$work/cache2"
(cd "$work" && "$kmpack" build modules.txt --python "$python" -B one --cache-dir "$work/cache2" --progress=plain \
   >"$work/one.log" 2>&1) & one=$!
(cd "$work" && "$kmpack" build modules.txt --python "$python" -B two --cache-dir "$work/cache2" --progress=plain \
   >"$work/two.log" 2>&1) & two=$!
wait "$one" || { cat "$work/one.log"; echo "FAILED: the first of the concurrent builds"; exit 1; }
wait "$two" || { cat "$work/two.log"; echo "FAILED: the second of the concurrent builds"; exit 1; }
"$work/one/dist/python.km" "$work/examples/kmcpp/kmcheck.py" >/dev/null
"$work/two/dist/python.km" "$work/examples/kmcpp/kmcheck.py" >/dev/null
if ls -A "$work/cache2/modules" | grep -v -E '^[0-9a-f]{32}$'; then echo "FAILED: a temporary left in the cache"; exit 1; fi
build after "$work/cache2"
[ "$(count_state "$work/after.log" 'fetched from cache')" = "$modules" ] && ! grep -q 'warning' "$work/after.log" ||
  { cat "$work/after.log"; echo "FAILED: the cache two builds filled at once is not whole"; exit 1; }
# 5. A full disk under the cache.
full=skipped
mkdir -p "$work/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=32k tmpfs "$work/full" 2>/dev/null; then
  trap 'umount "$work/full" 2>/dev/null || umount -l "$work/full"' EXIT
  new_cache "$work/full"
  grep -E '^kmhello ' "$work/modules.txt" >"$work/one-module.txt"
  (cd "$work" && "$kmpack" build one-module.txt --python "$python" -B full-build --cache-dir "$work/full" \
     --progress=plain) >"$work/full.log" 2>&1 || { cat "$work/full.log"; echo "FAILED: the build with a full cache"; exit 1; }
  grep -q '^kmhello: warning: not stored in the module cache: .*no space left on device' "$work/full.log" ||
    { cat "$work/full.log"; echo "FAILED: no warning that kmhello was not stored"; exit 1; }
  if [ -n "$(ls -A "$work/full/modules")" ]; then ls -la "$work/full/modules"; echo "FAILED: something half-published"; exit 1; fi
  "$work/full-build/dist/python.km" "$work/examples/kmhello/kmcheck.py" >/dev/null
  umount "$work/full" 2>/dev/null || umount -l "$work/full"
  trap - EXIT
  full=checked
fi
rm -rf "$work"
echo "ok module_cache: $modules modules fetched, $compared artifacts identical, a damaged entry rebuilt, two builds at once, a full disk $full"
