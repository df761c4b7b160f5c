//! Thread stress: many Rust threads calling the same functions, their own
//! closures and their own generators at once. Every result is checked, and
//! every test runs under a watchdog, so a deadlock fails instead of hanging.

use std::sync::mpsc;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use pyfn::{Iter, py_fn};

const THREADS: usize = 8;
/// Calls per thread in the call-heavy tests. At these counts the whole
/// file takes about 10 s in a debug build on 2 cores (CPython 3.11.7).
const CALLS: i64 = 100_000;
/// Closure instances each thread creates (and calls) one after another.
const INSTANCES: i64 = 1_000;
/// How long one test may take before it counts as a deadlock.
const DEADLINE: Duration = Duration::from_secs(120);

/// Runs `test` on its own thread and fails if it does not finish within
/// `DEADLINE`: a deadlock becomes a failure, not a hung test run.
fn with_deadline<F>(name: &str, test: F)
where
    F: FnOnce() + Send + 'static,
{
    let started = Instant::now();
    let (done, finished) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            test();
            let _ = done.send(());
        })
        .expect("spawns the test thread");
    match finished.recv_timeout(DEADLINE) {
        Ok(()) => {}
        // The thread ended without reporting: it panicked; re-raise it.
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
            unreachable!("the test thread ended without finishing");
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: not finished after {DEADLINE:?}: deadlock?")
        }
    }
    handle.join().expect("the test thread finished");
    eprintln!("{name}: {:.2?}", started.elapsed());
}

/// Runs `work(thread_index)` on `THREADS` threads and collects the results
/// in thread order.
fn on_threads<R, F>(work: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize) -> R + Sync,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|index| {
                let work = &work;
                scope.spawn(move || work(index))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a worker thread panicked"))
            .collect()
    })
}

