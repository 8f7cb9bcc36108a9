"""kmlinalg: Cholesky factors through reference LAPACK; argument errors are
recorded (errors()), not raised: its own xerbla_, unlike kmlapack's."""
from kmlinalg._chol import bad_blas_call, bad_lapack_call, cholesky, errors

__all__ = ["cholesky", "errors", "bad_lapack_call", "bad_blas_call"]
