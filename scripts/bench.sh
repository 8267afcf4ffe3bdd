#!/usr/bin/env bash
# The benchmark suite: runs every benchmark piece and writes bench/results.md (the machine, the targets, then
# one Markdown section per piece). Not part of the test command, which only compiles the benches.
#   scripts/bench.sh [--quick] [--out FILE]
# --quick: a fast pass (criterion's --quick, smaller fleets where a piece supports it) to check that every
# piece runs; its figures are rough. Quote figures only from a full run on an idle machine.
# Pieces that are not in the tree are skipped with a line saying so; a piece that fails is reported in its
# section and makes the script exit 1 once every other piece has run. bench/README.md explains each figure.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

quick=0
out="$root/bench/results.md"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1 ;;
        --out) out="${2:?--out takes a file}"; shift ;;
        -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
# Every piece reads this; a piece whose script takes --quick gets that too.
export HCX_BENCH_QUICK="$quick"

work="$(mktemp -d "${TMPDIR:-/tmp}/hcx-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
target_dir="$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
failed=()

log() { printf '==> %s\n' "$*" >&2; }

machine_header() {
    local cpu cores os kernel rustc commit mode
    cpu="$(grep -m1 -E '^(model name|Hardware|cpu model)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
    [[ -n "$cpu" ]] || cpu="$(uname -m) (no model name in /proc/cpuinfo)"
    cores="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
    os="$( (. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}") || true)"
    kernel="$(uname -sr)"
    rustc="$(rustc --version)"
    commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    mode="full"
    [[ $quick -eq 1 ]] && mode="quick (--quick: rough figures, not for quoting)"
    cat <<EOF
# Benchmark results

Written by \`scripts/bench.sh\`; \`bench/README.md\` says what each figure means and how it is measured.

| | |
|---|---|
| date | $(date -u +%Y-%m-%dT%H:%MZ) |
| CPU | ${cpu} |
| cores | ${cores} |
| OS | ${os:-unknown} (${kernel}) |
| rustc | ${rustc} |
| commit | ${commit} |
| load average at start | $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) |
| mode | ${mode} |

## Targets

| what | target | section |
|---|---|---|
| plan 10,000 site pairs, without and with maintenance windows | < 50 ms each | Planning |
| peak memory while planning | < 10 KB per pair | Planning |
| discovery of 64 and of 200 managers at 50 ms latency | ≤ 1.5 × the latency floor | Discovery |
| discovery against the sequential Python script | ≥ 100 × faster | Discovery |
| Python package against the Rust core (load, plan, render) | ≤ 1.3 × the Rust time | Python |
| HTML and Markdown report of a 100-pair plan | well under 1 s | Rendering |
| executor overhead per step (journal commits, drift read) | reported, no target | Executor overhead |

EOF
}

# Runs one piece: its stdout (a Markdown section) goes into the results; its stderr to a log whose tail is
# shown when it fails.
run_piece() {
    local title="$1" script="$2"
    shift 2
    local section="$work/section-$((${#sections[@]} + 1)).md" logfile="$work/log-$((${#sections[@]} + 1)).txt"
    sections+=("$section")
    if [[ ! -e "$root/$script" ]]; then
        log "$title: skipped ($script is not in this tree)"
        printf '## %s\n\n_Skipped: `%s` is not in this tree yet._\n\n' "$title" "$script" >"$section"
        return
    fi
    local args=()
    [[ $quick -eq 1 ]] && grep -q -- '--quick' "$root/$script" && args+=(--quick)
    log "$title: $script ${args[*]:-}"
    if "$@" "$root/$script" "${args[@]}" >"$section.body" 2>"$logfile"; then
        cat "$section.body" >"$section"
        printf '\n' >>"$section"
    else
        local rc=$?
        failed+=("$title")
        {
            printf '## %s\n\n_Failed: `%s` exited with %s. The end of its log:_\n\n```text\n' "$title" "$script" "$rc"
            tail -n 20 "$logfile"
            printf '```\n\n'
        } >"$section"
        log "$title: FAILED (exit $rc); log tail:"
        tail -n 20 "$logfile" >&2
    fi
}

