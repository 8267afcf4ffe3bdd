//! HCX Manager REST client (feature `client`) and fleet discovery.
//!
//! ```no_run
//! # async fn demo() -> Result<(), hcx_core::client::ClientError> {
//! use hcx_core::client::{ClientConfig, Credentials, HcxClient};
//! let creds = Credentials::new("administrator@vsphere.local", std::env::var("HCX_PASSWORD").unwrap_or_default());
//! let client = HcxClient::new("https://hcx.example.net", creds, &ClientConfig::default())?;
//! let version = client.local_version().await?;
//! println!("manager {}", version.version);
//! # Ok(()) }
//! ```
//!
//! Behaviour:
//! * **Sessions.** Logs in on first use (`POST /hybridity/api/sessions`, token from `x-hm-authorization`), keeps
//!   the token as a secret, logs in again before the 15-minute idle expiry, and once more on a 401
//!   (the 401 means the manager did not act on the request, so resending it is safe even for a POST).
//! * **Retries.** Only for transient failures ([`ClientError::is_transient`]: 5xx, 408, 429, connect errors,
//!   timeouts, broken connections), and only for calls that are idempotent (reads, including the
//!   `?action=query` POSTs, and login). A connect error is retried for any call, since the request never left.
//!   A refused certificate ([`ErrorKind::Tls`]) is reported as such and never retried. Backoff is capped exponential with jitter;
//!   `Retry-After` is honoured up to [`RetryPolicy::max_retry_after`], beyond which the call fails at once.
//!   Mutations (appliance upgrade/redeploy, extension delete) are never resent after they may have arrived.
//! * **TLS.** Verified by default. [`ClientConfig::ca_bundle_pem`] trusts only the given PEM roots (for a
//!   private CA or a manager's own certificate); [`ClientConfig::danger_accept_invalid_certs`] turns
//!   verification off and must be asked for explicitly.
//! * **Plain http** is refused unless the host is loopback (the simulator) or
//!   [`ClientConfig::allow_insecure_http`] is set.
//! * **Size.** Every body is streamed and reading stops at [`ClientConfig::max_response_bytes`] (default
//!   16 MiB) with [`ClientError::TooLarge`] naming the endpoint; a `Content-Length` over the cap is refused
//!   before any byte of the body is read.
//! * **Lists** are read item by item ([`Listed`]): an item that does not decode is reported as an
//!   [`ItemProblem`] and the rest is read; `null` where a list is expected is an empty list.
//! * **Secrets** (password, token) never appear in `Debug`, logs or error messages; response excerpts in
//!   errors are scrubbed of both, raw and JSON-escaped, over the whole body before it is cut.

mod api;
mod config;
pub mod discover;
mod error;
mod lists;
mod mutate;
mod session;
mod transport;
mod wire;

/// The HCX API's wire shapes as the client decodes them. **Unstable**: they follow the managers' JSON and
/// change without notice; they are public only for the fuzz targets and the wire tests. The client's read
/// calls return them; use the fields you need and expect additions.
#[doc(hidden)]
pub mod unstable_wire {
    pub use super::wire::*;
}

use std::fmt;

pub use api::{ApplianceAction, LocalVersion, WaitOptions};
pub use config::{ClientConfig, DEFAULT_MAX_RESPONSE_BYTES, HttpPool, RetryPolicy};
pub use error::{ClientError, ErrorKind, TransportKind};
pub use lists::{ItemProblem, Listed, Migrations};
pub use mutate::{RehearsalState, RehearsalStatus};
pub use session::Credentials;

/// A client for one HCX Manager.
pub struct HcxClient {
    http: HttpPool,
    base: url::Url,
    creds: Credentials,
    cfg: ClientConfig,
    session: tokio::sync::Mutex<Option<session::Session>>,
    /// The endpoint id the first login answer carried (`data.endpointInfo.uuid`).
    login_endpoint: std::sync::OnceLock<String>,
}

impl fmt::Debug for HcxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HcxClient")
            .field("base", &self.base.as_str())
            .field("username", &self.creds.username())
            .finish_non_exhaustive()
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl HcxClient {
    /// A client with its own HTTP connection pool.
    ///
    /// # Errors
    /// [`ClientError::Config`] for a bad URL, a refused scheme or a TLS setup failure.
    pub fn new(base_url: &str, creds: Credentials, cfg: &ClientConfig) -> Result<Self, ClientError> {
        Self::with_http(&cfg.build_http()?, base_url, creds, cfg)
    }

    /// A client on a shared HTTP connection pool (built with [`ClientConfig::build_http`]).
    ///
    /// # Errors
    /// [`ClientError::Config`] for a bad URL or a refused scheme.
    pub fn with_http(
        http: &HttpPool,
        base_url: &str,
        creds: Credentials,
        cfg: &ClientConfig,
    ) -> Result<Self, ClientError> {
        let base = url::Url::parse(base_url.trim_end_matches('/'))
            .map_err(|e| ClientError::Config(format!("invalid manager url {base_url:?}: {e}")))?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) || cfg.allow_insecure_http => {}
            "http" => {
                return Err(ClientError::Config(format!(
                    "refusing plain http to {base_url}: use https, or allow_insecure_http for a lab"
                )));
            }
            other => {
                return Err(ClientError::Config(format!("unsupported url scheme {other:?} in {base_url}")));
            }
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(ClientError::Config("credentials must not be embedded in the manager url".to_owned()));
        }
        let session = tokio::sync::Mutex::new(None);
        let login_endpoint = std::sync::OnceLock::new();
        Ok(Self { http: http.clone(), base, creds, cfg: cfg.clone(), session, login_endpoint })
    }

    /// The manager's base URL.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }
}
