//! A plan an operator can carry out as printed: preconditions, full-upgrade rounds, intermediate pairings,
//! platform targets, window placement and rollback expiry, on fleets written for each case
//! (`tests/fixtures/plan`).

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::{HashMap, HashSet};

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::rules::RuleId;
use hcx_core::plan::{Plan, PlanError, PlanOptions, Severity, Step, StepKind, plan};
use serde_json::{Value, json};
use time::macros::{date, datetime};

const DATE: time::Date = date!(2026 - 11 - 28);

fn fixture(name: &str) -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan").join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn try_run(doc: &Value, target: &str, on: time::Date) -> Result<Plan, PlanError> {
    let fleet = Fleet::from_json(&doc.to_string()).unwrap();
    plan(&fleet, Catalog::bundled(), &PlanOptions::new(target.parse().unwrap(), on))
}

fn run(doc: &Value, target: &str) -> Plan {
    try_run(doc, target, DATE).unwrap()
}

/// Every step that must finish before `id`, transitively.
fn before<'a>(p: &'a Plan, id: &str) -> HashSet<&'a str> {
    let by_id: HashMap<&str, &Step> = p.steps.iter().map(|s| (&*s.id, s)).collect();
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

fn of_kind(p: &Plan, kind: StepKind) -> Vec<&Step> {
    p.steps.iter().filter(|s| s.kind == kind).collect()
}

