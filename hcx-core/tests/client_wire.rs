//! Wire-format tests: the client's models decode the response shapes recorded in the API reference.
#![cfg(feature = "client")]

use hcx_core::client::unstable_wire as wire;
use hcx_core::client::unstable_wire::{
    ActionResponse, Appliance, CloudConfig, Envelope, InterconnectTask, Items, Job, L2Extension, MigrationQuery,
    ReplicationSummary, ServiceMesh, SupportData, TaskStatus,
};
use serde::de::DeserializeOwned;

#[track_caller]
fn decode<T: DeserializeOwned>(text: &str) -> T {
    let de = &mut serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize(de) {
        Ok(v) => v,
        Err(e) => panic!("decode failed at {}: {}", e.path(), e.inner()),
    }
}

#[test]
fn support_version() {
    let env: Envelope<SupportData> = decode(include_str!("fixtures/api/support.json"));
    let ep = &env.data.expect("data").local_endpoints.first().expect("endpoint").endpoint.clone();
    assert_eq!(ep.version.0, "4.10.2");
    assert_eq!(env.success, Some(true));
    // The object form (not an array) is accepted too, since the reference cannot tell which it is.
    let env: Envelope<SupportData> =
        decode(r#"{"success":true,"data":{"localEndpoints":{"endpoint":{"version":"4.9.0","buildNumber":23529166}}}}"#);
    let ep = env.data.expect("data").local_endpoints.first().expect("endpoint").endpoint.clone();
    assert_eq!((ep.version.0.as_str(), ep.build_number.map(|b| b.0)), ("4.9.0", Some("23529166".to_owned())));
}

#[test]
fn cloud_configs() {
    let env: Envelope<Items<CloudConfig>> = decode(include_str!("fixtures/api/cloudConfigs.json"));
    let items = env.data.expect("data").items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].url.as_deref(), Some("https://hcx-cloud.example"));
    assert_eq!(items[0].version.as_ref().map(|v| v.0.as_str()), Some("4.10.2"));
    assert_eq!(items[0].build_number.as_ref().map(|v| v.0.as_str()), Some("24404455"));
}

#[test]
fn service_mesh_schema_example() {
    let list: Items<ServiceMesh> = decode(include_str!("fixtures/api/serviceMesh.json"));
    let m = &list.items[0];
    assert_eq!(m.service_mesh_id, "servicemesh-fb5509e1-b47b-4166-a130-491380284922");
    assert_eq!(m.update_available, Some(true));
    assert_eq!(
        m.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["INTERCONNECT", "VMOTION", "BULK_MIGRATION", "NETWORK_EXTENSION"]
    );
    assert_eq!(m.compute_profiles[0].is_initiator, Some(true));
    assert_eq!(m.last_task_details.as_ref().and_then(|t| t.status.as_deref()), Some("RUNNING"));
    assert_eq!(m.backing_appliance_type.as_deref(), Some("PHOTON"));
}

#[test]
fn appliance_version_parts() {
    let list: Items<Appliance> = decode(include_str!("fixtures/api/appliances.json"));
    let a = &list.items[0];
    assert_eq!(a.appliance_type.as_deref(), Some("HCX-NET-EXT"));
    assert_eq!(a.network_extension_count, Some(3));
    let v = a.appliance_version.as_ref().expect("version").to_version().expect("parse");
    assert_eq!(v.to_string(), "4.10.2-24404455");
    assert_eq!(v.build(), Some("24404455"));
    // The placeholder peer object has no id: tolerated.
    assert_eq!(a.peer_appliances[0].appliance_id, None);
}

#[test]
fn appliance_version_with_string_parts_and_a_wrong_type_reports_the_path() {
    let list: Items<Appliance> = decode(
        r#"{"items":[{"applianceId":"x","applianceVersion":{"major":"9","minor":"1","patch":"1","revision":"0","build":"0"}}]}"#,
    );
    assert_eq!(
        list.items[0].appliance_version.as_ref().expect("v").to_version().expect("parse").to_string(),
        "9.1.1.0"
    );
    let de = &mut serde_json::Deserializer::from_str(
        r#"{"items":[{"applianceId":"x","applianceVersion":{"major":{},"minor":1,"patch":1}}]}"#,
    );
    let err = serde_path_to_error::deserialize::<_, Items<Appliance>>(de).expect_err("bad");
    assert_eq!(err.path().to_string(), "items[0].applianceVersion.major");
}

#[test]
fn l2_extensions() {
    let list: Items<L2Extension> = decode(include_str!("fixtures/api/l2Extensions.json"));
    assert_eq!(list.items[0].network(), Some("vlan-110-app"));
    assert_eq!(list.items[0].appliance_id.as_deref(), Some("a1b2"));
}

