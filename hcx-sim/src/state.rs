//! The simulated world's state, per manager and per service mesh, each behind its own lock.
//!
//! Nothing here takes two locks at once: a handler copies what it needs out of one manager's state (a version,
//! say) before it locks a mesh, so concurrent requests to different managers never wait on each other and no
//! lock order can deadlock. Time is applied lazily: whatever a request reads is first brought up to "now"
//! (finished upgrades, tasks and jobs), which gives the same answers as a global tick on every request.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use hcx_core::HcxVersion;
use hcx_core::fleet::{ApplianceKind, MeshService, Migration, Platform, Replication};

use crate::fault::{Endpoint, FaultRule};
use crate::scenario::{Scenario, Timing};

/// Locks a mutex; a poisoned lock only means a handler panicked, and the state is still usable for a simulator.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What never changes about a manager.
#[derive(Debug)]
pub(crate) struct SiteInfo {
    pub id: String,
    pub name: Option<String>,
    pub platform: Platform,
    pub endpoint_id: String,
    /// The GUID of the site's vCenter (`cmpId`, `vcGuid`): stable per site, a placeholder.
    pub vc_guid: String,
    pub url: String,
    pub username: String,
    pub password: String,
    pub latency_ms: u64,
}

/// What a manager's requests change.
#[derive(Debug)]
pub(crate) struct SiteState {
    pub version: HcxVersion,
    pub faults: Vec<FaultRule>,
    /// token → last use (sim ms).
    pub tokens: HashMap<String, u64>,
    pub issued_tokens: Vec<String>,
    pub calls: BTreeMap<Endpoint, u64>,
    pub performed: BTreeMap<Endpoint, u64>,
    /// Mutations carried out per target, keyed `"<endpoint>:<target>"` (appliance id, stretch id or version).
    pub performed_on: BTreeMap<String, u64>,
    pub upgrade: Option<ManagerUpgrade>,
    /// Task id → index of the mesh that holds the task.
    pub tasks: HashMap<String, usize>,
    pub jobs: HashMap<String, SimJob>,
}

impl SiteState {
    /// Finishes a manager upgrade whose time has come: new version, and every session dropped (reboot).
    fn settle(&mut self, now: u64, timing: &Timing) {
        let up_ms = (timing.manager_upgrade_secs + timing.task_queued_secs) * 1000;
        if let Some(u) = &mut self.upgrade {
            if !u.finished && now >= u.started_ms + up_ms {
                u.finished = true;
                if !u.no_change {
                    self.version = u.target.clone();
                }
                self.tokens.clear();
            }
        }
    }

    /// The manager-upgrade rehearsal has the manager down (after its queued phase, until it finishes).
    pub fn manager_down(&self, now: u64, timing: &Timing) -> bool {
        self.upgrade.as_ref().is_some_and(|u| !u.finished && now >= u.started_ms + timing.task_queued_secs * 1000)
    }
}

/// A manager: its fixed facts and its state.
#[derive(Debug)]
pub(crate) struct SiteCell {
    pub info: SiteInfo,
    state: Mutex<SiteState>,
}

#[derive(Debug, Clone)]
pub(crate) struct ManagerUpgrade {
    pub from: HcxVersion,
    pub target: HcxVersion,
    pub started_ms: u64,
    pub finished: bool,
    /// Reports SUCCESS without changing the version ([`crate::FaultKind::TaskSucceedNoChange`]).
    pub no_change: bool,
}

/// What never changes about a mesh.
#[derive(Debug)]
pub(crate) struct MeshInfo {
    pub id: String,
    pub source: String,
    pub destination: String,
    pub services: Vec<MeshService>,
}