fn findings(p: &Plan, rule: RuleId) -> Vec<&hcx_core::plan::Finding> {
    p.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn removing_wan_optimization_comes_before_both_manager_upgrades() {
    let doc = fixture("wan-opt-gates-cloud.json");
    let p = run(&doc, "4.11.3");
    let remove = of_kind(&p, StepKind::RemoveService);
    assert_eq!(remove.len(), 1, "{:#?}", p.steps);
    let remove = remove[0];
    for up in of_kind(&p, StepKind::UpgradeManager) {
        assert!(before(&p, &up.id).contains(&*remove.id), "{} ({:?}) runs without {}", up.id, up.site, remove.id);
    }
    // And the schedule follows: the Cloud Manager's window opens earlier, but it waits for the removal.
    let sch = p.schedule.as_ref().unwrap();
    let slot = |id: &str| sch.slots.iter().find(|s| &*s.step == id).unwrap();
    let cloud = of_kind(&p, StepKind::UpgradeManager).into_iter().find(|s| s.site.as_deref() == Some("avs1")).unwrap();
    assert!(slot(&remove.id).end <= slot(&cloud.id).start);
    let r = remove.rollback.as_ref().unwrap();
    assert!(r.irreversible && r.summary.starts_with("irreversible"), "{r:?}");
    assert!(p.to_text().contains("rollback: irreversible"));
}

#[test]
fn a_9x_target_removes_the_services_in_use_first_without_saying_they_are_gone() {
    let doc = fixture("to-9x-with-services.json");
    let p = run(&doc, "9.1.1.0");
    let f = findings(&p, RuleId::ServiceRemovedInTarget);
    assert_eq!(f.len(), 1, "{:#?}", p.findings);
    assert_eq!(f[0].severity, Severity::Blocker);
    assert_eq!(f[0].subjects, ["sm1"], "sm2 uses neither service");
    for needle in ["mesh sm1", "wan-optimization", "disaster-recovery", "to-9.1.1-from-4.11", "T-VCF91"] {
        assert!(f[0].message.contains(needle), "{needle} not in {}", f[0].message);
    }
    // WAN Optimization returns in 9.1's enhanced mesh: nothing says it is dropped or removed for good.
    assert!(findings(&p, RuleId::WanOptRemoved).is_empty(), "{:#?}", p.findings);
    let remove = of_kind(&p, StepKind::RemoveService);
    let titles: Vec<&str> = remove.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Remove WAN Optimization from mesh sm1", "Remove Disaster Recovery from mesh sm1"]);
    assert!(remove[1].instructions.iter().any(|i| i.contains("V2T Migration")));
    for up in of_kind(&p, StepKind::UpgradeManager) {
        for r in &remove {
            assert!(before(&p, &up.id).contains(&*r.id), "{} runs before the removal {}", up.id, r.id);
        }
    }
    assert!(!p.steps.iter().any(|s| s.kind == StepKind::UpgradeAppliance && s.appliances == ["wo1"]));
}

#[test]
fn a_stepping_stone_that_needs_a_full_upgrade_gets_the_whole_round() {
    let doc = fixture("full-upgrade-4.4.2.json");
    let p = run(&doc, "4.9.0");
    let kinds: Vec<(StepKind, Option<String>)> =
        p.steps.iter().map(|s| (s.kind, s.to.as_ref().map(ToString::to_string))).collect();
    let pos = |kind: StepKind, to: &str| {
        kinds.iter().position(|(k, t)| *k == kind && t.as_deref() == Some(to)).unwrap_or_else(|| {
            panic!("no {kind} to {to} in {:#?}", p.steps.iter().map(|s| &s.title).collect::<Vec<_>>())
        })
    };
    let mesh_442 = pos(StepKind::UpgradeAppliance, "4.4.2");
    let mgr_490 = pos(StepKind::UpgradeManager, "4.9.0");
    assert!(pos(StepKind::UpgradeManager, "4.4.2") < mesh_442 && mesh_442 < mgr_490);
    let verify_442 = p.steps.iter().find(|s| s.kind == StepKind::Verify && s.title.ends_with("at 4.4.2")).unwrap();
    for s in
        p.steps.iter().filter(|s| s.kind == StepKind::UpgradeManager && s.to.as_ref().unwrap().to_string() == "4.9.0")
    {
        assert!(before(&p, &s.id).contains(&*verify_442.id), "{} does not wait for the 4.4.2 round", s.id);
    }
    // Every manager hop has its own snapshot, on its site, before it, and its rollback names it.
    let mut used = HashSet::new();
    for up in of_kind(&p, StepKind::UpgradeManager) {
        let snap = up.rollback.as_ref().unwrap().snapshot.as_deref().unwrap();
        let s = p.step(snap).unwrap();
        assert_eq!((s.kind, &s.site), (StepKind::Snapshot, &up.site), "{}", up.id);
        assert!(up.depends_on.iter().any(|d| &**d == snap), "{} does not depend on {snap}", up.id);
        assert!(used.insert(snap.to_owned()), "{snap} backs two hops");
    }
    assert_eq!(used.len(), 4);
    // Without the full-upgrade fact the mesh waits until the end (a catalog without it behaves as before).
    let mut cat: Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    for r in cat["paths"].as_array_mut().unwrap() {
        r.as_object_mut().unwrap().remove("full_upgrade");
    }
    let cat = Catalog::from_json(&cat.to_string()).unwrap();
    let fleet = Fleet::from_json(&doc.to_string()).unwrap();
    let p = plan(&fleet, &cat, &PlanOptions::new("4.9.0".parse().unwrap(), DATE)).unwrap();
    assert!(
        !p.steps.iter().any(|s| s.kind == StepKind::UpgradeAppliance && s.to.as_ref().unwrap().to_string() == "4.4.2")
    );
}

#[test]
fn the_state_a_plan_leaves_between_rounds_is_checked() {
    // dc1 cannot reach 9.0.2 (back-in-time); cloud1 can: the plan would leave 4.11.4 paired with 9.0.2.
    let p = run(&fixture("pair-left-behind.json"), "9.0.2");
    let f = findings(&p, RuleId::PairingIncompatible);
    assert!(
        f.iter().any(|f| f.severity == Severity::Blocker
            && f.message.contains("would run 4.11.4 with 9.0.2.0 after step")
            && f.subjects == ["dc1->cloud1"]),
        "{:#?}",
        p.findings
    );
    // Within 4.x, a skew no rule covers is a warning naming the step after which it occurs.
    let mut doc = fixture("full-upgrade-4.4.2.json");
    doc["sites"][0]["version"] = "4.3.3".into();
    doc["sites"][1]["version"] = "4.9.2".into();
    let p = run(&doc, "4.10.3");
    let f = findings(&p, RuleId::PairingUnverified);
    assert!(
        f.iter()
            .any(|f| f.severity == Severity::Warning && f.message.contains("would run 4.8.3 with 4.9.2 after step S"))
    );
}

#[test]
fn a_provider_owned_manager_gets_only_targets_its_platform_offers() {
    let doc = fixture("avs-latest.json");
    let p = run(&doc, "latest");
    assert_eq!(p.target.to_string(), "4.11.4", "{}", p.target_reason);
    assert!(p.target_reason.contains("4.11.5: not offered by avs"), "{}", p.target_reason);
    let p = run(&doc, "9.1.1.0");
    let f = findings(&p, RuleId::PlatformUnsupportedTarget);
    assert_eq!(f.len(), 1, "{:#?}", p.findings);
    assert!(f[0].severity == Severity::Blocker && f[0].subjects == ["avs1"]);
    assert!(f[0].message.contains("avs does not offer 9.1.1.0"), "{}", f[0].message);
    // Before Microsoft owned the Cloud Manager upgrade the customer chose: no finding.
    let p = try_run(&doc, "9.1.1.0", date!(2025 - 06 - 01)).unwrap();
    assert!(findings(&p, RuleId::PlatformUnsupportedTarget).is_empty());
}

#[test]
fn snapshots_and_prechecks_share_the_window_of_the_step_they_prepare() {
    let doc = fixture("windows-skew.json");
    let p = run(&doc, "4.11.4");
    let sch = p.schedule.as_ref().unwrap();
    let slot: HashMap<&str, &hcx_core::plan::Slot> = sch.slots.iter().map(|s| (&*s.step, s)).collect();
    for up in of_kind(&p, StepKind::UpgradeManager) {
        for d in &up.depends_on {
            let dep = p.step(d).unwrap();
            if matches!(dep.kind, StepKind::Snapshot | StepKind::Precheck) {
                assert_eq!(slot[&**d].window, slot[&*up.id].window, "{d} and {} in different windows", up.id);
                assert!(slot[&**d].end <= slot[&*up.id].start);
            }
        }
    }
    // The pair's managers run three days apart, and the mesh spans two windows of dc1: both are said.
    let skew = findings(&p, RuleId::PairSkewWindow);
    assert!(
        skew.iter().any(|f| f.message.contains("pair dc1->cloud1") && f.message.contains("72 h apart")),
        "{:#?}",
        p.findings
    );
    let split = findings(&p, RuleId::MeshSplitWindow);
    assert!(split.iter().any(|f| f.subjects == ["sm1"]), "{:#?}\n{}", p.findings, p.to_text());
}

#[test]
fn steps_that_do_not_fit_are_counted_and_the_status_says_so() {
    let mut doc = fixture("windows-skew.json");
    doc["windows"] = json!([{"start": "2026-12-05T20:00:00Z", "end": "2026-12-05T21:00:00Z"}]);
    let p = run(&doc, "4.11.4");
    let n = p.schedule.as_ref().unwrap().unfitted.len();
    assert!(n > 0);
    assert_eq!(p.summary.unfitted, n);
    assert!(p.to_text().contains(&format!("DOES NOT FIT: {n} steps outside the maintenance windows")));
    assert!(p.to_markdown().contains(&format!("**Status:** does not fit: {n} step(s)")));
    // Every time is RFC 3339, the reasons included.
    assert!(p.to_text().contains("after 2026-12-05T2"), "{}", p.to_text());
    assert!(!p.to_text().contains(" +00:00:00"));
}

#[test]
fn windows_that_ended_before_the_plan_date_are_refused() {
    let mut doc = fixture("windows-skew.json");
    doc["windows"] = json!([{"start": "2026-11-01T20:00:00Z", "end": "2026-11-01T23:00:00Z"}]);
    let e = try_run(&doc, "4.11.4", DATE).unwrap_err();
    assert!(matches!(e, PlanError::WindowEnded { number: 1, .. }), "{e}");
    assert!(e.to_string().contains("ends before the plan date 2026-11-28"), "{e}");
}

#[test]
fn a_window_at_the_end_of_the_calendar_does_not_panic() {
    let mut doc = fixture("windows-skew.json");
    doc["windows"] = json!([{"start": "9999-12-31T23:59:00Z", "end": "9999-12-31T23:59:59Z"}]);
    let p = run(&doc, "4.11.4");
    let sch = p.schedule.as_ref().unwrap();
    assert!(sch.slots.is_empty());
    assert_eq!(sch.unfitted.len(), p.steps.len());
}

#[test]
fn rollback_expiry_counts_from_the_snapshot_behind_it() {
    let mut doc = fixture("avs-latest.json");
    doc["sites"][0]["version"] = "4.10.3".into();
    doc["windows"] = json!([{"start": "2026-12-05T20:00:00Z", "end": "2026-12-06T04:00:00Z"}]);
    let p = run(&doc, "4.11.4");
    let sch = p.schedule.as_ref().unwrap();
    let end = |id: &str| sch.slots.iter().find(|s| &*s.step == id).unwrap().end;
    let cloud = of_kind(&p, StepKind::UpgradeManager).into_iter().find(|s| s.site.as_deref() == Some("avs1")).unwrap();
    let r = cloud.rollback.as_ref().unwrap();
    let snap = r.snapshot.as_deref().unwrap();
    assert_eq!(r.expires_after_hours, Some(72));
    assert_eq!(r.expires_at, Some(end(snap) + time::Duration::hours(72)));
    assert!(p.to_text().contains(&format!("72 h after snapshot {snap}")));
    // The connector's manual vSphere snapshot lasts until it is deleted.
    let conn = of_kind(&p, StepKind::UpgradeManager).into_iter().find(|s| s.site.as_deref() == Some("dc1")).unwrap();
    let r = conn.rollback.as_ref().unwrap();
    assert_eq!((r.expires_after_hours, r.expires_at), (None, None));
    assert!(p.to_text().contains(&format!("possible until you delete snapshot {}", r.snapshot.as_deref().unwrap())));
    assert!(end(snap) > datetime!(2026-12-05 20:00 UTC));
}

#[test]
fn stepping_stones_avoid_known_bad_releases_when_another_is_documented() {
    // 4.11.3 has a known NE issue (MON RestartZMQ); 4.11.4 is also a documented stone to 9.1.1.0.
    let mut doc = fixture("to-9x-with-services.json");
    for s in doc["sites"].as_array_mut().unwrap() {
        s["version"] = "4.11.2".into();
    }
    doc["meshes"] = json!([{"id": "sm1", "source": "dc1", "destination": "cloud1",
        "services": ["interconnect", "network-extension"],
        "appliances": [{"id": "ix1", "kind": "IX", "version": "4.11.2"}, {"id": "ne1", "kind": "NE", "version": "4.11.2"}]}]);
    let p = run(&doc, "9.1.1.0");
    let stones: Vec<String> = of_kind(&p, StepKind::UpgradeManager)
        .iter()
        .filter(|s| s.site.as_deref() == Some("dc1"))
        .map(|s| s.to.as_ref().unwrap().to_string())
        .collect();
    assert!(!stones.contains(&"4.11.3".to_owned()), "{stones:?}");
    assert_eq!(stones.last().map(String::as_str), Some("9.1.1.0"));
    assert!(!p.findings.iter().any(|f| f.rule == RuleId::KnownIssue && f.message.contains("stepping stone 4.11.3")));
    // Without NE the issue does not apply, and the shorter confirmed route stays.
    doc["meshes"][0]["appliances"].as_array_mut().unwrap().pop();
    let p = run(&doc, "9.1.1.0");
    let first = of_kind(&p, StepKind::UpgradeManager)[0].to.as_ref().unwrap().to_string();
    assert_eq!(first, "4.11.3");
}

#[test]
fn facts_follow_the_plan_date() {
    // A 2022 plan: no run-command snapshot (documented from 2025-10-14), no decommissioned depot (2025).
    let mut doc = fixture("avs-latest.json");
    for s in doc["sites"].as_array_mut().unwrap() {
        s["version"] = "4.3.3".into();
    }
    doc["meshes"][0]["appliances"][0]["version"] = "4.3.3".into();
    let p = try_run(&doc, "4.4.2", date!(2022 - 12 - 01)).unwrap();
    let text = p.to_text();
    assert!(!text.contains("New-HCXManagerSnapshot"), "{text}");
    assert!(!text.contains("decommissioned"), "{text}");
    assert!(findings(&p, RuleId::OfflineBundle).is_empty(), "{:#?}", p.findings);
    let cloud = of_kind(&p, StepKind::UpgradeManager).into_iter().find(|s| s.site.as_deref() == Some("avs1")).unwrap();
    let r = cloud.rollback.as_ref().unwrap();
    assert!(r.support_request && r.expires_after_hours == Some(24), "{r:?}");
    // The same fleet planned in 2026 gets both.
    let p = try_run(&doc, "4.11.4", DATE).unwrap();
    assert!(p.to_text().contains("New-HCXManagerSnapshot"));
    assert!(!findings(&p, RuleId::OfflineBundle).is_empty());
}

#[test]
fn catalog_facts_of_the_crossed_releases_reach_the_plan() {
    let mut doc = fixture("windows-skew.json");
    for s in doc["sites"].as_array_mut().unwrap() {
        s["version"] = "4.10.3".into();
    }
    for a in doc["meshes"][0]["appliances"].as_array_mut().unwrap() {
        a["version"] = "4.10.3".into();
    }
    doc["windows"] = json!([{"start": "2026-12-05T18:00:00Z", "end": "2026-12-06T06:00:00Z"}]);
    let p = run(&doc, "4.11.4");
    let f = findings(&p, RuleId::ReleaseChange);
    let keys = f.iter().find(|f| f.message.contains("activation keys")).unwrap_or_else(|| panic!("{:#?}", p.findings));
    // The upgrade is scheduled on 2026-12-05: 450 days later is 2028-02-28.
    assert!(keys.message.contains("dc1 on 2028-02-28 (450 days after its scheduled upgrade)"), "{}", keys.message);
    assert!(f.iter().any(|f| f.message.contains("local mode only")));
    assert_eq!(keys.subjects, ["dc1", "cloud1"]);
    // Crossing 4.4.0: the .local DNS issue (KB 90082).
    let mut doc = fixture("full-upgrade-4.4.2.json");
    doc["sites"][1]["version"] = "4.3.3".into();
    let p = run(&doc, "4.4.2");
    assert!(findings(&p, RuleId::ReleaseChange).iter().any(|f| f.message.contains("KB 90082")), "{:#?}", p.findings);
    // The plan's weakest hop evidence is in the JSON.
    let v: Value = serde_json::from_str(&run(&fixture("avs-latest.json"), "4.11.4").to_json()).unwrap();
    assert_eq!(v["confidence"], "third-party");
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s["confidence"] == "third-party"));
}

