"""Every field of the core model reaches Python, and the stubs declare it.

The model classes carry no field list of their own: their attributes are the fields of the core types, derived
from serde. These tests hold the two hand-written descriptions of the model to that: the JSON schema of plans
(hcx-core/schema/hcx-plan-v2.schema.json) and the stubs (_hcx.pyi). A field added to a core type shows up on
its Python class with no change to the bindings; until the stub declares it, `test_stubs_declare_every_field`
fails and names it.
"""

from __future__ import annotations

import ast
import datetime
import gc
import json
from pathlib import Path
from typing import Any

import pytest

import hcx
from conftest import PLAN_DATE, REPO

STUB = Path(hcx.__file__).parent / "_hcx.pyi"
SCHEMA = REPO / "hcx-core" / "schema" / "hcx-plan-v2.schema.json"

#: Schema definitions and the Python class of each (`None`: the plan document itself).
SCHEMA_CLASSES: dict[str, type[Any]] = {
    "inputs": hcx.PlanInputs,
    "input_options": hcx.InputOptions,
    "summary": hcx.Summary,
    "finding": hcx.Finding,
    "impact": hcx.Impact,
    "rollback": hcx.Rollback,
    "estimate": hcx.Estimate,
    "state_view": hcx.StateView,
    "step": hcx.Step,
    "slot": hcx.Slot,
    "unfitted": hcx.Unfitted,
    "schedule": hcx.Schedule,
}

#: Fleets whose plans, together, use most optional fields (windows, meshes, removals, rollbacks, HA groups).
FLEETS = [
    REPO / "hcx-core" / "data" / "sample-fleet.json",
    REPO / "examples" / "fleets" / "multi-site.json",
    REPO / "examples" / "fleets" / "legacy-4.3.json",
    REPO / "hcx-core" / "tests" / "fixtures" / "plan" / "to-9x-with-services.json",
    REPO / "hcx-core" / "tests" / "fixtures" / "plan" / "windows-skew.json",
    REPO / "hcx-core" / "tests" / "fleets" / "multi-hop.json",
]


def py_name(key: str) -> str:
    return "from_" if key == "from" else key


