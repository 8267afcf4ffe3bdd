#!/usr/bin/env bash
# The clock stage of scripts/test.sh: runs the tests that are already built once more with the system clock
# years ahead, so that a test, golden, example or doc that reads the wall clock fails here, not on the day the
# dates in its fixtures pass. Nothing is rebuilt: run it after `cargo test` (with the features below) and
# scripts/test-python.sh, whose venv it reuses.
#
#   2031-06-01 00:00:00 UTC        every Rust test binary of the workspace (with the C tests, the C example and
#                                  the UniFFI Python tests that hcx-ffi's binaries compile and run) and the
#                                  Python suite;
#   2030-03-31 01:59:30            the CLI tests (hcx-cli's test binaries and the Python CLI tests), 30 seconds
#   TZ=Europe/Amsterdam            before the clocks jump from 02:00 CET to 03:00 CEST.
#
# The clock ticks on from that moment and every process of a run shares it (the `faketime` wrapper's offset
# mode); the monotonic clock is not faked (FAKETIME_DONT_FAKE_MONOTONIC=1), so timeouts and `Instant` work.
# pytest is the exception: libfaketime 0.9.10 breaks Python's time.sleep in that mode (see below), so there the
# monotonic clock moves by the same constant offset and still ticks at the real rate.
# Skipped here, by name: the fault soak (the whole `client_soak` binary) and the random-SIGKILL test of
# `apply_kill`; they take minutes and the normal `cargo test` stage runs them.
#
# Usage: scripts/test-faketime.sh [far-future] [dst-night]   (both when none is named)
# Needs Debian's `faketime` package; installed with apt-get when missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
self="$root/scripts/$(basename "${BASH_SOURCE[0]}")"
cd "$root"

features="hcx-core/client,hcx-core/remote-catalog"
venv="$root/target/py-venv"
skip_targets=(client_soak)
skip_tests=(sigkill_at_random_moments_never_sends_an_upgrade_twice)

# Inside faketime: runs the listed test binaries (all, or hcx-cli's for `cli`) and the Python tests.
if [[ ${1:-} == --inner ]]; then
    scope="$2" list="$3" expect="$4"
    clock() { echo "clock: $(date '+%F %T %Z') = $(date -u '+%F %T') UTC"; }
    clock
    if [[ $(date -u +%F) != "$expect"* ]]; then
        echo "faketime did not move the clock to $expect: $(date -u '+%F %T')" >&2
        exit 1
    fi
    skips=()
    for t in "${skip_tests[@]}"; do skips+=(--skip "$t"); done
    failed=()
    while IFS=$'\t' read -r dir target exe <&3; do
        [[ $scope == cli && $dir != hcx-cli ]] && continue
        if [[ " ${skip_targets[*]} " == *" $target "* ]]; then
            echo "--> skip $dir $target (a soak of minutes; the cargo test stage runs it)"
            continue
        fi
        echo "--> $dir: ${exe#"$root"/} ${skips[*]}"
        # As `cargo test` runs it: from the package's directory, with its manifest dir and the build's libraries.
        (cd "$root/$dir" && CARGO_MANIFEST_DIR="$root/$dir" \
            LD_LIBRARY_PATH="$root/target/debug/deps:$root/target/debug${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
            "$exe" -q "${skips[@]}" </dev/null) || failed+=("$dir/$target")
    done 3<"$list"
    python_tests=(tests)
    [[ $scope == cli ]] && python_tests=(tests/test_cli.py tests/test_identity.py)
    # libfaketime 0.9.10 (Debian 12) shifts the absolute deadline of clock_nanosleep as if the monotonic clock
    # were faked, so with FAKETIME_DONT_FAKE_MONOTONIC=1 Python's time.sleep (and subprocess's waits) fail with
    # EINVAL. pytest therefore runs with the monotonic clock moved by the same constant offset: it still ticks
    # at the real rate, so timeouts stay right.
    echo "--> hcx-py: pytest ${python_tests[*]} (in $venv; FAKETIME_DONT_FAKE_MONOTONIC=0, see above)"
    (cd hcx-py && FAKETIME_DONT_FAKE_MONOTONIC=0 "$venv/bin/python" -m pytest -p no:cacheprovider -q \
        "${python_tests[@]}") || failed+=("pytest")
    clock
    if [[ ${#failed[@]} -gt 0 ]]; then
        echo "failed under faketime at $expect: ${failed[*]}" >&2
        exit 1
    fi
    exit 0
fi

runs=("$@")
[[ ${#runs[@]} -gt 0 ]] || runs=(far-future dst-night)

if ! command -v faketime >/dev/null; then
    echo "==> installing faketime (apt-get)"
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends faketime
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "no Python venv at $venv: run scripts/test-python.sh first" >&2
    exit 1
fi

echo "==> the test binaries of: cargo test --workspace --exclude hcx-py --features $features --no-run"
work="$root/target/faketime"
mkdir -p "$work"
list="$work/tests.tsv"
cargo test --workspace --exclude hcx-py --features "$features" --no-run --quiet --message-format=json |
    python3 -c '
import json, os, sys
root, stale = sys.argv[1], []
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["profile"]["test"] and m.get("executable"):
        package = os.path.relpath(os.path.dirname(m["manifest_path"]), root)
        print(package, m["target"]["name"], m["executable"], sep="\t")
        if not m["fresh"]:
            stale.append(m["target"]["name"])
if stale:
    print("note: cargo had to build these first (the build was older than the sources):", *stale, file=sys.stderr)
' "$root" >"$list"
echo "$(wc -l <"$list") test binaries"

# What the tests need, as scripts/test-python.sh and scripts/test.sh set it up.
export HCX_SIM_BIN="$root/target/debug/hcx-sim" HCX_CLI_BIN="$root/target/debug/hcx" HCX_REQUIRE_SIM=1
export MYPY_CACHE_DIR="$root/target/py-mypy-cache"
# libfaketime is preloaded ahead of the ASan runtime of the C tests; tell ASan that is fine.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export FAKETIME_DONT_FAKE_MONOTONIC=1
# man-db runs its formatters in a seccomp sandbox that refuses the shared-memory semaphore libfaketime opens
# (the formatters then exit 127); the man page tests need them to run.
export MAN_DISABLE_SECCOMP=1

status=0
for run in "${runs[@]}"; do
    case "$run" in
        far-future) tz=UTC when="2031-06-01 00:00:00" scope=all ;;
        dst-night) tz=Europe/Amsterdam when="2030-03-31 01:59:30" scope=cli ;;
        *) echo "unknown run $run: far-future or dst-night" >&2; exit 2 ;;
    esac
    echo "==> faketime '$when' (TZ=$tz): the $scope tests"
    TZ="$tz" faketime -m "$when" "$self" --inner "$scope" "$list" "$(TZ="$tz" date -u -d "$when" +%F)" || status=1
done
exit "$status"
