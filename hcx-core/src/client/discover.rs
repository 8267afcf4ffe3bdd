//! Discovery: build the `hcx-fleet/v1` inventory from live HCX Managers.
//!
//! [`discover`] reads one manager; [`discover_fleet`] reads many concurrently (bounded), merges what the two
//! ends of a pair report (one pair, one mesh, appliances named by their initiator-side ids), and keeps the
//! sites that answered when others fail.
//!
//! What the HCX API does not tell, and how discovery fills it:
//! * **Port binding** of an extended network is a vCenter port-group property, absent from `l2Extensions`:
//!   discovery records `static` and adds a warning naming the extensions to check.
//! * **Replications** come only as counters (`replications?action=query` summary): each counted replication
//!   becomes one synthetic entry `<site>/<counter>-<direction>-<n>` (active/syncing/recovering → in progress,
//!   configuring → queued).
//! * **HA groups and appliance networks** are not read (`ha_group` = none, `networks` empty).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{ClientConfig, ClientError, Credentials, HcxClient, wire};
use crate::fleet::{
    Appliance, ApplianceKind, Fleet, MeshService, Migration, NetworkExtension, Platform, PortBinding, Replication,
    ServiceMesh, Site, SitePair, SiteRole, TransferState,
};
use crate::version::HcxVersion;

/// Schema tag of an endpoints file.
pub const ENDPOINTS_SCHEMA: &str = "hcx-endpoints/v1";

/// One manager to discover (an entry of the endpoints file). No password: it comes from elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteEndpoint {
    /// Site id to use in the fleet.
    pub site: String,
    /// Manager base URL, e.g. `https://hcx.dc1.example`.
    pub url: String,
    /// Connector or Cloud.
    pub role: SiteRole,
    /// Platform.
    pub platform: Platform,
    /// SSO user.
    pub username: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// The `hcx-endpoints/v1` file:
/// `{"schema":"hcx-endpoints/v1","endpoints":[{"site","url","role","platform","username","name"?}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointsFile {
    /// Always [`ENDPOINTS_SCHEMA`].
    pub schema: String,
    /// The managers.
    pub endpoints: Vec<SiteEndpoint>,
}

/// A bad endpoints file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointsError {
    /// Unreadable file.
    #[error("cannot read endpoints file {path}: {source}")]
    Read {
        /// Path.
        path: String,
        /// I/O error.
        #[source]
        source: std::io::Error,
    },
    /// JSON mismatch.
    #[error("invalid endpoints file at `{path}`: {message}")]
    Json {
        /// JSON path.
        path: String,
        /// Message.
        message: String,
    },
    /// Inconsistent content.
    #[error("invalid endpoints file: {0}")]
    Invalid(String),
}

impl EndpointsFile {
    /// Parses and checks an endpoints file.
    ///
    /// # Errors
    /// [`EndpointsError`] naming the JSON path or the duplicate site.
    pub fn from_json(text: &str) -> Result<Self, EndpointsError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        let f: Self = serde_path_to_error::deserialize(de)
            .map_err(|e| EndpointsError::Json { path: e.path().to_string(), message: e.inner().to_string() })?;
        if f.schema != ENDPOINTS_SCHEMA {
            return Err(EndpointsError::Invalid(format!(
                "schema {}, expected {ENDPOINTS_SCHEMA:?}",
                crate::quote::quoted(&f.schema)
            )));
        }
        if f.endpoints.is_empty() {
            return Err(EndpointsError::Invalid("no endpoints listed: nothing to discover".to_owned()));
        }
        let mut seen = BTreeSet::new();
        for e in &f.endpoints {
            if !seen.insert(e.site.as_str()) {
                return Err(EndpointsError::Invalid(format!("site {} is listed twice", crate::quote::quoted(&e.site))));
            }
        }
        Ok(f)
    }

    /// Reads an endpoints file.
    ///
    /// # Errors
    /// [`EndpointsError`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, EndpointsError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| EndpointsError::Read { path: path.display().to_string(), source })?;
        Self::from_json(&text)
    }
}

