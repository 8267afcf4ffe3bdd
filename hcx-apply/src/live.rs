//! The live state of the managers a step touches, and the drift and success checks against it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use hcx_core::HcxVersion;
use hcx_core::client::discover::Target;
use hcx_core::client::{ClientConfig, ClientError, HcxClient};
use serde::Serialize;

use crate::error::ApplyError;
use crate::ops::{Action, PlannedStep};

/// One HCX client per site.
#[derive(Debug, Clone)]
pub struct Managers {
    clients: BTreeMap<String, Arc<HcxClient>>,
    /// The clients' whole-request deadline: a call whose answer never came may land up to about this late.
    timeout: Duration,
}

impl Managers {
    /// Clients for the endpoints (passwords already resolved), on one shared HTTP client.
    ///
    /// # Errors
    /// [`ApplyError::Endpoints`] for a bad URL or TLS setup.
    pub fn new(targets: Vec<Target>, cfg: &ClientConfig) -> Result<Self, ApplyError> {
        let http = cfg.build_http().map_err(|e| ApplyError::Endpoints(e.to_string()))?;
        let mut clients = BTreeMap::new();
        for t in targets {
            let c = HcxClient::with_http(&http, &t.endpoint.url, t.credentials(), cfg)
                .map_err(|e| ApplyError::Endpoints(format!("site {}: {e}", t.endpoint.site)))?;
            clients.insert(t.endpoint.site.clone(), Arc::new(c));
        }
        Ok(Self { clients, timeout: cfg.timeout })
    }

    /// The clients' whole-request deadline ([`ClientConfig::timeout`]).
    pub fn client_timeout(&self) -> Duration {
        self.timeout
    }

    /// The client of a site.
    ///
    /// # Errors
    /// [`ApplyError::Endpoints`] when the endpoints file has no such site.
    pub fn get(&self, site: &str) -> Result<&HcxClient, ApplyError> {
        self.clients
            .get(site)
            .map(|c| c.as_ref())
            .ok_or_else(|| ApplyError::Endpoints(format!("no manager for site {site} in the endpoints file")))
    }

    /// Site ids.
    pub fn sites(&self) -> Vec<String> {
        self.clients.keys().cloned().collect()
    }
}

/// An appliance as the managers report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveAppliance {
    /// Mesh.
    pub mesh: String,
    /// Version at the source site.
    pub version: HcxVersion,
    /// Version of the peer at the destination, when the peer is listed there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_version: Option<HcxVersion>,
    /// `status.summary.overallStatus` as the source manager reports it (the field is CONFIRMED-CODE, its values
    /// UNKNOWN): compared with what it was before the run, never interpreted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Its tunnels, only where a manager sends `status.tunnels[]` (a shape no public source shows): a tunnel
    /// that is not up fails the verification, a listed one never passes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnels: Option<Vec<LiveTunnel>>,
}

/// One tunnel of an appliance, from `status.tunnels[]` of the appliance object. No public source shows that
/// shape (PowerCLI's `HCXInterconnectAppliance` surfaces a `TunnelStatus`, the wire field is UNKNOWN), so it can
/// only make the verification stricter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveTunnel {
    /// The peer appliance, when named (`peerApplianceId`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// The status as reported (`UP`, `DOWN`, …; `unreadable` when the entry has none).
    pub status: String,
}

impl LiveTunnel {
    /// Whether the tunnel is up.
    pub fn is_up(&self) -> bool {
        self.status.eq_ignore_ascii_case("up")
    }
}

/// `status.summary.overallStatus` of an appliance object, if it has one.
fn overall_status(status: Option<&serde_json::Value>) -> Option<String> {
    status?.get("summary")?.get("overallStatus")?.as_str().map(str::to_owned)
}

/// `status.tunnels[]` of an appliance object, if it has one.
fn tunnels_of(status: Option<&serde_json::Value>) -> Option<Vec<LiveTunnel>> {
    let list = status?.get("tunnels")?.as_array()?;
    Some(
        list.iter()
            .map(|t| LiveTunnel {
                peer: t["peerApplianceId"].as_str().map(str::to_owned),
                status: t["status"].as_str().unwrap_or("unreadable").to_owned(),
            })
            .collect(),
    )
}

