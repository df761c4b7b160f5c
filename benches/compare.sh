#!/usr/bin/env bash
# pyfn against inline-python, per call, in one Markdown table.
#
#   benches/compare.sh [criterion filter/args...]
#
# e.g. `benches/compare.sh 'attach per call|interpreter held|CPython'` skips
# the benches the table does not use (naive, closures); a full run takes
# about 5 minutes on 2 cores once built.
#
# Runs pyfn's criterion bench (`cargo bench --bench calls`) and the
# inline-python peer (benches/peers/inline-python, a separate Cargo project:
# it links pyo3 0.25 and pyfn pyo3 0.30, and only one `links = "python"` crate
# fits in a build graph), both against the same CPython (`PYO3_PYTHON`,
# default `python3`), then prints the machine, the CPython version and the
# table on stdout. Build logs and criterion's own report go to stderr.
#
# Environment:
#   PYO3_PYTHON      interpreter both builds link (default python3)
#   PEER_TARGET_DIR  the peer's CARGO_TARGET_DIR (default target/peer-inline-python)
#   PEER_RUN_SECS    seconds per timed run of each peer case (default 0.4; 5 runs)
#   CARGO_TARGET_DIR / CRITERION_HOME  honoured for pyfn's bench, as cargo and
#                    criterion do
#
# The table reads criterion's `new/estimates.json` (`mean.point_estimate`, ns)
# by each benchmark's full id (from `new/benchmark.json`), only from results
# this run wrote. A case that benches/calls.rs does not (yet) measure prints
# "n/a"; the ids looked for are in FUNCTIONS / CASES below: criterion groups
# `add(a, b)`, `shout(text)`, `floats(n)`, each with `pyfn, attach per call`,
# `pyfn, interpreter held`, `hand-written pyo3, attach per call`,
# `hand-written pyo3, interpreter held`, `CPython calling its own function`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PYO3_PYTHON="${PYO3_PYTHON:-python3}"
peer_manifest=benches/peers/inline-python/Cargo.toml
peer_target="${PEER_TARGET_DIR:-target/peer-inline-python}"
criterion_dir="${CRITERION_HOME:-${CARGO_TARGET_DIR:-target}/criterion}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stamp="$work/stamp"
peer_out="$work/peer.tsv"

echo "==> building the inline-python peer (CARGO_TARGET_DIR=$peer_target)" >&2
CARGO_TARGET_DIR="$peer_target" cargo build --release --manifest-path "$peer_manifest" >&2

# Only estimates written after this point count (no stale figures from an
# earlier run or another bench's names).
touch "$stamp"
sleep 1

echo "==> cargo bench --bench calls" >&2
cargo bench --bench calls -- "$@" >&2

echo "==> inline-python peer" >&2
CARGO_TARGET_DIR="$peer_target" cargo run --release --quiet --manifest-path "$peer_manifest" >"$peer_out"

python_version="$("$PYO3_PYTHON" -c 'import sys, platform; print(platform.python_implementation(), platform.python_version(), "(" + sys.executable + ")")')"
inline_python_version="$(sed -n '/^name = "inline-python"$/{n;s/^version = "\(.*\)"$/\1/p}' benches/peers/inline-python/Cargo.lock)"
peer_pyo3_version="$(sed -n '/^name = "pyo3"$/{n;s/^version = "\(.*\)"$/\1/p}' benches/peers/inline-python/Cargo.lock)"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"

echo "Machine: $(nproc) cores, ${cpu_model:-unknown CPU}"
echo "CPython: $python_version"
echo "Rust: $(rustc --version)"
echo "inline-python: $inline_python_version (pyo3 $peer_pyo3_version)"
echo

"$PYO3_PYTHON" - "$criterion_dir" "$stamp" "$peer_out" <<'PY'
import json, os, sys

criterion_dir, stamp, peer_out = sys.argv[1:4]
since = os.path.getmtime(stamp)

# Each row: the criterion full ids for pyfn, hand-written pyo3 and CPython's
# own call (first found wins; benches/calls.rs names its groups `add(a, b)`,
# `shout(text)`, `floats(n)`), the peer's case prefix and suffix.
def ids(groups, bench):
    return [f"{g}/{bench}" for g in groups]

