"""`hcx.apply` against the simulator: dry run, an executed rehearsal, a run stopped by its callback, the event
stream's envelope, and `hcx.apply_async` cancelled mid-run then resumed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import json
import re
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import hcx
from conftest import REPO, SIM_PASSWORD, Sim, run_sim
from hcx.events import SCHEMA, Event

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
    assert [e["event"] for e in seen[:2]] == ["stream-started", "run-started"] and seen[-1]["event"] == "run-finished"


#: RFC 3339 in UTC with milliseconds, as every event's `timestamp` is written.
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def test_every_event_carries_the_envelope_of_its_run(rehearsal: tuple[Sim, hcx.Plan]) -> None:
    sim, plan = rehearsal
    result = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, **FAST)  # type: ignore[arg-type]
    header = result.events[0]
    assert header["event"] == "stream-started"
    assert header["schema"] == SCHEMA == "hcx-events/v1"
    assert header["hcx_version"] == hcx.__version__
    run_id = header["run_id"]
    assert run_id.startswith(plan.digest.removeprefix("sha256:")[:12] + "-dry-"), run_id
    for e in result.events:
        assert e["run_id"] == run_id, e
        assert STAMP.fullmatch(e["timestamp"]), e
        datetime.datetime.fromisoformat(e["timestamp"].replace("Z", "+00:00"))
        assert e["level"] in ("info", "warn", "error"), e
    last = result.events[-1]
    assert last["event"] == "run-finished" and (last["outcome"], last["level"]) == ("dry-run", "info"), last
    # Another run, another id.
    assert hcx.apply(plan, sim.endpoints, SIM_PASSWORD, **FAST).events[0]["run_id"] != run_id  # type: ignore[arg-type]


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
    assert kinds[:2] == ["stream-started", "run-started"] and kinds[-1] == "run-finished"
    assert {e["run_id"] for e in events} == {plan.digest.removeprefix("sha256:")[:12] + "-run-2"}, "journal run 2"
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


def test_a_stop_future_done_before_the_run_stops_it_before_any_step(
    rehearsal: tuple[Sim, hcx.Plan], tmp_path: Path
) -> None:
    sim, plan = rehearsal
    stop: concurrent.futures.Future[None] = concurrent.futures.Future()
    stop.cancel()
    result = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=tmp_path / "journal.sqlite",
                       stop=stop, **FAST)  # type: ignore[arg-type]
    assert (result.outcome, result.calls) == ("interrupted", []), result.message
    assert [e["event"] for e in result.events] == ["stream-started", "run-started", "run-finished"]
    with pytest.raises(hcx.InvalidArgument, match="stop must be a concurrent.futures.Future"):
        hcx.apply(plan, sim.endpoints, SIM_PASSWORD, stop=True)  # type: ignore[arg-type]


def counters(sim: Sim) -> dict[str, dict[str, Any]]:
    """Each manager's `/hcx-sim/counters`: what the simulator was asked and did, by site."""
    out: dict[str, dict[str, Any]] = {}
    for endpoint in sim.endpoints_doc()["endpoints"]:
        with urllib.request.urlopen(f"{endpoint['url']}/hcx-sim/counters", timeout=10) as r:
            out[endpoint["site"]] = json.load(r)
    return out


def assert_each_upgrade_once(sim: Sim, planned: Sequence[object]) -> None:
    """Every upgrade the plan sends (`planned`, a dry run's calls) reached its manager exactly once."""
    seen_by_sim = counters(sim)
    performed = {(site, what): n for site, c in seen_by_sim.items() for what, n in c["performed_on"].items()}
    assert performed and all(n == 1 for n in performed.values()), performed
    upgrades = sum(c["endpoints"][e]["performed"] for c in seen_by_sim.values()
                   for e in ("appliance_upgrade", "manager_upgrade_start") if e in c["endpoints"])
    assert upgrades == len(planned), (planned, seen_by_sim)


