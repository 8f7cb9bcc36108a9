"""kmcheck for kmcodec: libkmcodec, built from source by its own modules.txt
line, linked into the extension and called."""
import math
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmcodec

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmcodec: " + msg)
    n += 1


# The library built from examples/libkmcodec, and the header of that build.
check(kmcodec.library_version() == "1.2.0", "library version %r" % kmcodec.library_version())
check(kmcodec.header_version() == kmcodec.library_version(), "header and library of one release")
# Run-length coding: exact bytes, and a run longer than 255 split.
check(kmcodec.encode(b"aaabcc") == b"\x03a\x01b\x02c", "encode %r" % kmcodec.encode(b"aaabcc"))
data = b"x" * 300 + b"yz" + bytes(range(10)) * 3
coded = kmcodec.encode(data)
check(coded[:4] == b"\xffx\x2dx", "a run of 300 as 255 + 45: %r" % coded[:4])
check(kmcodec.decode(coded, len(data)) == data, "round trip")
try:
    kmcodec.decode(b"\x00a", 10)
except ValueError:
    check(True, "a zero count refused")
else:
    check(False, "a zero count accepted")
# Fletcher-16's published check values.
check(kmcodec.fletcher16(b"abcde") == 0xC8F0, "fletcher16(abcde) %#x" % kmcodec.fletcher16(b"abcde"))
check(kmcodec.fletcher16(b"abcdef") == 0x2057, "fletcher16(abcdef)")
# libm, which kmcodec.pc's Libs.private names.
check(math.isclose(kmcodec.log2_mean_run(b"aaaabbbb"), 2.0), "log2 of mean run 4")

print("ok kmcodec: %d checks" % n)
