from setuptools import setup, Extension

# build_clib builds the package-local static archive libkmmath.a from
# clib/*.c (into the build temp dir); both extensions link it.
# clib/unused.c references an undefined symbol and is used by neither
# extension, so it must never be pulled out of the archive.
setup(
    name="kmlocal",
    version="1.0",
    packages=["kmlocal"],
    libraries=[
        ("kmmath", {
            "sources": ["clib/a.c", "clib/b.c", "clib/unused.c"],
            "include_dirs": ["clib"],
        }),
    ],
    ext_modules=[
        Extension("kmlocal.m1", sources=["kmlocal/m1.c"],
                  include_dirs=["clib"], libraries=["kmmath"]),
        Extension("kmlocal.m2", sources=["kmlocal/m2.c"],
                  include_dirs=["clib"], libraries=["kmmath"]),
    ],
)
