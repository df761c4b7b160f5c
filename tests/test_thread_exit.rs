//! Calls from a thread's last moments: a `thread_local!` whose destructor
//! calls pyfn, on a thread that touched that thread-local before its first
//! pyfn call (so that, in reverse order, its destructor runs after
//! everything pyfn keeps per thread). Each such call must work or return
//! `pyfn::Error`: never touch a freed Python thread state.

use std::sync::Mutex;

use pyfn::py_fn;

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn count_to(n: i64) -> pyfn::Iter<i64> {
        for i in range(n):
            yield i
    }
}

/// What each destructor's call gave.
static RESULTS: Mutex<Vec<Result<i64, String>>> = Mutex::new(Vec::new());

struct CallsPythonOnDrop;

impl Drop for CallsPythonOnDrop {
    fn drop(&mut self) {
        let sum = add(40, 2).map_err(|err| err.to_string());
        let counted: Result<i64, String> = count_to(3)
            .map_err(|err| err.to_string())
            .and_then(|items| items.map(|item| item.map_err(|err| err.to_string())).sum());
        let mut results = RESULTS.lock().unwrap_or_else(|e| e.into_inner());
        results.push(sum);
        results.push(counted);
    }
}

thread_local! {
    static GUARD: CallsPythonOnDrop = const { CallsPythonOnDrop };
}

#[test]
fn a_thread_local_destructor_calls_python_after_the_thread_state_is_kept() {
    const THREADS: usize = 64;
    for round in 0..THREADS {
        std::thread::spawn(move || {
            // First use: its destructor is registered before pyfn's state.
            GUARD.with(|_| {});
            assert_eq!(add(round as i64, 1).unwrap(), round as i64 + 1);
            // A generator left unfinished, closed at thread exit.
            let mut items = count_to(10).unwrap();
            assert_eq!(items.next().unwrap().unwrap(), 0);
            std::mem::forget(items);
        })
        .join()
        .unwrap();
    }
    // Threads that call nothing before exiting: the destructor's call is
    // their first.
    for _ in 0..THREADS {
        std::thread::spawn(|| GUARD.with(|_| {})).join().unwrap();
    }
    let results = RESULTS.lock().unwrap();
    assert_eq!(results.len(), 4 * THREADS);
    for result in results.iter() {
        match result {
            Ok(value) => assert!(*value == 42 || *value == 3, "{value}"),
            Err(message) => panic!("a destructor's call failed: {message}"),
        }
    }
    // Python still works for everyone after all those exits.
    assert_eq!(add(1, 1).unwrap(), 2);
}

/// What each `pthread` key destructor's call gave.
#[cfg(unix)]
static KEY_RESULTS: Mutex<Vec<Result<i64, String>>> = Mutex::new(Vec::new());

/// A destructor of a `pthread` key the program made after pyfn made its
/// own: it runs after pyfn's, which has retired the thread's Python state.
#[cfg(unix)]
unsafe extern "C" fn key_destructor(_: *mut std::ffi::c_void) {
    let result = add(20, 1).map_err(|err| err.to_string());
    KEY_RESULTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(result);
}

/// A call from a `pthread` key destructor that runs after pyfn's (created
/// later, so run later by glibc) gets an error saying the thread is
/// exiting, or works; never touches a freed thread state. Many threads,
/// many rounds.
#[cfg(unix)]
#[test]
fn a_pthread_key_destructor_after_pyfns_gets_an_error_not_a_crash() {
    // pyfn's key exists once a thread has kept a state: one that did not
    // start the interpreter (the thread that did keeps none of pyfn's).
    assert_eq!(add(1, 2).unwrap(), 3);
    std::thread::spawn(|| add(0, 1).unwrap()).join().unwrap();
    let mut key: libc::pthread_key_t = 0;
    // SAFETY: `key` is written by `pthread_key_create`; the destructor is
    // a plain function that stays valid for the process's life.
    assert_eq!(
        unsafe { libc::pthread_key_create(&mut key, Some(key_destructor)) },
        0
    );
    const THREADS: usize = 32;
    for round in 0..4 {
        let threads: Vec<_> = (0..THREADS)
            .map(|i| {
                std::thread::spawn(move || {
                    assert_eq!(add(i as i64, round).unwrap(), i as i64 + round);
                    // SAFETY: a non-null value makes the destructor run at
                    // this thread's exit; it is never dereferenced.
                    unsafe { libc::pthread_setspecific(key, std::ptr::dangling::<u8>().cast()) };
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
    let results = KEY_RESULTS.lock().unwrap();
    assert_eq!(results.len(), 4 * THREADS);
    for result in results.iter() {
        match result {
            Ok(value) => panic!("ran before pyfn's destructor: {value}"),
            Err(message) => assert!(message.contains("this thread is exiting"), "{message}"),
        }
    }
    assert_eq!(add(2, 2).unwrap(), 4);
}
