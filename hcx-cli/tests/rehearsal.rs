//! The README rehearsal, end to end on loopback: start the simulator, `hcx discover`, `hcx plan`.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::process::Command;

use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};

const SCENARIO: &str = include_str!("../../hcx-sim/scenarios/avs-pair.json");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_discover_plan() {
    let sim = Simulator::start(Scenario::from_json(SCENARIO).unwrap(), PortPlan::Ephemeral, SimClock::manual())
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("hcx-rehearsal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let endpoints = dir.join("endpoints.json");
    let fleet = dir.join("discovered.json");
    sim.write_endpoints(&endpoints).unwrap();

    let hcx = env!("CARGO_BIN_EXE_hcx");
    let (e, f) = (endpoints.clone(), fleet.clone());
    let out = tokio::task::spawn_blocking(move || {
        Command::new(hcx)
            .args(["discover", "--endpoints", e.to_str().unwrap(), "--out", f.to_str().unwrap()])
            .env("HCX_PASSWORD", "hcx-sim-password")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("hcx-sim-password"), "the password leaked: {stderr}");

    let discovered = hcx_core::fleet::Fleet::load(&fleet).unwrap();
    assert_eq!(discovered.sites.len(), 2);
    assert_eq!(discovered.pairs.len(), 1, "a pair seen from both ends is one pair");
    assert_eq!(discovered.meshes.len(), 1);

    let f = fleet.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(hcx)
            .args(["plan", "--fleet", f.to_str().unwrap(), "--date", "2026-11-28", "--format", "json"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    // The scenario has a migration in flight: a real blocker, so exit code 1 with a full plan on stdout.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(plan["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "active-migrations"));
    assert!(
        plan["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "ne-ephemeral-binding" && f["severity"] == "warning"),
        "discovered bindings are unknown and flagged"
    );

    // A wrong password fails cleanly, naming the site but never the secret.
    let e = endpoints.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(hcx)
            .args(["discover", "--endpoints", e.to_str().unwrap()])
            .env("HCX_PASSWORD", "wrong-secret-value")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("wrong-secret-value"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
