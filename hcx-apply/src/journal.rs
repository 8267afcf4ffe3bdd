//! The run journal: one SQLite file (WAL, `synchronous=FULL`) per plan.
//!
//! The protocol that keeps an upgrade from ever being sent twice:
//! 1. the intent to send a mutating call is committed **before** the call;
//! 2. the task id is committed as soon as the answer arrives;
//! 3. the outcome (done, failed, or refused: the manager answered and did nothing) closes the intent.
//!
//! An intent with no outcome is therefore the one case a resumed run must reconcile from the live state. An
//! answer that proves nothing (a 5xx, a timeout, a connection broken after sending) is journaled `unknown`,
//! which leaves the intent open: a resume reconciles it too. A task this journal did not start, found on the
//! subject before a send, is journaled `adopted` (then `task`, or `done` when the subject is already there).
//! Every write is its own committed transaction, so a process killed at any instant leaves a journal that
//! says exactly what may have been sent.
//!
//! A journal has an identity ([`JournalIdentity`]): a random id chosen when the file is created and a sequence
//! number that every write of the run history (a run started or finished, an event) increments in the same
//! transaction. A resumed run starts from [`Journal::resumable_run`], which finds no run in a journal that
//! forgot it (a new or emptied file, or a copy of the main file without its WAL, where the latest transactions
//! live), so such a resume refuses instead of sending again what the lost events recorded as sent.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::ApplyError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY, plan_digest TEXT NOT NULL, fleet TEXT NOT NULL, who TEXT NOT NULL,
    started TEXT NOT NULL, finished TEXT, outcome TEXT, mode TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, at TEXT NOT NULL, step TEXT NOT NULL, op TEXT,
    kind TEXT NOT NULL, task_id TEXT, progress REAL, detail TEXT);
CREATE INDEX IF NOT EXISTS events_op ON events (op, id);
CREATE INDEX IF NOT EXISTS events_step ON events (step, id);
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, at TEXT NOT NULL, step TEXT NOT NULL,
    phase TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lock (
    id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, pid INTEGER NOT NULL,
    start_ticks TEXT NOT NULL, acquired TEXT NOT NULL);
";

/// The journal's schema version (`PRAGMA user_version`). 0: the tables of [`SCHEMA`] alone (journals written
/// before the identity); 1: `meta` also holds `journal_id` and `seq`.
const SCHEMA_VERSION: i64 = 1;

/// Upgrades a journal of version 0 to 1 in place: a fresh random id, and a sequence that starts at the number
/// of history rows already written, so it only ever grows from what the file holds.
const MIGRATE_TO_1: &str = "
INSERT OR IGNORE INTO meta (key, value) VALUES ('journal_id', lower(hex(randomblob(16))));
INSERT OR IGNORE INTO meta (key, value)
    VALUES ('seq', CAST((SELECT COUNT(*) FROM events) + (SELECT COUNT(*) FROM runs) AS TEXT));
PRAGMA user_version = 1;
";

/// Increments the sequence; run inside the transaction of the write it counts.
const BUMP_SEQ: &str = "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'seq'";

/// Who a journal is: what tells one journal file from another, and a copy that lost transactions from the
/// journal it was copied from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalIdentity {
    /// Random, chosen when the journal was created (or upgraded to carry an identity); 32 hex digits.
    pub id: String,
    /// How many writes of the run history (runs started and finished, events) the journal holds: it only
    /// grows, so a copy of a journal with a lower sequence than the journal had has lost writes.
    pub seq: i64,
}

/// What the journal knows about one mutating operation (`S10/ne-1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpState {
    /// Never intended.
    NotStarted,
    /// An intent is committed and nothing closed it: the call may or may not have reached the manager.
    Pending {
        /// The task id, if the answer arrived.
        task: Option<String>,
    },
    /// Finished: the after-state was reached.
    Done,
    /// The task ended FAILED.
    Failed(String),
    /// The manager answered and did nothing (or the live state proved the call never took effect).
    NotPerformed,
}

