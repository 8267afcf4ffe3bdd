//! A journal that forgot refuses: `--resume` of a partly applied plan from a new, emptied or zeroed journal is
//! refused naming the journal and the plan, and sends nothing; a fresh run from such a journal meets the
//! upgraded managers as drift (newer than the plan expected) and sends nothing either.

mod common;

use common::*;
use hcx_apply::{ApplyError, Outcome, apply};
use hcx_sim::{Endpoint, FaultKind, FaultRule, Scenario};

#[tokio::test]
async fn a_resume_from_a_journal_that_forgot_refuses_and_sends_nothing() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan_of(&scenario);
    let (sim, _clock) = start(scenario).await;
    // The run stops at ix-1's failed task: both managers upgraded, the mesh half done.
    sim.inject(
        "dc1",
        FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskFail { message: "stopped here".into() }).times(1),
    );
    let (opts, _events) = exec_options(&plan, temp_journal("forgot-original"));
    assert_eq!(apply(&plan, &managers(&sim), &opts).await.expect("apply").outcome, Outcome::Failed);
    let sent = sim.mutating_calls();
    assert!(sent > 0);

    // A new journal, and the original emptied to zero bytes (as a failed copy or a full disk leaves it).
    let fresh = temp_journal("forgot-new");
    let zeroed = temp_journal("forgot-zeroed");
    std::fs::copy(&opts.journal, &zeroed).expect("copy");
    std::fs::write(&zeroed, b"").expect("zero");
    for journal in [fresh, zeroed] {
        let mut again = opts.clone();
        again.journal = journal.clone();
        again.resume = true;
        match apply(&plan, &managers(&sim), &again).await {
            Err(ApplyError::NothingToResume { journal: named, plan_digest }) => {
                assert_eq!(named, journal.display().to_string());
                assert_eq!(plan_digest, plan.digest);
            }
            other => panic!("a resume from {} was not refused: {other:?}", journal.display()),
        }
        assert_eq!(sim.mutating_calls(), sent, "nothing sent from {}", journal.display());

        // Without --resume the run starts, meets the managers already upgraded, and stops on drift.
        let mut fresh_run = opts.clone();
        fresh_run.journal = journal.clone();
        let summary = apply(&plan, &managers(&sim), &fresh_run).await.expect("fresh run");
        assert_eq!(summary.outcome, Outcome::Drift, "{:?}", summary.message);
        assert!(summary.message.as_deref().unwrap_or_default().contains("newer than the plan expected"));
        assert_eq!(sim.mutating_calls(), sent, "nothing sent from {}", journal.display());
        std::fs::remove_file(&journal).expect("clean");
    }

    // The original journal still resumes, and does not resend the failed task without a confirmation.
    let mut resume = opts.clone();
    resume.resume = true;
    assert_eq!(apply(&plan, &managers(&sim), &resume).await.expect("resume").outcome, Outcome::Failed);
    assert_eq!(sim.mutating_calls(), sent, "a failed task is not resent without a confirmation");
}
