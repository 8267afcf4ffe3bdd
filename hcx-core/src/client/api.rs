//! The HCX Manager API calls: typed reads, appliance actions and task polling.

use std::time::Duration;

use reqwest::Method;
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::error::{excerpt, redact, truncate_chars};
use super::transport::Call;
use super::{ClientError, HcxClient, wire};
use crate::version::HcxVersion;

/// The local manager's version and identity.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalVersion {
    /// Manager version (with build when the manager sends one).
    pub version: HcxVersion,
    /// The manager's endpoint id: from the login answer (`data.endpointInfo.uuid`) when it carried one, else
    /// from `localEndpoints[0].endpoint.endpointId` when sent.
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

/// A POST with a JSON body.
pub(super) fn post_call<'a>(path: &str, query: &'a [(&'a str, String)], body: &Value) -> Call<'a> {
    // A `Value` always serialises: its map keys are strings.
    let bytes = serde_json::to_vec(body).expect("a serde_json::Value serialises");
    Call::new(Method::POST, path).with_query(query).with_body(bytes)
}

impl HcxClient {
    fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        status: u16,
        body: &[u8],
        token: Option<&SecretString>,
    ) -> Result<T, ClientError> {
        // The plain decoder first; the path-tracking one only to explain a mismatch.
        if let Ok(v) = serde_json::from_slice(body) {
            return Ok(v);
        }
        let de = &mut serde_json::Deserializer::from_slice(body);
        let e = match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let secrets = self.secrets(token);
        Err(ClientError::Decode {
            endpoint: endpoint.to_owned(),
            status,
            // Both can quote the body (an unknown variant, a key): redact, then cut.
            path: truncate_chars(&redact(&e.path().to_string(), &secrets), 200),
            message: truncate_chars(&redact(&e.inner().to_string(), &secrets), 300),
            excerpt: excerpt(body, &secrets),
        })
    }

    /// Makes a call and decodes its answer; also returns the token it was sent with (to redact it later).
    pub(super) async fn json_call<T: DeserializeOwned>(
        &self,
        call: &Call<'_>,
    ) -> Result<(T, Option<SecretString>), ClientError> {
        let (answer, token) = self.call(call).await?;
        let value = self.decode(&call.label(), answer.status, &answer.body, token.as_ref())?;
        Ok((value, token))
    }

    pub(super) async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let call = Call::new(Method::GET, path).idempotent(true);
        let (answer, token) = self.call(&call).await?;
        self.decode(&call.endpoint(), answer.status, &answer.body, token.as_ref())
    }

    pub(super) async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        body: &Value,
        idempotent: bool,
    ) -> Result<T, ClientError> {
        let call = post_call(path, query, body).idempotent(idempotent);
        let (answer, token) = self.call(&call).await?;
        self.decode(&call.label(), answer.status, &answer.body, token.as_ref())
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
        // The login answer's `data.endpointInfo.uuid` (what SMIT reads) wins over the inferred metainfo field.
        let endpoint_id = self.login_endpoint_id().or(info.endpoint_id);
        Ok(LocalVersion { version, endpoint_id, name: info.name, warnings })
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
