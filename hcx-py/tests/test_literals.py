"""The `Literal` aliases list exactly the names the native module and the JSON schemas use, and the typed step
actions of the stubs are the actions the plans hold."""

from __future__ import annotations

import ast
import json
import typing
from pathlib import Path
from typing import Any

import pytest

import hcx
import hcx.literals
from conftest import PLAN_DATE, REPO

SCHEMAS = REPO / "hcx-core" / "schema"

#: Each alias whose names a JSON schema lists: (schema file, `$defs` entry).
IN_SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "Severity": [("hcx-plan-v2", "severity")],
    "Owner": [("hcx-plan-v2", "owner")],
    "Phase": [("hcx-plan-v2", "phase")],
    "StepKind": [("hcx-plan-v2", "step_kind")],
    "NeMode": [("hcx-plan-v2", "ne_upgrade_mode")],
    "MeshService": [("hcx-plan-v2", "mesh_service"), ("hcx-fleet-v1", "mesh_service")],
    "PrecheckName": [("hcx-plan-v2", "check")],
    "SnapshotMethod": [("hcx-plan-v2", "snapshot_method")],
    "Confidence": [("hcx-plan-v2", "confidence")],
    "Role": [("hcx-fleet-v1", "site_role")],
    "Platform": [("hcx-fleet-v1", "platform")],
    "ApplianceKind": [("hcx-fleet-v1", "appliance_kind")],
    "PortBinding": [("hcx-fleet-v1", "port_binding")],
    "TransferState": [("hcx-fleet-v1", "transfer_state")],
    "Weekday": [("hcx-fleet-v1", "weekday")],
}


def schema(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return doc


def names(alias: str) -> list[str]:
    return list(typing.get_args(getattr(hcx.literals, alias)))


def action_variants() -> list[dict[str, Any]]:
    variants: list[dict[str, Any]] = schema("hcx-plan-v2")["$defs"]["action"]["oneOf"]
    return variants


def test_aliases_are_exported_from_hcx() -> None:
    for alias in hcx.literals.__all__:
        assert getattr(hcx, alias) is getattr(hcx.literals, alias)
        assert alias in hcx.__all__
        assert names(alias) and all(isinstance(n, str) for n in names(alias))


def test_aliases_are_the_native_names() -> None:
    # The names the Rust enums give, in their declaration order.
    native = hcx._hcx._value_sets()
    assert set(native) <= set(hcx.literals.__all__)
    for alias, values in native.items():
        assert names(alias) == values, alias


@pytest.mark.parametrize("alias", sorted(IN_SCHEMAS))
def test_aliases_are_the_schemas_enums(alias: str) -> None:
    for file, entry in IN_SCHEMAS[alias]:
        assert names(alias) == schema(file)["$defs"][entry]["enum"], (alias, file, entry)


def test_every_alias_is_checked_against_the_native_names_or_a_schema() -> None:
    checked = set(hcx._hcx._value_sets()) | set(IN_SCHEMAS) | {"ActionType", "SupportState"}
    assert checked == set(hcx.literals.__all__)


def test_action_types_are_the_schemas() -> None:
    assert names("ActionType") == [v["properties"]["type"]["const"] for v in action_variants()]


def test_support_states_are_the_ones_the_catalog_gives() -> None:
    catalog = hcx.Catalog.bundled()
    seen = {catalog.support_status(r.version, PLAN_DATE).state for r in catalog.releases}
    assert seen <= set(names("SupportState"))
    assert {"supported", "out-of-support"} <= seen


def test_plans_hold_only_listed_names(sample: hcx.Fleet) -> None:
    p = hcx.plan(sample, date=PLAN_DATE, min_confidence="confirmed")
    assert {f.severity for f in p.findings} <= set(names("Severity"))
    assert {s.phase for s in p.steps} == set(names("Phase"))
    assert {s.kind for s in p.steps} <= set(names("StepKind"))
    assert {s.owner for s in p.steps} <= set(names("Owner"))
    assert {s.action.type for s in p.steps if s.action} <= set(names("ActionType"))
    assert {s.role for s in sample.sites} == set(names("Role"))
    assert {s.platform for s in sample.sites} <= set(names("Platform"))
    assert p.confidence in names("Confidence")
    assert {r.severity for r in hcx.rules()} == set(names("Severity"))


def stub_actions() -> dict[str, set[str]]:
    """The `...Action` classes of the stubs: their `type` literal and every field they declare."""
    stub = ast.parse((Path(hcx.__file__).parent / "_hcx.pyi").read_text())
    classes = {node.name: node for node in stub.body if isinstance(node, ast.ClassDef)}

    def fields(cls: ast.ClassDef) -> dict[str, str]:
        return {
            item.target.id: ast.unparse(item.annotation)
            for item in cls.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        }

    base = set(fields(classes["StepAction"]))
    out: dict[str, set[str]] = {}
    for name, cls in classes.items():
        if name.endswith("Action") and name != "StepAction":
            assert [ast.unparse(b) for b in cls.bases] == ["StepAction"], name
            own = fields(cls)
            kind = ast.literal_eval(own["type"].removeprefix("Literal[").removesuffix("]"))
            out[kind] = base | set(own)
    return out


def test_stub_actions_are_the_schemas() -> None:
    stubs = stub_actions()
    assert list(stubs) == names("ActionType")
    for variant in action_variants():
        kind = variant["properties"]["type"]["const"]
        expected = {"from_" if p == "from" else p for p in variant["properties"]}
        assert stubs[kind] == expected, kind


def test_actions_at_run_time_have_the_stubs_fields(sample: hcx.Fleet) -> None:
    stubs = stub_actions()
    seen = set()
    for s in hcx.plan(sample, date=PLAN_DATE).steps:
        a = s.action
        assert a is not None and isinstance(a, hcx.StepAction)
        seen.add(a.type)
        assert set(vars(a)) <= stubs[a.type], a.type
        for field in stubs[a.type]:
            getattr(a, field)  # every declared field reads, the optional ones as None or []
    assert {"precheck", "upgrade-manager", "verify"} <= seen


def test_an_action_reads_a_left_out_optional_field_as_empty(sample: hcx.Fleet) -> None:
    doc = hcx.plan(sample, date=PLAN_DATE).to_dict()
    for step in doc["steps"]:
        step["action"].pop("bundle", None)
    p = hcx.Plan.from_json(json.dumps(doc))  # an edited plan: its digest no longer matches, which is not checked here
    upgrade = next(s.action for s in p.steps if s.action and s.action.type == "upgrade-manager")
    assert "bundle" not in vars(upgrade)
    assert upgrade.type == "upgrade-manager" and upgrade.bundle is None
    verify = next(s.action for s in p.steps if s.action and s.action.type == "verify")
    with pytest.raises(AttributeError, match='a verify action has no field "bundle"'):
        getattr(verify, "bundle")
