//! Shared set-up: a simulator in process on a manual clock, a plan of its fleet, and executor options.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcx_apply::{ApplyOptions, Event, EventRecord, Managers};
use hcx_core::catalog::Catalog;
use hcx_core::client::ClientConfig;
use hcx_core::client::discover::{EndpointsFile, Target};
use hcx_core::plan::{self, Plan, PlanOptions, TargetSpec};
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

pub const REHEARSAL: &str = include_str!("../../../hcx-sim/scenarios/rehearsal-4.8.2.json");

pub async fn start(scenario: Scenario) -> (Simulator, SimClock) {
    let clock = SimClock::manual();
    // Every request moves simulated time on, so polling finishes tasks without any sleep.
    clock.set_auto_advance(Duration::from_secs(5));
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, clock.clone()).await.expect("start");
    (sim, clock)
}

pub fn plan_of(scenario: &Scenario) -> Plan {
    let date = time::macros::date!(2026 - 12 - 01);
    plan::plan(&scenario.fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Latest, date)).expect("plan")
}

pub fn managers(sim: &Simulator) -> Managers {
    let file = EndpointsFile::from_json(&sim.endpoints_json()).expect("endpoints");
    let targets = file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, "hcx-sim-password")).collect();
    Managers::new(targets, &ClientConfig::default()).expect("managers")
}

pub fn temp_journal(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hcx-apply-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join("journal.sqlite")
}

/// Options that execute, confirm every manual step, drive the stand-in and record the events.
pub fn exec_options(plan: &Plan, journal: PathBuf) -> (ApplyOptions, Arc<Mutex<Vec<Event>>>) {
    let mut o = ApplyOptions::new("tester@host");
    o.execute = true;
    o.journal = journal;
    o.sim_stand_in = true;
    o.poll_interval = Duration::ZERO;
    o.max_polls = 500;
    o.confirm = plan
        .steps
        .iter()
        .filter(|s| !s.automated && s.kind != hcx_core::plan::StepKind::UpgradeManager)
        .map(|s| s.id.to_string())
        .collect();
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    o.on_event = Some(Arc::new(move |r: &EventRecord| {
        if std::env::var_os("HCX_APPLY_TEST_EVENTS").is_some() {
            eprintln!("{r:?}");
        }
        sink.lock().expect("events").push(r.event.clone());
    }));
    (o, events)
}

/// The executor's deadlines measured on the simulator's clock (no test sleeps).
pub fn sim_clock(clock: &SimClock) -> hcx_apply::Clock {
    let c = clock.clone();
    hcx_apply::Clock::from_fn(move || Duration::from_millis(c.elapsed_ms()))
}
