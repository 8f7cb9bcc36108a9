"""kmcheck for kmzlib: extension linked with -lz."""
import binascii
import os
import sys

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmzlib._kmz as z

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmzlib: " + msg)
    n += 1


samples = [b"", b"a", b"hello kmpack", bytes(range(256)) * 40]
for s in samples:
    check(z.crc32(s) == binascii.crc32(s), "crc32 of %d bytes" % len(s))
check(z.crc32(b"world", z.crc32(b"hello ")) == binascii.crc32(b"hello world"),
      "crc32 chaining")
check(z.crc32(b"123456789") == 0xCBF43926, "crc32 check value")
check(z.adler32(b"Wikipedia") == 0x11E60398, "adler32 check value")

data = b"kmpack static python " * 500
comp = z.compress(data, 9)
check(0 < len(comp) < len(data) // 10, "compresses (%d bytes)" % len(comp))
check(comp[:1] == b"\x78", "zlib header")
check(z.decompress(comp, len(data)) == data, "round trip")
check(z.decompress(z.compress(b""), 0) == b"", "empty round trip")
try:
    z.decompress(b"not zlib data", 100)
except ValueError:
    check(True, "bad data raises")
else:
    raise AssertionError("kmzlib: decompress accepted garbage")
check(z.zlib_version().startswith("1."), "zlibVersion %r" % z.zlib_version())

print("ok kmzlib: %d checks" % n)
