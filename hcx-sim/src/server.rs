//! Listeners, routing and fault application.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hcx_core::fleet::{Platform, SiteRole};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::clock::SimClock;
use crate::fault::{Endpoint, FaultKind, FaultRule};
use crate::scenario::Scenario;
use crate::world::{Req, World};

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

pub(crate) struct Shared {
    world: Mutex<World>,
    clock: SimClock,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, World> {
        // A poisoned lock only means a handler panicked; the state is still usable for a simulator.
        self.world.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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
    /// Base URL, `http://127.0.0.1:PORT`.
    pub url: String,
    /// SSO user the manager accepts.
    pub username: String,
}

/// A running simulator: one loopback listener per manager. Dropping it stops every listener.
pub struct Simulator {
    shared: Arc<Shared>,
    managers: Vec<ManagerInfo>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
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

/// Per-connection control: lets a handler reset its own TCP connection.
#[derive(Clone, Default)]
struct ConnCtl {
    reset: Arc<Notify>,
}

#[derive(Clone)]
struct Ctx {
    shared: Arc<Shared>,
    site: Arc<str>,
}

impl Simulator {
    /// Binds one listener per manager on 127.0.0.1 and starts serving. Must run inside a tokio runtime.
    pub async fn start(scenario: Scenario, ports: PortPlan, clock: SimClock) -> Result<Self, SimError> {
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
            urls.insert(s.id.clone(), format!("http://{addr}"));
            listeners.push((s.clone(), l, addr));
        }
        let world = World::new(&scenario, &urls);
        let shared = Arc::new(Shared { world: Mutex::new(world), clock });
        let mut managers = Vec::new();
        let mut tasks = Vec::new();
        for (site, listener, addr) in listeners {
            let (username, _) = scenario.credentials(&site.id);
            managers.push(ManagerInfo {
                site: site.id.clone(),
                role: site.role,
                platform: site.platform,
                addr,
                url: format!("http://{addr}"),
                username,
            });
            let ctx = Ctx { shared: shared.clone(), site: Arc::from(site.id.as_str()) };
            let router = Router::new().fallback(dispatch).with_state(ctx);
            tasks.push(tokio::spawn(accept_loop(listener, router)));
        }
        Ok(Self { shared, managers, tasks })
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
        if let Some(s) = self.shared.lock().sites.get_mut(site) {
            s.faults.push(rule);
        }
    }

    /// Removes every fault rule of a site.
    pub fn clear_faults(&self, site: &str) {
        if let Some(s) = self.shared.lock().sites.get_mut(site) {
            s.faults.clear();
        }
    }

    /// Requests received by `site` on `endpoint` (including those answered with an injected fault).
    pub fn calls(&self, site: &str, endpoint: Endpoint) -> u64 {
        self.shared.lock().sites.get(site).and_then(|s| s.calls.get(&endpoint).copied()).unwrap_or(0)
    }

    /// Mutations actually carried out by `site` on `endpoint` (accepted upgrade, redeploy, delete…).
    pub fn performed(&self, site: &str, endpoint: Endpoint) -> u64 {
        self.shared.lock().sites.get(site).and_then(|s| s.performed.get(&endpoint).copied()).unwrap_or(0)
    }

    /// Mutations carried out by `site` on `endpoint` for one target (appliance id, stretch id, or the target
    /// version of a manager upgrade).
    pub fn performed_on(&self, site: &str, endpoint: Endpoint, target: &str) -> u64 {
        let key = format!("{}:{target}", endpoint.as_str());
        self.shared.lock().sites.get(site).and_then(|s| s.performed_on.get(&key).copied()).unwrap_or(0)
    }

    /// Total mutating calls received by every manager.
    pub fn mutating_calls(&self) -> u64 {
        self.shared
            .lock()
            .sites
            .values()
            .flat_map(|s| s.calls.iter())
            .filter(|(e, _)| e.is_mutating())
            .map(|(_, n)| *n)
            .sum()
    }

    /// Every session token the site has issued (for tests proving tokens never leak).
    pub fn issued_tokens(&self, site: &str) -> Vec<String> {
        self.shared.lock().sites.get(site).map(|s| s.issued_tokens.clone()).unwrap_or_default()
    }

    /// Expires every session of a site now.
    pub fn expire_tokens(&self, site: &str) {
        if let Some(s) = self.shared.lock().sites.get_mut(site) {
            s.tokens.clear();
        }
    }

    /// Current manager version of a site.
    pub fn manager_version(&self, site: &str) -> Option<hcx_core::HcxVersion> {
        self.shared.lock().sites.get(site).map(|s| s.site.version.clone())
    }

