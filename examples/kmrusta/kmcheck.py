"""kmcheck for kmrusta: a PyO3 extension carrying Rust's standard library, beside kmrustb's."""
import importlib
import os
import sys
import threading

# Running "python kmcheck.py" puts this directory (the unbuilt source tree,
# whose package dir has no compiled modules) first on sys.path; drop it so
# the built package from PYTHONPATH / the static interpreter is imported.
_here = os.path.realpath(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [p for p in sys.path
               if os.path.realpath(os.path.abspath(p or ".")) != _here]

ME, OTHER = "kmrusta", "kmrustb"
native = importlib.import_module(ME + "._native")

n = 0


def check(cond, msg):
    # Not assert: python -O would drop it, and the check would pass.
    global n
    if not cond:
        raise AssertionError(ME + ": " + msg)
    n += 1


check(native.__name__ == ME + "._native", "module name %r" % native.__name__)
check(native.package() == ME, "package() is %r" % native.package())

# std::env::args(): the process's own arguments, as Python got them.
check(native.args() == sys.orig_argv, "std::env::args() %r, not sys.orig_argv %r" % (native.args(), sys.orig_argv))

# A static: this module's own counter.
start = native.counter()
check(native.bump(5) == start + 5 and native.counter() == start + 5, "the static counter counts")

# thread_local!: a count per thread, a fresh one in a new Python thread.
first = native.thread_count()
check(native.thread_count() == first + 1, "thread_local count in this thread")
seen = []
t = threading.Thread(target=lambda: seen.extend([native.thread_count(), native.thread_count()]))
t.start()
t.join()
check(seen == [1, 2], "a new thread starts its own thread_local count (got %r)" % seen)
check(native.thread_count() == first + 2, "this thread's count untouched by the other thread")
# Rust threads (std::thread), each with its own thread_local.
check(native.threads_sum(4, 100) == 4 * 5050, "std::thread and thread_local in Rust threads")

# std's HashMap and String, through Rust's allocator shims.
check(native.words("b a b") == [(ME + ":a", 1), (ME + ":b", 2)], "words: %r" % (native.words("b a b"),))

# A panic, caught at the boundary: pyo3_runtime.PanicException with this package's message.
try:
    native.panic_now()
except BaseException as e:  # PanicException derives from BaseException
    check(type(e).__name__ == "PanicException", "a panic raises PanicException, not %r" % type(e))
    check(str(e) == ME + " panicked on purpose", "panic message %r" % str(e))
    panic_type = type(e)
else:
    raise AssertionError(ME + ": panic_now() did not raise")
check(native.bump(1) == start + 6, "the module still works after a panic")
check(native.last_panic() == ME + ": " + ME + " panicked on purpose", "the panic hook: %r" % native.last_panic())

# The other Rust package, when it is there: its own module, static and panic type.
try:
    other = importlib.import_module(OTHER + "._native")
except ImportError:
    other = None
if other is not None:
    check(other is not native and other.package() == OTHER, "%s._native is a module of its own" % OTHER)
    theirs = other.counter()
    native.bump(1000)
    check(other.counter() == theirs, "bumping %s's static left %s's alone" % (ME, OTHER))
    other.bump(3)
    check(native.counter() == start + 1006, "bumping %s's static left %s's alone" % (OTHER, ME))
    check(other.words("x") == [(OTHER + ":x", 1)], "%s.words answers for %s" % (OTHER, OTHER))
    try:
        other.panic_now()
    except BaseException as e:
        check(str(e) == OTHER + " panicked on purpose", "%s's panic message %r" % (OTHER, str(e)))
        check(type(e) is not panic_type, "each PyO3 copy has a PanicException type of its own")
        check(other.last_panic() == OTHER + ": " + OTHER + " panicked on purpose", "%s's panic hook" % OTHER)
        check(native.last_panic() == ME + ": " + ME + " panicked on purpose", "%s's panic hook untouched" % ME)
    else:
        raise AssertionError(ME + ": %s.panic_now() did not raise" % OTHER)

print("ok %s: %d checks%s" % (ME, n, "" if other is not None else " (%s not there)" % OTHER))
