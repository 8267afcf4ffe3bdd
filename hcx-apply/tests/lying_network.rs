//! The central promise under a lying network: no upgrade is ever sent twice. A gateway answering 504 after the
//! manager accepted the call, an answer held past the client's timeout, a connection reset after the body was
//! read, a second journal, an upgrade started in the HCX UI: each appliance upgrade is performed exactly once,
//! and the run adopts, waits or stops naming what it saw. Also: an edited plan is refused, a SUCCESS that did
//! not upgrade can be resent once with `--confirm-resend`, and a subject newer than the plan expected is drift.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use hcx_apply::{ApplyError, ApplyOptions, Event, EventRecord, Journal, Managers, Outcome, apply};
use hcx_core::client::ClientConfig;
use hcx_core::client::discover::{EndpointsFile, Target};
use hcx_core::plan::{Plan, StepKind};
use hcx_sim::{Endpoint, FaultKind, FaultRule, Scenario, Simulator};

/// The rehearsal fleet with both managers already at the target: the plan is the mesh steps (and the checks
/// around them), so a second journal reaches the appliance steps without meeting the manager hops.
fn managers_done() -> Scenario {
    let mut s = Scenario::from_json(REHEARSAL).expect("scenario");
    for site in &mut s.fleet.sites {
        site.version = "4.11.5".parse().expect("version");
    }
    s
}

/// Executing options on the simulator's clock, with a settle time long enough for a held call to land.
fn options(sim: &Simulator, plan: &Plan, name: &str) -> ApplyOptions {
    let (mut o, _events) = exec_options(plan, temp_journal(name));
    o.clock = sim_clock(&sim.clock());
    o.settle = Some(Duration::from_secs(300));
    o
}

/// Confirms the verification up front. A run that adopts an upgrade someone else started first read the
/// appliance while it was down for that upgrade: its status before the run is no baseline, so the verification
/// would rightly ask the operator (see tests/waits.rs); these tests are about what is sent.
fn confirm_verification(o: &mut ApplyOptions, plan: &Plan) {
    o.confirm.push(plan.steps.last().expect("steps").id.to_string());
}

/// The managers behind a client that gives up reading after `read` (real time, bounded and tiny).
fn managers_with(sim: &Simulator, read: Duration) -> Managers {
    let file = EndpointsFile::from_json(&sim.endpoints_json()).expect("endpoints");
    let targets = file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, "hcx-sim-password")).collect();
    let cfg = ClientConfig::default().with_timeouts(Duration::from_secs(2), read, read * 2);
    Managers::new(targets, &cfg).expect("managers")
}

fn step_of(plan: &Plan, appliance: &str) -> String {
    plan.steps
        .iter()
        .find(|s| s.kind == StepKind::UpgradeAppliance && s.appliances.iter().any(|a| a == appliance))
        .map(|s| s.id.to_string())
        .expect("the appliance's step")
}

fn kinds(journal: &std::path::Path, op: &str) -> Vec<String> {
    let j = Journal::open(journal).expect("journal");
    j.events(None).expect("events").into_iter().filter(|e| e.op.as_deref() == Some(op)).map(|e| e.kind).collect()
}

/// A fault on the first upgrade of ix-1; the run must finish with each appliance upgraded exactly once and the
/// lost answer journaled as unknown, then reconciled from the task the manager shows.
async fn ix_once_despite(fault: FaultKind, name: &str, read: Option<Duration>) {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject("dc1", FaultRule::on(Endpoint::ApplianceUpgrade, fault).times(1));
    let opts = options(&sim, &plan, name);
    let managers = match read {
        Some(r) => managers_with(&sim, r),
        None => managers(&sim),
    };
    let summary = apply(&plan, &managers, &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    for a in ["ix-1", "ne-1"] {
        assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, a), 1, "{a} upgraded exactly once");
    }
    assert_eq!(sim.calls("dc1", Endpoint::ApplianceUpgrade), 2, "never sent again");
    let op = format!("{}/ix-1", step_of(&plan, "ix-1"));
    let k = kinds(&opts.journal, &op);
    let unknown = k.iter().position(|k| k == "unknown").expect("the lost answer is journaled unknown");
    assert_eq!(k[unknown + 1], "task", "then reconciled from the manager's task: {k:?}");
    assert_eq!(k.iter().filter(|k| *k == "intent").count(), 1, "one intent, one send: {k:?}");
}

#[tokio::test]
async fn a_504_after_the_manager_accepted_is_reconciled_not_resent() {
    ix_once_despite(FaultKind::PerformThenStatus { status: 504 }, "504", None).await;
}

#[tokio::test]
async fn a_reset_after_the_body_was_read_is_reconciled_not_resent() {
    ix_once_despite(FaultKind::PerformThenReset, "reset", None).await;
}

