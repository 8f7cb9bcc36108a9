#!/usr/bin/env bash
# Installs everything kmpack needs to build, test and run, from Debian 12 packages.
set -euo pipefail
packages=(
  build-essential cmake git pkg-config ca-certificates
  llvm-19-dev libssl-dev nlohmann-json3-dev libcli11-dev catch2
  python3 python3-dev libpython3.11-dev python3-setuptools python3-pip python3-wheel cython3
  zlib1g-dev libexpat1-dev libarchive-dev musl-tools
  # Static-library closure and the examples that need it: reference LAPACK
  # and BLAS, gfortran and its runtime (kmlapack, kmlinalg, kmfortran);
  # libxml2 and ICU (tests/static_deps_test.cpp); the imaging libraries of
  # kmimage.
  liblapack-dev libblas-dev gfortran libxml2-dev libjpeg-dev libpng-dev libfreetype-dev
  # Linkers: --ld auto links python.km with the fastest installed (lld, then mold).
  lld mold
  clang libclang-rt-14-dev meson python3-mesonpy
  # The examples compiled with mypyc (examples/kmmypyc) and pybind11 (examples/kmpybind).
  python3-mypy pybind11-dev python3-pybind11
  # The PyO3 examples (examples/kmrusta, examples/kmrustb): Debian's Rust
  # toolchain, setuptools-rust, and pyo3 with the crates it needs in
  # Debian's crate registry (/usr/share/cargo/registry), for cargo offline.
  cargo rustc librust-pyo3-dev python3-setuptools-rust
  # Compiler launchers (--launcher): the end-to-end tests of ccache and distcc.
  ccache distcc
  # CI builds kmpack once with clang (scripts/test.sh --clang): the clang of
  # kmpack's LLVM.
  clang-19
  # CPython from source (--cpython): the libraries of its shared standard
  # modules, each with its static archive.
  libffi-dev libsqlite3-dev liblzma-dev libbz2-dev libncurses-dev libreadline-dev
  uuid-dev libgdbm-dev libgdbm-compat-dev libnsl-dev libtirpc-dev
)
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
