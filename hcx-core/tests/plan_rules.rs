//! Every named rule, firing and not firing, plus acknowledgement.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::rules::{self, RuleId};
use hcx_core::plan::{Finding, Plan, PlanError, PlanOptions, Severity, TargetSpec, plan};
use serde_json::{Value, json};
use time::macros::date;

/// A clean two-site AVS fleet at 4.11.3 with a mesh of IX and NE.
fn base() -> Value {
    json!({
        "schema": "hcx-fleet/v1",
        "sites": [
            {"id": "c1", "role": "connector", "platform": "on-prem", "version": "4.11.3"},
            {"id": "avs1", "role": "cloud", "platform": "avs", "version": "4.11.3"}
        ],
        "pairs": [{"source": "c1", "destination": "avs1"}],
        "meshes": [{"id": "sm1", "source": "c1", "destination": "avs1",
            "services": ["interconnect", "network-extension"],
            "appliances": [
                {"id": "ix1", "kind": "IX", "version": "4.11.3"},
                {"id": "ne1", "kind": "NE", "version": "4.11.3"}
            ]}],
        "extensions": [{"network": "web", "appliance": "ne1", "binding": "static"}],
        "migrations": [{"id": "m1", "state": "completed"}]
    })
}

fn set_versions(doc: &mut Value, v: &str) {
    for s in doc["sites"].as_array_mut().unwrap() {
        s["version"] = v.into();
    }
    for a in doc["meshes"][0]["appliances"].as_array_mut().unwrap() {
        a["version"] = v.into();
    }
}

fn run_on(doc: &Value, target: &str, on: time::Date, ack: &[&str]) -> Plan {
    let fleet = Fleet::from_json(&doc.to_string()).unwrap();
    let mut o = PlanOptions::new(target.parse().unwrap(), on);
    for a in ack {
        o = o.acknowledge(*a);
    }
    plan(&fleet, Catalog::bundled(), &o).unwrap()
}

fn run(doc: &Value, target: &str) -> Plan {
    run_on(doc, target, date!(2026 - 11 - 28), &[])
}

fn fired(p: &Plan, rule: RuleId) -> Vec<&Finding> {
    p.findings.iter().filter(|f| f.rule == rule).collect()
}

#[track_caller]
fn fires(p: &Plan, rule: RuleId, severity: Severity, needle: &str) {
    let f = fired(p, rule);
    assert!(
        f.iter().any(|f| f.severity == severity && f.message.contains(needle)),
        "{rule} ({severity}) with {needle:?} not in {:#?}",
        p.findings
    );
}

#[track_caller]
fn silent(p: &Plan, rule: RuleId) {
    assert!(fired(p, rule).is_empty(), "{rule} fired: {:#?}", fired(p, rule));
}

#[test]
fn base_fleet_is_clean() {
    let p = run(&base(), "4.11.4");
    assert!(!p.has_blockers(), "{:#?}", p.findings);
    for id in [
        RuleId::RedeployRequired,
        RuleId::UnsupportedPath,
        RuleId::Downgrade,
        RuleId::UnknownRelease,
        RuleId::PhotonMeshUpgrade,
        RuleId::PairedManagersSameVersion,
        RuleId::ActiveMigrations,
        RuleId::WanOptRemoved,
        RuleId::KnownIssue,
        RuleId::SecurityAdvisory,
        RuleId::EndOfSupport,
        RuleId::NeInServiceHa,
        RuleId::NeEphemeralBinding,
        RuleId::PairingIncompatible,
        RuleId::OfflineBundle,
    ] {
        silent(&p, id);
    }
    for id in
        [RuleId::ManagersBeforeMesh, RuleId::MeshFromSource, RuleId::SnapshotWindow, RuleId::CloudManagedByProvider]
    {
        assert!(!fired(&p, id).is_empty(), "{id} should fire on an upgrade");
    }
}