def stub_classes() -> dict[str, set[str]]:
    """Each class of the stub and the names it declares (attributes, methods, properties)."""
    tree = ast.parse(STUB.read_text())
    out: dict[str, set[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names = set()
            for item in node.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
                elif isinstance(item, ast.FunctionDef):
                    names.add(item.name)
            out[node.name] = names
    return out


def stub_fields(cls: str) -> set[str]:
    """The annotated attributes of a stub class (its fields)."""
    tree = ast.parse(STUB.read_text())
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            return {
                item.target.id
                for item in node.body
                if isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and not item.target.id.startswith("__")
            }
    raise AssertionError(f"no class {cls} in the stub")


def record_classes() -> list[type[hcx.Record]]:
    return [c for c in vars(hcx).values() if isinstance(c, type) and issubclass(c, hcx.Record) and c is not hcx.Record]


def test_every_record_class_has_the_fields_of_its_core_type() -> None:
    # `fields()` comes from the core struct itself; a class that lost its core type would have none.
    for cls in record_classes():
        if cls is hcx.StepAction:
            continue  # flattened into steps: its fields depend on the action type (see the walk below)
        assert cls.fields(), cls.__name__


@pytest.mark.parametrize("cls", [c.__name__ for c in record_classes()] + ["Plan", "Fleet"])
def test_stubs_declare_every_field(cls: str) -> None:
    runtime = getattr(hcx, cls)
    fields = set(runtime.fields())
    declared = stub_fields(cls)
    if cls == "StepAction":
        fields = {"type", "before", "after"}
    assert fields - declared == set(), f"hcx.{cls}: fields of the core type missing from _hcx.pyi"
    assert declared - fields == set(), f"hcx.{cls}: _hcx.pyi declares fields the core type does not have"


def test_every_stub_name_exists_at_runtime(sample: hcx.Fleet) -> None:
    # The stubtest allowlist hides the model classes' attributes; check them on real objects instead.
    plan = hcx.plan(sample, date=PLAN_DATE)
    objects: dict[str, Any] = {
        "Plan": plan,
        "Fleet": sample,
        "Step": plan.steps[0],
        "Finding": plan.findings[0],
        "Summary": plan.summary,
        "Impact": plan.steps[0].impact,
        "Estimate": plan.steps[0].estimate,
        "PlanInputs": plan.inputs,
        "InputOptions": plan.inputs.options,
        "Site": sample.sites[0],
        "SitePair": sample.pairs[0],
        "ServiceMesh": sample.meshes[0],
        "Appliance": sample.meshes[0].appliances[0],
        "MaintenanceWindow": sample.windows[0],
    }
    stubs = stub_classes()
    for cls, obj in objects.items():
        for name in stubs[cls]:
            if name.startswith("__"):
                continue
            assert hasattr(obj, name), f"hcx.{cls}.{name} is in the stub but not on a real object"


def schema_objects() -> dict[str, set[str]]:
    schema = json.loads(SCHEMA.read_text())
    out = {"": set(schema["properties"])}
    for name, d in schema["$defs"].items():
        if "properties" in d:
            out[name] = set(d["properties"])
    return out


def test_every_schema_field_is_a_python_field() -> None:
    objects = schema_objects()
    assert set(objects) - {""} == set(SCHEMA_CLASSES), "a schema object with no Python class in this test"
    for name, props in objects.items():
        cls = SCHEMA_CLASSES.get(name, hcx.Plan)
        missing = {py_name(p) for p in props} - set(cls.fields())
        assert missing == set(), f"schema {name or 'plan'}: {missing} not on hcx.{cls.__name__}"


def test_every_action_field_of_the_schema_is_reached() -> None:
    # Actions are tagged unions: collect every field of every action type the fleets' plans use.
    schema = json.loads(SCHEMA.read_text())
    variants = {v["properties"]["type"]["const"]: set(v["properties"]) for v in schema["$defs"]["action"]["oneOf"]}
    seen: dict[str, set[str]] = {}
    for path in FLEETS:
        for target in ("latest", "validated"):
            try:
                plan = hcx.plan(hcx.Fleet.load(path), target, date=PLAN_DATE)
            except hcx.HcxError:
                continue
            for step in plan.steps:
                assert step.action is not None
                names = {k for k in vars(step.action)}
                seen.setdefault(step.action.type, set()).update(names)
    for kind, names in seen.items():
        assert {py_name(p) for p in variants[kind]} >= names, kind
        required = {"type", "before", "after"}
        assert required <= names, kind


def plain(value: Any) -> Any:
    """A Python model value in its JSON form."""
    if isinstance(value, hcx.Record):
        return {("from" if k == "from_" else k): plain(v) for k, v in vars(value).items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, hcx.Version):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def drop_empty(doc: Any) -> Any:
    """The document without empty values (serde leaves most of them out; records show them as None, [], ...)."""
    if isinstance(doc, dict):
        return {k: drop_empty(v) for k, v in doc.items() if v not in (None, [], {}, False)}
    if isinstance(doc, list):
        return [drop_empty(v) for v in doc]
    return doc


def keys(doc: Any, at: str = "$") -> set[str]:
    """Every key path of a document."""
    out = set()
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.add(f"{at}.{k}")
            out |= keys(v, f"{at}.{k}")
    elif isinstance(doc, list):
        for v in doc:
            out |= keys(v, f"{at}[]")
    return out


@pytest.mark.parametrize("path", FLEETS, ids=lambda p: p.name)
def test_typed_objects_hold_every_json_field(path: Path) -> None:
    fleet = hcx.Fleet.load(path)
    try:
        plan = hcx.plan(fleet, date=PLAN_DATE)
    except hcx.HcxError:
        plan = hcx.plan(fleet, "latest", date=PLAN_DATE)
    doc = json.loads(plan.to_json())
    assert plan.to_dict() == doc
    typed = {k: plain(getattr(plan, py_name(k))) for k in plan.fields()}
    assert keys(doc) <= keys(typed)
    assert drop_empty(typed) == drop_empty(doc)
    fleet_doc = json.loads(fleet.to_json())
    assert fleet.to_dict() == fleet_doc
    typed_fleet = {k: plain(getattr(fleet, k)) for k in fleet.fields()}
    assert keys(fleet_doc) <= keys(typed_fleet)
    assert drop_empty(typed_fleet) == drop_empty(fleet_doc)


def test_objects_are_built_once(sample: hcx.Fleet) -> None:
    plan = hcx.plan(sample, date=PLAN_DATE)
    assert plan.steps[0] is plan.steps[0]
    assert plan.step("S1") is plan.steps[0]
    assert plan.findings[0] is plan.findings[0]
    assert sample.site("dc1") is sample.sites[0]
    # Each access gives a new list: changing one does not change the plan.
    steps = plan.steps
    steps.clear()
    assert plan.steps


def pairs_fleet(n: int) -> hcx.Fleet:
    """N Connector/AVS pairs, each with a mesh of IX and NE: a plan of some 12 steps per pair."""
    sites: list[dict[str, Any]] = []
    pairs, meshes = [], []
    for i in range(n):
        sites.append({"id": f"dc{i}", "role": "connector", "platform": "on-prem", "version": "4.10.3"})
        sites.append({"id": f"avs{i}", "role": "cloud", "platform": "avs", "version": "4.11.3"})
        pairs.append({"source": f"dc{i}", "destination": f"avs{i}"})
        appliances = [{"id": f"{k}{i}", "kind": k.upper(), "version": "4.10.3"} for k in ("ix", "ne")]
        meshes.append({"id": f"sm{i}", "source": f"dc{i}", "destination": f"avs{i}",
                       "services": ["interconnect", "network-extension"], "appliances": appliances})
    return hcx.Fleet.from_dict({"schema": "hcx-fleet/v1", "sites": sites, "pairs": pairs, "meshes": meshes})


def test_building_records_pauses_the_collector_and_restores_it() -> None:
    # Thousands of records, none in a cycle: the cyclic collector would otherwise run hundreds of times
    # over everything built so far (most of the time of a large plan's `steps`).
    plan = hcx.plan(pairs_fleet(60), "4.11.4", date=PLAN_DATE)
    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        steps = plan.steps
        data = plan.to_dict()
    finally:
        gc.callbacks.remove(count)
    assert len(steps) > 600 and len(data["steps"]) == len(steps)
    # At most the one collection that is due once the collector runs again, per call.
    assert len(runs) <= 2, runs
    assert gc.isenabled()
    gc.disable()
    try:
        hcx.plan(pairs_fleet(2), "4.11.4", date=PLAN_DATE).steps
        assert not gc.isenabled(), "a collector the caller turned off stays off"
    finally:
        gc.enable()


def test_records_are_frozen_and_compare_by_value(sample: hcx.Fleet) -> None:
    step = hcx.plan(sample, date=PLAN_DATE).steps[0]
    with pytest.raises(AttributeError, match="read-only"):
        step.title = "x"
    with pytest.raises(AttributeError):
        del step.title
    assert step == hcx.plan(sample, date=PLAN_DATE).steps[0]
    assert step != hcx.plan(sample, date=PLAN_DATE).steps[1]
    assert "hcx.Step(id='S1'" in repr(step)


def test_absent_fields_are_empty(sample: hcx.Fleet) -> None:
    plan = hcx.plan(sample, date=PLAN_DATE)
    precheck = plan.steps[0]
    assert precheck.mesh is None and precheck.from_ is None and precheck.appliances == []
    assert sample.sites[0].url is None
    with pytest.raises(AttributeError):
        plan.no_such_field  # type: ignore[attr-defined]  # noqa: B018
