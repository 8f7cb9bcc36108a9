from setuptools import setup, Extension

setup(
    name="kmhello",
    version="1.0",
    packages=["kmhello"],
    ext_modules=[Extension("kmhello._hello", sources=["kmhello/_hello.c"])],
)
