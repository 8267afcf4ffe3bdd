//! Typed progress events, for a terminal, for `--events jsonl` and for library callers.
//!
//! The runner hands each [`Event`] to the caller's [`EventSink`] inside an [`EventRecord`]: the event with its
//! `timestamp` (from the run's [`Clock`](crate::Clock)), its [`Level`] and the run's `run_id`. `hcx apply
//! --events jsonl` prints the records one JSON object per line and `hcx.apply` in Python hands out the same
//! records as dicts, so both see the same stream (`hcx-events/v1`, see `docs/events.md`):
//!
//! ```text
//! {"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"stream-started","schema":"hcx-events/v1","hcx_version":"0.1.0"}
//! {"timestamp":"2026-12-07T22:04:51.124Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"run-started","run":2,"plan_digest":"sha256:3f9a1c2b7d4e…","execute":true,"steps":14}
//! ```

use std::hash::BuildHasher as _;
use std::sync::Arc;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use time::OffsetDateTime;

/// The name and version of the event stream's format: the `schema` of its first record
/// ([`Event::StreamStarted`]). A consumer that reads another schema should stop rather than guess.
pub const EVENTS_SCHEMA: &str = "hcx-events/v1";

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Outcome {
    /// Every step done and checked.
    Succeeded,
    /// A dry run printed what it would do and found no drift.
    DryRun,
    /// Unacknowledged blockers: nothing was sent.
    Blocked,
    /// A manual or provider step waits for the operator (`--confirm`).
    Paused,
    /// Stopped on request (SIGINT/SIGTERM) after the in-flight call was journaled.
    Interrupted,
    /// The live state differs from the plan's before-state: an executed run stops at the step, a dry run goes
    /// on and reports every difference.
    Drift,
    /// A task failed, a check failed or a manager could not be reached.
    Failed,
    /// The journal cannot tell whether a call took effect: the operator must decide (`--confirm-resend`).
    NeedsConfirmation,
}

impl Outcome {
    /// The word stored in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::DryRun => "dry-run",
            Self::Blocked => "blocked",
            Self::Paused => "paused",
            Self::Interrupted => "interrupted",
            Self::Drift => "drift",
            Self::Failed => "failed",
            Self::NeedsConfirmation => "needs-confirmation",
        }
    }

    /// Severity order, to combine lanes (the worst wins).
    pub(crate) fn rank(self) -> u8 {
        match self {
            Self::Succeeded | Self::DryRun => 0,
            Self::Paused => 1,
            Self::Interrupted => 2,
            Self::NeedsConfirmation => 3,
            Self::Drift => 4,
            Self::Blocked => 5,
            Self::Failed => 6,
        }
    }
}

