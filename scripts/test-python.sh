#!/usr/bin/env bash
# Builds and installs the `hcx` Python package into a fresh venv, checks the stubs against the runtime
# (mypy.stubtest) and runs the pytest suite. Needs only Rust and Python 3.10+ with pip: pip fetches maturin.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
venv="$root/target/py-venv"
# A target dir of its own, so the pip build does not fight other cargo builds over locks or features.
export CARGO_TARGET_DIR="${HCX_PY_TARGET_DIR:-$root/target/py-build}"

echo "==> fresh venv at $venv"
rm -rf "$venv"
"$python" -m venv "$venv"
vpy="$venv/bin/python"
"$vpy" -m pip install --quiet --upgrade pip

echo "==> pip install ./hcx-py (maturin build backend, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
"$vpy" -m pip install --quiet ./hcx-py
"$vpy" -m pip install --quiet pytest pytest-timeout mypy

echo "==> cargo build -p hcx-sim (the simulator the discovery tests run against)"
cargo build --quiet -p hcx-sim
export HCX_SIM_BIN="$CARGO_TARGET_DIR/debug/hcx-sim"
echo "==> cargo build -p hcx-cli (the CLI whose plan bytes Python must match)"
cargo build --quiet -p hcx-cli
export HCX_CLI_BIN="$CARGO_TARGET_DIR/debug/hcx"
export HCX_REQUIRE_SIM=1
# Keep mypy's cache out of the source tree.
export MYPY_CACHE_DIR="$root/target/py-mypy-cache"

echo "==> stubtest"
# stubtest ignores MYPY_CACHE_DIR; a config file with an absolute cache_dir keeps .mypy_cache out of the tree.
printf '[mypy]\ncache_dir = %s\n' "$MYPY_CACHE_DIR" > "$root/target/py-stubtest.ini"
"$vpy" -m mypy.stubtest hcx --allowlist hcx-py/stubtest-allowlist.txt --mypy-config-file target/py-stubtest.ini

echo "==> mypy --strict (package, tests, examples)"
(cd hcx-py && "$vpy" -m mypy)

echo "==> pytest"
# Run from the crate dir so pyproject.toml's [tool.pytest.ini_options] (filterwarnings = error, ...) applies.
# The tests import the installed package, never the source tree: `python/` is not on sys.path.
status=0
(cd hcx-py && "$vpy" -m pytest -p no:cacheprovider tests) || status=$?
if [[ $status -eq 5 ]]; then
    echo "pytest collected no tests: failing" >&2
fi
exit "$status"
