//! The client and discovery against `hcx-sim` on 127.0.0.1, including every injectable fault.
//! Time-dependent behaviour (token expiry, task progress) is driven by the simulator's manual clock.
#![cfg(feature = "client")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcx_core::client::discover::{DiscoveryEvent, DiscoveryOptions, EndpointsFile, Target, discover_fleet};
use hcx_core::client::{
    ApplianceAction, ClientConfig, ClientError, Credentials, HcxClient, RetryPolicy, TransportKind, WaitOptions,
};
use hcx_core::fleet::Fleet;
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};

const SCENARIO: &str = include_str!("../../hcx-sim/scenarios/avs-pair.json");
const PASSWORD: &str = "hcx-sim-password";
const DC1: &str = "onprem-dc1";
const AVS: &str = "avs-westeurope";

fn fast() -> ClientConfig {
    ClientConfig::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_secs(2), Duration::from_secs(5))
        .with_retry(RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(5)))
}

async fn sim() -> (Simulator, SimClock) {
    let clock = SimClock::manual();
    let s = Simulator::start(Scenario::from_json(SCENARIO).expect("scenario"), PortPlan::Ephemeral, clock.clone())
        .await
        .expect("sim");
    (s, clock)
}

fn client(sim: &Simulator, site: &str, cfg: &ClientConfig) -> HcxClient {
    let m = sim.manager(site).expect("site");
    HcxClient::new(&m.url, Credentials::new(m.username.clone(), PASSWORD), cfg).expect("client")
}

fn targets(sim: &Simulator) -> Vec<Target> {
    let file = EndpointsFile::from_json(&sim.endpoints_json()).expect("endpoints");
    file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, PASSWORD)).collect()
}

fn expected_fleet(sim: &Simulator) -> Fleet {
    let mut f = Scenario::from_json(SCENARIO).expect("scenario").fleet;
    for s in &mut f.sites {
        s.url = sim.url(&s.id);
    }
    unknown_bindings(f)
}

/// The HCX API does not report port-group bindings: discovery records them as unknown.
fn unknown_bindings(mut f: Fleet) -> Fleet {
    for e in &mut f.extensions {
        e.binding = hcx_core::fleet::PortBinding::Unknown;
    }
    f
}

#[tokio::test]
async fn discovered_inventory_equals_the_scenario() {
    let (sim, _) = sim().await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let opts = DiscoveryOptions::new(fast()).with_concurrency(2).with_events(Arc::new(move |e: &DiscoveryEvent| {
        ev.lock().expect("lock").push(e.clone());
    }));
    let d = discover_fleet(targets(&sim), &opts).await.expect("discover");
    assert!(d.is_complete(), "{:?}", d.failures);
    assert_eq!(d.fleet, expected_fleet(&sim));
    d.fleet.validate().expect("valid");
    // Reading changes nothing.
    assert_eq!(sim.mutating_calls(), 0);
    // One login per manager, shared by the parallel reads.
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 1);
    assert_eq!(sim.calls(AVS, Endpoint::Sessions), 1);
    let events = events.lock().expect("lock").clone();
    assert_eq!(events.iter().filter(|e| matches!(e, DiscoveryEvent::Started { .. })).count(), 2);
    assert_eq!(events.iter().filter(|e| matches!(e, DiscoveryEvent::Answered { .. })).count(), 2);
    assert_eq!(events.last(), Some(&DiscoveryEvent::Finished { answered: 2, failed: 0 }));
    assert!(d.warnings.iter().any(|w| w.contains("port-group binding")), "{:?}", d.warnings);
}

