"""The exceptions hcx raises: every one is an `HcxError` with a stable `code`.

`code` is the name of the status the C ABI (`hcx.h`, `hcx_status`) returns for the same failure, so a failure
reads the same in every binding: `HCX_INVALID_VERSION`, `HCX_DOWNGRADE`, `HCX_UNKNOWN_RULE`, ... A failure the C
ABI cannot have (it does no network I/O and runs no plans) has a code of the same form that no C status uses:
`PYTHON_ONLY_CODES`. Codes never change meaning; match on `code` (or the class), not on the message.

=========================  =====================================================================
class                      codes
=========================  =====================================================================
``InvalidVersion``         ``HCX_INVALID_VERSION``
``InvalidFleet``           ``HCX_INVALID_FLEET``
``InvalidCatalog``         ``HCX_INVALID_CATALOG``, ``HCX_IO_ERROR`` (the file or URL is unreadable)
``InvalidArgument``        ``HCX_INVALID_ARGUMENT``
``UnsupportedPath``        ``HCX_DOWNGRADE``, ``HCX_REDEPLOY_REQUIRED``, ``HCX_UNKNOWN_RELEASE``,
                           ``HCX_FORBIDDEN_PATH``, ``HCX_NO_UPGRADE_PATH``
``PlanError``              ``HCX_UNKNOWN_TARGET``, ``HCX_NO_VALIDATED_RELEASE``,
                           ``HCX_CONFLICTING_VALIDATED``, ``HCX_NOTHING_REACHABLE``, ``HCX_UNKNOWN_RULE``,
                           ``HCX_EMPTY_FLEET``, ``HCX_PLAN_FAILED``
``ConnectionError``        ``HCX_CONNECTION_FAILED`` (Python only)
``AuthError``              ``HCX_AUTH_FAILED`` (Python only)
``TimeoutError``           ``HCX_TIMEOUT`` (Python only)
``ApplyError``             ``HCX_APPLY_FAILED`` (Python only)
``HcxError`` itself        ``HCX_MANAGER_ERROR`` (Python only: a manager answered, not usefully),
                           ``HCX_PLAN_FAILED`` (the HTML report failed), ``HCX_PANIC`` (a bug in hcx)
=========================  =====================================================================

`ConnectionError` and `TimeoutError` are also subclasses of the builtins of the same name; they are left out of
`__all__` (here and in `hcx`), so `from hcx import *` does not shadow the builtins.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Final, Literal, get_args

if TYPE_CHECKING:
    from hcx._hcx import Version

__all__ = [
    "C_STATUS_CODES",
    "PYTHON_ONLY_CODES",
    "ApplyError",
    "AuthError",
    "ErrorCode",
    "HcxError",
    "InvalidArgument",
    "InvalidCatalog",
    "InvalidFleet",
    "InvalidVersion",
    "PathProblem",
    "PlanError",
    "UnsupportedPath",
]

#: Every code an `HcxError` can carry.
ErrorCode = Literal[
    "HCX_INVALID_ARGUMENT",
    "HCX_INVALID_VERSION",
    "HCX_INVALID_FLEET",
    "HCX_INVALID_CATALOG",
    "HCX_IO_ERROR",
    "HCX_NO_UPGRADE_PATH",
    "HCX_DOWNGRADE",
    "HCX_REDEPLOY_REQUIRED",
    "HCX_UNKNOWN_RELEASE",
    "HCX_FORBIDDEN_PATH",
    "HCX_PLAN_FAILED",
    "HCX_UNKNOWN_TARGET",
    "HCX_NO_VALIDATED_RELEASE",
    "HCX_CONFLICTING_VALIDATED",
    "HCX_NOTHING_REACHABLE",
    "HCX_UNKNOWN_RULE",
    "HCX_EMPTY_FLEET",
    "HCX_PANIC",
    "HCX_CONNECTION_FAILED",
    "HCX_AUTH_FAILED",
    "HCX_TIMEOUT",
    "HCX_MANAGER_ERROR",
    "HCX_APPLY_FAILED",
]

#: The codes of failures the C ABI cannot have (network, plan runs); no C status has these names.
PYTHON_ONLY_CODES: Final[frozenset[ErrorCode]] = frozenset(
    {"HCX_CONNECTION_FAILED", "HCX_AUTH_FAILED", "HCX_TIMEOUT", "HCX_MANAGER_ERROR", "HCX_APPLY_FAILED"}
)

#: The codes that are C status names (`hcx_status_name`): every other code.
C_STATUS_CODES: Final[frozenset[ErrorCode]] = frozenset(get_args(ErrorCode)) - PYTHON_ONLY_CODES

#: Why there is no upgrade path (`UnsupportedPath.reason`).
PathProblem = Literal["downgrade", "redeploy", "unknown-release", "forbidden", "not-documented"]


class HcxError(Exception):
    """Base class of every error raised by hcx."""

    code: ErrorCode = "HCX_PANIC"
    """The stable error code (see the module's table); the class's default when raised from Python."""


class InvalidVersion(HcxError, ValueError):
    """A string that is not an HCX version (expected MAJOR.MINOR.PATCH[.REVISION][-BUILD])."""

    code: ErrorCode = "HCX_INVALID_VERSION"
    input: str = ""
    """The text that did not parse."""


class InvalidFleet(HcxError, ValueError):
    """A fleet document that cannot be used.

    `problems` lists every problem as (JSON path, message)."""

    code: ErrorCode = "HCX_INVALID_FLEET"
    problems: list[tuple[str, str]]
    """Every problem, as (JSON path, message), in document order."""
    file: str | None = None
    """The file the document was read from, when it was."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.problems = []


class InvalidCatalog(HcxError):
    """A catalog document that cannot be read or breaks the catalog's invariants."""

    code: ErrorCode = "HCX_INVALID_CATALOG"
    file: str | None = None
    """The file or URL the catalog came from, when it did."""
    path: str | None = None
    """The JSON path of a document that does not match the schema."""
    problems: list[str]
    """Every problem found (empty for an unreadable file)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.problems = []


class InvalidArgument(HcxError, ValueError):
    """An argument outside the accepted names (for example an unknown platform), or a bad endpoints file."""

    code: ErrorCode = "HCX_INVALID_ARGUMENT"
    input: str | None = None
    """The name given, for an unknown name."""
    expected: list[str]
    """The accepted names, for an unknown name (else empty)."""
    file: str | None = None
    """The endpoints file that could not be read."""
    path: str | None = None
    """The JSON path of the problem in an endpoints document."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.expected = []


class UnsupportedPath(HcxError):
    """No documented upgrade path between two releases (downgrade, redeploy, unknown or forbidden)."""

    code: ErrorCode = "HCX_NO_UPGRADE_PATH"
    reason: PathProblem = "not-documented"
    """Why: ``downgrade`` (HCX_DOWNGRADE), ``redeploy`` (HCX_REDEPLOY_REQUIRED: the source is below the oldest
    upgradable release, `floor`), ``unknown-release`` (HCX_UNKNOWN_RELEASE), ``forbidden`` (HCX_FORBIDDEN_PATH) or
    ``not-documented`` (HCX_NO_UPGRADE_PATH)."""
    from_version: Version | None = None
    """The running release, when the error names it."""
    to_version: Version | None = None
    """The target release, when the error names it."""
    floor: Version | None = None
    """For ``redeploy``: the oldest release any upgrade starts from."""


class PlanError(HcxError):
    """Input the planner cannot plan (unknown target, unknown acknowledged rule, ...)."""

    code: ErrorCode = "HCX_PLAN_FAILED"


class ConnectionError(HcxError, builtins.ConnectionError):
    """An HCX Manager could not be reached, or the connection broke during the exchange."""

    code: ErrorCode = "HCX_CONNECTION_FAILED"
    kind: str = "connect"
    """The client's classification: connect, tls, broken, other, ..."""
    site: str | None = None
    """The site whose manager failed (discovery), when known."""
    url: str | None = None
    """That manager's URL."""


class AuthError(HcxError, PermissionError):
    """An HCX Manager refused the credentials (login refused, or unauthorized after logging in again)."""

    code: ErrorCode = "HCX_AUTH_FAILED"
    kind: str = "auth"
    """The client's classification (auth)."""
    site: str | None = None
    """The site whose manager refused, when known."""
    url: str | None = None
    """That manager's URL."""


class TimeoutError(HcxError, builtins.TimeoutError):
    """An HCX Manager did not answer in time, or a task it runs did not finish in time."""

    code: ErrorCode = "HCX_TIMEOUT"
    kind: str = "timeout"
    """The client's classification (timeout)."""
    site: str | None = None
    """The site whose manager timed out, when known."""
    url: str | None = None
    """That manager's URL."""


class ApplyError(HcxError):
    """A plan run that cannot start or go on: a journal of another plan, a locked or unfinished journal."""

    code: ErrorCode = "HCX_APPLY_FAILED"
