"""Native classes the other modules use and subclass."""
from typing import TYPE_CHECKING, List

if TYPE_CHECKING:
    # mypyc reads the decorator at compile time and leaves no call to it in
    # the module, so mypy_extensions is not needed at run time.
    from mypy_extensions import mypyc_attr

_made = 0


def made() -> int:
    """Shapes constructed so far (this module's own global)."""
    return _made


class Shape:
    def __init__(self, name: str) -> None:
        global _made
        _made += 1
        self.name = name

    def area(self) -> int:
        return 0

    def describe(self) -> str:
        # A native call of area(): dispatched through the vtable to the
        # subclass's method, whichever module defines it.
        return self.name + ":" + str(self.area())


class Rect(Shape):
    def __init__(self, w: int, h: int) -> None:
        super().__init__("rect")
        self.w = w
        self.h = h

    def area(self) -> int:
        return self.w * self.h


def total_area(shapes: List[Shape]) -> int:
    total = 0
    for s in shapes:
        total += s.area()
    return total


@mypyc_attr(allow_interpreted_subclasses=True)
class Plugin:
    """A native class that interpreted Python code may subclass."""

    def run(self, x: int) -> int:
        return x

    def twice(self, x: int) -> int:
        return self.run(self.run(x))
