from __future__ import annotations

import datetime
import functools
import hashlib
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import hcx
from conftest import PLAN_DATE, on_one_day


@pytest.fixture(scope="module")
def catalog() -> hcx.Catalog:
    return hcx.Catalog.bundled()


def test_bundled_catalog(catalog: hcx.Catalog) -> None:
    assert catalog.as_of == datetime.date(2026, 12, 1)
    versions = [r.version for r in catalog.releases]
    assert versions == sorted(versions), "releases are oldest first"
    assert hcx.Version("4.10.3") in versions
    newest = catalog.newest
    assert newest is not None and newest.version == versions[-1]
    assert "bundled" in repr(catalog)


def test_release_lookup(catalog: hcx.Catalog) -> None:
    r = catalog.release("4.11.4")
    assert r is not None
    assert r.version == hcx.Version("4.11.4")
    assert r.confidence in {"confirmed", "secondary", "third-party", "inferred"}
    assert r.sources, "every release cites a source"
    assert "25238712" in r.builds
    assert catalog.release(hcx.Version("4.99.0")) is None
    assert catalog.is_known("4.10.3.0-24447633")
    assert catalog.is_known(hcx.Version("4.11.4"))
    assert not catalog.is_known("4.99.0")


def test_support_status(catalog: hcx.Catalog) -> None:
    old = catalog.support_status("4.10.3", PLAN_DATE)
    assert old.state == "out-of-support"
    assert old.end_of_support == [datetime.date(2025, 7, 27)]
    assert old.sources and old.version == hcx.Version("4.10.3") and old.date == PLAN_DATE
    assert catalog.support_status("4.11.4", PLAN_DATE).state == "supported"
    # The same release judged before its end of support.
    assert catalog.support_status("4.10.3", datetime.date(2025, 1, 1)).state == "supported"
    unknown = catalog.support_status("4.9.0", PLAN_DATE)
    assert (unknown.state, unknown.end_of_support, unknown.sources) == ("unknown", [], [])


def test_support_status_defaults_to_today(catalog: hcx.Catalog) -> None:
    # Today in UTC, not the local date.
    status, today = on_one_day(lambda: catalog.support_status("4.11.4"))
    assert status.date == today


def test_can_pair(catalog: hcx.Catalog) -> None:
    same = catalog.can_pair("4.11.4", hcx.Version("4.11.4"))
    assert (same.verdict, same.compatible, same.rule) == ("compatible", True, "same-version")
    assert same.sources
    mixed = catalog.can_pair("4.11.0", "9.0.0")
    assert (mixed.verdict, mixed.compatible, mixed.rule) == ("incompatible", False, "9x-with-4x")
    assert mixed.note and "not supported" in mixed.note
    nobody_knows = catalog.can_pair("4.10.3", "4.11.3")
    assert (nobody_knows.verdict, nobody_knows.rule, nobody_knows.sources) == ("unknown", None, [])


def test_validated(catalog: hcx.Catalog) -> None:
    assert catalog.validated("avs") == hcx.Version("4.11.4")
    assert catalog.validated("on-prem") is None
    with pytest.raises(hcx.InvalidArgument, match='unknown platform "moon"') as info:
        catalog.validated("moon")  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)


def test_path_through_stepping_stones(catalog: hcx.Catalog) -> None:
    for p in (hcx.path("4.3.3", "4.10.3"), catalog.path(hcx.Version("4.3.3"), "4.10.3")):
        assert (p.from_, p.to) == (hcx.Version("4.3.3"), hcx.Version("4.10.3"))
        assert [str(h.from_) for h in p.hops] == ["4.3.3", "4.8.3", "4.9.2"]
        assert [str(h.to) for h in p.hops] == ["4.8.3", "4.9.2", "4.10.3"]
        assert [str(v) for v in p.stepping_stones] == ["4.8.3", "4.9.2"]
        assert len(p) == 3
        for hop in p.hops:
            assert hop.rule and hop.sources
            assert hop.confidence in {"confirmed", "secondary", "third-party", "inferred"}
        assert p.confidence == "third-party"  # the 4.9.2 hop rests on a third-party guide
        assert "4.3.3 -> 4.8.3 -> 4.9.2 -> 4.10.3" in repr(p)


def test_path_to_dict_is_the_json_shape() -> None:
    d = hcx.path("4.3.3", "4.10.3").to_dict()
    assert d["from"] == "4.3.3" and d["to"] == "4.10.3"
    assert [h["to"] for h in d["hops"]] == ["4.8.3", "4.9.2", "4.10.3"]
    assert json.loads(json.dumps(d)) == d


def test_empty_path() -> None:
    p = hcx.path("4.10.3", "4.10.3.0-24447633")
    assert (p.hops, p.stepping_stones, p.confidence, len(p)) == ([], [], None, 0)


