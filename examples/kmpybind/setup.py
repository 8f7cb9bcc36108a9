# Two pybind11 modules of one package, built as real pybind11 packages are
# (pybind11.setup_helpers: -fvisibility=hidden, the C++ standard found by
# compiling a test file). kmpybind._core registers Vec and VecError;
# kmpybind._ops uses both without registering them, through the internals
# pybind11 shares between modules in a capsule in builtins.
from setuptools import setup
from pybind11.setup_helpers import Pybind11Extension, build_ext

setup(
    name="kmpybind",
    version="1.0",
    packages=["kmpybind"],
    ext_modules=[
        Pybind11Extension("kmpybind._core", ["src/core.cpp", "src/core_extra.cpp"], include_dirs=["src"]),
        Pybind11Extension("kmpybind._ops", ["src/ops.cpp"], include_dirs=["src"]),
    ],
    cmdclass={"build_ext": build_ext},
)
