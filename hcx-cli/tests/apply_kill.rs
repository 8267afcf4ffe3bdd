//! The kill test: `hcx apply --execute` runs as a child process against hcx-sim and is killed with SIGKILL at
//! random moments (fixed seed), each kill followed by `--resume`. The simulator's `/hcx-sim/counters` must
//! then show every upgrade carried out exactly once, and the fleet must end at the target.
//!
//! `HCX_KILLS` (default 30), `HCX_KILL_SEED` (default 12) and `HCX_KILL_TIME_SCALE` (default 80) tune it; `scripts/kill-soak.sh` runs it longer.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::manual_steps;
use hcx_core::catalog::Catalog;
use hcx_core::plan::{self, PlanOptions, TargetSpec};
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};
use serde_json::Value;

const REHEARSAL: &str = include_str!("../../hcx-sim/scenarios/rehearsal-4.8.2.json");

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn spawn(dir: &Path, resume: bool) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hcx"));
    cmd.current_dir(dir)
        .args(["apply", "plan.json", "--endpoints", "endpoints.json", "--execute", "--sim-stand-in"])
        .args(["--confirm", &std::fs::read_to_string(dir.join("confirm.txt")).expect("confirm list")])
        .args(["--poll-ms", "20", "--max-polls", "100000"])
        // A call the kill left unknown is resent only after the subject stayed untouched this long: 2 s of
        // real time is minutes of the simulator's (time scale 80), ample for a call in flight to show.
        .args(["--settle", "2s"])
        .env("HCX_PASSWORD", "hcx-sim-password")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(dir.join("last-run.log")).expect("log")));
    if resume {
        cmd.arg("--resume");
    }
    cmd.spawn().expect("spawn hcx")
}

async fn counters(http: &reqwest::Client, url: &str) -> Value {
    http.get(format!("{url}/hcx-sim/counters")).send().await.expect("counters").json().await.expect("json")
}

