"""The hand-written stubs match the runtime (stubtest) and give real types (mypy)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import hcx
from conftest import REPO


def mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    file = tmp_path / "snippet.py"
    file.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )


def test_stubtest_passes(tmp_path: Path) -> None:
    # stubtest ignores MYPY_CACHE_DIR; keep its cache out of the source tree through a config file.
    config = tmp_path / "mypy.ini"
    config.write_text(f"[mypy]\ncache_dir = {tmp_path / 'cache'}\n")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy.stubtest",
            "hcx",
            "--allowlist",
            str(REPO / "hcx-py" / "stubtest-allowlist.txt"),
            "--mypy-config-file",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_package_is_typed() -> None:
    package = Path(hcx.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_hcx.pyi").is_file()


def test_correct_use_type_checks(tmp_path: Path) -> None:
    r = mypy(
        tmp_path,
        """
        import datetime
        import hcx

        fleet: hcx.Fleet = hcx.Fleet.sample()
        plan: hcx.Plan = hcx.plan(fleet, "validated", ack=["end-of-support"], date=datetime.date(2026, 11, 28))
        steps: list[hcx.Step] = plan.steps
        target: hcx.Version = plan.target
        build: str | None = target.build
        hops: list[hcx.Hop] = hcx.path("4.3.3", hcx.Version("4.10.3")).hops
        try:
            hcx.Fleet.from_json("{}")
        except hcx.InvalidFleet as e:
            problems: list[tuple[str, str]] = e.problems
        """,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_misuse_is_caught_by_the_type_checker(tmp_path: Path) -> None:
    r = mypy(
        tmp_path,
        """
        import hcx

        major: str = hcx.Version("4.10.3").major
        hcx.plan(hcx.Fleet.sample(), ack="end-of-support", colour="red")
        hcx.path(from_="4.3.3", to="4.10.3")
        """,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in out
    assert 'Unexpected keyword argument "colour"' in out
    assert "snippet.py:5" in out, "positional-only from_/to"


def test_closed_sets_and_actions_type_check(tmp_path: Path) -> None:
    r = mypy(
        tmp_path,
        """
        import datetime
        from typing import assert_type
        import hcx
        import hcx.errors

        fleet = hcx.Fleet.sample()
        plan = hcx.plan(fleet, "4.11.4", date=datetime.date(2026, 11, 28), min_confidence="third-party")
        blockers = [f for f in plan.findings if f.severity == "blocker"]
        severity: hcx.Severity = plan.findings[0].severity
        phases: set[hcx.Phase] = {s.phase for s in plan.steps}
        platform: hcx.Platform = fleet.sites[0].platform
        if fleet.sites[0].role == "connector" and plan.fails_on("warning"):
            html: str = plan._repr_html_()
        for step in plan.steps:
            a = step.action
            if a is None:
                continue
            assert_type(a.type, hcx.ActionType)
            if a.type == "upgrade-manager":
                start: hcx.Version = a.from_
                bundle: hcx.Version | None = a.bundle
            elif a.type == "upgrade-appliances":
                mode: hcx.NeMode = a.mode
            elif a.type == "manual":
                who: hcx.Owner = a.who
        try:
            hcx.path("4.11.0", "4.10.0")
        except hcx.UnsupportedPath as e:
            if e.reason == "downgrade" and e.code == "HCX_DOWNGRADE":
                older: hcx.Version | None = e.to_version
        except hcx.errors.ConnectionError as e:
            site: str | None = e.site
        """,
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_misspelled_names_fail_type_checking(tmp_path: Path) -> None:
    r = mypy(
        tmp_path,
        """
        import hcx

        plan = hcx.plan(hcx.Fleet.sample())
        site = hcx.Fleet.sample().sites[0]
        step = plan.steps[0]
        if plan.findings[0].severity == "blocer": pass
        if step.phase == "manager": pass
        if step.kind == "upgrade-managers": pass
        if site.platform == "azure": pass
        if site.role == "destination": pass
        hcx.plan(hcx.Fleet.sample(), min_confidence="high")
        plan.fails_on("fatal")
        if step.action is not None:
            step.action.from_
            if step.action.type == "upgrade-managers": pass
            if step.action.type == "verify":
                step.action.site
        try:
            hcx.path("4.11.0", "4.10.0")
        except hcx.UnsupportedPath as e:
            if e.reason == "downgraded": pass
            if e.code == "HCX_DOWNGRAD": pass
        """,
    )
    assert r.returncode == 1, r.stdout + r.stderr
    out = r.stdout
    for line in (7, 8, 9, 10, 11, 22, 23):
        assert f"snippet.py:{line}: error: Non-overlapping equality check" in out, (line, out)
    for line in (12, 13):
        assert f"snippet.py:{line}: error: Argument 1" in out or f"snippet.py:{line}: error: Argument " in out, (
            line,
            out,
        )
    assert 'snippet.py:15: error: Item "PrecheckAction" of' in out and 'has no attribute "from_"' in out, out
    assert "snippet.py:16: error: Non-overlapping equality check" in out, out
    assert 'snippet.py:18: error: "VerifyAction" has no attribute "site"' in out, out
    # Every misspelling, and nothing else.
    assert {int(n) for n in re.findall(r"^snippet\.py:(\d+): error", out, re.MULTILINE)} == {
        7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 22, 23
    }, out
