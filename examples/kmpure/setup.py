from setuptools import setup

# A pure-Python package, as applications depend on many (pycparser for cffi,
# six, typing_extensions): no extension module. It also contributes a portion
# of the PEP 420 namespace package kmns (no kmns/__init__.py).
setup(
    name="kmpure",
    version="1.0",
    packages=["kmpure", "kmns.pure"],
)
