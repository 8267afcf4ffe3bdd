//! The shared connection flags against managers behind TLS with a private CA: the simulator (plain http on
//! loopback) behind a TLS front whose certificate, for `localhost`, a CA made here signed. `--ca-cert` trusts
//! it, nothing else does unless `--danger-accept-invalid-certs`; a `--ca-cert` that is missing or not PEM is
//! bad input naming the file.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use common::{PASSWORD, assert_exit, hcx_blocking, hcx_with, s, scratch, sim_endpoints, stderr, stdout};
use hcx_cli::exit::Exit;
use hcx_sim::Simulator;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};

/// The avs-pair simulator behind TLS fronts, its endpoints file (`https://localhost:PORT`) and the PEM file
/// of the CA that signed the fronts' certificate.
struct TlsFleet {
    _sim: Simulator,
    endpoints: PathBuf,
    ca: PathBuf,
    dir: PathBuf,
}

/// A CA certificate that signs nothing here, to make multi-certificate bundles.
fn other_ca_pem() -> String {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap().pem()
}

async fn tls_fleet(name: &str) -> TlsFleet {
    let (sim, endpoints, dir) = sim_endpoints(name).await;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()]).unwrap().signed_by(&key, &*ca).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let mut text = std::fs::read_to_string(&endpoints).unwrap();
    for m in sim.managers() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        text = text.replace(&format!("\"{}\"", m.url), &format!("\"https://localhost:{port}\""));
        tokio::spawn(front(listener, acceptor.clone(), m.addr));
    }
    assert!(!text.contains("http://"), "every manager is behind TLS: {text}");
    std::fs::write(&endpoints, text).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    TlsFleet { _sim: sim, endpoints, ca: ca_file, dir }
}

/// Terminates TLS and relays the plain bytes to one simulated manager.
async fn front(listener: TcpListener, acceptor: tokio_rustls::TlsAcceptor, manager: SocketAddr) {
    loop {
        let Ok((tcp, _)) = listener.accept().await else { return };
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            // A client that distrusts the certificate aborts the handshake: nothing to relay then.
            let Ok(mut tls) = acceptor.accept(tcp).await else { return };
            let Ok(mut plain) = TcpStream::connect(manager).await else { return };
            let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
        });
    }
}

async fn discover(f: &TlsFleet, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["discover", "--endpoints", s(&f.endpoints)];
    args.extend_from_slice(extra);
    hcx_blocking(&args, b"", &[("HCX_PASSWORD", PASSWORD)]).await
}