/// The environment variable holding a site's password, e.g. `HCX_PASSWORD_ONPREM_DC1` for `onprem-dc1`
/// (upper-cased, every other character than a letter or digit turned into `_`). The CLI and the Python
/// package both read it, then `HCX_PASSWORD`.
pub fn password_env_var(site: &str) -> String {
    let suffix: String =
        site.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect();
    format!("HCX_PASSWORD_{suffix}")
}

/// A remote manager as a site's `cloudConfigs` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteManager {
    /// `endpointId`.
    pub endpoint_id: Option<String>,
    /// `cloudName`.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `version` (+ `buildNumber`).
    pub version: Option<HcxVersion>,
}

/// Which end of a mesh the reporting site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MeshSide {
    /// The initiator (source).
    Source,
    /// The peer (destination).
    Destination,
}

/// An appliance as one site reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveredAppliance {
    /// The fleet view (id as this site names it).
    pub appliance: Appliance,
    /// The peer's id (at the other end), when reported.
    pub peer_id: Option<String>,
}

/// A mesh as one site reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiscoveredMesh {
    /// `serviceMeshId`.
    pub id: String,
    /// Endpoint id of the initiator end.
    pub source_endpoint: Option<String>,
    /// Endpoint id of the other end.
    pub destination_endpoint: Option<String>,
    /// Which end the reporting site is, when known.
    pub local_side: Option<MeshSide>,
    /// Services.
    pub services: Vec<MeshService>,
    /// This site's appliances of the mesh.
    pub appliances: Vec<DiscoveredAppliance>,
    /// `updateAvailable`.
    pub update_available: Option<bool>,
}

/// What one manager reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SiteDiscovery {
    /// The site, with the version the manager reports.
    pub site: Site,
    /// The manager's own endpoint id, when reported.
    pub endpoint_id: Option<String>,
    /// Paired remote managers (`cloudConfigs`).
    pub remotes: Vec<RemoteManager>,
    /// Meshes this manager takes part in.
    pub meshes: Vec<DiscoveredMesh>,
    /// Extensions (appliance ids as this site names them).
    pub extensions: Vec<NetworkExtension>,
    /// Migrations known to this manager.
    pub migrations: Vec<Migration>,
    /// Synthetic replication entries from the summary counters.
    pub replications: Vec<Replication>,
    /// Things discovery had to guess or skip.
    pub warnings: Vec<String>,
}

fn service(name: &str) -> Option<MeshService> {
    Some(match name {
        "INTERCONNECT" => MeshService::Interconnect,
        "VMOTION" => MeshService::Vmotion,
        "BULK_MIGRATION" => MeshService::BulkMigration,
        "RAV" => MeshService::ReplicationAssistedVmotion,
        "NETWORK_EXTENSION" => MeshService::NetworkExtension,
        "DISASTER_RECOVERY" => MeshService::DisasterRecovery,
        // INFERRED names (the reference only implies these through wanoptConfig / OSAM prose).
        "WANOPT" | "WAN_OPTIMIZATION" => MeshService::WanOptimization,
        "OSAM" | "SGW" => MeshService::Osam,
        _ => return None,
    })
}

fn appliance_kind(ty: &str) -> Option<ApplianceKind> {
    Some(match ty {
        "HCX-WAN-IX" | "HCX-WAN-IX-EDGE" => ApplianceKind::Ix,
        "HCX-NET-EXT" => ApplianceKind::Ne,
        // UNKNOWN raw strings; these are the simulator's placeholders and the prose names.
        "HCX-WAN-OPT" => ApplianceKind::Wo,
        "HCX-SGW" => ApplianceKind::Sgw,
        "HCX-SDR" => ApplianceKind::Sdr,
        _ => return None,
    })
}

