#!/usr/bin/env bash
# --launcher distcc against a distccd this test starts on 127.0.0.1 only (a
# private port, its own log, bounded by timeout and stopped on exit): every
# compile of the examples' builds and of the link goes through the daemon
# (its log names each source), DISTCC_HOSTS reaches distcc untouched,
# python.km passes every example's checks, and the objects have the code of
# the build without a launcher (FIRST_BUILD_DIR).
# Usage: launcher_distcc.sh KMPACK PYTHON SOURCE_DIR FIRST_BUILD_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 first=$4
fail() { echo "FAILED: $*"; exit 1; }
command -v distcc >/dev/null && command -v distccd >/dev/null ||
  { echo "SKIPPED: no distcc or distccd (scripts/install-deps.sh installs them)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmpack-distcc.XXXXXX")
daemon=
stop() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap stop EXIT

# Run as root, distccd becomes the user distccd: let it reach its log.
chmod 711 "$tmp"
log=$tmp/distccd.log
install -m 666 /dev/null "$log"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout 900 distccd --daemon --no-detach --allow 127.0.0.1 --listen 127.0.0.1 --port "$port" \
  --log-file "$log" --log-level info --jobs 2 &
daemon=$!
for _ in $(seq 50); do
  grep -q "listening on 127.0.0.1:$port" "$log" && break
  kill -0 "$daemon" 2>/dev/null || fail "distccd did not start: $(cat "$log")"
  sleep 0.1
done
grep -q "listening on 127.0.0.1:$port" "$log" || fail "distccd does not listen on 127.0.0.1:$port"

# Only the daemon compiles: no fallback to a local compile when it fails.
for v in $(compgen -e | grep '^DISTCC_' || true); do unset "$v"; done
unset KMPACK_LAUNCHER
export DISTCC_HOSTS="127.0.0.1:$port/2" DISTCC_FALLBACK=0 DISTCC_DIR=$tmp/distcc
mkdir "$DISTCC_DIR"
bdir=$tmp/build
source "$src/tests/e2e/c_examples.sh"
c_examples_manifest "$src" "$tmp/modules.txt"
"$kmpack" build "$tmp/modules.txt" --python "$python" -B "$bdir" --progress=plain --launcher distcc \
  >"$tmp/build.out" || { cat "$tmp/build.out"; tail -20 "$log"; fail "the build failed"; }

# Each compile's source in the daemon's log: distccd logs
# "... COMPILE_OK ... <compiler> <source>" per job it ran.
"$python" - "$bdir" "$log" <<'PY'
import glob, json, os, re, sys
bdir, log = sys.argv[1], sys.argv[2]
done = {}
for line in open(log, errors="replace"):
    m = re.search(r"COMPILE_OK .* (\S+)$", line)
    if m:
        done[os.path.basename(m.group(1))] = done.get(os.path.basename(m.group(1)), 0) + 1
wanted = []
local = 0
for capture in glob.glob(os.path.join(bdir, "modules", "*", "capture.jsonl")):
    for line in open(capture):
        argv = json.loads(line)["argv"]
        if "-c" in argv[1:] and not {"-E", "-M", "-MM"} & set(argv):
            assert os.path.basename(argv[0]) != "distcc", f"distcc captured instead of the compiler: {argv}"
            # distcc sends C and C++ to its servers, and compiles Fortran
            # (examples/kmfortran) on the client, as its manual says.
            if any(a.endswith((".f", ".f90", ".F90", ".f95")) for a in argv[1:]):
                local += 1
                continue
            sources = [a for a in argv[1:] if a.endswith((".c", ".cc", ".cpp", ".cxx"))]
            assert len(sources) == 1, f"a compile of {sources}: {argv}"
            wanted.append(os.path.basename(sources[0]))
for line in open(os.path.join(bdir, "link.log")):
    if " -c -O2 " in line:
        wanted.append(os.path.basename(line.split()[-3]))
missing = [s for s in set(wanted) if done.get(s, 0) < wanted.count(s)]
assert len(wanted) >= 100, f"only {len(wanted)} compiles"
assert not missing, f"compiled without the daemon: {sorted(missing)}"
assert local >= 1, "no Fortran compile captured (examples/kmfortran)"
print(f"{len(wanted)} compiles, all through distccd ({sum(done.values())} jobs in its log); "
      f"{local} of Fortran, which distcc compiles locally")
PY

"$bdir/dist/python.km" "$src/examples/smoke.py" "$tmp/modules.txt" >/dev/null || fail "an example failed in python.km"

# distccd compiles the preprocessed source, for which GCC records some
# declarations' columns differently: with -g the objects differ from a local
# compile's in their debug information (and so do the .so digests and ids).
# Their code is the same: without debug information they are byte-identical.
count=0
cd "$bdir"
while IFS= read -r -d '' f; do
  objcopy --strip-debug "$f" "$tmp/distcc.o"
  objcopy --strip-debug "$first/$f" "$tmp/local.o"
  cmp "$tmp/distcc.o" "$tmp/local.o" || fail "$f: the code differs from a local compile's"
  count=$((count + 1))
done < <(find modules -path '*/temp/*.o' -print0 -o -path '*/meson-build/*.o' -print0)
[ "$count" -ge 20 ] || fail "only $count objects compared"
echo "$count objects with the code of a local compile; every example passes in python.km"
