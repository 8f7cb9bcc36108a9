"""kmpybind: two pybind11 modules sharing a type (see setup.py)."""
