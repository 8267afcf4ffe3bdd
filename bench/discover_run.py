"""Runs the discovery benchmark against a running simulator and prints a Markdown section.

Usage: python3 bench/discover_run.py --hcx target/release/hcx --endpoints ENDPOINTS.json --latency-ms 50 \
           [--runs 5] [--concurrency 8,64,200] [--threads 32] [--sequential-budget 60]

Every command runs `--runs` times, interleaved (one of each per round) so that a slow moment of the shared
machine hits them all alike; the figures are medians. Wall time is measured around the process, CPU time
(user + system) from the child's resource usage. Requests per run are counted by the simulator
(`/hcx-sim/counters`, which is not counted itself) and must be the same for every tool: one login and seven
reads per manager. The sequential baseline runs once only when its first run takes longer than
`--sequential-budget` seconds (said so in the output).
"""

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def run_once(argv, env):
    """Runs a command; returns (wall seconds, user + system CPU seconds). Fails loudly on a non-zero exit."""
    # stderr to a file, not a pipe: a full pipe would stall the child while nothing reads it.
    with tempfile.TemporaryFile() as errf:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    code = proc.returncode
    if code != 0:
        sys.exit(f"{' '.join(argv)} exited {code}:\n{err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def total_calls(endpoints):
    """Sum of the calls every simulated manager has counted so far."""
    total = 0
    for e in endpoints:
        with urllib.request.urlopen(e["url"].rstrip("/") + "/hcx-sim/counters", timeout=30) as r:
            doc = json.load(r)
        total += sum(v["calls"] for v in doc.get("endpoints", {}).values())
    return total


def measure(argv, env, endpoints):
    """One run, with the calls the simulator saw during it."""
    before = total_calls(endpoints)
    wall, cpu = run_once(argv, env)
    return wall, cpu, total_calls(endpoints) - before


def fmt_ms(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.1f} s"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hcx", required=True)
    ap.add_argument("--endpoints", required=True)
    ap.add_argument("--latency-ms", type=int, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--concurrency", default="8,64,200")
    ap.add_argument("--threads", type=int, default=32)
    ap.add_argument("--sequential-budget", type=float, default=60.0)
    ap.add_argument("--python", default=sys.executable)
    a = ap.parse_args()

    with open(a.endpoints, encoding="utf-8") as f:
        endpoints = json.load(f)["endpoints"]
    managers = len(endpoints)
    env = dict(os.environ, HCX_PASSWORD=os.environ.get("HCX_PASSWORD", "hcx-sim-password"))
    levels = [int(x) for x in a.concurrency.split(",")]
    cmds = {f"hcx discover --concurrency {n}": [a.hcx, "-qq", "discover", "--endpoints", a.endpoints,
                                                "--concurrency", str(n), "--out", os.devnull] for n in levels}
    threads = f"Python requests, {a.threads} threads"
    cmds[threads] = [a.python, os.path.join(HERE, "discover_threads.py"), a.endpoints, str(a.threads)]
    sequential = "Python requests, sequential"
    cmds[sequential] = [a.python, os.path.join(HERE, "discover_sequential.py"), a.endpoints]

    samples = {k: [] for k in cmds}
    seq_runs = a.runs
    for rnd in range(a.runs):
        for name, argv in cmds.items():
            if name == sequential and len(samples[name]) >= seq_runs:
                continue
            samples[name].append(measure(argv, env, endpoints))
            if name == sequential and rnd == 0 and samples[name][0][0] > a.sequential_budget:
                seq_runs = 1
            print(f"round {rnd + 1}: {name}: {samples[name][-1][0]:.3f} s", file=sys.stderr)

    rtt = a.latency_ms / 1000
    trips = 2  # log in, then the seven reads at once

    def floor(n):
        return math.ceil(managers / n) * trips * rtt

    med = {k: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v),
               statistics.median(x[2] for x in v), len(v)) for k, v in samples.items()}
    seq_wall, thr_wall = med[sequential][0], med[threads][0]
    out = []
    out.append("## Discovery: `hcx discover` against the simulator")
    out.append("")
    out.append(f"{managers} simulated managers, {a.latency_ms} ms added to every request; medians of the runs "
               f"shown, run interleaved (`scripts/bench-discover.sh`, {platform.machine()}, {os.cpu_count()} "
               "CPUs, a machine shared with other work: read the ratios more than the absolute times). Floor: "
               f"two dependent round trips per manager (log in, then the seven reads at once), "
               f"ceil({managers} / concurrency) x 2 x {a.latency_ms} ms. Client CPU: user + system time of "
               "the client process divided by the requests the simulator counted.")
    out.append("")
    out.append(f"| client | runs | wall | wall / floor | speed-up vs sequential | speed-up vs {a.threads} threads "
               "| requests | client CPU / request |")
    out.append("|---|---|---|---|---|---|---|---|")
    for name, (wall, cpu, calls, runs) in med.items():
        n = next((lv for lv in levels if name.endswith(f" {lv}") and name.startswith("hcx")), None)
        vs_floor = f"{wall / floor(n):.2f}x (floor {fmt_ms(floor(n))})" if n else "-"
        per_req = f"{cpu / calls * 1e6:.0f} us" if calls else "-"
        out.append(f"| {name} | {runs} | {fmt_ms(wall)} | {vs_floor} | {seq_wall / wall:.1f}x | "
                   f"{thr_wall / wall:.2f}x | {calls:.0f} | {per_req} |")
    if med[sequential][3] < a.runs:
        out.append("")
        out.append(f"The sequential baseline ran {med[sequential][3]} time(s) only: one run takes over "
                   f"{a.sequential_budget:.0f} s.")
    print("\n".join(out))


if __name__ == "__main__":
    main()
