//! The simulator on its own: envelopes, auth, time, faults and a large generated fleet. Loopback only.

use std::time::Duration;

use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../scenarios/avs-pair.json");

async fn start() -> (Simulator, SimClock) {
    let clock = SimClock::manual();
    let sim = Simulator::start(Scenario::from_json(SCENARIO).expect("scenario"), PortPlan::Ephemeral, clock.clone())
        .await
        .expect("start");
    (sim, clock)
}

async fn login(http: &reqwest::Client, url: &str, user: &str) -> String {
    let resp = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": user, "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 200);
    resp.headers()["x-hm-authorization"].to_str().expect("token").to_owned()
}

async fn get(http: &reqwest::Client, url: &str, path: &str, token: &str) -> (u16, Value) {
    let resp = http.get(format!("{url}{path}")).header("x-hm-authorization", token).send().await.expect("get");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn envelopes_and_idle_expiry() {
    let (sim, clock) = start().await;
    let http = reqwest::Client::new();
    let url = sim.url("onprem-dc1").expect("url");
    assert!(url.starts_with("http://127.0.0.1:"));
    let bad = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": "administrator@vsphere.local", "password": "nope"}))
        .send()
        .await
        .expect("login");
    assert_eq!(bad.status(), 401);
    let token = login(&http, &url, "administrator@vsphere.local").await;

    let (s, v) = get(&http, &url, "/hybridity/api/metainfo/context/support", &token).await;
    assert_eq!(s, 200);
    assert_eq!(v["data"]["localEndpoints"][0]["endpoint"]["version"], "4.10.2");
    let (_, v) = get(&http, &url, "/hybridity/api/cloudConfigs", &token).await;
    assert_eq!(v["success"], true);
    assert_eq!(v["data"]["items"][0]["version"], "4.10.3");
    assert_eq!(v["data"]["items"][0]["url"], json!(sim.url("avs-westeurope")));
    let (_, v) = get(&http, &url, "/hybridity/api/interconnect/appliances", &token).await;
    assert_eq!(v["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        v["items"][0]["applianceVersion"],
        json!({"major": 4, "minor": 10, "patch": 2, "revision": "0", "build": 0})
    );

    // Any request resets the idle timer; 15 minutes of silence expires the token.
    clock.advance(Duration::from_secs(14 * 60));
    assert_eq!(get(&http, &url, "/hybridity/api/l2Extensions", &token).await.0, 200);
    clock.advance(Duration::from_secs(14 * 60));
    assert_eq!(get(&http, &url, "/hybridity/api/l2Extensions", &token).await.0, 200);
    clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_eq!(get(&http, &url, "/hybridity/api/l2Extensions", &token).await.0, 401);
    assert_eq!(get(&http, &url, "/hybridity/api/l2Extensions", "").await.0, 401);
    assert_eq!(sim.calls("onprem-dc1", Endpoint::L2Extensions), 4);
}

#[tokio::test]
async fn appliance_upgrade_task_progresses_and_bumps_both_ends() {
    let (sim, clock) = start().await;
    let http = reqwest::Client::new();
    let url = sim.url("onprem-dc1").expect("url");
    let token = login(&http, &url, "administrator@vsphere.local").await;
    let resp = http
        .post(format!("{url}/hybridity/api/interconnect/appliances/dc1-avs-ix-i1/upgrade?force=false&local=false"))
        .header("x-hm-authorization", &token)
        .json(&json!({}))
        .send()
        .await
        .expect("upgrade");
    assert_eq!(resp.status(), 202);
    let v: Value = resp.json().await.expect("json");
    let task = v["data"]["interconnectTaskId"].as_str().expect("task id").to_owned();
    let path = format!("/hybridity/api/interconnect/tasks/{task}");
    assert_eq!(get(&http, &url, &path, &token).await.1["status"], "QUEUED");
    clock.advance(Duration::from_secs(30));
    let (_, t) = get(&http, &url, &path, &token).await;
    assert_eq!(t["status"], "RUNNING");
    assert!(t["progress"].as_u64().is_some_and(|p| p > 0 && p < 100));
    clock.advance(Duration::from_secs(60));
    assert_eq!(get(&http, &url, &path, &token).await.1["status"], "SUCCESS");
    let (src, dst) = sim.appliance_versions("dc1-avs-ix-i1").expect("appliance");
    assert_eq!(src.to_string(), "4.10.2", "source manager is 4.10.2, nothing newer to take");
    assert_eq!(dst.to_string(), "4.10.3", "the peer takes the cloud manager's version");
    assert_eq!(sim.performed("onprem-dc1", Endpoint::ApplianceUpgrade), 1);
}

#[tokio::test]
async fn injected_status_truncation_and_reset() {
    let (sim, _clock) = start().await;
    let http = reqwest::Client::new();
    let url = sim.url("onprem-dc1").expect("url");
    let token = login(&http, &url, "administrator@vsphere.local").await;
    sim.inject(
        "onprem-dc1",
        FaultRule::on(Endpoint::ServiceMesh, FaultKind::Status { status: 429, retry_after: Some(7) }).times(1),
    );
    let resp = http
        .get(format!("{url}/hybridity/api/interconnect/serviceMesh"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "7");
    assert_eq!(get(&http, &url, "/hybridity/api/interconnect/serviceMesh", &token).await.0, 200);

    sim.inject("onprem-dc1", FaultRule::on(Endpoint::CloudConfigs, FaultKind::Truncated).times(1));
    let text = http
        .get(format!("{url}/hybridity/api/cloudConfigs"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "truncated body must not parse: {text}");

    sim.inject("onprem-dc1", FaultRule::on(Endpoint::L2Extensions, FaultKind::Reset).times(1));
    let err = http
        .get(format!("{url}/hybridity/api/l2Extensions"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect_err("reset");
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    assert_eq!(get(&http, &url, "/hybridity/api/l2Extensions", &token).await.0, 200);
}

#[tokio::test]
async fn manager_upgrade_rehearsal_takes_the_manager_down_then_up() {
    let (sim, clock) = start().await;
    let http = reqwest::Client::new();
    let url = sim.url("avs-westeurope").expect("url");
    let token = login(&http, &url, "cloudadmin@vsphere.local").await;
    let resp = http
        .post(format!("{url}/hcx-sim/rehearsal/manager-upgrade"))
        .header("x-hm-authorization", &token)
        .json(&json!({"to": "4.11.0"}))
        .send()
        .await
        .expect("start");
    assert_eq!(resp.status(), 202);
    assert_eq!(
        resp.json::<Value>().await.expect("json"),
        json!({"rehearsal": "manager-upgrade", "state": "queued", "from": "4.10.3", "to": "4.11.0", "progress": 0})
    );
    clock.advance(Duration::from_secs(10));
    assert_eq!(get(&http, &url, "/hybridity/api/cloudConfigs", &token).await.0, 503);
    assert_eq!(get(&http, &url, "/hcx-sim/rehearsal/manager-upgrade", &token).await.1["state"], "running");
    assert_eq!(get(&http, &url, "/hcx-sim/stand-in/manager/upgrade", &token).await.0, 404, "old path removed");
    clock.advance(Duration::from_secs(600));
    // Rebooted: the old session is gone, the version is new, and the connector's cloudConfigs shows it.
    assert_eq!(get(&http, &url, "/hybridity/api/cloudConfigs", &token).await.0, 401);
    let token = login(&http, &url, "cloudadmin@vsphere.local").await;
    let (_, v) = get(&http, &url, "/hybridity/api/metainfo/context/support", &token).await;
    assert_eq!(v["data"]["localEndpoints"][0]["endpoint"]["version"], "4.11.0");
    let curl = sim.url("onprem-dc1").expect("url");
    let ctoken = login(&http, &curl, "administrator@vsphere.local").await;
    assert_eq!(
        get(&http, &curl, "/hybridity/api/cloudConfigs", &ctoken).await.1["data"]["items"][0]["version"],
        "4.11.0"
    );
}

#[tokio::test]
async fn endpoints_file_lists_every_manager() {
    let (sim, _clock) = start().await;
    let v: Value = serde_json::from_str(&sim.endpoints_json()).expect("json");
    assert_eq!(v["schema"], "hcx-endpoints/v1");
    assert_eq!(v["endpoints"][1]["site"], "avs-westeurope");
    assert_eq!(v["endpoints"][1]["role"], "cloud");
    assert_eq!(v["endpoints"][1]["platform"], "avs");
    assert_eq!(v["endpoints"][1]["username"], "cloudadmin@vsphere.local");
    assert!(!sim.endpoints_json().contains("hcx-sim-password"));
}

/// Several hundred managers in one process, one loopback port each; a login on every one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_managers_answer_a_login() {
    let sim = Simulator::start(Scenario::generate(150), PortPlan::Ephemeral, SimClock::manual()).await.expect("start");
    assert_eq!(sim.managers().len(), 300);
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("client");
    let mut set = tokio::task::JoinSet::new();
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(32));
    for m in sim.managers() {
        assert!(m.addr.ip().is_loopback());
        let (http, url, user, sem) = (http.clone(), m.url.clone(), m.username.clone(), sem.clone());
        set.spawn(async move {
            let _permit = sem.acquire_owned().await.expect("permit");
            let resp = tokio::time::timeout(
                Duration::from_secs(20),
                http.post(format!("{url}/hybridity/api/sessions"))
                    .json(&json!({"username": user, "password": "hcx-sim-password"}))
                    .send(),
            )
            .await
            .expect("bounded")
            .expect("login");
            resp.status().as_u16()
        });
    }
    let mut ok = 0;
    while let Some(r) = set.join_next().await {
        assert_eq!(r.expect("join"), 200);
        ok += 1;
    }
    assert_eq!(ok, 300);
    for m in sim.managers() {
        assert_eq!(sim.calls(&m.site, Endpoint::Sessions), 1, "{}", m.site);
    }
}

#[tokio::test]
async fn extension_delete_job_progresses_and_removes_the_extension() {
    let (sim, clock) = start().await;
    let http = reqwest::Client::new();
    let url = sim.url("onprem-dc1").expect("url");
    let token = login(&http, &url, "administrator@vsphere.local").await;
    let (_, list) = get(&http, &url, "/hybridity/api/l2Extensions", &token).await;
    let stretch = list["items"][0]["stretchId"].as_str().expect("stretch").to_owned();
    let resp = http
        .delete(format!("{url}/hybridity/api/l2Extensions/{stretch}"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect("delete");
    assert_eq!(resp.status(), 200);
    let job = resp.json::<Value>().await.expect("json")["id"].as_str().expect("job").to_owned();
    let path = format!("/hybridity/api/jobs/{job}");
    clock.advance(Duration::from_secs(15));
    let (_, j) = get(&http, &url, &path, &token).await;
    assert_eq!((j["isDone"].as_bool(), j["percentComplete"].as_u64()), (Some(false), Some(50)));
    clock.advance(Duration::from_secs(15));
    assert_eq!(get(&http, &url, &path, &token).await.1["isDone"], true);
    assert_eq!(
        get(&http, &url, "/hybridity/api/l2Extensions", &token).await.1["items"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(sim.performed("onprem-dc1", Endpoint::L2ExtensionDelete), 1);
    assert_eq!(sim.mutating_calls(), 1);
}
