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
//!   the token as a [`SecretString`], logs in again before the 15-minute idle expiry, and once more on a 401
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
//! * **Secrets** (password, token) never appear in `Debug`, logs or error messages; response excerpts in
//!   errors are scrubbed of both, raw and JSON-escaped, over the whole body before it is cut.

pub mod discover;
mod error;
mod mutate;
pub mod wire;

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use error::{ClientError, ErrorKind, TransportKind};
pub use mutate::{BundleMetadata, ManagerUpgradeStatus};
pub use secrecy;

use crate::version::HcxVersion;
use error::{excerpt, is_transient_status, redact, truncate_chars};

/// SSO credentials for one manager. The password is a secret: `Debug` shows `[REDACTED]`.
#[derive(Clone)]
pub struct Credentials {
    username: String,
    password: SecretString,
}

impl Credentials {
    /// Wraps a username and password.
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self { username: username.into(), password: SecretString::from(password.into()) }
    }

    /// From an already-secret password.
    pub fn from_secret(username: impl Into<String>, password: SecretString) -> Self {
        Self { username: username.into(), password }
    }

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).field("password", &"[redacted]").finish()
    }
}

/// When and how to retry.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = no retries).
    pub max_attempts: u32,
    /// First backoff delay; doubles per attempt.
    pub base_delay: Duration,
    /// Cap on one backoff delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` the client will wait; longer asks fail at once with the status error.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy with these attempts and delays (max_retry_after stays 60 s).
    pub fn new(max_attempts: u32, base_delay: Duration, max_delay: Duration) -> Self {
        Self { max_attempts: max_attempts.max(1), base_delay, max_delay, ..Self::default() }
    }

    /// No retries at all.
    pub fn none() -> Self {
        Self::new(1, Duration::ZERO, Duration::ZERO)
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    #[must_use]
    pub fn with_max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Delay before attempt `attempt + 1` (attempt counts from 1): capped exponential with "equal jitter"
    /// (between half and all of the step), so retries from many clients spread out but never collapse to 0.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let step = exp.min(self.max_delay);
        let half = step / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(if jitter_ms == 0 { 0 } else { fastrand::u64(0..=jitter_ms) })
    }
}

/// Client settings shared by every manager of a fleet.
#[derive(Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// TCP+TLS connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Per-read timeout, catches stalled responses (default 30 s).
    pub read_timeout: Duration,
    /// Whole-request deadline including the body (default 60 s).
    pub timeout: Duration,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// PEM bundle of the only roots to trust (none: the platform's roots).
    pub ca_bundle_pem: Option<Vec<u8>>,
    /// Accept any certificate. Lab use only.
    pub danger_accept_invalid_certs: bool,
    /// Allow `http://` to non-loopback hosts.
    pub allow_insecure_http: bool,
    /// Log in again once a session has been idle this long (default 14.5 min, under the 15-min expiry).
    pub session_idle_timeout: Duration,
    /// Largest response body read, in bytes (default 16 MiB); a larger one fails with
    /// [`ClientError::TooLarge`].
    pub max_response_bytes: u64,
}

/// Default of [`ClientConfig::max_response_bytes`]: 16 MiB, far above any inventory answer of a real manager.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 16 << 20;

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            ca_bundle_pem: None,
            danger_accept_invalid_certs: false,
            allow_insecure_http: false,
            session_idle_timeout: Duration::from_secs(14 * 60 + 30),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("ca_bundle_pem", &self.ca_bundle_pem.as_ref().map(|b| format!("{} bytes", b.len())))
            .field("danger_accept_invalid_certs", &self.danger_accept_invalid_certs)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("session_idle_timeout", &self.session_idle_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish()
    }
}

