"""The events of `hcx.apply` and `hcx.apply_async`, as the dicts `on_event` receives and `ApplyResult.events`
lists: the `hcx-events/v1` stream, the same records as `hcx apply --events jsonl` prints (`docs/events.md`).

Each has an `event` key naming its kind; `Event` is their union. Each also carries the envelope
(`Envelope`): `timestamp` (RFC 3339 in UTC with milliseconds, `2026-12-07T22:04:51.123Z`), `level`
(`info`, `warn` or `error`) and `run_id` (the same on every event of a run). The first event of a run is
`StreamStarted`, naming the schema (`SCHEMA`) and the version of hcx. They are hcx-apply's `EventRecord`,
serialised by serde.
"""

from typing import Final, Literal, TypedDict

__all__ = [
    "SCHEMA",
    "Call",
    "Drift",
    "Envelope",
    "Event",
    "Level",
    "Rehearsed",
    "RunFinished",
    "RunStarted",
    "StepDone",
    "StepFailed",
    "StepPaused",
    "StepStarted",
    "StepWaiting",
    "StreamStarted",
    "TaskProgress",
]

SCHEMA: Final = "hcx-events/v1"
"""The `schema` of `StreamStarted`: the name and version of the stream's format."""

Level = Literal["info", "warn", "error"]
"""`error`: something must be fixed (a failed step, drift, a run that ended failed, drift or blocked); `warn`:
the run waits for a person or stopped on request (a pause; a run that ended paused, interrupted or
needs-confirmation); `info`: the rest."""


class Envelope(TypedDict):
    """The fields every event has besides its own."""

    timestamp: str
    """When the run emitted it: RFC 3339 in UTC with milliseconds (`2026-12-07T22:04:51.123Z`)."""
    level: Level
    run_id: str
    """The same on every event of a run: the plan digest's first 12 hex digits, then `-run-N` (the journal's run
    number) for an executed run, or `-dry-`/`-blocked-` and 8 random hex digits for a run without a journal."""


class StreamStarted(Envelope):
    event: Literal["stream-started"]
    schema: str
    """`SCHEMA`."""
    hcx_version: str


class RunStarted(Envelope):
    event: Literal["run-started"]
    run: int | None
    plan_digest: str
    execute: bool
    steps: int


class StepStarted(Envelope):
    event: Literal["step-started"]
    step: str
    title: str


class Call(Envelope):
    event: Literal["call"]
    step: str
    site: str
    call: str
    """Method, path and query."""
    sent: bool


class TaskProgress(Envelope):
    event: Literal["task-progress"]
    step: str
    op: str
    task: str
    status: str
    progress: float | None


class StepPaused(Envelope):
    event: Literal["step-paused"]
    step: str
    owner: str
    instructions: list[str]
    resume: str


class StepWaiting(Envelope):
    event: Literal["step-waiting"]
    step: str
    owner: str
    site: str
    version: str
    instructions: list[str]
    wait_ms: int
    resume: str


class Rehearsed(Envelope):
    """A step the simulator's rehearsal path carried out (`sim_stand_in=True`); a real run pauses there."""

    event: Literal["rehearsed"]
    step: str
    owner: str
    """Who a real run waits for: `customer` or `provider`."""
    reason: str


class StepDone(Envelope):
    event: Literal["step-done"]
    step: str
    skipped: bool
    reconciled: bool


class StepFailed(Envelope):
    event: Literal["step-failed"]
    step: str
    message: str
    rollback: str | None
    rollback_hours: int | None


class Drift(Envelope):
    event: Literal["drift"]
    step: str
    differences: list[str]


class RunFinished(Envelope):
    event: Literal["run-finished"]
    run: int | None
    outcome: str
    """succeeded, dry-run, blocked, paused, interrupted, drift, failed or needs-confirmation."""


Event = (
    StreamStarted
    | RunStarted
    | StepStarted
    | Call
    | TaskProgress
    | StepPaused
    | StepWaiting
    | Rehearsed
    | StepDone
    | StepFailed
    | Drift
    | RunFinished
)
"""Any event of a run."""
