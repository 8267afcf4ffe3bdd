#!/usr/bin/env bash
# Checks that `cargo package --list -p hcx-core` holds only the library sources, the bundled data and the
# package's own metadata: no tests, fixtures, golden files, benches or scratch files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

allowed='^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|src/.+\.rs|data/catalog\.json|data/sample-fleet\.json)$'
list="$(cargo package --list --allow-dirty --quiet -p hcx-core)"
unexpected="$(grep -Ev "$allowed" <<<"$list" || true)"
if [[ -n "$unexpected" ]]; then
    printf 'cargo package -p hcx-core would ship files it should not:\n%s\n' "$unexpected" >&2
    exit 1
fi
for needed in src/lib.rs data/catalog.json data/sample-fleet.json README.md; do
    grep -qx "$needed" <<<"$list" || { echo "cargo package -p hcx-core lacks $needed" >&2; exit 1; }
done
echo "hcx-core package: $(wc -l <<<"$list") files, all library sources, data or metadata"