fn migration_state(s: &str) -> TransferState {
    match s {
        "MIGRATED" | "MIGRATION_COMPLETE" => TransferState::Completed,
        "MIGRATE_FAILED" | "TRANSFER_FAILED" | "MIGRATION_FAILED" => TransferState::Failed,
        "MIGRATE_CANCELED" | "MIGRATION_CANCELLED" => TransferState::Cancelled,
        s if s.contains("QUEUED") => TransferState::Queued,
        // Non-terminal names are largely UNKNOWN: anything else counts as running, the safe side for a planner.
        _ => TransferState::InProgress,
    }
}

/// A `cloudConfigs` item as a [`RemoteManager`]; an unreadable version or build is left out with a warning.
fn remote(c: wire::CloudConfig, site: &str, warnings: &mut Vec<String>) -> RemoteManager {
    let label = c.cloud_name.as_deref().or(c.url.as_deref()).unwrap_or("?");
    let mut version = match c.version.as_ref().map(|v| v.0.parse::<HcxVersion>()) {
        Some(Ok(v)) => Some(v),
        Some(Err(e)) => {
            warnings.push(format!("site {site}: cloudConfigs entry {}: {e}; version left out", clip(label)));
            None
        }
        None => None,
    };
    match c.build_number.as_ref().map(wire::Text::as_build) {
        Some(Ok(Some(b))) => version = version.map(|v| v.with_build(b)),
        Some(Err(e)) => {
            warnings.push(format!("site {site}: cloudConfigs entry {}: buildNumber {e}; left out", clip(label)));
        }
        Some(Ok(None)) | None => {}
    }
    RemoteManager { version, endpoint_id: c.endpoint_id, name: c.cloud_name, url: c.url }
}

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    crate::quote::clipped(text)
}

