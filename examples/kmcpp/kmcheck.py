"""kmcheck for kmcpp: C++ static init calling the C API, exceptions, COMDAT."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmcpp._cpp as c

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmcpp: " + msg)
    n += 1


check(c.ctor_runs() == 1, "static constructor ran once (got %d)" % c.ctor_runs())
check(c.initialized_at_load() is True,
      "static initializer must see Py_IsInitialized() == 1")
check(c.init_value() == 42, "PyLong_FromLong(42) from static init")
check(c.init_text() == "kmcpp static init", "PyUnicode from static init")
check(c.label() == "constructed", "std::string member from static init")

check(c.safe_div(6, 3) == 2, "safe_div(6, 3)")
check(c.safe_div(-9, 3) == -3, "safe_div(-9, 3)")
try:
    c.safe_div(1, 0)
except ValueError as e:
    check(str(e) == "kmcpp: division by zero", "exception text %r" % str(e))
else:
    raise AssertionError("kmcpp: safe_div(1, 0) did not raise ValueError")
check(c.safe_div(7, 7) == 1, "works again after an exception")
check(c.km_error(17) == (17, "kmcpp: KmError code 17"), "custom exception across TUs")

# Registry<int>::add(7) in the static ctor bumped instance_counter once.
check(c.counter() == 1, "inline static counter after static init (got %d)" % c.counter())
# bump(): ++ here, then helpers.cpp does Registry<str>::add (++) and ++.
check(c.bump() == (2, 4), "inline static local shared by both TUs")
check(c.bump() == (5, 7), "inline static local shared by both TUs (2)")
check(c.counter() == 7, "inline static counter final value")
check(c.registry_sizes() == (1, 2, 1, 2), "template static members %r" % (c.registry_sizes(),))
check(c.vsum([1, 2, 3, 4]) == 10, "vsum")
check(c.join(["a", "b", "c"], "-") == "a-b-c", "join")

print("ok kmcpp: %d checks" % n)
