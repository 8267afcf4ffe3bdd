"""The hand-written stubs match the runtime (stubtest) and give real types (mypy)."""

from __future__ import annotations

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