/// One journal event row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EventRow {
    /// Run that wrote it.
    pub run: i64,
    /// RFC 3339 time.
    pub at: String,
    /// Step id.
    pub step: String,
    /// Operation key, for operation events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// Event kind (`step-started`, `intent`, `task`, `progress`, `done`, `failed`, `not-performed`, `unknown`,
    /// `adopted`, `paused`, `confirmed`, `drift`, `reconciled`, `resend-confirmed`, `step-done`, `step-failed`).
    pub kind: String,
    /// Task id, where one applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// Task progress in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<f64>,
    /// Free text: the call, the error, the instructions or who confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// One run row.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct RunRow {
    /// Run number.
    pub id: i64,
    /// Plan digest.
    pub plan_digest: String,
    /// Sites of the fleet, comma-separated.
    pub fleet: String,
    /// Who ran it (`user@host`).
    pub who: String,
    /// Start time.
    pub started: String,
    /// End time, once finished.
    pub finished: Option<String>,
    /// `succeeded`, `paused`, `stopped`, `failed`, `drift`, `interrupted`; none while running or after a crash.
    pub outcome: Option<String>,
    /// `execute` or `dry-run`.
    pub mode: String,
}

/// A state snapshot row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SnapshotRow {
    /// Run.
    pub run: i64,
    /// Time.
    pub at: String,
    /// Step.
    pub step: String,
    /// `pre` or `post`.
    pub phase: String,
    /// The live state as JSON.
    pub state: serde_json::Value,
}

/// Who holds a journal's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// `user@host pid N`.
    pub holder: String,
    /// Process id.
    pub pid: u32,
    /// Since when.
    pub acquired: String,
}

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    conn: Connection,
    path: PathBuf,
    locked: Option<u32>,
}

fn now() -> String {
    let t = time::OffsetDateTime::now_utc();
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| t.unix_timestamp().to_string())
}

impl Journal {
    /// Opens (creating if needed) a journal file.
    ///
    /// # Errors
    /// [`ApplyError::Journal`] when SQLite cannot open or set up the file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ApplyError> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path).map_err(|e| ApplyError::journal(&path, "open", e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(|e| ApplyError::journal(&path, "open", e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
            .map_err(|e| ApplyError::journal(&path, "set WAL mode", e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(ApplyError::JournalSetup {
                path: path.display().to_string(),
                message: format!("journal_mode is {mode}, not wal"),
            });
        }
        conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")
            .map_err(|e| ApplyError::journal(&path, "set synchronous=FULL", e))?;
        conn.execute_batch(SCHEMA).map_err(|e| ApplyError::journal(&path, "create tables", e))?;
        migrate(&conn, &path)?;
        Ok(Self { conn, path, locked: None })
    }

