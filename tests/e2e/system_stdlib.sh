#!/usr/bin/env bash
# --stdlib=system: python.km on --python's own static libpython. The build
# ends by naming the standard modules python.km lacks (those Debian ships as
# shared libraries), each of which then fails to import while the examples
# pass; the output directory is as relocatable as the default one.
# Usage: system_stdlib.sh KMPACK PYTHON SOURCE_DIR BUILD_DIR
set -euo pipefail
kmpack=$1 python=$2 src=$3 bdir=$4
fail() { echo "FAILED: $*"; exit 1; }
"$kmpack" clean --all -B "$bdir" >/dev/null 2>&1 || true
out=$("$kmpack" build "$src/modules.txt" --python "$python" --stdlib=system -B "$bdir" --progress=plain)
note=$(grep '^note: --stdlib=system: python.km lacks the ' <<<"$out") || fail "the build does not list what python.km lacks"
echo "$note"
lacking=$(sed 's/.*shared libraries: \(.*\) (without.*/\1/' <<<"$note" | tr -d ' ')
dynload=$("$python" -c 'import sysconfig; print(sysconfig.get_config_var("DESTSHARED"))')
want=$(ls "$dynload" | sed -n 's/^\([^.]*\)\..*\.so$/\1/p' | sort -u | paste -sd, -)
[ "$lacking" = "$want" ] || fail "the note names $lacking, lib-dynload holds $want"
"$bdir/dist/python.km" - "$lacking" <<'PY'
import importlib.util, sys
imported = [n for n in sys.argv[1].split(",") if importlib.util.find_spec(n) is not None]
assert not imported, f"python.km imports modules the note says it lacks: {imported}"
print("ok: none of the", len(sys.argv[1].split(",")), "modules named imports")
PY
bash "$src/tests/e2e/relocatable.sh" "$bdir" "$src" json,hashlib,zlib
