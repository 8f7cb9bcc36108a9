"""kmcodec: an extension built against libkmcodec, a C library that kmpack
builds from source (examples/libkmcodec, the line before this one in
modules.txt). setup.py finds it through pkg-config, as lxml and Pillow find
theirs; pkg-config finds it because kmpack puts the library's prefix first on
PKG_CONFIG_PATH."""
import shlex
import subprocess

from setuptools import Extension, setup


def pkg_config(*modules):
    """The include directories, macros, library directories and libraries pkg-config gives."""
    out = subprocess.check_output(["pkg-config", "--cflags", "--libs", *modules], text=True)
    flags = shlex.split(out)
    macros = [tuple(f[2:].split("=", 1)) for f in flags if f.startswith("-D")]
    return dict(include_dirs=[f[2:] for f in flags if f.startswith("-I")],
                define_macros=[(m[0], m[1] if len(m) > 1 else None) for m in macros],
                library_dirs=[f[2:] for f in flags if f.startswith("-L")],
                libraries=[f[2:] for f in flags if f.startswith("-l")])


setup(
    name="kmcodec",
    version="1.0",
    packages=["kmcodec"],
    ext_modules=[Extension("kmcodec._codec", sources=["kmcodec/_codec.c"], **pkg_config("kmcodec"))],
)
