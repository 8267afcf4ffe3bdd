//! The event stream's envelope: every record of a run is stamped on the run's clock (here the simulator's, so
//! the stamps are known), graded, and carries one run id; the stream opens with its schema and hcx's version.
//! Every line is valid against the stream's generated JSON Schema, which refuses lines that break the envelope.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hcx_apply::{EVENTS_SCHEMA, Event, EventRecord, Level, Outcome, apply, events_schema};
use hcx_sim::Scenario;
use hcx_sim::clock::SIM_EPOCH_MS;
use time::OffsetDateTime;

/// The simulator's epoch: the stamps of a run on its clock are this plus the simulated time.
fn sim_epoch() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(SIM_EPOCH_MS) * 1_000_000).expect("epoch")
}

/// Records every record the run hands out (the options' own sink keeps the bare events).
fn recording(opts: &mut hcx_apply::ApplyOptions) -> Arc<Mutex<Vec<EventRecord>>> {
    let records = Arc::new(Mutex::new(Vec::new()));
    let sink = records.clone();
    opts.on_event = Some(Arc::new(move |r: &EventRecord| sink.lock().expect("records").push(r.clone())));
    records
}

/// The problems of one line against the stream's schema (`format` asserted, not only annotated).
fn problems(line: &serde_json::Value) -> Vec<String> {
    let schema = events_schema();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).expect("the schema compiles");
    validator.iter_errors(line).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// Every record, as the line `--events jsonl` prints, is valid against the schema.
fn assert_valid(records: &[EventRecord]) {
    for r in records {
        let line: serde_json::Value = serde_json::from_str(&r.to_json()).expect("json");
        let problems = problems(&line);
        assert!(problems.is_empty(), "{line}: {problems:?}");
    }
}

/// The 12 hex digits of the plan digest that open its runs' ids.
fn digest_prefix(plan: &hcx_core::plan::Plan) -> String {
    plan.digest.trim_start_matches("sha256:")[..12].to_owned()
}

#[tokio::test]
async fn an_executed_run_is_stamped_on_its_clock_under_one_run_id() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (mut opts, _) = exec_options(&plan, temp_journal("events-exec"));
    opts.clock = sim_clock(&clock).starting_at(sim_epoch());
    let records = recording(&mut opts);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);

    let records = records.lock().expect("records");
    let first = &records[0];
    assert_eq!(
        first.event,
        Event::StreamStarted { schema: EVENTS_SCHEMA.to_owned(), hcx_version: env!("CARGO_PKG_VERSION").to_owned() }
    );
    assert!(matches!(records[1].event, Event::RunStarted { run: Some(1), execute: true, .. }));
    // Nothing was asked of the managers before the run started: simulated time is still at its epoch.
    assert_eq!(first.timestamp, sim_epoch());
    let last = records.last().expect("a record");
    assert!(matches!(last.event, Event::RunFinished { run: Some(1), outcome: Outcome::Succeeded }));
    // Nothing was asked after the run finished: its stamp is the simulated time at the end.
    assert_eq!(last.timestamp, sim_epoch() + Duration::from_millis(clock.elapsed_ms()));
    assert!(records.windows(2).all(|w| w[0].timestamp <= w[1].timestamp), "stamps never go back");
    assert!(records.iter().any(|r| r.timestamp > first.timestamp), "simulated time moved during the run");

    assert_valid(&records);
    let id = format!("{}-run-1", digest_prefix(&plan));
    for r in records.iter() {
        assert_eq!(r.run_id, id, "{r:?}");
        assert_eq!(r.level, r.event.level());
        assert_eq!(r.level, Level::Info, "a clean run is all info: {r:?}");
    }
    // Flat JSON, the envelope's fields first, the stamp in RFC 3339 UTC with milliseconds.
    let line = last.to_json();
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    let ms = clock.elapsed_ms() % 1000;
    let stamp = v["timestamp"].as_str().expect("a timestamp");
    assert!(stamp.starts_with("2026-01-01T") && stamp.ends_with(&format!(".{ms:03}Z")), "{line}");
    assert!(
        line.starts_with(&format!(r#"{{"timestamp":"{stamp}","level":"info","run_id":"{id}","event":"run-finished""#)),
        "{line}"
    );
}

#[tokio::test]
async fn a_pause_is_a_warning_and_the_resumed_run_has_its_own_id() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (mut opts, _) = exec_options(&plan, temp_journal("events-pause"));
    let confirm = std::mem::take(&mut opts.confirm);
    opts.clock = sim_clock(&clock);
    let records = recording(&mut opts);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Paused);
    {
        let records = records.lock().expect("records");
        let paused: Vec<_> = records.iter().filter(|r| matches!(r.event, Event::StepPaused { .. })).collect();
        assert_eq!(paused.len(), 1);
        assert_eq!(paused[0].level, Level::Warn);
        let last = records.last().expect("a record");
        assert!(matches!(last.event, Event::RunFinished { outcome: Outcome::Paused, .. }));
        assert_eq!(last.level, Level::Warn);
        assert_valid(&records);
        // Without an origin, a test clock counts from the Unix epoch.
        assert_eq!(records[0].timestamp, OffsetDateTime::UNIX_EPOCH + Duration::from_millis(0));
    }

    records.lock().expect("records").clear();
    opts.resume = true;
    opts.confirm = confirm;
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    let records = records.lock().expect("records");
    assert!(matches!(records[0].event, Event::StreamStarted { .. }), "each run opens its own stream");
    let id = format!("{}-run-2", digest_prefix(&plan));
    assert!(records.iter().all(|r| r.run_id == id), "{records:#?}");
}

