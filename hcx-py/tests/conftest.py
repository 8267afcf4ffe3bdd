"""Shared fixtures. The tests exercise the installed `hcx` package, never the source tree."""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

import hcx

#: The repository root (hcx-py/tests/conftest.py -> ../..).
REPO = Path(__file__).resolve().parents[2]

#: The bundled catalog's `as_of` date: support verdicts in the tests are judged on it, not on today.
PLAN_DATE = datetime.date(2026, 11, 28)

T = TypeVar("T")


def utc_today() -> datetime.date:
    """Today in UTC: the default date of `hcx.plan` and friends (`hcx_core::plan::today`). Tests read "today" only
    here, so the test command's faketime stage moves it for every test at once."""
    return datetime.datetime.now(datetime.timezone.utc).date()


def on_one_day(run: Callable[[], T]) -> tuple[T, datetime.date]:
    """Runs `run` so that every read of today's date in it (here and in the processes it starts) sees the same UTC
    day, and returns its result and that day. `run` runs again when midnight passed during it, which happens at
    most once in two short runs; a real difference shows on both."""
    while True:
        before = utc_today()
        result = run()
        if utc_today() == before:
            return result, before


@pytest.fixture
def sample() -> hcx.Fleet:
    return hcx.Fleet.sample()


@pytest.fixture
def sample_dict(sample: hcx.Fleet) -> dict[str, Any]:
    return copy.deepcopy(sample.to_dict())


@pytest.fixture
def blocked_fleet(sample_dict: dict[str, Any]) -> hcx.Fleet:
    """The sample fleet with a migration in flight, which blocks any upgrade."""
    sample_dict["migrations"].append({"id": "mig-0999", "state": "in_progress", "site": "dc1"})
    return hcx.Fleet.from_dict(sample_dict)


class Sim:
    """A running `hcx-sim` process and the endpoints file it wrote."""

    def __init__(self, process: subprocess.Popen[str], endpoints: Path) -> None:
        self.process = process
        self.endpoints = endpoints

    def endpoints_doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.endpoints.read_text())
        return doc


def _sim_binary() -> Path:
    binary = os.environ.get("HCX_SIM_BIN")
    if not binary:
        if os.environ.get("HCX_REQUIRE_SIM"):
            pytest.fail("HCX_REQUIRE_SIM is set but HCX_SIM_BIN is not")
        pytest.skip("set HCX_SIM_BIN to the hcx-sim binary to run the discovery tests")
    return Path(binary)


@contextlib.contextmanager
def run_sim(scenario: Path, workdir: Path) -> Iterator[Sim]:
    """Starts hcx-sim on ephemeral loopback ports and waits until it says it is ready."""
    endpoints = workdir / "endpoints.json"
    process = subprocess.Popen(
        [str(_sim_binary()), "--scenario", str(scenario), "--port", "0", "--write-endpoints", str(endpoints)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        seen = []
        # Blocks on each line; the sim prints "ready" once every port is bound (pytest-timeout guards a hang).
        for line in process.stdout:
            seen.append(line)
            if "hcx-sim: ready" in line:
                break
        else:
            pytest.fail(f"hcx-sim exited before it was ready: {''.join(seen)}")
        yield Sim(process, endpoints)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


SIM_SCENARIO = REPO / "hcx-sim" / "scenarios" / "avs-pair.json"
SIM_PASSWORD = "hcx-sim-password"


@pytest.fixture(scope="session")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    with run_sim(SIM_SCENARIO, tmp_path_factory.mktemp("sim")) as s:
        yield s


@pytest.fixture(scope="session")
def rust_cli() -> Path:
    """The Rust `hcx` binary (`HCX_CLI_BIN`); the test is skipped without it, and fails when the test command
    asked for every comparison (`HCX_REQUIRE_SIM`)."""
    binary = os.environ.get("HCX_CLI_BIN")
    if not binary:
        if os.environ.get("HCX_REQUIRE_SIM"):
            pytest.fail("HCX_REQUIRE_SIM is set but HCX_CLI_BIN is not")
        pytest.skip("set HCX_CLI_BIN to the hcx binary to compare with the Rust CLI")
    return Path(binary)
