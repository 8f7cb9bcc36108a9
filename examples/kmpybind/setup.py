# Two pybind11 modules of one package, built as real pybind11 packages are
# (pybind11.setup_helpers: -fvisibility=hidden, -g0). kmpybind._core
# registers Vec and VecError; kmpybind._ops uses both without registering
# them, through the internals pybind11 shares between modules in a capsule
# in builtins. -O1 (after the interpreter's -O3) because kmpack's tests
# build this example many times: pybind11's templates compile in a quarter
# less time.
from setuptools import setup
from pybind11.setup_helpers import Pybind11Extension, build_ext

setup(
    name="kmpybind",
    version="1.0",
    packages=["kmpybind"],
    ext_modules=[
        Pybind11Extension("kmpybind._core", ["src/core.cpp", "src/core_extra.cpp"], include_dirs=["src"],
                          cxx_std=17, extra_compile_args=["-O1"]),
        Pybind11Extension("kmpybind._ops", ["src/ops.cpp"], include_dirs=["src"],
                          cxx_std=17, extra_compile_args=["-O1"]),
    ],
    cmdclass={"build_ext": build_ext},
)
