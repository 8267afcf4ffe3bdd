#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (core, CLI, simulator, client, C ABI with its C tests and
# the UniFFI-generated Python bindings), the examples, lints and docs, and the Python package in a fresh venv;
# then the built tests once more under faketime, with the clock years ahead (scripts/test-faketime.sh).
# Needs Rust, a C compiler and Python 3.10+ with pip; everything else is installed by the steps below.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A one-off build: incremental caches would only double what the build leaves on disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n==> %s\n' "$*"; }

step "tools: pkg-config, man, nm/readelf, faketime (apt-get only for what is missing)"
missing=()
command -v faketime >/dev/null || missing+=(faketime)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v man >/dev/null || missing+=(man-db)
command -v nm >/dev/null && command -v readelf >/dev/null || missing+=(binutils)
if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The shell tests (completions sourced in bash, `man -l`) must run, not skip.
export HCX_REQUIRE_TOOLS=1

step "C package: scripts/install-c.sh into a temporary PREFIX"
c_prefix="$(mktemp -d "${TMPDIR:-/tmp}/hcx-c-prefix.XXXXXX")"
trap 'rm -rf "$c_prefix"' EXIT
./scripts/install-c.sh "$c_prefix"
# tests/c_abi.rs builds the C tests and examples/c/plan.c through `pkg-config --cflags --libs hcx` against it
# and checks the exported symbols (`nm -D`: only hcx_*) and the soname.
export HCX_C_PREFIX="$c_prefix" HCX_REQUIRE_C_PREFIX=1

# Includes the hostile-server suite (client_hostile) and the 20-discovery fault soak (client_soak;
# scripts/soak.sh runs 200).
step "cargo test: Rust, C ABI and UniFFI tests"
cargo test --workspace --exclude hcx-py --features hcx-core/client,hcx-core/remote-catalog

step "examples"
cargo run --quiet -p hcx-examples --example plan_fleet >/dev/null
cargo run --quiet -p hcx-examples --example plan_fleet -- examples/fleets/multi-site.json 4.11.4 >/dev/null
cargo run --quiet -p hcx-examples --example rehearse >/dev/null
cargo run --quiet -p hcx-cli -- plan >/dev/null

step "hcx-core alone: no features, then each feature of hcx-core/Cargo.toml on its own (cargo check)"
# Read from the manifest so a feature added later is covered without editing this list.
core_features="$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
meta = json.load(sys.stdin)
core = next(p for p in meta["packages"] if p["name"] == "hcx-core")
print("\n".join(sorted(f for f in core["features"] if f != "default")))
')"
cargo check --quiet -p hcx-core --no-default-features
for feature in $core_features; do
    echo "hcx-core --features $feature"
    cargo check --quiet -p hcx-core --no-default-features --features "$feature"
done

step "benches compile (scripts/bench.sh runs them)"
# In the test profile, reusing the build above: the benches' code is the same in the bench profile.
cargo test --workspace --exclude hcx-py --benches --no-run --quiet --features hcx-core/client,hcx-core/remote-catalog

step "formatting"
cargo fmt --all --check

step "clippy (warnings are errors)"
cargo clippy --workspace --exclude hcx-py --all-targets --features hcx-core/client,hcx-core/remote-catalog -- -D warnings
cargo clippy -p hcx-py --all-targets -- -D warnings
# hcx-ffi as the C library builds it: without the `uniffi` feature.
cargo clippy -p hcx-c -- -D warnings

step "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --exclude hcx-py --no-deps --features hcx-core/client,hcx-core/remote-catalog --quiet

step "crate packages: cargo package --list -p hcx-core holds only the library, its data and the README"
"$root/scripts/check-package.sh"

step "HTML reports in headless chromium"
"$root/scripts/test-html.sh"

step "fuzz smoke: every cargo-fuzz target for 15 s (skipped, loudly, without nightly Rust)"
"$root/scripts/fuzz.sh" --smoke

step "python package"
"$root/scripts/test-python.sh"

# target/debug/hcx-sim was built by the cargo test step (hcx-sim's integration tests need the binary).
step "conformance: public HCX clients (terraform-provider-hcx, hcx.py, PowerShell ports) against hcx-sim"
"$root/scripts/test-conformance.sh"

step "faketime: the built Rust, C and Python tests at 2031-06-01, the CLI tests on a DST-change night (no rebuild)"
"$root/scripts/test-faketime.sh"