#[derive(Debug, Clone)]
pub(crate) struct SimAppliance {
    /// Id at the source (initiator) site; the fleet's appliance id.
    pub id: String,
    /// Id of the peer appliance at the destination site.
    pub peer_id: String,
    pub kind: ApplianceKind,
    pub version: HcxVersion,
    pub peer_version: HcxVersion,
    /// The scenario (`tunnels_down`) or a test keeps this pair's tunnel down whatever happens.
    pub tunnel_forced_down: bool,
    /// The fleet's NE HA group, if any.
    pub ha_group: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct SimExtension {
    pub stretch_id: String,
    pub network: String,
    pub appliance: String,
    /// When the delete job started (sim ms); the extension is gone once the job is done.
    pub deleting_since: Option<u64>,
}

impl SimExtension {
    pub fn deleted(&self, now: u64, timing: &Timing) -> bool {
        self.deleting_since.is_some_and(|t| now >= t + timing.job_run_secs * 1000)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Succeed,
    Fail(String),
    Stall,
    FailReportedRunning(String),
    /// Ends SUCCESS without touching the appliance.
    SucceedNoChange,
}

#[derive(Debug, Clone)]
pub(crate) struct SimTask {
    pub id: String,
    pub site: String,
    /// The appliance id as addressed at `site`.
    pub appliance: String,
    pub kind: &'static str,
    pub local: bool,
    pub created_ms: u64,
    pub outcome: Outcome,
    pub finished: bool,
}

impl SimTask {
    /// When the task ends (never, for a stalled one).
    pub fn end_ms(&self, timing: &Timing) -> Option<u64> {
        (self.outcome != Outcome::Stall)
            .then(|| self.created_ms + (timing.task_queued_secs + timing.task_run_secs) * 1000)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct SimJob {
    pub id: String,
    pub created_ms: u64,
}

/// The mesh's last task as `lastTaskDetails` shows it.
#[derive(Debug, Clone)]
pub(crate) struct LastTask {
    pub id: String,
    pub kind: String,
    pub status: String,
}

/// What requests change about a mesh: its appliances (both ends), extensions and tasks.
#[derive(Debug)]
pub(crate) struct MeshState {
    pub appliances: Vec<SimAppliance>,
    pub extensions: Vec<SimExtension>,
    /// In creation order.
    pub tasks: Vec<SimTask>,
    pub last_task: Option<LastTask>,
}

impl MeshState {
    /// Applies every task that has ended by `now`, given the managers' versions at both ends.
    fn settle(&mut self, now: u64, timing: &Timing, src_v: Option<&HcxVersion>, dst_v: Option<&HcxVersion>) {
        for i in 0..self.tasks.len() {
            let t = &self.tasks[i];
            if t.finished || t.end_ms(timing).is_none_or(|end| now < end) {
                continue;
            }
            self.tasks[i].finished = true;
            let task = self.tasks[i].clone();
            let mesh_status = match &task.outcome {
                Outcome::Succeed => {
                    self.apply_appliance_upgrade(&task, src_v, dst_v);
                    Some("SUCCESS")
                }
                Outcome::SucceedNoChange => Some("SUCCESS"),
                Outcome::Fail(_) => Some("FAILED"),
                // The quirk: the mesh keeps showing RUNNING after the task failed.
                Outcome::FailReportedRunning(_) | Outcome::Stall => None,
            };
            if let (Some(status), Some(lt)) = (mesh_status, &mut self.last_task) {
                if lt.id == task.id {
                    status.clone_into(&mut lt.status);
                }
            }
        }
    }

    /// A finished upgrade or redeploy leaves the appliance on its manager's software (a redeploy deploys the
    /// manager's current appliance image: INFERRED, as the reference only says that redeploying the SGW
    /// upgrades it). Appliances upgrade to the software their manager has (MS-AVS-doc: flagged when the manager
    /// is newer).
    fn apply_appliance_upgrade(&mut self, task: &SimTask, src_v: Option<&HcxVersion>, dst_v: Option<&HcxVersion>) {
        let Some(a) = self.appliances.iter_mut().find(|a| a.id == task.appliance || a.peer_id == task.appliance) else {
            return;
        };
        let called_at_source = a.id == task.appliance;
        if called_at_source || !task.local {
            if let Some(v) = src_v {
                a.version = v.clone();
            }
        }
        if !called_at_source || !task.local {
            if let Some(v) = dst_v {
                a.peer_version = v.clone();
            }
        }
    }

    /// Whether an appliance pair's tunnel is up at `now`. INFERRED model: a tunnel goes down when its
    /// appliance's upgrade or redeploy starts running and re-converges `tunnel_converge_secs` after the task
    /// ends (the reference: NE tunnels "re-converge in less than one minute"); a stalled task keeps it down.
    pub fn tunnel_up(&self, a: &SimAppliance, now: u64, timing: &Timing) -> bool {
        if a.tunnel_forced_down {
            return false;
        }
        !self.tasks.iter().filter(|t| t.appliance == a.id || t.appliance == a.peer_id).any(|t| {
            let down_from = t.created_ms + timing.task_queued_secs * 1000;
            let up_at = t.end_ms(timing).map(|e| e + timing.tunnel_converge_secs * 1000);
            now >= down_from && up_at.is_none_or(|u| now < u)
        })
    }
}

/// A mesh: its fixed facts and its state.
#[derive(Debug)]
pub(crate) struct MeshCell {
    pub info: MeshInfo,
    state: Mutex<MeshState>,
}

/// Where an appliance id lives: mesh index, appliance index, and whether the id is the source-side one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApplianceRef {
    pub mesh: usize,
    pub index: usize,
    pub at_source: bool,
}

/// A mutation held without an answer ([`crate::FaultKind::HoldThenLand`]), carried out once its time comes.
#[derive(Debug, Clone)]
pub(crate) struct Deferred {
    pub site: String,
    pub endpoint: Endpoint,
    pub params: Vec<String>,
    pub query: String,
    pub body: Vec<u8>,
    /// Simulated time at which it lands.
    pub land_ms: u64,
}

/// The whole simulated fleet, with indexes for every lookup a request makes.
#[derive(Debug)]
pub(crate) struct World {
    pub timing: Timing,
    pub sites: HashMap<String, SiteCell>,
    pub meshes: Vec<MeshCell>,
    /// Meshes a site is an end of, in fleet order.
    pub meshes_of_site: HashMap<String, Vec<usize>>,
    /// Both ids of every appliance (source id and peer id).
    pub appliance_index: HashMap<String, ApplianceRef>,
    /// Stretch id → mesh index.
    pub extension_index: HashMap<String, usize>,
    /// Site → the sites it paired *to* (it is the pair's source).
    pub pairs_from: HashMap<String, Vec<String>>,
    pub migrations: HashMap<String, Vec<Migration>>,
    /// Migrations only the compat-2.1 query shows, per site.
    pub compat_migrations: HashMap<String, Vec<Migration>>,
    /// Serve the INFERRED `status.tunnels[]` on appliances.
    pub inferred_tunnels: bool,
    pub replications: HashMap<String, Vec<Replication>>,
    /// Held mutations still to land, in arrival order.
    pub deferred: Mutex<Vec<Deferred>>,
    next_id: AtomicU64,
}

/// The id of a site's one mobility group (INFERRED modelling: every site with scenario `compat_migrations` has
/// one group holding them), stable across runs.
pub(crate) fn mobility_group_id(site: &str) -> String {
    format!("mobilitygroup-{}", pseudo_uuid(&format!("mobility-group:{site}")))
}

/// Deterministic pseudo-UUID from a string (FNV-1a), so endpoint ids are stable across runs.
pub(crate) fn pseudo_uuid(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut h2: u64 = 0x8422_2325_cbf2_9ce4;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
        h2 = h2.rotate_left(5) ^ u64::from(b);
        h2 = h2.wrapping_mul(0x0100_0000_01b3);
    }
    let x = format!("{h:016x}{h2:016x}");
    format!("{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}

impl World {
    pub(crate) fn new(scenario: &Scenario, urls: &BTreeMap<String, String>) -> Self {
        let fleet = &scenario.fleet;
        let mut sites = HashMap::new();
        for s in &fleet.sites {
            let (username, password) = scenario.credentials(&s.id);
            let spec = scenario.managers.get(&s.id);
            let info = SiteInfo {
                id: s.id.clone(),
                name: s.name.clone(),
                platform: s.platform,
                // Real format: "<17-digit timestamp>-<uuid>" (field notes).
                endpoint_id: format!("20260101000000000-{}", pseudo_uuid(&s.id)),
                vc_guid: pseudo_uuid(&format!("vc/{}", s.id)),
                url: urls.get(&s.id).cloned().unwrap_or_default(),
                username,
                password,
                latency_ms: spec.and_then(|m| m.latency_ms).unwrap_or(scenario.defaults.latency_ms),
            };
            let state = SiteState {
                version: s.version.clone(),
                faults: spec.map(|m| m.faults.clone()).unwrap_or_default(),
                tokens: HashMap::new(),
                issued_tokens: Vec::new(),
                calls: BTreeMap::new(),
                performed: BTreeMap::new(),
                performed_on: BTreeMap::new(),
                upgrade: None,
                tasks: HashMap::new(),
                jobs: HashMap::new(),
            };
            sites.insert(s.id.clone(), SiteCell { info, state: Mutex::new(state) });
        }
        let mut world = Self {
            timing: scenario.timing.clone(),
            sites,
            meshes: Vec::new(),
            meshes_of_site: HashMap::new(),
            appliance_index: HashMap::new(),
            extension_index: HashMap::new(),
            pairs_from: HashMap::new(),
            migrations: HashMap::new(),
            compat_migrations: HashMap::new(),
            inferred_tunnels: scenario.inferred_tunnels,
            replications: HashMap::new(),
            deferred: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
        };
        world.add_meshes(scenario);
        for p in &fleet.pairs {
            world.pairs_from.entry(p.source.clone()).or_default().push(p.destination.clone());
        }
        for m in &fleet.migrations {
            world.migrations.entry(m.site.clone().unwrap_or_default()).or_default().push(m.clone());
        }
        for m in &scenario.compat_migrations {
            world.compat_migrations.entry(m.site.clone().unwrap_or_default()).or_default().push(m.clone());
        }
        for r in &fleet.replications {
            world.replications.entry(r.site.clone().unwrap_or_default()).or_default().push(r.clone());
        }
        world
    }

    fn add_meshes(&mut self, scenario: &Scenario) {
        let fleet = &scenario.fleet;
        for (mi, m) in fleet.meshes.iter().enumerate() {
            let mut appliances = Vec::new();
            for (ai, a) in m.appliances.iter().enumerate() {
                let peer_id = format!("{}-peer", a.id);
                self.appliance_index.insert(a.id.clone(), ApplianceRef { mesh: mi, index: ai, at_source: true });
                self.appliance_index.insert(peer_id.clone(), ApplianceRef { mesh: mi, index: ai, at_source: false });
                appliances.push(SimAppliance {
                    id: a.id.clone(),
                    peer_id,
                    kind: a.kind,
                    version: a.version.clone(),
                    peer_version: a.version.clone(),
                    tunnel_forced_down: scenario.tunnels_down.contains(&a.id),
                    ha_group: a.ha_group.clone(),
                });
            }
            let mut extensions = Vec::new();
            for (i, e) in fleet.extensions.iter().enumerate() {
                if !m.appliances.iter().any(|a| a.id == e.appliance) {
                    continue;
                }
                let stretch_id = format!("stretch-{}", pseudo_uuid(&format!("{}/{}/{i}", e.appliance, e.network)));
                self.extension_index.insert(stretch_id.clone(), mi);
                extensions.push(SimExtension {
                    stretch_id,
                    network: e.network.clone(),
                    appliance: e.appliance.clone(),
                    deleting_since: None,
                });
            }
            self.meshes_of_site.entry(m.source.clone()).or_default().push(mi);
            if m.destination != m.source {
                self.meshes_of_site.entry(m.destination.clone()).or_default().push(mi);
            }
            let info = MeshInfo {
                id: m.id.clone(),
                source: m.source.clone(),
                destination: m.destination.clone(),
                services: m.services.clone(),
            };
            let state = MeshState { appliances, extensions, tasks: Vec::new(), last_task: None };
            self.meshes.push(MeshCell { info, state: Mutex::new(state) });
        }
    }

    /// A fresh id with a prefix (`task-…`, `job-…`).
    pub(crate) fn next_id(&self, prefix: &str) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}-{}", pseudo_uuid(&format!("{prefix}{n}")))
    }

