//! The journal's identity (a random id and a sequence of history writes) and the run a resume continues: a
//! journal that forgot its runs (new, emptied, or copied without its WAL) has nothing to resume, so a resume
//! from it refuses instead of sending again what the lost events recorded as sent.

use std::path::PathBuf;

use hcx_apply::ApplyError;
use hcx_apply::journal::Journal;

const PLAN: &str = "sha256:aaaa";

/// A fresh directory for one test's journal files.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hcx-apply-identity-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("dir");
    d
}

/// A WAL file's path.
fn wal(journal: &std::path::Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push("-wal");
    PathBuf::from(p)
}

#[test]
fn a_new_journal_has_an_identity_and_nothing_to_resume() {
    let path = dir("new").join("journal.sqlite");
    let j = Journal::open(&path).expect("open");
    let id = j.identity().expect("identity");
    assert_eq!(id.id.len(), 32, "{id:?}");
    assert!(id.id.chars().all(|c| c.is_ascii_hexdigit()), "{id:?}");
    assert_eq!(id.seq, 0);
    assert_eq!(j.resumable_run(PLAN).expect("query"), None);
    let e = j.require_resumable_run(PLAN).expect_err("nothing to resume");
    assert!(matches!(&e, ApplyError::NothingToResume { plan_digest, .. } if plan_digest == PLAN), "{e}");
    let text = e.to_string();
    assert!(text.contains(&path.display().to_string()) && text.contains(PLAN), "{text}");
    assert!(text.contains("without --resume") && text.contains("copied-without-its-WAL"), "{text}");

    // Reopening keeps the id: it is chosen once, when the file is created.
    drop(j);
    let again = Journal::open(&path).expect("reopen").identity().expect("identity");
    assert_eq!(again, id);
    let other = Journal::open(dir("new-other").join("journal.sqlite")).expect("open").identity().expect("identity");
    assert_ne!(other.id, id.id, "every journal gets its own id");
}

#[test]
fn the_last_unfinished_run_of_the_plan_is_resumable() {
    let j = Journal::open(dir("runs").join("journal.sqlite")).expect("open");
    j.bind_plan(PLAN).expect("bind");
    let first = j.start_run(PLAN, "a,b", "me@h", "execute").expect("run");
    j.record(first, "S1", None, "step-started", None, None, None).expect("event");
    j.record(first, "S1", Some("S1/a"), "intent", None, None, Some("POST /upgrade")).expect("event");
    assert_eq!(j.identity().expect("identity").seq, 3, "a run started and two events");

    let resumable = j.resumable_run(PLAN).expect("query").expect("a crashed run (no outcome) is resumable");
    assert_eq!((resumable.id, resumable.outcome.as_deref()), (first, None));
    assert_eq!(j.require_resumable_run(PLAN).expect("resumable").id, first);
    assert_eq!(j.resumable_run("sha256:other").expect("query"), None, "only runs of the plan asked about");

    j.finish_run(first, "paused").expect("finish");
    assert_eq!(j.resumable_run(PLAN).expect("query").map(|r| r.id), Some(first), "a paused run is resumable");
    let second = j.start_run(PLAN, "a,b", "me@h", "execute").expect("run");
    j.finish_run(second, "succeeded").expect("finish");
    assert_eq!(j.resumable_run(PLAN).expect("query"), None, "the plan's last run succeeded");
    // A resume of a finished plan is not refused: it finds every step done and sends nothing.
    assert_eq!(j.require_resumable_run(PLAN).expect("a run of the plan").id, second);
    assert_eq!(j.identity().expect("identity").seq, 6, "every history write counts once");
}