/// What was read from the managers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LiveState {
    /// Manager version per site.
    pub managers: BTreeMap<String, HcxVersion>,
    /// Appliances by their source-side id.
    pub appliances: BTreeMap<String, LiveAppliance>,
    /// Migrations not in a terminal state, per site.
    pub active_migrations: BTreeMap<String, usize>,
    /// Replications the summary counts (any counter above zero), per site read.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub active_replications: BTreeMap<String, u64>,
    /// Mesh service status by mesh, then service name (`status.services[]` of the mesh; values UNKNOWN).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, BTreeMap<String, String>>,
}

fn migration_active(state: Option<&str>) -> bool {
    !matches!(
        state,
        Some(
            "MIGRATED"
                | "MIGRATION_COMPLETE"
                | "MIGRATE_FAILED"
                | "TRANSFER_FAILED"
                | "MIGRATION_FAILED"
                | "MIGRATE_CANCELED"
                | "MIGRATION_CANCELLED"
        )
    )
}

/// What to read for a step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reads {
    pub managers: BTreeSet<String>,
    /// (source site, mesh)
    pub meshes: BTreeSet<(String, String)>,
    pub migrations: BTreeSet<String>,
    pub replications: BTreeSet<String>,
}

impl Reads {
    /// What a step reads. A pre-check also reads the meshes its site starts, so the appliances' and services'
    /// status before anything changes is in the journal for the verification to compare with.
    pub(crate) fn for_step(step: &PlannedStep, facts: &PlanFacts) -> Self {
        let mut r = Self::default();
        match &step.action {
            Action::Precheck { site } => {
                r.managers.insert(site.clone());
                r.migrations.insert(site.clone());
                r.replications.insert(site.clone());
                for mesh in facts.meshes_from.get(site).into_iter().flatten() {
                    r.meshes.insert((site.clone(), mesh.clone()));
                }
            }
            Action::Manual { site, .. } => {
                if let Some(s) = site {
                    r.managers.insert(s.clone());
                }
            }
            Action::UpgradeManager { site, .. } => {
                r.managers.insert(site.clone());
            }
            Action::WaitConvergence { sites, .. } => r.managers.extend(sites.iter().cloned()),
            Action::UpgradeAppliances { site, mesh, .. } | Action::RedeployAppliances { site, mesh, .. } => {
                r.managers.insert(site.clone());
                r.meshes.insert((site.clone(), mesh.clone()));
                r.migrations.insert(site.clone());
            }
            Action::Verify { sites, meshes, .. } => {
                r.managers.extend(sites.iter().cloned());
                r.meshes.extend(meshes.iter().cloned());
            }
        }
        r
    }

    pub(crate) fn everything(steps: &[PlannedStep], facts: &PlanFacts) -> Self {
        let mut all = Self::default();
        for s in steps {
            let r = Self::for_step(s, facts);
            all.managers.extend(r.managers);
            all.meshes.extend(r.meshes);
            all.migrations.extend(r.migrations);
            all.replications.extend(r.replications);
        }
        all
    }
}

fn step_err(step: &str, what: &str, e: ClientError) -> ApplyError {
    ApplyError::client(step, what, e)
}

