"""kmlapack: linear algebra through reference LAPACK, whose argument errors
raise ValueError (the package's own xerbla_, as numpy's)."""
from kmlapack._solve import bad_blas_call, bad_lapack_call, ddot, solve

__all__ = ["solve", "ddot", "bad_lapack_call", "bad_blas_call"]
