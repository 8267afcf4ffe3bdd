//! Errors of the executor.

use std::path::Path;

use hcx_core::client::ClientError;

/// Why a run could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// SQLite refused an operation on the journal.
    #[error("journal {path}: cannot {what}: {source}")]
    Journal {
        /// Journal file.
        path: String,
        /// What was being done.
        what: String,
        /// The SQLite error.
        #[source]
        source: Box<rusqlite::Error>,
    },
    /// The journal could not be set up as required.
    #[error("journal {path}: {message}")]
    JournalSetup {
        /// Journal file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The journal belongs to another plan.
    #[error(
        "journal {path} belongs to plan {journal}, not to this plan ({plan}): use another --journal for a new plan"
    )]
    OtherPlan {
        /// Journal file.
        path: String,
        /// Digest recorded in the journal.
        journal: String,
        /// Digest of the plan given.
        plan: String,
    },
    /// Another live process runs this journal.
    #[error("journal {path} is in use by {holder} (pid {pid}) since {since}")]
    Locked {
        /// Journal file.
        path: String,
        /// Holder description.
        holder: String,
        /// Holder pid.
        pid: u32,
        /// Since when.
        since: String,
    },
    /// The journal's lock has a holder this system cannot check (liveness is read from `/proc`, on Linux only).
    #[error(
        "journal {path} is locked by {holder} (pid {pid}) since {since}, and this system cannot tell whether that \
         process still runs (liveness is checked through /proc, on Linux only); once it surely does not, take the \
         lock over with --take-over-lock (ApplyOptions::take_over_lock)"
    )]
    LockUnknown {
        /// Journal file.
        path: String,
        /// Holder description.
        holder: String,
        /// Holder pid.
        pid: u32,
        /// Since when.
        since: String,
    },
    /// The journal has an unfinished run and no resume was asked for.
    #[error("journal {path} has an unfinished run of this plan (run {run}): continue it with resume")]
    Unfinished {
        /// Journal file.
        path: String,
        /// The run.
        run: i64,
    },
    /// A resume was asked for and the journal holds no unfinished run of the plan: it is new, was emptied, or
    /// is a copy of the main file without its WAL (where the latest events live). Resuming from it would send
    /// again what the lost events record as sent, so the run refuses ([`crate::Journal::resumable_run`]).
    #[error(
        "journal {journal} has no run of plan {plan_digest} to resume (a new, emptied, or copied-without-its-WAL \
         journal?): run without --resume to start, or point --journal at the run's journal"
    )]
    NothingToResume {
        /// Journal file.
        journal: String,
        /// Digest of the plan given.
        plan_digest: String,
    },
    /// The plan's content does not match the digest it records: it was edited after it was made, and a run
    /// would carry out steps nobody planned.
    #[error(
        "plan: refusing a plan that was edited after it was made: its digest is {expected}, its content's is \
         {found}; make the plan again (hcx plan)"
    )]
    EditedPlan {
        /// The digest the plan records.
        expected: String,
        /// The digest of its content.
        found: String,
    },
    /// The plan cannot be executed as it is.
    #[error("plan: {0}")]
    Plan(String),
    /// A manager has no endpoint or no password.
    #[error("endpoints: {0}")]
    Endpoints(String),
    /// A manager call failed.
    #[error("{step}: {context}: {source}")]
    Client {
        /// Step id.
        step: String,
        /// What was being done.
        context: String,
        /// The client error.
        #[source]
        source: Box<ClientError>,
    },
}

impl ApplyError {
    pub(crate) fn journal(path: &Path, what: &str, source: rusqlite::Error) -> Self {
        Self::Journal { path: path.display().to_string(), what: what.to_owned(), source: Box::new(source) }
    }

    pub(crate) fn client(step: &str, context: impl Into<String>, source: ClientError) -> Self {
        Self::Client { step: step.to_owned(), context: context.into(), source: Box::new(source) }
    }
}
