"""Plan and carry out VMware HCX upgrades.

Quick start::

    import hcx
    plan = hcx.plan(hcx.Fleet.load("fleet.json"), target="validated")
    print(plan.to_markdown())

Versions (`Version`), the interoperability catalog (`Catalog`, `path`), the fleet inventory (`Fleet`),
the rule checks (`check`), upgrade plans (`plan`) and discovery from the HCX Managers (`discover`,
`discover_async`). Every error is an `HcxError` with a stable `code` (`hcx.errors`). The closed sets of names
(severities, phases, platforms, ...) are `Literal` aliases (`hcx.Severity`, `hcx.Phase`, ...; `hcx.literals`).
`__version__` is the package version and `catalog_as_of()` the date of the bundled catalog.

`hcx.ConnectionError` and `hcx.TimeoutError` are not in `__all__`: `from hcx import *` leaves the builtins of
those names alone.
"""

import asyncio as _asyncio
import concurrent.futures as _futures
import contextlib as _contextlib
import datetime as _datetime
import functools as _functools
import inspect as _inspect
from collections.abc import AsyncIterator as _AsyncIterator
from collections.abc import Awaitable as _Awaitable
from collections.abc import Callable as _Callable
from typing import Any as _Any
from typing import ParamSpec as _ParamSpec
from typing import TypeVar as _TypeVar

# The native module's `__all__` lists every public name once; the package adds the `Literal` aliases,
# `catalog_as_of` and `discover_async`.
from hcx import errors as errors
from hcx import literals as literals
from hcx._hcx import *  # noqa: F403
from hcx._hcx import ApplyResult, Catalog, Plan, apply, discover
from hcx._hcx import ConnectionError as ConnectionError
from hcx._hcx import TimeoutError as TimeoutError
from hcx._hcx import __version__ as __version__
from hcx.events import Event as _Event
from hcx.literals import *  # noqa: F403

# What `from hcx import *` binds: every public name but `ConnectionError` and `TimeoutError`, which would shadow
# the builtins (they stay `hcx.ConnectionError`, `hcx.errors.TimeoutError`, ...). A test keeps it complete.
__all__ = [
    "ActionType",
    "Appliance",
    "ApplianceKind",
    "ApplyError",
    "ApplyResult",
    "AuthError",
    "Catalog",
    "Confidence",
    "Discovery",
    "Estimate",
    "Finding",
    "Fleet",
    "HcxError",
    "Hop",
    "Impact",
    "InputOptions",
    "InvalidArgument",
    "InvalidCatalog",
    "InvalidFleet",
    "InvalidVersion",
    "MaintenanceWindow",
    "MeshService",
    "NeMode",
    "NetworkExtension",
    "Owner",
    "Pairing",
    "PairingVerdict",
    "Phase",
    "Plan",
    "PlanError",
    "PlanInputs",
    "Platform",
    "PortBinding",
    "PrecheckName",
    "Record",
    "Release",
    "Role",
    "Rollback",
    "Rule",
    "Schedule",
    "ServiceMesh",
    "Severity",
    "Site",
    "SiteFailure",
    "SitePair",
    "Slot",
    "SnapshotMethod",
    "StateView",
    "Step",
    "StepAction",
    "StepKind",
    "Summary",
    "SupportState",
    "SupportStatus",
    "Transfer",
    "TransferState",
    "Unfitted",
    "UnsupportedPath",
    "UpgradePath",
    "Version",
    "WeeklyWindow",
    "Weekday",
    "apply",
    "apply_async",
    "apply_events",
    "catalog_as_of",
    "check",
    "default_concurrency",
    "discover",
    "discover_async",
    "explain",
    "path",
    "plan",
    "rules",
]

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


async def apply_async(plan: Plan, endpoints: _Any, passwords: _Any = None, *,
                      on_event: _Callable[[_Event], object] | None = None, **options: _Any) -> ApplyResult:
    """As `apply` (same arguments), awaitable from a running asyncio event loop; the run goes on in the loop's
    default executor. `on_event` runs on the loop's thread, one event at a time, while the run waits for it (a
    coroutine it returns is awaited), so it may touch the loop's objects, cancel a task among them. Cancelling
    the awaiting task stops the run the way SIGINT stops `hcx apply`: the in-flight call is journaled, the run
    ends `interrupted` (its last event, `run-finished`, says so; `resume=True` continues it), then the
    cancellation propagates."""
    loop = _asyncio.get_running_loop()
    stop: _futures.Future[None] = _futures.Future()

    async def deliver(event: _Event) -> None:
        done = on_event(event) if on_event else None
        if _inspect.isawaitable(done):
            await done

    def on_loop(event: _Event) -> None:  # on the executor's thread: the run waits for the loop
        _asyncio.run_coroutine_threadsafe(deliver(event), loop).result()

    call = _functools.partial(apply, plan, endpoints, passwords, on_event=on_loop if on_event else None,
                              stop=stop, **options)
    run = loop.run_in_executor(None, call)
    try:
        return await _asyncio.shield(run)
    except _asyncio.CancelledError:
        stop.cancel()
        await run
        raise


async def apply_events(plan: Plan, endpoints: _Any, passwords: _Any = None, **options: _Any
                       ) -> _AsyncIterator[_Event]:
    """The events of `apply_async` (same arguments but `on_event`) as an async iterator::

        async for event in hcx.apply_events(plan, "endpoints.json", execute=True, journal="j.sqlite"):
            print(event["event"])

    A run that fails raises after its last event. Leaving the loop early (`break`, an exception, the task
    cancelled) stops the run as cancelling `apply_async` does: it ends `interrupted`, resumable."""
    queue: _asyncio.Queue[_Event | None] = _asyncio.Queue()

    async def run() -> ApplyResult:
        try:
            return await apply_async(plan, endpoints, passwords, on_event=queue.put_nowait, **options)
        finally:
            queue.put_nowait(None)

    task = _asyncio.ensure_future(run())
    try:
        while (event := await queue.get()) is not None:
            yield event
        await task
    finally:
        if not task.done():
            task.cancel()
            with _contextlib.suppress(_asyncio.CancelledError):
                await task
