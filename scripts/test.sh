#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (core, CLI, simulator, client, C ABI with its C tests and
# the UniFFI-generated Python bindings), the examples, lints and docs, and the Python package in a fresh venv.
# Needs Rust, a C compiler and Python 3.10+ with pip; everything else is installed by the steps below.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

# Includes the hostile-server suite (client_hostile) and the 20-discovery fault soak (client_soak;
# scripts/soak.sh runs 200).
step "cargo test: Rust, C ABI and UniFFI tests"
cargo test --workspace --exclude hcx-py --features hcx-core/client,hcx-core/remote-catalog

step "examples"
cargo run --quiet -p hcx-examples --example plan_fleet >/dev/null
cargo run --quiet -p hcx-examples --example plan_fleet -- examples/fleets/multi-site.json 4.11.4 >/dev/null
cargo run --quiet -p hcx-examples --example rehearse >/dev/null
cargo run --quiet -p hcx-cli -- plan >/dev/null

step "formatting"
cargo fmt --all --check

step "clippy (warnings are errors)"
cargo clippy --workspace --exclude hcx-py --all-targets --features hcx-core/client,hcx-core/remote-catalog -- -D warnings
cargo clippy -p hcx-py --all-targets -- -D warnings

step "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --exclude hcx-py --no-deps --features hcx-core/client,hcx-core/remote-catalog --quiet

step "fuzz smoke: every cargo-fuzz target for 15 s (skipped, loudly, without nightly Rust)"
"$root/scripts/fuzz.sh" --smoke

step "python package"
"$root/scripts/test-python.sh"
