//! `hcx apply`'s wait flags: `--wait-manual DURATION` (and the deprecated `--wait-manual-polls N`) on a manual
//! manager step against hcx-sim, and durations that do not parse.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use hcx_core::catalog::Catalog;
use hcx_core::plan::{self, PlanOptions, TargetSpec};
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

const REHEARSAL: &str = include_str!("../../hcx-sim/scenarios/rehearsal-4.8.2.json");

fn hcx(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hcx"));
    cmd.current_dir(dir).arg("apply").args(args).env("HCX_PASSWORD", "hcx-sim-password");
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("run hcx")).await.expect("join")
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hcx-apply-waits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir
}

#[tokio::test]
async fn a_duration_without_a_unit_is_refused_naming_the_forms() {
    let dir = temp("bad");
    let out = run(hcx(&dir, &["plan.json", "--endpoints", "e.json", "--wait-manual", "30"])).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid duration `30`: a number without a unit"), "{err}");
    let out =
        run(hcx(&dir, &["plan.json", "--endpoints", "e.json", "--wait-manual", "1m", "--wait-manual-polls", "2"]))
            .await;
    assert_eq!(out.status.code(), Some(2), "the old and the new flag together");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manual_manager_step_waits_then_pauses_and_the_count_flag_still_works() {
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let plan = plan::plan(
        &scenario.fleet,
        Catalog::bundled(),
        &PlanOptions::new(TargetSpec::Latest, time::macros::date!(2026 - 12 - 01)),
    )
    .expect("plan");
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::real(60.0)).await.expect("sim");
    let dir = temp("pause");
    std::fs::write(dir.join("plan.json"), plan.to_json()).expect("plan");
    sim.write_endpoints(&dir.join("endpoints.json")).expect("endpoints");
    let confirm = common::manual_steps(&plan);
    let args = ["plan.json", "--endpoints", "endpoints.json", "--execute", "--confirm", &confirm, "--poll-ms", "10"];
    let mut cmd = hcx(&dir, &args);
    cmd.args(["--wait-manual-polls", "2", "--wait-manual-poll", "10ms"]);
    let out = run(cmd).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "paused: {err}");
    assert!(err.contains("--wait-manual-polls is deprecated: use --wait-manual 20ms"), "{err}");
    assert!(err.contains("polling dc1 for 4.9.0 for up to 20ms"), "{err}");
    assert!(err.contains("paused: waits for the customer"), "{err}");
    assert!(err.contains("then: hcx apply --resume --confirm"), "{err}");
    assert_eq!(sim.manager_version("dc1").map(|v| v.to_string()), Some("4.8.2".to_owned()), "nothing upgraded it");
}
