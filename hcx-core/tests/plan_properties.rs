//! Properties of every plan, over generated fleets: random catalog versions, pairs, meshes with random
//! services and NE HA groups, random windows and targets.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::{BTreeMap, HashMap, HashSet};

use hcx_core::Catalog;
use hcx_core::catalog::PairingVerdict;
use hcx_core::fleet::Fleet;
use hcx_core::plan::rules::RuleId;
use hcx_core::plan::{Plan, PlanOptions, Severity, Step, StepKind, plan};
use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::date;

fn versions() -> Vec<String> {
    Catalog::bundled().releases().iter().map(|r| r.version.to_string()).collect()
}

/// A generated fleet and target.
#[derive(Debug, Clone)]
struct Case {
    fleet: Value,
    target: String,
}

fn version() -> impl Strategy<Value = String> {
    let all = versions();
    (0..all.len()).prop_map(move |i| all[i].clone())
}

/// One mesh: services (WAN Optimization, Disaster Recovery, NE) and NE appliances, some in an HA group.
fn mesh() -> impl Strategy<Value = (bool, bool, bool, usize, bool)> {
    (any::<bool>(), any::<bool>(), any::<bool>(), 0usize..3, any::<bool>())
}

/// A window: its site, its start (hours after 2026-12-01, or for a weekly one the day and hour), its length in
/// hours, and whether it recurs weekly (in a zone with daylight saving).
fn window() -> impl Strategy<Value = (Option<usize>, u32, u32, bool)> {
    (proptest::option::of(0usize..4), 0u32..(24 * 20), 1u32..10, any::<bool>())
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::collection::vec(version(), 1..3),
        proptest::collection::vec(version(), 1..3),
        proptest::collection::vec(0usize..2, 2),
        any::<bool>(),
        proptest::collection::vec(mesh(), 3),
        proptest::collection::vec(window(), 0..4),
        version(),
    )
        .prop_map(|(conns, clouds, peer_of, cloud_pair, meshes, windows, target)| {
            let mut sites = Vec::new();
            let mut ids = Vec::new();
            for (i, v) in conns.iter().enumerate() {
                sites.push(json!({"id": format!("c{i}"), "role": "connector", "platform": "on-prem", "version": v}));
                ids.push(format!("c{i}"));
            }
            for (i, v) in clouds.iter().enumerate() {
                let platform = if i == 0 { "avs" } else { "on-prem" };
                sites.push(json!({"id": format!("k{i}"), "role": "cloud", "platform": platform, "version": v}));
                ids.push(format!("k{i}"));
            }
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (i, peer) in peer_of.iter().enumerate().take(conns.len()) {
                pairs.push((format!("c{i}"), format!("k{}", peer % clouds.len())));
            }
            if cloud_pair && clouds.len() > 1 {
                pairs.push(("k1".into(), "k0".into()));
            }
            let version_of: HashMap<String, String> = sites
                .iter()
                .map(|s| (s["id"].as_str().unwrap().to_owned(), s["version"].as_str().unwrap().to_owned()))
                .collect();
            let mut mesh_docs = Vec::new();
            let mut extensions = Vec::new();
            for (n, ((src, dst), (wo, dr, ne, ne_count, ha))) in pairs.iter().zip(&meshes).enumerate() {
                // Appliances run their source manager's release (the lower of the two, here).
                let v = std::cmp::min_by(&version_of[src], &version_of[dst], |a, b| {
                    a.parse::<hcx_core::HcxVersion>().unwrap().cmp(&b.parse().unwrap())
                });
                let mut services = vec!["interconnect"];
                let mut appliances = vec![json!({"id": format!("ix{n}"), "kind": "IX", "version": v})];
                if *ne {
                    services.push("network-extension");
                    for k in 0..*ne_count {
                        let id = format!("ne{n}-{k}");
                        let mut a = json!({"id": id, "kind": "NE", "version": v});
                        if *ha {
                            a["ha_group"] = format!("ha{n}").into();
                        }
                        appliances.push(a);
                        extensions
                            .push(json!({"network": format!("net{n}-{k}"), "appliance": id, "binding": "static"}));
                    }
                }
                if *wo {
                    services.push("wan-optimization");
                    appliances.push(json!({"id": format!("wo{n}"), "kind": "WO", "version": v}));
                }
                if *dr {
                    services.push("disaster-recovery");
                }
                mesh_docs.push(json!({"id": format!("m{n}"), "source": src, "destination": dst,
                    "services": services, "appliances": appliances}));
            }
            let start = time::macros::datetime!(2026-12-01 00:00 UTC);
            let windows: Vec<Value> = windows
                .iter()
                .map(|(site, from, hours, weekly)| {
                    let s = start + time::Duration::hours(i64::from(*from));
                    let e = s + time::Duration::hours(i64::from(*hours));
                    let fmt = &time::format_description::well_known::Rfc3339;
                    let mut w = json!({"start": s.format(fmt).unwrap(), "end": e.format(fmt).unwrap()});
                    if *weekly {
                        let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][(from / 24 % 7) as usize];
                        let tz = if from % 2 == 0 { "Europe/Amsterdam" } else { "America/New_York" };
                        w = json!({"weekly": {"days": [day], "start": format!("{:02}:30", from % 24),
                            "duration": format!("{hours}h"), "tz": tz}});
                    }
                    if let Some(i) = site {
                        w["site"] = ids[i % ids.len()].clone().into();
                    }
                    w
                })
                .collect();
            let fleet = json!({
                "schema": "hcx-fleet/v1",
                "sites": sites,
                "pairs": pairs.iter().map(|(s, d)| json!({"source": s, "destination": d})).collect::<Vec<_>>(),
                "meshes": mesh_docs,
                "extensions": extensions,
                "windows": windows,
            });
            Case { fleet, target }
        })
}

