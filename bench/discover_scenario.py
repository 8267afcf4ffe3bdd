"""Writes an `hcx-sim/v1` scenario for the discovery benchmark: PAIRS on-premises Connectors, each paired
with its own AVS Cloud (one service mesh with an IX and an NE, one extension; a migration on every tenth
pair), every manager answering after LATENCY_MS. The same shape as `hcx-sim --generate PAIRS`, plus latency.

Usage: python3 bench/discover_scenario.py PAIRS LATENCY_MS > scenario.json
"""

import json
import sys


def scenario(pairs, latency_ms):
    sites, site_pairs, meshes, extensions, migrations = [], [], [], [], []
    for i in range(pairs):
        c, d = f"conn-{i:04}", f"avs-{i:04}"
        sites.append({"id": c, "role": "connector", "platform": "on-prem", "version": "4.10.2"})
        sites.append({"id": d, "role": "cloud", "platform": "avs", "version": "4.10.3"})
        site_pairs.append({"source": c, "destination": d})
        mesh = f"servicemesh-gen-{i:04}"
        meshes.append({
            "id": mesh, "source": c, "destination": d, "services": ["interconnect", "network-extension"],
            "appliances": [{"id": f"{mesh}-ix", "kind": "IX", "version": "4.10.2"},
                           {"id": f"{mesh}-ne", "kind": "NE", "version": "4.10.2"}],
        })
        extensions.append({"network": f"vlan-{i}", "appliance": f"{mesh}-ne", "binding": "static"})
        if i % 10 == 0:
            migrations.append({"id": f"migration-gen-{i:04}", "state": "in_progress", "site": c})
    fleet = {"schema": "hcx-fleet/v1", "sites": sites, "pairs": site_pairs, "meshes": meshes,
             "extensions": extensions, "migrations": migrations, "replications": []}
    return {"schema": "hcx-sim/v1", "fleet": fleet, "defaults": {"latency_ms": latency_ms}}


def main():
    pairs, latency_ms = int(sys.argv[1]), int(sys.argv[2])
    json.dump(scenario(pairs, latency_ms), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
