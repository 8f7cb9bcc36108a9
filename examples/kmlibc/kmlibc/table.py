"""A table of libc and libm functions, looked up through ctypes the way code
using ctypes or cffi does, and called with real arguments. Most of them are
functions CPython itself never calls, so a static link that kept only what
the interpreter uses would leave them out."""
import ctypes
import math

c_int, c_long, c_longlong, c_double = ctypes.c_int, ctypes.c_long, ctypes.c_longlong, ctypes.c_double
c_char_p, c_void_p, c_size_t = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t


def close(x, y):
    return abs(x - y) <= 1e-12 * max(1.0, abs(y))


# (library, name, restype, argtypes, args, what the call must give)
TABLE = [
    (None, "abs", c_int, [c_int], (-3,), 3),
    (None, "labs", c_long, [c_long], (-5,), 5),
    (None, "llabs", c_longlong, [c_longlong], (-(2 ** 40),), 2 ** 40),
    (None, "ffs", c_int, [c_int], (8,), 4),
    (None, "ffsl", c_int, [c_long], (1 << 40,), 41),
    (None, "a64l", c_long, [c_char_p], (b"./",), 64),
    (None, "strverscmp", c_int, [c_char_p, c_char_p], (b"a10", b"a9"), lambda r: r > 0),
    (None, "atoi", c_int, [c_char_p], (b"  42x",), 42),
    (None, "strtol", c_long, [c_char_p, c_void_p, c_int], (b"ff", None, 16), 255),
    (None, "toupper", c_int, [c_int], (ord("q"),), ord("Q")),
    ("libc.so.6", "strlen", c_size_t, [c_char_p], (b"kmpack",), 6),
    ("libc.so.6", "strnlen", c_size_t, [c_char_p, c_size_t], (b"kmpack", 3), 3),
    ("libc.so.6", "fnmatch", c_int, [c_char_p, c_char_p, c_int], (b"*.so", b"m.so", 0), 0),
    ("libc.so.6", "rand_r", c_int, [ctypes.POINTER(ctypes.c_uint)], None, lambda r: r >= 0),
    ("libm.so.6", "cos", c_double, [c_double], (0.0,), 1.0),
    ("libm.so.6", "lgamma", c_double, [c_double], (5.0,), lambda r: close(r, math.log(24.0))),
    ("libm.so.6", "tgamma", c_double, [c_double], (5.0,), lambda r: close(r, 24.0)),
    ("libm.so.6", "cbrt", c_double, [c_double], (27.0,), lambda r: close(r, 3.0)),
    ("libm.so.6", "hypot", c_double, [c_double, c_double], (3.0, 4.0), 5.0),
    ("libm.so.6", "j0", c_double, [c_double], (0.0,), 1.0),
    ("libm.so.6", "erfc", c_double, [c_double], (0.0,), 1.0),
    ("libm.so.6", "nextafter", c_double, [c_double, c_double], (1.0, 2.0), 1.0 + 2.0 ** -52),
    ("libm.so.6", "fdim", c_double, [c_double, c_double], (5.0, 2.0), 3.0),
]


def library(name):
    return ctypes.CDLL(name)


def call_all(check):
    """Looks every function of TABLE up and calls it; check(cond, what) per call."""
    for lib, name, restype, argtypes, args, want in TABLE:
        f = getattr(library(lib), name)
        f.restype, f.argtypes = restype, argtypes
        if args is None:  # rand_r: a seed by reference
            args = (ctypes.byref(ctypes.c_uint(1)),)
        got = f(*args)
        ok = want(got) if callable(want) else got == want
        check(ok, "%s(%s) from %s gave %r" % (name, ", ".join(map(repr, args)), lib or "CDLL(None)", got))
    return len(TABLE)


def address(lib, name):
    return ctypes.cast(getattr(library(lib), name), c_void_p).value


def scan_as(name, text, fmt):
    """Calls the scanf-family function `name` of libc on a FILE reading
    `text` with one char * conversion; returns (its result, the string)."""
    libc = library("libc.so.6")
    libc.fmemopen.restype = c_void_p
    libc.fmemopen.argtypes = [c_char_p, c_size_t, c_char_p]
    libc.fclose.argtypes = [c_void_p]
    libc.free.argtypes = [c_void_p]
    f = libc.fmemopen(text, len(text), b"r")
    out = c_void_p()
    try:
        scan = getattr(libc, name)
        scan.restype = c_int
        r = scan(c_void_p(f), fmt, ctypes.byref(out))
        got = ctypes.string_at(out.value) if r == 1 and out.value else None
        if out.value:
            libc.free(out)
        return r, got
    finally:
        libc.fclose(c_void_p(f))
