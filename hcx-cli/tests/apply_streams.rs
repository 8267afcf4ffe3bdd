//! `hcx apply`'s exit codes and streams against hcx-sim: a dry run's listing goes to stdout (so `> calls.txt`
//! keeps it), its header, drift and outcome to stderr; 0 clean, 1 blockers, 2 bad input, 3 paused, 4 drift
//! (also in a dry run), 5 failed. The simulator runs on a manual clock that every request moves on: no sleeps.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{REHEARSAL, apply_in, apply_setup, assert_exit, manual_steps, s, stderr, stdout};
use hcx_cli::exit::Exit;
use hcx_sim::{Endpoint, FaultKind, FaultRule, Scenario};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_redirected_to_a_file_keeps_its_listing_and_exits_0() {
    let scenario = Scenario::from_json(REHEARSAL).unwrap();
    let (sim, plan, dir) = apply_setup("dry-run-file", &scenario, scenario.clone()).await;
    let calls = dir.join("calls.txt");
    let o = apply_in(&dir, &["--sim-stand-in"], Some(&calls)).await;
    assert_exit(&o, Exit::Clean);
    let listing = std::fs::read_to_string(&calls).unwrap();
    // Every step and every call it would send is in the file, in order.
    let mut at = 0;
    for step in &plan.steps {
        let line = format!("{:<4} {}", step.id, step.title);
        let found = listing[at..].find(&line).unwrap_or_else(|| panic!("{line:?} missing in order from:\n{listing}"));
        at += found;
    }
    assert_eq!(listing.matches("     would send ").count(), 6, "{listing}");
    assert!(listing.contains("would send dc1: ") && listing.contains("ne-1/upgrade"), "{listing}");
    // The header, the drift check and the outcome are diagnostics: on stderr, not in the file.
    let err = stderr(&o);
    assert!(err.contains("hcx apply: dry run of plan sha256:"), "{err}");
    assert!(err.contains("every step's before-state matches the live state"), "{err}");
    // Then, last, the steps a real run pauses on that this rehearsal had the simulator carry out.
    let (checks, pauses) = err.split_once("hcx apply: rehearsal: a real run pauses on these steps:\n").expect(&err);
    assert!(checks.trim_end().ends_with("before-state matches the live state (projected through the earlier steps)"));
    let managers: Vec<String> = plan
        .steps
        .iter()
        .filter(|s| s.kind == hcx_core::plan::StepKind::UpgradeManager)
        .map(|s| format!("  {}: a real run pauses here: no public API upgrades an HCX Manager;", s.id))
        .collect();
    assert_eq!(pauses.lines().count(), managers.len(), "{pauses}");
    assert!(managers.iter().zip(pauses.lines()).all(|(m, l)| l.starts_with(m.as_str())), "{pauses}");
    assert!(!err.contains("would send"), "the listing went to stderr: {err}");
    assert!(!listing.contains("hcx apply:"), "diagnostics went to stdout: {listing}");
    assert_eq!(sim.mutating_calls(), 0, "a dry run sends nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_that_finds_drift_exits_4_and_still_lists_every_step() {
    let planned = Scenario::from_json(REHEARSAL).unwrap();
    // ne-1 was upgraded by hand since the plan was made.
    let mut live = planned.clone();
    live.fleet.meshes[0].appliances[1].version = "4.9.0".parse().unwrap();
    let (sim, plan, dir) = apply_setup("dry-run-drift", &planned, live).await;
    let o = apply_in(&dir, &["--sim-stand-in"], None).await;
    assert_exit(&o, Exit::Drift);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(err.contains(": appliance ne-1 is at 4.9.0, the plan expected 4.8.2"), "{err}");
    assert!(err.contains("     drift: S"), "{err}");
    assert!(err.contains("hcx apply: drift: the live state differs from the plan (see the drift lines)"), "{err}");
    assert!(!out.contains("drift"), "drift is a diagnostic: {out}");
    // The dry run went on past the drift: the listing has every step.
    for step in &plan.steps {
        assert!(out.contains(&format!("{:<4} {}", step.id, step.title)), "{} missing: {out}", step.id);
    }
    assert_eq!(sim.mutating_calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executed_run_exits_3_when_a_step_waits_for_a_person() {
    let scenario = Scenario::from_json(REHEARSAL).unwrap();
    let (sim, _plan, dir) = apply_setup("paused", &scenario, scenario.clone()).await;
    // Nothing confirmed: the first manual step pauses the run at once.
    let o = apply_in(&dir, &["--execute", "--sim-stand-in", "--poll-ms", "0"], None).await;
    assert_exit(&o, Exit::Paused);
    let err = stderr(&o);
    assert!(err.contains("     paused: waits for the customer") && err.contains("then: hcx apply --resume"), "{err}");
    // An executed run's lines are progress, on stderr.
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert_eq!(sim.mutating_calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executed_run_exits_4_on_drift_and_5_on_a_failed_task() {
    let planned = Scenario::from_json(REHEARSAL).unwrap();
    let mut live = planned.clone();
    live.fleet.meshes[0].appliances[1].version = "4.9.0".parse().unwrap();
    let (sim, plan, dir) = apply_setup("executed-drift", &planned, live).await;
    let confirm = manual_steps(&plan);
    let args = ["--execute", "--sim-stand-in", "--poll-ms", "0", "--max-polls", "500", "--confirm", &confirm];
    let o = apply_in(&dir, &args, None).await;
    assert_exit(&o, Exit::Drift);
    assert!(stderr(&o).contains("appliance ne-1 is at 4.9.0, the plan expected 4.8.2"), "{}", stderr(&o));
    assert_eq!(sim.performed_on("dc1", Endpoint::ApplianceUpgrade, "ne-1"), 0);

    let (sim, plan, dir) = apply_setup("executed-failed", &planned, planned.clone()).await;
    sim.inject(
        "dc1",
        FaultRule::on(
            Endpoint::ApplianceUpgrade,
            FaultKind::TaskFail { message: "[IX-I1] Update VM networks failed".into() },
        ),
    );
    let confirm = manual_steps(&plan);
    let args = ["--execute", "--sim-stand-in", "--poll-ms", "0", "--max-polls", "500", "--confirm", &confirm];
    let o = apply_in(&dir, &args, None).await;
    assert_exit(&o, Exit::Failed);
    let err = stderr(&o);
    assert!(err.contains("FAILED: ") && err.contains("[IX-I1] Update VM networks failed"), "{err}");
    // The change record is a result: stdout.
    let report =
        common::command().current_dir(&dir).args(["apply", "report", "--journal", "journal.sqlite"]).output().unwrap();
    assert_exit(&report, Exit::Clean);
    // Markdown: the manager's message is escaped text, so its brackets cannot make a link.
    assert!(stdout(&report).contains(r"\[IX-I1\] Update VM networks failed"), "{}", stdout(&report));
    assert!(stderr(&report).is_empty(), "{}", stderr(&report));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_with_blockers_exits_1_and_bad_input_exits_2() {
    // The avs-pair scenario has a migration in flight: an unacknowledged blocker, so nothing is sent.
    let scenario = Scenario::from_json(common::AVS_PAIR).unwrap();
    let (sim, _plan, dir) = apply_setup("blocked", &scenario, scenario.clone()).await;
    let o = apply_in(&dir, &[], None).await;
    assert_exit(&o, Exit::Findings);
    assert!(stderr(&o).contains("hcx apply: blocked: unacknowledged blockers; nothing was sent"), "{}", stderr(&o));
    assert_eq!(sim.mutating_calls(), 0);

    let o = apply_in(&dir, &["--parallel", "many"], None).await;
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).starts_with("hcx: error: invalid value 'many' for '--parallel <N>'"), "{}", stderr(&o));
    let missing = dir.join("missing.json");
    let o = common::command().args(["apply", s(&missing), "--endpoints", "endpoints.json"]).output().unwrap();
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).starts_with("hcx: error: cannot read plan "), "{}", stderr(&o));
    let o = common::command().current_dir(&dir).args(["apply", "report", "--journal", "none.sqlite"]).output().unwrap();
    assert_exit(&o, Exit::Usage);
    assert_eq!(stderr(&o), "hcx: error: no journal at none.sqlite\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_s_hostile_message_reaches_the_terminal_and_the_record_as_text() {
    let planned = Scenario::from_json(REHEARSAL).unwrap();
    let (sim, plan, dir) = apply_setup("hostile-message", &planned, planned.clone()).await;
    // A clipboard write (OSC 52), a bell, a screen clear and a line break that fakes the run's last line.
    let hostile = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\nhcx apply: succeeded \u{202e}dekcah";
    sim.inject("dc1", FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskFail { message: hostile.into() }));
    let confirm = manual_steps(&plan);
    let args = ["--execute", "--sim-stand-in", "--poll-ms", "0", "--max-polls", "500", "--confirm", &confirm];
    let o = apply_in(&dir, &args, None).await;
    assert_exit(&o, Exit::Failed);
    let err = stderr(&o);
    let raw = |t: &str| t.chars().any(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{202e}'));
    assert!(!raw(&err), "a raw control character reached the terminal: {err:?}");
    assert!(err.contains(r"\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{a}hcx apply: succeeded \u{202e}dekcah"), "{err}");
    assert!(!err.lines().any(|l| l.starts_with("hcx apply: succeeded")), "a faked line: {err}");
    let report =
        common::command().current_dir(&dir).args(["apply", "report", "--journal", "journal.sqlite"]).output().unwrap();
    assert_exit(&report, Exit::Clean);
    assert!(!raw(&stdout(&report)), "{:?}", stdout(&report));
}
