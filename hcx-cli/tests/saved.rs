//! `plan --out`, `show` and `diff`: saved plans, their digest and what changed between two.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::PathBuf;

use hcx_core::Catalog;
use hcx_core::fleet::Fleet;
use hcx_core::plan::{self, PlanOptions};

mod common;

use common::{hcx, repo_path, s, scratch as dir, stderr, stdout};

fn legacy() -> PathBuf {
    repo_path("examples/fleets/legacy-4.3.json")
}

#[test]
fn plan_out_writes_the_document_and_prints_a_summary() {
    let d = dir("out");
    let file = d.join("plan.json");
    let o = hcx(&["plan", "--date", "2026-11-28", "--out", s(&file)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let saved = std::fs::read_to_string(&file).unwrap();
    let p = hcx_core::plan::Plan::from_json(&saved).unwrap();
    p.verify_digest().unwrap();
    let line = stdout(&o);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains(s(&file)) && line.contains(&p.digest), "{line}");
    // The extension picks the format; --format wins over it.
    let md = d.join("plan.md");
    hcx(&["plan", "--date", "2026-11-28", "--out", s(&md)]);
    assert!(std::fs::read_to_string(&md).unwrap().starts_with("# HCX upgrade plan"));
    let txt = d.join("plan.txt");
    hcx(&["plan", "--date", "2026-11-28", "--out", s(&txt), "--format", "json"]);
    assert!(std::fs::read_to_string(&txt).unwrap().starts_with('{'));
    let bad = hcx(&["plan", "--date", "2026-11-28", "--out", s(&d.join("plan.xyz"))]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("give --format"), "{}", stderr(&bad));
}

#[test]
fn plan_with_no_options_is_the_core_default_plan() {
    let fleet = Fleet::load(legacy()).unwrap();
    // The command and the library each read today's date: compare them on one day, again if midnight passed.
    loop {
        let before = plan::today();
        let o = hcx(&["plan", "--fleet", s(&legacy()), "--format", "json"]);
        let p = plan::plan(&fleet, Catalog::bundled(), &PlanOptions::default_for(&fleet, Catalog::bundled())).unwrap();
        if plan::today() != before {
            continue;
        }
        assert_eq!(p.date, before, "the default date is today (UTC)");
        assert_eq!(stdout(&o), p.to_json());
        break;
    }
}

#[test]
fn show_renders_a_saved_plan_and_refuses_an_edited_one() {
    let d = dir("show");
    let file = d.join("plan.json");
    hcx(&["plan", "--date", "2026-11-28", "--out", s(&file)]);
    let shown = hcx(&["show", s(&file)]);
    assert_eq!(shown.status.code(), Some(0), "{}", stderr(&shown));
    let direct = hcx(&["plan", "--date", "2026-11-28"]);
    assert_eq!(stdout(&shown), stdout(&direct));
    let md = hcx(&["show", s(&file), "--format", "markdown"]);
    assert!(stdout(&md).starts_with("# HCX upgrade plan"));
    assert_eq!(stdout(&hcx(&["show", s(&file), "--format", "json"])), std::fs::read_to_string(&file).unwrap());

    let edited = d.join("edited.json");
    let text = std::fs::read_to_string(&file).unwrap().replacen("\"automated\": true", "\"automated\": false", 1);
    std::fs::write(&edited, text).unwrap();
    let o = hcx(&["show", s(&edited)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("digest does not match") && stderr(&o).contains("by hand"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());

    let v1 = d.join("v1.json");
    std::fs::write(&v1, r#"{"schema": "hcx-plan/v1", "steps": []}"#).unwrap();
    let o = hcx(&["show", s(&v1)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("hcx-plan/v1") && stderr(&o).contains("hcx plan --fleet"), "{}", stderr(&o));
}

#[test]
fn diff_shows_steps_findings_and_targets() {
    let d = dir("diff");
    let (old, new) = (d.join("old.json"), d.join("new.json"));
    let fleet = s(&legacy()).to_owned();
    hcx(&["plan", "--fleet", &fleet, "--date", "2026-11-28", "--target", "4.10.3", "--out", s(&old)]);
    hcx(&["plan", "--fleet", &fleet, "--date", "2026-11-28", "--target", "4.11.4", "--out", s(&new)]);
    let o = hcx(&["diff", s(&old), s(&new)]);
    // The plans differ: exit 1, like diff(1).
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("target: 4.10.3 -> 4.11.4"), "{text}");
    assert!(text.contains("+ [blocker] wan-opt-removed"), "{text}");
    assert!(text.contains("Remove WAN Optimization from mesh sm-legacy"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  + ") && l.contains("to 4.11.4")), "{text}");
    let json = hcx(&["diff", s(&old), s(&new), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["fields"][0]["field"], "target");
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s["change"] == "added"));
    assert!(v["steps"].as_array().unwrap().iter().any(|s| s["change"] == "removed"));
    let same = hcx(&["diff", s(&old), s(&old)]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    assert!(stdout(&same).contains("no differences"), "{}", stdout(&same));
}
