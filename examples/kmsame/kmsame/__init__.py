"""kmsame: same-named extension modules in two subpackages."""
