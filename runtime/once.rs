//! A value built once per process, that a `fork` cannot leave half-built.
//!
//! pyo3's `PyOnceLock` makes the threads that want a value wait while one
//! thread builds it. Building runs Python code (a module's source, a
//! default value, an import), and Python code gives the GIL to other
//! threads every few milliseconds; if one of them forks then, the child
//! inherits a value marked "being built" by a thread it does not have, and
//! its first call waits for it forever (seen: a child of a fork taken while
//! another thread made its first call of a `py_module!` function).
//!
//! [`Once`] marks who builds, and in which process: the thread and how
//! many forks this process has been through ([`forked`], counted by the
//! child's `fork` handler). A mark left by another thread before the last
//! fork is dropped, and the value built again. The marks are read and
//! written only attached (holding the GIL), which the `fork` prepare
//! handler takes first: no thread holds the lock at the copy. Threads that
//! wait detach while they wait, so that the builder can run; a thread that
//! asks again for the value it is building gets an error.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::ThreadId;
use std::time::Duration;

use pyo3::Python;

/// Forks this process went through (since the start of its first
/// ancestor that loaded pyfn).
static FORKS: AtomicU64 = AtomicU64::new(0);

/// Counts a fork: called in the child, on its only thread.
pub(crate) fn forked() {
    FORKS.fetch_add(1, Ordering::Relaxed);
}

/// Locks `mutex`; a thread that panicked holding it leaves the data as it
/// was (every use here keeps it consistent at each step).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Who builds a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Builder {
    thread: ThreadId,
    forks: u64,
}

/// A value built at most once per process (again in a forked child, if a
/// thread it lacks was building it).
pub(crate) struct Once<T> {
    value: OnceLock<T>,
    building: Mutex<Option<Builder>>,
}

/// The value was asked for by the thread that is building it (the code
/// that builds it needs it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reentered;

impl From<Reentered> for pyo3::PyErr {
    fn from(_: Reentered) -> Self {
        pyo3::exceptions::PyRecursionError::new_err(
            "pyfn: a value needed while it is being built (its own code asks for it)",
        )
    }
}

impl<T> Once<T> {
    pub(crate) const fn new() -> Self {
        Once {
            value: OnceLock::new(),
            building: Mutex::new(None),
        }
    }

    /// The value, if built.
    pub(crate) fn get(&self) -> Option<&T> {
        self.value.get()
    }

    /// [`Once::get_or_try_init`] for Python's errors.
    pub(crate) fn get_or_py_init(
        &self,
        py: Python<'_>,
        init: impl FnOnce() -> pyo3::PyResult<T>,
    ) -> pyo3::PyResult<&T> {
        self.get_or_try_init(py, init, || Reentered.into())
    }

    /// The value, built by `init` if no thread built it; while another
    /// thread builds it, waits (detached). An error of `init` is returned
    /// and the next call tries again. If this thread is building it (the
    /// building code needs it), the error `reentered` makes.
    pub(crate) fn get_or_try_init<E>(
        &self,
        py: Python<'_>,
        init: impl FnOnce() -> Result<T, E>,
        reentered: impl FnOnce() -> E,
    ) -> Result<&T, E> {
        // The calls after the first: one load.
        if let Some(value) = self.value.get() {
            return Ok(value);
        }
        let me = Builder {
            thread: std::thread::current().id(),
            forks: FORKS.load(Ordering::Relaxed),
        };
        loop {
            if let Some(value) = self.value.get() {
                return Ok(value);
            }
            {
                let mut building = lock(&self.building);
                match *building {
                    Some(builder) if builder.thread == me.thread => return Err(reentered()),
                    // A thread of this process builds it: wait.
                    Some(builder) if builder.forks == me.forks => {}
                    // Nobody, or a thread lost in a fork: build it here.
                    _ => {
                        *building = Some(me);
                        break;
                    }
                }
            }
            // Detached, so that the builder can take the GIL.
            py.detach(|| std::thread::sleep(Duration::from_micros(200)));
        }
        // Only this thread sets it (it holds the mark): `get_or_init`
        // never waits here.
        let result = init().map(|value| self.value.get_or_init(|| value));
        *lock(&self.building) = None;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_from_before_a_fork_is_dropped() {
        pyo3::Python::initialize();
        Python::attach(|py| {
            let once: Once<i32> = Once::new();
            // Another thread's mark, from before a fork of this process.
            let other = std::thread::spawn(|| std::thread::current().id())
                .join()
                .unwrap();
            *once.building.lock().unwrap() = Some(Builder {
                thread: other,
                forks: FORKS.load(Ordering::Relaxed).wrapping_sub(1),
            });
            let value = once.get_or_py_init(py, || Ok(7)).unwrap();
            assert_eq!(*value, 7);
        });
    }

    #[test]
    fn the_builder_asking_again_is_an_error_and_a_failure_is_retried() {
        pyo3::Python::initialize();
        Python::attach(|py| {
            let once: Once<i32> = Once::new();
            let err = once
                .get_or_py_init(py, || once.get_or_py_init(py, || Ok(1)).copied())
                .unwrap_err();
            assert!(err.to_string().contains("being built"), "{err}");
            assert!(once.get().is_none());
            assert_eq!(*once.get_or_py_init(py, || Ok(2)).unwrap(), 2);
        });
    }

    #[test]
    fn one_thread_builds_while_others_wait() {
        pyo3::Python::initialize();
        static ONCE: Once<usize> = Once::new();
        static BUILDS: AtomicU64 = AtomicU64::new(0);
        let threads: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    Python::attach(|py| {
                        *ONCE
                            .get_or_py_init(py, || {
                                BUILDS.fetch_add(1, Ordering::Relaxed);
                                // Gives the GIL to the others meanwhile.
                                py.detach(|| std::thread::sleep(Duration::from_millis(20)));
                                Ok(42)
                            })
                            .unwrap()
                    })
                })
            })
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), 42);
        }
        assert_eq!(BUILDS.load(Ordering::Relaxed), 1);
    }
}
