"""`python -m hcx plan`, run as a subprocess like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import hcx
from conftest import PLAN_DATE, SIM_PASSWORD, Sim


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hcx", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_clean_plan_exits_0_and_prints_text() -> None:
    r = run("plan", "--target", "validated", "--date", PLAN_DATE.isoformat())
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HCX upgrade plan: target 4.11.4")
    assert "bundled sample fleet" in r.stderr


def test_formats(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.json"
    fleet.write_text(hcx.Fleet.sample().to_json())
    common = ("plan", "--fleet", str(fleet), "--target", "4.11.4", "--date", PLAN_DATE.isoformat())
    md = run(*common, "--format", "markdown")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# HCX upgrade plan: target 4.11.4")
    assert md.stderr == ""
    js = run(*common, "--format", "json")
    assert js.returncode == 0, js.stderr
    expected = hcx.plan(hcx.Fleet.sample(), "4.11.4", date=PLAN_DATE)
    assert json.loads(js.stdout) == expected.to_dict()


def test_blockers_exit_1_and_ack_clears_them(blocked_fleet: hcx.Fleet) -> None:
    args = ("plan", "--fleet", "-", "--target", "4.11.4", "--date", PLAN_DATE.isoformat())
    r = run(*args, stdin=blocked_fleet.to_json())
    assert r.returncode == 1, r.stderr
    assert "active-migrations" in r.stdout
    blocking = sorted({f.rule for f in hcx.check(blocked_fleet, "4.11.4", date=PLAN_DATE) if f.blocks})
    acks = [a for rule in blocking for a in ("--ack", rule)]
    r = run(*args, *acks, stdin=blocked_fleet.to_json())
    assert r.returncode == 0, r.stdout + r.stderr


def test_bad_input_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "hcx-fleet/v1", "sites": []}')
    # A pinned date, so each case fails for its own reason, not for the plan date.
    on = ("--date", PLAN_DATE.isoformat())
    r = run("plan", "--fleet", str(bad), *on)
    assert r.returncode == 2
    assert r.stdout == ""
    assert "hcx: error: invalid fleet" in r.stderr and "$.sites" in r.stderr
    for args in (
        ("plan", "--fleet", str(tmp_path / "missing.json"), *on),
        ("plan", "--target", "4.x", *on),
        ("plan", "--target", "4.99.0", *on),
        ("plan", "--ack", "no-such-rule", *on),
        ("plan", "--catalog", str(bad), *on),
        ("plan", "--format", "yaml", *on),
        ("plan", "--date", "tomorrow"),
        ("frobnicate",),
        (),
    ):
        r = run(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr, args


def test_version_flag() -> None:
    r = run("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"hcx {hcx.__version__}"


def test_plan_from_discovery(sim: Sim) -> None:
    env = {**os.environ, "HCX_PASSWORD": SIM_PASSWORD}
    args = [sys.executable, "-m", "hcx", "plan", "--discover", str(sim.endpoints), "--target", "4.11.4"]
    args += ["--date", PLAN_DATE.isoformat()]
    r = subprocess.run([*args, "--format", "json"], capture_output=True, text=True, timeout=60, check=False, env=env)
    # The simulated fleet has a migration in flight: a blocker.
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["summary"]["sites"] == 2 and doc["target"] == "4.11.4"
    wrong = {**os.environ, "HCX_PASSWORD": "s3cret-not-this-one"}
    r = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False, env=wrong)
    assert r.returncode == 2
    assert "login refused" in r.stderr and "s3cret-not-this-one" not in r.stderr
    r = run("plan", "--discover", str(sim.endpoints), "--fleet", "x.json")
    assert r.returncode == 2 and "not allowed with argument" in r.stderr


def test_default_plan_mirrors_the_rust_cli() -> None:
    # Same default target and the same bytes as `hcx plan --date ...` (pinned by the Rust golden file).
    golden = Path(__file__).resolve().parents[2] / "hcx-core" / "tests" / "golden" / "sample-plan.txt"
    r = run("plan", "--date", PLAN_DATE.isoformat())
    assert r.returncode == 0, r.stderr
    assert r.stdout == golden.read_text()