#[test]
fn migrations_all_three_roots() {
    let rows: MigrationQuery = decode(include_str!("fixtures/api/migrations_rows.json"));
    let states: Vec<_> = rows.into_items().iter().map(|m| m.state().map(str::to_owned)).collect();
    assert_eq!(states, [Some("MIGRATING".to_owned()), Some("MIGRATED".to_owned())]);
    let data: MigrationQuery = decode(include_str!("fixtures/api/migrations_data_items.json"));
    let states: Vec<_> = data.into_items().iter().map(|m| m.state().map(str::to_owned)).collect();
    assert_eq!(states, [Some("TRANSFER_IN_PROGRESS".to_owned()), Some("MIGRATION_COMPLETE".to_owned())]);
    let items: MigrationQuery = decode(r#"{"items":[{"migrationId":"a","jobInfo":{"state":"MIGRATE_FAILED"}}]}"#);
    assert_eq!(items.into_items()[0].migration_id.as_deref(), Some("a"));
}

#[test]
fn replication_summary_with_empty_counters() {
    let s: ReplicationSummary = decode(include_str!("fixtures/api/replications_summary.json"));
    assert_eq!(s.active_replication_cnt.outgoing, 2);
    assert_eq!(s.configuring_replication_cnt.outgoing, 0);
    assert_eq!(s.recovering_replication_cnt.incoming, 1);
}

#[test]
fn action_task_and_job() {
    let a: ActionResponse = decode(include_str!("fixtures/api/appliance_upgrade_202.json"));
    assert_eq!(a.data.and_then(|d| d.interconnect_task_id).as_deref(), Some("task-1"));
    let t: InterconnectTask = decode(include_str!("fixtures/api/task.json"));
    assert_eq!((t.status(), t.progress), (TaskStatus::Running, Some(40.0)));
    assert!(!t.status().is_terminal());
    let j: Job = decode(include_str!("fixtures/api/job.json"));
    assert!(j.is_done && !j.did_fail);
    assert_eq!(j.percent_complete, Some(100.0));
}

#[test]
fn builds_are_integers_or_integer_strings_only() {
    let text = |j: &str| serde_json::from_str::<wire::Text>(j).unwrap();
    assert_eq!(text("24447633").as_build(), Ok(Some("24447633")));
    assert_eq!(text("\"24447633\"").as_build(), Ok(Some("24447633")));
    assert_eq!(text("0").as_build(), Ok(None));
    assert_eq!(text("\"\"").as_build(), Ok(None));
    for bad in ["24447633.0", "-5", "\"abc\"", "\"1e9\"", "\"123456789012345678901\""] {
        let e = text(bad).as_build().unwrap_err();
        assert!(e.ends_with("is not an integer"), "{bad}: {e}");
    }
    // A float build never reaches a version: the release is kept without it.
    let v: wire::ApplianceVersion =
        serde_json::from_str(r#"{"major":"4","minor":"10","patch":"2","build":24447633.0}"#).unwrap();
    let v = v.to_version().unwrap();
    assert_eq!(v.to_string(), "4.10.2");
    assert_eq!(v.to_string().parse::<hcx_core::HcxVersion>().unwrap(), v);
}

#[test]
fn manager_urls_compare_by_origin() {
    use hcx_core::client::discover::origin;
    assert_eq!(origin("http://localhost:8080"), origin("http://127.0.0.1:8080/"));
    assert_eq!(origin("http://[::1]:8080/x"), origin("http://LOCALHOST:8080"));
    assert_eq!(origin("https://HCX.Example.net"), origin("https://hcx.example.net:443/ui/"));
    assert_eq!(origin("https://bücher.example"), origin("https://xn--bcher-kva.example"));
    assert_ne!(origin("https://hcx.example.net"), origin("http://hcx.example.net"));
    assert_ne!(origin("https://hcx.example.net:8443"), origin("https://hcx.example.net"));
    assert_ne!(origin("http://127.0.0.1:1"), origin("http://127.0.0.1:2"));
}

#[test]
fn null_lists_are_empty_lists() {
    let list: Items<Appliance> = decode(r#"{"items":[{"applianceId":"a","peerAppliances":null}]}"#);
    assert!(list.items[0].peer_appliances.is_empty());
    let list: Items<Appliance> = decode(r#"{"items":null}"#);
    assert!(list.items.is_empty());
    let list: Items<ServiceMesh> =
        decode(r#"{"items":[{"serviceMeshId":"m","services":null,"computeProfiles":null}]}"#);
    assert!(list.items[0].services.is_empty() && list.items[0].compute_profiles.is_empty());
    let env: Envelope<Items<CloudConfig>> = decode(r#"{"data":{"items":null},"errors":null}"#);
    assert!(env.errors.is_empty() && env.data.expect("data").items.is_empty());
    let a: ActionResponse = decode(r#"{"data":null,"warnings":null,"errors":null}"#);
    assert!(a.warnings.is_empty() && a.errors.is_empty());
    let q: MigrationQuery = decode(r#"{"rows":null,"items":null,"data":{"items":null}}"#);
    assert!(q.into_items().is_empty());
    let g: Items<wire::HaGroup> = decode(r#"{"items":[{"groupId":"g","groupMembers":null}]}"#);
    assert!(g.items[0].group_members.is_empty());
    // A list of the wrong kind is still an error.
    assert!(serde_json::from_str::<Items<Appliance>>(r#"{"items":{}}"#).is_err());
}

#[test]
fn list_items_decode_one_by_one() {
    use wire::Lenient;
    let list: Items<Lenient<Appliance>> = decode(
        r#"{"items":[
            {"applianceId":"ok"},
            {"applianceId":"bad-version","applianceVersion":"4.10.2"},
            {"applianceId":"bad-type","applianceType":7},
            {"applianceType":"HCX-NET-EXT"},
            42
        ]}"#,
    );
    let summary: Vec<String> = list
        .items
        .iter()
        .map(|l| match l {
            Lenient::Item(a) => format!("ok {}", a.appliance_id),
            Lenient::Partial(a, bad) => format!("partial {} at {}", a.appliance_id, bad.path),
            Lenient::Bad(bad) => format!("bad {:?} at {}", bad.id, bad.path),
            _ => unreachable!("a new Lenient variant"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "ok ok",
            "partial bad-version at applianceVersion",
            "bad Some(\"bad-type\") at applianceType",
            // A missing id is reported at the item itself.
            "bad None at .",
            "bad None at .",
        ]
    );
}

#[test]
fn ha_groups_and_their_members() {
    let list: Items<wire::HaGroup> = decode(
        r#"{"items":[{"groupId":"hagroup-1","name":"ha-a","serviceMeshId":"m","groupType":"NE_HA",
            "groupMembers":[{"applianceId":"ne-1-peer","applianceName":"x","peerApplianceId":"ne-1","peerApplianceName":"y","role":"ACTIVE"},
                            {"applianceId":"ne-2-peer","peerApplianceId":"ne-2","role":"STANDBY"}],
            "status":{"groupState":"HEALTHY"}},
            {"groupId":"hagroup-2","name":""}]}"#,
    );
    let g = &list.items[0];
    assert_eq!(g.label(), Some("ha-a"));
    assert!(g.has_member("ne-1") && g.has_member("ne-2-peer") && !g.has_member("ne-3"));
    // An empty name falls back to the group id.
    assert_eq!(list.items[1].label(), Some("hagroup-2"));
}

#[test]
fn system_meshes_are_recognised_by_any_marker() {
    let mesh = |extra: &str| -> ServiceMesh { decode(&format!(r#"{{"serviceMeshId":"servicemesh-1"{extra}}}"#)) };
    assert!(!mesh("").is_system());
    assert!(!mesh(r#","isLocalMesh":false,"backingApplianceType":"PHOTON","name":"sm""#).is_system());
    assert!(mesh(r#","isLocalMesh":true"#).is_system());
    assert!(mesh(r#","backingApplianceType":"NOT_APPLICABLE""#).is_system());
    assert!(mesh(r#","name":"default-service-mesh-379b96be""#).is_system());
    let by_id: ServiceMesh = decode(r#"{"serviceMeshId":"default-service-mesh-379b96be"}"#);
    assert!(by_id.is_system());
}

#[test]
fn login_body_endpoint_info() {
    let env: Envelope<wire::LoginData> = decode(r#"{"success":true,"data":{"endpointInfo":{"uuid":"ep-1"}}}"#);
    assert_eq!(env.data.and_then(|d| d.endpoint_info).and_then(|e| e.uuid).as_deref(), Some("ep-1"));
    let env: Envelope<wire::LoginData> = decode(r#"{}"#);
    assert!(env.data.is_none());
}

#[test]
fn a_migration_without_a_readable_state_counts_as_running() {
    use wire::Lenient;
    let q: MigrationQuery<Lenient<wire::MigrationItem>> =
        decode(r#"{"rows":[{"migrationId":"m1","jobInfo":"MIGRATED"},{"migrationId":"m2","state":{"x":1}}]}"#);
    for item in q.into_items() {
        match item {
            Lenient::Partial(m, bad) => {
                assert!(m.state().is_none(), "{:?}", m.migration_id);
                assert!(bad.path == "jobInfo" || bad.path == "state", "{}", bad.path);
            }
            other => panic!("{other:?}"),
        }
    }
}
