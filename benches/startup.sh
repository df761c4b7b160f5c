#!/usr/bin/env bash
# Startup and per-call cost of pyfn against hand-written pyo3 and
# inline-python, in one run: the tables of BENCHMARKS.md's "Startup".
#
#   benches/startup.sh [--samples N] [--rounds N]
#
# Builds the inline-python peer (benches/peers/inline-python, its own Cargo
# project: it links pyo3 0.25), then runs `cargo bench --bench startup` with
# PEER_BIN set, so that the peer's fresh processes take turns with pyfn's
# and pyo3's. Both link the same CPython (`PYO3_PYTHON`, default python3).
# Tables on stdout; build logs and progress on stderr. About 2 minutes on 2
# cores once built.
#
# Environment: PYO3_PYTHON; PEER_TARGET_DIR (the peer's CARGO_TARGET_DIR,
# default target/peer-inline-python).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PYO3_PYTHON="${PYO3_PYTHON:-python3}"
peer_manifest=benches/peers/inline-python/Cargo.toml
peer_target="${PEER_TARGET_DIR:-target/peer-inline-python}"

echo "==> building the inline-python peer (CARGO_TARGET_DIR=$peer_target)" >&2
CARGO_TARGET_DIR="$peer_target" cargo build --release --manifest-path "$peer_manifest" >&2
peer_bin="$(cd "$peer_target/release" && pwd)/pyfn-peer-inline-python"

python_version="$("$PYO3_PYTHON" -c 'import sys, platform; print(platform.python_implementation(), platform.python_version(), "(" + sys.executable + ")")')"
inline_python_version="$(sed -n '/^name = "inline-python"$/{n;s/^version = "\(.*\)"$/\1/p}' "${peer_manifest%Cargo.toml}Cargo.lock")"
cpu_model="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"

echo "==> cargo bench --bench startup" >&2
cargo build --release --bench startup >&2
echo "Machine: $(nproc) cores, ${cpu_model:-unknown CPU}; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPython: $python_version"
echo "Rust: $(rustc --version)"
echo "inline-python: $inline_python_version"
echo
PEER_BIN="$peer_bin" cargo bench --quiet --bench startup -- "$@"
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