/// One event of a run. Each variant's documentation ends with an example of its line in `--events jsonl`
/// (the [`EventRecord`] around it: `timestamp`, `level`, `run_id`, then the event's own fields).
///
/// A run's records come in this order: `stream-started`, `run-started`, then per step `step-started` (or
/// `step-done` with `skipped` for a step an earlier run finished) and what the step does, and `run-finished`
/// last. A run refused before it starts (a locked journal, an unfinished run without resume) sends nothing.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    /// The first record of every run: the stream's format and the version of hcx that wrote it.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"stream-started","schema":"hcx-events/v1","hcx_version":"0.1.0"}`
    StreamStarted {
        /// [`EVENTS_SCHEMA`].
        #[schemars(extend("const" = EVENTS_SCHEMA))]
        schema: String,
        /// The version of hcx (hcx-apply's crate version, the workspace's).
        hcx_version: String,
    },
    /// The run began.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.124Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"run-started","run":2,"plan_digest":"sha256:3f9a1c2b7d4e…","execute":true,"steps":14}`
    RunStarted {
        /// Journal run number (none for a dry run).
        run: Option<i64>,
        /// Plan digest.
        plan_digest: String,
        /// Whether calls are sent.
        execute: bool,
        /// Number of steps.
        steps: usize,
    },
    /// A step began.
    ///
    /// `{"timestamp":"2026-12-07T22:04:52.301Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"step-started","step":"S10","title":"Upgrade service mesh mesh-1 appliances on dc1 to 4.11.5"}`
    StepStarted {
        /// Step id.
        step: String,
        /// Title.
        title: String,
    },
    /// A mutating call (sent, or in a dry run, that would be sent).
    ///
    /// `{"timestamp":"2026-12-07T22:04:52.480Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"call","step":"S10","site":"dc1","call":"POST /hybridity/api/interconnect/appliances/ix-1/upgrade?force=false&local=false&method=legacy","sent":true}`
    Call {
        /// Step id.
        step: String,
        /// Site.
        site: String,
        /// Method, path and query.
        call: String,
        /// Whether it was sent.
        sent: bool,
    },
    /// A task moved.
    ///
    /// `{"timestamp":"2026-12-07T22:04:53.002Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"task-progress","step":"S10","op":"S10/ix-1","task":"task-41","status":"RUNNING","progress":40.0}`
    TaskProgress {
        /// Step id.
        step: String,
        /// Operation (`S10/ne-1`).
        op: String,
        /// Task id.
        task: String,
        /// Task status.
        status: String,
        /// Percent.
        progress: Option<f64>,
    },
    /// A step waits for a person.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.900Z","level":"warn","run_id":"3f9a1c2b7d4e-run-2","event":"step-paused","step":"S7","owner":"customer","instructions":["Take a snapshot of the HCX Manager"],"resume":"hcx apply --resume --confirm S7"}`
    StepPaused {
        /// Step id.
        step: String,
        /// `customer` or `provider`.
        owner: String,
        /// What to do.
        instructions: Vec<String>,
        /// How to go on.
        resume: String,
    },
    /// A manual or provider manager step shows its instructions and polls the manager for the hop's version,
    /// until the version shows or the wait (`ApplyOptions::manual_wait`) is over; then it pauses.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.950Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"step-waiting","step":"S4","owner":"provider","site":"dc2","version":"4.11.5","instructions":["The provider upgrades the Cloud Manager"],"wait_ms":1800000,"resume":"hcx apply --resume --confirm S4"}`
    StepWaiting {
        /// Step id.
        step: String,
        /// `customer` or `provider`.
        owner: String,
        /// The manager polled.
        site: String,
        /// The version it must report.
        version: String,
        /// What to do.
        instructions: Vec<String>,
        /// How long it waits, in milliseconds.
        wait_ms: u64,
        /// How to go on after the run paused.
        resume: String,
    },
    /// A step the simulator's rehearsal path carries out (`ApplyOptions::sim_stand_in`), on which a real run
    /// pauses instead: no public API upgrades an HCX Manager.
    ///
    /// `{"timestamp":"2026-12-07T22:04:51.960Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"rehearsed","step":"S4","owner":"customer","reason":"a real run pauses here: no public API upgrades an HCX Manager; the customer upgrades dc1 to 4.11.5, then hcx apply --resume --confirm S4"}`
    Rehearsed {
        /// Step id.
        step: String,
        /// Who a real run waits for: `customer` or `provider`.
        owner: String,
        /// What a real run does here instead.
        reason: String,
    },
    /// A step is done (or found done by a resumed run).
    ///
    /// `{"timestamp":"2026-12-07T22:04:58.750Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"step-done","step":"S10","skipped":false,"reconciled":false}`
    StepDone {
        /// Step id.
        step: String,
        /// Finished by an earlier run (skipped now).
        skipped: bool,
        /// Found finished from the live state after a crash.
        reconciled: bool,
    },
    /// A step failed.
    ///
    /// `{"timestamp":"2026-12-07T22:05:03.210Z","level":"error","run_id":"3f9a1c2b7d4e-run-2","event":"step-failed","step":"S10","message":"S10: task task-41 failed: disk full","rollback":"Redeploy the appliance from the previous version","rollback_hours":24}`
    StepFailed {
        /// Step id.
        step: String,
        /// What happened.
        message: String,
        /// Rollback guidance.
        rollback: Option<String>,
        /// Hours after the step started during which the rollback is possible.
        rollback_hours: Option<u32>,
    },
    /// The live state differs from the plan.
    ///
    /// `{"timestamp":"2026-12-07T22:04:52.350Z","level":"error","run_id":"3f9a1c2b7d4e-run-2","event":"drift","step":"S10","differences":["appliance ne-2 is at 4.11.4, the plan expected 4.10.3"]}`
    Drift {
        /// Step id.
        step: String,
        /// Each difference, e.g. `appliance ne-2 is at 4.11.4, the plan expected 4.10.3`.
        differences: Vec<String>,
    },
    /// The run ended.
    ///
    /// `{"timestamp":"2026-12-07T22:06:40.017Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"run-finished","run":2,"outcome":"succeeded"}`
    RunFinished {
        /// Journal run number.
        run: Option<i64>,
        /// Outcome.
        outcome: Outcome,
    },
}

