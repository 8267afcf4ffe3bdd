"""Discover a fleet from its HCX Managers with asyncio, then print the upgrade plan as text.

    cargo run -p hcx-sim -- --scenario hcx-sim/scenarios/avs-pair.json --write-endpoints endpoints.json
    HCX_PASSWORD=hcx-sim-password python examples/python/discover_sim.py endpoints.json

Passwords come from HCX_PASSWORD_<SITE> or HCX_PASSWORD, as for `hcx discover`. Exits 1 when the plan has
blockers, like `hcx plan`.
"""

from __future__ import annotations

import asyncio
import datetime
import sys

import hcx


async def discover(endpoints: str) -> hcx.Discovery:
    # The awaitable form: other asyncio work keeps running while the managers are read.
    return await hcx.discover_async(endpoints, max_attempts=2)


def main() -> int:
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} ENDPOINTS.json", file=sys.stderr)
        return 2
    found = asyncio.run(discover(sys.argv[1]))
    for site, version in found.versions:
        print(f"discovered {site}: HCX {version}")
    for warning in found.warnings:
        print(f"note: {warning}")
    plan = hcx.plan(found.fleet, target="4.11.4", date=datetime.date(2026, 11, 28))
    print(plan.to_text(), end="")
    return 1 if plan.has_blockers else 0


if __name__ == "__main__":
    sys.exit(main())
