"""Subclasses of shapes' native classes and calls into it: across modules of one mypyc library."""
from typing import List

from kmmypyc.shapes import Rect, Shape, total_area
from kmmypyc.one import util as one_util
from kmmypyc.two import util as two_util

_made = 0


def made() -> int:
    """Solids constructed so far (a global of the same name as shapes')."""
    return _made


class Square(Rect):
    def __init__(self, side: int) -> None:
        global _made
        _made += 1
        super().__init__(side, side)
        self.name = "square"


class Cube(Shape):
    def __init__(self, side: int) -> None:
        global _made
        _made += 1
        super().__init__("cube")
        self.side = side

    def area(self) -> int:
        return 6 * self.side * self.side


def squares(n: int) -> List[Shape]:
    result: List[Shape] = []
    for i in range(1, n + 1):
        result.append(Square(i))
    return result


def area_of_squares(n: int) -> int:
    return total_area(squares(n))


def owners() -> str:
    return one_util.which() + "," + two_util.which()
