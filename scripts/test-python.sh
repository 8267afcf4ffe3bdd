#!/usr/bin/env bash
# Builds the `hcx` Python distribution (one abi3 release wheel and an sdist), checks the wheel's contents,
# installs that wheel into a fresh venv and runs the whole Python suite against it: stubtest, mypy --strict
# and pytest. The tests import the installed wheel, never the source tree, so what is tested is what ships.
# Needs only Rust and Python 3.10+ with pip: pip fetches maturin, pytest and mypy into the venvs.
#
# Outputs: target/wheels/hcx-<version>-cp310-abi3-<platform>.whl and hcx-<version>.tar.gz.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
wheels="$root/target/wheels"
build_venv="$root/target/py-build-venv"
venv="$root/target/py-venv"

# The build tools live in a venv of their own, so the test venv holds only the wheel and the test tools.
if [[ ! -x "$build_venv/bin/maturin" ]]; then
    echo "==> build venv at $build_venv (maturin)"
    rm -rf "$build_venv"
    "$python" -m venv "$build_venv"
    "$build_venv/bin/python" -m pip install --quiet --upgrade pip
    "$build_venv/bin/python" -m pip install --quiet 'maturin>=1.9.4,<2'
fi
maturin="$build_venv/bin/maturin"

echo "==> maturin build --release (one abi3 wheel) and maturin sdist"
rm -rf "$wheels"
# The workspace target dir: the release profile does not touch the debug artifacts of `cargo test`.
# maturin checks the wheel against the manylinux policies and tags it with the oldest one it meets.
"$maturin" build --release --quiet --manifest-path hcx-py/Cargo.toml --out "$wheels"
"$maturin" sdist --manifest-path hcx-py/Cargo.toml --out "$wheels"
shopt -s nullglob
built=("$wheels"/hcx-*.whl)
sdists=("$wheels"/hcx-*.tar.gz)
shopt -u nullglob
if [[ ${#built[@]} -ne 1 || ${#sdists[@]} -ne 1 ]]; then
    echo "expected one wheel and one sdist in $wheels, found: $(ls "$wheels")" >&2
    exit 1
fi
wheel="${built[0]}"
echo "wheel: $(basename "$wheel")"
echo "sdist: $(basename "${sdists[0]}")"

echo "==> wheel contents"
"$python" "$root/hcx-py/scripts/check_wheel.py" "$wheel" "${sdists[0]}"

echo "==> fresh venv at $venv with the wheel installed"
rm -rf "$venv"
"$python" -m venv "$venv"
vpy="$venv/bin/python"
"$vpy" -m pip install --quiet --upgrade pip
"$vpy" -m pip install --quiet --no-index --no-deps "$wheel"
"$vpy" -m pip install --quiet pytest pytest-timeout mypy

echo "==> wheel size and import time"
"$vpy" "$root/hcx-py/scripts/measure.py" "$wheel"

echo "==> cargo build -p hcx-sim (the simulator the discovery tests run against)"
cargo build --quiet -p hcx-sim
export HCX_SIM_BIN="$root/target/debug/hcx-sim"
export HCX_REQUIRE_SIM=1
# Keep mypy's cache out of the source tree.
export MYPY_CACHE_DIR="$root/target/py-mypy-cache"

# Everything below runs outside the source tree (or with `python/` off sys.path) and must find the wheel.
echo "==> the installed package comes from the wheel"
(cd "$venv" && "$vpy" -c 'import hcx, sys; p = hcx.__file__; print(p); sys.exit(0 if "site-packages" in p else 1)')

# stubtest runs inside pytest (tests/test_stubs.py), against the installed wheel.
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
