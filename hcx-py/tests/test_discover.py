"""Discovery against hcx-sim (a loopback simulator of the HCX Manager API), blocking and async."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import hcx
from conftest import PLAN_DATE, SIM_PASSWORD, SIM_SCENARIO, Sim, run_sim

SITES = ["onprem-dc1", "avs-westeurope"]


def assert_is_the_scenario_fleet(d: hcx.Discovery) -> None:
    expected = json.loads(SIM_SCENARIO.read_text())["fleet"]
    fleet = d.fleet
    assert [s.id for s in fleet.sites] == SITES
    assert [str(s.version) for s in fleet.sites] == [s["version"] for s in expected["sites"]]
    assert [(p.source, p.destination) for p in fleet.pairs] == [("onprem-dc1", "avs-westeurope")]
    (mesh,) = fleet.meshes
    assert mesh.id == expected["meshes"][0]["id"]
    assert sorted(a.kind for a in mesh.appliances) == ["IX", "NE", "WO"]
    assert sorted(e.network for e in fleet.extensions) == ["vlan-110-app", "vlan-120-db"]
    assert [(m.id, m.active) for m in fleet.migrations] == [("migration-7d3c2a10", True)]
    assert [site for site, _ in d.versions] == SITES
    assert d.complete and d.failures == []


def test_discover_blocking(sim: Sim) -> None:
    d = hcx.discover(sim.endpoints, SIM_PASSWORD)
    assert_is_the_scenario_fleet(d)
    assert any("binding" in w for w in d.warnings), "the API does not report port-group binding"
    assert "sites=2" in repr(d)


def test_discovered_fleet_can_be_planned(sim: Sim) -> None:
    fleet = hcx.discover(str(sim.endpoints), SIM_PASSWORD).fleet
    plan = hcx.plan(fleet, "4.11.4", date=PLAN_DATE)
    blocking = {f.rule for f in plan.findings if f.blocks}
    assert {"active-migrations", "wan-opt-removed"} <= blocking


def test_endpoints_as_a_dict_and_passwords_per_site(sim: Sim) -> None:
    d = hcx.discover(sim.endpoints_doc(), {site: SIM_PASSWORD for site in SITES}, concurrency=1)
    assert_is_the_scenario_fleet(d)


def test_passwords_from_the_environment(sim: Sim, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HCX_PASSWORD", raising=False)
    monkeypatch.setenv("HCX_PASSWORD_ONPREM_DC1", SIM_PASSWORD)
    with pytest.raises(hcx.InvalidArgument, match="no password for site avs-westeurope: .*HCX_PASSWORD_AVS_WESTEUROPE"):
        hcx.discover(sim.endpoints)
    monkeypatch.setenv("HCX_PASSWORD", SIM_PASSWORD)
    assert_is_the_scenario_fleet(hcx.discover(sim.endpoints))


def test_wrong_password_is_an_auth_error(sim: Sim) -> None:
    with pytest.raises(hcx.AuthError) as info:
        hcx.discover(sim.endpoints, "not-the-password", max_attempts=1)
    assert isinstance(info.value, PermissionError) and isinstance(info.value, hcx.HcxError)
    message = str(info.value)
    assert message.startswith("site onprem-dc1 (http://127.0.0.1:")
    assert "login refused" in message
    assert "not-the-password" not in message


def test_partial_discovery_lists_failures(sim: Sim) -> None:
    passwords = {"onprem-dc1": SIM_PASSWORD, "avs-westeurope": "wrong"}
    d = hcx.discover(sim.endpoints, passwords, max_attempts=1, strict=False)
    assert not d.complete
    (failure,) = d.failures
    assert failure.site == "avs-westeurope" and failure.url.startswith("http://127.0.0.1:")
    assert isinstance(failure.error, hcx.AuthError)
    assert "avs-westeurope" in str(failure.error)
    assert [site for site, _ in d.versions] == ["onprem-dc1"]
    assert "onprem-dc1" in [s.id for s in d.fleet.sites]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_unreachable_manager_is_a_connection_error(sim: Sim) -> None:
    doc = sim.endpoints_doc()
    doc["endpoints"] = doc["endpoints"][:1]
    doc["endpoints"][0]["url"] = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(hcx.ConnectionError) as info:
        hcx.discover(doc, SIM_PASSWORD, max_attempts=1, connect_timeout=2.0)
    assert isinstance(info.value, ConnectionError) and isinstance(info.value, hcx.HcxError)
    assert "onprem-dc1" in str(info.value)


@pytest.mark.parametrize(
    ("fault", "expected", "needle"),
    [
        ({"kind": "latency", "ms": 5000}, hcx.TimeoutError, "timed out"),
        ({"kind": "reset"}, hcx.ConnectionError, "connection broke"),
        ({"kind": "status", "status": 503}, hcx.HcxError, "http 503"),
    ],
)
def test_manager_faults_map_to_exceptions(
    tmp_path: Path, fault: dict[str, Any], expected: type[hcx.HcxError], needle: str
) -> None:
    scenario: dict[str, Any] = json.loads(SIM_SCENARIO.read_text())
    scenario["managers"]["onprem-dc1"] = {"faults": [{"endpoint": "support", **fault}]}
    file = tmp_path / "faulty.json"
    file.write_text(json.dumps(scenario))
    with run_sim(file, tmp_path) as faulty:
        with pytest.raises(hcx.HcxError) as info:
            hcx.discover(faulty.endpoints, SIM_PASSWORD, max_attempts=1, timeout=0.5, read_timeout=0.5)
    assert type(info.value) is expected
    assert str(info.value).startswith("site onprem-dc1 ") and needle in str(info.value)
    builtin = {hcx.TimeoutError: TimeoutError, hcx.ConnectionError: ConnectionError}.get(expected)
    if builtin is not None:
        assert isinstance(info.value, builtin)


def test_discover_async(sim: Sim) -> None:
    async def main() -> list[hcx.Discovery]:
        return list(
            await asyncio.gather(
                hcx.discover_async(sim.endpoints, SIM_PASSWORD),
                hcx.discover_async(sim.endpoints_doc(), SIM_PASSWORD, concurrency=1),
            )
        )

    results = asyncio.run(main())
    for d in results:
        assert_is_the_scenario_fleet(d)
    assert results[0].fleet == results[1].fleet == hcx.discover(sim.endpoints, SIM_PASSWORD).fleet


def test_discover_async_raises_mapped_errors(sim: Sim) -> None:
    async def main() -> hcx.Discovery:
        return await hcx.discover_async(sim.endpoints, "wrong", max_attempts=1)

    with pytest.raises(hcx.AuthError):
        asyncio.run(main())


def test_discover_async_needs_a_running_loop(sim: Sim) -> None:
    with pytest.raises(RuntimeError):
        hcx.discover_async(sim.endpoints, SIM_PASSWORD)


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(hcx.InvalidArgument, match="cannot read endpoints file"):
        hcx.discover(tmp_path / "missing.json", "x")
    with pytest.raises(hcx.InvalidArgument, match="invalid endpoints file"):
        hcx.discover({"schema": "hcx-endpoints/v9", "endpoints": []}, "x")
    doc = {"schema": "hcx-endpoints/v1", "endpoints": []}
    with pytest.raises(hcx.InvalidArgument, match="timeout must be a finite number of seconds"):
        hcx.discover(doc, "x", timeout=-1.0)
    with pytest.raises(hcx.InvalidArgument, match="cannot read ca bundle"):
        hcx.discover(doc, "x", ca_bundle=tmp_path / "missing.pem")
    with pytest.raises(TypeError, match="expected an endpoints file path"):
        hcx.discover(42, "x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a password str or a mapping"):
        hcx.discover(doc, 42)  # type: ignore[arg-type]
    # An empty endpoints list is a mistake, not an empty fleet.
    with pytest.raises(hcx.InvalidArgument, match="no endpoints listed: nothing to discover"):
        hcx.discover(doc, "x")


def test_discover_async_processes_exit_cleanly(sim: Sim) -> None:
    # Regression: bridging a tokio future into asyncio crashed about one process in four at interpreter exit
    # when the machine was busy. Eight at once make the machine busy.
    script = (
        "import asyncio, sys, hcx\n"
        "async def main():\n"
        "    return await hcx.discover_async(sys.argv[1], sys.argv[2], max_attempts=2)\n"
        "print(len(asyncio.run(main()).fleet.sites))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(sim.endpoints), SIM_PASSWORD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    results = []
    for p in procs:
        with p:
            out, err = p.communicate(timeout=60)
            results.append((p.returncode, out.strip(), err))
    assert results == [(0, "2", "")] * 8


def test_client_errors_carry_their_code_kind_and_site(sim: Sim) -> None:
    # A response cap below any answer: the manager answered, not usefully.
    with pytest.raises(hcx.HcxError) as info:
        hcx.discover(sim.endpoints, SIM_PASSWORD, max_response_bytes=16, max_attempts=1)
    e = info.value
    assert type(e) is hcx.HcxError
    assert e.code == "HCX_MANAGER_ERROR" and getattr(e, "kind") == "response-too-large", e
    assert getattr(e, "site") in SITES and getattr(e, "url").startswith("http")
    with pytest.raises(hcx.AuthError) as auth:
        hcx.discover(sim.endpoints, "s3cret-not-this-one")
    assert (auth.value.code, auth.value.kind) == ("HCX_AUTH_FAILED", "auth")
    assert auth.value.site in SITES and auth.value.url is not None
    assert hcx.discover(sim.endpoints, SIM_PASSWORD, max_response_bytes=16 << 20).complete