#[test]
fn an_extension_without_a_binding_is_unknown() {
    let mut doc = fixture("windows-skew.json");
    doc["extensions"] = json!([{"network": "web", "appliance": "ne1"}]);
    let p = run(&doc, "4.11.4");
    assert!(
        findings(&p, RuleId::NeEphemeralBinding)
            .iter()
            .any(|f| f.severity == Severity::Warning && f.message.contains("unknown (web)")),
        "{:#?}",
        p.findings
    );
}

/// The sample fleet with both sites on one weekly window.
fn weekly_sample(days: &[&str], start: &str, duration: &str, tz: &str) -> Value {
    let mut doc: Value = serde_json::from_str(hcx_core::plan::SAMPLE_FLEET).unwrap();
    let weekly = json!({"days": days, "start": start, "duration": duration, "tz": tz});
    doc["windows"] = json!([{"site": "dc1", "weekly": weekly}, {"site": "avs-weu", "weekly": weekly}]);
    doc
}

/// Each slot's (step, start, end), as printed.
fn slots(p: &Plan) -> Vec<(String, String, String)> {
    let t = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).unwrap();
    p.schedule.as_ref().unwrap().slots.iter().map(|s| (s.step.to_string(), t(s.start), t(s.end))).collect()
}

#[test]
fn weekly_windows_open_in_local_time_across_the_clock_changes_in_two_zones() {
    // Saturday 22:00 for 6 h local, planned on the Saturday of each change; the sample needs 4 h 45 min.
    for (tz, day, opens, closes) in [
        ("Europe/Amsterdam", date!(2026 - 10 - 24), "2026-10-24T20:00:00Z", "2026-10-25T03:00:00Z"),
        ("Europe/Amsterdam", date!(2027 - 03 - 27), "2027-03-27T21:00:00Z", "2027-03-28T02:00:00Z"),
        ("America/New_York", date!(2026 - 10 - 31), "2026-11-01T02:00:00Z", "2026-11-01T09:00:00Z"),
        ("America/New_York", date!(2027 - 03 - 13), "2027-03-14T03:00:00Z", "2027-03-14T08:00:00Z"),
    ] {
        let p = try_run(&weekly_sample(&["sat"], "22:00", "6h", tz), "4.11.4", day).unwrap();
        let sch = p.schedule.as_ref().unwrap();
        assert!(sch.unfitted.is_empty(), "{tz} {day}: {:?}", sch.unfitted);
        let list = slots(&p);
        let first = list.iter().map(|s| s.1.as_str()).min().unwrap();
        let last = list.iter().map(|s| s.2.as_str()).max().unwrap();
        assert_eq!(first, opens, "{tz} {day}: the window opens at 22:00 local");
        // The night is 7 h (fall back) or 5 h (spring forward): every step fits, none past the close.
        assert!(last <= closes, "{tz} {day}: {last} after {closes}");
        assert!(sch.slots.iter().all(|s| s.tz.as_deref() == Some(tz)));
        let text = p.to_text();
        assert!(text.contains(&format!(", {tz})")), "{text}");
    }
}

