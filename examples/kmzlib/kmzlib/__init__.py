"""kmzlib: extension linked against the system zlib (-lz)."""
