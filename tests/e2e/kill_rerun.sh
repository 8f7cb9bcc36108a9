#!/usr/bin/env bash
# Fault injection: SIGKILL a build at a random moment inside each phase
# (package build, rename, link, lay-out, byte-compile), two kills a phase,
# the phase each kill hit read from the progress output; half the kills take
# the whole session (a cancelled CI job), half only kmpack (the OOM killer).
# After each: no process of the killed run is alive, and a rerun ends with a
# working python.km and no temporary file left. Then a kmpack killed while a
# setup.py runs a long "compiler" leaves nothing running, and a dead run's
# temporaries are removed by the next.
# Usage: kill_rerun.sh KMPACK PYTHON SOURCE_DIR WORK_DIR
# KMPACK_KILL_SEED=N repeats a run's random delays (it prints its seed).
set -euo pipefail
kmpack=$1 python=$2 src=$3 dir=$4
fail() { echo "kill_rerun: FAILED: $*"; exit 1; }
rm -rf "$dir" && mkdir -p "$dir"
seed=${KMPACK_KILL_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
echo "kill_rerun: seed $seed (KMPACK_KILL_SEED=$seed repeats it)"

examples=(kmhello kmcpp kmshared kmpure)
for e in "${examples[@]}"; do echo "$e $src/examples/$e"; done >"$dir/modules.txt"
b=$dir/b log=$dir/kill.log
build=("$kmpack" build "$dir/modules.txt" --python "$python" -B "$b" --progress=plain)

# The processes of a killed run: its session (kmpack was its leader), and
# anything whose working directory is in the build directory.
survivors() { # [SID]
  [ -z "${1:-}" ] || ps -o pid=,args= -s "$1" 2>/dev/null || true
  for p in /proc/[0-9]*; do
    case "$(readlink "$p/cwd" 2>/dev/null)" in "$b"/*) echo "${p#/proc/}: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" ;; esac
  done
}
no_temporaries() {
  local left
  left=$(find "$b" "$b/dist" "$b"/modules/* -maxdepth 1 -name '.*.tmp.*' 2>/dev/null)
  [ -z "$left" ] || fail "temporaries left after the rerun: $left"
}
rerun_works() { # WHAT
  "${build[@]}" >"$dir/rerun.log" 2>&1 || { cat "$dir/rerun.log"; fail "the rerun after $1 failed"; }
  for e in "${examples[@]}"; do
    "$b/dist/python.km" "$src/examples/$e/kmcheck.py" >"$dir/check.log" 2>&1 ||
      { cat "$dir/check.log"; fail "after $1, python.km fails $e's checks"; }
  done
  no_temporaries
}

"${build[@]}" >"$dir/first.log" 2>&1 || { cat "$dir/first.log"; fail "the first build failed"; }

# PHASE START END SETUP MAX_MS: kmpack is killed a random 0..MAX_MS after the
# progress line START, and the kill hit the phase if END was not printed yet.
# SETUP makes the phase happen: --force rebuilds kmcpp (its build and the
# whole link), fresh starts a new build directory (the interpreter's rename).
phases=(
  "package-build|kmcpp: build|kmcpp: analyse|force|1000"
  "rename|python: rename|python: built|fresh|300"
  "link|python.km: link|python.km: lay out|force|1000"
  "lay-out|python.km: lay out|python.km: byte-compile|force|500"
  "byte-compile|python.km: byte-compile|python.km: linked|force|1000"
)
wait_for_line() { # LOG LINE PID: 0 once LINE is printed, 1 if PID ended first
  for _ in $(seq 12000); do
    grep -Fxq -- "$2" "$1" && return 0
    case "$(cut -d' ' -f3 "/proc/$3/stat" 2>/dev/null)" in "" | Z) grep -Fxq -- "$2" "$1"; return ;; esac
    sleep 0.01
  done
  return 1
}
kills=0 group_kills=0
for spec in "${phases[@]}"; do
  IFS='|' read -r phase start end setup max_ms <<<"$spec"
  for round in 1 2; do
    hit=0 span=$max_ms
    for try in 1 2 3 4 5 6 7 8; do
      extra=()
      if [ "$setup" = fresh ]; then rm -rf "$b"; else extra=(--force=kmcpp); fi
      setsid "${build[@]}" "${extra[@]}" >"$log" 2>&1 &
      pid=$!
      wait_for_line "$log" "$start" "$pid" || { cat "$log"; fail "no '$start' in the progress output"; }
      delay_ms=$((RANDOM % span))
      sleep "$(printf '0.%03d' "$delay_ms")"
      if [ $((kills % 2)) = 0 ]; then mode=session; kill -KILL -- "-$pid" 2>/dev/null || true
      else mode=kmpack; kill -KILL "$pid" 2>/dev/null || true; fi
      wait "$pid" 2>/dev/null || true
      if grep -Fxq -- "$end" "$log" || grep -q '^done: ' "$log"; then
        span=$((span / 2 > 10 ? span / 2 : 10)) # too late: the phase was over
        continue
      fi
      hit=1
      break
    done
    [ "$hit" = 1 ] || fail "could not kill kmpack inside the $phase phase in 8 tries"
    kills=$((kills + 1))
    [ "$mode" = session ] && group_kills=$((group_kills + 1))
    for _ in $(seq 30); do [ -z "$(survivors "$pid")" ] && break; sleep 0.1; done
    if [ -n "$(survivors "$pid")" ]; then
      echo "kill_rerun: still running 3 s after kill $kills ($phase, $mode):"; survivors "$pid"; exit 1
    fi
    rerun_works "kill $kills ($phase)"
    echo "kill $kills: $mode killed $delay_ms ms into $phase (try $try); no survivor; the rerun works"
  done
done
[ "$kills" -ge 10 ] && [ "$group_kills" -ge 1 ] && [ "$group_kills" -lt "$kills" ] ||
  fail "$kills kills, $group_kills of the session: not what the test means to do"
"$python" "$src/tests/e2e/check_artifacts.py" "$b" "$src/payload/include"

# kmpack alone killed during a package build whose setup.py runs a long
# "compiler": nothing it started may go on running.
slow=$dir/slow
mkdir -p "$slow/pkg"
cat >"$slow/pkg/setup.py" <<'PY'
import subprocess
subprocess.run(["sleep", "60"])
PY
echo "slow pkg" >"$slow/modules.txt"
"$kmpack" build "$slow/modules.txt" --python "$python" --stdlib=system -B "$slow/b" --progress=plain >"$slow.log" 2>&1 &
pid=$!
b=$slow/b
for _ in $(seq 100); do survivors | grep -q sleep && break; sleep 0.1; done
survivors | grep -q sleep || { cat "$slow.log"; fail "the slow build never started"; }
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
for _ in $(seq 20); do [ -z "$(survivors)" ] && break; sleep 0.1; done
[ -z "$(survivors)" ] || { survivors; fail "still running 2 s after kmpack was killed"; }
b=$dir/b

# What a kill during the link or the lay-out leaves (no process has this pid,
# and lld's own temporary beside it): the rerun removes it.
mkdir -p "$b/dist/.lib.tmp.2147480000.1"
echo partial >"$b/dist/.python.km.tmp.2147480000.0"
echo partial >"$b/dist/.python.km.tmp.2147480000.0.tmpA1b2C3"
echo partial >"$b/.kmpack-build.json.tmp.2147480000.2"
rerun_works "a dead run's temporaries"
echo "kill_rerun: $kills kills in ${#phases[@]} phases ($group_kills of the session), each rerun works; no orphan; temporaries removed"
rm -rf "$dir"