    /// The journal's identity: its id and sequence number.
    ///
    /// # Errors
    /// [`ApplyError::Journal`]; [`ApplyError::JournalSetup`] when the identity is missing or not a number.
    pub fn identity(&self) -> Result<JournalIdentity, ApplyError> {
        let read = |key: &str| -> Result<Option<String>, ApplyError> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| r.get(0))
                .optional()
                .map_err(|e| self.err("read the journal identity", e))
        };
        let setup = |message: String| ApplyError::JournalSetup { path: self.path.display().to_string(), message };
        let id = read("journal_id")?.ok_or_else(|| setup("no journal id in meta".to_owned()))?;
        let seq = read("seq")?.ok_or_else(|| setup("no sequence number in meta".to_owned()))?;
        let seq = seq.parse().map_err(|_| setup(format!("the sequence number {seq:?} is not a number")))?;
        Ok(JournalIdentity { id, seq })
    }

    /// The last executed run of the plan `plan_digest`, finished or not; `None` when the journal holds no run of
    /// it: a new or emptied journal, or a copy of the main file made without its WAL.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn last_run_of(&self, plan_digest: &str) -> Result<Option<RunRow>, ApplyError> {
        self.conn
            .query_row(
                "SELECT id, plan_digest, fleet, who, started, finished, outcome, mode FROM runs
                 WHERE plan_digest = ?1 AND mode = 'execute' ORDER BY id DESC LIMIT 1",
                params![plan_digest],
                run_row,
            )
            .optional()
            .map_err(|e| self.err("find the run to resume", e))
    }

    /// The last run of the plan `plan_digest` when it is unfinished (no outcome, or one other than
    /// `succeeded`): the run a resume continues. `None` when the plan's last run succeeded or the journal holds
    /// no run of it.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn resumable_run(&self, plan_digest: &str) -> Result<Option<RunRow>, ApplyError> {
        let last = self.last_run_of(plan_digest)?;
        Ok(last.filter(|r| r.outcome.as_deref() != Some(crate::Outcome::Succeeded.as_str())))
    }

    /// What a resumed run starts with: the plan's last run, refusing when the journal holds none (a journal that
    /// forgot must not make a resume start over). A plan whose last run succeeded resumes to nothing sent.
    ///
    /// # Errors
    /// [`ApplyError::NothingToResume`] naming the journal and the plan, or [`ApplyError::Journal`].
    pub fn require_resumable_run(&self, plan_digest: &str) -> Result<RunRow, ApplyError> {
        self.last_run_of(plan_digest)?.ok_or_else(|| ApplyError::NothingToResume {
            journal: self.path.display().to_string(),
            plan_digest: plan_digest.to_owned(),
        })
    }

    /// Runs one write of the run history and increments the sequence in the same transaction.
    fn history_write<T>(
        &self,
        what: &str,
        write: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, ApplyError> {
        // `&self` methods share the connection; no other transaction is open on it (each write commits).
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| self.err(what, e))?;
        let out = write(&tx).map_err(|e| self.err(what, e))?;
        tx.execute(BUMP_SEQ, []).map_err(|e| self.err(what, e))?;
        tx.commit().map_err(|e| self.err(what, e))?;
        Ok(out)
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, what: &str, e: rusqlite::Error) -> ApplyError {
        ApplyError::journal(&self.path, what, e)
    }

    /// The plan digest this journal belongs to, if any run was recorded.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn plan_digest(&self) -> Result<Option<String>, ApplyError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'plan_digest'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err("read the plan digest", e))
    }

    /// Ties the journal to a plan digest; refuses a journal that belongs to another plan.
    ///
    /// # Errors
    /// [`ApplyError::OtherPlan`] or [`ApplyError::Journal`].
    pub fn bind_plan(&self, digest: &str) -> Result<(), ApplyError> {
        match self.plan_digest()? {
            Some(d) if d == digest => Ok(()),
            Some(d) => Err(ApplyError::OtherPlan {
                path: self.path.display().to_string(),
                journal: d,
                plan: digest.to_owned(),
            }),
            None => self
                .conn
                .execute("INSERT INTO meta (key, value) VALUES ('plan_digest', ?1)", params![digest])
                .map(|_| ())
                .map_err(|e| self.err("record the plan digest", e)),
        }
    }

    /// Takes the journal's lock for this process. A lock held by a live process is refused, naming it; a lock
    /// whose holder is gone (a crash) is taken over, in one immediate transaction so two takers cannot both win.
    ///
    /// Liveness is checked through `/proc` (pid and process start time), so on Linux only. Elsewhere a recorded
    /// holder's liveness is unknown and the lock counts as held ([`ApplyError::LockUnknown`] names the holder);
    /// the operator who made sure it no longer runs takes it over with [`Journal::take_over`].
    ///
    /// # Errors
    /// [`ApplyError::Locked`], [`ApplyError::LockUnknown`] or [`ApplyError::Journal`].
    pub fn lock(&mut self, who: &str) -> Result<Option<LockHolder>, ApplyError> {
        self.acquire(who, false)
    }

    /// Takes the journal's lock whatever the recorded holder's state, except a holder this system can see
    /// running (that is still [`ApplyError::Locked`]). For systems without `/proc`, after the operator made
    /// sure the holder named by [`ApplyError::LockUnknown`] no longer runs.
    ///
    /// # Errors
    /// [`ApplyError::Locked`] or [`ApplyError::Journal`].
    pub fn take_over(&mut self, who: &str) -> Result<Option<LockHolder>, ApplyError> {
        self.acquire(who, true)
    }

    fn acquire(&mut self, who: &str, force: bool) -> Result<Option<LockHolder>, ApplyError> {
        let pid = std::process::id();
        // Without /proc this process's start time is unknown: recorded empty, and judged unknown later.
        let ticks = process_start_ticks(pid).unwrap_or_default();
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| ApplyError::journal(&path, "lock", e))?;
        let current: Option<(String, u32, String, String)> = tx
            .query_row("SELECT holder, pid, start_ticks, acquired FROM lock WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
            .map_err(|e| ApplyError::journal(&path, "read the lock", e))?;
        let mut taken_over = None;
        if let Some((holder, hpid, hticks, acquired)) = current {
            let since = acquired.clone();
            let path = path.display().to_string();
            match liveness(hpid, &hticks, pid, process_start_ticks(hpid)) {
                Liveness::Alive => return Err(ApplyError::Locked { path, holder, pid: hpid, since }),
                Liveness::Unknown if !force => return Err(ApplyError::LockUnknown { path, holder, pid: hpid, since }),
                Liveness::Unknown | Liveness::Gone => {}
            }
            taken_over = Some(LockHolder { holder, pid: hpid, acquired });
        }
        let holder = format!("{who} pid {pid}");
        tx.execute(
            "INSERT OR REPLACE INTO lock (id, holder, pid, start_ticks, acquired) VALUES (1, ?1, ?2, ?3, ?4)",
            params![holder, pid, ticks, now()],
        )
        .map_err(|e| ApplyError::journal(&path, "take the lock", e))?;
        tx.commit().map_err(|e| ApplyError::journal(&path, "take the lock", e))?;
        self.locked = Some(pid);
        Ok(taken_over)
    }

    /// Releases the lock if this process holds it.
    pub fn unlock(&mut self) {
        if let Some(pid) = self.locked.take() {
            let _ = self.conn.execute("DELETE FROM lock WHERE id = 1 AND pid = ?1", params![pid]);
        }
    }

    /// Starts a run.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn start_run(&self, digest: &str, fleet: &str, who: &str, mode: &str) -> Result<i64, ApplyError> {
        self.history_write("start a run", |c| {
            c.execute(
                "INSERT INTO runs (plan_digest, fleet, who, started, mode) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![digest, fleet, who, now(), mode],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Ends a run with its outcome.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn finish_run(&self, run: i64, outcome: &str) -> Result<(), ApplyError> {
        self.history_write("finish the run", |c| {
            c.execute("UPDATE runs SET finished = ?1, outcome = ?2 WHERE id = ?3", params![now(), outcome, run])
                .map(|_| ())
        })
    }

    /// Appends one event (its own committed transaction, which also increments the sequence).
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        run: i64,
        step: &str,
        op: Option<&str>,
        kind: &str,
        task_id: Option<&str>,
        progress: Option<f64>,
        detail: Option<&str>,
    ) -> Result<(), ApplyError> {
        self.history_write(&format!("record {kind} for {step}"), |c| {
            c.prepare_cached(
                "INSERT INTO events (run_id, at, step, op, kind, task_id, progress, detail)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![run, now(), step, op, kind, task_id, progress, detail])
            .map(|_| ())
        })
    }

    /// Stores a state snapshot.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn snapshot(&self, run: i64, step: &str, phase: &str, state: &serde_json::Value) -> Result<(), ApplyError> {
        self.conn
            .execute(
                "INSERT INTO snapshots (run_id, at, step, phase, state) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![run, now(), step, phase, state.to_string()],
            )
            .map(|_| ())
            .map_err(|e| self.err("store a snapshot", e))
    }

    /// The state of an operation, from its events in order.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn op_state(&self, op: &str) -> Result<OpState, ApplyError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT kind, task_id, detail FROM events WHERE op = ?1 ORDER BY id")
            .map_err(|e| self.err("read an operation", e))?;
        let rows = stmt
            .query_map(params![op], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .map_err(|e| self.err("read an operation", e))?;
        let mut state = OpState::NotStarted;
        for row in rows {
            let (kind, task, detail) = row.map_err(|e| self.err("read an operation", e))?;
            state = match kind.as_str() {
                "intent" => OpState::Pending { task: None },
                "task" => OpState::Pending { task },
                "done" => OpState::Done,
                "failed" => OpState::Failed(detail.unwrap_or_default()),
                "not-performed" => OpState::NotPerformed,
                _ => state,
            };
        }
        Ok(state)
    }

    /// Every task id the journal has recorded (to tell our own tasks from anybody else's).
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn known_tasks(&self) -> Result<Vec<String>, ApplyError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT task_id FROM events WHERE task_id IS NOT NULL")
            .map_err(|e| self.err("read task ids", e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err("read task ids", e))?;
        rows.collect::<Result<Vec<String>, _>>().map_err(|e| self.err("read task ids", e))
    }

    /// Whether a step was finished (by any run of this plan).
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn step_done(&self, step: &str) -> Result<bool, ApplyError> {
        self.has_event(step, "step-done")
    }

    /// Whether an event of this kind exists for the step.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn has_event(&self, step: &str, kind: &str) -> Result<bool, ApplyError> {
        self.conn
            .query_row("SELECT 1 FROM events WHERE step = ?1 AND kind = ?2 LIMIT 1", params![step, kind], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err("read a step", e))
    }

    /// All runs, oldest first.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn runs(&self) -> Result<Vec<RunRow>, ApplyError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, plan_digest, fleet, who, started, finished, outcome, mode FROM runs ORDER BY id")
            .map_err(|e| self.err("list runs", e))?;
        let rows = stmt.query_map([], run_row).map_err(|e| self.err("list runs", e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("list runs", e))
    }

    /// Every event (all runs, in order), or those of one run.
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn events(&self, run: Option<i64>) -> Result<Vec<EventRow>, ApplyError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT run_id, at, step, op, kind, task_id, progress, detail FROM events
                 WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.err("list events", e))?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok(EventRow {
                    run: r.get(0)?,
                    at: r.get(1)?,
                    step: r.get(2)?,
                    op: r.get(3)?,
                    kind: r.get(4)?,
                    task_id: r.get(5)?,
                    progress: r.get(6)?,
                    detail: r.get(7)?,
                })
            })
            .map_err(|e| self.err("list events", e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("list events", e))
    }

    /// Snapshots (all runs, or one).
    ///
    /// # Errors
    /// [`ApplyError::Journal`].
    pub fn snapshots(&self, run: Option<i64>) -> Result<Vec<SnapshotRow>, ApplyError> {
        let mut stmt = self
            .conn
            .prepare("SELECT run_id, at, step, phase, state FROM snapshots WHERE ?1 IS NULL OR run_id = ?1 ORDER BY id")
            .map_err(|e| self.err("list snapshots", e))?;
        let rows = stmt
            .query_map(params![run], |r| {
                let text: String = r.get(4)?;
                Ok(SnapshotRow {
                    run: r.get(0)?,
                    at: r.get(1)?,
                    step: r.get(2)?,
                    phase: r.get(3)?,
                    state: serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
                })
            })
            .map_err(|e| self.err("list snapshots", e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err("list snapshots", e))
    }
}

