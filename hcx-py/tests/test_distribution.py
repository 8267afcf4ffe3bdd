"""The installed distribution: the wheel's files, its version and the bundled catalog's date."""

from __future__ import annotations

import datetime
import importlib.metadata
from pathlib import Path

import hcx
from conftest import PLAN_DATE


def test_the_package_is_installed_not_imported_from_the_source_tree() -> None:
    package = Path(hcx.__file__).resolve().parent
    assert "site-packages" in package.parts, package
    assert not (package.parent / "Cargo.toml").exists()


def test_the_wheel_installed_the_stubs_and_py_typed() -> None:
    files = {str(f) for f in importlib.metadata.files("hcx") or []}
    assert {"hcx/__init__.py", "hcx/_hcx.pyi", "hcx/py.typed"} <= files, sorted(files)
    assert any(f.startswith("hcx/_hcx.") and f.endswith(".so") for f in files), sorted(files)


def test_version_is_the_distribution_version() -> None:
    assert hcx.__version__ == importlib.metadata.version("hcx")
    assert hcx.__version__.count(".") == 2


def test_wheel_is_abi3() -> None:
    wheel = importlib.metadata.distribution("hcx").read_text("WHEEL") or ""
    tags = [line.split(": ", 1)[1] for line in wheel.splitlines() if line.startswith("Tag: ")]
    assert tags and all(t.startswith("cp310-abi3-") for t in tags), tags


def test_catalog_as_of_is_the_bundled_catalogs_date() -> None:
    as_of = hcx.catalog_as_of()
    assert isinstance(as_of, datetime.date)
    assert as_of == hcx.Catalog.bundled().as_of
    assert as_of == hcx.plan(hcx.Fleet.sample(), "latest", date=PLAN_DATE).catalog_as_of
