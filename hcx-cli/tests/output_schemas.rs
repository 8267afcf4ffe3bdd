//! Every JSON document the `hcx` commands write carries its `schema` tag and validates against the schema
//! `hcx schema NAME` prints (the shipped one); `hcx schema` lists them all; `--log-format json` logs are JSON.
//! The executor's documents (apply report, history, events) are checked in `apply_schemas.rs`.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{PASSWORD, assert_exit, hcx, hcx_blocking, s, scratch, sim_endpoints, stderr, stdout};
use hcx_cli::exit::Exit;
use serde_json::Value;

const DATE: &str = "2026-11-28";

/// Validates `doc` against `hcx schema NAME` and checks its tag; returns the document.
fn check_document(name: &str, doc: &str) -> Value {
    let o = hcx(&["schema", name]);
    assert_exit(&o, Exit::Clean);
    let schema: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let doc: Value = serde_json::from_str(doc).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {doc}"));
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let problems: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert_eq!(problems, Vec::<String>::new(), "{name} does not match its schema");
    let tag = schema["title"].as_str().unwrap();
    assert_eq!(doc["schema"].as_str(), Some(tag), "{name}: the tag");
    doc
}

/// Runs `hcx ARGS`, expecting `exit`, and returns stdout.
fn json_of(args: &[&str], exit: Exit) -> String {
    let o = hcx(args);
    assert_exit(&o, exit);
    stdout(&o)
}

#[test]
fn every_json_command_writes_a_tagged_document_its_schema_accepts() {
    let dir = scratch("output-schemas");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    json_of(&["plan", "--date", DATE, "--target", "4.10.3", "--out", s(&a)], Exit::Findings);
    json_of(&["plan", "--date", DATE, "--out", s(&b)], Exit::Clean);
    check_document("plan", &std::fs::read_to_string(&a).unwrap());
    check_document("plan", &json_of(&["show", s(&a), "--format", "json"], Exit::Clean));
    check_document("findings", &json_of(&["check", "--date", DATE, "--format", "json"], Exit::Clean));
    check_document("path", &json_of(&["path", "4.8.2", "4.11.4", "--format", "json"], Exit::Clean));
    let rules = check_document("rules", &json_of(&["explain", "--format", "json"], Exit::Clean));
    assert!(rules["rules"].as_array().unwrap().len() > 10);
    check_document("rules", &json_of(&["explain", "unsupported-path", "--format", "json"], Exit::Clean));
    let diff = check_document("plan-diff", &json_of(&["diff", s(&a), s(&b), "--format", "json"], Exit::Findings));
    // A changed value is JSON, not JSON text inside a string.
    assert!(diff["fields"].as_array().unwrap().iter().any(|f| f["field"] == "target" && f["old"] == "4.10.3"));

    let releases = json_of(&["catalog", "releases", "--date", DATE, "--format", "json"], Exit::Clean);
    check_document("catalog-releases", &releases);
    check_document("catalog-release", &json_of(&["catalog", "show", "4.10.3", "--format", "json"], Exit::Clean));
    let export = json_of(&["catalog", "export"], Exit::Clean);
    check_document("catalog", &export);

    let (good, bad) = (dir.join("catalog.json"), dir.join("broken.json"));
    std::fs::write(&good, &export).unwrap();
    let mut broken: Value = serde_json::from_str(&export).unwrap();
    broken["releases"][0]["version"] = "not-a-version".into();
    std::fs::write(&bad, broken.to_string()).unwrap();
    let valid = check_document(
        "catalog-validation",
        &json_of(&["catalog", "validate", s(&good), "--format", "json"], Exit::Clean),
    );
    assert_eq!(valid["valid"], true);
    let invalid = check_document(
        "catalog-validation",
        &json_of(&["catalog", "validate", s(&bad), "--format", "json"], Exit::Findings),
    );
    assert_eq!(invalid["valid"], false);
    check_document("catalog-diff", &json_of(&["catalog", "diff", s(&good), s(&good), "--format", "json"], Exit::Clean));
}

#[test]
fn hcx_schema_lists_every_document_and_refuses_an_unknown_one() {
    let list = json_of(&["schema"], Exit::Clean);
    for name in ["plan", "fleet", "findings", "path", "rules", "plan-diff", "catalog", "catalog-releases"] {
        assert!(list.lines().any(|l| l.split_whitespace().next() == Some(name)), "{name} missing:\n{list}");
    }
    // By tag as well as by name.
    let by_tag: Value = serde_json::from_str(&json_of(&["schema", "hcx-findings/v1"], Exit::Clean)).unwrap();
    assert_eq!(by_tag["title"], "hcx-findings/v1");
    let o = hcx(&["schema", "findngs"]);
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).contains("no document named \"findngs\"") && stderr(&o).contains("findings"), "{}", stderr(&o));
}

#[test]
fn json_logs_are_one_object_per_line_with_timestamp_and_level() {
    let o = hcx(&["-vv", "--log-format", "json", "path", "4.8.2", "4.11.4"]);
    assert_exit(&o, Exit::Clean);
    let records: Vec<Value> =
        stderr(&o).lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!records.is_empty(), "no JSON log record:\n{}", stderr(&o));
    for r in &records {
        assert!(r["timestamp"].is_string() && r["level"].is_string() && r["message"].is_string(), "{r}");
    }
    // Text logs are not JSON.
    let o = hcx(&["-vv", "path", "4.8.2", "4.11.4"]);
    assert!(stderr(&o).lines().all(|l| !l.starts_with('{')), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discover_writes_a_fleet_document_its_schema_accepts() {
    let (_sim, endpoints, _dir) = sim_endpoints("output-schemas-discover").await;
    let o = hcx_blocking(&["discover", "--endpoints", s(&endpoints)], b"", &[("HCX_PASSWORD", PASSWORD)]).await;
    assert_exit(&o, Exit::Clean);
    let fleet = check_document("fleet", &stdout(&o));
    assert_eq!(fleet["sites"].as_array().unwrap().len(), 2);
}
