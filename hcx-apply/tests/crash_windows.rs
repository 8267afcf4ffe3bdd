//! The journal protocol at each crash window, made deterministic: a run is stopped before the mesh steps,
//! then the journal and the managers are put in the state a crash at that instant leaves, and a resumed run
//! must neither lose nor repeat the upgrade.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::*;
use hcx_apply::{ApplyOptions, Event, EventRecord, Journal, Outcome, apply};
use hcx_core::client::{ApplianceAction, ClientConfig, Credentials, HcxClient};
use hcx_core::plan::StepKind;
use hcx_sim::{Endpoint, Scenario, Simulator};

/// The first step of a kind and the step before it.
fn first_step(plan: &hcx_core::plan::Plan, kind: StepKind) -> (String, String) {
    let i = plan.steps.iter().position(|s| s.kind == kind).expect("a step of the kind");
    (plan.steps[i].id.to_string(), plan.steps[i - 1].id.to_string())
}

/// The first mesh step (ix-1) and the step before it.
fn mesh_step(plan: &hcx_core::plan::Plan) -> (String, String) {
    first_step(plan, StepKind::UpgradeAppliance)
}

/// Runs the rehearsal plan up to the first mesh step (ix-1) and stops there.
async fn up_to_the_mesh(name: &str) -> (Simulator, hcx_core::plan::Plan, ApplyOptions) {
    up_to(name, StepKind::UpgradeAppliance).await
}

/// Runs the rehearsal plan up to the first step of a kind and stops there.
async fn up_to(name: &str, kind: StepKind) -> (Simulator, hcx_core::plan::Plan, ApplyOptions) {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    let (mut opts, _events) = exec_options(&plan, temp_journal(name));
    let stop = opts.stop.clone();
    let before_mesh = first_step(&plan, kind).1;
    let inner = opts.on_event.clone();
    opts.on_event = Some(Arc::new(move |r: &EventRecord| {
        if matches!(&r.event, Event::StepDone { step, .. } if *step == before_mesh) {
            stop.store(true, Ordering::SeqCst);
        }
        if let Some(f) = &inner {
            f(r);
        }
    }));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Interrupted);
    let mut resumed = opts.clone();
    resumed.stop = Arc::new(Default::default());
    resumed.on_event = None;
    resumed.resume = true;
    // Reconciliation waits out the settle time on the simulator's clock (which every request moves on).
    resumed.clock = sim_clock(&sim.clock());
    (sim, plan, resumed)
}

fn record_intent(plan: &hcx_core::plan::Plan, opts: &ApplyOptions) -> String {
    let step = mesh_step(plan).0;
    assert_eq!(plan.step(&step).map(|s| s.appliances.clone()), Some(vec!["ix-1".to_owned()]));
    let j = Journal::open(&opts.journal).expect("journal");
    let run = j.runs().expect("runs").last().expect("a run").id;
    let op = format!("{step}/ix-1");
    j.record(run, &step, Some(&op), "intent", None, None, Some("POST …/ix-1/upgrade")).expect("intent");
    step
}

async fn send_by_hand(sim: &Simulator) -> String {
    let url = sim.url("dc1").expect("url");
    let c = HcxClient::new(
        &url,
        Credentials::new("administrator@vsphere.local", "hcx-sim-password"),
        &ClientConfig::default(),
    )
    .expect("client");
    c.upgrade_appliance("ix-1", &ApplianceAction::default()).await.expect("upgrade")
}

#[tokio::test]
async fn killed_after_the_intent_before_the_call_sends_it_once() {
    let (sim, plan, opts) = up_to_the_mesh("before-call").await;
    let op = format!("{}/ix-1", record_intent(&plan, &opts));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
    let j = Journal::open(&opts.journal).expect("journal");
    let proven = j
        .events(None)
        .expect("events")
        .into_iter()
        .any(|e| e.kind == "not-performed" && e.op.as_deref() == Some(op.as_str()));
    assert!(proven, "the journal says why it was safe to send");
}

