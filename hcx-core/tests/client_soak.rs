//! Fault soak: many discoveries against `hcx-sim`, each with 1–3 random faults per site (fixed seed), and
//! every one must end with the correct inventory or a typed error: no hang, no wrong inventory, no secret in
//! any output. `cargo test` runs 20 discoveries; `scripts/soak.sh` runs more (`HCX_SOAK_RUNS`,
//! `HCX_SOAK_SEED`) and prints the counts.
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hcx_core::client::discover::{DiscoveryOptions, EndpointsFile, FleetDiscovery, Target, discover_fleet};
use hcx_core::client::{ClientConfig, ErrorKind, RetryPolicy};
use hcx_core::fleet::{Fleet, PortBinding};
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};

const PASSWORD: &str = "soak-Pa55\"word\\-x7q";
/// The endpoints a discovery reads.
const READS: [Endpoint; 9] = [
    Endpoint::Sessions,
    Endpoint::Support,
    Endpoint::CloudConfigs,
    Endpoint::ServiceMesh,
    Endpoint::AppliancesQuery,
    Endpoint::L2Extensions,
    Endpoint::MigrationsQuery,
    Endpoint::ReplicationsQuery,
    Endpoint::HaGroups,
];

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn random_fault(rng: &mut fastrand::Rng) -> FaultRule {
    let kind = match rng.u8(0..10) {
        0 => FaultKind::Status { status: 500, retry_after: None },
        1 => FaultKind::Status { status: 503, retry_after: rng.bool().then_some(0) },
        2 => FaultKind::Status { status: 429, retry_after: Some(rng.u64(0..=2)) },
        3 => FaultKind::Status { status: [404, 408, 502][rng.usize(0..3)], retry_after: None },
        4 => FaultKind::Reset,
        5 => FaultKind::Truncated,
        6 => FaultKind::Malformed,
        // Beyond the request timeout (a timeout) or well under it (only slow).
        7 => FaultKind::Latency { ms: if rng.bool() { 700 } else { 30 } },
        _ => FaultKind::ExpireToken,
    };
    let mut rule = FaultRule::on(READS[rng.usize(0..READS.len())], kind).skip(rng.u32(0..=2));
    // Mostly a few firings, sometimes a persistent fault.
    if rng.u8(0..4) != 0 {
        rule = rule.times(rng.u32(1..=3));
    }
    rule
}

fn config() -> ClientConfig {
    ClientConfig::default()
        .with_timeouts(Duration::from_secs(1), Duration::from_millis(300), Duration::from_millis(500))
        .with_retry(
            RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(5))
                .with_max_retry_after(Duration::from_secs(1)),
        )
}

#[derive(Default)]
struct Tally {
    complete: u64,
    partial: u64,
    empty: u64,
    failures: BTreeMap<ErrorKind, u64>,
    faults: u64,
}

