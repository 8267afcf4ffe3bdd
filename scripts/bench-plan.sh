#!/usr/bin/env bash
# Planning benchmarks (not part of ./scripts/test.sh): the criterion plan benches (10 to 10,000 pairs, without
# windows, with a roomy window per site, with 30-minute windows most steps do not fit), allocations per step and
# peak heap per pair (examples/plan_scale.rs, a counting allocator), and the peak RSS of `hcx plan --format json`
# on a generated 10,000-pair fleet. Prints a Markdown section to stdout; progress goes to stderr.
#
#   scripts/bench-plan.sh            # everything (builds release binaries; minutes on a busy machine)
#   BENCH_PLAN_QUICK=1 scripts/...   # skip criterion, keep the allocation and RSS figures
set -euo pipefail
cd "$(dirname "$0")/.."
PAIRS=10000
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
log() { echo "bench-plan: $*" >&2; }

criterion_ms() { # group n -> mean in ms, from criterion's estimates
  python3 - "$1" "$2" <<'PY'
import json, sys, pathlib
p = pathlib.Path("target/criterion") / sys.argv[1] / "pairs" / sys.argv[2] / "new" / "estimates.json"
try:
    print(f"{json.loads(p.read_text())['mean']['point_estimate'] / 1e6:.3f}")
except (OSError, KeyError, ValueError):
    print("n/a")
PY
}

if [ -z "${BENCH_PLAN_QUICK:-}" ]; then
  log "criterion plan benches"
  cargo bench -q -p hcx-core --bench plan -- --noplot >&2
fi

log "allocations and peak heap (examples/plan_scale)"
cargo build -q --release -p hcx-core --example plan_scale >&2
scale() { target/release/examples/plan_scale "$@" | tail -n 1; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<<"$2" | head -n 1; }
NOWIN=$(scale "$PAIRS"); WIN=$(scale "$PAIRS" 1440); TIGHT=$(scale "$PAIRS" 30)

log "peak RSS of hcx plan --format json on $PAIRS pairs"
cargo build -q --release -p hcx-cli >&2
rss_kb() { # extra plan args...
  local fleet=$1; shift
  /usr/bin/time -f "%M" -o "$TMP/rss" target/release/hcx plan --fleet "$fleet" --format json --date 2026-11-28 \
    --target 4.11.4 --max-input-bytes 1000000000 "$@" >/dev/null 2>"$TMP/err" || true
  tail -n 1 "$TMP/rss"
}
target/release/examples/plan_scale --write-fleet "$TMP/fleet.json" "$PAIRS" >&2
target/release/examples/plan_scale --write-fleet "$TMP/fleet-windows.json" "$PAIRS" 1440 >&2
RSS=$(rss_kb "$TMP/fleet.json"); RSS_WIN=$(rss_kb "$TMP/fleet-windows.json")
per_pair() { awk -v kb="$1" -v n="$PAIRS" 'BEGIN { if (kb ~ /^[0-9]+$/) printf "%.1f", kb * 1024 / n / 1024; else print "n/a" }'; }

ok_ms() { awk -v v="$1" 'BEGIN { if (v == "n/a" || v == "") print "n/a"; else if (v + 0 < 50) print "yes"; else printf "no (%.1fx)", v / 50 }'; }
ok_kb() { awk -v v="$1" 'BEGIN { if (v == "n/a") print "n/a"; else if (v + 0 < 10) print "yes"; else printf "no (%.1fx)", v / 10 }'; }

echo "## Planning (scripts/bench-plan.sh)"
echo
echo "Machine: $(nproc) cores, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg) when it ended. Criterion"
echo "times are wall-clock means on a shared machine; CPU figures are the planning thread's own CPU time."
echo
echo "| plan | 10 pairs | 100 pairs | 1,000 pairs | 10,000 pairs | target 10k | met |"
echo "|---|---|---|---|---|---|---|"
for g in plan plan-windows plan-tight-windows; do
  row="| \`$g\`"
  for n in 10 100 1000 10000; do row="$row | $(criterion_ms "$g" "$n") ms"; done
  last=$(criterion_ms "$g" 10000)
  echo "$row | < 50 ms | $(ok_ms "$last") |"
done
echo
echo "| 10,000 pairs | steps | allocations per step | peak heap per pair | wall | CPU |"
echo "|---|---|---|---|---|---|"
for row in "no windows:$NOWIN" "a window per site:$WIN" "30-minute windows:$TIGHT"; do
  name=${row%%:*}; line=${row#*:}
  echo "| $name | $(field steps "$line") | $(field allocations_per_step "$line") | $(field peak_bytes_per_pair "$line") B | $(field millis "$line") ms | $(field cpu_millis "$line") ms |"
done
echo
echo "| \`hcx plan --format json\` > /dev/null, $PAIRS pairs | peak RSS | per pair | target | met |"
echo "|---|---|---|---|---|"
echo "| no windows | ${RSS} KB | $(per_pair "$RSS") KB | < 10 KB | $(ok_kb "$(per_pair "$RSS")") |"
echo "| a window per site | ${RSS_WIN} KB | $(per_pair "$RSS_WIN") KB | < 10 KB | $(ok_kb "$(per_pair "$RSS_WIN")") |"
