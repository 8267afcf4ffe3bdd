//! Discovery against what real managers send (issue 23), on the in-process simulator: NE HA groups and an
//! unreadable HA endpoint, migrations only the compat-2.1 query shows, replications, hostile list items, the
//! 9.x system mesh and the login body's endpoint id; and the plan made from each discovered fleet.
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::time::Duration;

use hcx_core::Catalog;
use hcx_core::client::discover::{DiscoveryOptions, EndpointsFile, FleetDiscovery, Target, discover_fleet};
use hcx_core::client::{ClientConfig, Credentials, HcxClient, RetryPolicy};
use hcx_core::fleet::{Fleet, Migration, Replication, TransferState};
use hcx_core::plan::rules::RuleId;
use hcx_core::plan::{NeUpgradeMode, Plan, PlanOptions, Severity, plan};
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};
use serde_json::{Value, json};
use time::macros::date;

const PASSWORD: &str = "hcx-sim-password";
const DC1: &str = "onprem-dc1";
const AVS: &str = "avs-westeurope";
const MESH: &str = "servicemesh-fb5509e1-b47b-4166-a130-491380284922";

fn fast() -> ClientConfig {
    ClientConfig::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(2), Duration::from_secs(5))
        .with_retry(RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(5)))
}

/// A Connector and an AVS Cloud at `version`, one mesh with an IX and the given NEs (`(id, ha_group)`), each
/// NE carrying one static extension, and nothing in flight.
fn scenario(version: &str, ne: &[(&str, Option<&str>)]) -> Value {
    let mut appliances = vec![json!({"id": "dc1-avs-ix-i1", "kind": "IX", "version": version})];
    for (id, group) in ne {
        let mut a = json!({"id": id, "kind": "NE", "version": version});
        if let Some(g) = group {
            a["ha_group"] = json!(g);
        }
        appliances.push(a);
    }
    let extensions: Vec<Value> = ne
        .iter()
        .map(|(id, _)| json!({"network": format!("vlan-{id}"), "appliance": id, "binding": "static"}))
        .collect();
    json!({
        "schema": "hcx-sim/v1",
        "fleet": {
            "schema": "hcx-fleet/v1",
            "sites": [
                {"id": DC1, "role": "connector", "platform": "on-prem", "version": version},
                {"id": AVS, "role": "cloud", "platform": "avs", "version": version}
            ],
            "pairs": [{"source": DC1, "destination": AVS}],
            "meshes": [{"id": MESH, "source": DC1, "destination": AVS,
                "services": ["interconnect", "vmotion", "network-extension"], "appliances": appliances}],
            "extensions": extensions
        },
        "defaults": {"username": "administrator@vsphere.local", "password": PASSWORD}
    })
}

/// Two NEs in HA group `ha-a` and one NE on its own.
fn ha_scenario() -> Scenario {
    let doc = scenario("4.10.3", &[("ne-a1", Some("ha-a")), ("ne-a2", Some("ha-a")), ("ne-solo", None)]);
    Scenario::from_json(&doc.to_string()).unwrap()
}

async fn start(scenario: Scenario) -> Simulator {
    Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual()).await.unwrap()
}

fn targets(sim: &Simulator) -> Vec<Target> {
    let file = EndpointsFile::from_json(&sim.endpoints_json()).unwrap();
    file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, PASSWORD)).collect()
}

async fn discover(sim: &Simulator) -> FleetDiscovery {
    let d = discover_fleet(targets(sim), &DiscoveryOptions::new(fast())).await.unwrap();
    assert!(d.is_complete(), "{:?}", d.failures);
    d
}

/// The plan to 4.11.4, with In-Service NE upgrades asked for.
fn plan_in_service(fleet: &Fleet) -> Plan {
    let o = PlanOptions::new("4.11.4".parse().unwrap(), date!(2026 - 11 - 28)).ne_in_service(true);
    plan(fleet, Catalog::bundled(), &o).unwrap()
}

/// The NE upgrade mode of the step upgrading exactly these appliances.
fn ne_mode(p: &Plan, appliances: &[&str]) -> NeUpgradeMode {
    let step = p.steps.iter().find(|s| s.appliances == appliances).unwrap_or_else(|| panic!("no step {appliances:?}"));
    step.impact.ne_mode.unwrap()
}

fn site_warnings(d: &FleetDiscovery, site: &str) -> Vec<String> {
    d.sites.iter().filter(|s| s.site.id == site).flat_map(|s| s.warnings.iter().map(ToString::to_string)).collect()
}

