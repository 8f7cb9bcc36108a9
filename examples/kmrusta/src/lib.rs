// kmrusta._native: state of its own in Rust's standard library, as the
// other PyO3 package's (kmrustb._native) has its own.
use pyo3::prelude::*;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

const PACKAGE: &str = "kmrusta";

// One counter for the module, one per thread.
static COUNTER: AtomicU64 = AtomicU64::new(0);
thread_local! {
    static PER_THREAD: Cell<u64> = Cell::new(0);
}

#[pyfunction]
fn package() -> &'static str {
    PACKAGE
}

#[pyfunction]
fn bump(by: u64) -> u64 {
    COUNTER.fetch_add(by, Ordering::SeqCst) + by
}

#[pyfunction]
fn counter() -> u64 {
    COUNTER.load(Ordering::SeqCst)
}

// This thread's count, after adding one.
#[pyfunction]
fn thread_count() -> u64 {
    PER_THREAD.with(|c| {
        c.set(c.get() + 1);
        c.get()
    })
}

// Sums 1..=n in `threads` Rust threads, each counting in its own thread_local.
#[pyfunction]
fn threads_sum(threads: u64, n: u64) -> u64 {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                for i in 1..=n {
                    PER_THREAD.with(|c| c.set(c.get() + i));
                }
                PER_THREAD.with(|c| c.get())
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).sum()
}

// Word counts, through std's HashMap (its RandomState keys are thread-local too).
#[pyfunction]
fn words(text: &str) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for w in text.split_whitespace() {
        *counts.entry(format!("{}:{}", PACKAGE, w)).or_insert(0) += 1;
    }
    let mut out: Vec<_> = counts.into_iter().collect();
    out.sort();
    out
}

// The process's arguments, as std keeps them: on glibc from a constructor
// of its own, which the dynamic loader gives argc and argv (and python.km's
// runtime too, when it runs the .so's constructors at its first dlopen).
#[pyfunction]
fn args() -> Vec<String> {
    std::env::args().collect()
}

// A panic, which PyO3 catches at the boundary and raises as PanicException.
#[pyfunction]
fn panic_now() {
    panic!("{} panicked on purpose", PACKAGE);
}

// What the panic hook saw last: the hook is std's, one per copy of std.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

#[pyfunction]
fn last_panic() -> String {
    LAST_PANIC.lock().unwrap().clone()
}

#[pymodule]
fn _native(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    // Quiet panics: the hook keeps the message instead of printing it.
    std::panic::set_hook(Box::new(|info| {
        let text = match info.payload().downcast_ref::<String>() {
            Some(s) => s.clone(),
            None => info.payload().downcast_ref::<&str>().map(|s| s.to_string()).unwrap_or_default(),
        };
        *LAST_PANIC.lock().unwrap() = format!("{}: {}", PACKAGE, text);
    }));
    m.add_function(wrap_pyfunction!(last_panic, m)?)?;
    m.add_function(wrap_pyfunction!(args, m)?)?;
    m.add_function(wrap_pyfunction!(package, m)?)?;
    m.add_function(wrap_pyfunction!(bump, m)?)?;
    m.add_function(wrap_pyfunction!(counter, m)?)?;
    m.add_function(wrap_pyfunction!(thread_count, m)?)?;
    m.add_function(wrap_pyfunction!(threads_sum, m)?)?;
    m.add_function(wrap_pyfunction!(words, m)?)?;
    m.add_function(wrap_pyfunction!(panic_now, m)?)?;
    Ok(())
}