/// Reads the appliances of one mesh as seen from its source site (versions of the peers from the destination).
pub(crate) async fn read_mesh(
    managers: &Managers,
    step: &str,
    site: &str,
    mesh: &str,
    into: &mut BTreeMap<String, LiveAppliance>,
) -> Result<(), ApplyError> {
    let client = managers.get(site)?;
    let list = client.appliances().await.map_err(|e| step_err(step, &format!("read the appliances at {site}"), e))?;
    let mine: Vec<_> = list
        .into_iter()
        .filter(|a| a.service_mesh_id.as_deref() == Some(mesh) && a.is_initiator != Some(false))
        .collect();
    // The peers' versions come from the other end's list, where that manager is in the endpoints file.
    let mut peers: BTreeMap<String, HcxVersion> = BTreeMap::new();
    for other in managers.sites() {
        if other == site {
            continue;
        }
        let Ok(c) = managers.get(&other) else { continue };
        let Ok(theirs) = c.appliances().await else { continue };
        for a in theirs.into_iter().filter(|a| a.service_mesh_id.as_deref() == Some(mesh)) {
            if let Some(v) = a.appliance_version.as_ref().and_then(|v| v.to_version().ok()) {
                peers.insert(a.appliance_id.clone(), v);
            }
        }
        if !peers.is_empty() {
            break;
        }
    }
    for a in mine {
        let Some(version) = a.appliance_version.as_ref().and_then(|v| v.to_version().ok()) else { continue };
        let peer_version =
            a.peer_appliances.first().and_then(|p| p.appliance_id.as_ref()).and_then(|id| peers.get(id)).cloned();
        let (status, tunnels) = (overall_status(a.status.as_ref()), tunnels_of(a.status.as_ref()));
        let live = LiveAppliance { mesh: mesh.to_owned(), version, peer_version, status, tunnels };
        into.insert(a.appliance_id.clone(), live);
    }
    Ok(())
}

/// The mesh's `status.services[]` as `service name → status`, as its source site reports it.
async fn read_services(
    managers: &Managers,
    step: &str,
    site: &str,
    mesh: &str,
) -> Result<BTreeMap<String, String>, ApplyError> {
    let meshes = managers
        .get(site)?
        .service_meshes()
        .await
        .map_err(|e| step_err(step, &format!("read the service meshes at {site}"), e))?;
    let Some(status) = meshes.iter().find(|m| m.service_mesh_id == mesh).and_then(|m| m.status.as_ref()) else {
        return Ok(BTreeMap::new());
    };
    let services = status["services"].as_array().map_or(&[][..], Vec::as_slice);
    Ok(services
        .iter()
        .filter_map(|s| Some((s["serviceName"].as_str()?.to_owned(), s["status"].as_str()?.to_owned())))
        .collect())
}

/// Reads what a step's drift and success checks need from the live managers (its drift read).
///
/// # Errors
/// [`ApplyError::Client`] naming the read that failed.
pub async fn read_for(managers: &Managers, step: &PlannedStep) -> Result<LiveState, ApplyError> {
    read(managers, &step.id, &Reads::for_step(step, &PlanFacts::default())).await
}

pub(crate) async fn read(managers: &Managers, step: &str, reads: &Reads) -> Result<LiveState, ApplyError> {
    let mut live = LiveState::default();
    for site in &reads.managers {
        let v = managers
            .get(site)?
            .local_version()
            .await
            .map_err(|e| step_err(step, &format!("read the manager version of {site}"), e))?;
        live.managers.insert(site.clone(), v.version);
    }
    for (site, mesh) in &reads.meshes {
        read_mesh(managers, step, site, mesh, &mut live.appliances).await?;
        let services = read_services(managers, step, site, mesh).await?;
        if !services.is_empty() {
            live.services.insert(mesh.clone(), services);
        }
    }
    for site in &reads.replications {
        let r = managers
            .get(site)?
            .replication_summary()
            .await
            .map_err(|e| step_err(step, &format!("read the replications at {site}"), e))?;
        let counters = [
            &r.active_replication_cnt,
            &r.configuring_replication_cnt,
            &r.recovering_replication_cnt,
            &r.syncing_replication_cnt,
        ];
        let n = counters.iter().map(|c| c.outgoing.saturating_add(c.incoming)).fold(0u64, u64::saturating_add);
        live.active_replications.insert(site.clone(), n);
    }
    for site in &reads.migrations {
        // Both query styles: which one lists a mobility-group migration is not documented.
        let m = managers
            .get(site)?
            .migration_list()
            .await
            .map_err(|e| step_err(step, &format!("read the migrations at {site}"), e))?;
        if let Some(e) = &m.compat_error {
            tracing::warn!(step, site = %site, error = %e, "the compat-2.1 migrations query failed; counting the other style only");
        }
        live.active_migrations.insert(site.clone(), m.items.iter().filter(|m| migration_active(m.state())).count());
    }
    Ok(live)
}

