//! Client errors. Messages name the endpoint; they never carry the password or the session token.

use std::fmt;
use std::time::Duration;

/// What went wrong at the transport level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The TCP connection could not be set up (the request was never sent).
    Connect,
    /// The TLS handshake failed: the certificate was refused or TLS could not be negotiated. Never retried:
    /// the same certificate would be refused again.
    Tls,
    /// A connect, read or total timeout expired.
    Timeout,
    /// The connection broke while the request or response was in flight (reset, early close).
    Broken,
    /// Anything else reqwest reports (invalid request, …).
    Other,
}

impl TransportKind {
    pub(crate) fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if is_tls(e) {
            Self::Tls
        } else if e.is_connect() {
            Self::Connect
        } else if e.is_request() || e.is_body() || e.is_decode() {
            Self::Broken
        } else {
            Self::Other
        }
    }
}

/// Whether a rustls error sits anywhere in the chain. hyper-util and tokio-rustls wrap it in (nested)
/// `io::Error`s, whose `source()` skips the wrapped error, hence `get_ref` for those links.
fn is_tls(e: &reqwest::Error) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<rustls::Error>() {
            return true;
        }
        cur = match err.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => err.source(),
        };
    }
    false
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "cannot connect",
            Self::Tls => "tls handshake failed (certificate refused or tls not negotiated)",
            Self::Timeout => "timed out",
            Self::Broken => "connection broke during the exchange",
            Self::Other => "request failed",
        })
    }
}

/// The class of a [`ClientError`], for callers that branch on it (retry, exit codes, bindings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client configuration is unusable.
    Config,
    /// The connection could not be set up.
    Connect,
    /// The TLS handshake failed (certificate refused).
    Tls,
    /// A timeout expired (connect, read, whole request, or the discovery deadline).
    Timeout,
    /// The connection broke mid-exchange.
    Broken,
    /// A non-success HTTP status.
    HttpStatus,
    /// The body did not match the expected shape.
    Decode,
    /// Login refused, or unauthorized after a fresh login.
    Auth,
    /// The response body was larger than the configured cap.
    TooLarge,
    /// A successful answer lacked something the client needs.
    Protocol,
    /// An interconnect task failed or did not finish in time.
    Task,
    /// Any other transport failure.
    Other,
}

impl ErrorKind {
    /// A stable kebab-case name (`connect`, `tls`, `timeout`, `http-status`, `response-too-large`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Connect => "connect",
            Self::Tls => "tls",
            Self::Timeout => "timeout",
            Self::Broken => "broken",
            Self::HttpStatus => "http-status",
            Self::Decode => "decode",
            Self::Auth => "auth",
            Self::TooLarge => "response-too-large",
            Self::Protocol => "protocol",
            Self::Task => "task",
            Self::Other => "other",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
        /// The underlying HTTP-stack error, for `source()` chains only (its type is not part of the API; its
        /// URL holds no credentials: auth travels in a header).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The response body was larger than [`ClientConfig::max_response_bytes`](super::ClientConfig); reading
    /// stopped at the cap.
    #[error(
        "{endpoint}: response too large: more than {limit} bytes (the cap; raise max_response_bytes if this manager is legitimately this big)"
    )]
    TooLarge {
        /// Method and path.
        endpoint: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// The whole-operation deadline expired before the call finished.
    #[error("{endpoint}: deadline of {}s exceeded", deadline.as_secs_f64())]
    Deadline {
        /// What was running (method and path, or the site being discovered).
        endpoint: String,
        /// The deadline that expired.
        deadline: Duration,
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

    /// The `Retry-After` delay the manager asked for, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Config(_) => ErrorKind::Config,
            Self::Login { .. } | Self::Unauthorized { .. } => ErrorKind::Auth,
            Self::Status { .. } => ErrorKind::HttpStatus,
            Self::Transport { kind, .. } => match kind {
                TransportKind::Connect => ErrorKind::Connect,
                TransportKind::Tls => ErrorKind::Tls,
                TransportKind::Timeout => ErrorKind::Timeout,
                TransportKind::Broken => ErrorKind::Broken,
                TransportKind::Other => ErrorKind::Other,
            },
            Self::TooLarge { .. } => ErrorKind::TooLarge,
            Self::Deadline { .. } => ErrorKind::Timeout,
            Self::Decode { .. } => ErrorKind::Decode,
            Self::Protocol { .. } => ErrorKind::Protocol,
            Self::TaskFailed { .. } | Self::TaskTimedOut { .. } => ErrorKind::Task,
        }
    }

    /// Whether the failure is transient (worth trying again): 5xx, 408 and 429 answers, connect failures,
    /// timeouts and broken connections. The retry loop asks this one predicate; a refused certificate, a
    /// too-large body, a decode error or an expired deadline are never transient.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Status { status, .. } => is_transient_status(*status),
            Self::Transport { kind, .. } => {
                matches!(kind, TransportKind::Connect | TransportKind::Timeout | TransportKind::Broken)
            }
            _ => false,
        }
    }
}

