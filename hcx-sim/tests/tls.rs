//! `Simulator::start_tls`: https on loopback with a certificate for 127.0.0.1 and localhost from a fresh CA.

use hcx_sim::{PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

#[tokio::test]
async fn managers_serve_https_that_the_ca_verifies() {
    let scenario = Scenario::from_json(include_str!("../scenarios/avs-pair.json")).expect("scenario");
    let sim = Simulator::start_tls(scenario, PortPlan::Ephemeral, SimClock::manual()).await.expect("start");
    let pem = sim.ca_pem().expect("ca").to_owned();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes()).expect("pem");
    let http = reqwest::Client::builder().tls_certs_only(certs).build().expect("client");
    let url = sim.url("onprem-dc1").expect("url");
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let v: Value = serde_json::from_str(&sim.endpoints_json()).expect("endpoints");
    assert!(
        v["endpoints"]
            .as_array()
            .expect("list")
            .iter()
            .all(|e| e["url"].as_str().is_some_and(|u| u.starts_with("https://")))
    );
    let port = sim.manager("onprem-dc1").expect("manager").addr.port();
    for base in [url.clone(), format!("https://localhost:{port}")] {
        let resp = http
            .post(format!("{base}/hybridity/api/sessions"))
            .json(&json!({"username": "administrator@vsphere.local", "password": "hcx-sim-password"}))
            .send()
            .await
            .expect("https login");
        assert_eq!(resp.status(), 200, "{base}");
    }
    // The paired manager's URL in cloudConfigs is https too.
    let token = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": "administrator@vsphere.local", "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login")
        .headers()["x-hm-authorization"]
        .to_str()
        .expect("token")
        .to_owned();
    let configs: Value = http
        .get(format!("{url}/hybridity/api/cloudConfigs"))
        .header("x-hm-authorization", token)
        .send()
        .await
        .expect("cloudConfigs")
        .json()
        .await
        .expect("json");
    assert_eq!(configs["data"]["items"][0]["url"], json!(sim.url("avs-westeurope")));
    // A client without the CA refuses the certificate; plain http gets no answer.
    assert!(reqwest::Client::new().get(format!("{url}/hcx-sim/counters")).send().await.is_err());
    let plain = format!("http://127.0.0.1:{port}/hcx-sim/counters");
    assert!(reqwest::Client::new().get(plain).send().await.is_err());
}