#[test]
fn every_finding_names_a_known_rule_with_sources() {
    let mut doc = base();
    doc["sites"][0]["version"] = "4.3.3".into();
    doc["migrations"][0]["state"] = "in_progress".into();
    let p = run(&doc, "4.10.3");
    for f in &p.findings {
        let r = f.rule.rule();
        assert!(f.severity == r.severity || r.escalations.contains(&f.severity), "{} at {}", f.rule, f.severity);
        assert!(!f.remediation.is_empty() && !r.meaning.is_empty());
        assert!(!f.sources.is_empty() || f.rule == RuleId::UnknownRelease, "{} has no sources", f.rule);
    }
    assert!(rules::RULES.iter().all(|r| r.id.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '-')));
}

#[test]
fn redeploy_required() {
    let mut doc = base();
    doc["sites"][0]["version"] = "4.1.0".into();
    fires(&run(&doc, "4.11.4"), RuleId::RedeployRequired, Severity::Blocker, "c1 runs 4.1.0, below 4.2.4");
}

#[test]
fn unsupported_path() {
    let mut doc = base();
    set_versions(&mut doc, "4.5.2");
    fires(
        &run(&doc, "4.8.2"),
        RuleId::UnsupportedPath,
        Severity::Blocker,
        "no documented upgrade path from 4.5.2 to 4.8.2",
    );
    let mut doc = base();
    set_versions(&mut doc, "4.11.5");
    fires(&run(&doc, "9.0.2"), RuleId::UnsupportedPath, Severity::Blocker, "back-in-time");
    silent(&run(&base(), "4.11.4"), RuleId::UnsupportedPath);
}

#[test]
fn downgrade() {
    let mut doc = base();
    doc["sites"][1]["version"] = "4.11.5".into();
    fires(&run(&doc, "4.11.4"), RuleId::Downgrade, Severity::Blocker, "avs1 runs 4.11.5, newer than the target 4.11.4");
    let mut doc = base();
    doc["meshes"][0]["appliances"][0]["version"] = "4.11.5".into();
    fires(&run(&doc, "4.11.4"), RuleId::Downgrade, Severity::Blocker, "appliance ix1");
}

#[test]
fn unknown_release() {
    let mut doc = base();
    // 4.12.7 is outside every documented rule's source range.
    doc["sites"][0]["version"] = "4.12.7".into();
    let p = run(&doc, "9.1.1.0");
    fires(&p, RuleId::UnknownRelease, Severity::Blocker, "c1 runs 4.12.7");
    assert!(p.steps.iter().all(|s| s.site.as_deref() != Some("c1") || s.kind.as_str() != "upgrade-manager"));
}

#[test]
fn uncataloged_release_inside_a_documented_range() {
    let mut doc = base();
    doc["sites"][0]["version"] = "4.8.1".into();
    let p = run(&doc, "4.11.4");
    fires(
        &p,
        RuleId::UncatalogedRelease,
        Severity::Warning,
        "c1: 4.8.1 is not in the catalog as of 2026-12-01; planned by rule",
    );
    silent(&p, RuleId::UnknownRelease);
    let first = p.steps.iter().find(|s| s.site.as_deref() == Some("c1") && s.kind.as_str() == "upgrade-manager");
    let first = first.expect("c1 is upgraded");
    assert_eq!(
        (first.from.as_ref().map(ToString::to_string), first.to.as_ref().map(ToString::to_string)),
        (Some("4.8.1".into()), Some("4.9.2".into()))
    );
}

#[test]
fn photon_mesh_upgrade() {
    let mut doc = base();
    set_versions(&mut doc, "4.3.3");
    let p = run(&doc, "4.10.3");
    fires(&p, RuleId::PhotonMeshUpgrade, Severity::Warning, "mesh sm1 crosses 4.4.0");
    fires(&p, RuleId::PhotonMeshUpgrade, Severity::Warning, "c1 crosses 4.4.0");
    let mesh_steps: Vec<_> = p.steps.iter().filter(|s| s.phase.as_str() == "mesh").collect();
    assert_eq!(mesh_steps.len(), 2);
    assert!(mesh_steps.iter().all(|s| s.rules.contains(&RuleId::PhotonMeshUpgrade)));
    silent(&run(&base(), "4.11.4"), RuleId::PhotonMeshUpgrade);
}

