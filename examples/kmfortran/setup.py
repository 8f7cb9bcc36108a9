"""kmfortran: a C extension calling Fortran that the package's own build
compiles with $FC (gfortran), as f2py-style builds do, and links with
gfortran's runtime (-lgfortran, which needs libquadmath in turn)."""
import os
import shlex
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

FORTRAN_SOURCES = ["src/kernels.f90"]


class BuildExt(build_ext):
    """Compiles the Fortran sources first, and links their objects into the extension."""

    def build_extension(self, ext):
        fc = shlex.split(os.environ.get("FC") or "gfortran")
        fflags = ["-O2"] + shlex.split(os.environ.get("FFLAGS", ""))
        objects = []
        for source in FORTRAN_SOURCES:
            obj = os.path.join(self.build_temp, os.path.splitext(source)[0] + ".o")
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            # -J: the .mod files go beside the objects, not into the source tree.
            subprocess.check_call(fc + fflags + ["-fPIC", "-J", os.path.dirname(obj), "-c", source, "-o", obj])
            objects.append(obj)
        ext.extra_objects = objects
        super().build_extension(ext)


setup(
    name="kmfortran",
    version="1.0",
    packages=["kmfortran"],
    cmdclass={"build_ext": BuildExt},
    ext_modules=[
        Extension("kmfortran._fort", sources=["src/_fort.c"], libraries=["gfortran"]),
    ],
)
