//! End to end against hcx-sim in process, on a manual clock.

mod common;

use common::*;
use hcx_apply::{Event, Outcome, apply};
use hcx_core::HcxVersion;
use hcx_sim::{Endpoint, FaultKind, FaultRule, Scenario};

#[tokio::test]
async fn a_two_site_upgrade_from_4_8_2_reaches_the_target_once() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    let managers = managers(&sim);
    let (opts, events) = exec_options(&plan, temp_journal("two-site"));

    let summary = apply(&plan, &managers, &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    let target: HcxVersion = plan.target.clone();
    for site in ["dc1", "dc2"] {
        assert_eq!(sim.manager_version(site), Some(target.clone()), "{site}");
    }
    for a in ["ix-1", "ne-1"] {
        let (src, dst) = sim.appliance_versions(a).expect("appliance");
        assert_eq!((src, dst), (target.clone(), target.clone()), "{a}");
        assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, a), 1, "{a} upgraded once");
    }
    // Two hops per manager, each started once.
    assert_eq!(sim.performed("dc1", Endpoint::ManagerUpgradeStart), 2);
    assert_eq!(sim.performed("dc2", Endpoint::ManagerUpgradeStart), 2);
    {
        let events = events.lock().expect("events");
        assert!(events.iter().any(|e| matches!(e, Event::TaskProgress { .. })));
        assert!(matches!(events.last(), Some(Event::RunFinished { outcome: Outcome::Succeeded, .. })));
    }

    // A second run of the same plan finds every step done and sends nothing.
    let mut again = opts.clone();
    again.resume = true;
    let before = sim.mutating_calls();
    let summary = apply(&plan, &managers, &again).await.expect("apply again");
    assert_eq!(summary.outcome, Outcome::Succeeded);
    assert_eq!(sim.mutating_calls(), before);
}

#[tokio::test]
async fn a_dry_run_sends_nothing_and_lists_the_calls_in_order() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    let (mut opts, events) = exec_options(&plan, temp_journal("dry"));
    opts.execute = false;
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("dry run");
    assert_eq!(summary.outcome, Outcome::DryRun);
    assert_eq!(summary.message, None, "no drift on a fresh fleet");
    assert_eq!(sim.mutating_calls(), 0);
    let calls: Vec<String> = events
        .lock()
        .expect("events")
        .iter()
        .filter_map(|e| if let Event::Call { call, sent: false, .. } = e { Some(call.clone()) } else { None })
        .collect();
    assert_eq!(calls.len(), 6, "{calls:#?}");
    assert!(calls[0].contains("/hcx-sim/rehearsal/manager-upgrade"));
    assert!(calls[4].contains("ix-1/upgrade"), "IX first: {calls:#?}");
    assert!(calls[5].contains("ne-1/upgrade"));
    assert!(!opts.journal.exists(), "a dry run writes no journal");
}

#[tokio::test]
async fn drift_between_steps_stops_the_run_naming_it() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    // The live fleet already differs: ne-1 was upgraded by hand since the plan was made.
    let mut live = scenario.clone();
    live.fleet.meshes[0].appliances[1].version = "4.9.0".parse().expect("version");
    let (sim, _clock) = start(live).await;
    let (opts, events) = exec_options(&plan, temp_journal("drift"));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Drift);
    let message = summary.message.expect("message");
    assert!(message.contains("appliance ne-1 is at 4.9.0, the plan expected 4.8.2"), "{message}");
    assert!(events.lock().expect("events").iter().any(|e| matches!(e, Event::Drift { .. })));
    // The managers went up, the mesh step before ne-1 ran, and ne-1 was never sent.
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ne-1"), 0);
}

#[tokio::test]
async fn a_failed_task_stops_with_its_message_and_the_rollback_guidance() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject(
        "dc1",
        FaultRule::on(
            Endpoint::ApplianceUpgrade,
            FaultKind::TaskFail { message: "[IX-I1] Update VM networks failed".into() },
        )
        .times(1),
    );
    let (opts, events) = exec_options(&plan, temp_journal("failed"));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Failed);
    let message = summary.message.expect("message");
    assert!(message.contains("Update VM networks failed"), "{message}");
    assert!(message.contains("rollback"), "{message}");
    let failed =
        events.lock().expect("events").iter().any(|e| matches!(e, Event::StepFailed { rollback: Some(_), .. }));
    assert!(failed);
    // Resuming does not resend the failed upgrade without an explicit confirmation.
    let mut again = opts.clone();
    again.resume = true;
    let summary = apply(&plan, &managers(&sim), &again).await.expect("resume");
    assert_eq!(summary.outcome, Outcome::Failed);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
    again.confirm_resend = vec![summary.message.as_deref().and_then(|m| m.split(':').next()).expect("step").to_owned()];
    let summary = apply(&plan, &managers(&sim), &again).await.expect("resend");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 2);
}

#[tokio::test]
async fn token_expiry_and_503_while_rebooting_are_ridden_out() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    sim.inject("dc1", FaultRule::on(Endpoint::Task, FaultKind::ExpireToken).skip(1).times(2));
    sim.inject(
        "dc2",
        FaultRule::on(Endpoint::Support, FaultKind::Status { status: 503, retry_after: None }).skip(3).times(2),
    );
    let (opts, _events) = exec_options(&plan, temp_journal("ride-out"));
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ix-1"), 1);
}

#[tokio::test]
async fn a_multi_pair_fleet_runs_two_independent_pairs_at_once() {
    let mut scenario = Scenario::generate(3);
    scenario.fleet.migrations.clear();
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario.clone()).await;
    let (mut opts, events) = exec_options(&plan, temp_journal("parallel"));
    opts.parallel = 2;
    let summary = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    assert_eq!(summary.outcome, Outcome::Succeeded, "{:?}", summary.message);
    for site in &scenario.fleet.sites {
        assert_eq!(sim.manager_version(&site.id), Some(plan.target.clone()), "{}", site.id);
    }
    for mesh in &scenario.fleet.meshes {
        for a in &mesh.appliances {
            assert_eq!(sim.performed_on(&mesh.source, Endpoint::ApplianceUpgrade, &a.id), 1, "{}", a.id);
            assert_eq!(sim.appliance_versions(&a.id).map(|v| v.0), Some(plan.target.clone()));
        }
    }
    // Steps of two pairs were under way at the same time.
    let pair_of = |step: &str| plan.step(step).and_then(|s| s.site.clone()).map(|s| s.to_string()).unwrap_or_default();
    let mut running: std::collections::BTreeSet<String> = Default::default();
    let mut overlapped = false;
    for e in events.lock().expect("events").iter() {
        match e {
            Event::StepStarted { step, .. } => {
                let p = pair_of(step).trim_start_matches("conn-").trim_start_matches("avs-").to_owned();
                running.insert(p);
                overlapped |= running.len() > 1;
            }
            Event::StepDone { step, .. } => {
                running.remove(pair_of(step).trim_start_matches("conn-").trim_start_matches("avs-"));
            }
            _ => {}
        }
    }
    assert!(overlapped, "with --parallel 2 two pairs overlap");
}
