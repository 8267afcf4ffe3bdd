from __future__ import annotations

from collections.abc import Callable

import pytest

import hcx
from conftest import PLAN_DATE


@pytest.mark.parametrize(
    ("cls", "builtin_bases"),
    [
        (hcx.InvalidVersion, (ValueError,)),
        (hcx.InvalidFleet, (ValueError,)),
        (hcx.InvalidArgument, (ValueError,)),
        (hcx.InvalidCatalog, ()),
        (hcx.UnsupportedPath, ()),
        (hcx.PlanError, ()),
    ],
)
def test_exception_tree(cls: type[hcx.HcxError], builtin_bases: tuple[type[Exception], ...]) -> None:
    assert issubclass(cls, hcx.HcxError)
    assert issubclass(cls, Exception)
    assert issubclass(cls, ValueError) is (ValueError in builtin_bases)
    assert cls.__module__ == "hcx"
    assert cls.__doc__
    assert f"hcx.{cls.__name__}" in repr(cls)


def test_base_class() -> None:
    assert hcx.HcxError.__bases__ == (Exception,)
    assert hcx.HcxError.__module__ == "hcx"


def test_every_error_is_catchable_as_hcx_error(sample: hcx.Fleet) -> None:
    failures: list[Callable[[], object]] = [
        lambda: hcx.Version("nope"),
        lambda: hcx.Fleet.from_json("[]"),
        lambda: hcx.Catalog.from_json("[]"),
        lambda: hcx.Catalog.bundled().validated("moon"),
        lambda: hcx.path("4.11.0", "4.10.0"),
        lambda: hcx.plan(sample, "4.99.0", date=PLAN_DATE),
    ]
    caught = []
    for fail in failures:
        with pytest.raises(hcx.HcxError) as info:
            fail()
        caught.append(type(info.value))
    assert caught == [
        hcx.InvalidVersion,
        hcx.InvalidFleet,
        hcx.InvalidCatalog,
        hcx.InvalidArgument,
        hcx.UnsupportedPath,
        hcx.PlanError,
    ]


def test_invalid_fleet_problems_are_path_message_pairs() -> None:
    with pytest.raises(hcx.InvalidFleet) as info:
        hcx.Fleet.from_json('{"schema": "hcx-fleet/v1", "sites": []}')
    assert info.value.problems == [("$.sites", "a fleet needs at least one site")]
    assert info.value.args == ("invalid fleet: 1 problem\n  - $.sites: a fleet needs at least one site",)


def test_exceptions_can_be_raised_from_python() -> None:
    # Scripts may raise them too (for example to wrap their own validation).
    with pytest.raises(hcx.InvalidVersion, match="custom"):
        raise hcx.InvalidVersion("custom")