#[tokio::test]
async fn replication_counters_become_entries_and_queued_migrations_stay_queued() {
    let mut scenario = Scenario::from_json(SCENARIO).expect("scenario");
    scenario.fleet.replications = vec![
        hcx_core::fleet::Replication {
            id: "r1".into(),
            state: hcx_core::fleet::TransferState::InProgress,
            site: Some(DC1.into()),
        },
        hcx_core::fleet::Replication {
            id: "r2".into(),
            state: hcx_core::fleet::TransferState::Queued,
            site: Some(DC1.into()),
        },
    ];
    scenario.fleet.migrations[0].state = hcx_core::fleet::TransferState::Queued;
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, SimClock::manual()).await.expect("sim");
    let d = discover_fleet(targets(&sim), &DiscoveryOptions::new(fast())).await.expect("discover");
    let states: Vec<_> = d.fleet.replications.iter().map(|r| (r.site.as_deref(), r.state)).collect();
    assert_eq!(
        states,
        vec![
            (Some(DC1), hcx_core::fleet::TransferState::InProgress),
            (Some(DC1), hcx_core::fleet::TransferState::Queued)
        ]
    );
    assert_eq!(d.fleet.migrations[0].state, hcx_core::fleet::TransferState::Queued);
}

#[tokio::test]
async fn get_hit_by_503_twice_is_retried_until_ok() {
    let (sim, _) = sim().await;
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::ServiceMesh, FaultKind::Status { status: 503, retry_after: None }).times(2),
    );
    let meshes = client(&sim, DC1, &fast()).service_meshes().await.expect("meshes");
    assert_eq!(meshes.len(), 1);
    assert_eq!(sim.calls(DC1, Endpoint::ServiceMesh), 3);
}

#[tokio::test]
async fn get_gives_up_after_max_attempts() {
    let (sim, _) = sim().await;
    sim.inject(DC1, FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Status { status: 500, retry_after: None }));
    let err = client(&sim, DC1, &fast()).appliances().await.expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert!(err.to_string().starts_with("POST /hybridity/api/interconnect/appliances/query: http 500"), "{err}");
    assert_eq!(sim.calls(DC1, Endpoint::AppliancesQuery), 3);
    // A 500 is not a missing endpoint: no fallback to the GET list.
    assert_eq!(sim.calls(DC1, Endpoint::Appliances), 0);
}

#[tokio::test]
async fn appliances_fall_back_to_the_get_list_when_the_query_is_not_served() {
    for status in [404, 405] {
        let (sim, _) = sim().await;
        sim.inject(DC1, FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Status { status, retry_after: None }));
        let list = client(&sim, DC1, &fast()).appliances().await.expect("fallback");
        assert_eq!(list.len(), 3, "{status}");
        assert_eq!((sim.calls(DC1, Endpoint::AppliancesQuery), sim.calls(DC1, Endpoint::Appliances)), (1, 1));
    }
    // Without a fault, the query alone answers.
    let (sim, _) = sim().await;
    assert_eq!(client(&sim, DC1, &fast()).appliances().await.expect("query").len(), 3);
    assert_eq!((sim.calls(DC1, Endpoint::AppliancesQuery), sim.calls(DC1, Endpoint::Appliances)), (1, 0));
}

#[tokio::test]
async fn post_upgrade_hit_by_5xx_is_not_retried() {
    let (sim, _) = sim().await;
    sim.inject(DC1, FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::Status { status: 503, retry_after: Some(0) }));
    let err = client(&sim, DC1, &fast())
        .upgrade_appliance("dc1-avs-ix-i1", &ApplianceAction::default())
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(sim.calls(DC1, Endpoint::ApplianceUpgrade), 1);
    assert_eq!(sim.performed(DC1, Endpoint::ApplianceUpgrade), 0);
}

