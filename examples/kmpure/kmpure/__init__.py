"""kmpure: pure-Python text helpers that an extension package (kmcython) imports."""
from kmpure.text import ordinal, plural  # noqa: F401

__version__ = "1.0"
