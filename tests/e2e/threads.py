"""The payload runtime under load inside python.km.

Many threads import different extension modules at once and call into them,
checking every answer (a wrong binding shows as a wrong value); then dlopen
of unknown paths in a loop, checking that each fails with the runtime's
message and that memory does not grow. Prints "N passed, 0 failed".
Usage: python.km threads.py
"""
import importlib
import importlib.machinery
import importlib.util
import threading

CHECKS = [
    ("kmshared.alpha", lambda m: m.count() >= 0),
    ("kmshared.beta", lambda m: m.count() >= 0),
    ("kmsame.one.util", lambda m: m.which() == "one"),
    ("kmsame.two.util", lambda m: m.which() == "two"),
    ("kmzlib._kmz", lambda m: m.crc32(b"hello") == 907060870),
    ("kmhello._hello", lambda m: m.add(2, 3) == 5),
    ("kmcython.fastmath", lambda m: m is not None),
    ("kmcpp._cpp", lambda m: m.safe_div(6, 3) == 2),
    ("kmlocal.m1", lambda m: m is not None),
    ("kmlocal.m2", lambda m: m is not None),
]

errors = []
start = threading.Barrier(len(CHECKS) * 2)


def worker(name, check):
    try:
        start.wait()
        module = importlib.import_module(name)
        for _ in range(2000):
            if not check(module):
                errors.append(f"{name}: wrong answer")
                return
    except Exception as e:  # noqa: BLE001 - report everything
        errors.append(f"{name}: {e!r}")


threads = [threading.Thread(target=worker, args=c) for c in CHECKS * 2]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def try_unknown(i):
    path = f"/nowhere/pkg{i}/missing_{i}.cpython-311-x86_64-linux-gnu.so"
    loader = importlib.machinery.ExtensionFileLoader(f"missing_{i}", path)
    spec = importlib.util.spec_from_file_location(f"missing_{i}", path, loader=loader)
    try:
        importlib.util.module_from_spec(spec)
    except ImportError as e:
        assert "not a pre-linked library" in str(e), str(e)
        return
    raise AssertionError(f"{path} opened")


for i in range(2000):  # warm up allocator and caches
    try_unknown(i)
before = rss_kb()
for i in range(20000):
    try_unknown(i)
grown = rss_kb() - before
assert grown < 4096, f"memory grew by {grown} kB over 20000 failed dlopen calls"
print("3 passed, 0 failed")
