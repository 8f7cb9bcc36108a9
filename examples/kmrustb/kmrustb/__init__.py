from ._native import args, bump, counter, last_panic, package, panic_now, thread_count, threads_sum, words

__all__ = ["args", "bump", "counter", "last_panic", "package", "panic_now", "thread_count", "threads_sum", "words"]
