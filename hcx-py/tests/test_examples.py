"""The examples under examples/python run as scripts and print what they promise."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO, SIM_PASSWORD, Sim

EXAMPLES = REPO / "examples" / "python"


def test_plan_sample_prints_the_markdown_runbook() -> None:
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "plan_sample.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("# HCX upgrade plan: target 4.11.4")
    assert "## Findings" in r.stdout
    assert "| `end-of-support` |" in r.stdout


def test_discover_sim_discovers_and_plans(sim: Sim) -> None:
    env = {**os.environ, "HCX_PASSWORD": SIM_PASSWORD}
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "discover_sim.py"), str(sim.endpoints)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    # The simulated fleet has a migration in flight and WAN Optimization: blockers, so exit 1.
    assert r.returncode == 1, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:2] == ["discovered onprem-dc1: HCX 4.10.2", "discovered avs-westeurope: HCX 4.10.3"]
    assert "HCX upgrade plan: target 4.11.4" in r.stdout
    assert "[BLOCKER] active-migrations" in r.stdout


def test_discover_sim_usage() -> None:
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "discover_sim.py")], capture_output=True, text=True, timeout=60, check=False
    )
    assert r.returncode == 2 and "usage:" in r.stderr
