#!/usr/bin/env bash
# The main job on the shipped default: builds kmpack, builds every package of
# modules.txt into kmpack-build/dist/python.km (on an interpreter built from
# Debian's CPython source, once per machine), and runs the examples in it.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build
# Only what the demo runs: kmpack and its capture wrapper, not the tests.
cmake --build build -j"$(nproc)" --target kmpack kmpack-capture
build/kmpack build modules.txt --python /usr/bin/python3
kmpack-build/dist/python.km examples/smoke.py
# The complete standard library, from CPython source:
kmpack-build/dist/python.km -c 'import asyncio, ssl, ctypes, sqlite3, decimal, bz2, lzma, uuid; ssl.create_default_context(); print("standard library: asyncio, ssl, ctypes, sqlite3, decimal, bz2, lzma, uuid import")'
