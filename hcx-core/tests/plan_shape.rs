//! Ordering guarantees, target selection, windows, JSON round trips and golden renderings.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::{HashMap, HashSet};

use hcx_core::Catalog;
use hcx_core::catalog::PairingVerdict;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{Plan, PlanError, PlanOptions, SAMPLE_FLEET, TargetSpec, plan};
use serde_json::{Value, json};
use time::macros::date;

const DATE: time::Date = date!(2026 - 11 - 28);

fn run(doc: &str, target: &str) -> Plan {
    let fleet = Fleet::from_json(doc).unwrap();
    plan(&fleet, Catalog::bundled(), &PlanOptions::new(target.parse().unwrap(), DATE)).unwrap()
}

/// Two old connectors paired with one cloud, and a cloud-to-cloud pair: multi-hop and multi-pair.
fn multi() -> String {
    json!({
        "schema": "hcx-fleet/v1",
        "sites": [
            {"id": "dc1", "role": "connector", "platform": "on-prem", "version": "4.3.3"},
            {"id": "dc2", "role": "connector", "platform": "on-prem", "version": "4.8.2"},
            {"id": "cloud", "role": "cloud", "platform": "ocvs", "version": "4.9.2"},
            {"id": "cloud2", "role": "cloud", "platform": "ocvs", "version": "4.10.3"}
        ],
        "pairs": [
            {"source": "dc1", "destination": "cloud"},
            {"source": "dc2", "destination": "cloud"},
            {"source": "cloud", "destination": "cloud2"}
        ],
        "meshes": [
            {"id": "m1", "source": "dc1", "destination": "cloud", "services": ["interconnect", "osam"],
             "appliances": [{"id": "ix1", "kind": "IX", "version": "4.3.3"},
                            {"id": "ne1", "kind": "NE", "version": "4.3.3"},
                            {"id": "sgw1", "kind": "SGW", "version": "4.3.3"}]},
            {"id": "m2", "source": "dc2", "destination": "cloud", "services": ["interconnect"],
             "appliances": [{"id": "ix2", "kind": "IX", "version": "4.8.2"}]},
            {"id": "m3", "source": "cloud", "destination": "cloud2", "services": ["interconnect"],
             "appliances": [{"id": "ix3", "kind": "IX", "version": "4.9.2"}]}
        ],
        "extensions": [{"network": "v10", "appliance": "ne1", "binding": "static"}]
    })
    .to_string()
}

/// Every step that must run before `id`, transitively.
fn before<'a>(p: &'a Plan, id: &str) -> HashSet<&'a str> {
    let by_id: HashMap<&str, &hcx_core::plan::Step> = p.steps.iter().map(|s| (&*s.id, s)).collect();
    let mut seen = HashSet::new();
    let mut todo = vec![id];
    while let Some(x) = todo.pop() {
        for d in &by_id[x].depends_on {
            if seen.insert(&**d) {
                todo.push(d);
            }
        }
    }
    seen
}

#[test]
fn dependencies_point_backwards_only() {
    let p = run(&multi(), "4.10.3");
    let pos: HashMap<&str, usize> = p.steps.iter().enumerate().map(|(i, s)| (&*s.id, i)).collect();
    for (i, s) in p.steps.iter().enumerate() {
        assert_eq!(s.id.to_string(), format!("S{}", i + 1));
        for d in &s.depends_on {
            assert!(pos[&**d] < i, "{} depends on later {d}", s.id);
        }
    }
}

#[test]
fn no_mesh_step_before_both_managers_reach_the_target() {
    let p = run(&multi(), "4.10.3");
    let fleet = Fleet::from_json(&multi()).unwrap();
    for s in p.steps.iter().filter(|s| s.phase.as_str() == "mesh") {
        let mesh = fleet.meshes.iter().find(|m| s.mesh.as_deref() == Some(m.id.as_str())).unwrap();
        let prior = before(&p, &s.id);
        for site in [&mesh.source, &mesh.destination] {
            let hops: Vec<_> = p
                .steps
                .iter()
                .filter(|x| x.kind.as_str() == "upgrade-manager" && x.site.as_deref() == Some(site.as_str()))
                .collect();
            let running = &fleet.sites.iter().find(|x| &x.id == site).unwrap().version;
            if running.to_string() != "4.10.3" {
                assert_eq!(hops.last().unwrap().to.as_ref().unwrap().to_string(), "4.10.3");
            }
            for h in hops {
                assert!(prior.contains(&*h.id), "{} runs before manager step {} of {site}", s.id, h.id);
            }
        }
        // Started from the mesh's source site.
        assert_eq!(s.site.as_deref(), Some(mesh.source.as_str()));
    }
}