#[tokio::test]
async fn an_answer_held_past_the_client_timeout_is_waited_for_not_resent() {
    // The manager never answers; the call lands 60 simulated seconds later, inside the settle time. The client
    // gives up after 200 ms of real time: the one bounded wait of these tests.
    let fault = FaultKind::HoldThenLand { after_ms: 60_000 };
    ix_once_despite(fault, "held", Some(Duration::from_millis(200))).await;
}

#[tokio::test]
async fn a_second_journal_adopts_the_upgrade_the_first_one_started() {
    let scenario = managers_done();
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    // Run A sends ix-1's upgrade and stops while its task runs.
    let mut a = options(&sim, &plan, "journal-a");
    let stop = a.stop.clone();
    a.on_event = Some(Arc::new(move |r: &EventRecord| {
        if matches!(&r.event, Event::Call { sent: true, call, .. } if call.contains("ix-1")) {
            stop.store(true, Ordering::SeqCst);
        }
    }));
    let first = apply(&plan, &managers(&sim), &a).await.expect("run a");
    assert_eq!(first.outcome, Outcome::Interrupted, "{:?}", first.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
    let (_, dst) = sim.appliance_versions("ix-1").expect("ix-1");
    assert_eq!(dst.to_string(), "4.8.2", "its upgrade still runs");

    // Run B, from another directory with its own journal, finds the running upgrade and waits for it.
    let mut b = options(&sim, &plan, "journal-b");
    confirm_verification(&mut b, &plan);
    let second = apply(&plan, &managers(&sim), &b).await.expect("run b");
    assert_eq!(second.outcome, Outcome::Succeeded, "{:?}", second.message);
    let op = format!("{}/ix-1", step_of(&plan, "ix-1"));
    let k = kinds(&b.journal, &op);
    assert!(k.contains(&"adopted".to_owned()) && !k.contains(&"intent".to_owned()), "adopted, not sent: {k:?}");

    // Run A resumed: its own task is done, and ne-1 (done by B) is adopted as it stands.
    let mut resumed = a.clone();
    resumed.stop = Arc::new(Default::default());
    resumed.on_event = None;
    resumed.resume = true;
    let third = apply(&plan, &managers(&sim), &resumed).await.expect("resume a");
    assert_eq!(third.outcome, Outcome::Succeeded, "{:?}", third.message);
    for appliance in ["ix-1", "ne-1"] {
        assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, appliance), 1, "{appliance} exactly once");
    }
}

#[tokio::test]
async fn an_upgrade_started_in_the_ui_is_adopted_not_sent_again() {
    let scenario = managers_done();
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    let task = sim.ui_upgrade_appliance("dc1", "ix-1").expect("ui upgrade");
    let mut opts = options(&sim, &plan, "ui");
    confirm_verification(&mut opts, &plan);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1, "the UI's upgrade only");
    assert_eq!(sim.calls("dc1", Endpoint::ApplianceUpgrade), 1, "only ne-1 was sent");
    let j = Journal::open(&opts.journal).expect("journal");
    let adopted = j.events(None).expect("events").into_iter().find(|e| e.kind == "adopted").expect("adopted");
    let detail = adopted.detail.unwrap_or_default();
    // Either still running (its task adopted) or finished by then (adopted at the target): named either way.
    assert!(adopted.task_id.as_deref() == Some(task.as_str()) || detail.contains("ix-1 is at 4.11.5"), "{detail}");
}

#[tokio::test]
async fn an_edited_plan_is_refused_by_the_library() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let mut plan = plan_of(&scenario);
    let recorded = plan.digest.clone();
    plan.steps[0].title = "Something nobody planned".into();
    let (sim, _clock) = start(scenario).await;
    let opts = options(&sim, &plan, "edited");
    let e = apply(&plan, &managers(&sim), &opts).await.expect_err("an edited plan");
    match &e {
        ApplyError::EditedPlan { expected, found } => {
            assert_eq!(expected, &recorded);
            assert_ne!(found, &recorded);
        }
        other => panic!("not EditedPlan: {other}"),
    }
    let text = e.to_string();
    assert!(text.contains(&recorded) && text.contains("edited after it was made"), "{text}");
    assert_eq!(sim.mutating_calls(), 0);
    assert!(!opts.journal.exists(), "refused before the journal");
}

