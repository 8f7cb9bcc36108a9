"""kmmypyc.two.util: a module of the same name as kmmypyc.one.util."""
_calls = 0


def which() -> str:
    global _calls
    _calls += 1
    return "two"


def calls() -> int:
    return _calls
