"""English number words, the kind of small pure helper packages depend on."""


def ordinal(n):
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "%d%s" % (n, suffix)


def plural(n, word):
    """'1 file', '2 files'."""
    return "%d %s%s" % (n, word, "" if n == 1 else "s")