/// Facts of the whole plan a drift check needs: the appliances the plan knows per mesh.
#[derive(Debug, Clone, Default)]
pub(crate) struct PlanFacts {
    pub mesh_appliances: BTreeMap<String, BTreeSet<String>>,
    /// The meshes each site starts (source site → meshes), from the mesh steps.
    pub meshes_from: BTreeMap<String, BTreeSet<String>>,
}

impl PlanFacts {
    pub(crate) fn of(steps: &[PlannedStep]) -> Self {
        let mut f = Self::default();
        for s in steps {
            if let Action::UpgradeAppliances { site, mesh, appliances, .. }
            | Action::RedeployAppliances { site, mesh, appliances, .. } = &s.action
            {
                f.mesh_appliances.entry(mesh.clone()).or_default().extend(appliances.iter().cloned());
                f.meshes_from.entry(site.clone()).or_default().insert(mesh.clone());
            }
        }
        f
    }
}

fn expect(out: &mut Vec<String>, what: &str, live: Option<&HcxVersion>, want: &HcxVersion) {
    match live {
        Some(v) if v == want => {}
        // Someone went further than the plan knows: the plan's later steps no longer fit, so make it again.
        Some(v) if v > want => {
            out.push(format!("{what} is at {v}, the plan expected {want}: it is newer than the plan expected, re-plan"))
        }
        Some(v) => out.push(format!("{what} is at {v}, the plan expected {want}")),
        None => out.push(format!("{what} is not reported by its manager (the plan expected {want})")),
    }
}

/// What an interrupted run of a step already finished, by the journal: those subjects are at the step's
/// after-state, which the drift check must expect instead of its before-state.
#[derive(Debug, Default)]
pub(crate) struct Finished {
    /// Appliances whose upgrade or redeploy is done.
    pub(crate) appliances: BTreeSet<String>,
    /// The step's manager hop is done.
    pub(crate) manager: bool,
}

/// Differences between the live state and a step's before-state. `done` names what of the step the journal
/// already finished (it is at the after-state by now).
pub(crate) fn before_differences(
    step: &PlannedStep,
    live: &LiveState,
    facts: &PlanFacts,
    done: &Finished,
) -> Vec<String> {
    let mut out = Vec::new();
    match &step.action {
        Action::UpgradeManager { site, from, to, .. } => {
            // A hop an interrupted run finished is at its after-state already.
            let want = if done.manager { to } else { from };
            expect(&mut out, &format!("manager {site}"), live.managers.get(site), want)
        }
        Action::UpgradeAppliances { site, mesh, appliances, from, to, .. } => {
            expect(&mut out, &format!("manager {site}"), live.managers.get(site), to);
            mesh_membership(&mut out, mesh, live, facts);
            for a in appliances {
                let want = if done.appliances.contains(a) { Some(to) } else { from.as_ref() };
                match (live.appliances.get(a), want) {
                    (None, _) => out.push(format!("appliance {a} is gone from mesh {mesh}")),
                    (Some(l), Some(want)) => expect(&mut out, &format!("appliance {a}"), Some(&l.version), want),
                    (Some(_), None) => {}
                }
            }
            migrations(&mut out, site, live);
        }
        Action::RedeployAppliances { site, mesh, appliances, .. } => {
            mesh_membership(&mut out, mesh, live, facts);
            for a in appliances.iter().filter(|a| !live.appliances.contains_key(*a)) {
                out.push(format!("appliance {a} is gone from mesh {mesh}"));
            }
            migrations(&mut out, site, live);
        }
        // A read-only step checks the state the plan expects at that point (typed actions carry it), so a
        // fleet that moved on since the plan was made is drift here rather than a failed check afterwards.
        Action::Precheck { .. } | Action::Manual { .. } => {
            if let Some(view) = &step.before {
                view_differences(&mut out, view, live, |_| None);
            }
        }
        _ => {}
    }
    out
}

