"""kmcheck for kmcython: two Cython modules with same-named static helpers."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmcython.fastmath as fm
import kmcython.shapes as sh

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmcython: " + msg)
    n += 1


check(fm.tag() == "fastmath" and sh.tag() == "shapes", "module tags")
check([fm.fib(i) for i in range(10)] == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34], "fib")
check(fm.fib(50) == 12586269025, "fib(50) uses C long")
check(fm.gcd(84, 36) == 12, "gcd")
check(fm.calls() == 11, "fastmath call counter (got %d)" % fm.calls())

r = sh.Rect(3, 4)
check(r.area() == 12.0, "Rect.area")
check(repr(r) == "Rect(3, 4)", "Rect repr %r" % repr(r))
s = sh.Square(5)
check(isinstance(s, sh.Rect) and s.area() == 25.0, "Square subclass")
s.w = 2
check(s.area() == 10.0, "public cdef attribute")
check(sh.total_area([r, s]) == 22.0, "total_area")
check(sh.calls() == 5, "shapes call counter (got %d)" % sh.calls())
try:
    sh.total_area([r, "nope"])
except TypeError:
    check(True, "typed cast raises TypeError")
else:
    raise AssertionError("kmcython: total_area accepted a non-Rect")
# Each module has its own static _calls, Cython helper state and type objects.
check(sh.calls() == 6, "shapes call counter (got %d)" % sh.calls())
check(fm.calls() == 11, "fastmath counter unaffected (got %d)" % fm.calls())
check(type(r).__module__ == "kmcython.shapes", "type module %r" % type(r).__module__)

# Last: it calls fib, which the counters above count.
import kmcython
check(kmcython.fib_text(10) == "the 10th Fibonacci number is 55", "fib_text, through the pure package kmpure")

print("ok kmcython: %d checks" % n)
