#!/usr/bin/env bash
# kmpack's benchmarks, one command: every comparison is measured against its
# baseline in the same run and printed as
#     name: ours X, baseline(B) Y, ratio Y/X
# and everything (samples, medians, goals, machine) goes to one JSON file.
# See bench/README.md for what each benchmark measures.
#
# Usage: bench/run.sh [OUT_DIR [RESULT_JSON]]
#   OUT_DIR      scratch directory (default /tmp/kmpack-bench); the generated
#                large package and its build are kept there and reused
#   RESULT_JSON  default OUT_DIR/results.json
# Environment:
#   BUILD_DIR      kmpack's CMake build directory (default <repo>/build)
#   JOBS           post-processing jobs, for kmpack and the baseline (default: cores)
#   RUNS           runs per side, post-processing of the large package (default 5)
#   EXAMPLE_RUNS   runs per side, post-processing of the examples (default 10)
#   IMPORT_RUNS    runs per command of the import benchmark, interleaved (default 100)
#   LINK_RUNS      runs per linker (default 10)
#   REBUILD_LARGE=1  regenerate and rebuild the large package
#   CANDIDATE      another postprocess_bench binary (built from a patched tree)
#                  to measure in the same runs as this tree's; it must write
#                  the same artifacts
#   SKIP=a,b       sections to skip: dlsym, examples, import, link, libc, cache, large
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname -- "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${1:-/tmp/kmpack-bench}
mkdir -p -- "$out"
out=$(cd "$out" && pwd)
result_json=${2:-$out/results.json}
build=${BUILD_DIR:-$repo/build}
py=/usr/bin/python3
jobs=${JOBS:-$(nproc)}
runs=${RUNS:-5}
example_runs=${EXAMPLE_RUNS:-10}
import_runs=${IMPORT_RUNS:-100}
link_runs=${LINK_RUNS:-10}
skip=,${SKIP:-},
candidate=${CANDIDATE:-}

