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

import datetime as _datetime

# The native module's `__all__` lists every public name once; the package adds `catalog_as_of`.
from hcx._hcx import *  # noqa: F403
from hcx._hcx import Catalog, __version__


def catalog_as_of() -> _datetime.date:
    """The date the bundled catalog was last checked against its sources (`Catalog.bundled().as_of`)."""
    return Catalog.bundled().as_of

