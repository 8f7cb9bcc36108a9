"""Runs every example's kmcheck.py in this interpreter (python.km or python3).

Usage: python.km examples/smoke.py
"""
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = ["kmhello", "kmshared", "kmsame", "kmcpp", "kmcython", "kmpure", "kmzlib", "kmlocal", "kmdeps", "kmmeson",
            "kmmypyc", "kmpybind", "kmlapack", "kmlinalg", "kmfortran", "kmimage", "kmweak", "kmlibc",
            "kmrusta", "kmrustb", "kmcodec"]

for name in EXAMPLES:
    runpy.run_path(os.path.join(HERE, name, "kmcheck.py"), run_name="__main__")
print(f"smoke: all {len(EXAMPLES)} example packages import and pass in {sys.executable}")
