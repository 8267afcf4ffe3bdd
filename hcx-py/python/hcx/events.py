"""The events of `hcx.apply`, as the dicts `on_event` receives and `ApplyResult.events` lists.

Each has an `event` key naming its kind; `Event` is their union. They are hcx-apply's `Event` enum, serialised
by serde (its JSON form, the same as `hcx apply --events jsonl`).
"""

from typing import Literal, TypedDict

__all__ = [
    "Call",
    "Drift",
    "Event",
    "RunFinished",
    "RunStarted",
    "StepDone",
    "StepFailed",
    "StepPaused",
    "StepStarted",
    "StepWaiting",
    "TaskProgress",
]


class RunStarted(TypedDict):
    event: Literal["run-started"]
    run: int | None
    plan_digest: str
    execute: bool
    steps: int


class StepStarted(TypedDict):
    event: Literal["step-started"]
    step: str
    title: str


class Call(TypedDict):
    event: Literal["call"]
    step: str
    site: str
    call: str
    """Method, path and query."""
    sent: bool


class TaskProgress(TypedDict):
    event: Literal["task-progress"]
    step: str
    op: str
    task: str
    status: str
    progress: float | None


class StepPaused(TypedDict):
    event: Literal["step-paused"]
    step: str
    owner: str
    instructions: list[str]
    resume: str


class StepWaiting(TypedDict):
    event: Literal["step-waiting"]
    step: str
    owner: str
    site: str
    version: str
    instructions: list[str]
    wait_ms: int
    resume: str


class StepDone(TypedDict):
    event: Literal["step-done"]
    step: str
    skipped: bool
    reconciled: bool


class StepFailed(TypedDict):
    event: Literal["step-failed"]
    step: str
    message: str
    rollback: str | None
    rollback_hours: int | None


class Drift(TypedDict):
    event: Literal["drift"]
    step: str
    differences: list[str]


class RunFinished(TypedDict):
    event: Literal["run-finished"]
    run: int | None
    outcome: str
    """succeeded, dry-run, blocked, paused, interrupted, drift, failed or needs-confirmation."""


Event = RunStarted | StepStarted | Call | TaskProgress | StepPaused | StepWaiting | StepDone | StepFailed | Drift | RunFinished
"""Any event of a run."""
