from kmhello._hello import greet, add, self_lookup, magic, version  # noqa: F401


def greeting():
    """The package's data file, read as packages read theirs: through
    importlib.resources, which works wherever the loader keeps the files."""
    from importlib.resources import files
    return files(__name__).joinpath("data/greeting.txt").read_text(encoding="utf-8")