#[tokio::test]
async fn ha_groups_are_discovered_and_planned_standby_first_never_in_service() {
    let sim = start(ha_scenario()).await;
    let d = discover(&sim).await;
    let mesh = &d.fleet.meshes[0];
    assert!(!mesh.ha_groups_unknown);
    let groups: Vec<(&str, Option<&str>)> =
        mesh.appliances.iter().map(|a| (a.id.as_str(), a.ha_group.as_deref())).collect();
    assert_eq!(groups, [("dc1-avs-ix-i1", None), ("ne-a1", Some("ha-a")), ("ne-a2", Some("ha-a")), ("ne-solo", None)]);
    // Both ends were asked for their groups of the mesh.
    assert_eq!((sim.calls(DC1, Endpoint::HaGroups), sim.calls(AVS, Endpoint::HaGroups)), (1, 1));

    let p = plan_in_service(&d.fleet);
    assert_eq!(ne_mode(&p, &["ne-a1", "ne-a2"]), NeUpgradeMode::HaStandbyFirst);
    assert_eq!(ne_mode(&p, &["ne-solo"]), NeUpgradeMode::InService, "In-Service where no HA group is");
    for s in p.steps.iter().filter(|s| s.appliances.iter().any(|a| a.starts_with("ne-a"))) {
        assert_eq!(s.impact.ne_mode, Some(NeUpgradeMode::HaStandbyFirst), "{}", s.title);
    }
    let f = p.findings.iter().find(|f| f.rule == RuleId::NeInServiceHa).unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("NE HA group ha-a"), "{}", f.message);
}

#[tokio::test]
async fn an_unreadable_ha_endpoint_marks_the_mesh_and_refuses_in_service() {
    let sim = start(ha_scenario()).await;
    for site in [DC1, AVS] {
        sim.inject(site, FaultRule::on(Endpoint::HaGroups, FaultKind::Status { status: 404, retry_after: None }));
    }
    let d = discover(&sim).await;
    let mesh = &d.fleet.meshes[0];
    assert!(mesh.ha_groups_unknown);
    assert!(mesh.appliances.iter().all(|a| a.ha_group.is_none()));
    let w = site_warnings(&d, DC1);
    assert!(
        w.iter().any(
            |w| w.starts_with(&format!("site {DC1}: mesh {MESH}: NE HA groups not read")) && w.contains("http 404")
        ),
        "{w:#?}"
    );
    let typed = d.sites[0].warnings.iter().find(|w| w.message.starts_with("NE HA groups not read")).unwrap();
    assert_eq!((typed.site.as_str(), typed.item.as_deref()), (DC1, Some(format!("mesh {MESH}").as_str())));

    // The marker survives the fleet file, and the plan refuses In-Service on every NE of the mesh.
    let fleet = Fleet::from_json(&d.fleet.to_json_pretty()).unwrap();
    assert!(fleet.to_json_pretty().contains("\"ha_groups_unknown\": true"));
    let p = plan_in_service(&fleet);
    for ne in ["ne-a1", "ne-a2", "ne-solo"] {
        assert_eq!(ne_mode(&p, &[ne]), NeUpgradeMode::Standard, "{ne}");
    }
    let f = p
        .findings
        .iter()
        .find(|f| f.rule == RuleId::NeInServiceHa && f.severity == Severity::Warning)
        .unwrap_or_else(|| panic!("{:#?}", p.findings));
    assert!(f.message.contains("could not be read"), "{}", f.message);
    assert!(f.message.contains("In-Service was asked for but is refused"), "{}", f.message);
    assert!(f.message.contains("interconnect/appliances/ha/groups?serviceMeshId="), "{}", f.message);
    assert_eq!(f.subjects, ["ne-a1", "ne-a2", "ne-solo"]);
}

#[tokio::test]
async fn one_unreadable_end_takes_the_groups_from_the_other() {
    let sim = start(ha_scenario()).await;
    sim.inject(DC1, FaultRule::on(Endpoint::HaGroups, FaultKind::Status { status: 500, retry_after: None }));
    let d = discover(&sim).await;
    let mesh = &d.fleet.meshes[0];
    assert!(!mesh.ha_groups_unknown, "the destination read its groups");
    let grouped: Vec<&str> =
        mesh.appliances.iter().filter(|a| a.ha_group.as_deref() == Some("ha-a")).map(|a| a.id.as_str()).collect();
    assert_eq!(grouped, ["ne-a1", "ne-a2"]);
    assert!(site_warnings(&d, DC1).iter().any(|w| w.contains("NE HA groups not read")));
}