def fast_rehearsal(tmp_path: Path) -> tuple[hcx.Plan, Path, list[str]]:
    """The rehearsal at 3000x written to `tmp_path/scenario.json`: its plan, a journal path, the manual steps."""
    scenario = json.loads(REHEARSAL.read_text())
    scenario["timing"]["time_scale"] = 3000.0
    (tmp_path / "scenario.json").write_text(json.dumps(scenario))
    plan = hcx.plan(hcx.Fleet.from_dict(scenario["fleet"]), "latest", date=DATE)
    return plan, tmp_path / "journal.sqlite", manual_steps(plan)


def test_a_cancelled_apply_async_is_interrupted_and_a_resume_sends_every_upgrade_once(tmp_path: Path) -> None:
    plan, journal, confirm = fast_rehearsal(tmp_path)
    with run_sim(tmp_path / "scenario.json", tmp_path) as sim:
        # The upgrades the plan sends, by site: what the dry run lists.
        planned = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, confirm=confirm, **FAST).calls  # type: ignore[arg-type]
        assert planned and not any(counters(sim)[s]["performed_on"] for s in ("dc1", "dc2"))

        seen: list[Event] = []
        on_loop: list[bool] = []

        async def cancelled_after_the_first_call() -> None:
            loop = asyncio.get_running_loop()

            def on_event(e: Event) -> None:
                # Delivered on the loop's thread, so cancelling the task from here is safe.
                on_loop.append(asyncio.get_running_loop() is loop)
                seen.append(e)
                if e["event"] == "call" and sum(x["event"] == "call" for x in seen) == 1:
                    task.cancel()

            task = asyncio.create_task(
                hcx.apply_async(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, confirm=confirm,
                                on_event=on_event, **FAST)
            )
            with pytest.raises(asyncio.CancelledError):
                await task
            assert task.cancelled()

        asyncio.run(cancelled_after_the_first_call())
        assert on_loop and all(on_loop)
        calls = [e for e in seen if e["event"] == "call"]
        first = calls[0]
        assert first["event"] == "call" and first["sent"]
        # The run went on to its next safe point, journaled the call in flight and ended interrupted.
        last = seen[-1]
        assert last["event"] == "run-finished" and last["outcome"] == "interrupted" and last["level"] == "warn", last
        assert len(calls) < len(planned), "stopped mid-run"
        with pytest.raises(hcx.ApplyError, match="unfinished"):
            hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, confirm=confirm,
                      **FAST)  # type: ignore[arg-type]

        result = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, resume=True,
                           confirm=confirm, **FAST)  # type: ignore[arg-type]
        assert result.outcome == "succeeded", result.message
        # Every upgrade the plan sends reached its manager exactly once, over both runs.
        assert_each_upgrade_once(sim, planned)


def test_apply_events_iterates_a_run_and_leaving_the_loop_stops_it_resumably(tmp_path: Path) -> None:
    plan, journal, confirm = fast_rehearsal(tmp_path)
    with run_sim(tmp_path / "scenario.json", tmp_path) as sim:
        planned = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, confirm=confirm, **FAST).calls  # type: ignore[arg-type]

        async def first_call_then_leave() -> list[str]:
            kinds: list[str] = []
            async for event in hcx.apply_events(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal,
                                                confirm=confirm, **FAST):
                kinds.append(event["event"])
                if event["event"] == "call":
                    break
            return kinds

        kinds = asyncio.run(first_call_then_leave())
        assert kinds[0] == "stream-started" and kinds[-1] == "call", kinds
        history = hcx.apply(plan, sim.endpoints, SIM_PASSWORD, execute=True, journal=journal, confirm=confirm,
                            resume=True, **FAST)  # type: ignore[arg-type]
        assert history.outcome == "succeeded", history.message

        async def all_events() -> list[Event]:
            return [e async for e in hcx.apply_events(plan, sim.endpoints, SIM_PASSWORD, **FAST)]

        # A dry run after the upgrades: the stream ends with its own run-finished, and nothing is left to send.
        dry = asyncio.run(all_events())
        assert dry[0]["event"] == "stream-started" and dry[-1]["event"] == "run-finished", dry
        assert_each_upgrade_once(sim, planned)
