//! Per-call cost of inline-python (0.14, pyo3 0.25) for the same Python
//! functions that pyfn's `benches/calls.rs` measures, so that
//! `benches/compare.sh` can put both in one table.
//!
//! Output: one line per case, `name<TAB>ns_per_call`, on stdout (progress
//! goes to stderr). Each case is warmed up, then timed in 5 runs of at least
//! `PEER_RUN_SECS` seconds each (default 0.4, so well over 1 s per case);
//! the figure is the median of the 5 runs.
//!
//! # The pattern
//!
//! inline-python has no "call this Python function with these arguments and
//! give me the result" API. What its documentation offers is a `Context`
//! (the globals of a `python!{}` block, kept between blocks): define the
//! function once with `context.run(python! { def add(a, b): ... })`, then per
//! call hand the arguments over, run a block that calls it and stores the
//! result in a global, and read that back with `context.get::<T>("result")`.
//! There are two documented ways to hand the arguments over, and both are
//! measured:
//!
//! - `'var` captures: `context.run(python! { result = add('a, 'b) })`. The
//!   macro puts each captured Rust variable into the context's globals
//!   (`_RUST_a`, ...) and runs the block. This is the pattern the README
//!   leads with, one `run` plus one `get` per call.
//! - `context.set("a", a)` for each argument, then
//!   `context.run(python! { result = add(a, b) })` and `get`. One more
//!   interpreter attach per argument.
//!
//! `compare.sh` reports the faster of the two, per case, as inline-python's
//! figure (they are within noise of each other here). Every `Context` method attaches to the
//! interpreter itself (`Python::with_gil`), and every `run` unmarshals the
//! block's bytecode (compiled at build time) again before evaluating it:
//! that is the cost of the pattern, not of this harness.
//!
//! For reference in the same units: the same pattern with the interpreter
//! already held around the loop (the nested `with_gil`s are then cheap), and
//! `python!{}` blocks with no `Context` kept: as a statement (runs in a fresh
//! copy of `__main__`'s globals and gives nothing back) and assigned to a
//! fresh `Context` per call to read the result.

use std::hint::black_box;
use std::time::{Duration, Instant};

use inline_python::{Context, python};
use pyo3::Python;

