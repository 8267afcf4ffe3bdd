from __future__ import annotations

import datetime
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from typing import Any

import hcx
from conftest import PLAN_DATE, on_one_day


@pytest.fixture
def validated(sample: hcx.Fleet) -> hcx.Plan:
    return hcx.plan(sample, "validated", date=PLAN_DATE)


def test_sample_fleet_to_the_validated_release(validated: hcx.Plan) -> None:
    p = validated
    assert p.schema == "hcx-plan/v2"
    assert p.target == hcx.Version("4.11.4")
    assert "avs" in p.target_reason
    assert p.date == PLAN_DATE
    assert p.catalog_as_of == hcx.Catalog.bundled().as_of
    assert not p.has_blockers
    s = p.summary
    assert (s.sites, s.pairs, s.meshes, s.steps, s.blockers) == (2, 1, 1, len(p.steps), 0)
    assert s.warnings == sum(f.severity == "warning" for f in p.findings)
    assert "4.11.4" in repr(p)


def test_steps_are_ordered_and_complete(validated: hcx.Plan) -> None:
    steps = validated.steps
    assert [s.id for s in steps] == [f"S{i}" for i in range(1, len(steps) + 1)]
    phases = ["prepare", "managers", "converge", "mesh", "verify"]
    order = [phases.index(s.phase) for s in steps]
    assert order == sorted(order), "phases run in order"
    ids = {s.id for s in steps}
    for s in steps:
        assert set(s.depends_on) <= ids
        assert s.title and s.owner in {"customer", "provider"}
        assert s.estimate.minutes >= 0 and s.estimate.basis
        assert isinstance(s.impact.summary, str)
    upgrades = [s for s in steps if s.kind == "upgrade-manager"]
    assert {s.site for s in upgrades} == {"dc1", "avs-weu"}
    assert all(s.to == hcx.Version("4.11.4") for s in upgrades)
    dc1 = next(s for s in upgrades if s.site == "dc1")
    assert dc1.from_ == hcx.Version("4.10.3")
    assert dc1.impact.manager_reboot
    avs = next(s for s in upgrades if s.site == "avs-weu")
    assert avs.owner == "provider"
    ne_steps = [s for s in steps if s.impact.ne_mode is not None]
    assert ne_steps and {s.impact.ne_mode for s in ne_steps} <= {"standard", "in-service", "ha-standby-first"}
    snapshot = next(s for s in steps if s.kind == "snapshot")
    assert snapshot.site == "dc1"
    assert validated.step("S1") is not None and validated.step("S1").id == "S1"  # type: ignore[union-attr]
    assert validated.step("S999") is None


def test_rollback_and_schedule(validated: hcx.Plan) -> None:
    rollbacks = [s.rollback for s in validated.steps if s.rollback is not None]
    assert rollbacks and all(r.summary for r in rollbacks)
    schedule = validated.schedule
    assert schedule is not None, "the sample fleet has maintenance windows"
    step_ids = {s.id for s in validated.steps}
    for slot in schedule.slots:
        assert slot.step in step_ids
        assert slot.window in (0, 1)
        assert slot.start.tzinfo is not None and slot.start <= slot.end
    for unfitted in schedule.unfitted:
        assert unfitted.step in step_ids and unfitted.reason


def test_findings(validated: hcx.Plan) -> None:
    rules = [f.rule for f in validated.findings]
    assert "end-of-support" in rules
    eos = next(f for f in validated.findings if f.rule == "end-of-support")
    assert (eos.severity, eos.acknowledged, eos.blocks) == ("warning", False, False)
    assert "4.10.3" in eos.message and eos.remediation and eos.sources
    severities = [f.severity for f in validated.findings]
    rank = {"blocker": 0, "warning": 1, "info": 2}
    assert [rank[s] for s in severities] == sorted(rank[s] for s in severities), "blockers first"


