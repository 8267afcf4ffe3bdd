//! Typed progress events, for a terminal, for `--events jsonl` and for library callers.

use std::sync::Arc;

use serde::Serialize;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

/// One event of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Event {
    /// The run began.
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
    StepStarted {
        /// Step id.
        step: String,
        /// Title.
        title: String,
    },
    /// A mutating call (sent, or in a dry run, that would be sent).
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
    /// A step is done (or found done by a resumed run).
    StepDone {
        /// Step id.
        step: String,
        /// Finished by an earlier run (skipped now).
        skipped: bool,
        /// Found finished from the live state after a crash.
        reconciled: bool,
    },
    /// A step failed.
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
    Drift {
        /// Step id.
        step: String,
        /// Each difference, e.g. `appliance ne-2 is at 4.11.4, the plan expected 4.10.3`.
        differences: Vec<String>,
    },
    /// The run ended.
    RunFinished {
        /// Journal run number.
        run: Option<i64>,
        /// Outcome.
        outcome: Outcome,
    },
}

/// Where events go.
pub type EventSink = Arc<dyn Fn(&Event) + Send + Sync>;