/// Reads one manager: version, pairs, meshes, appliances, extensions, migrations and replications.
///
/// # Errors
/// The first [`ClientError`] of any read (each names its endpoint).
pub async fn discover(client: &HcxClient, endpoint: &SiteEndpoint) -> Result<SiteDiscovery, ClientError> {
    // Log in once up front so the parallel reads below share one session.
    client.login().await?;
    let (local, clouds, meshes, appliances, l2, migrations, replications) = tokio::try_join!(
        client.local_version(),
        client.cloud_configs(),
        client.service_meshes(),
        client.appliances(),
        client.l2_extensions(),
        client.migrations(),
        client.replication_summary(),
    )?;
    let mut warnings = local.warnings.clone();
    let site_id = endpoint.site.clone();
    let site = Site {
        id: site_id.clone(),
        role: endpoint.role,
        platform: endpoint.platform,
        version: local.version.clone(),
        name: endpoint.name.clone().or(local.name.clone()),
        url: Some(endpoint.url.clone()),
    };
    let remotes = clouds.into_iter().map(|c| remote(c, &site_id, &mut warnings)).collect();

    let mut out_meshes = Vec::new();
    for m in meshes {
        if m.is_local_mesh == Some(true) {
            // The 9.x self-site mesh (HCX Assisted vMotion) is system-owned: not part of the inventory.
            continue;
        }
        let mut services = Vec::new();
        for s in &m.services {
            match service(&s.name) {
                Some(sv) if !services.contains(&sv) => services.push(sv),
                Some(_) => {}
                None => warnings.push(format!("mesh {}: unknown service {:?} skipped", m.service_mesh_id, s.name)),
            }
        }
        let source_endpoint =
            m.compute_profiles.iter().find(|p| p.is_initiator == Some(true)).and_then(|p| p.endpoint_id.clone());
        let destination_endpoint =
            m.compute_profiles.iter().find(|p| p.is_initiator == Some(false)).and_then(|p| p.endpoint_id.clone());
        let mut local_side = match (&local.endpoint_id, &source_endpoint, &destination_endpoint) {
            (Some(me), Some(s), _) if me == s => Some(MeshSide::Source),
            (Some(me), _, Some(d)) if me == d => Some(MeshSide::Destination),
            _ => None,
        };
        let mut mesh_appliances = Vec::new();
        for a in appliances.iter().filter(|a| a.service_mesh_id.as_deref() == Some(m.service_mesh_id.as_str())) {
            if local_side.is_none() {
                local_side = a.is_initiator.map(|i| if i { MeshSide::Source } else { MeshSide::Destination });
            }
            let Some(kind) = a.appliance_type.as_deref().and_then(appliance_kind) else {
                warnings.push(format!("appliance {}: unknown type {:?} skipped", a.appliance_id, a.appliance_type));
                continue;
            };
            let version = match a.appliance_version.as_ref().map(wire::ApplianceVersion::to_version) {
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    warnings
                        .push(format!("appliance {}: unreadable version ({e}); using the manager's", a.appliance_id));
                    local.version.clone()
                }
                None => {
                    warnings.push(format!("appliance {}: no applianceVersion; using the manager's", a.appliance_id));
                    local.version.clone()
                }
            };
            mesh_appliances.push(DiscoveredAppliance {
                appliance: Appliance {
                    id: a.appliance_id.clone(),
                    kind,
                    version,
                    ha_group: None,
                    networks: Vec::new(),
                },
                peer_id: a.peer_appliances.first().and_then(|p| p.appliance_id.clone()),
            });
        }
        out_meshes.push(DiscoveredMesh {
            id: m.service_mesh_id.clone(),
            source_endpoint,
            destination_endpoint,
            local_side,
            services,
            appliances: mesh_appliances,
            update_available: m.update_available,
        });
    }

    let mut extensions = Vec::new();
    for e in &l2 {
        match (e.network(), e.appliance_id.as_deref()) {
            (Some(net), Some(app)) => extensions.push(NetworkExtension {
                network: net.to_owned(),
                appliance: app.to_owned(),
                binding: PortBinding::Unknown,
            }),
            _ => warnings.push(format!("extension {:?}: no network name or applianceId; skipped", e.stretch_id)),
        }
    }
    if !extensions.is_empty() {
        warnings.push(format!(
            "site {site_id}: the HCX API does not report port-group binding; {} extension(s) recorded as binding \"unknown\"; set the binding from vCenter (an ephemeral port group makes the NE upgrade fail)",
            extensions.len()
        ));
    }

    let migrations = migrations
        .into_iter()
        .filter_map(|m| {
            let id = m.migration_id.clone()?;
            let state = m.state().map_or(TransferState::InProgress, migration_state);
            Some(Migration { id, state, site: Some(site_id.clone()) })
        })
        .collect();

    let mut reps = Vec::new();
    let counters = [
        ("active", &replications.active_replication_cnt, TransferState::InProgress),
        ("configuring", &replications.configuring_replication_cnt, TransferState::Queued),
        ("recovering", &replications.recovering_replication_cnt, TransferState::InProgress),
        ("syncing", &replications.syncing_replication_cnt, TransferState::InProgress),
    ];
    for (name, c, state) in counters {
        for (dir, n) in [("outgoing", c.outgoing), ("incoming", c.incoming)] {
            for i in 1..=n.min(10_000) {
                reps.push(Replication {
                    id: format!("{site_id}/{name}-{dir}-{i}"),
                    state,
                    site: Some(site_id.clone()),
                });
            }
        }
    }

    Ok(SiteDiscovery {
        site,
        endpoint_id: local.endpoint_id,
        remotes,
        meshes: out_meshes,
        extensions,
        migrations,
        replications: reps,
        warnings,
    })
}

/// One manager to discover, with its password.
#[derive(Debug, Clone)]
pub struct Target {
    /// Where and who.
    pub endpoint: SiteEndpoint,
    /// The password (secret).
    pub password: SecretString,
}

/// Progress of a fleet discovery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiscoveryEvent {
    /// Started reading a site.
    Started {
        /// Site id.
        site: String,
    },
    /// A site answered.
    Answered {
        /// Site id.
        site: String,
        /// Its manager version.
        version: HcxVersion,
    },
    /// A site failed.
    Failed {
        /// Site id.
        site: String,
        /// The error, as text.
        error: String,
    },
    /// All sites done.
    Finished {
        /// Sites that answered.
        answered: usize,
        /// Sites that failed.
        failed: usize,
    },
}

