#!/usr/bin/env bash
# Checks that `cargo package --list -p hcx-core` holds only the library sources (with the report templates and
# askama.toml, which the build reads), the bundled data, the shipped JSON Schemas and the package's own metadata: no tests, fixtures,
# golden files, benches or scratch files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

allowed='^(Cargo\.toml|Cargo\.toml\.orig|Cargo\.lock|\.cargo_vcs_info\.json|README\.md|askama\.toml|src/.+\.rs|src/.+/templates/[^/]+\.html|data/catalog\.json|data/sample-fleet\.json|schema/hcx-[a-z0-9-]+\.schema\.json)$'
list="$(cargo package --list --allow-dirty --quiet -p hcx-core)"
unexpected="$(grep -Ev "$allowed" <<<"$list" || true)"
if [[ -n "$unexpected" ]]; then
    printf 'cargo package -p hcx-core would ship files it should not:\n%s\n' "$unexpected" >&2
    exit 1
fi
for needed in src/lib.rs data/catalog.json data/sample-fleet.json README.md askama.toml schema/hcx-plan-v2.schema.json; do
    grep -qx "$needed" <<<"$list" || { echo "cargo package -p hcx-core lacks $needed" >&2; exit 1; }
done
echo "hcx-core package: $(wc -l <<<"$list") files, all library sources, data or metadata"
