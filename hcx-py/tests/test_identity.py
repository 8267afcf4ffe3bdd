"""Plan identity and one policy: the digest, the core defaults, and the same bytes as the Rust CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hcx
from conftest import PLAN_DATE, REPO, on_one_day


def canonical_digest(doc: dict[str, Any]) -> str:
    """The digest as anyone can recompute it: sorted keys, no whitespace, the digest field left out."""
    body = {k: v for k, v in doc.items() if k != "digest"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def test_the_digest_is_recomputable_from_python(sample: hcx.Fleet) -> None:
    p = hcx.plan(sample, date=PLAN_DATE)
    assert p.schema == "hcx-plan/v2"
    assert p.digest == canonical_digest(json.loads(p.to_json()))
    assert p.digest == hcx.plan(sample, date=PLAN_DATE).digest
    p.verify_digest()
    hcx.Plan.from_json(p.to_json()).verify_digest()


def test_an_edited_plan_fails_its_digest(sample: hcx.Fleet) -> None:
    doc = json.loads(hcx.plan(sample, date=PLAN_DATE).to_json())
    doc["steps"][0]["title"] += " (edited)"
    with pytest.raises(hcx.InvalidArgument, match="digest does not match"):
        hcx.Plan.from_json(json.dumps(doc)).verify_digest()


def test_a_v1_plan_names_its_schema(sample: hcx.Fleet) -> None:
    with pytest.raises(hcx.InvalidArgument, match="hcx-plan/v1 document.*make the plan again"):
        hcx.Plan.from_json('{"schema": "hcx-plan/v1", "steps": []}')


def test_findings_renderers_are_core_s(sample: hcx.Fleet) -> None:
    p = hcx.plan(sample, date=PLAN_DATE)
    assert p.findings_to_text().startswith("HCX checks: target 4.11.4 on 2026-11-28\n")
    assert p.findings_to_markdown().startswith("# HCX checks: target 4.11.4")
    findings = json.loads(p.findings_to_json())
    assert findings["schema"] == "hcx-findings/v1"
    assert findings["findings"][0]["rule"] == p.findings[0].rule


def test_steps_carry_typed_actions(sample: hcx.Fleet) -> None:
    doc = json.loads(hcx.plan(sample, date=PLAN_DATE).to_json())
    types = [s["action"]["type"] for s in doc["steps"]]
    assert "upgrade-manager" in types and types[-1] == "verify"


def sample_file(tmp_path: Path, sample: hcx.Fleet) -> Path:
    f = tmp_path / "fleet.json"
    f.write_text(sample.to_json())
    return f


def plan_both_ways(command: list[str], fleet: Path) -> tuple[subprocess.CompletedProcess[str], str]:
    """`command plan --fleet FLEET --format json` and `hcx.plan(fleet)`, both with the default date, on one day."""

    def both() -> tuple[subprocess.CompletedProcess[str], str]:
        args = [*command, "plan", "--fleet", str(fleet), "--format", "json"]
        r = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
        return r, hcx.plan(hcx.Fleet.load(fleet)).to_json()

    (r, expected), today = on_one_day(both)
    assert json.loads(expected)["date"] == today.isoformat()
    return r, expected


def test_no_options_gives_the_bytes_of_python_m_hcx(tmp_path: Path, sample: hcx.Fleet) -> None:
    r, expected = plan_both_ways([sys.executable, "-m", "hcx"], sample_file(tmp_path, sample))
    assert r.returncode in (0, 1), r.stderr
    assert r.stdout == expected


def test_no_options_gives_the_bytes_of_the_rust_cli(tmp_path: Path, sample: hcx.Fleet) -> None:
    binary = os.environ.get("HCX_CLI_BIN")
    if not binary:
        if os.environ.get("HCX_REQUIRE_SIM"):
            pytest.fail("HCX_REQUIRE_SIM is set but HCX_CLI_BIN is not")
        pytest.skip("set HCX_CLI_BIN to the hcx binary to compare with the Rust CLI")
    for fleet in [sample_file(tmp_path, sample), *sorted((REPO / "examples" / "fleets").glob("*.json"))]:
        r, expected = plan_both_ways([binary], fleet)
        assert r.returncode in (0, 1), r.stderr
        assert r.stdout == expected, fleet
