//! Hostile and broken managers on loopback: one that never accepts, one that accepts and never answers, huge
//! and endless bodies, a redirect to another port, one that echoes the credentials and the token back, and a
//! self-signed certificate. Each must end in its typed error, bounded by the configured timeouts, caps or
//! deadline (the outer `bounded` guard only turns a hang into a failure; it asserts no timing).
#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hcx_core::client::discover::{DiscoveryOptions, SiteEndpoint, Target, discover_fleet};
use hcx_core::client::{ClientConfig, ClientError, Credentials, ErrorKind, HcxClient, RetryPolicy};
use hcx_core::fleet::{Platform, SiteRole};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A password with a quote and a backslash, so its JSON-escaped form differs from the raw one.
const PASSWORD: &str = "pa\"ss\\word-Zq9-hostile";
const TOKEN: &str = "tok-7f3a9c1e-hostile-session";
const SUPPORT: &str = "GET /hybridity/api/metainfo/context/support";

/// Fails the test instead of hanging if a bound does not hold; generous, so it never flakes.
async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f).await.expect("the call must end within its configured bounds")
}

fn cfg() -> ClientConfig {
    ClientConfig::default()
        .with_timeouts(Duration::from_secs(2), Duration::from_millis(400), Duration::from_millis(800))
        .with_retry(RetryPolicy::new(3, Duration::from_millis(1), Duration::from_millis(2)))
}

fn client(url: &str, cfg: &ClientConfig) -> HcxClient {
    HcxClient::new(url, Credentials::new("administrator@vsphere.local", PASSWORD), cfg).unwrap()
}

/// One request: its head (request line and headers) and body.
async fn read_request<S: AsyncRead + Unpin>(s: &mut S) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let len = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0usize);
    let mut body = buf[end..].to_vec();
    while body.len() < len {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some((head, body))
}

async fn respond<S: AsyncWrite + Unpin>(s: &mut S, status: &str, headers: &str, body: &str) {
    let text = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
    let _ = s.write_all(text.as_bytes()).await;
}

/// A server whose connections are handled by `handle`, one request at a time (keep-alive); counts the
/// requests whose head starts with each prefix asked for via [`Server::count`].
struct Server {
    url: String,
    port: u16,
    requests: Arc<std::sync::Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    fn count(&self, prefix: &str) -> usize {
        self.requests.lock().unwrap().iter().filter(|h| h.starts_with(prefix)).count()
    }
}

/// What to do with one request: `Some(text)` answers it, `None` hands the stream to `hold` for good.
type Handler = Arc<dyn Fn(&str, &[u8]) -> Reply + Send + Sync>;

enum Reply {
    /// A complete response (status line, extra headers, body).
    Full(&'static str, String, String),
    /// Headers with this content-length (if any), then this body behaviour.
    Stream(Option<u64>, Body),
    /// Read the request and never answer.
    Silence,
}

#[derive(Clone, Copy)]
enum Body {
    /// 64 KiB chunks as fast as the client reads.
    Flood,
    /// One byte every 20 ms, forever.
    Drip,
}

async fn serve(handler: Handler) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let (reqs, conns) = (requests.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            conns.fetch_add(1, Ordering::SeqCst);
            let (handler, reqs) = (handler.clone(), reqs.clone());
            tokio::spawn(async move {
                while let Some((head, body)) = read_request(&mut tcp).await {
                    reqs.lock().unwrap().push(head.clone());
                    match handler(&head, &body) {
                        Reply::Full(status, headers, body) => respond(&mut tcp, status, &headers, &body).await,
                        Reply::Silence => {
                            std::future::pending::<()>().await;
                        }
                        Reply::Stream(len, kind) => {
                            stream_body(&mut tcp, len, kind).await;
                            return;
                        }
                    }
                }
            });
        }
    });
    Server { url: format!("http://127.0.0.1:{port}"), port, requests, connections }
}

