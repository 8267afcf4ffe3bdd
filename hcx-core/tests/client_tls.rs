//! TLS against a real handshake on loopback: a private CA, a manager certificate it signed, and the client's
//! three trust modes (default roots, a custom CA bundle, the explicit `danger_` opt-in).

#![cfg(feature = "client")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::sync::Arc;

use hcx_core::client::{ClientConfig, ClientError, Credentials, HcxClient, RetryPolicy};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PASSWORD: &str = "tls-test-password";

/// A one-manager HTTPS server on 127.0.0.1 answering log-in and the version endpoint; returns its URL and the
/// PEM of the CA that signed its certificate (for `localhost`).
async fn manager() -> (String, String) {
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that distrusts the certificate aborts the handshake: nothing to answer then.
                let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                let mut buf = vec![0u8; 8192];
                let mut len = 0;
                while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf[len..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => len += n,
                    }
                }
                let head = String::from_utf8_lossy(&buf[..len]).to_string();
                let body = if head.starts_with("POST /hybridity/api/sessions") {
                    "{}".to_owned()
                } else {
                    r#"{"success":true,"completed":true,"data":{"localEndpoints":[{"endpoint":{"version":"4.11.3"}}]}}"#
                        .to_owned()
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-hm-authorization: tls-token\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://localhost:{port}"), ca.pem())
}

fn config() -> ClientConfig {
    ClientConfig::default().with_retry(RetryPolicy::none())
}

async fn version(url: &str, cfg: &ClientConfig) -> Result<String, ClientError> {
    let client = HcxClient::new(url, Credentials::new("administrator@vsphere.local", PASSWORD), cfg)?;
    Ok(client.local_version().await?.version.to_string())
}

#[tokio::test]
async fn a_private_ca_bundle_is_trusted() {
    let (url, ca) = manager().await;
    assert_eq!(version(&url, &config().with_ca_bundle_pem(ca.into_bytes())).await.unwrap(), "4.11.3");
}

#[tokio::test]
async fn verification_is_on_by_default() {
    let (url, _) = manager().await;
    let err = version(&url, &config()).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(matches!(err, ClientError::Transport { .. }), "{text}");
    assert!(!text.contains(PASSWORD), "{text}");
}

#[tokio::test]
async fn another_ca_is_not_trusted() {
    let (url, _) = manager().await;
    let (_, other_ca) = manager().await;
    let err = version(&url, &config().with_ca_bundle_pem(other_ca.into_bytes())).await.unwrap_err();
    assert!(matches!(err, ClientError::Transport { .. }), "{err}");
}

#[tokio::test]
async fn danger_accept_invalid_certs_is_an_explicit_opt_in() {
    let (url, _) = manager().await;
    assert_eq!(version(&url, &config().danger_accept_invalid_certs(true)).await.unwrap(), "4.11.3");
}
