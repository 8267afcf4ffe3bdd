//! Fetching a catalog from a URL. The catalog is the trust root of every upgrade decision, so the fetch is
//! strict: https only (plain http only to a loopback address, for tests), no redirect to another host or to
//! http, a capped body, timeouts, an optional SHA-256 pin of the body, and a document that fails validation is
//! refused whole with every problem listed.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use super::{Catalog, CatalogError, sha256_hex};

/// The largest catalog body accepted (8 MiB; the bundled catalog is well under 100 KiB).
pub const MAX_CATALOG_BYTES: usize = 8 * 1024 * 1024;

/// How a catalog is fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FetchOptions {
    /// The expected SHA-256 of the body (hex, optionally prefixed `sha256:`); a mismatch is refused.
    pub sha256: Option<String>,
    /// The largest body accepted, in bytes.
    pub max_bytes: usize,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long the whole request may take.
    pub timeout: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            sha256: None,
            max_bytes: MAX_CATALOG_BYTES,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
        }
    }
}

impl FetchOptions {
    /// Pins the expected SHA-256 of the body.
    #[must_use]
    pub fn sha256(mut self, hex: impl Into<String>) -> Self {
        self.sha256 = Some(hex.into());
        self
    }

    /// Sets the body cap.
    #[must_use]
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }
}

/// A fetched, validated catalog with the body it came from.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Fetched {
    /// The catalog.
    pub catalog: Catalog,
    /// The body as received (to cache it).
    pub text: String,
    /// The SHA-256 of the body, lowercase hex.
    pub sha256: String,
}

impl Fetched {
    /// Writes the body as the last good copy of the catalog at `file` (creating its directory), so that a
    /// later fetch that cannot reach the URL can stand in with it.
    ///
    /// The body goes to a fresh temporary file with an unpredictable name, created in `file`'s own directory
    /// (exclusively, mode 0600 on Unix), is flushed to disk, then renamed over `file` in one step: a reader sees
    /// the old copy or the whole new one, never a partial file, and a symlink planted in the cache directory
    /// (at a name a fixed temporary name would have used, or at `file` itself) is replaced, never followed, so
    /// it cannot make the cache write somewhere else.
    ///
    /// # Errors
    /// The I/O error, when the directory cannot be created or the file written or renamed.
    pub fn save_to(&self, file: &Path) -> std::io::Result<()> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::Builder::new().prefix(".catalog-").suffix(".tmp").tempfile_in(dir)?;
        tmp.write_all(self.text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(file).map_err(|e| e.error)?;
        Ok(())
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Why a URL cannot be a catalog's, or `None` when it can.
fn unsafe_url(url: &reqwest::Url) -> Option<String> {
    match url.scheme() {
        "https" => None,
        "http" if is_loopback(url) => None,
        "http" => Some("plain http is accepted only on a loopback address; use https".to_owned()),
        other => Some(format!("unsupported url scheme {other:?}; use https")),
    }
}

/// Follows a redirect only to the same host and never from https to http.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.follow();
        };
        let same_host = attempt.url().host_str() == first.host_str() && attempt.url().port() == first.port();
        let downgrade = first.scheme() == "https" && attempt.url().scheme() != "https";
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if !same_host {
            let to = attempt.url().host_str().unwrap_or("").to_owned();
            attempt.error(format!("redirect to another host ({to}) refused"))
        } else if downgrade {
            attempt.error("redirect from https to http refused")
        } else {
            attempt.follow()
        }
    })
}

/// The expected digest in lowercase hex, without a `sha256:` prefix.
fn normalised_pin(pin: &str) -> String {
    let pin = pin.trim().to_ascii_lowercase();
    pin.strip_prefix("sha256:").map(str::to_owned).unwrap_or(pin)
}

/// The innermost message of an error chain (reqwest hides the redirect policy's reason in a source).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out = format!("{out}: {s}");
        cur = s.source();
    }
    out
}

impl Catalog {
    /// Downloads a catalog over https with the default [`FetchOptions`].
    ///
    /// # Errors
    /// See [`Catalog::fetch_with`].
    pub async fn fetch(url: &str) -> Result<Self, CatalogError> {
        Ok(Self::fetch_with(url, &FetchOptions::default()).await?.catalog)
    }

    /// Downloads a catalog: https only (plain http to a loopback address only), TLS verified, redirects only
    /// within the same host, the body capped and optionally pinned to a SHA-256, the document validated.
    ///
    /// # Errors
    /// [`CatalogError::Refused`] for an unsafe URL or redirect, an oversized body or a digest mismatch;
    /// [`CatalogError::Unreadable`] for transport errors and non-success statuses; [`CatalogError::Invalid`]
    /// with every problem when the document is not a valid catalog.
    pub async fn fetch_with(url: &str, options: &FetchOptions) -> Result<Fetched, CatalogError> {
        let refused = |reason: String| CatalogError::Refused { origin: url.to_owned(), reason };
        // The message spells out the whole chain; the error is kept as the source too.
        let unreadable = |message: String, cause: Option<reqwest::Error>| CatalogError::Unreadable {
            origin: url.to_owned(),
            message,
            cause: cause.map(super::Cause::new),
        };
        let parsed = reqwest::Url::parse(url).map_err(|e| refused(format!("not a url: {e}")))?;
        if let Some(why) = unsafe_url(&parsed) {
            return Err(refused(why));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .redirect(redirect_policy())
            .build()
            .map_err(|e| {
                let e = e.without_url();
                unreadable(chain(&e), Some(e))
            })?;
        let mut response = client.get(parsed).send().await.map_err(|e| {
            if e.is_redirect() {
                refused(chain(&e.without_url()))
            } else {
                let e = e.without_url();
                unreadable(chain(&e), Some(e))
            }
        })?;
        let status = response.status();
        if !status.is_success() {
            return Err(unreadable(format!("http status {status}"), None));
        }
        let too_big = || refused(format!("the body is larger than {} bytes", options.max_bytes));
        if response.content_length().is_some_and(|n| n > options.max_bytes as u64) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            let e = e.without_url();
            unreadable(chain(&e), Some(e))
        })? {
            if body.len() + chunk.len() > options.max_bytes {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        let sha256 = sha256_hex(&body);
        if let Some(pin) = &options.sha256 {
            let want = normalised_pin(pin);
            if want != sha256 {
                return Err(refused(format!("sha-256 mismatch: expected {want}, got {sha256}")));
            }
        }
        let text = String::from_utf8(body).map_err(|_| refused("the body is not utf-8".to_owned()))?;
        let catalog = Self::from_json_checked(&text, url)?;
        Ok(Fetched { catalog, text, sha256 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        assert!(unsafe_url(&u("https://example.com/c.json")).is_none());
        assert!(unsafe_url(&u("http://127.0.0.1:8080/c.json")).is_none());
        assert!(unsafe_url(&u("http://localhost/c.json")).is_none());
        assert!(unsafe_url(&u("http://[::1]/c.json")).is_none());
        assert!(unsafe_url(&u("http://example.com/c.json")).unwrap().contains("loopback"));
        assert!(unsafe_url(&u("http://10.0.0.1/c.json")).is_some());
        assert!(unsafe_url(&u("ftp://example.com/c.json")).unwrap().contains("scheme"));
        assert_eq!(normalised_pin(" SHA256:ABcd "), "abcd");
        assert_eq!(normalised_pin("abcd"), "abcd");
    }
}
