"""The options of `hcx.plan` that `hcx plan` has: `min_confidence` and the `--fail-on` check (`Plan.fails_on`),
the fleet size cap, and the plan's HTML display."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import hcx
from conftest import PLAN_DATE


def test_min_confidence_makes_weak_evidence_a_blocker(sample: hcx.Fleet) -> None:
    # The sample's path rests on third-party evidence: a warning by default, a blocker for a stricter team.
    default = hcx.plan(sample, "4.11.4", date=PLAN_DATE)
    strict = hcx.plan(sample, "4.11.4", date=PLAN_DATE, min_confidence="confirmed")
    assert default.confidence == "third-party"
    weak = [f for f in default.findings if f.rule == "weak-evidence"]
    assert weak and all(f.severity == "warning" for f in weak)
    assert not default.has_blockers
    assert [f.severity for f in strict.findings if f.rule == "weak-evidence"] == ["blocker"]
    assert strict.has_blockers and strict.summary.blockers == default.summary.blockers + 1
    # Third-party evidence is enough for a team that accepts it; check() takes the option too.
    assert hcx.plan(sample, "4.11.4", date=PLAN_DATE, min_confidence="third-party").to_json() == default.to_json()
    secondary = hcx.plan(sample, "4.11.4", date=PLAN_DATE, min_confidence="secondary")
    assert hcx.check(sample, "4.11.4", date=PLAN_DATE, min_confidence="secondary") == secondary.findings
    assert "weaker than the required secondary" in str([f.message for f in secondary.findings])


def test_min_confidence_refuses_unknown_levels(sample: hcx.Fleet) -> None:
    with pytest.raises(hcx.InvalidArgument, match='unknown confidence "high"') as info:
        hcx.plan(sample, min_confidence="high")  # type: ignore[arg-type]
    assert info.value.expected == ["confirmed", "secondary", "third-party", "inferred"]
    with pytest.raises(TypeError):
        hcx.plan(sample, min_confidence=1)  # type: ignore[arg-type]


def test_min_confidence_gives_the_bytes_of_the_rust_cli(rust_cli: Path, tmp_path: Path, sample: hcx.Fleet) -> None:
    fleet = tmp_path / "fleet.json"
    fleet.write_text(sample.to_json())
    for level in ("confirmed", "secondary", "third-party"):
        args = [str(rust_cli), "plan", "--fleet", str(fleet), "--target", "4.11.4", "--format", "json"]
        args += ["--date", PLAN_DATE.isoformat(), "--min-confidence", level]
        r = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        expected = hcx.plan(sample, "4.11.4", date=PLAN_DATE, min_confidence=level)
        assert r.returncode == (1 if expected.has_blockers else 0), r.stderr
        assert r.stdout == expected.to_json(), level


def test_fails_on(sample: hcx.Fleet, blocked_fleet: hcx.Fleet) -> None:
    clean = hcx.plan(sample, "4.11.4", date=PLAN_DATE)
    assert any(f.severity == "warning" and not f.acknowledged for f in clean.findings)
    assert not clean.fails_on("blocker") and clean.fails_on("warning")
    assert not clean.fails_on("info") or any(f.severity == "info" for f in clean.findings)
    blocked = hcx.plan(blocked_fleet, "4.11.4", date=PLAN_DATE)
    assert blocked.fails_on("blocker") is blocked.has_blockers is True
    with pytest.raises(hcx.InvalidArgument, match="unknown severity"):
        clean.fails_on("fatal")  # type: ignore[arg-type]


def test_repr_html_is_the_html_report(sample: hcx.Fleet) -> None:
    p = hcx.plan(sample, "4.11.4", date=PLAN_DATE)
    html = p._repr_html_()
    assert html == p.to_html()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "4.11.4" in html


def test_fleet_size_cap(tmp_path: Path, sample: hcx.Fleet) -> None:
    text = sample.to_json()
    assert hcx.Fleet.from_json(text, max_input_bytes=len(text.encode())) == sample
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_json(text, max_input_bytes=100)
    assert info.value.problems[0][0] == "$" and "100" in info.value.problems[0][1]
    f = tmp_path / "fleet.json"
    f.write_text(text)
    assert hcx.Fleet.load(f) == sample
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.load(f, max_input_bytes=100)
    assert info.value.file == str(f)
