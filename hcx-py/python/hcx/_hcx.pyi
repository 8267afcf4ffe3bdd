# Hand-written stubs for the native module; `mypy.stubtest hcx` checks them against the runtime.
import builtins
import datetime
import os
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, ClassVar, final

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
    "path",
    "plan",
    "rules",
    "explain",
    "Rule",
    "__version__",
]

__version__: str

# A version argument: an `hcx.Version` or a version string such as "4.10.3".
_VersionLike = Version | str
_PathLike = str | os.PathLike[str]

class HcxError(Exception):
    """Base class of every error raised by hcx."""

class InvalidVersion(HcxError, ValueError):
    """A string that is not an HCX version."""

class InvalidFleet(HcxError, ValueError):
    """A fleet document that cannot be used."""

    problems: list[tuple[str, str]]
    """Every problem, as (JSON path, message), in document order."""

class InvalidCatalog(HcxError):
    """A catalog document that cannot be read or breaks the catalog's invariants."""

class InvalidArgument(HcxError, ValueError):
    """An argument outside the accepted names (for example an unknown platform)."""

class UnsupportedPath(HcxError):
    """No documented upgrade path between two releases."""

class PlanError(HcxError):
    """Input the planner cannot plan."""

class ConnectionError(HcxError, builtins.ConnectionError):
    """An HCX Manager could not be reached, or the connection broke during the exchange."""

class AuthError(HcxError, PermissionError):
    """An HCX Manager refused the credentials."""

class TimeoutError(HcxError, builtins.TimeoutError):
    """An HCX Manager did not answer in time, or a task it runs did not finish in time."""

