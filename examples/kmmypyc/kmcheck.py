"""kmcheck for kmmypyc: a mypyc-compiled package, its shared library and per-module shims."""
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has only the .py files) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmmypyc.shapes as shapes
import kmmypyc.solids as solids
import kmmypyc.one.util as one_util
import kmmypyc.two.util as two_util

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmmypyc: " + msg)
    n += 1


# Every module is the compiled one (its shim), not the .py beside it.
for mod in (shapes, solids, one_util, two_util):
    check(not mod.__file__.endswith(".py"), "%s is compiled (%s)" % (mod.__name__, mod.__file__))
# The shims reached mypyc's one shared library, which Python imported by its name.
libs = [name for name in sys.modules if name.endswith("__mypyc")]
check(len(libs) == 1, "one mypyc shared library imported (got %r)" % libs)
check(not sys.modules[libs[0]].__file__.endswith(".py"), "the shared library is an extension module")
check(shapes.__name__ == "kmmypyc.shapes" and one_util.__name__ == "kmmypyc.one.util",
      "each shim initialised its own module")

# Native code: a wrong argument type is a TypeError, as compiled code checks it.
try:
    shapes.Rect("2", 3)
except TypeError:
    check(True, "")
else:
    raise AssertionError("kmmypyc: Rect('2', 3) did not raise TypeError (not compiled?)")

# A class of one module subclassed in another, and calls across modules.
sq = solids.Square(4)
check(isinstance(sq, shapes.Rect) and isinstance(sq, shapes.Shape), "Square subclasses shapes.Rect")
check(type(sq).__module__ == "kmmypyc.solids", "Square's module %r" % type(sq).__module__)
check(sq.area() == 16 and sq.describe() == "square:16", "Square's area %r" % sq.describe())
cube = solids.Cube(2)
check(cube.describe() == "cube:24", "shapes.Shape.describe calls solids.Cube.area (%r)" % cube.describe())
check(shapes.total_area([sq, cube, shapes.Rect(2, 3)]) == 16 + 24 + 6, "shapes.total_area over both modules")
check(solids.area_of_squares(3) == 1 + 4 + 9, "solids.area_of_squares calls shapes.total_area")

# Globals of the same name are each module's own.
check(shapes.made() == 6, "shapes._made counts every Shape (got %d)" % shapes.made())
check(solids.made() == 5, "solids._made counts the solids (got %d)" % solids.made())

# Two modules of the same name (util) in two subpackages: two shims with the
# same PyInit_util, each reaching its own module's code and state.
check(one_util.which() == "one" and two_util.which() == "two", "each util is its own")
owners = solids.owners()
check(owners == "one,two", "solids calls both utils: %r" % owners)
check(one_util.calls() == 2 and two_util.calls() == 2,
      "call counters %d, %d" % (one_util.calls(), two_util.calls()))


# A native class subclassed in interpreted Python: native code calls the override.
class Triple(shapes.Plugin):
    def run(self, x):
        return 3 * x


check(shapes.Plugin().twice(5) == 5, "Plugin.twice")
check(Triple().twice(5) == 45, "native twice() calls the Python override: %r" % Triple().twice(5))

print("ok kmmypyc: %d checks" % n)
