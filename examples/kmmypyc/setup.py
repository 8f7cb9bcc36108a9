# Compiled with mypyc as real mypyc packages (black, mypy itself) are: the
# modules' Python source goes through mypycify, which writes C for all of
# them into build/ and returns the extensions: one shared library holding
# every module's code (<hash>__mypyc) and one small shim per module, which
# imports that library and reaches its module through a capsule.
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="kmmypyc",
    version="1.0",
    packages=["kmmypyc", "kmmypyc.one", "kmmypyc.two"],
    ext_modules=mypycify(
        [
            "kmmypyc/shapes.py",
            "kmmypyc/solids.py",
            "kmmypyc/one/util.py",
            "kmmypyc/two/util.py",
        ],
        opt_level="2",
        debug_level="0",
    ),
)
