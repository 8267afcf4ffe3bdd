//! `hcx-apply`: carries out an `hcx` plan against the HCX Managers of an endpoints file.
//!
//! * **Dry run by default**: every call that would be sent, in order, with the drift check of every step.
//! * **Drift checks** before each step against its before-state, **success checks** after it.
//! * **A crash-safe journal** ([`journal`]): the intent to send a mutating call is committed before the call,
//!   the task id as soon as the answer arrives; a resumed run reconciles every open intent from its task id or
//!   the live state, and sends again only when the state proves the first call never took effect.
//! * **Events** ([`Event`]) for a terminal, for `--events jsonl` and for library callers.
//! * **Evidence** ([`report`]): a change record from the journal.

pub mod error;
pub mod event;
pub mod journal;
pub mod live;
pub mod ops;
pub mod report;
mod runner;

pub use error::ApplyError;
pub use event::{Event, EventSink, Outcome};
pub use journal::Journal;
pub use live::Managers;
pub use runner::{ApplyOptions, RunSummary, apply};
