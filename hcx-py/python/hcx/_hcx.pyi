# Hand-written stubs for the native module; `mypy.stubtest hcx` checks them against the runtime.
import datetime
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Literal, final, type_check_only

from hcx.errors import ApplyError as ApplyError
from hcx.errors import AuthError as AuthError
from hcx.errors import ConnectionError as ConnectionError
from hcx.errors import HcxError as HcxError
from hcx.errors import InvalidArgument as InvalidArgument
from hcx.errors import InvalidCatalog as InvalidCatalog
from hcx.errors import InvalidFleet as InvalidFleet
from hcx.errors import InvalidVersion as InvalidVersion
from hcx.errors import PlanError as PlanError
from hcx.errors import TimeoutError as TimeoutError
from hcx.errors import UnsupportedPath as UnsupportedPath
from hcx.events import Call, Event
from hcx.literals import (
    ActionType,
    ApplianceKind,
    Confidence,
    MeshService,
    NeMode,
    Owner,
    PairingVerdict,
    Phase,
    Platform,
    PortBinding,
    PrecheckName,
    Role,
    Severity,
    SnapshotMethod,
    StepKind,
    SupportState,
    TransferState,
    Weekday,
)


__version__: str

# A version argument: an `hcx.Version` or a version string such as "4.10.3".
_VersionLike = Version | str
_PathLike = str | os.PathLike[str]

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
    def confidence(self) -> Confidence: ...
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
    def state(self) -> SupportState:
        """supported, out-of-support, disputed or unknown."""
    @property
    def end_of_support(self) -> list[datetime.date]: ...
    @property
    def sources(self) -> list[str]: ...

@final
class Pairing:
    """Whether two manager versions can be site-paired."""

    @property
    def verdict(self) -> PairingVerdict:
        """compatible, incompatible or unknown."""
    @property
    def compatible(self) -> bool: ...
    @property
    def rule(self) -> str | None: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def confidence(self) -> Confidence | None: ...
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
    def confidence(self) -> Confidence: ...
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
    def confidence(self) -> Confidence | None: ...
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
    @staticmethod
    def fetch(url: str, *, sha256: str | None = None) -> Catalog:
        """Fetches a catalog over https and validates it; a body whose SHA-256 is not `sha256` is refused
        (blocking; the GIL is released while it runs)."""
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
    def validated(self, platform: Platform) -> Version | None: ...
    def to_json(self) -> str: ...
    def export(self) -> str: ...
    @staticmethod
    def validate(text: str) -> list[str]: ...
    def diff(self, newer: Catalog) -> list[dict[str, Any]]: ...
    @property
    def digest(self) -> str: ...

class Record:
    """Base of the model records (`Step`, `Finding`, `Site`, ...): frozen objects whose attributes are the fields
    of the core type, as in its JSON document (`from` is `from_`). A field the document leaves out is `None`,
    `[]`, `{}` or `False`. Records compare equal when their class and fields are equal."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    @classmethod
    def fields(cls) -> tuple[str, ...]:
        """The field names, in the order of the core type."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Site(Record):
    """One site and the HCX Manager that runs there."""

    id: str
    role: Role
    platform: Platform
    version: Version
    name: str | None
    url: str | None

@final
class SitePair(Record):
    """A source site registered with a destination Cloud Manager."""

    source: str
    destination: str

@final
class Appliance(Record):
    """One service mesh appliance."""

    id: str
    kind: ApplianceKind
    version: Version
    ha_group: str | None
    networks: list[str]

@final
class ServiceMesh(Record):
    """A service mesh over one site pair."""

    id: str
    source: str
    destination: str
    services: list[MeshService]
    appliances: list[Appliance]
    ha_groups_unknown: bool

@final
class NetworkExtension(Record):
    """A network stretched by an NE appliance."""

    network: str
    appliance: str
    binding: PortBinding

@final
class Transfer(Record):
    """A migration or replication known to the managers."""

    id: str
    state: TransferState
    site: str | None
    @property
    def active(self) -> bool:
        """Whether it still moves data (the upgrade waits for it)."""

@final
class WeeklyWindow(Record):
    """A window that recurs every week: on `days`, from `start` local time, for `duration`, in the zone `tz`."""

    days: list[Weekday]
    """The days it opens on."""
    start: str
    """The local time it opens, HH:MM."""
    duration: str
    """How long it stays open on the local clock: "6h", "90m", "1h30m" or "PT6H"."""
    tz: str
    """The IANA time zone of `days` and `start`, e.g. "Europe/Amsterdam"."""

