//! HTTP: the accept loop, routing, and a request's way through faults and the world.
//!
//! A request goes through three phases: [`admit`] counts it and picks the faults that fire (one manager's lock,
//! briefly); the latency and transport faults (sleep, reset, injected status) happen with no lock held; then
//! the world answers ([`crate::state::World`] locks per manager and per mesh) and [`render`] applies the body
//! faults.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::fault::{Endpoint, FaultKind};
use crate::handlers::{Reply, Req};
use crate::server::Shared;

/// Per-connection control: lets a handler reset its own TCP connection.
#[derive(Clone, Default)]
struct ConnCtl {
    reset: Arc<Notify>,
}

/// The state of one manager's router.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(crate) shared: Arc<Shared>,
    pub(crate) site: Arc<str>,
}

/// Accepts connections for one manager, over TLS when `tls` is given.
pub(crate) async fn accept_loop(listener: TcpListener, router: Router, tls: Option<TlsAcceptor>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        // Zero linger: dropping the socket sends RST, which is how the `reset` fault is delivered.
        let _ = stream.set_zero_linger();
        let router = router.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                // A failed handshake just drops the connection, as a manager would.
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve(stream, router).await;
                    }
                }
                None => serve(stream, router).await,
            }
        });
    }
}

/// Serves HTTP/1 on one connection until it ends or a handler resets it.
async fn serve<I>(io: I, router: Router)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let ctl = ConnCtl::default();
    let ctl2 = ctl.clone();
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ctl2.clone());
        let r = router.clone();
        async move { Ok::<_, Infallible>(r.oneshot(req.map(Body::new)).await.unwrap_or_else(|e| match e {})) }
    });
    let conn = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), svc);
    tokio::select! {
        _ = conn => {}
        () = ctl.reset.notified() => {}
    }
}

/// Maps method + path to an endpoint and its path parameters.
pub(crate) fn route(method: &Method, path: &str) -> (Endpoint, Vec<String>) {
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    let p = |s: &str| vec![s.to_owned()];
    let m = method.as_str();
    match segs.as_slice() {
        ["hybridity", "api", rest @ ..] => match (m, rest) {
            ("POST", ["sessions"]) => (Endpoint::Sessions, vec![]),
            ("GET", ["metainfo", "context", "support"]) => (Endpoint::Support, vec![]),
            ("GET", ["metainfo", "context", "interconnect"]) => (Endpoint::MetainfoInterconnect, vec![]),
            ("POST", ["service", "inventory", "cloud", "list"]) => (Endpoint::InventoryCloudList, vec![]),
            ("POST", ["service", "inventory", "resourcecontainer", "list"]) => {
                (Endpoint::InventoryResourceContainers, vec![])
            }
            ("GET", ["interconnect", "capabilities"]) => (Endpoint::Capabilities, vec![]),
            ("GET", ["interconnect", "computeProfiles"]) => (Endpoint::ComputeProfiles, vec![]),
            ("POST", ["networks"]) => (Endpoint::NetworksQueryIpUsage, vec![]),
            ("GET", ["interconnect", "appliances", "ha", "groups"]) => (Endpoint::HaGroups, vec![]),
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
            ("POST", ["migration", "queryMobilityGroups"]) => (Endpoint::MobilityGroups, vec![]),
            _ => (Endpoint::Unknown, vec![]),
        },
        ["hcx-sim", "rehearsal", "manager-upgrade"] => match m {
            "POST" => (Endpoint::ManagerUpgradeStart, vec![]),
            "GET" => (Endpoint::ManagerUpgradeStatus, vec![]),
            _ => (Endpoint::Unknown, vec![]),
        },
        _ => (Endpoint::Unknown, vec![]),
    }
}