#[tokio::test]
async fn rate_limit_honours_retry_after_and_refuses_long_waits() {
    let (sim, _) = sim().await;
    let c = client(&sim, DC1, &fast());
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::CloudConfigs, FaultKind::Status { status: 429, retry_after: Some(0) }).times(1),
    );
    assert_eq!(c.cloud_configs().await.expect("after 429").len(), 1);
    assert_eq!(sim.calls(DC1, Endpoint::CloudConfigs), 2);
    // Asked to wait two minutes, longer than max_retry_after (60 s): fail now and say when to come back.
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::CloudConfigs, FaultKind::Status { status: 429, retry_after: Some(120) }).times(1),
    );
    let err = c.cloud_configs().await.expect_err("429");
    match &err {
        ClientError::Status { status: 429, retry_after: Some(d), .. } => assert_eq!(d.as_secs(), 120),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("retry after 120s"), "{err}");
    assert_eq!(sim.calls(DC1, Endpoint::CloudConfigs), 3);
}

#[tokio::test]
async fn request_timeout_408_is_retried_but_404_is_not() {
    let (sim, _) = sim().await;
    let c = client(&sim, DC1, &fast());
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::L2Extensions, FaultKind::Status { status: 408, retry_after: None }).times(1),
    );
    assert_eq!(c.l2_extensions().await.expect("after 408").len(), 2);
    assert_eq!(sim.calls(DC1, Endpoint::L2Extensions), 2);
    let err = c.task("no-such-task").await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(sim.calls(DC1, Endpoint::Task), 1);
}

#[tokio::test]
async fn connection_reset_is_retried_for_reads_only() {
    let (sim, _) = sim().await;
    let c = client(&sim, DC1, &fast());
    sim.inject(DC1, FaultRule::on(Endpoint::Support, FaultKind::Reset).times(1));
    assert_eq!(c.local_version().await.expect("version").version.to_string(), "4.10.2");
    assert_eq!(sim.calls(DC1, Endpoint::Support), 2);
    sim.inject(DC1, FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::Reset).times(1));
    let err = c.upgrade_appliance("dc1-avs-ne-i1", &ApplianceAction::default()).await.expect_err("reset");
    assert!(matches!(err, ClientError::Transport { kind: TransportKind::Broken, .. }), "{err:?}");
    assert_eq!(sim.calls(DC1, Endpoint::ApplianceUpgrade), 1);
}

#[tokio::test]
async fn latency_beyond_the_timeout_is_a_retried_timeout() {
    let (sim, _) = sim().await;
    let cfg = fast().with_timeouts(Duration::from_secs(1), Duration::from_millis(100), Duration::from_millis(150));
    let c = client(&sim, DC1, &cfg);
    c.login().await.expect("login");
    sim.inject(DC1, FaultRule::on(Endpoint::ServiceMesh, FaultKind::Latency { ms: 400 }).times(1));
    assert_eq!(c.service_meshes().await.expect("second try").len(), 1);
    assert_eq!(sim.calls(DC1, Endpoint::ServiceMesh), 2);
    sim.inject(DC1, FaultRule::on(Endpoint::ServiceMesh, FaultKind::Latency { ms: 400 }));
    let err = c.service_meshes().await.expect_err("timeout");
    assert!(matches!(err, ClientError::Transport { kind: TransportKind::Timeout, .. }), "{err:?}");
    assert_eq!(sim.calls(DC1, Endpoint::ServiceMesh), 5);
}

#[tokio::test]
async fn connect_errors_are_reported_as_such() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    drop(l);
    let c = HcxClient::new(&format!("http://{addr}"), Credentials::new("u", PASSWORD), &fast()).expect("client");
    let err = c.local_version().await.expect_err("refused");
    assert!(matches!(err, ClientError::Transport { kind: TransportKind::Connect, .. }), "{err:?}");
    assert!(err.is_transient());
    assert!(err.to_string().starts_with("POST /hybridity/api/sessions: cannot connect"), "{err}");
}