/// Checks one discovery; returns what is wrong with it, if anything.
fn check(d: &FleetDiscovery, expected: &Fleet, secrets: &[String]) -> Vec<String> {
    let mut wrong = Vec::new();
    // A malformed list item is left out with a warning naming it (`#0 (no id)`): then, and only then, the fleet
    // may lack it.
    let skipped = d.warnings.iter().any(|w| w.contains("(no id)") && w.contains("skipped"));
    // HA groups that could not be read leave a mesh marked `ha_groups_unknown`, with a warning saying so.
    let ha_unread = d.warnings.iter().any(|w| w.contains("NE HA groups not read") || w.contains("NE HA membership"));
    let mut fleet = d.fleet.clone();
    for m in fleet.meshes.iter_mut().filter(|_| ha_unread) {
        m.ha_groups_unknown = false;
    }
    if d.is_complete() {
        if fleet != *expected && !skipped {
            wrong.push("a complete discovery differs from the scenario".to_owned());
        }
    } else {
        // What a partial discovery keeps must be right: versions, pairs and meshes as in the scenario.
        for s in &d.fleet.sites {
            if expected.site(&s.id).map(|e| &e.version) != Some(&s.version) {
                wrong.push(format!("site {} has a wrong version {}", s.id, s.version));
            }
        }
        for p in &d.fleet.pairs {
            if !expected.pairs.contains(p) {
                wrong.push(format!("pair {} -> {} is not in the scenario", p.source, p.destination));
            }
        }
        for m in &fleet.meshes {
            if !expected.meshes.contains(m) && !skipped {
                wrong.push(format!("mesh {} differs from the scenario", m.id));
            }
        }
    }
    for f in &d.failures {
        if matches!(f.error.kind(), ErrorKind::Other | ErrorKind::Config) {
            wrong.push(format!("untyped failure: {f}"));
        }
    }
    let texts = d
        .failures
        .iter()
        .flat_map(|f| [f.to_string(), format!("{f:?}")])
        .chain(d.warnings.iter().cloned())
        .chain(std::iter::once(d.fleet.to_json_pretty()));
    for t in texts {
        if let Some(s) = secrets.iter().find(|s| t.contains(s.as_str())) {
            wrong.push(format!("a secret leaked ({} chars) into: {t}", s.len()));
        }
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discoveries_under_random_faults_are_right_or_fail_typed() {
    let runs = env_u64("HCX_SOAK_RUNS", 20);
    let seed = env_u64("HCX_SOAK_SEED", 0x5eed_2026);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut scenario = Scenario::generate(2);
    scenario.defaults.password = PASSWORD.to_owned();
    let sim = Simulator::start(scenario.clone(), PortPlan::Ephemeral, SimClock::manual()).await.unwrap();
    let mut expected = scenario.fleet.clone();
    for s in &mut expected.sites {
        s.url = sim.url(&s.id);
    }
    for e in &mut expected.extensions {
        e.binding = PortBinding::Unknown;
    }
    let file = EndpointsFile::from_json(&sim.endpoints_json()).unwrap();
    let targets: Vec<Target> = file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, PASSWORD)).collect();
    let opts = DiscoveryOptions::new(config()).with_deadline(Duration::from_secs(10));
    let (mut tally, mut wrong, mut hangs) = (Tally::default(), Vec::new(), 0u64);
    let started = Instant::now();
    for run in 0..runs {
        for m in sim.managers() {
            sim.clear_faults(&m.site);
            for _ in 0..rng.u32(1..=3) {
                sim.inject(&m.site, random_fault(&mut rng));
                tally.faults += 1;
            }
        }
        // The deadline bounds a discovery at 10 s; 60 s without an answer is a hang.
        let Ok(d) = tokio::time::timeout(Duration::from_secs(60), discover_fleet(targets.clone(), &opts)).await else {
            hangs += 1;
            continue;
        };
        let d = d.unwrap();
        let mut secrets: Vec<String> = sim.managers().iter().flat_map(|m| sim.issued_tokens(&m.site)).collect();
        secrets.push(PASSWORD.to_owned());
        secrets.push(PASSWORD.replace('\\', "\\\\").replace('"', "\\\""));
        wrong.extend(check(&d, &expected, &secrets).into_iter().map(|w| format!("run {run}: {w}")));
        match (d.is_complete(), d.sites.is_empty()) {
            (true, _) => tally.complete += 1,
            (false, true) => tally.empty += 1,
            (false, false) => tally.partial += 1,
        }
        for f in &d.failures {
            *tally.failures.entry(f.error.kind()).or_default() += 1;
        }
    }
    let kinds: Vec<String> = tally.failures.iter().map(|(k, n)| format!("{k} {n}")).collect();
    eprintln!(
        "soak: seed {seed:#x}, {runs} discoveries of {} sites, {} faults injected, {:.1} s: {} complete, {} partial, \
         {} with no site; site failures by kind: {}; hangs {hangs}, wrong or leaking {}",
        sim.managers().len(),
        tally.faults,
        started.elapsed().as_secs_f64(),
        tally.complete,
        tally.partial,
        tally.empty,
        if kinds.is_empty() { "none".to_owned() } else { kinds.join(", ") },
        wrong.len()
    );
    assert_eq!(hangs, 0, "discoveries hung");
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(tally.complete > 0 && !tally.failures.is_empty(), "the faults must both pass and fail some discoveries");
}