#[test]
fn a_copy_of_the_main_file_without_its_wal_has_nothing_to_resume() {
    let d = dir("wal-copy");
    let path = d.join("journal.sqlite");
    // A run in progress: its journal stays open, so nothing is checkpointed into the main file yet.
    let j = Journal::open(&path).expect("open");
    j.bind_plan(PLAN).expect("bind");
    let run = j.start_run(PLAN, "a,b", "me@h", "execute").expect("run");
    j.record(run, "S1", Some("S1/a"), "intent", None, None, Some("POST /upgrade")).expect("intent");
    j.record(run, "S1", Some("S1/a"), "task", Some("task-1"), None, None).expect("task");
    // A second connection reads the same history through the WAL, and does not checkpoint either.
    let reader = Journal::open(&path).expect("second connection");
    assert_eq!(reader.resumable_run(PLAN).expect("query").map(|r| r.id), Some(run));
    let original = reader.identity().expect("identity");
    assert!(std::fs::metadata(wal(&path)).expect("wal").len() > 0, "the events are in the WAL");

    // Copying the main file alone (what `cp journal.sqlite` does) leaves those transactions behind.
    let copy = dir("wal-copy-dest").join("journal.sqlite");
    std::fs::copy(&path, &copy).expect("copy");
    let forgot = Journal::open(&copy).expect("open the copy");
    assert_eq!(forgot.resumable_run(PLAN).expect("query"), None);
    let e = forgot.require_resumable_run(PLAN).expect_err("a resume from the copy refuses");
    assert!(matches!(e, ApplyError::NothingToResume { .. }), "{e}");
    // And its identity tells it from the journal it was copied from.
    let copied = forgot.identity().expect("identity");
    assert!(copied.id != original.id || copied.seq < original.seq, "{copied:?} vs {original:?}");

    // The journal itself, WAL and all, still has the run.
    drop((j, reader));
    assert_eq!(Journal::open(&path).expect("reopen").resumable_run(PLAN).expect("query").map(|r| r.id), Some(run));
}

/// The tables of a journal written before the identity (schema version 0).
const VERSION_0: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, plan_digest TEXT NOT NULL, fleet TEXT NOT NULL, who TEXT NOT NULL,
    started TEXT NOT NULL, finished TEXT, outcome TEXT, mode TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, at TEXT NOT NULL, step TEXT NOT NULL, op TEXT,
    kind TEXT NOT NULL, task_id TEXT, progress REAL, detail TEXT);
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, at TEXT NOT NULL, step TEXT NOT NULL,
    phase TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE lock (
    id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, pid INTEGER NOT NULL,
    start_ticks TEXT NOT NULL, acquired TEXT NOT NULL);
INSERT INTO meta VALUES ('plan_digest', 'sha256:aaaa');
INSERT INTO runs (plan_digest, fleet, who, started, mode) VALUES ('sha256:aaaa', 'a,b', 'me@h', 't0', 'execute');
INSERT INTO events (run_id, at, step, op, kind) VALUES (1, 't1', 'S1', 'S1/a', 'intent');
INSERT INTO events (run_id, at, step, op, kind, task_id) VALUES (1, 't2', 'S1', 'S1/a', 'task', 'task-1');
";

#[test]
fn an_old_journal_is_upgraded_in_place_and_keeps_its_run() {
    let path = dir("old").join("journal.sqlite");
    rusqlite::Connection::open(&path).expect("create").execute_batch(VERSION_0).expect("version 0 journal");

    let j = Journal::open(&path).expect("open an old journal");
    let id = j.identity().expect("identity given on upgrade");
    assert_eq!(id.seq, 3, "the sequence starts at the history already written (a run and two events)");
    assert_eq!(j.resumable_run(PLAN).expect("query").map(|r| r.id), Some(1));
    j.record(1, "S1", Some("S1/a"), "done", Some("task-1"), None, None).expect("event");
    assert_eq!(j.identity().expect("identity").seq, 4);
    drop(j);

    let version: i64 = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, 1);
    let again = Journal::open(&path).expect("reopen").identity().expect("identity");
    assert_eq!((again.id, again.seq), (id.id, 4), "upgraded once: the id stays");
}

#[test]
fn a_journal_of_a_newer_schema_is_refused() {
    let path = dir("newer").join("journal.sqlite");
    drop(Journal::open(&path).expect("create"));
    rusqlite::Connection::open(&path).expect("open").execute_batch("PRAGMA user_version = 99").expect("bump");
    let e = Journal::open(&path).expect_err("newer schema");
    assert!(matches!(e, ApplyError::JournalSetup { .. }), "{e}");
    assert!(e.to_string().contains("schema version 99"), "{e}");
}
