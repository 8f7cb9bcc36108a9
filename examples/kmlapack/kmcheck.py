"""kmcheck for kmlapack: reference LAPACK and BLAS (-llapack -lblas) with
the package's own xerbla_, which turns a bad argument into ValueError."""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmlapack

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmlapack: " + msg)
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


# 2x + y = 5, x + 3y = 10: x = 1, y = 3 (dgesv_: LU with partial pivoting).
x = kmlapack.solve([2.0, 1.0, 1.0, 3.0], [5.0, 10.0])
check(abs(x[0] - 1.0) < 1e-12 and abs(x[1] - 3.0) < 1e-12, "solve %r" % (x,))
x = kmlapack.solve([4.0, -2.0, 1.0, -2.0, 4.0, -2.0, 1.0, -2.0, 4.0], [11.0, -16.0, 17.0])
check(all(abs(a - b) < 1e-12 for a, b in zip(x, [1.0, -2.0, 3.0])), "solve 3x3 %r" % (x,))
try:
    kmlapack.solve([1.0, 2.0, 2.0, 4.0], [1.0, 1.0])
except ArithmeticError as e:
    check("singular" in str(e), "singular: %s" % e)
else:
    raise AssertionError("kmlapack: a singular matrix solved")
check(kmlapack.ddot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]) == 32.0, "ddot")

# LAPACK's own call of xerbla_ reaches the package's: ValueError, as numpy's
# test_xerbla_override expects. LAPACK's xerbla_ would print and STOP.
def raises_value_error(call, routine):
    try:
        call()
    except ValueError as e:
        return str(e) == "On entry to %s parameter number 1 had an illegal value" % routine
    return False


check(in_child(lambda: raises_value_error(kmlapack.bad_lapack_call, "DGESV")),
      "LAPACK's call of xerbla_ did not reach the package's (ValueError)")
check(in_child(lambda: raises_value_error(kmlapack.bad_blas_call, "DGEMV")),
      "BLAS's call of xerbla_ did not reach the package's (ValueError)")
check(raises_value_error(kmlapack.bad_lapack_call, "DGESV"), "and in this process")
# And it still works afterwards.
check(kmlapack.ddot([2.0], [3.0]) == 6.0, "ddot after an error")

print("ok kmlapack: %d checks" % n)
