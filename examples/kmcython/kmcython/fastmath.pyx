# cython: language_level=3
"""kmcython.fastmath: cdef functions and a module-level C global."""

cdef long _calls = 0


cdef long _fib(int n) nogil:
    cdef long a = 0, b = 1, t
    cdef int i
    for i in range(n):
        t = a + b
        a = b
        b = t
    return a


def fib(int n):
    global _calls
    _calls += 1
    return _fib(n)


def calls():
    return _calls


def tag():
    return "fastmath"


def gcd(long a, long b):
    while b:
        a, b = b, a % b
    return a