FUNCTIONS = [
    ("add(a, b) -> i64", ["add(a, b)"], "add"),
    ("shout(text) -> String", ["shout(text)", "shout(&str) -> String"], "shout"),
    ("floats(n) -> Vec<f64>, n = 10", ["floats(n)", "floats(n) -> Vec<f64>"], "floats"),
]
CASES = []
for mode, peer_suffix in [("attach per call", ""), ("interpreter held", ", interpreter held")]:
    for label, groups, prefix in FUNCTIONS:
        CASES.append((
            f"{label}, {mode}",
            ids(groups, f"pyfn, {mode}") + (["shout(&str) -> String, pyfn"]
                                            if prefix == "shout" and mode == "attach per call" else []),
            ids(groups, f"hand-written pyo3, {mode}"),
            ids(groups, "CPython calling its own function"),
            prefix,
            peer_suffix,
        ))
# inline-python's figure is the faster of its two documented ways of passing
# arguments into a kept Context.
PEER_PATTERNS = [("'var captures", "context, 'var captures + get"),
                 ("set + run", "context, set + run + get")]

fresh = {}
for root, dirs, files in os.walk(criterion_dir):
    if os.path.basename(root) != "new" or "benchmark.json" not in files:
        continue
    est = os.path.join(root, "estimates.json")
    if not os.path.exists(est) or os.path.getmtime(est) < since:
        continue
    with open(os.path.join(root, "benchmark.json")) as f:
        full_id = json.load(f)["full_id"]
    with open(est) as f:
        fresh[full_id] = json.load(f)["mean"]["point_estimate"]
if not fresh:
    sys.exit(f"compare.sh: no criterion results written under {criterion_dir} by this run")

peer = {}
with open(peer_out) as f:
    for line in f:
        name, _, ns = line.rstrip("\n").partition("\t")
        peer[name] = float(ns)
if not peer:
    sys.exit("compare.sh: the inline-python peer printed no results")

def first(ids):
    return next((fresh[i] for i in ids if i in fresh), None)

def ns(v):
    return "n/a" if v is None else f"{v:,.1f}"

def ratio(a, b):
    return "n/a" if a is None or b is None else f"{a / b:.2f}×"

print("| case | pyfn (ns) | hand-written pyo3 (ns) | CPython's own call (ns) "
      "| inline-python (ns) | inline-python / pyfn | pyfn / hand-written |")
print("|---|---:|---:|---:|---:|---:|---:|")
used = []
for label, pyfn_ids, hand_ids, cpython_ids, prefix, peer_suffix in CASES:
    pyfn, hand, cpython = first(pyfn_ids), first(hand_ids), first(cpython_ids)
    options = [(peer[f"{prefix}/{p}{peer_suffix}"], short) for short, p in PEER_PATTERNS
               if f"{prefix}/{p}{peer_suffix}" in peer]
    if not options:
        sys.exit(f"compare.sh: the peer printed no Context figure for {prefix}{peer_suffix}")
    ip, pattern = min(options)
    used.append(f"{prefix}{peer_suffix}: {pattern}")
    print(f"| `{label}` | {ns(pyfn)} | {ns(hand)} | {ns(cpython)} | {ns(ip)} "
          f"| {ratio(ip, pyfn)} | {ratio(pyfn, hand)} |")

print()
print("Means of criterion's estimates for pyfn, hand-written pyo3 and CPython; "
      "medians of 5 timed runs for inline-python.")
print("inline-python: a kept `Context` in which the functions were defined once; per call "
      "the arguments go in (faster of `'var` captures and `Context::set`; used: "
      + ", ".join(used) + "), `context.run(python! { result = f(...) })`, "
      "`context.get::<T>(\"result\")`; in the attach-per-call rows every call attaches to "
      "the interpreter (each `Context` method does), in the interpreter-held rows "
      "`Python::with_gil` is held around the loop.")
print("All peer figures:", "; ".join(f"{k} = {v:,.1f} ns" for k, v in peer.items()))
PY
