//! The running simulator: one loopback listener per manager, and the accessors tests use.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use hcx_core::HcxVersion;
use hcx_core::fleet::{Platform, SiteRole};
use serde_json::Value;
use tokio::net::TcpListener;

use crate::clock::SimClock;
use crate::fault::{Endpoint, FaultRule};
use crate::http::{Ctx, accept_loop, dispatch};
use crate::scenario::Scenario;
use crate::state::World;

/// Errors starting the simulator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// A loopback port could not be bound.
    #[error("cannot bind 127.0.0.1:{port} for site {site}: {source}")]
    Bind {
        /// Site id.
        site: String,
        /// Requested port.
        port: u16,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The scenario has no sites.
    #[error("scenario has no sites")]
    Empty,
    /// The TLS certificate or configuration could not be made.
    #[error("cannot serve https: {0}")]
    Tls(String),
    /// The endpoints file could not be written.
    #[error("cannot write endpoints file {path}: {source}")]
    Write {
        /// File path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// How ports are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortPlan {
    /// Every manager gets an ephemeral port (`--port 0`).
    Ephemeral,
    /// Managers get consecutive ports starting here, in site order.
    From(u16),
}

/// What every listener shares: the world (which locks per manager and per mesh) and the clock.
pub(crate) struct Shared {
    pub(crate) world: World,
    pub(crate) clock: SimClock,
}

impl Shared {
    fn now(&self) -> u64 {
        self.clock.elapsed_ms()
    }
}

/// One running manager.
#[derive(Debug, Clone)]
pub struct ManagerInfo {
    /// Site id.
    pub site: String,
    /// Role from the fleet.
    pub role: SiteRole,
    /// Platform from the fleet.
    pub platform: Platform,
    /// Bound address (always 127.0.0.1).
    pub addr: SocketAddr,
    /// Base URL, `http://127.0.0.1:PORT` (`https://…` when started with [`Simulator::start_tls`]).
    pub url: String,
    /// SSO user the manager accepts.
    pub username: String,
}

/// A running simulator: one loopback listener per manager. Dropping it stops every listener.
pub struct Simulator {
    shared: Arc<Shared>,
    managers: Vec<ManagerInfo>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// The CA that signed the managers' certificate, when serving https.
    ca_pem: Option<String>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("managers", &self.managers.len()).finish_non_exhaustive()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

impl Simulator {
    /// Binds one listener per manager on 127.0.0.1 and starts serving. Must run inside a tokio runtime.
    pub async fn start(scenario: Scenario, ports: PortPlan, clock: SimClock) -> Result<Self, SimError> {
        Self::start_with(scenario, ports, clock, None).await
    }

    /// As [`Simulator::start`], but every manager serves https with a certificate for `127.0.0.1` and
    /// `localhost` signed by a CA made now ([`Simulator::ca_pem`]).
    pub async fn start_tls(scenario: Scenario, ports: PortPlan, clock: SimClock) -> Result<Self, SimError> {
        let tls = crate::tls::material().map_err(SimError::Tls)?;
        Self::start_with(scenario, ports, clock, Some(tls)).await
    }

    /// The PEM of the CA the managers' certificate chains to, when serving https.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    async fn start_with(
        scenario: Scenario,
        ports: PortPlan,
        clock: SimClock,
        tls: Option<crate::tls::TlsMaterial>,
    ) -> Result<Self, SimError> {
        let scheme = if tls.is_some() { "https" } else { "http" };
        if scenario.fleet.sites.is_empty() {
            return Err(SimError::Empty);
        }
        // Bind everything first: cloudConfigs must know every peer's URL.
        let mut listeners = Vec::new();
        let mut urls = BTreeMap::new();
        for (i, s) in scenario.fleet.sites.iter().enumerate() {
            let port = match ports {
                PortPlan::Ephemeral => 0,
                PortPlan::From(p) => p.saturating_add(u16::try_from(i).unwrap_or(u16::MAX)),
            };
            let l = TcpListener::bind(("127.0.0.1", port)).await.map_err(|source| SimError::Bind {
                site: s.id.clone(),
                port,
                source,
            })?;
            let addr = l.local_addr().map_err(|source| SimError::Bind { site: s.id.clone(), port, source })?;
            urls.insert(s.id.clone(), format!("{scheme}://{addr}"));
            listeners.push((s.clone(), l, addr));
        }
        let world = World::new(&scenario, &urls);
        let shared = Arc::new(Shared { world, clock });
        let mut managers = Vec::new();
        let mut tasks = Vec::new();
        for (site, listener, addr) in listeners {
            let (username, _) = scenario.credentials(&site.id);
            managers.push(ManagerInfo {
                site: site.id.clone(),
                role: site.role,
                platform: site.platform,
                addr,
                url: format!("{scheme}://{addr}"),
                username,
            });
            let ctx = Ctx { shared: shared.clone(), site: Arc::from(site.id.as_str()) };
            let router = Router::new().fallback(dispatch).with_state(ctx);
            let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
            tasks.push(tokio::spawn(accept_loop(listener, router, acceptor)));
        }
        Ok(Self { shared, managers, tasks, ca_pem: tls.map(|t| t.ca_pem) })
    }

    /// The running managers, in fleet order.
    pub fn managers(&self) -> &[ManagerInfo] {
        &self.managers
    }

    /// The manager of a site.
    pub fn manager(&self, site: &str) -> Option<&ManagerInfo> {
        self.managers.iter().find(|m| m.site == site)
    }

    /// Base URL of a site's manager.
    pub fn url(&self, site: &str) -> Option<String> {
        self.manager(site).map(|m| m.url.clone())
    }

    /// The shared clock.
    pub fn clock(&self) -> SimClock {
        self.shared.clock.clone()
    }

    /// Adds a fault rule to a site at run time.
    pub fn inject(&self, site: &str, rule: FaultRule) {
        if let Some(mut s) = self.shared.world.site(site, self.shared.now()) {
            s.faults.push(rule);
        }
    }

    /// Removes every fault rule of a site.
    pub fn clear_faults(&self, site: &str) {
        if let Some(mut s) = self.shared.world.site(site, self.shared.now()) {
            s.faults.clear();
        }
    }

    /// Requests received by `site` on `endpoint` (including those answered with an injected fault).
    pub fn calls(&self, site: &str, endpoint: Endpoint) -> u64 {
        self.shared.world.land_due(self.shared.now());
        self.shared.world.site(site, self.shared.now()).and_then(|s| s.calls.get(&endpoint).copied()).unwrap_or(0)
    }

    /// Mutations actually carried out by `site` on `endpoint` (accepted upgrade, redeploy, delete…).
    pub fn performed(&self, site: &str, endpoint: Endpoint) -> u64 {
        self.shared.world.land_due(self.shared.now());
        self.shared.world.site(site, self.shared.now()).and_then(|s| s.performed.get(&endpoint).copied()).unwrap_or(0)
    }

    /// Mutations carried out by `site` on `endpoint` for one target (appliance id, stretch id, or the target
    /// version of a manager upgrade).
    pub fn performed_on(&self, site: &str, endpoint: Endpoint, target: &str) -> u64 {
        self.shared.world.land_due(self.shared.now());
        let key = format!("{}:{target}", endpoint.as_str());
        self.shared.world.site(site, self.shared.now()).and_then(|s| s.performed_on.get(&key).copied()).unwrap_or(0)
    }

    /// Total mutating calls received by every manager.
    pub fn mutating_calls(&self) -> u64 {
        let now = self.shared.now();
        let w = &self.shared.world;
        let count = |site: &str| {
            w.site(site, now).map_or(0, |s| s.calls.iter().filter(|(e, _)| e.is_mutating()).map(|(_, n)| *n).sum())
        };
        self.managers.iter().map(|m| count(&m.site)).sum()
    }

    /// Every session token the site has issued (for tests proving tokens never leak).
    pub fn issued_tokens(&self, site: &str) -> Vec<String> {
        self.shared.world.site(site, self.shared.now()).map(|s| s.issued_tokens.clone()).unwrap_or_default()
    }

    /// Expires every session of a site now.
    pub fn expire_tokens(&self, site: &str) {
        if let Some(mut s) = self.shared.world.site(site, self.shared.now()) {
            s.tokens.clear();
        }
    }

    /// Current manager version of a site.
    pub fn manager_version(&self, site: &str) -> Option<HcxVersion> {
        self.shared.world.version(site, self.shared.now())
    }

    /// Current versions of an appliance, `(at source, at destination)`, by its fleet id.
    pub fn appliance_versions(&self, id: &str) -> Option<(HcxVersion, HcxVersion)> {
        self.shared.world.land_due(self.shared.now());
        let w = &self.shared.world;
        let at = w.appliance_index.get(id).filter(|r| r.at_source)?;
        let (_, m) = w.mesh(at.mesh, self.shared.now())?;
        m.appliances.get(at.index).map(|a| (a.version.clone(), a.peer_version.clone()))
    }

    /// Whether an appliance pair's tunnel is up now, by either end's id (what `status.summary.overallStatus`
    /// shows; see the README).
    pub fn tunnel_up(&self, id: &str) -> Option<bool> {
        let (w, now) = (&self.shared.world, self.shared.now());
        let at = w.appliance_index.get(id)?;
        let (_, m) = w.mesh(at.mesh, now)?;
        m.appliances.get(at.index).map(|a| m.tunnel_up(a, now, &w.timing))
    }

    /// Keeps an appliance pair's tunnel down (`true`) whatever its upgrades do, or lets it follow them again
    /// (`false`); the run-time form of the scenario's `tunnels_down`. Returns whether the appliance exists.
    pub fn set_tunnel_down(&self, id: &str, down: bool) -> bool {
        let w = &self.shared.world;
        let Some(at) = w.appliance_index.get(id) else { return false };
        let Some((_, mut m)) = w.mesh(at.mesh, self.shared.now()) else { return false };
        match m.appliances.get_mut(at.index) {
            Some(a) => {
                a.tunnel_forced_down = down;
                true
            }
            None => false,
        }
    }

    /// Starts a manager upgrade to `target` the way a provider or an operator would, outside the API (not
    /// counted as a call): the manager goes down and comes back at `target` on the scenario's timing, exactly
    /// as with the rehearsal endpoint.
    ///
    /// # Errors
    /// A message when the site is unknown, an upgrade already runs, or `target` is not newer.
    pub fn upgrade_manager(&self, site: &str, target: HcxVersion) -> Result<(), String> {
        match self.shared.world.start_manager_upgrade(site, target, self.shared.now(), false) {
            Ok(_) => Ok(()),
            Err(r) => {
                Err(format!("cannot upgrade manager {site}: http {} {}", r.status, r.body.unwrap_or(Value::Null)))
            }
        }
    }

    /// Starts an upgrade of an appliance (by its id at `site`) the way an operator in the HCX UI would: not
    /// counted as a call, counted as performed. Returns the interconnect task id.
    ///
    /// # Errors
    /// A message when the appliance is unknown at the site or the manager refuses.
    pub fn ui_upgrade_appliance(&self, site: &str, appliance: &str) -> Result<String, String> {
        self.shared.world.ui_upgrade(site, appliance, self.shared.now()).map_err(|r| {
            format!(
                "cannot upgrade appliance {appliance} at {site}: http {} {}",
                r.status,
                r.body.unwrap_or(Value::Null)
            )
        })
    }

    /// The endpoints file for this simulator (format `hcx-endpoints/v1`, read by `hcx discover`).
    pub fn endpoints_json(&self) -> String {
        let w = &self.shared.world;
        let endpoints: Vec<Value> = self
            .managers
            .iter()
            .map(|m| {
                let name = w.info(&m.site).and_then(|s| s.name.clone());
                let mut v = serde_json::json!({
                    "site": m.site,
                    "url": m.url,
                    "role": m.role,
                    "platform": m.platform,
                    "username": m.username,
                });
                if let Some(n) = name {
                    v["name"] = Value::String(n);
                }
                v
            })
            .collect();
        let doc = serde_json::json!({ "schema": "hcx-endpoints/v1", "endpoints": endpoints });
        serde_json::to_string_pretty(&doc).expect("a JSON value of strings always serialises")
    }

    /// Writes [`Simulator::endpoints_json`] to a file.
    pub fn write_endpoints(&self, path: &std::path::Path) -> Result<(), SimError> {
        std::fs::write(path, self.endpoints_json() + "\n")
            .map_err(|source| SimError::Write { path: path.display().to_string(), source })
    }
}
