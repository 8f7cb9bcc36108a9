"""kmcython: two small Cython extension modules."""