/// Callback receiving [`DiscoveryEvent`]s.
pub type EventSink = Arc<dyn Fn(&DiscoveryEvent) + Send + Sync>;

/// Options of [`discover_fleet`].
#[derive(Clone)]
#[non_exhaustive]
pub struct DiscoveryOptions {
    /// Sites read at once (at least 1; default 8).
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
        Self { concurrency: 8, client: ClientConfig::default(), on_event: None, deadline: None }
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
    /// Guesses, skips and merge notes.
    pub warnings: Vec<String>,
}

impl FleetDiscovery {
    /// Whether every site answered.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Discovers many managers concurrently (at most `opts.concurrency` at once) and merges the result.
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
    let endpoints: Vec<SiteEndpoint> = targets.iter().map(|t| t.endpoint.clone()).collect();
    let until = opts.deadline.map(|d| (tokio::time::Instant::now() + d, d));
    let results: Vec<(usize, Result<SiteDiscovery, SiteFailure>)> =
        futures::stream::iter(targets.into_iter().enumerate())
            .map(|(i, t)| {
                let http = http.clone();
                let emit = &emit;
                async move {
                    emit(DiscoveryEvent::Started { site: t.endpoint.site.clone() });
                    let creds = Credentials::from_secret(t.endpoint.username.clone(), t.password);
                    let res = match HcxClient::with_http(http, &t.endpoint.url, creds, &opts.client) {
                        Ok(c) => match until {
                            Some((at, deadline)) => {
                                tokio::time::timeout_at(at, discover(&c, &t.endpoint)).await.unwrap_or_else(|_| {
                                    Err(ClientError::Deadline {
                                        endpoint: format!("discovery of {}", t.endpoint.url),
                                        deadline,
                                    })
                                })
                            }
                            None => discover(&c, &t.endpoint).await,
                        },
                        Err(e) => Err(e),
                    };
                    let res = res.map_err(|error| SiteFailure {
                        site: t.endpoint.site.clone(),
                        url: t.endpoint.url.clone(),
                        error,
                    });
                    match &res {
                        Ok(d) => {
                            emit(DiscoveryEvent::Answered { site: d.site.id.clone(), version: d.site.version.clone() })
                        }
                        Err(f) => {
                            tracing::warn!(site = %f.site, error = %f.error, "discovery failed");
                            emit(DiscoveryEvent::Failed { site: f.site.clone(), error: f.error.to_string() });
                        }
                    }
                    (i, res)
                }
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut sites = Vec::new();
    let mut failures = Vec::new();
    for (_, r) in results {
        match r {
            Ok(d) => sites.push(d),
            Err(f) => failures.push(f),
        }
    }
    emit(DiscoveryEvent::Finished { answered: sites.len(), failed: failures.len() });
    let (fleet, warnings) = merge(&endpoints, &sites, &failures);
    Ok(FleetDiscovery { fleet, sites, failures, warnings })
}

/// A manager URL reduced to its origin: scheme, host (IDNA and case normalised by the URL parser;
/// `localhost`, `127.0.0.1` and `::1` all as `loopback`) and port (the scheme's default made explicit), so
/// `https://HCX.example`, `https://hcx.example:443/` and `https://hcx.example/ui` are one manager.
pub fn origin(u: &str) -> String {
    let text = u.trim();
    let Ok(url) = url::Url::parse(text) else {
        return text.trim_end_matches('/').to_ascii_lowercase();
    };
    let host = match url.host() {
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => "loopback".to_owned(),
        Some(url::Host::Ipv4(ip)) if ip == std::net::Ipv4Addr::LOCALHOST => "loopback".to_owned(),
        Some(url::Host::Ipv6(ip)) if ip.is_loopback() => "loopback".to_owned(),
        Some(h) => h.to_string().to_ascii_lowercase(),
        None => String::new(),
    };
    let port = url.port_or_known_default().map_or_else(String::new, |p| p.to_string());
    format!("{}://{host}:{port}", url.scheme())
}

/// Finds the endpoints-file entry a remote stands for: by the endpoint id the remote manager itself reported
/// when it answered, else by URL origin.
fn resolve<'a>(
    r: &RemoteManager,
    by_id: &HashMap<&str, &'a SiteEndpoint>,
    by_origin: &HashMap<String, &'a SiteEndpoint>,
) -> Option<&'a SiteEndpoint> {
    r.endpoint_id
        .as_deref()
        .and_then(|id| by_id.get(id).copied())
        .or_else(|| r.url.as_deref().and_then(|u| by_origin.get(&origin(u)).copied()))
}

