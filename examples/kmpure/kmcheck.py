"""kmcheck for kmpure: a pure-Python package (no extension module) and a PEP 420 namespace portion."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree)
# first on sys.path; drop it so the built package is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmns.pure
import kmpure

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmpure: " + msg)
    n += 1


check([kmpure.ordinal(i) for i in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] ==
      ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"], "ordinal")
check(kmpure.plural(1, "file") == "1 file" and kmpure.plural(2, "file") == "2 files", "plural")
check(os.path.basename(os.path.dirname(kmpure.__file__)) == "kmpure", "kmpure.__file__ " + str(kmpure.__file__))
check(kmns.pure.PORTION == "kmpure", "namespace portion kmns.pure")
check(getattr(kmns, "__file__", None) is None and kmns.__spec__.origin is None, "kmns is a namespace package")
check(any(os.path.basename(p) == "kmns" for p in kmns.__path__), "kmns.__path__ " + str(list(kmns.__path__)))

print("ok kmpure: %d checks" % n)