#[test]
fn multi_hop_manager_paths_use_the_stepping_stones() {
    let p = run(&multi(), "4.10.3");
    let dc1: Vec<String> = p
        .steps
        .iter()
        .filter(|s| s.kind.as_str() == "upgrade-manager" && s.site.as_deref() == Some("dc1"))
        .map(|s| s.to.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(dc1, ["4.8.3", "4.9.2", "4.10.3"]);
}

#[test]
fn every_intermediate_pair_state_is_supported() {
    let p = run(&multi(), "4.10.3");
    let fleet = Fleet::from_json(&multi()).unwrap();
    let c = Catalog::bundled();
    let mut version: HashMap<&str, hcx_core::HcxVersion> =
        fleet.sites.iter().map(|s| (&*s.id, s.version.clone())).collect();
    for s in p.steps.iter().filter(|s| s.kind.as_str() == "upgrade-manager") {
        // Each hop only starts after the previous hops of the site's peers (recorded in depends_on).
        version.insert(s.site.as_deref().unwrap(), s.to.clone().unwrap());
        for pair in &fleet.pairs {
            let v = c.can_pair(&version[pair.source.as_str()], &version[pair.destination.as_str()]);
            assert_ne!(v.verdict, PairingVerdict::Incompatible);
        }
    }
    assert!(p.findings.iter().all(|f| f.rule != "pairing-incompatible"));
}

#[test]
fn mesh_order_is_ix_then_ne_then_sentinel_redeploy() {
    let p = run(&multi(), "4.10.3");
    let m1: Vec<(&str, &str)> = p
        .steps
        .iter()
        .filter(|s| s.mesh.as_deref() == Some("m1"))
        .map(|s| (s.kind.as_str(), s.appliances[0].as_str()))
        .collect();
    assert_eq!(m1, [("upgrade-appliance", "ix1"), ("upgrade-appliance", "ne1"), ("redeploy-appliance", "sgw1")]);
}

#[test]
fn photon_crossing_is_flagged_on_the_old_mesh_only() {
    let p = run(&multi(), "4.10.3");
    let photon = p.findings.iter().filter(|f| f.rule == "photon-mesh-upgrade").collect::<Vec<_>>();
    assert!(photon.iter().any(|f| f.message.contains("mesh m1")));
    assert!(!photon.iter().any(|f| f.message.contains("mesh m3")));
}

#[test]
fn target_selection() {
    let p = run(SAMPLE_FLEET, "validated");
    assert_eq!(p.target.to_string(), "4.11.4");
    assert!(p.target_reason.contains("build 25238712"), "{}", p.target_reason);
    let p = run(SAMPLE_FLEET, "latest");
    assert_eq!(p.target.to_string(), "4.11.5");
    assert!(p.target_reason.starts_with("latest: 4.11.5"), "{}", p.target_reason);
    let p = run(SAMPLE_FLEET, "4.11.4.0");
    assert_eq!(p.target_reason, "explicit target 4.11.4");

    let fleet = Fleet::from_json(SAMPLE_FLEET).unwrap();
    let e = plan(&fleet, Catalog::bundled(), &PlanOptions::new("4.11.9".parse().unwrap(), DATE)).unwrap_err();
    assert!(matches!(e, PlanError::UnknownTarget { .. }), "{e}");
    assert!(e.to_string().contains("target 4.11.9 is not a release known"));
    // An on-premises-only fleet has no validated release.
    let fleet = Fleet::from_json(&multi().replace("\"ocvs\"", "\"on-prem\"")).unwrap();
    let e = plan(&fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Validated, DATE)).unwrap_err();
    assert!(matches!(e, PlanError::NoValidatedRelease { .. }), "{e}");
}

