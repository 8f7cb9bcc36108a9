# A PyO3 extension built by setuptools-rust: cargo compiles the crate in
# src/ (and pyo3, from Debian's crate registry, offline) into
# kmrustb/_native.so, which carries Rust's standard library.
from setuptools import setup
from setuptools_rust import Binding, RustExtension

setup(
    name="kmrustb",
    version="1.0",
    packages=["kmrustb"],
    rust_extensions=[RustExtension("kmrustb._native", binding=Binding.PyO3)],
    zip_safe=False,
)
