"""ctypes in python.km goes through the payload runtime: a package's own C
library by path, the program itself (pythonapi, CDLL(None)) and libc."""
import ctypes
import os
import sys
import sysconfig

import kmdeps

checks = 0


def check(cond, what):
    global checks
    if not cond:
        sys.exit(f"FAIL: {what}")
    checks += 1


# The plain C library kmdeps built, pre-linked into python.km, by its path.
path = os.path.join(os.path.dirname(kmdeps.__file__), "libkmcore" + sysconfig.get_config_var("EXT_SUFFIX"))
core = ctypes.CDLL(path)
check(core.kmcore_answer(20) == 41, "kmcore_answer through ctypes.CDLL")
before = core.kmcore_count()
core.kmcore_answer(1)
check(core.kmcore_count() == before + 1, "kmcore's state is one copy")
check(ctypes.CDLL(path)._handle == core._handle, "a second CDLL of the same path is the same library")

# The program: ctypes.pythonapi and CDLL(None) see the interpreter and libc.
ctypes.pythonapi.PyLong_FromLong.restype = ctypes.py_object
ctypes.pythonapi.PyLong_FromLong.argtypes = [ctypes.c_long]
check(ctypes.pythonapi.PyLong_FromLong(1234) == 1234, "ctypes.pythonapi.PyLong_FromLong")
check(ctypes.CDLL(None).strlen(b"kmpack") == 6, "CDLL(None).strlen")

# libc is linked in: its usual names are the program.
libc = ctypes.CDLL("libc.so.6")
check(libc.getpid() == os.getpid(), "CDLL('libc.so.6').getpid")
libm = ctypes.CDLL("libm.so.6")
libm.sqrt.restype = ctypes.c_double
libm.sqrt.argtypes = [ctypes.c_double]
check(libm.sqrt(2.25) == 1.5, "CDLL('libm.so.6').sqrt")

# Something that is neither says why.
try:
    ctypes.CDLL("libnosuch.so.1")
    check(False, "CDLL of an unknown library fails")
except OSError as e:
    check("not a pre-linked library" in str(e), f"the error names the cause: {e}")
print(f"ok ctypes: {checks} checks")
