//! One HTTP exchange with a manager, its size cap, and the retry loop around it.

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

use super::session::TOKEN_HEADER;
use super::{ClientError, ErrorKind, HcxClient, TransportKind};

/// One request to make (and perhaps repeat).
pub(super) struct Call<'a> {
    pub(super) method: Method,
    pub(super) path: String,
    pub(super) query: &'a [(&'a str, String)],
    pub(super) body: Option<Vec<u8>>,
    /// Safe to resend after it may have arrived (reads, `?action=query` POSTs, login).
    pub(super) idempotent: bool,
    /// Sent with the session token.
    pub(super) auth: bool,
}

impl<'a> Call<'a> {
    /// An authenticated, non-idempotent call without query or body.
    pub(super) fn new(method: Method, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), query: &[], body: None, idempotent: false, auth: true }
    }

    pub(super) fn with_query(mut self, query: &'a [(&'a str, String)]) -> Self {
        self.query = query;
        self
    }

    pub(super) fn with_body(mut self, body: Vec<u8>) -> Self {
        self.body = Some(body);
        self
    }

    pub(super) fn idempotent(mut self, yes: bool) -> Self {
        self.idempotent = yes;
        self
    }

    pub(super) fn without_auth(mut self) -> Self {
        self.auth = false;
        self
    }

    /// Method and path, as errors and logs name the call.
    pub(super) fn endpoint(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// Method, path and query.
    pub(super) fn label(&self) -> String {
        if self.query.is_empty() {
            return self.endpoint();
        }
        let query: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}?{}", self.endpoint(), query.join("&"))
    }
}

/// An HTTP answer: status, headers and the (capped) body.
pub(super) struct Exchange {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// `Retry-After` in seconds (the HTTP-date form is not used by managers).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    text.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn transport(call: &Call<'_>, e: reqwest::Error) -> ClientError {
    ClientError::Transport { endpoint: call.endpoint(), kind: TransportKind::of(&e), source: Box::new(e) }
}

impl HcxClient {
    /// Streams the body, stopping at the cap.
    async fn read_capped(&self, mut resp: reqwest::Response, call: &Call<'_>) -> Result<Vec<u8>, ClientError> {
        let limit = self.cfg.max_response_bytes;
        let too_large = || ClientError::TooLarge { endpoint: call.endpoint(), limit };
        let announced = resp.content_length();
        if announced.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        // Trust an announced length only for the first allocation, and only up to 1 MiB.
        let first = announced.unwrap_or(0).min(1 << 20);
        let mut body = Vec::with_capacity(usize::try_from(first).unwrap_or(0));
        while let Some(chunk) = resp.chunk().await.map_err(|e| transport(call, e))? {
            let len = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if len > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// Sends once, on a pooled keep-alive connection when one to this manager is idle.
    async fn send_once(&self, call: &Call<'_>, token: Option<&SecretString>) -> Result<Exchange, ClientError> {
        let mut url = self.base.clone();
        url.set_path(&call.path);
        let mut req = self.http.0.request(call.method.clone(), url).header(ACCEPT, JSON).header(CONTENT_TYPE, JSON);
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
        let mut resp = req.send().await.map_err(|e| transport(call, e))?;
        let status = resp.status().as_u16();
        let headers = std::mem::take(resp.headers_mut());
        let body = self.read_capped(resp, call).await?;
        Ok(Exchange { status, headers, body })
    }

    /// An answer to hand back (`Ok`), or the error of a transient status (`Err`), to retry or report.
    fn unless_transient(
        &self,
        call: &Call<'_>,
        answer: Exchange,
        token: Option<&SecretString>,
    ) -> Result<Exchange, ClientError> {
        if (200..300).contains(&answer.status) {
            return Ok(answer);
        }
        let mut err = ClientError::Status {
            endpoint: call.endpoint(),
            status: answer.status,
            retry_after: retry_after(&answer.headers),
            excerpt: String::new(),
        };
        if !err.is_transient() {
            return Ok(answer);
        }
        if let ClientError::Status { excerpt, .. } = &mut err {
            *excerpt = self.excerpt(&answer.body, token);
        }
        Err(err)
    }

    /// How long to wait before trying `call` again after `err` on attempt `attempt`; `None`: give up.
    fn retry_delay(&self, call: &Call<'_>, attempt: u32, err: &ClientError) -> Option<Duration> {
        let policy = &self.cfg.retry;
        // A connect failure means nothing was sent: safe to retry even a mutation.
        let nothing_sent = err.kind() == ErrorKind::Connect;
        if !err.is_transient() || !(call.idempotent || nothing_sent) || attempt >= policy.max_attempts {
            return None;
        }
        match err.retry_after() {
            Some(ra) if ra > policy.max_retry_after => None,
            Some(ra) => Some(ra),
            None => Some(policy.backoff(attempt)),
        }
    }

    /// Sends with the retry policy ([`ClientError::is_transient`] decides). Returns any HTTP answer that is
    /// not a transient failure; 401s and other statuses are the caller's to judge.
    pub(super) async fn send_with_retries(
        &self,
        call: &Call<'_>,
        token: Option<&SecretString>,
    ) -> Result<Exchange, ClientError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let started = Instant::now();
            let err = match self.send_once(call, token).await {
                Ok(answer) => {
                    tracing::debug!(endpoint = %call.endpoint(), manager = %self.base, status = answer.status, attempt,
                        elapsed_ms = started.elapsed().as_millis() as u64, "hcx call");
                    match self.unless_transient(call, answer, token) {
                        Ok(answer) => return Ok(answer),
                        Err(e) => e,
                    }
                }
                Err(e) => e,
            };
            let Some(delay) = self.retry_delay(call, attempt, &err) else {
                tracing::debug!(endpoint = %call.endpoint(), manager = %self.base, attempt, error = %err, "hcx call failed");
                return Err(err);
            };
            tracing::warn!(endpoint = %call.endpoint(), manager = %self.base, attempt, kind = %err.kind(),
                status = err.status(), delay_ms = delay.as_millis() as u64, "transient failure; retrying");
            tokio::time::sleep(delay).await;
        }
    }
}
