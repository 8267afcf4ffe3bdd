//! The executor's documents: `hcx apply report --format json` and `hcx apply history --format json` carry their
//! tags and validate against the schemas `hcx schema` prints; the report's values are structured (before and
//! after per manager and appliance), not prose.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{REHEARSAL, apply_in, apply_setup, assert_exit, command, manual_steps, stdout};
use hcx_cli::exit::Exit;
use hcx_sim::Scenario;
use serde_json::Value;

/// `hcx ARGS` in `dir`, expecting a clean exit; returns stdout as JSON.
fn json_in(dir: &std::path::Path, args: &[&str]) -> Value {
    let o = command().current_dir(dir).args(args).output().unwrap();
    assert_exit(&o, Exit::Clean);
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// Validates a document against `hcx schema NAME` and its tag against the schema's title.
fn assert_valid(name: &str, doc: &Value) {
    let schema: Value = serde_json::from_str(&stdout(&command().args(["schema", name]).output().unwrap())).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let problems: Vec<String> = validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert_eq!(problems, Vec::<String>::new(), "{name}: {doc:#}");
    assert_eq!(doc["schema"], schema["title"], "{name}'s tag");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_and_history_validate_and_say_what_changed_in_structure() {
    let scenario = Scenario::from_json(REHEARSAL).unwrap();
    let (_sim, plan, dir) = apply_setup("apply-schemas", &scenario, scenario.clone()).await;
    let confirm = manual_steps(&plan);
    let args = ["--execute", "--sim-stand-in", "--poll-ms", "0", "--max-polls", "500", "--confirm", &confirm];
    assert_exit(&apply_in(&dir, &args, None).await, Exit::Clean);

    let report = json_in(&dir, &["apply", "report", "--journal", "journal.sqlite", "--format", "json"]);
    assert_valid("apply-report", &report);
    let target = plan.target.to_string();
    for site in ["dc1", "dc2"] {
        let m = &report["managers"][site];
        assert_eq!((m["before"].as_str(), m["after"].as_str()), (Some("4.8.2"), Some(target.as_str())), "{report:#}");
    }
    let ne = &report["appliances"]["ne-1"]["version"];
    assert_eq!((ne["before"].as_str(), ne["after"].as_str()), (Some("4.8.2"), Some(target.as_str())), "{report:#}");
    assert!(report["steps"].as_array().unwrap().iter().all(|s| s["outcome"] == "done"), "{report:#}");

    let history = json_in(&dir, &["apply", "history", "--journal", "journal.sqlite", "--format", "json"]);
    assert_valid("apply-history", &history);
    let runs = history["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0]["mode"].as_str(), runs[0]["outcome"].as_str()), (Some("execute"), Some("succeeded")));
    assert_eq!(runs[0]["plan_digest"], plan.digest.as_str());
}
