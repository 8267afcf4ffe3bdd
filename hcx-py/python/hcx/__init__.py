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

import asyncio as _asyncio
import datetime as _datetime
import functools as _functools
from collections.abc import Awaitable as _Awaitable
from collections.abc import Callable as _Callable
from typing import ParamSpec as _ParamSpec
from typing import TypeVar as _TypeVar

# The native module's `__all__` lists every public name once; the package adds `catalog_as_of` and
# `discover_async`.
from hcx._hcx import *  # noqa: F403
from hcx._hcx import Catalog, discover
from hcx._hcx import __version__ as __version__

_P = _ParamSpec("_P")
_R = _TypeVar("_R")


def _on_executor(f: _Callable[_P, _R]) -> _Callable[_P, _Awaitable[_R]]:
    """`f` as an awaitable: it runs on the running loop's default executor (the GIL is released inside)."""

    @_functools.wraps(f)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _Awaitable[_R]:
        loop = _asyncio.get_running_loop()
        return loop.run_in_executor(None, _functools.partial(f, *args, **kwargs))

    return run


#: As `discover`, but awaitable from a running asyncio event loop (same arguments).
discover_async = _on_executor(discover)


def catalog_as_of() -> _datetime.date:
    """The date the bundled catalog was last checked against its sources (`Catalog.bundled().as_of`)."""
    return Catalog.bundled().as_of