#[test]
fn a_window_the_clock_change_skips_opens_the_next_week() {
    // 02:00-03:00 local does not exist on 2027-03-28 in Amsterdam; a step of up to 60 min fits a week later.
    let p =
        try_run(&weekly_sample(&["sun"], "02:00", "1h", "Europe/Amsterdam"), "4.11.4", date!(2027 - 03 - 28)).unwrap();
    let list = slots(&p);
    assert!(!list.is_empty());
    assert!(list.iter().all(|s| s.1.as_str() >= "2027-04-04T00:00:00Z"), "{list:?}");
    assert!(list.iter().any(|s| s.1 == "2027-04-04T00:00:00Z"), "{list:?}");
}

#[test]
fn a_weekly_window_too_short_for_a_step_does_not_fit_and_says_why() {
    // 30 minutes a week: the manager upgrades (60 min) never fit; the search is bounded, not endless.
    let p = run(&weekly_sample(&["sat"], "20:00", "30m", "Europe/Amsterdam"), "4.11.4");
    let sch = p.schedule.as_ref().unwrap();
    assert!(!sch.unfitted.is_empty());
    assert_eq!(p.summary.unfitted, sch.unfitted.len());
    // The bundle download (60 min) is the first to find no room; what depends on it says so.
    let u = sch.unfitted.iter().find(|u| &*u.step == "S3").unwrap();
    assert!(u.reason.contains("no window for site dc1") && u.reason.contains("has room"), "{}", u.reason);
    let later = sch.unfitted.iter().find(|u| &*u.step == "S6").unwrap();
    assert!(later.reason.contains("did not fit"), "{}", later.reason);
    assert!(p.to_text().contains("DOES NOT FIT"), "{}", p.to_text());
}