    /// Current versions of an appliance, `(at source, at destination)`, by its fleet id.
    pub fn appliance_versions(&self, id: &str) -> Option<(hcx_core::HcxVersion, hcx_core::HcxVersion)> {
        self.shared.lock().appliances.iter().find(|a| a.id == id).map(|a| (a.version.clone(), a.peer_version.clone()))
    }

    /// The endpoints file for this simulator (format `hcx-endpoints/v1`, read by `hcx discover`).
    pub fn endpoints_json(&self) -> String {
        let w = self.shared.lock();
        let endpoints: Vec<Value> = self
            .managers
            .iter()
            .map(|m| {
                let name = w.sites.get(&m.site).and_then(|s| s.site.name.clone());
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
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Writes [`Simulator::endpoints_json`] to a file.
    pub fn write_endpoints(&self, path: &std::path::Path) -> Result<(), SimError> {
        std::fs::write(path, self.endpoints_json() + "\n")
            .map_err(|source| SimError::Write { path: path.display().to_string(), source })
    }
}

async fn accept_loop(listener: TcpListener, router: Router) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Zero linger: dropping the socket sends RST, which is how the `reset` fault is delivered.
        let _ = stream.set_zero_linger();
        let router = router.clone();
        tokio::spawn(async move {
            let ctl = ConnCtl::default();
            let ctl2 = ctl.clone();
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ctl2.clone());
                let r = router.clone();
                async move { Ok::<_, Infallible>(r.oneshot(req.map(Body::new)).await.unwrap_or_else(|e| match e {})) }
            });
            let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                () = ctl.reset.notified() => {}
            }
        });
    }
}

/// Maps method + path to an endpoint and its path parameters.
fn route(method: &Method, path: &str) -> (Endpoint, Vec<String>) {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let p = |s: &str| vec![s.to_owned()];
    let m = method.as_str();
    match segs.as_slice() {
        ["hybridity", "api", rest @ ..] => match (m, rest) {
            ("POST", ["sessions"]) => (Endpoint::Sessions, vec![]),
            ("GET", ["metainfo", "context", "support"]) => (Endpoint::Support, vec![]),
            ("GET", ["cloudConfigs"]) => (Endpoint::CloudConfigs, vec![]),
            ("GET", ["interconnect", "serviceMesh"]) => (Endpoint::ServiceMesh, vec![]),
            ("GET", ["interconnect", "appliances"]) => (Endpoint::Appliances, vec![]),
            ("POST", ["interconnect", "appliances", "query"]) => (Endpoint::AppliancesQuery, vec![]),
            ("POST", ["interconnect", "appliances", id, "upgrade"]) => (Endpoint::ApplianceUpgrade, p(id)),
            ("POST", ["interconnect", "appliances", id, "redeploy"]) => (Endpoint::ApplianceRedeploy, p(id)),
            ("GET", ["interconnect", "tasks", id]) => (Endpoint::Task, p(id)),
            ("GET", ["jobs", id]) => (Endpoint::Job, p(id)),
            ("GET", ["l2Extensions"]) => (Endpoint::L2Extensions, vec![]),
            ("DELETE", ["l2Extensions", id]) => (Endpoint::L2ExtensionDelete, p(id)),
            ("POST", ["migrations"]) => (Endpoint::MigrationsQuery, vec![]),
            ("POST", ["replications"]) => (Endpoint::ReplicationsQuery, vec![]),
            _ => (Endpoint::Unknown, vec![]),
        },
        ["hcx-sim", "stand-in", "manager", "upgrade"] => match m {
            "POST" => (Endpoint::ManagerUpgradeStart, vec![]),
            "GET" => (Endpoint::ManagerUpgradeStatus, vec![]),
            _ => (Endpoint::Unknown, vec![]),
        },
        _ => (Endpoint::Unknown, vec![]),
    }
}

