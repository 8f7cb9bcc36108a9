"""kmmypyc: a package compiled with mypyc (see setup.py)."""