#[tokio::test]
async fn a_success_that_did_not_upgrade_fails_and_is_resent_once_when_confirmed() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject("dc1", FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskSucceedNoChange).times(1));
    let mut opts = options(&sim, &plan, "false-success");
    opts.settle = Some(Duration::from_secs(60));
    let step = step_of(&plan, "ix-1");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Failed, "{:?}", summary.message);
    let message = summary.message.expect("message");
    assert!(message.contains("false success") && message.contains("appliance ix-1 is at 4.8.2"), "{message}");
    assert!(message.contains(&format!("--confirm-resend {step}")), "{message}");

    let mut resumed = opts.clone();
    resumed.resume = true;
    let again = apply(&plan, &managers(&sim), &resumed).await.expect("resume");
    assert_eq!(again.outcome, Outcome::Failed, "not resent without the operator");
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);

    resumed.confirm_resend = vec![step];
    let confirmed = apply(&plan, &managers(&sim), &resumed).await.expect("confirmed");
    assert_eq!(confirmed.outcome, Outcome::Succeeded, "{:?}", confirmed.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 2, "the lying one and one resend");
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ne-1"), 1);
}

#[tokio::test]
async fn a_subject_newer_than_the_plan_expected_is_drift_asking_for_a_new_plan() {
    let planned = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&planned);
    let mut live = planned.clone();
    live.fleet.sites[0].version = "4.10.0".parse().expect("version");
    let (sim, _clock) = start(live).await;
    let opts = options(&sim, &plan, "newer");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Drift, "{:?}", summary.message);
    let message = summary.message.expect("message");
    assert!(
        message.contains("manager dc1 is at 4.10.0") && message.contains("newer than the plan expected"),
        "{message}"
    );
    assert!(message.contains("re-plan"), "{message}");
    assert_eq!(sim.mutating_calls(), 0);
}

#[tokio::test]
async fn a_resume_right_after_a_timeout_waits_for_the_held_call_instead_of_resending() {
    // The second probe: the first run gives up on a call the manager holds, and is stopped while it
    // reconciles; the immediate resume must not conclude the call never took effect before the settle time.
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject("dc1", FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::HoldThenLand { after_ms: 90_000 }).times(1));
    let mut first = options(&sim, &plan, "held-resume");
    let stop = first.stop.clone();
    first.on_event = Some(Arc::new(move |r: &EventRecord| {
        if matches!(&r.event, Event::Call { sent: true, call, .. } if call.contains("ix-1")) {
            stop.store(true, Ordering::SeqCst);
        }
    }));
    let managers = managers_with(&sim, Duration::from_millis(200));
    let summary = apply(&plan, &managers, &first).await.expect("first run");
    assert_eq!(summary.outcome, Outcome::Interrupted, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 0, "still held");
    let op = format!("{}/ix-1", step_of(&plan, "ix-1"));
    assert_eq!(kinds(&first.journal, &op), ["intent", "unknown"], "the lost answer is journaled unknown");

    let mut resumed = first.clone();
    resumed.stop = Arc::new(Default::default());
    resumed.on_event = None;
    resumed.resume = true;
    let summary = apply(&plan, &managers, &resumed).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1, "the held call landed, no resend");
    assert_eq!(sim.calls("dc1", Endpoint::ApplianceUpgrade), 2, "ix-1 once, ne-1 once");
}

#[tokio::test]
async fn a_504_after_a_manager_upgrade_was_accepted_is_adopted_not_resent() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject(
        "dc1",
        FaultRule::on(Endpoint::ManagerUpgradeStart, FaultKind::PerformThenStatus { status: 504 }).times(1),
    );
    let opts = options(&sim, &plan, "manager-504");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    for v in ["4.9.0", "4.11.5"] {
        assert_eq!(sim.performed_on("dc1", Endpoint::ManagerUpgradeStart, v), 1, "dc1 to {v} exactly once");
    }
    assert_eq!(sim.calls("dc1", Endpoint::ManagerUpgradeStart), 2);
}

#[tokio::test]
async fn a_manager_upgrade_reported_successful_without_the_new_version_can_be_resent_once() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject("dc1", FaultRule::on(Endpoint::ManagerUpgradeStart, FaultKind::TaskSucceedNoChange).times(1));
    let mut opts = options(&sim, &plan, "manager-false-success");
    opts.settle = Some(Duration::from_secs(60));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Failed, "{:?}", summary.message);
    let message = summary.message.expect("message");
    assert!(message.contains("false success") && message.contains("manager dc1 is at 4.8.2"), "{message}");
    let step = plan
        .steps
        .iter()
        .find(|s| s.kind == StepKind::UpgradeManager && s.site.as_deref() == Some("dc1"))
        .map(|s| s.id.to_string())
        .expect("dc1's first hop");
    assert!(message.contains(&format!("--confirm-resend {step}")), "{message}");
    let mut resumed = opts.clone();
    resumed.resume = true;
    resumed.confirm_resend = vec![step];
    let summary = apply(&plan, &managers(&sim), &resumed).await.expect("confirmed");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ManagerUpgradeStart, "4.9.0"), 2, "the lying one and one resend");
    assert_eq!(sim.performed_on("dc1", Endpoint::ManagerUpgradeStart, "4.11.5"), 1);
}
