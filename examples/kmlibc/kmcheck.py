"""kmcheck for kmlibc: libc and libm through ctypes, as a dynamic python3 finds them."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmlibc._probe as probe

try:
    import ctypes  # noqa: F401
except ImportError as e:
    # An interpreter without _ctypes (python.km on Debian's own libpython,
    # --stdlib=system) cannot look anything up: nothing to check.
    print("ok kmlibc: 0 checks (skipped: %s)" % e)
    sys.exit(0)

from kmlibc import table

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmlibc: " + msg)
    n += 1


table.call_all(check)

# The three names of the C library are one library: the same functions.
for name in ("abs", "labs", "fscanf"):
    check(table.address(None, name) == table.address("libc.so.6", name),
          "CDLL(None).%s is CDLL('libc.so.6').%s" % (name, name))
# (Not so for cos: a dynamic non-PIE python3 that takes cos's address has a
# canonical PLT entry for it, which CDLL(None) finds first.)

# fscanf is glibc's default fscanf@@GLIBC_2.2.5, a different function from
# the __isoc99_fscanf that C99 code is redirected to.
fscanf, isoc99 = table.address("libc.so.6", "fscanf"), table.address("libc.so.6", "__isoc99_fscanf")
check(fscanf != isoc99, "fscanf and __isoc99_fscanf are two functions")
check(probe.fscanf_as_compiled() == isoc99, "C99 code's fscanf is __isoc99_fscanf")
# And they behave differently: the old fscanf reads %as as the GNU
# allocating %s, C99's reads %a as a float and fails on letters.
check(table.scan_as("fscanf", b"hello", b"%as") == (1, b"hello"), "fscanf's GNU %as allocates the string")
check(table.scan_as("__isoc99_fscanf", b"hello", b"%as")[0] == 0, "__isoc99_fscanf's %a is a float")
check(table.scan_as("__isoc99_fscanf", b"hello", b"%ms") == (1, b"hello"), "__isoc99_fscanf's %ms allocates")

print("ok kmlibc: %d checks" % n)
