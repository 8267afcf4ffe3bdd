//! The shapes public clients read (issue 23): the login body, appliance and mesh status, the 9.x system mesh,
//! NE HA groups, extension fields, the migration query styles, the read endpoints and the `patch` fault.

use std::time::Duration;

use hcx_core::HcxVersion;
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};

const SCENARIO: &str = include_str!("../scenarios/avs-pair.json");
const SRC: &str = "onprem-dc1";
const DST: &str = "avs-westeurope";
const NE: &str = "dc1-avs-ne-i1";
const MESH: &str = "servicemesh-fb5509e1-b47b-4166-a130-491380284922";

fn user(site: &str) -> &'static str {
    if site == DST { "cloudadmin@vsphere.local" } else { "administrator@vsphere.local" }
}

/// The sample scenario with `edit` applied to its JSON.
async fn start_with(edit: impl FnOnce(&mut Value)) -> (Simulator, SimClock) {
    let mut v: Value = serde_json::from_str(SCENARIO).expect("json");
    edit(&mut v);
    let clock = SimClock::manual();
    let sim =
        Simulator::start(Scenario::from_json(&v.to_string()).expect("scenario"), PortPlan::Ephemeral, clock.clone())
            .await
            .expect("start");
    (sim, clock)
}

/// A logged-in client of one site: (base url, token, login body).
async fn login(sim: &Simulator, http: &reqwest::Client, site: &str) -> (String, String, Value) {
    let url = sim.url(site).expect("url");
    let resp = http
        .post(format!("{url}/hybridity/api/sessions"))
        .json(&json!({"username": user(site), "password": "hcx-sim-password"}))
        .send()
        .await
        .expect("login");
    assert_eq!(resp.status(), 200);
    let token = resp.headers()["x-hm-authorization"].to_str().expect("token").to_owned();
    (url, token, resp.json().await.expect("login body"))
}

async fn call(http: &reqwest::Client, method: &str, url: &str, token: &str, body: Option<&str>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut req = http.request(method, url).header("x-hm-authorization", token);
    if let Some(b) = body {
        req = req.header("content-type", "application/json").body(b.to_owned());
    }
    let resp = req.send().await.expect("call");
    let status = resp.status().as_u16();
    (status, serde_json::from_str(&resp.text().await.expect("text")).unwrap_or(Value::Null))
}

async fn get(http: &reqwest::Client, url: &str, path: &str, token: &str) -> Value {
    let (s, v) = call(http, "GET", &format!("{url}/hybridity/api/{path}"), token, None).await;
    assert_eq!(s, 200, "{path}: {v}");
    v
}

async fn post(http: &reqwest::Client, url: &str, path: &str, token: &str, body: &str) -> Value {
    let (s, v) = call(http, "POST", &format!("{url}/hybridity/api/{path}"), token, Some(body)).await;
    assert_eq!(s, 200, "{path} {body}: {v}");
    v
}

#[tokio::test]
async fn login_body_names_the_managers_endpoint_id() {
    let (sim, _) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    let (_, _, body) = login(&sim, &http, DST).await;
    assert_eq!(body["success"], true);
    let uuid = body["data"]["endpointInfo"]["uuid"].as_str().expect("uuid").to_owned();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let configs = get(&http, &url, "cloudConfigs", &token).await;
    assert_eq!(configs["data"]["items"][0]["endpointId"], json!(uuid), "the peer knows it by the same id");
}