@pytest.mark.parametrize(
    ("source", "target", "needle"),
    [
        ("4.11.0", "4.10.0", "is a downgrade"),
        ("4.0.0", "4.10.0", "redeploy the manager"),
        ("4.10.3", "4.99.0", "target version 4.99.0 is not a release known"),
    ],
)
def test_unsupported_paths(source: str, target: str, needle: str) -> None:
    with pytest.raises(hcx.UnsupportedPath, match=needle):
        hcx.path(source, target)


def test_path_with_bad_versions() -> None:
    with pytest.raises(hcx.InvalidVersion):
        hcx.path("4.x", "4.10.3")
    with pytest.raises(TypeError, match="expected an hcx.Version or a str"):
        hcx.path(4, "4.10.3")  # type: ignore[arg-type]


def test_path_with_a_loaded_catalog(catalog: hcx.Catalog, tmp_path: Path) -> None:
    file = tmp_path / "catalog.json"
    file.write_text(catalog.to_json())
    loaded = hcx.Catalog.load(file)
    assert "loaded" in repr(loaded)
    assert [r.version for r in loaded.releases] == [r.version for r in catalog.releases]
    p = hcx.path("4.3.3", "4.10.3", catalog=loaded)
    assert [str(v) for v in p.stepping_stones] == ["4.8.3", "4.9.2"]
    # The catalog argument is really used: without path rules nothing routes.
    data = json.loads(catalog.to_json())
    data["paths"] = []
    pathless = hcx.Catalog.from_json(json.dumps(data))
    assert pathless.is_known("4.10.3")
    with pytest.raises(hcx.UnsupportedPath, match="no documented upgrade path from 4.3.3 to 4.10.3"):
        hcx.path("4.3.3", "4.10.3", catalog=pathless)


def test_invalid_catalogs(tmp_path: Path) -> None:
    with pytest.raises(hcx.InvalidCatalog, match=r"invalid catalog: \$: "):
        hcx.Catalog.from_json("{not json")
    with pytest.raises(hcx.InvalidCatalog, match=r"\$.as_of"):
        hcx.Catalog.from_json('{"schema": "hcx-catalog/v1", "as_of": "yesterday"}')
    missing = tmp_path / "nope.json"
    with pytest.raises(hcx.InvalidCatalog, match="cannot read catalog") as info:
        hcx.Catalog.load(missing)
    assert str(missing) in str(info.value)
    assert not isinstance(info.value, ValueError)


def test_path_from_an_uncataloged_release_inside_a_documented_range() -> None:
    p = hcx.path("4.6.0", "4.11.4")
    assert [str(h.to) for h in p.hops] == ["4.9.2", "4.11.4"]
    assert p.uncataloged is not None and p.uncataloged.startswith("4.6.0 is not in the catalog as of")
    assert hcx.path("4.5.2", "4.11.4").uncataloged is None


def test_export_validate_and_diff(catalog: hcx.Catalog) -> None:
    text = catalog.export()
    again = hcx.Catalog.from_json(text)
    assert again.digest == catalog.digest and catalog.digest.startswith("sha256:")
    assert hcx.Catalog.validate(text) == []
    assert catalog.diff(again) == []
    doc = json.loads(text)
    doc["releases"] = [r for r in doc["releases"] if r["version"] != "4.0.1"]
    doc["extra"] = 1
    problems = hcx.Catalog.validate(json.dumps(doc))
    assert problems == ["$.extra: unknown field"]
    del doc["extra"]
    changed = hcx.Catalog.from_json(json.dumps(doc))
    assert catalog.diff(changed) == [{"section": "releases", "key": "4.0.1", "kind": "removed"}]


@pytest.fixture
def served_catalog(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The bundled catalog's document served over plain http on loopback (which `fetch` accepts), and its SHA-256."""
    text = hcx.Catalog.bundled().export()
    (tmp_path / "catalog.json").write_text(text)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/catalog.json", hashlib.sha256(text.encode()).hexdigest()
        finally:
            server.shutdown()
            thread.join()


def test_fetch(served_catalog: tuple[str, str]) -> None:
    url, sha256 = served_catalog
    fetched = hcx.Catalog.fetch(url)
    assert fetched.digest == hcx.Catalog.bundled().digest
    assert hcx.Catalog.fetch(url, sha256=sha256).digest == fetched.digest
    with pytest.raises(hcx.InvalidCatalog, match="refused") as info:
        hcx.Catalog.fetch(url, sha256="0" * 64)
    assert (info.value.code, info.value.file) == ("HCX_INVALID_CATALOG", url)


def test_fetch_refuses_plain_http_off_loopback_and_reports_unreachable_urls() -> None:
    with pytest.raises(hcx.InvalidCatalog, match="use https") as info:
        hcx.Catalog.fetch("http://example.invalid/catalog.json")
    assert info.value.code == "HCX_INVALID_CATALOG"
    # A port that is bound but not listening: the connection is refused.
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{bound.getsockname()[1]}/catalog.json"
        with pytest.raises(hcx.InvalidCatalog) as info:
            hcx.Catalog.fetch(url)
    assert (info.value.code, info.value.file) == ("HCX_IO_ERROR", url)