/// A [`RunRow`] from `SELECT id, plan_digest, fleet, who, started, finished, outcome, mode`.
fn run_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        id: r.get(0)?,
        plan_digest: r.get(1)?,
        fleet: r.get(2)?,
        who: r.get(3)?,
        started: r.get(4)?,
        finished: r.get(5)?,
        outcome: r.get(6)?,
        mode: r.get(7)?,
    })
}

/// Brings a journal to [`SCHEMA_VERSION`] in place, in one immediate transaction so that two processes opening
/// an old journal at once upgrade it once; refuses a journal of a newer version than this code knows. A journal
/// already at the version is not written to, so one on read-only storage (archived evidence) still opens.
fn migrate(conn: &Connection, path: &Path) -> Result<(), ApplyError> {
    let fail = |e| ApplyError::journal(path, "upgrade the journal schema", e);
    let version = |c: &Connection| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).map_err(fail);
    let newer = |version: i64| ApplyError::JournalSetup {
        path: path.display().to_string(),
        message: format!("schema version {version} is newer than this hcx knows ({SCHEMA_VERSION}): use a newer hcx"),
    };
    match version(conn)? {
        v if v == SCHEMA_VERSION => return Ok(()),
        v if v > SCHEMA_VERSION => return Err(newer(v)),
        _ => {}
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate).map_err(fail)?;
    // Read again under the write lock: another process may have upgraded the journal in between.
    let v = version(&tx)?;
    if v > SCHEMA_VERSION {
        return Err(newer(v));
    }
    if v < 1 {
        tx.execute_batch(MIGRATE_TO_1).map_err(fail)?;
    }
    tx.commit().map_err(fail)
}

