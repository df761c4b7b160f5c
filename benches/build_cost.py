#!/usr/bin/env python3
"""What `py_fn!` adds to `cargo build`: crates with 1, 50 and 200 functions
written with `py_fn!`, against the same crates with plain Rust functions,
and (`--typecheck`) with pyfn's `typecheck` feature on (ty checks each
function: needs `ty` next to the build interpreter).

Usage: python3 benches/build_cost.py [--runs N] [--typecheck]

Each crate is generated under target/build-cost/ (one shared target dir, so
dependencies build once), built once to warm up, then its `src/main.rs` is
touched and `cargo build` timed N times (median). Only the crate itself is
rebuilt: the cost measured is rustc on that crate, proc-macro and CPython
included. Prints a Markdown table.
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "build-cost"
COUNTS = (1, 50, 200)


def python_item(i):
    # Alternate the two body forms and a few shapes of realistic code.
    if i % 2 == 0:
        return f"""
py_fn! {{
    /// Function {i}.
    pub fn f{i}(a: i64, b: i64) -> i64 {{
        total = 0
        for k in range(a):
            if k % 3 == 0:
                total += k * {i}
        return total + b
    }}
}}
"""
    return f"""
py_fn! {{
    /// Function {i}.
    pub fn f{i}(text: &str, n: usize) -> Vec<String> {{r#"
        import re
        words = re.findall(r"[a-z]+", text.lower())  # {i}
        return sorted(set(words))[:n]
    "#}}
}}
"""


def rust_item(i):
    if i % 2 == 0:
        return f"""
/// Function {i}.
pub fn f{i}(a: i64, b: i64) -> pyfn::Result<i64> {{
    let mut total = 0;
    for k in 0..a {{
        if k % 3 == 0 {{
            total += k * {i};
        }}
    }}
    Ok(total + b)
}}
"""
    return f"""
/// Function {i}.
pub fn f{i}(text: &str, n: usize) -> pyfn::Result<Vec<String>> {{
    let mut words: Vec<String> = text
        .to_lowercase()
        .split(|c: char| !c.is_ascii_lowercase())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(n);
    Ok(words)
}}
"""


def calls(count):
    return "\n".join(
        f"    let _ = f{i}(3, 4);" if i % 2 == 0 else f'    let _ = f{i}("a b", 1);'
        for i in range(count)
    )


def make_crate(kind, count):
    path = WORK / f"{kind}-{count}"
    features = ', features = ["typecheck"]' if kind == "typed" else ""
    (path / "src").mkdir(parents=True, exist_ok=True)
    (path / "Cargo.toml").write_text(
        f"""[package]
name = "{kind}-{count}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
pyfn = {{ path = "{ROOT}"{features} }}

[workspace]
"""
    )
    items = "".join((rust_item if kind == "plain" else python_item)(i) for i in range(count))
    header = "" if kind == "plain" else "use pyfn::py_fn;\n"
    (path / "src" / "main.rs").write_text(
        f"{header}{items}\nfn main() {{\n{calls(count)}\n}}\n"
    )
    return path


def build(path, env):
    subprocess.run(
        ["cargo", "build", "-q", "--manifest-path", str(path / "Cargo.toml")],
        check=True,
        env=env,
    )


def timed_build(path, env, runs):
    times = []
    for _ in range(runs):
        os.utime(path / "src" / "main.rs")
        start = time.perf_counter()
        build(path, env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--typecheck", action="store_true")
    args = parser.parse_args()
    kinds = ("plain", "pyfn", "typed") if args.typecheck else ("plain", "pyfn")
    env = dict(os.environ, CARGO_TARGET_DIR=str(WORK / "target"))
    results = {}
    for count in COUNTS:
        for kind in kinds:
            path = make_crate(kind, count)
            build(path, env)  # warm-up: dependencies, and the crate once
            results[(kind, count)] = timed_build(path, env, args.runs)
            print(f"{kind:5} {count:3}: {results[(kind, count)] * 1000:8.0f} ms", file=sys.stderr)
    print("| functions | plain Rust | `py_fn!` | added by pyfn | added per function |")
    print("|---:|---:|---:|---:|---:|")
    for count in COUNTS:
        plain, py = results[("plain", count)], results[("pyfn", count)]
        added = py - plain
        print(
            f"| {count} | {plain * 1000:.0f} ms | {py * 1000:.0f} ms | {added * 1000:.0f} ms "
            f"| {added / count * 1000:.1f} ms |"
        )
    one = results[("pyfn", 1)] - results[("plain", 1)]
    last = COUNTS[-1]
    many = (results[("pyfn", last)] - results[("plain", last)] - one) / (last - 1)
    print(
        f"\nThe first function costs {one * 1000:.0f} ms (starting CPython inside rustc); "
        f"each further one {many * 1000:.2f} ms (added({last}) - added(1)) / {last - 1}."
    )
    if args.typecheck:
        print("\n| functions | `py_fn!` | `py_fn!` + typecheck | added by type checking | per function |")
        print("|---:|---:|---:|---:|---:|")
        for count in COUNTS:
            py, typed = results[("pyfn", count)], results[("typed", count)]
            print(
                f"| {count} | {py * 1000:.0f} ms | {typed * 1000:.0f} ms "
                f"| {(typed - py) * 1000:.0f} ms | {(typed - py) / count * 1000:.1f} ms |"
            )
        one = results[("typed", 1)] - results[("pyfn", 1)]
        many = (results[("typed", last)] - results[("pyfn", last)] - one) / (last - 1)
        print(
            f"\nType checking: the first function costs {one * 1000:.0f} ms; "
            f"each further one {many * 1000:.1f} ms."
        )

main()
