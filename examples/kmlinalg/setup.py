from setuptools import setup, Extension

# The same reference LAPACK and BLAS as kmlapack, with an xerbla_ of its own
# that behaves differently: it records each error instead of raising.
setup(
    name="kmlinalg",
    version="1.0",
    packages=["kmlinalg"],
    ext_modules=[
        Extension("kmlinalg._chol", sources=["kmlinalg/_chol.c"], libraries=["lapack", "blas"]),
    ],
)
