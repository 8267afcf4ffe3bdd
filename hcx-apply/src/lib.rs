//! `hcx-apply`: carries out an `hcx` plan against the HCX Managers of an endpoints file.
//!
//! * **Dry run by default**: every call that would be sent, in order, with the drift check of every step.
//! * **Drift checks** before each step against its before-state, **success checks** after it.
//! * **A crash-safe journal** ([`journal`]): the intent to send a mutating call is committed before the call,
//!   the task id as soon as the answer arrives; a resumed run reconciles every open intent from its task id or
//!   the live state, and sends again only when the state proves the first call never took effect.
//! * **Outcomes are proven or unknown, never assumed**: only a request that never left (no connection, a
//!   failed login) or a documented refusal (400/401/403/404/405/409/422) counts as not performed; a 5xx, a
//!   timeout, a connection broken after sending or a malformed answer is journaled `unknown` and reconciled
//!   from the live state, resent only once the subject stayed untouched for [`ApplyOptions::settle`], and
//!   otherwise left to the operator (`--confirm-resend`).
//! * **A look before every send**: a subject already at the step's target, or with an operation running on it
//!   (a second journal, a second operator, the HCX UI), is adopted and waited for instead of sent again; a
//!   task SUCCESS that left its subject where it was is a failure `--confirm-resend` can resend.
//! * **Edited plans are refused** ([`ApplyError::EditedPlan`]): the plan's digest must match its content.
//! * **Waits with deadlines** on a [`Clock`] (the system's; tests pass the simulator's): a manual or provider
//!   manager step shows its instructions and polls the manager for the hop's version up to
//!   [`ApplyOptions::manual_wait`], then pauses; the verification after the mesh steps gives every appliance's
//!   `status.summary.overallStatus` and every mesh service's status [`ApplyOptions::tunnel_wait`] to be what
//!   they were before the run (HCX documents the fields, not their values, so they are compared, never
//!   interpreted) and fails naming what changed; what cannot be compared pauses the step for `--confirm`.
//! * **Rehearsals say where a real run pauses**: with [`ApplyOptions::sim_stand_in`] the simulator's own
//!   rehearsal path upgrades the managers; each such step is an [`Event::Rehearsed`], a `rehearsed` journal
//!   entry and a line of [`RunSummary::real_run_pauses`], because no public API upgrades an HCX Manager.
//! * **One run per journal**: the lock's holder is named; whether it still runs is read from `/proc` (pid and
//!   start time), so **on Linux only**. Elsewhere a recorded holder counts as alive
//!   ([`ApplyError::LockUnknown`]) until the operator, having made sure it no longer runs, takes the lock over
//!   ([`ApplyOptions::take_over_lock`], `--take-over-lock`).
//! * **Events** ([`Event`]) for a terminal, for `--events jsonl` and for library callers, each handed out as an
//!   [`EventRecord`] stamped on the run's [`Clock`], graded ([`Level`]) and tied to its run (`run_id`); the
//!   stream's first record names its format, [`EVENTS_SCHEMA`].
//! * **Evidence** ([`report`]): a change record from the journal.

pub mod clock;
pub mod error;
pub mod event;
pub mod journal;
pub mod live;
pub mod operator;
pub mod ops;
pub mod report;
mod runner;

pub use clock::Clock;
pub use error::ApplyError;
pub use event::{EVENTS_SCHEMA, Event, EventRecord, EventSink, Level, Outcome, events_schema};
pub use journal::Journal;
pub use live::Managers;
pub use operator::local_operator;
pub use runner::{ApplyOptions, RunSummary, apply};

use hcx_core::schema::{Shipped, generated};

/// The JSON documents hcx-apply writes, with their schemas (`hcx schema` lists them after hcx-core's).
pub const DOCUMENTS: &[Shipped] = &[
    generated::<report::Report>("apply-report", "hcx apply report --format json"),
    generated::<report::History>("apply-history", "hcx apply history --format json"),
    Shipped { name: "events", tag: EVENTS_SCHEMA, written_by: "hcx apply --events jsonl", schema: events_schema },
];