#[test]
fn managers_before_mesh_and_snapshot_window_need_manager_work() {
    let mut doc = base();
    set_versions(&mut doc, "4.11.4");
    let p = run(&doc, "4.11.4");
    silent(&p, RuleId::ManagersBeforeMesh);
    silent(&p, RuleId::SnapshotWindow);
    silent(&p, RuleId::MeshFromSource);
    assert!(p.steps.is_empty());
}

#[test]
fn paired_managers_same_version() {
    let mut doc = base();
    doc["sites"][0]["version"] = "4.10.3".into();
    fires(
        &run(&doc, "4.11.4"),
        RuleId::PairedManagersSameVersion,
        Severity::Warning,
        "pair c1->avs1 runs 4.10.3 and 4.11.3",
    );
}

#[test]
fn mesh_from_source() {
    let p = run(&base(), "4.11.4");
    let f = fired(&p, RuleId::MeshFromSource);
    assert_eq!(f[0].subjects, ["sm1"]);
    assert!(p.steps.iter().filter(|s| s.phase.as_str() == "mesh").all(|s| s.site.as_deref() == Some("c1")));
}

#[test]
fn active_migrations_and_acknowledgement() {
    let mut doc = base();
    doc["migrations"] = json!([{"id": "m7", "state": "in_progress"}, {"id": "m8", "state": "completed"}]);
    doc["replications"] = json!([{"id": "r1", "state": "queued"}]);
    let p = run(&doc, "4.11.4");
    fires(&p, RuleId::ActiveMigrations, Severity::Blocker, "migration m7 (in_progress), replication r1 (queued)");
    assert_eq!(fired(&p, RuleId::ActiveMigrations)[0].subjects, ["m7", "r1"]);
    assert!(p.has_blockers());
    assert_eq!(p.summary.blockers, 1);

    let acked = run_on(&doc, "4.11.4", date!(2026 - 11 - 28), &["active-migrations"]);
    let f = fired(&acked, RuleId::ActiveMigrations);
    assert_eq!(f.len(), 1, "an acknowledged blocker is reported, not dropped");
    assert!(f[0].acknowledged && f[0].severity == Severity::Blocker);
    assert!(!acked.has_blockers());
    assert_eq!((acked.summary.blockers, acked.summary.acknowledged), (0, 1));
    assert!(acked.to_text().contains("[BLOCKER] active-migrations (acknowledged)"));
}

#[test]
fn unknown_acknowledgement_is_an_error() {
    let fleet = Fleet::from_json(&base().to_string()).unwrap();
    let o = PlanOptions::new(TargetSpec::Latest, date!(2026 - 11 - 28)).acknowledge("no-such-rule");
    let e = plan(&fleet, Catalog::bundled(), &o).unwrap_err();
    assert_eq!(e, PlanError::UnknownRule { id: "no-such-rule".into() });
}

#[test]
fn wan_opt_removed() {
    let mut doc = base();
    doc["meshes"][0]["services"] = json!(["interconnect", "wan-optimization"]);
    doc["meshes"][0]["appliances"][1] = json!({"id": "wo1", "kind": "WO", "version": "4.11.3"});
    doc["extensions"] = json!([]);
    doc["sites"][0]["version"] = "4.10.3".into();
    doc["sites"][1]["version"] = "4.10.3".into();
    let p = run(&doc, "4.11.4");
    fires(&p, RuleId::WanOptRemoved, Severity::Blocker, "mesh sm1 uses WAN Optimization");
    fires(&p, RuleId::WanOptRemoved, Severity::Blocker, "removed in 4.11.4 per T-ZH");
    let remove = p.steps.iter().find(|s| s.kind.as_str() == "remove-service").unwrap();
    assert_eq!(remove.appliances, ["wo1"]);
    assert!(!p.steps.iter().any(|s| s.kind.as_str() == "upgrade-appliance" && s.appliances == ["wo1"]));
    // Only deprecated (not dropped) at 4.11.0: a warning, and the appliance is upgraded.
    let p = run(&doc, "4.11.0");
    fires(&p, RuleId::WanOptRemoved, Severity::Warning, "deprecated since 4.11.0");
    silent(&run(&base(), "4.11.4"), RuleId::WanOptRemoved);
}

