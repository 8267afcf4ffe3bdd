//! The waits: a manual or provider manager step polls its manager up to a deadline, and the verification after
//! the mesh steps waits for the appliances' status to be what it was before the run. Deadlines run on the simulator's manual clock: nothing sleeps.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use hcx_apply::{Event, EventRecord, Journal, Outcome, apply};
use hcx_sim::{Endpoint, Scenario, Simulator};

fn rehearsal() -> Scenario {
    let mut s = Scenario::from_json(REHEARSAL).expect("scenario");
    // A short reboot: the polls that meet a manager down for its upgrade each cost the client's retries.
    s.timing.manager_upgrade_secs = 5;
    s
}

/// Takes appliance `id`'s tunnel down when step `at` starts, outside the API (as a broken uplink would).
fn tunnel_down_at(opts: &mut hcx_apply::ApplyOptions, sim: &Arc<Simulator>, at: String, id: &'static str) {
    let (record, sim) = (opts.on_event.clone().expect("sink"), sim.clone());
    opts.on_event = Some(Arc::new(move |r: &EventRecord| {
        if matches!(&r.event, Event::StepStarted { step, .. } if *step == at) {
            assert!(sim.set_tunnel_down(id, true));
        }
        record(r);
    }));
}

#[tokio::test]
async fn a_status_that_changes_during_the_run_pauses_the_verification_naming_appliance_and_values() {
    let scenario = rehearsal();
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let sim = Arc::new(sim);
    let (mut opts, events) = exec_options(&plan, temp_journal("status-down"));
    opts.clock = sim_clock(&clock);
    opts.tunnel_wait = Duration::from_secs(10 * 60);
    let verify = plan.steps.last().expect("steps").id.to_string();
    tunnel_down_at(&mut opts, &sim, verify.clone(), "ix-1");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    // HCX does not document the values: a change is the operator's call, after the wait.
    assert_eq!(summary.outcome, Outcome::Paused, "{:?}", summary.message);
    let paused: Vec<(String, Vec<String>)> = events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| match e {
            Event::StepPaused { step, instructions, .. } => Some((step.clone(), instructions.clone())),
            _ => None,
        })
        .collect();
    let [(step, instructions)] = &paused[..] else { panic!("one pause: {paused:?}") };
    assert_eq!(step, &verify, "the verification step pauses");
    let text = instructions.join(" ");
    assert!(
        text.contains(
            "appliance ix-1 in mesh sm-dc1-dc2 (as dc1 reports it) reports overallStatus DOWN (before the run: UP)"
        ),
        "{text}"
    );
    assert!(text.contains("still so after 10m") && text.contains("Tunnel Up"), "{text}");
    assert!(!text.contains("appliance ne-1"), "only the appliance whose status changed: {text}");
    // The upgrades themselves were done, once each; only the verification waits.
    for a in ["ix-1", "ne-1"] {
        assert_eq!(sim.appliance_versions(a).map(|v| v.0), Some(plan.target.clone()), "{a}");
        assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, a), 1);
    }
    // Once the tunnel is back, a resumed run passes the verification without sending anything.
    assert!(sim.set_tunnel_down("ix-1", false));
    let mut again = opts.clone();
    again.resume = true;
    again.on_event = None;
    let before = sim.mutating_calls();
    let summary = apply(&plan, &managers(&sim), &again).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.mutating_calls(), before);

    // The change records show the status as each run found and left it.
    let journal = Journal::open(&opts.journal).expect("journal");
    let paused_run = hcx_apply::report::report(&journal, Some(1)).expect("report of run 1");
    let status = &paused_run.status["ix-1"];
    assert_eq!(
        (status.before.as_deref(), status.after.as_deref()),
        (Some("UP"), Some("DOWN")),
        "{:?}",
        paused_run.status
    );
    assert!(paused_run.to_markdown().contains("| appliance ix-1 | UP | DOWN |"), "{}", paused_run.to_markdown());
    assert!(paused_run.tunnels.is_empty(), "no invented tunnel list: {:?}", paused_run.tunnels);
    let resumed = hcx_apply::report::report(&journal, None).expect("report of the resumed run");
    assert_eq!(resumed.status["ix-1"].after.as_deref(), Some("UP"), "{:?}", resumed.status);
}

#[tokio::test]
async fn a_listed_tunnel_down_fails_the_verification_when_a_scenario_serves_the_inferred_shape() {
    let mut scenario = rehearsal();
    scenario.inferred_tunnels = true;
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let sim = Arc::new(sim);
    let (mut opts, _events) = exec_options(&plan, temp_journal("inferred-tunnel-down"));
    opts.clock = sim_clock(&clock);
    opts.tunnel_wait = Duration::from_secs(60);
    let verify = plan.steps.last().expect("steps").id.to_string();
    tunnel_down_at(&mut opts, &sim, verify, "ne-1");
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Failed, "{:?}", summary.message);
    let message = summary.message.expect("message");
    assert!(
        message.contains("the tunnel of appliance ne-1 to ne-1-peer in mesh sm-dc1-dc2 is DOWN, not UP"),
        "{message}"
    );
}

