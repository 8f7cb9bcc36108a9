"""kmcheck for kmmeson: a pyproject package whose backend (meson-python) is not setuptools."""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmmeson._fast as fast

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmmeson: " + msg)
    n += 1


check(fast.triple(14) == 42, "triple(14)")
check(fast.calls() == 1, "its own counter")
check(fast.__file__.endswith("kmmeson/_fast.cpython-311-x86_64-linux-gnu.so"), fast.__file__)
print("ok kmmeson: %d checks" % n)
