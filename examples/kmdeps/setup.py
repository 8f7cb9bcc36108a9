"""kmdeps: a .so that links against another .so of its own package, and an
extension that dlopen()s its package's plain C library at run time."""
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExt(build_ext):
    """Links kmdeps._user against the kmdeps/libkmcore .so built just before it."""

    def build_extension(self, ext):
        if ext.name == "kmdeps._user":
            ext.extra_objects = [self.get_ext_fullpath("kmdeps.libkmcore")]
        super().build_extension(ext)


setup(
    name="kmdeps",
    version="1.0",
    packages=["kmdeps"],
    cmdclass={"build_ext": BuildExt},
    ext_modules=[
        # A plain C library (no PyInit), installed inside the package. Its
        # soname, not the build path, is what _user records as needed.
        Extension("kmdeps.libkmcore", ["src/kmcore.c"],
                  extra_link_args=["-Wl,-soname,libkmcore" + sysconfig.get_config_var("EXT_SUFFIX")]),
        # Linked against it: calls kmcore_answer() through the dynamic link.
        Extension("kmdeps._user", ["src/user.c"], runtime_library_dirs=["$ORIGIN"]),
        # Loads it with dlopen() at run time, as ctypes/cffi-style loaders do.
        Extension("kmdeps._loader", ["src/loader.c"]),
    ],
)
