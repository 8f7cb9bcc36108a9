"""kmimage: an extension linking several system libraries at once, as an
imaging package does (-ljpeg -lpng16 -lz -lfreetype), found through
pkg-config as such packages find them."""
import shlex
import subprocess

from setuptools import Extension, setup


def pkg_config(*modules):
    """The include directories and libraries pkg-config gives for `modules`."""
    out = subprocess.check_output(["pkg-config", "--cflags", "--libs", *modules], text=True)
    flags = shlex.split(out)
    return ([f[2:] for f in flags if f.startswith("-I")],
            [f[2:] for f in flags if f.startswith("-l")])


include_dirs, libraries = pkg_config("freetype2", "libpng", "libjpeg", "zlib")

setup(
    name="kmimage",
    version="1.0",
    packages=["kmimage"],
    ext_modules=[
        Extension("kmimage._image", sources=["kmimage/_image.c"],
                  include_dirs=include_dirs, libraries=libraries),
    ],
)