def test_renderings(validated: hcx.Plan) -> None:
    text = validated.to_text()
    assert text.startswith("HCX upgrade plan: target 4.11.4")
    markdown = validated.to_markdown()
    assert markdown.startswith("# HCX upgrade plan: target 4.11.4")
    assert "## Findings" in markdown
    doc = json.loads(validated.to_json())
    assert doc["schema"] == "hcx-plan/v2" and doc["target"] == "4.11.4"
    assert [s["id"] for s in doc["steps"]] == [s.id for s in validated.steps]
    assert validated.to_dict() == doc


def test_html_report(sample: hcx.Fleet, validated: hcx.Plan) -> None:
    page = validated.to_html(sample)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page
    for step in validated.steps:
        assert f'data-step="{step.id}"' in page
    assert 'data-network="web-vlan10"' in page
    assert "connector · on-prem" in page
    # From the plan alone: the same drawing, without what only the fleet knows.
    alone = validated.to_html()
    assert 'data-step="S1"' in alone and "connector · on-prem" not in alone


def test_html_report_escapes_fleet_strings(sample_dict: dict[str, Any]) -> None:
    sample_dict["sites"][0]["name"] = "<script>alert(1)</script>"
    fleet = hcx.Fleet.from_dict(sample_dict)
    page = hcx.plan(fleet, "4.11.4", date=PLAN_DATE).to_html(fleet)
    assert "<script" not in page
    assert "&#60;script&#62;alert(1)&#60;/script&#62;" in page


def test_plans_are_deterministic_across_threads(sample: hcx.Fleet) -> None:
    # Planning runs with the GIL released; concurrent plans must not interfere.
    expected = hcx.plan(sample, "latest", date=PLAN_DATE).to_json()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: hcx.plan(sample, "latest", date=PLAN_DATE).to_json(), range(8)))
    assert results == [expected] * 8


def test_target_forms(sample: hcx.Fleet) -> None:
    latest = hcx.plan(sample, "latest", date=PLAN_DATE)
    # 4.11.5 is newer, but AVS has not offered it to its provider-owned Cloud Managers.
    newest_reachable = hcx.Version("4.11.4")
    assert latest.target == newest_reachable
    # Without a target, hcx-core's default: the AVS-validated release for this AVS fleet.
    assert hcx.plan(sample, date=PLAN_DATE).to_json() == hcx.plan(sample, "validated", date=PLAN_DATE).to_json()
    assert hcx.plan(sample, hcx.Version("4.11.4"), date=PLAN_DATE).target == hcx.Version("4.11.4")
    assert hcx.plan(sample, target="4.11.4.0", date=PLAN_DATE).target == hcx.Version("4.11.4")


def test_date_defaults_to_today_utc(sample: hcx.Fleet) -> None:
    p, today = on_one_day(lambda: hcx.plan(sample, "validated"))
    assert p.date == today
    assert p.to_json() == hcx.plan(sample, "validated", date=today).to_json()
    # A datetime is a date too; its day is used.
    assert hcx.plan(sample, "validated", date=datetime.datetime(2026, 1, 2, 3, 4)).date == datetime.date(2026, 1, 2)


def test_downgrade_target_is_a_blocker(sample: hcx.Fleet) -> None:
    p = hcx.plan(sample, "4.11.0", date=PLAN_DATE)
    assert p.has_blockers
    downgrade = [f for f in p.findings if f.rule == "downgrade"]
    assert downgrade and downgrade[0].severity == "blocker" and downgrade[0].blocks
    assert "avs-weu" in downgrade[0].subjects
    assert p.summary.blockers == sum(f.blocks for f in p.findings)


def test_acknowledging_blockers(blocked_fleet: hcx.Fleet) -> None:
    p = hcx.plan(blocked_fleet, "4.11.4", date=PLAN_DATE)
    blocking = {f.rule for f in p.findings if f.blocks}
    assert "active-migrations" in blocking
    assert p.has_blockers
    acked = hcx.plan(blocked_fleet, "4.11.4", date=PLAN_DATE, ack=sorted(blocking))
    assert not acked.has_blockers
    assert all(f.acknowledged for f in acked.findings if f.rule in blocking)
    assert acked.summary.acknowledged == len([f for f in acked.findings if f.acknowledged and f.severity == "blocker"])
    assert hcx.plan(blocked_fleet, "4.11.4", date=PLAN_DATE, ack=("active-migrations",)).has_blockers is (
        len(blocking) > 1
    )


