from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

import hcx
from conftest import REPO


def test_sample_fleet_is_readable(sample: hcx.Fleet) -> None:
    assert sample.schema == "hcx-fleet/v1"
    dc1, avs = sample.sites
    assert (dc1.id, dc1.role, dc1.platform, dc1.name) == ("dc1", "connector", "on-prem", "Amsterdam DC1")
    assert dc1.version == hcx.Version("4.10.3") and dc1.version.build == "24447633"
    assert (avs.id, avs.role, avs.platform, avs.url) == ("avs-weu", "cloud", "avs", None)
    assert [(p.source, p.destination) for p in sample.pairs] == [("dc1", "avs-weu")]
    (mesh,) = sample.meshes
    assert (mesh.id, mesh.source, mesh.destination) == ("sm-dc1-weu", "dc1", "avs-weu")
    assert mesh.services == ["interconnect", "vmotion", "bulk-migration", "network-extension"]
    assert [(a.id, a.kind, a.ha_group) for a in mesh.appliances] == [
        ("ix-1", "IX", None),
        ("ne-1", "NE", "ne-ha-a"),
        ("ne-2", "NE", "ne-ha-a"),
        ("ne-3", "NE", None),
    ]
    assert mesh.appliances[0].version == hcx.Version("4.10.3")
    assert mesh.appliances[0].networks == []
    assert [(e.network, e.appliance, e.binding) for e in sample.extensions][0] == ("web-vlan10", "ne-1", "static")
    (migration,) = sample.migrations
    assert (migration.id, migration.state, migration.active, migration.site) == (
        "mig-0142",
        "completed",
        False,
        "dc1",
    )
    assert sample.replications == []
    window = sample.windows[0]
    assert (window.site, window.start, window.end) == ("dc1", None, None)
    assert window.weekly is not None
    assert (window.weekly.days, window.weekly.start, window.weekly.duration, window.weekly.tz) == (
        ["sat"],
        "20:00",
        "6h",
        "Europe/Amsterdam",
    )
    assert "sites=2" in repr(sample)


def test_site_lookup(sample: hcx.Fleet) -> None:
    site = sample.site("avs-weu")
    assert site is not None and site.platform == "avs"
    assert sample.site("nowhere") is None


def test_round_trips(sample: hcx.Fleet, tmp_path: Path) -> None:
    assert hcx.Fleet.from_json(sample.to_json()) == sample
    assert hcx.Fleet.from_dict(sample.to_dict()) == sample
    file = tmp_path / "fleet.json"
    file.write_text(sample.to_json())
    assert hcx.Fleet.load(file) == sample
    assert hcx.Fleet.load(str(file)) == sample
    assert json.loads(sample.to_json()) == sample.to_dict()


def test_from_dict_builds_a_changed_fleet(sample_dict: dict[str, Any], sample: hcx.Fleet) -> None:
    sample_dict["sites"][0]["version"] = "4.11.4"
    changed = hcx.Fleet.from_dict(sample_dict)
    assert changed != sample
    assert changed.sites[0].version == hcx.Version("4.11.4")
    # The fleet itself is frozen.
    with pytest.raises(AttributeError):
        changed.sites = []


def test_loads_the_repository_sample_file() -> None:
    fleet = hcx.Fleet.load(REPO / "hcx-core" / "data" / "sample-fleet.json")
    assert fleet == hcx.Fleet.sample()


def test_every_problem_is_reported_with_its_json_path(sample_dict: dict[str, Any]) -> None:
    sample_dict["schema"] = "hcx-fleet/v2"
    sample_dict["sites"][0]["version"] = "4.10"
    sample_dict["sites"][1]["platform"] = "moon"
    sample_dict["pairs"].append({"source": "dc1", "destination": "nowhere"})
    sample_dict["meshes"][0]["appliances"][3]["kind"] = "XX"
    sample_dict["extensions"][2]["binding"] = "sticky"
    sample_dict["migrations"][0]["state"] = "running"
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_dict(sample_dict)
    problems = info.value.problems
    paths = [path for path, _ in problems]
    assert paths == [
        "$.schema",
        "$.sites[0].version",
        "$.sites[1].platform",
        "$.pairs[1].destination",
        "$.meshes[0].appliances[3].kind",
        "$.extensions[2].binding",
        "$.migrations[0].state",
    ]
    messages = dict(problems)
    assert messages["$.sites[0].version"].startswith('invalid hcx version "4.10"')
    assert messages["$.sites[1].platform"].startswith('unknown platform "moon"')
    assert messages["$.pairs[1].destination"] == 'unknown site "nowhere"'
    assert str(info.value).startswith("invalid fleet: 7 problems")
    assert isinstance(info.value, ValueError) and isinstance(info.value, hcx.HcxError)


def test_structural_errors_name_the_path() -> None:
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_json(
            '{"schema":"hcx-fleet/v1","sites":[{"id":"a","role":"cloud","platform":"avs",'
            '"version":"4.9.0","colour":"red"}]}'
        )
    ((path, message),) = info.value.problems
    assert path == "$.sites[0].colour"
    assert "unknown field `colour`" in message
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_json("{not json")
    assert [p for p, _ in info.value.problems] == ["$"]


def test_load_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.load(missing)
    assert str(info.value).startswith(f"invalid fleet {missing}: 1 problem")
    assert info.value.problems[0][0] == "$"
    assert "cannot read the file" in info.value.problems[0][1]


def test_from_dict_rejects_data_json_cannot_hold() -> None:
    with pytest.raises(TypeError):
        hcx.Fleet.from_dict({"schema": "hcx-fleet/v1", "sites": [object()]})


WEEKLY = {"days": ["sat"], "start": "22:00", "duration": "6h", "tz": "America/New_York"}


def weekly_fleet(sample_dict: dict[str, Any], weekly: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(sample_dict))
    doc["windows"] = [{"weekly": weekly}]
    return doc


def test_weekly_windows_read_write_and_plan_as_in_rust(sample_dict: dict[str, Any]) -> None:
    fleet = hcx.Fleet.from_dict(weekly_fleet(sample_dict, WEEKLY))
    assert fleet.to_dict()["windows"] == [{"weekly": WEEKLY}]
    assert hcx.Fleet.from_json(fleet.to_json()) == fleet
    # The fall-back night in New York: 22:00 EDT is 02:00 UTC; the night is 7 h long.
    plan = hcx.plan(fleet, date=datetime.date(2026, 10, 31))
    assert plan.schedule is not None and plan.schedule.unfitted == []
    first = min(slot.start for slot in plan.schedule.slots)
    assert first == datetime.datetime(2026, 11, 1, 2, 0, tzinfo=datetime.timezone.utc)
    assert {slot.tz for slot in plan.schedule.slots} == {"America/New_York"}
    assert ", America/New_York)" in plan.to_text()
    # Read back from its JSON, the same fleet plans to the same digest.
    text = json.dumps(weekly_fleet(sample_dict, WEEKLY))
    again = hcx.plan(hcx.Fleet.from_json(text), date=datetime.date(2026, 10, 31))
    assert again.digest == plan.digest


def test_a_weekly_window_with_an_unknown_zone_names_its_path(sample_dict: dict[str, Any]) -> None:
    with pytest.raises(hcx.InvalidFleet) as e:
        hcx.Fleet.from_dict(weekly_fleet(sample_dict, {**WEEKLY, "tz": "Mars/Olympus_Mons"}))
    assert '$.windows[0].weekly.tz: unknown time zone "Mars/Olympus_Mons"' in str(e.value)