impl ClientConfig {
    /// Sets the three timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, connect: Duration, read: Duration, total: Duration) -> Self {
        self.connect_timeout = connect;
        self.read_timeout = read;
        self.timeout = total;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Trusts only the roots in this PEM bundle.
    #[must_use]
    pub fn with_ca_bundle_pem(mut self, pem: Vec<u8>) -> Self {
        self.ca_bundle_pem = Some(pem);
        self
    }

    /// Reads a PEM bundle file and trusts only its roots.
    ///
    /// # Errors
    /// [`ClientError::Config`] when the file cannot be read.
    pub fn with_ca_bundle_file(self, path: impl AsRef<std::path::Path>) -> Result<Self, ClientError> {
        let path = path.as_ref();
        let pem = std::fs::read(path)
            .map_err(|e| ClientError::Config(format!("cannot read ca bundle {}: {e}", path.display())))?;
        Ok(self.with_ca_bundle_pem(pem))
    }

    /// Accept invalid TLS certificates (self-signed lab managers). Never the default.
    #[must_use]
    pub fn danger_accept_invalid_certs(mut self, yes: bool) -> Self {
        self.danger_accept_invalid_certs = yes;
        self
    }

    /// Allow plain `http://` to non-loopback hosts.
    #[must_use]
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// Sets [`ClientConfig::max_response_bytes`].
    #[must_use]
    pub fn with_max_response_bytes(mut self, n: u64) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Sets the proactive re-login threshold.
    #[must_use]
    pub fn with_session_idle_timeout(mut self, d: Duration) -> Self {
        self.session_idle_timeout = d;
        self
    }

    /// Builds the underlying HTTP client (share it between managers to share the connection pool).
    ///
    /// # Errors
    /// [`ClientError::Config`] for an unreadable CA bundle or a TLS setup failure.
    pub fn build_http(&self) -> Result<reqwest::Client, ClientError> {
        let mut b = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("hcx/", env!("CARGO_PKG_VERSION")))
            // The token travels in a header; never follow redirects that could take it elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &self.ca_bundle_pem {
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| ClientError::Config(format!("invalid ca bundle: {e}")))?;
            if certs.is_empty() {
                return Err(ClientError::Config("ca bundle holds no certificate".to_owned()));
            }
            b = b.tls_certs_only(certs);
        }
        if self.danger_accept_invalid_certs {
            tracing::warn!("tls certificate verification is disabled (danger_accept_invalid_certs)");
            b = b.tls_danger_accept_invalid_certs(true);
        }
        b.build().map_err(|e| ClientError::Config(format!("cannot build the http client: {e}")))
    }
}

/// The local manager's version and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalVersion {
    /// Manager version (with build when the manager sends one).
    pub version: HcxVersion,
    /// The manager's endpoint id, when sent.
    pub endpoint_id: Option<String>,
    /// The manager's name, when sent.
    pub name: Option<String>,
    /// What was odd in the answer and left out (e.g. a build number that is not an integer).
    pub warnings: Vec<String>,
}

/// Options of an appliance upgrade/redeploy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApplianceAction {
    /// `force`: bypass pre-checks.
    pub force: bool,
    /// `local`: act on the local appliance only, not its peer.
    pub local: bool,
    /// `method=inService` instead of `legacy` (upgrade only).
    pub in_service: bool,
}

impl ApplianceAction {
    /// Sets `force`.
    #[must_use]
    pub fn with_force(mut self, yes: bool) -> Self {
        self.force = yes;
        self
    }

    /// Sets `local`.
    #[must_use]
    pub fn with_local(mut self, yes: bool) -> Self {
        self.local = yes;
        self
    }

    /// Sets `method=inService`.
    #[must_use]
    pub fn with_in_service(mut self, yes: bool) -> Self {
        self.in_service = yes;
        self
    }
}

/// How to wait for a task.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Delay between polls.
    pub poll_interval: Duration,
    /// Give up after this many polls.
    pub max_polls: u32,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self { poll_interval: Duration::from_secs(10), max_polls: 360 }
    }
}

