//! The README rehearsal, end to end on loopback: start the simulator, `hcx discover`, `hcx plan`.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use common::{PASSWORD, hcx_blocking, s, sim_endpoints};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_discover_plan() {
    let (_sim, endpoints, dir) = sim_endpoints("rehearsal").await;
    let fleet = dir.join("discovered.json");

    let password = [("HCX_PASSWORD", PASSWORD)];
    let out = hcx_blocking(&["discover", "--endpoints", s(&endpoints), "--out", s(&fleet)], b"", &password).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(PASSWORD), "the password leaked: {stderr}");

    let discovered = hcx_core::fleet::Fleet::load(&fleet).unwrap();
    assert_eq!(discovered.sites.len(), 2);
    assert_eq!(discovered.pairs.len(), 1, "a pair seen from both ends is one pair");
    assert_eq!(discovered.meshes.len(), 1);

    let out = hcx_blocking(&["plan", "--fleet", s(&fleet), "--date", "2026-11-28", "--format", "json"], b"", &[]).await;
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
    let wrong = [("HCX_PASSWORD", "wrong-secret-value")];
    let out = hcx_blocking(&["discover", "--endpoints", s(&endpoints)], b"", &wrong).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("wrong-secret-value"), "{stderr}");
}
