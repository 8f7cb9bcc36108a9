"""kmcheck for kmlinalg: reference LAPACK and BLAS with an xerbla_ of its
own that records errors, where kmlapack's raises: each package's LAPACK
calls reach its own handler."""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmlinalg

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmlinalg: " + msg)
    n += 1


def in_child(test):
    """True when test() returns True in a child process. As numpy's
    test_xerbla_override does: when a package's xerbla_ is not the one
    LAPACK calls, reference LAPACK's own prints and ends the process
    (Fortran STOP, exit status 0), which in this process would end the
    checks as if they had passed."""
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        try:
            good = test()
        except BaseException as e:  # noqa: B902 - reported, then the child ends
            print("kmcheck child: %r" % (e,))
            good = False
        sys.stdout.flush()
        os._exit(42 if good else 1)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 42


# A = [[4, 2], [2, 3]] = L L^T with L = [[2, 0], [1, sqrt(2)]].
L = kmlinalg.cholesky([4.0, 2.0, 2.0, 3.0], 2)
check(L[:3] == [2.0, 0.0, 1.0] and abs(L[3] - 2.0 ** 0.5) < 1e-12, "cholesky %r" % (L,))
try:
    kmlinalg.cholesky([1.0, 2.0, 2.0, 1.0], 2)
except ArithmeticError as e:
    check("info 2" in str(e), "not positive definite: %s" % e)
else:
    raise AssertionError("kmlinalg: an indefinite matrix factored")

# LAPACK's and BLAS's calls of xerbla_ reach this package's: recorded, no
# exception (kmlapack's would raise ValueError; LAPACK's own would print and
# STOP).
def recorded():
    before = len(kmlinalg.errors())
    info = kmlinalg.bad_lapack_call()
    kmlinalg.bad_blas_call()
    return info == -1 and kmlinalg.errors()[before:] == [("DPOTRF", 1), ("DGEMV", 1)]


check(in_child(recorded), "LAPACK's and BLAS's calls of xerbla_ did not reach the package's")
check(recorded(), "and in this process")

print("ok kmlinalg: %d checks" % n)
