"""kmcheck for kmdeps: a .so linked against another .so of its package, and
dlopen() of the package's plain C library at run time."""
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmdeps
import kmdeps._loader as loader
import kmdeps._user as user

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmdeps: " + msg)
    n += 1


check(user.answer(20) == 41, "kmdeps._user must reach kmcore_answer of libkmcore")
check(user.count() == 1, "libkmcore's own counter, seen through _user")
check(loader.call(kmdeps.LIBKMCORE, "kmcore_answer", 5) == 11, "dlopen(libkmcore) + dlsym must call it")
# The library loaded at run time is the same one _user is linked against:
# one copy of its state, as with a dynamic loader.
check(user.count() == 2, "dlopen() of libkmcore must give the copy _user uses, got count %d" % user.count())
try:
    loader.call(kmdeps.LIBKMCORE, "no_such_symbol", 1)
    check(False, "dlsym of an unknown symbol must fail")
except OSError as e:
    check("no_such_symbol" in str(e), "the error names the symbol: %s" % e)

print("ok kmdeps: %d checks" % n)
