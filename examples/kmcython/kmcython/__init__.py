"""kmcython: two small Cython extension modules, and a helper that uses the
pure-Python package kmpure (listed on a modules.txt line of its own)."""
from kmpure import ordinal


def fib_text(n):
    """'the 10th Fibonacci number is 55': Cython's fib, kmpure's words."""
    from kmcython.fastmath import fib
    return "the %s Fibonacci number is %d" % (ordinal(n), fib(n))
