"""kmcheck for kmlocal: two extensions linking the package-local libkmmath.a."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmlocal.m1 as m1
import kmlocal.m2 as m2

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmlocal: " + msg)
    n += 1


check(not hasattr(m2, "square"), "m2 does not expose b.o functions")
check(m1.count() == 0 and m2.count() == 0, "counters start at 0")
check([m1.bump() for _ in range(3)] == [1, 2, 3], "m1 bumps")
check(m2.bump() == 1, "m2 has its own copy of a.o's counter")
check(m1.count() == 3, "m1 count 3 (got %d)" % m1.count())
check(m2.count() == 1 and m2.counter() == 1, "m2 count 1 (got %d)" % m2.count())
check(m1.bump_by(4) == 7, "b.o -> a.o inside m1")
check(m2.count() == 1, "m2 unaffected by m1.bump_by")
check(m1.square(12) == 144, "kmm_square")
check(m1.name() == "kmmath-b", "kmm_name data from b.o")

# Optional cross-package isolation: kmshared (if importable) defines the
# same global names counter/bump/count in its own common.c.
try:
    import kmshared.alpha as alpha
except ImportError:
    alpha = None
if alpha is not None:
    before = alpha.count()
    alpha.bump()
    check(alpha.count() == before + 1, "kmshared.alpha bump")
    check(m1.count() == 7 and m2.count() == 1, "kmlocal unaffected by kmshared")
    m2.bump()
    check(alpha.count() == before + 1, "kmshared unaffected by kmlocal")

print("ok kmlocal: %d checks" % n)