#[tokio::test]
async fn appliances_carry_compute_profile_and_overall_status_and_honour_vc_guid() {
    let (sim, _) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    for site in [SRC, DST] {
        let (url, token, _) = login(&sim, &http, site).await;
        let meta = get(&http, &url, "metainfo/context/interconnect", &token).await;
        let vc = meta[0]["cloudManagementPlatforms"][0]["cmpId"].as_str().expect("cmpId").to_owned();
        assert_eq!(get(&http, &url, "metainfo/context/interconnect", &token).await, meta, "stable");
        let meshes = get(&http, &url, &format!("interconnect/serviceMesh?vcGuid={vc}"), &token).await;
        let ep = get(&http, &url, "metainfo/context/support", &token).await["data"]["localEndpoints"][0]["endpoint"]
            ["endpointId"]
            .clone();
        let profile = meshes["items"][0]["computeProfiles"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["endpointId"] == ep))
            .map(|p| p["computeProfileId"].clone())
            .expect("this site's profile");
        let body = json!({"filter": {"serviceMeshId": MESH}}).to_string();
        let items = post(&http, &url, &format!("interconnect/appliances/query?vcGuid={vc}"), &token, &body).await;
        let items = items["items"].as_array().expect("items").clone();
        assert_eq!(items.len(), 3, "{site}");
        for a in &items {
            assert_eq!(a["computeProfileId"], profile, "{site}");
            assert_eq!(a["status"]["summary"], json!({"overallStatus": "UP", "reasons": []}), "{site}");
            assert!(a["status"].get("tunnels").is_none());
        }
        let ne = json!({"filter": {"applianceType": "HCX-NET-EXT"}}).to_string();
        assert_eq!(
            post(&http, &url, "interconnect/appliances/query", &token, &ne).await["items"].as_array().map(Vec::len),
            Some(1)
        );
        assert_eq!(
            post(&http, &url, "interconnect/appliances/query", &token, "").await["items"].as_array().map(Vec::len),
            Some(3)
        );
        let other = "interconnect/appliances/query?vcGuid=00000000-0000-0000-0000-000000000000";
        assert_eq!(post(&http, &url, other, &token, "{}").await["items"], json!([]));
        let other = "interconnect/serviceMesh?vcGuid=00000000-0000-0000-0000-000000000000";
        assert_eq!(get(&http, &url, other, &token).await["items"], json!([]));
    }

    // The tunnel model drives overallStatus and the mesh's service status.
    assert!(sim.set_tunnel_down(NE, true));
    let (url, token, _) = login(&sim, &http, DST).await;
    let items = get(&http, &url, "interconnect/appliances", &token).await;
    let down: Vec<&str> = items["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|a| a["status"]["summary"]["overallStatus"] == "DOWN")
        .filter_map(|a| a["applianceId"].as_str())
        .collect();
    assert_eq!(down, ["dc1-avs-ne-i1-peer"]);
    let mesh = &get(&http, &url, "interconnect/serviceMesh", &token).await["items"][0];
    assert!(mesh["status"]["timestamp"].is_u64());
    let services = mesh["status"]["services"].as_array().expect("services");
    assert_eq!(services.len(), mesh["services"].as_array().map_or(0, Vec::len));
    assert!(services.iter().all(|s| s["status"] == "DOWN" && s["reason"] == json!([]) && s["serviceName"].is_string()));
}

#[tokio::test]
async fn a_9x_manager_lists_its_system_mesh() {
    let (sim, clock) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, DST).await;
    let before = get(&http, &url, "interconnect/serviceMesh", &token).await;
    assert_eq!(before["items"].as_array().map(Vec::len), Some(1), "4.x has no system mesh");
    sim.upgrade_manager(DST, HcxVersion::new(9, 0, 0)).expect("upgrade");
    clock.advance(Duration::from_secs(700));
    let (url, token, _) = login(&sim, &http, DST).await;
    let items = get(&http, &url, "interconnect/serviceMesh", &token).await["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2);
    let sys = &items[1];
    assert_eq!(sys["backingApplianceType"], "NOT_APPLICABLE");
    assert!(sys.get("isLocalMesh").is_none(), "value UNKNOWN");
    let name = sys["name"].as_str().expect("name");
    let id = sys["serviceMeshId"].as_str().expect("id");
    assert!(name.starts_with("default-service-mesh-") && name.len() == "default-service-mesh-".len() + 8, "{name}");
    assert!(id.starts_with(&format!("servicemesh-{}", &name["default-service-mesh-".len()..])), "{id}");
    assert!(sys["status"].is_object(), "AMS-SAP reads status on every mesh");
    let apps = get(&http, &url, "interconnect/appliances", &token).await;
    assert!(apps["items"].as_array().expect("items").iter().all(|a| a["serviceMeshId"] != *id));
}