#[tokio::test]
async fn a_migration_only_the_compat_query_shows_blocks_the_plan() {
    let mut s = ha_scenario();
    s.compat_migrations =
        vec![Migration { id: "mig-compat-1".into(), state: TransferState::InProgress, site: Some(DC1.into()) }];
    let sim = start(s).await;
    let d = discover(&sim).await;
    assert_eq!(
        d.fleet.migrations,
        [Migration { id: "mig-compat-1".into(), state: TransferState::InProgress, site: Some(DC1.into()) }]
    );
    // Both query styles were sent to each manager.
    assert_eq!(sim.calls(DC1, Endpoint::MigrationsQuery), 2);
    let p = plan_in_service(&d.fleet);
    let f =
        p.findings.iter().find(|f| f.rule == RuleId::ActiveMigrations).unwrap_or_else(|| panic!("{:#?}", p.findings));
    assert_eq!(f.severity, Severity::Blocker);
    assert!(p.has_blockers());
}

#[tokio::test]
async fn migrations_of_both_styles_are_united_by_id() {
    let mut s = ha_scenario();
    let m = |id: &str, state| Migration { id: id.into(), state, site: Some(DC1.into()) };
    s.fleet.migrations = vec![m("mig-both", TransferState::Completed)];
    s.compat_migrations = vec![m("mig-compat", TransferState::Queued)];
    let sim = start(s).await;
    let d = discover(&sim).await;
    let ids: Vec<(&str, TransferState)> = d.fleet.migrations.iter().map(|m| (m.id.as_str(), m.state)).collect();
    assert_eq!(ids, [("mig-both", TransferState::Completed), ("mig-compat", TransferState::Queued)]);
    assert!(plan_in_service(&d.fleet).findings.iter().any(|f| f.rule == RuleId::ActiveMigrations));
}

#[tokio::test]
async fn an_active_replication_blocks_the_plan() {
    let mut s = ha_scenario();
    s.fleet.replications =
        vec![Replication { id: "rep-1".into(), state: TransferState::InProgress, site: Some(DC1.into()) }];
    let sim = start(s).await;
    let d = discover(&sim).await;
    assert_eq!(d.fleet.replications.len(), 1);
    assert!(d.fleet.replications[0].state.is_active());
    let p = plan_in_service(&d.fleet);
    let f =
        p.findings.iter().find(|f| f.rule == RuleId::ActiveMigrations).unwrap_or_else(|| panic!("{:#?}", p.findings));
    assert_eq!(f.severity, Severity::Blocker);

    // And without anything in flight, nothing blocks for that rule.
    let sim = start(ha_scenario()).await;
    let d = discover(&sim).await;
    assert!(!plan_in_service(&d.fleet).findings.iter().any(|f| f.rule == RuleId::ActiveMigrations));
}

fn patch(pointer: &str, value: Value) -> FaultRule {
    FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Patch { pointer: pointer.into(), value })
}

#[tokio::test]
async fn hostile_appliance_items_leave_the_site_readable_with_a_warning_naming_each() {
    let sim = start(ha_scenario()).await;
    // Items in the manager's order: the IX, then ne-a1, ne-a2, ne-solo.
    sim.inject(DC1, patch("/items/0/peerAppliances", Value::Null));
    sim.inject(DC1, patch("/items/1/applianceVersion", json!("not-a-version-object")));
    sim.inject(DC1, patch("/items/2/applianceVersion/major", json!("x")));
    sim.inject(DC1, patch("/items/3/applianceType", json!({"odd": true})));
    let d = discover(&sim).await;
    let w = site_warnings(&d, DC1);
    const AT: &str = "POST /hybridity/api/interconnect/appliances/query";
    let one = |needle: &str| {
        w.iter().find(|w| w.contains(needle)).unwrap_or_else(|| panic!("no warning with {needle:?} in {w:#?}")).clone()
    };
    // An undecodable version: the appliance is kept at the manager's version.
    let v = one("appliance ne-a1: undecodable applianceVersion");
    assert!(v.starts_with(&format!("site {DC1}: {AT}: ")), "{v}");
    assert!(v.ends_with("using the manager's version"), "{v}");
    // A version that decodes but does not parse: the same fallback.
    one("appliance ne-a2: unreadable applianceVersion");
    // An item that does not decode at all: left out, named by its id.
    let skipped = one("appliance ne-solo: at `applianceType`");
    assert!(skipped.ends_with("; skipped"), "{skipped}");
    let typed = d.sites[0].warnings.iter().find(|w| w.item.as_deref() == Some("appliance ne-solo")).unwrap();
    assert_eq!((typed.site.as_str(), typed.endpoint.as_deref()), (DC1, Some(AT)));

    // `peerAppliances: null` is an empty list; the rest of the site is read.
    let dc1 = d.sites.iter().find(|s| s.site.id == DC1).unwrap();
    let apps: Vec<&str> = dc1.meshes[0].appliances.iter().map(|a| a.appliance.id.as_str()).collect();
    assert_eq!(apps, ["dc1-avs-ix-i1", "ne-a1", "ne-a2"]);
    assert_eq!(dc1.meshes[0].appliances[0].peer_id, None);
    assert_eq!(dc1.meshes[0].appliances[1].appliance.version, dc1.site.version);
    assert!(!d.fleet.meshes.is_empty());
}

