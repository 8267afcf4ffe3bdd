"""Plan the bundled sample fleet and print the Markdown runbook.

    python examples/python/plan_sample.py

The sample is an on-premises HCX Connector paired with an Azure VMware Solution Cloud Manager; the target is
the release AVS validates. The date is fixed so the runbook is reproducible; drop it to judge support on today.
"""

from __future__ import annotations

import datetime

import hcx


def main() -> None:
    fleet = hcx.Fleet.sample()
    plan = hcx.plan(fleet, target="validated", date=datetime.date(2026, 11, 28))
    print(plan.to_markdown(), end="")


if __name__ == "__main__":
    main()