fn mesh_membership(out: &mut Vec<String>, mesh: &str, live: &LiveState, facts: &PlanFacts) {
    let Some(known) = facts.mesh_appliances.get(mesh) else { return };
    for (id, a) in &live.appliances {
        if a.mesh == mesh && !known.contains(id) {
            out.push(format!("appliance {id} was added to mesh {mesh} since the plan was made"));
        }
    }
}

fn migrations(out: &mut Vec<String>, site: &str, live: &LiveState) {
    if let Some(n) = live.active_migrations.get(site).filter(|n| **n > 0) {
        out.push(format!("{n} migration(s) in flight at {site} (started since the plan was made)"));
    }
}

/// Compares the parts of a plan's state view that were read live: managers read, appliances of the meshes read.
fn view_differences(
    out: &mut Vec<String>,
    view: &hcx_core::plan::StateView,
    live: &LiveState,
    override_for: impl Fn(&str) -> Option<HcxVersion>,
) {
    for (site, want) in &view.managers {
        if let Some(v) = live.managers.get(&**site) {
            expect(out, &format!("manager {site}"), Some(v), want);
        }
    }
    for (id, want) in &view.appliances {
        let want = override_for(id).or_else(|| want.clone());
        match (live.appliances.get(&**id), want) {
            (Some(a), Some(w)) => {
                expect(out, &format!("appliance {id}"), Some(&a.version), &w);
                if let Some(p) = &a.peer_version {
                    expect(out, &format!("the peer of appliance {id}"), Some(p), &w);
                }
            }
            (Some(a), None) => out.push(format!("appliance {id} exists in mesh {}, the plan expected it gone", a.mesh)),
            // An appliance of a mesh that was not read says nothing; the step's own appliances are checked apart.
            _ => {}
        }
    }
}

/// Differences between the live state and a step's after-state.
pub(crate) fn after_differences(step: &PlannedStep, live: &LiveState) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(view) = &step.after {
        view_differences(&mut out, view, live, |_| None);
        if let Action::UpgradeAppliances { appliances, .. } | Action::RedeployAppliances { appliances, .. } =
            &step.action
        {
            for a in appliances.iter().filter(|a| !live.appliances.contains_key(*a)) {
                out.push(format!("appliance {a} is not reported by its manager"));
            }
        }
        return out;
    }
    match &step.action {
        Action::UpgradeManager { site, to, .. } => {
            expect(&mut out, &format!("manager {site}"), live.managers.get(site), to)
        }
        Action::WaitConvergence { sites, version } => {
            for s in sites {
                expect(&mut out, &format!("manager {s}"), live.managers.get(s), version);
            }
        }
        Action::UpgradeAppliances { appliances, to, .. } | Action::RedeployAppliances { appliances, to, .. } => {
            for a in appliances {
                appliance_at(&mut out, a, live.appliances.get(a), to);
            }
        }
        Action::Verify { sites, meshes, version } => {
            for s in sites {
                expect(&mut out, &format!("manager {s}"), live.managers.get(s), version);
            }
            for (id, a) in &live.appliances {
                if meshes.iter().any(|(_, m)| m == &a.mesh) {
                    appliance_at(&mut out, id, Some(a), version);
                }
            }
        }
        _ => {}
    }
    out
}

/// What every appliance and mesh service reported before the run changed anything: the first value any
/// snapshot in the journal holds (a journal belongs to one plan, so its earlier runs count too).
#[derive(Debug, Default)]
pub(crate) struct Baseline {
    appliances: BTreeMap<String, String>,
    services: BTreeMap<(String, String), String>,
}

