#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (version, fleet, catalog, plan, wire, endpoints), each for SECONDS,
# from a seed corpus built out of the project's fixtures, and prints one line per target: runs, exec/s,
# corpus size, crashes. Long runs: `scripts/fuzz.sh 3600`. The test command calls `scripts/fuzz.sh --smoke`
# (15 s per target) and skips, loudly, where nightly Rust is missing.
#   scripts/fuzz.sh [--smoke | SECONDS] [TARGET...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

secs=600
if [[ "${1:-}" == "--smoke" ]]; then
    secs=15
    shift
elif [[ "${1:-}" =~ ^[0-9]+$ ]]; then
    secs="$1"
    shift
fi
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(version fleet catalog plan wire endpoints)

skip() {
    printf '\n!!! SKIPPING THE FUZZ RUNS: %s\n!!! (fuzzing needs nightly Rust and cargo-fuzz)\n\n' "$*" >&2
    exit 0
}
command -v rustup >/dev/null && rustup run nightly rustc --version >/dev/null 2>&1 || skip "no nightly toolchain"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> cargo install cargo-fuzz (from crates.io)"
    cargo install --locked cargo-fuzz || skip "cannot install cargo-fuzz"
fi

work="$root/target/fuzz"
corpus="$work/corpus"
mkdir -p "$work"

# Seed corpora from the fixtures (rebuilt every time; what the fuzzer adds stays in target/fuzz/corpus).
seed() {
    local t="$1" dir="$corpus/$1"
    mkdir -p "$dir"
    case "$t" in
        version)
            grep -oE '"[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9]+)?"' hcx-core/data/catalog.json hcx-core/data/sample-fleet.json \
                | cut -d: -f2 | tr -d '"' | sort -u | head -50 | while read -r v; do printf '%s' "$v" > "$dir/seed-$v"; done
            printf '4.9.0.0-23529166' > "$dir/seed-build"
            printf 'v4.10' > "$dir/seed-short"
            ;;
        fleet)
            cp hcx-core/data/sample-fleet.json "$dir/seed-sample.json"
            for f in examples/fleets/*.json; do cp "$f" "$dir/seed-$(basename "$f")"; done
            ;;
        catalog) cp hcx-core/data/catalog.json "$dir/seed-catalog.json" ;;
        wire) for f in hcx-core/tests/fixtures/api/*.json; do cp "$f" "$dir/seed-$(basename "$f")"; done ;;
        endpoints)
            printf '%s' '{"schema":"hcx-endpoints/v1","endpoints":[{"site":"dc1","url":"https://hcx.dc1.example","role":"connector","platform":"on-prem","username":"administrator@vsphere.local","name":"DC1"},{"site":"avs","url":"http://localhost:8443/","role":"cloud","platform":"avs","username":"cloudadmin@vsphere.local"}]}' > "$dir/seed-endpoints.json"
            ;;
        plan)
            # Generator bytes: a few fixed shapes (sites, pairs, meshes, appliances, windows).
            # (Built in the shell: `yes | head` dies of SIGPIPE, which pipefail turns into a failed run.)
            for s in 1 3 5 7 9; do
                local line="$s$((s * 37))"$'\n' buf=""
                while ((${#buf} < s * 40)); do buf+="$line"; done
                printf '%s' "${buf:0:$((s * 40))}" > "$dir/seed-$s"
            done
            cat hcx-core/data/sample-fleet.json > "$dir/seed-text"
            ;;
    esac
}

echo "==> cargo +nightly fuzz build (debug assertions on, so integer overflow is a crash)"
# `cargo fuzz build` takes one target at a time. A target that does not build is a failure, not a skip.
for t in "${targets[@]}"; do
    (cd fuzz && cargo +nightly fuzz build -O -a "$t" 2>&1 | tail -3)
done

failed=0
summary=()
for t in "${targets[@]}"; do
    seed "$t"
    mkdir -p "$work/artifacts/$t"
    log="$work/$t.log"
    echo "==> fuzz $t for ${secs}s"
    if (cd fuzz && cargo +nightly fuzz run -O -a "$t" "$corpus/$t" -- \
            -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=4096 -timeout=10 \
            -artifact_prefix="$work/artifacts/$t/") >"$log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed=1
        tail -40 "$log" >&2
    fi
    runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
    size=$(find "$corpus/$t" -type f | wc -l)
    summary+=("$(printf '%-10s %-6s runs %-10s exec/s %-7s corpus %s' "$t" "$status" "${runs:-?}" "${rate:-?}" "$size")")
done
echo "==> fuzz summary (${secs}s per target)"
printf '  %s\n' "${summary[@]}"
exit "$failed"
