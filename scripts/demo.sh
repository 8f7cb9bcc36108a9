#!/usr/bin/env bash
# The main job on the shipped default: builds kmpack, builds every package of
# modules.txt into kmpack-build/dist/python.km, and runs the examples in it.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build
cmake --build build -j"$(nproc)"
build/kmpack build modules.txt --python /usr/bin/python3
kmpack-build/dist/python.km examples/smoke.py