    /// A manager's fixed facts.
    pub(crate) fn info(&self, site: &str) -> Option<&SiteInfo> {
        self.sites.get(site).map(|c| &c.info)
    }

    /// A manager's state, brought up to `now`.
    pub(crate) fn site(&self, site: &str, now: u64) -> Option<MutexGuard<'_, SiteState>> {
        let mut s = lock(&self.sites.get(site)?.state);
        s.settle(now, &self.timing);
        Some(s)
    }

    /// A manager's version at `now`.
    pub(crate) fn version(&self, site: &str, now: u64) -> Option<HcxVersion> {
        self.site(site, now).map(|s| s.version.clone())
    }

    /// A mesh's state, brought up to `now` (the end managers' versions are read first, one lock at a time).
    pub(crate) fn mesh(&self, index: usize, now: u64) -> Option<(&MeshInfo, MutexGuard<'_, MeshState>)> {
        let cell = self.meshes.get(index)?;
        let src_v = self.version(&cell.info.source, now);
        let dst_v = self.version(&cell.info.destination, now);
        let mut m = lock(&cell.state);
        m.settle(now, &self.timing, src_v.as_ref(), dst_v.as_ref());
        Some((&cell.info, m))
    }

    /// The meshes a site is an end of.
    pub(crate) fn meshes_at(&self, site: &str) -> &[usize] {
        self.meshes_of_site.get(site).map_or(&[], Vec::as_slice)
    }
}
