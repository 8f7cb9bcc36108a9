"""Runs every example's kmcheck.py in this interpreter (python.km or python3).

Usage: python.km examples/smoke.py [modules.txt]   (only the examples it lists)
"""
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = ["kmhello", "kmshared", "kmsame", "kmcpp", "kmcython", "kmpure", "kmzlib", "kmlocal", "kmdeps", "kmmeson",
            "kmmypyc", "kmpybind", "kmlapack", "kmlinalg", "kmfortran", "kmimage", "kmweak", "kmlibc",
            "kmrusta", "kmrustb", "kmcodec"]

# With a modules.txt as argument: only the examples it lists.
names = EXAMPLES
if len(sys.argv) > 1:
    with open(sys.argv[1], encoding="utf-8") as f:
        listed = {line.split()[0] for line in f if line.strip() and not line.lstrip().startswith("#")}
    names = [name for name in EXAMPLES if name in listed]
for name in names:
    runpy.run_path(os.path.join(HERE, name, "kmcheck.py"), run_name="__main__")
print(f"smoke: all {len(names)} example packages import and pass in {sys.executable}")