/// The endpoint of a request; the `action` query parameter is what makes the migration, replication and
/// network POSTs queries (any other action is not modelled).
fn endpoint_of(parts: &Parts) -> (Endpoint, Vec<String>) {
    let (endpoint, params) = route(&parts.method, parts.uri.path());
    let query = parts.uri.query().unwrap_or("");
    let action = if matches!(endpoint, Endpoint::MigrationsQuery | Endpoint::ReplicationsQuery) {
        Some("action=query")
    } else if endpoint == Endpoint::NetworksQueryIpUsage {
        Some("action=queryIpUsage")
    } else {
        None
    };
    if action.is_some_and(|a| !query.split('&').any(|kv| kv == a)) {
        return (Endpoint::Unknown, params);
    }
    (endpoint, params)
}

pub(crate) async fn dispatch(State(ctx): State<Ctx>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 4 << 20).await else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let (world, clock) = (&ctx.shared.world, &ctx.shared.clock);
    // The counters are the rehearsal's evidence, not part of the simulated API: not counted, no clock step.
    if parts.method == Method::GET && parts.uri.path() == "/hcx-sim/counters" {
        return axum::Json(world.counters(&ctx.site, clock.elapsed_ms())).into_response();
    }
    clock.on_request();
    let (endpoint, params) = endpoint_of(&parts);
    let Some((latency, fired)) = admit(&ctx, endpoint) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    tracing::debug!(site = %ctx.site, ?endpoint, faults = fired.len(), "hcx-sim request");
    if let Some(resp) = transport_faults(&parts, latency, &fired).await {
        return resp;
    }
    let now = clock.elapsed_ms();
    if fired.contains(&FaultKind::ExpireToken) {
        if let Some(mut s) = world.site(&ctx.site, now) {
            s.tokens.clear();
        }
    }
    let task_fault = fired.iter().find(|f| {
        matches!(
            f,
            FaultKind::TaskStall
                | FaultKind::TaskFail { .. }
                | FaultKind::TaskFailReportedRunning { .. }
                | FaultKind::TaskSucceedNoChange
        )
    });
    let req = Req {
        endpoint,
        params,
        query: parts.uri.query().unwrap_or(""),
        token: parts.headers.get("x-hm-authorization").and_then(|v| v.to_str().ok()),
        body: &body,
        task_fault: task_fault.cloned(),
    };
    let held =
        fired.iter().find_map(|f| if let FaultKind::HoldThenLand { after_ms } = f { Some(*after_ms) } else { None });
    if let Some(after_ms) = held {
        if let Some(refused) = world.hold(&ctx.site, &req, now, now.saturating_add(after_ms)) {
            return render(refused, &fired);
        }
        // No answer ever: the client times out; the work lands later, whatever became of the connection.
        std::future::pending::<()>().await;
    }
    let reply = world.handle(&ctx.site, &req, now);
    for f in &fired {
        match f {
            FaultKind::PerformThenStatus { status } => {
                let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::GATEWAY_TIMEOUT);
                let body = serde_json::json!({"errors": [{"message": format!("injected fault after the work: http {status} (hcx-sim)")}]});
                return (code, axum::Json(body)).into_response();
            }
            FaultKind::PerformThenReset => {
                if let Some(ctl) = parts.extensions.get::<ConnCtl>() {
                    ctl.reset.notify_one();
                    std::future::pending::<()>().await;
                }
                return StatusCode::BAD_GATEWAY.into_response();
            }
            _ => {}
        }
    }
    render(reply, &fired)
}

/// Counts the call and picks the faults that fire on it; the manager's latency with them.
fn admit(ctx: &Ctx, endpoint: Endpoint) -> Option<(u64, Vec<FaultKind>)> {
    let world = &ctx.shared.world;
    let latency = world.info(&ctx.site)?.latency_ms;
    let mut s = world.site(&ctx.site, ctx.shared.clock.elapsed_ms())?;
    *s.calls.entry(endpoint).or_default() += 1;
    // The manager upgrade takes only the false success: it has no task to stall or fail.
    let takes_task_fault = |k: &FaultKind| match endpoint {
        Endpoint::ApplianceUpgrade | Endpoint::ApplianceRedeploy => true,
        Endpoint::ManagerUpgradeStart => *k == FaultKind::TaskSucceedNoChange,
        _ => false,
    };
    let mut fired = Vec::new();
    for r in &mut s.faults {
        if r.is_task_fault() && !takes_task_fault(&r.kind) {
            continue;
        }
        if r.fire(endpoint) {
            fired.push(r.kind.clone());
        }
    }
    Some((latency, fired))
}

