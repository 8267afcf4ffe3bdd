#!/usr/bin/env bash
# Discovery benchmark (not a test; nothing here asserts a time). Starts hcx-sim with PAIRS Connector/Cloud
# pairs (2 x PAIRS managers, 200 by default) answering every request after LATENCY_MS (50 by default), runs
# `hcx discover` at each of CONCURRENCY (8,64,200) and the two Python `requests` baselines kept in bench/
# (sequential; 32 threads) RUNS times (5) interleaved, and prints a Markdown section to stdout (medians,
# ratios vs the baselines and vs the two-round-trip floor, client CPU per request). Progress goes to stderr.
#
#   scripts/bench-discover.sh                 # release build of hcx and hcx-sim, venv with requests
#   PAIRS=10 RUNS=3 scripts/bench-discover.sh # a quicker look
#   CONNECTS=1 scripts/bench-discover.sh      # also count connect() calls of one hcx run per concurrency (strace)
set -euo pipefail
cd "$(dirname "$0")/.."

pairs=${PAIRS:-100}
latency_ms=${LATENCY_MS:-50}
runs=${RUNS:-5}
concurrency=${CONCURRENCY:-8,64,200}
work=target/bench-discover
mkdir -p "$work"

echo "==> cargo build --release -p hcx-cli -p hcx-sim" >&2
cargo build --release --quiet -p hcx-cli -p hcx-sim
hcx=target/release/hcx
sim=target/release/hcx-sim

venv=target/bench-venv
if ! "$venv/bin/python" -c 'import requests' 2>/dev/null; then
    echo "==> python venv with requests in $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet requests
fi

python3 bench/discover_scenario.py "$pairs" "$latency_ms" > "$work/scenario.json"
rm -f "$work/endpoints.json"
"$sim" --scenario "$work/scenario.json" --write-endpoints "$work/endpoints.json" > "$work/sim.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
    grep -q "ready" "$work/sim.log" 2>/dev/null && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; exit 1; }
    sleep 0.1
done
grep -q "ready" "$work/sim.log" || { echo "hcx-sim did not start" >&2; exit 1; }

export HCX_PASSWORD=hcx-sim-password
if [ "${CONNECTS:-0}" = 1 ] && command -v strace > /dev/null; then
    for n in ${concurrency//,/ }; do
        count=$(strace -f -e trace=connect -o "$work/strace.$n" "$hcx" -qq discover --endpoints "$work/endpoints.json" \
            --concurrency "$n" --out /dev/null 2>/dev/null && grep -c 'connect(.*sin_port=htons' "$work/strace.$n" || true)
        echo "connect() calls of hcx discover --concurrency $n: $count" >&2
    done
fi

"$venv/bin/python" bench/discover_run.py --hcx "$hcx" --endpoints "$work/endpoints.json" \
    --latency-ms "$latency_ms" --runs "$runs" --concurrency "$concurrency" --python "$venv/bin/python"
