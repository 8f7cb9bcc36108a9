from setuptools import setup, Extension

# kmlibc.table looks functions of libc and libm up through ctypes, as code
# using ctypes or cffi does; kmlibc._probe says where C99 code's fscanf goes.
setup(
    name="kmlibc",
    version="1.0",
    packages=["kmlibc"],
    ext_modules=[
        Extension("kmlibc._probe", sources=["kmlibc/_probe.c", "kmlibc/redirect.c"]),
    ],
)