impl Event {
    /// How much the event matters to whoever watches the stream (chat-ops alerts, CI annotations):
    ///
    /// * `error`: the run cannot reach the target without someone fixing something: [`Event::StepFailed`],
    ///   [`Event::Drift`] (the plan no longer matches the managers: an executed run stops there, a dry run
    ///   ends in drift), and [`Event::RunFinished`] with outcome failed, drift or blocked.
    /// * `warn`: the run stops, or will, until a person acts, with nothing broken: [`Event::StepPaused`], and
    ///   [`Event::RunFinished`] with outcome paused, interrupted or needs-confirmation.
    /// * `info`: everything else, including a finished run that succeeded or a dry run without drift.
    pub fn level(&self) -> Level {
        match self {
            Self::StreamStarted { .. }
            | Self::RunStarted { .. }
            | Self::StepStarted { .. }
            | Self::Call { .. }
            | Self::TaskProgress { .. }
            | Self::StepWaiting { .. }
            | Self::Rehearsed { .. }
            | Self::StepDone { .. } => Level::Info,
            Self::StepPaused { .. } => Level::Warn,
            Self::StepFailed { .. } | Self::Drift { .. } => Level::Error,
            Self::RunFinished { outcome, .. } => match outcome {
                Outcome::Succeeded | Outcome::DryRun => Level::Info,
                Outcome::Paused | Outcome::Interrupted | Outcome::NeedsConfirmation => Level::Warn,
                Outcome::Drift | Outcome::Blocked | Outcome::Failed => Level::Error,
            },
        }
    }