#[test]
fn known_issue_depends_on_topology() {
    let mut doc = base();
    set_versions(&mut doc, "4.10.1");
    fires(&run(&doc, "4.10.2"), RuleId::KnownIssue, Severity::Warning, "issue-3464419");
    let mut doc = base();
    set_versions(&mut doc, "4.7.0");
    silent(&run(&doc, "4.8.0"), RuleId::KnownIssue);
    doc["meshes"][0]["appliances"][1]["ha_group"] = "g1".into();
    fires(&run(&doc, "4.8.0"), RuleId::KnownIssue, Severity::Warning, "kb-96352");
}

#[test]
fn security_advisory() {
    let mut doc = base();
    set_versions(&mut doc, "4.9.0");
    fires(&run(&doc, "4.9.1"), RuleId::SecurityAdvisory, Severity::Warning, "VMSA-2024-0021 (CVE-2024-38814)");
    silent(&run(&doc, "4.9.2"), RuleId::SecurityAdvisory);
}

#[test]
fn end_of_support() {
    let mut doc = base();
    set_versions(&mut doc, "4.10.3");
    let p = run(&doc, "4.11.4");
    fires(&p, RuleId::EndOfSupport, Severity::Warning, "4.10.3 is out of support on 2026-11-28");
    let mut doc = base();
    set_versions(&mut doc, "4.9.2");
    fires(&run(&doc, "4.10.3"), RuleId::EndOfSupport, Severity::Blocker, "the target 4.10.3 is out of support");
    // The disputed 4.11.0-4.11.2 end of support keeps both sources.
    let mut doc = base();
    set_versions(&mut doc, "4.11.1");
    let p = run_on(&doc, "4.11.4", date!(2026 - 01 - 10), &[]);
    fires(&p, RuleId::EndOfSupport, Severity::Warning, "sources disagree");
    fires(
        &p,
        RuleId::EndOfSupport,
        Severity::Warning,
        "2026-02-20 per AVS-UPG@2025-10-14 (confirmed) vs 2025-12-24 per T-VCF91, T-ZH",
    );
    silent(&run(&base(), "4.11.4"), RuleId::EndOfSupport);
}

#[test]
fn ne_in_service_ha() {
    let mut doc = base();
    doc["meshes"][0]["appliances"][1]["ha_group"] = "ha-a".into();
    let p = run(&doc, "4.11.4");
    fires(&p, RuleId::NeInServiceHa, Severity::Info, "NE HA group ha-a");
    let ne = p.steps.iter().find(|s| s.appliances == ["ne1"]).unwrap();
    assert_eq!(ne.impact.ne_mode.unwrap().as_str(), "ha-standby-first");
    let p = run(&base(), "4.11.4");
    silent(&p, RuleId::NeInServiceHa);
    let ne = p.steps.iter().find(|s| s.appliances == ["ne1"]).unwrap();
    assert_eq!(ne.impact.ne_mode.unwrap().as_str(), "standard");
    assert_eq!(ne.impact.networks, ["web"]);
    assert!(ne.impact.data_plane_outage);
}

#[test]
fn ne_in_service_option() {
    let fleet = Fleet::from_json(&base().to_string()).unwrap();
    let o = PlanOptions::new("4.11.4".parse().unwrap(), date!(2026 - 11 - 28)).ne_in_service(true);
    let p = plan(&fleet, Catalog::bundled(), &o).unwrap();
    let ne = p.steps.iter().find(|s| s.appliances == ["ne1"]).unwrap();
    assert_eq!(ne.impact.ne_mode.unwrap().as_str(), "in-service");
}

