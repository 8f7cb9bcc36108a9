"""kmcheck for kmpybind: pybind11 modules sharing a type, module-local types, static registries."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmpybind._core as core
import kmpybind._ops as ops

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmpybind: " + msg)
    n += 1


# _ops returns a Vec, a type only _core registered: found through the
# internals both modules share (pybind11's capsule in builtins).
v = ops.make_vec(3, 4)
check(type(v) is core.Vec, "_ops.make_vec returns _core's Vec (got %r)" % type(v))
check(v.norm2() == 25, "_core's method on a Vec made by _ops")
w = ops.scale(core.Vec(1, 2), 3)
check(type(w) is core.Vec and (w.x, w.y) == (3, 6), "_ops.scale takes and returns _core's Vec")
u = ops.unit(core.Vec(0, 5))
check((u.x, u.y) == (0, 1), "_ops.unit")

# A C++ exception thrown in _ops, translated by the translator _core registered.
try:
    ops.unit(core.Vec(0, 0))
except core.VecError as e:
    check(isinstance(e, ValueError), "VecError derives from ValueError")
    check(str(e) == "kmpybind: the zero vector has no direction", "VecError text %r" % str(e))
else:
    raise AssertionError("kmpybind: _ops.unit(0, 0) did not raise _core.VecError")

# py::module_local: a Tag class in each module, each module sees its own.
check(core.Tag is not ops.Tag, "two Tag types")
check(core.Tag.__module__ == "kmpybind._core" and ops.Tag.__module__ == "kmpybind._ops",
      "Tag modules %r, %r" % (core.Tag.__module__, ops.Tag.__module__))
check(type(core.make_tag()) is core.Tag and core.make_tag().origin == "core", "_core makes its own Tag")
check(type(ops.make_tag()) is ops.Tag and ops.make_tag().origin == "ops", "_ops makes its own Tag")
check(core.Tag().origin == "core" and ops.Tag().origin == "ops", "each Tag's constructor is its module's")
check(core.tag_origin(core.Tag()) == "core" and ops.tag_origin(ops.Tag()) == "ops", "each module takes its Tag")

# Each .so's static registry holds only its own static constructors' entries.
check(sorted(core.registry()) == ["core:extra", "core:module"], "_core's registry %r" % core.registry())
check(ops.registry() == ["ops:module"], "_ops's registry %r" % ops.registry())
check(core.extra_answer() == 2, "both of _core's translation units share its registry")

print("ok kmpybind: %d checks" % n)