#[test]
fn the_sample_fleet_plans_and_fits_on_any_date() {
    let doc: Value = serde_json::from_str(hcx_core::plan::SAMPLE_FLEET).unwrap();
    for on in [date!(2026 - 12 - 07), date!(2031 - 06 - 01), date!(2030 - 03 - 31), date!(2099 - 10 - 25)] {
        let p = try_run(&doc, "validated", on).unwrap();
        let sch = p.schedule.as_ref().unwrap();
        assert!(sch.unfitted.is_empty(), "{on}: {:?}", sch.unfitted);
        assert!(sch.slots.iter().all(|s| s.start.date() >= on), "{on}: slots before the plan date");
    }
}

#[test]
fn a_weekly_window_built_in_memory_with_a_bad_zone_is_refused_by_the_planner() {
    use hcx_core::fleet::{MaintenanceWindow, Weekday, WeeklyWindow};
    let mut fleet = Fleet::from_json(hcx_core::plan::SAMPLE_FLEET).unwrap();
    let weekly =
        WeeklyWindow { days: vec![Weekday::Sat], start: "20:00".into(), duration: "6h".into(), tz: "Mars/Base".into() };
    fleet.windows = vec![MaintenanceWindow::weekly(None, weekly)];
    let e = plan(&fleet, Catalog::bundled(), &PlanOptions::new("4.11.4".parse().unwrap(), DATE)).unwrap_err();
    assert!(matches!(e, PlanError::Window { number: 1, .. }), "{e}");
    assert!(e.to_string().contains("unknown time zone \"Mars/Base\""), "{e}");
    assert!(fleet.validate().unwrap_err().to_string().contains("$.windows[0].weekly.tz"));
}