#[tokio::test]
async fn null_lists_are_empty() {
    let sim = start(ha_scenario()).await;
    for (endpoint, pointer) in [
        (Endpoint::ServiceMesh, "/items/0/services"),
        (Endpoint::ServiceMesh, "/items/0/computeProfiles"),
        (Endpoint::L2Extensions, "/items"),
        (Endpoint::HaGroups, "/items/0/groupMembers"),
    ] {
        sim.inject(AVS, FaultRule::on(endpoint, FaultKind::Patch { pointer: pointer.into(), value: Value::Null }));
    }
    let d = discover(&sim).await;
    let avs = d.sites.iter().find(|s| s.site.id == AVS).unwrap();
    assert!(avs.extensions.is_empty());
    assert!(avs.meshes[0].services.is_empty());
    assert!(!avs.meshes[0].ha_groups_unknown, "a group without members is still a read");
}

#[tokio::test]
async fn a_9x_system_mesh_is_left_out() {
    let doc = scenario("9.1.1.0", &[("ne-a1", None)]);
    let sim = start(Scenario::from_json(&doc.to_string()).unwrap()).await;
    let m = sim.manager(DC1).unwrap();
    let c = HcxClient::new(&m.url, Credentials::new(m.username.clone(), PASSWORD), &fast()).unwrap();
    let listed = c.service_mesh_list().await.unwrap();
    assert_eq!(listed.items.iter().filter(|m| m.is_system()).count(), 1, "the simulator lists a system mesh");
    assert_eq!(listed.items.len(), 2);

    let d = discover(&sim).await;
    let ids: Vec<&str> = d.fleet.meshes.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, [MESH]);
    assert!(d.sites.iter().all(|s| s.meshes.len() == 1));
    assert!(!d.warnings.iter().any(|w| w.contains("default-service-mesh")), "{:#?}", d.warnings);
    // The system mesh's HA groups are not asked for.
    assert_eq!(sim.calls(DC1, Endpoint::HaGroups), 1);
}

#[tokio::test]
async fn the_login_body_endpoint_id_wins_over_the_metainfo_field() {
    let sim = start(ha_scenario()).await;
    let support = |value: Value| {
        FaultRule::on(
            Endpoint::Support,
            FaultKind::Patch { pointer: "/data/localEndpoints/0/endpoint/endpointId".into(), value },
        )
    };
    sim.inject(AVS, support(json!("not-the-endpoint-id")));
    let m = sim.manager(AVS).unwrap();
    let c = HcxClient::new(&m.url, Credentials::new(m.username.clone(), PASSWORD), &fast()).unwrap();
    assert_eq!(c.login_endpoint_id(), None, "not logged in yet");
    let v = c.local_version().await.unwrap();
    let login = c.login_endpoint_id().unwrap();
    assert_eq!(v.endpoint_id.as_deref(), Some(login.as_str()));
    assert_ne!(login, "not-the-endpoint-id");

    // Discovery names the site by the login's id: the one its peer's cloudConfigs gives it.
    let d = discover(&sim).await;
    let peer_view = d.sites.iter().find(|s| s.site.id == DC1).unwrap().remotes[0].endpoint_id.clone();
    let avs = d.sites.iter().find(|s| s.site.id == AVS).unwrap();
    assert_eq!(avs.endpoint_id, peer_view);
    assert_eq!(avs.endpoint_id.as_deref(), Some(login.as_str()));
    assert_eq!(d.fleet.meshes.len(), 1);
}

#[tokio::test]
async fn a_login_without_a_body_is_fine() {
    let sim = start(ha_scenario()).await;
    sim.inject(DC1, FaultRule::on(Endpoint::Sessions, FaultKind::Patch { pointer: String::new(), value: json!({}) }));
    let m = sim.manager(DC1).unwrap();
    let c = HcxClient::new(&m.url, Credentials::new(m.username.clone(), PASSWORD), &fast()).unwrap();
    let v = c.local_version().await.unwrap();
    assert_eq!(c.login_endpoint_id(), None);
    // The metainfo field is then used.
    assert!(v.endpoint_id.is_some());
}

