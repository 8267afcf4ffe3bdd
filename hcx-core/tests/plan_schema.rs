//! The published JSON Schema of `hcx-plan/v2` (`hcx-core/schema/hcx-plan-v2.schema.json`) accepts every real
//! plan, rejects broken ones, and lists the same names as the Rust enums.
//!
//! The schema is hand-kept; validating real plans against it (the `jsonschema` crate) makes a field added to the
//! plan without the schema (or the other way round) fail here.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

mod support;

use support::json_schema::names;

use hcx_core::Catalog;
use hcx_core::fleet::{Fleet, MeshService};
use hcx_core::plan::{
    Check, NeUpgradeMode, Owner, Phase, PlanOptions, SAMPLE_FLEET, Severity, SnapshotMethod, StepKind, TargetSpec, plan,
};
use serde_json::Value;
use time::macros::date;

fn schema() -> Value {
    support::json_schema::load("hcx-plan-v2.schema.json")
}

fn problems(doc: &Value) -> Vec<String> {
    support::json_schema::problems(&schema(), doc)
}

fn fleets() -> Vec<Fleet> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fleets");
    let mut f = vec![Fleet::from_json(SAMPLE_FLEET).unwrap()];
    for name in ["multi-site.json", "legacy-4.3.json"] {
        f.push(Fleet::load(dir.join(name)).unwrap());
    }
    f
}

#[test]
fn every_real_plan_matches_the_published_schema() {
    let mut kinds = std::collections::BTreeSet::new();
    for fleet in fleets() {
        for target in ["latest", "4.10.3", "4.11.4"] {
            let options = PlanOptions::new(target.parse::<TargetSpec>().unwrap(), date!(2026 - 11 - 28));
            let Ok(p) = plan(&fleet, Catalog::bundled(), &options) else { continue };
            let doc: Value = serde_json::from_str(&p.to_json()).unwrap();
            let found = problems(&doc);
            assert!(found.is_empty(), "target {target}: {found:#?}");
            kinds.extend(p.steps.iter().map(|s| s.action.as_ref().unwrap().op.type_name()));
            assert!(doc.get("schedule").is_some() || fleet.windows.is_empty());
        }
    }
    // The plans checked use every action type but the fallback.
    for t in ["precheck", "snapshot", "upgrade-manager", "remove-service", "wait-convergence", "upgrade-appliances"] {
        assert!(kinds.contains(t), "no plan used {t}: {kinds:?}");
    }
    assert!(kinds.contains("redeploy-appliance") && kinds.contains("verify") && kinds.contains("manual"));
}

#[test]
fn the_schema_rejects_broken_plans() {
    let p = plan(
        &Fleet::from_json(SAMPLE_FLEET).unwrap(),
        Catalog::bundled(),
        &PlanOptions::new(TargetSpec::Validated, date!(2026 - 11 - 28)),
    )
    .unwrap();
    let good: Value = serde_json::from_str(&p.to_json()).unwrap();
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut d = good.clone();
        edit(&mut d);
        problems(&d)
    };
    assert!(!broken(&|d| d["steps"][0]["colour"] = "red".into()).is_empty());
    assert!(
        !broken(&|d| {
            d["steps"][0].as_object_mut().unwrap().remove("action");
        })
        .is_empty()
    );
    assert!(!broken(&|d| d["steps"][5]["action"]["type"] = "reboot".into()).is_empty());
    assert!(!broken(&|d| d["digest"] = "sha256:xyz".into()).is_empty());
    assert!(!broken(&|d| d["schema"] = "hcx-plan/v1".into()).is_empty());
    assert!(!broken(&|d| d["steps"][5]["action"]["after"]["managers"]["dc1"] = "soon".into()).is_empty());
}

fn schema_enum(name: &str) -> Vec<String> {
    support::json_schema::enum_names(&schema(), name)
}

#[test]
fn the_schema_lists_the_rust_names() {
    assert_eq!(schema_enum("severity"), names(Severity::ALL));
    assert_eq!(schema_enum("owner"), names(Owner::ALL));
    assert_eq!(schema_enum("phase"), names(Phase::ALL));
    assert_eq!(schema_enum("step_kind"), names(StepKind::ALL));
    assert_eq!(schema_enum("ne_upgrade_mode"), names(NeUpgradeMode::ALL));
    assert_eq!(schema_enum("mesh_service"), names(MeshService::ALL));
    assert_eq!(schema_enum("check"), names(Check::ALL));
    assert_eq!(schema_enum("snapshot_method"), names(SnapshotMethod::ALL));
    assert_eq!(schema()["properties"]["schema"]["const"], hcx_core::plan::PLAN_SCHEMA);
}