@final
class Version:
    """An HCX release version: 4.10.3, 4.10.3.0, 4.9.0.0-23529166 or 9.1.1.0.

    Comparison and hashing use the numeric parts only: the build is metadata.
    """

    def __new__(cls, text: str) -> Version: ...
    @property
    def major(self) -> int: ...
    @property
    def minor(self) -> int: ...
    @property
    def patch(self) -> int: ...
    @property
    def revision(self) -> int: ...
    @property
    def build(self) -> str | None: ...
    @property
    def line(self) -> tuple[int, int]: ...
    def with_build(self, build: str) -> Version: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def __lt__(self, value: Version, /) -> bool: ...
    def __le__(self, value: Version, /) -> bool: ...
    def __gt__(self, value: Version, /) -> bool: ...
    def __ge__(self, value: Version, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Release:
    """One release in the catalog."""

    @property
    def version(self) -> Version: ...
    @property
    def released(self) -> datetime.date | None: ...
    @property
    def released_on_or_before(self) -> datetime.date | None: ...
    @property
    def confidence(self) -> str: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def builds(self) -> list[str]: ...
    @property
    def notes(self) -> list[str]: ...

@final
class SupportStatus:
    """A release's support status on a date."""

    @property
    def version(self) -> Version: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def state(self) -> str:
        """supported, out-of-support, disputed or unknown."""
    @property
    def end_of_support(self) -> list[datetime.date]: ...
    @property
    def sources(self) -> list[str]: ...

@final
class Pairing:
    """Whether two manager versions can be site-paired."""

    @property
    def verdict(self) -> str:
        """compatible, incompatible or unknown."""
    @property
    def compatible(self) -> bool: ...
    @property
    def rule(self) -> str | None: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def confidence(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...

@final
class Hop:
    """One upgrade of a manager from one release to the next, and the rule that allows it."""

    @property
    def from_(self) -> Version: ...
    @property
    def to(self) -> Version: ...
    @property
    def rule(self) -> str: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def confidence(self) -> str: ...
    @property
    def note(self) -> str | None: ...

@final
class UpgradePath:
    """A documented upgrade path: zero or more hops."""

    @property
    def from_(self) -> Version: ...
    @property
    def to(self) -> Version: ...
    @property
    def hops(self) -> list[Hop]: ...
    @property
    def stepping_stones(self) -> list[Version]: ...
    @property
    def uncataloged(self) -> str | None: ...
    @property
    def confidence(self) -> str | None: ...
    def to_dict(self) -> dict[str, Any]: ...
    def __len__(self) -> int: ...

@final
class Catalog:
    """The interoperability catalog; every fact carries its sources and confidence."""

    @staticmethod
    def bundled() -> Catalog: ...
    @staticmethod
    def load(path: _PathLike) -> Catalog: ...
    @staticmethod
    def from_json(text: str) -> Catalog: ...
    @property
    def as_of(self) -> datetime.date: ...
    @property
    def releases(self) -> list[Release]: ...
    @property
    def newest(self) -> Release | None: ...
    def release(self, version: _VersionLike) -> Release | None: ...
    def is_known(self, version: _VersionLike) -> bool: ...
    def support_status(self, version: _VersionLike, date: datetime.date | None = None) -> SupportStatus: ...
    def can_pair(self, a: _VersionLike, b: _VersionLike) -> Pairing: ...
    def path(self, from_: _VersionLike, to: _VersionLike, /) -> UpgradePath: ...
    def validated(self, platform: str) -> Version | None: ...
    def to_json(self) -> str: ...

@final
class Site:
    """One site and the HCX Manager that runs there."""

    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str:
        """connector or cloud."""
    @property
    def platform(self) -> str:
        """on-prem, avs, gcve, vmc, ocvs, evs or ibm-cloud."""
    @property
    def version(self) -> Version: ...
    @property
    def name(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...

@final
class SitePair:
    """A source site registered with a destination Cloud Manager."""

    @property
    def source(self) -> str: ...
    @property
    def destination(self) -> str: ...

@final
class Appliance:
    """One service mesh appliance."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str:
        """IX, NE, WO, SGW or SDR."""
    @property
    def version(self) -> Version: ...
    @property
    def ha_group(self) -> str | None: ...
    @property
    def networks(self) -> list[str]: ...

@final
class ServiceMesh:
    """A service mesh over one site pair."""

    @property
    def id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def destination(self) -> str: ...
    @property
    def services(self) -> list[str]: ...
    @property
    def appliances(self) -> list[Appliance]: ...

@final
class NetworkExtension:
    """A network stretched by an NE appliance."""

    @property
    def network(self) -> str: ...
    @property
    def appliance(self) -> str: ...
    @property
    def binding(self) -> str:
        """static, dynamic or ephemeral."""

@final
class Transfer:
    """A migration or replication known to the managers."""

    @property
    def id(self) -> str: ...
    @property
    def state(self) -> str:
        """queued, in_progress, completed, failed or cancelled."""
    @property
    def active(self) -> bool: ...
    @property
    def site(self) -> str | None: ...

@final
class MaintenanceWindow:
    """A maintenance window in which upgrade steps may run."""

    @property
    def site(self) -> str | None: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...

@final
class Fleet:
    """A fleet (the hcx-fleet/v1 inventory). Immutable: change it through to_dict() and from_dict()."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @staticmethod
    def from_json(text: str) -> Fleet: ...
    @staticmethod
    def from_dict(data: dict[str, Any]) -> Fleet: ...
    @staticmethod
    def load(path: _PathLike) -> Fleet: ...
    @staticmethod
    def sample() -> Fleet: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    @property
    def schema(self) -> str: ...
    @property
    def sites(self) -> list[Site]: ...
    @property
    def pairs(self) -> list[SitePair]: ...
    @property
    def meshes(self) -> list[ServiceMesh]: ...
    @property
    def extensions(self) -> list[NetworkExtension]: ...
    @property
    def migrations(self) -> list[Transfer]: ...
    @property
    def replications(self) -> list[Transfer]: ...
    @property
    def windows(self) -> list[MaintenanceWindow]: ...
    def site(self, id: str) -> Site | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Finding:
    """One finding of a named rule."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str:
        """blocker, warning or info."""
    @property
    def message(self) -> str: ...
    @property
    def subjects(self) -> list[str]: ...
    @property
    def remediation(self) -> str: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def acknowledged(self) -> bool: ...
    @property
    def blocks(self) -> bool: ...

@final
class Impact:
    """What a step does to the running fleet."""

    @property
    def summary(self) -> str: ...
    @property
    def manager_reboot(self) -> bool: ...
    @property
    def data_plane_outage(self) -> bool: ...
    @property
    def networks(self) -> list[str]: ...
    @property
    def ne_mode(self) -> str | None: ...

@final
class Rollback:
    """How to go back after a step."""

    @property
    def summary(self) -> str: ...
    @property
    def expires_after_hours(self) -> int | None: ...
    @property
    def support_request(self) -> bool: ...

@final
class Estimate:
    """A duration estimate and where it comes from."""

    @property
    def minutes(self) -> int: ...
    @property
    def basis(self) -> str: ...

@final
class Step:
    """One step of the plan."""

    @property
    def id(self) -> str: ...
    @property
    def phase(self) -> str:
        """prepare, managers, converge, mesh or verify."""
    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def site(self) -> str | None: ...
    @property
    def pairs(self) -> list[str]: ...
    @property
    def mesh(self) -> str | None: ...
    @property
    def appliances(self) -> list[str]: ...
    @property
    def from_(self) -> Version | None: ...
    @property
    def to(self) -> Version | None: ...
    @property
    def owner(self) -> str:
        """customer or provider."""
    @property
    def automated(self) -> bool: ...
    @property
    def instructions(self) -> list[str]: ...
    @property
    def impact(self) -> Impact: ...
    @property
    def rollback(self) -> Rollback | None: ...
    @property
    def rules(self) -> list[str]: ...
    @property
    def depends_on(self) -> list[str]: ...
    @property
    def estimate(self) -> Estimate: ...

@final
class Summary:
    """Counts for a plan's headline."""

    @property
    def sites(self) -> int: ...
    @property
    def pairs(self) -> int: ...
    @property
    def meshes(self) -> int: ...
    @property
    def steps(self) -> int: ...
    @property
    def blockers(self) -> int: ...
    @property
    def acknowledged(self) -> int: ...
    @property
    def warnings(self) -> int: ...

@final
class Slot:
    """A step placed in a maintenance window."""

    @property
    def step(self) -> str: ...
    @property
    def window(self) -> int: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...

@final
class Unfitted:
    """A step that fitted no window, and why."""

    @property
    def step(self) -> str: ...
    @property
    def reason(self) -> str: ...

@final
class Schedule:
    """Steps assigned to maintenance windows."""

    @property
    def slots(self) -> list[Slot]: ...
    @property
    def unfitted(self) -> list[Unfitted]: ...

@final
class Plan:
    """An upgrade plan: findings, ordered steps and (when the fleet has windows) a schedule."""

    @property
    def schema(self) -> str: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def catalog_as_of(self) -> datetime.date: ...
    @property
    def target(self) -> Version: ...
    @property
    def target_reason(self) -> str: ...
    @property
    def summary(self) -> Summary: ...
    @property
    def findings(self) -> list[Finding]: ...
    @property
    def steps(self) -> list[Step]: ...
    @property
    def schedule(self) -> Schedule | None: ...
    @property
    def has_blockers(self) -> bool: ...
    def step(self, id: str) -> Step | None: ...
    @staticmethod
    def from_json(text: str) -> Plan:
        """Reads a plan back from its JSON (hcx-plan/v2)."""
    def to_json(self) -> str: ...
    def to_markdown(self) -> str: ...
    def to_text(self) -> str: ...
    def to_html(self, fleet: Fleet | None = None) -> str:
        """The plan as one self-contained HTML page (inline CSS and SVG, no script)."""
    def to_dict(self) -> dict[str, Any]: ...

def plan(
    fleet: Fleet,
    target: _VersionLike = "latest",
    *,
    ack: Sequence[str] = (),
    date: datetime.date | None = None,
    catalog: Catalog | None = None,
    ne_in_service: bool = False,
) -> Plan:
    """Makes the upgrade plan for a fleet; target is "latest", "validated" or a version."""

def check(
    fleet: Fleet,
    target: _VersionLike = "latest",
    *,
    ack: Sequence[str] = (),
    date: datetime.date | None = None,
    catalog: Catalog | None = None,
    ne_in_service: bool = False,
) -> list[Finding]:
    """Runs every rule and returns the findings alone (blockers first)."""

def path(from_: _VersionLike, to: _VersionLike, /, *, catalog: Catalog | None = None) -> UpgradePath:
    """The shortest documented upgrade path between two releases."""

@final
class Rule:
    """A named rule: its stable id, severity, meaning, remediation and the catalog sources it rests on."""

    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> str:
        """blocker, warning or info."""
    @property
    def title(self) -> str: ...
    @property
    def meaning(self) -> str: ...
    @property
    def remediation(self) -> str: ...
    @property
    def sources(self) -> list[str]: ...

def rules() -> list[Rule]:
    """Every named rule, in the order `hcx explain` lists them."""

def explain(rule_id: str) -> Rule:
    """The rule with this id; InvalidArgument names the known ids when there is none."""

@final
class SiteFailure:
    """A site that did not answer during discovery."""

    @property
    def site(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def error(self) -> HcxError:
        """The failure as the exception it would raise (AuthError, ConnectionError, TimeoutError, ...)."""

@final
class Discovery:
    """What a discovery found: the merged fleet, the sites that failed and the merge notes."""

    @property
    def fleet(self) -> Fleet: ...
    @property
    def failures(self) -> list[SiteFailure]: ...
    @property
    def warnings(self) -> list[str]: ...
    @property
    def versions(self) -> list[tuple[str, Version]]: ...
    @property
    def complete(self) -> bool: ...

def discover(
    endpoints: _PathLike | Mapping[str, Any],
    passwords: str | Mapping[str, str] | None = None,
    *,
    concurrency: int = 8,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    timeout: float = 60.0,
    max_attempts: int = 4,
    ca_bundle: _PathLike | None = None,
    danger_accept_invalid_certs: bool = False,
    allow_insecure_http: bool = False,
    strict: bool = True,
) -> Discovery:
    """Reads a fleet from its HCX Managers (blocking; the GIL is released while it runs)."""

def discover_async(
    endpoints: _PathLike | Mapping[str, Any],
    passwords: str | Mapping[str, str] | None = None,
    *,
    concurrency: int = 8,
    connect_timeout: float = 10.0,
    read_timeout: float = 30.0,
    timeout: float = 60.0,
    max_attempts: int = 4,
    ca_bundle: _PathLike | None = None,
    danger_accept_invalid_certs: bool = False,
    allow_insecure_http: bool = False,
    strict: bool = True,
) -> Awaitable[Discovery]:
    """As discover, but awaitable from a running asyncio event loop."""
