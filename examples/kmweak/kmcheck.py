"""kmcheck for kmweak: a static library's weak pthread references bound."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmweak

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmweak: " + msg)
    n += 1


# In a static link nothing else pulls pthread_equal out of libc.a: unless
# the weak reference is bound, libkmthr decides there are no threads.
check(kmweak.threaded(), "libkmthr decided there are threads (weak pthread_equal & co bound)")
counter, distinct = kmweak.run(4, 20000)
check(counter == 80000, "4 threads x 20000 increments under libkmthr's lock (got %d)" % counter)
check(distinct == 4, "each thread has its own libkmthr state (got %d)" % distinct)
counter, distinct = kmweak.run(1, 10)
check(counter == 10 and distinct == 1, "one more thread")

print("ok kmweak: %d checks" % n)
