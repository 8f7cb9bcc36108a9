"""kmcheck for kmshared: same common.o linked into two .so; hidden globals."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmshared.alpha as alpha
import kmshared.beta as beta

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmshared: " + msg)
    n += 1


# Both modules are imported now; each must still own its common.c state.
check(alpha.owner() == "alpha", "alpha owner_name (got %r)" % alpha.owner())
check(beta.owner() == "beta", "beta owner_name (got %r)" % beta.owner())
check(alpha.count() == 0 and beta.count() == 0, "counters start at 0")

check([alpha.bump() for _ in range(3)] == [1, 2, 3], "alpha bumps 1,2,3")
check(beta.bump() == 1, "beta bump independent of alpha")
check(alpha.count() == 3, "alpha count 3 (got %d)" % alpha.count())
check(beta.count() == 1, "beta count 1 (got %d)" % beta.count())
check(alpha.counter() == 3 and beta.counter() == 1, "direct counter reads")

check(alpha.hidden_value() == 1, "alpha hidden kmh_value == 1")
check(beta.hidden_value() == 2, "beta hidden kmh_value == 2")
check(alpha.hidden_get() == 1, "alpha hidden kmh_get() == 1")
check(beta.hidden_get() == 2, "beta hidden kmh_get() == 2")

print("ok kmshared: %d checks" % n)
