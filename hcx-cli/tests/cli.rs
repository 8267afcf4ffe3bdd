//! The `hcx` binary: outputs, exit codes and error reporting.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::path::PathBuf;
use std::process::{Command, Output};

fn hcx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hcx")).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hcx-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join(name);
    std::fs::write(&f, text).unwrap();
    f
}

fn golden(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../hcx-core/tests/golden").join(name);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn plan_without_a_fleet_plans_the_bundled_sample() {
    let o = hcx(&["plan", "--date", "2026-11-28"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), golden("sample-plan.txt"));
    assert!(stderr(&o).contains("bundled sample fleet"));
    let md = hcx(&["plan", "--date", "2026-11-28", "--format", "markdown"]);
    assert_eq!(stdout(&md), golden("sample-plan.md"));
}

#[test]
fn plan_json_goes_to_stdout_and_parses() {
    let o = hcx(&["plan", "--date", "2026-11-28", "--format", "json", "--target", "validated"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "hcx-plan/v2");
    assert_eq!(v["target"], "4.11.4");
    assert!(!v["steps"].as_array().unwrap().is_empty());
}

#[test]
fn plan_html_is_one_self_contained_page_with_the_fleet() {
    let o = hcx(&["plan", "--date", "2026-11-28", "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.contains("connector · on-prem"), "the topology is drawn from the fleet");
    assert!(page.contains("data-network=\"web-vlan10\""));
    let check = hcx(&["check", "--date", "2026-11-28", "--format", "html"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains("use `hcx plan --format html`"), "{}", stderr(&check));
}

#[test]
fn blockers_exit_1_and_acknowledged_blockers_exit_0() {
    let mut fleet: serde_json::Value = serde_json::from_str(hcx_core::plan::SAMPLE_FLEET).unwrap();
    fleet["migrations"][0]["state"] = "in_progress".into();
    let f = temp("busy.json", &fleet.to_string());
    let f = f.to_str().unwrap();
    let o = hcx(&["check", "--fleet", f, "--date", "2026-11-28"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("[blocker] active-migrations: 1 transfer is in flight: migration mig-0142 (in_progress)"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("1 blocker(s) found"));
    let o = hcx(&["check", "--fleet", f, "--date", "2026-11-28", "--ack", "active-migrations", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "active-migrations").unwrap().clone();
    assert_eq!(f["acknowledged"], true);
}

#[test]
fn bad_input_exits_2_with_every_problem() {
    let f = temp(
        "bad.json",
        r#"{"schema":"hcx-fleet/v1","sites":[{"id":"a","role":"connector","platform":"on-prem","version":"4.x"},{"id":"b","role":"cloud","platform":"avs","version":"4.11.3"}],"pairs":[{"source":"b","destination":"a"}]}"#,
    );
    let o = hcx(&["plan", "--fleet", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("2 problems"), "{err}");
    assert!(err.contains("$.sites[0].version: invalid hcx version \"4.x\""), "{err}");
    assert!(err.contains("$.pairs[0].destination: site \"a\" is an hcx connector"), "{err}");
    assert!(stdout(&o).is_empty());

    for args in [
        vec!["plan", "--target", "4.11.9"],
        vec!["plan", "--target", "four"],
        vec!["plan", "--ack", "nope"],
        vec!["plan", "--date", "28/11/2026"],
        vec!["plan", "--fleet", "/nonexistent.json"],
        vec!["path", "4.11.3", "4.10.3"],
        vec!["explain", "no-such-rule"],
        vec!["frobnicate"],
    ] {
        let o = hcx(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
}

#[test]
fn path_answers_through_the_stepping_stones() {
    let o = hcx(&["path", "4.3.3", "4.10.3"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.starts_with("4.3.3 -> 4.10.3: 3 hop(s)"), "{text}");
    assert!(
        text.contains("1. 4.3.3 -> 4.8.3") && text.contains("2. 4.8.3 -> 4.9.2") && text.contains("3. 4.9.2 -> 4.10.3"),
        "{text}"
    );
    let o = hcx(&["path", "4.3.3", "4.10.3", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["hops"][1]["to"], "4.9.2");
    assert_eq!(v["hops"][0]["sources"][0], "OCI-UPG");
}

#[test]
fn path_from_an_uncataloged_release_inside_a_documented_range() {
    let o = hcx(&["path", "4.6.0", "4.11.4"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("1. 4.6.0 -> 4.9.2") && text.contains("2. 4.9.2 -> 4.11.4"), "{text}");
    assert!(text.contains("[warning] uncataloged-release: 4.6.0 is not in the catalog as of"), "{text}");
    let o = hcx(&["path", "4.6.0", "4.11.4", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["uncataloged"]["range"], ">=4.4.0, <=4.8.3");
    let o = hcx(&["path", "4.12.7", "4.11.3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("downgrade"), "{}", stderr(&o));
    let o = hcx(&["path", "4.12.7", "9.1.1.0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("source version 4.12.7 is not a release known to the catalog"), "{}", stderr(&o));
}

#[test]
fn catalog_lists_releases_with_support_and_sources() {
    let o = hcx(&["catalog", "--date", "2026-11-28"]);
    let text = stdout(&o);
    assert!(text.contains("4.10.3     <=2024-12-31*"), "{text}");
    assert!(text.lines().any(|l| l.contains("4.11.5") && l.contains("2026-05-27*") && l.contains("T-VCF91")), "{text}");
    let o = hcx(&["catalog", "--format", "json", "--date", "2026-01-10"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = v["releases"].as_array().unwrap().iter().find(|r| r["version"] == "4.11.1").unwrap();
    assert_eq!(r["support"], "disputed");
    assert_eq!(r["end_of_support"].as_array().unwrap().len(), 2);
}

#[test]
fn explain_describes_rules() {
    let o = hcx(&["explain", "ne-ephemeral-binding"]);
    let text = stdout(&o);
    assert!(text.starts_with("ne-ephemeral-binding (blocker)"), "{text}");
    assert!(text.contains("HCX-4.7-NE-UPG: https://docs.vmware.com/"), "{text}");
    let o = hcx(&["explain", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), hcx_core::plan::rules::RULES.len());
}

#[test]
fn a_catalog_file_overrides_the_bundled_one() {
    let mut cat: serde_json::Value = serde_json::from_str(hcx_core::Catalog::bundled_json()).unwrap();
    // Drop 4.11.5 and every rule or fact that names it.
    cat["releases"].as_array_mut().unwrap().retain(|r| r["version"] != "4.11.5");
    cat["forbidden_paths"] = serde_json::json!([]);
    cat["downloads"] = serde_json::json!([]);
    cat["paths"].as_array_mut().unwrap().retain(|p| !p["from"].as_str().unwrap().contains("4.11.5"));
    let f = temp("catalog.json", &cat.to_string());
    let o = hcx(&[
        "plan",
        "--catalog",
        f.to_str().unwrap(),
        "--target",
        "latest",
        "--date",
        "2026-11-28",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["target"], "4.11.4");
    let bad = temp("bad-catalog.json", r#"{"schema":"hcx-catalog/v1"}"#);
    let o = hcx(&["plan", "--catalog", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("invalid catalog"), "{}", stderr(&o));
}
