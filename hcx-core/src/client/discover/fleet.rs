//! Discovering a fleet: many managers at once (bounded), on one shared connection pool, then merged.

use std::sync::Arc;

use futures::StreamExt;
use secrecy::{ExposeSecret, SecretString};

use crate::client::{ClientConfig, ClientError, Credentials, HcxClient, HttpPool};
use crate::fleet::Fleet;

use super::{SiteDiscovery, SiteEndpoint, discover, merge};

/// One manager to discover, with its password (a secret: `Debug` shows `[REDACTED]`).
#[derive(Debug, Clone)]
pub struct Target {
    /// Where and who.
    pub endpoint: SiteEndpoint,
    password: SecretString,
}

impl Target {
    /// A manager and the password of its endpoint's user.
    pub fn new(endpoint: SiteEndpoint, password: impl Into<String>) -> Self {
        Self { endpoint, password: SecretString::from(password.into()) }
    }

    /// The credentials to log in with.
    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.endpoint.username.clone(), self.password.expose_secret())
    }
}

/// Default of [`DiscoveryOptions::concurrency`]: managers read at once. Each takes one login and seven
/// parallel reads; 64 keeps a fleet of a few hundred managers near two round trips per wave.
pub const DEFAULT_CONCURRENCY: usize = 64;

/// Progress of a fleet discovery; defined with the event stream's schema (`hcx discover --events jsonl`),
/// which is built without the `client` feature.
pub use crate::schema::DiscoveryEvent;

/// Callback receiving [`DiscoveryEvent`]s.
pub type EventSink = Arc<dyn Fn(&DiscoveryEvent) + Send + Sync>;

/// Options of [`discover_fleet`].
#[derive(Clone)]
#[non_exhaustive]
pub struct DiscoveryOptions {
    /// Sites read at once (at least 1; default [`DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
    /// Client settings for every manager.
    pub client: ClientConfig,
    /// Progress callback.
    pub on_event: Option<EventSink>,
    /// Deadline for the whole discovery (every site, retries included); a site still running when it
    /// expires fails with [`ClientError::Deadline`]. None: only the per-request timeouts bound it.
    pub deadline: Option<std::time::Duration>,
}

impl Default for DiscoveryOptions {
    fn default() -> Self {
        Self { concurrency: DEFAULT_CONCURRENCY, client: ClientConfig::default(), on_event: None, deadline: None }
    }
}

impl std::fmt::Debug for DiscoveryOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscoveryOptions")
            .field("concurrency", &self.concurrency)
            .field("client", &self.client)
            .field("on_event", &self.on_event.is_some())
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl DiscoveryOptions {
    /// Options with this client config.
    pub fn new(client: ClientConfig) -> Self {
        Self { client, ..Self::default() }
    }

    /// Sets the concurrency bound.
    #[must_use]
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Sets the whole-discovery deadline.
    #[must_use]
    pub fn with_deadline(mut self, d: std::time::Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// Sets the progress callback.
    #[must_use]
    pub fn with_events(mut self, sink: EventSink) -> Self {
        self.on_event = Some(sink);
        self
    }
}

/// A site that did not answer.
#[derive(Debug, thiserror::Error)]
#[error("site {site} ({url}): {error}")]
#[non_exhaustive]
pub struct SiteFailure {
    /// Site id.
    pub site: String,
    /// Manager URL.
    pub url: String,
    /// What went wrong.
    #[source]
    pub error: ClientError,
}

/// The result of [`discover_fleet`].
#[derive(Debug)]
#[non_exhaustive]
pub struct FleetDiscovery {
    /// The merged inventory of the sites that answered (plus failed sites whose version a peer reported).
    pub fleet: Fleet,
    /// Per-site raw reports, in input order.
    pub sites: Vec<SiteDiscovery>,
    /// Sites that failed.
    pub failures: Vec<SiteFailure>,
    /// Guesses, skips and merge notes, as text: every site's [`super::DiscoveryWarning`] rendered, then the
    /// merge's own notes.
    pub warnings: Vec<String>,
}

impl FleetDiscovery {
    /// Whether every site answered.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }

    /// The sites' own warnings, typed (site, endpoint, item); [`FleetDiscovery::warnings`] has them as text,
    /// with the merge notes.
    pub fn site_warnings(&self) -> impl Iterator<Item = &super::DiscoveryWarning> + '_ {
        self.sites.iter().flat_map(|s| s.warnings.iter())
    }
}