/// Times `f` and returns the median ns per call of 5 runs.
fn measure<T>(name: &str, mut f: impl FnMut() -> T) -> f64 {
    let run_secs: f64 = std::env::var("PEER_RUN_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.4);
    // Warm-up, which also estimates the cost of one call: batches doubling
    // in size until one takes at least 0.2 s (and at least 0.5 s overall).
    let warm_start = Instant::now();
    let mut batch: u64 = 1;
    let per_call = loop {
        let t = Instant::now();
        for _ in 0..batch {
            black_box(f());
        }
        let elapsed = t.elapsed();
        if elapsed >= Duration::from_millis(200)
            && warm_start.elapsed() >= Duration::from_millis(500)
        {
            break elapsed.as_secs_f64() / batch as f64;
        }
        batch *= 2;
    };
    let iters = ((run_secs / per_call).ceil() as u64).max(1);
    let mut runs: Vec<f64> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    runs.sort_by(|a, b| a.total_cmp(b));
    let median = runs[2];
    eprintln!(
        "{name}: {median:.1} ns/call (runs {:.1} .. {:.1}, {iters} iterations each)",
        runs[0], runs[4]
    );
    median
}

fn main() {
    let context = Context::new();
    context.run(python! {
        def add(a, b):
            return a + b

        def shout(text):
            return text.upper() + "!"

        def floats(n):
            return [i * 0.5 for i in range(n)]
    });

    // The Rust signatures benches/calls.rs uses: add(i64, i64) -> i64,
    // shout(&str) -> String, floats(i64) -> Vec<f64>.
    let add_captures = |a: i64, b: i64| -> i64 {
        context.run(python! { result = add('a, 'b) });
        context.get::<i64>("result")
    };
    let add_set = |a: i64, b: i64| -> i64 {
        context.set("a", a);
        context.set("b", b);
        context.run(python! { result = add(a, b) });
        context.get::<i64>("result")
    };
    let shout_captures = |text: &str| -> String {
        context.run(python! { result = shout('text) });
        context.get::<String>("result")
    };
    let shout_set = |text: &str| -> String {
        context.set("text", text);
        context.run(python! { result = shout(text) });
        context.get::<String>("result")
    };
    let floats_captures = |n: i64| -> Vec<f64> {
        context.run(python! { result = floats('n) });
        context.get::<Vec<f64>>("result")
    };
    let floats_set = |n: i64| -> Vec<f64> {
        context.set("n", n);
        context.run(python! { result = floats(n) });
        context.get::<Vec<f64>>("result")
    };
    // No Context kept: a fresh one (a copy of `__main__`'s globals) per call.
    let add_block_context = |a: i64, b: i64| -> i64 {
        let c: Context = python! {
            def add(a, b):
                return a + b
            result = add('a, 'b)
        };
        c.get::<i64>("result")
    };
    // As a statement (the README's first example) the block's type is `()`.
    #[allow(clippy::unused_unit)]
    let add_block_statement = |a: i64, b: i64| -> () {
        python! {
            def add(a, b):
                return a + b
            add('a, 'b)
        }
    };

    // Check every variant computes what the bench claims before timing it.
    let expected_floats: Vec<f64> = (0..10).map(|i| i as f64 * 0.5).collect();
    assert_eq!(add_captures(2, 3), 5);
    assert_eq!(add_set(2, 3), 5);
    assert_eq!(add_block_context(2, 3), 5);
    add_block_statement(2, 3);
    assert_eq!(shout_captures("hello"), "HELLO!");
    assert_eq!(shout_set("hello"), "HELLO!");
    assert_eq!(floats_captures(10), expected_floats);
    assert_eq!(floats_set(10), expected_floats);

    let mut results: Vec<(&str, f64)> = Vec::new();
    let mut case = |name: &'static str, ns: f64| results.push((name, ns));

    case(
        "add/context, 'var captures + get",
        measure("add captures", || add_captures(black_box(2), black_box(3))),
    );
    case(
        "add/context, set + run + get",
        measure("add set", || add_set(black_box(2), black_box(3))),
    );
    case(
        "shout/context, 'var captures + get",
        measure("shout captures", || shout_captures(black_box("hello"))),
    );
    case(
        "shout/context, set + run + get",
        measure("shout set", || shout_set(black_box("hello"))),
    );
    case(
        "floats/context, 'var captures + get",
        measure("floats captures", || floats_captures(black_box(10))),
    );
    case(
        "floats/context, set + run + get",
        measure("floats set", || floats_set(black_box(10))),
    );
    // The same with the interpreter held around the loop, as in calls.rs's
    // `interpreter held` cases (inline-python's own `with_gil`s then nest).
    Python::with_gil(|_py| {
        case(
            "add/context, 'var captures + get, interpreter held",
            measure("add captures, held", || {
                add_captures(black_box(2), black_box(3))
            }),
        );
        case(
            "add/context, set + run + get, interpreter held",
            measure("add set, held", || add_set(black_box(2), black_box(3))),
        );
        case(
            "shout/context, 'var captures + get, interpreter held",
            measure("shout captures, held", || {
                shout_captures(black_box("hello"))
            }),
        );
        case(
            "shout/context, set + run + get, interpreter held",
            measure("shout set, held", || shout_set(black_box("hello"))),
        );
        case(
            "floats/context, 'var captures + get, interpreter held",
            measure("floats captures, held", || floats_captures(black_box(10))),
        );
        case(
            "floats/context, set + run + get, interpreter held",
            measure("floats set, held", || floats_set(black_box(10))),
        );
    });
    case(
        "add/python! block per call, new Context + get",
        measure("add block context", || {
            add_block_context(black_box(2), black_box(3))
        }),
    );
    case(
        "add/python! statement per call, no result",
        measure("add block statement", || {
            add_block_statement(black_box(2), black_box(3))
        }),
    );

    for (name, ns) in &results {
        println!("{name}\t{ns:.1}");
    }
}
