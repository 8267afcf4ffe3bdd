//! The executor's own overhead per step, against hcx-sim in process with 0 ms latency: the journal commits a
//! mutating step makes (intent, task id, outcome, step-done; each its own fsync'd transaction under WAL and
//! `synchronous=FULL`) and the drift read of a mesh step (manager version, both ends' appliances, migrations).
//! Not a test: the figures go in the README.

use criterion::{Criterion, criterion_group, criterion_main};
use hcx_apply::{Journal, Managers, live, ops};
use hcx_core::catalog::Catalog;
use hcx_core::client::ClientConfig;
use hcx_core::client::discover::{EndpointsFile, Target};
use hcx_core::plan::{self, PlanOptions, TargetSpec};
use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

const REHEARSAL: &str = include_str!("../../hcx-sim/scenarios/rehearsal-4.8.2.json");

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let scenario = Scenario::from_json(REHEARSAL).expect("scenario");
    let date = time::macros::date!(2026 - 12 - 01);
    let plan =
        plan::plan(&scenario.fleet, Catalog::bundled(), &PlanOptions::new(TargetSpec::Latest, date)).expect("plan");
    let steps = ops::planned_steps(&plan).expect("steps");
    let mesh_step =
        steps.iter().find(|s| matches!(s.action, ops::Action::UpgradeAppliances { .. })).expect("a mesh step").clone();
    let sim = rt.block_on(Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual())).expect("sim");
    let file = EndpointsFile::from_json(&sim.endpoints_json()).expect("endpoints");
    let targets = file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, "hcx-sim-password")).collect();
    let managers = Managers::new(targets, &ClientConfig::default()).expect("managers");
    rt.block_on(live::read_for(&managers, &mesh_step)).expect("warm-up read");

    let dir = std::env::temp_dir().join(format!("hcx-apply-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let journal = Journal::open(dir.join("journal.sqlite")).expect("journal");
    let run = journal.start_run("bench", "dc1,dc2", "bench", "execute").expect("run");

    let mut group = c.benchmark_group("executor overhead per step");
    group.sample_size(30);
    group.bench_function("journal commits (intent, task, done, step-done)", |b| {
        b.iter(|| {
            journal.record(run, "S12", Some("S12/ix-1"), "intent", None, None, Some("POST …")).expect("intent");
            journal.record(run, "S12", Some("S12/ix-1"), "task", Some("task-1"), None, None).expect("task");
            journal.record(run, "S12", Some("S12/ix-1"), "done", Some("task-1"), None, None).expect("done");
            journal.record(run, "S12", None, "step-done", None, None, None).expect("step-done");
        });
    });
    group.bench_function("drift read of a mesh step (0 ms latency)", |b| {
        b.iter(|| rt.block_on(live::read_for(&managers, &mesh_step)).expect("read"));
    });
    group.finish();
    drop(journal);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
