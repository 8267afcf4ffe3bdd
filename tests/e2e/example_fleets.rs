//! Plans every fleet in `examples/fleets` (and the bundled sample) for several targets and checks the
//! invariants every plan must keep, whatever the topology.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{Plan, PlanOptions, SAMPLE_FLEET, Severity, TargetSpec, plan};

fn fleets() -> Vec<(String, Fleet)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/fleets");
    let mut out = vec![("sample".to_owned(), Fleet::from_json(SAMPLE_FLEET).unwrap())];
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "json")) {
        let fleet = Fleet::load(&f).unwrap_or_else(|e| panic!("{e}"));
        out.push((f.file_name().unwrap().to_string_lossy().into_owned(), fleet));
    }
    assert!(out.len() >= 3, "example fleets missing");
    out
}

fn check_invariants(name: &str, fleet: &Fleet, p: &Plan) {
    // Steps are numbered in order and depend only on earlier steps.
    let pos: HashMap<&str, usize> = p.steps.iter().enumerate().map(|(i, s)| (&*s.id, i)).collect();
    for (i, s) in p.steps.iter().enumerate() {
        assert_eq!(s.id.to_string(), format!("S{}", i + 1), "{name}");
        assert!(s.depends_on.iter().all(|d| pos[&**d] < i), "{name}: {} depends forward", s.id);
        assert!(s.estimate.minutes > 0 && !s.estimate.basis.is_empty(), "{name}: {} has no estimate", s.id);
    }
    // Phases: within each round (a full-upgrade round at a stepping stone ends with its own mesh and
    // verification), preparation before manager upgrades before convergence.
    let rank = |s: &hcx_core::plan::Step| match s.phase.as_str() {
        "prepare" => 0,
        "managers" => 1,
        _ => 2,
    };
    assert!(
        p.steps.windows(2).all(|w| rank(&w[0]) <= rank(&w[1]) || w[0].phase.as_str() == "verify"),
        "{name}: phases out of order"
    );
    // No mesh step before every manager step of both its sites up to the release it installs.
    for s in p.steps.iter().filter(|s| s.phase.as_str() == "mesh") {
        let mesh = fleet.meshes.iter().find(|m| s.mesh.as_deref() == Some(m.id.as_str())).unwrap();
        for site in [&mesh.source, &mesh.destination] {
            for m in p.steps.iter().filter(|x| {
                x.kind.as_str() == "upgrade-manager" && x.site.as_deref() == Some(site.as_str()) && x.to <= s.to
            }) {
                assert!(pos[&*m.id] < pos[&*s.id], "{name}: mesh step {} before manager step {} of {site}", s.id, m.id);
            }
        }
        assert_eq!(s.site.as_deref(), Some(mesh.source.as_str()), "{name}: mesh step not from the source");
    }
    // Every finding names a rule; blockers are counted.
    assert_eq!(
        p.summary.blockers,
        p.findings.iter().filter(|f| f.severity == Severity::Blocker && !f.acknowledged).count()
    );
    assert!(p.findings.iter().all(|f| hcx_core::plan::rules::rule(f.rule.as_str()).is_some()));
    // Round trip and stable bytes.
    assert_eq!(Plan::from_json(&p.to_json()).unwrap(), *p, "{name}");
    // Every step id in the schedule exists.
    if let Some(sch) = &p.schedule {
        let ids: HashSet<&str> = p.steps.iter().map(|s| &*s.id).collect();
        assert!(sch.slots.iter().all(|s| ids.contains(&*s.step)));
        assert_eq!(sch.slots.len() + sch.unfitted.len(), p.steps.len(), "{name}");
    }
}

#[test]
fn every_example_fleet_plans_with_its_invariants() {
    let date = time::macros::date!(2026 - 11 - 28);
    for (name, fleet) in fleets() {
        for target in ["latest", "4.11.4", "9.1.1.0"] {
            let options = PlanOptions::new(target.parse::<TargetSpec>().unwrap(), date);
            let p = plan(&fleet, Catalog::bundled(), &options).unwrap_or_else(|e| panic!("{name} {target}: {e}"));
            check_invariants(&name, &fleet, &p);
            let again = plan(&fleet, Catalog::bundled(), &options).unwrap();
            assert_eq!(p.to_json(), again.to_json(), "{name} {target}: not deterministic");
        }
    }
}

#[test]
fn acknowledging_every_blocker_clears_the_plan() {
    let date = time::macros::date!(2026 - 11 - 28);
    for (name, fleet) in fleets() {
        let p = plan(&fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Latest, date)).unwrap();
        let mut options = PlanOptions::new(TargetSpec::Latest, date);
        for f in p.findings.iter().filter(|f| f.severity == Severity::Blocker) {
            options = options.acknowledge(f.rule.as_str());
        }
        let acked = plan(&fleet, Catalog::bundled(), &options).unwrap();
        assert!(!acked.has_blockers(), "{name}");
        assert_eq!(acked.findings.len(), p.findings.len(), "{name}: acknowledged findings must stay reported");
    }
}