#[tokio::test]
async fn ha_groups_follow_the_fleet_at_both_ends() {
    let (sim, _) = start_with(|v| v["fleet"]["meshes"][0]["appliances"][1]["ha_group"] = json!("ha-a")).await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let groups = get(&http, &url, &format!("interconnect/appliances/ha/groups?serviceMeshId={MESH}"), &token).await;
    let g = &groups["items"][0];
    assert_eq!(groups["items"].as_array().map(Vec::len), Some(1));
    assert_eq!((g["name"].as_str(), g["serviceMeshId"].as_str()), (Some("ha-a"), Some(MESH)));
    assert!(g["groupId"].as_str().is_some_and(|id| id.starts_with("hagroup-")));
    let m = &g["groupMembers"][0];
    assert_eq!((m["applianceId"].as_str(), m["peerApplianceId"].as_str()), (Some(NE), Some("dc1-avs-ne-i1-peer")));
    assert_eq!(m["role"], "ACTIVE");
    assert!(g["groupType"].is_string() && g["status"]["groupState"].is_string());
    assert_eq!(get(&http, &url, "interconnect/appliances/ha/groups", &token).await, groups, "no filter: every mesh");
    let none = get(&http, &url, "interconnect/appliances/ha/groups?serviceMeshId=servicemesh-nope", &token).await;
    assert_eq!(none, json!({"items": []}));

    let (durl, dtoken, _) = login(&sim, &http, DST).await;
    let dst = get(&http, &durl, &format!("interconnect/appliances/ha/groups?serviceMeshId={MESH}"), &dtoken).await;
    let dm = &dst["items"][0]["groupMembers"][0];
    assert_eq!((dm["applianceId"].as_str(), dm["peerApplianceId"].as_str()), (Some("dc1-avs-ne-i1-peer"), Some(NE)));
    assert_eq!(dst["items"][0]["groupId"], g["groupId"]);

    sim.inject(SRC, FaultRule::on(Endpoint::HaGroups, FaultKind::Status { status: 404, retry_after: None }).times(1));
    let (s, _) =
        call(&http, "GET", &format!("{url}/hybridity/api/interconnect/appliances/ha/groups"), &token, None).await;
    assert_eq!(s, 404);
    let fault: FaultRule = serde_json::from_str(r#"{"endpoint":"ha_groups","kind":"reset"}"#).expect("fault name");
    assert_eq!(fault.endpoint, Some(Endpoint::HaGroups));

    // A fleet without HA groups lists none (ESLZ's "no NE HA" recommendation).
    let (plain, _) = start_with(|_| {}).await;
    let (url, token, _) = login(&plain, &http, SRC).await;
    assert_eq!(get(&http, &url, "interconnect/appliances/ha/groups", &token).await, json!({"items": []}));
}

#[tokio::test]
async fn extensions_carry_creation_date_operation_status_and_network_type() {
    let (sim, _) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let list = get(&http, &url, "l2Extensions", &token).await;
    for e in list["items"].as_array().expect("items") {
        assert_eq!(e["creationDate"], "2026-01-01T00:00:00.000Z");
        assert_eq!(e["operationStatus"]["state"], "SUCCESS");
        assert!(e["networkType"].is_string());
        assert_eq!(e["sourceNetwork"]["networkType"], e["networkType"]);
    }
}

#[tokio::test]
async fn migration_queries_in_every_style() {
    let (sim, _) = start_with(|v| {
        v["fleet"]["migrations"] = json!([
            {"id": "m-run", "state": "in_progress", "site": SRC},
            {"id": "m-done", "state": "completed", "site": SRC}]);
        v["compat_migrations"] = json!([{"id": "m-compat", "state": "queued", "site": SRC}]);
    })
    .await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let q = "migrations?action=query";
    let ids = |v: &Value, ptr: &str| -> Vec<String> {
        v.pointer(ptr)
            .and_then(Value::as_array)
            .expect(ptr)
            .iter()
            .filter_map(|m| m["migrationId"].as_str().map(str::to_owned))
            .collect()
    };
    let all = post(&http, &url, q, &token, "{}").await;
    assert_eq!(ids(&all, "/rows"), ["m-run", "m-done"]);
    assert_eq!(all["rows"][0]["migrationInfo"]["progressDetails"]["state"], "PROCESS_COLLECT_VM_DETAILS_RESULT");
    assert_eq!(all["rows"][1]["migrationInfo"]["progressDetails"]["state"], "COMPLETED");
    assert_eq!(all["rows"][0]["migrationInfo"]["entityDetails"]["entityName"], "m-run");
    assert_eq!(ids(&post(&http, &url, q, &token, "").await, "/rows"), ["m-run", "m-done"], "no body is {{}}");
    let by_id = post(&http, &url, q, &token, r#"{"filter":{"migrationId":["m-done"]},"paging":{"pageSize":10}}"#).await;
    assert_eq!(ids(&by_id, "/items"), ["m-done"]);
    let by_state = post(&http, &url, q, &token, r#"{"filter":{"state":["MIGRATED"]}}"#).await;
    assert_eq!(ids(&by_state, "/items"), ["m-done"]);
    assert_eq!(ids(&post(&http, &url, q, &token, r#"{"filter":{"state":[]}}"#).await, "/items"), ["m-run", "m-done"]);

    let compat = r#"{"filter":{},"options":{"resultLevel":"MOBILITYGROUP_ITEMS","compat":2.1}}"#;
    let b = post(&http, &url, q, &token, compat).await;
    assert_eq!(ids(&b, "/data/items"), ["m-run", "m-done", "m-compat"], "compat_migrations only here");
    let states: Vec<&str> =
        b["data"]["items"].as_array().expect("items").iter().filter_map(|m| m["state"].as_str()).collect();
    assert_eq!(states, ["TRANSFER_IN_PROGRESS", "MIGRATION_COMPLETE", "QUEUED"]);
    let done = r#"{"filter":{"state":["MIGRATION_COMPLETE"]},"options":{"compat":"2.1"}}"#;
    assert_eq!(ids(&post(&http, &url, q, &token, done).await, "/data/items"), ["m-done"]);

    // SMIT's PowerShell-style body: parsed, answered in data.items; an unknown mobility group matches nothing.
    let smit =
        "{filter={skipDrafts=true,migrationGroupId=['mg-1']},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}";
    assert_eq!(post(&http, &url, q, &token, smit).await, json!({"data": {"items": []}}));
    let smit_all = "{filter={skipDrafts=true},options={resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}";
    assert_eq!(ids(&post(&http, &url, q, &token, smit_all).await, "/data/items").len(), 3);
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("string")
}

/// G-MOBILITY-GROUPS (MG `Get-HcxMobilityGroup`, MON:50-91): a site with `compat_migrations` lists one mobility
/// group `{id, entityName}`, and the compat-2.1 query filtered on its id answers exactly those migrations.
#[tokio::test]
async fn mobility_groups_hold_the_compat_migrations() {
    let (sim, _) = start_with(|v| {
        v["fleet"]["migrations"] = json!([{"id": "m-run", "state": "in_progress", "site": SRC}]);
        v["compat_migrations"] = json!([
            {"id": "m-compat", "state": "in_progress", "site": SRC},
            {"id": "m-compat-done", "state": "completed", "site": SRC}]);
    })
    .await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let groups_path = "migration/queryMobilityGroups";
    let mg_body = r#"{"filter":{"skipDrafts":false},"options":{"compat":2.1}}"#; // MG:33
    let groups = post(&http, &url, groups_path, &token, mg_body).await;
    let items = groups["data"]["items"].as_array().expect("data.items");
    assert_eq!(items.len(), 1, "{groups}");
    let id = items[0]["id"].as_str().expect("id").to_owned();
    assert!(id.starts_with("mobilitygroup-"), "{id}");
    assert_eq!(items[0]["entityName"], "hcx-sim group onprem-dc1 (dc1 hcx connector)");
    assert_eq!(post(&http, &url, groups_path, &token, mg_body).await, groups, "stable");
    for lenient in ["", "{}", "{filter={skipDrafts=true},options={compat=2.1}}"] {
        assert_eq!(post(&http, &url, groups_path, &token, lenient).await, groups, "{lenient:?}");
    }
    for bad in [r#"{"filter":{"name":"x"}}"#, r#"{"options":{"compat":3}}"#, r#"{"sort":{}}"#, "nope"] {
        let (s, v) = call(&http, "POST", &format!("{url}/hybridity/api/{groups_path}"), &token, Some(bad)).await;
        assert_eq!(s, 400, "{bad}: {v}");
    }

    // MON:67, the script's exact body with the group's id: only the group's migrations, with state and entity.
    let q = "migrations?action=query";
    let mon = format!(
        "{{filter={{skipDrafts=true,migrationGroupId=['{id}']}},options={{resultLevel='MOBILITYGROUP_ITEMS',compat=2.1}}}}"
    );
    let b = post(&http, &url, q, &token, &mon).await;
    let got: Vec<(&str, &str, &str)> = b["data"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| (str_of(&m["migrationId"]), str_of(&m["state"]), str_of(&m["entity"]["entityName"])))
        .collect();
    assert_eq!(
        got,
        [("m-compat", "TRANSFER_IN_PROGRESS", "m-compat"), ("m-compat-done", "MIGRATION_COMPLETE", "m-compat-done")]
    );
    let json_body = json!({"filter": {"skipDrafts": true, "migrationGroupId": [id], "state": ["MIGRATION_COMPLETE"]},
                           "options": {"compat": 2.1}});
    let done = post(&http, &url, q, &token, &json_body.to_string()).await;
    assert_eq!(done["data"]["items"].as_array().map(Vec::len), Some(1), "{done}");

    // The Cloud has no compat migrations: no group there, and the Connector's group id matches nothing.
    let (curl, ctoken, _) = login(&sim, &http, DST).await;
    assert_eq!(post(&http, &curl, groups_path, &ctoken, mg_body).await, json!({"data": {"items": []}}));
    assert_eq!(post(&http, &curl, q, &ctoken, &mon).await, json!({"data": {"items": []}}));
}

#[tokio::test]
async fn read_endpoints_real_clients_call() {
    let (sim, _) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    let (url, token, login_body) = login(&sim, &http, SRC).await;
    let me = login_body["data"]["endpointInfo"]["uuid"].clone();
    let clouds =
        post(&http, &url, "service/inventory/cloud/list", &token, r#"{"filter":{"local":true,"remote":false}}"#).await;
    assert_eq!(clouds["success"], true);
    assert_eq!(clouds["data"]["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(clouds["data"]["items"][0]["endpointId"], me);
    let remote = post(&http, &url, "service/inventory/cloud/list", &token, r#"{"filter":{"remote":true}}"#).await;
    assert_eq!(remote["data"]["items"][0]["url"], json!(sim.url(DST)));

    let vc = get(&http, &url, "metainfo/context/interconnect", &token).await[0]["cloudManagementPlatforms"][0]["cmpId"]
        .clone();
    let local = r#"{"filter":{"cloud":{"local":true,"remote":false}}}"#;
    let rc = post(&http, &url, "service/inventory/resourcecontainer/list", &token, local).await;
    assert_eq!(rc["data"]["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(rc["data"]["items"][0]["resourceType"], "VC");
    assert_eq!((&rc["data"]["items"][0]["vcuuid"], &rc["data"]["items"][0]["endpoint"]["endpointId"]), (&vc, &me));
    // SMIT's Get-HcxEndpoint sends the cloud scope without `filter`, with string flags.
    let smit = post(
        &http,
        &url,
        "service/inventory/resourcecontainer/list",
        &token,
        r#"{"cloud":{"local":"true","remote":"true"}}"#,
    )
    .await;
    assert_eq!(smit["data"]["items"].as_array().map(Vec::len), Some(2));

    let caps = get(&http, &url, "interconnect/capabilities", &token).await;
    assert_eq!(caps["items"][0]["endpoints"][0]["endpointId"], me);
    let profiles =
        get(&http, &url, &format!("interconnect/computeProfiles?endpointId={}", me.as_str().expect("id")), &token)
            .await;
    let mesh = get(&http, &url, "interconnect/serviceMesh", &token).await;
    assert_eq!(profiles["items"][0]["computeProfileId"], mesh["items"][0]["computeProfiles"][0]["computeProfileId"]);
    assert_eq!(get(&http, &url, "interconnect/computeProfiles?endpointId=other", &token).await, json!({"items": []}));
    // The paired Cloud's profile is readable at the Connector (ESLZ, TF-vmware), with networks and a switch.
    let remote = &mesh["items"][0]["computeProfiles"][1];
    let rid = remote["endpointId"].as_str().expect("remote endpoint");
    let rp = get(&http, &url, &format!("interconnect/computeProfiles?endpointId={rid}"), &token).await;
    assert_eq!(rp["items"][0]["computeProfileId"], remote["computeProfileId"]);
    assert_eq!(rp["items"][0]["name"], remote["computeProfileName"]);
    assert_eq!(rp["items"][0]["switches"][0]["type"], "OVERLAY_STANDARD", "the AVS end");
    assert_eq!(profiles["items"][0]["switches"][0]["type"], "VmwareDistributedVirtualSwitch", "on-prem");
    let uplink = profiles["items"][0]["networks"]
        .as_array()
        .and_then(|n| n.iter().find(|n| n["tags"] == json!(["uplink"])))
        .map(|n| n["id"].clone())
        .expect("an uplink network");
    let networks =
        post(&http, &url, "networks?action=queryIpUsage", &token, r#"{"filter":{"ownedBySystem":true}}"#).await;
    let listed = networks.as_array().expect("a bare array");
    assert!(listed.iter().any(|n| n["objectId"] == uplink && n["name"].is_string()), "{networks}");

    for (method, path) in [
        ("GET", "metainfo/context/publisher"),
        ("POST", "networks?action=create"),
        ("GET", "interconnect/appliances/x/updateInfo"),
    ] {
        let (s, v) = call(&http, method, &format!("{url}/hybridity/api/{path}"), &token, Some("{}")).await;
        assert_eq!(s, 404, "{path}");
        assert!(
            v["errors"][0]["message"].as_str().is_some_and(|m| m.ends_with("not modelled by hcx-sim")),
            "{path}: {v}"
        );
    }
}

#[tokio::test]
async fn a_patch_fault_sets_a_pointer_of_the_answer() {
    let (sim, _) = start_with(|_| {}).await;
    let http = reqwest::Client::new();
    let (url, token, _) = login(&sim, &http, SRC).await;
    let rule: FaultRule = serde_json::from_str(
        r#"{"endpoint":"appliances_query","kind":"patch","pointer":"/items/0/peerAppliances","value":null,"times":1}"#,
    )
    .expect("rule");
    sim.inject(SRC, rule);
    sim.inject(
        SRC,
        FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Patch { pointer: "/items/9/x".into(), value: json!(1) })
            .times(1),
    );
    let patched = post(&http, &url, "interconnect/appliances/query", &token, "{}").await;
    assert_eq!(patched["items"][0]["peerAppliances"], Value::Null);
    assert!(patched["items"][1]["peerAppliances"].is_array());
    assert_eq!(patched["items"].as_array().map(Vec::len), Some(3), "a missing parent is a no-op");
    let clean = post(&http, &url, "interconnect/appliances/query", &token, "{}").await;
    assert!(clean["items"][0]["peerAppliances"].is_array());
}
