from setuptools import setup, Extension

setup(
    name="kmzlib",
    version="1.0",
    packages=["kmzlib"],
    ext_modules=[
        Extension("kmzlib._kmz", sources=["kmzlib/_kmz.c"], libraries=["z"]),
    ],
)
