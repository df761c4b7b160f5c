//! Throughput with 1, 2, 4 and 8 threads calling one pyfn function, and
//! RSS before and after 10 million calls. `cargo bench --bench throughput`
//! (`-- --calls N` to change the count); figures in BENCHMARKS.md.

use std::time::Instant;

use pyfn::py_fn;
use pyfn::pyo3::Python;

py_fn! {
    fn add(a: i64, b: i64) -> i64 {
        return a + b
    }

    fn add_held(py: Python<'py>, a: i64, b: i64) -> i64 {
        return a + b
    }

    fn label(name: &str, n: i64) -> String {
        return name + ":" + str(n)
    }
}

/// Resident set size in KiB (Linux), 0 elsewhere.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    let mut args = std::env::args().skip_while(|arg| arg != "--calls").skip(1);
    let calls: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);

    // Threads: the same total number of calls, split across threads.
    let total = 800_000_u64;
    add(1, 2).expect("warm-up");
    let mut single = 0.0;
    let mut batched_single = 0.0;
    println!(
        "| threads | calls/s, attach per call | vs 1 thread | calls/s, 1000 calls per attach | vs 1 thread |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for threads in [1_u64, 2, 4, 8] {
        let per_thread = total / threads;
        let start = Instant::now();
        std::thread::scope(|scope| {
            for t in 0..threads {
                scope.spawn(move || {
                    for i in 0..per_thread as i64 {
                        let got = add(i, t as i64).expect("add");
                        assert_eq!(got, i + t as i64);
                    }
                });
            }
        });
        let rate = total as f64 / start.elapsed().as_secs_f64();
        // The same calls, each thread holding the interpreter for 1000.
        let start = Instant::now();
        std::thread::scope(|scope| {
            for t in 0..threads {
                scope.spawn(move || {
                    for chunk in (0..per_thread as i64).collect::<Vec<_>>().chunks(1000) {
                        Python::attach(|py| {
                            for &i in chunk {
                                let got = add_held(py, i, t as i64).expect("add");
                                assert_eq!(got, i + t as i64);
                            }
                        });
                    }
                });
            }
        });
        let batched = total as f64 / start.elapsed().as_secs_f64();
        if threads == 1 {
            single = rate;
            batched_single = batched;
        }
        println!(
            "| {threads} | {rate:.0} | {:.2}x | {batched:.0} | {:.2}x |",
            rate / single,
            batched / batched_single
        );
    }

    // Memory: RSS after a warm-up, then after `calls` calls.
    for i in 0..100_000 {
        label("warm", i).expect("label");
    }
    let before = rss_kib();
    let start = Instant::now();
    for i in 0..calls as i64 {
        let text = label("n", i).expect("label");
        debug_assert!(text.starts_with("n:"));
    }
    let elapsed = start.elapsed();
    let after = rss_kib();
    println!(
        "\n{calls} calls of label(&str, i64) -> String in {:.1} s ({:.0} ns/call): RSS {} KiB before, {} KiB after ({:+} KiB)",
        elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / calls as f64,
        before,
        after,
        after as i64 - before as i64
    );
}
