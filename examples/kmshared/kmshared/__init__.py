"""kmshared: two extension modules sharing src/common.c."""
