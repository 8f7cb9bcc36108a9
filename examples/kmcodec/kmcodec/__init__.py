"""kmcodec: run-length coding and Fletcher-16 from libkmcodec, a C library
built from source by its own modules.txt line."""
from kmcodec._codec import decode, encode, fletcher16, header_version, library_version, log2_mean_run

__all__ = ["decode", "encode", "fletcher16", "header_version", "library_version", "log2_mean_run"]
