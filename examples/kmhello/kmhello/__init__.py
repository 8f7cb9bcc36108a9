from kmhello._hello import greet, add, self_lookup, magic, version  # noqa: F401
