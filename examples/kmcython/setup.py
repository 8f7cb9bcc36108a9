from setuptools import setup, Extension
from Cython.Build import cythonize

# Two Cython modules: Cython emits identically named static helpers
# (__Pyx_*) in both generated C files.
extensions = [
    Extension("kmcython.fastmath", sources=["kmcython/fastmath.pyx"]),
    Extension("kmcython.shapes", sources=["kmcython/shapes.pyx"]),
]

setup(
    name="kmcython",
    version="1.0",
    packages=["kmcython"],
    ext_modules=cythonize(extensions, language_level=3, quiet=True),
)