#[test]
fn latest_skips_known_bad_releases_for_the_topology() {
    // A catalog where the newest 4.x release has an NE HA issue: latest avoids it only where NE HA is in use.
    let mut cat: Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    cat["known_issues"].as_array_mut().unwrap().push(json!({
        "id": "test-ha-issue", "title": "test issue", "affects": "=4.11.5", "condition": "ne-ha",
        "advice": "none", "sources": ["T-VCF91"], "confidence": "third-party"}));
    let catalog = Catalog::from_json(&cat.to_string()).unwrap();
    let mut doc: Value = serde_json::from_str(SAMPLE_FLEET).unwrap();
    let latest = |doc: &Value| {
        let fleet = Fleet::from_json(&doc.to_string()).unwrap();
        plan(&fleet, &catalog, &PlanOptions::new(TargetSpec::Latest, DATE)).unwrap()
    };
    let p = latest(&doc);
    assert_eq!(p.target.to_string(), "4.11.4");
    assert!(p.target_reason.contains("skipped 4.11.5: known issue test-ha-issue"), "{}", p.target_reason);
    for a in doc["meshes"][0]["appliances"].as_array_mut().unwrap() {
        a.as_object_mut().unwrap().remove("ha_group");
    }
    assert_eq!(latest(&doc).target.to_string(), "4.11.5");
}

#[test]
fn windows_fit_or_say_what_did_not() {
    let p = run(SAMPLE_FLEET, "validated");
    let sch = p.schedule.as_ref().unwrap();
    assert!(sch.unfitted.is_empty());
    assert_eq!(sch.slots.len(), p.steps.len());
    let end: HashMap<&str, time::OffsetDateTime> = sch.slots.iter().map(|s| (&*s.step, s.end)).collect();
    for slot in &sch.slots {
        for d in &p.step(&slot.step).unwrap().depends_on {
            assert!(end[&**d] <= slot.start, "{} starts before {d} ends", slot.step);
        }
    }

    let mut doc: Value = serde_json::from_str(SAMPLE_FLEET).unwrap();
    doc["windows"] = json!([{"start": "2026-12-05T20:00:00Z", "end": "2026-12-05T21:45:00Z"}]);
    let p = run(&doc.to_string(), "validated");
    let sch = p.schedule.unwrap();
    assert!(!sch.unfitted.is_empty());
    let first = &sch.unfitted[0];
    assert!(first.reason.starts_with("needs 60 min; no window for site"), "{}", first.reason);
    assert!(sch.unfitted.iter().skip(1).any(|u| u.reason.contains("which did not fit")));
    let fitted: HashSet<&str> = sch.slots.iter().map(|s| &*s.step).collect();
    assert_eq!(fitted.len() + sch.unfitted.len(), p.steps.len());
}

#[test]
fn json_round_trip_and_stable_bytes() {
    let a = run(SAMPLE_FLEET, "validated");
    let b = run(SAMPLE_FLEET, "validated");
    assert_eq!(a.to_json(), b.to_json(), "same input, same bytes");
    let back = Plan::from_json(&a.to_json()).unwrap();
    assert_eq!(back, a);
    let v: Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(v["schema"], "hcx-plan/v2");
    let e = Plan::from_json(r#"{"schema": "hcx-plan/v9"}"#).unwrap_err();
    assert!(e.to_string().contains("unsupported plan schema"), "{e}");
}

#[test]
fn plans_never_contain_credentials() {
    // Fleets have no secret fields; a plan serialises only what the fleet and catalog hold.
    let p = run(SAMPLE_FLEET, "validated").to_json();
    for word in ["password", "token", "secret"] {
        assert!(!p.to_lowercase().contains(word), "{word} in plan");
    }
}

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{name} differs from the golden file; rerun with UPDATE_GOLDEN=1 and review the diff\n{actual}"
    );
}

#[test]
fn golden_text_and_markdown() {
    let p = run(SAMPLE_FLEET, "validated");
    golden("sample-plan.txt", &p.to_text());
    golden("sample-plan.md", &p.to_markdown());
    let p = run(&multi(), "4.10.3");
    golden("multi-plan.txt", &p.to_text());
}
