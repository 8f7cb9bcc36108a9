"""kmlibc: functions of libc and libm found through ctypes, as dynamically."""
