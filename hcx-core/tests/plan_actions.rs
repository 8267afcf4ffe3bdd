//! Typed step actions: every step has one, and replaying them on the fleet walks a consistent chain of
//! states that ends at the target.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::Path;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{
    Action, FleetState, Plan, PlanOptions, ReplayError, SAMPLE_FLEET, Severity, StateView, TargetSpec, plan,
};
use hcx_core::version::HcxVersion;
use time::macros::date;

const DATE: time::Date = date!(2026 - 11 - 28);

/// Every example fleet: the bundled sample, `examples/fleets/*.json` and this crate's fixtures.
fn fleets() -> Vec<(String, Fleet)> {
    let mut out = vec![("sample".to_owned(), Fleet::from_json(SAMPLE_FLEET).unwrap())];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in [root.join("../examples/fleets"), root.join("tests/fleets")] {
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|x| x == "json")) {
            out.push((f.display().to_string(), Fleet::load(&f).unwrap()));
        }
    }
    out
}

/// `latest`, `validated` and every release of the catalog.
fn targets() -> Vec<TargetSpec> {
    let mut t = vec![TargetSpec::Latest, TargetSpec::Validated];
    t.extend(Catalog::bundled().releases().iter().map(|r| TargetSpec::Version(r.version.clone())));
    t
}

fn plans() -> Vec<(String, Fleet, Plan)> {
    let mut out = Vec::new();
    for (name, fleet) in fleets() {
        for t in targets() {
            if let Ok(p) = plan(&fleet, Catalog::bundled(), &PlanOptions::new(t.clone(), DATE)) {
                out.push((format!("{name} -> {t}"), fleet.clone(), p));
            }
        }
    }
    out
}

/// Where the fleet should end: every manager and appliance at least at the target, the services the plan
/// removes (because the target drops them, a `wan-opt-removed` blocker) gone with their appliances.
fn goal(fleet: &Fleet, p: &Plan, removed: &[(String, hcx_core::fleet::MeshService, Vec<String>)]) -> FleetState {
    let mut g = FleetState::of(fleet);
    let up = |v: &mut HcxVersion| {
        if *v < p.target {
            *v = p.target.clone();
        }
    };
    g.managers.values_mut().for_each(up);
    g.appliances.values_mut().for_each(up);
    for (mesh, service, appliances) in removed {
        g.services.get_mut(mesh.as_str()).unwrap().remove(service);
        for a in appliances {
            g.appliances.remove(a.as_str());
        }
    }
    g
}

#[test]
fn every_step_of_every_golden_plan_has_an_action() {
    let sample = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let p = plan(&sample, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, DATE)).unwrap();
    assert!(p.steps.iter().all(|s| s.action.is_some()));
    let kinds: Vec<&str> = p.steps.iter().map(|s| s.action.as_ref().unwrap().op.type_name()).collect();
    assert_eq!(
        kinds,
        [
            "precheck",
            "snapshot",
            "manual",
            "precheck",
            "snapshot",
            "upgrade-manager",
            "upgrade-manager",
            "wait-convergence",
            "upgrade-appliances",
            "upgrade-appliances",
            "upgrade-appliances",
            "verify"
        ]
    );
    for (name, _, p) in plans() {
        for s in &p.steps {
            assert!(s.action.is_some(), "{name}: step {} ({}) has no action", s.id, s.kind);
        }
    }
}

#[test]
fn replay_is_consistent_and_ends_at_the_target() {
    let mut exact = 0;
    for (name, fleet, p) in plans() {
        let end = p.replay(&fleet).unwrap_or_else(|e| panic!("{name}: {e}"));
        let removed: Vec<_> = p
            .steps
            .iter()
            .filter_map(|s| match &s.action.as_ref().unwrap().op {
                Action::RemoveService { mesh, service, appliances, .. } => {
                    Some((mesh.to_string(), *service, appliances.iter().map(ToString::to_string).collect()))
                }
                _ => None,
            })
            .collect();
        for (mesh, _, _) in &removed {
            assert!(
                p.findings.iter().any(|f| matches!(f.rule.as_str(), "wan-opt-removed" | "service-removed-in-target")
                    && f.severity == Severity::Blocker
                    && f.subjects.contains(mesh)),
                "{name}: mesh {mesh} loses a service the target does not drop"
            );
        }
        // Blockers other than the removal the plan carries out itself leave work undone by design.
        let undone = p
            .findings
            .iter()
            .any(|f| f.blocks() && !matches!(f.rule.as_str(), "wan-opt-removed" | "service-removed-in-target"));
        if !undone {
            assert_eq!(end, goal(&fleet, &p, &removed), "{name}: the replay does not end at the target");
            exact += 1;
        }
    }
    assert!(exact >= 10, "only {exact} plans were checked against the target state");
}

#[test]
fn replay_detects_a_step_out_of_order() {
    let sample = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let mut p = plan(&sample, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, DATE)).unwrap();
    // The first mesh step moved before the manager upgrades: its managers are not at the target yet.
    let mesh = p.steps.iter().position(|s| s.kind.as_str() == "upgrade-appliance").unwrap();
    let step = p.steps.remove(mesh);
    p.steps.insert(0, step);
    match p.replay(&sample) {
        Err(ReplayError::Drift { step, mismatches }) => {
            assert_eq!(&*step, "S9");
            assert!(mismatches.iter().any(|m| m.to_string().starts_with("manager dc1: expected 4.11.4")));
        }
        other => panic!("expected drift, got {other:?}"),
    }
}

#[test]
fn actions_round_trip_through_json_with_a_type_tag() {
    let sample = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let p = plan(&sample, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, DATE)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
    let hop = &v["steps"][5]["action"];
    assert_eq!(hop["type"], "upgrade-manager");
    assert_eq!(hop["site"], "dc1");
    assert_eq!(hop["from"], "4.10.3-24447633");
    assert_eq!(hop["to"], "4.11.4");
    assert_eq!(hop["bundle"], "4.11.4");
    assert_eq!(hop["before"]["managers"]["dc1"], "4.10.3-24447633");
    assert_eq!(hop["after"]["managers"]["dc1"], "4.11.4");
    let ne = &v["steps"][9]["action"];
    assert_eq!(ne["type"], "upgrade-appliances");
    assert_eq!(ne["mode"], "ha-standby-first");
    assert_eq!(ne["peer_site"], "avs-weu");
    let back = Plan::from_json(&p.to_json()).unwrap();
    assert_eq!(back, p);
}

#[test]
fn a_removal_step_names_its_service_and_the_appliances_go() {
    let fleet = Fleet::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/fleets/legacy-4.3.json")).unwrap();
    let p = plan(&fleet, Catalog::bundled(), &PlanOptions::new("4.11.4".parse().unwrap(), DATE)).unwrap();
    let a = p.steps.iter().find_map(|s| match &s.action.as_ref().unwrap().op {
        Action::RemoveService { .. } => s.action.as_ref(),
        _ => None,
    });
    let a = a.expect("the legacy fleet's plan removes WAN Optimization");
    assert_eq!(
        a.op,
        Action::RemoveService {
            mesh: "sm-legacy".into(),
            site: "legacy-dc".into(),
            service: hcx_core::fleet::MeshService::WanOptimization,
            appliances: vec!["wo".into()],
        }
    );
    assert_eq!(a.after.appliances.get("wo"), Some(&None));
    assert!(!a.after.services["sm-legacy"].contains(&hcx_core::fleet::MeshService::WanOptimization));
    assert_ne!(a.before, StateView::default());
}
