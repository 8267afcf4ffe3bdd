//! The live pre-check: work started at a site since the plan was made (a migration the compat-2.1 query shows, a
//! replication the summary counts) stops the run before anything is sent, and a dry run reports it as drift.

mod common;

use common::*;
use hcx_apply::{Outcome, apply};
use hcx_core::fleet::{Migration, Replication, TransferState};
use hcx_sim::Scenario;

fn rehearsal() -> Scenario {
    Scenario::from_json(REHEARSAL).expect("scenario")
}

/// Runs the plan of the scenario's fleet against a simulator serving `live`: executed, then as a dry run.
async fn run(plan_from: &Scenario, live: Scenario, name: &str) -> (hcx_apply::RunSummary, hcx_apply::RunSummary, u64) {
    let plan = plan_of(plan_from);
    assert!(plan.findings.iter().all(|f| !f.blocks()), "the plan itself is clean");
    let (sim, _clock) = start(live).await;
    let (opts, _events) = exec_options(&plan, temp_journal(name));
    let executed = apply(&plan, &managers(&sim), &opts).await.expect("apply");
    let mut dry = opts.clone();
    dry.execute = false;
    let previewed = apply(&plan, &managers(&sim), &dry).await.expect("dry run");
    (executed, previewed, sim.mutating_calls())
}

#[tokio::test]
async fn a_replication_counted_since_the_plan_stops_the_pre_check() {
    let clean = rehearsal();
    let mut live = clean.clone();
    live.fleet.replications.push(Replication {
        id: "rep-1".into(),
        state: TransferState::InProgress,
        site: Some("dc1".into()),
    });
    let (executed, previewed, sent) = run(&clean, live, "replication").await;
    assert_eq!(executed.outcome, Outcome::Failed, "{:?}", executed.message);
    let message = executed.message.expect("message");
    assert!(message.starts_with("S1: 1 replication(s) active at dc1 (the replications summary)"), "{message}");
    assert_eq!(sent, 0, "nothing is sent");
    assert_eq!(previewed.outcome, Outcome::Drift, "{:?}", previewed.message);
}

#[tokio::test]
async fn a_migration_only_the_compat_query_shows_stops_the_pre_check() {
    let clean = rehearsal();
    let mut live = clean.clone();
    live.compat_migrations.push(Migration {
        id: "mg-7".into(),
        state: TransferState::InProgress,
        site: Some("dc1".into()),
    });
    let (executed, previewed, sent) = run(&clean, live, "compat-migration").await;
    assert_eq!(executed.outcome, Outcome::Failed, "{:?}", executed.message);
    let message = executed.message.expect("message");
    assert!(message.starts_with("S1: 1 migration(s) in flight at dc1"), "{message}");
    assert_eq!(sent, 0, "nothing is sent");
    assert_eq!(previewed.outcome, Outcome::Drift, "{:?}", previewed.message);
}
