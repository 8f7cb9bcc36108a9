from setuptools import setup, Extension

# Reference LAPACK and BLAS through -llapack -lblas, as numpy's fallback
# links them, with the package's own LAPACK error handler (xerbla_) as
# numpy's python_xerbla.c defines it.
setup(
    name="kmlapack",
    version="1.0",
    packages=["kmlapack"],
    ext_modules=[
        Extension("kmlapack._solve", sources=["kmlapack/_solve.c", "kmlapack/python_xerbla.c"],
                  libraries=["lapack", "blas"]),
    ],
)
