#!/usr/bin/env bash
# SIGKILL a build of the examples at several moments (fetch, package builds,
# renaming, link), then re-run: the re-run must trust nothing half-written
# and end with a working python.km whose artifacts all check out, and no
# temporary file of the killed runs left.
# Usage: kill_rerun.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 dir=$4
rm -rf "$dir"
for delay in 0.3 0.8 1.6 2.4 3.2 4.0 5.0; do
  # A session of its own, so the kill takes the whole tree (the package's
  # compilers too), as when a CI job is cancelled.
  setsid "$kmpack" build "$src/modules.txt" --python "$python" -B "$dir" --progress=plain \
    >"$dir.log" 2>&1 &
  pid=$!
  sleep "$delay"
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
# kmpack alone killed (as the OOM killer or a kill -9 of its pid does)
# during a package build whose setup.py runs a long "compiler": nothing it
# started may go on running.
slow=$dir-slow
rm -rf "$slow" && mkdir -p "$slow/pkg"
cat >"$slow/pkg/setup.py" <<'PY'
import subprocess
subprocess.run(["sleep", "60"])
PY
echo "slow pkg" >"$slow/modules.txt"
"$kmpack" build "$slow/modules.txt" --python "$python" --stdlib=system -B "$slow/b" --progress=plain >"$slow.log" 2>&1 &
pid=$!
running() { # the processes whose working directory is in that build directory
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/cwd" 2>/dev/null)" in "$slow/b"/*) echo "${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" ;; esac
  done
}
for _ in $(seq 100); do running | grep -q sleep && break; sleep 0.1; done
running | grep -q sleep || { echo "kill_rerun: the slow build never started"; cat "$slow.log"; exit 1; }
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
for _ in $(seq 20); do [ -z "$(running)" ] && break; sleep 0.1; done
if [ -n "$(running)" ]; then
  echo "kill_rerun: still running 2 s after kmpack was killed:"; running; exit 1
fi
rm -rf "$slow" "$slow.log"
# What a kill during the link or the lay-out leaves (no process has this pid):
# the re-run removes it.
mkdir -p "$dir/dist/.lib.tmp.2147480000.1"
echo partial >"$dir/dist/.python.km.tmp.2147480000.0"
echo partial >"$dir/.kmpack-build.json.tmp.2147480000.2"
"$kmpack" build "$src/modules.txt" --python "$python" -B "$dir" --progress=plain >"$dir.log" 2>&1 ||
  { cat "$dir.log"; exit 1; }
"$dir/dist/python.km" "$src/examples/smoke.py"
left=$(find "$dir" "$dir/dist" "$dir"/modules/* -maxdepth 1 -name '.*.tmp.*')
if [ -n "$left" ]; then
  echo "kill_rerun: temporaries left after the re-run:"; echo "$left"; exit 1
fi
"$python" "$src/tests/e2e/check_artifacts.py" "$dir" "$src/payload/include"
rm -rf "$dir" "$dir.log"
