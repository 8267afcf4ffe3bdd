//! Client errors. Messages name the endpoint; they never carry the password or the session token.

use std::fmt;
use std::time::Duration;

/// What went wrong at the transport level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The TCP/TLS connection could not be set up (the request was never sent).
    Connect,
    /// A connect, read or total timeout expired.
    Timeout,
    /// The connection broke while the request or response was in flight (reset, early close).
    Broken,
    /// Anything else reqwest reports (redirect loop, invalid request, …).
    Other,
}

impl TransportKind {
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_connect() {
            Self::Connect
        } else if e.is_request() || e.is_body() || e.is_decode() {
            Self::Broken
        } else {
            Self::Other
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "cannot connect",
            Self::Timeout => "timed out",
            Self::Broken => "connection broke during the exchange",
            Self::Other => "request failed",
        })
    }
}

/// An error from the HCX Manager client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The client configuration is unusable (bad URL, insecure scheme, unreadable CA bundle…).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// `POST /hybridity/api/sessions` refused the credentials.
    #[error("{endpoint}: login refused (http {status}){}", fmt_excerpt(excerpt))]
    Login {
        /// Method and path.
        endpoint: String,
        /// HTTP status (401 bad credentials/locked, 400 bad format).
        status: u16,
        /// Start of the response body (XML on older managers whose SSO is not ready).
        excerpt: String,
    },
    /// The manager still answered 401 after one fresh login.
    #[error("{endpoint}: unauthorized even after logging in again")]
    Unauthorized {
        /// Method and path.
        endpoint: String,
    },
    /// A non-success HTTP status.
    #[error("{endpoint}: http {status}{}{}", fmt_retry_after(retry_after), fmt_excerpt(excerpt))]
    Status {
        /// Method and path.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// `Retry-After`, when the manager sent one.
        retry_after: Option<Duration>,
        /// Start of the response body.
        excerpt: String,
    },
    /// A transport failure (connect, timeout, reset).
    #[error("{endpoint}: {kind}")]
    Transport {
        /// Method and path.
        endpoint: String,
        /// Classification.
        kind: TransportKind,
        /// The reqwest error (its URL holds no credentials: auth travels in a header).
        #[source]
        source: reqwest::Error,
    },
    /// The body did not match the expected shape.
    #[error("{endpoint}: cannot decode the response at `{path}` (http {status}): {message}{}", fmt_excerpt(excerpt))]
    Decode {
        /// Method and path.
        endpoint: String,
        /// HTTP status of the response.
        status: u16,
        /// JSON path of the first mismatch (`.` for the root).
        path: String,
        /// The decoder's message.
        message: String,
        /// Start of the response body.
        excerpt: String,
    },
    /// The manager answered successfully but something the client needs was missing.
    #[error("{endpoint}: {message}")]
    Protocol {
        /// Method and path.
        endpoint: String,
        /// What was missing or odd.
        message: String,
    },
    /// An interconnect task or job ended FAILED.
    #[error("{endpoint}: task {task} failed: {message}")]
    TaskFailed {
        /// Method and path of the poll.
        endpoint: String,
        /// Task id.
        task: String,
        /// `errorMessage` / `message` of the task.
        message: String,
    },
    /// An interconnect task did not finish within the allowed polls.
    #[error("{endpoint}: task {task} still {status} (progress {progress}) after {polls} polls")]
    TaskTimedOut {
        /// Method and path of the poll.
        endpoint: String,
        /// Task id.
        task: String,
        /// Last status seen.
        status: String,
        /// Last progress seen.
        progress: String,
        /// Polls made.
        polls: u32,
    },
}

fn fmt_excerpt(e: &str) -> String {
    if e.is_empty() { String::new() } else { format!("; body starts: {e}") }
}

fn fmt_retry_after(r: &Option<Duration>) -> String {
    match r {
        Some(d) => format!(" (retry after {}s)", d.as_secs()),
        None => String::new(),
    }
}

impl ClientError {
    /// The HTTP status, when the manager answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Login { status, .. } | Self::Status { status, .. } | Self::Decode { status, .. } => Some(*status),
            Self::Unauthorized { .. } => Some(401),
            _ => None,
        }
    }

    /// Whether the failure is transient (worth trying again later).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            Self::Transport { kind, .. } => {
                matches!(kind, TransportKind::Connect | TransportKind::Timeout | TransportKind::Broken)
            }
            _ => false,
        }
    }
}

/// First `max` characters of a body, with the given secrets blanked out.
pub(crate) fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    redact(&out, secrets)
}

/// Replaces every occurrence of each (non-empty) secret with `[redacted]`.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(s, "[redacted]");
    }
    out
}
