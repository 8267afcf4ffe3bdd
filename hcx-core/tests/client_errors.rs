//! Client errors say what happened: a stable kind for every failure class, one transient predicate, and the
//! underlying cause reachable through `source()` (without the HTTP stack's types in the API).
#![cfg(feature = "client")]

use std::error::Error as _;
use std::time::Duration;

use hcx_core::client::discover::{DiscoveryOptions, SiteEndpoint, Target, discover_fleet};
use hcx_core::client::{ClientConfig, ClientError, Credentials, ErrorKind, HcxClient, RetryPolicy, TransportKind};
use hcx_core::fleet::{Platform, SiteRole};

const PASSWORD: &str = "errors-Pa55-q7";

/// A loopback URL nothing listens on (the port was just free).
fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn no_retries() -> ClientConfig {
    ClientConfig::default().with_retry(RetryPolicy::none())
}

/// Every error in the chain below `e`, as text.
fn chain(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push(s.to_string());
        cur = s.source();
    }
    out
}

/// Whether an `io::Error` of this kind sits somewhere below `e` (the connector nests it in its own errors).
fn has_io_kind(e: &(dyn std::error::Error + 'static), kind: std::io::ErrorKind) -> bool {
    let mut cur = e.source();
    while let Some(s) = cur {
        if s.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == kind) {
            return true;
        }
        cur = s.source();
    }
    false
}

#[tokio::test]
async fn a_refused_connection_keeps_its_cause_in_the_source_chain() {
    let client = HcxClient::new(&refused_url(), Credentials::new("admin", PASSWORD), &no_retries()).expect("client");
    let err = client.login().await.expect_err("nothing listens");
    assert!(matches!(err, ClientError::Transport { kind: TransportKind::Connect, .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.kind().as_str(), "connect");
    assert!(err.is_transient(), "a refused connection is worth another try");
    assert_eq!(err.status(), None);
    assert!(err.to_string().starts_with("POST /hybridity/api/sessions: cannot connect"), "{err}");
    let causes = chain(&err);
    assert!(!causes.is_empty(), "the transport error must expose its cause");
    assert!(has_io_kind(&err, std::io::ErrorKind::ConnectionRefused), "{causes:?}");
    assert!(causes.iter().all(|c| !c.contains(PASSWORD)), "{causes:?}");
}

#[tokio::test]
async fn a_failed_site_chains_to_the_client_error_and_its_cause() {
    let endpoint = SiteEndpoint {
        site: "dc1".to_owned(),
        url: refused_url(),
        role: SiteRole::Connector,
        platform: Platform::OnPrem,
        username: "admin".to_owned(),
        name: None,
    };
    let d = discover_fleet(vec![Target::new(endpoint, PASSWORD)], &DiscoveryOptions::new(no_retries()))
        .await
        .expect("discover");
    let failure = &d.failures[0];
    let first = failure.source().expect("the site failure has a source");
    let client_err = first.downcast_ref::<ClientError>().expect("its source is the ClientError");
    assert_eq!(client_err.kind(), ErrorKind::Connect);
    assert!(has_io_kind(failure, std::io::ErrorKind::ConnectionRefused), "{:?}", chain(failure));
}

#[test]
fn every_failure_class_has_a_stable_kind() {
    let ep = || "GET /hybridity/api/x".to_owned();
    let status = |status| ClientError::Status { endpoint: ep(), status, retry_after: None, excerpt: String::new() };
    let cases: Vec<(ClientError, &str, bool)> = vec![
        (ClientError::Config("bad url".to_owned()), "config", false),
        (status(503), "http-status", true),
        (status(429), "http-status", true),
        (status(408), "http-status", true),
        (status(404), "http-status", false),
        (ClientError::Login { endpoint: ep(), status: 401, excerpt: String::new() }, "auth", false),
        (ClientError::Unauthorized { endpoint: ep() }, "auth", false),
        (ClientError::TooLarge { endpoint: ep(), limit: 1 }, "response-too-large", false),
        (ClientError::Deadline { endpoint: ep(), deadline: Duration::from_secs(1) }, "timeout", false),
        (
            ClientError::Decode {
                endpoint: ep(),
                status: 200,
                path: ".".to_owned(),
                message: "expected an object".to_owned(),
                excerpt: String::new(),
            },
            "decode",
            false,
        ),
        (ClientError::Protocol { endpoint: ep(), message: "no token".to_owned() }, "protocol", false),
        (ClientError::TaskFailed { endpoint: ep(), task: "t1".to_owned(), message: "boom".to_owned() }, "task", false),
    ];
    for (err, kind, transient) in cases {
        assert_eq!(err.kind().as_str(), kind, "{err}");
        assert_eq!(err.kind().to_string(), kind);
        assert_eq!(err.is_transient(), transient, "{err}");
    }
}

#[test]
fn retry_after_is_readable_from_the_error() {
    let err = ClientError::Status {
        endpoint: "GET /x".to_owned(),
        status: 503,
        retry_after: Some(Duration::from_secs(7)),
        excerpt: String::new(),
    };
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(ClientError::Unauthorized { endpoint: "GET /x".to_owned() }.retry_after(), None);
}

#[test]
fn passwords_stay_out_of_debug() {
    let endpoint = SiteEndpoint {
        site: "dc1".to_owned(),
        url: "https://hcx.example".to_owned(),
        role: SiteRole::Connector,
        platform: Platform::OnPrem,
        username: "admin".to_owned(),
        name: None,
    };
    let t = Target::new(endpoint, PASSWORD);
    for text in [format!("{t:?}"), format!("{:?}", t.credentials()), format!("{:?}", Credentials::new("a", PASSWORD))] {
        assert!(!text.contains(PASSWORD), "{text}");
    }
    assert_eq!(t.credentials().username(), "admin");
}
