//! The runner's public types may cross threads: `hcx apply` runs lanes on a multi-threaded runtime, a stop
//! flag is set from a signal handler's thread, and events reach the caller's sink from any lane. A type that
//! stops being thread-safe fails to compile here. (The C ABI's handles are checked where they are defined:
//! `hcx-ffi`'s `Castable::RustType` is bound by `Send + Sync`.)

fn assert_send_sync<T: Send + Sync>() {}
fn assert_send<T: Send>() {}

#[test]
fn apply_types_are_send_and_sync() {
    use hcx_apply::report::Report;
    use hcx_apply::{ApplyError, ApplyOptions, Event, EventSink, Managers, Outcome, RunSummary};

    assert_send_sync::<ApplyOptions>();
    assert_send_sync::<RunSummary>();
    assert_send_sync::<ApplyError>();
    assert_send_sync::<Event>();
    assert_send_sync::<EventSink>();
    assert_send_sync::<Outcome>();
    assert_send_sync::<Managers>();
    assert_send_sync::<Report>();
}

#[test]
fn the_journal_can_move_to_another_thread() {
    // One SQLite connection is not for concurrent use (`rusqlite::Connection` is `!Sync`); a journal is
    // opened by one thread and may be handed to another, which is what `Send` promises.
    assert_send::<hcx_apply::Journal>();
}