report() { "$py" "$here/report.py" "$1" "$out" "${@:2}"; }
skipped() { [[ $skip == *,$1,* ]]; }
now() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (b - a) / 1e9 }'; }
say() { printf '== %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
argv() { "$py" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"; } # a command for interleave.py

rm -f -- "$out/samples.jsonl" "$out/results.jsonl" "$out/dlsym.json" "$out/postprocess-examples.json" \
    "$out/postprocess-large.json"

say "building kmpack and postprocess_bench in $build"
cmake -S "$repo" -B "$build" >"$out/cmake.log" 2>&1 || { cat "$out/cmake.log" >&2; die "cmake failed"; }
cmake --build "$build" --target kmpack kmpack-capture postprocess_bench -j "$jobs" >>"$out/cmake.log" 2>&1 ||
    { tail -30 "$out/cmake.log" >&2; die "build failed (log: $out/cmake.log)"; }
# Private copies: other people rebuilding build/ mid-run must not swap the
# binaries under a running package build (kmpack finds kmpack-capture beside itself).
mkdir -p -- "$out/bin"
cp -- "$build/kmpack" "$build/kmpack-capture" "$build/bench/postprocess_bench" "$out/bin/"
kmpack=$out/bin/kmpack
ppb=$out/bin/postprocess_bench

# ---------------------------------------------------------------- dlsym
if ! skipped dlsym; then
    say "run-time lookups (bench/dlsym/run.sh)"
    "$repo/bench/dlsym/run.sh" "$out/dlsym" "$out/dlsym.json" >"$out/dlsym.log" 2>&1 ||
        { cat "$out/dlsym.log" >&2; die "bench/dlsym/run.sh failed"; }
    line=$(grep '^dlsym:' "$out/dlsym.log")
    echo "$line"
    report text dlsym "$line"
fi

# ---------------------------------------------------------------- post-processing
# Snapshot of kmpack's artifacts beside the .so files of some module dirs.
artifact_sums() {
    local m
    for m in "$@"; do
        find "$m/lib" -type f \( -name '*.km.json' -o -name '*.km.symmap' -o -name '*.km.symbols.c' \
            -o -name '*.km.lib.a' \) -print0 | sort -z | xargs -0 md5sum
    done
}

# Same renamed symbols in kmpack's and the baseline's outputs, for every .so:
# the symmap's old names, and the archives' defined and undefined symbols
# (with the _<digest>_km suffix taken off, so the digests need not agree).
equivalence() {
    local name=$1 args=$2 base=$3
    local total=0 bad=0 f so stem ours_stem theirs
    local norm='s/_[0-9a-f]\{32\}_km$//'
    for f in "$args"/*.args; do
        mapfile -d '' -t fields <"$f"
        so=${fields[0]} stem=${fields[1]}
        ours_stem=${so%.so}
        theirs=$base/${stem%.so}
        total=$((total + 1))
        if ! cmp -s <(cut -d' ' -f1 "$ours_stem.km.symmap") <(cut -d' ' -f1 "$theirs.km.symmap") ||
            ! cmp -s <(nm -g --defined-only --format=just-symbols "$ours_stem.km.lib.a" | sed "$norm" | sort) \
                <(nm -g --defined-only --format=just-symbols "$theirs.km.lib.a" | sed "$norm" | sort) ||
            ! cmp -s <(nm -u --format=just-symbols "$ours_stem.km.lib.a" | sed "$norm" | sort) \
                <(nm -u --format=just-symbols "$theirs.km.lib.a" | sed "$norm" | sort); then
            bad=$((bad + 1))
            echo "bench: $name: kmpack and the baseline differ for $so" >&2
        fi
    done
    echo "{\"shared_objects\": $total, \"differ\": $bad}"
}

# postprocess NAME RUNS MODULE_DIR...: kmpack (postprocess_bench), the
# binutils baseline and cp -r of the objects, interleaved, RUNS times each.
postprocess() {
    local name=$1 n=$2
    shift 2
    local -a mods=("$@")
    local args=$out/$name-args base=$out/$name-baseline floor=$out/$name-cp
    local bench=postprocess.$name
    rm -rf -- "$args"
    "$ppb" --python "$py" --dump-baseline "$args" "${mods[@]}" >/dev/null
    local -a argfiles=("$args"/*.args)
    # The files the post-processing reads objects from (objects, and the
    # package archives holding members), each once: what the floor copies.
    "$py" - "${argfiles[@]}" >"$out/$name-inputs.list" <<'PY'
import sys
seen = []
for path in sys.argv[1:]:
    f = open(path, "rb").read().split(b"\0")[:-1]
    i = 2
    while i < len(f):
        if f[i + 1] not in seen:
            seen.append(f[i + 1])
        i += 2 if f[i] == b"o" else 3
sys.stdout.buffer.write(b"".join(p + b"\0" for p in seen))
PY

    # Warm-up (page cache), and checks: kmpack's artifacts come out as they
    # were; the baseline renames the same symbols.
    artifact_sums "${mods[@]}" >"$out/$name-artifacts.before"
    "$ppb" --python "$py" -j "$jobs" "${mods[@]}" >/dev/null
    artifact_sums "${mods[@]}" >"$out/$name-artifacts.after"
    local same=true
    cmp -s "$out/$name-artifacts.before" "$out/$name-artifacts.after" || same=false
    if [[ -n $candidate ]]; then
        "$candidate" --python "$py" -j "$jobs" "${mods[@]}" >/dev/null
        artifact_sums "${mods[@]}" >"$out/$name-artifacts.candidate"
        cmp -s "$out/$name-artifacts.before" "$out/$name-artifacts.candidate" ||
            echo "bench: $name: CANDIDATE writes different artifacts than kmpack" >&2
    fi
    rm -rf -- "$base"
    "$here/baseline_postprocess.sh" -j "$jobs" "$base" "${argfiles[@]}"
    equivalence "$name" "$args" "$base" >"$out/equivalence-$name.json"

    local r t0 t1 json maxrss=0 rss
    : >"$out/postprocess-$name.runs.jsonl"
    for ((r = 1; r <= n; r++)); do
        t0=$(now)
        json=$("$ppb" --python "$py" -j "$jobs" "${mods[@]}")
        t1=$(now)
        echo "$json" >>"$out/postprocess-$name.runs.jsonl"
        report add "$bench" kmpack "$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$json")"
        report add "$bench" kmpack-process "$(secs "$t0" "$t1")"
        report add "$bench" kmpack-cpu "$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["cpu_seconds"])' "$json")"
        rss=$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["maxrss_kb"])' "$json")
        ((rss > maxrss)) && maxrss=$rss

        if [[ -n $candidate ]]; then
            json=$("$candidate" --python "$py" -j "$jobs" "${mods[@]}")
            report add "$bench" candidate "$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$json")"
            report add "$bench" candidate-cpu "$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["cpu_seconds"])' "$json")"
        fi

        rm -rf -- "$base"
        t0=$(now)
        "$here/baseline_postprocess.sh" -j "$jobs" "$base" "${argfiles[@]}"
        t1=$(now)
        report add "$bench" binutils "$(secs "$t0" "$t1")"

        rm -rf -- "$base-once"
        t0=$(now)
        "$here/baseline_postprocess.sh" -j "$jobs" --ar-once "$base-once" "${argfiles[@]}"
        t1=$(now)
        report add "$bench" binutils-ar-once "$(secs "$t0" "$t1")"

        rm -rf -- "$floor"
        mkdir -p -- "$floor"
        t0=$(now)
        xargs -0 -a "$out/$name-inputs.list" cp --parents -t "$floor" --
        t1=$(now)
        report add "$bench" cp-r "$(secs "$t0" "$t1")"
    done
    rm -rf -- "$floor" "$base-once"
    "$py" - "$out/postprocess-$name.runs.jsonl" "$out/equivalence-$name.json" "$same" "$maxrss" \
        >"$out/postprocess-$name.json" <<'PY'
import json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
last = runs[-1]
doc = {k: last[k] for k in ("jobs", "modules", "shared_objects", "objects", "object_bytes",
                            "renamed_globals", "exports")}
doc["runs"] = runs
doc["equivalence_with_baseline"] = json.load(open(sys.argv[2]))
doc["artifacts_unchanged_by_rerun"] = sys.argv[3] == "true"
doc["maxrss_kb_max"] = int(sys.argv[4])
print(json.dumps(doc, indent=2, sort_keys=True))
PY
    "$py" - "$out/postprocess-$name.json" <<'PY' >&2
import json, sys
d = json.load(open(sys.argv[1]))
e = d["equivalence_with_baseline"]
print(f"   {d['shared_objects']} .so, {d['objects']} objects ({d['object_bytes'] / 1e6:.1f} MB), "
      f"{d['renamed_globals']} globals renamed, jobs {d['jobs']}; artifacts unchanged by re-run: "
      f"{d['artifacts_unchanged_by_rerun']}; same renamed symbols as the baseline: "
      f"{e['shared_objects'] - e['differ']}/{e['shared_objects']}")
PY
}

# ---------------------------------------------------------------- examples
ex=$out/examples
if ! skipped examples || ! skipped import || ! skipped link || ! skipped libc; then
    say "building the examples: kmpack build modules.txt -B $ex"
    "$kmpack" build "$repo/modules.txt" --python "$py" -B "$ex" -j "$jobs" >"$out/examples-build.log" 2>&1 ||
        { tail -30 "$out/examples-build.log" >&2; die "kmpack build of the examples failed"; }
fi
ex_mods=()
if [[ -d $ex/modules ]]; then
    for d in "$ex"/modules/*/; do ex_mods+=("${d%/}"); done
fi

if ! skipped examples; then
    say "post-processing, examples ($example_runs runs per side)"
    postprocess examples "$example_runs" "${ex_mods[@]}"
    report compare "postprocess examples" postprocess.examples kmpack binutils --unit ms
    report compare "postprocess examples (one ar per .so)" postprocess.examples kmpack binutils-ar-once --unit ms
    report compare "postprocess examples vs cp -r" postprocess.examples kmpack cp-r --unit ms
    if [[ -n $candidate ]]; then
        report compare "postprocess examples, CANDIDATE" postprocess.examples candidate binutils --unit ms
    fi
fi

# ---------------------------------------------------------------- import
if ! skipped import; then
    say "import speed: every example extension module, python.km vs dynamic /usr/bin/python3"
    # Every extension module (a .so exporting PyInit_<name>) of the examples:
    # of the modules modules.txt names, not of the interpreter kmpack added.
    "$py" - "$ex" "$repo/modules.txt" >"$out/import_all.py" <<'PY'
import json, os, sys
ex, manifest = sys.argv[1:3]
listed = {line.split()[0] for line in open(manifest) if line.split() and not line.lstrip().startswith("#")}
b = json.load(open(os.path.join(ex, "kmpack-build.json")))
for m in b["modules"]:
    if m["name"] not in listed:
        continue
    for so in m["shared_objects"]:
        rel = so["path"]
        meta = os.path.join(ex, "modules", m["name"], "lib", rel[: -len(".so")] + ".km.json")
        name = os.path.basename(rel).split(".")[0]
        exports = {e["name"] for e in json.load(open(meta))["exports"]}
        if "PyInit_" + name in exports:
            module = rel.split(".")[0].replace("/", ".")
            # mypyc's shared module (<hash>__mypyc) is no identifier
            print("import " + module if all(p.isidentifier() for p in module.split(".")) else
                  "__import__(%r)" % module)
PY
    pypath=$(printf '%s/lib:' "${ex_mods[@]}")
    pypath=${pypath%:}
    km=$ex/dist/python.km
    "$km" "$out/import_all.py" || die "python.km cannot import the examples"
    PYTHONPATH=$pypath "$py" "$out/import_all.py" ||
        die "/usr/bin/python3 cannot import the examples from $pypath"
    # Diagnostic: the same python.km with a ._pth that does not import site
    # (so neither sitecustomize nor kmpack's finder run at start-up).
    rm -rf -- "$ex/dist-nosite"
    cp -r -- "$ex/dist" "$ex/dist-nosite"
    grep -vx 'import site' "$ex/dist/python.km._pth" >"$ex/dist-nosite/python.km._pth" || true
    "$ex/dist-nosite/python.km" "$out/import_all.py" || die "python.km without site cannot import the examples"
    # The same link as one file (--onefile): the run-time tree is a zip
    # archive in python.km, read by zipimport.
    "$kmpack" link -B "$ex" -o "$ex/dist-onefile" --onefile -q >"$out/onefile-link.log" 2>&1 ||
        { tail -30 "$out/onefile-link.log" >&2; die "kmpack link --onefile failed"; }
    kmone=$ex/dist-onefile/python.km
    "$kmone" "$out/import_all.py" || die "python.km --onefile cannot import the examples"
    # PYTHONPATH is for the dynamic interpreter; python.km ignores it (its
    # ._pth makes it isolated).
    "$py" "$here/interleave.py" --runs "$import_runs" --warmup 5 --env "PYTHONPATH=$pypath" \
        --json "$out/import.json" \
        "import:python.km=$(argv "$km" "$out/import_all.py")" \
        "import:python3=$(argv "$py" "$out/import_all.py")" \
        "import:python3-S=$(argv "$py" -S "$out/import_all.py")" \
        "import:python.km-nosite=$(argv "$ex/dist-nosite/python.km" "$out/import_all.py")" \
        "import:python.km-onefile=$(argv "$kmone" "$out/import_all.py")"
    report add-interleave "$out/import.json"
    # Start-up without PYTHONPATH: a dynamic python3 looks in each of its
    # directories (one per example) at start-up, which -c pass does not need.
    "$py" "$here/interleave.py" --runs "$import_runs" --warmup 5 --json "$out/startup.json" \
        "startup:python.km=$(argv "$km" -c pass)" \
        "startup:python.km-onefile=$(argv "$kmone" -c pass)" \
        "startup:python3=$(argv "$py" -c pass)" \
        "startup:python3-S=$(argv "$py" -S -c pass)" \
        "startup:python.km-nosite=$(argv "$ex/dist-nosite/python.km" -c pass)"
    report add-interleave "$out/startup.json"
    report compare "import all examples (python.km vs python3)" import python.km python3 --unit ms \
        --min-ratio 1.4286 --goal "python.km <= 0.7 x dynamic"
    report compare "import all examples (python.km --onefile vs python3)" import python.km-onefile python3 --unit ms \
        --min-ratio 1.4286 --goal "python.km --onefile <= 0.7 x dynamic"
    report compare "import all examples (python.km --onefile vs python.km)" import python.km-onefile python.km --unit ms
    report compare "import all examples, CPU time (python.km vs python3)" import-cpu python.km python3 --unit ms
    report compare "import all examples (python.km vs python3 -S)" import python.km python3-S --unit ms
    report compare "import all examples (python.km without site vs python3)" import python.km-nosite python3 \
        --unit ms
    report compare "interpreter start-up, -c pass (python.km vs python3)" startup python.km python3 --unit ms
    report compare "interpreter start-up, -c pass (python.km --onefile vs python3)" startup python.km-onefile python3 \
        --unit ms --min-ratio 1.6667 --goal "python.km --onefile <= 0.6 x dynamic"
    report compare "interpreter start-up, -c pass (python.km without site vs python3 -S)" startup \
        python.km-nosite python3-S --unit ms
fi

# ---------------------------------------------------------------- link
if ! skipped link; then
    say "link time of python.km (examples): default ld, mold, lld"
    variants=(ld)
    lds=(default)
    command -v mold >/dev/null && { variants+=(mold); lds+=(mold); }
    command -v ld.lld >/dev/null && { variants+=(lld); lds+=(lld); }
    for i in "${!variants[@]}"; do
        v=${variants[i]}
        "$kmpack" link -B "$ex" --ld "${lds[i]}" -o "$ex/dist-$v" >"$out/link-$v.log" 2>&1 ||
            { tail -20 "$out/link-$v.log" >&2; die "kmpack link --ld ${lds[i]} failed"; }
        "$ex/dist-$v/python.km" "$repo/examples/smoke.py" >/dev/null ||
            die "python.km linked with $v fails examples/smoke.py"
    done
    # Does the linker change python.km's speed? ld and mold run gcc's LTO of
    # Debian's libpython at link time; lld links its objects' regular code.
    if ! skipped import; then
        lv=()
        for v in "${variants[@]}"; do lv+=("import-by-linker:$v=$(argv "$ex/dist-$v/python.km" "$out/import_all.py")"); done
        "$py" "$here/interleave.py" --runs "$import_runs" --warmup 5 --json "$out/import-by-linker.json" "${lv[@]}"
        report add-interleave "$out/import-by-linker.json"
        for v in "${variants[@]:1}"; do
            report compare "import all examples, python.km linked by $v vs by ld" import-by-linker "$v" ld --unit ms
        done
    fi
    # The link itself (python.km.linkline), the variants interleaved.
    for ((r = 0; r <= link_runs; r++)); do
        for v in "${variants[@]}"; do
            t0=$(now)
            sh "$ex/dist-$v/.debug/python.km.linkline" >/dev/null 2>&1
            t1=$(now)
            ((r > 0)) && report add link "$v" "$(secs "$t0" "$t1")" # run 0 is a warm-up
        done
    done
    # The whole `kmpack link` (compiles the registration code, links, reads
    # the program's symbols for the main table, links again), fewer runs.
    kl_runs=$(((link_runs + 1) / 2))
    ((kl_runs < 3)) && kl_runs=3
    for ((r = 1; r <= kl_runs; r++)); do
        for i in "${!variants[@]}"; do
            v=${variants[i]}
            t0=$(now)
            "$kmpack" link -B "$ex" --ld "${lds[i]}" -o "$ex/dist-$v" >/dev/null 2>&1
            t1=$(now)
            report add kmpack-link "$v" "$(secs "$t0" "$t1")"
        done
    done
    for v in "${variants[@]:1}"; do
        report compare "link python.km, the link line ($v vs default ld)" link "$v" ld
    done
    for v in "${variants[@]:1}"; do
        report compare "kmpack link, whole command ($v vs default ld)" kmpack-link "$v" ld
    done
    # What `--ld auto` (the default) chooses.
    "$kmpack" link -B "$ex" -o "$ex/dist-auto" --progress plain >"$out/link-auto.log" 2>&1 ||
        { tail -20 "$out/link-auto.log" >&2; die "kmpack link (--ld auto) failed"; }
    auto=$(sed -n 's/^python.km: linking with \([a-z]*\) (--ld auto.*/\1/p' "$out/link-auto.log")
    [[ $auto == default ]] && auto=ld
    "$py" - "$out" "${auto:-?}" "${variants[@]}" <<'PY'
import json, os, statistics, sys
out, auto, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
t = {v: [] for v in variants}
for line in open(os.path.join(out, "samples.jsonl")):
    s = json.loads(line)
    if s["bench"] == "link":
        t[s["side"]].append(s["seconds"])
med = {v: statistics.median(x) for v, x in t.items()}
best = min(med, key=med.get)
line = ("link fastest: " + best + " (" + ", ".join(f"{v} {med[v]:.3f} s" for v in variants) + "); --ld auto chose "
        + auto + ("" if auto == best else "  [NOT the fastest]"))
print(line)
with open(os.path.join(out, "results.jsonl"), "a") as f:
    f.write(json.dumps({"name": "link fastest", "line": line, "fastest": best, "auto": auto}) + "\n")
PY
fi

# ---------------------------------------------------------------- libc
# --libc=all (the default: every function of libc.so.6/libm.so.6 in the
# main table, so ctypes and cffi find them) against --libc=used (only what
# python.km calls): the size of python.km, its start-up and the link.
if ! skipped libc; then
    say "all of libc: --libc=all vs --libc=used (size, start-up, link)"
    for v in all used; do
        "$kmpack" link -B "$ex" --libc="$v" -o "$ex/dist-libc-$v" -v --progress plain >"$out/libc-$v.log" 2>&1 ||
            { tail -20 "$out/libc-$v.log" >&2; die "kmpack link --libc=$v failed"; }
        "$ex/dist-libc-$v/python.km" "$repo/examples/smoke.py" >/dev/null 2>&1 || [[ $v == used ]] ||
            die "python.km --libc=$v fails examples/smoke.py"
        size=$(stat -c %s "$ex/dist-libc-$v/python.km")
        report value "python.km size, stripped, --libc=$v" "$(awk -v b="$size" 'BEGIN { printf "%.2f", b / 1e6 }')" MB
    done
    grep -h -- '--libc=all: .* functions' "$out/libc-all.log" >&2 || true
    lc=("libc-startup:all=$(argv "$ex/dist-libc-all/python.km" -c pass)"
        "libc-startup:used=$(argv "$ex/dist-libc-used/python.km" -c pass)"
        "libc-ctypes:all=$(argv "$ex/dist-libc-all/python.km" -c 'import ctypes; ctypes.CDLL(None).strlen')"
        "libc-ctypes:used=$(argv "$ex/dist-libc-used/python.km" -c 'import ctypes; ctypes.CDLL(None).strlen')")
    if [[ -f $out/import_all.py ]]; then
        lc+=("libc-import:all=$(argv "$ex/dist-libc-all/python.km" "$out/import_all.py")"
            "libc-import:used=$(argv "$ex/dist-libc-used/python.km" "$out/import_all.py")")
    fi
    "$py" "$here/interleave.py" --runs "$import_runs" --warmup 5 --json "$out/libc.json" "${lc[@]}"
    report add-interleave "$out/libc.json"
    report compare "start-up, -c pass (--libc=all vs --libc=used)" libc-startup all used --unit ms
    report compare "import ctypes, CDLL(None).strlen (--libc=all vs --libc=used)" libc-ctypes all used --unit ms
    if [[ -f $out/import_all.py ]]; then
        report compare "import all examples (--libc=all vs --libc=used)" libc-import all used --unit ms
    fi
    kl_runs=$(((link_runs + 1) / 2))
    ((kl_runs < 3)) && kl_runs=3
    for ((r = 1; r <= kl_runs; r++)); do
        for v in all used; do
            t0=$(now)
            "$kmpack" link -B "$ex" --libc="$v" -o "$ex/dist-libc-$v" >/dev/null 2>&1
            t1=$(now)
            report add libc-link "$v" "$(secs "$t0" "$t1")"
        done
    done
    report compare "kmpack link, whole command (--libc=all vs --libc=used)" libc-link all used
fi

# ---------------------------------------------------------------- module cache
# The examples built cold (an empty module cache of their own; the per-user
# cache's interpreter and CPython source, so neither is built or fetched)
# against a fresh build directory with that cache warm, one run each; and
# the warm build's link alone (kmpack link of the same build directory).
if ! skipped cache; then
    say "module cache: the examples cold, then into a fresh build directory with the cache warm"
    user_cache=${KMPACK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kmpack}
    mc=$out/module-cache
    rm -rf -- "$mc"
    mkdir -p -- "$mc/cache" "$user_cache/interpreters" "$user_cache/sources"
    ln -s "$user_cache/interpreters" "$mc/cache/interpreters"
    ln -s "$user_cache/sources" "$mc/cache/sources"
    for side in cold warm; do
        t0=$(now)
        (unset KMPACK_NO_MODULE_CACHE; "$kmpack" build "$repo/modules.txt" --python "$py" -B "$mc/$side" -j "$jobs" \
            --cache-dir "$mc/cache" --progress=plain) >"$mc/$side.log" 2>&1 ||
            { tail -30 "$mc/$side.log" >&2; die "kmpack build of the examples ($side cache) failed"; }
        t1=$(now)
        report add cache "$side" "$(secs "$t0" "$t1")"
    done
    fetched=$(grep -cE '  fetched from cache(, pure Python)?$' "$mc/warm.log" || true)
    # (C library lines are built again, not cached: their .pc files name the build directory.)
    modules=$(grep -E '^[A-Za-z0-9_.-]+ +[0-9]+ +[0-9]+ +[0-9.]+s +[0-9.]+s  ' "$mc/warm.log" |
        grep -cv ', C library$' || true)
    [[ $fetched == "$modules" ]] || die "the warm build fetched $fetched of $modules modules (log: $mc/warm.log)"
    "$mc/warm/dist/python.km" "$repo/examples/smoke.py" >/dev/null || die "the warm build's python.km fails smoke.py"
    t0=$(now)
    "$kmpack" link -B "$mc/warm" -o "$mc/relinked" -j "$jobs" >"$mc/link.log" 2>&1 ||
        { tail -30 "$mc/link.log" >&2; die "kmpack link of the warm build failed"; }
    t1=$(now)
    report add cache link "$(secs "$t0" "$t1")"
    report value "module cache: entries of the examples" "$(du -sm "$mc/cache/modules" | cut -f1)" MB
    report compare "examples into a fresh build directory (warm module cache vs cold)" cache warm cold \
        --min-ratio 10 --goal "warm <= 0.1 x cold"
    report compare "the warm build's link alone vs the whole warm build" cache link warm
fi

# ---------------------------------------------------------------- large package
if ! skipped large; then
    gen_args=(--so 40 --objects 25 --min-globals 200 --max-globals 400 --jobs "$jobs")
    stamp=$( (md5sum <"$here/gen_large_package.py"; echo "${gen_args[*]}"; gcc --version | head -1) | md5sum)
    large=$out/large # the kmpack build directory; the generated source is in $out/gen
    if [[ ${REBUILD_LARGE:-0} == 1 || ! -f $large/stamp || $(cat "$large/stamp") != "$stamp" ]]; then
        say "generating and building the large package (once; kept in $large)"
        rm -rf -- "$large" "$out/gen"
        "$py" "$here/gen_large_package.py" "$out/gen/kmbig" "${gen_args[@]}"
        printf 'kmbig gen/kmbig\n' >"$out/large-modules.txt"
        t0=$(now)
        "$kmpack" build "$out/large-modules.txt" --python "$py" -B "$large" -j "$jobs" --no-link \
            >"$out/large-build.log" 2>&1 ||
            { tail -30 "$out/large-build.log" >&2; die "kmpack build of the large package failed"; }
        t1=$(now)
        echo "   (package build, not measured: $(secs "$t0" "$t1") s)" >&2
        echo "$stamp" >"$large/stamp"
    fi
    say "post-processing, large package ($runs runs per side)"
    postprocess large "$runs" "$large/modules/kmbig"
    report compare "postprocess large" postprocess.large kmpack binutils --min-ratio 20 \
        --goal "kmpack >= 20 x faster"
    report compare "postprocess large (one ar per .so)" postprocess.large kmpack binutils-ar-once
    report compare "postprocess large vs cp -r" postprocess.large kmpack cp-r --min-ratio 0.3333 \
        --goal "kmpack <= 3 x cp -r"
    if [[ -n $candidate ]]; then
        report compare "postprocess large, CANDIDATE" postprocess.large candidate binutils --min-ratio 20 \
            --goal "kmpack >= 20 x faster"
        report compare "postprocess large, CANDIDATE (one ar per .so)" postprocess.large candidate binutils-ar-once
        report compare "postprocess large, CANDIDATE vs cp -r" postprocess.large candidate cp-r --min-ratio 0.3333 \
            --goal "kmpack <= 3 x cp -r"
        report compare "postprocess large, CANDIDATE vs kmpack" postprocess.large candidate kmpack
        report compare "postprocess large, CPU time, CANDIDATE vs kmpack" postprocess.large candidate-cpu kmpack-cpu
    fi
    maxrss=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["maxrss_kb_max"])' \
        "$out/postprocess-large.json")
    report value "peak memory, post-processing large (ru_maxrss)" "$(awk -v k="$maxrss" 'BEGIN { printf "%.1f", k / 1024 }')" MB \
        --max 300
    # Cross-check with /usr/bin/time (the whole process, including the
    # untimed sysconfig query).
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -f '%M' -o "$out/time-v.txt" "$ppb" --python "$py" -j "$jobs" "$large/modules/kmbig" >/dev/null
        report value "peak memory, post-processing large (/usr/bin/time)" \
            "$(awk '{ printf "%.1f", $1 / 1024 }' "$out/time-v.txt")" MB
    fi
fi

say "summary"
"$py" -c 'import json,sys; [print(json.loads(l)["line"]) for l in open(sys.argv[1])]' "$out/results.jsonl"
report finish "$result_json" "${candidate:+CANDIDATE=$candidate }bench/run.sh $*"
