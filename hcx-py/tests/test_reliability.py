"""Hostile input: huge values give short messages, builds must parse back, deep nesting is a bad fleet."""

from __future__ import annotations

import json
from typing import Any

import pytest

import hcx

TEN_MB_VERSION = "4.1" + "1" * (10 << 20)


def test_a_ten_megabyte_version_gives_a_short_message() -> None:
    with pytest.raises(hcx.InvalidVersion) as info:
        hcx.Version(TEN_MB_VERSION)
    message = str(info.value)
    assert len(message) < 2000
    assert "(10 MiB)" in message


def test_a_ten_megabyte_fleet_value_gives_a_short_message() -> None:
    doc = json.loads(hcx.Fleet.sample().to_json())
    doc["sites"][0]["version"] = TEN_MB_VERSION
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_json(json.dumps(doc))
    assert len(str(info.value)) < 2000
    assert info.value.problems[0][0] == "$.sites[0].version"


def test_with_build_accepts_digits_only_so_the_result_parses_back() -> None:
    v = hcx.Version("4.10.3").with_build("24447633")
    assert hcx.Version(str(v)).build == "24447633"
    assert hcx.Version("4.10.3").with_build("").build is None
    for bad in ["abc", "24447633.0", "-1", "1 2"]:
        with pytest.raises(hcx.InvalidVersion):
            hcx.Version("4.10.3").with_build(bad)


def test_a_deeply_nested_dict_is_an_invalid_fleet() -> None:
    deep: dict[str, Any] = {}
    cur = deep
    for _ in range(100_000):
        cur["x"] = {}
        cur = cur["x"]
    with pytest.raises(hcx.InvalidFleet, match="nested too deeply"):
        hcx.Fleet.from_dict(deep)
