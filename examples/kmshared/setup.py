from setuptools import setup, Extension

# Both extensions list the same src/common.c, so setuptools compiles one
# common.o and links it into both .so files (the psutil pattern).
setup(
    name="kmshared",
    version="1.0",
    packages=["kmshared"],
    ext_modules=[
        Extension("kmshared.alpha", sources=["src/alpha.c", "src/common.c"],
                  include_dirs=["src"]),
        Extension("kmshared.beta", sources=["src/beta.c", "src/common.c"],
                  include_dirs=["src"]),
    ],
)
