//! `GET /hcx-sim/counters` and the tasks that change versions as they finish (upgrade and redeploy).

use std::time::Duration;

use hcx_sim::{Endpoint, PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../scenarios/avs-pair.json");

async fn login(http: &reqwest::Client, url: &str) -> String {
    let resp = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": "administrator@vsphere.local", "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login");
    resp.headers()["x-hm-authorization"].to_str().expect("token").to_owned()
}

async fn counters(http: &reqwest::Client, url: &str) -> Value {
    http.get(format!("{url}/hcx-sim/counters")).send().await.expect("counters").json().await.expect("json")
}

#[tokio::test]
async fn counters_show_calls_and_performed_mutations_per_target() {
    let clock = SimClock::manual();
    let scenario = Scenario::from_json(SCENARIO).expect("scenario");
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, clock.clone()).await.expect("start");
    let http = reqwest::Client::new();
    let url = sim.url("onprem-dc1").expect("url");
    let token = login(&http, &url).await;

    // No token needed for the counters, and reading them is not counted.
    let before = counters(&http, &url).await;
    assert_eq!(before["site"], "onprem-dc1");
    assert_eq!(before["endpoints"]["sessions"], json!({"calls": 1, "performed": 0}));
    assert!(before["endpoints"].get("appliance_redeploy").is_none());

    let redeploy = format!("{url}/hybridity/api/interconnect/appliances/dc1-avs-wo-i1/redeploy");
    let r = http.post(&redeploy).header("x-hm-authorization", &token).send().await.expect("redeploy");
    assert_eq!(r.status(), 202);
    let body: Value = r.json().await.expect("json");
    let task = body["data"]["interconnectTaskId"].as_str().expect("task id").to_owned();
    // A refused call (no token) is counted as a call, not as a mutation.
    assert_eq!(http.post(&redeploy).send().await.expect("unauthorised").status(), 401);

    let after = counters(&http, &url).await;
    assert_eq!(after["endpoints"]["appliance_redeploy"], json!({"calls": 2, "performed": 1}));
    assert_eq!(after["performed_on"]["appliance_redeploy:dc1-avs-wo-i1"], 1);
    assert_eq!(sim.performed_on("onprem-dc1", Endpoint::ApplianceRedeploy, "dc1-avs-wo-i1"), 1);

    // The redeploy finishes on the scenario's timing and leaves both ends on their managers' versions.
    let t: Value = http
        .get(format!("{url}/hybridity/api/interconnect/tasks/{task}"))
        .header("x-hm-authorization", &token)
        .send()
        .await
        .expect("task")
        .json()
        .await
        .expect("json");
    assert_eq!(t["entityDetails"]["id"], "dc1-avs-wo-i1");
    assert_eq!(sim.appliance_versions("dc1-avs-wo-i1").map(|v| v.1.to_string()), Some("4.10.2".to_owned()));
    clock.advance(Duration::from_secs(66));
    counters(&http, &url).await;
    let (src, dst) = sim.appliance_versions("dc1-avs-wo-i1").expect("appliance");
    assert_eq!((src.to_string(), dst.to_string()), ("4.10.2".to_owned(), "4.10.3".to_owned()));
}