impl Baseline {
    pub(crate) fn from_snapshots(rows: &[crate::journal::SnapshotRow]) -> Self {
        let mut b = Self::default();
        for row in rows {
            if let Some(map) = row.state["appliances"].as_object() {
                for (id, a) in map {
                    if let Some(status) = a["status"].as_str() {
                        b.appliances.entry(id.clone()).or_insert_with(|| status.to_owned());
                    }
                }
            }
            if let Some(meshes) = row.state["services"].as_object() {
                for (mesh, services) in meshes {
                    for (name, status) in services.as_object().into_iter().flatten() {
                        if let Some(status) = status.as_str() {
                            b.services.entry((mesh.clone(), name.clone())).or_insert_with(|| status.to_owned());
                        }
                    }
                }
            }
        }
        b
    }
}

/// The health of a verification step's meshes, against the [`Baseline`].
#[derive(Debug, Default)]
pub(crate) struct HealthCheck {
    /// One line per appliance or service whose status is not what it was before the run.
    pub changed: Vec<String>,
    /// One line per listed tunnel that is not up (only where a manager lists `status.tunnels[]`).
    pub tunnels_down: Vec<String>,
    /// What cannot be judged: no status reported now, or none recorded before the run.
    pub unjudged: Vec<String>,
}

/// Compares every appliance and mesh service of a verification step's meshes with what it reported before
/// the run. The status values are UNKNOWN in the public record, so they are compared, never interpreted:
/// unchanged passes; changed, or not comparable, asks the operator (a value read while an upgrade ran is no
/// proof of health either way).
pub(crate) fn health_check(step: &PlannedStep, live: &LiveState, before: &Baseline) -> HealthCheck {
    let mut out = HealthCheck::default();
    let Action::Verify { meshes, .. } = &step.action else { return out };
    for (id, a) in &live.appliances {
        let Some((site, _)) = meshes.iter().find(|(_, m)| m == &a.mesh) else { continue };
        let what = format!("appliance {id} in mesh {} (as {site} reports it)", a.mesh);
        compare(&mut out, &what, "overallStatus", a.status.as_deref(), before.appliances.get(id));
        for t in a.tunnels.iter().flatten().filter(|t| !t.is_up()) {
            let peer = t.peer.as_deref().map(|p| format!(" to {p}")).unwrap_or_default();
            out.tunnels_down
                .push(format!("the tunnel of appliance {id}{peer} in mesh {} is {}, not UP", a.mesh, t.status));
        }
    }
    for (_, mesh) in meshes {
        for (name, status) in live.services.get(mesh).into_iter().flatten() {
            let what = format!("service {name} of mesh {mesh}");
            compare(&mut out, &what, "status", Some(status), before.services.get(&(mesh.clone(), name.clone())));
        }
    }
    out
}

fn compare(out: &mut HealthCheck, what: &str, field: &str, now: Option<&str>, before: Option<&String>) {
    match (now, before) {
        (Some(n), Some(b)) if n == b => {}
        (Some(n), Some(b)) => out.changed.push(format!("{what} reports {field} {n} (before the run: {b})")),
        (None, _) => out.unjudged.push(format!("{what} reports no {field}")),
        (Some(n), None) => {
            out.unjudged.push(format!("{what} reports {field} {n}, and none was recorded before the run"))
        }
    }
}

fn appliance_at(out: &mut Vec<String>, id: &str, a: Option<&LiveAppliance>, want: &HcxVersion) {
    match a {
        None => out.push(format!("appliance {id} is not reported by its manager")),
        Some(a) => {
            expect(out, &format!("appliance {id}"), Some(&a.version), want);
            if let Some(p) = &a.peer_version {
                expect(out, &format!("the peer of appliance {id}"), Some(p), want);
            }
        }
    }
}