# Markdown table of the criterion results of GROUP written since the stamp file was made.
criterion_table() {
    python3 - "$target_dir/criterion" "$1" "$work/stamp" <<'PY'
import json, os, sys
from pathlib import Path

root, group, stamp = Path(sys.argv[1]), sys.argv[2], os.path.getmtime(sys.argv[3])

def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"

rows = []
for bench in root.glob("**/new/benchmark.json"):
    if bench.stat().st_mtime < stamp:
        continue
    meta = json.loads(bench.read_text())
    if meta.get("group_id") != group:
        continue
    est = json.loads((bench.parent / "estimates.json").read_text())
    mean, ci = est["mean"]["point_estimate"], est["mean"]["confidence_interval"]
    elements = (meta.get("throughput") or {}).get("Elements")
    value = meta.get("value_str") or ""
    per = human(mean / elements) if elements else ""
    rows.append((meta.get("function_id") or "", int(value) if value.isdigit() else value, mean, ci, per))
if not rows:
    sys.exit(f"no criterion results for group {group!r} under {root}")
rows.sort(key=lambda r: (r[0], str(type(r[1])), r[1]))
print("| benchmark | size | mean | 95 % interval | per element |")
print("|---|---:|---:|---:|---:|")
for function, value, mean, ci, per in rows:
    size = f"{value:,}" if isinstance(value, int) else value
    interval = f"{human(ci['lower_bound'])} – {human(ci['upper_bound'])}"
    print(f"| {function} | {size} | {human(mean)} | {interval} | {per} |")
PY
}

# A criterion bench of this workspace as a Markdown section (the bench files are part of the tree, so a
# missing one is a failure, not a skip).
criterion_section() {
    local title="$1" package="$2" bench="$3" group="$4" note="$5"
    local section="$work/section-$((${#sections[@]} + 1)).md" logfile="$work/log-$((${#sections[@]} + 1)).txt"
    sections+=("$section")
    local args=()
    [[ $quick -eq 1 ]] && args+=(--quick)
    log "$title: cargo bench -p $package --bench $bench ${args[*]:-}"
    touch "$work/stamp"
    if cargo bench --quiet -p "$package" --bench "$bench" -- "${args[@]}" >"$logfile" 2>&1 \
        && criterion_table "$group" >"$section.table" 2>>"$logfile"; then
        printf '## %s\n\n%s\n\n' "$title" "$note" >"$section"
        cat "$section.table" >>"$section"
        printf '\n' >>"$section"
    else
        local rc=$?
        failed+=("$title")
        {
            printf '## %s\n\n_Failed: `cargo bench -p %s --bench %s` exited with %s. The end of its log:_\n\n```text\n' \
                "$title" "$package" "$bench" "$rc"
            tail -n 20 "$logfile"
            printf '```\n\n'
        } >"$section"
        log "$title: FAILED; log tail:"
        tail -n 20 "$logfile" >&2
    fi
}

sections=()
machine_header >"$work/header.md"

run_piece "Planning" scripts/bench-plan.sh bash
run_piece "Discovery" scripts/bench-discover.sh bash
run_piece "Python" scripts/bench-python.py python3
criterion_section "Rendering" hcx-core report report \
    "\`cargo bench -p hcx-core --bench report\`: the HTML report (with the fleet's topology) and the Markdown form (with its Mermaid blocks) of a plan of N synthetic site pairs; per element = per pair."
criterion_section "Executor overhead" hcx-apply overhead "executor overhead per step" \
    "\`cargo bench -p hcx-apply --bench overhead\`: what the executor adds per step against hcx-sim in process at 0 ms latency: the four fsync'd journal commits of a mutating step, and the drift read of a mesh step."

mkdir -p "$(dirname "$out")"
# One final newline (command substitution drops the trailing blank lines).
printf '%s\n' "$(cat "$work/header.md" "${sections[@]}")" >"$out"
log "wrote ${out#"$root"/}"
if [[ ${#failed[@]} -gt 0 ]]; then
    log "failed: ${failed[*]}"
    exit 1
fi
