"""`hcx.apply` against the simulator: dry run, an executed rehearsal, and a run stopped by its callback."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import hcx
from conftest import REPO, SIM_PASSWORD, Sim, run_sim
from hcx.events import Event

REHEARSAL = REPO / "hcx-sim" / "scenarios" / "rehearsal-4.8.2.json"
#: The date the rehearsal's plan is made for (as in the CLI's kill test).
DATE = datetime.date(2026, 12, 1)


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Sim, hcx.Plan]]:
    """A fresh simulator of the rehearsal scenario, with its clock sped up, and the plan for its fleet."""
    work = tmp_path_factory.mktemp("rehearsal")
    scenario = json.loads(REHEARSAL.read_text())
    scenario["timing"]["time_scale"] = 3000.0
    path = work / "scenario.json"
    path.write_text(json.dumps(scenario))
    plan = hcx.plan(hcx.Fleet.from_dict(scenario["fleet"]), "latest", date=DATE)
    with run_sim(path, work) as sim:
        yield sim, plan


def manual_steps(plan: hcx.Plan) -> list[str]:
    """Steps a person does (confirmed as done), except the manager upgrades the simulator stands in for."""
    return [s.id for s in plan.steps if not s.automated and s.kind != "upgrade-manager"]


FAST = {"poll_interval": 0.01, "max_polls": 100000, "sim_stand_in": True}


def test_a_dry_run_lists_the_calls_and_sends_none(rehearsal: tuple[Sim, hcx.Plan]) -> None:
    sim, plan = rehearsal
    seen: list[Event] = []
    result = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, on_event=seen.append, **FAST)  # type: ignore[arg-type]
    assert result.outcome == "dry-run" and result.run is None
    assert result.calls, "a dry run lists the calls it would send"
    assert all(c["event"] == "call" and not c["sent"] for c in result.calls)
    assert any("upgrade" in c["call"] for c in result.calls)
    assert seen == result.events
    assert seen[0]["event"] == "run-started" and seen[-1]["event"] == "run-finished"


def test_execute_needs_a_journal(rehearsal: tuple[Sim, hcx.Plan]) -> None:
    sim, plan = rehearsal
    with pytest.raises(hcx.InvalidArgument, match="journal"):
        hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True)


def test_a_callback_exception_stops_the_run_and_a_resume_finishes_it(
    rehearsal: tuple[Sim, hcx.Plan], tmp_path: Path
) -> None:
    sim, plan = rehearsal
    journal = tmp_path / "journal.sqlite"
    confirm = manual_steps(plan)

    class Stop(Exception):
        pass

    def stop_at_the_first_done_step(e: Event) -> None:
        if e["event"] == "step-done":
            raise Stop(e["step"])

    with pytest.raises(Stop) as raised:
        hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, confirm=confirm,
                  on_event=stop_at_the_first_done_step, **FAST)  # type: ignore[arg-type]
    assert raised.value.args == (plan.steps[0].id,)
    # The stop was journaled: a new run without resume refuses, with resume it goes on to the target.
    with pytest.raises(hcx.ApplyError, match="unfinished"):
        hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, confirm=confirm,
                  **FAST)  # type: ignore[arg-type]
    events: list[Event] = []
    result = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, resume=True,
                       confirm=confirm, on_event=events.append, **FAST)  # type: ignore[arg-type]
    assert result.outcome == "succeeded", result.message
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run-started" and kinds[-1] == "run-finished"
    done = [e for e in events if e["event"] == "step-done"]
    assert done[0]["step"] == plan.steps[0].id and done[0]["skipped"], "the first step was done by the first run"
    assert [d["step"] for d in done] == [s.id for s in plan.steps], "every step, in plan order"
    # Each step this run carried out started before it was done.
    for step in plan.steps[1:]:
        started = next(i for i, e in enumerate(events) if e["event"] == "step-started" and e["step"] == step.id)
        finished = next(i for i, e in enumerate(events) if e["event"] == "step-done" and e["step"] == step.id)
        assert started < finished, step.id
    assert any(c["sent"] for c in result.calls)
    # The managers reached the target.
    found = hcx.discover(sim.endpoints, SIM_PASSWORD)
    assert {s.id: s.version.line for s in found.fleet.sites} == {s.id: plan.target.line for s in found.fleet.sites}