def test_check_returns_the_findings_alone(blocked_fleet: hcx.Fleet) -> None:
    findings = hcx.check(blocked_fleet, "4.11.4", date=PLAN_DATE)
    p = hcx.plan(blocked_fleet, "4.11.4", date=PLAN_DATE)
    assert [(f.rule, f.message) for f in findings] == [(f.rule, f.message) for f in p.findings]
    assert findings[0].blocks
    acked = hcx.check(blocked_fleet, "4.11.4", date=PLAN_DATE, ack=["active-migrations"])
    assert next(f for f in acked if f.rule == "active-migrations").acknowledged


def test_ne_in_service_is_passed_through(sample: hcx.Fleet) -> None:
    standard = hcx.plan(sample, "validated", date=PLAN_DATE)
    in_service = hcx.plan(sample, "validated", date=PLAN_DATE, ne_in_service=True)
    def modes(p: hcx.Plan) -> list[str]:
        return sorted(s.impact.ne_mode or "" for s in p.steps)

    assert "in-service" not in modes(standard)
    assert "in-service" in modes(in_service)


def test_plan_with_a_catalog_argument(sample: hcx.Fleet) -> None:
    catalog = hcx.Catalog.from_json(hcx.Catalog.bundled().to_json())
    assert (
        hcx.plan(sample, "validated", date=PLAN_DATE, catalog=catalog).to_json()
        == hcx.plan(sample, "validated", date=PLAN_DATE).to_json()
    )


def test_plan_errors(sample: hcx.Fleet) -> None:
    with pytest.raises(hcx.PlanError, match="target 4.99.0 is not a release known"):
        hcx.plan(sample, "4.99.0", date=PLAN_DATE)
    with pytest.raises(hcx.PlanError, match='cannot acknowledge "no-such-rule"'):
        hcx.check(sample, ack=["no-such-rule"], date=PLAN_DATE)
    with pytest.raises(hcx.InvalidVersion, match='"newest"'):
        hcx.plan(sample, "newest")
    with pytest.raises(TypeError, match="expected 'latest', 'validated'"):
        hcx.plan(sample, 4.11)  # type: ignore[arg-type]
    # A str is a sequence of str to the type checker, but one rule id was surely meant as a list.
    with pytest.raises(TypeError):
        hcx.plan(sample, ack="active-migrations")
    with pytest.raises(TypeError):
        hcx.plan(sample.to_dict())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hcx.plan(sample, date="2026-11-28")  # type: ignore[arg-type]


def test_plan_json_round_trip() -> None:
    p = hcx.plan(hcx.Fleet.sample(), "validated", date=PLAN_DATE)
    back = hcx.Plan.from_json(p.to_json())
    assert back.to_json() == p.to_json()
    assert [s.id for s in back.steps] == [s.id for s in p.steps]
    with pytest.raises(hcx.InvalidArgument, match="unsupported plan schema"):
        hcx.Plan.from_json('{"schema": "hcx-plan/v9"}')
    with pytest.raises(hcx.InvalidArgument, match="invalid plan at"):
        hcx.Plan.from_json('{"schema": "hcx-plan/v2", "date": 1}')


def test_rules_and_explain() -> None:
    ids = [r.id for r in hcx.rules()]
    assert "active-migrations" in ids and len(ids) == len(set(ids)) >= 19
    r = hcx.explain("ne-ephemeral-binding")
    assert (r.severity, r.sources) == ("blocker", ["HCX-4.7-NE-UPG"])
    assert "ephemeral" in r.meaning.lower()
    with pytest.raises(hcx.InvalidArgument, match="known rules: redeploy-required"):
        hcx.explain("no-such-rule")
    # Every finding names one of these rules.
    plan = hcx.plan(hcx.Fleet.sample(), "validated", date=PLAN_DATE)
    assert {f.rule for f in plan.findings} <= set(ids)
