"""kmcheck for kmfortran: Fortran compiled by the package's build, with
gfortran's runtime (formatted I/O, allocatable arrays) and libquadmath."""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmfortran

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmfortran: " + msg)
    n += 1


before = kmfortran.calls()
check(kmfortran.axpy(2.0, [1.0, 2.0, 3.0], [10.0, 20.0, 30.0]) == [12.0, 24.0, 36.0], "axpy")
check(kmfortran.axpy(0.5, [], []) == [], "axpy of nothing")
check(kmfortran.sum_squares(10) == 385.0, "sum_squares(10)")
check(kmfortran.sum_squares(1000) == 1000 * 1001 * 2001 / 6, "sum_squares(1000)")
# Quad precision: 30 correct decimals, more than a double holds (about 16).
root2 = kmfortran.quad_sqrt(2.0, 30)
check(root2 == "1.414213562373095048801688724210", "quad sqrt(2): %s" % root2)
# gfortran's F0.d leaves out the zero before the point.
half = kmfortran.quad_sqrt(0.25, 3)
check(half == ".500", "quad sqrt(0.25): %s" % half)
calls = kmfortran.calls() - before
check(calls == 6, "the Fortran module's call counter: %d" % calls)
try:
    kmfortran.sum_squares(0)
except ValueError:
    check(True, "bad n")
else:
    raise AssertionError("kmfortran: sum_squares(0) accepted")

print("ok kmfortran: %d checks" % n)