/// Every step that must finish before `id`, transitively.
fn ancestors<'a>(by_id: &HashMap<&'a str, &'a Step>, id: &str) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    let mut todo = vec![by_id[id]];
    while let Some(s) = todo.pop() {
        for d in &s.depends_on {
            if seen.insert(&**d) {
                todo.push(by_id[&**d]);
            }
        }
    }
    seen
}

fn check(p: &Plan, fleet: &Fleet) -> Result<(), TestCaseError> {
    let by_id: HashMap<&str, &Step> = p.steps.iter().map(|s| (&*s.id, s)).collect();
    let pos: HashMap<&str, usize> = p.steps.iter().enumerate().map(|(i, s)| (&*s.id, i)).collect();
    // No step runs before a step it depends on: in order, and in the schedule.
    for (i, s) in p.steps.iter().enumerate() {
        for d in &s.depends_on {
            prop_assert!(pos[&**d] < i, "{} depends on later {d}", s.id);
        }
    }
    if let Some(sch) = &p.schedule {
        let slot: HashMap<&str, _> = sch.slots.iter().map(|s| (&*s.step, s)).collect();
        let unfitted: HashSet<&str> = sch.unfitted.iter().map(|u| &*u.step).collect();
        prop_assert_eq!(slot.len() + unfitted.len(), p.steps.len());
        prop_assert_eq!(p.summary.unfitted, unfitted.len());
        for s in &p.steps {
            let Some(me) = slot.get(&*s.id) else { continue };
            for d in &s.depends_on {
                let dep = slot.get(&**d);
                prop_assert!(dep.is_some(), "{} placed though its dependency {d} did not fit", s.id);
                prop_assert!(dep.unwrap().end <= me.start, "{} starts before {d} ends", s.id);
            }
            // Inside one opening of its window (a weekly window's, counted from the plan date).
            let openings = fleet.windows[me.window].occurrences_between(p.date, me.start, me.end);
            prop_assert!(
                openings.iter().any(|o| o.start <= me.start && me.end <= o.end),
                "{} outside its window",
                s.id
            );
        }
    }
    // No manager upgrade before a removal that gates it.
    for r in p.steps.iter().filter(|s| s.kind == StepKind::RemoveService) {
        let m = fleet.meshes.iter().find(|m| r.mesh.as_deref() == Some(m.id.as_str())).unwrap();
        for up in p.steps.iter().filter(|s| s.kind == StepKind::UpgradeManager) {
            let site = up.site.as_deref().unwrap();
            if site == m.source || site == m.destination {
                prop_assert!(ancestors(&by_id, &up.id).contains(&*r.id), "{} runs before removal {}", up.id, r.id);
            }
        }
    }
    // No mesh step before both managers of its pair reach the hop.
    for s in p.steps.iter().filter(|s| s.phase.as_str() == "mesh") {
        let m = fleet.meshes.iter().find(|m| s.mesh.as_deref() == Some(m.id.as_str())).unwrap();
        let to = s.to.as_ref().unwrap();
        let before = ancestors(&by_id, &s.id);
        for up in p.steps.iter().filter(|x| x.kind == StepKind::UpgradeManager) {
            let site = up.site.as_deref().unwrap();
            if (site == m.source || site == m.destination) && up.to.as_ref().unwrap() <= to {
                prop_assert!(before.contains(&*up.id), "mesh step {} runs before manager step {}", s.id, up.id);
            }
        }
    }
    // After every round every pair is supported or flagged.
    let catalog = Catalog::bundled();
    let mut version: BTreeMap<&str, hcx_core::HcxVersion> =
        fleet.sites.iter().map(|s| (s.id.as_str(), s.version.clone())).collect();
    let mut rounds: BTreeMap<u32, Vec<&Step>> = BTreeMap::new();
    for s in p.steps.iter().filter(|s| s.kind == StepKind::UpgradeManager) {
        rounds.entry(s.round.unwrap()).or_default().push(s);
    }
    for steps in rounds.values() {
        for s in steps {
            version.insert(s.site.as_deref().unwrap(), s.to.clone().unwrap());
        }
        for pair in &fleet.pairs {
            let (a, b) = (&version[pair.source.as_str()], &version[pair.destination.as_str()]);
            let label = format!("{}->{}", pair.source, pair.destination);
            let verdict = catalog.can_pair(a, b).verdict;
            if verdict == PairingVerdict::Compatible {
                continue;
            }
            let flagged = p.findings.iter().any(|f| {
                f.subjects.contains(&label)
                    && match verdict {
                        PairingVerdict::Incompatible => {
                            f.rule == RuleId::PairingIncompatible && f.severity == Severity::Blocker
                        }
                        // A skew the fleet already has is flagged by the same-version rule.
                        _ => matches!(
                            f.rule,
                            RuleId::PairingUnverified | RuleId::PairingIncompatible | RuleId::PairedManagersSameVersion
                        ),
                    }
            });
            prop_assert!(flagged, "pair {label} at {a} with {b} after round {:?} is not flagged", steps[0].round);
        }
    }
    // Every finding's rule is in the table, at its declared severity or a declared escalation.
    for f in &p.findings {
        let r = f.rule.rule();
        prop_assert!(f.severity == r.severity || r.escalations.contains(&f.severity), "{} at {}", f.rule, f.severity);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn every_plan_is_ordered_gated_checked_and_stable(c in case()) {
        let fleet = Fleet::from_json(&c.fleet.to_string()).map_err(|e| TestCaseError::fail(format!("{e}\n{}", c.fleet)))?;
        let options = PlanOptions::new(c.target.parse().unwrap(), date!(2026 - 11 - 28));
        let Ok(p) = plan(&fleet, Catalog::bundled(), &options) else {
            // Only input errors are refused (an unknown target cannot occur: targets come from the catalog).
            return Ok(());
        };
        check(&p, &fleet)?;
        let again = plan(&fleet, Catalog::bundled(), &options).unwrap();
        prop_assert_eq!(p.to_json(), again.to_json(), "same input, same bytes");
        prop_assert_eq!(p.to_text(), again.to_text());
    }
}