py_fn! {
    fn affine(x: i64) -> i64 {
        return 3 * x + 7
    }

    fn tagged(tag: &str, x: i64) -> String {r#"
        return f"{tag}:{x * x}"
    "#}

    fn countdown(n: i64) -> Iter<i64> {
        while n > 0:
            yield n
            n -= 1
    }
}

#[test]
fn the_same_function_from_eight_threads() {
    with_deadline("the_same_function_from_eight_threads", || {
        let checked = on_threads(|thread| {
            let base = thread as i64 * CALLS;
            for i in base..base + CALLS {
                let got = affine(i).expect("affine succeeds");
                assert_eq!(got, 3 * i + 7, "affine({i}) on thread {thread}");
            }
            CALLS
        });
        assert_eq!(checked.iter().sum::<i64>(), THREADS as i64 * CALLS);
    });
}

#[test]
fn string_arguments_from_eight_threads() {
    // Arguments and return values that allocate on both sides.
    with_deadline("string_arguments_from_eight_threads", || {
        on_threads(|thread| {
            let tag = format!("t{thread}");
            for i in 0..CALLS / 10 {
                assert_eq!(
                    tagged(&tag, i).expect("tagged"),
                    format!("t{thread}:{}", i * i)
                );
            }
        });
    });
}

#[test]
fn own_closures_on_each_thread() {
    with_deadline("own_closures_on_each_thread", || {
        let sums = on_threads(|thread| {
            let scale = thread as i64 + 2;
            let label = format!("thread-{thread}");
            let scaled = py_fn!(|x: i64| -> i64 { return x * scale });
            let named = py_fn!(|x: i64| -> String {
                r#"
                return label + "/" + str(x)
            "#
            });
            let mut sum = 0_i64;
            for i in 0..CALLS {
                let got = scaled(i).expect("scaled");
                assert_eq!(got, i * scale, "thread {thread}");
                sum += got;
                if i % 100 == 0 {
                    assert_eq!(named(i).expect("named"), format!("thread-{thread}/{i}"));
                }
            }
            sum
        });
        for (thread, sum) in sums.into_iter().enumerate() {
            assert_eq!(sum, (thread as i64 + 2) * (CALLS - 1) * CALLS / 2);
        }
    });
}

#[test]
fn new_closure_instances_on_each_thread() {
    with_deadline("new_closure_instances_on_each_thread", || {
        on_threads(|thread| {
            for j in 0..INSTANCES {
                // A value unique to this thread and this instance.
                let k = thread as i64 * 1_000_000 + j;
                let offset = format!("{thread}.{j}");
                let f = py_fn!(|x: i64| -> (i64, String) { return (x + k, offset) });
                for x in [0, 1, -5] {
                    assert_eq!(f(x).expect("the closure"), (x + k, format!("{thread}.{j}")));
                }
            }
        });
    });
}

#[test]
fn closures_created_on_one_thread_called_on_others() {
    with_deadline("closures_created_on_one_thread_called_on_others", || {
        let adders: Vec<_> = (0..THREADS as i64)
            .map(|n| py_fn!(|x: i64| -> i64 { return x + n }))
            .collect();
        let adders = &adders;
        on_threads(|thread| {
            // Every thread calls every closure, in a thread-specific order.
            for round in 0..CALLS / 100 {
                let index = (thread + round as usize) % THREADS;
                let got = adders[index](round).expect("an adder");
                assert_eq!(got, round + index as i64);
            }
        });
    });
}

py_fn! {
    /// Never called anywhere but in the race below.
    fn first_call_race(x: i64) -> String {r#"
        import math
        return "%d:%d" % (x, math.factorial(x % 20))
    "#}

    fn first_call_race_defaults(x: i64, #[py(default = "[x * 2 for x in range(5)]")] ys: Option<Vec<i64>>) -> i64 {
        return x + sum(ys)
    }

    fn first_call_race_iter(n: i64) -> Iter<i64> {
        yield from range(n)
    }
}

fn factorial(n: u64) -> u64 {
    (1..=n).product()
}

#[test]
fn first_calls_race_behind_a_barrier() {
    with_deadline("first_calls_race_behind_a_barrier", || {
        let barrier = Arc::new(Barrier::new(THREADS));
        let results = on_threads(|thread| {
            let x = thread as i64 + 13;
            barrier.wait();
            let first = first_call_race(x).expect("the first call");
            barrier.wait();
            let with_default = first_call_race_defaults(x, None).expect("the defaults");
            barrier.wait();
            let items: Vec<i64> = first_call_race_iter(x)
                .expect("the generator")
                .collect::<pyfn::Result<_>>()
                .expect("its items");
            barrier.wait();
            // The first instance of a closure builds its code object too.
            let captured = thread as i64 * 10;
            let closure = py_fn!(|y: i64| -> i64 { return y - captured });
            let from_closure = closure(100).expect("the closure");
            (first, with_default, items, from_closure)
        });
        for (thread, (first, with_default, items, from_closure)) in results.into_iter().enumerate()
        {
            let x = thread as i64 + 13;
            assert_eq!(first, format!("{x}:{}", factorial(x as u64 % 20)));
            assert_eq!(with_default, x + 20);
            assert_eq!(items, (0..x).collect::<Vec<_>>());
            assert_eq!(from_closure, 100 - thread as i64 * 10);
        }
    });
}

#[test]
fn generators_consumed_on_many_threads_at_once() {
    with_deadline("generators_consumed_on_many_threads_at_once", || {
        let barrier = Barrier::new(THREADS);
        on_threads(|thread| {
            barrier.wait();
            let mut total = 0_i64;
            for round in 0..200_i64 {
                let n = (thread as i64 + round) % 50;
                let items: Vec<i64> = countdown(n)
                    .expect("countdown")
                    .collect::<pyfn::Result<_>>()
                    .expect("the items");
                assert_eq!(items, (1..=n).rev().collect::<Vec<_>>());
                total += items.len() as i64;
            }
            // Several live iterators on one thread, advanced in turn.
            let mut iters: Vec<Iter<i64>> = (1..=4)
                .map(|n| countdown(n * 100 + thread as i64).expect("countdown"))
                .collect();
            for step in 0..100_i64 {
                for (index, iter) in iters.iter_mut().enumerate() {
                    let start = (index as i64 + 1) * 100 + thread as i64;
                    let item = iter.next().expect("an item").expect("a value");
                    assert_eq!(item, start - step);
                }
            }
            // Dropping them half-consumed closes them.
            drop(iters);
            assert!(total > 0);
        });
    });
}

#[test]
fn a_generator_handed_between_threads() {
    with_deadline("a_generator_handed_between_threads", || {
        // One iterator advanced by a different thread each step: it is
        // `Send`, and its state survives the moves.
        let mut iter = countdown(THREADS as i64 * 10).expect("countdown");
        let mut seen = Vec::new();
        for _ in 0..THREADS * 10 {
            let (back, item) = std::thread::spawn(move || {
                let item = iter.next();
                (iter, item)
            })
            .join()
            .expect("the stepping thread");
            iter = back;
            seen.push(item.expect("an item").expect("a value"));
        }
        assert!(iter.next().is_none());
        assert_eq!(seen, (1..=THREADS as i64 * 10).rev().collect::<Vec<_>>());
    });
}

#[test]
fn calls_while_other_threads_hold_the_interpreter() {
    // Threads that are already attached (holding the GIL) call in too,
    // nested inside their own `Python::attach`.
    with_deadline("calls_while_other_threads_hold_the_interpreter", || {
        on_threads(|thread| {
            for i in 0..CALLS / 100 {
                if thread % 2 == 0 {
                    pyfn::pyo3::Python::attach(|_py| {
                        assert_eq!(affine(i).expect("nested"), 3 * i + 7);
                    });
                } else {
                    assert_eq!(affine(-i).expect("plain"), -3 * i + 7);
                }
            }
        });
    });
}

#[test]
fn many_short_lived_threads() {
    // Each thread calls once and exits: its Python thread state is made
    // and released again, on eight threads at a time.
    with_deadline("many_short_lived_threads", || {
        on_threads(|thread| {
            for round in 0..200_i64 {
                let x = thread as i64 * 1000 + round;
                let got = std::thread::spawn(move || {
                    let shift = x % 7;
                    let shifted = py_fn!(|y: i64| -> i64 { return y + shift });
                    (affine(x).expect("affine"), shifted(x).expect("shifted"))
                })
                .join()
                .expect("a short-lived thread");
                assert_eq!(got, (3 * x + 7, x + x % 7));
            }
        });
    });
}

/// A thread that called pyfn exits while another thread, holding the
/// interpreter, joins it: the exiting thread must not wait for the GIL
/// (found by this suite: it used to deadlock in the thread-state cleanup).
#[test]
fn joining_a_finished_caller_while_attached() {
    with_deadline("joining_a_finished_caller_while_attached", || {
        pyfn::py_fn! {
            fn add_one(x: i64) -> i64 {
                return x + 1
            }
        }
        assert_eq!(add_one(0).unwrap(), 1);
        let (called, done) = std::sync::mpsc::channel();
        let (attached, go) = std::sync::mpsc::channel::<()>();
        let handle = std::thread::spawn(move || {
            called.send(add_one(1).unwrap()).unwrap();
            go.recv().unwrap();
        });
        assert_eq!(done.recv().unwrap(), 2);
        pyfn::pyo3::Python::attach(|_py| {
            attached.send(()).unwrap();
            handle.join().unwrap();
        });
        // The exited thread's state is deleted by this next call.
        assert_eq!(add_one(2).unwrap(), 3);
    });
}
