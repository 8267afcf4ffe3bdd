//! Client settings: timeouts, retry policy, TLS trust, size caps, and the HTTP client built from them.

use std::fmt;
use std::time::Duration;

use super::ClientError;

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

    /// Builds the HTTP connection pool (share it between the managers of a fleet: [`HcxClient::with_http`]).
    ///
    /// # Errors
    /// [`ClientError::Config`] for an unreadable CA bundle or a TLS setup failure.
    ///
    /// [`HcxClient::with_http`]: super::HcxClient::with_http
    pub fn build_http(&self) -> Result<HttpPool, ClientError> {
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
        let client = b.build().map_err(|e| ClientError::Config(format!("cannot build the http client: {e}")))?;
        Ok(HttpPool(client))
    }
}

/// The HTTP client and its keep-alive connection pool, shared by the [`HcxClient`](super::HcxClient)s of a
/// fleet. Cheap to clone (one pool). Built by [`ClientConfig::build_http`].
#[derive(Clone)]
pub struct HttpPool(pub(super) reqwest::Client);

impl fmt::Debug for HttpPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HttpPool")
    }
}
