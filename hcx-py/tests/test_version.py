from __future__ import annotations

import pytest

import hcx


def test_parses_every_shape_hcx_prints() -> None:
    v = hcx.Version("4.9.0.0-23529166")
    assert (v.major, v.minor, v.patch, v.revision) == (4, 9, 0, 0)
    assert v.build == "23529166"
    assert v.line == (4, 9)
    assert str(v) == "4.9.0-23529166"
    assert repr(v) == "Version('4.9.0-23529166')"
    assert str(hcx.Version("4.10.3.0")) == "4.10.3"
    assert str(hcx.Version("9.1.1.0")) == "9.1.1.0"
    assert hcx.Version("9.1.0.3").revision == 3
    assert hcx.Version("4.10.3").build is None


def test_compares_numerically_and_ignores_the_build() -> None:
    assert hcx.Version("4.10.0") > hcx.Version("4.9.2")
    assert hcx.Version("4.11.9") < hcx.Version("4.11.10")
    assert hcx.Version("4.10.3") <= hcx.Version("4.10.3.0-1")
    assert hcx.Version("4.10.3") >= hcx.Version("4.10.3")
    assert hcx.Version("4.10.3") == hcx.Version("4.10.3.0-24447633")
    assert hcx.Version("9.1.0.0") != hcx.Version("9.1.0.1")
    shuffled = [hcx.Version(s) for s in ["4.10.3", "4.4.2", "9.0.0", "4.11.0", "4.8.3"]]
    assert [str(v) for v in sorted(shuffled)] == ["4.4.2", "4.8.3", "4.10.3", "4.11.0", "9.0.0.0"]


def test_is_hashable_consistently_with_equality() -> None:
    seen = {hcx.Version("4.10.3"), hcx.Version("4.10.3.0-24447633"), hcx.Version("4.11.0")}
    assert len(seen) == 2
    assert hcx.Version("4.10.3.0-1") in seen
    assert {hcx.Version("4.10.3"): "x"}[hcx.Version("4.10.3.0")] == "x"


def test_comparing_with_other_types() -> None:
    assert hcx.Version("4.10.3") != "4.10.3"
    with pytest.raises(TypeError):
        _ = hcx.Version("4.10.3") < "4.11.0"  # type: ignore[operator]


def test_with_build() -> None:
    v = hcx.Version("4.11.4").with_build("25238712")
    assert v.build == "25238712"
    assert str(v) == "4.11.4-25238712"
    assert v.with_build("").build is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty string"),
        ("4.10", "fewer than three"),
        ("4.10.3.0.1", "more than four"),
        ("4.x.3", "non-negative number"),
        ("4.1.0-abc", "digits"),
        ("4.99999999999.0", "too large"),
    ],
)
def test_rejects_bad_strings(text: str, reason: str) -> None:
    with pytest.raises(hcx.InvalidVersion) as info:
        hcx.Version(text)
    message = str(info.value)
    assert f'"{text}"' in message
    assert reason in message
    # Also a ValueError, so generic input validation code catches it.
    assert isinstance(info.value, ValueError)


def test_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        hcx.Version(4.10)  # type: ignore[arg-type]


def test_is_immutable() -> None:
    v = hcx.Version("4.10.3")
    with pytest.raises(AttributeError):
        v.major = 5  # type: ignore[misc]