impl WaitOptions {
    /// Custom interval and poll budget.
    pub fn new(poll_interval: Duration, max_polls: u32) -> Self {
        Self { poll_interval, max_polls: max_polls.max(1) }
    }
}

struct Session {
    token: SecretString,
    last_used: Instant,
}

struct Call<'a> {
    method: Method,
    path: String,
    query: &'a [(&'a str, String)],
    body: Option<Vec<u8>>,
    idempotent: bool,
    auth: bool,
}

impl Call<'_> {
    fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A client for one HCX Manager.
pub struct HcxClient {
    http: reqwest::Client,
    base: url::Url,
    creds: Credentials,
    cfg: ClientConfig,
    session: tokio::sync::Mutex<Option<Session>>,
}

impl fmt::Debug for HcxClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HcxClient")
            .field("base", &self.base.as_str())
            .field("username", &self.creds.username)
            .finish_non_exhaustive()
    }
}

const SESSIONS: &str = "/hybridity/api/sessions";
const TOKEN_HEADER: &str = "x-hm-authorization";

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl HcxClient {
    /// A client with its own HTTP client.
    ///
    /// # Errors
    /// [`ClientError::Config`] for a bad URL, a refused scheme or a TLS setup failure.
    pub fn new(base_url: &str, creds: Credentials, cfg: &ClientConfig) -> Result<Self, ClientError> {
        Self::with_http(cfg.build_http()?, base_url, creds, cfg)
    }

    /// A client on a shared HTTP client (built with [`ClientConfig::build_http`]).
    ///
    /// # Errors
    /// [`ClientError::Config`] for a bad URL or a refused scheme.
    pub fn with_http(
        http: reqwest::Client,
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
        Ok(Self { http, base, creds, cfg: cfg.clone(), session: tokio::sync::Mutex::new(None) })
    }

    /// The manager's base URL.
    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    /// Logs in now (otherwise the first call does).
    ///
    /// # Errors
    /// [`ClientError::Login`] on refused credentials, or a transport/status error.
    pub async fn login(&self) -> Result<(), ClientError> {
        let mut guard = self.session.lock().await;
        let token = self.login_inner().await?;
        *guard = Some(Session { token, last_used: Instant::now() });
        Ok(())
    }

    async fn login_inner(&self) -> Result<SecretString, ClientError> {
        let body = serde_json::to_vec(&json!({
            "username": self.creds.username,
            "password": self.creds.password.expose_secret(),
        }))
        .map_err(|e| ClientError::Config(format!("cannot encode the login body: {e}")))?;
        // Logging in only creates a session: repeating it is harmless, so it is retried like a read.
        let call = Call {
            method: Method::POST,
            path: SESSIONS.to_owned(),
            query: &[],
            body: Some(body),
            idempotent: true,
            auth: false,
        };
        let (status, headers, bytes) = self.send_with_retries(&call, None).await?;
        let endpoint = call.endpoint();
        if status == 401 || status == 403 || status == 400 {
            return Err(ClientError::Login { endpoint, status, excerpt: self.excerpt(&bytes, None) });
        }
        if !(200..300).contains(&status) {
            return Err(ClientError::Status {
                endpoint,
                status,
                retry_after: None,
                excerpt: self.excerpt(&bytes, None),
            });
        }
        let token =
            headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).filter(|t| !t.is_empty()).ok_or_else(|| {
                ClientError::Protocol {
                    endpoint: endpoint.clone(),
                    message: format!("no {TOKEN_HEADER} header in the login response"),
                }
            })?;
        tracing::debug!(manager = %self.base, "logged in");
        Ok(SecretString::from(token.to_owned()))
    }

    /// A valid token, logging in when there is none or it has idled too long.
    async fn token(&self) -> Result<SecretString, ClientError> {
        let mut guard = self.session.lock().await;
        if let Some(s) = guard.as_ref() {
            if s.last_used.elapsed() < self.cfg.session_idle_timeout {
                return Ok(s.token.clone());
            }
            tracing::debug!(manager = %self.base, "session idle too long; logging in again");
        }
        let token = self.login_inner().await?;
        *guard = Some(Session { token: token.clone(), last_used: Instant::now() });
        Ok(token)
    }

    async fn touch(&self) {
        if let Some(s) = self.session.lock().await.as_mut() {
            s.last_used = Instant::now();
        }
    }

    /// Forgets the session if it is still the one that got a 401 (a concurrent call may have renewed it).
    async fn drop_session(&self, token: &SecretString) {
        let mut guard = self.session.lock().await;
        if guard.as_ref().is_some_and(|s| s.token.expose_secret() == token.expose_secret()) {
            *guard = None;
        }
    }

    fn excerpt(&self, body: &[u8], token: Option<&SecretString>) -> String {
        excerpt(body, &self.secrets(token))
    }

    /// Every secret that could be echoed back: the password and the session token of this call.
    fn secrets<'a>(&'a self, token: Option<&'a SecretString>) -> [&'a str; 2] {
        [self.creds.password.expose_secret(), token.map_or("", |t| t.expose_secret())]
    }

    fn transport(endpoint: &str, e: reqwest::Error) -> ClientError {
        ClientError::Transport { endpoint: endpoint.to_owned(), kind: TransportKind::of(&e), source: e }
    }

    /// Streams the body, stopping at the cap.
    async fn read_capped(&self, mut resp: reqwest::Response, endpoint: &str) -> Result<Vec<u8>, ClientError> {
        let limit = self.cfg.max_response_bytes;
        let too_large = || ClientError::TooLarge { endpoint: endpoint.to_owned(), limit };
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        // Trust an announced length only for the first allocation, and only up to 1 MiB.
        let first = announced.unwrap_or(0).min(1 << 20);
        let mut body = Vec::with_capacity(usize::try_from(first).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| Self::transport(endpoint, e))? {
            let len = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if len > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn send_once(
        &self,
        call: &Call<'_>,
        token: Option<&SecretString>,
    ) -> Result<(u16, HeaderMap, Vec<u8>), ClientError> {
        let endpoint = call.endpoint();
        let mut url = self.base.clone();
        url.set_path(&call.path);
        let mut req = self
            .http
            .request(call.method.clone(), url)
            .header("accept", "application/json")
            .header("content-type", "application/json");
        if !call.query.is_empty() {
            req = req.query(call.query);
        }
        if let Some(t) = token {
            if let Ok(mut v) = HeaderValue::from_str(t.expose_secret()) {
                v.set_sensitive(true);
                req = req.header(TOKEN_HEADER, v);
            }
        }
        if let Some(b) = &call.body {
            req = req.body(b.clone());
        }
        let resp = req.send().await.map_err(|e| Self::transport(&endpoint, e))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = self.read_capped(resp, &endpoint).await?;
        Ok((status, headers, body))
    }

    /// Sends with the retry policy. Returns any HTTP answer that is not a retried transient one.
    async fn send_with_retries(
        &self,
        call: &Call<'_>,
        token: Option<&SecretString>,
    ) -> Result<(u16, HeaderMap, Vec<u8>), ClientError> {
        let policy = &self.cfg.retry;
        let endpoint = call.endpoint();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let started = Instant::now();
            match self.send_once(call, token).await {
                Ok((status, headers, body)) => {
                    tracing::debug!(endpoint = %endpoint, manager = %self.base, status, attempt,
                        elapsed_ms = started.elapsed().as_millis() as u64, "hcx call");
                    if !is_transient_status(status) {
                        return Ok((status, headers, body));
                    }
                    let retry_after = headers
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let err = ClientError::Status {
                        endpoint: endpoint.clone(),
                        status,
                        retry_after,
                        excerpt: self.excerpt(&body, token),
                    };
                    if !call.idempotent || attempt >= policy.max_attempts {
                        return Err(err);
                    }
                    let delay = match retry_after {
                        Some(ra) if ra > policy.max_retry_after => return Err(err),
                        Some(ra) => ra,
                        None => policy.backoff(attempt),
                    };
                    tracing::warn!(endpoint = %endpoint, manager = %self.base, status, attempt,
                        delay_ms = delay.as_millis() as u64, "transient http status; retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(err) => {
                    // A connect failure means nothing was sent: safe to retry even a mutation.
                    let nothing_sent = err.kind() == ErrorKind::Connect;
                    let retryable = err.is_transient() && (call.idempotent || nothing_sent);
                    if !retryable || attempt >= policy.max_attempts {
                        tracing::debug!(endpoint = %endpoint, manager = %self.base, attempt, error = %err, "hcx call failed");
                        return Err(err);
                    }
                    let delay = policy.backoff(attempt);
                    tracing::warn!(endpoint = %endpoint, manager = %self.base, attempt, kind = %err.kind(),
                        delay_ms = delay.as_millis() as u64, "transport failure; retrying");
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// An authenticated call: one fresh login on 401, then retries per policy. Returns status, body and the
    /// token it was sent with (to redact it from decode errors).
    async fn call(&self, call: &Call<'_>) -> Result<(u16, Vec<u8>, Option<SecretString>), ClientError> {
        let endpoint = call.endpoint();
        let mut relogged = false;
        loop {
            let token = if call.auth { Some(self.token().await?) } else { None };
            let (status, _headers, body) = self.send_with_retries(call, token.as_ref()).await?;
            if status == 401 && call.auth {
                if relogged {
                    return Err(ClientError::Unauthorized { endpoint });
                }
                relogged = true;
                tracing::info!(endpoint = %endpoint, manager = %self.base, "session rejected (401); logging in again");
                if let Some(t) = &token {
                    self.drop_session(t).await;
                }
                continue;
            }
            if !(200..300).contains(&status) {
                return Err(ClientError::Status {
                    endpoint,
                    status,
                    retry_after: None,
                    excerpt: self.excerpt(&body, token.as_ref()),
                });
            }
            self.touch().await;
            return Ok((status, body, token));
        }
    }

    fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        status: u16,
        body: &[u8],
        token: Option<&SecretString>,
    ) -> Result<T, ClientError> {
        let de = &mut serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let secrets = self.secrets(token);
            ClientError::Decode {
                endpoint: endpoint.to_owned(),
                status,
                // Both can quote the body (an unknown variant, a key): redact, then cut.
                path: truncate_chars(&redact(&e.path().to_string(), &secrets), 200),
                message: truncate_chars(&redact(&e.inner().to_string(), &secrets), 300),
                excerpt: excerpt(body, &secrets),
            }
        })
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let call =
            Call { method: Method::GET, path: path.to_owned(), query: &[], body: None, idempotent: true, auth: true };
        let (status, body, token) = self.call(&call).await?;
        self.decode(&call.endpoint(), status, &body, token.as_ref())
    }

    async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: &Value,
        idempotent: bool,
    ) -> Result<T, ClientError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ClientError::Config(format!("cannot encode body: {e}")))?;
        let call =
            Call { method: Method::POST, path: path.to_owned(), query, body: Some(bytes), idempotent, auth: true };
        let (status, body, token) = self.call(&call).await?;
        let label =
            if query.is_empty() { call.endpoint() } else { format!("{}?{}", call.endpoint(), query_text(query)) };
        self.decode(&label, status, &body, token.as_ref())
    }

    /// `GET /hybridity/api/metainfo/context/support`: the local manager version.
    ///
    /// # Errors
    /// Transport, status or decode errors; [`ClientError::Protocol`] when no endpoint or version is listed.
    pub async fn local_version(&self) -> Result<LocalVersion, ClientError> {
        const PATH: &str = "/hybridity/api/metainfo/context/support";
        let env: wire::Envelope<wire::SupportData> = self.get_json(PATH).await?;
        let endpoint = format!("GET {PATH}");
        let info =
            env.data.as_ref().and_then(|d| d.local_endpoints.first()).map(|l| l.endpoint.clone()).ok_or_else(|| {
                ClientError::Protocol {
                    endpoint: endpoint.clone(),
                    message: "no data.localEndpoints[0].endpoint".to_owned(),
                }
            })?;
        let mut version: HcxVersion = info.version.0.parse().map_err(|e| ClientError::Decode {
            endpoint: endpoint.clone(),
            status: 200,
            path: "data.localEndpoints[0].endpoint.version".to_owned(),
            message: format!("{e}"),
            excerpt: String::new(),
        })?;
        let mut warnings = Vec::new();
        match info.build_number.as_ref().map(wire::Text::as_build) {
            Some(Ok(Some(b))) => version = version.with_build(b),
            Some(Err(e)) => warnings.push(format!("{endpoint}: buildNumber {e}; the version is kept without it")),
            Some(Ok(None)) | None => {}
        }
        Ok(LocalVersion { version, endpoint_id: info.endpoint_id, name: info.name, warnings })
    }

    /// `GET /hybridity/api/cloudConfigs`: the remote managers this one is paired to.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn cloud_configs(&self) -> Result<Vec<wire::CloudConfig>, ClientError> {
        let env: wire::Envelope<wire::Items<wire::CloudConfig>> = self.get_json("/hybridity/api/cloudConfigs").await?;
        Ok(env.data.map(|d| d.items).unwrap_or_default())
    }

    /// `GET /hybridity/api/interconnect/serviceMesh`.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn service_meshes(&self) -> Result<Vec<wire::ServiceMesh>, ClientError> {
        let list: wire::Items<wire::ServiceMesh> = self.get_json("/hybridity/api/interconnect/serviceMesh").await?;
        Ok(list.items)
    }

    /// `GET /hybridity/api/interconnect/appliances`.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn appliances(&self) -> Result<Vec<wire::Appliance>, ClientError> {
        let list: wire::Items<wire::Appliance> = self.get_json("/hybridity/api/interconnect/appliances").await?;
        Ok(list.items)
    }

    /// `POST /hybridity/api/interconnect/appliances/query` with a filter (keys: `applianceType`,
    /// `endpointId`, `serviceMeshId`; all optional). A read, so it is retried.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn query_appliances(&self, filter: &Value) -> Result<Vec<wire::Appliance>, ClientError> {
        let list: wire::Items<wire::Appliance> = self
            .post_json("/hybridity/api/interconnect/appliances/query", &[], &json!({ "filter": filter }), true)
            .await?;
        Ok(list.items)
    }

    /// `GET /hybridity/api/l2Extensions`.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn l2_extensions(&self) -> Result<Vec<wire::L2Extension>, ClientError> {
        let list: wire::Items<wire::L2Extension> = self.get_json("/hybridity/api/l2Extensions").await?;
        Ok(list.items)
    }

    /// `POST /hybridity/api/migrations?action=query` with `{}` (all migrations). A read, so it is retried.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn migrations(&self) -> Result<Vec<wire::MigrationItem>, ClientError> {
        let q: wire::MigrationQuery =
            self.post_json("/hybridity/api/migrations", &[("action", "query".to_owned())], &json!({}), true).await?;
        Ok(q.into_items())
    }

    /// `POST /hybridity/api/replications?action=query` with `{"type":"summary"}`. A read, so it is retried.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn replication_summary(&self) -> Result<wire::ReplicationSummary, ClientError> {
        self.post_json(
            "/hybridity/api/replications",
            &[("action", "query".to_owned())],
            &json!({"type": "summary"}),
            true,
        )
        .await
    }

    async fn appliance_action(&self, id: &str, verb: &str, opts: &ApplianceAction) -> Result<String, ClientError> {
        let mut query = vec![("force", opts.force.to_string()), ("local", opts.local.to_string())];
        if verb == "upgrade" {
            query.push(("method", if opts.in_service { "inService" } else { "legacy" }.to_owned()));
        }
        let path = format!("/hybridity/api/interconnect/appliances/{id}/{verb}");
        // Never retried once it may have arrived: a duplicate would start a second upgrade.
        let resp: wire::ActionResponse = self.post_json(&path, &query, &json!({}), false).await?;
        resp.data.and_then(|d| d.interconnect_task_id).ok_or_else(|| {
            let errors: Vec<String> = resp.errors.iter().filter_map(|e| e.message.clone()).collect();
            ClientError::Protocol {
                endpoint: format!("POST {path}"),
                message: format!("no data.interconnectTaskId in the response (errors: {})", errors.join("; ")),
            }
        })
    }

    /// `POST …/appliances/{id}/upgrade`: starts an appliance upgrade; returns the interconnect task id.
    /// Not retried after the request may have reached the manager.
    ///
    /// # Errors
    /// Transport, status or decode errors; [`ClientError::Protocol`] when no task id comes back.
    pub async fn upgrade_appliance(&self, id: &str, opts: &ApplianceAction) -> Result<String, ClientError> {
        self.appliance_action(id, "upgrade", opts).await
    }

    /// `POST …/appliances/{id}/redeploy`; returns the interconnect task id. Not retried.
    ///
    /// # Errors
    /// As [`HcxClient::upgrade_appliance`].
    pub async fn redeploy_appliance(&self, id: &str, opts: &ApplianceAction) -> Result<String, ClientError> {
        self.appliance_action(id, "redeploy", opts).await
    }

    /// `GET /hybridity/api/interconnect/tasks/{id}`.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn task(&self, id: &str) -> Result<wire::InterconnectTask, ClientError> {
        self.get_json(&format!("/hybridity/api/interconnect/tasks/{id}")).await
    }

    /// `GET /hybridity/api/jobs/{id}`.
    ///
    /// # Errors
    /// Transport, status or decode errors.
    pub async fn job(&self, id: &str) -> Result<wire::Job, ClientError> {
        self.get_json(&format!("/hybridity/api/jobs/{id}")).await
    }

    /// Polls a task until SUCCESS (returned) or FAILED ([`ClientError::TaskFailed`]). Reads the task itself,
    /// never the mesh's `lastTaskDetails`, which can say RUNNING after the task failed.
    ///
    /// # Errors
    /// [`ClientError::TaskFailed`], [`ClientError::TaskTimedOut`] after `max_polls`, or a call error.
    pub async fn wait_task(&self, id: &str, opts: &WaitOptions) -> Result<wire::InterconnectTask, ClientError> {
        let endpoint = format!("GET /hybridity/api/interconnect/tasks/{id}");
        let mut last = None;
        for poll in 1..=opts.max_polls {
            let t = self.task(id).await?;
            match t.status() {
                wire::TaskStatus::Success => return Ok(t),
                wire::TaskStatus::Failed => {
                    let message = t.error_message.clone().or(t.message.clone()).unwrap_or_default();
                    return Err(ClientError::TaskFailed { endpoint, task: id.to_owned(), message });
                }
                _ => {}
            }
            last = Some(t);
            if poll < opts.max_polls {
                tokio::time::sleep(opts.poll_interval).await;
            }
        }
        let (status, progress) =
            last.map(|t| (t.status, t.progress.map_or("?".to_owned(), |p| p.to_string()))).unwrap_or_default();
        Err(ClientError::TaskTimedOut { endpoint, task: id.to_owned(), status, progress, polls: opts.max_polls })
    }
}

fn query_text(q: &[(&str, String)]) -> String {
    q.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}