#[tokio::test]
async fn a_mesh_without_network_extension_is_not_asked_for_ha_groups() {
    let mut doc = scenario("4.10.3", &[]);
    doc["fleet"]["meshes"][0]["services"] = json!(["interconnect", "vmotion"]);
    let sim = start(Scenario::from_json(&doc.to_string()).unwrap()).await;
    // Were it asked, this would mark the mesh unknown.
    sim.inject(DC1, FaultRule::on(Endpoint::HaGroups, FaultKind::Status { status: 404, retry_after: None }));
    let d = discover(&sim).await;
    assert_eq!((sim.calls(DC1, Endpoint::HaGroups), sim.calls(AVS, Endpoint::HaGroups)), (0, 0));
    assert!(!d.fleet.meshes[0].ha_groups_unknown);
    assert!(d.site_warnings().all(|w| !w.message.contains("HA")), "{:#?}", d.warnings);
}

#[tokio::test]
async fn a_login_body_that_is_not_json_or_has_an_empty_id_is_fine() {
    for body in [json!("not an envelope"), json!({"data": {"endpointInfo": {"uuid": ""}}}), json!({"data": null})] {
        let sim = start(ha_scenario()).await;
        sim.inject(DC1, FaultRule::on(Endpoint::Sessions, FaultKind::Patch { pointer: String::new(), value: body }));
        let m = sim.manager(DC1).unwrap();
        let c = HcxClient::new(&m.url, Credentials::new(m.username.clone(), PASSWORD), &fast()).unwrap();
        c.login().await.unwrap();
        assert_eq!(c.login_endpoint_id(), None);
    }
}

#[tokio::test]
async fn a_migration_whose_state_does_not_decode_still_blocks() {
    let mut s = ha_scenario();
    s.fleet.migrations =
        vec![Migration { id: "mig-odd".into(), state: TransferState::Completed, site: Some(DC1.into()) }];
    let sim = start(s).await;
    sim.inject(
        DC1,
        FaultRule::on(
            Endpoint::MigrationsQuery,
            FaultKind::Patch { pointer: "/rows/0/jobInfo".into(), value: json!(7) },
        ),
    );
    let d = discover(&sim).await;
    assert_eq!(d.fleet.migrations[0].state, TransferState::InProgress, "{:#?}", d.fleet.migrations);
    let w = site_warnings(&d, DC1);
    assert!(
        w.iter().any(|w| w.contains("migration mig-odd: at `jobInfo`") && w.ends_with("counted as running")),
        "{w:#?}"
    );
    assert!(plan_in_service(&d.fleet).findings.iter().any(|f| f.rule == RuleId::ActiveMigrations));
}

#[tokio::test]
async fn an_appliance_part_the_inventory_does_not_need_is_left_out_with_a_warning() {
    let sim = start(ha_scenario()).await;
    sim.inject(DC1, patch("/items/3/networkExtensionCount", json!("many")));
    let d = discover(&sim).await;
    let w = site_warnings(&d, DC1);
    assert!(
        w.iter().any(|w| w.contains("appliance ne-solo: at `networkExtensionCount`")
            && w.ends_with("read without networkExtensionCount")),
        "{w:#?}"
    );
    let dc1 = d.sites.iter().find(|s| s.site.id == DC1).unwrap();
    assert_eq!(dc1.meshes[0].appliances.len(), 4);
}

#[tokio::test]
async fn a_failing_compat_query_alone_is_a_warning() {
    let mut s = ha_scenario();
    s.fleet.migrations =
        vec![Migration { id: "mig-plain".into(), state: TransferState::InProgress, site: Some(DC1.into()) }];
    let sim = start(s).await;
    // Only the compat-2.1 answer has `data`: its item list becomes undecodable, the plain answer is untouched.
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::MigrationsQuery, FaultKind::Patch { pointer: "/data/items".into(), value: json!("x") }),
    );
    let d = discover(&sim).await;
    let ids: Vec<&str> = d.fleet.migrations.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["mig-plain"]);
    let w = site_warnings(&d, DC1);
    assert!(
        w.iter().any(|w| w.starts_with(&format!("site {DC1}: the compat-2.1 migrations query failed"))
            && w.contains("POST /hybridity/api/migrations?action=query")),
        "{w:#?}"
    );
}