impl Drop for Journal {
    fn drop(&mut self) {
        self.unlock();
    }
}

/// Whether a lock's recorded holder still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Liveness {
    Alive,
    Gone,
    /// This system cannot tell (no `/proc`): the lock counts as held.
    Unknown,
}

/// Judges a recorded holder (`pid`, start ticks) from what `/proc` says of that pid now (`probe`: its start
/// ticks, `None` when it does not exist or `/proc` cannot be read). `me` is this process.
fn liveness(pid: u32, recorded: &str, me: u32, probe: Option<String>) -> Liveness {
    if pid == me {
        // Our own pid: a lock left by this very process (or by a dead one whose pid we reuse).
        return Liveness::Gone;
    }
    if !proc_available() {
        return Liveness::Unknown;
    }
    match probe {
        Some(t) if !recorded.is_empty() && t == recorded => Liveness::Alive,
        // Recorded without a start time (by a system without /proc) yet the pid runs: cannot tell.
        Some(_) if recorded.is_empty() => Liveness::Unknown,
        _ => Liveness::Gone,
    }
}

/// Whether process liveness can be read here: Linux's `/proc/self/stat`.
fn proc_available() -> bool {
    cfg!(target_os = "linux") && std::path::Path::new("/proc/self/stat").exists()
}

