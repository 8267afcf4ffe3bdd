#!/usr/bin/env bash
# Renders the HTML report of every example fleet (examples/fleets/*.json and the bundled sample, plus the sample
# with a site named `<script>alert(1)</script>`) and opens each in headless Chromium over the DevTools protocol:
# no console error, no network request, an SVG element for every site, step and network, and a screenshot in
# target/html-report/. Installs Debian's chromium (apt) and the `websockets` package (PyPI, in a venv) if missing.
#
#   scripts/test-html.sh                 check every report
#   scripts/test-html.sh --update-docs   also regenerate docs/plan-report.png (the README's screenshot)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/target/html-report"
docs=()
if [[ "${1:-}" == "--update-docs" ]]; then
    docs=(--docs "$root/docs/plan-report.png")
fi

if ! command -v chromium >/dev/null 2>&1; then
    echo "test-html: installing chromium from the distribution's packages"
    sudo_=""
    if [[ "$(id -u)" != 0 ]]; then sudo_="sudo"; fi
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi

venv="$root/target/html-venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import websockets" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "websockets>=13"
fi

cargo build --quiet -p hcx-cli
hcx="$root/target/debug/hcx"
rm -rf "$out"
mkdir -p "$out"

# One fixed date, so the reports are the same on every run.
render() { # name fleet-file
    local name="$1" fleet="$2" code=0
    cp "$fleet" "$out/$name.fleet.json"
    "$hcx" plan --fleet "$fleet" --date 2026-11-28 --format json >"$out/$name.plan.json" 2>/dev/null || code=$?
    "$hcx" plan --fleet "$fleet" --date 2026-11-28 --format html >"$out/$name.html" 2>/dev/null || code=$?
    # 1 means blockers were found: the report is still made (and must show them).
    if (( code > 1 )); then echo "test-html: hcx plan failed for $fleet (exit $code)" >&2; exit 1; fi
}

render sample hcx-core/data/sample-fleet.json
for f in examples/fleets/*.json; do
    render "$(basename "$f" .json)" "$f"
done
"$venv/bin/python" - "$out/hostile.fleet.src.json" <<'PY'
import json, sys
fleet = json.load(open("hcx-core/data/sample-fleet.json"))
def rename(v, old, new):
    if isinstance(v, str): return new if v == old else v
    if isinstance(v, list): return [rename(x, old, new) for x in v]
    if isinstance(v, dict): return {k: rename(x, old, new) for k, x in v.items()}
    return v
fleet = rename(fleet, "dc1", "<script>alert(1)</script>")
fleet = rename(fleet, "web-vlan10", "web<img src=x onerror=alert(2)>")
json.dump(fleet, open(sys.argv[1], "w"), indent=1)
PY
render hostile "$out/hostile.fleet.src.json"

pages=("$out/sample.html")
for f in "$out"/*.html; do [[ "$f" == "$out/sample.html" ]] || pages+=("$f"); done
echo "test-html: opening ${#pages[@]} reports in headless chromium"
"$venv/bin/python" scripts/html_check.py "${docs[@]}" --expect-text 'hostile=<script>alert(1)</script>' "${pages[@]}"
