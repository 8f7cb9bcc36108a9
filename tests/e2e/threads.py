"""The payload runtime under load inside python.km.

Many threads import different extension modules at once and call into them,
checking every answer against the example's known one (a wrong binding shows
as a wrong value); then each module's counter is checked to have counted its
own calls and no other module's (several define the same global names); then
dlopen of unknown paths in a loop, checking that each fails with the
runtime's message and that memory does not grow. Prints "N passed, M failed",
the checks counted as they run, and exits non-zero unless all the expected
checks ran and passed.
Usage: python.km threads.py
"""
import importlib
import importlib.machinery
import importlib.util
import sys
import threading

THREADS = 2  # per module
CALLS = 2000  # per thread
N = THREADS * CALLS  # calls per module


def cpp_bump_gap(m):
    # kmcpp.bump(): the inline static counter after its own ++, and after
    # helpers.cpp's two more (one in Registry<str>::add): 2 apart when both
    # translation units share the counter.
    a, b = m.bump()
    return b - a


# Module, one call, and its known answer. Some calls bump the module's
# counter, which no more than N calls can have reached.
CHECKS = [
    ("kmshared.alpha", lambda m: (m.owner(), m.hidden_get(), 0 < m.bump() <= N), ("alpha", 1, True)),
    ("kmshared.beta", lambda m: (m.owner(), m.hidden_get(), 0 < m.bump() <= N), ("beta", 2, True)),
    ("kmsame.one.util", lambda m: (m.which(), m.util_id()), ("one", 1)),
    ("kmsame.two.util", lambda m: (m.which(), m.util_id()), ("two", 2)),
    ("kmzlib._kmz", lambda m: (m.crc32(b"hello"), m.adler32(b"Wikipedia")), (907060870, 0x11E60398)),
    ("kmhello._hello", lambda m: (m.add(2, 3), m.magic(), m.version()), (5, 0x4B4D, "1.2.3")),
    ("kmcython.fastmath", lambda m: (m.fib(50), m.gcd(84, 36), m.tag()), (12586269025, 12, "fastmath")),
    ("kmcpp._cpp", lambda m: (m.safe_div(-9, 3), cpp_bump_gap(m)), (-3, 2)),
    ("kmlocal.m1", lambda m: (m.square(12), m.name(), 0 < m.bump() <= N), (144, "kmmath-b", True)),
    ("kmlocal.m2", lambda m: (hasattr(m, "square"), 0 < m.bump() <= N), (False, True)),
]

# After the threads, each counter holds exactly its own module's calls: a
# counter shared with another module's same-named global (kmshared's
# common.c, kmlocal's a.o) shows as a sum.
TOTALS = [
    ("kmshared.alpha", lambda m: m.count(), N),
    ("kmshared.beta", lambda m: m.count(), N),
    ("kmlocal.m1", lambda m: m.count(), N),
    ("kmlocal.m2", lambda m: (m.count(), m.counter()), (N, N)),
    ("kmcython.fastmath", lambda m: m.calls(), N),
    ("kmcpp._cpp", lambda m: m.counter(), 1 + 3 * N),  # 1 from its static init
]

EXPECTED = len(CHECKS) * THREADS + len(TOTALS) + 2  # + the unknown paths, + memory
passed = 0
failures = []
lock = threading.Lock()


def record(name, ok, why):
    global passed
    with lock:
        if ok:
            passed += 1
        else:
            failures.append(f"{name}: {why}")


start = threading.Barrier(len(CHECKS) * THREADS)


def worker(name, call, want):
    try:
        start.wait()
        module = importlib.import_module(name)
        for i in range(CALLS):
            got = call(module)
            if got != want:
                record(name, False, f"call {i}: got {got!r}, want {want!r}")
                return
        record(name, True, "")
    except Exception as e:  # noqa: BLE001 - report everything
        record(name, False, repr(e))


threads = [threading.Thread(target=worker, args=c) for c in CHECKS * THREADS]
for t in threads:
    t.start()
for t in threads:
    t.join()

for name, total, want in TOTALS:
    try:
        got = total(importlib.import_module(name))
        record(name, got == want, f"counter after the threads: got {got!r}, want {want!r}")
    except Exception as e:  # noqa: BLE001
        record(name, False, repr(e))


def rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def try_unknown(i):
    """None when dlopen of an unknown path failed with the runtime's message, else what happened."""
    path = f"/nowhere/pkg{i}/missing_{i}.cpython-311-x86_64-linux-gnu.so"
    loader = importlib.machinery.ExtensionFileLoader(f"missing_{i}", path)
    spec = importlib.util.spec_from_file_location(f"missing_{i}", path, loader=loader)
    try:
        importlib.util.module_from_spec(spec)
    except ImportError as e:
        return None if "not a pre-linked library" in str(e) else f"{path}: {e}"
    return f"{path} opened"


def first_wrong(indices):
    for i in indices:
        wrong = try_unknown(i)
        if wrong:
            return wrong
    return None


wrong = first_wrong(range(2000))  # warms up the allocator and caches
before = rss_kb()
wrong = wrong or first_wrong(range(20000))
grown = rss_kb() - before
record("dlopen of unknown paths", not wrong, wrong)
record("dlopen of unknown paths", grown < 4096, f"memory grew by {grown} kB over 20000 failed dlopen calls")

for f in failures:
    print("FAILED: " + f, file=sys.stderr)
print(f"{passed} passed, {len(failures)} failed")
if failures or passed != EXPECTED:
    if not failures:
        print(f"FAILED: {passed} checks passed, {EXPECTED} expected", file=sys.stderr)
    sys.exit(1)
