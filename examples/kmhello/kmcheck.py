"""kmcheck for kmhello: plain C extension, exported data, dlopen/dlsym self lookup, package data."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmhello
import kmhello._hello as h

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmhello: " + msg)
    n += 1


check(h.greet("km") == "Hello, km!", "greet")
check(h.add(2, 40) == 42, "add")
check(h.add(-5, 5) == 0, "add negative")
check(h.magic() == 0x4B4D, "exported int kmhello_magic")
check(h.version() == "1.2.3", "exported const char[] kmhello_version")
check(kmhello.greet is h.greet, "package re-export")
check(h.self_lookup(h.__file__) is True,
      "dlsym(dlopen(__file__)) must return our own kmhello_magic/PyInit__hello")

check(h.program_lookup() == 6,
      "dlsym(RTLD_DEFAULT, PyLong_FromLong) and dlsym(dlopen(NULL), strlen) must find the program's own")

# Package data, through the loader: importlib.resources (in the package)
# and pkgutil.get_data, as under any interpreter.
import pkgutil

text = "Greetings are data: read through the package loader.\n"
check(kmhello.greeting() == text, "importlib.resources reads kmhello/data/greeting.txt")
check(pkgutil.get_data("kmhello", "data/greeting.txt") == text.encode(), "pkgutil.get_data")

print("ok kmhello: %d checks" % n)