/// 5xx, 408 (request timeout) and 429 (rate limited). Asked only through [`ClientError::is_transient`].
fn is_transient_status(status: u16) -> bool {
    status >= 500 || status == 408 || status == 429
}

/// Longest body excerpt in an error message, in characters.
const EXCERPT_CHARS: usize = 200;

/// The start of a body for an error message: every secret is blanked out of the **whole** body first, then it
/// is cut to [`EXCERPT_CHARS`], so a secret straddling the cut cannot leak its first part.
pub(crate) fn excerpt(body: impl AsRef<[u8]>, secrets: &[&str]) -> String {
    truncate_chars(&redact(&String::from_utf8_lossy(body.as_ref()), secrets), EXCERPT_CHARS)
}

/// Cuts text to `max` characters, marking the cut with `…`.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Replaces every occurrence of each (non-empty) secret with `[redacted]`, both as given and as it appears
/// inside a JSON string (`pa"ss` is sent and echoed as `pa\"ss`).
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        // Longest form first, so the escaped form is not half-replaced by the raw one.
        let escaped = json_escaped(s);
        if escaped != *s {
            out = out.replace(&escaped, "[redacted]");
        }
        out = out.replace(s, "[redacted]");
    }
    out
}

/// The text between the quotes of `s` serialised as a JSON string.
fn json_escaped(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW: &str = "pa\"ss\\word-0123456789";

    #[test]
    fn a_secret_across_the_cut_is_redacted_whole() {
        let body = format!("{}{PW}{}", "x".repeat(185), "y".repeat(100));
        let e = excerpt(&body, &[PW]);
        assert!(!e.contains("pa\"ss"), "{e}");
        assert!(e.starts_with(&"x".repeat(185)), "{e}");
        assert!(e.ends_with('…'), "{e}");
    }

    #[test]
    fn json_escaped_secrets_are_redacted() {
        let echoed = serde_json::json!({ "password": PW }).to_string();
        assert!(echoed.contains("pa\\\"ss\\\\word"), "{echoed}");
        let e = excerpt(&echoed, &[PW, "tok"]);
        assert_eq!(e, r#"{"password":"[redacted]"}"#);
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate_chars("ééé", 2), "éé…");
        assert_eq!(truncate_chars("ab", 2), "ab");
    }

    #[test]
    fn transient_is_one_predicate() {
        let status =
            |s| ClientError::Status { endpoint: "GET /x".into(), status: s, retry_after: None, excerpt: String::new() };
        assert!(status(503).is_transient());
        assert!(status(429).is_transient());
        assert!(!status(404).is_transient());
        assert!(!ClientError::TooLarge { endpoint: "GET /x".into(), limit: 1 }.is_transient());
        assert_eq!(ClientError::TooLarge { endpoint: "GET /x".into(), limit: 1 }.kind().as_str(), "response-too-large");
    }
}
