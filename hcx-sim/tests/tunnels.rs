//! Appliance status (`status.summary.overallStatus`, values INFERRED) following the tunnel model, the INFERRED
//! `status.tunnels[]` behind the scenario's `inferred_tunnels`, and the knob that keeps a tunnel down.

use std::time::Duration;

use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../scenarios/avs-pair.json");
const IX: &str = "dc1-avs-ix-i1";

async fn login(http: &reqwest::Client, url: &str, user: &str) -> String {
    let resp = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": user, "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login");
    resp.headers()["x-hm-authorization"].to_str().expect("token").to_owned()
}

/// The IX pair's appliance objects, one per end.
async fn ix_ends(sim: &Simulator, http: &reqwest::Client) -> Vec<Value> {
    let mut out = Vec::new();
    for (site, user) in [("onprem-dc1", "administrator@vsphere.local"), ("avs-westeurope", "cloudadmin@vsphere.local")]
    {
        let url = sim.url(site).expect("url");
        let token = login(http, &url, user).await;
        let v: Value = http
            .get(format!("{url}/hybridity/api/interconnect/appliances"))
            .header("x-hm-authorization", &token)
            .send()
            .await
            .expect("appliances")
            .json()
            .await
            .expect("json");
        let items = v["items"].as_array().expect("items");
        let ix = items.iter().find(|a| a["applianceId"].as_str().is_some_and(|id| id.starts_with(IX))).expect("ix");
        out.push(ix.clone());
    }
    out
}

/// The `overallStatus` each end reports for the IX pair.
async fn ix_tunnels(sim: &Simulator, http: &reqwest::Client) -> Vec<String> {
    let mut out = Vec::new();
    for ix in ix_ends(sim, http).await {
        assert!(ix["status"].get("tunnels").is_none(), "no inferred tunnels unless the scenario asks");
        out.push(ix["status"]["summary"]["overallStatus"].as_str().expect("status").to_owned());
    }
    out
}

#[tokio::test]
async fn a_tunnel_goes_down_while_its_appliance_upgrades_and_reconverges_after() {
    let clock = SimClock::manual();
    let sim = Simulator::start(Scenario::from_json(SCENARIO).expect("scenario"), PortPlan::Ephemeral, clock.clone())
        .await
        .expect("start");
    let http = reqwest::Client::new();
    assert_eq!(ix_tunnels(&sim, &http).await, ["UP", "UP"]);
    let url = sim.url("onprem-dc1").expect("url");
    let token = login(&http, &url, "administrator@vsphere.local").await;
    let r = http
        .post(format!("{url}/hybridity/api/interconnect/appliances/{IX}/upgrade"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect("upgrade");
    assert_eq!(r.status(), 202);
    assert_eq!(sim.tunnel_up(IX), Some(true), "still queued");
    clock.advance(Duration::from_secs(10));
    assert_eq!(ix_tunnels(&sim, &http).await, ["DOWN", "DOWN"], "running");
    // Task ends at 65 s; the tunnel re-converges 20 s later (the default timing).
    clock.advance(Duration::from_secs(60));
    assert_eq!(sim.tunnel_up(IX), Some(false), "converging");
    clock.advance(Duration::from_secs(20));
    assert_eq!(ix_tunnels(&sim, &http).await, ["UP", "UP"]);
}

#[tokio::test]
async fn tunnels_down_keeps_a_tunnel_down_until_released() {
    let mut v: Value = serde_json::from_str(SCENARIO).expect("json");
    v["tunnels_down"] = json!([IX]);
    let scenario = Scenario::from_json(&v.to_string()).expect("scenario");
    assert!(scenario.to_json_pretty().contains("tunnels_down"), "written back");
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual()).await.expect("start");
    let http = reqwest::Client::new();
    assert_eq!(ix_tunnels(&sim, &http).await, ["DOWN", "DOWN"]);
    assert_eq!(sim.tunnel_up("dc1-avs-ne-i1"), Some(true), "only the named pair");
    assert!(sim.set_tunnel_down(IX, false));
    assert_eq!(ix_tunnels(&sim, &http).await, ["UP", "UP"]);
    assert!(!sim.set_tunnel_down("no-such-appliance", true));

    v["tunnels_down"] = json!([IX]);
    v["inferred_tunnels"] = json!(true);
    let scenario = Scenario::from_json(&v.to_string()).expect("scenario");
    assert!(scenario.to_json_pretty().contains("inferred_tunnels"), "written back");
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual()).await.expect("start");
    for ix in ix_ends(&sim, &http).await {
        let t = &ix["status"]["tunnels"][0];
        assert_eq!(t["peerApplianceId"], ix["peerAppliances"][0]["applianceId"]);
        assert_eq!(
            (t["status"].as_str(), ix["status"]["summary"]["overallStatus"].as_str()),
            (Some("DOWN"), Some("DOWN"))
        );
        assert_eq!(ix["status"]["summary"]["reasons"].as_array().map(Vec::len), Some(1));
    }

    v["tunnels_down"] = json!(["no-such-appliance"]);
    let e = Scenario::from_json(&v.to_string()).expect_err("unknown appliance");
    assert!(e.to_string().contains("no-such-appliance"), "{e}");
}

/// The load the discovery benchmark puts on it: 200 managers with 50 ms latency each, in one process, every
/// one logged in to and read concurrently.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_managers_with_latency_answer_concurrent_reads() {
    let mut scenario = Scenario::generate(100);
    scenario.defaults.latency_ms = 50;
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual()).await.expect("start");
    assert_eq!(sim.managers().len(), 200);
    let http = reqwest::Client::new();
    let mut set = tokio::task::JoinSet::new();
    for m in sim.managers() {
        let (http, url, user) = (http.clone(), m.url.clone(), m.username.clone());
        set.spawn(async move {
            let token = login(&http, &url, &user).await;
            let mut statuses = Vec::new();
            for path in ["metainfo/context/support", "interconnect/serviceMesh", "interconnect/appliances"] {
                let r = http
                    .get(format!("{url}/hybridity/api/{path}"))
                    .header("x-hm-authorization", &token)
                    .send()
                    .await
                    .expect("get");
                statuses.push(r.status().as_u16());
            }
            statuses
        });
    }
    let mut n = 0;
    while let Some(r) = set.join_next().await {
        assert_eq!(r.expect("join"), [200, 200, 200]);
        n += 1;
    }
    assert_eq!(n, 200);
}
