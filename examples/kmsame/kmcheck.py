"""kmcheck for kmsame: kmsame.one.util and kmsame.two.util (same basename)."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmsame.one.util as u1
import kmsame.two.util as u2

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmsame: " + msg)
    n += 1


check(u1 is not u2, "distinct module objects")
check(u1.__name__ == "kmsame.one.util", "u1 name %r" % u1.__name__)
check(u2.__name__ == "kmsame.two.util", "u2 name %r" % u2.__name__)
check(u1.which() == "one", "one.util.which() (got %r)" % u1.which())
check(u2.which() == "two", "two.util.which() (got %r)" % u2.which())
check(u1.util_id() == 1, "one.util util_id == 1 (got %d)" % u1.util_id())
check(u2.util_id() == 2, "two.util util_id == 2 (got %d)" % u2.util_id())
u1.set_id(10)
check(u1.util_id() == 10 and u2.util_id() == 2, "set_id on one leaves two")
u2.set_id(20)
check(u1.util_id() == 10 and u2.util_id() == 20, "set_id on two leaves one")

print("ok kmsame: %d checks" % n)
