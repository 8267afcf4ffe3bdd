//! The `ha_groups_unknown` mesh marker: read, written only when set, in the published schema, and planned
//! with no In-Service NE upgrade and a warning saying what to check.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod support;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::rules::RuleId;
use hcx_core::plan::{NeUpgradeMode, Plan, PlanOptions, Severity, plan};
use serde_json::{Value, json};
use time::macros::date;

/// Two sites at 4.11.3, one mesh with an IX, an NE alone and (optionally) two NEs in HA group `g`.
fn doc(unknown: Option<bool>, ha: bool) -> Value {
    let mut appliances = vec![
        json!({"id": "ix1", "kind": "IX", "version": "4.11.3"}),
        json!({"id": "ne1", "kind": "NE", "version": "4.11.3"}),
    ];
    if ha {
        appliances.push(json!({"id": "ne2", "kind": "NE", "version": "4.11.3", "ha_group": "g"}));
        appliances.push(json!({"id": "ne3", "kind": "NE", "version": "4.11.3", "ha_group": "g"}));
    }
    let mut mesh = json!({"id": "sm1", "source": "c1", "destination": "avs1",
        "services": ["interconnect", "network-extension"], "appliances": appliances});
    if let Some(u) = unknown {
        mesh["ha_groups_unknown"] = json!(u);
    }
    json!({
        "schema": "hcx-fleet/v1",
        "sites": [
            {"id": "c1", "role": "connector", "platform": "on-prem", "version": "4.11.3"},
            {"id": "avs1", "role": "cloud", "platform": "avs", "version": "4.11.3"}
        ],
        "pairs": [{"source": "c1", "destination": "avs1"}],
        "meshes": [mesh]
    })
}

fn fleet(doc: &Value) -> Fleet {
    Fleet::from_json(&doc.to_string()).unwrap()
}

fn run(doc: &Value, in_service: bool) -> Plan {
    let o = PlanOptions::new("4.11.4".parse().unwrap(), date!(2026 - 11 - 28)).ne_in_service(in_service);
    plan(&fleet(doc), Catalog::bundled(), &o).unwrap()
}

fn mode(p: &Plan, appliances: &[&str]) -> NeUpgradeMode {
    p.steps.iter().find(|s| s.appliances == appliances).unwrap().impact.ne_mode.unwrap()
}

fn unknown_findings(p: &Plan) -> Vec<&hcx_core::plan::Finding> {
    p.findings.iter().filter(|f| f.rule == RuleId::NeInServiceHa && f.severity == Severity::Warning).collect()
}

#[test]
fn the_marker_reads_and_is_written_only_when_set() {
    assert!(!fleet(&doc(None, false)).meshes[0].ha_groups_unknown);
    assert!(!fleet(&doc(Some(false), false)).meshes[0].ha_groups_unknown);
    let set = fleet(&doc(Some(true), false));
    assert!(set.meshes[0].ha_groups_unknown);
    assert!(set.to_json_pretty().contains("\"ha_groups_unknown\": true"));
    assert!(!fleet(&doc(Some(false), false)).to_json_pretty().contains("ha_groups_unknown"));
    assert_eq!(Fleet::from_json(&set.to_json_pretty()).unwrap(), set);
    // Unknown fields are still refused next to it.
    let mut typo = doc(Some(true), false);
    typo["meshes"][0]["ha_group_unknown"] = json!(true);
    let e = Fleet::from_json(&typo.to_string()).unwrap_err().to_string();
    assert!(e.contains("ha_group_unknown"), "{e}");
    // A marker that is not a boolean is refused.
    let mut wrong = doc(None, false);
    wrong["meshes"][0]["ha_groups_unknown"] = json!("yes");
    assert!(Fleet::from_json(&wrong.to_string()).is_err());
}

#[test]
fn the_published_schema_knows_the_marker() {
    let schema = support::json_schema::load("hcx-fleet-v1.schema.json");
    assert_eq!(support::json_schema::problems(&schema, &doc(Some(true), true)), Vec::<String>::new());
    let mut wrong = doc(None, false);
    wrong["meshes"][0]["ha_groups_unknown"] = json!("yes");
    assert!(!support::json_schema::problems(&schema, &wrong).is_empty());
}

#[test]
fn unknown_membership_refuses_in_service_with_a_warning() {
    let p = run(&doc(Some(true), false), true);
    assert_eq!(mode(&p, &["ne1"]), NeUpgradeMode::Standard);
    let [f] = unknown_findings(&p)[..] else { panic!("{:#?}", p.findings) };
    assert!(f.message.starts_with("mesh sm1: the NE HA group membership could not be read"), "{}", f.message);
    assert!(f.message.contains("In-Service was asked for but is refused"), "{}", f.message);
    assert!(f.message.contains("set `ha_group`"), "{}", f.message);
    assert_eq!(f.subjects, ["ne1"]);
    assert!(!f.sources.is_empty());
    // The step says which rule it rests on.
    let step = p.steps.iter().find(|s| s.appliances == ["ne1"]).unwrap();
    assert!(step.rules.contains(&RuleId::NeInServiceHa));
}

#[test]
fn unknown_membership_warns_without_in_service_asked_too() {
    let p = run(&doc(Some(true), false), false);
    assert_eq!(mode(&p, &["ne1"]), NeUpgradeMode::Standard);
    let [f] = unknown_findings(&p)[..] else { panic!("{:#?}", p.findings) };
    assert!(!f.message.contains("asked for"), "{}", f.message);
}

#[test]
fn known_groups_still_go_standby_first_and_known_membership_keeps_in_service() {
    let p = run(&doc(Some(true), true), true);
    assert_eq!(mode(&p, &["ne2", "ne3"]), NeUpgradeMode::HaStandbyFirst);
    assert_eq!(mode(&p, &["ne1"]), NeUpgradeMode::Standard);
    let p = run(&doc(None, true), true);
    assert_eq!(mode(&p, &["ne2", "ne3"]), NeUpgradeMode::HaStandbyFirst);
    assert_eq!(mode(&p, &["ne1"]), NeUpgradeMode::InService);
    assert!(unknown_findings(&p).is_empty());
}

#[test]
fn nothing_to_warn_about_when_no_ne_is_upgraded() {
    let mut d = doc(Some(true), false);
    d["meshes"][0]["appliances"][1]["version"] = json!("4.11.4");
    assert!(unknown_findings(&run(&d, true)).is_empty());
}
