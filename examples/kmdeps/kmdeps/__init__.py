"""kmdeps: extension modules that depend on a plain C library of the same package."""
import os

LIBKMCORE = os.path.join(os.path.dirname(__file__), "libkmcore" + __import__("sysconfig").get_config_var("EXT_SUFFIX"))