#[test]
fn ne_ephemeral_binding() {
    let mut doc = base();
    doc["extensions"][0]["binding"] = "ephemeral".into();
    fires(&run(&doc, "4.11.4"), RuleId::NeEphemeralBinding, Severity::Blocker, "extended network web on ne1");
}

#[test]
fn pairing_incompatible() {
    let mut doc = base();
    doc["sites"][0]["version"] = "9.1.1.0".into();
    doc["sites"][1]["version"] = "4.11.4".into();
    set_versions_appliances(&mut doc, "4.11.4");
    fires(&run(&doc, "9.1.1.0"), RuleId::PairingIncompatible, Severity::Blocker, "runs 9.1.1.0 with 4.11.4");
    silent(&run(&base(), "4.11.4"), RuleId::PairingIncompatible);
}

fn set_versions_appliances(doc: &mut Value, v: &str) {
    for a in doc["meshes"][0]["appliances"].as_array_mut().unwrap() {
        a["version"] = v.into();
    }
}

#[test]
fn crossing_to_9x_happens_in_one_round() {
    // 4.10.3 needs two hops to 9.1.1.0 and 4.11.3 one: right-aligned, both cross 4 -> 9 in the last round.
    let mut doc = base();
    doc["sites"][0]["version"] = "4.10.3".into();
    let p = run(&doc, "9.1.1.0");
    silent(&p, RuleId::PairingIncompatible);
    let hops: Vec<_> = p.steps.iter().filter(|s| s.kind.as_str() == "upgrade-manager").collect();
    assert_eq!(hops.len(), 3);
    let cloud = hops.iter().find(|s| s.site.as_deref() == Some("avs1")).unwrap();
    let second = hops.iter().find(|s| s.site.as_deref() == Some("c1") && s.to.as_ref().unwrap().major() == 9).unwrap();
    assert!(cloud.depends_on.contains(&hops[0].id), "the cloud hop waits for the connector's first hop");
    assert!(second.instructions.iter().any(|i| i.contains("same window")));
}

#[test]
fn cloud_managed_by_provider() {
    let p = run(&base(), "4.11.4");
    let cloud =
        p.steps.iter().find(|s| s.kind.as_str() == "upgrade-manager" && s.site.as_deref() == Some("avs1")).unwrap();
    assert_eq!(cloud.owner.as_str(), "provider");
    assert!(cloud.rollback.as_ref().unwrap().support_request);
    let conn =
        p.steps.iter().find(|s| s.kind.as_str() == "upgrade-manager" && s.site.as_deref() == Some("c1")).unwrap();
    assert_eq!(conn.owner.as_str(), "customer");
    assert!(p.steps.iter().filter(|s| s.phase.as_str() == "mesh").all(|s| s.owner.as_str() == "customer"));
    // Before Microsoft took the Cloud Manager upgrades over, the customer did them.
    let p = run_on(&base(), "4.11.4", date!(2025 - 06 - 01), &[]);
    silent(&p, RuleId::CloudManagedByProvider);
    assert!(p.steps.iter().all(|s| s.owner.as_str() == "customer"));
    let mut doc = base();
    doc["sites"][1]["platform"] = "on-prem".into();
    silent(&run(&doc, "4.11.4"), RuleId::CloudManagedByProvider);
}

#[test]
fn offline_bundle() {
    let mut doc = base();
    set_versions(&mut doc, "4.10.3");
    let p = run(&doc, "4.11.4");
    fires(
        &p,
        RuleId::OfflineBundle,
        Severity::Info,
        "c1 (4.10.3): releases up to 4.10.3 cannot download upgrade bundles",
    );
    assert!(p.steps.iter().any(|s| s.kind.as_str() == "obtain-bundle" && s.site.as_deref() == Some("c1")));
    assert!(
        !p.steps.iter().any(|s| s.kind.as_str() == "obtain-bundle" && s.site.as_deref() == Some("avs1")),
        "the provider brings its own bundle"
    );
}

