# cython: language_level=3
"""kmcython.shapes: a cdef class with C attributes, and a subclass."""

cdef long _calls = 0


cdef class Rect:
    cdef public double w, h

    def __init__(self, double w, double h):
        self.w = w
        self.h = h

    cpdef double area(self):
        global _calls
        _calls += 1
        return self.w * self.h

    def __repr__(self):
        return "Rect(%g, %g)" % (self.w, self.h)


cdef class Square(Rect):
    def __init__(self, double s):
        Rect.__init__(self, s, s)


def total_area(shapes):
    cdef double t = 0
    for s in shapes:
        t += (<Rect?>s).area()
    return t


def calls():
    return _calls


def tag():
    return "shapes"
