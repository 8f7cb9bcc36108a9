from setuptools import setup, Extension

# Two extension modules with the same basename (util.so, PyInit_util) in
# different subpackages.
setup(
    name="kmsame",
    version="1.0",
    packages=["kmsame", "kmsame.one", "kmsame.two"],
    ext_modules=[
        Extension("kmsame.one.util", sources=["kmsame/one/util.c"]),
        Extension("kmsame.two.util", sources=["kmsame/two/util.c"]),
    ],
)