/// When the whole discovery must end: the instant and the deadline it came from.
type Until = Option<(tokio::time::Instant, std::time::Duration)>;

/// Reads one target within the deadline, reporting its start and end to `emit`.
async fn discover_target(
    http: &HttpPool,
    t: &Target,
    opts: &DiscoveryOptions,
    until: Until,
    emit: &(dyn Fn(DiscoveryEvent) + Sync),
) -> Result<SiteDiscovery, SiteFailure> {
    emit(DiscoveryEvent::Started { site: t.endpoint.site.clone() });
    let res = match HcxClient::with_http(http, &t.endpoint.url, t.credentials(), &opts.client) {
        Ok(c) => match until {
            Some((at, deadline)) => tokio::time::timeout_at(at, discover(&c, &t.endpoint)).await.unwrap_or_else(|_| {
                Err(ClientError::Deadline { endpoint: format!("discovery of {}", t.endpoint.url), deadline })
            }),
            None => discover(&c, &t.endpoint).await,
        },
        Err(e) => Err(e),
    };
    let res = res.map_err(|error| SiteFailure { site: t.endpoint.site.clone(), url: t.endpoint.url.clone(), error });
    match &res {
        Ok(d) => emit(DiscoveryEvent::Answered { site: d.site.id.clone(), version: d.site.version.clone() }),
        Err(f) => {
            // Debug, not warn: callers report the failures from `FleetDiscovery::failures`, alike ones folded at
            // scale (hcx discover); a warning here would be one line per site.
            tracing::debug!(site = %f.site, error = %f.error, "discovery failed");
            emit(DiscoveryEvent::Failed { site: f.site.clone(), error: f.error.to_string() });
        }
    }
    res
}

/// Discovers many managers concurrently (at most `opts.concurrency` at once) and merges the result. Every
/// manager is read over one shared connection pool; connections are kept alive between a manager's calls.
///
/// # Errors
/// Only for a client configuration that cannot be built; per-site failures are in
/// [`FleetDiscovery::failures`].
pub async fn discover_fleet(targets: Vec<Target>, opts: &DiscoveryOptions) -> Result<FleetDiscovery, ClientError> {
    let http = opts.client.build_http()?;
    let emit = |e: DiscoveryEvent| {
        if let Some(sink) = &opts.on_event {
            sink(&e);
        }
    };
    let until = opts.deadline.map(|d| (tokio::time::Instant::now() + d, d));
    let mut results: Vec<(usize, Result<SiteDiscovery, SiteFailure>)> =
        futures::stream::iter(targets.iter().enumerate())
            .map(|(i, t)| {
                let (http, emit) = (&http, &emit);
                async move { (i, discover_target(http, t, opts, until, emit).await) }
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
    results.sort_by_key(|(i, _)| *i);
    let (mut sites, mut failures) = (Vec::new(), Vec::new());
    for (_, r) in results {
        match r {
            Ok(d) => sites.push(d),
            Err(f) => failures.push(f),
        }
    }
    emit(DiscoveryEvent::Finished { answered: sites.len(), failed: failures.len() });
    let endpoints: Vec<SiteEndpoint> = targets.into_iter().map(|t| t.endpoint).collect();
    let (fleet, warnings) = merge(&endpoints, &sites, &failures);
    Ok(FleetDiscovery { fleet, sites, failures, warnings })
}