async fn stream_body(tcp: &mut TcpStream, len: Option<u64>, kind: Body) {
    let head = match len {
        Some(n) => format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {n}\r\n\r\n"),
        None => "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned(),
    };
    if tcp.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let (piece, pause) = match kind {
        Body::Flood => (vec![b' '; 64 << 10], Duration::ZERO),
        Body::Drip => (vec![b' '], Duration::from_millis(20)),
    };
    loop {
        let framed = match len {
            Some(_) => piece.clone(),
            None => [format!("{:x}\r\n", piece.len()).into_bytes(), piece.clone(), b"\r\n".to_vec()].concat(),
        };
        if tcp.write_all(&framed).await.is_err() {
            return;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
    }
}

fn login_ok() -> Reply {
    Reply::Full("200 OK", format!("x-hm-authorization: {TOKEN}\r\n"), "{}".to_owned())
}

fn is_login(head: &str) -> bool {
    head.starts_with("POST /hybridity/api/sessions")
}

#[tokio::test]
async fn a_server_that_never_accepts_is_a_connect_timeout() {
    // A listen queue of one, filled by connections nobody accepts: the kernel drops further SYNs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(s)) = tokio::time::timeout(Duration::from_millis(300), TcpStream::connect(addr)).await {
            fillers.push(s);
        }
    }
    let cfg = ClientConfig::default()
        .with_timeouts(Duration::from_millis(300), Duration::from_secs(30), Duration::from_secs(30))
        .with_retry(RetryPolicy::none());
    let err = bounded(client(&format!("http://{addr}"), &cfg).local_version()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.is_transient());
    drop(listener);
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out_and_is_retried_as_configured() {
    let server = serve(Arc::new(|_: &str, _: &[u8]| Reply::Silence)).await;
    let err = bounded(client(&server.url, &cfg()).local_version()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().starts_with("POST /hybridity/api/sessions: timed out"), "{err}");
    // Logging in is idempotent: the three configured attempts, no more.
    assert_eq!(server.count("POST /hybridity/api/sessions"), 3);
}

#[tokio::test]
async fn the_whole_discovery_deadline_bounds_a_silent_manager() {
    let server = serve(Arc::new(|_: &str, _: &[u8]| Reply::Silence)).await;
    // Per-request timeouts far beyond the deadline: only the deadline can end this.
    let slow = ClientConfig::default()
        .with_timeouts(Duration::from_secs(30), Duration::from_secs(30), Duration::from_secs(30))
        .with_retry(RetryPolicy::default());
    let endpoint = SiteEndpoint {
        site: "silent".into(),
        url: server.url.clone(),
        role: SiteRole::Connector,
        platform: Platform::OnPrem,
        username: "administrator@vsphere.local".into(),
        name: None,
    };
    let opts = DiscoveryOptions::new(slow).with_deadline(Duration::from_millis(300));
    let targets = vec![Target::new(endpoint, PASSWORD)];
    let report = bounded(discover_fleet(targets, &opts)).await.unwrap();
    let failure = &report.failures[0];
    assert!(matches!(failure.error, ClientError::Deadline { .. }), "{:?}", failure.error);
    assert_eq!(failure.error.kind(), ErrorKind::Timeout);
    assert!(!failure.error.is_transient());
    assert!(failure.to_string().contains("deadline of 0.3s exceeded"), "{failure}");
}

fn huge(len: Option<u64>, kind: Body) -> Handler {
    Arc::new(move |head: &str, _: &[u8]| if is_login(head) { login_ok() } else { Reply::Stream(len, kind) })
}

#[tokio::test]
async fn a_huge_announced_body_is_refused_before_reading_it() {
    let server = serve(huge(Some(2 << 30), Body::Flood)).await;
    let cfg = cfg().with_max_response_bytes(1 << 20);
    let err = bounded(client(&server.url, &cfg).local_version()).await.unwrap_err();
    match &err {
        ClientError::TooLarge { endpoint, limit } => assert_eq!((endpoint.as_str(), *limit), (SUPPORT, 1 << 20)),
        other => panic!("expected too-large, got {other:?}"),
    }
    assert_eq!(err.kind().as_str(), "response-too-large");
    assert!(err.to_string().contains(SUPPORT), "the message names the endpoint: {err}");
    assert_eq!(server.count(SUPPORT), 1, "a too-large answer is not retried");
}

#[tokio::test]
async fn a_huge_unannounced_body_stops_at_the_cap() {
    let server = serve(huge(None, Body::Flood)).await;
    let cfg = cfg().with_max_response_bytes(1 << 20);
    let err = bounded(client(&server.url, &cfg).local_version()).await.unwrap_err();
    assert!(matches!(&err, ClientError::TooLarge { endpoint, .. } if endpoint == SUPPORT), "{err:?}");
    assert_eq!(server.count(SUPPORT), 1);
}

