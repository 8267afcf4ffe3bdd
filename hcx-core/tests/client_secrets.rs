//! No secret (password, session token) in any error's Display/Debug or any log line, at TRACE level,
//! across logins, re-logins, refusals, retries and decode failures. Current-thread runtime so the capturing
//! subscriber sees the simulator's, the client's and hyper's events alike.
#![cfg(feature = "client")]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hcx_core::client::discover::{DiscoveryOptions, EndpointsFile, Target, discover_fleet};
use hcx_core::client::{ApplianceAction, ClientConfig, Credentials, HcxClient, RetryPolicy};
use hcx_sim::{Endpoint, FaultKind, FaultRule, PortPlan, Scenario, SimClock, Simulator};

const SCENARIO: &str = include_str!("../../hcx-sim/scenarios/avs-pair.json");
// A distinctive password so a leak cannot hide behind a common substring.
const PASSWORD: &str = "S3cr3t-Pa55w0rd-zq9x";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_errors_or_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut scenario = Scenario::from_json(SCENARIO).expect("scenario");
    scenario.defaults.password = PASSWORD.to_owned();
    let clock = SimClock::manual();
    let sim = Simulator::start(scenario, PortPlan::Ephemeral, clock.clone()).await.expect("sim");
    let cfg =
        ClientConfig::default().with_retry(RetryPolicy::new(2, Duration::from_millis(1), Duration::from_millis(2)));
    let m = sim.manager("onprem-dc1").expect("site");
    let creds = Credentials::new(m.username.clone(), PASSWORD);
    let c = HcxClient::new(&m.url, creds.clone(), &cfg).expect("client");
    let mut texts = vec![format!("{c:?}"), format!("{creds:?}"), format!("{cfg:?}")];
    let mut record = |e: &dyn std::fmt::Debug, d: String| {
        texts.push(format!("{e:?}"));
        texts.push(d);
    };

    c.local_version().await.expect("ok");
    clock.advance(Duration::from_secs(20 * 60));
    c.cloud_configs().await.expect("re-login after expiry");
    sim.inject(
        "onprem-dc1",
        FaultRule::on(Endpoint::ServiceMesh, FaultKind::Status { status: 500, retry_after: None }),
    );
    let e = c.service_meshes().await.expect_err("500");
    record(&e, e.to_string());
    sim.inject("onprem-dc1", FaultRule::on(Endpoint::AppliancesQuery, FaultKind::Truncated));
    let e = c.appliances().await.expect_err("truncated");
    record(&e, e.to_string());
    sim.inject("onprem-dc1", FaultRule::on(Endpoint::L2Extensions, FaultKind::ExpireToken));
    let e = c.l2_extensions().await.expect_err("401");
    record(&e, e.to_string());
    sim.inject("onprem-dc1", FaultRule::on(Endpoint::ApplianceUpgrade, FaultKind::Reset));
    let e = c.upgrade_appliance("dc1-avs-ix-i1", &ApplianceAction::default()).await.expect_err("reset");
    record(&e, e.to_string());

    let bad = HcxClient::new(&m.url, Credentials::new(m.username.clone(), format!("{PASSWORD}-wrong")), &cfg)
        .expect("client");
    let e = bad.local_version().await.expect_err("refused");
    record(&e, e.to_string());

    let file = EndpointsFile::from_json(&sim.endpoints_json()).expect("endpoints");
    let mut targets: Vec<Target> = file.endpoints.into_iter().map(|endpoint| Target::new(endpoint, PASSWORD)).collect();
    targets[1] = Target::new(targets[1].endpoint.clone(), "another-wrong-one");
    let d = discover_fleet(targets.clone(), &DiscoveryOptions::new(cfg.clone())).await.expect("discover");
    for f in &d.failures {
        record(f, f.to_string());
    }
    texts.push(format!("{:?}", targets));

    let tokens: Vec<String> = sim.managers().iter().flat_map(|m| sim.issued_tokens(&m.site)).collect();
    assert!(tokens.len() >= 4, "expected several sessions, got {}", tokens.len());
    let logs = String::from_utf8(capture.0.lock().expect("lock").clone()).expect("utf8");
    assert!(logs.contains("logging in again"), "the capture must actually see the client's logs");
    assert!(logs.contains("retrying"), "and its retries");
    for text in texts.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains(PASSWORD), "password leaked: {text}");
        assert!(!text.contains("another-wrong-one"), "password leaked: {text}");
        for t in &tokens {
            assert!(!text.contains(t.as_str()), "token leaked: {text}");
        }
    }
}