/// The README rehearsal's plan to the latest release, and its simulator running at `time_scale`.
async fn rehearsal(time_scale: f64) -> (hcx_core::plan::Plan, Simulator) {
    let mut scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    scenario.timing.time_scale = time_scale;
    let target_plan = plan::plan(
        &scenario.fleet,
        Catalog::bundled(),
        &PlanOptions::new(TargetSpec::Latest, time::macros::date!(2026 - 12 - 01)),
    )
    .expect("plan");
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::real(time_scale)).await.expect("sim");
    (target_plan, sim)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_never_sends_an_upgrade_twice() {
    let kills = env_u64("HCX_KILLS", 30);
    let mut rng = fastrand::Rng::with_seed(env_u64("HCX_KILL_SEED", 12));
    // Fast enough to finish, slow enough that the kills land in every phase of the run (more kills: slower).
    let (target_plan, sim) = rehearsal(env_u64("HCX_KILL_TIME_SCALE", 80) as f64).await;
    // Mutating calls stay in flight a while, so kills also land between the intent and the answer.
    for site in ["dc1", "dc2"] {
        for e in [Endpoint::ApplianceUpgrade, Endpoint::ManagerUpgradeStart] {
            sim.inject(site, FaultRule::on(e, FaultKind::Latency { ms: 60 }));
        }
    }
    let dir = std::env::temp_dir().join(format!("hcx-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("plan.json"), target_plan.to_json()).expect("plan");
    std::fs::write(dir.join("confirm.txt"), manual_steps(&target_plan)).expect("confirm list");
    sim.write_endpoints(&dir.join("endpoints.json")).expect("endpoints");

    let mut finished_early = 0;
    let mut i = 0;
    while i - finished_early < kills && i < kills * 3 {
        i += 1;
        let mut child = spawn(&dir, i > 1);
        if i % 2 == 0 {
            // Every other kill aims at the dangerous window: just after a mutating call reached a manager,
            // before or after it took effect, before or after the task id was journaled.
            let before = sim.mutating_calls();
            let give_up = Instant::now() + Duration::from_millis(rng.u64(500..3000));
            while sim.mutating_calls() == before && Instant::now() < give_up {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            tokio::time::sleep(Duration::from_millis(rng.u64(0..90))).await;
        } else {
            tokio::time::sleep(Duration::from_millis(rng.u64(30..700))).await;
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            // The run ended before the kill (a pause, or done): the next round resumes it again.
            finished_early += 1;
            assert!(status.code().is_some_and(|c| c == 0), "run {i} ended with {status}: {}", log(&dir));
            continue;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
    }
    // Resume to the end.
    let mut child = spawn(&dir, true);
    let deadline = Instant::now() + Duration::from_secs(240);
    let status = loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "the final resume did not finish: {}", log(&dir));
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "final resume: {status}: {}", log(&dir));
    let mid_run = i - finished_early;
    assert!(mid_run >= kills.min(30), "at least 30 kills must land mid-run ({mid_run} of {kills} did)");

    // The evidence, read as an outside rehearsal script would: over HTTP from each manager.
    let http = reqwest::Client::new();
    let dc1 = counters(&http, &sim.url("dc1").expect("url")).await;
    let dc2 = counters(&http, &sim.url("dc2").expect("url")).await;
    for a in ["ix-1", "ne-1"] {
        assert_eq!(dc1["performed_on"][format!("appliance_upgrade:{a}")], 1, "{a}: {dc1}");
    }
    for (site, c) in [("dc1", &dc1), ("dc2", &dc2)] {
        assert_eq!(c["performed_on"]["manager_upgrade_start:4.9.0"], 1, "{site}: {c}");
        assert_eq!(c["performed_on"]["manager_upgrade_start:4.11.5"], 1, "{site}: {c}");
        assert_eq!(c["endpoints"]["manager_upgrade_start"]["performed"], 2, "{site}: {c}");
        assert_eq!(sim.manager_version(site), Some(target_plan.target.clone()), "{site}");
    }
    assert_eq!(dc1["endpoints"]["appliance_upgrade"]["performed"], 2, "{dc1}");
    for a in ["ix-1", "ne-1"] {
        let (src, dst) = sim.appliance_versions(a).expect("appliance");
        assert_eq!((src, dst), (target_plan.target.clone(), target_plan.target.clone()), "{a}");
    }
    // What the kills hit, for the log: runs, open intents reconciled, sends proven never to have taken effect.
    let journal = hcx_apply::Journal::open(dir.join("hcx-apply.sqlite")).expect("journal");
    let events = journal.events(None).expect("events");
    let count = |kind: &str| events.iter().filter(|e| e.kind == kind).count();
    let reconciled = events.iter().filter(|e| e.detail.as_deref().is_some_and(|d| d.starts_with("reconciled"))).count();
    eprintln!(
        "kill test: {kills} kills ({finished_early} rounds ended first), {} runs, {} intents, {} reconciled, {} proven not sent",
        journal.runs().expect("runs").len(),
        count("intent"),
        reconciled,
        count("not-performed")
    );
    drop(journal);
    let _ = std::fs::remove_dir_all(&dir);
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("last-run.log")).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_after_the_in_flight_call_and_resumes() {
    let (target_plan, sim) = rehearsal(120.0).await;
    sim.inject("dc1", FaultRule::on(Endpoint::ManagerUpgradeStart, FaultKind::Latency { ms: 200 }));
    let dir = std::env::temp_dir().join(format!("hcx-term-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("plan.json"), target_plan.to_json()).expect("plan");
    std::fs::write(dir.join("confirm.txt"), manual_steps(&target_plan)).expect("confirm list");
    sim.write_endpoints(&dir.join("endpoints.json")).expect("endpoints");

    let mut child = spawn(&dir, false);
    let give_up = Instant::now() + Duration::from_secs(30);
    while sim.calls("dc1", Endpoint::ManagerUpgradeStart) == 0 {
        assert!(Instant::now() < give_up, "no upgrade was sent: {}", log(&dir));
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // The upgrade call is in flight (200 ms of latency): SIGTERM now.
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(sent.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130), "{}", log(&dir));
    let journal = hcx_apply::Journal::open(dir.join("hcx-apply.sqlite")).expect("journal");
    // The in-flight call's answer was journaled before the stop: no intent is left open.
    let first_hop = target_plan
        .steps
        .iter()
        .find(|s| s.kind == hcx_core::plan::StepKind::UpgradeManager)
        .map(|s| format!("{}/manager", s.id))
        .expect("a manager step");
    assert!(matches!(
        journal.op_state(&first_hop).expect("op"),
        hcx_apply::journal::OpState::Pending { task: Some(_) }
    ));
    assert_eq!(journal.runs().expect("runs").last().and_then(|r| r.outcome.clone()).as_deref(), Some("interrupted"));
    drop(journal);

    let mut child = spawn(&dir, true);
    let status = child.wait().expect("wait");
    assert!(status.success(), "resume: {}", log(&dir));
    assert_eq!(sim.performed_on("dc1", Endpoint::ManagerUpgradeStart, "4.9.0"), 1);
    assert_eq!(sim.manager_version("dc2"), Some(target_plan.target.clone()));
    let _ = std::fs::remove_dir_all(&dir);
}
