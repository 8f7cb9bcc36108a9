#!/usr/bin/env bash
# The baseline for kmpack's post-processing: the seed's approach done the
# obvious way with binutils, one process per step, for each .so:
#
#   md5sum the .so (its digest names the renamed symbols)
#   nm -D --defined-only on the .so               -> base.km.exports
#   nm -g --defined-only on its objects            -> base.km.symmap ("old old_<md5>_km")
#   for each object: cp (ar p for archive members) -> base.km.objs/NNN-name.o
#                    objcopy --redefine-syms=base.km.symmap
#                    ar qc base.km.lib.a
#
# GNU ar rewrites the whole archive on every `ar q`, so that step is
# quadratic in the objects of a .so; --ar-once is the stronger variant that
# runs one `ar qc` with all the renamed copies after the loop.
#
# Usage: bench/baseline_postprocess.sh [-j N] [--ar-once] OUT_DIR ARGS_FILE...
#   ARGS_FILE  one per .so, written by `postprocess_bench --dump-baseline`:
#              NUL-terminated fields  SO  STEM  then per input, in link
#              order, "o" PATH (an object) or "m" ARCHIVE MEMBER (a member
#              of the package's archive). STEM ("module/pkg/mod.cpython-...so")
#              is where the outputs go below OUT_DIR.
#   -j N       .so files processed in parallel (default 1)
# Every name is passed as one argument; nothing is word-split or globbed.
set -euo pipefail
export LC_ALL=C

self=$(cd "$(dirname -- "$0")" && pwd)/$(basename -- "$0")

one_so() {
    local ar_once=$1 out=$2 args=$3
    local -a f
    mapfile -d '' -t f <"$args"
    local so=${f[0]} stem=${f[1]}
    local dest=$out/${stem%.so}
    local objs=$dest.km.objs archive=$dest.km.lib.a symmap=$dest.km.symmap
    rm -rf -- "$objs" "$archive"
    mkdir -p -- "$objs"

    local md5
    md5=$(md5sum <"$so")
    md5=${md5%% *}
    nm -D --defined-only -- "$so" >"$dest.km.exports"

    # The inputs, in link order: where each comes from and the name of its copy.
    local -a kind=() src=() member=() copy=()
    local i=2 n=0 name
    while ((i < ${#f[@]})); do
        if [[ ${f[i]} == o ]]; then
            printf -v name '%03d-%s' "$n" "$(basename -- "${f[i + 1]}")"
            kind+=(o) src+=("${f[i + 1]}") member+=("") copy+=("$objs/$name")
            i=$((i + 2))
        else
            printf -v name '%03d-%s' "$n" "${f[i + 2]}"
            kind+=(m) src+=("${f[i + 1]}") member+=("${f[i + 2]}") copy+=("$objs/$name")
            i=$((i + 3))
        fi
        n=$((n + 1))
    done

    # Archive members must be extracted before nm can read them on their own.
    for ((i = 0; i < n; i++)); do
        if [[ ${kind[i]} == m ]]; then
            ar p -- "${src[i]}" "${member[i]}" >"${copy[i]}"
        fi
    done
    local -a nm_inputs=()
    for ((i = 0; i < n; i++)); do
        if [[ ${kind[i]} == o ]]; then nm_inputs+=("${src[i]}"); else nm_inputs+=("${copy[i]}"); fi
    done
    nm -g --defined-only --format=just-symbols -- "${nm_inputs[@]}" |
        sort -u | awk -v s="_${md5}_km" '{print $0 " " $0 s}' >"$symmap"

    for ((i = 0; i < n; i++)); do
        if [[ ${kind[i]} == o ]]; then
            cp -- "${src[i]}" "${copy[i]}"
        fi
        objcopy --redefine-syms="$symmap" -- "${copy[i]}"
        if [[ $ar_once == 0 ]]; then
            ar qc -- "$archive" "${copy[i]}"
        fi
    done
    if [[ $ar_once == 1 ]] && ((n > 0)); then
        ar qc -- "$archive" "${copy[@]}"
    fi
}

if [[ ${1:-} == --one ]]; then
    one_so "$2" "$3" "$4"
    exit 0
fi

jobs=1 ar_once=0
while (($# > 0)); do
    case $1 in
    -j) jobs=$2; shift 2 ;;
    --ar-once) ar_once=1; shift ;;
    *) break ;;
    esac
done
if (($# < 2)); then
    echo "usage: $0 [-j N] [--ar-once] OUT_DIR ARGS_FILE..." >&2
    exit 2
fi
out=$1
shift
mkdir -p -- "$out"
printf '%s\0' "$@" | xargs -0 -n 1 -P "$jobs" -- bash "$self" --one "$ar_once" "$out"
