#!/usr/bin/env bash
# Build every example package with Debian's /usr/bin/python3 (setup.py build)
# into a scratch directory and run each kmcheck.py under the normal dynamic
# interpreter. Exits non-zero on the first failure.
#
# Usage: check_all_dynamic.sh [PKG...]     (default: all examples)
# Env:   PYTHON (default /usr/bin/python3), KEEP_WORKDIR=1 to keep scratch dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-/usr/bin/python3}"

if [ "$#" -gt 0 ]; then
    pkgs=("$@")
else
    pkgs=()
    for d in "$here"/*/; do
        if [ -f "${d}setup.py" ] && [ -f "${d}kmcheck.py" ]; then
            pkgs+=("$(basename "$d")")
        fi
    done
fi

work="$(mktemp -d /tmp/kmpack-examples.XXXXXX)"
cleanup() {
    if [ "${KEEP_WORKDIR:-0}" = "1" ]; then
        echo "scratch dir kept: $work"
    else
        rm -rf -- "$work"
    fi
}
trap cleanup EXIT

lib="$work/lib"   # shared build-lib: all packages importable together
mkdir -p -- "$lib"
# The Rust examples' crates: Debian's, offline, as kmpack's build takes them
# (docs/design.md, "Rust extensions"): cargo finds this above each copy.
mkdir -p -- "$work/.cargo"
cat >"$work/.cargo/config.toml" <<'TOML'
[net]
offline = true

[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "/usr/share/cargo/registry"
TOML

# kmcodec is built against libkmcodec, a C library from source (in
# modules.txt a library line): built here static-only, as kmpack builds it.
for pkg in "${pkgs[@]}"; do
    if [ "$pkg" = kmcodec ]; then
        echo "== build libkmcodec (CMake, static)"
        cmake -S "$here/libkmcodec" -B "$work/libkmcodec-build" -DCMAKE_INSTALL_PREFIX="$work/prefix" \
            -DCMAKE_INSTALL_LIBDIR=lib -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
            >"$work/build-libkmcodec.log" 2>&1 &&
            cmake --build "$work/libkmcodec-build" >>"$work/build-libkmcodec.log" 2>&1 &&
            cmake --install "$work/libkmcodec-build" >>"$work/build-libkmcodec.log" 2>&1 || {
            echo "BUILD FAILED: libkmcodec (log follows)" >&2
            cat -- "$work/build-libkmcodec.log" >&2
            exit 1
        }
        export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    fi
done

for pkg in "${pkgs[@]}"; do
    src="$here/$pkg"
    if [ ! -f "$src/setup.py" ]; then
        echo "no such example: $pkg" >&2
        exit 2
    fi
    echo "== build $pkg"
    cp -a -- "$src" "$work/src-$pkg"
    (
        cd -- "$work/src-$pkg"
        "$python" setup.py -q build \
            --build-lib "$lib" --build-temp "$work/temp-$pkg" \
            >"$work/build-$pkg.log" 2>&1
    ) || {
        echo "BUILD FAILED: $pkg (log follows)" >&2
        cat -- "$work/build-$pkg.log" >&2
        exit 1
    }
done

for pkg in "${pkgs[@]}"; do
    echo "== check $pkg"
    # Run from the pristine copy's parent so the source tree is not on sys.path.
    (
        cd -- "$work"
        PYTHONPATH="$lib" "$python" "$work/src-$pkg/kmcheck.py"
    ) || {
        echo "CHECK FAILED: $pkg" >&2
        exit 1
    }
done

echo "all ${#pkgs[@]} examples passed"
