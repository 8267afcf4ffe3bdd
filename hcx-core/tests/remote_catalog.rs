//! `Catalog::fetch` against one-shot HTTP servers on loopback: what a trusted catalog fetch accepts and refuses.

#![cfg(feature = "remote-catalog")]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use hcx_core::Catalog;
use hcx_core::catalog::{CatalogError, FetchOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves one response (status line, extra headers, body) on 127.0.0.1 and returns the URL.
async fn serve_once_with(status: &'static str, headers: String, body: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/catalog.json", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = sock.read(&mut buf).await.unwrap();
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}connection: close\r\n\r\n",
            body.len()
        );
        sock.write_all(head.as_bytes()).await.unwrap();
        // The client may hang up early (an oversized body); that is the point.
        let _ = sock.write_all(body.as_bytes()).await;
    });
    url
}

async fn serve_once(status: &'static str, body: String) -> String {
    serve_once_with(status, String::new(), body).await
}

fn sha256_of(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn fetches_a_catalog() {
    let url = serve_once("200 OK", Catalog::bundled_json().to_owned()).await;
    let c = Catalog::fetch(&url).await.unwrap();
    assert_eq!(&c, Catalog::bundled());
}

#[tokio::test]
async fn a_pinned_digest_must_match() {
    let body = Catalog::bundled_json().to_owned();
    let good = sha256_of(&body);
    let url = serve_once("200 OK", body.clone()).await;
    let f = Catalog::fetch_with(&url, &FetchOptions::default().sha256(format!("sha256:{}", good.to_uppercase())))
        .await
        .unwrap();
    assert_eq!(f.sha256, good);
    assert_eq!(f.text, body);
    let url = serve_once("200 OK", body).await;
    let e = Catalog::fetch_with(&url, &FetchOptions::default().sha256("00".repeat(32))).await.unwrap_err();
    assert!(matches!(e, CatalogError::Refused { .. }), "{e}");
    assert!(e.to_string().contains(&format!("sha-256 mismatch: expected {}, got {good}", "00".repeat(32))), "{e}");
}

#[tokio::test]
async fn plain_http_is_refused_off_loopback() {
    // Refused before any connection is made, so no network is needed.
    let e = Catalog::fetch("http://catalog.example.com/catalog.json").await.unwrap_err();
    assert!(matches!(e, CatalogError::Refused { .. }), "{e}");
    assert!(e.to_string().contains("plain http is accepted only on a loopback address"), "{e}");
    let e = Catalog::fetch("file:///etc/passwd").await.unwrap_err();
    assert!(e.to_string().contains("unsupported url scheme \"file\""), "{e}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_refused() {
    let target = serve_once("200 OK", Catalog::bundled_json().to_owned()).await;
    // Same server address, another host name: a redirect to another host.
    let elsewhere = target.replace("127.0.0.1", "localhost");
    let url = serve_once_with("302 Found", format!("location: {elsewhere}\r\n"), String::new()).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(matches!(e, CatalogError::Refused { .. }), "{e}");
    assert!(e.to_string().contains("redirect to another host (localhost) refused"), "{e}");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let body = Catalog::bundled_json().to_owned();
    let url = serve_once("200 OK", body.clone()).await;
    let e = Catalog::fetch_with(&url, &FetchOptions::default().max_bytes(1024)).await.unwrap_err();
    assert!(matches!(e, CatalogError::Refused { .. }), "{e}");
    assert!(e.to_string().contains("the body is larger than 1024 bytes"), "{e}");
    // The default cap is 8 MiB.
    let url = serve_once("200 OK", " ".repeat(hcx_core::catalog::MAX_CATALOG_BYTES + 1)).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(e.to_string().contains("larger than 8388608 bytes"), "{e}");
}

#[tokio::test]
async fn refuses_errors_and_bad_documents_listing_every_problem() {
    let url = serve_once("404 Not Found", "{}".into()).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(matches!(e, CatalogError::Unreadable { .. }), "{e}");
    assert!(e.to_string().contains("http status 404"), "{e}");

    let mut doc: serde_json::Value = serde_json::from_str(Catalog::bundled_json()).unwrap();
    doc["paths"][2]["via"][0] = "4.4.9".into();
    doc["known_issues"][0]["fixed_in"] = "4.8.7".into();
    let url = serve_once("200 OK", doc.to_string()).await;
    match Catalog::fetch(&url).await.unwrap_err() {
        CatalogError::Invalid { origin, problems } => {
            assert_eq!(origin, url);
            assert_eq!(problems.len(), 2, "{problems:#?}");
            assert!(problems.iter().any(|p| p.contains("goes via unknown release 4.4.9")), "{problems:#?}");
            assert!(problems.iter().any(|p| p.contains("names unknown release 4.8.7")), "{problems:#?}");
        }
        other => panic!("expected an invalid catalog, got {other:?}"),
    }
    let url = serve_once("200 OK", r#"{"schema": "hcx-catalog/v1"}"#.into()).await;
    let e = Catalog::fetch(&url).await.unwrap_err();
    assert!(e.to_string().starts_with(&format!("invalid catalog {url}: ")), "{e}");
    assert!(e.to_string().contains("$.releases: missing field"), "{e}");
}

/// The file name the CLI once wrote the cache through (`catalog-….json.tmp` beside the cache file): anyone who
/// can write to the cache directory could plant a symlink there and have the next fetch overwrite its target.
#[cfg(unix)]
#[tokio::test]
async fn the_cache_is_written_through_a_fresh_file_never_a_planted_link() {
    let dir = std::env::temp_dir().join(format!("hcx-core-catalog-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache_dir = dir.join("cache");
    std::fs::create_dir_all(&cache_dir).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let cache = cache_dir.join("catalog-0123456789abcdef.json");
    std::os::unix::fs::symlink(&victim, cache.with_extension("json.tmp")).unwrap();

    let body = Catalog::bundled_json().to_owned();
    let url = serve_once("200 OK", body.clone()).await;
    let fetched = Catalog::fetch_with(&url, &FetchOptions::default()).await.unwrap();
    fetched.save_to(&cache).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n", "the victim is untouched");
    assert_eq!(std::fs::read_to_string(&cache).unwrap(), body, "the cache holds the catalog");
    assert!(std::fs::symlink_metadata(&cache).unwrap().file_type().is_file(), "a regular file, not a link");

    // A link planted at the cache file itself is replaced, not written through, and no temporary file is left.
    std::fs::remove_file(&cache).unwrap();
    std::os::unix::fs::symlink(&victim, &cache).unwrap();
    fetched.save_to(&cache).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(&cache).unwrap().file_type().is_file());
    let mut left: Vec<String> =
        std::fs::read_dir(&cache_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    left.sort();
    assert_eq!(
        left,
        ["catalog-0123456789abcdef.json", "catalog-0123456789abcdef.json.tmp"],
        "only the cache and the planted link"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The cache directory is created when missing.
#[tokio::test]
async fn the_cache_directory_is_created() {
    let dir = std::env::temp_dir().join(format!("hcx-core-catalog-cache-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = dir.join("a").join("b").join("catalog.json");
    let url = serve_once("200 OK", Catalog::bundled_json().to_owned()).await;
    Catalog::fetch_with(&url, &FetchOptions::default()).await.unwrap().save_to(&cache).unwrap();
    assert_eq!(Catalog::load(&cache).unwrap(), *Catalog::bundled());
    let _ = std::fs::remove_dir_all(&dir);
}
