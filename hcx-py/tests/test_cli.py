"""`python -m hcx plan`, run as a subprocess like a user would."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import hcx
import hcx.__main__
from conftest import PLAN_DATE, SIM_PASSWORD, Sim

#: The long options of `hcx plan`, as `hcx plan --help` lists them (without the CLI's global --color, --log-format,
#: --verbose and --quiet, and --help); the parity test reads them from the binary when it is there.
CLI_PLAN_OPTIONS = {
    "--fleet",
    "--max-input-bytes",
    "--discover",
    "--concurrency",
    "--ca-cert",
    "--connect-timeout",
    "--read-timeout",
    "--timeout",
    "--max-response-bytes",
    "--danger-accept-invalid-certs",
    "--danger-allow-insecure-http",
    "--target",
    "--format",
    "--out",
    "--ack",
    "--fail-on",
    "--min-confidence",
    "--date",
    "--catalog",
    "--catalog-url",
    "--catalog-sha256",
    "--ne-in-service",
}
#: What `python -m hcx` leaves out on purpose: it writes no colour and no log.
CLI_GLOBAL_OPTIONS = {"--color", "--verbose", "--quiet", "--log-format", "--help"}


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


def plan_parser() -> argparse.ArgumentParser:
    parser = hcx.__main__._parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    plan: argparse.ArgumentParser = sub.choices["plan"]
    return plan


def python_plan_options() -> set[str]:
    return {o for a in plan_parser()._actions for o in a.option_strings if o.startswith("--")} - {"--help"}


def test_plan_takes_every_option_of_hcx_plan() -> None:
    # Aliases are extra names: --allow-insecure-http is the CLI's alias of --danger-allow-insecure-http.
    assert python_plan_options() - {"--allow-insecure-http"} == CLI_PLAN_OPTIONS


def test_plan_options_match_the_rust_cli_help(rust_cli: Path) -> None:
    r = subprocess.run([str(rust_cli), "plan", "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr
    listed = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", r.stdout, re.MULTILINE))
    assert listed - CLI_GLOBAL_OPTIONS == CLI_PLAN_OPTIONS, r.stdout
    assert python_plan_options() - {"--allow-insecure-http"} == listed - CLI_GLOBAL_OPTIONS


@pytest.mark.parametrize(
    ("args", "doc_start"),
    [
        (("--out", "plan.md"), "# HCX upgrade plan: target 4.11.4"),
        (("--out", "plan.json"), "{"),
        (("--out", "plan.html"), "<!DOCTYPE html>"),
        (("--out", "plan.out", "--format", "text"), "HCX upgrade plan: target 4.11.4"),
    ],
)
def test_out_writes_the_document_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], doc_start: str
) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("plan", "--target", "4.11.4", "--date", PLAN_DATE.isoformat(), *args)
    assert r.returncode == 0, r.stderr
    expected = hcx.plan(hcx.Fleet.sample(), "4.11.4", date=PLAN_DATE)
    out = tmp_path / args[1]
    assert out.read_text().startswith(doc_start)
    assert r.stdout == (
        f"hcx: wrote {args[1]} (hcx-plan/v2, target 4.11.4, {expected.summary.steps} steps, 0 blockers; "
        f"digest {expected.digest})\n"
    )
    if args[1].endswith(".json"):
        assert out.read_text() == expected.to_json() + ("" if expected.to_json().endswith("\n") else "\n")


def test_html_format_draws_the_fleet() -> None:
    r = run("plan", "--target", "4.11.4", "--date", PLAN_DATE.isoformat(), "--format", "html")
    assert r.returncode == 0, r.stderr
    fleet = hcx.Fleet.sample()
    assert r.stdout.rstrip("\n") == hcx.plan(fleet, "4.11.4", date=PLAN_DATE).to_html(fleet).rstrip("\n")


def test_fail_on_and_min_confidence() -> None:
    on = ("plan", "--target", "4.11.4", "--date", PLAN_DATE.isoformat())
    assert run(*on).returncode == 0
    # The sample has warnings (third-party path evidence among them).
    assert run(*on, "--fail-on", "warning").returncode == 1
    strict = run(*on, "--min-confidence", "confirmed", "--format", "json")
    assert strict.returncode == 1, strict.stderr
    expected = hcx.plan(hcx.Fleet.sample(), "4.11.4", date=PLAN_DATE, min_confidence="confirmed")
    assert strict.stdout == expected.to_json() + ("" if expected.to_json().endswith("\n") else "\n")


def test_max_input_bytes(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.json"
    fleet.write_text(hcx.Fleet.sample().to_json())
    on = ("plan", "--fleet", str(fleet), "--date", PLAN_DATE.isoformat())
    r = run(*on, "--max-input-bytes", "100")
    assert r.returncode == 2 and "hcx: error: invalid fleet" in r.stderr, r.stderr
    assert run(*on, "--max-input-bytes", str(fleet.stat().st_size)).returncode == 0


def test_option_misuse_exits_2(tmp_path: Path) -> None:
    on = ("plan", "--date", PLAN_DATE.isoformat())
    for args in (
        ("--concurrency", "4"),
        ("--catalog-sha256", "ab"),
        ("--catalog", "a.json", "--catalog-url", "https://example.invalid/c.json"),
        ("--ca-cert", "ca.pem", "--danger-accept-invalid-certs"),
        ("--timeout", "0s"),
        ("--timeout", "soon"),
        ("--min-confidence", "inferred"),
        ("--fail-on", "info"),
        ("--out", str(tmp_path / "plan.yaml")),
        ("--catalog-url", "http://example.invalid/catalog.json"),
    ):
        r = run(*on, *args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr, args


def test_durations() -> None:
    d = hcx.__main__.duration
    assert (d("30s"), d("250ms"), d("2m"), d("1h"), d("7")) == (30.0, 0.25, 120.0, 3600.0, 7.0)
    for bad in ("0s", "s", "1d", "-1s", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            d(bad)
