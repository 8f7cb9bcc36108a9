"""kmcheck for kmimage: libpng, libjpeg, FreeType and zlib, each used."""
import binascii
import os
import sys

_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

import kmimage

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError("kmimage: " + msg)
    n += 1


# PNG: lossless, so the pixels come back exactly.
w, h = 16, 8
rgba = bytes((x * 16, y * 32, (x + y) % 256, 255) [c] for y in range(h) for x in range(w) for c in range(4))
png, back = kmimage.png_roundtrip(w, h, rgba)
check(png[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
check(back == rgba, "PNG round trip")
# JPEG: lossy; a smooth gradient comes back close.
gray = bytes((x * 4 + y * 2) % 256 for y in range(32) for x in range(32))
jpeg, back = kmimage.jpeg_roundtrip(32, 32, gray, 95)
check(jpeg[:3] == b"\xff\xd8\xff" and jpeg[-2:] == b"\xff\xd9", "JPEG markers")
check(len(back) == len(gray) and max(abs(a - b) for a, b in zip(gray, back)) < 24, "JPEG round trip")
try:
    kmimage.jpeg_roundtrip(4, 4, b"short", 90)
except ValueError:
    check(True, "bad JPEG input")
# FreeType renders the font's K as the bitmap the font holds.
check(kmimage.render_glyph("K") == bytes([0xC3, 0xC6, 0xCC, 0xF8, 0xF8, 0xCC, 0xC6, 0xC3]),
      "rendered K: %r" % kmimage.render_glyph("K"))
try:
    kmimage.render_glyph("Q")
except KeyError:
    check(True, "a glyph the font lacks")
# zlib, which kmzlib links too.
check(kmimage.crc32(b"123456789") == 0xCBF43926 == binascii.crc32(b"123456789"), "crc32")
v = kmimage.versions()
check(v["libpng"].startswith("1.6") and v["freetype"][0] == 2 and v["zlib"].startswith("1."), "versions %r" % v)

print("ok kmimage: %d checks" % n)