/// The start time of a process in clock ticks since boot (`/proc/PID/stat` field 22), which tells a live lock
/// holder from a recycled pid. `None` when the process does not exist or there is no `/proc` (not Linux:
/// [`liveness`] then says [`Liveness::Unknown`]).
fn process_start_ticks(pid: u32) -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(19).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hcx-apply-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        dir.join("journal.sqlite")
    }

    #[test]
    fn wal_and_full_sync_are_set() {
        let j = Journal::open(temp("pragmas")).expect("open");
        let mode: String = j.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        let sync: i64 = j.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).expect("sync");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "FULL");
    }

    #[test]
    fn op_state_follows_the_protocol() {
        let j = Journal::open(temp("ops")).expect("open");
        let run = j.start_run("d", "a,b", "me", "execute").expect("run");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::NotStarted);
        j.record(run, "S9", Some("S9/ix-1"), "intent", None, None, Some("POST …")).expect("intent");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::Pending { task: None });
        j.record(run, "S9", Some("S9/ix-1"), "task", Some("task-1"), None, None).expect("task");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::Pending { task: Some("task-1".into()) });
        j.record(run, "S9", Some("S9/ix-1"), "progress", Some("task-1"), Some(50.0), None).expect("progress");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::Pending { task: Some("task-1".into()) });
        j.record(run, "S9", Some("S9/ix-1"), "done", Some("task-1"), None, None).expect("done");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::Done);
        assert_eq!(j.known_tasks().expect("tasks"), vec!["task-1".to_owned()]);
        // A reopened journal sees the same.
        let path = j.path().to_path_buf();
        drop(j);
        let j = Journal::open(path).expect("reopen");
        assert_eq!(j.op_state("S9/ix-1").expect("state"), OpState::Done);
    }

    #[test]
    fn a_journal_belongs_to_one_plan() {
        let j = Journal::open(temp("digest")).expect("open");
        j.bind_plan("aaa").expect("bind");
        j.bind_plan("aaa").expect("same plan");
        let e = j.bind_plan("bbb").expect_err("other plan");
        assert!(matches!(e, ApplyError::OtherPlan { .. }), "{e}");
    }

    #[test]
    fn a_live_lock_is_refused_and_a_dead_one_taken_over() {
        let path = temp("lock");
        let mut a = Journal::open(&path).expect("open");
        a.lock("alice@h").expect("lock");
        // Pretend the holder is another live process: this test's parent (pid 1 exists everywhere with /proc).
        let ticks = process_start_ticks(1).expect("pid 1");
        a.conn.execute("UPDATE lock SET pid = 1, start_ticks = ?1", params![ticks]).expect("fake");
        let mut b = Journal::open(&path).expect("open");
        let e = b.lock("bob@h").expect_err("held");
        assert!(e.to_string().contains("alice@h"), "{e}");
        // A holder that no longer runs (same pid, other start time) is taken over.
        a.conn.execute("UPDATE lock SET start_ticks = 'gone'", []).expect("fake");
        let prev = b.lock("bob@h").expect("take over").expect("previous holder");
        assert!(prev.holder.starts_with("alice@h"));
        drop(b);
        let n: i64 = a.conn.query_row("SELECT COUNT(*) FROM lock", [], |r| r.get(0)).expect("count");
        assert_eq!(n, 0, "released on drop");
    }

    #[test]
    fn liveness_is_judged_from_proc_and_unknown_without_it() {
        let me = std::process::id();
        assert_eq!(liveness(me, "1", me, Some("1".into())), Liveness::Gone, "our own stale lock");
        if proc_available() {
            assert_eq!(liveness(1, "7", me, Some("7".into())), Liveness::Alive);
            assert_eq!(liveness(1, "7", me, Some("8".into())), Liveness::Gone, "pid recycled");
            assert_eq!(liveness(1, "7", me, None), Liveness::Gone, "no such process");
            assert_eq!(liveness(1, "", me, Some("8".into())), Liveness::Unknown, "recorded without /proc");
        } else {
            assert_eq!(liveness(1, "7", me, None), Liveness::Unknown);
        }
    }

    #[test]
    fn a_holder_of_unknown_liveness_is_named_and_taken_over_only_when_asked() {
        let path = temp("unknown");
        let mut a = Journal::open(&path).expect("open");
        a.lock("alice@h").expect("lock");
        // A live pid whose start time was not recorded: what a system without /proc leaves behind.
        a.conn.execute("UPDATE lock SET pid = 1, start_ticks = ''", []).expect("fake");
        let mut b = Journal::open(&path).expect("open");
        let e = b.lock("bob@h").expect_err("unknown counts as held");
        assert!(matches!(e, ApplyError::LockUnknown { .. }), "{e}");
        let text = e.to_string();
        assert!(text.contains("alice@h") && text.contains("--take-over-lock"), "{text}");
        let prev = b.take_over("bob@h").expect("taken over").expect("previous holder");
        assert!(prev.holder.starts_with("alice@h"));
    }
}
