//! Credentials and the session: log in, keep the token, log in again before the idle expiry or after a 401.

use std::fmt;
use std::time::Instant;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};

use super::transport::{Call, Exchange};
use super::{ClientError, HcxClient};
use crate::client::error::excerpt;

/// SSO credentials for one manager. The password is a secret: `Debug` shows `[redacted]`, and it is never
/// written to a log or an error.
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

    /// The username.
    pub fn username(&self) -> &str {
        &self.username
    }

    pub(super) fn password(&self) -> &SecretString {
        &self.password
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("username", &self.username).field("password", &"[redacted]").finish()
    }
}

/// `data.endpointInfo.uuid` of a login answer. The body is optional (many clients read only the header): an
/// empty, non-JSON or differently shaped body simply has no id.
fn endpoint_id(body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    match serde_json::from_slice::<super::wire::Envelope<super::wire::LoginData>>(body) {
        Ok(env) => env.data?.endpoint_info?.uuid.filter(|u| !u.trim().is_empty()),
        Err(_) => {
            // The decoder's message could quote the body (a token, say): not logged.
            tracing::debug!("the login answer's body has no readable data.endpointInfo.uuid");
            None
        }
    }
}

/// A logged-in session.
pub(super) struct Session {
    token: SecretString,
    last_used: Instant,
}

const SESSIONS: &str = "/hybridity/api/sessions";
/// The header carrying the session token, both ways.
pub(super) const TOKEN_HEADER: &str = "x-hm-authorization";

impl HcxClient {
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
        let body = serde_json::to_vec(&serde_json::json!({
            "username": self.creds.username,
            "password": self.creds.password.expose_secret(),
        }))
        .map_err(|e| ClientError::Config(format!("cannot encode the login body: {e}")))?;
        // Logging in only creates a session: repeating it is harmless, so it is retried like a read.
        let call = Call::new(Method::POST, SESSIONS).with_body(body).idempotent(true).without_auth();
        let Exchange { status, headers, body } = self.send_with_retries(&call, None).await?;
        if status == 401 || status == 403 || status == 400 {
            let excerpt = self.excerpt(&body, None);
            return Err(ClientError::Login { endpoint: call.endpoint(), status, excerpt });
        }
        if !(200..300).contains(&status) {
            let excerpt = self.excerpt(&body, None);
            return Err(ClientError::Status { endpoint: call.endpoint(), status, retry_after: None, excerpt });
        }
        let token =
            headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).filter(|t| !t.is_empty()).ok_or_else(|| {
                ClientError::Protocol {
                    endpoint: call.endpoint(),
                    message: format!("no {TOKEN_HEADER} header in the login response"),
                }
            })?;
        tracing::debug!(manager = %self.base, "logged in");
        if let Some(id) = endpoint_id(&body) {
            // The first id is kept: a manager's endpoint id does not change.
            let _ = self.login_endpoint.set(id);
        }
        Ok(SecretString::from(token.to_owned()))
    }

    /// The manager's endpoint id as its login answer gave it (`data.endpointInfo.uuid`, the id SMIT reads),
    /// once logged in; `None` when the answer carried none.
    pub fn login_endpoint_id(&self) -> Option<String> {
        self.login_endpoint.get().cloned()
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

    /// Records activity: the manager resets its idle timer on every request it answered.
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

    /// An authenticated call: one fresh login on 401, then retries per policy. Returns the answer and the
    /// token it was sent with (to redact it from decode errors).
    pub(super) async fn call(&self, call: &Call<'_>) -> Result<(Exchange, Option<SecretString>), ClientError> {
        let mut relogged = false;
        loop {
            let token = if call.auth { Some(self.token().await?) } else { None };
            let answer = self.send_with_retries(call, token.as_ref()).await?;
            if answer.status == 401 && call.auth {
                if relogged {
                    return Err(ClientError::Unauthorized { endpoint: call.endpoint() });
                }
                relogged = true;
                tracing::info!(endpoint = %call.endpoint(), manager = %self.base, "session rejected (401); logging in again");
                if let Some(t) = &token {
                    self.drop_session(t).await;
                }
                continue;
            }
            if !(200..300).contains(&answer.status) {
                return Err(ClientError::Status {
                    endpoint: call.endpoint(),
                    status: answer.status,
                    retry_after: None,
                    excerpt: self.excerpt(&answer.body, token.as_ref()),
                });
            }
            self.touch().await;
            return Ok((answer, token));
        }
    }

    /// The start of a body for an error message, with the password and this call's token blanked out.
    pub(super) fn excerpt(&self, body: &[u8], token: Option<&SecretString>) -> String {
        excerpt(body, &self.secrets(token))
    }

    /// Every secret that could be echoed back: the password and the session token of this call.
    pub(super) fn secrets<'a>(&'a self, token: Option<&'a SecretString>) -> [&'a str; 2] {
        [self.creds.password().expose_secret(), token.map_or("", |t| t.expose_secret())]
    }
}