#[test]
fn unknown_binding_is_a_warning() {
    let mut doc = base();
    doc["extensions"][0]["binding"] = "unknown".into();
    let p = run(&doc, "4.11.4");
    fires(
        &p,
        RuleId::NeEphemeralBinding,
        Severity::Warning,
        "the port binding of 1 extended network(s) is unknown (web)",
    );
    assert!(!p.has_blockers());
}

#[test]
fn the_rule_table_lists_every_rule_id_once_in_order() {
    assert_eq!(rules::RULES.len(), RuleId::ALL.len());
    for (r, id) in rules::RULES.iter().zip(RuleId::ALL) {
        assert_eq!(r.id, *id);
        assert_eq!(id.rule().id, *id);
        assert_eq!(rules::rule(id.as_str()).map(|x| x.id), Some(*id));
        assert!(!r.escalations.contains(&r.severity), "{id} lists its default severity as an escalation");
    }
}

#[test]
fn an_unknown_manager_release_is_an_explicit_escalation() {
    // The table says warning; a manager on an unknown release blocks, and the table declares that escalation.
    let r = RuleId::UnknownRelease.rule();
    assert_eq!(r.severity, Severity::Warning);
    assert!(r.escalations.contains(&Severity::Blocker));
    let mut doc = base();
    doc["meshes"][0]["appliances"][0]["version"] = "4.8.1".into();
    fires(&run(&doc, "4.11.4"), RuleId::UnknownRelease, Severity::Warning, "appliance ix1 of mesh sm1 runs 4.8.1");
}

#[test]
fn an_acknowledgement_with_a_subject_covers_that_subject_only() {
    let mut doc = base();
    doc["sites"] = json!([
        {"id": "c1", "role": "connector", "platform": "on-prem", "version": "4.11.3"},
        {"id": "c2", "role": "connector", "platform": "on-prem", "version": "4.11.3"},
        {"id": "avs1", "role": "cloud", "platform": "avs", "version": "4.11.3"}
    ]);
    doc["pairs"] = json!([{"source": "c1", "destination": "avs1"}, {"source": "c2", "destination": "avs1"}]);
    doc["meshes"][0]["appliances"][1]["version"] = "4.11.3".into();
    doc["extensions"] = json!([{"network": "web", "appliance": "ne1", "binding": "ephemeral"},
                               {"network": "db", "appliance": "ne1", "binding": "ephemeral"}]);
    let one = run_on(&doc, "4.11.4", date!(2026 - 11 - 28), &["ne-ephemeral-binding:web"]);
    let f = fired(&one, RuleId::NeEphemeralBinding);
    assert_eq!(f.iter().filter(|f| f.acknowledged).count(), 0, "web and ne1 are both subjects: {f:#?}");
    let both = run_on(&doc, "4.11.4", date!(2026 - 11 - 28), &["ne-ephemeral-binding:web", "ne-ephemeral-binding:ne1"]);
    let f = fired(&both, RuleId::NeEphemeralBinding);
    let acked: Vec<bool> = f.iter().map(|f| f.acknowledged).collect();
    assert!(acked.contains(&true) && acked.contains(&false), "only the web finding is covered: {f:#?}");
    assert!(both.has_blockers());
    let all = run_on(&doc, "4.11.4", date!(2026 - 11 - 28), &["ne-ephemeral-binding"]);
    assert!(fired(&all, RuleId::NeEphemeralBinding).iter().all(|f| f.acknowledged));
    let fleet = Fleet::from_json(&doc.to_string()).unwrap();
    let o = PlanOptions::new(TargetSpec::Latest, date!(2026 - 11 - 28)).acknowledge("no-such-rule:c1");
    assert_eq!(plan(&fleet, Catalog::bundled(), &o).unwrap_err(), PlanError::UnknownRule { id: "no-such-rule".into() });
}
