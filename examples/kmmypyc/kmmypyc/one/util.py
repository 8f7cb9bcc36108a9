"""kmmypyc.one.util: a module of the same name as kmmypyc.two.util."""
_calls = 0


def which() -> str:
    global _calls
    _calls += 1
    return "one"


def calls() -> int:
    return _calls
