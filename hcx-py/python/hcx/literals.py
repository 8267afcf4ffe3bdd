"""The closed sets of names of the hcx model, as `typing.Literal` aliases (all re-exported by `hcx`).

Each lists exactly the names hcx-core writes (its enums' JSON names), so a type checker flags a misspelling::

    if finding.severity == "blocer":  # mypy --strict: non-overlapping equality check

The tests compare every alias with the names the native module gives (`hcx._hcx._value_sets()`) and with the
JSON schemas' enums, so they cannot drift.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "ActionType",
    "ApplianceKind",
    "Confidence",
    "MeshService",
    "NeMode",
    "Owner",
    "PairingVerdict",
    "PortBinding",
    "Phase",
    "Platform",
    "PrecheckName",
    "Role",
    "Severity",
    "SnapshotMethod",
    "StepKind",
    "SupportState",
    "TransferState",
    "Weekday",
]

#: How serious a finding (or a rule) is.
Severity = Literal["blocker", "warning", "info"]
#: Who carries out a step.
Owner = Literal["customer", "provider"]
#: The plan's phases, in order.
Phase = Literal["prepare", "managers", "converge", "mesh", "verify"]
#: What a step does.
StepKind = Literal[
    "precheck",
    "backup",
    "snapshot",
    "obtain-bundle",
    "remove-service",
    "upgrade-manager",
    "wait-convergence",
    "upgrade-appliance",
    "redeploy-appliance",
    "verify",
]
#: How an NE appliance is upgraded (`Impact.ne_mode`, `UpgradeAppliancesAction.mode`).
NeMode = Literal["standard", "in-service", "ha-standby-first"]
#: How well a fact is sourced, strongest first (also `plan(min_confidence=...)`).
Confidence = Literal["confirmed", "secondary", "third-party", "inferred"]
#: Which kind of HCX Manager runs at a site.
Role = Literal["connector", "cloud"]
#: Where a site runs.
Platform = Literal["on-prem", "avs", "gcve", "vmc", "ocvs", "evs", "ibm-cloud"]
#: A service enabled on a service mesh.
MeshService = Literal[
    "interconnect",
    "vmotion",
    "bulk-migration",
    "replication-assisted-vmotion",
    "network-extension",
    "wan-optimization",
    "disaster-recovery",
    "osam",
]
#: A service mesh appliance type.
ApplianceKind = Literal["IX", "NE", "WO", "SGW", "SDR"]
#: The port binding of an extended network's port group.
PortBinding = Literal["static", "dynamic", "ephemeral", "unknown"]
#: The state of a migration or replication.
TransferState = Literal["queued", "in_progress", "completed", "failed", "cancelled"]
#: A day of a weekly maintenance window.
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: A pre-upgrade check of a precheck action (`PrecheckAction.checks`).
PrecheckName = Literal["manager-health", "services-in-sync", "no-active-transfers", "datastore-space"]
#: How a manager snapshot is taken (`SnapshotAction.method`).
SnapshotMethod = Literal["run-command", "vsphere", "automatic"]
#: Whether two manager versions can be site-paired (`Pairing.verdict`).
PairingVerdict = Literal["compatible", "incompatible", "unknown"]
#: A release's support status on a date (`SupportStatus.state`).
SupportState = Literal["supported", "out-of-support", "disputed", "unknown"]
#: The `type` of a step's action: which of the `...Action` classes it is.
ActionType = Literal[
    "precheck",
    "snapshot",
    "upgrade-manager",
    "remove-service",
    "wait-convergence",
    "upgrade-appliances",
    "redeploy-appliance",
    "verify",
    "manual",
]