#[tokio::test]
async fn a_dry_run_has_a_run_id_too_and_drift_is_an_error() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    // The live fleet differs from the plan's: ne-1 was upgraded by hand since the plan was made.
    let mut live = scenario.clone();
    live.fleet.meshes[0].appliances[1].version = "4.9.0".parse().expect("version");
    let (sim, clock) = start(live).await;
    let (mut opts, _) = exec_options(&plan, temp_journal("events-dry"));
    opts.execute = false;
    opts.clock = sim_clock(&clock);
    let records = recording(&mut opts);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("dry run");
    assert_eq!(summary.outcome, Outcome::Drift);

    let records = records.lock().expect("records");
    assert_valid(&records);
    assert!(matches!(records[0].event, Event::StreamStarted { .. }));
    let id = &records[0].run_id;
    let prefix = format!("{}-dry-", digest_prefix(&plan));
    assert!(id.starts_with(&prefix) && id.len() == prefix.len() + 8, "{id}");
    assert!(records.iter().all(|r| &r.run_id == id));
    let drift = records.iter().find(|r| matches!(r.event, Event::Drift { .. })).expect("a drift record");
    assert_eq!(drift.level, Level::Error);
    assert_eq!(records.last().map(|r| r.level), Some(Level::Error), "the run ends in drift");
}

#[test]
fn the_schema_refuses_lines_that_break_the_envelope() {
    let header = serde_json::json!({
        "timestamp": "2026-12-07T22:04:51.123Z", "level": "info", "run_id": "3f9a1c2b7d4e-run-2",
        "event": "stream-started", "schema": EVENTS_SCHEMA, "hcx_version": "0.1.0",
    });
    assert_eq!(problems(&header), Vec::<String>::new());
    assert_eq!(events_schema()["title"], EVENTS_SCHEMA);
    let broken = |key: &str, value: serde_json::Value| {
        let mut line = header.clone();
        line[key] = value;
        line
    };
    let mut no_stamp = header.clone();
    no_stamp.as_object_mut().expect("an object").remove("timestamp");
    for (why, line) in [
        ("no timestamp", no_stamp),
        ("seconds only", broken("timestamp", "2026-12-07T22:04:51Z".into())),
        ("not UTC", broken("timestamp", "2026-12-07T22:04:51.123+01:00".into())),
        ("an unknown level", broken("level", "debug".into())),
        ("another schema", broken("schema", "hcx-events/v2".into())),
        ("an unknown event", broken("event", "step-exploded".into())),
        ("a run id that is not text", broken("run_id", 7.into())),
    ] {
        assert!(!problems(&line).is_empty(), "{why}: {line}");
    }
}
