//! `hcx apply --events jsonl` against hcx-sim: stdout holds only the event stream (`hcx-events/v1`), one JSON
//! object per line; the first names the schema and hcx's version, every line carries an RFC 3339 UTC timestamp
//! with milliseconds, a level and the run's id, and every line is valid against the stream's JSON Schema
//! (`hcx_apply::events_schema`). The simulator runs on a manual clock that every request moves on: no sleeps.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{REHEARSAL, apply_in, apply_setup, assert_exit, manual_steps, stdout};
use hcx_cli::exit::Exit;
use hcx_core::plan::Plan;
use hcx_sim::{Scenario, Simulator};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The rehearsal's simulator and a scratch directory `name` with its plan and endpoints.
async fn setup(name: &str) -> (Simulator, Plan, PathBuf) {
    let scenario = Scenario::from_json(REHEARSAL).unwrap();
    apply_setup(name, &scenario, scenario.clone()).await
}

/// Runs `hcx apply … --events jsonl ARGS` in `dir`.
async fn apply_jsonl(dir: &Path, args: &[&str]) -> Output {
    let jsonl = ["--events", "jsonl", "--sim-stand-in", "--poll-ms", "0", "--max-polls", "500"];
    apply_in(dir, &[&jsonl[..], args].concat(), None).await
}

/// Every line of stdout as JSON, checked against the stream's schema and the envelope every record has: an
/// RFC 3339 UTC timestamp with exactly three fractional digits, a level, and one run id for the whole stream
/// (returned).
fn records(o: &Output) -> (Vec<Value>, String) {
    let schema = hcx_apply::events_schema();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let out = stdout(o);
    assert!(out.ends_with('\n'), "every record ends its line: {out:?}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}")))
        .collect();
    assert!(lines.len() > 2, "{out}");
    let run_id = lines[0]["run_id"].as_str().unwrap().to_owned();
    for line in &lines {
        let problems: Vec<String> =
            validator.iter_errors(line).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(problems.is_empty(), "{line}: {problems:?}");
        let stamp = line["timestamp"].as_str().unwrap_or_else(|| panic!("no timestamp: {line}"));
        let t = OffsetDateTime::parse(stamp, &Rfc3339).unwrap_or_else(|e| panic!("not RFC 3339 ({e}): {line}"));
        assert!(t.offset().is_utc(), "{line}");
        // `YYYY-MM-DDTHH:MM:SS.mmmZ`: UTC, millisecond precision.
        let (_, fraction) = stamp.split_once('.').unwrap_or_else(|| panic!("no fraction: {line}"));
        assert!(fraction.len() == 4 && fraction.ends_with('Z'), "milliseconds then Z: {line}");
        assert!(fraction[..3].bytes().all(|b| b.is_ascii_digit()), "{line}");
        assert!(["info", "warn", "error"].contains(&line["level"].as_str().unwrap_or_default()), "{line}");
        assert_eq!(line["run_id"], run_id.as_str(), "one run id per run: {line}");
        assert!(line["event"].is_string(), "{line}");
    }
    (lines, run_id)
}

fn kinds(lines: &[Value]) -> BTreeSet<&str> {
    lines.iter().filter_map(|l| l["event"].as_str()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executed_run_streams_a_header_then_stamped_records_of_one_run() {
    let (_sim, plan, dir) = setup("events-jsonl-exec").await;
    let o = apply_jsonl(&dir, &["--execute", "--confirm", &manual_steps(&plan)]).await;
    assert_exit(&o, Exit::Clean);
    let (lines, run_id) = records(&o);

    let header = &lines[0];
    assert_eq!(header["event"], "stream-started");
    assert_eq!(header["schema"], "hcx-events/v1");
    assert_eq!(header["hcx_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(header["level"], "info");
    assert_eq!(lines[1]["event"], "run-started");
    assert_eq!(lines[1]["run"], 1);
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "run-finished");
    assert_eq!(last["outcome"], "succeeded");
    // The journal's run 1 of this plan: the id names both.
    let digest = plan.digest.trim_start_matches("sha256:");
    assert_eq!(run_id, format!("{}-run-1", &digest[..12]));

    // The stream covers the run: every step started and finished, every call, the tasks' progress.
    let seen = kinds(&lines);
    for kind in ["stream-started", "run-started", "step-started", "call", "task-progress", "step-done", "run-finished"]
    {
        assert!(seen.contains(kind), "no {kind} in {seen:?}");
    }
    let done: Vec<&str> =
        lines.iter().filter(|l| l["event"] == "step-done").filter_map(|l| l["step"].as_str()).collect();
    let steps: Vec<String> = plan.steps.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(done, steps, "one step-done per step, in plan order");
    assert!(lines.iter().filter(|l| l["event"] == "call").all(|l| l["sent"] == true));
    assert!(lines.iter().all(|l| l["level"] == "info"), "a clean run is all info");
    // Exactly one header, first.
    assert_eq!(lines.iter().filter(|l| l["event"] == "stream-started").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_streams_too_with_its_own_id_and_pauses_as_warnings() {
    let (_sim, plan, dir) = setup("events-jsonl-dry").await;
    // Nothing confirmed: the manual steps would pause.
    let o = apply_jsonl(&dir, &[]).await;
    assert_exit(&o, Exit::Clean);
    let (lines, run_id) = records(&o);
    assert_eq!(lines[0]["event"], "stream-started");
    let digest = plan.digest.trim_start_matches("sha256:");
    assert!(run_id.starts_with(&format!("{}-dry-", &digest[..12])), "{run_id}");
    assert_eq!(lines[1]["execute"], false);
    let paused: Vec<&Value> = lines.iter().filter(|l| l["event"] == "step-paused").collect();
    assert!(!paused.is_empty(), "the manual steps would pause");
    assert!(paused.iter().all(|l| l["level"] == "warn"), "{paused:?}");
    assert!(lines.iter().filter(|l| l["event"] == "call").all(|l| l["sent"] == false));
    let last = lines.last().unwrap();
    assert_eq!((&last["outcome"], &last["level"]), (&Value::from("dry-run"), &Value::from("info")));
}