/// The state after a step as the plan projects it (dry runs check later steps against this).
pub(crate) fn project(step: &PlannedStep, live: &mut LiveState) {
    match &step.action {
        Action::UpgradeManager { site, to, .. } => {
            live.managers.insert(site.clone(), to.clone());
        }
        Action::UpgradeAppliances { appliances, to, .. } | Action::RedeployAppliances { appliances, to, .. } => {
            for a in appliances {
                if let Some(l) = live.appliances.get_mut(a) {
                    l.version = to.clone();
                    if l.peer_version.is_some() {
                        l.peer_version = Some(to.clone());
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify_step() -> PlannedStep {
        PlannedStep {
            id: "S9".into(),
            title: "Verify".into(),
            lane: 0,
            sites: vec!["dc1".into()],
            action: Action::Verify {
                sites: vec!["dc1".into()],
                meshes: vec![("dc1".into(), "sm-1".into())],
                version: "4.11.5".parse().expect("version"),
            },
            instructions: Vec::new(),
            rollback: None,
            rollback_hours: None,
            before: None,
            after: None,
        }
    }

    fn appliance(mesh: &str, status: serde_json::Value) -> LiveAppliance {
        LiveAppliance {
            mesh: mesh.into(),
            version: "4.11.5".parse().expect("version"),
            peer_version: None,
            status: overall_status(Some(&status)),
            tunnels: tunnels_of(Some(&status)),
        }
    }

    fn up(s: &str) -> serde_json::Value {
        serde_json::json!({"summary": {"overallStatus": s}})
    }

    #[test]
    fn statuses_are_compared_with_the_run_before_and_never_interpreted() {
        let mut before = LiveState::default();
        for (id, s) in [("ix", "GREEN-ISH"), ("ne", "UP"), ("wo", "UP")] {
            before.appliances.insert(id.into(), appliance("sm-1", up(s)));
        }
        before.services.insert("sm-1".into(), BTreeMap::from([("INTERCONNECT".into(), "UP".into())]));
        let rows = vec![crate::journal::SnapshotRow {
            run: 1,
            at: String::new(),
            step: "S1".into(),
            phase: "pre".into(),
            state: serde_json::to_value(&before).expect("json"),
        }];
        let baseline = Baseline::from_snapshots(&rows);
        let mut now = LiveState::default();
        now.appliances.insert("ix".into(), appliance("sm-1", up("GREEN-ISH")));
        now.appliances.insert("ne".into(), appliance("sm-1", up("DOWN")));
        now.appliances.insert("wo".into(), appliance("sm-1", serde_json::json!({})));
        now.appliances.insert("sdr".into(), appliance("sm-1", up("UP")));
        now.appliances.insert("other".into(), appliance("sm-2", up("DOWN")));
        now.services.insert("sm-1".into(), BTreeMap::from([("INTERCONNECT".into(), "DEGRADED".into())]));
        let check = health_check(&verify_step(), &now, &baseline);
        assert_eq!(
            check.changed,
            [
                "appliance ne in mesh sm-1 (as dc1 reports it) reports overallStatus DOWN (before the run: UP)",
                "service INTERCONNECT of mesh sm-1 reports status DEGRADED (before the run: UP)",
            ]
        );
        assert_eq!(
            check.unjudged,
            [
                "appliance sdr in mesh sm-1 (as dc1 reports it) reports overallStatus UP, and none was recorded before the run",
                "appliance wo in mesh sm-1 (as dc1 reports it) reports no overallStatus",
            ]
        );
    }

    #[test]
    fn a_listed_tunnel_can_fail_the_verification_but_never_pass_it() {
        let mut now = LiveState::default();
        let down = serde_json::json!({"tunnels": [{"peerApplianceId": "ix-peer", "status": "DOWN"}]});
        let up = serde_json::json!({"tunnels": [{"peerApplianceId": "ix-peer", "status": "UP"}]});
        now.appliances.insert("ix".into(), appliance("sm-1", down));
        now.appliances.insert("ne".into(), appliance("sm-1", up));
        let check = health_check(&verify_step(), &now, &Baseline::default());
        assert_eq!(check.tunnels_down, ["the tunnel of appliance ix to ix-peer in mesh sm-1 is DOWN, not UP"]);
        assert!(check.changed.is_empty());
        assert_eq!(check.unjudged.len(), 2, "an UP tunnel does not stand in for a status: {:?}", check.unjudged);
    }
}
