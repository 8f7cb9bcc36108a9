from setuptools import setup, Extension

# build_clib builds the package-local static archive libkmthr.a from
# clib/kmthr.c, whose weak references to pthread_equal & co decide whether
# it uses threads (as libxml2's threads.c does); the extension links it.
setup(
    name="kmweak",
    version="1.0",
    packages=["kmweak"],
    libraries=[
        ("kmthr", {"sources": ["clib/kmthr.c"], "include_dirs": ["clib"]}),
    ],
    ext_modules=[
        Extension("kmweak._threads", sources=["kmweak/_threads.c"], include_dirs=["clib"],
                  libraries=["kmthr"]),
    ],
)
