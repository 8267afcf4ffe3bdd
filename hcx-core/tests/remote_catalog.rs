//! `Catalog::fetch` against a one-shot HTTP server on loopback.

#![cfg(feature = "remote-catalog")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use hcx_core::Catalog;
use hcx_core::catalog::CatalogError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves one response on 127.0.0.1 and returns the URL.
async fn serve_once(status: &'static str, body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/catalog.json", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await.unwrap();
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        sock.write_all(head.as_bytes()).await.unwrap();
        sock.write_all(body.as_bytes()).await.unwrap();
    });
    url
}

#[tokio::test]
async fn fetches_a_catalog() {
    let url = serve_once("200 OK", Catalog::bundled_json().to_owned()).await;
    let c = Catalog::fetch(&url).await.unwrap();
    assert_eq!(c.releases().len(), Catalog::bundled().releases().len());
}

#[tokio::test]
async fn refuses_errors_and_bad_documents() {
    let url = serve_once("404 Not Found", "{}".into()).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(matches!(e, CatalogError::Unreadable { .. }), "{e}");
    assert!(e.to_string().contains("http status 404"), "{e}");

    let url = serve_once("200 OK", r#"{"schema": "hcx-catalog/v1"}"#.into()).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(e.to_string().starts_with(&format!("invalid catalog {url}")), "{e}");
}
