"""Plan and carry out VMware HCX upgrades.

Quick start::

    import hcx
    plan = hcx.plan(hcx.Fleet.load("fleet.json"), target="validated")
    print(plan.to_markdown())

Versions (`Version`), the interoperability catalog (`Catalog`, `path`), the fleet inventory (`Fleet`),
the rule checks (`check`), upgrade plans (`plan`) and discovery from the HCX Managers (`discover`,
`discover_async`). Every error is an `HcxError`. `__version__` is the package version and
`catalog_as_of()` the date of the bundled catalog.
"""

import datetime

from hcx._hcx import (
    Appliance,
    AuthError,
    Catalog,
    ConnectionError,
    Discovery,
    Estimate,
    Finding,
    Fleet,
    HcxError,
    Hop,
    Impact,
    InvalidArgument,
    InvalidCatalog,
    InvalidFleet,
    InvalidVersion,
    MaintenanceWindow,
    NetworkExtension,
    Pairing,
    Plan,
    PlanError,
    Release,
    Rollback,
    Rule,
    Schedule,
    ServiceMesh,
    Site,
    SiteFailure,
    SitePair,
    Slot,
    Step,
    Summary,
    SupportStatus,
    TimeoutError,
    Transfer,
    Unfitted,
    UnsupportedPath,
    UpgradePath,
    Version,
    check,
    discover,
    discover_async,
    explain,
    path,
    plan,
    rules,
    __version__,
)

__all__ = [
    "Appliance",
    "AuthError",
    "Catalog",
    "ConnectionError",
    "Discovery",
    "Estimate",
    "Finding",
    "Fleet",
    "HcxError",
    "Hop",
    "Impact",
    "InvalidArgument",
    "InvalidCatalog",
    "InvalidFleet",
    "InvalidVersion",
    "MaintenanceWindow",
    "NetworkExtension",
    "Pairing",
    "Plan",
    "PlanError",
    "Release",
    "Rollback",
    "Rule",
    "Schedule",
    "ServiceMesh",
    "Site",
    "SiteFailure",
    "SitePair",
    "Slot",
    "Step",
    "Summary",
    "SupportStatus",
    "TimeoutError",
    "Transfer",
    "Unfitted",
    "UnsupportedPath",
    "UpgradePath",
    "Version",
    "check",
    "discover",
    "discover_async",
    "explain",
    "path",
    "plan",
    "rules",
    "__version__",
    "catalog_as_of",
]


def catalog_as_of() -> datetime.date:
    """The date the bundled catalog was last checked against its sources (`Catalog.bundled().as_of`)."""
    return Catalog.bundled().as_of