/// Latency, then a reset or an injected status instead of the answer. No lock is held here.
async fn transport_faults(parts: &Parts, latency: u64, fired: &[FaultKind]) -> Option<Response> {
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
        return Some(StatusCode::BAD_GATEWAY.into_response());
    }
    for f in fired {
        if let FaultKind::Status { status, retry_after } = f {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({"errors": [{"message": format!("injected fault: http {status} (hcx-sim)")}]});
            let mut resp = (code, axum::Json(body)).into_response();
            if let Some(secs) = retry_after {
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    resp.headers_mut().insert("retry-after", v);
                }
            }
            return Some(resp);
        }
    }
    None
}

/// The HTTP response of a reply, with the body faults (malformed, truncated) applied.
fn render(reply: Reply, fired: &[FaultKind]) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = reply.body.map(|v| patched(v, fired));
    let text = match &body {
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
    if body.is_some() {
        resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    }
    if let Some(t) = reply.token {
        if let Ok(v) = HeaderValue::from_str(&t) {
            resp.headers_mut().insert("x-hm-authorization", v);
        }
    }
    resp
}

/// Applies every `patch` fault that fired, in order.
fn patched(mut v: Value, fired: &[FaultKind]) -> Value {
    for f in fired {
        if let FaultKind::Patch { pointer, value } = f {
            v = patch(v, pointer, value.clone());
        }
    }
    v
}

/// Sets the JSON pointer `pointer` of `v` to `value`; a pointer whose parent does not exist changes nothing.
/// On an array, the last token may be an index of an existing element or `-` (append).
pub(crate) fn patch(mut v: Value, pointer: &str, value: Value) -> Value {
    if pointer.is_empty() {
        return value;
    }
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return v; // not a pointer: a no-op, as for a missing parent
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.insert(key, value);
        }
        Some(Value::Array(a)) if key == "-" => a.push(value),
        Some(Value::Array(a)) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = value;
            }
        }
        Some(_) | None => {}
    }
    v
}

/// Replaces the first element of the first non-empty array (depth-first) with `42`.
pub(crate) fn malformed(mut v: Value) -> Value {
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
        assert_eq!(route(&Method::GET, "/hcx-sim/rehearsal/manager-upgrade").0, Endpoint::ManagerUpgradeStatus);
        assert_eq!(route(&Method::GET, "/hcx-sim/stand-in/manager/upgrade").0, Endpoint::Unknown);
        assert_eq!(route(&Method::GET, "/hybridity/api/interconnect/appliances/ha/groups").0, Endpoint::HaGroups);
    }

    #[test]
    fn patch_sets_a_pointer_or_does_nothing_without_a_parent() {
        let v = serde_json::json!({"items": [{"a": 1, "p": [1]}]});
        assert_eq!(patch(v.clone(), "/items/0/p", Value::Null), serde_json::json!({"items": [{"a": 1, "p": null}]}));
        assert_eq!(patch(v.clone(), "/items/0/new", Value::from(2))["items"][0]["new"], 2);
        assert_eq!(patch(v.clone(), "/items/3/p", Value::Null), v, "no such parent");
        assert_eq!(patch(v.clone(), "/items/0", Value::from(7)), serde_json::json!({"items": [7]}));
        assert_eq!(patch(v.clone(), "/nope/x", Value::Null), v);
        assert_eq!(patch(v, "", Value::from("x")), Value::from("x"));
    }

    #[test]
    fn malformed_breaks_first_array_element() {
        let v = malformed(serde_json::json!({"items": [{"a": 1}, {"a": 2}]}));
        assert_eq!(v, serde_json::json!({"items": [42, {"a": 2}]}));
        assert_eq!(malformed(serde_json::json!({"a": 1})), serde_json::json!(42));
    }
}