#[tokio::test]
async fn killed_after_the_call_before_the_task_id_adopts_the_running_task() {
    let (sim, plan, opts) = up_to_the_mesh("after-call").await;
    record_intent(&plan, &opts);
    let task = send_by_hand(&sim).await;
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1, "never sent twice");
    let j = Journal::open(&opts.journal).expect("journal");
    let adopted =
        j.events(None).expect("events").into_iter().any(|e| e.kind == "task" && e.task_id.as_deref() == Some(&task));
    assert!(adopted, "the interrupted run's task {task} was adopted");
}

#[tokio::test]
async fn killed_after_the_call_when_the_task_already_finished_counts_it_done() {
    let (sim, plan, opts) = up_to_the_mesh("after-finish").await;
    record_intent(&plan, &opts);
    send_by_hand(&sim).await;
    // Long enough for the task to finish (auto-advance moves the clock on every request).
    sim.clock().advance(std::time::Duration::from_secs(600));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
}

#[tokio::test]
async fn a_task_nobody_journaled_for_another_appliance_stops_and_asks() {
    let (sim, plan, opts) = up_to_the_mesh("ask").await;
    let step = record_intent(&plan, &opts);
    // Someone else started an upgrade of ne-1 from the UI: the journal cannot tell what became of ix-1's call.
    let url = sim.url("dc1").expect("url");
    let c = HcxClient::new(
        &url,
        Credentials::new("administrator@vsphere.local", "hcx-sim-password"),
        &ClientConfig::default(),
    )
    .expect("client");
    c.upgrade_appliance("ne-1", &ApplianceAction::default()).await.expect("upgrade");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::NeedsConfirmation);
    let message = summary.message.expect("message");
    assert!(message.contains(&format!("--confirm-resend {step}")), "{message}");
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 0, "nothing resent without asking");
    let mut confirmed = opts.clone();
    confirmed.confirm_resend = vec![step.clone()];
    let summary = apply(&plan, &managers(&sim), &confirmed).await.expect("confirmed");
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
    // ne-1 was already upgraded by hand: its step adopts that upgrade instead of sending another (this test
    // used to expect drift here; an appliance already at its step's target is now adopted, journaled so).
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ne-1"), 1, "only the upgrade by hand");
    let j = Journal::open(&confirmed.journal).expect("journal");
    let adopted = j.events(None).expect("events").into_iter().any(|e| e.kind == "adopted" && e.step != step);
    assert!(adopted, "ne-1's upgrade by hand was journaled as adopted");
}

#[tokio::test]
async fn killed_after_a_manager_hop_was_journaled_done_resumes_past_it_without_drift() {
    // The kill landed after the hop's outcome was journaled and before the step was: the manager already
    // runs the hop's version, which is the step's after-state, not drift.
    let (sim, plan, opts) = up_to("manager-done", StepKind::UpgradeManager).await;
    let step = first_step(&plan, StepKind::UpgradeManager).0;
    let hop = plan.step(&step).expect("the hop");
    let (site, to) = (hop.site.clone().expect("a site"), hop.to.clone().expect("a version"));
    sim.upgrade_manager(&site, to.clone()).expect("upgrade by hand");
    sim.clock().advance(std::time::Duration::from_secs(3600));
    assert_eq!(sim.manager_version(&site), Some(to.clone()));
    let j = Journal::open(&opts.journal).expect("journal");
    let run = j.runs().expect("runs").last().expect("a run").id;
    let op = format!("{step}/manager");
    j.record(run, &step, Some(&op), "intent", None, None, Some("POST /hcx-sim/stand-in/manager/upgrade"))
        .expect("intent");
    j.record(run, &step, Some(&op), "done", None, None, None).expect("done");
    drop(j);
    let key = to.to_string();
    let sent = sim.performed_on(&site, Endpoint::ManagerUpgradeStart, &key);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on(&site, Endpoint::ManagerUpgradeStart, &key), sent, "the hop is not sent again");
}
