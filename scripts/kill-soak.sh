#!/usr/bin/env bash
# The long kill test: `hcx apply --execute` against hcx-sim, SIGKILLed at many seeded random moments (each kill
# followed by `--resume`), for several seeds. Every round asserts from /hcx-sim/counters that every upgrade was
# carried out exactly once and that the fleet ends at the target. The test command runs one short round.
#   scripts/kill-soak.sh [KILLS_PER_SEED] [SEEDS...]     (defaults: 120 kills, seeds 1 2 3 4 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kills="${1:-120}"
shift || true
seeds=("$@")
[ ${#seeds[@]} -eq 0 ] && seeds=(1 2 3 4 5)
cargo test -p hcx-cli --test apply_kill --no-run --quiet
for seed in "${seeds[@]}"; do
    printf '\n==> kill soak: seed %s, %s kills\n' "$seed" "$kills"
    # Slower simulated time for more kills, so they spread over the whole run.
    HCX_KILLS="$kills" HCX_KILL_SEED="$seed" HCX_KILL_TIME_SCALE="$(( 3600 / kills > 10 ? 3600 / kills : 10 ))" \
        cargo test -p hcx-cli --test apply_kill --quiet -- sigkill --nocapture 2>&1 | grep -E 'kill test|test result|panicked|assert'
done
