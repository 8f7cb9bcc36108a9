#!/usr/bin/env bash
# --launcher ccache, with a private, empty cache: a first build of the
# examples fills it; a second one in a fresh build directory compiles
# nothing (every compile the packages' builds and the link ran went through
# ccache and was a hit, none a miss), and both give byte-identical objects,
# artifacts (.km.json, .km.symmap, .km.symbols.c, .km.lib.a), link line and
# python.km to the build without a launcher (FIRST_BUILD_DIR). The capture
# logs hold the compiler's own argv, never ccache's, and the same build
# without --launcher is up to date: the launcher is in no key.
# Usage: launcher_ccache.sh KMPACK PYTHON SOURCE_DIR FIRST_BUILD_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 first=$4
fail() { echo "FAILED: $*"; exit 1; }
ccache=$(command -v ccache) || { echo "SKIPPED: no ccache (scripts/install-deps.sh installs it)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmpack-ccache.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# ccache's own settings reach it through kmpack untouched: a cache of the
# test's own, no configuration of the machine's or the user's. CCACHE_BASEDIR
# lets two build directories below it share results (kmpack's
# -ffile-prefix-map keeps the directory out of the objects themselves).
for v in $(compgen -e | grep '^CCACHE_' || true); do unset "$v"; done
unset KMPACK_LAUNCHER
export CCACHE_DIR=$tmp/ccache CCACHE_CONFIGPATH=$tmp/ccache.conf CCACHE_BASEDIR=$tmp
: >"$CCACHE_CONFIGPATH"
stat() { "$ccache" --print-stats | awk -v k="$1" '$1 == k { print $2 }'; }

source "$src/tests/e2e/c_examples.sh"
c_examples_manifest "$src" "$tmp/modules.txt"
build() { "$kmpack" build "$tmp/modules.txt" --python "$python" -B "$1" --progress=plain "${@:2}"; }

cold=$tmp/cold warm=$tmp/warm/a/deeper/path
build "$cold" --launcher ccache >"$tmp/cold.out" || { cat "$tmp/cold.out"; fail "the cold build failed"; }
grep -q "^compiles through the launcher $ccache (--launcher)$" "$tmp/cold.out" || fail "the build does not name its launcher"
[ "$(stat cache_miss)" -gt 20 ] || fail "the cold build missed only $(stat cache_miss) times: not through ccache?"

"$ccache" --zero-stats >/dev/null
export CCACHE_LOGFILE=$tmp/ccache.log
build "$warm" --launcher ccache >"$tmp/warm.out" || { cat "$tmp/warm.out"; fail "the warm build failed"; }
unset CCACHE_LOGFILE

# Every compile of the warm build: those the capture logs hold, and the
# link's. meson sets CCACHE_DISABLE for its own compiler checks (in
# meson-private/), so ccache runs those without its cache.
read -r captured probes fortran argv0 < <("$python" - "$warm" <<'PY'
import glob, json, os, sys
compiles = probes = fortran = 0
argv0 = set()
for log in glob.glob(os.path.join(sys.argv[1], "modules", "*", "capture.jsonl")):
    for line in open(log):
        record = json.loads(line)
        argv = record["argv"]
        argv0.add(os.path.basename(argv[0]))
        if ("-c" in argv[1:] or "-S" in argv[1:]) and not {"-E", "-M", "-MM"} & set(argv):
            compiles += 1
            probes += "meson-private" in record["cwd"]
            fortran += any(a.endswith((".f", ".f90", ".F90", ".f95")) for a in argv[1:])
print(compiles, probes, fortran, ",".join(sorted(argv0)))
PY
)
[[ ",$argv0," != *,ccache,* ]] || fail "a capture log records ccache instead of the compiler ($argv0)"
# The link's compiles are "CC -c -O2 ..." (link_command.cpp); the link's
# Python steps have a -c of their own.
link_compiles=$(grep -c -- ' -c -O2 ' "$warm/link.log")
launched_link=$(grep -c "^\$ $ccache .* -c -O2 " "$warm/link.log")
[ "$launched_link" -eq "$link_compiles" ] || fail "$((link_compiles - launched_link)) of the link's compiles did not go through ccache"
! grep "^\$ $ccache" "$warm/link.log" | grep -qv ' -c -O2 ' || fail "a link went through ccache"
hits=$(( $(stat direct_cache_hit) + $(stat preprocessed_cache_hit) ))
misses=$(stat cache_miss)
disabled=$(grep -c 'Result: disabled' "$tmp/ccache.log" || true)
# ccache caches C and C++, not Fortran (examples/kmfortran): it runs those
# compiles without its cache.
unsupported=$(grep -c 'Result: unsupported_source_language' "$tmp/ccache.log" || true)
echo "warm build: $captured compiles captured ($probes meson checks, $fortran of Fortran), $link_compiles in the link;" \
     "ccache: $hits hits, $misses misses, $disabled run without the cache, $unsupported not its language"
[ "$captured" -ge 20 ] || fail "only $captured compiles captured"
[ "$misses" -eq 0 ] || fail "the warm build compiled: $misses ccache misses"
[ "$disabled" -eq "$probes" ] || fail "$disabled calls ran without ccache's cache, $probes meson checks expected"
[ "$fortran" -ge 1 ] || fail "no Fortran compile captured (examples/kmfortran)"
[ "$unsupported" -eq "$fortran" ] || fail "$unsupported compiles not in ccache's languages, $fortran of Fortran expected"
[ "$hits" -eq $((captured - probes - fortran + link_compiles)) ] ||
  fail "$hits ccache hits for $((captured - probes - fortran + link_compiles)) compiles"

# Byte-identical to the cold build and to the build without a launcher.
count=0
cd "$warm"
while IFS= read -r -d '' f; do
  cmp "$f" "$cold/$f"
  cmp "$f" "$first/$f"
  count=$((count + 1))
done < <(find modules -name '*.o' -print0 -o -name '*.km.json' -print0 -o -name '*.km.symmap' -print0 \
           -o -name '*.km.symbols.c' -print0 -o -name '*.km.lib.a' -print0)
[ "$count" -ge 100 ] || fail "only $count objects and artifacts compared"
# (The link line and python.km against the cold build only: FIRST_BUILD_DIR
# holds the Rust examples too.)
cmp dist/.debug/python.km.linkline "$cold/dist/.debug/python.km.linkline"
if grep -q -- '-fuse-ld=lld' dist/.debug/python.km.linkline; then
  cmp dist/python.km "$cold/dist/python.km"
  count=$((count + 1))
else
  echo "note: not linked with lld, python.km itself not compared (see reproducible.sh)"
fi
"$warm/dist/python.km" "$src/examples/smoke.py" "$tmp/modules.txt" >/dev/null

# The launcher is in no key: the same build without it does nothing.
cd "$tmp"
build "$warm" >"$tmp/again.out"
grep -q '^python.km: up to date ' "$tmp/again.out" || { cat "$tmp/again.out"; fail "dropping the launcher relinked"; }
! grep -Eq ': (fetch|build|build/pip|rename)$' "$tmp/again.out" || { cat "$tmp/again.out"; fail "dropping the launcher rebuilt"; }
echo "$count passed, 0 failed"
