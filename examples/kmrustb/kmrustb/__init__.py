from ._native import bump, counter, last_panic, package, panic_now, thread_count, threads_sum, words

__all__ = ["bump", "counter", "last_panic", "package", "panic_now", "thread_count", "threads_sum", "words"]
