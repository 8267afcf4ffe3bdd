#!/usr/bin/env python3
"""Python bindings vs Rust: the same calls on the same fleets, medians of N runs, as a Markdown section.

    scripts/bench-python.py [--runs 7] [--pairs 10,100,1000] [--no-build]

Each fleet is a synthetic one (N Connector/AVS pairs, each with a mesh of IX, NE and WO and two extended
networks, as hcx-core's plan benchmark), written to a temporary file. The Rust side is the release build of
`examples/rust/bench_model.rs` (hcx-core called directly, in-process timers, so no process start-up is
counted); the Python side is the installed `hcx` package (by default the release wheel in target/py-venv that
scripts/test-python.sh installs; PYTHON=... picks another interpreter), timed with `time.perf_counter_ns` around
each call. Both plan for `latest` on 2026-11-28. `to_dict` in Rust is `serde_json::to_value` (the JSON tree in
memory), in Python `Plan.to_dict()` (dicts and lists). `steps` (Python only) is the first access to
`plan.steps` on a fresh plan: all its Step objects are made then, and later accesses share them.

Prints the Markdown section to stdout (scripts/bench.sh collects it); progress goes to stderr. Not part of the
test command: timings are not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OPS = ["load", "plan", "to_text", "to_markdown", "to_json", "to_dict"]

PY_BENCH = r"""
import datetime, json, statistics, sys, time
import hcx
path, runs = sys.argv[1], int(sys.argv[2])
date = datetime.date(2026, 11, 28)
def t(f):
    f()  # untimed: the first call after other work pays for fresh memory (the Rust side does the same)
    xs = []
    for _ in range(runs):
        s = time.perf_counter_ns(); f(); xs.append(time.perf_counter_ns() - s)
    return statistics.median(xs)
fleet = hcx.Fleet.load(path)
plan = hcx.plan(fleet, "latest", date=date)
out = {
    "load": t(lambda: hcx.Fleet.load(path)),
    "plan": t(lambda: hcx.plan(fleet, "latest", date=date)),
    "to_text": t(plan.to_text),
    "to_markdown": t(plan.to_markdown),
    "to_json": t(plan.to_json),
    "to_dict": t(plan.to_dict),
}
fresh = [hcx.plan(fleet, "latest", date=date) for _ in range(runs)]
xs = []
for p in fresh:
    s = time.perf_counter_ns(); p.steps; xs.append(time.perf_counter_ns() - s)
out["steps"] = statistics.median(xs)
# A plan whose steps were made already: a second access only lists the shared objects.
s = time.perf_counter_ns(); fresh[-1].steps; out["steps_again"] = time.perf_counter_ns() - s
print(json.dumps(out))
"""


def synthetic(n: int) -> dict[str, object]:
    """The fleet of hcx-core/benches/support/synthetic.rs, as JSON."""
    sites, pairs, meshes, extensions = [], [], [], []
    for i in range(n):
        c, a = f"dc{i}", f"avs{i}"
        sites.append({"id": c, "role": "connector", "platform": "on-prem", "version": "4.10.3"})
        sites.append({"id": a, "role": "cloud", "platform": "avs", "version": "4.11.3"})
        pairs.append({"source": c, "destination": a})
        meshes.append({
            "id": f"sm{i}", "source": c, "destination": a,
            "services": ["interconnect", "network-extension", "wan-optimization"],
            "appliances": [{"id": f"{k}{i}", "kind": k.upper(), "version": "4.10.3"} for k in ("ix", "ne", "wo")],
        })
        extensions += [{"network": f"net{i}-{v}", "appliance": f"ne{i}", "binding": "static"} for v in range(2)]
    return {"schema": "hcx-fleet/v1", "sites": sites, "pairs": pairs, "meshes": meshes, "extensions": extensions}


def fmt(ns: float) -> str:
    return f"{ns / 1e6:.2f} ms" if ns >= 1e5 else f"{ns / 1e3:.1f} µs"


def runs_for(pairs: int, runs: int) -> int:
    """The runs for a fleet size: `runs`, times ten below 100 pairs."""
    return runs * 10 if pairs < 100 else runs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pairs", default="10,100,1000")
    ap.add_argument("--no-build", action="store_true", help="use the built example as it is")
    args = ap.parse_args()
    runs = max(5, args.runs)
    python = os.environ.get("PYTHON") or str(ROOT / "target" / "py-venv" / "bin" / "python")
    if not Path(python).exists():
        print(f"no Python with hcx at {python}: run scripts/test-python.sh first, or set PYTHON", file=sys.stderr)
        return 2
    if not args.no_build:
        print("==> cargo build --release --example bench_model", file=sys.stderr)
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "hcx-examples", "--example", "bench_model"],
                       cwd=ROOT, check=True)
    rust_bin = ROOT / "target" / "release" / "examples" / "bench_model"
    version = subprocess.run([python, "-c", "import hcx; print(hcx.__version__)"], capture_output=True, text=True,
                             check=True).stdout.strip()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(x) for x in args.pairs.split(",")]:
            path = Path(tmp) / f"fleet-{n}.json"
            path.write_text(json.dumps(synthetic(n)))
            print(f"==> {n} pairs", file=sys.stderr)
            # Small fleets take well under a millisecond a call: more runs, so one slow run moves no median.
            k = runs_for(n, runs)
            rust = json.loads(subprocess.run([str(rust_bin), str(path), str(k)], capture_output=True, text=True,
                                             check=True).stdout)
            py = json.loads(subprocess.run([python, "-c", PY_BENCH, str(path), str(k)], capture_output=True,
                                           text=True, check=True).stdout)
            rows.append((n, rust, py))
    counts = ", ".join(f"{runs_for(n, runs)} runs at {n} pairs" for n, _, _ in rows)
    out = [
        "## Python bindings vs Rust",
        "",
        f"hcx {version}; medians of {counts}; synthetic fleets (pairs of a Connector and an AVS Cloud Manager, "
        "each with IX, NE and WO); `latest` on 2026-11-28. Rust: hcx-core in-process (release build of "
        "`examples/rust/bench_model.rs`); Python: the installed `hcx` wheel. Ratio = Python / Rust.",
        "",
        "| pairs | call | Rust | Python | ratio |",
        "|---:|---|---:|---:|---:|",
    ]
    worst = 0.0
    for n, rust, py in rows:
        for op in OPS:
            ratio = py[op] / max(rust[op], 1)
            worst = max(worst, ratio)
            out.append(f"| {n} | `{op}` | {fmt(rust[op])} | {fmt(py[op])} | {ratio:.2f}× |")
        out.append(f"| {n} | `steps` (first access; again: {fmt(py['steps_again'])}) | | {fmt(py['steps'])} | |")
    out += ["", f"Worst ratio: {worst:.2f}×."]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
