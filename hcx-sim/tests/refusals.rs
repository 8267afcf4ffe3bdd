//! What the managers refuse: every malformed request answers 400 and performs nothing, issues no token.

use hcx_sim::{Endpoint, PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../scenarios/avs-pair.json");
const SITE: &str = "onprem-dc1";
const USER: &str = "administrator@vsphere.local";

async fn login(http: &reqwest::Client, url: &str) -> String {
    let resp = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": USER, "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 200);
    resp.headers()["x-hm-authorization"].to_str().expect("token").to_owned()
}

/// POSTs a raw body (with a JSON content type, as a careless client would) and answers status and JSON body.
async fn post_raw(http: &reqwest::Client, url: &str, token: Option<&str>, body: &str) -> (u16, Value) {
    let mut req = http.post(url).header("content-type", "application/json").body(body.to_owned());
    if let Some(t) = token {
        req = req.header("x-hm-authorization", t);
    }
    let resp = req.send().await.expect("post");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().await.expect("body")).unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_malformed_request_is_400_and_performs_nothing() {
    let sim =
        Simulator::start(Scenario::from_json(SCENARIO).expect("scenario"), PortPlan::Ephemeral, SimClock::manual())
            .await
            .expect("start");
    let http = reqwest::Client::new();
    let url = sim.url(SITE).expect("url");
    let sessions = format!("{url}/hybridity/api/sessions");

    // Logins: a bad authType and bodies that are not the documented JSON object.
    let (s, v) = post_raw(
        &http,
        &sessions,
        None,
        &json!({"username": USER, "password": "hcx-sim-password", "authType": "local"}).to_string(),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!((v["success"].as_bool(), v["completed"].as_bool()), (Some(false), Some(true)));
    assert_eq!(v["errorCode"], "BAD_REQUEST");
    assert_eq!(v["error"], "Unsupported auth type: local");
    assert!(v["time"].is_u64());
    for body in [
        "username=administrator@vsphere.local&password=hcx-sim-password",
        "",
        r#"["administrator@vsphere.local","hcx-sim-password"]"#,
        r#"{"username":"administrator@vsphere.local"}"#,
        r#"{"username":"administrator@vsphere.local","password":"hcx-sim-password","authType":7}"#,
    ] {
        let (s, v) = post_raw(&http, &sessions, None, body).await;
        assert_eq!(s, 400, "{body}");
        assert_eq!(v["errorCode"], "BAD_REQUEST", "{body}");
    }
    assert!(sim.issued_tokens(SITE).is_empty(), "no refused login issues a token");
    // authType "password" is accepted (KB 321606).
    let (s, _) = post_raw(
        &http,
        &sessions,
        None,
        &json!({"username": USER, "password": "hcx-sim-password", "authType": "password"}).to_string(),
    )
    .await;
    assert_eq!(s, 200);

    let token = login(&http, &url).await;
    let appliance = format!("{url}/hybridity/api/interconnect/appliances/dc1-avs-ix-i1");
    let refused = [
        (format!("{appliance}/upgrade?method=bogus"), "{}"),
        (format!("{appliance}/upgrade?force=maybe"), "{}"),
        (format!("{appliance}/upgrade?force=false&dryRun=true"), "{}"),
        (format!("{appliance}/upgrade?local"), ""),
        (format!("{appliance}/upgrade"), "please upgrade"),
        (format!("{appliance}/upgrade"), "[]"),
        (format!("{appliance}/redeploy?method=legacy"), ""),
        (format!("{appliance}/redeploy?local=yes"), ""),
        (format!("{appliance}/redeploy"), "not json"),
    ];
    for (target, body) in &refused {
        let (s, v) = post_raw(&http, target, Some(&token), body).await;
        assert_eq!(s, 400, "{target} {body}");
        assert_eq!(v["data"], Value::Null, "{target}");
        assert_eq!(v["warnings"], json!([]), "{target}");
        assert_eq!(v["errors"][0]["code"], "BAD_REQUEST", "{target}");
        assert!(v["errors"][0]["message"].as_str().is_some_and(|m| !m.is_empty()), "{target}");
    }
    assert_eq!(sim.calls(SITE, Endpoint::ApplianceUpgrade), 6);
    assert_eq!(sim.calls(SITE, Endpoint::ApplianceRedeploy), 3);
    assert_eq!(sim.performed(SITE, Endpoint::ApplianceUpgrade), 0);
    assert_eq!(sim.performed(SITE, Endpoint::ApplianceRedeploy), 0);
    assert_eq!(sim.tunnel_up("dc1-avs-ix-i1"), Some(true), "no task was created");

    // Read queries whose bodies the manager would not parse.
    let query = format!("{url}/hybridity/api/interconnect/appliances/query");
    let migrations = format!("{url}/hybridity/api/migrations?action=query");
    for (target, body) in [
        (&query, "filter=all"),
        (&query, "[]"),
        (&query, r#"{"filter":{"colour":"blue"}}"#),
        (&query, r#"{"filter":{"serviceMeshId":5}}"#),
        (&migrations, "give me migrations"),
        (&migrations, r#"{"filter":{"state":"MIGRATING","colour":["x"]}}"#),
        (&migrations, r#"{"options":{"compat":3.0}}"#),
    ] {
        let (s, v) = post_raw(&http, target, Some(&token), body).await;
        assert_eq!(s, 400, "{target} {body}");
        assert_eq!(v["errors"][0]["code"], "BAD_REQUEST", "{target} {body}");
    }

    // The well-formed forms still work, and only they perform.
    let ok = format!("{appliance}/upgrade?force=false&local=false&method=inService");
    assert_eq!(post_raw(&http, &ok, Some(&token), "").await.0, 202);
    assert_eq!(sim.performed(SITE, Endpoint::ApplianceUpgrade), 1);
    assert_eq!(sim.mutating_calls(), 10);
}