/// Merges per-site reports into one fleet (pure; exposed for tests and offline use).
pub fn merge(endpoints: &[SiteEndpoint], sites: &[SiteDiscovery], failures: &[SiteFailure]) -> (Fleet, Vec<String>) {
    let mut warnings: Vec<String> = sites.iter().flat_map(|s| s.warnings.iter().cloned()).collect();
    let by_origin: HashMap<String, &SiteEndpoint> = endpoints.iter().map(|e| (origin(&e.url), e)).collect();
    let by_id: HashMap<&str, &SiteEndpoint> = sites
        .iter()
        .filter_map(|d| {
            let ep = endpoints.iter().find(|e| e.site == d.site.id)?;
            Some((d.endpoint_id.as_deref()?, ep))
        })
        .collect();
    let mut ep_to_site: HashMap<String, String> = HashMap::new();
    for d in sites {
        if let Some(ep) = &d.endpoint_id {
            ep_to_site.insert(ep.clone(), d.site.id.clone());
        }
        for r in &d.remotes {
            if let (Some(ep), Some(e)) = (&r.endpoint_id, resolve(r, &by_id, &by_origin)) {
                ep_to_site.entry(ep.clone()).or_insert_with(|| e.site.clone());
            }
        }
    }

    let mut fleet = Fleet::new();
    fleet.sites = sites.iter().map(|d| d.site.clone()).collect();
    // A failed site stays in the fleet when a peer reported its version (role/platform from the endpoints file).
    for f in failures {
        let Some(e) = endpoints.iter().find(|e| e.site == f.site) else {
            continue;
        };
        let seen = sites.iter().find_map(|d| {
            d.remotes
                .iter()
                .find(|r| resolve(r, &by_id, &by_origin).is_some_and(|x| x.site == e.site))
                .and_then(|r| r.version.clone().map(|v| (d.site.id.clone(), v)))
        });
        match seen {
            Some((peer, version)) => {
                warnings.push(format!(
                    "site {} did not answer; its version {version} comes from {peer}'s cloudConfigs",
                    e.site
                ));
                fleet.sites.push(Site {
                    id: e.site.clone(),
                    role: e.role,
                    platform: e.platform,
                    version,
                    name: e.name.clone(),
                    url: Some(e.url.clone()),
                });
            }
            None => warnings.push(format!("site {} did not answer and no peer reports it; left out", e.site)),
        }
    }
    let known: BTreeSet<String> = fleet.sites.iter().map(|s| s.id.clone()).collect();

    let mut pairs = BTreeSet::new();
    for d in sites {
        for r in &d.remotes {
            match resolve(r, &by_id, &by_origin) {
                Some(e) if known.contains(&e.site) => {
                    pairs.insert((d.site.id.clone(), e.site.clone()));
                }
                Some(e) => warnings
                    .push(format!("pair {} -> {} left out: {} is not in the inventory", d.site.id, e.site, e.site)),
                None => warnings.push(format!(
                    "site {} is paired with {} ({}), which is not in the endpoints file; add it to discover it",
                    d.site.id,
                    r.name.as_deref().unwrap_or("?"),
                    r.url.as_deref().unwrap_or("?")
                )),
            }
        }
    }
    fleet.pairs = pairs.into_iter().map(|(source, destination)| SitePair { source, destination }).collect();

    // Meshes: one per id; source-side appliance ids win; destination-only reports are mapped through peers.
    struct Acc {
        source: Option<String>,
        destination: Option<String>,
        services: Vec<MeshService>,
        source_appliances: Option<Vec<Appliance>>,
        dest_appliances: Option<Vec<Appliance>>,
    }
    let mut meshes: BTreeMap<String, Acc> = BTreeMap::new();
    let mut peer_to_source: HashMap<String, String> = HashMap::new();
    for d in sites {
        for m in &d.meshes {
            let acc = meshes.entry(m.id.clone()).or_insert(Acc {
                source: None,
                destination: None,
                services: Vec::new(),
                source_appliances: None,
                dest_appliances: None,
            });
            let src = m.source_endpoint.as_ref().and_then(|e| ep_to_site.get(e).cloned());
            let dst = m.destination_endpoint.as_ref().and_then(|e| ep_to_site.get(e).cloned());
            let (src, dst) = match m.local_side {
                Some(MeshSide::Source) => (Some(d.site.id.clone()), dst),
                Some(MeshSide::Destination) => (src, Some(d.site.id.clone())),
                None => (src, dst),
            };
            acc.source = acc.source.take().or(src);
            acc.destination = acc.destination.take().or(dst);
            for s in &m.services {
                if !acc.services.contains(s) {
                    acc.services.push(*s);
                }
            }
            let list: Vec<Appliance> = m.appliances.iter().map(|a| a.appliance.clone()).collect();
            match m.local_side {
                Some(MeshSide::Destination) => {
                    for a in &m.appliances {
                        if let Some(p) = &a.peer_id {
                            peer_to_source.insert(a.appliance.id.clone(), p.clone());
                        }
                    }
                    acc.dest_appliances = Some(
                        m.appliances
                            .iter()
                            .map(|a| {
                                let mut x = a.appliance.clone();
                                if let Some(p) = &a.peer_id {
                                    x.id = p.clone();
                                }
                                x
                            })
                            .collect(),
                    );
                }
                _ => acc.source_appliances = Some(list),
            }
        }
    }
    for (id, acc) in meshes {
        match (acc.source, acc.destination) {
            (Some(source), Some(destination)) if known.contains(&source) && known.contains(&destination) => {
                let mut appliances = acc.source_appliances.or(acc.dest_appliances).unwrap_or_default();
                appliances.sort_by(|a, b| a.id.cmp(&b.id));
                fleet.meshes.push(ServiceMesh { id, source, destination, services: acc.services, appliances });
            }
            (s, d) => warnings.push(format!(
                "mesh {id} left out: cannot place both ends (source {}, destination {})",
                s.as_deref().unwrap_or("unknown"),
                d.as_deref().unwrap_or("unknown")
            )),
        }
    }
    let appliance_ids: BTreeSet<String> =
        fleet.meshes.iter().flat_map(|m| m.appliances.iter().map(|a| a.id.clone())).collect();

    let mut ext_seen = BTreeSet::new();
    for d in sites {
        for e in &d.extensions {
            let mut e = e.clone();
            if let Some(src) = peer_to_source.get(&e.appliance) {
                e.appliance = src.clone();
            }
            if !appliance_ids.contains(&e.appliance) {
                warnings.push(format!(
                    "extension {} left out: appliance {} is not in the inventory",
                    e.network, e.appliance
                ));
                continue;
            }
            if ext_seen.insert((e.network.clone(), e.appliance.clone())) {
                fleet.extensions.push(e);
            }
        }
    }
    let mut mig_seen = BTreeSet::new();
    for d in sites {
        for m in &d.migrations {
            if mig_seen.insert(m.id.clone()) {
                fleet.migrations.push(m.clone());
            }
        }
        fleet.replications.extend(d.replications.iter().cloned());
    }
    if let Err(e) = fleet.validate() {
        warnings.push(format!("merged inventory does not validate: {e}"));
    }
    (fleet, warnings)
}
