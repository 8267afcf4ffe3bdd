#!/usr/bin/env bash
# Fault soak: RUNS discoveries (default 200) against hcx-sim, each with 1-3 random faults per site from a
# fixed seed, asserting 100 % correct-inventory-or-typed-error, 0 hangs, 0 wrong inventories and 0 secrets in
# any output. The test command runs the same test with 20 discoveries.
#   scripts/soak.sh [RUNS] [SEED]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export HCX_SOAK_RUNS="${1:-200}"
export HCX_SOAK_SEED="${2:-1592598566}" # 0x5eed2026, the test's default

cargo test -p hcx-core --features client --test client_soak -- --nocapture 2>&1 | grep -E '^soak:|test result|panicked|FAILED' 