async fn plan(f: &TlsFleet, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["plan", "--discover", s(&f.endpoints), "--date", "2026-11-28", "--format", "json"];
    args.extend_from_slice(extra);
    hcx_blocking(&args, b"", &[("HCX_PASSWORD", PASSWORD)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_ca_is_trusted_with_ca_cert_and_only_then() {
    let f = tls_fleet("private-ca").await;

    let trusted = discover(&f, &["--ca-cert", s(&f.ca)]).await;
    assert_exit(&trusted, Exit::Clean);
    let fleet = hcx_core::fleet::Fleet::from_json(&stdout(&trusted)).unwrap();
    assert_eq!(fleet.sites.len(), 2, "{}", stderr(&trusted));

    // A bundle of several certificates: the one that signed is enough.
    let bundle = f.dir.join("bundle.pem");
    std::fs::write(&bundle, other_ca_pem() + &std::fs::read_to_string(&f.ca).unwrap()).unwrap();
    assert_exit(&discover(&f, &["--ca-cert", s(&bundle)]).await, Exit::Clean);

    let refused = discover(&f, &[]).await;
    assert_exit(&refused, Exit::Usage);
    let err = stderr(&refused);
    assert!(refused.stdout.is_empty());
    let error_line = err.lines().find(|l| l.starts_with("hcx: error:")).unwrap_or_default();
    assert!(error_line.contains("2 of 2 managers did not answer"), "{err}");
    assert!(error_line.contains("tls handshake failed"), "{err}");
    assert!(error_line.contains("invalid peer certificate"), "the TLS stack's reason is named: {err}");
    assert!(error_line.contains("--ca-cert FILE"), "the fix is named: {err}");
    assert!(!err.contains(PASSWORD));

    // Trusting another CA is refused the same way, and the message names the file given.
    let other = f.dir.join("other.pem");
    std::fs::write(&other, other_ca_pem()).unwrap();
    let wrong = discover(&f, &["--ca-cert", s(&other)]).await;
    assert_exit(&wrong, Exit::Usage);
    assert!(stderr(&wrong).contains(&format!("check that {} holds the CA", other.display())), "{}", stderr(&wrong));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_discover_takes_the_same_flags() {
    let f = tls_fleet("plan-discover").await;
    // The scenario has a migration in flight: the plan has blockers (exit 1), but it was made.
    let trusted = plan(&f, &["--ca-cert", s(&f.ca)]).await;
    assert_exit(&trusted, Exit::Findings);
    assert!(stdout(&trusted).contains("hcx-plan/v2"), "{}", stderr(&trusted));
    let refused = plan(&f, &[]).await;
    assert_exit(&refused, Exit::Usage);
    assert!(stderr(&refused).contains("pass --ca-cert FILE"), "{}", stderr(&refused));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn danger_accept_invalid_certs_connects_and_says_so() {
    let f = tls_fleet("danger").await;
    let o = discover(&f, &["--danger-accept-invalid-certs"]).await;
    assert_exit(&o, Exit::Clean);
    assert!(stdout(&o).contains("hcx-fleet/v1"));
    assert!(stderr(&o).contains("verification is disabled"), "{}", stderr(&o));
    // The opt-in and a CA bundle contradict each other.
    let both = discover(&f, &["--danger-accept-invalid-certs", "--ca-cert", s(&f.ca)]).await;
    assert_exit(&both, Exit::Usage);
}

#[test]
fn a_ca_cert_that_is_missing_or_not_pem_is_bad_input_naming_the_file() {
    let dir = scratch("bad-ca");
    // Never contacted: the bundle is checked before any manager is.
    let endpoints = dir.join("endpoints.json");
    std::fs::write(
        &endpoints,
        r#"{"schema":"hcx-endpoints/v1","endpoints":[{"site":"dc1","url":"https://localhost:9","role":"connector","platform":"on-prem","username":"administrator@vsphere.local"}]}"#,
    )
    .unwrap();
    let missing = dir.join("missing.pem");
    let text = dir.join("notes.pem");
    std::fs::write(&text, "not a certificate\n").unwrap();
    let binary = dir.join("ca.der");
    std::fs::write(&binary, [0x30, 0x82, 0x01, 0xff, 0x80, 0x81]).unwrap();
    for (file, says) in [(&missing, "cannot read"), (&text, "not a PEM certificate bundle"), (&binary, "DER")] {
        let args = ["discover", "--endpoints", s(&endpoints), "--ca-cert", s(file)];
        let o = hcx_with(&args, b"", &[("HCX_PASSWORD", PASSWORD)]);
        assert_exit(&o, Exit::Usage);
        let err = stderr(&o);
        assert!(err.contains(&format!("--ca-cert {}", file.display())), "{err}");
        assert!(err.contains(says), "{err}");
        assert_eq!(err.lines().count(), 1, "one error, before any manager is contacted: {err}");
    }
    // `plan --discover` takes the same flags.
    let args = ["plan", "--discover", s(&endpoints), "--ca-cert", s(&missing)];
    let o = hcx_with(&args, b"", &[("HCX_PASSWORD", PASSWORD)]);
    assert_exit(&o, Exit::Usage);
    assert!(stderr(&o).contains(&format!("--ca-cert {}", missing.display())), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_takes_the_same_flags() {
    let f = tls_fleet("apply-tls").await;
    let plan_file = f.dir.join("plan.json");
    // The scenario's migration in flight and WAN Optimization are acknowledged so the plan can be carried out.
    let acks = ["--ack", "active-migrations", "--ack", "wan-opt-removed"];
    let planned = plan(&f, &[&["--ca-cert", s(&f.ca), "--out", s(&plan_file)][..], &acks].concat()).await;
    assert_exit(&planned, Exit::Clean);
    let apply = |extra: &'static [&'static str], ca: Option<PathBuf>| {
        let mut args: Vec<String> = ["apply", s(&plan_file), "--endpoints", s(&f.endpoints)].map(str::to_owned).into();
        args.extend(["--journal".to_owned(), s(&f.dir.join("journal.sqlite")).to_owned()]);
        args.extend(ca.map(|c| ["--ca-cert".to_owned(), s(&c).to_owned()]).into_iter().flatten());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            hcx_blocking(&args, b"", &[("HCX_PASSWORD", PASSWORD)]).await
        }
    };
    // A dry run reads every manager's live state: with the CA it gets through to the drift check (the
    // scenario's live mesh and transfers may differ from the projection: exit 0 or 4, never a refusal).
    let trusted = apply(&[], Some(f.ca.clone())).await;
    let err = stderr(&trusted);
    assert!([Some(0), Some(4)].contains(&trusted.status.code()), "{err}");
    assert!(stdout(&trusted).contains("S1   Pre-upgrade checks on onprem-dc1"), "{err}");
    assert!(!err.contains("certificate") && !err.contains("hcx: error"), "{err}");
    // Without it, the managers' certificate is refused and nothing is read.
    let refused = apply(&[], None).await;
    assert_exit(&refused, Exit::Usage);
    assert!(stderr(&refused).contains("invalid peer certificate"), "{}", stderr(&refused));
    assert!(refused.stdout.is_empty(), "{}", stdout(&refused));
}