#[tokio::test]
async fn truncated_and_malformed_bodies_name_endpoint_and_path() {
    let (sim, _) = sim().await;
    let c = client(&sim, DC1, &fast());
    sim.inject(DC1, FaultRule::on(Endpoint::CloudConfigs, FaultKind::Truncated).times(1));
    let err = c.cloud_configs().await.expect_err("truncated");
    match &err {
        ClientError::Decode { endpoint, status, excerpt, .. } => {
            assert_eq!(endpoint, "GET /hybridity/api/cloudConfigs");
            assert_eq!(*status, 200);
            assert!(excerpt.starts_with("{\"completed\":true"), "{excerpt}");
        }
        other => panic!("unexpected {other:?}"),
    }
    // Decoding errors are not transient: no retry.
    assert_eq!(sim.calls(DC1, Endpoint::CloudConfigs), 1);

    // A malformed list item is one item's problem: the rest of the list is read.
    sim.inject(DC1, FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Malformed).times(1));
    let list = c.appliance_list().await.expect("the other items");
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.endpoint, "POST /hybridity/api/interconnect/appliances/query");
    let [p] = list.problems.as_slice() else { panic!("{:?}", list.problems) };
    assert_eq!((p.id.as_deref(), p.index, p.left_out.as_deref()), (None, 0, None));
    assert!(p.message.contains("invalid type: integer `42`"), "{}", p.message);
    assert_eq!(p.name("appliance"), "appliance #0 (no id)");

    // A body that is not the list's shape at all still fails as a whole, naming the path.
    sim.inject(DC1, FaultRule::on(Endpoint::Support, FaultKind::Malformed).times(1));
    let err = c.local_version().await.expect_err("malformed");
    assert!(matches!(err, ClientError::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot decode the response at `"), "{err}");
}

#[tokio::test]
async fn idle_expiry_and_midway_expiry_cost_exactly_one_new_login() {
    let (sim, clock) = sim().await;
    let c = client(&sim, DC1, &fast());
    c.local_version().await.expect("first");
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 1);
    clock.advance(Duration::from_secs(16 * 60));
    c.local_version().await.expect("after idle expiry");
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 2);
    assert_eq!(sim.calls(DC1, Endpoint::Support), 3, "the 401 and the resend");

    sim.inject(DC1, FaultRule::on(Endpoint::AppliancesQuery, FaultKind::ExpireToken).times(1));
    assert_eq!(c.appliances().await.expect("after midway expiry").len(), 3);
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 3);

    // A manager that keeps rejecting: one new login, then a clear error (no loop).
    sim.inject(DC1, FaultRule::on(Endpoint::L2Extensions, FaultKind::ExpireToken));
    let err = c.l2_extensions().await.expect_err("401");
    assert!(matches!(err, ClientError::Unauthorized { .. }), "{err:?}");
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 4);
    assert_eq!(sim.calls(DC1, Endpoint::L2Extensions), 2);
}

#[tokio::test]
async fn a_401_on_an_upgrade_is_resent_once_and_done_once() {
    let (sim, clock) = sim().await;
    let c = client(&sim, DC1, &fast());
    c.login().await.expect("login");
    sim.inject(DC1, FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::ExpireToken).times(1));
    clock.set_auto_advance(Duration::from_secs(5));
    let task = c.upgrade_appliance("dc1-avs-ix-i1", &ApplianceAction::default()).await.expect("upgrade");
    assert_eq!(sim.calls(DC1, Endpoint::ApplianceUpgrade), 2);
    assert_eq!(sim.performed(DC1, Endpoint::ApplianceUpgrade), 1);
    let t = c.wait_task(&task, &WaitOptions::new(Duration::ZERO, 100)).await.expect("task");
    assert_eq!(t.status, "SUCCESS");
    let (src, dst) = sim.appliance_versions("dc1-avs-ix-i1").expect("appliance");
    assert_eq!((src.to_string(), dst.to_string()), ("4.10.2".to_owned(), "4.10.3".to_owned()));
}

#[tokio::test]
async fn task_goes_queued_running_success_as_the_clock_moves() {
    let (sim, clock) = sim().await;
    let c = client(&sim, AVS, &fast());
    let task =
        c.upgrade_appliance("dc1-avs-ne-i1-peer", &ApplianceAction::default().with_local(true)).await.expect("upgrade");
    assert_eq!(c.task(&task).await.expect("t").status, "QUEUED");
    clock.advance(Duration::from_secs(35));
    let t = c.task(&task).await.expect("t");
    assert_eq!(t.status, "RUNNING");
    assert_eq!(t.progress, Some(50.0));
    clock.advance(Duration::from_secs(30));
    assert_eq!(c.task(&task).await.expect("t").status, "SUCCESS");
    // local=true: only the cloud-side peer moved.
    let (src, dst) = sim.appliance_versions("dc1-avs-ne-i1").expect("appliance");
    assert_eq!((src.to_string(), dst.to_string()), ("4.10.2".to_owned(), "4.10.3".to_owned()));
}

#[tokio::test]
async fn a_stalled_task_times_out_by_poll_budget() {
    let (sim, clock) = sim().await;
    let c = client(&sim, DC1, &fast());
    sim.inject(DC1, FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskStall).times(1));
    let task = c.upgrade_appliance("dc1-avs-ix-i1", &ApplianceAction::default()).await.expect("upgrade");
    clock.set_auto_advance(Duration::from_secs(60));
    let err = c.wait_task(&task, &WaitOptions::new(Duration::ZERO, 20)).await.expect_err("stall");
    match &err {
        ClientError::TaskTimedOut { status, polls, .. } => assert_eq!((status.as_str(), *polls), ("RUNNING", 20)),
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(sim.calls(DC1, Endpoint::Task), 20);
}

#[tokio::test]
async fn failed_task_is_failed_even_while_the_mesh_says_running() {
    let (sim, clock) = sim().await;
    let c = client(&sim, DC1, &fast());
    let msg = "[IXE-I1] Update VM networks failed";
    sim.inject(
        DC1,
        FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::TaskFailReportedRunning { message: msg.into() }).times(1),
    );
    let task = c.upgrade_appliance("dc1-avs-ix-i1", &ApplianceAction::default()).await.expect("upgrade");
    clock.set_auto_advance(Duration::from_secs(10));
    let err = c.wait_task(&task, &WaitOptions::new(Duration::ZERO, 50)).await.expect_err("failed");
    assert!(matches!(&err, ClientError::TaskFailed { message, .. } if message == msg), "{err:?}");
    let mesh = c.service_meshes().await.expect("meshes").remove(0);
    let last = mesh.last_task_details.expect("lastTaskDetails");
    assert_eq!((last.interconnect_task_id.as_deref(), last.status.as_deref()), (Some(task.as_str()), Some("RUNNING")));
    // And nothing was upgraded.
    assert_eq!(sim.appliance_versions("dc1-avs-ix-i1").expect("a").1.to_string(), "4.10.2");
}

#[tokio::test]
async fn half_failed_fleet_keeps_what_answered_and_names_what_did_not() {
    let (sim, _) = sim().await;
    sim.inject(
        AVS,
        FaultRule {
            endpoint: None,
            ..FaultRule::on(Endpoint::Support, FaultKind::Status { status: 503, retry_after: None })
        },
    );
    let d = discover_fleet(targets(&sim), &DiscoveryOptions::new(fast())).await.expect("discover");
    assert_eq!(d.failures.len(), 1);
    assert_eq!(d.failures[0].site, AVS);
    assert!(d.failures[0].to_string().starts_with("site avs-westeurope (http://127.0.0.1:"), "{}", d.failures[0]);
    assert!(d.failures[0].to_string().contains("http 503"), "{}", d.failures[0]);
    // The connector's cloudConfigs still tells the cloud's version, so the pair and mesh survive.
    assert_eq!(d.fleet, expected_fleet(&sim));
    assert!(d.warnings.iter().any(|w| w.contains("avs-westeurope did not answer")), "{:?}", d.warnings);
}

#[tokio::test]
async fn half_failed_fleet_without_a_peer_report_leaves_the_site_out() {
    let (sim, _) = sim().await;
    // Wrong password for the connector: a login refusal, not retried.
    let mut t = targets(&sim);
    t[0] = Target::new(t[0].endpoint.clone(), "wrong-password");
    let d = discover_fleet(t, &DiscoveryOptions::new(fast())).await.expect("discover");
    assert_eq!(d.failures.len(), 1);
    assert!(matches!(d.failures[0].error, ClientError::Login { status: 401, .. }));
    assert_eq!(sim.calls(DC1, Endpoint::Sessions), 1);
    let ids: Vec<_> = d.fleet.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec![AVS]);
    assert!(d.fleet.meshes.is_empty() && d.fleet.pairs.is_empty());
    d.fleet.validate().expect("still a valid fleet");
}

#[tokio::test]
async fn discovery_respects_the_concurrency_bound() {
    let sim = Simulator::start(Scenario::generate(12), PortPlan::Ephemeral, SimClock::manual()).await.expect("sim");
    for m in sim.managers() {
        sim.inject(
            &m.site,
            FaultRule { endpoint: None, ..FaultRule::on(Endpoint::Support, FaultKind::Latency { ms: 5 }) },
        );
    }
    let inflight = Arc::new(Mutex::new((0usize, 0usize)));
    let f = inflight.clone();
    let opts = DiscoveryOptions::new(fast()).with_concurrency(3).with_events(Arc::new(move |e: &DiscoveryEvent| {
        let mut g = f.lock().expect("lock");
        match e {
            DiscoveryEvent::Started { .. } => {
                g.0 += 1;
                g.1 = g.1.max(g.0);
            }
            DiscoveryEvent::Answered { .. } | DiscoveryEvent::Failed { .. } => g.0 -= 1,
            _ => {}
        }
    }));
    let d = discover_fleet(targets(&sim), &opts).await.expect("discover");
    assert!(d.is_complete());
    assert_eq!(d.fleet.sites.len(), 24);
    assert_eq!(d.fleet.pairs.len(), 12);
    assert_eq!(d.fleet.meshes.len(), 12);
    assert_eq!(d.fleet, Scenario::generate(12).fleet.clone().tap_urls(&sim));
    let max = inflight.lock().expect("lock").1;
    assert!((1..=3).contains(&max), "max in flight {max}");
}

trait TapUrls {
    fn tap_urls(self, sim: &Simulator) -> Self;
}
impl TapUrls for Fleet {
    fn tap_urls(mut self, sim: &Simulator) -> Self {
        for s in &mut self.sites {
            s.url = sim.url(&s.id);
        }
        unknown_bindings(self)
    }
}

#[test]
fn plain_http_is_loopback_only_unless_allowed() {
    let creds = || Credentials::new("u", PASSWORD);
    let err = HcxClient::new("http://hcx.example.net", creds(), &ClientConfig::default()).expect_err("refused");
    assert!(err.to_string().contains("refusing plain http"), "{err}");
    HcxClient::new("http://hcx.example.net", creds(), &ClientConfig::default().allow_insecure_http(true))
        .expect("explicitly allowed");
    HcxClient::new("http://127.0.0.1:9", creds(), &ClientConfig::default()).expect("loopback");
    HcxClient::new("https://hcx.example.net", creds(), &ClientConfig::default()).expect("https");
    let err = HcxClient::new("https://u:p@hcx.example.net", creds(), &ClientConfig::default()).expect_err("userinfo");
    assert!(matches!(err, ClientError::Config(_)));
    let err = ClientConfig::default().with_ca_bundle_pem(b"not a pem".to_vec()).build_http().expect_err("pem");
    assert!(err.to_string().contains("ca bundle"), "{err}");
    let err = ClientConfig::default().with_ca_bundle_file("/nonexistent/ca.pem").expect_err("file");
    assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
    ClientConfig::default().danger_accept_invalid_certs(true).build_http().expect("lab opt-in");
}
