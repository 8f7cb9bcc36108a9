from setuptools import setup, Extension

setup(
    name="kmhello",
    version="1.0",
    packages=["kmhello"],
    # Data beside the code, read through the loader (importlib.resources,
    # pkgutil.get_data) as certifi and many others read theirs.
    package_data={"kmhello": ["data/*.txt"]},
    ext_modules=[Extension("kmhello._hello", sources=["kmhello/_hello.c"])],
)