@final
class MaintenanceWindow(Record):
    """A maintenance window in which upgrade steps may run: one-off (`start`, `end`) or `weekly`."""

    site: str | None
    start: datetime.datetime | None
    end: datetime.datetime | None
    weekly: WeeklyWindow | None

@final
class Fleet:
    """A fleet (the hcx-fleet/v1 inventory). Immutable: change it through to_dict() and from_dict().

    Its attributes are the document's fields, read on first access and kept."""

    __hash__: ClassVar[None]  # type: ignore[assignment]
    schema: str
    sites: list[Site]
    pairs: list[SitePair]
    meshes: list[ServiceMesh]
    extensions: list[NetworkExtension]
    migrations: list[Transfer]
    replications: list[Transfer]
    windows: list[MaintenanceWindow]
    @staticmethod
    def from_json(text: str, *, max_input_bytes: int | None = None) -> Fleet:
        """Parses and validates a document of at most max_input_bytes bytes (default: hcx-core's cap)."""
    @staticmethod
    def from_dict(data: dict[str, Any]) -> Fleet: ...
    @staticmethod
    def load(path: _PathLike, *, max_input_bytes: int | None = None) -> Fleet:
        """Reads and validates a fleet file of at most max_input_bytes bytes (default: hcx-core's cap)."""
    @staticmethod
    def sample() -> Fleet: ...
    @staticmethod
    def fields() -> list[str]:
        """The names of the document's fields."""
    def to_json(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...
    def site(self, id: str) -> Site | None: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Finding(Record):
    """One finding of a named rule."""

    rule: str
    severity: Severity
    message: str
    subjects: list[str]
    remediation: str
    sources: list[str]
    acknowledged: bool
    @property
    def blocks(self) -> bool:
        """Whether it blocks the plan (an unacknowledged blocker)."""

@final
class Impact(Record):
    """What a step does to the running fleet."""

    summary: str
    manager_reboot: bool
    data_plane_outage: bool
    networks: list[str]
    ne_mode: NeMode | None
    """For NE steps."""

@final
class Rollback(Record):
    """How to go back after a step."""

    summary: str
    expires_after_hours: int | None
    support_request: bool
    snapshot: str | None
    """The snapshot step the rollback reverts to."""
    expires_at: datetime.datetime | None
    irreversible: bool

@final
class Estimate(Record):
    """A duration estimate and where it comes from."""

    minutes: int
    basis: str

@final
class StateView(Record):
    """Part of the fleet state: manager and appliance versions (None: absent) and mesh services."""

    managers: dict[str, Version]
    appliances: dict[str, Version | None]
    services: dict[str, list[MeshService]]

class StepAction(Record):
    """What a step does, for an executor: its `type`, the operation's own fields (by type, see the hcx-plan/v2
    schema), and the state it expects `before` and leaves `after`.

    At run time every action is a `StepAction`; for the type checker `Step.action` is one of the `...Action`
    classes below (type-checking only: they do not exist at run time), told apart by `type`:
    `if a.type == "upgrade-manager": a.from_` type-checks, `a.from_` on a plain `StepAction` does not.
    A field an action leaves out of its JSON (`bundle`, `appliances` of remove-service) reads as None or []."""

    type: ActionType
    before: StateView
    after: StateView

@type_check_only
@final
class PrecheckAction(StepAction):
    """Run pre-upgrade checks on a site's manager."""

    type: Literal["precheck"]
    site: str
    checks: list[PrecheckName]

@type_check_only
@final
class SnapshotAction(StepAction):
    """Snapshot (and back up) a site's manager before it is upgraded."""

    type: Literal["snapshot"]
    site: str
    method: SnapshotMethod

@type_check_only
@final
class UpgradeManagerAction(StepAction):
    """Upgrade a site's manager by one hop."""

    type: Literal["upgrade-manager"]
    site: str
    from_: Version
    to: Version
    bundle: Version | None
    """The offline bundle to upload, when the plan obtains one for the site."""

@type_check_only
@final
class RemoveServiceAction(StepAction):
    """Remove a service (and its appliances) from a mesh, because the target drops it."""

    type: Literal["remove-service"]
    mesh: str
    site: str
    service: MeshService
    appliances: list[str]

@type_check_only
@final
class WaitConvergenceAction(StepAction):
    """Wait until both managers of a pair run a version and services converge."""

    type: Literal["wait-convergence"]
    pair: str
    version: Version
    deadline_minutes: int

@type_check_only
@final
class UpgradeAppliancesAction(StepAction):
    """Upgrade mesh appliances (their peers at `peer_site` upgrade with them)."""

    type: Literal["upgrade-appliances"]
    mesh: str
    site: str
    appliances: list[str]
    peer_site: str
    mode: NeMode
    to: Version

@type_check_only
@final
class RedeployApplianceAction(StepAction):
    """Redeploy mesh appliances (OSAM sentinel gateway and receiver)."""

    type: Literal["redeploy-appliance"]
    mesh: str
    site: str
    appliances: list[str]
    to: Version

@type_check_only
@final
class VerifyAction(StepAction):
    """Check that a pair reached the target (the expected state is `before`)."""

    type: Literal["verify"]
    pair: str

@type_check_only
@final
class ManualAction(StepAction):
    """Work no API does: a person follows the instructions and confirms."""

    type: Literal["manual"]
    who: Owner
    instructions: list[str]

# `Step.action`, narrowed by its `type`.
_AnyAction = (
    PrecheckAction
    | SnapshotAction
    | UpgradeManagerAction
    | RemoveServiceAction
    | WaitConvergenceAction
    | UpgradeAppliancesAction
    | RedeployApplianceAction
    | VerifyAction
    | ManualAction
)

@final
class Step(Record):
    """One step of the plan."""

    id: str
    phase: Phase
    kind: StepKind
    title: str
    site: str | None
    pairs: list[str]
    mesh: str | None
    appliances: list[str]
    service: str | None
    from_: Version | None
    to: Version | None
    owner: Owner
    automated: bool
    instructions: list[str]
    impact: Impact
    rollback: Rollback | None
    rules: list[str]
    depends_on: list[str]
    estimate: Estimate
    round: int | None
    confidence: Confidence | None
    action: _AnyAction | None

@final
class Summary(Record):
    """Counts for a plan's headline."""

    sites: int
    pairs: int
    meshes: int
    steps: int
    blockers: int
    acknowledged: int
    warnings: int
    unfitted: int

@final
class Slot(Record):
    """A step placed in a maintenance window."""

    step: str
    window: int
    start: datetime.datetime
    end: datetime.datetime
    tz: str | None
    """The IANA time zone of a weekly window (None for a one-off one), to show the slot in local time."""

@final
class Unfitted(Record):
    """A step that fitted no window, and why."""

    step: str
    reason: str

@final
class Schedule(Record):
    """Steps assigned to maintenance windows."""

    slots: list[Slot]
    unfitted: list[Unfitted]

@final
class InputOptions(Record):
    """The options a plan was made with."""

    target: str
    date: datetime.date
    acknowledge: list[str]
    ne_in_service: bool

@final
class PlanInputs(Record):
    """What a plan was made from: digests of the fleet and catalog, and the options."""

    fleet: str
    catalog: str
    catalog_as_of: datetime.date
    options: InputOptions

@final
class Plan:
    """An upgrade plan: findings, ordered steps and (when the fleet has windows) a schedule.

    Its attributes are the hcx-plan/v2 document's fields, read on first access and kept: `steps` gives the
    same Step objects every time."""

    schema: str
    digest: str
    inputs: PlanInputs
    date: datetime.date
    catalog_as_of: datetime.date
    target: Version
    target_reason: str
    summary: Summary
    findings: list[Finding]
    steps: list[Step]
    schedule: Schedule | None
    confidence: Confidence | None
    """The weakest confidence of any manager hop of the plan."""
    def verify_digest(self) -> None:
        """Raises InvalidArgument when the recorded digest does not match the content (an edited plan)."""
    def findings_to_text(self) -> str: ...
    def findings_to_markdown(self) -> str: ...
    def findings_to_json(self) -> str: ...
    @property
    def has_blockers(self) -> bool: ...
    def fails_on(self, severity: Severity) -> bool:
        """Whether an unacknowledged finding of this severity or a worse one remains (what `hcx plan --fail-on`
        exits 1 on): "blocker" is `has_blockers`, "warning" also counts warnings."""
    def step(self, id: str) -> Step | None: ...
    @staticmethod
    def fields() -> list[str]:
        """The names of the document's fields."""
    @staticmethod
    def from_json(text: str) -> Plan:
        """Reads a plan back from its JSON (hcx-plan/v2)."""
    def to_json(self) -> str: ...
    def to_markdown(self) -> str: ...
    def to_text(self) -> str: ...
    def to_html(self, fleet: Fleet | None = None) -> str:
        """The plan as one self-contained HTML page (inline CSS and SVG, no script)."""
    def _repr_html_(self) -> str:
        """`to_html()`: how Jupyter shows a plan."""
    def to_dict(self) -> dict[str, Any]: ...

def plan(
    fleet: Fleet,
    target: _VersionLike | None = None,
    *,
    ack: Sequence[str] = (),
    date: datetime.date | None = None,
    catalog: Catalog | None = None,
    ne_in_service: bool = False,
    min_confidence: Confidence | None = None,
) -> Plan:
    """Makes the upgrade plan for a fleet; target is "latest", "validated" or a version (default: validated
    where a platform of the fleet lists one, else latest); date defaults to today (UTC); upgrade-path evidence
    weaker than min_confidence is a blocker (weak-evidence)."""

def check(
    fleet: Fleet,
    target: _VersionLike | None = None,
    *,
    ack: Sequence[str] = (),
    date: datetime.date | None = None,
    catalog: Catalog | None = None,
    ne_in_service: bool = False,
    min_confidence: Confidence | None = None,
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
    def severity(self) -> Severity: ...
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
    concurrency: int | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    ca_bundle: _PathLike | None = None,
    danger_accept_invalid_certs: bool = False,
    allow_insecure_http: bool = False,
    strict: bool = True,
    max_response_bytes: int | None = None,
) -> Discovery:
    """Reads a fleet from its HCX Managers (blocking; the GIL is released while it runs). What is None takes
    hcx-core's defaults (`default_concurrency()` managers at once)."""

def default_concurrency() -> int:
    """How many managers `discover` reads at once by default (hcx-core's default)."""

from concurrent.futures import Future as _Future

@final
class ApplyResult:
    """How a run ended, its events and the calls among them."""

    @property
    def run(self) -> int | None: ...
    @property
    def outcome(self) -> str:
        """succeeded, dry-run, blocked, paused, interrupted, drift, failed or needs-confirmation."""
    @property
    def message(self) -> str | None: ...
    @property
    def real_run_pauses(self) -> list[str]:
        """In a rehearsal (`sim_stand_in=True`): the steps a real run pauses on, each `"S4: why"`."""
    @property
    def events(self) -> list[Event]:
        """Every event of the run, in order (the `hcx-events/v1` records; the first is `stream-started`)."""
    @property
    def calls(self) -> list[Call]: ...

def apply(
    plan: Plan,
    endpoints: _PathLike | Mapping[str, Any],
    passwords: str | Mapping[str, str] | None = None,
    *,
    execute: bool = False,
    journal: _PathLike | None = None,
    resume: bool = False,
    confirm: Sequence[str] = (),
    confirm_resend: Sequence[str] = (),
    on_event: Callable[[Event], object] | None = None,
    stop: _Future[Any] | None = None,
    sim_stand_in: bool = False,
    parallel: int = 1,
    poll_interval: float | None = None,
    max_polls: int | None = None,
    manual_wait: float | None = None,
    tunnel_wait: float | None = None,
    settle: float | None = None,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    timeout: float | None = None,
    max_attempts: int | None = None,
    ca_bundle: _PathLike | None = None,
    danger_accept_invalid_certs: bool = False,
    allow_insecure_http: bool = False,
) -> ApplyResult:
    """Carries out a plan: a dry run (the calls it would send) unless execute=True, which needs a journal.
    An exception raised by on_event stops the run (journaled as interrupted) and is raised again. Once `stop` is
    done (cancelled or given a result) the run stops as SIGINT stops `hcx apply`, ending `interrupted`."""

def _value_sets() -> dict[str, list[str]]:
    """Every name of each closed set, as the native code spells them, keyed by its `hcx.literals` alias."""

def _error_codes() -> list[tuple[str, bool]]:
    """Every exception code, with whether it is a C status name."""