async fn dispatch(State(ctx): State<Ctx>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let clock = &ctx.shared.clock;
    // The counters are the rehearsal's evidence, not part of the simulated API: not counted, no clock step.
    if parts.method == Method::GET && parts.uri.path() == "/hcx-sim/counters" {
        let mut w = ctx.shared.lock();
        w.tick(clock.elapsed_ms());
        return axum::Json(w.counters(&ctx.site)).into_response();
    }
    clock.on_request();
    let (mut endpoint, params) = route(&parts.method, parts.uri.path());
    let query = parts.uri.query().unwrap_or("");
    // `?action=query` is what makes these POSTs queries.
    if matches!(endpoint, Endpoint::MigrationsQuery | Endpoint::ReplicationsQuery)
        && !query.split('&').any(|kv| kv == "action=query")
    {
        endpoint = Endpoint::Unknown;
    }
    let site = ctx.site.clone();

    // Phase 1: count the call and pick the faults that fire on it.
    let (latency, fired) = {
        let mut w = ctx.shared.lock();
        let now = clock.elapsed_ms();
        w.tick(now);
        let Some(s) = w.sites.get_mut(&*site) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        *s.calls.entry(endpoint).or_default() += 1;
        let takes_task_faults = matches!(endpoint, Endpoint::ApplianceUpgrade | Endpoint::ApplianceRedeploy);
        let mut fired = Vec::new();
        for r in &mut s.faults {
            if r.is_task_fault() && !takes_task_faults {
                continue;
            }
            if r.fire(endpoint) {
                fired.push(r.kind.clone());
            }
        }
        (s.latency_ms, fired)
    };
    tracing::debug!(site = %site, ?endpoint, faults = fired.len(), "hcx-sim request");
    let extra: u64 = fired.iter().map(|f| if let FaultKind::Latency { ms } = f { *ms } else { 0 }).sum();
    if latency + extra > 0 {
        tokio::time::sleep(Duration::from_millis(latency + extra)).await;
    }
    if fired.contains(&FaultKind::Reset) {
        if let Some(ctl) = parts.extensions.get::<ConnCtl>() {
            ctl.reset.notify_one();
            // The connection task drops the socket; this response is never sent.
            std::future::pending::<()>().await;
        }
        return StatusCode::BAD_GATEWAY.into_response();
    }
    for f in &fired {
        if let FaultKind::Status { status, retry_after } = f {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({"errors": [{"message": format!("injected fault: http {status} (hcx-sim)")}]});
            let mut resp = (code, axum::Json(body)).into_response();
            if let Some(secs) = retry_after {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert("retry-after", v);
                }
            }
            return resp;
        }
    }
    let task_fault = fired.iter().find(|f| {
        matches!(f, FaultKind::TaskStall | FaultKind::TaskFail { .. } | FaultKind::TaskFailReportedRunning { .. })
    });
    let token = parts.headers.get("x-hm-authorization").and_then(|v| v.to_str().ok());

    // Phase 2: do the work.
    let reply = {
        let mut w = ctx.shared.lock();
        let now = clock.elapsed_ms();
        w.tick(now);
        if fired.contains(&FaultKind::ExpireToken) {
            if let Some(s) = w.sites.get_mut(&*site) {
                s.tokens.clear();
            }
        }
        w.handle(&site, Req { endpoint, params, query, token, body: &body, task_fault: task_fault.cloned() }, now)
    };

    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = match &reply.body {
        None => String::new(),
        Some(v) if fired.contains(&FaultKind::Malformed) => malformed(v.clone()).to_string(),
        Some(v) => v.to_string(),
    };
    let text = if fired.contains(&FaultKind::Truncated) {
        let cut = text.len() / 2;
        // Cut at a char boundary (the JSON is ASCII in practice).
        let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text[..cut].to_owned()
    } else {
        text
    };
    let mut resp = Response::new(Body::from(text));
    *resp.status_mut() = status;
    if reply.body.is_some() {
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    }
    if let Some(t) = reply.token {
        if let Ok(v) = HeaderValue::from_str(&t) {
            resp.headers_mut().insert("x-hm-authorization", v);
        }
    }
    resp
}

/// Replaces the first element of the first non-empty array (depth-first) with `42`.
fn malformed(mut v: Value) -> Value {
    fn walk(v: &mut Value) -> bool {
        match v {
            Value::Array(a) if !a.is_empty() => {
                a[0] = Value::from(42);
                true
            }
            Value::Array(_) => false,
            Value::Object(o) => o.values_mut().any(walk),
            _ => false,
        }
    }
    if walk(&mut v) { v } else { Value::from(42) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_known_paths() {
        assert_eq!(route(&Method::POST, "/hybridity/api/sessions").0, Endpoint::Sessions);
        assert_eq!(
            route(&Method::POST, "/hybridity/api/interconnect/appliances/abc/upgrade"),
            (Endpoint::ApplianceUpgrade, vec!["abc".to_owned()])
        );
        assert_eq!(route(&Method::GET, "/hybridity/api/interconnect/appliances/abc/upgrade").0, Endpoint::Unknown);
        assert_eq!(route(&Method::GET, "/hcx-sim/stand-in/manager/upgrade").0, Endpoint::ManagerUpgradeStatus);
    }

    #[test]
    fn malformed_breaks_first_array_element() {
        let v = malformed(serde_json::json!({"items": [{"a": 1}, {"a": 2}]}));
        assert_eq!(v, serde_json::json!({"items": [42, {"a": 2}]}));
        assert_eq!(malformed(serde_json::json!({"a": 1})), serde_json::json!(42));
    }
}
