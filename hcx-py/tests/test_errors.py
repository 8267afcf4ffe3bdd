from __future__ import annotations

import builtins
import re
import types
import typing
from collections.abc import Callable
from pathlib import Path

import pytest

import hcx
import hcx.errors
from conftest import PLAN_DATE, REPO


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
    assert cls.__module__ == "hcx.errors"
    assert cls.__doc__
    assert f"hcx.errors.{cls.__name__}" in repr(cls)
    # The same class under both names.
    assert getattr(hcx.errors, cls.__name__) is cls is getattr(hcx._hcx, cls.__name__)


def test_base_class() -> None:
    assert hcx.HcxError.__bases__ == (Exception,)
    assert hcx.HcxError.__module__ == "hcx.errors"


def test_every_error_is_catchable_as_hcx_error(sample: hcx.Fleet) -> None:
    failures: list[Callable[[], object]] = [
        lambda: hcx.Version("nope"),
        lambda: hcx.Fleet.from_json("[]"),
        lambda: hcx.Catalog.from_json("[]"),
        lambda: hcx.Catalog.bundled().validated("moon"),  # type: ignore[arg-type]
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


def c_status_names() -> set[str]:
    """The C ABI's status names, read from its source (`enum hcx_status` in hcx-ffi/src/capi/status.rs)."""
    source = (REPO / "hcx-ffi" / "src" / "capi" / "status.rs").read_text()
    body = source.split("pub enum hcx_status {", 1)[1].split("}", 1)[0]
    names = set(re.findall(r"^\s*(HCX_[A-Z0-9_]+) = \d+,", body, re.MULTILINE))
    assert {"HCX_OK", "HCX_DOWNGRADE", "HCX_PANIC"} <= names
    return names


def test_every_code_is_a_c_status_or_a_documented_python_only_code() -> None:
    c = c_status_names()
    codes = set(typing.get_args(hcx.errors.ErrorCode))
    # The native mapping can produce exactly the codes the Literal lists, and agrees on which are C statuses.
    native = dict(hcx._hcx._error_codes())
    assert set(native) == codes
    assert {code for code, is_c in native.items() if is_c} == hcx.errors.C_STATUS_CODES
    assert hcx.errors.C_STATUS_CODES <= c
    # The failures the C ABI cannot have use names no C status has (a C status added later must not collide).
    assert hcx.errors.PYTHON_ONLY_CODES == codes - hcx.errors.C_STATUS_CODES
    assert not hcx.errors.PYTHON_ONLY_CODES & c
    # Every class's default code is one of them.
    for name in hcx.errors.__all__:
        cls = getattr(hcx.errors, name)
        if isinstance(cls, type) and issubclass(cls, hcx.HcxError):
            assert cls.code in codes, name
    for cls in (hcx.errors.ConnectionError, hcx.errors.TimeoutError):
        assert cls.code in codes


@pytest.mark.parametrize(
    ("from_", "to", "code", "reason", "versions"),
    [
        ("4.11.0", "4.10.0", "HCX_DOWNGRADE", "downgrade", ("4.11.0", "4.10.0", None)),
        ("4.0.0", "4.10.3", "HCX_REDEPLOY_REQUIRED", "redeploy", ("4.0.0", None, "4.2.4")),
        ("4.10.0", "4.99.0", "HCX_UNKNOWN_RELEASE", "unknown-release", (None, "4.99.0", None)),
        ("4.10.0", "4.10.1", "HCX_NO_UPGRADE_PATH", "not-documented", ("4.10.0", "4.10.1", None)),
    ],
)
def test_unsupported_path_says_why(
    from_: str, to: str, code: str, reason: str, versions: tuple[str | None, str | None, str | None]
) -> None:
    with pytest.raises(hcx.UnsupportedPath) as info:
        hcx.path(from_, to)
    e = info.value
    assert (e.code, e.reason) == (code, reason)
    assert (e.from_version, e.to_version, e.floor) == tuple(None if v is None else hcx.Version(v) for v in versions)


def test_plan_errors_carry_the_c_abis_codes(sample: hcx.Fleet) -> None:
    with pytest.raises(hcx.PlanError) as info:
        hcx.plan(sample, "4.99.0", date=PLAN_DATE)
    assert info.value.code == "HCX_UNKNOWN_TARGET"
    with pytest.raises(hcx.PlanError) as info:
        hcx.plan(sample, ack=["no-such-rule"], date=PLAN_DATE)
    assert info.value.code == "HCX_UNKNOWN_RULE"


def test_input_errors_carry_what_and_where(tmp_path: Path) -> None:
    with pytest.raises(hcx.InvalidVersion) as v:
        hcx.Version("4.x")
    assert (v.value.code, v.value.input) == ("HCX_INVALID_VERSION", "4.x")

    bad = tmp_path / "fleet.json"
    bad.write_text('{"schema": "hcx-fleet/v1", "sites": []}')
    with pytest.raises(hcx.InvalidFleet) as f:
        hcx.Fleet.load(bad)
    assert (f.value.code, f.value.file, f.value.problems) == (
        "HCX_INVALID_FLEET",
        str(bad),
        [("$.sites", "a fleet needs at least one site")],
    )

    with pytest.raises(hcx.InvalidCatalog) as c:
        hcx.Catalog.load(tmp_path / "missing.json")
    assert c.value.code == "HCX_IO_ERROR"
    assert c.value.file == str(tmp_path / "missing.json")
    with pytest.raises(hcx.InvalidCatalog) as c:
        hcx.Catalog.from_json("[]")
    assert c.value.code == "HCX_INVALID_CATALOG"
    assert c.value.problems

    with pytest.raises(hcx.InvalidArgument) as a:
        hcx.Catalog.bundled().validated("moon")  # type: ignore[arg-type]
    assert (a.value.code, a.value.input) == ("HCX_INVALID_ARGUMENT", "moon")
    assert a.value.expected == list(typing.get_args(hcx.Platform))


def test_python_raised_errors_have_their_class_code() -> None:
    e = hcx.UnsupportedPath("custom")
    assert (e.code, e.reason, e.from_version) == ("HCX_NO_UPGRADE_PATH", "not-documented", None)
    assert hcx.InvalidFleet("custom").problems == []
    assert hcx.HcxError("custom").code == "HCX_PANIC"


def test_star_import_leaves_the_builtins_alone() -> None:
    namespace: dict[str, object] = {}
    exec("from hcx import *", namespace)
    assert eval("ConnectionError", namespace) is builtins.ConnectionError
    assert eval("TimeoutError", namespace) is builtins.TimeoutError
    assert namespace["HcxError"] is hcx.HcxError and namespace["Severity"] is hcx.Severity
    # Still there under their qualified names, and still the builtins' subclasses.
    assert hcx.ConnectionError is hcx.errors.ConnectionError
    assert issubclass(hcx.ConnectionError, builtins.ConnectionError)
    assert issubclass(hcx.TimeoutError, builtins.TimeoutError)
    assert issubclass(hcx.errors.TimeoutError, hcx.HcxError)


def test_all_lists_every_public_name_but_the_shadowing_ones() -> None:
    public = {
        name
        for name, value in vars(hcx).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    shadowing = {name for name in public if hasattr(builtins, name)}
    assert shadowing == {"ConnectionError", "TimeoutError"}
    assert set(hcx.__all__) == public - shadowing
    assert len(hcx.__all__) == len(set(hcx.__all__))
    assert not set(hcx.errors.__all__) & shadowing
