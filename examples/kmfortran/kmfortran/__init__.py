"""kmfortran: Fortran kernels (gfortran, with its runtime) behind a C extension."""
from kmfortran._fort import axpy, calls, quad_sqrt, sum_squares

__all__ = ["axpy", "sum_squares", "quad_sqrt", "calls"]
