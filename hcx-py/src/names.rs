//! The closed sets of names of the model (severities, phases, platforms, ...), as the native code spells them:
//! what the `Literal` aliases of `hcx.literals` must list, checked by the tests.

use std::collections::BTreeMap;

use hcx_core::catalog::{Confidence, PairingVerdict};
use hcx_core::fleet::{ApplianceKind, MeshService, Platform, PortBinding, SiteRole, TransferState};
use hcx_core::plan::{Check, NeUpgradeMode, Owner, Phase, Severity, SnapshotMethod, StepKind};
use pyo3::prelude::*;

/// Every name of each string enum, keyed by the name of its `hcx.literals` alias, in declaration order.
#[pyfunction]
pub(crate) fn _value_sets() -> BTreeMap<&'static str, Vec<&'static str>> {
    fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|v| as_str(*v)).collect()
    }
    BTreeMap::from([
        ("Severity", names(Severity::ALL, Severity::as_str)),
        ("Owner", names(Owner::ALL, Owner::as_str)),
        ("Phase", names(Phase::ALL, Phase::as_str)),
        ("StepKind", names(StepKind::ALL, StepKind::as_str)),
        ("NeMode", names(NeUpgradeMode::ALL, NeUpgradeMode::as_str)),
        ("Confidence", names(Confidence::ALL, Confidence::as_str)),
        ("Role", names(SiteRole::ALL, SiteRole::as_str)),
        ("Platform", names(Platform::ALL, Platform::as_str)),
        ("MeshService", names(MeshService::ALL, MeshService::as_str)),
        ("ApplianceKind", names(ApplianceKind::ALL, ApplianceKind::as_str)),
        ("PortBinding", names(PortBinding::ALL, PortBinding::as_str)),
        ("TransferState", names(TransferState::ALL, TransferState::as_str)),
        ("PrecheckName", names(Check::ALL, Check::as_str)),
        ("SnapshotMethod", names(SnapshotMethod::ALL, SnapshotMethod::as_str)),
        ("PairingVerdict", names(PairingVerdict::ALL, PairingVerdict::as_str)),
    ])
}
