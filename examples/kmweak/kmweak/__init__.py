"""kmweak: a package-local static library that tests weak pthread references."""
from kmweak._threads import run, threaded  # noqa: F401