#[tokio::test]
async fn a_rehearsal_names_the_steps_a_real_run_pauses_on() {
    let scenario = rehearsal();
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (mut opts, events) = exec_options(&plan, temp_journal("real-run-pauses"));
    opts.clock = sim_clock(&clock);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    let manager_steps: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.kind == hcx_core::plan::StepKind::UpgradeManager)
        .map(|s| s.id.to_string())
        .collect();
    assert!(!manager_steps.is_empty());
    let named: Vec<&str> = summary.real_run_pauses.iter().filter_map(|p| p.split(':').next()).collect();
    assert_eq!(named, manager_steps, "{:?}", summary.real_run_pauses);
    assert!(summary.real_run_pauses.iter().all(|p| p.contains("no public API upgrades an HCX Manager")));
    let rehearsed = events.lock().expect("events").iter().filter(|e| matches!(e, Event::Rehearsed { .. })).count();
    assert_eq!(rehearsed, manager_steps.len());
    let journal = Journal::open(&opts.journal).expect("journal");
    let md = hcx_apply::report::report(&journal, None).expect("report").to_markdown();
    assert!(md.contains("## A real run pauses on these steps"), "{md}");
}

#[tokio::test]
async fn tunnels_reconverging_after_the_mesh_steps_are_waited_for() {
    let mut scenario = rehearsal();
    // Longer than the few polls between the last upgrade and the verification.
    scenario.timing.tunnel_converge_secs = 120;
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (mut opts, _events) = exec_options(&plan, temp_journal("tunnel-converge"));
    opts.clock = sim_clock(&clock);
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.tunnel_up("ne-1"), Some(true));
}

/// Options without the stand-in: manager hops are the operator's (or provider's), waited for up to `wait`.
fn manual_options(
    plan: &hcx_core::plan::Plan,
    name: &str,
    clock: &hcx_sim::SimClock,
    wait: Duration,
) -> (hcx_apply::ApplyOptions, Arc<Mutex<Vec<Event>>>) {
    let (mut opts, events) = exec_options(plan, temp_journal(name));
    opts.sim_stand_in = false;
    opts.clock = sim_clock(clock);
    opts.manual_wait = wait;
    opts.manual_poll_interval = Duration::ZERO;
    (opts, events)
}

#[tokio::test]
async fn a_manager_hop_done_by_the_provider_during_the_wait_continues_the_run() {
    let scenario = rehearsal();
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let sim = Arc::new(sim);
    let (mut opts, events) = manual_options(&plan, "manual-wait", &clock, Duration::from_secs(30 * 60));
    // The "provider" upgrades each manager when the run starts waiting for it, outside the API.
    let (record, upgrader) = (opts.on_event.clone().expect("sink"), sim.clone());
    opts.on_event = Some(Arc::new(move |r: &EventRecord| {
        if let Event::StepWaiting { site, version, .. } = &r.event {
            upgrader.upgrade_manager(site, version.parse().expect("version")).expect("upgrade");
        }
        record(r);
    }));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    for site in ["dc1", "dc2"] {
        assert_eq!(sim.manager_version(site), Some(plan.target.clone()), "{site}");
        assert_eq!(sim.calls(site, Endpoint::ManagerUpgradeStart), 0, "no stand-in call");
    }
    let waits = events.lock().expect("events").iter().filter(|e| matches!(e, Event::StepWaiting { .. })).count();
    assert_eq!(waits, 4, "two hops per manager");
    let journal = Journal::open(&opts.journal).expect("journal");
    let seen = journal.events(None).expect("events").into_iter().filter(|e| e.kind == "confirmed").count();
    assert!(seen >= 4, "each hop recorded as seen at its version");
}

#[tokio::test]
async fn the_wait_ends_at_its_deadline_and_a_confirmation_still_checks_the_version() {
    let scenario = rehearsal();
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (opts, events) = manual_options(&plan, "manual-deadline", &clock, Duration::from_secs(10 * 60));
    let started = clock.elapsed_ms();
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Paused, "{:?}", summary.message);
    let waited = Duration::from_millis(clock.elapsed_ms() - started);
    assert!(waited >= Duration::from_secs(10 * 60), "waited the whole deadline on the sim clock: {waited:?}");
    let paused = events.lock().expect("events").iter().any(|e| matches!(e, Event::StepPaused { .. }));
    assert!(paused);
    let step = summary.message.as_deref().and_then(|m| m.split(':').next()).expect("step").to_owned();

    // Confirming without doing it: the state is still checked, and the run stops.
    let mut again = opts.clone();
    again.resume = true;
    again.confirm.push(step.clone());
    let summary = apply(&plan, &managers(&sim), &again).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Failed);
    let message = summary.message.expect("message");
    assert!(message.contains(&format!("{step}: confirmed, but manager dc1 is at 4.8.2")), "{message}");
}

#[tokio::test]
async fn a_dry_run_says_which_manager_steps_would_wait_and_for_how_long() {
    let scenario = rehearsal();
    let plan = plan_of(&scenario);
    let (sim, clock) = start(scenario).await;
    let (mut opts, events) = manual_options(&plan, "manual-dry", &clock, Duration::from_secs(45 * 60));
    opts.execute = false;
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("dry run");
    assert_eq!(summary.outcome, Outcome::DryRun);
    let events = events.lock().expect("events");
    let waits: Vec<(String, u64)> = events
        .iter()
        .filter_map(|e| match e {
            Event::StepWaiting { site, wait_ms, .. } => Some((site.clone(), *wait_ms)),
            _ => None,
        })
        .collect();
    assert_eq!(waits.len(), 4, "{waits:?}");
    assert!(waits.iter().all(|(_, ms)| *ms == 45 * 60 * 1000));
    assert!(!events.iter().any(|e| matches!(e, Event::StepPaused { .. })), "manual steps are confirmed up front");
}