    /// The kind, as the `event` field of its JSON form (`step-started`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::StreamStarted { .. } => "stream-started",
            Self::RunStarted { .. } => "run-started",
            Self::StepStarted { .. } => "step-started",
            Self::Call { .. } => "call",
            Self::TaskProgress { .. } => "task-progress",
            Self::StepPaused { .. } => "step-paused",
            Self::StepWaiting { .. } => "step-waiting",
            Self::Rehearsed { .. } => "rehearsed",
            Self::StepDone { .. } => "step-done",
            Self::StepFailed { .. } => "step-failed",
            Self::Drift { .. } => "drift",
            Self::RunFinished { .. } => "run-finished",
        }
    }

    /// The first record of a stream: [`EVENTS_SCHEMA`] and this version of hcx.
    pub(crate) fn stream_started() -> Self {
        Self::StreamStarted { schema: EVENTS_SCHEMA.to_owned(), hcx_version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// The severity of an event ([`Event::level`]): the one scale of every `hcx` event stream.
pub use hcx_core::schema::EventLevel as Level;

/// An [`Event`] as the runner hands it out: stamped, graded and tied to its run. Serialised flat, the
/// envelope's fields first: `{"timestamp":…,"level":…,"run_id":…,"event":"step-started",…}`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[non_exhaustive]
pub struct EventRecord {
    /// When the runner emitted it, on the run's [`Clock`](crate::Clock); written in RFC 3339, UTC, with
    /// milliseconds (`2026-12-07T22:04:51.123Z`).
    #[serde(serialize_with = "hcx_core::schema::write_event_timestamp")]
    #[schemars(with = "hcx_core::schema::EventTimestamp")]
    pub timestamp: OffsetDateTime,
    /// [`Event::level`].
    pub level: Level,
    /// The same on every record of a run ([`run_id`]).
    pub run_id: String,
    /// The event.
    #[serde(flatten)]
    pub event: Event,
}

impl EventRecord {
    /// Wraps `event`, its level derived from it.
    pub fn new(timestamp: OffsetDateTime, run_id: impl Into<String>, event: Event) -> Self {
        Self { timestamp, level: event.level(), run_id: run_id.into(), event }
    }

    /// One line of `--events jsonl` (without the newline).
    pub fn to_json(&self) -> String {
        // Only strings, numbers, booleans and lists of strings, with string keys: encoding cannot fail, and
        // an empty object would still be a line a consumer can skip.
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// The JSON Schema (draft 2020-12) of one record of the stream, i.e. of each line `--events jsonl` writes,
/// generated from [`EventRecord`] so it cannot drift from what is written; titled [`EVENTS_SCHEMA`].
pub fn events_schema() -> serde_json::Value {
    // It describes what is written (serialisation), like the schemas of hcx-core's documents.
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut root = generator.into_root_schema_for::<EventRecord>().to_value();
    if let Some(object) = root.as_object_mut() {
        object.insert("title".to_owned(), EVENTS_SCHEMA.into());
    }
    root
}

/// The id every record of a run carries: the first 12 characters of the plan digest's hex, then `-run-` and the
/// journal's run number for an executed run (`3f9a1c2b7d4e-run-2`: a resumed run is a new journal run, with a
/// new id), or, for a run without a journal run (a dry run, a run refused for blockers), `-dry-` or
/// `-blocked-` and 8 random hex digits, drawn once per run (`3f9a1c2b7d4e-dry-5f1e2a9c`).
pub fn run_id(plan_digest: &str, run: Option<i64>, blocked: bool) -> String {
    let hex = plan_digest.strip_prefix("sha256:").unwrap_or(plan_digest);
    let prefix: String = hex.chars().take(12).collect();
    match (run, blocked) {
        (Some(n), _) => format!("{prefix}-run-{n}"),
        // Two dry runs of one plan must not share an id. The standard library's hasher keys are random per
        // process and differ for each `RandomState`: enough for an id, and no dependency for it.
        (None, blocked) => {
            let draw = std::collections::hash_map::RandomState::new().hash_one(plan_digest);
            format!("{prefix}-{}-{:08x}", if blocked { "blocked" } else { "dry" }, draw as u32)
        }
    }
}

/// Where events go: each record of a run, in order per lane (lanes run at once with `parallel`), from the
/// runner's tasks.
pub type EventSink = Arc<dyn Fn(&EventRecord) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_flat_with_the_envelope_first() {
        let t = time::macros::datetime!(2026-12-07 22:04:51.123 UTC);
        let r =
            EventRecord::new(t, "3f9a1c2b7d4e-run-2", Event::StepStarted { step: "S1".into(), title: "Check".into() });
        assert_eq!(
            r.to_json(),
            r#"{"timestamp":"2026-12-07T22:04:51.123Z","level":"info","run_id":"3f9a1c2b7d4e-run-2","event":"step-started","step":"S1","title":"Check"}"#
        );
        let header = EventRecord::new(t, "x", Event::stream_started());
        let v: serde_json::Value = serde_json::from_str(&header.to_json()).expect("json");
        assert_eq!(v["event"], "stream-started");
        assert_eq!(v["schema"], EVENTS_SCHEMA);
        assert_eq!(v["hcx_version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn the_kind_is_the_json_tag_and_the_level_follows_the_outcome() {
        let finished = |outcome| Event::RunFinished { run: None, outcome };
        let events = [
            (Event::stream_started(), Level::Info),
            (
                Event::StepPaused {
                    step: "S7".into(),
                    owner: "customer".into(),
                    instructions: vec![],
                    resume: String::new(),
                },
                Level::Warn,
            ),
            (Event::Drift { step: "S9".into(), differences: vec!["x".into()] }, Level::Error),
            (
                Event::StepFailed { step: "S9".into(), message: "m".into(), rollback: None, rollback_hours: None },
                Level::Error,
            ),
            (finished(Outcome::Succeeded), Level::Info),
            (finished(Outcome::DryRun), Level::Info),
            (finished(Outcome::Interrupted), Level::Warn),
            (finished(Outcome::Paused), Level::Warn),
            (finished(Outcome::NeedsConfirmation), Level::Warn),
            (finished(Outcome::Drift), Level::Error),
            (finished(Outcome::Blocked), Level::Error),
            (finished(Outcome::Failed), Level::Error),
        ];
        for (e, level) in events {
            assert_eq!(e.level(), level, "{e:?}");
            let v = serde_json::to_value(&e).expect("json");
            assert_eq!(v["event"], e.kind());
            assert_eq!(serde_json::to_value(level).expect("json"), level.as_str());
        }
    }

    #[test]
    fn a_run_id_names_the_plan_and_the_journal_run() {
        let digest = "sha256:3f9a1c2b7d4e5f60718293a4b5c6d7e8f9";
        assert_eq!(run_id(digest, Some(2), false), "3f9a1c2b7d4e-run-2");
        let (a, b) = (run_id(digest, None, false), run_id(digest, None, false));
        assert!(a.starts_with("3f9a1c2b7d4e-dry-") && a.len() == "3f9a1c2b7d4e-dry-".len() + 8, "{a}");
        assert_ne!(a, b, "two dry runs, two ids");
        assert!(run_id(digest, None, true).starts_with("3f9a1c2b7d4e-blocked-"));
    }
}
