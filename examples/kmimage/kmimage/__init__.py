"""kmimage: PNG and JPEG in memory (libpng, libjpeg), a glyph rendered by
FreeType, and zlib's CRC: four system libraries in one extension."""
from kmimage._image import crc32, jpeg_roundtrip, png_roundtrip, render_glyph, versions

__all__ = ["png_roundtrip", "jpeg_roundtrip", "render_glyph", "crc32", "versions"]