#[tokio::test]
async fn an_endless_drip_fed_body_ends_at_the_request_timeout() {
    let server = serve(huge(None, Body::Drip)).await;
    let err = bounded(client(&server.url, &cfg()).local_version()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(err.to_string().starts_with(SUPPORT), "{err}");
    assert_eq!(server.count(SUPPORT), 3, "retried as configured, then given up");
}

#[tokio::test]
async fn a_redirect_to_another_port_is_not_followed() {
    let elsewhere = serve(Arc::new(|_: &str, _: &[u8]| login_ok())).await;
    let target = format!("http://127.0.0.1:{}/hybridity/api/sessions", elsewhere.port);
    let server = serve(Arc::new(move |_: &str, _: &[u8]| {
        // 307 keeps method and body: following it would hand the password to the other port.
        Reply::Full("307 Temporary Redirect", format!("location: {target}\r\n"), String::new())
    }))
    .await;
    let err = bounded(client(&server.url, &cfg()).local_version()).await.unwrap_err();
    assert!(matches!(err, ClientError::Status { status: 307, .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::HttpStatus);
    assert_eq!(elsewhere.connections.load(Ordering::SeqCst), 0, "nothing may reach the other port");
}

/// A body that echoes everything secret: the password at offset 185 (across the excerpt's 200-character
/// cut), JSON-escaped as a JSON server would, raw, and the token.
fn echo_body(request_body: &[u8]) -> String {
    let sent: serde_json::Value = serde_json::from_slice(request_body).unwrap_or_default();
    let password = sent["password"].as_str().unwrap_or(PASSWORD);
    let escaped = serde_json::Value::String(password.to_owned()).to_string();
    let escaped = &escaped[1..escaped.len() - 1];
    let start = "{\"data\": 7, \"pad\": \"";
    let lead = format!("{start}{}", "x".repeat(185 - start.len()));
    assert_eq!(lead.len(), 185);
    format!("{lead}{escaped}\", \"raw\": \"{password}\", \"token\": \"{TOKEN}\"}}")
}

fn assert_no_secret(err: &ClientError) {
    let text = format!("{err} {err:?}");
    let escaped = "pa\\\"ss\\\\word";
    for needle in [PASSWORD, &PASSWORD[..6], escaped, &escaped[..5], TOKEN, &TOKEN[..12]] {
        assert!(!text.contains(needle), "{needle:?} leaked: {text}");
    }
}

#[tokio::test]
async fn echoed_credentials_and_token_never_reach_an_error() {
    // A 200 that fails to decode (`data` is not an object), a 500, and a refused login, each echoing.
    let password_seen = Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let seen = password_seen.clone();
    let server = serve(Arc::new(move |head: &str, body: &[u8]| {
        if is_login(head) {
            seen.lock().unwrap().extend_from_slice(body);
            return login_ok();
        }
        let echo = echo_body(&seen.lock().unwrap());
        if head.starts_with(SUPPORT) {
            Reply::Full("200 OK", String::new(), echo)
        } else {
            Reply::Full("500 Internal Server Error", String::new(), echo)
        }
    }))
    .await;
    let c = client(&server.url, &cfg().with_retry(RetryPolicy::none()));
    let decode = bounded(c.local_version()).await.unwrap_err();
    assert!(matches!(decode, ClientError::Decode { status: 200, .. }), "{decode:?}");
    assert!(decode.to_string().contains("[redacted]"), "the excerpt reaches the secret and blanks it: {decode}");
    assert_no_secret(&decode);
    let status = bounded(c.cloud_configs()).await.unwrap_err();
    assert!(matches!(status, ClientError::Status { status: 500, .. }), "{status:?}");
    assert_no_secret(&status);

    let refusing =
        serve(Arc::new(|_: &str, body: &[u8]| Reply::Full("401 Unauthorized", String::new(), echo_body(body)))).await;
    let login = bounded(client(&refusing.url, &cfg()).local_version()).await.unwrap_err();
    assert_eq!(login.kind(), ErrorKind::Auth, "{login:?}");
    assert_no_secret(&login);
}

#[tokio::test]
async fn a_self_signed_certificate_is_a_tls_error_and_never_retried() {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.signing_key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handshakes = Arc::new(AtomicUsize::new(0));
    let count = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                if read_request(&mut tls).await.is_some() {
                    respond(&mut tls, "200 OK", &format!("x-hm-authorization: {TOKEN}\r\n"), "{}").await;
                }
            });
        }
    });
    let cfg = cfg().with_retry(RetryPolicy::new(4, Duration::from_millis(1), Duration::from_millis(2)));
    let err = bounded(client(&format!("https://localhost:{port}"), &cfg).local_version()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
    assert!(!err.is_transient());
    assert!(err.to_string().contains("tls handshake failed"), "{err}");
    assert_eq!(handshakes.load(Ordering::SeqCst), 1, "a refused certificate is not retried");
    assert_no_secret(&err);
}
